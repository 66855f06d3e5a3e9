#include "applets/session/client_session.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "applets/session/client_sync.h"
#include "applets/session/forward.h"
#include "applets/session/local_echo.h"
#include "applets/session/screen.h"
#include "applets/session/scrollback.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/exit_status.h"
#include "core/log.h"
#include "core/options.h"
#include "core/signals.h"
#include "core/tty.h"
#include "net/pump.h"
#include "term/caps.h"

/* A line over the screen (the longest a forward's notice makes). */
#define NOTICE_LEN 600

struct client {
	struct client_sync *sync;
	struct screen *screen;
	struct local_echo *echo;	/* predictions, drawn over each frame */
	struct scrollback_client scrollback;	/* lines for the terminal's history */
	struct forward *forward;		/* -L, -R, -D, -A; NULL: none */
	char forward_notice[NOTICE_LEN];	/* the last thing forwarding said */
	bool escape_armed;		/* Ctrl-^ seen, waiting for the next key */
	bool quit;
	int quit_signal;		/* SIGTERM, SIGHUP, SIGINT or SIGQUIT ended the client; 0: none */
	bool socket_failed;
	bool server_ended;
	bool server_gone;		/* it closed the session after its goodbye */
	uint64_t ended_at;
	bool taken_over;		/* daemon mode: another client has the session */
	pid_t *local_server;		/* --local: our child; NULL: none */
	bool server_vanished;		/* ... exited without telling us */
	bool notice_shown;
	uint64_t started_at;
	struct relay_link *relay;	/* NULL: UDP only */
	const char *route_notice;	/* shown until route_notice_until */
	uint64_t route_notice_until;
	const char *no_contact_hint;	/* the likely cause while the server has never answered */
	bool question_shown;		/* ssh's question is on the status line */
	struct scrollback_pace pace;	/* when lines go into the terminal */
};

/* How long the line saying that the session moved to the relay stays. */
#define ROUTE_NOTICE_MS 3000
/* ... and one saying that a forward was refused or failed. */
#define FORWARD_NOTICE_MS 5000
/* What is likely wrong when a server never answers. */
#define NO_CONTACT_HINT "no server there, another key, or UDP blocked"

/* ---- Painting ---- */

static uint64_t silence_ms(const struct client *c, uint64_t now)
{
	uint64_t heard = transport_last_heard_ms(client_sync_transport(c->sync));
	uint64_t since = heard ? heard : c->started_at;

	return now > since ? now - since : 0;
}

static bool ever_heard(const struct client *c)
{
	return transport_last_heard_ms(client_sync_transport(c->sync)) != 0;
}

/* Silence long enough for a line at the top: from the start when nothing
 * ever came, since the last datagram when something did. */
static uint64_t notice_after_ms(const struct client *c)
{
	return ever_heard(c) ? SSPSH_SILENCE_NOTICE_MS : SSPSH_NO_CONTACT_NOTICE_MS;
}

/* ssh's question on the top line: its end, where it asks, when the whole
 * does not fit the window. */
static const char *question_text(const struct client *c, const char *question, char *out, size_t cap)
{
	static const char hint[] = " [Enter: answer, Ctrl-C: cancel]";
	const struct fb *fb = client_sync_screen(c->sync);
	int cols = SSPSH_DEFAULT_COLS, rows;
	size_t len = strlen(question), room;

	if (fb)
		cols = fb_cols(fb);
	else
		tty_size(STDIN_FILENO, &cols, &rows);
	room = (size_t)cols > sizeof hint + 3 ? (size_t)cols - (sizeof hint - 1) : 0;
	if (room && len > room)
		snprintf(out, cap, "...%s%s", question + len - (room - 3), hint);
	else
		snprintf(out, cap, "%s%s", question, hint);
	return out;
}

/* The line at the top, into out; NULL when there is none. "Last contact"
 * only after a contact: before, where the server should be and what is
 * likely wrong. */
