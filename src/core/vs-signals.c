/* vs-signals.c: the first quit signal stops Versus gently, the second ends it at once */
#include "config.h"

#include <signal.h>

#include <glib-unix.h>

#include "vs-server.h"
#include "vs-signals.h"

typedef struct
{
  VsSignalWatch *owner;
  int            signo;
  guint          id;
} Watch;

struct _VsSignalWatch
{
  VsSignalFunc  first;
  gpointer      user_data;
  guint         n_watches;
  Watch         watches[];
};

/* The second signal: no server a run started outlives Versus. */
static void
on_second_signal (int sig)
{
  vs_server_emergency_stop_all ();
  signal (sig, SIG_DFL);
  raise (sig);
}

static gboolean
arm_second_signal (gpointer data)
{
  GArray *signals = data;

  for (guint i = 0; i < signals->len; i++)
    signal (g_array_index (signals, int, i), on_second_signal);
  return G_SOURCE_REMOVE;
}

static void
remove_watches (VsSignalWatch *self)
{
  for (guint i = 0; i < self->n_watches; i++)
    g_clear_handle_id (&self->watches[i].id, g_source_remove);
}

static gboolean
on_first_signal (gpointer data)
{
  Watch *watch = data;
  VsSignalWatch *self = watch->owner;
  GArray *signals = g_array_sized_new (FALSE, FALSE, sizeof (int), self->n_watches);

  for (guint i = 0; i < self->n_watches; i++)
    g_array_append_val (signals, self->watches[i].signo);
  /* (the source being dispatched is removed here too, before it returns) */
  remove_watches (self);
  g_idle_add_full (G_PRIORITY_HIGH, arm_second_signal, signals, (GDestroyNotify) g_array_unref);
  self->first (watch->signo, self->user_data);
  return G_SOURCE_REMOVE;
}

VsSignalWatch *
vs_signal_watch_new (const int    *signals,
                     guint         n_signals,
                     VsSignalFunc  first,
                     gpointer      user_data)
{
  VsSignalWatch *self;

  g_return_val_if_fail (signals != NULL && n_signals > 0 && first != NULL, NULL);

  self = g_malloc0 (sizeof (VsSignalWatch) + n_signals * sizeof (Watch));
  self->first = first;
  self->user_data = user_data;
  self->n_watches = n_signals;
  for (guint i = 0; i < n_signals; i++)
    {
      self->watches[i].owner = self;
      self->watches[i].signo = signals[i];
      self->watches[i].id = g_unix_signal_add (signals[i], on_first_signal, &self->watches[i]);
    }
  return self;
}

void
vs_signal_watch_free (VsSignalWatch *self)
{
  if (self == NULL)
    return;
  remove_watches (self);
  g_free (self);
}
