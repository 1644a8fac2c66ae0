/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Via header field values (RFC 3261 20.42, 18.2.1, RFC 3581 rport):
 *   via-parm = sent-protocol LWS sent-by *( SEMI via-params )
 *   sent-protocol = protocol-name SLASH protocol-version SLASH transport
 * SLASH allows white space (and folds) around '/', which RFC 4475 3.1.1.1
 * exercises. */
#include <string.h>

#include "sipflow/sip_headers.h"

#include "sip_chars.h"

static inline uint32_t skip_lws(const char *s, uint32_t len, uint32_t i)
{
    return sf_skip_lws(s, i, len);
}

static inline uint32_t token(const char *s, uint32_t len, uint32_t i)
{
    return sf_span(s, i, len, SF_CC_TOKEN);
}

/* "SIP/2.0/" in any case, read as one 8-byte word: the letters compare
 * with 0x20 OR-ed in, "/2.0/" exactly. */
static inline bool sip20_slash(const char *s)
{
    uint64_t w;
    memcpy(&w, s, 8);
    const uint64_t fold = 0x0000000000202020ull, want = 0x2f302e322f706973ull; /* "sip/2.0/" LE */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return (w | fold) == want;
#else
    (void)fold;
    (void)want;
    return sf_ieq_lit(s, "sip/2.0/", 8);
#endif
}

/* The n (4..8) bytes at p equal lit, read as two overlapping 4-byte
 * words; with fold 0x20 in every byte, case-insensitively for a literal
 * of lower-case letters only (OR-ing 0x20 maps exactly the two cases of a
 * letter onto it). */
static inline bool words_eq(const char *p, const char *lit, uint32_t n, uint32_t fold)
{
    uint32_t a, b, x, y;
    memcpy(&a, p, 4);
    memcpy(&b, p + n - 4, 4);
    memcpy(&x, lit, 4);
    memcpy(&y, lit + n - 4, 4);
    return ((a | fold) == x) & ((b | fold) == y);
}

static inline bool word_eq(const char *p, const char *lit, uint32_t n)
{
    return words_eq(p, lit, n, 0);
}

static inline bool letters_ieq(const char *p, const char *lit, uint32_t n)
{
    return words_eq(p, lit, n, 0x20202020u);
}

#if defined(__SSE2__)
/* Bit k set when p[k] is not a host byte (SF_CC_HOST: alphanum . - _),
 * from range compares on 16 bytes: the letters fold to lower case with
 * 0x20 (only 'A'-'Z' and 'a'-'z' land in 'a'-'z'), and each range is
 * moved to the bottom of the signed bytes so one signed compare tests
 * it. */
static inline unsigned nonhost_mask16(const char *p)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i l = _mm_or_si128(v, _mm_set1_epi8(0x20));
    __m128i alpha = _mm_cmplt_epi8(_mm_add_epi8(l, _mm_set1_epi8((char)(0x80 - 'a'))),
                                   _mm_set1_epi8((char)(-128 + 26)));
    __m128i digit = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - '0'))),
                                   _mm_set1_epi8((char)(-128 + 10)));
    __m128i punct = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')), _mm_cmpeq_epi8(v, _mm_set1_epi8('-'))),
        _mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
    __m128i ok = _mm_or_si128(_mm_or_si128(alpha, digit), punct);
    return ~(unsigned)_mm_movemask_epi8(ok) & 0xffffu;
}
#endif

/* sf_span(s, i, len, SF_CC_HOST): the sent-by host (an IPv4 address or a
 * host name, 10-30 bytes), 16 bytes per step with SSE2 when len >= 16. */
static inline uint32_t host_span(const char *s, uint32_t i, uint32_t len)
{
#if defined(__SSE2__)
    if (len >= 16 && i < len) return sf_find16(s, i, len, nonhost_mask16);
#endif
    return sf_span(s, i, len, SF_CC_HOST);
}

