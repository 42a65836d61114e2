#!/usr/bin/env bash
# The .deb as a new user meets it: builds it with CPack, makes a fresh minimal Debian 12 root
# (debootstrap --variant=minbase: no compiler, no Qt, no torch, nothing of ours), installs the
# package there with `apt-get install ./stepwise_*.deb` (apt brings Debian's own runtime packages),
# and runs `stepwise-run --lesson tensor_return`, `stepwise --version` and `stepwise-export --help`
# inside. Then, in the same root, scripts/install-deps.sh and scripts/check-tools.sh: every tool the
# scripts call resolves on a fresh machine. Needs root (debootstrap, chroot) and the Debian mirror;
# takes a few minutes, most of it downloading LibTorch, Qt and the compilers into the root.
#   STEPWISE_DEB_ROOT   where the root goes (default: build/deb-root; it is made anew each time)
#   STEPWISE_MIRROR     the mirror (default: the first URIs: of /etc/apt/sources.list.d/debian.sources)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${STEPWISE_BUILD_DIR:-$root/build}"
. "$root/scripts/lib/tools.sh"
target="${STEPWISE_DEB_ROOT:-$build/deb-root}"
if [ "$(id -u)" -ne 0 ]; then
    echo "test-deb: needs root for debootstrap and chroot" >&2
    exit 1
fi
ensure_tools cmake cpack dpkg-deb dpkg-shlibdeps file debootstrap
mirror="${STEPWISE_MIRROR:-$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)}"
mirror="${mirror:-http://deb.debian.org/debian}"

"$root/scripts/build.sh" >/dev/null
rm -f "$build"/stepwise_*.deb
(cd "$build" && cpack -G DEB >/dev/null)
deb="$(ls "$build"/stepwise_*_amd64.deb)"
depends="$(dpkg-deb -f "$deb" Depends)"
echo "test-deb: $(basename "$deb"): $depends"
for lib in libtorch1.13 libqt6widgets6 libqcustomplot2.1-qt6 libprotobuf32; do
    case "$depends" in *"$lib"*) ;; *) echo "test-deb: the package does not depend on $lib" >&2; exit 1 ;; esac
done

cleanup() {
    umount "$target/proc" 2>/dev/null || true
    [ "${STEPWISE_KEEP_DEB_ROOT:-0}" = 1 ] || rm -rf "$target"  # 2.6 GB
}
trap cleanup EXIT
umount "$target/proc" 2>/dev/null || true
rm -rf "$target"
echo "test-deb: debootstrap --variant=minbase bookworm $target $mirror"
debootstrap --variant=minbase bookworm "$target" "$mirror" >"$build/deb-root.log" 2>&1 ||
    { tail -20 "$build/deb-root.log" >&2; exit 1; }
mount -t proc proc "$target/proc" 2>/dev/null || echo "test-deb: no /proc in the root (mount refused); going on without it" >&2
cp "$deb" "$target/tmp/"
in_root() { chroot "$target" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
in_root apt-get update -qq
# As a user would: apt-get install ./the.deb, Recommends included (python3-torch for stepwise-export).
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "./tmp/$(basename "$deb")" \
    >"$build/deb-install.log" 2>&1 || { tail -30 "$build/deb-install.log" >&2; exit 1; }
in_root dpkg-query -W -f='${Installed-Size}\n' | awk '{kib += $1; n++} END {printf "test-deb: installed; the root holds %d packages, %.0f MiB\n", n, kib / 1024}'
in_root sh -c 'cd /tmp && stepwise-run --lesson tensor_return | tail -2'
in_root stepwise --version
in_root stepwise-export --help | head -3
in_root test -f /usr/share/man/man1/stepwise-run.1
in_root test -f /usr/share/applications/io.github.stepwise.Stepwise.desktop
# The whole path of a user's module, with the python3-torch apt recommended: export, then run.
cat >"$target/tmp/usermodel.py" <<'PY'
import torch
from torch.utils.data import DataLoader, TensorDataset


class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(2, 1)

    def training_step(self, batch, batch_idx: int):
        x, y = batch
        return torch.nn.functional.mse_loss(self.lin(x), y)

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.1)


def data():
    x = torch.randn(16, 2)
    return DataLoader(TensorDataset(x, x.sum(1, keepdim=True)), batch_size=4)
PY
in_root sh -c 'cd /tmp && stepwise-export usermodel:Tiny --data usermodel:data --trainer "{\"max_epochs\": 1}" -o run >/dev/null &&
    stepwise-run run/config.json | tail -1'
echo "test-deb: the package installs and runs on a fresh Debian 12"
# The same root, now as a developer's fresh machine: scripts/install-deps.sh, then every command
# the scripts, the build and CTest run must resolve (scripts/check-tools.sh), without building.
# A package the scripts need that install-deps.sh leaves out fails here, by name, even where the
# developer's own machine happens to have it. STEPWISE_DEB_TOOLS=0 skips it.
if [ "${STEPWISE_DEB_TOOLS:-1}" != 0 ]; then
    mkdir -p "$target/tmp/stepwise/scripts"
    cp -r "$root/scripts/." "$target/tmp/stepwise/scripts/"
    in_root /tmp/stepwise/scripts/install-deps.sh >"$build/deb-root-deps.log" 2>&1 ||
        { tail -30 "$build/deb-root-deps.log" >&2; exit 1; }
    in_root /tmp/stepwise/scripts/check-tools.sh
fi
