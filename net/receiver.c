#include "net/receiver.h"

#include <string.h>

#include <mbedtls/platform_util.h>

bool receiver_init(struct receiver *r, const uint8_t key[TRANSPORT_KEY_LEN], uint32_t index)
{
	memset(r, 0, sizeof *r);
	if (!aead_init(&r->aead, key))
		return false;
	replay_init(&r->replay);
	r->index = index;
	r->live = true;
	return true;
}

void receiver_free(struct receiver *r)
{
	if (r->live)
		aead_free(&r->aead);
	r->live = false;
}

bool direct_aead(struct aead *a, const struct transport_key *key, uint64_t client_id,
		 enum direction direction)
{
	uint8_t subkey[AEAD_KEY_LEN];
	bool ok = datagram_direct_key(key->bytes, client_id, direction, subkey) && aead_init(a, subkey);

	mbedtls_platform_zeroize(subkey, sizeof subkey);
	return ok;
}

bool direct_receiver_init(struct receiver *r, const struct transport_key *key, uint64_t client_id)
{
	if (!direct_aead(&r->aead, key, client_id, TO_SERVER))
		return false;
	r->client_id = client_id;
	r->live = true;
	return true;
}

void receiver_trade_keys(struct receiver *a, struct receiver *b)
{
	struct aead aead = a->aead;
	uint64_t client_id = a->client_id;
	bool live = a->live;

	a->aead = b->aead;
	a->client_id = b->client_id;
	a->live = b->live;
	b->aead = aead;
	b->client_id = client_id;
	b->live = live;
}
