/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sipflow's own capture-file reader: opening, buffered input and classic
 * pcap records. The pcapng block parser is in capfile_pcapng.c.
 *
 * Input goes through zlib's gz* functions, which read plain files as they
 * are and gzip files decompressed, alike. Records are returned zero-copy:
 * whole records (pcap) and whole blocks (pcapng) are read into one input
 * buffer allocated at open and never grown, and rec->data points into it.
 * Reads into that buffer are large (gzread copies straight into it when the
 * request is at least twice its internal buffer), so there is no syscall
 * and no allocation per record. */
#include "capfile_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* zlib's own buffer; gzread bypasses it for requests >= twice this. */
#define SF_CAPFILE_GZBUF (256u * 1024u)

/* Classic pcap magics as read in the writer's byte order
 * (draft-ietf-opsawg-pcap section 4). */
#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du
#define PCAP_HDR_LEN 24u
#define PCAP_REC_HDR_LEN 16u

/* ---- buffered input ---------------------------------------------------- */

/* Reads as much as fits after f->end. Returns bytes read, 0 at end of
 * input, -1 on a read/decompression error (errbuf says why). */
static int sf_capfile_fill(sf_capfile_t *f)
{
    if (f->eof) return 0;
    if (f->pos > 0) {
        /* Move the unread tail to the front: callers hold record
         * pointers only until the next call, so nothing points here. */
        size_t keep = f->end - f->pos;
        memmove(f->buf, f->buf + f->pos, keep);
        f->buf_off += f->pos;
        f->pos = 0;
        f->end = keep;
    }
    size_t room = f->cap - f->end;
    if (room == 0) return 0;
    int n = gzread(f->gz, f->buf + f->end, (unsigned)room);
    if (n < 0) {
        int zerr = 0;
        const char *msg = gzerror(f->gz, &zerr);
        snprintf(f->errbuf, sizeof f->errbuf, "read error: %s",
                 zerr == Z_ERRNO ? strerror(errno) : (msg ? msg : "zlib error"));
        f->eof = true;
        f->read_error = true;
        return -1;
    }
    if (n == 0) f->eof = true;
    f->end += (size_t)n;
    return n;
}

/* Makes n bytes available at buf + pos (n <= cap). Returns the number of
 * bytes available, which is less than n only at end of input or on a read
 * error (then f->read_error is set). */
size_t sf_capfile_ensure(sf_capfile_t *f, size_t n)
{
    /* Bounded: each round adds at least one byte or stops. */
    while (f->end - f->pos < n) {
        if (sf_capfile_fill(f) <= 0) break;
    }
    size_t have = f->end - f->pos;
    return have < n ? have : n;
}

/* Discards n bytes. Returns false when the input ends first (or fails). */
bool sf_capfile_skip(sf_capfile_t *f, uint64_t n)
{
    for (;;) {
        size_t have = f->end - f->pos;
        if ((uint64_t)have >= n) {
            f->pos += (size_t)n;
            return true;
        }
        n -= have;
        f->pos = f->end;
        /* Bounded: every round consumes at least one byte or returns. */
        if (sf_capfile_fill(f) <= 0) return false;
    }
}

sf_capfile_status_t sf_capfile_fail(sf_capfile_t *f, sf_capfile_status_t st, const char *why,
                                    const char **whyp)
{
    f->sticky_set = true;
    f->sticky = st;
    f->sticky_why = why;
    if (whyp) *whyp = why;
    return st;
}

sf_capfile_status_t sf_capfile_failf(sf_capfile_t *f, sf_capfile_status_t st, const char **whyp,
                                     const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->errbuf, sizeof f->errbuf, fmt, ap);
    va_end(ap);
    return sf_capfile_fail(f, st, f->errbuf, whyp);
}

sf_capfile_status_t sf_capfile_short(sf_capfile_t *f, const char *truncated_why, const char **whyp)
{
    if (f->read_error) /* errbuf holds zlib's or the OS's reason */
        return sf_capfile_fail(f, SF_CAPFILE_CORRUPT, f->errbuf, whyp);
    return sf_capfile_fail(f, SF_CAPFILE_TRUNCATED, truncated_why, whyp);
}

