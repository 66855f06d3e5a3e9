/* sspsh connect: the client side of a session. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applets/applets.h"
#include "applets/cli.h"
#include "applets/connect_local.h"
#include "applets/session/local_echo.h"
#include "applets/connect_ssh.h"
#include "applets/session/client_session.h"
#include "applets/connect_udp.h"
#include "core/log.h"
#include "net/link.h"
#include "net/transport.h"

const char connect_usage[] =
"usage: sspsh connect [OPTIONS] [USER@]HOST [-- COMMAND [ARG]...]\n"
"       sspsh connect --direct HOST PORT        (key in $SSPSH_KEY)\n"
"       sspsh connect --local [--link SPEC] [-- COMMAND [ARG]...]\n"
"\n"
"The first form starts `sspsh server` on HOST over ssh, then talks to it over UDP.\n"
"\n"
CONNECT_SSH_USAGE
"  --direct HOST PORT  connect to a running `sspsh server`; the session key is\n"
"                      read from the environment variable SSPSH_KEY\n"
"  --local             start a server on loopback and connect to it\n"
"  --link SPEC         send traffic through the link emulator, SPEC being\n"
"                      delay=MS,jitter=MS,loss=P,dup=P,reorder=P\n"
"  --predict=MODE      local echo: adaptive (default), always or never; the\n"
"                      environment variable SSPSH_PREDICTION_DISPLAY sets it too\n"
"\n"
CONNECT_UDP_USAGE;

struct connect_options {
	const char *host, *port;	/* --direct */
	bool local;
	const char *link;
	const char *predict;
	char **command;			/* --local -- COMMAND... */
};

static int parse_option(int argc, char **argv, int *i, struct connect_options *o)
{
	const char *arg = argv[*i];

	if (strcmp(arg, "--local") == 0) {
		o->local = true;
	} else if (strcmp(arg, "--direct") == 0) {
		if (*i + 2 >= argc)
			return cli_usage_error("connect", "%s needs HOST and PORT", arg);
		o->host = argv[++*i];
		o->port = argv[++*i];
	} else if (strcmp(arg, "--link") == 0) {
		if (*i + 1 >= argc)
			return cli_usage_error("connect", "%s needs a SPEC", arg);
		o->link = argv[++*i];
	} else if (strncmp(arg, "--link=", 7) == 0) {
		o->link = arg + 7;
	} else if (strncmp(arg, "--predict=", 10) == 0) {
		o->predict = arg + 10;
		if (strcmp(o->predict, "adaptive") && strcmp(o->predict, "always") &&
		    strcmp(o->predict, "never"))
			return cli_usage_error("connect", "bad --predict '%s' (adaptive, always or never)", o->predict);
	} else {
		return cli_usage_error("connect", "unknown argument '%s'", arg);
	}
	return 0;
}

static bool port_valid(const char *text)
{
	char *end;
	unsigned long v = strtoul(text, &end, 10);

	return *text >= '0' && *text <= '9' && !*end && v >= 1 && v <= 65535;
}

static bool link_valid(const char *spec)
{
	struct link_params params;
	char err[200];

	if (link_parse(spec, &params, err, sizeof err))
		return true;
	fprintf(stderr, "sspsh: connect: --link: %s\n", err);
	return false;
}

static int parse_options(int argc, char **argv, struct connect_options *o)
{
	enum predict_mode mode;

	memset(o, 0, sizeof *o);
	for (int i = 1; i < argc; i++) {
		int rc;

		if (strcmp(argv[i], "--") == 0) {
			if (i + 1 < argc)
				o->command = &argv[i + 1];
			break;
		}
		if ((rc = parse_option(argc, argv, &i, o)) != 0)
			return rc;
	}
	if (o->local == (o->host != NULL))
		return cli_usage_error("connect", "%s", "give exactly one of --direct HOST PORT and --local");
	if (o->command && !o->local)
		return cli_usage_error("connect", "%s", "a COMMAND goes with --local (the server runs it)");
	if (o->port && !port_valid(o->port))
		return cli_usage_error("connect", "bad PORT '%s' (1-65535)", o->port);
	if (o->link && !link_valid(o->link))
		return EXIT_USAGE;
	if (!local_echo_mode(o->predict, &mode))	/* --predict, else the environment */
		return EXIT_USAGE;
	o->predict = predict_mode_name(mode);
	return 0;
}

/* The key comes from the environment and leaves it at once. */
static bool key_from_environment(struct transport_key *key)
{
	char *text = getenv("SSPSH_KEY");
	const char *why = "not set";
	bool ok = text && transport_key_parse(key, text, &why);

	if (text)
		memset(text, 0, strlen(text));
	unsetenv("SSPSH_KEY");
	if (!ok)
		log_error("connect: SSPSH_KEY: %s", why);
	return ok;
}

static bool apply_link(struct transport *t, const char *spec)
{
	struct link_params params;
	char err[200];

	if (!spec)
		return true;
	if (!link_parse(spec, &params, err, sizeof err)) {
		log_error("connect: --link: %s", err);
		return false;
	}
	return transport_set_link(t, &params);
}

static int run_direct(const struct connect_options *o, const struct client_settings *settings)
{
	struct transport_key key;
	struct transport *t;

	if (!key_from_environment(&key))
		return EXIT_USAGE;
	t = transport_client_resolve(&key, o->host, o->port);
	transport_key_zero(&key);
	if (!t || !apply_link(t, o->link)) {
		transport_free(t);
		return 1;
	}
	return client_session_run(t, settings);
}

static int run_local(const struct connect_options *o, const struct client_settings *settings)
{
	struct local_server server;
	struct transport *t;
	int rc = 1;

	if (!local_server_start(o->command, &server))
		return 1;
	t = transport_client(&server.key, "127.0.0.1", server.port);
	transport_key_zero(&server.key);
	if (t && apply_link(t, o->link))
		rc = client_session_run(t, settings);
	else
		transport_free(t);
	local_server_stop(&server);
	return rc;
}

int connect_main(int argc, char **argv)
{
	struct connect_options o;
	struct client_settings settings;
	int rc;

	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (strcmp(argv[i], "--udp") == 0)
			return connect_udp_main(argc, argv);
	if (connect_ssh_wanted(argc, argv))
		return connect_ssh_main(argc, argv);
	if ((rc = parse_options(argc, argv, &o)) != 0)
		return rc;
	memset(&settings, 0, sizeof settings);
	settings.predict_mode = o.predict;
	return o.local ? run_local(&o, &settings) : run_direct(&o, &settings);
}
