/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: the capture readers on a file image. The input is
 * written to a per-process file in /dev/shm (sf_capture_open takes paths)
 * and read twice: by sipflow's own reader (sf_capfile_*: pcap, pcapng,
 * gzip) and through sf_capture_open (which picks libpcap or that reader),
 * whose records go down the whole packet path into the engine. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "capfile_internal.h"
#include "capfile_reader.h"
#include "fuzz_common.h"
#include "sipflow/capture.h"
#include "sipflow/packet_path.h"

static char path[64];

static void remove_file(void)
{
    unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(path, sizeof path, "%s/sf-fuzz-cap-%ld", dir, (long)getpid());
    atexit(remove_file);
    fuzz_reach_init();
    return 0;
}

static void read_capfile(void)
{
    char err[256];
    sf_capfile_t *f = sf_capfile_open(path, err, sizeof err);
    if (!f) {
        FUZZ_CHECK(memchr(err, 0, sizeof err) != NULL);
        return;
    }
    (void)sf_capfile_format(f);
    (void)sf_capfile_compressed(f);
    sf_capfile_record_t rec;
    const char *why = NULL;
    sf_capfile_status_t stt;
    uint64_t last_off = 0;
    /* every call consumes input or ends: bounded by the file size */
    for (unsigned i = 0; i < 1000000; i++) {
        stt = sf_capfile_next(f, &rec, &why);
        if (stt != SF_CAPFILE_RECORD) break;
        FUZZ_CHECK(rec.caplen <= SF_CAPFILE_MAX_CAPLEN);
        volatile uint8_t x = 0;
        for (uint32_t k = 0; k < rec.caplen; k++)
            x ^= rec.data[k];
        (void)x;
        FUZZ_CHECK(rec.ts.nsec < 1000000000u);
        uint64_t off = sf_capfile_offset(f);
        FUZZ_CHECK(off > last_off);
        last_off = off;
    }
    if (stt == SF_CAPFILE_TRUNCATED || stt == SF_CAPFILE_CORRUPT) {
        FUZZ_CHECK(why != NULL);
        /* sticky: the same status again */
        FUZZ_CHECK(sf_capfile_next(f, &rec, &why) == stt);
    }
    sf_capfile_close(f);
}

static void read_capture(void)
{
    fuzz_backend_t be;
    fuzz_backend_init(&be, NULL);
    sf_anomaly_sink_t an = fuzz_backend_anomaly_sink(&be);
    sf_capture_opts_t opts = {.bpf = NULL, .anomalies = an};
    char err[256];
    const char *paths[1] = {path};
    sf_capture_t *cap = sf_capture_open(paths, 1, &opts, err, sizeof err);
    if (!cap) {
        fuzz_backend_finish(&be);
        return;
    }
    sf_packet_path_config_t cfg;
    sf_packet_path_config_default(&cfg);
    /* smaller tables than the defaults: they are allocated per input */
    cfg.frag_max_datagrams = 256;
    cfg.tcp.max_streams = 256;
    sf_sip_sink_t sink = {fuzz_backend_sip_sink, &be};
    sf_packet_path_t *pp = sf_packet_path_create(&cfg, &sink, &an);
    sf_packet_t pkt;
    uint64_t n = 0;
    while (n < 1000000 && sf_capture_next(cap, &pkt) == 1) {
        n++;
        FUZZ_CHECK(pkt.frame >= 1);
        sf_packet_path_push(pp, &pkt);
    }
    sf_packet_path_finish(pp);
    sf_capture_stats_t cst;
    sf_capture_get_stats(cap, &cst);
    FUZZ_CHECK(cst.records >= n);
    sf_packet_path_destroy(pp);
    sf_capture_close(cap);
    fuzz_backend_finish(&be);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reach.inputs++;
    FILE *fp = fopen(path, "wb");
    FUZZ_CHECK(fp != NULL);
    FUZZ_CHECK(fwrite(data, 1, size, fp) == size);
    FUZZ_CHECK(fclose(fp) == 0);
    read_capfile();
    read_capture();
    return 0;
}
