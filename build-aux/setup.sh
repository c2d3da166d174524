#!/usr/bin/env bash
# Installs the Debian 12 packages Versus needs to build, run and test. Idempotent: packages that
# are already there are left alone (--no-upgrade), so a second run is quick and changes nothing.
set -euo pipefail

packages=(
  # build
  meson ninja-build pkg-config gcc libc6-dev gettext
  libglib2.0-dev libglib2.0-bin libsoup-3.0-dev libjson-glib-dev libhttp-parser-dev
  libgtk-4-dev libadwaita-1-dev
  # run: TLS for GIO; the gdk-pixbuf SVG loader for the app's icon (flatpak build-export
  # validates the exported icon with it too)
  glib-networking ca-certificates librsvg2-common
  # the scripts and tests: python3 (test helpers, JSON), taskset/setsid (util-linux),
  # timeout/sha256sum (coreutils), ps/pkill (procps), curl as a timing witness
  python3 util-linux coreutils procps curl
  # demo backends (data/demo/): Node.js (its npm packages come from data/demo/node's
  # package-lock.json, below); Flask under gunicorn, FastAPI under uvicorn; the throw-away
  # PostgreSQL cluster (runuser from util-linux runs it unprivileged) and its Python client
  nodejs python3-flask gunicorn python3-fastapi uvicorn python3-psycopg postgresql
  # tests: a display for the window, certificates, desktop-data validators, a shell linter
  xvfb xauth openssl desktop-file-utils appstream shellcheck
  # screenshots with large text: an XSETTINGS manager sets Xft/DPI (text scaling) under Xvfb
  xsettingsd
  # test.sh's ThreadSanitizer build (gcc's runtime) and its libFuzzer build: clang 14 and its
  # runtime libraries (libFuzzer, ASan and UBSan for clang: libclang-rt-14-dev, which clang-14
  # does not pull in), and llvm-symbolizer (llvm-14) so that a fuzz crash's stack has names
  libtsan2 clang-14 libclang-rt-14-dev llvm-14
  # desktop data: icon previews, the German locale for the translation test
  librsvg2-bin locales
  # the offline Flatpak build (flatpak/build-offline.sh): a stand-in runtime from Debian
  # packages, the sandbox, and a session bus, window list and screenshot under Xvfb.
  # flatpak-builder only recommends what it calls on the host: eu-strip (elfutils), objcopy
  # (binutils), git, patch, unzip, xz, zstd; --no-install-recommends leaves them out.
  flatpak flatpak-builder mmdebstrap bubblewrap dbus-daemon dbus-session-bus-common
  elfutils binutils git patch unzip xz-utils zstd
  x11-utils x11-apps netpbm
  # benchmarks against peers
  nginx-light wrk apache2-utils hey nghttp2-client
)

# The translation test runs the CLI under de_DE.UTF-8: generate that locale once.
ensure_locale () {
  locale -a 2>/dev/null | grep -qix 'de_DE.utf8' && return 0
  echo "setup: generating the de_DE.UTF-8 locale" >&2
  $sudo sed -i 's/^# *\(de_DE.UTF-8 UTF-8\)/\1/' /etc/locale.gen
  grep -q '^de_DE.UTF-8 UTF-8' /etc/locale.gen || echo 'de_DE.UTF-8 UTF-8' | $sudo tee -a /etc/locale.gen >/dev/null
  $sudo locale-gen >/dev/null
}

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ "$(id -u)" -ne 0 ]; then
  sudo=sudo
else
  sudo=
fi

# Debian 12 ships npm as a package of its own; a NodeSource nodejs has it built in (and
# conflicts with Debian's npm), so the package is wanted only when no npm is on PATH.
if ! command -v npm >/dev/null; then
  dpkg-query -W -f='${Status}' npm 2>/dev/null | grep -q 'install ok installed' || missing+=(npm)
fi

# npm packages exactly as each package-lock.json pins them, whenever node_modules is missing
# or older than the lock file (never committed): data/demo/node has the Express and pg packages
# of the Node.js demo backends; tests/hdr-js has hdr-histogram-js, an HdrHistogram
# implementation no one here wrote, with which the tests read Versus's .hlog and .hgrm files.
ensure_node_modules () {
  local dir
  dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/$1
  if [ -d "$dir/node_modules" ] && [ "$dir/node_modules" -nt "$dir/package-lock.json" ]; then
    return 0
  fi
  echo "setup: npm ci in $1" >&2
  local log
  if ! log=$(cd "$dir" && npm ci --no-audit --no-fund 2>&1); then
    printf '%s\n' "$log" | tail -n 15 >&2
    echo "setup: npm ci in $1 failed (the npm registry must be reachable)" >&2
    return 1
  fi
  touch "$dir/node_modules"
}

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-upgrade --no-install-recommends "${missing[@]}" >/dev/null
fi
ensure_locale
ensure_node_modules data/demo/node
ensure_node_modules tests/hdr-js
