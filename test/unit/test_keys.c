/* Keys: keyboard bytes -> keys through libtermkey, with stream offsets. */
#include <stdlib.h>

#include "term/keys.h"
#include "unit.h"

#define MAX_KEYS 8192

struct got {
	struct key keys[MAX_KEYS];
	size_t n;
};

static struct got got;

static void collect(void *ctx, const struct key *key)
{
	struct got *g = ctx;

	if (g->n < MAX_KEYS)
		g->keys[g->n++] = *key;
}

static struct keys *fresh(void)
{
	got.n = 0;
	return keys_new("xterm-256color");
}

static void feed(struct keys *k, const char *bytes)
{
	keys_feed(k, bytes, strlen(bytes), collect, &got);
}

TEST(ascii_and_utf8_text)
{
	struct keys *k = fresh();

	feed(k, "a \xc3\xa9\xe3\x81\x82");
	EXPECT_INT(got.n, 4);
	EXPECT_INT(got.keys[0].type, KEY_TEXT);
	EXPECT_STR(got.keys[0].utf8, "a");
	EXPECT_INT(got.keys[0].width, 1);
	EXPECT_INT(got.keys[0].end_offset, 1);
	EXPECT_INT(got.keys[1].type, KEY_TEXT);
	EXPECT_STR(got.keys[1].utf8, " ");
	EXPECT_INT(got.keys[2].codepoint, 0xe9);
	EXPECT_STR(got.keys[2].utf8, "\xc3\xa9");
	EXPECT_INT(got.keys[2].end_offset, 4);
	EXPECT_INT(got.keys[3].codepoint, 0x3042);
	EXPECT_INT(got.keys[3].width, 2);
	EXPECT_INT(got.keys[3].utf8_len, 3);
	EXPECT_INT(got.keys[3].end_offset, 7);
	EXPECT_INT(keys_offset(k), 7);
	keys_free(k);
}

TEST(editing_keys)
{
	static const struct {
		const char *bytes;
		enum key_type type;
	} cases[] = {
		{ "\x7f", KEY_BACKSPACE }, { "\r", KEY_ENTER }, { "\t", KEY_TAB },
		{ "\x1b[D", KEY_LEFT }, { "\x1b[C", KEY_RIGHT }, { "\x1bOD", KEY_LEFT },
		{ "\x1bOC", KEY_RIGHT }, { "\x1b[A", KEY_UP }, { "\x1b[B", KEY_DOWN },
		{ "\x1b[H", KEY_HOME }, { "\x1b[F", KEY_END }, { "\x1b[3~", KEY_DELETE },
		{ "\x03", KEY_OTHER }, { "\x1b[15~", KEY_OTHER },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct keys *k = fresh();

		feed(k, cases[i].bytes);
		EXPECT_INT(got.n, 1);
		EXPECT_INT(got.keys[0].type, cases[i].type);
		EXPECT_INT(got.keys[0].end_offset, strlen(cases[i].bytes));
		keys_free(k);
	}
}

TEST(control_and_alt_are_not_text)
{
	struct keys *k = fresh();

	feed(k, "\x03\x1b" "b");
	EXPECT_INT(got.n, 2);
	EXPECT_INT(got.keys[0].type, KEY_OTHER);
	EXPECT_INT(got.keys[0].mods, KEY_MOD_CTRL);
	EXPECT_INT(got.keys[0].codepoint, 'c');
	EXPECT_INT(got.keys[1].type, KEY_OTHER);
	EXPECT_INT(got.keys[1].mods, KEY_MOD_ALT);
	EXPECT_INT(got.keys[1].end_offset, 3);
	keys_free(k);
}

/* CSI u (the "fixterms" key protocol) can carry any number: only Unicode
 * scalar values become text. */
TEST(csi_u_with_invalid_code_points_is_not_text)
{
	struct keys *k = fresh();

	feed(k, "\x1b[1114112u\x1b[55296u\x1b[2147483647u\x1b[233u\x1b[97;5u");
	EXPECT_INT(got.n, 5);
	EXPECT_INT(got.keys[0].type, KEY_OTHER);
	EXPECT_INT(got.keys[1].type, KEY_OTHER);
	EXPECT_INT(got.keys[2].type, KEY_OTHER);
	EXPECT_INT(got.keys[3].type, KEY_TEXT);
	EXPECT_STR(got.keys[3].utf8, "\xc3\xa9");
	EXPECT_INT(got.keys[4].type, KEY_OTHER);
	EXPECT_INT(got.keys[4].mods, KEY_MOD_CTRL);
	keys_free(k);
}

