/* Running the user's ssh for `sspsh connect HOST`. ssh keeps the user's
 * terminal as its controlling tty and stderr, so password prompts and
 * host-key questions (which ssh asks on /dev/tty) and its errors reach the
 * user unchanged; whatever ssh leaves the terminal like is undone when it
 * exits. Ctrl-C while ssh runs stops ssh, not us. */
#ifndef SSPSH_SSH_SPAWN_H
#define SSPSH_SSH_SPAWN_H

#include <stdbool.h>

#include "core/bootstrap.h"

/* ssh's exit status, or 128 + the signal that killed it. */
#define SSH_SPAWN_FAILED (-1)	/* could not start it at all (logged) */

/* Runs argv with stdin from /dev/null, so keys typed meanwhile wait in the
 * terminal for the session; its stdout goes through scan, and what is not a
 * line of ours is copied to our stderr as it comes. Once a CONNECT line is in, ssh gets
 * SSPSH_SSH_LINGER_MS to finish before it is stopped. Returns the status. */
int ssh_spawn_scan(char *const argv[], struct bootstrap_scan *scan);

/* Runs argv with stdin from /dev/null and appends its stdout to out (up to
 * about max bytes; the rest is read and dropped). Returns the status. */
int ssh_spawn_capture(char *const argv[], struct buf *out, size_t max);

/* Runs argv with stdin read from input_fd (-1: ours); stdout and stderr are
 * ours, or /dev/null when quiet. Returns the status. */
int ssh_spawn_feed(char *const argv[], int input_fd, bool quiet);

#endif
