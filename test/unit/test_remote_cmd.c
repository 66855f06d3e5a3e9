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

/* Runs the command line as sshd hands it to the login shell `shell -c`,
 * stdin from `input` (or /dev/null), and returns its exit status; its
 * output goes to `output`. */
static int run_in_shell(const char *shell, struct buf *cmdline, const char *input, char *output, size_t cap)
{
	char outfile[128];
	int status;
	FILE *f;
	size_t n;

	buf_put_u8(cmdline, '\0');
	fflush(stdout);		/* the child would print it again */
	snprintf(outfile, sizeof outfile, "%s/.out", home);
	if (setenv("HOME", home, 1) != 0 || setenv("PATH", "/usr/bin:/bin", 1) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		if (!freopen(input ? input : "/dev/null", "r", stdin) || !freopen(outfile, "w", stdout))
			_exit(99);
		dup2(1, 2);
		execl(shell, shell, "-c", (const char *)cmdline->data, (char *)NULL);
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

static int run_remote(struct buf *cmdline, const char *input, char *output, size_t cap)
{
	return run_in_shell("/bin/sh", cmdline, input, output, cap);
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

static const char *const sent_words[] = {
	"-p", "60001", "-l", "LANG=C.UTF-8", "-l", "LC_CTYPE=it's", "--", "echo", "$HOME", "a b", NULL,
};

/* The fake sspsh printed "[server][--argv][BASE64]": the words decode. */
static void expect_packed_words(const char *out, const char *const *want)
{
	char packed[400], **words;
	int count, n = 0;

	EXPECT(sscanf(out, "[server][--argv][%399[^]]]", packed) == 1);
	EXPECT(remote_cmd_argv_decode(packed, &words, &count));
	while (want[n])
		n++;
	EXPECT_INT(count, n);
	for (int i = 0; i < n && i < count; i++)
		EXPECT_STR(words[i], want[i]);
	remote_cmd_argv_free(words);
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
	expect_packed_words(out, sent_words);
	buf_reset(&cmd);
	remote_cmd_start_server(&cmd, &a, REMOTE_SERVER_INSTALLED);
	EXPECT_INT(run_remote(&cmd, NULL, out, sizeof out), 0);
	expect_packed_words(out, sent_words);
	unlink(path);
	buf_free(&cmd);
}

/* Plain words (the usual port, scrollback and locale) go as they are, so a
 * server of an older version still reads them. */
TEST(plain_words_travel_as_they_are)
{
	static const char *const plain_env[] = { "LANG=C.UTF-8", NULL };
	struct remote_server_args a = { .port = "60001:60010", .scrollback = "500", .env = plain_env };
	struct buf cmd;
	char out[512], path[128];

	snprintf(path, sizeof path, "%s/.local/bin/sspsh", home);
	write_fake_sspsh(path);
	buf_init(&cmd);
	remote_cmd_start_server(&cmd, &a, REMOTE_SERVER_FIND);
	EXPECT_INT(run_remote(&cmd, NULL, out, sizeof out), 0);
	EXPECT_STR(out, "[server][-p][60001:60010][--scrollback][500][-l][LANG=C.UTF-8]\n");
	unlink(path);
	buf_free(&cmd);
}

/* sshd runs the command line with the user's login shell: every shell
 * must hand sh the same script and sspsh the same words, however awkward
 * (quotes, a backslash before a quote, a newline, '!', '$'). */
TEST(every_login_shell_passes_the_same_words)
{
	static const char *const shells[] = { "/bin/sh", "/bin/dash", "/bin/bash", "/usr/bin/fish",
					      "/usr/bin/tcsh", "/bin/csh", NULL };
	static const char *const awkward[] = { "printf", "%s|", "it's", "a\\'b", "C:\\", "two\nlines",
					       "!!", "$HOME", "`id`", NULL };
	static const char *const want[] = { "--", "printf", "%s|", "it's", "a\\'b", "C:\\", "two\nlines",
					    "!!", "$HOME", "`id`", NULL };
	struct remote_server_args a = { .command = awkward };
	struct buf cmd;
	char out[512], path[128];
	int tried = 0;

	snprintf(path, sizeof path, "%s/.local/bin/sspsh", home);
	write_fake_sspsh(path);
	buf_init(&cmd);
	for (int i = 0; shells[i]; i++) {
		if (access(shells[i], X_OK) != 0)
			continue;
		tried++;
		buf_reset(&cmd);
		remote_cmd_start_server(&cmd, &a, REMOTE_SERVER_FIND);
		EXPECT_INT(run_in_shell(shells[i], &cmd, NULL, out, sizeof out), 0);
		expect_packed_words(out, want);
		buf_reset(&cmd);
		remote_cmd_relay(&cmd, NULL, "[::1]:60001");
		EXPECT_INT(run_in_shell(shells[i], &cmd, NULL, out, sizeof out), 0);
		EXPECT_STR(out, "[relay][[::1]:60001]\n");
		printf("# %s: the same words\n", shells[i]);
	}
	EXPECT(tried >= 3);
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
	EXPECT(strstr(out, "the SHA-256 of the copy is") != NULL);
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
	RUN(plain_words_travel_as_they_are);
	RUN(every_login_shell_passes_the_same_words);
	RUN(start_server_runs_a_custom_server_command);
	RUN(relay_finds_sspsh_or_says_it_is_missing);
	RUN(install_writes_exactly_the_checked_bytes_or_nothing);
	remove_home();
	return unit_exit_status();
}
