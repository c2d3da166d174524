#!/usr/bin/env bash
# fresh-check.sh — proves the set-up: both README commands in a pristine Debian 12 root.
#
# A used machine hides missing install steps (a package an earlier session installed by hand is
# still there), so this builds a new Debian 12 root with `mmdebstrap --variant=minbase bookworm`,
# copies a clean `git archive` of HEAD into /root/versus inside it and runs there, as root with
# CI=true and nothing else set up, exactly what a new user runs:
#   1. build-aux/demo.sh   (command 1; there is no display, so it runs headless and must write
#                           versus-results/summary.csv)
#   2. build-aux/test.sh   (command 2, whole: both meson runs and the Flatpak step)
# The root gets /proc, /sys, /dev and the host's network (loopback for the tests, the Debian
# mirror for apt, the npm registry; the machine's local CA certificates, which its network needs).
# Everything runs in private mount and PID namespaces: the mounts and every
# process started inside end with the check, whatever happens.
#
# It exits non-zero when either command fails; then it names the commands the logs say were
# missing and, when this machine has them, the Debian package each comes from. Its last line is
# the totals, "N passed, N failed", counting command 1 as one test and command 2's own totals.
#
# Downloaded .debs are cached between runs (the root's apt archives, and the Debian 13 packages
# of the Flatpak step's stand-in runtime), so a second run on the same machine downloads nothing;
# the root itself is always new.
#
# Environment:
#   VERSUS_FRESH_WORKDIR  where to work (default /var/tmp/versus-fresh): root/, caches, logs/
#   VERSUS_FRESH_MIRROR   Debian mirror (default: the machine's, else deb.debian.org)
#   VERSUS_FRESH_REF      what to check (default HEAD)
set -Eeuo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
srcdir=$(dirname "$here")
work=${VERSUS_FRESH_WORKDIR:-/var/tmp/versus-fresh}
ref=${VERSUS_FRESH_REF:-HEAD}
root=$work/root
logs=$work/logs
started=$(date +%s)

say ()  { printf 'fresh-check: %s\n' "$*" >&2; }
fail () { printf 'fresh-check: FAILED: %s\n' "$*" >&2; exit 1; }
since () { echo $(( $(date +%s) - $1 ))s; }
trap 'fail "line $LINENO: \"$BASH_COMMAND\" exited with status $?"' ERR

[ "$(id -u)" -eq 0 ] || fail "run this as root: mmdebstrap, the namespaces and the mounts need it"

# The check's own tools on this machine (not the project's: those are what it checks).
need=()
command -v mmdebstrap >/dev/null || need+=(mmdebstrap)
command -v git >/dev/null || need+=(git)
command -v unshare >/dev/null || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
  say "installing the check's own tools: ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The machine's Debian mirror and security mirror (deb822 or one-line sources).
