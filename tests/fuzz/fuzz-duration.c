/* fuzz-duration.c: the duration parser ("10s", "1h30m", "250ms", a bare number of seconds)
 *
 * Properties: no crash; what parses is not negative, and formats to text that parses back to
 * the same number of microseconds (the plan writer relies on it).
 */
#include "vs-fuzz.h"

#include "vs-format.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = vs_fuzz_to_string (data, size);
  g_autofree char *formatted = NULL;
  gint64 us = -1, again = -1;

  if (text == NULL || !vs_parse_duration (text, &us))
    return 0;

  g_assert_cmpint (us, >=, 0);
  formatted = vs_format_duration (us);
  g_assert_true (vs_parse_duration (formatted, &again));
  g_assert_cmpint (again, ==, us);
  return 0;
}
