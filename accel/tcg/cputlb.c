/*
 * The softmmu TLB (system mode): filling entries from the target's page
 * walk, the slow paths for misses, MMIO, not-dirty pages and accesses that
 * cross a page, and flushing. See include/exec/cputlb.h for the entry
 * format and the locking rules.
 *
 * Dirty tracking (DESIGN.md): a RAM page whose dirty flags are not all set
 * is entered for writing with TLB_NOTDIRTY. Its first write comes here:
 * translated code on the page is invalidated if DIRTY_MEMORY_CODE was
 * clear, the flags are set, and the entry becomes a fast one. Clearing a
 * flag (the display, migration, translation of code) calls
 * tlb_reset_dirty_range_all, which re-arms TLB_NOTDIRTY on every CPU's
 * entries for those pages.
 */
#include <stdlib.h>
#include <string.h>

#include "exec/cputlb.h"
#include "exec/cpu-exec.h"
#include "internal.h"
#include "util/log.h"

typedef struct CPUTLBEntryFull {
    hwaddr phys;       /* guest-physical page address */
    ram_addr_t ram_addr; /* RAM_ADDR_INVALID unless RAM */
    uint64_t page_mask; /* of the guest mapping (large pages) */
    bool global;
} CPUTLBEntryFull;

/*
 * Guest-physical RAM pages -> host, for the page walker (every paging
 * structure read) and tlb_set_page, which would otherwise take the address
 * space's map lock and a view reference per lookup. The cache holds a
 * reference to the view its entries came from; it is used only while that
 * view is still the address space's current one (comparing the pointer is
 * enough, as the reference keeps the view, and so its address, alive), and
 * emptied as soon as the view changes.
 */
#define TLB_PHYS_BITS 8
#define TLB_PHYS_SIZE (1 << TLB_PHYS_BITS)

typedef struct TLBPhysEntry {
    hwaddr page;     /* -1: empty */
    uint8_t *host;   /* of the page; NULL: not (all) RAM */
    ram_addr_t ram_addr;
    bool readonly;
} TLBPhysEntry;

/* Behind the per-page entries, the last few RAM ranges translated: a
 * translation gives the length of RAM left in its range, so the pages
 * that follow need no lookup in the view at all. */
#define TLB_PHYS_SEGS 8

typedef struct TLBPhysSeg {
    hwaddr start, end; /* [start, end) pages; empty when start == end */
    uint8_t *host;     /* of start */
    ram_addr_t ram_addr;
    bool readonly;
} TLBPhysSeg;

/*
 * Flushes are frequent (every CR3 write; with Linux's page table isolation
 * that is twice per system call and interrupt) while few entries are
 * filled between two of them, so each mode keeps a log of the slots filled
 * since its last flush, and a flush clears only those. A log that
 * overflows makes the next flush clear the whole mode. Modes never filled
 * are skipped by flushes and by dirty tracking (used_modes only grows, so
 * another thread's tlb_reset_dirty_range_all never misses a mode).
 */
#define TLB_FILL_LOG 128

/*
 * The jump cache maps virtual pcs to TBs, so it is emptied with the TLB;
 * it is logged the same way. A slot whose TB was entered through a global
 * code mapping (and lies within that page) survives a non-global flush,
 * as the mapping does: with page table isolation the kernel's text is
 * global while the CR3 writes of every system call drop the rest.
 */
#define TLB_JC_LOG 512
#define TLB_JC_GLOBAL 1u   /* the slot's TB came through a global mapping */
#define TLB_JC_IN_NGLOG 2u /* the slot is in jc_log[0] */
#define TLB_JC_IN_GLOG 4u  /* the slot is in jc_log[1] */

