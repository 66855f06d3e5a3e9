/* `sspsh connect --udp [USER@]HOST[:PORT]`: an SSH-free session with the
 * daemon of `sspsh server --listen`: our key, the server's key checked
 * against --server-key and known_hosts, the handshake, then a new session,
 * an attached one, or the list of them. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mbedtls/platform_util.h>

#include "applets/session/client_session.h"
#include "applets/session/connect.h"
#include "applets/session/udp_client.h"
#include "core/buf.h"
#include "core/exit_status.h"
#include "core/fdio.h"
#include "core/keyfile.h"
#include "core/log.h"
#include "core/options.h"
#include "core/shell_words.h"
#include "core/signals.h"
#include "core/tty.h"

/* How the handshakes and the session reach the daemon: over UDP, or
 * through the relay (the same datagrams, framed, through
 * `ssh [USER@]HOST sspsh relay 127.0.0.1:PORT`): from the start with
 * --transport=ssh, once UDP stays silent with --transport=auto. */
struct way {
	struct udp_way udp;		/* the socket, and the relay until the transport takes them */
	struct relay_link *link;	/* NULL: UDP only */
	char silence_note[800];		/* said when the daemon is silent for a second */
	char address[300];		/* the daemon's, as the user gave it */
};

/* ---- Keys ---- */

static bool load_identity(const struct udp_settings *o, uint8_t priv[KEY_LEN])
{
	char path[1024];

	if (o->identity)
		snprintf(path, sizeof path, "%s", o->identity);
	else if (!keyfile_default_path("id_x25519", false, path, sizeof path))
		return false;
	if (access(path, F_OK) != 0 && !o->identity) {
		log_error("no key %s: make one with `sspsh keygen` and add its .pub line to the "
			  "server's ~/.sspsh/authorized_keys", path);
		return false;
	}
	return keyfile_read_private(path, priv, NULL);
}

/* "host:port", "[v6]:port". */
static void daemon_address(const struct udp_settings *o, char *out, size_t cap)
{
	snprintf(out, cap, strchr(o->host, ':') ? "[%s]:%u" : "%s:%u", o->host, o->port);
}

/* "host", or "[host]:port" off the default port, as ssh writes them. */
static void known_host_name(const struct udp_settings *o, char *out, size_t cap)
{
	if (o->port == SSPSH_DAEMON_PORT)
		snprintf(out, cap, "%s", o->host);
	else
		snprintf(out, cap, "[%s]:%u", o->host, o->port);
}

static bool parse_key_text(const char *text, uint8_t key[KEY_LEN])
{
	struct public_key parsed;
	char line[KEY_LINE_SIZE];
	const char *why;

	/* The base64 alone, or a whole "sspsh-x25519 KEY [comment]" line. */
	if (strncmp(text, KEY_TYPE " ", sizeof KEY_TYPE) == 0)
		snprintf(line, sizeof line, "%s", text);
	else
		snprintf(line, sizeof line, "%s %s", KEY_TYPE, text);
	if (!key_parse_public(line, strlen(line), &parsed, &why)) {
		log_error("--server-key: %s", why);
		return false;
	}
	memcpy(key, parsed.key, KEY_LEN);
	return true;
}

/* The key the server showed, checked against --server-key and known_hosts
 * before any handshake; an unknown host is pinned after the handshake. */
static bool check_server_key(const struct udp_settings *o, const char *known_hosts, const char *name,
			     const uint8_t key[KEY_LEN])
{
	struct known_host_result known;
	uint8_t expected[KEY_LEN];
	char fp[KEY_FINGERPRINT_SIZE];

	if (o->server_key) {
		if (!parse_key_text(o->server_key, expected))
			return false;
		if (memcmp(expected, key, KEY_LEN) != 0) {
			key_fingerprint(key, fp);
			log_error("the server %s shows the key %s, not the one given with --server-key: "
				  "not connecting", name, fp);
			return false;
		}
	}
	if (!known_hosts_check(known_hosts, name, key, &known))
		return false;
	if (known.status == KNOWN_HOST_CHANGED) {
		known_hosts_warn_changed(known_hosts, name, known.line, key);
		return false;
	}
	return true;
}

/* The server's key without asking the server: --server-key, else the key
 * pinned in known_hosts. Only a server known by neither is asked, in a
 * request that names our public key in clear; a pinned connection shows
 * nothing but a Noise initiation, which hides who we are. */
static bool known_server_key(const struct udp_settings *o, const char *known_hosts, const char *name,
			     uint8_t key[KEY_LEN], bool *known)
{
	struct known_host_result pinned;

	*known = o->server_key != NULL;
	if (o->server_key)
		return parse_key_text(o->server_key, key);
	if (!known_hosts_lookup(known_hosts, name, key, &pinned))
		return false;
	*known = pinned.status == KNOWN_HOST_MATCH;
	return true;
}

/* Reads the user's answer from the terminal, up to a newline (or a
 * Ctrl-C, when the relay's ssh runs and signals are caught). */
static bool read_answer(int tty, char *answer, size_t cap)
{
	size_t len = 0;
	unsigned char c;

	while (len + 1 < cap && tty_read_key(tty, &c) == 1 && c != '\n')
		answer[len++] = (char)c;
	answer[len] = '\0';
	return len > 0;
}

/* A server whose key is not pinned yet: as ssh does, the user confirms its
 * fingerprint on the terminal ("yes", or the fingerprint itself), unless
 * --accept-new says to pin it; with neither, nothing is pinned or sent. */
static bool confirm_first_contact(const struct udp_settings *o, const char *name, const char *known_hosts,
				  const uint8_t key[KEY_LEN], int *stop_signal)
{
	char fp[KEY_FINGERPRINT_SIZE], answer[128];
	struct buf question;
	bool yes = false;
	int tty;

	if (o->accept_new)
		return true;
	key_fingerprint(key, fp);
	tty = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (tty < 0) {
		log_error("the key of %s is not known yet (%s) and there is no terminal to confirm it on: "
			  "give --accept-new or --server-key", name, fp);
		return false;
	}
	buf_init(&question);
	buf_printf(&question, "The key of %s is not known yet.\nIts fingerprint is %s.\n"
		   "Pin it in %s and connect (yes/no/[fingerprint])? ", name, fp, known_hosts);
	if (!question.oom && fd_write_all(tty, question.data, question.len) && read_answer(tty, answer, sizeof answer))
		yes = strcmp(answer, "yes") == 0 || strcmp(answer, fp) == 0;
	buf_free(&question);
	close(tty);
	if (!yes && !(*stop_signal = signals_take_ending()))
		log_error("the key of %s was not accepted: not connecting", name);
	return yes;
}

/* Pins the server's key after the first handshake it finished (which
 * proves it holds the key), once. */
struct pin {
	const char *known_hosts, *name;
	const uint8_t *key;
	bool done;
};

static void pin_once(struct pin *pin)
{
	if (!pin->done)
		known_hosts_trust(pin->known_hosts, pin->name, pin->key);
	pin->done = true;
}

/* ---- Requests ---- */

static void window_size(uint16_t *cols, uint16_t *rows)
{
	int c = SSPSH_DEFAULT_COLS, r = SSPSH_DEFAULT_ROWS;

	tty_size(STDIN_FILENO, &c, &r);
	*cols = (uint16_t)(c > SSPSH_MAX_COLS ? SSPSH_MAX_COLS : c);
	*rows = (uint16_t)(r > SSPSH_MAX_ROWS ? SSPSH_MAX_ROWS : r);
}

static void print_duration(uint32_t s, char *out, size_t cap)
{
	if (s < 120)
		snprintf(out, cap, "%us", s);
	else if (s < 7200)
		snprintf(out, cap, "%um", s / 60);
	else if (s < 172800)
		snprintf(out, cap, "%uh", s / 3600);
	else
		snprintf(out, cap, "%ud", s / 86400);
}

static int list_sessions(struct way *way, struct noise_client *nc, struct pin *pin)
{
	struct session_request req = { .kind = SESSION_LIST };
	struct session_reply reply;
	struct transport_keys keys;
	uint32_t shown = 0;

	do {
		req.list_from = shown;
		if (!udp_handshake(&way->udp, nc, &req, SSPSH_CONNECT_TIMEOUT_MS, way->silence_note, &keys,
				   &reply))
			return EXIT_CONNECTION;
		mbedtls_platform_zeroize(&keys, sizeof keys);
		pin_once(pin);
		if (!reply.ok) {
			log_error("the server refused: %s", reply.error);
			return 1;
		}
		if (shown == 0)
			printf("%-6s %-6s %-6s %-9s %s\n", "ID", "AGE", "IDLE", "STATE", "COMMAND");
		for (int i = 0; i < reply.count; i++) {
			const struct session_info *s = &reply.sessions[i];
			char age[16], idle[16];
			print_duration(s->age_s, age, sizeof age);
			print_duration(s->idle_s, idle, sizeof idle);
			printf("%-6llu %-6s %-6s %-9s %s\n", (unsigned long long)s->id, age, idle,
			       s->attached ? "attached" : "detached", s->command);
		}
		shown += (uint32_t)reply.count;
	} while (reply.count > 0 && shown < reply.total);
	if (reply.total == 0)
		printf("(no sessions)\n");
	return 0;
}

/* The command that takes session `id` back, with the options that reach
 * this daemon the way this client did. */
static void attach_command(const struct connect_settings *s, uint64_t id, struct buf *out)
{
	const struct udp_settings *o = &s->udp;
	char text[sizeof o->host + 16];

	buf_put_str(out, "sspsh connect --udp ");
	if (o->identity) {
		buf_put_str(out, "-i ");
		shell_quote_if_needed(out, o->identity);
		buf_put_u8(out, ' ');
	}
	if (o->route != ROUTE_UDP) {
		buf_put_str(out, o->route == ROUTE_SSH ? "--transport=ssh " : "--transport=auto ");
		if (strcmp(s->ssh.ssh_command, "ssh") != 0) {
			buf_put_str(out, "--ssh=");
			shell_quote_if_needed(out, s->ssh.ssh_command);
			buf_put_u8(out, ' ');
		}
	}
	if (o->route != ROUTE_UDP && strchr(o->ssh_dest, '@'))	/* USER@ */
		buf_put(out, o->ssh_dest, (size_t)(strchr(o->ssh_dest, '@') - o->ssh_dest + 1));
	if (o->port == SSPSH_DAEMON_PORT)
		snprintf(text, sizeof text, "%s", o->host);
	else
		daemon_address(o, text, sizeof text);
	buf_put_str(out, text);
	snprintf(text, sizeof text, " --attach %llu", (unsigned long long)id);
	buf_put_str(out, text);
}

/* The session takes the way's fd, relay and link (they are cleared). */
static int run_session(const struct connect_settings *s, struct way *way, struct noise_client *nc,
		       struct pin *pin)
{
	const struct udp_settings *o = &s->udp;
	struct session_request req = { .kind = o->attach ? SESSION_ATTACH : SESSION_NEW, .id = o->attach_id };
	struct client_settings settings = connect_client_settings(s);
	struct session_reply reply;
	struct rekeyer rekeyer;
	struct transport *t;
	bool answered;
	struct buf resume;
	int rc;

	buf_init(&resume);
	window_size(&req.cols, &req.rows);
	t = udp_open_session(&way->udp, nc, &req, way->silence_note, &reply, &answered);
	if (answered)
		pin_once(pin);
	if (!t)
		return answered ? 1 : EXIT_CONNECTION;
	settings.relay_link = way->link;	/* client_session_run takes it */
	way->link = NULL;
	attach_command(s, reply.id, &resume);
	buf_put_u8(&resume, '\0');
	settings.session_id = reply.id;
	settings.resume_command = (const char *)resume.data;
	settings.new_program = !o->attach;
	settings.command = s->command;
	rekeyer_start(&rekeyer, nc, t, reply.id);
	rc = client_session_run(t, &settings);
	rekeyer_stop(&rekeyer);
	buf_free(&resume);
	return rc;
}

/* What a daemon's silence likely means: the daemon tells nothing, not
 * even its key, to a client whose key it does not know. */
static void silence_note(const struct udp_settings *o, char *out, size_t cap)
{
	char where[300];

	daemon_address(o, where, sizeof where);
	snprintf(out, cap, "connect: no answer from %s yet: no `sspsh server --listen` on that port, "
		 "%s.pub not in its authorized_keys, or %s blocked (still trying)", where,
		 o->identity ? o->identity : "~/.sspsh/id_x25519", o->route == ROUTE_SSH ? "ssh's relay" : "UDP");
}

/* ---- Main ---- */

/* What a session does not take of the way stays the caller's. */
static int connect_to(const struct connect_settings *s, struct way *way, const uint8_t priv[KEY_LEN])
{
	const struct udp_settings *o = &s->udp;
	char known_hosts[1024], name[300];
	uint8_t server_key[KEY_LEN], our_key[KEY_LEN];
	struct pin pin = { known_hosts, name, server_key, false };
	struct noise_client nc;
	bool known;
	int rc;

	known_host_name(o, name, sizeof name);
	if (!keyfile_default_path("known_hosts", true, known_hosts, sizeof known_hosts) ||
	    !x25519_public(our_key, priv) || !known_server_key(o, known_hosts, name, server_key, &known))
		return 1;
	silence_note(o, way->silence_note, sizeof way->silence_note);
	if (!known && !udp_fetch_server_key(&way->udp, our_key, server_key, SSPSH_CONNECT_TIMEOUT_MS,
					    way->silence_note)) {
		if (!way->udp.relay_failed && !way->udp.stop_signal)
			log_error("connect: no answer from %s in %d s; giving up", way->address,
				  SSPSH_CONNECT_TIMEOUT_MS / 1000);
		return EXIT_CONNECTION;
	}
	if (!check_server_key(o, known_hosts, name, server_key) ||
	    (!known && !confirm_first_contact(o, name, known_hosts, server_key, &way->udp.stop_signal)) ||
	    !noise_client_init(&nc, priv, server_key))
		return 1;
	if (o->list)
		rc = list_sessions(way, &nc, &pin);
	else
		rc = run_session(s, way, &nc, &pin);
	noise_client_wipe(&nc);
	return rc;
}

/* The relay through ssh to the daemon's port, started and up (ssh's
 * questions are asked on the terminal meanwhile); NULL (logged, unless the
 * user interrupted: way's stop_signal) if not. */
static struct dgram_path *open_relay(struct way *way)
{
	struct dgram_path *relay = relay_link_open(way->link);

	if (relay && !relay_link_await(way->link, relay)) {
		way->udp.stop_signal = relay_link_stop_signal(way->link);
		dgram_path_free(relay);
		relay = NULL;
	}
	return relay;
}

/* --transport=auto: the daemon has not answered over UDP. When the relay
 * fails too (ssh's own words said why), the client gives up at once
 * rather than wait out the rest of its time on a UDP that stays silent. */
static struct dgram_path *fall_back_to_relay(void *ctx)
{
	struct way *way = ctx;
	struct dgram_path *relay;

	log_warn("no answer over UDP; relaying through ssh.");
	relay = open_relay(way);
	if (!relay && !way->udp.stop_signal)
		log_error("connect: no answer from %s over UDP, and the relay through ssh failed; "
			  "giving up", way->address);
	return relay;
}

/* With --transport=ssh or auto: how ssh runs the relay to the daemon's
 * port; with ssh it runs now. */
static bool prepare_relay(const struct connect_settings *s, struct shell_words *words, struct way *way)
{
	const char *why = NULL;
	char target[32];
	struct relay_link_settings relay = {
		.destination = s->udp.ssh_dest, .server = s->ssh.server, .target = target, .mode = s->udp.route,
	};

	if (!shell_words_split(s->ssh.ssh_command ? s->ssh.ssh_command : "ssh", words, &why) ||
	    words->argc == 0) {
		log_error("connect: --ssh: %s", why ? why : "no command given");
		return false;
	}
	snprintf(target, sizeof target, "127.0.0.1:%u", s->udp.port);
	relay.ssh = words->argv;
	if (!(way->link = relay_link_new(&relay)))
		return false;
	if (s->udp.route == ROUTE_SSH)
		return (way->udp.relay = open_relay(way)) != NULL;
	way->udp.fallback = fall_back_to_relay;
	way->udp.fallback_ctx = way;
	way->udp.try_udp = true;
	return true;
}

int connect_udp(const struct connect_settings *s)
{
	struct udp_addr server;
	uint8_t priv[KEY_LEN];
	char port[8];
	int rc, fd;

	if (!load_identity(&s->udp, priv))
		return 1;
	snprintf(port, sizeof port, "%u", s->udp.port);
	if (!udp_addr_resolve(s->udp.host, port, &server) || (fd = udp_bind_ephemeral(server.ss.ss_family)) < 0) {
		mbedtls_platform_zeroize(priv, sizeof priv);
		return 1;
	}
	struct way way = { .udp = { .fd = fd, .server = &server } };
	struct shell_words words = { 0 };
	/* While the relay's ssh may run, Ctrl-C, Ctrl-\ and the like end the
	 * waits before the session, which stop ssh and remove the askpass
	 * directory before the client exits (a stopped relay is collected at
	 * once). */
	static const int relay_signals[] = { SIGCHLD, SIGINT, SIGQUIT, SIGTERM, SIGHUP, 0 };

	daemon_address(&s->udp, way.address, sizeof way.address);
	signal(SIGPIPE, SIG_IGN);	/* a relay's ssh that stopped reading is EPIPE, not our end */
	if (s->udp.route == ROUTE_UDP || (signals_catch(relay_signals) && prepare_relay(s, &words, &way)))
		rc = connect_to(s, &way, priv);
	else
		rc = way.link ? EXIT_CONNECTION : 1;	/* ssh did not get through, as ssh's 255 */
	if (way.udp.stop_signal)
		rc = 128 + way.udp.stop_signal;
	mbedtls_platform_zeroize(priv, sizeof priv);
	if (way.udp.fd >= 0)
		close(way.udp.fd);
	dgram_path_free(way.udp.relay);
	relay_link_free(way.link);	/* after the pipe: ssh has seen its end */
	shell_words_free(&words);	/* the link pointed into it */
	return rc;
}
