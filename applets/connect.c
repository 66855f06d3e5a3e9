/* sspsh connect: one command line for the four ways to open a session,
 * parsed into struct connect_settings (applets/session/connect.h). */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "applets/applets.h"
#include "applets/cli.h"
#include "applets/session/connect.h"
#include "applets/session/ssp_input.h"
#include "core/options.h"

const char connect_usage[] =
"usage: sspsh connect [OPTIONS] [USER@]HOST [-- COMMAND [ARG]...]\n"
"       sspsh connect --udp [OPTIONS] [USER@]HOST[:PORT] [-- COMMAND [ARG]...]\n"
"       sspsh connect --local [OPTIONS] [-- COMMAND [ARG]...]\n"
"       sspsh connect --direct [OPTIONS] HOST PORT   (key in $SSPSH_KEY)\n"
"\n"
"Options go before or after HOST, in any order; `--` ends them, and the\n"
"words after it are the COMMAND the session runs (default: the login shell).\n"
"\n"
"The first form starts `sspsh server` on HOST over ssh, then talks to it over UDP:\n"
"  --ssh=COMMAND       ssh and its options, e.g. --ssh=\"ssh -p 2222 -i key\"\n"
"                      (default: ssh; split into words here, not by a shell)\n"
"  --server=COMMAND    remote sspsh path or command (default: sspsh on PATH,\n"
"                      else ~/.local/bin/sspsh)\n"
"  --install           if HOST has no sspsh (or an older one in ~/.local/bin that\n"
"                      speaks another protocol), copy one for its machine type to\n"
"                      ~/.local/bin/sspsh over the same ssh login: this one, or\n"
"                      sspsh-MACHINE beside it or in ~/.local/share/sspsh/\n"
"  --install-from DIR  --install, taking sspsh-MACHINE from DIR (e.g. make dist's\n"
"                      dist/, checked against its SHA256SUMS)\n"
"  -p PORT|LOW:HIGH    server UDP port, or a range to pick a free one from\n"
"  --remote-ip=WHERE   server address: remote (default: the address ssh reached,\n"
"                      as the server saw it), local (resolve HOST here, e.g.\n"
"                      behind a jump host), or a numeric address\n"
"  --transport=HOW     auto (default): UDP, and through ssh (`sspsh relay` on\n"
"                      HOST) while UDP gets no answer; udp: UDP only; ssh:\n"
"                      always through ssh (where only ssh's port is open)\n"
"  -4, -6              IPv4 or IPv6 only (for ssh and for the session)\n"
"\n"
"--udp talks to the daemon of `sspsh server --listen` on HOST (port 60000 by\n"
"default) with no ssh at all. Without --list or --attach it starts a new\n"
"session running COMMAND. Sessions outlive their client: Ctrl-^ . detaches,\n"
"and --attach takes a session back.\n"
"  -i FILE             identity (default ~/.sspsh/id_x25519, made by sspsh keygen;\n"
"                      its .pub line goes in the server's ~/.sspsh/authorized_keys)\n"
"  --server-key KEY    the server's public key (base64, or its whole .pub line);\n"
"                      otherwise it is pinned in ~/.sspsh/known_hosts on first use\n"
"  --accept-new        pin an unknown server's key without asking (otherwise\n"
"                      asked on the terminal, and refused without one)\n"
"  --list              show this key's sessions: ID, age, idle time, state, command\n"
"  --attach [ID]       take over session ID (default: the most recently detached);\n"
"                      a client still attached to it is told and exits\n"
"  --transport=ssh     through `ssh [USER@]HOST sspsh relay 127.0.0.1:PORT`\n"
"                      (with --ssh and --server as above) where only ssh passes;\n"
"                      auto: UDP, and that relay while UDP gets no answer;\n"
"                      udp (default): UDP only\n"
"\n"
"--local starts a server on loopback and connects to it; --direct HOST PORT\n"
"joins a running `sspsh server`, the session key read from the environment\n"
"variable SSPSH_KEY.\n"
"\n"
"Every form:\n"
"  --predict=MODE      local echo: adaptive (default), always or never; the\n"
"                      environment variable SSPSH_PREDICTION_DISPLAY sets it too\n"
"  -v                  say what is going on\n"
"  --clipboard=yes|no  let programs in the session set this terminal's\n"
"                      clipboard (OSC 52); default no\n"
"  -L [BIND:]PORT:HOST:HOSTPORT   connections to PORT here (on loopback unless\n"
"                      BIND) go to HOST:HOSTPORT as the server reaches it, e.g.\n"
"                      -L 8080:localhost:80\n"
"  -R [BIND:]PORT:HOST:HOSTPORT   connections to PORT on the server (loopback\n"
"                      unless BIND) go to HOST:HOSTPORT from here, e.g.\n"
"                      -R 2222:localhost:22\n"
"  -D [BIND:]PORT      a SOCKS5 proxy here whose connections leave from the\n"
"                      server (names resolved there), e.g. -D 1080 and then\n"
"                      curl --socks5-hostname localhost:1080 URL\n"
"  -A                  the session's programs reach your ssh-agent\n"
"                      ($SSH_AUTH_SOCK) through the server's SSH_AUTH_SOCK\n"
"                      Forwarded connections ride the session: they survive\n"
"                      a change of network. A refused forward is one line on\n"
"                      the screen; the session carries on. With --udp the\n"
"                      key's authorized_keys line must start permit-forward.\n"
"  --scrollback N      lines the server keeps for your terminal's own history\n"
"                      (default 10000; 0: none reach it). A server started\n"
"                      with its own log (--direct, --udp) keeps at most N\n"
"                      from then on, never more than it was started with\n"
"All but --udp:\n"
"  --link SPEC         send traffic through the link emulator, SPEC being\n"
"                      delay=MS,jitter=MS,loss=P,dup=P,reorder=P\n";

