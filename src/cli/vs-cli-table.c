/* vs-cli-table.c: a plain-text table for the terminal */
#include "vs-cli-table.h"

struct _VsCliTable
{
  guint      n_columns;
  GPtrArray *rows;  /* GStrv of n_columns cells */
};

VsCliTable *
vs_cli_table_new (guint n_columns)
{
  VsCliTable *self = g_new0 (VsCliTable, 1);

  g_return_val_if_fail (n_columns > 0, NULL);

  self->n_columns = n_columns;
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  return self;
}

void
vs_cli_table_free (VsCliTable *self)
{
  if (self == NULL)
    return;

  g_ptr_array_unref (self->rows);
  g_free (self);
}

void
vs_cli_table_add_row (VsCliTable         *self,
                      const char * const *cells)
{
  char **row = g_new0 (char *, self->n_columns + 1);

  for (guint c = 0; c < self->n_columns; c++)
    row[c] = g_strdup (cells[c] ? cells[c] : "");
  g_ptr_array_add (self->rows, row);
}

static void
append_padding (GString *out,
                gsize    n)
{
  for (gsize i = 0; i < n; i++)
    g_string_append_c (out, ' ');
}

char *
vs_cli_table_render (VsCliTable *self)
{
  g_autofree gsize *widths = g_new0 (gsize, self->n_columns);
  GString *out = g_string_new (NULL);

  for (guint r = 0; r < self->rows->len; r++)
    {
      char **row = g_ptr_array_index (self->rows, r);

      for (guint c = 0; c < self->n_columns; c++)
        widths[c] = MAX (widths[c], (gsize) g_utf8_strlen (row[c], -1));
    }

  for (guint r = 0; r < self->rows->len; r++)
    {
      char **row = g_ptr_array_index (self->rows, r);
      gsize line_start = out->len;

      for (guint c = 0; c < self->n_columns; c++)
        {
          gsize pad = widths[c] - g_utf8_strlen (row[c], -1);

          if (c > 0)
            g_string_append (out, "  ");
          if (c == 0)
            {
              g_string_append (out, row[c]);
              append_padding (out, pad);
            }
          else
            {
              append_padding (out, pad);
              g_string_append (out, row[c]);
            }
        }

      /* no trailing blanks */
      while (out->len > line_start && out->str[out->len - 1] == ' ')
        g_string_truncate (out, out->len - 1);
      g_string_append_c (out, '\n');
    }

  return g_string_free (out, FALSE);
}
