/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SDP (RFC 8866): one pass over "<type>=<value>" lines. Only the lines
 * sipflow reports are interpreted; the others are skipped. Lines end with
 * CRLF or a bare LF (RFC 8866 5 permits LF on input). */
#include <stddef.h>
#include <string.h>

#include "sipflow/sdp.h"

#include "sip_chars.h"

static void sdp_flag(sf_sdp_t *s, const char *why, const char *base, const char *at)
{
    if (s->malformed) return;
    s->malformed = why;
    s->malformed_offset = (uint32_t)(at - base);
}

/* Next space-separated field of v starting at *i. */
static sf_slice_t field(sf_slice_t v, uint32_t *i)
{
    if (!v.p) return v;
    uint32_t k = *i;
    while (k < v.len && v.p[k] == ' ')
        k++;
    uint32_t s = k;
    while (k < v.len && v.p[k] != ' ')
        k++;
    *i = k;
    sf_slice_t r = {v.p + s, k - s};
    return r;
}

static bool num(sf_slice_t s, uint32_t max, uint32_t *out)
{
    if (s.len == 0 || s.len > 10) return false;
    uint64_t v = 0;
    for (uint32_t i = 0; i < s.len; i++) {
        if (s.p[i] < '0' || s.p[i] > '9') return false;
        v = v * 10 + (uint64_t)(s.p[i] - '0');
    }
    if (v > max) return false;
    *out = (uint32_t)v;
    return true;
}

static uint8_t family(sf_slice_t addrtype)
{
    if (sf_slice_eq(addrtype, "IP4")) return 4;
    if (sf_slice_eq(addrtype, "IP6")) return 6;
    return 0;
}

static bool conn(sf_slice_t v, sf_sdp_conn_t *c)
{
    uint32_t i = 0;
    sf_slice_t net = field(v, &i), at = field(v, &i), addr = field(v, &i);
    if (!net.len || !at.len || !addr.len) return false;
    const char *slash = memchr(addr.p, '/', addr.len); /* multicast ttl/count */
    if (slash) addr.len = (uint32_t)(slash - addr.p);
    c->present = true;
    c->family = family(at);
    c->addr = addr;
    return true;
}

static sf_sdp_dir_t dir_attr(sf_slice_t a)
{
    if (sf_slice_eq(a, "sendrecv")) return SF_SDP_DIR_SENDRECV;
    if (sf_slice_eq(a, "sendonly")) return SF_SDP_DIR_SENDONLY;
    if (sf_slice_eq(a, "recvonly")) return SF_SDP_DIR_RECVONLY;
    if (sf_slice_eq(a, "inactive")) return SF_SDP_DIR_INACTIVE;
    return SF_SDP_DIR_NONE;
}

static void media_line(sf_sdp_t *s, sf_slice_t v, const char *base)
{
    if (s->n_media >= SF_SDP_MAX_MEDIA) {
        s->dropped++;
        sdp_flag(s, "SDP: too many media sections", base, v.p);
        return;
    }
    sf_sdp_media_t *m = &s->media[s->n_media++];
    /* the format and rtpmap arrays (2 KB) are only read up to their
     * counts: clearing them per m= line was most of the SDP parse */
    m->media = m->proto = SF_SLICE_NULL;
    m->port = m->n_ports = 0;
    m->n_fmt = m->n_rtpmap = 0;
    memset(&m->conn, 0, sizeof m->conn);
    m->dir = SF_SDP_DIR_NONE;
    m->ptime = 0;
    uint32_t i = 0, port = 0, cnt = 1;
    m->media = field(v, &i);
    sf_slice_t pp = field(v, &i);
    m->proto = field(v, &i);
    const char *slash = pp.len ? memchr(pp.p, '/', pp.len) : NULL;
    sf_slice_t ps = pp, cs = SF_SLICE_NULL;
    if (slash) {
        ps.len = (uint32_t)(slash - pp.p);
        cs = (sf_slice_t){slash + 1, pp.len - ps.len - 1};
    }
    if (!m->media.len || !num(ps, 65535, &port) || (slash && !num(cs, 65535, &cnt)) ||
        !m->proto.len)
        sdp_flag(s, "SDP: bad m= line", base, v.p);
    m->port = (uint16_t)port;
    m->n_ports = (uint16_t)cnt;
    for (uint32_t guard = 0; guard < v.len; guard++) {
        sf_slice_t f = field(v, &i);
        if (!f.len) break;
        if (m->n_fmt >= SF_SDP_MAX_FORMATS) {
            s->dropped++;
            sdp_flag(s, "SDP: too many formats in a media section", base, f.p);
            continue;
        }
        m->fmt[m->n_fmt++] = f;
    }
}

static void rtpmap(sf_sdp_t *s, sf_sdp_media_t *m, sf_slice_t v, const char *base)
{
    uint32_t i = 0, pt, clock;
    sf_slice_t pts = field(v, &i), enc = field(v, &i);
    const char *sl = enc.len ? memchr(enc.p, '/', enc.len) : NULL;
    if (!num(pts, 127, &pt) || !sl) {
        sdp_flag(s, "SDP: bad a=rtpmap", base, v.p);
        return;
    }
    sf_slice_t name = {enc.p, (uint32_t)(sl - enc.p)};
    sf_slice_t rest = {sl + 1, enc.len - name.len - 1};
    const char *sl2 = memchr(rest.p, '/', rest.len);
    sf_slice_t cl = rest, params = SF_SLICE_NULL;
    if (sl2) {
        cl.len = (uint32_t)(sl2 - rest.p);
        params = (sf_slice_t){sl2 + 1, rest.len - cl.len - 1};
    }
    if (!num(cl, 0xffffffffu, &clock)) {
        sdp_flag(s, "SDP: bad a=rtpmap clock rate", base, v.p);
        return;
    }
    if (!m) return; /* rtpmap before any m= line: ignored */
    if (m->n_rtpmap >= SF_SDP_MAX_FORMATS) {
        s->dropped++;
        sdp_flag(s, "SDP: too many rtpmap attributes in a media section", base, v.p);
        return;
    }
    sf_sdp_rtpmap_t *r = &m->rtpmap[m->n_rtpmap++];
    r->pt = (uint8_t)pt;
    r->encoding = name;
    r->clock = clock;
    r->params = params;
}

