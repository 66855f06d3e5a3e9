/* Running `ssh HOST sspsh relay ADDR:PORT` for the client; see
 * applets/session/relay_link.h. */
#include "applets/session/relay_link.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "applets/session/askpass.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/dying.h"
#include "core/log.h"
#include "core/options.h"
#include "core/remote_cmd.h"
#include "core/signals.h"
#include "net/dgram_path.h"

/* Longest line of ssh's stderr kept whole. */
#define STDERR_LINE_MAX 200

struct relay_link {
	enum route_mode mode;
	char **argv;			/* ssh words, destination, remote command */
	int argc;
	struct buf remote_cmd;

	pid_t pid;			/* 0: no ssh runs */
	int stderr_fd;
	char line[STDERR_LINE_MAX + 1];
	size_t line_len;
	char last_line[STDERR_LINE_MAX + 1];	/* ssh's last word: its error when it gives up */
	struct dying stopped;		/* ssh processes being ended */
	uint64_t stopped_due;		/* when the set has work next */
	uint64_t next_start;		/* no new relay before then */
	uint64_t restart_ms;		/* the wait after the next failure */
	uint64_t failed_at;		/* when the last relay broke */
	bool rerun;			/* it broke: run it again at next_start */
	bool relaying;			/* the transport has our relay */
	struct askpass *askpass;	/* ssh's questions; NULL: none can be asked */
	char self[PATH_MAX];		/* this executable, ssh's askpass helper */
	int stop_signal;		/* what ended relay_link_await; 0: none */
	struct relay_link_counters counters;
};

/* ---- Creating ---- */

static bool build_argv(struct relay_link *l, const struct relay_link_settings *s)
{
	int n = 0;

	while (s->ssh[n])
		n++;
	l->argv = calloc((size_t)n + 3, sizeof *l->argv);
	if (!l->argv)
		return false;
	for (int i = 0; i < n; i++)
		l->argv[i] = s->ssh[i];
	l->argv[n] = (char *)s->destination;
	remote_cmd_relay(&l->remote_cmd, s->server, s->target);
	buf_put_u8(&l->remote_cmd, '\0');
	l->argv[n + 1] = (char *)l->remote_cmd.data;
	l->argc = n + 2;
	return !l->remote_cmd.oom;
}

/* The path of this executable, for ssh to run as its askpass helper. */
static bool readlink_self(char *out, size_t cap)
{
	ssize_t n = readlink("/proc/self/exe", out, cap - 1);

	if (n <= 0) {
		log_warn("relay: cannot find this executable (%s): ssh cannot ask for a password",
			 strerror(errno));
		return false;
	}
	out[n] = '\0';
	return true;
}

struct relay_link *relay_link_new(const struct relay_link_settings *s)
{
	struct relay_link *l = calloc(1, sizeof *l);

	if (l) {
		buf_init(&l->remote_cmd);
		l->mode = s->mode;
		l->stderr_fd = -1;
		l->restart_ms = SSPSH_RELAY_RESTART_MS;
		dying_init(&l->stopped);
		l->stopped_due = UINT64_MAX;
	}
	if (!l || !build_argv(l, s)) {
		log_error("out of memory for the relay");
		relay_link_free(l);
		return NULL;
	}
	(void)readlink_self(l->self, sizeof l->self);
	return l;
}

/* ---- The ssh process ---- */

/* In the child: its own session (no terminal: ssh asks its questions
 * through the askpass helper, this executable), fds 0-2 set. The client
 * stops it by its PID however the client ends, but for SIGKILL: then the
 * kernel sends ssh SIGTERM. */
