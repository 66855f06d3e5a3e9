/* The client's predictive echo: keys -> guesses -> the painted frame. */
#include <stdio.h>
#include <stdlib.h>

#include "applets/session/local_echo.h"
#include "core/options.h"
#include "term/keys.h"

struct local_echo {
	struct keys *keys;	/* NULL: libtermkey unusable, predict nothing */
	struct predict *predict;
	uint64_t input_pos;	/* where the bytes fed so far end */
	uint64_t now_ms;	/* for the key callback */
	uint64_t pending_since;	/* a prefix (lone ESC) waits since then */
	uint64_t next_wake;	/* when predict_wait_ms said the display changes */
};

struct local_echo *local_echo_new(enum predict_mode mode)
{
	struct local_echo *e = calloc(1, sizeof *e);

	if (!e)
		return NULL;
	e->predict = predict_new(mode);
	if (!e->predict) {
		free(e);
		return NULL;
	}
	if (mode != PREDICT_NEVER)
		e->keys = keys_new(NULL);
	return e;
}

void local_echo_free(struct local_echo *e)
{
	if (!e)
		return;
	keys_free(e->keys);
	predict_free(e->predict);
	free(e);
}

static void on_key(void *ctx, const struct key *key)
{
	struct local_echo *e = ctx;

	predict_key(e->predict, key, e->input_pos, e->now_ms);
}

void local_echo_typed(struct local_echo *e, const void *bytes, size_t len, uint64_t input_pos,
		      uint64_t now_ms)
{
	if (!e->keys)
		return;
	e->input_pos = input_pos;
	e->now_ms = now_ms;
	keys_feed(e->keys, bytes, len, on_key, e);
	if (keys_wait_ms(e->keys) >= 0)
		e->pending_since = now_ms;
}

void local_echo_frame(struct local_echo *e, const struct fb *server, uint64_t echo_ack,
		      int srtt_ms, uint64_t now_ms)
{
	predict_set_rtt(e->predict, srtt_ms);
	predict_server_frame(e->predict, server, echo_ack, now_ms);
}

void local_echo_draw(void *ctx, struct fb *frame, uint64_t now_ms)
{
	struct local_echo *e = ctx;
	int wait;

	predict_apply(e->predict, frame, now_ms);
	wait = predict_wait_ms(e->predict, now_ms);
	e->next_wake = wait >= 0 ? now_ms + (uint64_t)wait : 0;
}

static int keys_due_in(const struct local_echo *e, uint64_t now_ms)
{
	int wait = e->keys ? keys_wait_ms(e->keys) : -1;
	uint64_t due;

	if (wait < 0)
		return -1;
	due = e->pending_since + (uint64_t)wait;
	return due > now_ms ? (int)(due - now_ms) : 0;
}

int local_echo_wait_ms(const struct local_echo *e, uint64_t now_ms)
{
	int keys_wait = keys_due_in(e, now_ms);
	int paint_wait = -1;

	if (e->next_wake)
		paint_wait = e->next_wake > now_ms ? (int)(e->next_wake - now_ms) : 0;
	if (keys_wait < 0)
		return paint_wait;
	if (paint_wait < 0)
		return keys_wait;
	return keys_wait < paint_wait ? keys_wait : paint_wait;
}

bool local_echo_tick(struct local_echo *e, uint64_t now_ms)
{
	bool repaint = false;

	if (keys_due_in(e, now_ms) == 0) {
		e->now_ms = now_ms;
		keys_flush(e->keys, on_key, e);
		repaint = true;
	}
	if (e->next_wake && now_ms >= e->next_wake) {
		e->next_wake = 0;
		repaint = true;
	}
	return repaint;
}
