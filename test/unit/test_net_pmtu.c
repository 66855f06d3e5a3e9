/* Path MTUs the kernel learns cannot stop updates, and a narrow interface
 * never fragments loopback-sized datagrams. Each namespace test moves the
 * process into a network namespace of its own (gone when it exits):
 * - a route to 127.0.0.1 locked at mtu 552, what one forged ICMP
 *   "fragmentation needed" sets for ten minutes: sockets ignore learnt path
 *   MTUs, so full 1200-byte datagrams still go and a 20 KB state arrives;
 * - a loopback whose interface MTU is 900: the kernel fragments the
 *   1200-byte datagrams itself and the state arrives, nothing refused;
 *   loopback-sized ones are refused (EMSGSIZE) and the sender falls back
 *   to 1200 bytes, which it fragments;
 * - a loopback whose MTU is 1280: loopback-sized datagrams are refused,
 *   the sender falls back and nothing is fragmented at all.
 * And pumps with channels on loopback tell each other that their paths
 * take loopback-sized datagrams, and send them. */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/options.h"
#include "net/datagram.h"
#include "net/pump.h"
#include "net/transport.h"
#include "net/udp.h"
#include "test/unit/unit.h"

#define NARROW_LOOPBACK_MTU 900
#define IPV6_MIN_MTU 1280
#define FORGED_PATH_MTU 552
#define STATE_LEN 20000

/* ---- A state that is just bytes; its diff is the whole new state ---- */

struct blob {
	size_t len;
	uint8_t bytes[];
};

static struct blob *blob_new(const uint8_t *bytes, size_t len)
{
	struct blob *b = malloc(sizeof *b + len);

	if (b) {
		b->len = len;
		if (len)
			memcpy(b->bytes, bytes, len);
	}
	return b;
}

static void blob_diff(const void *from, const void *to, struct buf *out)
{
	const struct blob *b = to;

	(void)from;
	buf_put(out, b->bytes, b->len);
}

static void *blob_apply(const void *from, const uint8_t *diff, size_t len)
{
	(void)from;
	return blob_new(diff, len);
}

static bool blob_equal(const void *a, const void *b)
{
	const struct blob *x = a, *y = b;

	return x->len == y->len && memcmp(x->bytes, y->bytes, x->len) == 0;
}

static void *blob_clone(const void *a)
{
	const struct blob *x = a;

	return blob_new(x->bytes, x->len);
}

static const struct ssp_state_ops blob_ops = { blob_diff, blob_apply, blob_equal, blob_clone, free };

static uint8_t client_state[STATE_LEN];

static void *snapshot_client(void *app)
{
	(void)app;
	return blob_new(client_state, sizeof client_state);
}

static void *snapshot_nothing(void *app)
{
	(void)app;
	return blob_new(NULL, 0);
}

/* ---- The namespace ---- */

static bool set_loopback(int fd, int mtu)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "lo");
	ifr.ifr_mtu = mtu;
	if (ioctl(fd, SIOCSIFMTU, &ifr) != 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) != 0)
		return false;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	return ioctl(fd, SIOCSIFFLAGS, &ifr) == 0;
}

/* Leaves this process in a fresh network namespace whose loopback is up
 * with the given MTU. False (errno set) when that is not allowed here. */
static bool enter_narrow_namespace(int mtu)
{
	int fd;
	bool ok;

	if (unshare(CLONE_NEWNET) != 0)
		return false;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return false;
	ok = set_loopback(fd, mtu);
	close(fd);
	return ok;
}

/* ---- The test ---- */

static struct pump *new_pump(struct transport *t, void *(*snapshot)(void *), bool channels,
			     enum chan_role role)
{
	struct pump_config config = {
		.local_ops = &blob_ops, .remote_ops = &blob_ops,
		.pacing = { 0, 0, SSPSH_ACK_DELAY_MS, SSPSH_HEARTBEAT_MS },
		.snapshot = snapshot, .channels = channels, .role = role,
	};

