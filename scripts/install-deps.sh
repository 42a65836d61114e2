#!/usr/bin/env bash
# Installs every Debian 12 package Stepwise needs to build, test and run, on a minimal root
# (debootstrap --variant=minbase: no compiler, no git). Idempotent: packages already present are
# left alone, and apt is not touched at all when nothing is missing. The commands the scripts run
# and the package each comes from are listed in scripts/lib/tools.sh; scripts/check-tools.sh
# checks they all resolve (scripts/test-deb.sh runs both in a fresh root).
set -euo pipefail

packages=(
    ca-certificates g++ cmake make ccache pkg-config git
    libtorch-dev
    qt6-base-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools libgl-dev
    libqcustomplot-dev libqcustomplot2.1-qt6
    nlohmann-json3-dev libgtest-dev libbenchmark-dev libasio-dev libcli11-dev
    libprotobuf-dev protobuf-compiler libboost-dev libssl-dev
    python3-torch
    libpython3.11-dev pybind11-dev
    python3-numpy python3-fsspec python3-packaging python3-tqdm python3-yaml
    python3-typing-extensions python3-requests
    scdoc appstream desktop-file-utils dpkg-dev file debootstrap
    xvfb xauth
    clang libclang-rt-14-dev llvm-14 clang-format-14
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
as_root=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