enum {
	OPT_LOCAL = 256, OPT_DIRECT, OPT_UDP, OPT_SSH, OPT_SERVER, OPT_INSTALL,
	OPT_REMOTE_IP, OPT_PREDICT, OPT_LINK, OPT_SERVER_KEY, OPT_LIST, OPT_ATTACH, OPT_TRANSPORT,
	OPT_INSTALL_FROM,
	OPT_SCROLLBACK, OPT_CLIPBOARD, OPT_ACCEPT_NEW,
};

static const struct option long_options[] = {
	{ "local",      no_argument,       NULL, OPT_LOCAL },
	{ "direct",     no_argument,       NULL, OPT_DIRECT },
	{ "udp",        no_argument,       NULL, OPT_UDP },
	{ "ssh",        required_argument, NULL, OPT_SSH },
	{ "server",     required_argument, NULL, OPT_SERVER },
	{ "install",    no_argument,       NULL, OPT_INSTALL },
	{ "install-from", required_argument, NULL, OPT_INSTALL_FROM },
	{ "remote-ip",  required_argument, NULL, OPT_REMOTE_IP },
	{ "predict",    required_argument, NULL, OPT_PREDICT },
	{ "link",       required_argument, NULL, OPT_LINK },
	{ "server-key", required_argument, NULL, OPT_SERVER_KEY },
	{ "list",       no_argument,       NULL, OPT_LIST },
	{ "attach",     no_argument,       NULL, OPT_ATTACH },	/* [ID]: see take_attach_id */
	{ "transport",  required_argument, NULL, OPT_TRANSPORT },
	{ "scrollback", required_argument, NULL, OPT_SCROLLBACK },
	{ "clipboard",  required_argument, NULL, OPT_CLIPBOARD },
	{ "accept-new", no_argument,       NULL, OPT_ACCEPT_NEW },
	{ NULL, 0, NULL, 0 },
};

/* '-': words that are not options come back in order, as code 1, whatever
 * POSIXLY_CORRECT says; ':': a missing value is told apart. */
#define SHORT_OPTIONS "-:46p:vi:L:R:D:A"

/* The modes an option goes with (bits of 1 << enum connect_mode). */
#define OVER_SSH (1u << CONNECT_OVER_SSH)
#define LOCAL (1u << CONNECT_LOCAL)
#define DIRECT (1u << CONNECT_DIRECT)
#define UDP (1u << CONNECT_UDP)
#define EVERY_MODE (OVER_SSH | LOCAL | DIRECT | UDP)

struct option_use {
	int code;
	unsigned modes;
};

