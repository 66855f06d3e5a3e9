/* Every compile-time knob of sspsh, with its default and why. Override one
 * with CPPFLAGS, e.g. `make CPPFLAGS+=-DSSPSH_HEARTBEAT_MS=5000`. Modules
 * add their knobs here rather than hiding constants in .c files. */
#ifndef SSPSH_OPTIONS_H
#define SSPSH_OPTIONS_H

#ifndef SSPSH_VERSION
#define SSPSH_VERSION "0.1.0"
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
 *    sends it inside the session (INPUT_COMMAND), after its locale. */
#ifndef SSPSH_PROTOCOL_VERSION
#define SSPSH_PROTOCOL_VERSION 8
#endif

/* ---- Server ---- */
/* UDP ports tried, in order, when none is given. */
#ifndef SSPSH_PORT_LOW
#define SSPSH_PORT_LOW 60001
#endif
#ifndef SSPSH_PORT_HIGH
#define SSPSH_PORT_HIGH 60999
#endif
/* A server that no client has reached in this long gives up. */
#ifndef SSPSH_FIRST_CONTACT_TIMEOUT_MS
#define SSPSH_FIRST_CONTACT_TIMEOUT_MS 60000
#endif
/* A session's program gets SIGHUP (itself and its process group) when the
 * session ends; one still there this long after gets SIGKILL. The event
 * loop keeps running meanwhile: nothing ever waits for a child. */
#ifndef SSPSH_HANGUP_GRACE_MS
#define SSPSH_HANGUP_GRACE_MS 2000
#endif
/* A server that is exiting gives a SIGKILLed program this much longer to be
 * collected (it may sit in an uninterruptible sleep), then exits anyway. */
#ifndef SSPSH_KILL_WAIT_MS
#define SSPSH_KILL_WAIT_MS 500
#endif
/* TERM given to programs inside a session. */
#ifndef SSPSH_TERM
#define SSPSH_TERM "xterm-256color"
#endif

/* ---- connect over ssh ---- */
/* After the CONNECT line, ssh gets this long to exit by itself before it is
 * stopped (the server has detached; only ssh's own teardown is left). */
#ifndef SSPSH_SSH_LINGER_MS
#define SSPSH_SSH_LINGER_MS 5000
#endif
/* With --install, the ssh master connection shared by the probe, the copy
 * and the start stays up at most this long if sspsh dies without closing it. */
#ifndef SSPSH_SSH_CONTROL_PERSIST_S
#define SSPSH_SSH_CONTROL_PERSIST_S 60
#endif
/* A SHA256SUMS file beside a binary for --install is read up to this size
 * (a release's lists two lines); a longer one is refused. */
#ifndef SSPSH_SHA256SUMS_MAX
#define SSPSH_SHA256SUMS_MAX 65536
#endif

/* ---- Terminal ---- */
#ifndef SSPSH_DEFAULT_COLS
#define SSPSH_DEFAULT_COLS 80
#endif
#ifndef SSPSH_DEFAULT_ROWS
#define SSPSH_DEFAULT_ROWS 24
#endif
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
/* Frames of a steadily changing state (a flood) go out at most every
 * clamp(SRTT / 2, MIN, MAX) ms; only the newest state is ever sent. */
#ifndef SSPSH_SEND_INTERVAL_MIN_MS
#define SSPSH_SEND_INTERVAL_MIN_MS 15
#endif
#ifndef SSPSH_SEND_INTERVAL_MAX_MS
#define SSPSH_SEND_INTERVAL_MAX_MS 250
#endif
/* The server waits this long after the first unsent change to collect the
 * rest of a burst of output into the same frame. */
#ifndef SSPSH_SERVER_COLLECT_MS
#define SSPSH_SERVER_COLLECT_MS 4
#endif
/* Output that follows the user's input (an echo, a prompt after Ctrl-C)
 * goes out whatever the frame interval: at once when no frame went out for
 * a frame interval (an echo in a quiet session), else after this long to
 * collect the rest of the stream it belongs to. Latency beats batching. */
