#ifndef KAA_COATH_SHIM_H
#define KAA_COATH_SHIM_H
// liboath (Debian liboath-dev): HOTP/TOTP codes and Base32. pkg-config puts /usr/include/liboath
// on the include path, so the header is included by its bare name.
#include <oath.h>
#include <stdlib.h>

// A HOTP code with RFC 4226's dynamic truncation and no checksum digit. The truncation argument is
// a size_t that wants SIZE_MAX (OATH_HOTP_DYNAMIC_TRUNCATION), which Swift's Int cannot hold.
static inline int kaa_oath_hotp(const char *secret, size_t secret_length, uint64_t counter, unsigned digits, char *output) {
    return oath_hotp_generate(secret, secret_length, counter, digits, false, OATH_HOTP_DYNAMIC_TRUNCATION, output);
}
#endif
