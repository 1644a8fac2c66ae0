/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SIP over WebSocket decoder (RFC 6455 / RFC 7118), tested the llhttp way:
 * each case is hand-built input (frames of capture bytes, gaps) beside the
 * expected event log (messages with their frame lists, anomalies). Every
 * case is replayed whole, with each step split at every byte offset, and
 * in 1-byte chunks; the log must be identical every time. */
#define _GNU_SOURCE /* vasprintf */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_test.h"
#include "sipflow/websocket.h"

#define SIP_OPT                                                                                    \
    "OPTIONS sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK1" \
    "\r\nCall-ID: ws1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
#define SIP_200 "SIP/2.0 200 OK\r\nCall-ID: ws1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
#define REQ                                                                                        \
    "GET / HTTP/1.1\r\nHost: proxy.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"   \
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: sip\r\n"               \
    "Sec-WebSocket-Version: 13\r\n\r\n"
#define RESP                                                                                       \
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"            \
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: sip\r\n\r\n"

/* ---- building input ---- */
typedef struct bytes {
    uint8_t *p;
    size_t len, cap;
} bytes_t;

static void put(bytes_t *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
}

static void puts_(bytes_t *b, const char *s)
{
    put(b, s, strlen(s));
}

/* A frame (RFC 6455 5.2). lenform 0: minimal, 16 or 64: forced. */
static void frame(bytes_t *b, bool fin, uint8_t op, const uint8_t *mask, const void *payload,
                  size_t n, int lenform)
{
    uint8_t h[14];
    size_t hl = 2;
    h[0] = (uint8_t)((fin ? 0x80 : 0) | op);
    uint8_t m = mask ? 0x80 : 0;
    if (lenform == 64 || (lenform == 0 && n > 0xffff)) {
        h[1] = m | 127;
        for (int i = 0; i < 8; i++)
            h[2 + i] = (uint8_t)((uint64_t)n >> (56 - 8 * i));
        hl = 10;
    } else if (lenform == 16 || n >= 126) {
        h[1] = m | 126;
        h[2] = (uint8_t)(n >> 8);
        h[3] = (uint8_t)n;
        hl = 4;
    } else {
        h[1] = m | (uint8_t)n;
    }
    if (mask) {
        memcpy(h + hl, mask, 4);
        hl += 4;
    }
    put(b, h, hl);
    const uint8_t *s = payload;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = mask ? (uint8_t)(s[i] ^ mask[i & 3]) : s[i];
        put(b, &c, 1);
    }
}

static const uint8_t MASK[4] = {0x37, 0xfa, 0x21, 0x3d};

static void text(bytes_t *b, const char *s, bool masked)
{
    frame(b, true, 1, masked ? MASK : NULL, s, strlen(s), 0);
}

/* ---- cases ---- */
#define MAX_STEPS 6
typedef struct step {
    uint64_t frame; /* 0: unused */
    bytes_t b;      /* empty with gap > 0: a gap before `frame` */
    uint64_t gap;
} step_t;

typedef struct wcase {
    const char *name;
    sf_ws_start_t start;
    uint32_t max_message;
    step_t steps[MAX_STEPS];
    char *expect;
} wcase_t;

/* ---- replay ---- */
typedef struct logbuf {
    char *s;
    size_t len, cap;
} logbuf_t;

static void log_add(logbuf_t *l, const char *p, size_t n)
{
    if (l->len + n + 1 > l->cap) {
        l->cap = (l->len + n + 1) * 2;
        l->s = realloc(l->s, l->cap);
        assert_non_null(l->s);
    }
    memcpy(l->s + l->len, p, n);
    l->len += n;
    l->s[l->len] = 0;
}

