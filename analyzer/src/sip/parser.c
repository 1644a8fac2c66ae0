/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One-pass SIP message parser (RFC 3261 7). Indexes every header line into
 * the parser's reusable array and eagerly parses the fields every later
 * layer needs; everything else stays a slice for sip_headers.h.
 *
 * Defects never drop the message: the first defect found (in message
 * order; checks for missing mandatory headers come last) is recorded in
 * msg->malformed with its offset, and parsing goes on so that every field
 * that can be filled is filled. First-found rather than most-severe keeps
 * the rule predictable and the offset meaningful. The strings name the
 * header and the problem, e.g.:
 *   start line: "unsupported SIP version", "status code out of range",
 *     "status code not 3 digits", "Request-URI contains white space",
 *     "request line: extra white space between elements",
 *     "Request-URI enclosed in <>", "Request-URI: headers not allowed"
 *   lines: "header line without colon", "header name is not a token",
 *     "too many headers", "no empty line after the headers"
 *   fields: "Via: bad parameter" (and other "Via: ..." from via.c),
 *     "From: unterminated quoted string" (and "From:/To: ..." from
 *     name_addr.c), "two From headers", "Call-ID: empty value",
 *     "two Call-ID headers with different values", "CSeq: not a number",
 *     "CSeq: number out of range", "CSeq: missing method",
 *     "CSeq: method does not match the request method",
 *     "Content-Length: not a number", "Content-Length: too large",
 *     "two Content-Length headers with different values",
 *     "Content-Length larger than the body"
 *   missing: "Via missing", "From missing", "To missing",
 *     "Call-ID missing", "CSeq missing"
 * Only the top Via value is validated eagerly; the others are counted. */
#include <stdlib.h>
#include <string.h>

#include "sipflow/sip_headers.h"
#include "sipflow/sip_msg.h"

#include "sip_chars.h"
#include "start_line.h"

/* Header lines indexed per message; beyond this the message is flagged and
 * the rest of its headers are still scanned (for the eager fields and the
 * body) but not indexed, so memory stays bounded. */
#define SF_SIP_MAX_HEADERS 10000u
#define SF_SIP_INITIAL_HEADERS 64u

struct sf_sip_parser {
    sf_sip_header_t *hdrs;
    uint32_t cap;
};

sf_sip_parser_t *sf_sip_parser_create(void)
{
    sf_sip_parser_t *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->hdrs = malloc(SF_SIP_INITIAL_HEADERS * sizeof *p->hdrs);
    if (!p->hdrs) {
        free(p);
        return NULL;
    }
    p->cap = SF_SIP_INITIAL_HEADERS;
    return p;
}

void sf_sip_parser_destroy(sf_sip_parser_t *p)
{
    if (!p) return;
    free(p->hdrs);
    free(p);
}

static bool grow(sf_sip_parser_t *p)
{
    if (p->cap >= SF_SIP_MAX_HEADERS) return false;
    uint32_t ncap = p->cap * 2 > SF_SIP_MAX_HEADERS ? SF_SIP_MAX_HEADERS : p->cap * 2;
    sf_sip_header_t *n = realloc(p->hdrs, ncap * sizeof *n);
    if (!n) return false;
    p->hdrs = n;
    p->cap = ncap;
    return true;
}

static void flag(sf_sip_msg_t *m, const char *why, const char *at)
{
    if (m->malformed) return;
    m->malformed = why;
    m->malformed_offset = (uint32_t)(at - m->buf);
}

static bool is_wsp(char c)
{
    return c == ' ' || c == '\t';
}

/* End of the logical header line that continues at q: the first LF not
 * followed by SP/HT (RFC 3261 7.3.1: folding), or end. */
static inline const char *logical_eol(const char *buf, const char *q, const char *end)
{
    for (;;) {
        const char *lf = sf_find_byte(buf, q, end, '\n');
        if (!lf) return end;
        if (lf + 1 < end && is_wsp(lf[1])) {
            q = lf + 1;
            continue;
        }
        return lf;
    }
}

/* Start line that the strict scan refused: decide whether it is still SIP
 * (the line begins with "SIP/" or ends with a "SIP/x.y" version) and name
 * the defect, or return false when it is not SIP at all. */
static bool start_line_lenient(const char *buf, uint32_t len, sf_sip_msg_t *m)
{
    const char *lf = memchr(buf, '\n', len);
    uint32_t e = lf ? (uint32_t)(lf - buf) : len;
    if (e > SF_SIP_MAX_START_LINE) return false;
    uint32_t t = e;
    if (t && buf[t - 1] == '\r') t--;
    m->start_line = sf_mk_slice(buf, t);
    if (t >= 4 && sf_ieq_lit(buf, "sip/", 4)) {
        /* status line */
        uint32_t i = 0;
        while (i < t && !is_wsp(buf[i]))
            i++;
        m->version = sf_mk_slice(buf, i);
        uint32_t ws = i;
        while (i < t && is_wsp(buf[i]))
            i++;
        uint32_t d = i, code = 0;
        while (i < t && buf[i] >= '0' && buf[i] <= '9') {
            if (code < 100000) code = code * 10 + (uint32_t)(buf[i] - '0');
            i++;
        }
        m->status = (uint16_t)(code > 65535 ? 65535 : code);
        uint32_t ndig = i - d;
        while (i < t && is_wsp(buf[i]))
            i++;
        m->reason = sf_mk_slice(buf + i, t - i);
        if (!sf_slice_ieq(m->version, "SIP/2.0"))
            flag(m, "unsupported SIP version", buf);
        else if (ndig == 0 || ws == d)
            flag(m, "status line: missing status code", buf + d);
        else if (ndig != 3)
            flag(m, "status code not 3 digits", buf + d);
        else
            flag(m, "status line: bad separator or reason phrase", buf + d);
        m->is_request = false;
        return true;
    }
    /* request line: split on white space runs */
    sf_slice_t part[4];
    uint32_t n = 0, i = 0;
    bool extra_ws = false;
    while (i < t) {
        uint32_t s0 = i;
        while (i < t && !is_wsp(buf[i]))
            i++;
        if (n < 4) part[n] = sf_mk_slice(buf + s0, i - s0);
        n++;
        uint32_t w0 = i;
        while (i < t && is_wsp(buf[i]))
            i++;
        if (i - w0 > 1 || (i == t && i > w0) || (w0 < t && buf[w0] == '\t')) extra_ws = true;
    }
    if (n < 2) return false;
    sf_slice_t ver;
    {
        /* the version is the last word of the line */
        uint32_t k = t;
        while (k > 0 && is_wsp(buf[k - 1]))
            k--;
        uint32_t s0 = k;
        while (s0 > 0 && !is_wsp(buf[s0 - 1]))
            s0--;
        ver = sf_mk_slice(buf + s0, k - s0);
    }
    if (ver.len < 4 || !sf_ieq_lit(ver.p, "sip/", 4)) return false;
    m->is_request = true;
    m->method = part[0];
    m->method_id = sf_sip_method_from(part[0]);
    m->version = ver;
    if (n >= 3) m->request_uri = part[1];
    bool method_ok = part[0].len > 0;
    for (uint32_t k = 0; k < part[0].len; k++)
        if (!sf_cc_is((unsigned char)part[0].p[k], SF_CC_TOKEN)) method_ok = false;
    if (!method_ok)
        flag(m, "request line: method is not a token", buf);
    else if (!sf_slice_ieq(ver, "SIP/2.0"))
        flag(m, "unsupported SIP version", ver.p);
    else if (n == 2)
        flag(m, "request line: missing Request-URI", buf);
    else if (n > 3)
        flag(m, "Request-URI contains white space", part[1].p);
    else if (extra_ws)
        flag(m, "request line: extra white space between elements", buf);
    else
        flag(m, "request line: invalid character", buf);
    return true;
}

/* The tag parameter (RFC 3261 19.3) of a From/To: the parameters are
 * nearly always exactly ";tag=value", which is read directly; anything
 * else goes through the general parameter scan, which gives the same
 * answer for this form. */
static bool tag_param(sf_slice_t params, sf_slice_t *tag)
{
    const char *s = params.p;
    uint32_t len = params.len;
    if (len == 0) return false; /* the general scan finds nothing either */
    if (len > 5 && memcmp(s, ";tag=", 5) == 0 && s[5] != '"') {
        if (sf_pstop_find(s, 5, len) == len) {
            *tag = sf_mk_slice(s + 5, len - 5);
            return true;
        }
    }
    return sf_sip_param_get(params, "tag", tag);
}

