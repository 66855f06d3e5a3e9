#include "core/bootstrap.h"

#include <string.h>

#include <mbedtls/platform_util.h>

#include "core/install_source.h"
#include "core/options.h"

static const char PREFIX[] = "SSPSH ";
#define PREFIX_LEN (sizeof PREFIX - 1)
static const char CONNECT[] = "SSPSH CONNECT ";
static const char NOTFOUND[] = "SSPSH NOTFOUND ";

/* Cuts the next space-separated token out of [*p, end); NULL when none is left. */
static const char *next_token(const char **p, const char *end, size_t *len)
{
	const char *s = *p, *t;

	while (s < end && *s == ' ')
		s++;
	if (s == end)
		return NULL;
	for (t = s; t < end && *t != ' '; t++)
		;
	*len = (size_t)(t - s);
	*p = t;
	return s;
}

static bool all_chars_in(const char *s, size_t len, const char *allowed)
{
	for (size_t i = 0; i < len; i++)
		if (!s[i] || !strchr(allowed, s[i]))
			return false;
	return true;
}

static bool parse_port(const char *s, size_t len, uint16_t *out)
{
	unsigned long v = 0;

	if (len == 0 || len > 5 || !all_chars_in(s, len, "0123456789"))
		return false;
	for (size_t i = 0; i < len; i++)
		v = v * 10 + (unsigned long)(s[i] - '0');
	if (v == 0 || v > 65535)
		return false;
	*out = (uint16_t)v;
	return true;
}

