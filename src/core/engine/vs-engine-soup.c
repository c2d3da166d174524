/* vs-engine-soup.c: the libsoup 3 engine
 *
 * Each worker thread runs its own GMainContext. Every connection of a target is a SoupSession
 * of its own, created there, limited to one connection: libsoup 3.2 multiplexes every request
 * to a host over one HTTP/2 connection per session, so sessions are the only way to make `-c N`
 * open N TCP connections on HTTP/2 as it does on HTTP/1.1. A connection has load.streams
 * "slots"; a slot is one request in flight at a time, so in-flight requests never exceed
 * connections × streams whatever libsoup does with its pool. Until a connection's first
 * response says it speaks HTTP/2, only its first slot sends; on HTTP/1.x, which carries one
 * request at a time, the others never do (their requests would only queue inside libsoup and
 * read as server latency). Closed model: every slot sends the next request as soon as its last
 * one ended. Open model: a per-target timer fires at the schedule's intended times and sends
 * when a slot is free; while none is, the schedule simply stops advancing, so the due-but-unsent
 * entries are the backlog (oldest first, no queue to allocate) and each goes out as soon as a
 * slot frees. Closed model with stages: only the slots of the connections the planned level
 * wants busy send (vs_worker_target_active(), the native engine's figure); the others stay idle
 * (and a connection never wanted is never opened), and a timer looks at the level every
 * VS_STAGE_FOLLOW_US to start those a rising level wants again. A busy connection keeps all
 * its streams busy, so on HTTP/2 the stages' connections carry connections × streams requests,
 * as -c does without stages.
 *
 * libsoup allocates per request (a SoupMessage and its headers, its I/O state); that is the
 * price of full HTTP and why the native engine exists. Our own bookkeeping allocates nothing
 * per request: slots, sessions, buffers, timers and cancellables are made once per worker, and
 * connection events reach the slots through one emission hook, not a handler per message.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "vs-engine-soup.h"
#include "vs-error.h"
#include "vs-job.h"
#include "vs-soup-framing.h"


/* Each slot reads response bodies into its own buffer and throws the bytes away. */
#define READ_BUFFER_SIZE (8 * 1024)

/* What every request to one target is made from; read-only once prepare built it. */
typedef struct
{
  const VsRequest *request;        /* the target's: method, headers, body */
  GUri            *uri;
  GBytes          *body;           /* NULL when the request has no body */
  GProxyResolver  *framing;        /* plain http://: checks the framing, see vs-soup-framing.h */
  guint64          head_estimate;  /* bytes of the request head, see template_init() */
} Template;

/* What prepare makes for a job (job->engine_job), from prepare to release: the templates,
 * read only and shared by the workers, and each worker's main context. */
typedef struct
{
  VsEngineJob    parent;
  guint          n_templates;
  Template      *templates;  /* parallel to the job's targets */
  guint          n_workers;
  GMainContext **contexts;   /* by worker index */
} SoupJob;

static inline SoupJob *
soup_job (VsJob *job)
{
  return (SoupJob *) job->engine_job;
}

typedef struct _Run    Run;
typedef struct _Target Target;

typedef enum
{
  CONN_PROBING,  /* no response yet: only the first stream may send */
  CONN_STREAMS,  /* HTTP/2: every stream may send */
  CONN_SINGLE,   /* HTTP/1.x: one request at a time, the first stream only */
} ConnMode;

/* One TCP connection: a session that may open only one. */
typedef struct
{
  SoupSession *session;
  ConnMode     mode;
  gboolean     fresh;    /* https:// and not opened yet (see slot_may_send()) */
  gboolean     opening;  /* its first request is in flight and its handshake not done */
} Conn;

/* The network events of a request that opened a connection (see network_event_hook()). */
typedef enum
{
  EVENT_CONNECTING,     /* TCP connect started */
  EVENT_CONNECTED,      /* TCP connect done */
  EVENT_TLS_START,      /* TLS handshake started */
  EVENT_TLS_DONE,       /* TLS handshake done */
  N_EVENTS
} Event;

typedef enum
{
  SLOT_IDLE,
  SLOT_BUSY,     /* a request is in flight */
  SLOT_BACKOFF,  /* closed model: waiting after a connect error */
} SlotState;

typedef struct
{
  Target       *target;
  Conn         *conn;
  guint         stream_index; /* among its connection's slots; 0 sends first */
  SlotState     state;
  SoupMessage  *msg;
  GInputStream *stream;
  GCancellable *cancellable;
  GSource      *timer;        /* the request's timeout, or the end of the back-off */
  gint64        due_us;       /* when the timer is meant for */
  gint64        intended_us;
  gint64        sent_us;
  gint64        events[N_EVENTS]; /* monotonic µs of this request's connection events, or 0 */
  gint64        tcp_connect_us;   /* vs_engine_connect_time() at EVENT_CONNECTED, or 0 */
  guint64       body_bytes;
  gboolean      timed_out;
  gboolean      refused;      /* libsoup wanted to send the request again: see restarted_hook() */
  guint8       *buffer;
} Slot;

struct _Target
{
  Run            *run;
  guint           local;      /* index in worker->targets */
  VsWorkerTarget *wt;
  const Template *tmpl;
  gboolean        open;
  guint           n_conns;
  Conn           *conns;
  guint           streams;    /* slots per connection */
  guint           n_slots;    /* n_conns × streams; slot i is on connection i / streams */
  Slot           *slots;
  guint           n_busy;
  GSource        *schedule;   /* open model: the schedule's next send; closed model with
                               * stages: the next look at the planned level */
  guint           stage_from; /* closed model with stages: every connection below this was
                               * started at the planned level; from it on, some may have been
                               * left idle for the stages (see slot_in_stage()) */
};

