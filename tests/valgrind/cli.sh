#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The sipflow tool under valgrind on the captures in pcaps/:
#   cli.sh COMMAND    runs `sipflow COMMAND --format json --utc pcaps/*.pcap*`
# (messages, calls, stats, anomalies): one run over all of them (the inputs
# are merged by time, each keeps its own frame numbers), so valgrind's
# start-up is paid once. Exit 0 (or 3, a partly read input) is expected from
# sipflow; any memcheck error or definite leak fails (exit 1).
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${SIPFLOW_BIN:?}" "${SIPFLOW_SOURCE:?}"
cmd=$1
set --
for f in "$SIPFLOW_SOURCE"/pcaps/*.pcap "$SIPFLOW_SOURCE"/pcaps/*.pcapng; do
    if [ -e "$f" ]; then set -- "$@" "$f"; fi
done
[ $# -gt 0 ] || { echo "no captures in $SIPFLOW_SOURCE/pcaps" >&2; exit 1; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$here/vg.sh" "$SIPFLOW_BIN" "$cmd" --format json --utc "$@" >"$out"
rc=$?
case $rc in
0 | 3) ;;
77) exit 77 ;;
*)
    echo "FAIL: sipflow $cmd on $# captures: exit $rc (1 = valgrind error, see above)" >&2
    exit 1
    ;;
esac
# the run did produce JSON Lines (clean captures may have no anomalies)
lines=$(wc -l <"$out")
echo "sipflow $cmd: $# captures under valgrind, clean, $lines JSON lines"
[ "$lines" -gt 0 ] || [ "$cmd" = anomalies ]
