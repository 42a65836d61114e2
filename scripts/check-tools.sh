#!/usr/bin/env bash
# Checks that every command the scripts, the CMake build and CTest run (scripts/lib/tools.sh)
# resolves, and that /usr/bin/python3 imports what the tests import, without building anything.
# scripts/test-deb.sh runs it in a fresh Debian 12 root right after scripts/install-deps.sh: a
# package the scripts need that install-deps.sh does not install fails it there, by name, although
# the developer's machine happens to have it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/tools.sh
. "$root/scripts/lib/tools.sh"
require_tools "${!STEPWISE_TOOL_PACKAGE[@]}"
require_python_modules "${!STEPWISE_PYTHON_PACKAGE[@]}"
# Every tool a script requires is listed (require_tools refuses unlisted ones), so a script cannot
# need more than this checks.
echo "check-tools: all ${#STEPWISE_TOOL_PACKAGE[@]} tools and ${#STEPWISE_PYTHON_PACKAGE[@]} Python modules resolve"
