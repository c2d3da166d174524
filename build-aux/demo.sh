#!/usr/bin/env bash
# Command 1: try Versus on the bundled demo.
#
# Installs the Debian packages, builds build/ (configuring it when needed), starts the two demo
# backends of data/demo/demo.json on 127.0.0.1 (Node.js on 8081, Python Flask on 8082), then
# compares them: in the window when a display is there and the window is built, otherwise
# headless with `versus run`, which prints the side-by-side table and writes the CSVs to
# versus-results/. The backends are stopped at the end, also on Ctrl-C or error.
set -euo pipefail
# shellcheck source=build-aux/common.sh
. "$(dirname "$0")/common.sh"

plan=data/demo/demo.json

# Without a locale (ssh, containers) the table's µ, × and – would print as "?".
case ${LC_ALL:-${LC_CTYPE:-${LANG:-}}} in
  '' | C | POSIX) export LC_ALL=C.UTF-8 ;;
esac
results=versus-results

vs_setup
if ! vs_is_configured build; then
  vs_configure build "-Dgui=$(vs_gui_option)"
fi
ninja -C build

# The plan's ports, whatever the environment says, and only the plan's two backends (no
# database: data/demo/demo.json asks for /api/users/42).
unset VERSUS_DEMO_PORT_NODE VERSUS_DEMO_PORT_PYTHON
export VERSUS_DEMO_BACKENDS="node python" VERSUS_DEMO_DB=0
# shellcheck source=data/demo/backends.sh
. data/demo/backends.sh
trap demo_backends_stop EXIT
trap 'exit 130' INT TERM HUP
demo_backends_start

status=0
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "$(vs_build_option build gui)" = true ]; then
  vs_say "opening the window on $plan"
  build/src/versus --plan "$plan" --start || status=$?
else
  vs_say "no display or no window built: running $plan headless"
  build/src/versus run --plan "$plan" --csv "$results" || status=$?
  if [ "$status" -eq 0 ]; then
    vs_say "results written to $results/summary.csv and $results/timeseries.csv"
  fi
fi
exit "$status"
