/* Leaving the terminal: fork (the parent exits 0), new session, standard
 * streams on /dev/null, logging silenced. */
#ifndef SSPSH_DAEMONIZE_H
#define SSPSH_DAEMONIZE_H

#include <stdbool.h>

/* Returns in the child only; false (logged) if it failed. */
bool daemonize(void);

#endif
