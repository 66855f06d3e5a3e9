#include "core/locale.h"

#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The first of the variables that decide LC_CTYPE that is set; NULL: none. */
static const char *ctype_variable(const char **value)
{
	static const char *const names[] = { "LC_ALL", "LC_CTYPE", "LANG" };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		*value = getenv(names[i]);
		if (*value && **value)
			return names[i];
	}
	return NULL;
}

/* The codeset part of a locale name ("en_US.UTF-8@euro": "UTF-8"). */
static bool name_says_utf8(const char *value)
{
	const char *dot = strchr(value, '.');
	size_t len;

	if (!dot)
		return false;
	len = strcspn(dot + 1, "@");
	return (len == 5 && strncasecmp(dot + 1, "utf-8", 5) == 0) ||
	       (len == 4 && strncasecmp(dot + 1, "utf8", 4) == 0);
}

static bool c_library_says_utf8(bool *known)
{
	char *was = setlocale(LC_CTYPE, NULL);
	char saved[64];
	bool utf8;

	snprintf(saved, sizeof saved, "%s", was ? was : "C");
	*known = setlocale(LC_CTYPE, "") != NULL;
	utf8 = *known && strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	setlocale(LC_CTYPE, saved);
	return utf8;
}

bool locale_is_utf8(char *name, size_t cap)
{
	const char *value = NULL, *variable = ctype_variable(&value);
	bool known, utf8;

	if (!variable) {
		snprintf(name, cap, "%s", "");
		return false;	/* the C locale: ASCII */
	}
	snprintf(name, cap, "%s=%s", variable, value);
	utf8 = c_library_says_utf8(&known);
	return known ? utf8 : name_says_utf8(value);
}
