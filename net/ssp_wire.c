#include "net/ssp_wire.h"

#include <stdlib.h>
#include <string.h>

#include "core/options.h"

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
	buf_init(&a->whole);
}

void ssp_assembler_free(struct ssp_assembler *a)
{
	for (size_t i = 0; i < a->slots; i++)
		buf_free(&a->pieces[i]);
	free(a->pieces);
	free(a->have);
	buf_free(&a->whole);
	ssp_assembler_init(a);
}

static void start_instruction(struct ssp_assembler *a, uint64_t id)
{
	a->id = id;
	a->count = 0;
	a->received = 0;
	if (a->have)
		memset(a->have, 0, a->slots * sizeof *a->have);
}

static bool make_slot(struct ssp_assembler *a, size_t index)
{
	size_t slots = a->slots ? a->slots : 8;
	struct buf *pieces;
	bool *have;

	if (index < a->slots)
		return true;
	while (slots <= index)
		slots *= 2;
	pieces = realloc(a->pieces, slots * sizeof *pieces);
	if (!pieces)
		return false;
	a->pieces = pieces;
	have = realloc(a->have, slots * sizeof *have);
	if (!have)
		return false;
	a->have = have;
	for (size_t i = a->slots; i < slots; i++) {
		buf_init(&a->pieces[i]);
		a->have[i] = false;
	}
	a->slots = slots;
	return true;
}

static bool join_pieces(struct ssp_assembler *a, const uint8_t **data, size_t *data_len)
{
	buf_reset(&a->whole);
	for (size_t i = 0; i < a->count; i++)
		buf_put(&a->whole, a->pieces[i].data, a->pieces[i].len);
	a->id++;	/* done with it: later copies are old news */
	start_instruction(a, a->id);
	if (a->whole.oom)
		return false;
	*data = a->whole.data;
	*data_len = a->whole.len;
	return true;
}

bool ssp_assembler_add(struct ssp_assembler *a, const struct ssp_header *h,
		       const uint8_t *frag, size_t len, const uint8_t **data, size_t *data_len)
{
	size_t index = (size_t)h->fragment_index;

	if (h->instruction_id < a->id)
		return false;
	if (h->instruction_id > a->id)
		start_instruction(a, h->instruction_id);
	if (index == 0 && h->last_fragment) {
		/* The common case: one datagram, no copy. */
		start_instruction(a, a->id + 1);
		*data = frag;
		*data_len = len;
		return true;
	}
	if ((a->count && index >= a->count) || !make_slot(a, index) || a->have[index])
		return false;
	if (h->last_fragment) {
		for (size_t i = index + 1; i < a->slots; i++)
			if (a->have[i])
				return false;	/* a fragment past the last one: corrupt */
		a->count = index + 1;
	}
	buf_reset(&a->pieces[index]);
	buf_put(&a->pieces[index], frag, len);
	if (a->pieces[index].oom)
		return false;
	a->have[index] = true;
	a->received++;
	if (a->count == 0 || a->received < a->count)
		return false;
	return join_pieces(a, data, data_len);
}
