/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The packet path (sipflow/packet_path.h): wiring only. The network decoder
 * (link, IP, tunnels, fragments) hands UDP datagrams and TCP segments here;
 * a datagram is framed (RFC 3261 18.3: one message, bytes after the body
 * discarded and counted) and parsed; a segment goes to TCP reassembly,
 * whose in-order bytes feed one stream framer per direction, whose
 * messages are parsed like datagrams. SIP is recognised by content on any
 * port; a datagram that is not SIP is ignored silently. A stream direction
 * may carry SIP over WebSocket or TLS instead: a demux picks its reader. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sipflow/hep.h"
#include "sipflow/hep_stream.h"
#include "sipflow/ip.h"
#include "sipflow/net_decode.h"
#include "sipflow/packet_path.h"
#include "sipflow/sctp.h"
#include "sipflow/sip_framing.h"
#include "sipflow/stream_demux.h"
#include "sipflow/tls.h"

struct sf_packet_path {
    sf_packet_path_config_t cfg;
    sf_sip_sink_t sink;
    sf_anomaly_sink_t anom;
    sf_net_decoder_t *net;
    sf_tcp_reasm_t *tcp;
    sf_sip_parser_t *parser;
    sf_sip_raw_sink_t raw;
    sf_sip_stream_config_t stream_cfg;
    sf_tls_peers_t *tls_peers; /* hosts that spoke SIP over TLS (tls.h) */
    sf_sctp_reasm_t *sctp;     /* SCTP associations (sctp.h) */
    /* HEP decapsulation + reorder window */
    sf_hep_input_t *hep;
    sf_hep_packet_sink_t hep_packets; /* HEP3 packets out of TCP streams */
    uint16_t cur_vlan;                /* VLAN of the segment being reassembled */
    uint32_t cur_iface;               /* pcapng interface of that segment */
    bool destroying;                  /* streams closed by destroy deliver nothing */
    uint64_t sip_messages, sip_malformed, sip_trailing_bytes;
};

void sf_packet_path_config_default(sf_packet_path_config_t *cfg)
{
    sf_defrag_config_t dc;
    sf_defrag_config_default(&dc);
    cfg->frag_max_bytes = dc.max_bytes;
    cfg->frag_max_datagrams = dc.max_datagrams;
    cfg->frag_timeout_ns = dc.timeout_ns;
    sf_tcp_config_default(&cfg->tcp);
    cfg->sip_max_message = 256u * 1024u;
    cfg->max_tunnel_depth = 8;
    sf_hep_config_default(&cfg->hep);
}

/* Reports what is wrong with a parsed message and hands it on.
 * defect_kind: the anomaly kind to report a framing defect as, or
 * SF_ANOM_KIND_COUNT when the framer has reported it already (streams). */
static void hand_on(sf_packet_path_t *pp, const sf_msg_meta_t *meta, sf_sip_msg_t *msg,
                    const char *defect, sf_anomaly_kind_t defect_kind)
{
    if (defect && defect_kind == SF_ANOM_SIP_TRUNCATED) {
        /* a cut message is truncated first of all, whatever else the
         * parser finds missing at its end */
        if (!msg->malformed) {
            msg->malformed = defect;
            msg->malformed_offset = msg->len;
        }
        sf_anomaly_emit(&pp->anom, meta->file, sf_msg_meta_last_frame(meta), meta->ts,
                        SF_ANOM_SIP_TRUNCATED, "%s", defect);
    } else if (msg->malformed) {
        sf_anomaly_emit(&pp->anom, meta->file, sf_msg_meta_last_frame(meta), meta->ts,
                        SF_ANOM_SIP_MALFORMED, "%s (byte %u)", msg->malformed,
                        msg->malformed_offset);
    } else if (defect) {
        msg->malformed = defect;
        msg->malformed_offset = msg->len;
        if (defect_kind != SF_ANOM_KIND_COUNT)
            sf_anomaly_emit(&pp->anom, meta->file, sf_msg_meta_last_frame(meta), meta->ts,
                            defect_kind, "%s", defect);
    }
    if (msg->malformed) pp->sip_malformed++;
    pp->sip_messages++;
    if (pp->sink.message) pp->sink.message(pp->sink.user, meta, msg);
}

