/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "pcap_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sf_pcap_writer {
    FILE *f;
    bool be;
    bool failed;
    uint64_t off;
};

static void put32(uint8_t *p, uint32_t v, bool be)
{
    for (int i = 0; i < 4; i++)
        p[be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

static void put16(uint8_t *p, uint16_t v, bool be)
{
    p[be ? 1 : 0] = (uint8_t)v;
    p[be ? 0 : 1] = (uint8_t)(v >> 8);
}

int sf_pcap_writer_raw(sf_pcap_writer_t *w, const void *bytes, size_t n)
{
    if (n && fwrite(bytes, 1, n, w->f) != n) w->failed = true;
    w->off += n;
    return w->failed ? -1 : 0;
}

sf_pcap_writer_t *sf_pcap_writer_open(const char *path, const sf_pcap_writer_opts_t *o)
{
    sf_pcap_writer_t *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->f = fopen(path, "wb");
    if (!w->f) {
        free(w);
        return NULL;
    }
    w->be = o->big_endian;
    uint8_t h[24];
    put32(h, o->nano ? 0xa1b23c4du : 0xa1b2c3d4u, w->be);
    put16(h + 4, 2, w->be);
    put16(h + 6, 4, w->be);
    put32(h + 8, 0, w->be);  /* thiszone */
    put32(h + 12, 0, w->be); /* sigfigs */
    put32(h + 16, o->snaplen ? o->snaplen : 262144u, w->be);
    put32(h + 20, o->linktype, w->be);
    sf_pcap_writer_raw(w, h, sizeof h);
    return w;
}

int sf_pcap_writer_record(sf_pcap_writer_t *w, int64_t sec, uint32_t frac, uint32_t caplen,
                          uint32_t len, const void *data, size_t data_len)
{
    uint8_t h[16];
    put32(h, (uint32_t)sec, w->be);
    put32(h + 4, frac, w->be);
    put32(h + 8, caplen, w->be);
    put32(h + 12, len, w->be);
    sf_pcap_writer_raw(w, h, sizeof h);
    return sf_pcap_writer_raw(w, data, data_len);
}

int sf_pcap_writer_packet(sf_pcap_writer_t *w, int64_t sec, uint32_t frac, const void *data,
                          uint32_t n)
{
    return sf_pcap_writer_record(w, sec, frac, n, n, data, n);
}

uint64_t sf_pcap_writer_offset(const sf_pcap_writer_t *w)
{
    return w->off;
}

int sf_pcap_writer_close(sf_pcap_writer_t *w)
{
    if (!w) return -1;
    if (fclose(w->f) != 0) w->failed = true;
    int r = w->failed ? -1 : 0;
    free(w);
    return r;
}

size_t sf_build_eth_udp4(uint8_t *buf, size_t cap, const uint8_t src[4], const uint8_t dst[4],
                         uint16_t sport, uint16_t dport, uint16_t vlan, const void *payload,
                         size_t plen)
{
    size_t l2 = vlan ? 18 : 14;
    size_t n = l2 + 20 + 8 + plen;
    if (n > cap || 28 + plen > 65535) return 0;
    static const uint8_t macs[12] = {0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2};
    memcpy(buf, macs, 12);
    uint8_t *p = buf + 12;
    if (vlan) {
        put16(p, 0x8100, true);
        put16(p + 2, vlan & 0x0fff, true);
        p += 4;
    }
    put16(p, 0x0800, true);
    p += 2;
    uint8_t *ip = p;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(20 + 8 + plen), true);
    put16(ip + 4, 0x1234, true);
    ip[8] = 64;
    ip[9] = 17;
    memcpy(ip + 12, src, 4);
    memcpy(ip + 16, dst, 4);
    uint32_t sum = 0; /* RFC 791 header checksum */
    for (int i = 0; i < 20; i += 2)
        sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    put16(ip + 10, (uint16_t)~sum, true);
    uint8_t *udp = ip + 20;
    put16(udp, sport, true);
    put16(udp + 2, dport, true);
    put16(udp + 4, (uint16_t)(8 + plen), true);
    put16(udp + 6, 0, true);
    if (plen) memcpy(udp + 8, payload, plen);
    return n;
}
