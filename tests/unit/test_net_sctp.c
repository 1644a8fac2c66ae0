/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SCTP chunk walk and user-message reassembly (sipflow/sctp.h) on packets
 * built here: several DATA chunks per packet, fragments (B/E) across
 * packets in and out of order, retransmitted TSNs, interleaved streams
 * (DATA and I-DATA), malformed lengths, snaplen cuts, caps, ABORT /
 * restart / idle / end-of-capture clean-up. */
#include "sf_test.h"

#include <stdio.h>

#include "sipflow/sctp.h"
#include "test_net_build.h"

#define MAX_MSGS 16

typedef struct got {
    uint32_t n;
    struct {
        char data[512];
        uint32_t len;
        uint64_t frames[SF_MSG_MAX_FRAMES];
        uint32_t n_frames;
        uint16_t stream;
        uint32_t fragments;
        bool unordered;
        sf_transport_t transport;
    } m[MAX_MSGS];
    recorder_t r;
} got_t;

static void on_msg(void *user, const sf_sctp_message_t *m)
{
    got_t *g = user;
    if (g->n < MAX_MSGS) {
        uint32_t n = m->len < sizeof g->m[0].data - 1 ? m->len : sizeof g->m[0].data - 1;
        memcpy(g->m[g->n].data, m->data, n);
        g->m[g->n].data[n] = 0;
        g->m[g->n].len = m->len;
        memcpy(g->m[g->n].frames, m->meta->frames, sizeof m->meta->frames);
        g->m[g->n].n_frames = m->meta->n_frames;
        g->m[g->n].stream = m->stream;
        g->m[g->n].fragments = m->fragments;
        g->m[g->n].unordered = m->unordered;
        g->m[g->n].transport = m->meta->transport;
    }
    g->n++;
}

typedef struct pkt {
    uint8_t b[4096];
    uint32_t n;
} pkt_t;

static void p_start(pkt_t *p, uint32_t vtag)
{
    memset(p->b, 0, 12);
    put16(p->b, 5061);
    put16(p->b + 2, 5060);
    put32(p->b + 4, vtag);
    p->n = 12;
}

static void p_chunk(pkt_t *p, uint8_t type, uint8_t flags, const void *v, uint32_t len)
{
    p->b[p->n] = type;
    p->b[p->n + 1] = flags;
    put16(p->b + p->n + 2, 4 + len);
    memcpy(p->b + p->n + 4, v, len);
    p->n += 4 + len;
    while (p->n % 4)
        p->b[p->n++] = 0;
}

static void p_data(pkt_t *p, uint32_t tsn, uint16_t stream, uint8_t flags, uint32_t ppid,
                   const char *s)
{
    uint8_t v[1024];
    uint32_t len = (uint32_t)strlen(s);
    put32(v, tsn);
    put16(v + 4, stream);
    put16(v + 6, 0);
    put32(v + 8, ppid);
    memcpy(v + 12, s, len);
    p_chunk(p, SF_SCTP_CHUNK_DATA, flags, v, 12 + len);
}

static void p_idata(pkt_t *p, uint32_t tsn, uint16_t stream, uint32_t mid, uint8_t flags,
                    uint32_t ppid_fsn, const char *s)
{
    uint8_t v[1024];
    uint32_t len = (uint32_t)strlen(s);
    put32(v, tsn);
    put16(v + 4, stream);
    put16(v + 6, 0);
    put32(v + 8, mid);
    put32(v + 12, ppid_fsn);
    memcpy(v + 16, s, len);
    p_chunk(p, SF_SCTP_CHUNK_I_DATA, flags, v, 16 + len);
}

typedef struct fix {
    got_t g;
    sf_sctp_reasm_t *r;
    int64_t sec;
} fix_t;

static fix_t *fix_new(const sf_sctp_config_t *cfg)
{
    fix_t *f = calloc(1, sizeof *f);
    sf_sctp_sink_t sink = {on_msg, &f->g};
    sf_anomaly_sink_t an = {rec_anomaly, &f->g.r};
    f->r = sf_sctp_reasm_create(cfg, &sink, &an);
    f->sec = 100;
    assert_non_null(f->r);
    return f;
}

