# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for shell end-to-end tests (source it). The same skip rule as
# tests/support/sf_test.h and e2e_common.py: exit 77 (ctest "skipped") when an
# optional input is missing, but fail under CI=true, where nothing may skip.

# sf_skip WHY...: skips, or fails under CI=true.
sf_skip() {
    if [ "${CI:-}" = "true" ]; then
        echo "FAIL (CI=true, so no skipping): $*" >&2
        exit 1
    fi
    echo "SKIP: $*" >&2
    exit 77
}

# sf_shared_dir: prints the shared corpus directory, or skips when it is missing.
sf_shared_dir() {
    local d="${SIPFLOW_SHARED:-${SIPFLOW_SOURCE:-.}/../shared}"
    [ -d "$d/pcaps" ] || sf_skip "shared corpus not found (SIPFLOW_SHARED=${SIPFLOW_SHARED:-})"
    printf '%s\n' "$d"
}

# sf_require_tool NAME: skips when a program is not installed.
sf_require_tool() {
    command -v "$1" >/dev/null 2>&1 || sf_skip "$1 not found"
}

# sf_sipflow ARGS...: runs the tool under test.
sf_sipflow() {
    "${SIPFLOW_BIN:?SIPFLOW_BIN not set (run under ctest)}" "$@"
}