struct CPUTLB {
    CPUTLBEntry table[NB_MMU_MODES][CPU_TLB_SIZE];
    CPUTLBEntryFull full[NB_MMU_MODES][CPU_TLB_SIZE];
    /* the large pages mapped, so flush_page can tell when to flush all */
    uint64_t large_page_addr[NB_MMU_MODES];
    uint64_t large_page_mask[NB_MMU_MODES];
    uint16_t fill_log[NB_MMU_MODES][TLB_FILL_LOG];
    unsigned nb_fill[NB_MMU_MODES]; /* > TLB_FILL_LOG: overflowed */
    unsigned used_modes;            /* bit m: mode m was ever filled */
    /* tlb_phys_host's cache, valid for the view it holds a reference to */
    FlatView *phys_view;
    TLBPhysEntry phys[TLB_PHYS_SIZE];
    TLBPhysSeg phys_seg[TLB_PHYS_SEGS];
    unsigned phys_seg_next; /* replaced next */
    /* the jump cache slots set since the last flush of their kind, as for
     * the TLB: [0] through non-global mappings, [1] through global ones */
    uint16_t jc_log[2][TLB_JC_LOG];
    unsigned nb_jc[2];                    /* > TLB_JC_LOG: overflowed */
    uint8_t jc_flags[TB_JMP_CACHE_SIZE]; /* TLB_JC_* */
};

static CPUState *tlb_cpus[64];
static int tlb_nb_cpus;

static inline unsigned tlb_index(uint64_t addr)
{
    return (unsigned)(addr >> TARGET_PAGE_BITS) & (CPU_TLB_SIZE - 1);
}

static void tlb_entry_clear(CPUTLBEntry *e)
{
    e->addr_read = e->addr_write = e->addr_code = (uint64_t)-1;
    e->addend = 0;
}

void tlb_init(CPUState *cs, AddressSpace *as)
{
    cs->tlb = calloc(1, sizeof(CPUTLB));
    if (!cs->tlb) {
        abort();
    }
    cs->as = as;
    for (int m = 0; m < NB_MMU_MODES; m++) {
        cs->tlb_fast[m].mask = (uintptr_t)(CPU_TLB_SIZE - 1) << CPU_TLB_ENTRY_BITS;
        cs->tlb_fast[m].table = cs->tlb->table[m];
        cs->tlb->large_page_addr[m] = (uint64_t)-1;
        cs->tlb->nb_fill[m] = TLB_FILL_LOG + 1; /* calloc's zeros are not empty slots */
    }
    cs->tlb->used_modes = (1u << NB_MMU_MODES) - 1;
    cs->tlb->nb_jc[0] = TLB_JC_LOG + 1;
    tlb_flush(cs);
    cs->tlb->used_modes = 0;
    for (int i = 0; i < TLB_PHYS_SIZE; i++) {
        cs->tlb->phys[i].page = (hwaddr)-1;
    }
    if (tlb_nb_cpus < (int)(sizeof(tlb_cpus) / sizeof(tlb_cpus[0]))) {
        tlb_cpus[tlb_nb_cpus++] = cs;
    }
    ram_dirty_cleared_hook = tlb_reset_dirty_range_all;
    /* generated code finds the TLB relative to env (same for every CPU) */
    if (tcg_ctx) {
        tcg_ctx->softmmu = true;
        tcg_ctx->tlb_fast_ofs = (intptr_t)((char *)&cs->tlb_fast[0] - (char *)cs->env_ptr);
    }
}

static bool tlb_entry_empty(const CPUTLBEntry *e)
{
    return (e->addr_read & e->addr_write & e->addr_code) == (uint64_t)-1;
}

/* Clear slot i of mode m unless keep_global and it holds a global page;
 * returns true when the slot keeps a translation. */
static bool tlb_flush_slot(CPUTLB *tlb, int m, unsigned i, bool keep_global)
{
    if (keep_global && tlb->full[m][i].global) {
        return !tlb_entry_empty(&tlb->table[m][i]);
    }
    tlb_entry_clear(&tlb->table[m][i]);
    tlb->full[m][i].global = false;
    return false;
}

