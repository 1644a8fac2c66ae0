/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: the JSON writer. (1) Escaping: any bytes become a
 * JSON string that is valid UTF-8 without raw control characters and
 * that decodes to the input with every well-formed UTF-8 sequence kept
 * and every other byte b mapped to U+00b (json_writer.h, docs/json.md);
 * checked against a decoder written here independently of the writer.
 * (2) Structure: the remaining bytes drive begin/end/key/value calls,
 * including unbalanced and too-deep nesting. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "sipflow/json_writer.h"

/* Strict UTF-8 (RFC 3629): code point of the sequence at s, its length in
 * *k; -1 when s does not start a well-formed sequence. */
static int32_t utf8_decode(const uint8_t *s, size_t n, size_t *k)
{
    uint32_t c = s[0], cp, need, min;
    if (c < 0x80) {
        *k = 1;
        return (int32_t)c;
    }
    if ((c & 0xE0) == 0xC0)
        need = 1, cp = c & 0x1F, min = 0x80;
    else if ((c & 0xF0) == 0xE0)
        need = 2, cp = c & 0x0F, min = 0x800;
    else if ((c & 0xF8) == 0xF0)
        need = 3, cp = c & 0x07, min = 0x10000;
    else
        return -1;
    if (n < need + 1) return -1;
    for (uint32_t i = 1; i <= need; i++) {
        if ((s[i] & 0xC0) != 0x80) return -1;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    *k = need + 1;
    return (int32_t)cp;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Next code point of a JSON string body at o[*i]; -1 on a syntax error. */
static int32_t json_next(const uint8_t *o, size_t n, size_t *i)
{
    if (o[*i] < 0x20 || o[*i] == '"') return -1;
    if (o[*i] != '\\') {
        size_t k;
        int32_t cp = utf8_decode(o + *i, n - *i, &k);
        if (cp < 0) return -1;
        *i += k;
        return cp;
    }
    if (*i + 1 >= n) return -1;
    char e = (char)o[*i + 1];
    *i += 2;
    switch (e) {
    case '"':
        return '"';
    case '\\':
        return '\\';
    case '/':
        return '/';
    case 'b':
        return '\b';
    case 'f':
        return '\f';
    case 'n':
        return '\n';
    case 'r':
        return '\r';
    case 't':
        return '\t';
    case 'u': {
        if (*i + 4 > n) return -1;
        int32_t v = 0;
        for (int k = 0; k < 4; k++) {
            int h = hexval((char)o[*i + (size_t)k]);
            if (h < 0) return -1;
            v = v << 4 | h;
        }
        *i += 4;
        return v; /* the writer only escapes bytes: no surrogate pairs */
    }
    default:
        return -1;
    }
}

static void check_escape(const uint8_t *data, size_t size)
{
    sf_json_t j;
    sf_json_init(&j);
    sf_json_string_len(&j, (const char *)data, size);
    FUZZ_CHECK(!j.failed);
    const uint8_t *o = (const uint8_t *)j.buf;
    size_t n = j.len;
    FUZZ_CHECK(n >= 2 && o[0] == '"' && o[n - 1] == '"');
    size_t oi = 1, ii = 0;
    while (ii < size) {
        size_t k;
        int32_t want = utf8_decode(data + ii, size - ii, &k);
        if (want < 0 || want == 0) {
            want = data[ii]; /* not well-formed (or NUL): U+00XX */
            k = 1;
        }
        FUZZ_CHECK(oi < n - 1);
        int32_t got = json_next(o, n - 1, &oi);
        FUZZ_CHECK(got == want);
        ii += k;
    }
    FUZZ_CHECK(oi == n - 1);

    /* escape_into appends the same body without quotes */
    sf_json_t j2;
    sf_json_init(&j2);
    sf_json_escape_into(&j2, (const char *)data, size);
    FUZZ_CHECK(j2.len == n - 2 && (n == 2 || memcmp(j2.buf, o + 1, n - 2) == 0));
    sf_json_free(&j2);
    sf_json_free(&j);
}

static void structure(const uint8_t *data, size_t size)
{
    sf_json_t j;
    sf_json_init(&j);
    fuzz_in_t in = {data, size, 0};
    for (unsigned steps = 0; fuzz_left(&in) && steps < 4096; steps++) {
        uint8_t op = fuzz_u8(&in);
        size_t len = op >> 4;
        if (len > fuzz_left(&in)) len = fuzz_left(&in);
        const char *s = (const char *)in.p + in.pos;
        switch (op & 15) {
        case 0:
            sf_json_object_begin(&j);
            break;
        case 1:
            sf_json_object_end(&j);
            break;
        case 2:
            sf_json_array_begin(&j);
            break;
        case 3:
            sf_json_array_end(&j);
            break;
        case 4:
            sf_json_key(&j, "k");
            break;
        case 5:
            sf_json_string_len(&j, s, len), in.pos += len;
            break;
        case 6:
            sf_json_slice(&j, (sf_slice_t){len ? s : NULL, (uint32_t)len}), in.pos += len;
            break;
        case 7:
            sf_json_int(&j, (int64_t)0x8000000000000000ull + op);
            break;
        case 8:
            sf_json_uint(&j, UINT64_MAX - op);
            break;
        case 9:
            sf_json_double(&j, op == 9 ? INFINITY : op / 7.0);
            break;
        case 10:
            sf_json_bool(&j, op & 0x10);
            break;
        case 11:
            sf_json_null(&j);
            break;
        case 12:
            sf_json_raw(&j, "1", 1);
            break;
        case 13:
            sf_json_reset(&j);
            break;
        default:
            sf_json_string(&j, "");
            break;
        }
        FUZZ_CHECK(j.depth >= 0); /* deeper than SF_JSON_MAX_DEPTH is allowed */
        FUZZ_CHECK(j.len <= j.cap);
    }
    sf_json_free(&j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1u << 20) return 0;
    check_escape(data, size);
    structure(data, size);
    return 0;
}
