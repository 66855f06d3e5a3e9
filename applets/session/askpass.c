/* ssh's questions for the client's relay; see applets/session/askpass.h. */
#include "applets/session/askpass.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <mbedtls/platform_util.h>

#include "applets/session/stale_dirs.h"
#include "core/fdio.h"
#include "core/log.h"
#include "core/options.h"
#include "core/stream_sock.h"
#include "core/tty.h"

#define CTRL_C 0x03
#define CTRL_U 0x15
#define BACKSPACE 0x08
#define DELETE 0x7f
#define ESC 0x1b

#define DIR_PREFIX "sspsh-askpass-"
#define DIR_RANDOM 6		/* mkdtemp's XXXXXX */
#define SOCKET_NAME "socket"

enum state {
	IDLE,		/* listening for a helper */
	READING,	/* a helper's question is coming in */
	ASKING,		/* the question waits for the user */
};

/* Where an escape sequence typed at the prompt (an arrow key) is. */
enum escape { NO_ESCAPE, AFTER_ESC, IN_SEQUENCE };

struct askpass {
	char dir[PATH_MAX - 16];
	char path[PATH_MAX];
	int listen_fd;
	int conn_fd;			/* the helper asking; -1: none */
	enum state state;
	uint8_t request[2 + SSPSH_ASKPASS_PROMPT_MAX];
	size_t request_len;
	char prompt[SSPSH_ASKPASS_PROMPT_MAX + 1];	/* printable, one line */
	uint8_t answer[1 + SSPSH_ASKPASS_ANSWER_MAX];	/* 'y' and the typed answer */
	size_t answer_len;
	enum escape escape;
	bool cancelled;
};

/* ---- Listening ---- */

static const char *runtime_dir(void)
{
	const char *dir = getenv("XDG_RUNTIME_DIR");

	if (!dir || dir[0] != '/' || access(dir, W_OK | X_OK) != 0)
		dir = getenv("TMPDIR");
	if (!dir || dir[0] != '/' || access(dir, W_OK | X_OK) != 0)
		dir = "/tmp";
	return dir;
}

/* The socket's name says no PID: only a refused connection shows it dead. */
static bool askpass_socket_named(const char *name, long *pid)
{
	*pid = 0;
	return strcmp(name, SOCKET_NAME) == 0;
}

int askpass_dirs_sweep(const char *base)
{
	static const struct stale_dir_kind kind = {
		.what = "relay", .left_by = "a client", .prefix = DIR_PREFIX, .random_len = DIR_RANDOM,
		.is_socket = askpass_socket_named, .empty_is_stale = true, .stale_s = SSPSH_ASKPASS_STALE_S,
	};

	return stale_dirs_sweep(base, &kind, 1);
}

struct askpass *askpass_new(void)
{
	struct askpass *a = calloc(1, sizeof *a);
	const char *base = runtime_dir();

	if (!a) {
		log_warn("relay: out of memory for ssh's questions");
		return NULL;
	}
	a->conn_fd = a->listen_fd = -1;
	(void)askpass_dirs_sweep(base);	/* what killed clients left */
	if (snprintf(a->dir, sizeof a->dir, "%s/" DIR_PREFIX "XXXXXX", base) >= (int)sizeof a->dir ||
	    !mkdtemp(a->dir)) {
		log_warn("relay: cannot make a directory in %s for ssh's questions: %s", base, strerror(errno));
		free(a);
		return NULL;
	}
	snprintf(a->path, sizeof a->path, "%s/" SOCKET_NAME, a->dir);
	a->listen_fd = sock_listen_unix(a->path);
	if (a->listen_fd < 0) {
		log_warn("relay: cannot listen on %s for ssh's questions: %s", a->path, strerror(-a->listen_fd));
		askpass_free(a);
		return NULL;
	}
	return a;
}

static void end_question(struct askpass *a)
{
	if (a->conn_fd >= 0)
		close(a->conn_fd);
	a->conn_fd = -1;
	a->state = IDLE;
	a->request_len = a->answer_len = 0;
	a->escape = NO_ESCAPE;
	a->prompt[0] = '\0';
	mbedtls_platform_zeroize(a->answer, sizeof a->answer);
}

