/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Structured single-value headers, parsed on demand: numbers (Expires,
 * Max-Forwards, RSeq, Min-SE), RAck (RFC 3262 7.2), Reason (RFC 3326),
 * Warning (RFC 3261 20.43), Session-Expires (RFC 4028 4) and the
 * credentials/challenge headers (RFC 3261 25.1 challenge/credentials). */
#include <string.h>

#include "sipflow/sip_headers.h"

#include "sip_chars.h"

static bool is_lws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Next run of non-LWS bytes of v from *i. */
static sf_slice_t word(sf_slice_t v, uint32_t *i)
{
    uint32_t k = *i;
    while (k < v.len && is_lws(v.p[k]))
        k++;
    uint32_t s = k;
    while (k < v.len && !is_lws(v.p[k]))
        k++;
    *i = k;
    return sf_mk_slice(v.p + s, k - s);
}

bool sf_sip_msg_uint(const sf_sip_msg_t *msg, sf_sip_hdr_t id, uint32_t *out)
{
    const sf_sip_header_t *h = sf_sip_msg_header(msg, id);
    if (!h) return false;
    sf_slice_t v = h->value;
    /* Expires and Min-SE may carry parameters after the number */
    const char *semi = v.len ? memchr(v.p, ';', v.len) : NULL;
    if (semi) v.len = (uint32_t)(semi - v.p);
    uint64_t n;
    if (!sf_sip_parse_uint(v, 0xffffffffu, &n)) return false;
    *out = (uint32_t)n;
    return true;
}

const char *sf_sip_rack_parse(sf_slice_t v, sf_sip_rack_t *out)
{
    v = sf_slice_safe(v);
    memset(out, 0, sizeof *out);
    uint32_t i = 0;
    uint64_t a, b;
    sf_slice_t r = word(v, &i), c = word(v, &i);
    out->method = word(v, &i);
    if (!sf_sip_parse_uint(r, 0xffffffffu, &a)) return "RAck: bad response number";
    if (!sf_sip_parse_uint(c, 0xffffffffu, &b)) return "RAck: bad CSeq number";
    out->rseq = (uint32_t)a;
    out->cseq = (uint32_t)b;
    if (out->method.len == 0) return "RAck: missing method";
    return NULL;
}

const char *sf_sip_reason_parse(sf_slice_t v, sf_sip_reason_t *out)
{
    v = sf_slice_safe(v);
    memset(out, 0, sizeof *out);
    out->cause = -1;
    v = sf_sip_trim(v);
    uint32_t i = 0;
    while (i < v.len && sf_cc_is((unsigned char)v.p[i], SF_CC_TOKEN))
        i++;
    out->protocol = sf_mk_slice(v.p, i);
    out->params = sf_mk_slice(v.p + i, v.len - i);
    if (i == 0) return "Reason: missing protocol";
    sf_slice_t val;
    if (sf_sip_param_get(out->params, "cause", &val)) {
        uint64_t n;
        if (sf_sip_parse_uint(val, 0x7fffffff, &n)) out->cause = (int32_t)n;
    }
    if (sf_sip_param_get(out->params, "text", &val)) out->text = val;
    return NULL;
}

const char *sf_sip_warning_parse(sf_slice_t v, sf_sip_warning_t *out)
{
    v = sf_slice_safe(v);
    memset(out, 0, sizeof *out);
    uint32_t i = 0;
    uint64_t code;
    sf_slice_t c = word(v, &i);
    out->agent = word(v, &i);
    if (c.len != 3 || !sf_sip_parse_uint(c, 999, &code)) return "Warning: bad warn-code";
    out->code = (uint16_t)code;
    while (i < v.len && is_lws(v.p[i]))
        i++;
    if (out->agent.len == 0 || i >= v.len || v.p[i] != '"') return "Warning: missing warn-text";
    uint32_t s = ++i;
    for (; i < v.len && v.p[i] != '"'; i++)
        if (v.p[i] == '\\') i++;
    if (i >= v.len) return "Warning: unterminated quoted string";
    out->text = sf_mk_slice(v.p + s, i - s);
    return NULL;
}

const char *sf_sip_session_expires_parse(sf_slice_t v, sf_sip_session_expires_t *out)
{
    v = sf_slice_safe(v);
    memset(out, 0, sizeof *out);
    const char *semi = v.len ? memchr(v.p, ';', v.len) : NULL;
    sf_slice_t num = v;
    if (semi) {
        num.len = (uint32_t)(semi - v.p);
        out->params = sf_mk_slice(semi, v.len - num.len);
    }
    uint64_t n;
    if (!sf_sip_parse_uint(num, 0xffffffffu, &n)) return "Session-Expires: not a number";
    out->delta = (uint32_t)n;
    sf_slice_t r;
    if (sf_sip_param_get(out->params, "refresher", &r)) out->refresher = r;
    return NULL;
}

const char *sf_sip_auth_parse(sf_slice_t v, sf_sip_auth_t *out)
{
    v = sf_slice_safe(v);
    memset(out, 0, sizeof *out);
    v = sf_sip_trim(v);
    uint32_t i = 0;
    while (i < v.len && sf_cc_is((unsigned char)v.p[i], SF_CC_TOKEN))
        i++;
    out->scheme = sf_mk_slice(v.p, i);
    out->params = sf_sip_trim(sf_mk_slice(v.p + i, v.len - i));
    if (i == 0) return "authentication header: missing scheme";
    if (i < v.len && !is_lws(v.p[i])) return "authentication header: bad scheme";
    return NULL;
}

bool sf_sip_auth_param(const sf_sip_auth_t *a, const char *name, sf_slice_t *value)
{
    /* auth-params are comma-separated name=value pairs; each one reads as
     * a one-element generic parameter list */
    sf_slice_t rest = a->params, item;
    uint32_t guard = rest.len + 1;
    while (guard-- && sf_sip_list_next(&rest, &item)) {
        sf_sip_param_t p;
        sf_slice_t it = item;
        if (sf_sip_param_next(&it, &p) && sf_slice_ieq(p.name, name)) {
            if (value) *value = p.value;
            return true;
        }
    }
    return false;
}
