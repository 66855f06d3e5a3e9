#include "applets/session/server_session.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/dying.h"
#include "core/exit_status.h"
#include "core/log.h"
#include "core/options.h"
#include "net/pump.h"
#include "net/ssp.h"
#include "applets/session/forward.h"
#include "applets/session/program_request.h"
#include "applets/session/scrollback.h"
#include "applets/session/ssp_frame.h"
#include "applets/session/ssp_input.h"
#include "term/emu.h"
#include "term/history.h"

struct server_session {
	struct pump *pump;
	struct ssp *ssp;		/* the pump's */
	struct emu *emu;
	struct pty_child child;
	bool started;			/* the program has been started */
	bool child_gone;
	int child_status;		/* waitpid's, once child_gone */
	/* Until then: the client's locale and command (a daemon's session). */
	struct program_request request;

	uint64_t input_cursor;		/* client input consumed so far */
	struct buf to_pty;		/* keys not yet written to the program */
	uint64_t written_pos;		/* input position fully written */
	uint64_t echo_ack;
	bool echo_pending;		/* written input not yet echo-acked */
	uint64_t echo_pending_since;
	uint64_t answer_window_end;	/* output before this answers the user */

	bool ended;			/* the session is over; telling the client */
	uint64_t ended_at;
	struct session_end end;		/* why, as the client is told */
	bool status_pending;		/* the pty closed; waiting for the exit status */
	uint64_t status_due;		/* ... until then */

	/* Scrollback: the log the emulator keeps (NULL: off), and what of
	 * it the current client's channel has carried. */
	struct history *history;
	uint32_t scrollback_lines;
	struct buf held_output;		/* program output the emulator has not taken */
	struct scrollback_tx scrollback;
	uint32_t scrollback_id;
	bool scrollback_open;
	bool scrollback_accepted;	/* the client takes the stream: it may wait for it */
	bool scrollback_shut;		/* the program is gone and every line written */
	uint64_t contact_at;		/* when this client was first heard; 0: not yet */

	/* Forwarding for the current client (a new one gets its own), and
	 * the agent socket's place, the program's SSH_AUTH_SOCK ("": none). */
	bool forwarding;
	struct forward *forward;
	char agent_dir[PATH_MAX], agent_path[PATH_MAX];
};

static void write_pty(struct server_session *s, uint64_t now);
static void end_session(struct server_session *s, uint64_t now);

/* ---- SSP callbacks ---- */

static void *snapshot_frame(void *app)
{
	struct server_session *s = app;
	struct fb *fb = fb_clone(emu_fb(s->emu));

	return fb ? ssp_frame_new(fb, s->echo_ack, s->ended ? &s->end : NULL) : NULL;
}

static struct pump *new_pump(struct server_session *s, struct transport *t)
{
	struct pump_config c = {
		.local_ops = &ssp_frame_ops,
		.remote_ops = &ssp_input_ops,
		.pacing = { .collect_ms = SSPSH_SERVER_COLLECT_MS,
			    .urgent_collect_ms = SSPSH_ECHO_COLLECT_MS,
			    .ack_delay_ms = SSPSH_ACK_DELAY_MS,
			    .heartbeat_ms = SSPSH_HEARTBEAT_MS,
			    .peer_answer_ack_delay_ms = SSPSH_ANSWER_ACK_DELAY_MS,
			    .silent_backoff = true },
		.snapshot = snapshot_frame,
		.app = s,
		.channels = true,
		.role = CHAN_ROLE_SERVER,
		.remote_instruction_max = SSPSH_INPUT_INSTRUCTION_MAX,
		.remote_bytes_max = SSPSH_INPUT_HELD_MAX,
	};

	return pump_new(t, &c, ssp_frame_new(NULL, 0, NULL), input_new());
}

static struct transport *transport_of(const struct server_session *s)
{
	return pump_transport(s->pump);
}

static void forward_logged(void *ctx, const char *line)
{
	(void)ctx;
	log_info("%s", line);
}

/* Forwarding over a pump's channels, for its client. */
static struct forward *new_forward(struct server_session *s, struct pump *p)
{
	struct forward_settings fs = { .client = false, .permitted = s->forwarding,
				       .agent_path = s->agent_path[0] ? s->agent_path : NULL };