static const char *notice_text(const struct client *c, uint64_t now, char *out, size_t cap)
{
	uint64_t quiet = silence_ms(c, now);
	const char *question = c->relay ? relay_link_question(c->relay) : NULL;
	char peer[80];

	if (question)
		return question_text(c, question, out, cap);
	if (ever_heard(c) && quiet >= SSPSH_SILENCE_NOTICE_MS) {
		snprintf(out, cap, "sspsh: Last contact %llu seconds ago. [To quit: Ctrl-^ .]",
			 (unsigned long long)(quiet / 1000));
		return out;
	}
	if (now < c->route_notice_until)
		return c->route_notice;
	if (ever_heard(c) || quiet < SSPSH_NO_CONTACT_NOTICE_MS)
		return NULL;
	transport_peer_name(client_sync_transport(c->sync), peer, sizeof peer);
	snprintf(out, cap, "sspsh: nothing from %s yet (%s?) [To quit: Ctrl-^ .]", peer, c->no_contact_hint);
	return out;
}

/* Before the server's first frame: a blank screen the size of the window. */
static struct fb *blank_screen(void)
{
	int cols = SSPSH_DEFAULT_COLS, rows = SSPSH_DEFAULT_ROWS;

	tty_size(STDIN_FILENO, &cols, &rows);
	return fb_new(cols, rows);
}

static void paint(struct client *c, uint64_t now)
{
	const struct fb *fb = client_sync_screen(c->sync);
	struct fb *blank = NULL;
	char text[NOTICE_LEN];
	const char *notice = notice_text(c, now, text, sizeof text);

	c->notice_shown = notice != NULL;
	if (!fb && !(notice && (fb = blank = blank_screen())))
		return;
	screen_paint(c->screen, fb, notice, now);
	fb_free(blank);
}

/* Lines are ready for the terminal, which has a screen to put them above. */
static bool history_waits(const struct client *c)
{
	return scrollback_rx_ready(&c->scrollback.rx) && client_sync_screen(c->sync);
}

static uint64_t history_resumes_at(const struct client *c)
{
	return scrollback_pace_resume_at(&c->pace, transport_srtt_ms(client_sync_transport(c->sync)));
}

/* Lines that arrived for the terminal's history go in above the screen, a
 * batch of them at the end of a turn of the loop, after the keys went out
 * and the newest screen was painted, so that the terminal is never busy
 * with history while an echo or a newer screen waits (struct
 * scrollback_pace says when and how); then the server hears what was
 * written, which lets it send more. */
static void write_history(struct client *c, uint64_t now)
{
	const struct fb *fb = client_sync_screen(c->sync);
	char text[NOTICE_LEN];
	const char *notice;
	struct scrollback_batch batch;
	bool keep_in_view = scrollback_pace_keep_in_view(&c->pace, now);
	size_t most = keep_in_view ? SSPSH_SCROLLBACK_WRITE_MAX : SSPSH_SCROLLBACK_FLOOD_WRITE_MAX;

	if (!fb || now < history_resumes_at(c) || !scrollback_rx_batch(&c->scrollback.rx, most, &batch))
		return;
	notice = notice_text(c, now, text, sizeof text);
	c->notice_shown = notice != NULL;
	if (screen_paint_history(c->screen, fb, notice, now, batch.lost, batch.entries, batch.n,
				 keep_in_view))
		log_warn("scrollback lines that do not decode were left out");
	scrollback_rx_done(&c->scrollback.rx);
	scrollback_client_report(&c->scrollback, client_sync_channels(c->sync));
}

/* ---- Keyboard ---- */

/* Typed keys go to the session, or answer ssh's question while one waits. */
static void add_keys(struct client *c, const uint8_t *keys, size_t len, uint64_t now)
{
	size_t answered = c->relay && relay_link_question(c->relay) ? relay_link_typed(c->relay, keys, len) : 0;

	keys += answered;
	len -= answered;
	if (len && client_sync_type(c->sync, keys, len, now))
		local_echo_typed(c->echo, keys, len, client_sync_input_pos(c->sync), now);
}

static void window_changed(struct client *c, uint64_t now)
{
	int cols, rows;

	if (!tty_size(STDIN_FILENO, &cols, &rows))
		return;
	client_sync_resize(c->sync, cols, rows, now);
	screen_invalidate(c->screen);
}

static void suspend(struct client *c)
{
	screen_release(c->screen, "[sspsh is suspended.]");
	tty_restore();
	kill(getpid(), SIGSTOP);
	/* SIGCONT: back in the foreground. A stopped job gets no SIGWINCH, so
	 * the window may have changed unseen. */
	tty_raw(STDIN_FILENO);
	window_changed(c, clock_ms());
	paint(c, clock_ms());
}

