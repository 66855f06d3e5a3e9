#include "applets/session/forward_spec.h"

#include <string.h>

#define FIELDS_MAX 4

/* Splits text at colons outside brackets into at most FIELDS_MAX fields,
 * each copied without its brackets. Returns the count, or -1. */
static int split(const char *text, char fields[FIELDS_MAX][FORWARD_HOST_MAX + 1])
{
	int n = 0;
	const char *p = text;

	for (;;) {
		const char *start = p, *end;
		bool bracketed = *p == '[';

		if (n == FIELDS_MAX)
			return -1;
		if (bracketed) {
			end = strchr(p, ']');
			if (!end || (end[1] != ':' && end[1] != '\0'))
				return -1;
			start = p + 1;
			p = end + 1;
		} else {
			end = strchr(p, ':');
			if (!end)
				end = p + strlen(p);
			p = end;
		}
		if ((size_t)(end - start) > FORWARD_HOST_MAX)
			return -1;
		memcpy(fields[n], start, (size_t)(end - start));
		fields[n][end - start] = '\0';
		n++;
		if (*p == '\0')
			return n;
		p++;	/* the colon */
	}
}

static bool parse_port(const char *text, uint16_t *port)
{
	unsigned long v = 0;

	if (!*text || strlen(text) > 5)
		return false;
	for (const char *c = text; *c; c++) {
		if (*c < '0' || *c > '9')
			return false;
		v = v * 10 + (unsigned long)(*c - '0');
	}
	if (v < 1 || v > 65535)
		return false;
	*port = (uint16_t)v;
	return true;
}

bool forward_spec_parse(enum forward_kind kind, const char *text, struct forward_spec *out,
			const char **why)
{
	char f[FIELDS_MAX][FORWARD_HOST_MAX + 1];
	int n = split(text, f), at = 0;
	int want = kind == FORWARD_DYNAMIC ? 1 : 3;

	memset(out, 0, sizeof *out);
	out->kind = kind;
	if (n != want && n != want + 1) {
		*why = kind == FORWARD_DYNAMIC ? "expected [BIND:]PORT"
					       : "expected [BIND:]PORT:HOST:HOSTPORT";
		return false;
	}
	if (n == want + 1)
		strcpy(out->bind, f[at++]);
	if (!parse_port(f[at++], &out->port)) {
		*why = "the port must be a number from 1 to 65535";
		return false;
	}
	if (kind == FORWARD_DYNAMIC)
		return true;
	strcpy(out->host, f[at++]);
	if (!out->host[0]) {
		*why = "the host is empty";
		return false;
	}
	if (!parse_port(f[at], &out->host_port)) {
		*why = "the host port must be a number from 1 to 65535";
		return false;
	}
	return true;
}
