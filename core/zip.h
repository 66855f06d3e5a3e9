/* Raw deflate (RFC 1951) through zlib, for the server's frame diffs.
 *
 * Inflation is bounded: the caller names the most bytes it accepts, and
 * data that would inflate past that (a zip bomb) is refused after at most
 * that much work. One compressor and one decompressor stream are made on
 * first use and reused (sspsh is single-threaded), so a frame costs no
 * allocation beyond the output's growth. */
#ifndef SSPSH_ZIP_H
#define SSPSH_ZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

enum zip_result {
	ZIP_OK,
	ZIP_TOO_BIG,	/* inflates to more than the bound */
	ZIP_MALFORMED,	/* not one complete raw deflate stream */
	ZIP_NO_MEMORY,
};

/* Append the deflated form of data[0..len) to out. */
enum zip_result zip_deflate(const uint8_t *data, size_t len, struct buf *out);

/* Append the inflated form of data[0..len) to out, refusing to produce
 * more than max_out bytes. Bytes after the end of the stream are
 * malformed. On failure out may hold part of the output. */
enum zip_result zip_inflate(const uint8_t *data, size_t len, size_t max_out, struct buf *out);

#endif
