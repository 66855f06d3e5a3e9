#include "applets/server_session.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/options.h"
#include "core/signals.h"
#include "net/ssp.h"
#include "net/ssp_frame.h"
#include "net/ssp_input.h"
#include "term/emu.h"

/* Bytes of program output taken per loop turn before the network is
 * looked at again (the emulator keeps up with any flood either way). */
#define PTY_READ_BUDGET (1u << 20)

struct server {
	struct transport *t;
	struct ssp *ssp;
	struct emu *emu;
	struct pty_child child;
	bool child_gone;
	int child_status;

	uint64_t input_cursor;		/* client input consumed so far */
	struct buf to_pty;		/* keys not yet written to the program */
	uint64_t written_pos;		/* input position fully written */
	uint64_t echo_ack;
	bool echo_pending;		/* written input not yet echo-acked */
	uint64_t echo_pending_since;
	uint64_t answer_window_end;	/* output before this answers the user */

	bool ended;			/* the program is gone; telling the client */
	uint64_t ended_at;
	bool quit;
	uint64_t started_at;
	struct server_limits limits;
	struct buf scratch;
	struct buf msg;
};

/* ---- SSP callbacks ---- */

static void *snapshot_frame(void *app)
{
	struct server *s = app;
	struct fb *fb = fb_clone(emu_fb(s->emu));

	return fb ? ssp_frame_new(fb, s->echo_ack, s->ended) : NULL;
}

static void send_payload(void *app, const uint8_t *payload, size_t len)
{
	struct server *s = app;

	if (transport_has_peer(s->t))
		transport_send(s->t, payload, len);
}

static bool server_init(struct server *s, const struct pty_spec *spec)
{
	struct ssp_config c = {
		.local_ops = &ssp_frame_ops,
		.remote_ops = &ssp_input_ops,
		.pacing = { SSPSH_SERVER_COLLECT_MS, SSPSH_ECHO_COLLECT_MS,
			    SSPSH_ACK_DELAY_MS, SSPSH_HEARTBEAT_MS },
		.max_payload = SSPSH_SSP_PAYLOAD_MAX,
		.snapshot = snapshot_frame,
		.send = send_payload,
		.app = s,
	};

	buf_init(&s->to_pty);
	buf_init(&s->scratch);
	buf_init(&s->msg);
	s->started_at = clock_ms();
	s->emu = emu_new(spec->cols, spec->rows);
	if (!s->emu)
		return false;
	s->ssp = ssp_new(&c, ssp_frame_new(NULL, 0, false), input_new());
	if (!s->ssp)
		return false;
	return pty_spawn(spec, &s->child);
}

static void server_free(struct server *s)
{
	if (s->child.master >= 0)
		close(s->child.master);
	if (!s->child_gone && s->child.pid > 0) {
		kill(-s->child.pid, SIGHUP);
		kill(s->child.pid, SIGHUP);
		waitpid(s->child.pid, NULL, 0);
	}
	ssp_free(s->ssp);
	if (s->emu)
		emu_free(s->emu);
	transport_free(s->t);
	buf_free(&s->to_pty);
	buf_free(&s->scratch);
	buf_free(&s->msg);
}

/* ---- The program's side ---- */

static void end_session(struct server *s, uint64_t now)
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

static void reap_child(struct server *s)
{
	int status;

	if (s->child_gone || waitpid(s->child.pid, &status, WNOHANG) != s->child.pid)
		return;
	s->child_gone = true;
	s->child_status = status;
}

static void write_replies(struct server *s)
{
	buf_reset(&s->scratch);
	emu_take_replies(s->emu, &s->scratch);
	buf_put(&s->to_pty, s->scratch.data, s->scratch.len);
}

static void program_output(struct server *s, uint64_t now)
{
	bool answered = now < s->answer_window_end;

	if (s->echo_pending) {
		s->echo_ack = s->written_pos;
		s->echo_pending = false;
	}
	write_replies(s);
	ssp_local_changed(s->ssp, now, answered);
}

