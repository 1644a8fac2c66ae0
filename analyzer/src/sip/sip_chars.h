/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Character classes of the SIP grammar (RFC 3261 25.1), shared by the
 * parser files in this directory only (not a public header). Table-driven
 * so the hot loops do one load per byte. */
#ifndef SIPFLOW_SIP_CHARS_H
#define SIPFLOW_SIP_CHARS_H

#include <stdbool.h>
#include <stdint.h>

#include "sipflow/types.h"

enum {
    SF_CC_TOKEN = 1, /* RFC 3261 25.1 token: alphanum - . ! % * _ + ` ' ~ */
    SF_CC_DIGIT = 2,
    SF_CC_WSP = 4,     /* SP / HTAB */
    SF_CC_URI = 8,     /* printable non-space (Request-URI bytes), incl. UTF-8 */
    SF_CC_REASON = 16, /* Reason-Phrase bytes: printable, SP, HTAB, UTF-8 */
    SF_CC_HOST = 32,   /* hostname / IPv4 bytes: alphanum . - _ */
    SF_CC_LWS = 64,    /* SP / HTAB / CR / LF: linear white space inside a value */
    SF_CC_PSTOP = 128  /* ends an unquoted parameter value: ; , ? and LWS */
};

extern const uint8_t sf_sip_cc[256];

static inline bool sf_cc_is(unsigned char c, uint8_t cls)
{
    return (sf_sip_cc[c] & cls) != 0;
}

static inline char sf_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

/* Case-insensitive compare of n bytes against a lower-case literal. */
static inline bool sf_ieq_lit(const char *p, const char *lower, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (sf_lower(p[i]) != lower[i]) return false;
    return true;
}

/* Case-insensitive compare of n bytes with a literal of any case. */
static inline bool sf_ieq_fold(const char *p, const char *lit, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (sf_lower(p[i]) != sf_lower(lit[i])) return false;
    return true;
}

static inline sf_slice_t sf_mk_slice(const char *p, uint32_t len)
{
    sf_slice_t s = {p, len};
    return s;
}

/* An empty slice may have p == NULL; arithmetic on it would be undefined,
 * so functions that index into a caller's slice start from this. */
static inline sf_slice_t sf_slice_safe(sf_slice_t s)
{
    if (!s.p) {
        s.p = "";
        s.len = 0;
    }
    return s;
}

/* Longest start line sf_sip_start_line_check() waits for. */
#define SF_SIP_MAX_START_LINE 8192u

#endif