	return forward_new(pump_channels(p), &fs, forward_logged, s);
}

static void close_pty(struct server_session *s)
{
	if (s->child.master >= 0) {
		close(s->child.master);	/* the program's terminal hangs up */
		s->child.master = -1;
	}
}

/* Frees what the session holds but its program, if one was started. */
static void destroy(struct server_session *s)
{
	if (s->child.master >= 0)
		close(s->child.master);
	forward_free(s->forward);
	forward_agent_unplace(s->agent_dir, s->agent_path);
	pump_free(s->pump);
	if (s->emu)
		emu_free(s->emu);
	history_free(s->history);
	buf_free(&s->to_pty);
	buf_free(&s->held_output);
	program_request_free(&s->request);
	free(s);
}

struct server_session *server_session_create(int cols, int rows, struct transport *t)
{
	struct server_session *s = calloc(1, sizeof *s);

	if (!s) {
		log_error("out of memory for a session");
		transport_free(t);
		return NULL;
	}
	s->child.master = -1;
	buf_init(&s->to_pty);
	buf_init(&s->held_output);
	s->emu = emu_new(cols, rows);
	if (!s->emu) {
		transport_free(t);
		destroy(s);
		return NULL;
	}
	s->pump = new_pump(s, t);
	s->ssp = s->pump ? pump_ssp(s->pump) : NULL;
	if (!s->ssp || !(s->forward = new_forward(s, s->pump))) {
		destroy(s);
		return NULL;
	}
	return s;
}

bool server_session_allow_forwarding(struct server_session *s)
{
	const char *tmpdir = getenv("TMPDIR");
	struct forward *permitted;

	s->forwarding = true;
	if (!forward_agent_place(tmpdir && *tmpdir ? tmpdir : "/tmp", s->agent_dir,
				 sizeof s->agent_dir, s->agent_path, sizeof s->agent_path))
		log_warn("going on without agent forwarding");
	permitted = new_forward(s, s->pump);
	if (!permitted)
		return false;
	forward_free(s->forward);
	s->forward = permitted;
	return true;
}

/* spec's variables, then the client's (which come later, so they win),
 * then SSH_AUTH_SOCK naming the session's agent socket when forwarding is
 * on (auth_sock holds it): a NULL-terminated array to free, or NULL on OOM. */
static char **merge_env(const struct server_session *s, const struct pty_spec *spec,
			char auth_sock[PATH_MAX + 16])
{
	size_t n = 0, from_spec = 0;
	char **env;

	while (spec->env_set && spec->env_set[from_spec])
		from_spec++;
	env = calloc(from_spec + (size_t)s->request.n_env + 2, sizeof *env);
	if (!env)
		return NULL;
	for (size_t i = 0; i < from_spec; i++)
		env[n++] = spec->env_set[i];
	for (int i = 0; i < s->request.n_env; i++)
		env[n++] = s->request.env[i];
	if (s->agent_path[0]) {
		snprintf(auth_sock, PATH_MAX + 16, "SSH_AUTH_SOCK=%s", s->agent_path);
		env[n++] = auth_sock;
	}
	return env;
}

bool server_session_start(struct server_session *s, const struct pty_spec *spec, uint64_t now)
{
	struct pty_spec started = *spec;
	const struct fb *fb = emu_fb(s->emu);
	char **env, auth_sock[PATH_MAX + 16];

	if (s->started)
		return true;
	env = merge_env(s, spec, auth_sock);
	if (env) {
		started.env_set = env;
		started.cols = fb_cols(fb);	/* as the client's window is now */
		started.rows = fb_rows(fb);
		s->started = pty_spawn(&started, &s->child);
		free(env);
	} else {
		log_error("out of memory starting a session's program");
	}
	program_request_free(&s->request);
	if (!s->started) {
		end_session(s, now);	/* as if it had exited at once */
		return false;
	}
	if (s->to_pty.len)
		write_pty(s, now);
	return true;
}

bool server_session_started(const struct server_session *s)
{
	return s->started;
}

char *const *server_session_command(const struct server_session *s)
{
	return s->started || s->ended ? NULL : program_request_command(&s->request);
}

struct server_session *server_session_new(const struct pty_spec *spec, struct transport *t,
					  bool forwarding)
{
	struct server_session *s = server_session_create(spec->cols, spec->rows, t);

	if (s && ((forwarding && !server_session_allow_forwarding(s)) ||
		  !server_session_start(s, spec, clock_ms()))) {
		destroy(s);
		return NULL;
	}
	return s;
}

void server_session_close(struct server_session *s, struct dying *dying, uint64_t now)
{
	if (!s)
		return;
	close_pty(s);
	if (!s->child_gone && s->child.pid > 0)
		dying_add(dying, s->child.pid, now);
	destroy(s);
}

/* ---- Scrollback ---- */

/* A client's channel for the log, starting with every line it holds (a
 * new client's terminal gets the session's history back). */
static void open_scrollback(struct server_session *s)
{
	struct chan_mux *m = pump_channels(s->pump);

	s->scrollback_open = s->scrollback_accepted = false;
	if (!s->history || !m)
		return;
	if (!chan_open(m, SCROLLBACK_CHANNEL_REQUEST, strlen(SCROLLBACK_CHANNEL_REQUEST),
		       &s->scrollback_id)) {
		log_warn("no channel for the scrollback");
		return;
	}
	scrollback_tx_start(&s->scrollback, s->history, UINT32_MAX);
	s->scrollback_open = true;
	s->scrollback_shut = false;
}

/* The client asked for at most `lines` lines (SCROLLBACK_LINES_REQUEST):
 * fewer than the log keeps shrink it, 0 drops it (and its channel). Lines
 * dropped so are not a gap the client is told of. */
static void scrollback_lines_asked(struct server_session *s, uint32_t lines)
{
	if (!s->history || lines >= s->scrollback_lines)
		return;
	log_info("scrollback: the client asks for %u lines (of %u)", lines, s->scrollback_lines);
	s->scrollback_lines = lines;
	if (lines > 0) {
		if (history_limit(s->history, lines) && s->scrollback.next < history_start(s->history))
			s->scrollback.next = history_start(s->history);
		return;
	}
	if (s->scrollback_open)
		chan_reset(pump_channels(s->pump), s->scrollback_id, 0);
	s->scrollback_open = s->scrollback_accepted = false;
	emu_set_history(s->emu, NULL);
	history_free(s->history);
	s->history = NULL;
}

/* An open request of the client's: the size of log it wants, or
 * forwarding's. */
static void channel_opened(struct server_session *s, struct chan_mux *m, const struct chan_event *ev)
{
	uint32_t lines;

	if (!scrollback_lines_request(ev->bytes, ev->len, &lines)) {
		forward_channel_event(s->forward, ev);
		return;
	}
	scrollback_lines_asked(s, lines);
	chan_refuse(m, ev->id, 0, "noted");
	chan_release(m, ev->id);
}

/* What the client did with the channels: the scrollback one refused or
 * reset ends it; everything else is forwarding's. */
static void channel_events(struct server_session *s, uint64_t now)
{
	struct chan_mux *m = pump_channels(s->pump);
	struct chan_event ev;

	while (m && chan_mux_next_event(m, &ev)) {
		if (ev.type == CHAN_EV_OPEN) {
			channel_opened(s, m, &ev);
		} else if (ev.id != s->scrollback_id || !s->scrollback_open) {
			forward_channel_event(s->forward, &ev);
		} else if (ev.type == CHAN_EV_ACCEPTED) {
			s->scrollback_accepted = true;
		} else if (ev.type == CHAN_EV_REFUSED || ev.type == CHAN_EV_RESET) {
			chan_release(m, ev.id);
			s->scrollback_open = s->scrollback_accepted = false;
		}
	}
	forward_step(s->forward, NULL, 0, now);
}

/* Lines for the client while the channel has room; once the program is
 * gone and its last line sent, the stream ends (the client then knows it
 * has every line). */
static void send_scrollback(struct server_session *s)
{
	struct chan_mux *m = pump_channels(s->pump);

	if (!s->scrollback_accepted || s->scrollback_shut)
		return;
	scrollback_tx_send(&s->scrollback, s->history, m, s->scrollback_id);
	if (s->ended && !s->held_output.len && !scrollback_tx_backlog(&s->scrollback, s->history)) {
		chan_shutdown(m, s->scrollback_id);
		s->scrollback_shut = true;
	}
}

