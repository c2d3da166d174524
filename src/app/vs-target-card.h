/* vs-target-card.h: one target's figures now — req/s, requests, p50, p99, error rate */
#pragma once

#include <gtk/gtk.h>

#include "vs-results.h"

G_BEGIN_DECLS

#define VS_TYPE_TARGET_CARD (vs_target_card_get_type ())
G_DECLARE_FINAL_TYPE (VsTargetCard, vs_target_card, VS, TARGET_CARD, GtkWidget)

GtkWidget  *vs_target_card_new        (guint                 index,
                                       const char           *name);
/* Shows target index of results. */
void        vs_target_card_update     (VsTargetCard         *self,
                                       VsResults            *results,
                                       guint                 index);
/* The figures as shown, for tests: "rps", "requests", "p50", "p99", "errors"; the captions
 * "rps-caption", "p50-caption", "requests-caption" and "errors-caption"; "note", the notes
 * about the target ("" when none);
 * "protocol", the HTTP version answered in ("" before any response). */
const char *vs_target_card_get_figure (VsTargetCard         *self,
                                       const char           *key);

G_END_DECLS
