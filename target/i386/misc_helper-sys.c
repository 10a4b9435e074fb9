/*
 * System mode: control and debug registers, MSRs, I/O ports (with IOPL
 * and the TSS I/O permission bitmap), HLT, CLI/STI and the interrupt
 * shadow, PUSHF/POPF with the VM86 and IOPL rules, LGDT/LIDT, INVLPG,
 * BOUND.
 *
 * TLB consistency: every change that alters translations (CR0.PG/WP/PE,
 * CR3, CR4 paging bits, EFER.NXE) flushes the TLB; a CR3 write keeps
 * global pages when CR4.PGE is set. Changes of state that the translator
 * depends on go through x86_update_hflags, and the emitters end the TB.
 */
#include "exec/cpu-exec.h"
#include "exec/memory.h"
#include "seg_helper.h"
#include "util/log.h"
#include "util/main-loop.h"

/* ---------------------------------------------------------------------- */
/* Control registers                                                        */

#define CR4_SUPPORTED                                                                     \
    (CR4_TSD_MASK | CR4_DE_MASK | CR4_PSE_MASK | CR4_PAE_MASK | CR4_MCE_MASK |          \
     CR4_PGE_MASK | CR4_PCE_MASK | CR4_OSFXSR_MASK | CR4_OSXMMEXCPT_MASK)

void x86_cpu_set_cr(CPUX86State *env, int reg, uint64_t val)
{
    CPUState *cs = env_cpu(env);

    switch (reg) {
    case 0: {
        uint64_t old = env->cr[0];
        val |= CR0_ET_MASK;
        if ((val & CR0_PG_MASK) && !(old & CR0_PG_MASK) && (env->efer & EFER_LME) &&
            (env->cr[4] & CR4_PAE_MASK)) {
            env->efer |= EFER_LMA; /* long mode activates */
        }
        if (!(val & CR0_PG_MASK) && (old & CR0_PG_MASK)) {
            env->efer &= ~(uint64_t)EFER_LMA;
        }
        env->cr[0] = val;
        if ((old ^ val) & (CR0_PG_MASK | CR0_WP_MASK | CR0_PE_MASK)) {
            tlb_flush(cs);
        }
        break;
    }
    case 2:
        env->cr[2] = val;
        break;
    case 3:
        env->cr[3] = val;
        if (env->cr[0] & CR0_PG_MASK) {
            if (env->cr[4] & CR4_PGE_MASK) {
                tlb_flush_nonglobal(cs);
            } else {
                tlb_flush(cs);
            }
        }
        break;
    case 4: {
        uint64_t old = env->cr[4];
        env->cr[4] = val;
        if ((old ^ val) & (CR4_PSE_MASK | CR4_PAE_MASK | CR4_PGE_MASK | CR4_SMEP_MASK |
                           CR4_SMAP_MASK)) {
            tlb_flush(cs);
        }
        break;
    }
    case 8: {
        uint64_t v = val & 0xf;
        if (!x86_apic_cr8_hook || x86_apic_cr8_hook(cs, &v, true) < 0) {
            env->cr8 = v;
        }
        break;
    }
    }
    x86_update_hflags(env);
}

/* checks of MOV CRn, LMSW and CLTS writes; raises #GP(0) */
static void check_cr_write(CPUX86State *env, int reg, uint64_t val, uintptr_t ra)
{
    switch (reg) {
    case 0:
        if (val >> 32) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        if ((val & CR0_PG_MASK) && !(val & CR0_PE_MASK)) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        if ((val & CR0_NW_MASK) && !(val & CR0_CD_MASK)) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        if ((val & CR0_PG_MASK) && !(env->cr[0] & CR0_PG_MASK) && (env->efer & EFER_LME)) {
            /* entering long mode needs PAE and no 64-bit CS */
            if (!(env->cr[4] & CR4_PAE_MASK)) {
                raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
            }
        }
        if (!(val & CR0_PG_MASK) && (env->hflags & HF_CS64_MASK)) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        break;
    case 3:
        if ((env->hflags & HF_LMA_MASK) && (val >> 52)) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        break;
    case 4:
        if (val & ~(uint64_t)CR4_SUPPORTED) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        if ((env->hflags & HF_LMA_MASK) && !(val & CR4_PAE_MASK)) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        break;
    case 8:
        if (val & ~0xfull) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        break;
    }
}

