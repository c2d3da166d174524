/* vs-test-lsan.h: keep LeakSanitizer off a test's in-process SoupServer thread
 *
 * libsoup 3.2's SoupServer leaks the GSocket of each idle connection that the client closes
 * (fixed in libsoup 3.3) and its listener's local address. Debian's GLib is built without frame
 * pointers, so under ASan's fast unwinder the stacks of those leaks end in g_malloc, and no
 * suppression in tests/lsan.supp could match them without also hiding our own leaks; a full
 * unwinder is too slow for the timed engine tests.
 *
 * A test that runs a SoupServer on a thread of its own calls this first thing in that thread:
 * that thread's allocations are then never reported as leaks, while the code under test, on
 * every other thread, is still checked. Does nothing without AddressSanitizer.
 */
#pragma once

#ifdef __SANITIZE_ADDRESS__
# include <sanitizer/lsan_interface.h>
#endif

static inline void
vs_test_ignore_leaks_in_this_thread (void)
{
#ifdef __SANITIZE_ADDRESS__
  __lsan_disable ();
#endif
}
