#include "applets/session/ssh_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <mbedtls/platform_util.h>

#include "core/clock.h"
#include "core/fdio.h"
#include "core/log.h"
#include "core/options.h"

struct child {
	pid_t pid;
	bool have_tty;
	struct termios saved_tty;
	struct sigaction old_int, old_quit;
};

/* dup2 onto the same number does nothing, so a descriptor that already is
 * `to` would keep its close-on-exec flag and vanish at exec. */
static bool fd_onto(int from, int to)
{
	if (from != to)
		return dup2(from, to) >= 0;
	return fcntl(to, F_SETFD, 0) == 0;
}

/* In the child: put fds[i] (when >= 0) on fd i and exec; on failure send
 * errno up the close-on-exec pipe, whose silent closing tells the parent
 * that exec worked. */
static void exec_child(char *const argv[], const int fds[3], int errno_fd)
{
	int err = 0;

	for (int i = 0; i < 3 && !err; i++)
		if (fds[i] >= 0 && !fd_onto(fds[i], i))
			err = errno;
	if (!err) {
		execvp(argv[0], argv);
		err = errno;
	}
	if (write(errno_fd, &err, sizeof err) < 0)
		_exit(126);
	_exit(127);
}

/* Starts argv. fds other than 0-2 that the child must not keep are all
 * close-on-exec (see the pipe2 calls). */
static bool child_start(struct child *c, char *const argv[], const int fds[3])
{
	int errpipe[2], err = 0;
	struct sigaction ignore = { .sa_handler = SIG_IGN };
	ssize_t n;

	c->have_tty = tcgetattr(STDIN_FILENO, &c->saved_tty) == 0;
	if (pipe2(errpipe, O_CLOEXEC) < 0) {
		log_error("cannot start %s: %s", argv[0], strerror(errno));
		return false;
	}
	c->pid = fork();
	if (c->pid < 0) {
		log_error("cannot start %s: %s", argv[0], strerror(errno));
		close(errpipe[0]);
		close(errpipe[1]);
		return false;
	}
	if (c->pid == 0)
		exec_child(argv, fds, errpipe[1]);
	close(errpipe[1]);
	do
		n = read(errpipe[0], &err, sizeof err);
	while (n < 0 && errno == EINTR);
	close(errpipe[0]);
	if (n > 0) {
		waitpid(c->pid, NULL, 0);
		log_error("cannot run %s: %s", argv[0], strerror(err));
		return false;
	}
	/* Ctrl-C at a password prompt is meant for ssh, which dies of it; we
	 * stay to report that and put the terminal back. */
	sigaction(SIGINT, &ignore, &c->old_int);
	sigaction(SIGQUIT, &ignore, &c->old_quit);
	return true;
}

static int status_of(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	return 128 + WTERMSIG(wstatus);
}

/* Waits for the child; with deadline_ms > 0, stops it (SIGTERM) once
 * clock_ms() passes the deadline. Puts the terminal and signals back. */
static int child_finish(struct child *c, uint64_t deadline_ms)
{
	int wstatus = 0;
	pid_t r;

	for (;;) {
		r = waitpid(c->pid, &wstatus, deadline_ms ? WNOHANG : 0);
		if (r == c->pid)
			break;
		if (r < 0 && errno != EINTR) {
			wstatus = 255 << 8;
			break;
		}
		if (deadline_ms && clock_ms() >= deadline_ms) {
			log_debug("ssh has not exited after the CONNECT line; stopping it");
			kill(c->pid, SIGTERM);
			deadline_ms = 0;
		} else if (deadline_ms) {
			usleep(10 * 1000);
		}
	}
	if (c->have_tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &c->saved_tty);
	sigaction(SIGINT, &c->old_int, NULL);
	sigaction(SIGQUIT, &c->old_quit, NULL);
	return status_of(wstatus);
}

/* Reads ssh's stdout until it closes or, once the CONNECT line is in, until
 * the linger deadline. Returns the deadline (0 if there was no CONNECT). */
static uint64_t read_ssh_output(int fd, struct bootstrap_scan *scan)
{
	uint8_t chunk[4096];
	struct buf passthrough;
	uint64_t deadline = 0;

	buf_init(&passthrough);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int timeout = -1;
		ssize_t n;

		if (deadline) {
			uint64_t now = clock_ms();
			if (now >= deadline)
				break;
			timeout = (int)(deadline - now);
		}
		if (poll(&p, 1, timeout) < 0 && errno != EINTR)
			break;
		if (p.revents == 0)
			continue;
		n = read(fd, chunk, sizeof chunk);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break;
		bootstrap_scan_feed(scan, chunk, (size_t)n, &passthrough);
		fd_write_all(STDERR_FILENO, passthrough.data, passthrough.len);
		buf_reset(&passthrough);
		if (scan->have_connect && !deadline)
			deadline = clock_ms() + SSPSH_SSH_LINGER_MS;
	}
	bootstrap_scan_finish(scan, &passthrough);
	fd_write_all(STDERR_FILENO, passthrough.data, passthrough.len);
	buf_free(&passthrough);
	mbedtls_platform_zeroize(chunk, sizeof chunk);
	if (scan->have_connect && !deadline)
		deadline = clock_ms() + SSPSH_SSH_LINGER_MS;
	return deadline;
}

int ssh_spawn_scan(char *const argv[], struct bootstrap_scan *scan)
{
	struct child c;
	int out[2], null_fd, status = SSH_SPAWN_FAILED;
	uint64_t deadline;

	if (pipe2(out, O_CLOEXEC) < 0) {
		log_error("cannot start %s: %s", argv[0], strerror(errno));
		return SSH_SPAWN_FAILED;
	}
	null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (child_start(&c, argv, (const int[3]){ null_fd, out[1], -1 })) {
		close(out[1]);
		out[1] = -1;
		deadline = read_ssh_output(out[0], scan);
		status = child_finish(&c, deadline);
	}
	close(out[0]);
	if (out[1] >= 0)
		close(out[1]);
	if (null_fd >= 0)
		close(null_fd);
	return status;
}

int ssh_spawn_capture(char *const argv[], struct buf *out, size_t max)
{
	struct child c;
	int pipefd[2], null_fd, status = SSH_SPAWN_FAILED;
	uint8_t chunk[4096];
	ssize_t n;

	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		log_error("cannot start %s: %s", argv[0], strerror(errno));
		return SSH_SPAWN_FAILED;
	}
	null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (child_start(&c, argv, (const int[3]){ null_fd, pipefd[1], -1 })) {
		close(pipefd[1]);
		pipefd[1] = -1;
		while ((n = read(pipefd[0], chunk, sizeof chunk)) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				break;
			if (out->len < max)
				buf_put(out, chunk, (size_t)n);
		}
		status = child_finish(&c, 0);
	}
	close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (null_fd >= 0)
		close(null_fd);
	return status;
}

int ssh_spawn_feed(char *const argv[], int input_fd, bool quiet)
{
	struct child c;
	int null_fd = -1, status = SSH_SPAWN_FAILED;

	if (quiet)
		null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (child_start(&c, argv, (const int[3]){ input_fd, null_fd, null_fd }))
		status = child_finish(&c, 0);
	if (null_fd >= 0)
		close(null_fd);
	return status;
}
