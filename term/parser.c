/* The DEC ANSI parser state machine of vt100.net/emu/dec_ansi_parser, as
 * one const table per state mapping each 7-bit byte to an action and the
 * next state. Two deliberate departures from the diagram, both as xterm:
 * ':' is a parameter separator (ITU T.416 sub-parameters, "38:2::r:g:b"),
 * and BEL ends an OSC string. Bytes >= 0x80 are UTF-8: decoded to code
 * points in the ground state, kept as data inside OSC and DCS strings,
 * ignored inside other sequences. C1 controls as single bytes do not exist
 * in UTF-8, so 0x80..0x9f are never controls here. */
#include "term/parser.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

enum state {
	S_STAY,		/* in a table: keep the current state */
	S_GROUND,
	S_ESCAPE,
	S_ESCAPE_INTERMEDIATE,
	S_CSI_ENTRY,
	S_CSI_PARAM,
	S_CSI_INTERMEDIATE,
	S_CSI_IGNORE,
	S_DCS_ENTRY,
	S_DCS_PARAM,
	S_DCS_INTERMEDIATE,
	S_DCS_PASSTHROUGH,
	S_DCS_IGNORE,
	S_OSC_STRING,
	S_SOS_PM_APC_STRING,
	S_COUNT
};

enum action {
	A_IGNORE,
	A_PRINT,
	A_EXECUTE,
	A_COLLECT,
	A_PARAM,
	A_ESC_DISPATCH,
	A_CSI_DISPATCH,
	A_PUT,		/* a byte of an OSC or DCS string */
};

/* A table entry: the action in the low nibble, the next state in the high. */
#define T(action, state) ((uint8_t)((state) << 4 | (action)))
#define ACTION(entry) ((enum action)((entry) & 15))
#define NEXT(entry) ((enum state)((entry) >> 4))

/* CAN and SUB cancel any sequence, ESC starts a new one, from any state. */
#define ANYWHERE \
	[0x18] = T(A_EXECUTE, S_GROUND), [0x1a] = T(A_EXECUTE, S_GROUND), \
	[0x1b] = T(A_IGNORE, S_ESCAPE)
/* The other C0 controls. */
#define C0(entry) [0x00 ... 0x17] = (entry), [0x19] = (entry), [0x1c ... 0x1f] = (entry)

#define EXEC T(A_EXECUTE, S_STAY)

