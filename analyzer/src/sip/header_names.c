/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Header name -> id. Names are case-insensitive (RFC 3261 7.3.1); compact
 * forms per RFC 3261 7.3.3 and the IANA SIP header registry. The lookup
 * switches on length and first byte so a header costs one compare. */
#include <string.h>

#include "sipflow/sip_headers.h"

#include "sip_chars.h"

static const char *const hdr_names[SF_HDR_COUNT] = {
    [SF_HDR_OTHER] = "",
    [SF_HDR_VIA] = "Via",
    [SF_HDR_FROM] = "From",
    [SF_HDR_TO] = "To",
    [SF_HDR_CALL_ID] = "Call-ID",
    [SF_HDR_CSEQ] = "CSeq",
    [SF_HDR_CONTENT_LENGTH] = "Content-Length",
    [SF_HDR_CONTENT_TYPE] = "Content-Type",
    [SF_HDR_CONTACT] = "Contact",
    [SF_HDR_CONTENT_ENCODING] = "Content-Encoding",
    [SF_HDR_SUBJECT] = "Subject",
    [SF_HDR_SUPPORTED] = "Supported",
    [SF_HDR_EVENT] = "Event",
    [SF_HDR_ALLOW_EVENTS] = "Allow-Events",
    [SF_HDR_REFER_TO] = "Refer-To",
    [SF_HDR_REFERRED_BY] = "Referred-By",
    [SF_HDR_SESSION_EXPIRES] = "Session-Expires",
    [SF_HDR_IDENTITY] = "Identity",
    [SF_HDR_ROUTE] = "Route",
    [SF_HDR_RECORD_ROUTE] = "Record-Route",
    [SF_HDR_MAX_FORWARDS] = "Max-Forwards",
    [SF_HDR_EXPIRES] = "Expires",
    [SF_HDR_REASON] = "Reason",
    [SF_HDR_WARNING] = "Warning",
    [SF_HDR_USER_AGENT] = "User-Agent",
    [SF_HDR_SERVER] = "Server",
    [SF_HDR_P_ASSERTED_IDENTITY] = "P-Asserted-Identity",
    [SF_HDR_DIVERSION] = "Diversion",
    [SF_HDR_HISTORY_INFO] = "History-Info",
    [SF_HDR_AUTHORIZATION] = "Authorization",
    [SF_HDR_PROXY_AUTHORIZATION] = "Proxy-Authorization",
    [SF_HDR_WWW_AUTHENTICATE] = "WWW-Authenticate",
    [SF_HDR_PROXY_AUTHENTICATE] = "Proxy-Authenticate",
    [SF_HDR_RSEQ] = "RSeq",
    [SF_HDR_RACK] = "RAck",
    [SF_HDR_REQUIRE] = "Require",
    [SF_HDR_MIN_SE] = "Min-SE",
};

const char *sf_sip_hdr_name(sf_sip_hdr_t id)
{
    if ((unsigned)id >= SF_HDR_COUNT) return "";
    return hdr_names[id];
}

/* Lower-case spellings zero-padded to 16 bytes, for sf_sip_hdr_from_block()
 * and the comparison below; names of 16 bytes or more are in hdr_lower_long
 * and left to the byte-wise compare. */
const char sf_sip_hdr_lower16[SF_HDR_COUNT][16] = {
    [SF_HDR_OTHER] = "",
    [SF_HDR_VIA] = "via",
    [SF_HDR_FROM] = "from",
    [SF_HDR_TO] = "to",
    [SF_HDR_CALL_ID] = "call-id",
    [SF_HDR_CSEQ] = "cseq",
    [SF_HDR_CONTENT_LENGTH] = "content-length",
    [SF_HDR_CONTENT_TYPE] = "content-type",
    [SF_HDR_CONTACT] = "contact",
    [SF_HDR_SUBJECT] = "subject",
    [SF_HDR_SUPPORTED] = "supported",
    [SF_HDR_EVENT] = "event",
    [SF_HDR_ALLOW_EVENTS] = "allow-events",
    [SF_HDR_REFER_TO] = "refer-to",
    [SF_HDR_REFERRED_BY] = "referred-by",
    [SF_HDR_SESSION_EXPIRES] = "session-expires",
    [SF_HDR_IDENTITY] = "identity",
    [SF_HDR_ROUTE] = "route",
    [SF_HDR_RECORD_ROUTE] = "record-route",
    [SF_HDR_MAX_FORWARDS] = "max-forwards",
    [SF_HDR_EXPIRES] = "expires",
    [SF_HDR_REASON] = "reason",
    [SF_HDR_WARNING] = "warning",
    [SF_HDR_USER_AGENT] = "user-agent",
    [SF_HDR_SERVER] = "server",
    [SF_HDR_DIVERSION] = "diversion",
    [SF_HDR_HISTORY_INFO] = "history-info",
    [SF_HDR_AUTHORIZATION] = "authorization",
    [SF_HDR_RSEQ] = "rseq",
    [SF_HDR_RACK] = "rack",
    [SF_HDR_REQUIRE] = "require",
    [SF_HDR_MIN_SE] = "min-se",
};