static void on_message(void *user, const sf_msg_meta_t *meta, const char *buf, uint32_t len,
                       const char *defect)
{
    logbuf_t *l = user;
    char tmp[512];
    int n = snprintf(tmp, sizeof tmp, "msg [");
    for (uint32_t i = 0; i < meta->n_frames; i++)
        n += snprintf(tmp + n, sizeof tmp - (size_t)n, "%s%llu", i ? "," : "",
                      (unsigned long long)meta->frames[i]);
    n += snprintf(tmp + n, sizeof tmp - (size_t)n, "] %u\n", len);
    log_add(l, tmp, (size_t)n);
    /* long messages are logged by length and edges only */
    if (len <= 300) {
        log_add(l, buf, len);
    } else {
        log_add(l, buf, 40);
        log_add(l, "...", 3);
        log_add(l, buf + len - 10, 10);
    }
    log_add(l, "\n", 1);
    assert_null(defect);
    assert_int_equal(meta->transport, SF_TRANSPORT_WS);
    assert_int_equal(meta->src.port, 43380);
    assert_int_equal(meta->ts.sec, (int64_t)sf_msg_meta_last_frame(meta));
}

static void on_anomaly(void *user, const sf_anomaly_t *a)
{
    logbuf_t *l = user;
    char tmp[400];
    int n = snprintf(tmp, sizeof tmp, "anom %s %llu\n", sf_anomaly_kind_name(a->kind),
                     (unsigned long long)a->frame);
    log_add(l, tmp, (size_t)n);
    assert_int_equal(a->file, 2);
    assert_non_null(a->reason);
}

typedef enum split_mode { WHOLE, SPLIT_AT, ONE_BYTE } split_mode_t;

static void replay(const wcase_t *c, split_mode_t mode, size_t step_i, size_t at, logbuf_t *l)
{
    sf_msg_meta_t tmpl;
    memset(&tmpl, 0, sizeof tmpl);
    tmpl.file = 2;
    tmpl.src.family = 4;
    tmpl.src.port = 43380;
    tmpl.dst.family = 4;
    tmpl.dst.port = 8080;
    tmpl.transport = SF_TRANSPORT_TCP;
    sf_sip_raw_sink_t sink = {on_message, l};
    sf_anomaly_sink_t an = {on_anomaly, l};
    sf_ws_stream_t *s = sf_ws_stream_create(c->start, c->max_message, &tmpl, &sink, &an);
    assert_non_null(s);
    uint64_t last = 1;
    for (size_t i = 0; i < MAX_STEPS && c->steps[i].frame; i++) {
        const step_t *st = &c->steps[i];
        sf_ts_t ts = {(int64_t)st->frame, 0, 6};
        last = st->frame;
        if (st->gap) {
            sf_ws_stream_gap(s, st->gap, st->frame, ts);
            continue;
        }
        const uint8_t *p = st->b.p;
        size_t n = st->b.len;
        if (mode == ONE_BYTE) {
            for (size_t k = 0; k < n; k++)
                sf_ws_stream_push(s, p + k, 1, st->frame, ts);
        } else if (mode == SPLIT_AT && i == step_i && at < n) {
            sf_ws_stream_push(s, p, (uint32_t)at, st->frame, ts);
            sf_ws_stream_push(s, p + at, (uint32_t)(n - at), st->frame, ts);
        } else {
            sf_ws_stream_push(s, p, (uint32_t)n, st->frame, ts);
        }
    }
    sf_ws_stream_finish(s, last, (sf_ts_t){(int64_t)last, 0, 6});
    sf_ws_stats_t stt;
    sf_ws_stream_get_stats(s, &stt);
    char tmp[128];
    int k = snprintf(tmp, sizeof tmp, "stats f=%llu m=%llu c=%llu%s\n",
                     (unsigned long long)stt.frames, (unsigned long long)stt.messages,
                     (unsigned long long)stt.control, sf_ws_stream_ignored(s) ? " ignored" : "");
    log_add(l, tmp, (size_t)k);
    sf_ws_stream_destroy(s);
}

