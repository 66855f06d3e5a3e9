#include "net/host_limit.h"

#include <string.h>

#include <mbedtls/md.h>
#include <mbedtls/platform_util.h>

#include "core/log.h"
#include "core/random.h"
#include "net/udp.h"

bool host_limit_init(struct host_limit *l, uint64_t per_host_rate, uint64_t per_host_burst,
		     uint64_t global_rate, uint64_t global_burst)
{
	memset(l, 0, sizeof *l);
	l->per_host_rate = per_host_rate;
	l->per_host_burst = per_host_burst;
	l->global_rate = global_rate;
	l->global_burst = global_burst;
	if (!random_bytes(l->secret, sizeof l->secret)) {
		log_error("no randomness for the per-host rate limit");
		return false;
	}
	return true;
}

/* HMAC-SHA256 of the host under the table's secret picks its slot. */
static struct gcra *host_slot(struct host_limit *l, const uint8_t *host, size_t host_len)
{
	uint8_t digest[32];
	uint32_t pick;

	if (mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), l->secret, sizeof l->secret,
			    host, host_len, digest) != 0)
		return NULL;
	pick = (uint32_t)digest[0] << 24 | (uint32_t)digest[1] << 16 | (uint32_t)digest[2] << 8 | digest[3];
	return &l->hosts[pick % SSPSH_HOST_LIMIT_SLOTS];
}

bool host_limit_allow(struct host_limit *l, const struct udp_addr *from, uint64_t now_ms)
{
	uint8_t host[UDP_HOST_KEY_MAX];
	size_t host_len = udp_addr_host(from, host);
	struct gcra *slot = host_len ? host_slot(l, host, host_len) : NULL;

	return slot && gcra_allow(slot, now_ms, l->per_host_rate, l->per_host_burst) &&
	       gcra_allow(&l->global, now_ms, l->global_rate, l->global_burst);
}

void host_limit_wipe(struct host_limit *l)
{
	mbedtls_platform_zeroize(l->secret, sizeof l->secret);
}
