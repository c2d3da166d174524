#!/usr/bin/env python3
"""check-translation.py PO_FILE LOCALE COMMAND… — the catalogue is installed and loaded.

Runs `COMMAND… run --help` (the versus binary, or `flatpak run io.github.versus.Versus`) under
LOCALE (for example de_DE.UTF-8) and passes when the output
carries at least one translation from PO_FILE that differs from its English original, and the
English output does not: proof that the binary found and loaded our catalogue. The catalogue
is looked up where the binary was told to (the build tree's po/ through $VERSUS_LOCALEDIR in
the meson test, the installed one in the Flatpak). Skips (77) when the system lacks the locale.
"""
import os
import re
import subprocess
import sys


def unquote(chunks):
    text = ''.join(chunks)
    return re.sub(r'\\(.)', lambda m: {'n': '\n', 't': '\t'}.get(m.group(1), m.group(1)), text)


def translations(po_file):
    """(msgid, msgstr) pairs of the finished, non-fuzzy entries of a PO file."""
    pairs = []
    with open(po_file, encoding='utf-8') as f:
        blocks = f.read().split('\n\n')
    for block in blocks:
        if re.search(r'^#,.*\bfuzzy\b', block, re.M):
            continue
        fields = {}
        current = None
        for line in block.splitlines():
            m = re.match(r'^(msgid|msgstr|msgid_plural|msgstr\[0\]|msgctxt) "(.*)"$', line)
            if m:
                current = m.group(1)
                fields[current] = [m.group(2)]
            elif current and re.match(r'^"(.*)"$', line):
                fields[current].append(line[1:-1])
        msgid = unquote(fields.get('msgid', ['']))
        msgstr = unquote(fields.get('msgstr', fields.get('msgstr[0]', [''])))
        if msgid and msgstr and msgstr != msgid:
            pairs.append((msgid, msgstr))
    return pairs


def run_help(command, env):
    result = subprocess.run(command + ['run', '--help'], env=env, capture_output=True,
                            text=True, timeout=30)
    return result.stdout + result.stderr


def main():
    po_file, locale = sys.argv[1:3]
    command = sys.argv[3:]
    available = subprocess.run(['locale', '-a'], capture_output=True, text=True).stdout.split()
    wanted = locale.lower().replace('utf-8', 'utf8')
    if wanted not in (name.lower() for name in available):
        print(f'the {locale} locale is not generated here (build-aux/setup.sh does it): skipped')
        return 77

    pairs = translations(po_file)
    if not pairs:
        print(f'{po_file} has no finished translation')
        return 1

    english = run_help(command, dict(os.environ, LC_ALL='C.UTF-8', LANGUAGE=''))
    german = run_help(command, dict(os.environ, LC_ALL=locale, LANG=locale,
                                    LANGUAGE=locale.split('_')[0]))
    # A line of the translation counts when it is long enough not to match by chance.
    shown = [(msgid, msgstr) for msgid, msgstr in pairs
             for line in msgstr.splitlines()
             if len(line.strip()) >= 8 and line.strip() in german
             and line.strip() not in english]
    if not shown:
        print(f'`versus run --help` under {locale} shows none of the {len(pairs)} translations '
              f'in {po_file}:\n{german}')
        return 1
    msgid, msgstr = shown[0]
    print(f'{len(shown)} translated strings shown under {locale}, e.g. “{msgid}” → “{msgstr}”')
    return 0


if __name__ == '__main__':
    sys.exit(main())
