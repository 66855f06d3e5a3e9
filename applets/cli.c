#include "applets/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applets/applets.h"

int cli_usage_error(const char *applet, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "sspsh: %s: ", applet);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (sspsh %s --help shows the options)\n", applet);
	return EXIT_USAGE;
}

bool cli_parse_port(const char *text, unsigned *port)
{
	char *end;
	unsigned long v;

	if (*text < '0' || *text > '9')	/* strtoul would take " +80" and "-1" */
		return false;
	v = strtoul(text, &end, 10);
	if (*end || v < 1 || v > 65535)
		return false;
	*port = (unsigned)v;
	return true;
}

bool cli_parse_port_range(const char *text, unsigned *low, unsigned *high)
{
	const char *colon = strchr(text, ':');
	char first[8];

	if (!colon)
		return cli_parse_port(text, low) && cli_parse_port(text, high);
	if ((size_t)(colon - text) >= sizeof first)
		return false;
	memcpy(first, text, (size_t)(colon - text));
	first[colon - text] = '\0';
	return cli_parse_port(first, low) && cli_parse_port(colon + 1, high) && *low <= *high;
}