#ifndef SSPSH_ECHO_COLLECT_MS
#define SSPSH_ECHO_COLLECT_MS 2
#endif
/* For this long after input reached the program, its output counts as an
 * answer to that input and is sent at once. */
#ifndef SSPSH_ECHO_WINDOW_MS
#define SSPSH_ECHO_WINDOW_MS 100
#endif
/* The echo ack moves to input the program has answered, or that it has had
 * this long to answer (prediction then judges its guess against the frame). */
#ifndef SSPSH_ECHO_ACK_TIMEOUT_MS
#define SSPSH_ECHO_ACK_TIMEOUT_MS 50
#endif
/* An ack with no data of its own waits this long for data to ride on. */
#ifndef SSPSH_ACK_DELAY_MS
#define SSPSH_ACK_DELAY_MS 20
#endif
/* With nothing to say, each side still sends this often (liveness, NAT). */
#ifndef SSPSH_HEARTBEAT_MS
#define SSPSH_HEARTBEAT_MS 3000
#endif
/* The client acknowledges the answer to a key (its echo, within
 * SSPSH_ECHO_WINDOW_MS + SRTT of the key) with the next key when one comes
 * within this long, else alone; the server waits this much longer before it
 * sends such an answer again. Typing 4 keys a second sends one datagram up
 * per key. (mosh: 100 ms for every ack.) */
#ifndef SSPSH_ANSWER_ACK_DELAY_MS
#define SSPSH_ANSWER_ACK_DELAY_MS 250
#endif
/* A server whose client has been silent this long (it was suspended, or
 * its machine slept or left) spaces its datagrams out: each waits as long
 * after the previous one as the client had been silent when that one left,
 * so the gaps double (heartbeats at about 3, 6, 9 s of silence, then 18,
 * 36, 72 ... s), up to SSPSH_SILENT_BACKOFF_MAX_MS apart. The session stays;
 * the first datagram from the client brings everything due at once. */
#ifndef SSPSH_SILENT_BACKOFF_AFTER_MS
#define SSPSH_SILENT_BACKOFF_AFTER_MS 10000
#endif
#ifndef SSPSH_SILENT_BACKOFF_MAX_MS
#define SSPSH_SILENT_BACKOFF_MAX_MS 600000
#endif
/* RTT assumed before the first measurement, and the bounds of the
 * retransmission timeout (shared with the transport's RTT estimator). */
#ifndef SSPSH_INITIAL_RTT_MS
#define SSPSH_INITIAL_RTT_MS 1000
#endif
#ifndef SSPSH_RTO_MIN_MS
#define SSPSH_RTO_MIN_MS 50
#endif
#ifndef SSPSH_RTO_MAX_MS
#define SSPSH_RTO_MAX_MS 1000
#endif
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
/* Between instructions a receiver keeps at most this much of the buffers
 * a large one grew (bytes of pieces, and entries of the piece table); the
 * rest is given back, so one hostile instruction is not held for good. */
#ifndef SSPSH_SSP_KEEP_BYTES
#define SSPSH_SSP_KEEP_BYTES (64u << 10)
#endif
#ifndef SSPSH_SSP_KEEP_SLOTS
#define SSPSH_SSP_KEEP_SLOTS 256
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

/* Frame diffs (the server's screen updates) of at least this many bytes
 * go out deflated (zlib, raw deflate) at this level when that is smaller.
 * Level 6 is zlib's default and what mosh uses; a frame is a few KB, so
 * even a flood spends well under 1 % of its CPU here. */
#ifndef SSPSH_FRAME_DEFLATE_MIN
#define SSPSH_FRAME_DEFLATE_MIN 48
#endif
#ifndef SSPSH_FRAME_DEFLATE_LEVEL
#define SSPSH_FRAME_DEFLATE_LEVEL 6
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
/* A client that has heard nothing from its server since it started says
 * so, with the server's address and the likely cause, after this long. */
#ifndef SSPSH_NO_CONTACT_NOTICE_MS
#define SSPSH_NO_CONTACT_NOTICE_MS 1000
#endif
/* The client shows "Last contact N seconds ago" after this much silence
 * (once there was contact). */
