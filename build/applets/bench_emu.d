build/applets/bench_emu.o: applets/bench_emu.c applets/applets.h \
 applets/bench.h
applets/applets.h:
applets/bench.h:
