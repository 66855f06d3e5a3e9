#include <stdlib.h>

#include "core/shell_words.h"
#include "test/unit/unit.h"

static int split(const char *text, struct shell_words *w)
{
	const char *error = NULL;

	if (!shell_words_split(text, w, &error))
		return -1;
	return w->argc;
}

TEST(split_plain_words_and_blanks)
{
	struct shell_words w;

	EXPECT_INT(split("  ssh\t-p 2222   -i key ", &w), 5);
	EXPECT_STR(w.argv[0], "ssh");
	EXPECT_STR(w.argv[1], "-p");
	EXPECT_STR(w.argv[2], "2222");
	EXPECT_STR(w.argv[3], "-i");
	EXPECT_STR(w.argv[4], "key");
	EXPECT(w.argv[5] == NULL);
	shell_words_free(&w);

	EXPECT_INT(split("", &w), 0);
	EXPECT(w.argv[0] == NULL);
	shell_words_free(&w);
}

TEST(split_honours_quotes_and_backslashes)
{
	struct shell_words w;

	EXPECT_INT(split("ssh -i 'my key' -o \"ProxyCommand=nc %h \\\"22\\\"\" a\\ b ''", &w), 7);
	EXPECT_STR(w.argv[2], "my key");
	EXPECT_STR(w.argv[4], "ProxyCommand=nc %h \"22\"");
	EXPECT_STR(w.argv[5], "a b");
	EXPECT_STR(w.argv[6], "");
	shell_words_free(&w);

	/* Quotes join into one word; a backslash in '' or before a plain char in "" stays. */
	EXPECT_INT(split("a'b c'\"d\"e '\\n' \"\\n\"", &w), 3);
	EXPECT_STR(w.argv[0], "ab cde");
	EXPECT_STR(w.argv[1], "\\n");
	EXPECT_STR(w.argv[2], "\\n");
	shell_words_free(&w);
}

TEST(split_does_not_expand_anything)
{
	struct shell_words w;

	EXPECT_INT(split("echo $HOME ~ * `id` ;", &w), 6);
	EXPECT_STR(w.argv[1], "$HOME");
	EXPECT_STR(w.argv[2], "~");
	EXPECT_STR(w.argv[3], "*");
	EXPECT_STR(w.argv[4], "`id`");
	EXPECT_STR(w.argv[5], ";");
	shell_words_free(&w);
}

TEST(split_rejects_unterminated_quotes)
{
	struct shell_words w;
	const char *error = NULL;

	EXPECT(!shell_words_split("ssh 'oops", &w, &error));
	EXPECT(error != NULL);
	EXPECT(w.argv == NULL);
	EXPECT(!shell_words_split("ssh \"oops", &w, &error));
	EXPECT(!shell_words_split("ssh oops\\", &w, &error));
}

TEST(quote_round_trips_through_split)
{
	static const char *words[] = { "plain", "", "it's", "a b", "$(rm -rf /)", "'\\''", "\"\\" };
	struct buf line;
	struct shell_words w;

	buf_init(&line);
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		shell_quote(&line, words[i]);
		buf_put_u8(&line, ' ');
	}
	buf_put_u8(&line, '\0');
	EXPECT_INT(split((const char *)line.data, &w), 7);
	for (int i = 0; i < w.argc; i++)
		EXPECT_STR(w.argv[i], words[i]);
	shell_words_free(&w);

	buf_reset(&line);
	shell_quote(&line, "it's");
	buf_put_u8(&line, '\0');
	EXPECT_STR((const char *)line.data, "'it'\\''s'");
	buf_free(&line);
}

TEST(quote_if_needed_leaves_plain_words_alone)
{
	static const char *words[] = { "plain", "~/.sspsh/id", "", "my key", "it's", "a$b" };
	static const char *shown[] = { "plain", "'~/.sspsh/id'", "''", "'my key'", "'it'\\''s'", "'a$b'" };
	struct buf line;

	buf_init(&line);
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		buf_reset(&line);
		shell_quote_if_needed(&line, words[i]);
		buf_put_u8(&line, '\0');
		EXPECT_STR((const char *)line.data, shown[i]);
	}
	buf_reset(&line);
	shell_quote_if_needed(&line, "/home/ann/.sspsh/id_x25519");
	buf_put_u8(&line, '\0');
	EXPECT_STR((const char *)line.data, "/home/ann/.sspsh/id_x25519");
	buf_free(&line);
}

int main(void)
{
	RUN(split_plain_words_and_blanks);
	RUN(split_honours_quotes_and_backslashes);
	RUN(split_does_not_expand_anything);
	RUN(split_rejects_unterminated_quotes);
	RUN(quote_round_trips_through_split);
	RUN(quote_if_needed_leaves_plain_words_alone);
	return unit_exit_status();
}