/* One SIP datagram (a UDP payload, or a SIP payload from HEP). */
static void sip_datagram(sf_packet_path_t *pp, const sf_msg_meta_t *meta, const char *data,
                         uint32_t len, bool truncated)
{
    sf_sip_msg_t msg;
    /* RFC 3261 18.3: a datagram is one message. It is parsed in place at
     * once (no separate framing scan: the parser's Content-Length and body
     * give the message's end); leading CRLFs (keep-alives, RFC 5626 4.4.1)
     * are skipped. */
    uint32_t i = 0;
    while (i < len && (data[i] == '\r' || data[i] == '\n'))
        i++;
    if (i == len) return;
    if (!sf_sip_parse(pp->parser, data + i, len - i, &msg)) {
        /* Not a start line, but it begins with the SIP version: a broken
         * status line ("SIP/2.0 0 Odd"), not other traffic. Nothing is
         * dropped silently (issue 6, tests/hostile case sip-garbage). */
        if (len - i >= 8 && strncasecmp(data + i, "SIP/2.0 ", 8) == 0)
            sf_anomaly_emit(&pp->anom, meta->file, sf_msg_meta_last_frame(meta), meta->ts,
                            SF_ANOM_SIP_MALFORMED,
                            "status line is not \"SIP/2.0 3DIGIT SP Reason-Phrase\" "
                            "(RFC 3261 7.2): datagram skipped");
        return;
    }
    const char *defect = NULL;
    sf_anomaly_kind_t kind = SF_ANOM_SIP_MALFORMED;
    if (msg.content_length >= 0 && msg.body.p) {
        uint32_t end = (uint32_t)(msg.body.p - msg.buf) + msg.body.len;
        if ((uint64_t)msg.content_length > msg.body.len) {
            defect = "body shorter than Content-Length";
            kind = SF_ANOM_SIP_TRUNCATED;
        } else if (end < msg.len) {
            /* bytes after the declared body are not part of the message */
            uint32_t trailing = msg.len - end;
            pp->sip_trailing_bytes += trailing;
            sf_anomaly_emit(&pp->anom, meta->file, sf_msg_meta_last_frame(meta), meta->ts,
                            SF_ANOM_SIP_TRAILING_BYTES,
                            "%u bytes after the declared body discarded (RFC 3261 18.3)", trailing);
            msg.len = end;
        }
    }
    /* A snaplen-cut datagram whose framing looked complete (no
     * Content-Length, say) is still cut: say so. */
    if (truncated) {
        if (!defect) defect = "datagram cut short by the capture snaplen";
        kind = SF_ANOM_SIP_TRUNCATED;
    }
    hand_on(pp, meta, &msg, defect, kind);
}

static void on_udp(sf_packet_path_t *pp, const sf_net_pdu_t *pdu)
{
    if (pp->destroying) return;
    /* HEP by content on any port; SIP starts with a letter (or CR/LF),
     * so plain SIP pays one byte compare here */
    if (pdu->len >= 4 && (pdu->payload[0] == 'H' || pdu->payload[0] <= 2) &&
        sf_hep_sniff(pdu->payload, pdu->len)) {
        sf_hep_input_packet(pp->hep, pdu->meta, pdu->payload, pdu->len);
        return;
    }
    sip_datagram(pp, pdu->meta, (const char *)pdu->payload, pdu->len, pdu->truncated);
}

/* A SIP payload out of HEP (after the reorder window). A TCP payload may
 * hold several messages: each is framed by its Content-Length. */
static void on_hep_sip(void *user, const sf_msg_meta_t *meta, const uint8_t *p, uint32_t len)
{
    sf_packet_path_t *pp = user;
    const char *data = (const char *)p;
    uint32_t start, mlen, trailing;
    const char *defect;
    if (pp->destroying) return;
    if (meta->transport != SF_TRANSPORT_TCP) {
        sip_datagram(pp, meta, data, len, false);
        return;
    }
    /* each round consumes at least the start line: bounded by len */
    for (uint32_t off = 0; off < len;) {
        if (!sf_sip_frame_datagram(data + off, len - off, &start, &mlen, &trailing, &defect) ||
            !mlen)
            return;
        sip_datagram(pp, meta, data + off + start, mlen, false);
        off += start + mlen;
    }
}

/* RFC 4168 5: one SIP message per SCTP user message, framed like a
 * datagram. */
