/* vs-answer-check.c: one answer of a target, fetched before the load to compare the backends */
#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "vs-answer-check.h"

static gboolean
accept_any (SoupMessage          *msg,
            GTlsCertificate      *certificate,
            GTlsCertificateFlags  errors,
            gpointer              user_data)
{
  return TRUE;  /* only connected with plan->insecure */
}

VsCheckAnswer *
vs_check_answer_fetch (VsPlan       *plan,
                       guint         index,
                       GCancellable *cancellable)
{
  const VsTarget *target = vs_plan_get_target (plan, index);
  const VsRequest *request = target->request;
  VsCheckAnswer *answer = g_new0 (VsCheckAnswer, 1);
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  SoupMessageHeaders *headers;
  guint timeout_s = (guint) MAX (1, (plan->load.timeout_us + G_USEC_PER_SEC - 1) /
                                      G_USEC_PER_SEC);

  g_return_val_if_fail (request != NULL && target->uri != NULL, answer);

  /* no proxy: the request goes to the target itself, as the load will */
  session = g_object_new (SOUP_TYPE_SESSION, "timeout", timeout_s, "proxy-resolver", NULL,
                          NULL);
  soup_session_remove_feature_by_type (session, SOUP_TYPE_CONTENT_DECODER);
  msg = soup_message_new_from_uri (request->method, target->uri);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  if (g_bytes_get_size (request->body) > 0 || vs_request_has_length (request))
    soup_message_set_request_body_from_bytes (msg, NULL, request->body);
  headers = soup_message_get_request_headers (msg);
  for (guint i = 0; i < request->n_headers; i++)
    soup_message_headers_append (headers, request->names[i], request->values[i]);
  if (!request->has_agent)
    soup_message_headers_append (headers, "User-Agent", vs_user_agent ());
  if (plan->insecure)
    g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any), NULL);

  body = soup_session_send_and_read (session, msg, cancellable, &error);
  if (body == NULL)
    {
      answer->error = g_strdup (error->message);
      return answer;
    }
  answer->status = soup_message_get_status (msg);
  answer->content_type = g_strdup (soup_message_headers_get_one (
                                     soup_message_get_response_headers (msg), "Content-Type"));
  answer->body = g_steal_pointer (&body);
  return answer;
}

void
vs_check_answer_free (VsCheckAnswer *answer)
{
  if (answer == NULL)
    return;
  g_free (answer->content_type);
  g_clear_pointer (&answer->body, g_bytes_unref);
  g_free (answer->error);
  g_free (answer);
}

char *
vs_check_answer_compare (const VsCheckAnswer *reference,
                         const VsCheckAnswer *answer,
                         const char * const  *ignore)
{
  g_autoptr(VsEquivalence) equivalence = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  VsAnswer a, b;

  if (answer->error != NULL)
    return g_strdup_printf (_("no answer to compare: %s"), answer->error);
  if (reference->error != NULL)
    return g_strdup_printf (_("the first target gave no answer to compare with: %s"),
                            reference->error);

  a = (VsAnswer) { reference->status, reference->content_type, reference->body };
  b = (VsAnswer) { answer->status, answer->content_type, answer->body };
  equivalence = vs_equivalence_compare (&a, &b, ignore, &error);
  if (equivalence == NULL)
    return g_strdup (error->message);  /* the plan check validated the pointers */
  if (equivalence->alike)
    return NULL;
  text = vs_equivalence_describe (equivalence);
  lines = g_strsplit (text, "\n", -1);
  return g_strjoinv ("; ", lines);
}
