/* sspsh connect: the client side of a session. */
#include <stdio.h>

#include "applets/applets.h"

const char connect_usage[] =
"usage: sspsh connect --direct HOST PORT        (key in $SSPSH_KEY)\n"
"       sspsh connect --local [--link SPEC] [-- COMMAND [ARG]...]\n"
"\n"
"  --direct HOST PORT  connect to a running `sspsh server`; the session key is\n"
"                      read from the environment variable SSPSH_KEY\n"
"  --local             start a server on loopback and connect to it\n"
"  --link SPEC         send traffic through the link emulator, SPEC being\n"
"                      delay=MS,jitter=MS,loss=P,dup=P,reorder=P\n"
"  --predict=MODE      local echo: adaptive (default), always or never\n";

int connect_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "sspsh: connect: not built yet\n");
	return EXIT_USAGE;
}
