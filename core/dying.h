/* Programs being ended. Each is hung up (SIGHUP to its process group and to
 * itself), gets SSPSH_HANGUP_GRACE_MS to exit, then SIGKILL; it is
 * collected only with waitpid(WNOHANG), so the event loop that steps the
 * set never blocks on a child that ignores the hangup. */
#ifndef SSPSH_DYING_H
#define SSPSH_DYING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct dying_child {
	pid_t pid;
	uint64_t kill_at;	/* clock_ms() of the SIGKILL */
	bool killed;
};

struct dying {
	struct dying_child *children;
	size_t count, cap;
};

void dying_init(struct dying *d);
/* Forgets the children still there (they are not waited for). */
void dying_free(struct dying *d);

/* Hangs up on pid, a child of this process not yet collected, and takes it
 * into the set. Out of memory, it is killed at once instead (logged). */
void dying_add(struct dying *d, pid_t pid, uint64_t now);
/* Collects the children that have exited and SIGKILLs those whose grace is
 * over (call on SIGCHLD and at the deadline). Returns the next time it has
 * work: UINT64_MAX when only SIGCHLD can change anything. */
uint64_t dying_step(struct dying *d, uint64_t now);
size_t dying_count(const struct dying *d);

/* For a process that is exiting: steps the set until it is empty, waking
 * on SIGCHLD (caught with core/signals.h) and on its deadlines, and gives
 * up SSPSH_KILL_WAIT_MS after the last SIGKILL. True when every child was
 * collected. */
bool dying_finish(struct dying *d);

#endif
