/*
 * Dirty tracking (softmmu/physmem.c): the per-page flags byte, writes
 * through the memory API and DMA setting every flag, test_and_clear,
 * iteration over dirty pages, and the two accel hooks.
 * (Guest writes through the softmmu TLB are tested with the TLB.)
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "exec/memory.h"
#include "exec/ram.h"
#include "tap.h"

#define ATTRS MEMTXATTRS_UNSPECIFIED
#define PG    RAM_PAGE_SIZE

typedef struct HookLog {
    int calls;
    ram_addr_t start, len;
} HookLog;

static HookLog code_hook, cleared_hook;

static void on_code_write(ram_addr_t start, ram_addr_t len)
{
    code_hook.calls++;
    code_hook.start = start;
    code_hook.len = len;
    /* the hook runs before the flags are set: the accel layer relies on it
     * to find the page still marked as holding code */
    if (cpu_physical_memory_get_dirty_flags(start) & DIRTY_MEMORY_CODE) {
        code_hook.calls += 1000;
    }
}

static void on_cleared(ram_addr_t start, ram_addr_t len)
{
    cleared_hook.calls++;
    cleared_hook.start = start;
    cleared_hook.len = len;
}

static MemoryRegion root, ram, ram2;
static AddressSpace as;
static ram_addr_t base;             /* ram_addr of the RAM's first page */
static const hwaddr gpa = 0x100000; /* where the RAM is mapped */

static void test_flags_basics(void)
{
    tap_ok(cpu_physical_memory_get_dirty_flags(base) == DIRTY_MEMORY_ALL &&
               cpu_physical_memory_all_dirty(base, 64 * PG, DIRTY_MEMORY_ALL),
           "new RAM starts with every flag set");
    tap_ok(!(cpu_physical_memory_get_dirty_flags(base) & DIRTY_MEMORY_RESERVED),
           "the reserved flag 0x04 reads as 0");

    cpu_physical_memory_clear_dirty_range(base + 3 * PG, PG, DIRTY_MEMORY_MIGRATION);
    tap_ok(cpu_physical_memory_get_dirty_flags(base + 3 * PG) ==
               (DIRTY_MEMORY_VGA | DIRTY_MEMORY_CODE),
           "clearing 0x08 on a page leaves the other flags");
    tap_ok(cpu_physical_memory_get_dirty_flags(base + 2 * PG) == DIRTY_MEMORY_ALL &&
               cpu_physical_memory_get_dirty_flags(base + 4 * PG) == DIRTY_MEMORY_ALL,
           "and leaves the neighbouring pages alone");

    uint32_t v = 0x12345678;
    address_space_write(&as, gpa + 3 * PG + 0x10, ATTRS, &v, 4);
    tap_ok(cpu_physical_memory_get_dirty_flags(base + 3 * PG) == DIRTY_MEMORY_ALL,
           "a write through address_space_write sets 0x08 again");

    cpu_physical_memory_clear_dirty_range(base + 5 * PG, PG, DIRTY_MEMORY_MIGRATION);
    address_space_stb(&as, gpa + 5 * PG + PG - 1, 1, ATTRS, NULL);
    tap_ok(cpu_physical_memory_get_dirty_flags(base + 5 * PG) == DIRTY_MEMORY_ALL,
           "a store through address_space_stb does too");

    cpu_physical_memory_clear_dirty_range(base + 6 * PG, PG, DIRTY_MEMORY_MIGRATION);
    uint8_t buf[16];
    address_space_read(&as, gpa + 6 * PG, ATTRS, buf, sizeof(buf));
    tap_ok(cpu_physical_memory_get_dirty_flags(base + 6 * PG) ==
               (DIRTY_MEMORY_VGA | DIRTY_MEMORY_CODE),
           "a read does not dirty the page");

    /* a write straddling two pages dirties both */
    cpu_physical_memory_clear_dirty_range(base + 7 * PG, 2 * PG, DIRTY_MEMORY_ALL);
    address_space_stl(&as, gpa + 8 * PG - 2, 0xffffffff, ATTRS, NULL);
    tap_ok(cpu_physical_memory_all_dirty(base + 7 * PG, 2 * PG, DIRTY_MEMORY_ALL),
           "a write straddling two pages dirties both");
}

static void test_test_and_clear(void)
{
    cpu_physical_memory_set_dirty_range(base, 64 * PG, DIRTY_MEMORY_ALL);
    tap_ok(cpu_physical_memory_test_and_clear_dirty(base + 10 * PG, 2 * PG, DIRTY_MEMORY_MIGRATION),
           "test_and_clear of dirty pages returns true");
    tap_ok(
        !cpu_physical_memory_test_and_clear_dirty(base + 10 * PG, 2 * PG, DIRTY_MEMORY_MIGRATION),
        "a second test_and_clear returns false");
    tap_ok(cpu_physical_memory_test_and_clear_dirty(base + 11 * PG, 2 * PG, DIRTY_MEMORY_MIGRATION),
           "a range with one still-dirty page returns true");
    tap_ok(cpu_physical_memory_get_dirty_flags(base + 10 * PG) ==
               (DIRTY_MEMORY_VGA | DIRTY_MEMORY_CODE),
           "test_and_clear of one flag keeps the others");
    tap_ok(cpu_physical_memory_test_and_clear_dirty(base + 10 * PG + 100, 1, DIRTY_MEMORY_VGA) &&
               cpu_physical_memory_get_dirty_flags(base + 10 * PG) == DIRTY_MEMORY_CODE,
           "a sub-page range covers its whole page");

    /* through the region API, as the display uses it */
    memory_region_set_dirty(&ram, 20 * PG, 1);
    tap_ok(memory_region_test_and_clear_dirty(&ram, 20 * PG, PG, DIRTY_MEMORY_VGA) &&
               !memory_region_get_dirty(&ram, 20 * PG, PG, DIRTY_MEMORY_VGA) &&
               memory_region_get_dirty(&ram, 20 * PG, PG, DIRTY_MEMORY_MIGRATION),
           "memory_region_test_and_clear_dirty clears only the client asked");
}

static void test_iteration(void)
{
    /* across word boundaries of the bitmap (64 pages per word) */
    static const unsigned pages[] = { 0, 1, 63, 64, 65, 127, 200, 255 };
    ram_addr_t size = memory_region_size(&ram);
    cpu_physical_memory_clear_dirty_range(base, size, DIRTY_MEMORY_MIGRATION);
    tap_ok(cpu_physical_memory_find_next_dirty(base, base + size, DIRTY_MEMORY_MIGRATION) ==
               base + size,
           "no dirty page: find_next_dirty returns end");
    for (unsigned i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
        cpu_physical_memory_set_dirty_range(base + pages[i] * PG, 1, DIRTY_MEMORY_MIGRATION);
    }
    unsigned n = 0;
    bool match = true;
    for (ram_addr_t a =
             cpu_physical_memory_find_next_dirty(base, base + size, DIRTY_MEMORY_MIGRATION);
         a < base + size;
         a = cpu_physical_memory_find_next_dirty(a + PG, base + size, DIRTY_MEMORY_MIGRATION)) {
        if (n >= sizeof(pages) / sizeof(pages[0]) || a != base + pages[n] * PG) {
            match = false;
        }
        n++;
    }
    tap_ok(match && n == sizeof(pages) / sizeof(pages[0]),
           "iteration finds exactly the dirty pages, in order, across bitmap words");
    tap_ok(cpu_physical_memory_count_dirty(base, size, DIRTY_MEMORY_MIGRATION) == n &&
               cpu_physical_memory_count_dirty(base + 63 * PG, 2 * PG, DIRTY_MEMORY_MIGRATION) == 2,
           "count_dirty counts them");
    tap_ok(cpu_physical_memory_find_next_dirty(base + 2 * PG, base + 63 * PG,
                                               DIRTY_MEMORY_MIGRATION) == base + 63 * PG,
           "find_next_dirty stops at end even when the next dirty page is there");
    tap_ok(cpu_physical_memory_find_next_dirty(base + 66 * PG, base + size,
                                               DIRTY_MEMORY_MIGRATION | DIRTY_MEMORY_VGA) ==
               base + 66 * PG,
           "a mask of several clients finds a page dirty for any of them");

    cpu_physical_memory_set_dirty_flag_all(DIRTY_MEMORY_MIGRATION);
    tap_ok(cpu_physical_memory_count_dirty(base, size, DIRTY_MEMORY_MIGRATION) == size / PG &&
               cpu_physical_memory_all_dirty(memory_region_get_ram_addr(&ram2),
                                             memory_region_size(&ram2), DIRTY_MEMORY_MIGRATION),
           "set_dirty_flag_all marks every page of every block");
}

