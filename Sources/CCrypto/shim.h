#ifndef KAA_CCRYPTO_SHIM_H
#define KAA_CCRYPTO_SHIM_H
#include <string.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <openssl/params.h>
#include <openssl/param_build.h>
#include <openssl/core_names.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>
#include <openssl/err.h>

/// An HMAC-SHA256 context with its key schedule computed once (OpenSSL 3 EVP_MAC); NULL on failure.
static inline EVP_MAC_CTX *kaa_hmac_sha256_new(const unsigned char *key, size_t key_length) {
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (mac == NULL) return NULL;
    EVP_MAC_CTX *context = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);
    if (context == NULL) return NULL;
    char digest[] = "SHA256";
    OSSL_PARAM parameters[2] = { OSSL_PARAM_construct_utf8_string("digest", digest, 0), OSSL_PARAM_construct_end() };
    if (EVP_MAC_init(context, key, key_length, parameters) != 1) {
        EVP_MAC_CTX_free(context);
        return NULL;
    }
    return context;
}

/// One MAC under the context's key: re-initialising without a key reuses the precomputed pads.
static inline int kaa_hmac_sha256_mac(EVP_MAC_CTX *context, const unsigned char *message, size_t length, unsigned char out[32]) {
    size_t written = 0;
    if (EVP_MAC_init(context, NULL, 0, NULL) != 1) return 0;
    if (EVP_MAC_update(context, message, length) != 1) return 0;
    if (EVP_MAC_final(context, out, &written, 32) != 1) return 0;
    return written == 32;
}
// JWS keys and signatures (ID tokens, issue 18). Each front below exists because the OpenSSL 3 sequence it
// wraps (OSSL_PARAM_BLD, BIGNUM ownership, ECDSA_SIG's DER form) is easier to get right, with every
// object freed on every path, in one C function than across Swift's OpaquePointers. Every function
// clears libcrypto's thread-local error queue before it returns, so a refused key or signature leaves
// nothing behind for the next caller on that thread.

/// An RSA public key from big-endian n and e (a JWK's members) through EVP_PKEY_fromdata; NULL if libcrypto refuses it.
static inline EVP_PKEY *kaa_rsa_public_key(const unsigned char *n, size_t n_length, const unsigned char *e, size_t e_length) {
    EVP_PKEY *key = NULL;
    BIGNUM *modulus = BN_bin2bn(n, (int)n_length, NULL);
    BIGNUM *exponent = BN_bin2bn(e, (int)e_length, NULL);
    OSSL_PARAM_BLD *builder = OSSL_PARAM_BLD_new();
    OSSL_PARAM *parameters = NULL;
    EVP_PKEY_CTX *context = NULL;
    if (modulus != NULL && exponent != NULL && builder != NULL
        && OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_N, modulus) == 1
        && OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_E, exponent) == 1
        && (parameters = OSSL_PARAM_BLD_to_param(builder)) != NULL
        && (context = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) != NULL
        && EVP_PKEY_fromdata_init(context) == 1) {
        if (EVP_PKEY_fromdata(context, &key, EVP_PKEY_PUBLIC_KEY, parameters) != 1) key = NULL;
    }
    EVP_PKEY_CTX_free(context);
    OSSL_PARAM_free(parameters);
    OSSL_PARAM_BLD_free(builder);
    BN_free(exponent);
    BN_free(modulus);
    ERR_clear_error();
    return key;
}

/// A P-256 public key from the affine coordinates x and y (32 bytes each, big-endian) through EVP_PKEY_fromdata;
/// NULL if libcrypto refuses it (a point not on the curve is refused when the point is decoded).
static inline EVP_PKEY *kaa_p256_public_key(const unsigned char x[32], const unsigned char y[32]) {
    EVP_PKEY *key = NULL;
    unsigned char point[65];
    point[0] = 0x04;  // SEC 1 uncompressed point: 0x04 || x || y
    memcpy(point + 1, x, 32);
    memcpy(point + 33, y, 32);
    char group[] = "P-256";
    OSSL_PARAM_BLD *builder = OSSL_PARAM_BLD_new();
    OSSL_PARAM *parameters = NULL;
    EVP_PKEY_CTX *context = NULL;
    if (builder != NULL
        && OSSL_PARAM_BLD_push_utf8_string(builder, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) == 1
        && OSSL_PARAM_BLD_push_octet_string(builder, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point) == 1
        && (parameters = OSSL_PARAM_BLD_to_param(builder)) != NULL
        && (context = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) != NULL
        && EVP_PKEY_fromdata_init(context) == 1) {
        if (EVP_PKEY_fromdata(context, &key, EVP_PKEY_PUBLIC_KEY, parameters) != 1) key = NULL;
    }
    EVP_PKEY_CTX_free(context);
    OSSL_PARAM_free(parameters);
    OSSL_PARAM_BLD_free(builder);
    ERR_clear_error();
    return key;
}

/// libcrypto's full public-key check (EVP_PKEY_public_check): for RSA odd n without small factors, not a
/// prime power, odd e > 1; for EC a point on the curve, not at infinity, of the group's order. 1 if it passes.
static inline int kaa_public_key_check(EVP_PKEY *key) {
    EVP_PKEY_CTX *context = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
    int ok = context != NULL && EVP_PKEY_public_check(context) == 1;
    EVP_PKEY_CTX_free(context);
    ERR_clear_error();
    return ok;
}