TEST(offsets_follow_a_sequence_split_across_reads)
{
	struct keys *k = fresh();

	feed(k, "x\x1b[");
	EXPECT_INT(got.n, 1);
	EXPECT(keys_wait_ms(k) > 0);
	feed(k, "Dy");
	EXPECT_INT(got.n, 3);
	EXPECT_INT(got.keys[1].type, KEY_LEFT);
	EXPECT_INT(got.keys[1].end_offset, 4);
	EXPECT_INT(got.keys[2].end_offset, 5);
	EXPECT_INT(keys_wait_ms(k), -1);
	keys_free(k);
}

TEST(lone_escape_waits_then_flushes)
{
	struct keys *k = fresh();

	feed(k, "\x1b");
	EXPECT_INT(got.n, 0);
	EXPECT(keys_wait_ms(k) > 0);
	keys_flush(k, collect, &got);
	EXPECT_INT(got.n, 1);
	EXPECT_INT(got.keys[0].type, KEY_ESCAPE);
	EXPECT_INT(got.keys[0].end_offset, 1);
	EXPECT_INT(keys_wait_ms(k), -1);
	keys_free(k);
}

TEST(bracketed_paste)
{
	struct keys *k = fresh();

	feed(k, "a\x1b[200~x\ny\r\x1b[201~b");
	EXPECT_INT(got.n, 8);
	EXPECT_INT(got.keys[0].pasted, 0);
	EXPECT_INT(got.keys[1].type, KEY_PASTE_BEGIN);
	EXPECT_INT(got.keys[2].type, KEY_TEXT);
	EXPECT_INT(got.keys[2].pasted, 1);
	EXPECT_INT(got.keys[3].type, KEY_ENTER);	/* LF inside a paste */
	EXPECT_INT(got.keys[3].pasted, 1);
	EXPECT_INT(got.keys[4].type, KEY_TEXT);
	EXPECT_INT(got.keys[5].type, KEY_ENTER);
	EXPECT_INT(got.keys[6].type, KEY_PASTE_END);
	EXPECT_INT(got.keys[7].type, KEY_TEXT);
	EXPECT_INT(got.keys[7].pasted, 0);
	EXPECT_INT(got.keys[7].end_offset, 18);
	keys_free(k);
}

TEST(long_paste_beyond_libtermkey_buffer)
{
	struct keys *k = fresh();
	static char text[6001];

	for (int i = 0; i < 6000; i++)
		text[i] = (char)('a' + i % 26);
	feed(k, text);
	EXPECT_INT(got.n, 6000);
	EXPECT_INT(got.keys[5999].end_offset, 6000);
	EXPECT_INT(got.keys[5999].codepoint, 'a' + 5999 % 26);
	EXPECT_INT(got.keys[3000].end_offset, 3001);
	keys_free(k);
}

TEST(unknown_terminal_still_parses)
{
	struct keys *k = keys_new("no-such-terminal-anywhere");

	got.n = 0;
	EXPECT(k != NULL);
	if (!k)
		return;
	feed(k, "\x1b[D\x1bOCq");
	EXPECT_INT(got.n, 3);
	EXPECT_INT(got.keys[0].type, KEY_LEFT);
	EXPECT_INT(got.keys[1].type, KEY_RIGHT);
	EXPECT_INT(got.keys[2].type, KEY_TEXT);
	keys_free(k);
}

TEST(no_terminfo_database_at_all)
{
	struct keys *k;

	setenv("TERMINFO", "/nonexistent", 1);
	setenv("TERMINFO_DIRS", "/nonexistent", 1);
	k = keys_new("xterm-256color");
	unsetenv("TERMINFO");
	unsetenv("TERMINFO_DIRS");
	got.n = 0;
	EXPECT(k != NULL);
	if (!k)
		return;
	feed(k, "z\x7f\x1b[3~");
	EXPECT_INT(got.n, 3);
	EXPECT_INT(got.keys[1].type, KEY_BACKSPACE);
	EXPECT_INT(got.keys[2].type, KEY_DELETE);
	keys_free(k);
}

int main(void)
{
	RUN(ascii_and_utf8_text);
	RUN(editing_keys);
	RUN(control_and_alt_are_not_text);
	RUN(csi_u_with_invalid_code_points_is_not_text);
	RUN(offsets_follow_a_sequence_split_across_reads);
	RUN(lone_escape_waits_then_flushes);
	RUN(bracketed_paste);
	RUN(long_paste_beyond_libtermkey_buffer);
	RUN(unknown_terminal_still_parses);
	RUN(no_terminfo_database_at_all);
	return unit_exit_status();
}
