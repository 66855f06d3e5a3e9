/* Hostile traffic against a live session: a real `sspsh server` serves a
 * program that stores every byte typed, an in-process client types through
 * a capturing proxy, and meanwhile more than 100,000 datagrams are thrown
 * at the server's port from other ports: random bytes, captured datagrams
 * with one bit flipped or truncated (sent just before the genuine one, so
 * their sequence numbers are still fresh), replays of captured datagrams,
 * and the server's own datagrams sent back to it.
 *
 * Passes when: everything typed arrives exactly once; the server's counters
 * show it accepted exactly the datagrams the proxy forwarded and refused
 * every hostile one; it never answered a hostile port; and the client's
 * address as the server sees it never moved. The kernel must not have
 * dropped any datagram at the server's socket (the flood is paced by the
 * socket's queue) or the accounting could not be exact. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "test/unit/session_harness.h"
#include "test/unit/unit.h"

#define HOSTILE_TARGET 100000
#define HOSTILE_PORTS 8
#define CAPTURED 256
#define TYPED_BYTES 30000
#define MAX_DATAGRAM 1500

enum kind { RANDOM, FLIPPED, TRUNCATED, REPLAYED, WRONG_WAY, FRESH_FLIPPED, FRESH_TRUNCATED, KINDS };
static const char *const kind_names[KINDS] = {
	"random", "old-flipped", "old-truncated", "replayed", "wrong-direction",
	"fresh-flipped", "fresh-truncated",
};

struct captured {
	uint8_t data[MAX_DATAGRAM];
	size_t len;
};

struct proxy {
	int to_client;		/* P: the client sends here */
	int to_server;		/* Q: the server knows the client as this port */
	struct sockaddr_in client, server;
	bool have_client;
	uint64_t forwarded;	/* client -> server datagrams forwarded */
	struct captured from_client[CAPTURED], from_server[CAPTURED];
	uint64_t n_from_client, n_from_server;
};

struct attacker {
	int fds[HOSTILE_PORTS];
	struct sockaddr_in server;
	uint64_t sent[KINDS], total;
	uint64_t answers;	/* datagrams the server sent to a hostile port */
	uint32_t rng;
};

static int udp_socket(struct sockaddr_in *bound)
{
	socklen_t len = sizeof *bound;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	memset(bound, 0, sizeof *bound);
	bound->sin_family = AF_INET;
	bound->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)bound, sizeof *bound) ||
	    getsockname(fd, (struct sockaddr *)bound, &len))
		return -1;
	return fd;
}

static uint32_t next_random(struct attacker *a)
{
	a->rng ^= a->rng << 13;
	a->rng ^= a->rng >> 17;
	a->rng ^= a->rng << 5;
	return a->rng;
}

static void attack(struct attacker *a, enum kind kind, const uint8_t *data, size_t len)
{
	int fd = a->fds[next_random(a) % HOSTILE_PORTS];

	if (sendto(fd, data, len, 0, (struct sockaddr *)&a->server, sizeof a->server) == (ssize_t)len) {
		a->sent[kind]++;
		a->total++;
	}
}

static void attack_flipped(struct attacker *a, enum kind kind, const struct captured *c)
{
	uint8_t copy[MAX_DATAGRAM];
	uint32_t bit = next_random(a) % (uint32_t)(c->len * 8);

	memcpy(copy, c->data, c->len);
	copy[bit / 8] ^= (uint8_t)(1u << bit % 8);
	attack(a, kind, copy, c->len);
}

static void attack_truncated(struct attacker *a, enum kind kind, const struct captured *c)
{
	attack(a, kind, c->data, next_random(a) % c->len);
}

static void capture(struct captured *ring, uint64_t *count, const uint8_t *data, size_t len)
{
	struct captured *c = &ring[(*count)++ % CAPTURED];

	c->len = len < MAX_DATAGRAM ? len : MAX_DATAGRAM;
	memcpy(c->data, data, c->len);
}

/* One datagram of the background flood, of a random kind. */
static void attack_once(struct attacker *a, const struct proxy *p)
{
	uint8_t junk[MAX_DATAGRAM];
	uint32_t r = next_random(a);
	const struct captured *mine, *theirs;
	size_t len;

	if (p->n_from_client == 0 || p->n_from_server == 0 || r % 5 == 0) {
		len = next_random(a) % 1400;
		for (size_t i = 0; i < len; i++)
			junk[i] = (uint8_t)next_random(a);
		attack(a, RANDOM, junk, len);
		return;
	}
	mine = &p->from_client[next_random(a) % (p->n_from_client < CAPTURED ? p->n_from_client : CAPTURED)];
	theirs = &p->from_server[next_random(a) % (p->n_from_server < CAPTURED ? p->n_from_server : CAPTURED)];
	switch (r % 5) {
	case 1: attack_flipped(a, FLIPPED, mine); break;
	case 2: attack_truncated(a, TRUNCATED, mine); break;
	case 3: attack(a, REPLAYED, mine->data, mine->len); break;
	case 4: attack(a, WRONG_WAY, theirs->data, theirs->len); break;
	}
}

