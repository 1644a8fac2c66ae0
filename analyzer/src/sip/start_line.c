/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SIP start-line detection (RFC 3261 7.1, 25.1):
 *   Request-Line = Method SP Request-URI SP SIP-Version CRLF
 *   Status-Line  = SIP-Version SP Status-Code SP Reason-Phrase CRLF
 * Used by the stream framer to find message boundaries, so it must answer
 * "need more bytes" only while every byte seen so far can still begin a
 * start line, and must give up after a bounded line length. */
#include <string.h>

#include "sipflow/sip_msg.h"

#include "sip_chars.h"
#include "start_line.h"

#define T SF_CC_TOKEN
#define D (SF_CC_TOKEN | SF_CC_DIGIT | SF_CC_HOST)
#define W SF_CC_WSP
#define U SF_CC_URI
#define R SF_CC_REASON
#define H SF_CC_HOST
#define L (SF_CC_LWS | SF_CC_PSTOP)
#define P SF_CC_PSTOP
#define HI4 U | R, U | R, U | R, U | R
#define HI16 HI4, HI4, HI4, HI4
/* clang-format off */
const uint8_t sf_sip_cc[256] = {
    ['\t'] = W | R | L, [' '] = W | R | L, ['\r'] = L, ['\n'] = L,
    ['!'] = T | U | R, ['"'] = U | R, ['#'] = U | R, ['$'] = U | R, ['%'] = T | U | R,
    ['&'] = U | R, ['\''] = T | U | R, ['('] = U | R, [')'] = U | R, ['*'] = T | U | R,
    ['+'] = T | U | R, [','] = U | R | P, ['-'] = T | U | R | H, ['.'] = T | U | R | H, ['/'] = U | R,
    ['0'] = D | U | R, ['1'] = D | U | R, ['2'] = D | U | R, ['3'] = D | U | R,
    ['4'] = D | U | R, ['5'] = D | U | R, ['6'] = D | U | R, ['7'] = D | U | R,
    ['8'] = D | U | R, ['9'] = D | U | R,
    [':'] = U | R, [';'] = U | R | P, ['<'] = U | R, ['='] = U | R, ['>'] = U | R, ['?'] = U | R | P,
    ['@'] = U | R,
    ['A'] = T | U | R | H, ['B'] = T | U | R | H, ['C'] = T | U | R | H, ['D'] = T | U | R | H,
    ['E'] = T | U | R | H, ['F'] = T | U | R | H, ['G'] = T | U | R | H, ['H'] = T | U | R | H,
    ['I'] = T | U | R | H, ['J'] = T | U | R | H, ['K'] = T | U | R | H, ['L'] = T | U | R | H,
    ['M'] = T | U | R | H, ['N'] = T | U | R | H, ['O'] = T | U | R | H, ['P'] = T | U | R | H,
    ['Q'] = T | U | R | H, ['R'] = T | U | R | H, ['S'] = T | U | R | H, ['T'] = T | U | R | H,
    ['U'] = T | U | R | H, ['V'] = T | U | R | H, ['W'] = T | U | R | H, ['X'] = T | U | R | H,
    ['Y'] = T | U | R | H, ['Z'] = T | U | R | H,
    ['['] = U | R, ['\\'] = U | R, [']'] = U | R, ['^'] = U | R, ['_'] = T | U | R | H,
    ['`'] = T | U | R,
    ['a'] = T | U | R | H, ['b'] = T | U | R | H, ['c'] = T | U | R | H, ['d'] = T | U | R | H,
    ['e'] = T | U | R | H, ['f'] = T | U | R | H, ['g'] = T | U | R | H, ['h'] = T | U | R | H,
    ['i'] = T | U | R | H, ['j'] = T | U | R | H, ['k'] = T | U | R | H, ['l'] = T | U | R | H,
    ['m'] = T | U | R | H, ['n'] = T | U | R | H, ['o'] = T | U | R | H, ['p'] = T | U | R | H,
    ['q'] = T | U | R | H, ['r'] = T | U | R | H, ['s'] = T | U | R | H, ['t'] = T | U | R | H,
    ['u'] = T | U | R | H, ['v'] = T | U | R | H, ['w'] = T | U | R | H, ['x'] = T | U | R | H,
    ['y'] = T | U | R | H, ['z'] = T | U | R | H,
    ['{'] = U | R, ['|'] = U | R, ['}'] = U | R, ['~'] = T | U | R,
    /* UTF8-NONASCII / UTF8-CONT (RFC 3261 25.1): 0x80..0xff */
    [0x80] = HI16, HI16, HI16, HI16, HI16, HI16, HI16, HI16,
};
/* clang-format on */
#undef T
#undef D
#undef W
#undef U
#undef R
#undef H
#undef L
#undef P
#undef HI4
#undef HI16

/* Compares what is present of buf[0..len) with the upper-case literal
 * (case-insensitively): 1 full match, -1 a matching prefix but buf too
 * short, 0 mismatch. */
static int prefix_icmp(const char *buf, uint32_t len, const char *lit, uint32_t n)
{
    uint32_t m = len < n ? len : n;
    for (uint32_t i = 0; i < m; i++) {
        char c = buf[i];
        if (c >= 'a' && c <= 'z') c = (char)(c - 32);
        if (c != lit[i]) return 0;
    }
    return m == n ? 1 : -1;
}

/* Line ending at buf[i]: CRLF or bare LF. Returns bytes of the ending, 0
 * when something else is there, -1 when buf ends first. */
