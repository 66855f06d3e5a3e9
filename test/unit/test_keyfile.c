#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/keyfile.h"
#include "core/log.h"
#include "core/x25519.h"
#include "test/unit/unit.h"

static char dir[] = "/tmp/sspsh-test-keyfile-XXXXXX";

static void path_in_dir(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/%s", dir, name);
}

static void write_text(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
	chmod(path, mode);
}

/* Log messages go to a memory stream while a test looks at them. */
static char *log_text;
static size_t log_len;
static FILE *log_capture;

static void capture_log(void)
{
	free(log_text);
	log_text = NULL;
	log_capture = open_memstream(&log_text, &log_len);
	log_set_stream(log_capture);
}

static const char *captured_log(void)
{
	fflush(log_capture);
	return log_text ? log_text : "";
}

static void stop_capture(void)
{
	fclose(log_capture);
	log_set_stream(stderr);
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

TEST(keyfile_private_round_trip)
{
	uint8_t key[KEY_LEN], pub[KEY_LEN], back[KEY_LEN];
	char path[256], comment[SSPSH_KEY_COMMENT_MAX + 1];
	struct stat st;

	path_in_dir(path, sizeof path, "id");
	EXPECT(x25519_keypair(key, pub));
	EXPECT(keyfile_write_private(path, key, "alice@laptop"));
	EXPECT(stat(path, &st) == 0);
	EXPECT_INT(st.st_mode & 07777, 0600);
	EXPECT(keyfile_read_private(path, back, comment));
	EXPECT_MEM(back, key, KEY_LEN);
	EXPECT_STR(comment, "alice@laptop");
	/* Writing again replaces the key atomically, mode unchanged. */
	EXPECT(x25519_keypair(key, pub));
	EXPECT(keyfile_write_private(path, key, ""));
	EXPECT(keyfile_read_private(path, back, comment));
	EXPECT_MEM(back, key, KEY_LEN);
	EXPECT_STR(comment, "");
}

TEST(keyfile_public_line_round_trip)
{
	uint8_t key[KEY_LEN], priv[KEY_LEN];
	char line[KEY_LINE_SIZE], path[256];
	struct public_key parsed;
	struct key_list list = { 0 };
	const char *why = NULL;

	EXPECT(x25519_keypair(priv, key));
	key_format_public(key, "bob's key", line);
	EXPECT(strncmp(line, "sspsh-x25519 ", 13) == 0);
	EXPECT(key_parse_public(line, strlen(line), &parsed, &why));
	EXPECT_MEM(parsed.key, key, KEY_LEN);
	EXPECT_STR(parsed.comment, "bob's key");
	/* keyfile_write_public's file is a valid authorized_keys file. */
	path_in_dir(path, sizeof path, "id.pub");
	EXPECT(keyfile_write_public(path, key, "bob's key"));
	EXPECT(authorized_keys_load(path, &list));
	EXPECT_INT(list.count, 1);
	EXPECT(list.count == 1 && memcmp(list.keys[0].key, key, KEY_LEN) == 0);
	key_list_free(&list);
}

/* The SHA-256 of 32 zero bytes, in base64 without padding. */
TEST(keyfile_fingerprint_is_openssh_style)
{
	uint8_t zero[KEY_LEN] = { 0 };
	char fp[KEY_FINGERPRINT_SIZE];

	key_fingerprint(zero, fp);
	EXPECT_STR(fp, "SHA256:Zmh6rfhivXdsj8GLjp+OIAiXFIVu4jOzkCpZHQ1fKSU");
}

TEST(keyfile_refuses_readable_private_key)
{
	uint8_t key[KEY_LEN], pub[KEY_LEN];
	char path[256];

	path_in_dir(path, sizeof path, "open");
	EXPECT(x25519_keypair(key, pub));
	EXPECT(keyfile_write_private(path, key, ""));
	EXPECT(chmod(path, 0640) == 0);
	capture_log();
	EXPECT(!keyfile_read_private(path, key, NULL));
	EXPECT(strstr(captured_log(), "permissions 0640") != NULL);
	EXPECT(strstr(captured_log(), "too open") != NULL);
	EXPECT_INT(count_lines(captured_log()), 1);
	stop_capture();
	EXPECT(chmod(path, 0604) == 0);
	log_set_stream(NULL);
	EXPECT(!keyfile_read_private(path, key, NULL));
	log_set_stream(stderr);
	EXPECT(chmod(path, 0400) == 0);
	EXPECT(keyfile_read_private(path, key, NULL));
}

TEST(keyfile_rejects_garbage_with_one_line)
{
	static const char *bad[] = {
		"",
		"hello world\n",
		"sspsh-x25519-private\n",
		"sspsh-x25519-private AAAA\n",
		"sspsh-x25519-private rbfjOb8FqzTnzjO7dR8Z1AISx8zobBx2CW4+7J9eM/I\n",	/* no padding */
		"sspsh-x25519 rbfjOb8FqzTnzjO7dR8Z1AISx8zobBx2CW4+7J9eM/I=\n",	/* a public key */
		"sspsh-x25519-private rbfjOb8FqzTnzjO7dR8Z1AISx8zobBx2CW4+7J9eM/I= x\nmore\n",
		"sspsh-x25519-private rbfjOb8FqzTnzjO7dR8Z1AISx8zobBx2CW4+7J9eM/I= bell\a\n",
	};
	char path[256];
	uint8_t key[KEY_LEN];

	path_in_dir(path, sizeof path, "garbage");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		write_text(path, bad[i], 0600);
		capture_log();
		EXPECT(!keyfile_read_private(path, key, NULL));
		EXPECT_INT(count_lines(captured_log()), 1);
		EXPECT(strstr(captured_log(), path) != NULL);
		stop_capture();
	}
	write_text(path, "sspsh-x25519-private rbfjOb8FqzTnzjO7dR8Z1AISx8zobBx2CW4+7J9eM/I= c\r\n\n", 0600);
	EXPECT(keyfile_read_private(path, key, NULL));
	capture_log();
	path_in_dir(path, sizeof path, "missing");
	EXPECT(!keyfile_read_private(path, key, NULL));
	EXPECT(strstr(captured_log(), "No such file") != NULL);
	stop_capture();
}

