#!/usr/bin/env bash
# Command 2: build and run every test, under three builds, fuzz for a bounded time, then the
# Flatpak.
#
#   1. build/       the normal build; `meson test` under a virtual display (xvfb-run), since the
#                   UI tests open real windows;
#   2. build-asan/  the same with AddressSanitizer and UndefinedBehaviorSanitizer: any error
#                   report, and any leak outside the system libraries listed in tests/lsan.supp,
#                   fails its test;
#   3. build-tsan/  the tests that run threads (job, run, engine, protocol, cli) under
#                   ThreadSanitizer, with GLib's synchronisation made visible to it
#                   (tests/vs-tsan-glib.c, preloaded) and tests/tsan.supp: any race report fails
#                   its test;
#   4. build-fuzz/  the libFuzzer targets of tests/fuzz (clang, with ASan and UBSan), each run
#                   for VERSUS_FUZZ_SECONDS (default 20) from its committed corpus; a crash, a
#                   failed assertion or a sanitizer report fails it (each target counts as one
#                   test). New inputs go to build-fuzz/fuzz-corpus/, never into the tree;
#   5. flatpak/build-offline.sh, which builds and checks the Flatpak against a stand-in runtime
#      (as root; counted as one test).
#
# Prints meson's summary after each run and, as the very last line, the totals of all runs as
# "N passed, N failed" (", N skipped" when some were). Exits non-zero when anything failed, a
# build broke, or no test ran at all. Extra arguments are passed to the `meson setup`s of
# steps 1–3.
set -euo pipefail
# shellcheck source=build-aux/common.sh
. "$(dirname "$0")/common.sh"

passed=0
failed=0
skipped=0
status=0

