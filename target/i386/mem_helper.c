/*
 * Helpers that touch guest memory themselves: LOCK-prefixed atomics,
 * CMPXCHG8B/16B, FXSAVE/FXRSTOR, for both modes. Only the accessors at
 * the top differ:
 *
 * User mode: guest memory is host memory at g2h(addr). The range is first
 * checked against the guest's page flags, so that a bad address raises
 * the guest's #PF with the insn's state restored (GETPC); the access then
 * runs on the host. Writes to pages that hold translated code fault on
 * the host and are retried by the SIGSEGV handler after page_unprotect().
 *
 * System mode: through the softmmu TLB at the MMU index of the current
 * CPL. An access within one RAM page whose TLB entry is clean for writing
 * (filled for a store first, so the page walk has set the dirty bit and
 * checked write permission) runs on the RAM's host address. Otherwise
 * (MMIO, a page whose dirty flags are not all set yet, an access that
 * crosses a page) it is a load and a store through the slow path, which
 * is atomic only while no other vCPU runs. The load always comes first
 * and the store faults before anything is written, so a fault leaves the
 * insn restartable.
 *
 * Host accesses use __atomic builtins: true atomicity against the other
 * guest threads or vCPUs.
 */
#include <string.h>

#include "exec/cpu-exec.h"
#include "fx_image.h"
#include "translate-internal.h"
#ifdef CONFIG_USER_ONLY
#include "user/page.h"
#else
#include "seg_helper.h"
#endif

/* FXRSTOR reads the first 416 bytes of its 512; FXSAVE writes up to the
 * last XMM register of the mode (8 or 16 of them) */
#define FX_IMAGE_USED 416
#define FX_IMAGE_SAVED(env) (160 + 16 * fx_nb_xmm(env))

#ifdef CONFIG_USER_ONLY
/* the host address of [addr, addr + len), or the guest's #PF */
static void *mem_host(CPUX86State *env, uint64_t addr, uint64_t len, bool write, uintptr_t ra)
{
    int need = PAGE_READ | (write ? PAGE_WRITE : 0);

    if (!page_check_range(addr, len, need)) {
        uint64_t bad = addr;
        /* report the first page that fails */
        for (uint64_t pg = addr & TARGET_PAGE_MASK; pg < addr + len; pg += TARGET_PAGE_SIZE) {
            if (!page_check_range(pg < addr ? addr : pg, 1, need)) {
                bad = pg < addr ? addr : pg;
                break;
            }
        }
        env->exception_addr = bad;
        env->exception_is_write = write;
        env->error_code = 4 | (write ? 2 : 0) | (page_get_flags(bad) ? 1 : 0);
        raise_exception_err_ra(env, EXCP0E_PAGE, env->error_code, ra);
    }
    return g2h(addr);
}

/* the host address for a read-modify-write of size bytes (never NULL
 * here: user memory is always host memory) */
static void *rmw_host(CPUX86State *env, uint64_t addr, int size, uintptr_t ra)
{
    return mem_host(env, addr, size, true, ra);
}

/* unreached: rmw_host never fails in user mode */
static uint64_t mem_ld(CPUX86State *env, uint64_t addr, MemOp ot, uintptr_t ra)
{
    uint64_t v = 0;

    memcpy(&v, mem_host(env, addr, 1u << ot, false, ra), 1u << ot);
    return v;
}

static void mem_st(CPUX86State *env, uint64_t addr, uint64_t v, MemOp ot, uintptr_t ra)
{
    memcpy(mem_host(env, addr, 1u << ot, true, ra), &v, 1u << ot);
}

static void mem_write_block(CPUX86State *env, uint64_t addr, const uint8_t *buf, uint64_t fault_len,
                            uint64_t len, uintptr_t ra)
{
    memcpy(mem_host(env, addr, fault_len, true, ra), buf, len);
}

static void mem_read_block(CPUX86State *env, uint64_t addr, uint8_t *buf, uint64_t len,
                           uintptr_t ra)
{
    memcpy(buf, mem_host(env, addr, len, false, ra), len);
}
#else
/* the host address for a read-modify-write of size bytes, or NULL */
static void *rmw_host(CPUX86State *env, uint64_t addr, int size, uintptr_t ra)
{
    CPUState *cs = env_cpu(env);
    int mmu = x86_mmu_index_cpl(env);
    uint64_t page = addr & TARGET_PAGE_MASK;

    if (((addr + size - 1) & TARGET_PAGE_MASK) != page) {
        return NULL;
    }
    CPUTLBEntry *e = &cs->tlb_fast[mmu].table[(addr >> TARGET_PAGE_BITS) & (CPU_TLB_SIZE - 1)];
    if (__atomic_load_n(&e->addr_write, __ATOMIC_ACQUIRE) != page || e->addr_read != page) {
        /* raises the fault a store would */
        cs->cc->tlb_fill(cs, addr, size, MMU_DATA_STORE, mmu, false, ra);
        if (__atomic_load_n(&e->addr_write, __ATOMIC_ACQUIRE) != page || e->addr_read != page) {
            return NULL;
        }
    }
    return (void *)(uintptr_t)(addr + e->addend);
}

