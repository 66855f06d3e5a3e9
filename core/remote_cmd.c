#include "core/remote_cmd.h"

#include "core/shell_words.h"

#define INSTALLED "\"$HOME/" REMOTE_INSTALL_DIR "/sspsh\""
#define REPORT_NOT_FOUND "echo \"SSPSH NOTFOUND $(uname -sm)\""

/* " server -p PORT --scrollback N -l NAME=VALUE... -- COMMAND...", every
 * word quoted. */
static void put_server_args(struct buf *s, const struct remote_server_args *a)
{
	buf_put_str(s, " server");
	if (a->port) {
		buf_put_str(s, " -p ");
		shell_quote(s, a->port);
	}
	if (a->scrollback) {
		buf_put_str(s, " --scrollback ");
		shell_quote(s, a->scrollback);
	}
	for (const char *const *e = a->env; e && *e; e++) {
		buf_put_str(s, " -l ");
		shell_quote(s, *e);
	}
	if (a->command && a->command[0]) {
		buf_put_str(s, " --");
		for (const char *const *w = a->command; *w; w++) {
			buf_put_u8(s, ' ');
			shell_quote(s, *w);
		}
	}
}

static void put_find_script(struct buf *s, const struct remote_server_args *a)
{
	if (a->server) {
		/* The user's own words: a path, or a command with arguments. */
		buf_put_str(s, a->server);
		put_server_args(s, a);
		buf_put_str(s, "\ns=$?; if [ $s -eq 127 ]; then " REPORT_NOT_FOUND "; fi; exit $s\n");
		return;
	}
	buf_put_str(s, "if command -v sspsh >/dev/null 2>&1; then exec sspsh");
	put_server_args(s, a);
	buf_put_str(s, "; fi\nif [ -x " INSTALLED " ]; then exec " INSTALLED);
	put_server_args(s, a);
	buf_put_str(s, "; fi\n" REPORT_NOT_FOUND "; exit 127\n");
}

/* out += sh -c '<script>' */
static void put_sh_c(struct buf *out, struct buf *script)
{
	buf_put_u8(script, '\0');
	buf_put_str(out, "sh -c ");
	shell_quote(out, (const char *)script->data);
}

void remote_cmd_start_server(struct buf *out, const struct remote_server_args *args,
			     enum remote_server_where where)
{
	struct buf script;

	buf_init(&script);
	if (where == REMOTE_SERVER_INSTALLED) {
		buf_put_str(&script, "exec " INSTALLED);
		put_server_args(&script, args);
	} else {
		put_find_script(&script, args);
	}
	put_sh_c(out, &script);
	buf_free(&script);
}

void remote_cmd_relay(struct buf *out, const char *server, const char *target)
{
	struct buf script, args;

	buf_init(&script);
	buf_init(&args);
	buf_put_str(&args, " relay ");
	shell_quote(&args, target);
	buf_put_u8(&args, '\0');
	if (server) {
		buf_printf(&script, "exec %s%s\n", server, (const char *)args.data);
	} else {
		buf_printf(&script, "if command -v sspsh >/dev/null 2>&1; then exec sspsh%s; fi\n"
			   "if [ -x " INSTALLED " ]; then exec " INSTALLED "%s; fi\n"
			   "echo 'sspsh: relay: no sspsh on this host' >&2; exit 127\n",
			   (const char *)args.data, (const char *)args.data);
	}
	put_sh_c(out, &script);
	buf_free(&script);
	buf_free(&args);
}

void remote_cmd_install(struct buf *out, size_t size, const char *sha256_hex)
{
	struct buf script;

	buf_init(&script);
	buf_printf(&script,
		"d=\"$HOME/" REMOTE_INSTALL_DIR "\"; t=\"$d/.sspsh-install.$$\"\n"
		"umask 022; mkdir -p \"$d\" || exit 1\n"
		"trap 'rm -f \"$t\"' EXIT\n"
		"cat >\"$t\" || exit 1\n"
		"n=$(wc -c <\"$t\")\n"
		"if [ $n -ne %zu ]; then echo \"sspsh: install: received $n of %zu bytes\" >&2; exit 1; fi\n"
		"h=$( (sha256sum \"$t\" || shasum -a 256 \"$t\" || openssl dgst -sha256 -r \"$t\") 2>/dev/null)\n"
		"h=${h%%%% *}\n"
		"if [ -z \"$h\" ]; then echo \"sspsh: install: no sha256sum, shasum or openssl to check the copy\" >&2; exit 1; fi\n"
		"if [ \"$h\" != %s ]; then echo \"sspsh: install: the copy's SHA-256 is $h, not %s\" >&2; exit 1; fi\n"
		"chmod 0755 \"$t\" && mv -f \"$t\" \"$d/sspsh\" || exit 1\n"
		"trap - EXIT\n",
		size, size, sha256_hex, sha256_hex);
	put_sh_c(out, &script);
	buf_free(&script);
}
