/* One session key in two client processes at once (SSPSH_KEY given to two
 * `connect --direct`): the clients must never seal two datagrams under the
 * same (key, nonce), and the server answers each under that client's key. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/options.h"
#include "net/aead.h"
#include "net/datagram.h"
#include "net/transport.h"
#include "test/unit/loopback.h"
#include "test/unit/unit.h"

#define DATAGRAMS_EACH 100000

static struct transport_key key;

/* A (key, nonce) pair as the wire shows it: which client key opened the
 * datagram, and the 8 header bytes the nonce is made of. */
struct use {
	int key;
	uint64_t nonce_header;
};

static int by_key_then_nonce(const void *a, const void *b)
{
	const struct use *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->nonce_header < y->nonce_header ? -1 : x->nonce_header > y->nonce_header;
}

/* The keys seen so far, each the direct key of one client id. */
struct seen_keys {
	int count;
	uint64_t id[4];
	uint8_t bytes[4][AEAD_KEY_LEN];
	struct aead aead[4];
};

/* The index of the key the client of this id seals with; -1 if full. */
static int key_of(struct seen_keys *k, uint64_t client_id)
{
	for (int i = 0; i < k->count; i++)
		if (k->id[i] == client_id)
			return i;
	if (k->count == 4 || !datagram_direct_key(key.bytes, client_id, TO_SERVER, k->bytes[k->count]) ||
	    !aead_init(&k->aead[k->count], k->bytes[k->count]))
		return -1;
	for (int i = 0; i < k->count; i++)
		if (memcmp(k->bytes[i], k->bytes[k->count], AEAD_KEY_LEN) == 0)
			return i;	/* two ids, one key: counted as the same key */
	k->id[k->count] = client_id;
	return k->count++;
}

/* Reads one datagram from the tap, proves which key sealed it (it opens
 * under that key and the nonce of its header) and records the pair. */
static bool record_one(int tap, struct seen_keys *keys, struct use *use)
{
	static uint8_t wire[SSPSH_DATAGRAM_MAX], scratch[SSPSH_DATAGRAM_MAX];
	struct datagram d;
	ssize_t n = recv(tap, wire, sizeof wire, 0);
	int k;

	if (n <= 0 || !datagram_peek(wire, (size_t)n, &d) || (k = key_of(keys, d.client_id)) < 0)
		return false;
	if (datagram_open(&keys->aead[k], wire, (size_t)n, scratch, &d) != DATAGRAM_OK)
		return false;
	use->key = k;
	use->nonce_header = (uint64_t)d.direction << 63 | d.seq;
	return true;
}

/* Two clients started together, 100,000 datagrams each, interleaved. With
 * one key for both and nonces from the wall clock (before), the second's
 * numbers met the first's after ~18,000 datagrams. */
TEST(two_clients_with_one_key_never_repeat_a_key_nonce_pair)
{
	struct use *uses = calloc(2 * DATAGRAMS_EACH, sizeof *uses);
	struct seen_keys keys = { .count = 0 };
	int tap = udp_socket_on_loopback();
	struct transport *c[2] = { transport_client(&key, "127.0.0.1", port_of(tap)),
				   transport_client(&key, "127.0.0.1", port_of(tap)) };
	size_t recorded = 0, repeats = 0;

	EXPECT(uses && c[0] && c[1]);
	for (int i = 0; uses && c[0] && c[1] && i < 2 * DATAGRAMS_EACH; i++) {
		if (!transport_send(c[i % 2], "k", 1) || !record_one(tap, &keys, &uses[recorded]))
			break;
		recorded++;
	}
	EXPECT_INT(recorded, 2 * DATAGRAMS_EACH);
	EXPECT_INT(keys.count, 2);
	qsort(uses, recorded, sizeof *uses, by_key_then_nonce);
	for (size_t i = 1; i < recorded; i++)
		repeats += by_key_then_nonce(&uses[i - 1], &uses[i]) == 0;
	EXPECT_INT(repeats, 0);
	for (int i = 0; i < keys.count; i++)
		aead_free(&keys.aead[i]);
	free(uses);
	close(tap);
	transport_free(c[0]);
	transport_free(c[1]);
}

/* Runs a server and two clients until cond holds or 2 s pass. */
struct trio {
	struct transport *s, *c[2];
	int got[3];		/* messages received: server, client 0, client 1 */
};