static void on_sctp_message(void *user, const sf_sctp_message_t *m)
{
    sf_packet_path_t *pp = user;
    if (pp->destroying) return;
    sip_datagram(pp, m->meta, (const char *)m->data, m->len, false);
}

static void on_pdu(void *user, const sf_net_pdu_t *pdu)
{
    sf_packet_path_t *pp = user;
    if (pdu->ip_proto == SF_IPPROTO_UDP) {
        on_udp(pp, pdu);
        return;
    }
    if (pdu->ip_proto == SF_IPPROTO_SCTP) {
        if (!pp->destroying)
            sf_sctp_reasm_packet(pp->sctp, pdu->meta, pdu->payload, pdu->len, pdu->truncated);
        return;
    }
    const sf_msg_meta_t *m = pdu->meta;
    sf_tcp_segment_t seg = {
        .file = m->file,
        .frame = sf_msg_meta_last_frame(m),
        .ts = m->ts,
        .src = m->src,
        .dst = m->dst,
        .seq = pdu->seq,
        .ack = pdu->ack,
        .flags = pdu->flags,
        .window = pdu->window,
        .payload = pdu->payload,
        .len = pdu->len,
    };
    pp->cur_vlan = m->vlan;
    pp->cur_iface = m->iface;
    sf_tcp_reasm_segment(pp->tcp, &seg);
    pp->cur_vlan = 0;
    pp->cur_iface = 0;
}

static void on_raw_message(void *user, const sf_msg_meta_t *meta, const char *buf, uint32_t len,
                           const char *defect)
{
    sf_packet_path_t *pp = user;
    sf_sip_msg_t msg;
    if (pp->destroying || !sf_sip_parse(pp->parser, buf, len, &msg)) return;
    hand_on(pp, meta, &msg, defect, SF_ANOM_KIND_COUNT); /* the framer reported it */
}

static void on_hep_packet(void *user, const sf_msg_meta_t *meta, const uint8_t *p, uint32_t len)
{
    sf_packet_path_t *pp = user;
    if (!pp->destroying) sf_hep_input_packet(pp->hep, meta, p, len);
}

static void *tcp_open(void *user, uint32_t file, const sf_endpoint_t *src, const sf_endpoint_t *dst,
                      uint64_t frame, sf_ts_t ts)
{
    (void)frame;
    sf_packet_path_t *pp = user;
    sf_msg_meta_t tmpl;
    memset(&tmpl, 0, sizeof tmpl);
    tmpl.file = file;
    tmpl.src = *src;
    tmpl.dst = *dst;
    tmpl.transport = SF_TRANSPORT_TCP;
    tmpl.vlan = pp->cur_vlan;
    tmpl.iface = pp->cur_iface;
    tmpl.ts = ts;
    /* The stream's application (SIP, HEP, WebSocket, TLS) is chosen by
     * content from its first bytes (sipflow/stream_demux.h). */
    sf_stream_env_t env = {.meta = tmpl,
                           .sip = &pp->raw,
                           .anomalies = &pp->anom,
                           .max_message = pp->stream_cfg.max_message,
                           .tls_peers = pp->tls_peers,
                           .hep = &pp->hep_packets,
                           .hep_input = pp->hep};
    return sf_stream_demux_create(&env);
}

static void tcp_data(void *user, void *app, const uint8_t *p, uint32_t len, uint64_t frame,
                     sf_ts_t ts)
{
    (void)user;
    if (app) sf_stream_demux_push(app, p, len, frame, ts);
}

static void tcp_gap(void *user, void *app, uint64_t missing, uint64_t frame, sf_ts_t ts)
{
    (void)user;
    if (app) sf_stream_demux_gap(app, missing, frame, ts);
}

static void tcp_close(void *user, void *app, uint64_t frame, sf_ts_t ts)
{
    sf_packet_path_t *pp = user;
    if (!app) return;
    if (!pp->destroying) sf_stream_demux_finish(app, frame, ts);
    sf_stream_demux_destroy(app);
}