/* The key after Ctrl-^: '.' quits, '^' sends Ctrl-^ itself, Ctrl-Z
 * suspends; anything else goes through with the Ctrl-^ before it. */
static void escape_key(struct client *c, uint8_t key, uint64_t now)
{
	const uint8_t both[2] = { SSPSH_ESCAPE_KEY, key };

	c->escape_armed = false;
	if (key == '.')
		c->quit = true;
	else if (key == '^')
		add_keys(c, both, 1, now);
	else if (key == 0x1a)
		suspend(c);
	else
		add_keys(c, both, 2, now);
}

static void typed(struct client *c, const uint8_t *bytes, size_t len, uint64_t now)
{
	size_t start = 0;

	for (size_t i = 0; i < len && !c->quit; i++) {
		if (c->escape_armed) {
			escape_key(c, bytes[i], now);
			start = i + 1;
		} else if (bytes[i] == SSPSH_ESCAPE_KEY) {
			add_keys(c, bytes + start, i - start, now);
			c->escape_armed = true;
			start = i + 1;
		}
	}
	if (!c->quit && start < len)
		add_keys(c, bytes + start, len - start, now);
}

static void read_keyboard(struct client *c, uint64_t now)
{
	uint8_t bytes[4096];
	ssize_t n = read(STDIN_FILENO, bytes, sizeof bytes);

	if (n > 0) {
		c->pace.typed_at = now;
		typed(c, bytes, (size_t)n, now);
		paint(c, now);	/* what prediction guessed shows at once */
	} else if (n == 0 || (errno != EAGAIN && errno != EINTR))
		c->quit = true;
}

/* ---- Network ---- */

/* A forward was refused or failed: the line stays over the screen a
 * while; the session carries on. */
static void forward_said(void *ctx, const char *line)
{
	struct client *c = ctx;
	uint64_t now = clock_ms();

	snprintf(c->forward_notice, sizeof c->forward_notice, "%s", line);
	c->route_notice = c->forward_notice;
	c->route_notice_until = now + FORWARD_NOTICE_MS;
	c->notice_shown = true;	/* the loop paints it */
	log_debug("%s", line);
}

/* Each event of the channels goes to the scrollback stream or forwarding;
 * an open request that neither wants is refused. */
static void channel_events(struct client *c)
{
	struct chan_mux *m = client_sync_channels(c->sync);
	struct chan_event ev;

	while (m && chan_mux_next_event(m, &ev)) {
		if (scrollback_client_event(&c->scrollback, m, &ev))
			continue;
		if (c->forward) {
			forward_channel_event(c->forward, &ev);
		} else if (ev.type == CHAN_EV_OPEN) {
			chan_refuse(m, ev.id, 1, "not wanted");
			chan_release(m, ev.id);
		}
	}
}

/* Read what came on the scrollback channel; the end of the turn writes it. */
static void take_scrollback(struct client *c)
{
	if (!scrollback_client_read(&c->scrollback, client_sync_channels(c->sync)))
		log_warn("the server's scrollback stream broke its format; no more scrollback");
}

static void receive_network(struct client *c, uint64_t now)
{
	unsigned flags = client_sync_receive(c->sync, now);
	bool news = flags & PUMP_NEWS;
	const struct fb *fb = client_sync_screen(c->sync);

	if (flags & PUMP_FAILED)
		c->socket_failed = c->quit = true;
	if (client_sync_ended(c->sync) && !c->server_ended) {
		c->server_ended = true;
		c->ended_at = now;
		client_sync_send_now(c->sync, now);	/* acknowledge the goodbye */
	}
	if (flags & PUMP_CLOSED) {
		if (c->server_ended)
			c->server_gone = true;	/* after its goodbye: what we hold is all */
		else
			c->taken_over = c->quit = true;
	}
	if (news && fb)
		local_echo_frame(c->echo, fb, client_sync_echo_ack(c->sync),
				 (int)transport_srtt_ms(client_sync_transport(c->sync)), now);
	if (news)
		c->pace.screen_changed_at = now;
	if (news || c->notice_shown)
		paint(c, now);
	channel_events(c);
	take_scrollback(c);
}

