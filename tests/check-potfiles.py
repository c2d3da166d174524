#!/usr/bin/env python3
"""check-potfiles.py SRCDIR — po/POTFILES.in must list every file with translatable strings.

A file counts as translatable when it is C with a gettext call (_(, N_(, C_(, NC_(, Q_()
outside comments, a GtkBuilder file with translatable="yes", or a desktop/metainfo/schema
template under data/.
Every entry of POTFILES.in must also exist, or xgettext stops.
A translatable string must not use GLib's format macros (G_GUINT64_FORMAT, …): xgettext cuts
the message at them, so the catalogue's entry never matches; <inttypes.h>'s PRIu64 and %zu it
understands.
"""
import os
import re
import sys

GETTEXT_CALL = re.compile(r'(?<![A-Za-z0-9_])(?:N|C|NC|Q)?_\(')
C_BLOCK_COMMENT = re.compile(r'/\*.*?\*/', re.S)
C_LINE_COMMENT = re.compile(r'^\s*//.*$', re.M)
# a gettext call's string literals, with the macros that may sit between them
GETTEXT_STRING = re.compile(r'(?<![A-Za-z0-9_])(?:N|C|NC|Q)?_\s*\(\s*'
                            r'(?:"(?:[^"\\]|\\.)*"\s*|[A-Z][A-Za-z0-9_]*\s*)+')
GLIB_FORMAT = re.compile(r'\bG_G[A-Z0-9]+_FORMAT\b')
TRANSLATABLE_UI = re.compile(r'translatable\s*=\s*"(?:yes|true|1)"')
DATA_TEMPLATES = ('.desktop.in', '.metainfo.xml.in', '.appdata.xml.in')


def translatable(path):
    if path.endswith(DATA_TEMPLATES):
        return True
    try:
        with open(path, encoding='utf-8') as f:
            text = f.read()
    except (OSError, UnicodeDecodeError):
        return False
    if path.endswith(('.c', '.h')):
        # A gettext call quoted in a comment is not a string to translate.
        code = C_LINE_COMMENT.sub('', C_BLOCK_COMMENT.sub('', text))
        return GETTEXT_CALL.search(code) is not None
    if path.endswith(('.ui', '.blp')):
        return TRANSLATABLE_UI.search(text) is not None
    if path.endswith('.gschema.xml'):
        return 'gettext-domain' in text
    return False


def main():
    srcdir = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else '.')
    potfiles = os.path.join(srcdir, 'po', 'POTFILES.in')
    with open(potfiles, encoding='utf-8') as f:
        listed = [line.strip() for line in f
                  if line.strip() and not line.lstrip().startswith('#')]

    failed = False
    for entry in listed:
        if not os.path.isfile(os.path.join(srcdir, entry)):
            print(f'po/POTFILES.in: {entry} does not exist')
            failed = True

    found = []
    for top in ('src',):
        for root, dirs, files in os.walk(os.path.join(srcdir, top)):
            dirs.sort()
            for name in sorted(files):
                if not name.endswith(('.c', '.h')):
                    continue
                path = os.path.join(root, name)
                with open(path, encoding='utf-8') as f:
                    # comments out, their lines kept, so that line numbers stay true
                    code = C_LINE_COMMENT.sub('', C_BLOCK_COMMENT.sub(
                        lambda m: '\n' * m.group(0).count('\n'), f.read()))
                for call in GETTEXT_STRING.finditer(code):
                    macro = GLIB_FORMAT.search(call.group(0))
                    if macro:
                        line = code.count('\n', 0, call.start()) + 1
                        print(f'{os.path.relpath(path, srcdir)}: a translatable string at line '
                              f'{line} uses {macro.group(0)}, which xgettext cannot follow; '
                              f'use PRIu64/PRId64 or %zu')
                        failed = True

    for top in ('src', 'ui', 'data'):
        for root, dirs, files in os.walk(os.path.join(srcdir, top)):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(root, name)
                if translatable(path):
                    found.append(os.path.relpath(path, srcdir))

    missing = [path for path in found if path not in listed]
    for path in missing:
        print(f'{path} has translatable strings but is missing from po/POTFILES.in')
    failed = failed or bool(missing)

    print(f'{len(found)} files with translatable strings, {len(listed)} listed in po/POTFILES.in')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
