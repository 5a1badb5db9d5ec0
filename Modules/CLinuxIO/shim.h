#ifndef PORTER_CLINUXIO_SHIM_H
#define PORTER_CLINUXIO_SHIM_H

// Glibc's Swift module does not export epoll, eventfd or xattr.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/xattr.h>

// Names the calling thread (at most 15 bytes are kept), as top -H, perf and
// debuggers show it. prctl is variadic, which Swift cannot call.
static inline int CLinuxIO_set_thread_name(const char *name) {
    return prctl(PR_SET_NAME, (unsigned long)name, 0UL, 0UL, 0UL);
}

#endif