/* The program has exited, and the lines it left are in the terminal's
 * history, or the server has fallen silent for the linger time. */
static bool finished(const struct client *c, uint64_t now)
{
	uint64_t heard = transport_last_heard_ms(client_sync_transport(c->sync));
	uint64_t quiet_since = heard > c->ended_at ? heard : c->ended_at;

	if (!c->server_ended)
		return false;
	if (c->server_gone)
		return !scrollback_rx_held(&c->scrollback.rx);
	return scrollback_client_done(&c->scrollback, client_sync_channels(c->sync)) ||
	       now >= quiet_since + SSPSH_SHUTDOWN_LINGER_MS;
}

/* The relay through ssh: started, restarted or stopped as needed; ssh's
 * question shown on the status line while it waits. */
static void steer_route(struct client *c, uint64_t now)
{
	struct transport *t = client_sync_transport(c->sync);
	const char *notice = NULL;
	bool stepped = c->relay && relay_link_step(c->relay, t, silence_ms(c, now), ever_heard(c), now, &notice);
	bool asking = c->relay && relay_link_question(c->relay);

	if (asking != c->question_shown) {
		c->question_shown = asking;
		paint(c, now);	/* the question appears, or the screen comes back */
	}
	if (!stepped)
		return;
	client_sync_send_now(c->sync, now);	/* the server hears the new path at once */
	if (notice) {
		c->route_notice = notice;
		c->route_notice_until = now + ROUTE_NOTICE_MS;
		paint(c, now);
	}
}

/* ---- The loop ---- */

static int poll_timeout(const struct client *c, uint64_t now)
{
	uint64_t deadline = client_sync_deadline(c->sync, now), quiet = silence_ms(c, now);
	uint64_t notice_after = notice_after_ms(c);
	int wait = deadline <= now ? 0 : deadline - now > INT32_MAX ? INT32_MAX : (int)(deadline - now);
	int echo_wait = local_echo_wait_ms(c->echo, now);

	if (history_waits(c)) {
		uint64_t resume = history_resumes_at(c);
		if (resume <= now)
			return 0;	/* lines wait for the terminal */
		if (resume - now < (uint64_t)wait)
			wait = (int)(resume - now);
	}

	/* The notice appears on time, then counts seconds. */
	if (quiet < notice_after) {
		if (notice_after - quiet < (uint64_t)wait)
			wait = (int)(notice_after - quiet);
	} else if (ever_heard(c) && wait > 1000 - (int)(quiet % 1000)) {
		wait = 1000 - (int)(quiet % 1000);
	}
	if (echo_wait >= 0 && echo_wait < wait)
		wait = echo_wait;
	if (c->relay) {
		uint64_t relay_due = relay_link_deadline(c->relay, now);
		if (relay_due <= now)
			wait = 0;
		else if (relay_due - now < (uint64_t)wait)
			wait = (int)(relay_due - now);
	}
	if (c->route_notice_until > now && c->route_notice_until - now < (uint64_t)wait)
		wait = (int)(c->route_notice_until - now);
	if (c->forward) {
		uint64_t forward_due = forward_deadline(c->forward, now);
		if (forward_due <= now)
			wait = 0;
		else if (forward_due - now < (uint64_t)wait)
			wait = (int)(forward_due - now);
	}
	return wait;
}

/* A --local server that exited before the session ended never told us. */
static void collect_local_server(struct client *c)
{
	pid_t pid = c->local_server ? *c->local_server : 0;

	if (pid > 0 && waitpid(pid, NULL, WNOHANG) == pid) {
		*c->local_server = 0;
		c->server_vanished = !client_sync_ended(c->sync);
		c->quit = c->quit || c->server_vanished;
	}
}

static void handle_signals(struct client *c, uint64_t now)
{
	int ending;

	if (signals_take(SIGWINCH))
		window_changed(c, now);
	if (signals_take(SIGCHLD))	/* the relay's ssh is collected by steer_route */
		collect_local_server(c);
	if ((ending = signals_take_ending()) && !c->quit_signal) {
		c->quit_signal = ending;
		c->quit = true;
	}
}