/* The usual shapes of a From/To value, "<URI>;params" and
 * "token display <URI>;params" (RFC 3261 20.20, 20.39), checked the way
 * sf_sip_name_addr_parse() checks them; v is already trimmed of LWS by
 * the header loop. True (with the header parameters in *params) only when
 * that function would accept v with the same parameters; anything else
 * (quoted display names, addr-spec, defects) goes to it. */
static inline bool name_addr_fast(sf_slice_t v, sf_slice_t *params)
{
    const char *s = v.p;
    uint32_t len = v.len;
    if (len < 3 || s[0] == '*') return false; /* '*' is Contact's star form */
    uint32_t i = s[0] == '<' ? 0 : sf_span(s, 0, len, SF_CC_TOKEN | SF_CC_LWS);
    if (i >= len || s[i] != '<') return false;
    const char *gt = sf_find_byte(s, s + i + 1, s + len, '>');
    if (!gt || gt == s + i + 1) return false; /* missing '>', empty URI */
    /* white space just inside the brackets is a defect */
    if (sf_cc_is((unsigned char)s[i + 1], SF_CC_LWS) || sf_cc_is((unsigned char)gt[-1], SF_CC_LWS))
        return false;
    uint32_t k = sf_skip_lws(s, (uint32_t)(gt - s) + 1, len);
    if (k < len && s[k] != ';') return false;
    *params = sf_mk_slice(s + k, len - k);
    return true;
}

/* from_to() for the values name_addr_fast() does not take: the full
 * check, which names the defect. Out of line, so that the common path
 * does not pay for its frame. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void
from_to_full(sf_sip_msg_t *m, sf_slice_t v, bool is_from, const char *line)
{
    sf_sip_name_addr_t na;
    const char *err = sf_sip_name_addr_parse(v, &na);
    if (err) {
        /* the static strings below name the header and the defect */
        static const char *const fe[] = {
            "From: empty value",
            "From: unterminated quoted string",
            "From: quoted display name without <URI>",
            "From: missing '>'",
            "From: empty URI",
            "From: unexpected characters after '>'",
            "From: display name is not a token or quoted string",
            "From: white space inside addr-spec",
            "From: URI without scheme",
            "From: white space inside <URI>",
        };
        static const char *const te[] = {
            "To: empty value",
            "To: unterminated quoted string",
            "To: quoted display name without <URI>",
            "To: missing '>'",
            "To: empty URI",
            "To: unexpected characters after '>'",
            "To: display name is not a token or quoted string",
            "To: white space inside addr-spec",
            "To: URI without scheme",
            "To: white space inside <URI>",
        };
        static const char *const keys[] = {
            "empty value",
            "unterminated quoted string",
            "quoted display name without <URI>",
            "missing '>'",
            "empty URI",
            "unexpected characters after '>'",
            "display name is not a token or quoted string",
            "white space inside addr-spec",
            "URI without scheme",
            "white space inside <URI>",
        };
        const char *why = is_from ? "From: bad value" : "To: bad value";
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (strcmp(err, keys[k]) == 0) why = is_from ? fe[k] : te[k];
        flag(m, why, v.p ? v.p : line);
    }
    sf_slice_t tag;
    if (tag_param(na.params, &tag)) {
        if (is_from)
            m->from_tag = tag;
        else
            m->to_tag = tag;
    }
}

/* Tag from a From/To value (header parameters only: see name_addr.c). */
static inline void from_to(sf_sip_msg_t *m, sf_slice_t v, bool is_from, const char *line)
{
    sf_slice_t *dst = is_from ? &m->from : &m->to;
    if (dst->p) {
        flag(m, is_from ? "two From headers" : "two To headers", line);
        return;
    }
    *dst = v;
    sf_slice_t params, tag;
    if (!name_addr_fast(v, &params)) {
        from_to_full(m, v, is_from, line);
        return;
    }
    if (tag_param(params, &tag)) {
        if (is_from)
            m->from_tag = tag;
        else
            m->to_tag = tag;
    }
}

