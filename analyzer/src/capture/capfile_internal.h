/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared between capfile_reader.c (input, pcap) and capfile_pcapng.c.
 * Private to the capture-file reader. */
#ifndef SF_CAPFILE_INTERNAL_H
#define SF_CAPFILE_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <zlib.h>

#include "capfile_reader.h"

/* Largest caplen delivered; the rest of a longer record is skipped. */
#define SF_CAPFILE_MAX_CAPLEN (256u * 1024u)
/* Larger pcap records / pcapng blocks are taken as corruption. */
#define SF_CAPFILE_MAX_BLOCK (16u * 1024u * 1024u)
/* The input buffer: holds any ordinary block whole (plus room so that the
 * fill after a move is a direct read, see capfile_reader.c). */
#define SF_CAPFILE_BUFSIZE (1024u * 1024u)
/* Interfaces per pcapng section: each costs memory, so cap them. */
#define SF_CAPFILE_MAX_IFACES 65536u

#define SF_PCAPNG_SHB_TYPE 0x0a0d0d0au

/* pcapng interface (IDB) as the reader needs it. Timestamps are counted in
 * units of 10^-tsres_exp s (tsres_pow2 false) or 2^-tsres_exp s. */
typedef struct sf_capfile_iface {
    uint32_t linktype;
    uint32_t snaplen;
    int64_t tsoffset; /* seconds added to every timestamp (if_tsoffset) */
    uint8_t tsres_exp;
    bool tsres_pow2;
    uint8_t prec;
} sf_capfile_iface_t;

struct sf_capfile {
    gzFile gz;
    sf_capfile_format_t format;
    bool compressed;
    bool eof;        /* gzread returned 0 or failed */
    bool read_error; /* errbuf says why */
    bool sticky_set; /* END/TRUNCATED/CORRUPT reached: repeated forever */
    sf_capfile_status_t sticky;
    const char *sticky_why;

    uint8_t *buf; /* [pos, end) unread; buf[0] is at input offset buf_off */
    size_t cap, pos, end;
    uint64_t buf_off;
    uint64_t pending_skip;  /* tail of an oversized record/block to drop */
    bool pending_trailer;   /* then check a pcapng trailing length ... */
    uint32_t pending_total; /* ... against this */

    bool swap; /* file/section byte order differs from little-endian */

    /* classic pcap */
    bool header_done;
    uint8_t pcap_prec;
    uint32_t pcap_snaplen;
    uint32_t pcap_linktype;

    /* pcapng: interfaces of the current section */
    bool in_section;
    sf_capfile_iface_t *ifaces;
    uint32_t n_ifaces, ifaces_cap;

    char errbuf[160];
};

/* Values are decoded from the stated byte order: swap = big-endian. */
static inline uint16_t sf_capfile_rd16(bool be, const uint8_t *p)
{
    return be ? (uint16_t)((p[0] << 8) | p[1]) : (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t sf_capfile_rd32(bool be, const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return be ? __builtin_bswap32(v) : v;
#else
    return be ? ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3])
              : ((uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0]);
#endif
}

static inline uint64_t sf_capfile_rd64(bool be, const uint8_t *p)
{
    uint64_t a = sf_capfile_rd32(be, p), b = sf_capfile_rd32(be, p + 4);
    return be ? (a << 32 | b) : (b << 32 | a);
}

size_t sf_capfile_ensure(sf_capfile_t *f, size_t n);
bool sf_capfile_skip(sf_capfile_t *f, uint64_t n);
sf_capfile_status_t sf_capfile_fail(sf_capfile_t *f, sf_capfile_status_t st, const char *why,
                                    const char **whyp);
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
sf_capfile_status_t
sf_capfile_failf(sf_capfile_t *f, sf_capfile_status_t st, const char **whyp, const char *fmt, ...);
/* Input ended early: TRUNCATED, or CORRUPT when a read failed. */
sf_capfile_status_t sf_capfile_short(sf_capfile_t *f, const char *truncated_why, const char **whyp);

/* Finishes an oversized record/block left by the previous call: skips its
 * tail and, for pcapng, checks the trailing length. RECORD means done. */
sf_capfile_status_t sf_capfile_settle(sf_capfile_t *f, const char **whyp);

bool sf_capfile_pcapng_bom_ok(const uint8_t *p);
sf_capfile_status_t sf_capfile_pcapng_next(sf_capfile_t *f, sf_capfile_record_t *rec,
                                           const char **why);

#endif
