/*
 * The x86-64 CPU state (env). Generated code addresses every field here
 * relative to env, so fields used as TCG globals keep fixed types.
 *
 * Arithmetic flags are lazy: cc_op names the last flag-setting operation
 * and cc_dst/cc_src/cc_src2 hold its operands/result; eflags holds every
 * other flag (IF, TF, AC, ID, IOPL...) with CF/PF/AF/ZF/SF/OF and DF
 * clear. df is +1 or -1 (the string-op increment sign).
 */
#ifndef TARGET_I386_CPU_H
#define TARGET_I386_CPU_H

#include <stddef.h>
#include <stdint.h>

#include "hw/core/cpu.h"

enum {
    R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI,
    R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15,
};
enum { R_ES, R_CS, R_SS, R_DS, R_FS, R_GS };

/* EFLAGS bits */
#define CC_C 0x0001
#define CC_P 0x0004
#define CC_A 0x0010
#define CC_Z 0x0040
#define CC_S 0x0080
#define TF_MASK 0x0100
#define IF_MASK 0x0200
#define DF_MASK 0x0400
#define CC_O 0x0800
#define IOPL_MASK 0x3000
#define NT_MASK 0x4000
#define RF_MASK 0x10000
#define VM_MASK 0x20000
#define AC_MASK 0x40000
#define VIF_MASK 0x80000
#define VIP_MASK 0x100000
#define ID_MASK 0x200000
#define CC_ALL (CC_C | CC_P | CC_A | CC_Z | CC_S | CC_O)

typedef struct SegmentCache {
    uint32_t selector;
    uint32_t limit;
    uint64_t base;
    uint32_t flags; /* descriptor bits 8..23 of the high dword, in place */
} SegmentCache;

typedef union XMMReg {
    uint8_t b[16];
    uint16_t w[8];
    uint32_t l[4];
    uint64_t q[2];
    int8_t sb[16];
    int16_t sw[8];
    int32_t sl[4];
    int64_t sq[2];
    float s[4];
    double d[2];
} __attribute__((aligned(16))) XMMReg;

/* An x87 register; MMX registers alias the low 64 bits (the mantissa). */
typedef union FPReg {
    long double d;
    uint64_t mmx;
    struct {
        uint64_t low;
        uint16_t high;
    } raw;
} __attribute__((aligned(16))) FPReg;

typedef struct CPUX86State {
    uint64_t regs[16];
    uint64_t eip;
    uint64_t eflags;
    uint64_t cc_dst;
    uint64_t cc_src;
    uint64_t cc_src2;
    uint32_t cc_op;
    int32_t df;

    SegmentCache segs[6]; /* fs/gs bases live in segs[R_FS/R_GS].base */

    /* x87 */
    uint32_t fpstt;   /* top of stack */
    uint16_t fpus;    /* status word without TOP */
    uint16_t fpuc;    /* control word */
    uint8_t fptags[8]; /* 1 = empty */
    FPReg fpregs[8];  /* physical registers ST(i) = fpregs[(fpstt + i) & 7] */
    uint16_t fpop;
    uint64_t fpip, fpdp;
    uint16_t fpcs, fpds;

    /* SSE */
    XMMReg xmm_regs[16];
    XMMReg xmm_t0; /* scratch for translators */
    uint32_t mxcsr;

    /* control state used by user mode too */
    uint64_t cr[5];
    uint64_t efer;
    uint64_t kernelgsbase;
    uint64_t tsc_offset;
    uint32_t hflags; /* HF_*: mode bits that select translation */

    /* CPUID model */
    uint32_t cpuid_level, cpuid_xlevel;
    uint32_t cpuid_vendor[3];
    uint32_t cpuid_version;
    uint32_t features_edx, features_ecx;      /* leaf 1 */
    uint32_t ext_features_edx, ext_features_ecx; /* leaf 0x80000001 */
    uint32_t features7_ebx, features7_ecx, features7_edx; /* leaf 7.0 */

    /* the last exception, for the loop and linux-user signals */
    int error_code;
    uint64_t exception_addr; /* faulting linear address (#PF / SIGSEGV) */
    int exception_is_write;
    uint64_t exception_next_eip; /* for INT n / SYSCALL: eip after it */

    /*
     * System mode (target/i386/seg_helper.c, excp_helper.c,
     * misc_helper-sys.c). cr[] above holds CR0, CR2, CR3, CR4; CR8 is
     * cr8 (the task priority, 4 bits).
     */
    SegmentCache ldt, tr;   /* selector, base, limit, flags as segs[] */
    SegmentCache gdt, idt;  /* base and limit only */
    uint64_t cr8;
    uint64_t dr[8];         /* DR0-3, DR6 and DR7 (4 and 5 alias them) */
    uint32_t hflags2;       /* HF2_*: state that does not select code */
    int old_exception;      /* the exception being delivered, for #DF */
    int exception_is_int;   /* the pending exception is INT n / INT3 / INTO */
    /* MSRs */
    uint32_t sysenter_cs;
    uint64_t sysenter_esp, sysenter_eip;
    uint64_t star, lstar, cstar, fmask;
    uint64_t pat, apic_base, misc_enable, tsc_aux;
    uint64_t mtrr_deftype;
    uint64_t mtrr_fixed[11];
    uint64_t mtrr_var[8][2]; /* PHYSBASEn, PHYSMASKn */
    /* an application processor after INIT: halted until a start-up IPI */
    bool wait_sipi;
} CPUX86State;

typedef struct X86CPU {
    CPUState parent;
    CPUX86State env;
    /*
     * System mode: set by the board. Called (with the big lock held) when
     * the CPU accepts an external interrupt (CPU_INTERRUPT_HARD with
     * EFLAGS.IF set): acknowledges it at the interrupt controller and
     * returns the vector, or -1 when nothing is pending any more (a
     * spurious request: nothing is delivered).
     */
    int (*get_irq_vector)(CPUState *cs);
    /*
     * System mode, set by the board with a local APIC: on
     * CPU_INTERRUPT_SIPI, the start-up vector the APIC received (-1: none).
     * CPU_INTERRUPT_INIT resets the CPU into the wait-for-SIPI state.
     */
    int (*get_sipi_vector)(CPUState *cs);
} X86CPU;

static inline X86CPU *env_archcpu(CPUX86State *env)
{
    return (X86CPU *)((char *)env - offsetof(X86CPU, env));
}
static inline CPUState *env_cpu(CPUX86State *env) { return &env_archcpu(env)->parent; }
static inline CPUX86State *cpu_env(CPUState *cs) { return (CPUX86State *)cs->env_ptr; }

/* hflags */
#define HF_CPL_MASK 0x0003
#define HF_CS32_MASK (1 << 4)  /* 32-bit code segment */
#define HF_SS32_MASK (1 << 5)  /* 32-bit stack segment */
#define HF_ADDSEG_MASK (1 << 6) /* DS/ES/SS bases may be nonzero */
#define HF_LMA_MASK (1 << 7)   /* long mode active */
#define HF_CS64_MASK (1 << 8)  /* 64-bit code segment */
#define HF_PE_MASK (1 << 9)    /* protected mode */
#define HF_VM_MASK (1 << 10)   /* VM86 */
#define HF_TF_MASK (1 << 11)   /* trap flag single-step */
#define HF_INHIBIT_IRQ_MASK (1 << 12)
#define HF_OSFXSR_MASK (1 << 13)
#define HF_EM_MASK (1 << 14)   /* CR0.EM */
#define HF_TS_MASK (1 << 15)   /* CR0.TS */
#define HF_MP_MASK (1 << 16)
#define HF_IOPL_SHIFT 17       /* 2 bits: IOPL copy for translation */
#define HF_SMAP_MASK (1 << 19)
#define HF_PG_MASK (1 << 20)     /* CR0.PG (system mode) */
#define HF_WP_MASK (1 << 21)     /* CR0.WP (system mode) */

/* hflags2: CPU state that does not change generated code */
#define HF2_NMI_MASK (1 << 0)  /* NMIs blocked until the next IRET */

/*
 * MMU indexes (system mode; linux-user uses none). A TB's accesses use
 * the index of its CPL; helpers that make implicit supervisor accesses
 * (descriptor tables, the TSS, the IDT) use X86_MMU_KERNEL whatever the
 * CPL. With paging off every index maps linear = physical.
 *   X86_MMU_USER       CPL 3: U/S and R/W page bits apply
 *   X86_MMU_KERNEL     CPL 0-2 (CR0.WP decides for read-only pages)
 *   X86_MMU_KERNEL_NOSMAP  supervisor without SMAP checks (reserved:
 *                      SMAP is not advertised, so KERNEL never checks)
 * Changes of CR0.PG/WP, CR3, CR4.PSE/PAE/PGE/SMEP, EFER.NXE flush the TLB.
 */
#define X86_MMU_USER 0
#define X86_MMU_KERNEL 1
#define X86_MMU_KERNEL_NOSMAP 2

/* CR0 */
#define CR0_PE_MASK (1u << 0)
#define CR0_MP_MASK (1u << 1)
#define CR0_EM_MASK (1u << 2)
#define CR0_TS_MASK (1u << 3)
#define CR0_ET_MASK (1u << 4)
#define CR0_NE_MASK (1u << 5)
#define CR0_WP_MASK (1u << 16)
#define CR0_AM_MASK (1u << 18)
#define CR0_NW_MASK (1u << 29)
#define CR0_CD_MASK (1u << 30)
#define CR0_PG_MASK (1u << 31)
/* CR4 */
#define CR4_VME_MASK (1u << 0)
#define CR4_PVI_MASK (1u << 1)
#define CR4_TSD_MASK (1u << 2)
#define CR4_DE_MASK (1u << 3)
#define CR4_PSE_MASK (1u << 4)
#define CR4_PAE_MASK (1u << 5)
#define CR4_MCE_MASK (1u << 6)
#define CR4_PGE_MASK (1u << 7)
#define CR4_PCE_MASK (1u << 8)
#define CR4_OSFXSR_MASK (1u << 9)
#define CR4_OSXMMEXCPT_MASK (1u << 10)
#define CR4_SMEP_MASK (1u << 20)
#define CR4_SMAP_MASK (1u << 21)
/* EFER */
#define EFER_SCE (1u << 0)
#define EFER_LME (1u << 8)
#define EFER_LMA (1u << 10)
#define EFER_NXE (1u << 11)

/* MSRs the CPU implements (RDMSR/WRMSR of others: #GP) */
#define MSR_IA32_TSC 0x10
#define MSR_IA32_APICBASE 0x1b
#define MSR_IA32_BIOS_SIGN_ID 0x8b
#define MSR_IA32_PLATFORM_ID 0x17
#define MSR_MTRRcap 0xfe
#define MSR_IA32_SYSENTER_CS 0x174
#define MSR_IA32_SYSENTER_ESP 0x175
#define MSR_IA32_SYSENTER_EIP 0x176
#define MSR_MTRRphysBase0 0x200
#define MSR_MTRRphysMask7 0x20f
#define MSR_MTRRfix64K_00000 0x250
#define MSR_MTRRfix16K_80000 0x258
#define MSR_MTRRfix16K_A0000 0x259
#define MSR_MTRRfix4K_C0000 0x268
#define MSR_MTRRfix4K_F8000 0x26f
#define MSR_PAT 0x277
#define MSR_MTRRdefType 0x2ff
#define MSR_IA32_MISC_ENABLE 0x1a0
#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_FMASK 0xc0000084
#define MSR_FSBASE 0xc0000100
#define MSR_GSBASE 0xc0000101
#define MSR_KERNELGSBASE 0xc0000102
#define MSR_TSC_AUX 0xc0000103

/* descriptor bits, in SegmentCache.flags (bits 8..23 of the high dword) */
#define DESC_TYPE_SHIFT 8
#define DESC_A_MASK (1u << 8)
#define DESC_W_MASK (1u << 9)  /* data: writable */
#define DESC_R_MASK (1u << 9)  /* code: readable */
#define DESC_E_MASK (1u << 10) /* data: expand-down */
#define DESC_C_MASK (1u << 10) /* code: conforming */
#define DESC_CS_MASK (1u << 11) /* code (vs data) */
#define DESC_S_MASK (1u << 12)  /* code/data (vs system) */
#define DESC_DPL_SHIFT 13
#define DESC_DPL_MASK (3u << DESC_DPL_SHIFT)
#define DESC_P_MASK (1u << 15)
#define DESC_L_MASK (1u << 21)
#define DESC_B_MASK (1u << 22)
#define DESC_G_MASK (1u << 23)
#define DESC_TSS_BUSY_MASK (1u << 9)

/*
 * System mode hooks. The triple-fault hook is set by the machine (a reset
 * request); when NULL, a triple fault stops the CPU (it stays halted with
 * interrupts ignored, as in shutdown state).
 */
extern void (*x86_triple_fault_hook)(CPUState *cs);
/*
 * The machine's local APIC MSRs: RDMSR/WRMSR of IA32_APIC_BASE (0x1b),
 * IA32_TSC_DEADLINE (0x6e0) and the x2APIC range 0x800-0x8ff call this
 * (write: *val is the value) when set. Returns 1 done, 0 for #GP, -1 when
 * the CPU has no APIC (the CPU's own handling then applies).
 */
extern int (*x86_apic_msr_hook)(CPUState *cs, uint32_t msr, uint64_t *val, bool write);

/*
 * CR8 is the local APIC's TPR bits 7:4. The machine's hook reads
 * (write false: *val set) or writes it; returns -1 when the CPU has no
 * APIC (env->cr8 then holds the value).
 */
extern int (*x86_apic_cr8_hook)(CPUState *cs, uint64_t *val, bool write);

/*
 * The guest TSC. System mode: X86_TSC_HZ ticks per second of the
 * virtual clock (CPUID leaf 0x15 advertises the rate, 0x80000007 says
 * invariant), stopped while the VM is; user mode: the host TSC.
 * x86_tsc_raw is the count before the CPU's offset (IA32_TSC writes).
 */
#define X86_TSC_HZ 2000000000ull
/* the crystal CPUID 0x15 reports: the APIC timer's 1 GHz bus */
#define X86_TSC_CRYSTAL_HZ 1000000000u
uint64_t x86_tsc_raw(void);
uint64_t x86_tsc_read(CPUX86State *env);

/* Recompute env->hflags from CR0/CR4/EFER, the segments and EFLAGS
 * (keeps HF_INHIBIT_IRQ). */
void x86_update_hflags(CPUX86State *env);
/*
 * System mode: run the CPU (cpu_exec) and deliver what it returns: guest
 * exceptions through the IDT, and pending external interrupts/NMIs at
 * instruction boundaries. Returns an EXCP_* request for the caller:
 * EXCP_HLT (halted: wait until cs->interrupt_request, then call again),
 * EXCP_INTERRUPT (exit request), EXCP_DEBUG...
 */
int x86_cpu_exec(CPUState *cs);
/* Write a control register / MSR as the guest would (no privilege
 * checks): for loaders that start the CPU in a given mode. */
void x86_cpu_set_cr(CPUX86State *env, int reg, uint64_t val);

/* guest exception vectors */
#define EXCP00_DIVZ 0
#define EXCP01_DB 1
#define EXCP02_NMI 2
#define EXCP03_INT3 3
#define EXCP04_INTO 4
#define EXCP05_BOUND 5
#define EXCP06_ILLOP 6
#define EXCP07_PREX 7
#define EXCP08_DBLE 8
#define EXCP0A_TSS 10
#define EXCP0B_NOSEG 11
#define EXCP0C_STACK 12
#define EXCP0D_GPF 13
#define EXCP0E_PAGE 14
#define EXCP10_COPR 16
#define EXCP11_ALGN 17
#define EXCP12_MCHK 18
#define EXCP13_XMM 19

/* Create the CPU with the default model and reset it (x86_cpu.c). */
X86CPU *x86_cpu_new(int cpu_index);
void x86_cpu_reset(X86CPU *cpu);
/* EFLAGS with the lazy flags folded in, and setting it back. */
uint64_t cpu_compute_eflags(CPUX86State *env);
void cpu_load_eflags(CPUX86State *env, uint64_t eflags, uint64_t update_mask);
/* Raise a guest exception from a helper; never returns (cpu_loop_exit).
 * retaddr is GETPC() when called from generated code, else 0. */
_Noreturn void raise_exception_err_ra(CPUX86State *env, int excp, int error_code, uintptr_t retaddr);
_Noreturn void raise_exception_ra(CPUX86State *env, int excp, uintptr_t retaddr);

/* The CPUID model: leaf index, subleaf count (target/i386/cpu.c). */
void cpu_x86_cpuid(CPUX86State *env, uint32_t index, uint32_t count, uint32_t *eax,
                   uint32_t *ebx, uint32_t *ecx, uint32_t *edx);

extern const CPUClass x86_cpu_class;

#endif