static void exec_ssh(const struct relay_link *l, pid_t client, int in, int out, int err)
{
	char *const *argv = l->argv;

	if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != client)
		_exit(126);
	if (setsid() < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(126);
	if (l->askpass && (setenv("SSH_ASKPASS", l->self, 1) || setenv("SSH_ASKPASS_REQUIRE", "force", 1) ||
			   setenv(ASKPASS_SOCKET_ENV, askpass_socket_path(l->askpass), 1)))
		_exit(126);
	execvp(argv[0], argv);
	dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static void close_pair(int p[2])
{
	for (int i = 0; i < 2; i++)
		if (p[i] >= 0)
			close(p[i]);
}

/* Starts ssh; the framed pipe to its relay, or NULL (logged). */
static struct dgram_path *spawn(struct relay_link *l)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
	pid_t client = getpid();

	if (!l->askpass && l->self[0])
		l->askpass = askpass_new();	/* at the first run: most sessions never need one */
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC | O_NONBLOCK)) {
		log_warn("relay: cannot make pipes: %s", strerror(errno));
		goto fail;
	}
	l->pid = fork();
	if (l->pid < 0) {
		log_warn("relay: cannot start %s: %s", l->argv[0], strerror(errno));
		l->pid = 0;
		goto fail;
	}
	if (l->pid == 0)
		exec_ssh(l, client, in[0], out[1], err[1]);
	close(in[0]);
	close(out[1]);
	close(err[1]);
	l->stderr_fd = err[0];
	l->line_len = 0;
	l->last_line[0] = '\0';
	(void)askpass_take_cancelled(l->askpass);	/* a new run asks afresh */
	return dgram_path_pipe(out[0], in[1], DGRAM_PIPE_AWAIT_HELLO);
fail:
	close_pair(in);
	close_pair(out);
	close_pair(err);
	return NULL;
}

/* Logs whole lines of ssh's stderr as they come. */
static void drain_stderr(struct relay_link *l)
{
	char chunk[512];
	ssize_t n;

	while (l->stderr_fd >= 0 && (n = read(l->stderr_fd, chunk, sizeof chunk)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return;
			break;
		}
		for (ssize_t i = 0; i < n; i++) {
			bool end = chunk[i] == '\n' || l->line_len == STDERR_LINE_MAX;

			if (chunk[i] != '\n' && chunk[i] != '\r' && l->line_len < STDERR_LINE_MAX)
				l->line[l->line_len++] = chunk[i];
			if (end && l->line_len) {
				l->line[l->line_len] = '\0';
				log_info("relay: ssh: %s", l->line);
				memcpy(l->last_line, l->line, l->line_len + 1);
				l->line_len = 0;
			}
		}
	}
	close(l->stderr_fd);	/* end of file: ssh and its children are gone */
	l->stderr_fd = -1;
}

/* Collects the running ssh if it exited, and stopped ones. */
static void reap(struct relay_link *l, uint64_t now)
{
	int status;

	drain_stderr(l);
	l->stopped_due = dying_step(&l->stopped, now);
	if (l->pid <= 0 || waitpid(l->pid, &status, WNOHANG) != l->pid)
		return;
	if (WIFEXITED(status))
		log_info("relay: ssh exited with status %d", WEXITSTATUS(status));
	else
		log_info("relay: ssh was ended by signal %d", WTERMSIG(status));
	l->pid = 0;
}

/* Hangs up on ssh; it is collected (or killed) by later steps. */
static void stop(struct relay_link *l, uint64_t now)
{
	if (l->pid > 0) {
		dying_add(&l->stopped, l->pid, now);
		l->pid = 0;
		l->stopped_due = dying_step(&l->stopped, now);
	}
}

void relay_link_free(struct relay_link *l)
{
	if (!l)
		return;
	stop(l, clock_ms());
	(void)dying_finish(&l->stopped);	/* bounded: SIGKILL after the grace */
	dying_free(&l->stopped);
	if (l->stderr_fd >= 0)
		close(l->stderr_fd);
	askpass_free(l->askpass);
	buf_free(&l->remote_cmd);
	free(l->argv);
	free(l);
}

/* ---- Deciding ---- */

/* In auto, a relay that broke is run again after the wait its failure
 * announced (rerun), unless UDP answers meanwhile (relay_link_step). */
