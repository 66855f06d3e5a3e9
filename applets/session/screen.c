#include "applets/session/screen.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/fdio.h"
#include "core/log.h"
#include "term/display.h"
#include "term/display_history.h"

struct screen {
	int fd;
	struct term_caps terminal;	/* what it can show */
	struct fb *shown;	/* what the terminal shows now; NULL: unknown */
	screen_overlay_fn overlay;
	void *overlay_ctx;
	struct buf out;
	bool painted;		/* the session has been on the terminal */
	bool clipboard;		/* the session may set the terminal's clipboard */
};

struct screen *screen_new(int out_fd, const struct term_caps *terminal, screen_overlay_fn overlay,
			  void *overlay_ctx)
{
	struct screen *s = calloc(1, sizeof *s);

	if (!s)
		return NULL;
	s->fd = out_fd;
	s->terminal = *terminal;
	s->overlay = overlay;
	s->overlay_ctx = overlay_ctx;
	buf_init(&s->out);
	return s;
}

void screen_allow_clipboard(struct screen *s, bool allow)
{
	s->clipboard = allow;
}

void screen_free(struct screen *s)
{
	if (!s)
		return;
	fb_free(s->shown);
	buf_free(&s->out);
	free(s);
}

static void flush(struct screen *s)
{
	/* A failure means the terminal is gone: nothing left to paint on. */
	fd_write_all(s->fd, s->out.data, s->out.len);
	buf_reset(&s->out);
}

/* The notice, reverse video, across the top row. */
static void draw_notice(struct fb *frame, const char *notice)
{
	struct fb_pen pen = { .attrs = FB_INVERSE };
	int cols = fb_cols(frame);
	size_t len = strlen(notice);

	for (int col = 0; col < cols; col++) {
		char c = (size_t)col < len ? notice[col] : ' ';
		fb_set_cell(frame, 0, col, &c, 1, 1, &pen);
	}
}

/* The frame as the terminal should show it: overlay and notice drawn. */
static struct fb *frame_to_show(struct screen *s, const struct fb *frame, const char *notice,
				uint64_t now_ms)
{
	struct fb *next = fb_clone(frame);

	if (!next)
		return NULL;
	if (s->overlay)
		s->overlay(s->overlay_ctx, next, now_ms);
	if (notice)
		draw_notice(next, notice);
	return next;
}

static void shown_now(struct screen *s, struct fb *next)
{
	flush(s);
	fb_free(s->shown);
	s->shown = next;
}

void screen_paint(struct screen *s, const struct fb *frame, const char *notice, uint64_t now_ms)
{
	/* The terminal's history holds only what screen_paint_history puts
	 * there: rows the screen scrolls are not lines that scrolled off. The
	 * first paint alone clears the plain way, which leaves what the
	 * terminal showed before the session in its history where terminals
	 * do that (tmux, VTE). */
	struct display_options options = { .no_history = s->painted, .no_clipboard = !s->clipboard,
					   .terminal = &s->terminal };
	struct fb *next = frame_to_show(s, frame, notice, now_ms);

	if (!next)
		return;
	if (s->shown && fb_equal(s->shown, next)) {
		fb_free(next);
		return;
	}
	display_diff_with(s->shown, next, &options, &s->out);
	s->painted = true;
	shown_now(s, next);
}

size_t screen_paint_history(struct screen *s, const struct fb *frame, const char *notice,
			    uint64_t now_ms, uint64_t lost, const struct history_span *entries,
			    size_t n, bool keep_in_view)
{
	struct fb *next;
	size_t bad;

	if (!s->painted)
		screen_paint(s, frame, notice, now_ms);
	next = frame_to_show(s, frame, notice, now_ms);
	if (!next)
		return n;
	bad = display_history(s->shown, next, lost, entries, n, keep_in_view, &s->terminal, &s->out);
	shown_now(s, next);
	return bad;
}

void screen_invalidate(struct screen *s)
{
	fb_free(s->shown);
	s->shown = NULL;
}

void screen_release(struct screen *s, const char *message)
{
	display_close(s->shown, message, &s->terminal, &s->out);
	flush(s);
	screen_invalidate(s);
}
