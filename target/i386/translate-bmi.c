/*
 * The VEX-encoded general-purpose bit-manipulation insns, written from
 * the Intel SDM volume 2 (and CPUID leaf 7 EBX bits 3 and 8):
 *   BMI1: ANDN (0F38 F2), BLSR/BLSMSK/BLSI (0F38 F3 /1 /2 /3),
 *         BEXTR (0F38 F7, no prefix);
 *   BMI2: BZHI (0F38 F5), PEXT (F3 0F38 F5), PDEP (F2 0F38 F5),
 *         MULX (F2 0F38 F6), SHLX/SARX/SHRX (66/F3/F2 0F38 F7),
 *         RORX (F2 0F3A F0 ib).
 * (TZCNT, the legacy-encoded BMI1 insn, is in translate-alu.c.)
 *
 * The decoder routes those VEX opcodes here with VEX.R/X/B in rex_r/x/b,
 * VEX.W in rex_w and the extra register in vex_v. Every other check is
 * made here: the feature bit, VEX.L = 0, the implied prefix (VEX.pp),
 * and no VEX in real or virtual-8086 mode. Operands are 32-bit, or 64-bit
 * with VEX.W1 in 64-bit mode (W is ignored elsewhere).
 *
 * Flags stay lazy: ANDN and BEXTR are CC_OP_LOGIC on the result (SF ZF
 * PF from it, CF = OF = 0); the BLS* and BZHI, whose CF is not the
 * LOGIC one, are CC_OP_CO over LOGIC with CF in cc_src2.
 */
#include "translate-internal.h"

#define CPUID_7_0_EBX_BMI1 (1u << 3)
#define CPUID_7_0_EBX_BMI2 (1u << 8)

/* VEX.pp: the implied legacy prefix */
enum { VEX_PP_NONE, VEX_PP_66, VEX_PP_F3, VEX_PP_F2 };

/* The register named by VEX.vvvv (only 8 outside 64-bit mode) */
static int bmi_vreg(DisasContext *s, X86DecodedInsn *d)
{
    return s->code64 ? d->vex_v : d->vex_v & 7;
}

/* Flags: SF ZF PF of the ot-sized result res, OF = 0 and CF = cf (0/1) */
static void gen_bmi_flags_cf(DisasContext *s, MemOp ot, TCGv_i64 res, TCGv_i64 cf)
{
    tcg_gen_mov_i64(cpu_cc_dst, res);
    tcg_gen_mov_i64(cpu_cc_src2, cf); /* CC_C is bit 0 */
    gen_set_cc_op(s, CC_OP_CO + (CC_OP_LOGICB + ot - CC_OP_ADDB));
}

static void gen_bmi_flags_logic(DisasContext *s, MemOp ot, TCGv_i64 res)
{
    tcg_gen_mov_i64(cpu_cc_dst, res);
    gen_set_cc_op(s, CC_OP_LOGICB + ot);
}

/* ANDN: reg = ~vvvv & r/m */
static void gen_andn(DisasContext *s, X86DecodedInsn *d, MemOp ot)
{
    gen_ld_modrm(s, d, ot, s->T0);
    gen_op_mov_v_reg(s, ot, s->T1, bmi_vreg(s, d));
    tcg_gen_andc_i64(s->T0, s->T0, s->T1);
    gen_op_mov_reg_v(s, ot, d->reg, s->T0);
    gen_bmi_flags_logic(s, ot, s->T0);
}

/* BLSR (/1), BLSMSK (/2), BLSI (/3): vvvv = f(r/m) */
static bool gen_bls(DisasContext *s, X86DecodedInsn *d, MemOp ot)
{
    int op = (d->modrm >> 3) & 7;
    TCGv_i64 cf;

    if (op < 1 || op > 3) {
        return false;
    }
    cf = tcg_temp_new_i64();
    gen_ld_modrm(s, d, ot, s->T0);
    switch (op) {
    case 1: /* BLSR: clear the lowest set bit; CF = (src == 0) */
        tcg_gen_subi_i64(s->T1, s->T0, 1);
        tcg_gen_and_i64(s->T1, s->T1, s->T0);
        tcg_gen_setcondi_i64(TCG_COND_EQ, cf, s->T0, 0);
        break;
    case 2: /* BLSMSK: ones up to the lowest set bit; CF = (src == 0);
             * the result is never zero, so ZF = 0 as the SDM says */
        tcg_gen_subi_i64(s->T1, s->T0, 1);
        tcg_gen_xor_i64(s->T1, s->T1, s->T0);
        tcg_gen_setcondi_i64(TCG_COND_EQ, cf, s->T0, 0);
        break;
    default: /* BLSI: the lowest set bit alone; CF = (src != 0) */
        tcg_gen_neg_i64(s->T1, s->T0);
        tcg_gen_and_i64(s->T1, s->T1, s->T0);
        tcg_gen_setcondi_i64(TCG_COND_NE, cf, s->T0, 0);
        break;
    }
    gen_ext(ot, s->T1, s->T1, false);
    gen_op_mov_reg_v(s, ot, bmi_vreg(s, d), s->T1);
    gen_bmi_flags_cf(s, ot, s->T1, cf);
    tcg_temp_free_i64(cf);
    return true;
}

