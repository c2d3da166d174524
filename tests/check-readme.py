#!/usr/bin/env python3
"""README.md documents what the program really has: the `versus run` flags (against
`versus run --help`) and the CSV columns (against the exporter's column lists), both ways.

    check-readme.py VERSUS_BINARY SOURCE_DIR      TAP output
"""

import os
import re
import subprocess
import sys


def section(text, heading):
    """The body of a Markdown section, up to the next heading of the same or a higher level."""
    match = re.search(r"^(#+) " + re.escape(heading) + r"\s*$", text, re.M)
    if match is None:
        return None
    level = len(match.group(1))
    rest = text[match.end():]
    end = re.search(r"^#{1,%d} " % level, rest, re.M)
    return rest[:end.start()] if end else rest


def first_cells(body):
    """The first cell of every table row but the header and the rule."""
    rows = [line for line in body.splitlines() if line.startswith("|")]
    return [row.split("|")[1] for row in rows[2:]]


def readme_flags(body):
    flags = set()
    for cell in first_cells(body):
        flags.update(re.findall(r"`(--?[A-Za-z][A-Za-z-]*)", cell))
        flags.update(re.findall(r"`(-[A-Za-z])`", cell))
    return flags


def help_flags(binary):
    env = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE="")
    out = subprocess.run([binary, "run", "--help"], capture_output=True, text=True, env=env,
                         check=True).stdout
    flags = set()
    for line in out.splitlines():
        match = re.match(r"\s+(?:(-[A-Za-z]), )?(--[a-z][a-z-]*)", line)
        if match:
            flags.update(flag for flag in match.groups() if flag)
    return flags


def readme_columns(body):
    columns = set()
    for cell in first_cells(body):
        columns.update(re.findall(r"`([a-z0-9_]+)`", cell))
    return columns


def summary_columns(source_dir):
    """summary.csv's columns: the ids of the metrics in src/core/vs-summary.c that files carry
    (flag F or FT)."""
    path = os.path.join(source_dir, "src", "core", "vs-summary.c")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    entries = re.findall(r'\{\s*"([a-z0-9_]+)",\s*N_\("[^"]*"\),\s*VS_METRIC_\w+,\s*(?:TRUE|FALSE),'
                         r'\s*([^,]+),', text)
    return {mid for mid, flags in entries
            if {"F", "FT"} & {token.strip() for token in flags.split("|")}}


def source_columns(source_dir, name):
    path = os.path.join(source_dir, "src", "core", "vs-export.c")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    match = re.search(name + r"\[\]\s*=\s*\{(.*?)\};", text, re.S)
    return set(re.findall(r'"([a-z0-9_]+)"', match.group(1))) if match else set()


def main(argv):
    binary, source_dir = argv[1], argv[2]
    with open(os.path.join(source_dir, "README.md"), encoding="utf-8") as f:
        readme = f.read()

    checks = [
        ("versus run flags", section(readme, "`versus run`"), readme_flags,
         lambda: help_flags(binary), "`versus run --help`"),
        ("summary.csv columns", section(readme, "`summary.csv` — one row per target, over the measured phase"),
         readme_columns,
         lambda: summary_columns(source_dir) | source_columns(source_dir, "summary_round_columns"),
         "src/core/vs-summary.c"),
        ("timeseries.csv columns", section(readme, "`timeseries.csv` — one row per target per tick"),
         readme_columns, lambda: source_columns(source_dir, "timeseries_columns"),
         "src/core/vs-export.c"),
    ]

    print(f"1..{len(checks)}")
    failed = 0
    for number, (name, body, from_readme, from_program, where) in enumerate(checks, 1):
        if body is None:
            print(f"not ok {number} /data/readme/{name}\n# README.md has no section for it")
            failed += 1
            continue
        documented, real = from_readme(body), from_program()
        missing, stale = sorted(real - documented), sorted(documented - real)
        ok = bool(real) and not missing and not stale
        print(f"{'ok' if ok else 'not ok'} {number} /data/readme/{name}")
        if not real:
            print(f"# found nothing in {where}")
        if missing:
            print(f"# in {where} but not in README.md: {' '.join(missing)}")
        if stale:
            print(f"# in README.md but not in {where}: {' '.join(stale)}")
        failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