	return pump_new(t, &config, blob_new(NULL, 0), blob_new(NULL, 0));
}

static bool arrived(const struct pump *server)
{
	const struct blob *got = ssp_remote(pump_ssp(server));

	return got->len == sizeof client_state && memcmp(got->bytes, client_state, got->len) == 0;
}

/* Runs both pumps until the server holds the client's state, or 5 s. */
static bool sync_until_arrived(struct pump *server, struct pump *client)
{
	uint64_t give_up = clock_ms() + 5000;
	struct pump *pumps[2] = { server, client };

	while (!arrived(server) && clock_ms() < give_up) {
		uint64_t now = clock_ms(), due = now + 50;
		struct pollfd fds[2];

		for (int i = 0; i < 2; i++) {
			uint64_t d = pump_deadline(pumps[i], now);
			if (d < due)
				due = d;
			fds[i] = (struct pollfd){ .fd = transport_fd(pump_transport(pumps[i])), .events = POLLIN };
		}
		poll(fds, 2, due > now ? (int)(due - now) : 0);
		for (int i = 0; i < 2; i++) {
			pump_receive(pumps[i], clock_ms());
			pump_tick(pumps[i], clock_ms());
		}
	}
	return arrived(server);
}

/* The loopback route locked at a small MTU, as a forged ICMP leaves it. */
static bool lock_route_mtu(int mtu)
{
	char command[200];

	snprintf(command, sizeof command,
		 "ip route replace local 127.0.0.1 dev lo table local proto kernel scope host"
		 " src 127.0.0.1 mtu lock %d", mtu);
	return system(command) == 0;
}

/* The kernel sends a full-size datagram on this path. */
static void expect_kernel_sends_full_datagrams(void)
{
	static uint8_t full[SSPSH_DATAGRAM_MAX];
	struct udp_addr to;
	int fd = udp_bind_ephemeral(AF_INET);

	EXPECT(fd >= 0 && udp_addr_parse("127.0.0.1", 9, &to));
	EXPECT_INT(udp_send(fd, full, sizeof full, &to), UDP_SENT);
	if (fd >= 0)
		close(fd);
}

static void fill_client_state(unsigned seed)
{
	for (size_t i = 0; i < sizeof client_state; i++)
		client_state[i] = (uint8_t)(i * 7 + i / 300 + seed);
}

/* How many datagrams the kernel has fragmented in this namespace. */
static long fragmented_here(void)
{
	char line[2048], names[2048];
	FILE *f = fopen("/proc/self/net/snmp", "r");
	long value = -1;

	while (f && fgets(names, sizeof names, f) && fgets(line, sizeof line, f)) {
		char *name_save, *value_save;
		char *name = strtok_r(names, " \n", &name_save), *field = strtok_r(line, " \n", &value_save);

		if (!name || strcmp(name, "Ip:") != 0)
			continue;
		while ((name = strtok_r(NULL, " \n", &name_save)) && (field = strtok_r(NULL, " \n", &value_save)))
			if (strcmp(name, "FragOKs") == 0)
				value = atol(field);
	}
	if (f)
		fclose(f);
	return value;
}

/* What a run should see: the largest datagram the client sends at the end
 * and how often the path refused one. */
struct expected {
	size_t largest;
	uint64_t shrinks;
};

/* A 20 KB state goes from client to server in datagrams of the expected
 * size; with channels, a second one goes in loopback-sized ones once each
 * side has heard the other say its path takes them, unless the path
 * refuses those. */
