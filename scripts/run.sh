#!/usr/bin/env bash
# Installs what is missing, builds, and starts Stepwise on its built-in default lesson: the
# inspector window when there is a display, else the headless runner (stepwise-run), which prints
# one line per batch. Arguments go to the program (e.g. a config file, a model or a .stepwise file).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${STEPWISE_BUILD_DIR:-$root/build}"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    "$root/scripts/build.sh" --target stepwise
    exec "$build/gui/stepwise" "$@"
fi
"$root/scripts/build.sh" --target stepwise-run
echo "run.sh: no display found, so running the headless runner on the default lesson (stepwise-run)." >&2
echo "run.sh: on a desktop, the same command opens the inspector window." >&2
exec "$build/core/stepwise-run" "$@"
