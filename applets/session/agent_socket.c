/* Where a session's forwarded agent listens; see applets/session/agent_socket.h. */
#include "applets/session/agent_socket.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "applets/session/stale_dirs.h"
#include "core/log.h"
#include "core/options.h"
#include "core/random.h"
#include "core/stream_sock.h"

#define DIR_PREFIX "sspsh-agent-"
#define SOCKET_PREFIX "agent."
/* Random characters of a directory's name; older servers named theirs
 * with mkdtemp's six. */
#define NAME_RANDOM 12
#define OLD_NAME_RANDOM 6

const char *agent_socket_base(void)
{
	const char *tmpdir = getenv("TMPDIR");

	return tmpdir && *tmpdir ? tmpdir : "/tmp";
}

static void random_name(char out[NAME_RANDOM + 1])
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char bytes[NAME_RANDOM];

	if (!random_bytes(bytes, sizeof bytes))
		memset(bytes, 0, sizeof bytes);	/* logged; mkdir then refuses a name taken */
	for (size_t i = 0; i < NAME_RANDOM; i++)
		out[i] = alphabet[bytes[i] % (sizeof alphabet - 1)];
	out[NAME_RANDOM] = '\0';
}

bool agent_socket_name(const char *base, char *path, size_t cap)
{
	char random[NAME_RANDOM + 1];
	int n;

	random_name(random);
	n = snprintf(path, cap, "%s/" DIR_PREFIX "%s/" SOCKET_PREFIX "%ld", base, random,
		     (long)getpid());
	if (n < 0 || (size_t)n >= cap || (size_t)n >= sizeof ((struct sockaddr_un *)0)->sun_path) {
		log_error("agent forwarding: %s is too long a directory for a socket", base);
		path[0] = '\0';
		return false;
	}
	return true;
}

/* path's directory, in dir (which holds PATH_MAX). */
static bool parent_of(const char *path, char *dir, size_t cap)
{
	const char *slash = strrchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : 0;

	if (!slash || len == 0 || len >= cap)
		return false;
	memcpy(dir, path, len);
	dir[len] = '\0';
	return true;
}

/* Makes dir, or takes it if it is already ours (an earlier client's). */
static int make_dir(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0700) == 0)
		return 0;
	if (errno != EEXIST)
		return -errno;
	if (lstat(dir, &st) != 0)
		return -errno;
	return stale_dir_private(&st) ? 0 : -EEXIST;
}

int agent_socket_listen(const char *path)
{
	char dir[PATH_MAX];
	int fd, err;

	if (!parent_of(path, dir, sizeof dir))
		return -EINVAL;
	if ((err = make_dir(dir)) < 0)
		return err;
	unlink(path);	/* an earlier client's */
	fd = sock_listen_unix(path);
	if (fd >= 0 && chmod(path, 0600) != 0) {
		err = -errno;
		close(fd);
		fd = err;
	}
	if (fd < 0)
		agent_socket_remove(path);
	return fd;
}

void agent_socket_remove(const char *path)
{
	char dir[PATH_MAX];
	struct stat st;

	if (!path || !path[0] || !parent_of(path, dir, sizeof dir) || lstat(dir, &st) != 0 ||
	    !stale_dir_private(&st))
		return;
	unlink(path);
	rmdir(dir);	/* fails, and keeps it, if anything else is in it */
}

/* ---- Sweeping ---- */

/* "agent.PID", with the PID of the server that made it. */
static bool agent_socket_named(const char *name, long *pid)
{
	char *end;

	if (strncmp(name, SOCKET_PREFIX, strlen(SOCKET_PREFIX)) != 0)
		return false;
	errno = 0;
	*pid = strtol(name + strlen(SOCKET_PREFIX), &end, 10);
	return !errno && !*end && *pid > 0;
}

int agent_sockets_sweep(const char *base)
{
	/* This version makes the directory only when a client asks; older
	 * ones (six random characters) made it empty at start. */
	static const struct stale_dir_kind kinds[] = {
		{ .what = "agent forwarding", .left_by = "a server", .prefix = DIR_PREFIX,
		  .random_len = NAME_RANDOM, .is_socket = agent_socket_named, .empty_is_stale = true,
		  .stale_s = SSPSH_AGENT_STALE_S },
		{ .what = "agent forwarding", .left_by = "a server", .prefix = DIR_PREFIX,
		  .random_len = OLD_NAME_RANDOM, .is_socket = agent_socket_named, .empty_is_stale = false,
		  .stale_s = SSPSH_AGENT_STALE_S },
	};

	return stale_dirs_sweep(base, kinds, sizeof kinds / sizeof kinds[0]);
}