/* Add slot h to the log of its kind (TLB_JC_GLOBAL or 0). */
static void tlb_jc_log(CPUTLB *tlb, unsigned h, unsigned kind)
{
    unsigned *n = &tlb->nb_jc[kind];
    uint8_t bit = kind ? TLB_JC_IN_GLOG : TLB_JC_IN_NGLOG;

    if (tlb->jc_flags[h] & bit) {
        return;
    }
    if (*n < TLB_JC_LOG) {
        tlb->jc_log[kind][*n] = (uint16_t)h;
        tlb->jc_flags[h] |= bit;
    }
    if (*n <= TLB_JC_LOG) {
        (*n)++;
    }
}

static void tlb_jc_clear_slot(CPUState *cs, unsigned h)
{
    cs->tb_jmp_cache[h] = NULL;
    cs->tlb->jc_flags[h] = 0; /* entries left in the logs are now stale */
}

static bool tlb_jc_overflowed(const CPUTLB *tlb)
{
    return tlb->nb_jc[0] > TLB_JC_LOG || tlb->nb_jc[1] > TLB_JC_LOG;
}

/* A full flush: every slot goes. */
static void tlb_jc_flush_all(CPUState *cs)
{
    CPUTLB *tlb = cs->tlb;

    if (tlb_jc_overflowed(tlb)) {
        memset(cs->tb_jmp_cache, 0, sizeof(cs->tb_jmp_cache));
        memset(tlb->jc_flags, 0, sizeof(tlb->jc_flags));
    } else {
        for (unsigned kind = 0; kind < 2; kind++) {
            for (unsigned k = 0; k < tlb->nb_jc[kind]; k++) {
                tlb_jc_clear_slot(cs, tlb->jc_log[kind][k]);
            }
        }
    }
    tlb->nb_jc[0] = tlb->nb_jc[1] = 0;
}

/* A non-global flush: the slots of TBs entered through global mappings stay. */
static void tlb_jc_flush_nonglobal(CPUState *cs)
{
    CPUTLB *tlb = cs->tlb;
    unsigned n = tlb->nb_jc[0];

    if (n > TLB_JC_LOG) {
        for (unsigned h = 0; h < TB_JMP_CACHE_SIZE; h++) {
            tlb->jc_flags[h] &= (uint8_t)~TLB_JC_IN_NGLOG;
            if (!(tlb->jc_flags[h] & TLB_JC_GLOBAL)) {
                tlb_jc_clear_slot(cs, h);
            }
        }
    } else {
        for (unsigned k = 0; k < n; k++) {
            unsigned h = tlb->jc_log[0][k];
            if (tlb->jc_flags[h] & TLB_JC_IN_NGLOG) {
                tlb->jc_flags[h] &= (uint8_t)~TLB_JC_IN_NGLOG;
                if (!(tlb->jc_flags[h] & TLB_JC_GLOBAL)) {
                    tlb_jc_clear_slot(cs, h);
                }
            }
        }
    }
    tlb->nb_jc[0] = 0;
}

/* Does the TB in slot h have a byte in the page of addr? */
static bool tlb_jc_in_page(CPUState *cs, unsigned h, uint64_t addr)
{
    const TranslationBlock *tb = cs->tb_jmp_cache[h];

    if (!tb) {
        return false;
    }
    uint64_t last = tb->pc + (tb->size ? tb->size - 1 : 0);
    return ((tb->pc ^ addr) & TARGET_PAGE_MASK) == 0 || ((last ^ addr) & TARGET_PAGE_MASK) == 0;
}

/* INVLPG: the slots of TBs on that page go. */
static void tlb_jc_flush_page(CPUState *cs, uint64_t addr)
{
    CPUTLB *tlb = cs->tlb;

    if (tlb_jc_overflowed(tlb)) {
        for (unsigned h = 0; h < TB_JMP_CACHE_SIZE; h++) {
            if (tlb_jc_in_page(cs, h, addr)) {
                tlb_jc_clear_slot(cs, h);
            }
        }
        return;
    }
    for (unsigned kind = 0; kind < 2; kind++) {
        uint8_t bit = kind ? TLB_JC_IN_GLOG : TLB_JC_IN_NGLOG;
        unsigned kept = 0;
        for (unsigned k = 0; k < tlb->nb_jc[kind]; k++) {
            unsigned h = tlb->jc_log[kind][k];
            if (!(tlb->jc_flags[h] & bit)) {
                continue; /* stale */
            }
            if (tlb_jc_in_page(cs, h, addr)) {
                tlb_jc_clear_slot(cs, h);
            } else {
                tlb->jc_log[kind][kept++] = (uint16_t)h;
            }
        }
        tlb->nb_jc[kind] = kept;
    }
}

