#include "applets/session/local_server.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <mbedtls/platform_util.h>

#include "core/bootstrap.h"
#include "core/clock.h"
#include "core/dying.h"
#include "core/log.h"
#include "core/signals.h"

/* How long the server may take to print its CONNECT line. */
#define LOCAL_SERVER_START_MS 10000

/* "SSPSH CONNECT <port> <key>[ <address>]" (core/bootstrap.h). */
static bool connect_line_parse(const char *line, uint16_t *port, struct transport_key *key)
{
	struct bootstrap_connect connect;
	const char *why;
	bool ok = bootstrap_parse_connect(line, strlen(line), &connect) &&
		  transport_key_parse(key, connect.key, &why);

	if (ok)
		*port = connect.port;
	mbedtls_platform_zeroize(&connect, sizeof connect);
	return ok;
}

/* This executable, by its real path so that the server shows up as
 * "sspsh" in ps rather than "exe". */
static const char *self_path(void)
{
	static char path[4096];
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);

	if (n <= 0)
		return "/proc/self/exe";
	path[n] = '\0';
	return path;
}

/* The server, and so the session's program, is this client's child: it
 * gets what a login on this machine would have, never the rest of the
 * client's environment (SSH_AUTH_SOCK above all: only -A may make an agent
 * reachable, through its own socket). Kept: the locale, and who the user
 * is (the same user on the same machine); PATH starts afresh. */
#define LOCAL_ENV_MAX 64
#define LOCAL_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static bool passed_on(const char *entry)
{
	static const char *const names[] = { "LANG=", "LANGUAGE=", "LC_", "HOME=", "USER=",
					     "LOGNAME=", "SHELL=" };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strncmp(entry, names[i], strlen(names[i])) == 0)
			return true;
	return false;
}

static void login_environment(char **envp)
{
	size_t n = 0;

	envp[n++] = LOCAL_PATH;
	for (char **e = environ; *e && n < LOCAL_ENV_MAX - 1; e++)
		if (passed_on(*e))
			envp[n++] = *e;
	envp[n] = NULL;
}

/* The server is this client's child: it stops (and hangs up its session's
 * program) the moment the client is gone, however it went, even if it went
 * before the server was set up to hear of it. SIGINT: at once, there is
 * no client left to tell. */
static void stop_with_parent(pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGINT) != 0 || getppid() != parent)
		_exit(127);
}

static void exec_server(int out_fd, char *const *command, const char *scrollback)
{
	char *argv[64] = { "sspsh", "server", "-i", "127.0.0.1", "--foreground" };
	char *envp[LOCAL_ENV_MAX];
	int argc = 5, null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (scrollback) {
		argv[argc++] = "--scrollback";
		argv[argc++] = (char *)scrollback;
	}
	if (command) {
		argv[argc++] = "--";
		for (; *command && argc < 63; command++)
			argv[argc++] = *command;
	}
	argv[argc] = NULL;
	setsid();
	dup2(out_fd, STDOUT_FILENO);
	if (null_fd >= 0) {
		dup2(null_fd, STDIN_FILENO);
		if (!getenv("SSPSH_SERVER_LOG"))
			dup2(null_fd, STDERR_FILENO);
	}
	login_environment(envp);
	execve(self_path(), argv, envp);
	_exit(127);
}

/* Reads one line from fd into line (NUL-terminated) within the deadline. */
static bool read_line(int fd, char *line, size_t cap)
{
	uint64_t deadline = clock_ms() + LOCAL_SERVER_START_MS;
	size_t len = 0;

	while (len + 1 < cap) {
		struct pollfd p = { fd, POLLIN, 0 };
		uint64_t now = clock_ms();
		ssize_t n;

		if (now >= deadline || poll(&p, 1, (int)(deadline - now)) <= 0)
			return false;
		n = read(fd, line + len, 1);
		if (n <= 0)
			return false;
		if (line[len] == '\n')
			break;
		len++;
	}
	line[len] = '\0';
	return true;
}

bool local_server_start(char *const *command, const char *scrollback, struct local_server *out)
{
	pid_t client = getpid();
	char line[256];
	int fds[2];
	bool ok;

	if (pipe2(fds, O_CLOEXEC) != 0) {
		log_error("pipe: %s", strerror(errno));
		return false;
	}
	out->pid = fork();
	if (out->pid < 0) {
		log_error("fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return false;
	}
	if (out->pid == 0) {
		close(fds[0]);
		stop_with_parent(client);
		exec_server(fds[1], command, scrollback);
	}
	close(fds[1]);
	ok = read_line(fds[0], line, sizeof line) && connect_line_parse(line, &out->port, &out->key);
	mbedtls_platform_zeroize(line, sizeof line);	/* it held the key */
	close(fds[0]);
	if (!ok) {
		log_error("the local server did not start (set SSPSH_SERVER_LOG=1 to see its log)");
		local_server_stop(out);
	}
	return ok;
}

void local_server_stop(struct local_server *s)
{
	static const int child_exits[] = { SIGCHLD, 0 };
	struct dying dying;

	if (s->pid <= 0)
		return;
	dying_init(&dying);
	signals_catch(child_exits);	/* before the hangup, so that its exit wakes us */
	kill(s->pid, SIGINT);		/* this client is done: the server has nobody to tell */
	dying_add(&dying, s->pid, clock_ms());
	dying_finish(&dying);
	dying_free(&dying);
	s->pid = 0;
	transport_key_zero(&s->key);
}
