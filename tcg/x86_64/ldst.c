/*
 * Guest memory accesses (qemu_ld / qemu_st) for the x86-64 host backend.
 *
 * linux-user: the host address is the guest address plus guest_base, so an
 * access is one host instruction: [addr] when guest_base is 0,
 * [addr + disp32] when it fits, else [addr + r14] (the prologue puts
 * guest_base in r14). x86_guest_addr() is the one place that turns a guest
 * address register into a host memory operand; a softmmu TLB fast path
 * (tag compare against the per-mmu-idx table in env, host addend, branch
 * to a slow path on a miss) slots in there, and its slow paths join the
 * X86SlowPath list that is emitted after the block.
 *
 * MO_ALIGN and MO_AMASK (an alignment independent of the access size, see
 * memop_align_bits): a test of the low address bits branches to an out-of-line
 * stub that calls tcg_unaligned_access(env, addr, oi, retaddr) with every
 * call-clobbered register saved, so that when the helper returns (targets
 * without alignment faults) the access proceeds with all values intact.
 * When it raises the fault it never returns, and the globals are in env
 * already (liveness syncs them before every qemu_ld/st).
 *
 * MO_BSWAP uses movbe when the host has it, else a load/store and bswap.
 */
#include "x86-internal.h"

/* Host memory operand of the guest address in register addr. */
static void x86_guest_addr(X86Gen *g, int addr, int *base, int *index, int32_t *disp)
{
    uintptr_t gb = g->s->guest_base;

    *base = addr;
    *index = -1;
    *disp = 0;
    if (gb == 0) {
        return;
    }
    if (!g->guest_base_in_reg) {
        *disp = (int32_t)gb;
    } else {
        *index = X86_GUEST_BASE_REG;
    }
}

void x86_ldst_constraints(X86Gen *g, const TCGOp *op, X86OpCt *ct)
{
    MemOp mop = get_memop((MemOpIdx)op->args[2]);
    int size = mop & MO_SIZE;
    int64_t v;

    /* user mode: nothing is called on the fast path, so no clobbers; the
     * globals must be in env before the access may fault */
    ct->sync_globals = true;
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
    if ((mop & MO_BSWAP) && size > MO_8 && !x86_have(X86_FEAT_MOVBE)) {
        ct->nb_scratch = 1;
    }
}

/* Branch to a slow path that reports a misaligned access. */
static void x86_align_check(X86Gen *g, int addr, MemOpIdx oi)
{
    X86Asm *as = &g->a;
    unsigned bits = memop_align_bits(get_memop(oi));
    X86SlowPath *sp;

    if (bits == 0) {
        return;
    }
    /* bits <= 6: the mask fits the test's imm8 */
    x86_rr(as, OPC_TESTB_EbIb | X86_PBYTE_M, 0, addr);
    x86_b(as, (uint8_t)((1u << bits) - 1));
    x86_b(as, 0x0f);
    x86_b(as, 0x80 + JCC_NE);
    sp = &g->slow[g->nb_slow++];
    sp->jcc_ofs = (uint32_t)x86_offset(as);
    x86_d32(as, 0);
    sp->ret_ofs = (uint32_t)x86_offset(as);
    sp->oi = oi;
    sp->addr_reg = (int8_t)addr;
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

void x86_emit_qemu_ld(X86Gen *g, const TCGOp *op, const X86OpArgs *args)
{
    X86Asm *as = &g->a;
    MemOpIdx oi = (MemOpIdx)op->args[2];
    MemOp mop = get_memop(oi);
    int size = mop & MO_SIZE;
    bool sign = (mop & MO_SIGN) != 0;
    bool bswap = (mop & MO_BSWAP) && size > MO_8;
    bool is64 = op->type == TCG_TYPE_I64;
    int d = args->o[0], addr = args->i[0];
    int base, index, opc;
    int32_t disp;

    x86_align_check(g, addr, oi);
    x86_guest_addr(g, addr, &base, &index, &disp);

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

void x86_emit_qemu_st(X86Gen *g, const TCGOp *op, const X86OpArgs *args)
{
    X86Asm *as = &g->a;
    MemOpIdx oi = (MemOpIdx)op->args[2];
    MemOp mop = get_memop(oi);
    int size = mop & MO_SIZE;
    bool bswap = (mop & MO_BSWAP) && size > MO_8;
    int val = args->i[0], addr = args->i[1];
    int base, index, opc;
    int32_t disp;

    x86_align_check(g, addr, oi);
    x86_guest_addr(g, addr, &base, &index, &disp);

    if (val < 0) {
        /* the constraint accepted the (already byte-swapped) value */
        uint64_t v = (uint64_t)args->c[0];
        if (bswap) {
            v = x86_bswap_const(v, size);
        }
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
        int t = args->t[0];
        x86_mov_rr(as, size == MO_64, t, val);
        x86_bswap_reg(as, size, t);
        val = t;
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

/* Registers saved around the helper call in an alignment slow path. */
static const int8_t x86_slow_saved[] = { X86_RAX, X86_RCX, X86_RDX, X86_RSI, X86_RDI,
                                         X86_R8,  X86_R9,  X86_R10, X86_R11 };

void x86_emit_slow_paths(X86Gen *g)
{
    X86Asm *as = &g->a;
    int i, k;

    for (i = 0; i < g->nb_slow; i++) {
        X86SlowPath *sp = &g->slow[i];
        uint8_t *field = as->start + sp->jcc_ofs;
        int32_t rel;

        x86_asm_need(g, 96);
        rel = (int32_t)(as->ptr - (field + 4));
        memcpy(field, &rel, 4);

        for (k = 0; k < (int)sizeof(x86_slow_saved); k++) {
            x86_push(as, x86_slow_saved[k]);
        }
        /* 9 pushes: re-align rsp to 16 for the call */
        x86_arith_ri(as, ARITH_SUB, true, X86_RSP, 8);
        if (sp->addr_reg != X86_RSI) {
            x86_mov_rr(as, true, X86_RSI, sp->addr_reg);
        }
        x86_mov_rr(as, true, X86_RDI, X86_AREG0);
        x86_movi(as, false, X86_RDX, sp->oi);
        x86_rm_rip(as, OPC_LEA | X86_PW, X86_RCX, (uintptr_t)(as->start + sp->ret_ofs), 0);
        x86_emit_call(g, (uintptr_t)tcg_unaligned_access);
        x86_arith_ri(as, ARITH_ADD, true, X86_RSP, 8);
        for (k = (int)sizeof(x86_slow_saved) - 1; k >= 0; k--) {
            x86_pop(as, x86_slow_saved[k]);
        }
        x86_jmp_abs(as, OPC_JMP_long, (uintptr_t)(as->start + sp->ret_ofs));
    }
}
