/* vs-engine-native.c: HTTP/1.1 over non-blocking sockets, one epoll loop per worker thread
 *
 * Each target's request is serialised once in prepare; the workers only ever write those bytes
 * (pipelined requests are written with one sendmsg over repeated iovecs). A worker owns its
 * connections and, per connection, a ring of in-flight slots (intended and actual send time),
 * all allocated when the worker starts, so the loop never allocates, locks or touches a GObject.
 *
 * Responses are parsed by http-parser, which is paused at the end of every message: the bytes of
 * each response are then counted exactly, and what follows a response (record it, send the next
 * request, reconnect) happens outside the parser's callbacks.
 *
 * Epoll is level-triggered: one recv per readiness is enough for small responses, and EPOLLOUT
 * is only asked for while a write is blocked (edge-triggered measured the same CPU per request
 * against nginx, so the simpler one stays). Timeouts need no timer structure: every request has
 * the same timeout, so deadlines only ever grow; a lower bound of the earliest one is kept and
 * the connections are scanned only when it passes.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <http_parser.h>

#include "vs-engine-native.h"
#include "vs-error.h"
#include "vs-job.h"

/* The longest the loop sleeps without looking at the job (epoch, stop). */
#define MAX_WAIT_US   5000
#define READ_BUF_SIZE (64 * 1024)
#define MAX_EVENTS    256
#define MAX_IOV       64
#define WAKE_ID       G_MAXUINT32
#define NO_CONN       G_MAXUINT32

/* What prepare resolves for a target, shared read-only by the job's workers. */
typedef struct
{
  char                    *head;         /* the request line and headers, with the blank line */
  gsize                    head_len;
  const char              *body;         /* the plan's body bytes, shared, not copied */
  gsize                    body_len;
  GBytes                  *body_bytes;   /* holds body */
  gsize                    request_len;  /* head_len + body_len */
  struct sockaddr_storage  addr;
  socklen_t                addr_len;
  char                    *authority;    /* "host:port", for messages */
  gboolean                 no_body;      /* HEAD: responses carry no body */
} NativeTarget;

/* A worker's own: its epoll set and the eventfd that wakes it. */
typedef struct
{
  int epoll_fd;
  int wake_fd;
} NativeWorker;

/* What prepare makes for a job (job->engine_job), from prepare to release: the targets, read
 * only and shared by the workers, and each worker's own. */
typedef struct
{
  VsEngineJob   parent;
  guint         n_targets;
  NativeTarget *targets;     /* parallel to the job's targets */
  guint         n_workers;
  NativeWorker *workers;     /* by worker index */
} NativeJob;

static inline NativeJob *
native_job (VsJob *job)
{
  return (NativeJob *) job->engine_job;
}

/* ---- the worker's loop ------------------------------------------------------------------ */

typedef enum
{
  CONN_CLOSED,
  CONN_CONNECTING,
  CONN_OPEN,
} ConnState;

typedef struct
{
  gint64 intended_us;
  gint64 sent_us;
} Slot;

typedef struct _Loop Loop;

typedef struct
{
  http_parser  parser;        /* parser.data points back here */
  Loop        *loop;
  int          fd;
  guint        target;
  ConnState    state;
  gboolean     reserved;      /* connecting for a send already counted against the budget */
  gboolean     want_out;      /* EPOLLOUT registered */
  gboolean     ready;         /* in one of its target's ready lists (open model) */
  gboolean     msg_done;      /* the parser paused at the end of a response */
  gboolean     msg_started;   /* a response's first byte arrived */
  gboolean     keep_alive;    /* of the last complete response */
  guint        status;
  guint        head;          /* slot of the oldest request in flight */
  guint        in_flight;
  guint        ready_level;   /* the ready list it is in: its in_flight when it was put there */
  guint        ready_prev;    /* neighbours in that list, or NO_CONN */
  guint        ready_next;
  guint        unwritten;     /* the newest in-flight requests not completely written */
  gsize        write_off;     /* into the first unwritten request */
  guint64      msg_bytes;     /* of the response being read */
  gint64       reserved_intended_us;
  gint64       connect_start_us;
  gint64       retry_at_us;   /* closed model: no connect before this */
  Slot        *slots;         /* pipeline of them */
} Conn;

typedef struct
{
  const NativeTarget *nt;
  VsWorkerTarget     *wt;
  guint               first;      /* its connections: conns[first … first + n) */
  guint               n;
  /* open model: the connections that can take a request, in lists by requests in flight
   * (ready[k]: the first of those with k, or NO_CONN; k < pipeline), so that a send goes to
   * an idle connection first and is only pipelined behind others when none is */
  guint              *ready;
  guint               n_ready;
  guint               ready_min;  /* no list below it holds a connection */
  guint               n_closed;
  guint               in_flight;  /* requests in flight and reserved connects */
  gboolean            noted;      /* the first error was passed to the job */
} TargetState;

struct _Loop
{
  VsJob        *job;
  VsWorker     *worker;
  NativeWorker *nw;
  gboolean      open_model;
  guint         pipeline;
  gint64        timeout_us;     /* 0: none */
  gint64        next_check_us;  /* no deadline passes before this */
  gint64        now_us;         /* when the data being parsed was read */
  Conn         *conns;
  guint         n_conns;
  TargetState  *ts;
  Slot         *slots;          /* pipeline per connection */
  guint        *ready;          /* the targets' ready lists' heads, pipeline per target */
  char         *buf;
};

