#include "core/keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>

#include "core/base64.h"
#include "core/buf.h"
#include "core/fdio.h"
#include "core/log.h"
#include "core/x25519.h"

#define KEY_BASE64_LEN BASE64_LEN(KEY_LEN)

/* ---- Fields of a line ---- */

struct span {
	const char *p;
	size_t len;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The next blank-separated field from *cur; empty at the end of the line. */
static struct span next_field(const char **cur, const char *end)
{
	const char *p = *cur, *start;

	while (p < end && is_blank(*p))
		p++;
	start = p;
	while (p < end && !is_blank(*p))
		p++;
	*cur = p;
	return (struct span){ start, (size_t)(p - start) };
}

/* What is left of the line, without surrounding blanks. */
static struct span rest_of_line(const char *cur, const char *end)
{
	while (cur < end && is_blank(*cur))
		cur++;
	while (end > cur && is_blank(end[-1]))
		end--;
	return (struct span){ cur, (size_t)(end - cur) };
}

static bool span_is(struct span s, const char *word)
{
	return s.len == strlen(word) && memcmp(s.p, word, s.len) == 0;
}

static bool comment_span_ok(struct span s)
{
	if (s.len > SSPSH_KEY_COMMENT_MAX)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return false;
	}
	return true;
}

bool key_comment_ok(const char *comment)
{
	return comment_span_ok((struct span){ comment, strlen(comment) });
}

/* "<type> <base64> [comment]" from *cur to end. */
static bool parse_key_fields(const char *cur, const char *end, const char *type,
			     uint8_t key[KEY_LEN], char *comment, const char **why)
{
	struct span t = next_field(&cur, end), data = next_field(&cur, end);
	struct span rest = rest_of_line(cur, end);

	if (t.len == 0) {
		*why = "no key on the line";
	} else if (!span_is(t, type)) {
		*why = span_is(t, KEY_PRIVATE_TYPE) ? "a private key where a public key belongs" :
		       span_is(t, KEY_TYPE) ? "a public key where a private key belongs" :
		       "unknown key type (expected " KEY_TYPE ")";
	} else if (!base64_decode_exact(data.p, data.len, key, KEY_LEN)) {
		*why = "the key is not 32 bytes of base64";
	} else if (!comment_span_ok(rest)) {
		*why = "the comment has control characters or is too long";
	} else {
		if (comment) {
			memcpy(comment, rest.p, rest.len);
			comment[rest.len] = '\0';
		}
		return true;
	}
	mbedtls_platform_zeroize(key, KEY_LEN);
	return false;
}

bool key_parse_public(const char *line, size_t len, struct public_key *out, const char **why)
{
	out->permit_forward = false;
	return parse_key_fields(line, line + len, KEY_TYPE, out->key, out->comment, why);
}

void key_fingerprint(const uint8_t key[KEY_LEN], char out[KEY_FINGERPRINT_SIZE])
{
	uint8_t digest[32];
	char b64[BASE64_LEN(32) + 1];

	mbedtls_sha256_ret(key, KEY_LEN, digest, 0);
	base64_encode(digest, sizeof digest, b64, sizeof b64);
	b64[strcspn(b64, "=")] = '\0';	/* OpenSSH shows it unpadded */
	snprintf(out, KEY_FINGERPRINT_SIZE, "SHA256:%s", b64);
}

void key_format_public(const uint8_t key[KEY_LEN], const char *comment, char out[KEY_LINE_SIZE])
{
	char b64[KEY_BASE64_LEN + 1];

	base64_encode(key, KEY_LEN, b64, sizeof b64);
	snprintf(out, KEY_LINE_SIZE, "%s %s%s%.*s", KEY_TYPE, b64, *comment ? " " : "",
		 SSPSH_KEY_COMMENT_MAX, comment);
}

/* ---- Files ---- */

/* Reads a whole (small) file into text, NUL-terminated; st gets its status
 * as opened, so that permission checks see the file actually read. */
