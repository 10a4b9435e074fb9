/*
 * The x86 CPU object: creation and reset (user mode: 64-bit long mode at
 * CPL 3 with flat segments), the CPUID model, EFLAGS folding, raising
 * guest exceptions, and the CPUClass hooks the execution loop calls.
 *
 * CPUID advertises exactly what is implemented: the feature bits live
 * in the one table below.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/cpu-exec.h"
#include "translate.h"
#include "util/disas.h"
#include "util/log.h"
#ifndef CONFIG_USER_ONLY
#include "seg_helper.h"
#endif

/* ==== CPUID feature table: the only place features are turned on ====
 * (helper "sse" turns on SSE3, SSSE3, SSE4_1, SSE4_2 here when done) */
#define CPUID_FEATURES_EDX                                                                   \
    ((1u << 0) /* FPU */ | (1u << 4) /* TSC */ | (1u << 8) /* CX8 */ | (1u << 15) /* CMOV */ \
     | (1u << 19) /* CLFSH */ | (1u << 23) /* MMX */ | (1u << 24) /* FXSR */                \
     | (1u << 25) /* SSE */ | (1u << 26) /* SSE2 */)
#define CPUID_FEATURES_ECX                                                                   \
    ((1u << 0) /* SSE3 */ | (1u << 9) /* SSSE3 */ | (1u << 13) /* CX16 */                 \
     | (1u << 19) /* SSE4_1 */ | (1u << 20) /* SSE4_2 */ | (1u << 22) /* MOVBE */           \
     | (1u << 23) /* POPCNT */)
#define CPUID_EXT_FEATURES_EDX                                                               \
    ((1u << 11) /* SYSCALL */ | (1u << 20) /* NX */ | (1u << 27) /* RDTSCP */                \
     | (1u << 29) /* LM */)
#define CPUID_EXT_FEATURES_ECX ((1u << 0) /* LAHF_LM */ | (1u << 5) /* ABM: LZCNT */)
#define CPUID_FEATURES7_EBX ((1u << 3) /* BMI1 */ | (1u << 8) /* BMI2 */)
/* added by the system emulator (the -sys.c files, seg_helper.c,
 * excp_helper.c): PSE MSR PAE CX8 SEP MTRR PGE CMOV PAT, 1 GiB pages, the
 * local APIC with x2APIC mode and the TSC-deadline timer (hw/intc/apic.c,
 * wired by the PC), and an invariant TSC at a known rate (leaves 0x15,
 * 0x16, 0x80000007; see X86_TSC_HZ). Not (yet): DE, VME, MCE/MCA. */
#define CPUID_FEATURES_EDX_SYS                                                               \
    ((1u << 3) /* PSE */ | (1u << 5) /* MSR */ | (1u << 6) /* PAE */ | (1u << 11) /* SEP */  \
     | (1u << 9) /* APIC */ | (1u << 12) /* MTRR */ | (1u << 13) /* PGE */ | (1u << 16) /* PAT */)
#define CPUID_FEATURES_ECX_SYS ((1u << 21) /* x2APIC */ | (1u << 24) /* TSC-deadline */)
#define CPUID_EXT_FEATURES_EDX_SYS ((1u << 26) /* PDPE1GB */)
/* ==== end of the feature table ==== */

void x86_cpu_translate(CPUState *cs, TranslationBlock *tb, int max_insns);

static void set_seg(CPUX86State *env, int seg, uint32_t sel, uint32_t flags)
{
    env->segs[seg].selector = sel;
    env->segs[seg].base = 0;
    env->segs[seg].limit = 0xffffffff;
    env->segs[seg].flags = flags;
}

/*
 * The mode bits the translator keys on, from the architectural state.
 * The CPL (set on CS loads, since a real-mode selector's low bits are not
 * a privilege level) and the interrupt shadow are kept.
 */
