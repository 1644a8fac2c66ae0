/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SIP over WebSocket (sipflow/websocket.h): RFC 6455 framing under RFC 7118.
 *
 * States: HANDSHAKE (the HTTP Upgrade request or 101 answer, up to its
 * empty line, bounded), FRAMES (a frame header being read, or a payload
 * being consumed), LOST (after a gap or an untrustworthy header: hunting
 * for a plausible frame that starts a SIP message), IGNORE (the handshake
 * showed the stream is not SIP over WebSocket).
 *
 * A message's payload is unmasked into the decoder's own buffer (masking
 * makes zero-copy impossible for client frames); an unmasked message in a
 * single frame lying in one pushed chunk is handed on in place. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sipflow/websocket.h"

#define WS_DEFAULT_MAX (256u * 1024u)
/* An Upgrade request is a few hundred bytes; browsers send under 2 KiB. */
#define WS_HANDSHAKE_MAX 8192u
#define WS_BUF_MIN 256u
#define WS_BUF_KEEP 16384u

enum {
    WS_OP_CONT = 0x0,
    WS_OP_TEXT = 0x1,
    WS_OP_BINARY = 0x2,
    WS_OP_CLOSE = 0x8,
    WS_OP_PING = 0x9,
    WS_OP_PONG = 0xA,
};

typedef enum ws_state {
    WS_HANDSHAKE = 0,
    WS_FRAMES,
    WS_LOST,
    WS_IGNORE,
} ws_state_t;

struct sf_ws_stream {
    uint32_t max_message;
    sf_msg_meta_t meta;
    sf_sip_raw_sink_t sink;
    sf_anomaly_sink_t anomalies;
    sf_ws_stats_t stats;
    ws_state_t st;
    sf_ws_start_t start;
    bool sipish; /* the handshake or a message said SIP: report defects */
    bool closed; /* a Close frame was seen */
    bool warned_after_close, warned_mask;

    /* handshake */
    char *hs;
    uint32_t hs_len, hs_cap;

    /* frame header being read */
    uint8_t hdr[14];
    uint32_t hdr_len;
    uint64_t hdr_frame; /* frame of the header's first byte */

    /* frame being consumed */
    uint8_t opcode;
    bool fin, masked, frame_drop;
    uint8_t mask[4];
    uint64_t payload_left, payload_pos;

    /* message being assembled */
    bool in_msg;   /* a data frame began it and no FIN yet */
    bool msg_skip; /* its bytes are discarded until FIN */
    char *buf;
    uint32_t blen, bcap;

    uint64_t lost_run; /* bytes skipped while LOST */
    uint8_t carry[22]; /* LOST: a candidate frame start cut by a chunk end */
    uint32_t carry_len;
    uint64_t carry_frame;
    sf_ts_t carry_ts;
};

/* ---- detection ---- */

static bool prefix_match(const uint8_t *p, uint32_t len, const char *lit, bool *need_more)
{
    uint32_t n = (uint32_t)strlen(lit);
    uint32_t k = len < n ? len : n;
    *need_more = false;
    if (memcmp(p, lit, k) != 0) return false;
    if (len < n) {
        *need_more = true;
        return false;
    }
    return true;
}

bool sf_ws_looks_request(const uint8_t *p, uint32_t len, bool *need_more)
{
    return prefix_match(p, len, "GET ", need_more);
}

bool sf_ws_looks_response(const uint8_t *p, uint32_t len, bool *need_more)
{
    return prefix_match(p, len, "HTTP/1.1 101", need_more);
}

/* The first bytes of a SIP start line: "SIP/2.0 " or a method of at least
 * three upper-case letters then a space (or eight letters: REGISTER). */
static bool sip_start_prefix(const uint8_t *q)
{
    if (memcmp(q, "SIP/2.0 ", 8) == 0) return true;
    uint32_t k = 0;
    while (k < 8 && q[k] >= 'A' && q[k] <= 'Z')
        k++;
    return k >= 3 && (k == 8 || q[k] == ' ');
}

typedef struct frame_hdr {
    uint32_t hlen; /* header bytes, mask key included */
    uint64_t plen;
    bool fin, masked, minimal, msb;
    uint8_t op, rsv;
    uint8_t mask[4];
} frame_hdr_t;

/* Header length from its first two bytes (RFC 6455 5.2). */
static uint32_t header_len(uint8_t b1)
{
    uint32_t l7 = b1 & 0x7fu;
    return 2u + (l7 == 126 ? 2u : l7 == 127 ? 8u : 0u) + (b1 & 0x80u ? 4u : 0u);
}

static void decode_header(const uint8_t *h, frame_hdr_t *f)
{
    f->fin = h[0] & 0x80u;
    f->rsv = h[0] & 0x70u;
    f->op = h[0] & 0x0fu;
    f->masked = h[1] & 0x80u;
    f->hlen = header_len(h[1]);
    uint32_t l7 = h[1] & 0x7fu, at = 2;
    f->msb = false;
    if (l7 == 126) {
        f->plen = (uint64_t)h[2] << 8 | h[3];
        f->minimal = f->plen >= 126;
        at = 4;
    } else if (l7 == 127) {
        f->plen = 0;
        for (int i = 0; i < 8; i++)
            f->plen = f->plen << 8 | h[2 + i];
        f->msb = f->plen >> 63;
        f->minimal = f->plen > 0xffff;
        at = 10;
    } else {
        f->plen = l7;
        f->minimal = true;
    }
    if (f->masked) memcpy(f->mask, h + at, 4);
}

bool sf_ws_looks_sip_frame(const uint8_t *p, uint32_t len, uint64_t max_len, bool *need_more)
{
    *need_more = false;
    if (len < 2) {
        *need_more = len == 0 || ((p[0] & 0x70u) == 0 &&
                                  ((p[0] & 0x0fu) == WS_OP_TEXT || (p[0] & 0x0fu) == WS_OP_BINARY));
        return false;
    }
    uint8_t op = p[0] & 0x0fu;
    if ((p[0] & 0x70u) || (op != WS_OP_TEXT && op != WS_OP_BINARY)) return false;
    uint32_t hl = header_len(p[1]);
    if (len < hl) {
        *need_more = true;
        return false;
    }
    frame_hdr_t f;
    decode_header(p, &f);
    if (f.msb || !f.minimal || f.plen < 8 || f.plen > max_len) return false;
    if (len < hl + 8) {
        *need_more = true;
        return false;
    }
    uint8_t q[8];
    for (uint32_t i = 0; i < 8; i++)
        q[i] = f.masked ? (uint8_t)(p[hl + i] ^ f.mask[i & 3]) : p[hl + i];
    return sip_start_prefix(q);
}

/* ---- the decoder ---- */

sf_ws_stream_t *sf_ws_stream_create(sf_ws_start_t start, uint32_t max_message,
                                    const sf_msg_meta_t *meta_template,
                                    const sf_sip_raw_sink_t *sink,
                                    const sf_anomaly_sink_t *anomalies)
{
    sf_ws_stream_t *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->max_message = max_message ? max_message : WS_DEFAULT_MAX;
    if (meta_template) s->meta = *meta_template;
    s->meta.transport = SF_TRANSPORT_WS;
    sf_msg_meta_clear_frames(&s->meta);
    if (sink) s->sink = *sink;
    if (anomalies) s->anomalies = *anomalies;
    s->start = start;
    s->st = start == SF_WS_START_FRAMES ? WS_FRAMES : WS_HANDSHAKE;
    /* mid-stream pick-up needs a SIP start line in the first frame */
    s->sipish = start == SF_WS_START_FRAMES;
    return s;
}

void sf_ws_stream_destroy(sf_ws_stream_t *s)
{
    if (!s) return;
    free(s->hs);
    free(s->buf);
    free(s);
}

void sf_ws_stream_get_stats(const sf_ws_stream_t *s, sf_ws_stats_t *st)
{
    *st = s->stats;
}

bool sf_ws_stream_ignored(const sf_ws_stream_t *s)
{
    return s->st == WS_IGNORE;
}

