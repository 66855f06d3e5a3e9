/* The lines that scroll off a served session's screen, kept in a log and
 * streamed to its client on a channel of their own. */
#include <string.h>

#include "applets/session/server_session_internal.h"
#include "core/log.h"
#include "core/options.h"
#include "net/transport.h"
#include "term/emu.h"
#include "term/history.h"

void scrollback_open_stream(struct server_session *s)
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
	scrollback_open_stream(s);
	return true;
}

/* The client asked for at most `lines` lines (SCROLLBACK_LINES_REQUEST):
 * fewer than the log keeps shrink it, 0 drops it (and its channel). Lines
 * dropped so are not a gap the client is told of. */
static void lines_asked(struct server_session *s, uint32_t lines)
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

/* What the client wrote into its terminal; a report that breaks the
 * stream's rule ends the stream. */
static void take_reports(struct server_session *s, struct chan_mux *m)
{
	if (scrollback_tx_read_reports(&s->scrollback, m, s->scrollback_id))
		return;
	log_warn("the client's scrollback reports broke their format; no more scrollback");
	chan_reset(m, s->scrollback_id, 2);
	s->scrollback_open = s->scrollback_accepted = false;
}

/* The client's stream channel accepted, refused or reset (which ends it),
 * or its reports of what the client wrote, which let more lines go. */
static void stream_event(struct server_session *s, struct chan_mux *m, const struct chan_event *ev)
{
	if (ev->type == CHAN_EV_ACCEPTED) {
		s->scrollback_accepted = true;
	} else if (ev->type == CHAN_EV_READABLE) {
		take_reports(s, m);
	} else if (ev->type == CHAN_EV_REFUSED || ev->type == CHAN_EV_RESET) {
		chan_release(m, ev->id);
		s->scrollback_open = s->scrollback_accepted = false;
	}
}

bool scrollback_channel_event(struct server_session *s, struct chan_mux *m,
			      const struct chan_event *ev)
{
	uint32_t lines;

	if (ev->type == CHAN_EV_OPEN) {
		if (!scrollback_lines_request(ev->bytes, ev->len, &lines))
			return false;
		lines_asked(s, lines);
		chan_refuse(m, ev->id, 0, "noted");
		chan_release(m, ev->id);
		return true;
	}
	if (ev->id != s->scrollback_id || !s->scrollback_open)
		return false;
	stream_event(s, m, ev);
	return true;
}

/* Once the program is gone and its last line sent, the stream ends (the
 * client then knows it has every line). */
void scrollback_send_lines(struct server_session *s)
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

/* At most an eighth of the log's lines even if every byte were a line feed. */
size_t scrollback_slice(const struct server_session *s)
{
	size_t slice = s->scrollback_lines / 8;

	if (!s->history || slice > SSPSH_PTY_READ_SIZE)
		return SSPSH_PTY_READ_SIZE;
	return slice < 64 ? 64 : slice;
}

/* Until when the program may wait for the client to take lines: while the
 * client that took the stream keeps being heard, and before a new client
 * came and had its time to answer the stream. 0: not now. */
uint64_t scrollback_stall_deadline(const struct server_session *s)
{
	if (s->scrollback_accepted)
		return transport_last_heard_ms(session_transport(s)) + SSPSH_SCROLLBACK_STALL_MS;
	if (!s->scrollback_open)
		return 0;
	return s->contact_at ? s->contact_at + SSPSH_SCROLLBACK_STALL_MS : UINT64_MAX;
}

/* Lines unsent at which the program waits (scrollback_behind). */
static uint64_t backlog_limit(const struct server_session *s, uint64_t now)
{
	if (now < s->answer_window_end && 4 * scrollback_slice(s) < s->scrollback_lines)
		return s->scrollback_lines - 2 * scrollback_slice(s);
	return s->scrollback_lines / 4;
}

/* The client's stream is more than a quarter of the log behind while the
 * client is there to take it (or has yet to come, or to answer the
 * stream): the program waits (its output stays in the pty, as over ssh)
 * rather than have lines fall out of the log. Right after the user typed,
 * the answer (an echo, the prompt after Ctrl-C, behind what the pty still
 * holds) may use most of the rest without waiting for the client. A client
 * that went quiet gets a gap marker instead, so the program never waits on
 * it. */
bool scrollback_behind(const struct server_session *s, uint64_t now)
{
	return now < scrollback_stall_deadline(s) &&
	       scrollback_tx_backlog(&s->scrollback, s->history) >= backlog_limit(s, now);
}

/* While the program may wait for the stream, about as many bytes as the
 * log takes lines before it is behind (a byte makes a line at most, but
 * for a few sequences that the emulator's slices catch), so that little is
 * read and then held back, and what the pty holds after a Ctrl-C fits
 * into the log's rest. */
size_t scrollback_pty_read_size(const struct server_session *s, uint64_t now)
{
	uint64_t backlog, limit;

	if (!s->history || now >= scrollback_stall_deadline(s))
		return SSPSH_PTY_READ_SIZE;
	backlog = scrollback_tx_backlog(&s->scrollback, s->history);
	limit = backlog_limit(s, now);
	if (backlog + SSPSH_PTY_READ_SIZE <= limit)
		return SSPSH_PTY_READ_SIZE;
	return backlog + 64 < limit ? (size_t)(limit - backlog) : 64;
}

bool scrollback_due(const struct server_session *s)
{
	return s->scrollback_accepted &&
	       scrollback_tx_due(&s->scrollback, s->history, pump_channels(s->pump), s->scrollback_id);
}

bool scrollback_drained(const struct server_session *s)
{
	return !s->scrollback_accepted ||
	       (s->scrollback_shut && chan_all_acked(pump_channels(s->pump), s->scrollback_id));
}
