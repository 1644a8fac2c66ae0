/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "call_select.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool number_of(const char *v, uint64_t *n)
{
    if (!*v) return false;
    for (const char *p = v; *p; p++)
        if (*p < '0' || *p > '9') return false;
    errno = 0;
    unsigned long long x = strtoull(v, NULL, 10);
    if (errno) return false;
    *n = x;
    return true;
}

bool sf_call_select_any(char *const *values)
{
    return values && values[0];
}

bool sf_call_select_call(char *const *values, const sf_call_t *c)
{
    if (!values) return false;
    for (char *const *p = values; *p; p++) {
        uint64_t n;
        if (number_of(*p, &n) && n == c->number) return true;
        if (c->call_id && strcmp(*p, c->call_id) == 0) return true;
    }
    return false;
}

bool sf_call_select_message(char *const *values, uint32_t call, sf_slice_t call_id)
{
    if (!values) return false;
    for (char *const *p = values; *p; p++) {
        uint64_t n;
        if (number_of(*p, &n) && n == call) return true;
        size_t l = strlen(*p);
        if (call_id.p && call_id.len == l && memcmp(call_id.p, *p, l) == 0) return true;
    }
    return false;
}
