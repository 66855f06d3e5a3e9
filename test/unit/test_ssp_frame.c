/* Frame state: the diff (display diff + echo ack + bell count + size) turns
 * the client's copy of the acked frame into the server's current one. */
#include <stdlib.h>
#include <string.h>

#include "applets/session/ssp_frame.h"
#include "core/options.h"
#include "core/zip.h"
#include "term/emu.h"
#include "test/unit/unit.h"

static const struct session_end exited_7 = { SESSION_PROGRAM_EXITED, 7 };

static struct ssp_frame *frame_of(struct emu *emu, uint64_t echo_ack, const struct session_end *end)
{
	return ssp_frame_new(fb_clone(emu_fb(emu)), echo_ack, end);
}

/* What the client gets from diff(from, to) applied to its copy of from. */
static struct ssp_frame *transfer(const struct ssp_frame *from, const struct ssp_frame *to)
{
	struct ssp_frame *got;
	struct buf diff;

	buf_init(&diff);
	ssp_frame_ops.diff(from, to, &diff);
	got = ssp_frame_ops.apply(from, diff.data, diff.len);
	buf_free(&diff);
	return got;
}

TEST(frames_round_trip_from_nothing_and_from_a_base)
{
	struct emu *emu = emu_new(80, 24);
	struct ssp_frame *none = ssp_frame_new(NULL, 0, NULL), *a, *b, *got_a, *got_b;
	const char *first = "\033]2;title\007\033[1;31mred\033[m plain \xe6\x97\xa5\xe6\x9c\xac\r\n$ ";
	const char *second = "\033[?1h\033[?2004hls\r\nfile\r\n\a\a\a$ ";

	emu_write(emu, first, strlen(first));
	a = frame_of(emu, 5, NULL);
	got_a = transfer(none, a);
	EXPECT(got_a != NULL);
	EXPECT(got_a && ssp_frame_ops.equal(got_a, a));
	EXPECT_INT(ssp_frame_echo_ack(got_a), 5);
	EXPECT_STR(fb_title(ssp_frame_fb(got_a)), "title");

	emu_write(emu, second, strlen(second));
	b = frame_of(emu, 9, NULL);
	got_b = transfer(got_a, b);
	EXPECT(got_b && ssp_frame_ops.equal(got_b, b));
	EXPECT_INT(fb_bells(ssp_frame_fb(got_b)), 3);
	EXPECT(fb_modes(ssp_frame_fb(got_b))->app_cursor);
	EXPECT(fb_modes(ssp_frame_fb(got_b))->bracketed_paste);
	EXPECT(!ssp_frame_ops.equal(got_a, got_b));
	ssp_frame_free(none);
	ssp_frame_free(a);
	ssp_frame_free(b);
	ssp_frame_free(got_a);
	ssp_frame_free(got_b);
	emu_free(emu);
}

TEST(a_resize_and_the_end_of_the_session_travel)
{
	struct emu *emu = emu_new(80, 24);
	struct ssp_frame *a, *b, *got;

	emu_write(emu, "hello", 5);
	a = frame_of(emu, 1, NULL);
	EXPECT(emu_resize(emu, 120, 40));
	emu_write(emu, " world", 6);
	b = frame_of(emu, 2, &exited_7);
	got = transfer(a, b);
	EXPECT(got && ssp_frame_ops.equal(got, b));
	EXPECT_INT(fb_cols(ssp_frame_fb(got)), 120);
	EXPECT_INT(fb_rows(ssp_frame_fb(got)), 40);
	EXPECT(got && ssp_frame_ended(got));
	EXPECT(got && ssp_frame_end(got).reason == SESSION_PROGRAM_EXITED);
	EXPECT_INT(got ? ssp_frame_end(got).status : 0, 7);
	EXPECT(!ssp_frame_ended(a));
	ssp_frame_free(a);
	ssp_frame_free(b);
	ssp_frame_free(got);
	emu_free(emu);
}

/* Every reason and the whole range of statuses arrive as sent, and two
 * ends that differ in either are different states (so a changed end is
 * sent again). */
TEST(why_the_session_ended_travels)
{
	static const struct session_end ends[] = {
		{ SESSION_PROGRAM_EXITED, 0 }, { SESSION_PROGRAM_EXITED, 255 }, { SESSION_PROGRAM_KILLED, 137 },
		{ SESSION_SERVER_STOPPED, 255 }, { SESSION_DAEMON_STOPPED, 255 }, { SESSION_KEY_REVOKED, 255 },
	};
	struct ssp_frame *none = ssp_frame_new(NULL, 0, NULL), *sent, *got, *other;

	for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
		sent = ssp_frame_new(NULL, 3, &ends[i]);
		got = transfer(none, sent);
		EXPECT(got && ssp_frame_ops.equal(got, sent));
		EXPECT(got && ssp_frame_end(got).reason == ends[i].reason);
		EXPECT_INT(got ? ssp_frame_end(got).status : -1, ends[i].status);
		other = ssp_frame_new(NULL, 3, &ends[(i + 1) % (sizeof ends / sizeof ends[0])]);
		EXPECT(!ssp_frame_ops.equal(sent, other));
		ssp_frame_free(other);
		ssp_frame_free(sent);
		ssp_frame_free(got);
	}
	ssp_frame_free(none);
}

/* A hostile server's end: no reason, an unknown one, a status no process
 * can have, or one cut short. */
