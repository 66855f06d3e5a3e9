/* The DEC ANSI parser (vt100.net/emu/dec_ansi_parser) with UTF-8 decoding.
 * It turns the bytes a program writes into calls of a callback struct:
 * printable text, C0 controls, ESC/CSI/OSC/DCS sequences. It knows nothing
 * of screens. Every parameter is bounded: at most SSPSH_PARSER_MAX_PARAMS
 * parameters of at most SSPSH_PARSER_PARAM_MAX each, and OSC/DCS strings
 * of at most SSPSH_OSC_MAX bytes (longer strings are dropped whole). */
#ifndef SSPSH_PARSER_H
#define SSPSH_PARSER_H

#include <stddef.h>
#include <stdint.h>

#include "core/options.h"

#define PARSER_PARAM_OMITTED (-1)

/* An ESC, CSI or DCS sequence: ESC [ prefix params intermediates final. */
struct parser_seq {
	uint8_t final;
	uint8_t prefix;		/* private marker '<' '=' '>' '?', or 0 */
	uint8_t intermediates[2];	/* 0x20..0x2f, unused ones are 0 */
	int nparams;
	/* Each in 0..SSPSH_PARSER_PARAM_MAX, or PARSER_PARAM_OMITTED. */
	int32_t params[SSPSH_PARSER_MAX_PARAMS];
	/* Bit i set: params[i] followed a ':' (an ITU T.416 sub-parameter). */
	uint32_t subparam_mask;
};

/* The key a dispatch table sorts by: prefix, intermediates, final. */
#define PARSER_KEY(prefix, inter, final) \
	((uint32_t)(uint8_t)(prefix) << 16 | (uint32_t)(uint8_t)(inter) << 8 | (uint8_t)(final))
uint32_t parser_seq_key(const struct parser_seq *seq);

/* Any callback may be NULL (the input is then ignored). */
struct parser_callbacks {
	/* A run of printable ASCII (0x20..0x7e), as many bytes as arrived. */
	void (*print_ascii)(void *ctx, const uint8_t *text, size_t len);
	/* One code point outside ASCII; U+FFFD for malformed UTF-8. */
	void (*print)(void *ctx, uint32_t code_point);
	/* A C0 control (0x00..0x1f) other than ESC. */
	void (*execute)(void *ctx, uint8_t control);
	void (*esc_dispatch)(void *ctx, const struct parser_seq *seq);
	void (*csi_dispatch)(void *ctx, const struct parser_seq *seq);
	/* An OSC string without its terminator (BEL or ST). */
	void (*osc_dispatch)(void *ctx, const uint8_t *data, size_t len);
	/* A DCS string: its header and its data without the terminator. */
	void (*dcs_dispatch)(void *ctx, const struct parser_seq *seq,
			     const uint8_t *data, size_t len);
};

struct parser;

struct parser *parser_new(const struct parser_callbacks *callbacks, void *ctx);
void parser_free(struct parser *parser);
void parser_feed(struct parser *parser, const uint8_t *data, size_t len);
/* Back to the ground state, forgetting any partial sequence. */
void parser_reset(struct parser *parser);
/* Bytes the parser owns. */
size_t parser_memory(const struct parser *parser);

#endif
