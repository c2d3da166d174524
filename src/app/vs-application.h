/* vs-application.h: the application — app.* actions, command line, preferences */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define VS_TYPE_APPLICATION (vs_application_get_type ())
G_DECLARE_FINAL_TYPE (VsApplication, vs_application, VS, APPLICATION, AdwApplication)

VsApplication *vs_application_new           (void);
/* The app's settings, or NULL when the schema is not installed (an uninstalled build); a new
 * reference. */
GSettings     *vs_application_dup_settings  (void);

G_END_DECLS
