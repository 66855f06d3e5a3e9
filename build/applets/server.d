build/applets/server.o: applets/server.c applets/applets.h
applets/applets.h:
