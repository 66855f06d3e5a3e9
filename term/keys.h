/* Keys: the user's keyboard bytes parsed into keys with libtermkey, for
 * predictive echo. Parsing never changes what is sent: the client sends the
 * exact bytes to the server and feeds the same bytes here, in the same
 * order, to learn what they meant and where each key ends in the stream.
 *
 * libtermkey runs "abstract" (no file descriptor), so it never writes to
 * the terminal or touches termios; it reads the terminfo entry of the
 * given terminal if there is one and otherwise knows the xterm/ECMA-48
 * sequences every terminal sends. */
#ifndef SSPSH_KEYS_H
#define SSPSH_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum key_type {
	KEY_TEXT,		/* a printable character, no Ctrl/Alt */
	KEY_ENTER,		/* CR, or LF inside a paste */
	KEY_BACKSPACE,		/* DEL (what terminals send for Backspace) */
	KEY_DELETE,		/* the Delete key: CSI 3 ~ */
	KEY_LEFT,
	KEY_RIGHT,
	KEY_UP,
	KEY_DOWN,
	KEY_HOME,
	KEY_END,
	KEY_TAB,
	KEY_ESCAPE,
	KEY_PASTE_BEGIN,	/* CSI 200 ~ (bracketed paste) */
	KEY_PASTE_END,		/* CSI 201 ~ */
	KEY_OTHER,		/* control keys, Alt-x, function keys, mouse, ... */
};

enum key_mod {
	KEY_MOD_SHIFT = 1 << 0,
	KEY_MOD_ALT   = 1 << 1,
	KEY_MOD_CTRL  = 1 << 2,
};

struct key {
	enum key_type type;
	unsigned mods;		/* enum key_mod */
	uint32_t codepoint;	/* KEY_TEXT, and KEY_OTHER for Ctrl/Alt + character */
	char utf8[8];		/* KEY_TEXT: the character, NUL-terminated */
	uint8_t utf8_len;
	int8_t width;		/* KEY_TEXT: columns it takes: 0 (combining), 1 or 2 */
	bool pasted;		/* inside a bracketed paste */
	uint64_t end_offset;	/* input bytes fed up to the end of this key */
};

struct keys;

/* `term` names the terminfo entry (NULL: $TERM, else xterm-256color). A
 * missing entry is fine. NULL only if libtermkey cannot start at all. */
struct keys *keys_new(const char *term);
void keys_free(struct keys *keys);

typedef void keys_fn(void *ctx, const struct key *key);

/* Feed input bytes; calls `on_key` for every key they complete. A prefix
 * that could still grow into a longer sequence (a lone ESC) waits for more
 * bytes or for keys_flush. */
void keys_feed(struct keys *keys, const void *data, size_t len, keys_fn *on_key, void *ctx);
/* Milliseconds to wait for the rest of a pending prefix before calling
 * keys_flush; -1 if nothing is pending. */
int keys_wait_ms(const struct keys *keys);
/* Takes whatever is pending as keys (a lone ESC becomes KEY_ESCAPE). */
void keys_flush(struct keys *keys, keys_fn *on_key, void *ctx);
/* Bytes fed so far. */
uint64_t keys_offset(const struct keys *keys);

#endif
