/* Command-line helpers shared by the applets. */
#ifndef SSPSH_CLI_H
#define SSPSH_CLI_H

#include <stdbool.h>

/* Reports a usage error of `applet` as one line on stderr, with a pointer
 * to its --help, and returns EXIT_USAGE. */
int cli_usage_error(const char *applet, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A decimal port number 1..65535, the whole text. */
bool cli_parse_port(const char *text, unsigned *port);
/* "PORT" (low = high) or "LOW:HIGH" with LOW <= HIGH. */
bool cli_parse_port_range(const char *text, unsigned *low, unsigned *high);

#endif