void askpass_free(struct askpass *a)
{
	if (!a)
		return;
	end_question(a);
	if (a->listen_fd >= 0) {
		close(a->listen_fd);
		unlink(a->path);
	}
	rmdir(a->dir);
	free(a);
}

const char *askpass_socket_path(const struct askpass *a)
{
	return a->path;
}

int askpass_pollfds(const struct askpass *a, struct pollfd *fds)
{
	/* While a question waits, its connection is watched for the helper
	 * going away (ssh was stopped). */
	fds[0] = (struct pollfd){ a->state == IDLE ? a->listen_fd : a->conn_fd, POLLIN, 0 };
	return 1;
}

/* Only a process of our own user may ask (the directory is 0700 too). */
static bool peer_is_us(int fd)
{
	struct ucred peer;
	socklen_t len = sizeof peer;

	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) == 0 && peer.uid == getuid();
}

/* The question as one line of printable ASCII: control characters and
 * line ends become spaces (runs of them one), other bytes '?'. */
static void set_prompt(struct askpass *a, const uint8_t *text, size_t len)
{
	size_t out = 0;

	for (size_t i = 0; i < len && out < SSPSH_ASKPASS_PROMPT_MAX; i++) {
		uint8_t c = text[i];

		if (c < 0x20 || c == DELETE)
			c = ' ';
		else if (c >= 0x80)
			c = '?';
		if (c == ' ' && (out == 0 || a->prompt[out - 1] == ' '))
			continue;
		a->prompt[out++] = (char)c;
	}
	while (out > 0 && a->prompt[out - 1] == ' ')
		out--;
	if (out == 0)
		memcpy(a->prompt, "ssh asks:", (out = 9));
	a->prompt[out] = '\0';
}

static size_t request_wanted(const struct askpass *a)
{
	return a->request_len < 2 ? 2 : 2 + ((size_t)a->request[0] << 8 | a->request[1]);
}

/* Reads what the helper has sent so far; the question is whole once its
 * announced length is in. */
static void read_request(struct askpass *a)
{
	for (;;) {
		size_t want = request_wanted(a);
		ssize_t n;

		if (want > sizeof a->request) {
			end_question(a);	/* longer than a helper of ours sends */
			return;
		}
		if (a->request_len >= 2 && a->request_len == want) {
			set_prompt(a, a->request + 2, a->request_len - 2);
			a->state = ASKING;
			return;
		}
		n = read(a->conn_fd, a->request + a->request_len, want - a->request_len);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			end_question(a);
			return;
		}
		a->request_len += (size_t)n;
	}
}

void askpass_step(struct askpass *a)
{
	struct pollfd p;
	int fd;

	if (!a)
		return;
	if (a->state == IDLE) {
		fd = sock_accept(a->listen_fd);
		if (fd < 0)
			return;
		if (!peer_is_us(fd) || a->cancelled) {
			close(fd);	/* after a cancel, ssh's next tries of this run too */
			return;
		}
		a->conn_fd = fd;
		a->state = READING;
	}
	if (a->state == READING) {
		read_request(a);
		return;
	}
	/* ASKING: the helper sends nothing more; anything readable is its end. */
	p = (struct pollfd){ a->conn_fd, POLLIN, 0 };
	if (poll(&p, 1, 0) > 0)
		end_question(a);
}

const char *askpass_prompt(const struct askpass *a)
{
	return a && a->state == ASKING ? a->prompt : NULL;
}

/* ---- Answering ---- */

static void answer(struct askpass *a)
{
	a->answer[0] = 'y';
	if (send(a->conn_fd, a->answer, 1 + a->answer_len, MSG_NOSIGNAL | MSG_DONTWAIT) !=
	    (ssize_t)(1 + a->answer_len))
		log_warn("relay: could not hand ssh the answer");
	end_question(a);
}

void askpass_cancel(struct askpass *a)
{
	if (a && a->state != IDLE)
		end_question(a);	/* the helper reads the end: cancelled */
}

bool askpass_take_cancelled(struct askpass *a)
{
	bool was = a && a->cancelled;

	if (a)
		a->cancelled = false;
	return was;
}

/* Backspace takes one character: a UTF-8 lead byte and what follows it. */
static void erase_character(struct askpass *a)
{
	while (a->answer_len > 0 && (a->answer[a->answer_len] & 0xc0) == 0x80)
		a->answer_len--;
	if (a->answer_len > 0)
		a->answer_len--;
	mbedtls_platform_zeroize(a->answer + 1 + a->answer_len, SSPSH_ASKPASS_ANSWER_MAX - a->answer_len);
}

