/*
 * CPUState: what the execution loop, linux-user and the machine know about
 * a CPU whatever its architecture. The architecture's own state (env) sits
 * in the same allocation after it; CPUClass hooks connect the two.
 */
#ifndef HW_CORE_CPU_H
#define HW_CORE_CPU_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "exec/translation-block.h"

typedef struct CPUState CPUState;
typedef struct CPUTLB CPUTLB;
typedef struct AddressSpace AddressSpace;

/* System mode: the softmmu TLB (accel/tcg/cputlb.c, exec/cputlb.h). */
#define NB_MMU_MODES 8
typedef struct CPUTLBEntry CPUTLBEntry;
/* What generated code reads for the inline TLB compare of one MMU mode:
 * entry = table + ((addr >> (TARGET_PAGE_BITS - CPU_TLB_ENTRY_BITS)) & mask) */
typedef struct CPUTLBDescFast {
    uintptr_t mask;
    CPUTLBEntry *table;
} CPUTLBDescFast;

/* exception_index values >= 0x10000 are requests to the execution loop */
#define EXCP_INTERRUPT 0x10000 /* async exit (exit_request) */
#define EXCP_HLT 0x10001
#define EXCP_DEBUG 0x10002
#define EXCP_HALTED 0x10003
#define EXCP_YIELD 0x10004
#define EXCP_ATOMIC 0x10005 /* re-run the insn with other threads stopped */
#define EXCP_SYSCALL 0x10006 /* linux-user: the guest made a system call */

typedef struct CPUClass {
    const char *name;
    /* the TB key of the current state */
    void (*get_tb_cpu_state)(CPUState *cs, uint64_t *pc, uint64_t *cs_base, uint32_t *flags);
    /* emit IR for tb (pc, cs_base, flags, cflags set) into tcg_ctx, at
     * most max_insns instructions; set tb->size and tb->icount */
    void (*translate)(CPUState *cs, TranslationBlock *tb, int max_insns);
    /* set the state from one insn_start's words after a fault */
    void (*restore_state_to_opc)(CPUState *cs, const TranslationBlock *tb, const uint64_t *data);
    /*
     * System mode: translate addr for an access of size bytes
     * (MMU_DATA_LOAD/STORE/INST_FETCH) in mmu_idx; on success call
     * tlb_set_page() and return true. On a fault: return false if probe,
     * else raise the guest exception (cpu_loop_exit_restore(retaddr)).
     */
    bool (*tlb_fill)(CPUState *cs, uint64_t addr, int size, int access_type, int mmu_idx,
                     bool probe, uintptr_t retaddr);
    /* System mode: the MMU index that instruction fetches use now */
    int (*mmu_index_code)(CPUState *cs);
    /* system mode: take a pending interrupt, true if one was taken */
    bool (*exec_interrupt)(CPUState *cs, uint32_t interrupt_request);
    /* deliver exception_index (system mode) */
    void (*do_interrupt)(CPUState *cs);
    void (*dump_state)(CPUState *cs, FILE *f);
    /* disassembly of guest code for -d in_asm: a DisasMode of util/disas.h */
    int (*disas_mode)(CPUState *cs, uint32_t tb_flags);
    /* an access with MO_ALIGN was misaligned: raise the guest's fault
     * (never returns); retaddr as for cpu_loop_exit_restore */
    void (*do_unaligned_access)(CPUState *cs, uint64_t addr, int is_write, uintptr_t retaddr);
    /* linux-user: the guest fetched code from a page it cannot execute;
     * set up the guest's page fault for addr (the loop then exits) */
    void (*record_code_fault)(CPUState *cs, uint64_t addr);
} CPUClass;

#define TB_JMP_CACHE_BITS 12
#define TB_JMP_CACHE_SIZE (1 << TB_JMP_CACHE_BITS)

struct CPUState {
    const CPUClass *cc;
    void *env_ptr;
    int cpu_index;
    sigjmp_buf jmp_env;     /* cpu_loop_exit() lands here */
    int exception_index;    /* -1 when none */
    volatile int exit_request; /* checked at every TB entry */
    uint32_t interrupt_request;
    bool halted;
    bool running;
    bool can_do_io;
    void *opaque;           /* linux-user: the thread's TaskState */
    /* accel/tcg bookkeeping */
    bool exec_registered;
    uint32_t tb_flush_count; /* the flush this CPU's jump cache is from */
    CPUState *next_cpu;
    TranslationBlock *tb_jmp_cache[TB_JMP_CACHE_SIZE];
    /* system mode: the softmmu TLB (the fast part at a fixed offset from
     * env, for generated code) and the address space the CPU sees */
    CPUTLBDescFast tlb_fast[NB_MMU_MODES];
    CPUTLB *tlb;
    AddressSpace *as;
};

static inline void cpu_exit(CPUState *cs)
{
    __atomic_store_n(&cs->exit_request, 1, __ATOMIC_SEQ_CST);
}

/*
 * System mode: interrupt_request bits. A device model (interrupt
 * controller) raises them with cpu_interrupt(), which also makes the CPU
 * leave generated code at the next TB boundary so the target can take
 * the interrupt; cpu_reset_interrupt() lowers them.
 */
#define CPU_INTERRUPT_HARD 0x0002  /* an external interrupt (INTR line) */
#define CPU_INTERRUPT_NMI 0x0200
#define CPU_INTERRUPT_INIT 0x0400  /* INIT (multiprocessor start-up) */
#define CPU_INTERRUPT_SIPI 0x0800  /* start-up IPI */

static inline void cpu_interrupt(CPUState *cs, uint32_t mask)
{
    __atomic_fetch_or(&cs->interrupt_request, mask, __ATOMIC_SEQ_CST);
    cpu_exit(cs);
}

static inline void cpu_reset_interrupt(CPUState *cs, uint32_t mask)
{
    __atomic_fetch_and(&cs->interrupt_request, ~mask, __ATOMIC_SEQ_CST);
}

#endif
