/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Basic value types shared by every layer: byte slices, capture timestamps,
 * transport endpoints. No allocation, no state. */
#ifndef SIPFLOW_TYPES_H
#define SIPFLOW_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A (pointer, length) view into a buffer owned by someone else. The owner
 * documents how long the bytes stay valid. p may be NULL when len is 0. */
typedef struct sf_slice {
    const char *p;
    uint32_t len;
} sf_slice_t;

#define SF_SLICE_NULL ((sf_slice_t){NULL, 0})

/* True when the slice equals the NUL-terminated string s (case-sensitive). */
bool sf_slice_eq(sf_slice_t a, const char *s);
/* Case-insensitive (ASCII) variant, for tokens such as header names. */
bool sf_slice_ieq(sf_slice_t a, const char *s);

/* A capture timestamp at full precision. prec is the number of decimal
 * digits of the fraction the capture file carries (6 for classic
 * microsecond pcap, 9 for nanosecond pcap; pcapng if_tsresol gives others).
 * nsec is always normalised to nanoseconds (0..999999999). */
typedef struct sf_ts {
    int64_t sec;
    uint32_t nsec;
    uint8_t prec;
} sf_ts_t;

int sf_ts_cmp(sf_ts_t a, sf_ts_t b);
/* a - b in nanoseconds (saturating). */
int64_t sf_ts_diff_ns(sf_ts_t a, sf_ts_t b);
/* Writes "SEC.FRACTION" with exactly prec fraction digits (no fraction and
 * no dot when prec is 0), NUL-terminated. Returns the length written, or
 * the length needed when n is too small (snprintf semantics). */
size_t sf_ts_format(sf_ts_t ts, char *buf, size_t n);
#define SF_TS_STRLEN 32

/* A transport endpoint. family is 4 or 6 (0: unknown). For IPv4 the
 * address is in addr[0..3]. port is in host byte order. */
typedef struct sf_endpoint {
    uint8_t family;
    uint8_t addr[16];
    uint16_t port;
} sf_endpoint_t;

bool sf_endpoint_eq(const sf_endpoint_t *a, const sf_endpoint_t *b);
/* "192.0.2.1:5060" or "[2001:db8::1]:5060" (RFC 5952 text form). */
size_t sf_endpoint_format(const sf_endpoint_t *ep, char *buf, size_t n);
/* Address only, without port or brackets. */
size_t sf_endpoint_format_addr(const sf_endpoint_t *ep, char *buf, size_t n);
#define SF_ENDPOINT_STRLEN 56

typedef enum sf_transport {
    SF_TRANSPORT_UDP = 0,
    SF_TRANSPORT_TCP,
    SF_TRANSPORT_WS,
    SF_TRANSPORT_SCTP,
    SF_TRANSPORT_HEP,
} sf_transport_t;

/* "udp", "tcp", "ws", "sctp", "hep". */
const char *sf_transport_name(sf_transport_t t);

#ifdef __cplusplus
}
#endif

#endif
