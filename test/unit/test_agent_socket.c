/* The server's agent socket for -A (applets/session/agent_socket.h): made
 * only when a client asks, removed with its directory, and what a killed
 * server left removed by the next one, never anything else. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "applets/session/agent_socket.h"
#include "core/options.h"
#include "test/unit/unit.h"

/* Each test's own directory under root, where the sweep looks. */
static char root[] = "/tmp/sspsh-test-agent-XXXXXX";
static char base[64];
static int tests;

static void fresh_base(void)
{
	snprintf(base, sizeof base, "%s/%d", root, ++tests);
	if (mkdir(base, 0700) != 0)
		perror(base);
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static int mode_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 ? (int)(st.st_mode & 0777) : -1;
}

static void parent(const char *path, char *dir, size_t cap)
{
	snprintf(dir, cap, "%s", path);
	*strrchr(dir, '/') = '\0';
}

/* A PID that no process has: a child's, collected. */
static long dead_pid(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return (long)pid;
}

/* base/NAME with a socket agent.PID in it, listening or not, its
 * directory's time set back by age_s. */
static int make_agent_dir(const char *name, long pid, bool listening, int age_s, char *dir,
			  size_t cap)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct timespec times[2];
	int fd;

	snprintf(dir, cap, "%s/%s", base, name);
	if (mkdir(dir, 0700) != 0)
		return -1;
	snprintf(a.sun_path, sizeof a.sun_path, "%s/agent.%ld", dir, pid);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 1) != 0)
		return -1;
	if (!listening) {
		close(fd);
		fd = -2;
	}
	clock_gettime(CLOCK_REALTIME, &times[0]);
	times[0].tv_sec -= age_s;
	times[1] = times[0];
	utimensat(AT_FDCWD, dir, times, AT_SYMLINK_NOFOLLOW);
	return fd;
}

static void age_dir(const char *dir, int age_s)
{
	struct timespec times[2];

	clock_gettime(CLOCK_REALTIME, &times[0]);
	times[0].tv_sec -= age_s;
	times[1] = times[0];
	utimensat(AT_FDCWD, dir, times, AT_SYMLINK_NOFOLLOW);
}

TEST(the_directory_exists_only_while_a_client_listens)
{
	char path[PATH_MAX], dir[PATH_MAX];
	int fd;

	EXPECT(agent_socket_name(base, path, sizeof path));
	EXPECT(strncmp(path, base, strlen(base)) == 0);
	parent(path, dir, sizeof dir);
	EXPECT(!exists(dir));	/* named, not made */
	fd = agent_socket_listen(path);
	EXPECT(fd >= 0);
	EXPECT_INT(mode_of(dir), 0700);
	EXPECT_INT(mode_of(path), 0600);
	close(fd);
	fd = agent_socket_listen(path);	/* the next client's replaces the socket */
	EXPECT(fd >= 0);
	close(fd);
	agent_socket_remove(path);
	EXPECT(!exists(path) && !exists(dir));
	agent_socket_remove(path);	/* twice is fine */
}

TEST(a_directory_not_ours_is_never_used_nor_removed)
{
	char path[PATH_MAX], dir[PATH_MAX];

	EXPECT(agent_socket_name(base, path, sizeof path));
	parent(path, dir, sizeof dir);
	EXPECT(mkdir(dir, 0755) == 0);	/* someone made it first, open to all */
	EXPECT_INT(agent_socket_listen(path), -EEXIST);
	agent_socket_remove(path);
	EXPECT(exists(dir));
	rmdir(dir);
}

TEST(a_name_too_long_for_a_socket_is_refused)
{
	char long_base[200], path[PATH_MAX];

	memset(long_base, 'x', sizeof long_base - 1);
	long_base[0] = '/';
	long_base[sizeof long_base - 1] = '\0';
	EXPECT(!agent_socket_name(long_base, path, sizeof path));
	EXPECT_STR(path, "");
}

TEST(the_sweep_removes_what_killed_servers_left)
{
	char dead[PATH_MAX], empty[PATH_MAX];

	EXPECT(make_agent_dir("sspsh-agent-Aaaaaaaaaaa1", dead_pid(), false, 120, dead,
			      sizeof dead) == -2);
	snprintf(empty, sizeof empty, "%s/sspsh-agent-Aaaaaaaaaaa2", base);
	EXPECT(mkdir(empty, 0700) == 0);	/* killed between mkdir and listen */
	age_dir(empty, 120);
	EXPECT_INT(agent_sockets_sweep(base), 2);
	EXPECT(!exists(dead) && !exists(empty));
}

