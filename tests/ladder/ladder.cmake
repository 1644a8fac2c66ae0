# SPDX-License-Identifier: GPL-2.0-or-later
# sipflow ladder: goldens and semantic checks on pcaps/ (always), semantic
# checks on ../shared/pcaps/sipp (skips outside CI when missing), and the
# 10k-call timing (not under the sanitizers, which slow everything down).
set(_sf_ladder_py ${CMAKE_CURRENT_LIST_DIR}/test_ladder.py)
add_test(NAME ladder/goldens COMMAND /usr/bin/python3 ${_sf_ladder_py})
add_test(NAME ladder/shared COMMAND /usr/bin/python3 ${_sf_ladder_py} --shared)
set(_sf_ladder_tests ladder/goldens ladder/shared)
if(NOT SIPFLOW_SANITIZE)
  add_test(NAME ladder/volume-10k COMMAND /usr/bin/python3 ${_sf_ladder_py} --perf)
  list(APPEND _sf_ladder_tests ladder/volume-10k)
endif()
set_tests_properties(${_sf_ladder_tests} PROPERTIES LABELS e2e SKIP_RETURN_CODE 77
                     ENVIRONMENT "${SF_TEST_ENV}" TIMEOUT 600)
