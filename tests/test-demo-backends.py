#!/usr/bin/env python3
"""The two demo backends (data/demo/) answer the documented API, and answer it alike.

Starts data/demo/node/server.js and data/demo/python/app.py on free loopback ports, sends the
same requests to both, and checks status, content type and body against the API their headers
document. A comparison of the two is only fair if both serve the same bytes. TAP output.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time

SOURCE_DIR = os.environ.get("VERSUS_SOURCE_DIR",
                            os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
DEMO = os.path.join(SOURCE_DIR, "data", "demo")
PYTHON = "/usr/bin/python3"  # Debian's, with Flask and gunicorn (see build-aux/setup.sh)

USER_42 = b'{"id":42,"name":"User 42","email":"user42@example.com","active":true}'
NOT_FOUND = b'{"error":"not found"}'
NOT_ALLOWED = b'{"error":"method not allowed"}'

# method, path, expected status, expected body (None: no body, as for HEAD)
CASES = [
    ("GET", "/api/users/42", 200, USER_42),
    ("GET", "/api/users/42?verbose=1", 200, USER_42),
    ("GET", "/api/users/0", 200, b'{"id":0,"name":"User 0","email":"user0@example.com","active":true}'),
    ("GET", "/api/users/abc", 404, NOT_FOUND),
    ("GET", "/api/users/-1", 404, NOT_FOUND),
    ("GET", "/api/users/1234567890123456", 404, NOT_FOUND),
    ("GET", "/api/users/42/", 404, NOT_FOUND),
    ("GET", "/api/users/", 404, NOT_FOUND),
    ("GET", "/", 404, NOT_FOUND),
    ("GET", "/api/orders/1", 404, NOT_FOUND),
    ("HEAD", "/api/users/42", 200, None),
    ("POST", "/api/users/42", 405, NOT_ALLOWED),
    ("DELETE", "/api/users/42", 405, NOT_ALLOWED),
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def node_binary():
    for name in ("node", "nodejs"):
        for directory in os.environ.get("PATH", "").split(os.pathsep):
            path = os.path.join(directory, name)
            if os.access(path, os.X_OK):
                return path
    return None


def start(argv):
    # Own process group, so that gunicorn's workers end with their master.
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)


def wait_ready(proc, port, deadline):
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def stop(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return proc.stdout.read().decode(errors="replace")


def ask(port, method, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type"), response.read()
    finally:
        conn.close()


def main():
    node = node_binary()
    missing = []
    if node is None:
        missing.append("node")
    if subprocess.run([PYTHON, "-c", "import flask, gunicorn"], capture_output=True).returncode:
        missing.append("Flask/gunicorn for " + PYTHON)
    if missing:
        print(f"1..0 # SKIP {', '.join(missing)} missing: run build-aux/setup.sh")
        return 0

    backends = {
        "node": [node, os.path.join(DEMO, "node", "server.js")],
        "python": [PYTHON, os.path.join(DEMO, "python", "app.py")],
    }
    print(f"1..{2 + len(CASES) * len(backends)}")
    number = 0
    failures = 0

    def report(ok, name, detail=""):
        nonlocal number, failures
        number += 1
        failures += not ok
        print(f"{'ok' if ok else 'not ok'} {number} {name}")
        if not ok and detail:
            print("# " + detail.replace("\n", "\n# "))

    procs = {}
    ports = {}
    try:
        deadline = time.monotonic() + 20
        for name, argv in backends.items():
            ports[name] = free_port()
            procs[name] = start(argv + [str(ports[name])])
        for name, proc in procs.items():
            ready = wait_ready(proc, ports[name], deadline)
            detail = "" if ready else stop(proc)
            report(ready, f"/data/demo/{name}/starts-on-loopback", detail)

        for name in backends:
            for method, path, status, body in CASES:
                test = f"/data/demo/{name}/{method}{path}"
                try:
                    got = ask(ports[name], method, path)
                except OSError as error:
                    report(False, test, str(error))
                    continue
                want = (status, "application/json", body if body is not None else b"")
                report(got == want, test, f"got {got!r}\nwant {want!r}")
    finally:
        for proc in procs.values():
            stop(proc)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
