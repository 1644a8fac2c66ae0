/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: the whole packet path (link -> IP -> defrag ->
 * UDP/TCP -> SIP framing -> parser) into the flow engine, stats and JSON
 * formatters, as the sipflow tool wires them.
 *
 * Input format (so a fuzz input is a capture in all but file syntax; the
 * file readers have their own harness, fuzz_capture_file):
 *   byte 0        config: bit 0 small caps (defrag/TCP/framer eviction paths)
 *   then records: flags(1) caplen(2, big-endian) data(caplen)
 *     flags bits 0-3: link type (index into linktypes[])
 *     bit 4: len > caplen (a snaplen-cut record)
 *     bits 5-7: time step (0 = same time, 7 = 40 s: crosses the timeouts)
 * tests/fuzz/seeds.py converts pcap files to this format for the seeds.
 * FUZZ_PRINT_REACH=1 prints how many messages reached the engine. */
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "sipflow/capture.h"
#include "sipflow/packet_path.h"

static const uint32_t linktypes[16] = {
    SF_LINKTYPE_ETHERNET,  SF_LINKTYPE_RAW,
    SF_LINKTYPE_IPV4,      SF_LINKTYPE_IPV6,
    SF_LINKTYPE_LINUX_SLL, SF_LINKTYPE_LINUX_SLL2,
    SF_LINKTYPE_NULL,      SF_LINKTYPE_LOOP,
    SF_LINKTYPE_PPP,       SF_LINKTYPE_ETHERNET,
    SF_LINKTYPE_ETHERNET,  SF_LINKTYPE_ETHERNET,
    SF_LINKTYPE_RAW,       SF_LINKTYPE_ETHERNET,
    SF_LINKTYPE_ETHERNET,  147 /* USER0: unsupported */
};

static const int64_t steps_ns[8] = {0,           1000,         1000000,      20000000,
                                    500000000LL, 2000000000LL, 9000000000LL, 40000000000LL};

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
    if (size < 1) return 0;
    fuzz_reach.inputs++;
    fuzz_in_t in = {data, size, 0};
    uint8_t conf = fuzz_u8(&in);

    sf_packet_path_config_t cfg;
    sf_packet_path_config_default(&cfg);
    if (conf & 1) {
        cfg.frag_max_bytes = 4096;
        cfg.frag_max_datagrams = 4;
        cfg.tcp.max_streams = 4;
        cfg.tcp.max_pending_per_dir = 2048;
        cfg.tcp.max_pending_total = 4096;
        cfg.sip_max_message = 1024;
    }
    fuzz_backend_t be;
    sf_engine_config_t ecfg;
    sf_engine_config_default(&ecfg);
    if (conf & 1) {
        ecfg.max_txns = 8;
        ecfg.max_dialogs = 4;
        ecfg.max_calls = 4;
        ecfg.max_arrows = 8;
        ecfg.max_call_frames = 8;
    }
    fuzz_backend_init(&be, &ecfg);
    sf_sip_sink_t sink = {fuzz_backend_sip_sink, &be};
    sf_anomaly_sink_t an = fuzz_backend_anomaly_sink(&be);
    sf_packet_path_t *pp = sf_packet_path_create(&cfg, &sink, &an);
    FUZZ_CHECK(pp != NULL);

    sf_ts_t ts = {.sec = 1700000000, .nsec = 0, .prec = 6};
    uint64_t frame = 0;
    while (fuzz_left(&in) >= 3) {
        uint8_t flags = fuzz_u8(&in);
        uint32_t caplen = fuzz_u16(&in);
        if (caplen > fuzz_left(&in)) caplen = (uint32_t)fuzz_left(&in);
        /* a private copy of exactly caplen bytes: ASan catches reads past it */
        uint8_t *rec = malloc(caplen ? caplen : 1);
        FUZZ_CHECK(rec != NULL);
        memcpy(rec, in.p + in.pos, caplen);
        in.pos += caplen;

        int64_t ns = (int64_t)ts.nsec + steps_ns[flags >> 5];
        ts.sec += ns / 1000000000LL;
        ts.nsec = (uint32_t)(ns % 1000000000LL);
        sf_packet_t pkt = {
            .file = 0,
            .frame = ++frame,
            .ts = ts,
            .linktype = linktypes[flags & 15],
            .caplen = caplen,
            .len = caplen + ((flags & 0x10) ? 100u : 0u),
            .data = rec,
        };
        sf_packet_path_push(pp, &pkt);
        free(rec);
    }
    sf_packet_path_finish(pp);
    sf_packet_path_stats_t st;
    sf_packet_path_get_stats(pp, &st);
    FUZZ_CHECK(st.packets == frame);
    sf_packet_path_destroy(pp);
    fuzz_backend_finish(&be);
    return 0;
}
