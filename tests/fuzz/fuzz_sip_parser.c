/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: the SIP parser on one message (sf_sip_parse), then
 * every on-demand accessor of sip_headers.h and sdp.h on what it parsed.
 * The input is the message; libFuzzer's buffer is exactly len bytes, so
 * ASan catches any read past it (sip_msg.h: "never reads outside buf"). */
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "sipflow/sdp.h"
#include "sipflow/sip_headers.h"
#include "sipflow/sip_msg.h"

/* A slice handed out by an accessor must lie inside the message buffer. */
static void check_in(const sf_sip_msg_t *m, sf_slice_t s)
{
    if (s.len == 0) return;
    FUZZ_CHECK(s.p >= m->buf && s.p + s.len <= m->buf + m->len);
}

static void name_addr(const sf_sip_msg_t *m, sf_slice_t v)
{
    sf_sip_name_addr_t na;
    if (sf_sip_name_addr_parse(v, &na) != NULL) return;
    check_in(m, na.uri);
    check_in(m, na.params);
    sf_slice_t rest = na.params, tag;
    sf_sip_param_t prm;
    for (int i = 0; i < 64 && sf_sip_param_next(&rest, &prm); i++)
        check_in(m, prm.value);
    (void)sf_sip_param_get(na.params, "tag", &tag);
    sf_sip_uri_t uri;
    if (sf_sip_uri_parse(na.uri, &uri) == NULL) {
        check_in(m, uri.host);
        check_in(m, uri.user);
        rest = uri.params;
        for (int i = 0; i < 64 && sf_sip_param_next(&rest, &prm); i++)
            check_in(m, prm.value);
    }
    char buf[64];
    size_t n = sf_sip_unquote(na.display, buf, sizeof buf);
    (void)n;
    FUZZ_CHECK(memchr(buf, 0, sizeof buf) != NULL);
}

static void values(const sf_sip_msg_t *m, sf_sip_hdr_t id)
{
    sf_sip_values_iter_t it;
    sf_slice_t v;
    sf_sip_values_init(&it, m, id);
    for (int i = 0; i < 1024 && sf_sip_values_next(&it, &v); i++) {
        check_in(m, v);
        name_addr(m, v);
    }
}

static void accessors(const sf_sip_msg_t *m)
{
    for (uint32_t i = 0; i < m->n_headers; i++) {
        const sf_sip_header_t *h = &m->headers[i];
        check_in(m, h->name);
        check_in(m, h->value);
        FUZZ_CHECK(sf_sip_hdr_from_name(h->name.p, h->name.len) == h->id);
        (void)sf_sip_hdr_name(h->id);
    }
    for (int id = 0; id < SF_HDR_COUNT; id++) {
        int n = 0;
        for (const sf_sip_header_t *h = sf_sip_msg_header(m, (sf_sip_hdr_t)id); h && n < 100000;
             h = sf_sip_msg_header_next(m, h), n++)
            if (id != SF_HDR_OTHER) FUZZ_CHECK(h->id == (sf_sip_hdr_t)id);
    }
    (void)sf_sip_msg_header_by_name(m, "x-custom");
    (void)sf_sip_msg_header_by_name(m, "call-id");

    values(m, SF_HDR_FROM);
    values(m, SF_HDR_TO);
    values(m, SF_HDR_CONTACT);
    values(m, SF_HDR_ROUTE);
    values(m, SF_HDR_RECORD_ROUTE);
    values(m, SF_HDR_P_ASSERTED_IDENTITY);
    values(m, SF_HDR_DIVERSION);
    values(m, SF_HDR_HISTORY_INFO);
    values(m, SF_HDR_REFER_TO);
    values(m, SF_HDR_SUPPORTED);

    sf_sip_values_iter_t it;
    sf_sip_via_t via;
    const char *err;
    sf_sip_values_init(&it, m, SF_HDR_VIA);
    for (int i = 0; i < 1024 && sf_sip_via_next(&it, &via, &err); i++) {
        check_in(m, via.host);
        check_in(m, via.branch);
    }

    uint32_t u;
    (void)sf_sip_msg_uint(m, SF_HDR_EXPIRES, &u);
    (void)sf_sip_msg_uint(m, SF_HDR_MAX_FORWARDS, &u);
    (void)sf_sip_msg_uint(m, SF_HDR_RSEQ, &u);
    (void)sf_sip_msg_uint(m, SF_HDR_MIN_SE, &u);

    const sf_sip_header_t *h;
    if ((h = sf_sip_msg_header(m, SF_HDR_RACK))) {
        sf_sip_rack_t r;
        (void)sf_sip_rack_parse(h->value, &r);
    }
    for (h = sf_sip_msg_header(m, SF_HDR_REASON); h; h = sf_sip_msg_header_next(m, h)) {
        sf_sip_reason_t r;
        if (sf_sip_reason_parse(h->value, &r) == NULL) check_in(m, r.text);
    }
    sf_sip_values_init(&it, m, SF_HDR_WARNING);
    sf_slice_t v;
    for (int i = 0; i < 1024 && sf_sip_values_next(&it, &v); i++) {
        sf_sip_warning_t w;
        if (sf_sip_warning_parse(v, &w) == NULL) check_in(m, w.text);
    }
    if ((h = sf_sip_msg_header(m, SF_HDR_SESSION_EXPIRES))) {
        sf_sip_session_expires_t se;
        (void)sf_sip_session_expires_parse(h->value, &se);
    }
    static const sf_sip_hdr_t auth_ids[] = {SF_HDR_AUTHORIZATION, SF_HDR_PROXY_AUTHORIZATION,
                                            SF_HDR_WWW_AUTHENTICATE, SF_HDR_PROXY_AUTHENTICATE};
    for (size_t i = 0; i < sizeof auth_ids / sizeof auth_ids[0]; i++) {
        if (!(h = sf_sip_msg_header(m, auth_ids[i]))) continue;
        sf_sip_auth_t a;
        sf_slice_t val;
        if (sf_sip_auth_parse(h->value, &a) != NULL) continue;
        (void)sf_sip_auth_param(&a, "realm", &val);
        (void)sf_sip_auth_param(&a, "nonce", &val);
        sf_slice_t rest = a.params, item;
        for (int k = 0; k < 256 && sf_sip_list_next(&rest, &item); k++)
            check_in(m, item);
    }
    if (m->is_request) {
        sf_sip_uri_t uri;
        (void)sf_sip_uri_parse(m->request_uri, &uri);
    }
    uint64_t big;
    (void)sf_sip_parse_uint(m->call_id, UINT32_MAX, &big);
    check_in(m, m->body);

    sf_sdp_t *sdp = malloc(sizeof *sdp);
    FUZZ_CHECK(sdp != NULL);
    if (m->body.len && sf_sdp_parse(m->body.p, m->body.len, sdp)) {
        FUZZ_CHECK(sdp->n_media <= SF_SDP_MAX_MEDIA);
        for (unsigned i = 0; i < sdp->n_media; i++) {
            const sf_sdp_media_t *md = &sdp->media[i];
            FUZZ_CHECK(md->n_fmt <= SF_SDP_MAX_FORMATS && md->n_rtpmap <= SF_SDP_MAX_FORMATS);
            (void)sf_sdp_dir_name(sf_sdp_media_dir(sdp, md));
            (void)sf_sdp_media_conn(sdp, md);
            (void)sf_sdp_media_rtpmap(md, 0);
            (void)sf_sdp_media_rtpmap(md, 101);
        }
    }
    free(sdp);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_reach_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > UINT32_MAX) return 0;
    fuzz_reach.inputs++;
    const char *buf = (const char *)data;
    (void)sf_sip_start_line_check(buf, (uint32_t)size);

    sf_sip_parser_t *p = sf_sip_parser_create();
    FUZZ_CHECK(p != NULL);
    sf_sip_msg_t m;
    if (sf_sip_parse(p, buf, (uint32_t)size, &m)) {
        fuzz_reach.sip_messages++;
        FUZZ_CHECK(m.buf == buf && m.len == size);
        FUZZ_CHECK(m.malformed == NULL || m.malformed_offset <= m.len);
        accessors(&m);
        /* the parser is reused across messages: parse again, same result */
        sf_sip_msg_t m2;
        FUZZ_CHECK(sf_sip_parse(p, buf, (uint32_t)size, &m2));
        FUZZ_CHECK(m2.n_headers == m.n_headers && m2.cseq == m.cseq);
    }
    sf_sip_parser_destroy(p);
    return 0;
}