static bool read_file(const char *path, struct buf *text, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	bool ok = false;

	if (fd < 0)
		return false;
	if (fstat(fd, st) != 0)
		goto out;
	if (!S_ISREG(st->st_mode)) {
		errno = S_ISDIR(st->st_mode) ? EISDIR : EINVAL;
		goto out;
	}
	if (st->st_size > SSPSH_KEYFILE_MAX_BYTES) {
		errno = EFBIG;
		goto out;
	}
	for (;;) {
		ssize_t n;

		if (!buf_reserve(text, 4096)) {
			errno = ENOMEM;
			goto out;
		}
		n = read(fd, text->data + text->len, 4096);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out;
		if (n == 0)
			break;
		text->len += (size_t)n;
		if (text->len > SSPSH_KEYFILE_MAX_BYTES) {
			errno = EFBIG;
			goto out;
		}
	}
	buf_put_u8(text, 0);
	text->len--;
	ok = !text->oom;
out:
	close(fd);
	return ok;
}

static void wipe_buf(struct buf *b)
{
	if (b->data)
		mbedtls_platform_zeroize(b->data, b->cap);
	buf_free(b);
}

bool keyfile_parse_private(const char *name, const char *text, size_t len, uint8_t key[KEY_LEN],
			   char comment[SSPSH_KEY_COMMENT_MAX + 1])
{
	const char *end = memchr(text, '\n', len);
	const char *why;

	if (!end)
		end = text + len;
	/* One line, and nothing but blank lines after it. */
	for (const char *p = end; p < text + len; p++) {
		if (*p != '\n' && *p != '\r' && !is_blank(*p)) {
			log_error("%s: not an sspsh private key (text after the first line)", name);
			return false;
		}
	}
	if (end > text && end[-1] == '\r')
		end--;
	if (!parse_key_fields(text, end, KEY_PRIVATE_TYPE, key, comment, &why)) {
		log_error("%s: not an sspsh private key (%s)", name, why);
		return false;
	}
	return true;
}

bool keyfile_read_private(const char *path, uint8_t key[KEY_LEN], char comment[SSPSH_KEY_COMMENT_MAX + 1])
{
	struct buf text;
	struct stat st;
	bool ok = false;

	buf_init(&text);
	if (!read_file(path, &text, &st)) {
		log_error("cannot read private key %s: %s", path, strerror(errno));
	} else if (st.st_mode & 077) {
		log_error("permissions %04o for %s are too open: a private key must not be "
			  "accessible by others (chmod 600 %s)", (unsigned)(st.st_mode & 07777), path, path);
	} else if (st.st_uid != geteuid()) {
		log_error("private key %s belongs to another user (uid %u)", path, (unsigned)st.st_uid);
	} else {
		ok = keyfile_parse_private(path, (const char *)text.data, text.len, key, comment);
	}
	wipe_buf(&text);
	return ok;
}

enum existing { REPLACE_EXISTING, KEEP_EXISTING };

/* Writes text to a fresh temporary file beside path, then renames it over
 * path, so a reader never sees half a key. With KEEP_EXISTING it is linked
 * to path instead, which fails (errno EEXIST, nothing logged) if another
 * process got there first. */
static bool write_atomically(const char *path, const char *text, size_t len, mode_t mode,
			     enum existing existing)
{
	char tmp[4096];
	int fd, n = snprintf(tmp, sizeof tmp, "%s.XXXXXX", path);
	bool ok;

	if (n < 0 || (size_t)n >= sizeof tmp) {
		log_error("%s: path too long", path);
		return false;
	}
	fd = mkostemp(tmp, O_CLOEXEC);	/* mode 0600 */
	if (fd < 0) {
		log_error("cannot create %s: %s", tmp, strerror(errno));
		return false;
	}
	ok = fchmod(fd, mode) == 0 && fd_write_all(fd, text, len) && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (ok && existing == REPLACE_EXISTING && rename(tmp, path) == 0)
		return true;
	ok = ok && existing == KEEP_EXISTING && link(tmp, path) == 0;
	n = errno;
	unlink(tmp);
	errno = n;
	if (!ok && !(existing == KEEP_EXISTING && errno == EEXIST))
		log_error("cannot write %s: %s", path, strerror(errno));
	return ok;
}

