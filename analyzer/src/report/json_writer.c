/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sipflow/json_writer.h"
#include "sipflow/utf8.h"

void sf_json_init(sf_json_t *j)
{
    memset(j, 0, sizeof *j);
}

void sf_json_free(sf_json_t *j)
{
    free(j->buf);
    memset(j, 0, sizeof *j);
}

void sf_json_reset(sf_json_t *j)
{
    j->len = 0;
    j->depth = 0;
    j->pending_key = 0;
    j->failed = 0;
}

static int reserve(sf_json_t *j, size_t extra)
{
    if (j->failed) return -1;
    if (j->len + extra + 1 <= j->cap) return 0;
    size_t cap = j->cap ? j->cap : 1024;
    while (cap < j->len + extra + 1) {
        if (cap > SIZE_MAX / 2) {
            j->failed = 1;
            return -1;
        }
        cap *= 2;
    }
    char *nb = realloc(j->buf, cap);
    if (!nb) {
        j->failed = 1;
        return -1;
    }
    j->buf = nb;
    j->cap = cap;
    return 0;
}

static void put(sf_json_t *j, const char *s, size_t n)
{
    if (reserve(j, n) != 0) return;
    memcpy(j->buf + j->len, s, n);
    j->len += n;
}

static void putc1(sf_json_t *j, char c)
{
    if (reserve(j, 1) != 0) return;
    j->buf[j->len++] = c;
}

/* Comma handling: every value or key inside a container except the first
 * is preceded by a comma; a value right after its key is not. */
static void before_value(sf_json_t *j)
{
    if (j->pending_key) {
        j->pending_key = 0;
        return;
    }
    if (j->depth > 0 && j->depth <= SF_JSON_MAX_DEPTH) {
        if (!j->first[j->depth - 1]) putc1(j, ',');
        j->first[j->depth - 1] = 0;
    }
}

static void open_container(sf_json_t *j, char c)
{
    before_value(j);
    putc1(j, c);
    if (j->depth < SF_JSON_MAX_DEPTH) j->first[j->depth] = 1;
    j->depth++;
}

static void close_container(sf_json_t *j, char c)
{
    if (j->depth > 0) j->depth--;
    putc1(j, c);
}

void sf_json_object_begin(sf_json_t *j)
{
    open_container(j, '{');
}
void sf_json_object_end(sf_json_t *j)
{
    close_container(j, '}');
}
void sf_json_array_begin(sf_json_t *j)
{
    open_container(j, '[');
}
void sf_json_array_end(sf_json_t *j)
{
    close_container(j, ']');
}

void sf_json_key(sf_json_t *j, const char *key)
{
    before_value(j);
    putc1(j, '"');
    put(j, key, strlen(key));
    put(j, "\":", 2);
    j->pending_key = 1;
}

void sf_json_escape_into(sf_json_t *j, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, run = 0; /* run: start of bytes that need no escaping */
    while (i < n) {
        unsigned char c = p[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            i++;
            continue;
        }
        size_t k = c >= 0x80 ? sf_utf8_next(p + i, n - i, NULL) : 0;
        if (k > 1) {
            i += k;
            continue;
        }
        put(j, s + run, i - run);
        char esc[6];
        switch (c) {
        case '"': put(j, "\\\"", 2); break;
        case '\\': put(j, "\\\\", 2); break;
        case '\n': put(j, "\\n", 2); break;
        case '\r': put(j, "\\r", 2); break;
        case '\t': put(j, "\\t", 2); break;
        default:
            esc[0] = '\\';
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            put(j, esc, 6);
        }
        i++;
        run = i;
    }
    put(j, s + run, n - run);
}

void sf_json_string_len(sf_json_t *j, const char *s, size_t n)
{
    before_value(j);
    putc1(j, '"');
    sf_json_escape_into(j, s, n);
    putc1(j, '"');
}

void sf_json_string(sf_json_t *j, const char *s)
{
    if (!s) {
        sf_json_null(j);
        return;
    }
    sf_json_string_len(j, s, strlen(s));
}

void sf_json_slice(sf_json_t *j, sf_slice_t s)
{
    if (!s.p) {
        sf_json_null(j);
        return;
    }
    sf_json_string_len(j, s.p, s.len);
}

void sf_json_int(sf_json_t *j, int64_t v)
{
    char b[24];
    int n = snprintf(b, sizeof b, "%" PRId64, v);
    before_value(j);
    put(j, b, (size_t)n);
}

void sf_json_uint(sf_json_t *j, uint64_t v)
{
    char b[24], *e = b + sizeof b, *p = e;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    before_value(j);
    put(j, p, (size_t)(e - p));
}

void sf_json_double(sf_json_t *j, double v)
{
    if (!isfinite(v)) {
        sf_json_null(j);
        return;
    }
    char b[40];
    int n = snprintf(b, sizeof b, "%.17g", v);
    before_value(j);
    put(j, b, (size_t)n);
}

void sf_json_bool(sf_json_t *j, bool v)
{
    before_value(j);
    if (v)
        put(j, "true", 4);
    else
        put(j, "false", 5);
}

void sf_json_null(sf_json_t *j)
{
    before_value(j);
    put(j, "null", 4);
}

void sf_json_raw(sf_json_t *j, const char *s, size_t n)
{
    before_value(j);
    put(j, s, n);
}

int sf_json_flush_line(sf_json_t *j, FILE *f)
{
    int rc = 0;
    if (!j->failed) {
        putc1(j, '\n');
        if (j->len && fwrite(j->buf, 1, j->len, f) != j->len) rc = -1;
    } else {
        rc = -1;
    }
    sf_json_reset(j);
    return rc;
}
