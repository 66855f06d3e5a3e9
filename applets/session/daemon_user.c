#include "applets/session/daemon_user.h"

#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/passwd.h"

static bool set_user_environment(void)
{
	char home[512], shell[512];

	if (!passwd_lookup("/etc/passwd", getuid(), home, sizeof home, shell, sizeof shell)) {
		log_error("uid %u is not in /etc/passwd", (unsigned)getuid());
		return false;
	}
	setenv("HOME", home, 1);
	setenv("SHELL", shell, 1);
	if (chdir(home) != 0)
		log_warn("cannot enter %s: %s", home, strerror(errno));
	return true;
}

bool daemon_user_switch(const char *user)
{
	uid_t uid;
	gid_t gid;

	if (!passwd_lookup_name("/etc/passwd", user, &uid, &gid)) {
		log_error("server: no user '%s' in /etc/passwd", user);
		return false;
	}
	if (getuid() == uid && geteuid() == uid)
		return true;	/* already NAME: keep the environment as it is */
	if (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(uid) != 0) {
		log_error("server: cannot become %s: %s", user, strerror(errno));
		return false;
	}
	if (setuid(0) == 0) {
		log_error("server: could regain root after switching to %s; refusing to go on", user);
		return false;
	}
	setenv("USER", user, 1);
	setenv("LOGNAME", user, 1);
	return set_user_environment();
}

bool daemon_user_check(const char *user)
{
	if (geteuid() == 0 && !user) {
		log_error("server: refusing to run as root; give --user NAME to run as NAME "
			  "(--user root if you really mean root)");
		return false;
	}
	if (geteuid() != 0 && user) {
		log_error("server: --user needs root (the daemon runs as its own user anyway)");
		return false;
	}
	return true;
}
