#!/bin/sh
# check-schemas.sh DIR — compile every GSettings schema in DIR strictly, without writing anything.
# Exits 77 (skipped) when DIR holds no schema yet, so an empty check never passes silently.
set -eu
dir=${1:?usage: check-schemas.sh DIR}
set -- "$dir"/*.gschema.xml
if [ ! -e "$1" ]; then
  echo "no *.gschema.xml in $dir: nothing to check"
  exit 77
fi
echo "checking $*"
exec glib-compile-schemas --strict --dry-run "$dir"