void helper_write_crN(CPUX86State *env, uint32_t reg, uint64_t val)
{
    uintptr_t ra = GETPC();

    check_cr_write(env, reg, val, ra);
    x86_cpu_set_cr(env, reg, val);
    if (reg == 8) {
        x86_check_pending_interrupts(env);
    }
}

uint64_t helper_read_crN(CPUX86State *env, uint32_t reg)
{
    uint64_t v;

    if (reg != 8) {
        return env->cr[reg];
    }
    if (x86_apic_cr8_hook && x86_apic_cr8_hook(env_cpu(env), &v, false) >= 0) {
        return v;
    }
    return env->cr8;
}

void helper_lmsw(CPUX86State *env, uint64_t val)
{
    /* only PE MP EM TS; PE cannot be cleared */
    uint64_t cr0 = (env->cr[0] & ~0xeull) | (val & 0xf);

    x86_cpu_set_cr(env, 0, cr0);
}

void helper_clts(CPUX86State *env)
{
    env->cr[0] &= ~(uint64_t)CR0_TS_MASK;
    x86_update_hflags(env);
}

void helper_invlpg(CPUX86State *env, uint64_t addr)
{
    tlb_flush_page(env_cpu(env), addr);
}

void helper_write_drN(CPUX86State *env, uint32_t reg, uint64_t val)
{
    uintptr_t ra = GETPC();

    if (reg == 4 || reg == 5) {
        if (env->cr[4] & CR4_DE_MASK) {
            raise_exception_err_ra(env, EXCP06_ILLOP, 0, ra);
        }
        reg += 2;
    }
    if ((reg == 6 || reg == 7) && (val >> 32)) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    if (reg == 6) {
        val = (val & 0x1e00f) | 0xffff0ff0;
    } else if (reg == 7) {
        val = (val & ~0xd000ull) | 0x400;
    }
    env->dr[reg] = val;
}

uint64_t helper_read_drN(CPUX86State *env, uint32_t reg)
{
    if (reg == 4 || reg == 5) {
        if (env->cr[4] & CR4_DE_MASK) {
            raise_exception_err_ra(env, EXCP06_ILLOP, 0, GETPC());
        }
        reg += 2;
    }
    return env->dr[reg];
}

void helper_lgdt_lidt(CPUX86State *env, uint32_t which, uint64_t base, uint64_t limit)
{
    SegmentCache *dt = which ? &env->idt : &env->gdt;

    dt->base = base;
    dt->limit = limit & 0xffff;
}

/* ---------------------------------------------------------------------- */
/* MSRs                                                                     */

static bool mtrr_valid_type(unsigned t)
{
    return t == 0 || t == 1 || t == 4 || t == 5 || t == 6;
}

int (*x86_apic_msr_hook)(CPUState *cs, uint32_t msr, uint64_t *val, bool write);
int (*x86_apic_cr8_hook)(CPUState *cs, uint64_t *val, bool write);

static bool is_apic_msr(uint32_t msr)
{
    return msr == MSR_IA32_APICBASE || msr == 0x6e0 || (msr >= 0x800 && msr <= 0x8ff);
}

void helper_rdmsr(CPUX86State *env)
{
    uint32_t msr = (uint32_t)env->regs[R_ECX];
    uint64_t v;

    if (x86_apic_msr_hook && is_apic_msr(msr)) {
        int r = x86_apic_msr_hook(env_cpu(env), msr, &v, false);
        if (r == 0) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, GETPC());
        }
        if (r > 0) {
            env->regs[R_EAX] = (uint32_t)v;
            env->regs[R_EDX] = (uint32_t)(v >> 32);
            return;
        }
    }

    switch (msr) {
    case MSR_IA32_TSC:
        v = x86_tsc_read(env);
        break;
    case MSR_IA32_APICBASE:
        v = env->apic_base;
        break;
    case MSR_MTRRcap:
        v = 0x500 | 8; /* WC, fixed ranges, 8 variable ranges */
        break;
    case MSR_IA32_SYSENTER_CS:
        v = env->sysenter_cs;
        break;
    case MSR_IA32_SYSENTER_ESP:
        v = env->sysenter_esp;
        break;
    case MSR_IA32_SYSENTER_EIP:
        v = env->sysenter_eip;
        break;
    case MSR_MTRRphysBase0 ... MSR_MTRRphysMask7:
        v = env->mtrr_var[(msr - MSR_MTRRphysBase0) / 2][(msr - MSR_MTRRphysBase0) & 1];
        break;
    case MSR_MTRRfix64K_00000:
        v = env->mtrr_fixed[0];
        break;
    case MSR_MTRRfix16K_80000:
    case MSR_MTRRfix16K_A0000:
        v = env->mtrr_fixed[1 + msr - MSR_MTRRfix16K_80000];
        break;
    case MSR_MTRRfix4K_C0000 ... MSR_MTRRfix4K_F8000:
        v = env->mtrr_fixed[3 + msr - MSR_MTRRfix4K_C0000];
        break;
    case MSR_PAT:
        v = env->pat;
        break;
    case MSR_MTRRdefType:
        v = env->mtrr_deftype;
        break;
    case MSR_IA32_MISC_ENABLE:
        v = env->misc_enable;
        break;
    case MSR_EFER:
        v = env->efer;
        break;
    case MSR_STAR:
        v = env->star;
        break;
    case MSR_LSTAR:
        v = env->lstar;
        break;
    case MSR_CSTAR:
        v = env->cstar;
        break;
    case MSR_FMASK:
        v = env->fmask;
        break;
    case MSR_FSBASE:
        v = env->segs[R_FS].base;
        break;
    case MSR_GSBASE:
        v = env->segs[R_GS].base;
        break;
    case MSR_KERNELGSBASE:
        v = env->kernelgsbase;
        break;
    case MSR_TSC_AUX:
        v = env->tsc_aux;
        break;
    case MSR_IA32_BIOS_SIGN_ID:
        v = 0; /* no microcode update loaded */
        break;
    case MSR_IA32_PLATFORM_ID:
        v = 0; /* platform 0: what the microcode loader matches against */
        break;
    default:
        log_mask_printf(LOG_UNIMP, "x86: rdmsr of unknown MSR %#x\n", msr);
        raise_exception_err_ra(env, EXCP0D_GPF, 0, GETPC());
    }
    env->regs[R_EAX] = (uint32_t)v;
    env->regs[R_EDX] = v >> 32;
}

static bool canonical(uint64_t v)
{
    return (uint64_t)((int64_t)(v << 16) >> 16) == v;
}

