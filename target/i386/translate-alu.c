/*
 * Emitters for the integer data insns: ALU ops, INC/DEC/NEG/NOT,
 * multiply/divide, shifts and rotates, bit tests and scans, exchanges
 * (XCHG/XADD/CMPXCHG/CMPXCHG8B/16B), MOV forms and sign extensions.
 *
 * One emitter serves every operand size (d->ot). LOCK-prefixed
 * read-modify-write insns are atomic on the host (helper_atomic_*) only
 * when other guest threads may run (CF_PARALLEL); otherwise they are
 * plain load/op/store. The condition codes are written after the last
 * access that may fault.
 */
#include "translate-internal.h"

enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };

static bool use_atomic(DisasContext *s, X86DecodedInsn *d)
{
    return (d->prefixes & PREFIX_LOCK) && d->mod != 3 && disas_parallel(s);
}

static void gen_atomic_rmw(DisasContext *s, TCGv_i64 old, TCGv_i64 val, int op, MemOp ot)
{
    tcg_gen_call(helper_atomic_rmw, 0, tcgv64(old), tcgvp(tcg_ctx->env), tcgv64(s->A0),
                 tcgv64(val), tcgv32(tcg_constant_i32(op | (ot << 8))));
}

/* the ALU flags of op on T0 (first operand), T1 (second), res */
static void gen_alu_flags(DisasContext *s, int op, MemOp ot, TCGv_i64 res, TCGv_i64 carry)
{
    switch (op) {
    case ALU_ADD:
        tcg_gen_mov_i64(cpu_cc_src, s->T1);
        tcg_gen_mov_i64(cpu_cc_dst, res);
        gen_set_cc_op(s, CC_OP_ADDB + ot);
        break;
    case ALU_ADC:
    case ALU_SBB:
        tcg_gen_mov_i64(cpu_cc_src, s->T1);
        tcg_gen_mov_i64(cpu_cc_src2, carry);
        tcg_gen_mov_i64(cpu_cc_dst, res);
        gen_set_cc_op(s, (op == ALU_ADC ? CC_OP_ADCB : CC_OP_SBBB) + ot);
        break;
    case ALU_SUB:
    case ALU_CMP:
        tcg_gen_mov_i64(s->cc_srcT, s->T0);
        tcg_gen_mov_i64(cpu_cc_src, s->T1);
        tcg_gen_mov_i64(cpu_cc_dst, res);
        gen_set_cc_op(s, CC_OP_SUBB + ot);
        break;
    default:
        tcg_gen_mov_i64(cpu_cc_dst, res);
        gen_set_cc_op(s, CC_OP_LOGICB + ot);
        break;
    }
}

static void gen_alu_compute(int op, MemOp ot, TCGv_i64 res, TCGv_i64 a, TCGv_i64 b,
                            TCGv_i64 carry)
{
    switch (op) {
    case ALU_ADD:
        tcg_gen_add_i64(res, a, b);
        break;
    case ALU_ADC:
        tcg_gen_add_i64(res, a, b);
        tcg_gen_add_i64(res, res, carry);
        break;
    case ALU_SBB:
        tcg_gen_sub_i64(res, a, b);
        tcg_gen_sub_i64(res, res, carry);
        break;
    case ALU_SUB:
    case ALU_CMP:
        tcg_gen_sub_i64(res, a, b);
        break;
    case ALU_AND:
        tcg_gen_and_i64(res, a, b);
        break;
    case ALU_OR:
        tcg_gen_or_i64(res, a, b);
        break;
    case ALU_XOR:
        tcg_gen_xor_i64(res, a, b);
        break;
    }
    gen_ext(ot, res, res, false);
}

/*
 * op on a destination (the r/m operand when reg < 0, else register reg)
 * and the source in T1 (zero-extended from ot).
 */
static void gen_alu(DisasContext *s, X86DecodedInsn *d, int op, MemOp ot, int reg)
{
    bool mem = reg < 0 && d->mod != 3;
    TCGv_i64 res = tcg_temp_new_i64();
    TCGv_i64 carry = NULL;

    if (op == ALU_ADC || op == ALU_SBB) {
        carry = tcg_temp_new_i64();
        gen_compute_cf(s, carry);
    }
    if (mem) {
        gen_lea_modrm(s, d);
    }
    if (mem && op != ALU_CMP && use_atomic(s, d)) {
        static const int8_t aop[8] = { X86_ATOMIC_ADD, X86_ATOMIC_OR, X86_ATOMIC_ADD,
                                       X86_ATOMIC_ADD, X86_ATOMIC_AND, X86_ATOMIC_ADD,
                                       X86_ATOMIC_XOR, -1 };
        TCGv_i64 v = tcg_temp_new_i64();
        if (op == ALU_ADC) {
            tcg_gen_add_i64(v, s->T1, carry);
        } else if (op == ALU_SBB) {
            tcg_gen_add_i64(v, s->T1, carry);
            tcg_gen_neg_i64(v, v);
        } else if (op == ALU_SUB) {
            tcg_gen_neg_i64(v, s->T1);
        } else {
            tcg_gen_mov_i64(v, s->T1);
        }
        gen_atomic_rmw(s, s->T0, v, aop[op], ot);
        tcg_temp_free_i64(v);
        gen_alu_compute(op, ot, res, s->T0, s->T1, carry);
    } else {
        if (reg >= 0) {
            gen_op_mov_v_reg(s, ot, s->T0, reg);
        } else if (mem) {
            gen_op_ld_v(s, ot, s->T0, s->A0);
        } else {
            gen_op_mov_v_reg(s, ot, s->T0, d->rm);
        }
        gen_alu_compute(op, ot, res, s->T0, s->T1, carry);
        if (op != ALU_CMP) {
            if (reg >= 0) {
                gen_op_mov_reg_v(s, ot, reg, res);
            } else {
                gen_st_modrm(s, d, ot, res);
            }
        }
    }
    gen_alu_flags(s, op, ot, res, carry);
    tcg_temp_free_i64(res);
    if (carry) {
        tcg_temp_free_i64(carry);
    }
}

void gen_op_alu(DisasContext *s, X86DecodedInsn *d)
{
    int op = d->e->arg;
    MemOp ot = d->ot;

    switch (d->b & 7) {
    case 0:
    case 1: /* Ev, Gv */
        gen_op_mov_v_reg(s, ot, s->T1, d->reg);
        gen_alu(s, d, op, ot, -1);
        break;
    case 2:
    case 3: /* Gv, Ev */
        gen_ld_modrm(s, d, ot, s->T1);
        gen_alu(s, d, op, ot, d->reg);
        break;
    default: /* AL/rAX, imm */
        gen_load_imm(s, d, ot, s->T1);
        gen_alu(s, d, op, ot, R_EAX);
        break;
    }
}

void gen_op_alu_grp1(DisasContext *s, X86DecodedInsn *d)
{
    gen_load_imm(s, d, d->ot, s->T1);
    gen_alu(s, d, (d->modrm >> 3) & 7, d->ot, -1);
}

void gen_op_test(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = d->ot;

    if (d->e->arg) { /* A8/A9: accumulator, imm */
        gen_op_mov_v_reg(s, ot, s->T0, R_EAX);
        gen_load_imm(s, d, ot, s->T1);
    } else {
        gen_ld_modrm(s, d, ot, s->T0);
        gen_op_mov_v_reg(s, ot, s->T1, d->reg);
    }
    tcg_gen_and_i64(cpu_cc_dst, s->T0, s->T1);
    gen_set_cc_op(s, CC_OP_LOGICB + ot);
}

/* INC/DEC of the r/m operand (reg < 0) or of register reg */
static void gen_incdec(DisasContext *s, X86DecodedInsn *d, MemOp ot, int reg, bool dec)
{
    TCGv_i64 cf = tcg_temp_new_i64();
    bool mem = reg < 0 && d->mod != 3;

    gen_compute_cf(s, cf);
    if (mem) {
        gen_lea_modrm(s, d);
    }
    if (mem && use_atomic(s, d)) {
        gen_atomic_rmw(s, s->T0, tcg_constant_i64(dec ? -1 : 1), X86_ATOMIC_ADD, ot);
        tcg_gen_addi_i64(s->T0, s->T0, dec ? -1 : 1);
        gen_ext(ot, s->T0, s->T0, false);
    } else {
        if (reg >= 0) {
            gen_op_mov_v_reg(s, ot, s->T0, reg);
        } else {
            gen_ld_modrm(s, d, ot, s->T0);
        }
        tcg_gen_addi_i64(s->T0, s->T0, dec ? -1 : 1);
        gen_ext(ot, s->T0, s->T0, false);
        if (reg >= 0) {
            gen_op_mov_reg_v(s, ot, reg, s->T0);
        } else {
            gen_st_modrm(s, d, ot, s->T0);
        }
    }
    tcg_gen_mov_i64(cpu_cc_src, cf);
    tcg_gen_mov_i64(cpu_cc_dst, s->T0);
    gen_set_cc_op(s, (dec ? CC_OP_DECB : CC_OP_INCB) + ot);
    tcg_temp_free_i64(cf);
}

void gen_op_incdec_r(DisasContext *s, X86DecodedInsn *d)
{
    gen_incdec(s, d, d->dflag, d->b & 7, d->e->arg);
}

void gen_op_grp4(DisasContext *s, X86DecodedInsn *d)
{
    int op = (d->modrm >> 3) & 7;

    if (op > 1) {
        gen_illegal_opcode(s);
        return;
    }
    gen_incdec(s, d, d->ot, -1, op == 1);
}

/* signed truncating multiply T0 * T1 (both zero-extended from ot) into
 * T0 with the IMUL flags */
static void gen_imul_trunc(DisasContext *s, MemOp ot)
{
    if (ot == MO_64) {
        TCGv_i64 hi = tcg_temp_new_i64();
        tcg_gen_muls2_i64(s->T0, hi, s->T0, s->T1);
        tcg_gen_sari_i64(s->tmp0, s->T0, 63);
        tcg_gen_sub_i64(cpu_cc_src, hi, s->tmp0);
        tcg_temp_free_i64(hi);
    } else {
        gen_ext(ot, s->T0, s->T0, true);
        gen_ext(ot, s->T1, s->T1, true);
        tcg_gen_mul_i64(s->T0, s->T0, s->T1);
        gen_ext(ot, s->tmp0, s->T0, true);
        tcg_gen_sub_i64(cpu_cc_src, s->T0, s->tmp0);
        gen_ext(ot, s->T0, s->T0, false);
    }
    tcg_gen_mov_i64(cpu_cc_dst, s->T0);
    gen_set_cc_op(s, CC_OP_MULB + ot);
}

void gen_op_imul3(DisasContext *s, X86DecodedInsn *d)
{
    gen_ld_modrm(s, d, d->ot, s->T0);
    gen_load_imm(s, d, d->ot, s->T1);
    gen_imul_trunc(s, d->ot);
    gen_op_mov_reg_v(s, d->ot, d->reg, s->T0);
}

void gen_op_imul2(DisasContext *s, X86DecodedInsn *d)
{
    gen_ld_modrm(s, d, d->ot, s->T1);
    gen_op_mov_v_reg(s, d->ot, s->T0, d->reg);
    gen_imul_trunc(s, d->ot);
    gen_op_mov_reg_v(s, d->ot, d->reg, s->T0);
}

