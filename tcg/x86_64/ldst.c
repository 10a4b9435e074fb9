/*
 * Guest memory accesses (qemu_ld / qemu_st) for the x86-64 host backend.
 *
 * linux-user: the host address is the guest address plus guest_base, so an
 * access is one host instruction: [addr] when guest_base is 0,
 * [addr + disp32] when it fits, else [addr + r14] (the prologue puts
 * guest_base in r14).
 *
 * System mode (s->softmmu): x86_guest_addr() emits the inline softmmu TLB
 * lookup (exec/cputlb.h) with the op's two scratch registers t0 and t1:
 *     mov  t0, addr
 *     shr  t0, TARGET_PAGE_BITS - CPU_TLB_ENTRY_BITS
 *     and  t0, [env + fast(mmu_idx).mask]     ; byte offset of the entry
 *     add  t0, [env + fast(mmu_idx).table]    ; t0 = &entry
 *     lea  t1, [addr + size - 1]              ; or mov t1, addr, see below
 *     and  t1, TARGET_PAGE_MASK | align_mask
 *     cmp  t1, [t0 + addr_read / addr_write]
 *     jne  slow                               ; miss, flags, misaligned
 *   ret:                                      ; (reported return address)
 *     mov  t0, [t0 + addend]
 *     <access [addr + t0]>
 *   resume:
 * The compare value is the page of the access's last byte for accesses
 * that may be unaligned (so one crossing into the next page fails the
 * compare and goes to the slow path, which splits it), or the page of addr
 * with the required low alignment bits kept when the op carries an
 * alignment requirement of at least its size (then it cannot cross; a
 * misaligned address fails the compare). A tag with any TLB_* flag set
 * never matches, since the compare value has those bits clear.
 *
 * The slow path (emitted after the block) saves the call-clobbered
 * registers that hold values live across the access (plus the address
 * and store value registers, so the helper's arguments are read from
 * their saved slots without any parallel-move ordering), calls
 * tcg_unaligned_access first when an alignment requirement is not met,
 * then helper_ld_mmu / helper_st_mmu(env, addr, [val,] oi, retaddr),
 * writes a load's result to its register (or into its saved slot when the
 * register is restored), restores and jumps to resume. So qemu_ld/st
 * clobber nothing on the fast path, as in user mode, and need no spills.
 *
 * retaddr: the slow path's own return address is after the block, outside
 * the guest insn's code, so it cannot be used for unwinding. The stub
 * passes the address of the "ret" point above instead: the end of the
 * fast path's jne, which lies strictly after the start of this guest
 * insn's host code and before its end; cpu_restore_state looks up
 * retaddr - 1 (the jne's last byte), the same rule as for a GETPC() in a
 * helper called from the insn. unwind_pc stays the identity.
 *
 * MO_ALIGN and MO_AMASK in user mode: a test of the low address bits
 * branches to an out-of-line stub that calls tcg_unaligned_access(env,
 * addr, oi, retaddr) with every call-clobbered register saved, so that when
 * the helper returns (targets without alignment faults) the access
 * proceeds with all values intact. When it raises the fault it never
 * returns, and the globals are in env already (liveness syncs them before
 * every qemu_ld/st).
 *
 * MO_BSWAP uses movbe when the host has it, else a load/store and bswap.
 *
 * helper_ld_mmu / helper_st_mmu live in accel/tcg/cputlb.c, which only the
 * system emulator links: they are referenced weakly here so that linux-user
 * (and tests without the softmmu) link without them. tlb_init, in the same
 * object, is what sets softmmu, so they are present whenever it is set.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "exec/cputlb.h"
#include "x86-internal.h"

#pragma weak helper_ld_mmu
#pragma weak helper_st_mmu

/* Registers a slow path may have to save, in push order. */
static const int8_t x86_slow_saved[] = { X86_RAX, X86_RCX, X86_RDX, X86_RSI, X86_RDI,
                                         X86_R8,  X86_R9,  X86_R10, X86_R11 };

/* A new slow path entered by a jne rel32 emitted here; ret_ofs is set to
 * the end of the jne. */
static X86SlowPath *x86_slow_branch(X86Gen *g, int kind, int addr, MemOpIdx oi)
{
    X86Asm *as = &g->a;
    X86SlowPath *sp = &g->slow[g->nb_slow++];

    x86_b(as, 0x0f);
    x86_b(as, 0x80 + JCC_NE);
    sp->jcc_ofs = (uint32_t)x86_offset(as);
    x86_d32(as, 0);
    sp->ret_ofs = (uint32_t)x86_offset(as);
    sp->resume_ofs = sp->ret_ofs;
    sp->oi = oi;
    sp->kind = (uint8_t)kind;
    sp->addr_reg = (int8_t)addr;
    sp->data_reg = -1;
    sp->saved = X86_CALL_CLOBBERED;
    sp->is64 = true;
    sp->data_const = 0;
    return sp;
}

/* Branch to a slow path that reports a misaligned access (user mode). */
static void x86_align_check(X86Gen *g, int addr, MemOpIdx oi)
{
    X86Asm *as = &g->a;
    unsigned bits = memop_align_bits(get_memop(oi));

    if (bits == 0) {
        return;
    }
    /* bits <= 6: the mask fits the test's imm8 */
    x86_rr(as, OPC_TESTB_EbIb | X86_PBYTE_M, 0, addr);
    x86_b(as, (uint8_t)((1u << bits) - 1));
    x86_slow_branch(g, X86_SLOW_ALIGN, addr, oi);
}

/*
 * The softmmu TLB lookup (see the top of the file). Returns the slow path
 * it branches to; the host address is then [addr + t0].
 */
static X86SlowPath *x86_tlb_lookup(X86Gen *g, const TCGOp *op, const X86OpArgs *args, int addr)
{
    X86Asm *as = &g->a;
    MemOpIdx oi = (MemOpIdx)op->args[2];
    MemOp mop = get_memop(oi);
    unsigned size = mop & MO_SIZE;
    unsigned abits = memop_align_bits(mop);
    bool is_ld = op->opc == INDEX_op_qemu_ld;
    int t0 = args->t[0], t1 = args->t[1];
    intptr_t fast = g->s->tlb_fast_ofs + (intptr_t)get_mmuidx(oi) * (intptr_t)sizeof(CPUTLBDescFast);
    uint64_t cmp_mask = TARGET_PAGE_MASK;

    if (!(is_ld ? (uintptr_t)helper_ld_mmu : (uintptr_t)helper_st_mmu)) {
        fprintf(stderr, "tern: x86-64 backend: softmmu code without the softmmu helpers\n");
        abort();
    }
    if (abits > 0 && abits < size) {
        /* not produced by any MemOp today: check apart, then as unaligned */
        x86_align_check(g, addr, oi);
        abits = 0;
    }
    x86_mov_rr(as, true, t0, addr);
    x86_shift_ri(as, SHIFT_SHR, true, t0, TARGET_PAGE_BITS - CPU_TLB_ENTRY_BITS);
    x86_rm(as, (OPC_ARITH_GvEv + (ARITH_AND << 3)) | X86_PW, t0, X86_AREG0,
           (int32_t)(fast + (intptr_t)offsetof(CPUTLBDescFast, mask)));
    x86_rm(as, (OPC_ARITH_GvEv + (ARITH_ADD << 3)) | X86_PW, t0, X86_AREG0,
           (int32_t)(fast + (intptr_t)offsetof(CPUTLBDescFast, table)));
    if (abits == 0 && size > MO_8) {
        x86_rm(as, OPC_LEA | X86_PW, t1, addr, (int32_t)((1u << size) - 1));
    } else {
        x86_mov_rr(as, true, t1, addr);
        cmp_mask |= (1u << abits) - 1;
    }
    x86_arith_ri(as, ARITH_AND, true, t1, (int32_t)cmp_mask);
    x86_rm(as, (OPC_ARITH_GvEv + (ARITH_CMP << 3)) | X86_PW, t1, t0,
           is_ld ? (int32_t)offsetof(CPUTLBEntry, addr_read)
                 : (int32_t)offsetof(CPUTLBEntry, addr_write));
    X86SlowPath *sp = x86_slow_branch(g, is_ld ? X86_SLOW_LD : X86_SLOW_ST, addr, oi);
    x86_rm(as, OPC_MOVL_GvEv | X86_PW, t0, t0, (int32_t)offsetof(CPUTLBEntry, addend));
    return sp;
}

