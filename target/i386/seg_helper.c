/*
 * System mode: segmentation and protected control transfers, written
 * from the SDM vol. 3 (chapters 3, 5, 6, 7) and the pseudo-code of the
 * insns in vol. 2: segment register loads with their checks, interrupt
 * and exception delivery (real-mode IVT, 16/32-bit gates with stack
 * switches from the TSS, VM86, the 64-bit IDT with IST), far JMP/CALL
 * through call gates, far RET and IRET across privilege levels and to
 * VM86, task switches, LLDT/LTR, LAR/LSL/VERR/VERW.
 *
 * Ordering rule: a helper reads and checks everything and writes the new
 * stack before it changes any register, so a fault at any point (raised
 * with the insn's host return address) leaves the insn restartable.
 * Segment limits are checked on descriptor loads and control transfers,
 * not on every data access (as most emulators do).
 */
#include <string.h>

#include "exec/cpu-exec.h"
#include "seg_helper.h"
#include "util/log.h"

enum { TS_JMP, TS_CALL, TS_IRET, TS_INT };

static uint32_t desc_base(uint32_t e1, uint32_t e2)
{
    return (e1 >> 16) | ((e2 & 0xff) << 16) | (e2 & 0xff000000);
}

static uint32_t desc_limit(uint32_t e1, uint32_t e2)
{
    uint32_t limit = (e1 & 0xffff) | (e2 & 0x000f0000);

    return (e2 & DESC_G_MASK) ? (limit << 12) | 0xfff : limit;
}

void x86_seg_cache_set(CPUX86State *env, int seg, uint32_t selector, uint64_t base,
                       uint32_t limit, uint32_t flags)
{
    SegmentCache *sc = &env->segs[seg];

    sc->selector = selector & 0xffff;
    sc->base = base;
    sc->limit = limit;
    sc->flags = flags;
}

static void seg_cache_from_desc(CPUX86State *env, int seg, uint32_t sel, uint32_t e1, uint32_t e2)
{
    x86_seg_cache_set(env, seg, sel, desc_base(e1, e2), desc_limit(e1, e2), e2 & 0x00ffff00);
}

bool x86_load_desc(CPUX86State *env, uint32_t selector, uint32_t *e1, uint32_t *e2, uintptr_t ra)
{
    SegmentCache *dt = (selector & 4) ? &env->ldt : &env->gdt;
    uint32_t index = selector & ~7u;

    if ((uint64_t)index + 7 > dt->limit) {
        return false;
    }
    uint64_t v = x86_ld_kernel(env, dt->base + index, MO_64, ra);
    *e1 = (uint32_t)v;
    *e2 = (uint32_t)(v >> 32);
    return true;
}

/* the high half of a 16-byte system descriptor (long mode) */
static uint32_t load_desc_hi(CPUX86State *env, uint32_t selector, uintptr_t ra, bool *ok)
{
    SegmentCache *dt = (selector & 4) ? &env->ldt : &env->gdt;
    uint32_t index = (selector & ~7u) + 8;

    *ok = (uint64_t)index + 7 <= dt->limit;
    if (!*ok) {
        return 0;
    }
    uint64_t v = x86_ld_kernel(env, dt->base + index, MO_64, ra);
    /* bits 12:8 of the upper dword must be zero */
    if ((v >> 40) & 0x1f) {
        *ok = false;
    }
    return (uint32_t)v;
}

static void set_desc_bits(CPUX86State *env, uint32_t selector, uint32_t e2, uint32_t bits,
                          uintptr_t ra)
{
    SegmentCache *dt = (selector & 4) ? &env->ldt : &env->gdt;

    if ((e2 & bits) != bits) {
        x86_st_kernel(env, dt->base + (selector & ~7u) + 4, e2 | bits, MO_32, ra);
    }
}

_Noreturn static void raise_err(CPUX86State *env, int excp, int err, uintptr_t ra)
{
    raise_exception_err_ra(env, excp, err, ra);
}

/* ---------------------------------------------------------------------- */
/* Segment register loads                                                   */

static void load_seg_vm(CPUX86State *env, int seg, uint32_t selector)
{
    SegmentCache *sc = &env->segs[seg];
    uint32_t flags = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_A_MASK;

    if (env->eflags & VM_MASK) {
        flags |= 3 << DESC_DPL_SHIFT;
        if (seg == R_CS) {
            flags |= DESC_CS_MASK;
        }
        x86_seg_cache_set(env, seg, selector, (uint64_t)(selector & 0xffff) << 4, 0xffff, flags);
    } else {
        /* real mode: only selector and base change (unreal mode keeps
         * the cached limit); CS gets 16-bit code attributes */
        sc->selector = selector & 0xffff;
        sc->base = (uint64_t)(selector & 0xffff) << 4;
        if (seg == R_CS) {
            sc->flags = (sc->flags & ~(DESC_B_MASK | DESC_L_MASK)) | DESC_CS_MASK;
        }
    }
}

void x86_load_seg(CPUX86State *env, int seg, uint32_t selector, uintptr_t ra)
{
    int cpl = x86_cpl(env);
    uint32_t e1, e2;

    selector &= 0xffff;
    if (!(env->cr[0] & CR0_PE_MASK) || (env->eflags & VM_MASK)) {
        load_seg_vm(env, seg, selector);
        x86_update_hflags(env);
        return;
    }
    if ((selector & 0xfffc) == 0) {
        /* null selector: SS only in 64-bit mode at CPL < 3 with RPL = CPL */
        if (seg == R_SS && !((env->hflags & HF_CS64_MASK) && cpl != 3 && (int)(selector & 3) == cpl)) {
            raise_err(env, EXCP0D_GPF, 0, ra);
        }
        /* Intel keeps the base of FS/GS in 64-bit mode; mark unusable */
        uint64_t base = (seg == R_FS || seg == R_GS) && (env->hflags & HF_LMA_MASK)
                            ? env->segs[seg].base
                            : 0;
        uint32_t flags = seg == R_SS ? (uint32_t)(cpl << DESC_DPL_SHIFT) | DESC_B_MASK : 0;
        x86_seg_cache_set(env, seg, selector, base, 0, flags);
        x86_update_hflags(env);
        return;
    }
    if (!x86_load_desc(env, selector, &e1, &e2, ra)) {
        raise_err(env, EXCP0D_GPF, selector & 0xfffc, ra);
    }
    int rpl = selector & 3;
    int dpl = (e2 >> DESC_DPL_SHIFT) & 3;
    if (!(e2 & DESC_S_MASK)) {
        raise_err(env, EXCP0D_GPF, selector & 0xfffc, ra);
    }
    if (seg == R_SS) {
        /* writable data, RPL = DPL = CPL */
        if ((e2 & DESC_CS_MASK) || !(e2 & DESC_W_MASK) || rpl != cpl || dpl != cpl) {
            raise_err(env, EXCP0D_GPF, selector & 0xfffc, ra);
        }
        if (!(e2 & DESC_P_MASK)) {
            raise_err(env, EXCP0C_STACK, selector & 0xfffc, ra);
        }
    } else {
        /* data or readable code */
        if ((e2 & DESC_CS_MASK) && !(e2 & DESC_R_MASK)) {
            raise_err(env, EXCP0D_GPF, selector & 0xfffc, ra);
        }
        /* data and non-conforming code: DPL >= max(CPL, RPL) */
        if (!(e2 & DESC_CS_MASK) || !(e2 & DESC_C_MASK)) {
            if (dpl < cpl || dpl < rpl) {
                raise_err(env, EXCP0D_GPF, selector & 0xfffc, ra);
            }
        }
        if (!(e2 & DESC_P_MASK)) {
            raise_err(env, EXCP0B_NOSEG, selector & 0xfffc, ra);
        }
    }
    set_desc_bits(env, selector, e2, DESC_A_MASK, ra);
    seg_cache_from_desc(env, seg, selector, e1, e2 | DESC_A_MASK);
    x86_update_hflags(env);
}

void helper_load_seg(CPUX86State *env, uint32_t seg, uint64_t selector)
{
    x86_load_seg(env, seg, (uint32_t)selector, GETPC());
    if (seg == R_SS) {
        /* MOV SS / POP SS: no interrupt before the next insn */
        env->hflags |= HF_INHIBIT_IRQ_MASK;
    }
}

/* Reloading a data segment register on a privilege drop (RET far, IRET):
 * one whose DPL is below the new CPL becomes null. */
static void validate_seg(CPUX86State *env, int seg, int cpl)
{
    SegmentCache *sc = &env->segs[seg];
    uint32_t flags = sc->flags;
    int dpl = (flags >> DESC_DPL_SHIFT) & 3;

    if ((seg == R_FS || seg == R_GS) && (sc->selector & 0xfffc) == 0) {
        return;
    }
    if (!(flags & DESC_CS_MASK) || !(flags & DESC_C_MASK)) {
        if (dpl < cpl) {
            x86_seg_cache_set(env, seg, 0, 0, 0, 0);
        }
    }
}

/* ---------------------------------------------------------------------- */
/* Stacks                                                                   */

typedef struct X86Stack {
    uint64_t base;
    uint64_t sp;
    uint64_t mask; /* 0xffff, 0xffffffff or ~0 */
    int mmu_idx;
    uintptr_t ra;
} X86Stack;

