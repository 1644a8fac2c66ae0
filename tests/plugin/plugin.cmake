# SPDX-License-Identifier: GPL-2.0-or-later
# The Wireshark plugin in the real tshark (tests/plugin/test_plugin.py),
# label "plugin". Included at the end of tests/CMakeLists.txt. Without the
# plugin target (no libwireshark-dev) every test skips (77); under CI=true a
# skip is a failure.
set(SF_PLUGIN_TESTS load fields install agree single-pass stat calls failed expert flow)
set(SF_PLUGIN_ENV ${SF_TEST_ENV} "PYTHONDONTWRITEBYTECODE=1")
if(TARGET sipflow_plugin)
  list(APPEND SF_PLUGIN_ENV "SIPFLOW_PLUGIN=$<TARGET_FILE:sipflow_plugin>"
       "SIPFLOW_WIRESHARK_ABI=${WIRESHARK_ABI}"
       "SIPFLOW_PLUGIN_INSTALL_DIR=${WIRESHARK_PLUGIN_DIR}/epan")
  if(SIPFLOW_SANITIZE)
    # The sanitizer build of the plugin runs inside the distribution's
    # tshark: the sanitizer runtimes must be loaded first (LD_PRELOAD).
    # tshark itself is not instrumented and does not free everything at
    # exit, so leak detection is off for it (detect_leaks=0).
    set(preload "")
    foreach(rt libasan.so libubsan.so)
      execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=${rt}
                      OUTPUT_VARIABLE rt_path OUTPUT_STRIP_TRAILING_WHITESPACE)
      get_filename_component(rt_path "${rt_path}" REALPATH)
      list(APPEND preload "${rt_path}")
    endforeach()
    string(REPLACE ";" ":" preload "${preload}")
    list(APPEND SF_PLUGIN_ENV "SIPFLOW_PLUGIN_PRELOAD=${preload}")
  endif()
endif()
foreach(t ${SF_PLUGIN_TESTS})
  add_test(NAME plugin/${t}
           COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/test_plugin.py ${t})
  set_tests_properties(plugin/${t} PROPERTIES LABELS plugin SKIP_RETURN_CODE 77
                       ENVIRONMENT "${SF_PLUGIN_ENV}" TIMEOUT 900)
endforeach()
