#include "net/noise.h"

#include <string.h>
#include <time.h>

#include <mbedtls/constant_time.h>
#include <mbedtls/md.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>

#include "core/buf.h"
#include "core/random.h"
#include "net/udp.h"

/* Binds both sides to this protocol and version. */
static const char prologue[] = "sspsh handshake 1";
#define HEADER_LEN 4

/* ---- Shared helpers ---- */

/* SHA-256(label || public key): the keys of mac1 and of cookie replies. */
static bool derive_key(const char label[8], const uint8_t pub[X25519_KEY_LEN], uint8_t out[NOISE_HASH_LEN])
{
	uint8_t in[8 + X25519_KEY_LEN];

	memcpy(in, label, 8);
	memcpy(in + 8, pub, X25519_KEY_LEN);
	return mbedtls_sha256_ret(in, sizeof in, out, 0) == 0;
}

static bool hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t len, uint8_t out[32])
{
	return mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), key, key_len, msg, len, out) == 0;
}

/* HMAC-SHA256 truncated to NOISE_MAC_LEN bytes. */
static bool mac(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t len, uint8_t out[NOISE_MAC_LEN])
{
	uint8_t full[32];
	bool ok = hmac_sha256(key, key_len, msg, len, full);

	memcpy(out, full, NOISE_MAC_LEN);
	mbedtls_platform_zeroize(full, sizeof full);
	return ok;
}

