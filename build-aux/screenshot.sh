#!/usr/bin/env bash
# Renders data/screenshots/main.png: a real run of the demo (data/plans/node-vs-flask.json, which
# starts the Node.js and Python backends on 127.0.0.1 itself, as build-aux/demo.sh runs it) in
# the real window under Xvfb. The window pictures itself when the run ends (VERSUS_SCREENSHOT)
# and quits; Versus stops the backends.
#
#   build-aux/screenshot.sh [BUILD_DIR] [OUTPUT]
#
# ADW_DEBUG_COLOR_SCHEME=prefer-dark pictures the dark style; GSK_RENDERER picks the renderer
# (cairo by default: Xvfb has no GPU, and GL through llvmpipe only slows the run down).
set -euo pipefail

source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=$(realpath "${1:-$source_dir/build}")
output=$(realpath -m "${2:-$source_dir/data/screenshots/main.png}")
versus="$build_dir/src/versus"
plan="$source_dir/data/plans/node-vs-flask.json"

[ -x "$versus" ] || { echo "screenshot: build first: $versus is missing" >&2; exit 1; }
command -v xvfb-run >/dev/null || { echo "screenshot: xvfb-run is missing (build-aux/setup.sh)" >&2; exit 1; }

mkdir -p "$(dirname "$output")"
rm -f "$output"
# GTK_A11Y=none: there is no session bus under Xvfb; the schema comes from the build dir and
# the settings stay in memory, so the picture does not depend on this machine's preferences
xvfb-run -a -s "-screen 0 1400x900x24" \
  env GTK_A11Y=none GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build_dir/data" \
      GSK_RENDERER="${GSK_RENDERER:-cairo}" \
      ADW_DEBUG_COLOR_SCHEME="${ADW_DEBUG_COLOR_SCHEME:-prefer-light}" \
      VERSUS_SCREENSHOT="$output" VERSUS_DEBUG_FRAMES=1 \
  timeout 90 "$versus" --plan "$plan" --allow-commands --start

[ -s "$output" ] || { echo "screenshot: no picture was written" >&2; exit 1; }
echo "screenshot: wrote $output" >&2
