#!/usr/bin/env python3
"""A tiny HTTP server on loopback for test-server.c: vs_server start, readiness, sampling, stop.

Usage: vs-server-script.py PORT MODE [ARG] [--workers N] [--host ::1] [--comm NAME]
Modes:
  normal          listen on 127.0.0.1:PORT and answer every request 200 "ok"
  burn SECONDS    the same, and burn CPU (a busy loop) for SECONDS, in each worker when there
                  are workers, else in the process itself
  never-ready     print a line and sleep, never listening
  crash MS        listen, then exit with status 3 after MS milliseconds
  ignore-term     like normal, but SIGTERM is ignored (only SIGKILL stops it)
  status CODE     listen and answer every request with CODE (for the HTTP ready check)
  json TEXT       listen and answer every request 200 with TEXT as application/json (for the
                  answer comparison)
  child-burn SEC  listen, 0.3 s later fork one child that burns CPU for SEC seconds and exits,
                  wait for it (so its time reaches the parent's cutime), print "child done
                  SECONDS-OF-CPU" (its rusage from wait4)
--comm NAME renames the processes (/proc/PID/comm) to NAME, such as "w) x (y", which a /proc
parser that splits /proc/PID/stat at the first ')' or at spaces gets wrong.
--host ::1 listens on IPv6 loopback instead of 127.0.0.1.
--workers N forks N workers after listening that share the socket (as gunicorn does); the
master then only waits for them.
GET /cpu answers the process's own CPU time from times(2), "USER+SYSTEM CHILDREN" in seconds:
the witness that test-server.c checks vs_server_sample() against.
Every line it prints is flushed at once, so the log's last lines are known to the test.
"""
import os
import signal
import socket
import sys
import threading
import time


def say(text):
    print(text, flush=True)


def burn(seconds):
    end = time.monotonic() + seconds
    x = 0
    while time.monotonic() < end:
        for _ in range(10000):
            x += 1
    say(f"{os.getpid()} burned {seconds} s")


def serve(sock, code, json_body=None):
    reason = {200: "OK", 503: "Service Unavailable"}.get(code, "Status")
    body = b"ok\n" if json_body is None else json_body.encode()
    kind = b"" if json_body is None else b"Content-Type: application/json\r\n"
    while True:
        try:
            conn, _ = sock.accept()
        except InterruptedError:
            continue
        with conn:
            conn.settimeout(2)
            try:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                if data.startswith(b"GET /cpu "):
                    t = os.times()
                    text = b"%.3f %.3f\n" % (t.user + t.system,
                                             t.children_user + t.children_system)
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close"
                                 b"\r\n\r\n%s" % (len(text), text))
                elif data:
                    conn.sendall(b"HTTP/1.1 %d %s\r\n%sContent-Length: %d\r\nConnection: close"
                                 b"\r\n\r\n%s" % (code, reason.encode(), kind, len(body), body))
            except OSError:
                pass


def main():
    args = sys.argv[1:]
    workers = 0
    if "--workers" in args:
        i = args.index("--workers")
        workers = int(args[i + 1])
        del args[i:i + 2]
    host = "127.0.0.1"
    if "--host" in args:
        i = args.index("--host")
        host = args[i + 1]
        del args[i:i + 2]
    if "--comm" in args:
        i = args.index("--comm")
        with open("/proc/self/comm", "w") as comm:
            comm.write(args[i + 1])
        del args[i:i + 2]
    port, mode = int(args[0]), args[1]
    arg = args[2] if len(args) > 2 else None

    say(f"script {os.getpid()} mode {mode}")
    if mode == "never-ready":
        while True:
            time.sleep(60)
    if mode == "ignore-term":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)

    if host not in ("127.0.0.1", "::1"):
        sys.exit("loopback only")
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(64)
    code = int(arg) if mode == "status" else 200

    if workers > 0:
        children = []
        for _ in range(workers):
            pid = os.fork()
            if pid == 0:
                say(f"worker {os.getpid()}")
                if mode == "burn":
                    threading.Thread(target=burn, args=(float(arg),), daemon=True).start()
                serve(sock, code, arg if mode == "json" else None)
                os._exit(0)
            children.append(pid)
        say(f"listening on {host}:{port} with {workers} workers")
        for pid in children:
            os.waitpid(pid, 0)
        return

    say(f"listening on {host}:{port}")
    if mode == "crash":
        def crash():
            time.sleep(int(arg) / 1000)
            say("crashing now")
            os._exit(3)
        threading.Thread(target=crash, daemon=True).start()
    if mode == "burn":
        threading.Thread(target=burn, args=(float(arg),), daemon=True).start()
    if mode == "child-burn":
        def child():
            time.sleep(0.3)   # after the ready check has seen the port: the child is new
            pid = os.fork()
            if pid == 0:
                burn(float(arg))
                os._exit(0)
            _, _, usage = os.wait4(pid, 0)
            say("child done %.3f" % (usage.ru_utime + usage.ru_stime))
        threading.Thread(target=child, daemon=True).start()
    serve(sock, code, arg if mode == "json" else None)


main()
