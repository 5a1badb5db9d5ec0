#ifndef PORTER_CZSTD_SHIM_H
#define PORTER_CZSTD_SHIM_H

#include <zstd.h>
#include <zstd_errors.h>

#endif