static void read_pty(struct server *s, uint64_t now)
{
	uint8_t chunk[SSPSH_PTY_READ_SIZE];
	size_t total = 0;
	ssize_t n = 0;

	while (total < PTY_READ_BUDGET) {
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

static void write_pty(struct server *s, uint64_t now)
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

static void resize(struct server *s, int cols, int rows, uint64_t now)
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

static void take_input(struct server *s, uint64_t now)
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

static bool receive_network(struct server *s, uint64_t now)
{
	enum transport_recv_result r;

	while ((r = transport_recv(s->t, &s->msg)) == TRANSPORT_MESSAGE)
		if (ssp_receive(s->ssp, s->msg.data, s->msg.len, now))
			take_input(s, now);
	return r != TRANSPORT_ERROR;
}

/* Input the program had time to answer counts as processed, answered or not. */
static void age_echo_ack(struct server *s, uint64_t now)
{
	if (s->echo_pending && now >= s->echo_pending_since + SSPSH_ECHO_ACK_TIMEOUT_MS) {
		s->echo_ack = s->written_pos;
		s->echo_pending = false;
		ssp_local_changed(s->ssp, now, false);
	}
}

/* ---- The loop ---- */

static bool should_stop(struct server *s, uint64_t now)
{
	uint64_t heard = transport_last_heard_ms(s->t);

	if (s->quit)
		return true;
	if (s->ended)
		return ssp_all_acked(s->ssp) || now >= s->ended_at + SSPSH_SHUTDOWN_LINGER_MS ||
		       !transport_has_peer(s->t);
	if (!heard) {
		heard = s->started_at;
		if (now >= heard + (uint64_t)s->limits.first_contact_timeout_ms)
			return true;
	}
	return s->limits.idle_timeout_ms > 0 && now >= heard + (uint64_t)s->limits.idle_timeout_ms;
}

static int poll_timeout(const struct server *s, uint64_t now)
{
	uint64_t deadline = transport_next_deadline_ms(s->t);
	int wait = ssp_wait_ms(s->ssp, now);

	if (deadline != UINT64_MAX)
		wait = deadline <= now ? 0 : (deadline - now < (uint64_t)wait ? (int)(deadline - now) : wait);
	if (s->echo_pending) {
		uint64_t due = s->echo_pending_since + SSPSH_ECHO_ACK_TIMEOUT_MS;
		int until = due <= now ? 0 : (int)(due - now);
		wait = until < wait ? until : wait;
	}
	return wait > 1000 ? 1000 : wait;	/* re-check the timeouts now and then */
}

static void handle_signals(struct server *s)
{
	if (signals_take(SIGTERM) || signals_take(SIGHUP) || signals_take(SIGINT)) {
		log_info("signal: stopping");
		s->quit = true;
	}
	signals_take(SIGCHLD);
	reap_child(s);
}

static void turn(struct server *s)
{
	struct pollfd p[3] = {
		{ signals_fd(), POLLIN, 0 },
		{ transport_fd(s->t), POLLIN, 0 },
		{ s->child.master, (short)(POLLIN | (s->to_pty.len ? POLLOUT : 0)), 0 },
	};
	uint64_t now = clock_ms();

	if (poll(p, s->child.master >= 0 ? 3 : 2, poll_timeout(s, now)) < 0 && errno != EINTR) {
		log_error("poll: %s", strerror(errno));
		s->quit = true;
		return;
	}
	now = clock_ms();
	handle_signals(s);
	if (s->child.master >= 0 && (p[2].revents & (POLLIN | POLLHUP | POLLERR)))
		read_pty(s, now);
	if (s->child.master >= 0 && (p[2].revents & POLLOUT) && s->to_pty.len)
		write_pty(s, now);
	transport_tick(s->t, now);
	if (!receive_network(s, now))
		s->quit = true;
	age_echo_ack(s, now);
	ssp_set_rtt(s->ssp, (int)transport_srtt_ms(s->t), (int)transport_rto_ms(s->t));
	if (transport_has_peer(s->t))
		ssp_tick(s->ssp, now);
}

int server_session_run(struct transport *t, const struct pty_spec *spec,
		       const struct server_limits *limits)
{
	static const int caught[] = { SIGTERM, SIGHUP, SIGINT, SIGCHLD, 0 };
	struct server s;
	int status = 1;

	memset(&s, 0, sizeof s);
	s.t = t;
	s.child.master = -1;
	signal(SIGPIPE, SIG_IGN);
	if (!signals_catch(caught) || !server_init(&s, spec)) {
		server_free(&s);
		return 1;
	}
	s.limits = *limits;
	while (!should_stop(&s, clock_ms()))
		turn(&s);
	if (s.ended && !s.quit)
		status = 0;
	if (!s.ended && !s.quit)
		log_info("no contact from the client: giving up");
	server_free(&s);
	return status;
}
