/* Key files of SSH-free sessions, in OpenSSH's spirit:
 *
 *   private key   "sspsh-x25519-private <base64 key> [comment]"   mode 0600
 *   public key    "sspsh-x25519 <base64 key> [comment]"
 *   authorized_keys  public key lines, each may start with options
 *                 ("permit-forward sspsh-x25519 ..."); '#' comments and
 *                 blank lines skipped
 *   known_hosts   "<host>[,<host>...] sspsh-x25519 <base64 key> [comment]"
 *
 * Keys are raw 32-byte X25519 keys in standard base64. A fingerprint is
 * "SHA256:" and the unpadded base64 of SHA-256 over the 32 key bytes.
 * Every failure is reported once, as one line through log.h; a bad line in
 * a list file is reported as "FILE:LINE: why" and skipped. */
#ifndef SSPSH_KEYFILE_H
#define SSPSH_KEYFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/options.h"

#define KEY_LEN 32
#define KEY_TYPE "sspsh-x25519"
#define KEY_PRIVATE_TYPE "sspsh-x25519-private"
/* "SHA256:", 43 base64 characters and a NUL (one spare byte). */
#define KEY_FINGERPRINT_SIZE 52
/* A public key line with the longest comment, and its NUL. */
#define KEY_LINE_SIZE (sizeof KEY_TYPE + 44 + 1 + SSPSH_KEY_COMMENT_MAX + 8)

struct public_key {
	uint8_t key[KEY_LEN];
	char comment[SSPSH_KEY_COMMENT_MAX + 1];
	bool permit_forward;	/* authorized_keys: the key may forward ports and its agent */
};

struct key_list {
	struct public_key *keys;
	size_t count;
};

void key_fingerprint(const uint8_t key[KEY_LEN], char out[KEY_FINGERPRINT_SIZE]);
/* "sspsh-x25519 <base64> <comment>" (no comment part when comment is empty). */
void key_format_public(const uint8_t key[KEY_LEN], const char *comment, char out[KEY_LINE_SIZE]);
/* Parses one public key line (no newline). On failure *why says what is wrong. */
bool key_parse_public(const char *line, size_t len, struct public_key *out, const char **why);

/* A comment fits in a key line: printable, no newline, not too long. */
bool key_comment_ok(const char *comment);

/* Reads a private key file. Refuses, like ssh, a file other users may read
 * or that someone else owns. comment may be NULL. */
bool keyfile_read_private(const char *path, uint8_t key[KEY_LEN], char comment[SSPSH_KEY_COMMENT_MAX + 1]);
/* Parses the text of a private key file; name is used in messages. */
bool keyfile_parse_private(const char *name, const char *text, size_t len, uint8_t key[KEY_LEN],
			   char comment[SSPSH_KEY_COMMENT_MAX + 1]);
/* Writes a file atomically (a temporary file renamed over path): the
 * private key with mode 0600, the public key with mode 0644. */
bool keyfile_write_private(const char *path, const uint8_t key[KEY_LEN], const char *comment);
bool keyfile_write_public(const char *path, const uint8_t key[KEY_LEN], const char *comment);
/* Reads the private key at path, or makes a fresh one there (server host
 * keys are created on first run). pub gets its public key. */
bool keyfile_load_or_create(const char *path, uint8_t key[KEY_LEN], uint8_t pub[KEY_LEN]);

/* $HOME/.sspsh/<name>; with create_dir, makes $HOME/.sspsh (mode 0700)
 * if missing. False (and a message) if HOME is unset or the path too long. */
bool keyfile_default_path(const char *name, bool create_dir, char *out, size_t cap);

/* authorized_keys: every good line is added to list (which starts empty or
 * holds earlier keys); returns the number of bad lines. */
size_t authorized_keys_parse(const char *name, const char *text, size_t len, struct key_list *list);
/* Loads a file; a missing file is an empty list. False on a file that
 * cannot be read or that others may write. */
bool authorized_keys_load(const char *path, struct key_list *list);
const struct public_key *key_list_find(const struct key_list *list, const uint8_t key[KEY_LEN]);
void key_list_free(struct key_list *list);

enum known_host {
	KNOWN_HOST_MATCH,	/* host is listed with this key */
	KNOWN_HOST_UNKNOWN,	/* host is not listed */
	KNOWN_HOST_CHANGED,	/* host is listed with another key: refuse */
};
struct known_host_result {
	enum known_host status;
	size_t line;		/* the line of the match or of the other key */
};
/* Host names compare case-insensitively; the caller writes a host with a
 * port as "[host]:port", as ssh does. */
struct known_host_result known_hosts_check_text(const char *name, const char *text, size_t len,
						const char *host, const uint8_t key[KEY_LEN]);
/* The same on a file; a missing file knows no host. */
bool known_hosts_check(const char *path, const char *host, const uint8_t key[KEY_LEN],
		       struct known_host_result *result);
/* The key pinned for host: status KNOWN_HOST_MATCH with key and line set
 * (the first line listing it), or KNOWN_HOST_UNKNOWN. False if the file
 * exists but cannot be read. */
bool known_hosts_lookup(const char *path, const char *host, uint8_t key[KEY_LEN], struct known_host_result *result);
/* Appends "host sspsh-x25519 <base64>" to the file (created 0600). */
bool known_hosts_add(const char *path, const char *host, const uint8_t key[KEY_LEN]);
/* Trust on first use, like ssh with StrictHostKeyChecking=accept-new: a
 * listed host with this key is trusted; an unknown host is added with its
 * fingerprint shown on stderr; a host listed with another key gets the
 * loud warning below and false. */
bool known_hosts_trust(const char *path, const char *host, const uint8_t key[KEY_LEN]);
/* The loud multi-line warning for a changed host key (log_error lines). */
void known_hosts_warn_changed(const char *path, const char *host, size_t line, const uint8_t key[KEY_LEN]);

#endif