static const struct option_use option_modes[] = {
	{ OPT_LOCAL, LOCAL }, { OPT_DIRECT, DIRECT }, { OPT_UDP, UDP },
	{ '4', OVER_SSH }, { '6', OVER_SSH }, { 'p', OVER_SSH }, { 'v', EVERY_MODE },
	{ 'i', UDP }, { OPT_SSH, OVER_SSH | UDP }, { OPT_SERVER, OVER_SSH | UDP }, { OPT_INSTALL, OVER_SSH },
	{ OPT_INSTALL_FROM, OVER_SSH },
	{ OPT_REMOTE_IP, OVER_SSH }, { OPT_TRANSPORT, OVER_SSH | UDP }, { OPT_PREDICT, EVERY_MODE },
	{ OPT_LINK, OVER_SSH | LOCAL | DIRECT }, { OPT_SERVER_KEY, UDP }, { OPT_LIST, UDP },
	{ OPT_ATTACH, UDP }, { OPT_SCROLLBACK, EVERY_MODE }, { OPT_CLIPBOARD, EVERY_MODE },
	{ OPT_ACCEPT_NEW, UDP },
	{ 'L', EVERY_MODE }, { 'R', EVERY_MODE }, { 'D', EVERY_MODE }, { 'A', EVERY_MODE },
};

#define MAX_USED_OPTIONS 64
#define MAX_POSITIONAL 3	/* one more than any mode takes */

/* What the command line said, before it is checked as a whole. */
struct parse {
	struct connect_settings *s;
	unsigned mode_flags;		/* --local, --direct, --udp seen */
	const char *predict;		/* --predict's MODE */
	const char *link;		/* --link's SPEC */
	const char *port_range;		/* -p's PORT|LOW:HIGH */
	const char *remote_ip;		/* --remote-ip's WHERE */
	const char *route;		/* --transport's HOW */
	const char *clipboard;		/* --clipboard's yes or no */
	int used[MAX_USED_OPTIONS];	/* the options given, for the mode check */
	int n_used;
	const char *positional[MAX_POSITIONAL];	/* the first words that are not options */
	int n_positional;
};

static const char *mode_name(enum connect_mode mode)
{
	static const char *const names[] = {
		[CONNECT_OVER_SSH] = "a connection over ssh", [CONNECT_LOCAL] = "--local",
		[CONNECT_DIRECT] = "--direct", [CONNECT_UDP] = "--udp",
	};

	return names[mode];
}

/* "--attach" or "-i", as the user would write the option. */
static const char *option_name(int code, char *out, size_t cap)
{
	for (const struct option *o = long_options; o->name; o++) {
		if (o->val == code) {
			snprintf(out, cap, "--%s", o->name);
			return out;
		}
	}
	snprintf(out, cap, "-%c", code);
	return out;
}

static unsigned modes_of(int code)
{
	for (size_t i = 0; i < sizeof option_modes / sizeof option_modes[0]; i++)
		if (option_modes[i].code == code)
			return option_modes[i].modes;
	return 0;
}

/* "--attach 3": the ID is optional and may be the next word. */
static void take_attach_id(int argc, char **argv, struct udp_settings *udp)
{
	const char *next = optind < argc ? argv[optind] : NULL;
	char *end;
	unsigned long long id;

	if (!next || *next < '0' || *next > '9')
		return;
	id = strtoull(next, &end, 10);
	if (*end)
		return;
	udp->attach_id = id;
	optind++;
}

/* -L, -R or -D and its text. */
static int take_forward(struct connect_settings *s, int code, const char *text)
{
	enum forward_kind kind = code == 'L' ? FORWARD_LOCAL : code == 'R' ? FORWARD_REMOTE
									   : FORWARD_DYNAMIC;
	const char *why;

	if (s->n_forwards == CONNECT_FORWARDS_MAX)
		return cli_usage_error("connect", "too many forwards (%d at most)", CONNECT_FORWARDS_MAX);
	if (!forward_spec_parse(kind, text, &s->forwards[s->n_forwards], &why))
		return cli_usage_error("connect", "-%c %s: %s", code, text, why);
	s->n_forwards++;
	return 0;
}

