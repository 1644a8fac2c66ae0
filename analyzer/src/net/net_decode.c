/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Network decoder: link -> IP -> tunnels/defrag -> UDP/TCP (see
 * sipflow/net_decode.h). Unfragmented traffic is decoded in place with no
 * allocation; the walk state lives on the stack. Recursion happens only
 * through tunnels, bounded by max_tunnel_depth. */
#include <stdlib.h>
#include <string.h>

#include "sipflow/ip.h"
#include "sipflow/link.h"
#include "sipflow/net_decode.h"
#include "sipflow/sctp.h"
#include "sipflow/tcp_reassembly.h"
#include "sipflow/tunnel.h"


struct sf_net_decoder {
    sf_net_config_t cfg;
    sf_net_sink_t sink;
    sf_anomaly_sink_t anom;
    sf_defrag_t *defrag;
    sf_net_stats_t st;
};

/* Per-record walk state. */
typedef struct walk {
    const sf_packet_t *pkt;
    uint16_t vlan;
    unsigned depth;
    bool tunnelled;
    sf_msg_meta_t meta;
} walk_t;

/* Addresses of the innermost IP header, for the PDU's endpoints. */
typedef struct ip_addrs {
    uint8_t version;
    const uint8_t *src, *dst;
} ip_addrs_t;

static void decode_link(sf_net_decoder_t *d, walk_t *w, uint32_t linktype, const uint8_t *p,
                        uint32_t len);
static void decode_ip(sf_net_decoder_t *d, walk_t *w, sf_l3_proto_t l3, const uint8_t *p,
                      uint32_t len);

void sf_net_config_default(sf_net_config_t *cfg)
{
    sf_defrag_config_default(&cfg->defrag);
    cfg->max_tunnel_depth = 8;
}

sf_net_decoder_t *sf_net_decoder_create(const sf_net_config_t *cfg, const sf_net_sink_t *sink,
                                        const sf_anomaly_sink_t *anomalies)
{
    sf_net_decoder_t *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    if (cfg)
        d->cfg = *cfg;
    else
        sf_net_config_default(&d->cfg);
    if (sink) d->sink = *sink;
    if (anomalies) d->anom = *anomalies;
    d->defrag = sf_defrag_create(&d->cfg.defrag, &d->anom);
    if (!d->defrag) {
        free(d);
        return NULL;
    }
    return d;
}

