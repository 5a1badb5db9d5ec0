#ifndef PORTER_CLINUXIO_SHIM_H
#define PORTER_CLINUXIO_SHIM_H

// Glibc's Swift module does not export epoll or eventfd.
#include <sys/epoll.h>
#include <sys/eventfd.h>

#endif