#define WS_ANOM(s, frame, ts, kind, ...)                                                           \
    do {                                                                                           \
        if ((s)->sipish)                                                                           \
            sf_anomaly_emit(&(s)->anomalies, (s)->meta.file, (frame), (ts), (kind), __VA_ARGS__);  \
    } while (0)

static void drop_message(sf_ws_stream_t *s)
{
    if (s->bcap > WS_BUF_KEEP) {
        free(s->buf);
        s->buf = NULL;
        s->bcap = 0;
    }
    s->blen = 0;
    s->in_msg = false;
    s->msg_skip = false;
    sf_msg_meta_clear_frames(&s->meta);
}

/* A message that cannot be completed any more. */
static void truncate_message(sf_ws_stream_t *s, const char *why, uint64_t frame, sf_ts_t ts)
{
    if (s->in_msg && !s->msg_skip)
        WS_ANOM(s, frame, ts, SF_ANOM_SIP_TRUNCATED,
                "partial WebSocket message of %u bytes dropped: %s", s->blen, why);
    drop_message(s);
}

static void to_lost(sf_ws_stream_t *s)
{
    s->st = WS_LOST;
    s->carry_len = 0;
    s->hdr_len = 0;
    s->payload_left = 0;
    s->lost_run = 0;
}

static void deliver(sf_ws_stream_t *s, const char *p, uint32_t len, sf_ts_t ts)
{
    s->stats.messages++;
    /* RFC 7118 5.2: one SIP message per WebSocket message. Keep-alives
     * (CRLF) and non-SIP payloads fail the parser above and are dropped. */
    if (len >= 8 && sip_start_prefix((const uint8_t *)p)) s->sipish = true;
    s->meta.ts = ts;
    if (s->sink.message && len) s->sink.message(s->sink.user, &s->meta, p, len, NULL);
    drop_message(s);
}

static bool buf_reserve(sf_ws_stream_t *s, uint64_t want)
{
    if (want <= s->bcap) return true;
    uint64_t cap = s->bcap ? s->bcap : WS_BUF_MIN;
    while (cap < want)
        cap *= 2;
    if (cap > s->max_message) cap = s->max_message;
    if (cap < want) return false;
    char *nb = realloc(s->buf, (size_t)cap);
    if (!nb) return false;
    s->buf = nb;
    s->bcap = (uint32_t)cap;
    return true;
}

/* ---- handshake (RFC 6455 4.1, 4.2.2) ---- */

/* The value of header `name` in the block, or NULL. *vlen its length. */
static const char *header_value(const char *h, uint32_t len, const char *name, uint32_t *vlen)
{
    size_t nl = strlen(name);
    const char *end = h + len;
    const char *line = memchr(h, '\n', len);
    while (line && line + 1 < end) {
        line++;
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        if (!eol) eol = end;
        if ((size_t)(eol - line) > nl && strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
            const char *v = line + nl + 1;
            const char *ve = eol;
            while (v < ve && (*v == ' ' || *v == '\t'))
                v++;
            while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t'))
                ve--;
            *vlen = (uint32_t)(ve - v);
            return v;
        }
        line = eol < end ? eol : NULL;
    }
    return NULL;
}

