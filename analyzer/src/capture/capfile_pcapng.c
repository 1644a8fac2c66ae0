/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pcapng blocks for the capture-file reader (draft-ietf-opsawg-pcapng, cited
 * as "pcapng" with its section numbers). Each section (SHB) carries its own
 * byte order and interface list; packet blocks (EPB, SPB, OPB) are turned
 * into records, every other block is checked for framing and skipped. */
#include "capfile_internal.h"

#include <stdint.h>
#include <stdlib.h>

#define PCAPNG_IDB 0x00000001u
#define PCAPNG_OPB 0x00000002u /* obsolete Packet Block, pcapng appendix A */
#define PCAPNG_SPB 0x00000003u
#define PCAPNG_EPB 0x00000006u
#define PCAPNG_BOM 0x1a2b3c4du

#define OPT_ENDOFOPT 0
#define OPT_IF_TSRESOL 9
#define OPT_IF_TSOFFSET 14

/* pcapng 4.1: the byte-order magic, written in the section's order. */
bool sf_capfile_pcapng_bom_ok(const uint8_t *p)
{
    return sf_capfile_rd32(false, p) == PCAPNG_BOM || sf_capfile_rd32(true, p) == PCAPNG_BOM;
}

static const uint64_t pow10_u64[20] = {1ull,
                                       10ull,
                                       100ull,
                                       1000ull,
                                       10000ull,
                                       100000ull,
                                       1000000ull,
                                       10000000ull,
                                       100000000ull,
                                       1000000000ull,
                                       10000000000ull,
                                       100000000000ull,
                                       1000000000000ull,
                                       10000000000000ull,
                                       100000000000000ull,
                                       1000000000000000ull,
                                       10000000000000000ull,
                                       100000000000000000ull,
                                       1000000000000000000ull,
                                       10000000000000000000ull};

/* floor(frac * 10^9 / 2^e) for frac < 2^e, exactly, without 128-bit
 * arithmetic: frac * 10^9 < 2^94 is kept as c * 2^32 + t with t < 2^32,
 * and for e >= 32 the t part cannot change the floor. */
static uint32_t sf_capfile_pow2_frac_ns(uint64_t frac, unsigned e)
{
    if (e < 32) return (uint32_t)((frac * 1000000000ull) >> e);
    uint64_t lo = (frac & 0xffffffffull) * 1000000000ull; /* < 2^62 */
    uint64_t hi = (frac >> 32) * 1000000000ull;           /* < 2^62 */
    uint64_t c = hi + (lo >> 32);                         /* < 2^63 */
    unsigned sh = e - 32;
    return sh >= 64 ? 0 : (uint32_t)(c >> sh);
}

/* pcapng 4.6: timestamps count units of if_tsresol since 1970; if_tsoffset
 * (4.2) adds whole seconds. Integer arithmetic only, so the conversion is
 * exact (down to nanoseconds, truncating finer resolutions). */
static sf_ts_t sf_capfile_iface_ts(const sf_capfile_iface_t *ifc, uint64_t t)
{
    uint64_t sec;
    uint32_t nsec;
    unsigned e = ifc->tsres_exp;
    if (ifc->tsres_pow2) {
        sec = e >= 64 ? 0 : t >> e;
        uint64_t frac = e >= 64 ? t : t & ((1ull << e) - 1);
        nsec = sf_capfile_pow2_frac_ns(frac, e);
    } else if (e == 6) { /* the default: constant divisors are cheap */
        sec = t / 1000000u;
        nsec = (uint32_t)(t % 1000000u) * 1000u;
    } else if (e == 9) {
        sec = t / 1000000000u;
        nsec = (uint32_t)(t % 1000000000u);
    } else if (e <= 19) {
        uint64_t u = pow10_u64[e];
        sec = t / u;
        uint64_t frac = t % u;
        nsec = e <= 9 ? (uint32_t)(frac * pow10_u64[9 - e]) : (uint32_t)(frac / pow10_u64[e - 9]);
    } else { /* a unit below 10^-19 s: t is less than a second */
        sec = 0;
        nsec = e - 9 <= 19 ? (uint32_t)(t / pow10_u64[e - 9]) : 0;
    }
    sf_ts_t ts;
    int64_t s = sec > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)sec;
    int64_t off = ifc->tsoffset;
    if (off > 0 && s > INT64_MAX - off)
        s = INT64_MAX;
    else if (off < 0 && s < INT64_MIN - off)
        s = INT64_MIN;
    else
        s += off;
    ts.sec = s;
    ts.nsec = nsec;
    ts.prec = ifc->prec;
    return ts;
}

/* pcapng 4.2: Interface Description Block. body/len is what is buffered
 * (the whole body for any IDB up to the buffer size). */
static sf_capfile_status_t sf_capfile_pcapng_idb(sf_capfile_t *f, const uint8_t *body, size_t len,
                                                 const char **why)
{
    if (f->n_ifaces >= SF_CAPFILE_MAX_IFACES)
        return sf_capfile_failf(f, SF_CAPFILE_CORRUPT, why,
                                "more than %u interfaces in one pcapng section",
                                SF_CAPFILE_MAX_IFACES);
    if (f->n_ifaces == f->ifaces_cap) {
        uint32_t ncap = f->ifaces_cap ? f->ifaces_cap * 2 : 8;
        sf_capfile_iface_t *n = realloc(f->ifaces, ncap * sizeof *n);
        if (!n)
            return sf_capfile_fail(f, SF_CAPFILE_CORRUPT, "out of memory for pcapng interfaces",
                                   why);
        f->ifaces = n;
        f->ifaces_cap = ncap;
    }
    bool be = f->swap;
    sf_capfile_iface_t ifc = {
        .linktype = sf_capfile_rd16(be, body),
        .snaplen = sf_capfile_rd32(be, body + 4),
        .tsoffset = 0,
        .tsres_exp = 6, /* pcapng 4.2: if_tsresol defaults to 10^-6 */
        .tsres_pow2 = false,
    };
    /* pcapng 3.5: options are code, length, value padded to 32 bits. A
     * malformed option list ends the walk; the interface stays usable. */
    size_t off = 8;
    while (off + 4 <= len) {
        uint16_t code = sf_capfile_rd16(be, body + off);
        uint16_t olen = sf_capfile_rd16(be, body + off + 2);
        if (code == OPT_ENDOFOPT || (size_t)olen > len - off - 4) break;
        const uint8_t *v = body + off + 4;
        if (code == OPT_IF_TSRESOL && olen >= 1) {
            /* MSB clear: 10^-v; set: 2^-(v & 0x7f). */
            ifc.tsres_pow2 = (v[0] & 0x80) != 0;
            ifc.tsres_exp = v[0] & 0x7f;
        } else if (code == OPT_IF_TSOFFSET && olen == 8) {
            ifc.tsoffset = (int64_t)sf_capfile_rd64(be, v);
        }
        off += 4 + (((size_t)olen + 3u) & ~(size_t)3u);
    }
    /* prec: decimal digits the fraction carries; sf_ts_t keeps 9 at most,
     * and a binary fraction is shown at full nanosecond precision. */
    ifc.prec = ifc.tsres_pow2 ? 9 : (ifc.tsres_exp > 9 ? 9 : ifc.tsres_exp);
    f->ifaces[f->n_ifaces++] = ifc;
    return SF_CAPFILE_RECORD;
}

/* pcapng 4.3 EPB and appendix A OPB share a layout after the interface id:
 * ts high, ts low, captured length, original length, data. */