static int take_option(struct parse *p, int code, int argc, char **argv)
{
	struct connect_settings *s = p->s;
	int rc;

	switch (code) {
	case 'L': case 'R': case 'D':
		if ((rc = take_forward(s, code, optarg)) != 0)
			return rc;
		break;
	case 'A': s->agent = true; break;
	case '4': s->ssh.family = AF_INET; break;
	case '6': s->ssh.family = AF_INET6; break;
	case 'p': p->port_range = optarg; break;
	case 'v': s->verbose = true; break;
	case 'i': s->udp.identity = optarg; break;
	case OPT_LOCAL: p->mode_flags |= LOCAL; break;
	case OPT_DIRECT: p->mode_flags |= DIRECT; break;
	case OPT_UDP: p->mode_flags |= UDP; break;
	case OPT_SSH: s->ssh.ssh_command = optarg; break;
	case OPT_SERVER: s->ssh.server = optarg; break;
	case OPT_INSTALL: s->ssh.install = true; break;
	case OPT_INSTALL_FROM: s->ssh.install = true; s->ssh.install_from = optarg; break;
	case OPT_REMOTE_IP: p->remote_ip = optarg; break;
	case OPT_TRANSPORT: p->route = optarg; break;
	case OPT_SCROLLBACK: s->scrollback = optarg; break;
	case OPT_PREDICT: p->predict = optarg; break;
	case OPT_CLIPBOARD: p->clipboard = optarg; break;
	case OPT_LINK: p->link = optarg; break;
	case OPT_SERVER_KEY: s->udp.server_key = optarg; break;
	case OPT_ACCEPT_NEW: s->udp.accept_new = true; break;
	case OPT_LIST: s->udp.list = true; break;
	case OPT_ATTACH: s->udp.attach = true; take_attach_id(argc, argv, &s->udp); break;
	case 1:
		if (p->n_positional < MAX_POSITIONAL)
			p->positional[p->n_positional] = optarg;
		p->n_positional++;
		return 0;
	default: return EXIT_USAGE;
	}
	if (p->n_used < MAX_USED_OPTIONS)
		p->used[p->n_used++] = code;
	return 0;
}

/* The option getopt stopped at, for the error message. */
static int bad_option(int code, char **argv)
{
	const char *word = argv[optind - 1];
	char name[32];

	if (code == ':')
		return cli_usage_error("connect", "option '%s' needs a value", option_name(optopt, name, sizeof name));
	if (optopt >= OPT_LOCAL)
		return cli_usage_error("connect", "option '%s' takes no value", option_name(optopt, name, sizeof name));
	if (optopt)
		return cli_usage_error("connect", "unknown option '-%c'", optopt);
	return cli_usage_error("connect", "unknown option '%.*s'", (int)strcspn(word, "="), word);
}

/* argv up to the first "--" holds options and positional words in any
 * order; the words after it are the command. */
static int scan_words(struct parse *p, int argc, char **argv)
{
	int end = 1, code, rc;

	while (end < argc && strcmp(argv[end], "--") != 0)
		end++;
	if (end + 1 < argc)
		p->s->command = &argv[end + 1];
	opterr = 0;
	optind = 0;	/* glibc: a full reset */
	while ((code = getopt_long(end, argv, SHORT_OPTIONS, long_options, NULL)) != -1) {
		if (code == '?' || code == ':')
			return bad_option(code, argv);
		if ((rc = take_option(p, code, end, argv)) != 0)
			return rc;
	}
	return 0;
}

static int choose_mode(struct parse *p)
{
	switch (p->mode_flags) {
	case 0: p->s->mode = CONNECT_OVER_SSH; return 0;
	case LOCAL: p->s->mode = CONNECT_LOCAL; return 0;
	case DIRECT: p->s->mode = CONNECT_DIRECT; return 0;
	case UDP: p->s->mode = CONNECT_UDP; return 0;
	}
	return cli_usage_error("connect", "%s", "give only one of --local, --direct and --udp");
}

static int check_options_fit_mode(const struct parse *p)
{
	unsigned mode_bit = 1u << p->s->mode;
	char name[32];

	for (int i = 0; i < p->n_used; i++) {
		unsigned modes = modes_of(p->used[i]);
		if (modes & mode_bit)
			continue;
		option_name(p->used[i], name, sizeof name);
		if (modes == UDP)
			return cli_usage_error("connect", "%s needs --udp", name);
		return cli_usage_error("connect", "'%s' does not go with %s", name, mode_name(p->s->mode));
	}
	return 0;
}

/* --clipboard=yes|no; no when not given. */
static int parse_clipboard(const struct parse *p)
{
	p->s->clipboard = p->clipboard && strcmp(p->clipboard, "yes") == 0;
	if (p->clipboard && !p->s->clipboard && strcmp(p->clipboard, "no") != 0)
		return cli_usage_error("connect", "bad --clipboard '%s' (yes or no)", p->clipboard);
	return 0;
}

