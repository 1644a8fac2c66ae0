/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capture front end (capture.h): opens every input, merges them by
 * timestamp like mergecap, filters with BPF per record and turns file
 * problems into anomalies.
 *
 * Reader choice per input, made by peeking at the first 4 bytes of a
 * regular file. The own reader (capfile_reader.h) takes classic pcap in
 * its standard forms (both byte orders, microsecond and nanosecond magic),
 * pcapng, gzip-compressed files (magic 1f 8b) and any input that is not a
 * regular file (stdin "-", pipes, /dev/fd/N), whose first bytes cannot be
 * peeked and then read again. libpcap takes the other classic pcap
 * variants it knows (Kuznetzov's patched format, 24-byte record headers)
 * and anything unrecognised (its error message names the problem), and
 * every classic pcap when opts->libpcap asks for it.
 * Why not libpcap for all classic pcap: it reads each record with two
 * fread() calls and copies it into its own buffer; on the 1 GB bench
 * capture that was 0.6 of the packet path's 1.35 s, against about 0.1 s
 * for the own reader, which hands out records in place from large reads
 * (measured: ~3-4.5 M records/s against ~16-28 M records/s). The records
 * are the same (tests/unit/test_capture_readers_agree.c reads every
 * bundled capture both ways). libpcap 1.10 also returns no packets from a
 * pcapng whose interfaces differ in link type or snaplen, hides
 * per-interface link types and if_tsresol, and caps caplen > snaplen
 * silently (capture.c then reads the rest back).
 *
 * Zero-copy merge: each input keeps one pending head record whose data
 * points into that input's reader buffer. The buffer stays valid because an
 * input is only advanced when its head has been consumed: the head handed
 * out by sf_capture_next() is advanced at the start of the next call. */
#include "sipflow/capture.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capfile_reader.h"

/* Snaplen given to pcap_open_dead() for filter compilation: the largest
 * libpcap allows, so no filter is compiled for a shorter capture. */
#define SF_CAPTURE_BPF_SNAPLEN 262144
/* Compiled filters cached per link type. A pcapng file can declare many
 * interfaces; past this many distinct link types the last slot is reused. */
#define SF_CAPTURE_MAX_PROGS 32
/* Link types remembered per input for the "unsupported" report; a hostile
 * pcapng with more distinct link types gets no further reports. */
#define SF_CAPTURE_MAX_SEEN_LT 16

#define SF_CAPTURE_MAX_WARNINGS 3

static const char warn_fragments[] =
    "the filter drops IP fragments after the first (use e.g. 'port 5060 or (ip[6:2] & 0x1fff "
    "!= 0)')";
static const char warn_fragments_v6[] =
    "the filter drops fragmented IPv6 datagrams (use e.g. 'port 5060 or (ip6 and ip6[6] == 44)')";
static const char warn_vlan[] =
    "the filter drops VLAN-tagged SIP (use e.g. 'port 5060 or (vlan and port 5060)', with "
    "'vlan' last: it shifts the offsets of everything after it)";

typedef enum input_kind {
    INPUT_FAILED = 0,
    INPUT_PCAP, /* libpcap */
    INPUT_OWN,  /* capfile_reader */
} input_kind_t;

typedef struct input {
    char *name;
    char *open_error; /* "name: why" it failed to open (INPUT_FAILED) */
    input_kind_t kind;
    pcap_t *pcap;
    sf_capfile_t *own;
    uint32_t linktype; /* INPUT_PCAP: LINKTYPE of the file */
    uint32_t header_lt; /* INPUT_OWN: a classic pcap's LINKTYPE, else UINT32_MAX */
    uint32_t snaplen;  /* INPUT_PCAP: from the file header */
    uint8_t prec;      /* INPUT_PCAP: 6 or 9, from the magic */
    uint64_t pcap_off; /* INPUT_PCAP: file offset after the last record */
    uint8_t rec_hdr;   /* INPUT_PCAP: record header bytes (16; 24 patched) */
    uint8_t *over;     /* INPUT_PCAP: a record longer than the snaplen */
    uint32_t over_cap;
    bool has_head;
    uint32_t head_snaplen;
    sf_packet_t head;
    uint64_t frames; /* records read from this input so far */
    sf_ts_t last_ts;
    int prog; /* index in cap->progs for prog_lt, -1 none */
    uint32_t prog_lt;
    uint32_t seen_lt[SF_CAPTURE_MAX_SEEN_LT];
    uint32_t n_seen_lt;
    int64_t shift_ns; /* --time-shift of this input */
} input_t;

typedef struct bpf_entry {
    uint32_t linktype;
    bool ok; /* false: does not compile for this link type */
    struct bpf_program prog;
} bpf_entry_t;

struct sf_capture {
    input_t *in;
    uint32_t n_in;
    int64_t last; /* input whose head was handed out, -1 none */
    char *bpf;
    bpf_entry_t progs[SF_CAPTURE_MAX_PROGS];
    uint32_t n_progs;
    const char *warnings[SF_CAPTURE_MAX_WARNINGS + 1];
    uint32_t n_warnings;
    sf_anomaly_sink_t sink;
    sf_capture_stats_t st;
};

/* LINKTYPE_ (file) vs DLT_ (libpcap API) values: equal except for a few
 * historical platform-dependent ones (pcap/dlt.h). */
static const struct {
    uint32_t linktype;
    int dlt;
} lt_dlt_map[] = {
    {101, DLT_RAW},  {100, DLT_ATM_RFC1483}, {102, DLT_SLIP_BSDOS}, {103, DLT_PPP_BSDOS},
    {108, DLT_LOOP}, {109, DLT_ENC},         {246, DLT_PFSYNC},
};

static uint32_t dlt_to_linktype(int dlt)
{
    for (size_t i = 0; i < sizeof lt_dlt_map / sizeof lt_dlt_map[0]; i++)
        if (lt_dlt_map[i].dlt == dlt) return lt_dlt_map[i].linktype;
    return (uint32_t)dlt;
}

static int linktype_to_dlt(uint32_t lt)
{
    for (size_t i = 0; i < sizeof lt_dlt_map / sizeof lt_dlt_map[0]; i++)
        if (lt_dlt_map[i].linktype == lt) return lt_dlt_map[i].dlt;
    return (int)lt;
}

static const char *linktype_pcap_name(uint32_t lt)
{
    const char *n = pcap_datalink_val_to_name(linktype_to_dlt(lt));
    return n ? n : "unknown";
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

/* Every capture anomaly reason is a message plus a suffix; one literal
 * format keeps -Wformat=2 happy. */
static void emit(sf_capture_t *cap, uint32_t file, uint64_t frame, sf_ts_t ts,
                 sf_anomaly_kind_t kind, const char *msg, const char *suffix)
{
    sf_anomaly_emit(&cap->sink, file, frame, ts, kind, "%s%s", msg, suffix);
}

/* ---- filter compilation and warnings ---------------------------------- */

/* Synthetic test packets for the filter warnings. */
typedef enum synth_kind {
    SYNTH_V4_PLAIN,      /* IPv4 UDP 5060 -> 5060, not fragmented */
    SYNTH_V4_FIRST_FRAG, /* IPv4 first fragment (MF, offset 0) with the UDP header */
    SYNTH_V4_LATER_FRAG, /* IPv4 last fragment (offset 185): no UDP header */
    SYNTH_V6_PLAIN,      /* IPv6 UDP 5060 -> 5060 */
    SYNTH_V6_FIRST_FRAG, /* IPv6 + fragment header (RFC 8200 4.5) + UDP header */
} synth_kind_t;

/* Writes a link header for lt carrying IPv4 or IPv6 (with one 802.1Q tag
 * on Ethernet when vlan). Returns its length, or -1 when no test frame can
 * be built for that link type and IP version. */
static int synth_link_header(uint32_t lt, bool vlan, bool v6, uint8_t *h)
{
    uint8_t et0 = v6 ? 0x86 : 0x08, et1 = v6 ? 0xdd : 0x00;
    switch (lt) {
    case SF_LINKTYPE_ETHERNET: {
        memset(h, 0x02, 12);
        uint32_t o = 12;
        if (vlan) {
            memcpy(h + o, "\x81\x00\x00\x64", 4);
            o += 4;
        }
        h[o] = et0;
        h[o + 1] = et1;
        return (int)o + 2;
    }
    case SF_LINKTYPE_LINUX_SLL:
        memset(h, 0, 16);
        h[3] = 1; /* ARPHRD_ETHER */
        h[5] = 6; /* address length */
        h[14] = et0;
        h[15] = et1;
        return 16;
    case SF_LINKTYPE_LINUX_SLL2:
        memset(h, 0, 20);
        h[0] = et0; /* protocol */
        h[1] = et1;
        h[7] = 1; /* interface index */
        h[9] = 1; /* ARPHRD_ETHER */
        h[11] = 6;
        return 20;
    case SF_LINKTYPE_RAW:
        return 0;
    case SF_LINKTYPE_IPV4:
        return v6 ? -1 : 0;
    case SF_LINKTYPE_IPV6:
        return v6 ? 0 : -1;
    case SF_LINKTYPE_NULL: {
        /* AF_INET / BSD AF_INET6 in the byte order of the host running the
         * filter, which is what libpcap's code for a dead handle expects. */
        uint32_t af = v6 ? 24 : 2;
        memcpy(h, &af, 4);
        return 4;
    }
    case SF_LINKTYPE_LOOP:
        memcpy(h, v6 ? "\x00\x00\x00\x18" : "\x00\x00\x00\x02", 4);
        return 4;
    case SF_LINKTYPE_PPP:
        memcpy(h, v6 ? "\xff\x03\x00\x57" : "\xff\x03\x00\x21", 4);
        return 4;
    default:
        return -1;
    }
}

static const char synth_sip[] = "INVITE sip:bob@192.0.2.2 SIP/2.0\r\n";
#define SYNTH_SIP_LEN ((uint32_t)sizeof synth_sip - 1)

static uint32_t synth_udp(uint8_t *p, uint16_t port, uint32_t udp_len)
{
    uint8_t hi = (uint8_t)(port >> 8), lo = (uint8_t)port;
    uint8_t udp[8] = {hi, lo, hi, lo, (uint8_t)(udp_len >> 8), (uint8_t)udp_len, 0, 0};
    memcpy(p, udp, 8);
    return 8;
}

/* Writes the IP packet (192.0.2.1 -> .2 / 2001:db8::1 -> ::2) after the
 * link header. */
static uint32_t synth_ip(uint8_t *p, synth_kind_t k, uint16_t port)
{
    uint32_t n;
    bool fragmented = k == SYNTH_V4_FIRST_FRAG || k == SYNTH_V6_FIRST_FRAG;
    /* A fragmented datagram is longer than this first piece. */
    uint32_t udp_len = 8 + SYNTH_SIP_LEN + (fragmented ? 1400 : 0);
    if (k == SYNTH_V6_PLAIN || k == SYNTH_V6_FIRST_FRAG) {
        uint32_t payload = (fragmented ? 8 : 0) + 8 + SYNTH_SIP_LEN;
        memset(p, 0, 40);
        p[0] = 0x60;
        p[4] = (uint8_t)(payload >> 8);
        p[5] = (uint8_t)payload;
        p[6] = fragmented ? 44 : 17;
        p[7] = 64;
        memcpy(p + 8, "\x20\x01\x0d\xb8", 4);
        p[23] = 1;
        memcpy(p + 24, "\x20\x01\x0d\xb8", 4);
        p[39] = 2;
        n = 40;
        if (fragmented) {
            /* next header UDP, offset 0, M flag, identification */
            memcpy(p + n, "\x11\x00\x00\x01\x00\x00\x12\x34", 8);
            n += 8;
        }
        n += synth_udp(p + n, port, udp_len);
    } else {
        bool later = k == SYNTH_V4_LATER_FRAG;
        uint32_t total = 20 + (later ? 0 : 8) + SYNTH_SIP_LEN;
        uint16_t ff = k == SYNTH_V4_FIRST_FRAG ? 0x2000 : later ? 185 : 0;
        uint8_t ip[20] = {0x45,
                          0,
                          (uint8_t)(total >> 8),
                          (uint8_t)total,
                          0x12,
                          0x34,
                          (uint8_t)(ff >> 8),
                          (uint8_t)ff,
                          64,
                          17,
                          0,
                          0,
                          192,
                          0,
                          2,
                          1,
                          192,
                          0,
                          2,
                          2};
        memcpy(p, ip, 20);
        n = 20;
        if (!later) n += synth_udp(p + n, port, udp_len);
    }
    memcpy(p + n, synth_sip, SYNTH_SIP_LEN);
    return n + SYNTH_SIP_LEN;
}

/* 1: the filter accepts the synthetic packet, 0: rejects, -1: no such
 * packet for this link type. */
static int synth_accepts(const struct bpf_program *prog, uint32_t lt, bool vlan, synth_kind_t k,
                         uint16_t port)
{
    uint8_t frame[160];
    bool v6 = k == SYNTH_V6_PLAIN || k == SYNTH_V6_FIRST_FRAG;
    int hl = synth_link_header(lt, vlan, v6, frame);
    if (hl < 0) return -1;
    uint32_t n = (uint32_t)hl + synth_ip(frame + hl, k, port);
    struct pcap_pkthdr h = {.caplen = n, .len = n};
    return pcap_offline_filter(prog, &h, frame) != 0;
}

static void add_warning(sf_capture_t *cap, const char *w)
{
    for (uint32_t i = 0; i < cap->n_warnings; i++)
        if (cap->warnings[i] == w) return;
    if (cap->n_warnings < SF_CAPTURE_MAX_WARNINGS) cap->warnings[cap->n_warnings++] = w;
}

/* Ports to try the synthetic packets on: 5060 and every number in the
 * filter text that could be a port (not part of an address such as
 * 192.0.2.1 or 2001:db8::1), so 'udp port 5080' is checked too. */
#define SF_CAPTURE_MAX_PROBE_PORTS 8
static uint32_t probe_ports(const char *bpf, uint16_t *ports)
{
    uint32_t n = 0;
    ports[n++] = 5060;
    for (const char *q = bpf; *q && n < SF_CAPTURE_MAX_PROBE_PORTS;) {
        if (*q < '0' || *q > '9') {
            q++;
            continue;
        }
        const char *start = q;
        uint32_t v = 0;
        while (*q >= '0' && *q <= '9') {
            if (v <= 65535) v = v * 10 + (uint32_t)(*q - '0');
            q++;
        }
        bool before = start > bpf && (start[-1] == '.' || start[-1] == ':' ||
                                      (start[-1] >= 'a' && start[-1] <= 'z') ||
                                      (start[-1] >= 'A' && start[-1] <= 'Z'));
        bool after = *q == '.' || *q == ':' || (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z');
        if (before || after || v == 0 || v > 65535) continue;
        bool dup = false;
        for (uint32_t i = 0; i < n; i++)
            dup |= ports[i] == v;
        if (!dup) ports[n++] = (uint16_t)v;
    }
    return n;
}

/* Runs the compiled filter on synthetic SIP packets to spot the classic
 * mistakes: 'port 5060' cannot match a non-first IPv4 fragment (it carries
 * no UDP header, RFC 791), 'udp port 5060' does not walk an IPv6 fragment
 * header (RFC 8200 4.5), and on Ethernet it does not look past an 802.1Q
 * tag. A warning needs the unfragmented/untagged packet accepted, so
 * filters that do not select SIP stay quiet. */
static void check_filter(sf_capture_t *cap, const struct bpf_program *prog, uint32_t lt)
{
    uint16_t ports[SF_CAPTURE_MAX_PROBE_PORTS];
    uint32_t n = probe_ports(cap->bpf, ports);
    for (uint32_t i = 0; i < n; i++) {
        uint16_t port = ports[i];
        if (synth_accepts(prog, lt, false, SYNTH_V4_FIRST_FRAG, port) == 1 &&
            synth_accepts(prog, lt, false, SYNTH_V4_LATER_FRAG, port) == 0)
            add_warning(cap, warn_fragments);
        if (synth_accepts(prog, lt, false, SYNTH_V6_PLAIN, port) == 1 &&
            synth_accepts(prog, lt, false, SYNTH_V6_FIRST_FRAG, port) == 0)
            add_warning(cap, warn_fragments_v6);
        if (lt == SF_LINKTYPE_ETHERNET &&
            synth_accepts(prog, lt, false, SYNTH_V4_PLAIN, port) == 1 &&
            synth_accepts(prog, lt, true, SYNTH_V4_PLAIN, port) == 0)
            add_warning(cap, warn_vlan);
    }
}

/* Compiles the filter for link type lt. Returns the cache index, or -1 on
 * failure with pcap's message in err. */
static int compile_for(sf_capture_t *cap, uint32_t lt, char *err, size_t errlen)
{
    for (uint32_t i = 0; i < cap->n_progs; i++)
        if (cap->progs[i].linktype == lt) return (int)i;
    uint32_t slot = cap->n_progs;
    if (slot == SF_CAPTURE_MAX_PROGS) {
        slot = SF_CAPTURE_MAX_PROGS - 1;
        if (cap->progs[slot].ok) pcap_freecode(&cap->progs[slot].prog);
        /* Inputs caching this slot must look it up again. */
        for (uint32_t i = 0; i < cap->n_in; i++)
            cap->in[i].prog = -1;
    } else {
        cap->n_progs++;
    }
    bpf_entry_t *e = &cap->progs[slot];
    memset(e, 0, sizeof *e);
    e->linktype = lt;
    pcap_t *dead = pcap_open_dead(linktype_to_dlt(lt), SF_CAPTURE_BPF_SNAPLEN);
    if (!dead) {
        snprintf(err, errlen, "cannot compile the filter: out of memory");
        return -1;
    }
    if (pcap_compile(dead, &e->prog, cap->bpf, 1, PCAP_NETMASK_UNKNOWN) != 0) {
        snprintf(err, errlen, "invalid filter '%s' for link type %s: %s", cap->bpf,
                 linktype_pcap_name(lt), pcap_geterr(dead));
        pcap_close(dead);
        return -1;
    }
    pcap_close(dead);
    e->ok = true;
    check_filter(cap, &e->prog, lt);
    return (int)slot;
}

/* Filter program for a record of link type lt read from in; NULL when the
 * filter cannot apply to that link type (its records are filtered out). */
static const bpf_entry_t *prog_for(sf_capture_t *cap, input_t *in, uint32_t lt)
{
    if (in->prog >= 0 && in->prog_lt == lt) return &cap->progs[in->prog];
    int idx = -1;
    for (uint32_t i = 0; i < cap->n_progs; i++)
        if (cap->progs[i].linktype == lt) idx = (int)i;
    if (idx < 0) {
        /* A link type first seen mid-file (pcapng interface): compile now;
         * a failure cannot fail sf_capture_open any more, so it becomes an
         * anomaly and the records of that link type are filtered out. */
        char err[PCAP_ERRBUF_SIZE + 256];
        idx = compile_for(cap, lt, err, sizeof err);
        if (idx < 0) {
            emit(cap, (uint32_t)(in - cap->in), in->head.frame, in->head.ts,
                 SF_ANOM_LINKTYPE_UNSUPPORTED, err, "; its records are filtered out");
            for (uint32_t i = 0; i < cap->n_progs; i++)
                if (cap->progs[i].linktype == lt) idx = (int)i;
            if (idx < 0) return NULL;
        }
    }
    in->prog = idx;
    in->prog_lt = lt;
    return &cap->progs[idx];
}

/* ---- inputs ----------------------------------------------------------- */

/* libpcap cuts a record whose caplen exceeds the file's snaplen down to
 * the snaplen and skips the rest silently (so it looks like an ordinary
 * snaplen cut). The file position tells the caplen the record really has:
 * those bytes are read back here, so the record is used whole and reported
 * as record-invalid (docs/anomalies.md: "the bytes present are used";
 * issue 6, tests/hostile case caplen-invalid). Only records cut exactly at
 * the snaplen pay for the ftell(). */
static void pcap_read_over_snaplen(input_t *in, uint32_t caplen)
{
    uint64_t expect = in->pcap_off + in->rec_hdr + caplen;
    FILE *fp = in->snaplen && caplen >= in->snaplen ? pcap_file(in->pcap) : NULL;
    long pos = fp ? ftell(fp) : -1;
    if (pos < 0 || (uint64_t)pos <= expect) {
        in->pcap_off = expect;
        return;
    }
    in->pcap_off = (uint64_t)pos;
    uint64_t real = (uint64_t)pos - (expect - caplen);
    if (real > SF_CAPTURE_BPF_SNAPLEN) return; /* libpcap refuses these anyway */
    if (real > in->over_cap) {
        uint8_t *nb = realloc(in->over, (size_t)real);
        if (!nb) return;
        in->over = nb;
        in->over_cap = (uint32_t)real;
    }
    if (fseek(fp, pos - (long)real, SEEK_SET) == 0 && fread(in->over, 1, real, fp) == real) {
        in->head.caplen = (uint32_t)real;
        in->head.data = in->over;
    }
    fseek(fp, pos, SEEK_SET); /* libpcap reads on from here */
}

/* Reads the input's next record into its head slot. */
static void advance(sf_capture_t *cap, input_t *in)
{
    uint32_t idx = (uint32_t)(in - cap->in);
    in->has_head = false;
    if (in->kind == INPUT_PCAP) {
        struct pcap_pkthdr *h;
        const u_char *data;
        int r = pcap_next_ex(in->pcap, &h, &data);
        if (r == 1) {
            /* Opened with nanosecond precision: tv_usec holds nanoseconds. */
            /* the file holds unsigned 32-bit seconds, which libpcap keeps in
             * a signed 32-bit field: undo its sign extension (times after
             * 2038, and files with bogus clocks) */
            int64_t sec = (int64_t)(uint32_t)h->ts.tv_sec;
            uint64_t ns = (uint64_t)(uint32_t)h->ts.tv_usec;
            if (ns >= 1000000000u) { /* only a bogus file has it: no division per record */
                sec += (int64_t)(ns / 1000000000u);
                ns %= 1000000000u;
            }
            in->head.ts = (sf_ts_t){sec, (uint32_t)ns, in->prec};
            in->head.linktype = in->linktype;
            in->head.caplen = h->caplen;
            in->head.len = h->len;
            in->head.iface = 0;
            in->head.data = data;
            pcap_read_over_snaplen(in, h->caplen);
            in->head_snaplen = in->snaplen;
        } else if (r == PCAP_ERROR_BREAK || r == 0) {
            return; /* -2: clean end of file */
        } else {
            const char *msg = pcap_geterr(in->pcap);
            bool trunc = strstr(msg, "truncated") != NULL;
            cap->st.partial = true;
            emit(cap, idx, in->frames + 1, in->last_ts,
                 trunc ? SF_ANOM_FILE_TRUNCATED : SF_ANOM_FILE_CORRUPT, msg,
                 "; rest of the file ignored");
            return;
        }
    } else if (in->kind == INPUT_OWN) {
        sf_capfile_record_t rec;
        const char *why = NULL;
        sf_capfile_status_t st = sf_capfile_next(in->own, &rec, &why);
        if (st == SF_CAPFILE_END) return;
        if (st != SF_CAPFILE_RECORD) {
            cap->st.partial = true;
            emit(cap, idx, in->frames + 1, in->last_ts,
                 st == SF_CAPFILE_TRUNCATED ? SF_ANOM_FILE_TRUNCATED : SF_ANOM_FILE_CORRUPT,
                 why ? why : (st == SF_CAPFILE_TRUNCATED ? "file truncated" : "file corrupt"),
                 "; rest of the file ignored");
            return;
        }
        in->head.ts = rec.ts;
        in->head.linktype = rec.linktype;
        in->head.caplen = rec.caplen;
        in->head.len = rec.len;
        in->head.iface = rec.iface;
        in->head.data = rec.data;
        in->head_snaplen = rec.snaplen;
    } else {
        return;
    }
    if (in->shift_ns) in->head.ts = sf_ts_shift(in->head.ts, in->shift_ns);
    in->frames++;
    in->head.file = idx;
    in->head.frame = in->frames;
    in->last_ts = in->head.ts;
    in->has_head = true;
}

/* Peeks at the first bytes of a regular file to pick the reader (see the
 * top of this file). Returns true for the own reader; *prec and *rec_hdr
 * get what libpcap needs to know of a classic pcap, *pcap_lt its link type
 * (from the file header, so filters compile and unsupported link types
 * are reported before the first record, whichever reader reads it;
 * UINT32_MAX when not a classic pcap or cut short). */
static bool wants_own_reader(const char *path, bool libpcap, uint8_t *prec, uint8_t *rec_hdr,
                             uint32_t *pcap_lt)
{
    *prec = 6;
    *rec_hdr = 16;
    *pcap_lt = UINT32_MAX;
    if (strcmp(path, "-") == 0) return true;
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) return true;
    FILE *f = fopen(path, "rb");
    if (!f) return false; /* libpcap reports the error */
    uint8_t m[24] = {0}; /* a classic pcap file header */
    size_t n = fread(m, 1, sizeof m, f);
    fclose(f);
    if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b) return true; /* gzip, RFC 1952 */
    if (n >= 4 && m[0] == 0x0a && m[1] == 0x0d && m[2] == 0x0d && m[3] == 0x0a)
        return true; /* pcapng section header block */
    if (n < 4) return false;
    uint32_t be = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
    uint32_t le = (uint32_t)m[3] << 24 | (uint32_t)m[2] << 16 | (uint32_t)m[1] << 8 | m[0];
    bool usec = be == 0xa1b2c3d4 || le == 0xa1b2c3d4;
    bool nsec = be == 0xa1b23c4d || le == 0xa1b23c4d;
    bool patched = be == 0xa1b2cd34 || le == 0xa1b2cd34;
    if (nsec) *prec = 9;
    if (patched) *rec_hdr = 24; /* Kuznetzov's patched pcap: longer record headers */
    if (n == sizeof m && (usec || nsec || patched)) {
        /* draft-ietf-opsawg-pcap 4: the low 16 bits of the LinkType field */
        bool big = be == 0xa1b2c3d4 || be == 0xa1b23c4d || be == 0xa1b2cd34;
        *pcap_lt = big ? (uint32_t)m[22] << 8 | m[23] : (uint32_t)m[21] << 8 | m[20];
    }
    return (usec || nsec) && !libpcap;
}

/* Stores "name: msg"; the readers' messages sometimes name the file
 * already. */
static void set_open_error(input_t *in, const char *msg)
{
    size_t nl = strlen(in->name);
    if (strncmp(msg, in->name, nl) == 0 && msg[nl] == ':') {
        in->open_error = dup_str(msg);
        return;
    }
    size_t n = nl + strlen(msg) + 3;
    in->open_error = malloc(n);
    if (in->open_error) snprintf(in->open_error, n, "%s: %s", in->name, msg);
}

static void open_input(input_t *in, bool libpcap, bool *stdin_used)
{
    char err[PCAP_ERRBUF_SIZE + 64];
    err[0] = '\0';
    in->prog = -1;
    if (strcmp(in->name, "-") == 0) {
        if (*stdin_used) {
            set_open_error(in, "standard input given more than once");
            return;
        }
        *stdin_used = true;
    }
    uint8_t prec, rec_hdr;
    uint32_t pcap_lt;
    if (wants_own_reader(in->name, libpcap, &prec, &rec_hdr, &pcap_lt)) {
        in->own = sf_capfile_open(in->name, err, sizeof err);
        if (in->own) {
            in->kind = INPUT_OWN;
            in->header_lt = pcap_lt;
            return;
        }
    } else {
        /* libpcap reads each record with fread: a 1 MiB stdio buffer
         * instead of the default 4 KiB turns a read(2) per few records into
         * one per thousands (measured: the read path was a quarter of the
         * packet path's time). libpcap owns the FILE from here on. */
        FILE *f = fopen(in->name, "rb");
        if (f) {
            setvbuf(f, NULL, _IOFBF, 1u << 20);
            in->pcap = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, err);
            if (!in->pcap) fclose(f);
        } else {
            snprintf(err, sizeof err, "%s: %s", in->name, strerror(errno));
        }
        if (in->pcap) {
            in->kind = INPUT_PCAP;
            in->prec = prec;
            in->linktype = dlt_to_linktype(pcap_datalink(in->pcap));
            int snap = pcap_snapshot(in->pcap);
            in->snaplen = snap > 0 ? (uint32_t)snap : 0;
            in->pcap_off = 24; /* the pcap file header */
            in->rec_hdr = rec_hdr;
            return;
        }
    }
    set_open_error(in, err[0] ? err : "cannot open");
}

