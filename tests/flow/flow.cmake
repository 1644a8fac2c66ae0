# SPDX-License-Identifier: GPL-2.0-or-later
add_test(NAME flow/sipp-manifest COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/test_manifest.py)
set_tests_properties(flow/sipp-manifest PROPERTIES LABELS e2e SKIP_RETURN_CODE 77
                     ENVIRONMENT "${SF_TEST_ENV}" TIMEOUT 600)
add_test(NAME flow/tshark-sip-stat COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/test_sipstat.py)
set_tests_properties(flow/tshark-sip-stat PROPERTIES LABELS e2e SKIP_RETURN_CODE 77
                     ENVIRONMENT "${SF_E2E_ENV}" TIMEOUT 1800)
add_test(NAME flow/golden-calls COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/test_golden_calls.py)
set_tests_properties(flow/golden-calls PROPERTIES LABELS e2e ENVIRONMENT "${SF_TEST_ENV}" TIMEOUT 300)
