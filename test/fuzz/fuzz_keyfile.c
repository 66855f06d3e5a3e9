/* libFuzzer target: the key file, authorized_keys and known_hosts parsers. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/keyfile.h"
#include "core/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t key[KEY_LEN] = { 9 };
	const char *text = (const char *)data, *why;
	char comment[SSPSH_KEY_COMMENT_MAX + 1];
	struct key_list list = { 0 };
	struct public_key pk;
	uint8_t priv[KEY_LEN];

	log_set_stream(NULL);
	keyfile_parse_private("fuzz", text, size, priv, comment);
	key_parse_public(text, size, &pk, &why);
	authorized_keys_parse("fuzz", text, size, &list);
	for (size_t i = 0; i < list.count; i++)
		if (strlen(list.keys[i].comment) > SSPSH_KEY_COMMENT_MAX)
			abort();
	key_list_free(&list);
	known_hosts_check_text("fuzz", text, size, "example.org", key);
	known_hosts_check_text("fuzz", text, size, "[10.0.0.1]:60001", key);
	return 0;
}
