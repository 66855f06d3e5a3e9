/* The scrollback stream: the server's history log (term/history.h) sent
 * to the client over a reliable, ordered byte stream, and read back there
 * into batches for the writer (term/display_history.h). Neither side does
 * I/O: the server fills the stream as it has room, the client feeds it
 * what arrived.
 *
 *   stream := record*
 *   record := 0x01 varint(len) entry     the next entry of the log
 *           | 0x02 varint(count)         count entries the log dropped
 *                                        before they could be sent
 *
 * The other way the client reports what it has written into its terminal:
 *
 *   reports := varint(bytes)*            bytes of the stream written since
 *                                        the last report
 *
 * and the server sends at most SSPSH_SCROLLBACK_AHEAD_MAX bytes beyond
 * what was reported, so the lines that wait for the terminal wait in the
 * server's log, not in the client. An entry is at most
 * SSPSH_HISTORY_LINE_MAX bytes; a stream that breaks a rule (a server
 * further ahead than that too) is the peer's fault and ends the stream. */
#ifndef SSPSH_SCROLLBACK_H
#define SSPSH_SCROLLBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "net/channel.h"
#include "term/display_history.h"
#include "term/history.h"

/* ---- Server ---- */

struct scrollback_tx {
	uint64_t next;		/* the number of the next entry to send */
	uint64_t sent;		/* bytes of stream written */
	uint64_t written;	/* ... the client reported written to its terminal */
	uint64_t report;	/* the report being read, */
	unsigned report_shift;	/* ... and its bits so far */
};

/* A stream for a client that should first get the newest `replay`
 * entries the log holds (a reattach), then every new one. */
void scrollback_tx_start(struct scrollback_tx *tx, const struct history *log, uint32_t replay);
/* Append to out the records of the entries not sent yet, up to `room`
 * bytes (whole records only); returns the bytes appended. */
size_t scrollback_tx_fill(struct scrollback_tx *tx, const struct history *log, size_t room,
			  struct buf *out);
/* Entries the log holds that are not sent yet. */
uint64_t scrollback_tx_backlog(const struct scrollback_tx *tx, const struct history *log);
/* Bytes of records the stream takes now: the channel's room, at most
 * SSPSH_SCROLLBACK_AHEAD_MAX beyond what the client reported written. */
size_t scrollback_tx_room(const struct scrollback_tx *tx, const struct chan_mux *m, uint32_t id);
/* Lines wait and the stream has room for the next (nothing is due while
 * the room is too small for it: the client's report makes more). */
bool scrollback_tx_due(const struct scrollback_tx *tx, const struct history *log,
		       const struct chan_mux *m, uint32_t id);
/* Take the client's reports (in any pieces); false if one breaks a rule
 * (a varint over 64 bits). A report of more than was sent counts as all
 * of it. */
bool scrollback_tx_reports(struct scrollback_tx *tx, const uint8_t *data, size_t len);
/* Read the client's reports from channel id; false as above. */
bool scrollback_tx_read_reports(struct scrollback_tx *tx, struct chan_mux *m, uint32_t id);

/* What the server's scrollback channel asks for when it opens (the
 * channel's OPEN request, net/channel.h). */
#define SCROLLBACK_CHANNEL_REQUEST "sspsh-scrollback"

/* A client asks the server to keep at most N lines (connect --scrollback
 * N) by opening a channel with this request and N in decimal; the server
 * refuses that channel, the request being all it says. A server that
 * does not know it refuses it as a forward it cannot make. */
#define SCROLLBACK_LINES_REQUEST "sspsh-scrollback-lines "

/* The lines asked for, from an open request; false if it is not one. */
bool scrollback_lines_request(const uint8_t *request, size_t len, uint32_t *lines);

/* Write the records of the entries not sent yet into channel id while the
 * stream has room (scrollback_tx_room: the client's reports pace it). */
void scrollback_tx_send(struct scrollback_tx *tx, const struct history *log, struct chan_mux *m,
			uint32_t id);

/* ---- Client ---- */

/* Lines lost, then entries: what display_history writes in one go. */
struct scrollback_batch {
	uint64_t lost;
	const struct history_span *entries;
	size_t n;
};

