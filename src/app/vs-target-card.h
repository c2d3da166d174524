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

G_END_DECLS
