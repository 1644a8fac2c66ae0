/* SPDX-License-Identifier: GPL-2.0-or-later */
/* HEP3 stream framing (sipflow/hep_stream.h). Three situations per push:
 * a packet is being buffered (its start came in an earlier chunk), the
 * chunk is aligned on a packet start (the packets lying wholly in it are
 * handed on in place), or the stream is hunting for the next magic after
 * bytes that were not HEP3. Every branch consumes bytes or returns, so a
 * push ends after at most len + a few rounds. */
#include <stdlib.h>
#include <string.h>

#include "sipflow/hep.h"
#include "sipflow/hep_stream.h"

/* A buffer grown past this for one packet is released after it, so many
 * idle streams do not each keep 64 KiB. */
#define HEP_BUF_KEEP 4096u

struct sf_hep_stream {
    sf_msg_meta_t meta;
    sf_hep_packet_sink_t sink;
    sf_anomaly_sink_t anom;
    uint8_t *buf; /* a packet spanning chunks: grown to its declared length (<= 64 KiB) */
    uint32_t cap;
    uint32_t have;
    bool hunting;
    uint64_t skipped;
};

bool sf_hep_stream_sniff(const uint8_t *p, uint32_t len)
{
    return len >= 4 && memcmp(p, "HEP3", 4) == 0;
}

sf_hep_stream_t *sf_hep_stream_create(const sf_msg_meta_t *meta_template,
                                      const sf_hep_packet_sink_t *sink,
                                      const sf_anomaly_sink_t *anomalies)
{
    sf_hep_stream_t *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    if (meta_template) s->meta = *meta_template;
    sf_msg_meta_clear_frames(&s->meta);
    if (sink) s->sink = *sink;
    if (anomalies) s->anom = *anomalies;
    return s;
}

void sf_hep_stream_destroy(sf_hep_stream_t *s)
{
    if (!s) return;
    free(s->buf);
    free(s);
}

uint64_t sf_hep_stream_skipped(const sf_hep_stream_t *s)
{
    return s->skipped;
}

static void emit(sf_hep_stream_t *s, const uint8_t *p, uint32_t len, sf_ts_t ts)
{
    s->meta.ts = ts;
    if (s->sink.packet) s->sink.packet(s->sink.user, &s->meta, p, len);
    sf_msg_meta_clear_frames(&s->meta);
}

static void start_hunt(sf_hep_stream_t *s, uint64_t frame, sf_ts_t ts, const char *why)
{
    s->hunting = true;
    s->have = 0;
    if (s->cap > HEP_BUF_KEEP) { /* as buffer_release */
        free(s->buf);
        s->buf = NULL;
        s->cap = 0;
    }
    sf_msg_meta_clear_frames(&s->meta);
    sf_anomaly_emit(&s->anom, s->meta.file, frame, ts, SF_ANOM_HEP_MALFORMED,
                    "%s: bytes skipped up to the next HEP3 magic", why);
}

static const uint8_t *find_magic(const uint8_t *p, uint32_t n)
{
    for (uint32_t i = 0; i + 4 <= n; i++) {
        const uint8_t *q = memchr(p + i, 'H', n - 3 - i);
        if (!q) return NULL;
        i = (uint32_t)(q - p);
        if (memcmp(q, "HEP3", 4) == 0) return q;
    }
    return NULL;
}

/* Length of the longest suffix of p[0..n) (at most 3) that begins "HEP3". */
static uint32_t magic_tail(const uint8_t *p, uint32_t n)
{
    for (uint32_t k = n < 3 ? n : 3; k > 0; k--)
        if (memcmp(p + n - k, "HEP3", k) == 0) return k;
    return 0;
}

/* Room for n bytes of a packet of at most max bytes (its declared length,
 * <= 65535). The buffer doubles from 256 bytes as bytes arrive, never to
 * the declared length up front: memory follows the bytes a stream really
 * holds, not what a (hostile) length field claims. */
static bool buffer(sf_hep_stream_t *s, uint32_t n, uint32_t max)
{
    if (n < SF_HEP3_HDR_LEN) n = SF_HEP3_HDR_LEN;
    if (s->cap >= n) return true;
    uint32_t ncap = s->cap ? s->cap : 256;
    while (ncap < n)
        ncap *= 2; /* n <= 65535: at most 9 rounds */
    if (ncap > max && max >= n) ncap = max;
    uint8_t *nb = realloc(s->buf, ncap);
    if (!nb) return false;
    s->buf = nb;
    s->cap = ncap;
    return true;
}

static void buffer_release(sf_hep_stream_t *s)
{
    if (s->cap > HEP_BUF_KEEP) {
        free(s->buf);
        s->buf = NULL;
        s->cap = 0;
    }
}

