/* What an SSH-free client asks the daemon for, carried as the payload of
 * the handshake initiation (net/noise.h), and the daemon's answer, carried
 * in the handshake response. Both fit SSPSH_HANDSHAKE_PAYLOAD_MAX.
 *
 * The initiation's payload is encrypted to the daemon's static key alone
 * (Noise IK's first message): whoever steals that key later can read a
 * recorded one. So it carries only what the daemon must know to answer: a
 * new session's command (and the client's locale) travel inside the
 * session once it is keyed (INPUT_COMMAND, applets/session/ssp_input.h).
 * The session id of ATTACH and REKEY stays: the daemon picks the session
 * (or refuses one it does not hold) in its one answer, the response, before
 * any transport key exists; it is a number the daemon handed out, not the
 * user's words, beside the client's public key, which the same message
 * shows the key's thief anyway.
 *
 *   request  u8 protocol (SSPSH_PROTOCOL_VERSION), u8 kind, then by kind:
 *     NEW     be16 cols, be16 rows
 *     ATTACH  be64 id (0: the most recently detached session), be16 cols, be16 rows
 *     LIST    be32 index of the first session wanted
 *     REKEY   be64 id
 *   reply    u8 protocol, u8 status (0 ok, 1 refused), then
 *     refused u8 len, text (why, for the user): the same in every
 *             protocol version, so that a daemon can tell any client
 *             that their versions differ
 *     NEW, ATTACH, REKEY   be64 id
 *     LIST    be32 total, u8 n, n x (be64 id, be32 age s, be32 idle s,
 *             u8 attached, u8 len, command text)
 *
 * A LIST reply holds at most SSPSH_SESSION_LIST_PAGE sessions; the client asks
 * again from the next index until it has `total`. */
#ifndef SSPSH_SESSION_MSG_H
#define SSPSH_SESSION_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/options.h"

struct buf;

enum session_kind {
	SESSION_NEW = 1,
	SESSION_ATTACH = 2,
	SESSION_LIST = 3,
	SESSION_REKEY = 4,
};

/* Counts and lengths travel in one byte, and the largest reply (a full LIST
 * page, or a refusal) fits a handshake payload. */
_Static_assert(SSPSH_SESSION_LIST_PAGE <= 255 &&
	       SSPSH_SESSION_COMMAND_SHOWN <= 255 && SSPSH_SESSION_ERROR_MAX <= 255,
	       "a session message count or text length exceeds its one-byte field");
_Static_assert(2 + 4 + 1 + SSPSH_SESSION_LIST_PAGE * (8 + 4 + 4 + 1 + 1 + SSPSH_SESSION_COMMAND_SHOWN) <=
	       SSPSH_HANDSHAKE_PAYLOAD_MAX, "a full LIST reply does not fit a handshake payload");
_Static_assert(2 + 1 + SSPSH_SESSION_ERROR_MAX <= SSPSH_HANDSHAKE_PAYLOAD_MAX,
	       "a refusal does not fit a handshake payload");

struct session_request {
	enum session_kind kind;
	uint64_t id;
	uint16_t cols, rows;
	uint32_t list_from;
};

struct session_info {
	uint64_t id;
	uint32_t age_s, idle_s;
	bool attached;
	char command[SSPSH_SESSION_COMMAND_SHOWN + 1];
};

struct session_reply {
	unsigned protocol;	/* the daemon's */
	bool ok;
	char error[SSPSH_SESSION_ERROR_MAX + 1];
	uint64_t id;
	uint32_t total;
	int count;
	struct session_info sessions[SSPSH_SESSION_LIST_PAGE];
};

/* Encoders write into out (reset first); false if memory ran out. */
bool session_request_encode(const struct session_request *req, struct buf *out);
bool session_reply_encode(enum session_kind kind, const struct session_reply *reply, struct buf *out);
/* The protocol version a request or reply was written in; -1 if empty. */
int session_msg_protocol(const uint8_t *data, size_t len);

/* Decoders: false for anything malformed or of another protocol version
 * (then the result is unusable), except that a refusal of any version
 * decodes, with reply->protocol saying whose it is. */
bool session_request_decode(const uint8_t *data, size_t len, struct session_request *req);
bool session_reply_decode(enum session_kind kind, const uint8_t *data, size_t len,
			  struct session_reply *reply);

#endif