void tlb_jmp_cache_set(CPUState *cs, uint32_t h, TranslationBlock *tb)
{
    CPUTLB *tlb = cs->tlb;
    int m = cs->cc->mmu_index_code ? cs->cc->mmu_index_code(cs) : 0;
    unsigned i = tlb_index(tb->pc);
    const CPUTLBEntry *e = &tlb->table[m][i];
    uint64_t last = tb->pc + (tb->size ? tb->size - 1 : 0);
    bool global = tlb->full[m][i].global && tb->page_addr[1] == TB_PAGE_NONE &&
                  (e->addr_code & (TARGET_PAGE_MASK | TLB_INVALID)) ==
                      (tb->pc & TARGET_PAGE_MASK) &&
                  ((tb->pc ^ last) & TARGET_PAGE_MASK) == 0;

    cs->tb_jmp_cache[h] = tb;
    tlb->jc_flags[h] = (uint8_t)((tlb->jc_flags[h] & (TLB_JC_IN_GLOG | TLB_JC_IN_NGLOG)) |
                                 (global ? TLB_JC_GLOBAL : 0));
    tlb_jc_log(tlb, h, global ? 1 : 0);
}

static void tlb_flush_filter(CPUState *cs, bool keep_global)
{
    CPUTLB *tlb = cs->tlb;

    for (int m = 0; m < NB_MMU_MODES; m++) {
        if (!(tlb->used_modes & (1u << m))) {
            continue;
        }
        unsigned n = tlb->nb_fill[m], kept = 0;
        if (n <= TLB_FILL_LOG) {
            /* the logged slots; those kept (global) stay logged */
            for (unsigned k = 0; k < n; k++) {
                unsigned i = tlb->fill_log[m][k];
                if (tlb_flush_slot(tlb, m, i, keep_global)) {
                    tlb->fill_log[m][kept++] = (uint16_t)i;
                }
            }
        } else {
            for (unsigned i = 0; i < CPU_TLB_SIZE; i++) {
                if (tlb_flush_slot(tlb, m, i, keep_global)) {
                    if (kept < TLB_FILL_LOG) {
                        tlb->fill_log[m][kept] = (uint16_t)i;
                    }
                    kept++;
                }
            }
        }
        tlb->nb_fill[m] = kept;
        tlb->large_page_addr[m] = (uint64_t)-1;
        tlb->large_page_mask[m] = 0;
    }
    /* TBs are found by virtual pc: the jump cache depends on the mapping */
    if (keep_global) {
        tlb_jc_flush_nonglobal(cs);
    } else {
        tlb_jc_flush_all(cs);
    }
}

void tlb_flush(CPUState *cs) { tlb_flush_filter(cs, false); }
void tlb_flush_nonglobal(CPUState *cs) { tlb_flush_filter(cs, true); }

void tlb_flush_page(CPUState *cs, uint64_t addr)
{
    CPUTLB *tlb = cs->tlb;

    addr &= TARGET_PAGE_MASK;
    for (int m = 0; m < NB_MMU_MODES; m++) {
        if ((addr & tlb->large_page_mask[m]) == tlb->large_page_addr[m]) {
            /* inside a large page: its 4 KiB entries are scattered */
            tlb_flush(cs);
            return;
        }
        CPUTLBEntry *e = &tlb->table[m][tlb_index(addr)];
        if ((e->addr_read & TARGET_PAGE_MASK) == addr ||
            (e->addr_write & TARGET_PAGE_MASK) == addr ||
            (e->addr_code & TARGET_PAGE_MASK) == addr) {
            tlb_entry_clear(e);
        }
    }
    tlb_jc_flush_page(cs, addr);
}

static bool ram_page_all_dirty(ram_addr_t ram_addr)
{
    return cpu_physical_memory_get_dirty_flags(ram_addr) == DIRTY_MEMORY_ALL;
}

/* The cached translation of the page of paddr (filled on a miss), or NULL
 * when that page is not all RAM/ROM. */
static const TLBPhysEntry *tlb_phys_lookup(CPUState *cs, hwaddr paddr)
{
    CPUTLB *tlb = cs->tlb;
    hwaddr page = paddr & TARGET_PAGE_MASK;
    TLBPhysEntry *p = &tlb->phys[(page >> TARGET_PAGE_BITS) & (TLB_PHYS_SIZE - 1)];

    if (__atomic_load_n(&cs->as->current_map, __ATOMIC_ACQUIRE) != tlb->phys_view) {
        FlatView *v = address_space_get_flatview(cs->as);
        flatview_unref(tlb->phys_view);
        tlb->phys_view = v;
        for (int i = 0; i < TLB_PHYS_SIZE; i++) {
            tlb->phys[i].page = (hwaddr)-1;
        }
        for (int i = 0; i < TLB_PHYS_SEGS; i++) {
            tlb->phys_seg[i].start = tlb->phys_seg[i].end = 0;
        }
    } else if (p->page == page) {
        return p->host ? p : NULL;
    }
    p->page = page;
    /* in a RAM segment seen before? */
    for (int i = 0; i < TLB_PHYS_SEGS; i++) {
        const TLBPhysSeg *g = &tlb->phys_seg[i];
        if (page - g->start < g->end - g->start) {
            p->host = g->host + (page - g->start);
            p->ram_addr = g->ram_addr + (page - g->start);
            p->readonly = g->readonly;
            return p;
        }
    }
    /* a miss: translated in the current view, which may already be newer
     * than phys_view; then the next lookup sees the change and empties
     * the cache, so an entry never outlives the view it came from */
    MemoryRegionXlat x;
    address_space_translate_for_tlb(cs->as, page, MEMTXATTRS_UNSPECIFIED, &x);
    if (!x.host || (x.len != 0 && x.len < TARGET_PAGE_SIZE)) {
        p->host = NULL; /* not (all) RAM: remembered too */
        return NULL;
    }
    p->host = x.host;
    p->ram_addr = x.ram_addr;
    p->readonly = x.readonly;
    /* the rest of the range from this page on is RAM at the same offsets */
    TLBPhysSeg *g = &tlb->phys_seg[tlb->phys_seg_next];
    tlb->phys_seg_next = (tlb->phys_seg_next + 1) % TLB_PHYS_SEGS;
    uint64_t len = x.len ? x.len & TARGET_PAGE_MASK : (uint64_t)0 - page;
    g->start = page;
    g->end = page + len < page ? (hwaddr)-1 & TARGET_PAGE_MASK : page + len;
    g->host = x.host;
    g->ram_addr = x.ram_addr;
    g->readonly = x.readonly;
    return p;
}

void *tlb_phys_host(CPUState *cs, hwaddr paddr, ram_addr_t *ram_addr, bool *readonly)
{
    const TLBPhysEntry *p = tlb_phys_lookup(cs, paddr);
    hwaddr off = paddr & ~TARGET_PAGE_MASK;

    if (!p) {
        return NULL;
    }
    *ram_addr = p->ram_addr + off;
    *readonly = p->readonly;
    return p->host + off;
}

