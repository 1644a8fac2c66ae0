/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sf_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *sf_test_shared_dir(void)
{
    const char *d = getenv("SIPFLOW_SHARED");
    struct stat st;
    if (!d || stat(d, &st) != 0 || !S_ISDIR(st.st_mode)) return NULL;
    return d;
}

char *sf_test_shared_path(const char *rel)
{
    const char *d = sf_test_shared_dir();
    if (!d) return NULL;
    size_t n = strlen(d) + strlen(rel) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", d, rel);
    return p;
}

_Noreturn void sf_test_skip(const char *why)
{
    const char *ci = getenv("CI");
    if (ci && strcmp(ci, "true") == 0) {
        fprintf(stderr, "FAIL (CI=true forbids skipping): %s\n", why);
        exit(1);
    }
    fprintf(stderr, "SKIP: %s\n", why);
    exit(SF_TEST_SKIP);
}

uint8_t *sf_test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 65536, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (n < cap) break;
        cap *= 2;
        uint8_t *nb = realloc(buf, cap);
        if (!nb) {
            free(buf);
            buf = NULL;
        }
        buf = nb;
    }
    fclose(f);
    if (buf) {
        buf[n] = 0; /* n < cap: the loop grows before it fills; callers may sscanf */
        *len = n;
    }
    return buf;
}

int sf_test_tmpdir(char *buf, size_t n, const char *name)
{
    if (snprintf(buf, n, "/tmp/%s-XXXXXX", name) >= (int)n) return -1;
    return mkdtemp(buf) ? 0 : -1;
}

int sf_test_rmtree(const char *dir)
{
    /* dir comes from sf_test_tmpdir(): no quote in it */
    if (strchr(dir, '\'') || strncmp(dir, "/tmp/", 5) != 0) return -1;
    char cmd[512];
    if (snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir) >= (int)sizeof cmd) return -1;
    return system(cmd) == 0 ? 0 : -1;
}

sf_ts_t sf_test_ts(int64_t sec, uint32_t usec)
{
    return (sf_ts_t){.sec = sec, .nsec = usec * 1000u, .prec = 6};
}
