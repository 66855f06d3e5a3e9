#include "net/session_msg.h"

#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"

/* The first byte of every request and reply. */
#define VERSION SSPSH_PROTOCOL_VERSION

int session_msg_protocol(const uint8_t *data, size_t len)
{
	return len > 0 ? data[0] : -1;
}

bool session_request_encode(const struct session_request *req, struct buf *out)
{
	buf_reset(out);
	buf_put_u8(out, VERSION);
	buf_put_u8(out, (uint8_t)req->kind);
	switch (req->kind) {
	case SESSION_NEW:
		buf_put_be16(out, req->cols);
		buf_put_be16(out, req->rows);
		break;
	case SESSION_ATTACH:
		buf_put_be64(out, req->id);
		buf_put_be16(out, req->cols);
		buf_put_be16(out, req->rows);
		break;
	case SESSION_LIST:
		buf_put_be32(out, req->list_from);
		break;
	case SESSION_REKEY:
		buf_put_be64(out, req->id);
		break;
	}
	return !out->oom && out->len <= SSPSH_HANDSHAKE_PAYLOAD_MAX;
}

bool session_request_decode(const uint8_t *data, size_t len, struct session_request *req)
{
	struct reader r;

	memset(req, 0, sizeof *req);
	reader_init(&r, data, len);
	if (rd_u8(&r) != VERSION)
		return false;
	req->kind = (enum session_kind)rd_u8(&r);
	switch (req->kind) {
	case SESSION_NEW:
		req->cols = rd_be16(&r);
		req->rows = rd_be16(&r);
		break;
	case SESSION_ATTACH:
		req->id = rd_be64(&r);
		req->cols = rd_be16(&r);
		req->rows = rd_be16(&r);
		break;
	case SESSION_LIST:
		req->list_from = rd_be32(&r);
		break;
	case SESSION_REKEY:
		req->id = rd_be64(&r);
		break;
	default:
		return false;
	}
	return reader_done(&r);
}

static void put_text(struct buf *out, const char *text, size_t max)
{
	size_t len = strlen(text);

	if (len > max)
		len = max;
	buf_put_u8(out, (uint8_t)len);
	buf_put(out, text, len);
}

bool session_reply_encode(enum session_kind kind, const struct session_reply *reply, struct buf *out)
{
	buf_reset(out);
	buf_put_u8(out, VERSION);
	buf_put_u8(out, reply->ok ? 0 : 1);
	if (!reply->ok) {
		put_text(out, reply->error, SSPSH_SESSION_ERROR_MAX);
	} else if (kind == SESSION_LIST) {
		buf_put_be32(out, reply->total);
		buf_put_u8(out, (uint8_t)reply->count);
		for (int i = 0; i < reply->count && i < SSPSH_SESSION_LIST_PAGE; i++) {
			const struct session_info *s = &reply->sessions[i];
			buf_put_be64(out, s->id);
			buf_put_be32(out, s->age_s);
			buf_put_be32(out, s->idle_s);
			buf_put_u8(out, s->attached);
			put_text(out, s->command, SSPSH_SESSION_COMMAND_SHOWN);
		}
	} else {
		buf_put_be64(out, reply->id);
	}
	return !out->oom && out->len <= SSPSH_HANDSHAKE_PAYLOAD_MAX;
}

/* Whether the client may show cp on the user's terminal: no C0 or C1
 * control (a C1 such as U+009B, CSI, starts an escape sequence in some
 * terminals), no DEL, nothing malformed. */
static bool shown_as_is(uint32_t cp)
{
	return cp != UTF8_INVALID && cp >= 0x20 && !(cp >= 0x7f && cp <= 0x9f);
}

/* Text of at most max bytes into out (max + 1 bytes), each control
 * character or malformed byte replaced by '?', so that a reply cannot
 * drive the user's terminal. */
static bool read_text(struct reader *r, char *out, size_t max)
{
	size_t len = rd_u8(r), o = 0;
	const uint8_t *text = rd_bytes(r, len);

	if (!text || len > max)
		return false;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_decode(text + i, len - i, &cp);

		if (shown_as_is(cp)) {
			memcpy(out + o, text + i, n);
			o += n;
		} else {
			out[o++] = '?';
		}
		i += n;
	}
	out[o] = '\0';
	return true;
}

static bool read_list(struct reader *r, struct session_reply *reply)
{
	reply->total = rd_be32(r);
	reply->count = rd_u8(r);
	if (reply->count > SSPSH_SESSION_LIST_PAGE)
		return false;
	for (int i = 0; i < reply->count; i++) {
		struct session_info *s = &reply->sessions[i];
		s->id = rd_be64(r);
		s->age_s = rd_be32(r);
		s->idle_s = rd_be32(r);
		s->attached = rd_u8(r) != 0;
		if (!read_text(r, s->command, SSPSH_SESSION_COMMAND_SHOWN))
			return false;
	}
	return true;
}

bool session_reply_decode(enum session_kind kind, const uint8_t *data, size_t len,
			  struct session_reply *reply)
{
	struct reader r;
	uint8_t status;

	memset(reply, 0, sizeof *reply);
	reader_init(&r, data, len);
	reply->protocol = rd_u8(&r);
	status = rd_u8(&r);
	reply->ok = status == 0;
	if (status > 1 || (reply->protocol != VERSION && reply->ok))
		return false;	/* only a refusal reads the same in every version */
	if (!reply->ok) {
		if (!read_text(&r, reply->error, SSPSH_SESSION_ERROR_MAX))
			return false;
	} else if (kind == SESSION_LIST) {
		if (!read_list(&r, reply))
			return false;
	} else {
		reply->id = rd_be64(&r);
	}
	return reader_done(&r);
}