void tlb_set_page(CPUState *cs, uint64_t vaddr, hwaddr paddr, int prot, int mmu_idx,
                  uint64_t size, bool global)
{
    CPUTLB *tlb = cs->tlb;
    MemoryRegionXlat x = { 0 };

    vaddr &= TARGET_PAGE_MASK;
    if (size > TARGET_PAGE_SIZE) {
        uint64_t lp_mask = ~(size - 1);
        if (tlb->large_page_addr[mmu_idx] == (uint64_t)-1) {
            tlb->large_page_addr[mmu_idx] = vaddr & lp_mask;
            tlb->large_page_mask[mmu_idx] = lp_mask;
        } else {
            /* widen the tracked range until it covers both */
            while ((tlb->large_page_addr[mmu_idx] ^ vaddr) & lp_mask) {
                lp_mask <<= 1;
            }
            tlb->large_page_mask[mmu_idx] = lp_mask;
            tlb->large_page_addr[mmu_idx] &= lp_mask;
        }
    }
    paddr &= TARGET_PAGE_MASK;
    /* RAM only when the whole page has one mapping */
    const TLBPhysEntry *pe = tlb_phys_lookup(cs, paddr);
    bool ram = pe != NULL;
    if (ram) {
        x.host = pe->host;
        x.ram_addr = pe->ram_addr;
        x.readonly = pe->readonly;
    }

    unsigned idx = tlb_index(vaddr);
    CPUTLBEntry *e = &tlb->table[mmu_idx][idx];
    CPUTLBEntryFull *f = &tlb->full[mmu_idx][idx];

    if (!(tlb->used_modes & (1u << mmu_idx))) {
        __atomic_or_fetch(&tlb->used_modes, 1u << mmu_idx, __ATOMIC_SEQ_CST);
    }
    if (tlb_entry_empty(e)) {
        unsigned n = tlb->nb_fill[mmu_idx];
        if (n < TLB_FILL_LOG) {
            tlb->fill_log[mmu_idx][n] = (uint16_t)idx;
        }
        if (n <= TLB_FILL_LOG) {
            tlb->nb_fill[mmu_idx] = n + 1;
        }
    }
    f->phys = paddr;
    f->ram_addr = ram ? x.ram_addr : RAM_ADDR_INVALID;
    f->page_mask = ~(size - 1);
    f->global = global;

    uint64_t read_tag = vaddr | (ram ? 0 : TLB_MMIO);
    uint64_t write_tag = vaddr;
    if (!ram || x.readonly) {
        write_tag |= TLB_MMIO;
    } else if (!ram_page_all_dirty(x.ram_addr)) {
        write_tag |= TLB_NOTDIRTY;
    }
    e->addend = ram ? (uintptr_t)x.host - vaddr : 0;
    e->addr_read = (prot & PAGE_READ) ? read_tag : (uint64_t)-1;
    e->addr_code = (prot & PAGE_EXEC) ? read_tag : (uint64_t)-1;
    __atomic_store_n(&e->addr_write, (prot & PAGE_WRITE) ? write_tag : (uint64_t)-1,
                     __ATOMIC_RELEASE);
}

/* Re-arm TLB_NOTDIRTY for RAM [start, start + len) on every CPU. */
void tlb_reset_dirty_range_all(ram_addr_t start, ram_addr_t len)
{
    for (int c = 0; c < tlb_nb_cpus; c++) {
        CPUTLB *tlb = tlb_cpus[c]->tlb;
        unsigned used = __atomic_load_n(&tlb->used_modes, __ATOMIC_SEQ_CST);
        for (int m = 0; m < NB_MMU_MODES; m++) {
            if (!(used & (1u << m))) {
                continue;
            }
            for (int i = 0; i < CPU_TLB_SIZE; i++) {
                CPUTLBEntry *e = &tlb->table[m][i];
                ram_addr_t ra = tlb->full[m][i].ram_addr;
                uint64_t w = __atomic_load_n(&e->addr_write, __ATOMIC_RELAXED);
                if (ra != RAM_ADDR_INVALID && ra - start < len && !(w & TLB_FLAGS_MASK)) {
                    __atomic_or_fetch(&e->addr_write, TLB_NOTDIRTY, __ATOMIC_SEQ_CST);
                }
            }
        }
    }
}

static uint64_t tlb_tag(const CPUTLBEntry *e, int access_type)
{
    switch (access_type) {
    case MMU_DATA_STORE:
        return __atomic_load_n(&e->addr_write, __ATOMIC_ACQUIRE);
    case MMU_INST_FETCH:
        return e->addr_code;
    default:
        return e->addr_read;
    }
}

