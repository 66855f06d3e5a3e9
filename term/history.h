/* The scrollback log: the newest lines that scrolled off the top of the
 * primary screen (term/emu.h decides which), for the user's own terminal
 * history. Entries are numbered from 0 in the order they came, and kept in
 * the encoding of term/history_line.h, which the wire carries as it is.
 *
 * Memory: at most max_lines entries of at most SSPSH_HISTORY_LINE_MAX bytes
 * each, plus SSPSH_HISTORY_LINE_OVERHEAD bytes of bookkeeping and malloc a
 * line; an 80-column line of coloured text takes about 100-250 bytes in all.
 * The table of entries grows with use, so an idle session costs little. */
#ifndef SSPSH_HISTORY_H
#define SSPSH_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "term/fb.h"

struct history;

/* A log of the newest max_lines entries (1..SSPSH_SCROLLBACK_MAX); NULL
 * when out of memory or out of range. A session with scrollback off has
 * no log at all. */
struct history *history_new(uint32_t max_lines);
void history_free(struct history *h);

/* Keep at most max_lines (fewer than now) from here on: the oldest
 * entries beyond it go. false (nothing changed) when max_lines is 0, not
 * fewer, or memory ran out. */
bool history_limit(struct history *h, uint32_t max_lines);

/* Append row `row` of `fb` as the next line; the oldest entry goes when
 * the log is full. false when out of memory: the line is not kept and
 * takes no number. */
bool history_add_line(struct history *h, const struct fb *fb, int row);
/* The program erased the saved lines (ED 3): every entry goes and one
 * erase entry takes the next number, for the client to pass on. */
bool history_add_erase(struct history *h);

/* Entries kept are numbered [history_start, history_end). */
uint64_t history_start(const struct history *h);
uint64_t history_end(const struct history *h);
/* Entry n's bytes, valid until the log is next written; false when n is
 * not kept. */
bool history_entry(const struct history *h, uint64_t n, const uint8_t **data, size_t *len);

/* Bytes the log owns. */
size_t history_memory(const struct history *h);

#endif
