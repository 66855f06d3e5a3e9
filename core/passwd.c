#include "core/passwd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Splits "name:pw:uid:gid:gecos:home:shell" in place; false if malformed. */
static bool split_fields(char *line, char *field[7])
{
	char *p = line;

	for (int i = 0; i < 7; i++) {
		field[i] = p;
		p = strchr(p, i < 6 ? ':' : '\n');
		if (!p)
			return i == 6;
		*p++ = '\0';
	}
	return true;
}

static bool copy_field(char *out, size_t cap, const char *value)
{
	size_t len = strlen(value);

	if (len >= cap)
		return false;
	memcpy(out, value, len + 1);
	return true;
}

static bool parse_id(const char *text, unsigned long *out)
{
	char *end;

	*out = strtoul(text, &end, 10);
	return *text != '\0' && *end == '\0';
}

/* The fields of uid's line of the passwd file at path, split in line
 * (which must outlive field); false if there is none. */
static bool find_uid(const char *path, uid_t uid, char line[static 1024], char *field[7])
{
	FILE *f = fopen(path, "r");
	unsigned long id;
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, 1024, f))
		found = split_fields(line, field) && parse_id(field[2], &id) && id == (unsigned long)uid;
	fclose(f);
	return found;
}

bool passwd_lookup(const char *path, uid_t uid, char *home, size_t home_cap,
		   char *shell, size_t shell_cap)
{
	char line[1024], *field[7];

	return find_uid(path, uid, line, field) && copy_field(home, home_cap, field[5]) &&
	       copy_field(shell, shell_cap, field[6]);
}

bool passwd_name(const char *path, uid_t uid, char *name, size_t name_cap)
{
	char line[1024], *field[7];

	return find_uid(path, uid, line, field) && copy_field(name, name_cap, field[0]);
}

/* Whether name is in a group line's comma-separated member list. */
static bool is_member(char *members, const char *name)
{
	char *rest;

	for (char *m = strtok_r(members, ",\n", &rest); m; m = strtok_r(NULL, ",\n", &rest))
		if (strcmp(m, name) == 0)
			return true;
	return false;
}

int passwd_groups(const char *path, const char *name, gid_t primary, gid_t *gids, int cap)
{
	FILE *f = fopen(path, "r");
	char line[4096], *field[4], *p;
	unsigned long g;
	int n = 0;

	if (!f || cap < 1) {
		if (f)
			fclose(f);
		return -1;
	}
	gids[n++] = primary;
	while (n >= 0 && fgets(line, sizeof line, f)) {
		p = line;
		for (int i = 0; i < 4 && p; i++) {
			field[i] = p;
			p = strchr(p, i < 3 ? ':' : '\0');
			if (p && i < 3)
				*p++ = '\0';
		}
		if (!p || !parse_id(field[2], &g) || (gid_t)g == primary || !is_member(field[3], name))
			continue;
		if (n == cap)
			n = -1;
		else
			gids[n++] = (gid_t)g;
	}
	fclose(f);
	return n;
}

bool passwd_lookup_name(const char *path, const char *name, uid_t *uid, gid_t *gid)
{
	FILE *f = fopen(path, "r");
	char line[1024], *field[7];
	unsigned long u, g;
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof line, f)) {
		if (!split_fields(line, field) || strcmp(field[0], name) != 0)
			continue;
		if (parse_id(field[2], &u) && parse_id(field[3], &g)) {
			*uid = (uid_t)u;
			*gid = (gid_t)g;
			found = true;
		}
	}
	fclose(f);
	return found;
}
