/* sspsh: one executable, many applets (busybox style). The applet is chosen
 * by the name the binary was started as (sspsh-server, sspsh-connect, ...)
 * and otherwise by the first argument (sspsh server ...). */
#include <stdio.h>
#include <string.h>

#include "applets/applets.h"
#include "core/options.h"

struct applet {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *usage;
	const char *summary;
};

/* Sorted by name. */
static const struct applet applets[] = {
	{ "bench",   bench_main,   bench_usage,   "measure the emulator, the transport and sessions" },
	{ "client",  connect_main, connect_usage, "alias of connect" },
	{ "connect", connect_main, connect_usage, "open a session to a server" },
	{ "keygen",  keygen_main,  keygen_usage,  "make an X25519 key pair for SSH-free sessions" },
	{ "server",  server_main,  server_usage,  "run a session's server side" },
};

static const struct applet *find_applet(const char *name)
{
	for (size_t i = 0; i < sizeof applets / sizeof applets[0]; i++)
		if (strcmp(applets[i].name, name) == 0)
			return &applets[i];
	return NULL;
}

/* "sspsh-server" and "server" both name the server applet. */
static const struct applet *applet_for_program_name(const char *argv0)
{
	const char *base = strrchr(argv0, '/');

	base = base ? base + 1 : argv0;
	if (strncmp(base, "sspsh-", 6) != 0)
		return NULL;
	return find_applet(base + 6);
}

static void list_applets(FILE *out)
{
	fprintf(out, "usage: sspsh APPLET [ARGS...]   (or run it as sspsh-APPLET)\n\napplets:\n");
	for (size_t i = 0; i < sizeof applets / sizeof applets[0]; i++)
		fprintf(out, "  %-8s %s\n", applets[i].name, applets[i].summary);
	fprintf(out, "\nsspsh APPLET --help shows an applet's options; sspsh --version its version.\n");
}

static int is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

static int run_applet(const struct applet *a, int argc, char **argv)
{
	if (argc > 1 && is_help(argv[1])) {
		fputs(a->usage, stdout);
		return 0;
	}
	return a->main(argc, argv);
}

int main(int argc, char **argv)
{
	const struct applet *a;

	if (argc < 1)
		return EXIT_USAGE;
	a = applet_for_program_name(argv[0]);
	if (a)
		return run_applet(a, argc, argv);
	if (argc < 2) {
		list_applets(stderr);
		return EXIT_USAGE;
	}
	if (is_help(argv[1])) {
		list_applets(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("sspsh %s\n", SSPSH_VERSION);
		return 0;
	}
	a = find_applet(argv[1]);
	if (!a) {
		fprintf(stderr, "sspsh: no applet named '%s'\n\n", argv[1]);
		list_applets(stderr);
		return EXIT_USAGE;
	}
	return run_applet(a, argc - 1, argv + 1);
}