static void fix_free(fix_t *f)
{
    sf_sctp_reasm_destroy(f->r);
    free(f);
}

static void push(fix_t *f, uint64_t frame, bool reverse, const pkt_t *p, uint32_t cut,
                 bool truncated)
{
    sf_msg_meta_t m;
    memset(&m, 0, sizeof m);
    m.frames[0] = frame;
    m.n_frames = 1;
    m.ts.sec = f->sec;
    m.ts.prec = 6;
    m.transport = SF_TRANSPORT_SCTP;
    m.src.family = m.dst.family = 4;
    memcpy(m.src.addr, reverse ? B4 : A4, 4);
    memcpy(m.dst.addr, reverse ? A4 : B4, 4);
    m.src.port = reverse ? 5060 : 5061;
    m.dst.port = reverse ? 5061 : 5060;
    sf_sctp_reasm_packet(f->r, &m, p->b, p->n - cut, truncated);
}

#define BE (SF_SCTP_FLAG_B | SF_SCTP_FLAG_E)

static void test_chunk_walk(void **state)
{
    (void)state;
    pkt_t p;
    memset(&p, 0, sizeof p);
    sf_sctp_header_t h;
    assert_false(sf_sctp_parse_header(p.b, 11, &h));
    p_start(&p, 0x01020304);
    assert_true(sf_sctp_parse_header(p.b, p.n, &h));
    assert_int_equal(h.sport, 5061);
    assert_int_equal(h.dport, 5060);
    assert_int_equal(h.vtag, 0x01020304);
    p_chunk(&p, SF_SCTP_CHUNK_SACK, 0, "abcdefghijklm", 13); /* 17 bytes, 3 padding */
    p_chunk(&p, SF_SCTP_CHUNK_COOKIE_ACK, 0, "", 0);
    p_chunk(&p, SF_SCTP_CHUNK_ABORT, 1, "x", 1);
    uint32_t n = p.n - 3; /* the last chunk without its padding is accepted */
    uint32_t off = 12;
    sf_sctp_chunk_t c;
    assert_int_equal(sf_sctp_next_chunk(p.b, n, &off, &c, NULL), SF_SCTP_OK);
    assert_int_equal(c.type, SF_SCTP_CHUNK_SACK);
    assert_int_equal(c.value_len, 13);
    assert_int_equal(off, 12 + 20);
    assert_int_equal(sf_sctp_next_chunk(p.b, n, &off, &c, NULL), SF_SCTP_OK);
    assert_int_equal(c.type, SF_SCTP_CHUNK_COOKIE_ACK);
    assert_int_equal(sf_sctp_next_chunk(p.b, n, &off, &c, NULL), SF_SCTP_OK);
    assert_int_equal(c.type, SF_SCTP_CHUNK_ABORT);
    assert_int_equal(c.flags, 1);
    assert_int_equal(sf_sctp_next_chunk(p.b, n, &off, &c, NULL), SF_SCTP_END);
    /* a length below 4 and a length past the end */
    const char *why = NULL;
    put16(p.b + 12 + 2, 3);
    off = 12;
    assert_int_equal(sf_sctp_next_chunk(p.b, n, &off, &c, &why), SF_SCTP_MALFORMED);
    assert_non_null(why);
    put16(p.b + 12 + 2, 400);
    off = 12;
    assert_int_equal(sf_sctp_next_chunk(p.b, n, &off, &c, &why), SF_SCTP_TRUNCATED);
    /* 1-3 stray non-zero bytes after the last chunk: a cut chunk header */
    uint8_t tail[16] = {0};
    tail[12] = 7;
    off = 12;
    assert_int_equal(sf_sctp_next_chunk(tail, 14, &off, &c, &why), SF_SCTP_TRUNCATED);
    tail[12] = 0;
    off = 12;
    assert_int_equal(sf_sctp_next_chunk(tail, 14, &off, &c, &why), SF_SCTP_END);
}