/* Entries left out are T(A_IGNORE, S_STAY), which is 0. */
static const uint8_t transitions[S_COUNT][128] = {
	[S_GROUND] = {
		ANYWHERE, C0(EXEC),
		[0x20 ... 0x7e] = T(A_PRINT, S_STAY),
	},
	[S_ESCAPE] = {
		ANYWHERE, C0(EXEC),
		[0x20 ... 0x2f] = T(A_COLLECT, S_ESCAPE_INTERMEDIATE),
		[0x30 ... 0x4f] = T(A_ESC_DISPATCH, S_GROUND),
		['P'] = T(A_IGNORE, S_DCS_ENTRY),
		[0x51 ... 0x57] = T(A_ESC_DISPATCH, S_GROUND),
		['X'] = T(A_IGNORE, S_SOS_PM_APC_STRING),
		[0x59 ... 0x5a] = T(A_ESC_DISPATCH, S_GROUND),
		['['] = T(A_IGNORE, S_CSI_ENTRY),
		['\\'] = T(A_ESC_DISPATCH, S_GROUND),
		[']'] = T(A_IGNORE, S_OSC_STRING),
		['^'] = T(A_IGNORE, S_SOS_PM_APC_STRING),
		['_'] = T(A_IGNORE, S_SOS_PM_APC_STRING),
		[0x60 ... 0x7e] = T(A_ESC_DISPATCH, S_GROUND),
	},
	[S_ESCAPE_INTERMEDIATE] = {
		ANYWHERE, C0(EXEC),
		[0x20 ... 0x2f] = T(A_COLLECT, S_STAY),
		[0x30 ... 0x7e] = T(A_ESC_DISPATCH, S_GROUND),
	},
	[S_CSI_ENTRY] = {
		ANYWHERE, C0(EXEC),
		[0x20 ... 0x2f] = T(A_COLLECT, S_CSI_INTERMEDIATE),
		[0x30 ... 0x3b] = T(A_PARAM, S_CSI_PARAM),
		[0x3c ... 0x3f] = T(A_COLLECT, S_CSI_PARAM),
		[0x40 ... 0x7e] = T(A_CSI_DISPATCH, S_GROUND),
	},
	[S_CSI_PARAM] = {
		ANYWHERE, C0(EXEC),
		[0x20 ... 0x2f] = T(A_COLLECT, S_CSI_INTERMEDIATE),
		[0x30 ... 0x3b] = T(A_PARAM, S_STAY),
		[0x3c ... 0x3f] = T(A_IGNORE, S_CSI_IGNORE),
		[0x40 ... 0x7e] = T(A_CSI_DISPATCH, S_GROUND),
	},
	[S_CSI_INTERMEDIATE] = {
		ANYWHERE, C0(EXEC),
		[0x20 ... 0x2f] = T(A_COLLECT, S_STAY),
		[0x30 ... 0x3f] = T(A_IGNORE, S_CSI_IGNORE),
		[0x40 ... 0x7e] = T(A_CSI_DISPATCH, S_GROUND),
	},
	[S_CSI_IGNORE] = {
		ANYWHERE, C0(EXEC),
		[0x40 ... 0x7e] = T(A_IGNORE, S_GROUND),
	},
	[S_DCS_ENTRY] = {
		ANYWHERE,
		[0x20 ... 0x2f] = T(A_COLLECT, S_DCS_INTERMEDIATE),
		[0x30 ... 0x3b] = T(A_PARAM, S_DCS_PARAM),
		[0x3c ... 0x3f] = T(A_COLLECT, S_DCS_PARAM),
		[0x40 ... 0x7e] = T(A_IGNORE, S_DCS_PASSTHROUGH),
	},
	[S_DCS_PARAM] = {
		ANYWHERE,
		[0x20 ... 0x2f] = T(A_COLLECT, S_DCS_INTERMEDIATE),
		[0x30 ... 0x3b] = T(A_PARAM, S_STAY),
		[0x3c ... 0x3f] = T(A_IGNORE, S_DCS_IGNORE),
		[0x40 ... 0x7e] = T(A_IGNORE, S_DCS_PASSTHROUGH),
	},
	[S_DCS_INTERMEDIATE] = {
		ANYWHERE,
		[0x20 ... 0x2f] = T(A_COLLECT, S_STAY),
		[0x30 ... 0x3f] = T(A_IGNORE, S_DCS_IGNORE),
		[0x40 ... 0x7e] = T(A_IGNORE, S_DCS_PASSTHROUGH),
	},
	[S_DCS_PASSTHROUGH] = {
		ANYWHERE, C0(T(A_PUT, S_STAY)),
		[0x20 ... 0x7e] = T(A_PUT, S_STAY),
	},
	[S_DCS_IGNORE] = { ANYWHERE },
	[S_OSC_STRING] = {
		ANYWHERE,
		[0x07] = T(A_IGNORE, S_GROUND),
		[0x20 ... 0x7f] = T(A_PUT, S_STAY),
	},
	[S_SOS_PM_APC_STRING] = { ANYWHERE },
};

struct parser {
	const struct parser_callbacks *cb;
	void *ctx;
	enum state state;

	struct parser_seq seq;
	int intermediates;
	bool too_many_intermediates;
	bool params_full;

	/* UTF-8 decoding: the code point so far, how many continuation bytes
	 * are still due, and the range the next one must fall in (narrower
	 * than 0x80..0xbf after some lead bytes, which rules out overlong
	 * forms, surrogates and code points above U+10FFFF). */
	uint32_t utf8_code_point;
	int utf8_due;
	uint8_t utf8_low, utf8_high;

	/* The OSC or DCS string being collected. */
	uint8_t *str;
	size_t str_len, str_cap;
	bool str_overflow;
};

struct parser *parser_new(const struct parser_callbacks *callbacks, void *ctx)
{
	struct parser *p = calloc(1, sizeof *p);

	if (!p)
		return NULL;
	p->cb = callbacks;
	p->ctx = ctx;
	p->state = S_GROUND;
	return p;
}

void parser_free(struct parser *p)
{
	if (!p)
		return;
	free(p->str);
	free(p);
}

void parser_reset(struct parser *p)
{
	p->state = S_GROUND;
	p->utf8_due = 0;
	p->str_len = 0;
}

size_t parser_memory(const struct parser *p)
{
	return sizeof *p + p->str_cap;
}

uint32_t parser_seq_key(const struct parser_seq *seq)
{
	return PARSER_KEY(seq->prefix, seq->intermediates[0], seq->final);
}

static void clear_seq(struct parser *p)
{
	p->seq.final = 0;
	p->seq.prefix = 0;
	p->seq.intermediates[0] = p->seq.intermediates[1] = 0;
	p->seq.nparams = 0;
	p->seq.subparam_mask = 0;
	p->intermediates = 0;
	p->too_many_intermediates = false;
	p->params_full = false;
}

static void collect(struct parser *p, uint8_t byte)
{
	if (byte >= 0x3c) {	/* a private marker, only ever first */
		p->seq.prefix = byte;
		return;
	}
	if (p->intermediates < 2)
		p->seq.intermediates[p->intermediates++] = byte;
	else
		p->too_many_intermediates = true;
}

