build/applets/connect.o: applets/connect.c applets/applets.h
applets/applets.h:
