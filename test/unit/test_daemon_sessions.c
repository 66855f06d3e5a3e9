/* The daemon's session table, run here in-process on a loopback socket
 * with the real client (noise handshake, keyed transport, client_sync): a
 * key taken out of authorized_keys (SIGHUP) ends what its client had
 * opened or was opening, and a new session's program waits for the
 * command its client sends inside the session, for a while. */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "applets/session/client_sync.h"
#include "applets/session/daemon_sessions.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/keyfile.h"
#include "core/log.h"
#include "core/x25519.h"
#include "net/noise.h"
#include "net/session_msg.h"
#include "net/transport.h"
#include "net/udp.h"
#include "test/unit/loopback.h"
#include "test/unit/unit.h"

struct rig {
	int daemon_fd, client_fd, epoll_fd;
	struct udp_addr daemon_addr, client_addr;
	uint8_t host_priv[KEY_LEN], host_pub[KEY_LEN];
	uint8_t client_priv[KEY_LEN], client_pub[KEY_LEN];
	struct daemon_sessions *d;
};

static struct key_list keys_of(const uint8_t *pub)
{
	struct key_list list = { calloc(1, sizeof *list.keys), 0 };

	if (pub && list.keys) {
		memcpy(list.keys[0].key, pub, KEY_LEN);
		list.count = 1;
	}
	return list;
}

static bool rig_init(struct rig *r)
{
	struct key_list authorized;

	memset(r, 0, sizeof *r);
	r->daemon_fd = udp_socket_on_loopback();
	r->client_fd = udp_socket_on_loopback();
	(void)fcntl(r->daemon_fd, F_SETFL, O_NONBLOCK);
	(void)fcntl(r->client_fd, F_SETFL, O_NONBLOCK);
	r->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (r->daemon_fd < 0 || r->client_fd < 0 || r->epoll_fd < 0 ||
	    !udp_addr_parse("127.0.0.1", port_of(r->daemon_fd), &r->daemon_addr) ||
	    !udp_addr_parse("127.0.0.1", port_of(r->client_fd), &r->client_addr) ||
	    !x25519_keypair(r->host_priv, r->host_pub) || !x25519_keypair(r->client_priv, r->client_pub))
		return false;
	authorized = keys_of(r->client_pub);
	r->d = daemon_sessions_new(r->daemon_fd, r->epoll_fd, r->host_priv, &authorized, clock_ms());
	return r->d != NULL;
}

static void rig_free(struct rig *r)
{
	if (r->d) {
		daemon_sessions_stop(r->d);
		daemon_sessions_free(r->d);
	}
	close(r->daemon_fd);
	close(r->epoll_fd);
}

/* Everything the daemon's socket holds, to the session table. */
static void daemon_reads(struct rig *r)
{
	uint8_t data[SSPSH_DATAGRAM_MAX];
	struct udp_addr from;
	long n;

	while ((n = udp_receive(r->daemon_fd, data, sizeof data, &from)) > 0)
		daemon_sessions_datagram(r->d, data, (size_t)n, &from, clock_ms());
	(void)daemon_sessions_step(r->d, clock_ms());
}

static bool wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 2000) == 1;
}

static long wait_datagram(int fd, uint8_t *data, size_t cap)
{
	struct udp_addr from;

	return wait_readable(fd) ? udp_receive(fd, data, cap, &from) : -1;
}

/* The client's side of a NEW handshake, answered by the daemon: the
 * client's transport, which has not sent anything under its keys yet. */
static struct transport *handshake_new(struct rig *r)
{
	struct session_request req = { .kind = SESSION_NEW, .cols = 80, .rows = 24 };
	uint8_t data[SSPSH_DATAGRAM_MAX], payload[SSPSH_HANDSHAKE_PAYLOAD_MAX];
	size_t payload_len = 0;
	struct noise_client nc;
	struct noise_session ns;
	struct transport_keys keys;
	struct session_reply reply;
	struct buf request, out;
	bool ok;
	long n;

