#include "applets/session/daemon_user.h"

#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/options.h"
#include "core/passwd.h"

extern char **environ;

/* Whether the daemon's variable `entry` (NAME=VALUE) reaches the user's
 * sessions: the locale does, nothing else of root's environment. */
static bool kept_variable(const char *entry)
{
	return strncmp(entry, "LANG=", 5) == 0 || strncmp(entry, "LC_", 3) == 0 ||
	       strncmp(entry, "TERM=", 5) == 0;
}

/* A login environment for user, as login(1) makes it: HOME, SHELL, USER,
 * LOGNAME, PATH, and the locale and TERM the daemon had. */
static bool set_user_environment(const char *user)
{
	char home[512], shell[512];
	char *kept[64];
	int n = 0;

	if (!passwd_lookup("/etc/passwd", getuid(), home, sizeof home, shell, sizeof shell)) {
		log_error("uid %u is not in /etc/passwd", (unsigned)getuid());
		return false;
	}
	for (char **e = environ; e && *e && n < 64; e++)
		if (kept_variable(*e) && !(kept[n++] = strdup(*e)))
			return false;
	if (clearenv() != 0)
		return false;
	for (int i = 0; i < n; i++)
		putenv(kept[i]);	/* the environment owns them now */
	if (setenv("HOME", home, 1) || setenv("SHELL", shell, 1) || setenv("USER", user, 1) ||
	    setenv("LOGNAME", user, 1) || setenv("PATH", SSPSH_USER_PATH, 1))
		return false;
	if (chdir(home) != 0)
		log_warn("cannot enter %s: %s", home, strerror(errno));
	return true;
}

/* The user's groups from /etc/group, as initgroups(3) (read by hand: the
 * binary is static). */
static bool set_user_groups(const char *user, gid_t gid)
{
	gid_t gids[SSPSH_USER_GROUPS_MAX];
	int n = passwd_groups("/etc/group", user, gid, gids, SSPSH_USER_GROUPS_MAX);

	if (n < 0) {
		log_error("server: cannot read the groups of %s from /etc/group", user);
		return false;
	}
	return setgroups((size_t)n, gids) == 0;
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
	if (!set_user_groups(user, gid) || setgid(gid) != 0 || setuid(uid) != 0) {
		log_error("server: cannot become %s: %s", user, strerror(errno));
		return false;
	}
	if (setuid(0) == 0) {
		log_error("server: could regain root after switching to %s; refusing to go on", user);
		return false;
	}
	if (!set_user_environment(user)) {
		log_error("server: cannot set up the environment of %s", user);
		return false;
	}
	return true;
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
