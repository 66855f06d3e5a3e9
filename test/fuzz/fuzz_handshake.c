/* libFuzzer target: handshake datagrams as the server and the client see
 * them. The first input byte picks the receiver and whether to give the
 * rest a valid mac1 (so that the fuzzer also reaches the Noise layer):
 *   0 server, as is    1 client, as is
 *   2 server, mac1 fixed    3 client, mac1 fixed */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <mbedtls/md.h>
#include <mbedtls/sha256.h>

#include "core/buf.h"
#include "core/log.h"
#include "net/noise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t server_priv[32] = { 1, 2, 3 }, server_pub[32];
static uint8_t client_priv[32] = { 4, 5, 6 }, client_pub[32];
static struct noise_peer peer;

static struct noise_peer *find_peer(void *ctx, const uint8_t key[32])
{
	(void)ctx;
	return memcmp(key, peer.static_pub, 32) == 0 ? &peer : NULL;
}

static void fix_mac1(uint8_t *msg, size_t mac_at, const uint8_t pub[32])
{
	uint8_t in[40], key[32], full[32];

	memcpy(in, "mac1----", 8);
	memcpy(in + 8, pub, 32);
	mbedtls_sha256_ret(in, sizeof in, key, 0);
	mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), key, 32, msg, mac_at, full);
	memcpy(msg + mac_at, full, NOISE_MAC_LEN);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct noise_server server;
	static struct noise_client client;
	static struct buf out;
	static uint64_t now = 1000;
	static int ready;
	uint8_t msg[NOISE_MAX_MESSAGE + 64], payload[SSPSH_HANDSHAKE_PAYLOAD_MAX];
	size_t len, payload_len;
	struct noise_responder hs;
	struct noise_session session;
	int mode;

	if (!ready) {
		struct noise_server_ops ops = { find_peer, NULL, NULL };

		log_set_stream(NULL);
		x25519_public(server_pub, server_priv);
		x25519_public(client_pub, client_priv);
		memcpy(peer.static_pub, client_pub, 32);
		noise_server_init(&server, server_priv, &ops, now);
		noise_client_init(&client, client_priv, server_pub);
		ready = 1;
	}
	if (size < 1)
		return 0;
	mode = data[0] & 3;
	len = size - 1 < sizeof msg ? size - 1 : sizeof msg;
	memcpy(msg, data + 1, len);
	now += 1000;	/* never "under load", except by cookie-less design */
	if (mode == 2 && len >= 2 * NOISE_MAC_LEN)
		fix_mac1(msg, len - 2 * NOISE_MAC_LEN, server_pub);
	if (mode == 3 && len >= NOISE_MAC_LEN)
		fix_mac1(msg, len - NOISE_MAC_LEN, client_pub);
	if (mode == 0 || mode == 2) {
		if (noise_server_receive(&server, msg, len, "fuzz", 4, now, &hs, payload, &payload_len, &out) ==
		    NOISE_GOT_INITIATION) {
			memset(&peer.last_timestamp, 0, sizeof peer.last_timestamp);
			noise_server_accept(&server, &hs, payload, payload_len, &session, &out);
		}
	} else {
		if (!client.pending)
			noise_client_initiate(&client, NULL, 0, now, &out);
		noise_client_receive(&client, msg, len, now, &session, payload, &payload_len);
	}
	return 0;
}
