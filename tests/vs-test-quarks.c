#define _GNU_SOURCE  /* dl_iterate_phdr */
#include "vs-test-quarks.h"

#ifdef __SANITIZE_ADDRESS__
# include <link.h>
# include <string.h>
# include <sanitizer/lsan_interface.h>
/* from ASan's allocator interface, which GCC ships no header for */
int    __sanitizer_get_ownership (const volatile void *p);
size_t __sanitizer_get_allocated_size (const volatile void *p);

typedef struct
{
  const char *quark_1;   /* g_quark_to_string (1): slot 1 of GLib's table */
  void       *table;
} VsQuarkTableSearch;

static int
find_quark_table (struct dl_phdr_info *info,
                  size_t               size,
                  void                *data)
{
  VsQuarkTableSearch *search = data;

  if (strstr (info->dlpi_name, "libglib-2.0") == NULL)
    return 0;
  for (int i = 0; i < info->dlpi_phnum; i++)
    {
      const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
      const uintptr_t *word, *end;

      if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W) == 0)
        continue;
      word = (const uintptr_t *) ((info->dlpi_addr + ph->p_vaddr + 7) & ~(uintptr_t) 7);
      end = (const uintptr_t *) (info->dlpi_addr + ph->p_vaddr + ph->p_memsz);
      for (; word + 1 <= end; word++)
        {
          const void *block = (const void *) *word;

          if (block != NULL && __sanitizer_get_ownership (block) &&
              __sanitizer_get_allocated_size (block) >= 2 * sizeof (char *) &&
              ((const char *const *) block)[1] == search->quark_1)
            {
              search->table = (void *) block;
              return 1;
            }
        }
    }
  return 0;
}

/* Marks GLib's quark table as it is now as not a leak (again, if it is the same table). */
static void
keep_quark_table (void)
{
  VsQuarkTableSearch search = { NULL, NULL };

  /* quark 1 exists from here on, whatever the process made before */
  g_quark_from_static_string ("vs-test-quarks");
  search.quark_1 = g_quark_to_string (1);
  dl_iterate_phdr (find_quark_table, &search);
  g_assert_nonnull (search.table);
  __lsan_ignore_object (search.table);
}

static void
run_keeping_quark_tables (gconstpointer data)
{
  GTestFunc func = (GTestFunc) data;

  keep_quark_table ();
  func ();
  keep_quark_table ();
}
#endif

void
vs_test_add_func (const char *path,
                  GTestFunc   func)
{
#ifdef __SANITIZE_ADDRESS__
  g_test_add_data_func (path, (gconstpointer) func, run_keeping_quark_tables);
#else
  g_test_add_func (path, func);
#endif
}
