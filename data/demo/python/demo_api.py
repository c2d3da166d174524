"""The demo API, shared by the Python backends (app.py: Flask under gunicorn; fastapi_app.py:
FastAPI under uvicorn). Each function returns (status, body bytes, extra headers).

The Node.js twin is ../node/api.js, whose header documents the API; every backend answers every
request byte for byte alike (tests/test-demo-backends.py checks it). JSON is written with
json.dumps and compact separators in insertion order, which gives the bytes of JSON.stringify
for these payloads (ASCII strings, integers, booleans).
"""

import json
import os
import re

USER_ID = re.compile(r"[0-9]{1,15}")
WORK_N = re.compile(r"[0-9]{1,8}")
WORK_MAX = 10_000_000
ECHO_MAX = 1024 * 1024
DB_QUERY = "SELECT id, name, email, active FROM users WHERE id = %s"


def answer(status, obj, headers=None):
    return status, json.dumps(obj, separators=(",", ":")).encode(), headers or {}


def not_found():
    return answer(404, {"error": "not found"})


def allow_for(path):
    return "POST" if path == "/api/echo" else "GET, HEAD"


def not_allowed(path):
    return answer(405, {"error": "method not allowed"}, {"Allow": allow_for(path)})


def db_unavailable():
    return answer(503, {"error": "database unavailable"})


def user(id_text):
    if not USER_ID.fullmatch(id_text):
        return not_found()
    uid = int(id_text)
    return answer(200, {"id": uid, "name": f"User {uid}", "email": f"user{uid}@example.com",
                        "active": True})


def echo(body):
    if len(body) > ECHO_MAX:
        return answer(413, {"error": "body too large"})
    try:
        # Strict UTF-8 (json.loads would guess UTF-16/32 from bytes); no NaN or Infinity,
        # which JSON.parse rejects too.
        json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError):
        return answer(400, {"error": "invalid JSON"})
    return 200, bytes(body), {}


def _reject_constant(name):
    raise ValueError(name)


def work(n_text):
    """n_text: the first n= of the query string, decoded, or None."""
    if n_text is None or not WORK_N.fullmatch(n_text) or not 1 <= int(n_text) <= WORK_MAX:
        return answer(400, {"error": f"n must be an integer from 1 to {WORK_MAX}"})
    n = int(n_text)
    r = 0
    for i in range(n):
        r = (r * 31 + i) % 1000003
    return answer(200, {"n": n, "result": r})


def db_host():
    """The Unix socket directory of the demo database (set by ../backends.sh), or None."""
    return os.environ.get("VERSUS_DEMO_PGHOST") or None


def db_user_row(row):
    if row is None:
        return not_found()
    uid, name, email, active = row
    return answer(200, {"id": uid, "name": name, "email": email, "active": active})


def first_query_value(pairs, key):
    for k, v in pairs:
        if k == key:
            return v
    return None
