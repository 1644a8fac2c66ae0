/* SPDX-License-Identifier: GPL-2.0-or-later */
/* On-demand, zero-copy accessors for SIP header field values (RFC 3261 20,
 * 25.1 and the extensions named below). Every function takes slices into
 * the message buffer and returns slices into the same bytes: nothing is
 * allocated or copied, so results live as long as the message buffer (see
 * sip_msg.h). Quoted values are returned without their quotes but with any
 * quoted-pair escapes ("\"") still in place; sf_sip_unquote() copies and
 * unescapes when a caller needs the text.
 *
 * Functions returning const char * return NULL on success and otherwise a
 * static string naming the defect ("unterminated quoted string", ...). */
#ifndef SIPFLOW_SIP_HEADERS_H
#define SIPFLOW_SIP_HEADERS_H

#include "sipflow/sip_msg.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- header names ---------------------------------------------------- */

/* Header name (long or compact form, case-insensitive) -> id. */
sf_sip_hdr_t sf_sip_hdr_from_name(const char *name, uint32_t len);
/* Canonical long name ("Call-ID"); "" for SF_HDR_OTHER. */
const char *sf_sip_hdr_name(sf_sip_hdr_t id);

/* ---- lexical helpers ------------------------------------------------- */

/* Removes leading and trailing linear white space (SP, HTAB, CR, LF). */
sf_slice_t sf_sip_trim(sf_slice_t s);

/* Comma-separated list iteration (RFC 3261 7.3.1): takes the next element
 * off *rest into *item (trimmed), honouring quoted strings and <...>.
 * Returns false when *rest is exhausted. Empty elements (",,") are
 * skipped. */
bool sf_sip_list_next(sf_slice_t *rest, sf_slice_t *item);

/* One generic parameter: ";name=value" or ";name". value is empty for a
 * flag parameter; has_value tells them apart. */
typedef struct sf_sip_param {
    sf_slice_t name;
    sf_slice_t value; /* without quotes when quoted */
    bool has_value;
    bool quoted;
} sf_sip_param_t;

/* Iterates ";a=b;c" parameter lists (the leading ';' is optional). Stops
 * (returns false) at the end or at the first byte that cannot continue a
 * parameter list. */
bool sf_sip_param_next(sf_slice_t *rest, sf_sip_param_t *out);
/* Finds a parameter by name (case-insensitive). *value may be NULL. */
bool sf_sip_param_get(sf_slice_t params, const char *name, sf_slice_t *value);

/* Copies a quoted-string's inner text (as returned in a slice) into buf,
 * resolving quoted-pairs; NUL-terminated; returns the unescaped length
 * (snprintf semantics when n is too small). */
size_t sf_sip_unquote(sf_slice_t s, char *buf, size_t n);

/* Parses a decimal number made only of digits (after trimming LWS).
 * False when empty, not all digits, or above max. */
bool sf_sip_parse_uint(sf_slice_t s, uint64_t max, uint64_t *out);

/* ---- URI (RFC 3261 19.1, RFC 3966 tel) -------------------------------- */

typedef struct sf_sip_uri {
    sf_slice_t scheme; /* "sip", "sips", "tel", or any other scheme */
    sf_slice_t user;   /* sip/sips userinfo user part; tel: the number */
    sf_slice_t password;
    sf_slice_t host; /* IPv6 without brackets */
    uint16_t port;   /* 0 when absent */
    bool ipv6;
    sf_slice_t params;  /* ";transport=tcp;lr" (with leading ';'), or empty */
    sf_slice_t headers; /* "a=b&c=d" after '?', or empty */
} sf_sip_uri_t;

/* Parses sip:, sips: and tel: URIs fully; other schemes only split into
 * scheme and the rest (in user). Returns NULL or a defect. */
const char *sf_sip_uri_parse(sf_slice_t s, sf_sip_uri_t *out);

/* ---- name-addr / addr-spec (From, To, Contact, Route, ...) ------------ */

typedef struct sf_sip_name_addr {
    sf_slice_t display; /* inner text when quoted, tokens otherwise; may be empty */
    bool display_quoted;
    bool angle;        /* URI was enclosed in <> */
    bool star;         /* Contact: * (RFC 3261 20.10) */
    sf_slice_t uri;    /* URI text without <> */
    sf_slice_t params; /* header parameters after the URI (";tag=x;..."), or empty */
} sf_sip_name_addr_t;

