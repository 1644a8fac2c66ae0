/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Datagram framing (RFC 3261 18.3) and the header-block scanners shared
 * with the stream framer. A light byte scan, not the parser: it only
 * answers "where does this message end". */
#include <string.h>

#include "sipflow/sip_framing.h"
#include "sipflow/sip_msg.h"

#include "framing_scan.h"

void sf_sip_hdr_scan_init(sf_hdr_scan_t *hs, bool after_lf)
{
    hs->st = after_lf ? SF_HE_LF : SF_HE_TEXT;
    hs->ncand = 0;
    hs->overflow = false;
}

int64_t sf_sip_hdr_scan(sf_hdr_scan_t *hs, const char *p, uint32_t n, uint32_t off)
{
    uint32_t i = 0;
    sf_hdr_end_state_t s = hs->st;
    while (i < n) {
        switch (s) {
        case SF_HE_TEXT: {
            /* Most bytes are header text: jump to the next line ending. */
            const char *q = memchr(p + i, '\n', n - i);
            if (!q) {
                i = n;
                break;
            }
            i = (uint32_t)(q - p) + 1;
            s = SF_HE_LF;
            break;
        }
        case SF_HE_LF: {
            char c = p[i];
            if (c == '\n') {
                hs->st = SF_HE_TEXT;
                return (int64_t)i + 1;
            }
            if (c == '\r') {
                s = SF_HE_LF_CR;
            } else {
                char lc = (char)(c | 0x20);
                if (lc == 'c' || lc == 'l') { /* Content-Length or "l" */
                    if (hs->ncand < SF_HDR_SCAN_CAND)
                        hs->cand[hs->ncand++] = off + i;
                    else
                        hs->overflow = true;
                }
                s = SF_HE_TEXT;
            }
            i++;
            break;
        }
        case SF_HE_LF_CR:
            if (p[i] == '\n') {
                hs->st = SF_HE_TEXT;
                return (int64_t)i + 1;
            }
            s = SF_HE_TEXT;
            i++;
            break;
        }
    }
    hs->st = s;
    return -1;
}

static bool is_wsp(char c)
{
    return c == ' ' || c == '\t';
}

