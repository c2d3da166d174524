#!/usr/bin/python3
"""Demo backend for Versus: the demo API (see demo_api.py and ../node/api.js) in Python with
Flask, served by gunicorn with sync workers or with threads. Its twins answer byte for byte the
same, so that a comparison measures the runtimes and not the payloads.

    /usr/bin/python3 app.py PORT [WORKERS [THREADS]]
        gunicorn on 127.0.0.1:PORT only: WORKERS (default 2) sync workers, or with THREADS > 1
        the same number of gthread workers with THREADS threads each
    gunicorn -b 127.0.0.1:PORT app:app       the same app under any gunicorn command line

Use Debian's /usr/bin/python3 (python3-flask, gunicorn, python3-psycopg): another python3 on
PATH may lack them.
"""

import sys
import threading

from flask import Flask, Response, request

import demo_api

HOST = "127.0.0.1"

app = Flask(__name__)
# Bodies past this are answered 413 without being read whole.
app.config["MAX_CONTENT_LENGTH"] = demo_api.ECHO_MAX

_local = threading.local()


def send(result):
    status, body, headers = result
    return Response(body, status=status, mimetype="application/json", headers=headers)


@app.route("/api/users/<user_id>", methods=["GET"], provide_automatic_options=False)
def get_user(user_id):
    return send(demo_api.user(user_id))


@app.route("/api/echo", methods=["POST"], provide_automatic_options=False)
def echo():
    return send(demo_api.echo(request.get_data(cache=False)))


@app.route("/api/work", methods=["GET"], provide_automatic_options=False)
def work():
    return send(demo_api.work(demo_api.first_query_value(request.args.items(multi=True), "n")))


def _db_query(id_text):
    import psycopg  # only the DB endpoint needs it

    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        # One connection per worker thread, made on its first DB request.
        conn = _local.conn = psycopg.connect(host=demo_api.db_host(), dbname="versus",
                                             user="versus", autocommit=True, connect_timeout=5)
    return conn.execute(demo_api.DB_QUERY, (int(id_text),)).fetchone()


@app.route("/api/db/users/<user_id>", methods=["GET"], provide_automatic_options=False)
def get_db_user(user_id):
    if not demo_api.USER_ID.fullmatch(user_id):
        return send(demo_api.not_found())
    if demo_api.db_host() is None:
        return send(demo_api.db_unavailable())
    try:
        row = _db_query(user_id)
    except Exception:  # psycopg.Error, or psycopg missing: the next request reconnects
        conn = getattr(_local, "conn", None)
        if conn is not None:
            conn.close()
        _local.conn = None
        return send(demo_api.db_unavailable())
    return send(demo_api.db_user_row(row))


@app.errorhandler(404)
def not_found(_error):
    return send(demo_api.not_found())


@app.errorhandler(405)
def method_not_allowed(_error):
    return send(demo_api.not_allowed(request.path))


@app.errorhandler(413)
def too_large(_error):
    return send(demo_api.echo(b"\0" * (demo_api.ECHO_MAX + 1)))


def parse_count(text, what, low, high):
    if text is None or not text.isdigit() or not low <= int(text) <= high:
        sys.exit(f"usage: app.py PORT [WORKERS [THREADS]]: {what} must be {low}–{high}, "
                 f"got “{text or ''}”")
    return int(text)


def main(argv):
    from gunicorn.app.base import BaseApplication

    port = parse_count(argv[1] if len(argv) > 1 else None, "PORT", 1, 65535)
    workers = parse_count(argv[2] if len(argv) > 2 else "2", "WORKERS", 1, 64)
    threads = parse_count(argv[3] if len(argv) > 3 else "1", "THREADS", 1, 256)

    class Server(BaseApplication):
        # gunicorn configured in code, so that it never reads this script's argv as its own.
        def load_config(self):
            self.cfg.set("bind", f"{HOST}:{port}")
            self.cfg.set("workers", workers)
            if threads > 1:
                self.cfg.set("worker_class", "gthread")
                self.cfg.set("threads", threads)
            self.cfg.set("accesslog", None)
            self.cfg.set("errorlog", "-")
            self.cfg.set("loglevel", "warning")

        def load(self):
            return app

    kind = f"{workers} gthread workers × {threads} threads" if threads > 1 \
        else f"{workers} sync workers"
    print(f"python demo backend: Flask under gunicorn on http://{HOST}:{port}/api/, {kind}",
          flush=True)
    Server().run()


if __name__ == "__main__":
    main(sys.argv)
