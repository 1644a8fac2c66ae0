/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TCP stream reassembly: ordering, retransmissions, overlaps, wrap-around,
 * gaps, FIN/RST, idle expiry, caps, and that every open() is closed once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sf_test.h"
#include "sipflow/tcp_reassembly.h"

#define MAX_APPS 2048

typedef struct app {
    int opens, closes;
    uint8_t *data;
    size_t len, cap;
    uint64_t first_frame;
    int gaps;
    uint64_t gap_bytes;
    uint64_t gap_frame;
    size_t gap_at; /* data length when the first gap came */
    uint64_t close_frame;
    uint64_t data_calls;
    uint64_t zero_copy_calls;
    sf_endpoint_t src;
} app_t;

typedef struct harness {
    app_t apps[MAX_APPS];
    int napps;
    uint64_t anoms[SF_ANOM_KIND_COUNT];
    const uint8_t *cur_payload; /* the segment being pushed */
    uint32_t cur_len;
    sf_tcp_reasm_t *r;
} harness_t;

static void *cb_open(void *user, uint32_t file, const sf_endpoint_t *src, const sf_endpoint_t *dst,
                     uint64_t frame, sf_ts_t ts)
{
    (void)file, (void)dst, (void)ts;
    harness_t *h = user;
    assert_true(h->napps < MAX_APPS);
    app_t *a = &h->apps[h->napps++];
    a->opens++;
    a->first_frame = frame;
    a->src = *src;
    return a;
}

static void cb_data(void *user, void *app, const uint8_t *p, uint32_t len, uint64_t frame,
                    sf_ts_t ts)
{
    (void)frame, (void)ts;
    harness_t *h = user;
    app_t *a = app;
    assert_int_equal(a->closes, 0);
    assert_true(len > 0);
    if (a->len + len > a->cap) {
        a->cap = (a->len + len) * 2;
        a->data = realloc(a->data, a->cap);
        assert_non_null(a->data);
    }
    memcpy(a->data + a->len, p, len);
    a->len += len;
    a->data_calls++;
    if (h->cur_payload && p >= h->cur_payload && p + len <= h->cur_payload + h->cur_len)
        a->zero_copy_calls++;
}

static void cb_gap(void *user, void *app, uint64_t missing, uint64_t frame, sf_ts_t ts)
{
    (void)user, (void)ts;
    app_t *a = app;
    assert_int_equal(a->closes, 0);
    if (!a->gaps) {
        a->gap_at = a->len;
        a->gap_frame = frame;
    }
    a->gaps++;
    a->gap_bytes += missing;
}

static void cb_close(void *user, void *app, uint64_t frame, sf_ts_t ts)
{
    (void)user, (void)ts;
    app_t *a = app;
    a->closes++;
    a->close_frame = frame;
    assert_int_equal(a->closes, 1);
}

static void cb_anom(void *user, const sf_anomaly_t *an)
{
    harness_t *h = user;
    assert_true(an->kind < SF_ANOM_KIND_COUNT);
    assert_int_equal(an->layer, SF_LAYER_TCP);
    h->anoms[an->kind]++;
}

static harness_t *harness_new(const sf_tcp_config_t *cfg)
{
    harness_t *h = calloc(1, sizeof *h);
    assert_non_null(h);
    sf_tcp_callbacks_t cb = {cb_open, cb_data, cb_gap, cb_close};
    sf_anomaly_sink_t an = {cb_anom, h};
    sf_tcp_config_t def;
    if (!cfg) {
        sf_tcp_config_default(&def);
        cfg = &def;
    }
    h->r = sf_tcp_reasm_create(cfg, &cb, h, &an);
    assert_non_null(h->r);
    return h;
}

/* Destroys the reassembler and checks that every open() was closed once. */
static void harness_free(harness_t *h)
{
    sf_tcp_reasm_destroy(h->r);
    for (int i = 0; i < h->napps; i++) {
        assert_int_equal(h->apps[i].opens, 1);
        assert_int_equal(h->apps[i].closes, 1);
        free(h->apps[i].data);
    }
    free(h);
}