TEST(a_malformed_end_is_refused)
{
	struct ssp_frame *none = ssp_frame_new(NULL, 0, NULL);
	const uint8_t no_reason[] = { 1, 0, 0, 0, 0, 0, 0 };
	const uint8_t unknown_reason[] = { 1, 0, 0, 0, 0, SESSION_END_REASON_LAST + 1, 0 };
	const uint8_t status_256[] = { 1, 0, 0, 0, 0, SESSION_PROGRAM_EXITED, 0x80, 0x02 };
	const uint8_t cut_short[] = { 1, 0, 0, 0, 0, SESSION_PROGRAM_EXITED };
	const uint8_t killed_by_no_signal[] = { 1, 0, 0, 0, 0, SESSION_PROGRAM_KILLED, 3 };
	const uint8_t fine[] = { 1, 0, 0, 0, 0, SESSION_PROGRAM_KILLED, 0x81, 0x01 };
	struct ssp_frame *got;

	EXPECT(ssp_frame_ops.apply(none, no_reason, sizeof no_reason) == NULL);
	EXPECT(ssp_frame_ops.apply(none, unknown_reason, sizeof unknown_reason) == NULL);
	EXPECT(ssp_frame_ops.apply(none, status_256, sizeof status_256) == NULL);
	EXPECT(ssp_frame_ops.apply(none, cut_short, sizeof cut_short) == NULL);
	EXPECT(ssp_frame_ops.apply(none, killed_by_no_signal, sizeof killed_by_no_signal) == NULL);
	got = ssp_frame_ops.apply(none, fine, sizeof fine);
	EXPECT(got && ssp_frame_end(got).reason == SESSION_PROGRAM_KILLED);
	EXPECT_INT(got ? ssp_frame_end(got).status : 0, 129);
	ssp_frame_free(got);
	ssp_frame_free(none);
}

TEST(malformed_frame_diffs_are_refused)
{
	struct ssp_frame *none = ssp_frame_new(NULL, 0, NULL);
	const uint8_t bad_flags[] = { 7, 0, 0, 80, 24 };
	const uint8_t too_wide[] = { 0, 0, 0, 0xff, 0x7f, 24 };
	const uint8_t no_rows[] = { 0, 0, 0, 80, 0 };
	const uint8_t truncated[] = { 0, 0x80 };

	EXPECT(ssp_frame_ops.apply(none, bad_flags, sizeof bad_flags) == NULL);
	EXPECT(ssp_frame_ops.apply(none, too_wide, sizeof too_wide) == NULL);
	EXPECT(ssp_frame_ops.apply(none, no_rows, sizeof no_rows) == NULL);
	EXPECT(ssp_frame_ops.apply(none, truncated, sizeof truncated) == NULL);
	ssp_frame_free(none);
}

/* A screen of text: the diff goes deflated, well under the text's size,
 * and still gives the client the same screen. */
TEST(a_text_heavy_diff_travels_deflated)
{
	struct emu *emu = emu_new(80, 24);
	struct ssp_frame *none = ssp_frame_new(NULL, 0, NULL), *full, *got;
	struct buf diff;
	char line[100];
	size_t text = 0;

	for (int i = 0; i < 23; i++) {
		int n = snprintf(line, sizeof line, "%4d  static int parse_line(struct reader *r, size_t n%d);\r\n",
				 i, i * 37);
		emu_write(emu, line, (size_t)n);
		text += (size_t)n;
	}
	full = frame_of(emu, 1, NULL);
	buf_init(&diff);
	ssp_frame_ops.diff(none, full, &diff);
	EXPECT(diff.len < text / 2);
	got = ssp_frame_ops.apply(none, diff.data, diff.len);
	EXPECT(got && ssp_frame_ops.equal(got, full));
	buf_free(&diff);
	ssp_frame_free(none);
	ssp_frame_free(full);
	ssp_frame_free(got);
	emu_free(emu);
}

/* A hostile server's frame diff: flags FRAME_DEFLATED (2), echo ack 0,
 * bells 0, 80x24, then `size` spaces deflated. */
static void deflated_spaces(size_t size, struct buf *diff)
{
	uint8_t *spaces = malloc(size);

	buf_put(diff, (const uint8_t[]){ 2, 0, 0, 80, 24 }, 5);
	if (!spaces) {
		diff->oom = true;
		return;
	}
	memset(spaces, ' ', size);
	if (zip_deflate(spaces, size, diff) != ZIP_OK)
		diff->oom = true;
	free(spaces);
}

TEST(a_zip_bomb_stops_at_the_frame_diff_limit)
{
	struct ssp_frame *none = ssp_frame_new(NULL, 0, NULL), *got;
	struct buf bomb, biggest;

	buf_init(&bomb);
	buf_init(&biggest);
	deflated_spaces(SSPSH_FRAME_DIFF_MAX + 1, &bomb);
	deflated_spaces(SSPSH_FRAME_DIFF_MAX, &biggest);
	EXPECT(!bomb.oom && !biggest.oom);
	EXPECT(bomb.len < SSPSH_FRAME_DIFF_MAX / 500);
	EXPECT(ssp_frame_ops.apply(none, bomb.data, bomb.len) == NULL);
	got = ssp_frame_ops.apply(none, biggest.data, biggest.len);
	EXPECT(got != NULL);
	ssp_frame_free(got);
	bomb.data[bomb.len - 1] ^= 0xff;
	EXPECT(ssp_frame_ops.apply(none, bomb.data, bomb.len - 3) == NULL);
	buf_free(&bomb);
	buf_free(&biggest);
	ssp_frame_free(none);
}

int main(void)
{
	RUN(frames_round_trip_from_nothing_and_from_a_base);
	RUN(a_resize_and_the_end_of_the_session_travel);
	RUN(why_the_session_ended_travels);
	RUN(a_malformed_end_is_refused);
	RUN(malformed_frame_diffs_are_refused);
	RUN(a_text_heavy_diff_travels_deflated);
	RUN(a_zip_bomb_stops_at_the_frame_diff_limit);
	return unit_exit_status();
}
