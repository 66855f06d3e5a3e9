/* The user's terminal: raw mode that is always given back. */
#ifndef SSPSH_TTY_H
#define SSPSH_TTY_H

#include <stdbool.h>

/* Saves the terminal's modes and makes it raw. The saved modes come back
 * with tty_restore, and at exit() if the program forgets; a second call
 * while raw keeps the modes first saved. false (logged) if fd is not a
 * terminal. */
bool tty_raw(int fd);
/* Gives back the saved modes (safe to call repeatedly, and from a signal
 * handler). */
void tty_restore(void);
/* Current window size; false if unknown. */
bool tty_size(int fd, int *cols, int *rows);
/* One byte typed on fd (a terminal in canonical mode: a line at a time),
 * waiting for it however long, unless a signal caught with core/signals.h
 * arrives first (a Ctrl-C): 1, 0 at the end of input, -1 on an error or
 * a signal (the caller takes it). */
int tty_read_key(int fd, unsigned char *key);

#endif