TEST(authorized_keys_reports_bad_lines_by_number)
{
	static const char text[] =
		"# my keys\n"
		"\n"
		"sspsh-x25519 0EyzWa+SQ2TO5M062Xo/KPxc3zpn1ygs3LYqLZQeXww= me@here\n"
		"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE1hbmds me@there\n"
		"sspsh-x25519 not-base64 x\n"
		"   sspsh-x25519\tmV/55gW6WcJVfGQw5x9UIRp76b99MBIyYO0aQ6kzLFo=   \t spaced  out \r\n"
		"sspsh-x25519-private rbfjOb8FqzTnzjO7dR8Z1AISx8zobBx2CW4+7J9eM/I=\n"
		"sspsh-x25519 AAAA";
	struct key_list list = { 0 };
	size_t bad;

	capture_log();
	bad = authorized_keys_parse("ak", text, sizeof text - 1, &list);
	EXPECT_INT(bad, 4);
	EXPECT_INT(list.count, 2);
	EXPECT(strstr(captured_log(), "ak:4: unknown key type") != NULL);
	EXPECT(strstr(captured_log(), "ak:5: the key is not 32 bytes of base64") != NULL);
	EXPECT(strstr(captured_log(), "ak:7: a private key where a public key belongs") != NULL);
	EXPECT(strstr(captured_log(), "ak:8: ") != NULL);
	EXPECT_INT(count_lines(captured_log()), 4);
	stop_capture();
	if (list.count == 2) {
		EXPECT_STR(list.keys[0].comment, "me@here");
		EXPECT_STR(list.keys[1].comment, "spaced  out");
		EXPECT(key_list_find(&list, list.keys[1].key) == &list.keys[1]);
	}
	key_list_free(&list);
}

