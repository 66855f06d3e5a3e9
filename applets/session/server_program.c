/* A served session's program seen through its terminal: what it writes
 * goes into the emulator (in slices the scrollback stream keeps up with),
 * the client's keys and window size go to it. */
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "applets/session/server_session_internal.h"
#include "applets/session/ssp_input.h"
#include "core/log.h"
#include "core/options.h"
#include "term/emu.h"

static void program_output(struct server_session *s, uint64_t now)
{
	bool answered = now < s->answer_window_end;

	if (s->echo_pending) {
		s->echo_ack = s->written_pos;
		s->echo_pending = false;
	}
	emu_take_replies(s->emu, &s->to_pty);
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

static size_t feed_held(struct server_session *s, uint64_t now)
{
	size_t done = feed_emulator(s, s->held_output.data, s->held_output.len, now);

	buf_consume(&s->held_output, done);
	return done;
}

void program_feed_held_output(struct server_session *s, uint64_t now)
{
	if (s->held_output.len && feed_held(s, now))
		program_output(s, now);
}

static void read_pty(struct server_session *s, uint64_t now)
{
	uint8_t chunk[SSPSH_PTY_READ_SIZE];
	size_t total = feed_held(s, now), used;
	bool gone = false;

	while (total < SSPSH_PTY_READ_BUDGET && !s->held_output.len && !scrollback_behind(s, now)) {
		ssize_t n = read(s->child.master, chunk, scrollback_pty_read_size(s, now));

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
		session_program_gone(s, now);
}

/* Keys the program has not taken are held up to SSPSH_TO_PTY_MAX; past
 * that the client's input waits (the SSP takes no new input state). */
static void limit_input(struct server_session *s)
{
	ssp_set_accepting(s->ssp, s->to_pty.len < SSPSH_TO_PTY_MAX);
}

void program_write_keys(struct server_session *s, uint64_t now)
{
	ssize_t n = write(s->child.master, s->to_pty.data, s->to_pty.len);

	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			session_program_gone(s, now);
		return;
	}
	buf_consume(&s->to_pty, (size_t)n);
	if (!s->to_pty.len && s->to_pty.cap > SSPSH_SSP_KEEP_BYTES) {
		buf_free(&s->to_pty);	/* a paste's worth, given back */
		buf_init(&s->to_pty);
	}
	limit_input(s);
}

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

void program_take_input(struct server_session *s, uint64_t now)
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
		program_write_keys(s, now);
	limit_input(s);
}

void program_age_echo_ack(struct server_session *s, uint64_t now)
{
	if (s->echo_pending && now >= s->echo_pending_since + SSPSH_ECHO_ACK_TIMEOUT_MS) {
		s->echo_ack = s->written_pos;
		s->echo_pending = false;
		ssp_local_changed(s->ssp, now, false);
	}
}

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
		program_write_keys(s, now);
}
