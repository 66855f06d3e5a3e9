/* Session requests and replies carried in handshakes: round trips, limits,
 * and every truncation of a valid message refused. */
#include <string.h>

#include "core/buf.h"
#include "net/session_msg.h"
#include "test/unit/unit.h"

/* A new session's request is its window size alone: the command travels
 * later, inside the session (INPUT_COMMAND), not in the handshake's first
 * message, which a later theft of the daemon's key would open. */
TEST(new_request_round_trips_its_size_and_carries_no_command)
{
	struct session_request req = { .kind = SESSION_NEW, .cols = 132, .rows = 43 }, got;
	struct buf b;

	buf_init(&b);
	EXPECT(session_request_encode(&req, &b));
	EXPECT_INT(b.len, 2 + 2 + 2);
	EXPECT(session_request_decode(b.data, b.len, &got));
	EXPECT_INT(got.kind, SESSION_NEW);
	EXPECT_INT(got.cols, 132);
	EXPECT_INT(got.rows, 43);
	for (size_t len = 0; len < b.len; len++)
		EXPECT(!session_request_decode(b.data, len, &got));
	buf_put_u8(&b, 0);	/* protocol 6's argc: no longer part of it */
	EXPECT(!session_request_decode(b.data, b.len, &got));
	buf_free(&b);
}

TEST(list_reply_round_trips_and_cleans_control_characters)
{
	struct session_reply reply = { .ok = true, .total = 30, .count = 2 }, got;
	struct buf b;

	reply.sessions[0] = (struct session_info){ 7, 3600, 12, true, "bash" };
	reply.sessions[1] = (struct session_info){ 9, 5, 5, false, "evil\033]0;title\007" };
	buf_init(&b);
	EXPECT(session_reply_encode(SESSION_LIST, &reply, &b));
	EXPECT(b.len <= SSPSH_HANDSHAKE_PAYLOAD_MAX);
	EXPECT(session_reply_decode(SESSION_LIST, b.data, b.len, &got));
	EXPECT(got.ok);
	EXPECT_INT(got.total, 30);
	EXPECT_INT(got.count, 2);
	EXPECT_INT(got.sessions[0].id, 7);
	EXPECT_INT(got.sessions[0].age_s, 3600);
	EXPECT(got.sessions[0].attached && !got.sessions[1].attached);
	EXPECT_STR(got.sessions[1].command, "evil?]0;title?");
	/* C1 controls, raw or as UTF-8 (CSI is 0x9b), and malformed bytes. */
	snprintf(reply.sessions[1].command, sizeof reply.sessions[1].command, "%s",
		 "a\x9b" "31mb\xc2\x9b" "2Jc\xc3\xa9\xe2\x82\xac\xff\x7f");
	buf_reset(&b);
	EXPECT(session_reply_encode(SESSION_LIST, &reply, &b));
	EXPECT(session_reply_decode(SESSION_LIST, b.data, b.len, &got));
	EXPECT_STR(got.sessions[1].command, "a?31mb?2Jc\xc3\xa9\xe2\x82\xac??");
	for (size_t len = 0; len < b.len; len++)
		EXPECT(!session_reply_decode(SESSION_LIST, b.data, len, &got));
	buf_free(&b);
}

TEST(a_full_page_of_long_commands_fits_a_handshake)
{
	struct session_reply reply = { .ok = true, .total = SSPSH_SESSION_LIST_PAGE, .count = SSPSH_SESSION_LIST_PAGE };
	struct buf b;

	for (int i = 0; i < SSPSH_SESSION_LIST_PAGE; i++) {
		memset(reply.sessions[i].command, 'c', SSPSH_SESSION_COMMAND_SHOWN);
		reply.sessions[i].id = UINT64_MAX;
	}
	buf_init(&b);
	EXPECT(session_reply_encode(SESSION_LIST, &reply, &b));
	buf_free(&b);
}

TEST(refusals_carry_their_reason)
{
	struct session_reply reply = { .ok = false }, got;
	struct buf b;

	strcpy(reply.error, "no session 12");
	buf_init(&b);
	EXPECT(session_reply_encode(SESSION_ATTACH, &reply, &b));
	EXPECT(session_reply_decode(SESSION_ATTACH, b.data, b.len, &got));
	EXPECT(!got.ok);
	EXPECT_STR(got.error, "no session 12");
	b.data[0] = SSPSH_PROTOCOL_VERSION + 1;	/* another version's refusal reads too */
	EXPECT(session_reply_decode(SESSION_ATTACH, b.data, b.len, &got));
	EXPECT(!got.ok && got.protocol == SSPSH_PROTOCOL_VERSION + 1);
	buf_free(&b);
}

/* Another protocol version's refusal still reads; anything else of
 * another version does not. */
TEST(only_a_refusal_crosses_protocol_versions)
{
	const uint8_t refusal[] = { SSPSH_PROTOCOL_VERSION + 1, 1, 3, 'o', 'l', 'd' };
	const uint8_t accepted[] = { SSPSH_PROTOCOL_VERSION + 1, 0, 0, 0, 0, 0, 0, 0, 0, 7 };
	struct session_request req = { .kind = SESSION_LIST }, got;
	struct session_reply reply;
	struct buf b;

	EXPECT(session_reply_decode(SESSION_NEW, refusal, sizeof refusal, &reply));
	EXPECT(!reply.ok);
	EXPECT_INT(reply.protocol, SSPSH_PROTOCOL_VERSION + 1);
	EXPECT_STR(reply.error, "old");
	EXPECT(!session_reply_decode(SESSION_NEW, accepted, sizeof accepted, &reply));
	buf_init(&b);
	EXPECT(session_request_encode(&req, &b));
	EXPECT_INT(session_msg_protocol(b.data, b.len), SSPSH_PROTOCOL_VERSION);
	b.data[0]++;
	EXPECT(!session_request_decode(b.data, b.len, &got));
	EXPECT_INT(session_msg_protocol(b.data, 0), -1);
	buf_free(&b);
}

int main(void)
{
	RUN(new_request_round_trips_its_size_and_carries_no_command);
	RUN(list_reply_round_trips_and_cleans_control_characters);
	RUN(a_full_page_of_long_commands_fits_a_handshake);
	RUN(refusals_carry_their_reason);
	RUN(only_a_refusal_crosses_protocol_versions);
	return unit_exit_status();
}
