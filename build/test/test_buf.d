build/test/test_buf: test/unit/test_buf.c core/buf.h test/unit/unit.h
core/buf.h:
test/unit/unit.h:
