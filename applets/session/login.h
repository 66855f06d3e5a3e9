/* The user's login: home directory and shell, from the environment or
 * else /etc/passwd, and the argv that starts the shell as a login shell. */
#ifndef SSPSH_LOGIN_H
#define SSPSH_LOGIN_H

struct login {
	char home[512];
	char shell[512];
	char argv0[520];	/* "-bash": a login shell */
	char *argv[2];
};

void login_find(struct login *l);

#endif
