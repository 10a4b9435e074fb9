/*
 * The execution loop and its services to translators and helpers
 * (accel/tcg/cpu-exec.c, translate-all.c, translator.c).
 */
#ifndef EXEC_CPU_EXEC_H
#define EXEC_CPU_EXEC_H

#include <stdint.h>

#include "hw/core/cpu.h"
#include "tcg/tcg.h"

/* The host return address inside generated code, for fault unwinding. */
#define GETPC() ((uintptr_t)__builtin_return_address(0))

/* Set up the code cache and the chosen backend; once per process.
 * use_tci selects the interpreter backend. */
void tcg_exec_init(size_t code_cache_size, bool use_tci);

/* Run cs until something needs the caller: returns an exception_index
 * (guest exception number, or an EXCP_* request). */
int cpu_exec(CPUState *cs);

/* Leave the loop from a helper. With a host pc inside generated code
 * (GETPC()), the guest state is first restored to that instruction. */
_Noreturn void cpu_loop_exit(CPUState *cs);
_Noreturn void cpu_loop_exit_restore(CPUState *cs, uintptr_t host_pc);
/*
 * Restore the guest state to the insn at host_pc; false if host_pc is not
 * in generated code. host_pc is a return address (GETPC() in a helper);
 * for a fault taken by a signal handler pass the faulting pc + 1, so that
 * both land strictly inside the insn's host code.
 */
bool cpu_restore_state(CPUState *cs, uintptr_t host_pc);
/* The TB containing host code address host_pc, or NULL. */
TranslationBlock *tcg_tb_lookup(uintptr_t host_pc);

/* Invalidate all TBs with code in [start, end) (guest addresses).
 * Called on guest writes to translated code and on munmap/mprotect. */
void tb_invalidate_phys_range(uint64_t start, uint64_t end);
/* Drop every TB (code cache full, or a big change). Stops all other CPUs
 * first; cs is the calling CPU or NULL when called outside cpu_exec. */
void tb_flush(CPUState *cs);

/*
 * Exclusive sections: start_exclusive() returns once every other CPU has
 * left cpu_exec (they are kicked with cpu_exit and wait at the next entry
 * until end_exclusive()). Threads blocked in system calls are not in
 * cpu_exec. A linux-user thread that exits calls cpu_exec_unregister().
 */
void start_exclusive(void);
void end_exclusive(void);
void cpu_exec_unregister(CPUState *cs);
/*
 * From now on other CPUs/threads run concurrently: TBs are translated with
 * CF_PARALLEL (LOCK-prefixed and implicitly locked accesses become host
 * atomics). Drops the TBs translated for one thread. Call it before a
 * second guest thread starts, outside cpu_exec.
 */
void tcg_set_parallel(void);

/* The CPU this thread is running (NULL outside cpu_exec). */
extern __thread CPUState *current_cpu;

/* Called by a translator before it reads code from a page: registers the
 * page as containing code (linux-user write-protects it). */
void tb_page_add_code(uint64_t page_addr);

/*
 * Translation-time guest code fetch. In linux-user, fetching from a page
 * that is not executable ends the TB before the insn that needs it, or,
 * when it is the TB's first insn, raises the guest's page fault.
 */
uint8_t translator_ldub(CPUState *cs, uint64_t pc);
uint16_t translator_lduw(CPUState *cs, uint64_t pc);
uint32_t translator_ldl(CPUState *cs, uint64_t pc);
uint64_t translator_ldq(CPUState *cs, uint64_t pc);

/*
 * Lookup helper used by generated code for goto_ptr: the host code of the
 * TB for the CPU's current state, or the epilogue (exit) if there is none.
 */
const void *helper_lookup_tb_ptr(void *env);
/*
 * Emit an indirect exit from the TB being translated (tb) to the TB for
 * the CPU's new state, whose key the target passes as IR values: pc,
 * cs_base and flags as get_tb_cpu_state would return them at this point
 * (constants where the translator knows them). The generated code probes
 * the CPU's jump cache inline and jumps straight to a TB there whose key
 * matches (with tb's cflags) and that is valid; anything else goes
 * through helper_lookup_tb_ptr. Ends the TB (like goto_ptr).
 */
void tb_gen_lookup_and_goto_ptr(const TranslationBlock *tb, TCGv_i64 pc, TCGv_i64 cs_base,
                                TCGv_i32 flags);


/* In linux-user the guest's address space starts at guest_base. */
extern uintptr_t guest_base;
static inline void *g2h(uint64_t guest_addr)
{
    return (void *)(uintptr_t)(guest_addr + guest_base);
}
static inline uint64_t h2g(const void *host)
{
    return (uint64_t)((uintptr_t)host - guest_base);
}

#endif