static void param(struct parser *p, uint8_t byte)
{
	struct parser_seq *seq = &p->seq;

	if (seq->nparams == 0) {
		seq->nparams = 1;
		seq->params[0] = PARSER_PARAM_OMITTED;
	}
	if (byte == ';' || byte == ':') {
		if (seq->nparams == SSPSH_PARSER_MAX_PARAMS) {
			p->params_full = true;
			return;
		}
		if (byte == ':')
			seq->subparam_mask |= 1u << seq->nparams;
		seq->params[seq->nparams++] = PARSER_PARAM_OMITTED;
		return;
	}
	if (p->params_full)
		return;
	int32_t *value = &seq->params[seq->nparams - 1];
	int32_t digit = byte - '0';
	if (*value < 0)
		*value = digit;
	else if (*value > (SSPSH_PARSER_PARAM_MAX - digit) / 10)
		*value = SSPSH_PARSER_PARAM_MAX;
	else
		*value = *value * 10 + digit;
}

static void put(struct parser *p, uint8_t byte)
{
	if (p->str_overflow)
		return;
	if (p->str_len == p->str_cap) {
		size_t cap = p->str_cap ? p->str_cap * 2 : 256;
		uint8_t *grown;

		if (cap > SSPSH_OSC_MAX)
			cap = SSPSH_OSC_MAX;
		if (p->str_len == cap || !(grown = realloc(p->str, cap))) {
			p->str_overflow = true;
			return;
		}
		p->str = grown;
		p->str_cap = cap;
	}
	p->str[p->str_len++] = byte;
}

/* A string as long as a big clipboard should not pin its memory forever. */
static void release_string(struct parser *p)
{
	p->str_len = 0;
	if (p->str_cap > 4096) {
		free(p->str);
		p->str = NULL;
		p->str_cap = 0;
	}
}

static void dispatch_esc(struct parser *p, uint8_t byte)
{
	p->seq.final = byte;
	if (!p->too_many_intermediates && p->cb->esc_dispatch)
		p->cb->esc_dispatch(p->ctx, &p->seq);
}

static void dispatch_csi(struct parser *p, uint8_t byte)
{
	p->seq.final = byte;
	if (!p->too_many_intermediates && p->cb->csi_dispatch)
		p->cb->csi_dispatch(p->ctx, &p->seq);
}

/* Exit actions. A string counts only when properly ended: by BEL (OSC) or
 * by the ESC of ST; CAN and SUB abort it. */
static void leave_state(struct parser *p, uint8_t byte)
{
	bool ended = byte == 0x1b || (byte == 0x07 && p->state == S_OSC_STRING);

	if (p->state == S_OSC_STRING) {
		if (ended && !p->str_overflow && p->cb->osc_dispatch)
			p->cb->osc_dispatch(p->ctx, p->str, p->str_len);
		release_string(p);
	} else if (p->state == S_DCS_PASSTHROUGH) {
		if (ended && !p->str_overflow && !p->too_many_intermediates && p->cb->dcs_dispatch)
			p->cb->dcs_dispatch(p->ctx, &p->seq, p->str, p->str_len);
		release_string(p);
	}
}

/* Entry actions. */
static void enter_state(struct parser *p, enum state next, uint8_t byte)
{
	p->state = next;
	switch (next) {
	case S_ESCAPE:
	case S_CSI_ENTRY:
	case S_DCS_ENTRY:
		clear_seq(p);
		break;
	case S_DCS_PASSTHROUGH:
		p->seq.final = byte;
		/* fall through */
	case S_OSC_STRING:
		p->str_len = 0;
		p->str_overflow = false;
		break;
	default:
		break;
	}
}

static void do_action(struct parser *p, enum action action, uint8_t byte)
{
	switch (action) {
	case A_IGNORE:
		break;
	case A_PRINT:
		if (p->cb->print_ascii)
			p->cb->print_ascii(p->ctx, &byte, 1);
		break;
	case A_EXECUTE:
		if (p->cb->execute)
			p->cb->execute(p->ctx, byte);
		break;
	case A_COLLECT:
		collect(p, byte);
		break;
	case A_PARAM:
		param(p, byte);
		break;
	case A_ESC_DISPATCH:
		dispatch_esc(p, byte);
		break;
	case A_CSI_DISPATCH:
		dispatch_csi(p, byte);
		break;
	case A_PUT:
		put(p, byte);
		break;
	}
}

static void step(struct parser *p, uint8_t byte)
{
	if (byte >= 0x80) {
		if (p->state == S_OSC_STRING || p->state == S_DCS_PASSTHROUGH)
			put(p, byte);
		return;
	}
	uint8_t entry = transitions[p->state][byte];
	enum state next = NEXT(entry);

	if (next != S_STAY)
		leave_state(p, byte);
	do_action(p, ACTION(entry), byte);
	if (next != S_STAY)
		enter_state(p, next, byte);
}

