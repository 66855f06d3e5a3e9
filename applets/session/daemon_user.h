/* Who the SSH-free daemon runs as: never root unless told, and started as
 * root it becomes the --user for good right after binding its port. */
#ifndef SSPSH_DAEMON_USER_H
#define SSPSH_DAEMON_USER_H

#include <stdbool.h>

/* Root needs a user to become; anyone else must not name one. False
 * (logged) otherwise. */
bool daemon_user_check(const char *user);
/* Root becomes `user` (supplementary groups dropped, no way back) with its
 * HOME, SHELL, USER and LOGNAME; already `user`: nothing changes. False
 * (logged) on failure. */
bool daemon_user_switch(const char *user);

#endif