/* --predict's MODE, else $SSPSH_PREDICTION_DISPLAY, else adaptive. */
static int parse_predict(const struct parse *p)
{
	const char *env = getenv(SSPSH_PREDICT_ENV);

	p->s->predict = PREDICT_ADAPTIVE;
	if (p->predict && !predict_parse_mode(p->predict, &p->s->predict))
		return cli_usage_error("connect", "bad --predict '%s' (adaptive, always or never)", p->predict);
	if (!p->predict && env && *env && !predict_parse_mode(env, &p->s->predict))
		return cli_usage_error("connect", "%s: unknown mode '%s' (adaptive, always or never)",
				       SSPSH_PREDICT_ENV, env);
	return 0;
}

static int parse_link(const struct parse *p)
{
	char err[200];

	if (!p->link)
		return 0;
	p->s->have_link = true;
	if (!link_parse(p->link, &p->s->link, err, sizeof err))
		return cli_usage_error("connect", "--link: %s", err);
	return 0;
}

static bool is_numeric_address(const char *text)
{
	unsigned char addr[16];

	return inet_pton(AF_INET, text, addr) == 1 || inet_pton(AF_INET6, text, addr) == 1;
}

static bool parse_route(const char *text, enum route_mode *route)
{
	static const char *const names[] = { [ROUTE_AUTO] = "auto", [ROUTE_UDP] = "udp", [ROUTE_SSH] = "ssh" };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(text, names[i]) == 0) {
			*route = (enum route_mode)i;
			return true;
		}
	}
	return false;
}

static int parse_ssh_settings(const struct parse *p)
{
	struct ssh_settings *ssh = &p->s->ssh;

	ssh->route = ROUTE_AUTO;
	if (p->route && !parse_route(p->route, &ssh->route))
		return cli_usage_error("connect", "--transport wants auto, udp or ssh, not '%s'", p->route);

	if (p->port_range && !cli_parse_port_range(p->port_range, &ssh->port_low, &ssh->port_high))
		return cli_usage_error("connect", "-p wants PORT or LOW:HIGH (1-65535), not '%s'", p->port_range);
	if (!p->remote_ip || strcmp(p->remote_ip, "remote") == 0) {
		ssh->remote_ip = REMOTE_IP_FROM_SERVER;
	} else if (strcmp(p->remote_ip, "local") == 0) {
		ssh->remote_ip = REMOTE_IP_LOCAL;
	} else if (is_numeric_address(p->remote_ip)) {
		ssh->remote_ip = REMOTE_IP_GIVEN;
		ssh->remote_addr = p->remote_ip;
	} else {
		return cli_usage_error("connect", "--remote-ip wants remote, local or a numeric address, not '%s'",
				       p->remote_ip);
	}
	if (p->n_positional == 0)
		return cli_usage_error("connect", "%s", "which host?");
	ssh->dest = p->positional[0];
	return 0;
}

/* "[USER@]HOST[:PORT]", HOST an IPv6 address in brackets if it has a port. */
static bool parse_udp_target(const char *text, struct udp_settings *udp)
{
	const char *at = strchr(text, '@'), *host = at ? at + 1 : text, *port = NULL;
	size_t host_len;
	unsigned port_number = SSPSH_DAEMON_PORT;

	if (host[0] == '[') {
		const char *close = strchr(host, ']');
		if (!close || (close[1] && close[1] != ':'))
			return false;
		host++;
		host_len = (size_t)(close - host);
		port = close[1] ? close + 2 : NULL;
	} else {
		const char *colon = strchr(host, ':');
		bool one_colon = colon && !strchr(colon + 1, ':');
		host_len = one_colon ? (size_t)(colon - host) : strlen(host);
		port = one_colon ? colon + 1 : NULL;
	}
	if (host_len == 0 || host_len >= sizeof udp->host || (port && !cli_parse_port(port, &port_number)))
		return false;
	memcpy(udp->host, host, host_len);
	udp->host[host_len] = '\0';
	udp->port = (uint16_t)port_number;
	return true;
}

/* --udp's ssh destination for the relay: [USER@]HOST without the port;
 * false if it does not fit. */
static bool udp_ssh_dest(const char *target, struct udp_settings *udp)
{
	const char *at = strchr(target, '@');
	int user_len = at ? (int)(at - target + 1) : 0;
	int n = snprintf(udp->ssh_dest, sizeof udp->ssh_dest, "%.*s%s", user_len, target, udp->host);

	return n >= 0 && (size_t)n < sizeof udp->ssh_dest;
}