void x86_update_hflags(CPUX86State *env)
{
    uint32_t hf = env->hflags & (HF_CPL_MASK | HF_INHIBIT_IRQ_MASK);
    uint64_t cr0 = env->cr[0];
    uint32_t cs_flags = env->segs[R_CS].flags;

    if (cr0 & CR0_PE_MASK) {
        hf |= HF_PE_MASK;
    }
    if (cr0 & CR0_MP_MASK) {
        hf |= HF_MP_MASK;
    }
    if (cr0 & CR0_EM_MASK) {
        hf |= HF_EM_MASK;
    }
    if (cr0 & CR0_TS_MASK) {
        hf |= HF_TS_MASK;
    }
    if (cr0 & CR0_PG_MASK) {
        hf |= HF_PG_MASK;
    }
    if (cr0 & CR0_WP_MASK) {
        hf |= HF_WP_MASK;
    }
    if (env->cr[4] & CR4_OSFXSR_MASK) {
        hf |= HF_OSFXSR_MASK;
    }
    if (env->efer & EFER_LMA) {
        hf |= HF_LMA_MASK;
    }
    if (env->eflags & VM_MASK) {
        hf |= HF_VM_MASK;
    }
    if (env->eflags & TF_MASK) {
        hf |= HF_TF_MASK;
    }
    hf |= ((env->eflags >> 12) & 3) << HF_IOPL_SHIFT;
    if ((hf & HF_LMA_MASK) && (cs_flags & DESC_L_MASK)) {
        hf |= HF_CS64_MASK | HF_CS32_MASK | HF_SS32_MASK;
    } else {
        if ((cs_flags & DESC_B_MASK) && (hf & HF_PE_MASK) && !(hf & HF_VM_MASK)) {
            hf |= HF_CS32_MASK;
        }
        if ((env->segs[R_SS].flags & DESC_B_MASK) && (hf & HF_PE_MASK) && !(hf & HF_VM_MASK)) {
            hf |= HF_SS32_MASK;
        }
        if (!(hf & HF_PE_MASK) || (hf & HF_VM_MASK) ||
            (env->segs[R_DS].base | env->segs[R_ES].base | env->segs[R_SS].base) != 0) {
            hf |= HF_ADDSEG_MASK;
        }
    }
    env->hflags = hf;
}

static void x86_cpu_setup_cpuid(CPUX86State *env)
{
#ifdef CONFIG_USER_ONLY
    env->cpuid_level = 0xd;
#else
    env->cpuid_level = 0x16; /* the TSC and core-crystal leaves */
#endif
    env->cpuid_xlevel = 0x80000008;
    memcpy(&env->cpuid_vendor[0], "Genu", 4);
    memcpy(&env->cpuid_vendor[1], "ineI", 4);
    memcpy(&env->cpuid_vendor[2], "ntel", 4);
    env->cpuid_version = 0x000306a9; /* family 6, model 0x3a */
    env->features_edx = CPUID_FEATURES_EDX;
    env->features_ecx = CPUID_FEATURES_ECX;
    env->ext_features_edx = CPUID_EXT_FEATURES_EDX;
    env->ext_features_ecx = CPUID_EXT_FEATURES_ECX;
    env->features7_ebx = CPUID_FEATURES7_EBX;
#ifndef CONFIG_USER_ONLY
    env->features_edx |= CPUID_FEATURES_EDX_SYS;
    env->features_ecx |= CPUID_FEATURES_ECX_SYS;
    env->ext_features_edx |= CPUID_EXT_FEATURES_EDX_SYS;
#endif
}

void x86_cpu_reset(X86CPU *cpu)
{
    CPUX86State *env = &cpu->env;
    CPUState *cs = &cpu->parent;

    memset(env, 0, sizeof(*env));
    cs->exception_index = -1;
    cs->halted = false;
    env->old_exception = -1;
    x86_cpu_setup_cpuid(env);
#ifndef CONFIG_USER_ONLY
    cs->interrupt_request = 0;
    x86_cpu_reset_system(cpu);
    return;
#endif

    /* long mode, CPL 3, as Linux runs user code */
    env->cr[0] = 0x80050033; /* PG AM WP NE ET MP PE */
    env->cr[4] = 0x000006a0; /* OSXMMEXCPT OSFXSR PAE PGE */
    env->efer = 0xd01;       /* NXE LMA LME SCE */
    set_seg(env, R_CS, 0x33, 0x00a0fb00);
    set_seg(env, R_SS, 0x2b, 0x00c0f300);
    set_seg(env, R_DS, 0, 0);
    set_seg(env, R_ES, 0, 0);
    set_seg(env, R_FS, 0, 0);
    set_seg(env, R_GS, 0, 0);
    env->hflags = 3 | HF_CS32_MASK | HF_SS32_MASK | HF_LMA_MASK | HF_CS64_MASK | HF_PE_MASK |
                  HF_OSFXSR_MASK | HF_MP_MASK;

    env->eflags = 0x202;
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src = 0;
    env->df = 1;
    env->mxcsr = 0x1f80;
    env->fpuc = 0x37f;
    memset(env->fptags, 1, sizeof(env->fptags));
}

X86CPU *x86_cpu_new(int cpu_index)
{
    X86CPU *cpu = calloc(1, sizeof(*cpu));

    if (!cpu) {
        return NULL;
    }
    cpu->parent.cc = &x86_cpu_class;
    cpu->parent.env_ptr = &cpu->env;
    cpu->parent.cpu_index = cpu_index;
    x86_cpu_reset(cpu);
    return cpu;
}

/* ---------------------------------------------------------------------- */

void cpu_x86_cpuid(CPUX86State *env, uint32_t index, uint32_t count, uint32_t *eax,
                   uint32_t *ebx, uint32_t *ecx, uint32_t *edx)
{
    CPUState *cs = env_cpu(env);

    *eax = *ebx = *ecx = *edx = 0;
    if (index >= 0x80000000 ? index > env->cpuid_xlevel : index > env->cpuid_level) {
        index = env->cpuid_level; /* as Intel: the highest basic leaf */
    }
    switch (index) {
    case 0:
        *eax = env->cpuid_level;
        *ebx = env->cpuid_vendor[0];
        *edx = env->cpuid_vendor[1];
        *ecx = env->cpuid_vendor[2];
        break;
    case 1:
        *eax = env->cpuid_version;
        *ebx = ((uint32_t)cs->cpu_index << 24) | (1 << 16) | (8 << 8);
        *ecx = env->features_ecx;
        *edx = env->features_edx;
        break;
    case 2:
        *eax = 0x0000ff01; /* descriptor 0xff: see leaf 4 */
        break;
    case 4: {
        /* type, level, ways, sets; 64-byte lines */
        static const uint32_t caches[4][4] = {
            { 1, 1, 8, 64 },     /* L1d 32K */
            { 2, 1, 8, 64 },     /* L1i 32K */
            { 3, 2, 8, 512 },    /* L2 256K */
            { 3, 3, 16, 8192 },  /* L3 8M */
        };
        if (count < 4) {
            const uint32_t *c = caches[count];
            *eax = c[0] | (c[1] << 5) | (1 << 8);
            *ebx = ((c[2] - 1) << 22) | 63;
            *ecx = c[3] - 1;
        }
        break;
    }
    case 7:
        if (count == 0) {
            *ebx = env->features7_ebx;
            *ecx = env->features7_ecx;
            *edx = env->features7_edx;
        }
        break;
    case 0xb:
        *ecx = count & 0xff;
        if (count == 0) {
            *ebx = 1;
            *ecx |= 1 << 8;
        } else if (count == 1) {
            *ebx = 1;
            *ecx |= 2 << 8;
        }
        *edx = cs->cpu_index;
        break;
#ifndef CONFIG_USER_ONLY
    case 0x15: /* TSC = crystal * EBX / EAX */
        *eax = 1;
        *ebx = (uint32_t)(X86_TSC_HZ / X86_TSC_CRYSTAL_HZ);
        *ecx = X86_TSC_CRYSTAL_HZ;
        break;
    case 0x16: /* base, maximum and bus frequencies in MHz */
        *eax = *ebx = (uint32_t)(X86_TSC_HZ / 1000000);
        *ecx = X86_TSC_CRYSTAL_HZ / 1000000;
        break;
#endif
    case 0x80000000:
        *eax = env->cpuid_xlevel;
        break;
    case 0x80000001:
        *ecx = env->ext_features_ecx;
        *edx = env->ext_features_edx;
        break;
    case 0x80000002:
    case 0x80000003:
    case 0x80000004: {
        static const char brand[48] = "Tern virtual x86-64 CPU";
        uint32_t r[4];
        memcpy(r, brand + 16 * (index - 0x80000002), 16);
        *eax = r[0];
        *ebx = r[1];
        *ecx = r[2];
        *edx = r[3];
        break;
    }
    case 0x80000006:
        *ecx = (256 << 16) | (6 << 12) | 64;
        break;
#ifndef CONFIG_USER_ONLY
    case 0x80000007:
        *edx = 1u << 8; /* invariant TSC: the virtual clock's rate never changes */
        break;
#endif
    case 0x80000008:
        *eax = 0x00003028; /* 48-bit virtual, 40-bit physical */
        break;
    default:
        break;
    }
}

