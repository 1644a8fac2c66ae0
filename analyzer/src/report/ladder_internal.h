/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the ladder renderers (ladder_*.c). */
#ifndef SIPFLOW_LADDER_INTERNAL_H
#define SIPFLOW_LADDER_INTERNAL_H

#include <stdio.h>

#include "sipflow/ladder.h"
#include "sipflow/utf8.h"

/* Decodes one UTF-8 code point of s[0..n). Returns its length (1..4) and
 * the code point in *cp, or 0 when s does not start with a well-formed
 * sequence (RFC 3629: no overlongs, no surrogates, <= U+10FFFF). */

/* Copies s into out (NUL-terminated, at most n - 1 bytes, cut on a code
 * point boundary) keeping printable text only: control characters and
 * bytes not part of well-formed UTF-8 become '?', and so does every
 * non-ASCII code point when ascii is set. NULL s gives "". */
void sf_ladder_clean(const char *s, bool ascii, char *out, size_t n);

/* Endpoint column title "10.0.0.1:5060" of endpoint i (bounds-checked). */
void sf_ladder_endpoint_name(const sf_call_t *c, uint32_t i, char *buf, size_t n);

/* One-line call title: "Call 3: busy, 486 Busy Here" (cleaned). */
void sf_ladder_call_title(const sf_call_t *c, char *buf, size_t n);

/* Label of arrow a, never NULL. */
static inline const char *sf_ladder_label(const sf_arrow_t *a)
{
    return a->label && a->label[0] ? a->label : "?";
}

/* True for a provisional (1xx) response arrow. */
static inline bool sf_ladder_provisional(const sf_arrow_t *a)
{
    return !a->request && a->status >= 100 && a->status < 200;
}

/* Style sheet of the SVG ladders (class names of ladder_svg.c), shared by
 * the SVG document and the HTML page. */
extern const char sf_ladder_svg_css[];

#endif
