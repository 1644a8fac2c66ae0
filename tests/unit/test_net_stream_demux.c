/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The stream demux (sipflow/stream_demux.h) choosing SIP, WebSocket or TLS
 * from a direction's first bytes, whole or byte by byte, and the TLS side:
 * ClientHello parsing with and without SNI, the tls-encrypted notice once
 * per SIP-over-TLS connection and never for HTTPS. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_test.h"
#include "sipflow/hep_stream.h"
#include "sipflow/stream_demux.h"
#include "sipflow/tls.h"

#define SIP_OPT                                                                                    \
    "OPTIONS sip:bob@example.com SIP/2.0\r\nCall-ID: d1\r\nCSeq: 1 OPTIONS\r\n"                    \
    "Content-Length: 0\r\n\r\n"

typedef struct rec {
    int messages, anomalies, tls;
    sf_transport_t transport;
    uint64_t tls_frame;
    char reason[256];
} rec_t;

static void on_message(void *user, const sf_msg_meta_t *meta, const char *buf, uint32_t len,
                       const char *defect)
{
    rec_t *r = user;
    (void)defect;
    assert_true(len >= 20 && memcmp(buf, "OPTIONS ", 8) == 0);
    r->messages++;
    r->transport = meta->transport;
}

static void on_anomaly(void *user, const sf_anomaly_t *a)
{
    rec_t *r = user;
    r->anomalies++;
    if (a->kind == SF_ANOM_TLS_ENCRYPTED) {
        r->tls++;
        r->tls_frame = a->frame;
        snprintf(r->reason, sizeof r->reason, "%s", a->reason);
        assert_int_equal(a->layer, SF_LAYER_TCP);
    }
}

static sf_stream_env_t env_for(rec_t *r, sf_sip_raw_sink_t *sink, sf_anomaly_sink_t *an,
                               uint16_t sport, uint16_t dport)
{
    *sink = (sf_sip_raw_sink_t){on_message, r};
    *an = (sf_anomaly_sink_t){on_anomaly, r};
    sf_stream_env_t env;
    memset(&env, 0, sizeof env);
    env.meta.src = (sf_endpoint_t){4, {192, 0, 2, 1}, sport};
    env.meta.dst = (sf_endpoint_t){4, {192, 0, 2, 2}, dport};
    env.meta.transport = SF_TRANSPORT_TCP;
    env.sip = sink;
    env.anomalies = an;
    return env;
}

/* Feeds bytes through a demux, whole or one byte at a time; peers: the
 * shared SIP-over-TLS host pairs, or NULL. */
static sf_stream_kind_t run_peers(const uint8_t *p, size_t n, bool bytewise, uint16_t sport,
                                  uint16_t dport, rec_t *r, sf_tls_peers_t *peers)
{
    memset(r, 0, sizeof *r);
    sf_sip_raw_sink_t sink;
    sf_anomaly_sink_t an;
    sf_stream_env_t env = env_for(r, &sink, &an, sport, dport);
    env.tls_peers = peers;
    sf_stream_demux_t *d = sf_stream_demux_create(&env);
    assert_non_null(d);
    sf_ts_t ts = {1, 0, 6};
    if (bytewise)
        for (size_t i = 0; i < n; i++)
            sf_stream_demux_push(d, p + i, 1, 10 + i / 100, ts);
    else
        sf_stream_demux_push(d, p, (uint32_t)n, 10, ts);
    sf_stream_demux_finish(d, 99, ts);
    sf_stream_kind_t k = sf_stream_demux_kind(d);
    sf_stream_demux_destroy(d);
    return k;
}

static sf_stream_kind_t run(const uint8_t *p, size_t n, bool bytewise, uint16_t sport,
                            uint16_t dport, rec_t *r)
{
    return run_peers(p, n, bytewise, sport, dport, r, NULL);
}

/* A ClientHello record (RFC 8446 4.1.2) offering TLS 1.3, with an SNI
 * when sni is not NULL. */
static size_t client_hello(uint8_t *out, const char *sni)
{
    uint8_t ext[300];
    size_t e = 0;
    /* a GREASE extension first, as browsers send */
    ext[e++] = 0x0a, ext[e++] = 0x0a, ext[e++] = 0, ext[e++] = 0;
    if (sni) {
        size_t n = strlen(sni);
        ext[e++] = 0, ext[e++] = 0; /* server_name */
        ext[e++] = 0, ext[e++] = (uint8_t)(n + 5);
        ext[e++] = 0, ext[e++] = (uint8_t)(n + 3);
        ext[e++] = 0; /* host_name */
        ext[e++] = 0, ext[e++] = (uint8_t)n;
        memcpy(ext + e, sni, n);
        e += n;
    }
    /* supported_versions: GREASE, TLS 1.3, TLS 1.2 */
    const uint8_t sv[] = {0, 43, 0, 7, 6, 0x3a, 0x3a, 3, 4, 3, 3};
    memcpy(ext + e, sv, sizeof sv);
    e += sizeof sv;
    uint8_t body[512];
    size_t b = 0;
    body[b++] = 3, body[b++] = 3; /* legacy_version */
    memset(body + b, 0x42, 32);   /* random */
    b += 32;
    body[b++] = 0;                                                    /* session id */
    body[b++] = 0, body[b++] = 2, body[b++] = 0x13, body[b++] = 0x01; /* suites */
    body[b++] = 1, body[b++] = 0;                                     /* compression */
    body[b++] = (uint8_t)(e >> 8), body[b++] = (uint8_t)e;
    memcpy(body + b, ext, e);
    b += e;
    size_t o = 0;
    out[o++] = 22, out[o++] = 3, out[o++] = 1;
    out[o++] = (uint8_t)((b + 4) >> 8), out[o++] = (uint8_t)(b + 4);
    out[o++] = 1, out[o++] = 0, out[o++] = (uint8_t)(b >> 8), out[o++] = (uint8_t)b;
    memcpy(out + o, body, b);
    return o + b;
}

static void test_classify(void **state)
{
    (void)state;
    sf_stream_env_t env;
    memset(&env, 0, sizeof env);
    const uint8_t *u = (const uint8_t *)SIP_OPT;
    assert_int_equal(sf_stream_classify(u, 30, &env), SF_STREAM_SIP);
    assert_int_equal(sf_stream_classify((const uint8_t *)"\r\n\r\n", 4, &env), SF_STREAM_SIP);
    assert_int_equal(sf_stream_classify((const uint8_t *)"GET / HTTP/1.1\r\n", 16, &env),
                     SF_STREAM_WS);
    assert_int_equal(sf_stream_classify((const uint8_t *)"GE", 2, &env), SF_STREAM_UNDECIDED);
    assert_int_equal(sf_stream_classify((const uint8_t *)"HTTP/1.1 101 Switching", 22, &env),
                     SF_STREAM_WS);
    assert_int_equal(sf_stream_classify((const uint8_t *)"HTTP/1.1 200 OK\r\n", 17, &env),
                     SF_STREAM_SIP);
    const uint8_t tls[] = {22, 3, 1, 0, 200, 1};
    assert_int_equal(sf_stream_classify(tls, sizeof tls, &env), SF_STREAM_TLS);
    assert_int_equal(sf_stream_classify(tls, 2, &env), SF_STREAM_UNDECIDED);
    const uint8_t notls[] = {22, 4, 1, 0, 200};
    assert_int_equal(sf_stream_classify(notls, sizeof notls, &env), SF_STREAM_SIP);
    /* a WebSocket frame of SIP picked up mid-stream (unmasked, 7-bit) */
    uint8_t f[64] = {0x81, 30};
    memcpy(f + 2, "SIP/2.0 200 OK\r\nCall-ID: 1\r\n\r\n", 30);
    assert_int_equal(sf_stream_classify(f, 32, &env), SF_STREAM_WS);
    assert_int_equal(sf_stream_classify(f, 5, &env), SF_STREAM_UNDECIDED);
    memcpy(f + 2, "{\"not\": \"sip\", \"x\": 1234567}\r\n", 30);
    assert_int_equal(sf_stream_classify(f, 32, &env), SF_STREAM_SIP);
    /* 24 bytes always decide */
    uint8_t z[SF_STREAM_DETECT_MAX] = {0x81, 126, 0, 126};
    assert_int_not_equal(sf_stream_classify(z, sizeof z, &env), SF_STREAM_UNDECIDED);
    /* HEP3 (a HEP3 header: magic, total length 0x0010 plus a chunk) when the
     * creator takes HEP packets; SIP-like fallback when it does not */
    static const uint8_t hep[] = {'H', 'E', 'P', '3', 0x00, 0x10, 0, 0, 0, 1, 0, 6, 2, 0, 0, 0};
    sf_hep_packet_sink_t hs = {NULL, NULL};
    env.hep = &hs;
    assert_int_equal(sf_stream_classify(hep, sizeof hep, &env), SF_STREAM_HEP);
    assert_int_equal(sf_stream_classify(hep, 3, &env), SF_STREAM_UNDECIDED);
    assert_int_equal(sf_stream_classify((const uint8_t *)"HEPX 0123456789abcdefghijk", 26, &env),
                     SF_STREAM_SIP);
    env.hep = NULL;
    assert_int_not_equal(sf_stream_classify(hep, sizeof hep, &env), SF_STREAM_HEP);
    assert_string_equal(sf_stream_kind_name(SF_STREAM_HEP), "hep");
}

static void test_demux_sip_and_ws(void **state)
{
    (void)state;
    rec_t r;
    for (int bw = 0; bw < 2; bw++) {
        assert_int_equal(run((const uint8_t *)SIP_OPT, strlen(SIP_OPT), bw, 40000, 5060, &r),
                         SF_STREAM_SIP);
        assert_int_equal(r.messages, 1);
        assert_int_equal(r.transport, SF_TRANSPORT_TCP);

        const char *resp = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                           "Sec-WebSocket-Protocol: sip\r\n\r\n";
        uint8_t buf[512];
        size_t n = strlen(resp);
        memcpy(buf, resp, n);
        buf[n++] = 0x81;
        buf[n++] = (uint8_t)strlen(SIP_OPT);
        memcpy(buf + n, SIP_OPT, strlen(SIP_OPT));
        n += strlen(SIP_OPT);
        assert_int_equal(run(buf, n, bw, 8080, 43380, &r), SF_STREAM_WS);
        assert_int_equal(r.messages, 1);
        assert_int_equal(r.transport, SF_TRANSPORT_WS);
        assert_int_equal(r.anomalies, 0);
    }
    /* a stream shorter than the detection window still goes to SIP */
    assert_int_equal(run((const uint8_t *)"GE", 2, false, 1, 2, &r), SF_STREAM_SIP);
    assert_int_equal(r.messages, 0);
}

static void test_tls_hello(void **state)
{
    (void)state;
    uint8_t ch[600];
    size_t n = client_hello(ch, "sip.example.com");
    sf_tls_client_hello_t h;
    assert_true(sf_tls_parse_hello(ch, (uint32_t)n, &h));
    assert_true(h.is_client_hello);
    assert_string_equal(h.sni, "sip.example.com");
    assert_int_equal(h.version, 0x0304);
    assert_string_equal(sf_tls_version_name(h.version), "TLS 1.3");
    /* every truncation parses safely; the SNI appears only when whole */
    for (size_t k = 0; k < n; k++) {
        assert_int_equal(sf_tls_parse_hello(ch, (uint32_t)k, &h), k >= 5);
        assert_true(h.sni[0] == 0 || strcmp(h.sni, "sip.example.com") == 0);
    }
    n = client_hello(ch, NULL);
    assert_true(sf_tls_parse_hello(ch, (uint32_t)n, &h));
    assert_true(h.is_client_hello);
    assert_string_equal(h.sni, "");
    const uint8_t appdata[] = {23, 3, 3, 0, 1, 0};
    bool more;
    assert_true(sf_tls_looks_record(appdata, sizeof appdata, &more));
    assert_false(sf_tls_parse_hello(appdata, sizeof appdata, &h));
}

