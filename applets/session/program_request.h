/* What the client of a new SSH-free session sends inside the session for
 * its program, before the program starts: its locale variables (INPUT_ENV)
 * and then the command (INPUT_COMMAND, applets/session/ssp_input.h). They
 * travel under the session's transport keys, not in the handshake, so a
 * later theft of the daemon's key does not reveal them. The command comes
 * last: once it is here, the program can start. */
#ifndef SSPSH_PROGRAM_REQUEST_H
#define SSPSH_PROGRAM_REQUEST_H

#include <stdbool.h>

#include "applets/session/ssp_input.h"
#include "core/options.h"

struct program_request {
	char *env[SSPSH_SESSION_ENV_MAX];	/* NAME=VALUE */
	int n_env;
	bool has_command;
	char *words;				/* the command's, NUL-separated */
	char *argv[SSPSH_SESSION_MAX_ARGS + 1];	/* into words; argv[0] NULL: the login shell */
};

/* Keeps an INPUT_ENV (the first SSPSH_SESSION_ENV_MAX) or the first
 * INPUT_COMMAND event; ignores any other. False if out of memory (the
 * event is dropped). */
bool program_request_take(struct program_request *pr, const struct input_event *ev);
/* The command, once it has come (argv[0] NULL: the login shell); NULL
 * before. */
char *const *program_request_command(const struct program_request *pr);
/* Forgets everything (zeroed: ready for reuse). */
void program_request_free(struct program_request *pr);

#endif