static void test_dma(void)
{
    ram_addr_t size = memory_region_size(&ram);
    cpu_physical_memory_clear_dirty_range(base, size, DIRTY_MEMORY_ALL);
    hwaddr plen = 4 * PG;
    uint8_t *p = address_space_map(&as, gpa + 30 * PG, &plen, true, ATTRS);
    memset(p, 0xaa, PG + 1);
    tap_ok(cpu_physical_memory_count_dirty(base, size, DIRTY_MEMORY_ALL) == 0,
           "a mapped buffer being written is not dirty yet");
    address_space_unmap(&as, p, plen, true, PG + 1);
    tap_ok(cpu_physical_memory_all_dirty(base + 30 * PG, 2 * PG, DIRTY_MEMORY_ALL) &&
               cpu_physical_memory_get_dirty_flags(base + 32 * PG) == 0,
           "DMA unmap sets every flag on exactly the pages written");

    plen = PG;
    p = address_space_map(&as, gpa + 40 * PG, &plen, false, ATTRS);
    address_space_unmap(&as, p, plen, false, PG);
    tap_ok(cpu_physical_memory_get_dirty_flags(base + 40 * PG) == 0,
           "a DMA read mapping dirties nothing");
}

static void test_hooks(void)
{
    ram_addr_t page = base + 50 * PG;
    cpu_physical_memory_set_dirty_range(base, 64 * PG, DIRTY_MEMORY_ALL);

    cleared_hook = (HookLog){ 0 };
    cpu_physical_memory_test_and_clear_dirty(page, PG, DIRTY_MEMORY_CODE);
    tap_ok(cleared_hook.calls == 1 && cleared_hook.start == page && cleared_hook.len == PG,
           "clearing a flag calls ram_dirty_cleared_hook with the range");
    cleared_hook = (HookLog){ 0 };
    cpu_physical_memory_test_and_clear_dirty(page, PG, DIRTY_MEMORY_CODE);
    tap_ok(cleared_hook.calls == 0, "clearing what is already clear calls no hook");

    code_hook = (HookLog){ 0 };
    uint64_t v = 0x9090909090909090ull;
    address_space_write(&as, gpa + 50 * PG + 8, ATTRS, &v, 8);
    tap_ok(code_hook.calls == 1 && code_hook.start == page + 8 && code_hook.len == 8,
           "a write to a page holding code calls ram_code_write_hook first, with the range");
    code_hook = (HookLog){ 0 };
    address_space_write(&as, gpa + 50 * PG + 8, ATTRS, &v, 8);
    tap_ok(code_hook.calls == 0 && (cpu_physical_memory_get_dirty_flags(page) & DIRTY_MEMORY_CODE),
           "after it the page is marked code-free: no hook on the next write");

    cpu_physical_memory_test_and_clear_dirty(page + PG, PG, DIRTY_MEMORY_CODE);
    code_hook = (HookLog){ 0 };
    hwaddr plen = PG;
    uint8_t *p = address_space_map(&as, gpa + 51 * PG, &plen, true, ATTRS);
    p[0] = 0xc3;
    address_space_unmap(&as, p, plen, true, 1);
    tap_ok(code_hook.calls == 1 && code_hook.start == page + PG,
           "a DMA write to a page holding code calls the hook too");

    cpu_physical_memory_test_and_clear_dirty(page, PG, DIRTY_MEMORY_MIGRATION);
    code_hook = (HookLog){ 0 };
    address_space_write(&as, gpa + 50 * PG, ATTRS, &v, 8);
    tap_ok(code_hook.calls == 0, "a page whose CODE flag is set needs no invalidation");
}