static void test_bundled_data(void **state)
{
    (void)state;
    fix_t *f = fix_new(NULL);
    pkt_t p;
    p_start(&p, 7);
    p_chunk(&p, SF_SCTP_CHUNK_SACK, 0, "\0\0\0\1\0\0\0\1\0\0\0\0", 12);
    p_data(&p, 1, 0, BE, 0, "SIP/2.0 180 Ringing\r\n\r\n");
    p_data(&p, 2, 3, BE | SF_SCTP_FLAG_U, 0, "SIP/2.0 200 OK\r\n\r\n");
    push(f, 5, false, &p, 0, false);
    assert_int_equal(f->g.n, 2);
    assert_string_equal(f->g.m[0].data, "SIP/2.0 180 Ringing\r\n\r\n");
    assert_string_equal(f->g.m[1].data, "SIP/2.0 200 OK\r\n\r\n");
    assert_int_equal(f->g.m[1].stream, 3);
    assert_true(f->g.m[1].unordered);
    assert_int_equal(f->g.m[0].n_frames, 1);
    assert_int_equal(f->g.m[0].frames[0], 5);
    assert_int_equal(f->g.m[0].transport, SF_TRANSPORT_SCTP);
    sf_sctp_stats_t st;
    sf_sctp_reasm_get_stats(f->r, &st);
    assert_int_equal(st.chunks, 3);
    assert_int_equal(st.data_chunks, 2);
    assert_int_equal(st.messages, 2);
    assert_int_equal(rec_total_anomalies(&f->g.r), 0);
    fix_free(f);
}

static void test_fragments_in_order(void **state)
{
    (void)state;
    fix_t *f = fix_new(NULL);
    pkt_t p;
    p_start(&p, 7);
    p_data(&p, 10, 1, SF_SCTP_FLAG_B, 0, "INVITE sip:a@b SIP/2.0\r\n");
    push(f, 1, false, &p, 0, false);
    p_start(&p, 7);
    p_data(&p, 11, 1, 0, 0, "Call-ID: x\r\n");
    push(f, 2, false, &p, 0, false);
    assert_int_equal(f->g.n, 0);
    p_start(&p, 7);
    p_data(&p, 12, 1, SF_SCTP_FLAG_E, 0, "\r\n");
    push(f, 3, false, &p, 0, false);
    assert_int_equal(f->g.n, 1);
    assert_string_equal(f->g.m[0].data, "INVITE sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n");
    assert_int_equal(f->g.m[0].fragments, 3);
    assert_int_equal(f->g.m[0].n_frames, 3);
    assert_int_equal(f->g.m[0].frames[0], 1);
    assert_int_equal(f->g.m[0].frames[2], 3);
    assert_int_equal(f->g.m[0].stream, 1);
    sf_sctp_stats_t st;
    sf_sctp_reasm_get_stats(f->r, &st);
    assert_int_equal(st.reassembled, 1);
    assert_true(st.pending_peak > 0);
    sf_sctp_reasm_finish(f->r);
    assert_int_equal(rec_total_anomalies(&f->g.r), 0);
    fix_free(f);
}

static void test_fragments_out_of_order(void **state)
{
    (void)state;
    fix_t *f = fix_new(NULL);
    pkt_t p;
    /* E, then B, then the middle: completes on the third packet */
    p_start(&p, 7);
    p_data(&p, 0xFFFFFFFFu + 3u, 0, SF_SCTP_FLAG_E, 0, "C");
    push(f, 1, false, &p, 0, false);
    p_start(&p, 7);
    p_data(&p, 0xFFFFFFFFu, 0, SF_SCTP_FLAG_B, 0, "A"); /* TSN wraps: -1, 0, 1, 2 */
    push(f, 2, false, &p, 0, false);
    p_start(&p, 7);
    p_data(&p, 0, 0, 0, 0, "B1");
    p_data(&p, 1, 0, 0, 0, "B2");
    push(f, 3, false, &p, 0, false);
    assert_int_equal(f->g.n, 1);
    assert_string_equal(f->g.m[0].data, "AB1B2C");
    assert_int_equal(f->g.m[0].n_frames, 3);
    assert_int_equal(f->g.m[0].frames[0], 1);
    assert_int_equal(f->g.m[0].frames[1], 2);
    assert_int_equal(f->g.m[0].frames[2], 3);
    assert_int_equal(f->g.m[0].fragments, 4);
    fix_free(f);
}

