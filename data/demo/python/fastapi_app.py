#!/usr/bin/python3
"""Demo backend for Versus: the demo API (see demo_api.py and ../node/api.js) in Python with
FastAPI, served by uvicorn (one process, asyncio). Its twins answer byte for byte the same.

    /usr/bin/python3 fastapi_app.py PORT     uvicorn on 127.0.0.1:PORT only

Use Debian's /usr/bin/python3 (python3-fastapi, uvicorn, python3-psycopg).
"""

import asyncio
import sys

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

import demo_api

HOST = "127.0.0.1"
DB_CONNECTIONS = 10  # as the Node.js twins' pg pool

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
# /api/users/42/ is not the user route (404), as in the twins; no redirect to it.
app.router.redirect_slashes = False


def send(result):
    status, body, headers = result
    return Response(content=body, status_code=status, media_type="application/json",
                    headers=headers)


@app.api_route("/api/users/{user_id}", methods=["GET", "HEAD"])
async def get_user(user_id: str):
    return send(demo_api.user(user_id))


@app.post("/api/echo")
async def echo(request: Request):
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > demo_api.ECHO_MAX:
        return send(demo_api.echo(b"\0" * (demo_api.ECHO_MAX + 1)))
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > demo_api.ECHO_MAX:
            break
    return send(demo_api.echo(bytes(body)))


@app.api_route("/api/work", methods=["GET", "HEAD"])
async def work(request: Request):
    # CPU-bound on the event loop, as the Node.js twins do it.
    return send(demo_api.work(demo_api.first_query_value(request.query_params.multi_items(),
                                                         "n")))


class Pool:
    """A few psycopg AsyncConnections, made on demand (psycopg_pool is not needed for this)."""

    def __init__(self, size):
        self.idle = []
        self.count = 0
        self.size = size
        self.freed = asyncio.Condition()

    async def query(self, uid):
        import psycopg

        async with self.freed:
            while not self.idle and self.count >= self.size:
                await self.freed.wait()
            conn = self.idle.pop() if self.idle else None
            if conn is None:
                self.count += 1
        try:
            if conn is None or conn.closed:
                conn = await psycopg.AsyncConnection.connect(
                    host=demo_api.db_host(), dbname="versus", user="versus", autocommit=True,
                    connect_timeout=5)
            cursor = await conn.execute(demo_api.DB_QUERY, (uid,))
            row = await cursor.fetchone()
        except BaseException:
            if conn is not None:
                await conn.close()
            async with self.freed:
                self.count -= 1
                self.freed.notify()
            raise
        async with self.freed:
            self.idle.append(conn)
            self.freed.notify()
        return row


_pool = None


@app.api_route("/api/db/users/{user_id}", methods=["GET", "HEAD"])
async def get_db_user(user_id: str):
    global _pool
    if not demo_api.USER_ID.fullmatch(user_id):
        return send(demo_api.not_found())
    if demo_api.db_host() is None:
        return send(demo_api.db_unavailable())
    if _pool is None:
        _pool = Pool(DB_CONNECTIONS)
    try:
        row = await _pool.query(int(user_id))
    except Exception:  # psycopg.Error, or psycopg missing
        return send(demo_api.db_unavailable())
    return send(demo_api.db_user_row(row))


@app.exception_handler(HTTPException)
async def http_error(request: Request, error: HTTPException):
    if error.status_code == 405:
        return send(demo_api.not_allowed(request.url.path))
    return send(demo_api.not_found())


def main(argv):
    import uvicorn

    text = argv[1] if len(argv) > 1 else ""
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        sys.exit(f"usage: fastapi_app.py PORT: PORT must be 1–65535, got “{text}”")
    port = int(text)
    print(f"python demo backend: FastAPI under uvicorn on http://{HOST}:{port}/api/", flush=True)
    uvicorn.run(app, host=HOST, port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main(sys.argv)
