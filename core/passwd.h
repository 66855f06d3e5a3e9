/* The user's home and login shell, read from /etc/passwd by hand: the
 * binary is static, and glibc's getpwuid would need its NSS modules. */
#ifndef SSPSH_PASSWD_H
#define SSPSH_PASSWD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Looks uid up in the passwd file at `path`; false if not found. */
bool passwd_lookup(const char *path, uid_t uid, char *home, size_t home_cap,
		   char *shell, size_t shell_cap);

/* The name of uid (the first entry with it); false if not found or it
 * does not fit name_cap. */
bool passwd_name(const char *path, uid_t uid, char *name, size_t name_cap);

/* Looks a user name up: its uid and primary gid; false if not found. */
bool passwd_lookup_name(const char *path, const char *name, uid_t *uid, gid_t *gid);

/* The groups of user `name` in the group file at `path` (lines
 * "name:pw:gid:member,member"), its primary gid first, as initgroups(3)
 * gives them: at most cap ids into gids. Returns how many, or -1 if the
 * file cannot be read or holds more than cap. */
int passwd_groups(const char *path, const char *name, gid_t primary, gid_t *gids, int cap);

#endif
