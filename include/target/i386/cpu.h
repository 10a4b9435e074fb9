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
} CPUX86State;

typedef struct X86CPU {
    CPUState parent;
    CPUX86State env;
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
