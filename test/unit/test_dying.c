/* core/dying: programs are hung up, killed after the grace if they ignore
 * it (their process group too), and collected without ever waiting. */
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/dying.h"
#include "core/options.h"
#include "core/signals.h"
#include "test/unit/unit.h"

/* A child leading its own process group; with ignore_hup it and a
 * grandchild of the same group ignore SIGHUP. Returns the child's pid and
 * puts the grandchild's (or 0) in *grandchild. */
static pid_t start_child(bool ignore_hup, pid_t *grandchild)
{
	int fds[2];
	pid_t pid;

	*grandchild = 0;
	if (pipe(fds) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		pid_t g = 0;

		setpgid(0, 0);
		if (ignore_hup) {
			signal(SIGHUP, SIG_IGN);
			g = fork();
			if (g == 0)
				for (;;)
					pause();
		}
		if (write(fds[1], &g, sizeof g) != sizeof g)
			_exit(1);
		for (;;)
			pause();
	}
	close(fds[1]);
	if (pid < 0 || read(fds[0], grandchild, sizeof *grandchild) != sizeof *grandchild)
		pid = -1;
	close(fds[0]);
	return pid;
}

/* Whether orphaned grandchildren come to this process (qemu-user, which
 * runs the aarch64 tests, does not implement PR_SET_CHILD_SUBREAPER). */
static bool subreaper;
#define NO_SUBREAPER "grandchild not checked: no PR_SET_CHILD_SUBREAPER here (qemu-user)"

/* Steps the set at the fixed time `now` for up to a second of real time. */
static void step_until_empty(struct dying *d, uint64_t now)
{
	for (int i = 0; i < 200 && dying_count(d); i++) {
		dying_step(d, now);
		if (dying_count(d))
			usleep(5000);
	}
}

TEST(a_program_that_obeys_the_hangup_is_collected_without_a_kill)
{
	struct dying d;
	pid_t grandchild, pid = start_child(false, &grandchild);

	EXPECT(pid > 0);
	dying_init(&d);
	dying_add(&d, pid, 1000);
	EXPECT_INT(dying_count(&d), 1);
	step_until_empty(&d, 1000);	/* never reaches the kill time */
	EXPECT_INT(dying_count(&d), 0);
	EXPECT(kill(pid, 0) != 0);
	dying_free(&d);
}

TEST(a_program_that_ignores_it_is_killed_after_the_grace_group_and_all)
{
	struct dying d;
	pid_t grandchild, pid = start_child(true, &grandchild);
	int status = 0;

	EXPECT(pid > 0 && grandchild > 0);
	dying_init(&d);
	dying_add(&d, pid, 1000);
	usleep(50000);
	EXPECT_INT(dying_step(&d, 1000), 1000 + SSPSH_HANGUP_GRACE_MS);
	EXPECT_INT(dying_step(&d, 1000 + SSPSH_HANGUP_GRACE_MS - 1), 1000 + SSPSH_HANGUP_GRACE_MS);
	EXPECT_INT(dying_count(&d), 1);
	EXPECT(kill(pid, 0) == 0);
	EXPECT(dying_step(&d, 1000 + SSPSH_HANGUP_GRACE_MS) == UINT64_MAX);
	step_until_empty(&d, 1000 + SSPSH_HANGUP_GRACE_MS);
	EXPECT_INT(dying_count(&d), 0);
	/* The grandchild was ours to collect (a subreaper): killed too. */
	if (subreaper) {
		EXPECT(waitpid(grandchild, &status, 0) == grandchild);
		EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	}
	dying_free(&d);
	if (!subreaper)
		SKIP(NO_SUBREAPER);
}

TEST(finishing_is_bounded_by_the_grace_and_the_kill_wait)
{
	static const int caught[] = { SIGCHLD, 0 };
	struct dying d;
	pid_t grandchild, stubborn = start_child(true, &grandchild), obedient;
	pid_t unused;
	uint64_t start;

	obedient = start_child(false, &unused);
	EXPECT(stubborn > 0 && obedient > 0 && signals_catch(caught));
	dying_init(&d);
	start = clock_ms();
	dying_add(&d, stubborn, start);
	dying_add(&d, obedient, start);
	EXPECT(dying_finish(&d));
	EXPECT(clock_ms() - start >= SSPSH_HANGUP_GRACE_MS);
	EXPECT(clock_ms() - start < SSPSH_HANGUP_GRACE_MS + SSPSH_KILL_WAIT_MS);
	if (subreaper)
		EXPECT(waitpid(grandchild, NULL, 0) == grandchild);
	dying_free(&d);
	if (!subreaper)
		SKIP(NO_SUBREAPER);
}

int main(void)
{
	subreaper = prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
	RUN(a_program_that_obeys_the_hangup_is_collected_without_a_kill);
	RUN(a_program_that_ignores_it_is_killed_after_the_grace_group_and_all);
	RUN(finishing_is_bounded_by_the_grace_and_the_kill_wait);
	return unit_exit_status();
}