static uint64_t mem_ld(CPUX86State *env, uint64_t addr, MemOp ot, uintptr_t ra)
{
    return cpu_ld_mmu(env_cpu(env), addr, ot, x86_mmu_index_cpl(env), ra);
}

static void mem_st(CPUX86State *env, uint64_t addr, uint64_t v, MemOp ot, uintptr_t ra)
{
    cpu_st_mmu(env_cpu(env), addr, v, ot, x86_mmu_index_cpl(env), ra);
}

/* len bytes (a multiple of 8) from buf; the fault of a store anywhere in
 * [addr, addr + fault_len) comes before any write */
static void mem_write_block(CPUX86State *env, uint64_t addr, const uint8_t *buf, uint64_t fault_len,
                            uint64_t len, uintptr_t ra)
{
    mem_st(env, addr + fault_len - 1, mem_ld(env, addr + fault_len - 1, MO_8, ra), MO_8, ra);
    for (uint64_t i = 0; i < len; i += 8) {
        mem_st(env, addr + i, fx_ld64(buf + i), MO_64, ra);
    }
}

static void mem_read_block(CPUX86State *env, uint64_t addr, uint8_t *buf, uint64_t len,
                           uintptr_t ra)
{
    for (uint64_t i = 0; i < len; i += 8) {
        fx_st64(buf + i, mem_ld(env, addr + i, MO_64, ra));
    }
}
#endif

/* ---- LOCK'ed read-modify-write ---- */

static uint64_t alu_op(int op, uint64_t old, uint64_t val)
{
    switch (op) {
    case X86_ATOMIC_XCHG:
        return val;
    case X86_ATOMIC_ADD:
        return old + val;
    case X86_ATOMIC_AND:
        return old & val;
    case X86_ATOMIC_OR:
        return old | val;
    default:
        return old ^ val;
    }
}

#define ATOMIC_OPS(type)                                                       \
    switch (op) {                                                              \
    case X86_ATOMIC_XCHG:                                                      \
        return __atomic_exchange_n((type *)p, (type)val, __ATOMIC_SEQ_CST);   \
    case X86_ATOMIC_ADD:                                                       \
        return __atomic_fetch_add((type *)p, (type)val, __ATOMIC_SEQ_CST);    \
    case X86_ATOMIC_AND:                                                       \
        return __atomic_fetch_and((type *)p, (type)val, __ATOMIC_SEQ_CST);    \
    case X86_ATOMIC_OR:                                                        \
        return __atomic_fetch_or((type *)p, (type)val, __ATOMIC_SEQ_CST);     \
    default:                                                                   \
        return __atomic_fetch_xor((type *)p, (type)val, __ATOMIC_SEQ_CST);    \
    }

uint64_t helper_atomic_rmw(CPUX86State *env, uint64_t addr, uint64_t val, uint32_t desc)
{
    uintptr_t ra = GETPC();
    int op = desc & 0xff;
    int ot = desc >> 8;
    void *p = rmw_host(env, addr, 1 << ot, ra);

    if (p) {
        switch (ot) {
        case MO_8:
            ATOMIC_OPS(uint8_t)
        case MO_16:
            ATOMIC_OPS(uint16_t)
        case MO_32:
            ATOMIC_OPS(uint32_t)
        default:
            ATOMIC_OPS(uint64_t)
        }
    }
    uint64_t old = mem_ld(env, addr, (MemOp)ot, ra);
    mem_st(env, addr, alu_op(op, old, val), (MemOp)ot, ra);
    return old;
}

