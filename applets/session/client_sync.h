/* The client's half of a session's synchronization, without a terminal:
 * the input stream it sends (keystrokes, window sizes) and the frames it
 * receives, over one sync pump (net/pump.h). The interactive client
 * (client_session.h), the session benchmark and the test harness all drive
 * this same object, so tests exercise the real client. */
#ifndef SSPSH_CLIENT_SYNC_H
#define SSPSH_CLIENT_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "applets/session/ssp_frame.h"
#include "net/channel.h"
#include "net/transport.h"
#include "term/fb.h"

struct client_sync;

/* Takes ownership of t (freed on failure too). NULL (logged) on OOM. */
struct client_sync *client_sync_new(struct transport *t);
void client_sync_free(struct client_sync *cs);

struct transport *client_sync_transport(const struct client_sync *cs);

/* Appends typed bytes or a window size to the input stream and schedules
 * a send. False if out of memory. */
bool client_sync_type(struct client_sync *cs, const void *keys, size_t len, uint64_t now);
bool client_sync_resize(struct client_sync *cs, int cols, int rows, uint64_t now);
/* A locale variable for the program of a new SSH-free session
 * (input_add_env); false if it is not one or memory ran out. */
bool client_sync_setenv(struct client_sync *cs, const char *entry);
/* The command of a new SSH-free session (input_add_command; NULL or
 * empty: the login shell), after its locale, and schedules a send: the
 * program starts when it arrives. False if it is too long
 * (input_command_fits) or memory ran out. */
bool client_sync_command(struct client_sync *cs, char *const *argv, uint64_t now);
/* The input stream's position after everything added so far. */
uint64_t client_sync_input_pos(const struct client_sync *cs);
/* Whether more input may be added now: the unacknowledged part of the
 * stream is under SSPSH_MAX_UNACKED_INPUT (a paste waits for the server). */
bool client_sync_input_room(const struct client_sync *cs);
/* Every byte of input added has been acknowledged by the server. */
bool client_sync_all_acked(const struct client_sync *cs);

/* The pump's loop body (net/pump.h): PUMP_* flags from receive. */
unsigned client_sync_receive(struct client_sync *cs, uint64_t now);
void client_sync_tick(struct client_sync *cs, uint64_t now);
uint64_t client_sync_deadline(const struct client_sync *cs, uint64_t now);
/* Sends the input state now, ignoring pacing (the first contact, or the
 * acknowledgement of the server's goodbye). */
void client_sync_send_now(struct client_sync *cs, uint64_t now);

/* The newest screen from the server (NULL before the first frame), the
 * input position it had processed, and whether the session has ended. */
const struct fb *client_sync_screen(const struct client_sync *cs);
uint64_t client_sync_echo_ack(const struct client_sync *cs);
bool client_sync_ended(const struct client_sync *cs);
/* Why it ended and the status to exit with (SESSION_RUNNING until then). */
struct session_end client_sync_end(const struct client_sync *cs);

/* The channels the server opens (the scrollback stream). */
struct chan_mux *client_sync_channels(const struct client_sync *cs);

#endif
