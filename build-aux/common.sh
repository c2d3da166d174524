# shellcheck shell=bash
# Sourced by build-aux/demo.sh and build-aux/test.sh: what the two README commands share.
# Moves to the repository root.

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

vs_say () { printf '%s: %s\n' "${0##*/}" "$*" >&2; }

# Installs the Debian packages (a no-op when they are all there).
vs_setup () {
  vs_say "checking the Debian packages (build-aux/setup.sh)"
  build-aux/setup.sh
}

# true when this tree has the window: main.c's window build needs src/app/vs-application.h.
# VERSUS_GUI=true|false overrides.
vs_gui_option () {
  if [ -n "${VERSUS_GUI:-}" ]; then
    printf '%s\n' "$VERSUS_GUI"
  elif [ -f src/app/vs-application.h ]; then
    printf 'true\n'
  else
    vs_say "the window is not in this tree yet (no src/app/vs-application.h): building without it"
    printf 'false\n'
  fi
}

vs_is_configured () { [ -f "$1/meson-private/coredata.dat" ]; }

# vs_configure DIR [MESON_OPTION…]: sets DIR up, or reconfigures it with the options given.
vs_configure () {
  local dir=$1
  shift
  if vs_is_configured "$dir"; then
    meson setup --reconfigure "$dir" "$@" || meson setup --wipe "$dir" "$@"
  else
    meson setup "$dir" "$@"
  fi
}

# vs_build_option DIR NAME: prints the value of a configured build option ("true", "false", …).
vs_build_option () {
  meson introspect "$1" --buildoptions | /usr/bin/python3 -c '
import json, sys
for option in json.load(sys.stdin):
    if option["name"] == sys.argv[1]:
        value = option["value"]
        print(str(value).lower() if isinstance(value, bool) else value)
' "$2"
}
