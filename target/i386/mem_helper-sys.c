/*
 * System mode: the helpers that access guest memory themselves (LOCK'ed
 * read-modify-write, CMPXCHG8B/16B, FXSAVE/FXRSTOR) through the softmmu
 * TLB, at the MMU index of the current CPL.
 *
 * Atomicity: an access within one RAM page whose TLB entry is clean for
 * writing (filled for a store first, so the page walk has set the dirty
 * bit and checked write permission) is done with host atomics on the
 * RAM's host address, so it is atomic against other vCPUs. Otherwise
 * (MMIO, a page whose dirty flags are not all set yet, an access that
 * crosses a page) it is a load and a store through the slow path, which
 * is atomic only while no other vCPU runs. The load always comes first
 * and the store faults before anything is written, so a fault leaves the
 * insn restartable.
 */
#include <string.h>

#include "exec/cpu-exec.h"
#include "fx_image.h"
#include "seg_helper.h"

/* the host address for an atomic access, or NULL */
static void *atomic_host(CPUX86State *env, uint64_t addr, int size, int mmu, uintptr_t ra)
{
    CPUState *cs = env_cpu(env);
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
    CPUState *cs = env_cpu(env);
    int op = desc & 0xff;
    int ot = desc >> 8;
    int mmu = x86_mmu_index_cpl(env);
    void *p = atomic_host(env, addr, 1 << ot, mmu, ra);

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
    uint64_t old = cpu_ld_mmu(cs, addr, (MemOp)ot, mmu, ra);
    cpu_st_mmu(cs, addr, alu_op(op, old, val), (MemOp)ot, mmu, ra);
    return old;
}

uint64_t helper_atomic_cmpxchg(CPUX86State *env, uint64_t addr, uint64_t cmpv, uint64_t newv,
                               uint32_t ot)
{
    uintptr_t ra = GETPC();
    CPUState *cs = env_cpu(env);
    int mmu = x86_mmu_index_cpl(env);
    void *p = atomic_host(env, addr, 1 << ot, mmu, ra);

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
    uint64_t old = cpu_ld_mmu(cs, addr, (MemOp)ot, mmu, ra);
    /* a locked CMPXCHG always writes (the old value when unequal) */
    cpu_st_mmu(cs, addr, old == (cmpv & mask) ? newv : old, (MemOp)ot, mmu, ra);
    return old;
}

static uint64_t current_flags(CPUX86State *env)
{
    return helper_cc_compute_all(env->cc_dst, env->cc_src, env->cc_src2, env->cc_op);
}

static void set_zf(CPUX86State *env, uint64_t flags, bool z)
{
    env->cc_src = (flags & ~(uint64_t)CC_Z) | (z ? CC_Z : 0);
    env->cc_op = CC_OP_EFLAGS;
}

void helper_cmpxchg8b(CPUX86State *env, uint64_t addr, uint32_t parallel)
{
    uintptr_t ra = GETPC();
    CPUState *cs = env_cpu(env);
    int mmu = x86_mmu_index_cpl(env);
    uint64_t cmp = ((env->regs[R_EDX] & 0xffffffff) << 32) | (uint32_t)env->regs[R_EAX];
    uint64_t nv = ((env->regs[R_ECX] & 0xffffffff) << 32) | (uint32_t)env->regs[R_EBX];
    uint64_t flags = current_flags(env);
    uint64_t old = cmp;
    bool ok;
    uint64_t *p = atomic_host(env, addr, 8, mmu, ra);

    if (p) {
        ok = __atomic_compare_exchange_n(p, &old, nv, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    } else {
        old = cpu_ld_mmu(cs, addr, MO_64, mmu, ra);
        ok = old == cmp;
        cpu_st_mmu(cs, addr, ok ? nv : old, MO_64, mmu, ra);
    }
    (void)parallel;
    if (!ok) {
        env->regs[R_EAX] = (uint32_t)old;
        env->regs[R_EDX] = old >> 32;
    }
    set_zf(env, flags, ok);
}

void helper_cmpxchg16b(CPUX86State *env, uint64_t addr, uint32_t parallel)
{
    uintptr_t ra = GETPC();
    CPUState *cs = env_cpu(env);
    int mmu = x86_mmu_index_cpl(env);

    if (addr & 15) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    uint64_t lo = env->regs[R_EAX], hi = env->regs[R_EDX];
    uint64_t flags = current_flags(env);
    bool ok;
    void *p = atomic_host(env, addr, 16, mmu, ra);

    if (p) {
        __asm__ volatile("lock cmpxchg16b %1"
                         : "=@ccz"(ok), "+m"(*(unsigned __int128 *)p), "+a"(lo), "+d"(hi)
                         : "b"(env->regs[R_EBX]), "c"(env->regs[R_ECX])
                         : "memory");
    } else {
        uint64_t olo = cpu_ld_mmu(cs, addr, MO_64, mmu, ra);
        uint64_t ohi = cpu_ld_mmu(cs, addr + 8, MO_64, mmu, ra);
        ok = olo == lo && ohi == hi;
        cpu_st_mmu(cs, addr, ok ? env->regs[R_EBX] : olo, MO_64, mmu, ra);
        cpu_st_mmu(cs, addr + 8, ok ? env->regs[R_ECX] : ohi, MO_64, mmu, ra);
        lo = olo;
        hi = ohi;
    }
    (void)parallel;
    if (!ok) {
        env->regs[R_EAX] = lo;
        env->regs[R_EDX] = hi;
    }
    set_zf(env, flags, ok);
}

void helper_fxsave(CPUX86State *env, uint64_t addr, uint32_t rex_w)
{
    uintptr_t ra = GETPC();
    CPUState *cs = env_cpu(env);
    int mmu = x86_mmu_index_cpl(env);
    uint8_t img[512];

    if (addr & 15) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    /* fault on the last byte before writing anything */
    cpu_st_mmu(cs, addr + 511, cpu_ld_mmu(cs, addr + 511, MO_8, mmu, ra), MO_8, mmu, ra);
    fx_image_save(env, img, rex_w);
    for (int i = 0; i < 416; i += 8) {
        cpu_st_mmu(cs, addr + i, fx_ld64(img + i), MO_64, mmu, ra);
    }
}

void helper_fxrstor(CPUX86State *env, uint64_t addr, uint32_t rex_w)
{
    uintptr_t ra = GETPC();
    CPUState *cs = env_cpu(env);
    int mmu = x86_mmu_index_cpl(env);
    uint8_t img[512];

    if (addr & 15) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    for (int i = 0; i < 416; i += 8) {
        fx_st64(img + i, cpu_ld_mmu(cs, addr + i, MO_64, mmu, ra));
    }
    if (!fx_image_load(env, img, rex_w)) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
}
