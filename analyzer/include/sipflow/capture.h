/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capture input: one or more pcap/pcapng files (or "-" for stdin, plain or
 * gzip-compressed), merged by timestamp like mergecap, optionally filtered
 * by a BPF expression evaluated per record (so frame numbers stay
 * Wireshark's: every record is counted, filtered or not). */
#ifndef SIPFLOW_CAPTURE_H
#define SIPFLOW_CAPTURE_H

#include "sipflow/anomaly.h"
#include "sipflow/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Link types use the LINKTYPE_ numbering of capture files (tcpdump.org
 * link-layer header types), never the platform's DLT_ values. */
enum {
    SF_LINKTYPE_NULL = 0,
    SF_LINKTYPE_ETHERNET = 1,
    SF_LINKTYPE_PPP = 9,
    SF_LINKTYPE_RAW = 101,
    SF_LINKTYPE_LOOP = 108,
    SF_LINKTYPE_LINUX_SLL = 113,
    SF_LINKTYPE_IPV4 = 228,
    SF_LINKTYPE_IPV6 = 229,
    SF_LINKTYPE_LINUX_SLL2 = 276,
};

/* One capture record. data is valid until the next sf_capture_next() call
 * on the same capture (it may point into libpcap's buffer). */
typedef struct sf_packet {
    uint32_t file;        /* input index, 0-based */
    uint64_t frame;       /* 1-based record number within that file */
    sf_ts_t ts;
    uint32_t linktype;    /* SF_LINKTYPE_* */
    uint32_t caplen;      /* bytes in data */
    uint32_t len;         /* original length on the wire */
    uint32_t iface;       /* pcapng interface id within the file (0 for pcap) */
    const uint8_t *data;
} sf_packet_t;

typedef struct sf_capture_opts {
    const char *bpf;             /* NULL: no filter */
    sf_anomaly_sink_t anomalies; /* truncated files, bad records, ... */
    /* Per input (n_paths entries, NULL: none): added to every timestamp of
     * that input before the merge, for capture points whose clocks
     * disagree (--time-shift). */
    const int64_t *time_shift_ns;
    /* Read classic pcap files with libpcap instead of sipflow's own reader
     * (several times slower; the same records, for comparing: tests do). */
    bool libpcap;
} sf_capture_opts_t;

typedef struct sf_capture sf_capture_t;

/* Opens every path ("-" = stdin, at most once). Returns NULL and writes a
 * message to err when no input can be opened at all or the BPF expression
 * does not compile. Inputs that fail to open while others succeed are
 * reported as SF_ANOM_FILE_UNREADABLE and count in stats.files_failed. */
sf_capture_t *sf_capture_open(const char *const *paths, size_t n_paths,
                              const sf_capture_opts_t *opts, char *err, size_t errlen);

/* Next record (in timestamp order across inputs; ties keep input order)
 * that passes the filter. Returns 1 with *pkt filled, 0 at the end of all
 * inputs. A truncated or corrupt input ends that input (anomaly reported,
 * stats.partial set); the others go on. */
int sf_capture_next(sf_capture_t *cap, sf_packet_t *pkt);

typedef struct sf_capture_stats {
    uint64_t records;      /* every record read, filtered or not */
    uint64_t filtered_out; /* records the BPF filter rejected */
    uint64_t bytes;        /* captured bytes of all records */
    uint32_t files;        /* inputs opened */
    uint32_t files_failed; /* inputs that could not be opened */
    bool partial;          /* some input was truncated or corrupt */
} sf_capture_stats_t;

void sf_capture_get_stats(const sf_capture_t *cap, sf_capture_stats_t *st);

/* Filter warnings found when the filter was compiled, by running it over
 * synthetic SIP packets on port 5060 and on every port named in the filter:
 * IPv4 fragments after the first dropped, fragmented IPv6 dropped,
 * VLAN-tagged SIP dropped. NULL-terminated, owned by cap. Unsupported link
 * types are reported once per input and link type
 * (SF_ANOM_LINKTYPE_UNSUPPORTED); their records are still delivered. */
const char *const *sf_capture_filter_warnings(const sf_capture_t *cap);

/* Name of input i as given to sf_capture_open. */
const char *sf_capture_input_name(const sf_capture_t *cap, uint32_t i);

void sf_capture_close(sf_capture_t *cap);

/* --time-shift FILE=[+-]SECONDS[.frac]: FILE is an input name exactly as
 * given in paths, or its 1-based position ("#2" or "2" when no input has
 * that name). Fills *input (0-based) and *ns. Returns false with a message
 * in err for a missing '=', an unknown input, or a bad or out-of-range
 * (more than 10^9 s) number. */
bool sf_capture_parse_time_shift(const char *arg, const char *const *paths, size_t n_paths,
                                 uint32_t *input, int64_t *ns, char *err, size_t errlen);

/* t moved by ns (negative: earlier), nanoseconds kept in 0..10^9-1. */
sf_ts_t sf_ts_shift(sf_ts_t t, int64_t ns);

/* Human name of a LINKTYPE value ("Ethernet", "Linux cooked v2", ...),
 * or NULL when sipflow does not decode it. */
const char *sf_linktype_name(uint32_t linktype);

#ifdef __cplusplus
}
#endif

#endif