static uint64_t stack_mask_of(uint32_t ss_flags, bool lma64)
{
    if (lma64) {
        return ~0ull;
    }
    return (ss_flags & DESC_B_MASK) ? 0xffffffffull : 0xffff;
}

static uint64_t stack_lin(X86Stack *st, uint64_t sp)
{
    uint64_t a = st->base + (sp & st->mask);

    return st->mask == ~0ull ? a : (uint32_t)a;
}

static void stack_push(CPUX86State *env, X86Stack *st, uint64_t v, int size)
{
    st->sp -= size;
    cpu_st_mmu(env_cpu(env), stack_lin(st, st->sp), v,
               size == 2 ? MO_16 : size == 4 ? MO_32 : MO_64, st->mmu_idx, st->ra);
}

static uint64_t stack_pop(CPUX86State *env, X86Stack *st, int size)
{
    uint64_t v = cpu_ld_mmu(env_cpu(env), stack_lin(st, st->sp),
                            size == 2 ? MO_16 : size == 4 ? MO_32 : MO_64, st->mmu_idx, st->ra);
    st->sp += size;
    return v;
}

static void set_esp(CPUX86State *env, uint64_t sp, uint64_t mask)
{
    if (mask == 0xffff) {
        env->regs[R_ESP] = (env->regs[R_ESP] & ~0xffffull) | (sp & 0xffff);
    } else if (mask == 0xffffffff) {
        env->regs[R_ESP] = (uint32_t)sp;
    } else {
        env->regs[R_ESP] = sp;
    }
}

static X86Stack cur_stack(CPUX86State *env, uintptr_t ra)
{
    X86Stack st = {
        .base = env->segs[R_SS].base,
        .sp = env->regs[R_ESP],
        .mask = (env->hflags & HF_CS64_MASK) ? ~0ull : stack_mask_of(env->segs[R_SS].flags, false),
        .mmu_idx = x86_mmu_index_cpl(env),
        .ra = ra,
    };
    if (env->hflags & HF_CS64_MASK) {
        st.base = 0;
    }
    return st;
}

/* SS:ESP for privilege level dpl from the current 16/32-bit TSS */
static void tss_get_stack(CPUX86State *env, int dpl, uint32_t *ss, uint32_t *esp, uintptr_t ra)
{
    int type = (env->tr.flags >> 8) & 0xf;
    int shift = type >> 3; /* 1 for a 32-bit TSS */

    if (!(env->tr.flags & DESC_P_MASK)) {
        log_mask_printf(LOG_GUEST_ERROR, "x86: stack switch without a valid TSS\n");
    }
    uint32_t index = (dpl * 4 + 2) << shift;
    if (index + (4 << shift) - 1 > env->tr.limit) {
        raise_err(env, EXCP0A_TSS, env->tr.selector & 0xfffc, ra);
    }
    if (shift) {
        *esp = (uint32_t)x86_ld_kernel(env, env->tr.base + index, MO_32, ra);
        *ss = (uint32_t)x86_ld_kernel(env, env->tr.base + index + 4, MO_16, ra);
    } else {
        *esp = (uint32_t)x86_ld_kernel(env, env->tr.base + index, MO_16, ra);
        *ss = (uint32_t)x86_ld_kernel(env, env->tr.base + index + 2, MO_16, ra);
    }
}

/* RSPn (n 0-2) or ISTn (n 4-10 for IST1-7) of the 64-bit TSS */
static uint64_t tss_get_rsp64(CPUX86State *env, int n, uintptr_t ra)
{
    uint32_t index = 8 * n + 4;

    if (index + 7 > env->tr.limit) {
        raise_err(env, EXCP0A_TSS, env->tr.selector & 0xfffc, ra);
    }
    return x86_ld_kernel(env, env->tr.base + index, MO_64, ra);
}

/* check the SS of an inner-level stack (from the TSS) for level dpl */
static void check_inner_ss(CPUX86State *env, uint32_t ss, int dpl, uint32_t *e1, uint32_t *e2,
                           int err_excp, uintptr_t ra)
{
    if ((ss & 0xfffc) == 0) {
        raise_err(env, err_excp, ss & 0xfffc, ra);
    }
    if ((int)(ss & 3) != dpl) {
        raise_err(env, err_excp, ss & 0xfffc, ra);
    }
    if (!x86_load_desc(env, ss, e1, e2, ra)) {
        raise_err(env, err_excp, ss & 0xfffc, ra);
    }
    int ss_dpl = (*e2 >> DESC_DPL_SHIFT) & 3;
    if (ss_dpl != dpl || !(*e2 & DESC_S_MASK) || (*e2 & DESC_CS_MASK) || !(*e2 & DESC_W_MASK)) {
        raise_err(env, err_excp, ss & 0xfffc, ra);
    }
    if (!(*e2 & DESC_P_MASK)) {
        raise_err(env, err_excp == EXCP0A_TSS ? EXCP0A_TSS : EXCP0C_STACK, ss & 0xfffc, ra);
    }
}

/* ---------------------------------------------------------------------- */
/* Task switch                                                              */

static void tss_load_seg(CPUX86State *env, int seg, uint32_t selector, int cpl, uintptr_t ra)
{
    uint32_t e1, e2;

    if ((selector & 0xfffc) == 0) {
        if (seg == R_SS || seg == R_CS) {
            raise_err(env, EXCP0A_TSS, 0, ra);
        }
        x86_seg_cache_set(env, seg, selector, 0, 0, 0);
        return;
    }
    if (!x86_load_desc(env, selector, &e1, &e2, ra) || !(e2 & DESC_S_MASK)) {
        raise_err(env, EXCP0A_TSS, selector & 0xfffc, ra);
    }
    int rpl = selector & 3;
    int dpl = (e2 >> DESC_DPL_SHIFT) & 3;
    if (seg == R_CS) {
        if (!(e2 & DESC_CS_MASK)) {
            raise_err(env, EXCP0A_TSS, selector & 0xfffc, ra);
        }
        if ((e2 & DESC_C_MASK) ? dpl > rpl : dpl != rpl) {
            raise_err(env, EXCP0A_TSS, selector & 0xfffc, ra);
        }
    } else if (seg == R_SS) {
        if ((e2 & DESC_CS_MASK) || !(e2 & DESC_W_MASK) || dpl != cpl || rpl != cpl) {
            raise_err(env, EXCP0A_TSS, selector & 0xfffc, ra);
        }
    } else {
        if ((e2 & DESC_CS_MASK) && !(e2 & DESC_R_MASK)) {
            raise_err(env, EXCP0A_TSS, selector & 0xfffc, ra);
        }
        if ((!(e2 & DESC_CS_MASK) || !(e2 & DESC_C_MASK)) && (dpl < cpl || dpl < rpl)) {
            raise_err(env, EXCP0A_TSS, selector & 0xfffc, ra);
        }
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_err(env, seg == R_SS ? EXCP0C_STACK : EXCP0B_NOSEG, selector & 0xfffc, ra);
    }
    seg_cache_from_desc(env, seg, selector, e1, e2);
}

/*
 * Switch to the task whose TSS (or task gate) descriptor is e1/e2 at
 * selector. source: TS_JMP/CALL/IRET/INT; next_eip: the eip saved in the
 * old task. Error code pushed after the switch when err >= 0 (exceptions
 * through a task gate).
 */
