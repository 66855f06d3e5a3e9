#include "core/stream_sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#define LISTEN_BACKLOG 64

bool sock_numeric_addr(const char *host, uint16_t port, struct sockaddr_storage *out,
		       socklen_t *len)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)out;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)out;

	memset(out, 0, sizeof *out);
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(port);
		*len = sizeof *v4;
		return true;
	}
	if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(port);
		*len = sizeof *v6;
		return true;
	}
	return false;
}

static int fail(int fd)
{
	int err = errno;

	if (fd >= 0)
		close(fd);
	return -err;
}

int sock_listen_tcp(const char *numeric_addr, uint16_t port)
{
	struct sockaddr_storage addr;
	socklen_t len;
	int fd, one = 1;

	if (!numeric_addr || !*numeric_addr)
		numeric_addr = "127.0.0.1";
	if (!sock_numeric_addr(numeric_addr, port, &addr, &len))
		return -EINVAL;
	fd = socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail(fd);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind(fd, (struct sockaddr *)&addr, len) != 0 || listen(fd, LISTEN_BACKLOG) != 0)
		return fail(fd);
	return fd;
}

static bool unix_addr(const char *path, struct sockaddr_un *addr)
{
	memset(addr, 0, sizeof *addr);
	addr->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof addr->sun_path)
		return false;
	strcpy(addr->sun_path, path);
	return true;
}

int sock_listen_unix(const char *path)
{
	struct sockaddr_un addr;
	int fd;

	if (!unix_addr(path, &addr))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail(fd);
	if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, LISTEN_BACKLOG) != 0)
		return fail(fd);
	return fd;
}

int sock_accept(int listen_fd)
{
	int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	return fd >= 0 ? fd : -errno;
}

int sock_connect_start(const struct sockaddr *addr, socklen_t len)
{
	int fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return fail(fd);
	if (connect(fd, addr, len) != 0 && errno != EINPROGRESS)
		return fail(fd);
	return fd;
}

int sock_connect_unix(const char *path)
{
	struct sockaddr_un addr;

	if (!unix_addr(path, &addr))
		return -ENAMETOOLONG;
	return sock_connect_start((struct sockaddr *)&addr, sizeof addr);
}

int sock_connect_result(int fd)
{
	int err = 0;
	socklen_t len = sizeof err;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		return -errno;
	return -err;
}

void sock_close_reset(int fd)
{
	struct linger abort_now = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_now, sizeof abort_now);
	close(fd);
}
