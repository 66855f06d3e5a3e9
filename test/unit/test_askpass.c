/* ssh's questions for the relay (applets/session/askpass.h): the real
 * helper, in a child process as ssh would run it, asks the client's
 * listener; typed keys answer, edit or cancel; hostile or vanishing
 * helpers leave the listener serving. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "applets/session/askpass.h"
#include "core/clock.h"
#include "core/options.h"
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

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	RUN(answer_reaches_the_helper_and_the_rest_stays_the_sessions);
	RUN(backspace_takes_a_whole_character_and_ctrl_u_the_line);
	RUN(ctrl_c_cancels_and_the_same_runs_next_tries_are_refused);
	RUN(a_long_question_with_line_ends_is_one_bounded_line);
	RUN(hostile_and_vanishing_helpers_leave_the_listener_serving);
	RUN(the_socket_is_private_and_goes_with_the_listener);
	RUN(without_a_listener_the_helper_says_so_and_fails);
	return unit_exit_status();
}
