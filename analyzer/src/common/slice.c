/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>

#include "sipflow/types.h"

bool sf_slice_eq(sf_slice_t a, const char *s)
{
    size_t n = strlen(s);
    return a.len == n && (n == 0 || memcmp(a.p, s, n) == 0);
}

bool sf_slice_ieq(sf_slice_t a, const char *s)
{
    size_t n = strlen(s);
    if (a.len != n) return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a.p[i], y = (unsigned char)s[i];
        if (x >= 'A' && x <= 'Z') x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z') y = (unsigned char)(y + 32);
        if (x != y) return false;
    }
    return true;
}
