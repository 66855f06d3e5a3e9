/* The remote scripts, run here by a real /bin/sh as ssh's remote side would:
 * through `sh -c "<command line>"`, with a made-up HOME and PATH. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/install_source.h"
#include "core/remote_cmd.h"
#include "test/unit/unit.h"

static char home[64];

static void make_home(void)
{
	snprintf(home, sizeof home, "/tmp/sspsh-remote-cmd.XXXXXX");
	if (!mkdtemp(home))
		home[0] = '\0';
}

static void remove_home(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", home);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", home);
}

/* Runs the command line as a login shell would, stdin from `input` (or
 * /dev/null), and returns its exit status; its output goes to `output`. */
static int run_remote(struct buf *cmdline, const char *input, char *output, size_t cap)
{
	char outfile[128];
	int status;
	FILE *f;
	size_t n;

	buf_put_u8(cmdline, '\0');
	snprintf(outfile, sizeof outfile, "%s/.out", home);
	if (setenv("HOME", home, 1) != 0 || setenv("PATH", "/usr/bin:/bin", 1) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		if (!freopen(input ? input : "/dev/null", "r", stdin) || !freopen(outfile, "w", stdout))
			_exit(99);
		dup2(1, 2);
		execl("/bin/sh", "sh", "-c", (const char *)cmdline->data, (char *)NULL);
		_exit(98);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	f = fopen(outfile, "r");
	n = f ? fread(output, 1, cap - 1, f) : 0;
	output[n] = '\0';
	if (f)
		fclose(f);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void write_fake_sspsh(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return;
	fputs("#!/bin/sh\nfor a in \"$@\"; do printf '[%s]' \"$a\"; done; echo\n", f);
	fclose(f);
	chmod(path, 0755);
}

static const char *const env[] = { "LANG=C.UTF-8", "LC_CTYPE=it's", NULL };
static const char *const command[] = { "echo", "$HOME", "a b", NULL };

TEST(start_server_reports_notfound_with_uname)
{
	struct remote_server_args a = { .port = "60001:60010", .env = env };
	struct buf cmd;
	char out[512];

	buf_init(&cmd);
	remote_cmd_start_server(&cmd, &a, REMOTE_SERVER_FIND);
	EXPECT_INT(run_remote(&cmd, NULL, out, sizeof out), 127);
	EXPECT(strncmp(out, "SSPSH NOTFOUND Linux ", 21) == 0);
	buf_free(&cmd);
}

TEST(start_server_finds_sspsh_in_local_bin_and_quotes_arguments)
{
	struct remote_server_args a = { .port = "60001", .env = env, .command = command };
	struct buf cmd;
	char out[512], path[128];

	snprintf(path, sizeof path, "%s/.local", home);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/.local/bin", home);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/.local/bin/sspsh", home);
	write_fake_sspsh(path);
	buf_init(&cmd);
	remote_cmd_start_server(&cmd, &a, REMOTE_SERVER_FIND);
	EXPECT_INT(run_remote(&cmd, NULL, out, sizeof out), 0);
	EXPECT_STR(out, "[server][-p][60001][-l][LANG=C.UTF-8][-l][LC_CTYPE=it's][--][echo][$HOME][a b]\n");
	buf_reset(&cmd);
	remote_cmd_start_server(&cmd, &a, REMOTE_SERVER_INSTALLED);
	EXPECT_INT(run_remote(&cmd, NULL, out, sizeof out), 0);
	EXPECT(strncmp(out, "[server][-p][60001]", 19) == 0);
	unlink(path);
	buf_free(&cmd);
}

TEST(start_server_runs_a_custom_server_command)
{
	struct remote_server_args a = { .server = "printf '%s;' SSPSH" };
	struct buf cmd;
	char out[512];

	buf_init(&cmd);
	remote_cmd_start_server(&cmd, &a, REMOTE_SERVER_FIND);
	EXPECT_INT(run_remote(&cmd, NULL, out, sizeof out), 0);
	EXPECT_STR(out, "SSPSH;server;");
	buf_reset(&cmd);
	a.server = "/nonexistent/sspsh";
	remote_cmd_start_server(&cmd, &a, REMOTE_SERVER_FIND);
	EXPECT_INT(run_remote(&cmd, NULL, out, sizeof out), 127);
	EXPECT(strstr(out, "SSPSH NOTFOUND Linux") != NULL);
	buf_free(&cmd);
}

TEST(relay_finds_sspsh_or_says_it_is_missing)
{
	struct buf cmd;
	char out[512], path[128];

	buf_init(&cmd);
	remote_cmd_relay(&cmd, NULL, "127.0.0.1:60001");
	EXPECT_INT(run_remote(&cmd, NULL, out, sizeof out), 127);
	EXPECT(strstr(out, "no sspsh") != NULL);
	snprintf(path, sizeof path, "%s/.local", home);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/.local/bin", home);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/.local/bin/sspsh", home);
	write_fake_sspsh(path);
	EXPECT_INT(run_remote(&cmd, NULL, out, sizeof out), 0);
	EXPECT_STR(out, "[relay][127.0.0.1:60001]\n");
	unlink(path);
	buf_reset(&cmd);
	remote_cmd_relay(&cmd, "printf '%s;' SSPSH", "[::1]:60001");
	EXPECT_INT(run_remote(&cmd, NULL, out, sizeof out), 0);
	EXPECT_STR(out, "SSPSH;relay;[::1]:60001;");
	buf_free(&cmd);
}

