/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Ladder renderers and the message spill file on synthetic calls:
 * round trips, bounds, and hostile text (control characters, terminal
 * escapes, invalid UTF-8) that must never reach the output raw. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_test.h"
#include "sipflow/ladder.h"
#include "sipflow/message_spill.h"

/* ---- spill ------------------------------------------------------------ */

static void test_spill_roundtrip(void **state)
{
    (void)state;
    char err[256];
    sf_message_spill_t *s = sf_message_spill_create(NULL, err, sizeof err);
    assert_non_null(s);
    assert_int_equal(sf_message_spill_append(s, 1, "INVITE a", 8), 0);
    assert_int_equal(sf_message_spill_append(s, 3, "SIP/2.0 200 OK", 14), 0);
    /* out of order and empty messages are refused */
    assert_int_equal(sf_message_spill_append(s, 2, "late", 4), -1);
    assert_int_equal(sf_message_spill_append(s, 4, "", 0), -1);
    /* larger than the write buffer: goes straight to the file */
    size_t big_n = 300 * 1024;
    char *big = malloc(big_n);
    assert_non_null(big);
    for (size_t i = 0; i < big_n; i++)
        big[i] = (char)('a' + i % 26);
    assert_int_equal(sf_message_spill_append(s, 5, big, big_n), 0);
    /* enough small ones to flush the buffer several times */
    char msg[64];
    for (uint64_t q = 6; q < 30006; q++) {
        int n = snprintf(msg, sizeof msg, "MESSAGE %llu", (unsigned long long)q);
        assert_int_equal(sf_message_spill_append(s, q, msg, (size_t)n), 0);
    }
    char buf[64];
    assert_int_equal(sf_message_spill_length(s, 1), 8);
    assert_int_equal(sf_message_spill_read(s, 1, buf, sizeof buf), 8);
    assert_memory_equal(buf, "INVITE a", 8);
    assert_int_equal(sf_message_spill_read(s, 3, buf, sizeof buf), 14);
    assert_memory_equal(buf, "SIP/2.0 200 OK", 14);
    assert_int_equal(sf_message_spill_length(s, 2), -1);
    assert_int_equal(sf_message_spill_read(s, 2, buf, sizeof buf), -1);
    assert_int_equal(sf_message_spill_length(s, 0), -1);
    assert_int_equal(sf_message_spill_length(s, 999999), -1);
    char *back = malloc(big_n);
    assert_non_null(back);
    assert_int_equal(sf_message_spill_read(s, 5, back, big_n), (int64_t)big_n);
    assert_memory_equal(back, big, big_n);
    /* a short buffer gets the first bytes */
    assert_int_equal(sf_message_spill_read(s, 5, buf, 10), 10);
    assert_memory_equal(buf, "abcdefghij", 10);
    for (uint64_t q = 6; q < 30006; q += 997) {
        int n = snprintf(msg, sizeof msg, "MESSAGE %llu", (unsigned long long)q);
        assert_int_equal(sf_message_spill_read(s, q, buf, sizeof buf), n);
        assert_memory_equal(buf, msg, (size_t)n);
    }
    sf_message_spill_stats_t st;
    sf_message_spill_get_stats(s, &st);
    assert_int_equal(st.messages, 3 + 30000);
    assert_int_equal(st.dropped, 2);
    free(big);
    free(back);
    sf_message_spill_destroy(s);
}

static void test_spill_bounds(void **state)
{
    (void)state;
    char err[256];
    sf_message_spill_config_t cfg = {.max_bytes = 100, .max_messages = 3};
    sf_message_spill_t *s = sf_message_spill_create(&cfg, err, sizeof err);
    assert_non_null(s);
    char sixty[60];
    memset(sixty, 'x', sizeof sixty);
    assert_int_equal(sf_message_spill_append(s, 1, sixty, 60), 0);
    assert_int_equal(sf_message_spill_append(s, 2, sixty, 60), -1); /* disk bound */
    assert_int_equal(sf_message_spill_append(s, 3, sixty, 40), 0);  /* exactly 100 */
    assert_int_equal(sf_message_spill_append(s, 4, "a", 1), -1);    /* index bound */
    sf_message_spill_stats_t st;
    sf_message_spill_get_stats(s, &st);
    assert_int_equal(st.messages, 2);
    assert_int_equal(st.dropped, 2);
    assert_int_equal(st.bytes, 100);
    assert_int_equal(sf_message_spill_length(s, 2), -1);
    assert_int_equal(sf_message_spill_length(s, 3), 40);
    sf_message_spill_destroy(s);
    /* an unusable directory is an error with a reason, not a crash */
    sf_message_spill_config_t bad = {.dir = "/nonexistent/dir"};
    err[0] = 0;
    assert_null(sf_message_spill_create(&bad, err, sizeof err));
    assert_true(strlen(err) > 0);
}

/* ---- a synthetic call ------------------------------------------------- */

typedef struct {
    sf_call_t c;
    sf_call_endpoint_t eps[64];
    sf_arrow_t arrows[8];
} fake_call_t;

static void fake_init(fake_call_t *f, uint32_t n_eps)
{
    memset(f, 0, sizeof *f);
    f->c.number = 7;
    f->c.call_id = "abc@host";
    f->c.from = "\"Eve\x1b[31m\" <sip:eve@x>;tag=1";
    f->c.to = "<sip:bob@y>";
    f->c.outcome = SF_OUTCOME_BUSY;
    f->c.final_code = 486;
    f->c.reason_phrase = "Busy\x01Here";
    f->c.start_time = sf_test_ts(1795784313, 782642);
    f->c.messages = 4;
    f->c.diagnosis_text = "Call 7 failed: the callee was busy with 486 Busy Here from "
                          "10.0.0.2:5060 after 0.001 s, and this sentence is long enough to "
                          "wrap over several lines of a narrow terminal.";
    for (uint32_t i = 0; i < n_eps; i++) {
        f->eps[i].ep.family = 4;
        f->eps[i].ep.addr[0] = 10;
        f->eps[i].ep.addr[3] = (uint8_t)(i + 1);
        f->eps[i].ep.port = 5060;
    }
    f->eps[0].agent = "evil\nagent\xff\xfe \xe2\x82\xac";
    f->c.n_endpoints = n_eps;
    f->c.endpoints = f->eps;
    static const char *labels[] = {"INVITE", "100 Trying\x1b]0;pwn\x07", "486 Busy\xc3\x28Here",
                                   "ACK;x#y<z>"};
    for (uint32_t i = 0; i < 4; i++) {
        sf_arrow_t *a = &f->arrows[i];
        a->from = i % 2 ? n_eps - 1 : 0;
        a->to = i % 2 ? 0 : n_eps - 1;
        a->frame = i + 1;
        a->ts = sf_test_ts(1795784313, 782642 + i * 413);
        a->label = labels[i];
        a->request = i == 0 || i == 3;
        a->status = i == 1 ? 100 : i == 2 ? 486 : 0;
        a->failure = i == 2;
        a->retransmission = i == 3;
        a->msg_seq = 10 + i;
    }
    f->c.n_arrows = 4;
    f->c.arrows = f->arrows;
}

typedef struct {
    char *buf;
    size_t len;
} mem_t;

static void render(mem_t *m, const fake_call_t *f, const sf_ladder_opts_t *o)
{
    FILE *fp = open_memstream(&m->buf, &m->len);
    assert_non_null(fp);
    sf_ladder_writer_t *w = sf_ladder_writer_create(fp, o);
    assert_non_null(w);
    assert_int_equal(sf_ladder_writer_add(w, &f->c), 0);
    assert_int_equal(sf_ladder_writer_finish(w), 0);
    assert_int_equal(sf_ladder_writer_calls(w), 1);
    sf_ladder_writer_destroy(w);
    fclose(fp);
}

