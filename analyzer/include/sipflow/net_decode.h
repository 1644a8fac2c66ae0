/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The network decoder: one capture record -> link layer -> IPv4/IPv6
 * (extension headers, fragment reassembly) -> tunnels (IP-in-IP, GRE,
 * ERSPAN, PPP in GRE, VXLAN; each nesting counts against max_tunnel_depth)
 * -> a UDP datagram or a TCP segment handed to one sink. It owns the
 * fragment table. ICMP/ICMPv6 is counted and never descended into (a SIP
 * message quoted in an ICMP error is not a message).
 *
 * Snaplen-cut datagrams (SF_ANOM_IP_TRUNCATED): a UDP datagram is still
 * handed on with pdu.truncated set (the SIP framer then flags the message
 * as truncated); a TCP segment is dropped (its bytes would corrupt the
 * stream; the reassembler sees a gap); a cut fragment is dropped (its
 * datagram then becomes incomplete). */
#ifndef SIPFLOW_NET_DECODE_H
#define SIPFLOW_NET_DECODE_H

#include "sipflow/anomaly.h"
#include "sipflow/capture.h"
#include "sipflow/ip_defrag.h"
#include "sipflow/msg_meta.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sf_net_config {
    sf_defrag_config_t defrag;
    uint32_t max_tunnel_depth; /* nested encapsulations (default 8) */
} sf_net_config_t;

void sf_net_config_default(sf_net_config_t *cfg);

/* A transport PDU. meta has file, frames (every fragment's frame for a
 * reassembled datagram, the current frame last), ts (the completing
 * frame's), src/dst with ports, transport (UDP or TCP) and the outermost
 * VLAN. Everything is valid only during the callback. */
typedef struct sf_net_pdu {
    uint8_t ip_proto; /* SF_IPPROTO_UDP, SF_IPPROTO_TCP or SF_IPPROTO_SCTP */
    const sf_msg_meta_t *meta;
    const uint8_t *payload; /* UDP / TCP payload; SCTP: the whole packet */
    uint32_t len;
    bool truncated;       /* UDP, SCTP: fewer bytes than the IP length says */
    uint8_t tunnel_depth; /* encapsulations around this PDU */
    /* TCP only */
    uint32_t seq, ack;
    uint8_t flags; /* SF_TCP_* bits of the TCP header */
    uint16_t window;
} sf_net_pdu_t;

typedef struct sf_net_sink {
    void (*pdu)(void *user, const sf_net_pdu_t *pdu);
    void *user;
} sf_net_sink_t;

typedef struct sf_net_stats {
    uint64_t packets;
    uint64_t ipv4, ipv6;     /* IP headers decoded, tunnelled ones included */
    uint64_t non_ip;         /* records whose link layer carries no IP */
    uint64_t tunnelled;      /* records with at least one encapsulation */
    uint64_t udp, tcp, icmp; /* PDUs (after reassembly) */
    uint64_t sctp;           /* SCTP packets handed on */
    uint64_t other_proto;    /* ESP, ...: not decoded */
    uint64_t link_errors;    /* truncated / malformed / unsupported link */
    uint64_t ip_malformed, ip_truncated;
    uint64_t transport_malformed;
    uint64_t tunnel_too_deep;
    sf_defrag_stats_t defrag;
} sf_net_stats_t;

typedef struct sf_net_decoder sf_net_decoder_t;

sf_net_decoder_t *sf_net_decoder_create(const sf_net_config_t *cfg, const sf_net_sink_t *sink,
                                        const sf_anomaly_sink_t *anomalies);
void sf_net_decoder_push(sf_net_decoder_t *d, const sf_packet_t *pkt);
/* End of capture: pending fragments are reported incomplete. */
void sf_net_decoder_finish(sf_net_decoder_t *d);
void sf_net_decoder_get_stats(const sf_net_decoder_t *d, sf_net_stats_t *st);
void sf_net_decoder_destroy(sf_net_decoder_t *d);

#ifdef __cplusplus
}
#endif

#endif
