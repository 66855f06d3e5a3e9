build/applets/keygen.o: applets/keygen.c applets/applets.h
applets/applets.h:
