/* vs-hdr.c: Versus's histograms in HdrHistogram's V2 compressed encoding
 *
 * A copy of the counts, since the layouts are one (see vs-hdr.h and vs-histogram-private.h).
 * Deflate and inflate are GLib's GZlibCompressor/GZlibDecompressor in zlib format, which is
 * what Java's Deflater and pako write and read; Versus deflates at zlib's fastest level (every
 * level inflates alike): a tick's histogram then costs about 0.2–0.4 ms on the main thread
 * (0.8–16 ms latencies, 20 000 samples, 2.2 KB), against 0.5–1.3 ms at the default level.
 */
#include "config.h"

#include "vs-hdr.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "vs-error.h"
#include "vs-histogram-private.h"

#define V2_ENCODING_COOKIE    0x1c849313u  /* 0x1c849303 | 0x10: word size 9 (LEB128) */
#define V2_COMPRESSED_COOKIE  0x1c849314u  /* 0x1c849304 | 0x10 */
#define V2_COOKIE_BASE_MASK   (~0xf0u)
#define V2_HEADER_SIZE        40

G_STATIC_ASSERT (VS_HISTOGRAM_SUB_COUNT == 2048);  /* 2 · 10^3 rounded up to a power of two */

static void
put_be32 (GByteArray *out,
          guint32     value)
{
  guint8 b[4] = { value >> 24, value >> 16, value >> 8, value };

  g_byte_array_append (out, b, 4);
}

static void
put_be64 (GByteArray *out,
          guint64     value)
{
  put_be32 (out, (guint32) (value >> 32));
  put_be32 (out, (guint32) value);
}

static guint32
get_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static guint64
get_be64 (const guint8 *p)
{
  return ((guint64) get_be32 (p) << 32) | get_be32 (p + 4);
}

/* HdrHistogram's ZigZagEncoding.putLong: LEB128 of the zig-zagged value, at most 9 bytes, the
 * ninth holding the top 8 bits whole. */
static void
put_zigzag (GByteArray *out,
            gint64      value)
{
  guint64 v = ((guint64) value << 1) ^ (guint64) (value >> 63);
  guint8 b[9];
  guint n = 0;

  for (int shift = 0; shift < 56; shift += 7)
    {
      if ((v >> shift) >> 7 == 0)
        {
          b[n++] = (guint8) (v >> shift);
          g_byte_array_append (out, b, n);
          return;
        }
      b[n++] = (guint8) (((v >> shift) & 0x7f) | 0x80);
    }
  b[n++] = (guint8) (v >> 56);
  g_byte_array_append (out, b, n);
}

static gboolean
get_zigzag (const guint8 **p,
            const guint8  *end,
            gint64        *value)
{
  guint64 v = 0;
  int shift;

  for (shift = 0; shift < 56; shift += 7)
    {
      if (*p >= end)
        return FALSE;
      v |= (guint64) (**p & 0x7f) << shift;
      if (!(*(*p)++ & 0x80))
        break;
    }
  if (shift == 56)
    {
      if (*p >= end)
        return FALSE;
      v |= (guint64) *(*p)++ << 56;
    }

  *value = (gint64) (v >> 1) ^ -(gint64) (v & 1);
  return TRUE;
}

/* Runs data through a zlib converter to the end. */
static GBytes *
convert_all (GConverter    *converter,
             const guint8  *data,
             gsize          length,
             GError       **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint8 buf[16384];

  for (;;)
    {
      gsize read = 0, written = 0;
      GConverterResult result;

      result = g_converter_convert (converter, data, length, buf, sizeof buf,
                                    G_CONVERTER_INPUT_AT_END, &read, &written, error);
      if (result == G_CONVERTER_ERROR)
        return NULL;
      g_byte_array_append (out, buf, (guint) written);
      data += read;
      length -= read;
      if (result == G_CONVERTER_FINISHED)
        break;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* The uncompressed V2 histogram: header, then counts 0 … index of max. */
static GByteArray *
encode_v2 (const VsHistogram *histogram)
{
  GByteArray *out = g_byte_array_sized_new (V2_HEADER_SIZE + 64);
  guint limit = histogram->total > 0
                  ? _vs_histogram_counts_index (MIN (histogram->max, VS_HISTOGRAM_HIGHEST_US)) + 1
                  : 1;
  union { double d; guint64 u; } ratio = { 1.0 };

  put_be32 (out, V2_ENCODING_COOKIE);
  put_be32 (out, 0);  /* payload length, filled in below */
  put_be32 (out, 0);  /* normalizing index offset */
  put_be32 (out, VS_HDR_SIGNIFICANT_DIGITS);
  put_be64 (out, VS_HDR_LOWEST_DISCERNIBLE);
  put_be64 (out, VS_HISTOGRAM_HIGHEST_US);
  put_be64 (out, ratio.u);

  for (guint i = 0; i < limit;)
    {
      guint64 count = histogram->counts[i++];
      gint64 zeros = 0;

      if (count == 0)
        {
          zeros = 1;
          while (i < limit && histogram->counts[i] == 0)
            {
              zeros++;
              i++;
            }
        }
      put_zigzag (out, zeros > 1 ? -zeros : (gint64) MIN (count, (guint64) G_MAXINT64));
    }

  {
    guint32 payload = out->len - V2_HEADER_SIZE;
    guint8 b[4] = { payload >> 24, payload >> 16, payload >> 8, payload };

    memcpy (out->data + 4, b, 4);
  }
  return out;
}

static GPrivate thread_compressor = G_PRIVATE_INIT (g_object_unref);

GBytes *
vs_hdr_encode (const VsHistogram *histogram)
{
  g_autoptr(GByteArray) v2 = NULL;
  GZlibCompressor *compressor;
  g_autoptr(GBytes) deflated = NULL;
  g_autoptr(GError) error = NULL;
  GByteArray *out;

  g_return_val_if_fail (histogram != NULL, NULL);

  v2 = encode_v2 (histogram);
  /* one compressor per thread, reset for each histogram: making one (zlib's deflate state) cost
   * more than deflating a tick's histogram */
  compressor = g_private_get (&thread_compressor);
  if (compressor == NULL)
    {
      compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 1);
      g_private_set (&thread_compressor, compressor);
    }
  g_converter_reset (G_CONVERTER (compressor));
  deflated = convert_all (G_CONVERTER (compressor), v2->data, v2->len, &error);
  /* deflating memory into memory has no way to fail but a bug */
  if (deflated == NULL)
    g_error ("deflating a histogram: %s", error->message);

  out = g_byte_array_sized_new (8 + (guint) g_bytes_get_size (deflated));
  put_be32 (out, V2_COMPRESSED_COOKIE);
  put_be32 (out, (guint32) g_bytes_get_size (deflated));
  g_byte_array_append (out, g_bytes_get_data (deflated, NULL),
                       (guint) g_bytes_get_size (deflated));
  return g_byte_array_free_to_bytes (out);
}

char *
vs_hdr_encode_base64 (const VsHistogram *histogram)
{
  g_autoptr(GBytes) bytes = vs_hdr_encode (histogram);
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  return g_base64_encode (data, size);
}

static VsHistogram *
fail (GError    **error,
      const char *reason)
{
  g_set_error (error, VS_ERROR, VS_ERROR_INVALID, _("not an HdrHistogram Versus can read: %s"),
               reason);
  return NULL;
}

static VsHistogram *
decode_v2 (const guint8  *data,
           gsize          length,
           GError       **error)
{
  g_autoptr(VsHistogram) histogram = NULL;
  const guint8 *p, *end;
  guint32 payload;
  guint index = 0;

  if (length < V2_HEADER_SIZE || (get_be32 (data) & V2_COOKIE_BASE_MASK) != 0x1c849303u)
    return fail (error, _("no V2 encoding cookie"));
  payload = get_be32 (data + 4);
  if (payload > length - V2_HEADER_SIZE)
    return fail (error, _("the payload is cut short"));
  /* The normalizing index offset (data + 8) is ignored, as the C and JavaScript libraries do:
   * it is 0 for every integer histogram, yet hdr-histogram-js writes 1 there. */
  /* The slots follow from the lowest value and the digits alone; the highest value only says
   * how many there are, and any count beyond Versus's hour is refused below. */
  if (get_be32 (data + 12) != VS_HDR_SIGNIFICANT_DIGITS ||
      get_be64 (data + 16) != VS_HDR_LOWEST_DISCERNIBLE)
    return fail (error, _("another layout (Versus's is lowest value 1, 3 significant digits); "
                          "its buckets cannot be mapped exactly"));

  histogram = vs_histogram_new ();
  p = data + V2_HEADER_SIZE;
  end = p + payload;
  while (p < end)
    {
      gint64 value;

      if (!get_zigzag (&p, end, &value))
        return fail (error, _("a count is cut short"));
      if (value < 0)
        {
          if ((guint64) -value > VS_HISTOGRAM_COUNTS_LEN - index)
            return fail (error, _("values beyond one hour"));
          index += (guint) -value;
          continue;
        }
      if (index >= VS_HISTOGRAM_COUNTS_LEN)
        return fail (error, _("values beyond one hour"));
      vs_histogram_record_n (histogram, _vs_histogram_highest_equivalent (index), (guint64) value);
      index++;
    }

  return g_steal_pointer (&histogram);
}

VsHistogram *
vs_hdr_decode (const guint8  *data,
               gsize          length,
               GError       **error)
{
  g_autoptr(GZlibDecompressor) decompressor = NULL;
  g_autoptr(GBytes) inflated = NULL;
  g_autoptr(GError) local_error = NULL;
  guint32 compressed;
  gsize size;
  const guint8 *v2;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (length < 8 || get_be32 (data) != V2_COMPRESSED_COOKIE)
    return fail (error, _("no V2 compressed-encoding cookie"));
  compressed = get_be32 (data + 4);
  if (compressed > length - 8)
    return fail (error, _("the compressed data is cut short"));

  decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB);
  inflated = convert_all (G_CONVERTER (decompressor), data + 8, compressed, &local_error);
  if (inflated == NULL)
    return fail (error, local_error->message);

  v2 = g_bytes_get_data (inflated, &size);
  return decode_v2 (v2, size, error);
}

VsHistogram *
vs_hdr_decode_base64 (const char  *text,
                      GError     **error)
{
  g_autofree guint8 *data = NULL;
  gsize length = 0;

  g_return_val_if_fail (text != NULL, NULL);

  /* g_base64_decode() skips what is not base64; an empty result is no histogram */
  data = g_base64_decode (text, &length);
  return vs_hdr_decode (data, length, error);
}

void
vs_hdr_get_moments (const VsHistogram *histogram,
                    VsHdrMoments      *moments)
{
  g_return_if_fail (histogram != NULL);
  g_return_if_fail (moments != NULL);

  moments->min_us = vs_histogram_min (histogram);
  moments->max_us = vs_histogram_max (histogram);
  moments->sum_us = (double) histogram->sum;
  moments->sum_sq_us2 = (double) histogram->sum_sq;
}

gboolean
vs_hdr_set_moments (VsHistogram        *histogram,
                    const VsHdrMoments *moments)
{
  guint first, last;

  g_return_val_if_fail (histogram != NULL, FALSE);
  g_return_val_if_fail (moments != NULL, FALSE);

  if (histogram->total == 0)
    return moments->min_us == 0 && moments->max_us == 0 && moments->sum_us == 0;

  /* the decoded min and max are the highest values of the first and last slots */
  first = _vs_histogram_counts_index (MIN (histogram->min, VS_HISTOGRAM_HIGHEST_US));
  last = _vs_histogram_counts_index (MIN (histogram->max, VS_HISTOGRAM_HIGHEST_US));
  if (moments->min_us < 0 || moments->max_us < moments->min_us ||
      _vs_histogram_counts_index (MIN (moments->min_us, VS_HISTOGRAM_HIGHEST_US)) != first ||
      _vs_histogram_counts_index (MIN (moments->max_us, VS_HISTOGRAM_HIGHEST_US)) != last ||
      !(moments->sum_us >= 0) || !(moments->sum_sq_us2 >= 0))
    return FALSE;

  histogram->min = moments->min_us;
  histogram->max = moments->max_us;
  histogram->sum = moments->sum_us;
  histogram->sum_sq = moments->sum_sq_us2;
  return TRUE;
}

guint
vs_hdr_bucket_count (void)
{
  return VS_HISTOGRAM_BUCKET_COUNT;
}

guint
vs_hdr_sub_bucket_count (void)
{
  return VS_HISTOGRAM_SUB_COUNT;
}

void
vs_hdr_foreach_slot (const VsHistogram *histogram,
                     VsHistogramFunc    func,
                     gpointer           user_data)
{
  guint last;

  g_return_if_fail (histogram != NULL);
  g_return_if_fail (func != NULL);

  if (histogram->total == 0)
    return;

  last = _vs_histogram_counts_index (MIN (histogram->max, VS_HISTOGRAM_HIGHEST_US));
  for (guint i = 0; i <= last; i++)
    func (_vs_histogram_highest_equivalent (i), histogram->counts[i], user_data);
}

static char *
safe_name (const char *name,
           const char *extra)
{
  g_autofree char *valid = g_utf8_make_valid (name != NULL ? name : "", -1);
  GString *out = g_string_new (NULL);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == ',' || g_unichar_isspace (c) || g_unichar_iscntrl (c) ||
          (c < 0x80 && extra != NULL && strchr (extra, (int) c) != NULL))
        g_string_append_c (out, '_');
      else
        g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

GStrv
vs_hdr_safe_names (const char * const *names,
                   guint               n,
                   const char         *extra)
{
  GStrv out = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    {
      out[i] = safe_name (names[i], extra);
      if (*out[i] == '\0')
        {
          g_free (out[i]);
          out[i] = g_strdup_printf ("target_%u", i + 1);
        }
    }

  for (guint i = 0; i < n; i++)
    {
      gboolean clash = FALSE;

      for (guint j = 0; j < i && !clash; j++)
        clash = strcmp (out[i], out[j]) == 0;
      if (clash)
        {
          char *renamed = g_strdup_printf ("%s_%u", out[i], i + 1);

          g_free (out[i]);
          out[i] = renamed;
        }
    }

  return out;
}
