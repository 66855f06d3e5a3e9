#include "core/daemonize.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"

bool daemonize(void)
{
	struct sigaction ignore = { .sa_handler = SIG_IGN }, old;
	int null_fd;
	pid_t pid;

	/* Started over ssh, our parent leads the session on ssh's pty: when it
	 * exits, the kernel hangs up that terminal's foreground group, which
	 * the child is in until setsid. */
	sigaction(SIGHUP, &ignore, &old);
	pid = fork();
	if (pid < 0) {
		log_error("fork: %s", strerror(errno));
		sigaction(SIGHUP, &old, NULL);
		return false;
	}
	if (pid > 0)
		_exit(0);
	setsid();
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
