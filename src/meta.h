/* Metadata from text: captured bylines/dates/sites, title detection,
 * date parsing, repetition. Shared by both front ends. */
#ifndef PITH_META_H
#define PITH_META_H

#include <stddef.h>
#include <stdint.h>

#include "doc.h"

/* A rule captured `value` (inside block text t) for field f: clean it
 * ("By Jane Doe" -> "Jane Doe", dates -> ISO 8601) and set the field if
 * still unset. An empty value marks the block pending: the value is the
 * next short line ("Origin:" / "Firstpost"). */
void pith_meta_capture(pith_doc *d, pith_field f, const char *t, size_t n,
                       const char *value, size_t vlen, const char *ref_date);

/* Text-level metadata after rules: pending captures, the title (first
 * title-shaped line, or a line repeated as a prefix of the first line),
 * datelines. Drops the blocks it consumes. No block before first_pending
 * is a pending capture (0: any may be; the rules pass knows where the
 * first is, so documents without one skip that walk). `heads`: every
 * block's memo holds its first byte | 0x20 (the rules pass leaves it
 * there, so the title search reads no text of the lines it passes over);
 * 0: they are set here. */
void pith_meta_text(pith_doc *d, const char *ref_date, size_t first_pending, int heads);

/* Good blocks shorter than this (in code points) are not compared with
 * each other (short repeats are often legitimate: questions, labels). */
#define PITH_DEDUP_MIN_CHARS 100

/* Mark blocks repeating the title or an earlier content block (dup = 1),
 * and decide the good blocks: keep = not a repeat (other blocks keep the
 * keep of 0 they are made with). `good`: the good blocks in order
 * (`ngood` of them) when the caller has them listed, else NULL (they are
 * found here). `long_good`: the number of good blocks of
 * PITH_DEDUP_MIN_CHARS or more when the caller knows it (it sizes the
 * table), else SIZE_MAX. Returns the number kept. */
size_t pith_meta_dedup(pith_doc *d, const uint32_t *good, size_t ngood, size_t long_good);

/* Find a full calendar date in s; write "YYYY-MM-DD" (or with time
 * "YYYY-MM-DDTHH:MM:SS" and zone when given as ISO) into out. Relative
 * dates ("3 days ago") resolve only with ref_date ("YYYY-MM-DD").
 * Returns 1 when found. `span` (may be NULL) receives the matched bytes. */
int pith_meta_parse_date(const char *s, size_t n, const char *ref_date,
                         char out[40], size_t *span);

/* A time stamp line: short, holds a digit, and its words are mostly
 * numbers, times, month names or counts with a unit ("Nov 18",
 * "Tuesday November 19, 2019", "12H ago", "7 Nov 23:05"). Listings of
 * teasers repeat one per item; an article has at most one or two. */
int pith_meta_stamp_line(const char *s, size_t n);

/* pith_meta_stamp_line on a block's text (read in 16-byte steps through
 * its end: the padding front ends and the arena leave after it). */
int pith_meta_stamp_block(const pith_block *b);

#endif