/* A comma-separated token list (RFC 7230 7) holds tok, case-insensitive. */
static bool list_has(const char *v, uint32_t len, const char *tok)
{
    size_t tl = strlen(tok);
    uint32_t i = 0;
    while (i < len) {
        while (i < len && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        uint32_t b = i;
        while (i < len && v[i] != ',' && v[i] != ' ' && v[i] != '\t' && v[i] != ';')
            i++;
        if (i - b == tl && strncasecmp(v + b, tok, tl) == 0) return true;
        while (i < len && v[i] != ',')
            i++;
    }
    return false;
}

static void handshake_done(sf_ws_stream_t *s, uint64_t frame, sf_ts_t ts)
{
    uint32_t vl = 0;
    const char *up = header_value(s->hs, s->hs_len, "Upgrade", &vl);
    bool upgrade = up && list_has(up, vl, "websocket");
    const char *proto = header_value(s->hs, s->hs_len, "Sec-WebSocket-Protocol", &vl);
    bool sip = proto && list_has(proto, vl, "sip");
    free(s->hs);
    s->hs = NULL;
    s->hs_len = s->hs_cap = 0;
    if (s->start == SF_WS_START_REQUEST && !upgrade) {
        s->st = WS_IGNORE; /* plain HTTP, not our business */
        return;
    }
    if (proto && !sip) {
        s->st = WS_IGNORE; /* a WebSocket for another subprotocol */
        return;
    }
    /* RFC 7118 4: "sip" is the subprotocol; a missing header is tolerated
     * (messages are still tried as SIP) but defects are only reported once
     * something says SIP. */
    s->sipish = sip;
    if (!upgrade)
        WS_ANOM(s, frame, ts, SF_ANOM_WS_MALFORMED,
                "101 answer without \"Upgrade: websocket\" (RFC 6455 4.2.2)");
    s->st = WS_FRAMES;
}

static uint32_t handshake(sf_ws_stream_t *s, const uint8_t *p, uint32_t len, uint32_t i,
                          uint64_t frame, sf_ts_t ts)
{
    /* Copy up to the end of the header block (an empty line). */
    while (i < len) {
        if (s->hs_len == s->hs_cap && s->hs_cap < WS_HANDSHAKE_MAX) {
            /* grown as bytes come: many streams may each hold a start */
            uint32_t cap = s->hs_cap ? s->hs_cap * 2 : 512u;
            char *nb = realloc(s->hs, cap);
            if (!nb) {
                to_lost(s);
                return i;
            }
            s->hs = nb;
            s->hs_cap = cap;
        }
        if (s->hs_len == WS_HANDSHAKE_MAX) {
            WS_ANOM(s, frame, ts, SF_ANOM_WS_MALFORMED,
                    "WebSocket handshake over %u bytes without an empty line", WS_HANDSHAKE_MAX);
            free(s->hs);
            s->hs = NULL;
            s->hs_len = s->hs_cap = 0;
            to_lost(s);
            return i;
        }
        char c = (char)p[i++];
        s->hs[s->hs_len++] = c;
        if (c == '\n') {
            uint32_t n = s->hs_len;
            bool end = (n >= 2 && s->hs[n - 2] == '\n') ||
                       (n >= 4 && s->hs[n - 2] == '\r' && s->hs[n - 3] == '\n');
            if (end) {
                handshake_done(s, frame, ts);
                return i;
            }
        }
    }
    return i;
}

/* ---- frames (RFC 6455 5) ---- */

static void frame_end(sf_ws_stream_t *s, uint64_t frame, sf_ts_t ts)
{
    bool data = !(s->opcode & 0x8u);
    if (data && s->fin && s->in_msg) {
        if (s->msg_skip)
            drop_message(s);
        else
            deliver(s, s->buf, s->blen, ts);
    }
    (void)frame;
    s->frame_drop = false;
}

/* A whole header is in s->hdr: check it and start its frame. */
static void start_frame(sf_ws_stream_t *s, uint64_t frame, sf_ts_t ts)
{
    frame_hdr_t f;
    decode_header(s->hdr, &f);
    s->hdr_len = 0;
    s->stats.frames++;
    bool control = f.op & 0x8u;
    if ((f.op > WS_OP_BINARY && f.op < WS_OP_CLOSE) || f.op > WS_OP_PONG || f.msb) {
        /* Nothing after an unknown opcode or an impossible length can be
         * trusted (RFC 6455 5.2 says fail the connection). */
        if (f.msb)
            WS_ANOM(s, frame, ts, SF_ANOM_WS_MALFORMED,
                    "WebSocket frame length with its most significant bit set (RFC 6455 5.2)");
        else
            WS_ANOM(s, frame, ts, SF_ANOM_WS_MALFORMED,
                    "WebSocket frame with reserved opcode %u (RFC 6455 5.2)", f.op);
        truncate_message(s, "invalid WebSocket frame", frame, ts);
        to_lost(s);
        return;
    }
    s->opcode = f.op;
    s->fin = f.fin;
    s->masked = f.masked;
    memcpy(s->mask, f.mask, 4);
    s->payload_left = f.plen;
    s->payload_pos = 0;
    s->frame_drop = false;
    if (!f.minimal)
        WS_ANOM(s, frame, ts, SF_ANOM_WS_MALFORMED,
                "WebSocket length %llu not in its minimal form (RFC 6455 5.2)",
                (unsigned long long)f.plen);
    if (!s->warned_mask && ((s->start == SF_WS_START_REQUEST && !f.masked) ||
                            (s->start == SF_WS_START_RESPONSE && f.masked))) {
        s->warned_mask = true;
        WS_ANOM(s, frame, ts, SF_ANOM_WS_MALFORMED,
                f.masked ? "server frame masked (RFC 6455 5.1)"
                         : "client frame not masked (RFC 6455 5.1)");
    }
    if (control) {
        s->stats.control++;
        if (!f.fin || f.plen > 125)
            WS_ANOM(s, frame, ts, SF_ANOM_WS_MALFORMED, "WebSocket control frame %s (RFC 6455 5.5)",
                    !f.fin ? "fragmented" : "longer than 125 bytes");
        if (f.op == WS_OP_CLOSE) s->closed = true;
        s->frame_drop = true; /* ping/pong/close payloads are not kept */
    } else {
        if (s->closed && !s->warned_after_close) {
            s->warned_after_close = true;
            WS_ANOM(s, frame, ts, SF_ANOM_WS_MALFORMED,
                    "WebSocket data frame after a Close frame (RFC 6455 5.5.1)");
        }
        if (f.op == WS_OP_CONT) {
            if (!s->in_msg) {
                WS_ANOM(s, frame, ts, SF_ANOM_WS_MALFORMED,
                        "WebSocket continuation frame without a message to continue "
                        "(RFC 6455 5.4)");
                s->frame_drop = true;
            }
        } else {
            if (s->in_msg) {
                WS_ANOM(s, frame, ts, SF_ANOM_WS_MALFORMED,
                        "new WebSocket message before the fragmented one ended (RFC 6455 5.4): "
                        "%u bytes dropped",
                        s->blen);
                drop_message(s);
            }
            s->in_msg = true;
            sf_msg_meta_clear_frames(&s->meta);
        }
        if (s->in_msg && f.rsv && !s->msg_skip) {
            /* No extension is negotiated for SIP (permessage-deflate is
             * not decoded): the payload cannot be read. */
            WS_ANOM(s, frame, ts, SF_ANOM_WS_MALFORMED,
                    "WebSocket frame with RSV bits 0x%x (an extension sipflow does not "
                    "decode, RFC 6455 5.2): message skipped",
                    f.rsv >> 4);
            s->msg_skip = true;
            s->blen = 0;
        }
        if (s->in_msg && !s->msg_skip && s->blen + f.plen > s->max_message) {
            WS_ANOM(s, frame, ts, SF_ANOM_SIP_TOO_LARGE,
                    "WebSocket message over the %u-byte limit skipped", s->max_message);
            s->msg_skip = true;
            s->blen = 0;
        }
        if (s->in_msg && s->msg_skip) s->frame_drop = true;
        if (s->in_msg && !s->msg_skip) {
            sf_msg_meta_add_frame(&s->meta, s->hdr_frame);
            sf_msg_meta_add_frame(&s->meta, frame);
        }
    }
    if (s->payload_left == 0) frame_end(s, frame, ts);
}

static uint32_t header(sf_ws_stream_t *s, const uint8_t *p, uint32_t len, uint32_t i,
                       uint64_t frame, sf_ts_t ts)
{
    if (s->hdr_len == 0) s->hdr_frame = frame;
    while (i < len) {
        uint32_t need = s->hdr_len < 2 ? 2 : header_len(s->hdr[1]);
        if (s->hdr_len == need) break;
        uint32_t n = need - s->hdr_len;
        if (n > len - i) n = len - i;
        memcpy(s->hdr + s->hdr_len, p + i, n);
        s->hdr_len += n;
        i += n;
    }
    if (s->hdr_len >= 2 && s->hdr_len == header_len(s->hdr[1])) start_frame(s, frame, ts);
    return i;
}

static uint32_t payload(sf_ws_stream_t *s, const uint8_t *p, uint32_t len, uint32_t i,
                        uint64_t frame, sf_ts_t ts)
{
    uint64_t avail = len - i;
    uint32_t n = (uint32_t)(avail < s->payload_left ? avail : s->payload_left);
    if (!s->frame_drop) {
        if (!s->masked && s->fin && s->blen == 0 && n == s->payload_left &&
            s->opcode != WS_OP_CONT) {
            /* zero-copy: a whole unfragmented unmasked message in hand */
            s->payload_left = 0;
            s->frame_drop = false;
            deliver(s, (const char *)p + i, n, ts);
            return i + n;
        }
        if (!buf_reserve(s, (uint64_t)s->blen + n)) {
            WS_ANOM(s, frame, ts, SF_ANOM_SIP_TOO_LARGE,
                    "WebSocket message over the %u-byte limit skipped", s->max_message);
            s->msg_skip = true;
            s->frame_drop = true;
            s->blen = 0;
        } else {
            char *d = s->buf + s->blen;
            if (s->masked) {
                /* RFC 6455 5.3: octet i XOR mask[i mod 4] */
                for (uint32_t k = 0; k < n; k++)
                    d[k] = (char)(p[i + k] ^ s->mask[(s->payload_pos + k) & 3u]);
            } else {
                memcpy(d, p + i, n);
            }
            s->blen += n;
            sf_msg_meta_add_frame(&s->meta, frame);
        }
    }
    s->payload_left -= n;
    s->payload_pos += n;
    if (s->payload_left == 0) frame_end(s, frame, ts);
    return i + n;
}

/* Bytes a LOST candidate needs to be judged: the longest header and the
 * start-line prefix. */
#define WS_PROBE 22u

static void lost_found(sf_ws_stream_t *s, uint64_t skipped, uint64_t frame, sf_ts_t ts)
{
    s->lost_run += skipped;
    s->stats.resync_bytes += skipped;
    if (s->lost_run)
        WS_ANOM(s, frame, ts, SF_ANOM_WS_RESYNC,
                "%llu bytes skipped to find the next WebSocket frame",
                (unsigned long long)s->lost_run);
    s->lost_run = 0;
    s->st = WS_FRAMES;
}

static uint32_t lost(sf_ws_stream_t *s, const uint8_t *p, uint32_t len, uint32_t i, uint64_t frame,
                     sf_ts_t ts)
{
    for (uint32_t j = i; j < len; j++) {
        uint8_t b = p[j];
        if ((b & 0x7fu) != WS_OP_TEXT && (b & 0x7fu) != WS_OP_BINARY) continue;
        bool more = false;
        if (sf_ws_looks_sip_frame(p + j, len - j, s->max_message, &more)) {
            lost_found(s, j - i, frame, ts);
            return j;
        }
        if (more) {
            /* A candidate cut by the chunk's end (fewer than WS_PROBE
             * bytes left): kept, and judged with the next chunk. */
            s->lost_run += j - i;
            s->stats.resync_bytes += j - i;
            s->carry_len = len - j;
            memcpy(s->carry, p + j, s->carry_len);
            s->carry_frame = frame;
            s->carry_ts = ts;
            return len;
        }
    }
    s->lost_run += len - i;
    s->stats.resync_bytes += len - i;
    return len;
}

/* LOST with a candidate kept from the previous chunk: judge it (and the
 * candidates after it in the kept bytes) with this chunk's first bytes.
 * Returns how many bytes of p were consumed (len when a candidate is
 * still undecided, else 0: p is then decoded or scanned as usual). */
static uint32_t lost_carry(sf_ws_stream_t *s, const uint8_t *p, uint32_t len, uint64_t frame,
                           sf_ts_t ts)
{
    uint8_t tmp[2 * WS_PROBE];
    uint32_t cl = s->carry_len, nn = len < WS_PROBE ? len : WS_PROBE;
    memcpy(tmp, s->carry, cl);
    memcpy(tmp + cl, p, nn);
    s->carry_len = 0;
    for (uint32_t k = 0; k < cl; k++) {
        uint8_t b = tmp[k];
        if ((b & 0x7fu) != WS_OP_TEXT && (b & 0x7fu) != WS_OP_BINARY) continue;
        bool more = false;
        if (sf_ws_looks_sip_frame(tmp + k, cl + nn - k, s->max_message, &more)) {
            lost_found(s, k, s->carry_frame, s->carry_ts);
            /* the kept bytes start the frame: decode them first */
            sf_ws_stream_push(s, tmp + k, cl - k, s->carry_frame, s->carry_ts);
            return 0;
        }
        if (more && nn == len) {
            /* still too short (a chunk of a few bytes): keep waiting */
            s->lost_run += k;
            s->stats.resync_bytes += k;
            s->carry_len = cl + nn - k;
            memcpy(s->carry, tmp + k, s->carry_len);
            return len;
        }
    }
    s->lost_run += cl;
    s->stats.resync_bytes += cl;
    (void)frame;
    (void)ts;
    return 0;
}

void sf_ws_stream_push(sf_ws_stream_t *s, const uint8_t *data, uint32_t len, uint64_t frame,
                       sf_ts_t ts)
{
    if (!s || !data || len == 0) return;
    uint32_t i = 0;
    /* Each step consumes bytes or changes state towards one that does
     * (a zero-length frame ends in start_frame), so this ends. */
    while (i < len) {
        switch (s->st) {
        case WS_HANDSHAKE:
            i = handshake(s, data, len, i, frame, ts);
            break;
        case WS_FRAMES:
            if (s->payload_left)
                i = payload(s, data, len, i, frame, ts);
            else
                i = header(s, data, len, i, frame, ts);
            break;
        case WS_LOST:
            if (s->carry_len && i == 0)
                i = lost_carry(s, data, len, frame, ts);
            else
                i = lost(s, data, len, i, frame, ts);
            break;
        case WS_IGNORE:
            return;
        }
    }
}

void sf_ws_stream_gap(sf_ws_stream_t *s, uint64_t missing, uint64_t frame, sf_ts_t ts)
{
    if (!s) return;
    switch (s->st) {
    case WS_HANDSHAKE:
        free(s->hs);
        s->hs = NULL;
        s->hs_len = s->hs_cap = 0;
        to_lost(s);
        break;
    case WS_FRAMES:
        if (s->hdr_len == 0 && s->payload_left > missing) {
            /* The gap lies inside this frame's payload: skip the rest of
             * it rather than hunting in payload bytes. */
            if (!(s->opcode & 0x8u) && s->in_msg) {
                truncate_message(s, "bytes missing from the stream", frame, ts);
                s->in_msg = true; /* continuation frames until FIN are dropped */
                s->msg_skip = true;
            }
            s->payload_left -= missing;
            s->payload_pos += missing;
            s->frame_drop = true;
            break;
        }
        truncate_message(s, "bytes missing from the stream", frame, ts);
        to_lost(s);
        break;
    case WS_LOST:
        s->lost_run += s->carry_len;
        s->stats.resync_bytes += s->carry_len;
        s->carry_len = 0;
        break;
    case WS_IGNORE:
        break;
    }
}

void sf_ws_stream_finish(sf_ws_stream_t *s, uint64_t frame, sf_ts_t ts)
{
    if (!s) return;
    if (s->st == WS_FRAMES) truncate_message(s, "the stream ended", frame, ts);
    s->lost_run += s->carry_len;
    s->carry_len = 0;
    if (s->st == WS_LOST && s->lost_run)
        WS_ANOM(s, frame, ts, SF_ANOM_WS_RESYNC,
                "%llu bytes skipped without finding another WebSocket frame",
                (unsigned long long)s->lost_run);
    drop_message(s);
    s->lost_run = 0;
}