sources_uris () {
  { cat /etc/apt/sources.list.d/*.sources 2>/dev/null || true; } \
    | sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\)$/\1/p'
  { grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list || true; } \
    | awk '{ for (i = 2; i <= NF; i++) if ($i !~ /^\[/) { print $i; break } }'
}
mirror=${VERSUS_FRESH_MIRROR:-$(sources_uris | grep -E '/debian/?$' | head -n1 || true)}
mirror=${mirror:-http://deb.debian.org/debian}
security=$(sources_uris | grep -E '/debian-security/?$' | head -n1 || true)
security=${security:-http://deb.debian.org/debian-security}

# --- 1. a pristine Debian 12 root ----------------------------------------------------------------

mkdir -p "$work/debs" "$work/flatpak-debs" "$logs"
# The mounts live in a namespace of their own, but a check killed by hand from another namespace
# could still hold some: never delete through a mount.
if grep -q " ${root}[/ ]" /proc/mounts; then
  fail "something is still mounted under $root (see /proc/mounts): unmount it first"
fi
rm -rf --one-file-system "$root"
rm -f "$logs"/*.log

t0=$(date +%s)
say "building a pristine Debian 12 root (mmdebstrap --variant=minbase bookworm, $mirror)…"
# shellcheck disable=SC2016 # "$1" in the hooks is the root, expanded by mmdebstrap
mmdebstrap --variant=minbase --mode=root --format=directory \
  --setup-hook='mkdir -p "$1"/var/cache/apt/archives/' \
  --setup-hook="sync-in $work/debs /var/cache/apt/archives/" \
  --customize-hook="sync-out /var/cache/apt/archives $work/debs" \
  bookworm "$root" \
  "deb $mirror bookworm main" \
  "deb $mirror bookworm-updates main" \
  "deb $security bookworm-security main" >"$logs/mmdebstrap.log" 2>&1 \
  || { tail -n 30 "$logs/mmdebstrap.log" >&2; fail "mmdebstrap (log: $logs/mmdebstrap.log)"; }
say "root ready in $(since "$t0"): $(du -sh --one-file-system "$root" | cut -f1)"

mkdir -p "$root/root/versus"
git -C "$srcdir" archive --format=tar "$ref" | tar -x -C "$root/root/versus"
say "copied $(git -C "$srcdir" rev-parse --short "$ref") ($(git -C "$srcdir" log -1 --format=%s "$ref"))"

# --- 2. the two README commands inside it --------------------------------------------------------

# The inside script: command 1, then command 2, each into its own log. It runs as PID 1 of a new
# PID namespace, so nothing it started outlives it.
cat >"$root/root/fresh-inside.sh" <<'INSIDE'
#!/bin/bash
cd /root/versus || exit 1
status1=0 status2=0
echo "=== command 1: build-aux/demo.sh"
t0=$(date +%s)
build-aux/demo.sh 2>&1 | tee /logs/command1.log
status1=${PIPESTATUS[0]}
if [ "$status1" -eq 0 ] && [ ! -s versus-results/summary.csv ]; then
  echo "command 1 exited 0 but wrote no versus-results/summary.csv" >>/logs/command1.log
  status1=1
fi
echo "command 1 exited $status1 after $(( $(date +%s) - t0 ))s"
echo "=== command 2: build-aux/test.sh"
t0=$(date +%s)
build-aux/test.sh 2>&1 | tee /logs/command2.log
status2=${PIPESTATUS[0]}
echo "command 2 exited $status2 after $(( $(date +%s) - t0 ))s"
echo "$status1 $status2" >/logs/status
INSIDE
chmod +x "$root/root/fresh-inside.sh"

t0=$(date +%s)
say "running command 1 (build-aux/demo.sh) and command 2 (build-aux/test.sh) inside the root…"
# The caches are bound in over the root's own folders; resolv.conf lets apt reach the mirror.
mkdir -p "$root/logs" "$root/var/tmp/versus-flatpak/debs"
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
# The machine's own local CA certificates come along: they belong to this machine's network (a
# fresh machine here has them too), not to the project, and the npm registry is reached through
# them. update-ca-certificates adds them to the bundle when setup.sh installs ca-certificates.
if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
fi
# The root becomes the root of a private mount namespace (pivot_root, not chroot: bwrap, which
# the Flatpak step runs, refuses to work inside a chroot), with a PID namespace of its own that
# ends with the check (--kill-child), should the check itself be killed.
# shellcheck disable=SC2016 # the inner script's variables expand inside it
unshare --mount --pid --fork --kill-child --propagation private -- bash -c '
  set -e
  root=$1 work=$2
  mount --bind "$root" "$root"
  mount -t proc proc "$root/proc"
  mount --rbind /sys "$root/sys"
  mount --rbind /dev "$root/dev"
  mount --bind "$work/debs" "$root/var/cache/apt/archives"
  mount --bind "$work/flatpak-debs" "$root/var/tmp/versus-flatpak/debs"
  mount --bind "$work/logs" "$root/logs"
  cd "$root"
  mkdir -p .host
  pivot_root . .host
  umount -l /.host
  rmdir /.host
  exec /usr/bin/env -i HOME=/root TERM=dumb CI=true \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    /bin/bash /root/fresh-inside.sh' _ "$root" "$work" \
  || say "the inside run ended with status $?"
say "inside run took $(since "$t0")"

# --- 3. the verdict -------------------------------------------------------------------------------

# From here on, a grep that finds nothing is an answer, not a failure.
trap - ERR
set +eE

read -r status1 status2 <"$logs/status" 2>/dev/null || { status1=1; status2=1; }
totals=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$logs/command2.log" 2>/dev/null | tail -n1 || true)
passed=0 failed=0 skipped=0
if [ -n "$totals" ]; then
  passed=$(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$totals")
  failed=$(sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$totals")
  case $totals in *skipped*) skipped=$(sed -E 's/.*, ([0-9]+) skipped.*/\1/' <<<"$totals") ;; esac
elif [ "$status2" -ne 0 ]; then
  failed=1
fi
if [ "$status1" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

# What the logs say was missing, and where this machine has it from.
missing_report () {
  local files=("$logs"/command*.log)
  [ -f "$root/var/tmp/versus-flatpak/flatpak-builder.log" ] \
    && files+=("$root/var/tmp/versus-flatpak/flatpak-builder.log")
  {
    grep -ohE 'Failed to execute child process "[^"]+"' "${files[@]}" 2>/dev/null \
      | sed -E 's/.*"([^"]+)"/\1/'
    grep -ohE '(^|[ :])[A-Za-z0-9_.+-]+: (command )?not found' "${files[@]}" 2>/dev/null \
      | sed -E 's/^[ :]*//; s/: (command )?not found//'
    grep -ohE "Program '[^']+' not found" "${files[@]}" 2>/dev/null | sed -E "s/Program '([^']+)'.*/\1/"
    grep -ohE '^[A-Za-z0-9_.+-]+ is missing' "${files[@]}" 2>/dev/null | sed -E 's/ is missing//'
  } | sort -u | while read -r tool; do
    [ -n "$tool" ] || continue
    local path package=
    path=$(command -v "$tool" 2>/dev/null || true)
    [ -n "$path" ] && package=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -n1 | cut -d: -f1 || true)
    [ -n "$package" ] || package=$(dpkg -S "$path" 2>/dev/null | head -n1 | cut -d: -f1 || true)
    if [ -n "$package" ]; then
      say "missing in the pristine root: $tool (on this machine it comes from the package $package)"
    else
      say "missing in the pristine root: $tool"
    fi
  done
  grep -ohE 'Dependency "[^"]+" not found' "${files[@]}" 2>/dev/null | sort -u \
    | sed -E 's/Dependency "([^"]+)".*/\1/' | while read -r pc; do
        local package
        package=$(dpkg -S "/$pc.pc" 2>/dev/null | head -n1 | cut -d: -f1 || true)
        say "missing in the pristine root: pkg-config module $pc${package:+ (package $package here)}"
      done
}

if [ "$status1" -ne 0 ]; then
  say "command 1 (build-aux/demo.sh) FAILED with status $status1; its last lines:"
  tail -n 25 "$logs/command1.log" >&2 || true
fi
if [ "$status2" -ne 0 ]; then
  say "command 2 (build-aux/test.sh) FAILED with status $status2; its last lines:"
  tail -n 40 "$logs/command2.log" >&2 || true
fi
if [ "$status1" -ne 0 ] || [ "$status2" -ne 0 ]; then
  missing_report
fi
say "command 1: $( [ "$status1" -eq 0 ] && echo ok || echo "failed ($status1)"); command 2: ${totals:-no totals} (exit $status2)"
say "logs in $logs; whole check $(since "$started")"
summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary+=", $skipped skipped"
printf '%s\n' "$summary"
if [ "$status1" -ne 0 ] || [ "$status2" -ne 0 ]; then
  exit 1
fi
