#include "net/chan_wire.h"

size_t chan_varint_len(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

bool chan_packet_number_get(struct reader *r, uint64_t *pn)
{
	*pn = rd_varint(r);
	return !r->failed && *pn < CHAN_NUMBER_LIMIT;
}

static bool get_id(struct reader *r, uint32_t *id)
{
	uint64_t v = rd_varint(r);

	*id = (uint32_t)v;
	return !r->failed && v <= UINT32_MAX;
}

/* A length-prefixed byte string of at most max bytes. */
static bool get_bytes(struct reader *r, size_t max, struct chan_frame *f)
{
	uint64_t len = rd_varint(r);

	if (r->failed || len > max)
		return false;
	f->len = (size_t)len;
	f->bytes = rd_bytes(r, f->len);
	return !r->failed;
}

static bool get_ack(struct reader *r, struct chan_frame *f)
{
	uint64_t largest = rd_varint(r), count, len;

	f->ack_delay_ms = rd_varint(r);
	count = rd_varint(r) + 1;
	len = rd_varint(r);
	if (r->failed || largest >= CHAN_NUMBER_LIMIT || count > SSPSH_CHAN_ACK_RANGES ||
	    len > largest)
		return false;
	f->acked[0] = (struct range){ largest - len, largest + 1 };
	f->n_acked = 1;
	while (f->n_acked < count) {
		uint64_t below = f->acked[f->n_acked - 1].start, gap = rd_varint(r);

		len = rd_varint(r);
		if (r->failed || below < 2 || gap > below - 2 || len > below - 2 - gap)
			return false;
		largest = below - 2 - gap;
		f->acked[f->n_acked++] = (struct range){ largest - len, largest + 1 };
	}
	return true;
}

static bool get_data(struct reader *r, struct chan_frame *f)
{
	uint64_t len;

	f->offset = rd_varint(r);
	len = rd_varint(r);
	if (r->failed || len > SSPSH_DATAGRAM_LOOPBACK_MAX || f->offset >= CHAN_NUMBER_LIMIT ||
	    (len == 0 && !f->fin))
		return false;
	f->len = (size_t)len;
	f->bytes = rd_bytes(r, f->len);
	return !r->failed;
}

bool chan_frame_get(struct reader *r, struct chan_frame *f)
{
	uint8_t type = rd_u8(r);

	f->type = (enum chan_frame_type)type;
	f->fin = type == CHAN_FRAME_DATA_FIN;
	f->id = 0;
	f->offset = f->value = f->ack_delay_ms = 0;
	f->n_acked = 0;
	f->bytes = NULL;
	f->len = 0;
	if (r->failed)
		return false;
	if (type == CHAN_FRAME_ACK)
		return get_ack(r, f);
	if (type == CHAN_FRAME_PING)
		return true;
	if (type == CHAN_FRAME_SESSION_WINDOW) {
		f->value = rd_varint(r);
		return !r->failed && f->value < CHAN_NUMBER_LIMIT;
	}
	if (type < CHAN_FRAME_OPEN || type > CHAN_FRAME_WINDOW || !get_id(r, &f->id))
		return false;
	switch (f->type) {
	case CHAN_FRAME_OPEN:
		return get_bytes(r, SSPSH_CHAN_OPEN_INFO_MAX, f);
	case CHAN_FRAME_REFUSE:
		f->value = rd_varint(r);
		return !r->failed && get_bytes(r, SSPSH_CHAN_REASON_MAX, f);
	case CHAN_FRAME_DATA:
	case CHAN_FRAME_DATA_FIN:
		return get_data(r, f);
	case CHAN_FRAME_RESET:
		f->value = rd_varint(r);
		f->offset = rd_varint(r);
		return !r->failed && f->offset < CHAN_NUMBER_LIMIT;
	case CHAN_FRAME_WINDOW:
		f->value = rd_varint(r);
		return !r->failed && f->value < CHAN_NUMBER_LIMIT;
	default:
		return true;	/* ACCEPT */
	}
}

/* Bytes of one (gap, len) pair, or of the first range's fields. */
static size_t pair_len(uint64_t a, uint64_t b)
{
	return chan_varint_len(a) + chan_varint_len(b);
}

bool chan_put_ack(struct buf *b, const struct ranges *pns, uint64_t delay_ms, size_t max_len)
{
	size_t n = 0, used, i;
	const struct range *top;

	if (ranges_empty(pns))
		return false;
	top = &pns->v[pns->n - 1];
	/* Type, largest, delay, the count (room for its longest) and the
	 * first range; then a pair for each further range that fits. */
	used = 1 + pair_len(top->end - 1, delay_ms) + chan_varint_len(SSPSH_CHAN_ACK_RANGES - 1) +
	       chan_varint_len(top->end - 1 - top->start);
	if (used > max_len)
		return false;
	for (n = 1; n < pns->n && n < SSPSH_CHAN_ACK_RANGES; n++) {
		const struct range *above = &pns->v[pns->n - n], *it = above - 1;
		size_t more = pair_len(above->start - it->end - 1, it->end - 1 - it->start);

		if (used + more > max_len)
			break;
		used += more;
	}
	buf_put_u8(b, CHAN_FRAME_ACK);
	buf_put_varint(b, top->end - 1);
	buf_put_varint(b, delay_ms);
	buf_put_varint(b, n - 1);
	buf_put_varint(b, top->end - 1 - top->start);
	for (i = 1; i < n; i++) {
		const struct range *above = &pns->v[pns->n - i], *it = above - 1;

		buf_put_varint(b, above->start - it->end - 1);
		buf_put_varint(b, it->end - 1 - it->start);
	}
	return true;
}

void chan_put_open(struct buf *b, uint32_t id, const void *info, size_t len)
{
	buf_put_u8(b, CHAN_FRAME_OPEN);
	buf_put_varint(b, id);
	buf_put_varint(b, len);
	buf_put(b, info, len);
}

void chan_put_accept(struct buf *b, uint32_t id)
{
	buf_put_u8(b, CHAN_FRAME_ACCEPT);
	buf_put_varint(b, id);
}

void chan_put_refuse(struct buf *b, uint32_t id, uint64_t code, const void *reason, size_t len)
{
	buf_put_u8(b, CHAN_FRAME_REFUSE);
	buf_put_varint(b, id);
	buf_put_varint(b, code);
	buf_put_varint(b, len);
	buf_put(b, reason, len);
}

void chan_put_data_header(struct buf *b, uint32_t id, uint64_t offset, size_t len, bool fin)
{
	buf_put_u8(b, fin ? CHAN_FRAME_DATA_FIN : CHAN_FRAME_DATA);
	buf_put_varint(b, id);
	buf_put_varint(b, offset);
	buf_put_varint(b, len);
}

size_t chan_data_header_len(uint32_t id, uint64_t offset, size_t len)
{
	return 1 + chan_varint_len(id) + chan_varint_len(offset) + chan_varint_len(len);
}

void chan_put_reset(struct buf *b, uint32_t id, uint64_t code, uint64_t final)
{
	buf_put_u8(b, CHAN_FRAME_RESET);
	buf_put_varint(b, id);
	buf_put_varint(b, code);
	buf_put_varint(b, final);
}

void chan_put_window(struct buf *b, uint32_t id, uint64_t limit)
{
	buf_put_u8(b, CHAN_FRAME_WINDOW);
	buf_put_varint(b, id);
	buf_put_varint(b, limit);
}

void chan_put_session_window(struct buf *b, uint64_t limit)
{
	buf_put_u8(b, CHAN_FRAME_SESSION_WINDOW);
	buf_put_varint(b, limit);
}

void chan_put_ping(struct buf *b)
{
	buf_put_u8(b, CHAN_FRAME_PING);
}
