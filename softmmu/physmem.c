/*
 * Guest RAM: RAM blocks, the ram_addr space, per-page dirty flags.
 *
 * RAM blocks live in a list sorted by ram_addr offset, guarded by
 * ram_list_lock (a plain mutex: lookups are rare next to RAM accesses,
 * which go through FlatView ranges or TLB entries that cache the host
 * pointer). Creation and the owner's free happen under the big lock; the
 * block's memory is unmapped when its last reference goes.
 *
 * Dirty flags are one bitmap per client (VGA, CODE, MIGRATION) over the
 * whole ram_addr space, each reserved once with MAP_NORESERVE so it never
 * moves: vCPU threads, DMA and the migration thread set and clear bits with
 * atomic word operations and need no lock. Bits outside live blocks are
 * kept clear (a freed block's range is cleared before it can be reused).
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "exec/memory.h"
#include "exec/ram.h"
#include "memory-internal.h"

void (*ram_code_write_hook)(ram_addr_t start, ram_addr_t len);
void (*ram_dirty_cleared_hook)(ram_addr_t start, ram_addr_t len);

static pthread_mutex_t ram_list_lock = PTHREAD_MUTEX_INITIALIZER;
static RAMBlock *ram_list;

/* ---- dirty bitmaps ---- */

#define DIRTY_CLIENTS 3
#define BITS_PER_WORD 64
#define NR_PAGES      (RAM_ADDR_SPACE_SIZE >> RAM_PAGE_BITS)
#define NR_WORDS      (NR_PAGES / BITS_PER_WORD)

typedef _Atomic uint64_t DirtyWord;

static DirtyWord *dirty_bitmap[DIRTY_CLIENTS];
static pthread_once_t dirty_once = PTHREAD_ONCE_INIT;
static bool dirty_ok;

/* client index <-> flag bit */
static const uint8_t client_flag[DIRTY_CLIENTS] = { DIRTY_MEMORY_VGA, DIRTY_MEMORY_CODE,
                                                    DIRTY_MEMORY_MIGRATION };

static void dirty_bitmaps_alloc(void)
{
    for (int c = 0; c < DIRTY_CLIENTS; c++) {
        void *p = mmap(NULL, NR_WORDS * sizeof(uint64_t), PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) {
            return;
        }
        dirty_bitmap[c] = p;
    }
    dirty_ok = true;
}

static bool dirty_init(void)
{
    pthread_once(&dirty_once, dirty_bitmaps_alloc);
    return dirty_ok;
}

/* Page range [first, last] covered by [start, start+len), clamped to the
 * ram_addr space; false if empty. */
static bool page_range(ram_addr_t start, ram_addr_t len, uint64_t *first, uint64_t *last)
{
    if (len == 0 || start >= RAM_ADDR_SPACE_SIZE || !dirty_init()) {
        return false;
    }
    ram_addr_t end = start + len - 1;
    if (end < start || end >= RAM_ADDR_SPACE_SIZE) {
        end = RAM_ADDR_SPACE_SIZE - 1;
    }
    *first = start >> RAM_PAGE_BITS;
    *last = end >> RAM_PAGE_BITS;
    return true;
}

/* Mask of the bits of word w that lie within pages [first, last]. */
static uint64_t word_mask(uint64_t w, uint64_t first, uint64_t last)
{
    uint64_t lo = w * BITS_PER_WORD, hi = lo + BITS_PER_WORD - 1;
    uint64_t m = ~(uint64_t)0;
    if (first > lo) {
        m &= ~(uint64_t)0 << (first - lo);
    }
    if (last < hi) {
        m &= ~(uint64_t)0 >> (hi - last);
    }
    return m;
}

/* Apply op (0 = set, 1 = clear) to client c over pages; returns whether any
 * affected bit was set before (for clear) / clear before (for set). */
static bool bitmap_update(int c, uint64_t first, uint64_t last, bool clear)
{
    bool changed = false;
    for (uint64_t w = first / BITS_PER_WORD; w <= last / BITS_PER_WORD; w++) {
        uint64_t m = word_mask(w, first, last);
        uint64_t old;
        if (clear) {
            /* skip the atomic RMW on words that are already clear: the
             * migration iterator clears mostly-clean ranges */
            if (!(atomic_load_explicit(&dirty_bitmap[c][w], memory_order_relaxed) & m)) {
                continue;
            }
            old = atomic_fetch_and(&dirty_bitmap[c][w], ~m);
            changed |= (old & m) != 0;
        } else {
            if ((atomic_load_explicit(&dirty_bitmap[c][w], memory_order_relaxed) & m) == m) {
                continue;
            }
            old = atomic_fetch_or(&dirty_bitmap[c][w], m);
            changed |= (old & m) != m;
        }
    }
    return changed;
}

uint8_t cpu_physical_memory_get_dirty_flags(ram_addr_t addr)
{
    uint64_t page, last;
    uint8_t flags = 0;
    if (!page_range(addr, 1, &page, &last)) {
        return 0;
    }
    for (int c = 0; c < DIRTY_CLIENTS; c++) {
        uint64_t w =
            atomic_load_explicit(&dirty_bitmap[c][page / BITS_PER_WORD], memory_order_acquire);
        if (w & ((uint64_t)1 << (page % BITS_PER_WORD))) {
            flags |= client_flag[c];
        }
    }
    return flags;
}

bool cpu_physical_memory_all_dirty(ram_addr_t start, ram_addr_t len, uint8_t mask)
{
    uint64_t first, last;
    if (!page_range(start, len, &first, &last)) {
        return true;
    }
    for (int c = 0; c < DIRTY_CLIENTS; c++) {
        if (!(mask & client_flag[c])) {
            continue;
        }
        for (uint64_t w = first / BITS_PER_WORD; w <= last / BITS_PER_WORD; w++) {
            uint64_t m = word_mask(w, first, last);
            if ((atomic_load_explicit(&dirty_bitmap[c][w], memory_order_acquire) & m) != m) {
                return false;
            }
        }
    }
    return true;
}

bool cpu_physical_memory_get_dirty(ram_addr_t start, ram_addr_t len, uint8_t mask)
{
    uint64_t first, last;
    if (!page_range(start, len, &first, &last)) {
        return false;
    }
    for (int c = 0; c < DIRTY_CLIENTS; c++) {
        if (!(mask & client_flag[c])) {
            continue;
        }
        for (uint64_t w = first / BITS_PER_WORD; w <= last / BITS_PER_WORD; w++) {
            uint64_t m = word_mask(w, first, last);
            if (atomic_load_explicit(&dirty_bitmap[c][w], memory_order_acquire) & m) {
                return true;
            }
        }
    }
    return false;
}

void cpu_physical_memory_set_dirty_range(ram_addr_t start, ram_addr_t len, uint8_t mask)
{
    uint64_t first, last;
    if (!page_range(start, len, &first, &last)) {
        return;
    }
    for (int c = 0; c < DIRTY_CLIENTS; c++) {
        if (mask & client_flag[c]) {
            bitmap_update(c, first, last, false);
        }
    }
}

bool cpu_physical_memory_test_and_clear_dirty(ram_addr_t start, ram_addr_t len, uint8_t mask)
{
    uint64_t first, last;
    bool cleared = false;
    if (!page_range(start, len, &first, &last)) {
        return false;
    }
    for (int c = 0; c < DIRTY_CLIENTS; c++) {
        if (mask & client_flag[c]) {
            cleared |= bitmap_update(c, first, last, true);
        }
    }
    if (cleared && ram_dirty_cleared_hook) {
        ram_dirty_cleared_hook(start, len);
    }
    return cleared;
}

void cpu_physical_memory_clear_dirty_range(ram_addr_t start, ram_addr_t len, uint8_t mask)
{
    cpu_physical_memory_test_and_clear_dirty(start, len, mask);
}

ram_addr_t cpu_physical_memory_find_next_dirty(ram_addr_t start, ram_addr_t end, uint8_t mask)
{
    if (end > RAM_ADDR_SPACE_SIZE) {
        end = RAM_ADDR_SPACE_SIZE;
    }
    if (start >= end || !dirty_init() || !(mask & DIRTY_MEMORY_ALL)) {
        return end;
    }
    uint64_t page = start >> RAM_PAGE_BITS;
    uint64_t end_page = (end + RAM_PAGE_SIZE - 1) >> RAM_PAGE_BITS;
    uint64_t w = page / BITS_PER_WORD;
    uint64_t bits_mask = ~(uint64_t)0 << (page % BITS_PER_WORD);
    for (; w * BITS_PER_WORD < end_page; w++, bits_mask = ~(uint64_t)0) {
        uint64_t bits = 0;
        for (int c = 0; c < DIRTY_CLIENTS; c++) {
            if (mask & client_flag[c]) {
                bits |= atomic_load_explicit(&dirty_bitmap[c][w], memory_order_acquire);
            }
        }
        bits &= bits_mask;
        if (bits) {
            ram_addr_t found = (w * BITS_PER_WORD + __builtin_ctzll(bits)) << RAM_PAGE_BITS;
            return found < end ? found : end;
        }
    }
    return end;
}

uint64_t cpu_physical_memory_count_dirty(ram_addr_t start, ram_addr_t len, uint8_t mask)
{
    uint64_t first, last, n = 0;
    if (!page_range(start, len, &first, &last)) {
        return 0;
    }
    for (uint64_t w = first / BITS_PER_WORD; w <= last / BITS_PER_WORD; w++) {
        uint64_t bits = 0;
        for (int c = 0; c < DIRTY_CLIENTS; c++) {
            if (mask & client_flag[c]) {
                bits |= atomic_load_explicit(&dirty_bitmap[c][w], memory_order_acquire);
            }
        }
        n += __builtin_popcountll(bits & word_mask(w, first, last));
    }
    return n;
}

void ram_block_notify_write(ram_addr_t start, ram_addr_t len)
{
    if (len == 0) {
        return;
    }
    /* Invalidate before the flags say "no code here", so a concurrent
     * translation cannot slip between the two and survive the write. */
    if (ram_code_write_hook && !cpu_physical_memory_all_dirty(start, len, DIRTY_MEMORY_CODE)) {
        ram_code_write_hook(start, len);
    }
    cpu_physical_memory_set_dirty_range(start, len, DIRTY_MEMORY_ALL);
}

void cpu_physical_memory_set_dirty_flag_all(uint8_t mask)
{
    pthread_mutex_lock(&ram_list_lock);
    for (RAMBlock *rb = ram_list; rb; rb = rb->next) {
        cpu_physical_memory_set_dirty_range(rb->offset, rb->used_length, mask);
    }
    pthread_mutex_unlock(&ram_list_lock);
}

/* ---- RAM blocks ---- */

/* The lowest page-aligned offset with size free bytes (list lock held). */
static ram_addr_t find_ram_offset(ram_addr_t size)
{
    ram_addr_t cand = 0;
    for (RAMBlock *rb = ram_list; rb; rb = rb->next) {
        if (cand + size <= rb->offset) {
            return cand;
        }
        cand = rb->offset + rb->max_length;
    }
    if (cand + size > RAM_ADDR_SPACE_SIZE || cand + size < cand) {
        return RAM_ADDR_INVALID;
    }
    return cand;
}

static bool name_taken(const char *name)
{
    for (RAMBlock *rb = ram_list; rb; rb = rb->next) {
        if (!strcmp(rb->name, name)) {
            return true;
        }
    }
    return false;
}

