#include "applets/session/login.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/passwd.h"

void login_find(struct login *l)
{
	const char *home = getenv("HOME"), *shell = getenv("SHELL"), *base;
	char pw_home[512] = "", pw_shell[512] = "";

	passwd_lookup("/etc/passwd", getuid(), pw_home, sizeof pw_home, pw_shell, sizeof pw_shell);
	snprintf(l->home, sizeof l->home, "%s", home && *home ? home : *pw_home ? pw_home : "/");
	snprintf(l->shell, sizeof l->shell, "%s",
		 shell && *shell ? shell : *pw_shell ? pw_shell : "/bin/sh");
	base = strrchr(l->shell, '/');
	snprintf(l->argv0, sizeof l->argv0, "-%s", base ? base + 1 : l->shell);
	l->argv[0] = l->argv0;
	l->argv[1] = NULL;
}