/* No byte below 0x20 but newline (and CR in message texts), no DEL. */
static void assert_no_controls(const mem_t *m, bool allow_cr)
{
    for (size_t i = 0; i < m->len; i++) {
        unsigned char ch = (unsigned char)m->buf[i];
        if (ch == '\n' || (allow_cr && ch == '\r')) continue;
        if (ch < 0x20 || ch == 0x7F) fail_msg("control byte 0x%02x at %zu", ch, i);
    }
}

static size_t cells(const char *p, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)p[i] & 0xC0) != 0x80) c++;
    return c;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void test_text_hostile_and_width(void **state)
{
    (void)state;
    fake_call_t f;
    fake_init(&f, 2);
    for (unsigned width = 40; width <= 140; width += 20) {
        for (int ascii = 0; ascii < 2; ascii++) {
            sf_ladder_opts_t o = {
                .format = SF_LADDER_TEXT, .width = width, .utc = true, .ascii = ascii};
            mem_t m = {0};
            render(&m, &f, &o);
            assert_no_controls(&m, false);
            /* every line fits the width */
            const char *line = m.buf;
            for (const char *nl; (nl = strchr(line, '\n')); line = nl + 1)
                assert_true(cells(line, (size_t)(nl - line)) <= width);
            if (ascii)
                for (size_t i = 0; i < m.len; i++)
                    assert_true((unsigned char)m.buf[i] < 0x80);
            /* one row per arrow: each frame number starts a row with a head */
            assert_int_equal(count(m.buf, ascii ? ">|" : "▶│"), 2);
            assert_non_null(strstr(m.buf, "[retr]"));
            assert_non_null(strstr(m.buf, "Diagnosis:"));
            assert_non_null(strstr(m.buf, " ! "));
            free(m.buf);
        }
    }
}

static void test_text_colour(void **state)
{
    (void)state;
    fake_call_t f;
    fake_init(&f, 2);
    sf_ladder_opts_t o = {.format = SF_LADDER_TEXT, .width = 100, .color = true};
    mem_t m = {0};
    render(&m, &f, &o);
    assert_int_equal(count(m.buf, "\033[31m"), 1); /* the 486 */
    assert_int_equal(count(m.buf, "\033[2m"), 1);  /* the 100 */
    free(m.buf);
    o.color = false;
    render(&m, &f, &o);
    assert_null(strchr(m.buf, '\033'));
    free(m.buf);
}

static void test_text_many_endpoints(void **state)
{
    (void)state;
    fake_call_t f;
    fake_init(&f, 60);
    sf_ladder_opts_t o = {.format = SF_LADDER_TEXT, .width = 40};
    mem_t m = {0};
    render(&m, &f, &o);
    assert_no_controls(&m, false);
    assert_int_equal(count(m.buf, "▶"), 2);
    assert_int_equal(count(m.buf, "◀"), 2);
    free(m.buf);
}

static void test_xml_escape(void **state)
{
    (void)state;
    mem_t m = {0};
    FILE *fp = open_memstream(&m.buf, &m.len);
    sf_ladder_xml_escape(fp, "<a&'\"\xff\x01>\xe2\x82\xac\r\n", SIZE_MAX);
    fclose(fp);
    assert_string_equal(m.buf, "&lt;a&amp;&#39;&quot;\\xFF\\x01&gt;\xe2\x82\xac\r\n");
    free(m.buf);
}

static void test_svg_html(void **state)
{
    (void)state;
    fake_call_t f;
    fake_init(&f, 3);
    sf_ladder_opts_t o = {.format = SF_LADDER_SVG, .utc = true};
    mem_t m = {0};
    render(&m, &f, &o);
    assert_no_controls(&m, false);
    assert_int_equal(count(m.buf, "<g class=\"arrow "), 4);
    assert_int_equal(count(m.buf, " fail\""), 1);
    assert_int_equal(count(m.buf, "<g class=\"endpoint\">"), 3);
    assert_non_null(strstr(m.buf, "data-msg=\"12\""));
    assert_null(strstr(m.buf, "\xc3\x28")); /* invalid UTF-8 never copied */
    unsigned w1, h1, w2 = 0;
    sf_ladder_svg_size(&f.c, &w1, &h1);
    FILE *devnull = fopen("/dev/null", "w");
    assert_int_equal(sf_ladder_svg_element(devnull, &f.c, &o, "x", &w2), h1);
    assert_int_equal(w1, w2);
    fclose(devnull);
    free(m.buf);

    char err[128];
    sf_message_spill_t *s = sf_message_spill_create(NULL, err, sizeof err);
    assert_non_null(s);
    const char *text = "INVITE sip:b@y SIP/2.0\r\nFrom: <sip:a@x>\r\n\r\n";
    assert_int_equal(sf_message_spill_append(s, 10, text, strlen(text)), 0);
    o.format = SF_LADDER_HTML;
    o.spill = s;
    render(&m, &f, &o);
    assert_no_controls(&m, true);
    assert_int_equal(count(m.buf, "<pre data-msg="), 4);
    assert_non_null(
        strstr(m.buf, "<pre data-msg=\"10\">INVITE sip:b@y SIP/2.0\r\nFrom: &lt;sip:a@x&gt;"));
    assert_int_equal(count(m.buf, "(message text not kept)"), 3 + 1); /* 3 + the script */
    /* self-contained: nothing is loaded from anywhere */
    assert_null(strstr(m.buf, "src=\""));
    assert_null(strstr(m.buf, "href"));
    assert_null(strstr(m.buf, "@import"));
    free(m.buf);
    sf_message_spill_destroy(s);
}

static void test_mermaid_plantuml(void **state)
{
    (void)state;
    fake_call_t f;
    fake_init(&f, 2);
    sf_ladder_opts_t o = {.format = SF_LADDER_MERMAID, .utc = true};
    mem_t m = {0};
    render(&m, &f, &o);
    assert_no_controls(&m, false);
    assert_non_null(strstr(m.buf, "P2->>P1: ACK#59;x#35;y#60;z#62; [retr] (frame 4,"));
    assert_non_null(strstr(m.buf, "P1--xP2: 486 Busy?(Here"));
    assert_non_null(strstr(m.buf, "Note over P1,P2: Call 7 failed"));
    free(m.buf);
    o.format = SF_LADDER_PLANTUML;
    render(&m, &f, &o);
    assert_no_controls(&m, false);
    assert_non_null(strstr(m.buf, "@startuml\n"));
    assert_non_null(strstr(m.buf, "P1 -[#red]-> P2 : 486"));
    assert_int_equal(count(m.buf, "@enduml\n"), 1);
    free(m.buf);
}

static void test_format_names(void **state)
{
    (void)state;
    assert_int_equal(sf_ladder_format_from_name("text"), SF_LADDER_TEXT);
    assert_int_equal(sf_ladder_format_from_name("svg"), SF_LADDER_SVG);
    assert_int_equal(sf_ladder_format_from_name("html"), SF_LADDER_HTML);
    assert_int_equal(sf_ladder_format_from_name("mermaid"), SF_LADDER_MERMAID);
    assert_int_equal(sf_ladder_format_from_name("plantuml"), SF_LADDER_PLANTUML);
    assert_int_equal(sf_ladder_format_from_name("png"), -1);
    char b[32];
    sf_ladder_delta(1500000, b, sizeof b);
    assert_string_equal(b, "+0.001500");
    sf_ladder_delta(-5, b, sizeof b);
    assert_string_equal(b, "+0.000000");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spill_roundtrip),
        cmocka_unit_test(test_spill_bounds),
        cmocka_unit_test(test_text_hostile_and_width),
        cmocka_unit_test(test_text_colour),
        cmocka_unit_test(test_text_many_endpoints),
        cmocka_unit_test(test_xml_escape),
        cmocka_unit_test(test_svg_html),
        cmocka_unit_test(test_mermaid_plantuml),
        cmocka_unit_test(test_format_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
