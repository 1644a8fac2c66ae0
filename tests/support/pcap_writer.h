/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Writes classic pcap files for tests: either byte order, micro- or
 * nanosecond magic, any link type and snaplen, records with any caplen/len
 * (including impossible ones), and raw bytes for hand-made damage. Also
 * builds simple Ethernet/IPv4/UDP frames. No libpcap needed. */
#ifndef SF_PCAP_WRITER_H
#define SF_PCAP_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sf_pcap_writer_opts {
    uint32_t linktype; /* LINKTYPE_ value */
    uint32_t snaplen;  /* 0: 262144 */
    bool nano;         /* nanosecond magic 0xa1b23c4d */
    bool big_endian;   /* write every header field big-endian */
} sf_pcap_writer_opts_t;

typedef struct sf_pcap_writer sf_pcap_writer_t;

/* Creates path and writes the file header. NULL on error. */
sf_pcap_writer_t *sf_pcap_writer_open(const char *path, const sf_pcap_writer_opts_t *opts);

/* Appends one record: a header with sec, frac (microseconds, or
 * nanoseconds for a nano file), caplen and len exactly as given, then
 * data_len bytes of data (normally data_len == caplen; pass less to write a
 * lying record). Returns 0, -1 on write error. */
int sf_pcap_writer_record(sf_pcap_writer_t *w, int64_t sec, uint32_t frac, uint32_t caplen,
                          uint32_t len, const void *data, size_t data_len);
/* Convenience: caplen = len = n, data written whole. */
int sf_pcap_writer_packet(sf_pcap_writer_t *w, int64_t sec, uint32_t frac, const void *data,
                          uint32_t n);
/* Appends raw bytes (damage, partial headers). */
int sf_pcap_writer_raw(sf_pcap_writer_t *w, const void *bytes, size_t n);
/* Bytes written so far (file header included). */
uint64_t sf_pcap_writer_offset(const sf_pcap_writer_t *w);
/* Flushes and closes; returns 0, -1 when any write failed. */
int sf_pcap_writer_close(sf_pcap_writer_t *w);

/* Builds Ethernet II (with one 802.1Q tag when vlan != 0) + IPv4 + UDP
 * carrying payload, with correct IPv4 header checksum and UDP checksum 0.
 * src/dst are IPv4 addresses in network order bytes. Returns the frame
 * length, or 0 when cap is too small. */
size_t sf_build_eth_udp4(uint8_t *buf, size_t cap, const uint8_t src[4], const uint8_t dst[4],
                         uint16_t sport, uint16_t dport, uint16_t vlan, const void *payload,
                         size_t plen);

#endif