/*
 * The call-clobbered registers a softmmu slow path must preserve: those
 * holding values (after the op's allocation, so inputs that died here are
 * free and the output is not live yet) and the argument sources.
 */
static uint16_t x86_slow_live(X86Gen *g, int out, int src0, int src1)
{
    uint16_t live = 0;

    for (int r = 0; r < 16; r++) {
        if (g->reg_to_temp[r] && r != out) {
            live |= X86_REG_BIT(r);
        }
    }
    if (src0 >= 0) {
        live |= X86_REG_BIT(src0);
    }
    if (src1 >= 0) {
        live |= X86_REG_BIT(src1);
    }
    return live & X86_CALL_CLOBBERED;
}

/*
 * Host memory operand of the guest address in register addr; in softmmu
 * mode this emits the TLB lookup and returns its slow path (else NULL).
 */
static X86SlowPath *x86_guest_addr(X86Gen *g, const TCGOp *op, const X86OpArgs *args, int addr,
                                   int *base, int *index, int32_t *disp)
{
    uintptr_t gb = g->s->guest_base;
    X86SlowPath *sp;

    *base = addr;
    *index = -1;
    *disp = 0;
    if (g->s->softmmu) {
        sp = x86_tlb_lookup(g, op, args, addr);
        *index = args->t[0];
        return sp;
    }
    x86_align_check(g, addr, (MemOpIdx)op->args[2]);
    if (gb == 0) {
        return NULL;
    }
    if (!g->guest_base_in_reg) {
        *disp = (int32_t)gb;
    } else {
        *index = X86_GUEST_BASE_REG;
    }
    return NULL;
}

void x86_ldst_constraints(X86Gen *g, const TCGOp *op, X86OpCt *ct)
{
    MemOp mop = get_memop((MemOpIdx)op->args[2]);
    int size = mop & MO_SIZE;
    int64_t v;

    /* nothing is called on the fast path, so no clobbers (the softmmu slow
     * path saves what it uses); the globals must be in env before the
     * access may fault */
    ct->sync_globals = true;
    /* softmmu: t0 = the TLB entry, then the addend; t1 = the compare value,
     * then free (a bswapping store's copy) */
    ct->nb_scratch = g->s->softmmu ? 2 : 0;
    if (op->opc == INDEX_op_qemu_ld) {
        ct->out[0].regs = X86_ALLOC_REGS;
        ct->out[0].alias = -1;
        ct->in[0].regs = X86_ALLOC_REGS;
        ct->prefer_in = 0;
        return;
    }
    ct->in[0].regs = X86_ALLOC_REGS;
    ct->in[1].regs = X86_ALLOC_REGS;
    if (ra_is_const(g, arg_temp(op->args[0]), &v)) {
        if (mop & MO_BSWAP) {
            v = (int64_t)x86_bswap_const((uint64_t)v, size);
        }
        if (size < MO_64 || x86_fits_s32(v)) {
            ct->in[0].cst = X86_CST_ANY;
        }
    }
    if ((mop & MO_BSWAP) && size > MO_8 && !x86_have(X86_FEAT_MOVBE) && ct->nb_scratch == 0) {
        ct->nb_scratch = 1;
    }
}

/* Swap the low 2/4/8 bytes of register r in place (16: result zero-extended
 * only if the upper bits were zero). */