static int parse_udp_settings(const struct parse *p)
{
	struct udp_settings *udp = &p->s->udp;

	if (p->n_positional == 0)
		return cli_usage_error("connect", "%s", "--udp needs [USER@]HOST[:PORT]");
	if (!parse_udp_target(p->positional[0], &p->s->udp))
		return cli_usage_error("connect", "bad --udp '%s' ([USER@]HOST[:PORT])", p->positional[0]);
	udp->route = ROUTE_UDP;
	if (p->route && !parse_route(p->route, &udp->route))
		return cli_usage_error("connect", "--transport wants auto, udp or ssh, not '%s'", p->route);
	if (udp->route == ROUTE_UDP && strchr(p->positional[0], '@'))
		return cli_usage_error("connect", "%s", "--udp takes no USER@: the daemon serves the user it runs as "
				       "(USER@ is for ssh, with --transport=ssh or auto)");
	if (!udp_ssh_dest(p->positional[0], udp))
		return cli_usage_error("connect", "%s", "the user name in --udp's target is too long");
	if (udp->list + udp->attach + (p->s->command != NULL) > 1)
		return cli_usage_error("connect", "%s", "give at most one of --list, --attach and a COMMAND");
	if (!input_command_fits(p->s->command))
		return cli_usage_error("connect", "the COMMAND is too long to send (%d words, %d bytes at most)",
				       SSPSH_SESSION_MAX_ARGS, SSPSH_SESSION_COMMAND_MAX);
	return 0;
}

static int parse_direct_settings(const struct parse *p)
{
	unsigned port;

	if (p->n_positional < 2)
		return cli_usage_error("connect", "%s", "--direct needs HOST and PORT");
	if (!cli_parse_port(p->positional[1], &port))
		return cli_usage_error("connect", "bad PORT '%s' (1-65535)", p->positional[1]);
	if (p->s->command)
		return cli_usage_error("connect", "%s", "a COMMAND does not go with --direct (the server runs its own)");
	p->s->direct_host = p->positional[0];
	p->s->direct_port = (uint16_t)port;
	return 0;
}

static int parse_mode_settings(const struct parse *p)
{
	int wanted = p->s->mode == CONNECT_DIRECT ? 2 : p->s->mode == CONNECT_LOCAL ? 0 : 1;
	int rc = 0;

	switch (p->s->mode) {
	case CONNECT_OVER_SSH: rc = parse_ssh_settings(p); break;
	case CONNECT_UDP: rc = parse_udp_settings(p); break;
	case CONNECT_DIRECT: rc = parse_direct_settings(p); break;
	case CONNECT_LOCAL: break;
	}
	if (rc == 0 && p->n_positional > wanted)	/* wanted < MAX_POSITIONAL */
		rc = cli_usage_error("connect", "unexpected argument '%s' (a COMMAND goes after --)",
				     p->positional[wanted]);
	return rc;
}

/* --scrollback N goes to the server as given, once it is a count. */
static int check_scrollback(const struct connect_settings *s)
{
	const char *text = s->scrollback;
	size_t len = text ? strlen(text) : 0;

	if (!text)
		return 0;
	if (len == 0 || len > 7 || strspn(text, "0123456789") != len || atol(text) > SSPSH_SCROLLBACK_MAX)
		return cli_usage_error("connect", "--scrollback wants a number of lines (0-%d), not '%s'",
				       SSPSH_SCROLLBACK_MAX, text);
	return 0;
}

static int parse_command_line(int argc, char **argv, struct connect_settings *s)
{
	struct parse p = { .s = s };
	int rc;

	memset(s, 0, sizeof *s);
	s->ssh.ssh_command = "ssh";
	s->ssh.family = AF_UNSPEC;
	if ((rc = scan_words(&p, argc, argv)) || (rc = choose_mode(&p)) || (rc = check_options_fit_mode(&p)) ||
	    (rc = parse_mode_settings(&p)) || (rc = parse_predict(&p)) || (rc = parse_clipboard(&p)) || (rc = parse_link(&p)) ||
	    (rc = check_scrollback(s)))
		return rc;
	return 0;
}

int connect_main(int argc, char **argv)
{
	struct connect_settings settings;
	int rc = parse_command_line(argc, argv, &settings);

	return rc ? rc : connect_run(&settings);
}
