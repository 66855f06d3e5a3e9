build/applets/bench.o: applets/bench.c applets/applets.h applets/bench.h
applets/applets.h:
applets/bench.h:
