/* ssh's askpass helper for the client's relay (SSH_ASKPASS is this
 * executable, run as `sspsh PROMPT` with SSPSH_ASKPASS_SOCKET set; see
 * applets/session/askpass.h). Not an applet of its own: main.c runs it. */
#include <stdlib.h>

#include "applets/applets.h"
#include "applets/session/askpass.h"

bool askpass_wanted(int argc)
{
	const char *socket_path = getenv(ASKPASS_SOCKET_ENV);

	return argc == 2 && socket_path && socket_path[0] == '/';
}

int askpass_main(int argc, char **argv)
{
	(void)argc;
	return askpass_helper_run(getenv(ASKPASS_SOCKET_ENV), argv[1]);
}
