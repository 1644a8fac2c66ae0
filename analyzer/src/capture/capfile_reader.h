/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sipflow's own capture-file reader: classic pcap (both byte orders,
 * microsecond and nanosecond magic) and pcapng (SHB byte orders, several
 * sections, IDBs with different link types, snaplens and if_tsresol,
 * EPB/SPB/OPB), from a plain or gzip-compressed file or stdin, via zlib's
 * gz* functions. libpcap 1.10 reads 0 packets from a pcapng whose
 * interfaces differ in link type or snaplen, and cannot read gzip at all:
 * the capture module uses this reader for those (see capture.c). Internal
 * to the capture layer. */
#ifndef SF_CAPFILE_READER_H
#define SF_CAPFILE_READER_H

#include <stdbool.h>
#include <stdint.h>

#include "sipflow/types.h"

typedef enum sf_capfile_format {
    SF_CAPFILE_PCAP = 0,
    SF_CAPFILE_PCAPNG,
} sf_capfile_format_t;

typedef struct sf_capfile_record {
    sf_ts_t ts;        /* full precision; prec from the file (6, 9, if_tsresol) */
    uint32_t linktype; /* LINKTYPE_ value of the record's interface */
    uint32_t iface;    /* pcapng interface id (0 for pcap) */
    uint32_t caplen;
    uint32_t len;
    uint32_t snaplen;  /* of the record's interface (0 = unlimited) */
    const uint8_t *data; /* valid until the next sf_capfile_next() */
} sf_capfile_record_t;

typedef struct sf_capfile sf_capfile_t;

/* path "-" reads stdin. Returns NULL with a message in err when the input
 * cannot be opened or does not start with a pcap/pcapng header. */
sf_capfile_t *sf_capfile_open(const char *path, char *err, size_t errlen);
sf_capfile_format_t sf_capfile_format(const sf_capfile_t *f);
bool sf_capfile_compressed(const sf_capfile_t *f);

typedef enum sf_capfile_status {
    SF_CAPFILE_RECORD = 1, /* *rec filled */
    SF_CAPFILE_END = 0,    /* clean end of file */
    SF_CAPFILE_TRUNCATED = -1, /* file ends inside a header or record */
    SF_CAPFILE_CORRUPT = -2,   /* impossible block/record (length, magic) */
} sf_capfile_status_t;

/* Next packet record (non-packet pcapng blocks are consumed silently).
 * On TRUNCATED/CORRUPT, why (when non-NULL) points to a static or
 * reader-owned message and the reader stays at the end. Records whose
 * caplen exceeds len or the snaplen are still returned (the capture layer
 * reports them); caplen is capped at a sane maximum (256 KiB) with the
 * rest skipped, so a hostile length cannot make the reader allocate. */
sf_capfile_status_t sf_capfile_next(sf_capfile_t *f, sf_capfile_record_t *rec, const char **why);

/* Bytes consumed from the (decompressed) input so far. */
uint64_t sf_capfile_offset(const sf_capfile_t *f);

void sf_capfile_close(sf_capfile_t *f);

#endif
