/* vs-fuzz.h: what every fuzz target in tests/fuzz defines
 *
 * Each fuzz-*.c file is one libFuzzer target. Built with -Dfuzzing=true (clang) it links
 * libFuzzer's main; in every other build it links fuzz-replay.c, whose main() feeds it each
 * file of the corpus folders named on its command line once, so the committed corpus runs on
 * every `meson test`. A target aborts (g_assert, g_error) on anything it considers a bug.
 */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

G_BEGIN_DECLS

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);
/* Optional; the replay driver calls it when defined (a weak symbol), libFuzzer too. */
int LLVMFuzzerInitialize   (int           *argc,
                            char        ***argv);

/* The input as a NUL-terminated string (fuzz input has no terminator); NULL when it contains
 * a NUL, as text from the command line or a JSON string could not. */
char *vs_fuzz_to_string    (const uint8_t *data,
                            size_t         size);

G_END_DECLS
