/* SPDX-License-Identifier: GPL-2.0-or-later */
/* HEP, the Homer Encapsulation Protocol (sipcapture.org, HEP3 rev. 12):
 * a capture agent sends each packet it saw, with the original addresses,
 * ports, transport and time, to a collector over UDP or TCP.
 *
 * HEPv3: "HEP3", a 16-bit total length, then chunks (16-bit vendor id,
 * 16-bit type id, 16-bit length including these 6 bytes, value), all
 * big-endian. HEPv1/v2: a fixed header (version, header length, address
 * family, IP protocol, source and destination ports, the two addresses);
 * v2 then has a time header (seconds, microseconds, capture id), written
 * by the agents from a C struct in host byte order, so little-endian
 * (x86) and 12 bytes with its padding; then the payload to the end of
 * the datagram.
 *
 * Pure functions over caller bytes: nothing is allocated (except by the
 * inflater), slices point into the input. */
#ifndef SIPFLOW_HEP_H
#define SIPFLOW_HEP_H

#include "sipflow/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* HEP3 generic chunk types (vendor 0x0000). */
enum {
    SF_HEP3_IP_FAMILY = 0x0001,
    SF_HEP3_IP_PROTO = 0x0002,
    SF_HEP3_SRC_IP4 = 0x0003,
    SF_HEP3_DST_IP4 = 0x0004,
    SF_HEP3_SRC_IP6 = 0x0005,
    SF_HEP3_DST_IP6 = 0x0006,
    SF_HEP3_SRC_PORT = 0x0007,
    SF_HEP3_DST_PORT = 0x0008,
    SF_HEP3_TS_SEC = 0x0009,
    SF_HEP3_TS_USEC = 0x000a,
    SF_HEP3_PROTO_TYPE = 0x000b,
    SF_HEP3_CAPTURE_ID = 0x000c,
    SF_HEP3_KEEPALIVE = 0x000d,
    SF_HEP3_AUTH_KEY = 0x000e,
    SF_HEP3_PAYLOAD = 0x000f,
    SF_HEP3_PAYLOAD_ZIP = 0x0010,
    SF_HEP3_CORRELATION_ID = 0x0011,
    SF_HEP3_VLAN = 0x0012,
};

/* Payload types of chunk 0x000b (a few of them). */
enum {
    SF_HEP_PROTO_SIP = 1,
    SF_HEP_PROTO_RTCP = 5,
    SF_HEP_PROTO_LOG = 100,
};

#define SF_HEP3_HDR_LEN 6u
#define SF_HEP2_TIME_LEN 12u

typedef struct sf_hep_msg {
    uint8_t version;        /* 1, 2 or 3 */
    uint32_t length;        /* bytes of this HEP packet (v3: the length field; v1, v2: the input) */
    sf_endpoint_t src, dst; /* family 0 when the packet does not say */
    uint8_t ip_proto;       /* 17 UDP, 6 TCP, 132 SCTP ...; 0 when absent */
    bool has_ts;
    sf_ts_t ts; /* microsecond precision */
    bool has_proto_type;
    uint8_t proto_type; /* SF_HEP_PROTO_*; v1/v2 carry only SIP */
    uint32_t capture_id;
    uint16_t keepalive;
    uint16_t vlan;
    const uint8_t *payload; /* 0x000f or 0x0010 value, v1/v2: the rest */
    uint32_t payload_len;
    bool compressed; /* payload is 0x0010 (zlib/gzip) */
    sf_slice_t correlation_id;
    sf_slice_t auth_key;
    uint32_t unknown_chunks; /* skipped: vendor chunks, types not listed above */
} sf_hep_msg_t;

/* Cheap content check on the first bytes: "HEP3", or the v1/v2 header
 * shape (version 1/2, header length 16 or 40 matching family 2 or 10, a
 * known IP protocol). A SIP message starts with a letter, so plain SIP
 * costs one byte compare. */
bool sf_hep_sniff(const uint8_t *p, uint32_t len);

/* HEP3 stream framing: when p starts with "HEP3" and holds the 6-byte
 * header, returns the packet's declared total length (may be < 6: bad);
 * 0 when p does not start with the magic or is shorter than the header. */
uint32_t sf_hep3_declared_length(const uint8_t *p, uint32_t len);

/* Decodes one HEP packet (v1, v2 or v3) from p[0..len). Returns true with
 * *m filled, false with *why (static text) naming the defect: bad magic or
 * version, a length past the buffer, a chunk whose length runs past the
 * packet or is shorter than its header, a missing payload, a chunk value
 * of the wrong size. Unknown chunk types are skipped and counted. Bytes
 * after a v3 packet's declared length are not read (the caller frames). */
bool sf_hep_decode(const uint8_t *p, uint32_t len, sf_hep_msg_t *m, const char **why);

/* Inflates compressed payloads (chunk 0x0010: zlib, or gzip) into one
 * buffer it owns, of at most max_out bytes (a payload inflating to more is
 * a defect: no unbounded growth). */
typedef struct sf_hep_inflater sf_hep_inflater_t;

sf_hep_inflater_t *sf_hep_inflater_create(uint32_t max_out);
/* On true, *out and *out_len hold the inflated bytes, valid until the next
 * call or destroy. On false, *why says what was wrong. */
bool sf_hep_inflate(sf_hep_inflater_t *z, const uint8_t *in, uint32_t len, const uint8_t **out,
                    uint32_t *out_len, const char **why);
void sf_hep_inflater_destroy(sf_hep_inflater_t *z);

#ifdef __cplusplus
}
#endif

#endif
