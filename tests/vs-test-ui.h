/* vs-test-ui.h: what the UI tests share: waiting while the main context runs, finding widgets */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Iterates the default main context until done (data) is TRUE or seconds have passed. */
void vs_test_iterate_until (gboolean  (*done) (gpointer),
                            gpointer    data,
                            double      seconds);

/* Iterates until dir/name is a regular file (writers put files in place whole, with a rename),
 * at most seconds; asserts that it is there. */
void vs_test_wait_for_file (const char *dir,
                            const char *name,
                            double      seconds);

/* The first descendant of widget (itself included) of the type, or NULL. */
GtkWidget *vs_test_find_descendant (GtkWidget *widget,
                                    GType      type);

/* Renders the widget as it is on screen into a PNG file (a picture to look at). */
void vs_test_save_widget (GtkWidget  *widget,
                          const char *path);

G_END_DECLS
