/* Which executable `sspsh connect --install` copies to a server, and the
 * checks it passes first. A server of this machine's type gets this very
 * executable; another type gets sspsh-<machine> (or the release name
 * sspsh-VERSION-<machine>) from, in order: the --install-from directory,
 * the directory of this executable, ~/.local/share/sspsh/. The file must be
 * an ELF executable for that machine and, when its directory has a
 * SHA256SUMS that lists it, match it. Its size and SHA-256 are then what
 * the server's copy is checked against (core/remote_cmd.h). */
#ifndef SSPSH_INSTALL_SOURCE_H
#define SSPSH_INSTALL_SOURCE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MACHINE_NAME_MAX 32
#define SHA256_HEX_LEN 64

/* The machine this executable was built for, as `uname -m` names it. */
const char *machine_self(void);

/* This executable's path (/proc/self/exe); false if unknown or too long. */
bool self_exe_path(char *out, size_t cap);

/* This executable's path (/proc/self/exe), with "~/" for $HOME/ when it
 * lies there: how a server names itself to the client. False if unknown. */
bool self_path_for_display(char *out, size_t cap);

/* Compares dotted version numbers ("0.1.0" < "0.10.0"); a part that is not
 * a number compares as 0. <0, 0 or >0. */
int version_compare(const char *a, const char *b);

/* The machine from a server's `uname -sm` ("Linux aarch64" -> "aarch64";
 * arm64 and amd64 are taken as aarch64 and x86_64). False when the system
 * is not Linux or the machine is not a plain word. */
bool machine_from_uname(const char *uname_sm, char machine[MACHINE_NAME_MAX]);

/* Whether the first bytes of a file are the ELF header of a 64-bit
 * little-endian executable (static or PIE) for the machine. */
bool elf_is_for_machine(const uint8_t *head, size_t len, const char *machine);

struct install_search {
	const char *machine;	/* the server's */
	const char *self_path;	/* this executable */
	const char *home;	/* $HOME, or NULL */
	const char *from_dir;	/* --install-from DIR, or NULL */
};

struct install_source {
	char path[PATH_MAX];
	uint64_t size;
	char sha256_hex[SHA256_HEX_LEN + 1];
	bool listed_in_sums;	/* its directory's SHA256SUMS vouched for it */
};

/* Finds and checks the executable for s->machine; false with one line in
 * why (what is missing or wrong, and where it was looked for). */
bool install_source_find(const struct install_search *s, struct install_source *out,
			 char *why, size_t why_cap);

/* SHA-256 of a whole file as lowercase hex, and its size; false (errno
 * set) if it cannot be read. */
bool file_sha256_hex(const char *path, char hex[SHA256_HEX_LEN + 1], uint64_t *size);

/* In the text of a SHA256SUMS file (sha256sum's format: "HEX  NAME" or
 * "HEX *NAME" lines), the hash listed for name: true and hex filled if
 * it is there. */
bool sha256sums_lookup(const char *sums, size_t len, const char *name,
		       char hex[SHA256_HEX_LEN + 1]);

#endif
