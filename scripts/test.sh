#!/usr/bin/env bash
# Installs what is missing, builds everything and runs the whole test suite through CTest; then
# (unless STEPWISE_SANITIZE=0) the engine, CLI, protocol and window tests again under
# AddressSanitizer + UndefinedBehaviorSanitizer (scripts/sanitize.sh, its own build in build-asan/).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/build.sh"
build="${STEPWISE_BUILD_DIR:-$root/build}"
(cd "$build" && ctest --output-on-failure --parallel "$(nproc)" "$@")
if [ "${STEPWISE_SANITIZE:-1}" != 0 ]; then
    "$root/scripts/sanitize.sh"
fi
