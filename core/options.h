/* The knobs of sspsh: ports, timings, pacing, defaults and sizes an
 * operator may tune, each with its default and why. Override one with
 * CPPFLAGS, e.g. `make CPPFLAGS+=-DSSPSH_HEARTBEAT_MS=5000`. What must not
 * be tuned lightly (the wire protocol's version and sizes, and the bound on
 * every size a peer controls) is in core/sysoptions.h, which this file
 * includes at its end, as dropbear splits default_options.h from
 * sysoptions.h. Modules add their knobs here and their bounds there rather
 * than hiding constants in .c files. */
#ifndef SSPSH_OPTIONS_H
#define SSPSH_OPTIONS_H

#ifndef SSPSH_VERSION
#define SSPSH_VERSION "0.1.0"
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
/* An agent directory of -A (applets/session/agent_socket.h) that a killed
 * server left is removed by the next server to start once it has been
 * untouched this long (a live server's socket is never this old unmade). */
#ifndef SSPSH_AGENT_STALE_S
#define SSPSH_AGENT_STALE_S 60
#endif
/* The same for the directory of ssh's questions (applets/session/askpass.h)
 * that a killed client left, removed by the next client to make one. */
#ifndef SSPSH_ASKPASS_STALE_S
#define SSPSH_ASKPASS_STALE_S 60
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

/* ---- Terminal ---- */
#ifndef SSPSH_DEFAULT_COLS
#define SSPSH_DEFAULT_COLS 80
#endif
#ifndef SSPSH_DEFAULT_ROWS
#define SSPSH_DEFAULT_ROWS 24
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
/* Between instructions a receiver keeps at most this much of the buffers
 * a large one grew (bytes of pieces, and entries of the piece table); the
 * rest is given back, so one hostile instruction is not held for good. */
#ifndef SSPSH_SSP_KEEP_BYTES
#define SSPSH_SSP_KEEP_BYTES (64u << 10)
#endif
#ifndef SSPSH_SSP_KEEP_SLOTS
#define SSPSH_SSP_KEEP_SLOTS 256
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

/* ---- Sessions ---- */
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
/* Bytes read from a pipe at once (at least one whole largest frame). */
#ifndef SSPSH_RELAY_READ_BYTES
#define SSPSH_RELAY_READ_BYTES 16384
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
/* ... and while a flood changes the screen (nothing to keep in view): each
 * batch ends with the whole screen painted anew, which on a screen of
 * coloured lines costs as much as 30 of them, so larger batches. */
#ifndef SSPSH_SCROLLBACK_FLOOD_WRITE_MAX
#define SSPSH_SCROLLBACK_FLOOD_WRITE_MAX (32u << 10)
#endif
/* Once no new frame came for this long (a flood is over: the prompt after
 * Ctrl-C, an echo), the client writes scrollback lines without hiding the
 * screen on terminals that lack synchronized output (term/display_history.h),
 * at about twice the bytes; while frames keep coming, the cheaper way. */
#ifndef SSPSH_SCROLLBACK_STILL_MS
#define SSPSH_SCROLLBACK_STILL_MS 50
#endif
/* ... and for this long after the user typed (the answer, an echo or the
 * prompt after Ctrl-C, comes within a round trip or so). */
#ifndef SSPSH_SCROLLBACK_TYPED_VIEW_MS
#define SSPSH_SCROLLBACK_TYPED_VIEW_MS 1000
#endif
/* After the user typed, the client writes no scrollback lines for a round
 * trip and this long: the answer (an echo, the prompt after Ctrl-C) then
 * finds the terminal done with the lines it had been given, instead of
 * showing behind them. */
#ifndef SSPSH_SCROLLBACK_ANSWER_WAIT_MS
#define SSPSH_SCROLLBACK_ANSWER_WAIT_MS 100
#endif

/* ---- Transport (net/) ---- */
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

#include "core/sysoptions.h"

#endif
