#ifndef KAA_CARGON2_SHIM_H
#define KAA_CARGON2_SHIM_H
// The reference Argon2 library (Debian libargon2-dev): only Argon2id in its PHC string form is used.
#include <argon2.h>
#endif
