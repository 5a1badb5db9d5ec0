#ifndef PORTER_CZLIB_SHIM_H
#define PORTER_CZLIB_SHIM_H

#include <zlib.h>

// inflateInit2 is a macro that passes ZLIB_VERSION and sizeof(z_stream) to inflateInit2_.
static inline int CZlib_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}

// deflateInit2 is a macro that passes ZLIB_VERSION and sizeof(z_stream) to deflateInit2_.
static inline int CZlib_deflateInit2(z_streamp stream, int level, int method, int windowBits, int memLevel, int strategy) {
    return deflateInit2(stream, level, method, windowBits, memLevel, strategy);
}

#endif