static void x86_bswap_reg(X86Asm *as, int size, int r)
{
    if (size == MO_16) {
        x86_rr(as, OPC_SHIFT_Ib | X86_P66, SHIFT_ROL, r);
        x86_b(as, 8);
    } else {
        x86_opc(as, (OPC_BSWAP + (r & 7)) | x86_w(size == MO_64), 0, 0, r);
    }
}

/* The host load of a qemu_ld from [base + index + disp] into d. */
static void x86_ld_access(X86Asm *as, MemOp mop, bool is64, int d, int base, int index,
                          int32_t disp)
{
    int size = mop & MO_SIZE;
    bool sign = (mop & MO_SIGN) != 0;
    bool bswap = (mop & MO_BSWAP) && size > MO_8;
    int opc;

    if (bswap && x86_have(X86_FEAT_MOVBE)) {
        opc = OPC_MOVBE_GyMy | (size == MO_16 ? X86_P66 : 0) | x86_w(size == MO_64);
        x86_rm_sib(as, opc, d, base, index, 0, disp);
        if (size == MO_16) {
            x86_rr(as, (sign ? OPC_MOVSWL : OPC_MOVZWL) | x86_w(sign && is64), d, d);
        } else if (size == MO_32 && sign && is64) {
            x86_rr(as, OPC_MOVSLQ, d, d);
        }
        return;
    }
    if (bswap) {
        opc = size == MO_16 ? OPC_MOVZWL : (OPC_MOVL_GvEv | x86_w(size == MO_64));
        x86_rm_sib(as, opc, d, base, index, 0, disp);
        x86_bswap_reg(as, size, d);
        if (size == MO_16 && sign) {
            x86_rr(as, OPC_MOVSWL | x86_w(is64), d, d);
        } else if (size == MO_32 && sign && is64) {
            x86_rr(as, OPC_MOVSLQ, d, d);
        }
        return;
    }
    switch (size) {
    case MO_8:
        opc = sign ? (OPC_MOVSBL | x86_w(is64)) : OPC_MOVZBL;
        break;
    case MO_16:
        opc = sign ? (OPC_MOVSWL | x86_w(is64)) : OPC_MOVZWL;
        break;
    case MO_32:
        opc = (sign && is64) ? OPC_MOVSLQ : OPC_MOVL_GvEv;
        break;
    default:
        opc = OPC_MOVL_GvEv | x86_w(is64);
        break;
    }
    x86_rm_sib(as, opc, d, base, index, 0, disp);
}

void x86_emit_qemu_ld(X86Gen *g, const TCGOp *op, const X86OpArgs *args)
{
    MemOp mop = get_memop((MemOpIdx)op->args[2]);
    bool is64 = op->type == TCG_TYPE_I64;
    int d = args->o[0], addr = args->i[0];
    int base, index;
    int32_t disp;
    X86SlowPath *sp = x86_guest_addr(g, op, args, addr, &base, &index, &disp);

    x86_ld_access(&g->a, mop, is64, d, base, index, disp);
    if (sp) {
        sp->resume_ofs = (uint32_t)x86_offset(&g->a);
        sp->data_reg = (int8_t)d;
        sp->is64 = is64;
        sp->saved = x86_slow_live(g, d, addr, -1);
    }
}

/* The host store of a qemu_st of val (or, val < 0, the constant c) to
 * [base + index + disp]; tmp: a scratch register for a bswapping store
 * without movbe. */
static void x86_st_access(X86Asm *as, MemOp mop, int val, uint64_t c, int base, int index,
                          int32_t disp, int tmp)
{
    int size = mop & MO_SIZE;
    bool bswap = (mop & MO_BSWAP) && size > MO_8;
    int opc;

    if (val < 0) {
        /* the constraint accepted the (byte-swapped) value as an immediate */
        uint64_t v = bswap ? x86_bswap_const(c, size) : c;
        switch (size) {
        case MO_8:
            x86_rm_sib(as, OPC_MOVB_EbIb, 0, base, index, 0, disp);
            x86_b(as, (uint8_t)v);
            break;
        case MO_16:
            x86_rm_sib(as, OPC_MOVL_EvIz | X86_P66, 0, base, index, 0, disp);
            x86_b(as, (uint8_t)v);
            x86_b(as, (uint8_t)(v >> 8));
            break;
        default:
            x86_rm_sib(as, OPC_MOVL_EvIz | x86_w(size == MO_64), 0, base, index, 0, disp);
            x86_d32(as, (uint32_t)v);
            break;
        }
        return;
    }
    if (bswap && x86_have(X86_FEAT_MOVBE)) {
        opc = OPC_MOVBE_MyGy | (size == MO_16 ? X86_P66 : 0) | x86_w(size == MO_64);
        x86_rm_sib(as, opc, val, base, index, 0, disp);
        return;
    }
    if (bswap) {
        x86_mov_rr(as, size == MO_64, tmp, val);
        x86_bswap_reg(as, size, tmp);
        val = tmp;
    }
    switch (size) {
    case MO_8:
        opc = OPC_MOVB_EbGb;
        break;
    case MO_16:
        opc = OPC_MOVL_EvGv | X86_P66;
        break;
    default:
        opc = OPC_MOVL_EvGv | x86_w(size == MO_64);
        break;
    }
    x86_rm_sib(as, opc, val, base, index, 0, disp);
}

void x86_emit_qemu_st(X86Gen *g, const TCGOp *op, const X86OpArgs *args)
{
    MemOp mop = get_memop((MemOpIdx)op->args[2]);
    int size = mop & MO_SIZE;
    int val = args->i[0], addr = args->i[1];
    bool need_tmp = val >= 0 && (mop & MO_BSWAP) && size > MO_8 && !x86_have(X86_FEAT_MOVBE);
    int base, index;
    int32_t disp;
    X86SlowPath *sp = x86_guest_addr(g, op, args, addr, &base, &index, &disp);
    /* softmmu: t1 is free once the tag compare is done */
    int tmp = !need_tmp ? -1 : g->s->softmmu ? args->t[1] : args->t[0];

    x86_st_access(&g->a, mop, val, (uint64_t)args->c[0], base, index, disp, tmp);
    if (sp) {
        sp->resume_ofs = (uint32_t)x86_offset(&g->a);
        sp->data_reg = (int8_t)val;
        sp->data_const = args->c[0];
        sp->saved = x86_slow_live(g, -1, addr, val);
    }
}

/* Offset from rsp of the saved copy of r in a stub that pushed the
 * registers of saved (x86_slow_saved order) and then pad bytes; -1 when
 * r was not saved. */
static int32_t x86_slow_slot(uint16_t saved, int pad, int r)
{
    int n = __builtin_popcount(saved), pos = 0;

    if (r < 0 || !(saved & X86_REG_BIT(r))) {
        return -1;
    }
    for (int k = 0; k < (int)sizeof(x86_slow_saved); k++) {
        if (x86_slow_saved[k] == r) {
            break;
        }
        if (saved & X86_REG_BIT(x86_slow_saved[k])) {
            pos++;
        }
    }
    return pad + 8 * (n - 1 - pos);
}

/* dst = the value src had at the stub's entry. */
static void x86_slow_arg(X86Asm *as, int dst, int src, uint16_t saved, int pad)
{
    int32_t slot = x86_slow_slot(saved, pad, src);

    if (slot >= 0) {
        x86_rm(as, OPC_MOVL_GvEv | X86_PW, dst, X86_RSP, slot);
    } else if (dst != src) {
        x86_mov_rr(as, true, dst, src);
    }
}

