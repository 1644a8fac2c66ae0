/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Stream framer, tested the llhttp way: each case is input (frames and
 * gaps) beside the expected event log. Every case is replayed whole, split
 * at every byte offset, and in 1-byte chunks; the log (message bytes,
 * defects, frame lists, anomalies with their reasons, counters) must be
 * identical every time. A chunk keeps the frame number of the capture
 * frame its bytes came from, so frame lists do not depend on the split. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_test.h"
#include "sipflow/sip_framing.h"

/* ---- messages ---- */
#define M_OPT                                                                                      \
    "OPTIONS sip:carol@chicago.example.com SIP/2.0\r\n"                                            \
    "Via: SIP/2.0/TCP pc33.example.com;branch=z9hG4bKhjhs8ass877\r\n"                              \
    "Call-ID: a84b4c76e66710\r\nCSeq: 63104 OPTIONS\r\nContent-Length: 0\r\n\r\n"
#define INV_HEAD                                                                                   \
    "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"                                                \
    "Via: SIP/2.0/TCP a.example.com;branch=z9hG4bK74bf9\r\n"                                       \
    "Content-Type: application/sdp\r\nContent-Length: 36\r\n\r\n"
#define INV_BODY "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n"
#define M_INV INV_HEAD INV_BODY
#define M_200                                                                                      \
    "SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP a.example.com;branch=z9hG4bK74bf9\r\nl  :5\r\n\r\nhello"
#define M_LF "ACK sip:a@b SIP/2.0\nCall-ID: lf\nL: 2\n\nok"
#define M_NOCL "BYE sip:x@y SIP/2.0\r\nCall-ID: 1\r\n\r\n"
#define M_SMALL "ACK sip:a@b SIP/2.0\r\nl: 0\r\n\r\n"
#define M_FOLD "MESSAGE sip:a@b SIP/2.0\r\ncontent-length\t:\r\n 4\r\n\r\nabcd"
#define M_BADCL "NOTIFY sip:a@b SIP/2.0\r\nContent-Length: abc\r\n\r\n"
#define M_HUGECL "INFO sip:a@b SIP/2.0\r\nContent-Length: 2147483648\r\n\r\n"
#define M_FRAG                                                                                     \
    "NOTIFY sip:a@b SIP/2.0\r\nEvent: refer\r\nContent-Type: message/sipfrag\r\n"                  \
    "Content-Length: 16\r\n\r\nSIP/2.0 200 OK\r\n"
#define M_BIGBODY "MESSAGE sip:a@b SIP/2.0\r\nl: 200\r\n\r\n" LONG100 LONG100
#define M_LONGHDR "OPTIONS sip:a@b SIP/2.0\r\nX-Long: " LONG100 "\r\n\r\n"
#define LONG10 "xxxxxxxxxx"
#define LONG100 LONG10 LONG10 LONG10 LONG10 LONG10 LONG10 LONG10 LONG10 LONG10 LONG10

/* ---- cases ---- */
typedef struct step {
    uint64_t frame;   /* 0 ends the list */
    const char *data; /* NULL: a gap of `gap` bytes, before frame `frame` */
    uint64_t gap;
} step_t;

typedef struct fcase {
    const char *name;
    uint32_t max_message; /* 0: default */
    step_t steps[6];
    const char *expect; /* the log without anomaly reasons */
} fcase_t;

#define MSG(frames, defect, bytes) "msg [" frames "] " defect "\n" bytes "\n"
#define D(s)                                                                                       \
    {                                                                                              \
        1, s, 0                                                                                    \
    }

