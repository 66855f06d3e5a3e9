#include "core/random.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "core/log.h"

/* Straight from the kernel's generator: it is what a DRBG would be seeded
 * from, a forked child cannot replay its parent's stream, and mbedTLS's
 * CTR-DRBG would link AES and the entropy collector (37 kB) for nothing. */
bool random_bytes(void *out, size_t len)
{
	unsigned char *p = out;

	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_error("cannot read random bytes: getrandom: %s", strerror(errno));
			return false;
		}
		p += n;
		len -= (size_t)n;
	}
	return true;
}
