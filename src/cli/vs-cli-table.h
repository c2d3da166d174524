/* vs-cli-table.h: a plain-text table for the terminal
 *
 * The first column is left-aligned (labels), the others right-aligned (figures); columns are
 * as wide as their widest cell counted in characters, not bytes, and two spaces apart.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _VsCliTable VsCliTable;

VsCliTable *vs_cli_table_new     (guint        n_columns);
void        vs_cli_table_free    (VsCliTable  *self);
/* n_columns cells; NULL prints as empty. The first row added is the header. */
void        vs_cli_table_add_row (VsCliTable  *self,
                                  const char * const *cells);
char       *vs_cli_table_render  (VsCliTable  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsCliTable, vs_cli_table_free)

G_END_DECLS