static void test_retransmissions(void **state)
{
    (void)state;
    fix_t *f = fix_new(NULL);
    pkt_t p;
    /* a whole message retransmitted (T3-rtx): one message */
    p_start(&p, 7);
    p_data(&p, 20, 0, BE, 0, "ACK x");
    push(f, 1, false, &p, 0, false);
    push(f, 2, false, &p, 0, false);
    assert_int_equal(f->g.n, 1);
    /* a fragment retransmitted before the message completes */
    p_start(&p, 7);
    p_data(&p, 21, 0, SF_SCTP_FLAG_B, 0, "BYE ");
    push(f, 3, false, &p, 0, false);
    push(f, 4, false, &p, 0, false);
    /* ... and with different bytes: conflict, the first copy stays */
    p_start(&p, 7);
    p_data(&p, 21, 0, SF_SCTP_FLAG_B, 0, "XXX ");
    push(f, 5, false, &p, 0, false);
    assert_int_equal(f->g.r.anomalies[SF_ANOM_SCTP_CONFLICT], 1);
    assert_int_equal(f->g.r.last_anom_frame[SF_ANOM_SCTP_CONFLICT], 5);
    p_start(&p, 7);
    p_data(&p, 22, 0, SF_SCTP_FLAG_E, 0, "y");
    push(f, 6, false, &p, 0, false);
    push(f, 7, false, &p, 0, false); /* the E fragment again, after delivery */
    assert_int_equal(f->g.n, 2);
    assert_string_equal(f->g.m[1].data, "BYE y");
    /* frame 4 and 5 brought only copies: not listed */
    assert_int_equal(f->g.m[1].n_frames, 2);
    assert_int_equal(f->g.m[1].frames[0], 3);
    assert_int_equal(f->g.m[1].frames[1], 6);
    /* the other direction has its own TSN space */
    p_start(&p, 9);
    p_data(&p, 20, 0, BE, 0, "SIP/2.0 200 OK");
    push(f, 8, true, &p, 0, false);
    assert_int_equal(f->g.n, 3);
    /* a TSN far behind the window is a late retransmission */
    p_start(&p, 7);
    p_data(&p, 5000, 0, BE, 0, "new");
    push(f, 9, false, &p, 0, false);
    p_start(&p, 7);
    p_data(&p, 22, 0, BE, 0, "old");
    push(f, 10, false, &p, 0, false);
    assert_int_equal(f->g.n, 4);
    sf_sctp_stats_t st;
    sf_sctp_reasm_get_stats(f->r, &st);
    assert_int_equal(st.duplicates, 5);
    fix_free(f);
}

