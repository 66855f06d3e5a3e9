#include "applets/session/server_session.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/dying.h"
#include "core/log.h"
#include "core/options.h"
#include "net/pump.h"
#include "net/ssp.h"
#include "applets/session/ssp_frame.h"
#include "applets/session/ssp_input.h"
#include "term/emu.h"

struct server_session {
	struct pump *pump;
	struct ssp *ssp;		/* the pump's */
	struct emu *emu;
	struct pty_child child;
	bool child_gone;

	uint64_t input_cursor;		/* client input consumed so far */
	struct buf to_pty;		/* keys not yet written to the program */
	uint64_t written_pos;		/* input position fully written */
	uint64_t echo_ack;
	bool echo_pending;		/* written input not yet echo-acked */
	uint64_t echo_pending_since;
	uint64_t answer_window_end;	/* output before this answers the user */

	bool ended;			/* the program is gone; telling the client */
	uint64_t ended_at;
};

/* ---- SSP callbacks ---- */

static void *snapshot_frame(void *app)
{
	struct server_session *s = app;
	struct fb *fb = fb_clone(emu_fb(s->emu));

	return fb ? ssp_frame_new(fb, s->echo_ack, s->ended) : NULL;
}

static struct pump *new_pump(struct server_session *s, struct transport *t)
{
	struct pump_config c = {
		.local_ops = &ssp_frame_ops,
		.remote_ops = &ssp_input_ops,
		.pacing = { SSPSH_SERVER_COLLECT_MS, SSPSH_ECHO_COLLECT_MS,
			    SSPSH_ACK_DELAY_MS, SSPSH_HEARTBEAT_MS },
		.snapshot = snapshot_frame,
		.app = s,
	};

	return pump_new(t, &c, ssp_frame_new(NULL, 0, false), input_new());
}

static struct transport *transport_of(const struct server_session *s)
{
	return pump_transport(s->pump);
}

/* Frees what the session holds but its program, if one was started. */
static void destroy(struct server_session *s)
{
	if (s->child.master >= 0)
		close(s->child.master);
	pump_free(s->pump);
	if (s->emu)
		emu_free(s->emu);
	buf_free(&s->to_pty);
	free(s);
}

struct server_session *server_session_new(const struct pty_spec *spec, struct transport *t)
{
	struct server_session *s = calloc(1, sizeof *s);

	if (!s) {
		log_error("out of memory for a session");
		transport_free(t);
		return NULL;
	}
	s->child.master = -1;
	buf_init(&s->to_pty);
	s->emu = emu_new(spec->cols, spec->rows);
	if (!s->emu) {
		transport_free(t);
		destroy(s);
		return NULL;
	}
	s->pump = new_pump(s, t);
	s->ssp = s->pump ? pump_ssp(s->pump) : NULL;
	if (!s->ssp || !pty_spawn(spec, &s->child)) {
		destroy(s);
		return NULL;
	}
	return s;
}

void server_session_close(struct server_session *s, struct dying *dying, uint64_t now)
{
	if (!s)
		return;
	if (s->child.master >= 0) {
		close(s->child.master);	/* the program's terminal hangs up */
		s->child.master = -1;
	}
	if (!s->child_gone && s->child.pid > 0)
		dying_add(dying, s->child.pid, now);
	destroy(s);
}

/* ---- The program's side ---- */

static void end_session(struct server_session *s, uint64_t now)
{
	if (s->ended)
		return;
	s->ended = true;
	s->ended_at = now;
	if (s->child.master >= 0) {
		close(s->child.master);
		s->child.master = -1;
	}
	ssp_local_changed(s->ssp, now, true);
	log_info("the program exited; telling the client");
}

void server_session_reap(struct server_session *s)
{
	if (!s->child_gone && waitpid(s->child.pid, NULL, WNOHANG) == s->child.pid)
		s->child_gone = true;
}

static void write_replies(struct server_session *s)
{
	emu_take_replies(s->emu, &s->to_pty);
}

static void program_output(struct server_session *s, uint64_t now)
{
	bool answered = now < s->answer_window_end;

	if (s->echo_pending) {
		s->echo_ack = s->written_pos;
		s->echo_pending = false;
	}
	write_replies(s);
	ssp_local_changed(s->ssp, now, answered);
}

static void read_pty(struct server_session *s, uint64_t now)
{
	uint8_t chunk[SSPSH_PTY_READ_SIZE];
	size_t total = 0;
	ssize_t n = 0;

	while (total < SSPSH_PTY_READ_BUDGET) {
		n = read(s->child.master, chunk, sizeof chunk);
		if (n <= 0)
			break;
		emu_write(s->emu, chunk, (size_t)n);
		total += (size_t)n;
	}
	if (total)
		program_output(s, now);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		end_session(s, now);	/* EIO: every slave fd closed */
}