static const fcase_t cases[] = {
    {"one message", 0, {D(M_OPT)}, MSG("1", "-", M_OPT) "stats m=1 ka=0 resync=0 big=0\n"},
    {"three coalesced",
     0,
     {D(M_OPT M_INV M_200)},
     MSG("1", "-", M_OPT) MSG("1", "-", M_INV)
         MSG("1", "-", M_200) "stats m=3 ka=0 resync=0 big=0\n"},
    {"body across frames",
     0,
     {{1, INV_HEAD "v=0\r", 0}, {2, "\no=- 1 1 IN IP4", 0}, {3, " 192.0.2.1\r\ns=-\r\n" M_OPT, 0}},
     MSG("1,2,3", "-", M_INV) MSG("3", "-", M_OPT) "stats m=2 ka=0 resync=0 big=0\n"},
    {"keep-alives",
     0,
     {{1, "\r\n\r\n", 0}, {2, M_OPT, 0}, {3, "\r\n", 0}, {4, "\r\n\r\n" M_200 "\r\n", 0}},
     MSG("2", "-", M_OPT) MSG("4", "-", M_200) "stats m=2 ka=4 resync=0 big=0\n"},
    {"compact l and bare LF",
     0,
     {{1, M_200 M_LF, 0}, {2, M_FOLD, 0}},
     MSG("1", "-", M_200) MSG("1", "-", M_LF)
         MSG("2", "-", M_FOLD) "stats m=3 ka=0 resync=0 big=0\n"},
    {"missing Content-Length",
     0,
     {D(M_NOCL M_OPT)},
     "anom sip-no-content-length 1\n" MSG("1", "no Content-Length on a stream transport", M_NOCL)
         MSG("1", "-", M_OPT) "stats m=2 ka=0 resync=0 big=0\n"},
    {"junk before the first message",
     0,
     {{1, "GET / HTTP/1.1\r\nHost: x\r\n\r\n\x16\x03\x01", 0}, {2, "junk\r\n" M_OPT, 0}},
     MSG("2", "-", M_OPT) "stats m=1 ka=0 resync=36 big=0\n"},
    {"gap inside the headers",
     0,
     {{1, M_OPT "INVITE sip:bob@biloxi.example.com SIP/2.0\r\nVia: SIP/2.0/TCP a.exa", 0},
      {3, NULL, 20},
      {3, "Content-Length: 36\r\n\r\n" INV_BODY M_200, 0}},
     MSG("1", "-", M_OPT) "anom sip-truncated 3\nanom sip-resync 3\n" MSG(
         "3", "-", M_200) "stats m=2 ka=0 resync=58 big=0\n"},
    {"gap inside the body",
     0,
     {{1, INV_HEAD "v=0\r\no=- 1", 0}, {3, NULL, 3}, {3, "IN IP4 192.0.2.1\r\ns=-\r\n" M_OPT, 0}},
     "anom sip-truncated 3\n" MSG("3", "-", M_OPT) "stats m=1 ka=0 resync=0 big=0\n"},
    {"junk after SIP is a resync",
     0,
     {{1, M_SMALL "garbage\r\n", 0}, {2, "more\r\n" M_SMALL, 0}},
     MSG("1", "-", M_SMALL) "anom sip-resync 2\n" MSG("2", "-",
                                                      M_SMALL) "stats m=2 ka=0 resync=15 big=0\n"},
    {"too large",
     100,
     {{1, M_BIGBODY M_SMALL, 0}, {2, M_LONGHDR M_SMALL, 0}},
     "anom sip-too-large 1\n" MSG(
         "1", "-",
         M_SMALL) "anom sip-too-large 2\nanom sip-resync 2\n" MSG("2", "-",
                                                                  M_SMALL) "stats m=2 ka=0 "
                                                                           "resync=37 big=2\n"},
    {"bad Content-Length values",
     0,
     {D(M_BADCL M_HUGECL M_SMALL)},
     MSG("1", "invalid Content-Length value", M_BADCL)
         MSG("1", "Content-Length too large", M_HUGECL)
             MSG("1", "-", M_SMALL) "stats m=3 ka=0 resync=0 big=0\n"},
    {"sipfrag body is not a message",
     0,
     {D(M_FRAG M_SMALL)},
     MSG("1", "-", M_FRAG) MSG("1", "-", M_SMALL) "stats m=2 ka=0 resync=0 big=0\n"},
    {"not SIP at all",
     0,
     {{1, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", 0},
      {2, "\x17\x03\x03\x01\x20 binary without line ends", 0}},
     "stats m=0 ka=0 resync=71 big=0\n"},
    {"truncated at the end",
     0,
     {D(M_OPT INV_HEAD "v=0")},
     MSG("1", "-", M_OPT) "anom sip-truncated 1\nstats m=1 ka=0 resync=0 big=0\n"},
};

/* ---- replay ---- */
typedef struct logbuf {
    char *full;  /* with anomaly reasons */
    char *brief; /* without */
    size_t flen, blen, fcap, bcap;
} logbuf_t;

static void app(char **s, size_t *len, size_t *cap, const char *p, size_t n)
{
    if (*len + n + 1 > *cap) {
        *cap = (*len + n + 1) * 2;
        *s = realloc(*s, *cap);
        assert_non_null(*s);
    }
    memcpy(*s + *len, p, n);
    *len += n;
    (*s)[*len] = 0;
}

static void log_add(logbuf_t *l, const char *p, size_t n, bool brief)
{
    app(&l->full, &l->flen, &l->fcap, p, n);
    if (brief) app(&l->brief, &l->blen, &l->bcap, p, n);
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
    n += snprintf(tmp + n, sizeof tmp - (size_t)n, "] %s\n", defect ? defect : "-");
    log_add(l, tmp, (size_t)n, true);
    log_add(l, buf, len, true);
    log_add(l, "\n", 1, true);
    /* frame list invariants (msg_meta.h) and time of the completing frame */
    assert_true(meta->n_frames >= 1);
    assert_int_equal(meta->ts.sec, (int64_t)sf_msg_meta_last_frame(meta));
    assert_int_equal(meta->transport, SF_TRANSPORT_TCP);
    assert_int_equal(meta->src.port, 5060);
}

static void on_anomaly(void *user, const sf_anomaly_t *a)
{
    logbuf_t *l = user;
    char tmp[400];
    int n = snprintf(tmp, sizeof tmp, "anom %s %llu\n", sf_anomaly_kind_name(a->kind),
                     (unsigned long long)a->frame);
    log_add(l, tmp, (size_t)n, true);
    n = snprintf(tmp, sizeof tmp, "  (%s)\n", a->reason);
    log_add(l, tmp, (size_t)n, false);
    assert_int_equal(a->layer, SF_LAYER_SIP);
    assert_int_equal(a->file, 3);
}

typedef enum split_mode { WHOLE, SPLIT_AT, ONE_BYTE } split_mode_t;

/* Replays a case; in SPLIT_AT mode the concatenated input is cut at byte
 * offset `at` (as well as at its frame boundaries). */
static void replay(const fcase_t *c, split_mode_t mode, size_t at, logbuf_t *l,
                   sf_sip_stream_stats_t *st_out)
{
    memset(l, 0, sizeof *l);
    log_add(l, "", 0, true);
    sf_sip_stream_config_t cfg = {.max_message = c->max_message};
    sf_msg_meta_t tmpl = {0};
    tmpl.file = 3;
    tmpl.transport = SF_TRANSPORT_TCP;
    tmpl.src.family = 4;
    tmpl.src.port = 5060;
    sf_sip_raw_sink_t sink = {on_message, l};
    sf_anomaly_sink_t an = {on_anomaly, l};
    sf_sip_stream_t *s = sf_sip_stream_create(&cfg, &tmpl, &sink, &an);
    assert_non_null(s);
    size_t off = 0;
    uint64_t last = 1;
    for (size_t k = 0; k < sizeof c->steps / sizeof c->steps[0]; k++) {
        const step_t *sp = &c->steps[k];
        if (sp->frame == 0) break;
        if (!sp->data) {
            sf_sip_stream_gap(s, sp->gap, sp->frame, sf_test_ts((int64_t)sp->frame, 0));
            continue;
        }
        last = sp->frame;
        sf_ts_t ts = sf_test_ts((int64_t)sp->frame, 0);
        size_t n = strlen(sp->data);
        /* each piece is copied to its own heap block, so ASan catches any
         * read past a chunk */
        size_t i = 0;
        while (i < n) {
            size_t piece = n - i;
            if (mode == ONE_BYTE) piece = 1;
            if (mode == SPLIT_AT && at > off + i && at < off + n) piece = at - (off + i);
            uint8_t *chunk = malloc(piece);
            memcpy(chunk, sp->data + i, piece);
            sf_sip_stream_push(s, chunk, (uint32_t)piece, sp->frame, ts);
            free(chunk);
            i += piece;
        }
        off += n;
    }
    sf_sip_stream_finish(s, last, sf_test_ts((int64_t)last, 0));
    sf_sip_stream_stats_t st;
    sf_sip_stream_get_stats(s, &st);
    char tmp[160];
    int n = snprintf(tmp, sizeof tmp, "stats m=%llu ka=%llu resync=%llu big=%llu\n",
                     (unsigned long long)st.messages, (unsigned long long)st.keepalives,
                     (unsigned long long)st.resync_bytes, (unsigned long long)st.too_large);
    log_add(l, tmp, (size_t)n, true);
    if (st_out) *st_out = st;
    sf_sip_stream_destroy(s);
}

static size_t case_len(const fcase_t *c)
{
    size_t n = 0;
    for (size_t k = 0; k < sizeof c->steps / sizeof c->steps[0]; k++) {
        if (c->steps[k].frame == 0) break;
        if (c->steps[k].data) n += strlen(c->steps[k].data);
    }
    return n;
}

static void test_cases(void **state)
{
    (void)state;
    for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
        const fcase_t *c = &cases[ci];
        logbuf_t ref;
        sf_sip_stream_stats_t st;
        replay(c, WHOLE, 0, &ref, &st);
        if (strcmp(ref.brief, c->expect) != 0) {
            printf("case \"%s\": expected\n%s\ngot\n%s\nfull:\n%s\n", c->name, c->expect, ref.brief,
                   ref.full);
            fail();
        }
        size_t total = case_len(c);
        for (size_t at = 1; at < total; at++) {
            logbuf_t l;
            replay(c, SPLIT_AT, at, &l, NULL);
            if (strcmp(l.full, ref.full) != 0) {
                printf("case \"%s\" split at %zu differs:\n%s\nvs whole:\n%s\n", c->name, at,
                       l.full, ref.full);
                fail();
            }
            free(l.full);
            free(l.brief);
        }
        logbuf_t l;
        replay(c, ONE_BYTE, 0, &l, NULL);
        if (strcmp(l.full, ref.full) != 0) {
            printf("case \"%s\" in 1-byte chunks differs:\n%s\nvs whole:\n%s\n", c->name, l.full,
                   ref.full);
            fail();
        }
        free(l.full);
        free(l.brief);
        free(ref.full);
        free(ref.brief);
    }
}

/* ---- zero copy ---- */
typedef struct zc_ctx {
    const char *chunk;
    size_t chunk_len;
    int in_place, total;
} zc_ctx_t;

static void zc_message(void *user, const sf_msg_meta_t *meta, const char *buf, uint32_t len,
                       const char *defect)
{
    (void)meta, (void)defect;
    zc_ctx_t *z = user;
    z->total++;
    if (buf >= z->chunk && buf + len <= z->chunk + z->chunk_len) z->in_place++;
}

static void test_zero_copy(void **state)
{
    (void)state;
    static const char whole[] = M_OPT M_INV M_200;
    zc_ctx_t z = {0};
    sf_msg_meta_t tmpl = {0};
    sf_sip_raw_sink_t sink = {zc_message, &z};
    sf_sip_stream_t *s = sf_sip_stream_create(NULL, &tmpl, &sink, NULL);
    z.chunk = whole;
    z.chunk_len = sizeof whole - 1;
    sf_sip_stream_push(s, (const uint8_t *)whole, sizeof whole - 1, 1, sf_test_ts(1, 0));
    assert_int_equal(z.total, 3);
    assert_int_equal(z.in_place, 3);
    /* split inside the second message: only that one is copied */
    size_t cut = strlen(M_OPT) + 20;
    z.chunk_len = cut;
    sf_sip_stream_push(s, (const uint8_t *)whole, (uint32_t)cut, 2, sf_test_ts(2, 0));
    z.chunk = whole + cut;
    z.chunk_len = sizeof whole - 1 - cut;
    sf_sip_stream_push(s, (const uint8_t *)whole + cut, (uint32_t)(sizeof whole - 1 - cut), 3,
                       sf_test_ts(3, 0));
    assert_int_equal(z.total, 6);
    assert_int_equal(z.in_place, 5);
    sf_sip_stream_stats_t st;
    sf_sip_stream_get_stats(s, &st);
    assert_int_equal(st.buffered_copies, 1);
    assert_int_equal(st.messages, 6);
    sf_sip_stream_destroy(s);
}

/* A long non-SIP stream must not produce anomalies or messages. */
static void count_anom(void *user, const sf_anomaly_t *a)
{
    (void)a;
    (*(int *)user)++;
}

static void test_binary_stream(void **state)
{
    (void)state;
    int anomalies = 0;
    sf_anomaly_sink_t an = {count_anom, &anomalies};
    sf_sip_raw_sink_t sink = {zc_message, &(zc_ctx_t){0}};
    sf_sip_stream_t *s = sf_sip_stream_create(NULL, NULL, &sink, &an);
    uint8_t buf[1400];
    uint32_t r = 1;
    uint64_t total = 0;
    for (int k = 0; k < 2000; k++) {
        for (size_t i = 0; i < sizeof buf; i++) {
            r = r * 1103515245u + 12345u;
            buf[i] = (uint8_t)(r >> 16);
        }
        /* also long runs of token characters without a line end */
        if (k % 3 == 0) memset(buf, 'A', sizeof buf);
        sf_sip_stream_push(s, buf, sizeof buf, (uint64_t)k + 1, sf_test_ts(k, 0));
        total += sizeof buf;
    }
    sf_sip_stream_finish(s, 2000, sf_test_ts(2000, 0));
    sf_sip_stream_stats_t st;
    sf_sip_stream_get_stats(s, &st);
    assert_int_equal(st.messages, 0);
    assert_int_equal(anomalies, 0);
    assert_int_equal(st.resync_bytes, total);
    sf_sip_stream_destroy(s);
}