static void turn(struct trio *t)
{
	struct transport *all[3] = { t->s, t->c[0], t->c[1] };
	struct pollfd fds[3];
	struct buf msg;

	buf_init(&msg);
	for (int i = 0; i < 3; i++)
		fds[i] = (struct pollfd){ .fd = transport_fd(all[i]), .events = POLLIN };
	poll(fds, 3, 20);
	for (int i = 0; i < 3; i++)
		while (transport_recv(all[i], &msg) == TRANSPORT_MESSAGE)
			t->got[i]++;
	buf_free(&msg);
}

static bool wait_until(struct trio *t, int which, int want)
{
	uint64_t end = clock_ms() + 2000;

	while (t->got[which] < want && clock_ms() < end)
		turn(t);
	return t->got[which] >= want;
}

/* The server takes the first client, then follows the one started later
 * (its sequence numbers are newer) and answers it under its key, which the
 * first cannot open. The first's later datagrams are older than the window
 * and stay refused, as a replay of them would be. */
TEST(the_server_answers_the_newest_client_under_its_own_key)
{
	struct trio t = { .s = transport_server(&key, "127.0.0.1", 61000, 61999) };

	EXPECT(t.s != NULL);
	if (!t.s)
		return;
	t.c[0] = transport_client(&key, "127.0.0.1", transport_local_port(t.s));
	t.c[1] = transport_client(&key, "127.0.0.1", transport_local_port(t.s));
	EXPECT(transport_send(t.c[0], "a", 1));
	EXPECT(wait_until(&t, 0, 1));
	EXPECT(transport_send(t.s, "to0", 3));
	EXPECT(wait_until(&t, 1, 1));
	EXPECT(transport_send(t.c[1], "b", 1));
	EXPECT(wait_until(&t, 0, 2));
	EXPECT(transport_send(t.s, "to1", 3));
	EXPECT(wait_until(&t, 2, 1));
	EXPECT_INT(t.got[1], 1);
	EXPECT(transport_send(t.c[0], "c", 1));
	EXPECT(!wait_until(&t, 0, 3));
	EXPECT_INT(transport_counters(t.s)->dropped_replay, 1);
	EXPECT(transport_send(t.s, "to1", 3));
	EXPECT(wait_until(&t, 2, 2));
	EXPECT_INT(t.got[1], 1);
	EXPECT_INT(transport_counters(t.s)->dropped_forged, 0);
	transport_free(t.c[0]);
	transport_free(t.c[1]);
	transport_free(t.s);
}

/* A datagram sealed under the session key itself (the old suite) or under
 * another client's key with this client's id is forged. */
TEST(the_session_key_itself_opens_nothing)
{
	static uint8_t wire[SSPSH_DATAGRAM_MAX];
	struct transport *s = transport_server(&key, "127.0.0.1", 61000, 61999);
	struct datagram d = { .direction = TO_SERVER, .client_id = 5, .seq = 1, .timestamp_reply = TIMESTAMP_NONE };
	uint8_t other[AEAD_KEY_LEN];
	int sender = udp_socket_on_loopback();
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct aead a;
	struct buf msg;
	size_t n;

	EXPECT(s != NULL);
	if (!s)
		return;
	to.sin_port = htons(transport_local_port(s));
	buf_init(&msg);
	EXPECT(aead_init(&a, key.bytes));
	n = datagram_seal(&a, &d, wire, sizeof wire);
	sendto(sender, wire, n, 0, (struct sockaddr *)&to, sizeof to);
	aead_free(&a);
	EXPECT(datagram_direct_key(key.bytes, 6, TO_SERVER, other));
	EXPECT(aead_init(&a, other));
	d.seq = 2;
	n = datagram_seal(&a, &d, wire, sizeof wire);
	sendto(sender, wire, n, 0, (struct sockaddr *)&to, sizeof to);
	aead_free(&a);
	for (uint64_t end = clock_ms() + 200; clock_ms() < end;) {
		struct pollfd p = { .fd = transport_fd(s), .events = POLLIN };
		poll(&p, 1, 20);
		EXPECT(transport_recv(s, &msg) == TRANSPORT_NOTHING);
	}
	EXPECT_INT(transport_counters(s)->dropped_forged, 2);
	EXPECT(!transport_has_peer(s));
	buf_free(&msg);
	close(sender);
	transport_free(s);
}

int main(void)
{
	log_set_level(LOG_ERROR);
	if (!transport_key_generate(&key))
		return 1;
	RUN(two_clients_with_one_key_never_repeat_a_key_nonce_pair);
	RUN(the_server_answers_the_newest_client_under_its_own_key);
	RUN(the_session_key_itself_opens_nothing);
	return unit_exit_status();
}
