/* SPDX-License-Identifier: GPL-2.0-or-later */
/* UTF-8 well-formedness (RFC 3629 4): every renderer that must emit valid
 * UTF-8 (JSON, XML/HTML, the terminal ladder) decides byte by byte with
 * this one function. */
#ifndef SIPFLOW_UTF8_H
#define SIPFLOW_UTF8_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Length (1..4) of the well-formed UTF-8 sequence at s (at most n bytes),
 * or 0 when s does not start one (overlong forms, surrogates, code points
 * over U+10FFFF and truncated sequences are not well-formed). When cp is
 * not NULL it receives the code point. */
size_t sf_utf8_next(const unsigned char *s, size_t n, uint32_t *cp);

#ifdef __cplusplus
}
#endif

#endif