uint64_t helper_atomic_cmpxchg(CPUX86State *env, uint64_t addr, uint64_t cmpv, uint64_t newv,
                               uint32_t ot)
{
    uintptr_t ra = GETPC();
    void *p = rmw_host(env, addr, 1 << ot, ra);

    if (p) {
#define CAS(type)                                                                              \
    do {                                                                                       \
        type e = (type)cmpv;                                                                   \
        __atomic_compare_exchange_n((type *)p, &e, (type)newv, false, __ATOMIC_SEQ_CST,        \
                                    __ATOMIC_SEQ_CST);                                         \
        return e;                                                                              \
    } while (0)
        switch (ot) {
        case MO_8:
            CAS(uint8_t);
        case MO_16:
            CAS(uint16_t);
        case MO_32:
            CAS(uint32_t);
        default:
            CAS(uint64_t);
        }
#undef CAS
    }
    uint64_t mask = ot == MO_64 ? ~0ull : (1ull << (8 << ot)) - 1;
    uint64_t old = mem_ld(env, addr, (MemOp)ot, ra);
    /* a locked CMPXCHG always writes (the old value when unequal) */
    mem_st(env, addr, old == (cmpv & mask) ? newv : old, (MemOp)ot, ra);
    return old;
}

/* ---- CMPXCHG8B/16B ---- */

static uint64_t current_flags(CPUX86State *env)
{
    return helper_cc_compute_all(env->cc_dst, env->cc_src, env->cc_src2, env->cc_op);
}

static void set_zf(CPUX86State *env, uint64_t flags, bool z)
{
    env->cc_src = (flags & ~(uint64_t)CC_Z) | (z ? CC_Z : 0);
    env->cc_op = CC_OP_EFLAGS;
}

/* parallel (other threads run guest code) needs no special case: the
 * host access is atomic either way */
void helper_cmpxchg8b(CPUX86State *env, uint64_t addr, uint32_t parallel)
{
    uintptr_t ra = GETPC();
    uint64_t cmp = ((env->regs[R_EDX] & 0xffffffff) << 32) | (uint32_t)env->regs[R_EAX];
    uint64_t nv = ((env->regs[R_ECX] & 0xffffffff) << 32) | (uint32_t)env->regs[R_EBX];
    uint64_t flags = current_flags(env);
    uint64_t old = cmp;
    bool ok;
    uint64_t *p = rmw_host(env, addr, 8, ra);

    (void)parallel;
    if (p) {
        ok = __atomic_compare_exchange_n(p, &old, nv, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    } else {
        old = mem_ld(env, addr, MO_64, ra);
        ok = old == cmp;
        mem_st(env, addr, ok ? nv : old, MO_64, ra);
    }
    if (!ok) {
        env->regs[R_EAX] = (uint32_t)old;
        env->regs[R_EDX] = old >> 32;
    }
    set_zf(env, flags, ok);
}

void helper_cmpxchg16b(CPUX86State *env, uint64_t addr, uint32_t parallel)
{
    uintptr_t ra = GETPC();

    (void)parallel;
    if (addr & 15) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    uint64_t lo = env->regs[R_EAX], hi = env->regs[R_EDX];
    uint64_t flags = current_flags(env);
    bool ok;
    void *p = rmw_host(env, addr, 16, ra);

    if (p) {
        __asm__ volatile("lock cmpxchg16b %1"
                         : "=@ccz"(ok), "+m"(*(unsigned __int128 *)p), "+a"(lo), "+d"(hi)
                         : "b"(env->regs[R_EBX]), "c"(env->regs[R_ECX])
                         : "memory");
    } else {
        uint64_t olo = mem_ld(env, addr, MO_64, ra);
        uint64_t ohi = mem_ld(env, addr + 8, MO_64, ra);
        ok = olo == lo && ohi == hi;
        mem_st(env, addr, ok ? env->regs[R_EBX] : olo, MO_64, ra);
        mem_st(env, addr + 8, ok ? env->regs[R_ECX] : ohi, MO_64, ra);
        lo = olo;
        hi = ohi;
    }
    if (!ok) {
        env->regs[R_EAX] = lo;
        env->regs[R_EDX] = hi;
    }
    set_zf(env, flags, ok);
}

/* ---- FXSAVE/FXRSTOR (the image: fx_image.h) ---- */

void helper_fxsave(CPUX86State *env, uint64_t addr, uint32_t rex_w)
{
    uintptr_t ra = GETPC();
    uint8_t img[512];

    if (addr & 15) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    fx_image_save(env, img, rex_w);
    mem_write_block(env, addr, img, sizeof(img), FX_IMAGE_SAVED(env), ra);
}

void helper_fxrstor(CPUX86State *env, uint64_t addr, uint32_t rex_w)
{
    uintptr_t ra = GETPC();
    uint8_t img[512];

    if (addr & 15) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    mem_read_block(env, addr, img, FX_IMAGE_USED, ra);
    if (!fx_image_load(env, img, rex_w)) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
}
