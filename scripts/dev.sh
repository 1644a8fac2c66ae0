#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# One entry point for setting up, building and testing sipflow on Debian 12.
#   scripts/dev.sh demo   install what is missing, build, run sipflow on bundled captures
#   scripts/dev.sh test   install what is missing, build (normal + ASan/UBSan), run every test
#   scripts/dev.sh deps   only install missing Debian packages
#   scripts/dev.sh build  only build (build/)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=$(nproc 2>/dev/null || echo 2)

deps() {
    local want=() missing=()
    while read -r p; do
        p=${p%%#*}; p=${p//[[:space:]]/}
        [ -n "$p" ] && want+=("$p")
    done < scripts/debian-packages.txt
    for p in "${want[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "dev.sh: installing: ${missing[*]}" >&2
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

build() { # build DIR [cmake args...]
    local dir=$1; shift
    cmake -S "$top" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
    cmake --build "$dir" -j "$jobs"
}

case "${1:-}" in
deps) deps ;;
build) deps; build build ;;
demo)
    deps
    build build
    echo "== build/sipflow messages pcaps/udp-basic-call.pcap"
    build/sipflow messages pcaps/udp-basic-call.pcap
    echo "== build/sipflow pcaps/udp-busy-486.pcap   (summary, then each failed call's ladder)"
    build/sipflow pcaps/udp-busy-486.pcap
    ;;
test)
    deps
    build build
    build build-asan -DSIPFLOW_SANITIZE=ON
    rc=0
    echo "== test suite (normal build)"
    (cd build && ctest --output-on-failure -j "$jobs") || rc=1
    echo "== test suite (ASan + UBSan build)"
    (cd build-asan && ctest --output-on-failure -j "$jobs") || rc=1
    exit $rc
    ;;
*)
    sed -n '3,7p' "$0" >&2
    exit 2
    ;;
esac
