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

#include "sipflow/sip_headers.h"
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

/* Last c in [p, end), or NULL (memrchr is not standard C). */
static inline const char *sf_rfind_byte(const char *p, const char *end, char c)
{
#if defined(__SSE2__)
    if (end - p >= 16) {
        const __m128i needle = _mm_set1_epi8(c);
        const char *b = end;
        while (b - p >= 16) {
            b -= 16;
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)b);
            unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, needle));
            if (m) return b + 31 - __builtin_clz(m);
        }
        if (b > p) {
            /* the bytes [p, b) not yet looked at, from a block at p */
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
            unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, needle));
            m &= (1u << (unsigned)(b - p)) - 1u;
            if (m) return p + 31 - __builtin_clz(m);
        }
        return NULL;
    }
#endif
    while (end > p) {
        end--;
        if (*end == c) return end;
    }
    return NULL;
}

/* sf_sip_trim(), inlined for the parser's own callers. */
static inline sf_slice_t sf_trim_lws(sf_slice_t s)
{
    if (!s.p) return s;
    while (s.len && sf_cc_is((unsigned char)s.p[0], SF_CC_LWS))
        s.p++, s.len--;
    while (s.len && sf_cc_is((unsigned char)s.p[s.len - 1], SF_CC_LWS))
        s.len--;
    return s;
}

#if defined(__SSE2__)
/* Bit k set when p[k] ends an unquoted parameter value (SF_CC_PSTOP:
 * ; , ? SP HTAB CR LF). */
static inline unsigned sf_pstop_mask16(const char *p)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i a =
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(';')), _mm_cmpeq_epi8(v, _mm_set1_epi8(',')));
    __m128i b =
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('?')), _mm_cmpeq_epi8(v, _mm_set1_epi8(' ')));
    __m128i c = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\t')),
                             _mm_cmpeq_epi8(v, _mm_set1_epi8('\r')));
    __m128i d = _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'));
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d)));
}
#endif

#if defined(__SSE2__)
/* The first index >= i in s[0..len) whose bit mask16() sets (a bit per
 * byte of 16 bytes read at its argument), len when none; len >= 16 and
 * i < len. 16 bytes per step; the last step reads the 16 bytes that end
 * at s + len, never outside s[0..len). Inline, so each caller gets its
 * own mask inlined. */
static inline uint32_t sf_find16(const char *s, uint32_t i, uint32_t len,
                                 unsigned (*mask16)(const char *))
{
    while (len - i >= 16) {
        unsigned m = mask16(s + i);
        if (m) return i + (uint32_t)__builtin_ctz(m);
        i += 16;
    }
    if (i == len) return len;
    unsigned m = mask16(s + len - 16) >> (16 - (len - i));
    return m ? i + (uint32_t)__builtin_ctz(m) : len;
}
#endif

/* sf_span_not(s, i, len, SF_CC_PSTOP): where an unquoted parameter value
 * (tags, branches: 10-30 bytes) that starts at s[i] ends, 16 bytes per
 * step with SSE2 when len >= 16. */
static inline uint32_t sf_pstop_find(const char *s, uint32_t i, uint32_t len)
{
#if defined(__SSE2__)
    if (len >= 16 && i < len) return sf_find16(s, i, len, sf_pstop_mask16);
#endif
    return sf_span_not(s, i, len, SF_CC_PSTOP);
}

/* Index of the closing quote of a quoted string whose opening quote is at
 * s[i], honouring quoted-pairs (RFC 3261 25.1); len when unterminated. */
static inline uint32_t sf_quote_end(const char *s, uint32_t len, uint32_t i)
{
    for (i++; i < len; i++) {
        if (s[i] == '\\') {
            i++;
            continue;
        }
        if (s[i] == '"') return i;
    }
    return len;
}

/* sf_sip_param_next() (params.c documents it), inlined into the Via and
 * From/To paths of the parser. */