sf_capfile_status_t sf_capfile_settle(sf_capfile_t *f, const char **whyp)
{
    if (f->pending_skip) {
        uint64_t n = f->pending_skip;
        f->pending_skip = 0;
        if (!sf_capfile_skip(f, n))
            return sf_capfile_short(f, "file ends inside an oversized record", whyp);
    }
    if (f->pending_trailer) {
        f->pending_trailer = false;
        if (sf_capfile_ensure(f, 4) < 4)
            return sf_capfile_short(f, "file ends inside a pcapng block", whyp);
        uint32_t trailer = sf_capfile_rd32(f->swap, f->buf + f->pos);
        if (trailer != f->pending_total)
            return sf_capfile_failf(f, SF_CAPFILE_CORRUPT, whyp,
                                    "pcapng block ending at offset %llu: trailing length %u "
                                    "differs from %u",
                                    (unsigned long long)sf_capfile_offset(f), trailer,
                                    f->pending_total);
        f->pos += 4;
    }
    return SF_CAPFILE_RECORD;
}

/* Timestamp from whole seconds and a fraction in units of 10^-prec s
 * (prec 6 or 9). A fraction of a second or more is carried into sec so
 * nsec stays normalised. */
static sf_ts_t sf_capfile_pcap_ts(uint32_t sec, uint32_t frac, uint8_t prec)
{
    uint32_t per_sec = prec == 9 ? 1000000000u : 1000000u;
    sf_ts_t ts;
    ts.sec = (int64_t)sec + frac / per_sec;
    frac %= per_sec;
    ts.nsec = prec == 9 ? frac : frac * 1000u;
    ts.prec = prec;
    return ts;
}

/* ---- classic pcap ------------------------------------------------------ */

/* draft-ietf-opsawg-pcap section 4: the file header. */
static sf_capfile_status_t sf_capfile_pcap_header(sf_capfile_t *f, const char **why)
{
    if (sf_capfile_ensure(f, PCAP_HDR_LEN) < PCAP_HDR_LEN)
        return sf_capfile_short(f, "file ends inside the pcap file header", why);
    const uint8_t *p = f->buf + f->pos;
    f->pcap_snaplen = sf_capfile_rd32(f->swap, p + 16);
    /* Section 4: the low 16 bits are the LinkType; bits 26-31 carry FCS
     * information and bits 16-25 are reserved (libpcap's LT_LINKTYPE). */
    f->pcap_linktype = sf_capfile_rd32(f->swap, p + 20) & 0xffffu;
    f->pos += PCAP_HDR_LEN;
    f->header_done = true;
    return SF_CAPFILE_RECORD;
}

static sf_capfile_status_t sf_capfile_pcap_next(sf_capfile_t *f, sf_capfile_record_t *rec,
                                                const char **why)
{
    if (!f->header_done) {
        sf_capfile_status_t st = sf_capfile_pcap_header(f, why);
        if (st != SF_CAPFILE_RECORD) return st;
    }
    size_t have = sf_capfile_ensure(f, PCAP_REC_HDR_LEN);
    if (have == 0 && !f->read_error) return sf_capfile_fail(f, SF_CAPFILE_END, NULL, why);
    if (have < PCAP_REC_HDR_LEN)
        return sf_capfile_short(f, "file ends inside a pcap record header", why);
    const uint8_t *p = f->buf + f->pos;
    uint32_t sec = sf_capfile_rd32(f->swap, p);
    uint32_t frac = sf_capfile_rd32(f->swap, p + 4);
    uint32_t caplen = sf_capfile_rd32(f->swap, p + 8);
    uint32_t len = sf_capfile_rd32(f->swap, p + 12);
    if (caplen > SF_CAPFILE_MAX_BLOCK)
        return sf_capfile_failf(f, SF_CAPFILE_CORRUPT, why,
                                "pcap record at offset %llu has an impossible caplen %u",
                                (unsigned long long)sf_capfile_offset(f), caplen);
    /* Deliver at most SF_CAPFILE_MAX_CAPLEN bytes; the rest is skipped
     * below without being buffered. */
    uint32_t take = caplen < SF_CAPFILE_MAX_CAPLEN ? caplen : SF_CAPFILE_MAX_CAPLEN;
    if (sf_capfile_ensure(f, PCAP_REC_HDR_LEN + take) < PCAP_REC_HDR_LEN + take)
        return sf_capfile_short(f, "file ends inside a pcap record", why);
    p = f->buf + f->pos; /* ensure() may have moved the data */
    rec->ts = sf_capfile_pcap_ts(sec, frac, f->pcap_prec);
    rec->linktype = f->pcap_linktype;
    rec->iface = 0;
    rec->caplen = take;
    rec->len = len;
    rec->snaplen = f->pcap_snaplen;
    rec->data = p + PCAP_REC_HDR_LEN;
    f->pos += PCAP_REC_HDR_LEN + take;
    if (take < caplen) f->pending_skip = caplen - take; /* done by the next call */
    return SF_CAPFILE_RECORD;
}

