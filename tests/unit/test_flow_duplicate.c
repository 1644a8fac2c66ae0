/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Duplicate detection (sipflow/duplicate.h) alone and through the engine:
 * the same message seen at two points or captured twice is one message,
 * while a real retransmission (a new datagram: another IPv4 ID, 500 ms
 * later) stays a retransmission; the window expires; the table stays
 * bounded under a flood. */
#include "sf_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sipflow/duplicate.h"
#include "sipflow/engine.h"
#include "sipflow/sip_msg.h"

static const char invite[] = "INVITE sip:bob@10.0.0.2 SIP/2.0\r\n"
                             "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-dup1\r\n"
                             "From: <sip:alice@10.0.0.1>;tag=a1\r\n"
                             "To: <sip:bob@10.0.0.2>\r\n"
                             "Call-ID: dup-call-1\r\n"
                             "CSeq: 1 INVITE\r\n"
                             "Content-Length: 0\r\n\r\n";

/* A message of buf (no parsing needed by the table: it hashes buf/len). */
static sf_sip_msg_t raw(const char *buf, uint32_t len)
{
    sf_sip_msg_t m;
    memset(&m, 0, sizeof m);
    m.buf = buf;
    m.len = len;
    return m;
}

static sf_msg_meta_t meta_at(uint32_t file, uint64_t frame, int64_t ms, int ip_id)
{
    sf_msg_meta_t m;
    memset(&m, 0, sizeof m);
    m.file = file;
    m.frames[0] = frame;
    m.n_frames = 1;
    m.ts = (sf_ts_t){1000 + ms / 1000, (uint32_t)(ms % 1000) * 1000000u, 6};
    m.src.family = m.dst.family = 4;
    m.src.addr[0] = m.dst.addr[0] = 10;
    m.src.addr[3] = 1;
    m.dst.addr[3] = 2;
    m.src.port = m.dst.port = 5060;
    m.transport = SF_TRANSPORT_UDP;
    if (ip_id >= 0) {
        m.has_ip_id = true;
        m.ip_id = (uint16_t)ip_id;
    }
    return m;
}

static sf_dup_table_t *table(int64_t window_ms, uint32_t max)
{
    sf_dup_config_t c = {window_ms * 1000000, max};
    sf_dup_table_t *t = sf_dup_create(&c);
    assert_non_null(t);
    return t;
}

/* Looks m up; when new, records a classification so a copy can report it. */
static const sf_dup_first_t *check(sf_dup_table_t *t, const sf_msg_meta_t *meta,
                                   const sf_sip_msg_t *m, uint64_t seq)
{
    uint64_t slot = 0;
    const sf_dup_first_t *f = sf_dup_check(t, meta, m, sf_dup_hash(m->buf, m->len), &slot);
    if (!f) {
        sf_msg_info_t info = {.seq = seq, .meta = meta, .msg = m, .call = 7, .txn = 3};
        sf_dup_note(t, slot, &info);
    }
    return f;
}

static void test_same_datagram_twice_in_one_file(void **state)
{
    (void)state;
    sf_dup_table_t *t = table(100, 64);
    sf_sip_msg_t m = raw(invite, sizeof invite - 1);
    sf_msg_meta_t a = meta_at(0, 24, 0, 0x3f9e), b = meta_at(0, 26, 1, 0x3f9e);
    assert_null(check(t, &a, &m, 1));
    const sf_dup_first_t *f = check(t, &b, &m, 2);
    assert_non_null(f);
    assert_int_equal(f->seq, 1);
    assert_int_equal(f->file, 0);
    assert_int_equal(f->frame, 24);
    assert_int_equal(f->call, 7);
    assert_int_equal(f->txn, 3);
    sf_dup_stats_t st;
    sf_dup_get_stats(t, &st);
    assert_int_equal(st.checked, 2);
    assert_int_equal(st.duplicates, 1);
    sf_dup_destroy(t);
}

