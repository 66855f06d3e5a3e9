/* The invariants of sspsh: the wire protocol's version and sizes, and the
 * bound on every size a peer controls (each has a test where a hostile
 * peer hits it). Both ends of a session are built with the same values;
 * a larger bound is more memory a peer can make us hold. Like the knobs,
 * each can be overridden with CPPFLAGS. Included at the end of
 * core/options.h, whose knobs the assertions at the end relate to these:
 * include that file, not this one. */
#ifndef SSPSH_SYSOPTIONS_H
#define SSPSH_SYSOPTIONS_H

#ifndef SSPSH_OPTIONS_H
#error "include core/options.h, which includes this after its knobs"
#endif

/* The wire protocol's version: datagrams, SSP, the daemon's handshake. It
 * travels in the server's CONNECT line and in every handshake; a client and
 * a server of different protocol versions refuse each other in one line
 * that names both. Raise it with any change the other side would misread.
 * 2: frame diffs may travel deflated (FRAME_DEFLATED).
 * 3: one datagram per payload, no fragment header (suites "SSP3", "SSP4").
 * 4: each transport payload starts with a byte naming the SSP or the
 *    channels (net/pump.h), which carry the scrollback stream.
 * 5: direct sessions seal under per-client, per-direction keys (suite
 *    "SSP5": a client id in the header to the server, net/datagram.h).
 * 6: frame diffs carry styled underlines, underline colour, overline, the
 *    cursor shape and the cursor's pen (a diff starts from the old frame's
 *    pen); scrollback pens carry the underline colour; the client's input
 *    stream carries its locale for an SSH-free session (INPUT_ENV); a
 *    session's last frame says why it ended and the exit status
 *    (FRAME_ENDED carries a reason and a status).
 * 7: FRAME_ENDED's reason 5: the daemon no longer authorizes the client's
 *    key (SESSION_KEY_REVOKED).
 * 8: a NEW request (net/session_msg.h) carries no command: the client
 *    sends it inside the session (INPUT_COMMAND), after its locale.
 * 9: the client reports on the scrollback channel what it has written
 *    into its terminal, and the server sends at most
 *    SSPSH_SCROLLBACK_AHEAD_MAX bytes of lines beyond that.
 * 10: datagrams of up to SSPSH_DATAGRAM_LOOPBACK_MAX bytes are read; a
 *    pump payload's type byte says whether its sender's path takes them
 *    (net/pump.h), and a peer on a loopback address that says so is sent
 *    them. */
#ifndef SSPSH_PROTOCOL_VERSION
#define SSPSH_PROTOCOL_VERSION 10
#endif

/* ---- connect over ssh ---- */
/* A SHA256SUMS file beside a binary for --install is read up to this size
 * (a release's lists two lines); a longer one is refused. */
#ifndef SSPSH_SHA256SUMS_MAX
#define SSPSH_SHA256SUMS_MAX 65536
#endif

/* ---- Terminal ---- */
/* Largest window accepted from a peer or a program (guards memory). */
#ifndef SSPSH_MAX_COLS
#define SSPSH_MAX_COLS 1000
#endif
#ifndef SSPSH_MAX_ROWS
#define SSPSH_MAX_ROWS 500
#endif

/* ---- State Synchronization Protocol (net/ssp.c) ----
 * mosh 1.4 for comparison: frame interval clamp(SRTT/2, 20, 250) ms, 8 ms
 * output collection, 100 ms delayed acks, 3 s heartbeat. */
/* States a sender keeps while waiting for acks (the acked one and the
 * newest always stay), and states a receiver keeps as diff bases. These
 * bound memory whatever the program writes. */
#ifndef SSPSH_MAX_SENT_STATES
#define SSPSH_MAX_SENT_STATES 16
#endif
#ifndef SSPSH_MAX_RECEIVED_STATES
#define SSPSH_MAX_RECEIVED_STATES 32
#endif
/* The SSP splits an instruction (the diff from one state to another) into
 * pieces that each fit one datagram. A receiver collects at most this many
 * bytes and this many pieces of one instruction, so a peer cannot make it
 * hold more; the pieces are enough for the largest instruction even in the
 * smallest datagrams (SSPSH_DATAGRAM_MIN; asserted in net/pump.c). */