static void test_interleaved_streams(void **state)
{
    (void)state;
    fix_t *f = fix_new(NULL);
    pkt_t p;
    /* DATA: two messages on streams 1 and 2, arriving interleaved */
    p_start(&p, 7);
    p_data(&p, 1, 1, SF_SCTP_FLAG_B, 0, "one-");
    p_data(&p, 3, 2, SF_SCTP_FLAG_B, 0, "two-");
    push(f, 1, false, &p, 0, false);
    p_start(&p, 7);
    p_data(&p, 4, 2, SF_SCTP_FLAG_E, 0, "b");
    p_data(&p, 2, 1, SF_SCTP_FLAG_E, 0, "a");
    push(f, 2, false, &p, 0, false);
    assert_int_equal(f->g.n, 2);
    assert_string_equal(f->g.m[0].data, "two-b");
    assert_int_equal(f->g.m[0].stream, 2);
    assert_string_equal(f->g.m[1].data, "one-a");
    /* I-DATA (RFC 8260): fragments of two messages interleave by TSN; each
     * is ordered by its FSN within (stream, MID) */
    p_start(&p, 7);
    p_idata(&p, 10, 1, 0, SF_SCTP_FLAG_B, 0, "x0"); /* PPID 0 */
    p_idata(&p, 11, 1, 1, SF_SCTP_FLAG_B, 0, "y0");
    p_idata(&p, 12, 1, 1, SF_SCTP_FLAG_E, 1, "y1"); /* FSN 1 */
    push(f, 3, false, &p, 0, false);
    assert_int_equal(f->g.n, 3);
    assert_string_equal(f->g.m[2].data, "y0y1");
    p_start(&p, 7);
    p_idata(&p, 14, 1, 0, SF_SCTP_FLAG_E, 2, "x2");
    p_idata(&p, 13, 1, 0, 0, 1, "x1");
    push(f, 4, false, &p, 0, false);
    assert_int_equal(f->g.n, 4);
    assert_string_equal(f->g.m[3].data, "x0x1x2");
    assert_int_equal(f->g.m[3].n_frames, 2);
    /* an I-DATA message of another protocol is reassembled, then skipped */
    p_start(&p, 7);
    p_idata(&p, 15, 4, 0, SF_SCTP_FLAG_B, 46, "diam");
    p_idata(&p, 16, 4, 0, SF_SCTP_FLAG_E, 1, "eter");
    push(f, 5, false, &p, 0, false);
    assert_int_equal(f->g.n, 4);
    sf_sctp_stats_t st;
    sf_sctp_reasm_get_stats(f->r, &st);
    assert_int_equal(st.other_ppid, 1);
    sf_sctp_reasm_finish(f->r);
    assert_int_equal(rec_total_anomalies(&f->g.r), 0);
    fix_free(f);
}

static void test_malformed_and_truncated(void **state)
{
    (void)state;
    fix_t *f = fix_new(NULL);
    pkt_t p;
    /* header cut */
    p_start(&p, 7);
    p.n = 8;
    push(f, 1, false, &p, 0, false);
    assert_int_equal(f->g.r.anomalies[SF_ANOM_SCTP_MALFORMED], 1);
    assert_int_equal(f->g.r.last_anom_frame[SF_ANOM_SCTP_MALFORMED], 1);
    /* a DATA chunk without user data, then a good one: the good one is used */
    p_start(&p, 7);
    uint8_t v[12] = {0, 0, 0, 1};
    p_chunk(&p, SF_SCTP_CHUNK_DATA, BE, v, 12);
    p_chunk(&p, SF_SCTP_CHUNK_DATA, BE, v, 8); /* shorter than its header */
    p_data(&p, 2, 0, BE, 0, "OPTIONS");
    push(f, 2, false, &p, 0, false);
    assert_int_equal(f->g.r.anomalies[SF_ANOM_SCTP_MALFORMED], 3);
    assert_int_equal(f->g.n, 1);
    /* a chunk length below 4 stops the walk */
    p_start(&p, 7);
    p_data(&p, 3, 0, BE, 0, "first");
    uint32_t at = p.n;
    p_data(&p, 4, 0, BE, 0, "second");
    put16(p.b + at + 2, 2);
    push(f, 3, false, &p, 0, false);
    assert_int_equal(f->g.n, 2);
    assert_int_equal(f->g.r.anomalies[SF_ANOM_SCTP_MALFORMED], 4);
    /* a snaplen cut inside the second chunk: the first is used, no anomaly
     * (the cut is ip-truncated, reported by the IP layer) */
    p_start(&p, 7);
    p_data(&p, 5, 0, BE, 0, "whole");
    p_data(&p, 6, 0, BE, 0, "cut-off-message");
    push(f, 4, false, &p, 6, true);
    assert_int_equal(f->g.n, 3);
    assert_string_equal(f->g.m[2].data, "whole");
    assert_int_equal(f->g.r.anomalies[SF_ANOM_SCTP_MALFORMED], 4);
    /* the same cut without the snaplen flag: a chunk length past the end */
    p_start(&p, 7);
    p_data(&p, 7, 0, BE, 0, "whole");
    p_data(&p, 8, 0, BE, 0, "cut-off-message");
    push(f, 5, false, &p, 6, false);
    assert_int_equal(f->g.r.anomalies[SF_ANOM_SCTP_MALFORMED], 5);
    assert_int_equal(f->g.r.last_anom_frame[SF_ANOM_SCTP_MALFORMED], 5);
    fix_free(f);
}

