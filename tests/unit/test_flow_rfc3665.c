/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every RFC 3665 flow (php-sip YAML fixtures, read from $SIPFLOW_SHARED at
 * run time) replayed through the flow engine. Who sends each message to
 * whom is read from the ASCII ladder in the file's header comment (the
 * arrow under each "Fn" label); messages are 100 ms apart. Each flow's
 * expected calls/registrations, with the reason from issue 3's
 * definitions, are in the table below. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow_harness.h"

#define MAX_MSGS 64
#define MAX_PARTIES 8

typedef struct flow_msgs {
    char *text[MAX_MSGS];
    size_t len[MAX_MSGS];
    int src[MAX_MSGS], dst[MAX_MSGS];
    int n;
} flow_msgs_t;

/* ---- the ladder in the header comment ----------------------------------- */

typedef struct ladder {
    char lines[128][160];
    int n;
} ladder_t;

static int party_of(const int *cols, int ncols, int col)
{
    int best = -1, bd = 1 << 30;
    for (int i = 0; i < ncols; i++) {
        int d = abs(cols[i] - col);
        if (d < bd) bd = d, best = i;
    }
    return best;
}

/* One arrow of a ladder line: a run of '-', '<', '>' (at least 3 long). */
typedef struct arrow {
    int a, b; /* first and last column of the run */
    bool right;
} arrow_t;

static int arrows_of(const char *l, arrow_t *out, int max)
{
    int n = 0, len = (int)strlen(l);
    for (int i = 0; i < len && n < max;) {
        if (l[i] == '-' || l[i] == '<' || l[i] == '>') {
            int j = i;
            while (j < len && (l[j] == '-' || l[j] == '<' || l[j] == '>'))
                j++;
            if (j - i >= 3 && memchr(l + i, '-', (size_t)(j - i)) &&
                (l[i] == '<' || l[j - 1] == '>')) {
                out[n++] = (arrow_t){.a = i, .b = j - 1, .right = l[j - 1] == '>'};
            }
            i = j;
        } else {
            i++;
        }
    }
    return n;
}

/* Fills src/dst of each message from the ladder; returns the number of
 * labels found. */
static int parse_ladder(const ladder_t *ld, flow_msgs_t *f)
{
    /* party lifelines: the columns holding a '|' on at least 3 lines (a
     * label or a long arrow may hide one on some lines) */
    int hist[160] = {0};
    for (int i = 0; i < ld->n; i++)
        for (int c = 0; ld->lines[i][c]; c++)
            if (ld->lines[i][c] == '|') hist[c]++;
    int cols[MAX_PARTIES], ncols = 0;
    for (int c = 0; c < 160 && ncols < MAX_PARTIES; c++)
        if (hist[c] >= 3) cols[ncols++] = c;
    assert_true(ncols >= 2);
    int labels = 0;
    for (int i = 0; i + 1 < ld->n; i++) {
        const char *l = ld->lines[i];
        int len = (int)strlen(l);
        for (int c = 0; c < len; c++) {
            if (l[c] != 'F' || c + 1 >= len || l[c + 1] < '0' || l[c + 1] > '9') continue;
            if (c > 0 && l[c - 1] != ' ' && l[c - 1] != '|') continue;
            int k = 0, e = c + 1;
            while (e < len && l[e] >= '0' && l[e] <= '9')
                k = k * 10 + (l[e++] - '0');
            if (e < len && l[e] != ' ' && l[e] != '|') continue;
            /* the label's text: the run around it up to the nearest party
             * lines still visible */
            int a = c, b = e;
            while (a > 0 && l[a - 1] != '|')
                a--;
            while (b < len && l[b] != '|')
                b++;
            arrow_t ar[8];
            int na = arrows_of(ld->lines[i + 1], ar, 8), best = -1, bo = -1;
            for (int j = 0; j < na; j++) {
                int lo = ar[j].a > a ? ar[j].a : a, hi = ar[j].b < b ? ar[j].b : b;
                int ov = hi - lo;
                if (ov > bo) bo = ov, best = j;
            }
            if (best < 0) print_error("no arrow under F%d: %s\n", k, l);
            assert_true(best >= 0);
            assert_true(k >= 1 && k <= f->n);
            int pa = party_of(cols, ncols, ar[best].a - 1),
                pb = party_of(cols, ncols, ar[best].b + 1);
            assert_true(pa != pb);
            f->src[k - 1] = 1 + (ar[best].right ? pa : pb);
            f->dst[k - 1] = 1 + (ar[best].right ? pb : pa);
            labels++;
            c = e;
        }
    }
    return labels;
}

/* ---- the YAML list of literal blocks ------------------------------------ */

static void load_flow(const char *path, flow_msgs_t *f, ladder_t *ld)
{
    size_t len;
    char *text = (char *)sf_test_read_file(path, &len);
    assert_non_null(text);
    memset(f, 0, sizeof *f);
    ld->n = 0;
    char *cur = NULL;
    size_t cl = 0;
    size_t pos = 0;
    bool done = false;
    while (pos < len && !done) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - line) : len - pos;
        pos += ll + 1;
        if (!f->n && ll >= 1 && line[0] == '#') {
            if (ld->n < 128) {
                size_t k = ll - 1 < 159 ? ll - 1 : 159;
                memcpy(ld->lines[ld->n], line + 1, k);
                ld->lines[ld->n][k] = 0;
                ld->n++;
            }
            continue;
        }
        if (ll >= 3 && strncmp(line, "- |", 3) == 0) {
            assert_true(f->n < MAX_MSGS);
            cur = f->text[f->n] = malloc(len + 4);
            assert_non_null(cur);
            f->n++;
            cl = 0;
            continue;
        }
        if (!cur) continue;
        if (ll > 0 && strncmp(line, "  ", 2) != 0) {
            done = true; /* the first non-indented line ends the messages */
            break;
        }
        if (ll >= 2) {
            memcpy(cur + cl, line + 2, ll - 2);
            cl += ll - 2;
        }
        cur[cl++] = '\n';
        f->len[f->n - 1] = cl;
    }
    /* a fixture cut right after its headers gets its empty line back */
    for (int i = 0; i < f->n; i++) {
        bool cut = true;
        for (size_t j = 0; j + 2 <= f->len[i] && cut; j++)
            if (f->text[i][j] == '\n' && f->text[i][j + 1] == '\n') cut = false;
        if (cut) f->text[i][f->len[i]++] = '\n';
    }
    free(text);
}

static void free_flow(flow_msgs_t *f)
{
    for (int i = 0; i < f->n; i++)
        free(f->text[i]);
}

/* Replays one fixture; the harness holds the results. */
static void replay(fh_t *h, const char *name)
{
    char rel[512];
    snprintf(rel, sizeof rel, "pcaps/public/messages/php-sip--misc/rfc3665/%s", name);
    char *path = sf_test_shared_path(rel);
    if (!path) sf_test_skip("shared RFC 3665 flows missing ($SIPFLOW_SHARED)");
    flow_msgs_t f;
    ladder_t *ld = malloc(sizeof *ld);
    assert_non_null(ld);
    load_flow(path, &f, ld);
    free(path);
    assert_true(f.n >= 2);
    int labels = parse_ladder(ld, &f);
    if (labels != f.n) print_error("%s: %d labels, %d messages\n", name, labels, f.n);
    assert_int_equal(labels, f.n);
    fh_init(h);
    for (int i = 0; i < f.n; i++) {
        assert_true(f.src[i] > 0 && f.dst[i] > 0);
        fh_push_raw(h, f.src[i], f.dst[i], 1000 + 100 * (int64_t)i, f.text[i], f.len[i]);
    }
    fh_finish(h);
    free_flow(&f);
    free(ld);
}

/* ---- expectations ----------------------------------------------------------- */

static void expect_reg(const char *file, sf_reg_outcome_t outcome, int code, uint32_t challenges)
{
    fh_t h;
    replay(&h, file);
    assert_int_equal(h.n_calls, 0);
    assert_int_equal(h.n_regs, 1);
    if (h.regs[0].outcome != outcome)
        print_error("%s: registration %s, expected %s\n", file,
                    sf_reg_outcome_name(h.regs[0].outcome), sf_reg_outcome_name(outcome));
    assert_int_equal(h.regs[0].outcome, outcome);
    assert_int_equal(h.regs[0].final_code, code);
    assert_int_equal(h.regs[0].challenges, challenges);
    assert_string_equal(h.regs[0].aor, "sips:bob@biloxi.example.com");
    fh_free(&h);
}

typedef struct call_exp {
    sf_outcome_t outcome;
    int code;
    uint32_t challenges, redirects, dialogs;
    bool bye;
    uint32_t retransmissions;
} call_exp_t;

static void check_call(const fh_t *h, const char *file, const fh_call_t *c, call_exp_t x)
{
    if (c->outcome != x.outcome)
        print_error("%s: outcome %s (%d), expected %s\n", file, sf_outcome_name(c->outcome),
                    c->final_code, sf_outcome_name(x.outcome));
    assert_int_equal(c->outcome, x.outcome);
    assert_int_equal(c->final_code, x.code);
    assert_int_equal(c->challenges, x.challenges);
    assert_int_equal(c->redirects, x.redirects);
    assert_int_equal(c->n_dialogs, x.dialogs);
    assert_int_equal(c->has_bye, x.bye);
    assert_false(c->partial);
    assert_int_equal(c->problems, 0);
    assert_int_equal(c->retransmissions, x.retransmissions);
    /* the failed ones carry a sentence, answered ones without problems not */
    assert_int_equal(c->diagnosis_text != NULL, sf_outcome_failed(c->outcome));
    uint32_t mine = 0;
    for (uint32_t i = 0; i < h->n_msgs; i++) {
        assert_true(h->msgs[i].txn > 0);
        if (h->msgs[i].call == c->number) mine++;
    }
    assert_int_equal(c->messages, mine);
}

static void expect_call(const char *file, call_exp_t x)
{
    fh_t h;
    replay(&h, file);
    assert_int_equal(h.n_regs, 0);
    if (h.n_calls != 1) print_error("%s: %u calls\n", file, h.n_calls);
    assert_int_equal(h.n_calls, 1);
    assert_int_equal(h.calls[0].number, 1);
    check_call(&h, file, &h.calls[0], x);
    /* every message belongs to the call */
    assert_int_equal(h.calls[0].messages, h.n_msgs);
    fh_free(&h);
}

/* 2.1: 401 then REGISTER with credentials then 200: registered, the 401
 * followed by success is a counted challenge. */
static void test_2_01(void **s)
{
    (void)s;
    expect_reg("2.01_sip-client-new-registration.yaml", SF_REG_REGISTERED, 200, 1);
}

/* 2.2: REGISTER adding a contact, 200 with expiries: registered. */
static void test_2_02(void **s)
{
    (void)s;
    expect_reg("2.02_update-of-contact-list.yaml", SF_REG_REGISTERED, 200, 0);
}

/* 2.3: REGISTER without Contact (a query), 200 listing bindings with
 * expires=3600: reported as registered (the bindings are live). */
static void test_2_03(void **s)
{
    (void)s;
    expect_reg("2.03_request-for-current-contact-list.yaml", SF_REG_REGISTERED, 200, 0);
}

/* 2.4: Expires: 0 with Contact: * answered 200: unregistered (2xx to a
 * de-registration). */
static void test_2_04(void **s)
{
    (void)s;
    expect_reg("2.04_cancellation-of-registration.yaml", SF_REG_UNREGISTERED, 200, 0);
}

/* 2.5: 401, REGISTER with (bad) credentials, 401 again and no retry:
 * failed (final >= 300 not followed by a retry); the first 401 was
 * followed by a retry, so one challenge is counted. */
static void test_2_05(void **s)
{
    (void)s;
    expect_reg("2.05_unsuccessful-registration.yaml", SF_REG_FAILED, 401, 1);
}

/* 3.1: INVITE 180 200 ACK BYE 200: answered (2xx to the initial INVITE). */
static void test_3_01(void **s)
{
    (void)s;
    expect_call("3.01_successful-session-establishment.yaml",
                (call_exp_t){SF_OUTCOME_ANSWERED, 200, 0, 0, 1, true, 0});
}

/* 3.2: 407 from Proxy 1, INVITE re-sent with credentials (same Call-ID and
 * From tag, higher CSeq) and answered through two proxies: one call,
 * answered, one challenge; every hop's messages belong to it. */
static void test_3_02(void **s)
{
    (void)s;
    expect_call("3.02_session-establishment-through-two-proxies.yaml",
                (call_exp_t){SF_OUTCOME_ANSWERED, 200, 1, 0, 1, true, 0});
}

/* 3.3: 407 from Proxy 1, then 407 from Proxy 2 relayed to Alice, then
 * answered: two challenges on the caller's leg, answered. */
static void test_3_03(void **s)
{
    (void)s;
    expect_call("3.03_session-with-multiple-proxy-authentication.yaml",
                (call_exp_t){SF_OUTCOME_ANSWERED, 200, 2, 0, 1, false, 0});
}

/* 3.4: Proxy 1 never answers the INVITE (F1-F7: one INVITE and 6
 * retransmissions). Alice then retries through Proxy 2 with a NEW Call-ID:
 * a call is "the INVITE-initiated exchange for one Call-ID and From tag",
 * and correlating across Call-IDs is out of scope, so these are two calls:
 * call 1 timeout ("the capture ended after the INVITE was retransmitted and
 * never answered"), call 2 answered after one 407 challenge. */