/* one-operand MUL/IMUL: rDX:rAX (AX for bytes) = rAX * T1 */
static void gen_mul_acc(DisasContext *s, MemOp ot, bool sign)
{
    gen_op_mov_v_reg(s, ot, s->T0, R_EAX);
    if (ot == MO_64) {
        TCGv_i64 hi = tcg_temp_new_i64();
        if (sign) {
            tcg_gen_muls2_i64(s->T0, hi, s->T0, s->T1);
            tcg_gen_sari_i64(s->tmp0, s->T0, 63);
            tcg_gen_sub_i64(cpu_cc_src, hi, s->tmp0);
        } else {
            tcg_gen_mulu2_i64(s->T0, hi, s->T0, s->T1);
            tcg_gen_mov_i64(cpu_cc_src, hi);
        }
        tcg_gen_mov_i64(cpu_regs[R_EAX], s->T0);
        tcg_gen_mov_i64(cpu_regs[R_EDX], hi);
        tcg_gen_mov_i64(cpu_cc_dst, s->T0);
        tcg_temp_free_i64(hi);
        gen_set_cc_op(s, CC_OP_MULQ);
        return;
    }
    int bits = 8 << ot;
    if (sign) {
        gen_ext(ot, s->T0, s->T0, true);
        gen_ext(ot, s->T1, s->T1, true);
    }
    tcg_gen_mul_i64(s->T0, s->T0, s->T1);
    if (sign) {
        gen_ext(ot, s->tmp0, s->T0, true);
        tcg_gen_sub_i64(cpu_cc_src, s->T0, s->tmp0);
    } else {
        tcg_gen_shri_i64(cpu_cc_src, s->T0, bits);
    }
    if (ot == MO_8) {
        gen_op_mov_reg_v(s, MO_16, R_EAX, s->T0);
    } else {
        gen_op_mov_reg_v(s, ot, R_EAX, s->T0);
        tcg_gen_shri_i64(s->tmp0, s->T0, bits);
        gen_op_mov_reg_v(s, ot, R_EDX, s->tmp0);
    }
    gen_ext(ot, cpu_cc_dst, s->T0, false);
    gen_set_cc_op(s, CC_OP_MULB + ot);
}

void gen_op_grp3(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = d->ot;
    int op = (d->modrm >> 3) & 7;

    switch (op) {
    case 0:
    case 1: /* TEST r/m, imm */
        gen_ld_modrm(s, d, ot, s->T0);
        gen_load_imm(s, d, ot, s->T1);
        tcg_gen_and_i64(cpu_cc_dst, s->T0, s->T1);
        gen_set_cc_op(s, CC_OP_LOGICB + ot);
        break;
    case 2: /* NOT */
        if (use_atomic(s, d)) {
            gen_lea_modrm(s, d);
            gen_atomic_rmw(s, s->T0, tcg_constant_i64(-1), X86_ATOMIC_XOR, ot);
        } else {
            gen_ld_modrm(s, d, ot, s->T0);
            tcg_gen_not_i64(s->T0, s->T0);
            gen_st_modrm(s, d, ot, s->T0);
        }
        break;
    case 3: /* NEG */
        if (use_atomic(s, d)) {
            /* compare-and-swap loop: NEG has no fetch-op form */
            TCGLabel *retry = gen_new_label();
            gen_lea_modrm(s, d);
            gen_set_label(retry);
            gen_op_ld_v(s, ot, s->T0, s->A0);
            tcg_gen_neg_i64(s->T1, s->T0);
            gen_ext(ot, s->T1, s->T1, false);
            tcg_gen_call(helper_atomic_cmpxchg, 0, tcgv64(s->tmp1), tcgvp(tcg_ctx->env),
                         tcgv64(s->A0), tcgv64(s->T0), tcgv64(s->T1),
                         tcgv32(tcg_constant_i32(ot)));
            tcg_gen_brcond_i64(TCG_COND_NE, s->tmp1, s->T0, retry);
        } else {
            gen_ld_modrm(s, d, ot, s->T0);
            tcg_gen_neg_i64(s->T1, s->T0);
            gen_ext(ot, s->T1, s->T1, false);
            gen_st_modrm(s, d, ot, s->T1);
        }
        /* flags of 0 - src */
        tcg_gen_movi_i64(s->cc_srcT, 0);
        tcg_gen_mov_i64(cpu_cc_src, s->T0);
        tcg_gen_mov_i64(cpu_cc_dst, s->T1);
        gen_set_cc_op(s, CC_OP_SUBB + ot);
        break;
    case 4:
    case 5:
        gen_ld_modrm(s, d, ot, s->T1);
        gen_mul_acc(s, ot, op == 5);
        break;
    case 6:
    case 7:
        gen_ld_modrm(s, d, ot, s->T1);
        tcg_gen_call(op == 6 ? helper_div : helper_idiv, 0, NULL, tcgvp(tcg_ctx->env),
                     tcgv64(s->T1), tcgv32(tcg_constant_i32(ot)));
        break;
    }
}

/* ---------------------------------------------------------------------- */
/* Shifts and rotates                                                       */

/* cc_dst/cc_src/cc_op take the new values only when count != 0 */
static void gen_shift_flags_var(DisasContext *s, TCGv_i64 count, TCGv_i64 dst, TCGv_i64 src,
                                CCOp op)
{
    TCGv_i32 c32 = tcg_temp_new_i32();
    TCGv_i64 zero = tcg_constant_i64(0);

    gen_update_cc_op(s);
    tcg_gen_movcond_i64(TCG_COND_NE, cpu_cc_dst, count, zero, dst, cpu_cc_dst);
    tcg_gen_movcond_i64(TCG_COND_NE, cpu_cc_src, count, zero, src, cpu_cc_src);
    tcg_gen_extrl_i64_i32(c32, count);
    tcg_gen_movcond_i32(TCG_COND_NE, cpu_cc_op, c32, tcg_constant_i32(0), tcg_constant_i32(op),
                        cpu_cc_op);
    tcg_temp_free_i32(c32);
    gen_set_cc_op(s, CC_OP_DYNAMIC);
}

