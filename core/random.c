#include "core/random.h"

#include <errno.h>
#include <sys/random.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>

#include "core/log.h"

static mbedtls_ctr_drbg_context drbg;
static mbedtls_entropy_context entropy;
static pid_t seeded_in_pid;

/* getrandom(2) as mbedTLS's entropy source. */
static int os_entropy(void *ctx, unsigned char *out, size_t len, size_t *olen)
{
	size_t got = 0;

	(void)ctx;
	while (got < len) {
		ssize_t n = getrandom(out + got, len - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
		}
		got += (size_t)n;
	}
	*olen = got;
	return 0;
}

static bool seed(void)
{
	static const unsigned char personalization[] = "sspsh ctr-drbg";
	int err;

	if (seeded_in_pid) {
		mbedtls_ctr_drbg_free(&drbg);
		mbedtls_entropy_free(&entropy);
	}
	mbedtls_entropy_init(&entropy);
	mbedtls_ctr_drbg_init(&drbg);
	err = mbedtls_entropy_add_source(&entropy, os_entropy, NULL, 32,
					 MBEDTLS_ENTROPY_SOURCE_STRONG);
	if (!err)
		err = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy,
					    personalization, sizeof personalization - 1);
	if (err) {
		log_error("cannot seed the random generator (mbedTLS error -0x%04x)", (unsigned)-err);
		seeded_in_pid = 0;
		return false;
	}
	seeded_in_pid = getpid();
	return true;
}

bool random_bytes(void *out, size_t len)
{
	unsigned char *p = out;

	/* A forked child must not replay its parent's DRBG stream. */
	if (seeded_in_pid != getpid() && !seed())
		return false;
	while (len > 0) {
		size_t chunk = len < MBEDTLS_CTR_DRBG_MAX_REQUEST ? len : MBEDTLS_CTR_DRBG_MAX_REQUEST;
		if (mbedtls_ctr_drbg_random(&drbg, p, chunk) != 0) {
			log_error("the random generator failed");
			return false;
		}
		p += chunk;
		len -= chunk;
	}
	return true;
}