static sf_endpoint_t ep4(uint8_t last, uint16_t port)
{
    sf_endpoint_t e = {.family = 4, .port = port};
    e.addr[0] = 192, e.addr[1] = 0, e.addr[2] = 2, e.addr[3] = last;
    return e;
}

/* Client 192.0.2.1:40000 <-> server 192.0.2.2:5060. */
static void push(harness_t *h, bool from_client, uint32_t seq, uint8_t flags, const void *data,
                 uint32_t len, uint64_t frame, int64_t sec)
{
    sf_tcp_segment_t s = {0};
    s.frame = frame;
    s.ts = sf_test_ts(sec, 0);
    s.src = from_client ? ep4(1, 40000) : ep4(2, 5060);
    s.dst = from_client ? ep4(2, 5060) : ep4(1, 40000);
    s.seq = seq;
    s.flags = flags;
    s.payload = data;
    s.len = len;
    h->cur_payload = data;
    h->cur_len = len;
    sf_tcp_reasm_segment(h->r, &s);
    h->cur_payload = NULL;
}

static app_t *app_from(harness_t *h, bool client)
{
    sf_endpoint_t want = client ? ep4(1, 40000) : ep4(2, 5060);
    for (int i = h->napps - 1; i >= 0; i--)
        if (sf_endpoint_eq(&h->apps[i].src, &want)) return &h->apps[i];
    return NULL;
}

static const char MSG[] = "INVITE sip:bob@example.com SIP/2.0\r\nContent-Length: 0\r\n\r\n";

static void test_in_order(void **state)
{
    (void)state;
    harness_t *h = harness_new(NULL);
    uint32_t isn = 1000, sisn = 5000;
    push(h, true, isn, SF_TCP_SYN, NULL, 0, 1, 0);
    push(h, false, sisn, SF_TCP_SYN | SF_TCP_ACK, NULL, 0, 2, 0);
    push(h, true, isn + 1, SF_TCP_ACK, NULL, 0, 3, 0);
    assert_int_equal(h->napps, 0); /* no data yet: nothing opened */
    push(h, true, isn + 1, SF_TCP_ACK, MSG, 20, 4, 0);
    push(h, true, isn + 21, SF_TCP_ACK, MSG + 20, 20, 5, 0);
    push(h, true, isn + 41, SF_TCP_ACK | SF_TCP_PSH, MSG + 40, sizeof MSG - 41, 6, 0);
    push(h, false, sisn + 1, SF_TCP_ACK, "SIP/2.0 100 Trying\r\n", 20, 7, 0);
    app_t *c = app_from(h, true);
    assert_non_null(c);
    assert_int_equal(c->len, sizeof MSG - 1);
    assert_memory_equal(c->data, MSG, sizeof MSG - 1);
    assert_int_equal(c->first_frame, 4);
    assert_int_equal(c->zero_copy_calls, 3); /* in-order data is never copied */
    push(h, true, isn + sizeof MSG, SF_TCP_FIN | SF_TCP_ACK, NULL, 0, 8, 1);
    assert_int_equal(c->closes, 1);
    assert_int_equal(c->close_frame, 8);
    app_t *s = app_from(h, false);
    assert_int_equal(s->closes, 0);
    push(h, false, sisn + 21, SF_TCP_FIN | SF_TCP_ACK, NULL, 0, 9, 1);
    assert_int_equal(s->closes, 1);
    sf_tcp_stats_t st;
    sf_tcp_reasm_get_stats(h->r, &st);
    assert_int_equal(st.bytes_delivered, sizeof MSG - 1 + 20);
    assert_int_equal(st.gaps, 0);
    assert_int_equal(st.retransmitted_segments, 0);
    assert_int_equal(st.streams_opened, 1);
    assert_int_equal(st.segments, 9);
    harness_free(h);
}

static void next_perm(int *a, int n, bool *done)
{
    int i = n - 2;
    while (i >= 0 && a[i] >= a[i + 1])
        i--;
    if (i < 0) {
        *done = true;
        return;
    }
    int j = n - 1;
    while (a[j] <= a[i])
        j--;
    int t = a[i];
    a[i] = a[j];
    a[j] = t;
    for (int l = i + 1, r = n - 1; l < r; l++, r--)
        t = a[l], a[l] = a[r], a[r] = t;
}

