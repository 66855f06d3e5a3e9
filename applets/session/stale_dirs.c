/* Sweeping the socket directories dead processes left; see
 * applets/session/stale_dirs.h. */
#include "applets/session/stale_dirs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/stream_sock.h"

/* More sockets than a directory of ours ever holds: not ours. */
#define SOCKETS_MAX 4

bool stale_dir_private(const struct stat *st)
{
	return S_ISDIR(st->st_mode) && st->st_uid == geteuid() && (st->st_mode & 0777) == 0700;
}

static bool alnum_run(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9')))
			return false;
	return s[len] == '\0';
}

/* The kind a directory's name says it is, or NULL. */
static const struct stale_dir_kind *kind_named(const char *name, const struct stale_dir_kind *kinds,
					       size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t prefix = strlen(kinds[i].prefix);

		if (strncmp(name, kinds[i].prefix, prefix) == 0 &&
		    strlen(name + prefix) == kinds[i].random_len && alnum_run(name + prefix, kinds[i].random_len))
			return &kinds[i];
	}
	return NULL;
}

/* A socket its process left: that process is gone and nothing listens. */
static bool dead_socket(const char *dir_path, int dir_fd, const char *name,
			const struct stale_dir_kind *kind)
{
	char path[PATH_MAX];
	struct stat st;
	long pid = 0;
	int fd;

	if (!kind->is_socket(name, &pid) || fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
	    !S_ISSOCK(st.st_mode) || (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno != ESRCH)))
		return false;
	if (snprintf(path, sizeof path, "%s/%s", dir_path, name) >= (int)sizeof path)
		return false;
	fd = sock_connect_unix(path);
	if (fd >= 0)
		close(fd);
	return fd == -ECONNREFUSED;
}

/* Removes the dead sockets of a stale directory and says whether the
 * directory can go: it held nothing else (and something, unless the kind
 * leaves empty ones too). */
static bool empty_stale_dir(const char *dir_path, int dir_fd, const struct stale_dir_kind *kind)
{
	DIR *d = fdopendir(dir_fd);
	struct dirent *e;
	char dead[SOCKETS_MAX][NAME_MAX + 1];
	size_t n_dead = 0;
	bool stale = true;

	if (!d) {
		close(dir_fd);
		return false;
	}
	while (stale && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		stale = n_dead < SOCKETS_MAX && dead_socket(dir_path, dirfd(d), e->d_name, kind);
		if (stale)
			snprintf(dead[n_dead++], sizeof dead[0], "%s", e->d_name);
	}
	stale = stale && (n_dead > 0 || kind->empty_is_stale);
	for (size_t i = 0; stale && i < n_dead; i++)
		stale = unlinkat(dirfd(d), dead[i], 0) == 0;
	closedir(d);
	return stale;
}

/* One entry of base: removed if it is a directory a dead process left. */
static bool sweep_one(const char *base, int base_fd, const char *name, time_t now,
		      const struct stale_dir_kind *kinds, size_t n)
{
	const struct stale_dir_kind *kind = kind_named(name, kinds, n);
	char dir_path[PATH_MAX];
	struct stat st, opened;
	int fd;

	if (!kind || fstatat(base_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !stale_dir_private(&st) ||
	    now - st.st_mtime < kind->stale_s)
		return false;
	fd = openat(base_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (fstat(fd, &opened) != 0 || opened.st_ino != st.st_ino || opened.st_dev != st.st_dev ||
	    snprintf(dir_path, sizeof dir_path, "%s/%s", base, name) >= (int)sizeof dir_path) {
		close(fd);
		return false;
	}
	if (!empty_stale_dir(dir_path, fd, kind) || unlinkat(base_fd, name, AT_REMOVEDIR) != 0)
		return false;
	log_info("%s: removed %s, which %s that was killed left", kind->what, dir_path, kind->left_by);
	return true;
}

int stale_dirs_sweep(const char *base, const struct stale_dir_kind *kinds, size_t n)
{
	DIR *d = opendir(base);
	struct dirent *e;
	time_t now = time(NULL);
	int removed = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		removed += sweep_one(base, dirfd(d), e->d_name, now, kinds, n);
	closedir(d);
	return removed;
}
