/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sipflow extract: writes every packet of the chosen calls (every IP
 * fragment and TCP segment their messages were built from) to a new
 * capture, e.g. to send one call to a vendor.
 *
 * Pass 1 runs the engine and collects the (input, frame) pairs of the
 * chosen calls (sf_call_t.frames). Pass 2 reads the inputs again, without
 * the filter since frame numbers count every record, and copies those
 * records into an unlinked temporary file; then the capture is written:
 * classic pcap when all records share one link type (nanosecond pcap when
 * an input has more than microsecond precision), pcapng (one interface per
 * link type) otherwise, with --format pcapng, or when the output name ends
 * in ".pcapng". Several
 * inputs are merged by time as sipflow reads them.
 *
 * Calls over a stream transport (TCP, WebSocket, SCTP) also get every
 * record of their connections (extract_conns.h): the handshakes, the
 * WebSocket Upgrade and control frames, so that the capture decodes again. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "call_select.h"
#include "cli.h"
#include "extract_conns.h"
#include "sipflow/capture.h"

#define MAX_LINKTYPES 16

typedef struct {
    uint32_t file;
    uint64_t frame;
} frame_ref_t;

typedef struct {
    char **calls;              /* --call values */
    gboolean failed;           /* --failed */
    char *write;               /* -w */
    GArray *frames;            /* frame_ref_t of the chosen calls */
    sf_extract_conns_t *conns; /* their stream connections */
    uint64_t matched, frames_omitted;
    bool done; /* the capture was written */
    bool failed_write;
} extract_state_t;

/* One record in the temporary file: this header, then caplen bytes. */
typedef struct {
    int64_t sec;
    uint32_t nsec;
    uint32_t linktype;
    uint32_t caplen;
    uint32_t len;
} rec_hdr_t;

static bool call_chosen(const extract_state_t *st, const sf_call_t *c)
{
    if (st->failed && !sf_outcome_failed(c->outcome)) return false;
    if (!sf_call_select_any(st->calls)) return st->failed;
    return sf_call_select_call(st->calls, c);
}

static void on_call(sf_cli_t *cli, sf_call_t *c)
{
    extract_state_t *st = cli->cmd;
    bool chosen = call_chosen(st, c);
    sf_extract_conns_call_done(st->conns, c->number, chosen);
    if (!chosen) return;
    st->matched++;
    st->frames_omitted += c->frames_omitted;
    for (uint32_t i = 0; i < c->n_frames; i++) {
        frame_ref_t r = {c->frame_files ? c->frame_files[i] : 0, c->frames[i]};
        g_array_append_val(st->frames, r);
    }
}

static void on_message(sf_cli_t *cli, const sf_msg_info_t *info)
{
    extract_state_t *st = cli->cmd;
    sf_extract_conns_on_message(st->conns, info);
}

static int ref_cmp(const void *a, const void *b)
{
    const frame_ref_t *x = a, *y = b;
    if (x->file != y->file) return x->file < y->file ? -1 : 1;
    return x->frame < y->frame ? -1 : x->frame > y->frame;
}

static bool wanted(const GArray *frames, uint32_t file, uint64_t frame)
{
    frame_ref_t key = {file, frame};
    return bsearch(&key, frames->data, frames->len, sizeof key, ref_cmp) != NULL;
}

static void put32(FILE *f, uint32_t v)
{
    fwrite(&v, sizeof v, 1, f);
}

static void put16(FILE *f, uint16_t v)
{
    fwrite(&v, sizeof v, 1, f);
}

static const char zeros[4];

/* pcap (host byte order; the magic tells readers which). */
static void pcap_header(FILE *f, bool nano, uint32_t linktype)
{
    put32(f, nano ? 0xa1b23c4du : 0xa1b2c3d4u);
    put16(f, 2);
    put16(f, 4);
    put32(f, 0);      /* thiszone */
    put32(f, 0);      /* sigfigs */
    put32(f, 262144); /* snaplen */
    put32(f, linktype);
}

static void pcap_record(FILE *f, bool nano, const rec_hdr_t *h, const uint8_t *data)
{
    put32(f, (uint32_t)h->sec);
    put32(f, nano ? h->nsec : h->nsec / 1000);
    put32(f, h->caplen);
    put32(f, h->len);
    fwrite(data, 1, h->caplen, f);
}

/* pcapng: Section Header, one Interface Description per link type with
 * if_tsresol = 9 (nanoseconds), Enhanced Packet Blocks. */
static void pcapng_header(FILE *f, const uint32_t *linktypes, unsigned n)
{
    put32(f, 0x0A0D0D0Au);
    put32(f, 28);
    put32(f, 0x1A2B3C4Du);
    put16(f, 1);
    put16(f, 0);
    put32(f, 0xFFFFFFFFu); /* section length unknown */
    put32(f, 0xFFFFFFFFu);
    put32(f, 28);
    for (unsigned i = 0; i < n; i++) {
        put32(f, 1);
        put32(f, 32);
        put16(f, (uint16_t)linktypes[i]);
        put16(f, 0);
        put32(f, 0); /* snaplen: no limit */
        put16(f, 9); /* if_tsresol */
        put16(f, 1);
        fputc(9, f);
        fwrite(zeros, 1, 3, f);
        put32(f, 0); /* opt_endofopt */
        put32(f, 32);
    }
}

static void pcapng_record(FILE *f, uint32_t iface, const rec_hdr_t *h, const uint8_t *data)
{
    uint32_t pad = (4 - h->caplen % 4) % 4;
    uint32_t total = 32 + h->caplen + pad;
    uint64_t ts = (uint64_t)h->sec * 1000000000u + h->nsec;
    put32(f, 6);
    put32(f, total);
    put32(f, iface);
    put32(f, (uint32_t)(ts >> 32));
    put32(f, (uint32_t)ts);
    put32(f, h->caplen);
    put32(f, h->len);
    fwrite(data, 1, h->caplen, f);
    fwrite(zeros, 1, pad, f);
    put32(f, total);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && g_ascii_strcasecmp(s + n - m, suffix) == 0;
}

static FILE *temp_file(void)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir) dir = "/tmp";
    char *path = g_strdup_printf("%s/sipflow-extract-XXXXXX", dir);
    int fd = mkstemp(path);
    FILE *f = NULL;
    if (fd >= 0) {
        unlink(path);
        f = fdopen(fd, "w+");
        if (!f) close(fd);
    }
    g_free(path);
    return f;
}

/* Pass 2 and the output. Returns 0 or -1 (message printed). */
static int write_capture(sf_cli_t *cli, extract_state_t *st)
{
    g_array_sort(st->frames, ref_cmp);
    char err[512] = "";
    sf_capture_opts_t copts = {.bpf = NULL};
    sf_capture_t *cap = sf_capture_open((const char *const *)cli->inputs,
                                        g_strv_length(cli->inputs), &copts, err, sizeof err);
    FILE *tmp = cap ? temp_file() : NULL;
    if (!cap || !tmp) {
        fprintf(stderr, "sipflow extract: %s\n", !cap ? err : "cannot create a temporary file");
        if (cap) sf_capture_close(cap);
        return -1;
    }
    uint32_t linktypes[MAX_LINKTYPES];
    unsigned n_lt = 0;
    bool nano = false, lt_overflow = false;
    uint64_t written = 0;
    sf_packet_t pkt;
    while (sf_capture_next(cap, &pkt) == 1) {
        /* every record goes through the decoder (IP fragments) */
        bool conn = sf_extract_conns_match(st->conns, &pkt);
        if (!conn && !wanted(st->frames, pkt.file, pkt.frame)) continue;
        rec_hdr_t h = {pkt.ts.sec, pkt.ts.nsec, pkt.linktype, pkt.caplen, pkt.len};
        if (pkt.ts.prec > 6) nano = true;
        unsigned k;
        for (k = 0; k < n_lt && linktypes[k] != pkt.linktype; k++) {
        }
        if (k == n_lt) {
            if (n_lt == MAX_LINKTYPES) {
                lt_overflow = true;
                continue;
            }
            linktypes[n_lt++] = pkt.linktype;
        }
        fwrite(&h, sizeof h, 1, tmp);
        fwrite(pkt.data, 1, pkt.caplen, tmp);
        written++;
    }
    sf_capture_close(cap);
    if (lt_overflow)
        fprintf(stderr, "sipflow extract: records of more than %d link types left out\n",
                MAX_LINKTYPES);
    bool ng = n_lt > 1 || ends_with(cli->output, ".pcapng") ||
              (cli->format_name && strcmp(cli->format_name, "pcapng") == 0);
    FILE *out = cli->out;
    if (ng)
        pcapng_header(out, linktypes, n_lt);
    else
        pcap_header(out, nano, n_lt ? linktypes[0] : SF_LINKTYPE_ETHERNET);
    int rc = 0;
    uint8_t *data = malloc(262144);
    if (fflush(tmp) != 0 || fseek(tmp, 0, SEEK_SET) != 0 || !data) rc = -1;
    for (uint64_t i = 0; rc == 0 && i < written; i++) {
        rec_hdr_t h;
        if (fread(&h, sizeof h, 1, tmp) != 1 || h.caplen > 262144 ||
            fread(data, 1, h.caplen, tmp) != h.caplen) {
            rc = -1;
            break;
        }
        if (ng) {
            uint32_t iface = 0;
            while (iface < n_lt && linktypes[iface] != h.linktype)
                iface++;
            pcapng_record(out, iface, &h, data);
        } else {
            pcap_record(out, nano, &h, data);
        }
    }
    free(data);
    fclose(tmp);
    if (rc != 0) {
        fprintf(stderr, "sipflow extract: cannot read back the temporary file\n");
        return -1;
    }
    if (!cli->quiet)
        fprintf(stderr,
                "sipflow extract: %" PRIu64 " call(s), %" PRIu64 " packets written to %s (%s)\n",
                st->matched, written, cli->output, ng ? "pcapng" : "pcap");
    return 0;
}

