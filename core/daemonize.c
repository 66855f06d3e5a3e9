#include "core/daemonize.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"

bool daemonize(void)
{
	int null_fd;
	pid_t pid = fork();

	if (pid < 0) {
		log_error("fork: %s", strerror(errno));
		return false;
	}
	if (pid > 0)
		_exit(0);
	setsid();
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
