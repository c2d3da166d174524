#!/usr/bin/env python3
"""The demo backends (data/demo/) answer the documented API, and answer it alike.

Starts the throw-away PostgreSQL of data/demo/db.sh and the five backends (Node.js plain http,
Express, Flask under gunicorn with sync workers and with threads, FastAPI under uvicorn) on
free loopback ports, sends the same requests to each, and checks status, content type, Allow
and body, byte for byte, against the API documented in data/demo/node/api.js. A comparison of
the backends is only fair if all serve the same bytes.

The DB endpoint must really read PostgreSQL: its rows ("Seeded user N", ids 1–10000) differ
from the computed /api/users/:id ("User N", any id), a row inserted after the start is served,
and once the database is stopped the endpoint answers 503 while the others still answer.
TAP output. Skips when a backend's runtime is missing, except under CI=true, where a missing
piece of build-aux/setup.sh is a failure.
"""

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SOURCE_DIR = os.environ.get("VERSUS_SOURCE_DIR",
                            os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
DEMO = os.path.join(SOURCE_DIR, "data", "demo")
DB_SH = os.path.join(DEMO, "db.sh")
PYTHON = "/usr/bin/python3"  # Debian's, with the packages of build-aux/setup.sh

J = "application/json"
GET = "GET, HEAD"


def user(uid, prefix="User ", mail="user", active=True):
    active_text = "true" if active else "false"
    return (f'{{"id":{uid},"name":"{prefix}{uid}","email":"{mail}{uid}@example.com",'
            f'"active":{active_text}}}').encode()


def seeded(uid):
    return user(uid, "Seeded user ", "seeded", uid % 7 != 0)


def work(n):
    r = 0
    for i in range(n):
        r = (r * 31 + i) % 1000003
    return f'{{"n":{n},"result":{r}}}'.encode()


NOT_FOUND = b'{"error":"not found"}'
NOT_ALLOWED = b'{"error":"method not allowed"}'
BAD_N = b'{"error":"n must be an integer from 1 to 10000000"}'
BAD_JSON = b'{"error":"invalid JSON"}'
TOO_LARGE = b'{"error":"body too large"}'
DB_DOWN = b'{"error":"database unavailable"}'
ECHO_MAX = 1024 * 1024
ECHO_BODY = ('{"b": [1, 2.50, -0, 1e400], "s": "\\u00e9 é \\ud83d\\ude00", '
             '"o": {"z": null}}').encode()
BIG_JSON = b'"' + b"x" * (ECHO_MAX - 2) + b'"'
INSERTED_ID = 777777

# method, path, request body, expected status, Allow (or None), expected body (b"" for HEAD)
CASES = [
    ("GET", "/api/users/42", None, 200, None, user(42)),
    ("GET", "/api/users/42?verbose=1", None, 200, None, user(42)),
    ("GET", "/api/users/0", None, 200, None, user(0)),
    ("GET", "/api/users/%34%32", None, 200, None, user(42)),
    ("GET", "/api/users/10001", None, 200, None, user(10001)),
    ("GET", "/api/users/abc", None, 404, None, NOT_FOUND),
    ("GET", "/api/users/%zz", None, 404, None, NOT_FOUND),
    ("GET", "/api/users/4%2F2", None, 404, None, NOT_FOUND),
    ("GET", "/api/users/-1", None, 404, None, NOT_FOUND),
    ("GET", "/api/users/1234567890123456", None, 404, None, NOT_FOUND),
    ("GET", "/api/users/42/", None, 404, None, NOT_FOUND),
    ("GET", "/api/users/", None, 404, None, NOT_FOUND),
    ("GET", "/API/users/42", None, 404, None, NOT_FOUND),
    ("GET", "/", None, 404, None, NOT_FOUND),
    ("GET", "/api/orders/1", None, 404, None, NOT_FOUND),
    ("HEAD", "/api/users/42", None, 200, None, b""),
    ("POST", "/api/users/42", None, 405, GET, NOT_ALLOWED),
    ("DELETE", "/api/users/42", None, 405, GET, NOT_ALLOWED),
    # POST /api/echo: the body itself when it is JSON
    ("POST", "/api/echo", ECHO_BODY, 200, None, ECHO_BODY),
    ("POST", "/api/echo", b" [1,2]\n", 200, None, b" [1,2]\n"),
    ("POST", "/api/echo", BIG_JSON, 200, None, BIG_JSON),
    ("POST", "/api/echo", b"", 400, None, BAD_JSON),
    ("POST", "/api/echo", b"{bad", 400, None, BAD_JSON),
    ("POST", "/api/echo", b'{"a":1}x', 400, None, BAD_JSON),
    ("POST", "/api/echo", b'"\xff"', 400, None, BAD_JSON),
    ("POST", "/api/echo", b"\xef\xbb\xbf{}", 400, None, BAD_JSON),
    ("POST", "/api/echo", b"NaN", 400, None, BAD_JSON),
    ("POST", "/api/echo", b"[Infinity]", 400, None, BAD_JSON),
    ("POST", "/api/echo", BIG_JSON + b" ", 413, None, TOO_LARGE),
    ("GET", "/api/echo", None, 405, "POST", NOT_ALLOWED),
    ("PUT", "/api/echo", b"{}", 405, "POST", NOT_ALLOWED),
    # GET /api/work?n=
    ("GET", "/api/work?n=1", None, 200, None, work(1)),
    ("GET", "/api/work?n=100000", None, 200, None, work(100000)),
    ("GET", "/api/work?n=%31%30", None, 200, None, work(10)),
    ("GET", "/api/work?n=5&n=7", None, 200, None, work(5)),
    ("GET", "/api/work?x=1&n=0012", None, 200, None, work(12)),
    ("HEAD", "/api/work?n=3", None, 200, None, b""),
    ("GET", "/api/work", None, 400, None, BAD_N),
    ("GET", "/api/work?n=", None, 400, None, BAD_N),
    ("GET", "/api/work?n", None, 400, None, BAD_N),
    ("GET", "/api/work?n=0", None, 400, None, BAD_N),
    ("GET", "/api/work?n=10000001", None, 400, None, BAD_N),
    ("GET", "/api/work?n=99999999999", None, 400, None, BAD_N),
    ("GET", "/api/work?n=-1", None, 400, None, BAD_N),
    ("GET", "/api/work?n=1.5", None, 400, None, BAD_N),
    ("GET", "/api/work?n=1e3", None, 400, None, BAD_N),
    ("GET", "/api/work?n=%201", None, 400, None, BAD_N),
    ("GET", "/api/work?n=%D9%A3", None, 400, None, BAD_N),  # ARABIC-INDIC DIGIT THREE
    ("POST", "/api/work?n=1", None, 405, GET, NOT_ALLOWED),
    ("GET", "/api/work/", None, 404, None, NOT_FOUND),
    # GET /api/db/users/:id, from PostgreSQL
    ("GET", "/api/db/users/42", None, 200, None, seeded(42)),
    ("GET", "/api/db/users/7", None, 200, None, seeded(7)),
    ("GET", "/api/db/users/1", None, 200, None, seeded(1)),
    ("GET", "/api/db/users/10000", None, 200, None, seeded(10000)),
    ("GET", f"/api/db/users/{INSERTED_ID}", None, 200, None,
     user(INSERTED_ID, "Inserted user ", "inserted")),
    ("GET", "/api/db/users/10001", None, 404, None, NOT_FOUND),
    ("GET", "/api/db/users/0", None, 404, None, NOT_FOUND),
    ("GET", "/api/db/users/999999999999999", None, 404, None, NOT_FOUND),
    ("GET", "/api/db/users/1234567890123456", None, 404, None, NOT_FOUND),
    ("GET", "/api/db/users/abc", None, 404, None, NOT_FOUND),
    ("GET", "/api/db/users/%zz", None, 404, None, NOT_FOUND),
    ("GET", "/api/db/users/42/", None, 404, None, NOT_FOUND),
    ("HEAD", "/api/db/users/42", None, 200, None, b""),
    ("POST", "/api/db/users/42", None, 405, GET, NOT_ALLOWED),
]

# After the database is stopped.
DB_DOWN_CASES = [
    ("GET", "/api/db/users/42", None, 503, None, DB_DOWN),
    ("GET", "/api/db/users/abc", None, 404, None, NOT_FOUND),
    ("GET", "/api/users/42", None, 200, None, user(42)),
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


def start(argv, env):
    # Own process group, so that gunicorn's workers end with their master.
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True, env=env)


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
    # Whatever the leader left behind in its group (gunicorn workers) goes too.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    return proc.stdout.read().decode(errors="replace")


def ask(port, method, path, body):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        headers = {"Content-Type": J} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return (response.status, response.getheader("Content-Type"), response.getheader("Allow"),
                response.read())
    finally:
        conn.close()


def short(value):
    text = repr(value)
    return text if len(text) <= 300 else text[:300] + f"… ({len(text)} characters)"


def missing_requirements(node):
    missing = []
    if node is None:
        missing.append("node")
    elif not os.path.isdir(os.path.join(DEMO, "node", "node_modules", "express")) or \
            not os.path.isdir(os.path.join(DEMO, "node", "node_modules", "pg")):
        missing.append("data/demo/node/node_modules (npm ci)")
    for module in ("flask", "gunicorn", "fastapi", "uvicorn", "psycopg"):
        if subprocess.run([PYTHON, "-c", f"import {module}"], capture_output=True).returncode:
            missing.append(f"{module} for {PYTHON}")
    if psql_binary() is None:
        missing.append("postgresql")
    return missing


def psql_binary():
    """psql of the newest PostgreSQL installed (as data/demo/db.sh picks it), or None."""
    root = "/usr/lib/postgresql"
    versions = sorted((v for v in os.listdir(root) if v.isdigit()), key=int) \
        if os.path.isdir(root) else []
    for version in reversed(versions):
        if all(os.access(f"{root}/{version}/bin/{tool}", os.X_OK) for tool in ("initdb", "psql")):
            return f"{root}/{version}/bin/psql"
    return None


def main():
    node = node_binary()
    missing = missing_requirements(node)
    if missing:
        if os.environ.get("CI") == "true":
            print("1..1\nnot ok 1 /data/demo/requirements")
            print(f"# missing: {', '.join(missing)}: build-aux/setup.sh must install them")
            return 1
        print(f"1..0 # SKIP {', '.join(missing)} missing: run build-aux/setup.sh")
        return 0

    backends = {
        "node": [node, os.path.join(DEMO, "node", "server.js")],
        "express": [node, os.path.join(DEMO, "node", "express.js")],
        "flask-sync": [PYTHON, os.path.join(DEMO, "python", "app.py"), "{port}", "2"],
        "flask-threads": [PYTHON, os.path.join(DEMO, "python", "app.py"), "{port}", "2", "4"],
        "fastapi": [PYTHON, os.path.join(DEMO, "python", "fastapi_app.py")],
    }
    total = 1 + len(backends) * (1 + len(CASES) + len(DB_DOWN_CASES)) + 1
    print(f"1..{total}")
    number = 0
    failures = 0

    def report(ok, name, detail=""):
        nonlocal number, failures
        number += 1
        failures += not ok
        print(f"{'ok' if ok else 'not ok'} {number} {name}")
        if not ok and detail:
            print("# " + detail.replace("\n", "\n# "))

    def check(name, port, cases):
        for method, path, body, status, allow, want_body in cases:
            size = f" ({len(body)} bytes)" if body is not None else ""
            test = f"/data/demo/{name}/{method}{path}{size}"
            try:
                got = ask(port, method, path, body)
            except OSError as error:
                report(False, test, str(error))
                continue
            want = (status, J, allow, want_body)
            report(got == want, test, f"got  {short(got)}\nwant {short(want)}")

    # The cluster's owner (postgres, when root) must reach the socket directory inside.
    scratch = tempfile.mkdtemp(prefix="versus-demo-test-")
    os.chmod(scratch, 0o755)
    db_dir = os.path.join(scratch, "db")
    procs = {}
    ports = {}
    try:
        db = subprocess.run(["bash", DB_SH, "start", db_dir], capture_output=True, text=True,
                            timeout=60)
        seeded_ok = db.returncode == 0
        if seeded_ok:
            # A row that exists only in the database, written after the backends' code was
            # loaded: only a real query can answer it.
            insert = subprocess.run(
                [psql_binary(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", db_dir, "-U", "versus",
                 "-d", "versus", "-c",
                 f"INSERT INTO users VALUES ({INSERTED_ID}, 'Inserted user {INSERTED_ID}', "
                 f"'inserted{INSERTED_ID}@example.com', true)"],
                capture_output=True, text=True, timeout=30)
            seeded_ok = insert.returncode == 0
            db = insert if not seeded_ok else db
        report(seeded_ok, "/data/demo/db/starts-and-seeds", db.stderr)

        env = dict(os.environ, VERSUS_DEMO_PGHOST=db_dir)
        deadline = time.monotonic() + 30
        for name, argv in backends.items():
            ports[name] = free_port()
            args = [a.replace("{port}", str(ports[name])) for a in argv]
            if "{port}" not in argv:
                args.append(str(ports[name]))
            procs[name] = start(args, env)
        for name, proc in procs.items():
            ready = wait_ready(proc, ports[name], deadline)
            detail = "" if ready else stop(proc)
            report(ready, f"/data/demo/{name}/starts-on-loopback", detail)

        for name in backends:
            check(name, ports[name], CASES)

        stopped = subprocess.run(["bash", DB_SH, "stop", db_dir], capture_output=True, text=True,
                                 timeout=60)
        report(stopped.returncode == 0 and not os.path.exists(db_dir), "/data/demo/db/stops",
               stopped.stderr)
        for name in backends:
            check(name, ports[name], DB_DOWN_CASES)
    finally:
        for proc in procs.values():
            stop(proc)
        subprocess.run(["bash", DB_SH, "stop", db_dir], capture_output=True, timeout=60)
        shutil.rmtree(scratch, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
