#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs a program under valgrind memcheck for the "valgrind" ctest label:
# any memory error or definitely lost block makes the run fail (exit 1),
# GLib's one-time allocations are suppressed (glib.supp). The program's
# own exit status passes through otherwise (77 = skipped).
#   vg.sh PROGRAM [ARGS...]
# VG_ERROR_EXIT overrides the error exit status (vg-sipflow.sh uses it to
# tell valgrind errors apart from sipflow's own exit codes).
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind not found (Debian package valgrind)" >&2
    [ "${CI:-}" = true ] && exit 1
    exit 77
fi
exec valgrind --tool=memcheck --error-exitcode="${VG_ERROR_EXIT:-1}" --leak-check=full \
    --errors-for-leak-kinds=definite --show-leak-kinds=definite --num-callers=30 \
    --suppressions="$here/glib.supp" --suppressions="$here/known.supp" ${VG_LOG:+--log-file="$VG_LOG"} "$@"