#ifndef SSPSH_SILENCE_NOTICE_MS
#define SSPSH_SILENCE_NOTICE_MS 6500
#endif
/* The client's escape key: Ctrl-^. */
#ifndef SSPSH_ESCAPE_KEY
#define SSPSH_ESCAPE_KEY 0x1e
#endif
/* After the program exits both ends wait until the client has the final
 * frame and every scrollback line, giving up once the other end has been
 * silent this long. */
#ifndef SSPSH_SHUTDOWN_LINGER_MS
#define SSPSH_SHUTDOWN_LINGER_MS 3000
#endif
/* After the program's terminal closed, the server waits this long for its
 * exit status (SIGCHLD), which the client exits with; a program that
 * closed its terminal and lives on leaves the status unknown (255). */
#ifndef SSPSH_EXIT_STATUS_WAIT_MS
#define SSPSH_EXIT_STATUS_WAIT_MS 1000
#endif
/* Bytes read from the pty per read() (the emulator eats them at once), and
 * per loop turn before the network is looked at again (the emulator keeps
 * up with any flood either way). */
#ifndef SSPSH_PTY_READ_SIZE
#define SSPSH_PTY_READ_SIZE 65536
#endif
#ifndef SSPSH_PTY_READ_BUDGET
#define SSPSH_PTY_READ_BUDGET (1u << 20)
#endif

/* ---- Channels: reliable byte streams inside a session (net/channel.h) ----
 * Memory a peer can make one side hold is bounded by these: at most
 * SESSION_WINDOW bytes received and not yet read by the application, over
 * all channels, and WINDOW in any one; the sender keeps at most
 * SEND_BUFFER bytes unacknowledged per channel and SESSION_SEND_BUFFER in
 * all. Bookkeeping beyond the bytes: CHAN_MAX channel records each way and
 * MAX_IN_FLIGHT packet records. */
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
/* Frames one packet carries at most (its record of what to resend). */
#ifndef SSPSH_CHAN_FRAMES_PER_PACKET
#define SSPSH_CHAN_FRAMES_PER_PACKET 8
#endif
/* A packet is acknowledged at once when this many await an ack, or when
 * one arrived out of order; otherwise after ACK_DELAY. */
#ifndef SSPSH_CHAN_ACK_EVERY
#define SSPSH_CHAN_ACK_EVERY 2
#endif
#ifndef SSPSH_CHAN_ACK_DELAY_MS
#define SSPSH_CHAN_ACK_DELAY_MS 10
#endif
/* A packet is lost when this many later ones were acknowledged (until the
 * path is seen to reorder), or when a later one was and it has been out
 * 9/8 of a round trip or the transport's RTO, whichever is longer. */
#ifndef SSPSH_CHAN_LOSS_PACKETS
#define SSPSH_CHAN_LOSS_PACKETS 3
#endif
/* Congestion window (bytes in flight): it follows twice the delivery rate
 * times the smallest round trip (BBR's model, so random loss does not
 * throttle it), between these bounds; it starts at INITIAL and goes back
 * to MIN after a retransmission timeout (an outage, a new path). */
#ifndef SSPSH_CHAN_CWND_MIN
#define SSPSH_CHAN_CWND_MIN (16u * 1024)
#endif
#ifndef SSPSH_CHAN_CWND_INITIAL
#define SSPSH_CHAN_CWND_INITIAL (64u * 1024)
#endif
#ifndef SSPSH_CHAN_CWND_MAX
#define SSPSH_CHAN_CWND_MAX (32u << 20)
#endif
/* Packets leave paced at the measured delivery rate (times a gain), in
 * bursts of at most this many ms of it, and never less than BURST_MIN bytes. */
