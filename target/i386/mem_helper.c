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
 * handler after page_unprotect(). The system emulator will route these
 * through the softmmu TLB instead.
 */
#include <string.h>

#include "exec/cpu-exec.h"
#include "translate-internal.h"
#ifdef CONFIG_USER_ONLY
#include "user/page.h"
#endif

static void *probe_access(CPUX86State *env, uint64_t addr, uint64_t len, bool write,
                          uintptr_t ra)
{
#ifdef CONFIG_USER_ONLY
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
#else
#error "system mode: route through the TLB"
#endif
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

static void st16(uint8_t *p, uint16_t v)
{
    memcpy(p, &v, 2);
}
static void st32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}
static void st64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}
static uint16_t ld16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}
static uint32_t ld32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}
static uint64_t ld64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

#define MXCSR_MASK 0xffff

static int fx_nb_xmm(CPUX86State *env)
{
    return (env->hflags & HF_CS64_MASK) ? 16 : 8;
}

/* the 512-byte FXSAVE image; bytes 416..511 are left alone */
void helper_fxsave(CPUX86State *env, uint64_t addr, uint32_t rex_w)
{
    uintptr_t ra = GETPC();

    if (addr & 15) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    uint8_t *p = probe_access(env, addr, 512, true, ra);

    st16(p + 0, env->fpuc);
    st16(p + 2, x87_get_fsw(env));
    p[4] = x87_get_ftw_abridged(env);
    p[5] = 0;
    st16(p + 6, env->fpop);
    if (rex_w) {
        st64(p + 8, env->fpip);
        st64(p + 16, env->fpdp);
    } else {
        st32(p + 8, env->fpip);
        st16(p + 12, env->fpcs);
        st16(p + 14, 0);
        st32(p + 16, env->fpdp);
        st16(p + 20, env->fpds);
        st16(p + 22, 0);
    }
    st32(p + 24, env->mxcsr);
    st32(p + 28, MXCSR_MASK);
    for (int i = 0; i < 8; i++) {
        FPReg *r = &env->fpregs[(env->fpstt + i) & 7];
        uint8_t *q = p + 32 + 16 * i;
        st64(q, r->raw.low);
        st16(q + 8, r->raw.high);
        memset(q + 10, 0, 6);
    }
    for (int i = 0; i < fx_nb_xmm(env); i++) {
        memcpy(p + 160 + 16 * i, &env->xmm_regs[i], 16);
    }
}

void helper_fxrstor(CPUX86State *env, uint64_t addr, uint32_t rex_w)
{
    uintptr_t ra = GETPC();

    if (addr & 15) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    uint8_t *p = probe_access(env, addr, 512, false, ra);
    uint32_t mxcsr = ld32(p + 24);

    if (mxcsr & ~MXCSR_MASK) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    env->fpuc = ld16(p);
    x87_set_fsw(env, ld16(p + 2));
    x87_set_ftw_abridged(env, p[4]);
    env->fpop = ld16(p + 6) & 0x7ff;
    if (rex_w) {
        env->fpip = ld64(p + 8);
        env->fpdp = ld64(p + 16);
    } else {
        env->fpip = ld32(p + 8);
        env->fpcs = ld16(p + 12);
        env->fpdp = ld32(p + 16);
        env->fpds = ld16(p + 20);
    }
    env->mxcsr = mxcsr;
    for (int i = 0; i < 8; i++) {
        FPReg *r = &env->fpregs[(env->fpstt + i) & 7];
        const uint8_t *q = p + 32 + 16 * i;
        r->raw.low = ld64(q);
        r->raw.high = ld16(q + 8);
    }
    for (int i = 0; i < fx_nb_xmm(env); i++) {
        memcpy(&env->xmm_regs[i], p + 160 + 16 * i, 16);
    }
}