/* The entry for the page of addr, filled if needed; NULL on a probe that
 * faulted. */
static CPUTLBEntry *tlb_lookup(CPUState *cs, uint64_t addr, int access_type, int mmu_idx,
                               int size, bool probe, uintptr_t retaddr,
                               CPUTLBEntryFull **full)
{
    uint64_t page = addr & TARGET_PAGE_MASK;
    unsigned idx = tlb_index(addr);
    CPUTLBEntry *e = &cs->tlb->table[mmu_idx][idx];

    if ((tlb_tag(e, access_type) & (TARGET_PAGE_MASK | TLB_INVALID)) != page) {
        if (!cs->cc->tlb_fill(cs, addr, size, access_type, mmu_idx, probe, retaddr)) {
            return NULL;
        }
        /* the fill may have used another slot only if the target misbehaved */
        if ((tlb_tag(e, access_type) & (TARGET_PAGE_MASK | TLB_INVALID)) != page) {
            return NULL;
        }
    }
    *full = &cs->tlb->full[mmu_idx][idx];
    return e;
}

static void notdirty_write(CPUState *cs, CPUTLBEntry *e, CPUTLBEntryFull *f, hwaddr len_page_off,
                           unsigned size)
{
    ram_addr_t ra = f->ram_addr + len_page_off;

    if (!(cpu_physical_memory_get_dirty_flags(ra) & DIRTY_MEMORY_CODE)) {
        tb_invalidate_phys_range(ra & RAM_PAGE_MASK, (ra & RAM_PAGE_MASK) + RAM_PAGE_SIZE);
    }
    cpu_physical_memory_set_dirty_range(ra, size, DIRTY_MEMORY_ALL);
    if (ram_page_all_dirty(f->ram_addr)) {
        __atomic_and_fetch(&e->addr_write, ~(uint64_t)TLB_NOTDIRTY, __ATOMIC_SEQ_CST);
    }
}

/* One access that stays within a page. */
static uint64_t ld_page(CPUState *cs, uint64_t addr, unsigned size, int mmu_idx,
                        int access_type, uintptr_t retaddr)
{
    CPUTLBEntryFull *f;
    CPUTLBEntry *e = tlb_lookup(cs, addr, access_type, mmu_idx, (int)size, false, retaddr, &f);
    uint64_t v = 0;

    if (!e) {
        cpu_loop_exit_restore(cs, retaddr);
    }
    if (tlb_tag(e, access_type) & TLB_MMIO) {
        address_space_read(cs->as, f->phys | (addr & ~TARGET_PAGE_MASK), MEMTXATTRS_UNSPECIFIED,
                           &v, size);
    } else {
        memcpy(&v, (void *)(uintptr_t)(addr + e->addend), size);
    }
    return v;
}

static void st_page(CPUState *cs, uint64_t addr, uint64_t val, unsigned size, int mmu_idx,
                    uintptr_t retaddr)
{
    CPUTLBEntryFull *f;
    CPUTLBEntry *e = tlb_lookup(cs, addr, MMU_DATA_STORE, mmu_idx, (int)size, false, retaddr,
                                &f);

    if (!e) {
        cpu_loop_exit_restore(cs, retaddr);
    }
    uint64_t tag = tlb_tag(e, MMU_DATA_STORE);
    if (tag & TLB_MMIO) {
        address_space_write(cs->as, f->phys | (addr & ~TARGET_PAGE_MASK), MEMTXATTRS_UNSPECIFIED,
                            &val, size);
        return;
    }
    if (tag & TLB_NOTDIRTY) {
        notdirty_write(cs, e, f, addr & ~TARGET_PAGE_MASK, size);
    }
    memcpy((void *)(uintptr_t)(addr + e->addend), &val, size);
}

static uint64_t memop_extend(uint64_t v, MemOp mop)
{
    unsigned bits = 8u << (mop & MO_SIZE);

    if (mop & MO_BSWAP) {
        v = __builtin_bswap64(v) >> (64 - bits);
    }
    if (bits < 64) {
        v &= (1ull << bits) - 1;
        if ((mop & MO_SIGN) && (v >> (bits - 1))) {
            v |= ~0ull << bits;
        }
    }
    return v;
}