static inline const char *via_parse(sf_slice_t v, sf_sip_via_t *out, sf_slice_t *params,
                                    bool *no_comma)
{
    v = sf_slice_safe(v);
    memset(out, 0, sizeof *out);
    if (params) *params = SF_SLICE_NULL;
    const char *s = v.p;
    uint32_t len = v.len;
    uint32_t i = skip_lws(s, len, 0), j;

    /* protocol-name / protocol-version / transport */
    int first = 0;
    if (len - i >= 8 && sip20_slash(s + i)) {
        /* the usual "SIP/2.0/": what the loop below would find for the
         * first two parts */
        i = skip_lws(s, len, i + 8);
        first = 2;
    }
    for (int part = first; part < 3; part++) {
        j = token(s, len, i);
        if (j == i) return "Via: bad sent-protocol";
        if (part == 2) out->transport = sf_mk_slice(s + i, j - i);
        i = skip_lws(s, len, j);
        if (part < 2) {
            if (i >= len || s[i] != '/') return "Via: bad sent-protocol";
            i = skip_lws(s, len, i + 1);
        }
    }
    /* sent-by = host [ COLON port ] */
    if (i < len && s[i] == '[') {
        const char *rb = memchr(s + i, ']', len - i);
        if (!rb) return "Via: unterminated IPv6 reference";
        out->host = sf_mk_slice(s + i + 1, (uint32_t)(rb - s) - i - 1);
        i = (uint32_t)(rb - s) + 1;
        for (uint32_t k = 0; k < out->host.len; k++) {
            char c = out->host.p[k];
            if (!(c == ':' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
                  (c >= 'A' && c <= 'F')))
                return "Via: bad IPv6 reference";
        }
    } else {
        j = host_span(s, i, len);
        out->host = sf_mk_slice(s + i, j - i);
        i = j;
    }
    if (out->host.len == 0) return "Via: missing host";
    out->present = true;
    i = skip_lws(s, len, i);
    if (i < len && s[i] == ':') {
        i = skip_lws(s, len, i + 1);
        j = i;
        uint32_t port = 0;
        while (j < len && (unsigned char)(s[j] - '0') <= 9 && port <= 65535)
            port = port * 10 + (uint32_t)(s[j++] - '0');
        if (j == i || port > 65535 || port == 0) return "Via: bad port";
        out->port = (uint16_t)port;
        i = skip_lws(s, len, j);
    }
    if (i < len && s[i] != ';') return "Via: unexpected characters after sent-by";
    sf_slice_t rest = sf_mk_slice(s + i, len - i);
    if (params) *params = rest;
    /* the usual single parameter ";branch=value" to the end of the value,
     * read directly: the loop below gives the same answer for it (the
     * value neither quoted nor starting with white space) */
    if (rest.len > 8 && memcmp(rest.p, ";branch=", 8) == 0 && rest.p[8] != '"' &&
        !sf_cc_is((unsigned char)rest.p[8], SF_CC_LWS) &&
        sf_pstop_find(rest.p, 8, rest.len) == rest.len) {
        out->branch = sf_mk_slice(rest.p + 8, rest.len - 8);
        out->rfc3261_branch = rest.len - 8 >= 7 && word_eq(rest.p + 8, "z9hG4bK", 7);
        /* every byte of v went through a class that excludes ',' */
        *no_comma = true;
        return NULL;
    }
    sf_sip_param_t prm;
    uint32_t guard = rest.len + 1;
    for (;;) {
        /* stop when only white space is left */
        if (sf_skip_lws(rest.p, 0, rest.len) == rest.len || !guard--) break;
        if (!sf_param_next_inline(&rest, &prm)) return "Via: bad parameter";
        /* a parameter without value keeps a non-NULL empty slice, so
         * ";rport" is distinguishable from no rport (RFC 3581) */
        sf_slice_t val = prm.has_value ? prm.value : sf_mk_slice(prm.name.p + prm.name.len, 0);
        uint32_t nl = prm.name.len;
        const char *pn = prm.name.p;
        if (nl == 6 && letters_ieq(pn, "branch", 6)) {
            out->branch = val;
            out->rfc3261_branch = val.len >= 7 && word_eq(val.p, "z9hG4bK", 7);
        } else if (nl == 8 && letters_ieq(pn, "received", 8)) {
            out->received = val;
        } else if (nl == 5 && letters_ieq(pn, "rport", 5)) {
            out->rport = val;
        }
    }
    return NULL;
}

const char *sf_sip_via_parse(sf_slice_t v, sf_sip_via_t *out, sf_slice_t *params)
{
    bool no_comma;
    return via_parse(v, out, params, &no_comma);
}

const char *sf_sip_via_parse_top(sf_slice_t v, sf_sip_via_t *out, bool *no_comma)
{
    *no_comma = false;
    return via_parse(v, out, NULL, no_comma);
}

void sf_sip_values_init(sf_sip_values_iter_t *it, const sf_sip_msg_t *msg, sf_sip_hdr_t id)
{
    it->msg = msg;
    it->h = sf_sip_msg_header(msg, id);
    it->rest = it->h ? it->h->value : SF_SLICE_NULL;
}

bool sf_sip_values_next(sf_sip_values_iter_t *it, sf_slice_t *value)
{
    while (it->h) {
        if (sf_sip_list_next(&it->rest, value)) return true;
        it->h = sf_sip_msg_header_next(it->msg, it->h);
        it->rest = it->h ? it->h->value : SF_SLICE_NULL;
    }
    return false;
}

bool sf_sip_via_next(sf_sip_values_iter_t *it, sf_sip_via_t *out, const char **err)
{
    sf_slice_t v;
    if (!sf_sip_values_next(it, &v)) return false;
    const char *e = sf_sip_via_parse(v, out, NULL);
    if (err) *err = e;
    return true;
}