void helper_wrmsr(CPUX86State *env)
{
    uintptr_t ra = GETPC();
    uint32_t msr = (uint32_t)env->regs[R_ECX];
    uint64_t v = ((uint64_t)(uint32_t)env->regs[R_EDX] << 32) | (uint32_t)env->regs[R_EAX];
    bool ok = true;

    if (x86_apic_msr_hook && is_apic_msr(msr)) {
        int r = x86_apic_msr_hook(env_cpu(env), msr, &v, true);
        if (r == 0) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        if (r > 0) {
            if (msr == MSR_IA32_APICBASE) {
                env->apic_base = v;
            }
            return;
        }
    }

    switch (msr) {
    case MSR_IA32_TSC:
        env->tsc_offset = v - x86_tsc_raw();
        break;
    case MSR_IA32_APICBASE:
        /* base (bits 12-39) and the global enable (11); BSP (8) is
         * read-only and x2APIC (10) is not offered */
        ok = !(v & ~(0xfffffff000ull | 0x900));
        if (ok) {
            env->apic_base = (v & ~0x100ull) | (env->apic_base & 0x100);
        }
        break;
    case MSR_IA32_SYSENTER_CS:
        env->sysenter_cs = v & 0xffff;
        break;
    case MSR_IA32_SYSENTER_ESP:
        ok = canonical(v);
        env->sysenter_esp = ok ? v : env->sysenter_esp;
        break;
    case MSR_IA32_SYSENTER_EIP:
        ok = canonical(v);
        env->sysenter_eip = ok ? v : env->sysenter_eip;
        break;
    case MSR_MTRRphysBase0 ... MSR_MTRRphysMask7: {
        int n = (msr - MSR_MTRRphysBase0) / 2, which = (msr - MSR_MTRRphysBase0) & 1;
        if (which == 0) {
            ok = mtrr_valid_type(v & 0xff) && !(v & 0xffffff0000000f00ull);
        } else {
            ok = !(v & 0xffffff00000007ffull);
        }
        if (ok) {
            env->mtrr_var[n][which] = v;
        }
        break;
    }
    case MSR_MTRRfix64K_00000:
    case MSR_MTRRfix16K_80000:
    case MSR_MTRRfix16K_A0000:
    case MSR_MTRRfix4K_C0000 ... MSR_MTRRfix4K_F8000: {
        for (int i = 0; i < 8; i++) {
            ok = ok && mtrr_valid_type((v >> (8 * i)) & 0xff);
        }
        int idx = msr == MSR_MTRRfix64K_00000 ? 0
                  : msr <= MSR_MTRRfix16K_A0000 ? 1 + msr - MSR_MTRRfix16K_80000
                                                : 3 + msr - MSR_MTRRfix4K_C0000;
        if (ok) {
            env->mtrr_fixed[idx] = v;
        }
        break;
    }
    case MSR_PAT:
        for (int i = 0; i < 8; i++) {
            unsigned t = (v >> (8 * i)) & 0xff;
            ok = ok && (t == 0 || t == 1 || t == 4 || t == 5 || t == 6 || t == 7);
        }
        if (ok) {
            env->pat = v;
        }
        break;
    case MSR_MTRRdefType:
        ok = !(v & ~0xcffull) && mtrr_valid_type(v & 0xff);
        if (ok) {
            env->mtrr_deftype = v;
        }
        break;
    case MSR_IA32_MISC_ENABLE:
        env->misc_enable = v;
        break;
    case MSR_EFER: {
        uint64_t allowed = EFER_SCE | EFER_LME | EFER_NXE;
        if (v & ~(allowed | EFER_LMA)) {
            ok = false;
            break;
        }
        /* LME cannot change while paging is on; LMA is read-only */
        if ((env->cr[0] & CR0_PG_MASK) && ((v ^ env->efer) & EFER_LME)) {
            ok = false;
            break;
        }
        uint64_t old = env->efer;
        env->efer = (v & allowed) | (env->efer & EFER_LMA);
        if ((old ^ env->efer) & EFER_NXE) {
            tlb_flush(env_cpu(env));
        }
        x86_update_hflags(env);
        break;
    }
    case MSR_STAR:
        env->star = v;
        break;
    case MSR_LSTAR:
        ok = canonical(v);
        if (ok) {
            env->lstar = v;
        }
        break;
    case MSR_CSTAR:
        ok = canonical(v);
        if (ok) {
            env->cstar = v;
        }
        break;
    case MSR_FMASK:
        env->fmask = (uint32_t)v;
        break;
    case MSR_FSBASE:
        ok = canonical(v);
        if (ok) {
            env->segs[R_FS].base = v;
        }
        break;
    case MSR_GSBASE:
        ok = canonical(v);
        if (ok) {
            env->segs[R_GS].base = v;
        }
        break;
    case MSR_KERNELGSBASE:
        ok = canonical(v);
        if (ok) {
            env->kernelgsbase = v;
        }
        break;
    case MSR_TSC_AUX:
        env->tsc_aux = (uint32_t)v;
        break;
    case MSR_IA32_BIOS_SIGN_ID:
        break; /* writing 0 before CPUID asks for the microcode revision: there is none */
    default:
        log_mask_printf(LOG_UNIMP, "x86: wrmsr of unknown MSR %#x value %#llx\n", msr,
                (unsigned long long)v);
        ok = false;
        break;
    }
    if (!ok) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
}

/* ---------------------------------------------------------------------- */
/* I/O                                                                      */

void helper_check_io(CPUX86State *env, uint32_t port, uint32_t size)
{
    uintptr_t ra = GETPC();
    int iopl = (env->eflags >> 12) & 3;

    if (!(env->cr[0] & CR0_PE_MASK)) {
        return;
    }
    if (!(env->eflags & VM_MASK) && x86_cpl(env) <= iopl) {
        return;
    }
    /* the I/O permission bitmap of a 32/64-bit TSS */
    int type = (env->tr.flags >> 8) & 0xf;
    if (!(env->tr.flags & DESC_P_MASK) || (type != 9 && type != 11) || env->tr.limit < 103) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    uint32_t io_offset = (uint32_t)x86_ld_kernel(env, env->tr.base + 0x66, MO_16, ra);
    uint32_t byte = io_offset + (port >> 3);
    if (byte + 1 > env->tr.limit) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    uint32_t bits = (uint32_t)x86_ld_kernel(env, env->tr.base + byte, MO_16, ra);
    uint32_t mask = ((1u << size) - 1) << (port & 7);
    if (bits & mask) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
}

