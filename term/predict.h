/* Predictive local echo: what the user types appears at once, before the
 * server's frame with the echo comes back.
 *
 * The engine keeps a list of predicted cell contents and cursor moves, each
 * tagged with the input-stream offset of the key that made it and with an
 * epoch. The server's frames carry an echo ack (input bytes the server had
 * processed when it took the frame); a prediction whose key is covered by
 * the ack is judged against that frame: right, it is dropped (the frame now
 * shows it) and, if it changed the cell, its epoch is confirmed; wrong, its
 * epoch and every later one are dropped at once.
 *
 * An epoch is shown only once one of its predictions (or a later epoch's)
 * has been confirmed. A new epoch starts wherever the guess gets shaky: a
 * new line, a line wrap, after a wrong guess, after a key whose effect
 * cannot be guessed (Tab, Up, Ctrl-anything...). After such a key the
 * engine predicts nothing until the server has caught up with every key
 * typed, then starts again from the server's cursor. So with echo off
 * (a password prompt) typed characters are never shown: their epoch is
 * never confirmed.
 *
 * The client shows predict_apply(clone of the newest server frame): the
 * predictions are an overlay, never written into the server's state, so
 * once every key is acknowledged the screen is exactly the server's. */
#ifndef SSPSH_PREDICT_H
#define SSPSH_PREDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "term/fb.h"
#include "term/keys.h"

enum predict_mode {
	PREDICT_ADAPTIVE,	/* show when the round trip is slow; underline when very slow */
	PREDICT_ALWAYS,		/* show whatever the round trip; underline when very slow */
	PREDICT_NEVER,		/* no prediction at all */
};

/* "adaptive", "always" or "never"; false for anything else. */
bool predict_parse_mode(const char *name, enum predict_mode *mode);
const char *predict_mode_name(enum predict_mode mode);

struct predict;

/* NULL on out of memory. */
struct predict *predict_new(enum predict_mode mode);
void predict_free(struct predict *p);

/* The smoothed round trip, which decides in adaptive mode whether
 * predictions show and whether unconfirmed ones are underlined. */
void predict_set_rtt(struct predict *p, int srtt_ms);

/* A new frame from the server, with its echo ack. Call it for the first
 * frame too: keys typed before any frame are not predicted. */
void predict_server_frame(struct predict *p, const struct fb *server, uint64_t echo_ack,
			  uint64_t now_ms);
/* A key the user typed. `input_pos` is the position in the input stream
 * sent to the server (the unit of the echo ack) once the key's bytes are
 * in it. */
void predict_key(struct predict *p, const struct key *key, uint64_t input_pos, uint64_t now_ms);

/* Draw the predictions to be shown onto `frame`, a copy of the newest
 * server frame (the one last given to predict_server_frame). Returns true
 * if it changed anything. */
bool predict_apply(const struct predict *p, struct fb *frame, uint64_t now_ms);
/* Milliseconds until predict_apply may draw differently with time alone
 * (a stalled prediction starts to show on a fast link); -1: never. */
int predict_wait_ms(const struct predict *p, uint64_t now_ms);

/* Predicted cells not yet judged (for tests and benchmarks). */
size_t predict_pending(const struct predict *p);

#endif