static void anomaly(sf_net_decoder_t *d, const walk_t *w, sf_anomaly_kind_t kind, const char *why)
{
    sf_anomaly_emit(&d->anom, w->pkt->file, w->pkt->frame, w->pkt->ts, kind, "%s", why);
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(((uint32_t)p[0] << 8) | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* One more encapsulation level; false (and counted) past the bound. */
static bool enter_tunnel(sf_net_decoder_t *d, walk_t *w, const char *what)
{
    if (w->depth >= d->cfg.max_tunnel_depth) {
        d->st.tunnel_too_deep++;
        sf_anomaly_emit(&d->anom, w->pkt->file, w->pkt->frame, w->pkt->ts, SF_ANOM_TUNNEL_TOO_DEEP,
                        "%s nested deeper than %u encapsulations", what, d->cfg.max_tunnel_depth);
        return false;
    }
    w->depth++;
    w->tunnelled = true;
    return true;
}

static void link_error(sf_net_decoder_t *d, walk_t *w, sf_link_result_t r, const char *why)
{
    d->st.link_errors++;
    anomaly(d, w, r == SF_LINK_TRUNCATED ? SF_ANOM_LINK_TRUNCATED : SF_ANOM_LINK_MALFORMED,
            why ? why : "bad tunnel header");
}

static void set_endpoints(walk_t *w, const ip_addrs_t *a, uint16_t sport, uint16_t dport)
{
    unsigned alen = a->version == 4 ? 4 : 16;
    memset(&w->meta.src, 0, sizeof w->meta.src);
    memset(&w->meta.dst, 0, sizeof w->meta.dst);
    w->meta.src.family = w->meta.dst.family = a->version;
    memcpy(w->meta.src.addr, a->src, alen);
    memcpy(w->meta.dst.addr, a->dst, alen);
    w->meta.src.port = sport;
    w->meta.dst.port = dport;
    w->meta.vlan = w->vlan;
}

static void decode_udp(sf_net_decoder_t *d, walk_t *w, const ip_addrs_t *a, const uint8_t *p,
                       uint32_t len, bool truncated)
{
    if (len < 8) {
        d->st.transport_malformed++;
        if (!truncated) anomaly(d, w, SF_ANOM_UDP_MALFORMED, "UDP header truncated");
        return;
    }
    uint32_t ulen = be16(p + 4);
    bool cut = false;
    if (ulen == 0 && a->version == 6) ulen = len; /* RFC 2675 jumbogram */
    if (ulen < 8) {
        d->st.transport_malformed++;
        anomaly(d, w, SF_ANOM_UDP_MALFORMED, "UDP length below 8");
        return;
    }
    if (ulen > len) {
        /* Snaplen cut (already reported) or a length the IP datagram cannot
         * hold; hand on what is there, flagged. */
        if (!truncated) anomaly(d, w, SF_ANOM_UDP_MALFORMED, "UDP length past the IP payload");
        cut = true;
        ulen = len;
    }
    uint16_t sport = be16(p), dport = be16(p + 2);
    uint32_t vni;
    if (dport == SF_VXLAN_PORT && sf_vxlan_parse(p + 8, ulen - 8, &vni)) {
        if (!enter_tunnel(d, w, "VXLAN")) return;
        decode_link(d, w, SF_LINKTYPE_ETHERNET, p + 16, ulen - 16);
        return;
    }
    d->st.udp++;
    set_endpoints(w, a, sport, dport);
    w->meta.transport = SF_TRANSPORT_UDP;
    sf_net_pdu_t pdu = {
        .ip_proto = SF_IPPROTO_UDP,
        .meta = &w->meta,
        .payload = p + 8,
        .len = ulen - 8,
        .truncated = cut,
        .tunnel_depth = (uint8_t)w->depth,
    };
    if (d->sink.pdu) d->sink.pdu(d->sink.user, &pdu);
}

static void decode_tcp(sf_net_decoder_t *d, walk_t *w, const ip_addrs_t *a, const uint8_t *p,
                       uint32_t len, bool truncated)
{
    if (truncated) return; /* reported as IP_TRUNCATED; see net_decode.h */
    if (len < 20) {
        d->st.transport_malformed++;
        anomaly(d, w, SF_ANOM_TCP_MALFORMED, "TCP header truncated");
        return;
    }
    uint32_t doff = (uint32_t)(p[12] >> 4) * 4u;
    if (doff < 20 || doff > len) {
        d->st.transport_malformed++;
        anomaly(d, w, SF_ANOM_TCP_MALFORMED, "TCP data offset out of range");
        return;
    }
    d->st.tcp++;
    set_endpoints(w, a, be16(p), be16(p + 2));
    w->meta.transport = SF_TRANSPORT_TCP;
    sf_net_pdu_t pdu = {
        .ip_proto = SF_IPPROTO_TCP,
        .meta = &w->meta,
        .payload = p + doff,
        .len = len - doff,
        .tunnel_depth = (uint8_t)w->depth,
        .seq = be32(p + 4),
        .ack = be32(p + 8),
        .flags = p[13] & (SF_TCP_FIN | SF_TCP_SYN | SF_TCP_RST | SF_TCP_PSH | SF_TCP_ACK),
        .window = be16(p + 14),
    };
    if (d->sink.pdu) d->sink.pdu(d->sink.user, &pdu);
}

/* SCTP (RFC 9260 3.1): the ports come from the common header; chunks and
 * user-message reassembly are the layer above's (sipflow/sctp.h). A cut
 * packet is handed on flagged: its complete chunks are still good. */
static void decode_sctp(sf_net_decoder_t *d, walk_t *w, const ip_addrs_t *a, const uint8_t *p,
                        uint32_t len, bool truncated)
{
    sf_sctp_header_t h;
    if (!sf_sctp_parse_header(p, len, &h)) {
        d->st.transport_malformed++;
        if (!truncated) anomaly(d, w, SF_ANOM_SCTP_MALFORMED, "SCTP common header truncated");
        return;
    }
    d->st.sctp++;
    set_endpoints(w, a, h.sport, h.dport);
    w->meta.transport = SF_TRANSPORT_SCTP;
    sf_net_pdu_t pdu = {
        .ip_proto = SF_IPPROTO_SCTP,
        .meta = &w->meta,
        .payload = p,
        .len = len,
        .truncated = truncated,
        .tunnel_depth = (uint8_t)w->depth,
    };
    if (d->sink.pdu) d->sink.pdu(d->sink.user, &pdu);
}

static void decode_gre(sf_net_decoder_t *d, walk_t *w, const uint8_t *p, uint32_t len)
{
    sf_gre_t g;
    const char *why = NULL;
    sf_link_result_t r = sf_gre_parse(p, len, &g, &why);
    if (r != SF_LINK_OK) {
        link_error(d, w, r, why);
        return;
    }
    p += g.hdr_len;
    len -= g.hdr_len;
    if (len == 0) return; /* PPTP acknowledgment-only packet (RFC 2637 4.4) */
    switch (g.proto) {
    case SF_ETHERTYPE_IPV4:
    case SF_ETHERTYPE_IPV6:
        decode_ip(d, w, sf_link_ethertype_l3(g.proto), p, len);
        return;
    case SF_ETHERTYPE_PPP: {
        uint16_t proto;
        uint32_t hl;
        r = sf_ppp_header_parse(p, len, &proto, &hl, &why);
        if (r != SF_LINK_OK) {
            link_error(d, w, r, why);
            return;
        }
        sf_l3_proto_t l3 = sf_link_ppp_l3(proto);
        if (l3 != SF_L3_NONE) decode_ip(d, w, l3, p + hl, len - hl);
        return; /* LCP, CCP, ...: control traffic */
    }
    case SF_ETHERTYPE_TEB:
        decode_link(d, w, SF_LINKTYPE_ETHERNET, p, len);
        return;
    case SF_ETHERTYPE_ERSPAN_II:
    case SF_ETHERTYPE_ERSPAN_III: {
        uint32_t off;
        r = sf_erspan_parse(g.proto, g.has_seq, p, len, &off, &why);
        if (r != SF_LINK_OK) {
            link_error(d, w, r, why);
            return;
        }
        decode_link(d, w, SF_LINKTYPE_ETHERNET, p + off, len - off);
        return;
    }
    default:
        d->st.other_proto++;
        return;
    }
}

/* The upper layer of one IP datagram (or of a reassembled one). */
static void decode_l4(sf_net_decoder_t *d, walk_t *w, const ip_addrs_t *a, uint8_t proto,
                      const uint8_t *p, uint32_t len, bool truncated)
{
    switch (proto) {
    case SF_IPPROTO_UDP:
        decode_udp(d, w, a, p, len, truncated);
        return;
    case SF_IPPROTO_TCP:
        decode_tcp(d, w, a, p, len, truncated);
        return;
    case SF_IPPROTO_SCTP:
        decode_sctp(d, w, a, p, len, truncated);
        return;
    case SF_IPPROTO_ICMP:
    case SF_IPPROTO_ICMPV6:
        /* Errors quote the offending datagram (RFC 792, RFC 4443 3):
         * never decoded as traffic. */
        d->st.icmp++;
        return;
    case SF_IPPROTO_IPIP:
        if (enter_tunnel(d, w, "IPv4-in-IP")) decode_ip(d, w, SF_L3_IPV4, p, len);
        return;
    case SF_IPPROTO_IPV6:
        if (enter_tunnel(d, w, "IPv6-in-IP")) decode_ip(d, w, SF_L3_IPV6, p, len);
        return;
    case SF_IPPROTO_GRE:
        if (enter_tunnel(d, w, "GRE")) decode_gre(d, w, p, len);
        return;
    default:
        d->st.other_proto++;
        return;
    }
}

static void decode_fragment(sf_net_decoder_t *d, walk_t *w, const sf_ip_hdr_t *h, const uint8_t *p)
{
    if (h->truncated) return; /* cannot be reassembled; reported already */
    sf_defrag_frag_t f = {
        .version = h->version,
        .proto = h->proto,
        .src = h->src,
        .dst = h->dst,
        .id = h->frag_id,
        .file = w->pkt->file,
        .vlan = w->vlan,
        .offset = h->frag_offset,
        .more = h->more_fragments,
        .hdr_len = h->frag_hdr_len,
        .data = p + h->hdr_len,
        .len = h->payload_len,
        .frame = w->pkt->frame,
        .ts = w->pkt->ts,
    };
    sf_defrag_out_t out;
    if (sf_defrag_push(d->defrag, &f, &out, &w->meta) != SF_DEFRAG_DONE) return;
    uint8_t proto = out.proto;
    uint32_t off = 0;
    if (h->version == 6) {
        const char *why = NULL;
        if (sf_ipv6_skip_ext(out.proto, out.data, out.len, &proto, &off, &why) != SF_IP_OK) {
            d->st.ip_malformed++;
            anomaly(d, w, SF_ANOM_IP_MALFORMED, why);
            return;
        }
    }
    /* The reassembled bytes live in the fragment table until its next
     * push; copy the addresses out of h (they are on our stack). */
    ip_addrs_t a = {h->version, h->src, h->dst};
    decode_l4(d, w, &a, proto, out.data + off, out.len - off, false);
}

static void decode_ip(sf_net_decoder_t *d, walk_t *w, sf_l3_proto_t l3, const uint8_t *p,
                      uint32_t len)
{
    sf_ip_hdr_t h;
    const char *why = NULL;
    sf_ip_result_t r;
    if (l3 == SF_L3_IPV4) {
        d->st.ipv4++;
        r = sf_ipv4_parse(p, len, &h, &why);
    } else {
        d->st.ipv6++;
        r = sf_ipv6_parse(p, len, &h, &why);
    }
    if (r != SF_IP_OK) {
        if (r == SF_IP_TRUNCATED)
            d->st.ip_truncated++;
        else
            d->st.ip_malformed++;
        anomaly(d, w, r == SF_IP_TRUNCATED ? SF_ANOM_IP_TRUNCATED : SF_ANOM_IP_MALFORMED, why);
        return;
    }
    if (h.truncated) {
        d->st.ip_truncated++;
        anomaly(d, w, SF_ANOM_IP_TRUNCATED, "captured bytes shorter than the IP length");
    }
    /* the innermost IPv4 header's ID: tells a packet captured twice from a
     * new datagram with the same bytes (flow/duplicate.c) */
    w->meta.has_ip_id = h.version == 4;
    w->meta.ip_id = h.version == 4 ? (uint16_t)h.frag_id : 0;
    if (h.fragment) {
        decode_fragment(d, w, &h, p);
        return;
    }
    ip_addrs_t a = {h.version, h.src, h.dst};
    decode_l4(d, w, &a, h.proto, p + h.hdr_len, h.payload_len, h.truncated);
}

static void decode_link(sf_net_decoder_t *d, walk_t *w, uint32_t linktype, const uint8_t *p,
                        uint32_t len)
{
    sf_l3_t l3;
    const char *why = NULL;
    sf_link_result_t r = sf_link_decode(linktype, p, len, &l3, &why);
    if (r == SF_LINK_UNSUPPORTED) {
        /* counted only: the capture layer reports an unsupported link type
         * once per input (docs/anomalies.md), with pcap's name for it */
        d->st.link_errors++;
        return;
    }
    if (r != SF_LINK_OK) {
        link_error(d, w, r, why);
        return;
    }
    if (w->vlan == 0) w->vlan = l3.vlan;
    if (l3.proto == SF_L3_NONE) {
        if (w->depth == 0) d->st.non_ip++;
        return;
    }
    decode_ip(d, w, l3.proto, p + l3.offset, len - l3.offset);
}

void sf_net_decoder_push(sf_net_decoder_t *d, const sf_packet_t *pkt)
{
    d->st.packets++;
    sf_defrag_expire(d->defrag, pkt->ts);
    walk_t w;
    w.pkt = pkt;
    w.vlan = 0;
    w.depth = 0;
    w.tunnelled = false;
    w.meta.file = pkt->file;
    w.meta.frames[0] = pkt->frame;
    w.meta.n_frames = 1;
    w.meta.frames_omitted = 0;
    w.meta.ts = pkt->ts;
    w.meta.transport = SF_TRANSPORT_UDP;
    w.meta.vlan = 0;
    w.meta.iface = pkt->iface;
    w.meta.ip_id = 0;
    w.meta.has_ip_id = false;
    decode_link(d, &w, pkt->linktype, pkt->data, pkt->caplen);
    if (w.tunnelled) d->st.tunnelled++;
}

void sf_net_decoder_finish(sf_net_decoder_t *d)
{
    sf_defrag_finish(d->defrag);
}

void sf_net_decoder_get_stats(const sf_net_decoder_t *d, sf_net_stats_t *st)
{
    *st = d->st;
    sf_defrag_get_stats(d->defrag, &st->defrag);
}

void sf_net_decoder_destroy(sf_net_decoder_t *d)
{
    if (!d) return;
    sf_defrag_destroy(d->defrag);
    free(d);
}