static void run_case(const wcase_t *c)
{
    logbuf_t whole = {0};
    replay(c, WHOLE, 0, 0, &whole);
    if (strcmp(whole.s, c->expect) != 0)
        fail_msg("case '%s' whole:\n--- got\n%s--- expected\n%s", c->name, whole.s, c->expect);
    for (size_t i = 0; i < MAX_STEPS && c->steps[i].frame; i++) {
        /* every offset for short steps, a sample of offsets for long ones */
        size_t n = c->steps[i].b.len, stride = n > 4096 ? 997 : 1;
        for (size_t at = 1; at < n; at += stride) {
            logbuf_t l = {0};
            replay(c, SPLIT_AT, i, at, &l);
            if (strcmp(l.s, c->expect) != 0)
                fail_msg("case '%s' split step %zu at %zu:\n--- got\n%s--- expected\n%s", c->name,
                         i, at, l.s, c->expect);
            free(l.s);
        }
    }
    logbuf_t one = {0};
    replay(c, ONE_BYTE, 0, 0, &one);
    if (strcmp(one.s, c->expect) != 0)
        fail_msg("case '%s' 1-byte:\n--- got\n%s--- expected\n%s", c->name, one.s, c->expect);
    free(whole.s);
    free(one.s);
}

static void free_case(wcase_t *c)
{
    for (size_t i = 0; i < MAX_STEPS; i++)
        free(c->steps[i].b.p);
    free(c->expect);
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    char *s = NULL;
    assert_true(vasprintf(&s, f, ap) >= 0);
    va_end(ap);
    return s;
}

/* ---- tests ---- */

static void test_client_masked(void **state)
{
    (void)state;
    wcase_t c = {"client handshake, masked frames", SF_WS_START_REQUEST, 0, {{0}}, NULL};
    c.steps[0].frame = 6;
    puts_(&c.steps[0].b, REQ);
    c.steps[1].frame = 10;
    text(&c.steps[1].b, SIP_OPT, true);
    text(&c.steps[1].b, SIP_OPT, true);
    c.expect = fmt("msg [10] %zu\n" SIP_OPT "\nmsg [10] %zu\n" SIP_OPT "\nstats f=2 m=2 c=0\n",
                   strlen(SIP_OPT), strlen(SIP_OPT));
    run_case(&c);
    free_case(&c);
}

static void test_server_unmasked(void **state)
{
    (void)state;
    wcase_t c = {"server 101, unmasked frames", SF_WS_START_RESPONSE, 0, {{0}}, NULL};
    c.steps[0].frame = 8;
    puts_(&c.steps[0].b, RESP);
    text(&c.steps[0].b, SIP_200, false);
    c.steps[1].frame = 9;
    /* a frame across two capture frames */
    bytes_t f = {0};
    text(&f, SIP_200, false);
    put(&c.steps[1].b, f.p, 20);
    c.steps[2].frame = 11;
    put(&c.steps[2].b, f.p + 20, f.len - 20);
    free(f.p);
    c.expect = fmt("msg [8] %zu\n" SIP_200 "\nmsg [9,11] %zu\n" SIP_200 "\nstats f=2 m=2 c=0\n",
                   strlen(SIP_200), strlen(SIP_200));
    run_case(&c);
    free_case(&c);
}

static void test_lengths_16_64(void **state)
{
    (void)state;
    wcase_t c = {"16- and 64-bit lengths", SF_WS_START_FRAMES, 0, {{0}}, NULL};
    /* 300 bytes (16-bit), 70,000 bytes (64-bit), and a 64-bit length used
     * for a short message (not minimal: reported, still read) */
    size_t n1 = 300, n2 = 70000;
    char *m1 = malloc(n1 + 1), *m2 = malloc(n2 + 1);
    assert_non_null(m1);
    assert_non_null(m2);
    memset(m1, 'a', n1);
    memset(m2, 'b', n2);
    memcpy(m1, "MESSAGE sip:a@b SIP/2.0\r\n\r\n", 27);
    memcpy(m2, "MESSAGE sip:a@b SIP/2.0\r\n\r\n", 27);
    m1[n1] = m2[n2] = 0;
    c.steps[0].frame = 1;
    frame(&c.steps[0].b, true, 1, MASK, m1, n1, 0);
    c.steps[1].frame = 2;
    frame(&c.steps[1].b, true, 2, NULL, m2, n2, 0);
    c.steps[2].frame = 3;
    frame(&c.steps[2].b, true, 1, MASK, SIP_200, strlen(SIP_200), 64);
    c.expect = fmt("msg [1] 300\n%.300s\nmsg [2] 70000\n%.40s...bbbbbbbbbb\nanom ws-malformed "
                   "3\nmsg [3] %zu\n" SIP_200 "\nstats f=3 m=3 c=0\n",
                   m1, m2, strlen(SIP_200));
    run_case(&c);
    free(m1);
    free(m2);
    free_case(&c);
}

