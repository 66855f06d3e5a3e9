build/core/clock.o: core/clock.c core/clock.h
core/clock.h:
