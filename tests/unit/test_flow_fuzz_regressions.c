/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Regressions found by the fuzz harnesses (tests/fuzz/regressions/) in the
 * flow engine. Each ran into undefined behaviour that UBSan reports; the
 * sanitizer build of this test fails if it comes back. */
#include <string.h>

#include "flow_harness.h"
#include "sf_test.h"

/* fuzz_packet_path register-without-to-contact: a REGISTER with neither To
 * nor Contact. The AOR is the empty slice (NULL, 0): sf_flow_uri_of()
 * computed NULL + 0 and sf_hash_bytes() did memcpy from NULL; the 2xx
 * without Contact made granted_expires() compute NULL + 0. The messages
 * are still classified and the registration reported. */
static void test_register_without_to_and_contact(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    static const char reg[] = "REGISTER sip:r.example SIP/2.0\n"
                              "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKfz1\n"
                              "From: <sip:a@r.example>;tag=1\n"
                              "Call-ID: fz1\nCSeq: 1 REGISTER\nContent-Length: 0\n\n";
    static const char ok[] = "SIP/2.0 200 OK\n"
                             "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKfz1\n"
                             "From: <sip:a@r.example>;tag=1\n"
                             "Call-ID: fz1\nCSeq: 1 REGISTER\nContent-Length: 0\n\n";
    fh_push_raw(&h, 0, 1, 0, reg, strlen(reg));
    fh_push_raw(&h, 1, 0, 10, ok, strlen(ok));
    fh_finish(&h);
    assert_int_equal(h.n_msgs, 2);
    assert_int_equal(h.n_regs, 1);
    assert_int_equal(h.regs[0].final_code, 200);
    assert_string_equal(h.regs[0].aor, "");
    assert_int_equal(fh_msg(&h, 1)->registration, 1);
    assert_int_equal(fh_msg(&h, 2)->registration, 1);
    assert_int_equal(fh_msg(&h, 1)->txn, fh_msg(&h, 2)->txn);
    fh_free(&h);
}

/* fuzz_packet_path crash-441a6c91: a second REGISTER without To (new
 * branch) looks up the registration of the empty AOR: reg_find() passed
 * the empty slice's NULL pointer to memcmp. Both attempts join one
 * registration. */
static void test_two_registers_without_to(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    static const char r1[] = "REGISTER sip:r.example SIP/2.0\n"
                             "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKfz2a\n"
                             "From: <sip:a@r.example>;tag=1\n"
                             "Call-ID: fz2\nCSeq: 1 REGISTER\nContent-Length: 0\n\n";
    static const char r2[] = "REGISTER sip:r.example SIP/2.0\n"
                             "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKfz2b\n"
                             "From: <sip:a@r.example>;tag=1\n"
                             "Call-ID: fz2\nCSeq: 2 REGISTER\nContent-Length: 0\n\n";
    fh_push_raw(&h, 0, 1, 0, r1, strlen(r1));
    fh_push_raw(&h, 0, 1, 10, r2, strlen(r2));
    fh_finish(&h);
    assert_int_equal(h.n_msgs, 2);
    assert_int_equal(h.n_regs, 1);
    assert_int_equal(fh_msg(&h, 1)->registration, fh_msg(&h, 2)->registration);
    fh_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_register_without_to_and_contact),
        cmocka_unit_test(test_two_registers_without_to),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