/* Parses one (already comma-split) value. In the addr-spec form every
 * ';' parameter is a header parameter (RFC 3261 20.10). */
const char *sf_sip_name_addr_parse(sf_slice_t v, sf_sip_name_addr_t *out);

/* ---- Via (RFC 3261 20.42) ---------------------------------------------- */

/* Parses one via-parm (one comma-separated element). *params (may be
 * NULL) receives the parameter list starting at the first ';'. */
const char *sf_sip_via_parse(sf_slice_t v, sf_sip_via_t *out, sf_slice_t *params);

/* Iteration over all header values with one id, across header lines and
 * comma-separated elements (Via, Contact, Route, Record-Route,
 * P-Asserted-Identity, Diversion, History-Info, Warning, Supported ...). */
typedef struct sf_sip_values_iter {
    const sf_sip_msg_t *msg;
    const sf_sip_header_t *h;
    sf_slice_t rest;
} sf_sip_values_iter_t;

void sf_sip_values_init(sf_sip_values_iter_t *it, const sf_sip_msg_t *msg, sf_sip_hdr_t id);
bool sf_sip_values_next(sf_sip_values_iter_t *it, sf_slice_t *value);

/* All Via values, top first. Returns false at the end; *err (may be NULL)
 * is set to a defect for a value that did not parse (out then holds
 * what could be parsed). */
bool sf_sip_via_next(sf_sip_values_iter_t *it, sf_sip_via_t *out, const char **err);

/* ---- single-value headers ------------------------------------------------ */

/* Expires, Max-Forwards, RSeq, Min-SE (delta-seconds / 1*DIGIT, up to
 * 2^32-1). False when absent or not a number. */
bool sf_sip_msg_uint(const sf_sip_msg_t *msg, sf_sip_hdr_t id, uint32_t *out);

/* RAck (RFC 3262 7.2): response-num LWS CSeq-num LWS Method */
typedef struct sf_sip_rack {
    uint32_t rseq;
    uint32_t cseq;
    sf_slice_t method;
} sf_sip_rack_t;
const char *sf_sip_rack_parse(sf_slice_t v, sf_sip_rack_t *out);

/* Reason (RFC 3326): protocol *(;cause=N / ;text="..." / generic) */
typedef struct sf_sip_reason {
    sf_slice_t protocol; /* "SIP", "Q.850" */
    int32_t cause;       /* -1 when absent or not a number */
    sf_slice_t text;     /* without quotes */
    sf_slice_t params;
} sf_sip_reason_t;
const char *sf_sip_reason_parse(sf_slice_t v, sf_sip_reason_t *out);

/* Warning (RFC 3261 20.43): warn-code SP warn-agent SP warn-text */
typedef struct sf_sip_warning {
    uint16_t code;
    sf_slice_t agent;
    sf_slice_t text; /* without quotes */
} sf_sip_warning_t;
const char *sf_sip_warning_parse(sf_slice_t v, sf_sip_warning_t *out);

/* Session-Expires (RFC 4028): delta-seconds *(;refresher=uac/uas) */
typedef struct sf_sip_session_expires {
    uint32_t delta;
    sf_slice_t refresher; /* "uac", "uas" or empty */
    sf_slice_t params;
} sf_sip_session_expires_t;
const char *sf_sip_session_expires_parse(sf_slice_t v, sf_sip_session_expires_t *out);

/* Authorization, Proxy-Authorization, WWW-Authenticate,
 * Proxy-Authenticate (RFC 3261 25.1): scheme LWS auth-param *(, auth-param) */
typedef struct sf_sip_auth {
    sf_slice_t scheme; /* "Digest" */
    sf_slice_t params; /* 'realm="x", nonce="y", ...' */
} sf_sip_auth_t;
const char *sf_sip_auth_parse(sf_slice_t v, sf_sip_auth_t *out);
/* Looks up an auth-param by name (case-insensitive); quotes removed. */
bool sf_sip_auth_param(const sf_sip_auth_t *a, const char *name, sf_slice_t *value);

#ifdef __cplusplus
}
#endif

#endif
