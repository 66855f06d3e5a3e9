/* POSIX shell words without a shell: split a command string such as
 * `ssh -p 2222 -i "my key"` into argv (quotes and backslashes honoured, no
 * expansion of any kind), and quote a word so that a remote sh reads it back
 * unchanged. */
#ifndef SSPSH_SHELL_WORDS_H
#define SSPSH_SHELL_WORDS_H

#include <stdbool.h>

#include "core/buf.h"

struct shell_words {
	int argc;
	char **argv;	/* argc words, then NULL; owns its strings */
};

/* Splits text into words: blanks separate them; '...' is literal; "..."
 * keeps backslash escapes of \ " $ ` only; a backslash outside quotes takes
 * the next character literally. On failure returns false and sets *error to
 * a static message (unterminated quote, out of memory); out is then empty. */
bool shell_words_split(const char *text, struct shell_words *out, const char **error);
void shell_words_free(struct shell_words *w);

/* Appends word to out in single quotes ('it'\''s'), safe for any sh. */
void shell_quote(struct buf *out, const char *word);
/* The same, but a word of only letters, digits and _-./:@%+=, goes as it
 * is (for commands shown to people). */
void shell_quote_if_needed(struct buf *out, const char *word);

#endif
