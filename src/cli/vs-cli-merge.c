/* vs-cli-merge.c: `versus merge OUT.json IN.json…`
 *
 * Merges results of one plan (vs-merge.h), writes OUT.json (and, when asked, the CSV, .hlog
 * and .hgrm files of the merged result) and prints the side-by-side table of the merged figures,
 * the same as `versus run` prints.
 */
#include "config.h"

#include <glib.h>
#include <glib/gi18n.h>

#include "vs-cli-merge.h"
#include "vs-cli-summary.h"
#include "vs-error.h"
#include "vs-export.h"
#include "vs-hgrm.h"
#include "vs-hlog.h"
#include "vs-merge.h"

int
vs_cli_merge_main (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VsResults) results = NULL;
  g_auto(GStrv) files = NULL;
  g_auto(GStrv) args = NULL;
  g_autofree char *csv_dir = NULL;
  g_autofree char *hlog = NULL;
  g_autofree char *hgrm = NULL;
  g_autofree char *summary = NULL;
  gboolean quiet = FALSE;
  int status = 0;
  const GOptionEntry entries[] = {
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_dir,
      N_("Also write the merged summary.csv and timeseries.csv into DIR"), "DIR" },
    { "hlog", 0, 0, G_OPTION_ARG_FILENAME, &hlog,
      N_("Also write the merged HdrHistogram interval log"), "FILE" },
    { "hgrm", 0, 0, G_OPTION_ARG_FILENAME, &hgrm,
      N_("Also write the merged percentile distributions into DIR"), "DIR" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Do not print the table"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL,
      N_("OUT.json IN.json…") },
    { NULL }
  };

  g_set_prgname ("versus merge");
  context = g_option_context_new (NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Merges JSON results of one plan (the segments of a --segment "
                                  "split, or whole runs) into OUT.json: counts and histograms "
                                  "add exactly, and every figure is computed again from them."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  args = g_new0 (char *, argc + 1);
  for (int i = 0; i < argc; i++)
    args[i] = g_strdup (argv[i]);
  if (!g_option_context_parse_strv (context, &args, &error))
    {
      g_printerr ("versus: %s (see versus merge --help)\n", error->message);
      return 2;
    }
  if (files == NULL || g_strv_length (files) < 2)
    {
      g_printerr ("versus: %s\n", _("give the merged result's file, then the results to merge: "
                                    "versus merge OUT.json IN.json…"));
      return 2;
    }

  results = vs_merge_files ((const char * const *) files + 1, g_strv_length (files) - 1, &error);
  if (results == NULL)
    {
      g_printerr ("versus: merge: %s\n", error->message);
      return g_error_matches (error, VS_ERROR, VS_ERROR_IO) ? 1 : 2;
    }

  if (!quiet)
    {
      summary = vs_cli_summary_render (results);
      g_print ("%s", summary);
    }

  if (!vs_export_json_file (results, files[0], &error))
    {
      g_printerr ("versus: %s\n", error->message);
      g_clear_error (&error);
      status = 1;
    }
  if (csv_dir != NULL && !vs_export_csv_dir (results, csv_dir, &error))
    {
      g_printerr ("versus: --csv: %s\n", error->message);
      g_clear_error (&error);
      status = 1;
    }
  if (hlog != NULL && !vs_hlog_write_file (results, hlog, &error))
    {
      g_printerr ("versus: --hlog: %s\n", error->message);
      g_clear_error (&error);
      status = 1;
    }
  if (hgrm != NULL && !vs_hgrm_write_dir (results, hgrm, &error))
    {
      g_printerr ("versus: --hgrm: %s\n", error->message);
      g_clear_error (&error);
      status = 1;
    }

  return status;
}
