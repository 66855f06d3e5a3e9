/* core/install_source: machine names, ELF checks, SHA256SUMS, and which
 * file `connect --install` picks for a server of another machine type. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/install_source.h"
#include "core/options.h"
#include "test/unit/unit.h"

static char root[64];


static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		unit_fail(__FILE__, __LINE__, path);
}

/* A minimal ELF header for a 64-bit little-endian executable of `machine`
 * (its e_machine number), followed by some bytes of "code". */
static void write_elf(const char *path, unsigned machine, const char *code)
{
	uint8_t file[256] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };

	file[16] = 2;
	file[18] = (uint8_t)(machine & 0xff);
	file[19] = (uint8_t)(machine >> 8);
	snprintf((char *)file + 64, sizeof file - 64, "%s", code);
	write_file(path, file, sizeof file);
}

/* This executable as the process sees it (under qemu-user, /proc/self/exe
 * is the emulated program, where /proc/PID/exe seen from outside is qemu). */
static bool copy_self(const char *to)
{
	char chunk[65536];
	int in = open("/proc/self/exe", O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	ssize_t n;
	bool ok = in >= 0 && out >= 0;

	while (ok && (n = read(in, chunk, sizeof chunk)) > 0)
		ok = write(out, chunk, (size_t)n) == n;
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) != 0)
		ok = false;
	return ok;
}

static void path_in(char *out, size_t cap, const char *rel)
{
	snprintf(out, cap, "%s/%s", root, rel);
}

TEST(machines_from_uname)
{
	char m[MACHINE_NAME_MAX];

	EXPECT(machine_from_uname("Linux aarch64", m) && strcmp(m, "aarch64") == 0);
	EXPECT(machine_from_uname("Linux arm64\r", m) && strcmp(m, "aarch64") == 0);
	EXPECT(machine_from_uname("Linux x86_64", m) && strcmp(m, "x86_64") == 0);
	EXPECT(machine_from_uname("Linux riscv64", m) && strcmp(m, "riscv64") == 0);
	EXPECT(!machine_from_uname("Darwin arm64", m));
	EXPECT(!machine_from_uname("Linux ../../etc", m));
	EXPECT(!machine_from_uname("Linux ", m));
	EXPECT(!machine_from_uname("Linux aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", m));
}

TEST(versions_compare_by_number)
{
	EXPECT(version_compare("0.1.0", "0.1.0") == 0);
	EXPECT(version_compare("0.1.0", "0.10.0") < 0);
	EXPECT(version_compare("0.2", "0.1.9") > 0);
	EXPECT(version_compare("1", "1.0.0") == 0);
	EXPECT(version_compare("0.9.9", "1.0") < 0);
	EXPECT(version_compare("", "0.0.1") < 0);
}

TEST(elf_headers_name_their_machine)
{
	uint8_t head[64];
	int fd = open("/proc/self/exe", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, head, sizeof head) : -1;
	const char *other = strcmp(machine_self(), "x86_64") == 0 ? "aarch64" : "x86_64";

	if (fd >= 0)
		close(fd);
	EXPECT(n == (ssize_t)sizeof head);
	EXPECT(elf_is_for_machine(head, sizeof head, machine_self()));
	EXPECT(!elf_is_for_machine(head, sizeof head, other));
	EXPECT(!elf_is_for_machine(head, 10, machine_self()));
	EXPECT(!elf_is_for_machine((const uint8_t *)"#!/bin/sh\nexit 0\n.....", 24, machine_self()));
}

TEST(sha256_of_a_file)
{
	char path[128], hex[SHA256_HEX_LEN + 1];
	uint64_t size;

	path_in(path, sizeof path, "abc");
	write_file(path, "abc", 3);
	EXPECT(file_sha256_hex(path, hex, &size));
	EXPECT_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	EXPECT_INT(size, 3);
	path_in(path, sizeof path, "absent");
	EXPECT(!file_sha256_hex(path, hex, &size));
}

