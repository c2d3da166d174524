#!/usr/bin/env bash
# Renders data/screenshots/main.png: a real run of the demo (a Node.js and a Python backend on
# this machine's loopback) in the real window under Xvfb. The window pictures itself when the
# run ends (VERSUS_SCREENSHOT) and quits.
#
#   build-aux/screenshot.sh [BUILD_DIR] [OUTPUT]
set -euo pipefail

source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=$(realpath "${1:-$source_dir/build}")
output=$(realpath -m "${2:-$source_dir/data/screenshots/main.png}")
versus="$build_dir/src/versus"
port_node=${VERSUS_DEMO_PORT_NODE:-18081}
port_python=${VERSUS_DEMO_PORT_PYTHON:-18082}

[ -x "$versus" ] || { echo "screenshot: build first: $versus is missing" >&2; exit 1; }
command -v xvfb-run >/dev/null || { echo "screenshot: xvfb-run is missing (apt-get install xvfb)" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

cat > "$work/node.js" <<JS
const http = require('http');
const body = JSON.stringify({ id: 1, name: 'Ada Lovelace', email: 'ada@example.com' });
http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(body);
}).listen($port_node, '127.0.0.1');
JS

cat > "$work/python.py" <<PY
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BODY = json.dumps({"id": 1, "name": "Ada Lovelace", "email": "ada@example.com"}).encode()

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, *args):
        pass

ThreadingHTTPServer(("127.0.0.1", $port_python), Handler).serve_forever()
PY

cat > "$work/plan.json" <<JSON
{
  "version": 1,
  "targets": [
    { "name": "node", "url": "http://127.0.0.1:$port_node/api/users/1" },
    { "name": "python", "url": "http://127.0.0.1:$port_python/api/users/1" }
  ],
  "load": { "model": "closed", "connections": 8, "duration": "10s", "warmup": "2s",
            "timeout": "5s", "threads": 1 },
  "mode": "parallel",
  "engine": "auto"
}
JSON

node "$work/node.js" & pids+=($!)
python3 "$work/python.py" & pids+=($!)
for port in "$port_node" "$port_python"; do
  for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
done

mkdir -p "$(dirname "$output")"
rm -f "$output"
# GTK_A11Y=none: no session bus under Xvfb; the schema from the build dir; a fixed light style
xvfb-run -a -s "-screen 0 1400x900x24" \
  env GTK_A11Y=none GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build_dir/data" \
      ADW_DEBUG_COLOR_SCHEME="${ADW_DEBUG_COLOR_SCHEME:-prefer-light}" \
      VERSUS_SCREENSHOT="$output" VERSUS_DEBUG_FRAMES=1 \
  timeout 60 "$versus" --plan "$work/plan.json" --start

[ -s "$output" ] || { echo "screenshot: no picture was written" >&2; exit 1; }
echo "screenshot: wrote $output"