	buf_init(&request);
	buf_init(&out);
	ok = noise_client_init(&nc, r->client_priv, r->host_pub) && session_request_encode(&req, &request) &&
	     noise_client_initiate(&nc, request.data, request.len, clock_ms(), &out);
	if (ok) {
		daemon_sessions_datagram(r->d, out.data, out.len, &r->client_addr, clock_ms());
		n = wait_datagram(r->client_fd, data, sizeof data);
		ok = n > 0 &&
		     noise_client_receive(&nc, data, (size_t)n, clock_ms(), &ns, payload, &payload_len) ==
			     NOISE_ESTABLISHED &&
		     session_reply_decode(SESSION_NEW, payload, payload_len, &reply) && reply.ok;
	}
	buf_free(&request);
	buf_free(&out);
	noise_client_wipe(&nc);
	if (!ok)
		return NULL;
	transport_keys_from_noise(&keys, &ns);
	noise_session_wipe(&ns);
	return transport_client_keyed(&keys, r->client_fd, &r->daemon_addr);
}

/* SIGHUP with the client's key gone from authorized_keys. */
static void take_key_out(struct rig *r)
{
	struct key_list none = keys_of(NULL);

	daemon_sessions_set_authorized(r->d, &none);
	daemon_sessions_drop_unauthorized(r->d, clock_ms());
}

/* The client's first datagram, with the command (the login shell) or
 * without, which confirms the handshake, and the daemon taking it. */
static void confirm_with(struct rig *r, struct client_sync *cs, bool command)
{
	if (command)
		EXPECT(client_sync_command(cs, NULL, clock_ms()));
	else
		EXPECT(client_sync_type(cs, "x", 1, clock_ms()));
	client_sync_send_now(cs, clock_ms());
	EXPECT(wait_readable(r->daemon_fd));
	daemon_reads(r);
}

static void confirm(struct rig *r, struct client_sync *cs)
{
	confirm_with(r, cs, true);
}

/* One turn of both sides' loops. */
static void turn(struct rig *r, struct client_sync *cs)
{
	struct pollfd p[2] = { { .fd = r->daemon_fd, .events = POLLIN },
			       { .fd = transport_fd(client_sync_transport(cs)), .events = POLLIN } };

	(void)poll(p, 2, 10);
	daemon_reads(r);
	(void)client_sync_receive(cs, clock_ms());
	client_sync_tick(cs, clock_ms());
}

/* Runs both sides until the client knows the session ended, or ms. */
static void run_until_ended(struct rig *r, struct client_sync *cs, int ms)
{
	uint64_t give_up = clock_ms() + (uint64_t)ms;

	while (!client_sync_ended(cs) && clock_ms() < give_up)
		turn(r, cs);
}

/* Runs both sides for ms, or until the file `until` exists. */
static void run_until_file(struct rig *r, struct client_sync *cs, int ms, const char *until)
{
	uint64_t give_up = clock_ms() + (uint64_t)ms;

	while (clock_ms() < give_up && access(until, F_OK) != 0)
		turn(r, cs);
}

/* A rig whose daemon has answered its client's handshake, not yet
 * confirmed: the client, or NULL (the failure noted). */
static struct client_sync *rig_client(struct rig *r)
{
	struct transport *t;
	struct client_sync *cs;

	EXPECT(rig_init(r));
	t = r->d ? handshake_new(r) : NULL;
	cs = t ? client_sync_new(t) : NULL;
	EXPECT(cs != NULL);
	return cs;
}

static void rig_client_free(struct rig *r, struct client_sync *cs)
{
	client_sync_free(cs);
	rig_free(r);
}

/* Answered before the SIGHUP, confirmed after it: no session opens. */
TEST(a_handshake_of_a_removed_key_opens_no_session)
{
	struct rig r;
	struct client_sync *cs = rig_client(&r);

	if (cs) {
		take_key_out(&r);
		confirm(&r, cs);
		EXPECT_INT(daemon_sessions_count(r.d), 0);
	}
	rig_client_free(&r, cs);
}

