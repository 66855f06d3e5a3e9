/* libFuzzer target: the daemon's session requests and replies (the payloads
 * of handshake messages). A request that decodes must encode again and decode
 * to the same request, and decoded text must stay within its bounds. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"
#include "net/session_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_request_round_trip(const struct session_request *req)
{
	struct session_request again;
	struct buf wire;

	buf_init(&wire);
	if (session_request_encode(req, &wire)) {
		if (!session_request_decode(wire.data, wire.len, &again))
			abort();
		if (again.kind != req->kind || again.id != req->id || again.cols != req->cols ||
		    again.rows != req->rows || again.list_from != req->list_from)
			abort();
	}
	buf_free(&wire);
}

static void check_reply_bounds(const struct session_reply *reply)
{
	if (strlen(reply->error) > SSPSH_SESSION_ERROR_MAX || reply->count < 0 ||
	    reply->count > SSPSH_SESSION_LIST_PAGE)
		abort();
	for (int i = 0; i < reply->count; i++)
		if (strlen(reply->sessions[i].command) > SSPSH_SESSION_COMMAND_SHOWN)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct session_request req;
	static struct session_reply reply;

	log_set_stream(NULL);
	if (session_request_decode(data, size, &req))
		check_request_round_trip(&req);
	for (int kind = SESSION_NEW; kind <= SESSION_REKEY; kind++)
		if (session_reply_decode((enum session_kind)kind, data, size, &reply))
			check_reply_bounds(&reply);
	return 0;
}
