/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Lexical helpers over header values (RFC 3261 25.1): linear white space,
 * comma-separated lists, ";name=value" parameters, quoted strings and
 * numbers. Slices in, slices out; every loop is bounded by the slice. */
#include <string.h>

#include "sipflow/sip_headers.h"

#include "sip_chars.h"

static inline bool is_lws(char c)
{
    return sf_cc_is((unsigned char)c, SF_CC_LWS);
}

sf_slice_t sf_sip_trim(sf_slice_t s)
{
    return sf_trim_lws(s);
}

bool sf_sip_list_next(sf_slice_t *rest, sf_slice_t *item)
{
    *rest = sf_slice_safe(*rest);
    const char *s = rest->p;
    uint32_t len = rest->len, i = 0;
    while (i < len && (is_lws(s[i]) || s[i] == ','))
        i++;
    if (i >= len) {
        *rest = sf_mk_slice(s ? s + len : s, 0);
        return false;
    }
    uint32_t start = i;
    while (i < len && s[i] != ',') {
        if (s[i] == '"') {
            i = sf_quote_end(s, len, i);
        } else if (s[i] == '<') {
            /* a URI inside <> may hold commas (RFC 3261 20: name-addr) */
            const char *gt = memchr(s + i, '>', len - i);
            i = gt ? (uint32_t)(gt - s) : len;
        }
        if (i < len) i++;
    }
    *item = sf_sip_trim(sf_mk_slice(s + start, (i > len ? len : i) - start));
    if (i > len) i = len;
    *rest = sf_mk_slice(s + i, len - i);
    return true;
}

bool sf_sip_param_next(sf_slice_t *rest, sf_sip_param_t *out)
{
    return sf_param_next_inline(rest, out);
}

bool sf_sip_param_get(sf_slice_t params, const char *name, sf_slice_t *value)
{
    sf_sip_param_t prm;
    uint32_t guard = params.len + 1;
    size_t nl = strlen(name);
    while (guard-- && sf_param_next_inline(&params, &prm)) {
        if (prm.name.len == nl && sf_lower(prm.name.p[0]) == sf_lower(name[0]) &&
            sf_ieq_fold(prm.name.p, name, (uint32_t)nl)) {
            if (value) *value = prm.value;
            return true;
        }
    }
    return false;
}

size_t sf_sip_unquote(sf_slice_t s, char *buf, size_t n)
{
    size_t out = 0;
    for (uint32_t i = 0; i < s.len; i++) {
        char c = s.p[i];
        if (c == '\\' && i + 1 < s.len) c = s.p[++i];
        if (out + 1 < n) buf[out] = c;
        out++;
    }
    if (n) buf[out < n ? out : n - 1] = '\0';
    return out;
}

bool sf_sip_parse_uint(sf_slice_t s, uint64_t max, uint64_t *out)
{
    s = sf_sip_trim(s);
    if (s.len == 0 || s.len > 20) return false;
    uint64_t v = 0;
    for (uint32_t i = 0; i < s.len; i++) {
        unsigned d = (unsigned)(unsigned char)s.p[i] - '0';
        if (d > 9) return false;
        if (v > max / 10 || (v == max / 10 && d > max % 10)) return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}