static bool write_private(const char *path, const uint8_t key[KEY_LEN], const char *comment,
			  enum existing existing)
{
	char b64[KEY_BASE64_LEN + 1], text[sizeof KEY_PRIVATE_TYPE + sizeof b64 + SSPSH_KEY_COMMENT_MAX + 4];
	int n;
	bool ok;

	if (!key_comment_ok(comment)) {
		log_error("the comment has control characters or is too long");
		return false;
	}
	base64_encode(key, KEY_LEN, b64, sizeof b64);
	n = snprintf(text, sizeof text, "%s %s%s%s\n", KEY_PRIVATE_TYPE, b64, *comment ? " " : "", comment);
	ok = n > 0 && (size_t)n < sizeof text && write_atomically(path, text, (size_t)n, 0600, existing);
	mbedtls_platform_zeroize(b64, sizeof b64);
	mbedtls_platform_zeroize(text, sizeof text);
	return ok;
}

bool keyfile_write_private(const char *path, const uint8_t key[KEY_LEN], const char *comment)
{
	return write_private(path, key, comment, REPLACE_EXISTING);
}

bool keyfile_write_public(const char *path, const uint8_t key[KEY_LEN], const char *comment)
{
	char line[KEY_LINE_SIZE + 1];

	if (!key_comment_ok(comment)) {
		log_error("the comment has control characters or is too long");
		return false;
	}
	key_format_public(key, comment, line);
	strcat(line, "\n");
	return write_atomically(path, line, strlen(line), 0644, REPLACE_EXISTING);
}

bool keyfile_load_or_create(const char *path, uint8_t key[KEY_LEN], uint8_t pub[KEY_LEN])
{
	if (access(path, F_OK) != 0 && errno == ENOENT) {
		char fp[KEY_FINGERPRINT_SIZE];

		if (!x25519_keypair(key, pub))
			return false;
		if (write_private(path, key, "", KEEP_EXISTING)) {
			key_fingerprint(pub, fp);
			log_info("created host key %s (%s)", path, fp);
			return true;
		}
		if (errno != EEXIST)
			return false;
		/* Another process created it meanwhile: use that one. */
	}
	if (!keyfile_read_private(path, key, NULL))
		return false;
	if (!x25519_public(pub, key)) {
		log_error("%s: cannot derive the public key", path);
		return false;
	}
	return true;
}

bool keyfile_default_path(const char *name, bool create_dir, char *out, size_t cap)
{
	const char *home = getenv("HOME");
	int n;

	if (!home || !*home) {
		log_error("HOME is not set; give the key file's path");
		return false;
	}
	n = snprintf(out, cap, "%s/.sspsh", home);
	if (n < 0 || (size_t)n >= cap) {
		log_error("HOME is too long");
		return false;
	}
	if (create_dir && mkdir(out, 0700) != 0 && errno != EEXIST) {
		log_error("cannot create %s: %s", out, strerror(errno));
		return false;
	}
	n = snprintf(out, cap, "%s/.sspsh/%s", home, name);
	if (n < 0 || (size_t)n >= cap) {
		log_error("HOME is too long");
		return false;
	}
	return true;
}

/* ---- authorized_keys and known_hosts ---- */

/* Calls fn on every line that is neither blank nor a comment, with its
 * 1-based number; stops early when fn returns false. */