static void test_out_of_order_permutations(void **state)
{
    (void)state;
    int perm[4] = {0, 1, 2, 3};
    bool done = false;
    int runs = 0;
    const uint32_t cut[5] = {0, 13, 30, 41, sizeof MSG - 1};
    while (!done) {
        harness_t *h = harness_new(NULL);
        uint32_t isn = 77;
        push(h, true, isn, SF_TCP_SYN, NULL, 0, 1, 0);
        for (int k = 0; k < 4; k++) {
            int i = perm[k];
            push(h, true, isn + 1 + cut[i], SF_TCP_ACK, MSG + cut[i], cut[i + 1] - cut[i],
                 (uint64_t)(2 + k), 0);
        }
        app_t *c = app_from(h, true);
        assert_non_null(c);
        assert_int_equal(c->len, sizeof MSG - 1); /* complete before finish */
        assert_memory_equal(c->data, MSG, sizeof MSG - 1);
        assert_int_equal(c->gaps, 0);
        sf_tcp_stats_t st;
        sf_tcp_reasm_get_stats(h->r, &st);
        assert_int_equal(st.pending_bytes, 0);
        assert_int_equal(st.gaps, 0);
        assert_int_equal(st.conflicts, 0);
        harness_free(h);
        runs++;
        next_perm(perm, 4, &done);
    }
    assert_int_equal(runs, 24);
}

static void test_retransmissions(void **state)
{
    (void)state;
    harness_t *h = harness_new(NULL);
    uint32_t isn = 500;
    push(h, true, isn, SF_TCP_SYN, NULL, 0, 1, 0);
    push(h, true, isn + 1, SF_TCP_ACK, MSG, 20, 2, 0);
    push(h, true, isn + 1, SF_TCP_ACK, MSG, 20, 3, 0);       /* exact */
    push(h, true, isn + 11, SF_TCP_ACK, MSG + 10, 20, 4, 0); /* partial: 10 new */
    push(h, true, isn + 1, SF_TCP_ACK, MSG, 30, 5, 0);       /* wholly old again */
    push(h, true, isn + 41, SF_TCP_ACK, MSG + 40, 10, 6, 0); /* ahead: queued */
    push(h, true, isn + 41, SF_TCP_ACK, MSG + 40, 10, 7, 0); /* duplicate of queued */
    push(h, true, isn + 31, SF_TCP_ACK, MSG + 30, 15, 8, 0); /* fills, overlaps queued */
    app_t *c = app_from(h, true);
    assert_int_equal(c->len, 50);
    assert_memory_equal(c->data, MSG, 50);
    sf_tcp_stats_t st;
    sf_tcp_reasm_get_stats(h->r, &st);
    assert_int_equal(st.retransmitted_segments, 3);
    assert_int_equal(st.conflicts, 0);
    assert_int_equal(st.bytes_delivered, 50);
    assert_int_equal(st.pending_bytes, 0);
    harness_free(h);
}

static void test_conflicting_overlap(void **state)
{
    (void)state;
    harness_t *h = harness_new(NULL);
    uint32_t isn = 9;
    push(h, true, isn, SF_TCP_SYN, NULL, 0, 1, 0);
    push(h, true, isn + 11, SF_TCP_ACK, "AAAAAAAAAA", 10, 2, 0); /* [10,20) queued */
    push(h, true, isn + 16, SF_TCP_ACK, "BBBBBBBBBB", 10, 3, 0); /* [15,25): 5 differ */
    /* in order, overlapping the queued first copy with other bytes */
    push(h, true, isn + 1, SF_TCP_ACK, "0123456789CCCCCCCCCCCCCCCCCC", 28, 4, 0);
    app_t *c = app_from(h, true);
    assert_int_equal(c->len, 28);
    assert_memory_equal(c->data, "0123456789AAAAAAAAAABBBBBCCC", 28);
    sf_tcp_stats_t st;
    sf_tcp_reasm_get_stats(h->r, &st);
    assert_int_equal(st.conflicts, 5 + 15);
    assert_int_equal(h->anoms[SF_ANOM_TCP_CONFLICT], 2);
    harness_free(h);
}

