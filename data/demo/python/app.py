#!/usr/bin/python3
"""Demo backend for Versus: a tiny JSON API in Python with Flask, served by gunicorn.

The Node.js twin in ../node/server.js answers byte for byte the same, so that a comparison
measures the runtimes and not the payloads.

    /usr/bin/python3 app.py PORT [WORKERS]   gunicorn on 127.0.0.1:PORT only (2 sync workers)
    gunicorn -b 127.0.0.1:PORT app:app       the same app under any gunicorn command line

    GET /api/users/:id   200 {"id":42,"name":"User 42","email":"user42@example.com","active":true}
    non-numeric :id      404 {"error":"not found"}
    any other path       404 {"error":"not found"}
    other methods        405 {"error":"method not allowed"}

Use Debian's /usr/bin/python3 (python3-flask, gunicorn): another python3 on PATH may lack them.
"""

import json
import re
import sys

from flask import Flask, Response

HOST = "127.0.0.1"
# Up to 15 digits, like the Node.js twin (whose numbers are exact only that far).
USER_ID = re.compile(r"[0-9]{1,15}")

app = Flask(__name__)


def send(status, obj, headers=None):
    # json.dumps with compact separators and insertion order gives the same bytes as
    # JSON.stringify; flask.jsonify would sort the keys and append a newline.
    body = json.dumps(obj, separators=(",", ":"))
    return Response(body, status=status, mimetype="application/json", headers=headers)


@app.route("/api/users/<user_id>", methods=["GET"], provide_automatic_options=False)
def get_user(user_id):
    if not USER_ID.fullmatch(user_id):
        return send(404, {"error": "not found"})
    uid = int(user_id)
    return send(200, {"id": uid, "name": f"User {uid}", "email": f"user{uid}@example.com",
                      "active": True})


@app.errorhandler(404)
def not_found(_error):
    return send(404, {"error": "not found"})


@app.errorhandler(405)
def method_not_allowed(_error):
    return send(405, {"error": "method not allowed"}, {"Allow": "GET, HEAD"})


def parse_count(text, what, low, high):
    if text is None or not text.isdigit() or not low <= int(text) <= high:
        sys.exit(f"usage: app.py PORT [WORKERS]: {what} must be {low}–{high}, got “{text or ''}”")
    return int(text)


def main(argv):
    from gunicorn.app.base import BaseApplication

    port = parse_count(argv[1] if len(argv) > 1 else None, "PORT", 1, 65535)
    workers = parse_count(argv[2] if len(argv) > 2 else "2", "WORKERS", 1, 64)

    class Server(BaseApplication):
        # gunicorn configured in code, so that it never reads this script's argv as its own.
        def load_config(self):
            self.cfg.set("bind", f"{HOST}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", None)
            self.cfg.set("errorlog", "-")
            self.cfg.set("loglevel", "warning")

        def load(self):
            return app

    print(f"python demo backend: gunicorn on http://{HOST}:{port}/api/users/:id, "
          f"{workers} sync workers", flush=True)
    Server().run()


if __name__ == "__main__":
    main(sys.argv)