static void x86_emit_slow_path(X86Gen *g, const X86SlowPath *sp)
{
    X86Asm *as = &g->a;
    uintptr_t ret = (uintptr_t)(as->start + sp->ret_ofs);
    uint16_t saved = sp->saved;
    int pad = (__builtin_popcount(saved) & 1) ? 8 : 0; /* rsp 16-aligned at the call */
    unsigned abits = memop_align_bits(get_memop(sp->oi));
    int k;

    for (k = 0; k < (int)sizeof(x86_slow_saved); k++) {
        if (saved & X86_REG_BIT(x86_slow_saved[k])) {
            x86_push(as, x86_slow_saved[k]);
        }
    }
    if (pad) {
        x86_arith_ri(as, ARITH_SUB, true, X86_RSP, pad);
    }
    if (sp->kind == X86_SLOW_ALIGN || abits > 0) {
        uint8_t *skip = NULL;
        x86_slow_arg(as, X86_RSI, sp->addr_reg, saved, pad);
        if (sp->kind != X86_SLOW_ALIGN) {
            /* the TLB compare also fails on a miss: test the alignment */
            x86_rr(as, OPC_TESTB_EbIb | X86_PBYTE_M, 0, X86_RSI);
            x86_b(as, (uint8_t)((1u << abits) - 1));
            x86_b(as, OPC_JCC_short + JCC_E);
            skip = as->ptr;
            x86_b(as, 0);
        }
        x86_mov_rr(as, true, X86_RDI, X86_AREG0);
        x86_movi(as, false, X86_RDX, sp->oi);
        x86_rm_rip(as, OPC_LEA | X86_PW, X86_RCX, ret, 0);
        x86_emit_call(g, (uintptr_t)tcg_unaligned_access);
        if (skip) {
            *skip = (uint8_t)(as->ptr - (skip + 1));
        }
    }
    if (sp->kind == X86_SLOW_LD) {
        x86_slow_arg(as, X86_RSI, sp->addr_reg, saved, pad);
        x86_mov_rr(as, true, X86_RDI, X86_AREG0);
        x86_movi(as, false, X86_RDX, sp->oi);
        x86_rm_rip(as, OPC_LEA | X86_PW, X86_RCX, ret, 0);
        x86_emit_call(g, (uintptr_t)helper_ld_mmu);
        if (!sp->is64) {
            x86_mov_rr(as, false, X86_RAX, X86_RAX); /* i32 values are kept zero-extended */
        }
        int32_t slot = x86_slow_slot(saved, pad, sp->data_reg);
        if (slot >= 0) {
            /* the register is restored below: restore it to the result */
            x86_rm(as, OPC_MOVL_EvGv | X86_PW, X86_RAX, X86_RSP, slot);
        } else if (sp->data_reg != X86_RAX) {
            x86_mov_rr(as, true, sp->data_reg, X86_RAX);
        }
    } else if (sp->kind == X86_SLOW_ST) {
        x86_slow_arg(as, X86_RSI, sp->addr_reg, saved, pad);
        if (sp->data_reg >= 0) {
            x86_slow_arg(as, X86_RDX, sp->data_reg, saved, pad);
        } else {
            x86_movi(as, true, X86_RDX, sp->data_const);
        }
        x86_mov_rr(as, true, X86_RDI, X86_AREG0);
        x86_movi(as, false, X86_RCX, sp->oi);
        x86_rm_rip(as, OPC_LEA | X86_PW, X86_R8, ret, 0);
        x86_emit_call(g, (uintptr_t)helper_st_mmu);
    }
    if (pad) {
        x86_arith_ri(as, ARITH_ADD, true, X86_RSP, pad);
    }
    for (k = (int)sizeof(x86_slow_saved) - 1; k >= 0; k--) {
        if (saved & X86_REG_BIT(x86_slow_saved[k])) {
            x86_pop(as, x86_slow_saved[k]);
        }
    }
    x86_jmp_abs(as, OPC_JMP_long, (uintptr_t)(as->start + sp->resume_ofs));
}

void x86_emit_slow_paths(X86Gen *g)
{
    X86Asm *as = &g->a;

    for (int i = 0; i < g->nb_slow; i++) {
        X86SlowPath *sp = &g->slow[i];
        uint8_t *field = as->start + sp->jcc_ofs;
        int32_t rel;

        x86_asm_need(g, 256);
        rel = (int32_t)(as->ptr - (field + 4));
        memcpy(field, &rel, 4);
        x86_emit_slow_path(g, sp);
    }
}
