/* SPDX-License-Identifier: GPL-2.0-or-later */
/* name-addr / addr-spec (RFC 3261 20.10, 25.1):
 *   name-addr = [ display-name ] LAQUOT addr-spec RAQUOT
 *   display-name = *(token LWS) / quoted-string
 * In the addr-spec form the URI cannot carry parameters: every ';' after
 * it starts a header parameter, which is why the tag is looked for only
 * after '>' or after the addr-spec (a ";tag=" inside a quoted display name
 * or among URI parameters is not the tag). */
#include <string.h>

#include "sipflow/sip_headers.h"

#include "sip_chars.h"

static inline bool is_lws(char c)
{
    return sf_cc_is((unsigned char)c, SF_CC_LWS);
}

const char *sf_sip_name_addr_parse(sf_slice_t v, sf_sip_name_addr_t *out)
{
    v = sf_slice_safe(v);
    memset(out, 0, sizeof *out);
    v = sf_trim_lws(v);
    const char *s = v.p;
    uint32_t len = v.len, i = 0;
    if (len == 0) return "empty value";
    if (s[0] == '*') { /* Contact: * (RFC 3261 20.10) */
        out->star = true;
        out->params = sf_trim_lws(sf_mk_slice(s + 1, len - 1));
        return NULL;
    }
    if (s[0] == '"') {
        uint32_t q = 1;
        for (; q < len && s[q] != '"'; q++)
            if (s[q] == '\\') q++;
        if (q >= len) return "unterminated quoted string";
        out->display = sf_mk_slice(s + 1, q - 1);
        out->display_quoted = true;
        i = q + 1;
        while (i < len && is_lws(s[i]))
            i++;
        if (i >= len || s[i] != '<') return "quoted display name without <URI>";
    } else {
        uint32_t j = sf_span(s, 0, len, SF_CC_TOKEN | SF_CC_LWS);
        if (j < len && s[j] == '<') {
            out->display = sf_mk_slice(s, j);
            out->display = sf_trim_lws(out->display);
            i = j;
        }
    }
    if (s[i] == '<') {
        const char *gt = sf_find_byte(s, s + i, s + len, '>');
        if (!gt) return "missing '>'";
        out->angle = true;
        out->uri = sf_mk_slice(s + i + 1, (uint32_t)(gt - s) - i - 1);
        /* LAQUOT/RAQUOT allow white space outside the brackets only */
        bool inner_ws =
            out->uri.len && (is_lws(out->uri.p[0]) || is_lws(out->uri.p[out->uri.len - 1]));
        out->uri = sf_trim_lws(out->uri);
        i = (uint32_t)(gt - s) + 1;
        while (i < len && is_lws(s[i]))
            i++;
        out->params = sf_mk_slice(s + i, len - i);
        if (out->uri.len == 0) return "empty URI";
        if (i < len && s[i] != ';') return "unexpected characters after '>'";
        if (inner_ws) return "white space inside <URI>";
        return NULL;
    }
    /* addr-spec: the URI ends at the first ';' */
    const char *semi = memchr(s, ';', len);
    uint32_t end = semi ? (uint32_t)(semi - s) : len;
    out->uri = sf_trim_lws(sf_mk_slice(s, end));
    out->params = sf_mk_slice(s + end, len - end);
    if (memchr(out->uri.p, '<', out->uri.len) || memchr(out->uri.p, '"', out->uri.len))
        return "display name is not a token or quoted string";
    for (uint32_t k = 0; k < out->uri.len; k++)
        if (is_lws(out->uri.p[k])) return "white space inside addr-spec";
    if (!memchr(out->uri.p, ':', out->uri.len)) return "URI without scheme";
    return NULL;
}
