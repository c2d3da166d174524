/* vs-answer-check.h: one answer of a target, fetched before the load to compare the backends
 *
 * Before a comparison (plan compare.answers) the run sends each target its request once, with
 * libsoup in the calling thread (blocking, bounded by the plan's timeout, no proxy), and
 * compares every answer with the first target's (vs-equivalence). A backend that is faster
 * because it answers something else is no win.
 */
#pragma once

#include "vs-equivalence.h"
#include "vs-plan.h"

G_BEGIN_DECLS

typedef struct
{
  guint   status;
  char   *content_type;   /* the header's value, or NULL */
  GBytes *body;           /* never NULL once fetched */
  char   *error;          /* why there is no answer (a transport error), or NULL */
} VsCheckAnswer;

/* The validated plan's target @index, once; never NULL (a failure is in ->error). */
VsCheckAnswer *vs_check_answer_fetch (VsPlan        *plan,
                                      guint          index,
                                      GCancellable  *cancellable);
void           vs_check_answer_free  (VsCheckAnswer *answer);

/* How @answer differs from @reference (the first target's), one line per difference joined by
 * "; ", or NULL when they are alike. @ignore: the plan's JSON pointers. */
char          *vs_check_answer_compare (const VsCheckAnswer *reference,
                                        const VsCheckAnswer *answer,
                                        const char * const  *ignore);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsCheckAnswer, vs_check_answer_free)

G_END_DECLS
