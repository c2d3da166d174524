/* vs-target-card.h: one target's figures now — req/s, requests, p50, p99, error rate */
#pragma once

#include <gtk/gtk.h>

#include "vs-results.h"

G_BEGIN_DECLS

#define VS_TYPE_TARGET_CARD (vs_target_card_get_type ())
G_DECLARE_FINAL_TYPE (VsTargetCard, vs_target_card, VS, TARGET_CARD, GtkWidget)

GtkWidget  *vs_target_card_new        (guint                 index,
                                       const char           *name);
void        vs_target_card_update     (VsTargetCard         *self,
                                       const VsTargetResult *result);
/* The figures as shown, for tests: "rps", "requests", "p50", "p99", "errors"; the captions
 * "requests-caption" and "errors-caption"; "note", the first error ("" when none);
 * "protocol", the HTTP version answered in ("" before any response). */
const char *vs_target_card_get_figure (VsTargetCard         *self,
                                       const char           *key);

G_END_DECLS
