#include "applets/session/ssp_input.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/options.h"

/* Bytes [start, start + bytes.len) of the stream, shared by the snapshots
 * of one side (reference counted). */
struct input_log {
	unsigned refs;
	uint64_t start;
	struct buf bytes;
};

struct ssp_input {
	struct input_log *log;
	uint64_t pos;
};

static struct input_log *log_new(uint64_t start)
{
	struct input_log *log = calloc(1, sizeof *log);

	if (!log)
		return NULL;
	log->refs = 1;
	log->start = start;
	buf_init(&log->bytes);
	return log;
}

static void log_unref(struct input_log *log)
{
	if (log && --log->refs == 0) {
		buf_free(&log->bytes);
		free(log);
	}
}

static struct ssp_input *input_wrap(struct input_log *log, uint64_t pos)
{
	struct ssp_input *in = malloc(sizeof *in);

	if (!in) {
		log_unref(log);
		return NULL;
	}
	in->log = log;
	in->pos = pos;
	return in;
}

struct ssp_input *input_new(void)
{
	struct input_log *log = log_new(0);
	return log ? input_wrap(log, 0) : NULL;
}

void input_free(struct ssp_input *in)
{
	if (!in)
		return;
	log_unref(in->log);
	free(in);
}

uint64_t input_pos(const struct ssp_input *in)
{
	return in->pos;
}

size_t input_log_bytes(const struct ssp_input *in)
{
	return in->log->bytes.len;
}

/* ---- Client side ---- */

static bool append(struct ssp_input *in, const struct buf *event)
{
	if (event->oom)
		return false;
	buf_put(&in->log->bytes, event->data, event->len);
	if (in->log->bytes.oom) {
		in->log->bytes.oom = false;	/* nothing was appended */
		return false;
	}
	in->pos += event->len;
	return true;
}

bool input_add_keys(struct ssp_input *in, const void *bytes, size_t len)
{
	struct buf event;
	bool ok;

	if (len == 0)
		return true;
	buf_init(&event);
	buf_put_u8(&event, INPUT_KEYS);
	buf_put_varint(&event, len);
	buf_put(&event, bytes, len);
	ok = append(in, &event);
	buf_free(&event);
	return ok;
}

bool input_add_resize(struct ssp_input *in, int cols, int rows)
{
	uint8_t storage[24];
	struct buf event = { storage, 0, sizeof storage, false };

	buf_put_u8(&event, INPUT_RESIZE);
	buf_put_varint(&event, (uint64_t)cols);
	buf_put_varint(&event, (uint64_t)rows);
	return append(in, &event);
}

static bool is_capital(uint8_t c)
{
	return c >= 'A' && c <= 'Z';
}

static bool locale_value_char(uint8_t c)
{
	return is_capital(c) || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
	       c == '_' || c == '@' || c == '-';
}

bool input_env_valid(const uint8_t *entry, size_t len)
{
	size_t i;

	if (len > SSPSH_SESSION_ENV_LEN_MAX)
		return false;
	if (len >= 5 && memcmp(entry, "LANG=", 5) == 0) {
		i = 5;
	} else if (len >= 4 && memcmp(entry, "LC_", 3) == 0 && is_capital(entry[3])) {
		for (i = 4; i < len && (is_capital(entry[i]) || entry[i] == '_'); i++)
			;
		if (i == len || entry[i++] != '=')
			return false;
	} else {
		return false;
	}
	for (; i < len; i++)
		if (!locale_value_char(entry[i]))
			return false;
	return true;
}

bool input_add_env(struct ssp_input *in, const char *entry)
{
	uint8_t storage[SSPSH_SESSION_ENV_LEN_MAX + 16];
	struct buf event = { storage, 0, sizeof storage, false };
	size_t len = strlen(entry);

	if (!input_env_valid((const uint8_t *)entry, len))
		return false;
	buf_put_u8(&event, INPUT_ENV);
	buf_put_varint(&event, len);
	buf_put(&event, entry, len);
	return append(in, &event);
}

bool input_command_fits(char *const *argv)
{
	size_t bytes = 0;
	int argc = 0;

	for (; argv && argv[argc]; argc++) {
		bytes += strlen(argv[argc]) + 1;
		if (argc == SSPSH_SESSION_MAX_ARGS || bytes > SSPSH_SESSION_COMMAND_MAX)
			return false;
	}
	return true;
}

bool input_command_valid(const uint8_t *words, size_t len)
{
	int argc = 0;

	if (len > SSPSH_SESSION_COMMAND_MAX || (len && words[len - 1] != '\0'))
		return false;
	for (size_t i = 0; i < len; i++)
		if (words[i] == '\0' && ++argc > SSPSH_SESSION_MAX_ARGS)
			return false;
	return true;
}

