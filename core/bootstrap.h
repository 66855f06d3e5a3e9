/* What `sspsh connect HOST` reads from the ssh that started the server.
 * The remote side prints, among whatever else the login produces:
 *   SSPSH CONNECT <port> <key> [<addr>] proto=<n> version=<v> machine=<m> exe=<path>
 *                                         the server is up: UDP port, session
 *                                         key (base64), the address the ssh
 *                                         client reached (from SSH_CONNECTION),
 *                                         its wire-protocol version, its sspsh
 *                                         version, machine and executable
 *                                         (~/ for the home directory)
 *   SSPSH NOTFOUND <uname -s> <uname -m>  no sspsh on the remote PATH (printed
 *                                         by the remote bootstrap script)
 * A scanner takes ssh's output in chunks as it arrives, picks these lines out
 * and passes every other byte through untouched and without delay, so remote
 * error messages reach the user as they were. The key never passes through. */
#ifndef SSPSH_BOOTSTRAP_H
#define SSPSH_BOOTSTRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define BOOTSTRAP_LINE_MAX 512
#define BOOTSTRAP_KEY_MAX 128
#define BOOTSTRAP_ADDR_MAX 64
#define BOOTSTRAP_PLATFORM_MAX 64
#define BOOTSTRAP_VERSION_MAX 32
#define BOOTSTRAP_MACHINE_MAX 31
#define BOOTSTRAP_EXE_MAX 200

struct bootstrap_connect {
	uint16_t port;
	char key[BOOTSTRAP_KEY_MAX + 1];
	char addr[BOOTSTRAP_ADDR_MAX + 1];	/* "" when the server did not say */
	/* From name=value fields; 0 or "" when the server did not say (a
	 * server older than these fields). Unknown names are ignored. */
	unsigned protocol;
	char version[BOOTSTRAP_VERSION_MAX + 1];
	char machine[BOOTSTRAP_MACHINE_MAX + 1];
	char exe[BOOTSTRAP_EXE_MAX + 1];
};

struct bootstrap_scan {
	char line[BOOTSTRAP_LINE_MAX];
	size_t len;
	bool passing;		/* the current line is not ours: bytes go straight through */
	bool dropping;		/* the current line is an overlong CONNECT: swallow it */
	bool have_connect;
	bool have_notfound;
	bool saw_bad_connect;	/* a CONNECT line that did not parse */
	struct bootstrap_connect connect;
	char platform[BOOTSTRAP_PLATFORM_MAX + 1];	/* from NOTFOUND, e.g. "Linux x86_64" */
};

void bootstrap_scan_init(struct bootstrap_scan *s);
/* Appends to passthrough every byte of data that is not part of a line of ours. */
void bootstrap_scan_feed(struct bootstrap_scan *s, const uint8_t *data, size_t len,
			 struct buf *passthrough);
/* At end of output: passes through a held-back partial line. */
void bootstrap_scan_finish(struct bootstrap_scan *s, struct buf *passthrough);
/* Zeroes everything, the key included. */
void bootstrap_scan_wipe(struct bootstrap_scan *s);

/* Writes the server's CONNECT line, newline included, into out (reset
 * first): this build's protocol, version and machine, and exe (the
 * executable's path, "~/" for the home directory) when it is made only of
 * characters the parser takes. addr may be NULL. */
void bootstrap_format_connect(struct buf *out, uint16_t port, const char *key, const char *addr,
			      const char *exe);

/* Parses one line (no newline; trailing CRs allowed) "SSPSH CONNECT port key
 * [addr] [name=value]..." into out; false if it is anything else or
 * malformed, and then out is all zeros. */
bool bootstrap_parse_connect(const char *line, size_t len, struct bootstrap_connect *out);

#endif
