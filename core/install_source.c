#include "core/install_source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/sha256.h>

#include "core/options.h"

#define ELF_EM_X86_64 62
#define ELF_EM_AARCH64 183

struct machine_alias {
	const char *name;	/* as uname -m says it */
	const char *machine;	/* our name */
	unsigned elf_machine;
};

static const struct machine_alias machines[] = {
	{ "x86_64",  "x86_64",  ELF_EM_X86_64 },
	{ "amd64",   "x86_64",  ELF_EM_X86_64 },
	{ "aarch64", "aarch64", ELF_EM_AARCH64 },
	{ "arm64",   "aarch64", ELF_EM_AARCH64 },
};

static const struct machine_alias *find_machine(const char *name)
{
	for (size_t i = 0; i < sizeof machines / sizeof machines[0]; i++)
		if (strcmp(machines[i].name, name) == 0)
			return &machines[i];
	return NULL;
}

const char *machine_self(void)
{
#if defined(__x86_64__)
	return "x86_64";
#elif defined(__aarch64__)
	return "aarch64";
#else
#error "sspsh is built for x86_64 and aarch64"
#endif
}

bool self_exe_path(char *out, size_t cap)
{
	ssize_t n = readlink("/proc/self/exe", out, cap - 1);

	if (n <= 0 || (size_t)n >= cap - 1)
		return false;
	out[n] = '\0';
	return true;
}

bool self_path_for_display(char *out, size_t cap)
{
	char path[PATH_MAX];
	const char *home = getenv("HOME");
	size_t home_len = home ? strlen(home) : 0;

	if (!self_exe_path(path, sizeof path))
		return false;
	if (home_len > 1 && strncmp(path, home, home_len) == 0 && path[home_len] == '/')
		return snprintf(out, cap, "~%s", path + home_len) < (int)cap;
	return snprintf(out, cap, "%s", path) < (int)cap;
}

int version_compare(const char *a, const char *b)
{
	while (*a || *b) {
		unsigned long x = strtoul(a, (char **)&a, 10), y = strtoul(b, (char **)&b, 10);

		if (x != y)
			return x < y ? -1 : 1;
		a += strcspn(a, ".");
		b += strcspn(b, ".");
		if (*a == '.')
			a++;
		if (*b == '.')
			b++;
	}
	return 0;
}

static bool is_machine_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

bool machine_from_uname(const char *uname_sm, char machine[MACHINE_NAME_MAX])
{
	const char *word;
	size_t len;

	if (strncmp(uname_sm, "Linux ", 6) != 0)
		return false;
	word = uname_sm + 6;
	len = strlen(word);
	while (len > 0 && (word[len - 1] == '\r' || word[len - 1] == ' '))
		len--;
	if (len == 0 || len >= MACHINE_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!is_machine_char(word[i]))
			return false;
	memcpy(machine, word, len);
	machine[len] = '\0';
	const struct machine_alias *alias = find_machine(machine);
	if (alias)
		snprintf(machine, MACHINE_NAME_MAX, "%s", alias->machine);
	return true;
}

bool elf_is_for_machine(const uint8_t *head, size_t len, const char *machine)
{
	const struct machine_alias *alias = find_machine(machine);

	if (!alias || len < 20)
		return false;
	return memcmp(head, "\177ELF", 4) == 0 && head[4] == 2 /* 64-bit */ &&
	       head[5] == 1 /* little-endian */ && (head[16] == 2 || head[16] == 3) &&
	       head[17] == 0 /* ET_EXEC, or ET_DYN for a PIE (the sanitizer builds) */ &&
	       (unsigned)(head[18] | head[19] << 8) == alias->elf_machine;
}

static void to_hex(const uint8_t *bytes, size_t n, char *hex)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		hex[2 * i] = digits[bytes[i] >> 4];
		hex[2 * i + 1] = digits[bytes[i] & 15];
	}
	hex[2 * n] = '\0';
}

bool file_sha256_hex(const char *path, char hex[SHA256_HEX_LEN + 1], uint64_t *size)
{
	mbedtls_sha256_context ctx;
	uint8_t chunk[16384], digest[32];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok = true;

	if (fd < 0)
		return false;
	*size = 0;
	mbedtls_sha256_init(&ctx);
	ok = mbedtls_sha256_starts_ret(&ctx, 0) == 0;
	while (ok && (n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0) {
			ok = errno == EINTR;
			continue;
		}
		*size += (uint64_t)n;
		ok = mbedtls_sha256_update_ret(&ctx, chunk, (size_t)n) == 0;
	}
	ok = ok && mbedtls_sha256_finish_ret(&ctx, digest) == 0;
	mbedtls_sha256_free(&ctx);
	close(fd);
	if (ok)
		to_hex(digest, sizeof digest, hex);
	return ok;
}

static bool is_hex_lower_or_upper(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
		      (s[i] >= 'A' && s[i] <= 'F')))
			return false;
	return true;
}

/* One line "HEX  NAME" or "HEX *NAME"; true and hex filled if NAME is name. */
static bool sums_line_names(const char *line, size_t len, const char *name,
			    char hex[SHA256_HEX_LEN + 1])
{
	size_t name_len = strlen(name);

	if (len != SHA256_HEX_LEN + 2 + name_len || !is_hex_lower_or_upper(line, SHA256_HEX_LEN) ||
	    line[SHA256_HEX_LEN] != ' ' || (line[SHA256_HEX_LEN + 1] != ' ' &&
					     line[SHA256_HEX_LEN + 1] != '*') ||
	    memcmp(line + SHA256_HEX_LEN + 2, name, name_len) != 0)
		return false;
	for (size_t i = 0; i < SHA256_HEX_LEN; i++)
		hex[i] = (char)(line[i] >= 'A' && line[i] <= 'F' ? line[i] - 'A' + 'a' : line[i]);
	hex[SHA256_HEX_LEN] = '\0';
	return true;
}