static void test_3_04(void **s)
{
    (void)s;
    const char *file = "3.04_successful-session-with-proxy-failure.yaml";
    fh_t h;
    replay(&h, file);
    assert_int_equal(h.n_regs, 0);
    assert_int_equal(h.n_calls, 2);
    check_call(&h, file, fh_call(&h, 1), (call_exp_t){SF_OUTCOME_TIMEOUT, 0, 0, 0, 0, false, 6});
    check_call(&h, file, fh_call(&h, 2), (call_exp_t){SF_OUTCOME_ANSWERED, 200, 1, 0, 1, true, 0});
    assert_int_equal(fh_call(&h, 1)->messages, 7);
    assert_int_equal(fh_call(&h, 2)->messages, 16);
    fh_free(&h);
}

/* 3.5: through an ALG: answered. */
static void test_3_05(void **s)
{
    (void)s;
    expect_call("3.05_session-through-a-sip-alg.yaml",
                (call_exp_t){SF_OUTCOME_ANSWERED, 200, 0, 0, 1, true, 0});
}

/* 3.6: 302 from the redirect server, INVITE re-sent to the new target
 * (same Call-ID and From tag, higher CSeq), answered: answered with one
 * counted redirect. */
static void test_3_06(void **s)
{
    (void)s;
    expect_call("3.06_session-via-redirect-and-proxy-servers-with-sdp-in-ack.yaml",
                (call_exp_t){SF_OUTCOME_ANSWERED, 200, 0, 1, 1, true, 0});
}

/* 3.7: answered, then Bob's re-INVITE answered 200: responses to in-dialog
 * requests never change the outcome; same call and dialog; answered. */
static void test_3_07(void **s)
{
    (void)s;
    expect_call("3.07_session-with-re-invite-ip-address-change.yaml",
                (call_exp_t){SF_OUTCOME_ANSWERED, 200, 0, 0, 1, true, 0});
}

/* 3.8: 180 then the caller's CANCEL, 487: cancelled. The early dialog of
 * the 180 is the one dialog. */
static void test_3_08(void **s)
{
    (void)s;
    expect_call("3.08_unsuccessful-no-answer.yaml",
                (call_exp_t){SF_OUTCOME_CANCELLED, 487, 0, 0, 1, false, 0});
}

/* 3.9: 486 relayed to Alice: busy. No early dialog (only 100s). */
static void test_3_09(void **s)
{
    (void)s;
    expect_call("3.09_unsuccessful-busy.yaml",
                (call_exp_t){SF_OUTCOME_BUSY, 486, 0, 0, 0, false, 0});
}

/* 3.10: Bob never answers Proxy 2's INVITE; Proxy 2 gives up and sends
 * 480 upstream, Alice receives 480 without a CANCEL: no_answer (the flow
 * shows 480, not 408). F6-F11 are Proxy 2's retransmissions of F4. */
static void test_3_10(void **s)
{
    (void)s;
    expect_call("3.10_unsuccessful-no-response-from-user-agent.yaml",
                (call_exp_t){SF_OUTCOME_NO_ANSWER, 480, 0, 0, 0, false, 6});
}

/* 3.11: 180 then 480 Temporarily Unavailable without CANCEL: no_answer.
 * The 180's early dialog ends with the 480. */
static void test_3_11(void **s)
{
    (void)s;
    expect_call("3.11_unsuccessful-temporarily-unavailable.yaml",
                (call_exp_t){SF_OUTCOME_NO_ANSWER, 480, 0, 0, 1, false, 0});
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_2_01), cmocka_unit_test(test_2_02), cmocka_unit_test(test_2_03),
        cmocka_unit_test(test_2_04), cmocka_unit_test(test_2_05), cmocka_unit_test(test_3_01),
        cmocka_unit_test(test_3_02), cmocka_unit_test(test_3_03), cmocka_unit_test(test_3_04),
        cmocka_unit_test(test_3_05), cmocka_unit_test(test_3_06), cmocka_unit_test(test_3_07),
        cmocka_unit_test(test_3_08), cmocka_unit_test(test_3_09), cmocka_unit_test(test_3_10),
        cmocka_unit_test(test_3_11),
    };
    if (!sf_test_shared_dir()) sf_test_skip("shared corpus missing ($SIPFLOW_SHARED)");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