static int line_end(const char *buf, uint32_t len, uint32_t i)
{
    if (i >= len) return -1;
    if (buf[i] == '\n') return 1;
    if (buf[i] != '\r') return 0;
    if (i + 1 >= len) return -1;
    return buf[i + 1] == '\n' ? 2 : 0;
}

/* prefix_icmp(buf, len, "SIP/2.0", 7), one 8-byte word at a time when
 * 8 bytes are there: the letters compare with 0x20 OR-ed in, "/2.0"
 * exactly (so only 's'/'S', 'i'/'I', 'p'/'P' pass for the letters). */
static inline int sip20_icmp(const char *buf, uint32_t len)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (len >= 8) {
        uint64_t w;
        memcpy(&w, buf, 8);
        return ((w | 0x202020ull) & 0x00ffffffffffffffull) == 0x00302e322f706973ull;
    }
#endif
    return prefix_icmp(buf, len, "SIP/2.0", 7);
}

#if defined(__SSE2__)
/* Bit k set when p[k] is not a Request-URI byte (SF_CC_URI: 0x21-0x7e
 * and 0x80-0xff), i.e. a control byte, SP or DEL. */
static inline unsigned non_uri_mask16(const char *p)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i ok = _mm_or_si128(_mm_cmplt_epi8(v, _mm_setzero_si128()),
                              _mm_andnot_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)),
                                               _mm_cmpgt_epi8(v, _mm_set1_epi8(0x20))));
    return ~(unsigned)_mm_movemask_epi8(ok) & 0xffffu;
}
#endif

/* sf_span(buf, i, lim, SF_CC_URI), 16 bytes per step while 16 remain. */
static inline uint32_t uri_span(const char *buf, uint32_t i, uint32_t lim)
{
#if defined(__SSE2__)
    while (i < lim && lim - i >= 16) {
        unsigned m = non_uri_mask16(buf + i);
        if (m) return i + (uint32_t)__builtin_ctz(m);
        i += 16;
    }
#endif
    return sf_span(buf, i, lim, SF_CC_URI);
}

static int32_t need_more(uint32_t seen)
{
    return seen >= SF_SIP_MAX_START_LINE ? 0 : -1;
}

static int32_t scan_status(const char *buf, uint32_t len, uint32_t lim, sf_start_line_t *out)
{
    /* buf begins with "SIP/2.0" (7 bytes, verified by the caller) */
    uint32_t i = 7;
    if (i >= lim) return need_more(lim);
    if (buf[i] != ' ') return 0;
    i++;
    uint32_t code = i;
    for (; i < code + 3; i++) {
        if (i >= lim) return need_more(lim);
        if (!sf_cc_is((unsigned char)buf[i], SF_CC_DIGIT)) return 0;
    }
    if (i >= lim) return need_more(lim);
    if (buf[i] != ' ') return 0;
    i++;
    uint32_t reason = i;
    i = sf_span(buf, i, lim, SF_CC_REASON);
    int e = line_end(buf, len, i);
    if (e < 0 || (e == 0 && i >= lim)) return need_more(lim);
    if (e == 0 || i + (uint32_t)e > SF_SIP_MAX_START_LINE) return 0;
    out->is_request = false;
    out->version = sf_mk_slice(buf, 7);
    out->code = sf_mk_slice(buf + code, 3);
    out->reason = sf_mk_slice(buf + reason, i - reason);
    out->text_len = i;
    return (int32_t)(i + (uint32_t)e);
}

int32_t sf_start_line_scan(const char *buf, uint32_t len, sf_start_line_t *out)
{
    if (!buf || len == 0) return -1;
    uint32_t lim = len < SF_SIP_MAX_START_LINE ? len : SF_SIP_MAX_START_LINE;
    memset(out, 0, sizeof *out);

    /* Status line: the version comes first. "SIP" alone is also a valid
     * method token, so only the '/' after it decides. */
    int v = sip20_icmp(buf, lim);
    if (v == 1) return scan_status(buf, len, lim, out);
    if (v == -1 && lim > 3) return need_more(lim); /* "SIP/", "SIP/2" ... */

    uint32_t i = sf_span(buf, 0, lim, SF_CC_TOKEN);
    if (i >= lim) return need_more(lim);
    if (i == 0 || buf[i] != ' ') return 0;
    uint32_t mlen = i++;
    uint32_t uri = i;
    i = uri_span(buf, i, lim);
    if (i >= lim) return need_more(lim);
    if (i == uri || buf[i] != ' ') return 0;
    uint32_t ulen = i - uri;
    i++;
    uint32_t ver = i;
    v = sip20_icmp(buf + i, lim - i);
    if (v == 0) return 0;
    if (v < 0) return need_more(lim);
    i += 7;
    int e = line_end(buf, len, i);
    if (e < 0) return need_more(lim);
    if (e == 0 || i + (uint32_t)e > SF_SIP_MAX_START_LINE) return 0;
    out->is_request = true;
    out->method = sf_mk_slice(buf, mlen);
    out->uri = sf_mk_slice(buf + uri, ulen);
    out->version = sf_mk_slice(buf + ver, 7);
    out->text_len = i;
    return (int32_t)(i + (uint32_t)e);
}

int32_t sf_sip_start_line_check(const char *buf, uint32_t len)
{
    sf_start_line_t sl;
    return sf_start_line_scan(buf, len, &sl);
}
