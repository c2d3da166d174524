#!/usr/bin/env bash
# Command 1: try Versus on the bundled demo.
#
# Installs the Debian packages, builds build/ (configuring it when needed), then compares the
# Node.js and Python Flask demo backends on 127.0.0.1 (Node.js on 8081, Flask under gunicorn on
# 8082). In the window when a display is there and the window is built: the backends are
# started by this script (data/demo/backends.sh) and data/demo/demo.json is loaded. Otherwise
# headless: `versus run` runs data/plans/node-vs-flask.json, which starts, pins down, samples
# and stops the two servers itself (running this script is the consent its --allow-commands
# stands for: the commands are those of data/demo/backends.sh), prints the side-by-side table
# with the servers' CPU and memory, and writes the CSVs to versus-results/. Nothing is left
# running at the end, also on Ctrl-C or error.
set -euo pipefail
# shellcheck source=build-aux/common.sh
. "$(dirname "$0")/common.sh"

plan=data/demo/demo.json
managed_plan=data/plans/node-vs-flask.json

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

status=0
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "$(vs_build_option build gui)" = true ]; then
  # The plan's ports, whatever the environment says, and only the plan's two backends (no
  # database: data/demo/demo.json asks for /api/users/42).
  unset VERSUS_DEMO_PORT_NODE VERSUS_DEMO_PORT_PYTHON
  export VERSUS_DEMO_BACKENDS="node python" VERSUS_DEMO_DB=0
  # shellcheck source=data/demo/backends.sh
  . data/demo/backends.sh
  trap demo_backends_stop EXIT
  trap 'exit 130' INT TERM HUP
  demo_backends_start
  vs_say "opening the window on $plan"
  build/src/versus --plan "$plan" --start || status=$?
else
  vs_say "no display or no window built: running $managed_plan headless"
  # Versus stops the servers it started itself, also on Ctrl-C
  build/src/versus run --plan "$managed_plan" --allow-commands --csv "$results" || status=$?
  if [ "$status" -eq 0 ]; then
    vs_say "results written to $results/summary.csv and $results/timeseries.csv"
  fi
fi
exit "$status"
