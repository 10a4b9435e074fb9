/*
 * Helpers that touch guest memory themselves: LOCK-prefixed atomics,
 * CMPXCHG8B/16B, FXSAVE/FXRSTOR.
 *
 * In user mode guest memory is host memory at g2h(addr): the range is
 * first checked against the guest's page flags, so that a bad address
 * raises the guest's #PF with the insn's state restored (GETPC), and the
 * access itself then runs on the host (__atomic builtins, which give
 * true atomicity against other guest threads). Writes to pages that
 * hold translated code fault on the host and are retried by the SIGSEGV
 * handler after page_unprotect(). This file is linux-user only: the
 * system emulator's versions (mem_helper-sys.c) go through the softmmu
 * TLB.
 */
#include <string.h>

#include "exec/cpu-exec.h"
#include "fx_image.h"
#include "translate-internal.h"
#include "user/page.h"

static void *probe_access(CPUX86State *env, uint64_t addr, uint64_t len, bool write,
                          uintptr_t ra)
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
    void *p = probe_access(env, addr, 1 << ot, true, ra);

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

uint64_t helper_atomic_cmpxchg(CPUX86State *env, uint64_t addr, uint64_t cmpv, uint64_t newv,
                               uint32_t ot)
{
    uintptr_t ra = GETPC();
    void *p = probe_access(env, addr, 1 << ot, true, ra);

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
    uint64_t *p = probe_access(env, addr, 8, true, ra);
    uint64_t cmp = ((env->regs[R_EDX] & 0xffffffff) << 32) | (uint32_t)env->regs[R_EAX];
    uint64_t nv = ((env->regs[R_ECX] & 0xffffffff) << 32) | (uint32_t)env->regs[R_EBX];
    uint64_t flags = current_flags(env);
    uint64_t old = cmp;
    bool ok;

    if (parallel) {
        ok = __atomic_compare_exchange_n(p, &old, nv, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    } else {
        memcpy(&old, p, 8);
        ok = old == cmp;
        memcpy(p, ok ? &nv : &old, 8);
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

    if (addr & 15) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    uint64_t *p = probe_access(env, addr, 16, true, ra);
    uint64_t lo = env->regs[R_EAX], hi = env->regs[R_EDX];
    uint64_t flags = current_flags(env);
    bool ok;

    __asm__ volatile("lock cmpxchg16b %1"
                     : "=@ccz"(ok), "+m"(*(unsigned __int128 *)p), "+a"(lo), "+d"(hi)
                     : "b"(env->regs[R_EBX]), "c"(env->regs[R_ECX])
                     : "memory");
    if (!ok) {
        env->regs[R_EAX] = lo;
        env->regs[R_EDX] = hi;
    }
    set_zf(env, flags, ok);
}

/* FXSAVE/FXRSTOR straight on guest memory (fx_image.h) */
void helper_fxsave(CPUX86State *env, uint64_t addr, uint32_t rex_w)
{
    uintptr_t ra = GETPC();

    if (addr & 15) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    fx_image_save(env, probe_access(env, addr, 512, true, ra), rex_w);
}

void helper_fxrstor(CPUX86State *env, uint64_t addr, uint32_t rex_w)
{
    uintptr_t ra = GETPC();

    if (addr & 15) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    if (!fx_image_load(env, probe_access(env, addr, 512, false, ra), rex_w)) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
}
