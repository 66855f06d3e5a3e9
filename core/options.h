/* Every compile-time knob of sspsh, with its default and why. Override one
 * with CPPFLAGS, e.g. `make CPPFLAGS+=-DSSPSH_HEARTBEAT_MS=5000`. Modules
 * add their knobs here rather than hiding constants in .c files. */
#ifndef SSPSH_OPTIONS_H
#define SSPSH_OPTIONS_H

#define SSPSH_VERSION "0.1.0"

/* ---- Server ---- */
/* UDP ports tried, in order, when none is given. */
#ifndef SSPSH_PORT_LOW
#define SSPSH_PORT_LOW 60001
#endif
#ifndef SSPSH_PORT_HIGH
#define SSPSH_PORT_HIGH 60999
#endif
/* A server that no client has reached in this long gives up. */
#ifndef SSPSH_FIRST_CONTACT_TIMEOUT_MS
#define SSPSH_FIRST_CONTACT_TIMEOUT_MS 60000
#endif
/* TERM given to programs inside a session. */
#ifndef SSPSH_TERM
#define SSPSH_TERM "xterm-256color"
#endif

/* ---- Terminal ---- */
#ifndef SSPSH_DEFAULT_COLS
#define SSPSH_DEFAULT_COLS 80
#endif
#ifndef SSPSH_DEFAULT_ROWS
#define SSPSH_DEFAULT_ROWS 24
#endif
/* Largest window accepted from a peer or a program (guards memory). */
#ifndef SSPSH_MAX_COLS
#define SSPSH_MAX_COLS 1000
#endif
#ifndef SSPSH_MAX_ROWS
#define SSPSH_MAX_ROWS 500
#endif

#endif
