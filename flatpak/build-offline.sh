#!/usr/bin/env bash
# build-offline.sh — build, install and smoke-test the Versus Flatpak without Flathub.
#
# The GNOME runtime cannot be downloaded on our machines, but the Debian mirror can. So this
# script builds a stand-in org.gnome.Platform and org.gnome.Sdk from Debian packages with
# mmdebstrap, exports them under the names and branch that the manifest asks for into a local
# OSTree repository, builds flatpak/io.github.versus.Versus.json unchanged with flatpak-builder,
# checks that the app compiled without warnings against the runtime's newer libraries, installs
# it and checks, inside the sandbox:
#   1. `versus --version` prints the project version;
#   2. `versus run --help` under de_DE.UTF-8 shows translations from po/de.po;
#   3. a headless `versus run` against a loopback server (python3 -m http.server on 127.0.0.1)
#      exits 0, the server saw the requests, and summary.csv lands in the app's own folder;
#   4. the window opens under Xvfb (a top-level window of class "versus") and a screenshot of it
#      is written to $VERSUS_FLATPAK_WORKDIR/screenshot.png.
# It exits non-zero on the first failure and prints one line per check. Needs root (mmdebstrap
# builds the trees in root mode) and the packages from build-aux/setup.sh.
#
# Everything lives under $VERSUS_FLATPAK_WORKDIR (default /var/tmp/versus-flatpak): the Debian
# package cache, the runtime trees, the OSTree repository, a private Flatpak installation
# (FLATPAK_USER_DIR) and the screenshot. A second run reuses the runtime when its package lists
# did not change and only rebuilds the app.
#
# Environment:
#   VERSUS_FLATPAK_WORKDIR  where to work (default /var/tmp/versus-flatpak)
#   VERSUS_FLATPAK_SUITE    Debian suite for the stand-in runtime (default trixie)
#   VERSUS_FLATPAK_MIRROR   Debian mirror (default: the first Debian mirror in the apt sources)
#   VERSUS_FLATPAK_SKIP_GUI set to 1 to skip the window check
#   VERSUS_FLATPAK_MANIFEST another manifest to build (default: the one beside this script)
#   VERSUS_FLATPAK_ALLOW_WARNINGS set to 1 to let compiler warnings against the runtime pass
set -Eeuo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
srcdir=$(dirname "$here")
manifest=${VERSUS_FLATPAK_MANIFEST:-$here/io.github.versus.Versus.json}
work=${VERSUS_FLATPAK_WORKDIR:-/var/tmp/versus-flatpak}
suite=${VERSUS_FLATPAK_SUITE:-trixie}
started=$(date +%s)

say ()  { printf 'build-offline: %s\n' "$*"; }
fail () { printf 'build-offline: FAILED: %s\n' "$*" >&2; exit 1; }
check_ok () { printf 'build-offline: ok   %s\n' "$*"; }
elapsed () { echo $(( $(date +%s) - started ))s; }
# A step that fails says which one: set -e alone would end the script without a word.
trap 'fail "line $LINENO: \"$BASH_COMMAND\" exited with status $?"' ERR

[ "$(id -u)" -eq 0 ] || fail "run this as root: mmdebstrap builds the runtime trees in root mode"
for tool in flatpak flatpak-builder mmdebstrap bwrap python3 xvfb-run xwd xwininfo xwdtopnm pnmtopng; do
  command -v "$tool" >/dev/null || fail "$tool is missing: run build-aux/setup.sh"
done

# What the manifest asks for: the stand-in must carry exactly these names and branch.
read -r app_id runtime sdk branch < <(python3 - "$manifest" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
print(m["id"], m["runtime"], m["sdk"], m["runtime-version"])
EOF
)
arch=$(flatpak --default-arch)
version=$(sed -n "s/^  version: '\([^']*\)',$/\1/p" "$srcdir/meson.build")
[ -n "$version" ] || fail "cannot read the project version from meson.build"

