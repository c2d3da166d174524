/* vs-tsan-glib.c: GLib's synchronisation made visible to ThreadSanitizer (test builds with
 * -Db_sanitize=thread only; LD_PRELOADed into every test and the versus binary they run)
 *
 * GLib 2.74 on Linux builds GMutex, GRecMutex, GRWLock and GCond on futexes and its reference
 * counts on atomics, all compiled without TSan: TSan sees none of it, so every hand-over
 * between threads through GLib looks like a race, and suppressing those reports would hide
 * real races too. This library wraps the GLib entry points Versus, its tests and libsoup call
 * (any call that goes through the dynamic linker: GLib's calls inside itself stay invisible,
 * see tests/tsan.supp) and tells TSan about the ordering the real function provides:
 *
 *   - locks: acquire after taking, release before giving back; a condition wait gives the
 *     mutex back and takes it again;
 *   - reference counts: GLib's are sequentially consistent read-modify-writes on one counter,
 *     so each ref and unref both releases and acquires the object (the last unref, which
 *     frees, is thereby ordered after every earlier use in any thread); the non-atomic
 *     grefcount is a plain write, so two threads sharing one without a lock are reported;
 *   - main-context hand-overs: a callback attached from one thread and dispatched in another
 *     runs after everything its attacher did before attaching (the context's lock orders them):
 *     the callback is wrapped to acquire what the attach released.
 *
 * Nothing here changes what GLib does; each wrapper calls the real function (RTLD_NEXT).
 */
#define _GNU_SOURCE

#include <dlfcn.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <glib-object.h>
#include <glib-unix.h>
#include <string.h>
#include <sanitizer/tsan_interface.h>

/* in the TSan runtime, not declared by its header */
void __tsan_ignore_thread_begin (void);
void __tsan_ignore_thread_end   (void);