#ifndef SSPSH_SSP_MAX_INSTRUCTION
#define SSPSH_SSP_MAX_INSTRUCTION (4u << 20)
#endif
#ifndef SSPSH_SSP_MAX_FRAGMENTS
#define SSPSH_SSP_MAX_FRAGMENTS 16384
#endif
/* The server's side of the input stream: the longest instruction it
 * collects from a client and the instruction bytes behind the input states
 * it keeps. A client sends no more than SSPSH_MAX_UNACKED_INPUT unacked
 * (plus one read of the keyboard), so these only stop a hostile one. */
#ifndef SSPSH_INPUT_INSTRUCTION_MAX
#define SSPSH_INPUT_INSTRUCTION_MAX (1u << 20)
#endif
#ifndef SSPSH_INPUT_HELD_MAX
#define SSPSH_INPUT_HELD_MAX (2u << 20)
#endif
/* Keys received and not yet taken by the program (it does not read its
 * terminal): past this the server takes no new input state, and the
 * client's paste waits for the program. */
#ifndef SSPSH_TO_PTY_MAX
#define SSPSH_TO_PTY_MAX (256u << 10)
#endif
/* Largest frame diff a client inflates (a hostile server's zip bomb stops
 * here). A full repaint of an 80x24 screen is under 100 KB even with a
 * colour change in every cell; this leaves room for the largest windows. */
#ifndef SSPSH_FRAME_DIFF_MAX
#define SSPSH_FRAME_DIFF_MAX (8u << 20)
#endif

/* ---- Sessions ---- */
/* The client stops reading the keyboard while this much input is
 * unacknowledged (a huge paste on a dead link). */
#ifndef SSPSH_MAX_UNACKED_INPUT
#define SSPSH_MAX_UNACKED_INPUT (256 * 1024)
#endif

/* ---- Channels: reliable byte streams inside a session (net/channel.h) ----
 * Memory a peer can make one side hold is bounded by these: at most
 * SESSION_WINDOW bytes received and not yet read by the application, over
 * all channels, and WINDOW in any one; the sender keeps at most
 * SEND_BUFFER bytes unacknowledged per channel and SESSION_SEND_BUFFER in
 * all. Bookkeeping beyond the bytes: CHAN_MAX channel records each way and
 * MAX_IN_FLIGHT packet records; and the memory of one emptied receive ring
 * (at most WINDOW) and one emptied send ring (at most SEND_BUFFER), kept
 * for the next channel that needs one (core/streambuf.h's spare). */
/* Channels each side may have open at once that it opened, and channels
 * the peer opened that it holds (more wait for a free one). */
#ifndef SSPSH_CHAN_MAX
#define SSPSH_CHAN_MAX 256
#endif
/* A new channel number is at most this far above the oldest one its opener
 * still holds, so the peer tells a late duplicate from a new channel with
 * a bitmap of this many bits. */
#ifndef SSPSH_CHAN_ID_SPAN
#define SSPSH_CHAN_ID_SPAN 1024
#endif
/* Receive window of one channel and of all channels of a session: bytes
 * the peer may send beyond what the application has read. One channel's
 * window must exceed what the link carries in about two round trips, or a
 * loss stalls it (2 MiB: 5 MB/s at 200 ms RTT). */
#ifndef SSPSH_CHAN_WINDOW
#define SSPSH_CHAN_WINDOW (2u << 20)
#endif
#ifndef SSPSH_CHAN_SESSION_WINDOW
#define SSPSH_CHAN_SESSION_WINDOW (8u << 20)
#endif
/* Unacknowledged bytes written to one channel, and to all of a session;
 * chan_write takes no more. */