struct _Run
{
  VsJob        *job;
  VsWorker     *worker;
  GMainContext *context;
  gboolean      insecure;
  gint64        timeout_us;
  gboolean      stopping;     /* settled: nothing more is recorded, nothing more is sent */
  guint         n_opening;    /* connections being opened: 0 or 1, see slot_may_send() */
  GSource      *open_timer;   /* ready when the next connection may open */
  guint         opened_last;  /* the target whose connection opened last */
  guint         n_busy;
  guint         n_targets;
  Target       *targets;
  guint8       *buffers;
};

static void slot_send      (Slot   *slot,
                            gint64  intended_us,
                            gint64  now_us);
static void slot_next      (Slot   *slot);
static void target_pump    (Target *target);
static void run_open_next  (Run    *run,
                            guint   after);
static void conn_opened    (Target *target,
                            Conn   *conn);
static gboolean run_check_stop (Run *run);

/* Timers: a GSource with only a ready time, reused for the whole run. */

static gboolean
timer_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  g_source_set_ready_time (source, -1);
  return callback (user_data);
}

static GSourceFuncs timer_funcs = {
  .dispatch = timer_dispatch,
};

static GSource *
timer_new (GMainContext *context,
           GSourceFunc   func,
           gpointer      data)
{
  GSource *source = g_source_new (&timer_funcs, sizeof (GSource));

  g_source_set_callback (source, func, data, NULL);
  g_source_set_ready_time (source, -1);
  g_source_attach (source, context);
  return source;
}

static void
timer_destroy (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

/* Templates */

static void
template_clear (Template *tmpl)
{
  g_clear_pointer (&tmpl->body, g_bytes_unref);
  g_clear_object (&tmpl->framing);
}

static void
template_init (Template       *tmpl,
               const VsTarget *target)
{
  const VsRequest *req = target->request;
  gsize body_len = g_bytes_get_size (req->body);
  guint64 head;

  memset (tmpl, 0, sizeof *tmpl);
  tmpl->request = req;
  tmpl->uri = target->uri;
  if (body_len > 0)
    tmpl->body = g_bytes_ref (req->body);
  tmpl->framing = vs_soup_framing_resolver_new (target->uri, req->method);

  /* An estimate of the head libsoup writes: the request line, Host, User-Agent, the user's
   * headers, Content-Length with a body, and the blank line. libsoup may add or drop a header
   * (Connection, Accept-Encoding…) that we do not see here; the error is a few bytes. */
  head = strlen (req->method) + 1 + strlen (req->path_query) + strlen (" HTTP/1.1\r\n");
  if (!req->has_host)
    head += strlen ("Host: \r\n") + strlen (req->host_header);
  if (!req->has_agent)
    head += strlen ("User-Agent: \r\n") + strlen (vs_user_agent ());
  for (guint i = 0; i < req->n_headers; i++)
    head += strlen (req->names[i]) + 2 + strlen (req->values[i]) + 2;
  if (vs_request_has_length (req))
    {
      g_autofree char *length = g_strdup_printf ("%" G_GSIZE_FORMAT, body_len);

      head += strlen ("Content-Length: \r\n") + strlen (length);
    }
  head += 2;
  tmpl->head_estimate = head;
}

/* Error classes */

static VsErrorClass
classify_error (const GError       *error,
                SoupMessageMetrics *metrics)
{
  if (error->domain == G_RESOLVER_ERROR)
    return VS_ERROR_CLASS_CONNECT;

  if (error->domain == G_TLS_ERROR)
    return VS_ERROR_CLASS_TLS;

  if (error->domain == G_IO_ERROR)
    {
      switch (error->code)
        {
        case G_IO_ERROR_CONNECTION_REFUSED:
        case G_IO_ERROR_HOST_UNREACHABLE:
        case G_IO_ERROR_NETWORK_UNREACHABLE:
        case G_IO_ERROR_HOST_NOT_FOUND:
        case G_IO_ERROR_PROXY_FAILED:
        case G_IO_ERROR_PROXY_AUTH_FAILED:
        case G_IO_ERROR_PROXY_NEED_AUTH:
        case G_IO_ERROR_PROXY_NOT_ALLOWED:
          return VS_ERROR_CLASS_CONNECT;
        default:
          break;
        }
    }

  /* Anything else that happened before the connection was up belongs to its phase: a TLS
   * handshake had started (certificate rejected by accept-certificate, protocol error) or the
   * TCP connect had. connect_end is only set once both are done. */
  if (metrics != NULL && soup_message_metrics_get_connect_end (metrics) == 0)
    {
      if (soup_message_metrics_get_tls_start (metrics) != 0)
        return VS_ERROR_CLASS_TLS;
      if (soup_message_metrics_get_connect_start (metrics) != 0)
        return VS_ERROR_CLASS_CONNECT;
    }

  /* Broken pipe, connection closed or reset, partial input, a response libsoup could not
   * parse (SOUP_SESSION_ERROR_PARSING, _ENCODING…): the connection broke mid-exchange. */
  return VS_ERROR_CLASS_IO;
}

/* Recording */

static guint64
response_head_estimate (SoupMessage *msg)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  SoupMessageHeadersIter iter;
  const char *name, *value;
  guint64 size = strlen ("HTTP/1.1 200 \r\n") + 2;
  const char *reason = soup_message_get_reason_phrase (msg);

  if (reason != NULL)
    size += strlen (reason);

  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    size += strlen (name) + 2 + strlen (value) + 2;

  return size;
}

/* Response bytes: libsoup's own count of header and body bytes off the wire when it has one
 * (exact for HTTP/1.1), else the body bytes we read plus an estimate of the head rebuilt from
 * the parsed headers. */
static guint64
bytes_in (Slot               *slot,
          SoupMessageMetrics *metrics,
          gboolean            have_head)
{
  if (metrics != NULL)
    {
      guint64 head = soup_message_metrics_get_response_header_bytes_received (metrics);
      guint64 body = soup_message_metrics_get_response_body_bytes_received (metrics);

      if (head > 0)
        return head + body;
    }

  return slot->body_bytes + (have_head ? response_head_estimate (slot->msg) : 0);
}

static VsProtocol
protocol_of (SoupMessage *msg)
{
  switch (soup_message_get_http_version (msg))
    {
    case SOUP_HTTP_1_0:
      return VS_PROTOCOL_HTTP_1_0;
    case SOUP_HTTP_2_0:
      return VS_PROTOCOL_HTTP_2;
    case SOUP_HTTP_1_1:
    default:
      return VS_PROTOCOL_HTTP_1_1;
    }
}

/* Connect and TLS come from the request's own network events, not from SoupMessageMetrics:
 * libsoup 3.2 has no TCP connect end nor TLS end among its metrics, and its tls_start is taken
 * only after glib-networking has built the GnuTLS client connection, which loads the system
 * trust store again for every new connection, whatever GTlsDatabase the session has: 10–40 ms
 * of the worker's CPU (perf: half of a short HTTPS run's CPU in
 * gnutls_x509_trust_list_add_system_trust under g_initable_new). Ending the TCP connect there
 * read 17–80 ms where curl's time_connect reads 0.1 ms on the same server. Here TCP connect is
 * CONNECTING…CONNECTED (the kernel's figure when it has one, see network_event_hook()) and TLS
 * is TLS_HANDSHAKING…TLS_HANDSHAKED: what curl's time_connect and time_appconnect −
 * time_connect measure. Only a request that opened a connection has these events, so a
 * connection reused from the pool adds no sample. */
static void
record_timings (VsStats            *stats,
                const Slot         *slot,
                SoupMessageMetrics *metrics)
{
  const gint64 *events = slot->events;
  guint64 request_start, response_start;

  if (events[EVENT_CONNECTING] != 0 && events[EVENT_CONNECTED] >= events[EVENT_CONNECTING])
    {
      stats->counters.connects++;
      vs_stats_record_timing (stats, VS_TIMING_CONNECT, slot->tcp_connect_us);
      if (events[EVENT_TLS_START] != 0 && events[EVENT_TLS_DONE] >= events[EVENT_TLS_START])
        vs_stats_record_timing (stats, VS_TIMING_TLS,
                                events[EVENT_TLS_DONE] - events[EVENT_TLS_START]);
    }

  if (metrics == NULL)
    return;

  /* Metric times are monotonic µs, 0 when the event did not happen. request_start is when
   * libsoup starts writing the request, on a connection already up; response_start when the
   * first byte of the response head arrives. */
  request_start = soup_message_metrics_get_request_start (metrics);
  response_start = soup_message_metrics_get_response_start (metrics);
  if (request_start != 0 && response_start >= request_start)
    vs_stats_record_timing (stats, VS_TIMING_FIRST_BYTE,
                            (gint64) (response_start - request_start));
}

/* Network events */

/* The run of the worker thread this code runs on (network events are emitted on the thread of
 * the session's context, which is the worker's). */
static __thread Run *worker_run;

static Slot *
run_find_slot (Run         *run,
               SoupMessage *msg)
{
  for (guint i = 0; i < run->n_targets; i++)
    for (guint s = 0; s < run->targets[i].n_slots; s++)
      if (run->targets[i].slots[s].msg == msg)
        return &run->targets[i].slots[s];
  return NULL;
}

/* One emission hook on SoupMessage::network-event for the process instead of a handler per
 * message: nothing is allocated per request, and the slots are only searched when a request
 * opens a connection. Events of messages that are not ours (another session on another
 * thread, a test's own client) find no run or no slot and are left alone. */
static gboolean
network_event_hook (GSignalInvocationHint *hint,
                    guint                  n_values,
                    const GValue          *values,
                    gpointer               data)
{
  Run *run = worker_run;
  SoupMessage *msg;
  Slot *slot;
  int event;

  if (run == NULL || n_values < 2)
    return TRUE;
  run_check_stop (run);

  msg = g_value_get_object (&values[0]);
  switch (g_value_get_enum (&values[1]))
    {
    case G_SOCKET_CLIENT_CONNECTING:
      event = EVENT_CONNECTING;
      break;
    case G_SOCKET_CLIENT_CONNECTED:
      event = EVENT_CONNECTED;
      break;
    case G_SOCKET_CLIENT_TLS_HANDSHAKING:
      event = EVENT_TLS_START;
      break;
    case G_SOCKET_CLIENT_TLS_HANDSHAKED:
      event = EVENT_TLS_DONE;
      break;
    default:
      return TRUE;
    }

  slot = run_find_slot (run, msg);
  if (slot == NULL)
    return TRUE;

  slot->events[event] = g_get_monotonic_time ();
  if (event == EVENT_TLS_DONE)
    conn_opened (slot->target, slot->conn);

  /* When CONNECTED reaches us, the kernel may have finished the handshake a while ago: the
   * worker's loop was busy meanwhile, typically building another connection's TLS state (see
   * record_timings()). With ten connections opening at once the event times alone read
   * 15–20 ms for a 0.1 ms connect, so the kernel says what the connect took. */
  if (event == EVENT_CONNECTED && slot->events[EVENT_CONNECTING] != 0)
    {
      GObject *stream = n_values > 2 ? g_value_get_object (&values[2]) : NULL;
      GSocket *socket = G_IS_SOCKET_CONNECTION (stream)
                        ? g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream)) : NULL;
      gint64 seen_us = slot->events[EVENT_CONNECTED] - slot->events[EVENT_CONNECTING];

      slot->tcp_connect_us = vs_engine_connect_time (socket != NULL ? g_socket_get_fd (socket)
                                                                    : -1, seen_us);
    }

  return TRUE;
}

/* libsoup sends a request again, on a new connection and without telling, when the connection
 * it went out on had served a request before and closed or reset before any byte of the answer
 * (the request is idempotent and the server may not have seen it). The server did see it, and
 * the native engine counts that as what it is: one request, one I/O error. So here a restart of
 * one of our requests is refused, before it reaches the wire: the request fails (slot_fail()
 * sees refused), and the slot's next request is a new one, counted against the budget or taken
 * from the schedule like any other. */
static gboolean
restarted_hook (GSignalInvocationHint *hint,
                guint                  n_values,
                const GValue          *values,
                gpointer               data)
{
  Run *run = worker_run;
  Slot *slot;

  if (run == NULL || n_values < 1)
    return TRUE;

  slot = run_find_slot (run, g_value_get_object (&values[0]));
  if (slot != NULL && slot->state == SLOT_BUSY && !slot->refused)
    {
      slot->refused = TRUE;
      g_cancellable_cancel (slot->cancellable);
    }
  return TRUE;
}

static void
hooks_install (void)
{
  static gsize installed = 0;

  if (g_once_init_enter (&installed))
    {
      /* the signals exist once the class does; the class is kept for the process */
      gpointer klass = g_type_class_ref (SOUP_TYPE_MESSAGE);

      g_signal_add_emission_hook (g_signal_lookup ("network-event", G_TYPE_FROM_CLASS (klass)),
                                  0, network_event_hook, NULL, NULL);
      g_signal_add_emission_hook (g_signal_lookup ("restarted", G_TYPE_FROM_CLASS (klass)),
                                  0, restarted_hook, NULL, NULL);
      g_once_init_leave (&installed, 1);
    }
}

/* Slots */

/* due_us -1: never. */
static void
slot_arm (Slot   *slot,
          gint64  due_us)
{
  slot->due_us = due_us < 0 ? G_MAXINT64 : due_us;
  g_source_set_ready_time (slot->timer, due_us);
}

/* The connection being opened is up (its handshake is done), or its first attempt ended:
 * the next one may open, from the worker's loop rather than from inside libsoup. */
static void
conn_opened (Target *target,
             Conn   *conn)
{
  Run *run = target->run;

  if (!conn->opening)
    return;

  conn->opening = FALSE;
  conn->fresh = FALSE;
  run->n_opening--;
  run->opened_last = target->local;
  g_source_set_ready_time (run->open_timer, 0);
}

static void
slot_finish (Slot *slot)
{
  Target *target = slot->target;

  slot_arm (slot, -1);
  g_clear_object (&slot->stream);
  g_clear_object (&slot->msg);
  slot->state = SLOT_IDLE;
  target->n_busy--;
  target->run->n_busy--;

  conn_opened (target, slot->conn);
}

/* The job is stopping with the slot's request in flight: the worker has settled (see
 * run_abandon(), which counted it if it was to be counted), so nothing is recorded. */
static void
abandon (Slot *slot)
{
  slot_finish (slot);
}

/* The attempt is over; record it (unless the job is stopping) and let the slot go on. */
static void
slot_fail (Slot         *slot,
           const GError *error,
           gboolean      have_head)
{
  Target *target = slot->target;
  Run *run = target->run;
  SoupMessageMetrics *metrics = soup_message_get_metrics (slot->msg);
  VsErrorClass klass;
  VsStats *stats;

  if (run->stopping)
    {
      abandon (slot);
      return;
    }

  if (slot->timed_out)
    klass = VS_ERROR_CLASS_TIMEOUT;
  else if (slot->refused)
    klass = VS_ERROR_CLASS_IO;
  else
    klass = classify_error (error, metrics);

  stats = vs_worker_stats (run->job, run->worker, target->local, slot->intended_us);
  record_timings (stats, slot, metrics);
  vs_stats_record_failure (stats, klass, bytes_in (slot, metrics, have_head));

  if (klass == VS_ERROR_CLASS_TIMEOUT)
    {
      g_autofree char *message =
        g_strdup_printf (_("no complete response within %.3g s"), run->timeout_us / 1e6);

      vs_job_note_error (run->job, target->wt->index, message);
    }
  else if (slot->refused)
    {
      vs_job_note_error (run->job, target->wt->index,
                         _("the server closed the connection before responding"));
    }
  else
    {
      vs_job_note_error (run->job, target->wt->index, error->message);
    }

  slot_finish (slot);

  if (!target->open && (klass == VS_ERROR_CLASS_CONNECT || klass == VS_ERROR_CLASS_TLS))
    {
      slot->state = SLOT_BACKOFF;
      target->n_busy++;
      run->n_busy++;
      slot_arm (slot, g_get_monotonic_time () + VS_CONNECT_BACKOFF_US);
      return;
    }

  slot_next (slot);
}

/* May this slot send now? The first stream of a connection, except that a worker opens its
 * https:// connections one at a time: building a TLS connection costs the worker 10–40 ms of
 * CPU (see record_timings()), and while it does that no other handshake's end is seen, so TLS
 * times read many times what the handshakes took (75 ms at -c 10 where curl measures 3–5 ms).
 * Opened in turn, up to the end of each handshake, each is timed alone; they would have waited
 * for the CPU anyway. The other streams once the connection is known to multiplex. */
static gboolean
slot_may_send (const Slot *slot)
{
  if (slot->stream_index != 0)
    return slot->conn->mode == CONN_STREAMS;
  return !slot->conn->fresh || slot->target->run->n_opening == 0;
}