static inline bool sf_param_next_inline(sf_slice_t *rest, sf_sip_param_t *out)
{
    *rest = sf_slice_safe(*rest);
    const char *s = rest->p;
    uint32_t len = rest->len, i = 0;
    /* every field is set on every path (this runs for each parameter of
     * each Via, From and To: a memset per call was measurable) */
    out->value = SF_SLICE_NULL;
    out->has_value = false;
    out->quoted = false;
    i = sf_skip_lws(s, i, len);
    if (i < len && s[i] == ';') i++;
    i = sf_skip_lws(s, i, len);
    uint32_t n0 = i;
    i = sf_span(s, i, len, SF_CC_TOKEN);
    if (i == n0) {
        out->name = SF_SLICE_NULL;
        *rest = sf_mk_slice(s + len, 0);
        return false;
    }
    out->name = sf_mk_slice(s + n0, i - n0);
    i = sf_skip_lws(s, i, len);
    if (i < len && s[i] == '=') {
        i++;
        out->has_value = true;
        i = sf_skip_lws(s, i, len);
        if (i < len && s[i] == '"') {
            uint32_t q = sf_quote_end(s, len, i);
            if (q >= len) { /* unterminated: give up on the list */
                *rest = sf_mk_slice(s + len, 0);
                return false;
            }
            out->quoted = true;
            out->value = sf_mk_slice(s + i + 1, q - i - 1);
            i = q + 1;
        } else {
            uint32_t v0 = i;
            i = sf_pstop_find(s, i, len);
            out->value = sf_mk_slice(s + v0, i - v0);
        }
    }
    i = sf_skip_lws(s, i, len);
    if (i < len && s[i] != ';') i = len; /* anything else ends the list */
    *rest = sf_mk_slice(s + i, len - i);
    return true;
}

/* Tables of header_names.c for sf_sip_hdr_from_block(). */
#define SF_HDR_AMBIGUOUS 0xffu
extern const uint8_t sf_sip_hdr_cand16[16][32];
extern const char sf_sip_hdr_lower16[SF_HDR_COUNT][16];
sf_sip_hdr_t sf_sip_hdr_compact(char c); /* 'v' -> SF_HDR_VIA ... */

/* Header line fast path for sf_sip_parse(): p has at least 16 readable
 * bytes. When a ':' among them ends a known header name (any case, no
 * white space before the colon), returns its id and sets *name_len;
 * otherwise SF_HDR_COUNT, and the caller takes the general path (which
 * gives the same answer, one byte at a time). */
static inline sf_sip_hdr_t sf_sip_hdr_from_block(const char *p, uint32_t *name_len)
{
#if defined(__SSE2__)
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    unsigned colon = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(':')));
    uint32_t k = colon ? (uint32_t)__builtin_ctz(colon) : 0;
    if (k < 2) {
        if (k == 0) return SF_HDR_COUNT;
        sf_sip_hdr_t id = sf_sip_hdr_compact(sf_lower(p[0]));
        if (id == SF_HDR_OTHER) return SF_HDR_COUNT;
        *name_len = 1;
        return id;
    }
    unsigned id = sf_sip_hdr_cand16[k][(unsigned char)p[0] & 0x1f];
    if (id == 0) return SF_HDR_COUNT;
    if (id == SF_HDR_AMBIGUOUS) {
        char c1 = (char)(p[1] | 0x20);
        if (k == 4)
            id = c1 == 's' ? SF_HDR_RSEQ : SF_HDR_RACK;
        else
            id = c1 == 'a' ? SF_HDR_CALL_ID : SF_HDR_CONTACT;
    }
    /* sf_sip_hdr_lower16[id] holds the name zero-padded to 16 bytes;
     * letters (the bytes with 0x40 set) compare with 0x20 OR-ed into the
     * input byte, everything else ('-') exactly, so only the two cases of
     * a letter match (a CR, 0x0d, cannot pass for '-', 0x2d) */
    __m128i pat = _mm_loadu_si128((const __m128i *)(const void *)sf_sip_hdr_lower16[id]);
    __m128i fold = _mm_srli_epi16(_mm_and_si128(pat, _mm_set1_epi8(0x40)), 1);
    unsigned eq = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_or_si128(v, fold), pat));
    unsigned want = (1u << k) - 1u;
    if ((eq & want) != want) return SF_HDR_COUNT;
    *name_len = k;
    return (sf_sip_hdr_t)id;
#else
    (void)p;
    (void)name_len;
    return SF_HDR_COUNT;
#endif
}

/* sf_sip_via_parse() for the parser's top Via: *no_comma is set when the
 * parse saw every byte of v and none was a ',' (so v is one value);
 * false says nothing. */
const char *sf_sip_via_parse_top(sf_slice_t v, sf_sip_via_t *out, bool *no_comma);

/* Longest start line sf_sip_start_line_check() waits for. */
#define SF_SIP_MAX_START_LINE 8192u

#endif
