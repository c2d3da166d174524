#!/usr/bin/env bash
# Installs the Debian 12 packages Versus needs to build, run and test. Idempotent: packages that
# are already there are left alone (--no-upgrade), so a second run is quick and changes nothing.
set -euo pipefail

packages=(
  # build
  meson ninja-build pkg-config gcc gettext
  libglib2.0-dev libglib2.0-bin libsoup-3.0-dev libjson-glib-dev libhttp-parser-dev
  libgtk-4-dev libadwaita-1-dev
  # run: TLS for GIO
  glib-networking
  # demo backends
  nodejs python3-flask gunicorn
  # tests: a display for the window, certificates, desktop-data validators, a shell linter
  xvfb xauth openssl desktop-file-utils appstream shellcheck
  # benchmarks against peers
  nginx-light wrk apache2-utils hey
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  sudo=sudo
else
  sudo=
fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-upgrade --no-install-recommends "${missing[@]}" >/dev/null
