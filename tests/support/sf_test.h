/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the cmocka unit tests. */
#ifndef SF_TEST_H
#define SF_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sipflow/types.h"

/* Exit code ctest treats as "skipped". */
#define SF_TEST_SKIP 77

/* Directory of the shared corpus (../shared), or NULL when it is missing.
 * When missing outside CI the caller should sf_test_skip(); under CI=true
 * sf_test_skip() fails the test instead. */
const char *sf_test_shared_dir(void);
/* Path below the shared dir ("pcaps/public/messages/..."), malloc'ed. */
char *sf_test_shared_path(const char *rel);
/* Skips (exit 77), or under CI=true prints why and exits 1. */
_Noreturn void sf_test_skip(const char *why);
/* Reads a whole file; returns malloc'ed bytes and *len, NULL on error. */
uint8_t *sf_test_read_file(const char *path, size_t *len);
/* A fresh directory /tmp/<name>-XXXXXX, written to buf (n bytes);
 * returns 0, -1 on failure. */
int sf_test_tmpdir(char *buf, size_t n, const char *name);
/* Removes dir (one sf_test_tmpdir() made) and everything in it; 0, -1. */
int sf_test_rmtree(const char *dir);
/* Makes a timestamp from seconds and microseconds. */
sf_ts_t sf_test_ts(int64_t sec, uint32_t usec);

#endif
