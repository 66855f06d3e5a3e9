/* The client's predictive echo: the keyboard bytes it sends are parsed
 * into keys (term/keys.h) and guessed at (term/predict.h); the frame it
 * paints is the server's frame with the guesses drawn over it.
 *
 * The connect loop, in order:
 *     typed bytes -> input stream, then local_echo_typed(pos after them)
 *     a new server frame -> local_echo_frame(fb, echo ack, srtt)
 *     painting -> local_echo_draw over a copy of the server's frame
 *                 (the screen's overlay seam), and after typed bytes too
 *     poll timeout <= local_echo_wait_ms; local_echo_tick when it expires */
#ifndef SSPSH_LOCAL_ECHO_H
#define SSPSH_LOCAL_ECHO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "term/fb.h"
#include "term/predict.h"

struct local_echo;

/* NULL on out of memory; with libtermkey unusable, a local_echo that
 * predicts nothing. */
struct local_echo *local_echo_new(enum predict_mode mode);
void local_echo_free(struct local_echo *e);

/* The user typed `bytes`; they end at `input_pos` of the input stream. */
void local_echo_typed(struct local_echo *e, const void *bytes, size_t len, uint64_t input_pos,
		      uint64_t now_ms);
/* A newer server frame arrived. */
void local_echo_frame(struct local_echo *e, const struct fb *server, uint64_t echo_ack,
		      int srtt_ms, uint64_t now_ms);
/* Draws the guesses to show over `frame`, a copy of the newest server
 * frame. `ctx` is the struct local_echo (a screen_overlay_fn). */
void local_echo_draw(void *ctx, struct fb *frame, uint64_t now_ms);

/* Milliseconds until local_echo_tick has work (-1: none): a lone ESC to
 * settle, or a stalled guess to show. */
int local_echo_wait_ms(const struct local_echo *e, uint64_t now_ms);
/* Returns true when the painted frame may have changed. */
bool local_echo_tick(struct local_echo *e, uint64_t now_ms);

#endif