TEST(install_writes_exactly_the_checked_bytes_or_nothing)
{
	char src[128], dst[128], out[512], hex[SHA256_HEX_LEN + 1];
	const char *wrong = "0000000000000000000000000000000000000000000000000000000000000000";
	uint64_t size;
	struct buf cmd;
	struct stat st;
	FILE *f;

	snprintf(src, sizeof src, "%s/.payload", home);
	f = fopen(src, "w");
	for (int i = 0; i < 70000; i++)
		fputc(i % 251, f);
	fclose(f);
	snprintf(dst, sizeof dst, "%s/.local/bin/sspsh", home);
	unlink(dst);
	buf_init(&cmd);
	EXPECT(file_sha256_hex(src, hex, &size));
	remote_cmd_install(&cmd, 70001, hex);	/* one byte short: refused */
	EXPECT(run_remote(&cmd, src, out, sizeof out) != 0);
	EXPECT(strstr(out, "received 70000 of 70001") != NULL);
	EXPECT(stat(dst, &st) != 0);
	buf_reset(&cmd);
	remote_cmd_install(&cmd, 70000, wrong);	/* the right size, other bytes */
	EXPECT(run_remote(&cmd, src, out, sizeof out) != 0);
	EXPECT(strstr(out, "the copy's SHA-256 is") != NULL);
	EXPECT(stat(dst, &st) != 0);
	buf_reset(&cmd);
	remote_cmd_install(&cmd, 70000, hex);
	EXPECT_INT(run_remote(&cmd, src, out, sizeof out), 0);
	EXPECT_STR(out, "");
	EXPECT(stat(dst, &st) == 0);
	EXPECT_INT(st.st_size, 70000);
	EXPECT_INT(st.st_mode & 07777, 0755);
	buf_free(&cmd);
}

int main(void)
{
	make_home();
	if (!home[0])
		return 1;
	RUN(start_server_reports_notfound_with_uname);
	RUN(start_server_finds_sspsh_in_local_bin_and_quotes_arguments);
	RUN(start_server_runs_a_custom_server_command);
	RUN(relay_finds_sspsh_or_says_it_is_missing);
	RUN(install_writes_exactly_the_checked_bytes_or_nothing);
	remove_home();
	return unit_exit_status();
}
