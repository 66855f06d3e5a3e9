/* The command lines `sspsh connect HOST` gives ssh to run on the remote host.
 * ssh hands its command to the user's login shell, which may be any shell,
 * so each is one `sh -c '<script>'` with every argument quoted for sh.
 * The scripts print the lines of core/bootstrap.h. */
#ifndef SSPSH_REMOTE_CMD_H
#define SSPSH_REMOTE_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

/* Where a fresh install goes, relative to the remote $HOME. A login shell's
 * PATH may not hold it, so the scripts look there explicitly. */
#define REMOTE_INSTALL_DIR ".local/bin"

struct remote_server_args {
	/* The --server string: a path or shell words, run as `SERVER server ...`.
	 * NULL: sspsh from PATH, else ~/.local/bin/sspsh. */
	const char *server;
	const char *port;		/* -p PORT|LOW:HIGH, or NULL */
	const char *scrollback;		/* --scrollback N, or NULL */
	const char *const *env;		/* NAME=VALUE for -l, NULL-terminated; may be NULL */
	const char *const *command;	/* after --, NULL-terminated; NULL: login shell */
};

enum remote_server_where {
	REMOTE_SERVER_FIND,		/* as args->server says */
	REMOTE_SERVER_INSTALLED,	/* ~/.local/bin/sspsh, just installed */
};

/* The command lines hold no single quote, backslash or newline of their
 * own, so any login shell (sh, bash, dash, zsh, fish, csh, tcsh) hands
 * `sh -c` the same script. The words after `server` that come from the
 * user (-l values, the command) are passed as they are when every one is
 * plain (letters, digits, _./:=@%+,-), and else as the one argument
 * `--argv BASE64`: each word followed by a NUL, which `sspsh server` decodes
 * (remote_cmd_argv_decode). */
#define REMOTE_ARGV_OPTION "--argv"

/* Starts the server; when it is not found, prints "SSPSH NOTFOUND <uname -sm>"
 * and exits 127. */
void remote_cmd_start_server(struct buf *out, const struct remote_server_args *args,
			     enum remote_server_where where);

/* Runs `sspsh relay TARGET` (found as remote_cmd_start_server finds the
 * server; server as there) with stdin and stdout left to the caller's
 * frames; when no sspsh is found, says so on stderr and exits 127. */
void remote_cmd_relay(struct buf *out, const char *server, const char *target);

/* Decodes the BASE64 of --argv into words (a NULL-terminated vector of
 * *count words; free it with remote_cmd_argv_free). False if it is not
 * canonical base64 of NUL-terminated words. */
bool remote_cmd_argv_decode(const char *text, char ***words, int *count);
void remote_cmd_argv_free(char **words);

/* Reads exactly `size` bytes from stdin into ~/.local/bin/sspsh (mode 0755),
 * through a temporary file renamed into place only once its size and its
 * SHA-256 (sha256sum, shasum or openssl there) are the expected ones, so a
 * broken or altered transfer never leaves a sspsh to run. sha256_hex: 64
 * lowercase hex digits. Exits non-zero, with a message, on failure. */
void remote_cmd_install(struct buf *out, size_t size, const char *sha256_hex);

#endif
