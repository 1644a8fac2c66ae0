/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Compressed HEP3 payloads (chunk 0x0010). Agents compress with zlib's
 * compress() (RFC 1950) or gzip (RFC 1952); inflateInit2 with 15 + 32
 * detects either; raw deflate (RFC 1951) is tried when neither header is
 * there. The output buffer is owned here, grows by doubling up to max_out
 * and is reused for every payload: a "zip bomb" stops at max_out and is a
 * defect, never an allocation past the cap. */
#include <stdlib.h>
#include <zlib.h>

#include "sipflow/hep.h"

#define HEP_INFLATE_FIRST 4096u

struct sf_hep_inflater {
    z_stream zs;
    bool zs_ok;
    int zs_bits; /* window bits zs was initialised with */
    uint8_t *buf;
    uint32_t cap, max_out;
};

sf_hep_inflater_t *sf_hep_inflater_create(uint32_t max_out)
{
    sf_hep_inflater_t *z = calloc(1, sizeof *z);
    if (!z) return NULL;
    z->max_out = max_out ? max_out : 65535u;
    return z;
}

void sf_hep_inflater_destroy(sf_hep_inflater_t *z)
{
    if (!z) return;
    if (z->zs_ok) inflateEnd(&z->zs);
    free(z->buf);
    free(z);
}

static bool reset(sf_hep_inflater_t *z, int bits)
{
    if (z->zs_ok && z->zs_bits == bits) return inflateReset(&z->zs) == Z_OK;
    if (z->zs_ok) inflateEnd(&z->zs);
    z->zs_ok = false;
    z->zs.zalloc = Z_NULL;
    z->zs.zfree = Z_NULL;
    z->zs.opaque = Z_NULL;
    z->zs.next_in = Z_NULL;
    z->zs.avail_in = 0;
    if (inflateInit2(&z->zs, bits) != Z_OK) return false;
    z->zs_ok = true;
    z->zs_bits = bits;
    return true;
}

/* One attempt with the given window bits: 1 done, 0 data error, -1 over
 * the cap or out of memory. */
static int run(sf_hep_inflater_t *z, int bits, const uint8_t *in, uint32_t len, uint32_t *out_len,
               const char **why)
{
    if (!reset(z, bits)) {
        *why = "zlib could not be initialised";
        return -1;
    }
    z->zs.next_in = (Bytef *)(uintptr_t)in;
    z->zs.avail_in = len;
    uint32_t have = 0;
    /* each round either fills the buffer (which then doubles, at most
     * log2(max_out) times) or ends the stream or fails: bounded */
    for (;;) {
        if (have == z->cap) {
            if (z->cap >= z->max_out) {
                *why = "compressed HEP payload inflates past the size cap";
                return -1;
            }
            uint32_t ncap = z->cap ? z->cap * 2 : HEP_INFLATE_FIRST;
            if (ncap > z->max_out) ncap = z->max_out;
            uint8_t *nb = realloc(z->buf, ncap);
            if (!nb) {
                *why = "out of memory inflating a HEP payload";
                return -1;
            }
            z->buf = nb;
            z->cap = ncap;
        }
        z->zs.next_out = z->buf + have;
        z->zs.avail_out = z->cap - have;
        int rc = inflate(&z->zs, Z_NO_FLUSH);
        have = z->cap - z->zs.avail_out;
        if (rc == Z_STREAM_END) {
            *out_len = have;
            return 1;
        }
        if (rc == Z_OK && z->zs.avail_out == 0) continue; /* needs more room */
        if (rc == Z_OK || rc == Z_BUF_ERROR) {
            *why = "compressed HEP payload ends before its stream does";
            return 0;
        }
        *why = "compressed HEP payload is not valid zlib/gzip/deflate data";
        return 0;
    }
}

bool sf_hep_inflate(sf_hep_inflater_t *z, const uint8_t *in, uint32_t len, const uint8_t **out,
                    uint32_t *out_len, const char **why)
{
    *why = NULL;
    int rc = run(z, 15 + 32, in, len, out_len, why);
    if (rc == 0) {
        const char *first = *why;
        rc = run(z, -15, in, len, out_len, why);
        if (rc == 0) *why = first;
    }
    if (rc != 1) return false;
    *out = z->buf;
    return true;
}
