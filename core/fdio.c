#include "core/fdio.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <unistd.h>

bool fd_write_all(int fd, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n == 0) {
			errno = EIO;
			return false;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			struct pollfd room = { fd, POLLOUT, 0 };

			if (poll(&room, 1, -1) < 0 && errno != EINTR)
				return false;
		} else if (errno != EINTR) {
			return false;
		}
	}
	return true;
}
