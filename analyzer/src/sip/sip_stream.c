/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Stream framing (RFC 3261 18.3): cuts one direction of a reliable stream
 * into SIP messages. End of headers (an empty line) plus Content-Length
 * delimit each message; CRLF keep-alives (RFC 5626 4.4.1) between messages
 * are skipped; bytes that do not begin a message are skipped until a start
 * line appears at a line start.
 *
 * States: HUNT (at or before a line start, looking for a start line or a
 * keep-alive), HEADERS (scanning for the empty line), BODY (counting
 * Content-Length bytes), SKIP (discarding the rest of an oversized message
 * whose length is known, so its body is not mistaken for messages).
 *
 * Zero-copy: a message that lies wholly in one pushed chunk, with nothing
 * buffered before it, is handed on in place. Only a message that spans
 * chunks is copied into the stream's buffer, and then only its own bytes
 * (the rest of the chunk is framed in place again). */
#include <stdlib.h>
#include <string.h>

#include "sipflow/sip_framing.h"
#include "sipflow/sip_msg.h"

#include "framing_scan.h"

#define SF_SIP_STREAM_DEFAULT_MAX (256u * 1024u)
/* A start-line candidate is buffered at most this long while undecided
 * (the start-line scanner itself gives up at 8 KiB), so a non-SIP stream
 * never holds more than this. */
#define SF_SIP_HUNT_MAX 8194u
/* First allocation of a stream's buffer. Small, because thousands of
 * streams may each hold only the start of a message (50,000 open streams
 * must fit in 64 MB: issue 6, tests/hostile case tcp-stream-flood); the
 * buffer doubles from here for the few messages that need more. */
#define SF_SIP_BUF_MIN 128u
/* A buffer grown past this for one large message is released after it, so
 * thousands of idle streams do not each keep their high-water mark. */
#define SF_SIP_BUF_KEEP 16384u

typedef enum stream_state {
    ST_HUNT = 0,
    ST_HEADERS,
    ST_BODY,
    ST_SKIP,
} stream_state_t;

struct sf_sip_stream {
    uint32_t max_message;
    uint32_t hunt_max;
    sf_msg_meta_t meta;
    sf_sip_raw_sink_t sink;
    sf_anomaly_sink_t anomalies;
    sf_sip_stream_stats_t stats;

    stream_state_t st;
    bool at_line_start; /* HUNT: the next byte begins a line */
    bool seen_sip;      /* a message was framed on this stream */
    bool after_gap;     /* bytes were lost since the last start line */

    /* Keep-alive run between messages: counted when it ends, so the count
     * does not depend on how the bytes were chunked. */
    bool ka_run;
    uint32_t ka_lfs;
    uint64_t skip_run; /* junk bytes skipped since the last start line */

    /* The message (or HUNT start-line candidate) in progress. Its bytes
     * are either in buf[0..blen) or, during a push only, in the pushed
     * chunk from zc (zero-copy), never both. */
    char *buf;
    uint32_t blen, bcap;
    const char *zc;
    bool msg_buffered;
    uint32_t sl_len;  /* start line with its ending */
    sf_hdr_scan_t he; /* end-of-headers scanner */
    uint32_t need;    /* BODY: bytes still missing */
    const char *defect;
    uint64_t skip_left; /* SKIP */
};

sf_sip_stream_t *sf_sip_stream_create(const sf_sip_stream_config_t *cfg,
                                      const sf_msg_meta_t *meta_template,
                                      const sf_sip_raw_sink_t *sink,
                                      const sf_anomaly_sink_t *anomalies)
{
    sf_sip_stream_t *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->max_message = cfg && cfg->max_message ? cfg->max_message : SF_SIP_STREAM_DEFAULT_MAX;
    s->hunt_max = s->max_message < SF_SIP_HUNT_MAX ? s->max_message : SF_SIP_HUNT_MAX;
    if (meta_template) s->meta = *meta_template;
    sf_msg_meta_clear_frames(&s->meta);
    if (sink) s->sink = *sink;
    if (anomalies) s->anomalies = *anomalies;
    s->st = ST_HUNT;
    s->at_line_start = true;
    return s;
}

void sf_sip_stream_destroy(sf_sip_stream_t *s)
{
    if (!s) return;
    free(s->buf);
    free(s);
}

void sf_sip_stream_get_stats(const sf_sip_stream_t *s, sf_sip_stream_stats_t *st)
{
    *st = s->stats;
}

/* Appends to the stream buffer, growing it geometrically. The callers keep
 * blen + n <= max(max_message, hunt_max), so the buffer is bounded. */