/* The next connection not opened yet may open, taking the targets in turn from the one after
 * @after so that none gets all its connections first. */
static void
run_open_next (Run   *run,
               guint  after)
{
  for (guint k = 1; k <= run->n_targets && run->n_opening == 0 && !run->stopping; k++)
    {
      Target *target = &run->targets[(after + k) % run->n_targets];

      for (guint c = 0; c < target->n_conns && run->n_opening == 0; c++)
        {
          Slot *first = &target->slots[c * target->streams];

          if (!target->conns[c].fresh || first->state != SLOT_IDLE)
            continue;
          if (target->open)
            target_pump (target);
          else
            slot_next (first);
          break;
        }
    }
}

/* The first response on a connection tells whether its other streams may send. */
static void
conn_learn (Conn       *conn,
            VsProtocol  protocol)
{
  if (conn->mode == CONN_PROBING)
    conn->mode = protocol == VS_PROTOCOL_HTTP_2 ? CONN_STREAMS : CONN_SINGLE;
}

/* A connection just learnt it speaks HTTP/2: its idle streams start (closed model; in the open
 * model the schedule takes them as it needs them). */
static void
conn_start_streams (Target *target,
                    Conn   *conn)
{
  guint first = (guint) (conn - target->conns) * target->streams;

  for (guint s = 1; s < target->streams; s++)
    if (target->slots[first + s].state == SLOT_IDLE)
      slot_next (&target->slots[first + s]);
}

static void
slot_done (Slot *slot)
{
  Target *target = slot->target;
  Run *run = target->run;
  gint64 done_us = g_get_monotonic_time ();
  SoupMessageMetrics *metrics;
  VsStats *stats;
  VsProtocol protocol;
  gboolean probing;

  if (run->stopping)
    {
      abandon (slot);
      return;
    }

  metrics = soup_message_get_metrics (slot->msg);
  stats = vs_worker_stats (run->job, run->worker, target->local, slot->intended_us);
  record_timings (stats, slot, metrics);
  vs_stats_record_response (stats, &target->wt->target->status_rule,
                            soup_message_get_status (slot->msg),
                            slot->intended_us, slot->sent_us, done_us,
                            bytes_in (slot, metrics, TRUE));
  protocol = protocol_of (slot->msg);
  vs_stats_record_protocol (stats, protocol);
  probing = slot->conn->mode == CONN_PROBING;
  conn_learn (slot->conn, protocol);

  slot_finish (slot);
  slot_next (slot);
  if (probing && slot->conn->mode == CONN_STREAMS && !target->open)
    conn_start_streams (target, slot->conn);
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Slot *slot = user_data;
  g_autoptr(GError) error = NULL;
  gssize n;

  run_check_stop (slot->target->run);
  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);

  if (n < 0)
    {
      slot_fail (slot, error, TRUE);
      return;
    }

  if (n == 0)
    {
      slot_done (slot);
      return;
    }

  slot->body_bytes += n;
  g_input_stream_read_async (slot->stream, slot->buffer, READ_BUFFER_SIZE, G_PRIORITY_DEFAULT,
                             slot->cancellable, read_cb, slot);
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Slot *slot = user_data;
  g_autoptr(GError) error = NULL;

  run_check_stop (slot->target->run);
  slot->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);

  if (slot->stream == NULL)
    {
      slot_fail (slot, error, FALSE);
      return;
    }

  g_input_stream_read_async (slot->stream, slot->buffer, READ_BUFFER_SIZE, G_PRIORITY_DEFAULT,
                             slot->cancellable, read_cb, slot);
}

static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  return TRUE;  /* only connected with plan->insecure */
}

static gboolean
slot_timer_cb (gpointer data)
{
  Slot *slot = data;

  run_check_stop (slot->target->run);
  /* A source found ready is dispatched even if the request it was armed for ended earlier in
   * the same iteration; it must not time out the request that took its slot since. */
  if (slot->state == SLOT_IDLE)
    return G_SOURCE_CONTINUE;
  if (g_get_monotonic_time () < slot->due_us)
    {
      slot_arm (slot, slot->due_us == G_MAXINT64 ? -1 : slot->due_us);
      return G_SOURCE_CONTINUE;
    }

  if (slot->state == SLOT_BACKOFF)
    {
      slot_next (slot);
    }
  else if (slot->state == SLOT_BUSY)
    {
      slot->timed_out = TRUE;
      g_cancellable_cancel (slot->cancellable);
    }

  return G_SOURCE_CONTINUE;
}

static void
slot_send (Slot   *slot,
           gint64  intended_us,
           gint64  now_us)
{
  Target *target = slot->target;
  Run *run = target->run;
  const Template *tmpl = target->tmpl;
  SoupMessageHeaders *headers;

  g_assert (slot->state == SLOT_IDLE);

  /* A cancelled cancellable may still be watched by libsoup's abandoned work: replace it. */
  if (g_cancellable_is_cancelled (slot->cancellable))
    {
      g_object_unref (slot->cancellable);
      slot->cancellable = g_cancellable_new ();
    }

  slot->msg = soup_message_new_from_uri (tmpl->request->method, tmpl->uri);
  soup_message_add_flags (slot->msg, SOUP_MESSAGE_COLLECT_METRICS | SOUP_MESSAGE_NO_REDIRECT);
  if (tmpl->body != NULL)
    soup_message_set_request_body_from_bytes (slot->msg, NULL, tmpl->body);
  headers = soup_message_get_request_headers (slot->msg);
  for (guint i = 0; i < tmpl->request->n_headers; i++)
    soup_message_headers_append (headers, tmpl->request->names[i], tmpl->request->values[i]);
  /* here, not as the session's "user-agent", which would replace the plan's */
  if (!tmpl->request->has_agent)
    soup_message_headers_append (headers, "User-Agent", vs_user_agent ());
  if (run->insecure)
    g_signal_connect (slot->msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), NULL);

  slot->state = SLOT_BUSY;
  slot->intended_us = intended_us;
  slot->sent_us = now_us;
  slot->body_bytes = 0;
  slot->timed_out = FALSE;
  slot->refused = FALSE;
  memset (slot->events, 0, sizeof slot->events);
  slot->tcp_connect_us = 0;
  target->n_busy++;
  run->n_busy++;
  if (slot->conn->fresh && !slot->conn->opening)
    {
      slot->conn->opening = TRUE;
      run->n_opening++;
    }

  if (!target->open)
    vs_worker_target_note_send (run->job, target->wt, now_us);
  vs_stats_record_send (vs_worker_stats (run->job, run->worker, target->local, intended_us),
                        intended_us, now_us,
                        tmpl->head_estimate + (tmpl->body != NULL ? g_bytes_get_size (tmpl->body)
                                                                  : 0));

  slot_arm (slot, run->timeout_us > 0 ? now_us + run->timeout_us : -1);

  soup_session_send_async (slot->conn->session, slot->msg, G_PRIORITY_DEFAULT,
                           slot->cancellable, send_cb, slot);
}

