#ifndef KAA_CZLIB_SHIM_H
#define KAA_CZLIB_SHIM_H
#include <zlib.h>

// deflateInit2 and inflateInit2 are macros (they pass zlib's version and the stream's size to
// the real functions), which Swift cannot call; these typed fronts make a gzip stream (window
// bits 15 + 16: a gzip header and trailer, not a zlib one).
static inline int kaa_zlib_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

static inline int kaa_zlib_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 16);
}
#endif
