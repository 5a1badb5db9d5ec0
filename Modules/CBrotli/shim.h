#ifndef PORTER_CBROTLI_SHIM_H
#define PORTER_CBROTLI_SHIM_H

// The decoder only: Porter never compresses with brotli.
#include <brotli/decode.h>

#endif
