/*
 * The TB cache: a hash table from (pc, cs_base, flags, cflags) to TBs, the
 * per-page lists of TBs used to invalidate code that the guest overwrites,
 * and direct chaining between TBs (with the reverse lists needed to unchain
 * a TB that is invalidated).
 *
 * Everything that changes these structures holds tb_lock. The hash table
 * is read without the lock: a TB is fully initialised before it is
 * published with a release store, and stays readable until tb_flush (which
 * runs with all other CPUs stopped). A reader may find a TB that is being
 * invalidated; it checks tb->invalid.
 *
 * List links that must say which of a TB's two slots they go through
 * (page lists, incoming-jump lists) are tagged pointers: TB | slot.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "util/log.h"
#ifdef CONFIG_USER_ONLY
#include "user/page.h"
#else
#include "exec/ram.h"
#endif

#define TB_HASH_BITS 16
#define TB_HASH_SIZE (1u << TB_HASH_BITS)
#define PAGE_HASH_BITS 14
#define PAGE_HASH_SIZE (1u << PAGE_HASH_BITS)
#define CODE_PAGE_BITS 12

typedef struct PageDesc {
    uint64_t index; /* guest address >> CODE_PAGE_BITS */
    uintptr_t first; /* tagged: TB | slot */
    struct PageDesc *next;
} PageDesc;

static TranslationBlock *tb_hash[TB_HASH_SIZE];
static PageDesc *page_hash[PAGE_HASH_SIZE];
uint32_t tb_flush_count;

static inline uintptr_t tag(TranslationBlock *tb, int n) { return (uintptr_t)tb | (uintptr_t)n; }
static inline TranslationBlock *untag(uintptr_t p) { return (TranslationBlock *)(p & ~(uintptr_t)3); }
static inline int tag_slot(uintptr_t p) { return (int)(p & 3); }

static uint32_t tb_hash_func(uint64_t pc, uint64_t cs_base, uint32_t flags, uint32_t cflags)
{
    uint64_t h = pc * 0x9e3779b97f4a7c15ull;
    h ^= (cs_base + flags) * 0xc2b2ae3d27d4eb4full;
    h ^= cflags;
    return (uint32_t)(h >> (64 - TB_HASH_BITS));
}

void tb_maint_init(void)
{
    memset(tb_hash, 0, sizeof(tb_hash));
}

TranslationBlock *tb_htable_lookup(uint64_t pc, uint64_t cs_base, uint32_t flags, uint32_t cflags,
                                   uint64_t phys_page)
{
    uint32_t h = tb_hash_func(pc, cs_base, flags, cflags);
    TranslationBlock *tb = __atomic_load_n(&tb_hash[h], __ATOMIC_ACQUIRE);

    for (; tb; tb = __atomic_load_n(&tb->hash_next, __ATOMIC_ACQUIRE)) {
        if (tb->pc == pc && tb->cs_base == cs_base && tb->flags == flags &&
            tb->cflags == cflags && (phys_page == TB_PAGE_NONE || tb->page_addr[0] == phys_page) &&
            !__atomic_load_n(&tb->invalid, __ATOMIC_ACQUIRE)) {
            return tb;
        }
    }
    return NULL;
}

void tb_htable_insert(TranslationBlock *tb)
{
    uint32_t h = tb_hash_func(tb->pc, tb->cs_base, tb->flags, tb->cflags);

    tb->hash_next = tb_hash[h];
    __atomic_store_n(&tb_hash[h], tb, __ATOMIC_RELEASE);
}

static void tb_htable_remove(TranslationBlock *tb)
{
    uint32_t h = tb_hash_func(tb->pc, tb->cs_base, tb->flags, tb->cflags);
    TranslationBlock **pp = &tb_hash[h];

    for (; *pp; pp = &(*pp)->hash_next) {
        if (*pp == tb) {
            /* readers already past tb keep following tb->hash_next */
            __atomic_store_n(pp, tb->hash_next, __ATOMIC_RELEASE);
            return;
        }
    }
}

static PageDesc *page_find(uint64_t index, bool alloc)
{
    uint32_t h = (uint32_t)((index * 0x9e3779b97f4a7c15ull) >> (64 - PAGE_HASH_BITS));
    PageDesc *pd;

    for (pd = page_hash[h]; pd; pd = pd->next) {
        if (pd->index == index) {
            return pd;
        }
    }
    if (!alloc) {
        return NULL;
    }
    pd = calloc(1, sizeof(*pd));
    if (!pd) {
        abort(); /* host out of memory: nothing sensible to do */
    }
    pd->index = index;
    pd->next = page_hash[h];
    page_hash[h] = pd;
    return pd;
}

void tb_link_pages(TranslationBlock *tb)
{
    for (int n = 0; n < 2; n++) {
        if (tb->page_addr[n] == TB_PAGE_NONE) {
            continue;
        }
        PageDesc *pd = page_find(tb->page_addr[n] >> CODE_PAGE_BITS, true);
        bool first_code = pd->first == 0;

        tb->page_next[n] = (TranslationBlock *)pd->first;
        pd->first = tag(tb, n);
#ifdef CONFIG_USER_ONLY
        if (first_code) {
            page_protect(tb->page_addr[n]);
        }
#else
        /* the next guest write to the page takes the not-dirty slow path */
        (void)first_code;
        cpu_physical_memory_clear_dirty_range(tb->page_addr[n], 4096, DIRTY_MEMORY_CODE);
#endif
    }
}