/* The same handshake with the key still there does open one (so the test
 * above sees the revocation, not a handshake that failed). */
TEST(the_same_handshake_of_an_authorized_key_opens_one)
{
	struct rig r;
	struct client_sync *cs = rig_client(&r);

	if (cs) {
		confirm(&r, cs);
		EXPECT_INT(daemon_sessions_count(r.d), 1);
	}
	rig_client_free(&r, cs);
}

/* A running session of a removed key ends, and its client hears why. */
TEST(a_removed_keys_session_ends_and_its_client_is_told_why)
{
	struct rig r;
	struct client_sync *cs = rig_client(&r);

	if (cs) {
		confirm(&r, cs);
		EXPECT_INT(daemon_sessions_count(r.d), 1);
		take_key_out(&r);
		run_until_ended(&r, cs, 5000);
		EXPECT(client_sync_ended(cs));
		EXPECT_INT(client_sync_end(cs).reason, SESSION_KEY_REVOKED);
		EXPECT_INT(client_sync_end(cs).status, 255);
	}
	rig_client_free(&r, cs);
}

/* A session opened by a handshake waits SSPSH_SESSION_COMMAND_WAIT_MS for
 * the command that starts its program; one that never comes frees the
 * daemon's place. */
TEST(a_session_without_its_command_is_dropped_after_a_while)
{
	for (int with_command = 0; with_command < 2; with_command++) {
		struct rig r;
		struct client_sync *cs = rig_client(&r);

		if (cs) {
			confirm_with(&r, cs, with_command);
			EXPECT_INT(daemon_sessions_count(r.d), 1);
			(void)daemon_sessions_step(r.d, clock_ms() + SSPSH_SESSION_COMMAND_WAIT_MS - 1000);
			EXPECT_INT(daemon_sessions_count(r.d), 1);
			(void)daemon_sessions_step(r.d, clock_ms() + SSPSH_SESSION_COMMAND_WAIT_MS + 1);
			EXPECT_INT(daemon_sessions_count(r.d), with_command ? 1 : 0);
		}
		rig_client_free(&r, cs);
	}
}

/* The command comes after the handshake: sent later, it starts the
 * program (which leaves a file); sent after its key was taken out, it
 * starts nothing (the program would be hung up at once, before it could
 * leave a mark, so the daemon's log says whether it started one). */
TEST(a_command_after_the_key_was_taken_out_starts_nothing)
{
	for (int removed = 0; removed < 2; removed++) {
		char mark[] = "/tmp/sspsh-daemon-cmd.XXXXXX", script[80], *said = NULL;
		char *argv[] = { "sh", "-c", script, NULL };
		int fd = mkstemp(mark);
		FILE *log = open_memstream(&said, &(size_t){ 0 });
		struct rig r;
		struct client_sync *cs;

		close(fd);
		unlink(mark);
		snprintf(script, sizeof script, "touch %s", mark);
		cs = rig_client(&r);
		EXPECT(log != NULL);
		if (cs && log) {
			confirm_with(&r, cs, false);
			if (removed)
				take_key_out(&r);
			log_set_stream(log);
			log_set_level(LOG_INFO);
			EXPECT(client_sync_command(cs, argv, clock_ms()));
			run_until_file(&r, cs, 2000, mark);
			log_set_level(LOG_WARN);
			log_set_stream(stderr);
			fclose(log);
			EXPECT_INT(strstr(said, ": starting sh -c touch") != NULL, !removed);
			if (!removed)
				EXPECT(access(mark, F_OK) == 0);
		}
		free(said);
		unlink(mark);
		rig_client_free(&r, cs);
	}
}

int main(void)
{
	RUN(a_handshake_of_a_removed_key_opens_no_session);
	RUN(the_same_handshake_of_an_authorized_key_opens_one);
	RUN(a_removed_keys_session_ends_and_its_client_is_told_why);
	RUN(a_session_without_its_command_is_dropped_after_a_while);
	RUN(a_command_after_the_key_was_taken_out_starts_nothing);
	return unit_exit_status();
}
