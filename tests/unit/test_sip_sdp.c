/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SDP (sdp.h): session and media fields, direction and connection
 * inheritance, rtpmap/ptime, bounds and malformed input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_test.h"
#include "sipflow/sdp.h"

static void assert_slice(sf_slice_t s, const char *want)
{
    if (!sf_slice_eq(s, want)) {
        print_error("slice \"%.*s\" != \"%s\"\n", (int)s.len, s.p ? s.p : "", want);
        fail();
    }
}

/* exact-size heap copy so ASan sees overreads */
static bool parse(const char *text, sf_sdp_t *s, char **keep)
{
    size_t n = strlen(text);
    *keep = malloc(n ? n : 1);
    memcpy(*keep, text, n);
    return sf_sdp_parse(*keep, (uint32_t)n, s);
}

static void test_offer(void **state)
{
    (void)state;
    static sf_sdp_t s;
    char *b;
    assert_true(parse("v=0\r\n"
                      "o=alice 2890844526 2890844527 IN IP4 client.atlanta.example.com\r\n"
                      "s=Talk\r\n"
                      "c=IN IP4 192.0.2.101\r\n"
                      "t=0 0\r\n"
                      "a=recvonly\r\n"
                      "m=audio 49172 RTP/AVP 0 8 101\r\n"
                      "a=rtpmap:0 PCMU/8000\r\n"
                      "a=rtpmap:101 telephone-event/8000\r\n"
                      "a=ptime:20\r\n"
                      "m=video 51372/2 RTP/AVP 31 32\r\n"
                      "c=IN IP6 2001:db8::2\r\n"
                      "a=rtpmap:32 MPV/90000/2\r\n"
                      "a=inactive\r\n"
                      "m=audio 0 RTP/SAVP 0\r\n"
                      "c=IN IP4 224.2.1.1/127/3\r\n",
                      &s, &b));
    assert_null(s.malformed);
    assert_true(s.origin.present);
    assert_slice(s.origin.username, "alice");
    assert_slice(s.origin.sess_id, "2890844526");
    assert_slice(s.origin.sess_version, "2890844527");
    assert_int_equal(s.origin.family, 4);
    assert_slice(s.origin.addr, "client.atlanta.example.com");
    assert_slice(s.session_name, "Talk");
    assert_true(s.conn.present);
    assert_slice(s.conn.addr, "192.0.2.101");
    assert_int_equal(s.dir, SF_SDP_DIR_RECVONLY);
    assert_int_equal(s.n_media, 3);

    const sf_sdp_media_t *a = &s.media[0];
    assert_slice(a->media, "audio");
    assert_int_equal(a->port, 49172);
    assert_int_equal(a->n_ports, 1);
    assert_slice(a->proto, "RTP/AVP");
    assert_int_equal(a->n_fmt, 3);
    assert_slice(a->fmt[2], "101");
    assert_int_equal(a->n_rtpmap, 2);
    const sf_sdp_rtpmap_t *r = sf_sdp_media_rtpmap(a, 101);
    assert_non_null(r);
    assert_slice(r->encoding, "telephone-event");
    assert_int_equal(r->clock, 8000);
    assert_null(sf_sdp_media_rtpmap(a, 8));
    assert_int_equal(a->ptime, 20);
    assert_false(a->conn.present);
    assert_ptr_equal(sf_sdp_media_conn(&s, a), &s.conn);
    assert_int_equal(sf_sdp_media_dir(&s, a), SF_SDP_DIR_RECVONLY);

    const sf_sdp_media_t *v = &s.media[1];
    assert_int_equal(v->port, 51372);
    assert_int_equal(v->n_ports, 2);
    assert_int_equal(v->conn.family, 6);
    assert_slice(sf_sdp_media_conn(&s, v)->addr, "2001:db8::2");
    assert_slice(v->rtpmap[0].params, "2");
    assert_int_equal(v->rtpmap[0].clock, 90000);
    assert_int_equal(sf_sdp_media_dir(&s, v), SF_SDP_DIR_INACTIVE);
    assert_string_equal(sf_sdp_dir_name(SF_SDP_DIR_INACTIVE), "inactive");

    assert_int_equal(s.media[2].port, 0);
    assert_slice(s.media[2].conn.addr, "224.2.1.1");
    free(b);

    /* bare LF, no session direction: sendrecv by default */
    assert_true(parse("v=0\no=- 1 1 IN IP4 h\ns=-\nm=audio 4000 RTP/AVP 0\n", &s, &b));
    assert_null(s.malformed);
    assert_int_equal(sf_sdp_media_dir(&s, &s.media[0]), SF_SDP_DIR_SENDRECV);
    assert_null(sf_sdp_media_conn(&s, &s.media[0]));
    free(b);
}

static void test_bounds_and_defects(void **state)
{
    (void)state;
    static sf_sdp_t s;
    char *b;
    char text[8192];
    size_t w = (size_t)snprintf(text, sizeof text, "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\n");
    for (int i = 0; i < SF_SDP_MAX_MEDIA + 2; i++)
        w += (size_t)snprintf(text + w, sizeof text - w, "m=audio %d RTP/AVP 0\r\n", 1000 + i);
    w += (size_t)snprintf(text + w, sizeof text - w, "m=audio 9 RTP/AVP");
    for (int i = 0; i < SF_SDP_MAX_FORMATS + 3; i++)
        w += (size_t)snprintf(text + w, sizeof text - w, " %d", i);
    assert_true(w < sizeof text);
    assert_true(parse(text, &s, &b));
    assert_int_equal(s.n_media, SF_SDP_MAX_MEDIA);
    assert_int_equal(s.dropped, 3);
    assert_string_equal(s.malformed, "SDP: too many media sections");
    free(b);

    w = (size_t)snprintf(text, sizeof text, "v=0\r\no=- 1 1 IN IP4 h\r\nm=audio 9 RTP/AVP");
    for (int i = 0; i < SF_SDP_MAX_FORMATS + 3; i++)
        w += (size_t)snprintf(text + w, sizeof text - w, " %d", i);
    assert_true(parse(text, &s, &b));
    assert_string_equal(s.malformed, "SDP: too many formats in a media section");
    assert_int_equal(s.media[0].n_fmt, SF_SDP_MAX_FORMATS);
    assert_int_equal(s.dropped, 3);
    assert_slice(s.media[0].fmt[SF_SDP_MAX_FORMATS - 1], "31");
    free(b);

    assert_false(parse("", &s, &b));
    free(b);
    assert_false(parse("o=x", &s, &b));
    free(b);
    const char *bad[] = {"v=0\r\nm=audio x RTP/AVP 0\r\n", "v=0\r\no=- 1 1 IN IP4 h\r\nc=IN\r\n",
                         "v=0\r\no=- 1 1 IN IP4 h\r\nm=audio 1 RTP/AVP 0\r\na=rtpmap:0 PCMU\r\n",
                         "v=0\r\no=- 1 1 IN IP4 h\r\ngarbage\r\n", "v=0\r\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_true(parse(bad[i], &s, &b));
        assert_non_null(s.malformed);
        free(b);
    }
    /* every prefix of a valid body parses without overreading */
    const char *ok = "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 1.2.3.4\r\n"
                     "m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\n";
    for (size_t cut = 0; cut <= strlen(ok); cut++) {
        char *c = malloc(cut ? cut : 1);
        memcpy(c, ok, cut);
        (void)sf_sdp_parse(c, (uint32_t)cut, &s);
        free(c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_offer),
        cmocka_unit_test(test_bounds_and_defects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
