#!/usr/bin/env bash
# Configures and builds Stepwise into build/ (Release). Uses ccache when it is installed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/lib/tools.sh"
ensure_tools cmake make g++
build="${STEPWISE_BUILD_DIR:-$root/build}"
launcher=()
if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    # precompiled headers and ccache get along only with these
    export CCACHE_SLOPPINESS="${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}"
fi
# STEPWISE_CMAKE_ARGS: more cache settings (scripts/sanitize.sh passes -DSTEPWISE_SANITIZER=address)
# shellcheck disable=SC2086
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE="${STEPWISE_BUILD_TYPE:-Release}" "${launcher[@]}" \
    ${STEPWISE_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" --parallel "$(nproc)" "$@"
