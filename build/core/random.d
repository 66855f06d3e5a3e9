build/core/random.o: core/random.c core/random.h core/log.h
core/random.h:
core/log.h:
