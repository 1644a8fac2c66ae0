# SPDX-License-Identifier: GPL-2.0-or-later
add_test(NAME cli/sipflow COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/test_cli.py)
set_tests_properties(cli/sipflow PROPERTIES LABELS e2e ENVIRONMENT "${SF_TEST_ENV}" TIMEOUT 300)
add_test(NAME cli/filters COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/test_filters.py)
set_tests_properties(cli/filters PROPERTIES LABELS e2e ENVIRONMENT "${SF_TEST_ENV}" TIMEOUT 300)
add_test(NAME cli/hep COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/test_hep.py)
set_tests_properties(cli/hep PROPERTIES LABELS e2e ENVIRONMENT "${SF_TEST_ENV}" TIMEOUT 300)
add_test(NAME cli/extract-streams COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/test_extract_streams.py)
set_tests_properties(cli/extract-streams PROPERTIES LABELS e2e ENVIRONMENT "${SF_TEST_ENV}" TIMEOUT 300)
