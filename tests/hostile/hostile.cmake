# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile input (issue 6): adversarial captures generated at test time
# (tests/hostile/make_hostile.py, into a temporary directory, never
# committed) and the "nothing lost" check against tshark on every capture.
# Included by tests/CMakeLists.txt after the e2e tests (SF_TEST_ENV,
# SIPFLOW_REF_DIR). Exit 77 = skipped, a failure under CI=true.

set(SF_HOSTILE_DIR ${CMAKE_CURRENT_LIST_DIR})

# Runs one program and reports its own peak RSS (wait4): a child forked
# straight from the Python test would start from Python's RSS.
add_executable(sf_hostile_rss_run ${SF_HOSTILE_DIR}/rss_run.c)

if(SIPFLOW_SANITIZE)
  set(SF_HOSTILE_SANITIZE 1)
else()
  set(SF_HOSTILE_SANITIZE 0)
endif()
set(SF_HOSTILE_ENV ${SF_TEST_ENV} "SIPFLOW_SANITIZE=${SF_HOSTILE_SANITIZE}"
    "SIPFLOW_RSS_RUN=$<TARGET_FILE:sf_hostile_rss_run>" "PYTHONDONTWRITEBYTECODE=1")
if(SIPFLOW_REF_DIR)
  list(APPEND SF_HOSTILE_ENV "SIPFLOW_REF_DIR=${SIPFLOW_REF_DIR}")
endif()

# Timeouts are hang detection only (the normal build needs about a
# minute for all cases, the sanitizer build several).
add_test(NAME hostile/captures COMMAND /usr/bin/python3 ${SF_HOSTILE_DIR}/test_hostile.py)
set_tests_properties(hostile/captures PROPERTIES LABELS hostile SKIP_RETURN_CODE 77
                     ENVIRONMENT "${SF_HOSTILE_ENV}" TIMEOUT 3600)

add_test(NAME hostile/nothing-lost COMMAND /usr/bin/python3 ${SF_HOSTILE_DIR}/test_nothing_lost.py)
set_tests_properties(hostile/nothing-lost PROPERTIES LABELS hostile SKIP_RETURN_CODE 77
                     ENVIRONMENT "${SF_HOSTILE_ENV}" TIMEOUT 3600)
if(TEST e2e/tshark-refs)
  # tshark's references are computed once, by tests/e2e/tests.cmake
  set_tests_properties(hostile/nothing-lost PROPERTIES FIXTURES_REQUIRED e2e_tshark_refs)
endif()