static bool mac_ok(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t len, const uint8_t *want)
{
	uint8_t got[NOISE_MAC_LEN];

	return mac(key, key_len, msg, len, got) && mbedtls_ct_memcmp(got, want, NOISE_MAC_LEN) == 0;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void put_header(uint8_t *p, enum msg_type type)
{
	p[0] = (uint8_t)type;
	p[1] = p[2] = p[3] = 0;
}

static bool header_is(const uint8_t *msg, size_t len, enum msg_type type)
{
	return len >= HEADER_LEN && msg[0] == type && msg[1] == 0 && msg[2] == 0 && msg[3] == 0;
}

/* The one-time key that seals a cookie: HMAC(cookie key, nonce). */
static bool cookie_seal_key(const uint8_t cookie_key[NOISE_HASH_LEN], const uint8_t *nonce, uint8_t out[32])
{
	return hmac_sha256(cookie_key, NOISE_HASH_LEN, nonce, NOISE_COOKIE_NONCE_LEN, out);
}

void noise_session_wipe(struct noise_session *s)
{
	mbedtls_platform_zeroize(s, sizeof *s);
}

/* Fills session from a finished handshake (and wipes the handshake). */
static bool finish(struct noise_ik *ik, uint32_t local_index, uint32_t remote_index,
		   struct noise_session *session)
{
	memcpy(session->handshake_hash, noise_ik_handshake_hash(ik), NOISE_HASH_LEN);
	memcpy(session->peer_static, noise_ik_remote_static(ik), X25519_KEY_LEN);
	session->local_index = local_index;
	session->remote_index = remote_index;
	if (noise_ik_split(ik, session->send_key, session->recv_key))
		return true;
	noise_session_wipe(session);
	return false;
}

/* ---- Client ---- */

/* TAI64N of the wall clock, made to grow strictly within this process. */
static void next_timestamp(uint8_t last[NOISE_TIMESTAMP_LEN], uint8_t out[NOISE_TIMESTAMP_LEN])
{
	struct timespec ts;
	uint64_t label;

	clock_gettime(CLOCK_REALTIME, &ts);
	label = 0x400000000000000aULL + (uint64_t)ts.tv_sec;
	for (int i = 0; i < 8; i++)
		out[i] = (uint8_t)(label >> (56 - 8 * i));
	put_be32(out + 8, (uint32_t)ts.tv_nsec);
	if (memcmp(out, last, NOISE_TIMESTAMP_LEN) <= 0) {
		memcpy(out, last, NOISE_TIMESTAMP_LEN);
		for (int i = NOISE_TIMESTAMP_LEN - 1; i >= 0 && ++out[i] == 0; i--)
			;
	}
	memcpy(last, out, NOISE_TIMESTAMP_LEN);
}

static bool random_index(uint32_t *index)
{
	uint8_t b[4];

	do {
		if (!random_bytes(b, sizeof b))
			return false;
		*index = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	} while (*index == 0);
	return true;
}

bool noise_client_init(struct noise_client *c, const uint8_t static_priv[X25519_KEY_LEN],
		       const uint8_t server_pub[X25519_KEY_LEN])
{
	memset(c, 0, sizeof *c);
	memcpy(c->static_priv, static_priv, X25519_KEY_LEN);
	memcpy(c->server_pub, server_pub, X25519_KEY_LEN);
	if (!x25519_public(c->static_pub, static_priv) ||
	    !derive_key("mac1----", server_pub, c->mac1_key) ||
	    !derive_key("mac1----", c->static_pub, c->response_mac1_key) ||
	    !derive_key("cookie--", server_pub, c->cookie_key)) {
		noise_client_wipe(c);
		return false;
	}
	return true;
}

static bool cookie_fresh(const struct noise_client *c, uint64_t now_ms)
{
	return c->has_cookie && now_ms - c->cookie_ms < SSPSH_COOKIE_SECRET_MS - SSPSH_COOKIE_MARGIN_MS;
}

bool noise_client_initiate(struct noise_client *c, const uint8_t *payload, size_t len,
			   uint64_t now_ms, struct buf *out)
{
	uint8_t plain[NOISE_TIMESTAMP_LEN + 4 + SSPSH_HANDSHAKE_PAYLOAD_MAX];
	uint8_t msg[NOISE_MAX_MESSAGE];
	size_t msg_len = NOISE_INITIATION_LEN(len);
	uint8_t *mac1 = msg + msg_len - 2 * NOISE_MAC_LEN, *mac2 = mac1 + NOISE_MAC_LEN;
	bool ok;

	c->pending = false;
	if (len > SSPSH_HANDSHAKE_PAYLOAD_MAX || !random_index(&c->local_index))
		return false;
	next_timestamp(c->last_timestamp, plain);
	put_be32(plain + NOISE_TIMESTAMP_LEN, c->local_index);
	if (len)
		memcpy(plain + NOISE_TIMESTAMP_LEN + 4, payload, len);
	put_header(msg, MSG_INITIATION);
	ok = noise_ik_init(&c->ik, true, prologue, sizeof prologue - 1, c->static_priv, c->static_pub,
			   c->server_pub) &&
	     noise_ik_write_msg1(&c->ik, plain, NOISE_TIMESTAMP_LEN + 4 + len, msg + HEADER_LEN);
	mbedtls_platform_zeroize(plain, sizeof plain);
	if (!ok) {
		noise_ik_wipe(&c->ik);
		return false;
	}
	memset(mac2, 0, NOISE_MAC_LEN);
	if (!mac(c->mac1_key, sizeof c->mac1_key, msg, (size_t)(mac1 - msg), mac1) ||
	    (cookie_fresh(c, now_ms) && !mac(c->cookie, sizeof c->cookie, msg, (size_t)(mac2 - msg), mac2))) {
		noise_ik_wipe(&c->ik);
		return false;
	}
	memcpy(c->sent_mac1, mac1, NOISE_MAC_LEN);
	buf_reset(out);
	buf_put(out, msg, msg_len);
	c->pending = !out->oom;
	return c->pending;
}

static enum noise_status client_take_cookie(struct noise_client *c, const uint8_t *msg, size_t len,
					    uint64_t now_ms)
{
	const uint8_t *nonce = msg + HEADER_LEN, *sealed = nonce + NOISE_COOKIE_NONCE_LEN;
	uint8_t key[32];
	bool ok;

	if (!c->pending || len != NOISE_COOKIE_REPLY_LEN)
		return NOISE_DROP;
	/* Sealed to the mac1 we sent, so only an answer to our initiation opens. */
	ok = cookie_seal_key(c->cookie_key, nonce, key) &&
	     noise_decrypt(key, 0, c->sent_mac1, NOISE_MAC_LEN, sealed, NOISE_MAC_LEN + NOISE_TAG_LEN, c->cookie);
	mbedtls_platform_zeroize(key, sizeof key);
	if (!ok)
		return NOISE_DROP;
	c->has_cookie = true;
	c->cookie_ms = now_ms;
	return NOISE_GOT_COOKIE;
}

static enum noise_status client_take_response(struct noise_client *c, const uint8_t *msg, size_t len,
					      struct noise_session *session, uint8_t *payload,
					      size_t *payload_len)
{
	uint8_t plain[4 + SSPSH_HANDSHAKE_PAYLOAD_MAX];
	size_t noise_len, plain_len;
	struct reader r;
	struct noise_ik ik;
	uint32_t receiver, remote_index;

	if (!c->pending || len < NOISE_RESPONSE_LEN(0) || len > NOISE_RESPONSE_LEN(SSPSH_HANDSHAKE_PAYLOAD_MAX))
		return NOISE_DROP;
	noise_len = len - 8 - NOISE_MAC_LEN;
	plain_len = noise_len - NOISE_IK_MSG2_LEN(0);
	reader_init(&r, msg + HEADER_LEN, 4);
	receiver = rd_be32(&r);
	if (receiver != c->local_index ||
	    !mac_ok(c->response_mac1_key, sizeof c->response_mac1_key, msg, len - NOISE_MAC_LEN,
		    msg + len - NOISE_MAC_LEN))
		return NOISE_DROP;
	/* On a copy: a forged response must not spoil the real one to come. */
	ik = c->ik;
	if (!noise_ik_read_msg2(&ik, msg + 8, noise_len, plain)) {
		noise_ik_wipe(&ik);
		return NOISE_DROP;
	}
	reader_init(&r, plain, plain_len);
	remote_index = rd_be32(&r);
	*payload_len = reader_left(&r);
	memcpy(payload, rd_bytes(&r, *payload_len), *payload_len);
	mbedtls_platform_zeroize(plain, sizeof plain);
	noise_ik_wipe(&c->ik);
	c->pending = false;
	return finish(&ik, c->local_index, remote_index, session) ? NOISE_ESTABLISHED : NOISE_DROP;
}

enum noise_status noise_client_receive(struct noise_client *c, const uint8_t *msg, size_t len,
				       uint64_t now_ms, struct noise_session *session,
				       uint8_t *payload, size_t *payload_len)
{
	if (header_is(msg, len, MSG_COOKIE_REPLY))
		return client_take_cookie(c, msg, len, now_ms);
	if (header_is(msg, len, MSG_RESPONSE))
		return client_take_response(c, msg, len, session, payload, payload_len);
	return NOISE_DROP;
}

void noise_client_wipe(struct noise_client *c)
{
	mbedtls_platform_zeroize(c, sizeof *c);
}

/* ---- Server ---- */

bool noise_server_init(struct noise_server *s, const uint8_t static_priv[X25519_KEY_LEN],
		       const struct noise_server_ops *ops, uint64_t now_ms)
{
	memset(s, 0, sizeof *s);
	memcpy(s->static_priv, static_priv, X25519_KEY_LEN);
	s->ops = *ops;
	if (!x25519_public(s->static_pub, static_priv) ||
	    !random_bytes(s->secret, sizeof s->secret) || !random_bytes(s->old_secret, sizeof s->old_secret) ||
	    !derive_key("mac1----", s->static_pub, s->mac1_key) ||
	    !derive_key("cookie--", s->static_pub, s->cookie_key)) {
		noise_server_wipe(s);
		return false;
	}
	s->secret_ms = now_ms;
	return true;
}

static void rotate_secret(struct noise_server *s, uint64_t now_ms)
{
	uint8_t fresh[NOISE_HASH_LEN];

	if (now_ms - s->secret_ms < SSPSH_COOKIE_SECRET_MS)
		return;
	/* Without a fresh secret keep the current one (and try again next
	 * time): a known one, such as zeros, would let anyone forge cookies. */
	if (!random_bytes(fresh, sizeof fresh))
		return;
	memcpy(s->old_secret, s->secret, sizeof s->secret);
	memcpy(s->secret, fresh, sizeof fresh);
	mbedtls_platform_zeroize(fresh, sizeof fresh);
	s->secret_ms = now_ms;
}

static bool cookie_for(const uint8_t secret[NOISE_HASH_LEN], const void *addr, size_t addr_len,
		       uint8_t out[NOISE_MAC_LEN])
{
	return mac(secret, NOISE_HASH_LEN, addr, addr_len, out);
}

static void cookie_reply(struct noise_server *s, const uint8_t *mac1, const uint8_t cookie[NOISE_MAC_LEN],
			 struct buf *reply)
{
	uint8_t msg[NOISE_COOKIE_REPLY_LEN], key[32];
	uint8_t *nonce = msg + HEADER_LEN;

	put_header(msg, MSG_COOKIE_REPLY);
	if (!random_bytes(nonce, NOISE_COOKIE_NONCE_LEN))
		return;
	if (cookie_seal_key(s->cookie_key, nonce, key) &&
	    noise_encrypt(key, 0, mac1, NOISE_MAC_LEN, cookie, NOISE_MAC_LEN, nonce + NOISE_COOKIE_NONCE_LEN))
		buf_put(reply, msg, sizeof msg);
	mbedtls_platform_zeroize(key, sizeof key);
}

/* Whether to spend X25519 on this initiation now; may leave a cookie reply
 * in reply instead. mac1 is already known good. */
static bool may_process(struct noise_server *s, const uint8_t *msg, size_t len, const void *addr,
			size_t addr_len, uint64_t now_ms, struct buf *reply)
{
	const uint8_t *mac1 = msg + len - 2 * NOISE_MAC_LEN, *mac2 = mac1 + NOISE_MAC_LEN;
	uint8_t cookie[NOISE_MAC_LEN], old_cookie[NOISE_MAC_LEN];
	bool allowed = false;
	size_t slot;

	rotate_secret(s, now_ms);
	if (gcra_allow(&s->global_rate, now_ms, SSPSH_HANDSHAKES_PER_SEC, SSPSH_HANDSHAKES_PER_SEC))
		return true;
	if (!cookie_for(s->secret, addr, addr_len, cookie) ||
	    !cookie_for(s->old_secret, addr, addr_len, old_cookie))
		goto out;
	if (!mac_ok(cookie, sizeof cookie, msg, len - NOISE_MAC_LEN, mac2) &&
	    !mac_ok(old_cookie, sizeof old_cookie, msg, len - NOISE_MAC_LEN, mac2)) {
		cookie_reply(s, mac1, cookie, reply);
		goto out;
	}
	slot = ((size_t)cookie[0] << 8 | cookie[1]) % SSPSH_HANDSHAKE_SOURCE_SLOTS;
	allowed = gcra_allow(&s->source_rate[slot], now_ms, SSPSH_HANDSHAKES_PER_SOURCE_PER_SEC,
			     SSPSH_HANDSHAKE_SOURCE_BURST);
out:
	mbedtls_platform_zeroize(cookie, sizeof cookie);
	mbedtls_platform_zeroize(old_cookie, sizeof old_cookie);
	return allowed;
}

/* The X25519 part: decrypt, identify the client, check the timestamp. */
static bool read_initiation(struct noise_server *s, const uint8_t *msg, size_t len, struct noise_responder *hs,
			    uint8_t *payload, size_t *payload_len)
{
	uint8_t plain[NOISE_TIMESTAMP_LEN + 4 + SSPSH_HANDSHAKE_PAYLOAD_MAX];
	size_t noise_len = len - HEADER_LEN - 2 * NOISE_MAC_LEN;
	struct reader r;
	bool ok = false;

	memset(hs, 0, sizeof *hs);
	if (!noise_ik_init(&hs->ik, false, prologue, sizeof prologue - 1, s->static_priv, s->static_pub, NULL) ||
	    !noise_ik_read_msg1_static(&hs->ik, msg + HEADER_LEN, noise_len))
		goto out;
	hs->peer = s->ops.find_peer(s->ops.ctx, noise_ik_remote_static(&hs->ik));
	if (!hs->peer || !noise_ik_read_msg1_payload(&hs->ik, msg + HEADER_LEN, noise_len, plain))
		goto out;
	reader_init(&r, plain, noise_len - NOISE_IK_MSG1_LEN(0));
	memcpy(hs->timestamp, rd_bytes(&r, NOISE_TIMESTAMP_LEN), NOISE_TIMESTAMP_LEN);
	hs->remote_index = rd_be32(&r);
	if (r.failed || memcmp(hs->timestamp, hs->peer->last_timestamp, NOISE_TIMESTAMP_LEN) <= 0)
		goto out;	/* a replay, or older than one already accepted */
	*payload_len = reader_left(&r);
	memcpy(payload, rd_bytes(&r, *payload_len), *payload_len);
	ok = true;
out:
	mbedtls_platform_zeroize(plain, sizeof plain);
	if (!ok)
		noise_responder_wipe(hs);
	return ok;
}

enum noise_status noise_server_receive(struct noise_server *s, const uint8_t *msg, size_t len,
				       const void *addr, size_t addr_len, uint64_t now_ms,
				       struct noise_responder *hs, uint8_t *payload, size_t *payload_len,
				       struct buf *reply)
{
	buf_reset(reply);
	if (!header_is(msg, len, MSG_INITIATION) || len < NOISE_INITIATION_LEN(0) ||
	    len > NOISE_INITIATION_LEN(SSPSH_HANDSHAKE_PAYLOAD_MAX))
		return NOISE_DROP;
	/* Anyone who does not know our public key stops here, for one HMAC. */
	if (!mac_ok(s->mac1_key, sizeof s->mac1_key, msg, len - 2 * NOISE_MAC_LEN, msg + len - 2 * NOISE_MAC_LEN))
		return NOISE_DROP;
	if (!may_process(s, msg, len, addr, addr_len, now_ms, reply))
		return reply->len ? NOISE_SEND_REPLY : NOISE_DROP;
	if (!read_initiation(s, msg, len, hs, payload, payload_len))
		return NOISE_DROP;
	return NOISE_GOT_INITIATION;
}

enum noise_status noise_server_receive_from(struct noise_server *s, const uint8_t *msg, size_t len,
					    const struct udp_addr *from, uint64_t now_ms,
					    struct noise_responder *hs, uint8_t *payload, size_t *payload_len,
					    struct buf *reply)
{
	uint8_t host[UDP_HOST_KEY_MAX];
	size_t host_len = udp_addr_host(from, host);

	if (!host_len) {
		buf_reset(reply);
		return NOISE_DROP;
	}
	return noise_server_receive(s, msg, len, host, host_len, now_ms, hs, payload, payload_len, reply);
}

static bool fresh_index(struct noise_server *s, uint32_t *index)
{
	for (int tries = 0; tries < 16; tries++) {
		if (!random_index(index))
			return false;
		if (!s->ops.index_in_use || !s->ops.index_in_use(s->ops.ctx, *index))
			return true;
	}
	return false;
}

bool noise_server_accept(struct noise_server *s, struct noise_responder *hs, const uint8_t *payload,
			 size_t len, struct noise_session *session, struct buf *reply)
{
	uint8_t plain[4 + SSPSH_HANDSHAKE_PAYLOAD_MAX], msg[NOISE_RESPONSE_LEN(SSPSH_HANDSHAKE_PAYLOAD_MAX)];
	uint8_t mac1_key[NOISE_HASH_LEN];
	size_t msg_len = NOISE_RESPONSE_LEN(len);
	uint32_t local_index;
	bool ok;

	buf_reset(reply);
	if (len > SSPSH_HANDSHAKE_PAYLOAD_MAX || !fresh_index(s, &local_index)) {
		noise_responder_wipe(hs);
		return false;
	}
	put_be32(plain, local_index);
	if (len)
		memcpy(plain + 4, payload, len);
	put_header(msg, MSG_RESPONSE);
	put_be32(msg + HEADER_LEN, hs->remote_index);
	ok = noise_ik_write_msg2(&hs->ik, plain, 4 + len, msg + 8);
	mbedtls_platform_zeroize(plain, sizeof plain);
	ok = ok && derive_key("mac1----", noise_ik_remote_static(&hs->ik), mac1_key) &&
	     mac(mac1_key, sizeof mac1_key, msg, msg_len - NOISE_MAC_LEN, msg + msg_len - NOISE_MAC_LEN) &&
	     finish(&hs->ik, local_index, hs->remote_index, session);
	if (ok) {
		buf_put(reply, msg, msg_len);
		ok = !reply->oom;
	}
	if (ok)
		memcpy(hs->peer->last_timestamp, hs->timestamp, NOISE_TIMESTAMP_LEN);
	else
		noise_session_wipe(session);
	noise_responder_wipe(hs);
	return ok;
}

void noise_responder_wipe(struct noise_responder *hs)
{
	mbedtls_platform_zeroize(hs, sizeof *hs);
}

void noise_server_wipe(struct noise_server *s)
{
	mbedtls_platform_zeroize(s, sizeof *s);
}

/* ---- Learning the server's key ---- */

/* Key requests and answers are one header and one public key. */
static void put_key_message(enum msg_type type, const uint8_t key[X25519_KEY_LEN],
			    uint8_t out[NOISE_KEY_MESSAGE_LEN])
{
	put_header(out, type);
	memcpy(out + HEADER_LEN, key, X25519_KEY_LEN);
}

static bool read_key_message(enum msg_type type, const uint8_t *msg, size_t len,
			     uint8_t key[X25519_KEY_LEN])
{
	if (len != NOISE_KEY_MESSAGE_LEN || !header_is(msg, len, type))
		return false;
	memcpy(key, msg + HEADER_LEN, X25519_KEY_LEN);
	return true;
}

void noise_key_request(const uint8_t client_pub[X25519_KEY_LEN], uint8_t out[NOISE_KEY_MESSAGE_LEN])
{
	put_key_message(MSG_KEY_REQUEST, client_pub, out);
}

bool noise_read_key_request(const uint8_t *msg, size_t len, uint8_t client_pub[X25519_KEY_LEN])
{
	return read_key_message(MSG_KEY_REQUEST, msg, len, client_pub);
}

void noise_key_answer(const uint8_t pub[X25519_KEY_LEN], uint8_t out[NOISE_KEY_MESSAGE_LEN])
{
	put_key_message(MSG_KEY_ANSWER, pub, out);
}

bool noise_read_key_answer(const uint8_t *msg, size_t len, uint8_t pub[X25519_KEY_LEN])
{
	return read_key_message(MSG_KEY_ANSWER, msg, len, pub);
}
