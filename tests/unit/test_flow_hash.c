/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The flow engine's hashes (table keys, retransmission fingerprints,
 * duplicate detection): every length and every single-bit change gives
 * another value, the seed separates tables, and nothing is read outside
 * the bytes given (each input is its own exact-size allocation, so ASan
 * and valgrind see any over-read of the tail loads). */
#include <stdlib.h>
#include <string.h>

#include "../../analyzer/src/flow/hash_map.h"
#include "sf_test.h"
#include "sipflow/duplicate.h"

#define MAX_LEN 200

static char *exact(const char *src, size_t n)
{
    char *p = malloc(n ? n : 1);
    assert_non_null(p);
    if (n) memcpy(p, src, n);
    return p;
}

static void fill(char *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        a[i] = (char)('A' + (i * 7) % 53);
}

static void test_hash_bytes(void **s)
{
    (void)s;
    char a[MAX_LEN];
    fill(a, sizeof a);
    uint64_t prev = 0;
    for (size_t len = 0; len <= MAX_LEN; len++) {
        char *p = exact(a, len);
        uint64_t h = sf_hash_bytes(0, p, len);
        assert_true(h != 0);
        assert_true(h == sf_hash_bytes(0, p, len));
        if (len) assert_true(h != prev); /* the prefix one shorter */
        prev = h;
        assert_true(h != sf_hash_bytes(3, p, len)); /* seeds keep tables apart */
        assert_true(sf_hash_bytes(3, p, len) != sf_hash_bytes(7, p, len));
        for (size_t k = 0; k < len; k++)
            for (int bit = 0; bit < 8; bit += 3) {
                p[k] ^= (char)(1 << bit);
                assert_true(sf_hash_bytes(0, p, len) != h);
                p[k] ^= (char)(1 << bit);
            }
        free(p);
    }
    /* an absent field is (NULL, 0) */
    assert_true(sf_hash_bytes(0, NULL, 0) == sf_hash_bytes(0, "", 0));
}

/* Trailing zero bytes are not padding: "ab" and "ab\0" differ. */
static void test_hash_zero_tail(void **s)
{
    (void)s;
    char z[40] = "branch";
    for (size_t len = 6; len < sizeof z; len++)
        assert_true(sf_hash_bytes(0, z, len) != sf_hash_bytes(0, z, len - 1));
}

static void test_hash_absorb(void **s)
{
    (void)s;
    char a[MAX_LEN];
    fill(a, sizeof a);
    for (size_t len = 0; len <= 80; len++) {
        char *p = exact(a, len);
        uint64_t h = sf_hash_finish(sf_hash_absorb(len, p, len));
        assert_true(h != 0);
        for (size_t k = 0; k < len; k++) {
            p[k] ^= 0x10;
            assert_true(sf_hash_finish(sf_hash_absorb(len, p, len)) != h);
            p[k] ^= 0x10;
        }
        /* the state going in matters */
        assert_true(sf_hash_finish(sf_hash_absorb(len + 1000, p, len)) != h);
        free(p);
    }
}

static void test_dup_hash_exact(void **s)
{
    (void)s;
    char a[600];
    fill(a, sizeof a);
    uint64_t prev = 0;
    for (uint32_t len = 0; len <= sizeof a; len++) {
        char *p = exact(a, len);
        uint64_t h = sf_dup_hash(p, len);
        assert_true(h != 0);
        if (len) assert_true(h != prev);
        prev = h;
        /* a change in any lane, any step and the tail */
        for (uint32_t k = 0; k < len; k += 5) {
            p[k] ^= 0x20;
            assert_true(sf_dup_hash(p, len) != h);
            p[k] ^= 0x20;
        }
        free(p);
    }
    /* two 16-byte blocks swapped between lanes are another message */
    char b[128];
    memcpy(b, a, sizeof b);
    memcpy(b, a + 16, 16);
    memcpy(b + 16, a, 16);
    assert_true(sf_dup_hash(a, sizeof b) != sf_dup_hash(b, sizeof b));
    memcpy(b, a, sizeof b);
    memcpy(b, a + 64, 16);
    memcpy(b + 64, a, 16);
    assert_true(sf_dup_hash(a, sizeof b) != sf_dup_hash(b, sizeof b));
}

/* The key builders' copy: every length, nothing outside either side. */
static void test_key_copy(void **s)
{
    (void)s;
    char a[MAX_LEN];
    fill(a, sizeof a);
    for (size_t len = 0; len <= MAX_LEN; len++) {
        char *src = exact(a, len);
        char *dst = malloc(len + 2);
        assert_non_null(dst);
        memset(dst, '#', len + 2);
        sf_key_copy(dst + 1, src, len);
        assert_int_equal(dst[0], '#');
        assert_memory_equal(dst + 1, a, len);
        assert_int_equal(dst[len + 1], '#');
        free(dst);
        free(src);
    }
    sf_key_copy(NULL, NULL, 0); /* an absent field */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_bytes),  cmocka_unit_test(test_hash_zero_tail),
        cmocka_unit_test(test_hash_absorb), cmocka_unit_test(test_dup_hash_exact),
        cmocka_unit_test(test_key_copy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
