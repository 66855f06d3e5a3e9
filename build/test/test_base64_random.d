build/test/test_base64_random: test/unit/test_base64_random.c \
 core/base64.h core/random.h test/unit/unit.h
core/base64.h:
core/random.h:
test/unit/unit.h:
