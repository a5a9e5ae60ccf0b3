#ifndef KAA_VERSION_H
#define KAA_VERSION_H

// The program's version, fixed when the C file is compiled: scripts/package.sh passes
// `-Xcc -DKAA_VERSION='"X"'` (X from `git describe`); a plain build says 0.0.0-dev. A function
// rather than the macro itself, so the value is taken where the C compiler sees the -D flag.
const char *kaa_version(void);

#endif
