/* The parser on its own: what reaches each callback. */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "term/parser.h"
#include "test/unit/unit.h"

/* Every callback appends a line describing itself to `log`. */
static struct buf log_text;

static void on_print_ascii(void *ctx, const uint8_t *text, size_t len)
{
	(void)ctx;
	buf_printf(&log_text, "text %.*s\n", (int)len, (const char *)text);
}

static void on_print(void *ctx, uint32_t cp)
{
	(void)ctx;
	buf_printf(&log_text, "cp %04X\n", (unsigned)cp);
}

static void on_execute(void *ctx, uint8_t c)
{
	(void)ctx;
	buf_printf(&log_text, "exec %02x\n", c);
}

static void log_seq(const char *what, const struct parser_seq *seq)
{
	buf_printf(&log_text, "%s %c%c%c%c", what, seq->prefix ? seq->prefix : '-',
		   seq->intermediates[0] ? seq->intermediates[0] : '-',
		   seq->intermediates[1] ? seq->intermediates[1] : '-', seq->final);
	for (int i = 0; i < seq->nparams; i++)
		buf_printf(&log_text, "%s%d", i == 0 ? " " : (seq->subparam_mask >> i & 1) ? ":" : ";",
			   (int)seq->params[i]);
	buf_put_u8(&log_text, '\n');
}

static void on_esc(void *ctx, const struct parser_seq *seq)
{
	(void)ctx;
	log_seq("esc", seq);
}

static void on_csi(void *ctx, const struct parser_seq *seq)
{
	(void)ctx;
	log_seq("csi", seq);
}

static void on_osc(void *ctx, const uint8_t *data, size_t len)
{
	(void)ctx;
	buf_printf(&log_text, "osc %.*s\n", (int)len, (const char *)data);
}

static void on_dcs(void *ctx, const struct parser_seq *seq, const uint8_t *data, size_t len)
{
	(void)ctx;
	log_seq("dcs", seq);
	buf_printf(&log_text, "data %.*s\n", (int)len, (const char *)data);
}

static const struct parser_callbacks callbacks = {
	on_print_ascii, on_print, on_execute, on_esc, on_csi, on_osc, on_dcs,
};

/* The log of feeding `input` whole, which feeding it a byte at a time must
 * reproduce apart from how text runs are split. */
static const char *parse(const char *input, size_t len)
{
	struct parser *p = parser_new(&callbacks, NULL);

	buf_reset(&log_text);
	parser_feed(p, (const uint8_t *)input, len);
	parser_free(p);
	buf_put_u8(&log_text, 0);
	return (const char *)log_text.data;
}

#define PARSE(s) parse((s), sizeof(s) - 1)

TEST(parser_text_and_controls)
{
	EXPECT_STR(PARSE("ab\r\ncd"), "text ab\nexec 0d\nexec 0a\ntext cd\n");
}

TEST(parser_csi_params_prefix_intermediates)
{
	EXPECT_STR(PARSE("\033[1;22H"), "csi ---H 1;22\n");
	EXPECT_STR(PARSE("\033[?1049h"), "csi ?--h 1049\n");
	EXPECT_STR(PARSE("\033[;5H"), "csi ---H -1;5\n");
	EXPECT_STR(PARSE("\033[!p"), "csi -!-p\n");
	EXPECT_STR(PARSE("\033[1 q"), "csi - -q 1\n");
}

TEST(parser_subparameters)
{
	EXPECT_STR(PARSE("\033[38:2::1:2:3;1m"), "csi ---m 38:2:-1:1:2:3;1\n");
	EXPECT_STR(PARSE("\033[4:3m"), "csi ---m 4:3\n");
}

TEST(parser_params_saturate_and_are_bounded)
{
	char input[400];
	int n = snprintf(input, sizeof input, "\033[");

	for (int i = 0; i < 40; i++)
		n += snprintf(input + n, sizeof input - (size_t)n, "%d;", i);
	snprintf(input + n, sizeof input - (size_t)n, "m");
	parse(input, strlen(input));
	/* 32 parameters kept: 0..31 */
	EXPECT(strstr((char *)log_text.data, ";31\n") != NULL);
	EXPECT(strstr((char *)log_text.data, ";32") == NULL);
	EXPECT_STR(PARSE("\033[123456789012A"), "csi ---A 65535\n");
}

TEST(parser_esc_sequences)
{
	EXPECT_STR(PARSE("\0337\033(0\033#8"), "esc ---7\nesc -(-0\nesc -#-8\n");
}