/* ---- public API -------------------------------------------------------- */

sf_capfile_t *sf_capfile_open(const char *path, char *err, size_t errlen)
{
    char dummy[1];
    if (!err || errlen == 0) {
        err = dummy;
        errlen = sizeof dummy;
    }
    err[0] = '\0';
    bool is_stdin = strcmp(path, "-") == 0;
    /* dup() stdin so gzclose() does not close the process's fd 0. */
    int fd = is_stdin ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", is_stdin ? "stdin" : path, strerror(errno));
        return NULL;
    }
    sf_capfile_t *f = calloc(1, sizeof *f);
    uint8_t *buf = malloc(SF_CAPFILE_BUFSIZE);
    gzFile gz = (f && buf) ? gzdopen(fd, "rb") : NULL;
    if (!gz) { /* the fd is still ours when gzdopen was not called or failed */
        snprintf(err, errlen, "%s: out of memory", path);
        close(fd);
        free(buf);
        free(f);
        return NULL;
    }
    gzbuffer(gz, SF_CAPFILE_GZBUF);
    f->gz = gz;
    f->buf = buf;
    f->cap = SF_CAPFILE_BUFSIZE;

    size_t have = sf_capfile_ensure(f, 4);
    if (f->read_error) {
        snprintf(err, errlen, "%s: %s", path, f->errbuf);
        sf_capfile_close(f);
        return NULL;
    }
    f->compressed = gzdirect(gz) == 0;
    if (have < 4) {
        snprintf(err, errlen, "%s: %s", path,
                 have == 0 ? "empty file" : "too short to be a pcap or pcapng file");
        sf_capfile_close(f);
        return NULL;
    }
    const uint8_t *p = f->buf;
    uint32_t le = sf_capfile_rd32(false, p);
    uint32_t be = sf_capfile_rd32(true, p);
    if (le == PCAP_MAGIC_US || le == PCAP_MAGIC_NS) {
        f->format = SF_CAPFILE_PCAP;
        f->swap = false;
        f->pcap_prec = le == PCAP_MAGIC_NS ? 9 : 6;
    } else if (be == PCAP_MAGIC_US || be == PCAP_MAGIC_NS) {
        f->format = SF_CAPFILE_PCAP;
        f->swap = true;
        f->pcap_prec = be == PCAP_MAGIC_NS ? 9 : 6;
    } else if (le == SF_PCAPNG_SHB_TYPE) {
        /* "\n\r\r\n" alone is a weak magic (a text file could start with
         * it); when the byte-order magic is present, require it. */
        have = sf_capfile_ensure(f, 12);
        if (have >= 12 && !sf_capfile_pcapng_bom_ok(f->buf + 8)) {
            snprintf(err, errlen, "%s: not a pcapng file (bad byte-order magic)", path);
            sf_capfile_close(f);
            return NULL;
        }
        f->format = SF_CAPFILE_PCAPNG;
    } else {
        snprintf(err, errlen, "%s: not a pcap or pcapng file%s", path,
                 f->compressed ? " (after gzip decompression)" : "");
        sf_capfile_close(f);
        return NULL;
    }
    /* Headers are parsed by the first sf_capfile_next(), so a file cut
     * inside one reads as TRUNCATED like any other cut. */
    return f;
}

sf_capfile_format_t sf_capfile_format(const sf_capfile_t *f)
{
    return f->format;
}

bool sf_capfile_compressed(const sf_capfile_t *f)
{
    return f->compressed;
}

sf_capfile_status_t sf_capfile_next(sf_capfile_t *f, sf_capfile_record_t *rec, const char **why)
{
    if (f->sticky_set) {
        if (why) *why = f->sticky_why;
        return f->sticky;
    }
    sf_capfile_status_t st = sf_capfile_settle(f, why);
    if (st != SF_CAPFILE_RECORD) return st;
    if (f->format == SF_CAPFILE_PCAP) return sf_capfile_pcap_next(f, rec, why);
    return sf_capfile_pcapng_next(f, rec, why);
}

uint64_t sf_capfile_offset(const sf_capfile_t *f)
{
    return f->buf_off + f->pos;
}

void sf_capfile_close(sf_capfile_t *f)
{
    if (!f) return;
    if (f->gz) gzclose(f->gz);
    free(f->ifaces);
    free(f->buf);
    free(f);
}