/* Is the slot's connection among those the stages want busy at now_us? If not, the slot stays
 * idle until target_stage_cb() finds the level wants it again. */
static gboolean
slot_in_stage (Slot   *slot,
               gint64  now_us)
{
  Target *target = slot->target;
  Run *run = target->run;
  guint conn = (guint) (slot->conn - target->conns);

  if (!target->wt->staged ||
      conn < vs_worker_target_active (run->job, run->worker, target->local, now_us))
    return TRUE;
  target->stage_from = MIN (target->stage_from, conn);
  return FALSE;
}

/* The slot is free (or its back-off ended): closed model sends again, open model lets the
 * target's schedule use it. */
static void
slot_next (Slot *slot)
{
  Target *target = slot->target;
  Run *run = target->run;

  if (slot->state == SLOT_BACKOFF)
    {
      slot_arm (slot, -1);
      slot->state = SLOT_IDLE;
      target->n_busy--;
      run->n_busy--;
    }

  if (run->stopping)
    return;

  if (target->open)
    {
      target_pump (target);
    }
  else if (slot_may_send (slot))
    {
      gint64 now_us = g_get_monotonic_time ();

      if (vs_worker_target_may_send (run->job, target->wt, now_us) &&
          slot_in_stage (slot, now_us))
        slot_send (slot, now_us, now_us);
    }
}

/* Closed model with stages */

/* Every VS_STAGE_FOLLOW_US: the connections a rising level wants busy again start, each with
 * all its slots that may send. A falling level needs nothing here: a connection no longer
 * wanted goes idle as its requests end (slot_next()). */
static gboolean
target_stage_cb (gpointer data)
{
  Target *target = data;
  Run *run = target->run;
  VsJob *job = run->job;
  gint64 now_us = g_get_monotonic_time ();
  guint active;

  if (run_check_stop (run) || vs_job_is_over (job, now_us))
    return G_SOURCE_CONTINUE;

  active = vs_worker_target_active (job, run->worker, target->local, now_us);
  if (active > target->stage_from)
    {
      guint from = target->stage_from;

      /* slot_next() lowers it again for a slot whose connection the level no longer wants */
      target->stage_from = active;
      for (guint s = from * target->streams; s < active * target->streams; s++)
        if (target->slots[s].state == SLOT_IDLE)
          slot_next (&target->slots[s]);
    }

  g_source_set_ready_time (target->schedule, now_us + VS_STAGE_FOLLOW_US);
  return G_SOURCE_CONTINUE;
}

/* Open model */

static Slot *
target_free_slot (Target *target)
{
  for (guint i = 0; i < target->n_slots; i++)
    if (target->slots[i].state == SLOT_IDLE && slot_may_send (&target->slots[i]))
      return &target->slots[i];
  return NULL;
}

/* Sends every due schedule entry a free slot can take (the backlog first: it is simply the
 * part of the schedule already in the past), then sets the timer for the next one — or
 * leaves it off while every slot is busy, until a slot frees and calls here again. */
static void
target_pump (Target *target)
{
  Run *run = target->run;
  VsJob *job = run->job;
  gint64 now_us = g_get_monotonic_time ();
  gint64 next_us = -1;

  while (!run->stopping)
    {
      gint64 intended_us = vs_worker_target_next_due (job, run->worker, target->local, now_us);
      Slot *slot;

      if (intended_us == G_MAXINT64)
        break;

      if (intended_us > now_us)
        {
          next_us = intended_us;
          break;
        }

      slot = target_free_slot (target);
      if (slot == NULL)
        {
          /* the in-flight cap holds the backlog until a slot frees, or until the end of the
           * run, when what is left is counted as unsent */
          vs_worker_target_at_cap (target->wt, now_us);
          break;
        }

      vs_worker_target_take_due (job, run->worker, target->local, intended_us, now_us);
      slot_send (slot, intended_us, now_us);
      now_us = g_get_monotonic_time ();
    }

  /* the end of the run closes the schedule even while every slot is busy */
  if (job->measure_end_us != 0 && !target->wt->schedule_done)
    next_us = next_us < 0 ? job->measure_end_us : MIN (next_us, job->measure_end_us);
  g_source_set_ready_time (target->schedule, next_us);
}

static gboolean
target_schedule_cb (gpointer data)
{
  Target *target = data;

  if (!run_check_stop (target->run))
    target_pump (target);
  return G_SOURCE_CONTINUE;
}

/* The worker */

