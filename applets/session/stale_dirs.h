/* Private socket directories that a process of ours killed with SIGKILL
 * left behind. The server's agent directories (applets/session/
 * agent_socket.h) and the client's askpass directory (applets/session/
 * askpass.h) are 0700 directories under $TMPDIR holding Unix sockets; their
 * owner removes them however it ends, but SIGKILL runs no code. The next
 * process to make one sweeps what dead ones left: only directories of its
 * own kind, this user's and 0700, untouched for a while, and holding
 * nothing but its kind's sockets that no process listens at. */
#ifndef SSPSH_STALE_DIRS_H
#define SSPSH_STALE_DIRS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <time.h>

struct stale_dir_kind {
	const char *what;		/* for the log: "agent forwarding" */
	const char *left_by;		/* "a server" */
	const char *prefix;		/* its name: prefix and random_len letters and digits */
	size_t random_len;
	/* Whether an entry is one of its sockets; *pid is the PID that
	 * listened at it as its name says, 0 when its name does not. */
	bool (*is_socket)(const char *name, long *pid);
	bool empty_is_stale;		/* an empty one is a leftover too */
	time_t stale_s;			/* untouched at least this long */
};

/* A directory of this user's that nobody else may enter. */
bool stale_dir_private(const struct stat *st);

/* Removes the directories under base that match one of the n kinds and
 * that dead processes left: this user's, 0700, not a symlink, untouched
 * for the kind's stale_s, and empty (where the kind allows that) or holding
 * only its sockets, each refusing a connection and named by no live PID.
 * Logs each removal; returns how many. */
int stale_dirs_sweep(const char *base, const struct stale_dir_kind *kinds, size_t n);

#endif