/* ---------------------------------------------------------------------- */

uint64_t cpu_compute_eflags(CPUX86State *env)
{
    uint64_t f = env->eflags & ~(uint64_t)(CC_ALL | DF_MASK);

    f |= helper_cc_compute_all(env->cc_dst, env->cc_src, env->cc_src2, env->cc_op);
    if (env->df < 0) {
        f |= DF_MASK;
    }
    return f | 2;
}

void cpu_load_eflags(CPUX86State *env, uint64_t eflags, uint64_t update_mask)
{
    uint64_t f = (cpu_compute_eflags(env) & ~update_mask) | (eflags & update_mask);

    env->cc_src = f & CC_ALL;
    env->cc_op = CC_OP_EFLAGS;
    env->df = (f & DF_MASK) ? -1 : 1;
    env->eflags = (f & ~(uint64_t)(CC_ALL | DF_MASK)) | 2;
    /* the EFLAGS bits that are also TB flags */
    env->hflags = (env->hflags & ~(HF_TF_MASK | (3u << HF_IOPL_SHIFT))) |
                  ((env->eflags & TF_MASK) ? HF_TF_MASK : 0) |
                  (((env->eflags >> 12) & 3) << HF_IOPL_SHIFT);
}

_Noreturn void raise_exception_err_ra(CPUX86State *env, int excp, int error_code,
                                      uintptr_t retaddr)
{
    CPUState *cs = env_cpu(env);

    cs->exception_index = excp;
    env->error_code = error_code;
    if (retaddr) {
        cpu_loop_exit_restore(cs, retaddr);
    }
    cpu_loop_exit(cs);
}

_Noreturn void raise_exception_ra(CPUX86State *env, int excp, uintptr_t retaddr)
{
    raise_exception_err_ra(env, excp, 0, retaddr);
}

/* ---------------------------------------------------------------------- */
/* CPUClass hooks                                                           */

static void x86_get_tb_cpu_state(CPUState *cs, uint64_t *pc, uint64_t *cs_base, uint32_t *flags)
{
    CPUX86State *env = cpu_env(cs);

    *cs_base = env->segs[R_CS].base;
    *pc = *cs_base + env->eip;
    *flags = env->hflags;
}

/* data[0] = linear pc of the insn, data[1] = its static cc_op (or DYNAMIC) */
static void x86_restore_state_to_opc(CPUState *cs, const TranslationBlock *tb,
                                     const uint64_t *data)
{
    CPUX86State *env = cpu_env(cs);

    env->eip = data[0] - tb->cs_base;
    if (data[1] != CC_OP_DYNAMIC) {
        env->cc_op = (uint32_t)data[1];
    }
}

