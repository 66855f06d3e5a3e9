#include "applets/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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
	unsigned long v = strtoul(text, &end, 10);

	if (!*text || *end || v < 1 || v > 65535)
		return false;
	*port = (unsigned)v;
	return true;
}
