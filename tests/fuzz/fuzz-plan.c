/* fuzz-plan.c: plan files — JSON text through the public loader, then validation
 *
 * Properties: no crash, a clear error or a plan; a plan that loads and validates writes JSON
 * that loads again to the same JSON (what --save-plan writes, --plan reads back).
 */
#include "vs-fuzz.h"

#include "vs-plan.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsPlan) plan = NULL;
  g_autoptr(VsPlan) again = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json_again = NULL;

  /* body_file paths resolve against a folder that does not exist */
  plan = vs_plan_load_from_data ((const char *) data, size, "/nonexistent/versus-fuzz", &error);
  if (plan == NULL)
    {
      g_assert_nonnull (error);
      g_assert_nonnull (error->message);
      return 0;
    }
  g_assert_no_error (error);

  problems = vs_plan_check (plan);
  g_assert_nonnull (problems);
  for (guint i = 0; i < problems->len; i++)
    {
      VsPlanProblem *problem = problems->pdata[i];

      g_assert_nonnull (problem->path);
      g_assert_nonnull (problem->message);
    }
  if (!vs_plan_validate (plan, &error))
    {
      g_assert_nonnull (error);
      g_assert_cmpuint (problems->len, >, 0);
      return 0;
    }
  g_assert_cmpuint (problems->len, ==, 0);

  json = vs_plan_to_json (plan);
  again = vs_plan_load_from_data (json, -1, "/nonexistent/versus-fuzz", &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);
  json_again = vs_plan_to_json (again);
  g_assert_cmpstr (json, ==, json_again);
  return 0;
}