static void switch_tss(CPUX86State *env, uint32_t selector, uint32_t e1, uint32_t e2, int source,
                       uint64_t next_eip, int err, uintptr_t ra)
{
    int type = (e2 >> 8) & 0x1f;

    if (type == 5) { /* task gate */
        if (!(e2 & DESC_P_MASK)) {
            raise_err(env, EXCP0B_NOSEG, selector & 0xfffc, ra);
        }
        selector = e1 >> 16;
        if (selector & 4) {
            raise_err(env, EXCP0A_TSS, selector & 0xfffc, ra);
        }
        if (!x86_load_desc(env, selector, &e1, &e2, ra)) {
            raise_err(env, EXCP0D_GPF, selector & 0xfffc, ra);
        }
        type = (e2 >> 8) & 0x1f;
        if ((type & 7) != 1) {
            raise_err(env, EXCP0D_GPF, selector & 0xfffc, ra);
        }
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_err(env, EXCP0B_NOSEG, selector & 0xfffc, ra);
    }
    bool new32 = (type & 8) != 0;
    uint32_t tss_limit = desc_limit(e1, e2);
    uint64_t tss_base = desc_base(e1, e2);
    if (tss_limit < (new32 ? 103u : 43u)) {
        raise_err(env, EXCP0A_TSS, selector & 0xfffc, ra);
    }
    int old_type = (env->tr.flags >> 8) & 0xf;
    bool old32 = (old_type & 8) != 0;
    if (env->tr.limit < (old32 ? 103u : 43u)) {
        raise_err(env, EXCP0A_TSS, env->tr.selector & 0xfffc, ra);
    }

    /* read the new task's state */
    uint32_t new_cr3 = 0, new_eip, new_eflags, new_regs[8], new_segs[6], new_ldt, new_trap = 0;
    if (new32) {
        new_cr3 = (uint32_t)x86_ld_kernel(env, tss_base + 0x1c, MO_32, ra);
        new_eip = (uint32_t)x86_ld_kernel(env, tss_base + 0x20, MO_32, ra);
        new_eflags = (uint32_t)x86_ld_kernel(env, tss_base + 0x24, MO_32, ra);
        for (int i = 0; i < 8; i++) {
            new_regs[i] = (uint32_t)x86_ld_kernel(env, tss_base + 0x28 + i * 4, MO_32, ra);
        }
        for (int i = 0; i < 6; i++) {
            new_segs[i] = (uint32_t)x86_ld_kernel(env, tss_base + 0x48 + i * 4, MO_16, ra);
        }
        new_ldt = (uint32_t)x86_ld_kernel(env, tss_base + 0x60, MO_16, ra);
        new_trap = (uint32_t)x86_ld_kernel(env, tss_base + 0x64, MO_16, ra) & 1;
    } else {
        new_eip = (uint32_t)x86_ld_kernel(env, tss_base + 0x0e, MO_16, ra);
        new_eflags = (uint32_t)x86_ld_kernel(env, tss_base + 0x10, MO_16, ra);
        for (int i = 0; i < 8; i++) {
            new_regs[i] = (uint32_t)x86_ld_kernel(env, tss_base + 0x12 + i * 2, MO_16, ra) |
                          0xffff0000;
        }
        for (int i = 0; i < 4; i++) {
            new_segs[i] = (uint32_t)x86_ld_kernel(env, tss_base + 0x22 + i * 2, MO_16, ra);
        }
        new_segs[R_FS] = new_segs[R_GS] = 0;
        new_ldt = (uint32_t)x86_ld_kernel(env, tss_base + 0x2a, MO_16, ra);
    }
    (void)new_trap; /* the T bit (debug trap on switch) is not implemented */

    /* probe the new TSS for writing the back link before changing state */
    if (source == TS_CALL || source == TS_INT) {
        x86_st_kernel(env, tss_base, x86_ld_kernel(env, tss_base, MO_16, ra), MO_16, ra);
    }

    /* save the old task */
    uint64_t eflags = cpu_compute_eflags(env);
    if (source == TS_IRET) {
        eflags &= ~(uint64_t)NT_MASK;
    }
    uint64_t ob = env->tr.base;
    if (old32) {
        x86_st_kernel(env, ob + 0x20, next_eip, MO_32, ra);
        x86_st_kernel(env, ob + 0x24, eflags, MO_32, ra);
        for (int i = 0; i < 8; i++) {
            x86_st_kernel(env, ob + 0x28 + i * 4, env->regs[i], MO_32, ra);
        }
        for (int i = 0; i < 6; i++) {
            x86_st_kernel(env, ob + 0x48 + i * 4, env->segs[i].selector, MO_16, ra);
        }
    } else {
        x86_st_kernel(env, ob + 0x0e, next_eip, MO_16, ra);
        x86_st_kernel(env, ob + 0x10, eflags, MO_16, ra);
        for (int i = 0; i < 8; i++) {
            x86_st_kernel(env, ob + 0x12 + i * 2, env->regs[i], MO_16, ra);
        }
        for (int i = 0; i < 4; i++) {
            x86_st_kernel(env, ob + 0x22 + i * 2, env->segs[i].selector, MO_16, ra);
        }
    }
    /* busy bits */
    if (source == TS_JMP || source == TS_IRET) {
        uint32_t oe1, oe2;
        if (x86_load_desc(env, env->tr.selector, &oe1, &oe2, ra)) {
            x86_st_kernel(env, env->gdt.base + (env->tr.selector & ~7u) + 4,
                          oe2 & ~DESC_TSS_BUSY_MASK, MO_32, ra);
        }
    }
    if (source == TS_CALL || source == TS_INT) {
        x86_st_kernel(env, tss_base, env->tr.selector, MO_16, ra);
        new_eflags |= NT_MASK;
    }
    if (source != TS_IRET) {
        x86_st_kernel(env, env->gdt.base + (selector & ~7u) + 4, e2 | DESC_TSS_BUSY_MASK, MO_32,
                      ra);
        e2 |= DESC_TSS_BUSY_MASK;
    }

    /* switch */
    env->cr[0] |= CR0_TS_MASK;
    env->tr.selector = selector;
    env->tr.base = tss_base;
    env->tr.limit = tss_limit;
    env->tr.flags = e2 & 0x00ffff00;
    if (new32 && (env->cr[0] & CR0_PG_MASK) && new_cr3 != env->cr[3]) {
        x86_cpu_set_cr(env, 3, new_cr3);
    }
    uint64_t fmask = new32 ? ~0ull : 0xffff;
    env->eip = new_eip;
    cpu_load_eflags(env, new_eflags, fmask & ~(uint64_t)(VIF_MASK | VIP_MASK) & 0x3f7fd7);
    for (int i = 0; i < 8; i++) {
        env->regs[i] = new32 ? new_regs[i] : (env->regs[i] & ~0xffffull) | (new_regs[i] & 0xffff);
    }
    if (new_eflags & VM_MASK) {
        for (int i = 0; i < 6; i++) {
            load_seg_vm(env, i, new_segs[i]);
        }
        x86_set_cpl(env, 3);
    } else {
        /* selectors first, so a fault below shows the new task's */
        for (int i = 0; i < 6; i++) {
            env->segs[i].selector = new_segs[i];
        }
        x86_set_cpl(env, new_segs[R_CS] & 3);
    }
    x86_update_hflags(env);

    /* LDT */
    env->ldt.selector = new_ldt & ~4u;
    env->ldt.base = 0;
    env->ldt.limit = 0;
    if (new_ldt & 4) {
        raise_err(env, EXCP0A_TSS, new_ldt & 0xfffc, ra);
    }
    if ((new_ldt & 0xfffc) != 0) {
        uint32_t le1, le2;
        if (!x86_load_desc(env, new_ldt, &le1, &le2, ra) || ((le2 >> 8) & 0x1f) != 2) {
            raise_err(env, EXCP0A_TSS, new_ldt & 0xfffc, ra);
        }
        if (!(le2 & DESC_P_MASK)) {
            raise_err(env, EXCP0A_TSS, new_ldt & 0xfffc, ra);
        }
        env->ldt.base = desc_base(le1, le2);
        env->ldt.limit = desc_limit(le1, le2);
        env->ldt.flags = le2 & 0x00ffff00;
    }
    if (!(new_eflags & VM_MASK)) {
        int cpl = new_segs[R_CS] & 3;
        tss_load_seg(env, R_CS, new_segs[R_CS], cpl, ra);
        tss_load_seg(env, R_SS, new_segs[R_SS], cpl, ra);
        tss_load_seg(env, R_ES, new_segs[R_ES], cpl, ra);
        tss_load_seg(env, R_DS, new_segs[R_DS], cpl, ra);
        tss_load_seg(env, R_FS, new_segs[R_FS], cpl, ra);
        tss_load_seg(env, R_GS, new_segs[R_GS], cpl, ra);
    }
    x86_update_hflags(env);
    if (env->eip > env->segs[R_CS].limit) {
        raise_err(env, EXCP0D_GPF, 0, ra);
    }
    if (err >= 0) {
        X86Stack st = cur_stack(env, ra);
        stack_push(env, &st, err, new32 ? 4 : 2);
        set_esp(env, st.sp, st.mask);
    }
}

/* ---------------------------------------------------------------------- */
/* Interrupt and exception delivery                                         */

static bool excp_has_error_code(int intno)
{
    switch (intno) {
    case 8:
    case 10:
    case 11:
    case 12:
    case 13:
    case 14:
    case 17:
        return true;
    }
    return false;
}

static void do_interrupt_real(CPUX86State *env, int intno, int is_int, uint64_t next_eip)
{
    uint32_t off = intno * 4;

    if (off + 3 > env->idt.limit) {
        raise_err(env, EXCP0D_GPF, intno * 8 + 2, 0);
    }
    uint32_t ivt = (uint32_t)x86_ld_kernel(env, env->idt.base + off, MO_32, 0);
    X86Stack st = cur_stack(env, 0);
    uint64_t old_eip = is_int ? next_eip : env->eip;

    stack_push(env, &st, cpu_compute_eflags(env), 2);
    stack_push(env, &st, env->segs[R_CS].selector, 2);
    stack_push(env, &st, old_eip, 2);
    set_esp(env, st.sp, st.mask);
    env->eip = ivt & 0xffff;
    load_seg_vm(env, R_CS, ivt >> 16);
    env->eflags &= ~(uint64_t)(IF_MASK | TF_MASK | AC_MASK | RF_MASK);
    x86_update_hflags(env);
}

static void do_interrupt_prot(CPUX86State *env, int intno, int is_int, int error_code,
                              uint64_t next_eip, bool is_hw)
{
    bool has_err = !is_int && !is_hw && excp_has_error_code(intno);
    int ext = (!is_int || is_int == 2) ? 1 : 0; /* EXT bit of error codes */
    int cpl = x86_cpl(env);
    uint32_t off = intno * 8;
    uint32_t e1, e2;

    if (off + 7 > env->idt.limit) {
        raise_err(env, EXCP0D_GPF, off + 2 + ext, 0);
    }
    uint64_t g = x86_ld_kernel(env, env->idt.base + off, MO_64, 0);
    e1 = (uint32_t)g;
    e2 = (uint32_t)(g >> 32);
    int type = (e2 >> 8) & 0x1f;
    switch (type) {
    case 5: { /* task gate */
        uint64_t ret_eip = is_int ? next_eip : env->eip;
        if (is_int == 1 && (int)((e2 >> DESC_DPL_SHIFT) & 3) < cpl) {
            raise_err(env, EXCP0D_GPF, off + 2, 0);
        }
        switch_tss(env, intno * 8, e1, e2, TS_INT, ret_eip, has_err ? error_code : -1, 0);
        return;
    }
    case 6:
    case 7:
    case 14:
    case 15:
        break;
    default:
        raise_err(env, EXCP0D_GPF, off + 2 + ext, 0);
    }
    int gate_dpl = (e2 >> DESC_DPL_SHIFT) & 3;
    if (is_int == 1 && gate_dpl < cpl) {
        raise_err(env, EXCP0D_GPF, off + 2, 0);
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_err(env, EXCP0B_NOSEG, off + 2 + ext, 0);
    }
    bool gate32 = (type & 8) != 0;
    uint32_t selector = e1 >> 16;
    uint32_t offset = (e2 & 0xffff0000) | (e1 & 0xffff);
    if ((selector & 0xfffc) == 0) {
        raise_err(env, EXCP0D_GPF, ext, 0);
    }
    uint32_t ce1, ce2;
    if (!x86_load_desc(env, selector, &ce1, &ce2, 0)) {
        raise_err(env, EXCP0D_GPF, (selector & 0xfffc) + ext, 0);
    }
    if (!(ce2 & DESC_S_MASK) || !(ce2 & DESC_CS_MASK)) {
        raise_err(env, EXCP0D_GPF, (selector & 0xfffc) + ext, 0);
    }
    int dpl = (ce2 >> DESC_DPL_SHIFT) & 3;
    if (dpl > cpl) {
        raise_err(env, EXCP0D_GPF, (selector & 0xfffc) + ext, 0);
    }
    if (!(ce2 & DESC_P_MASK)) {
        raise_err(env, EXCP0B_NOSEG, (selector & 0xfffc) + ext, 0);
    }
    bool vm86 = (env->eflags & VM_MASK) != 0;
    bool new_stack;
    uint32_t ss = 0, esp = 0, se1 = 0, se2 = 0;
    if (!(ce2 & DESC_C_MASK) && dpl < cpl) {
        if (vm86 && dpl != 0) {
            raise_err(env, EXCP0D_GPF, (selector & 0xfffc) + ext, 0);
        }
        tss_get_stack(env, dpl, &ss, &esp, 0);
        check_inner_ss(env, ss, dpl, &se1, &se2, EXCP0A_TSS, 0);
        new_stack = true;
    } else if ((ce2 & DESC_C_MASK) || dpl == cpl) {
        if (vm86) {
            raise_err(env, EXCP0D_GPF, (selector & 0xfffc) + ext, 0);
        }
        new_stack = false;
        dpl = cpl;
    } else {
        raise_err(env, EXCP0D_GPF, (selector & 0xfffc) + ext, 0);
    }
    if (offset > desc_limit(ce1, ce2)) {
        raise_err(env, EXCP0D_GPF, ext, 0);
    }

    X86Stack st;
    if (new_stack) {
        st = (X86Stack){ .base = desc_base(se1, se2), .sp = esp,
                         .mask = stack_mask_of(se2, false),
                         .mmu_idx = dpl == 3 ? X86_MMU_USER : X86_MMU_KERNEL, .ra = 0 };
    } else {
        st = cur_stack(env, 0);
    }
    int sz = gate32 ? 4 : 2;
    uint64_t old_eip = is_int ? next_eip : env->eip;
    if (new_stack) {
        if (vm86) {
            stack_push(env, &st, env->segs[R_GS].selector, sz);
            stack_push(env, &st, env->segs[R_FS].selector, sz);
            stack_push(env, &st, env->segs[R_DS].selector, sz);
            stack_push(env, &st, env->segs[R_ES].selector, sz);
        }
        stack_push(env, &st, env->segs[R_SS].selector, sz);
        stack_push(env, &st, env->regs[R_ESP], sz);
    }
    stack_push(env, &st, cpu_compute_eflags(env), sz);
    stack_push(env, &st, env->segs[R_CS].selector, sz);
    stack_push(env, &st, old_eip, sz);
    if (has_err) {
        stack_push(env, &st, (uint32_t)error_code, sz);
    }

    /* commit */
    if (new_stack) {
        if (vm86) {
            for (int i = 0; i < 6; i++) {
                if (i != R_CS && i != R_SS) {
                    x86_seg_cache_set(env, i, 0, 0, 0, 0);
                }
            }
        }
        ss = (ss & ~3u) | dpl;
        seg_cache_from_desc(env, R_SS, ss, se1, se2);
    }
    set_esp(env, st.sp, st.mask);
    set_desc_bits(env, selector, ce2, DESC_A_MASK, 0);
    seg_cache_from_desc(env, R_CS, (selector & ~3u) | dpl, ce1, ce2);
    x86_set_cpl(env, dpl);
    env->eip = offset;
    if (!(type & 1)) {
        env->eflags &= ~(uint64_t)IF_MASK; /* interrupt gate */
    }
    env->eflags &= ~(uint64_t)(TF_MASK | VM_MASK | RF_MASK | NT_MASK);
    x86_update_hflags(env);
}

static void do_interrupt64(CPUX86State *env, int intno, int is_int, int error_code,
                           uint64_t next_eip, bool is_hw)
{
    bool has_err = !is_int && !is_hw && excp_has_error_code(intno);
    int ext = (!is_int || is_int == 2) ? 1 : 0;
    int cpl = x86_cpl(env);
    uint32_t off = intno * 16;

    if (off + 15 > env->idt.limit) {
        raise_err(env, EXCP0D_GPF, intno * 8 + 2 + ext, 0);
    }
    uint64_t lo = x86_ld_kernel(env, env->idt.base + off, MO_64, 0);
    uint64_t hi = x86_ld_kernel(env, env->idt.base + off + 8, MO_64, 0);
    uint32_t e1 = (uint32_t)lo, e2 = (uint32_t)(lo >> 32);
    int type = (e2 >> 8) & 0x1f;
    if (type != 14 && type != 15) {
        raise_err(env, EXCP0D_GPF, intno * 8 + 2 + ext, 0);
    }
    int gate_dpl = (e2 >> DESC_DPL_SHIFT) & 3;
    if (is_int == 1 && gate_dpl < cpl) {
        raise_err(env, EXCP0D_GPF, intno * 8 + 2, 0);
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_err(env, EXCP0B_NOSEG, intno * 8 + 2 + ext, 0);
    }
    uint32_t selector = e1 >> 16;
    uint64_t offset = ((uint64_t)(uint32_t)hi << 32) | (e2 & 0xffff0000) | (e1 & 0xffff);
    int ist = e2 & 7;
    if ((selector & 0xfffc) == 0) {
        raise_err(env, EXCP0D_GPF, ext, 0);
    }
    uint32_t ce1, ce2;
    if (!x86_load_desc(env, selector, &ce1, &ce2, 0)) {
        raise_err(env, EXCP0D_GPF, (selector & 0xfffc) + ext, 0);
    }
    if (!(ce2 & DESC_S_MASK) || !(ce2 & DESC_CS_MASK) || !(ce2 & DESC_L_MASK) ||
        (ce2 & DESC_B_MASK)) {
        raise_err(env, EXCP0D_GPF, (selector & 0xfffc) + ext, 0);
    }
    int dpl = (ce2 >> DESC_DPL_SHIFT) & 3;
    if (dpl > cpl) {
        raise_err(env, EXCP0D_GPF, (selector & 0xfffc) + ext, 0);
    }
    if (!(ce2 & DESC_P_MASK)) {
        raise_err(env, EXCP0B_NOSEG, (selector & 0xfffc) + ext, 0);
    }
    bool new_stack;
    uint64_t rsp;
    if (!(ce2 & DESC_C_MASK) && dpl < cpl) {
        new_stack = true;
        rsp = ist ? tss_get_rsp64(env, ist + 3, 0) : tss_get_rsp64(env, dpl, 0);
    } else if ((ce2 & DESC_C_MASK) || dpl == cpl) {
        if (env->eflags & VM_MASK) {
            raise_err(env, EXCP0D_GPF, (selector & 0xfffc) + ext, 0);
        }
        new_stack = ist != 0;
        dpl = cpl;
        rsp = ist ? tss_get_rsp64(env, ist + 3, 0) : env->regs[R_ESP];
    } else {
        raise_err(env, EXCP0D_GPF, (selector & 0xfffc) + ext, 0);
    }
    if ((uint64_t)((int64_t)(offset << 16) >> 16) != offset) {
        raise_err(env, EXCP0D_GPF, ext, 0);
    }
    X86Stack st = { .base = 0, .sp = rsp & ~0xfull, .mask = ~0ull,
                    .mmu_idx = dpl == 3 ? X86_MMU_USER : X86_MMU_KERNEL, .ra = 0 };
    uint64_t old_eip = is_int ? next_eip : env->eip;
    stack_push(env, &st, env->segs[R_SS].selector, 8);
    stack_push(env, &st, env->regs[R_ESP], 8);
    stack_push(env, &st, cpu_compute_eflags(env), 8);
    stack_push(env, &st, env->segs[R_CS].selector, 8);
    stack_push(env, &st, old_eip, 8);
    if (has_err) {
        stack_push(env, &st, (uint32_t)error_code, 8);
    }
    (void)new_stack;
    env->regs[R_ESP] = st.sp;
    if (dpl != cpl) {
        /* a null SS with RPL = the new CPL */
        x86_seg_cache_set(env, R_SS, dpl, 0, 0, (uint32_t)dpl << DESC_DPL_SHIFT | DESC_B_MASK);
    }
    set_desc_bits(env, selector, ce2, DESC_A_MASK, 0);
    seg_cache_from_desc(env, R_CS, (selector & ~3u) | dpl, ce1, ce2);
    x86_set_cpl(env, dpl);
    env->eip = offset;
    if (!(type & 1)) {
        env->eflags &= ~(uint64_t)IF_MASK;
    }
    env->eflags &= ~(uint64_t)(TF_MASK | VM_MASK | RF_MASK | NT_MASK);
    x86_update_hflags(env);
}

