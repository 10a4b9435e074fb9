/*
 * System mode: REP STOS in bulk. Generated code calls helper_rep_stos
 * while RCX is not zero, checking for an exit request between calls; each
 * call stores the elements that fit in the current page with one host
 * fill when the page is plain RAM for writing (its TLB write entry has no
 * flag), else a single element through the softmmu slow path (MMIO, a
 * page whose dirty flags must be set or whose code must be invalidated,
 * an element across two pages, DF = 1). RCX and RDI are written back after
 * every call, and the TLB fill that may fault comes before any store of
 * the call, so a fault restarts the instruction with the progress so far,
 * as the architecture does. Used when the destination has no segment base
 * (64-bit code, or flat segments); a byte loop in generated code
 * otherwise.
 */
#include <string.h>

#include "exec/cpu-exec.h"
#include "seg_helper.h"
#include "translate-internal.h"

/* the host address of addr for a store within its page, or NULL */
static void *stos_host(CPUState *cs, uint64_t addr, int mmu, uintptr_t ra)
{
    uint64_t page = addr & TARGET_PAGE_MASK;
    CPUTLBEntry *e = &cs->tlb_fast[mmu].table[(addr >> TARGET_PAGE_BITS) & (CPU_TLB_SIZE - 1)];

    if (__atomic_load_n(&e->addr_write, __ATOMIC_ACQUIRE) != page) {
        /* raises the fault a store would */
        cs->cc->tlb_fill(cs, addr, 1, MMU_DATA_STORE, mmu, false, ra);
        if (__atomic_load_n(&e->addr_write, __ATOMIC_ACQUIRE) != page) {
            return NULL;
        }
    }
    return (void *)(uintptr_t)(addr + e->addend);
}

/* a register written with address size aflag */
static void set_reg_aflag(CPUX86State *env, int reg, uint64_t v, unsigned aflag)
{
    if (aflag == MO_64) {
        env->regs[reg] = v;
    } else if (aflag == MO_32) {
        env->regs[reg] = (uint32_t)v;
    } else {
        env->regs[reg] = (env->regs[reg] & ~0xffffull) | (v & 0xffff);
    }
}

/* desc: element size (MemOp) | address size << 4 | MMU index << 8 */
void helper_rep_stos(CPUX86State *env, uint32_t desc)
{
    CPUState *cs = env_cpu(env);
    uintptr_t ra = GETPC();
    unsigned ot = desc & 3, size = 1u << ot;
    unsigned aflag = (desc >> 4) & 3;
    int mmu = (int)(desc >> 8);
    uint64_t amask = aflag == MO_64 ? ~0ull : aflag == MO_32 ? 0xffffffffull : 0xffffull;
    uint64_t count = env->regs[R_ECX] & amask;
    uint64_t di = env->regs[R_EDI] & amask;
    uint64_t val = env->regs[R_EAX] & (size == 8 ? ~0ull : (1ull << (8 * size)) - 1);
    uint64_t n = 0;

    if (count == 0) {
        return;
    }
    if (env->df == 1) {
        n = (TARGET_PAGE_SIZE - (di & ~TARGET_PAGE_MASK)) / size;
        if (n > count) {
            n = count;
        }
        if (n > 0 && n - 1 > (amask - di) / size) {
            n = (amask - di) / size + 1; /* up to the address wrap */
        }
    }
    uint8_t *host = n > 0 ? stos_host(cs, di, mmu, ra) : NULL;
    if (host) {
        uint8_t b = (uint8_t)val;
        bool bytes_equal = true;
        for (unsigned i = 1; i < size; i++) {
            bytes_equal &= (uint8_t)(val >> (8 * i)) == b;
        }
        if (bytes_equal) {
            memset(host, b, n * size);
        } else {
            for (uint64_t i = 0; i < n; i++) {
                memcpy(host + i * size, &val, size); /* little-endian host */
            }
        }
    } else {
        cpu_st_mmu(cs, di, val, (MemOp)ot, mmu, ra);
        n = 1;
    }
    di += env->df == 1 ? n * size : -(n * size);
    set_reg_aflag(env, R_EDI, di, aflag);
    set_reg_aflag(env, R_ECX, count - n, aflag);
}
