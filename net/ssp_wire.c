#include "net/ssp_wire.h"

#include <stdlib.h>
#include <string.h>

#include "core/options.h"
#include "net/datagram.h"

void ssp_header_put(struct buf *out, const struct ssp_header *h)
{
	buf_put_varint(out, h->ack_num);
	buf_put_varint(out, h->throwaway_num);
	buf_put_varint(out, h->instruction_id);
	buf_put_varint(out, h->fragment_index << 1 | (h->last_fragment ? 1 : 0));
}

bool ssp_header_get(struct reader *r, struct ssp_header *h)
{
	uint64_t fragment;

	h->ack_num = rd_varint(r);
	h->throwaway_num = rd_varint(r);
	h->instruction_id = rd_varint(r);
	fragment = rd_varint(r);
	h->fragment_index = fragment >> 1;
	h->last_fragment = fragment & 1;
	return !r->failed && h->instruction_id != 0 &&
	       h->fragment_index < SSPSH_SSP_MAX_FRAGMENTS;
}

void ssp_instruction_put(struct buf *out, uint64_t old_num, uint64_t new_num,
			 const uint8_t *diff, size_t diff_len)
{
	buf_put_varint(out, old_num);
	buf_put_varint(out, new_num);
	buf_put(out, diff, diff_len);
}

bool ssp_instruction_parse(const uint8_t *data, size_t len, struct ssp_instruction *out)
{
	struct reader r;

	reader_init(&r, data, len);
	out->old_num = rd_varint(&r);
	out->new_num = rd_varint(&r);
	out->diff_len = reader_left(&r);
	out->diff = rd_bytes(&r, out->diff_len);
	return reader_done(&r) && out->new_num >= out->old_num;
}

void ssp_assembler_init(struct ssp_assembler *a)
{
	memset(a, 0, sizeof *a);
	a->limit = SSPSH_SSP_MAX_INSTRUCTION;
	buf_init(&a->store);
	buf_init(&a->whole);
}

void ssp_assembler_free(struct ssp_assembler *a)
{
	free(a->pieces);
	buf_free(&a->store);
	buf_free(&a->whole);
	ssp_assembler_init(a);
}

static void forget_pieces(struct ssp_assembler *a)
{
	if (a->used)
		memset(a->pieces, 0, a->used * sizeof *a->pieces);
	a->used = a->count = a->received = 0;
}

static void start_instruction(struct ssp_assembler *a, uint64_t id)
{
	a->id = id;
	forget_pieces(a);
	buf_reset(&a->store);
}

static bool make_slot(struct ssp_assembler *a, size_t index)
{
	size_t slots = a->slots ? a->slots : 8;
	struct ssp_piece *pieces;

	if (index < a->slots)
		return true;
	while (slots <= index)
		slots *= 2;
	pieces = realloc(a->pieces, slots * sizeof *pieces);
	if (!pieces)
		return false;
	memset(pieces + a->slots, 0, (slots - a->slots) * sizeof *pieces);
	a->pieces = pieces;
	a->slots = slots;
	return true;
}

/* The pieces in index order: the store itself when they arrived in order
 * (the usual case), else a copy. */
static bool join_pieces(struct ssp_assembler *a, const uint8_t **data, size_t *data_len)
{
	size_t offset = 0, i;

	for (i = 0; i < a->count && a->pieces[i].offset == offset; i++)
		offset += a->pieces[i].len;
	if (i == a->count) {
		*data = a->store.data;
		*data_len = a->store.len;
	} else {
		buf_reset(&a->whole);
		for (i = 0; i < a->count; i++)
			buf_put(&a->whole, a->store.data + a->pieces[i].offset, a->pieces[i].len);
		if (a->whole.oom)
			return false;
		*data = a->whole.data;
		*data_len = a->whole.len;
	}
	a->id++;	/* done with it: later copies are old news */
	forget_pieces(a);	/* the store stays intact until the next piece */
	return true;
}

static void shrink_buf(struct buf *b)
{
	if (b->cap > SSPSH_SSP_KEEP_BYTES) {
		buf_free(b);
		buf_init(b);
	} else {
		buf_reset(b);
	}
}

/* Between instructions: what a large one grew is given back. */
static void release_buffers(struct ssp_assembler *a)
{
	shrink_buf(&a->store);
	shrink_buf(&a->whole);
	if (a->slots > SSPSH_SSP_KEEP_SLOTS) {
		free(a->pieces);
		a->pieces = NULL;
		a->slots = 0;
	}
}

static bool store_piece(struct ssp_assembler *a, size_t index, const uint8_t *frag, size_t len)
{
	if (a->received == 0)
		release_buffers(a);	/* they may still hold the last instruction joined */
	if (len > a->limit - a->store.len || !make_slot(a, index) || a->pieces[index].have)
		return false;
	a->pieces[index] = (struct ssp_piece){ a->store.len, len, true };
	if (index >= a->used)
		a->used = index + 1;
	buf_put(&a->store, frag, len);
	if (a->store.oom) {
		start_instruction(a, a->id);	/* the store is truncated: begin again */
		return false;
	}
	a->received++;
	return true;
}

size_t ssp_assembler_bytes(const struct ssp_assembler *a)
{
	return a->received ? a->store.len : 0;
}

size_t ssp_assembler_allocated(const struct ssp_assembler *a)
{
	return a->store.cap + a->whole.cap + a->slots * sizeof *a->pieces;
}

bool ssp_assembler_add(struct ssp_assembler *a, const struct ssp_header *h,
		       const uint8_t *frag, size_t len, const uint8_t **data, size_t *data_len)
{
	size_t index = (size_t)h->fragment_index;

	if (h->instruction_id < a->id || len > DATAGRAM_PAYLOAD_READ_MAX)
		return false;
	if (h->instruction_id > a->id)
		start_instruction(a, h->instruction_id);
	if (index == 0 && h->last_fragment) {
		/* The common case: one datagram, no copy. */
		start_instruction(a, a->id + 1);
		release_buffers(a);
		*data = frag;
		*data_len = len;
		return true;
	}
	if (a->count && index >= a->count)
		return false;
	if (h->last_fragment) {
		for (size_t i = index + 1; i < a->used; i++)
			if (a->pieces[i].have)
				return false;	/* a fragment past the last one: corrupt */
	}
	if (!store_piece(a, index, frag, len))
		return false;
	if (h->last_fragment)
		a->count = index + 1;
	if (a->count == 0 || a->received < a->count)
		return false;
	return join_pieces(a, data, data_len);
}
