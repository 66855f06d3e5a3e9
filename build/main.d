build/main.o: main.c applets/applets.h core/options.h
applets/applets.h:
core/options.h:
