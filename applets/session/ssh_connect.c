/* sspsh connect [USER@]HOST: the server is started over ssh, which prints
 * "SSPSH CONNECT port key addr" (core/bootstrap.h) and exits; the session
 * then runs over UDP in this process, the key handed over in memory.
 *
 * With --install the first ssh becomes a connection master (ControlMaster
 * in a private directory), so the copy of this executable and the second
 * start reuse it: one login, one password prompt. The copy runs without a
 * pty (-T), so the bytes pass untouched. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/platform_util.h>
#include <netdb.h>

#include "applets/session/client_session.h"
#include "applets/session/connect.h"
#include "applets/session/ssh_spawn.h"
#include "core/bootstrap.h"
#include "core/exit_status.h"
#include "core/install_source.h"
#include "core/log.h"
#include "core/options.h"
#include "core/remote_cmd.h"
#include "core/shell_words.h"
#include "core/version_skew.h"
#include "net/transport.h"

#define MAX_LOCALE_VARS 24

/* Everything needed to run ssh again: its words and the master socket. */
struct ssh_ctx {
	const struct connect_settings *s;
	const struct ssh_settings *o;
	struct shell_words words;
	const char *locale[MAX_LOCALE_VARS + 1];	/* LANG and LC_*, for the server */
	char port_range[16];	/* -p as the remote server takes it; "" for its default */
	char control_dir[64];	/* "" unless --install */
	char control_path[96];	/* "ControlPath=DIR/master" */
	char control_persist[40];	/* "ControlPersist=SECONDS" */
	bool install_failed;	/* and said why */
	bool skew_refused;	/* the server speaks another protocol, and we said so */
	char config_host[256];	/* --remote-ip=local: HostName from ssh -G */
};

/* The client's locale travels to the session's programs, as with mosh. */
static void collect_locale(struct ssh_ctx *ctx)
{
	extern char **environ;
	int n = 0;

	for (char **e = environ; *e && n < MAX_LOCALE_VARS; e++)
		if (strncmp(*e, "LANG=", 5) == 0 || strncmp(*e, "LC_", 3) == 0)
			ctx->locale[n++] = *e;
	ctx->locale[n] = NULL;
}

static void format_port_range(struct ssh_ctx *ctx)
{
	const struct ssh_settings *o = ctx->o;

	if (!o->port_low)
		ctx->port_range[0] = '\0';
	else if (o->port_low == o->port_high)
		snprintf(ctx->port_range, sizeof ctx->port_range, "%u", o->port_low);
	else
		snprintf(ctx->port_range, sizeof ctx->port_range, "%u:%u", o->port_low, o->port_high);
}

/* ---- running ssh ---- */

/* A NULL-terminated argv: the user's ssh words, then ours. */
struct argv_list {
	const char **v;
	int n, cap;
};

static bool argv_start(struct argv_list *a, const struct ssh_ctx *ctx)
{
	a->cap = ctx->words.argc + 24;
	a->v = calloc((size_t)a->cap, sizeof *a->v);
	a->n = 0;
	if (!a->v) {
		log_error("out of memory");
		return false;
	}
	for (int i = 0; i < ctx->words.argc; i++)
		a->v[a->n++] = ctx->words.argv[i];
	return true;
}

static void argv_add(struct argv_list *a, const char *word)
{
	if (a->n < a->cap - 1)
		a->v[a->n++] = word;
}

static bool needs_quotes(const char *word)
{
	return !word[0] || word[strspn(word, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					     "0123456789@%+=:,./_-")] != '\0';
}

static void argv_log(const struct argv_list *a)
{
	struct buf line;

	if (log_get_level() < LOG_DEBUG)
		return;
	buf_init(&line);
	for (int i = 0; i < a->n; i++) {
		if (i)
			buf_put_u8(&line, ' ');
		if (needs_quotes(a->v[i]))
			shell_quote(&line, a->v[i]);
		else
			buf_put_str(&line, a->v[i]);
	}
	log_debug("running %.*s", (int)line.len, (const char *)line.data);
	buf_free(&line);
}

/* The options every ssh run shares: family and the master connection. */
static void add_common_options(struct argv_list *a, const struct ssh_ctx *ctx, bool master)
{
	if (ctx->o->family == AF_INET)
		argv_add(a, "-4");
	else if (ctx->o->family == AF_INET6)
		argv_add(a, "-6");
	if (!ctx->control_dir[0])
		return;
	argv_add(a, "-o");
	argv_add(a, ctx->control_path);
	argv_add(a, "-o");
	if (master) {
		argv_add(a, "ControlMaster=auto");
		argv_add(a, "-o");
		argv_add(a, ctx->control_persist);
	} else {
		argv_add(a, "ControlMaster=no");
	}
}

/* TTY_FLAG, the shared options, -- DEST REMOTE: how every remote run ends. */
static void add_remote_command(struct argv_list *a, const struct ssh_ctx *ctx, const char *tty_flag,
			       bool master, const struct buf *remote)
{
	argv_add(a, tty_flag);
	add_common_options(a, ctx, master);
	argv_add(a, "--");
	argv_add(a, ctx->o->dest);
	argv_add(a, (const char *)remote->data);
}

/* ssh -tt ... HOST 'sh -c ...start the server...'; returns ssh's status. */
static int run_start(const struct ssh_ctx *ctx, enum remote_server_where where,
		     struct bootstrap_scan *scan)
{
	struct remote_server_args args = {
		.server = ctx->o->server, .port = ctx->port_range[0] ? ctx->port_range : NULL,
		.scrollback = ctx->s->scrollback,
		.env = ctx->locale, .command = (const char *const *)ctx->s->command,
	};
	struct argv_list a;
	struct buf remote;
	int status;

	if (!argv_start(&a, ctx))
		return SSH_SPAWN_FAILED;
	buf_init(&remote);
	remote_cmd_start_server(&remote, &args, where);
	buf_put_u8(&remote, '\0');
	add_remote_command(&a, ctx, "-tt", true, &remote);
	argv_log(&a);
	bootstrap_scan_init(scan);
	status = remote.oom ? SSH_SPAWN_FAILED : ssh_spawn_scan((char *const *)a.v, scan);
	buf_free(&remote);
	free(a.v);
	return status;
}

/* ---- --install ---- */

static bool make_control_dir(struct ssh_ctx *ctx)
{
	const char *tmp = getenv("TMPDIR");

	/* A socket path must fit in sun_path, with ssh's temporary suffix. */
	if (!tmp || !tmp[0] || strlen(tmp) > 24)
		tmp = "/tmp";
	snprintf(ctx->control_dir, sizeof ctx->control_dir, "%s/sspsh-ssh.XXXXXX", tmp);
	if (!mkdtemp(ctx->control_dir)) {
		log_error("connect: cannot make a directory in %s: %s", tmp, strerror(errno));
		ctx->control_dir[0] = '\0';
		return false;
	}
	snprintf(ctx->control_path, sizeof ctx->control_path, "ControlPath=%s/master",
		 ctx->control_dir);
	snprintf(ctx->control_persist, sizeof ctx->control_persist, "ControlPersist=%d",
		 SSPSH_SSH_CONTROL_PERSIST_S);
	return true;
}

/* Asks the master to exit and removes its directory. */
static void close_master(struct ssh_ctx *ctx)
{
	char socket_path[96];
	struct argv_list a;
	struct stat st;

	if (!ctx->control_dir[0])
		return;
	snprintf(socket_path, sizeof socket_path, "%s/master", ctx->control_dir);
	if (stat(socket_path, &st) == 0 && argv_start(&a, ctx)) {
		argv_add(&a, "-o");
		argv_add(&a, ctx->control_path);
		argv_add(&a, "-O");
		argv_add(&a, "exit");
		argv_add(&a, "--");
		argv_add(&a, ctx->o->dest);
		argv_log(&a);
		ssh_spawn_feed((char *const *)a.v, -1, true);
		free(a.v);
	}
	unlink(socket_path);
	if (rmdir(ctx->control_dir) != 0)
		log_debug("cannot remove %s: %s", ctx->control_dir, strerror(errno));
	ctx->control_dir[0] = '\0';
}

/* Copies the executable for the server's machine (core/install_source.h)
 * to its ~/.local/bin/sspsh, which the copy replaces only once its size
 * and SHA-256 are right. Returns 0 or an exit status. */
static int install_binary(const struct ssh_ctx *ctx, const char *machine)
{
	struct install_search search = {
		.machine = machine, .home = getenv("HOME"), .from_dir = ctx->o->install_from,
	};
	struct install_source src;
	char self[PATH_MAX], why[1024];
	struct argv_list a;
	struct buf remote;
	int fd, status;

	if (!self_exe_path(self, sizeof self)) {
		log_error("connect: cannot find this executable: %s", strerror(errno));
		return 1;
	}
	search.self_path = self;
	if (!install_source_find(&search, &src, why, sizeof why)) {
		log_error("connect: %s: %s", ctx->o->dest, why);
		return 1;
	}
	fd = open(src.path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_error("connect: cannot read %s: %s", src.path, strerror(errno));
		return 1;
	}
	if (!argv_start(&a, ctx)) {
		close(fd);
		return 1;
	}
	buf_init(&remote);
	remote_cmd_install(&remote, (size_t)src.size, src.sha256_hex);
	buf_put_u8(&remote, '\0');
	add_remote_command(&a, ctx, "-T", false, &remote);
	log_warn("installing %s (%s, %llu bytes%s) on %s as ~/" REMOTE_INSTALL_DIR "/sspsh", src.path,
		 machine, (unsigned long long)src.size, src.listed_in_sums ? ", as in SHA256SUMS" : "",
		 ctx->o->dest);
	argv_log(&a);
	status = remote.oom ? SSH_SPAWN_FAILED : ssh_spawn_feed((char *const *)a.v, fd, false);
	close(fd);
	buf_free(&remote);
	free(a.v);
	if (status != 0) {
		log_error("connect: installing on %s failed (status %d)", ctx->o->dest, status);
		return status == SSH_SPAWN_FAILED ? 255 : status;
	}
	return 0;
}

/* ---- after ssh ---- */

/* Explains why there is no CONNECT line and picks the exit status. */
static int report_failure(const struct ssh_ctx *ctx, const struct bootstrap_scan *scan,
			  int status)
{
	const char *host = ctx->o->dest;

	if (status == SSH_SPAWN_FAILED)
		return 255;
	if (ctx->install_failed || ctx->skew_refused)
		return status;
	if (scan->have_notfound) {
		if (ctx->o->server)
			log_error("connect: %s: cannot run '%s' (not found); --install copies this "
				  "sspsh to ~/" REMOTE_INSTALL_DIR "/sspsh there", host, ctx->o->server);
		else
			log_error("connect: %s has no sspsh (not on PATH nor in ~/" REMOTE_INSTALL_DIR
				  "); --install copies this one there", host);
		return 127;
	}
	if (scan->saw_bad_connect)
		log_error("connect: the server on %s printed a malformed CONNECT line", host);
	else if (status == 255)
		log_error("connect: ssh to %s failed (status 255)", host);
	else if (status > 128)
		log_error("connect: ssh to %s was stopped by signal %d", host, status - 128);
	else if (status != 0)
		log_error("connect: the server on %s failed (status %d)", host, status);
	else
		log_error("connect: the server on %s exited without saying where to connect", host);
	return status != 0 ? status : 1;
}

/* The host part of [user@]host. */
static const char *dest_host(const char *dest)
{
	const char *at = strrchr(dest, '@');

	return at ? at + 1 : dest;
}

/* The name ssh really connects to for dest: its configuration may map an
 * alias to another HostName. Falls back to dest's host part. */
static const char *configured_host(struct ssh_ctx *ctx)
{
	struct argv_list a;
	struct buf out;
	const char *line, *end;
	int status;

	if (!argv_start(&a, ctx))
		return dest_host(ctx->o->dest);
	argv_add(&a, "-G");
	add_common_options(&a, ctx, false);
	argv_add(&a, "--");
	argv_add(&a, ctx->o->dest);
	argv_log(&a);
	buf_init(&out);
	status = ssh_spawn_capture((char *const *)a.v, &out, 1 << 16);
	free(a.v);
	buf_put_u8(&out, '\0');
	for (line = (const char *)out.data; status == 0 && !out.oom && *line; line = end + 1) {
		end = strchr(line, '\n');
		if (!end)
			break;
		if (strncmp(line, "hostname ", 9) == 0 && end - line - 9 < (int)sizeof ctx->config_host) {
			memcpy(ctx->config_host, line + 9, (size_t)(end - line - 9));
			ctx->config_host[end - line - 9] = '\0';
			break;
		}
	}
	buf_free(&out);
	if (!ctx->config_host[0])
		return dest_host(ctx->o->dest);
	return ctx->config_host;
}

/* Where to send datagrams: see --remote-ip. */
static const char *server_address(struct ssh_ctx *ctx, const struct bootstrap_connect *c)
{
	if (ctx->o->remote_ip == REMOTE_IP_LOCAL)
		return configured_host(ctx);
	if (ctx->o->remote_ip == REMOTE_IP_GIVEN)
		return ctx->o->remote_addr;
	if (c->addr[0] && !strchr(c->addr, '%'))
		return c->addr;
	log_debug("the server did not say which address ssh reached; resolving the host here");
	return configured_host(ctx);
}

/* host (a name or numeric) as a numeric address of the wanted family. */
static bool numeric_address(const char *host, int family, char *out, size_t cap)
{
	struct addrinfo hints = { .ai_family = family, .ai_socktype = SOCK_DGRAM };
	struct addrinfo *res;
	int err = getaddrinfo(host, NULL, &hints, &res);

	if (err != 0) {
		log_error("connect: cannot resolve %s: %s", host, gai_strerror(err));
		return false;
	}
	err = getnameinfo(res->ai_addr, res->ai_addrlen, out, (socklen_t)cap, NULL, 0,
			  NI_NUMERICHOST);
	freeaddrinfo(res);
	if (err != 0) {
		log_error("connect: %s: %s", host, gai_strerror(err));
		return false;
	}
	return true;
}

/* The UDP session, in this process: the key goes from ssh's output to the
 * transport in memory only; key_text is wiped once parsed. Where UDP cannot
 * pass, the relay reaches the server's port through the same ssh. */
static int open_session(const struct ssh_ctx *ctx, const char *host, uint16_t port, char *key_text)
{
	char target[32];
	struct relay_link_settings relay = {
		.ssh = ctx->words.argv, .destination = ctx->o->dest, .server = ctx->o->server,
		.target = target, .mode = ctx->o->route,
	};
	struct client_settings settings = connect_client_settings(ctx->s);
	struct transport_key key;
	struct transport *t;
	char numeric[NI_MAXHOST];
	const char *why;
	bool ok;

	if (!numeric_address(host, ctx->o->family, numeric, sizeof numeric))
		return 1;
	ok = transport_key_parse(&key, key_text, &why);
	mbedtls_platform_zeroize(key_text, strlen(key_text));
	if (!ok) {
		log_error("connect: the server's key: %s", why);
		return 1;
	}
	log_debug("connecting to %s port %u", numeric, port);
	snprintf(target, sizeof target, "127.0.0.1:%u", port);
	settings.relay = &relay;
	settings.no_contact_hint = ctx->o->route == ROUTE_SSH ? "the relay through ssh not up yet"
				   : "a firewall dropping UDP to it";
	t = transport_client(&key, numeric, port);
	transport_key_zero(&key);
	if (!t)
		return 1;
	return client_session_run(t, &settings);
}

/* The machine to install for: the server's CONNECT line says it, the
 * NOTFOUND line's `uname -sm` otherwise. False (and said why) if neither. */
static bool server_machine(const struct ssh_ctx *ctx, const struct bootstrap_scan *scan,
			   char machine[MACHINE_NAME_MAX])
{
	if (scan->have_connect && scan->connect.machine[0]) {
		snprintf(machine, MACHINE_NAME_MAX, "%s", scan->connect.machine);
		return true;
	}
	if (scan->have_connect) {
		snprintf(machine, MACHINE_NAME_MAX, "%s", machine_self());
		return true;
	}
	if (machine_from_uname(scan->platform, machine))
		return true;
	log_error("connect: cannot install: %s is '%s', not Linux on a machine sspsh knows",
		  ctx->o->dest, scan->platform);
	return false;
}

/* A server of another protocol: false (and said why) unless it is to be
 * replaced by an install, which this decides. */
static bool protocol_ok_or_replace(struct ssh_ctx *ctx, const struct bootstrap_scan *scan,
				   bool *replace)
{
	char message[1024];

	*replace = false;
	switch (skew_judge(&scan->connect, ctx->o->dest, ctx->o->install, message, sizeof message)) {
	case SKEW_NONE:
		return true;
	case SKEW_REPLACE:
		log_warn("connect: %s", message);
		*replace = true;
		return true;
	case SKEW_REFUSE:
	default:
		log_error("connect: %s", message);
		ctx->skew_refused = true;
		return false;
	}
}

/* Starts the server, installing it first if it is missing or an older
 * ~/.local/bin copy of another protocol, and --install. The server of the
 * other protocol, if one was started, gives up unreached after
 * SSPSH_FIRST_CONTACT_TIMEOUT_MS. */
static int start_server(struct ssh_ctx *ctx, struct bootstrap_scan *scan)
{
	char machine[MACHINE_NAME_MAX];
	bool replace = false;
	int status = run_start(ctx, REMOTE_SERVER_FIND, scan);

	if (scan->have_connect && !protocol_ok_or_replace(ctx, scan, &replace)) {
		bootstrap_scan_wipe(scan);
		return 1;
	}
	if (scan->have_connect && !replace)
		return status;
	if (!scan->have_connect && (!scan->have_notfound || !ctx->o->install))
		return status;
	if (!server_machine(ctx, scan, machine)) {
		ctx->install_failed = true;
		return 1;
	}
	bootstrap_scan_wipe(scan);
	status = install_binary(ctx, machine);
	if (status != 0) {
		ctx->install_failed = true;
		return status;
	}
	return run_start(ctx, REMOTE_SERVER_INSTALLED, scan);
}

int connect_over_ssh(const struct connect_settings *s)
{
	struct ssh_ctx ctx = { .s = s, .o = &s->ssh };
	struct bootstrap_scan scan;
	const char *error = NULL;
	int status;

	if (!shell_words_split(s->ssh.ssh_command, &ctx.words, &error) || ctx.words.argc == 0) {
		log_error("connect: --ssh: %s", error ? error : "no command given");
		return EXIT_USAGE;
	}
	collect_locale(&ctx);
	format_port_range(&ctx);
	if (s->ssh.install && !make_control_dir(&ctx)) {
		shell_words_free(&ctx.words);
		return 1;
	}
	status = start_server(&ctx, &scan);
	close_master(&ctx);
	if (!scan.have_connect) {
		status = report_failure(&ctx, &scan, status);
		shell_words_free(&ctx.words);
		bootstrap_scan_wipe(&scan);
		return status;
	}
	status = open_session(&ctx, server_address(&ctx, &scan.connect), scan.connect.port,
			      scan.connect.key);
	bootstrap_scan_wipe(&scan);	/* the key too */
	shell_words_free(&ctx.words);
	return status;
}