static bool wanted(const struct relay_link *l, uint64_t quiet_ms, bool ever_heard)
{
	if (l->mode == ROUTE_SSH || l->rerun)
		return true;
	if (l->mode == ROUTE_UDP)
		return false;
	return quiet_ms >= (ever_heard ? SSPSH_RELAY_FALLBACK_LOST_MS : SSPSH_RELAY_FALLBACK_MS);
}

static void failed(struct relay_link *l, struct transport *t, uint64_t now, const char *why)
{
	if (askpass_take_cancelled(l->askpass))
		l->restart_ms = SSPSH_RELAY_RESTART_MAX_MS;	/* the user said no: ask again later */
	log_info("relay: %s; trying again in %llu ms%s", why, (unsigned long long)l->restart_ms,
		 l->mode == ROUTE_AUTO ? " unless UDP answers first" : "");
	transport_drop_relay(t);
	l->rerun = true;
	l->failed_at = now;
	l->relaying = false;
	l->counters.failures++;
	stop(l, now);
	l->next_start = now + l->restart_ms;
	l->restart_ms = l->restart_ms * 2 > SSPSH_RELAY_RESTART_MAX_MS ? SSPSH_RELAY_RESTART_MAX_MS
								      : l->restart_ms * 2;
}

/* The transport's relay: still ours, broken, or dropped for UDP. */
static void watch(struct relay_link *l, struct transport *t, uint64_t quiet_ms, uint64_t now)
{
	const struct dgram_path *relay = transport_relay(t);

	if (!relay) {
		log_info("relay: UDP passes again; the ssh relay is stopped");
		l->relaying = false;
		stop(l, now);
	} else if (dgram_path_state(relay) != DGRAM_PATH_OPEN) {
		failed(l, t, now, dgram_path_error(relay));
	} else if (l->pid == 0) {
		failed(l, t, now, "ssh has exited");
	} else if (quiet_ms < SSPSH_RELAY_FALLBACK_MS) {
		l->restart_ms = SSPSH_RELAY_RESTART_MS;	/* it works */
	}
}

static bool start(struct relay_link *l, struct transport *t, bool ever_heard, uint64_t now,
		  const char **notice)
{
	struct dgram_path *path = spawn(l);

	l->counters.starts++;
	l->rerun = false;
	if (!path) {
		l->relaying = true;	/* so that failed() counts and backs off */
		failed(l, t, now, "could not start ssh");
		return false;
	}
	transport_use_relay(t, path, l->mode == ROUTE_AUTO);
	l->relaying = true;
	log_info("relaying through ssh: %s %s sspsh relay", l->argv[0], l->argv[l->argc - 2]);
	if (l->mode == ROUTE_AUTO && !ever_heard)
		*notice = "sspsh: no answer over UDP; relaying through ssh.";
	return true;
}

bool relay_link_step(struct relay_link *l, struct transport *t, uint64_t quiet_ms, bool ever_heard,
		     uint64_t now, const char **notice)
{
	*notice = NULL;
	if (l->mode == ROUTE_SSH)
		transport_forbid_udp(t);	/* not even between relays */
	reap(l, now);
	askpass_step(l->askpass);
	if (l->pid == 0)
		askpass_cancel(l->askpass);	/* the ssh that asked has gone */
	if (l->relaying)
		watch(l, t, quiet_ms, now);
	if (l->rerun && quiet_ms < now - l->failed_at)
		l->rerun = false;	/* UDP answered since the relay broke */
	if (l->relaying || l->pid > 0 || now < l->next_start || !wanted(l, quiet_ms, ever_heard))
		return false;
	return start(l, t, ever_heard, now, notice);
}

struct dgram_path *relay_link_open(struct relay_link *l)
{
	struct dgram_path *path = spawn(l);

	l->counters.starts++;
	if (path) {
		l->relaying = true;
		log_info("relaying through ssh: %s %s sspsh relay", l->argv[0], l->argv[l->argc - 2]);
	}
	return path;
}