/* SHL/SHR/SAR of T0 by count (constant c, or the variable T1 if c < 0) */
static void gen_shift(DisasContext *s, X86DecodedInsn *d, MemOp ot, int op, int c)
{
    TCGv_i64 res = tcg_temp_new_i64();
    TCGv_i64 src = tcg_temp_new_i64();
    TCGv_i64 cm1 = tcg_temp_new_i64();
    bool right = op == 5 || op == 7;

    if (op == 7) {
        gen_ext(ot, s->T0, s->T0, true);
    }
    if (c >= 0) {
        switch (op) {
        case 5:
            tcg_gen_shri_i64(res, s->T0, c);
            tcg_gen_shri_i64(src, s->T0, c - 1);
            break;
        case 7:
            tcg_gen_sari_i64(res, s->T0, c);
            tcg_gen_sari_i64(src, s->T0, c - 1);
            break;
        default:
            tcg_gen_shli_i64(res, s->T0, c);
            tcg_gen_shli_i64(src, s->T0, c - 1);
            break;
        }
    } else {
        tcg_gen_subi_i64(cm1, s->T1, 1);
        tcg_gen_andi_i64(cm1, cm1, 63);
        switch (op) {
        case 5:
            tcg_gen_shr_i64(res, s->T0, s->T1);
            tcg_gen_shr_i64(src, s->T0, cm1);
            break;
        case 7:
            tcg_gen_sar_i64(res, s->T0, s->T1);
            tcg_gen_sar_i64(src, s->T0, cm1);
            break;
        default:
            tcg_gen_shl_i64(res, s->T0, s->T1);
            tcg_gen_shl_i64(src, s->T0, cm1);
            break;
        }
    }
    gen_ext(ot, res, res, false);
    gen_ext(ot, src, src, false);
    gen_st_modrm(s, d, ot, res);
    CCOp ccop = (right ? CC_OP_SARB : CC_OP_SHLB) + ot;
    if (c >= 0) {
        tcg_gen_mov_i64(cpu_cc_dst, res);
        tcg_gen_mov_i64(cpu_cc_src, src);
        gen_set_cc_op(s, ccop);
    } else {
        gen_shift_flags_var(s, s->T1, res, src, ccop);
    }
    tcg_temp_free_i64(res);
    tcg_temp_free_i64(src);
    tcg_temp_free_i64(cm1);
}

/* ROL/ROR: CF and OF change, the other flags stay */
static void gen_rot(DisasContext *s, X86DecodedInsn *d, MemOp ot, bool right, TCGv_i64 count,
                    bool var)
{
    TCGv_i64 res = tcg_temp_new_i64();
    TCGv_i64 flags = tcg_temp_new_i64();
    TCGv_i64 nf = tcg_temp_new_i64();
    int bits = 8 << ot;
    CCOp old = s->cc_op;
    /* an immediate count after a statically known op: keep that op's
     * other flags lazy and give CF/OF in cc_src2 (CC_OP_CO) */
    bool inner_ok = old >= CC_OP_ADDB && old <= CC_OP_MULQ &&
                    !(old >= CC_OP_ADCB && old <= CC_OP_ADCQ) &&
                    !(old >= CC_OP_SBBB && old <= CC_OP_SBBQ);
    bool lazy = !var && (cc_op_is_co(old) || inner_ok);

    if (!lazy) {
        gen_compute_eflags(s, flags);
    }
    if (ot == MO_64) {
        right ? tcg_gen_rotr_i64(res, s->T0, count) : tcg_gen_rotl_i64(res, s->T0, count);
    } else {
        TCGv_i32 v = tcg_temp_new_i32();
        TCGv_i32 c = tcg_temp_new_i32();
        tcg_gen_mov_i64(res, s->T0);
        /* replicate 8/16-bit values so a 32-bit rotation is right */
        if (ot == MO_8) {
            tcg_gen_muli_i64(res, res, 0x01010101);
        } else if (ot == MO_16) {
            tcg_gen_muli_i64(res, res, 0x00010001);
        }
        tcg_gen_extrl_i64_i32(v, res);
        tcg_gen_extrl_i64_i32(c, count);
        right ? tcg_gen_rotr_i32(v, v, c) : tcg_gen_rotl_i32(v, v, c);
        tcg_gen_extu_i32_i64(res, v);
        gen_ext(ot, res, res, false);
        tcg_temp_free_i32(v);
        tcg_temp_free_i32(c);
    }
    gen_st_modrm(s, d, ot, res);

    /* CF and OF from the result */
    if (right) {
        tcg_gen_extract_i64(nf, res, bits - 1, 1);      /* CF = msb */
        tcg_gen_extract_i64(s->tmp0, res, bits - 2, 1); /* OF = msb ^ msb-1 */
    } else {
        tcg_gen_andi_i64(nf, res, 1);                   /* CF = lsb */
        tcg_gen_extract_i64(s->tmp0, res, bits - 1, 1); /* OF = msb ^ CF */
    }
    tcg_gen_xor_i64(s->tmp0, s->tmp0, nf);
    tcg_gen_shli_i64(s->tmp0, s->tmp0, 11);
    if (lazy) {
        tcg_gen_or_i64(cpu_cc_src2, nf, s->tmp0);
        gen_set_cc_op(s, cc_op_is_co(old) ? old : CC_OP_CO + (old - CC_OP_ADDB));
        tcg_temp_free_i64(res);
        tcg_temp_free_i64(flags);
        tcg_temp_free_i64(nf);
        return;
    }
    tcg_gen_or_i64(nf, nf, s->tmp0);
    tcg_gen_andi_i64(s->tmp0, flags, ~(int64_t)(CC_C | CC_O));
    tcg_gen_or_i64(nf, nf, s->tmp0);
    if (var) {
        tcg_gen_movcond_i64(TCG_COND_NE, nf, count, tcg_constant_i64(0), nf, flags);
    }
    gen_update_cc_eflags(s, nf);
    tcg_temp_free_i64(res);
    tcg_temp_free_i64(flags);
    tcg_temp_free_i64(nf);
}

static void gen_rotc(DisasContext *s, X86DecodedInsn *d, MemOp ot, bool right, TCGv_i64 count)
{
    TCGv_i64 flags = tcg_temp_new_i64();
    TCGv_i64 res = tcg_temp_new_i64();
    uint32_t desc = ot | (right ? X86_SH_RIGHT : 0);

    gen_compute_eflags(s, flags);
    tcg_gen_call(helper_rotc, TCG_CALL_NO_RWG_SE, tcgv64(res), tcgv64(s->T0), tcgv64(count),
                 tcgv64(flags), tcgv32(tcg_constant_i32(desc)));
    gen_st_modrm(s, d, ot, res);
    tcg_gen_call(helper_rotc, TCG_CALL_NO_RWG_SE, tcgv64(flags), tcgv64(s->T0), tcgv64(count),
                 tcgv64(flags), tcgv32(tcg_constant_i32(desc | X86_SH_FLAGS)));
    gen_update_cc_eflags(s, flags);
    tcg_temp_free_i64(flags);
    tcg_temp_free_i64(res);
}