/* Output fed to the emulator at a time: at most an eighth of the log's
 * lines even if every byte were a line feed. */
static size_t scrollback_slice(const struct server_session *s)
{
	size_t slice = s->scrollback_lines / 8;

	if (!s->history || slice > SSPSH_PTY_READ_SIZE)
		return SSPSH_PTY_READ_SIZE;
	return slice < 64 ? 64 : slice;
}

/* Until when the program may wait for the client to take lines: while the
 * client that took the stream keeps being heard, and before a new client
 * came and had its time to answer the stream. 0: not now. */
static uint64_t taker_deadline(const struct server_session *s)
{
	if (s->scrollback_accepted)
		return transport_last_heard_ms(transport_of(s)) + SSPSH_SCROLLBACK_STALL_MS;
	if (!s->scrollback_open)
		return 0;
	return s->contact_at ? s->contact_at + SSPSH_SCROLLBACK_STALL_MS : UINT64_MAX;
}

/* The client's stream is more than half the log behind while the client
 * is there to take it (or has yet to come, or to answer the stream): the
 * program waits (its output stays in the pty, as over ssh) rather than
 * have lines fall out of the log. Right after the user typed, the answer
 * (an echo, the prompt after Ctrl-C) may use most of the other half. A
 * client that went quiet gets a gap marker instead, so the program never
 * waits on it. */
static bool scrollback_behind(const struct server_session *s, uint64_t now)
{
	uint64_t limit = s->scrollback_lines / 2;

	if (now < s->answer_window_end && 4 * scrollback_slice(s) < s->scrollback_lines)
		limit = s->scrollback_lines - 2 * scrollback_slice(s);
	return now < taker_deadline(s) && scrollback_tx_backlog(&s->scrollback, s->history) >= limit;
}

/* Lines wait and the channel would take some. */
static bool scrollback_due(const struct server_session *s)
{
	return s->scrollback_accepted && scrollback_tx_backlog(&s->scrollback, s->history) > 0 &&
	       chan_write_room(pump_channels(s->pump), s->scrollback_id) > 0;
}

bool server_session_set_scrollback(struct server_session *s, uint32_t lines)
{
	history_free(s->history);
	s->history = NULL;
	emu_set_history(s->emu, NULL);
	if (lines == 0)
		return true;
	s->history = history_new(lines);
	if (!s->history)
		return false;
	s->scrollback_lines = lines;
	emu_set_history(s->emu, s->history);
	open_scrollback(s);
	return true;
}

/* ---- The program's side ---- */

/* Since when the ended session has heard nothing from its client. */
static uint64_t quiet_since(const struct server_session *s)
{
	uint64_t heard = transport_last_heard_ms(transport_of(s));

	return heard > s->ended_at ? heard : s->ended_at;
}

/* From now on every frame says the session is over, and why, until the
 * client has acknowledged one (server_session_done). */
static void announce_end(struct server_session *s, enum session_end_reason reason, int status, uint64_t now)
{
	s->ended = true;
	s->ended_at = now;
	s->status_pending = false;
	s->end.reason = reason;
	s->end.status = (uint8_t)status;
	ssp_local_changed(s->ssp, now, true);
	log_info("session over (reason %d, status %d); telling the client", reason, status);
}

/* The program's exit status as a shell gives it: 128 + the signal that
 * killed it. */
static void announce_exit(struct server_session *s, uint64_t now)
{
	int st = s->child_status;

	if (WIFSIGNALED(st))
		announce_end(s, SESSION_PROGRAM_KILLED, 128 + WTERMSIG(st), now);
	else
		announce_end(s, SESSION_PROGRAM_EXITED, WIFEXITED(st) ? WEXITSTATUS(st) : 255, now);
}

/* The pty closed: the program has exited (or left its terminal). Its exit
 * status comes with SIGCHLD, usually a moment later; without one by
 * SSPSH_EXIT_STATUS_WAIT_MS the client is told that it is unknown. */
static void end_session(struct server_session *s, uint64_t now)
{
	if (s->ended || s->status_pending)
		return;
	close_pty(s);
	server_session_reap(s);
	if (s->child_gone) {
		announce_exit(s, now);
		return;
	}
	s->status_pending = true;
	s->status_due = now + SSPSH_EXIT_STATUS_WAIT_MS;
}