#ifndef SSPSH_CHAN_PACE_BURST_MS
#define SSPSH_CHAN_PACE_BURST_MS 2
#endif
#ifndef SSPSH_CHAN_PACE_BURST_MIN
#define SSPSH_CHAN_PACE_BURST_MIN (16u * 1024)
#endif
/* Delivery-rate and round-trip samples are remembered this long. */
#ifndef SSPSH_CHAN_BW_WINDOW_MS
#define SSPSH_CHAN_BW_WINDOW_MS 2000
#endif
#ifndef SSPSH_CHAN_MIN_RTT_WINDOW_MS
#define SSPSH_CHAN_MIN_RTT_WINDOW_MS 10000
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

/* ---- Predictive local echo (term/predict.h) ---- */
/* Adaptive mode shows predictions once the smoothed RTT rises above
 * SHOW_HIGH and hides them again when it falls below SHOW_LOW; unconfirmed
 * predictions are underlined above FLAG_HIGH until below FLAG_LOW. The gaps
 * keep a jittery link from flickering between the two. */
#ifndef SSPSH_PREDICT_SHOW_HIGH_MS
#define SSPSH_PREDICT_SHOW_HIGH_MS 30
#endif
#ifndef SSPSH_PREDICT_SHOW_LOW_MS
#define SSPSH_PREDICT_SHOW_LOW_MS 20
#endif
#ifndef SSPSH_PREDICT_FLAG_HIGH_MS
#define SSPSH_PREDICT_FLAG_HIGH_MS 80
#endif
#ifndef SSPSH_PREDICT_FLAG_LOW_MS
#define SSPSH_PREDICT_FLAG_LOW_MS 50
#endif
/* On a fast link, a prediction still unconfirmed after this long (a
 * stall, a lost packet) is shown anyway, and predictions keep showing for
 * GLITCH_HOLD after a confirmation that took that long. */
#ifndef SSPSH_PREDICT_GLITCH_MS
#define SSPSH_PREDICT_GLITCH_MS 250
#endif
#ifndef SSPSH_PREDICT_GLITCH_HOLD_MS
#define SSPSH_PREDICT_GLITCH_HOLD_MS 5000
#endif
/* Predicted cells outstanding at most (a long paste); beyond it the engine
 * waits for the server to catch up. */
#ifndef SSPSH_PREDICT_MAX_CELLS
#define SSPSH_PREDICT_MAX_CELLS 4096
#endif
/* The environment variable that sets the prediction mode, like mosh's
 * MOSH_PREDICTION_DISPLAY; --predict overrides it. */
#define SSPSH_PREDICT_ENV "SSPSH_PREDICTION_DISPLAY"

/* ---- Keys (SSH-free sessions) ---- */
/* Longest comment kept with a key. */
#ifndef SSPSH_KEY_COMMENT_MAX
#define SSPSH_KEY_COMMENT_MAX 256
#endif
/* Largest key, authorized_keys or known_hosts file read (guards memory). */
#ifndef SSPSH_KEYFILE_MAX_BYTES
#define SSPSH_KEYFILE_MAX_BYTES (1 << 20)
#endif
/* Handshakes (net/noise.c). Each costs the server five X25519
 * multiplications (~0.5 ms each here); past this rate it is "under load"
 * and answers initiations without a valid cookie MAC with a cookie instead. */
#ifndef SSPSH_HANDSHAKES_PER_SEC
#define SSPSH_HANDSHAKES_PER_SEC 100
#endif
/* Under load, each source address (proven by its cookie) gets this many
 * handshakes a second, in bursts of up to SSPSH_HANDSHAKE_SOURCE_BURST. */
#ifndef SSPSH_HANDSHAKES_PER_SOURCE_PER_SEC
#define SSPSH_HANDSHAKES_PER_SOURCE_PER_SEC 5
#endif
#ifndef SSPSH_HANDSHAKE_SOURCE_BURST
#define SSPSH_HANDSHAKE_SOURCE_BURST 5
#endif
/* Rate-limit buckets for source addresses (colliding sources share one). */
#ifndef SSPSH_HANDSHAKE_SOURCE_SLOTS
#define SSPSH_HANDSHAKE_SOURCE_SLOTS 1024
#endif
/* The secret behind cookies is replaced this often; a client uses a cookie
 * for that long less SSPSH_COOKIE_MARGIN_MS, so it never offers a stale one. */