TEST(the_sweep_keeps_everything_else)
{
	char live[PATH_MAX], other_ns[PATH_MAX], young[PATH_MAX], old_empty[PATH_MAX],
	     open_dir[PATH_MAX], extra[PATH_MAX], link[PATH_MAX], odd[PATH_MAX], file[PATH_MAX + 8];
	int live_fd, other_fd, fd;

	live_fd = make_agent_dir("sspsh-agent-Bbbbbbbbbbb1", (long)getpid(), true, 120, live,
				 sizeof live);
	/* Its PID gone from here, but listened at (a server of another PID
	 * namespace sharing /tmp). */
	other_fd = make_agent_dir("sspsh-agent-Bbbbbbbbbbb2", dead_pid(), true, 120, other_ns,
				  sizeof other_ns);
	EXPECT(live_fd >= 0 && other_fd >= 0);
	EXPECT(make_agent_dir("sspsh-agent-Bbbbbbbbbbb3", dead_pid(), false, 5, young,
			      sizeof young) == -2);
	/* An older version's directory made before any client asked. */
	snprintf(old_empty, sizeof old_empty, "%s/sspsh-agent-Bbbbb4", base);
	EXPECT(mkdir(old_empty, 0700) == 0);
	age_dir(old_empty, 120);
	EXPECT(make_agent_dir("sspsh-agent-Bbbbbbbbbbb5", dead_pid(), false, 120, open_dir,
			      sizeof open_dir) == -2);
	EXPECT(chmod(open_dir, 0755) == 0);
	age_dir(open_dir, 120);
	EXPECT(make_agent_dir("sspsh-agent-Bbbbbbbbbbb6", dead_pid(), false, 0, extra,
			      sizeof extra) == -2);
	snprintf(file, sizeof file, "%s/notes", extra);
	fd = open(file, O_CREAT | O_WRONLY, 0600);
	EXPECT(fd >= 0);
	close(fd);
	age_dir(extra, 120);
	snprintf(link, sizeof link, "%s/sspsh-agent-Bbbbbbbbbbb7", base);
	EXPECT(symlink(open_dir, link) == 0);
	EXPECT(make_agent_dir("sspsh-agent-B.bbbbbbbbb8", dead_pid(), false, 120, odd,
			      sizeof odd) == -2);

	EXPECT_INT(agent_sockets_sweep(base), 0);
	EXPECT(exists(live) && exists(other_ns) && exists(young) && exists(old_empty) &&
	       exists(open_dir) && exists(extra) && exists(link) && exists(odd));
	close(live_fd);
	close(other_fd);
}

TEST(the_sweep_keeps_another_users_directory)
{
	char theirs[PATH_MAX];

	if (geteuid() != 0)
		SKIP("needs root to give a directory to another user");
	EXPECT(make_agent_dir("sspsh-agent-Ccccccccccc1", dead_pid(), false, 120, theirs,
			      sizeof theirs) == -2);
	EXPECT(chown(theirs, 65534, 65534) == 0);
	age_dir(theirs, 120);
	EXPECT_INT(agent_sockets_sweep(base), 0);
	EXPECT(exists(theirs));
}

#define RUN_IN_FRESH_BASE(fn) do { fresh_base(); RUN(fn); } while (0)

int main(void)
{
	char command[PATH_MAX + 16];
	int status;

	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	RUN_IN_FRESH_BASE(the_directory_exists_only_while_a_client_listens);
	RUN_IN_FRESH_BASE(a_directory_not_ours_is_never_used_nor_removed);
	RUN_IN_FRESH_BASE(a_name_too_long_for_a_socket_is_refused);
	RUN_IN_FRESH_BASE(the_sweep_removes_what_killed_servers_left);
	RUN_IN_FRESH_BASE(the_sweep_keeps_everything_else);
	RUN_IN_FRESH_BASE(the_sweep_keeps_another_users_directory);
	snprintf(command, sizeof command, "rm -rf '%s'", root);
	status = system(command);
	return status == 0 ? unit_exit_status() : 1;
}
