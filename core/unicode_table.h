/* The generated Unicode table (tools/gen_unicode.c writes its source at
 * build time): one byte for every code point, holding the grapheme break
 * class (enum unicode_class in core/unicode.h) and the width. Only
 * core/unicode.c and the generator need this. */
#ifndef SSPSH_UNICODE_TABLE_H
#define SSPSH_UNICODE_TABLE_H

#include <stdint.h>

#define UNICODE_CLASS_MASK 0x1f
#define UNICODE_WIDTH_SHIFT 5
#define UNICODE_WIDTH_MAX 2

uint8_t unicode_table_props(uint32_t cp);

#endif
