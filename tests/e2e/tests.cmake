# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end tests: the sipflow tool on whole captures, held against tshark and
# against the JSON schemas in docs/schemas/. Included by tests/CMakeLists.txt
# (SF_TEST_ENV: SIPFLOW_SHARED, SIPFLOW_SOURCE, SIPFLOW_BUILD, SIPFLOW_BIN ...).
# Exit 77 = skipped (no shared corpus / no tshark), a failure under CI=true.

find_program(SF_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT SF_PYTHON3)
  find_program(SF_PYTHON3 NAMES python3 REQUIRED)
endif()

# tshark's reference results are cached here, keyed by capture SHA-256 + tshark
# version + options, so the normal and the sanitizer build share them.
set(SIPFLOW_REF_DIR "$ENV{SIPFLOW_REF_DIR}" CACHE PATH "Cache of tshark reference results")
if(NOT SIPFLOW_REF_DIR)
  set(SIPFLOW_REF_DIR "${CMAKE_SOURCE_DIR}/.cache/tshark-ref")
endif()

set(SF_E2E_DIR ${CMAKE_CURRENT_LIST_DIR})
set(SF_E2E_ENV ${SF_TEST_ENV} "SIPFLOW_REF_DIR=${SIPFLOW_REF_DIR}" "PYTHONDONTWRITEBYTECODE=1")

function(sf_e2e_test name timeout)
  add_test(NAME e2e/${name} COMMAND ${SF_PYTHON3} ${ARGN} WORKING_DIRECTORY ${SF_E2E_DIR})
  set_tests_properties(e2e/${name} PROPERTIES LABELS e2e SKIP_RETURN_CODE 77
                       ENVIRONMENT "${SF_E2E_ENV}" TIMEOUT ${timeout})
endfunction()

# All tshark references, once, two tshark processes in parallel.
sf_e2e_test(tshark-refs 900 ${SF_E2E_DIR}/tshark_ref.py --group project --group sipp
            --group public --jobs 2)
set_tests_properties(e2e/tshark-refs PROPERTIES FIXTURES_SETUP e2e_tshark_refs PROCESSORS 2)

# The allow-list's format, closed category list and capture names.
sf_e2e_test(tshark-allowlist 60 ${SF_E2E_DIR}/compare_tshark.py --lint)
# The schemas are valid JSON Schema and list exactly anomaly.c's kinds.
sf_e2e_test(schema-docs 60 ${SF_E2E_DIR}/validate_schema.py --schemas-only)
# The machinery itself: allow-list parsing, the comparison against a fake
# sipflow, schema rejections, tshark's fields and PDML passes agreeing.
sf_e2e_test(selftest 300 ${SF_E2E_DIR}/selftest.py)
set_tests_properties(e2e/selftest PROPERTIES FIXTURES_REQUIRED e2e_tshark_refs)

foreach(group project sipp public)
  sf_e2e_test(tshark-${group} 900 ${SF_E2E_DIR}/compare_tshark.py --group ${group})
  set_tests_properties(e2e/tshark-${group} PROPERTIES FIXTURES_REQUIRED e2e_tshark_refs)
  sf_e2e_test(schema-${group} 900 ${SF_E2E_DIR}/validate_schema.py --group ${group})
endforeach()

# SIP over WebSocket and the TLS notice through the tool (issue 7).
sf_e2e_test(ws-tls 300 ${SF_E2E_DIR}/test_ws_tls.py)

# Several capture points: pcaps/udp-two-points-{a,b}.pcap alone, merged,
# clock-shifted (editcap) with and without --time-shift; duplicates vs
# retransmissions; the shared FAX capture's packets captured twice.
sf_e2e_test(multipoint 300 ${SF_E2E_DIR}/test_multipoint.py)
