/* connect_run and the two short ways to a server: on loopback (--local)
 * and to one already running (--direct). */
#include "applets/session/connect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applets/session/client_session.h"
#include "applets/session/local_server.h"
#include "core/exit_status.h"
#include "core/locale.h"
#include "core/log.h"
#include "net/transport.h"
#include "term/caps.h"

struct client_settings connect_client_settings(const struct connect_settings *s)
{
	struct client_settings settings = {
		.predict = s->predict,
		.link = s->have_link ? &s->link : NULL,
		.clipboard = s->clipboard,
		.forwards = s->forwards,
		.n_forwards = s->n_forwards,
		.agent_socket = s->agent ? getenv("SSH_AUTH_SOCK") : NULL,
		.scrollback = s->scrollback ? atol(s->scrollback) : -1,
	};

	if (s->agent && !settings.agent_socket)
		log_warn("-A: SSH_AUTH_SOCK is not set: there is no agent to forward");
	return settings;
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

int connect_direct(const struct connect_settings *s)
{
	struct client_settings settings = connect_client_settings(s);
	struct transport_key key;
	struct transport *t;
	char port[8];

	if (!key_from_environment(&key))
		return EXIT_USAGE;
	snprintf(port, sizeof port, "%u", s->direct_port);
	t = transport_client_resolve(&key, s->direct_host, port);
	transport_key_zero(&key);
	return t ? client_session_run(t, &settings) : EXIT_CONNECTION;
}

int connect_local(const struct connect_settings *s)
{
	struct client_settings settings = connect_client_settings(s);
	struct local_server server;
	struct transport *t;
	int rc = 1;

	if (!local_server_start(s->command, s->scrollback, &server))
		return 1;
	t = transport_client(&server.key, "127.0.0.1", server.port);
	transport_key_zero(&server.key);
	settings.local_server = &server.pid;
	if (t)
		rc = client_session_run(t, &settings);
	local_server_stop(&server);
	return rc;
}

/* The user's terminal must show UTF-8 and move its cursor: sspsh writes
 * nothing else. NULL when it will do, else why not, in one line. */
static const char *terminal_unusable(char *why, size_t cap)
{
	struct term_caps caps;
	char locale[96];
	const char *term = getenv("TERM");

	if (!locale_is_utf8(locale, sizeof locale)) {
		if (locale[0])
			snprintf(why, cap, "the locale (%s) does not use UTF-8; sspsh needs a UTF-8 "
				 "locale, such as LANG=C.UTF-8", locale);
		else
			snprintf(why, cap, "no locale is set (LANG, LC_CTYPE, LC_ALL), so the terminal "
				 "is taken to be ASCII; sspsh needs a UTF-8 locale, such as LANG=C.UTF-8");
		return why;
	}
	term_caps_load(term, &caps);
	if (!caps.cursor_addressing) {
		snprintf(why, cap, "the terminal (TERM=%s) cannot move its cursor; sspsh needs one "
			 "that can, such as TERM=xterm-256color", term ? term : "");
		return why;
	}
	return NULL;
}

int connect_run(const struct connect_settings *s)
{
	char why[256];

	if (s->verbose)
		log_set_level(LOG_DEBUG);
	if (!(s->mode == CONNECT_UDP && s->udp.list) && terminal_unusable(why, sizeof why)) {
		log_error("%s", why);
		return 1;
	}
	switch (s->mode) {
	case CONNECT_OVER_SSH:
		return connect_over_ssh(s);
	case CONNECT_LOCAL:
		return connect_local(s);
	case CONNECT_DIRECT:
		return connect_direct(s);
	case CONNECT_UDP:
		return connect_udp(s);
	}
	return EXIT_USAGE;
}