static void test_sequence_wrap(void **state)
{
    (void)state;
    harness_t *h = harness_new(NULL);
    uint32_t isn = 0xFFFFFFF0u; /* data crosses 2^32 after 15 bytes */
    push(h, true, isn, SF_TCP_SYN, NULL, 0, 1, 0);
    push(h, true, isn + 31, SF_TCP_ACK, MSG + 30, sizeof MSG - 31, 2, 0); /* wrapped, ahead */
    push(h, true, isn + 1, SF_TCP_ACK, MSG, 10, 3, 0);
    push(h, true, isn + 11, SF_TCP_ACK, MSG + 10, 20, 4, 0); /* crosses the wrap */
    push(h, true, isn + 5, SF_TCP_ACK, MSG + 4, 30, 5, 0);   /* old, across the wrap */
    app_t *c = app_from(h, true);
    assert_int_equal(c->len, sizeof MSG - 1);
    assert_memory_equal(c->data, MSG, sizeof MSG - 1);
    push(h, true, isn + sizeof MSG, SF_TCP_FIN, NULL, 0, 6, 0);
    assert_int_equal(c->closes, 1);
    sf_tcp_stats_t st;
    sf_tcp_reasm_get_stats(h->r, &st);
    assert_int_equal(st.retransmitted_segments, 1);
    assert_int_equal(st.gaps, 0);
    harness_free(h);
}

static void test_midstream_pickup(void **state)
{
    (void)state;
    harness_t *h = harness_new(NULL);
    push(h, true, 123456, SF_TCP_ACK, NULL, 0, 1, 0); /* pure ACK: ignored */
    assert_int_equal(h->napps, 0);
    push(h, true, 123456, SF_TCP_ACK, MSG, 10, 2, 0);
    push(h, true, 123476, SF_TCP_ACK, MSG + 20, 10, 3, 0);
    push(h, true, 123466, SF_TCP_ACK, MSG + 10, 10, 4, 0);
    push(h, true, 123446, SF_TCP_ACK, "xxxxxxxxxxxxxxxxxxxx", 20, 5, 0); /* before pickup */
    app_t *c = app_from(h, true);
    assert_non_null(c);
    assert_int_equal(c->len, 30);
    assert_memory_equal(c->data, MSG, 30);
    assert_int_equal(c->first_frame, 2);
    harness_free(h);
}

static void test_lost_segment_gap(void **state)
{
    (void)state;
    harness_t *h = harness_new(NULL);
    uint32_t isn = 42;
    push(h, true, isn, SF_TCP_SYN, NULL, 0, 1, 0);
    push(h, true, isn + 1, SF_TCP_ACK, MSG, 10, 2, 0);
    /* [10,20) lost */
    push(h, true, isn + 21, SF_TCP_ACK, MSG + 20, 10, 4, 0);
    push(h, true, isn + 31, SF_TCP_ACK, MSG + 30, 10, 5, 0);
    app_t *c = app_from(h, true);
    assert_int_equal(c->len, 10);
    assert_int_equal(c->gaps, 0);
    sf_tcp_reasm_finish(h->r);
    assert_int_equal(c->gaps, 1);
    assert_int_equal(c->gap_bytes, 10);
    assert_int_equal(c->gap_at, 10); /* gap() between the data before and after */
    assert_int_equal(c->gap_frame, 4);
    assert_int_equal(c->len, 30);
    assert_memory_equal(c->data + 10, MSG + 20, 20);
    assert_int_equal(c->closes, 1);
    sf_tcp_stats_t st;
    sf_tcp_reasm_get_stats(h->r, &st);
    assert_int_equal(st.gaps, 1);
    assert_int_equal(st.gap_bytes, 10);
    assert_int_equal(st.streams_open, 0);
    assert_int_equal(h->anoms[SF_ANOM_TCP_GAP], 1);
    harness_free(h);
}