static void test_other_ppid_skipped(void **state)
{
    (void)state;
    fix_t *f = fix_new(NULL);
    pkt_t p;
    p_start(&p, 7);
    p_data(&p, 1, 0, BE, 46, "diameter");
    p_data(&p, 2, 0, SF_SCTP_FLAG_B, 3, "m3ua");
    push(f, 1, false, &p, 0, false);
    assert_int_equal(f->g.n, 0);
    sf_sctp_stats_t st;
    sf_sctp_reasm_get_stats(f->r, &st);
    assert_int_equal(st.other_ppid, 2);
    assert_int_equal(st.directions_peak, 0); /* no state for other protocols */
    fix_free(f);
}

static void test_caps(void **state)
{
    (void)state;
    sf_sctp_config_t cfg;
    sf_sctp_config_default(&cfg);
    cfg.max_message = 8;
    cfg.max_fragments = 4;
    cfg.max_directions = 1;
    fix_t *f = fix_new(&cfg);
    pkt_t p;
    /* a message over max_message: dropped at completion */
    p_start(&p, 7);
    p_data(&p, 1, 0, SF_SCTP_FLAG_B, 0, "12345");
    p_data(&p, 2, 0, SF_SCTP_FLAG_E, 0, "67890");
    push(f, 1, false, &p, 0, false);
    assert_int_equal(f->g.n, 0);
    assert_int_equal(f->g.r.anomalies[SF_ANOM_SCTP_EVICTED], 1);
    /* a single fragment over the cap */
    p_start(&p, 7);
    p_data(&p, 3, 0, SF_SCTP_FLAG_B, 0, "123456789");
    push(f, 2, false, &p, 0, false);
    assert_int_equal(f->g.r.anomalies[SF_ANOM_SCTP_EVICTED], 2);
    /* more pending fragments than max_fragments: the old ones give way */
    p_start(&p, 7);
    for (uint32_t i = 0; i < 5; i++)
        p_data(&p, 10 + 2 * i, 0, SF_SCTP_FLAG_B, 0, "a"); /* never completed */
    push(f, 3, false, &p, 0, false);
    assert_int_equal(f->g.r.anomalies[SF_ANOM_SCTP_EVICTED], 3);
    /* a second association direction: the table holds one */
    p_start(&p, 9);
    p_data(&p, 1, 0, BE, 0, "fine");
    push(f, 4, true, &p, 0, false);
    assert_int_equal(f->g.r.anomalies[SF_ANOM_SCTP_EVICTED], 4);
    assert_int_equal(f->g.n, 1);
    sf_sctp_stats_t st;
    sf_sctp_reasm_get_stats(f->r, &st);
    assert_int_equal(st.directions_peak, 1);
    fix_free(f);

    /* the total byte cap evicts the oldest association's fragments */
    sf_sctp_config_default(&cfg);
    cfg.max_bytes = 6;
    f = fix_new(&cfg);
    p_start(&p, 7);
    p_data(&p, 1, 0, SF_SCTP_FLAG_B, 0, "abcd");
    push(f, 1, false, &p, 0, false);
    p_start(&p, 9);
    p_data(&p, 1, 0, SF_SCTP_FLAG_B, 0, "efgh");
    push(f, 2, true, &p, 0, false);
    assert_int_equal(f->g.r.anomalies[SF_ANOM_SCTP_EVICTED], 1);
    assert_int_equal(f->g.r.last_anom_frame[SF_ANOM_SCTP_EVICTED], 2);
    p_start(&p, 9);
    p_data(&p, 2, 0, SF_SCTP_FLAG_E, 0, "ij");
    push(f, 3, true, &p, 0, false);
    assert_int_equal(f->g.n, 1);
    assert_string_equal(f->g.m[0].data, "efghij");
    fix_free(f);
}

