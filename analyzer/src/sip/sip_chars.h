/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Character classes of the SIP grammar (RFC 3261 25.1), shared by the
 * parser files in this directory only (not a public header). Table-driven
 * so the hot loops do one load per byte. */
#ifndef SIPFLOW_SIP_CHARS_H
#define SIPFLOW_SIP_CHARS_H

#include <stdbool.h>
#include <stdint.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "sipflow/sip_msg.h"
#include "sipflow/types.h"

enum {
    SF_CC_TOKEN = 1, /* RFC 3261 25.1 token: alphanum - . ! % * _ + ` ' ~ */
    SF_CC_DIGIT = 2,
    SF_CC_WSP = 4,     /* SP / HTAB */
    SF_CC_URI = 8,     /* printable non-space (Request-URI bytes), incl. UTF-8 */
    SF_CC_REASON = 16, /* Reason-Phrase bytes: printable, SP, HTAB, UTF-8 */
    SF_CC_HOST = 32,   /* hostname / IPv4 bytes: alphanum . - _ */
    SF_CC_LWS = 64,    /* SP / HTAB / CR / LF: linear white space inside a value */
    SF_CC_PSTOP = 128  /* ends an unquoted parameter value: ; , ? and LWS */
};

extern const uint8_t sf_sip_cc[256];

static inline bool sf_cc_is(unsigned char c, uint8_t cls)
{
    return (sf_sip_cc[c] & cls) != 0;
}

static inline char sf_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

/* Case-insensitive compare of n bytes against a lower-case literal. */
static inline bool sf_ieq_lit(const char *p, const char *lower, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (sf_lower(p[i]) != lower[i]) return false;
    return true;
}

/* Case-insensitive compare of n bytes with a literal of any case. */
static inline bool sf_ieq_fold(const char *p, const char *lit, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (sf_lower(p[i]) != sf_lower(lit[i])) return false;
    return true;
}

static inline sf_slice_t sf_mk_slice(const char *p, uint32_t len)
{
    sf_slice_t s = {p, len};
    return s;
}

/* An empty slice may have p == NULL; arithmetic on it would be undefined,
 * so functions that index into a caller's slice start from this. */
static inline sf_slice_t sf_slice_safe(sf_slice_t s)
{
    if (!s.p) {
        s.p = "";
        s.len = 0;
    }
    return s;
}

/* First index >= i of s[0..len) whose byte is not in class cls (len when
 * all are). Four bytes per step: these spans (header names, tokens,
 * parameter values) are the parser's hottest loops. */
static inline uint32_t sf_span(const char *s, uint32_t i, uint32_t len, uint8_t cls)
{
    while (i < len && len - i >= 4) {
        if (!sf_cc_is((unsigned char)s[i], cls)) return i;
        if (!sf_cc_is((unsigned char)s[i + 1], cls)) return i + 1;
        if (!sf_cc_is((unsigned char)s[i + 2], cls)) return i + 2;
        if (!sf_cc_is((unsigned char)s[i + 3], cls)) return i + 3;
        i += 4;
    }
    while (i < len && sf_cc_is((unsigned char)s[i], cls))
        i++;
    return i;
}

/* First index >= i of s[0..len) whose byte IS in class cls (len if none). */
static inline uint32_t sf_span_not(const char *s, uint32_t i, uint32_t len, uint8_t cls)
{
    while (i < len && len - i >= 4) {
        if (sf_cc_is((unsigned char)s[i], cls)) return i;
        if (sf_cc_is((unsigned char)s[i + 1], cls)) return i + 1;
        if (sf_cc_is((unsigned char)s[i + 2], cls)) return i + 2;
        if (sf_cc_is((unsigned char)s[i + 3], cls)) return i + 3;
        i += 4;
    }
    while (i < len && !sf_cc_is((unsigned char)s[i], cls))
        i++;
    return i;
}

/* Skips linear white space (SP, HTAB, CR, LF) from s[i]. */
static inline uint32_t sf_skip_lws(const char *s, uint32_t i, uint32_t len)
{
    while (i < len && sf_cc_is((unsigned char)s[i], SF_CC_LWS))
        i++;
    return i;
}

/* memchr for the short ranges of a SIP message, inlined: a library call
 * costs more than the search on a 30-byte header line. [lo, end) is the
 * whole buffer the range [p, end) lies in; it lets the last partial block
 * be read as the 16 bytes that end at end (they never leave [lo, end), so
 * nothing outside the buffer is read), with the bytes before p masked off.
 * SSE2 is part of the x86-64 baseline; elsewhere a plain loop. */
static inline const char *sf_find_byte(const char *lo, const char *p, const char *end, char c)
{
#if defined(__SSE2__)
    const __m128i needle = _mm_set1_epi8(c);
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        unsigned mask = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, needle));
        if (mask) return p + __builtin_ctz(mask);
        p += 16;
    }
    if (p < end && end - lo >= 16) {
        const char *b = end - 16;
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)b);
        unsigned mask = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, needle));
        mask >>= (unsigned)(p - b);
        return mask ? p + __builtin_ctz(mask) : NULL;
    }
#else
    (void)lo;
#endif
    while (p < end) {
        if (*p == c) return p;
        p++;
    }
    return NULL;
}

/* Header line fast path for sf_sip_parse(): p has at least 16 readable
 * bytes. When a ':' among them ends a known header name (any case, no
 * white space before the colon), returns its id and sets *name_len;
 * otherwise SF_HDR_COUNT, and the caller takes the general path. */
sf_sip_hdr_t sf_sip_hdr_from_block(const char *p, uint32_t *name_len);

/* Longest start line sf_sip_start_line_check() waits for. */
#define SF_SIP_MAX_START_LINE 8192u

#endif
