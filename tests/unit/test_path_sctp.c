/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SIP over SCTP (RFC 4168) through the whole packet path on Ethernet /
 * IPv4 frames built here: a fragmented INVITE (two DATA chunks in two
 * frames), responses bundled in one packet, a retransmitted DATA chunk,
 * non-SIP user messages, a cut SCTP header, a snaplen-cut packet, stats. */
#include "sf_test.h"

#include <stdio.h>

#include "sipflow/packet_path.h"
#include "sipflow/sctp.h"
#define MAX_MSGS 8
#define PATH_FIX_EXTRA \
    uint8_t sctp[2048]; /* the SCTP packet being built */ \
    uint32_t n; /* its length so far */
#include "path_harness.h"
#include "test_net_build.h"

static void start(fix_t *f)
{
    memset(f->sctp, 0, 12);
    put16(f->sctp, 5061);
    put16(f->sctp + 2, 5060);
    put32(f->sctp + 4, 0xABCD);
    f->n = 12;
}

static void data(fix_t *f, uint32_t tsn, uint8_t flags, const char *s, uint32_t len)
{
    uint8_t *c = f->sctp + f->n;
    c[0] = SF_SCTP_CHUNK_DATA;
    c[1] = flags;
    put16(c + 2, 16 + len);
    put32(c + 4, tsn);
    put16(c + 8, 0);
    put16(c + 10, 0);
    put32(c + 12, 0);
    memcpy(c + 16, s, len);
    f->n += 16 + len;
    while (f->n % 4)
        f->sctp[f->n++] = 0;
}

/* Sends the SCTP packet in an Ethernet/IPv4 frame, cut by `cut` bytes. */
static void send_pkt(fix_t *f, uint32_t cut)
{
    uint8_t ip[2100], e[2200];
    uint32_t n = b_ipv4(ip, SF_IPPROTO_SCTP, (uint16_t)f->frame, 0, 0, f->sctp, f->n);
    uint32_t en = b_eth(e, 0x0800, ip, n);
    sf_packet_t pkt = mk_pkt(SF_LINKTYPE_ETHERNET, e, en - cut, ++f->frame, 10);
    pkt.len = en;
    sf_packet_path_push(f->pp, &pkt);
}

#define INVITE                                                                                     \
    "INVITE sip:bob@example.com SIP/2.0\r\n"                                                       \
    "Via: SIP/2.0/SCTP 192.0.2.1:5061;branch=z9hG4bK776asdhds\r\n"                                 \
    "Max-Forwards: 70\r\n"                                                                         \
    "To: Bob <sip:bob@example.com>\r\n"                                                            \
    "From: Alice <sip:alice@example.com>;tag=1928301774\r\n"                                       \
    "Call-ID: a84b4c76e66710\r\n"                                                                  \
    "CSeq: 314159 INVITE\r\n"                                                                      \
    "Content-Length: 0\r\n\r\n"

#define RESP(code)                                                                                 \
    "SIP/2.0 " code "\r\n"                                                                         \
    "Via: SIP/2.0/SCTP 192.0.2.1:5061;branch=z9hG4bK776asdhds\r\n"                                 \
    "To: Bob <sip:bob@example.com>\r\n"                                                            \
    "From: Alice <sip:alice@example.com>;tag=1928301774\r\n"                                       \
    "Call-ID: a84b4c76e66710\r\n"                                                                  \
    "CSeq: 314159 INVITE\r\n"                                                                      \
    "Content-Length: 0\r\n\r\n"