static void test_fragmented_with_ping(void **state)
{
    (void)state;
    wcase_t c = {"fragmented, ping and pong inside", SF_WS_START_REQUEST, 0, {{0}}, NULL};
    c.steps[0].frame = 4;
    puts_(&c.steps[0].b, REQ);
    const char *m = SIP_OPT;
    size_t n = strlen(m);
    c.steps[1].frame = 5;
    frame(&c.steps[1].b, false, 1, MASK, m, 30, 0);
    frame(&c.steps[1].b, true, 9, MASK, "ping", 4, 0);
    c.steps[2].frame = 7;
    frame(&c.steps[2].b, false, 0, MASK, m + 30, 50, 0);
    frame(&c.steps[2].b, true, 0xA, MASK, "", 0, 0);
    c.steps[3].frame = 9;
    frame(&c.steps[3].b, true, 0, MASK, m + 80, n - 80, 0);
    frame(&c.steps[3].b, true, 8, MASK, "\x03\xe8", 2, 0); /* close 1000 */
    c.expect = fmt("msg [5,7,9] %zu\n" SIP_OPT "\nstats f=6 m=1 c=3\n", n);
    run_case(&c);
    free_case(&c);
}

static void test_oversize(void **state)
{
    (void)state;
    wcase_t c = {"over the size cap", SF_WS_START_RESPONSE, 120, {{0}}, NULL};
    c.steps[0].frame = 1;
    puts_(&c.steps[0].b, RESP);
    c.steps[1].frame = 2;
    text(&c.steps[1].b, SIP_OPT, false); /* 140+ bytes: skipped */
    /* fragmented: the second fragment crosses the cap */
    frame(&c.steps[1].b, false, 1, NULL, SIP_200, 60, 0);
    frame(&c.steps[1].b, true, 0, NULL, SIP_OPT, 100, 0);
    c.steps[2].frame = 3;
    text(&c.steps[2].b, SIP_200, false);
    c.expect = fmt("anom sip-too-large 2\nanom sip-too-large 2\nmsg [3] %zu\n" SIP_200
                   "\nstats f=4 m=1 c=0\n",
                   strlen(SIP_200));
    run_case(&c);
    free_case(&c);
}

static void test_garbage_and_resync(void **state)
{
    (void)state;
    wcase_t c = {"reserved opcode, then resync", SF_WS_START_RESPONSE, 0, {{0}}, NULL};
    c.steps[0].frame = 1;
    puts_(&c.steps[0].b, RESP);
    c.steps[1].frame = 2;
    frame(&c.steps[1].b, true, 3, NULL, "junkjunk", 8, 0); /* reserved opcode */
    puts_(&c.steps[1].b, "garbage");
    c.steps[2].frame = 3;
    text(&c.steps[2].b, SIP_200, false);
    c.steps[3].frame = 4;
    frame(&c.steps[3].b, true, 0, NULL, "cont", 4, 0); /* continuation, no message */
    text(&c.steps[3].b, SIP_200, false);
    c.expect = fmt("anom ws-malformed 2\nanom ws-resync 3\nmsg [3] %zu\n" SIP_200
                   "\nanom ws-malformed 4\nmsg [4] %zu\n" SIP_200 "\nstats f=4 m=2 c=0\n",
                   strlen(SIP_200), strlen(SIP_200));
    run_case(&c);
    free_case(&c);
}

