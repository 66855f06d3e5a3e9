/* The key helpers declared in net/transport.h: the session key of a direct
 * session, and the keys a daemon session's handshake gives. */
#include <ctype.h>
#include <string.h>

#include <mbedtls/platform_util.h>

#include "core/base64.h"
#include "core/random.h"
#include "net/noise.h"
#include "net/transport.h"

bool transport_key_generate(struct transport_key *key)
{
	return random_bytes(key->bytes, sizeof key->bytes);
}

void transport_key_format(const struct transport_key *key, char text[TRANSPORT_KEY_TEXT_LEN + 1])
{
	base64_encode(key->bytes, sizeof key->bytes, text, TRANSPORT_KEY_TEXT_LEN + 1);
}

bool transport_key_parse(struct transport_key *key, const char *text, const char **why)
{
	char padded[TRANSPORT_KEY_TEXT_LEN];
	size_t len;
	bool ok;

	while (isspace((unsigned char)*text))
		text++;
	len = strlen(text);
	while (len > 0 && isspace((unsigned char)text[len - 1]))
		len--;
	if (len != TRANSPORT_KEY_TEXT_LEN && len != TRANSPORT_KEY_TEXT_LEN - 1) {
		*why = len == 0 ? "the session key is empty"
				: "the session key must be 44 base64 characters (32 bytes)";
		return false;
	}
	memcpy(padded, text, len);
	if (len < TRANSPORT_KEY_TEXT_LEN)
		padded[len] = '=';
	ok = base64_decode_exact(padded, sizeof padded, key->bytes, sizeof key->bytes);
	mbedtls_platform_zeroize(padded, sizeof padded);
	if (!ok) {
		transport_key_zero(key);
		*why = "the session key is not valid base64";
		return false;
	}
	return true;
}

void transport_key_zero(struct transport_key *key)
{
	mbedtls_platform_zeroize(key->bytes, sizeof key->bytes);
}

void transport_keys_from_noise(struct transport_keys *keys, const struct noise_session *ns)
{
	_Static_assert(sizeof keys->send == sizeof ns->send_key && sizeof keys->recv == sizeof ns->recv_key,
		       "handshake keys are transport keys");
	memcpy(keys->send, ns->send_key, sizeof keys->send);
	memcpy(keys->recv, ns->recv_key, sizeof keys->recv);
	keys->local_index = ns->local_index;
	keys->remote_index = ns->remote_index;
}