static void page_list_remove(TranslationBlock *tb, int n)
{
    PageDesc *pd = page_find(tb->page_addr[n] >> CODE_PAGE_BITS, false);
    uintptr_t *pp;

    if (!pd) {
        return;
    }
    for (pp = &pd->first; *pp; pp = (uintptr_t *)&untag(*pp)->page_next[tag_slot(*pp)]) {
        if (untag(*pp) == tb && tag_slot(*pp) == n) {
            *pp = (uintptr_t)tb->page_next[n];
            return;
        }
    }
}

/* Make from's exit n jump to to's code; record the edge in to's list. */
void tb_add_jump(TranslationBlock *from, int n, TranslationBlock *to)
{
    tb_lock();
    if (from->jmp_dest[n] || from->invalid || to->invalid) {
        tb_unlock();
        return;
    }
    from->jmp_dest[n] = to;
    from->jmp_list_next[n] = to->jmp_list_first;
    from->jmp_list_next_n[n] = to->jmp_list_first_n;
    to->jmp_list_first = from;
    to->jmp_list_first_n = (uint8_t)n;
    tcg_backend->set_jmp_target((uintptr_t)from->tc_ptr + from->jmp_insn_offset[n],
                                (uintptr_t)to->tc_ptr);
    tb_unlock();
}

static void tb_reset_jump(TranslationBlock *from, int n)
{
    tcg_backend->set_jmp_target((uintptr_t)from->tc_ptr + from->jmp_insn_offset[n],
                                (uintptr_t)from->tc_ptr + from->jmp_reset_offset[n]);
    from->jmp_dest[n] = NULL;
}

/* Remove the edge (from, n) from the incoming list of its destination. */
static void tb_remove_incoming(TranslationBlock *dest, TranslationBlock *from, int n)
{
    TranslationBlock **pp = &dest->jmp_list_first;
    uint8_t *ppn = &dest->jmp_list_first_n;

    while (*pp) {
        TranslationBlock *t = *pp;
        int tn = *ppn;
        if (t == from && tn == n) {
            *pp = t->jmp_list_next[tn];
            *ppn = t->jmp_list_next_n[tn];
            return;
        }
        pp = &t->jmp_list_next[tn];
        ppn = &t->jmp_list_next_n[tn];
    }
}

static void tb_invalidate(TranslationBlock *tb)
{
    __atomic_store_n(&tb->invalid, true, __ATOMIC_RELEASE);
    tb_htable_remove(tb);
    for (int n = 0; n < 2; n++) {
        if (tb->page_addr[n] != TB_PAGE_NONE) {
            page_list_remove(tb, n);
        }
    }
    /* unchain every TB that jumps here */
    TranslationBlock *from = tb->jmp_list_first;
    int fn = tb->jmp_list_first_n;
    while (from) {
        TranslationBlock *next = from->jmp_list_next[fn];
        int next_n = from->jmp_list_next_n[fn];
        tb_reset_jump(from, fn);
        from = next;
        fn = next_n;
    }
    tb->jmp_list_first = NULL;
    /* and leave the lists of the TBs this one jumps to */
    for (int n = 0; n < 2; n++) {
        if (tb->jmp_dest[n]) {
            tb_remove_incoming(tb->jmp_dest[n], tb, n);
            tb_reset_jump(tb, n);
        }
    }
}

/*
 * Whether the part of tb's code on its page n lies in [start, end), in the
 * address space page_addr[] are in: guest-virtual in linux-user, ram_addr
 * in system mode (where tb->pc is virtual, so the offsets come from it).
 */
static bool tb_overlaps(const TranslationBlock *tb, int n, uint64_t start, uint64_t end)
{
    uint64_t page_size = 1ull << CODE_PAGE_BITS;
    uint64_t off = tb->pc & (page_size - 1);
    uint64_t lo, hi;

    if (n == 0) {
        lo = tb->page_addr[0] + off;
        hi = off + tb->size > page_size ? tb->page_addr[0] + page_size : lo + tb->size;
    } else {
        lo = tb->page_addr[1];
        hi = lo + ((off + tb->size) - page_size);
    }
    return lo < end && hi > start;
}

void tb_invalidate_phys_range(uint64_t start, uint64_t end)
{
    if (end <= start) {
        return;
    }
    tb_lock();
    for (uint64_t index = start >> CODE_PAGE_BITS; index <= (end - 1) >> CODE_PAGE_BITS;
         index++) {
        PageDesc *pd = page_find(index, false);
        if (!pd) {
            continue;
        }
        uintptr_t p = pd->first;
        while (p) {
            TranslationBlock *tb = untag(p);
            uintptr_t next = (uintptr_t)tb->page_next[tag_slot(p)];
            if (tb_overlaps(tb, tag_slot(p), start, end)) {
                log_mask_printf(LOG_EXEC, "invalidate TB %p pc=0x%016llx\n", (void *)tb,
                                (unsigned long long)tb->pc);
                tb_invalidate(tb);
            }
            p = next;
        }
    }
    tb_unlock();
}

void tb_maint_reset(void)
{
    memset(tb_hash, 0, sizeof(tb_hash));
    for (uint32_t h = 0; h < PAGE_HASH_SIZE; h++) {
        PageDesc *pd = page_hash[h];
        while (pd) {
            PageDesc *next = pd->next;
            free(pd);
            pd = next;
        }
        page_hash[h] = NULL;
    }
    __atomic_add_fetch(&tb_flush_count, 1, __ATOMIC_SEQ_CST);
}