uint64_t relay_link_deadline(const struct relay_link *l, uint64_t now)
{
	uint64_t due = now + 1000;	/* ssh's exit is noticed within a second */

	if (l->stopped_due < due)
		due = l->stopped_due;
	if (!l->relaying && l->next_start > now && l->next_start < due)
		due = l->next_start;
	return due;
}

int relay_link_pollfds(const struct relay_link *l, struct pollfd *fds)
{
	fds[0] = (struct pollfd){ l->stderr_fd, POLLIN, 0 };
	if (!l->askpass)
		return 1;
	return 1 + askpass_pollfds(l->askpass, fds + 1);
}

const char *relay_link_question(const struct relay_link *l)
{
	return askpass_prompt(l->askpass);
}

size_t relay_link_typed(struct relay_link *l, const uint8_t *keys, size_t len)
{
	return askpass_typed(l->askpass, keys, len);
}

/* ssh has not got through yet: said once, as ssh itself says nothing
 * while it tries (its ConnectTimeout, or TCP's two minutes, decide). */
static void say_still_trying(const struct relay_link *l, uint64_t began, bool *said)
{
	if (*said || clock_ms() - began < SSPSH_NO_CONTACT_NOTICE_MS)
		return;
	log_warn("relay: no answer through ssh from %s yet (ssh is still trying; Ctrl-C quits)",
		 l->argv[l->argc - 2]);
	*said = true;
}

/* Why the relay did not come up: ssh's own last line when it gave up
 * (its end of file may come before its exit is collected). */
static void say_why_not(const struct relay_link *l, const struct dgram_path *path)
{
	bool ssh_ended = l->pid == 0 || dgram_path_state(path) == DGRAM_PATH_ENDED;

	if (ssh_ended && l->last_line[0])
		log_error("relay: %s", l->last_line);
	else
		log_error("relay: %s", l->pid ? dgram_path_error(path) : "ssh has exited");
}

bool relay_link_await(struct relay_link *l, struct dgram_path *path)
{
	struct pollfd p[DGRAM_PATH_POLLFDS + RELAY_LINK_POLLFDS + 1];
	uint8_t junk[SSPSH_RELAY_FRAME_MAX];
	struct udp_addr from;
	uint64_t began = clock_ms();
	bool said = false;

	while (dgram_path_state(path) == DGRAM_PATH_OPEN && !dgram_path_greeted(path)) {
		int n = dgram_path_pollfds(path, p);
		uint64_t waited = clock_ms() - began;
		int wait = said || waited >= SSPSH_NO_CONTACT_NOTICE_MS ? 1000
								      : (int)(SSPSH_NO_CONTACT_NOTICE_MS - waited);

		n += relay_link_pollfds(l, p + n);
		p[n++] = (struct pollfd){ signals_fd(), POLLIN, 0 };
		if (poll(p, (nfds_t)n, wait) < 0 && errno != EINTR)
			break;
		signals_take(SIGCHLD);	/* ssh's exit: reap looks */
		if ((l->stop_signal = signals_take_ending()))
			break;	/* Ctrl-C: ssh is stopped below */
		reap(l, clock_ms());
		askpass_step(l->askpass);
		said = said || askpass_prompt(l->askpass);	/* a question: ssh got through */
		askpass_ask_terminal(l->askpass);
		if ((l->stop_signal = signals_take_ending()))
			break;	/* at ssh's question */
		(void)dgram_path_flush(path);
		(void)dgram_path_receive(path, junk, sizeof junk, &from);	/* reads the hello */
		if (l->pid == 0 && !dgram_path_greeted(path))
			break;
		if (!dgram_path_greeted(path))
			say_still_trying(l, began, &said);
	}
	if (dgram_path_greeted(path))
		return true;
	drain_stderr(l);
	if (!l->stop_signal)
		say_why_not(l, path);
	l->relaying = false;
	l->counters.failures++;
	stop(l, clock_ms());
	return false;
}

int relay_link_stop_signal(const struct relay_link *l)
{
	return l->stop_signal;
}

const struct relay_link_counters *relay_link_counters(const struct relay_link *l)
{
	return &l->counters;
}
