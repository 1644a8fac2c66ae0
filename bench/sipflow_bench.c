/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The benchmark driver: times one layer of sipflow on a capture, with no
 * output formatting.
 *   sipflow_bench path FILE    capture -> link -> IP -> UDP/TCP -> parsed SIP
 *   sipflow_bench engine FILE  the same, plus the flow engine with a
 *                              statistics sink (what `sipflow stats` runs)
 * An optional last argument N stops after the first N packets (peak RSS
 * as the capture grows: bench/run.sh).
 * Prints one Markdown table row: layer, seconds, messages/s, MB/s, peak RSS. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "sipflow/capture.h"
#include "sipflow/engine.h"
#include "sipflow/packet_path.h"
#include "sipflow/stats.h"

typedef struct {
    sf_engine_t *engine;
    sf_stats_t *stats;
    uint64_t messages;
} bench_t;

static void on_sip(void *user, const sf_msg_meta_t *meta, const sf_sip_msg_t *msg)
{
    bench_t *b = user;
    b->messages++;
    if (b->engine) sf_engine_push(b->engine, meta, msg);
}

static void on_message(void *user, const sf_msg_info_t *info)
{
    sf_stats_on_message(((bench_t *)user)->stats, info);
}
static void on_txn(void *user, const sf_txn_info_t *t)
{
    sf_stats_on_txn(((bench_t *)user)->stats, t);
}
static void on_call(void *user, sf_call_t *c)
{
    sf_stats_on_call(((bench_t *)user)->stats, c);
}
static void on_reg(void *user, const sf_registration_t *r)
{
    sf_stats_on_registration(((bench_t *)user)->stats, r);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4 || (strcmp(argv[1], "path") != 0 && strcmp(argv[1], "engine") != 0)) {
        fprintf(stderr, "usage: sipflow_bench path|engine FILE [PACKETS]\n");
        return 2;
    }
    uint64_t max_packets = argc == 4 ? strtoull(argv[3], NULL, 10) : UINT64_MAX;
    bool engine = strcmp(argv[1], "engine") == 0;
    const char *path = argv[2];
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return 1;
    }
    char err[256];
    sf_capture_opts_t co = {0};
    sf_capture_t *cap = sf_capture_open(&path, 1, &co, err, sizeof err);
    if (!cap) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    bench_t b = {0};
    if (engine) {
        sf_engine_config_t ec;
        sf_engine_config_default(&ec);
        /* what `sipflow stats` runs */
        ec.keep_ladder = false;
        ec.keep_media = false;
        sf_engine_sink_t es = {on_message, on_txn, on_call, on_reg, &b};
        b.stats = sf_stats_create();
        b.engine = sf_engine_create(&ec, &es);
    }
    sf_sip_sink_t sink = {on_sip, &b};
    sf_packet_path_t *pp = sf_packet_path_create(NULL, &sink, NULL);
    double t0 = now();
    sf_packet_t pkt;
    uint64_t packets = 0;
    while (packets < max_packets && sf_capture_next(cap, &pkt) == 1) {
        sf_packet_path_push(pp, &pkt);
        packets++;
    }
    sf_packet_path_finish(pp);
    if (b.engine) sf_engine_finish(b.engine);
    double secs = now() - t0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("| sipflow_bench %-6s | %10.2f | %12.0f | %9.1f | %8.1f | %llu packets, %llu SIP "
           "messages |\n",
           argv[1], secs, (double)b.messages / secs, (double)st.st_size / 1e6 / secs,
           (double)ru.ru_maxrss / 1024.0, (unsigned long long)packets,
           (unsigned long long)b.messages);
    sf_packet_path_destroy(pp);
    sf_engine_destroy(b.engine);
    sf_stats_destroy(b.stats);
    sf_capture_close(cap);
    return 0;
}
