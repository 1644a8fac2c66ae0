/* SPDX-License-Identifier: GPL-2.0-or-later */
/* URIs (RFC 3261 19.1.1, 25.1; RFC 3966 for tel):
 *   SIP-URI = "sip:" [ userinfo ] hostport uri-parameters [ headers ]
 * The user part may itself hold ';' (telephone-subscriber parameters), so
 * userinfo is everything before the '@' when there is one. */
#include <string.h>

#include "sipflow/sip_headers.h"

#include "sip_chars.h"

static bool scheme_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '-' || c == '.';
}

const char *sf_sip_uri_parse(sf_slice_t u, sf_sip_uri_t *out)
{
    u = sf_slice_safe(u);
    memset(out, 0, sizeof *out);
    u = sf_sip_trim(u);
    const char *s = u.p;
    uint32_t len = u.len, i = 0;
    while (i < len && scheme_char(s[i]))
        i++;
    if (i == 0 || i >= len || s[i] != ':' ||
        !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return "URI without scheme";
    out->scheme = sf_mk_slice(s, i);
    i++;
    for (uint32_t k = i; k < len; k++)
        if ((unsigned char)s[k] <= ' ' || s[k] == 0x7f) return "URI contains white space";

    bool sip = sf_slice_ieq(out->scheme, "sip") || sf_slice_ieq(out->scheme, "sips");
    if (!sip) {
        const char *semi = memchr(s + i, ';', len - i);
        uint32_t end = semi ? (uint32_t)(semi - s) : len;
        out->user = sf_mk_slice(s + i, end - i);
        if (sf_slice_ieq(out->scheme, "tel")) {
            out->params = sf_mk_slice(s + end, len - end);
            if (out->user.len == 0) return "tel URI without number";
        } else {
            out->user = sf_mk_slice(s + i, len - i);
        }
        return NULL;
    }

    /* '@' cannot appear unescaped in host, params or headers (RFC 3261
     * 25.1) but '?' and ';' can in the user part: split at the last '@' */
    const char *at = NULL;
    for (uint32_t k = len; k > i; k--)
        if (s[k - 1] == '@') {
            at = s + k - 1;
            break;
        }
    uint32_t hp = at ? (uint32_t)(at - s) + 1 : i;
    const char *q = memchr(s + hp, '?', len - hp);
    uint32_t end = q ? (uint32_t)(q - s) : len;
    if (q) out->headers = sf_mk_slice(q + 1, len - end - 1);
    if (at) {
        uint32_t a = (uint32_t)(at - s);
        const char *colon = memchr(s + i, ':', a - i);
        uint32_t ue = colon ? (uint32_t)(colon - s) : a;
        out->user = sf_mk_slice(s + i, ue - i);
        if (colon) out->password = sf_mk_slice(colon + 1, a - ue - 1);
        i = a + 1;
    }
    if (i < end && s[i] == '[') {
        const char *rb = memchr(s + i, ']', end - i);
        if (!rb) return "URI: unterminated IPv6 reference";
        out->host = sf_mk_slice(s + i + 1, (uint32_t)(rb - s) - i - 1);
        out->ipv6 = true;
        i = (uint32_t)(rb - s) + 1;
    } else {
        uint32_t h = i;
        while (i < end && s[i] != ':' && s[i] != ';')
            i++;
        out->host = sf_mk_slice(s + h, i - h);
    }
    if (out->host.len == 0) return "URI: missing host";
    if (i < end && s[i] == ':') {
        uint32_t port = 0, d = ++i;
        while (i < end && s[i] >= '0' && s[i] <= '9' && port <= 65535)
            port = port * 10 + (uint32_t)(s[i++] - '0');
        if (i == d || port > 65535) return "URI: bad port";
        out->port = (uint16_t)port;
    }
    if (i < end && s[i] != ';') return "URI: unexpected characters after host";
    out->params = sf_mk_slice(s + i, end - i);
    return NULL;
}