static bool excp_contributory(int intno)
{
    return intno == 0 || (intno >= 10 && intno <= 13);
}

void x86_do_interrupt_all(CPUX86State *env, int intno, int is_int, int error_code,
                          uint64_t next_eip, bool is_hw)
{
    /* a fault while delivering an exception: double fault or worse */
    if (!is_int && !is_hw && env->old_exception >= 0) {
        int old = env->old_exception;
        if (old == EXCP08_DBLE) {
            x86_triple_fault(env);
            return;
        }
        if ((excp_contributory(old) && excp_contributory(intno)) ||
            (old == EXCP0E_PAGE && (excp_contributory(intno) || intno == EXCP0E_PAGE))) {
            intno = EXCP08_DBLE;
            error_code = 0;
        }
    }
    if (log_enabled(LOG_INT)) {
        log_printf("x86: int %#x is_int=%d err=%#x cpl=%d eip=%#llx cs=%#x pc=%#llx\n", intno,
                   is_int, error_code, x86_cpl(env), (unsigned long long)env->eip,
                   env->segs[R_CS].selector,
                   (unsigned long long)(env->segs[R_CS].base + env->eip));
    }
    env->old_exception = (is_int || is_hw) ? -2 : intno;
    env->hflags &= ~HF_INHIBIT_IRQ_MASK;
    if (env->cr[0] & CR0_PE_MASK) {
        if (env->hflags & HF_LMA_MASK) {
            do_interrupt64(env, intno, is_int, error_code, next_eip, is_hw);
        } else {
            do_interrupt_prot(env, intno, is_int, error_code, next_eip, is_hw);
        }
    } else {
        do_interrupt_real(env, intno, is_int, next_eip);
    }
    env->old_exception = -1;
    if (is_hw && intno == EXCP02_NMI) {
        env->hflags2 |= HF2_NMI_MASK;
    }
}

void helper_sys_raise_int(CPUX86State *env, uint32_t intno, uint32_t is_int, uint64_t next_eip)
{
    CPUState *cs = env_cpu(env);

    env->exception_is_int = is_int;
    env->exception_next_eip = next_eip;
    env->error_code = 0;
    cs->exception_index = intno;
    cpu_loop_exit(cs);
}

/* ---------------------------------------------------------------------- */
/* Far JMP / CALL / RET                                                      */

/* check a code segment target of JMP/CALL (non-gate) and return its cpl */
static void check_code_target(CPUX86State *env, uint32_t sel, uint32_t e2, uintptr_t ra)
{
    int cpl = x86_cpl(env);
    int dpl = (e2 >> DESC_DPL_SHIFT) & 3;
    int rpl = sel & 3;

    if (e2 & DESC_C_MASK) {
        if (dpl > cpl) {
            raise_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
        }
    } else if (rpl > cpl || dpl != cpl) {
        raise_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_err(env, EXCP0B_NOSEG, sel & 0xfffc, ra);
    }
}

static void load_cs_same(CPUX86State *env, uint32_t sel, uint32_t e1, uint32_t e2, uint64_t eip,
                         uintptr_t ra)
{
    int cpl = x86_cpl(env);

    set_desc_bits(env, sel, e2, DESC_A_MASK, ra);
    seg_cache_from_desc(env, R_CS, (sel & 0xfffc) | cpl, e1, e2);
    env->eip = eip;
    x86_update_hflags(env);
}

static uint64_t mask_eip(uint32_t e2, bool lma, uint64_t eip, int ot)
{
    if (lma && (e2 & DESC_L_MASK)) {
        return eip;
    }
    return ot == MO_16 ? eip & 0xffff : (uint32_t)eip;
}

