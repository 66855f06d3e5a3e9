/* The channel layer's parts: the interval set and the stream window
 * against plain models, and the wire format's round trips and bounds. */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/options.h"
#include "core/ranges.h"
#include "core/streambuf.h"
#include "net/chan_wire.h"
#include "test/unit/unit.h"

#define SPAN 600

static uint32_t rng = 2463534242u;

static uint32_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* ---- ranges ---- */

static bool ranges_match(const struct ranges *r, const bool *model)
{
	size_t count = 0;

	for (uint64_t v = 0; v < SPAN; v++) {
		if (ranges_contains(r, v) != model[v])
			return false;
		if (model[v] && (v == 0 || !model[v - 1]))
			count++;
	}
	for (size_t i = 0; i + 1 < r->n; i++)
		if (r->v[i].end >= r->v[i + 1].start)
			return false;	/* touching intervals must have merged */
	return count == r->n;
}

TEST(ranges_agree_with_a_bitmap)
{
	static bool model[SPAN];
	struct ranges r;
	int wrong = 0;

	ranges_init(&r, 10000);
	for (int round = 0; round < 20000; round++) {
		uint64_t a = next_random() % SPAN, b = a + next_random() % 20;

		if (b > SPAN)
			b = SPAN;
		if (next_random() % 3) {
			EXPECT(ranges_add(&r, a, b));
			for (uint64_t v = a; v < b; v++)
				model[v] = true;
		} else {
			EXPECT(ranges_remove(&r, a, b));
			for (uint64_t v = a; v < b; v++)
				model[v] = false;
		}
		if (round % 7 == 0) {
			bool covered = true;
			for (uint64_t v = a; v < b; v++)
				covered &= model[v];
			if (ranges_covers(&r, a, b) != covered)
				wrong++;
		}
		if (!ranges_match(&r, model))
			wrong++;
	}
	EXPECT_INT(wrong, 0);
	ranges_remove_below(&r, SPAN / 2);
	for (uint64_t v = 0; v < SPAN / 2; v++)
		model[v] = false;
	EXPECT(ranges_match(&r, model));
	ranges_free(&r);
}

TEST(ranges_refuse_to_exceed_their_bound)
{
	struct ranges r;

	ranges_init(&r, 3);
	EXPECT(ranges_add(&r, 0, 10));
	EXPECT(ranges_add(&r, 20, 30));
	EXPECT(ranges_add(&r, 40, 50));
	EXPECT(!ranges_add(&r, 60, 70));	/* a fourth interval */
	EXPECT(ranges_add(&r, 10, 20));		/* merging needs none */
	EXPECT_INT(r.n, 2);
	EXPECT(ranges_add(&r, 60, 70));
	EXPECT(!ranges_remove(&r, 2, 4));	/* a split */
	EXPECT_INT(r.n, 3);
	EXPECT(ranges_covers(&r, 0, 30));
	ranges_drop_lowest(&r);
	EXPECT(!ranges_contains(&r, 5));
	EXPECT(!ranges_contains(&r, UINT64_MAX));
	ranges_free(&r);
}

/* ---- streambuf ---- */