#ifndef SSPSH_COOKIE_SECRET_MS
#define SSPSH_COOKIE_SECRET_MS 120000
#endif
#ifndef SSPSH_COOKIE_MARGIN_MS
#define SSPSH_COOKIE_MARGIN_MS 10000
#endif
/* Largest application payload carried in a handshake message. */
#ifndef SSPSH_HANDSHAKE_PAYLOAD_MAX
#define SSPSH_HANDSHAKE_PAYLOAD_MAX 1024
#endif

/* ---- SSH-free daemon (sspsh server --listen) and its clients ---- */
/* The daemon's UDP port when none is given, on both sides. */
#ifndef SSPSH_DAEMON_PORT
#define SSPSH_DAEMON_PORT 60000
#endif
/* A client makes fresh session keys (a new handshake for the same session)
 * after this long or after this many datagrams under one key pair. */
#ifndef SSPSH_REKEY_AFTER_MS
#define SSPSH_REKEY_AFTER_MS (10 * 60 * 1000)
#endif
#ifndef SSPSH_REKEY_AFTER_DATAGRAMS
#define SSPSH_REKEY_AFTER_DATAGRAMS (1u << 20)
#endif
/* An unanswered handshake is sent again after this long; a client gives
 * up connecting after SSPSH_CONNECT_TIMEOUT_MS. */
#ifndef SSPSH_HANDSHAKE_RETRY_MS
#define SSPSH_HANDSHAKE_RETRY_MS 1000
#endif
#ifndef SSPSH_CONNECT_TIMEOUT_MS
#define SSPSH_CONNECT_TIMEOUT_MS 10000
#endif
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
/* A daemon started as root with --user NAME gives NAME's sessions its
 * groups (at most this many) and a clean login environment with this PATH. */
#ifndef SSPSH_USER_GROUPS_MAX
#define SSPSH_USER_GROUPS_MAX 256
#endif
#ifndef SSPSH_USER_PATH
#define SSPSH_USER_PATH "/usr/local/bin:/usr/bin:/bin"
#endif
/* Sessions one daemon serves at most. */
#ifndef SSPSH_DAEMON_MAX_SESSIONS
#define SSPSH_DAEMON_MAX_SESSIONS 4096
#endif
/* A session whose client has been silent this long counts as detached
 * (--list, --attach without an ID); a client that quits says so at once. */
#ifndef SSPSH_DETACHED_AFTER_MS
#define SSPSH_DETACHED_AFTER_MS 10000
#endif
/* The daemon tells its public key to a client that names an authorized key
 * (so a client can pin it on first use, as with ssh): to one source host
 * (IPv4 address, IPv6 /64) at most SSPSH_KEY_ANSWERS_PER_HOST_PER_SEC a
 * second in bursts of SSPSH_KEY_ANSWERS_HOST_BURST, and to all of them at
 * most SSPSH_KEY_ANSWERS_PER_SEC, so one source cannot starve the others
 * (net/host_limit.h). The answer is no bigger than the question, so it
 * cannot amplify a flood. */
#ifndef SSPSH_KEY_ANSWERS_PER_SEC
#define SSPSH_KEY_ANSWERS_PER_SEC 100
#endif
#ifndef SSPSH_KEY_ANSWERS_PER_HOST_PER_SEC
#define SSPSH_KEY_ANSWERS_PER_HOST_PER_SEC 2
#endif
#ifndef SSPSH_KEY_ANSWERS_HOST_BURST
#define SSPSH_KEY_ANSWERS_HOST_BURST 5
#endif
/* Limiters a per-host table holds (8 bytes each); hosts beyond it share. */
#ifndef SSPSH_HOST_LIMIT_SLOTS
#define SSPSH_HOST_LIMIT_SLOTS 1024
#endif

