/* pty: programs run in a pseudo-terminal of the given size with IUTF8;
 * passwd: home and shell found by uid. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/passwd.h"
#include "core/pty.h"
#include "test/unit/unit.h"

/* Everything the program writes until it exits (at most cap - 1 bytes). */
static size_t read_all(int fd, char *out, size_t cap)
{
	size_t len = 0;
	struct pollfd p = { fd, POLLIN, 0 };

	while (len + 1 < cap && poll(&p, 1, 5000) > 0) {
		ssize_t n = read(fd, out + len, cap - 1 - len);
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	out[len] = '\0';
	return len;
}

static int run_in_pty(char *const argv[], char *out, size_t cap, int cols, int rows)
{
	char *env[] = { "SSPSH_TEST_VAR=set", NULL };
	const char *unset[] = { "SSPSH_KEY", NULL };
	struct pty_spec spec = { argv, argv[0], "/", env, unset, cols, rows };
	struct pty_child child;
	int status = -1;

	if (!pty_spawn(&spec, &child))
		return -1;
	read_all(child.master, out, cap);
	waitpid(child.pid, &status, 0);
	close(child.master);
	return status;
}

TEST(program_runs_with_size_env_cwd_and_iutf8)
{
	char out[4096];
	char *argv[] = { "/bin/sh", "-c",
		"stty size; stty -a | grep -o -- '-\\?iutf8'; pwd; echo \"v=$SSPSH_TEST_VAR k=$SSPSH_KEY\"",
		NULL };

	setenv("SSPSH_KEY", "secret", 1);
	EXPECT_INT(run_in_pty(argv, out, sizeof out, 100, 30), 0);
	EXPECT(strstr(out, "30 100") != NULL);
	EXPECT(strstr(out, "\niutf8") != NULL);
	EXPECT(strstr(out, "\n/\r") != NULL);
	EXPECT(strstr(out, "v=set k=\r") != NULL);
	unsetenv("SSPSH_KEY");
}

TEST(the_program_inherits_no_descriptor_of_ours)
{
	char out[512];
	char *argv[] = { "/bin/sh", "-c", "test -e /proc/$$/fd/57 && echo LEAKED || echo CLEAN", NULL };
	int fd = dup2(STDERR_FILENO, 57);	/* not close-on-exec */

	EXPECT_INT(fd, 57);
	EXPECT_INT(run_in_pty(argv, out, sizeof out, 80, 24), 0);
	EXPECT(strstr(out, "CLEAN") != NULL);
	close(57);
}

TEST(a_missing_program_exits_127)
{
	char out[512];
	char *argv[] = { "/nonexistent/program", NULL };
	int status = run_in_pty(argv, out, sizeof out, 80, 24);

	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 127);
	EXPECT(strstr(out, "cannot run") != NULL);
}

TEST(passwd_lookup_by_uid)
{
	char path[] = "/tmp/sspsh-passwd-XXXXXX", home[64], shell[64];
	const char *text = "root:x:0:0:root:/root:/bin/bash\n"
			   "broken line\n"
			   "ann:x:1000:1000:Ann,,,:/home/ann:/usr/bin/zsh\n"
			   "bob:x:10001:1000::/home/bob:\n";
	int fd = mkstemp(path);

	EXPECT(fd >= 0);
	EXPECT(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	EXPECT(passwd_lookup(path, 1000, home, sizeof home, shell, sizeof shell));
	EXPECT_STR(home, "/home/ann");
	EXPECT_STR(shell, "/usr/bin/zsh");
	EXPECT(passwd_lookup(path, 10001, home, sizeof home, shell, sizeof shell));
	EXPECT_STR(shell, "");
	EXPECT(!passwd_lookup(path, 100, home, sizeof home, shell, sizeof shell));
	EXPECT(!passwd_lookup("/nonexistent", 0, home, sizeof home, shell, sizeof shell));
	EXPECT(passwd_name(path, 10001, home, sizeof home));
	EXPECT_STR(home, "bob");
	EXPECT(!passwd_name(path, 10001, home, 3));	/* "bob" and its NUL do not fit */
	EXPECT(!passwd_name(path, 4242, home, sizeof home));
	unlink(path);
}

/* The groups --user gives a user: the primary gid first, then every group
 * that lists it as a member (not one whose member name merely contains
 * it), none twice; none of root's. */
TEST(passwd_groups_as_initgroups_gives_them)
{
	char path[] = "/tmp/sspsh-group-XXXXXX";
	const char *text = "root:x:0:\n"
			   "adm:x:4:syslog,ann\n"
			   "ann:x:1000:\n"
			   "broken\n"
			   "audio:x:29:annie,bob\n"
			   "staff:x:50:bob,ann,carl\n"
			   "users:x:1000:ann\n";
	gid_t gids[8];
	int fd = mkstemp(path), n;

	EXPECT(fd >= 0);
	EXPECT(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	n = passwd_groups(path, "ann", 1000, gids, 8);
	EXPECT_INT(n, 3);
	EXPECT(n == 3 && gids[0] == 1000 && gids[1] == 4 && gids[2] == 50);
	EXPECT_INT(passwd_groups(path, "dave", 1000, gids, 8), 1);
	EXPECT_INT(passwd_groups(path, "ann", 1000, gids, 2), -1);	/* more than fit */
	EXPECT_INT(passwd_groups("/nonexistent", "ann", 1000, gids, 8), -1);
	unlink(path);
}

int main(void)
{
	RUN(program_runs_with_size_env_cwd_and_iutf8);
	RUN(the_program_inherits_no_descriptor_of_ours);
	RUN(a_missing_program_exits_127);
	RUN(passwd_lookup_by_uid);
	RUN(passwd_groups_as_initgroups_gives_them);
	return unit_exit_status();
}
