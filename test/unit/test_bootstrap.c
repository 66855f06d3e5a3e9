#include "core/bootstrap.h"
#include "core/install_source.h"
#include "core/options.h"
#include "test/unit/unit.h"

#define KEY "qK3mVxQ0yV1mZbC0aHk1p3z9ZLr5YbqzWvQ3zHq9xYw="

static void feed_str(struct bootstrap_scan *s, const char *text, struct buf *out)
{
	bootstrap_scan_feed(s, (const uint8_t *)text, strlen(text), out);
}

static const char *text_of(struct buf *b)
{
	buf_put_u8(b, '\0');
	b->len--;
	return (const char *)b->data;
}

TEST(parse_connect_with_and_without_address)
{
	struct bootstrap_connect c;
	const char *l1 = "SSPSH CONNECT 60001 " KEY " 127.0.0.1\r\r";
	const char *l2 = "SSPSH CONNECT 60999 " KEY;
	const char *l3 = "SSPSH CONNECT 61000 " KEY " fe80::1%eth0 extra";

	EXPECT(bootstrap_parse_connect(l1, strlen(l1), &c));
	EXPECT_INT(c.port, 60001);
	EXPECT_STR(c.key, KEY);
	EXPECT_STR(c.addr, "127.0.0.1");
	EXPECT(bootstrap_parse_connect(l2, strlen(l2), &c));
	EXPECT_INT(c.port, 60999);
	EXPECT_STR(c.addr, "");
	EXPECT(bootstrap_parse_connect(l3, strlen(l3), &c));
	EXPECT_STR(c.addr, "fe80::1%eth0");
}

TEST(parse_connect_fields)
{
	struct bootstrap_connect c;
	const char *l1 = "SSPSH CONNECT 60001 " KEY " 10.0.0.1 proto=7 version=0.3.1 machine=aarch64 "
			 "exe=~/.local/bin/sspsh future=thing";
	const char *l2 = "SSPSH CONNECT 60001 " KEY " proto=1";

	EXPECT(bootstrap_parse_connect(l1, strlen(l1), &c));
	EXPECT_STR(c.addr, "10.0.0.1");
	EXPECT_INT(c.protocol, 7);
	EXPECT_STR(c.version, "0.3.1");
	EXPECT_STR(c.machine, "aarch64");
	EXPECT_STR(c.exe, "~/.local/bin/sspsh");
	EXPECT(bootstrap_parse_connect(l2, strlen(l2), &c));
	EXPECT_STR(c.addr, "");
	EXPECT_INT(c.protocol, 1);
	EXPECT_STR(c.version, "");
}

TEST(format_connect_round_trips)
{
	struct bootstrap_connect c;
	struct buf line;

	buf_init(&line);
	bootstrap_format_connect(&line, 60123, KEY, "::1", "~/.local/bin/sspsh");
	EXPECT(line.len > 0 && line.data[line.len - 1] == '\n');
	EXPECT(bootstrap_parse_connect((const char *)line.data, line.len - 1, &c));
	EXPECT_INT(c.port, 60123);
	EXPECT_STR(c.key, KEY);
	EXPECT_STR(c.addr, "::1");
	EXPECT_INT(c.protocol, SSPSH_PROTOCOL_VERSION);
	EXPECT_STR(c.version, SSPSH_VERSION);
	EXPECT_STR(c.machine, machine_self());
	EXPECT_STR(c.exe, "~/.local/bin/sspsh");
	/* A path the parser would refuse is left out, not sent. */
	bootstrap_format_connect(&line, 60123, KEY, NULL, "/home/a b/sspsh");
	EXPECT(bootstrap_parse_connect((const char *)line.data, line.len - 1, &c));
	EXPECT_STR(c.exe, "");
	EXPECT_STR(c.addr, "");
	buf_free(&line);
}

TEST(parse_connect_rejects_malformed_lines)
{
	static const char *bad[] = {
		"SSPSH CONNECT", "SSPSH CONNECT 60001", "SSPSH CONNECT 0 " KEY,
		"SSPSH CONNECT 65536 " KEY, "SSPSH CONNECT 6x001 " KEY, "SSPSH CONNECT 60001 k*y",
		"SSPSH CONNECT 60001 " KEY " 1.2.3.4;rm", "sspsh connect 60001 " KEY,
		"SSPSH CONNECT 123456 " KEY, "SSPSH CONNECT 60001 " KEY " proto=x",
		"SSPSH CONNECT 60001 " KEY " proto=0", "SSPSH CONNECT 60001 " KEY " version=1;rm",
		"SSPSH CONNECT 60001 " KEY " exe=/tmp/$(id)", "SSPSH CONNECT 60001 " KEY " machine=",
	};
	struct bootstrap_connect c;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		EXPECT(!bootstrap_parse_connect(bad[i], strlen(bad[i]), &c));
		EXPECT_STR(c.key, "");
	}
}