static void each_line(const char *text, size_t len,
		      bool (*fn)(void *ctx, size_t lineno, const char *p, const char *end), void *ctx)
{
	const char *p = text, *text_end = text + len;

	for (size_t lineno = 1; p < text_end; lineno++) {
		const char *nl = memchr(p, '\n', (size_t)(text_end - p));
		const char *end = nl ? nl : text_end;
		struct span first;
		const char *cur = p;

		if (end > p && end[-1] == '\r')
			end--;
		first = next_field(&cur, end);
		if (first.len > 0 && first.p[0] != '#' && !fn(ctx, lineno, p, end))
			return;
		p = nl ? nl + 1 : text_end;
	}
}

struct parse_keys {
	const char *name;
	struct key_list *list;
	size_t bad;
};

/* The options before a key, as OpenSSH writes them ("a,b"); the only one
 * is permit-forward. False (why set) for an option not known. */
static bool parse_key_options(struct span options, struct public_key *key, const char **why)
{
	const char *p = options.p, *end = options.p + options.len;

	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		struct span option = { p, (size_t)((comma ? comma : end) - p) };

		if (!span_is(option, "permit-forward")) {
			*why = "unknown option (the only one is permit-forward)";
			return false;
		}
		key->permit_forward = true;
		p = comma ? comma + 1 : end;
	}
	return true;
}

/* "[OPTIONS] sspsh-x25519 KEY [COMMENT]" */
static bool parse_authorized_line(const char *p, const char *end, struct public_key *key,
				  const char **why)
{
	const char *cur = p, *after_first;
	struct span first = next_field(&cur, end), second;

	after_first = cur;
	second = next_field(&cur, end);
	key->permit_forward = false;
	if (!span_is(second, KEY_TYPE) && !span_is(second, KEY_PRIVATE_TYPE))
		return parse_key_fields(p, end, KEY_TYPE, key->key, key->comment, why);
	cur = after_first;
	return parse_key_options(first, key, why) &&
	       parse_key_fields(cur, end, KEY_TYPE, key->key, key->comment, why);
}

static bool add_authorized_key(void *ctx, size_t lineno, const char *p, const char *end)
{
	struct parse_keys *pk = ctx;
	struct public_key key, *grown;
	const char *why;

	if (!parse_authorized_line(p, end, &key, &why)) {
		log_warn("%s:%zu: %s; line ignored", pk->name, lineno, why);
		pk->bad++;
		return true;
	}
	grown = realloc(pk->list->keys, (pk->list->count + 1) * sizeof *grown);
	if (!grown) {
		log_warn("%s:%zu: out of memory; line ignored", pk->name, lineno);
		pk->bad++;
		return true;
	}
	grown[pk->list->count++] = key;
	pk->list->keys = grown;
	return true;
}

size_t authorized_keys_parse(const char *name, const char *text, size_t len, struct key_list *list)
{
	struct parse_keys pk = { name, list, 0 };

	each_line(text, len, add_authorized_key, &pk);
	return pk.bad;
}

/* Whether a directory that holds authorized_keys is ours (or root's) and
 * writable by nobody else, as OpenSSH's StrictModes asks; says why not. */
static bool directory_safe(const char *dir, const char *file)
{
	struct stat st;

	if (stat(dir, &st) != 0) {
		log_error("cannot check %s, which holds %s: %s", dir, file, strerror(errno));
		return false;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		log_error("%s, which holds %s, belongs to another user (uid %u): not trusting it",
			  dir, file, (unsigned)st.st_uid);
		return false;
	}
	if (st.st_mode & 022) {
		log_error("permissions %04o for %s, which holds %s, let others replace it (chmod go-w %s)",
			  (unsigned)(st.st_mode & 07777), dir, file, dir);
		return false;
	}
	return true;
}

/* The directories from path's own up to $HOME (path's own alone when it is
 * not under $HOME) must be safe. */