static gboolean
run_is_done (Run *run)
{
  gint64 now_us = g_get_monotonic_time ();

  if (run->n_busy > 0)
    return FALSE;

  for (guint i = 0; i < run->n_targets; i++)
    {
      Target *target = &run->targets[i];

      if (target->n_slots > 0 && !vs_worker_target_spent (run->job, target->wt, now_us))
        return FALSE;
    }

  return TRUE;
}

static gboolean
open_timer_cb (gpointer data)
{
  Run *run = data;

  run_open_next (run, run->opened_last);
  return G_SOURCE_CONTINUE;
}

/* The session of one connection. */
static SoupSession *
session_new (const Template *tmpl)
{
  g_autoptr(SoupSession) session = NULL;

  /* Both limits are construct-only (libsoup's defaults are 10 and 2): one connection at a
   * time, so that a connection of the plan is one TCP connection on every protocol (a new one
   * only when the server closed the last). */
  session = g_object_new (SOUP_TYPE_SESSION,
                          "max-conns", 1,
                          "max-conns-per-host", 1,
                          "timeout", 0,
                          "idle-timeout", 0,
                          tmpl->framing != NULL ? "proxy-resolver" : NULL, tmpl->framing,
                          NULL);

  /* Send exactly the headers the plan asks for, as the native engine does: no
   * Accept-Encoding, no decompression cost on our side. */
  soup_session_remove_feature_by_type (session, SOUP_TYPE_CONTENT_DECODER);

  return g_steal_pointer (&session);
}

/* One target of the worker: its connections (a session each) and their slots, on the worker's
 * context; *next_buffer: the next of the run's read buffers. */
static void
target_init (Run      *run,
             Target   *target,
             guint     local,
             guint     streams,
             guint    *next_buffer)
{
  gboolean https;

  target->run = run;
  target->local = local;
  target->wt = &run->worker->targets[local];
  target->tmpl = &soup_job (run->job)->templates[local];
  target->open = run->job->plan->load.model == VS_LOAD_OPEN;
  https = g_ascii_strcasecmp (g_uri_get_scheme (target->tmpl->uri), "https") == 0;
  target->n_conns = target->wt->connections;
  target->conns = g_new0 (Conn, target->n_conns);
  target->streams = streams;
  target->n_slots = target->n_conns * streams;
  target->slots = g_new0 (Slot, target->n_slots);

  for (guint c = 0; c < target->n_conns; c++)
    {
      target->conns[c].session = session_new (target->tmpl);
      /* one stream needs no probing: it always may send */
      target->conns[c].mode = streams > 1 ? CONN_PROBING : CONN_STREAMS;
      target->conns[c].fresh = https;
    }

  for (guint s = 0; s < target->n_slots; s++)
    {
      Slot *slot = &target->slots[s];

      slot->target = target;
      slot->conn = &target->conns[s / streams];
      slot->stream_index = s % streams;
      slot->cancellable = g_cancellable_new ();
      slot->timer = timer_new (run->context, slot_timer_cb, slot);
      slot->buffer = run->buffers + (gsize) (*next_buffer)++ * READ_BUFFER_SIZE;
    }

  if (target->open && target->n_slots > 0)
    target->schedule = timer_new (run->context, target_schedule_cb, target);
  else if (target->wt->staged && target->n_slots > 0)
    target->schedule = timer_new (run->context, target_stage_cb, target);
  target->stage_from = target->n_conns;
}

/* Everything the worker's loop needs, made once, before any request. */
static void
run_init (Run      *run,
          VsJob    *job,
          VsWorker *worker)
{
  guint streams = MAX (job->plan->load.streams, 1);
  guint n_slots = 0, next = 0;

  run->job = job;
  run->worker = worker;
  run->context = soup_job (job)->contexts[worker->index];
  run->insecure = job->plan->insecure;
  run->timeout_us = job->plan->load.timeout_us;
  run->n_targets = worker->n_targets;
  run->targets = g_new0 (Target, worker->n_targets);

  for (guint i = 0; i < worker->n_targets; i++)
    n_slots += worker->targets[i].connections * streams;
  run->buffers = g_malloc ((gsize) n_slots * READ_BUFFER_SIZE);

  run->open_timer = timer_new (run->context, open_timer_cb, run);

  for (guint i = 0; i < worker->n_targets; i++)
    target_init (run, &run->targets[i], i, streams, &next);
}

/* The first sends, once every target is set up, so that none gets a head start. */
static void
run_start (Run *run)
{
  for (guint i = 0; i < run->n_targets; i++)
    {
      Target *target = &run->targets[i];

      if (target->open && target->n_slots > 0)
        target_pump (target);
      else
        for (guint s = 0; s < target->n_slots; s++)
          slot_next (&target->slots[s]);
      if (target->wt->staged && target->n_slots > 0)
        target_stage_cb (target);
    }
}

/* The worker's figures are final: what is in flight is counted as a timeout if the drain after
 * the end expired (as the native engine counts it), and nothing else is, from now on
 * (run->stopping). Returns once the job lets the worker tear down (vs_worker_settle()). */
static void
run_settle (Run *run)
{
  gboolean expired = g_atomic_int_get (&run->job->expired);

  g_assert (!run->stopping);
  run->stopping = TRUE;
  for (guint i = 0; i < run->n_targets && expired; i++)
    {
      Target *target = &run->targets[i];

      for (guint s = 0; s < target->n_slots; s++)
        if (target->slots[s].state == SLOT_BUSY)
          vs_stats_record_failure (vs_worker_stats (run->job, run->worker, i,
                                                    target->slots[s].intended_us),
                                   VS_ERROR_CLASS_TIMEOUT, 0);
    }
  vs_worker_settle (run->job, run->worker);
}

