#include "core/signals.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"

static int wake_pipe[2] = { -1, -1 };
static volatile sig_atomic_t arrived[NSIG];
/* Set while the pipe holds the one byte that wakes the loop: a burst of
 * signals writes one byte, and taking them reads one. */
static volatile sig_atomic_t wake_pending;

static void on_signal(int sig)
{
	int saved = errno;
	char byte = 0;

	arrived[sig] = 1;
	if (!wake_pending) {
		wake_pending = 1;
		if (write(wake_pipe[1], &byte, 1) < 0) {
			/* cannot fail: the pipe holds at most two bytes */
		}
	}
	errno = saved;
}

static bool make_pipe(void)
{
	if (wake_pipe[0] >= 0)
		return true;
	if (pipe2(wake_pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
		log_error("pipe: %s", strerror(errno));
		return false;
	}
	return true;
}

bool signals_catch(const int *sigs)
{
	struct sigaction sa;

	if (!make_pipe())
		return false;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (; *sigs; sigs++)
		if (sigaction(*sigs, &sa, NULL) != 0) {
			log_error("sigaction: %s", strerror(errno));
			return false;
		}
	return true;
}

int signals_fd(void)
{
	return wake_pipe[0];
}

int signals_take_ending(void)
{
	static const int ending[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP };
	int first = 0;

	for (size_t i = 0; i < sizeof ending / sizeof ending[0]; i++)
		if (signals_take(ending[i]) && !first)
			first = ending[i];
	return first;
}

bool signals_take(int sig)
{
	char byte;

	/* Cleared before the read: a signal landing in between writes a second
	 * byte, which the one-byte read leaves to wake the next turn. */
	if (wake_pending) {
		wake_pending = 0;
		if (read(wake_pipe[0], &byte, 1) < 0 && errno != EAGAIN)
			log_error("signal pipe: %s", strerror(errno));
	}
	if (!arrived[sig])
		return false;
	arrived[sig] = 0;
	return true;
}