static void turn(struct client *c)
{
	bool room = client_sync_input_room(c->sync);
	static struct pollfd p[2 + RELAY_LINK_POLLFDS + TRANSPORT_POLLFDS + FORWARD_POLLFDS_MAX];
	int n_relay = c->relay ? relay_link_pollfds(c->relay, p + 2) : 0;
	int n = 2 + n_relay + transport_pollfds(client_sync_transport(c->sync), p + 2 + n_relay);
	size_t n_forward = c->forward ? forward_pollfds(c->forward, p + n, FORWARD_POLLFDS_MAX) : 0;
	uint64_t now = clock_ms();

	p[0] = (struct pollfd){ signals_fd(), POLLIN, 0 };
	p[1] = (struct pollfd){ STDIN_FILENO, (short)(room ? POLLIN : 0), 0 };
	if (poll(p, (nfds_t)n + n_forward, poll_timeout(c, now)) < 0 && errno != EINTR) {
		c->quit = true;
		return;
	}
	now = clock_ms();
	handle_signals(c, now);
	if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
		read_keyboard(c, now);
	receive_network(c, now);
	if (c->forward)
		forward_step(c->forward, p + n, n_forward, now);
	steer_route(c, now);
	if (local_echo_tick(c->echo, now))
		paint(c, now);
	if (c->notice_shown || silence_ms(c, now) >= notice_after_ms(c))
		paint(c, now);
	client_sync_tick(c->sync, now);
	write_history(c, now);
}

/* Forwarding, when the command line asked for any: its listeners are
 * bound before the session starts (a port in use is a notice). */
static bool forward_init(struct client *c, const struct client_settings *settings)
{
	struct forward_settings fs = { .client = true, .specs = settings->forwards,
				       .n_specs = settings->n_forwards,
				       .agent_socket = settings->agent_socket };

	if (!settings->n_forwards && !settings->agent_socket)
		return true;
	c->forward = forward_new(client_sync_channels(c->sync), &fs, forward_said, c);
	if (!c->forward)
		return false;
	forward_start(c->forward);
	return true;
}

static bool client_init(struct client *c, struct transport *t, const struct client_settings *settings)
{
	const struct relay_link_settings *relay = settings->relay;
	struct term_caps terminal;

	memset(c, 0, sizeof *c);
	term_caps_load(NULL, &terminal);
	c->relay = settings->relay_link;
	c->local_server = settings->local_server;
	c->no_contact_hint = settings->no_contact_hint ? settings->no_contact_hint : NO_CONTACT_HINT;
	c->started_at = clock_ms();
	c->sync = client_sync_new(t);
	c->echo = local_echo_new(settings->predict);
	c->screen = c->echo ? screen_new(STDOUT_FILENO, &terminal, local_echo_draw, c->echo) : NULL;
	scrollback_client_init(&c->scrollback, settings->scrollback != 0);
	if (!c->relay && relay && relay->mode != ROUTE_UDP && !(c->relay = relay_link_new(relay)))
		return false;
	return c->sync && c->screen && forward_init(c, settings);
}

static void client_free(struct client *c)
{
	forward_free(c->forward);	/* before the mux it uses */
	client_sync_free(c->sync);	/* closes the pipe to the relay first */
	relay_link_free(c->relay);
	scrollback_client_free(&c->scrollback);
	screen_free(c->screen);
	local_echo_free(c->echo);
}

/* LANG and LC_* first in the input stream: the daemon starts the program
 * with them once the first datagram is in. */
static void send_locale(struct client *c)
{
	extern char **environ;
	int sent = 0;

	for (char **e = environ; *e && sent < SSPSH_SESSION_ENV_MAX; e++)
		if ((strncmp(*e, "LANG=", 5) == 0 || strncmp(*e, "LC_", 3) == 0) &&
		    client_sync_setenv(c->sync, *e))
			sent++;
}

/* ---- Ending ---- */

/* How the session ended for the server: the line to leave on the screen
 * and the status to exit with. */
