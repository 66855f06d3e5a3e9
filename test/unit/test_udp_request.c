/* What `sspsh connect --udp HOST -- COMMAND` puts in the handshake's first
 * message, read as the daemon reads it: Noise IK encrypts that message to
 * the daemon's static key alone, so whoever steals the key later can open
 * a recorded one. The command must not be in it (it travels inside the
 * session, under keys with forward secrecy). The real client runs as a
 * child process; this test plays the daemon with a host key of its own. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/keyfile.h"
#include "core/x25519.h"
#include "net/noise.h"
#include "net/session_msg.h"
#include "net/udp.h"
#include "test/unit/loopback.h"
#include "test/unit/unit.h"

#define SECRET "secret-word-42"

static struct noise_peer any_client;

/* The test's daemon takes any client key. */
static struct noise_peer *accept_any(void *ctx, const uint8_t static_pub[X25519_KEY_LEN])
{
	(void)ctx;
	memcpy(any_client.static_pub, static_pub, X25519_KEY_LEN);
	return &any_client;
}

/* `connect --udp 127.0.0.1:port --server-key KEY -- sh -c 'echo SECRET'`
 * with a fresh key in home; its pid, or -1. */
static pid_t start_client(const char *sspsh, const char *home, uint16_t port, const char *server_key)
{
	char cmd[600], target[40];
	pid_t pid;

	snprintf(cmd, sizeof cmd, "HOME=%s %s keygen >/dev/null 2>&1", home, sspsh);
	if (system(cmd) != 0)
		return -1;
	snprintf(target, sizeof target, "127.0.0.1:%u", port);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		setenv("HOME", home, 1);
		execl(sspsh, sspsh, "connect", "--udp", target, "--server-key", server_key, "--", "sh", "-c",
		      "echo " SECRET, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* The payload of the client's first initiation, decrypted; its length, or
 * 0 if none came within 5 s. */
static size_t first_payload(int fd, const uint8_t host_priv[KEY_LEN], uint8_t *payload)
{
	struct noise_server_ops ops = { accept_any, NULL, NULL };
	uint8_t data[SSPSH_DATAGRAM_MAX];
	struct noise_server server;
	struct noise_responder hs;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct udp_addr from;
	struct buf reply;
	size_t len = 0;
	uint64_t give_up = clock_ms() + 5000;

	buf_init(&reply);
	if (!noise_server_init(&server, host_priv, &ops, clock_ms()))
		return 0;
	while (!len && clock_ms() < give_up && poll(&p, 1, 500) >= 0) {
		long n = udp_receive(fd, data, sizeof data, &from);

		if (n > 0 && noise_server_receive_from(&server, data, (size_t)n, &from, clock_ms(), &hs, payload,
						       &len, &reply) != NOISE_GOT_INITIATION)
			len = 0;
	}
	if (len)
		noise_responder_wipe(&hs);
	noise_server_wipe(&server);
	buf_free(&reply);
	return len;
}

TEST(the_first_handshake_message_carries_no_command)
{
	const char *sspsh = getenv("SSPSH");
	char home[] = "/tmp/sspsh-udp-request.XXXXXX", line[KEY_LINE_SIZE], cmd[200];
	uint8_t host_priv[KEY_LEN], host_pub[KEY_LEN], payload[SSPSH_HANDSHAKE_PAYLOAD_MAX];
	struct session_request req;
	int fd = udp_socket_on_loopback();
	size_t len;
	pid_t pid;

	if (!sspsh)
		SKIP("SSPSH does not name the binary");
	(void)fcntl(fd, F_SETFL, O_NONBLOCK);
	EXPECT(mkdtemp(home) != NULL);
	EXPECT(x25519_keypair(host_priv, host_pub));
	key_format_public(host_pub, "", line);
	pid = start_client(sspsh, home, port_of(fd), line);
	EXPECT(pid > 0);
	len = pid > 0 ? first_payload(fd, host_priv, payload) : 0;
	EXPECT(len > 0);
	EXPECT(memmem(payload, len, SECRET, strlen(SECRET)) == NULL);
	EXPECT(session_request_decode(payload, len, &req) && req.kind == SESSION_NEW);
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
	snprintf(cmd, sizeof cmd, "rm -rf %s", home);
	(void)system(cmd);
	close(fd);
}

int main(void)
{
	RUN(the_first_handshake_message_carries_no_command);
	return unit_exit_status();
}
