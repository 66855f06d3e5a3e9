/* core/unicode against utf8proc, the library its table is generated from:
 * the width and the break class of every code point, and the grapheme
 * breaks of every sequence of break classes up to five long. */
#include <stdint.h>
#include <stdio.h>
#include <utf8proc.h>

#include "core/unicode.h"
#include "unit.h"

static void every_code_point_has_utf8procs_width_and_class(void)
{
	unsigned wrong = 0;

	for (uint32_t cp = 0; cp <= 0x110010; cp++) {
		int width = utf8proc_charwidth((utf8proc_int32_t)cp);
		int boundclass = utf8proc_get_property((utf8proc_int32_t)cp)->boundclass;

		if (unicode_width(cp) != width || (int)unicode_class_of(cp) != boundclass) {
			if (wrong++ < 5)
				printf("U+%04X: width %d class %d, utf8proc %d %d\n", (unsigned)cp,
				       unicode_width(cp), (int)unicode_class_of(cp), width, boundclass);
		}
	}
	EXPECT(wrong == 0);
	EXPECT(unicode_width('a') == 1 && unicode_width(0x4e00) == 2 && unicode_width(0x301) == 0);
}

static void class_numbers_are_utf8procs(void)
{
	EXPECT_INT(UNICODE_EXTEND, UTF8PROC_BOUNDCLASS_EXTEND);
	EXPECT_INT(UNICODE_REGIONAL_INDICATOR, UTF8PROC_BOUNDCLASS_REGIONAL_INDICATOR);
	EXPECT_INT(UNICODE_ZWJ, UTF8PROC_BOUNDCLASS_ZWJ);
	EXPECT_INT(UNICODE_EXTENDED_PICTOGRAPHIC, UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC);
	EXPECT_INT(UNICODE_E_ZWJ, UTF8PROC_BOUNDCLASS_E_ZWG);
}

/* One code point of each class that occurs; classes no code point has are 0. */
static uint32_t example[UNICODE_CLASSES];

static int find_examples(void)
{
	int found = 0;

	for (uint32_t cp = 0x10ffff; cp > 0; cp--)
		example[unicode_class_of(cp)] = cp;
	example[UNICODE_START] = 0;
	for (int c = 1; c < UNICODE_CLASSES; c++)
		found += example[c] != 0;
	return found;
}

/* Walks every sequence of `depth` more examples after `prev`, both
 * implementations carrying their own state; counts disagreements. */
static unsigned compare_sequences(uint32_t prev, int32_t ours, utf8proc_int32_t theirs, int depth)
{
	unsigned wrong = 0;

	if (depth == 0)
		return 0;
	for (int c = 1; c < UNICODE_CLASSES; c++) {
		int32_t our_state = ours;
		utf8proc_int32_t their_state = theirs;

		if (!example[c])
			continue;
		bool a = unicode_grapheme_break(prev, example[c], &our_state);
		bool b = utf8proc_grapheme_break_stateful((utf8proc_int32_t)prev,
							  (utf8proc_int32_t)example[c], &their_state);
		if (a != b || our_state != their_state) {
			wrong++;
			continue;
		}
		wrong += compare_sequences(example[c], our_state, their_state, depth - 1);
	}
	return wrong;
}

static void grapheme_breaks_agree_over_every_class_sequence(void)
{
	int classes = find_examples();
	unsigned wrong = 0;

	EXPECT(classes >= 14);
	for (int c = 1; c < UNICODE_CLASSES; c++)
		if (example[c])
			wrong += compare_sequences(example[c], 0, 0, 4);
	EXPECT(wrong == 0);
}

static void known_clusters(void)
{
	int32_t state = 0;

	/* A flag is two regional indicators; a third starts a new cluster. */
	EXPECT(!unicode_grapheme_break(0x1f1e9, 0x1f1ea, &state));
	EXPECT(unicode_grapheme_break(0x1f1ea, 0x1f1eb, &state));
	/* Woman ZWJ laptop: one cluster. */
	state = 0;
	EXPECT(!unicode_grapheme_break(0x1f469, 0x200d, &state));
	EXPECT(!unicode_grapheme_break(0x200d, 0x1f4bb, &state));
	/* CR LF stays together; a letter after LF does not. */
	state = 0;
	EXPECT(!unicode_grapheme_break('\r', '\n', &state));
	EXPECT(unicode_grapheme_break('\n', 'a', &state));
}

int main(void)
{
	RUN(class_numbers_are_utf8procs);
	RUN(every_code_point_has_utf8procs_width_and_class);
	RUN(grapheme_breaks_agree_over_every_class_sequence);
	RUN(known_clusters);
	return unit_exit_status();
}