static void test_tls_notice(void **state)
{
    (void)state;
    rec_t r;
    uint8_t ch[600];
    size_t n = client_hello(ch, NULL);
    for (int bw = 0; bw < 2; bw++) {
        /* RFC 3261 26.2: port 5061 is SIP over TLS, no SNI needed */
        assert_int_equal(run(ch, n, bw, 59360, 5061, &r), SF_STREAM_TLS);
        assert_int_equal(r.tls, 1);
        assert_int_equal(r.tls_frame, 10);
        assert_non_null(strstr(r.reason, "encrypted SIP, not analysed"));
        assert_non_null(strstr(r.reason, "192.0.2.1:59360 -> 192.0.2.2:5061"));
        assert_non_null(strstr(r.reason, "no SNI"));
        assert_non_null(strstr(r.reason, "TLS 1.3"));
        /* HTTPS: not reported */
        assert_int_equal(run(ch, n, bw, 59360, 443, &r), SF_STREAM_TLS);
        assert_int_equal(r.tls, 0);
        assert_int_equal(r.anomalies, 0);
    }
    /* any port when the SNI names a SIP server */
    n = client_hello(ch, "edge.sip2.example.net");
    assert_int_equal(run(ch, n, false, 59360, 443, &r), SF_STREAM_TLS);
    assert_int_equal(r.tls, 1);
    assert_non_null(strstr(r.reason, "SNI edge.sip2.example.net"));
    n = client_hello(ch, "www.example.com");
    assert_int_equal(run(ch, n, false, 59360, 443, &r), SF_STREAM_TLS);
    assert_int_equal(r.tls, 0);
    /* the server's side (ServerHello) never reports: its client side does */
    uint8_t sh[] = {22, 3, 3, 0, 6, 2, 0, 0, 2, 3, 3};
    assert_int_equal(run(sh, sizeof sh, false, 5061, 59360, &r), SF_STREAM_TLS);
    assert_int_equal(r.tls, 0);
    /* picked up mid-stream: only the direction towards the SIP port */
    uint8_t ad[] = {23, 3, 3, 0, 4, 1, 2, 3, 4};
    assert_int_equal(run(ad, sizeof ad, false, 59360, 5061, &r), SF_STREAM_TLS);
    assert_int_equal(r.tls, 1);
    assert_non_null(strstr(r.reason, "mid-stream"));
    assert_int_equal(run(ad, sizeof ad, false, 5061, 59360, &r), SF_STREAM_TLS);
    assert_int_equal(r.tls, 0);
}

static void test_tls_peers(void **state)
{
    (void)state;
    rec_t r;
    uint8_t ch[600];
    size_t n = client_hello(ch, NULL);
    sf_tls_peers_t *peers = sf_tls_peers_create();
    assert_non_null(peers);
    /* unknown hosts, other ports: not SIP */
    assert_int_equal(run_peers(ch, n, false, 51504, 15081, &r, peers), SF_STREAM_TLS);
    assert_int_equal(r.tls, 0);
    /* a SIP-over-TLS connection between the two hosts ... */
    assert_int_equal(run_peers(ch, n, false, 59360, 5061, &r, peers), SF_STREAM_TLS);
    assert_int_equal(r.tls, 1);
    /* ... makes a later one on other ports count (either direction) */
    assert_int_equal(run_peers(ch, n, false, 51504, 15081, &r, peers), SF_STREAM_TLS);
    assert_int_equal(r.tls, 1);
    assert_non_null(strstr(r.reason, "earlier SIP-over-TLS connection"));
    sf_tls_peers_destroy(peers);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify),  cmocka_unit_test(test_demux_sip_and_ws),
        cmocka_unit_test(test_tls_hello), cmocka_unit_test(test_tls_notice),
        cmocka_unit_test(test_tls_peers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
