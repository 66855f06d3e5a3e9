#include "core/remote_cmd.h"

#include <stdlib.h>
#include <string.h>

#include "core/base64.h"
#include "core/shell_words.h"

/* Every script is one line with no single quote, backslash or '!': put in
 * single quotes, it reaches sh unchanged whatever the login shell that ssh
 * hands it to (sh, bash, dash, zsh, fish, csh, tcsh: fish gives meaning to
 * a backslash in single quotes, csh refuses a newline in them). Words that
 * come from the user travel as base64 (remote_cmd_argv_decode). */
#define INSTALLED "\"$HOME/" REMOTE_INSTALL_DIR "/sspsh\""
#define REPORT_NOT_FOUND "echo \"SSPSH NOTFOUND $(uname -sm)\""

/* Whether every shell reads word as itself, unquoted. */
static bool word_is_plain(const char *word)
{
	if (!*word)
		return false;
	for (const char *c = word; *c; c++)
		if (!(*c >= 'a' && *c <= 'z') && !(*c >= 'A' && *c <= 'Z') && !(*c >= '0' && *c <= '9') &&
		    !strchr("_./:=@%+,-", *c))
			return false;
	return true;
}

static size_t count_words(const char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

/* The words after "server": -p PORT --scrollback N -l NAME=VALUE... --
 * COMMAND..., in a new NULL-terminated vector (free() it); NULL if out of
 * memory. */
static const char **server_words(const struct remote_server_args *a, size_t *count)
{
	const char **w = calloc(6 + 2 * count_words(a->env) + count_words(a->command), sizeof *w);
	size_t n = 0;

	if (!w)
		return NULL;
	if (a->port) {
		w[n++] = "-p";
		w[n++] = a->port;
	}
	if (a->scrollback) {
		w[n++] = "--scrollback";
		w[n++] = a->scrollback;
	}
	for (const char *const *e = a->env; e && *e; e++) {
		w[n++] = "-l";
		w[n++] = *e;
	}
	if (a->command && a->command[0]) {
		w[n++] = "--";
		for (const char *const *c = a->command; *c; c++)
			w[n++] = *c;
	}
	*count = n;
	return w;
}

/* " --argv BASE64" of words, each with its NUL. */
static void put_packed_words(struct buf *s, const char **words, size_t n)
{
	struct buf packed;
	char *text;

	buf_init(&packed);
	for (size_t i = 0; i < n; i++)
		buf_put(&packed, words[i], strlen(words[i]) + 1);
	text = packed.oom ? NULL : malloc(BASE64_LEN(packed.len) + 1);
	if (text && base64_encode(packed.data, packed.len, text, BASE64_LEN(packed.len) + 1)) {
		buf_put_str(s, " " REMOTE_ARGV_OPTION " ");
		buf_put_str(s, text);
	} else {
		s->oom = true;
	}
	free(text);
	buf_free(&packed);
}

/* " server WORDS" when every word is plain, else " server --argv BASE64"
 * with each word and its NUL. */
static void put_server_args(struct buf *s, const struct remote_server_args *a)
{
	size_t n = 0;
	const char **words = server_words(a, &n);
	bool plain = true;

	buf_put_str(s, " server");
	if (!words) {
		s->oom = true;
		return;
	}
	for (size_t i = 0; i < n; i++)
		plain = plain && word_is_plain(words[i]);
	if (plain) {
		for (size_t i = 0; i < n; i++) {
			buf_put_u8(s, ' ');
			buf_put_str(s, words[i]);
		}
	} else {
		put_packed_words(s, words, n);
	}
	free(words);
}

static void put_find_script(struct buf *s, const struct remote_server_args *a)
{
	if (a->server) {
		/* The user's own words: a path, or a command with arguments. */
		buf_put_str(s, a->server);
		put_server_args(s, a);
		buf_put_str(s, "; s=$?; if [ $s -eq 127 ]; then " REPORT_NOT_FOUND "; fi; exit $s");
		return;
	}
	buf_put_str(s, "if command -v sspsh >/dev/null 2>&1; then exec sspsh");
	put_server_args(s, a);
	buf_put_str(s, "; fi; if [ -x " INSTALLED " ]; then exec " INSTALLED);
	put_server_args(s, a);
	buf_put_str(s, "; fi; " REPORT_NOT_FOUND "; exit 127");
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
	struct buf script;

	buf_init(&script);
	if (strpbrk(target, "\"$`\\!'")) {
		out->oom = true;	/* sspsh makes the target: an address and a port */
		return;
	}
	if (server) {
		buf_printf(&script, "exec %s relay \"%s\"", server, target);
	} else {
		buf_printf(&script, "if command -v sspsh >/dev/null 2>&1; then exec sspsh relay \"%s\"; fi; "
			   "if [ -x " INSTALLED " ]; then exec " INSTALLED " relay \"%s\"; fi; "
			   "echo \"sspsh: relay: no sspsh on this host\" >&2; exit 127", target, target);
	}
	put_sh_c(out, &script);
	buf_free(&script);
}

bool remote_cmd_argv_decode(const char *text, char ***words, int *count)
{
	size_t text_len = strlen(text), len, n = 0;
	uint8_t *bytes;
	char **v;

	*words = NULL;
	*count = 0;
	if (text_len == 0 || text_len % 4 != 0)
		return false;
	len = text_len / 4 * 3 - (text[text_len - 1] == '=') - (text[text_len - 2] == '=');
	bytes = malloc(len + 1);
	if (!bytes || !base64_decode_exact(text, text_len, bytes, len) || bytes[len - 1] != '\0') {
		free(bytes);
		return false;
	}
	for (size_t i = 0; i < len; i++)
		n += bytes[i] == '\0';
	v = calloc(n + 1, sizeof *v);
	if (!v) {
		free(bytes);
		return false;
	}
	for (size_t i = 0, w = 0; i < len; i += strlen((char *)bytes + i) + 1)
		v[w++] = (char *)bytes + i;
	*words = v;
	*count = (int)n;
	return true;
}

void remote_cmd_argv_free(char **words)
{
	if (words)
		free(words[0]);	/* the decoded text, which every word points into */
	free(words);
}

void remote_cmd_install(struct buf *out, size_t size, const char *sha256_hex)
{
	struct buf script;

	buf_init(&script);
	buf_printf(&script,
		"d=\"$HOME/" REMOTE_INSTALL_DIR "\"; t=\"$d/.sspsh-install.$$\"; "
		"umask 022; mkdir -p \"$d\" || exit 1; "
		"sspsh_drop() { rm -f \"$t\"; }; trap sspsh_drop EXIT; "
		"cat >\"$t\" || exit 1; "
		"n=$(wc -c <\"$t\"); "
		"if [ $n -ne %zu ]; then echo \"sspsh: install: received $n of %zu bytes\" >&2; exit 1; fi; "
		"h=$( (sha256sum \"$t\" || shasum -a 256 \"$t\" || openssl dgst -sha256 -r \"$t\") 2>/dev/null); "
		"h=${h%%%% *}; "
		"if [ -z \"$h\" ]; then echo \"sspsh: install: no sha256sum, shasum or openssl to check the copy\" >&2; exit 1; fi; "
		"if [ \"$h\" != %s ]; then echo \"sspsh: install: the SHA-256 of the copy is $h, not %s\" >&2; exit 1; fi; "
		"chmod 0755 \"$t\" && mv -f \"$t\" \"$d/sspsh\" || exit 1; "
		"trap - EXIT",
		size, size, sha256_hex, sha256_hex);
	put_sh_c(out, &script);
	buf_free(&script);
}
