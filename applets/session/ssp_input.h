/* The client -> server synchronized object: the user's input stream.
 *
 * The stream is an append-only log of events (keystrokes, window sizes,
 * and first of all the client's locale variables and command for a new
 * SSH-free session)
 * and a state is a position in it; the diff between two states is the log
 * between their positions, so every event arrives exactly once and in
 * order however datagrams are lost or repeated. The client appends to its
 * current state and trims what the server has acknowledged (snapshots share
 * the log, so they cost no copy); the server reads the events past the
 * position it has already consumed.
 *
 * Positions count bytes of the encoded log. The server's frames carry the
 * position it had processed (the echo ack), which prediction compares with
 * the positions input_pos() reported as keys were added. */
#ifndef SSPSH_SSP_INPUT_H
#define SSPSH_SSP_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/ssp.h"

extern const struct ssp_state_ops ssp_input_ops;

struct ssp_input;

/* An empty stream at position 0 (the initial state of both sides). */
struct ssp_input *input_new(void);
void input_free(struct ssp_input *in);
uint64_t input_pos(const struct ssp_input *in);

/* Client side: append to the current state. false on OOM. */
bool input_add_keys(struct ssp_input *in, const void *bytes, size_t len);
bool input_add_resize(struct ssp_input *in, int cols, int rows);
/* A locale variable, "LANG=..." or "LC_...=..." (input_env_valid); false
 * for anything else, or on OOM. */
bool input_add_env(struct ssp_input *in, const char *entry);
/* Whether `len` bytes are a locale variable a session takes: LANG or LC_
 * and capitals, '=', then letters, digits and ._@- only, at most
 * SSPSH_SESSION_ENV_LEN_MAX bytes in all. */
bool input_env_valid(const uint8_t *entry, size_t len);
/* The command of a new SSH-free session (argv NULL or empty: the login
 * shell); false if input_command_fits refuses it, or on OOM. */
bool input_add_command(struct ssp_input *in, char *const *argv);
/* At most SSPSH_SESSION_MAX_ARGS words of SSPSH_SESSION_COMMAND_MAX bytes
 * in all, counting a NUL after each. */
bool input_command_fits(char *const *argv);
/* Whether `len` bytes are a command as it travels: words, each ending in
 * a NUL, as many and as long as input_command_fits allows. */
bool input_command_valid(const uint8_t *words, size_t len);
/* A snapshot of the current state for the SSP (shares the log). */
struct ssp_input *input_snapshot(const struct ssp_input *in);
/* Forget log bytes before `pos` (the peer has acknowledged them). */
void input_trim(struct ssp_input *in, uint64_t pos);
/* Bytes held in the log (for flow control and memory bounds). */
size_t input_log_bytes(const struct ssp_input *in);

/* Server side: the event at *cursor, advancing it. false at the end (or if
 * *cursor is not an event boundary this state holds). */
enum input_event_type { INPUT_KEYS = 'K', INPUT_RESIZE = 'R', INPUT_ENV = 'E', INPUT_COMMAND = 'C' };
struct input_event {
	enum input_event_type type;
	const uint8_t *keys;	/* INPUT_KEYS; INPUT_ENV: the NAME=VALUE; INPUT_COMMAND: the words */
	size_t len;
	int cols, rows;		/* INPUT_RESIZE */
};
bool input_next_event(const struct ssp_input *in, uint64_t *cursor, struct input_event *ev);

#endif
