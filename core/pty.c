#include "core/pty.h"

#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "core/log.h"

static void set_utf8_line_discipline(int fd)
{
	struct termios t;

	if (tcgetattr(fd, &t) == 0) {
		t.c_iflag |= IUTF8;
		tcsetattr(fd, TCSANOW, &t);
	}
}

/* The program starts with its terminal as 0, 1 and 2 and nothing else:
 * not sspsh's sockets, nor whatever sspsh's own parent left open. */
static void close_inherited_fds(void)
{
	long max = sysconf(_SC_OPEN_MAX);

	if (close_range(3, ~0u, 0) == 0)
		return;
	if (max <= 0 || max > 65536)	/* no close_range (Linux < 5.9) */
		max = 65536;
	for (int fd = 3; fd < max; fd++)
		close(fd);
}

/* In the child: never returns. Only async-signal-safe calls matter less
 * here since we are single threaded. */
static void exec_child(const struct pty_spec *spec)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	set_utf8_line_discipline(STDIN_FILENO);
	for (const char *const *n = spec->env_unset; n && *n; n++)
		unsetenv(*n);
	for (char *const *e = spec->env_set; e && *e; e++)
		putenv(*e);
	if (spec->cwd && chdir(spec->cwd) != 0)
		fprintf(stderr, "sspsh: cannot enter %s: %s\r\n", spec->cwd, strerror(errno));
	close_inherited_fds();
	if (strchr(spec->path, '/'))
		execv(spec->path, spec->argv);
	else
		execvp(spec->path, spec->argv);
	fprintf(stderr, "sspsh: cannot run %s: %s\r\n", spec->path, strerror(errno));
	_exit(127);
}

bool pty_spawn(const struct pty_spec *spec, struct pty_child *out)
{
	struct winsize ws = { .ws_row = (unsigned short)spec->rows,
			      .ws_col = (unsigned short)spec->cols };
	int master;
	pid_t pid = forkpty(&master, NULL, NULL, &ws);

	if (pid < 0) {
		log_error("cannot open a pseudo-terminal: %s", strerror(errno));
		return false;
	}
	if (pid == 0)
		exec_child(spec);
	if (fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK) != 0 ||
	    fcntl(master, F_SETFD, FD_CLOEXEC) != 0)
		log_warn("pty flags: %s", strerror(errno));
	out->master = master;
	out->pid = pid;
	return true;
}

const char *pty_shortage(void)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), terminal = -1, err;
	const char *name = NULL;

	if (master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0 && (name = ptsname(master)))
		terminal = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	err = errno;
	if (terminal >= 0)
		close(terminal);
	if (master >= 0)
		close(master);
	if (terminal >= 0)
		return NULL;
	if (err == EMFILE || err == ENFILE)
		return "it is out of file descriptors (ulimit -n)";
	return "it is out of pseudo-terminals (kernel.pty.max)";
}

bool pty_resize(int master, int cols, int rows)
{
	struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };

	if (ioctl(master, TIOCSWINSZ, &ws) != 0) {
		log_warn("cannot resize the pty: %s", strerror(errno));
		return false;
	}
	return true;
}
