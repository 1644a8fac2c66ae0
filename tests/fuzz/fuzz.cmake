# SPDX-License-Identifier: GPL-2.0-or-later
# libFuzzer harnesses (tests/fuzz/README.md). The harnesses are built with
# clang by tests/fuzz/run.sh into <build>/fuzz (the main build may use gcc);
# ctest builds them once (fixture fuzz/build), then per harness replays the
# committed corpus + regressions + seeds from pcaps/ (-runs=0) and fuzzes
# for 8 s. Label "fuzz". Without clang: skip (77), a failure under CI=true.
# Long fuzzing is `tests/fuzz/run.sh SECONDS`, never a test.
set(SF_FUZZ_RUN ${CMAKE_CURRENT_LIST_DIR}/run.sh)
set(SF_FUZZ_ENV ${SF_TEST_ENV} "SIPFLOW_FUZZ_OUT=${CMAKE_BINARY_DIR}/fuzz")

add_test(NAME fuzz/build COMMAND ${SF_FUZZ_RUN} build)
set_tests_properties(fuzz/build PROPERTIES LABELS fuzz SKIP_RETURN_CODE 77 TIMEOUT 1200
                     ENVIRONMENT "${SF_FUZZ_ENV}" FIXTURES_SETUP sf_fuzz_build RUN_SERIAL TRUE)

foreach(h fuzz_sip_parser fuzz_sip_stream fuzz_packet_path fuzz_capture_file fuzz_engine fuzz_json
          fuzz_ws_stream fuzz_sctp fuzz_hep)
  add_test(NAME fuzz/${h} COMMAND ${SF_FUZZ_RUN} ci ${h})
  set_tests_properties(fuzz/${h} PROPERTIES LABELS fuzz SKIP_RETURN_CODE 77 TIMEOUT 300
                       ENVIRONMENT "${SF_FUZZ_ENV}" FIXTURES_REQUIRED sf_fuzz_build)
endforeach()