static void x86_dump_state(CPUState *cs, FILE *f)
{
    static const char *const names[16] = {
        "RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
        "R8 ", "R9 ", "R10", "R11", "R12", "R13", "R14", "R15",
    };
    static const char *const seg_names[6] = { "ES", "CS", "SS", "DS", "FS", "GS" };
    CPUX86State *env = cpu_env(cs);
    uint64_t fl = cpu_compute_eflags(env);

    for (int i = 0; i < 16; i++) {
        fprintf(f, "%s=%016llx%s", names[i], (unsigned long long)env->regs[i],
                (i & 3) == 3 ? "\n" : " ");
    }
    fprintf(f, "RIP=%016llx RFL=%08llx [%c%c%c%c%c%c%c] CPL=%d\n", (unsigned long long)env->eip,
            (unsigned long long)fl, fl & DF_MASK ? 'D' : '-', fl & CC_O ? 'O' : '-',
            fl & CC_S ? 'S' : '-', fl & CC_Z ? 'Z' : '-', fl & CC_A ? 'A' : '-',
            fl & CC_P ? 'P' : '-', fl & CC_C ? 'C' : '-', env->hflags & HF_CPL_MASK);
    for (int i = 0; i < 6; i++) {
        fprintf(f, "%s =%04x %016llx %08x %08x\n", seg_names[i], env->segs[i].selector,
                (unsigned long long)env->segs[i].base, env->segs[i].limit, env->segs[i].flags);
    }
#ifndef CONFIG_USER_ONLY
    fprintf(f, "LDT=%04x %016llx %08x TR=%04x %016llx %08x\n", env->ldt.selector,
            (unsigned long long)env->ldt.base, env->ldt.limit, env->tr.selector,
            (unsigned long long)env->tr.base, env->tr.limit);
    fprintf(f, "GDT=     %016llx %08x IDT=     %016llx %08x\n", (unsigned long long)env->gdt.base,
            env->gdt.limit, (unsigned long long)env->idt.base, env->idt.limit);
    fprintf(f, "CR0=%08llx CR2=%016llx CR3=%016llx CR4=%08llx EFER=%016llx\n",
            (unsigned long long)env->cr[0], (unsigned long long)env->cr[2],
            (unsigned long long)env->cr[3], (unsigned long long)env->cr[4],
            (unsigned long long)env->efer);
#endif
    fprintf(f, "CCS=%016llx CCD=%016llx CCO=%u HFLAGS=%08x MXCSR=%08x FCW=%04x\n",
            (unsigned long long)env->cc_src, (unsigned long long)env->cc_dst, env->cc_op,
            env->hflags, env->mxcsr, env->fpuc);
}

static int x86_disas_mode(CPUState *cs, uint32_t flags)
{
    if (flags & HF_CS64_MASK) {
        return DISAS_X86_64;
    }
    return (flags & HF_CS32_MASK) ? DISAS_X86_32 : DISAS_X86_16;
}

static void x86_do_unaligned_access(CPUState *cs, uint64_t addr, int is_write, uintptr_t ra)
{
    /* MO_ALIGN is used by the SSE aligned forms: #GP(0) */
    raise_exception_err_ra(cpu_env(cs), EXCP0D_GPF, 0, ra);
}

static void x86_record_code_fault(CPUState *cs, uint64_t addr)
{
    CPUX86State *env = cpu_env(cs);

#ifndef CONFIG_USER_ONLY
    /* system mode: pages that fault were raised by tlb_fill already; this
     * is code outside RAM/ROM, which we cannot run: what unassigned
     * memory holds (all ones) is no valid insn either */
    log_mask_printf(LOG_GUEST_ERROR, "x86: execution outside RAM/ROM at %#llx\n",
                    (unsigned long long)addr);
    env->error_code = 0;
    cs->exception_index = EXCP06_ILLOP;
    return;
#endif
    env->exception_addr = addr;
    env->exception_is_write = 0;
    env->error_code = 0x10 | 4;
    cs->exception_index = EXCP0E_PAGE;
}

const CPUClass x86_cpu_class = {
    .name = "x86_64",
    .get_tb_cpu_state = x86_get_tb_cpu_state,
    .translate = x86_cpu_translate,
    .restore_state_to_opc = x86_restore_state_to_opc,
    .dump_state = x86_dump_state,
    .disas_mode = x86_disas_mode,
    .do_unaligned_access = x86_do_unaligned_access,
    .record_code_fault = x86_record_code_fault,
#ifndef CONFIG_USER_ONLY
    .tlb_fill = x86_cpu_tlb_fill,
    .mmu_index_code = x86_cpu_mmu_index_code,
    .exec_interrupt = x86_cpu_exec_interrupt,
    .do_interrupt = x86_cpu_do_interrupt,
#endif
};
