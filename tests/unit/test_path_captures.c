/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The whole packet path on the shared captures: SIP message counts from
 * the SIPp corpus manifest and from the public captures that exercise
 * IPv6 fragments, IP-in-IP, ERSPAN, GRE/PPP and PPPoE. */
#include "sf_test.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sipflow/capture.h"
#include "sipflow/packet_path.h"

typedef struct counts {
    uint64_t messages;
    uint64_t invites;
    uint32_t invite_frames; /* n_frames of the first INVITE */
    uint64_t invite_frame_list[SF_MSG_MAX_FRAMES];
    uint64_t anomalies[SF_ANOM_KIND_COUNT];
    uint64_t udp, tcp;
} counts_t;

static void on_msg(void *user, const sf_msg_meta_t *meta, const sf_sip_msg_t *msg)
{
    counts_t *c = user;
    c->messages++;
    if (meta->transport == SF_TRANSPORT_TCP)
        c->tcp++;
    else
        c->udp++;
    if (msg->is_request && msg->method_id == SF_METHOD_INVITE && c->invites++ == 0) {
        c->invite_frames = meta->n_frames;
        memcpy(c->invite_frame_list, meta->frames, sizeof meta->frames);
    }
}

static void on_anom(void *user, const sf_anomaly_t *a)
{
    counts_t *c = user;
    c->anomalies[a->kind]++;
    if (getenv("SF_TEST_VERBOSE"))
        fprintf(stderr, "  anomaly frame %llu %s: %s\n", (unsigned long long)a->frame,
                sf_anomaly_kind_name(a->kind), a->reason);
}

/* Runs the path over one capture (path relative to the shared dir). */
static void run_capture(const char *rel, counts_t *c)
{
    memset(c, 0, sizeof *c);
    char *path = sf_test_shared_path(rel);
    assert_non_null(path);
    sf_anomaly_sink_t an = {on_anom, c};
    sf_capture_opts_t opts = {.bpf = NULL, .anomalies = an};
    char err[256];
    const char *paths[1] = {path};
    sf_capture_t *cap = sf_capture_open(paths, 1, &opts, err, sizeof err);
    if (!cap) fail_msg("cannot open %s: %s", path, err);
    sf_sip_sink_t sink = {on_msg, c};
    sf_packet_path_t *pp = sf_packet_path_create(NULL, &sink, &an);
    assert_non_null(pp);
    sf_packet_t pkt;
    while (sf_capture_next(cap, &pkt) == 1)
        sf_packet_path_push(pp, &pkt);
    sf_packet_path_finish(pp);
    sf_packet_path_stats_t st;
    sf_packet_path_get_stats(pp, &st);
    assert_int_equal(st.sip_messages, c->messages);
    sf_capture_stats_t cs;
    sf_capture_get_stats(cap, &cs);
    assert_int_equal(st.packets, cs.records - cs.filtered_out);
    sf_packet_path_destroy(pp);
    sf_capture_close(cap);
    free(path);
}

static void require_shared(void)
{
    if (!sf_test_shared_dir()) sf_test_skip("shared corpus missing");
}

static void test_sipp_manifest(void **state)
{
    (void)state;
    require_shared();
    char *mpath = sf_test_shared_path("pcaps/sipp/MANIFEST.md");
    size_t len;
    char *text = (char *)sf_test_read_file(mpath, &len);
    if (!text) sf_test_skip("pcaps/sipp/MANIFEST.md missing");
    char *end = text + len;
    unsigned checked = 0;
    /* Summary rows: | file | bytes | frames | SIP msgs | ... */
    for (char *line = text; line < end;) {
        char *nl = memchr(line, '\n', (size_t)(end - line));
        if (!nl) nl = end;
        char file[128];
        unsigned long bytes, frames, msgs;
        if (nl - line < 400 &&
            sscanf(line, "| %127[^ |] | %lu | %lu | %lu |", file, &bytes, &frames, &msgs) == 4 &&
            strstr(file, ".pcap") && strcmp(file, "volume-10k-calls.pcap") != 0) {
            char rel[200];
            snprintf(rel, sizeof rel, "pcaps/sipp/%s", file);
            counts_t c;
            run_capture(rel, &c);
            if (c.messages != msgs)
                fail_msg("%s: %llu SIP messages, manifest says %lu", file,
                         (unsigned long long)c.messages, msgs);
            assert_int_equal(c.anomalies[SF_ANOM_SIP_MALFORMED], 0);
            checked++;
        }
        line = nl + 1;
    }
    assert_true(checked >= 12);
    free(text);
    free(mpath);
}

static void test_udp_fragmented_invite(void **state)
{
    (void)state;
    require_shared();
    counts_t c;
    run_capture("pcaps/sipp/udp-fragmented.pcap", &c);
    assert_int_equal(c.messages, 7);
    assert_int_equal(c.invites, 1);
    assert_int_equal(c.invite_frames, 4);
    for (uint32_t i = 1; i < 4; i++)
        assert_true(c.invite_frame_list[i] > c.invite_frame_list[i - 1]);
    assert_int_equal(c.anomalies[SF_ANOM_FRAG_INCOMPLETE], 0);
}

static const struct {
    const char *file;
    uint64_t messages;
} public_caps[] = {
    {"pcaps/public/sngrep--ipv6frag.pcap", 32},
    {"pcaps/public/sngrep--ipip.pcap", 4},
    {"pcaps/public/heplify--ipip0.pcap", 8},
    {"pcaps/public/heplify--erspan_sip_ipv4_udp.pcapng", 140},
    {"pcaps/public/ndpi--gre.pcapng", 1},
    {"pcaps/public/sample-captures--DTMFsipinfo.pcap", 32},
};

static void test_public_tunnels_and_fragments(void **state)
{
    (void)state;
    require_shared();
    for (size_t i = 0; i < sizeof public_caps / sizeof public_caps[0]; i++) {
        counts_t c;
        run_capture(public_caps[i].file, &c);
        if (c.messages != public_caps[i].messages)
            fail_msg("%s: %llu SIP messages, expected %llu", public_caps[i].file,
                     (unsigned long long)c.messages, (unsigned long long)public_caps[i].messages);
    }
}

/* Every public capture goes through without a crash (ASan/UBSan build),
 * every record is seen by the path, and the counters add up. */
static void test_every_public_capture(void **state)
{
    (void)state;
    require_shared();
    char *dir = sf_test_shared_path("pcaps/public");
    DIR *d = opendir(dir);
    if (!d) sf_test_skip("pcaps/public missing");
    unsigned runs = 0;
    uint64_t total_msgs = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (!strstr(e->d_name, ".pcap")) continue;
        char rel[512];
        snprintf(rel, sizeof rel, "pcaps/public/%s", e->d_name);
        counts_t c;
        run_capture(rel, &c);
        assert_int_equal(c.udp + c.tcp, c.messages);
        total_msgs += c.messages;
        runs++;
    }
    closedir(d);
    free(dir);
    assert_true(runs >= 30);
    assert_true(total_msgs > 500);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sipp_manifest),
        cmocka_unit_test(test_udp_fragmented_invite),
        cmocka_unit_test(test_public_tunnels_and_fragments),
        cmocka_unit_test(test_every_public_capture),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