static void attribute(sf_sdp_t *s, sf_sdp_media_t *m, sf_slice_t v, const char *base)
{
    const char *colon = memchr(v.p, ':', v.len);
    sf_slice_t name = {v.p, colon ? (uint32_t)(colon - v.p) : v.len};
    sf_slice_t val =
        colon ? (sf_slice_t){colon + 1, v.len - name.len - 1} : (sf_slice_t){v.p + v.len, 0};
    sf_sdp_dir_t d = colon ? SF_SDP_DIR_NONE : dir_attr(name);
    if (d != SF_SDP_DIR_NONE) {
        if (m)
            m->dir = d;
        else
            s->dir = d;
    } else if (sf_slice_eq(name, "rtpmap")) {
        rtpmap(s, m, val, base);
    } else if (sf_slice_eq(name, "ptime") && m) {
        uint32_t i = 0, pt;
        sf_slice_t f = field(val, &i);
        const char *dot = f.len ? memchr(f.p, '.', f.len) : NULL; /* "20.0" */
        if (dot) f.len = (uint32_t)(dot - f.p);
        if (num(f, 0xffffffffu, &pt))
            m->ptime = pt;
        else
            sdp_flag(s, "SDP: bad a=ptime", base, v.p);
    }
}

bool sf_sdp_parse(const char *body, uint32_t len, sf_sdp_t *s)
{
    /* the media array is large: clear only what the parse relies on
     * (each media section is cleared when its m= line is seen) */
    memset(s, 0, offsetof(sf_sdp_t, media));
    s->n_media = 0;
    s->dropped = 0;
    s->malformed = NULL;
    s->malformed_offset = 0;
    if (!body || len < 2 || body[0] != 'v' || body[1] != '=') return false;
    sf_sdp_media_t *m = NULL;
    uint32_t pos = 0;
    while (pos < len) {
        const char *line = body + pos;
        const char *lf = memchr(line, '\n', len - pos);
        uint32_t ll = lf ? (uint32_t)(lf - line) : len - pos;
        pos += ll + (lf ? 1 : 0);
        if (ll && line[ll - 1] == '\r') ll--;
        if (ll == 0) continue; /* tolerate blank lines (trailing CRLF) */
        if (ll < 2 || line[1] != '=') {
            sdp_flag(s, "SDP: line is not <type>=<value>", body, line);
            continue;
        }
        sf_slice_t v = {line + 2, ll - 2};
        switch (line[0]) {
        case 'o': {
            uint32_t i = 0;
            s->origin.username = field(v, &i);
            s->origin.sess_id = field(v, &i);
            s->origin.sess_version = field(v, &i);
            sf_slice_t net = field(v, &i), at = field(v, &i);
            s->origin.addr = field(v, &i);
            s->origin.family = family(at);
            s->origin.present = true;
            if (!net.len || !s->origin.addr.len) sdp_flag(s, "SDP: bad o= line", body, line);
            break;
        }
        case 's':
            s->session_name = v;
            break;
        case 'c':
            if (!conn(v, m ? &m->conn : &s->conn)) sdp_flag(s, "SDP: bad c= line", body, line);
            break;
        case 'm':
            media_line(s, v, body);
            m = s->n_media ? &s->media[s->n_media - 1] : NULL;
            break;
        case 'a':
            attribute(s, m, v, body);
            break;
        default:
            break;
        }
    }
    if (!s->origin.present) sdp_flag(s, "SDP: o= missing", body, body);
    return true;
}

const char *sf_sdp_dir_name(sf_sdp_dir_t d)
{
    switch (d) {
    case SF_SDP_DIR_SENDRECV:
        return "sendrecv";
    case SF_SDP_DIR_SENDONLY:
        return "sendonly";
    case SF_SDP_DIR_RECVONLY:
        return "recvonly";
    case SF_SDP_DIR_INACTIVE:
        return "inactive";
    default:
        return "";
    }
}

sf_sdp_dir_t sf_sdp_media_dir(const sf_sdp_t *sdp, const sf_sdp_media_t *m)
{
    if (m && m->dir != SF_SDP_DIR_NONE) return m->dir;
    if (sdp->dir != SF_SDP_DIR_NONE) return sdp->dir;
    return SF_SDP_DIR_SENDRECV;
}

const sf_sdp_conn_t *sf_sdp_media_conn(const sf_sdp_t *sdp, const sf_sdp_media_t *m)
{
    if (m && m->conn.present) return &m->conn;
    return sdp->conn.present ? &sdp->conn : NULL;
}

const sf_sdp_rtpmap_t *sf_sdp_media_rtpmap(const sf_sdp_media_t *m, uint8_t pt)
{
    for (uint8_t i = 0; i < m->n_rtpmap; i++)
        if (m->rtpmap[i].pt == pt) return &m->rtpmap[i];
    return NULL;
}