static void write_pty(struct server_session *s, uint64_t now)
{
	ssize_t n = write(s->child.master, s->to_pty.data, s->to_pty.len);

	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			end_session(s, now);
		return;
	}
	buf_consume(&s->to_pty, (size_t)n);
}

/* ---- The client's side ---- */

static void resize(struct server_session *s, int cols, int rows, uint64_t now)
{
	const struct fb *fb = emu_fb(s->emu);

	if (fb_cols(fb) == cols && fb_rows(fb) == rows)
		return;
	if (!emu_resize(s->emu, cols, rows)) {
		log_warn("out of memory resizing to %dx%d", cols, rows);
		return;
	}
	if (s->child.master >= 0)
		pty_resize(s->child.master, cols, rows);
	ssp_local_changed(s->ssp, now, true);
}

static void take_input(struct server_session *s, uint64_t now)
{
	const struct ssp_input *in = ssp_remote(s->ssp);
	struct input_event ev;

	while (input_next_event(in, &s->input_cursor, &ev)) {
		if (ev.type == INPUT_RESIZE)
			resize(s, ev.cols, ev.rows, now);
		else if (!s->ended)
			buf_put(&s->to_pty, ev.keys, ev.len);
	}
	s->written_pos = s->input_cursor;
	s->echo_pending = true;
	s->echo_pending_since = now;
	s->answer_window_end = now + SSPSH_ECHO_WINDOW_MS;
	if (s->child.master >= 0 && s->to_pty.len)
		write_pty(s, now);
}

static unsigned received(struct server_session *s, unsigned pump_flags, uint64_t now)
{
	if (pump_flags & PUMP_NEWS)
		take_input(s, now);
	return pump_flags;
}

unsigned server_session_receive(struct server_session *s, uint64_t now)
{
	return received(s, pump_receive(s->pump, now), now);
}

unsigned server_session_deliver(struct server_session *s, const uint8_t *data, size_t len,
				const struct udp_addr *from, uint64_t now)
{
	return received(s, pump_deliver(s->pump, data, len, from, now), now);
}

/* Input the program had time to answer counts as processed, answered or not. */
static void age_echo_ack(struct server_session *s, uint64_t now)
{
	if (s->echo_pending && now >= s->echo_pending_since + SSPSH_ECHO_ACK_TIMEOUT_MS) {
		s->echo_ack = s->written_pos;
		s->echo_pending = false;
		ssp_local_changed(s->ssp, now, false);
	}
}

/* ---- Stepping ---- */

int server_session_pty_fd(const struct server_session *s)
{
	return s->child.master;
}

short server_session_pty_events(const struct server_session *s)
{
	return (short)(POLLIN | (s->to_pty.len ? POLLOUT : 0));
}

void server_session_pty_ready(struct server_session *s, short revents, uint64_t now)
{
	if (s->child.master >= 0 && (revents & (POLLIN | POLLHUP | POLLERR)))
		read_pty(s, now);
	if (s->child.master >= 0 && (revents & POLLOUT) && s->to_pty.len)
		write_pty(s, now);
}

uint64_t server_session_deadline(const struct server_session *s, uint64_t now)
{
	uint64_t due = pump_deadline(s->pump, now);

	if (s->echo_pending && s->echo_pending_since + SSPSH_ECHO_ACK_TIMEOUT_MS < due)
		due = s->echo_pending_since + SSPSH_ECHO_ACK_TIMEOUT_MS;
	if (s->ended && s->ended_at + SSPSH_SHUTDOWN_LINGER_MS < due)
		due = s->ended_at + SSPSH_SHUTDOWN_LINGER_MS;
	return due;
}

void server_session_tick(struct server_session *s, uint64_t now)
{
	age_echo_ack(s, now);
	pump_tick(s->pump, now);
}

bool server_session_ended(const struct server_session *s)
{
	return s->ended;
}

bool server_session_done(const struct server_session *s, uint64_t now)
{
	return s->ended && (ssp_all_acked(s->ssp) || now >= s->ended_at + SSPSH_SHUTDOWN_LINGER_MS ||
			    !transport_has_peer(transport_of(s)));
}

struct transport *server_session_transport(const struct server_session *s)
{
	return transport_of(s);
}

bool server_session_attach(struct server_session *s, struct transport *t, uint64_t now)
{
	struct pump *fresh = new_pump(s, t);

	if (!fresh)
		return false;
	transport_send_close(transport_of(s));
	pump_free(s->pump);
	s->pump = fresh;
	s->ssp = pump_ssp(fresh);
	/* The new client's input stream starts from nothing. */
	s->input_cursor = s->written_pos = s->echo_ack = 0;
	s->echo_pending = false;
	if (s->ended)
		s->ended_at = now;
	ssp_local_changed(s->ssp, now, true);
	return true;
}

void server_session_rekey(struct server_session *s, struct transport *t)
{
	pump_replace_transport(s->pump, t);
}
