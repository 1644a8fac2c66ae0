/* SPDX-License-Identifier: GPL-2.0-or-later */
/* HEP decapsulation (sipflow/hep_input.h): decode, classify, inflate,
 * build the inner metadata, hand to the reorder window. */
#include <stdlib.h>
#include <string.h>

#include "sipflow/hep.h"
#include "sipflow/hep_input.h"

struct sf_hep_input {
    sf_hep_config_t cfg;
    sf_anomaly_sink_t anom;
    sf_hep_window_t *window;
    sf_hep_inflater_t *zip;
    sf_hep_stats_t st;
};

void sf_hep_config_default(sf_hep_config_t *cfg)
{
    sf_hep_window_config_default(&cfg->window);
    cfg->max_inflate = 256u * 1024u;
}

sf_hep_input_t *sf_hep_input_create(const sf_hep_config_t *cfg, const sf_hep_release_sink_t *sip,
                                    const sf_anomaly_sink_t *anomalies)
{
    sf_hep_input_t *in = calloc(1, sizeof *in);
    if (!in) return NULL;
    if (cfg)
        in->cfg = *cfg;
    else
        sf_hep_config_default(&in->cfg);
    if (anomalies) in->anom = *anomalies;
    /* the window's release sink receives only in-window data: a held
     * message was copied, so inflated bytes may be reused at once */
    in->window = sf_hep_window_create(&in->cfg.window, sip, anomalies);
    in->zip = sf_hep_inflater_create(in->cfg.max_inflate);
    if (!in->window || !in->zip) {
        sf_hep_input_destroy(in);
        return NULL;
    }
    return in;
}

void sf_hep_input_destroy(sf_hep_input_t *in)
{
    if (!in) return;
    sf_hep_window_destroy(in->window);
    sf_hep_inflater_destroy(in->zip);
    free(in);
}

static sf_transport_t transport_of(uint8_t ip_proto)
{
    switch (ip_proto) {
    case 6:
        return SF_TRANSPORT_TCP;
    case 17:
        return SF_TRANSPORT_UDP;
    case 132:
        return SF_TRANSPORT_SCTP;
    default:
        return SF_TRANSPORT_HEP; /* the agent did not say */
    }
}

static void malformed(sf_hep_input_t *in, const sf_msg_meta_t *outer, const char *why)
{
    in->st.malformed++;
    sf_anomaly_emit(&in->anom, outer->file, sf_msg_meta_last_frame(outer), outer->ts,
                    SF_ANOM_HEP_MALFORMED, "%s", why);
}

void sf_hep_input_packet(sf_hep_input_t *in, const sf_msg_meta_t *outer, const uint8_t *p,
                         uint32_t len)
{
    sf_hep_msg_t h;
    const char *why;
    in->st.packets++;
    if (!sf_hep_decode(p, len, &h, &why)) {
        malformed(in, outer, why);
        return;
    }
    if (h.version == 3)
        in->st.v3++;
    else
        in->st.v2++;
    in->st.unknown_chunks += h.unknown_chunks;
    if (!h.payload) {
        in->st.no_payload++;
        return;
    }
    if (h.has_proto_type && h.proto_type != SF_HEP_PROTO_SIP) {
        in->st.non_sip++;
        return;
    }
    const uint8_t *pl = h.payload;
    uint32_t pl_len = h.payload_len;
    if (h.compressed) {
        if (!sf_hep_inflate(in->zip, h.payload, h.payload_len, &pl, &pl_len, &why)) {
            malformed(in, outer, why);
            return;
        }
        in->st.compressed++;
    }
    sf_msg_meta_t meta = *outer;
    if (h.src.family) {
        meta.src = h.src;
        meta.dst = h.dst;
    }
    meta.transport = transport_of(h.ip_proto);
    meta.vlan = h.vlan;
    if (h.has_ts) meta.ts = h.ts;
    in->st.sip++;
    sf_hep_window_push(in->window, &meta, pl, pl_len);
}

void sf_hep_input_finish(sf_hep_input_t *in)
{
    sf_hep_window_flush(in->window);
}

void sf_hep_input_count_stream(sf_hep_input_t *in, uint64_t skipped_bytes)
{
    in->st.tcp_streams++;
    in->st.stream_skipped += skipped_bytes;
}

void sf_hep_input_get_stats(const sf_hep_input_t *in, sf_hep_stats_t *st)
{
    *st = in->st;
    sf_hep_window_get_stats(in->window, &st->window);
}