TEST(streambuf_keeps_bytes_by_offset_across_growth_and_wrap)
{
	static uint8_t model[1 << 16], out[4096];
	struct streambuf s;
	uint64_t base = 0, end = 0;
	int wrong = 0;

	streambuf_init(&s, 1 << 14, 0, NULL);
	for (int round = 0; round < 20000; round++) {
		size_t len = next_random() % 3000;

		if (next_random() % 2 && end + len - base <= (1 << 14) && end + len <= sizeof model) {
			uint8_t chunk[3000];
			for (size_t i = 0; i < len; i++)
				chunk[i] = model[end + i] = (uint8_t)next_random();
			EXPECT(streambuf_reserve(&s, end + len));
			streambuf_put(&s, end, chunk, len);
			end += len;
		} else {
			uint64_t to = base + (end > base ? next_random() % (end - base + 1) : 0);
			streambuf_advance(&s, to, end);
			base = to > base ? to : base;
		}
		if (end > base) {
			uint64_t at = base + next_random() % (end - base);
			size_t n = end - at < sizeof out ? (size_t)(end - at) : sizeof out;
			streambuf_get(&s, at, out, n);
			if (memcmp(out, model + at, n) != 0)
				wrong++;
		}
		if (end > sizeof model - 4000) {
			streambuf_advance(&s, end, end);
			streambuf_free(&s);
			streambuf_init(&s, 1 << 14, 0, NULL);
			base = end = 0;
		}
	}
	EXPECT_INT(wrong, 0);
	EXPECT(!streambuf_reserve(&s, base + (1 << 14) + 1));	/* past the bound */
	streambuf_free(&s);
}

/* A forwarded download empties the receiver's ring every turn: the next
 * bytes go into the same memory (kept in the spare), not a new ring grown
 * again from its smallest size. */
TEST(streambuf_reuses_an_emptied_ring_through_its_spare)
{
	struct streambuf_spare spare = { 0 };
	struct streambuf a, b;
	uint8_t in[10000], out[10000];
	uint8_t *ring;

	for (size_t i = 0; i < sizeof in; i++)
		in[i] = (uint8_t)next_random();
	streambuf_init(&a, 1 << 16, 0, &spare);
	streambuf_init(&b, 1 << 16, 0, &spare);
	EXPECT(streambuf_reserve(&a, sizeof in));
	streambuf_put(&a, 0, in, sizeof in);
	ring = a.data;
	streambuf_advance(&a, sizeof in, sizeof in);	/* empty: into the spare */
	EXPECT(a.cap == 0 && spare.data == ring && spare.cap == 1 << 14);

	EXPECT(streambuf_reserve(&a, 2 * sizeof in));	/* wraps in the same ring */
	EXPECT(a.data == ring && spare.data == NULL);
	streambuf_put(&a, sizeof in, in, sizeof in);
	streambuf_get(&a, sizeof in, out, sizeof out);
	EXPECT(memcmp(in, out, sizeof in) == 0);

	EXPECT(streambuf_reserve(&b, 100));		/* nothing spare: its own */
	EXPECT(b.data != ring && b.cap == 4096);
	streambuf_free(&b);				/* a spare of 4 KiB ... */
	EXPECT(spare.cap == 4096);
	streambuf_advance(&a, 2 * sizeof in, 2 * sizeof in);	/* ... gives way to 16 */
	EXPECT(spare.data == ring && spare.cap == 1 << 14);
	EXPECT(streambuf_reserve(&b, 20000));		/* too small for b: left */
	EXPECT(b.cap == 1 << 15 && spare.data == ring);
	streambuf_free(&b);				/* the larger one is kept */
	EXPECT(spare.data != ring && spare.cap == 1 << 15);
	streambuf_spare_free(&spare);
	EXPECT(spare.data == NULL && spare.cap == 0);
}

/* ---- wire ---- */

static bool read_one(const struct buf *b, struct chan_frame *f)
{
	struct reader r;

	reader_init(&r, b->data, b->len);
	return chan_frame_get(&r, f) && reader_left(&r) == 0;
}

TEST(frames_round_trip)
{
	static struct chan_frame f;
	struct buf b;

	buf_init(&b);
	chan_put_open(&b, 6, "tcp localhost 80", 16);
	EXPECT(read_one(&b, &f));
	EXPECT(f.type == CHAN_FRAME_OPEN && f.id == 6 && f.len == 16);
	EXPECT_MEM(f.bytes, "tcp localhost 80", 16);

	buf_reset(&b);
	chan_put_refuse(&b, 3, 2, "connection refused", 18);
	EXPECT(read_one(&b, &f));
	EXPECT(f.type == CHAN_FRAME_REFUSE && f.id == 3 && f.value == 2 && f.len == 18);

	buf_reset(&b);
	chan_put_data_header(&b, 8, 1u << 30, 5, true);
	buf_put(&b, "hello", 5);
	EXPECT(read_one(&b, &f));
	EXPECT(f.type == CHAN_FRAME_DATA_FIN && f.fin && f.id == 8 && f.offset == 1u << 30 && f.len == 5);
	EXPECT_INT(chan_data_header_len(8, 1u << 30, 5), b.len - 5);

	buf_reset(&b);
	chan_put_reset(&b, UINT32_MAX, 9, 12345);
	EXPECT(read_one(&b, &f));
	EXPECT(f.type == CHAN_FRAME_RESET && f.id == UINT32_MAX && f.value == 9 && f.offset == 12345);

	buf_reset(&b);
	chan_put_window(&b, 1, 7u << 20);
	chan_put_session_window(&b, 9u << 20);
	chan_put_accept(&b, 4);
	chan_put_ping(&b);
	{
		struct reader r;
		reader_init(&r, b.data, b.len);
		EXPECT(chan_frame_get(&r, &f) && f.type == CHAN_FRAME_WINDOW && f.value == 7u << 20);
		EXPECT(chan_frame_get(&r, &f) && f.type == CHAN_FRAME_SESSION_WINDOW && f.value == 9u << 20);
		EXPECT(chan_frame_get(&r, &f) && f.type == CHAN_FRAME_ACCEPT && f.id == 4);
		EXPECT(chan_frame_get(&r, &f) && f.type == CHAN_FRAME_PING);
		EXPECT_INT(reader_left(&r), 0);
	}
	buf_free(&b);
}

TEST(acks_round_trip_highest_ranges_first)
{
	static struct chan_frame f;
	struct ranges pns;
	struct buf b;
	int wrong = 0;

	buf_init(&b);
	for (int round = 0; round < 500; round++) {
		uint64_t at = next_random() % 3;

		ranges_init(&pns, 1000);
		for (int i = 0; i < (int)(next_random() % 300) + 1; i++) {
			uint64_t len = next_random() % 5 + 1;
			ranges_add(&pns, at, at + len);
			at += len + next_random() % 200 + 1;
		}
		buf_reset(&b);
		if (!chan_put_ack(&b, &pns, 17, 1160) || !read_one(&b, &f) || b.len > 1160) {
			wrong++;
		} else {
			if (f.ack_delay_ms != 17 || f.n_acked == 0 || f.n_acked > SSPSH_CHAN_ACK_RANGES)
				wrong++;
			for (size_t i = 0; i < f.n_acked && i < pns.n; i++) {
				const struct range *want = &pns.v[pns.n - 1 - i];
				if (f.acked[i].start != want->start || f.acked[i].end != want->end)
					wrong++;
			}
		}
		ranges_free(&pns);
	}
	EXPECT_INT(wrong, 0);
	/* Too little room for even one range writes nothing. */
	ranges_init(&pns, 4);
	ranges_add(&pns, 1u << 30, (1u << 30) + 5);
	buf_reset(&b);
	EXPECT(!chan_put_ack(&b, &pns, 1, 4));
	EXPECT_INT(b.len, 0);
	ranges_free(&pns);
	buf_free(&b);
}

/* A frame built by hand from varints. */
static bool parses(const uint64_t *fields, size_t n, const char *tail)
{
	static struct chan_frame f;
	struct buf b;
	bool ok;

	buf_init(&b);
	buf_put_u8(&b, (uint8_t)fields[0]);
	for (size_t i = 1; i < n; i++)
		buf_put_varint(&b, fields[i]);
	if (tail)
		buf_put_str(&b, tail);
	ok = read_one(&b, &f);
	buf_free(&b);
	return ok;
}

TEST(frames_past_a_bound_are_malformed)
{
	uint64_t open_long[] = { CHAN_FRAME_OPEN, 2, SSPSH_CHAN_OPEN_INFO_MAX + 1 };
	uint64_t refuse_long[] = { CHAN_FRAME_REFUSE, 2, 1, SSPSH_CHAN_REASON_MAX + 1 };
	uint64_t id_too_big[] = { CHAN_FRAME_ACCEPT, (uint64_t)UINT32_MAX + 1 };
	uint64_t empty_data[] = { CHAN_FRAME_DATA, 2, 0, 0 };
	uint64_t huge_offset[] = { CHAN_FRAME_DATA_FIN, 2, CHAN_NUMBER_LIMIT, 0 };
	uint64_t huge_len[] = { CHAN_FRAME_DATA, 2, 0, SSPSH_DATAGRAM_LOOPBACK_MAX + 1 };
	uint64_t huge_window[] = { CHAN_FRAME_WINDOW, 2, CHAN_NUMBER_LIMIT };
	uint64_t too_many_ranges[] = { CHAN_FRAME_ACK, 1000, 0, SSPSH_CHAN_ACK_RANGES, 0 };
	uint64_t range_below_zero[] = { CHAN_FRAME_ACK, 5, 0, 0, 6 };
	uint64_t gap_below_zero[] = { CHAN_FRAME_ACK, 5, 0, 1, 0, 4, 0 };
	uint64_t unknown_type[] = { 77, 1 };
	uint64_t fine_fin[] = { CHAN_FRAME_DATA_FIN, 2, 10, 0 };
	uint64_t fine_ack[] = { CHAN_FRAME_ACK, 5, 0, 1, 0, 2, 1 };

	EXPECT(!parses(open_long, 3, NULL));
	EXPECT(!parses(refuse_long, 4, NULL));
	EXPECT(!parses(id_too_big, 2, NULL));
	EXPECT(!parses(empty_data, 4, NULL));
	EXPECT(!parses(huge_offset, 4, NULL));
	EXPECT(!parses(huge_len, 4, NULL));
	EXPECT(!parses(huge_window, 3, NULL));
	EXPECT(!parses(too_many_ranges, 5, NULL));
	EXPECT(!parses(range_below_zero, 5, NULL));
	EXPECT(!parses(gap_below_zero, 7, NULL));
	EXPECT(!parses(unknown_type, 2, NULL));
	EXPECT(parses(fine_fin, 4, NULL));
	EXPECT(parses(fine_ack, 7, NULL));
}

TEST(truncated_frames_never_parse)
{
	static struct chan_frame f;
	struct buf b;
	int wrong = 0;

	buf_init(&b);
	chan_put_open(&b, 300, "x", 1);
	chan_put_refuse(&b, 301, 3, "why", 3);
	chan_put_data_header(&b, 302, 99999, 3, false);
	buf_put(&b, "abc", 3);
	chan_put_reset(&b, 303, 1, 2);
	for (size_t cut = 0; cut < b.len; cut++) {
		struct reader r;
		bool all = true;

		reader_init(&r, b.data, cut);
		while (reader_left(&r) && all)
			all = chan_frame_get(&r, &f);
		/* Frames end at 5, 13 and 23 (then 28): any other cut leaves
		 * a broken one. */
		if (all != (cut == 0 || cut == 5 || cut == 13 || cut == 23))
			wrong++;
	}
	EXPECT_INT(wrong, 0);
	buf_free(&b);
}

int main(void)
{
	RUN(ranges_agree_with_a_bitmap);
	RUN(ranges_refuse_to_exceed_their_bound);
	RUN(streambuf_keeps_bytes_by_offset_across_growth_and_wrap);
	RUN(streambuf_reuses_an_emptied_ring_through_its_spare);
	RUN(frames_round_trip);
	RUN(acks_round_trip_highest_ranges_first);
	RUN(frames_past_a_bound_are_malformed);
	RUN(truncated_frames_never_parse);
	return unit_exit_status();
}