/* Several threads setting and clearing flags of shared words at once: no
 * update may be lost (the bitmaps are updated with atomic operations). */
typedef struct Worker {
    ram_addr_t page;
    int rounds;
} Worker;

static void *worker(void *arg)
{
    Worker *w = arg;
    for (int i = 0; i < w->rounds; i++) {
        cpu_physical_memory_test_and_clear_dirty(w->page, PG, DIRTY_MEMORY_MIGRATION);
        cpu_physical_memory_set_dirty_range(w->page, PG, DIRTY_MEMORY_MIGRATION);
    }
    return NULL;
}

static void test_concurrency(void)
{
    enum { N = 8 };
    pthread_t t[N];
    Worker w[N];
    void (*saved)(ram_addr_t, ram_addr_t) = ram_dirty_cleared_hook;
    ram_dirty_cleared_hook = NULL;
    for (int i = 0; i < N; i++) {
        w[i] = (Worker){ base + (ram_addr_t)i * PG, 20000 };
        pthread_create(&t[i], NULL, worker, &w[i]);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
    }
    ram_dirty_cleared_hook = saved;
    tap_ok(cpu_physical_memory_all_dirty(base, N * PG, DIRTY_MEMORY_MIGRATION),
           "8 threads toggling pages of one bitmap word lose no update");
}

static void test_blocks(void)
{
    RAMBlock *rb = memory_region_get_ram_block(&ram);
    tap_ok(rb && ram_block_by_name("dirty.ram") == rb && ram_block_from_ram_addr(base + 5) == rb &&
               ram_addr_to_host(base + 5) == (uint8_t *)memory_region_get_ram_ptr(&ram) + 5,
           "RAM block lookups by name, ram_addr and host");
    ram_addr_t off = 0;
    tap_ok(ram_block_from_host((uint8_t *)memory_region_get_ram_ptr(&ram2) + 9, &off) ==
                   memory_region_get_ram_block(&ram2) &&
               off == 9,
           "ram_block_from_host finds the block and offset");

    MemoryRegion dup;
    memory_region_init_ram(&dup, NULL, "dirty.ram", PG, &error_abort);
    tap_ok(!strcmp(memory_region_get_ram_block(&dup)->name, "dirty.ram#2"),
           "a second block with a taken name is numbered");
    ram_addr_t dup_addr = memory_region_get_ram_addr(&dup);
    tap_ok(dup_addr >= base + memory_region_size(&ram) || dup_addr + PG <= base,
           "blocks do not overlap in the ram_addr space");
    memory_region_finalize(&dup);
    tap_ok(cpu_physical_memory_get_dirty_flags(dup_addr) == 0 && !ram_block_by_name("dirty.ram#2"),
           "a freed block leaves the list and its flags are cleared");
}

int main(void)
{
    memory_region_init(&root, NULL, "root", UINT64_MAX);
    address_space_init(&as, &root, "dirty");
    memory_region_init_ram(&ram, NULL, "dirty.ram", 256 * PG, &error_abort);
    memory_region_init_ram(&ram2, NULL, "dirty.ram2", 16 * PG, &error_abort);
    memory_region_add_subregion(&root, gpa, &ram);
    memory_region_add_subregion(&root, 0x10000000, &ram2);
    base = memory_region_get_ram_addr(&ram);
    ram_code_write_hook = on_code_write;
    ram_dirty_cleared_hook = on_cleared;

    test_flags_basics();
    test_test_and_clear();
    test_iteration();
    test_dma();
    test_hooks();
    test_concurrency();
    test_blocks();
    return tap_done();
}