TEST(authorized_keys_options_permit_forwarding_per_key)
{
	static const char text[] =
		"sspsh-x25519 0EyzWa+SQ2TO5M062Xo/KPxc3zpn1ygs3LYqLZQeXww= plain\n"
		"permit-forward sspsh-x25519 mV/55gW6WcJVfGQw5x9UIRp76b99MBIyYO0aQ6kzLFo= forwards\n"
		"permit-forward,permit-forward sspsh-x25519 rbfjOb8FqzTnzjO7dR8Z1AISx8zobBx2CW4+7J9eM/I=\n"
		"no-pty sspsh-x25519 AAAAC3NzaC1lZDI1NTE5AAAAIE1hbmdsZWRrZXlieXRlc3h4eHg= other\n";
	struct key_list list = { 0 };

	capture_log();
	EXPECT_INT(authorized_keys_parse("ak", text, sizeof text - 1, &list), 1);
	EXPECT(strstr(captured_log(), "ak:4: unknown option") != NULL);
	stop_capture();
	EXPECT_INT(list.count, 3);
	if (list.count == 3) {
		EXPECT(!list.keys[0].permit_forward);	/* off unless the line says so */
		EXPECT(list.keys[1].permit_forward);
		EXPECT_STR(list.keys[1].comment, "forwards");
		EXPECT(list.keys[2].permit_forward);
	}
	key_list_free(&list);
}

TEST(authorized_keys_file_must_not_be_writable_by_others)
{
	char path[256];
	struct key_list list = { 0 };

	path_in_dir(path, sizeof path, "authorized_keys");
	write_text(path, "sspsh-x25519 0EyzWa+SQ2TO5M062Xo/KPxc3zpn1ygs3LYqLZQeXww=\n", 0620);
	capture_log();
	EXPECT(!authorized_keys_load(path, &list));
	EXPECT(strstr(captured_log(), "too open") != NULL);
	stop_capture();
	chmod(path, 0644);
	EXPECT(authorized_keys_load(path, &list));
	EXPECT_INT(list.count, 1);
	key_list_free(&list);
	path_in_dir(path, sizeof path, "no-such-file");
	EXPECT(authorized_keys_load(path, &list));
	EXPECT_INT(list.count, 0);
}

/* As OpenSSH's StrictModes: ~/.sspsh and the home above it must be ours
 * (or root's) and writable by nobody else, or the keys are not trusted
 * (one line says which directory and the chmod to run); so must the file. */
TEST(authorized_keys_directories_must_be_safe)
{
	char home[256], sub[300], path[400];
	struct key_list list = { 0 };
	const char *old_home = getenv("HOME");

	path_in_dir(home, sizeof home, "home");
	snprintf(sub, sizeof sub, "%s/.sspsh", home);
	snprintf(path, sizeof path, "%s/authorized_keys", sub);
	EXPECT(mkdir(home, 0755) == 0 && mkdir(sub, 0700) == 0);
	write_text(path, "sspsh-x25519 0EyzWa+SQ2TO5M062Xo/KPxc3zpn1ygs3LYqLZQeXww=\n", 0600);
	setenv("HOME", home, 1);
	EXPECT(authorized_keys_load(path, &list));
	EXPECT_INT(list.count, 1);
	key_list_free(&list);
	chmod(sub, 0777);
	capture_log();
	EXPECT(!authorized_keys_load(path, &list));
	EXPECT(strstr(captured_log(), "chmod go-w") != NULL && strstr(captured_log(), ".sspsh") != NULL);
	EXPECT_INT(count_lines(captured_log()), 1);
	stop_capture();
	chmod(sub, 0700);
	chmod(home, 0775);
	capture_log();
	EXPECT(!authorized_keys_load(path, &list));
	EXPECT(strstr(captured_log(), "permissions 0775") != NULL);
	stop_capture();
	chmod(home, 0755);
	if (geteuid() == 0) {	/* a file of another user */
		EXPECT(chown(path, 65534, 65534) == 0);
		capture_log();
		EXPECT(!authorized_keys_load(path, &list));
		EXPECT(strstr(captured_log(), "belongs to another user (uid 65534)") != NULL);
		stop_capture();
		EXPECT(chown(path, 0, 0) == 0);
	}
	EXPECT(authorized_keys_load(path, &list));
	key_list_free(&list);
	if (old_home)
		setenv("HOME", old_home, 1);
	unlink(path);
	rmdir(sub);
	rmdir(home);
}