void sf_hep_stream_push(sf_hep_stream_t *s, const uint8_t *data, uint32_t len, uint64_t frame,
                        sf_ts_t ts)
{
    uint32_t off = 0;
    while (off < len) {
        uint32_t rem = len - off;
        if (s->hunting) {
            const uint8_t *m = find_magic(data + off, rem);
            if (m) {
                s->skipped += (uint64_t)(m - (data + off));
                off = (uint32_t)(m - data);
                s->hunting = false;
                continue;
            }
            uint32_t k = magic_tail(data + off, rem);
            s->skipped += rem - k;
            if (k && buffer(s, k, SF_HEP3_HDR_LEN)) { /* a magic may continue in the next chunk */
                memcpy(s->buf, data + len - k, k);
                s->have = k;
                s->hunting = false;
                sf_msg_meta_add_frame(&s->meta, frame);
            }
            return;
        }
        if (s->have) {
            uint32_t start = off;
            if (s->have < SF_HEP3_HDR_LEN) {
                uint32_t take = SF_HEP3_HDR_LEN - s->have;
                if (take > rem) take = rem;
                memcpy(s->buf + s->have, data + off, take);
                s->have += take;
                off += take;
                if (memcmp(s->buf, "HEP3", s->have < 4 ? s->have : 4) != 0) {
                    /* the buffered start was not a magic after all: drop
                     * it, hunt again from this chunk's first byte */
                    s->skipped += s->have - take;
                    start_hunt(s, frame, ts, "HEP3 stream: no HEP3 magic at a packet start");
                    off = start;
                    /* the magic is not at start (it did not match): the
                     * hunt consumes at least one byte */
                    continue;
                }
                if (s->have < SF_HEP3_HDR_LEN) {
                    sf_msg_meta_add_frame(&s->meta, frame);
                    return;
                }
            }
            uint32_t total = sf_hep3_declared_length(s->buf, s->have);
            if (total < SF_HEP3_HDR_LEN) {
                start_hunt(s, frame, ts, "HEP3 stream: total length shorter than the header");
                continue;
            }
            uint32_t take = total - s->have;
            if (take > len - off) take = len - off;
            if (!buffer(s, s->have + take, total)) {
                start_hunt(s, frame, ts, "HEP3 stream: out of memory buffering a packet");
                continue;
            }
            memcpy(s->buf + s->have, data + off, take);
            s->have += take;
            off += take;
            sf_msg_meta_add_frame(&s->meta, frame);
            if (s->have == total) {
                s->have = 0;
                emit(s, s->buf, total, ts);
                buffer_release(s);
            }
            continue;
        }
        /* aligned on what should be a packet start */
        if (memcmp(data + off, "HEP3", rem < 4 ? rem : 4) != 0) {
            start_hunt(s, frame, ts, "HEP3 stream: no HEP3 magic at a packet start");
            continue; /* the magic is not at off: the hunt moves on */
        }
        uint32_t total = rem >= SF_HEP3_HDR_LEN ? sf_hep3_declared_length(data + off, rem) : 0;
        if (rem >= SF_HEP3_HDR_LEN && total < SF_HEP3_HDR_LEN) {
            off += 4;
            start_hunt(s, frame, ts, "HEP3 stream: total length shorter than the header");
            continue;
        }
        if (rem >= SF_HEP3_HDR_LEN && total <= rem) {
            sf_msg_meta_add_frame(&s->meta, frame);
            emit(s, data + off, total, ts);
            off += total;
            continue;
        }
        if (!buffer(s, rem, total > rem ? total : SF_HEP3_HDR_LEN)) return;
        memcpy(s->buf, data + off, rem);
        s->have = rem;
        sf_msg_meta_add_frame(&s->meta, frame);
        return;
    }
}

void sf_hep_stream_gap(sf_hep_stream_t *s, uint64_t missing, uint64_t frame, sf_ts_t ts)
{
    (void)missing;
    if (s->have) {
        s->skipped += s->have;
        start_hunt(s, frame, ts, "HEP3 packet cut by a TCP gap");
    } else {
        /* the lost bytes may have held a packet start */
        s->hunting = true;
        sf_msg_meta_clear_frames(&s->meta);
    }
}

void sf_hep_stream_finish(sf_hep_stream_t *s, uint64_t frame, sf_ts_t ts)
{
    if (s->have) {
        sf_anomaly_emit(&s->anom, s->meta.file, frame, ts, SF_ANOM_HEP_MALFORMED,
                        "HEP3 packet incomplete at the end of the stream (%u bytes)", s->have);
        s->skipped += s->have;
        s->have = 0;
    }
}
