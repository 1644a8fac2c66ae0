/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The mapped stream libpcap reads classic pcap files through
 * (analyzer/src/capture/mapped_file.c): every byte comes back in order
 * across window boundaries, a file that grows is followed, and what is not
 * a regular file is refused so the caller falls back to fopen(). */
#include "sf_test.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../analyzer/src/capture/mapped_file.h"

/* more than two 4 MiB windows, and not a multiple of any buffer size */
#define BIG ((size_t)(9u << 20) + 12345u)

static unsigned char byte_at(size_t i)
{
    return (unsigned char)((i * 2654435761u) >> 13);
}

static char *write_file(size_t n, char *path, size_t pathlen)
{
    snprintf(path, pathlen, "/tmp/sf-mapped-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    for (size_t i = 0; i < n; i++)
        fputc(byte_at(i), f);
    assert_int_equal(fclose(f), 0);
    return path;
}

static void test_reads_every_byte_across_windows(void **state)
{
    (void)state;
    char path[64];
    write_file(BIG, path, sizeof path);
    FILE *f = sf_mapped_fopen(path);
    assert_non_null(f);
    /* odd read sizes, including ones far larger than the stdio buffer */
    static const size_t sizes[] = {1, 7, 4096, 65537, 3u << 20, 13};
    unsigned char *buf = malloc(3u << 20);
    assert_non_null(buf);
    size_t pos = 0, k = 0, bad = 0;
    for (int guard = 0; guard < 100000; guard++) {
        size_t want = sizes[k++ % (sizeof sizes / sizeof sizes[0])];
        size_t got = fread(buf, 1, want, f);
        for (size_t i = 0; i < got; i++)
            if (buf[i] != byte_at(pos + i)) bad++;
        pos += got;
        if (got < want) break;
    }
    assert_int_equal(bad, 0);
    assert_int_equal(pos, BIG);
    assert_true(feof(f));
    assert_false(ferror(f));
    assert_int_equal(fclose(f), 0);
    free(buf);
    unlink(path);
}

static void test_follows_a_growing_file(void **state)
{
    (void)state;
    char path[64];
    write_file(100, path, sizeof path);
    FILE *f = sf_mapped_fopen(path);
    assert_non_null(f);
    unsigned char buf[256];
    assert_int_equal(fread(buf, 1, sizeof buf, f), 100);
    /* bytes appended after the end was reached are read, as with read(2) */
    FILE *w = fopen(path, "ab");
    assert_non_null(w);
    for (size_t i = 100; i < 150; i++)
        fputc(byte_at(i), w);
    assert_int_equal(fclose(w), 0);
    clearerr(f);
    assert_int_equal(fread(buf, 1, sizeof buf, f), 50);
    for (size_t i = 0; i < 50; i++)
        assert_int_equal(buf[i], byte_at(100 + i));
    assert_int_equal(fclose(f), 0);
    unlink(path);
}

static void test_empty_file_and_refusals(void **state)
{
    (void)state;
    char path[64];
    write_file(0, path, sizeof path);
    FILE *f = sf_mapped_fopen(path);
    assert_non_null(f);
    unsigned char c;
    assert_int_equal(fread(&c, 1, 1, f), 0);
    assert_true(feof(f));
    assert_int_equal(fclose(f), 0);
    unlink(path);

    errno = 0;
    assert_null(sf_mapped_fopen(path)); /* gone */
    assert_int_equal(errno, ENOENT);
    errno = 0;
    assert_null(sf_mapped_fopen("/tmp")); /* not a regular file */
    assert_true(errno != 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads_every_byte_across_windows),
        cmocka_unit_test(test_follows_a_growing_file),
        cmocka_unit_test(test_empty_file_and_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