static void test_retransmission_is_not_a_copy(void **state)
{
    (void)state;
    sf_dup_table_t *t = table(100, 64);
    sf_sip_msg_t m = raw(invite, sizeof invite - 1);
    sf_msg_meta_t a = meta_at(0, 1, 0, 0x1000);
    assert_null(check(t, &a, &m, 1));
    /* Timer A: the same bytes 500 ms later in a new datagram */
    sf_msg_meta_t r = meta_at(0, 2, 500, 0x1001);
    assert_null(check(t, &r, &m, 2));
    /* same bytes, new IPv4 ID, even at once: a new datagram */
    sf_msg_meta_t q = meta_at(0, 3, 501, 0x1002);
    assert_null(check(t, &q, &m, 3));
    /* same ID (Linux sends ID 0 for unconnected UDP with DF) but 500 ms
     * later: outside the window, so a retransmission too */
    sf_msg_meta_t z1 = meta_at(0, 4, 2000, 0), z2 = meta_at(0, 5, 2500, 0);
    assert_null(check(t, &z1, &m, 4));
    assert_null(check(t, &z2, &m, 5));
    /* no ID at all (IPv6, TCP) at one point: never taken for a copy */
    sf_msg_meta_t n1 = meta_at(0, 6, 4000, -1), n2 = meta_at(0, 7, 4000, -1);
    assert_null(check(t, &n1, &m, 6));
    assert_null(check(t, &n2, &m, 7));
    /* one byte different: another message */
    char other[sizeof invite];
    memcpy(other, invite, sizeof invite);
    other[sizeof invite - 8] = '1';
    sf_sip_msg_t mo = raw(other, sizeof invite - 1);
    sf_msg_meta_t o = meta_at(0, 8, 4001, -1);
    sf_msg_meta_t o2 = meta_at(1, 9, 4001, -1);
    assert_null(check(t, &o, &mo, 8));
    assert_non_null(check(t, &o2, &mo, 9)); /* but its own copy is found */
    sf_dup_destroy(t);
}

static void test_two_files_and_interfaces(void **state)
{
    (void)state;
    sf_dup_table_t *t = table(100, 64);
    sf_sip_msg_t m = raw(invite, sizeof invite - 1);
    sf_msg_meta_t a = meta_at(0, 5, 0, -1);
    assert_null(check(t, &a, &m, 1));
    sf_msg_meta_t b = meta_at(1, 9, 3, -1); /* another file, no IP ID needed */
    const sf_dup_first_t *f = check(t, &b, &m, 2);
    assert_non_null(f);
    assert_int_equal(f->file, 0);
    assert_int_equal(f->frame, 5);
    /* a third point: still a copy of the first */
    sf_msg_meta_t c = meta_at(2, 4, 4, 77);
    f = check(t, &c, &m, 3);
    assert_non_null(f);
    assert_int_equal(f->seq, 1);
    /* another interface of the same pcapng file */
    sf_msg_meta_t d = meta_at(0, 6, 5, -1);
    d.iface = 1;
    assert_non_null(check(t, &d, &m, 4));
    sf_dup_destroy(t);
}

static void test_window_expiry(void **state)
{
    (void)state;
    sf_dup_table_t *t = table(100, 64);
    sf_sip_msg_t m = raw(invite, sizeof invite - 1);
    sf_msg_meta_t a = meta_at(0, 1, 0, -1);
    assert_null(check(t, &a, &m, 1));
    sf_msg_meta_t in = meta_at(1, 1, 100, -1); /* at the edge: inside */
    assert_non_null(check(t, &in, &m, 2));
    sf_msg_meta_t out = meta_at(1, 2, 101, -1); /* past it: a new message */
    assert_null(check(t, &out, &m, 3));
    /* ... which is itself the first copy for what follows */
    sf_msg_meta_t again = meta_at(0, 2, 150, -1);
    const sf_dup_first_t *f = check(t, &again, &m, 4);
    assert_non_null(f);
    assert_int_equal(f->seq, 3);
    sf_dup_destroy(t);
    /* window 0: detection off */
    sf_dup_config_t off = {0, 64};
    assert_null(sf_dup_create(&off));
}