static void test_cleanup(void **state)
{
    (void)state;
    fix_t *f = fix_new(NULL);
    pkt_t p;
    /* ABORT (from the peer) ends both directions: pending fragments go */
    p_start(&p, 7);
    p_data(&p, 1, 0, SF_SCTP_FLAG_B, 0, "INV");
    push(f, 1, false, &p, 0, false);
    p_start(&p, 9);
    p_chunk(&p, SF_SCTP_CHUNK_ABORT, 0, "", 0);
    push(f, 2, true, &p, 0, false);
    assert_int_equal(f->g.r.anomalies[SF_ANOM_SCTP_INCOMPLETE], 1);
    assert_int_equal(f->g.r.last_anom_frame[SF_ANOM_SCTP_INCOMPLETE], 2);
    p_start(&p, 7);
    p_data(&p, 2, 0, SF_SCTP_FLAG_E, 0, "ITE");
    push(f, 3, false, &p, 0, false);
    assert_int_equal(f->g.n, 0);
    /* a new verification tag: restart, the old fragments are dropped */
    p_start(&p, 8);
    p_data(&p, 100, 0, SF_SCTP_FLAG_B, 0, "X");
    push(f, 4, false, &p, 0, false);
    assert_int_equal(f->g.r.anomalies[SF_ANOM_SCTP_INCOMPLETE], 2);
    /* idle past the timeout (capture time) */
    f->sec += 121;
    p_start(&p, 9);
    p_chunk(&p, SF_SCTP_CHUNK_SACK, 0, "\0\0\0\1\0\0\0\1\0\0\0\0", 12);
    push(f, 5, true, &p, 0, false);
    assert_int_equal(f->g.r.anomalies[SF_ANOM_SCTP_INCOMPLETE], 3);
    /* SHUTDOWN COMPLETE, then end of capture */
    p_start(&p, 8);
    p_data(&p, 200, 0, SF_SCTP_FLAG_B, 0, "Y");
    push(f, 6, false, &p, 0, false);
    p_start(&p, 8);
    p_chunk(&p, SF_SCTP_CHUNK_SHUTDOWN_COMPLETE, 0, "", 0);
    push(f, 7, false, &p, 0, false);
    assert_int_equal(f->g.r.anomalies[SF_ANOM_SCTP_INCOMPLETE], 4);
    p_start(&p, 8);
    p_data(&p, 300, 0, SF_SCTP_FLAG_E, 0, "Z");
    push(f, 8, false, &p, 0, false);
    sf_sctp_reasm_finish(f->r);
    assert_int_equal(f->g.r.anomalies[SF_ANOM_SCTP_INCOMPLETE], 5);
    assert_int_equal(f->g.r.last_anom_frame[SF_ANOM_SCTP_INCOMPLETE], 8);
    assert_int_equal(f->g.n, 0);
    sf_sctp_stats_t st;
    sf_sctp_reasm_get_stats(f->r, &st);
    assert_int_equal(st.incomplete, 5);
    fix_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chunk_walk),
        cmocka_unit_test(test_bundled_data),
        cmocka_unit_test(test_fragments_in_order),
        cmocka_unit_test(test_fragments_out_of_order),
        cmocka_unit_test(test_retransmissions),
        cmocka_unit_test(test_interleaved_streams),
        cmocka_unit_test(test_malformed_and_truncated),
        cmocka_unit_test(test_other_ppid_skipped),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_cleanup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