TEST(parser_osc_ends_with_bel_or_st_and_can_aborts)
{
	EXPECT_STR(PARSE("\033]2;t\007x"), "osc 2;t\ntext x\n");
	EXPECT_STR(PARSE("\033]0;\xc3\xa9\033\\x"), "osc 0;\xc3\xa9\nesc ---\\\ntext x\n");
	EXPECT_STR(PARSE("\033]2;t\030x"), "exec 18\ntext x\n");
}

TEST(parser_osc_too_long_is_dropped)
{
	static char input[SSPSH_OSC_MAX + 16];
	size_t n = 0;

	memcpy(input, "\033]2;", 4);
	n = 4;
	memset(input + n, 'a', SSPSH_OSC_MAX);
	n += SSPSH_OSC_MAX;
	memcpy(input + n, "\007x", 2);
	n += 2;
	EXPECT_STR(parse(input, n), "text x\n");
}

TEST(parser_dcs)
{
	EXPECT_STR(PARSE("\033P1$qm\033\\"), "dcs -$-q 1\ndata m\nesc ---\\\n");
	EXPECT_STR(PARSE("\033Pq#0;1\r\033\\"), "dcs ---q\ndata #0;1\r\nesc ---\\\n");
}

TEST(parser_utf8)
{
	EXPECT_STR(PARSE("\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80"), "cp 00E9\ncp 4E2D\ncp 1F600\n");
	EXPECT_STR(PARSE("\xff"), "cp FFFD\n");
	EXPECT_STR(PARSE("\xe4\xb8x"), "cp FFFD\ntext x\n");
	EXPECT_STR(PARSE("\xed\xa0\x80"), "cp FFFD\ncp FFFD\ncp FFFD\n");
	EXPECT_STR(PARSE("\xe4\033[m"), "cp FFFD\ncsi ---m\n");
}

TEST(parser_split_anywhere)
{
	const char input[] = "a\033[38;5;1mb\xe4\xb8\xad\033]2;t\007\033P1q\033\\c";
	struct parser *p = parser_new(&callbacks, NULL);
	char whole[512];

	snprintf(whole, sizeof whole, "%s", PARSE(input));
	buf_reset(&log_text);
	for (size_t i = 0; i < sizeof input - 1; i++)
		parser_feed(p, (const uint8_t *)input + i, 1);
	parser_free(p);
	buf_put_u8(&log_text, 0);
	EXPECT_STR((char *)log_text.data, whole);
}

/* Whole sequences in one buffer take fast paths (a CSI dispatched at once,
 * a UTF-8 sequence decoded at once); cut in two anywhere, they go through
 * the state machine. Both must give the same calls, for the shapes the
 * fast paths take and for those they hand back. (ASCII runs are one
 * character long here, as a cut would split them.) */
TEST(parser_fast_paths_match_the_state_machine)
{
	const char input[] = "\033[1;38;5;200m\xe4\xb8\xad\033[?25l\033[>c\033[1?h\033[1 q"
			     "\033[3\r1m\033[38:2::1:2:3m\xc3\xa9\xf0\x9f\x98\x80\xe4\xb8x"
			     "\xed\xa0\x80\033[m\xe4\033[2J\033(0\033[99999999;Hz";
	char whole[2048];

	snprintf(whole, sizeof whole, "%s", PARSE(input));
	for (size_t cut = 1; cut < sizeof input - 1; cut++) {
		struct parser *p = parser_new(&callbacks, NULL);

		buf_reset(&log_text);
		parser_feed(p, (const uint8_t *)input, cut);
		parser_feed(p, (const uint8_t *)input + cut, sizeof input - 1 - cut);
		parser_free(p);
		buf_put_u8(&log_text, 0);
		EXPECT_STR((char *)log_text.data, whole);
	}
	EXPECT(strstr(whole, "csi ---m 1;38;5;200\ncp 4E2D\ncsi ?--l 25\ncsi >--c\n") == whole);
	EXPECT(strstr(whole, "exec 0d\ncsi ---m 31\n") != NULL);
}

int main(void)
{
	buf_init(&log_text);
	RUN(parser_text_and_controls);
	RUN(parser_csi_params_prefix_intermediates);
	RUN(parser_subparameters);
	RUN(parser_params_saturate_and_are_bounded);
	RUN(parser_esc_sequences);
	RUN(parser_osc_ends_with_bel_or_st_and_can_aborts);
	RUN(parser_osc_too_long_is_dropped);
	RUN(parser_dcs);
	RUN(parser_utf8);
	RUN(parser_split_anywhere);
	RUN(parser_fast_paths_match_the_state_machine);
	buf_free(&log_text);
	return unit_exit_status();
}
