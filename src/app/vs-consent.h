/* vs-consent.h: the person's consent to the commands a plan runs (issue 11)
 *
 * A plan with server sections runs commands on this computer. The window shows each of them
 * (argv, cwd, env) in a dialog before the first start, and asks again whenever they differ from
 * what was agreed to: vs_consent_key() is the exact list, compared as a whole.
 */
#pragma once

#include <adwaita.h>

#include "vs-plan.h"

G_BEGIN_DECLS

/* The commands (VsPlanCommand*, vs_plan_list_commands()) as one string that differs whenever
 * any target, argument, folder or variable does; NULL when there are none. */
char             *vs_consent_key        (GPtrArray *commands);
/* "Run the Plan's Commands?" listing each command as vs_plan_command_describe() says it, with
 * the responses "cancel" (the default and the close response) and "run". Not yet shown. */
AdwMessageDialog *vs_consent_dialog_new (GtkWindow *parent,
                                         GPtrArray *commands);
/* The text of the commands as the dialog lists them. */
char             *vs_consent_describe   (GPtrArray *commands);

G_END_DECLS