static void test_flood_is_bounded(void **state)
{
    (void)state;
    sf_dup_table_t *t = table(100, 16); /* 16 entries */
    char buf[64];
    /* 10000 distinct messages at one instant: the ring keeps the newest 16,
     * every overwritten entry still inside the window is counted */
    for (uint32_t i = 0; i < 10000; i++) {
        int n = snprintf(buf, sizeof buf, "OPTIONS sip:x SIP/2.0\r\nCSeq: %u X\r\n\r\n", i);
        sf_sip_msg_t m = raw(buf, (uint32_t)n);
        sf_msg_meta_t a = meta_at(0, i + 1, 0, -1);
        assert_null(check(t, &a, &m, i + 1));
    }
    sf_dup_stats_t st;
    sf_dup_get_stats(t, &st);
    assert_int_equal(st.evicted, 10000 - 16);
    /* the oldest is forgotten, the newest still known */
    int n = snprintf(buf, sizeof buf, "OPTIONS sip:x SIP/2.0\r\nCSeq: %u X\r\n\r\n", 0u);
    sf_sip_msg_t m0 = raw(buf, (uint32_t)n);
    sf_msg_meta_t c0 = meta_at(1, 1, 1, -1);
    assert_null(check(t, &c0, &m0, 10001));
    n = snprintf(buf, sizeof buf, "OPTIONS sip:x SIP/2.0\r\nCSeq: %u X\r\n\r\n", 9999u);
    sf_sip_msg_t m9 = raw(buf, (uint32_t)n);
    sf_msg_meta_t c9 = meta_at(1, 2, 1, -1);
    const sf_dup_first_t *f = check(t, &c9, &m9, 10002);
    assert_non_null(f);
    assert_int_equal(f->seq, 10000);
    sf_dup_destroy(t);

    /* one message flooded from one point with distinct IDs: every lookup
     * walks a bounded part of one chain (this must finish at once) */
    t = table(100, 4096);
    sf_sip_msg_t m = raw(invite, sizeof invite - 1);
    for (uint32_t i = 0; i < 20000; i++) {
        sf_msg_meta_t a = meta_at(0, i + 1, 0, (int)(i & 0xffff));
        (void)check(t, &a, &m, i + 1);
    }
    sf_dup_get_stats(t, &st);
    assert_int_equal(st.checked, 20000);
    sf_dup_destroy(t);
}

static void test_hash(void **state)
{
    (void)state;
    char a[80], b[80];
    for (uint32_t i = 0; i < sizeof a; i++)
        a[i] = (char)('A' + i % 23);
    /* every length (tail handling) and every single-byte change differ */
    for (uint32_t len = 0; len < sizeof a; len++) {
        uint64_t h = sf_dup_hash(a, len);
        assert_true(h != 0);
        if (len) assert_true(h != sf_dup_hash(a, len - 1));
        memcpy(b, a, sizeof a);
        for (uint32_t k = 0; k < len; k++) {
            b[k] ^= 1;
            assert_true(sf_dup_hash(b, len) != h);
            b[k] ^= 1;
        }
    }
}

/* ---- through the engine ------------------------------------------------ */

typedef struct seen {
    uint32_t n;
    sf_msg_info_t info[16];
    uint32_t calls;
    uint32_t call_messages, call_retrans, call_dups, call_frames, n_arrows;
    sf_arrow_t arrows[8];
} seen_t;

static void on_msg(void *u, const sf_msg_info_t *i)
{
    seen_t *s = u;
    if (s->n < 16) s->info[s->n++] = *i;
}

