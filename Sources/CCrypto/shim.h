#ifndef KAA_CCRYPTO_SHIM_H
#define KAA_CCRYPTO_SHIM_H
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <openssl/params.h>

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
#endif
