/*
 * Private to the system-mode x86 helpers (seg_helper.c, excp_helper.c,
 * misc_helper-sys.c, cpu-sys.c) and the system-mode emitters
 * (translate-sys.c): descriptor access, implicit supervisor memory
 * accesses, interrupt delivery and the helpers generated code calls.
 */
#ifndef TARGET_I386_SEG_HELPER_H
#define TARGET_I386_SEG_HELPER_H

#include "exec/cputlb.h"
#include "translate-internal.h"

/* The MMU index of accesses made at the current CPL. */
static inline int x86_mmu_index_cpl(CPUX86State *env)
{
    return (env->hflags & HF_CPL_MASK) == 3 ? X86_MMU_USER : X86_MMU_KERNEL;
}

static inline int x86_cpl(CPUX86State *env)
{
    return env->hflags & HF_CPL_MASK;
}

static inline void x86_set_cpl(CPUX86State *env, int cpl)
{
    env->hflags = (env->hflags & ~HF_CPL_MASK) | (cpl & 3);
}

/* Implicit supervisor accesses (descriptor tables, TSS, IDT) to linear
 * addresses; ra as for raise_exception_err_ra. */
static inline uint64_t x86_ld_kernel(CPUX86State *env, uint64_t addr, MemOp mop, uintptr_t ra)
{
    return cpu_ld_mmu(env_cpu(env), addr, mop, X86_MMU_KERNEL, ra);
}
static inline void x86_st_kernel(CPUX86State *env, uint64_t addr, uint64_t v, MemOp mop,
                                 uintptr_t ra)
{
    cpu_st_mmu(env_cpu(env), addr, v, mop, X86_MMU_KERNEL, ra);
}

/* excp_helper.c */
bool x86_cpu_tlb_fill(CPUState *cs, uint64_t addr, int size, int access_type, int mmu_idx,
                      bool probe, uintptr_t retaddr);
int x86_cpu_mmu_index_code(CPUState *cs);
hwaddr x86_cpu_get_phys_page(CPUX86State *env, uint64_t addr);
typedef struct X86PageWalk X86PageWalk;

/* seg_helper.c */
/* Deliver interrupt/exception intno. is_int: 0 a fault or external
 * interrupt (returns to env->eip), 1 INT n/INT3/INTO (DPL-checked, returns
 * to next_eip), 2 INT1 (returns to next_eip, no DPL check). is_hw: an
 * external interrupt or NMI (never pushes an error code). */
void x86_do_interrupt_all(CPUX86State *env, int intno, int is_int, int error_code,
                          uint64_t next_eip, bool is_hw);
/* Descriptor of selector from the GDT/LDT into e1, e2; false if it is
 * beyond the table limit. */
bool x86_load_desc(CPUX86State *env, uint32_t selector, uint32_t *e1, uint32_t *e2,
                   uintptr_t ra);
void x86_seg_cache_set(CPUX86State *env, int seg, uint32_t selector, uint64_t base,
                       uint32_t limit, uint32_t flags);
/* load a segment register as MOV/POP do (all checks), in any mode */
void x86_load_seg(CPUX86State *env, int seg, uint32_t selector, uintptr_t ra);
/* After a triple fault: the machine's reset hook, or shutdown (halted,
 * deaf to interrupts until reset). */
void x86_triple_fault(CPUX86State *env);

/* misc_helper-sys.c */
void x86_cpu_set_cr(CPUX86State *env, int reg, uint64_t val);

/* cpu-sys.c */
void x86_cpu_reset_system(X86CPU *cpu);
bool x86_cpu_exec_interrupt(CPUState *cs, uint32_t interrupt_request);
void x86_cpu_do_interrupt(CPUState *cs);
/* After a change that may unmask interrupts (STI, POPF, IRET, CR8...):
 * make the CPU leave generated code if one is pending. */
void x86_check_pending_interrupts(CPUX86State *env);

/* ---- helpers called by generated code (translate-sys.c) ---- */
void helper_sys_raise_int(CPUX86State *env, uint32_t intno, uint32_t is_int, uint64_t next_eip);
void helper_load_seg(CPUX86State *env, uint32_t seg, uint64_t selector);
void helper_ljmp(CPUX86State *env, uint64_t selector, uint64_t offset, uint64_t next_eip,
                 uint32_t ot);
void helper_lcall(CPUX86State *env, uint64_t selector, uint64_t offset, uint64_t next_eip,
                  uint32_t ot);
void helper_lret(CPUX86State *env, uint32_t ot, uint32_t addend);
void helper_iret(CPUX86State *env, uint32_t ot, uint64_t next_eip);
void helper_lldt(CPUX86State *env, uint64_t selector);
void helper_ltr(CPUX86State *env, uint64_t selector);
/* LAR/LSL: the result, or -1 (ZF cleared) when not accessible */
uint64_t helper_lar(CPUX86State *env, uint64_t selector);
uint64_t helper_lsl(CPUX86State *env, uint64_t selector);
/* VERR/VERW: 1 when accessible */
uint64_t helper_verr(CPUX86State *env, uint64_t selector);
uint64_t helper_verw(CPUX86State *env, uint64_t selector);
void helper_syscall_sys(CPUX86State *env, uint64_t next_eip);
void helper_sysret(CPUX86State *env, uint32_t ot);
void helper_sysenter(CPUX86State *env, uint64_t next_eip);
void helper_sysexit(CPUX86State *env, uint32_t ot);
void helper_swapgs(CPUX86State *env);

void helper_hlt(CPUX86State *env, uint64_t next_eip);
void helper_cli(CPUX86State *env);
void helper_sti(CPUX86State *env);
void helper_reset_inhibit_irq(CPUX86State *env);
void helper_set_inhibit_irq(CPUX86State *env);
void helper_popf_sys(CPUX86State *env, uint64_t val, uint32_t ot);
uint64_t helper_pushf_sys(CPUX86State *env, uint64_t arith);
void helper_write_crN(CPUX86State *env, uint32_t reg, uint64_t val);
uint64_t helper_read_crN(CPUX86State *env, uint32_t reg);
void helper_write_drN(CPUX86State *env, uint32_t reg, uint64_t val);
uint64_t helper_read_drN(CPUX86State *env, uint32_t reg);
void helper_lmsw(CPUX86State *env, uint64_t val);
void helper_clts(CPUX86State *env);
void helper_invlpg(CPUX86State *env, uint64_t addr);
void helper_rdmsr(CPUX86State *env);
void helper_wrmsr(CPUX86State *env);
void helper_lgdt_lidt(CPUX86State *env, uint32_t which, uint64_t base, uint64_t limit);
/* I/O: check_io raises #GP unless CPL <= IOPL (outside VM86) or the TSS
 * bitmap allows size bytes at port */
void helper_check_io(CPUX86State *env, uint32_t port, uint32_t size);
uint64_t helper_in(CPUX86State *env, uint32_t port, uint32_t ot);
void helper_out(CPUX86State *env, uint32_t port, uint64_t val, uint32_t ot);
void helper_check_tsd(CPUX86State *env);
void helper_bound(CPUX86State *env, uint64_t index, uint64_t addr, uint32_t ot);

#endif
