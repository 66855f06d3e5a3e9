/* sspsh server: the server side of a session. */
#include <stdio.h>

#include "applets/applets.h"

const char server_usage[] =
"usage: sspsh server [-i ADDR] [-p PORT|LOW:HIGH] [--foreground] [--timeout SECONDS]\n"
"                    [-l NAME=VALUE]... [-- COMMAND [ARG]...]\n"
"\n"
"Runs COMMAND (default: your login shell) in a pseudo-terminal and serves its\n"
"screen over UDP. Prints one line, SSPSH CONNECT <port> <key>, then detaches.\n"
"\n"
"  -i ADDR           bind to this local address (default: all)\n"
"  -p PORT|LOW:HIGH  UDP port, or the first free one of a range (default 60001:60999)\n"
"  --foreground      stay in the foreground and log to stderr\n"
"  --timeout SECONDS exit after this long without contact from the client\n"
"  -l NAME=VALUE     set an environment variable for COMMAND\n";

int server_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "sspsh: server: not built yet\n");
	return EXIT_USAGE;
}