static void test_fin_then_gap_and_rst(void **state)
{
    (void)state;
    harness_t *h = harness_new(NULL);
    uint32_t isn = 7;
    push(h, true, isn, SF_TCP_SYN, NULL, 0, 1, 0);
    push(h, true, isn + 1, SF_TCP_ACK, MSG, 10, 2, 0);
    /* FIN arrives before the segment before it: close waits */
    push(h, true, isn + 21, SF_TCP_ACK | SF_TCP_FIN, MSG + 20, 5, 3, 0);
    app_t *c = app_from(h, true);
    assert_int_equal(c->closes, 0);
    push(h, true, isn + 11, SF_TCP_ACK, MSG + 10, 10, 4, 0);
    assert_int_equal(c->len, 25);
    assert_int_equal(c->closes, 1);
    assert_int_equal(c->close_frame, 4);
    /* a retransmission after the close is not delivered again */
    push(h, true, isn + 1, SF_TCP_ACK, MSG, 10, 5, 0);
    assert_int_equal(c->len, 25);
    /* server side: data, then RST closes what is left */
    push(h, false, 900, SF_TCP_ACK, "SIP/2.0 ", 8, 6, 0);
    push(h, false, 920, SF_TCP_ACK, "later", 5, 7, 0); /* after a hole */
    app_t *s = app_from(h, false);
    push(h, false, 925, SF_TCP_RST, NULL, 0, 8, 0);
    assert_int_equal(s->closes, 1);
    assert_int_equal(s->gaps, 1);
    assert_int_equal(s->gap_bytes, 12);
    assert_int_equal(s->len, 13);
    harness_free(h);
}

static void test_new_incarnation(void **state)
{
    (void)state;
    harness_t *h = harness_new(NULL);
    push(h, true, 100, SF_TCP_SYN, NULL, 0, 1, 0);
    push(h, true, 101, SF_TCP_ACK, "first", 5, 2, 0);
    /* same 4-tuple, new ISN: the old connection is closed, a new one opens */
    push(h, true, 77777, SF_TCP_SYN, "tfo", 3, 3, 1); /* SYN data (RFC 7413) */
    push(h, true, 77781, SF_TCP_ACK, "more", 4, 4, 1);
    assert_int_equal(h->napps, 2);
    assert_int_equal(h->apps[0].closes, 1);
    assert_int_equal(h->apps[1].len, 7);
    assert_memory_equal(h->apps[1].data, "tfomore", 7);
    harness_free(h);
}

static void test_zero_length_and_idle(void **state)
{
    (void)state;
    sf_tcp_config_t cfg;
    sf_tcp_config_default(&cfg);
    cfg.idle_timeout_ns = 10LL * 1000000000LL;
    harness_t *h = harness_new(&cfg);
    push(h, true, 1, SF_TCP_ACK, "abc", 3, 1, 0);
    push(h, true, 4, SF_TCP_ACK, "zzz", 0, 2, 5); /* len 0 delivers nothing */
    app_t *c = app_from(h, true);
    assert_int_equal(c->len, 3);
    assert_int_equal(c->data_calls, 1);
    /* another connection, 16 s later: the first idles out (touched at 5 s) */
    sf_tcp_segment_t s = {0};
    s.frame = 3;
    s.ts = sf_test_ts(16, 0);
    s.src = ep4(3, 1);
    s.dst = ep4(4, 2);
    s.seq = 1;
    s.payload = (const uint8_t *)"x";
    s.len = 1;
    sf_tcp_reasm_segment(h->r, &s);
    assert_int_equal(c->closes, 1);
    assert_int_equal(c->close_frame, 2);
    sf_tcp_stats_t st;
    sf_tcp_reasm_get_stats(h->r, &st);
    assert_int_equal(st.streams_idle_closed, 1);
    assert_int_equal(st.streams_open, 1);
    harness_free(h);
}

