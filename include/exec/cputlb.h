/*
 * The softmmu TLB (system mode): per CPU and per MMU index, a
 * direct-mapped table translating guest virtual pages to host memory.
 *
 * An entry's addr_read/addr_write/addr_code hold the guest page address
 * when that access is allowed, with flag bits below the page bits that
 * send the access to the slow path: generated code compares the tag
 * against (addr & TARGET_PAGE_MASK) [| alignment bits], so any set flag
 * fails the compare. On a match the host address is addr + addend.
 *   TLB_INVALID  no translation for this access
 *   TLB_MMIO     not RAM: dispatch through the memory API (also ROM and
 *                read-only RAM for writes, which the memory API drops)
 *   TLB_NOTDIRTY RAM whose dirty flags are not all set: the slow path sets
 *                them and invalidates translated code on the page first
 * Locking: a CPU's TLB is written by its own thread; other threads only
 * add TLB_NOTDIRTY (atomically) or request a flush, which the owner
 * performs at its next exit from generated code.
 */
#ifndef EXEC_CPUTLB_H
#define EXEC_CPUTLB_H

#include "exec/memory.h"
#include "exec/ram.h"
#include "hw/core/cpu.h"
#include "tcg/tcg.h"

#define TARGET_PAGE_BITS 12
#define TARGET_PAGE_SIZE (1ull << TARGET_PAGE_BITS)
#define TARGET_PAGE_MASK (~(TARGET_PAGE_SIZE - 1))

#define CPU_TLB_BITS 10
#define CPU_TLB_SIZE (1 << CPU_TLB_BITS)
#define CPU_TLB_ENTRY_BITS 5

#define TLB_INVALID (1u << (TARGET_PAGE_BITS - 1))
#define TLB_NOTDIRTY (1u << (TARGET_PAGE_BITS - 2))
#define TLB_MMIO (1u << (TARGET_PAGE_BITS - 3))
#define TLB_FLAGS_MASK (TLB_INVALID | TLB_NOTDIRTY | TLB_MMIO)

enum { MMU_DATA_LOAD, MMU_DATA_STORE, MMU_INST_FETCH };

#define PAGE_READ 0x1
#define PAGE_WRITE 0x2
#define PAGE_EXEC 0x4

struct CPUTLBEntry {
    uint64_t addr_read;
    uint64_t addr_write;
    uint64_t addr_code;
    uintptr_t addend;
};
_Static_assert(sizeof(CPUTLBEntry) == 1 << CPU_TLB_ENTRY_BITS, "TLB entry size");

/* Offset from env of cs->tlb_fast[mmu_idx], for the backends. */
#define TLB_FAST_OFS(cs, env, mmu_idx)                                         \
    ((intptr_t)((char *)&(cs)->tlb_fast[mmu_idx] - (char *)(env)))

/* Allocate the tables; the CPU's address space is as. Call after
 * tcg_exec_init: it switches code generation to the softmmu TLB. */
void tlb_init(CPUState *cs, AddressSpace *as);
void tlb_flush(CPUState *cs);
/* Flush all entries except those tlb_set_page marked global. */
void tlb_flush_nonglobal(CPUState *cs);
void tlb_flush_page(CPUState *cs, uint64_t addr);
/* From the target's tlb_fill: map the page of vaddr to the guest-physical
 * page of paddr with prot (PAGE_*). size is the page size of the mapping
 * (4 KiB, 2 MiB, 1 GiB): a flush of any address inside flushes it. */
void tlb_set_page(CPUState *cs, uint64_t vaddr, hwaddr paddr, int prot, int mmu_idx,
                  uint64_t size, bool global);

/* helper_ld_mmu / helper_st_mmu, the slow paths of generated code, are
 * declared in tcg/tcg.h for the backends. */

/* Guest-virtual accesses from C helpers (retaddr: GETPC() or 0). */
uint64_t cpu_ld_mmu(CPUState *cs, uint64_t addr, MemOp mop, int mmu_idx, uintptr_t retaddr);
void cpu_st_mmu(CPUState *cs, uint64_t addr, uint64_t val, MemOp mop, int mmu_idx,
                uintptr_t retaddr);

/* The ram_addr of the code page holding pc (filling the TLB for an
 * instruction fetch), or RAM_ADDR_INVALID when it is not RAM/ROM; the
 * host pointer of pc in *host. A fault is raised as the target's
 * tlb_fill does, or reported as RAM_ADDR_INVALID when probe. */
ram_addr_t get_page_addr_code(CPUState *cs, uint64_t pc, void **host, bool probe);

/* The host address of guest-physical paddr when its page is all RAM or
 * ROM (*readonly then set), with its ram_addr; else NULL. Cached per CPU
 * (for the page walker), always consistent with the address space's
 * current map. Call from the CPU's own thread. */
void *tlb_phys_host(CPUState *cs, hwaddr paddr, ram_addr_t *ram_addr, bool *readonly);

/* cs->tb_jmp_cache[h] = tb, from the execution loop (the CPU's thread),
 * with tb found for the current code mapping: the TLB's flushes then
 * clear only the slots they must. */
void tlb_jmp_cache_set(CPUState *cs, uint32_t h, TranslationBlock *tb);

/* Hooks the memory API calls (installed by tlb_init). */
void tlb_reset_dirty_range_all(ram_addr_t start, ram_addr_t len);
#endif
