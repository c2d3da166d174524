#!/usr/bin/env python3
"""Connections, streams and protocol against nginx, whose own log is the witness.

Starts nginx (its own prefix in a temporary folder, a self-signed certificate made by openssl)
on free loopback ports: HTTPS with http2, HTTPS without, and plain HTTP, logging every request's
`$connection $server_protocol $msec $request_time`. Then runs `versus run` against it and
checks what Versus reports against what nginx saw:

- `-c 4` and `-c 10` open exactly 4 and 10 TCP connections over HTTP/2 (libsoup alone would
  multiplex them all over one per worker), and the protocol reads "HTTP/2";
- plain http:// reads "HTTP/1.1" (both engines), with as many connections as asked;
- `--streams 4` keeps up to connections x streams requests in flight on HTTP/2, never more,
  over the same connections; on an HTTP/1.1 connection it keeps to one, and the notes say so;
- closed-model stages on the soup engine over HTTP/2 with 3 streams: 1 connection for a second,
  then 3: a busy connection keeps its streams busy, so nginx has up to 3, then up to 9 requests
  in hand at once, over 1, then 3 TCP connections;
- a comparison of an HTTP/1.1 target with an HTTP/2 one says so in the JSON notes;
- the phases against a location that waits a known 200 ms: first byte at least that, connect
  a small fraction of it.

Skips with the reason when nginx (or openssl) is not installed. TAP output.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

VERSUS = os.environ.get("VERSUS_BINARY", "versus")
ECHO_MODULE = "/usr/lib/nginx/modules/ngx_http_echo_module.so"
DELAY_S = 0.2

results = []


def check(ok, name, detail=""):
    results.append((bool(ok), name, detail))


def free_ports(n):
    socks = []
    for _ in range(n):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        socks.append(sock)
    ports = [sock.getsockname()[1] for sock in socks]
    for sock in socks:
        sock.close()
    return ports


class Nginx:
    def __init__(self, prefix):
        self.prefix = prefix
        self.h2, self.h1s, self.http = free_ports(3)
        self.log = os.path.join(prefix, "logs", "access.log")
        os.makedirs(os.path.join(prefix, "logs"))
        os.makedirs(os.path.join(prefix, "tmp"))
        key = os.path.join(prefix, "key.pem")
        cert = os.path.join(prefix, "cert.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "2", "-subj", "/CN=127.0.0.1"],
                       check=True, capture_output=True)
        self.have_delay = os.path.exists(ECHO_MODULE)
        load = "load_module %s;" % ECHO_MODULE if self.have_delay else ""
        delay = ("location /delay { echo_sleep %g; echo ok; }" % DELAY_S
                 if self.have_delay else "")
        tmp = os.path.join(prefix, "tmp")
        conf = os.path.join(prefix, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""
{load}
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
  log_format witness '$connection $server_protocol $msec $request_time';
  access_log {self.log} witness;
  client_body_temp_path {tmp};
  proxy_temp_path {tmp};
  fastcgi_temp_path {tmp};
  uwsgi_temp_path {tmp};
  scgi_temp_path {tmp};
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  ssl_certificate {cert};
  ssl_certificate_key {key};
  server {{
    listen 127.0.0.1:{self.h2} ssl http2;
    listen 127.0.0.1:{self.h1s} ssl;
    listen 127.0.0.1:{self.http};
    location / {{ return 200 "ok"; }}
    {delay}
  }}
}}
""")
        self.process = subprocess.Popen(["nginx", "-p", prefix, "-c", conf,
                                         "-e", os.path.join(prefix, "logs", "error.log")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("nginx exited: " + self.process.stderr.read().decode())
            try:
                for port in (self.h2, self.h1s, self.http):
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start listening")

    def url(self, port, path="/"):
        scheme = "http" if port == self.http else "https"
        return "%s://127.0.0.1:%d%s" % (scheme, port, path)

    def clear_log(self):
        # nginx writes each line at once (no buffer set); truncating in place keeps its fd valid
        with open(self.log, "w"):
            pass

    def log_entries(self):
        """(connection, protocol, start, end) per request, once nginx has written them all."""
        entries = []
        with open(self.log) as f:
            for line in f:
                connection, protocol, msec, request_time = line.split()
                end = float(msec)
                entries.append((connection, protocol, end - float(request_time), end))
        return entries

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def versus(args, json_path):
    argv = [VERSUS, "run", "-q", "--insecure", "--json", json_path] + args
    out = subprocess.run(argv, capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE=""))
    if out.returncode != 0:
        raise RuntimeError("%s: exit %d\n%s" % (" ".join(argv), out.returncode, out.stderr))
    with open(json_path) as f:
        return json.load(f), out.stdout


def max_overlap(entries):
    """The most requests nginx had in hand at once (ms resolution: ends sort before starts)."""
    events = []
    for _, _, start, end in entries:
        events.append((round(start, 3), 1))
        events.append((round(end, 3), -1))
    events.sort(key=lambda e: (e[0], e[1]))
    level = peak = 0
    for _, step in events:
        level += step
        peak = max(peak, level)
    return peak


def peak_between(entries, start, end):
    """The most requests nginx had in hand at once between start and end (its clock)."""
    level = sum(1 for e in entries if e[2] <= start < e[3])
    peak = level
    events = [(round(e[2], 3), 1) for e in entries if start < e[2] < end]
    events += [(round(e[3], 3), -1) for e in entries if start < e[3] < end]
    for _, step in sorted(events):
        level += step
        peak = max(peak, level)
    return peak


def run_case(nginx, tmp, name, args, url):
    nginx.clear_log()
    result, table = versus(args + [url], os.path.join(tmp, name + ".json"))
    time.sleep(0.2)  # the last log lines
    return result, table, nginx.log_entries()


def main():
    missing = [tool for tool in ("nginx", "openssl") if shutil.which(tool) is None]
    if missing:
        print("1..0 # SKIP %s not installed (build-aux/setup.sh installs nginx-light and "
              "openssl)" % " and ".join(missing))
        return 0

    tmp = tempfile.mkdtemp(prefix="versus-nginx-")
    nginx = None
    try:
        nginx = Nginx(os.path.join(tmp, "nginx"))

        for c in (4, 10):
            result, table, entries = run_case(nginx, tmp, "h2-c%d" % c,
                                              ["--engine", "soup", "-t", "2", "-c", str(c),
                                               "-n", "400"], nginx.url(nginx.h2))
            summary = result["targets"][0]["summary"]
            connections = {e[0] for e in entries}
            check(len(connections) == c,
                  "HTTP/2, -c %d: nginx saw %d TCP connections" % (c, c),
                  "it saw %d" % len(connections))
            check({e[1] for e in entries} == {"HTTP/2.0"}, "HTTP/2, -c %d: every request "
                  "arrived over HTTP/2" % c, str({e[1] for e in entries}))
            check(summary["protocol"] == "HTTP/2", "HTTP/2, -c %d: protocol reads HTTP/2" % c,
                  summary["protocol"])
            check(summary["responses"] == len(entries) == 400,
                  "HTTP/2, -c %d: every response counted once" % c,
                  "versus %s, nginx %d" % (summary["responses"], len(entries)))
            check(any(line.split()[:2] == ["protocol", "HTTP/2"] for line in table.splitlines()),
                  "HTTP/2, -c %d: the CLI table's protocol row says HTTP/2" % c)

        for engine in ("soup", "native"):
            result, _, entries = run_case(nginx, tmp, "http-" + engine,
                                          ["--engine", engine, "-c", "4", "-n", "200"],
                                          nginx.url(nginx.http))
            summary = result["targets"][0]["summary"]
            check(summary["protocol"] == "HTTP/1.1",
                  "http://, %s engine: protocol reads HTTP/1.1" % engine, summary["protocol"])
            check(len({e[0] for e in entries}) == 4,
                  "http://, %s engine: nginx saw 4 TCP connections" % engine,
                  "it saw %d" % len({e[0] for e in entries}))

        result, _, _ = run_case(nginx, tmp, "mixed", ["--engine", "soup", "-c", "2", "-n", "50",
                                                     nginx.url(nginx.h2)], nginx.url(nginx.h1s))
        protocols = [t["summary"]["protocol"] for t in result["targets"]]
        check(protocols == ["HTTP/2", "HTTP/1.1"], "HTTP/2 against HTTP/1.1: both protocols "
              "recorded", str(protocols))
        check(any("different protocols" in note for note in result["notes"]),
              "HTTP/2 against HTTP/1.1: the JSON notes say so", str(result["notes"]))

        if not nginx.have_delay:
            for name in ("streams over HTTP/2", "streams over HTTP/1.1", "stages over HTTP/2",
                         "phases"):
                results.append((True, name, "SKIP nginx's echo module (%s) is not installed, "
                                "so no location waits" % ECHO_MODULE))
        else:
            streams = ["--engine", "soup", "-t", "1", "-c", "2", "--streams", "4", "-n", "40"]
            result, _, entries = run_case(nginx, tmp, "h2-streams", streams,
                                          nginx.url(nginx.h2, "/delay"))
            peak = max_overlap(entries)
            summary = result["targets"][0]["summary"]
            check(len({e[0] for e in entries}) == 2, "--streams 4 over HTTP/2: still 2 TCP "
                  "connections", "nginx saw %d" % len({e[0] for e in entries}))
            check(4 < peak <= 8, "--streams 4 over HTTP/2: up to 2 x 4 requests in flight",
                  "nginx had at most %d at once" % peak)
            check(summary["streams"] == 4 and summary["responses"] == 40,
                  "--streams 4 over HTTP/2: streams and responses in the summary", str(summary))

            result, _, entries = run_case(nginx, tmp, "h1-streams", streams[:-1] + ["12"],
                                          nginx.url(nginx.h1s, "/delay"))
            peak = max_overlap(entries)
            check(peak <= 2, "--streams 4 over HTTP/1.1: one request per connection at a time",
                  "nginx had %d at once" % peak)
            check(any("HTTP/1.x" in note for note in result["notes"]),
                  "--streams 4 over HTTP/1.1: the notes say the streams did not apply",
                  str(result["notes"]))

            # closed-model stages, streams on: 1 connection for 1 s, then 3 for 1.2 s; each
            # request waits 200 ms, so each stream has one in hand at nginx nearly all the time
            plan = os.path.join(tmp, "stages.json")
            with open(plan, "w") as f:
                json.dump({"version": 1, "engine": "soup", "insecure": True,
                           "targets": [{"name": "h2", "url": nginx.url(nginx.h2, "/delay")}],
                           "load": {"threads": 1, "streams": 3,
                                    "stages": [{"duration": "1s", "connections": 1},
                                               {"duration": "1.2s", "connections": 3}]}}, f)
            nginx.clear_log()
            result, _ = versus(["--plan", plan], os.path.join(tmp, "stages-result.json"))
            time.sleep(0.2)
            entries = nginx.log_entries()
            summary = result["targets"][0]["summary"]
            # nginx's clock is not the run's: the first request (after a TLS handshake of up to
            # a few hundred ms on a loaded machine) and the first on another connection mark
            # the steps
            t0, c0 = min((e[2], e[0]) for e in entries)
            t1 = min([e[2] for e in entries if e[0] != c0], default=t0)
            check(0.6 <= t1 - t0 <= 1.05 and len({e[0] for e in entries}) == 3,
                  "stages over HTTP/2: a second TCP connection only with the second step, 3 in "
                  "all", "after %.3f s; nginx saw %d" % (t1 - t0, len({e[0] for e in entries})))
            peaks = (peak_between(entries, t0, t1), peak_between(entries, t1 + 0.25, t1 + 1.1))
            check(peaks == (3, 9), "stages over HTTP/2: 1 x 3, then 3 x 3 requests in flight "
                  "at most", "nginx had at most %d, then %d at once" % peaks)
            check(summary["responses"] == len(entries) and summary["protocol"] == "HTTP/2",
                  "stages over HTTP/2: every response counted once",
                  "versus %s, nginx %d" % (summary["responses"], len(entries)))

            for port in (nginx.h2, nginx.h1s, nginx.http):
                result, _, _ = run_case(nginx, tmp, "phases-%d" % port,
                                        ["--engine", "soup", "-t", "1", "-c", "2", "-n", "6"],
                                        nginx.url(port, "/delay"))
                summary = result["targets"][0]["summary"]
                delay_ms = DELAY_S * 1000
                # nginx's timers run on its cached millisecond clock, and the histograms keep 3
                # significant digits: 1 ms of slack below the delay
                ok = (summary["first_byte_p50_ms"] is not None and
                      summary["first_byte_p50_ms"] >= delay_ms - 1 and
                      summary["latency_min_ms"] >= delay_ms - 1 and
                      summary["connect_p50_ms"] is not None and
                      summary["connect_p50_ms"] < delay_ms / 20 and
                      (port == nginx.http) == (summary["tls_p50_ms"] is None))
                check(ok, "phases on %s: first byte >= %g ms, connect far below"
                      % (nginx.url(port, "/delay"), delay_ms),
                      "connect %s, tls %s, first byte %s, latency min %s ms" %
                      (summary["connect_p50_ms"], summary["tls_p50_ms"],
                       summary["first_byte_p50_ms"], summary["latency_min_ms"]))
    except Exception as error:  # a failure to set up or run is a failure, with the reason
        check(False, "nginx witness runs", str(error).replace("\n", " | "))
    finally:
        if nginx is not None:
            nginx.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    print("1..%d" % len(results))
    failed = 0
    for i, (ok, name, detail) in enumerate(results, 1):
        if detail.startswith("SKIP"):
            print("ok %d - %s # %s" % (i, name, detail))
            continue
        print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
        if detail:
            print("# " + detail)
        failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