void helper_ljmp(CPUX86State *env, uint64_t selector, uint64_t offset, uint64_t next_eip,
                 uint32_t ot)
{
    uintptr_t ra = GETPC();
    uint32_t sel = selector & 0xffff;
    uint32_t e1, e2;
    bool lma = (env->hflags & HF_LMA_MASK) != 0;

    if (!(env->cr[0] & CR0_PE_MASK) || (env->eflags & VM_MASK)) {
        load_seg_vm(env, R_CS, sel);
        env->eip = ot == MO_16 ? offset & 0xffff : offset;
        x86_update_hflags(env);
        return;
    }
    if ((sel & 0xfffc) == 0) {
        raise_err(env, EXCP0D_GPF, 0, ra);
    }
    if (!x86_load_desc(env, sel, &e1, &e2, ra)) {
        raise_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    if (e2 & DESC_S_MASK) {
        if (!(e2 & DESC_CS_MASK)) {
            raise_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
        }
        check_code_target(env, sel, e2, ra);
        uint64_t eip = mask_eip(e2, lma, offset, ot);
        if (!(lma && (e2 & DESC_L_MASK)) && eip > desc_limit(e1, e2)) {
            raise_err(env, EXCP0D_GPF, 0, ra);
        }
        load_cs_same(env, sel, e1, e2, eip, ra);
        return;
    }
    int type = (e2 >> 8) & 0x1f;
    int dpl = (e2 >> DESC_DPL_SHIFT) & 3;
    int cpl = x86_cpl(env);
    int rpl = sel & 3;
    switch (type) {
    case 1:
    case 9:
    case 5:
        if (lma) {
            raise_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
        }
        if (dpl < cpl || dpl < rpl) {
            raise_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
        }
        switch_tss(env, sel, e1, e2, TS_JMP, next_eip, -1, ra);
        return;
    case 4:  /* 16-bit call gate */
    case 12: /* 32/64-bit call gate */
        break;
    default:
        raise_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    if ((lma && type != 12) || dpl < cpl || dpl < rpl) {
        raise_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_err(env, EXCP0B_NOSEG, sel & 0xfffc, ra);
    }
    uint32_t gsel = e1 >> 16;
    uint64_t goff = (e1 & 0xffff) | (type == 12 ? (e2 & 0xffff0000) : 0);
    if (lma) {
        bool ok;
        uint32_t hi = load_desc_hi(env, sel, ra, &ok);
        if (!ok) {
            raise_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
        }
        goff |= (uint64_t)hi << 32;
    }
    uint32_t ce1, ce2;
    if ((gsel & 0xfffc) == 0 || !x86_load_desc(env, gsel, &ce1, &ce2, ra)) {
        raise_err(env, EXCP0D_GPF, gsel & 0xfffc, ra);
    }
    int cdpl = (ce2 >> DESC_DPL_SHIFT) & 3;
    if (!(ce2 & DESC_S_MASK) || !(ce2 & DESC_CS_MASK) ||
        ((ce2 & DESC_C_MASK) ? cdpl > cpl : cdpl != cpl)) {
        raise_err(env, EXCP0D_GPF, gsel & 0xfffc, ra);
    }
    if (lma && (!(ce2 & DESC_L_MASK) || (ce2 & DESC_B_MASK))) {
        raise_err(env, EXCP0D_GPF, gsel & 0xfffc, ra);
    }
    if (!(ce2 & DESC_P_MASK)) {
        raise_err(env, EXCP0B_NOSEG, gsel & 0xfffc, ra);
    }
    if (type == 4) {
        goff &= 0xffff;
    }
    if (!lma && goff > desc_limit(ce1, ce2)) {
        raise_err(env, EXCP0D_GPF, 0, ra);
    }
    load_cs_same(env, gsel, ce1, ce2, goff, ra);
}

void helper_lcall(CPUX86State *env, uint64_t selector, uint64_t offset, uint64_t next_eip,
                  uint32_t ot)
{
    uintptr_t ra = GETPC();
    uint32_t sel = selector & 0xffff;
    uint32_t e1, e2;
    bool lma = (env->hflags & HF_LMA_MASK) != 0;
    int sz = 2 << (ot - MO_16); /* 2, 4 or 8 */

    if (!(env->cr[0] & CR0_PE_MASK) || (env->eflags & VM_MASK)) {
        X86Stack st = cur_stack(env, ra);
        stack_push(env, &st, env->segs[R_CS].selector, sz);
        stack_push(env, &st, next_eip, sz);
        set_esp(env, st.sp, st.mask);
        load_seg_vm(env, R_CS, sel);
        env->eip = ot == MO_16 ? offset & 0xffff : offset;
        x86_update_hflags(env);
        return;
    }
    if ((sel & 0xfffc) == 0) {
        raise_err(env, EXCP0D_GPF, 0, ra);
    }
    if (!x86_load_desc(env, sel, &e1, &e2, ra)) {
        raise_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    int cpl = x86_cpl(env);
    if (e2 & DESC_S_MASK) {
        if (!(e2 & DESC_CS_MASK)) {
            raise_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
        }
        check_code_target(env, sel, e2, ra);
        uint64_t eip = mask_eip(e2, lma, offset, ot);
        if (!(lma && (e2 & DESC_L_MASK)) && eip > desc_limit(e1, e2)) {
            raise_err(env, EXCP0D_GPF, 0, ra);
        }
        X86Stack st = cur_stack(env, ra);
        stack_push(env, &st, env->segs[R_CS].selector, sz);
        stack_push(env, &st, next_eip, sz);
        set_esp(env, st.sp, st.mask);
        load_cs_same(env, sel, e1, e2, eip, ra);
        return;
    }
    int type = (e2 >> 8) & 0x1f;
    int dpl = (e2 >> DESC_DPL_SHIFT) & 3;
    int rpl = sel & 3;
    switch (type) {
    case 1:
    case 9:
    case 5:
        if (lma || dpl < cpl || dpl < rpl) {
            raise_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
        }
        switch_tss(env, sel, e1, e2, TS_CALL, next_eip, -1, ra);
        return;
    case 4:
    case 12:
        break;
    default:
        raise_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    if ((lma && type != 12) || dpl < cpl || dpl < rpl) {
        raise_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_err(env, EXCP0B_NOSEG, sel & 0xfffc, ra);
    }
    uint32_t gsel = e1 >> 16;
    uint64_t goff = (e1 & 0xffff) | (type == 12 ? (e2 & 0xffff0000) : 0);
    int param_count = e2 & 0x1f;
    if (lma) {
        bool ok;
        uint32_t hi = load_desc_hi(env, sel, ra, &ok);
        if (!ok) {
            raise_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
        }
        goff |= (uint64_t)hi << 32;
        param_count = 0;
    }
    uint32_t ce1, ce2;
    if ((gsel & 0xfffc) == 0) {
        raise_err(env, EXCP0D_GPF, 0, ra);
    }
    if (!x86_load_desc(env, gsel, &ce1, &ce2, ra)) {
        raise_err(env, EXCP0D_GPF, gsel & 0xfffc, ra);
    }
    int cdpl = (ce2 >> DESC_DPL_SHIFT) & 3;
    if (!(ce2 & DESC_S_MASK) || !(ce2 & DESC_CS_MASK) || cdpl > cpl) {
        raise_err(env, EXCP0D_GPF, gsel & 0xfffc, ra);
    }
    if (lma && (!(ce2 & DESC_L_MASK) || (ce2 & DESC_B_MASK))) {
        raise_err(env, EXCP0D_GPF, gsel & 0xfffc, ra);
    }
    if (!(ce2 & DESC_P_MASK)) {
        raise_err(env, EXCP0B_NOSEG, gsel & 0xfffc, ra);
    }
    int gsz = lma ? 8 : (type == 12 ? 4 : 2);
    if (type == 4) {
        goff &= 0xffff;
    }
    if (!lma && goff > desc_limit(ce1, ce2)) {
        raise_err(env, EXCP0D_GPF, 0, ra);
    }

    if (!(ce2 & DESC_C_MASK) && cdpl < cpl) {
        /* to an inner privilege level: stack from the TSS */
        X86Stack old = cur_stack(env, ra);
        X86Stack st;
        uint32_t ss = 0, se1 = 0, se2 = 0;
        if (lma) {
            uint64_t rsp = tss_get_rsp64(env, cdpl, ra);
            st = (X86Stack){ .base = 0, .sp = rsp, .mask = ~0ull,
                             .mmu_idx = X86_MMU_KERNEL, .ra = ra };
            ss = cdpl;
        } else {
            uint32_t esp;
            tss_get_stack(env, cdpl, &ss, &esp, ra);
            check_inner_ss(env, ss, cdpl, &se1, &se2, EXCP0A_TSS, ra);
            st = (X86Stack){ .base = desc_base(se1, se2), .sp = esp,
                             .mask = stack_mask_of(se2, false),
                             .mmu_idx = X86_MMU_KERNEL, .ra = ra };
        }
        stack_push(env, &st, env->segs[R_SS].selector, gsz);
        stack_push(env, &st, env->regs[R_ESP], gsz);
        /* copy the parameters from the old stack */
        for (int i = param_count - 1; i >= 0; i--) {
            uint64_t v = cpu_ld_mmu(env_cpu(env), stack_lin(&old, old.sp + i * gsz),
                                    gsz == 4 ? MO_32 : MO_16, old.mmu_idx, ra);
            stack_push(env, &st, v, gsz);
        }
        stack_push(env, &st, env->segs[R_CS].selector, gsz);
        stack_push(env, &st, next_eip, gsz);
        if (lma) {
            x86_seg_cache_set(env, R_SS, cdpl, 0, 0, (uint32_t)cdpl << DESC_DPL_SHIFT |
                                                        DESC_B_MASK);
        } else {
            seg_cache_from_desc(env, R_SS, (ss & ~3u) | cdpl, se1, se2);
        }
        set_esp(env, st.sp, st.mask);
        set_desc_bits(env, gsel, ce2, DESC_A_MASK, ra);
        seg_cache_from_desc(env, R_CS, (gsel & ~3u) | cdpl, ce1, ce2);
        x86_set_cpl(env, cdpl);
        env->eip = goff;
        x86_update_hflags(env);
        return;
    }
    /* same privilege through the gate */
    X86Stack st = cur_stack(env, ra);
    stack_push(env, &st, env->segs[R_CS].selector, gsz);
    stack_push(env, &st, next_eip, gsz);
    set_esp(env, st.sp, st.mask);
    load_cs_same(env, gsel, ce1, ce2, goff, ra);
}

/* RET far and IRET (protected mode): pops CS:EIP (and EFLAGS), maybe
 * returns to an outer level (popping SS:ESP). */
static void do_lret_prot(CPUX86State *env, int ot, bool is_iret, uint32_t addend, uintptr_t ra)
{
    int sz = 2 << (ot - MO_16);
    int cpl = x86_cpl(env);
    X86Stack st = cur_stack(env, ra);
    uint64_t new_eip = stack_pop(env, &st, sz);
    uint32_t new_cs = stack_pop(env, &st, sz) & 0xffff;
    uint64_t new_eflags = 0;
    bool lma = (env->hflags & HF_LMA_MASK) != 0;

    if (is_iret) {
        new_eflags = stack_pop(env, &st, sz);
        if (!lma && (new_eflags & VM_MASK) && cpl == 0 && ot == MO_32) {
            /* return to virtual-8086 mode */
            uint32_t new_esp = stack_pop(env, &st, 4);
            uint32_t new_ss = stack_pop(env, &st, 4);
            uint32_t new_es = stack_pop(env, &st, 4);
            uint32_t new_ds = stack_pop(env, &st, 4);
            uint32_t new_fs = stack_pop(env, &st, 4);
            uint32_t new_gs = stack_pop(env, &st, 4);
            cpu_load_eflags(env, new_eflags,
                            CC_ALL | TF_MASK | DF_MASK | IF_MASK | IOPL_MASK | NT_MASK |
                                RF_MASK | AC_MASK | ID_MASK | VM_MASK | VIF_MASK | VIP_MASK);
            load_seg_vm(env, R_CS, new_cs);
            load_seg_vm(env, R_SS, new_ss);
            load_seg_vm(env, R_ES, new_es);
            load_seg_vm(env, R_DS, new_ds);
            load_seg_vm(env, R_FS, new_fs);
            load_seg_vm(env, R_GS, new_gs);
            env->regs[R_ESP] = new_esp;
            env->eip = new_eip & 0xffff;
            x86_set_cpl(env, 3);
            x86_update_hflags(env);
            return;
        }
    }
    if ((new_cs & 0xfffc) == 0) {
        raise_err(env, EXCP0D_GPF, 0, ra);
    }
    uint32_t e1, e2;
    if (!x86_load_desc(env, new_cs, &e1, &e2, ra)) {
        raise_err(env, EXCP0D_GPF, new_cs & 0xfffc, ra);
    }
    if (!(e2 & DESC_S_MASK) || !(e2 & DESC_CS_MASK)) {
        raise_err(env, EXCP0D_GPF, new_cs & 0xfffc, ra);
    }
    int rpl = new_cs & 3;
    int dpl = (e2 >> DESC_DPL_SHIFT) & 3;
    if (rpl < cpl) {
        raise_err(env, EXCP0D_GPF, new_cs & 0xfffc, ra);
    }
    if ((e2 & DESC_C_MASK) ? dpl > rpl : dpl != rpl) {
        raise_err(env, EXCP0D_GPF, new_cs & 0xfffc, ra);
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_err(env, EXCP0B_NOSEG, new_cs & 0xfffc, ra);
    }
    if (lma && (e2 & DESC_L_MASK) && (e2 & DESC_B_MASK)) {
        raise_err(env, EXCP0D_GPF, new_cs & 0xfffc, ra);
    }
    st.sp += addend;
    bool outer = rpl > cpl || (lma && ot == MO_64 && is_iret);
    uint32_t new_ss = 0, se1 = 0, se2 = 0;
    uint64_t new_esp = 0;
    if (outer) {
        new_esp = stack_pop(env, &st, sz);
        new_ss = stack_pop(env, &st, sz) & 0xffff;
        if ((new_ss & 0xfffc) == 0) {
            /* a null SS only for 64-bit code at CPL < 3 in long mode */
            if (!(lma && (e2 & DESC_L_MASK) && rpl != 3)) {
                raise_err(env, EXCP0D_GPF, 0, ra);
            }
        } else {
            if ((int)(new_ss & 3) != rpl) {
                raise_err(env, EXCP0D_GPF, new_ss & 0xfffc, ra);
            }
            if (!x86_load_desc(env, new_ss, &se1, &se2, ra)) {
                raise_err(env, EXCP0D_GPF, new_ss & 0xfffc, ra);
            }
            if (!(se2 & DESC_S_MASK) || (se2 & DESC_CS_MASK) || !(se2 & DESC_W_MASK) ||
                (int)((se2 >> DESC_DPL_SHIFT) & 3) != rpl) {
                raise_err(env, EXCP0D_GPF, new_ss & 0xfffc, ra);
            }
            if (!(se2 & DESC_P_MASK)) {
                raise_err(env, EXCP0C_STACK, new_ss & 0xfffc, ra);
            }
        }
    }
    uint64_t eip = mask_eip(e2, lma, new_eip, ot);
    if (!(lma && (e2 & DESC_L_MASK)) && eip > desc_limit(e1, e2)) {
        raise_err(env, EXCP0D_GPF, 0, ra);
    }

    /* commit */
    set_desc_bits(env, new_cs, e2, DESC_A_MASK, ra);
    seg_cache_from_desc(env, R_CS, new_cs, e1, e2);
    x86_set_cpl(env, rpl);
    env->eip = eip;
    if (outer) {
        if ((new_ss & 0xfffc) == 0) {
            x86_seg_cache_set(env, R_SS, new_ss, 0, 0,
                              (uint32_t)rpl << DESC_DPL_SHIFT | DESC_B_MASK);
        } else {
            set_desc_bits(env, new_ss, se2, DESC_A_MASK, ra);
            seg_cache_from_desc(env, R_SS, new_ss, se1, se2);
        }
        uint64_t mask = lma && (e2 & DESC_L_MASK) ? ~0ull : stack_mask_of(env->segs[R_SS].flags,
                                                                           false);
        set_esp(env, new_esp + addend, mask);
        if (rpl > cpl) {
            validate_seg(env, R_ES, rpl);
            validate_seg(env, R_DS, rpl);
            validate_seg(env, R_FS, rpl);
            validate_seg(env, R_GS, rpl);
        }
    } else {
        set_esp(env, st.sp, st.mask);
    }
    if (is_iret) {
        uint64_t mask = CC_ALL | TF_MASK | DF_MASK | NT_MASK | RF_MASK | AC_MASK | ID_MASK;
        if (cpl == 0) {
            mask |= IOPL_MASK | VIF_MASK | VIP_MASK;
        }
        if (cpl <= (int)((env->eflags >> 12) & 3)) {
            mask |= IF_MASK;
        }
        if (ot == MO_16) {
            mask &= 0xffff;
        }
        cpu_load_eflags(env, new_eflags, mask);
    }
    x86_update_hflags(env);
}

void helper_lret(CPUX86State *env, uint32_t ot, uint32_t addend)
{
    uintptr_t ra = GETPC();

    if (!(env->cr[0] & CR0_PE_MASK) || (env->eflags & VM_MASK)) {
        int sz = 2 << (ot - MO_16);
        X86Stack st = cur_stack(env, ra);
        uint64_t eip = stack_pop(env, &st, sz);
        uint32_t cs = stack_pop(env, &st, sz) & 0xffff;
        set_esp(env, st.sp + addend, st.mask);
        load_seg_vm(env, R_CS, cs);
        env->eip = ot == MO_16 ? eip & 0xffff : (uint32_t)eip;
        x86_update_hflags(env);
        return;
    }
    do_lret_prot(env, ot, false, addend, ra);
}

void helper_iret(CPUX86State *env, uint32_t ot, uint64_t next_eip)
{
    uintptr_t ra = GETPC();

    if (!(env->cr[0] & CR0_PE_MASK) || (env->eflags & VM_MASK)) {
        if ((env->eflags & VM_MASK) && ((env->eflags >> 12) & 3) != 3) {
            raise_err(env, EXCP0D_GPF, 0, ra);
        }
        int sz = ot == MO_16 ? 2 : 4;
        X86Stack st = cur_stack(env, ra);
        uint64_t eip = stack_pop(env, &st, sz);
        uint32_t cs = stack_pop(env, &st, sz) & 0xffff;
        uint64_t fl = stack_pop(env, &st, sz);
        uint64_t mask = CC_ALL | TF_MASK | DF_MASK | IF_MASK | NT_MASK | RF_MASK | AC_MASK |
                        ID_MASK;
        if (!(env->eflags & VM_MASK)) {
            mask |= IOPL_MASK;
        }
        if (sz == 2) {
            mask &= 0xffff;
        }
        set_esp(env, st.sp, st.mask);
        load_seg_vm(env, R_CS, cs);
        env->eip = sz == 2 ? eip & 0xffff : (uint32_t)eip;
        cpu_load_eflags(env, fl, mask);
        x86_update_hflags(env);
    } else if (env->eflags & NT_MASK) {
        /* return from a nested task: to the back link of the TSS */
        if (env->hflags & HF_LMA_MASK) {
            raise_err(env, EXCP0D_GPF, 0, ra);
        }
        uint32_t back = (uint32_t)x86_ld_kernel(env, env->tr.base, MO_16, ra);
        uint32_t e1, e2;
        if ((back & 4) || !x86_load_desc(env, back, &e1, &e2, ra)) {
            raise_err(env, EXCP0A_TSS, back & 0xfffc, ra);
        }
        int type = (e2 >> 8) & 0x1f;
        if (type != 3 && type != 11) {
            raise_err(env, EXCP0A_TSS, back & 0xfffc, ra);
        }
        switch_tss(env, back, e1, e2, TS_IRET, next_eip, -1, ra);
    } else {
        do_lret_prot(env, ot, true, 0, ra);
    }
    env->hflags2 &= ~HF2_NMI_MASK;
    x86_check_pending_interrupts(env);
}

/* ---------------------------------------------------------------------- */
/* LLDT, LTR, LAR, LSL, VERR, VERW                                          */

void helper_lldt(CPUX86State *env, uint64_t selector)
{
    uintptr_t ra = GETPC();
    uint32_t sel = selector & 0xffff;
    uint32_t e1, e2;

    if ((sel & 0xfffc) == 0) {
        env->ldt.selector = sel;
        env->ldt.base = 0;
        env->ldt.limit = 0;
        env->ldt.flags = 0;
        return;
    }
    if ((sel & 4) || !x86_load_desc(env, sel, &e1, &e2, ra)) {
        raise_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    if ((e2 & DESC_S_MASK) || ((e2 >> 8) & 0xf) != 2) {
        raise_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_err(env, EXCP0B_NOSEG, sel & 0xfffc, ra);
    }
    uint64_t base = desc_base(e1, e2);
    if (env->hflags & HF_LMA_MASK) {
        bool ok;
        uint32_t hi = load_desc_hi(env, sel, ra, &ok);
        if (!ok) {
            raise_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
        }
        base |= (uint64_t)hi << 32;
    }
    env->ldt.selector = sel;
    env->ldt.base = base;
    env->ldt.limit = desc_limit(e1, e2);
    env->ldt.flags = e2 & 0x00ffff00;
}

void helper_ltr(CPUX86State *env, uint64_t selector)
{
    uintptr_t ra = GETPC();
    uint32_t sel = selector & 0xffff;
    uint32_t e1, e2;

    if ((sel & 0xfffc) == 0) {
        raise_err(env, EXCP0D_GPF, 0, ra);
    }
    if ((sel & 4) || !x86_load_desc(env, sel, &e1, &e2, ra)) {
        raise_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    int type = (e2 >> 8) & 0x1f;
    bool lma = (env->hflags & HF_LMA_MASK) != 0;
    if ((e2 & DESC_S_MASK) || (lma ? type != 9 : (type != 1 && type != 9))) {
        raise_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_err(env, EXCP0B_NOSEG, sel & 0xfffc, ra);
    }
    uint64_t base = desc_base(e1, e2);
    if (lma) {
        bool ok;
        uint32_t hi = load_desc_hi(env, sel, ra, &ok);
        if (!ok) {
            raise_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
        }
        base |= (uint64_t)hi << 32;
    }
    set_desc_bits(env, sel, e2, DESC_TSS_BUSY_MASK, ra);
    env->tr.selector = sel;
    env->tr.base = base;
    env->tr.limit = desc_limit(e1, e2);
    env->tr.flags = (e2 | DESC_TSS_BUSY_MASK) & 0x00ffff00;
}

/* the descriptor of sel if LAR/LSL/VERR/VERW may see it (type aside) */
static bool visible_desc(CPUX86State *env, uint32_t sel, uint32_t *e1, uint32_t *e2)
{
    if ((sel & 0xfffc) == 0 || !x86_load_desc(env, sel, e1, e2, GETPC())) {
        return false;
    }
    int dpl = (*e2 >> DESC_DPL_SHIFT) & 3;
    int cpl = x86_cpl(env);
    bool conforming_code = (*e2 & DESC_S_MASK) && (*e2 & DESC_CS_MASK) && (*e2 & DESC_C_MASK);
    return conforming_code || (dpl >= cpl && dpl >= (int)(sel & 3));
}

uint64_t helper_lar(CPUX86State *env, uint64_t selector)
{
    uint32_t e1, e2;

    if (!visible_desc(env, selector & 0xffff, &e1, &e2)) {
        return ~0ull;
    }
    if (!(e2 & DESC_S_MASK)) {
        int type = (e2 >> 8) & 0xf;
        bool lma = (env->hflags & HF_LMA_MASK) != 0;
        static const uint16_t ok_legacy = (1 << 1) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) |
                                          (1 << 9) | (1 << 11) | (1 << 12);
        static const uint16_t ok_long = (1 << 2) | (1 << 9) | (1 << 11) | (1 << 12);
        if (!((lma ? ok_long : ok_legacy) & (1 << type))) {
            return ~0ull;
        }
    }
    return e2 & 0x00f0ff00;
}

uint64_t helper_lsl(CPUX86State *env, uint64_t selector)
{
    uint32_t e1, e2;

    if (!visible_desc(env, selector & 0xffff, &e1, &e2)) {
        return ~0ull;
    }
    if (!(e2 & DESC_S_MASK)) {
        int type = (e2 >> 8) & 0xf;
        bool lma = (env->hflags & HF_LMA_MASK) != 0;
        static const uint16_t ok_legacy = (1 << 1) | (1 << 2) | (1 << 3) | (1 << 9) | (1 << 11);
        static const uint16_t ok_long = (1 << 2) | (1 << 9) | (1 << 11);
        if (!((lma ? ok_long : ok_legacy) & (1 << type))) {
            return ~0ull;
        }
    }
    return desc_limit(e1, e2);
}

uint64_t helper_verr(CPUX86State *env, uint64_t selector)
{
    uint32_t e1, e2;

    if (!visible_desc(env, selector & 0xffff, &e1, &e2) || !(e2 & DESC_S_MASK)) {
        return 0;
    }
    return !(e2 & DESC_CS_MASK) || (e2 & DESC_R_MASK);
}

uint64_t helper_verw(CPUX86State *env, uint64_t selector)
{
    uint32_t e1, e2;

    if (!visible_desc(env, selector & 0xffff, &e1, &e2) || !(e2 & DESC_S_MASK)) {
        return 0;
    }
    if (e2 & DESC_CS_MASK) {
        return 0;
    }
    return (e2 & DESC_W_MASK) != 0;
}

/* ---------------------------------------------------------------------- */
/* SYSCALL/SYSRET, SYSENTER/SYSEXIT, SWAPGS                                 */

#define FLAT_CODE64 (DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_R_MASK | DESC_A_MASK | \
                     DESC_L_MASK | DESC_G_MASK)
#define FLAT_CODE32 (DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_R_MASK | DESC_A_MASK | \
                     DESC_B_MASK | DESC_G_MASK)
#define FLAT_DATA (DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_A_MASK | DESC_B_MASK | \
                   DESC_G_MASK)

void helper_syscall_sys(CPUX86State *env, uint64_t next_eip)
{
    uintptr_t ra = GETPC();

    if (!(env->efer & EFER_SCE)) {
        raise_exception_err_ra(env, EXCP06_ILLOP, 0, ra);
    }
    uint32_t sel = (env->star >> 32) & 0xffff;
    if (env->hflags & HF_LMA_MASK) {
        env->regs[R_ECX] = next_eip;
        env->regs[11] = cpu_compute_eflags(env) & ~(uint64_t)RF_MASK;
        bool code64 = (env->hflags & HF_CS64_MASK) != 0;
        x86_seg_cache_set(env, R_CS, sel & 0xfffc, 0, 0xffffffff, FLAT_CODE64);
        x86_seg_cache_set(env, R_SS, (sel + 8) & 0xfffc, 0, 0xffffffff, FLAT_DATA);
        cpu_load_eflags(env, 0, env->fmask | RF_MASK);
        env->eip = code64 ? env->lstar : env->cstar;
    } else {
        env->regs[R_ECX] = (uint32_t)next_eip;
        x86_seg_cache_set(env, R_CS, sel & 0xfffc, 0, 0xffffffff, FLAT_CODE32);
        x86_seg_cache_set(env, R_SS, (sel + 8) & 0xfffc, 0, 0xffffffff, FLAT_DATA);
        cpu_load_eflags(env, 0, IF_MASK | RF_MASK | VM_MASK);
        env->eip = (uint32_t)env->star;
    }
    x86_set_cpl(env, 0);
    x86_update_hflags(env);
}

void helper_sysret(CPUX86State *env, uint32_t ot)
{
    uintptr_t ra = GETPC();

    if (!(env->efer & EFER_SCE)) {
        raise_exception_err_ra(env, EXCP06_ILLOP, 0, ra);
    }
    if (!(env->cr[0] & CR0_PE_MASK) || x86_cpl(env) != 0) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    uint32_t sel = (env->star >> 48) & 0xffff;
    if (env->hflags & HF_LMA_MASK) {
        if (ot == MO_64) {
            if ((uint64_t)((int64_t)(env->regs[R_ECX] << 16) >> 16) != env->regs[R_ECX]) {
                raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
            }
            x86_seg_cache_set(env, R_CS, (sel + 16) | 3, 0, 0xffffffff,
                              FLAT_CODE64 | (3 << DESC_DPL_SHIFT));
            env->eip = env->regs[R_ECX];
        } else {
            x86_seg_cache_set(env, R_CS, sel | 3, 0, 0xffffffff,
                              FLAT_CODE32 | (3 << DESC_DPL_SHIFT));
            env->eip = (uint32_t)env->regs[R_ECX];
        }
        /* SS keeps its cached attributes on Intel; make it a flat data
         * segment at DPL 3 as software expects */
        x86_seg_cache_set(env, R_SS, (sel + 8) | 3, 0, 0xffffffff,
                          FLAT_DATA | (3 << DESC_DPL_SHIFT));
        cpu_load_eflags(env, env->regs[11],
                        CC_ALL | TF_MASK | DF_MASK | IF_MASK | IOPL_MASK | NT_MASK | AC_MASK |
                            ID_MASK | VIF_MASK | VIP_MASK);
    } else {
        x86_seg_cache_set(env, R_CS, sel | 3, 0, 0xffffffff, FLAT_CODE32 | (3 << DESC_DPL_SHIFT));
        x86_seg_cache_set(env, R_SS, (sel + 8) | 3, 0, 0xffffffff,
                          FLAT_DATA | (3 << DESC_DPL_SHIFT));
        env->eip = (uint32_t)env->regs[R_ECX];
        env->eflags |= IF_MASK;
    }
    x86_set_cpl(env, 3);
    x86_update_hflags(env);
    x86_check_pending_interrupts(env);
}

void helper_sysenter(CPUX86State *env, uint64_t next_eip)
{
    uintptr_t ra = GETPC();
    uint32_t cs = env->sysenter_cs & 0xfffc;

    if (!(env->cr[0] & CR0_PE_MASK) || cs == 0) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    (void)next_eip;
    cpu_load_eflags(env, 0, VM_MASK | IF_MASK | RF_MASK);
    if (env->hflags & HF_LMA_MASK) {
        x86_seg_cache_set(env, R_CS, cs, 0, 0xffffffff, FLAT_CODE64);
        env->regs[R_ESP] = env->sysenter_esp;
        env->eip = env->sysenter_eip;
    } else {
        x86_seg_cache_set(env, R_CS, cs, 0, 0xffffffff, FLAT_CODE32);
        env->regs[R_ESP] = (uint32_t)env->sysenter_esp;
        env->eip = (uint32_t)env->sysenter_eip;
    }
    x86_seg_cache_set(env, R_SS, cs + 8, 0, 0xffffffff, FLAT_DATA);
    x86_set_cpl(env, 0);
    x86_update_hflags(env);
}

void helper_sysexit(CPUX86State *env, uint32_t ot)
{
    uintptr_t ra = GETPC();
    uint32_t cs = env->sysenter_cs & 0xfffc;

    if (!(env->cr[0] & CR0_PE_MASK) || cs == 0 || x86_cpl(env) != 0) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    if (ot == MO_64) {
        x86_seg_cache_set(env, R_CS, (cs + 32) | 3, 0, 0xffffffff,
                          FLAT_CODE64 | (3 << DESC_DPL_SHIFT));
        x86_seg_cache_set(env, R_SS, (cs + 40) | 3, 0, 0xffffffff,
                          FLAT_DATA | (3 << DESC_DPL_SHIFT));
        env->regs[R_ESP] = env->regs[R_ECX];
        env->eip = env->regs[R_EDX];
    } else {
        x86_seg_cache_set(env, R_CS, (cs + 16) | 3, 0, 0xffffffff,
                          FLAT_CODE32 | (3 << DESC_DPL_SHIFT));
        x86_seg_cache_set(env, R_SS, (cs + 24) | 3, 0, 0xffffffff,
                          FLAT_DATA | (3 << DESC_DPL_SHIFT));
        env->regs[R_ESP] = (uint32_t)env->regs[R_ECX];
        env->eip = (uint32_t)env->regs[R_EDX];
    }
    x86_set_cpl(env, 3);
    x86_update_hflags(env);
}

void helper_swapgs(CPUX86State *env)
{
    uint64_t t = env->segs[R_GS].base;

    env->segs[R_GS].base = env->kernelgsbase;
    env->kernelgsbase = t;
}
