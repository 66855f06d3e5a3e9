#include "net/reassembly.h"

#include <stdlib.h>
#include <string.h>

#include "core/options.h"

/* Store capacity kept between messages; more is released after use. */
#define REASSEMBLY_KEEP_BYTES (256u << 10)

void reassembly_init(struct reassembly *r)
{
	memset(r, 0, sizeof *r);
	buf_init(&r->store);
}

void reassembly_free(struct reassembly *r)
{
	free(r->slots);
	buf_free(&r->store);
	reassembly_init(r);
}

static void start_message(struct reassembly *r, uint64_t id)
{
	if (r->slots_used)
		memset(r->slots, 0, r->slots_used * sizeof *r->slots);
	buf_reset(&r->store);
	r->active = true;
	r->seen_any = true;
	r->message_id = id;
	r->slots_used = 0;
	r->received = 0;
	r->final_known = false;
}

static void abandon_message(struct reassembly *r)
{
	r->active = false;
}

static bool ensure_slots(struct reassembly *r, uint32_t count)
{
	uint32_t cap = r->slot_cap ? r->slot_cap : 16;
	struct fragment_slot *slots;

	if (count <= r->slot_cap)
		return true;
	while (cap < count)
		cap *= 2;
	slots = realloc(r->slots, cap * sizeof *slots);
	if (!slots)
		return false;
	memset(slots + r->slot_cap, 0, (cap - r->slot_cap) * sizeof *slots);
	r->slots = slots;
	r->slot_cap = cap;
	return true;
}

/* A message has one final fragment, and it has the highest index. */
static bool consistent(const struct reassembly *r, uint32_t index, bool final)
{
	if (r->final_known)
		return !final && index < r->final_index;
	return !final || index + 1 >= r->slots_used;
}

static bool store_fragment(struct reassembly *r, uint32_t index, bool final,
			   const uint8_t *data, size_t len)
{
	if (!consistent(r, index, final) || !ensure_slots(r, index + 1))
		return false;
	if (len > SSPSH_MAX_MESSAGE - r->store.len)
		return false;
	r->slots[index] = (struct fragment_slot){ (uint32_t)r->store.len, (uint32_t)len, true };
	buf_put(&r->store, data, len);
	if (r->store.oom)
		return false;
	if (index + 1 > r->slots_used)
		r->slots_used = index + 1;
	if (final) {
		r->final_known = true;
		r->final_index = index;
	}
	r->received++;
	return true;
}

static void assemble(struct reassembly *r, struct buf *msg)
{
	buf_reset(msg);
	buf_reserve(msg, r->store.len);
	for (uint32_t i = 0; i <= r->final_index; i++)
		buf_put(msg, r->store.data + r->slots[i].offset, r->slots[i].len);
}

enum reassembly_result reassembly_add(struct reassembly *r, uint64_t seq, uint32_t index,
				      bool final, const uint8_t *data, size_t len,
				      struct buf *msg)
{
	uint64_t id;

	if (index == 0 && final) {
		if (len > SSPSH_MAX_MESSAGE)
			return REASSEMBLY_DROPPED;
		buf_reset(msg);
		buf_put(msg, data, len);
		return msg->oom ? REASSEMBLY_DROPPED : REASSEMBLY_COMPLETE;
	}
	if (index > seq || index >= SSPSH_MAX_FRAGMENTS || (!final && len == 0))
		return REASSEMBLY_DROPPED;
	id = seq - index;
	if (r->seen_any && id < r->message_id)
		return REASSEMBLY_DROPPED;
	if (!r->seen_any || id > r->message_id)
		start_message(r, id);
	else if (!r->active)
		return REASSEMBLY_DROPPED;	/* that message was completed or abandoned */
	if (index < r->slots_used && r->slots[index].present)
		return REASSEMBLY_DROPPED;	/* a duplicate; keep the rest */
	if (!store_fragment(r, index, final, data, len)) {
		abandon_message(r);
		return REASSEMBLY_DROPPED;
	}
	if (!r->final_known || r->received != r->final_index + 1)
		return REASSEMBLY_PENDING;
	assemble(r, msg);
	abandon_message(r);
	if (r->store.cap > REASSEMBLY_KEEP_BYTES)
		buf_free(&r->store);	/* do not sit on a big message's memory */
	return msg->oom ? REASSEMBLY_DROPPED : REASSEMBLY_COMPLETE;
}
