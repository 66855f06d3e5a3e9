#include <stdlib.h>

#include "core/x25519.h"
#include "test/unit/unit.h"

static void unhex(uint8_t *out, const char *hex)
{
	for (size_t i = 0; hex[2 * i]; i++) {
		char two[3] = { hex[2 * i], hex[2 * i + 1], 0 };
		out[i] = (uint8_t)strtoul(two, NULL, 16);
	}
}

static void expect_x25519(const char *scalar, const char *u, const char *want_hex)
{
	uint8_t k[32], p[32], want[32], got[32];

	unhex(k, scalar);
	unhex(p, u);
	unhex(want, want_hex);
	EXPECT(x25519_dh(got, k, p));
	EXPECT_MEM(got, want, 32);
}

/* RFC 7748 section 5.2; the second u has its (ignored) top bit set. */
TEST(x25519_rfc7748_single_vectors)
{
	expect_x25519("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
		      "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
		      "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
	expect_x25519("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
		      "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
		      "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
}

/* RFC 7748 section 5.2: k = u = 9, then k, u = X25519(k, u), k. */
TEST(x25519_rfc7748_iterated)
{
	uint8_t k[32] = { 9 }, u[32] = { 9 }, next[32], want[32];

	for (int i = 1; i <= 1000; i++) {
		EXPECT(x25519_dh(next, k, u));
		memcpy(u, k, 32);
		memcpy(k, next, 32);
		if (i == 1) {
			unhex(want, "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
			EXPECT_MEM(k, want, 32);
		}
	}
	unhex(want, "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
	EXPECT_MEM(k, want, 32);
}

/* RFC 7748 section 6.1: public keys from private ones, and the shared secret. */
TEST(x25519_rfc7748_diffie_hellman)
{
	uint8_t a[32], b[32], a_pub[32], b_pub[32], want[32], k1[32], k2[32], got[32];

	unhex(a, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
	unhex(b, "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
	EXPECT(x25519_public(got, a));
	unhex(a_pub, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
	EXPECT_MEM(got, a_pub, 32);
	EXPECT(x25519_public(got, b));
	unhex(b_pub, "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
	EXPECT_MEM(got, b_pub, 32);
	unhex(want, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
	EXPECT(x25519_dh(k1, a, b_pub));
	EXPECT(x25519_dh(k2, b, a_pub));
	EXPECT_MEM(k1, want, 32);
	EXPECT_MEM(k2, want, 32);
}

TEST(x25519_random_pairs_agree)
{
	uint8_t a[32], a_pub[32], b[32], b_pub[32], k1[32], k2[32];

	EXPECT(x25519_keypair(a, a_pub));
	EXPECT(x25519_keypair(b, b_pub));
	EXPECT(memcmp(a_pub, b_pub, 32) != 0);
	EXPECT(x25519_dh(k1, a, b_pub));
	EXPECT(x25519_dh(k2, b, a_pub));
	EXPECT_MEM(k1, k2, 32);
}

/* Small-order points (0, 1 and an order-8 point) give a shared secret that
 * does not depend on the private key: refused, output zeroed. */
TEST(x25519_rejects_small_order_points)
{
	uint8_t priv[32], pub[32], out[32], zero[32] = { 0 }, point[32];

	EXPECT(x25519_keypair(priv, pub));
	memset(point, 0, sizeof point);
	memset(out, 0xaa, sizeof out);
	EXPECT(!x25519_dh(out, priv, point));
	EXPECT_MEM(out, zero, 32);
	point[0] = 1;
	EXPECT(!x25519_dh(out, priv, point));
	unhex(point, "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800");
	EXPECT(!x25519_dh(out, priv, point));
}

int main(void)
{
	RUN(x25519_rfc7748_single_vectors);
	RUN(x25519_rfc7748_iterated);
	RUN(x25519_rfc7748_diffie_hellman);
	RUN(x25519_random_pairs_agree);
	RUN(x25519_rejects_small_order_points);
	return unit_exit_status();
}