/* Moves what arrived at the proxy; a client datagram is preceded by a
 * flipped and a truncated copy (fresh sequence numbers, so only the
 * authentication can refuse them) and followed by a replay. */
static void pump_proxy(struct proxy *p, struct attacker *a, bool attacking)
{
	uint8_t data[65536];
	struct sockaddr_in from;
	socklen_t from_len = sizeof from;
	ssize_t n;

	while ((n = recvfrom(p->to_client, data, sizeof data, 0, (struct sockaddr *)&from, &from_len)) > 0) {
		struct captured *c;

		p->client = from;
		p->have_client = true;
		capture(p->from_client, &p->n_from_client, data, (size_t)n);
		c = &p->from_client[(p->n_from_client - 1) % CAPTURED];
		if (attacking && c->len > 0) {
			attack_flipped(a, FRESH_FLIPPED, c);
			attack_truncated(a, FRESH_TRUNCATED, c);
		}
		if (sendto(p->to_server, data, (size_t)n, 0, (struct sockaddr *)&p->server,
			   sizeof p->server) == n)
			p->forwarded++;
		if (attacking)
			attack(a, REPLAYED, data, (size_t)n);
		from_len = sizeof from;
	}
	while ((n = recv(p->to_server, data, sizeof data, 0)) > 0) {
		capture(p->from_server, &p->n_from_server, data, (size_t)n);
		if (p->have_client)
			sendto(p->to_client, data, (size_t)n, 0, (struct sockaddr *)&p->client,
			       sizeof p->client);
	}
}

static void count_answers(struct attacker *a)
{
	uint8_t data[65536];

	for (int i = 0; i < HOSTILE_PORTS; i++)
		while (recv(a->fds[i], data, sizeof data, 0) >= 0)
			a->answers++;
}

/* The receive queue (bytes) and kernel drops of the UDP socket bound to
 * 127.0.0.1:port, from /proc/net/udp. */
static bool socket_queue(uint16_t port, unsigned long *queued, unsigned long *drops)
{
	char line[512], want[32];
	bool found = false;
	FILE *f = fopen("/proc/net/udp", "r");

	if (!f)
		return false;
	snprintf(want, sizeof want, "0100007F:%04X", port);
	while (!found && fgets(line, sizeof line, f)) {
		char local[64];
		unsigned long tx, rx, d = 0;
		char *last;

		if (sscanf(line, " %*d: %63s %*s %*x %lx:%lx", local, &tx, &rx) != 3 ||
		    strcmp(local, want) != 0)
			continue;
		last = strrchr(line, ' ');
		d = last ? strtoul(last + 1, NULL, 10) : 0;
		*queued = rx;
		*drops = d;
		found = true;
	}
	fclose(f);
	return found;
}

/* One turn of client, proxy and attacker together. */
static void turn(struct harness_client *c, struct proxy *p, struct attacker *a, bool attacking)
{
	struct pollfd fds[3] = {
		{ .fd = transport_fd(client_transport(c)), .events = POLLIN },
		{ .fd = p->to_client, .events = POLLIN },
		{ .fd = p->to_server, .events = POLLIN },
	};

	poll(fds, 3, attacking ? 0 : client_wait_ms(c, 5));
	pump_proxy(p, a, attacking);
	client_service(c);
	pump_proxy(p, a, attacking);
	count_answers(a);
}

static void flood(struct harness_client *c, struct proxy *p, struct attacker *a,
		  uint16_t server_port, const struct buf *text)
{
	size_t typed = 0;
	uint64_t next_typing = clock_ms();

	while (a->total < HOSTILE_TARGET || typed < text->len) {
		unsigned long queued = 0, drops = 0;

		if (typed < text->len && clock_ms() >= next_typing) {
			size_t n = text->len - typed < 97 ? text->len - typed : 97;
			client_type(c, text->data + typed, n);
			typed += n;
			next_typing = clock_ms() + 3;
		}
		socket_queue(server_port, &queued, &drops);
		if (a->total < HOSTILE_TARGET && queued < 32768)
			for (int i = 0; i < 64; i++)
				attack_once(a, p);
		turn(c, p, a, a->total < HOSTILE_TARGET);
		if (queued >= 32768)
			usleep(200);
	}
}