static void test_max_streams_eviction(void **state)
{
    (void)state;
    sf_tcp_config_t cfg;
    sf_tcp_config_default(&cfg);
    cfg.max_streams = 100;
    harness_t *h = harness_new(&cfg);
    for (int i = 0; i < 1000; i++) {
        sf_tcp_segment_t s = {0};
        s.frame = (uint64_t)i + 1;
        s.ts = sf_test_ts(i, 0);
        s.src = ep4(1, (uint16_t)(10000 + i));
        s.dst = ep4(2, 5060);
        s.seq = (uint32_t)i * 1000u;
        s.payload = (const uint8_t *)"data";
        s.len = 4;
        sf_tcp_reasm_segment(h->r, &s);
        sf_tcp_stats_t st;
        sf_tcp_reasm_get_stats(h->r, &st);
        assert_true(st.streams_open <= 100);
    }
    sf_tcp_stats_t st;
    sf_tcp_reasm_get_stats(h->r, &st);
    assert_int_equal(st.streams_evicted, 900);
    assert_int_equal(st.streams_opened, 1000);
    assert_int_equal(h->anoms[SF_ANOM_TCP_EVICTED], 900);
    assert_int_equal(h->napps, 1000);
    for (int i = 0; i < 900; i++)
        assert_int_equal(h->apps[i].closes, 1); /* oldest first */
    for (int i = 900; i < 1000; i++)
        assert_int_equal(h->apps[i].closes, 0);
    harness_free(h); /* the rest are closed exactly once */
}

static void test_pending_caps(void **state)
{
    (void)state;
    sf_tcp_config_t cfg;
    sf_tcp_config_default(&cfg);
    cfg.max_pending_per_dir = 1000;
    cfg.max_pending_total = 1500;
    harness_t *h = harness_new(&cfg);
    static uint8_t buf[4000];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)('a' + i % 26);
    push(h, true, 0, SF_TCP_SYN, NULL, 0, 1, 0);
    /* hole at [0,100); then 4 segments of 300 bytes: over 1000 charged */
    for (int k = 0; k < 4; k++)
        push(h, true, 1 + 100 + (uint32_t)k * 300, SF_TCP_ACK, buf + 100 + k * 300, 300,
             (uint64_t)(2 + k), 0);
    app_t *c = app_from(h, true);
    assert_non_null(c);
    assert_int_equal(c->gaps, 1);
    assert_int_equal(c->gap_bytes, 100);
    assert_int_equal(c->len, 1200);
    assert_memory_equal(c->data, buf + 100, 1200);
    assert_true(h->anoms[SF_ANOM_TCP_BUFFER_FULL] >= 1);
    /* total cap: two directions queue 800 charged each -> the older flushes */
    push(h, false, 0, SF_TCP_SYN | SF_TCP_ACK, NULL, 0, 10, 0);
    push(h, false, 1 + 50, SF_TCP_ACK, buf, 700, 11, 0);
    push(h, true, 1 + 1300 + 50, SF_TCP_ACK, buf, 700, 12, 0);
    app_t *s = app_from(h, false);
    assert_non_null(s);
    assert_int_equal(s->gaps, 1);
    assert_int_equal(s->len, 700);
    assert_int_equal(c->gaps, 1); /* the more recent one stays queued */
    sf_tcp_stats_t st;
    sf_tcp_reasm_get_stats(h->r, &st);
    assert_int_equal(st.pending_bytes, 700);
    sf_tcp_reasm_finish(h->r);
    assert_int_equal(c->gaps, 2);
    sf_tcp_reasm_get_stats(h->r, &st);
    assert_int_equal(st.pending_bytes, 0);
    harness_free(h);
}

/* 100,000 one-byte segments: in order, then shuffled with conflicting
 * retransmissions mixed in. Must stay fast (treap queue) and exact. */
#define N_BYTES 100000