void server_session_reap(struct server_session *s)
{
	if (s->started && !s->child_gone && waitpid(s->child.pid, &s->child_status, WNOHANG) == s->child.pid) {
		s->child_gone = true;
		if (s->status_pending)
			announce_exit(s, clock_ms());
	}
}

/* A session the server ends forwards nothing more while its client is
 * told (a removed key's connections end with it). */
static void end_forwarding(struct server_session *s)
{
	struct forward *none;

	s->forwarding = false;
	none = new_forward(s, s->pump);
	if (!none) {
		log_warn("out of memory for ending forwarding; its connections end with the session");
		return;
	}
	forward_free(s->forward);
	s->forward = none;
}

void server_session_stop(struct server_session *s, enum session_end_reason reason, uint64_t now)
{
	if (s->ended || s->status_pending)
		return;
	close_pty(s);
	end_forwarding(s);
	buf_reset(&s->held_output);	/* output nobody will see: the stream ends now */
	announce_end(s, reason, EXIT_CONNECTION, now);
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

/* Feed output to the emulator in slices small enough that one cannot
 * overflow the scrollback log, until the stream falls behind; returns the
 * bytes taken. */
static size_t feed_emulator(struct server_session *s, const uint8_t *data, size_t len,
			    uint64_t now)
{
	size_t slice = scrollback_slice(s), done = 0;

	while (done < len && !scrollback_behind(s, now)) {
		size_t n = len - done < slice ? len - done : slice;
		emu_write(s->emu, data + done, n);
		done += n;
	}
	return done;
}

/* Output held back while the scrollback stream caught up. */
static size_t feed_held_output(struct server_session *s, uint64_t now)
{
	size_t done = feed_emulator(s, s->held_output.data, s->held_output.len, now);

	buf_consume(&s->held_output, done);
	return done;
}

static void read_pty(struct server_session *s, uint64_t now)
{
	uint8_t chunk[SSPSH_PTY_READ_SIZE];
	size_t total = feed_held_output(s, now), used;
	bool gone = false;

	while (total < SSPSH_PTY_READ_BUDGET && !s->held_output.len && !scrollback_behind(s, now)) {
		ssize_t n = read(s->child.master, chunk, sizeof chunk);

		if (n <= 0) {
			gone = n == 0 || (errno != EAGAIN && errno != EINTR);	/* EIO: every slave fd closed */
			break;
		}
		used = feed_emulator(s, chunk, (size_t)n, now);
		buf_put(&s->held_output, chunk + used, (size_t)n - used);
		total += (size_t)n;
	}
	if (total)
		program_output(s, now);
	if (gone)
		end_session(s, now);
}

/* Keys the program has not taken are held up to SSPSH_TO_PTY_MAX; past
 * that the client's input waits (the SSP takes no new input state). */
static void limit_input(struct server_session *s)
{
	ssp_set_accepting(s->ssp, s->to_pty.len < SSPSH_TO_PTY_MAX);
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
	if (!s->to_pty.len && s->to_pty.cap > SSPSH_SSP_KEEP_BYTES) {
		buf_free(&s->to_pty);	/* a paste's worth, given back */
		buf_init(&s->to_pty);
	}
	limit_input(s);
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
		if (ev.type == INPUT_RESIZE) {
			resize(s, ev.cols, ev.rows, now);
		} else if (ev.type == INPUT_ENV || ev.type == INPUT_COMMAND) {
			if (!s->started)
				(void)program_request_take(&s->request, &ev);	/* logged */
		} else if (!s->ended) {
			buf_put(&s->to_pty, ev.keys, ev.len);
		}
	}
	s->written_pos = s->input_cursor;
	s->echo_pending = true;
	s->echo_pending_since = now;
	s->answer_window_end = now + SSPSH_ECHO_WINDOW_MS;
	if (s->child.master >= 0 && s->to_pty.len)
		write_pty(s, now);
	limit_input(s);
}