/* Called from the callbacks, before they record anything: the loop syncs and sees a stop only
 * between two iterations of its main context, and one iteration in which libsoup opens or
 * reads a few thousand connections takes a second of CPU or more. Acknowledging the epoch and
 * settling here keeps the controller's collect, and so each tick and the report, from waiting
 * for the rest of it. Nothing may be recorded after this returns TRUE. */
static gboolean
run_check_stop (Run *run)
{
  if (run->stopping)
    return TRUE;
  vs_worker_sync (run->job, run->worker);
  if (vs_job_should_stop (run->job))
    run_settle (run);
  return run->stopping;
}

/* Loads until the job stops or every target is spent with nothing in flight. */
static void
run_loop (Run *run)
{
  for (;;)
    {
      vs_worker_sync (run->job, run->worker);

      if (vs_job_should_stop (run->job) || run_is_done (run))
        break;

      g_main_context_iteration (run->context, TRUE);
    }
}

/* Abandons what is in flight. First the figures are made final (run_settle()), so that the
 * controller reports without waiting for the rest; then every request is cancelled and every
 * callback let run so that nothing refers to the slots any more: libsoup finishing a few
 * thousand messages takes seconds of CPU. */
static void
run_abandon (Run *run)
{
  if (!run->stopping)
    run_settle (run);

  for (guint i = 0; i < run->n_targets; i++)
    {
      Target *target = &run->targets[i];

      timer_destroy (&target->schedule);
      for (guint s = 0; s < target->n_slots; s++)
        {
          Slot *slot = &target->slots[s];

          if (slot->state == SLOT_BACKOFF)
            slot_next (slot);
          else if (slot->state == SLOT_BUSY)
            g_cancellable_cancel (slot->cancellable);
        }
    }

  while (run->n_busy > 0)
    g_main_context_iteration (run->context, TRUE);
}

/* Closes the sessions, lets libsoup finish with them, and frees what run_init() made. */
static void
run_clear (Run *run)
{
  for (guint i = 0; i < run->n_targets; i++)
    for (guint c = 0; c < run->targets[i].n_conns; c++)
      {
        soup_session_abort (run->targets[i].conns[c].session);
        g_clear_object (&run->targets[i].conns[c].session);
      }
  while (g_main_context_iteration (run->context, FALSE))
    ;

  for (guint i = 0; i < run->n_targets; i++)
    {
      Target *target = &run->targets[i];

      for (guint s = 0; s < target->n_slots; s++)
        {
          timer_destroy (&target->slots[s].timer);
          g_clear_object (&target->slots[s].cancellable);
        }
      g_free (target->slots);
      g_free (target->conns);
    }
  timer_destroy (&run->open_timer);
  g_free (run->targets);
  g_free (run->buffers);
}

static void
soup_run_worker (VsEngine *engine,
                 VsJob    *job,
                 VsWorker *worker)
{
  GMainContext *context = soup_job (job)->contexts[worker->index];
  Run run = { 0 };

  g_main_context_push_thread_default (context);
  hooks_install ();
  worker_run = &run;

  run_init (&run, job, worker);
  run_start (&run);
  run_loop (&run);
  run_abandon (&run);
  run_clear (&run);

  worker_run = NULL;
  g_main_context_pop_thread_default (context);
}

/* The engine */

static void
soup_job_free (SoupJob *sj)
{
  for (guint i = 0; i < sj->n_templates; i++)
    template_clear (&sj->templates[i]);
  for (guint w = 0; w < sj->n_workers; w++)
    g_main_context_unref (sj->contexts[w]);
  g_free (sj->templates);
  g_free (sj->contexts);
  g_free (sj);
}

static void
soup_wake_worker (VsEngine *engine,
                  VsJob    *job,
                  VsWorker *worker)
{
  SoupJob *sj = soup_job (job);

  if (sj != NULL)
    g_main_context_wakeup (sj->contexts[worker->index]);
}

static void
soup_release (VsEngine *engine,
              VsJob    *job)
{
  g_clear_pointer ((SoupJob **) &job->engine_job, soup_job_free);
}

/* One template per target, shared by the workers (on the controller thread: the framing
 * check asks the machine's proxy settings); a main context per worker. */
static gboolean
soup_prepare (VsEngine  *engine,
              VsJob     *job,
              GError   **error)
{
  SoupJob *sj = g_new0 (SoupJob, 1);

  sj->templates = g_new0 (Template, job->n_targets);
  for (guint t = 0; t < job->n_targets; t++)
    {
      template_init (&sj->templates[t], vs_plan_get_target (job->plan, job->plan_indices[t]));
      sj->n_templates++;
    }
  sj->contexts = g_new0 (GMainContext *, job->n_workers);
  for (guint w = 0; w < job->n_workers; w++)
    {
      sj->contexts[w] = g_main_context_new ();
      sj->n_workers++;
    }

  job->engine_job = &sj->parent;
  return TRUE;
}

/* Measured: -c 5000 against nginx grew the resident set by ~35 KB per connection (its
 * SoupSession, the connection's GIO objects, a slot's read buffer and sources); a slot more per
 * HTTP/2 stream. */
static guint64
soup_connection_bytes (VsEngine     *engine,
                       const VsPlan *plan)
{
  return 48 * 1024 + (guint64) MAX (plan->load.streams, 1) * (READ_BUFFER_SIZE + 4096);
}

static const VsEngineOps soup_ops = {
  .name = "soup",
  .timings = VS_TIMINGS_ALL,
  .connection_bytes = soup_connection_bytes,
  .prepare = soup_prepare,
  .run_worker = soup_run_worker,
  .wake_worker = soup_wake_worker,
  .release = soup_release,
};

VsEngine *
vs_engine_soup_new (void)
{
  return vs_engine_new (&soup_ops, sizeof (VsEngine));
}