static sf_capfile_status_t sf_capfile_pcapng_packet(sf_capfile_t *f, uint32_t type, uint32_t total,
                                                    const uint8_t *body, sf_capfile_record_t *rec,
                                                    const char **why)
{
    bool be = f->swap;
    const char *name = type == PCAPNG_EPB ? "EPB" : "OPB";
    if (total < 32)
        return sf_capfile_failf(f, SF_CAPFILE_CORRUPT, why, "%s at offset %llu is too short (%u)",
                                name, (unsigned long long)sf_capfile_offset(f), total);
    uint32_t id = type == PCAPNG_EPB ? sf_capfile_rd32(be, body) : sf_capfile_rd16(be, body);
    if (id >= f->n_ifaces)
        return sf_capfile_failf(f, SF_CAPFILE_CORRUPT, why,
                                "%s at offset %llu refers to interface %u, but the section "
                                "defines %u",
                                name, (unsigned long long)sf_capfile_offset(f), id, f->n_ifaces);
    uint64_t t = (uint64_t)sf_capfile_rd32(be, body + 4) << 32 | sf_capfile_rd32(be, body + 8);
    uint32_t caplen = sf_capfile_rd32(be, body + 12);
    if (caplen > total - 32)
        return sf_capfile_failf(f, SF_CAPFILE_CORRUPT, why,
                                "%s at offset %llu: captured length %u exceeds its block (%u)",
                                name, (unsigned long long)sf_capfile_offset(f), caplen, total);
    const sf_capfile_iface_t *ifc = &f->ifaces[id];
    rec->ts = sf_capfile_iface_ts(ifc, t);
    rec->linktype = ifc->linktype;
    rec->iface = id;
    rec->caplen = caplen < SF_CAPFILE_MAX_CAPLEN ? caplen : SF_CAPFILE_MAX_CAPLEN;
    rec->len = sf_capfile_rd32(be, body + 16);
    rec->snaplen = ifc->snaplen;
    rec->data = body + 20;
    return SF_CAPFILE_RECORD;
}

/* pcapng 4.4: Simple Packet Block: interface 0, no timestamp, the captured
 * length is implied by the block and the interface's snaplen. */
static sf_capfile_status_t sf_capfile_pcapng_spb(sf_capfile_t *f, uint32_t total,
                                                 const uint8_t *body, sf_capfile_record_t *rec,
                                                 const char **why)
{
    if (total < 16)
        return sf_capfile_failf(f, SF_CAPFILE_CORRUPT, why, "SPB at offset %llu is too short (%u)",
                                (unsigned long long)sf_capfile_offset(f), total);
    if (f->n_ifaces == 0)
        return sf_capfile_failf(f, SF_CAPFILE_CORRUPT, why,
                                "SPB at offset %llu, but the section defines no interface",
                                (unsigned long long)sf_capfile_offset(f));
    const sf_capfile_iface_t *ifc = &f->ifaces[0];
    uint32_t len = sf_capfile_rd32(f->swap, body);
    uint32_t caplen = total - 16;
    if (len < caplen) caplen = len;
    if (ifc->snaplen != 0 && ifc->snaplen < caplen) caplen = ifc->snaplen;
    rec->ts = (sf_ts_t){.sec = 0, .nsec = 0, .prec = ifc->prec};
    rec->linktype = ifc->linktype;
    rec->iface = 0;
    rec->caplen = caplen < SF_CAPFILE_MAX_CAPLEN ? caplen : SF_CAPFILE_MAX_CAPLEN;
    rec->len = len;
    rec->snaplen = ifc->snaplen;
    rec->data = body + 4;
    return SF_CAPFILE_RECORD;
}