static void check_align(CPUState *cs, uint64_t addr, MemOp mop, int access_type,
                        uintptr_t retaddr)
{
    unsigned size = 1u << (mop & MO_SIZE);

    if ((mop & MO_ALIGN) && (addr & (size - 1)) && cs->cc->do_unaligned_access) {
        cs->cc->do_unaligned_access(cs, addr, access_type, retaddr);
    }
}

uint64_t cpu_ld_mmu(CPUState *cs, uint64_t addr, MemOp mop, int mmu_idx, uintptr_t retaddr)
{
    unsigned size = 1u << (mop & MO_SIZE);
    uint64_t v;

    check_align(cs, addr, mop, MMU_DATA_LOAD, retaddr);
    unsigned in_page = TARGET_PAGE_SIZE - (addr & ~TARGET_PAGE_MASK);
    if (size <= in_page) {
        v = ld_page(cs, addr, size, mmu_idx, MMU_DATA_LOAD, retaddr);
    } else {
        /* crosses a page: both halves must translate before either is used */
        uint64_t lo = ld_page(cs, addr, in_page, mmu_idx, MMU_DATA_LOAD, retaddr);
        uint64_t hi = ld_page(cs, addr + in_page, size - in_page, mmu_idx, MMU_DATA_LOAD,
                              retaddr);
        v = lo | (hi << (8 * in_page));
    }
    return memop_extend(v, mop);
}

void cpu_st_mmu(CPUState *cs, uint64_t addr, uint64_t val, MemOp mop, int mmu_idx,
                uintptr_t retaddr)
{
    unsigned size = 1u << (mop & MO_SIZE);

    check_align(cs, addr, mop, MMU_DATA_STORE, retaddr);
    if (mop & MO_BSWAP) {
        val = __builtin_bswap64(val) >> (64 - 8 * size);
    }
    unsigned in_page = TARGET_PAGE_SIZE - (addr & ~TARGET_PAGE_MASK);
    if (size <= in_page) {
        st_page(cs, addr, val, size, mmu_idx, retaddr);
        return;
    }
    /* crosses a page: fault on either page before writing anything */
    CPUTLBEntryFull *f;
    if (!tlb_lookup(cs, addr + in_page, MMU_DATA_STORE, mmu_idx, 1, false, retaddr, &f)) {
        cpu_loop_exit_restore(cs, retaddr);
    }
    st_page(cs, addr, val, in_page, mmu_idx, retaddr);
    st_page(cs, addr + in_page, val >> (8 * in_page), size - in_page, mmu_idx, retaddr);
}

uint64_t helper_ld_mmu(void *env, uint64_t addr, uint32_t oi, uintptr_t retaddr)
{
    (void)env;
    return cpu_ld_mmu(current_cpu, addr, get_memop(oi), (int)get_mmuidx(oi), retaddr);
}

void helper_st_mmu(void *env, uint64_t addr, uint64_t val, uint32_t oi, uintptr_t retaddr)
{
    (void)env;
    cpu_st_mmu(current_cpu, addr, val, get_memop(oi), (int)get_mmuidx(oi), retaddr);
}

ram_addr_t get_page_addr_code(CPUState *cs, uint64_t pc, void **host, bool probe)
{
    int mmu_idx = cs->cc->mmu_index_code ? cs->cc->mmu_index_code(cs) : 0;
    CPUTLBEntryFull *f;
    CPUTLBEntry *e = tlb_lookup(cs, pc, MMU_INST_FETCH, mmu_idx, 1, probe, 0, &f);

    if (!e || (e->addr_code & TLB_MMIO)) {
        /* executing from MMIO is not supported: the caller treats it as
         * a fetch fault */
        return RAM_ADDR_INVALID;
    }
    *host = (void *)(uintptr_t)(pc + e->addend);
    return f->ram_addr + (pc & ~TARGET_PAGE_MASK);
}