static bool directories_safe(const char *path)
{
	const char *home = getenv("HOME");
	size_t home_len = home ? strlen(home) : 0;
	char dir[1024];
	char *slash;

	while (home_len > 1 && home[home_len - 1] == '/')
		home_len--;
	if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir)
		return false;
	bool under_home = home_len && strncmp(dir, home, home_len) == 0 && dir[home_len] == '/';
	while ((slash = strrchr(dir, '/')) != NULL) {
		if (slash == dir)
			slash[1] = '\0';	/* the root */
		else
			*slash = '\0';
		if (!directory_safe(dir, path))
			return false;
		if (!under_home || strlen(dir) <= home_len || slash == dir)
			break;
	}
	return true;
}

/* authorized_keys decides who gets in: it must be ours (or root's) and
 * writable by nobody else, and so must the directories above it. */
static bool authorized_keys_safe(const char *path, const struct stat *st)
{
	if (st->st_uid != geteuid() && st->st_uid != 0) {
		log_error("%s belongs to another user (uid %u): not trusting it (chown it to yourself)",
			  path, (unsigned)st->st_uid);
		return false;
	}
	if (st->st_mode & 022) {
		log_error("permissions %04o for %s are too open: others could add keys (chmod 600 %s)",
			  (unsigned)(st->st_mode & 07777), path, path);
		return false;
	}
	return directories_safe(path);
}

bool authorized_keys_load(const char *path, struct key_list *list)
{
	struct buf text;
	struct stat st;
	bool ok = false;

	buf_init(&text);
	if (!read_file(path, &text, &st)) {
		ok = errno == ENOENT;
		if (!ok)
			log_error("cannot read %s: %s", path, strerror(errno));
	} else if (authorized_keys_safe(path, &st)) {
		authorized_keys_parse(path, (const char *)text.data, text.len, list);
		ok = true;
	}
	buf_free(&text);
	return ok;
}

const struct public_key *key_list_find(const struct key_list *list, const uint8_t key[KEY_LEN])
{
	for (size_t i = 0; i < list->count; i++)
		if (memcmp(list->keys[i].key, key, KEY_LEN) == 0)
			return &list->keys[i];
	return NULL;
}

void key_list_free(struct key_list *list)
{
	free(list->keys);
	list->keys = NULL;
	list->count = 0;
}

struct host_lookup {
	const char *name;
	const char *host;
	const uint8_t *key;		/* NULL: take the first key listed into found */
	uint8_t *found;
	struct known_host_result result;
};

/* "a,b,[c]:22": is host one of the comma-separated names? */
static bool host_listed(struct span names, const char *host)
{
	size_t host_len = strlen(host);
	const char *p = names.p, *end = names.p + names.len;

	while (p <= end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma ? comma : end;

		if ((size_t)(stop - p) == host_len && strncasecmp(p, host, host_len) == 0)
			return true;
		p = stop + 1;
	}
	return false;
}

static bool match_known_host(void *ctx, size_t lineno, const char *p, const char *end)
{
	struct host_lookup *hl = ctx;
	const char *cur = p, *why;
	struct span names = next_field(&cur, end);
	uint8_t key[KEY_LEN];

	if (!parse_key_fields(cur, end, KEY_TYPE, key, NULL, &why)) {
		log_warn("%s:%zu: %s; line ignored", hl->name, lineno, why);
		return true;
	}
	if (!host_listed(names, hl->host))
		return true;
	hl->result.line = lineno;
	if (!hl->key) {
		memcpy(hl->found, key, KEY_LEN);
		hl->result.status = KNOWN_HOST_MATCH;
		return false;
	}
	if (memcmp(key, hl->key, KEY_LEN) == 0) {
		hl->result.status = KNOWN_HOST_MATCH;
		return false;
	}
	/* Keep looking: another line may list the key we were shown. */
	hl->result.status = KNOWN_HOST_CHANGED;
	return true;
}

struct known_host_result known_hosts_check_text(const char *name, const char *text, size_t len,
						const char *host, const uint8_t key[KEY_LEN])
{
	struct host_lookup hl = { name, host, key, NULL, { KNOWN_HOST_UNKNOWN, 0 } };

	each_line(text, len, match_known_host, &hl);
	return hl.result;
}

