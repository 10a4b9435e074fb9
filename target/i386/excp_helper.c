/*
 * System mode: the x86 page walk (SDM vol. 3, chapter 4) behind the
 * softmmu TLB's fill hook.
 *
 * Modes: paging off (linear = physical), 32-bit paging (2 levels, 4 MiB
 * pages with CR4.PSE), PAE (3 levels, 2 MiB pages) and 4-level paging in
 * long mode (2 MiB and 1 GiB pages). Permissions accumulate over the
 * levels: an access is user-allowed only if every level has U/S, writable
 * only if every level has R/W (for supervisor accesses only when CR0.WP),
 * executable unless some level has XD (with EFER.NXE). Accessed bits are
 * set on every level walked and the dirty bit on the leaf for writes,
 * with a compare-and-swap on the entry in guest RAM so that another vCPU
 * (or the guest OS clearing them) never loses an update. A read fill of a
 * clean writable page leaves write permission out of the TLB entry, so
 * that the first write comes back here and sets the dirty bit.
 *
 * Faults raise #PF with CR2 = the linear address and the error code
 * P/W/U/RSVD/I-D, or #GP(0) for a non-canonical address in long mode.
 */
#include <string.h>

#include "exec/cpu-exec.h"
#include "exec/cputlb.h"
#include "seg_helper.h"

#define PG_PRESENT (1ull << 0)
#define PG_RW (1ull << 1)
#define PG_USER (1ull << 2)
#define PG_ACCESSED (1ull << 5)
#define PG_DIRTY (1ull << 6)
#define PG_PSE (1ull << 7)
#define PG_GLOBAL (1ull << 8)
#define PG_NX (1ull << 63)

#define PF_P 0x01
#define PF_W 0x02
#define PF_U 0x04
#define PF_RSVD 0x08
#define PF_ID 0x10

/* physical address bits the CPU reports in CPUID 0x80000008 */
#define X86_PHYS_BITS 40
#define PHYS_ADDR_MASK (((1ull << X86_PHYS_BITS) - 1) & ~0xfffull)

typedef struct X86PageWalk {
    hwaddr paddr;
    uint64_t page_size;
    int prot;
    bool global;
    int error_code; /* on failure */
    bool gp;        /* on failure: #GP(0) rather than #PF */
} X86PageWalk;

static AddressSpace *cpu_as(CPUX86State *env)
{
    CPUState *cs = env_cpu(env);

    return cs->as ? cs->as : &address_space_memory;
}

/* Paging-structure entries are read and updated through the TLB's cached
 * guest-physical -> host translation (tlb_phys_host) when they are in RAM,
 * the memory API otherwise. Another vCPU may update an entry at any time:
 * the RAM reads are single atomic loads. The cache belongs to the CPU's
 * own thread: a debugger's walk from another thread (walk_uncached) goes
 * through the memory API. */
static __thread bool walk_uncached;

static void *pte_host(CPUX86State *env, hwaddr addr, ram_addr_t *ra, bool *ro)
{
    CPUState *cs = env_cpu(env);

    if (!cs->tlb || walk_uncached) {
        return NULL;
    }
    return tlb_phys_host(cs, addr, ra, ro);
}

static uint64_t pte_load(CPUX86State *env, hwaddr addr, bool is64)
{
    ram_addr_t ra;
    bool ro;
    void *host = pte_host(env, addr, &ra, &ro);

    if (host && !(addr & (is64 ? 7 : 3))) {
        if (is64) {
            return __atomic_load_n((uint64_t *)host, __ATOMIC_RELAXED);
        }
        return __atomic_load_n((uint32_t *)host, __ATOMIC_RELAXED);
    }
    if (is64) {
        return address_space_ldq(cpu_as(env), addr, MEMTXATTRS_UNSPECIFIED, NULL);
    }
    return address_space_ldl(cpu_as(env), addr, MEMTXATTRS_UNSPECIFIED, NULL);
}

/* Set bits in a paging-structure entry that held old: atomically in RAM. */
static void pte_set_bits(CPUX86State *env, hwaddr addr, uint64_t old, uint64_t bits, bool is64)
{
    MemoryRegionXlat x;

    if ((old & bits) == bits) {
        return;
    }
    bool ro = true;
    x.host = pte_host(env, addr, &x.ram_addr, &ro);
    x.readonly = ro;
    if (!x.host) {
        address_space_translate_for_tlb(cpu_as(env), addr, MEMTXATTRS_UNSPECIFIED, &x);
    }
    if (x.host && !x.readonly) {
        if (is64) {
            __atomic_fetch_or((uint64_t *)x.host, bits, __ATOMIC_SEQ_CST);
        } else {
            __atomic_fetch_or((uint32_t *)x.host, (uint32_t)bits, __ATOMIC_SEQ_CST);
        }
        ram_block_notify_write(x.ram_addr, is64 ? 8 : 4);
        return;
    }
    /* page tables outside RAM: a plain write is all we can do */
    if (is64) {
        address_space_stq(cpu_as(env), addr, old | bits, MEMTXATTRS_UNSPECIFIED, NULL);
    } else {
        address_space_stl(cpu_as(env), addr, (uint32_t)(old | bits), MEMTXATTRS_UNSPECIFIED,
                          NULL);
    }
}

/*
 * Walk the page tables for addr. access: MMU_DATA_LOAD/STORE/INST_FETCH;
 * user: the access is made at CPL 3 (not an implicit supervisor access).
 * Returns true with w filled, or false with the fault in w.
 */
bool x86_page_walk(CPUX86State *env, uint64_t addr, int access, bool user, X86PageWalk *w)
{
    bool is_write = access == MMU_DATA_STORE;
    bool is_fetch = access == MMU_INST_FETCH;
    bool nxe = (env->efer & EFER_NXE) != 0;
    bool pae = (env->cr[4] & CR4_PAE_MASK) != 0;
    bool lma = (env->hflags & HF_LMA_MASK) != 0;
    uint64_t rsvd_hi = ~PHYS_ADDR_MASK & ~0xfffull & ~(nxe ? PG_NX : 0);
    int err = (is_write ? PF_W : 0) | (user ? PF_U : 0);
    uint64_t allowed_user = PG_USER, allowed_rw = PG_RW, nx = 0;
    uint64_t pte;
    hwaddr pte_addr;
    uint64_t page_size;
    int levels;

    memset(w, 0, sizeof(*w));
    if (is_fetch && ((env->cr[4] & CR4_SMEP_MASK) || (pae && nxe))) {
        err |= PF_ID;
    }
    if (!(env->cr[0] & CR0_PG_MASK)) {
        w->paddr = addr & (lma ? ~0ull : 0xffffffffull);
        w->page_size = TARGET_PAGE_SIZE;
        w->prot = PAGE_READ | PAGE_WRITE | PAGE_EXEC;
        return true;
    }

    if (!pae) {
        /* 32-bit paging */
        uint32_t a = (uint32_t)addr;
        pte_addr = (env->cr[3] & 0xfffff000) + ((a >> 20) & 0xffc);
        uint64_t pde = pte_load(env, pte_addr, false);
        if (!(pde & PG_PRESENT)) {
            goto not_present;
        }
        allowed_user &= pde;
        allowed_rw &= pde;
        if ((pde & PG_PSE) && (env->cr[4] & CR4_PSE_MASK)) {
            if (pde & 0x3fe000) { /* bits 21:13, no PSE-36 */
                goto reserved;
            }
            pte = pde;
            page_size = 4ull << 20;
            w->paddr = (pde & 0xffc00000) | (a & 0x3ff000);
        } else {
            pte_set_bits(env, pte_addr, pde, PG_ACCESSED, false);
            pte_addr = (pde & 0xfffff000) + ((a >> 10) & 0xffc);
            pte = pte_load(env, pte_addr, false);
            if (!(pte & PG_PRESENT)) {
                goto not_present;
            }
            allowed_user &= pte;
            allowed_rw &= pte;
            page_size = TARGET_PAGE_SIZE;
            w->paddr = pte & 0xfffff000;
        }
        goto check;
    }

    if (lma) {
        /* canonical check: bits 63:47 all equal */
        if ((uint64_t)((int64_t)(addr << 16) >> 16) != addr) {
            w->gp = true;
            return false;
        }
        pte_addr = (env->cr[3] & PHYS_ADDR_MASK) + (((addr >> 39) & 0x1ff) << 3);
        levels = 4;
    } else {
        addr &= 0xffffffff;
        pte_addr = (env->cr[3] & 0xffffffe0) + (((addr >> 30) & 3) << 3);
        uint64_t pdpte = pte_load(env, pte_addr, true);
        if (!(pdpte & PG_PRESENT)) {
            goto not_present;
        }
        /* PAE PDPTEs: no R/W, U/S, A, XD; bits 1,2,5-8 reserved */
        if ((pdpte & ~PHYS_ADDR_MASK & ~0xe19ull) || (pdpte & 0x1e6)) {
            goto reserved;
        }
        pte_addr = (pdpte & PHYS_ADDR_MASK) + (((addr >> 21) & 0x1ff) << 3);
        levels = 2;
    }

    for (int level = levels; level >= 1; level--) {
        pte = pte_load(env, pte_addr, true);
        if (!(pte & PG_PRESENT)) {
            goto not_present;
        }
        if (pte & rsvd_hi) {
            goto reserved;
        }
        allowed_user &= pte;
        allowed_rw &= pte;
        nx |= pte & PG_NX;
        if (level == 1) {
            page_size = TARGET_PAGE_SIZE;
            w->paddr = pte & PHYS_ADDR_MASK;
            goto check;
        }
        if (pte & PG_PSE) {
            if (level == 4) {
                goto reserved;
            }
            if (level == 3 && !(env->ext_features_edx & (1u << 26))) {
                goto reserved; /* 1 GiB pages not advertised */
            }
            page_size = level == 3 ? (1ull << 30) : (2ull << 20);
            /* the low address bits of a large page (except PAT) */
            if (pte & (page_size - 1) & ~0x1fffull) {
                goto reserved;
            }
            w->paddr = (pte & PHYS_ADDR_MASK & ~(page_size - 1)) | (addr & (page_size - 1) &
                                                                      ~0xfffull);
            goto check;
        }
        pte_set_bits(env, pte_addr, pte, PG_ACCESSED, true);
        pte_addr = (pte & PHYS_ADDR_MASK) + (((addr >> (12 + 9 * (level - 2))) & 0x1ff) << 3);
    }
    /* not reached */
    goto not_present;

check: {
    bool is64 = pae;
    int prot = PAGE_READ;
    bool wp = (env->cr[0] & CR0_WP_MASK) != 0;

    if (user) {
        if (!allowed_user) {
            goto protection;
        }
        if (allowed_rw) {
            prot |= PAGE_WRITE;
        }
    } else {
        if (allowed_rw || !wp) {
            prot |= PAGE_WRITE;
        }
    }
    if (!(nxe && nx)) {
        prot |= PAGE_EXEC;
        if (!user && allowed_user && (env->cr[4] & CR4_SMEP_MASK)) {
            prot &= ~PAGE_EXEC;
        }
    }
    if ((is_write && !(prot & PAGE_WRITE)) || (is_fetch && !(prot & PAGE_EXEC))) {
        goto protection;
    }
    uint64_t bits = PG_ACCESSED | (is_write ? PG_DIRTY : 0);
    pte_set_bits(env, pte_addr, pte, bits, is64);
    if (!is_write && !(pte & PG_DIRTY)) {
        prot &= ~PAGE_WRITE; /* the first write must set D */
    }
    w->paddr |= addr & (TARGET_PAGE_SIZE - 1) & 0; /* page aligned */
    w->page_size = page_size;
    w->prot = prot;
    w->global = (env->cr[4] & CR4_PGE_MASK) && (pte & PG_GLOBAL);
    return true;
}

protection:
    w->error_code = err | PF_P;
    return false;
reserved:
    w->error_code = err | PF_P | PF_RSVD;
    return false;
not_present:
    w->error_code = err;
    return false;
}

static bool x86_mmu_is_user(int mmu_idx)
{
    return mmu_idx == X86_MMU_USER;
}

bool x86_cpu_tlb_fill(CPUState *cs, uint64_t addr, int size, int access_type, int mmu_idx,
                      bool probe, uintptr_t retaddr)
{
    CPUX86State *env = cpu_env(cs);
    X86PageWalk w;

    if (x86_page_walk(env, addr, access_type, x86_mmu_is_user(mmu_idx), &w)) {
        uint64_t vpage = addr & ~(w.page_size - 1);
        /* the 4 KiB piece of a large page that addr is in */
        hwaddr pa = w.paddr | (addr & (w.page_size - 1) & TARGET_PAGE_MASK);
        (void)vpage;
        tlb_set_page(cs, addr, pa, w.prot, mmu_idx, w.page_size, w.global);
        return true;
    }
    if (probe) {
        return false;
    }
    if (w.gp) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, retaddr);
    }
    env->cr[2] = addr;
    env->exception_addr = addr;
    env->exception_is_write = access_type == MMU_DATA_STORE;
    raise_exception_err_ra(env, EXCP0E_PAGE, w.error_code, retaddr);
}

int x86_cpu_mmu_index_code(CPUState *cs)
{
    return x86_mmu_index_cpl(cpu_env(cs));
}

/* Debugger/monitor translation: the physical address of addr, or -1. */
hwaddr x86_cpu_get_phys_page(CPUX86State *env, uint64_t addr)
{
    X86PageWalk w;

    walk_uncached = true;
    bool ok = x86_page_walk(env, addr, MMU_DATA_LOAD, false, &w);
    walk_uncached = false;
    if (!ok) {
        return (hwaddr)-1;
    }
    return w.paddr | (addr & (w.page_size - 1) & TARGET_PAGE_MASK);
}