static void test_gaps(void **state)
{
    (void)state;
    wcase_t c = {"gaps inside a payload and between frames", SF_WS_START_REQUEST, 0, {{0}}, NULL};
    bytes_t f = {0};
    text(&f, SIP_OPT, true);
    c.steps[0].frame = 1;
    puts_(&c.steps[0].b, REQ);
    put(&c.steps[0].b, f.p, 40);
    c.steps[1].frame = 3; /* 10 bytes of the payload missing */
    c.steps[1].gap = 10;
    c.steps[2].frame = 3;
    put(&c.steps[2].b, f.p + 50, f.len - 50);
    text(&c.steps[2].b, SIP_OPT, true);
    c.steps[3].frame = 5; /* a whole frame missing */
    c.steps[3].gap = 200;
    c.steps[4].frame = 5;
    puts_(&c.steps[4].b, "tail of a lost frame");
    text(&c.steps[4].b, SIP_OPT, true);
    free(f.p);
    c.expect = fmt("anom sip-truncated 3\nmsg [3] %zu\n" SIP_OPT "\nanom ws-resync 5\nmsg [5] "
                   "%zu\n" SIP_OPT "\nstats f=3 m=2 c=0\n",
                   strlen(SIP_OPT), strlen(SIP_OPT));
    run_case(&c);
    free_case(&c);
}

static void test_not_sip(void **state)
{
    (void)state;
    wcase_t c = {"other subprotocol", SF_WS_START_RESPONSE, 0, {{0}}, NULL};
    c.steps[0].frame = 1;
    puts_(&c.steps[0].b, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                         "Sec-WebSocket-Protocol: chat\r\n\r\n");
    text(&c.steps[0].b, SIP_200, false);
    c.expect = fmt("stats f=0 m=0 c=0 ignored\n");
    run_case(&c);
    free_case(&c);

    wcase_t h = {"plain HTTP", SF_WS_START_REQUEST, 0, {{0}}, NULL};
    h.steps[0].frame = 1;
    puts_(&h.steps[0].b, "GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n");
    text(&h.steps[0].b, SIP_200, false);
    h.expect = fmt("stats f=0 m=0 c=0 ignored\n");
    run_case(&h);
    free_case(&h);
}

static void test_detection(void **state)
{
    (void)state;
    bool more;
    assert_true(sf_ws_looks_request((const uint8_t *)"GET / HTTP/1.1", 14, &more));
    assert_false(sf_ws_looks_request((const uint8_t *)"GE", 2, &more));
    assert_true(more);
    assert_false(sf_ws_looks_request((const uint8_t *)"INVITE ", 7, &more));
    assert_false(more);
    assert_true(sf_ws_looks_response((const uint8_t *)"HTTP/1.1 101 Switching", 22, &more));
    assert_false(sf_ws_looks_response((const uint8_t *)"HTTP/1.1 200 OK", 15, &more));
    assert_false(more);
    bytes_t b = {0};
    text(&b, SIP_OPT, true);
    assert_true(sf_ws_looks_sip_frame(b.p, (uint32_t)b.len, 65536, &more));
    assert_false(sf_ws_looks_sip_frame(b.p, 6, 65536, &more));
    assert_true(more);
    assert_false(sf_ws_looks_sip_frame(b.p, (uint32_t)b.len, 100, &more)); /* over max */
    b.len = 0;
    text(&b, "{\"json\": \"not sip\"}", false);
    assert_false(sf_ws_looks_sip_frame(b.p, (uint32_t)b.len, 65536, &more));
    assert_false(more);
    free(b.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_client_masked), cmocka_unit_test(test_server_unmasked),
        cmocka_unit_test(test_lengths_16_64), cmocka_unit_test(test_fragmented_with_ping),
        cmocka_unit_test(test_oversize),      cmocka_unit_test(test_garbage_and_resync),
        cmocka_unit_test(test_gaps),          cmocka_unit_test(test_not_sip),
        cmocka_unit_test(test_detection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
