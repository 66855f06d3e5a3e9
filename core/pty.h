/* A program running in a pseudo-terminal. */
#ifndef SSPSH_PTY_H
#define SSPSH_PTY_H

#include <stdbool.h>
#include <sys/types.h>

struct pty_spec {
	char *const *argv;	/* argv[0] is what the program sees ("-bash") */
	const char *path;	/* the executable (looked up in PATH if no '/') */
	const char *cwd;	/* NULL: stay */
	char *const *env_set;	/* NAME=VALUE entries added to the environment */
	const char *const *env_unset;	/* names removed from it */
	int cols, rows;
};

struct pty_child {
	int master;	/* non-blocking, close-on-exec */
	pid_t pid;
};

/* Starts the program as a session leader on a new pty with IUTF8 set.
 * false (logged) on failure. */
bool pty_spawn(const struct pty_spec *spec, struct pty_child *out);
/* NULL when a pty could be opened now, as pty_spawn opens one (master and
 * terminal side); else why not, for the user after "the server refused:":
 * this process is out of file descriptors, or the kernel out of ptys. */
const char *pty_shortage(void);
/* Sets the window size (the program gets SIGWINCH). */
bool pty_resize(int master, int cols, int rows);

#endif
