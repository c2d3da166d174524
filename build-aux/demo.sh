#!/usr/bin/env bash
# Command 1: try Versus on the bundled demo.
#
# Installs the Debian packages, builds build/ (configuring it when needed), then compares the
# Node.js and Python Flask demo backends on 127.0.0.1 (Node.js on 8081, Flask under gunicorn on
# 8082) with data/plans/node-vs-flask.json, which starts, samples and stops the two servers
# itself (running this script is the consent its --allow-commands stands for: the commands are
# those of data/demo/backends.sh). In the window when a display is there and the window is
# built: the window opens on the plan and starts it. Otherwise headless: `versus run` runs it,
# prints the side-by-side table with the servers' CPU and memory, and writes the CSVs to
# versus-results/. Nothing is left running at the end, also on Ctrl-C, on an error, or when the
# window is closed during the run.
set -euo pipefail
# shellcheck source=build-aux/common.sh
. "$(dirname "$0")/common.sh"

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
  vs_say "opening the window on $managed_plan"
  # Versus starts the servers itself and stops them when the run ends or the window closes
  build/src/versus --plan "$managed_plan" --allow-commands --start || status=$?
else
  vs_say "no display or no window built: running $managed_plan headless"
  # Versus stops the servers it started itself, also on Ctrl-C
  build/src/versus run --plan "$managed_plan" --allow-commands --csv "$results" || status=$?
  if [ "$status" -eq 0 ]; then
    vs_say "results written to $results/summary.csv and $results/timeseries.csv"
  fi
fi
exit "$status"
