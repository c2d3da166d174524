/* vs-fuzz.c: helpers shared by the fuzz targets (see vs-fuzz.h) */
#include "vs-fuzz.h"

#include <string.h>

char *
vs_fuzz_to_string (const uint8_t *data,
                   size_t         size)
{
  if (memchr (data, '\0', size) != NULL)
    return NULL;
  return g_strndup ((const char *) data, size);
}