bool input_add_command(struct ssp_input *in, char *const *argv)
{
	struct buf event;
	size_t bytes = 0;
	bool ok;

	if (!input_command_fits(argv))
		return false;
	for (int i = 0; argv && argv[i]; i++)
		bytes += strlen(argv[i]) + 1;
	buf_init(&event);
	buf_put_u8(&event, INPUT_COMMAND);
	buf_put_varint(&event, bytes);
	for (int i = 0; argv && argv[i]; i++)
		buf_put(&event, argv[i], strlen(argv[i]) + 1);
	ok = append(in, &event);
	buf_free(&event);
	return ok;
}

struct ssp_input *input_snapshot(const struct ssp_input *in)
{
	in->log->refs++;
	return input_wrap(in->log, in->pos);
}

void input_trim(struct ssp_input *in, uint64_t pos)
{
	struct input_log *log = in->log;

	if (pos <= log->start || pos > in->pos)
		return;
	buf_consume(&log->bytes, (size_t)(pos - log->start));
	log->start = pos;
}

/* ---- The state operations ---- */

static void input_diff(const void *from, const void *to, struct buf *out)
{
	const struct ssp_input *a = from, *b = to;
	const struct input_log *log = b->log;

	if (a->pos < log->start || a->pos > b->pos)
		return;	/* cannot happen: the engine diffs from an acked state */
	buf_put(out, log->bytes.data + (a->pos - log->start), (size_t)(b->pos - a->pos));
}

/* Checks that `len` bytes are whole, well-formed events. */
static bool events_valid(const uint8_t *data, size_t len)
{
	struct ssp_input view = { NULL, 0 };
	struct input_log log = { 1, 0, { (uint8_t *)data, len, len, false } };
	struct input_event ev;
	uint64_t cursor = 0;

	view.log = &log;
	view.pos = len;
	while (cursor < len)
		if (!input_next_event(&view, &cursor, &ev))
			return false;
	return true;
}

static void *input_apply(const void *from, const uint8_t *diff, size_t len)
{
	const struct ssp_input *base = from;
	struct input_log *log;

	if (!events_valid(diff, len))
		return NULL;
	log = log_new(base->pos);
	if (!log)
		return NULL;
	buf_put(&log->bytes, diff, len);
	if (log->bytes.oom) {
		log_unref(log);
		return NULL;
	}
	return input_wrap(log, base->pos + len);
}

static bool input_equal(const void *a, const void *b)
{
	return ((const struct ssp_input *)a)->pos == ((const struct ssp_input *)b)->pos;
}

static void *input_clone(const void *in)
{
	return input_snapshot(in);
}

static void input_free_state(void *in)
{
	input_free(in);
}

const struct ssp_state_ops ssp_input_ops = {
	.diff = input_diff,
	.apply = input_apply,
	.equal = input_equal,
	.clone = input_clone,
	.free = input_free_state,
};

/* ---- Server side ---- */

static bool read_event(struct reader *r, struct input_event *ev)
{
	uint64_t a, b;

	ev->type = (enum input_event_type)rd_u8(r);
	switch (ev->type) {
	case INPUT_KEYS:
		a = rd_varint(r);
		ev->len = a > reader_left(r) ? 0 : (size_t)a;
		ev->keys = rd_bytes(r, (size_t)a);
		return !r->failed && a > 0;
	case INPUT_ENV:
		a = rd_varint(r);
		ev->len = a > reader_left(r) ? 0 : (size_t)a;
		ev->keys = rd_bytes(r, (size_t)a);
		return !r->failed && input_env_valid(ev->keys, ev->len);
	case INPUT_COMMAND:
		a = rd_varint(r);
		ev->len = a > reader_left(r) ? 0 : (size_t)a;
		ev->keys = rd_bytes(r, (size_t)a);
		return !r->failed && input_command_valid(ev->keys, ev->len);
	case INPUT_RESIZE:
		a = rd_varint(r);
		b = rd_varint(r);
		ev->cols = (int)a;
		ev->rows = (int)b;
		return !r->failed && a >= 1 && a <= SSPSH_MAX_COLS && b >= 1 && b <= SSPSH_MAX_ROWS;
	}
	return false;
}

bool input_next_event(const struct ssp_input *in, uint64_t *cursor, struct input_event *ev)
{
	const struct input_log *log = in->log;
	struct reader r;

	if (*cursor < log->start || *cursor >= in->pos)
		return false;
	reader_init(&r, log->bytes.data + (*cursor - log->start), (size_t)(in->pos - *cursor));
	if (!read_event(&r, ev))
		return false;
	*cursor += r.off;
	return true;
}