TEST(known_hosts_pin_match_and_change)
{
	uint8_t a[KEY_LEN], b[KEY_LEN], priv[KEY_LEN];
	char path[256];
	struct known_host_result r;

	EXPECT(x25519_keypair(priv, a));
	EXPECT(x25519_keypair(priv, b));
	path_in_dir(path, sizeof path, "known_hosts");
	EXPECT(known_hosts_check(path, "example.org", a, &r));
	EXPECT_INT(r.status, KNOWN_HOST_UNKNOWN);
	EXPECT(known_hosts_add(path, "example.org", a));
	EXPECT(known_hosts_add(path, "[10.0.0.1]:60001", b));
	EXPECT(known_hosts_check(path, "EXAMPLE.org", a, &r));
	EXPECT_INT(r.status, KNOWN_HOST_MATCH);
	EXPECT_INT(r.line, 1);
	EXPECT(known_hosts_check(path, "example.org", b, &r));
	EXPECT_INT(r.status, KNOWN_HOST_CHANGED);
	EXPECT_INT(r.line, 1);
	EXPECT(known_hosts_check(path, "[10.0.0.1]:60001", b, &r));
	EXPECT_INT(r.status, KNOWN_HOST_MATCH);
	EXPECT_INT(r.line, 2);
	EXPECT(known_hosts_check(path, "10.0.0.1", b, &r));
	EXPECT_INT(r.status, KNOWN_HOST_UNKNOWN);
	log_set_stream(NULL);
	EXPECT(!known_hosts_add(path, "bad host", a));
	EXPECT(!known_hosts_add(path, "", a));
	log_set_stream(stderr);
}

/* A file edited by hand may lack its last newline; a pin added after it
 * must go on a line of its own, not spoil the last one. */
TEST(known_hosts_add_after_a_last_line_without_newline)
{
	uint8_t a[KEY_LEN], b[KEY_LEN], priv[KEY_LEN];
	char path[256], line[KEY_LINE_SIZE + 64];
	struct known_host_result r;

	EXPECT(x25519_keypair(priv, a));
	EXPECT(x25519_keypair(priv, b));
	path_in_dir(path, sizeof path, "known_hosts_no_newline");
	key_format_public(a, "", line + snprintf(line, 64, "first "));
	write_text(path, line, 0600);	/* no newline at the end */
	EXPECT(known_hosts_add(path, "second", b));
	EXPECT(known_hosts_check(path, "first", a, &r));
	EXPECT_INT(r.status, KNOWN_HOST_MATCH);
	EXPECT(known_hosts_check(path, "second", b, &r));
	EXPECT_INT(r.status, KNOWN_HOST_MATCH);
	EXPECT_INT(r.line, 2);
}

TEST(known_hosts_text_with_aliases_and_bad_lines)
{
	static const char text[] =
		"garbage line\n"
		"alpha,beta sspsh-x25519 0EyzWa+SQ2TO5M062Xo/KPxc3zpn1ygs3LYqLZQeXww= c\n"
		"beta sspsh-x25519 mV/55gW6WcJVfGQw5x9UIRp76b99MBIyYO0aQ6kzLFo=\n";
	struct public_key k1, k2;
	const char *why;
	struct known_host_result r;
	static const char l1[] = "sspsh-x25519 0EyzWa+SQ2TO5M062Xo/KPxc3zpn1ygs3LYqLZQeXww=";
	static const char l2[] = "sspsh-x25519 mV/55gW6WcJVfGQw5x9UIRp76b99MBIyYO0aQ6kzLFo=";

	EXPECT(key_parse_public(l1, sizeof l1 - 1, &k1, &why));
	EXPECT(key_parse_public(l2, sizeof l2 - 1, &k2, &why));
	capture_log();
	r = known_hosts_check_text("kh", text, sizeof text - 1, "beta", k2.key);
	EXPECT_INT(r.status, KNOWN_HOST_MATCH);
	EXPECT_INT(r.line, 3);
	EXPECT(strstr(captured_log(), "kh:1: ") != NULL);
	stop_capture();
	log_set_stream(NULL);
	r = known_hosts_check_text("kh", text, sizeof text - 1, "alpha", k2.key);
	EXPECT_INT(r.status, KNOWN_HOST_CHANGED);
	EXPECT_INT(r.line, 2);
	r = known_hosts_check_text("kh", text, sizeof text - 1, "alp", k1.key);
	EXPECT_INT(r.status, KNOWN_HOST_UNKNOWN);
	log_set_stream(stderr);
}