sf_capfile_status_t sf_capfile_pcapng_next(sf_capfile_t *f, sf_capfile_record_t *rec,
                                           const char **why)
{
    /* Bounded by the input: every round consumes a whole block (at least
     * 12 bytes) or returns. */
    for (;;) {
        sf_capfile_status_t st = sf_capfile_settle(f, why);
        if (st != SF_CAPFILE_RECORD) return st;
        size_t have = sf_capfile_ensure(f, 12);
        if (have == 0 && !f->read_error) return sf_capfile_fail(f, SF_CAPFILE_END, NULL, why);
        if (have < 12) return sf_capfile_short(f, "file ends inside a pcapng block header", why);
        const uint8_t *p = f->buf + f->pos;
        if (sf_capfile_rd32(false, p) == SF_PCAPNG_SHB_TYPE) {
            /* pcapng 4.1: a new section; its byte-order magic decides how
             * everything up to the next SHB is read, the length included. */
            if (sf_capfile_rd32(false, p + 8) == PCAPNG_BOM)
                f->swap = false;
            else if (sf_capfile_rd32(true, p + 8) == PCAPNG_BOM)
                f->swap = true;
            else
                return sf_capfile_failf(f, SF_CAPFILE_CORRUPT, why,
                                        "SHB at offset %llu has a bad byte-order magic",
                                        (unsigned long long)sf_capfile_offset(f));
        } else if (!f->in_section) {
            return sf_capfile_fail(f, SF_CAPFILE_CORRUPT, "pcapng file does not start with an SHB",
                                   why);
        }
        uint32_t type = sf_capfile_rd32(f->swap, p);
        uint32_t total = sf_capfile_rd32(f->swap, p + 4);
        /* pcapng 3.1: the total length counts header and trailer and is a
         * multiple of 4; cap it so hostile lengths stay cheap. */
        if (total < 12 || total % 4 != 0 || total > SF_CAPFILE_MAX_BLOCK)
            return sf_capfile_failf(f, SF_CAPFILE_CORRUPT, why,
                                    "pcapng block type 0x%08x at offset %llu has an invalid "
                                    "length %u",
                                    type, (unsigned long long)sf_capfile_offset(f), total);
        /* A block that fits the buffer is read whole and its trailing
         * length checked before anything in it is used, so a cut file
         * yields exactly the blocks wholly present. A longer block is
         * used from its buffered prefix and the rest is skipped and
         * checked by the next round (settle). */
        bool whole = total <= f->cap;
        size_t view = whole ? total : f->cap;
        if (sf_capfile_ensure(f, view) < view)
            return sf_capfile_short(f, "file ends inside a pcapng block", why);
        p = f->buf + f->pos;
        if (whole && sf_capfile_rd32(f->swap, p + total - 4) != total)
            return sf_capfile_failf(f, SF_CAPFILE_CORRUPT, why,
                                    "pcapng block at offset %llu: trailing length %u differs "
                                    "from %u",
                                    (unsigned long long)sf_capfile_offset(f),
                                    sf_capfile_rd32(f->swap, p + total - 4), total);
        const uint8_t *body = p + 8;
        size_t body_len = whole ? total - 12 : view - 8;
        st = SF_CAPFILE_END; /* "not a record" below */
        switch (type) {
        case SF_PCAPNG_SHB_TYPE:
            if (total < 28)
                return sf_capfile_failf(f, SF_CAPFILE_CORRUPT, why,
                                        "SHB at offset %llu is too short (%u)",
                                        (unsigned long long)sf_capfile_offset(f), total);
            if (sf_capfile_rd16(f->swap, body + 4) != 1)
                return sf_capfile_failf(f, SF_CAPFILE_CORRUPT, why,
                                        "SHB at offset %llu: unsupported pcapng version %u.%u",
                                        (unsigned long long)sf_capfile_offset(f),
                                        sf_capfile_rd16(f->swap, body + 4),
                                        sf_capfile_rd16(f->swap, body + 6));
            f->in_section = true;
            f->n_ifaces = 0; /* interface ids are per section */
            break;
        case PCAPNG_IDB:
            if (total < 20)
                return sf_capfile_failf(f, SF_CAPFILE_CORRUPT, why,
                                        "IDB at offset %llu is too short (%u)",
                                        (unsigned long long)sf_capfile_offset(f), total);
            st = sf_capfile_pcapng_idb(f, body, body_len, why);
            if (st != SF_CAPFILE_RECORD) return st;
            st = SF_CAPFILE_END;
            break;
        case PCAPNG_EPB:
        case PCAPNG_OPB:
            st = sf_capfile_pcapng_packet(f, type, total, body, rec, why);
            if (st != SF_CAPFILE_RECORD) return st;
            break;
        case PCAPNG_SPB:
            st = sf_capfile_pcapng_spb(f, total, body, rec, why);
            if (st != SF_CAPFILE_RECORD) return st;
            break;
        default: /* NRB, ISB, DSB, custom and unknown blocks: pcapng 3.1
                    says readers skip what they do not understand */
            break;
        }
        f->pos += view;
        if (!whole) {
            f->pending_skip = total - 4 - view;
            f->pending_trailer = true;
            f->pending_total = total;
        }
        if (st == SF_CAPFILE_RECORD) return st;
    }
}
