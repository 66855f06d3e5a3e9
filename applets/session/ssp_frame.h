/* The server -> client synchronized object: the terminal as the program
 * left it. A frame is a framebuffer (screen, cursor, modes, title, bell
 * count) plus the echo ack, the position of the client's input stream the
 * server had processed when the frame was taken, and whether the session
 * has ended: why, and the status the client exits with.
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

/* Why a session ended, as its last frame tells the client. */
enum session_end_reason {
	SESSION_RUNNING = 0,
	SESSION_PROGRAM_EXITED = 1,	/* status: its exit status (255: unknown) */
	SESSION_PROGRAM_KILLED = 2,	/* status: 128 + the signal that ended it (> 128) */
	SESSION_SERVER_STOPPED = 3,	/* `sspsh server` was told to stop (SIGTERM, SIGHUP) */
	SESSION_DAEMON_STOPPED = 4,	/* the daemon serving it is shutting down */
	SESSION_KEY_REVOKED = 5,	/* its client's key left the daemon's authorized_keys */
};
#define SESSION_END_REASON_LAST SESSION_KEY_REVOKED

struct session_end {
	enum session_end_reason reason;
	uint8_t status;		/* the client's exit status, as ssh's (255: a connection problem) */
};

struct ssp_frame;

/* Takes ownership of fb (NULL: no screen yet, the initial state); end
 * NULL: the session runs. NULL on OOM (fb is freed). */
struct ssp_frame *ssp_frame_new(struct fb *fb, uint64_t echo_ack, const struct session_end *end);
void ssp_frame_free(struct ssp_frame *frame);

const struct fb *ssp_frame_fb(const struct ssp_frame *frame);
uint64_t ssp_frame_echo_ack(const struct ssp_frame *frame);
bool ssp_frame_ended(const struct ssp_frame *frame);
struct session_end ssp_frame_end(const struct ssp_frame *frame);

#endif