static uint32_t rnd(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

typedef struct oneb {
    uint32_t off;
    uint8_t byte;
} oneb_t;

static void run_one_byte(bool shuffled, bool small_caps)
{
    sf_tcp_config_t cfg;
    sf_tcp_config_default(&cfg);
    if (!small_caps) {
        cfg.max_pending_per_dir = 64u << 20;
        cfg.max_pending_total = 64u << 20;
    }
    harness_t *h = harness_new(&cfg);
    uint8_t *orig = malloc(N_BYTES);
    uint8_t *expect = malloc(N_BYTES);
    bool *seen = calloc(N_BYTES, 1);
    size_t n = N_BYTES + (shuffled ? N_BYTES / 5 : 0);
    oneb_t *segs = malloc(n * sizeof *segs);
    assert_true(orig && expect && seen && segs);
    uint32_t rs = 12345;
    for (uint32_t i = 0; i < N_BYTES; i++) {
        orig[i] = (uint8_t)('A' + rnd(&rs) % 26);
        segs[i] = (oneb_t){i, orig[i]};
    }
    for (size_t i = N_BYTES; i < n; i++) { /* conflicting copies */
        uint32_t off = rnd(&rs) % N_BYTES;
        segs[i] = (oneb_t){off, (uint8_t)(orig[off] ^ 0x20)};
    }
    if (shuffled) {
        for (size_t i = n - 1; i > 0; i--) {
            size_t j = rnd(&rs) % (i + 1);
            oneb_t t = segs[i];
            segs[i] = segs[j];
            segs[j] = t;
        }
    }
    /* The first copy of each byte to arrive wins. */
    for (size_t i = 0; i < n; i++)
        if (!seen[segs[i].off]) {
            seen[segs[i].off] = true;
            expect[segs[i].off] = segs[i].byte;
        }
    uint32_t isn = 0xFFFF0000u; /* wraps too */
    push(h, true, isn, SF_TCP_SYN, NULL, 0, 1, 0);
    clock_t t0 = clock();
    uint64_t max_pending = 0;
    for (size_t i = 0; i < n; i++) {
        push(h, true, isn + 1 + segs[i].off, SF_TCP_ACK, &segs[i].byte, 1, 2 + i, 1);
        if ((i & 1023) == 0) {
            sf_tcp_stats_t st;
            sf_tcp_reasm_get_stats(h->r, &st);
            if (st.pending_bytes > max_pending) max_pending = st.pending_bytes;
        }
    }
    sf_tcp_reasm_finish(h->r);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    app_t *c = app_from(h, true);
    sf_tcp_stats_t st;
    sf_tcp_reasm_get_stats(h->r, &st);
    printf("# %s%s: %zu segments in %.3f s, max pending %llu, conflicts %llu, gaps %llu\n",
           shuffled ? "shuffled" : "in order", small_caps ? " (default caps)" : "", n, secs,
           (unsigned long long)max_pending, (unsigned long long)st.conflicts,
           (unsigned long long)st.gaps);
    assert_true(secs < 5.0);
    assert_int_equal(st.pending_bytes, 0);
    if (small_caps) {
        /* bounded: charged bytes (payload + 64 per segment) within the cap */
        assert_true(max_pending * 65 <= cfg.max_pending_per_dir + 65);
        assert_int_equal(c->len + st.gap_bytes, N_BYTES);
    } else {
        assert_int_equal(c->len, N_BYTES);
        assert_memory_equal(c->data, expect, N_BYTES);
        assert_int_equal(st.gaps, 0);
        if (shuffled) assert_true(st.conflicts > 0);
    }
    free(orig);
    free(expect);
    free(seen);
    free(segs);
    harness_free(h);
}

static void test_one_byte_in_order(void **state)
{
    (void)state;
    run_one_byte(false, false);
}

static void test_one_byte_shuffled(void **state)
{
    (void)state;
    run_one_byte(true, false);
}

static void test_one_byte_shuffled_default_caps(void **state)
{
    (void)state;
    run_one_byte(true, true);
}

static void test_files_and_ipv6_are_distinct(void **state)
{
    (void)state;
    harness_t *h = harness_new(NULL);
    sf_tcp_segment_t s = {0};
    s.src = ep4(1, 1);
    s.dst = ep4(2, 2);
    s.payload = (const uint8_t *)"ab";
    s.len = 2;
    s.frame = 1;
    sf_tcp_reasm_segment(h->r, &s);
    s.file = 1; /* same addresses, other input file: another stream */
    s.frame = 2;
    sf_tcp_reasm_segment(h->r, &s);
    s.file = 0;
    s.src.family = 6; /* same bytes, other family */
    s.dst.family = 6;
    s.frame = 3;
    sf_tcp_reasm_segment(h->r, &s);
    assert_int_equal(h->napps, 3);
    for (int i = 0; i < 3; i++)
        assert_int_equal(h->apps[i].len, 2);
    harness_free(h);
}

/* Property test: random segmentation, reordering within a window,
 * duplicates and partial overlaps (same bytes), optional loss. Without
 * loss the stream comes out exact; with loss every delivered byte is at
 * its right place once the gaps are accounted for. */
typedef struct rseg {
    uint32_t off, len;
} rseg_t;

static void test_random_segments(void **state)
{
    (void)state;
    enum { LEN = 20000 };
    static uint8_t stream[LEN];
    static rseg_t segs[LEN * 2];
    uint32_t rs = 99;
    for (int i = 0; i < LEN; i++)
        stream[i] = (uint8_t)rnd(&rs);
    for (int iter = 0; iter < 60; iter++) {
        bool lossy = iter % 3 == 2;
        size_t n = 0;
        uint32_t off = 0;
        while (off < LEN) {
            uint32_t l = 1 + rnd(&rs) % 1500;
            if (l > LEN - off) l = LEN - off;
            segs[n++] = (rseg_t){off, l};
            if (rnd(&rs) % 6 == 0) { /* a retransmission, maybe repacketised */
                uint32_t o2 = off > 100 ? off - rnd(&rs) % 100 : off;
                uint32_t l2 = 1 + rnd(&rs) % 2000;
                if (l2 > LEN - o2) l2 = LEN - o2;
                segs[n++] = (rseg_t){o2, l2};
            }
            off += l;
        }
        /* reorder: swap within a window of 8 */
        for (size_t i = 0; i + 1 < n; i++) {
            size_t j = i + rnd(&rs) % 8;
            if (j >= n) j = n - 1;
            rseg_t t = segs[i];
            segs[i] = segs[j];
            segs[j] = t;
        }
        harness_t *h = harness_new(NULL);
        uint32_t isn = rnd(&rs);
        push(h, true, isn, SF_TCP_SYN, NULL, 0, 1, 0);
        bool *covered = calloc(LEN, 1);
        for (size_t i = 0; i < n; i++) {
            if (lossy && rnd(&rs) % 10 == 0) continue;
            for (uint32_t b = 0; b < segs[i].len; b++)
                covered[segs[i].off + b] = true;
            push(h, true, isn + 1 + segs[i].off, SF_TCP_ACK, stream + segs[i].off, segs[i].len,
                 2 + i, 0);
        }
        sf_tcp_reasm_finish(h->r);
        app_t *c = app_from(h, true);
        sf_tcp_stats_t st;
        sf_tcp_reasm_get_stats(h->r, &st);
        assert_int_equal(st.conflicts, 0);
        assert_int_equal(st.pending_bytes, 0);
        if (!lossy) {
            assert_int_equal(c->len, LEN);
            assert_memory_equal(c->data, stream, LEN);
            assert_int_equal(st.gaps, 0);
        } else if (c) {
            /* delivered = the covered bytes from the first covered one on */
            uint32_t first = 0;
            while (first < LEN && !covered[first])
                first++;
            uint32_t last = LEN;
            while (last > first && !covered[last - 1])
                last--;
            size_t want = 0, gap = 0;
            for (uint32_t b = first; b < last; b++)
                covered[b] ? want++ : gap++;
            assert_int_equal(c->len, want);
            assert_int_equal(c->gap_bytes, gap + first); /* SYN seen: offset 0 known */
            size_t k = 0;
            for (uint32_t b = first; b < last; b++)
                if (covered[b]) assert_int_equal(c->data[k++], stream[b]);
        }
        free(covered);
        harness_free(h);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_in_order),
        cmocka_unit_test(test_out_of_order_permutations),
        cmocka_unit_test(test_retransmissions),
        cmocka_unit_test(test_conflicting_overlap),
        cmocka_unit_test(test_sequence_wrap),
        cmocka_unit_test(test_midstream_pickup),
        cmocka_unit_test(test_lost_segment_gap),
        cmocka_unit_test(test_fin_then_gap_and_rst),
        cmocka_unit_test(test_new_incarnation),
        cmocka_unit_test(test_zero_length_and_idle),
        cmocka_unit_test(test_max_streams_eviction),
        cmocka_unit_test(test_pending_caps),
        cmocka_unit_test(test_one_byte_in_order),
        cmocka_unit_test(test_one_byte_shuffled),
        cmocka_unit_test(test_one_byte_shuffled_default_caps),
        cmocka_unit_test(test_files_and_ipv6_are_distinct),
        cmocka_unit_test(test_random_segments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