static void after_run(sf_cli_t *cli)
{
    extract_state_t *st = cli->cmd;
    if (!st->matched) {
        fprintf(stderr, "sipflow extract: no call matches\n");
        return;
    }
    if (st->frames_omitted)
        fprintf(stderr,
                "sipflow extract: warning: %" PRIu64
                " frames of the chosen calls were not recorded by the engine (frame list cap) "
                "and are missing\n",
                st->frames_omitted);
    if (write_capture(cli, st) == 0)
        st->done = true;
    else
        st->failed_write = true;
}

int sf_cmd_extract(int argc, char **argv)
{
    static const char *const formats[] = {"pcap", "pcapng", NULL};
    extract_state_t st;
    memset(&st, 0, sizeof st);
    GOptionEntry extra[] = {
        {"call", 'c', 0, G_OPTION_ARG_STRING_ARRAY, &st.calls,
         "The call to extract, by number or Call-ID (repeatable)", "N|CALL-ID"},
        {"failed", 0, 0, G_OPTION_ARG_NONE, &st.failed,
         "Only failed calls (alone: every failed call)", NULL},
        {"write", 'w', 0, G_OPTION_ARG_FILENAME, &st.write,
         "Write the capture to FILE (as -o; .pcapng gives pcapng)", "FILE"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    sf_cli_t cli;
    int rc = sf_cli_parse(
        &cli, "extract", "write every packet of chosen calls to a new capture",
        "Writes every capture record of the chosen calls' messages (all IP fragments and TCP "
        "segments; for TCP, WebSocket and SCTP every record of their connections) to a new "
        "capture: pcap when the records share one link type, else pcapng "
        "(also with --format pcapng or when FILE ends in .pcapng). The inputs are read twice, so "
        "'-' cannot be used.",
        extra, formats, argc, argv);
    if (rc == SF_EXIT_OK) {
        if (st.write && !cli.output) {
            cli.output = st.write;
            st.write = NULL;
        }
        if ((!st.calls || !st.calls[0]) && !st.failed) {
            fprintf(stderr, "sipflow extract: give --call N|CALL-ID or --failed\n");
            rc = SF_EXIT_USAGE;
        } else if (!cli.output || strcmp(cli.output, "-") == 0) {
            fprintf(stderr, "sipflow extract: give the output capture with -w FILE\n");
            rc = SF_EXIT_USAGE;
        }
        for (char **p = cli.inputs; rc == SF_EXIT_OK && p && *p; p++)
            if (strcmp(*p, "-") == 0) {
                fprintf(stderr, "sipflow extract: the inputs are read twice: '-' cannot be "
                                "used\n");
                rc = SF_EXIT_USAGE;
            }
    }
    if (rc == SF_EXIT_OK) {
        st.frames = g_array_new(FALSE, FALSE, sizeof(frame_ref_t));
        st.conns = sf_extract_conns_new();
        cli.cmd = &st;
        cli.on_call = on_call;
        cli.on_message = on_message;
        cli.after_run = after_run;
        cli.keep_ladder = false;
        rc = sf_cli_run(&cli);
        if (!st.done && rc != SF_EXIT_USAGE) {
            rc = SF_EXIT_UNREADABLE;
            unlink(cli.output); /* no half-written capture */
        }
        g_array_free(st.frames, TRUE);
        sf_extract_conns_free(st.conns);
    }
    g_strfreev(st.calls);
    g_free(st.write);
    sf_cli_free(&cli);
    return rc;
}