# count_results DIR: adds the outcome of the last `meson test` in DIR to the totals.
count_results () {
  local log=$1/meson-logs/testlog.json counts
  if [ ! -s "$log" ]; then
    return
  fi
  counts=$(/usr/bin/python3 - "$log" <<'PY'
import json, sys
passed = failed = skipped = 0
with open(sys.argv[1], encoding="utf-8") as log:
    for line in log:
        if not line.strip():
            continue
        result = json.loads(line)["result"]
        if result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP":
            skipped += 1
        else:  # FAIL, TIMEOUT, UNEXPECTEDPASS, ERROR, INTERRUPT
            failed += 1
print(passed, failed, skipped)
PY
  )
  read -r p f s <<< "$counts"
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

# run_suites LABEL DIR MESON_TEST_ARGS… -- MESON_SETUP_ARGS…: configures, builds and tests DIR.
run_suites () {
  local label=$1 dir=$2
  local -a test_args=() setup_args=()
  shift 2
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    test_args+=("$1")
    shift
  done
  [ $# -gt 0 ] && shift
  setup_args=("$@")

  vs_say "== $label: $dir"
  if ! vs_configure "$dir" "${setup_args[@]}" || ! ninja -C "$dir"; then
    vs_say "$label: the build failed"
    failed=$((failed + 1))
    status=1
    return
  fi
  rm -f "$dir/meson-logs/testlog.json"
  if ! xvfb-run -a -s '-screen 0 1280x1024x24' \
       meson test -C "$dir" --print-errorlogs "${test_args[@]}"; then
    status=1
  fi
  count_results "$dir"
}

vs_setup
gui=$(vs_gui_option)

run_suites "tests" build -- "-Dgui=$gui" "$@"

# The sanitizers' settings are this script's; meson only fills in ASAN/UBSAN_OPTIONS when unset.
# G_SLICE=always-malloc lets the leak checker see GLib's small allocations (GLib < 2.76).
# Debian's libraries have no frame pointers, so leak stacks stop early inside them; to see the
# whole stack of one leak, rerun that test alone with ASAN_OPTIONS=…:fast_unwind_on_malloc=0
# (far too slow for the whole suite).
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0 \
G_SLICE=always-malloc \
  run_suites "tests under AddressSanitizer and UndefinedBehaviorSanitizer" build-asan \
    --timeout-multiplier 3 \
    -- "-Dgui=$gui" -Db_sanitize=address,undefined -Db_lundef=false "$@"

# 3. ThreadSanitizer, for the tests that run threads. The window is left out (no threads of
#    Versus's own there, and GTK under TSan is slow). tests/meson.build preloads the GLib
#    wrapper and adds the suppressions; halt_on_error stops a test at its first race report.
#    The soup engine's thousand-connection case is skipped: under TSan, libsoup cannot answer
#    1,000 connections within the case's 20 s request timeout on two cores.
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
  run_suites "thread tests under ThreadSanitizer" build-tsan \
    --timeout-multiplier 3 --test-args '-s /engine/protocol/soup/thousand-connections' \
    job run engine protocol teardown cli \
    -- -Dgui=false -Db_sanitize=thread "$@"

# 4. Bounded fuzzing: every libFuzzer target for a fixed time from its committed corpus.
#    The plan target runs without leak detection: json-glib 1.6 leaks inside its parser on
#    some malformed input (tests/fuzz/known-bugs/README.md); Versus's own leaks on plan input
#    are still caught by the corpus replay in build-asan/.
fuzz_seconds=${VERSUS_FUZZ_SECONDS:-20}
vs_say "== fuzzing: build-fuzz, ${fuzz_seconds} s per target"
if ! CC=clang-14 vs_configure build-fuzz -Dgui=false -Dfuzzing=true \
       -Db_sanitize=address,undefined -Db_lundef=false ||
   ! ninja -C build-fuzz fuzzers; then
  vs_say "fuzzing: the build failed"
  failed=$((failed + 1))
  status=1
else
  for corpus in tests/fuzz/corpus/*/; do
    target=$(basename "$corpus")
    scratch=build-fuzz/fuzz-corpus/$target
    leaks=1
    [ "$target" = plan ] && leaks=0
    mkdir -p "$scratch"
    vs_say "fuzzing: $target"
    if G_SLICE=always-malloc \
       ASAN_OPTIONS=abort_on_error=1:detect_leaks=$leaks:intercept_tls_get_addr=0 \
       UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
       "build-fuzz/tests/fuzz/fuzz-$target-libfuzzer" -max_total_time="$fuzz_seconds" \
         -max_len=4096 -timeout=30 -detect_leaks=$leaks -print_final_stats=1 \
         -artifact_prefix="build-fuzz/fuzz-$target-" "$scratch" "$corpus" \
         > "build-fuzz/fuzz-$target.log" 2>&1; then
      passed=$((passed + 1))
      grep -E '^stat::number_of_executed_units' "build-fuzz/fuzz-$target.log" >&2 || true
    else
      tail -n 40 "build-fuzz/fuzz-$target.log" >&2
      vs_say "fuzzing: $target failed; the input is build-fuzz/fuzz-$target-* (log: build-fuzz/fuzz-$target.log)"
      failed=$((failed + 1))
      status=1
    fi
  done
fi

# 5. The Flatpak, built offline against a stand-in GNOME runtime made from Debian packages,
#    installed and smoke-tested inside its sandbox. It needs root (mmdebstrap); VERSUS_FLATPAK=0
#    skips it (it is counted as skipped, never as passed).
if [ "${VERSUS_FLATPAK:-1}" = 0 ] || [ "$(id -u)" -ne 0 ]; then
  vs_say "== flatpak: skipped (VERSUS_FLATPAK=0, or not root)"
  skipped=$((skipped + 1))
else
  vs_say "== flatpak: flatpak/build-offline.sh"
  if flatpak/build-offline.sh; then
    passed=$((passed + 1))
  else
    vs_say "flatpak: the offline Flatpak build or one of its checks failed"
    failed=$((failed + 1))
    status=1
  fi
fi

if [ $((passed + failed)) -eq 0 ]; then
  vs_say "no test ran"
  status=1
fi
summary="$passed passed, $failed failed"
if [ "$skipped" -gt 0 ]; then
  summary+=", $skipped skipped"
fi
printf '%s\n' "$summary"
exit "$status"
