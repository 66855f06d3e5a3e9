/* connect_run and the two short ways to a server: on loopback (--local)
 * and to one already running (--direct). */
#include "applets/session/connect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applets/session/client_session.h"
#include "applets/session/local_server.h"
#include "core/exit_status.h"
#include "core/log.h"
#include "net/transport.h"

struct client_settings connect_client_settings(const struct connect_settings *s)
{
	struct client_settings settings = {
		.predict = s->predict,
		.link = s->have_link ? &s->link : NULL,
	};

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
	return t ? client_session_run(t, &settings) : 1;
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
	if (t)
		rc = client_session_run(t, &settings);
	local_server_stop(&server);
	return rc;
}

int connect_run(const struct connect_settings *s)
{
	if (s->verbose)
		log_set_level(LOG_DEBUG);
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