/* Lower-case spellings of the names too long for sf_sip_hdr_lower16. */
static const char *const hdr_lower_long[SF_HDR_COUNT] = {
    [SF_HDR_CONTENT_ENCODING] = "content-encoding",
    [SF_HDR_P_ASSERTED_IDENTITY] = "p-asserted-identity",
    [SF_HDR_PROXY_AUTHORIZATION] = "proxy-authorization",
    [SF_HDR_WWW_AUTHENTICATE] = "www-authenticate",
    [SF_HDR_PROXY_AUTHENTICATE] = "proxy-authenticate",
};

/* Candidate id of a name of length 2..15 by its length and first byte
 * (bits 0-4, so both cases land in one slot), for sf_sip_hdr_from_block():
 * the whole name is compared afterwards. Two slots hold two names each
 * and are settled by the second byte. */
#define SF_HC(c) ((c)&0x1f)
const uint8_t sf_sip_hdr_cand16[16][32] = {
    [2][SF_HC('t')] = SF_HDR_TO,
    [3][SF_HC('v')] = SF_HDR_VIA,
    [4][SF_HC('c')] = SF_HDR_CSEQ,
    [4][SF_HC('f')] = SF_HDR_FROM,
    [4][SF_HC('r')] = SF_HDR_AMBIGUOUS, /* rseq, rack */
    [5][SF_HC('e')] = SF_HDR_EVENT,
    [5][SF_HC('r')] = SF_HDR_ROUTE,
    [6][SF_HC('m')] = SF_HDR_MIN_SE,
    [6][SF_HC('r')] = SF_HDR_REASON,
    [6][SF_HC('s')] = SF_HDR_SERVER,
    [7][SF_HC('c')] = SF_HDR_AMBIGUOUS, /* call-id, contact */
    [7][SF_HC('e')] = SF_HDR_EXPIRES,
    [7][SF_HC('r')] = SF_HDR_REQUIRE,
    [7][SF_HC('s')] = SF_HDR_SUBJECT,
    [7][SF_HC('w')] = SF_HDR_WARNING,
    [8][SF_HC('i')] = SF_HDR_IDENTITY,
    [8][SF_HC('r')] = SF_HDR_REFER_TO,
    [9][SF_HC('d')] = SF_HDR_DIVERSION,
    [9][SF_HC('s')] = SF_HDR_SUPPORTED,
    [10][SF_HC('u')] = SF_HDR_USER_AGENT,
    [11][SF_HC('r')] = SF_HDR_REFERRED_BY,
    [12][SF_HC('a')] = SF_HDR_ALLOW_EVENTS,
    [12][SF_HC('c')] = SF_HDR_CONTENT_TYPE,
    [12][SF_HC('h')] = SF_HDR_HISTORY_INFO,
    [12][SF_HC('m')] = SF_HDR_MAX_FORWARDS,
    [12][SF_HC('r')] = SF_HDR_RECORD_ROUTE,
    [13][SF_HC('a')] = SF_HDR_AUTHORIZATION,
    [14][SF_HC('c')] = SF_HDR_CONTENT_LENGTH,
    [15][SF_HC('s')] = SF_HDR_SESSION_EXPIRES,
};
#undef SF_HC

/* Compares the name with the canonical spelling of id, ignoring case.
 * OR-ing 0x20 lower-cases letters and leaves '-' and digits alone; no
 * other byte can turn into one of the letters, '-' or a digit that way
 * except control bytes, which the caller never passes (names are tokens). */
static sf_sip_hdr_t is(const char *name, uint32_t len, sf_sip_hdr_t id)
{
    const char *c = sf_sip_hdr_lower16[id][0] ? sf_sip_hdr_lower16[id] : hdr_lower_long[id];
    if (!c) return SF_HDR_OTHER;
    if (len >= 8) {
        /* eight bytes per step; the last step overlaps the previous one */
        const uint64_t fold = 0x2020202020202020ull;
        uint64_t a, b;
        for (uint32_t i = 0; i + 8 <= len; i += 8) {
            memcpy(&a, name + i, 8);
            memcpy(&b, c + i, 8);
            if ((a | fold) != b) return SF_HDR_OTHER;
        }
        memcpy(&a, name + len - 8, 8);
        memcpy(&b, c + len - 8, 8);
        return (a | fold) == b ? id : SF_HDR_OTHER;
    }
    for (uint32_t i = 0; i < len; i++)
        if ((char)(name[i] | 0x20) != c[i]) return SF_HDR_OTHER;
    return id;
}

