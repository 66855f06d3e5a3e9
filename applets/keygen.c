/* sspsh keygen: X25519 key pairs for SSH-free sessions. */
#include <stdio.h>

#include "applets/applets.h"

const char keygen_usage[] =
"usage: sspsh keygen [-f FILE] [-C COMMENT]\n"
"       sspsh keygen -y [-f FILE]\n"
"\n"
"  -f FILE     private key file (default ~/.sspsh/id_x25519; public key in FILE.pub)\n"
"  -C COMMENT  comment stored with the public key\n"
"  -y          print the public key of a private key file\n";

int keygen_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "sspsh: keygen: not built yet\n");
	return EXIT_USAGE;
}
