build/applets/bench_net.o: applets/bench_net.c applets/applets.h \
 applets/bench.h
applets/applets.h:
applets/bench.h:
