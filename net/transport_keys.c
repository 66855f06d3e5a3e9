/* Which key seals and which opens (net/transport_internal.h): a direct
 * client's keys of its own random id, a direct server's keys of the
 * client it follows and of one other, and a daemon session's keys from a
 * handshake, with the previous ones kept until the peer uses the new. */
#include "net/transport.h"

#include "core/log.h"
#include "core/random.h"
#include "net/aead.h"
#include "net/datagram.h"
#include "net/receiver.h"
#include "net/replay.h"
#include "net/transport_internal.h"

/* A client draws its id and seals and opens under that id's keys alone. */
bool transport_direct_client_keys(struct transport *t)
{
	uint64_t id;

	if (!random_bytes(&id, sizeof id) || !direct_aead(&t->send_aead, &t->session_key, id, TO_SERVER) ||
	    !direct_aead(&t->rx.aead, &t->session_key, id, TO_CLIENT))
		return false;
	t->rx.client_id = id;
	t->rx.live = true;
	return true;
}

/* A direct server's receiving key for a datagram of client_id: the
 * followed client's, or one derived for another (the same key as last
 * time, or a new one). NULL (logged) if mbedTLS fails. */
static struct receiver *client_receiver(struct transport *t, uint64_t client_id)
{
	struct receiver *other = &t->other_client;

	if (t->rx.live && t->rx.client_id == client_id)
		return &t->rx;
	if (other->live && other->client_id == client_id)
		return other;
	receiver_free(other);
	return direct_receiver_init(other, &t->session_key, client_id) ? other : NULL;
}

/* A direct server follows the client of the newest datagram: its keys
 * become the server's (the key they replace stays at hand for the other). */
void transport_follow_client(struct transport *t)
{
	struct aead send_aead;

	if (!direct_aead(&send_aead, &t->session_key, t->other_client.client_id, TO_CLIENT)) {
		log_error("cannot set the keys of a new client");
		return;
	}
	aead_free(&t->send_aead);
	t->send_aead = send_aead;
	receiver_trade_keys(&t->rx, &t->other_client);
}

/* The receiver for this datagram, or NULL (counted) if it has none. */
struct receiver *transport_pick_receiver(struct transport *t, const uint8_t *data, size_t len, uint64_t *seq)
{
	struct datagram header;
	enum msg_type type;
	uint32_t index;

	if (!t->indexed) {
		if (datagram_peek(data, len, &header) && header.direction != t->sending) {
			*seq = header.seq;
			return t->is_server ? client_receiver(t, header.client_id) : &t->rx;
		}
	} else if (datagram_peek_indexed(data, len, &type, &index, seq)) {
		if (index == t->rx.index)
			return &t->rx;
		if (t->rx_old.live && index == t->rx_old.index)
			return &t->rx_old;
	}
	t->counters.dropped_malformed++;
	return NULL;
}

/* The window a receiver's sequence numbers go by. */
struct replay *transport_window_of(struct transport *t, struct receiver *rx)
{
	return t->indexed ? &rx->replay : &t->rx.replay;
}

/* The first datagram under a new key proves the peer has switched too. */
void transport_retire_old_key(struct transport *t, struct receiver *rx)
{
	if (rx == &t->rx && t->rx_old.live)
		receiver_free(&t->rx_old);
}

bool transport_rekey(struct transport *t, const struct transport_keys *keys)
{
	struct aead send_aead;
	struct receiver rx;

	if (!t->indexed) {
		log_error("only a daemon-mode transport changes keys");
		return false;
	}
	if (!aead_init(&send_aead, keys->send))
		return false;
	if (!receiver_init(&rx, keys->recv, keys->local_index)) {
		aead_free(&send_aead);
		return false;
	}
	aead_free(&t->send_aead);
	t->send_aead = send_aead;
	receiver_free(&t->rx_old);
	t->rx_old = t->rx;
	t->rx = rx;
	t->remote_index = keys->remote_index;
	t->next_seq = 0;
	return true;
}