static void print_code_point(struct parser *p, uint32_t code_point)
{
	if (p->cb->print)
		p->cb->print(p->ctx, code_point);
}

/* A byte that cannot continue a sequence: start one, or U+FFFD. */
static void utf8_start(struct parser *p, uint8_t byte)
{
	struct utf8_lead lead;

	if (!utf8_lead(byte, &lead)) {
		print_code_point(p, UTF8_REPLACEMENT);
		return;
	}
	p->utf8_due = lead.continuations;
	p->utf8_code_point = lead.bits;
	p->utf8_low = lead.low;
	p->utf8_high = lead.high;
}

static void utf8_continue(struct parser *p, uint8_t byte)
{
	p->utf8_code_point = p->utf8_code_point << 6 | (byte & 0x3f);
	p->utf8_low = 0x80;
	p->utf8_high = 0xbf;
	if (--p->utf8_due == 0)
		print_code_point(p, p->utf8_code_point);
}

/* A non-ASCII byte in the ground state. A whole well-formed sequence is
 * decoded at once; one cut by the end of the input (or malformed) goes
 * through the streaming decoder, which carries it to the next feed. */
static const uint8_t *feed_utf8(struct parser *p, const uint8_t *s, const uint8_t *end)
{
	uint32_t cp;
	size_t used = utf8_decode(s, (size_t)(end - s), &cp);

	if (cp != UTF8_INVALID) {
		print_code_point(p, cp);
		return s + used;
	}
	utf8_start(p, *s);
	return s + 1;
}

static bool is_private_marker(uint8_t byte)
{
	return byte >= 0x3c && byte <= 0x3f;
}

static bool is_param_byte(uint8_t byte)
{
	return byte >= '0' && byte <= ';';
}

/* ESC [, an optional private marker, parameters and a final byte, all in
 * this buffer: the shape of nearly every CSI sequence a program writes,
 * dispatched in one go, exactly as the state machine would. Returns NULL,
 * having consumed nothing, for anything else (intermediates, a control
 * inside, a sequence cut by the end of the buffer), which the state machine
 * then takes byte by byte. */
static const uint8_t *feed_simple_csi(struct parser *p, const uint8_t *s, const uint8_t *end)
{
	const uint8_t *params = s + 2, *final;

	if (end - s < 3 || s[1] != '[')
		return NULL;
	final = params + is_private_marker(*params);
	while (final < end && is_param_byte(*final))
		final++;
	if (final == end || *final < 0x40 || *final > 0x7e)
		return NULL;
	clear_seq(p);
	if (is_private_marker(*params))
		collect(p, *params++);
	while (params < final)
		param(p, *params++);
	dispatch_csi(p, *final);
	return final + 1;
}

/* The ground state, where nearly all bytes are text. Returns where it
 * stopped: the end, or just after a byte that left the ground state. */
static const uint8_t *feed_ground(struct parser *p, const uint8_t *s, const uint8_t *end)
{
	while (s < end) {
		uint8_t byte = *s;

		if (p->utf8_due) {
			if (byte >= p->utf8_low && byte <= p->utf8_high) {
				utf8_continue(p, byte);
				s++;
				continue;
			}
			/* A truncated sequence; the byte then counts on its own. */
			p->utf8_due = 0;
			print_code_point(p, UTF8_REPLACEMENT);
		}
		if (byte >= 0x20 && byte < 0x7f) {
			const uint8_t *run = s;

			do
				s++;
			while (s < end && *s >= 0x20 && *s < 0x7f);
			if (p->cb->print_ascii)
				p->cb->print_ascii(p->ctx, run, (size_t)(s - run));
			continue;
		}
		if (byte >= 0x80) {
			s = feed_utf8(p, s, end);
			continue;
		}
		if (byte == 0x1b) {
			const uint8_t *after = feed_simple_csi(p, s, end);

			if (after) {
				s = after;
				continue;
			}
		}
		s++;
		step(p, byte);
		if (p->state != S_GROUND)
			break;
	}
	return s;
}

/* Parameter bytes ('0'..'9', ':', ';') leave a CSI sequence in its state:
 * taken here without the table, as colour sequences are most of the
 * escapes in a flood. Returns where the parameters end. */
static const uint8_t *feed_csi_params(struct parser *p, const uint8_t *s, const uint8_t *end)
{
	while (s < end && *s >= '0' && *s <= ';')
		param(p, *s++);
	return s;
}

void parser_feed(struct parser *p, const uint8_t *data, size_t len)
{
	const uint8_t *s = data, *end = data + len;

	while (s < end) {
		if (p->state == S_GROUND)
			s = feed_ground(p, s, end);
		else if (p->state == S_CSI_PARAM && (s = feed_csi_params(p, s, end)) == end)
			break;
		else
			step(p, *s++);
	}
}