/// 1 if `signature` (DER for ECDSA, the k-byte block for RSA) is a valid SHA-256 signature of `message` under
/// `key`; RSA keys are checked with RSASSA-PKCS1-v1_5 padding, set explicitly. 0 for invalid or any failure.
static inline int kaa_verify_sha256(EVP_PKEY *key, const unsigned char *signature, size_t signature_length,
                                    const unsigned char *message, size_t message_length) {
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    EVP_PKEY_CTX *key_context = NULL;
    int ok = context != NULL
        && EVP_DigestVerifyInit(context, &key_context, EVP_sha256(), NULL, key) == 1
        && (!EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PADDING) == 1)
        && EVP_DigestVerify(context, signature, signature_length, message, message_length) == 1;
    EVP_MD_CTX_free(context);  // also frees key_context
    ERR_clear_error();
    return ok;
}

/// 1 if the JWS ES256 signature r || s (32 bytes each) is valid for `message` under the EC `key`: r and s become
/// an ECDSA_SIG, its DER form goes to kaa_verify_sha256 (libcrypto refuses r or s of 0 or >= the order).
static inline int kaa_verify_es256(EVP_PKEY *key, const unsigned char signature[64], const unsigned char *message, size_t message_length) {
    ECDSA_SIG *pair = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(signature, 32, NULL);
    BIGNUM *s = BN_bin2bn(signature + 32, 32, NULL);
    if (pair == NULL || r == NULL || s == NULL || ECDSA_SIG_set0(pair, r, s) != 1) {
        ECDSA_SIG_free(pair);
        BN_free(r);
        BN_free(s);
        ERR_clear_error();
        return 0;
    }
    unsigned char *der = NULL;  // r and s now belong to pair
    int der_length = i2d_ECDSA_SIG(pair, &der);
    ECDSA_SIG_free(pair);
    if (der_length <= 0) {
        ERR_clear_error();
        return 0;
    }
    int ok = kaa_verify_sha256(key, der, (size_t)der_length, message, message_length);
    OPENSSL_free(der);
    return ok;
}

// Key generation, export and signing: used by Tests/KAACryptoTestKit to make keys, JWKs and tokens
// (production code only verifies). Here because the shim is the one place C is written for libcrypto.

/// A fresh RSA key of `bits` (with e = 65537), or a P-256 key when `bits` is 0; NULL on failure.
static inline EVP_PKEY *kaa_generate_key(unsigned int bits) {
    EVP_PKEY *key = NULL;
    EVP_PKEY_CTX *context = EVP_PKEY_CTX_new_from_name(NULL, bits == 0 ? "EC" : "RSA", NULL);
    if (context != NULL && EVP_PKEY_keygen_init(context) == 1
        && (bits == 0 ? EVP_PKEY_CTX_set_group_name(context, "P-256") : EVP_PKEY_CTX_set_rsa_keygen_bits(context, (int)bits)) == 1) {
        if (EVP_PKEY_generate(context, &key) != 1) key = NULL;
    }
    EVP_PKEY_CTX_free(context);
    ERR_clear_error();
    return key;
}

/// Writes the big-endian bytes of the key's BIGNUM parameter `name` (e.g. "n", "e") to `out` (at least
/// `capacity` bytes); returns the length, or 0 if the key has no such parameter or it does not fit.
static inline size_t kaa_key_bn_param(EVP_PKEY *key, const char *name, unsigned char *out, size_t capacity) {
    BIGNUM *value = NULL;
    size_t length = 0;
    if (EVP_PKEY_get_bn_param(key, name, &value) == 1 && (size_t)BN_num_bytes(value) <= capacity)
        length = (size_t)BN_bn2bin(value, out);
    BN_free(value);
    ERR_clear_error();
    return length;
}

/// Writes the EC key's public point as x || y (32 bytes each) to `out`; 1 on success.
static inline int kaa_p256_public_point(EVP_PKEY *key, unsigned char out[64]) {
    unsigned char point[65];
    size_t length = 0;
    int ok = EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point, sizeof point, &length) == 1
        && length == 65 && point[0] == 0x04;
    if (ok) memcpy(out, point + 1, 64);
    ERR_clear_error();
    return ok;
}

/// Signs `message` with SHA-256 under `key` (RSASSA-PKCS1-v1_5 or ECDSA); writes the signature (DER for ECDSA)
/// to `out` (`capacity` bytes) and returns its length, 0 on failure.
static inline size_t kaa_sign_sha256(EVP_PKEY *key, const unsigned char *message, size_t message_length,
                                     unsigned char *out, size_t capacity) {
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    EVP_PKEY_CTX *key_context = NULL;
    size_t length = capacity;
    int ok = context != NULL
        && EVP_DigestSignInit(context, &key_context, EVP_sha256(), NULL, key) == 1
        && (!EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PADDING) == 1)
        && EVP_DigestSign(context, out, &length, message, message_length) == 1;
    EVP_MD_CTX_free(context);
    ERR_clear_error();
    return ok ? length : 0;
}

/// Converts a DER ECDSA signature to the JWS form r || s (32 bytes each, left-padded); 1 on success.
static inline int kaa_ecdsa_der_to_jws(const unsigned char *der, size_t der_length, unsigned char out[64]) {
    const unsigned char *cursor = der;
    ECDSA_SIG *pair = d2i_ECDSA_SIG(NULL, &cursor, (long)der_length);
    int ok = pair != NULL
        && BN_bn2binpad(ECDSA_SIG_get0_r(pair), out, 32) == 32
        && BN_bn2binpad(ECDSA_SIG_get0_s(pair), out + 32, 32) == 32;
    ECDSA_SIG_free(pair);
    ERR_clear_error();
    return ok;
}
#endif
