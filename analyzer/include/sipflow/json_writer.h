/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A small streaming JSON writer: appends to a growable buffer that the
 * caller flushes (one JSON Lines record at a time). Strings are always
 * valid UTF-8 JSON: well-formed UTF-8 sequences pass through, control
 * characters are escaped, and every byte that is not part of a well-formed
 * UTF-8 sequence (and NUL) is written as the escape \u00XX of its byte
 * value, i.e. it becomes the code point U+00XX (docs/json.md). */
#ifndef SIPFLOW_JSON_WRITER_H
#define SIPFLOW_JSON_WRITER_H

#include <stdio.h>

#include "sipflow/types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SF_JSON_MAX_DEPTH 32

typedef struct sf_json {
    char *buf;
    size_t len, cap;
    /* per nesting level: has the container had a member yet? */
    uint8_t first[SF_JSON_MAX_DEPTH];
    int depth;
    int pending_key; /* a key was just written: next value needs no comma */
    int failed;      /* out of memory: further output is dropped */
} sf_json_t;

void sf_json_init(sf_json_t *j);
void sf_json_free(sf_json_t *j);
void sf_json_reset(sf_json_t *j); /* empty the buffer, keep its memory */

void sf_json_object_begin(sf_json_t *j);
void sf_json_object_end(sf_json_t *j);
void sf_json_array_begin(sf_json_t *j);
void sf_json_array_end(sf_json_t *j);
void sf_json_key(sf_json_t *j, const char *key); /* key must be plain ASCII */

void sf_json_string(sf_json_t *j, const char *s);
void sf_json_string_len(sf_json_t *j, const char *s, size_t n);
void sf_json_slice(sf_json_t *j, sf_slice_t s); /* null when s.p is NULL */
void sf_json_int(sf_json_t *j, int64_t v);
void sf_json_uint(sf_json_t *j, uint64_t v);
void sf_json_double(sf_json_t *j, double v); /* null when not finite */
void sf_json_bool(sf_json_t *j, bool v);
void sf_json_null(sf_json_t *j);
/* A value already in JSON form (trusted). */
void sf_json_raw(sf_json_t *j, const char *s, size_t n);

/* Appends the buffer and a newline to f, then resets. Returns 0 or -1 on
 * a write error. */
int sf_json_flush_line(sf_json_t *j, FILE *f);

/* Appends s to out as a JSON string body (no quotes), escaping as above. */
void sf_json_escape_into(sf_json_t *j, const char *s, size_t n);

#ifdef __cplusplus
}
#endif

#endif