static void on_call(void *u, sf_call_t *c)
{
    seen_t *s = u;
    s->calls++;
    s->call_messages = c->messages;
    s->call_retrans = c->retransmissions;
    s->call_dups = c->duplicates;
    s->call_frames = c->n_frames;
    s->n_arrows = c->n_arrows < 8 ? c->n_arrows : 8;
    memcpy(s->arrows, c->arrows, s->n_arrows * sizeof *c->arrows);
}

static void test_engine(void **state)
{
    (void)state;
    seen_t s;
    memset(&s, 0, sizeof s);
    sf_engine_config_t cfg;
    sf_engine_config_default(&cfg);
    sf_engine_sink_t sink = {.message = on_msg, .call_done = on_call, .user = &s};
    sf_engine_t *e = sf_engine_create(&cfg, &sink);
    assert_non_null(e);
    sf_sip_parser_t *p = sf_sip_parser_create();
    sf_sip_msg_t m;
    assert_true(sf_sip_parse(p, invite, sizeof invite - 1, &m));
    /* point A sees the INVITE, point B 1 ms later; Timer A retransmits
     * it 500 ms later (new datagram), both points see that too */
    sf_msg_meta_t a1 = meta_at(0, 1, 0, 0x10), b1 = meta_at(1, 1, 1, 0x10);
    sf_msg_meta_t a2 = meta_at(0, 2, 500, 0x11), b2 = meta_at(1, 2, 501, 0x11);
    sf_engine_push(e, &a1, &m);
    sf_engine_push(e, &b1, &m);
    sf_engine_push(e, &a2, &m);
    sf_engine_push(e, &b2, &m);
    sf_engine_stats_t st;
    sf_engine_get_stats(e, &st);
    assert_int_equal(st.messages, 4);
    assert_int_equal(st.retransmissions, 1);
    assert_int_equal(st.duplicates, 2);
    assert_int_equal(s.n, 4);
    assert_int_equal(s.info[0].duplicate_of, 0);
    assert_int_equal(s.info[1].duplicate_of, 1);
    assert_int_equal(s.info[1].first_file, 0);
    assert_int_equal(s.info[1].first_frame, 1);
    assert_false(s.info[1].retransmission);
    assert_int_equal(s.info[1].call, s.info[0].call);
    assert_int_equal(s.info[1].txn, s.info[0].txn);
    assert_true(s.info[2].retransmission);
    assert_int_equal(s.info[2].duplicate_of, 0);
    assert_int_equal(s.info[3].duplicate_of, 3);
    assert_false(s.info[3].retransmission);
    sf_engine_finish(e);
    assert_int_equal(s.calls, 1);
    assert_int_equal(s.call_messages, 2);
    assert_int_equal(s.call_retrans, 1);
    assert_int_equal(s.call_dups, 2);
    assert_int_equal(s.call_frames, 4); /* (0,1) (0,2) (1,1) (1,2) */
    assert_int_equal(s.n_arrows, 2);
    assert_int_equal(s.arrows[0].copies, 1);
    assert_int_equal(s.arrows[0].copy_file, 1);
    assert_int_equal(s.arrows[0].copy_frame, 1);
    assert_true(s.arrows[1].retransmission);
    assert_int_equal(s.arrows[1].copies, 1);
    sf_engine_destroy(e);

    /* detection off: the copies are false retransmissions */
    memset(&s, 0, sizeof s);
    cfg.dup_window_ns = 0;
    e = sf_engine_create(&cfg, &sink);
    sf_engine_push(e, &a1, &m);
    sf_engine_push(e, &b1, &m);
    sf_engine_get_stats(e, &st);
    assert_int_equal(st.retransmissions, 1);
    assert_int_equal(st.duplicates, 0);
    sf_engine_destroy(e);
    sf_sip_parser_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_datagram_twice_in_one_file),
        cmocka_unit_test(test_retransmission_is_not_a_copy),
        cmocka_unit_test(test_two_files_and_interfaces),
        cmocka_unit_test(test_window_expiry),
        cmocka_unit_test(test_flood_is_bounded),
        cmocka_unit_test(test_hash),
        cmocka_unit_test(test_engine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