static const char BASE64_CHARS[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
/* Numeric IPv4 or IPv6, with an IPv6 scope (fe80::1%eth0). */
static const char ADDR_CHARS[] =
	"0123456789abcdefABCDEF.:%"
	"ghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ_-";

static size_t strip_trailing_cr(const char *line, size_t len)
{
	while (len > 0 && line[len - 1] == '\r')
		len--;
	return len;
}

#define VERSION_CHARS "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.+-~"
#define MACHINE_CHARS "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-"
#define EXE_CHARS MACHINE_CHARS "./~+@,"

/* value into out (cap bytes with its NUL) if it is 1..cap-1 of the allowed characters. */
static bool copy_word(const char *value, size_t len, const char *allowed, char *out, size_t cap)
{
	if (len == 0 || len >= cap || !all_chars_in(value, len, allowed))
		return false;
	memcpy(out, value, len);
	out[len] = '\0';
	return true;
}

static bool name_is(const char *name, size_t len, const char *want)
{
	return len == strlen(want) && memcmp(name, want, len) == 0;
}

/* One name=value field of the CONNECT line; unknown names pass. */
static bool parse_field(const char *name, size_t name_len, const char *value, size_t len,
			struct bootstrap_connect *out)
{
	if (name_is(name, name_len, "proto")) {
		unsigned long v = 0;

		if (len == 0 || len > 5 || !all_chars_in(value, len, "0123456789"))
			return false;
		for (size_t i = 0; i < len; i++)
			v = v * 10 + (unsigned long)(value[i] - '0');
		out->protocol = (unsigned)v;
		return v > 0;
	}
	if (name_is(name, name_len, "version"))
		return copy_word(value, len, VERSION_CHARS, out->version, sizeof out->version);
	if (name_is(name, name_len, "machine"))
		return copy_word(value, len, MACHINE_CHARS, out->machine, sizeof out->machine);
	if (name_is(name, name_len, "exe"))
		return copy_word(value, len, EXE_CHARS, out->exe, sizeof out->exe);
	return true;
}

void bootstrap_format_connect(struct buf *out, uint16_t port, const char *key, const char *addr,
			      const char *exe)
{
	buf_reset(out);
	buf_printf(out, "SSPSH CONNECT %u %s", port, key);
	if (addr && addr[0])
		buf_printf(out, " %s", addr);
	buf_printf(out, " proto=%d version=%s machine=%s", SSPSH_PROTOCOL_VERSION, SSPSH_VERSION,
		   machine_self());
	if (exe && exe[0] && strlen(exe) <= BOOTSTRAP_EXE_MAX && all_chars_in(exe, strlen(exe), EXE_CHARS))
		buf_printf(out, " exe=%s", exe);
	buf_put_u8(out, '\n');
}

bool bootstrap_parse_connect(const char *line, size_t len, struct bootstrap_connect *out)
{
	size_t n = strlen(CONNECT), tlen = 0;
	const char *end, *p, *tok;
	bool saw_addr = false;

	memset(out, 0, sizeof *out);
	len = strip_trailing_cr(line, len);
	if (len < n || memcmp(line, CONNECT, n) != 0)
		return false;
	end = line + len;
	p = line + n;

	tok = next_token(&p, end, &tlen);
	if (!tok || !parse_port(tok, tlen, &out->port))
		goto bad;
	tok = next_token(&p, end, &tlen);
	if (!tok || tlen > BOOTSTRAP_KEY_MAX || !all_chars_in(tok, tlen, BASE64_CHARS))
		goto bad;
	memcpy(out->key, tok, tlen);
	while ((tok = next_token(&p, end, &tlen))) {
		const char *eq = memchr(tok, '=', tlen);

		if (eq && !parse_field(tok, (size_t)(eq - tok), eq + 1, tlen - (size_t)(eq - tok) - 1, out))
			goto bad;
		if (eq || saw_addr)
			continue;	/* a word after the address: a newer server's */
		if (tlen > BOOTSTRAP_ADDR_MAX || !all_chars_in(tok, tlen, ADDR_CHARS))
			goto bad;
		memcpy(out->addr, tok, tlen);
		saw_addr = true;
	}
	return true;
bad:
	mbedtls_platform_zeroize(out, sizeof *out);
	return false;
}

static bool parse_notfound(const char *line, size_t len, char *platform)
{
	size_t n = strlen(NOTFOUND);

	len = strip_trailing_cr(line, len);
	if (len < n || memcmp(line, NOTFOUND, n) != 0)
		return false;
	len -= n;
	if (len > BOOTSTRAP_PLATFORM_MAX)
		len = BOOTSTRAP_PLATFORM_MAX;
	memcpy(platform, line + n, len);
	platform[len] = '\0';
	return true;
}

void bootstrap_scan_init(struct bootstrap_scan *s)
{
	memset(s, 0, sizeof *s);
}

static bool is_connect_line(const char *line, size_t len)
{
	size_t n = strlen(CONNECT);

	return len >= n && memcmp(line, CONNECT, n) == 0;
}

/* A line that started like ours ended (at a newline, or at end of output). */
static void take_line(struct bootstrap_scan *s, bool newline, struct buf *passthrough)
{
	struct bootstrap_connect c;

	if (is_connect_line(s->line, s->len)) {
		if (bootstrap_parse_connect(s->line, s->len, &c)) {
			s->connect = c;
			s->have_connect = true;
		} else {
			s->saw_bad_connect = true;
		}
		mbedtls_platform_zeroize(&c, sizeof c);
	} else if (parse_notfound(s->line, s->len, s->platform)) {
		s->have_notfound = true;
	} else {
		buf_put(passthrough, s->line, s->len);
		if (newline)
			buf_put_u8(passthrough, '\n');
	}
	mbedtls_platform_zeroize(s->line, s->len);
	s->len = 0;
}

/* The held-back start of a line turned out not to be ours (or too long). */
static void give_up_line(struct bootstrap_scan *s, struct buf *passthrough)
{
	if (is_connect_line(s->line, s->len)) {
		s->saw_bad_connect = true;
		s->dropping = true;
	} else {
		buf_put(passthrough, s->line, s->len);
		s->passing = true;
	}
	mbedtls_platform_zeroize(s->line, s->len);
	s->len = 0;
}

static void feed_byte(struct bootstrap_scan *s, char c, struct buf *passthrough)
{
	if (s->passing || s->dropping) {
		if (s->passing)
			buf_put_u8(passthrough, (uint8_t)c);
		if (c == '\n')
			s->passing = s->dropping = false;
		return;
	}
	if (c == '\n') {
		take_line(s, true, passthrough);
		return;
	}
	s->line[s->len++] = c;
	if (s->len <= PREFIX_LEN && memcmp(s->line, PREFIX, s->len) != 0)
		give_up_line(s, passthrough);
	else if (s->len == sizeof s->line)
		give_up_line(s, passthrough);
}

void bootstrap_scan_feed(struct bootstrap_scan *s, const uint8_t *data, size_t len,
			 struct buf *passthrough)
{
	for (size_t i = 0; i < len; i++)
		feed_byte(s, (char)data[i], passthrough);
}

void bootstrap_scan_finish(struct bootstrap_scan *s, struct buf *passthrough)
{
	if (s->len > 0)
		take_line(s, false, passthrough);
	s->passing = s->dropping = false;
}

void bootstrap_scan_wipe(struct bootstrap_scan *s)
{
	mbedtls_platform_zeroize(s, sizeof *s);
}
