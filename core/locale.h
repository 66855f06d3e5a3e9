/* The character set of the user's locale, which is what the terminal is
 * assumed to show: sspsh writes UTF-8 and refuses to run otherwise. */
#ifndef SSPSH_LOCALE_H
#define SSPSH_LOCALE_H

#include <stdbool.h>
#include <stddef.h>

/* Whether the locale for characters (LC_ALL, else LC_CTYPE, else LANG)
 * uses UTF-8: as the C library reads it when it has that locale, else as
 * its name says ("xx_YY.UTF-8", ".utf8"). `name` gets the name and the
 * variable it came from ("" when none is set). The process's own locale
 * is left as it was. */
bool locale_is_utf8(char *name, size_t cap);

#endif
