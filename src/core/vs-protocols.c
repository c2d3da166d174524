/* vs-protocols.c: the protocol each target answered in, and the notes that follow from it */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "vs-protocols.h"

/* The responses the protocol is read from: the measured phase's, or all (warm-up included)
 * when it has none. */
static void
protocol_counters (const VsTargetResult *self,
                   VsCounters           *out)
{
  memset (out, 0, sizeof *out);
  if (self->total->counters.responses > 0)
    {
      *out = self->total->counters;
      return;
    }

  for (guint i = 0; i < self->intervals->len; i++)
    vs_counters_add (out, &g_array_index (self->intervals, VsInterval, i).counters);
}

char *
vs_target_result_protocol (const VsTargetResult *self)
{
  VsCounters counters;

  g_return_val_if_fail (self != NULL, NULL);

  protocol_counters (self, &counters);
  return vs_counters_protocol (&counters);
}

/* "a: HTTP/1.1, b: HTTP/2" */
static char *
describe_protocols (VsResults *results)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < vs_results_get_n_targets (results); i++)
    {
      const VsTargetResult *target = vs_results_get_target (results, i);
      g_autofree char *protocol = vs_target_result_protocol (target);

      if (protocol == NULL)
        continue;
      if (text->len > 0)
        g_string_append (text, "; ");
      g_string_append_printf (text, "%s: %s", target->target->name, protocol);
    }

  return g_string_free (text, FALSE);
}

GPtrArray *
vs_protocol_notes (VsResults *results)
{
  GPtrArray *notes = g_ptr_array_new_with_free_func (g_free);
  VsPlan *plan;
  g_autofree char *first = NULL;
  gboolean differ = FALSE;

  g_return_val_if_fail (VS_IS_RESULTS (results), notes);

  plan = vs_results_get_plan (results);

  for (guint i = 0; i < vs_results_get_n_targets (results); i++)
    {
      g_autofree char *protocol = vs_target_result_protocol (vs_results_get_target (results, i));

      if (protocol == NULL)
        continue;
      if (first == NULL)
        first = g_steal_pointer (&protocol);
      else if (!g_str_equal (first, protocol))
        differ = TRUE;
    }

  if (differ)
    {
      g_autofree char *protocols = describe_protocols (results);

      g_ptr_array_add (notes,
                       g_strdup_printf (_("The targets answered in different protocols (%s): "
                                          "the comparison is of the protocols as much as of the "
                                          "backends."), protocols));
    }

  if (plan->load.streams > 1)
    for (guint i = 0; i < vs_results_get_n_targets (results); i++)
      {
        const VsTargetResult *target = vs_results_get_target (results, i);
        VsCounters counters;

        protocol_counters (target, &counters);
        if (counters.protocols[VS_PROTOCOL_HTTP_1_0] + counters.protocols[VS_PROTOCOL_HTTP_1_1]
            == 0)
          continue;
        g_ptr_array_add (notes,
                         g_strdup_printf (_("%s answered in HTTP/1.x, which carries one request "
                                            "at a time: its connections did not use %u streams "
                                            "each, and at most %u requests were in flight."),
                                          target->target->name, plan->load.streams,
                                          plan->load.connections));
      }

  return notes;
}
