/* sspsh: one executable, many applets (busybox style). The applet is chosen
 * by the name the binary was started as (sspsh-server, sspsh-connect, ...)
 * and otherwise by the first argument (sspsh server ...). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "applets/applets.h"
#include "core/options.h"

/* config.mk's BENCH knob; a build without the Makefile has everything. */
#ifndef SSPSH_BENCH
#define SSPSH_BENCH 1
#endif

struct applet {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *usage;
	const char *summary;
};

/* Sorted by name. */
static const struct applet applets[] = {
#if SSPSH_BENCH
	{ "bench",   bench_main,   bench_usage,   "measure the emulator, the transport and sessions" },
#endif
	{ "client",  connect_main, connect_usage, "alias of connect" },
	{ "connect", connect_main, connect_usage, "open a session to a server" },
	{ "keygen",  keygen_main,  keygen_usage,  "make an X25519 key pair for SSH-free sessions" },
	{ "relay",   relay_main,   relay_usage,   "carry a session's datagrams through ssh" },
	{ "server",  server_main,  server_usage,  "run a session's server side" },
};

/* Applets config.mk left out of this build. */
static const char *const left_out[] = {
#if !SSPSH_BENCH
	"bench",
#endif
	NULL,
};

static bool is_left_out(const char *name)
{
	for (size_t i = 0; left_out[i]; i++)
		if (strcmp(left_out[i], name) == 0)
			return true;
	return false;
}

static int not_built(const char *name)
{
	fprintf(stderr, "sspsh: %s: not built into this sspsh (BENCH=0 in config.mk)\n", name);
	return EXIT_USAGE;
}

static const struct applet *find_applet(const char *name)
{
	for (size_t i = 0; i < sizeof applets / sizeof applets[0]; i++)
		if (strcmp(applets[i].name, name) == 0)
			return &applets[i];
	return NULL;
}

/* "server" for a program named sspsh-server; NULL for plain sspsh. */
static const char *applet_name_in_program_name(const char *argv0)
{
	const char *base = strrchr(argv0, '/');

	base = base ? base + 1 : argv0;
	return strncmp(base, "sspsh-", 6) == 0 ? base + 6 : NULL;
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
	const char *name;

	if (argc < 1)
		return EXIT_USAGE;
	name = applet_name_in_program_name(argv[0]);
	if (name && is_left_out(name))
		return not_built(name);
	a = name ? find_applet(name) : NULL;
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
	if (!a && is_left_out(argv[1]))
		return not_built(argv[1]);
	if (!a && askpass_wanted(argc))
		return askpass_main(argc, argv);
	if (!a) {
		fprintf(stderr, "sspsh: %s '%s' (sspsh --help lists the applets)\n",
			argv[1][0] == '-' ? "unknown option" : "no applet named", argv[1]);
		return EXIT_USAGE;
	}
	return run_applet(a, argc - 1, argv + 1);
}