static void cseq(sf_sip_msg_t *m, sf_slice_t v, const char *line)
{
    if (m->has_cseq) {
        flag(m, "two CSeq headers", line);
        return;
    }
    uint32_t i = 0;
    uint64_t n = 0;
    while (i < v.len && v.p[i] >= '0' && v.p[i] <= '9') {
        if (n <= 0xffffffffull) n = n * 10 + (uint64_t)(v.p[i] - '0');
        i++;
    }
    if (i == 0) {
        flag(m, "CSeq: not a number", line);
        return;
    }
    m->has_cseq = true;
    m->cseq = n > 0x7fffffffu ? 0x7fffffffu : (uint32_t)n;
    if (n > 0x7fffffffu) flag(m, "CSeq: number out of range", v.p); /* RFC 3261 8.1.1.5 */
    uint32_t w = i;
    while (i < v.len && (is_wsp(v.p[i]) || v.p[i] == '\r' || v.p[i] == '\n'))
        i++;
    uint32_t t0 = i;
    i = sf_span(v.p, i, v.len, SF_CC_TOKEN);
    m->cseq_method = sf_mk_slice(v.p + t0, i - t0);
    m->cseq_method_id = sf_sip_method_from(m->cseq_method);
    if (t0 == i)
        flag(m, "CSeq: missing method", v.p + i);
    else if (w == t0)
        flag(m, "CSeq: no space between number and method", v.p + w);
    else if (i != v.len)
        flag(m, "CSeq: unexpected characters after method", v.p + i);
}

static void content_length(sf_sip_msg_t *m, sf_slice_t v, const char *line)
{
    uint64_t n = 0;
    uint32_t k = 0;
    if (v.len <= 9) /* the usual few digits: no overflow possible */
        for (; k < v.len && (unsigned char)(v.p[k] - '0') <= 9; k++)
            n = n * 10 + (uint64_t)(v.p[k] - '0');
    /* bounded well above any message size so the value fits int64 */
    if ((k == 0 || k != v.len) && !sf_sip_parse_uint(v, 0xffffffffull, &n)) {
        bool digits = v.len > 0;
        for (uint32_t j = 0; j < v.len; j++)
            if (v.p[j] < '0' || v.p[j] > '9') digits = false;
        flag(m, digits ? "Content-Length: too large" : "Content-Length: not a number", line);
        return;
    }
    if (m->content_length >= 0) {
        if ((uint64_t)m->content_length != n)
            flag(m, "two Content-Length headers with different values", line);
        return;
    }
    m->content_length = (int64_t)n;
}

static void via(sf_sip_msg_t *m, sf_slice_t v, const char *line)
{
    /* the top Via, parsed first: when that parse shows there is no comma,
     * it is what the one-value path below does, without its scan */
    if (!m->via.present && v.len) {
        bool no_comma;
        const char *err = sf_sip_via_parse_top(v, &m->via, &no_comma);
        if (no_comma) {
            m->n_via++;
            if (err) flag(m, err, v.p);
            m->via.present = true;
            return;
        }
        memset(&m->via, 0, sizeof m->via); /* as before the parse */
    }
    /* fast path: one value per line (no comma at all) */
    if (v.len && !sf_find_byte(m->buf, v.p, v.p + v.len, ',')) {
        m->n_via++;
        if (!m->via.present) {
            const char *err = sf_sip_via_parse(v, &m->via, NULL);
            if (err) flag(m, err, v.p);
            m->via.present = true;
        }
        return;
    }
    sf_slice_t rest = v, item;
    uint32_t guard = v.len + 1;
    bool any = false;
    while (guard-- && sf_sip_list_next(&rest, &item)) {
        any = true;
        m->n_via++;
        if (!m->via.present) {
            const char *err = sf_sip_via_parse(item, &m->via, NULL);
            if (err) flag(m, err, item.p);
            m->via.present = true;
        }
    }
    if (!any) flag(m, "Via: empty value", line);
}

static void eager(sf_sip_msg_t *m, sf_sip_hdr_t id, sf_slice_t v, const char *line)
{
    switch (id) {
    case SF_HDR_VIA:
        via(m, v, line);
        break;
    case SF_HDR_FROM:
        from_to(m, v, true, line);
        break;
    case SF_HDR_TO:
        from_to(m, v, false, line);
        break;
    case SF_HDR_CALL_ID:
        if (v.len == 0) {
            flag(m, "Call-ID: empty value", line);
        } else if (m->call_id.p) {
            if (m->call_id.len != v.len || memcmp(m->call_id.p, v.p, v.len) != 0)
                flag(m, "two Call-ID headers with different values", line);
        } else {
            m->call_id = v;
        }
        break;
    case SF_HDR_CSEQ:
        cseq(m, v, line);
        break;
    case SF_HDR_CONTENT_LENGTH:
        content_length(m, v, line);
        break;
    default:
        break;
    }
}