struct scrollback_rx {
	struct buf held;	/* complete records not yet taken */
	struct buf partial;	/* the start of the next record */
	struct history_span *spans;
	size_t spans_cap;
	size_t batch_bytes;	/* the held bytes the last batch covers */
	uint64_t unreported;	/* bytes written into the terminal, not yet reported */
	bool failed;
};

void scrollback_rx_init(struct scrollback_rx *rx);
void scrollback_rx_free(struct scrollback_rx *rx);
/* Take stream bytes as they arrived (in any pieces). false once the
 * stream broke a rule or memory ran out: nothing more is taken. */
bool scrollback_rx_feed(struct scrollback_rx *rx, const uint8_t *data, size_t len);
/* Whole records wait to be taken as a batch. */
bool scrollback_rx_ready(const struct scrollback_rx *rx);
/* Bytes held, received and not yet written. */
size_t scrollback_rx_held(const struct scrollback_rx *rx);
/* Read channel id into rx. false once the stream broke a rule, such as
 * more than SSPSH_SCROLLBACK_AHEAD_MAX bytes held. */
bool scrollback_rx_read(struct scrollback_rx *rx, struct chan_mux *m, uint32_t id);
/* The oldest batch held: a gap and the entries up to the next gap, as
 * many as fit in max_bytes of records (one at least). false when nothing
 * is held. Valid until the next call on rx. */
bool scrollback_rx_batch(struct scrollback_rx *rx, size_t max_bytes, struct scrollback_batch *batch);
/* The batch last returned has been written: forget it. */
void scrollback_rx_done(struct scrollback_rx *rx);
/* Tell the server on channel id what was written, once that is a quarter
 * of what it may send ahead or everything held. */
void scrollback_rx_report(struct scrollback_rx *rx, struct chan_mux *m, uint32_t id);

/* When the client writes the lines it holds into the terminal, and how. */
struct scrollback_pace {
	uint64_t typed_at;		/* the user last typed; 0: not yet */
	uint64_t screen_changed_at;	/* the newest frame came */
};

/* After the user typed, the lines wait a round trip and
 * SSPSH_SCROLLBACK_ANSWER_WAIT_MS: the answer (an echo, the prompt after
 * Ctrl-C) then finds the terminal done with the lines it had been given
 * and shows at once instead of behind them. */
uint64_t scrollback_pace_resume_at(const struct scrollback_pace *p, uint64_t srtt_ms);
/* Lines go without hiding the screen (display_history's keep_in_view) once
 * it has stood still SSPSH_SCROLLBACK_STILL_MS or right after the user
 * typed; while a flood changes it anyway, the cheaper way. */
bool scrollback_pace_keep_in_view(const struct scrollback_pace *p, uint64_t now);

/* The client's end of the scrollback channel: it accepts the server's
 * channel for the log and reads it into rx. */
struct scrollback_client {
	struct scrollback_rx rx;
	uint32_t id;
	bool open;
	bool wanted;	/* false: the server's channel is refused */
	bool asking;	/* ask_id carries a SCROLLBACK_LINES_REQUEST */
	uint32_t ask_id;
};

void scrollback_client_init(struct scrollback_client *c, bool wanted);
/* Asks the server to keep at most `lines` lines (SCROLLBACK_LINES_REQUEST). */
void scrollback_client_ask(struct scrollback_client *c, struct chan_mux *m, uint32_t lines);
void scrollback_client_free(struct scrollback_client *c);
/* One event of the mux: true if it was the scrollback's (the server's
 * request for the log, or an event on its channel), handled. */
bool scrollback_client_event(struct scrollback_client *c, struct chan_mux *m,
			     const struct chan_event *ev);
/* Reads what arrived. false once the server's stream broke a rule (the
 * channel is then reset). */
bool scrollback_client_read(struct scrollback_client *c, struct chan_mux *m);
/* Tells the server what was written since (scrollback_rx_report). */
void scrollback_client_report(struct scrollback_client *c, struct chan_mux *m);
/* Every line the server sent has been read and written: the channel is
 * gone or at its end, and nothing is held. */
bool scrollback_client_done(const struct scrollback_client *c, const struct chan_mux *m);

#endif
