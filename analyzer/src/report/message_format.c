/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sipflow/message_format.h"

void sf_format_message_json(sf_json_t *j, const sf_msg_info_t *info)
{
    const sf_msg_meta_t *meta = info->meta;
    const sf_sip_msg_t *msg = info->msg;
    char b[SF_ENDPOINT_STRLEN > SF_TS_STRLEN ? SF_ENDPOINT_STRLEN : SF_TS_STRLEN];

    sf_json_key(j, "schema_version");
    sf_json_int(j, SF_JSON_SCHEMA_VERSION);
    sf_json_key(j, "file");
    sf_json_uint(j, meta->file);
    sf_json_key(j, "frames");
    sf_json_array_begin(j);
    for (uint32_t i = 0; i < meta->n_frames; i++) sf_json_uint(j, meta->frames[i]);
    sf_json_array_end(j);
    sf_json_key(j, "frames_omitted");
    sf_json_uint(j, meta->frames_omitted);
    sf_json_key(j, "time");
    sf_ts_format(meta->ts, b, sizeof b);
    sf_json_string(j, b);
    sf_json_key(j, "src");
    sf_endpoint_format(&meta->src, b, sizeof b);
    sf_json_string(j, b);
    sf_json_key(j, "dst");
    sf_endpoint_format(&meta->dst, b, sizeof b);
    sf_json_string(j, b);
    sf_json_key(j, "transport");
    sf_json_string(j, sf_transport_name(meta->transport));
    sf_json_key(j, "start_line");
    sf_json_slice(j, msg->start_line);
    sf_json_key(j, "method");
    if (msg->is_request)
        sf_json_slice(j, msg->method);
    else
        sf_json_null(j);
    sf_json_key(j, "status");
    if (msg->is_request)
        sf_json_null(j);
    else
        sf_json_uint(j, msg->status);
    sf_json_key(j, "call_id");
    if (msg->call_id.p)
        sf_json_slice(j, msg->call_id);
    else
        sf_json_null(j);
    sf_json_key(j, "cseq");
    if (msg->has_cseq) {
        sf_json_object_begin(j);
        sf_json_key(j, "seq");
        sf_json_uint(j, msg->cseq);
        sf_json_key(j, "method");
        sf_json_slice(j, msg->cseq_method.p ? msg->cseq_method : (sf_slice_t){"", 0});
        sf_json_object_end(j);
    } else {
        sf_json_null(j);
    }
    sf_json_key(j, "malformed");
    sf_json_string(j, msg->malformed); /* null when well-formed */
    sf_json_key(j, "call");
    if (info->call)
        sf_json_uint(j, info->call);
    else
        sf_json_null(j);
    sf_json_key(j, "dialog");
    if (info->dialog)
        sf_json_uint(j, info->dialog);
    else
        sf_json_null(j);
    sf_json_key(j, "txn");
    if (info->txn)
        sf_json_uint(j, info->txn);
    else
        sf_json_null(j);
    sf_json_key(j, "retransmission");
    sf_json_bool(j, info->retransmission);
    /* the same message seen again (another capture point): its first copy */
    sf_json_key(j, "duplicate_of");
    if (info->duplicate_of) {
        sf_json_object_begin(j);
        sf_json_key(j, "file");
        sf_json_uint(j, info->first_file);
        sf_json_key(j, "frame");
        sf_json_uint(j, info->first_frame);
        sf_json_object_end(j);
    } else {
        sf_json_null(j);
    }
}

void sf_format_anomaly_json(sf_json_t *j, const sf_anomaly_t *a)
{
    char b[SF_TS_STRLEN];
    sf_json_key(j, "schema_version");
    sf_json_int(j, SF_JSON_SCHEMA_VERSION);
    sf_json_key(j, "file");
    sf_json_uint(j, a->file);
    sf_json_key(j, "frame");
    sf_json_uint(j, a->frame);
    sf_json_key(j, "time");
    if (a->frame) {
        sf_ts_format(a->ts, b, sizeof b);
        sf_json_string(j, b);
    } else {
        sf_json_null(j);
    }
    sf_json_key(j, "layer");
    sf_json_string(j, sf_layer_name(a->layer));
    sf_json_key(j, "kind");
    sf_json_string(j, sf_anomaly_kind_name(a->kind));
    sf_json_key(j, "reason");
    sf_json_string(j, a->reason);
}

size_t sf_format_time_text(sf_ts_t ts, bool utc, char *buf, size_t n)
{
    static const uint32_t div[10] = {1000000000, 100000000, 10000000, 1000000, 100000,
                                     10000,      1000,      100,      10,      1};
    struct tm tm;
    time_t t = (time_t)ts.sec;
    if (!(utc ? gmtime_r(&t, &tm) : localtime_r(&t, &tm))) memset(&tm, 0, sizeof tm);
    char base[40];
    strftime(base, sizeof base, "%Y-%m-%d %H:%M:%S", &tm);
    unsigned prec = ts.prec > 9 ? 9 : ts.prec;
    int r = prec ? snprintf(buf, n, "%s.%0*" PRIu32, base, (int)prec, ts.nsec / div[prec])
                 : snprintf(buf, n, "%s", base);
    return r < 0 ? 0 : (size_t)r;
}

size_t sf_format_frames_text(const sf_msg_meta_t *meta, char *buf, size_t n)
{
    size_t used = 0;
    if (n) buf[0] = 0;
    for (uint32_t i = 0; i < meta->n_frames; i++) {
        int r;
        if (meta->frames_omitted && i == meta->n_frames - 1)
            r = snprintf(buf + used, n - used, ",(+%" PRIu32 "),%" PRIu64, meta->frames_omitted,
                         meta->frames[i]);
        else
            r = snprintf(buf + used, n - used, "%s%" PRIu64, i ? "," : "", meta->frames[i]);
        if (r < 0 || (size_t)r >= n - used) break;
        used += (size_t)r;
    }
    return used;
}