static bool buf_append(sf_sip_stream_t *s, const char *p, uint32_t n)
{
    if (n == 0) return true;
    uint64_t want = (uint64_t)s->blen + n;
    if (want > s->bcap) {
        uint64_t cap = s->bcap ? s->bcap : SF_SIP_BUF_MIN;
        while (cap < want)
            cap *= 2;
        if (cap > s->max_message && want <= s->max_message) cap = s->max_message;
        if (cap < want) cap = want;
        char *nb = realloc(s->buf, (size_t)cap);
        if (!nb) return false;
        s->buf = nb;
        s->bcap = (uint32_t)cap;
    }
    memcpy(s->buf + s->blen, p, n);
    s->blen += n;
    return true;
}

static void end_keepalive_run(sf_sip_stream_t *s)
{
    if (!s->ka_run) return;
    /* "\r\n\r\n" (ping) and "\r\n" (pong) each count once. */
    s->stats.keepalives += (s->ka_lfs + 1) / 2;
    s->ka_run = false;
    s->ka_lfs = 0;
}

static void skipped(sf_sip_stream_t *s, uint64_t n)
{
    s->skip_run += n;
    s->stats.resync_bytes += n;
}

/* A skip run ended (start line found, gap, end of stream). Plain non-SIP
 * streams are not anomalies: only report once the stream carried SIP, or
 * when bytes were lost (the skip is then the gap's consequence). */
static void end_skip_run(sf_sip_stream_t *s, uint64_t frame, sf_ts_t ts)
{
    if (s->skip_run && (s->seen_sip || s->after_gap))
        sf_anomaly_emit(&s->anomalies, s->meta.file, frame, ts, SF_ANOM_SIP_RESYNC,
                        "%llu bytes skipped to find a SIP start line",
                        (unsigned long long)s->skip_run);
    s->skip_run = 0;
}

static void drop_message(sf_sip_stream_t *s)
{
    if (s->bcap > SF_SIP_BUF_KEEP) {
        free(s->buf);
        s->buf = NULL;
        s->bcap = 0;
    }
    s->blen = 0;
    s->zc = NULL;
    s->msg_buffered = false;
    s->defect = NULL;
    s->need = 0;
    sf_msg_meta_clear_frames(&s->meta);
}

static void to_hunt(sf_sip_stream_t *s, bool at_line_start)
{
    drop_message(s);
    s->st = ST_HUNT;
    s->at_line_start = at_line_start;
}

static void too_large(sf_sip_stream_t *s, uint64_t size, uint64_t frame, sf_ts_t ts)
{
    s->stats.too_large++;
    if (size)
        sf_anomaly_emit(&s->anomalies, s->meta.file, frame, ts, SF_ANOM_SIP_TOO_LARGE,
                        "message of %llu bytes over the %u-byte limit skipped",
                        (unsigned long long)size, s->max_message);
    else
        sf_anomaly_emit(&s->anomalies, s->meta.file, frame, ts, SF_ANOM_SIP_TOO_LARGE,
                        "header block over the %u-byte limit skipped", s->max_message);
}

static void complete(sf_sip_stream_t *s, const char *end, sf_ts_t ts)
{
    const char *base = s->zc ? s->zc : s->buf;
    uint32_t len = s->zc ? (uint32_t)(end - s->zc) : s->blen;
    s->meta.ts = ts;
    s->stats.messages++;
    if (s->msg_buffered) s->stats.buffered_copies++;
    if (s->sink.message) s->sink.message(s->sink.user, &s->meta, base, len, s->defect);
    s->seen_sip = true;
    to_hunt(s, true);
}

/* The header block ended: find the body length and move to BODY (or SKIP
 * when the message would exceed max_message). hdr_len counts the start
 * line, the header fields and the empty line. */
static void headers_done(sf_sip_stream_t *s, const char *base, uint32_t hdr_len, uint64_t frame,
                         sf_ts_t ts)
{
    uint32_t v = 0;
    const char *defect = NULL;
    sf_cl_result_t r = sf_sip_content_length(base, s->sl_len, hdr_len, &s->he, &v, &defect);
    if (r == SF_CL_ABSENT) {
        /* RFC 3261 18.3: mandatory on streams; without it the body cannot
         * be delimited, so it is taken as empty. */
        defect = "no Content-Length on a stream transport";
        sf_anomaly_emit(&s->anomalies, s->meta.file, frame, ts, SF_ANOM_SIP_NO_CONTENT_LENGTH,
                        "message without Content-Length on a stream; body taken as empty");
    }
    if (r != SF_CL_OK) v = 0; /* invalid or huge: never trusted as a size */
    uint64_t total = (uint64_t)hdr_len + v;
    if (total > s->max_message) {
        too_large(s, total, frame, ts);
        drop_message(s);
        s->st = ST_SKIP;
        s->skip_left = v;
        return;
    }
    s->defect = defect;
    s->need = v;
    s->st = ST_BODY;
}