static void expect_state_arrives(bool channels, struct expected want)
{
	struct transport_key key;
	struct transport *st, *ct;
	struct pump *server, *client;

	expect_kernel_sends_full_datagrams();
	fill_client_state(0);
	EXPECT(transport_key_generate(&key));
	st = transport_server(&key, "127.0.0.1", SSPSH_PORT_LOW, SSPSH_PORT_HIGH);
	ct = st ? transport_client(&key, "127.0.0.1", transport_local_port(st)) : NULL;
	server = new_pump(st, snapshot_nothing, channels, CHAN_ROLE_SERVER);
	client = new_pump(ct, snapshot_client, channels, CHAN_ROLE_CLIENT);
	EXPECT(server && client);
	if (server && client) {
		uint64_t before;

		ssp_local_changed(pump_ssp(client), clock_ms(), true);
		EXPECT(sync_until_arrived(server, client));
		before = transport_counters(st)->datagrams_received;
		fill_client_state(1);
		ssp_local_changed(pump_ssp(client), clock_ms(), true);
		EXPECT(sync_until_arrived(server, client));
		EXPECT_INT(transport_counters(ct)->shrinks, want.shrinks);
		EXPECT_INT(transport_max_payload(ct), want.largest - DATAGRAM_FIXED_OVERHEAD);
		/* 20 KB in pieces of the largest payload, and an ack or two. */
		EXPECT(transport_counters(st)->datagrams_received - before <= STATE_LEN / (want.largest - 100) + 3);
		printf("# %llu datagrams, %llu bytes reached the server; the second state in %llu\n",
		       (unsigned long long)transport_counters(st)->datagrams_received,
		       (unsigned long long)transport_counters(st)->bytes_received,
		       (unsigned long long)(transport_counters(st)->datagrams_received - before));
	}
	pump_free(client);
	pump_free(server);
	transport_key_zero(&key);
}

static const struct expected full_datagrams = { SSPSH_DATAGRAM_MAX, 0 };
static const struct expected loopback_sized = { SSPSH_DATAGRAM_LOOPBACK_MAX, 0 };
static const struct expected loopback_sized_refused = { SSPSH_DATAGRAM_MAX, 1 };

static void skip_without_namespace(void)
{
	char why[160];

	snprintf(why, sizeof why, "cannot make a network namespace with a narrow loopback: %s",
		 strerror(errno));
	SKIP(why);
}

TEST(a_forged_path_mtu_of_552_does_not_stop_full_datagrams)
{
	if (!enter_narrow_namespace(65536)) {
		skip_without_namespace();
		return;
	}
	if (!lock_route_mtu(FORGED_PATH_MTU)) {
		SKIP("'ip route replace ... mtu lock' failed (is iproute2 installed?)");
	}
	expect_state_arrives(false, full_datagrams);
}

TEST(a_narrow_interface_fragments_full_datagrams_and_refuses_loopback_sized_ones)
{
	if (!enter_narrow_namespace(NARROW_LOOPBACK_MTU)) {
		skip_without_namespace();
		return;
	}
	expect_state_arrives(false, full_datagrams);
	EXPECT(fragmented_here() > 0);
	expect_state_arrives(true, loopback_sized_refused);
}

TEST(a_loopback_of_mtu_1280_refuses_loopback_sized_datagrams_and_fragments_none)
{
	if (!enter_narrow_namespace(IPV6_MIN_MTU)) {
		skip_without_namespace();
		return;
	}
	expect_state_arrives(true, loopback_sized_refused);
	EXPECT_INT(fragmented_here(), 0);
}

TEST(pumps_with_channels_on_loopback_send_loopback_sized_datagrams)
{
	expect_state_arrives(true, loopback_sized);
}

/* The namespaces last: each test leaves the process in its own. */
int main(void)
{
	RUN(pumps_with_channels_on_loopback_send_loopback_sized_datagrams);
	RUN(a_forged_path_mtu_of_552_does_not_stop_full_datagrams);
	RUN(a_narrow_interface_fragments_full_datagrams_and_refuses_loopback_sized_ones);
	RUN(a_loopback_of_mtu_1280_refuses_loopback_sized_datagrams_and_fragments_none);
	return unit_exit_status();
}