#ifndef SSPSH_CHAN_SEND_BUFFER
#define SSPSH_CHAN_SEND_BUFFER (2u << 20)
#endif
#ifndef SSPSH_CHAN_SESSION_SEND_BUFFER
#define SSPSH_CHAN_SESSION_SEND_BUFFER (8u << 20)
#endif
/* Longest open request (what to connect to) and refusal reason. */
#ifndef SSPSH_CHAN_OPEN_INFO_MAX
#define SSPSH_CHAN_OPEN_INFO_MAX 512
#endif
#ifndef SSPSH_CHAN_REASON_MAX
#define SSPSH_CHAN_REASON_MAX 200
#endif
/* Pieces a channel's received bytes may be in (holes of loss and
 * reordering); a packet that would make more is dropped unacknowledged and
 * comes again. The sender's record of acknowledged and lost pieces of one
 * channel is bounded likewise (beyond it, it resends more than needed). */
#ifndef SSPSH_CHAN_RX_RANGES
#define SSPSH_CHAN_RX_RANGES 256
#endif
#ifndef SSPSH_CHAN_TX_RANGES
#define SSPSH_CHAN_TX_RANGES 1024
#endif
/* Packet number ranges a receiver remembers and an ACK carries at most
 * (as many as fit in the payload). A jittery path delivers packets out of
 * order, so each round trip leaves many small ranges; a packet whose range
 * is dropped before an ACK reported it is sent again for nothing. */
#ifndef SSPSH_CHAN_ACK_RANGES
#define SSPSH_CHAN_ACK_RANGES 256
#endif
/* Packets sent and not yet acknowledged or declared lost, at most. */
#ifndef SSPSH_CHAN_MAX_IN_FLIGHT
#define SSPSH_CHAN_MAX_IN_FLIGHT 8192
#endif

/* ---- Forwarding (applets/session/forward.h) ---- */
/* Forwarded connections one side holds at most (each has a channel once
 * it is answered; SOCKS clients still talking hold none); beyond it the
 * listeners wait. */
#ifndef SSPSH_FORWARD_CONNS_MAX
#define SSPSH_FORWARD_CONNS_MAX 512
#endif
/* Listening sockets one side holds at most: the client's -L and -D, the
 * server's -R ports and agent socket a client asked for (a request beyond
 * it is refused). */
#ifndef SSPSH_FORWARD_LISTENERS_MAX
#define SSPSH_FORWARD_LISTENERS_MAX 64
#endif

/* ---- Keys (SSH-free sessions) ---- */
/* Longest comment kept with a key. */
#ifndef SSPSH_KEY_COMMENT_MAX
#define SSPSH_KEY_COMMENT_MAX 256
#endif
/* Largest key, authorized_keys or known_hosts file read (guards memory). */
#ifndef SSPSH_KEYFILE_MAX_BYTES
#define SSPSH_KEYFILE_MAX_BYTES (1 << 20)
#endif
/* Largest application payload carried in a handshake message. */
#ifndef SSPSH_HANDSHAKE_PAYLOAD_MAX
#define SSPSH_HANDSHAKE_PAYLOAD_MAX 1024
#endif

/* ---- SSH-free daemon (sspsh server --listen) and its clients ---- */
/* The daemon holds an answered handshake this long for the client's first
 * datagram (which confirms it), and at most this many at once. */
#ifndef SSPSH_PENDING_HANDSHAKE_MS
#define SSPSH_PENDING_HANDSHAKE_MS 15000
#endif
#ifndef SSPSH_PENDING_HANDSHAKES_MAX
#define SSPSH_PENDING_HANDSHAKES_MAX 256
#endif
/* What an SSH-free session's requests carry at most: words of a new
 * session's command (INPUT_COMMAND, in the session), sessions in one
 * --list reply (the client asks page by page), characters of a command
 * --list shows (longer ones are cut) and of the reason for a refusal. A
 * full reply fits SSPSH_HANDSHAKE_PAYLOAD_MAX (asserted in
 * net/session_msg.h). */
