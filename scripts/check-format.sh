#!/usr/bin/env bash
# Checks that every C++ source in the repository is formatted as .clang-format says (clang-format
# 14, Debian's clang-format-14), without changing anything. Lists the files that differ and how to
# fix them. `scripts/check-format.sh --fix` formats them in place.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/tools.sh
. "$root/scripts/lib/tools.sh"
require_tools clang-format-14
cd "$root"
mapfile -t files < <(find core gui tests tools -name '*.cpp' -o -name '*.h' | grep -v '/fuzz/corpus/' | sort)
if [ "${1:-}" = --fix ]; then
    clang-format-14 -i "${files[@]}"
    exit 0
fi
bad=()
for f in "${files[@]}"; do
    clang-format-14 --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ ${#bad[@]} -gt 0 ]; then
    printf 'check-format: %s is not formatted as .clang-format says\n' "${bad[@]}" >&2
    echo "check-format: scripts/check-format.sh --fix formats them (clang-format-14 -i)" >&2
    exit 1
fi
echo "check-format: ${#files[@]} files formatted as .clang-format says"
