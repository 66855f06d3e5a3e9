#include "core/dying.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/options.h"
#include "core/signals.h"

void dying_init(struct dying *d)
{
	memset(d, 0, sizeof *d);
}

void dying_free(struct dying *d)
{
	free(d->children);
	dying_init(d);
}

/* Only while pid is not yet collected: until then neither it nor its
 * process group ID can belong to anyone else. */
static void signal_child(pid_t pid, int sig)
{
	kill(-pid, sig);
	kill(pid, sig);
}

static bool make_room(struct dying *d)
{
	struct dying_child *grown;
	size_t cap;

	if (d->count < d->cap)
		return true;
	cap = d->cap ? d->cap * 2 : 8;
	grown = realloc(d->children, cap * sizeof *grown);
	if (!grown)
		return false;
	d->children = grown;
	d->cap = cap;
	return true;
}

void dying_add(struct dying *d, pid_t pid, uint64_t now)
{
	if (!make_room(d)) {
		log_error("out of memory ending process %d: killing it now", (int)pid);
		signal_child(pid, SIGKILL);
		return;
	}
	signal_child(pid, SIGHUP);
	d->children[d->count++] = (struct dying_child){
		.pid = pid,
		.kill_at = now + SSPSH_HANGUP_GRACE_MS,
	};
}

static bool collected(pid_t pid)
{
	pid_t r = waitpid(pid, NULL, WNOHANG);

	return r == pid || (r < 0 && errno == ECHILD);
}

uint64_t dying_step(struct dying *d, uint64_t now)
{
	uint64_t next = UINT64_MAX;

	for (size_t i = 0; i < d->count;) {
		struct dying_child *c = &d->children[i];

		if (collected(c->pid)) {
			*c = d->children[--d->count];
			continue;
		}
		if (!c->killed && now >= c->kill_at) {
			log_info("process %d ignored the hangup: killing it", (int)c->pid);
			signal_child(c->pid, SIGKILL);
			c->killed = true;
		}
		if (!c->killed && c->kill_at < next)
			next = c->kill_at;
		i++;
	}
	return next;
}

size_t dying_count(const struct dying *d)
{
	return d->count;
}

/* The latest time a child of the set can be killed, plus the kill wait. */
static uint64_t give_up_time(const struct dying *d, uint64_t now)
{
	uint64_t last = now;

	for (size_t i = 0; i < d->count; i++)
		if (!d->children[i].killed && d->children[i].kill_at > last)
			last = d->children[i].kill_at;
	return last + SSPSH_KILL_WAIT_MS;
}

bool dying_finish(struct dying *d)
{
	uint64_t now = clock_ms(), give_up = give_up_time(d, now);

	for (;;) {
		uint64_t due = dying_step(d, now);
		struct pollfd p = { signals_fd(), POLLIN, 0 };

		if (!d->count || now >= give_up)
			break;
		if (due > give_up)
			due = give_up;
		if (poll(&p, 1, due > now ? (int)(due - now) : 0) < 0 && errno != EINTR) {
			log_error("poll: %s", strerror(errno));
			break;
		}
		signals_take(SIGCHLD);
		now = clock_ms();
	}
	if (d->count)
		log_warn("%zu process(es) not collected after SIGKILL", d->count);
	return d->count == 0;
}