#ifndef SSPSH_SESSION_MAX_ARGS
#define SSPSH_SESSION_MAX_ARGS 64
#endif
/* Bytes of a new SSH-free session's command (its words and a NUL after
 * each), which travels inside the session (INPUT_COMMAND), and how long
 * the daemon waits for it after the handshake before it drops the session. */
#ifndef SSPSH_SESSION_COMMAND_MAX
#define SSPSH_SESSION_COMMAND_MAX 4096
#endif
#ifndef SSPSH_SESSION_COMMAND_WAIT_MS
#define SSPSH_SESSION_COMMAND_WAIT_MS 15000
#endif
#ifndef SSPSH_SESSION_LIST_PAGE
#define SSPSH_SESSION_LIST_PAGE 12
#endif
#ifndef SSPSH_SESSION_COMMAND_SHOWN
#define SSPSH_SESSION_COMMAND_SHOWN 40
#endif
#ifndef SSPSH_SESSION_ERROR_MAX
#define SSPSH_SESSION_ERROR_MAX 200
#endif
/* The client's locale (LANG and LC_*) a new SSH-free session's program
 * gets: at most this many variables, each NAME=VALUE at most this long;
 * the rest are dropped. They travel in the session's input stream. */
#ifndef SSPSH_SESSION_ENV_MAX
#define SSPSH_SESSION_ENV_MAX 24
#endif
#ifndef SSPSH_SESSION_ENV_LEN_MAX
#define SSPSH_SESSION_ENV_LEN_MAX 128
#endif

/* ---- Relay through ssh (sspsh relay, net/frame.h, net/dgram_path.h) ---- */
/* Largest datagram a relay stream carries; a frame announcing more is
 * garbage and ends the stream. sspsh sends none above SSPSH_DATAGRAM_MAX
 * through a relay (net/transport.h: loopback-sized datagrams go only to a
 * peer that says its path takes them, which a client on a relay does not);
 * the rest is room for a peer whose path allows bigger ones. */
#ifndef SSPSH_RELAY_FRAME_MAX
#define SSPSH_RELAY_FRAME_MAX 2048
#endif
/* Bytes of frames queued for a pipe that is not taking them (a slow ssh
 * link); a frame that does not fit is dropped, as a router drops a packet,
 * and the SSP recovers. Small, so that a queue never adds much latency. */
#ifndef SSPSH_RELAY_QUEUE_BYTES
#define SSPSH_RELAY_QUEUE_BYTES 32768
#endif
/* Output of login scripts (a chatty .bashrc) skipped before the relay's
 * hello line; more means the far end is not a relay. */
#ifndef SSPSH_RELAY_JUNK_MAX
#define SSPSH_RELAY_JUNK_MAX 65536
#endif
/* ssh's questions while it runs a relay (applets/session/askpass.h): the
 * longest prompt shown (the rest is cut) and the longest answer typed. */
#ifndef SSPSH_ASKPASS_PROMPT_MAX
#define SSPSH_ASKPASS_PROMPT_MAX 512
#endif
#ifndef SSPSH_ASKPASS_ANSWER_MAX
#define SSPSH_ASKPASS_ANSWER_MAX 1024
#endif

/* ---- Terminal emulator ---- */
/* Parameters kept from one CSI/DCS sequence (the rest are dropped); at most 32. */
#ifndef SSPSH_PARSER_MAX_PARAMS
#define SSPSH_PARSER_MAX_PARAMS 32
#endif
/* Largest value of one parameter; bigger numbers saturate here. */
#ifndef SSPSH_PARSER_PARAM_MAX
#define SSPSH_PARSER_PARAM_MAX 65535
#endif
/* Longest OSC or DCS string kept (OSC 52 clipboard payloads are the big
 * ones); a longer string is dropped whole. */
#ifndef SSPSH_OSC_MAX
#define SSPSH_OSC_MAX 131072
#endif
/* Bytes of unread replies (DSR, DA) kept for the program; more are dropped,
 * so a program that asks without reading cannot grow memory. */