/* ---- Relay through ssh (sspsh relay, net/frame.h, net/dgram_path.h) ---- */
/* Largest datagram a relay stream carries; a frame announcing more is
 * garbage and ends the stream. sspsh sends none above SSPSH_DATAGRAM_MAX;
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
/* Bytes read from a pipe at once (at least one whole largest frame). */
#ifndef SSPSH_RELAY_READ_BYTES
#define SSPSH_RELAY_READ_BYTES 16384
#endif
/* Output of login scripts (a chatty .bashrc) skipped before the relay's
 * hello line; more means the far end is not a relay. */
#ifndef SSPSH_RELAY_JUNK_MAX
#define SSPSH_RELAY_JUNK_MAX 65536
#endif
/* A relay whose client has sent nothing for this long exits (its ssh
 * connection is dead and a new relay has taken over); clients send a
 * heartbeat every SSPSH_HEARTBEAT_MS. */
#ifndef SSPSH_RELAY_IDLE_MS
#define SSPSH_RELAY_IDLE_MS 60000
#endif

/* A client on a relay offers UDP one datagram this often, and moves back
 * when UDP answers. */
#ifndef SSPSH_UDP_RETRY_MS
#define SSPSH_UDP_RETRY_MS 5000
#endif
/* In --transport=auto, a client that has heard nothing authentic for this
 * long since it started runs the relay. */
#ifndef SSPSH_RELAY_FALLBACK_MS
#define SSPSH_RELAY_FALLBACK_MS 2000
#endif
/* After contact over UDP was made and lost, the relay waits longer: an idle
 * session hears a heartbeat only every SSPSH_HEARTBEAT_MS, and a client that
 * changed networks first tries a new local port (SSPSH_PORT_HOP_MS). */
#ifndef SSPSH_RELAY_FALLBACK_LOST_MS
#define SSPSH_RELAY_FALLBACK_LOST_MS 12000
#endif
/* A relay that could not start or broke is run again after this long,
 * doubling up to SSPSH_RELAY_RESTART_MAX_MS while it keeps failing. */
#ifndef SSPSH_RELAY_RESTART_MS
#define SSPSH_RELAY_RESTART_MS 1000
#endif
#ifndef SSPSH_RELAY_RESTART_MAX_MS
#define SSPSH_RELAY_RESTART_MAX_MS 30000
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
/* Lines that scrolled off the top of the screen kept by default for the
 * user's own terminal (--scrollback N; 0 turns it off), and the largest N
 * accepted. */
#ifndef SSPSH_SCROLLBACK_DEFAULT
#define SSPSH_SCROLLBACK_DEFAULT 10000
#endif
#ifndef SSPSH_SCROLLBACK_MAX
#define SSPSH_SCROLLBACK_MAX 1000000
#endif
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
/* While a client has been heard from within this long, the program's
 * output waits for the scrollback stream once it is half the log behind;
 * a client quiet for longer (an outage) gets a gap marker instead. */
#ifndef SSPSH_SCROLLBACK_STALL_MS
#define SSPSH_SCROLLBACK_STALL_MS 2000
#endif
/* Bytes of scrollback lines a client writes into the terminal per turn of
 * its loop: the terminal takes them at its own pace (the write blocks
 * meanwhile), and a newer screen or an echo should not wait behind more
 * (16 KiB of lines, ~44 KB to write with the screen kept in view, blocked
 * the client 10-15 ms at a time in tmux). */
#ifndef SSPSH_SCROLLBACK_WRITE_MAX
#define SSPSH_SCROLLBACK_WRITE_MAX (4u << 10)
#endif
/* Once no new frame came for this long (a flood is over: the prompt after
 * Ctrl-C, an echo), the client writes scrollback lines without hiding the
 * screen on terminals that lack synchronized output (term/display_history.h),
 * at about twice the bytes; while frames keep coming, the cheaper way. */
#ifndef SSPSH_SCROLLBACK_STILL_MS
#define SSPSH_SCROLLBACK_STILL_MS 50
#endif
/* Bytes of scrollback a client reads ahead of writing them into the
 * terminal; the rest waits in the channel, whose window stops the server. */
