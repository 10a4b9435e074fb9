/*
 * Helpers for exceptions, SYSCALL, CPUID, RDTSC(P), PUSHF/POPF, LDMXCSR
 * and segment loads in user mode.
 */
#include "exec/cpu-exec.h"
#include "translate-internal.h"
#ifndef CONFIG_USER_ONLY
#include "util/timer.h"
#endif

void helper_raise_exception(CPUX86State *env, uint32_t excp, uint32_t err)
{
    raise_exception_err_ra(env, excp, err, 0);
}

void helper_raise_trap(CPUX86State *env, uint32_t excp, uint32_t err, uint64_t next_eip)
{
    env->exception_next_eip = next_eip;
    raise_exception_err_ra(env, excp, err, 0);
}

/* user mode: linux-user performs the call and continues at env->eip */
void helper_syscall(CPUX86State *env, uint64_t next_eip)
{
    CPUState *cs = env_cpu(env);

    env->eip = next_eip;
    env->exception_next_eip = next_eip;
    cs->exception_index = EXCP_SYSCALL;
    cpu_loop_exit(cs);
}

void helper_cpuid(CPUX86State *env)
{
    uint32_t a, b, c, d;

    cpu_x86_cpuid(env, (uint32_t)env->regs[R_EAX], (uint32_t)env->regs[R_ECX], &a, &b, &c, &d);
    env->regs[R_EAX] = a;
    env->regs[R_EBX] = b;
    env->regs[R_ECX] = c;
    env->regs[R_EDX] = d;
}

/*
 * User mode: the host's TSC, as a native program sees it. System mode:
 * X86_TSC_HZ on the virtual clock, so the TSC stops with the VM, agrees
 * with the PIT/HPET/APIC timers (all on that clock) and runs at the rate
 * CPUID leaf 0x15 advertises whatever the host's TSC does.
 */
uint64_t x86_tsc_raw(void)
{
#ifdef CONFIG_USER_ONLY
    return __builtin_ia32_rdtsc();
#else
    uint64_t ns = (uint64_t)qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    return (uint64_t)((unsigned __int128)ns * X86_TSC_HZ / NANOSECONDS_PER_SECOND);
#endif
}

uint64_t x86_tsc_read(CPUX86State *env)
{
    return x86_tsc_raw() + env->tsc_offset;
}

void helper_rdtsc(CPUX86State *env)
{
    uint64_t t = x86_tsc_read(env);

    env->regs[R_EAX] = (uint32_t)t;
    env->regs[R_EDX] = t >> 32;
}

void helper_rdtscp(CPUX86State *env)
{
    helper_rdtsc(env);
    env->regs[R_ECX] = (uint32_t)env_cpu(env)->cpu_index;
}

/* the EFLAGS image PUSHF stores, given the arithmetic flags */
uint64_t helper_pushf(CPUX86State *env, uint64_t arith)
{
    uint64_t f = (env->eflags & ~(uint64_t)(CC_ALL | DF_MASK | RF_MASK | VM_MASK)) | arith | 2;

    if (env->df < 0) {
        f |= DF_MASK;
    }
    return f;
}

void helper_popf(CPUX86State *env, uint64_t val, uint32_t ot)
{
    int cpl = env->hflags & HF_CPL_MASK;
    int iopl = (env->eflags >> 12) & 3;
    uint64_t mask = CC_ALL | TF_MASK | DF_MASK | NT_MASK | AC_MASK | ID_MASK;

    if (cpl <= iopl) {
        mask |= IF_MASK;
    }
    if (cpl == 0) {
        mask |= IOPL_MASK;
    }
    if (ot == MO_16) {
        mask &= 0xffff;
    }
    cpu_load_eflags(env, val, mask);
}

void helper_ldmxcsr(CPUX86State *env, uint64_t val)
{
    if (val & ~0xffffull) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, GETPC());
    }
    env->mxcsr = (uint32_t)val;
}

/* user mode keeps flat segments: a load changes only the selector */
/*
 * MOV/POP Sreg at CPL 3 under Linux x86-64, whose GDT has three flat
 * user descriptors: 0x23 (32-bit code, readable), 0x2b (data) and 0x33
 * (64-bit code, readable), plus 0x7b (the read-only per-CPU segment that
 * LSL reads the CPU number from); no LDT, no TLS entries in a 64-bit
 * process.
 * Any of them may go into DS/ES/FS/GS, only 0x2b into SS; a null selector
 * into DS/ES/FS/GS (not SS). Anything else is #GP(selector). A non-null
 * FS/GS load takes the descriptor's base (0); a null one keeps the base
 * (Intel behaviour), which is what keeps TLS working after "mov 0, %fs".
 */
void helper_load_seg_user(CPUX86State *env, uint32_t seg, uint64_t sel)
{
    uint32_t idx = (sel & 0xffff) >> 3;
    bool ldt = sel & 4;
    bool ok;

    if (idx == 0 && !ldt) {
        ok = seg != R_SS;
    } else if (ldt) {
        ok = false;
    } else if (seg == R_SS) {
        ok = idx == 5 && (sel & 3) == 3;
    } else {
        ok = (idx >= 4 && idx <= 6) || idx == 15;
    }
    if (!ok) {
        raise_exception_err_ra(env, EXCP0D_GPF, (uint32_t)sel & 0xfffc, GETPC());
    }
    env->segs[seg].selector = sel & 0xffff;
    if (idx != 0 && (seg == R_FS || seg == R_GS)) {
        env->segs[seg].base = 0;
    }
}
