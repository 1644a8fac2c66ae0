/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Via header field values (RFC 3261 20.42, 18.2.1, RFC 3581 rport):
 *   via-parm = sent-protocol LWS sent-by *( SEMI via-params )
 *   sent-protocol = protocol-name SLASH protocol-version SLASH transport
 * SLASH allows white space (and folds) around '/', which RFC 4475 3.1.1.1
 * exercises. */
#include <string.h>

#include "sipflow/sip_headers.h"

#include "sip_chars.h"

static bool is_lws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static uint32_t skip_lws(const char *s, uint32_t len, uint32_t i)
{
    while (i < len && is_lws(s[i]))
        i++;
    return i;
}

static uint32_t token(const char *s, uint32_t len, uint32_t i)
{
    while (i < len && sf_cc_is((unsigned char)s[i], SF_CC_TOKEN))
        i++;
    return i;
}

static bool host_char(char c)
{
    return sf_cc_is((unsigned char)c, SF_CC_HOST);
}

const char *sf_sip_via_parse(sf_slice_t v, sf_sip_via_t *out, sf_slice_t *params)
{
    v = sf_slice_safe(v);
    memset(out, 0, sizeof *out);
    if (params) *params = SF_SLICE_NULL;
    const char *s = v.p;
    uint32_t len = v.len;
    uint32_t i = skip_lws(s, len, 0), j;

    /* protocol-name / protocol-version / transport */
    for (int part = 0; part < 3; part++) {
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
        j = i;
        while (j < len && host_char(s[j]))
            j++;
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
        while (j < len && s[j] >= '0' && s[j] <= '9' && port <= 65535)
            port = port * 10 + (uint32_t)(s[j++] - '0');
        if (j == i || port > 65535 || port == 0) return "Via: bad port";
        out->port = (uint16_t)port;
        i = skip_lws(s, len, j);
    }
    if (i < len && s[i] != ';') return "Via: unexpected characters after sent-by";
    sf_slice_t rest = sf_mk_slice(s + i, len - i);
    if (params) *params = rest;
    sf_sip_param_t prm;
    uint32_t guard = rest.len + 1;
    for (;;) {
        sf_slice_t before = sf_sip_trim(rest);
        if (before.len == 0 || !guard--) break;
        if (!sf_sip_param_next(&rest, &prm)) return "Via: bad parameter";
        /* a parameter without value keeps a non-NULL empty slice, so
         * ";rport" is distinguishable from no rport (RFC 3581) */
        sf_slice_t val = prm.has_value ? prm.value : sf_mk_slice(prm.name.p + prm.name.len, 0);
        uint32_t nl = prm.name.len;
        char c0 = (char)(prm.name.p[0] | 0x20);
        if (nl == 6 && c0 == 'b' && sf_ieq_lit(prm.name.p, "branch", 6)) {
            out->branch = val;
            out->rfc3261_branch = val.len >= 7 && memcmp(val.p, "z9hG4bK", 7) == 0;
        } else if (nl == 8 && c0 == 'r' && sf_ieq_lit(prm.name.p, "received", 8)) {
            out->received = val;
        } else if (nl == 5 && c0 == 'r' && sf_ieq_lit(prm.name.p, "rport", 5)) {
            out->rport = val;
        }
    }
    return NULL;
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