static inline gint64
now_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* Where to record for c's target what was meant to happen at intended_us (see vs-job.h). */
static inline VsStats *
conn_stats (Loop   *loop,
            Conn   *c,
            gint64  intended_us)
{
  return vs_worker_stats (loop->job, loop->worker, c->target, intended_us);
}

/* Only the first error of a target reaches the job, so the message is formatted once. */
static void G_GNUC_PRINTF (3, 4)
note_error (Loop       *loop,
            guint       target,
            const char *format,
            ...)
{
  TargetState *ts = &loop->ts[target];
  g_autofree char *message = NULL;
  va_list args;

  if (ts->noted)
    return;
  ts->noted = TRUE;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  vs_job_note_error (loop->job, ts->wt->index, message);
}

static void
ready_unlink (Loop *loop,
              Conn *c)
{
  TargetState *ts = &loop->ts[c->target];

  if (c->ready_prev != NO_CONN)
    loop->conns[c->ready_prev].ready_next = c->ready_next;
  else
    ts->ready[c->ready_level] = c->ready_next;
  if (c->ready_next != NO_CONN)
    loop->conns[c->ready_next].ready_prev = c->ready_prev;
}

static void
ready_remove (Loop *loop,
              Conn *c)
{
  if (!c->ready)
    return;
  ready_unlink (loop, c);
  c->ready = FALSE;
  loop->ts[c->target].n_ready--;
}

/* Puts c in the ready list for its requests in flight (first, so the lists are stacks: the
 * connection used last is used next), or takes it out when its pipeline is full. */
static void
ready_push (Loop *loop,
            Conn *c)
{
  TargetState *ts = &loop->ts[c->target];
  guint index = c - loop->conns;

  if (c->in_flight >= loop->pipeline)
    {
      ready_remove (loop, c);
      return;
    }
  if (c->ready)
    {
      if (c->ready_level == c->in_flight)
        return;
      ready_unlink (loop, c);
    }
  else
    {
      c->ready = TRUE;
      ts->n_ready++;
    }

  c->ready_level = c->in_flight;
  ts->ready_min = MIN (ts->ready_min, c->ready_level);
  c->ready_prev = NO_CONN;
  c->ready_next = ts->ready[c->ready_level];
  if (c->ready_next != NO_CONN)
    loop->conns[c->ready_next].ready_prev = index;
  ts->ready[c->ready_level] = index;
}

/* The ready connection with the fewest requests in flight, or NULL. */
static Conn *
ready_pick (Loop        *loop,
            TargetState *ts)
{
  if (ts->n_ready == 0)
    return NULL;
  /* the scan only passes lists that emptied since the last one */
  for (; ts->ready_min < loop->pipeline; ts->ready_min++)
    if (ts->ready[ts->ready_min] != NO_CONN)
      return &loop->conns[ts->ready[ts->ready_min]];
  g_assert_not_reached ();
  return NULL;
}

static void
arm_deadline (Loop   *loop,
              gint64  start_us)
{
  /* Deadlines grow with time, so a later one never lowers the bound. */
  if (loop->timeout_us > 0 && loop->next_check_us == G_MAXINT64)
    loop->next_check_us = start_us + loop->timeout_us;
}

