/* fuzz-header.c: the check of a request header line ("Name: value") from -H or a plan
 *
 * Properties: no crash; a line accepted has a token name before its colon, no line break and
 * is not a framing header Versus computes itself.
 */
#include "vs-fuzz.h"

#include <string.h>

#include "vs-plan.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *line = vs_fuzz_to_string (data, size);
  g_autofree char *problem = NULL;
  const char *colon;

  if (line == NULL)
    return 0;
  problem = vs_header_check (line);
  if (problem != NULL)
    {
      g_assert_true (g_utf8_validate (problem, -1, NULL));
      return 0;
    }

  colon = strchr (line, ':');
  g_assert_nonnull (colon);
  g_assert_true (colon > line);
  g_assert_null (strpbrk (line, "\r\n"));
  g_assert_false (g_ascii_strncasecmp (line, "Content-Length:", 15) == 0);
  g_assert_false (g_ascii_strncasecmp (line, "Transfer-Encoding:", 18) == 0);
  for (const char *p = line; p < colon; p++)
    g_assert_true (g_ascii_isgraph (*p) && strchr ("()<>@,;:\\\"/[]?={}", *p) == NULL);
  return 0;
}
