/* Whole writes to a file descriptor. */
#ifndef SSPSH_FDIO_H
#define SSPSH_FDIO_H

#include <stdbool.h>
#include <stddef.h>

/* Writes all len bytes, through short writes and EINTR, and waits for room
 * when fd is non-blocking (a terminal may be inherited so). false (errno
 * set) when the fd fails or stops taking bytes. */
bool fd_write_all(int fd, const void *data, size_t len);

#endif
