#ifndef PORTER_CPSL_SHIM_H
#define PORTER_CPSL_SHIM_H

// The Public Suffix List from Debian's libpsl-dev, as curl uses it.
#include <libpsl.h>

#endif
