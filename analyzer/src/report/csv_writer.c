/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CSV fields (RFC 4180 2.6/2.7) and the JSON flattener of the stats CSV. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sipflow/csv.h"

void sf_csv_field(FILE *f, const char *s, size_t n, bool first)
{
    if (!first) fputc(',', f);
    if (!s) return;
    bool quote = false;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!quote) {
        fwrite(s, 1, n, f);
        return;
    }
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') fputc('"', f);
        fputc(s[i], f);
    }
    fputc('"', f);
}

void sf_csv_str(FILE *f, const char *s, bool first)
{
    sf_csv_field(f, s, s ? strlen(s) : 0, first);
}

/* ---- JSON flattening ---------------------------------------------------- */

typedef struct {
    const char *p, *end;
    FILE *f;
    char path[512];
    size_t path_len;
    char *text; /* unescaped string scratch */
    size_t text_cap;
    int depth;
} flat_t;

static void put_utf8(char *b, size_t *n, uint32_t cp)
{
    if (cp < 0x80) {
        b[(*n)++] = (char)cp;
    } else if (cp < 0x800) {
        b[(*n)++] = (char)(0xc0 | cp >> 6);
        b[(*n)++] = (char)(0x80 | (cp & 0x3f));
    } else {
        b[(*n)++] = (char)(0xe0 | cp >> 12);
        b[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[(*n)++] = (char)(0x80 | (cp & 0x3f));
    }
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Reads a JSON string at x->p (on the quote) into x->text; returns its
 * length or -1. Surrogate pairs are joined. */
static long read_string(flat_t *x)
{
    if (x->p >= x->end || *x->p != '"') return -1;
    x->p++;
    size_t n = 0;
    while (x->p < x->end && *x->p != '"') {
        if (n + 8 > x->text_cap) return -1;
        char c = *x->p++;
        if (c != '\\') {
            x->text[n++] = c;
            continue;
        }
        if (x->p >= x->end) return -1;
        c = *x->p++;
        switch (c) {
        case 'n':
            x->text[n++] = '\n';
            break;
        case 'r':
            x->text[n++] = '\r';
            break;
        case 't':
            x->text[n++] = '\t';
            break;
        case 'b':
            x->text[n++] = '\b';
            break;
        case 'f':
            x->text[n++] = '\f';
            break;
        case 'u': {
            if (x->end - x->p < 4) return -1;
            uint32_t cp = 0;
            for (int i = 0; i < 4; i++) {
                int h = hexval(x->p[i]);
                if (h < 0) return -1;
                cp = cp << 4 | (uint32_t)h;
            }
            x->p += 4;
            if (cp >= 0xd800 && cp < 0xdc00 && x->end - x->p >= 6 && x->p[0] == '\\' &&
                x->p[1] == 'u') {
                uint32_t lo = 0;
                for (int i = 0; i < 4; i++) {
                    int h = hexval(x->p[2 + i]);
                    lo = lo << 4 | (uint32_t)(h < 0 ? 0 : h);
                }
                x->p += 6;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                x->text[n++] = (char)(0xf0 | cp >> 18);
                x->text[n++] = (char)(0x80 | ((cp >> 12) & 0x3f));
                x->text[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
                x->text[n++] = (char)(0x80 | (cp & 0x3f));
            } else {
                put_utf8(x->text, &n, cp);
            }
            break;
        }
        default:
            x->text[n++] = c;
            break; /* \" \\ \/ */
        }
    }
    if (x->p >= x->end) return -1;
    x->p++;
    return (long)n;
}

static int value(flat_t *x);

static void row(flat_t *x, const char *v, size_t n, bool is_null)
{
    sf_csv_field(x->f, x->path, x->path_len, true);
    sf_csv_field(x->f, is_null ? NULL : v, n, false);
    fputc('\n', x->f);
}

static bool push(flat_t *x, const char *seg, size_t n, size_t *saved)
{
    *saved = x->path_len;
    if (x->path_len + n + 2 >= sizeof x->path) return false;
    if (x->path_len) x->path[x->path_len++] = '/';
    memcpy(x->path + x->path_len, seg, n);
    x->path_len += n;
    x->path[x->path_len] = 0;
    return true;
}

static int container(flat_t *x, bool object)
{
    char close = object ? '}' : ']';
    x->p++;
    if (++x->depth > 64) return -1;
    uint64_t index = 0;
    if (x->p < x->end && *x->p == close) {
        x->p++;
        x->depth--;
        return 0;
    }
    for (;;) {
        char seg[256];
        size_t seg_len, saved;
        if (object) {
            long n = read_string(x);
            if (n < 0 || (size_t)n >= sizeof seg || x->p >= x->end || *x->p != ':') return -1;
            memcpy(seg, x->text, (size_t)n);
            seg_len = (size_t)n;
            x->p++;
        } else {
            seg_len = (size_t)snprintf(seg, sizeof seg, "%" PRIu64, index++);
        }
        if (!push(x, seg, seg_len, &saved) || value(x) < 0) return -1;
        x->path_len = saved;
        x->path[saved] = 0;
        if (x->p >= x->end) return -1;
        if (*x->p == ',') {
            x->p++;
            continue;
        }
        if (*x->p != close) return -1;
        x->p++;
        x->depth--;
        return 0;
    }
}

static int value(flat_t *x)
{
    if (x->p >= x->end) return -1;
    char c = *x->p;
    if (c == '{') return container(x, true);
    if (c == '[') return container(x, false);
    if (c == '"') {
        long n = read_string(x);
        if (n < 0) return -1;
        row(x, x->text, (size_t)n, false);
        return 0;
    }
    const char *start = x->p;
    while (x->p < x->end && *x->p != ',' && *x->p != '}' && *x->p != ']')
        x->p++;
    size_t n = (size_t)(x->p - start);
    if (!n) return -1;
    bool null = n == 4 && memcmp(start, "null", 4) == 0;
    row(x, start, n, null);
    return 0;
}

int sf_csv_flatten_json(FILE *f, const char *json, size_t len)
{
    flat_t x;
    memset(&x, 0, sizeof x);
    x.p = json;
    x.end = json + len;
    while (x.end > x.p && (x.end[-1] == '\n' || x.end[-1] == ' '))
        x.end--;
    x.f = f;
    /* an unescaped string is never longer than its escaped form (a \u
     * escape of 6 bytes yields at most 4; a pair of 12 yields 4) */
    x.text_cap = len + 16;
    x.text = malloc(x.text_cap);
    if (!x.text) return -1;
    fputs("key,value\n", f);
    int r = value(&x);
    free(x.text);
    return r < 0 || x.p != x.end ? -1 : 0;
}
