/* SPDX-License-Identifier: GPL-2.0-or-later */
/* On-demand SDP parsing (RFC 8866, RFC 4566 before it) of a SIP body: the
 * fields sipflow reports (origin, connection addresses, media lines,
 * rtpmap, direction attributes, ptime). Zero-copy: every slice points into
 * the body passed in, which must outlive the sf_sdp_t. Bounded: at most
 * SF_SDP_MAX_MEDIA media sections and SF_SDP_MAX_FORMATS formats/rtpmaps per
 * section are kept; more are counted in `dropped` and flagged. */
#ifndef SIPFLOW_SDP_H
#define SIPFLOW_SDP_H

#include "sipflow/types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SF_SDP_MAX_MEDIA 16
#define SF_SDP_MAX_FORMATS 32

typedef enum sf_sdp_dir {
    SF_SDP_DIR_NONE = 0, /* no direction attribute at this level */
    SF_SDP_DIR_SENDRECV,
    SF_SDP_DIR_SENDONLY,
    SF_SDP_DIR_RECVONLY,
    SF_SDP_DIR_INACTIVE,
} sf_sdp_dir_t;

/* "sendrecv", ...; "" for NONE. */
const char *sf_sdp_dir_name(sf_sdp_dir_t d);

/* c=<nettype> <addrtype> <connection-address> (RFC 8866 5.7) */
typedef struct sf_sdp_conn {
    bool present;
    uint8_t family;  /* 4 (IP4), 6 (IP6), 0 other */
    sf_slice_t addr; /* without "/ttl" or "/count" suffixes */
} sf_sdp_conn_t;

/* o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> */
typedef struct sf_sdp_origin {
    bool present;
    sf_slice_t username, sess_id, sess_version;
    uint8_t family;
    sf_slice_t addr;
} sf_sdp_origin_t;

/* a=rtpmap:<payload type> <encoding name>/<clock rate>[/<params>] */
typedef struct sf_sdp_rtpmap {
    uint8_t pt;
    sf_slice_t encoding;
    uint32_t clock;
    sf_slice_t params; /* e.g. channels; empty when absent */
} sf_sdp_rtpmap_t;

typedef struct sf_sdp_media {
    sf_slice_t media; /* "audio", "video", ... */
    uint16_t port;
    uint16_t n_ports; /* from "port/count"; 1 when absent */
    sf_slice_t proto; /* "RTP/AVP" */
    sf_slice_t fmt[SF_SDP_MAX_FORMATS];
    uint8_t n_fmt;
    sf_sdp_rtpmap_t rtpmap[SF_SDP_MAX_FORMATS];
    uint8_t n_rtpmap;
    sf_sdp_conn_t conn; /* media-level c= */
    sf_sdp_dir_t dir;   /* media-level direction attribute */
    uint32_t ptime;     /* a=ptime in ms; 0 when absent */
} sf_sdp_media_t;

typedef struct sf_sdp {
    sf_sdp_origin_t origin;
    sf_slice_t session_name; /* s= */
    sf_sdp_conn_t conn;      /* session-level c= */
    sf_sdp_dir_t dir;        /* session-level direction attribute */
    sf_sdp_media_t media[SF_SDP_MAX_MEDIA];
    uint8_t n_media;
    uint32_t dropped;      /* media/formats/rtpmaps beyond the bounds */
    const char *malformed; /* NULL or a static defect description */
    uint32_t malformed_offset;
} sf_sdp_t;

/* Parses body[0..len). Returns true when it looks like SDP (starts with
 * "v="); defects (unknown line syntax, bad m= line, ...) are recorded in
 * out->malformed and parsing goes on. */
bool sf_sdp_parse(const char *body, uint32_t len, sf_sdp_t *out);

/* Effective direction of a media section: its own attribute, else the
 * session's, else sendrecv (RFC 3264 5.1). */
sf_sdp_dir_t sf_sdp_media_dir(const sf_sdp_t *sdp, const sf_sdp_media_t *m);
/* Effective connection of a media section: its own c=, else the
 * session's (RFC 8866 5.7); NULL when neither exists. */
const sf_sdp_conn_t *sf_sdp_media_conn(const sf_sdp_t *sdp, const sf_sdp_media_t *m);
/* rtpmap for a payload type in a media section, or NULL. */
const sf_sdp_rtpmap_t *sf_sdp_media_rtpmap(const sf_sdp_media_t *m, uint8_t pt);

#ifdef __cplusplus
}
#endif

#endif
