/* A session script for the prediction engine, read from arbitrary bytes:
 * keys typed, the server's screen changing under them, frames arriving
 * with any echo ack, resizes. Whatever happens, once a frame acknowledges
 * every key the screen shown must be exactly the server's. Shared by the
 * libFuzzer target and a randomized unit test. Header-only (static). */
#ifndef SSPSH_PREDICT_SCRIPT_H
#define SSPSH_PREDICT_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "term/fb.h"
#include "term/keys.h"
#include "term/predict.h"

struct script {
	const uint8_t *data;
	size_t size, at;
	struct predict *predict;
	struct keys *keys;
	struct fb *server;
	uint64_t acked, now;
	struct key typed[32];	/* text keys the program has yet to echo */
	int n_typed;
};

static uint8_t script_byte(struct script *s)
{
	return s->at < s->size ? s->data[s->at++] : 0;
}

static void script_on_key(void *ctx, const struct key *key)
{
	struct script *s = ctx;

	predict_key(s->predict, key, keys_offset(s->keys), s->now);
	if (key->type == KEY_TEXT && key->width > 0 && s->n_typed < 32)
		s->typed[s->n_typed++] = *key;
}

/* The program echoes the oldest typed character at its cursor, as a tty
 * does: prediction's guesses come true and epochs get confirmed. */
static void script_echo(struct script *s)
{
	struct fb_pen pen = { 0 };
	int row, col;

	if (s->n_typed == 0)
		return;
	fb_cursor(s->server, &row, &col);
	if (col + s->typed[0].width <= fb_cols(s->server)) {
		fb_set_cell(s->server, row, col, s->typed[0].utf8, s->typed[0].utf8_len,
			    s->typed[0].width, &pen);
		col += s->typed[0].width;
	}
	if (col >= fb_cols(s->server) && row + 1 < fb_rows(s->server)) {
		row++;
		col = 0;
	}
	fb_set_cursor(s->server, row, col < fb_cols(s->server) ? col : fb_cols(s->server) - 1);
	s->n_typed--;
	memmove(s->typed, s->typed + 1, (size_t)s->n_typed * sizeof s->typed[0]);
}

/* Bytes typed: editing keys and text, and stray bytes of 0x80..0xff
 * (broken UTF-8, C1 controls). Not C1 CSI: libtermkey 0.22 reads an
 * uninitialised parameter on a bare "CSI u", which valgrind reports. */
static void script_type(struct script *s)
{
	static const char *const pieces[] = {
		"a", "b", " ", "\x7f", "\r", "\x1b[D", "\x1b[C", "\x1b[3~", "\t",
		"\xe3\x81\x82", "\xc3\xa9", "\x1b[200~x\ny\x1b[201~", "\x03", "\x1b", "\x15",
	};
	uint8_t n = script_byte(s) % 8 + 1;

	for (uint8_t i = 0; i < n; i++) {
		uint8_t pick = script_byte(s);
		const char *piece = pieces[pick % (sizeof pieces / sizeof pieces[0])];
		uint8_t stray = script_byte(s) | 0x80;
		char raw = (char)(stray == 0x9b ? 0x80 : stray);

		if (pick >= 240)
			keys_feed(s->keys, &raw, 1, script_on_key, s);
		else
			keys_feed(s->keys, piece, strlen(piece), script_on_key, s);
	}
}

/* The program writes a cell somewhere, or moves its cursor. */
static void script_server_write(struct script *s, bool move_cursor)
{
	int row = script_byte(s) % fb_rows(s->server), col = script_byte(s) % fb_cols(s->server);
	uint8_t c = script_byte(s);
	struct fb_pen pen = { 0 };

	if (move_cursor)
		fb_set_cursor(s->server, row, col);
	else if (c >= 0xf0)
		fb_set_cell(s->server, row, col, "\xe3\x81\x82", 3, 2, &pen);
	else
		fb_set_cell(s->server, row, col, (const char *)&(char){ (char)(' ' + c % 95) }, 1, 1, &pen);
}

static void script_frame(struct script *s, uint64_t ack)
{
	struct fb *shown = fb_clone(s->server);

	s->acked = ack;
	predict_server_frame(s->predict, s->server, ack, s->now);
	if (shown)
		predict_apply(s->predict, shown, s->now);
	fb_free(shown);
}

static void script_step(struct script *s)
{
	uint64_t typed = keys_offset(s->keys);

	s->now += script_byte(s);
	switch (script_byte(s) % 10) {
	case 0: case 1:
		script_type(s);
		break;
	case 2:
		script_server_write(s, false);
		break;
	case 7: case 8:
		script_echo(s);
		break;
	case 3:
		script_server_write(s, true);
		break;
	case 4: case 5:
		script_frame(s, s->acked + script_byte(s) % (typed - s->acked + 1));
		break;
	case 6:
		predict_set_rtt(s->predict, script_byte(s) * 2);
		keys_flush(s->keys, script_on_key, s);
		break;
	default:
		if (script_byte(s) < 16)
			fb_resize(s->server, 2 + script_byte(s) % 30, 1 + script_byte(s) % 8);
		break;
	}
}

/* Runs the script; false if the settled screen is not the server's. */
static bool run_predict_script(const uint8_t *data, size_t size)
{
	struct script s = { .data = data, .size = size, .now = 1000 };
	bool settled = false;
	struct fb *shown;

	s.predict = predict_new((enum predict_mode)(script_byte(&s) % 2 ? PREDICT_ALWAYS
								      : PREDICT_ADAPTIVE));
	s.keys = keys_new("xterm-256color");
	s.server = fb_new(2 + script_byte(&s) % 30, 1 + script_byte(&s) % 8);
	if (!s.predict || !s.keys || !s.server)
		goto out;
	predict_server_frame(s.predict, s.server, 0, s.now);
	while (s.at < s.size)
		script_step(&s);
	keys_flush(s.keys, script_on_key, &s);
	predict_server_frame(s.predict, s.server, keys_offset(s.keys), s.now);
	shown = fb_clone(s.server);
	if (shown) {
		predict_apply(s.predict, shown, s.now + 100000);
		settled = predict_pending(s.predict) == 0 && fb_equal(shown, s.server);
		fb_free(shown);
	}
out:
	predict_free(s.predict);
	keys_free(s.keys);
	fb_free(s.server);
	return settled;
}

#endif
