#include "applets/session/server_session.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "applets/session/agent_socket.h"
#include "applets/session/forward.h"
#include "applets/session/server_session_internal.h"
#include "applets/session/ssp_input.h"
#include "core/clock.h"
#include "core/dying.h"
#include "core/exit_status.h"
#include "core/log.h"
#include "core/options.h"
#include "net/ssp.h"
#include "term/emu.h"
#include "term/history.h"

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
	agent_socket_remove(s->agent_path);
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
	struct forward *permitted;

	s->forwarding = true;
	if (!agent_socket_name(agent_socket_base(), s->agent_path, sizeof s->agent_path))
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
		session_program_gone(s, now);	/* as if it had exited at once */
		return false;
	}
	if (s->to_pty.len)
		program_write_keys(s, now);
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

/* ---- The end of a session ---- */

/* Since when the ended session has heard nothing from its client. */
static uint64_t quiet_since(const struct server_session *s)
{
	uint64_t heard = transport_last_heard_ms(session_transport(s));

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
void session_program_gone(struct server_session *s, uint64_t now)
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

/* ---- Stepping ---- */

static unsigned received(struct server_session *s, unsigned pump_flags, uint64_t now)
{
	if (!s->contact_at && transport_last_heard_ms(session_transport(s)))
		s->contact_at = now;
	if (pump_flags & PUMP_NEWS)
		program_take_input(s, now);
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
	else if (scrollback_behind(s, now) && scrollback_stall_deadline(s) < due)
		due = scrollback_stall_deadline(s);	/* the program goes on then */
	return due;
}

/* What the client did with the channels: the scrollback's, else forwarding's. */
static void channel_events(struct server_session *s, uint64_t now)
{
	struct chan_mux *m = pump_channels(s->pump);
	struct chan_event ev;

	while (m && chan_mux_next_event(m, &ev)) {
		if (!scrollback_channel_event(s, m, &ev))
			forward_channel_event(s->forward, &ev);
	}
	forward_step(s->forward, NULL, 0, now);
}

void server_session_tick(struct server_session *s, uint64_t now)
{
	if (s->status_pending && now >= s->status_due)
		announce_end(s, SESSION_PROGRAM_EXITED, EXIT_CONNECTION, now);	/* status unknown */
	program_age_echo_ack(s, now);
	channel_events(s, now);
	scrollback_send_lines(s);
	program_feed_held_output(s, now);
	pump_tick(s->pump, now);
}

bool server_session_ended(const struct server_session *s)
{
	return s->ended;
}

/* After the program ended the session waits for the client to take the
 * last screen and every line, for as long as the client keeps answering:
 * a slow client still draining a flood's lines must not lose its tail. */
bool server_session_done(const struct server_session *s, uint64_t now)
{
	return s->ended && ((ssp_all_acked(s->ssp) && scrollback_drained(s)) ||
			    now >= quiet_since(s) + SSPSH_SHUTDOWN_LINGER_MS ||
			    !transport_has_peer(session_transport(s)));
}

struct transport *server_session_transport(const struct server_session *s)
{
	return session_transport(s);
}

bool server_session_attach(struct server_session *s, struct transport *t, uint64_t now)
{
	struct pump *fresh = new_pump(s, t);
	struct forward *forward = fresh ? new_forward(s, fresh) : NULL;

	if (!forward) {
		pump_free(fresh);
		return false;
	}
	transport_send_close(session_transport(s));
	forward_free(s->forward);	/* the old client's connections */
	s->forward = forward;
	pump_free(s->pump);
	s->pump = fresh;
	s->ssp = pump_ssp(fresh);
	/* The new client's input stream starts from nothing. */
	s->input_cursor = s->written_pos = s->echo_ack = 0;
	s->echo_pending = false;
	s->contact_at = 0;
	scrollback_open_stream(s);
	if (s->ended)
		s->ended_at = now;
	ssp_local_changed(s->ssp, now, true);
	return true;
}

void server_session_rekey(struct server_session *s, struct transport *t)
{
	pump_replace_transport(s->pump, t);
}
