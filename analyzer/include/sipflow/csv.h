/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CSV output (RFC 4180: comma-separated, CRLF-free fields quoted with
 * doubled quotes when they hold a comma, quote, CR or LF; lines end in
 * LF). Calls are one row per call with a header row; the statistics are
 * the JSON document flattened to "key,value" rows whose key is the JSON
 * path joined with '/' (array items by index), so both say the same. */
#ifndef SIPFLOW_CSV_H
#define SIPFLOW_CSV_H

#include <stdio.h>

#include "sipflow/engine.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One field; first = no leading comma. NULL is an empty field. Bytes that
 * are not printable ASCII or UTF-8 pass through unchanged. */
void sf_csv_field(FILE *f, const char *s, size_t n, bool first);
void sf_csv_str(FILE *f, const char *s, bool first);

/* The calls table: the header row, then one row per call. Columns are
 * the JSON record's keys of the same name (docs/schemas/calls.schema.json). */
void sf_format_call_csv_header(FILE *f);
void sf_format_call_csv(FILE *f, const sf_call_t *c);

/* Flattens one JSON document (as written by sf_json: no whitespace,
 * well-formed) into "key,value" rows after a "key,value" header. Strings
 * are unescaped, null is an empty field, true/false and numbers as
 * written. Returns 0, or -1 when json is not well-formed. */
int sf_csv_flatten_json(FILE *f, const char *json, size_t len);

#ifdef __cplusplus
}
#endif

#endif