sf_sip_hdr_t sf_sip_hdr_compact(char c)
{
    switch (c) {
    case 'v':
        return SF_HDR_VIA;
    case 'f':
        return SF_HDR_FROM;
    case 't':
        return SF_HDR_TO;
    case 'i':
        return SF_HDR_CALL_ID;
    case 'l':
        return SF_HDR_CONTENT_LENGTH;
    case 'c':
        return SF_HDR_CONTENT_TYPE;
    case 'm':
        return SF_HDR_CONTACT;
    case 'e':
        return SF_HDR_CONTENT_ENCODING;
    case 's':
        return SF_HDR_SUBJECT;
    case 'k':
        return SF_HDR_SUPPORTED;
    case 'o':
        return SF_HDR_EVENT;
    case 'u':
        return SF_HDR_ALLOW_EVENTS;
    case 'r':
        return SF_HDR_REFER_TO;
    case 'b':
        return SF_HDR_REFERRED_BY;
    case 'x':
        return SF_HDR_SESSION_EXPIRES;
    case 'y':
        return SF_HDR_IDENTITY;
    default:
        return SF_HDR_OTHER;
    }
}

/* The only id the name can have, judged by its length and one or two
 * bytes; the caller still compares the whole name (len >= 1). */
static inline sf_sip_hdr_t candidate(const char *n, uint32_t len)
{
    char c = sf_lower(n[0]);
    switch (len) {
    case 1:
        return sf_sip_hdr_compact(c);
    case 2:
        return c == 't' ? SF_HDR_TO : SF_HDR_OTHER;
    case 3:
        return c == 'v' ? SF_HDR_VIA : SF_HDR_OTHER;
    case 4:
        if (c == 'f') return SF_HDR_FROM;
        if (c == 'c') return SF_HDR_CSEQ;
        if (c == 'r') {
            if (sf_lower(n[1]) == 's') return SF_HDR_RSEQ;
            return SF_HDR_RACK;
        }
        return SF_HDR_OTHER;
    case 5:
        if (c == 'r') return SF_HDR_ROUTE;
        if (c == 'e') return SF_HDR_EVENT;
        return SF_HDR_OTHER;
    case 6:
        if (c == 'r') return SF_HDR_REASON;
        if (c == 's') return SF_HDR_SERVER;
        if (c == 'm') return SF_HDR_MIN_SE;
        return SF_HDR_OTHER;
    case 7:
        switch (c) {
        case 'c':
            if (sf_lower(n[1]) == 'a') return SF_HDR_CALL_ID;
            return SF_HDR_CONTACT;
        case 's':
            return SF_HDR_SUBJECT;
        case 'e':
            return SF_HDR_EXPIRES;
        case 'w':
            return SF_HDR_WARNING;
        case 'r':
            return SF_HDR_REQUIRE;
        default:
            return SF_HDR_OTHER;
        }
    case 8:
        if (c == 'r') return SF_HDR_REFER_TO;
        if (c == 'i') return SF_HDR_IDENTITY;
        return SF_HDR_OTHER;
    case 9:
        if (c == 's') return SF_HDR_SUPPORTED;
        if (c == 'd') return SF_HDR_DIVERSION;
        return SF_HDR_OTHER;
    case 10:
        return c == 'u' ? SF_HDR_USER_AGENT : SF_HDR_OTHER;
    case 11:
        return c == 'r' ? SF_HDR_REFERRED_BY : SF_HDR_OTHER;
    case 12:
        switch (c) {
        case 'c':
            return SF_HDR_CONTENT_TYPE;
        case 'a':
            return SF_HDR_ALLOW_EVENTS;
        case 'r':
            return SF_HDR_RECORD_ROUTE;
        case 'm':
            return SF_HDR_MAX_FORWARDS;
        case 'h':
            return SF_HDR_HISTORY_INFO;
        default:
            return SF_HDR_OTHER;
        }
    case 13:
        return c == 'a' ? SF_HDR_AUTHORIZATION : SF_HDR_OTHER;
    case 14:
        return c == 'c' ? SF_HDR_CONTENT_LENGTH : SF_HDR_OTHER;
    case 15:
        return c == 's' ? SF_HDR_SESSION_EXPIRES : SF_HDR_OTHER;
    case 16:
        if (c == 'c') return SF_HDR_CONTENT_ENCODING;
        if (c == 'w') return SF_HDR_WWW_AUTHENTICATE;
        return SF_HDR_OTHER;
    case 18:
        return c == 'p' ? SF_HDR_PROXY_AUTHENTICATE : SF_HDR_OTHER;
    case 19:
        if (c != 'p') return SF_HDR_OTHER;
        if (sf_lower(n[2]) == 'a') return SF_HDR_P_ASSERTED_IDENTITY;
        return SF_HDR_PROXY_AUTHORIZATION;
    default:
        return SF_HDR_OTHER;
    }
}

sf_sip_hdr_t sf_sip_hdr_from_name(const char *n, uint32_t len)
{
    if (!n || len == 0) return SF_HDR_OTHER;
    sf_sip_hdr_t id = candidate(n, len);
    /* a compact form is decided by its one byte */
    if (id == SF_HDR_OTHER || len == 1) return id;
    return is(n, len, id);
}