TEST(sha256sums_lines)
{
	const char sums[] =
		"0000000000000000000000000000000000000000000000000000000000000000  sspsh-0.1.0-x86_64\n"
		"ABCDEF0000000000000000000000000000000000000000000000000000000001 *sspsh-aarch64\r\n"
		"1111111111111111111111111111111111111111111111111111111111111111  sspsh-aarch64x\n"
		"zz  sspsh-riscv64\n";
	char hex[SHA256_HEX_LEN + 1];

	EXPECT(sha256sums_lookup(sums, strlen(sums), "sspsh-0.1.0-x86_64", hex));
	EXPECT_STR(hex, "0000000000000000000000000000000000000000000000000000000000000000");
	EXPECT(sha256sums_lookup(sums, strlen(sums), "sspsh-aarch64", hex));
	EXPECT_STR(hex, "abcdef0000000000000000000000000000000000000000000000000000000001");
	EXPECT(!sha256sums_lookup(sums, strlen(sums), "sspsh-riscv64", hex));
	EXPECT(!sha256sums_lookup(sums, strlen(sums), "sspsh", hex));
	EXPECT(!sha256sums_lookup(sums, strlen(sums) - 1, "sspsh-r", hex));
}

/* A directory layout: bin/sspsh (this machine's, "self"), and the files
 * each case adds; the search looks for aarch64 or x86_64, whichever this
 * machine is not. */
struct layout {
	char home[128], bin[192], self[256], share[256], from[192];
	const char *other;
	unsigned other_elf;
};

static void make_layout(struct layout *l, const char *name)
{
	char cmd[1200];

	snprintf(l->home, sizeof l->home, "%s/%s", root, name);
	snprintf(l->bin, sizeof l->bin, "%s/bin", l->home);
	snprintf(l->self, sizeof l->self, "%s/sspsh", l->bin);
	snprintf(l->share, sizeof l->share, "%s/.local/share/sspsh", l->home);
	snprintf(l->from, sizeof l->from, "%s/from", l->home);
	snprintf(cmd, sizeof cmd, "mkdir -p '%s' '%s' '%s'", l->bin, l->share, l->from);
	EXPECT(system(cmd) == 0);
	EXPECT(copy_self(l->self));
	if (strcmp(machine_self(), "x86_64") == 0) {
		l->other = "aarch64";
		l->other_elf = 183;
	} else {
		l->other = "x86_64";
		l->other_elf = 62;
	}
}

static bool find(struct layout *l, const char *machine, bool from, struct install_source *out,
		 char *why, size_t cap)
{
	struct install_search s = {
		.machine = machine, .self_path = l->self, .home = l->home,
		.from_dir = from ? l->from : NULL,
	};

	why[0] = '\0';
	return install_source_find(&s, out, why, cap);
}

TEST(this_machine_gets_this_executable)
{
	struct layout l;
	struct install_source src;
	struct stat st;
	char why[512];

	make_layout(&l, "self");
	EXPECT(find(&l, machine_self(), false, &src, why, sizeof why));
	EXPECT_STR(src.path, l.self);
	EXPECT(stat(l.self, &st) == 0 && st.st_size > 0 && (off_t)src.size == st.st_size);
	EXPECT(strlen(src.sha256_hex) == SHA256_HEX_LEN);
}

TEST(another_machine_beside_then_in_share)
{
	struct layout l;
	struct install_source src;
	char why[512], path[400];

	make_layout(&l, "other");
	EXPECT(!find(&l, l.other, false, &src, why, sizeof why));
	EXPECT(strstr(why, "needs sspsh-") && strstr(why, l.bin) && strstr(why, l.share));
	EXPECT(strstr(why, l.other) != NULL);

	snprintf(path, sizeof path, "%s/sspsh-%s-%s", l.share, SSPSH_VERSION, l.other);
	write_elf(path, l.other_elf, "in share, release name");
	EXPECT(find(&l, l.other, false, &src, why, sizeof why));
	EXPECT_STR(src.path, path);

	snprintf(path, sizeof path, "%s/sspsh-%s", l.bin, l.other);
	write_elf(path, l.other_elf, "beside");
	EXPECT(find(&l, l.other, false, &src, why, sizeof why));
	EXPECT_STR(src.path, path);
	EXPECT(!src.listed_in_sums);
	EXPECT_INT(src.size, 256);
}

