#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/cli/test_cli.py (the sipflow command line end to end) with every
# sipflow run under valgrind (vg-sipflow.sh stands in for the binary).
# Fails when the suite fails or any valgrind report shows an error.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${SIPFLOW_BIN:?}" "${SIPFLOW_SOURCE:?}"
command -v valgrind >/dev/null 2>&1 || exec "$here/vg.sh" true # skip/fail as vg.sh decides
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
real=$SIPFLOW_BIN
SIPFLOW_VG_REAL=$real SIPFLOW_VG_LOGDIR=$logs SIPFLOW_BIN=$here/vg-sipflow.sh \
    /usr/bin/python3 "$SIPFLOW_SOURCE/tests/cli/test_cli.py"
rc=$?
bad=0
for f in "$logs"/vg.*.log; do
    [ -e "$f" ] || continue
    if ! grep -q "ERROR SUMMARY: 0 errors" "$f"; then
        echo "valgrind errors in one sipflow run:" >&2
        cat "$f" >&2
        bad=1
    fi
done
echo "test_cli.py under valgrind: $(find "$logs" -name 'vg.*.log' | wc -l) sipflow runs, suite exit $rc"
[ $rc -eq 0 ] && [ $bad -eq 0 ]
