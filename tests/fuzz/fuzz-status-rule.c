/* fuzz-status-rule.c: the status rule parser ("2xx,3xx", "200", "200-204,404")
 *
 * Properties: no crash; an error always has a message; a rule accepts at least one status and
 * none outside 100…599 (the statuses HTTP has); parsing is deterministic.
 */
#include "vs-fuzz.h"

#include <string.h>

#include "vs-plan.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = vs_fuzz_to_string (data, size);
  g_autoptr(GError) error = NULL;
  VsStatusRule rule, again;
  guint accepted = 0;

  if (text == NULL)
    return 0;
  memset (&rule, 0xa5, sizeof rule);
  if (!vs_status_rule_parse (&rule, text, &error))
    {
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  g_assert_no_error (error);

  for (guint status = 0; status < 700; status++)
    if (vs_status_rule_accepts (&rule, status))
      {
        g_assert_cmpuint (status, >=, 100);
        g_assert_cmpuint (status, <=, 599);
        accepted++;
      }
  g_assert_cmpuint (accepted, >, 0);

  memset (&again, 0, sizeof again);
  g_assert_true (vs_status_rule_parse (&again, text, NULL));
  g_assert_true (memcmp (&rule, &again, sizeof rule) == 0);
  return 0;
}