#ifndef SSPSH_EMU_REPLIES_MAX
#define SSPSH_EMU_REPLIES_MAX 4096
#endif
/* Distinct RGB underline colours (SGR 58:2) the process keeps exactly, in
 * one table for every screen (term/fb.h); a program that sends more gets
 * the nearest of the 256 indexed colours for the rest. Real programs use a
 * handful; the table is 4 bytes a colour and twice that in its index. */
#ifndef SSPSH_UNDERLINE_RGB_MAX
#define SSPSH_UNDERLINE_RGB_MAX 4096
#endif

/* ---- Scrollback (term/history.h) ---- */
/* Largest encoded history line (term/history_line.h): the cells that do not
 * fit are dropped, so a line never costs more than this plus
 * SSPSH_HISTORY_LINE_OVERHEAD bytes of bookkeeping and malloc. A plain
 * 80-column line encodes to at most 82 bytes, a coloured one to a few
 * hundred; the limit is reached only by lines of hundreds of columns or of
 * many-mark clusters, which lose their tail. It also bounds what a decoder
 * accepts from a peer. */
#ifndef SSPSH_HISTORY_LINE_MAX
#define SSPSH_HISTORY_LINE_MAX 4096
#endif
#define SSPSH_HISTORY_LINE_OVERHEAD 32
/* Bytes of scrollback the server sends beyond what the client has reported
 * written into its terminal, and so the most a client holds (one that
 * gets more ends the stream): enough for a 200 ms round trip at the rate
 * a terminal takes lines, little enough that what follows an interrupted
 * flood is over quickly. The lines that wait for the terminal wait in the
 * server's log, where the program waits for them. */
#ifndef SSPSH_SCROLLBACK_AHEAD_MAX
#define SSPSH_SCROLLBACK_AHEAD_MAX (256u << 10)
#endif

/* ---- Transport (net/) ---- */
/* Largest UDP payload sent over a network: small enough that no IPv4 or
 * IPv6 path fragments it at the IP layer (IPv6's minimum MTU is 1280).
 * Handshakes never exceed it. */
#ifndef SSPSH_DATAGRAM_MAX
#define SSPSH_DATAGRAM_MAX 1200
#endif
/* Largest UDP payload sent to a peer on a loopback address (127.0.0.0/8,
 * ::1) when neither side has a link emulator or a relay in between: the
 * same machine, whose loopback interface carries 64 KiB, so nothing
 * fragments, and each datagram's fixed costs (a system call each way, the
 * AEAD's setup, the channel's bookkeeping) are spread over 13 times the
 * bytes. Nothing longer is read, so both ends must be built with the same. */
#ifndef SSPSH_DATAGRAM_LOOPBACK_MAX
#define SSPSH_DATAGRAM_LOOPBACK_MAX 16384
#endif
/* When a send fails with EMSGSIZE (the link emulator's mtu; sockets ignore
 * learnt path MTUs, net/udp.c, so the kernel itself does not refuse), the
 * datagram size shrinks by this much, down to SSPSH_DATAGRAM_MIN (IPv4's
 * 576-byte minimum less 28 of headers): 1200, 1000, 800, 600, 548. The
 * transport then refuses larger payloads and the SSP, told the new maximum
 * (net/pump.c), splits its instructions smaller. */
#ifndef SSPSH_DATAGRAM_SHRINK
#define SSPSH_DATAGRAM_SHRINK 200
#endif
#ifndef SSPSH_DATAGRAM_MIN
#define SSPSH_DATAGRAM_MIN 548
#endif
/* Replay window in sequence numbers (a multiple of 64; RFC 6479 style
 * bitmap). A datagram this far behind the newest is dropped as too old. */
#ifndef SSPSH_REPLAY_WINDOW
#define SSPSH_REPLAY_WINDOW 4096
#endif

/* ---- How the knobs must relate ----
 * Sums that involve a wire format are asserted beside it: net/datagram.h
 * (a payload fits the smallest datagram), net/pump.c (SSP pieces and the
 * largest instruction), net/noise.h (a handshake fits a datagram),
 * net/session_msg.h (a session reply fits a handshake). */
