#include "applets/session/ssp_frame.h"

#include <stdlib.h>

#include "core/buf.h"
#include "core/options.h"
#include "core/zip.h"
#include "term/display.h"
#include "term/emu.h"

/* Diff: varint flags, varint echo_ack, varint bell count, varint cols,
 * varint rows, with FRAME_ENDED varint reason and varint status, then the
 * display diff, raw or (FRAME_DEFLATED) deflated. */
#define FRAME_ENDED 1u
#define FRAME_DEFLATED 2u
#define FRAME_FLAGS (FRAME_ENDED | FRAME_DEFLATED)

struct ssp_frame {
	struct fb *fb;
	uint64_t echo_ack;
	struct session_end end;
};

struct ssp_frame *ssp_frame_new(struct fb *fb, uint64_t echo_ack, const struct session_end *end)
{
	struct ssp_frame *f = malloc(sizeof *f);

	if (!f) {
		fb_free(fb);
		return NULL;
	}
	f->fb = fb;
	f->echo_ack = echo_ack;
	f->end = end ? *end : (struct session_end){ SESSION_RUNNING, 0 };
	return f;
}

void ssp_frame_free(struct ssp_frame *f)
{
	if (!f)
		return;
	fb_free(f->fb);
	free(f);
}

const struct fb *ssp_frame_fb(const struct ssp_frame *f)
{
	return f->fb;
}

uint64_t ssp_frame_echo_ack(const struct ssp_frame *f)
{
	return f->echo_ack;
}

bool ssp_frame_ended(const struct ssp_frame *f)
{
	return f->end.reason != SESSION_RUNNING;
}

struct session_end ssp_frame_end(const struct ssp_frame *f)
{
	return f->end;
}

/* The display diff deflated into `packed` when that is worth it. */
static bool deflated(const struct buf *display, struct buf *packed)
{
	return display->len >= SSPSH_FRAME_DEFLATE_MIN &&
	       zip_deflate(display->data, display->len, packed) == ZIP_OK &&
	       packed->len < display->len;
}

static void frame_diff(const void *from, const void *to, struct buf *out)
{
	const struct ssp_frame *a = from, *b = to;
	struct buf display, packed;
	bool deflate;

	buf_init(&display);
	buf_init(&packed);
	if (b->fb)
		display_diff(a->fb, b->fb, &display);
	deflate = deflated(&display, &packed);
	buf_put_varint(out, (ssp_frame_ended(b) ? FRAME_ENDED : 0) | (deflate ? FRAME_DEFLATED : 0));
	buf_put_varint(out, b->echo_ack);
	buf_put_varint(out, b->fb ? fb_bells(b->fb) : 0);
	buf_put_varint(out, b->fb ? (uint64_t)fb_cols(b->fb) : 0);
	buf_put_varint(out, b->fb ? (uint64_t)fb_rows(b->fb) : 0);
	if (ssp_frame_ended(b)) {
		buf_put_varint(out, b->end.reason);
		buf_put_varint(out, b->end.status);
	}
	if (deflate)
		buf_put(out, packed.data, packed.len);
	else
		buf_put(out, display.data, display.len);
	if (display.oom)
		out->oom = true;
	buf_free(&display);
	buf_free(&packed);
}

/* The screen of `base` with the display diff applied; NULL on OOM. */
static struct fb *apply_display_diff(const struct fb *base, int cols, int rows,
				     const uint8_t *diff, size_t len)
{
	struct emu *emu;
	struct fb *fb;

	if (base && fb_cols(base) == cols && fb_rows(base) == rows)
		emu = emu_new_from_fb(base);
	else
		emu = emu_new(cols, rows);
	if (!emu)
		return NULL;
	emu_write(emu, diff, len);
	fb = fb_clone(emu_fb(emu));
	emu_free(emu);
	return fb;
}

/* The screen of `base` with a deflated display diff applied; NULL if it
 * is malformed, inflates past SSPSH_FRAME_DIFF_MAX, or memory ran out. */
static struct fb *apply_deflated_diff(const struct fb *base, int cols, int rows,
				      const uint8_t *packed, size_t len)
{
	struct buf display;
	struct fb *fb = NULL;

	buf_init(&display);
	if (zip_inflate(packed, len, SSPSH_FRAME_DIFF_MAX, &display) == ZIP_OK)
		fb = apply_display_diff(base, cols, rows, display.data, display.len);
	buf_free(&display);
	return fb;
}

/* FRAME_ENDED's reason and status; false if they make no sense. */
static bool read_end(struct reader *r, uint64_t flags, struct session_end *end)
{
	uint64_t reason, status;

	*end = (struct session_end){ SESSION_RUNNING, 0 };
	if (!(flags & FRAME_ENDED))
		return true;
	reason = rd_varint(r);
	status = rd_varint(r);
	if (r->failed || reason == SESSION_RUNNING || reason > SESSION_END_REASON_LAST || status > 255 ||
	    (reason == SESSION_PROGRAM_KILLED && status <= 128))
		return false;
	end->reason = (enum session_end_reason)reason;
	end->status = (uint8_t)status;
	return true;
}

static void *frame_apply(const void *from, const uint8_t *diff, size_t len)
{
	const struct ssp_frame *base = from;
	uint64_t flags, echo_ack, bells, cols, rows;
	struct session_end end;
	const uint8_t *display;
	size_t display_len;
	struct fb *fb = NULL;
	struct reader r;

	reader_init(&r, diff, len);
	flags = rd_varint(&r);
	echo_ack = rd_varint(&r);
	bells = rd_varint(&r);
	cols = rd_varint(&r);
	rows = rd_varint(&r);
	if (r.failed || (flags & ~(uint64_t)FRAME_FLAGS) || cols > SSPSH_MAX_COLS ||
	    rows > SSPSH_MAX_ROWS || (cols == 0) != (rows == 0) || !read_end(&r, flags, &end))
		return NULL;
	display = r.p + r.off;
	display_len = reader_left(&r);
	if (cols) {
		if (flags & FRAME_DEFLATED)
			fb = apply_deflated_diff(base->fb, (int)cols, (int)rows, display, display_len);
		else
			fb = apply_display_diff(base->fb, (int)cols, (int)rows, display, display_len);
		if (!fb)
			return NULL;
		fb_set_bells(fb, (uint32_t)bells);
	}
	return ssp_frame_new(fb, echo_ack, &end);
}

static bool frame_equal(const void *a, const void *b)
{
	const struct ssp_frame *x = a, *y = b;

	if (x->echo_ack != y->echo_ack || x->end.reason != y->end.reason || x->end.status != y->end.status)
		return false;
	if (!x->fb || !y->fb)
		return x->fb == y->fb;
	return fb_equal(x->fb, y->fb);
}

static void *frame_clone(const void *state)
{
	const struct ssp_frame *f = state;
	struct fb *fb = NULL;

	if (f->fb && !(fb = fb_clone(f->fb)))
		return NULL;
	return ssp_frame_new(fb, f->echo_ack, &f->end);
}

static void frame_free(void *state)
{
	ssp_frame_free(state);
}

const struct ssp_state_ops ssp_frame_ops = {
	.diff = frame_diff,
	.apply = frame_apply,
	.equal = frame_equal,
	.clone = frame_clone,
	.free = frame_free,
};
