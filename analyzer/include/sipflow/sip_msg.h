/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A parsed SIP message (RFC 3261 section 7): zero-copy slices into the one
 * buffer that holds the whole message. One pass indexes the header lines and
 * eagerly parses what every later layer needs (start line, top Via, From/To
 * tags, Call-ID, CSeq, Content-Length); everything else is parsed on demand
 * by the accessors in sip_headers.h / sdp.h.
 *
 * Lifetime: every slice points into the buffer given to sf_sip_parse(); the
 * header index lives in the parser. Both are valid until the next
 * sf_sip_parse() on the same parser or until the buffer's owner reuses it,
 * whichever comes first. Anything that must outlive that is copied by the
 * layer that keeps it, once per transaction. */
#ifndef SIPFLOW_SIP_MSG_H
#define SIPFLOW_SIP_MSG_H

#include "sipflow/types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sf_sip_method {
    SF_METHOD_UNKNOWN = 0, /* extension method: see msg->method text */
    SF_METHOD_INVITE,
    SF_METHOD_ACK,
    SF_METHOD_BYE,
    SF_METHOD_CANCEL,
    SF_METHOD_OPTIONS,
    SF_METHOD_REGISTER,
    SF_METHOD_PRACK,
    SF_METHOD_SUBSCRIBE,
    SF_METHOD_NOTIFY,
    SF_METHOD_PUBLISH,
    SF_METHOD_INFO,
    SF_METHOD_REFER,
    SF_METHOD_MESSAGE,
    SF_METHOD_UPDATE,
    SF_METHOD_COUNT
} sf_sip_method_t;

/* Method token -> id (case-sensitive, RFC 3261 7.1); SF_METHOD_UNKNOWN when
 * it is an extension method. */
sf_sip_method_t sf_sip_method_from(sf_slice_t token);
const char *sf_sip_method_name(sf_sip_method_t m); /* "INVITE"; "" for UNKNOWN */

/* Header ids for the headers sipflow knows; compact forms map to the same id
 * (RFC 3261 7.3.3 and the IANA registry: i m e l c f s k t v o u r b x y). */
typedef enum sf_sip_hdr {
    SF_HDR_OTHER = 0,
    SF_HDR_VIA,               /* v */
    SF_HDR_FROM,              /* f */
    SF_HDR_TO,                /* t */
    SF_HDR_CALL_ID,           /* i */
    SF_HDR_CSEQ,
    SF_HDR_CONTENT_LENGTH,    /* l */
    SF_HDR_CONTENT_TYPE,      /* c */
    SF_HDR_CONTACT,           /* m */
    SF_HDR_CONTENT_ENCODING,  /* e */
    SF_HDR_SUBJECT,           /* s */
    SF_HDR_SUPPORTED,         /* k */
    SF_HDR_EVENT,             /* o */
    SF_HDR_ALLOW_EVENTS,      /* u */
    SF_HDR_REFER_TO,          /* r */
    SF_HDR_REFERRED_BY,       /* b */
    SF_HDR_SESSION_EXPIRES,   /* x */
    SF_HDR_IDENTITY,          /* y */
    SF_HDR_ROUTE,
    SF_HDR_RECORD_ROUTE,
    SF_HDR_MAX_FORWARDS,
    SF_HDR_EXPIRES,
    SF_HDR_REASON,
    SF_HDR_WARNING,
    SF_HDR_USER_AGENT,
    SF_HDR_SERVER,
    SF_HDR_P_ASSERTED_IDENTITY,
    SF_HDR_DIVERSION,
    SF_HDR_HISTORY_INFO,
    SF_HDR_AUTHORIZATION,
    SF_HDR_PROXY_AUTHORIZATION,
    SF_HDR_WWW_AUTHENTICATE,
    SF_HDR_PROXY_AUTHENTICATE,
    SF_HDR_RSEQ,
    SF_HDR_RACK,
    SF_HDR_REQUIRE,
    SF_HDR_MIN_SE,
    SF_HDR_COUNT
} sf_sip_hdr_t;

/* One header line as indexed by the parser: name and value slices (value
 * without leading/trailing whitespace; folded continuation lines are part
 * of the value and still contain their CRLF+WSP). */
