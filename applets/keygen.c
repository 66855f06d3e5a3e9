/* sspsh keygen: X25519 key pairs for SSH-free sessions. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mbedtls/platform_util.h>

#include "applets/applets.h"
#include "core/keyfile.h"
#include "core/log.h"
#include "core/passwd.h"
#include "core/x25519.h"

const char keygen_usage[] =
"usage: sspsh keygen [-f FILE] [-C COMMENT]\n"
"       sspsh keygen -y [-f FILE]\n"
"\n"
"Makes an X25519 key pair: the private key in FILE (mode 0600), the public\n"
"key in FILE.pub as one line \"sspsh-x25519 <base64> <comment>\", and shows\n"
"the key's SHA256 fingerprint. An existing FILE is overwritten only after a\n"
"yes on the terminal.\n"
"\n"
"  -f FILE     private key file (default ~/.sspsh/id_x25519, directory 0700)\n"
"  -C COMMENT  comment stored with the key (default user@host)\n"
"  -y          print the public key line of the private key in FILE\n";

struct keygen_args {
	const char *file;
	const char *comment;
	int print_public;
};

static int parse_args(int argc, char **argv, struct keygen_args *a)
{
	int c;

	memset(a, 0, sizeof *a);
	opterr = 0;
	optind = 1;
	while ((c = getopt(argc, argv, "f:C:y")) != -1) {
		switch (c) {
		case 'f': a->file = optarg; break;
		case 'C': a->comment = optarg; break;
		case 'y': a->print_public = 1; break;
		default:
			if (optopt == 'f' || optopt == 'C')
				fprintf(stderr, "sspsh: keygen: option -%c needs a value\n", optopt);
			else
				fprintf(stderr, "sspsh: keygen: unknown option -%c "
					"(sspsh keygen --help shows the options)\n", optopt);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "sspsh: keygen: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return 0;
}

/* user@host as ssh-keygen writes it: the user from $USER, else from the
 * passwd entry of our uid (a cron job or a container has no $USER). */
static void default_comment(char *out, size_t cap)
{
	const char *user = getenv("USER");
	char host[256], name[256];

	if (!user || !*user)
		user = passwd_name("/etc/passwd", getuid(), name, sizeof name) ? name : "user";
	if (gethostname(host, sizeof host) != 0)
		strcpy(host, "localhost");
	host[sizeof host - 1] = '\0';
	/* Short enough for any comment buffer of SSPSH_KEY_COMMENT_MAX. */
	snprintf(out, cap, "%.64s@%.180s", user, host);
}

/* An existing key file is replaced only after a yes typed on a terminal. */
static int may_write(const char *path)
{
	char answer[16];

	if (access(path, F_OK) != 0)
		return 1;
	if (!isatty(STDIN_FILENO)) {
		log_error("%s already exists; not overwriting it", path);
		return 0;
	}
	fprintf(stderr, "%s already exists.\nOverwrite (y/n)? ", path);
	if (!fgets(answer, sizeof answer, stdin) || (answer[0] != 'y' && answer[0] != 'Y')) {
		log_error("%s kept", path);
		return 0;
	}
	return 1;
}

static int print_public(const char *path)
{
	uint8_t key[KEY_LEN], pub[KEY_LEN];
	char comment[SSPSH_KEY_COMMENT_MAX + 1], line[KEY_LINE_SIZE];
	int ok = keyfile_read_private(path, key, comment) && x25519_public(pub, key);

	mbedtls_platform_zeroize(key, sizeof key);
	if (!ok)
		return EXIT_USAGE;
	key_format_public(pub, comment, line);
	puts(line);
	return 0;
}

static int generate(const char *path, const char *comment)
{
	uint8_t key[KEY_LEN], pub[KEY_LEN];
	char pub_path[PATH_MAX], fp[KEY_FINGERPRINT_SIZE];
	int ok;

	if (snprintf(pub_path, sizeof pub_path, "%s.pub", path) >= (int)sizeof pub_path) {
		log_error("keygen: %s: path too long", path);
		return EXIT_USAGE;
	}
	if (!may_write(path) || !may_write(pub_path))
		return 1;
	ok = x25519_keypair(key, pub) && keyfile_write_private(path, key, comment) &&
	     keyfile_write_public(pub_path, pub, comment);
	mbedtls_platform_zeroize(key, sizeof key);
	if (!ok)
		return 1;
	key_fingerprint(pub, fp);
	printf("Your private key has been saved in %s\n"
	       "Your public key has been saved in %s\n"
	       "The key fingerprint is:\n%s %s\n", path, pub_path, fp, comment);
	return 0;
}

int keygen_main(int argc, char **argv)
{
	struct keygen_args a;
	char path[PATH_MAX], comment[SSPSH_KEY_COMMENT_MAX + 1];

	if (parse_args(argc, argv, &a) != 0)
		return EXIT_USAGE;
	if (a.file) {
		if (snprintf(path, sizeof path, "%s", a.file) >= (int)sizeof path) {
			log_error("keygen: %.64s...: path too long", a.file);
			return EXIT_USAGE;
		}
	} else if (!keyfile_default_path("id_x25519", !a.print_public, path, sizeof path)) {
		return 1;
	}
	if (a.print_public)
		return print_public(path);
	if (a.comment && !key_comment_ok(a.comment)) {
		log_error("keygen: the comment must be printable and at most %d bytes", SSPSH_KEY_COMMENT_MAX);
		return EXIT_USAGE;
	}
	if (a.comment)
		snprintf(comment, sizeof comment, "%s", a.comment);
	else
		default_comment(comment, sizeof comment);
	return generate(path, comment);
}
