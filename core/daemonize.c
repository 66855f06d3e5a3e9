#include "core/daemonize.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"

/* The parent returns only once the child leads its own session, so that
 * whoever started `sspsh server` finds the daemon already detached. */
static void wait_for_setsid(int ready_fd)
{
	char byte;

	while (read(ready_fd, &byte, 1) < 0 && errno == EINTR)
		;
}

bool daemonize(void)
{
	struct sigaction ignore = { .sa_handler = SIG_IGN }, old;
	int null_fd, ready[2];
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC) < 0) {
		log_error("pipe: %s", strerror(errno));
		return false;
	}
	/* Started over ssh, our parent leads the session on ssh's pty: when it
	 * exits, the kernel hangs up that terminal's foreground group, which
	 * the child is in until setsid. */
	sigaction(SIGHUP, &ignore, &old);
	pid = fork();
	if (pid < 0) {
		log_error("fork: %s", strerror(errno));
		sigaction(SIGHUP, &old, NULL);
		close(ready[0]);
		close(ready[1]);
		return false;
	}
	if (pid > 0) {
		close(ready[1]);
		wait_for_setsid(ready[0]);
		_exit(0);
	}
	close(ready[0]);
	setsid();
	close(ready[1]);	/* the parent's read returns: we are detached */
	sigaction(SIGHUP, &old, NULL);
	null_fd = open("/dev/null", O_RDWR);
	if (null_fd < 0)
		return false;
	dup2(null_fd, STDIN_FILENO);
	dup2(null_fd, STDOUT_FILENO);
	dup2(null_fd, STDERR_FILENO);
	if (null_fd > STDERR_FILENO)
		close(null_fd);
	log_set_stream(NULL);
	return true;
}
