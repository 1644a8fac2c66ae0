/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one escaper for text written into XML and HTML (SVG ladders, the HTML
 * ladder and the HTML report): markup characters become entities, and
 * what XML 1.0 (2.2) does not allow is made visible or replaced. */
#ifndef SIPFLOW_MARKUP_ESCAPE_H
#define SIPFLOW_MARKUP_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sf_markup_ctrl {
    /* control bytes and invalid UTF-8 as "\xNN", U+FFFE/U+FFFF as '?'
     * (ladders: the reader sees which byte was there) */
    SF_MARKUP_CTRL_HEX = 0,
    /* control bytes (DEL too), invalid UTF-8, U+FFFE/U+FFFF as U+FFFD
     * (the HTML report) */
    SF_MARKUP_CTRL_REPLACE
} sf_markup_ctrl_t;

/* Writes s[0..n) escaped: & < > " ' as entities; TAB, LF and CR kept;
 * well-formed UTF-8 kept. n == SIZE_MAX: up to the terminating NUL.
 * s == NULL writes nothing. */
void sf_markup_escape(FILE *f, const char *s, size_t n, sf_markup_ctrl_t ctrl);

#ifdef __cplusplus
}
#endif

#endif
