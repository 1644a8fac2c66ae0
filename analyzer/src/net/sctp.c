/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SCTP common header, chunk walk and DATA / I-DATA chunk decoding
 * (sipflow/sctp.h). Pure functions: no state, no allocation. */
#include "sipflow/sctp.h"

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(((uint32_t)p[0] << 8) | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

bool sf_sctp_parse_header(const uint8_t *p, uint32_t len, sf_sctp_header_t *h)
{
    if (len < SF_SCTP_HEADER_LEN) return false;
    h->sport = be16(p);
    h->dport = be16(p + 2);
    h->vtag = be32(p + 4);
    /* p[8..11]: CRC32c, not verified (offload) */
    return true;
}

sf_sctp_result_t sf_sctp_next_chunk(const uint8_t *p, uint32_t len, uint32_t *off,
                                    sf_sctp_chunk_t *c, const char **why)
{
    uint32_t o = *off;
    if (o >= len) return SF_SCTP_END;
    if (len - o < 4) {
        /* RFC 9260 3.2: at most 3 bytes of padding follow a chunk; bytes
         * that are all zero are padding of a chunk whose length left it
         * out, anything else is a cut chunk header */
        for (uint32_t i = o; i < len; i++)
            if (p[i] != 0) {
                if (why) *why = "chunk header cut short";
                return SF_SCTP_TRUNCATED;
            }
        *off = len;
        return SF_SCTP_END;
    }
    uint16_t clen = be16(p + o + 2);
    if (clen < 4) {
        if (why) *why = "chunk length below 4 (RFC 9260 3.2)";
        return SF_SCTP_MALFORMED;
    }
    if (clen > len - o) {
        if (why) *why = "chunk length past the end of the packet";
        return SF_SCTP_TRUNCATED;
    }
    c->type = p[o];
    c->flags = p[o + 1];
    c->length = clen;
    c->value = p + o + 4;
    c->value_len = clen - 4u;
    uint32_t padded = ((uint32_t)clen + 3u) & ~3u;
    *off = padded > len - o ? len : o + padded;
    return SF_SCTP_OK;
}

sf_sctp_result_t sf_sctp_parse_data(const sf_sctp_chunk_t *c, sf_sctp_data_t *d, const char **why)
{
    const uint8_t *v = c->value;
    d->idata = c->type == SF_SCTP_CHUNK_I_DATA;
    d->flags = c->flags & (SF_SCTP_FLAG_E | SF_SCTP_FLAG_B | SF_SCTP_FLAG_U | SF_SCTP_FLAG_I);
    /* RFC 9260 3.3.1: TSN, stream, SSN, PPID = 12 bytes after the chunk
     * header; RFC 8260 2.1: TSN, stream, reserved, MID, PPID/FSN = 16. */
    uint32_t hl = d->idata ? 16u : 12u;
    if (c->value_len < hl) {
        if (why)
            *why = d->idata ? "I-DATA chunk shorter than its header (RFC 8260 2.1)"
                            : "DATA chunk shorter than its header (RFC 9260 3.3.1)";
        return SF_SCTP_MALFORMED;
    }
    if (c->value_len == hl) {
        if (why) *why = "DATA chunk without user data (RFC 9260 6.2)";
        return SF_SCTP_MALFORMED;
    }
    d->tsn = be32(v);
    d->stream = be16(v + 4);
    if (d->idata) {
        d->ssn = 0;
        d->mid = be32(v + 8);
        uint32_t x = be32(v + 12);
        /* the first fragment carries the PPID, the others their FSN; the
         * first fragment's FSN is 0 (RFC 8260 2.1) */
        d->ppid = (d->flags & SF_SCTP_FLAG_B) ? x : 0;
        d->fsn = (d->flags & SF_SCTP_FLAG_B) ? 0 : x;
    } else {
        d->ssn = be16(v + 6);
        d->mid = 0;
        d->fsn = 0;
        d->ppid = be32(v + 8);
    }
    d->data = v + hl;
    d->len = c->value_len - hl;
    return SF_SCTP_OK;
}