/*
 * A shift or rotate by an immediate count of 0 changes nothing, but a
 * 32-bit register destination is still written (its high half cleared),
 * as hardware does. T0 holds the loaded operand.
 */
static void gen_zero_count_writeback(DisasContext *s, X86DecodedInsn *d, MemOp ot)
{
    if (d->mod == 3 && ot == MO_32) {
        gen_op_mov_reg_v(s, ot, d->rm, s->T0);
    }
}

void gen_op_shift_grp2(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = d->ot;
    int op = (d->modrm >> 3) & 7;
    int mask = ot == MO_64 ? 63 : 31;
    int c = -1;

    gen_ld_modrm(s, d, ot, s->T0);
    if (d->e->arg == 1) {
        tcg_gen_andi_i64(s->T1, cpu_regs[R_ECX], mask);
    } else {
        c = (d->e->arg == 0 ? 1 : (int)d->imm) & mask;
        if (c == 0) {
            gen_zero_count_writeback(s, d, ot);
            return; /* no change, not even to the flags */
        }
        tcg_gen_movi_i64(s->T1, c);
    }
    switch (op) {
    case 0:
    case 1:
        gen_rot(s, d, ot, op == 1, s->T1, c < 0);
        break;
    case 2:
    case 3:
        gen_rotc(s, d, ot, op == 3, s->T1);
        break;
    default:
        gen_shift(s, d, ot, op == 6 ? 4 : op, c);
        break;
    }
}

static void gen_shxd(DisasContext *s, X86DecodedInsn *d, bool right)
{
    MemOp ot = d->ot;
    int mask = ot == MO_64 ? 63 : 31;
    TCGv_i64 flags = tcg_temp_new_i64();
    TCGv_i64 res = tcg_temp_new_i64();
    uint32_t desc = ot | (right ? X86_SH_RIGHT : 0);

    gen_ld_modrm(s, d, ot, s->T0);
    gen_op_mov_v_reg(s, ot, s->T1, d->reg);
    if (d->e->arg == 1) {
        tcg_gen_andi_i64(s->tmp1, cpu_regs[R_ECX], mask);
    } else {
        if ((d->imm & mask) == 0) {
            gen_zero_count_writeback(s, d, ot);
            tcg_temp_free_i64(flags);
            tcg_temp_free_i64(res);
            return;
        }
        tcg_gen_movi_i64(s->tmp1, d->imm & mask);
    }
    gen_compute_eflags(s, flags);
    tcg_gen_call(helper_shxd, TCG_CALL_NO_RWG_SE, tcgv64(res), tcgv64(s->T0), tcgv64(s->T1),
                 tcgv64(s->tmp1), tcgv64(flags), tcgv32(tcg_constant_i32(desc)));
    gen_st_modrm(s, d, ot, res);
    tcg_gen_call(helper_shxd, TCG_CALL_NO_RWG_SE, tcgv64(flags), tcgv64(s->T0), tcgv64(s->T1),
                 tcgv64(s->tmp1), tcgv64(flags), tcgv32(tcg_constant_i32(desc | X86_SH_FLAGS)));
    gen_update_cc_eflags(s, flags);
    tcg_temp_free_i64(flags);
    tcg_temp_free_i64(res);
}

void gen_op_shld(DisasContext *s, X86DecodedInsn *d)
{
    gen_shxd(s, d, false);
}

void gen_op_shrd(DisasContext *s, X86DecodedInsn *d)
{
    gen_shxd(s, d, true);
}

/* ---------------------------------------------------------------------- */
/* Bit tests and scans                                                      */

/* op: 0 BT, 1 BTS, 2 BTR, 3 BTC; the bit offset is in T1 (imm: constant) */
static void gen_bt_common(DisasContext *s, X86DecodedInsn *d, int op, bool imm)
{
    MemOp ot = d->ot;
    int bits = 8 << ot;
    TCGv_i64 flags = tcg_temp_new_i64();
    TCGv_i64 mask = tcg_temp_new_i64();
    TCGv_i64 pos = tcg_temp_new_i64();

    /* ZF is kept, inline from the lazy flags when cc_op is known */
    gen_setcc(s, 2 << 1, flags);
    tcg_gen_shli_i64(flags, flags, 6); /* CC_Z */
    if (d->mod != 3) {
        gen_lea_modrm(s, d);
        if (!imm) {
            /* the register offset is signed and addresses beyond the operand */
            gen_ext(ot, s->tmp0, s->T1, true);
            tcg_gen_sari_i64(s->tmp0, s->tmp0, 3 + ot);
            tcg_gen_shli_i64(s->tmp0, s->tmp0, ot);
            tcg_gen_add_i64(s->A0, s->A0, s->tmp0);
            if (!s->code64) {
                tcg_gen_ext32u_i64(s->A0, s->A0);
            }
        }
    }
    tcg_gen_andi_i64(pos, s->T1, bits - 1);
    tcg_gen_shl_i64(mask, tcg_constant_i64(1), pos);
    if (op != 0 && use_atomic(s, d)) {
        static const int aop[4] = { 0, X86_ATOMIC_OR, X86_ATOMIC_AND, X86_ATOMIC_XOR };
        if (op == 2) {
            tcg_gen_not_i64(s->tmp0, mask);
            gen_atomic_rmw(s, s->T0, s->tmp0, aop[op], ot);
        } else {
            gen_atomic_rmw(s, s->T0, mask, aop[op], ot);
        }
    } else {
        if (d->mod != 3) {
            gen_op_ld_v(s, ot, s->T0, s->A0);
        } else {
            gen_op_mov_v_reg(s, ot, s->T0, d->rm);
        }
        if (op != 0) {
            TCGv_i64 nv = tcg_temp_new_i64();
            if (op == 1) {
                tcg_gen_or_i64(nv, s->T0, mask);
            } else if (op == 2) {
                tcg_gen_andc_i64(nv, s->T0, mask);
            } else {
                tcg_gen_xor_i64(nv, s->T0, mask);
            }
            gen_st_modrm(s, d, ot, nv);
            tcg_temp_free_i64(nv);
        }
    }
    /* CF = the bit; ZF stays (Intel); the rest are undefined: cleared,
     * so that no helper has to compute them */
    tcg_gen_shr_i64(s->tmp0, s->T0, pos);
    tcg_gen_andi_i64(s->tmp0, s->tmp0, 1);
    tcg_gen_or_i64(flags, flags, s->tmp0);
    gen_update_cc_eflags(s, flags);
    tcg_temp_free_i64(flags);
    tcg_temp_free_i64(mask);
    tcg_temp_free_i64(pos);
}

void gen_op_bt(DisasContext *s, X86DecodedInsn *d)
{
    int op = 0;

    switch (d->e->op) {
    case OP_BTS:
        op = 1;
        break;
    case OP_BTR:
        op = 2;
        break;
    case OP_BTC:
        op = 3;
        break;
    }
    gen_op_mov_v_reg(s, d->ot, s->T1, d->reg);
    gen_bt_common(s, d, op, false);
}

void gen_op_bt_grp8(DisasContext *s, X86DecodedInsn *d)
{
    int op = (d->modrm >> 3) & 7;

    if (op < 4) {
        gen_illegal_opcode(s);
        return;
    }
    tcg_gen_movi_i64(s->T1, d->imm & ((8 << d->ot) - 1));
    gen_bt_common(s, d, op - 4, true);
}

#define CPUID_EXT3_ABM (1u << 5)   /* leaf 0x80000001 ecx: LZCNT */
#define CPUID_7_0_EBX_BMI1 (1u << 3) /* leaf 7 ebx: TZCNT (and more) */

/* TZCNT/LZCNT (F3 0F BC/BD when advertised): the count of zero bits, the
 * operand size for a zero source; CF = source is zero, ZF = result is
 * zero, the other flags undefined (cleared here) */
static void gen_zero_count(DisasContext *s, X86DecodedInsn *d, bool leading)
{
    MemOp ot = d->ot;
    int bits = 8 << ot;

    gen_ld_modrm(s, d, ot, s->T0);
    if (leading) {
        tcg_gen_clzi_i64(s->T1, s->T0, 64);
        tcg_gen_subi_i64(s->T1, s->T1, 64 - bits);
    } else {
        tcg_gen_ctzi_i64(s->T1, s->T0, bits);
    }
    gen_op_mov_reg_v(s, ot, d->reg, s->T1);
    TCGv_i64 zf = tcg_temp_new_i64();
    tcg_gen_setcondi_i64(TCG_COND_EQ, zf, s->T1, 0);
    tcg_gen_shli_i64(zf, zf, 6);
    tcg_gen_setcondi_i64(TCG_COND_EQ, s->T1, s->T0, 0); /* CF */
    tcg_gen_or_i64(s->T1, s->T1, zf);
    gen_update_cc_eflags(s, s->T1);
    tcg_temp_free_i64(zf);
}

/* BSF/BSR (and TZCNT/LZCNT when BMI1/ABM are not advertised, as on CPUs
 * without them): a zero source sets ZF and leaves the destination
 * unchanged */
static void gen_bitscan(DisasContext *s, X86DecodedInsn *d, bool reverse)
{
    MemOp ot = d->ot;
    TCGv_i64 nv;

    if (d->mandatory == 0xf3 &&
        (reverse ? (s->env->ext_features_ecx & CPUID_EXT3_ABM)
                 : (s->env->features7_ebx & CPUID_7_0_EBX_BMI1))) {
        gen_zero_count(s, d, reverse);
        return;
    }
    nv = tcg_temp_new_i64();
    gen_ld_modrm(s, d, ot, s->T0);
    if (reverse) {
        tcg_gen_clzi_i64(s->T1, s->T0, 64);
        tcg_gen_xori_i64(s->T1, s->T1, 63);
    } else {
        tcg_gen_ctzi_i64(s->T1, s->T0, 0);
    }
    /* the register as a write of T1 would leave it */
    if (ot == MO_16) {
        tcg_gen_deposit_i64(nv, cpu_regs[d->reg], s->T1, 0, 16);
    } else {
        tcg_gen_mov_i64(nv, s->T1);
    }
    tcg_gen_movcond_i64(TCG_COND_NE, cpu_regs[d->reg], s->T0, tcg_constant_i64(0), nv,
                        cpu_regs[d->reg]);
    tcg_gen_mov_i64(cpu_cc_dst, s->T0);
    gen_set_cc_op(s, CC_OP_LOGICB + ot);
    tcg_temp_free_i64(nv);
}

void gen_op_bsf(DisasContext *s, X86DecodedInsn *d)
{
    gen_bitscan(s, d, false);
}

void gen_op_bsr(DisasContext *s, X86DecodedInsn *d)
{
    gen_bitscan(s, d, true);
}

#define CPUID_EXT_POPCNT (1u << 23)
#define CPUID_EXT_MOVBE (1u << 22)

void gen_op_popcnt(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = d->ot;

    if (d->mandatory != 0xf3 || !(disas_cpuid_ecx1(s) & CPUID_EXT_POPCNT)) {
        gen_illegal_opcode(s);
        return;
    }
    gen_ld_modrm(s, d, ot, s->T0);
    tcg_gen_ctpop_i64(s->T1, s->T0);
    gen_op_mov_reg_v(s, ot, d->reg, s->T1);
    /* ZF = (source == 0), every other flag clear */
    tcg_gen_setcondi_i64(TCG_COND_EQ, s->T1, s->T0, 0);
    tcg_gen_shli_i64(s->T1, s->T1, 6);
    gen_update_cc_eflags(s, s->T1);
}

void gen_op_bswap(DisasContext *s, X86DecodedInsn *d)
{
    int reg = (d->b & 7) | d->rex_b;

    if (d->dflag == MO_64) {
        tcg_gen_bswap64_i64(cpu_regs[reg], cpu_regs[reg]);
    } else if (d->dflag == MO_32) {
        tcg_gen_bswap32_i64(cpu_regs[reg], cpu_regs[reg]);
    } else {
        /* undefined by the SDM; hardware clears the low word */
        tcg_gen_andi_i64(cpu_regs[reg], cpu_regs[reg], ~(int64_t)0xffff);
    }
}

void gen_op_movbe(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = d->dflag;

    if (d->mandatory == 0xf2) { /* CRC32 */
        gen_op_sse(s, d);
        return;
    }
    if (d->mod == 3 || !(disas_cpuid_ecx1(s) & CPUID_EXT_MOVBE)) {
        gen_illegal_opcode(s);
        return;
    }
    gen_lea_modrm(s, d);
    if (d->b == 0xf0) {
        tcg_gen_qemu_ld_i64(s->T0, s->A0, s->mem_index, ot | MO_BSWAP);
        gen_op_mov_reg_v(s, ot, d->reg, s->T0);
    } else {
        gen_op_mov_v_reg(s, ot, s->T0, d->reg);
        tcg_gen_qemu_st_i64(s->T0, s->A0, s->mem_index, ot | MO_BSWAP);
    }
}

/* ---------------------------------------------------------------------- */
/* Exchanges                                                                */

void gen_op_xchg(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = d->ot;

    gen_op_mov_v_reg(s, ot, s->T1, d->reg);
    if (d->mod == 3) {
        gen_op_mov_v_reg(s, ot, s->T0, d->rm);
        gen_op_mov_reg_v(s, ot, d->rm, s->T1);
    } else {
        gen_lea_modrm(s, d);
        /* XCHG with memory is atomic with or without LOCK */
        if (disas_parallel(s)) {
            gen_atomic_rmw(s, s->T0, s->T1, X86_ATOMIC_XCHG, ot);
        } else {
            gen_op_ld_v(s, ot, s->T0, s->A0);
            gen_op_st_v(s, ot, s->T1, s->A0);
        }
    }
    gen_op_mov_reg_v(s, ot, d->reg, s->T0);
}

void gen_op_xchg_ax(DisasContext *s, X86DecodedInsn *d)
{
    int reg = (d->b & 7) | d->rex_b;
    MemOp ot = d->dflag;

    if (reg == R_EAX) {
        return; /* NOP, PAUSE */
    }
    gen_op_mov_v_reg(s, ot, s->T0, reg);
    gen_op_mov_v_reg(s, ot, s->T1, R_EAX);
    gen_op_mov_reg_v(s, ot, R_EAX, s->T0);
    gen_op_mov_reg_v(s, ot, reg, s->T1);
}

void gen_op_xadd(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = d->ot;
    TCGv_i64 res = tcg_temp_new_i64();

    gen_op_mov_v_reg(s, ot, s->T1, d->reg);
    if (d->mod == 3) {
        gen_op_mov_v_reg(s, ot, s->T0, d->rm);
        tcg_gen_add_i64(res, s->T0, s->T1);
        gen_ext(ot, res, res, false);
        gen_op_mov_reg_v(s, ot, d->reg, s->T0);
        gen_op_mov_reg_v(s, ot, d->rm, res);
    } else {
        gen_lea_modrm(s, d);
        if (use_atomic(s, d)) {
            gen_atomic_rmw(s, s->T0, s->T1, X86_ATOMIC_ADD, ot);
            tcg_gen_add_i64(res, s->T0, s->T1);
            gen_ext(ot, res, res, false);
        } else {
            gen_op_ld_v(s, ot, s->T0, s->A0);
            tcg_gen_add_i64(res, s->T0, s->T1);
            gen_ext(ot, res, res, false);
            gen_op_st_v(s, ot, res, s->A0);
        }
        gen_op_mov_reg_v(s, ot, d->reg, s->T0);
    }
    tcg_gen_mov_i64(cpu_cc_src, s->T1);
    tcg_gen_mov_i64(cpu_cc_dst, res);
    gen_set_cc_op(s, CC_OP_ADDB + ot);
    tcg_temp_free_i64(res);
}

/* the 64-bit register value a write of v with size ot would produce */
static void gen_reg_merge(MemOp ot, TCGv_i64 out, TCGv_i64 full, TCGv_i64 v)
{
    if (ot == MO_8) {
        tcg_gen_deposit_i64(out, full, v, 0, 8);
    } else if (ot == MO_16) {
        tcg_gen_deposit_i64(out, full, v, 0, 16);
    } else if (ot == MO_32) {
        tcg_gen_ext32u_i64(out, v);
    } else {
        tcg_gen_mov_i64(out, v);
    }
}

void gen_op_cmpxchg(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = d->ot;
    TCGv_i64 acc = tcg_temp_new_i64();
    TCGv_i64 old = s->T0;
    TCGv_i64 nv = tcg_temp_new_i64();

    gen_op_mov_v_reg(s, ot, acc, R_EAX);
    gen_op_mov_v_reg(s, ot, s->T1, d->reg);
    if (d->mod == 3) {
        int rm = d->rm;
        gen_op_mov_v_reg(s, ot, old, rm);
        if (ot == MO_8 && rm >= 4 && rm < 8 && !d->rex) {
            /* AH..BH: merge through the byte accessors */
            tcg_gen_movcond_i64(TCG_COND_EQ, nv, old, acc, s->T1, old);
            gen_op_mov_reg_v(s, ot, rm, nv);
        } else {
            gen_reg_merge(ot, nv, cpu_regs[rm], s->T1);
            tcg_gen_movcond_i64(TCG_COND_EQ, cpu_regs[rm], old, acc, nv, cpu_regs[rm]);
        }
    } else {
        gen_lea_modrm(s, d);
        if (use_atomic(s, d)) {
            tcg_gen_call(helper_atomic_cmpxchg, 0, tcgv64(old), tcgvp(tcg_ctx->env),
                         tcgv64(s->A0), tcgv64(acc), tcgv64(s->T1), tcgv32(tcg_constant_i32(ot)));
        } else {
            gen_op_ld_v(s, ot, old, s->A0);
            tcg_gen_movcond_i64(TCG_COND_EQ, nv, old, acc, s->T1, old);
            gen_op_st_v(s, ot, nv, s->A0);
        }
    }
    /* the accumulator is written only on failure */
    gen_reg_merge(ot, nv, cpu_regs[R_EAX], old);
    tcg_gen_movcond_i64(TCG_COND_NE, cpu_regs[R_EAX], old, acc, nv, cpu_regs[R_EAX]);
    tcg_gen_mov_i64(s->cc_srcT, acc);
    tcg_gen_mov_i64(cpu_cc_src, old);
    tcg_gen_sub_i64(cpu_cc_dst, acc, old);
    gen_ext(ot, cpu_cc_dst, cpu_cc_dst, false);
    gen_set_cc_op(s, CC_OP_SUBB + ot);
    tcg_temp_free_i64(acc);
    tcg_temp_free_i64(nv);
}