bool sf_sip_parse(sf_sip_parser_t *p, const char *buf, uint32_t len, sf_sip_msg_t *m)
{
    memset(m, 0, sizeof *m);
    m->buf = buf;
    m->len = len;
    m->content_length = -1;
    m->headers = p->hdrs;
    if (!buf || len == 0) return false;

    sf_start_line_t sl;
    int32_t r = sf_start_line_scan(buf, len, &sl);
    uint32_t pos;
    if (r > 0) {
        m->is_request = sl.is_request;
        m->version = sl.version;
        m->start_line = sf_mk_slice(buf, sl.text_len);
        if (sl.is_request) {
            m->method = sl.method;
            m->method_id = sf_sip_method_from(sl.method);
            m->request_uri = sl.uri;
            /* RFC 3261 19.1.1 (table 1): no <> and no headers in a
             * Request-URI (RFC 4475 3.1.2.7, 3.1.2.11) */
            if (sl.uri.p[0] == '<') {
                flag(m, "Request-URI enclosed in <>", sl.uri.p);
            } else if ((sl.uri.len > 4 && sf_ieq_lit(sl.uri.p, "sip:", 4)) ||
                       (sl.uri.len > 5 && sf_ieq_lit(sl.uri.p, "sips:", 5))) {
                /* '?' may appear in the user part: look after the last '@' */
                const char *ue = sl.uri.p + sl.uri.len;
                const char *at = sf_rfind_byte(sl.uri.p, ue, '@');
                const char *from = at ? at + 1 : sl.uri.p;
                if (sf_find_byte(buf, from, ue, '?'))
                    flag(m, "Request-URI: headers not allowed", sl.uri.p);
            }
        } else {
            m->status = (uint16_t)((sl.code.p[0] - '0') * 100 + (sl.code.p[1] - '0') * 10 +
                                   (sl.code.p[2] - '0'));
            m->reason = sl.reason;
            if (m->status < 100 || m->status > 699)
                flag(m, "status code out of range", sl.code.p); /* RFC 3261 7.2 */
        }
        pos = (uint32_t)r;
    } else {
        if (!start_line_lenient(buf, len, m)) return false;
        pos = m->start_line.len;
        if (pos < len && buf[pos] == '\r') pos++;
        if (pos < len && buf[pos] == '\n') pos++;
    }

    uint32_t n = 0;
    /* in locals: the stores into the array could alias p's fields */
    sf_sip_header_t *hdrs = p->hdrs;
    uint32_t cap = p->cap;
    bool indexing = true, ended = false;
    const char *end = buf + len;
    while (pos < len) {
        const char *line = buf + pos;
        /* end of headers: empty line (CRLF or bare LF) */
        if (line[0] == '\n') {
            pos += 1;
            ended = true;
            break;
        }
        if (line[0] == '\r' && pos + 1 < len && line[1] == '\n') {
            pos += 2;
            ended = true;
            break;
        }
        /* Fast path: a known name directly followed by ':' is recognised
         * from one 16-byte read. Everything else (unknown names, "Via :",
         * names of 16 bytes or more, lines in the last 15 bytes) takes the
         * byte-wise path, which gives the same answer for a known name. */
        const char *eol, *name_end, *c;
        uint32_t next, k;
        sf_sip_hdr_t id = end - line >= 16 ? sf_sip_hdr_from_block(line, &k) : SF_HDR_COUNT;
        if (id != SF_HDR_COUNT) {
            /* known name directly followed by ':' (no LF in it) */
            name_end = c = line + k;
            eol = logical_eol(buf, c + 1, end);
            next = (uint32_t)(eol - buf) + (eol < end ? 1 : 0);
        } else {
            eol = logical_eol(buf, line, end);
            next = (uint32_t)(eol - buf) + (eol < end ? 1 : 0);
            if (is_wsp(line[0])) {
                flag(m, "continuation line without a header", line);
                pos = next;
                continue;
            }
            uint32_t ll = (uint32_t)(eol - line);
            name_end = line + sf_span(line, 0, ll, SF_CC_TOKEN);
            c = name_end;
            while (c < eol && is_wsp(*c))
                c++; /* "Via  :" (RFC 3261 7.3.1 allows it) */
            if (c >= eol || *c != ':' || name_end == line) {
                bool colon = memchr(line, ':', ll) != NULL;
                flag(m, colon ? "header name is not a token" : "header line without colon", line);
                pos = next;
                continue;
            }
            id = sf_sip_hdr_from_name(line, (uint32_t)(name_end - line));
        }
        const char *v = c + 1, *ve = eol;
        while (v < ve && sf_cc_is((unsigned char)*v, SF_CC_LWS))
            v++;
        while (ve > v && sf_cc_is((unsigned char)ve[-1], SF_CC_LWS))
            ve--;
        sf_slice_t name = sf_mk_slice(line, (uint32_t)(name_end - line));
        sf_slice_t value = sf_mk_slice(v, (uint32_t)(ve - v));
        if (indexing) {
            if (n == cap && grow(p)) {
                hdrs = p->hdrs;
                cap = p->cap;
            }
            if (n == cap) {
                indexing = false;
                flag(m, "too many headers", line);
            } else {
                hdrs[n].name = name;
                hdrs[n].value = value;
                hdrs[n].id = id;
                n++;
                if (id != SF_HDR_OTHER && !m->hdr_first[id]) m->hdr_first[id] = (uint16_t)n;
            }
        }
        if (id != SF_HDR_OTHER) eager(m, id, value, line);
        pos = next;
    }
    m->headers = p->hdrs;
    m->n_headers = n;

    if (!ended) flag(m, "no empty line after the headers", end);
    uint32_t avail = pos <= len ? len - pos : 0;
    if (m->content_length >= 0) {
        uint32_t bl = (uint64_t)m->content_length < avail ? (uint32_t)m->content_length : avail;
        m->body = sf_mk_slice(buf + pos, bl);
        if ((uint64_t)m->content_length > avail && ended)
            flag(m, "Content-Length larger than the body", buf + pos);
    } else {
        m->body = sf_mk_slice(buf + pos, avail);
    }

    /* mandatory header fields (RFC 3261 8.1.1); CSeq method = request
     * method (RFC 3261 8.1.1.5) */
    if (!m->via.present && m->n_via == 0) flag(m, "Via missing", buf);
    if (!m->from.p) flag(m, "From missing", buf);
    if (!m->to.p) flag(m, "To missing", buf);
    if (!m->call_id.p) flag(m, "Call-ID missing", buf);
    if (!m->has_cseq)
        flag(m, "CSeq missing", buf);
    else if (m->is_request && !(m->cseq_method.len == m->method.len &&
                                memcmp(m->cseq_method.p, m->method.p, m->method.len) == 0))
        flag(m, "CSeq: method does not match the request method", m->cseq_method.p);
    return true;
}

const sf_sip_header_t *sf_sip_msg_header(const sf_sip_msg_t *msg, sf_sip_hdr_t id)
{
    if (id != SF_HDR_OTHER && (unsigned)id < SF_HDR_COUNT) {
        uint16_t k = msg->hdr_first[id];
        return k && k <= msg->n_headers ? &msg->headers[k - 1] : NULL;
    }
    for (uint32_t i = 0; i < msg->n_headers; i++)
        if (msg->headers[i].id == id) return &msg->headers[i];
    return NULL;
}

const sf_sip_header_t *sf_sip_msg_header_next(const sf_sip_msg_t *msg, const sf_sip_header_t *h)
{
    if (!h || h < msg->headers || h >= msg->headers + msg->n_headers) return NULL;
    for (const sf_sip_header_t *x = h + 1; x < msg->headers + msg->n_headers; x++)
        if (x->id == h->id) return x;
    return NULL;
}

const sf_sip_header_t *sf_sip_msg_header_by_name(const sf_sip_msg_t *msg, const char *name)
{
    for (uint32_t i = 0; i < msg->n_headers; i++)
        if (sf_slice_ieq(msg->headers[i].name, name)) return &msg->headers[i];
    return NULL;
}
