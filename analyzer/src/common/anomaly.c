/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stdio.h>

#include "sipflow/anomaly.h"

static const struct {
    const char *name;
    sf_layer_t layer;
} kinds[SF_ANOM_KIND_COUNT] = {
    [SF_ANOM_FILE_UNREADABLE] = {"file-unreadable", SF_LAYER_CAPTURE},
    [SF_ANOM_FILE_TRUNCATED] = {"file-truncated", SF_LAYER_CAPTURE},
    [SF_ANOM_FILE_CORRUPT] = {"file-corrupt", SF_LAYER_CAPTURE},
    [SF_ANOM_RECORD_INVALID] = {"record-invalid", SF_LAYER_CAPTURE},
    [SF_ANOM_LINKTYPE_UNSUPPORTED] = {"linktype-unsupported", SF_LAYER_CAPTURE},
    [SF_ANOM_LINK_TRUNCATED] = {"link-truncated", SF_LAYER_LINK},
    [SF_ANOM_LINK_MALFORMED] = {"link-malformed", SF_LAYER_LINK},
    [SF_ANOM_TUNNEL_TOO_DEEP] = {"tunnel-too-deep", SF_LAYER_LINK},
    [SF_ANOM_IP_MALFORMED] = {"ip-malformed", SF_LAYER_IP},
    [SF_ANOM_IP_TRUNCATED] = {"ip-truncated", SF_LAYER_IP},
    [SF_ANOM_FRAG_OVERLAP] = {"frag-overlap", SF_LAYER_IP},
    [SF_ANOM_FRAG_INCOMPLETE] = {"frag-incomplete", SF_LAYER_IP},
    [SF_ANOM_FRAG_EVICTED] = {"frag-evicted", SF_LAYER_IP},
    [SF_ANOM_FRAG_TOO_BIG] = {"frag-too-big", SF_LAYER_IP},
    [SF_ANOM_UDP_MALFORMED] = {"udp-malformed", SF_LAYER_UDP},
    [SF_ANOM_TCP_MALFORMED] = {"tcp-malformed", SF_LAYER_TCP},
    [SF_ANOM_TCP_GAP] = {"tcp-gap", SF_LAYER_TCP},
    [SF_ANOM_TCP_CONFLICT] = {"tcp-conflict", SF_LAYER_TCP},
    [SF_ANOM_TCP_EVICTED] = {"tcp-evicted", SF_LAYER_TCP},
    [SF_ANOM_TCP_BUFFER_FULL] = {"tcp-buffer-full", SF_LAYER_TCP},
    [SF_ANOM_SCTP_MALFORMED] = {"sctp-malformed", SF_LAYER_SCTP},
    [SF_ANOM_SCTP_INCOMPLETE] = {"sctp-incomplete", SF_LAYER_SCTP},
    [SF_ANOM_SCTP_EVICTED] = {"sctp-evicted", SF_LAYER_SCTP},
    [SF_ANOM_SCTP_CONFLICT] = {"sctp-conflict", SF_LAYER_SCTP},
    [SF_ANOM_HEP_MALFORMED] = {"hep-malformed", SF_LAYER_HEP},
    [SF_ANOM_HEP_LATE] = {"hep-late", SF_LAYER_HEP},
    [SF_ANOM_SIP_MALFORMED] = {"sip-malformed", SF_LAYER_SIP},
    [SF_ANOM_SIP_NO_CONTENT_LENGTH] = {"sip-no-content-length", SF_LAYER_SIP},
    [SF_ANOM_SIP_TRAILING_BYTES] = {"sip-trailing-bytes", SF_LAYER_SIP},
    [SF_ANOM_SIP_TRUNCATED] = {"sip-truncated", SF_LAYER_SIP},
    [SF_ANOM_SIP_TOO_LARGE] = {"sip-too-large", SF_LAYER_SIP},
    [SF_ANOM_SIP_RESYNC] = {"sip-resync", SF_LAYER_SIP},
    [SF_ANOM_WS_MALFORMED] = {"ws-malformed", SF_LAYER_TCP},
    [SF_ANOM_WS_RESYNC] = {"ws-resync", SF_LAYER_TCP},
    [SF_ANOM_TLS_ENCRYPTED] = {"tls-encrypted", SF_LAYER_TCP},
};

const char *sf_anomaly_kind_name(sf_anomaly_kind_t kind)
{
    return (unsigned)kind < SF_ANOM_KIND_COUNT ? kinds[kind].name : "unknown";
}

sf_layer_t sf_anomaly_kind_layer(sf_anomaly_kind_t kind)
{
    return (unsigned)kind < SF_ANOM_KIND_COUNT ? kinds[kind].layer : SF_LAYER_CAPTURE;
}

const char *sf_layer_name(sf_layer_t layer)
{
    static const char *const names[SF_LAYER_COUNT] = {"capture", "link", "ip", "udp",
                                                      "tcp",     "sctp", "hep", "sip"};
    return (unsigned)layer < SF_LAYER_COUNT ? names[layer] : "unknown";
}

void sf_anomaly_emit(const sf_anomaly_sink_t *sink, uint32_t file, uint64_t frame, sf_ts_t ts,
                     sf_anomaly_kind_t kind, const char *fmt, ...)
{
    if (!sink || !sink->fn) return;
    char reason[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    sf_anomaly_t a = {
        .file = file,
        .frame = frame,
        .ts = ts,
        .layer = sf_anomaly_kind_layer(kind),
        .kind = kind,
        .reason = reason,
    };
    sink->fn(sink->user, &a);
}
