# Sourced by the scripts: every command they (and the CMake build and CTest) run that a minimal
# Debian 12 root lacks, each with the Debian package that gives it. scripts/install-deps.sh
# installs the packages; each script names the tools it needs at its start with require_tools,
# which fails at once, naming the missing package, instead of part way through a long run.
# scripts/check-tools.sh requires every tool listed here (scripts/test-deb.sh runs it in a fresh
# root after scripts/install-deps.sh, so a package missing from that script shows there).

declare -A STEPWISE_TOOL_PACKAGE=(
    # the build
    [cmake]=cmake [ctest]=cmake [cpack]=cmake [make]=make [g++]=g++ [ccache]=ccache
    [pkg-config]=pkg-config
    # the sanitizer and fuzzing builds, and their reports: without llvm-symbolizer the sanitizers
    # print raw addresses and tests/sanitizers/lsan.supp's function names match nothing
    [clang++]=clang [llvm-symbolizer-14]=llvm-14
    # the format check (.clang-format)
    [clang-format-14]=clang-format-14
    # CTest: stepwise-export's tests, the fixtures' generator, the trace checker
    [python3]=python3
    # CTest: man pages, desktop entry, AppStream metadata
    [scdoc]=scdoc [appstreamcli]=appstream [desktop-file-validate]=desktop-file-utils
    # scripts/test-deb.sh: the package and a fresh Debian root to install it in
    [dpkg-deb]=dpkg [dpkg-shlibdeps]=dpkg-dev [file]=file [debootstrap]=debootstrap
    # screenshots as a person takes them (the README's; xvfb-run needs xauth)
    [xvfb-run]=xvfb [xauth]=xauth
)

# Python modules CTest imports with /usr/bin/python3, and their packages.
declare -A STEPWISE_PYTHON_PACKAGE=(
    [torch]=python3-torch
    # what Lightning 2.2.5 (../shared/lightning-2.2.5, the corpus tests' reference runtime) imports
    [numpy]=python3-numpy [fsspec]=python3-fsspec [packaging]=python3-packaging [tqdm]=python3-tqdm
    [yaml]=python3-yaml [typing_extensions]=python3-typing-extensions [requests]=python3-requests
)

# The llvm-symbolizer the sanitizer runtimes are told to use (ASAN_SYMBOLIZER_PATH): clang 14's
# own, whatever `llvm-symbolizer` on PATH is.
STEPWISE_SYMBOLIZER=/usr/bin/llvm-symbolizer-14

# require_tools NAME...: every NAME must be a command on PATH; otherwise prints one line per
# missing one with its package and exits 1. A NAME not listed above is a mistake in the script.
require_tools() {
    local who="${0##*/}" missing=() packages=() t p
    for t in "$@"; do
        p="${STEPWISE_TOOL_PACKAGE[$t]:-}"
        if [ -z "$p" ]; then
            echo "$who: require_tools: '$t' is not listed in scripts/lib/tools.sh" >&2
            exit 1
        fi
        if ! command -v "$t" >/dev/null 2>&1; then
            missing+=("$t")
            packages+=("$p")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    for i in "${!missing[@]}"; do
        echo "$who: '${missing[$i]}' is missing: install the Debian package ${packages[$i]}" >&2
    done
    echo "$who: scripts/install-deps.sh installs them all (it may lack: $(printf '%s\n' "${packages[@]}" | sort -u | paste -sd' '))" >&2
    exit 1
}

# require_python_modules NAME...: /usr/bin/python3 must import each.
require_python_modules() {
    local who="${0##*/}" m p bad=0
    for m in "$@"; do
        p="${STEPWISE_PYTHON_PACKAGE[$m]:-}"
        if [ -z "$p" ]; then
            echo "$who: require_python_modules: '$m' is not listed in scripts/lib/tools.sh" >&2
            exit 1
        fi
        if ! /usr/bin/python3 -c "import $m" >/dev/null 2>&1; then
            echo "$who: /usr/bin/python3 cannot import $m: install the Debian package $p" >&2
            bad=1
        fi
    done
    [ "$bad" -eq 0 ] || exit 1
}

# The sanitizer runtimes' symbolizer, checked: a report without function names would not match
# the suppressions, and a clean run would fail on a leak that is not ours.
export_symbolizer() {
    require_tools llvm-symbolizer-14
    export ASAN_SYMBOLIZER_PATH="$STEPWISE_SYMBOLIZER"
    export TSAN_SYMBOLIZER_PATH="$STEPWISE_SYMBOLIZER"
    export UBSAN_SYMBOLIZER_PATH="$STEPWISE_SYMBOLIZER"
    export LSAN_SYMBOLIZER_PATH="$STEPWISE_SYMBOLIZER"
}

# ensure_tools NAME...: installs what is missing (scripts/install-deps.sh, once per run of the
# scripts: a nested script finds STEPWISE_DEPS_INSTALLED set), then require_tools NAME...
ensure_tools() {
    if [ -z "${STEPWISE_DEPS_INSTALLED:-}" ]; then
        "$(dirname "${BASH_SOURCE[0]}")/../install-deps.sh"
        export STEPWISE_DEPS_INSTALLED=1
    fi
    require_tools "$@"
}