/* BEXTR: reg = r/m[start + len - 1 : start], start = vvvv[7:0] and
 * len = vvvv[15:8], bits past the operand size reading as zero */
static void gen_bextr(DisasContext *s, X86DecodedInsn *d, MemOp ot)
{
    TCGv_i64 n = tcg_temp_new_i64();
    TCGv_i64 mask = tcg_temp_new_i64();
    TCGv_i64 zero = tcg_constant_i64(0);

    gen_ld_modrm(s, d, ot, s->T0);
    gen_op_mov_v_reg(s, ot, s->T1, bmi_vreg(s, d));
    /* the source is zero-extended, so only a start >= 64 needs care */
    tcg_gen_ext8u_i64(n, s->T1);
    tcg_gen_andi_i64(s->tmp0, n, 63);
    tcg_gen_shr_i64(s->T0, s->T0, s->tmp0);
    tcg_gen_movcond_i64(TCG_COND_GEU, s->T0, n, tcg_constant_i64(64), zero, s->T0);
    /* mask = ~0 << len, or 0 (keep everything) for len >= 64 */
    tcg_gen_extract_i64(n, s->T1, 8, 8);
    tcg_gen_andi_i64(s->tmp0, n, 63);
    tcg_gen_shl_i64(mask, tcg_constant_i64(-1), s->tmp0);
    tcg_gen_movcond_i64(TCG_COND_GEU, mask, n, tcg_constant_i64(64), zero, mask);
    tcg_gen_andc_i64(s->T0, s->T0, mask);
    gen_op_mov_reg_v(s, ot, d->reg, s->T0);
    gen_bmi_flags_logic(s, ot, s->T0);
    tcg_temp_free_i64(n);
    tcg_temp_free_i64(mask);
}

/* BZHI: reg = r/m with the bits from index vvvv[7:0] up cleared;
 * CF = (index > operand size - 1) */
static void gen_bzhi(DisasContext *s, X86DecodedInsn *d, MemOp ot)
{
    int bits = 8 << ot;
    TCGv_i64 n = tcg_temp_new_i64();
    TCGv_i64 cf = tcg_temp_new_i64();

    gen_ld_modrm(s, d, ot, s->T0);
    gen_op_mov_v_reg(s, ot, s->T1, bmi_vreg(s, d));
    tcg_gen_ext8u_i64(n, s->T1);
    tcg_gen_andi_i64(s->tmp0, n, 63);
    tcg_gen_shl_i64(s->T1, tcg_constant_i64(-1), s->tmp0);
    tcg_gen_andc_i64(s->T1, s->T0, s->T1);
    tcg_gen_setcondi_i64(TCG_COND_GEU, cf, n, bits);
    tcg_gen_movcond_i64(TCG_COND_NE, s->T0, cf, tcg_constant_i64(0), s->T0, s->T1);
    gen_op_mov_reg_v(s, ot, d->reg, s->T0);
    gen_bmi_flags_cf(s, ot, s->T0, cf);
    tcg_temp_free_i64(n);
    tcg_temp_free_i64(cf);
}

/* PDEP / PEXT: reg = f(vvvv, mask r/m); flags unchanged */
static void gen_pdep_pext(DisasContext *s, X86DecodedInsn *d, MemOp ot, bool dep)
{
    gen_ld_modrm(s, d, ot, s->T1);
    gen_op_mov_v_reg(s, ot, s->T0, bmi_vreg(s, d));
    tcg_gen_call(dep ? (void *)helper_pdep : (void *)helper_pext, TCG_CALL_NO_RWG_SE, tcgv64(s->T0),
                 tcgv64(s->T0), tcgv64(s->T1));
    gen_op_mov_reg_v(s, ot, d->reg, s->T0);
}

/* MULX: reg:vvvv = rDX * r/m unsigned; the high half is written last, so
 * it wins when both name the same register; flags unchanged */