TEST(install_from_dir_is_the_only_place_looked_for_another_machine)
{
	struct layout l;
	struct install_source src;
	char why[512], path[400];

	make_layout(&l, "from");
	snprintf(path, sizeof path, "%s/sspsh-%s", l.bin, l.other);
	write_elf(path, l.other_elf, "beside");
	EXPECT(!find(&l, l.other, true, &src, why, sizeof why));
	EXPECT(strstr(why, l.from) != NULL);
	snprintf(path, sizeof path, "%s/sspsh-%s", l.from, l.other);
	write_elf(path, l.other_elf, "from");
	EXPECT(find(&l, l.other, true, &src, why, sizeof why));
	EXPECT_STR(src.path, path);
	/* This machine's server still gets this executable when DIR has none. */
	EXPECT(find(&l, machine_self(), true, &src, why, sizeof why));
	EXPECT_STR(src.path, l.self);
}

TEST(a_file_for_the_wrong_machine_is_refused)
{
	struct layout l;
	struct install_source src;
	char why[512], path[400];

	make_layout(&l, "wrong");
	snprintf(path, sizeof path, "%s/sspsh-%s", l.bin, l.other);
	write_elf(path, l.other_elf == 183 ? 62 : 183, "this machine's code under the other name");
	EXPECT(!find(&l, l.other, false, &src, why, sizeof why));
	EXPECT(strstr(why, "is not an executable for") != NULL);
	EXPECT(!find(&l, "sparc64", false, &src, why, sizeof why));
	EXPECT(strstr(why, "the server is Linux sparc64, and sspsh is built for") != NULL);
}

TEST(sha256sums_vouch_or_refuse)
{
	struct layout l;
	struct install_source src;
	char why[512], path[400], sums_path[256], sums[256], hex[SHA256_HEX_LEN + 1];
	uint64_t size;

	make_layout(&l, "sums");
	snprintf(path, sizeof path, "%s/sspsh-%s", l.bin, l.other);
	snprintf(sums_path, sizeof sums_path, "%s/SHA256SUMS", l.bin);
	write_elf(path, l.other_elf, "checked");
	EXPECT(file_sha256_hex(path, hex, &size));
	snprintf(sums, sizeof sums, "%s  sspsh-%s\n", hex, l.other);
	write_file(sums_path, sums, strlen(sums));
	EXPECT(find(&l, l.other, false, &src, why, sizeof why));
	EXPECT(src.listed_in_sums);

	write_elf(path, l.other_elf, "changed after the sums were made");
	EXPECT(!find(&l, l.other, false, &src, why, sizeof why));
	EXPECT(strstr(why, "does not match its SHA-256") != NULL);

	/* Sums that do not list the file neither vouch nor refuse. */
	snprintf(sums, sizeof sums, "%s  sspsh-riscv64\n", hex);
	write_file(sums_path, sums, strlen(sums));
	EXPECT(find(&l, l.other, false, &src, why, sizeof why));
	EXPECT(!src.listed_in_sums);
}

TEST(an_oversized_sha256sums_is_refused)
{
	struct layout l;
	struct install_source src;
	char why[512], path[400], sums_path[256];
	static char big[SSPSH_SHA256SUMS_MAX + 1];

	make_layout(&l, "bigsums");
	snprintf(path, sizeof path, "%s/sspsh-%s", l.bin, l.other);
	snprintf(sums_path, sizeof sums_path, "%s/SHA256SUMS", l.bin);
	write_elf(path, l.other_elf, "x");
	memset(big, '\n', sizeof big);
	write_file(sums_path, big, sizeof big);
	EXPECT(!find(&l, l.other, false, &src, why, sizeof why));
	EXPECT(strstr(why, "SHA256SUMS") != NULL);
}

int main(void)
{
	char cmd[128];
	int status;

	snprintf(root, sizeof root, "/tmp/sspsh-install-source.XXXXXX");
	if (!mkdtemp(root)) {
		printf("SKIP test_install_source: no temporary directory\n");
		return 0;
	}
	RUN(machines_from_uname);
	RUN(versions_compare_by_number);
	RUN(elf_headers_name_their_machine);
	RUN(sha256_of_a_file);
	RUN(sha256sums_lines);
	RUN(this_machine_gets_this_executable);
	RUN(another_machine_beside_then_in_share);
	RUN(install_from_dir_is_the_only_place_looked_for_another_machine);
	RUN(a_file_for_the_wrong_machine_is_refused);
	RUN(sha256sums_vouch_or_refuse);
	RUN(an_oversized_sha256sums_is_refused);
	status = unit_exit_status();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		printf("note: could not remove %s\n", root);
	return status;
}
