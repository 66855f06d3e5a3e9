#include "core/shell_words.h"

#include <stdlib.h>
#include <string.h>

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* Inside double quotes a backslash only escapes these. */
static bool escapable_in_double_quotes(char c)
{
	return c == '\\' || c == '"' || c == '$' || c == '`';
}

/* Copies one word starting at *p into *dst (NUL-terminated), advancing both.
 * Returns NULL on success or the error message. */
static const char *scan_word(const char **p, char **dst)
{
	const char *s = *p;
	char *d = *dst;

	while (*s && !is_blank(*s)) {
		if (*s == '\'') {
			const char *end = strchr(s + 1, '\'');
			if (!end)
				return "unterminated ' quote";
			memcpy(d, s + 1, (size_t)(end - s - 1));
			d += end - s - 1;
			s = end + 1;
		} else if (*s == '"') {
			for (s++; *s != '"'; s++) {
				if (!*s)
					return "unterminated \" quote";
				if (*s == '\\' && escapable_in_double_quotes(s[1]))
					s++;
				*d++ = *s;
			}
			s++;
		} else if (*s == '\\') {
			if (!s[1])
				return "trailing backslash";
			*d++ = s[1];
			s += 2;
		} else {
			*d++ = *s++;
		}
	}
	*d++ = '\0';
	*p = s;
	*dst = d;
	return NULL;
}

bool shell_words_split(const char *text, struct shell_words *out, const char **error)
{
	size_t len = strlen(text);
	/* Words are separated by blanks, so there are at most len/2 + 1 of them,
	 * and their characters plus NULs never outnumber text's plus one. */
	size_t max_words = len / 2 + 1;
	size_t ptr_bytes = (max_words + 1) * sizeof(char *);
	char **argv = malloc(ptr_bytes + len + 1);
	char *dst;
	const char *p = text;
	int argc = 0;

	out->argc = 0;
	out->argv = NULL;
	if (!argv) {
		*error = "out of memory";
		return false;
	}
	dst = (char *)argv + ptr_bytes;
	for (;;) {
		while (is_blank(*p))
			p++;
		if (!*p)
			break;
		argv[argc++] = dst;
		*error = scan_word(&p, &dst);
		if (*error) {
			free(argv);
			return false;
		}
	}
	argv[argc] = NULL;
	out->argc = argc;
	out->argv = argv;
	return true;
}

void shell_words_free(struct shell_words *w)
{
	free(w->argv);
	w->argv = NULL;
	w->argc = 0;
}

void shell_quote(struct buf *out, const char *word)
{
	buf_put_u8(out, '\'');
	for (const char *s = word; *s; s++) {
		if (*s == '\'')
			buf_put_str(out, "'\\''");
		else
			buf_put_u8(out, (uint8_t)*s);
	}
	buf_put_u8(out, '\'');
}

void shell_quote_if_needed(struct buf *out, const char *word)
{
	static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:@%+=,";

	if (*word && word[strspn(word, plain)] == '\0')
		buf_put_str(out, word);
	else
		shell_quote(out, word);
}