TEST(scan_passes_other_output_through_and_keeps_the_key_out)
{
	struct bootstrap_scan s;
	struct buf out;

	buf_init(&out);
	bootstrap_scan_init(&s);
	feed_str(&s, "Welcome\r\nSSP", &out);
	/* "SSP" may still become our line: it is held back, the rest is not. */
	EXPECT_STR(text_of(&out), "Welcome\r\n");
	feed_str(&s, "SH CONNECT 60003 " KEY " ::1\r", &out);
	EXPECT(!s.have_connect);
	feed_str(&s, "\nbye\r\npartial", &out);
	EXPECT(s.have_connect);
	EXPECT_INT(s.connect.port, 60003);
	EXPECT_STR(s.connect.key, KEY);
	EXPECT_STR(s.connect.addr, "::1");
	EXPECT_STR(text_of(&out), "Welcome\r\nbye\r\npartial");
	EXPECT(strstr(text_of(&out), KEY) == NULL);
	bootstrap_scan_wipe(&s);
	EXPECT_STR(s.connect.key, "");
	buf_free(&out);
}

TEST(scan_byte_by_byte_sees_notfound_and_unknown_sspsh_lines)
{
	const char *text = "sh: 1: sspsh: not found\r\nSSPSH NOTFOUND Linux x86_64\r\n"
			   "SSPSH HELLO\nSSPS";
	struct bootstrap_scan s;
	struct buf out;

	buf_init(&out);
	bootstrap_scan_init(&s);
	for (const char *p = text; *p; p++)
		bootstrap_scan_feed(&s, (const uint8_t *)p, 1, &out);
	bootstrap_scan_finish(&s, &out);
	EXPECT(s.have_notfound);
	EXPECT(!s.have_connect);
	EXPECT_STR(s.platform, "Linux x86_64");
	EXPECT_STR(text_of(&out), "sh: 1: sspsh: not found\r\nSSPSH HELLO\nSSPS");
	buf_free(&out);
}

TEST(scan_swallows_a_bad_or_overlong_connect_line)
{
	struct bootstrap_scan s;
	struct buf out;
	char big[BOOTSTRAP_LINE_MAX * 2 + 1];

	buf_init(&out);
	bootstrap_scan_init(&s);
	feed_str(&s, "SSPSH CONNECT 60001 " KEY " bad;addr\n", &out);
	EXPECT(s.saw_bad_connect);
	EXPECT(!s.have_connect);
	memset(big, 'A', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	memcpy(big, "SSPSH CONNECT 1 ", 16);
	feed_str(&s, big, &out);
	feed_str(&s, "\nafter\n", &out);
	EXPECT_STR(text_of(&out), "after\n");
	/* A long line that is not ours is passed through whole. */
	buf_reset(&out);
	memcpy(big, "SSPSH OTHER 1 ", 14);
	feed_str(&s, big, &out);
	feed_str(&s, "\n", &out);
	EXPECT_INT(out.len, sizeof big);
	buf_free(&out);
}

TEST(scan_finish_takes_a_connect_line_without_newline)
{
	struct bootstrap_scan s;
	struct buf out;

	buf_init(&out);
	bootstrap_scan_init(&s);
	feed_str(&s, "SSPSH CONNECT 60010 " KEY, &out);
	bootstrap_scan_finish(&s, &out);
	EXPECT(s.have_connect);
	EXPECT_INT(out.len, 0);
	buf_free(&out);
}

int main(void)
{
	RUN(parse_connect_with_and_without_address);
	RUN(parse_connect_fields);
	RUN(format_connect_round_trips);
	RUN(parse_connect_rejects_malformed_lines);
	RUN(scan_passes_other_output_through_and_keeps_the_key_out);
	RUN(scan_byte_by_byte_sees_notfound_and_unknown_sspsh_lines);
	RUN(scan_swallows_a_bad_or_overlong_connect_line);
	RUN(scan_finish_takes_a_connect_line_without_newline);
	return unit_exit_status();
}