/* Declares real_NAME, the wrapped function, looked up once (any thread may be first). */
#define REAL(name, ret, ...)                                                   \
  static ret (*real_##name##_cache) (__VA_ARGS__);                             \
  ret (*real_##name) (__VA_ARGS__) =                                           \
    __atomic_load_n (&real_##name##_cache, __ATOMIC_ACQUIRE);                  \
  if (G_UNLIKELY (real_##name == NULL))                                        \
    {                                                                          \
      real_##name = (ret (*) (__VA_ARGS__)) dlsym (RTLD_NEXT, #name);          \
      __atomic_store_n (&real_##name##_cache, real_##name, __ATOMIC_RELEASE);  \
    }

/* --- locks ------------------------------------------------------------------------------- */

void
g_mutex_lock (GMutex *mutex)
{
  REAL (g_mutex_lock, void, GMutex *);
  real_g_mutex_lock (mutex);
  __tsan_acquire (mutex);
}

gboolean
g_mutex_trylock (GMutex *mutex)
{
  gboolean locked;
  REAL (g_mutex_trylock, gboolean, GMutex *);
  locked = real_g_mutex_trylock (mutex);
  if (locked)
    __tsan_acquire (mutex);
  return locked;
}

void
g_mutex_unlock (GMutex *mutex)
{
  REAL (g_mutex_unlock, void, GMutex *);
  __tsan_release (mutex);
  real_g_mutex_unlock (mutex);
}

void
g_rec_mutex_lock (GRecMutex *mutex)
{
  REAL (g_rec_mutex_lock, void, GRecMutex *);
  real_g_rec_mutex_lock (mutex);
  __tsan_acquire (mutex);
}

gboolean
g_rec_mutex_trylock (GRecMutex *mutex)
{
  gboolean locked;
  REAL (g_rec_mutex_trylock, gboolean, GRecMutex *);
  locked = real_g_rec_mutex_trylock (mutex);
  if (locked)
    __tsan_acquire (mutex);
  return locked;
}

void
g_rec_mutex_unlock (GRecMutex *mutex)
{
  REAL (g_rec_mutex_unlock, void, GRecMutex *);
  __tsan_release (mutex);
  real_g_rec_mutex_unlock (mutex);
}

void
g_rw_lock_writer_lock (GRWLock *lock)
{
  REAL (g_rw_lock_writer_lock, void, GRWLock *);
  real_g_rw_lock_writer_lock (lock);
  __tsan_acquire (lock);
}

gboolean
g_rw_lock_writer_trylock (GRWLock *lock)
{
  gboolean locked;
  REAL (g_rw_lock_writer_trylock, gboolean, GRWLock *);
  locked = real_g_rw_lock_writer_trylock (lock);
  if (locked)
    __tsan_acquire (lock);
  return locked;
}

void
g_rw_lock_writer_unlock (GRWLock *lock)
{
  REAL (g_rw_lock_writer_unlock, void, GRWLock *);
  __tsan_release (lock);
  real_g_rw_lock_writer_unlock (lock);
}

/* Readers acquire what writers released; a reader's release is not modelled (readers do not
 * order each other), which is stricter than a real lock: a write after a read under the lock
 * is ordered by the writer's own acquire of the writers' releases only. */
void
g_rw_lock_reader_lock (GRWLock *lock)
{
  REAL (g_rw_lock_reader_lock, void, GRWLock *);
  real_g_rw_lock_reader_lock (lock);
  __tsan_acquire (lock);
}

gboolean
g_rw_lock_reader_trylock (GRWLock *lock)
{
  gboolean locked;
  REAL (g_rw_lock_reader_trylock, gboolean, GRWLock *);
  locked = real_g_rw_lock_reader_trylock (lock);
  if (locked)
    __tsan_acquire (lock);
  return locked;
}

void
g_cond_wait (GCond  *cond,
             GMutex *mutex)
{
  REAL (g_cond_wait, void, GCond *, GMutex *);
  __tsan_release (mutex);
  real_g_cond_wait (cond, mutex);
  __tsan_acquire (mutex);
}

gboolean
g_cond_wait_until (GCond  *cond,
                   GMutex *mutex,
                   gint64  end_time)
{
  gboolean signalled;
  REAL (g_cond_wait_until, gboolean, GCond *, GMutex *, gint64);
  __tsan_release (mutex);
  signalled = real_g_cond_wait_until (cond, mutex, end_time);
  __tsan_acquire (mutex);
  return signalled;
}

/* --- reference counts -------------------------------------------------------------------- */

#define REF_RMW(p) G_STMT_START { __tsan_release (p); __tsan_acquire (p); } G_STMT_END

gpointer
(g_object_ref) (gpointer object)
{
  REAL (g_object_ref, gpointer, gpointer);
  REF_RMW (object);
  return real_g_object_ref (object);
}

void
g_object_unref (gpointer object)
{
  REAL (g_object_unref, void, gpointer);
  REF_RMW (object);
  real_g_object_unref (object);
}

GBytes *
g_bytes_ref (GBytes *bytes)
{
  REAL (g_bytes_ref, GBytes *, GBytes *);
  if (bytes != NULL)
    REF_RMW (bytes);
  return real_g_bytes_ref (bytes);
}

void
g_bytes_unref (GBytes *bytes)
{
  REAL (g_bytes_unref, void, GBytes *);
  if (bytes != NULL)
    REF_RMW (bytes);
  real_g_bytes_unref (bytes);
}

GPtrArray *
g_ptr_array_ref (GPtrArray *array)
{
  REAL (g_ptr_array_ref, GPtrArray *, GPtrArray *);
  REF_RMW (array);
  return real_g_ptr_array_ref (array);
}

void
g_ptr_array_unref (GPtrArray *array)
{
  REAL (g_ptr_array_unref, void, GPtrArray *);
  REF_RMW (array);
  real_g_ptr_array_unref (array);
}

void
g_atomic_ref_count_inc (gatomicrefcount *arc)
{
  REAL (g_atomic_ref_count_inc, void, gatomicrefcount *);
  REF_RMW (arc);
  real_g_atomic_ref_count_inc (arc);
}

gboolean
g_atomic_ref_count_dec (gatomicrefcount *arc)
{
  REAL (g_atomic_ref_count_dec, gboolean, gatomicrefcount *);
  REF_RMW (arc);
  return real_g_atomic_ref_count_dec (arc);
}

/* grefcount is not atomic: a plain write of the counter, as the compiler would emit it. */
void
g_ref_count_inc (grefcount *rc)
{
  REAL (g_ref_count_inc, void, grefcount *);
  __tsan_write4 (rc);
  real_g_ref_count_inc (rc);
}

gboolean
g_ref_count_dec (grefcount *rc)
{
  REAL (g_ref_count_dec, gboolean, grefcount *);
  __tsan_write4 (rc);
  return real_g_ref_count_dec (rc);
}

/* --- callbacks handed to a main context -------------------------------------------------- */

typedef struct
{
  GSourceFunc    func;
  gpointer       data;
  GDestroyNotify notify;
  GSource       *source;  /* g_source_set_callback(): attached after, see g_source_attach() */
} Handover;

static gboolean
handover_dispatch (gpointer data)
{
  Handover *h = data;

  __tsan_acquire (h);
  if (h->source != NULL)
    __tsan_acquire (h->source);
  return h->func (h->data);
}

static void
handover_free (gpointer data)
{
  Handover *h = data;

  __tsan_acquire (h);
  if (h->notify != NULL)
    h->notify (h->data);
  g_free (h);
}

/* Every release of h happens in the attaching thread before GLib can dispatch it. */
static Handover *
handover_new (GSourceFunc    func,
              gpointer       data,
              GDestroyNotify notify,
              GSource       *source)
{
  Handover *h = g_new (Handover, 1);

  h->func = func;
  h->data = data;
  h->notify = notify;
  h->source = source;
  __tsan_release (h);
  return h;
}

void
g_source_set_callback (GSource        *source,
                       GSourceFunc     func,
                       gpointer        data,
                       GDestroyNotify  notify)
{
  Handover *h;

  REAL (g_source_set_callback, void, GSource *, GSourceFunc, gpointer, GDestroyNotify);
  /* Only idle and timeout sources call a GSourceFunc; others (sockets, child watches, …)
   * call their callback with other arguments, which a wrapper must not take. */
  if (func == NULL ||
      (source->source_funcs != &g_idle_funcs && source->source_funcs != &g_timeout_funcs))
    {
      real_g_source_set_callback (source, func, data, notify);
      return;
    }
  h = handover_new (func, data, notify, source);
  real_g_source_set_callback (source, handover_dispatch, h, handover_free);
}

/* An idle or timeout source's callback is set before it is attached, and what the attacher wrote between the
 * two is ordered too: the dispatch acquires the source as well.
 * Attaching changes the context's own lists (a list node per priority, made when the first
 * source of that priority comes and freed when the last goes) under the context's lock, which
 * GLib takes inside itself; the thread iterating the context frees such a node under the same
 * lock (seen: a run's controller attaching a delivery while the main thread's iteration dropped
 * the last source of that priority: "race in g_list_remove"). No wrapper reaches that lock, so
 * what attaching does inside GLib is not checked: it calls no Versus code. */
guint
g_source_attach (GSource      *source,
                 GMainContext *context)
{
  guint id;

  REAL (g_source_attach, guint, GSource *, GMainContext *);
  __tsan_release (source);
  __tsan_ignore_thread_begin ();
  id = real_g_source_attach (source, context);
  __tsan_ignore_thread_end ();
  return id;
}

/* g_strerror() keeps the message of each errno it was asked for in a table under a lock GLib
 * takes inside itself, made by the first thread that asks, and hands the same string to every
 * later caller (seen: two soup workers tearing down, the second copying the first's
 * "Transport endpoint is not connected": "race in g_strdup"). The lock, as TSan can see it. */
static char strerror_lock;

const gchar *
g_strerror (gint errnum)
{
  const gchar *message;

  REAL (g_strerror, const gchar *, gint);
  __tsan_acquire (&strerror_lock);
  message = real_g_strerror (errnum);
  __tsan_release (&strerror_lock);
  return message;
}

guint
g_idle_add_full (gint           priority,
                 GSourceFunc    func,
                 gpointer       data,
                 GDestroyNotify notify)
{
  REAL (g_idle_add_full, guint, gint, GSourceFunc, gpointer, GDestroyNotify);
  return real_g_idle_add_full (priority, handover_dispatch, handover_new (func, data, notify, NULL),
                               handover_free);
}

guint
g_idle_add (GSourceFunc func,
            gpointer    data)
{
  return g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, func, data, NULL);
}

guint
g_timeout_add_full (gint           priority,
                    guint          interval,
                    GSourceFunc    func,
                    gpointer       data,
                    GDestroyNotify notify)
{
  REAL (g_timeout_add_full, guint, gint, guint, GSourceFunc, gpointer, GDestroyNotify);
  return real_g_timeout_add_full (priority, interval, handover_dispatch,
                                  handover_new (func, data, notify, NULL), handover_free);
}

guint
g_timeout_add (guint       interval,
               GSourceFunc func,
               gpointer    data)
{
  return g_timeout_add_full (G_PRIORITY_DEFAULT, interval, func, data, NULL);
}

void
g_main_context_invoke_full (GMainContext   *context,
                            gint            priority,
                            GSourceFunc     func,
                            gpointer        data,
                            GDestroyNotify  notify)
{
  REAL (g_main_context_invoke_full, void, GMainContext *, gint, GSourceFunc, gpointer,
        GDestroyNotify);
  real_g_main_context_invoke_full (context, priority, handover_dispatch,
                                   handover_new (func, data, notify, NULL), handover_free);
}

void
g_main_context_invoke (GMainContext *context,
                       GSourceFunc   func,
                       gpointer      data)
{
  g_main_context_invoke_full (context, G_PRIORITY_DEFAULT, func, data, NULL);
}

/* --- GLib's worker pool -------------------------------------------------------------------
 * GIO runs blocking work (GTask threads: connects, the resolver, TLS handshakes, the proxy
 * resolver, GSubprocess helpers) in GThreadPool workers and hands jobs, results and errors to
 * and from them through a GAsyncQueue and GTask state under locks GLib takes inside itself,
 * which no wrapper reaches. Versus runs no code in those threads (src/ has no GTask thread,
 * GThreadPool or g_task_run_in_thread), so their memory accesses are GLib's and GIO's: they
 * are not checked. The same holds for GLib's own worker thread, "gmain", which runs GLib's
 * private context (child watches for GSubprocess, Unix signals). GLib names each such thread
 * as it starts (g_thread_new ("pool-…"), g_thread_new ("gmain")), from inside the new thread;
 * that is where the thread is told to be ignored. So are the tests' own servers' threads
 * ("vs-test-server": libsoup's SoupServer, "raw-server"): scaffolding that shares no memory
 * with Versus, only sockets, whose lazily made GLib state (made there first, published under
 * GLib's inner locks) read later by a worker through libsoup once looked like a race in
 * g_strdup. */
static pthread_key_t ignored_key;

/* TSan wants every ignore ended before the thread finishes. */
static void
ignored_thread_exit (void *data)
{
  __tsan_ignore_thread_end ();
}

static void
ignored_key_init (void)
{
  pthread_key_create (&ignored_key, ignored_thread_exit);
}

int
pthread_setname_np (pthread_t   thread,
                    const char *name)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  REAL (pthread_setname_np, int, pthread_t, const char *);

  pthread_once (&once, ignored_key_init);
  if (pthread_equal (thread, pthread_self ()) &&
      (g_str_has_prefix (name, "pool-") || g_str_equal (name, "gmain") ||
       g_str_equal (name, "vs-test-server") || g_str_equal (name, "raw-server")) &&
      pthread_getspecific (ignored_key) == NULL)
    {
      pthread_setspecific (ignored_key, GINT_TO_POINTER (1));
      __tsan_ignore_thread_begin ();
    }
  return real_pthread_setname_np (thread, name);
}

/* --- GLib's own worker context and Unix signals -------------------------------------------
 * GLib delivers Unix signals through a context of its own (the "GLib worker" context), made
 * by whichever thread first needs it and published with an uninstrumented once-init. Its
 * signal handler then writes to that context's wakeup eventfd from whatever thread the signal
 * hits. In `versus run` a worker thread (through GIO) makes that context before the main thread
 * adds its SIGINT and SIGTERM sources, so TSan sees the handler's write race the eventfd's
 * creation. Model the publication: every eventfd GLib itself creates releases glib_eventfds,
 * and adding a Unix signal source acquires it. Only eventfds created by libglib count. */
static int glib_eventfds;

static gboolean
called_from_glib (const void *address)
{
  Dl_info info;

  return dladdr (address, &info) != 0 && info.dli_fname != NULL &&
         strstr (info.dli_fname, "/libglib-2.0.so") != NULL;
}

int
eventfd (unsigned int count,
         int          flags)
{
  int fd;
  REAL (eventfd, int, unsigned int, int);

  fd = real_eventfd (count, flags);
  if (fd >= 0 && called_from_glib (__builtin_return_address (0)))
    __tsan_release (&glib_eventfds);
  return fd;
}

GSource *
g_unix_signal_source_new (gint signum)
{
  REAL (g_unix_signal_source_new, GSource *, gint);
  __tsan_acquire (&glib_eventfds);
  return real_g_unix_signal_source_new (signum);
}

guint
g_unix_signal_add_full (gint           priority,
                        gint           signum,
                        GSourceFunc    handler,
                        gpointer       user_data,
                        GDestroyNotify notify)
{
  REAL (g_unix_signal_add_full, guint, gint, gint, GSourceFunc, gpointer, GDestroyNotify);
  __tsan_acquire (&glib_eventfds);
  return real_g_unix_signal_add_full (priority, signum, handler, user_data, notify);
}

guint
g_unix_signal_add (gint        signum,
                   GSourceFunc handler,
                   gpointer    user_data)
{
  return g_unix_signal_add_full (G_PRIORITY_DEFAULT, signum, handler, user_data, NULL);
}
