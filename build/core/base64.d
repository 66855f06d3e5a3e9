build/core/base64.o: core/base64.c core/base64.h
core/base64.h:
