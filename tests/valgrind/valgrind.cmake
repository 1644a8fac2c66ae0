# SPDX-License-Identifier: GPL-2.0-or-later
# Clean runs (label "valgrind"): the unit tests and the sipflow command line
# end to end under valgrind memcheck: no memory error, no definitely lost
# block (tests/valgrind/vg.sh; GLib suppressions in glib.supp). Only in the
# normal build: valgrind and ASan cannot share a process.
if(SIPFLOW_SANITIZE)
  return()
endif()
set(SF_VG_DIR ${CMAKE_CURRENT_LIST_DIR})

# Unit tests whose loops take seconds natively (minutes under valgrind):
# the ASan/UBSan build covers them; keeps the label under ~3 minutes.
set(SF_VG_SKIP test_flow_invariants test_sip_parser_protos)
file(GLOB vg_unit_srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_*.c)
foreach(src ${vg_unit_srcs})
  get_filename_component(name ${src} NAME_WE)
  if(name IN_LIST SF_VG_SKIP OR NOT TARGET ${name})
    continue()
  endif()
  add_test(NAME valgrind/unit/${name} COMMAND ${SF_VG_DIR}/vg.sh $<TARGET_FILE:${name}>)
  set_tests_properties(valgrind/unit/${name} PROPERTIES LABELS valgrind SKIP_RETURN_CODE 77
                       ENVIRONMENT "${SF_TEST_ENV}" TIMEOUT 600)
endforeach()

foreach(cmd messages calls stats anomalies)
  add_test(NAME valgrind/cli/${cmd} COMMAND ${SF_VG_DIR}/cli.sh ${cmd})
  set_tests_properties(valgrind/cli/${cmd} PROPERTIES LABELS valgrind SKIP_RETURN_CODE 77
                       ENVIRONMENT "${SF_TEST_ENV}" TIMEOUT 600)
endforeach()
add_test(NAME valgrind/cli/test_cli COMMAND ${SF_VG_DIR}/cli_suite.sh)
set_tests_properties(valgrind/cli/test_cli PROPERTIES LABELS valgrind SKIP_RETURN_CODE 77
                     ENVIRONMENT "${SF_TEST_ENV}" TIMEOUT 900)