typedef struct sf_sip_header {
    sf_slice_t name;
    sf_slice_t value;
    sf_sip_hdr_t id;
} sf_sip_header_t;

/* The eagerly parsed top Via (RFC 3261 20.42, 18.2.1). */
typedef struct sf_sip_via {
    sf_slice_t transport; /* "UDP", "TCP", ... */
    sf_slice_t host;      /* sent-by host (IPv6 without brackets) */
    uint16_t port;        /* 0 when absent */
    sf_slice_t branch;    /* branch parameter value, empty when absent */
    bool rfc3261_branch;  /* branch starts with the magic cookie z9hG4bK */
    sf_slice_t received;
    sf_slice_t rport;
    bool present;
} sf_sip_via_t;

typedef struct sf_sip_msg {
    const char *buf; /* the whole message */
    uint32_t len;

    bool is_request;
    /* request line */
    sf_slice_t method;        /* token as on the wire */
    sf_sip_method_t method_id;
    sf_slice_t request_uri;
    /* status line */
    uint16_t status;          /* 100..699 when well-formed; raw 3 digits otherwise */
    sf_slice_t reason;
    sf_slice_t version;       /* "SIP/2.0" (case as on the wire) */
    sf_slice_t start_line;    /* without CRLF */

    sf_sip_via_t via;         /* top Via */
    uint32_t n_via;           /* Via header field values counted over all lines */
    sf_slice_t from;          /* full header values */
    sf_slice_t to;
    sf_slice_t from_tag;      /* empty when absent */
    sf_slice_t to_tag;
    sf_slice_t call_id;
    uint32_t cseq;
    sf_slice_t cseq_method;
    sf_sip_method_t cseq_method_id;
    bool has_cseq;
    int64_t content_length;   /* -1 when absent */
    sf_slice_t body;          /* the body bytes present in buf */

    /* header index (all header lines, in order) */
    const sf_sip_header_t *headers;
    uint32_t n_headers;
    /* index + 1 of the first line of each known header (0: none), so a
     * lookup by id (sf_sip_msg_header) does not walk every line */
    uint16_t hdr_first[SF_HDR_COUNT];

    /* Malformation: NULL when the message is well-formed. Otherwise a
     * static string naming the problem (which header, what is wrong) and
     * the byte offset in buf where it was found. A malformed message is
     * still delivered with every field the parser could fill. */
    const char *malformed;
    uint32_t malformed_offset;
} sf_sip_msg_t;

/* The parser owns the scratch space for the header index (grown on demand
 * up to a cap, reused across messages: no per-message allocation). */
typedef struct sf_sip_parser sf_sip_parser_t;

sf_sip_parser_t *sf_sip_parser_create(void);
void sf_sip_parser_destroy(sf_sip_parser_t *p);

/* Parses one complete message (start line, headers, body). Returns true when
 * the bytes are a SIP message at all (start line recognised), with
 * msg->malformed set for defects; false when it is not SIP (then *msg is
 * undefined). Never reads outside buf[0..len). */
bool sf_sip_parse(sf_sip_parser_t *p, const char *buf, uint32_t len, sf_sip_msg_t *msg);

/* Content detection (RFC 3261 7.1): does buf begin with a SIP request line
 * "METHOD SP Request-URI SP SIP/2.0" or status line "SIP/2.0 SP 3DIGIT SP"?
 * The version is compared case-insensitively. Only the first line is
 * examined (up to len bytes). Returns the length of the start line
 * including its line ending when it is one, 0 when it is not, and -1 when
 * more bytes are needed to decide (stream framing). */
int32_t sf_sip_start_line_check(const char *buf, uint32_t len);

/* First header with this id (compact forms included), or NULL. */
const sf_sip_header_t *sf_sip_msg_header(const sf_sip_msg_t *msg, sf_sip_hdr_t id);
/* Next header with the same id after h, or NULL. */
const sf_sip_header_t *sf_sip_msg_header_next(const sf_sip_msg_t *msg, const sf_sip_header_t *h);
/* First header whose name matches case-insensitively (any header). */
const sf_sip_header_t *sf_sip_msg_header_by_name(const sf_sip_msg_t *msg, const char *name);

#ifdef __cplusplus
}
#endif

#endif
