/* vs-test-ui.c: what the UI tests share: waiting while the main context runs, finding widgets */
#include "vs-test-ui.h"

void
vs_test_iterate_until (gboolean  (*done) (gpointer),
                       gpointer    data,
                       double      seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (!done (data) && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
}

static gboolean
is_regular_file (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

void
vs_test_wait_for_file (const char *dir,
                       const char *name,
                       double      seconds)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  vs_test_iterate_until (is_regular_file, path, seconds);
  g_assert_true (is_regular_file (path));
}

GtkWidget *
vs_test_find_descendant (GtkWidget *widget,
                         GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = vs_test_find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

void
vs_test_save_widget (GtkWidget  *widget,
                     const char *path)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    {
      g_printerr ("%s: nothing drawn\n", path);
      return;
    }
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_texture_save_to_png (texture, path);
  g_print ("%s: %d×%d\n", path, width, height);
}
