#ifndef PORTER_CIDN2_SHIM_H
#define PORTER_CIDN2_SHIM_H

// IDNA 2008 (with UTS #46 mapping) from Debian's libidn2-dev.
#include <idn2.h>

#endif