bool sha256sums_lookup(const char *sums, size_t len, const char *name,
		       char hex[SHA256_HEX_LEN + 1])
{
	const char *end = sums + len;

	while (sums < end) {
		const char *nl = memchr(sums, '\n', (size_t)(end - sums));
		size_t line_len = (size_t)((nl ? nl : end) - sums);

		if (line_len > 0 && sums[line_len - 1] == '\r')
			line_len--;
		if (sums_line_names(sums, line_len, name, hex))
			return true;
		sums = nl ? nl + 1 : end;
	}
	return false;
}

/* Reads a whole small file; -1 if absent, -2 if unreadable or too big. */
static long read_small_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n;

	if (fd < 0)
		return errno == ENOENT ? -1 : -2;
	while (len < cap && (n = read(fd, buf + len, cap - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	return len < cap ? (long)len : -2;
}

static void dir_of(const char *path, char *dir, size_t cap)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(dir, cap, ".");
	else if (slash == path)
		snprintf(dir, cap, "/");
	else
		snprintf(dir, cap, "%.*s", (int)(slash - path), path);
}

/* The SHA256SUMS beside out->path, if there is one and it lists the file. */
static bool check_sums(struct install_source *out, char *why, size_t why_cap)
{
	static char sums[SSPSH_SHA256SUMS_MAX];
	char dir[PATH_MAX], sums_path[PATH_MAX + 16], listed[SHA256_HEX_LEN + 1];
	const char *name = strrchr(out->path, '/') ? strrchr(out->path, '/') + 1 : out->path;
	long len;

	dir_of(out->path, dir, sizeof dir);
	snprintf(sums_path, sizeof sums_path, "%s/SHA256SUMS", dir);
	len = read_small_file(sums_path, sums, sizeof sums);
	if (len == -1)
		return true;
	if (len < 0) {
		snprintf(why, why_cap, "cannot read %s (or it is over %d bytes)", sums_path,
			 SSPSH_SHA256SUMS_MAX);
		return false;
	}
	if (!sha256sums_lookup(sums, (size_t)len, name, listed))
		return true;
	if (strcmp(listed, out->sha256_hex) != 0) {
		snprintf(why, why_cap, "%s does not match its SHA-256 in %s: refusing to install it",
			 out->path, sums_path);
		return false;
	}
	out->listed_in_sums = true;
	return true;
}

/* Takes path if it is a readable executable for the machine. 1: taken;
 * 0: no such file; -1: there but unfit (why says so). */
static int try_candidate(const char *path, const char *machine, struct install_source *out,
			 char *why, size_t why_cap)
{
	uint8_t head[64];
	long n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	n = read(fd, head, sizeof head);
	close(fd);
	if (n < 0 || !elf_is_for_machine(head, (size_t)n, machine)) {
		snprintf(why, why_cap, "%s is not an executable for %s", path, machine);
		return -1;
	}
	snprintf(out->path, sizeof out->path, "%s", path);
	if (!file_sha256_hex(path, out->sha256_hex, &out->size)) {
		snprintf(why, why_cap, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	return check_sums(out, why, why_cap) ? 1 : -1;
}

/* DIR/sspsh-MACHINE, then DIR/sspsh-VERSION-MACHINE (the name make dist gives). */
static int try_dir(const char *dir, const char *machine, struct install_source *out,
		   char *why, size_t why_cap)
{
	char path[PATH_MAX];
	int r;

	if (snprintf(path, sizeof path, "%s/sspsh-%s", dir, machine) >= (int)sizeof path)
		return 0;
	if ((r = try_candidate(path, machine, out, why, why_cap)) != 0)
		return r;
	if (snprintf(path, sizeof path, "%s/sspsh-%s-%s", dir, SSPSH_VERSION, machine) >=
	    (int)sizeof path)
		return 0;
	return try_candidate(path, machine, out, why, why_cap);
}

bool install_source_find(const struct install_search *s, struct install_source *out,
			 char *why, size_t why_cap)
{
	char self_dir[PATH_MAX], share[PATH_MAX];
	int r = 0;

	memset(out, 0, sizeof *out);
	if (!find_machine(s->machine)) {
		snprintf(why, why_cap, "the server is Linux %s, and sspsh is built for x86_64 and aarch64 only",
			 s->machine);
		return false;
	}
	share[0] = '\0';
	if (s->home && s->home[0])
		snprintf(share, sizeof share, "%s/.local/share/sspsh", s->home);
	dir_of(s->self_path, self_dir, sizeof self_dir);
	if (s->from_dir)
		r = try_dir(s->from_dir, s->machine, out, why, why_cap);
	if (r == 0 && strcmp(s->machine, machine_self()) == 0)
		r = try_candidate(s->self_path, s->machine, out, why, why_cap);
	if (r == 0 && !s->from_dir)
		r = try_dir(self_dir, s->machine, out, why, why_cap);
	if (r == 0 && !s->from_dir && share[0])
		r = try_dir(share, s->machine, out, why, why_cap);
	if (r == 0) {
		if (s->from_dir)
			snprintf(why, why_cap, "the server is Linux %s: --install needs %s/sspsh-%s",
				 s->machine, s->from_dir, s->machine);
		else
			snprintf(why, why_cap,
				 "the server is Linux %s: --install needs sspsh-%s in %s/ or %s/, "
				 "or --install-from DIR (make ARCH=%s; make dist)",
				 s->machine, s->machine, self_dir, share[0] ? share : "~/.local/share/sspsh",
				 s->machine);
	}
	return r == 1;
}
