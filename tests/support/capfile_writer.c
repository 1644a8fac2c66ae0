/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "capfile_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sf_cw_init(sf_cw_t *w, bool big_endian)
{
    memset(w, 0, sizeof *w);
    w->be = big_endian;
}

void sf_cw_free(sf_cw_t *w)
{
    free(w->p);
    memset(w, 0, sizeof *w);
}

void sf_cw_bytes(sf_cw_t *w, const void *p, size_t n)
{
    if (w->len + n > w->cap) {
        size_t ncap = w->cap ? w->cap : 256;
        while (ncap < w->len + n)
            ncap *= 2;
        uint8_t *np = realloc(w->p, ncap);
        if (!np) abort(); /* a test helper: no recovery */
        w->p = np;
        w->cap = ncap;
    }
    if (n) memcpy(w->p + w->len, p, n);
    w->len += n;
}

static void sf_cw_put(sf_cw_t *w, uint64_t v, unsigned n)
{
    uint8_t b[8];
    for (unsigned i = 0; i < n; i++)
        b[w->be ? n - 1 - i : i] = (uint8_t)(v >> (8 * i));
    sf_cw_bytes(w, b, n);
}

void sf_cw_u8(sf_cw_t *w, uint8_t v)
{
    sf_cw_bytes(w, &v, 1);
}

void sf_cw_u16(sf_cw_t *w, uint16_t v)
{
    sf_cw_put(w, v, 2);
}

void sf_cw_u32(sf_cw_t *w, uint32_t v)
{
    sf_cw_put(w, v, 4);
}

void sf_cw_u64(sf_cw_t *w, uint64_t v)
{
    sf_cw_put(w, v, 8);
}

static void sf_cw_pad4(sf_cw_t *w)
{
    static const uint8_t zero[4];
    sf_cw_bytes(w, zero, (4 - w->len % 4) % 4);
}

bool sf_cw_save(const sf_cw_t *w, const char *path)
{
    FILE *fp = fopen(path, "wb");
    if (!fp) return false;
    bool ok = w->len == 0 || fwrite(w->p, 1, w->len, fp) == w->len;
    return fclose(fp) == 0 && ok;
}

void sf_cw_pcap_header(sf_cw_t *w, bool nsec, uint32_t snaplen, uint32_t linktype)
{
    sf_cw_u32(w, nsec ? 0xa1b23c4du : 0xa1b2c3d4u);
    sf_cw_u16(w, 2);
    sf_cw_u16(w, 4);
    sf_cw_u32(w, 0); /* thiszone */
    sf_cw_u32(w, 0); /* sigfigs */
    sf_cw_u32(w, snaplen);
    sf_cw_u32(w, linktype);
}

void sf_cw_pcap_record(sf_cw_t *w, uint32_t sec, uint32_t frac, const void *data, uint32_t caplen,
                       uint32_t len)
{
    sf_cw_u32(w, sec);
    sf_cw_u32(w, frac);
    sf_cw_u32(w, caplen);
    sf_cw_u32(w, len);
    sf_cw_bytes(w, data, caplen);
}

/* Starts a block; returns where its length goes. */
static size_t sf_cw_begin(sf_cw_t *w, uint32_t type)
{
    sf_cw_pad4(w);
    size_t start = w->len;
    sf_cw_u32(w, type);
    sf_cw_u32(w, 0); /* patched by sf_cw_end */
    return start;
}

static void sf_cw_end(sf_cw_t *w, size_t start)
{
    sf_cw_pad4(w);
    uint32_t total = (uint32_t)(w->len - start + 4);
    sf_cw_u32(w, total);
    size_t end = w->len;
    w->len = start + 4;
    sf_cw_u32(w, total);
    w->len = end;
}

void sf_cw_block(sf_cw_t *w, uint32_t type, const void *body, uint32_t body_len)
{
    size_t s = sf_cw_begin(w, type);
    sf_cw_bytes(w, body, body_len);
    sf_cw_end(w, s);
}

void sf_cw_shb(sf_cw_t *w)
{
    size_t s = sf_cw_begin(w, 0x0a0d0d0au);
    sf_cw_u32(w, 0x1a2b3c4du);
    sf_cw_u16(w, 1);
    sf_cw_u16(w, 0);
    sf_cw_u64(w, UINT64_MAX); /* section length unknown */
    sf_cw_end(w, s);
}

void sf_cw_idb(sf_cw_t *w, uint16_t linktype, uint32_t snaplen, int tsresol, bool has_tsoffset,
               int64_t tsoffset)
{
    size_t s = sf_cw_begin(w, 1);
    sf_cw_u16(w, linktype);
    sf_cw_u16(w, 0);
    sf_cw_u32(w, snaplen);
    /* if_name first, so option walking is exercised */
    sf_cw_u16(w, 2);
    sf_cw_u16(w, 3);
    sf_cw_bytes(w, "eth", 3);
    sf_cw_pad4(w);
    if (tsresol >= 0) {
        sf_cw_u16(w, 9);
        sf_cw_u16(w, 1);
        sf_cw_u8(w, (uint8_t)tsresol);
        sf_cw_pad4(w);
    }
    if (has_tsoffset) {
        sf_cw_u16(w, 14);
        sf_cw_u16(w, 8);
        sf_cw_u64(w, (uint64_t)tsoffset);
    }
    sf_cw_u16(w, 0); /* opt_endofopt */
    sf_cw_u16(w, 0);
    sf_cw_end(w, s);
}

static void sf_cw_packet(sf_cw_t *w, uint32_t type, uint32_t iface, uint64_t ts, const void *data,
                         uint32_t caplen, uint32_t len)
{
    size_t s = sf_cw_begin(w, type);
    if (type == 6) {
        sf_cw_u32(w, iface);
    } else {
        sf_cw_u16(w, (uint16_t)iface);
        sf_cw_u16(w, 0); /* drops count */
    }
    sf_cw_u32(w, (uint32_t)(ts >> 32));
    sf_cw_u32(w, (uint32_t)ts);
    sf_cw_u32(w, caplen);
    sf_cw_u32(w, len);
    sf_cw_bytes(w, data, caplen);
    sf_cw_end(w, s);
}

void sf_cw_epb(sf_cw_t *w, uint32_t iface, uint64_t ts, const void *data, uint32_t caplen,
               uint32_t len)
{
    sf_cw_packet(w, 6, iface, ts, data, caplen, len);
}

void sf_cw_opb(sf_cw_t *w, uint16_t iface, uint64_t ts, const void *data, uint32_t caplen,
               uint32_t len)
{
    sf_cw_packet(w, 2, iface, ts, data, caplen, len);
}

void sf_cw_spb(sf_cw_t *w, const void *data, uint32_t caplen, uint32_t len)
{
    size_t s = sf_cw_begin(w, 3);
    sf_cw_u32(w, len);
    sf_cw_bytes(w, data, caplen);
    sf_cw_end(w, s);
}