/* Starts a message whose start line (sl bytes) is at the beginning of its
 * bytes (zero-copy at zc, or in buf). */
static void start_message(sf_sip_stream_t *s, uint32_t sl, uint64_t frame, sf_ts_t ts)
{
    end_keepalive_run(s);
    end_skip_run(s, frame, ts);
    s->after_gap = false;
    s->sl_len = sl;
    const char *base = s->zc ? s->zc : s->buf;
    sf_sip_hdr_scan_init(&s->he, base[sl - 1] == '\n');
    s->defect = NULL;
    s->st = ST_HEADERS;
}

static uint32_t hunt(sf_sip_stream_t *s, const char *p, uint32_t len, uint32_t i, uint64_t frame,
                     sf_ts_t ts)
{
    uint32_t avail = len - i;
    if (s->blen) {
        /* An undecided start-line candidate: extend it up to its line end. */
        uint32_t room = s->hunt_max - s->blen;
        uint32_t lim = avail < room ? avail : room;
        const char *q = memchr(p + i, '\n', lim);
        uint32_t take = q ? (uint32_t)(q - (p + i)) + 1 : lim;
        if (!buf_append(s, p + i, take)) {
            skipped(s, s->blen);
            to_hunt(s, false);
            return i + take;
        }
        sf_msg_meta_add_frame(&s->meta, frame);
        i += take;
        int32_t r = sf_sip_start_line_check(s->buf, s->blen);
        if (r > 0 && (uint32_t)r == s->blen) {
            start_message(s, (uint32_t)r, frame, ts);
            return i;
        }
        if (r < 0 && !q && s->blen < s->hunt_max) return i; /* still undecided */
        /* Not a start line (or one followed by bytes of its own line,
         * which cannot happen with a line-based check). */
        bool line_start = s->buf[s->blen - 1] == '\n';
        skipped(s, s->blen);
        to_hunt(s, line_start);
        return i;
    }
    if (!s->at_line_start) {
        const char *q = memchr(p + i, '\n', avail);
        uint32_t n = q ? (uint32_t)(q - (p + i)) + 1 : avail;
        skipped(s, n);
        s->at_line_start = q != NULL;
        return i + n;
    }
    char c = p[i];
    if ((c == '\r' || c == '\n') && s->skip_run == 0) {
        /* RFC 5626 4.4.1: CRLF keep-alives between messages. */
        s->ka_run = true;
        if (c == '\n') s->ka_lfs++;
        return i + 1;
    }
    end_keepalive_run(s);
    uint32_t lim = avail < s->hunt_max ? avail : s->hunt_max;
    int32_t r = sf_sip_start_line_check(p + i, lim);
    if (r > 0 && (uint32_t)r <= lim) {
        s->zc = p + i;
        sf_msg_meta_clear_frames(&s->meta);
        sf_msg_meta_add_frame(&s->meta, frame);
        start_message(s, (uint32_t)r, frame, ts);
        return i + (uint32_t)r;
    }
    if (r < 0 && lim == avail && !memchr(p + i, '\n', avail)) {
        /* Could still become a start line: keep the (bounded) tail. */
        sf_msg_meta_clear_frames(&s->meta);
        s->msg_buffered = true;
        if (!buf_append(s, p + i, avail)) {
            skipped(s, avail);
            s->at_line_start = false;
            return len;
        }
        sf_msg_meta_add_frame(&s->meta, frame);
        return len;
    }
    /* Not a start line: skip this line. */
    s->at_line_start = false;
    return i;
}

static uint32_t headers(sf_sip_stream_t *s, const char *p, uint32_t len, uint32_t i, uint64_t frame,
                        sf_ts_t ts)
{
    uint32_t avail = len - i;
    uint32_t so_far = s->zc ? (uint32_t)(p + i - s->zc) : s->blen;
    uint32_t room = s->max_message - so_far;
    uint32_t n = avail < room ? avail : room;
    int64_t e = sf_sip_hdr_scan(&s->he, p + i, n, so_far);
    if (e < 0) {
        if (n == avail) {
            if (!s->zc) {
                if (!buf_append(s, p + i, n)) {
                    too_large(s, 0, frame, ts);
                    to_hunt(s, p[len - 1] == '\n');
                    return len;
                }
                sf_msg_meta_add_frame(&s->meta, frame);
            }
            return len;
        }
        too_large(s, 0, frame, ts);
        to_hunt(s, n > 0 && p[i + n - 1] == '\n');
        return i + n;
    }
    uint32_t eu = (uint32_t)e;
    if (!s->zc) {
        if (!buf_append(s, p + i, eu)) {
            too_large(s, 0, frame, ts);
            to_hunt(s, true);
            return i + eu;
        }
        sf_msg_meta_add_frame(&s->meta, frame);
    }
    i += eu;
    const char *base = s->zc ? s->zc : s->buf;
    headers_done(s, base, so_far + eu, frame, ts);
    if (s->st == ST_BODY && s->need == 0) complete(s, p + i, ts);
    return i;
}