static void test_sip_over_sctp(void **state)
{
    fix_t *f = *state;
    const char *inv = INVITE;
    uint32_t len = (uint32_t)strlen(inv), half = len / 2;
    start(f);
    data(f, 1, SF_SCTP_FLAG_B, inv, half);
    send_pkt(f, 0);
    assert_int_equal(f->g.n, 0);
    start(f);
    data(f, 2, SF_SCTP_FLAG_E, inv + half, len - half);
    send_pkt(f, 0);
    assert_int_equal(f->g.n, 1);
    assert_string_equal(f->g.m[0].start, "INVITE sip:bob@example.com SIP/2.0");
    assert_string_equal(f->g.m[0].malformed, "");
    assert_int_equal(f->g.m[0].meta.transport, SF_TRANSPORT_SCTP);
    assert_int_equal(f->g.m[0].meta.n_frames, 2);
    assert_int_equal(f->g.m[0].meta.frames[0], 1);
    assert_int_equal(f->g.m[0].meta.frames[1], 2);
    assert_int_equal(f->g.m[0].meta.src.port, 5061);
    assert_int_equal(f->g.m[0].meta.dst.port, 5060);
    assert_memory_equal(f->g.m[0].meta.src.addr, A4, 4);
    /* two responses bundled, then the same packet retransmitted */
    start(f);
    data(f, 3, SF_SCTP_FLAG_B | SF_SCTP_FLAG_E, RESP("100 Trying"),
         (uint32_t)strlen(RESP("100 Trying")));
    data(f, 4, SF_SCTP_FLAG_B | SF_SCTP_FLAG_E, RESP("180 Ringing"),
         (uint32_t)strlen(RESP("180 Ringing")));
    send_pkt(f, 0);
    send_pkt(f, 0);
    assert_int_equal(f->g.n, 3);
    assert_string_equal(f->g.m[1].start, "SIP/2.0 100 Trying");
    assert_string_equal(f->g.m[2].start, "SIP/2.0 180 Ringing");
    assert_int_equal(f->g.m[2].meta.frames[0], 3);
    /* a user message that is not SIP is ignored */
    start(f);
    data(f, 5, SF_SCTP_FLAG_B | SF_SCTP_FLAG_E,
         "\x01\x00\x00\x14"
         "binary",
         10);
    send_pkt(f, 0);
    assert_int_equal(f->g.n, 3);
    assert_int_equal(rec_total_anomalies(&f->g.r), 0);

    sf_packet_path_stats_t st;
    sf_packet_path_get_stats(f->pp, &st);
    assert_int_equal(st.sctp, 5);
    assert_int_equal(st.sip_messages, 3);
    assert_int_equal(st.sctp_stats.duplicates, 2);
    assert_int_equal(st.sctp_stats.reassembled, 1);
    assert_int_equal(st.sctp_stats.messages, 4);
}

static void test_sctp_defects(void **state)
{
    fix_t *f = *state;
    /* an SCTP header cut by the IP length: sctp-malformed at the net layer */
    start(f);
    f->n = 8;
    send_pkt(f, 0);
    assert_int_equal(f->g.r.anomalies[SF_ANOM_SCTP_MALFORMED], 1);
    assert_int_equal(f->g.r.last_anom_frame[SF_ANOM_SCTP_MALFORMED], 1);
    /* a snaplen cut inside the second DATA chunk: the first message is
     * used; the cut is reported once, as ip-truncated */
    start(f);
    data(f, 1, SF_SCTP_FLAG_B | SF_SCTP_FLAG_E, RESP("200 OK"), (uint32_t)strlen(RESP("200 OK")));
    data(f, 2, SF_SCTP_FLAG_B | SF_SCTP_FLAG_E, INVITE, (uint32_t)strlen(INVITE));
    send_pkt(f, 40);
    assert_int_equal(f->g.n, 1);
    assert_string_equal(f->g.m[0].start, "SIP/2.0 200 OK");
    assert_int_equal(f->g.r.anomalies[SF_ANOM_IP_TRUNCATED], 1);
    assert_int_equal(f->g.r.anomalies[SF_ANOM_SCTP_MALFORMED], 1);
    /* a fragment that never completes: sctp-incomplete at the end */
    start(f);
    data(f, 3, SF_SCTP_FLAG_B, INVITE, 20);
    send_pkt(f, 0);
    sf_packet_path_finish(f->pp);
    assert_int_equal(f->g.r.anomalies[SF_ANOM_SCTP_INCOMPLETE], 1);
    assert_int_equal(f->g.r.last_anom_frame[SF_ANOM_SCTP_INCOMPLETE], 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sip_over_sctp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sctp_defects, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
