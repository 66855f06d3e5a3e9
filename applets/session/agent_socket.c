/* Where a session's forwarded agent listens; see applets/session/agent_socket.h. */
#include "applets/session/agent_socket.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

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

/* A directory of this user's that nobody else may enter. */
static bool private_dir(const struct stat *st)
{
	return S_ISDIR(st->st_mode) && st->st_uid == geteuid() && (st->st_mode & 0777) == 0700;
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
	return private_dir(&st) ? 0 : -EEXIST;
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
	    !private_dir(&st))
		return;
	unlink(path);
	rmdir(dir);	/* fails, and keeps it, if anything else is in it */
}

/* ---- Sweeping ---- */

static bool alnum_run(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9')))
			return false;
	return s[len] == '\0';
}

/* 1: named as this version names a directory; 2: as older ones did. */
static int name_style(const char *name)
{
	size_t prefix = strlen(DIR_PREFIX), random;

	if (strncmp(name, DIR_PREFIX, prefix) != 0)
		return 0;
	random = strlen(name + prefix);
	if (random == NAME_RANDOM && alnum_run(name + prefix, random))
		return 1;
	if (random == OLD_NAME_RANDOM && alnum_run(name + prefix, random))
		return 2;
	return 0;
}

/* "agent.PID": the PID of the server that made it, else 0. */
static long socket_pid(const char *name)
{
	char *end;
	long pid;

	if (strncmp(name, SOCKET_PREFIX, strlen(SOCKET_PREFIX)) != 0)
		return 0;
	errno = 0;
	pid = strtol(name + strlen(SOCKET_PREFIX), &end, 10);
	return errno || *end || pid <= 0 ? 0 : pid;
}

/* A socket its server left: the server is gone and nothing listens. */
static bool dead_socket(const char *dir_path, int dir_fd, const char *name)
{
	char path[PATH_MAX];
	struct stat st;
	long pid = socket_pid(name);
	int fd;

	if (!pid || fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISSOCK(st.st_mode) ||
	    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
		return false;
	if (snprintf(path, sizeof path, "%s/%s", dir_path, name) >= (int)sizeof path)
		return false;
	fd = sock_connect_unix(path);
	if (fd >= 0)
		close(fd);
	return fd == -ECONNREFUSED;
}

/* The sockets in a stale directory, or none in one this version named
 * (older versions made theirs before any client asked). Removes them and
 * says whether the directory can go. */
static bool empty_stale_dir(const char *dir_path, int dir_fd, int style)
{
	DIR *d = fdopendir(dir_fd);
	struct dirent *e;
	char dead[4][NAME_MAX + 1];
	size_t n_dead = 0;
	bool stale = true;

	if (!d) {
		close(dir_fd);
		return false;
	}
	while (stale && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		stale = n_dead < sizeof dead / sizeof dead[0] && dead_socket(dir_path, dirfd(d), e->d_name);
		if (stale)
			snprintf(dead[n_dead++], sizeof dead[0], "%s", e->d_name);
	}
	stale = stale && (n_dead > 0 || style == 1);
	for (size_t i = 0; stale && i < n_dead; i++)
		stale = unlinkat(dirfd(d), dead[i], 0) == 0;
	closedir(d);
	return stale;
}

/* One entry of base: removed if it is an agent directory a killed server left. */
static bool sweep_one(const char *base, int base_fd, const char *name, time_t now)
{
	char dir_path[PATH_MAX];
	struct stat st, opened;
	int style = name_style(name), fd;

	if (!style || fstatat(base_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !private_dir(&st) ||
	    now - st.st_mtime < SSPSH_AGENT_STALE_S)
		return false;
	fd = openat(base_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (fstat(fd, &opened) != 0 || opened.st_ino != st.st_ino || opened.st_dev != st.st_dev ||
	    snprintf(dir_path, sizeof dir_path, "%s/%s", base, name) >= (int)sizeof dir_path) {
		close(fd);
		return false;
	}
	if (!empty_stale_dir(dir_path, fd, style) || unlinkat(base_fd, name, AT_REMOVEDIR) != 0)
		return false;
	log_info("agent forwarding: removed %s, which a server that was killed left", dir_path);
	return true;
}

int agent_sockets_sweep(const char *base)
{
	DIR *d = opendir(base);
	struct dirent *e;
	time_t now = time(NULL);
	int removed = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		removed += sweep_one(base, dirfd(d), e->d_name, now);
	closedir(d);
	return removed;
}
