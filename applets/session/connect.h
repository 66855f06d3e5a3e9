/* `sspsh connect` as an engine: what the command line asked for, parsed
 * once (applets/connect.c), and the four ways to open the session. */
#ifndef SSPSH_SESSION_CONNECT_H
#define SSPSH_SESSION_CONNECT_H

#include <stdbool.h>
#include <stdint.h>

#include "applets/session/client_session.h"
#include "applets/session/forward_spec.h"
#include "applets/session/relay_link.h"
#include "core/options.h"
#include "net/link.h"
#include "term/predict.h"

/* -L, -R and -D given at most, each a listener on one side. */
#define CONNECT_FORWARDS_MAX SSPSH_FORWARD_LISTENERS_MAX

enum connect_mode {
	CONNECT_OVER_SSH,	/* [USER@]HOST: start the server over ssh */
	CONNECT_LOCAL,		/* --local: a server on loopback */
	CONNECT_DIRECT,		/* --direct HOST PORT: a running server, key in $SSPSH_KEY */
	CONNECT_UDP,		/* --udp: the SSH-free daemon */
};

/* Where the UDP session goes after the ssh bootstrap (--remote-ip). */
enum remote_ip {
	REMOTE_IP_FROM_SERVER,	/* the address ssh reached, as the server saw it */
	REMOTE_IP_LOCAL,	/* HOST resolved here (ssh's HostName) */
	REMOTE_IP_GIVEN,	/* a numeric address */
};

struct ssh_settings {
	const char *dest;		/* [USER@]HOST as given to ssh */
	const char *ssh_command;	/* --ssh: ssh and its options, split into words */
	const char *server;		/* --server: the remote sspsh; NULL: found there */
	unsigned port_low, port_high;	/* -p; 0: the server's default range */
	enum remote_ip remote_ip;
	const char *remote_addr;	/* REMOTE_IP_GIVEN */
	int family;			/* AF_UNSPEC, AF_INET or AF_INET6 */
	bool install;
	const char *install_from;	/* --install-from DIR, or NULL */
	enum route_mode route;		/* --transport */
};

struct udp_settings {
	char host[256];
	uint16_t port;
	const char *identity;		/* -i FILE; NULL: ~/.sspsh/id_x25519 */
	const char *server_key;		/* --server-key KEY; NULL: known_hosts */
	bool accept_new;		/* --accept-new: pin an unknown key without asking */
	bool list;
	bool attach;
	uint64_t attach_id;		/* 0: the most recently detached */
	enum route_mode route;		/* --transport: udp (default) or ssh */
	char ssh_dest[300];		/* [USER@]HOST for ssh, with --transport=ssh */
};

struct connect_settings {
	enum connect_mode mode;
	enum predict_mode predict;
	bool verbose;			/* -v: say what is going on */
	bool clipboard;			/* --clipboard=yes: the session may set the clipboard */
	bool have_link;
	struct link_params link;	/* --link, when have_link */
	char *const *command;		/* after --; NULL: the login shell */
	const char *scrollback;		/* --scrollback N (checked digits); NULL: the server's default */
	const char *direct_host;	/* CONNECT_DIRECT */
	uint16_t direct_port;
	struct ssh_settings ssh;	/* CONNECT_OVER_SSH */
	struct udp_settings udp;	/* CONNECT_UDP */
	struct forward_spec forwards[CONNECT_FORWARDS_MAX];	/* -L, -R, -D */
	size_t n_forwards;
	bool agent;			/* -A */
};

/* Opens the session the settings describe and runs it on the terminal
 * until it ends. Returns the exit status (core/exit_status.h). */
int connect_run(const struct connect_settings *s);

/* The interactive client's settings that s holds (predict, link,
 * forwarding). */
struct client_settings connect_client_settings(const struct connect_settings *s);

/* The engines connect_run picks from. */
int connect_over_ssh(const struct connect_settings *s);
int connect_udp(const struct connect_settings *s);
int connect_local(const struct connect_settings *s);
int connect_direct(const struct connect_settings *s);

#endif
