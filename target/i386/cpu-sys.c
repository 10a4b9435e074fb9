/*
 * System mode: the x86 CPU's power-on state, delivery of exceptions and
 * of external interrupts/NMIs around the execution loop, HLT, and the
 * triple-fault shutdown.
 *
 * cpu_exec() returns guest exceptions (exception_index < EXCP_INTERRUPT)
 * to its caller; x86_cpu_exec delivers them through the IDT and goes on.
 * External interrupts reach the CPU as CPU_INTERRUPT_HARD/NMI in
 * cs->interrupt_request, set with cpu_interrupt(), which also makes the
 * CPU leave generated code at the next TB boundary; they are taken
 * between instructions when EFLAGS.IF (HARD) / the NMI latch allow and no
 * STI / MOV SS shadow is active. An instruction that may unmask a pending
 * interrupt (STI's successor, POPF, IRET, a CR8 write) makes the CPU leave
 * generated code again through x86_check_pending_interrupts.
 *
 * A fault while delivering an exception is delivered in turn (#DF when
 * the two combine so, see x86_do_interrupt_all); a fault while delivering
 * #DF is a triple fault: the machine's hook requests a reset, or without
 * one the CPU shuts down (halted, deaf to interrupts).
 *
 * Multiprocessor start-up (SDM vol. 3, 8.4): CPU_INTERRUPT_INIT (an INIT
 * IPI from the local APIC) resets the CPU to its power-on state, halted in
 * wait-for-SIPI (env->wait_sipi); CPU_INTERRUPT_SIPI then starts it in
 * real mode at CS = vector << 8, IP = 0, the vector read from the APIC
 * through X86CPU.get_sipi_vector. A SIPI to a CPU not waiting is ignored.
 */
#include <string.h>

#include "exec/cpu-exec.h"
#include "seg_helper.h"
#include "util/log.h"

void (*x86_triple_fault_hook)(CPUState *cs);

/* the CPU is in shutdown after a triple fault without a hook */
static bool x86_in_shutdown(CPUX86State *env)
{
    return env->old_exception == -3;
}

void x86_triple_fault(CPUX86State *env)
{
    CPUState *cs = env_cpu(env);

    log_mask_printf(LOG_INT | LOG_GUEST_ERROR, "x86: triple fault at %04x:%#llx\n",
                    env->segs[R_CS].selector, (unsigned long long)env->eip);
    env->old_exception = -1;
    cs->exception_index = -1;
    if (x86_triple_fault_hook) {
        x86_triple_fault_hook(cs);
    } else {
        env->old_exception = -3;
    }
    cs->halted = true;
}

void x86_cpu_reset_system(X86CPU *cpu)
{
    CPUX86State *env = &cpu->env;
    uint32_t data = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_A_MASK;

    /* SDM vol. 3, table 9-1: the state after RESET */
    env->cr[0] = 0x60000010; /* CD NW ET */
    env->cr[2] = env->cr[3] = env->cr[4] = 0;
    env->efer = 0;
    env->eflags = 2;
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src = 0;
    env->df = 1;
    env->eip = 0xfff0;
    x86_seg_cache_set(env, R_CS, 0xf000, 0xffff0000, 0xffff,
                      DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_R_MASK | DESC_A_MASK);
    for (int i = 0; i < 6; i++) {
        if (i != R_CS) {
            x86_seg_cache_set(env, i, 0, 0, 0xffff, data);
        }
    }
    env->gdt.base = env->idt.base = 0;
    env->gdt.limit = env->idt.limit = 0xffff;
    env->ldt.selector = env->ldt.base = 0;
    env->ldt.limit = 0xffff;
    env->ldt.flags = DESC_P_MASK | (2 << 8);
    env->tr.selector = env->tr.base = 0;
    env->tr.limit = 0xffff;
    env->tr.flags = DESC_P_MASK | (11 << 8);
    memset(env->regs, 0, sizeof(env->regs));
    env->regs[R_EDX] = env->cpuid_version;
    memset(env->dr, 0, sizeof(env->dr));
    env->dr[6] = 0xffff0ff0;
    env->dr[7] = 0x400;
    env->pat = 0x0007040600070406ull;
    env->apic_base = 0xfee00000ull | 0x800 | (cpu->parent.cpu_index == 0 ? 0x100 : 0);
    env->mxcsr = 0x1f80;
    env->fpuc = 0x40;
    memset(env->fptags, 1, sizeof(env->fptags));
    env->hflags = 0;
    env->hflags2 = 0;
    env->old_exception = -1;
    x86_update_hflags(env);
    if (cpu->parent.tlb) {
        tlb_flush(&cpu->parent);
    }
}

void x86_cpu_do_interrupt(CPUState *cs)
{
    CPUX86State *env = cpu_env(cs);
    int intno = cs->exception_index;
    int is_int = env->exception_is_int;

    /* consumed now: a fault while delivering it is no software INT */
    cs->exception_index = -1;
    env->exception_is_int = 0;
    x86_do_interrupt_all(env, intno, is_int, env->error_code, env->exception_next_eip, false);
}

static bool hard_irq_deliverable(CPUX86State *env)
{
    return (env->eflags & IF_MASK) && !(env->hflags & HF_INHIBIT_IRQ_MASK);
}

bool x86_cpu_exec_interrupt(CPUState *cs, uint32_t req)
{
    X86CPU *cpu = env_archcpu(cpu_env(cs));
    CPUX86State *env = &cpu->env;

    if (x86_in_shutdown(env)) {
        return false;
    }
    if ((req & CPU_INTERRUPT_NMI) && !(env->hflags2 & HF2_NMI_MASK) &&
        !(env->hflags & HF_INHIBIT_IRQ_MASK)) {
        cpu_reset_interrupt(cs, CPU_INTERRUPT_NMI);
        cs->halted = false;
        x86_do_interrupt_all(env, EXCP02_NMI, 0, 0, 0, true);
        return true;
    }
    if ((req & CPU_INTERRUPT_HARD) && hard_irq_deliverable(env)) {
        int vector = cpu->get_irq_vector ? cpu->get_irq_vector(cs) : -1;
        if (!cpu->get_irq_vector) {
            /* no interrupt controller: nobody can acknowledge it */
            cpu_reset_interrupt(cs, CPU_INTERRUPT_HARD);
        }
        if (vector < 0) {
            return false;
        }
        cs->halted = false;
        x86_do_interrupt_all(env, vector & 0xff, 0, 0, 0, true);
        return true;
    }
    return false;
}

void x86_check_pending_interrupts(CPUX86State *env)
{
    CPUState *cs = env_cpu(env);
    uint32_t req = __atomic_load_n(&cs->interrupt_request, __ATOMIC_ACQUIRE);

    if (((req & CPU_INTERRUPT_HARD) && hard_irq_deliverable(env)) ||
        ((req & CPU_INTERRUPT_NMI) && !(env->hflags2 & HF2_NMI_MASK))) {
        cpu_exit(cs);
    }
}

/* INIT and SIPI, between instructions */
static void x86_cpu_handle_init_sipi(CPUState *cs, uint32_t req)
{
    X86CPU *cpu = env_archcpu(cpu_env(cs));
    CPUX86State *env = &cpu->env;

    if (req & CPU_INTERRUPT_INIT) {
        cpu_reset_interrupt(cs, CPU_INTERRUPT_INIT);
        x86_cpu_reset(cpu);
        env->wait_sipi = true;
        cs->halted = true;
    }
    if (req & CPU_INTERRUPT_SIPI) {
        cpu_reset_interrupt(cs, CPU_INTERRUPT_SIPI);
        int vector = cpu->get_sipi_vector ? cpu->get_sipi_vector(cs) : -1;
        if (env->wait_sipi && vector >= 0) {
            x86_seg_cache_set(env, R_CS, (vector & 0xff) << 8, (uint32_t)(vector & 0xff) << 12,
                              0xffff,
                              DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_R_MASK | DESC_A_MASK);
            env->eip = 0;
            env->wait_sipi = false;
            cs->halted = false;
            x86_update_hflags(env);
        }
    }
}

/* whether a halted CPU wakes: an interrupt it would take */
static bool x86_cpu_has_work(CPUState *cs)
{
    CPUX86State *env = cpu_env(cs);
    uint32_t req = __atomic_load_n(&cs->interrupt_request, __ATOMIC_ACQUIRE);

    if (req & (CPU_INTERRUPT_INIT | CPU_INTERRUPT_SIPI)) {
        return true;
    }
    if (x86_in_shutdown(env) || env->wait_sipi) {
        return false;
    }
    return ((req & CPU_INTERRUPT_HARD) && (env->eflags & IF_MASK)) ||
           ((req & CPU_INTERRUPT_NMI) && !(env->hflags2 & HF2_NMI_MASK));
}

int x86_cpu_exec(CPUState *cs)
{
    /* every delivery happens right after (re)arming jmp_env here: after
     * cpu_exec returns, its own jmp_env is stale */
    for (;;) {
        if (sigsetjmp(cs->jmp_env, 0) != 0) {
            /* a fault while delivering: exception_index is the new one */
        }
        while (cs->exception_index >= 0 && cs->exception_index < EXCP_INTERRUPT) {
            x86_cpu_do_interrupt(cs);
        }
        if (cs->exception_index >= EXCP_INTERRUPT) {
            int r = cs->exception_index;
            cs->exception_index = -1;
            return r;
        }
        uint32_t req = __atomic_load_n(&cs->interrupt_request, __ATOMIC_ACQUIRE);
        if (req & (CPU_INTERRUPT_INIT | CPU_INTERRUPT_SIPI)) {
            x86_cpu_handle_init_sipi(cs, req);
        }
        if (cs->halted) {
            if (!x86_cpu_has_work(cs)) {
                return EXCP_HLT;
            }
            cs->halted = false;
        }
        req = __atomic_load_n(&cs->interrupt_request, __ATOMIC_ACQUIRE);
        if (req & (CPU_INTERRUPT_HARD | CPU_INTERRUPT_NMI)) {
            x86_cpu_exec_interrupt(cs, req);
        }
        int r = cpu_exec(cs);
        if (r >= 0 && r < EXCP_INTERRUPT) {
            cs->exception_index = r;
            continue;
        }
        if (r == EXCP_HLT) {
            /* the helper set cs->halted: wait unless an interrupt is due */
            if (x86_cpu_has_work(cs)) {
                continue;
            }
        }
        return r;
    }
}
