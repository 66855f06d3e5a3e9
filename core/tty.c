#include "core/tty.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "core/log.h"
#include "core/signals.h"

static struct termios saved_modes;
static int saved_fd = -1;
static bool exit_hook_installed;

bool tty_raw(int fd)
{
	struct termios raw;

	if (saved_fd == fd)
		return true;	/* already raw: the saved modes are the ones to give back */
	tty_restore();
	if (tcgetattr(fd, &saved_modes) != 0) {
		log_error("not a terminal: %s", strerror(errno));
		return false;
	}
	saved_fd = fd;
	if (!exit_hook_installed) {
		atexit(tty_restore);
		exit_hook_installed = true;
	}
	raw = saved_modes;
	cfmakeraw(&raw);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(fd, TCSADRAIN, &raw) != 0) {
		log_error("cannot set raw mode: %s", strerror(errno));
		saved_fd = -1;
		return false;
	}
	return true;
}

void tty_restore(void)
{
	if (saved_fd >= 0) {
		tcsetattr(saved_fd, TCSADRAIN, &saved_modes);
		saved_fd = -1;
	}
}

bool tty_size(int fd, int *cols, int *rows)
{
	struct winsize ws;

	if (ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0 || ws.ws_row == 0)
		return false;
	*cols = ws.ws_col;
	*rows = ws.ws_row;
	return true;
}

int tty_read_key(int fd, unsigned char *key)
{
	struct pollfd p[2] = { { fd, POLLIN, 0 }, { signals_fd(), POLLIN, 0 } };
	ssize_t n;

	for (;;) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return -1;
		if (p[1].revents)
			return -1;
		if (!p[0].revents)
			continue;
		n = read(fd, key, 1);
		if (n >= 0)
			return (int)n;
		if (errno != EINTR && errno != EAGAIN)
			return -1;
	}
}
