#ifndef PORTER_CBROTLIENCODER_SHIM_H
#define PORTER_CBROTLIENCODER_SHIM_H

// The brotli encoder, for tests that make their own br fixtures; the library does not link it.
#include <brotli/encode.h>

#endif