#ifndef SSPSH_SCROLLBACK_HELD_MAX
#define SSPSH_SCROLLBACK_HELD_MAX (64u << 10)
#endif
/* Bytes of scrollback the server has written into the channel and not had
 * acknowledged, at most: enough for a 200 ms round trip at the rate a
 * terminal takes lines, little enough that what follows an interrupted
 * flood is over quickly. */
#ifndef SSPSH_SCROLLBACK_QUEUED_MAX
#define SSPSH_SCROLLBACK_QUEUED_MAX (256u << 10)
#endif

/* ---- Transport (net/) ---- */
/* Largest UDP payload sent: small enough that no IPv4 or IPv6 path
 * fragments it at the IP layer (IPv6's minimum MTU is 1280). Nothing longer
 * is read (handshakes included), so both ends must be built with the same. */
#ifndef SSPSH_DATAGRAM_MAX
#define SSPSH_DATAGRAM_MAX 1200
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
/* transport_recv reads at most this many datagrams per call, so a flood
 * (even of forgeries) cannot starve the rest of the event loop. */
#ifndef SSPSH_RECV_BATCH
#define SSPSH_RECV_BATCH 256
#endif
/* Socket receive and send buffer asked for (the kernel caps it at
 * net.core.rmem_max/wmem_max): room for the burst of a split instruction. */
#ifndef SSPSH_UDP_BUFFER_BYTES
#define SSPSH_UDP_BUFFER_BYTES (2 << 20)
#endif
/* Replay window in sequence numbers (a multiple of 64; RFC 6479 style
 * bitmap). A datagram this far behind the newest is dropped as too old. */
#ifndef SSPSH_REPLAY_WINDOW
#define SSPSH_REPLAY_WINDOW 4096
#endif
/* RTT estimation (RFC 6298) uses SSPSH_INITIAL_RTT_MS and SSPSH_RTO_MIN_MS/
 * MAX_MS from the SSP section above. */
/* A peer timestamp is echoed (once) in our next datagram with the time we
 * held it added, so a long hold still measures the path; the bound only
 * keeps a stale echo out after a long silence. It exceeds the SSP heartbeat
 * so that idle heartbeats still prove round trips (and keep a client from
 * hopping ports). RTT samples above the second bound are taken for 16-bit
 * timestamp wrap-around and ignored. */
#ifndef SSPSH_TIMESTAMP_HOLD_MAX_MS
#define SSPSH_TIMESTAMP_HOLD_MAX_MS 5000
#endif
#ifndef SSPSH_RTT_SAMPLE_MAX_MS
#define SSPSH_RTT_SAMPLE_MAX_MS 10000
#endif
/* A client with no round trip for this long moves to a new local port, so a
 * NAT that forgot the old mapping or a dead interface cannot strand it. */
#ifndef SSPSH_PORT_HOP_MS
#define SSPSH_PORT_HOP_MS 10000
#endif
/* Link emulator: at most this many datagrams queued per direction (more are
 * dropped, like a full router queue); a reordered datagram is held back by
 * up to twice the jitter plus this. */
#ifndef SSPSH_LINK_QUEUE_MAX
#define SSPSH_LINK_QUEUE_MAX 20000
#endif
#ifndef SSPSH_LINK_REORDER_MS
#define SSPSH_LINK_REORDER_MS 20
#endif
/* Bounds of --link: delay and jitter, the length of the whole spec, and the
 * smallest emulated MTU (the largest is what UDP over IPv4 carries). */
#ifndef SSPSH_LINK_MAX_DELAY_MS
#define SSPSH_LINK_MAX_DELAY_MS 60000
#endif
#ifndef SSPSH_LINK_SPEC_MAX
#define SSPSH_LINK_SPEC_MAX 255
#endif
#ifndef SSPSH_LINK_MTU_MIN
#define SSPSH_LINK_MTU_MIN 64
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
_Static_assert(SSPSH_PARSER_MAX_PARAMS <= 32, "sub-parameters are marked in a 32-bit mask");
_Static_assert(SSPSH_UNDERLINE_RGB_MAX <= 65535 - 256, "an underline colour is 16 bits in the pen");

#endif
