#include "core/x25519.h"

#include <string.h>

#include <mbedtls/ecdh.h>
#include <mbedtls/ecp.h>
#include <mbedtls/platform_util.h>

#include "core/random.h"

static uint64_t operations;

uint64_t x25519_operations(void)
{
	return operations;
}

/* mbedTLS's blinding callback, fed from the program's one DRBG. */
static int rng(void *ctx, unsigned char *out, size_t len)
{
	(void)ctx;
	return random_bytes(out, len) ? 0 : MBEDTLS_ERR_ECP_RANDOM_FAILED;
}

/* decodeScalar25519 of RFC 7748 section 5; mbedTLS also insists on it. */
static int load_scalar(mbedtls_mpi *d, const uint8_t priv[X25519_KEY_LEN])
{
	uint8_t k[X25519_KEY_LEN];
	int err;

	memcpy(k, priv, sizeof k);
	k[0] &= 248;
	k[31] &= 127;
	k[31] |= 64;
	err = mbedtls_mpi_read_binary_le(d, k, sizeof k);
	mbedtls_platform_zeroize(k, sizeof k);
	return err;
}

/* decodeUCoordinate: the top bit is ignored. */
static int load_point(mbedtls_ecp_point *p, const uint8_t pub[X25519_KEY_LEN])
{
	uint8_t u[X25519_KEY_LEN];
	int err;

	memcpy(u, pub, sizeof u);
	u[31] &= 127;
	err = mbedtls_mpi_read_binary_le(&p->X, u, sizeof u);
	if (!err)
		err = mbedtls_mpi_lset(&p->Z, 1);
	return err;
}

bool x25519_dh(uint8_t shared[X25519_KEY_LEN], const uint8_t priv[X25519_KEY_LEN],
	       const uint8_t peer[X25519_KEY_LEN])
{
	mbedtls_ecp_group grp;
	mbedtls_ecp_point q;
	mbedtls_mpi d, z;
	int err;

	mbedtls_ecp_group_init(&grp);
	mbedtls_ecp_point_init(&q);
	mbedtls_mpi_init(&d);
	mbedtls_mpi_init(&z);
	operations++;
	err = mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_CURVE25519);
	if (!err)
		err = load_scalar(&d, priv);
	if (!err)
		err = load_point(&q, peer);
	/* Rejects the small-order points RFC 7748 section 6.1 warns about. */
	if (!err)
		err = mbedtls_ecdh_compute_shared(&grp, &z, &q, &d, rng, NULL);
	if (!err)
		err = mbedtls_mpi_write_binary_le(&z, shared, X25519_KEY_LEN);
	if (err)
		mbedtls_platform_zeroize(shared, X25519_KEY_LEN);
	mbedtls_mpi_free(&d);
	mbedtls_mpi_free(&z);
	mbedtls_ecp_point_free(&q);
	mbedtls_ecp_group_free(&grp);
	return err == 0;
}

/* The public key is the shared secret with the base point u = 9. */
bool x25519_public(uint8_t pub[X25519_KEY_LEN], const uint8_t priv[X25519_KEY_LEN])
{
	static const uint8_t base_point[X25519_KEY_LEN] = { 9 };

	return x25519_dh(pub, priv, base_point);
}

bool x25519_keypair(uint8_t priv[X25519_KEY_LEN], uint8_t pub[X25519_KEY_LEN])
{
	if (random_bytes(priv, X25519_KEY_LEN) && x25519_public(pub, priv))
		return true;
	mbedtls_platform_zeroize(priv, X25519_KEY_LEN);
	return false;
}
