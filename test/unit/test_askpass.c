/* ssh's questions for the relay (applets/session/askpass.h): the real
 * helper, in a child process as ssh would run it, asks the client's
 * listener; typed keys answer, edit or cancel; hostile or vanishing
 * helpers leave the listener serving; what a killed client left is swept
 * by the next one, and nothing else. Everything is made in a private
 * $TMPDIR, which must be empty at the end. */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "applets/session/askpass.h"
#include "core/clock.h"
#include "core/options.h"
#include "core/stream_sock.h"
#include "unit.h"

struct helper {
	pid_t pid;
	int out;		/* what it prints for ssh */
};

static struct helper helper_start(const struct askpass *a, const char *prompt)
{
	struct helper h = { -1, -1 };
	int p[2];

	if (pipe(p) != 0)
		return h;
	h.pid = fork();
	if (h.pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		_exit(askpass_helper_run(askpass_socket_path(a), prompt));
	}
	close(p[1]);
	h.out = p[0];
	return h;
}

/* The helper's exit status; what it printed into out. */
static int helper_finish(struct helper h, char *out, size_t cap)
{
	size_t got = 0;
	ssize_t n;
	int status = -1;

	while (got + 1 < cap && (n = read(h.out, out + got, cap - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(h.out);
	waitpid(h.pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Runs the listener until a question waits (or 3 s pass). */
static const char *await_question(struct askpass *a)
{
	uint64_t until = clock_ms() + 3000;

	while (!askpass_prompt(a) && clock_ms() < until) {
		struct pollfd p[ASKPASS_POLLFDS];
		int n = askpass_pollfds(a, p);

		poll(p, (nfds_t)n, 100);
		askpass_step(a);
	}
	return askpass_prompt(a);
}

/* A listener whose helper asks `prompt`, the question waiting: NULL (the
 * failure noted) out of memory. */
static struct askpass *asked(const char *prompt, struct helper *h)
{
	struct askpass *a = askpass_new();

	EXPECT(a != NULL);
	if (a) {
		*h = helper_start(a, prompt);
		EXPECT(await_question(a) != NULL);
	}
	return a;
}

static size_t type(struct askpass *a, const char *keys)
{
	return askpass_typed(a, (const uint8_t *)keys, strlen(keys));
}

TEST(answer_reaches_the_helper_and_the_rest_stays_the_sessions)
{
	struct helper h;
	struct askpass *a = asked("user@host's password: ", &h);
	char out[256];
	const char *keys = "sx\x7f" "ec\x1b[Dret\r" "ls\r";

	if (!a)
		return;
	EXPECT_STR(askpass_prompt(a), "user@host's password:");
	/* Backspace, an arrow key (ignored), Enter; "ls\r" is the session's. */
	EXPECT_INT(askpass_typed(a, (const uint8_t *)keys, strlen(keys)), strlen(keys) - 3);
	EXPECT(askpass_prompt(a) == NULL);
	EXPECT_INT(helper_finish(h, out, sizeof out), 0);
	EXPECT_STR(out, "secret\n");
	EXPECT(!askpass_take_cancelled(a));
	askpass_free(a);
}

TEST(backspace_takes_a_whole_character_and_ctrl_u_the_line)
{
	struct helper h;
	struct askpass *a = asked("Password:", &h);
	char out[256];

	if (!a)
		return;
	type(a, "wrong\x15" "a\xc3\xa9\x7f" "b\r");
	EXPECT_INT(helper_finish(h, out, sizeof out), 0);
	EXPECT_STR(out, "ab\n");
	askpass_free(a);
}

TEST(ctrl_c_cancels_and_the_same_runs_next_tries_are_refused)
{
	struct helper h;
	struct askpass *a = asked("Password:", &h);
	char out[256];

	if (!a)
		return;
	EXPECT_INT(type(a, "pw\x03" "after"), 3);
	EXPECT(askpass_prompt(a) == NULL);
	EXPECT_INT(helper_finish(h, out, sizeof out), 1);
	EXPECT_STR(out, "");
	/* ssh asks again after an empty answer: refused at once, unseen. */
	h = helper_start(a, "Password:");
	EXPECT(await_question(a) == NULL);
	EXPECT_INT(helper_finish(h, out, sizeof out), 1);
	EXPECT(askpass_take_cancelled(a));
	h = helper_start(a, "Password:");
	EXPECT(await_question(a) != NULL);	/* a new run asks again */
	askpass_cancel(a);
	EXPECT_INT(helper_finish(h, out, sizeof out), 1);
	EXPECT(!askpass_take_cancelled(a));	/* not the user's doing */
	askpass_free(a);
}

TEST(a_long_question_with_line_ends_is_one_bounded_line)
{
	struct askpass *a = askpass_new();
	char prompt[3000], out[16];
	struct helper h;
	const char *shown;

	if (!a)
		return;
	h = helper_start(a, "The authenticity of host 'x' can't be established.\r\n"
			 "Are you sure (yes/no)?\t\xe2\x9c\x93 ");
	EXPECT_STR(await_question(a),
		   "The authenticity of host 'x' can't be established. Are you sure (yes/no)? ???");
	type(a, "yes\r");
	EXPECT_INT(helper_finish(h, out, sizeof out), 0);
	EXPECT_STR(out, "yes\n");

	memset(prompt, 'p', sizeof prompt - 1);
	prompt[sizeof prompt - 1] = '\0';
	h = helper_start(a, prompt);
	shown = await_question(a);
	EXPECT(shown && strlen(shown) == SSPSH_ASKPASS_PROMPT_MAX);
	askpass_cancel(a);
	helper_finish(h, out, sizeof out);
	askpass_free(a);
}

static int raw_connect(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

TEST(hostile_and_vanishing_helpers_leave_the_listener_serving)
{
	struct askpass *a = askpass_new();
	const uint8_t oversize[] = { 0xff, 0xff, 'x' };
	char out[64];
	struct helper h;
	int fd;

	if (!a)
		return;
	fd = raw_connect(askpass_socket_path(a));
	EXPECT(fd >= 0 && write(fd, oversize, sizeof oversize) == (ssize_t)sizeof oversize);
	EXPECT(await_question(a) == NULL);
	EXPECT(read(fd, out, sizeof out) <= 0);	/* hung up on (reset: "x" was unread) */
	close(fd);

	fd = raw_connect(askpass_socket_path(a));	/* asks, then goes away */
	EXPECT(fd >= 0 && write(fd, "\0\3abc", 5) == 5);
	EXPECT_STR(await_question(a), "abc");
	close(fd);
	for (int i = 0; i < 20 && askpass_prompt(a); i++) {
		usleep(10000);
		askpass_step(a);
	}
	EXPECT(askpass_prompt(a) == NULL);

	h = helper_start(a, "Password:");
	EXPECT(await_question(a) != NULL);
	type(a, "ok\n");
	EXPECT_INT(helper_finish(h, out, sizeof out), 0);
	EXPECT_STR(out, "ok\n");
	askpass_free(a);
}

TEST(the_socket_is_private_and_goes_with_the_listener)
{
	struct askpass *a = askpass_new();
	char dir[4096], *slash;
	struct stat st;

	if (!a)
		return;
	snprintf(dir, sizeof dir, "%s", askpass_socket_path(a));
	slash = strrchr(dir, '/');
	*slash = '\0';
	EXPECT(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700);
	askpass_free(a);
	EXPECT(stat(dir, &st) != 0 && errno == ENOENT);
}

TEST(without_a_listener_the_helper_says_so_and_fails)
{
	char out[16];
	struct askpass *a = askpass_new();
	char path[4096];
	struct helper h;

	if (!a)
		return;
	snprintf(path, sizeof path, "%s", askpass_socket_path(a));
	askpass_free(a);
	h.pid = fork();
	if (h.pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, STDERR_FILENO);
		_exit(askpass_helper_run(path, "Password:"));
	}
	h.out = open("/dev/null", O_RDONLY);
	EXPECT_INT(helper_finish(h, out, sizeof out), 1);
}

/* ---- What killed clients left ---- */

static char base[] = "/tmp/sspsh-test-askpass-XXXXXX";

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static void set_back(const char *path, int age_s)
{
	struct timespec times[2];

	clock_gettime(CLOCK_REALTIME, &times[0]);
	times[0].tv_sec -= age_s;
	times[1] = times[0];
	utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW);
}

/* base/NAME holding a socket as a client's, listened at (the fd returned)
 * or left by a killed client (-2), untouched for age_s; -1 if not made. */
static int leftover(const char *name, bool listening, int age_s, char *dir, size_t cap)
{
	char path[PATH_MAX];
	int fd;

	snprintf(dir, cap, "%s/%s", base, name);
	snprintf(path, sizeof path, "%s/socket", dir);
	if (mkdir(dir, 0700) != 0 || (fd = sock_listen_unix(path)) < 0)
		return -1;
	if (!listening) {
		close(fd);
		fd = -2;
	}
	set_back(dir, age_s);
	return fd;
}

TEST(the_next_client_sweeps_what_killed_ones_left)
{
	char killed[PATH_MAX], empty[PATH_MAX];
	struct askpass *a;

	EXPECT_INT(leftover("sspsh-askpass-Aaaaa1", false, 120, killed, sizeof killed), -2);
	snprintf(empty, sizeof empty, "%s/sspsh-askpass-Aaaaa2", base);
	EXPECT(mkdir(empty, 0700) == 0);	/* killed between mkdtemp and listen */
	set_back(empty, 120);
	a = askpass_new();
	EXPECT(a != NULL);
	EXPECT(!exists(killed) && !exists(empty));
	askpass_free(a);
}

TEST(the_sweep_keeps_everything_else)
{
	char live[PATH_MAX], young[PATH_MAX], open_dir[PATH_MAX], extra[PATH_MAX], odd[PATH_MAX],
	     link[PATH_MAX], file[PATH_MAX + 8];
	int live_fd = leftover("sspsh-askpass-Bbbbb1", true, 120, live, sizeof live), fd;

	EXPECT(live_fd >= 0);
	EXPECT_INT(leftover("sspsh-askpass-Bbbbb2", false, 5, young, sizeof young), -2);
	EXPECT_INT(leftover("sspsh-askpass-Bbbbb3", false, 0, open_dir, sizeof open_dir), -2);
	EXPECT(chmod(open_dir, 0755) == 0);
	set_back(open_dir, 120);
	EXPECT_INT(leftover("sspsh-askpass-Bbbbb4", false, 0, extra, sizeof extra), -2);
	snprintf(file, sizeof file, "%s/notes", extra);
	fd = open(file, O_CREAT | O_WRONLY, 0600);
	EXPECT(fd >= 0);
	close(fd);
	set_back(extra, 120);
	EXPECT_INT(leftover("sspsh-askpass-B.bbb5", false, 120, odd, sizeof odd), -2);
	snprintf(link, sizeof link, "%s/sspsh-askpass-Bbbbb6", base);
	EXPECT(symlink(open_dir, link) == 0);

	EXPECT_INT(askpass_dirs_sweep(base), 0);
	EXPECT(exists(live) && exists(young) && exists(open_dir) && exists(extra) && exists(odd) &&
	       exists(link));
	close(live_fd);
	snprintf(file, sizeof file, "rm -rf %s/sspsh-askpass-B*", base);
	EXPECT(system(file) == 0);
}

/* Nothing is left in the private $TMPDIR. */
static bool base_is_empty(void)
{
	char command[PATH_MAX + 32];

	snprintf(command, sizeof command, "test -z \"$(ls -A '%s')\"", base);
	return system(command) == 0;
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	if (!mkdtemp(base) || setenv("TMPDIR", base, 1) != 0 || unsetenv("XDG_RUNTIME_DIR") != 0) {
		perror("a private TMPDIR");
		return 1;
	}
	RUN(answer_reaches_the_helper_and_the_rest_stays_the_sessions);
	RUN(backspace_takes_a_whole_character_and_ctrl_u_the_line);
	RUN(ctrl_c_cancels_and_the_same_runs_next_tries_are_refused);
	RUN(a_long_question_with_line_ends_is_one_bounded_line);
	RUN(hostile_and_vanishing_helpers_leave_the_listener_serving);
	RUN(the_socket_is_private_and_goes_with_the_listener);
	RUN(without_a_listener_the_helper_says_so_and_fails);
	RUN(the_next_client_sweeps_what_killed_ones_left);
	RUN(the_sweep_keeps_everything_else);
	if (!base_is_empty()) {
		printf("FAIL nothing_is_left_in_TMPDIR: %s is not empty\n", base);
		return 1;
	}
	rmdir(base);
	return unit_exit_status();
}
