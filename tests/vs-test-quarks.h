/* vs-test-quarks.h: keep GLib's dropped quark tables out of LeakSanitizer's reports
 *
 * GLib keeps its quarks in one table that grows by 2,048 and drops the old table on purpose at
 * each growth (gquark.c: lookups take no lock), so a process that makes its 2,048th quark
 * "leaks" 16 KiB from g_malloc, its 4,096th 32 KiB more, and so on. A GTK test program makes
 * about that many, a few more or fewer from one machine to the next, and no suppression can
 * match the stack (it ends in g_malloc: see vs-test-lsan.h).
 *
 * The UI tests add their tests with vs_test_add_func(), which marks GLib's current table as
 * not a leak before and after each test, so a table that a test's quarks make GLib drop was
 * marked already. Found through GLib's own pointer to it: the heap block whose slot 1 is
 * quark 1's string. Without AddressSanitizer this is g_test_add_func().
 */
#pragma once

#include <glib.h>

void vs_test_add_func (const char *path,
                       GTestFunc   func);
