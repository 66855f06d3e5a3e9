/* libFuzzer target: what a peer or a local program can make forwarding
 * parse. The first byte picks:
 *   even  the rest is a channel open request (the peer's), split as
 *         forward.c does: the parts must lie inside it and a port be valid
 *   odd   the rest is what a program sends a -D port, in pieces whose
 *         sizes the next bytes choose: the SOCKS5 parser never reads or
 *         writes past its buffer, says how much it used, and a CONNECT
 *         names a host without a NUL inside. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "applets/session/forward_internal.h"
#include "applets/session/socks5.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void request(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *word, *arg;
	uint16_t port;

	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	if (forward_split_request(text, &word, &arg, &port)) {
		if (word != text || (arg && (arg < text || arg > text + size)))
			abort();
		if (strchr(word, ' ') || (port == 0 && strrchr(text, ' ')))
			abort();
	}
	free(text);
}

static void socks(const uint8_t *data, size_t size)
{
	struct socks5 s;
	struct buf out;

	socks5_init(&s);
	buf_init(&out);
	while (size) {
		size_t piece = 1 + data[0] % 16, used;
		enum socks5_state st;

		data++;
		size--;
		if (piece > size)
			piece = size;
		st = socks5_take(&s, data, piece, &used, &out);
		if (used > piece || s.len > sizeof s.head)
			abort();
		if (st == SOCKS5_CONNECT && (!s.host[0] || strlen(s.host) >= sizeof s.host))
			abort();
		if (st != SOCKS5_NEED_MORE)
			break;
		data += used;
		size -= used;
	}
	buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		socks(data + 1, size - 1);
	else
		request(data + 1, size - 1);
	return 0;
}