/* Property test: random streams built from message pieces, keep-alives,
 * junk, bad lengths and gaps give the same log whole, at random splits and
 * in 1-byte chunks. */
static uint32_t xs(uint32_t *st)
{
    *st ^= *st << 13;
    *st ^= *st >> 17;
    *st ^= *st << 5;
    return *st;
}

static void test_random_streams(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        M_OPT,
        M_INV,
        M_200,
        M_LF,
        M_NOCL,
        M_SMALL,
        M_FOLD,
        M_BADCL,
        M_HUGECL,
        M_FRAG,
        "\r\n",
        "\r\n\r\n",
        "junk line\r\n",
        "\x16\x03\x01binary",
        "SIP/2.0 ",
        "INVITE sip:x SIP/2.",
        "l: 3\r\n\r\n",
        "\n",
        "OPTIONS sip:a@b SIP/2.0\r\nl: 999\r\n\r\n",
    };
    const size_t np = sizeof pieces / sizeof pieces[0];
    uint32_t seed = 0xC0FFEEu;
    static char text[5][4096];
    for (int iter = 0; iter < 150; iter++) {
        fcase_t c = {0};
        c.name = "random";
        c.max_message = (xs(&seed) % 3 == 0) ? 120 : 0;
        uint64_t frame = 1;
        size_t k = 0;
        for (int st = 0; st < 5; st++) {
            if (st > 0 && xs(&seed) % 4 == 0) {
                c.steps[k++] = (step_t){frame + 1, NULL, 1 + xs(&seed) % 40};
                frame++;
                if (k >= 5) break;
            }
            size_t n = 0;
            int parts = 1 + (int)(xs(&seed) % 4);
            for (int p = 0; p < parts; p++) {
                const char *pc = pieces[xs(&seed) % np];
                size_t l = strlen(pc);
                /* sometimes only a prefix or suffix of a piece */
                size_t from = 0, to = l;
                if (xs(&seed) % 5 == 0) from = xs(&seed) % l;
                if (xs(&seed) % 5 == 0) to = from + xs(&seed) % (l - from + 1);
                if (n + (to - from) >= sizeof text[0]) break;
                memcpy(text[st] + n, pc + from, to - from);
                n += to - from;
            }
            text[st][n] = 0;
            if (n == 0) continue;
            c.steps[k++] = (step_t){frame++, text[st], 0};
            if (k >= 5) break;
        }
        logbuf_t ref;
        replay(&c, WHOLE, 0, &ref, NULL);
        size_t total = case_len(&c);
        for (int r = 0; r < 6 && total > 1; r++) {
            size_t at = 1 + xs(&seed) % (total - 1);
            logbuf_t l;
            replay(&c, SPLIT_AT, at, &l, NULL);
            if (strcmp(l.full, ref.full) != 0) {
                printf("random %d split at %zu differs:\n%s\nvs whole:\n%s\n", iter, at, l.full,
                       ref.full);
                fail();
            }
            free(l.full);
            free(l.brief);
        }
        logbuf_t l;
        replay(&c, ONE_BYTE, 0, &l, NULL);
        if (strcmp(l.full, ref.full) != 0) {
            printf("random %d 1-byte differs:\n%s\nvs whole:\n%s\n", iter, l.full, ref.full);
            fail();
        }
        free(l.full);
        free(l.brief);
        free(ref.full);
        free(ref.brief);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_zero_copy),
        cmocka_unit_test(test_binary_stream),
        cmocka_unit_test(test_random_streams),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