sf_packet_path_t *sf_packet_path_create(const sf_packet_path_config_t *cfg,
                                        const sf_sip_sink_t *sink,
                                        const sf_anomaly_sink_t *anomalies)
{
    sf_packet_path_t *pp = calloc(1, sizeof *pp);
    if (!pp) return NULL;
    if (cfg)
        pp->cfg = *cfg;
    else
        sf_packet_path_config_default(&pp->cfg);
    if (sink) pp->sink = *sink;
    if (anomalies) pp->anom = *anomalies;
    pp->raw = (sf_sip_raw_sink_t){on_raw_message, pp};
    pp->stream_cfg.max_message = pp->cfg.sip_max_message;

    sf_net_config_t nc = {
        .defrag = {.max_bytes = pp->cfg.frag_max_bytes,
                   .max_datagrams = pp->cfg.frag_max_datagrams,
                   .timeout_ns = pp->cfg.frag_timeout_ns},
        .max_tunnel_depth = pp->cfg.max_tunnel_depth,
    };
    sf_net_sink_t ns = {on_pdu, pp};
    pp->net = sf_net_decoder_create(&nc, &ns, &pp->anom);
    sf_tcp_callbacks_t cb = {tcp_open, tcp_data, tcp_gap, tcp_close};
    pp->tcp = sf_tcp_reasm_create(&pp->cfg.tcp, &cb, pp, &pp->anom);
    pp->parser = sf_sip_parser_create();
    pp->tls_peers = sf_tls_peers_create();
    sf_sctp_config_t sc;
    sf_sctp_config_default(&sc);
    sc.max_message = pp->cfg.sip_max_message;
    sf_sctp_sink_t ss = {on_sctp_message, pp};
    pp->sctp = sf_sctp_reasm_create(&sc, &ss, &pp->anom);
    sf_hep_release_sink_t hs = {on_hep_sip, pp};
    pp->hep = sf_hep_input_create(&pp->cfg.hep, &hs, &pp->anom);
    pp->hep_packets = (sf_hep_packet_sink_t){on_hep_packet, pp};
    if (!pp->net || !pp->tcp || !pp->parser || !pp->tls_peers || !pp->sctp || !pp->hep) {
        sf_packet_path_destroy(pp);
        return NULL;
    }
    return pp;
}

void sf_packet_path_push(sf_packet_path_t *pp, const sf_packet_t *pkt)
{
    sf_net_decoder_push(pp->net, pkt);
}

void sf_packet_path_finish(sf_packet_path_t *pp)
{
    sf_tcp_reasm_finish(pp->tcp);
    sf_sctp_reasm_finish(pp->sctp);
    sf_net_decoder_finish(pp->net);
    sf_hep_input_finish(pp->hep);
}

void sf_packet_path_get_stats(const sf_packet_path_t *pp, sf_packet_path_stats_t *st)
{
    sf_net_stats_t ns;
    sf_net_decoder_get_stats(pp->net, &ns);
    memset(st, 0, sizeof *st);
    st->packets = ns.packets;
    st->ipv4 = ns.ipv4;
    st->ipv6 = ns.ipv6;
    st->non_ip = ns.non_ip;
    st->tunnelled = ns.tunnelled;
    st->fragments = ns.defrag.fragments;
    st->reassembled = ns.defrag.reassembled;
    st->frag_incomplete = ns.defrag.incomplete;
    st->frag_evicted = ns.defrag.evicted;
    st->frag_overlaps = ns.defrag.overlaps;
    st->frag_pending_peak = ns.defrag.pending_peak;
    st->udp = ns.udp;
    st->tcp = ns.tcp;
    st->icmp = ns.icmp;
    st->sip_messages = pp->sip_messages;
    st->sip_malformed = pp->sip_malformed;
    st->sip_trailing_bytes = pp->sip_trailing_bytes;
    sf_tcp_reasm_get_stats(pp->tcp, &st->tcp_stats);
    st->sctp = ns.sctp;
    sf_sctp_reasm_get_stats(pp->sctp, &st->sctp_stats);
    sf_hep_input_get_stats(pp->hep, &st->hep);
}

void sf_packet_path_destroy(sf_packet_path_t *pp)
{
    if (!pp) return;
    pp->destroying = true;
    if (pp->tcp) sf_tcp_reasm_destroy(pp->tcp);
    sf_sctp_reasm_destroy(pp->sctp);
    sf_net_decoder_destroy(pp->net);
    sf_hep_input_destroy(pp->hep);
    sf_sip_parser_destroy(pp->parser);
    sf_tls_peers_destroy(pp->tls_peers);
    free(pp);
}
