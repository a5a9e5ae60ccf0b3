#include "kaa_version.h"

#ifndef KAA_VERSION
#define KAA_VERSION "0.0.0-dev"
#endif

const char *kaa_version(void) {
    return KAA_VERSION;
}