static bool name_is_content_length(const char *n, uint32_t len)
{
    static const char cl[] = "content-length";
    if (len == 1) return (n[0] | 0x20) == 'l';
    if (len != sizeof cl - 1) return false;
    for (uint32_t i = 0; i < len; i++) {
        char c = n[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
        if (c != cl[i]) return false;
    }
    return true;
}

/* Value of one Content-Length field: LWS (folding included) around 1*DIGIT
 * (RFC 3261 20.14, 25.1). */
static sf_cl_result_t parse_cl_value(const char *v, uint32_t n, uint32_t *value)
{
    uint32_t i = 0;
    while (i < n && (is_wsp(v[i]) || v[i] == '\r' || v[i] == '\n'))
        i++;
    uint64_t x = 0;
    uint32_t digits = 0;
    bool big = false;
    while (i < n && v[i] >= '0' && v[i] <= '9') {
        if (!big) {
            x = x * 10 + (uint64_t)(v[i] - '0');
            if (x > SF_SIP_CL_MAX) big = true;
        }
        digits++;
        i++;
    }
    while (i < n && (is_wsp(v[i]) || v[i] == '\r' || v[i] == '\n'))
        i++;
    if (digits == 0 || i != n) return SF_CL_INVALID;
    if (big) return SF_CL_TOO_LARGE;
    *value = (uint32_t)x;
    return SF_CL_OK;
}

typedef struct cl_acc {
    sf_cl_result_t first;
    uint32_t first_value;
    const char **defect;
} cl_acc_t;

/* Examines the header line at h[ls] (non-empty; h[0..n) holds the header
 * block) and, when it is a Content-Length, takes its value. The name is
 * checked before the line end is looked for: most candidate lines (Call-ID,
 * CSeq, Contact, Content-Type) are rejected after a few bytes. */
static void cl_line(const char *h, uint32_t n, uint32_t ls, cl_acc_t *a)
{
    char c = (char)(h[ls] | 0x20);
    if (c != 'c' && c != 'l') return;
    uint32_t j = ls;
    uint32_t lim = n - ls > 16 ? ls + 16 : n; /* "content-length" is 14 */
    while (j < lim && h[j] != ':' && !is_wsp(h[j]) && h[j] != '\r' && h[j] != '\n')
        j++;
    if (!name_is_content_length(h + ls, j - ls)) return;
    const char *q = memchr(h + j, '\n', n - j);
    uint32_t le = q ? (uint32_t)(q - h) : n;
    uint32_t next = q ? le + 1 : n;
    uint32_t lc = le;
    if (lc > j && h[lc - 1] == '\r') lc--;
    while (j < lc && is_wsp(h[j]))
        j++; /* RFC 3261 7.3.1: WS before ':' */
    if (j >= lc || h[j] != ':') return;
    /* The value runs on over folded continuation lines. */
    uint32_t vend = lc;
    while (next < n && is_wsp(h[next])) {
        const char *q2 = memchr(h + next, '\n', n - next);
        uint32_t le2 = q2 ? (uint32_t)(q2 - h) : n;
        vend = le2;
        next = q2 ? le2 + 1 : n;
    }
    uint32_t v = 0;
    sf_cl_result_t r = parse_cl_value(h + j + 1, vend - (j + 1), &v);
    if (a->first == SF_CL_ABSENT) {
        a->first = r;
        a->first_value = v;
        if (r == SF_CL_INVALID) *a->defect = "invalid Content-Length value";
        if (r == SF_CL_TOO_LARGE) *a->defect = "Content-Length too large";
    } else if (a->first == SF_CL_OK && (r != SF_CL_OK || v != a->first_value)) {
        *a->defect = "conflicting Content-Length values";
    }
}

sf_cl_result_t sf_sip_scan_content_length(const char *h, uint32_t n, uint32_t *value,
                                          const char **defect)
{
    cl_acc_t a = {SF_CL_ABSENT, 0, defect};
    uint32_t i = 0;
    while (i < n) {
        if (h[i] == '\n' || (h[i] == '\r' && i + 1 < n && h[i + 1] == '\n'))
            break; /* the empty line: end of the header block */
        cl_line(h, n, i, &a);
        const char *q = memchr(h + i, '\n', n - i);
        i = q ? (uint32_t)(q - h) + 1 : n;
    }
    if (a.first == SF_CL_OK) *value = a.first_value;
    return a.first;
}

sf_cl_result_t sf_sip_content_length(const char *msg, uint32_t sl_len, uint32_t hdr_end,
                                     const sf_hdr_scan_t *hs, uint32_t *value, const char **defect)
{
    if (hs->overflow)
        return sf_sip_scan_content_length(msg + sl_len, hdr_end - sl_len, value, defect);
    cl_acc_t a = {SF_CL_ABSENT, 0, defect};
    for (uint32_t k = 0; k < hs->ncand; k++)
        if (hs->cand[k] < hdr_end) cl_line(msg, hdr_end, hs->cand[k], &a);
    if (a.first == SF_CL_OK) *value = a.first_value;
    return a.first;
}

bool sf_sip_frame_datagram(const char *data, uint32_t len, uint32_t *start, uint32_t *msg_len,
                           uint32_t *trailing, const char **defect)
{
    if (!data) return false;
    uint32_t i = 0;
    /* RFC 5626 4.4.1 keep-alives, and stray line ends before a message. */
    while (i < len && (data[i] == '\r' || data[i] == '\n'))
        i++;
    if (i == len) return false;
    int32_t sl = sf_sip_start_line_check(data + i, len - i);
    if (sl <= 0) return false; /* -1: a datagram cannot continue later */
    uint32_t rest = len - i;
    uint32_t slen = (uint32_t)sl;
    if (slen > rest) return false; /* defensive: never past len */

    *start = i;
    *trailing = 0;
    *defect = NULL;
    *msg_len = rest;

    const char *m = data + i;
    sf_hdr_scan_t hs;
    sf_sip_hdr_scan_init(&hs, m[slen - 1] == '\n');
    int64_t hend = sf_sip_hdr_scan(&hs, m + slen, rest - slen, slen);
    if (hend < 0) {
        *defect = "no empty line after the header fields";
        return true;
    }
    uint32_t value = 0;
    sf_cl_result_t r = sf_sip_content_length(m, slen, slen + (uint32_t)hend, &hs, &value, defect);
    if (r != SF_CL_OK) return true; /* RFC 3261 18.3: body runs to the end */
    uint64_t want = (uint64_t)slen + (uint64_t)hend + value;
    if (want > rest) {
        *defect = "body shorter than Content-Length";
        return true;
    }
    *msg_len = (uint32_t)want;
    *trailing = rest - (uint32_t)want;
    return true;
}