/* Checks host against key, or with key NULL finds its first key. */
static bool known_hosts_read(const char *path, const char *host, const uint8_t *key, uint8_t *found,
			     struct known_host_result *result)
{
	struct host_lookup hl = { path, host, key, found, { KNOWN_HOST_UNKNOWN, 0 } };
	struct buf text;
	struct stat st;
	bool ok = true;

	buf_init(&text);
	*result = hl.result;
	if (read_file(path, &text, &st)) {
		each_line((const char *)text.data, text.len, match_known_host, &hl);
		*result = hl.result;
	} else if (errno != ENOENT) {
		log_error("cannot read %s: %s", path, strerror(errno));
		ok = false;
	}
	buf_free(&text);
	return ok;
}

bool known_hosts_check(const char *path, const char *host, const uint8_t key[KEY_LEN],
		       struct known_host_result *result)
{
	return known_hosts_read(path, host, key, NULL, result);
}

bool known_hosts_lookup(const char *path, const char *host, uint8_t key[KEY_LEN], struct known_host_result *result)
{
	return known_hosts_read(path, host, NULL, key, result);
}

static bool host_name_ok(const char *host)
{
	if (!*host)
		return false;
	for (const char *p = host; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == ',' || *p == '#' || *p == 0x7f)
			return false;
	return true;
}

/* Whether the file at fd is empty or ends its last line. */
static bool ends_with_newline(int fd)
{
	struct stat st;
	char last;

	if (fstat(fd, &st) != 0 || st.st_size == 0)
		return true;
	return pread(fd, &last, 1, st.st_size - 1) == 1 && last == '\n';
}

bool known_hosts_add(const char *path, const char *host, const uint8_t key[KEY_LEN])
{
	char key_line[KEY_LINE_SIZE];
	struct buf entry;
	int fd;
	bool ok;

	if (!host_name_ok(host)) {
		log_error("cannot record host '%s' in %s: not a host name", host, path);
		return false;
	}
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		log_error("cannot write %s: %s", path, strerror(errno));
		return false;
	}
	key_format_public(key, "", key_line);
	buf_init(&entry);
	buf_printf(&entry, "%s%s %s\n", ends_with_newline(fd) ? "" : "\n", host, key_line);
	ok = !entry.oom && fd_write_all(fd, entry.data, entry.len);
	ok = close(fd) == 0 && ok;
	if (!ok)
		log_error("cannot write %s: %s", path, entry.oom ? "out of memory" : strerror(errno));
	buf_free(&entry);
	return ok;
}

bool known_hosts_trust(const char *path, const char *host, const uint8_t key[KEY_LEN])
{
	struct known_host_result r;
	char fp[KEY_FINGERPRINT_SIZE];

	if (!known_hosts_check(path, host, key, &r))
		return false;
	switch (r.status) {
	case KNOWN_HOST_MATCH:
		return true;
	case KNOWN_HOST_CHANGED:
		known_hosts_warn_changed(path, host, r.line, key);
		return false;
	case KNOWN_HOST_UNKNOWN:
		break;
	}
	if (!known_hosts_add(path, host, key))
		return false;
	key_fingerprint(key, fp);
	log_warn("first contact with %s: its key %s is now pinned in %s", host, fp, path);
	return true;
}

void known_hosts_warn_changed(const char *path, const char *host, size_t line, const uint8_t key[KEY_LEN])
{
	char fp[KEY_FINGERPRINT_SIZE];

	key_fingerprint(key, fp);
	log_error("@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@");
	log_error("@  WARNING: THE KEY OF SERVER %s HAS CHANGED!", host);
	log_error("@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@");
	log_error("Someone could be eavesdropping on you right now (a man-in-the-middle");
	log_error("attack), or the server's key was replaced. It now shows the key");
	log_error("%s, but %s:%zu pins another one.", fp, path, line);
	log_error("Not connecting. If the change is expected, delete that line.");
}