RAMBlock *ram_block_new(const char *name, ram_addr_t size, MemoryRegion *mr, Error **errp)
{
    ram_addr_t max_length = (size + RAM_PAGE_SIZE - 1) & RAM_PAGE_MASK;
    if (!dirty_init()) {
        error_setg(errp, "cannot reserve the dirty bitmaps");
        return NULL;
    }
    if (size == 0 || max_length < size) {
        error_setg(errp, "RAM block %s: invalid size 0x%" PRIx64, name, size);
        return NULL;
    }
    RAMBlock *rb = calloc(1, sizeof(*rb));
    if (!rb) {
        error_setg(errp, "RAM block %s: out of memory", name);
        return NULL;
    }
    void *host = mmap(NULL, max_length, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (host == MAP_FAILED) {
        error_setg_errno(errp, errno, "cannot allocate %" PRIu64 " bytes of RAM for %s",
                         (uint64_t)size, name);
        free(rb);
        return NULL;
    }
    rb->host = host;
    rb->used_length = size;
    rb->max_length = max_length;
    rb->mr = mr;
    rb->refcount = 1;

    pthread_mutex_lock(&ram_list_lock);
    /* Two devices of a kind name their RAM alike; number the later ones so
     * names stay unique and stable across runs with the same machine. */
    snprintf(rb->name, sizeof(rb->name), "%s", name);
    for (int n = 2; name_taken(rb->name); n++) {
        snprintf(rb->name, sizeof(rb->name), "%s#%d", name, n);
    }
    rb->offset = find_ram_offset(max_length);
    if (rb->offset == RAM_ADDR_INVALID) {
        pthread_mutex_unlock(&ram_list_lock);
        error_setg(errp, "RAM block %s: the ram_addr space (%d bits) is full", name,
                   RAM_ADDR_SPACE_BITS);
        munmap(host, max_length);
        free(rb);
        return NULL;
    }
    RAMBlock **pp = &ram_list;
    while (*pp && (*pp)->offset < rb->offset) {
        pp = &(*pp)->next;
    }
    rb->next = *pp;
    *pp = rb;
    pthread_mutex_unlock(&ram_list_lock);

    /* New RAM: no code translated from it, never sent, never drawn. */
    cpu_physical_memory_set_dirty_range(rb->offset, rb->max_length, DIRTY_MEMORY_ALL);
    return rb;
}

void ram_block_ref(RAMBlock *rb)
{
    atomic_fetch_add((_Atomic int *)&rb->refcount, 1);
}

void ram_block_unref(RAMBlock *rb)
{
    if (atomic_fetch_sub((_Atomic int *)&rb->refcount, 1) != 1) {
        return;
    }
    munmap(rb->host, rb->max_length);
    free(rb);
}

void ram_block_free(RAMBlock *rb)
{
    if (!rb) {
        return;
    }
    pthread_mutex_lock(&ram_list_lock);
    for (RAMBlock **pp = &ram_list; *pp; pp = &(*pp)->next) {
        if (*pp == rb) {
            *pp = rb->next;
            break;
        }
    }
    rb->mr = NULL;
    /* Clear the range while still holding the lock, so a new block that
     * reuses it starts from our "all set" and not from stale bits. */
    uint64_t first, last;
    if (page_range(rb->offset, rb->max_length, &first, &last)) {
        for (int c = 0; c < DIRTY_CLIENTS; c++) {
            bitmap_update(c, first, last, true);
        }
    }
    pthread_mutex_unlock(&ram_list_lock);
    ram_block_unref(rb);
}

int ram_block_foreach(int (*fn)(RAMBlock *rb, void *opaque), void *opaque)
{
    int ret = 0;
    /* fn may call lookups (which take the lock): walk a snapshot. The big
     * lock keeps blocks from being freed meanwhile. */
    pthread_mutex_lock(&ram_list_lock);
    size_t n = 0;
    for (RAMBlock *rb = ram_list; rb; rb = rb->next) {
        n++;
    }
    RAMBlock **snap = calloc(n ? n : 1, sizeof(*snap));
    n = 0;
    for (RAMBlock *rb = ram_list; rb && snap; rb = rb->next) {
        snap[n++] = rb;
    }
    pthread_mutex_unlock(&ram_list_lock);
    for (size_t i = 0; i < n && !ret; i++) {
        ret = fn(snap[i], opaque);
    }
    free(snap);
    return ret;
}

RAMBlock *ram_block_by_name(const char *name)
{
    RAMBlock *found = NULL;
    pthread_mutex_lock(&ram_list_lock);
    for (RAMBlock *rb = ram_list; rb; rb = rb->next) {
        if (!strcmp(rb->name, name)) {
            found = rb;
            break;
        }
    }
    pthread_mutex_unlock(&ram_list_lock);
    return found;
}

RAMBlock *ram_block_from_ram_addr(ram_addr_t addr)
{
    RAMBlock *found = NULL;
    pthread_mutex_lock(&ram_list_lock);
    for (RAMBlock *rb = ram_list; rb; rb = rb->next) {
        if (addr >= rb->offset && addr - rb->offset < rb->used_length) {
            found = rb;
            break;
        }
    }
    pthread_mutex_unlock(&ram_list_lock);
    return found;
}

RAMBlock *ram_block_from_host(const void *ptr, ram_addr_t *offset)
{
    RAMBlock *found = NULL;
    uintptr_t p = (uintptr_t)ptr;
    pthread_mutex_lock(&ram_list_lock);
    for (RAMBlock *rb = ram_list; rb; rb = rb->next) {
        uintptr_t h = (uintptr_t)rb->host;
        if (p >= h && p - h < rb->max_length) {
            found = rb;
            if (offset) {
                *offset = p - h;
            }
            break;
        }
    }
    pthread_mutex_unlock(&ram_list_lock);
    return found;
}

void *ram_addr_to_host(ram_addr_t addr)
{
    RAMBlock *rb = ram_block_from_ram_addr(addr);
    return rb ? rb->host + (addr - rb->offset) : NULL;
}

ram_addr_t ram_bytes_total(void)
{
    ram_addr_t total = 0;
    pthread_mutex_lock(&ram_list_lock);
    for (RAMBlock *rb = ram_list; rb; rb = rb->next) {
        total += rb->used_length;
    }
    pthread_mutex_unlock(&ram_list_lock);
    return total;
}

/* ---- DMA mapping ---- */

/*
 * Every live mapping is recorded, so unmap knows whether the pointer is
 * RAM (and which block, even if the block already left the list) or a
 * bounce buffer. Mappings are few and short-lived; a mutex-guarded list
 * is plenty.
 */
#define BOUNCE_MAX (64 * 1024)

typedef struct DmaMapping {
    void *buffer;
    RAMBlock *block; /* direct mapping: the block held */
    ram_addr_t ram_addr;
    AddressSpace *as; /* bounce: where to write back */
    hwaddr addr;
    MemTxAttrs attrs;
    struct DmaMapping *next;
} DmaMapping;

static pthread_mutex_t dma_lock = PTHREAD_MUTEX_INITIALIZER;
static DmaMapping *dma_mappings;

static void dma_record(DmaMapping *m)
{
    pthread_mutex_lock(&dma_lock);
    m->next = dma_mappings;
    dma_mappings = m;
    pthread_mutex_unlock(&dma_lock);
}

static DmaMapping *dma_take(void *buffer)
{
    DmaMapping *found = NULL;
    pthread_mutex_lock(&dma_lock);
    for (DmaMapping **pp = &dma_mappings; *pp; pp = &(*pp)->next) {
        if ((*pp)->buffer == buffer) {
            found = *pp;
            *pp = found->next;
            break;
        }
    }
    pthread_mutex_unlock(&dma_lock);
    return found;
}

void *address_space_map(AddressSpace *as, hwaddr addr, hwaddr *plen, bool is_write,
                        MemTxAttrs attrs)
{
    hwaddr want = *plen;
    if (want == 0) {
        return NULL;
    }
    DmaMapping *m = calloc(1, sizeof(*m));
    if (!m) {
        *plen = 0;
        return NULL;
    }
    FlatView *view = address_space_get_flatview(as);
    unsigned i = flatview_find(view, addr);
    const FlatRange *r = i < view->nr ? &view->ranges[i] : NULL;

    if (r && r->start <= addr && r->host && (!is_write || !r->readonly)) {
        /* direct: extend over following ranges that continue the same
         * host memory (one region the view shows in several pieces) */
        hwaddr delta = addr - r->start;
        uint8_t *host = r->host + delta;
        RAMBlock *rb = r->mr->ram_block;
        uint64_t got = flat_range_remaining(r, addr);
        while (got != 0 && got < want && ++i < view->nr) {
            const FlatRange *n = &view->ranges[i];
            if (n->start != addr + got || n->host != host + got || (is_write && n->readonly)) {
                break;
            }
            got += flat_range_remaining(n, n->start);
        }
        if (got != 0 && got < want) {
            *plen = got;
        }
        ram_block_ref(rb);
        m->buffer = host;
        m->block = rb;
        m->ram_addr = r->ram_addr + delta;
        flatview_unref(view);
        dma_record(m);
        return host;
    }
    flatview_unref(view);

    /* bounce: anything that is not plain RAM in the direction asked */
    hwaddr l = want < BOUNCE_MAX ? want : BOUNCE_MAX;
    m->buffer = malloc(l);
    if (!m->buffer) {
        free(m);
        *plen = 0;
        return NULL;
    }
    m->as = as;
    m->addr = addr;
    m->attrs = attrs;
    if (!is_write) {
        address_space_read(as, addr, attrs, m->buffer, l);
    }
    *plen = l;
    dma_record(m);
    return m->buffer;
}

void address_space_unmap(AddressSpace *as, void *buffer, hwaddr len, bool is_write,
                         hwaddr access_len)
{
    DmaMapping *m = dma_take(buffer);
    if (!m) {
        return; /* not ours: a caller bug, but never worth a crash */
    }
    if (access_len > len) {
        access_len = len;
    }
    if (m->block) {
        if (is_write && m->block->mr) {
            /* (a block freed while mapped no longer has dirty bits) */
            ram_block_notify_write(m->ram_addr, access_len);
        }
        ram_block_unref(m->block);
    } else {
        if (is_write && access_len) {
            address_space_write(m->as, m->addr, m->attrs, m->buffer, access_len);
        }
        free(m->buffer);
    }
    free(m);
}