uint64_t helper_in(CPUX86State *env, uint32_t port, uint32_t ot)
{
    uint8_t buf[4] = { 0 };
    unsigned len = 1u << ot;

    address_space_read(&address_space_io, port & 0xffff, MEMTXATTRS_UNSPECIFIED, buf, len);
    return (uint64_t)buf[0] | (uint64_t)buf[1] << 8 | (uint64_t)buf[2] << 16 |
           (uint64_t)buf[3] << 24;
}

void helper_out(CPUX86State *env, uint32_t port, uint64_t val, uint32_t ot)
{
    uint8_t buf[4] = { (uint8_t)val, (uint8_t)(val >> 8), (uint8_t)(val >> 16),
                       (uint8_t)(val >> 24) };
    unsigned len = 1u << ot;

    address_space_write(&address_space_io, port & 0xffff, MEMTXATTRS_UNSPECIFIED, buf, len);
}

/* ---------------------------------------------------------------------- */
/* HLT, CLI/STI, PUSHF/POPF                                                 */

void helper_hlt(CPUX86State *env, uint64_t next_eip)
{
    CPUState *cs = env_cpu(env);

    env->eip = next_eip;
    env->hflags &= ~HF_INHIBIT_IRQ_MASK;
    cs->halted = true;
    cs->exception_index = EXCP_HLT;
    cpu_loop_exit(cs);
}

void helper_cli(CPUX86State *env)
{
    env->eflags &= ~(uint64_t)IF_MASK;
}

void helper_sti(CPUX86State *env)
{
    /* the shadow only when IF goes from 0 to 1 */
    if (!(env->eflags & IF_MASK)) {
        env->hflags |= HF_INHIBIT_IRQ_MASK;
    }
    env->eflags |= IF_MASK;
}

void helper_set_inhibit_irq(CPUX86State *env)
{
    env->hflags |= HF_INHIBIT_IRQ_MASK;
}

void helper_reset_inhibit_irq(CPUX86State *env)
{
    env->hflags &= ~HF_INHIBIT_IRQ_MASK;
    x86_check_pending_interrupts(env);
}

uint64_t helper_pushf_sys(CPUX86State *env, uint64_t arith)
{
    return helper_pushf(env, arith);
}

void helper_popf_sys(CPUX86State *env, uint64_t val, uint32_t ot)
{
    int cpl = x86_cpl(env);
    int iopl = (env->eflags >> 12) & 3;
    uint64_t mask = CC_ALL | TF_MASK | DF_MASK | NT_MASK | AC_MASK | ID_MASK;

    if (env->eflags & VM_MASK) {
        /* the emitter raised #GP unless IOPL = 3; IOPL stays */
        mask |= IF_MASK;
    } else {
        if (cpl <= iopl) {
            mask |= IF_MASK;
        }
        if (cpl == 0) {
            mask |= IOPL_MASK;
        }
    }
    if (ot == MO_16) {
        mask &= 0xffff;
    }
    cpu_load_eflags(env, val, mask);
    x86_update_hflags(env);
    x86_check_pending_interrupts(env);
}

void helper_check_tsd(CPUX86State *env)
{
    if ((env->cr[4] & CR4_TSD_MASK) && x86_cpl(env) != 0) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, GETPC());
    }
}

void helper_bound(CPUX86State *env, uint64_t index, uint64_t addr, uint32_t ot)
{
    uintptr_t ra = GETPC();
    CPUState *cs = env_cpu(env);
    int mmu = x86_mmu_index_cpl(env);
    int64_t lo, hi, idx;

    if (ot == MO_16) {
        lo = (int16_t)cpu_ld_mmu(cs, addr, MO_16, mmu, ra);
        hi = (int16_t)cpu_ld_mmu(cs, (uint32_t)(addr + 2), MO_16, mmu, ra);
        idx = (int16_t)index;
    } else {
        lo = (int32_t)cpu_ld_mmu(cs, addr, MO_32, mmu, ra);
        hi = (int32_t)cpu_ld_mmu(cs, (uint32_t)(addr + 4), MO_32, mmu, ra);
        idx = (int32_t)index;
    }
    if (idx < lo || idx > hi) {
        raise_exception_err_ra(env, EXCP05_BOUND, 0, ra);
    }
}

/* end of the insn in an STI / MOV SS shadow (translate.c) */
void helper_irq_window(CPUX86State *env)
{
    helper_reset_inhibit_irq(env);
}