TEST(hostile_datagrams_are_refused_while_the_session_works)
{
	char dir[256], file[300], script[700];
	struct harness_server s;
	struct harness_client c;
	struct proxy p;
	struct attacker a;
	struct server_counters before, after;
	struct buf text, got;
	unsigned long queued = 1, drops = 0;
	uint64_t start;
	long rss;

	if (!getenv("SSPSH"))
		SKIP("SSPSH does not name an sspsh binary (run through make check)");
	if (!make_temp_dir(dir, sizeof dir))
		SKIP("no temporary directory");
	snprintf(file, sizeof file, "%s/typed", dir);
	snprintf(script, sizeof script,
		 "stty raw -echo; echo READY; head -c %d > '%s'; echo STORED; head -c 1 >/dev/null",
		 TYPED_BYTES, file);
	char *command[] = { "/bin/sh", "-c", script, NULL };
	buf_init(&text);
	buf_init(&got);
	make_text(&text, TYPED_BYTES, 7, 61);
	memset(&p, 0, sizeof p);
	memset(&a, 0, sizeof a);
	a.rng = 0x9e3779b9u;
	EXPECT(server_start(&s, command));
	p.to_client = udp_socket(&p.client);
	p.to_server = udp_socket(&p.server);	/* its address, for now */
	{
		struct sockaddr_in q = p.server;
		char want[64];

		p.server.sin_port = htons(s.port);
		a.server = p.server;
		for (int i = 0; i < HOSTILE_PORTS; i++) {
			struct sockaddr_in unused;
			a.fds[i] = udp_socket(&unused);
			EXPECT(a.fds[i] >= 0);
		}
		EXPECT(client_start(&c, &s.key, ntohs(p.client.sin_port)));
		for (start = clock_ms(); clock_ms() < start + 10000;) {
			turn(&c, &p, &a, false);
			struct buf screen;
			buf_init(&screen);
			client_screen(&c, &screen);
			bool ready = strstr((const char *)screen.data, "READY") != NULL;
			buf_free(&screen);
			if (ready)
				break;
		}
		EXPECT(server_counters(&s, &before));

		flood(&c, &p, &a, s.port, &text);
		for (start = clock_ms(); !client_all_acked(&c) && clock_ms() < start + 20000;)
			turn(&c, &p, &a, false);
		EXPECT(client_all_acked(&c));
		/* Quiet: nothing moves while the counters are read. */
		for (int i = 0; i < 100 && queued; i++) {
			usleep(10000);
			socket_queue(s.port, &queued, &drops);
		}
		usleep(100000);
		EXPECT_INT(queued, 0);
		EXPECT(server_counters(&s, &after));
		count_answers(&a);

		printf("figure: hostile datagrams sent %" PRIu64 ":", a.total);
		for (int k = 0; k < KINDS; k++)
			printf(" %s %" PRIu64, kind_names[k], a.sent[k]);
		printf("\nfigure: server accepted %" PRIu64 " (proxy forwarded %" PRIu64 "), refused "
		       "malformed %" PRIu64 " forged %" PRIu64 " replay %" PRIu64
		       ", roams %" PRIu64 ", kernel drops %lu, answers to hostile ports %" PRIu64 "\n",
		       after.received, p.forwarded, after.malformed, after.forged, after.replay,
		       after.roams, drops, a.answers);
		EXPECT(a.total >= HOSTILE_TARGET);
		EXPECT_INT(drops, 0);
		EXPECT_INT(after.received, p.forwarded);
		EXPECT_INT(after.malformed + after.forged + after.replay -
			   (before.malformed + before.forged + before.replay),
			   a.total);
		EXPECT_INT(after.roams, 0);
		EXPECT_INT(a.answers, 0);
		snprintf(want, sizeof want, "127.0.0.1:%u", ntohs(q.sin_port));
		EXPECT_STR(after.peer, want);
	}
	/* The session still works: the program got every byte, once, in order,
	 * and ends when told to. */
	rss = peak_rss_kb(s.pid);
	printf("figure: server peak RSS under the hostile flood %ld kB\n", rss);
	client_type(&c, "x", 1);
	for (start = clock_ms(); !client_session_ended(&c) && clock_ms() < start + 10000;)
		turn(&c, &p, &a, false);
	EXPECT(client_session_ended(&c));
	for (start = clock_ms(); clock_ms() < start + 300;)
		turn(&c, &p, &a, false);
	EXPECT(read_file(file, &got));
	EXPECT_INT(got.len, text.len);
	EXPECT(got.len == text.len && memcmp(got.data, text.data, text.len) == 0);
	EXPECT_INT(server_stop(&s, 5000), 0);
	client_free(&c);
	close(p.to_client);
	close(p.to_server);
	for (int i = 0; i < HOSTILE_PORTS; i++)
		close(a.fds[i]);
	buf_free(&text);
	buf_free(&got);
	rm_tree(dir);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	RUN(hostile_datagrams_are_refused_while_the_session_works);
	return unit_exit_status();
}
