/* Keyboard bytes -> keys, through an abstract libtermkey instance. */
#include <stdlib.h>
#include <string.h>
#include <termkey.h>

#include "core/log.h"
#include "core/unicode.h"
#include "core/utf8.h"
#include "term/keys.h"

struct keys {
	TermKey *tk;
	uint64_t fed;		/* bytes pushed into libtermkey so far */
	bool pending;		/* libtermkey holds a prefix that may grow */
	bool in_paste;
};

static TermKey *termkey_for(const char *term)
{
	int flags = TERMKEY_FLAG_UTF8 | TERMKEY_FLAG_NOTERMIOS | TERMKEY_FLAG_CTRLC;

	return termkey_new_abstract(term, flags);
}

struct keys *keys_new(const char *term)
{
	struct keys *keys = calloc(1, sizeof *keys);

	if (!keys)
		return NULL;
	if (!term || !*term)
		term = getenv("TERM");
	if (term && *term)
		keys->tk = termkey_for(term);
	if (!keys->tk)
		keys->tk = termkey_for("xterm-256color");
	if (!keys->tk) {
		log_warn("keys: libtermkey could not start; no predictive echo");
		free(keys);
		return NULL;
	}
	/* Terminals send DEL for Backspace. */
	termkey_set_canonflags(keys->tk, termkey_get_canonflags(keys->tk) | TERMKEY_CANON_DELBS);
	return keys;
}

void keys_free(struct keys *keys)
{
	if (!keys)
		return;
	termkey_destroy(keys->tk);
	free(keys);
}

uint64_t keys_offset(const struct keys *keys)
{
	return keys->fed;
}

int keys_wait_ms(const struct keys *keys)
{
	return keys->pending ? termkey_get_waittime(keys->tk) : -1;
}

static enum key_type type_of_sym(TermKeySym sym)
{
	switch (sym) {
	case TERMKEY_SYM_BACKSPACE: return KEY_BACKSPACE;
	case TERMKEY_SYM_ENTER:     return KEY_ENTER;
	case TERMKEY_SYM_DELETE:    return KEY_DELETE;
	case TERMKEY_SYM_LEFT:      return KEY_LEFT;
	case TERMKEY_SYM_RIGHT:     return KEY_RIGHT;
	case TERMKEY_SYM_UP:        return KEY_UP;
	case TERMKEY_SYM_DOWN:      return KEY_DOWN;
	case TERMKEY_SYM_HOME:      return KEY_HOME;
	case TERMKEY_SYM_END:       return KEY_END;
	case TERMKEY_SYM_TAB:       return KEY_TAB;
	case TERMKEY_SYM_ESCAPE:    return KEY_ESCAPE;
	case TERMKEY_SYM_SPACE:     return KEY_TEXT;
	default:                    return KEY_OTHER;
	}
}

static unsigned mods_of(const TermKeyKey *tk_key)
{
	unsigned mods = 0;

	if (tk_key->modifiers & TERMKEY_KEYMOD_SHIFT)
		mods |= KEY_MOD_SHIFT;
	if (tk_key->modifiers & TERMKEY_KEYMOD_ALT)
		mods |= KEY_MOD_ALT;
	if (tk_key->modifiers & TERMKEY_KEYMOD_CTRL)
		mods |= KEY_MOD_CTRL;
	return mods;
}

/* False for what is not a Unicode scalar value (CSI u can carry any
 * number): such a key is KEY_OTHER. */
static bool set_text(struct key *key, long codepoint)
{
	size_t n;

	if (codepoint < 0 || codepoint > 0x10ffff || (codepoint >= 0xd800 && codepoint <= 0xdfff))
		return false;
	n = utf8_encode((uint32_t)codepoint, key->utf8);
	key->codepoint = (uint32_t)codepoint;
	key->utf8_len = (uint8_t)n;
	key->utf8[n] = '\0';
	key->width = (int8_t)unicode_width((uint32_t)codepoint);
	return true;
}

/* The bracketed-paste markers arrive as CSI sequences libtermkey does not
 * name: CSI 200 ~ and CSI 201 ~. */