#define CPUID_EXT_CX16 (1u << 13)

void gen_op_grp9(DisasContext *s, X86DecodedInsn *d)
{
    int op = (d->modrm >> 3) & 7;

    if (op != 1 || d->mod == 3) {
        gen_illegal_opcode(s); /* RDRAND, RDSEED, RDPID: not advertised */
        return;
    }
    if (d->rex_w && !(disas_cpuid_ecx1(s) & CPUID_EXT_CX16)) {
        gen_illegal_opcode(s);
        return;
    }
    gen_lea_modrm(s, d);
    gen_update_cc_op(s);
    tcg_gen_call(d->rex_w ? helper_cmpxchg16b : helper_cmpxchg8b, 0, NULL, tcgvp(tcg_ctx->env),
                 tcgv64(s->A0), tcgv32(tcg_constant_i32(disas_parallel(s))));
    /* the helper left the flags in env as EFLAGS */
    s->cc_op = CC_OP_EFLAGS;
    s->cc_op_dirty = false;
}

/* ---------------------------------------------------------------------- */
/* Moves                                                                    */

void gen_op_mov(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = d->ot;

    if (d->e->arg == 2 || !(d->b & 2)) { /* 88, 89, MOVNTI: r/m <- reg */
        gen_op_mov_v_reg(s, ot, s->T0, d->reg);
        if (d->mod != 3) {
            gen_lea_modrm(s, d);
        }
        gen_st_modrm(s, d, ot, s->T0);
    } else {
        gen_ld_modrm(s, d, ot, s->T0);
        gen_op_mov_reg_v(s, ot, d->reg, s->T0);
    }
}

void gen_op_mov_ri(DisasContext *s, X86DecodedInsn *d)
{
    int reg = (d->b & 7) | d->rex_b;

    gen_load_imm(s, d, d->ot, s->T0);
    gen_op_mov_reg_v(s, d->ot, reg, s->T0);
}

void gen_op_mov_grp11(DisasContext *s, X86DecodedInsn *d)
{
    if ((d->modrm >> 3) & 7) {
        gen_illegal_opcode(s); /* XABORT/XBEGIN: no RTM */
        return;
    }
    gen_load_imm(s, d, d->ot, s->T0);
    if (d->mod != 3) {
        gen_lea_modrm(s, d);
    }
    gen_st_modrm(s, d, d->ot, s->T0);
}

void gen_op_mov_moffs(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = d->ot;

    tcg_gen_movi_i64(s->T1, d->imm);
    gen_lea_base(s, s->T1, R_DS, true);
    if (d->e->arg == 0) {
        gen_op_ld_v(s, ot, s->T0, s->A0);
        gen_op_mov_reg_v(s, ot, R_EAX, s->T0);
    } else {
        gen_op_mov_v_reg(s, ot, s->T0, R_EAX);
        gen_op_st_v(s, ot, s->T0, s->A0);
    }
}

static void gen_movx(DisasContext *s, X86DecodedInsn *d, bool sign)
{
    MemOp sot = d->e->arg ? MO_16 : MO_8;

    gen_ld_modrm(s, d, sot, s->T0);
    gen_ext(sot, s->T0, s->T0, sign);
    gen_op_mov_reg_v(s, d->dflag, d->reg, s->T0);
}

void gen_op_movzx(DisasContext *s, X86DecodedInsn *d)
{
    gen_movx(s, d, false);
}

void gen_op_movsx(DisasContext *s, X86DecodedInsn *d)
{
    gen_movx(s, d, true);
}

void gen_op_movsxd(DisasContext *s, X86DecodedInsn *d)
{
    if (!s->code64) {
        gen_illegal_opcode(s); /* ARPL: not implemented in this mode yet */
        return;
    }
    if (d->dflag == MO_64) {
        gen_ld_modrm(s, d, MO_32, s->T0);
        tcg_gen_ext32s_i64(s->T0, s->T0);
    } else {
        gen_ld_modrm(s, d, d->dflag, s->T0);
    }
    gen_op_mov_reg_v(s, d->dflag, d->reg, s->T0);
}

void gen_op_cbw(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = d->dflag;

    gen_op_mov_v_reg(s, ot - 1, s->T0, R_EAX);
    gen_ext(ot - 1, s->T0, s->T0, true);
    gen_op_mov_reg_v(s, ot, R_EAX, s->T0);
}

void gen_op_cwd(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = d->dflag;

    gen_op_mov_v_reg(s, ot, s->T0, R_EAX);
    gen_ext(ot, s->T0, s->T0, true);
    tcg_gen_sari_i64(s->T0, s->T0, 63);
    gen_op_mov_reg_v(s, ot, R_EDX, s->T0);
}

/* DAA DAS AAA AAS AAM AAD SALC (16/32-bit modes only) */
void gen_op_bcd(DisasContext *s, X86DecodedInsn *d)
{
    TCGv_i64 flags = tcg_temp_new_i64();
    int op = d->e->op;

    if (op == OP_AAM && (d->imm & 0xff) == 0) {
        gen_exception(s, EXCP00_DIVZ);
        tcg_temp_free_i64(flags);
        return;
    }
    gen_compute_eflags(s, flags);
    tcg_gen_call(helper_bcd, 0, tcgv64(flags), tcgvp(tcg_ctx->env), tcgv64(flags),
                 tcgv32(tcg_constant_i32(op)), tcgv32(tcg_constant_i32(d->imm & 0xff)));
    gen_update_cc_eflags(s, flags);
    tcg_temp_free_i64(flags);
}
