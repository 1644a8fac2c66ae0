# SPDX-License-Identifier: GPL-2.0-or-later
# sipflow report (HTML, headless Chromium) and sipflow extract (round trip).
foreach(mode html browser extract perf)
  add_test(NAME report/${mode}
           COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/test_report.py ${mode})
  set_tests_properties(report/${mode} PROPERTIES LABELS e2e SKIP_RETURN_CODE 77
                       ENVIRONMENT "${SF_TEST_ENV}" TIMEOUT 900)
endforeach()