static enum key_type type_of_unknown_csi(TermKey *tk, const TermKeyKey *tk_key)
{
	long args[4];
	size_t nargs = 4;
	unsigned long cmd;

	if (termkey_interpret_csi(tk, tk_key, args, &nargs, &cmd) != TERMKEY_RES_KEY)
		return KEY_OTHER;
	if (cmd != '~' || nargs != 1)
		return KEY_OTHER;
	if (args[0] == 200)
		return KEY_PASTE_BEGIN;
	if (args[0] == 201)
		return KEY_PASTE_END;
	return KEY_OTHER;
}

static void translate(struct keys *keys, const TermKeyKey *tk_key, struct key *key)
{
	memset(key, 0, sizeof *key);
	key->mods = mods_of(tk_key);
	switch (tk_key->type) {
	case TERMKEY_TYPE_UNICODE:
		if (!set_text(key, tk_key->code.codepoint))
			key->type = KEY_OTHER;
		else
			key->type = key->mods & (KEY_MOD_CTRL | KEY_MOD_ALT) ? KEY_OTHER : KEY_TEXT;
		/* Inside a paste a newline is a line break, not Ctrl-J. */
		if (keys->in_paste && key->codepoint == 'j' && key->mods == KEY_MOD_CTRL)
			key->type = KEY_ENTER;
		break;
	case TERMKEY_TYPE_KEYSYM:
		key->type = type_of_sym(tk_key->code.sym);
		if (key->type == KEY_TEXT)
			set_text(key, ' ');
		else if (key->mods & (KEY_MOD_CTRL | KEY_MOD_ALT))
			key->type = KEY_OTHER;
		break;
	case TERMKEY_TYPE_UNKNOWN_CSI:
		key->type = type_of_unknown_csi(keys->tk, tk_key);
		break;
	default:
		key->type = KEY_OTHER;
		break;
	}
	if (key->type == KEY_PASTE_BEGIN)
		keys->in_paste = true;
	else if (key->type == KEY_PASTE_END)
		keys->in_paste = false;
	key->pasted = keys->in_paste || key->type == KEY_PASTE_END;
}

static uint64_t bytes_held(const struct keys *keys)
{
	return termkey_get_buffer_size(keys->tk) - termkey_get_buffer_remaining(keys->tk);
}

static void emit(struct keys *keys, const TermKeyKey *tk_key, keys_fn *on_key, void *ctx)
{
	struct key key;

	translate(keys, tk_key, &key);
	key.end_offset = keys->fed - bytes_held(keys);
	on_key(ctx, &key);
}

static void drain(struct keys *keys, keys_fn *on_key, void *ctx)
{
	TermKeyKey tk_key;
	TermKeyResult r;

	while ((r = termkey_getkey(keys->tk, &tk_key)) == TERMKEY_RES_KEY)
		emit(keys, &tk_key, on_key, ctx);
	keys->pending = r == TERMKEY_RES_AGAIN;
}

void keys_feed(struct keys *keys, const void *data, size_t len, keys_fn *on_key, void *ctx)
{
	const char *bytes = data;

	while (len > 0) {
		size_t pushed = termkey_push_bytes(keys->tk, bytes, len);

		if (pushed == 0 || pushed == (size_t)-1) {
			/* The buffer is full of an unfinished sequence: take it as is. */
			keys_flush(keys, on_key, ctx);
			if (termkey_get_buffer_remaining(keys->tk) == 0) {
				/* Cannot happen with libtermkey 0.22; skip the bytes
				 * but keep the offsets true to the stream. */
				keys->fed += len;
				return;
			}
			continue;
		}
		keys->fed += pushed;
		bytes += pushed;
		len -= pushed;
		drain(keys, on_key, ctx);
	}
}

void keys_flush(struct keys *keys, keys_fn *on_key, void *ctx)
{
	TermKeyKey tk_key;

	while (termkey_getkey_force(keys->tk, &tk_key) == TERMKEY_RES_KEY)
		emit(keys, &tk_key, on_key, ctx);
	keys->pending = false;
}