/* Skips an escape sequence (an arrow key): ESC, then '[' or 'O' and
 * parameters up to a final byte. True while the key is part of one. */
static bool in_escape(struct askpass *a, uint8_t key)
{
	switch (a->escape) {
	case NO_ESCAPE:
		if (key != ESC)
			return false;
		a->escape = AFTER_ESC;
		return true;
	case AFTER_ESC:
		a->escape = key == '[' || key == 'O' ? IN_SEQUENCE : NO_ESCAPE;
		return true;
	case IN_SEQUENCE:
		if (key >= 0x40 && key <= 0x7e)
			a->escape = NO_ESCAPE;
		return true;
	}
	return false;
}

size_t askpass_typed(struct askpass *a, const uint8_t *keys, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t key = keys[i];

		if (!askpass_prompt(a))
			return i;
		if (in_escape(a, key))
			continue;
		if (key == '\r' || key == '\n') {
			answer(a);
		} else if (key == CTRL_C) {
			a->cancelled = true;
			end_question(a);
		} else if (key == BACKSPACE || key == DELETE) {
			erase_character(a);
		} else if (key == CTRL_U) {
			a->answer_len = 0;
			mbedtls_platform_zeroize(a->answer, sizeof a->answer);
		} else if (key >= 0x20 && a->answer_len < SSPSH_ASKPASS_ANSWER_MAX) {
			a->answer[1 + a->answer_len++] = key;
		}
		if (!askpass_prompt(a))
			return i + 1;
	}
	return len;
}

void askpass_ask_terminal(struct askpass *a)
{
	struct termios saved, quiet;
	int tty;
	uint8_t key;
	bool have_modes;

	if (!askpass_prompt(a))
		return;
	tty = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (tty < 0) {
		askpass_cancel(a);
		return;
	}
	have_modes = tcgetattr(tty, &saved) == 0;
	quiet = saved;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ICANON;
	if (have_modes)
		tcsetattr(tty, TCSAFLUSH, &quiet);
	(void)fd_write_all(tty, a->prompt, strlen(a->prompt));
	(void)fd_write_all(tty, " ", 1);
	while (askpass_prompt(a)) {
		if (tty_read_key(tty, &key) <= 0)	/* its end, or a Ctrl-C */
			askpass_cancel(a);
		else if (key != DELETE && key != BACKSPACE && key != CTRL_U)	/* the terminal edits */
			(void)askpass_typed(a, &key, 1);
	}
	(void)fd_write_all(tty, "\n", 1);
	if (have_modes)	/* what was typed after Enter is the session's: kept */
		tcsetattr(tty, TCSADRAIN, &saved);
	close(tty);
}

/* ---- The helper ---- */

static int connect_to(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof addr.sun_path)
		return -1;
	memcpy(addr.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

int askpass_helper_run(const char *socket_path, const char *prompt)
{
	uint8_t request[2 + SSPSH_ASKPASS_PROMPT_MAX], reply[1 + SSPSH_ASKPASS_ANSWER_MAX];
	size_t prompt_len = strlen(prompt), got = 0;
	int fd = connect_to(socket_path), status = 1;
	ssize_t n;

	if (fd < 0) {
		fprintf(stderr, "sspsh: nobody to ask at %s\n", socket_path);
		return 1;
	}
	if (prompt_len > SSPSH_ASKPASS_PROMPT_MAX)
		prompt_len = SSPSH_ASKPASS_PROMPT_MAX;
	request[0] = (uint8_t)(prompt_len >> 8);
	request[1] = (uint8_t)prompt_len;
	memcpy(request + 2, prompt, prompt_len);
	if (fd_write_all(fd, request, 2 + prompt_len)) {
		while (got < sizeof reply && (n = read(fd, reply + got, sizeof reply - got)) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				break;
			got += (size_t)n;
		}
	}
	if (got >= 1 && reply[0] == 'y' && fd_write_all(STDOUT_FILENO, reply + 1, got - 1) &&
	    fd_write_all(STDOUT_FILENO, "\n", 1))
		status = 0;
	mbedtls_platform_zeroize(reply, sizeof reply);
	close(fd);
	return status;
}
