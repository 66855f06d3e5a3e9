#include "core/zip.h"

#include <limits.h>
#include <zlib.h>

#include "core/options.h"

/* Negative window bits: raw deflate, no zlib header or checksum (the
 * transport already authenticates every byte). */
#define RAW_WINDOW_BITS (-15)
#define MEM_LEVEL 8
/* Output room added per inflate round. */
#define CHUNK 16384

static z_stream deflater, inflater;
static bool deflater_ready, inflater_ready;

static bool deflater_get(void)
{
	if (deflater_ready)
		return deflateReset(&deflater) == Z_OK;
	if (deflateInit2(&deflater, SSPSH_FRAME_DEFLATE_LEVEL, Z_DEFLATED, RAW_WINDOW_BITS,
			 MEM_LEVEL, Z_DEFAULT_STRATEGY) != Z_OK)
		return false;
	deflater_ready = true;
	return true;
}

static bool inflater_get(void)
{
	if (inflater_ready)
		return inflateReset(&inflater) == Z_OK;
	if (inflateInit2(&inflater, RAW_WINDOW_BITS) != Z_OK)
		return false;
	inflater_ready = true;
	return true;
}

enum zip_result zip_deflate(const uint8_t *data, size_t len, struct buf *out)
{
	uLong bound;
	int rc;

	if (len > UINT_MAX)
		return ZIP_TOO_BIG;
	if (!deflater_get())
		return ZIP_NO_MEMORY;
	bound = deflateBound(&deflater, (uLong)len);
	if (bound > UINT_MAX)
		return ZIP_TOO_BIG;
	if (!buf_reserve(out, bound))
		return ZIP_NO_MEMORY;
	deflater.next_in = (Bytef *)data;
	deflater.avail_in = (uInt)len;
	deflater.next_out = out->data + out->len;
	deflater.avail_out = (uInt)bound;
	rc = deflate(&deflater, Z_FINISH);
	if (rc != Z_STREAM_END)
		return ZIP_NO_MEMORY;
	out->len += bound - deflater.avail_out;
	return ZIP_OK;
}

/* Room for the next round: CHUNK bytes, or what is left of the bound plus
 * one byte (so producing that byte tells that the bound was passed). */
static size_t next_room(size_t produced, size_t max_out)
{
	size_t left = max_out - produced + 1;

	return left < CHUNK ? left : CHUNK;
}

enum zip_result zip_inflate(const uint8_t *data, size_t len, size_t max_out, struct buf *out)
{
	size_t produced = 0;
	int rc;

	if (len > UINT_MAX || max_out >= SIZE_MAX)
		return ZIP_TOO_BIG;
	if (!inflater_get())
		return ZIP_NO_MEMORY;
	inflater.next_in = (Bytef *)data;
	inflater.avail_in = (uInt)len;
	do {
		size_t room = next_room(produced, max_out);

		if (!buf_reserve(out, room))
			return ZIP_NO_MEMORY;
		inflater.next_out = out->data + out->len;
		inflater.avail_out = (uInt)room;
		rc = inflate(&inflater, Z_NO_FLUSH);
		out->len += room - inflater.avail_out;
		produced += room - inflater.avail_out;
		if (produced > max_out)
			return ZIP_TOO_BIG;
		if (rc == Z_MEM_ERROR)
			return ZIP_NO_MEMORY;
		if (rc != Z_OK && rc != Z_STREAM_END)
			return ZIP_MALFORMED;
		if (rc == Z_OK && inflater.avail_out != 0 && inflater.avail_in == 0)
			return ZIP_MALFORMED;	/* the stream stops short of its end */
	} while (rc != Z_STREAM_END);
	return inflater.avail_in == 0 ? ZIP_OK : ZIP_MALFORMED;
}