_Static_assert(SSPSH_PORT_LOW <= SSPSH_PORT_HIGH, "empty default port range");
_Static_assert(SSPSH_DEFAULT_COLS <= SSPSH_MAX_COLS && SSPSH_DEFAULT_ROWS <= SSPSH_MAX_ROWS,
	       "the default window exceeds the largest");
_Static_assert(SSPSH_MAX_COLS <= 65535 && SSPSH_MAX_ROWS <= 65535, "window sizes travel as 16 bits");
_Static_assert(SSPSH_SEND_INTERVAL_MIN_MS <= SSPSH_SEND_INTERVAL_MAX_MS, "frame interval bounds are swapped");
_Static_assert(SSPSH_RTO_MIN_MS <= SSPSH_RTO_MAX_MS, "retransmission timeout bounds are swapped");
_Static_assert(SSPSH_MAX_SENT_STATES >= 2 && SSPSH_MAX_RECEIVED_STATES >= 2,
	       "the SSP keeps at least the acknowledged and the newest state");
_Static_assert(SSPSH_PTY_READ_SIZE <= SSPSH_PTY_READ_BUDGET, "one read exceeds the per-turn budget");
_Static_assert(SSPSH_PREDICT_SHOW_LOW_MS < SSPSH_PREDICT_SHOW_HIGH_MS &&
	       SSPSH_PREDICT_FLAG_LOW_MS < SSPSH_PREDICT_FLAG_HIGH_MS, "prediction thresholds need a gap");
_Static_assert(SSPSH_COOKIE_MARGIN_MS < SSPSH_COOKIE_SECRET_MS, "a cookie would never be used");
_Static_assert(SSPSH_DATAGRAM_MIN <= SSPSH_DATAGRAM_MAX && SSPSH_DATAGRAM_SHRINK > 0,
	       "datagram sizes cannot step down from SSPSH_DATAGRAM_MAX to SSPSH_DATAGRAM_MIN");
_Static_assert(SSPSH_REPLAY_WINDOW % 64 == 0 && SSPSH_REPLAY_WINDOW >= 128,
	       "the replay window is whole 64-bit blocks, at least two");
_Static_assert(SSPSH_TIMESTAMP_HOLD_MAX_MS > SSPSH_HEARTBEAT_MS, "idle heartbeats would prove no round trip");
_Static_assert(SSPSH_TIMESTAMP_HOLD_MAX_MS > SSPSH_ANSWER_ACK_DELAY_MS, "a held ack would prove no round trip");
_Static_assert(SSPSH_SILENT_BACKOFF_AFTER_MS > 2 * SSPSH_HEARTBEAT_MS &&
	       SSPSH_SILENT_BACKOFF_MAX_MS >= SSPSH_SILENT_BACKOFF_AFTER_MS,
	       "the server would back off from a client that lost one heartbeat");
_Static_assert(SSPSH_PORT_HOP_MS > SSPSH_HEARTBEAT_MS, "an idle client would hop ports between heartbeats");
_Static_assert(SSPSH_RTT_SAMPLE_MAX_MS < 65536, "RTT samples come from 16-bit timestamps");
_Static_assert(SSPSH_RELAY_FRAME_MAX >= SSPSH_DATAGRAM_MAX, "a relay must carry the largest datagram");
_Static_assert(SSPSH_DATAGRAM_LOOPBACK_MAX >= SSPSH_DATAGRAM_MAX && SSPSH_DATAGRAM_LOOPBACK_MAX <= 65507,
	       "a loopback datagram is at least a network one and fits in UDP over IPv4");
_Static_assert(SSPSH_CHAN_CWND_MIN >= SSPSH_DATAGRAM_LOOPBACK_MAX,
	       "the smallest congestion window must let a loopback-sized channel packet go");
_Static_assert(SSPSH_PARSER_MAX_PARAMS <= 32, "sub-parameters are marked in a 32-bit mask");
_Static_assert(SSPSH_UNDERLINE_RGB_MAX <= 65535 - 256, "an underline colour is 16 bits in the pen");

#endif