static void
set_want_out (Loop     *loop,
              Conn     *c,
              gboolean  want_out)
{
  struct epoll_event ev = { .events = EPOLLIN | (want_out ? EPOLLOUT : 0) };

  if (c->want_out == want_out)
    return;
  c->want_out = want_out;
  ev.data.u32 = c - loop->conns;
  epoll_ctl (loop->nw->epoll_fd, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Every request in flight ends with klass; the first gets the bytes of its partial response. */
static void
conn_fail_in_flight (Loop         *loop,
                     Conn         *c,
                     VsErrorClass  klass)
{
  for (guint i = 0; i < c->in_flight; i++)
    {
      const Slot *slot = &c->slots[(c->head + i) % loop->pipeline];

      vs_stats_record_failure (conn_stats (loop, c, slot->intended_us), klass,
                               i == 0 ? c->msg_bytes : 0);
    }
  loop->ts[c->target].in_flight -= c->in_flight;
  c->in_flight = 0;
  c->unwritten = 0;
}

static void
conn_close (Loop *loop,
            Conn *c)
{
  TargetState *ts = &loop->ts[c->target];

  if (c->state == CONN_CLOSED)
    return;

  /* closing the socket also takes it out of the epoll set */
  close (c->fd);
  c->fd = -1;
  ready_remove (loop, c);
  if (c->reserved)
    {
      c->reserved = FALSE;
      ts->in_flight--;
    }
  ts->in_flight -= c->in_flight;
  c->in_flight = 0;
  c->unwritten = 0;
  c->write_off = 0;
  c->head = 0;
  c->msg_bytes = 0;
  c->msg_started = FALSE;
  c->want_out = FALSE;
  c->state = CONN_CLOSED;
  ts->n_closed++;
}

/* The connection broke with requests in flight: they fail, and it is closed. why: for the
 * target's first error, or NULL when the caller noted it. */
static void
conn_break (Loop         *loop,
            Conn         *c,
            VsErrorClass  klass,
            const char   *why)
{
  if (c->in_flight > 0)
    {
      if (why != NULL)
        note_error (loop, c->target, "%s: %s", loop->ts[c->target].nt->authority, why);
      conn_fail_in_flight (loop, c, klass);
    }
  conn_close (loop, c);
}

/* The connect failed (klass VS_ERROR_CLASS_CONNECT) or was still going when the timeout passed
 * (VS_ERROR_CLASS_TIMEOUT: the request it was for got no response in time); either way the
 * connection waits out the back-off before it tries again. */
static void
conn_connect_failed (Loop         *loop,
                     Conn         *c,
                     VsErrorClass  klass,
                     const char   *why)
{
  TargetState *ts = &loop->ts[c->target];

  note_error (loop, c->target, _("connect to %s: %s"), ts->nt->authority, why);
  c->retry_at_us = now_us () + VS_CONNECT_BACKOFF_US;
  if (c->reserved)
    {
      gint64 meant_us = loop->open_model ? c->reserved_intended_us : now_us ();

      vs_stats_record_failure (conn_stats (loop, c, meant_us), klass, 0);
      c->reserved = FALSE;
      ts->in_flight--;
    }
  if (c->state == CONN_CLOSED)
    return;
  conn_close (loop, c);
}

/* Starts a connection; reserved: for a send already counted, meant to leave at intended_us. */
static void
conn_connect (Loop     *loop,
              Conn     *c,
              gboolean  reserved,
              gint64    intended_us)
{
  TargetState *ts = &loop->ts[c->target];
  const NativeTarget *nt = ts->nt;
  struct epoll_event ev = { .events = EPOLLOUT };
  int one = 1;
  int fd;

  g_assert (c->state == CONN_CLOSED);

  c->reserved = reserved;
  c->reserved_intended_us = intended_us;
  if (reserved)
    ts->in_flight++;

  fd = socket (nt->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd < 0)
    {
      conn_connect_failed (loop, c, VS_ERROR_CLASS_CONNECT, g_strerror (errno));
      return;
    }
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  c->connect_start_us = now_us ();
  if (connect (fd, (const struct sockaddr *) &nt->addr, nt->addr_len) != 0 &&
      errno != EINPROGRESS)
    {
      int saved = errno;

      close (fd);
      conn_connect_failed (loop, c, VS_ERROR_CLASS_CONNECT, g_strerror (saved));
      return;
    }

  /* even a connect that finished at once is taken up by the EPOLLOUT it raises */
  ev.data.u32 = c - loop->conns;
  if (epoll_ctl (loop->nw->epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0)
    {
      int saved = errno;

      close (fd);
      conn_connect_failed (loop, c, VS_ERROR_CLASS_CONNECT, g_strerror (saved));
      return;
    }

  c->fd = fd;
  c->state = CONN_CONNECTING;
  c->want_out = TRUE;
  ts->n_closed--;
  arm_deadline (loop, c->connect_start_us);
}

/* Queues one request (its send is already counted against the budget); conn_flush writes. */
static void
conn_queue (Loop   *loop,
            Conn   *c,
            gint64  intended_us,
            gint64  sent_us)
{
  TargetState *ts = &loop->ts[c->target];
  guint index = c->head + c->in_flight;
  Slot *slot = &c->slots[index >= loop->pipeline ? index - loop->pipeline : index];

  slot->intended_us = intended_us;
  slot->sent_us = sent_us;
  c->in_flight++;
  c->unwritten++;
  ts->in_flight++;
  vs_stats_record_send (conn_stats (loop, c, intended_us), intended_us, sent_us,
                        ts->nt->request_len);
  arm_deadline (loop, sent_us);
}

/* The iovecs of the queued requests, the first from write_off on (head and body are two parts
 * of each request; the body is the plan's, shared by every connection). */
static guint
conn_iov (const NativeTarget *nt,
          const Conn         *c,
          struct iovec       *iov)
{
  gsize off = c->write_off;
  guint n = 0;

  for (guint r = 0; r < c->unwritten && n + 2 <= MAX_IOV; r++, off = 0)
    {
      if (off < nt->head_len)
        {
          iov[n].iov_base = nt->head + off;
          iov[n++].iov_len = nt->head_len - off;
          off = nt->head_len;
        }
      if (nt->body_len > 0)
        {
          iov[n].iov_base = (char *) nt->body + (off - nt->head_len);
          iov[n++].iov_len = nt->request_len - off;
        }
    }
  return n;
}

/* Writes what is queued, as far as the socket takes it. FALSE when the connection broke. */
static gboolean
conn_flush (Loop *loop,
            Conn *c)
{
  const NativeTarget *nt = loop->ts[c->target].nt;

  while (c->unwritten > 0)
    {
      ssize_t n;

      if (c->unwritten == 1 && nt->body_len == 0)
        {
          n = send (c->fd, nt->head + c->write_off, nt->head_len - c->write_off, MSG_NOSIGNAL);
        }
      else
        {
          struct iovec iov[MAX_IOV];
          struct msghdr msg = { .msg_iov = iov };

          msg.msg_iovlen = conn_iov (nt, c, iov);
          n = sendmsg (c->fd, &msg, MSG_NOSIGNAL);
        }

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == EAGAIN || errno == EWOULDBLOCK)
            {
              set_want_out (loop, c, TRUE);
              return TRUE;
            }
          conn_break (loop, c, VS_ERROR_CLASS_IO, g_strerror (errno));
          return FALSE;
        }

      c->write_off += n;
      c->unwritten -= c->write_off / nt->request_len;
      c->write_off %= nt->request_len;
    }

  set_want_out (loop, c, FALSE);
  return TRUE;
}

/* Closed model: keep the connection's pipeline full while the budget allows. */
static gboolean
conn_fill (Loop *loop,
           Conn *c)
{
  VsWorkerTarget *wt = loop->ts[c->target].wt;
  gint64 now = now_us ();

  /* stages: a connection beyond the planned number stays idle (closed_staged_fill) */
  if (wt->staged && (guint) (c - loop->conns) - loop->ts[c->target].first >=
                    vs_worker_target_active (loop->job, loop->worker, c->target, now))
    return conn_flush (loop, c);

  while (c->in_flight < loop->pipeline && vs_worker_target_may_send (loop->job, wt, now))
    {
      vs_worker_target_note_send (loop->job, wt, now);
      conn_queue (loop, c, now, now);
    }

  return conn_flush (loop, c);
}

/* After a response or a new connection: what the load model does next with it. */
static void
conn_idle (Loop *loop,
           Conn *c)
{
  if (!loop->open_model)
    conn_fill (loop, c);
  else
    ready_push (loop, c);
}

static void
conn_connected (Loop *loop,
                Conn *c)
{
  TargetState *ts = &loop->ts[c->target];
  VsStats *stats;
  int error = 0;
  socklen_t len = sizeof error;
  gint64 now;

  if (getsockopt (c->fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0)
    error = errno;
  if (error != 0)
    {
      conn_connect_failed (loop, c, VS_ERROR_CLASS_CONNECT, g_strerror (error));
      return;
    }

  now = now_us ();
  c->state = CONN_OPEN;
  stats = conn_stats (loop, c, now);
  stats->counters.connects++;
  vs_stats_record_timing (stats, VS_TIMING_CONNECT,
                          vs_engine_connect_time (c->fd, now - c->connect_start_us));
  http_parser_init (&c->parser, HTTP_RESPONSE);
  c->parser.data = c;

  if (c->reserved)
    {
      c->reserved = FALSE;
      ts->in_flight--;
      conn_queue (loop, c, loop->open_model ? c->reserved_intended_us : now, now);
    }

  if (!loop->open_model)
    conn_fill (loop, c);
  else if (conn_flush (loop, c))
    ready_push (loop, c);
}

/* ---- responses ---- */

static int
on_message_begin (http_parser *parser)
{
  Conn *c = parser->data;

  /* a response nobody asked for: the connection is out of step */
  if (c->in_flight == 0)
    return 1;

  if (!c->msg_started)
    {
      c->msg_started = TRUE;
      vs_stats_record_timing (conn_stats (c->loop, c, c->slots[c->head].intended_us),
                              VS_TIMING_FIRST_BYTE, c->loop->now_us - c->slots[c->head].sent_us);
    }
  return 0;
}

static int
on_headers_complete (http_parser *parser)
{
  Conn *c = parser->data;

  c->status = parser->status_code;
  /* 1: no body follows, whatever Content-Length says (RFC 9112 §6.3: HEAD, 1xx, 204, 304) */
  return c->loop->ts[c->target].nt->no_body || c->status < 200 || c->status == 204 ||
         c->status == 304;
}

static int
on_message_complete (http_parser *parser)
{
  Conn *c = parser->data;

  /* an interim 1xx is followed by the real response to the same request */
  if (c->status >= 100 && c->status < 200 && c->status != 101)
    return 0;

  c->keep_alive = http_should_keep_alive (parser);
  c->msg_done = TRUE;
  http_parser_pause (parser, 1);
  return 0;
}

static const http_parser_settings parser_settings = {
  .on_message_begin = on_message_begin,
  .on_headers_complete = on_headers_complete,
  .on_message_complete = on_message_complete,
};

/* The oldest request got its whole response. FALSE when the connection was closed. */
static gboolean
conn_complete (Loop *loop,
               Conn *c)
{
  TargetState *ts = &loop->ts[c->target];
  Slot *slot = &c->slots[c->head];
  VsStats *stats = conn_stats (loop, c, slot->intended_us);

  vs_stats_record_response (stats, &ts->wt->target->status_rule,
                            c->status, slot->intended_us, slot->sent_us, loop->now_us,
                            c->msg_bytes);
  vs_stats_record_protocol (stats, c->parser.http_major == 1 && c->parser.http_minor == 0
                                   ? VS_PROTOCOL_HTTP_1_0 : VS_PROTOCOL_HTTP_1_1);
  c->msg_bytes = 0;
  c->msg_started = FALSE;
  c->head = c->head + 1 == loop->pipeline ? 0 : c->head + 1;
  c->in_flight--;
  ts->in_flight--;

  /* answered before it was completely sent (a server refusing a large body): the rest of it
   * can no longer go on this connection */
  if (c->unwritten > c->in_flight)
    c->keep_alive = FALSE;

  if (!c->keep_alive)
    {
      conn_break (loop, c, VS_ERROR_CLASS_IO,
                  _("the server closed the connection with pipelined requests unanswered"));
      return FALSE;
    }
  return TRUE;
}

/* Feeds len bytes (0: the server closed) to the parser. FALSE when the connection was closed. */
static gboolean
conn_parse (Loop       *loop,
            Conn       *c,
            const char *data,
            gsize       len)
{
  gboolean eof = len == 0;

  do
    {
      gsize parsed = http_parser_execute (&c->parser, &parser_settings, data, len);
      enum http_errno error = HTTP_PARSER_ERRNO (&c->parser);

      /* at the end of the stream http-parser reports 1 "parsed" byte in some states
       * (HPE_INVALID_EOF_STATE); no byte arrived, so none is counted */
      if (!eof)
        c->msg_bytes += parsed;
      if (c->msg_done)
        {
          c->msg_done = FALSE;
          http_parser_pause (&c->parser, 0);
          if (!conn_complete (loop, c))
            return FALSE;
          data += parsed;
          len -= parsed;
          continue;
        }

      if (error != HPE_OK)
        {
          /* a close before the response ended is not the server's syntax */
          if (eof)
            {
              conn_break (loop, c, VS_ERROR_CLASS_IO,
                          _("the connection closed before the response ended"));
            }
          else
            {
              if (c->in_flight > 0)
                note_error (loop, c->target, _("%s: invalid response: %s"),
                            loop->ts[c->target].nt->authority, http_errno_description (error));
              conn_break (loop, c, VS_ERROR_CLASS_IO, NULL);
            }
          return FALSE;
        }
      break;
    }
  while (len > 0);

  return TRUE;
}

static void
conn_readable (Loop *loop,
               Conn *c)
{
  /* bounded, so that one fast connection does not starve the others */
  for (guint round = 0; round < 16; round++)
    {
      ssize_t n = recv (c->fd, loop->buf, READ_BUF_SIZE, 0);

      if (n > 0)
        {
          loop->now_us = now_us ();
          if (!conn_parse (loop, c, loop->buf, n))
            return;
          if (n < READ_BUF_SIZE)
            break;
        }
      else if (n == 0)
        {
          loop->now_us = now_us ();
          /* a close-delimited body ends here; anything else in flight was cut off */
          if (c->in_flight > 0 && !conn_parse (loop, c, NULL, 0))
            return;
          conn_break (loop, c, VS_ERROR_CLASS_IO,
                      _("the server closed the connection before responding"));
          return;
        }
      else if (errno == EINTR)
        {
          continue;
        }
      else if (errno == EAGAIN || errno == EWOULDBLOCK)
        {
          break;
        }
      else
        {
          conn_break (loop, c, VS_ERROR_CLASS_IO, g_strerror (errno));
          return;
        }
    }

  conn_idle (loop, c);
}

static void
conn_event (Loop     *loop,
            Conn     *c,
            guint32   events)
{
  switch (c->state)
    {
    case CONN_CONNECTING:
      conn_connected (loop, c);
      break;

    case CONN_OPEN:
      if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
        {
          conn_readable (loop, c);
          if (c->state != CONN_OPEN)
            break;
        }
      if ((events & EPOLLOUT) && c->want_out && conn_flush (loop, c))
        conn_idle (loop, c);
      break;

    case CONN_CLOSED:
    default:
      /* an event queued before the connection was closed in this round */
      break;
    }
}

/* ---- the loop ---- */

static void
check_timeouts (Loop   *loop,
                gint64  now)
{
  gint64 next = G_MAXINT64;

  for (guint i = 0; i < loop->n_conns; i++)
    {
      Conn *c = &loop->conns[i];
      gint64 deadline;

      if (c->state == CONN_CONNECTING)
        {
          deadline = c->connect_start_us + loop->timeout_us;
          if (deadline <= now)
            conn_connect_failed (loop, c, VS_ERROR_CLASS_TIMEOUT, _("timed out"));
          else
            next = MIN (next, deadline);
        }
      else if (c->state == CONN_OPEN && c->in_flight > 0)
        {
          deadline = c->slots[c->head].sent_us + loop->timeout_us;
          if (deadline <= now)
            {
              note_error (loop, c->target, _("%s: no response within %.3g s"),
                          loop->ts[c->target].nt->authority,
                          loop->timeout_us / (double) G_USEC_PER_SEC);
              /* the requests behind it on this connection go down with it */
              conn_break (loop, c, VS_ERROR_CLASS_TIMEOUT, NULL);
            }
          else
            next = MIN (next, deadline);
        }
    }

  loop->next_check_us = next;
}

/* Closed model with stages: the idle connections the planned level wants busy again. */
static void
closed_staged_fill (Loop        *loop,
                    TargetState *ts,
                    gint64       now)
{
  guint end = ts->first + vs_worker_target_active (loop->job, loop->worker, ts->wt->index, now);

  for (guint i = ts->first; i < end; i++)
    if (loop->conns[i].state == CONN_OPEN && loop->conns[i].in_flight == 0)
      conn_fill (loop, &loop->conns[i]);
}

/* Closed model: connections that are down come back while there is something to send.
 * Returns when a connection waiting after a failed connect may try again (or G_MAXINT64). */
static gint64
closed_reconnect (Loop        *loop,
                  TargetState *ts,
                  gint64       now)
{
  gint64 retry = G_MAXINT64;
  /* stages: only the connections the plan wants busy now */
  guint end = ts->first + (ts->wt->staged ? vs_worker_target_active (loop->job, loop->worker,
                                                                     ts->wt->index, now)
                                          : ts->n);

  for (guint i = ts->first; i < end && ts->n_closed > 0; i++)
    {
      Conn *c = &loop->conns[i];

      if (c->state != CONN_CLOSED)
        continue;
      if (c->retry_at_us > now)
        {
          retry = MIN (retry, c->retry_at_us);
          continue;
        }
      if (!vs_worker_target_may_send (loop->job, ts->wt, now))
        break;
      vs_worker_target_note_send (loop->job, ts->wt, now);
      conn_connect (loop, c, TRUE, now);
    }

  return retry;
}

/* Open model: sends everything due. Returns when the next send is due, G_MAXINT64 when
 * nothing can be sent before a connection frees (the backlog then goes out late). */
static gint64
open_send_due (Loop        *loop,
               TargetState *ts,
               gint64       now)
{
  guint t = ts - loop->ts;

  for (;;)
    {
      gint64 due = vs_worker_target_next_due (loop->job, loop->worker, t, now);
      Conn *c;

      if (due == G_MAXINT64)
        return G_MAXINT64;
      if (due > now)
        {
          /* the end of the run closes the schedule, with the backlog counted as unsent */
          if (loop->job->measure_end_us != 0)
            due = MIN (due, loop->job->measure_end_us);
          return (ts->n_ready > 0 || ts->n_closed > 0) ? due : loop->job->measure_end_us != 0
                                                                ? loop->job->measure_end_us
                                                                : G_MAXINT64;
        }

      /* an idle connection first; then a new one; pipelined behind others only when every
       * connection is busy, and then behind the fewest */
      c = ready_pick (loop, ts);
      if (c != NULL && c->in_flight > 0 && ts->n_closed > 0)
        c = NULL;

      if (c != NULL)
        {
          vs_worker_target_take_due (loop->job, loop->worker, t, due, now);
          conn_queue (loop, c, due, now);
          ready_push (loop, c);
          conn_flush (loop, c);
        }
      else if (ts->n_closed > 0)
        {
          for (guint i = ts->first; i < ts->first + ts->n; i++)
            if (loop->conns[i].state == CONN_CLOSED)
              {
                c = &loop->conns[i];
                break;
              }
          g_assert (c != NULL);
          vs_worker_target_take_due (loop->job, loop->worker, t, due, now);
          conn_connect (loop, c, TRUE, due);
        }
      else
        {
          /* every connection busy: the in-flight cap holds the backlog until one frees (or
           * the end of the run, when what is left becomes unsent) */
          vs_worker_target_at_cap (ts->wt, now);
          return loop->job->measure_end_us != 0 ? loop->job->measure_end_us : G_MAXINT64;
        }
    }
}

static int
wait_events (Loop               *loop,
             struct epoll_event *events,
             gint64              wait_us)
{
  static gboolean no_pwait2 = FALSE;
  int n;

  if (!g_atomic_int_get (&no_pwait2))
    {
      struct timespec ts = { wait_us / G_USEC_PER_SEC, (wait_us % G_USEC_PER_SEC) * 1000 };

      n = epoll_pwait2 (loop->nw->epoll_fd, events, MAX_EVENTS, &ts, NULL);
      if (n >= 0 || errno != ENOSYS)
        return n;
      g_atomic_int_set (&no_pwait2, TRUE);
    }

  /* millisecond resolution: round up so that the loop does not spin */
  return epoll_wait (loop->nw->epoll_fd, events, MAX_EVENTS, (wait_us + 999) / 1000);
}

static void
loop_run (Loop *loop)
{
  VsJob *job = loop->job;
  struct epoll_event events[MAX_EVENTS];

  for (;;)
    {
      gint64 now, wake_at = G_MAXINT64;
      gboolean finished = TRUE;
      int n;

      vs_worker_sync (job, loop->worker);
      if (vs_job_should_stop (job))
        return;

      now = now_us ();
      if (now >= loop->next_check_us)
        check_timeouts (loop, now);

      for (guint t = 0; t < loop->worker->n_targets; t++)
        {
          TargetState *ts = &loop->ts[t];

          if (ts->n == 0)
            continue;
          if (loop->open_model)
            wake_at = MIN (wake_at, open_send_due (loop, ts, now));
          else if (ts->n_closed > 0)
            wake_at = MIN (wake_at, closed_reconnect (loop, ts, now));
          if (ts->wt->staged)
            {
              closed_staged_fill (loop, ts, now);
              wake_at = MIN (wake_at, now + VS_STAGE_FOLLOW_US);
            }

          if (ts->in_flight > 0 || !vs_worker_target_spent (job, ts->wt, now))
            finished = FALSE;
        }
      if (finished)
        return;

      wake_at = MIN (wake_at, loop->next_check_us);
      wake_at = MIN (wake_at, now + MAX_WAIT_US);
      /* the warm-up boundary changes what the budget allows */
      if (now < job->warmup_end_us)
        wake_at = MIN (wake_at, job->warmup_end_us);

      n = wait_events (loop, events, MAX (wake_at - now, 0));
      for (int i = 0; i < n; i++)
        {
          guint32 id = events[i].data.u32;

          if (id == WAKE_ID)
            {
              guint64 value;

              if (read (loop->nw->wake_fd, &value, sizeof value) < 0)
                continue;
            }
          else
            conn_event (loop, &loop->conns[id], events[i].events);
        }
    }
}

/* Everything the worker's loop needs, allocated once: connections, their pipelines of slots,
 * the targets' ready lists, the read buffer. */
static void
loop_init (Loop     *loop,
           VsJob    *job,
           VsWorker *worker)
{
  NativeJob *nj = native_job (job);
  NativeWorker *nw = &nj->workers[worker->index];
  VsLoad *load = &job->plan->load;
  gsize n_ready;
  guint n_conns = 0;

  loop->job = job;
  loop->worker = worker;
  loop->nw = nw;
  loop->open_model = load->model == VS_LOAD_OPEN;
  loop->pipeline = MAX (load->pipeline, 1);
  loop->timeout_us = MAX (load->timeout_us, 0);
  loop->next_check_us = G_MAXINT64;
  loop->ts = g_new0 (TargetState, worker->n_targets);
  loop->buf = g_malloc (READ_BUF_SIZE);

  for (guint t = 0; t < worker->n_targets; t++)
    n_conns += worker->targets[t].connections;

  loop->n_conns = n_conns;
  loop->conns = g_new0 (Conn, MAX (n_conns, 1));
  loop->slots = g_new0 (Slot, (gsize) MAX (n_conns, 1) * loop->pipeline);
  n_ready = (gsize) MAX (worker->n_targets, 1) * loop->pipeline;
  loop->ready = g_new (guint, n_ready);
  for (gsize i = 0; i < n_ready; i++)
    loop->ready[i] = NO_CONN;

  for (guint t = 0, next = 0; t < worker->n_targets; t++)
    {
      TargetState *ts = &loop->ts[t];

      ts->wt = &worker->targets[t];
      ts->nt = &nj->targets[t];
      ts->first = next;
      ts->n = ts->wt->connections;
      ts->ready = loop->ready + (gsize) t * loop->pipeline;
      ts->n_closed = ts->n;

      for (guint i = next; i < next + ts->n; i++)
        {
          Conn *c = &loop->conns[i];

          c->loop = loop;
          c->fd = -1;
          c->target = t;
          c->state = CONN_CLOSED;
          c->slots = loop->slots + (gsize) i * loop->pipeline;
        }
      next += ts->n;
    }
}

/* Every connection opens at once; in the closed model each carries its first request, in the
 * open model they wait, connected, for the schedule. */
static void
loop_open (Loop *loop)
{
  gint64 now = now_us ();

  for (guint t = 0; t < loop->worker->n_targets; t++)
    {
      TargetState *ts = &loop->ts[t];

      if (loop->open_model)
        {
          for (guint i = ts->first; i < ts->first + ts->n; i++)
            conn_connect (loop, &loop->conns[i], FALSE, 0);
        }
      else
        closed_reconnect (loop, ts, now);
    }
}

/* Done: nothing is in flight. Stopped: what is still in flight is abandoned, not counted —
 * unless the drain after the end ran out of time: then it timed out. With that the figures are
 * final (the worker settles); then the connections close and what loop_init() made is freed. */
static void
loop_finish (Loop *loop)
{
  for (guint i = 0; i < loop->n_conns && g_atomic_int_get (&loop->job->expired); i++)
    {
      Conn *c = &loop->conns[i];

      if (c->reserved)
        {
          vs_stats_record_failure (conn_stats (loop, c, c->reserved_intended_us),
                                   VS_ERROR_CLASS_TIMEOUT, 0);
          c->reserved = FALSE;
        }
      if (c->in_flight > 0)
        conn_fail_in_flight (loop, c, VS_ERROR_CLASS_TIMEOUT);
    }
  vs_worker_settle (loop->job, loop->worker);

  for (guint i = 0; i < loop->n_conns; i++)
    if (loop->conns[i].state != CONN_CLOSED)
      close (loop->conns[i].fd);

  g_free (loop->slots);
  g_free (loop->ready);
  g_free (loop->conns);
  g_free (loop->ts);
  g_free (loop->buf);
}

static void
native_run_worker (VsEngine *engine,
                   VsJob    *job,
                   VsWorker *worker)
{
  Loop loop = { 0 };

  /* the open model's sends are timed to the microsecond, not to the default 50 µs slack */
  prctl (PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);

  loop_init (&loop, job, worker);
  loop_open (&loop);
  loop_run (&loop);
  loop_finish (&loop);
}

/* ---- prepare, wake, release ------------------------------------------------------------- */

static void
native_job_free (NativeJob *nj)
{
  for (guint t = 0; t < nj->n_targets; t++)
    {
      g_free (nj->targets[t].head);
      g_clear_pointer (&nj->targets[t].body_bytes, g_bytes_unref);
      g_free (nj->targets[t].authority);
    }
  for (guint w = 0; w < nj->n_workers; w++)
    {
      if (nj->workers[w].epoll_fd >= 0)
        close (nj->workers[w].epoll_fd);
      if (nj->workers[w].wake_fd >= 0)
        close (nj->workers[w].wake_fd);
    }
  g_free (nj->targets);
  g_free (nj->workers);
  g_free (nj);
}

/* The target's first address, through GIO's default resolver (which tests may replace): the
 * workers connect to an address, never to a name. */
static gboolean
native_resolve (NativeTarget     *nt,
                const VsRequest  *req,
                guint             plan_index,
                GError          **error)
{
  g_autoptr(GResolver) resolver = g_resolver_get_default ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  GList *addresses;

  addresses = g_resolver_lookup_by_name (resolver, req->host, NULL, &local_error);
  if (addresses == NULL)
    {
      g_set_error (error, VS_ERROR, VS_ERROR_FAILED, _("targets[%u].url: cannot resolve “%s”: %s"),
                   plan_index, req->host,
                   local_error != NULL ? local_error->message : _("no address"));
      return FALSE;
    }

  address = g_inet_socket_address_new (addresses->data, req->port);
  g_resolver_free_addresses (addresses);
  nt->addr_len = g_socket_address_get_native_size (address);
  if (!g_socket_address_to_native (address, &nt->addr, sizeof nt->addr, &local_error))
    {
      g_set_error (error, VS_ERROR, VS_ERROR_FAILED, "targets[%u].url: %s", plan_index,
                   local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* The request line, headers and body, once, as they go on the wire; the address the workers
 * connect to, resolved once here (on the controller thread). */
static gboolean
native_target_init (NativeTarget    *nt,
                    const VsTarget  *target,
                    guint            plan_index,
                    GError         **error)
{
  const VsRequest *req = target->request;
  g_autoptr(GString) request = g_string_sized_new (256);
  gconstpointer body;
  gsize body_len;

  nt->authority = g_strdup (req->authority);
  if (!native_resolve (nt, req, plan_index, error))
    return FALSE;

  g_string_append_printf (request, "%s %s HTTP/1.1\r\n", req->method, req->path_query);
  for (guint i = 0; i < req->n_headers; i++)
    g_string_append_printf (request, "%s: %s\r\n", req->names[i], req->values[i]);
  if (!req->has_host)
    g_string_append_printf (request, "Host: %s\r\n", req->host_header);
  if (!req->has_agent)
    g_string_append_printf (request, "User-Agent: %s\r\n", vs_user_agent ());

  body = g_bytes_get_data (req->body, &body_len);
  if (vs_request_has_length (req))
    g_string_append_printf (request, "Content-Length: %" G_GSIZE_FORMAT "\r\n", body_len);
  g_string_append (request, "\r\n");

  nt->no_body = req->head;
  nt->head_len = request->len;
  nt->head = g_string_free (g_steal_pointer (&request), FALSE);
  nt->body_bytes = g_bytes_ref (req->body);
  nt->body = body;
  nt->body_len = body_len;
  nt->request_len = nt->head_len + body_len;
  return TRUE;
}

/* Every target resolved and serialised once; each worker's epoll set and wake handle. */
static gboolean
native_prepare (VsEngine  *engine,
                VsJob     *job,
                GError   **error)
{
  NativeJob *nj = g_new0 (NativeJob, 1);

  nj->n_targets = job->n_targets;
  nj->targets = g_new0 (NativeTarget, job->n_targets);
  nj->n_workers = job->n_workers;
  nj->workers = g_new0 (NativeWorker, job->n_workers);
  for (guint w = 0; w < job->n_workers; w++)
    nj->workers[w].epoll_fd = nj->workers[w].wake_fd = -1;

  for (guint t = 0; t < job->n_targets; t++)
    {
      const VsTarget *target = vs_plan_get_target (job->plan, job->plan_indices[t]);

      if (!native_target_init (&nj->targets[t], target, job->plan_indices[t], error))
        {
          native_job_free (nj);
          return FALSE;
        }
    }

  for (guint w = 0; w < job->n_workers; w++)
    {
      NativeWorker *nw = &nj->workers[w];
      struct epoll_event ev = { .events = EPOLLIN, .data.u32 = WAKE_ID };

      nw->epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
      nw->wake_fd = eventfd (0, EFD_NONBLOCK | EFD_CLOEXEC);
      if (nw->epoll_fd < 0 || nw->wake_fd < 0 ||
          epoll_ctl (nw->epoll_fd, EPOLL_CTL_ADD, nw->wake_fd, &ev) != 0)
        {
          int saved = errno;

          g_set_error (error, VS_ERROR, VS_ERROR_LIMIT,
                       _("load.threads: cannot set up worker %u: %s"), w, g_strerror (saved));
          native_job_free (nj);
          return FALSE;
        }
    }

  job->engine_job = &nj->parent;
  return TRUE;
}

static void
native_wake_worker (VsEngine *engine,
                    VsJob    *job,
                    VsWorker *worker)
{
  NativeJob *nj = native_job (job);
  guint64 one = 1;

  if (nj != NULL && write (nj->workers[worker->index].wake_fd, &one, sizeof one) < 0)
    {
      /* EAGAIN: the counter is full, so a wake is pending anyway */
    }
}

static void
native_release (VsEngine *engine,
                VsJob    *job)
{
  g_clear_pointer ((NativeJob **) &job->engine_job, native_job_free);
}

static const VsEngineOps native_ops = {
  .name = "native",
  /* plain http://: no TLS handshake to time */
  .timings = (1u << VS_TIMING_CONNECT) | (1u << VS_TIMING_FIRST_BYTE),
  .prepare = native_prepare,
  .run_worker = native_run_worker,
  .wake_worker = native_wake_worker,
  .release = native_release,
};

VsEngine *
vs_engine_native_new (void)
{
  return vs_engine_new (&native_ops, sizeof (VsEngine));
}