TEST(known_hosts_trust_on_first_use)
{
	uint8_t a[KEY_LEN], b[KEY_LEN], priv[KEY_LEN];
	char path[256], fp[KEY_FINGERPRINT_SIZE];
	struct known_host_result r;

	EXPECT(x25519_keypair(priv, a));
	EXPECT(x25519_keypair(priv, b));
	path_in_dir(path, sizeof path, "tofu_hosts");
	capture_log();
	EXPECT(known_hosts_trust(path, "server", a));	/* pinned */
	key_fingerprint(a, fp);
	EXPECT(strstr(captured_log(), fp) != NULL);
	stop_capture();
	EXPECT(known_hosts_check(path, "server", a, &r));
	EXPECT_INT(r.status, KNOWN_HOST_MATCH);
	EXPECT(known_hosts_trust(path, "server", a));	/* still trusted */
	capture_log();
	EXPECT(!known_hosts_trust(path, "server", b));	/* changed: refused */
	EXPECT(strstr(captured_log(), "HAS CHANGED") != NULL);
	EXPECT(strstr(captured_log(), "tofu_hosts:1") != NULL);
	stop_capture();
	EXPECT(known_hosts_check(path, "server", b, &r));
	EXPECT_INT(r.status, KNOWN_HOST_CHANGED);	/* and not re-pinned */
}

TEST(keyfile_load_or_create_host_key)
{
	uint8_t k1[KEY_LEN], p1[KEY_LEN], k2[KEY_LEN], p2[KEY_LEN], check[KEY_LEN];
	char path[256];
	struct stat st;

	path_in_dir(path, sizeof path, "host_x25519");
	EXPECT(keyfile_load_or_create(path, k1, p1));
	EXPECT(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600);
	EXPECT(keyfile_load_or_create(path, k2, p2));
	EXPECT_MEM(k1, k2, KEY_LEN);
	EXPECT_MEM(p1, p2, KEY_LEN);
	EXPECT(x25519_public(check, k1));
	EXPECT_MEM(check, p1, KEY_LEN);
}

/* Servers started together on a fresh machine race to create the host
 * key: all must end up with the one key the file keeps. */
TEST(keyfile_load_or_create_racers_agree_on_one_key)
{
	enum { RACERS = 8, ROUNDS = 10 };
	char path[256];
	size_t disagreements = 0;

	for (int round = 0; round < ROUNDS; round++) {
		uint8_t pubs[RACERS][KEY_LEN], key[KEY_LEN], on_disk[KEY_LEN];
		pid_t pids[RACERS];
		int fds[RACERS][2];

		snprintf(path, sizeof path, "%s/race_%d", dir, round);
		for (int i = 0; i < RACERS; i++) {
			if (pipe(fds[i]) != 0)
				SKIP("no pipes");
			pids[i] = fork();
			if (pids[i] == 0) {
				uint8_t pub[KEY_LEN];
				log_set_stream(NULL);
				_exit(keyfile_load_or_create(path, key, pub) &&
				      write(fds[i][1], pub, KEY_LEN) == KEY_LEN ? 0 : 1);
			}
			close(fds[i][1]);
		}
		for (int i = 0; i < RACERS; i++) {
			if (read(fds[i][0], pubs[i], KEY_LEN) != KEY_LEN)
				memset(pubs[i], 0, KEY_LEN);
			close(fds[i][0]);
			waitpid(pids[i], NULL, 0);
		}
		EXPECT(keyfile_load_or_create(path, key, on_disk));
		for (int i = 0; i < RACERS; i++)
			disagreements += memcmp(pubs[i], on_disk, KEY_LEN) != 0;
	}
	EXPECT_INT(disagreements, 0);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(keyfile_private_round_trip);
	RUN(keyfile_public_line_round_trip);
	RUN(keyfile_fingerprint_is_openssh_style);
	RUN(keyfile_refuses_readable_private_key);
	RUN(keyfile_rejects_garbage_with_one_line);
	RUN(authorized_keys_reports_bad_lines_by_number);
	RUN(authorized_keys_options_permit_forwarding_per_key);
	RUN(authorized_keys_file_must_not_be_writable_by_others);
	RUN(authorized_keys_directories_must_be_safe);
	RUN(known_hosts_pin_match_and_change);
	RUN(known_hosts_add_after_a_last_line_without_newline);
	RUN(known_hosts_text_with_aliases_and_bad_lines);
	RUN(known_hosts_trust_on_first_use);
	RUN(keyfile_load_or_create_host_key);
	RUN(keyfile_load_or_create_racers_agree_on_one_key);
	free(log_text);
	{
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return unit_exit_status();
}