static uint32_t body(sf_sip_stream_t *s, const char *p, uint32_t len, uint32_t i, uint64_t frame,
                     sf_ts_t ts)
{
    uint32_t avail = len - i;
    uint32_t n = avail < s->need ? avail : s->need;
    if (!s->zc) {
        /* Cannot fail: the total was checked against max_message. */
        if (!buf_append(s, p + i, n)) {
            too_large(s, 0, frame, ts);
            to_hunt(s, false);
            return i + n;
        }
        sf_msg_meta_add_frame(&s->meta, frame);
    }
    i += n;
    s->need -= n;
    if (s->need == 0) complete(s, p + i, ts);
    return i;
}

void sf_sip_stream_push(sf_sip_stream_t *s, const uint8_t *data, uint32_t len, uint64_t frame,
                        sf_ts_t ts)
{
    if (!s || !data || len == 0) return;
    const char *p = (const char *)data;
    uint32_t i = 0;
    /* Every state either consumes bytes or moves to a state that does, so
     * the loop is bounded by len (plus one state change per byte). */
    while (i < len) {
        switch (s->st) {
        case ST_HUNT:
            i = hunt(s, p, len, i, frame, ts);
            break;
        case ST_HEADERS:
            i = headers(s, p, len, i, frame, ts);
            break;
        case ST_BODY:
            i = body(s, p, len, i, frame, ts);
            break;
        case ST_SKIP: {
            uint64_t n = len - i < s->skip_left ? len - i : s->skip_left;
            i += (uint32_t)n;
            s->skip_left -= n;
            if (s->skip_left == 0) to_hunt(s, true);
            break;
        }
        }
    }
    if (s->zc) {
        /* The message continues in the next chunk: keep its bytes. */
        const char *zc = s->zc;
        s->zc = NULL;
        s->msg_buffered = true;
        if (!buf_append(s, zc, (uint32_t)(p + len - zc))) {
            too_large(s, 0, frame, ts);
            to_hunt(s, false);
        }
    }
}

/* A message in progress cannot be completed any more. */
static void truncate_message(sf_sip_stream_t *s, const char *why, uint64_t frame, sf_ts_t ts)
{
    sf_anomaly_emit(&s->anomalies, s->meta.file, frame, ts, SF_ANOM_SIP_TRUNCATED,
                    "partial message of %u bytes dropped: %s", s->blen, why);
}

void sf_sip_stream_gap(sf_sip_stream_t *s, uint64_t missing, uint64_t frame, sf_ts_t ts)
{
    if (!s) return;
    end_keepalive_run(s);
    switch (s->st) {
    case ST_HUNT:
        if (s->blen) skipped(s, s->blen);
        to_hunt(s, true);
        break;
    case ST_HEADERS:
        truncate_message(s, "bytes missing from the stream", frame, ts);
        to_hunt(s, true);
        break;
    case ST_BODY: {
        truncate_message(s, "bytes missing from the stream", frame, ts);
        uint32_t need = s->need;
        drop_message(s);
        if (missing < need) {
            /* The gap lies inside this body: skip the rest of it rather
             * than hunting for start lines in body bytes. */
            s->st = ST_SKIP;
            s->skip_left = need - missing;
        } else {
            to_hunt(s, true);
        }
        break;
    }
    case ST_SKIP:
        if (missing < s->skip_left)
            s->skip_left -= missing;
        else
            to_hunt(s, true);
        break;
    }
    end_skip_run(s, frame, ts);
    /* After a gap the next byte may well begin a message (the lost segment
     * ended one), so HUNT tries it as a line start. */
    s->after_gap = true;
}

void sf_sip_stream_finish(sf_sip_stream_t *s, uint64_t frame, sf_ts_t ts)
{
    if (!s) return;
    end_keepalive_run(s);
    if (s->st == ST_HEADERS || s->st == ST_BODY)
        truncate_message(s, "the stream ended", frame, ts);
    else if (s->st == ST_HUNT && s->blen)
        skipped(s, s->blen);
    to_hunt(s, true);
    end_skip_run(s, frame, ts);
    s->after_gap = false;
    s->seen_sip = false;
}
