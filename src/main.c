/* main.c: `versus run …` and `versus merge …` are the headless command line; anything else
 * opens the window. */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "vs-cli.h"
#include "vs-cli-merge.h"
#include "vs-run.h"
#ifdef VS_WITH_GUI
# include "vs-application.h"
#endif

int
main (int   argc,
      char *argv[])
{
  const char *localedir;

  setlocale (LC_ALL, "");
  /* The plain C locale means ASCII, where µ, × and – would print as "?": coerce it to UTF-8,
   * as Python does (PEP 538). A locale that names a charset is left alone. */
  if (!g_get_charset (NULL) && g_strcmp0 (setlocale (LC_CTYPE, NULL), "C") == 0)
    setlocale (LC_CTYPE, "C.UTF-8");
  /* The translation test runs the binary from the build tree, before the catalogues are
   * installed; it points here at the ones meson built. */
  localedir = g_getenv ("VERSUS_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc > 1 && strcmp (argv[1], "run") == 0)
    return vs_cli_main (argc - 1, argv + 1);
  if (argc > 1 && strcmp (argv[1], "merge") == 0)
    return vs_cli_merge_main (argc - 1, argv + 1);

#ifdef VS_WITH_GUI
  {
    g_autoptr(VsApplication) app = vs_application_new ();
    int status = g_application_run (G_APPLICATION (app), argc, argv);

    /* the last run's connections may still be closing, on a thread exit() would cut short */
    vs_run_wait_teardowns ();
    return status;
  }
#else
  return vs_cli_main_no_gui (argc, argv);
#endif
}