static void gen_mulx(DisasContext *s, X86DecodedInsn *d, MemOp ot)
{
    gen_ld_modrm(s, d, ot, s->T0);
    gen_op_mov_v_reg(s, ot, s->T1, R_EDX);
    if (ot == MO_64) {
        tcg_gen_mulu2_i64(s->T0, s->T1, s->T0, s->T1);
    } else {
        /* both 32-bit factors are zero-extended: the product fits */
        tcg_gen_mul_i64(s->T0, s->T0, s->T1);
        tcg_gen_shri_i64(s->T1, s->T0, 32);
    }
    gen_op_mov_reg_v(s, ot, bmi_vreg(s, d), s->T0);
    gen_op_mov_reg_v(s, ot, d->reg, s->T1);
}

/* SHLX / SARX / SHRX: reg = r/m shifted by vvvv masked to the operand
 * size; flags unchanged */
static void gen_shiftx(DisasContext *s, X86DecodedInsn *d, MemOp ot, int pp)
{
    int bits = 8 << ot;

    gen_ld_modrm(s, d, ot, s->T0);
    gen_op_mov_v_reg(s, ot, s->T1, bmi_vreg(s, d));
    tcg_gen_andi_i64(s->T1, s->T1, bits - 1);
    switch (pp) {
    case VEX_PP_66:
        tcg_gen_shl_i64(s->T0, s->T0, s->T1);
        break;
    case VEX_PP_F3:
        gen_ext(ot, s->T0, s->T0, true);
        tcg_gen_sar_i64(s->T0, s->T0, s->T1);
        break;
    default:
        tcg_gen_shr_i64(s->T0, s->T0, s->T1);
        break;
    }
    gen_op_mov_reg_v(s, ot, d->reg, s->T0);
}

/* RORX: reg = r/m rotated right by imm8 masked to the operand size */
static void gen_rorx(DisasContext *s, X86DecodedInsn *d, MemOp ot)
{
    int bits = 8 << ot;
    int n = d->imm & (bits - 1);

    gen_ld_modrm(s, d, ot, s->T0);
    if (ot == MO_64) {
        tcg_gen_rotri_i64(s->T0, s->T0, n);
    } else {
        TCGv_i32 v = tcg_temp_new_i32();

        tcg_gen_extrl_i64_i32(v, s->T0);
        tcg_gen_rotri_i32(v, v, n);
        tcg_gen_extu_i32_i64(s->T0, v);
        tcg_temp_free_i32(v);
    }
    gen_op_mov_reg_v(s, ot, d->reg, s->T0);
}

/* Decode VEX.pp and the opcode; false => #UD */
static bool gen_bmi_insn(DisasContext *s, X86DecodedInsn *d)
{
    uint32_t feat = s->env->features7_ebx;
    bool bmi1 = (feat & CPUID_7_0_EBX_BMI1) != 0;
    bool bmi2 = (feat & CPUID_7_0_EBX_BMI2) != 0;
    MemOp ot = (s->code64 && d->rex_w) ? MO_64 : MO_32;
    int pp = d->vex_pp;

    if (!(d->prefixes & PREFIX_VEX) || d->vex_l || !s->pe || s->vm86) {
        return false;
    }
    if (d->map == X86_MAP_0F3A) {
        /* RORX; VEX.vvvv is reserved (must be 1111b) */
        if (d->b != 0xf0 || pp != VEX_PP_F2 || !bmi2 || d->vex_v != 0) {
            return false;
        }
        gen_rorx(s, d, ot);
        return true;
    }
    if (d->map != X86_MAP_0F38) {
        return false;
    }
    switch (d->b) {
    case 0xf2:
        if (pp != VEX_PP_NONE || !bmi1) {
            return false;
        }
        gen_andn(s, d, ot);
        return true;
    case 0xf3:
        if (pp != VEX_PP_NONE || !bmi1) {
            return false;
        }
        return gen_bls(s, d, ot);
    case 0xf5:
        if (!bmi2 || pp == VEX_PP_66) {
            return false;
        }
        if (pp == VEX_PP_NONE) {
            gen_bzhi(s, d, ot);
        } else {
            gen_pdep_pext(s, d, ot, pp == VEX_PP_F2);
        }
        return true;
    case 0xf6:
        if (pp != VEX_PP_F2 || !bmi2) {
            return false;
        }
        gen_mulx(s, d, ot);
        return true;
    case 0xf7:
        if (pp == VEX_PP_NONE) {
            if (!bmi1) {
                return false;
            }
            gen_bextr(s, d, ot);
            return true;
        }
        if (!bmi2) {
            return false;
        }
        gen_shiftx(s, d, ot, pp);
        return true;
    }
    return false;
}

void gen_op_bmi(DisasContext *s, X86DecodedInsn *d)
{
    if (!gen_bmi_insn(s, d)) {
        gen_illegal_opcode(s);
    }
}