# The first Debian mirror in the machine's apt sources (deb822 or one-line format).
mirror=${VERSUS_FLATPAK_MIRROR:-}
# A fresh root may have no *.sources or no sources.list at all: neither is an error.
if [ -z "$mirror" ]; then
  mirror=$({ cat /etc/apt/sources.list.d/*.sources 2>/dev/null || true; } \
             | sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\/\?\)$/\1/p' | head -n1)
fi
if [ -z "$mirror" ]; then
  mirror=$({ grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list || true; } \
             | awk '$2 ~ /\/debian\/?$/ { print $2; exit }')
fi
mirror=${mirror:-http://deb.debian.org/debian}

say "app $app_id, runtime $runtime//$branch, sdk $sdk//$branch, arch $arch"
say "stand-in runtime from Debian $suite at $mirror, work dir $work"
mkdir -p "$work"

export FLATPAK_USER_DIR=$work/flatpak-user
if [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -w "${XDG_RUNTIME_DIR}" ]; then
  export XDG_RUNTIME_DIR=$work/xdg-runtime
  mkdir -p "$XDG_RUNTIME_DIR"
  chmod 700 "$XDG_RUNTIME_DIR"
fi

# --- 1. the stand-in runtime and SDK ------------------------------------------------------------

# What the app needs at run time: GTK 4, libadwaita, libsoup 3 (with TLS through
# glib-networking), json-glib, icons, fonts, schemas and the SVG pixbuf loader.
platform_packages=(
  libgtk-4-1 libadwaita-1-0 libsoup-3.0-0 libjson-glib-1.0-0 glib-networking libglib2.0-bin
  gsettings-desktop-schemas shared-mime-info librsvg2-common adwaita-icon-theme
  hicolor-icon-theme fonts-cantarell fonts-dejavu-core ca-certificates locales
)
# The GNOME runtime brings its locales in an extension; here de_DE.UTF-8 is compiled into the
# tree so that the German catalogue can be checked inside the sandbox.
# shellcheck disable=SC2016 # "$1" is the tree, expanded by mmdebstrap's hook shell
locale_hook='echo "de_DE.UTF-8 UTF-8" >"$1/etc/locale.gen" && chroot "$1" locale-gen'

# The SDK adds the compilers and every tool flatpak-builder calls: meson and ninja for the app,
# make for http-parser, appstream-compose (appstream-util) for the metainfo, eu-strip for the
# debug split, glib-compile-schemas and the desktop-file tools for the finish step.
sdk_packages=(
  "${platform_packages[@]}"
  gcc libc6-dev make meson ninja-build pkgconf gettext
  libglib2.0-dev libglib2.0-dev-bin libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev libjson-glib-dev
  desktop-file-utils appstream appstream-util elfutils
)

cache=$work/debs
mkdir -p "$cache"

# build_tree NAME PACKAGES…: a Debian tree at $work/trees/NAME, rebuilt only when the suite, the
# mirror or the package list changed.
build_tree () {
  local name=$1; shift
  local tree=$work/trees/$name
  local key
  key=$(printf '%s\n' "$suite" "$mirror" "$locale_hook" "$@" | sha256sum | cut -c1-16)
  if [ -f "$tree.key" ] && [ "$(cat "$tree.key")" = "$key" ]; then
    say "$name tree is up to date ($tree)"
    return 0
  fi
  say "building the $name tree with mmdebstrap ($# packages)…"
  # A run that was killed can leave /dev, /proc or /sys mounted inside the tree: never delete
  # through a mount.
  if grep -q " ${tree}[/ ]" /proc/mounts; then
    fail "something is still mounted under $tree (see /proc/mounts): unmount it first"
  fi
  rm -rf --one-file-system "$tree" "$tree.key"
  mkdir -p "$work/trees"
  local list
  list=$(IFS=,; echo "$*")
  # The package cache is kept between runs (sync-in/sync-out), so the SDK tree downloads only
  # what the platform tree did not, and a rebuild downloads nothing. Documentation and the
  # translations of other languages than German are left out to keep the runtime small.
  # shellcheck disable=SC2016 # "$1" in the hooks is the tree, expanded by mmdebstrap
  mmdebstrap --variant=essential --mode=root --format=directory \
    --include="$list" \
    --aptopt='APT::Install-Recommends "false"' \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-include=/usr/share/locale/de/*' \
    --dpkgopt='path-include=/usr/share/locale/locale.alias' \
    --skip=download/empty --skip=essential/unlink \
    --setup-hook='mkdir -p "$1"/var/cache/apt/archives/' \
    --setup-hook="sync-in $cache /var/cache/apt/archives/" \
    --customize-hook="sync-out /var/cache/apt/archives $cache" \
    --customize-hook="$locale_hook" \
    "$suite" "$tree" "$mirror" >"$work/mmdebstrap-$name.log" 2>&1 \
    || { tail -n 30 "$work/mmdebstrap-$name.log" >&2; fail "mmdebstrap for the $name tree"; }
  echo "$key" >"$tree.key"
}

# export_runtime NAME ID: commit the tree's /usr (with /etc moved into /usr/etc, where Flatpak
# expects it) as runtime ID//$branch into the local repository.
export_runtime () {
  local name=$1 id=$2
  local tree=$work/trees/$name
  local stamp=$work/trees/$name.exported
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(cat "$tree.key")-$id-$branch" ]; then
    return 0
  fi
  say "exporting $id//$branch"
  rm -rf "$tree/usr/etc"
  cp -a "$tree/etc" "$tree/usr/etc"
  # The app's libraries (http-parser) live in /app/lib; Flatpak builds the sandbox's ld.so.cache
  # from this file, as the GNOME runtime's own ld.so.conf does.
  cat >"$tree/usr/etc/ld.so.conf" <<'EOF'
include /run/flatpak/ld.so.conf.d/app-*-*.conf
/app/lib
include /run/flatpak/ld.so.conf.d/runtime-*-*.conf
include /etc/ld.so.conf.d/*.conf
EOF
  # Files Flatpak provides itself inside the sandbox.
  rm -f "$tree/usr/etc/passwd" "$tree/usr/etc/group" "$tree/usr/etc/machine-id" \
        "$tree/usr/etc/resolv.conf" "$tree/usr/etc/hosts" "$tree/usr/etc/localtime"
  cat >"$tree/metadata" <<EOF
[Runtime]
name=$id
runtime=$runtime/$arch/$branch
sdk=$sdk/$arch/$branch
EOF
  flatpak build-export --runtime --files=usr --arch="$arch" --no-update-summary \
    --subject="Stand-in $id from Debian $suite" "$work/repo" "$tree" "$branch" \
    >"$work/export-$name.log" 2>&1 \
    || { tail -n 20 "$work/export-$name.log" >&2; fail "flatpak build-export of $id"; }
  echo "$(cat "$tree.key")-$id-$branch" >"$stamp"
  exported=1
}

t0=$(date +%s)
exported=0
build_tree platform "${platform_packages[@]}"
build_tree sdk "${sdk_packages[@]}"
export_runtime platform "$runtime"
export_runtime sdk "$sdk"
if [ "$exported" = 1 ] || ! flatpak --user info "$runtime//$branch" >/dev/null 2>&1 \
   || ! flatpak --user info "$sdk//$branch" >/dev/null 2>&1; then
  flatpak build-update-repo "$work/repo" >/dev/null
  flatpak --user remote-add --if-not-exists --no-gpg-verify versus-offline "$work/repo"
  flatpak --user install -y --noninteractive --reinstall versus-offline \
    "runtime/$runtime/$arch/$branch" "runtime/$sdk/$arch/$branch" >"$work/install-runtime.log" 2>&1 \
    || { tail -n 20 "$work/install-runtime.log" >&2; fail "installing the stand-in runtime"; }
fi
check_ok "stand-in $runtime//$branch and $sdk//$branch installed ($(( $(date +%s) - t0 ))s)"

# --- 2. the app, from the manifest as it is ------------------------------------------------------

# flatpak-builder never downloads here (--disable-download). The http-parser tarball is taken
# from Debian's source package instead: Debian's http-parser_2.9.4.orig.tar.gz is byte for byte
# the GitHub archive the manifest names, so it lands in the download cache under the manifest's
# sha256 and flatpak-builder verifies it as usual.
read -r hp_url hp_sha < <(python3 - "$manifest" <<'EOF'
import json, sys
for mod in json.load(open(sys.argv[1]))["modules"]:
    for src in mod.get("sources", []):
        if src.get("type") == "archive":
            print(src["url"], src["sha256"])
EOF
)
state=$work/state
hp_dest=$state/downloads/$hp_sha/$(basename "$hp_url")
if [ ! -f "$hp_dest" ]; then
  say "fetching http-parser's upstream tarball from Debian's source package"
  aptdir=$work/apt-src
  mkdir -p "$aptdir/lists/partial" "$aptdir/cache/archives/partial" "$aptdir/src"
  # shellcheck source=/dev/null
  release=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
  echo "deb-src $mirror $release main" >"$aptdir/sources.list"
  aptopts=(-o "Dir::Etc::SourceList=$aptdir/sources.list" -o Dir::Etc::SourceParts=/dev/null
           -o "Dir::State::Lists=$aptdir/lists" -o "Dir::Cache=$aptdir/cache"
           -o APT::Sandbox::User=root)
  apt-get "${aptopts[@]}" -qq update >/dev/null
  (cd "$aptdir/src" && apt-get "${aptopts[@]}" -qq source --download-only http-parser >/dev/null)
  orig=$(ls "$aptdir"/src/http-parser_2.9.4.orig.tar.gz 2>/dev/null || true)
  [ -n "$orig" ] || fail "Debian's source package has no http-parser_2.9.4.orig.tar.gz"
  echo "$hp_sha  $orig" | sha256sum -c --quiet - \
    || fail "Debian's orig tarball does not match the manifest's sha256 $hp_sha"
  mkdir -p "$(dirname "$hp_dest")"
  cp "$orig" "$hp_dest"
fi
check_ok "http-parser tarball in the download cache matches sha256 $hp_sha"

t0=$(date +%s)
say "building $app_id with flatpak-builder…"
(cd "$srcdir" && flatpak-builder --user --install --force-clean --disable-download \
   --disable-rofiles-fuse --state-dir="$state" --repo="$work/repo" \
   "$work/build-dir" "$manifest") >"$work/flatpak-builder.log" 2>&1 \
  || { tail -n 40 "$work/flatpak-builder.log" >&2; fail "flatpak-builder (log: $work/flatpak-builder.log)"; }
check_ok "flatpak-builder built and installed $app_id ($(( $(date +%s) - t0 ))s)"

# The code must build without warnings against the runtime's newer libraries too.
warnings=$(grep -E '^\.\./(src|tests)/[^ ]*: warning:' "$work/flatpak-builder.log" | sort -u || true)
if [ -n "$warnings" ]; then
  printf '%s\n' "$warnings" >&2
  if [ "${VERSUS_FLATPAK_ALLOW_WARNINGS:-0}" = 1 ]; then
    say "warning: $(printf '%s\n' "$warnings" | wc -l) compiler warnings against the runtime (allowed)"
  else
    fail "$(printf '%s\n' "$warnings" | wc -l) compiler warnings against the runtime's libraries (VERSUS_FLATPAK_ALLOW_WARNINGS=1 lets them pass)"
  fi
else
  check_ok "no compiler warnings against the runtime's libraries"
fi

# --- 3. inside the sandbox ---------------------------------------------------------------------

out=$(flatpak run "$app_id" --version 2>&1) || fail "flatpak run $app_id --version: $out"
case $out in
  *"$version"*) check_ok "flatpak run $app_id --version → $out" ;;
  *) fail "--version printed '$out', expected the version $version" ;;
esac

# The German catalogue is installed with the app and loaded when the locale asks for it: one of
# de.po's translations must show up in `versus run --help` under de_DE.UTF-8.
if ! out=$(python3 "$srcdir/tests/check-translation.py" "$srcdir/po/de.po" de_DE.UTF-8 \
             flatpak run "$app_id" 2>&1); then
  printf '%s\n' "$out" >&2
  fail "the German catalogue inside the sandbox"
fi
check_ok "flatpak run $app_id run --help under de_DE.UTF-8: $out"

srvdir=$(mktemp -d)
trap 'kill "${srv_pid:-}" 2>/dev/null || true; rm -rf "$srvdir"' EXIT
echo hello >"$srvdir/index.html"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$srvdir" "$port" >"$work/http-server.log" 2>&1 &
srv_pid=$!
for _ in $(seq 50); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break
  sleep 0.1
done
url=http://127.0.0.1:$port/
# The CSV goes to the app's own folder, the one place outside the sandbox it may write to.
csvdir=$HOME/.var/app/$app_id/data/build-offline-check
rm -rf "$csvdir"
if ! out=$(timeout 60 flatpak run "$app_id" run -q --engine soup -c 2 -d 2s --csv "$csvdir" \
             "$url" 2>&1); then
  printf '%s\n' "$out" >&2
  fail "headless versus run inside the sandbox against $url"
fi
hits=$(grep -c '"GET / HTTP/1.1" 200' "$work/http-server.log" || true)
[ "${hits:-0}" -gt 0 ] || fail "versus run exited 0 but the loopback server saw no request"
[ -s "$csvdir/summary.csv" ] || fail "versus run exited 0 but wrote no $csvdir/summary.csv"
rm -rf "$csvdir"
check_ok "flatpak run $app_id run … $url → exit 0, the server answered $hits requests, summary.csv written to the app's folder"
kill "$srv_pid" 2>/dev/null || true

if [ "${VERSUS_FLATPAK_SKIP_GUI:-0}" != 1 ]; then
  shot=$work/screenshot.png
  rm -f "$shot"
  # GSK_RENDERER=cairo: Xvfb has no GPU, and the stand-in runtime carries no Mesa drivers.
  # A window counts when a top-level of class "versus" at least 200×200 px is mapped; the
  # screenshot is of that window (GTK draws its own decorations, there is no window manager).
  # Everything runs inside one private session bus, and the app is stopped from inside it, so
  # that dbus-run-session ends the bus and the portals it activated end with it.
  # shellcheck disable=SC2016 # the inner script's variables expand inside it
  xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- bash -c '
    set -u
    find_window () {
      xwininfo -root -children 2>/dev/null \
        | awk '\''/\("versus" "[^"]*"\)/ { split($(NF-1), g, /[x+]/); if (g[1] >= 200 && g[2] >= 200) { print $1; exit } }'\''
    }
    flatpak run --env=GSK_RENDERER=cairo "$1" >"$2/window.log" 2>&1 &
    app=$!
    win=
    for _ in $(seq 60); do
      sleep 0.5
      win=$(find_window)
      [ -n "$win" ] && break
    done
    sleep 2
    xwininfo -root -children >"$2/windows.txt" 2>&1
    if [ -n "$win" ]; then
      xwd -id "$win" -silent | xwdtopnm 2>/dev/null | pnmtopng >"$3"
    fi
    kill $app 2>/dev/null
    wait $app 2>/dev/null
    true' _ "$app_id" "$work" "$shot" >"$work/session.log" 2>&1
  [ -s "$shot" ] \
    || { cat "$work/window.log" >&2; fail "no Versus window appeared under Xvfb (see $work/window.log, $work/windows.txt)"; }
  check_ok "the window opened under Xvfb; screenshot $shot"
fi

say "all checks passed in $(elapsed); disk used by $work: $(du -sh "$work" 2>/dev/null | cut -f1)"
