/* The server -> client synchronized object: the terminal as the program
 * left it. A frame is a framebuffer (screen, cursor, modes, title, bell
 * count) plus the echo ack, the position of the client's input stream the
 * server had processed when the frame was taken, and whether the session
 * has ended.
 *
 * The diff between two frames is the display diff (term/display.h) that
 * turns a terminal showing one into the other; the client applies it to its
 * copy of the base frame with an emulator. Frames share rows (fb_clone), so
 * the SSP's kept states cost little. */
#ifndef SSPSH_SSP_FRAME_H
#define SSPSH_SSP_FRAME_H

#include <stdbool.h>
#include <stdint.h>

#include "net/ssp.h"
#include "term/fb.h"

extern const struct ssp_state_ops ssp_frame_ops;

struct ssp_frame;

/* Takes ownership of fb (NULL: no screen yet, the initial state). NULL on
 * OOM (fb is freed). */
struct ssp_frame *ssp_frame_new(struct fb *fb, uint64_t echo_ack, bool ended);
void ssp_frame_free(struct ssp_frame *frame);

const struct fb *ssp_frame_fb(const struct ssp_frame *frame);
uint64_t ssp_frame_echo_ack(const struct ssp_frame *frame);
bool ssp_frame_ended(const struct ssp_frame *frame);

#endif
