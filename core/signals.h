/* Signals turned into poll()able events (the self-pipe trick). */
#ifndef SSPSH_SIGNALS_H
#define SSPSH_SIGNALS_H

#include <stdbool.h>

/* Catches each signal of the 0-terminated list; false (logged) on failure. */
bool signals_catch(const int *sigs);
/* Readable when a caught signal arrived. */
int signals_fd(void);
/* True once per arrival of `sig` since the last call for it; drains the fd. */
bool signals_take(int sig);
/* SIGINT, SIGQUIT, SIGTERM or SIGHUP, the first of them that arrived (each one
 * that did is taken), or 0; drains the fd as signals_take does. */
int signals_take_ending(void);

#endif
