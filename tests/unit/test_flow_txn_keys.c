/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Transaction keys (RFC 3261 17.1.3 / 17.2.3: branch + sent-by + method):
 * the sent-by host is compared case-insensitively (19.1.4), folded a word
 * at a time; every host length (the word loop, its overlapping last word,
 * the 4-byte and the byte paths) must fold exactly A-Z and nothing else. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow_harness.h"

/* Host characters (alphanum . - _), upper and lower case and the
 * neighbours of A-Z in ASCII that a host may hold ('_' is 0x5f). */
static const char HOST_CHARS[] = "aB3-_.Zz9QmAy0Y";

static void host_of(size_t len, size_t shift, char *out)
{
    for (size_t i = 0; i < len; i++)
        out[i] = HOST_CHARS[(i + shift) % (sizeof HOST_CHARS - 1)];
    out[len] = 0;
}

static void lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z') *s = (char)(*s + 32);
}

static void test_sent_by_case(void **st)
{
    (void)st;
    fh_t h;
    fh_init(&h);
    uint32_t orphans_expected = 0;
    for (size_t len = 1; len <= 40; len++) {
        char host[64], low[64], other[64], sent[80], branch[32];
        host_of(len, len, host);
        memcpy(low, host, sizeof host);
        lower(low);
        /* another host: one letter changed (not only its case) */
        memcpy(other, low, sizeof low);
        size_t k = len - 1 - len / 3;
        other[k] = other[k] == 'q' ? 'r' : 'q';
        snprintf(branch, sizeof branch, "z9hG4bKcase%zu", len);
        int64_t t = (int64_t)len * 10;
        snprintf(sent, sizeof sent, "%s:5060", host);
        uint64_t req = FH_SIP(&h, 1, 2, t, .start = "OPTIONS sip:bob@b.example SIP/2.0",
                              .branch = branch, .cseq = "1 OPTIONS", .via_host = sent);
        snprintf(sent, sizeof sent, "%s:5060", low);
        uint64_t ok = FH_SIP(&h, 2, 1, t + 1, .start = "SIP/2.0 200 OK", .branch = branch,
                             .cseq = "1 OPTIONS", .ttag = "bt", .via_host = sent);
        snprintf(sent, sizeof sent, "%s:5060", other);
        uint64_t bad = FH_SIP(&h, 2, 1, t + 2, .start = "SIP/2.0 200 OK", .branch = branch,
                              .cseq = "1 OPTIONS", .ttag = "bt", .via_host = sent);
        orphans_expected++;
        if (fh_msg(&h, ok)->txn != fh_msg(&h, req)->txn)
            print_error("host %s vs %s: not matched\n", host, low);
        assert_int_equal(fh_msg(&h, ok)->txn, fh_msg(&h, req)->txn);
        assert_int_equal(fh_msg(&h, bad)->txn, 0);
    }
    sf_engine_stats_t s;
    sf_engine_get_stats(h.e, &s);
    assert_int_equal(s.orphan_responses, orphans_expected);
    fh_finish(&h);
    fh_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sent_by_case),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
