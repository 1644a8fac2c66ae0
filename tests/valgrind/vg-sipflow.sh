#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Stands in for the sipflow binary (SIPFLOW_BIN) so that tests/cli/test_cli.py
# runs every sipflow invocation under valgrind. Valgrind's report goes to a
# file (the test checks sipflow's stderr), and an error exits 99, which no
# sipflow exit status uses, so the test's exit-code assertions catch it;
# cli.sh then lists the reports with errors.
: "${SIPFLOW_VG_REAL:?the real sipflow binary}"
: "${SIPFLOW_VG_LOGDIR:?where valgrind reports go}"
VG_ERROR_EXIT=99 VG_LOG="$SIPFLOW_VG_LOGDIR/vg.%p.log" exec "$(dirname "$0")/vg.sh" "$SIPFLOW_VG_REAL" "$@"