static int server_farewell(const struct client *c, char *notice, size_t cap)
{
	struct session_end end = client_sync_end(c->sync);

	switch (end.reason) {
	case SESSION_PROGRAM_KILLED:
		snprintf(notice, cap, "[sspsh is exiting: the program was killed by signal %d (%s).]",
			 end.status - 128, strsignal(end.status - 128));
		return end.status;
	case SESSION_SERVER_STOPPED:
		snprintf(notice, cap, "[sspsh: the server was stopped, and the session with it.]");
		return EXIT_CONNECTION;
	case SESSION_DAEMON_STOPPED:
		snprintf(notice, cap, "[sspsh: the server's daemon stopped, and the session with it.]");
		return EXIT_CONNECTION;
	case SESSION_KEY_REVOKED:
		snprintf(notice, cap, "[sspsh: the session ended: our key is no longer authorized by the daemon.]");
		return EXIT_CONNECTION;
	case SESSION_RUNNING:
	case SESSION_PROGRAM_EXITED:
		break;
	}
	snprintf(notice, cap, "[sspsh is exiting.]");
	return end.status;
}

/* The user left a session that lives on (daemon mode): how to come back,
 * unless its server has been silent long enough to be gone. */
static void detach_notice(const struct client *c, const struct client_settings *settings,
			  uint64_t now, char *notice, size_t cap)
{
	unsigned long long id = (unsigned long long)settings->session_id;
	uint64_t quiet = silence_ms(c, now);

	if (quiet >= SSPSH_SILENCE_NOTICE_MS)
		snprintf(notice, cap, "[sspsh: detached from session %llu, whose server has been silent for "
			 "%llu s; if it is still there, `%s` resumes it.]", id,
			 (unsigned long long)(quiet / 1000), settings->resume_command);
	else
		snprintf(notice, cap, "[sspsh: detached from session %llu; `%s` resumes it.]", id,
			 settings->resume_command);
}

/* The line to leave on the screen and the exit status. */
static int farewell(const struct client *c, const struct client_settings *settings, uint64_t now,
		    char *notice, size_t cap)
{
	if (c->server_ended)
		return server_farewell(c, notice, cap);
	if (c->taken_over) {
		snprintf(notice, cap, "[sspsh: another client took this session over.]");
		return EXIT_CONNECTION;
	}
	if (c->server_vanished) {
		snprintf(notice, cap, "[sspsh: the server exited without a word (SSPSH_SERVER_LOG=1 shows its log).]");
		return EXIT_CONNECTION;
	}
	if (!ever_heard(c) && !c->quit_signal) {
		char peer[80];
		transport_peer_name(client_sync_transport(c->sync), peer, sizeof peer);
		snprintf(notice, cap, "[sspsh: nothing ever came from %s (%s?).]", peer, c->no_contact_hint);
		return EXIT_CONNECTION;
	}
	if (settings->session_id)
		detach_notice(c, settings, now, notice, cap);
	else
		snprintf(notice, cap, "[sspsh is exiting.]");
	if (c->socket_failed)
		return EXIT_CONNECTION;
	return c->quit_signal ? 128 + c->quit_signal : 0;
}

int client_session_run(struct transport *t, const struct client_settings *settings)
{
	static const int caught[] = { SIGWINCH, SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGCHLD, 0 };
	char exit_notice[1400];
	struct client c;
	int status;

	if (settings->link && !transport_set_link(t, settings->link)) {
		transport_free(t);
		relay_link_free(settings->relay_link);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	if (!client_init(&c, t, settings) ||
	    !signals_catch(caught) || !tty_raw(STDIN_FILENO)) {
		client_free(&c);
		return 1;
	}
	steer_route(&c, clock_ms());	/* --transport=ssh: the first datagram goes by the relay */
	screen_allow_clipboard(c.screen, settings->clipboard);
	if (settings->new_program) {
		send_locale(&c);
		if (!client_sync_command(c.sync, settings->command, clock_ms()))
			log_error("out of memory for the command");
	}
	if (settings->scrollback >= 0)
		scrollback_client_ask(&c.scrollback, client_sync_channels(c.sync), (uint32_t)settings->scrollback);
	window_changed(&c, clock_ms());
	client_sync_send_now(c.sync, clock_ms());
	while (!c.quit && !finished(&c, clock_ms()))
		turn(&c);
	if (c.server_ended)
		paint(&c, clock_ms());
	status = farewell(&c, settings, clock_ms(), exit_notice, sizeof exit_notice);
	if (!c.server_ended && !c.taken_over)
		transport_send_close(client_sync_transport(c.sync));	/* daemon mode: the session is detached now */
	screen_release(c.screen, exit_notice);
	tty_restore();
	client_free(&c);
	return status;
}
