/* sspsh bench net: the transport's speed and size.
 *
 * usage: sspsh bench net
 *
 * Prints, for full-size datagrams (SSPSH_DATAGRAM_MAX bytes on the wire):
 * datagrams sealed and then opened per second on one core, sealing alone,
 * opening alone; the per-datagram overhead (clear header, timestamps,
 * tag); the same sealing and opening of loopback-sized datagrams
 * (SSPSH_DATAGRAM_LOOPBACK_MAX, what a forwarded stream between two ends
 * on one machine is carried in) in MB/s, and the CPU per MB that the
 * cipher alone costs a stream's two ends (each byte sealed once, opened
 * once): the floor under `connect -L` on loopback; and payloads per second
 * through two transports over loopback UDP (sockets and all), for small
 * and full-size payloads. */
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "applets/applets.h"
#include "applets/bench.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/options.h"
#include "net/aead.h"
#include "net/datagram.h"
#include "net/transport.h"

#define MIN_SECONDS 0.5

static const char net_usage[] = "usage: sspsh bench net\n";

struct crypto_bench {
	struct aead aead;
	struct datagram d;
	uint8_t payload[SSPSH_DATAGRAM_LOOPBACK_MAX];
	uint8_t sealed[SSPSH_DATAGRAM_LOOPBACK_MAX];
	uint8_t scratch[SSPSH_DATAGRAM_LOOPBACK_MAX];
	size_t sealed_len;
};

enum crypto_op { SEAL_AND_OPEN, SEAL_ONLY, OPEN_ONLY };

/* Datagrams per second for op, run for at least MIN_SECONDS; -1 on failure. */
static double crypto_rate(struct crypto_bench *b, enum crypto_op op)
{
	uint64_t start = clock_us(), elapsed, count = 0;
	struct datagram got;

	do {
		for (int i = 0; i < 1000; i++, count++) {
			if (op != OPEN_ONLY) {
				b->d.seq = count;
				b->sealed_len = datagram_seal(&b->aead, &b->d, b->sealed, sizeof b->sealed);
				if (!b->sealed_len)
					return -1;
			}
			if (op != SEAL_ONLY &&
			    datagram_open(&b->aead, b->sealed, b->sealed_len, b->scratch, &got) != DATAGRAM_OK)
				return -1;
		}
		elapsed = clock_us() - start;
	} while (elapsed < MIN_SECONDS * 1e6);
	return (double)count * 1e6 / (double)elapsed;
}

/* Sets b up for datagrams of wire_len bytes. */
static bool crypto_setup(struct crypto_bench *b, size_t wire_len)
{
	uint8_t key[AEAD_KEY_LEN];

	memset(key, 0x5a, sizeof key);
	memset(b->payload, 'x', sizeof b->payload);
	b->d = (struct datagram){ .direction = TO_CLIENT, .payload = b->payload,
				  .timestamp_reply = TIMESTAMP_NONE,
				  .payload_len = wire_len - DATAGRAM_TO_CLIENT_OVERHEAD };
	return aead_init(&b->aead, key);
}

static bool bench_crypto(void)
{
	static struct crypto_bench b;
	double both, seal, open;

	if (!crypto_setup(&b, SSPSH_DATAGRAM_MAX))
		return false;
	both = crypto_rate(&b, SEAL_AND_OPEN);
	seal = crypto_rate(&b, SEAL_ONLY);
	open = crypto_rate(&b, OPEN_ONLY);
	aead_free(&b.aead);
	if (both < 0 || seal < 0 || open < 0)
		return false;
	printf("datagram: %d bytes on the wire, %zu of payload\n", SSPSH_DATAGRAM_MAX, b.d.payload_len);
	printf("seal+open: %.0f datagrams/s (%.0f MB/s of payload), one core\n",
	       both, both * (double)b.d.payload_len / 1e6);
	printf("seal:      %.0f datagrams/s\n", seal);
	printf("open:      %.0f datagrams/s\n", open);
	printf("overhead:  %d bytes per datagram to the client (%d header + %d timestamps + %d tag), "
	       "%d to the server (+%d client id)\n", DATAGRAM_TO_CLIENT_OVERHEAD, DATAGRAM_HEADER_LEN,
	       DATAGRAM_TIMESTAMPS_LEN, AEAD_TAG_LEN, DATAGRAM_FIXED_OVERHEAD, DATAGRAM_CLIENT_ID_LEN);
	return true;
}

/* Loopback-sized datagrams: the cipher's floor under a stream. */
static bool bench_crypto_large(void)
{
	static struct crypto_bench b;
	double seal, open, mb;

	if (!crypto_setup(&b, SSPSH_DATAGRAM_LOOPBACK_MAX))
		return false;
	seal = crypto_rate(&b, SEAL_ONLY);
	open = crypto_rate(&b, OPEN_ONLY);
	aead_free(&b.aead);
	if (seal < 0 || open < 0)
		return false;
	mb = (double)b.d.payload_len / 1e6;
	printf("loopback-sized datagrams (%d bytes): seal %.0f MB/s, open %.0f MB/s of payload, one core;\n"
	       "           a stream's two ends spend %.2f ms of CPU per MB on the cipher alone\n",
	       SSPSH_DATAGRAM_LOOPBACK_MAX, seal * mb, open * mb, 1e3 / (seal * mb) + 1e3 / (open * mb));
	return true;
}

/* Payloads per second from a client to a server over loopback, one
 * datagram in flight at a time so that none is lost to a full socket. */
static double loopback_rate(size_t message_len)
{
	static uint8_t message[SSPSH_DATAGRAM_MAX];
	struct transport_key key;
	struct transport *s = NULL, *c = NULL;
	struct buf got;
	uint64_t start, elapsed = 0, count = 0;
	double rate = -1;

	buf_init(&got);
	if (!transport_key_generate(&key) ||
	    !(s = transport_server(&key, "127.0.0.1", SSPSH_PORT_LOW, SSPSH_PORT_HIGH)))
		goto out;
	c = transport_client(&key, "127.0.0.1", transport_local_port(s));
	if (!c)
		goto out;
	start = clock_us();
	while (elapsed < MIN_SECONDS * 1e6) {
		struct pollfd p = { .fd = transport_fd(s), .events = POLLIN };
		enum transport_recv_result r;

		if (!transport_send(c, message, message_len))
			goto out;
		while ((r = transport_recv(s, &got)) == TRANSPORT_NOTHING)
			if (poll(&p, 1, 1000) <= 0)
				goto out;
		if (r != TRANSPORT_MESSAGE)
			goto out;
		count++;
		elapsed = clock_us() - start;
	}
	rate = (double)count * 1e6 / (double)elapsed;
out:
	transport_free(c);
	transport_free(s);
	transport_key_zero(&key);
	buf_free(&got);
	return rate;
}

static bool bench_loopback(void)
{
	size_t sizes[] = { 100, SSPSH_DATAGRAM_MAX - DATAGRAM_FIXED_OVERHEAD };

	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		double rate = loopback_rate(sizes[i]);
		if (rate < 0)
			return false;
		printf("loopback:  %.0f payloads/s of %zu bytes, send to receive (sockets included)\n",
		       rate, sizes[i]);
	}
	return true;
}

int bench_net_main(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		fputs(net_usage, stderr);
		return EXIT_USAGE;
	}
	if (!bench_crypto() || !bench_crypto_large()) {
		log_error("bench net: sealing or opening failed");
		return 1;
	}
	if (!bench_loopback()) {
		log_error("bench net: the loopback transfer failed");
		return 1;
	}
	return 0;
}
