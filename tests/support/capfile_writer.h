/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test helper: builds classic pcap and pcapng files in memory, in either
 * byte order, block by block, so tests can make exactly the file they
 * need (several sections, odd timestamp resolutions, broken lengths). */
#ifndef SF_CAPFILE_WRITER_H
#define SF_CAPFILE_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sf_cw {
    uint8_t *p;
    size_t len, cap;
    bool be; /* write multi-byte values big-endian */
} sf_cw_t;

void sf_cw_init(sf_cw_t *w, bool big_endian);
void sf_cw_free(sf_cw_t *w);
void sf_cw_u8(sf_cw_t *w, uint8_t v);
void sf_cw_u16(sf_cw_t *w, uint16_t v);
void sf_cw_u32(sf_cw_t *w, uint32_t v);
void sf_cw_u64(sf_cw_t *w, uint64_t v);
void sf_cw_bytes(sf_cw_t *w, const void *p, size_t n);
/* Writes the whole buffer to path; false on error. */
bool sf_cw_save(const sf_cw_t *w, const char *path);

/* Classic pcap (draft-ietf-opsawg-pcap). linktype is the full 32-bit
 * field (upper bits: FCS information). */
void sf_cw_pcap_header(sf_cw_t *w, bool nsec, uint32_t snaplen, uint32_t linktype);
void sf_cw_pcap_record(sf_cw_t *w, uint32_t sec, uint32_t frac, const void *data, uint32_t caplen,
                       uint32_t len);

/* pcapng (draft-ietf-opsawg-pcapng). A section's byte order is w->be at
 * the time sf_cw_shb() is called; keep it for the section's blocks. */
void sf_cw_shb(sf_cw_t *w);
/* tsresol < 0: no if_tsresol option; has_tsoffset: add if_tsoffset. */
void sf_cw_idb(sf_cw_t *w, uint16_t linktype, uint32_t snaplen, int tsresol, bool has_tsoffset,
               int64_t tsoffset);
void sf_cw_epb(sf_cw_t *w, uint32_t iface, uint64_t ts, const void *data, uint32_t caplen,
               uint32_t len);
void sf_cw_opb(sf_cw_t *w, uint16_t iface, uint64_t ts, const void *data, uint32_t caplen,
               uint32_t len);
void sf_cw_spb(sf_cw_t *w, const void *data, uint32_t caplen, uint32_t len);
/* Any block: type, body (padded to 4), lengths. */
void sf_cw_block(sf_cw_t *w, uint32_t type, const void *body, uint32_t body_len);

#endif