/* Remembers that input in has delivered link type lt; reports it once when
 * sipflow cannot decode it. */
static void note_linktype(sf_capture_t *cap, input_t *in, uint32_t lt, uint64_t frame, sf_ts_t ts)
{
    for (uint32_t i = 0; i < in->n_seen_lt; i++)
        if (in->seen_lt[i] == lt) return;
    if (in->n_seen_lt == SF_CAPTURE_MAX_SEEN_LT) return;
    in->seen_lt[in->n_seen_lt++] = lt;
    if (sf_linktype_name(lt)) return;
    char msg[128];
    snprintf(msg, sizeof msg, "link type %u (%s) is not decoded", lt, linktype_pcap_name(lt));
    emit(cap, (uint32_t)(in - cap->in), frame, ts, SF_ANOM_LINKTYPE_UNSUPPORTED, msg,
         "; its records are counted but not analysed");
}

/* The link type a classic pcap input declares in its file header. */
static uint32_t header_linktype(const input_t *in)
{
    return in->kind == INPUT_PCAP ? in->linktype : in->kind == INPUT_OWN ? in->header_lt : UINT32_MAX;
}

sf_capture_t *sf_capture_open(const char *const *paths, size_t n_paths,
                              const sf_capture_opts_t *opts, char *err, size_t errlen)
{
    if (errlen) err[0] = '\0';
    if (n_paths == 0 || n_paths > UINT32_MAX) {
        snprintf(err, errlen, "no input given");
        return NULL;
    }
    sf_capture_t *cap = calloc(1, sizeof *cap);
    if (!cap) goto oom;
    cap->last = -1;
    cap->in = calloc(n_paths, sizeof *cap->in);
    if (!cap->in) goto oom;
    cap->n_in = (uint32_t)n_paths;
    if (opts) cap->sink = opts->anomalies;
    if (opts && opts->bpf && opts->bpf[0]) {
        cap->bpf = dup_str(opts->bpf);
        if (!cap->bpf) goto oom;
    }

    bool stdin_used = false;
    for (uint32_t i = 0; i < cap->n_in; i++) {
        input_t *in = &cap->in[i];
        in->name = dup_str(paths[i] ? paths[i] : "");
        if (!in->name) goto oom;
        if (opts && opts->time_shift_ns) in->shift_ns = opts->time_shift_ns[i];
        open_input(in, opts && opts->libpcap, &stdin_used);
        if (in->kind == INPUT_FAILED) {
            if (!in->open_error) goto oom;
            cap->st.files_failed++;
        } else {
            cap->st.files++;
        }
    }
    if (cap->st.files == 0) {
        snprintf(err, errlen, "cannot open any input: %s", cap->in[0].open_error);
        sf_capture_close(cap);
        return NULL;
    }

    /* A filter that does not compile is an error before any record is
     * read. Classic pcap inputs know their link type now; pcapng and
     * compressed ones only from their first record, so check the syntax
     * on Ethernet. */
    if (cap->bpf) {
        bool any = false;
        for (uint32_t i = 0; i < cap->n_in; i++) {
            uint32_t lt = header_linktype(&cap->in[i]);
            if (lt == UINT32_MAX) continue;
            any = true;
            if (compile_for(cap, lt, err, errlen) < 0) goto fail;
        }
        if (!any && compile_for(cap, SF_LINKTYPE_ETHERNET, err, errlen) < 0) goto fail;
    }

    for (uint32_t i = 0; i < cap->n_in; i++) {
        input_t *in = &cap->in[i];
        uint32_t lt = header_linktype(in);
        if (in->kind == INPUT_FAILED)
            emit(cap, i, 0, (sf_ts_t){0, 0, 0}, SF_ANOM_FILE_UNREADABLE, in->open_error, "");
        else if (lt != UINT32_MAX)
            note_linktype(cap, in, lt, 0, (sf_ts_t){0, 0, 0});
    }
    for (uint32_t i = 0; i < cap->n_in; i++) {
        input_t *in = &cap->in[i];
        advance(cap, in);
        if (cap->bpf && in->kind == INPUT_OWN && in->has_head &&
            compile_for(cap, in->head.linktype, err, errlen) < 0)
            goto fail;
    }
    cap->warnings[cap->n_warnings] = NULL;
    return cap;

oom:
    snprintf(err, errlen, "out of memory");
fail:
    sf_capture_close(cap);
    return NULL;
}