static unsigned received(struct server_session *s, unsigned pump_flags, uint64_t now)
{
	if (!s->contact_at && transport_last_heard_ms(transport_of(s)))
		s->contact_at = now;
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

short server_session_pty_events(const struct server_session *s, uint64_t now)
{
	bool take = !s->held_output.len && !scrollback_behind(s, now);

	return (short)((take ? POLLIN : 0) | (s->to_pty.len ? POLLOUT : 0));
}

void server_session_pty_ready(struct server_session *s, short revents, uint64_t now)
{
	if (s->child.master >= 0 && (revents & (POLLIN | POLLHUP | POLLERR)))
		read_pty(s, now);
	if (s->child.master >= 0 && (revents & POLLOUT) && s->to_pty.len)
		write_pty(s, now);
}

size_t server_session_pollfds(const struct server_session *s, struct pollfd *fds, size_t max)
{
	return forward_pollfds(s->forward, fds, max);
}

void server_session_sockets_ready(struct server_session *s, const struct pollfd *fds, size_t n,
				  uint64_t now)
{
	forward_step(s->forward, fds, n, now);
}

uint64_t server_session_deadline(const struct server_session *s, uint64_t now)
{
	uint64_t due = pump_deadline(s->pump, now), forward_due = forward_deadline(s->forward, now);

	if (forward_due < due)
		due = forward_due;

	if (s->echo_pending && s->echo_pending_since + SSPSH_ECHO_ACK_TIMEOUT_MS < due)
		due = s->echo_pending_since + SSPSH_ECHO_ACK_TIMEOUT_MS;
	if (s->ended && quiet_since(s) + SSPSH_SHUTDOWN_LINGER_MS < due)
		due = quiet_since(s) + SSPSH_SHUTDOWN_LINGER_MS;
	if (s->status_pending && s->status_due < due)
		due = s->status_due;
	if (scrollback_due(s) || (s->held_output.len && !scrollback_behind(s, now)))
		due = now;
	else if (scrollback_behind(s, now) && taker_deadline(s) < due)
		due = taker_deadline(s);	/* the program goes on then */
	return due;
}

void server_session_tick(struct server_session *s, uint64_t now)
{
	if (s->status_pending && now >= s->status_due)
		announce_end(s, SESSION_PROGRAM_EXITED, EXIT_CONNECTION, now);	/* status unknown */
	age_echo_ack(s, now);
	channel_events(s, now);
	send_scrollback(s);
	if (s->held_output.len && feed_held_output(s, now))
		program_output(s, now);
	pump_tick(s->pump, now);
}

bool server_session_ended(const struct server_session *s)
{
	return s->ended;
}

/* Every line the program left has reached the client. */
static bool scrollback_drained(const struct server_session *s)
{
	return !s->scrollback_accepted ||
	       (s->scrollback_shut && chan_all_acked(pump_channels(s->pump), s->scrollback_id));
}

/* After the program ended the session waits for the client to take the
 * last screen and every line, for as long as the client keeps answering:
 * a slow client still draining a flood's lines must not lose its tail. */
bool server_session_done(const struct server_session *s, uint64_t now)
{
	return s->ended && ((ssp_all_acked(s->ssp) && scrollback_drained(s)) ||
			    now >= quiet_since(s) + SSPSH_SHUTDOWN_LINGER_MS ||
			    !transport_has_peer(transport_of(s)));
}

struct transport *server_session_transport(const struct server_session *s)
{
	return transport_of(s);
}

bool server_session_attach(struct server_session *s, struct transport *t, uint64_t now)
{
	struct pump *fresh = new_pump(s, t);
	struct forward *forward = fresh ? new_forward(s, fresh) : NULL;

	if (!forward) {
		pump_free(fresh);
		return false;
	}
	transport_send_close(transport_of(s));
	forward_free(s->forward);	/* the old client's connections */
	s->forward = forward;
	pump_free(s->pump);
	s->pump = fresh;
	s->ssp = pump_ssp(fresh);
	/* The new client's input stream starts from nothing. */
	s->input_cursor = s->written_pos = s->echo_ack = 0;
	s->echo_pending = false;
	s->contact_at = 0;
	open_scrollback(s);
	if (s->ended)
		s->ended_at = now;
	ssp_local_changed(s->ssp, now, true);
	return true;
}

void server_session_rekey(struct server_session *s, struct transport *t)
{
	pump_replace_transport(s->pump, t);
}