static inline bool ts_before(sf_ts_t a, sf_ts_t b)
{
    return a.sec < b.sec || (a.sec == b.sec && a.nsec < b.nsec);
}

int sf_capture_next(sf_capture_t *cap, sf_packet_t *pkt)
{
    if (cap->last >= 0) {
        advance(cap, &cap->in[cap->last]);
        cap->last = -1;
    }
    /* Each iteration consumes one record, so the loop ends with the input. */
    for (;;) {
        input_t *best = NULL;
        if (cap->n_in == 1) /* one input: nothing to merge */
            best = cap->in[0].has_head ? &cap->in[0] : NULL;
        else
            for (uint32_t i = 0; i < cap->n_in; i++) {
                input_t *in = &cap->in[i];
                /* Strictly earlier wins: ties keep input order, like mergecap. */
                if (in->has_head && (!best || ts_before(in->head.ts, best->head.ts))) best = in;
            }
        if (!best) return 0;
        sf_packet_t *h = &best->head;
        cap->st.records++;
        cap->st.bytes += h->caplen;
        if (best->kind == INPUT_OWN && (best->n_seen_lt == 0 || best->seen_lt[0] != h->linktype))
            note_linktype(cap, best, h->linktype, h->frame, h->ts);
        if (h->caplen > h->len || (best->head_snaplen && h->caplen > best->head_snaplen)) {
            char why[96];
            if (h->caplen > h->len)
                snprintf(why, sizeof why, "captured length %u > original length %u", h->caplen,
                         h->len);
            else
                snprintf(why, sizeof why, "captured length %u > snaplen %u", h->caplen,
                         best->head_snaplen);
            emit(cap, h->file, h->frame, h->ts, SF_ANOM_RECORD_INVALID, why, "");
        }
        if (cap->bpf) {
            const bpf_entry_t *e = prog_for(cap, best, h->linktype);
            struct pcap_pkthdr ph = {.caplen = h->caplen, .len = h->len};
            if (!e || !e->ok || pcap_offline_filter(&e->prog, &ph, h->data) == 0) {
                cap->st.filtered_out++;
                advance(cap, best);
                continue;
            }
        }
        *pkt = *h;
        cap->last = best - cap->in;
        return 1;
    }
}

void sf_capture_get_stats(const sf_capture_t *cap, sf_capture_stats_t *st)
{
    *st = cap->st;
}

const char *const *sf_capture_filter_warnings(const sf_capture_t *cap)
{
    return cap->warnings;
}

const char *sf_capture_input_name(const sf_capture_t *cap, uint32_t i)
{
    return i < cap->n_in ? cap->in[i].name : NULL;
}

void sf_capture_close(sf_capture_t *cap)
{
    if (!cap) return;
    for (uint32_t i = 0; cap->in && i < cap->n_in; i++) {
        input_t *in = &cap->in[i];
        if (in->pcap) pcap_close(in->pcap);
        if (in->own) sf_capfile_close(in->own);
        free(in->over);
        free(in->name);
        free(in->open_error);
    }
    for (uint32_t i = 0; i < cap->n_progs; i++)
        if (cap->progs[i].ok) pcap_freecode(&cap->progs[i].prog);
    free(cap->in);
    free(cap->bpf);
    free(cap);
}
