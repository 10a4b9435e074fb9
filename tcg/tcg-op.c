/*
 * Op generators: the tcg_gen_* functions a translator calls to append IR
 * to the current TB (see include/tcg/tcg-op.h).
 *
 * Each generator is written once over (TCGType, TCGTemp *) and wrapped for
 * the i32 and i64 handle types by a macro at the end. Immediate forms use
 * interned constant temps. A few identities are folded right here (adding
 * zero, masking with all ones, shifting by zero, ...) because they are
 * frequent in translator output and cost nothing to spot; everything else
 * is left to the optimizer. An op's type is always the width of the
 * operation (for width conversions: the output's type).
 */
#include "tcg/tcg-op.h"

#include <stdlib.h>

static inline unsigned type_bits(TCGType type)
{
    return type == TCG_TYPE_I32 ? 32 : 64;
}

/* Whether v, seen at the width of type, is all ones / zero / one. */
static inline bool imm_is_ones(TCGType type, int64_t v)
{
    return type == TCG_TYPE_I32 ? (uint32_t)v == UINT32_MAX : v == -1;
}
static inline bool imm_is_zero(TCGType type, int64_t v)
{
    return type == TCG_TYPE_I32 ? (uint32_t)v == 0 : v == 0;
}
static inline bool imm_is_one(TCGType type, int64_t v)
{
    return type == TCG_TYPE_I32 ? (uint32_t)v == 1 : v == 1;
}

static inline TCGTemp *cst(TCGType type, int64_t v)
{
    return tcg_constant_internal(type, v);
}

static void emit1(TCGOpcode opc, TCGType type, TCGTemp *d)
{
    TCGOp *op = tcg_emit_op(opc, type, 1);
    op->args[0] = temp_arg(d);
}

static void emit2(TCGOpcode opc, TCGType type, TCGTemp *d, TCGTemp *a)
{
    TCGOp *op = tcg_emit_op(opc, type, 2);
    op->args[0] = temp_arg(d);
    op->args[1] = temp_arg(a);
}

static void emit3(TCGOpcode opc, TCGType type, TCGTemp *d, TCGTemp *a, TCGTemp *b)
{
    TCGOp *op = tcg_emit_op(opc, type, 3);
    op->args[0] = temp_arg(d);
    op->args[1] = temp_arg(a);
    op->args[2] = temp_arg(b);
}

/* ---- moves and arithmetic ---- */

static void gen_mov(TCGType type, TCGTemp *d, TCGTemp *a)
{
    if (d != a) {
        emit2(INDEX_op_mov, type, d, a);
    }
}

static void gen_movi(TCGType type, TCGTemp *d, int64_t v)
{
    emit2(INDEX_op_mov, type, d, cst(type, v));
}

static void gen_binop(TCGOpcode opc, TCGType type, TCGTemp *d, TCGTemp *a, TCGTemp *b)
{
    emit3(opc, type, d, a, b);
}

static void gen_addi(TCGType type, TCGTemp *d, TCGTemp *a, int64_t v)
{
    if (imm_is_zero(type, v)) {
        gen_mov(type, d, a);
    } else {
        emit3(INDEX_op_add, type, d, a, cst(type, v));
    }
}

static void gen_subi(TCGType type, TCGTemp *d, TCGTemp *a, int64_t v)
{
    if (imm_is_zero(type, v)) {
        gen_mov(type, d, a);
    } else {
        emit3(INDEX_op_sub, type, d, a, cst(type, v));
    }
}

static void gen_subfi(TCGType type, TCGTemp *d, int64_t v, TCGTemp *b)
{
    if (imm_is_zero(type, v)) {
        emit2(INDEX_op_neg, type, d, b);
    } else {
        emit3(INDEX_op_sub, type, d, cst(type, v), b);
    }
}

static void gen_muli(TCGType type, TCGTemp *d, TCGTemp *a, int64_t v)
{
    if (imm_is_zero(type, v)) {
        gen_movi(type, d, 0);
    } else if (imm_is_one(type, v)) {
        gen_mov(type, d, a);
    } else {
        emit3(INDEX_op_mul, type, d, a, cst(type, v));
    }
}

static void gen_andi(TCGType type, TCGTemp *d, TCGTemp *a, int64_t v)
{
    if (imm_is_zero(type, v)) {
        gen_movi(type, d, 0);
    } else if (imm_is_ones(type, v)) {
        gen_mov(type, d, a);
    } else {
        emit3(INDEX_op_and, type, d, a, cst(type, v));
    }
}

static void gen_ori(TCGType type, TCGTemp *d, TCGTemp *a, int64_t v)
{
    if (imm_is_ones(type, v)) {
        gen_movi(type, d, -1);
    } else if (imm_is_zero(type, v)) {
        gen_mov(type, d, a);
    } else {
        emit3(INDEX_op_or, type, d, a, cst(type, v));
    }
}

static void gen_xori(TCGType type, TCGTemp *d, TCGTemp *a, int64_t v)
{
    if (imm_is_zero(type, v)) {
        gen_mov(type, d, a);
    } else if (imm_is_ones(type, v)) {
        emit2(INDEX_op_not, type, d, a);
    } else {
        emit3(INDEX_op_xor, type, d, a, cst(type, v));
    }
}

/* Shift/rotate by an immediate: the count is taken modulo the width,
 * as the op itself does. */
static void gen_shifti(TCGOpcode opc, TCGType type, TCGTemp *d, TCGTemp *a, int64_t v)
{
    v &= type_bits(type) - 1;
    if (v == 0) {
        gen_mov(type, d, a);
    } else {
        emit3(opc, type, d, a, cst(type, v));
    }
}

/* ---- deposit / extract ---- */

static void gen_deposit(TCGType type, TCGTemp *d, TCGTemp *a, TCGTemp *b, unsigned ofs,
                        unsigned len)
{
    unsigned bits = type_bits(type);
    TCGOp *op;

    /* Out-of-range fields are an emulator bug; clip them rather than
     * hand the backends something they cannot encode. */
    if (ofs >= bits || len == 0) {
        gen_mov(type, d, a);
        return;
    }
    if (len > bits - ofs) {
        len = bits - ofs;
    }
    if (len == bits) {
        gen_mov(type, d, b);
        return;
    }
    op = tcg_emit_op(INDEX_op_deposit, type, 5);
    op->args[0] = temp_arg(d);
    op->args[1] = temp_arg(a);
    op->args[2] = temp_arg(b);
    op->args[3] = ofs;
    op->args[4] = len;
}

static void gen_extract(TCGOpcode opc, TCGType type, TCGTemp *d, TCGTemp *a, unsigned ofs,
                        unsigned len)
{
    unsigned bits = type_bits(type);
    TCGOp *op;

    if (ofs >= bits || len == 0) {
        gen_movi(type, d, 0);
        return;
    }
    if (len > bits - ofs) {
        len = bits - ofs;
    }
    if (len == bits) {
        gen_mov(type, d, a);
        return;
    }
    op = tcg_emit_op(opc, type, 4);
    op->args[0] = temp_arg(d);
    op->args[1] = temp_arg(a);
    op->args[2] = ofs;
    op->args[3] = len;
}

/* ---- double-width ---- */

static void gen_mul2(TCGOpcode opc, TCGType type, TCGTemp *lo, TCGTemp *hi, TCGTemp *a,
                     TCGTemp *b)
{
    TCGOp *op = tcg_emit_op(opc, type, 4);
    op->args[0] = temp_arg(lo);
    op->args[1] = temp_arg(hi);
    op->args[2] = temp_arg(a);
    op->args[3] = temp_arg(b);
}

static void gen_addsub2(TCGOpcode opc, TCGType type, TCGTemp *lo, TCGTemp *hi, TCGTemp *al,
                        TCGTemp *ah, TCGTemp *bl, TCGTemp *bh)
{
    TCGOp *op = tcg_emit_op(opc, type, 6);
    op->args[0] = temp_arg(lo);
    op->args[1] = temp_arg(hi);
    op->args[2] = temp_arg(al);
    op->args[3] = temp_arg(ah);
    op->args[4] = temp_arg(bl);
    op->args[5] = temp_arg(bh);
}

/* ---- conditions ---- */

static void gen_setcond(TCGType type, TCGCond c, TCGTemp *d, TCGTemp *a, TCGTemp *b)
{
    TCGOp *op;

    if (c == TCG_COND_ALWAYS) {
        gen_movi(type, d, 1);
    } else if (c == TCG_COND_NEVER) {
        gen_movi(type, d, 0);
    } else {
        op = tcg_emit_op(INDEX_op_setcond, type, 4);
        op->args[0] = temp_arg(d);
        op->args[1] = temp_arg(a);
        op->args[2] = temp_arg(b);
        op->args[3] = c;
    }
}

static void gen_movcond(TCGType type, TCGCond c, TCGTemp *d, TCGTemp *c1, TCGTemp *c2,
                        TCGTemp *v1, TCGTemp *v2)
{
    TCGOp *op;

    if (c == TCG_COND_ALWAYS) {
        gen_mov(type, d, v1);
    } else if (c == TCG_COND_NEVER) {
        gen_mov(type, d, v2);
    } else {
        op = tcg_emit_op(INDEX_op_movcond, type, 6);
        op->args[0] = temp_arg(d);
        op->args[1] = temp_arg(c1);
        op->args[2] = temp_arg(c2);
        op->args[3] = temp_arg(v1);
        op->args[4] = temp_arg(v2);
        op->args[5] = c;
    }
}

static void gen_brcond(TCGType type, TCGCond c, TCGTemp *a, TCGTemp *b, TCGLabel *l)
{
    TCGOp *op;

    if (c == TCG_COND_ALWAYS) {
        tcg_gen_br(l);
    } else if (c != TCG_COND_NEVER) {
        op = tcg_emit_op(INDEX_op_brcond, type, 4);
        op->args[0] = temp_arg(a);
        op->args[1] = temp_arg(b);
        op->args[2] = c;
        op->args[3] = label_arg(l);
        l->refs++;
    }
}

/* ---- host memory ---- */

static void gen_ldst(TCGOpcode opc, TCGType type, TCGTemp *v, TCGv_ptr base, intptr_t ofs)
{
    TCGOp *op = tcg_emit_op(opc, type, 3);
    op->args[0] = temp_arg(v);
    op->args[1] = temp_arg(tcgv_ptr_temp(base));
    op->args[2] = (TCGArg)ofs;
}

/* ---- guest memory ---- */

/* Drop memop bits that mean nothing for this size and value type, so the
 * backends see one spelling per access. */
static MemOp canon_memop(TCGType type, MemOp mop, bool is_ld)
{
    MemOp size = mop & MO_SIZE;

    if (type == TCG_TYPE_I32 && size > MO_32) {
        size = MO_32; /* an i32 value cannot hold more */
    } else if (size > MO_64) {
        size = MO_64;
    }
    mop = (mop & ~MO_SIZE) | size;
    if (size == MO_8) {
        mop &= ~MO_BSWAP;
    }
    if (!is_ld || (type == TCG_TYPE_I32 && size == MO_32) || size == MO_64) {
        mop &= ~MO_SIGN;
    }
    return mop;
}

static void gen_qemu_ldst(TCGOpcode opc, TCGType type, TCGTemp *v, TCGv_i64 addr,
                          unsigned mmu_idx, MemOp mop)
{
    TCGOp *op = tcg_emit_op(opc, type, 3);

    mop = canon_memop(type, mop, opc == INDEX_op_qemu_ld);
    op->args[0] = temp_arg(v);
    op->args[1] = temp_arg(tcgv_i64_temp(addr));
    op->args[2] = make_memop_idx(mop, mmu_idx);
}

/* ---- the typed wrappers ---- */

#define DEFINE_OPS(SZ, T, IMM, TYPE, TO)                                                   \
    void tcg_gen_mov_##SZ(T d, T a) { gen_mov(TYPE, TO(d), TO(a)); }                       \
    void tcg_gen_movi_##SZ(T d, IMM v) { gen_movi(TYPE, TO(d), v); }                       \
    void tcg_gen_add_##SZ(T d, T a, T b) { gen_binop(INDEX_op_add, TYPE, TO(d), TO(a), TO(b)); } \
    void tcg_gen_addi_##SZ(T d, T a, IMM b) { gen_addi(TYPE, TO(d), TO(a), b); }           \
    void tcg_gen_sub_##SZ(T d, T a, T b) { gen_binop(INDEX_op_sub, TYPE, TO(d), TO(a), TO(b)); } \
    void tcg_gen_subi_##SZ(T d, T a, IMM b) { gen_subi(TYPE, TO(d), TO(a), b); }           \
    void tcg_gen_subfi_##SZ(T d, IMM a, T b) { gen_subfi(TYPE, TO(d), a, TO(b)); }         \
    void tcg_gen_mul_##SZ(T d, T a, T b) { gen_binop(INDEX_op_mul, TYPE, TO(d), TO(a), TO(b)); } \
    void tcg_gen_muli_##SZ(T d, T a, IMM b) { gen_muli(TYPE, TO(d), TO(a), b); }           \
    void tcg_gen_div_##SZ(T d, T a, T b) { gen_binop(INDEX_op_div, TYPE, TO(d), TO(a), TO(b)); } \
    void tcg_gen_divu_##SZ(T d, T a, T b)                                                  \
    {                                                                                      \
        gen_binop(INDEX_op_divu, TYPE, TO(d), TO(a), TO(b));                               \
    }                                                                                      \
    void tcg_gen_rem_##SZ(T d, T a, T b) { gen_binop(INDEX_op_rem, TYPE, TO(d), TO(a), TO(b)); } \
    void tcg_gen_remu_##SZ(T d, T a, T b)                                                  \
    {                                                                                      \
        gen_binop(INDEX_op_remu, TYPE, TO(d), TO(a), TO(b));                               \
    }                                                                                      \
    void tcg_gen_and_##SZ(T d, T a, T b) { gen_binop(INDEX_op_and, TYPE, TO(d), TO(a), TO(b)); } \
    void tcg_gen_andi_##SZ(T d, T a, IMM b) { gen_andi(TYPE, TO(d), TO(a), b); }           \
    void tcg_gen_or_##SZ(T d, T a, T b) { gen_binop(INDEX_op_or, TYPE, TO(d), TO(a), TO(b)); } \
    void tcg_gen_ori_##SZ(T d, T a, IMM b) { gen_ori(TYPE, TO(d), TO(a), b); }             \
    void tcg_gen_xor_##SZ(T d, T a, T b) { gen_binop(INDEX_op_xor, TYPE, TO(d), TO(a), TO(b)); } \
    void tcg_gen_xori_##SZ(T d, T a, IMM b) { gen_xori(TYPE, TO(d), TO(a), b); }           \
    void tcg_gen_andc_##SZ(T d, T a, T b)                                                  \
    {                                                                                      \
        gen_binop(INDEX_op_andc, TYPE, TO(d), TO(a), TO(b));                               \
    }                                                                                      \
    void tcg_gen_orc_##SZ(T d, T a, T b) { gen_binop(INDEX_op_orc, TYPE, TO(d), TO(a), TO(b)); } \
    void tcg_gen_eqv_##SZ(T d, T a, T b) { gen_binop(INDEX_op_eqv, TYPE, TO(d), TO(a), TO(b)); } \
    void tcg_gen_nand_##SZ(T d, T a, T b)                                                  \
    {                                                                                      \
        gen_binop(INDEX_op_nand, TYPE, TO(d), TO(a), TO(b));                               \
    }                                                                                      \
    void tcg_gen_nor_##SZ(T d, T a, T b) { gen_binop(INDEX_op_nor, TYPE, TO(d), TO(a), TO(b)); } \
    void tcg_gen_shl_##SZ(T d, T a, T b) { gen_binop(INDEX_op_shl, TYPE, TO(d), TO(a), TO(b)); } \
    void tcg_gen_shli_##SZ(T d, T a, IMM b) { gen_shifti(INDEX_op_shl, TYPE, TO(d), TO(a), b); } \
    void tcg_gen_shr_##SZ(T d, T a, T b) { gen_binop(INDEX_op_shr, TYPE, TO(d), TO(a), TO(b)); } \
    void tcg_gen_shri_##SZ(T d, T a, IMM b) { gen_shifti(INDEX_op_shr, TYPE, TO(d), TO(a), b); } \
    void tcg_gen_sar_##SZ(T d, T a, T b) { gen_binop(INDEX_op_sar, TYPE, TO(d), TO(a), TO(b)); } \
    void tcg_gen_sari_##SZ(T d, T a, IMM b) { gen_shifti(INDEX_op_sar, TYPE, TO(d), TO(a), b); } \
    void tcg_gen_rotl_##SZ(T d, T a, T b)                                                  \
    {                                                                                      \
        gen_binop(INDEX_op_rotl, TYPE, TO(d), TO(a), TO(b));                               \
    }                                                                                      \
    void tcg_gen_rotli_##SZ(T d, T a, IMM b)                                               \
    {                                                                                      \
        gen_shifti(INDEX_op_rotl, TYPE, TO(d), TO(a), b);                                  \
    }                                                                                      \
    void tcg_gen_rotr_##SZ(T d, T a, T b)                                                  \
    {                                                                                      \
        gen_binop(INDEX_op_rotr, TYPE, TO(d), TO(a), TO(b));                               \
    }                                                                                      \
    void tcg_gen_rotri_##SZ(T d, T a, IMM b)                                               \
    {                                                                                      \
        gen_shifti(INDEX_op_rotr, TYPE, TO(d), TO(a), b);                                  \
    }                                                                                      \
    void tcg_gen_neg_##SZ(T d, T a) { emit2(INDEX_op_neg, TYPE, TO(d), TO(a)); }           \
    void tcg_gen_not_##SZ(T d, T a) { emit2(INDEX_op_not, TYPE, TO(d), TO(a)); }           \
    void tcg_gen_ext8s_##SZ(T d, T a) { emit2(INDEX_op_ext8s, TYPE, TO(d), TO(a)); }       \
    void tcg_gen_ext8u_##SZ(T d, T a) { emit2(INDEX_op_ext8u, TYPE, TO(d), TO(a)); }       \
    void tcg_gen_ext16s_##SZ(T d, T a) { emit2(INDEX_op_ext16s, TYPE, TO(d), TO(a)); }     \
    void tcg_gen_ext16u_##SZ(T d, T a) { emit2(INDEX_op_ext16u, TYPE, TO(d), TO(a)); }     \
    void tcg_gen_bswap16_##SZ(T d, T a) { emit2(INDEX_op_bswap16, TYPE, TO(d), TO(a)); }   \
    void tcg_gen_bswap32_##SZ(T d, T a) { emit2(INDEX_op_bswap32, TYPE, TO(d), TO(a)); }   \
    void tcg_gen_deposit_##SZ(T d, T a, T b, unsigned ofs, unsigned len)                   \
    {                                                                                      \
        gen_deposit(TYPE, TO(d), TO(a), TO(b), ofs, len);                                  \
    }                                                                                      \
    void tcg_gen_extract_##SZ(T d, T a, unsigned ofs, unsigned len)                        \
    {                                                                                      \
        gen_extract(INDEX_op_extract, TYPE, TO(d), TO(a), ofs, len);                       \
    }                                                                                      \
    void tcg_gen_sextract_##SZ(T d, T a, unsigned ofs, unsigned len)                       \
    {                                                                                      \
        gen_extract(INDEX_op_sextract, TYPE, TO(d), TO(a), ofs, len);                      \
    }                                                                                      \
    void tcg_gen_clz_##SZ(T d, T a, T b) { gen_binop(INDEX_op_clz, TYPE, TO(d), TO(a), TO(b)); } \
    void tcg_gen_clzi_##SZ(T d, T a, IMM b)                                                \
    {                                                                                      \
        gen_binop(INDEX_op_clz, TYPE, TO(d), TO(a), cst(TYPE, b));                         \
    }                                                                                      \
    void tcg_gen_ctz_##SZ(T d, T a, T b) { gen_binop(INDEX_op_ctz, TYPE, TO(d), TO(a), TO(b)); } \
    void tcg_gen_ctzi_##SZ(T d, T a, IMM b)                                                \
    {                                                                                      \
        gen_binop(INDEX_op_ctz, TYPE, TO(d), TO(a), cst(TYPE, b));                         \
    }                                                                                      \
    void tcg_gen_ctpop_##SZ(T d, T a) { emit2(INDEX_op_ctpop, TYPE, TO(d), TO(a)); }       \
    void tcg_gen_mulu2_##SZ(T lo, T hi, T a, T b)                                          \
    {                                                                                      \
        gen_mul2(INDEX_op_mulu2, TYPE, TO(lo), TO(hi), TO(a), TO(b));                      \
    }                                                                                      \
    void tcg_gen_muls2_##SZ(T lo, T hi, T a, T b)                                          \
    {                                                                                      \
        gen_mul2(INDEX_op_muls2, TYPE, TO(lo), TO(hi), TO(a), TO(b));                      \
    }                                                                                      \
    void tcg_gen_add2_##SZ(T lo, T hi, T al, T ah, T bl, T bh)                             \
    {                                                                                      \
        gen_addsub2(INDEX_op_add2, TYPE, TO(lo), TO(hi), TO(al), TO(ah), TO(bl), TO(bh));  \
    }                                                                                      \
    void tcg_gen_sub2_##SZ(T lo, T hi, T al, T ah, T bl, T bh)                             \
    {                                                                                      \
        gen_addsub2(INDEX_op_sub2, TYPE, TO(lo), TO(hi), TO(al), TO(ah), TO(bl), TO(bh));  \
    }                                                                                      \
    void tcg_gen_setcond_##SZ(TCGCond c, T d, T a, T b)                                    \
    {                                                                                      \
        gen_setcond(TYPE, c, TO(d), TO(a), TO(b));                                         \
    }                                                                                      \
    void tcg_gen_setcondi_##SZ(TCGCond c, T d, T a, IMM b)                                 \
    {                                                                                      \
        gen_setcond(TYPE, c, TO(d), TO(a), cst(TYPE, b));                                  \
    }                                                                                      \
    void tcg_gen_movcond_##SZ(TCGCond c, T d, T c1, T c2, T v1, T v2)                      \
    {                                                                                      \
        gen_movcond(TYPE, c, TO(d), TO(c1), TO(c2), TO(v1), TO(v2));                       \
    }                                                                                      \
    void tcg_gen_brcond_##SZ(TCGCond c, T a, T b, TCGLabel *l)                             \
    {                                                                                      \
        gen_brcond(TYPE, c, TO(a), TO(b), l);                                              \
    }                                                                                      \
    void tcg_gen_brcondi_##SZ(TCGCond c, T a, IMM b, TCGLabel *l)                          \
    {                                                                                      \
        gen_brcond(TYPE, c, TO(a), cst(TYPE, b), l);                                       \
    }                                                                                      \
    void tcg_gen_ld8u_##SZ(T d, TCGv_ptr base, intptr_t ofs)                               \
    {                                                                                      \
        gen_ldst(INDEX_op_ld8u, TYPE, TO(d), base, ofs);                                   \
    }                                                                                      \
    void tcg_gen_ld8s_##SZ(T d, TCGv_ptr base, intptr_t ofs)                               \
    {                                                                                      \
        gen_ldst(INDEX_op_ld8s, TYPE, TO(d), base, ofs);                                   \
    }                                                                                      \
    void tcg_gen_ld16u_##SZ(T d, TCGv_ptr base, intptr_t ofs)                              \
    {                                                                                      \
        gen_ldst(INDEX_op_ld16u, TYPE, TO(d), base, ofs);                                  \
    }                                                                                      \
    void tcg_gen_ld16s_##SZ(T d, TCGv_ptr base, intptr_t ofs)                              \
    {                                                                                      \
        gen_ldst(INDEX_op_ld16s, TYPE, TO(d), base, ofs);                                  \
    }                                                                                      \
    void tcg_gen_ld_##SZ(T d, TCGv_ptr base, intptr_t ofs)                                 \
    {                                                                                      \
        gen_ldst(INDEX_op_ld, TYPE, TO(d), base, ofs);                                     \
    }                                                                                      \
    void tcg_gen_st8_##SZ(T v, TCGv_ptr base, intptr_t ofs)                                \
    {                                                                                      \
        gen_ldst(INDEX_op_st8, TYPE, TO(v), base, ofs);                                    \
    }                                                                                      \
    void tcg_gen_st16_##SZ(T v, TCGv_ptr base, intptr_t ofs)                               \
    {                                                                                      \
        gen_ldst(INDEX_op_st16, TYPE, TO(v), base, ofs);                                   \
    }                                                                                      \
    void tcg_gen_st_##SZ(T v, TCGv_ptr base, intptr_t ofs)                                 \
    {                                                                                      \
        gen_ldst(INDEX_op_st, TYPE, TO(v), base, ofs);                                     \
    }                                                                                      \
    void tcg_gen_qemu_ld_##SZ(T v, TCGv_i64 addr, unsigned mmu_idx, MemOp mop)             \
    {                                                                                      \
        gen_qemu_ldst(INDEX_op_qemu_ld, TYPE, TO(v), addr, mmu_idx, mop);                  \
    }                                                                                      \
    void tcg_gen_qemu_st_##SZ(T v, TCGv_i64 addr, unsigned mmu_idx, MemOp mop)             \
    {                                                                                      \
        gen_qemu_ldst(INDEX_op_qemu_st, TYPE, TO(v), addr, mmu_idx, mop);                  \
    }

DEFINE_OPS(i32, TCGv_i32, int32_t, TCG_TYPE_I32, tcgv_i32_temp)
DEFINE_OPS(i64, TCGv_i64, int64_t, TCG_TYPE_I64, tcgv_i64_temp)
#undef DEFINE_OPS

/* ---- i64 only ---- */

void tcg_gen_ext32s_i64(TCGv_i64 d, TCGv_i64 a)
{
    emit2(INDEX_op_ext32s, TCG_TYPE_I64, tcgv_i64_temp(d), tcgv_i64_temp(a));
}

void tcg_gen_ext32u_i64(TCGv_i64 d, TCGv_i64 a)
{
    emit2(INDEX_op_ext32u, TCG_TYPE_I64, tcgv_i64_temp(d), tcgv_i64_temp(a));
}

void tcg_gen_bswap64_i64(TCGv_i64 d, TCGv_i64 a)
{
    emit2(INDEX_op_bswap64, TCG_TYPE_I64, tcgv_i64_temp(d), tcgv_i64_temp(a));
}

void tcg_gen_ld32u_i64(TCGv_i64 d, TCGv_ptr base, intptr_t ofs)
{
    gen_ldst(INDEX_op_ld32u, TCG_TYPE_I64, tcgv_i64_temp(d), base, ofs);
}

void tcg_gen_ld32s_i64(TCGv_i64 d, TCGv_ptr base, intptr_t ofs)
{
    gen_ldst(INDEX_op_ld32s, TCG_TYPE_I64, tcgv_i64_temp(d), base, ofs);
}

void tcg_gen_st32_i64(TCGv_i64 v, TCGv_ptr base, intptr_t ofs)
{
    gen_ldst(INDEX_op_st32, TCG_TYPE_I64, tcgv_i64_temp(v), base, ofs);
}

/* ---- width conversions ---- */

void tcg_gen_ext_i32_i64(TCGv_i64 d, TCGv_i32 a)
{
    emit2(INDEX_op_ext_i32_i64, TCG_TYPE_I64, tcgv_i64_temp(d), tcgv_i32_temp(a));
}

void tcg_gen_extu_i32_i64(TCGv_i64 d, TCGv_i32 a)
{
    emit2(INDEX_op_extu_i32_i64, TCG_TYPE_I64, tcgv_i64_temp(d), tcgv_i32_temp(a));
}

void tcg_gen_extrl_i64_i32(TCGv_i32 d, TCGv_i64 a)
{
    emit2(INDEX_op_extrl_i64_i32, TCG_TYPE_I32, tcgv_i32_temp(d), tcgv_i64_temp(a));
}

void tcg_gen_extrh_i64_i32(TCGv_i32 d, TCGv_i64 a)
{
    emit2(INDEX_op_extrh_i64_i32, TCG_TYPE_I32, tcgv_i32_temp(d), tcgv_i64_temp(a));
}

/* ---- pointers (host pointers are i64) ---- */

void tcg_gen_ld_ptr(TCGv_ptr d, TCGv_ptr base, intptr_t ofs)
{
    gen_ldst(INDEX_op_ld, TCG_TYPE_PTR, tcgv_ptr_temp(d), base, ofs);
}

void tcg_gen_st_ptr(TCGv_ptr v, TCGv_ptr base, intptr_t ofs)
{
    gen_ldst(INDEX_op_st, TCG_TYPE_PTR, tcgv_ptr_temp(v), base, ofs);
}

void tcg_gen_addi_ptr(TCGv_ptr d, TCGv_ptr a, intptr_t b)
{
    gen_addi(TCG_TYPE_PTR, tcgv_ptr_temp(d), tcgv_ptr_temp(a), b);
}

void tcg_gen_add_ptr(TCGv_ptr d, TCGv_ptr a, TCGv_ptr b)
{
    gen_binop(INDEX_op_add, TCG_TYPE_PTR, tcgv_ptr_temp(d), tcgv_ptr_temp(a), tcgv_ptr_temp(b));
}

void tcg_gen_ext_i32_ptr(TCGv_ptr d, TCGv_i32 a)
{
    emit2(INDEX_op_ext_i32_i64, TCG_TYPE_PTR, tcgv_ptr_temp(d), tcgv_i32_temp(a));
}

void tcg_gen_mov_ptr(TCGv_ptr d, TCGv_ptr a)
{
    gen_mov(TCG_TYPE_PTR, tcgv_ptr_temp(d), tcgv_ptr_temp(a));
}

/* ---- control flow ---- */

void tcg_gen_br(TCGLabel *l)
{
    TCGOp *op = tcg_emit_op(INDEX_op_br, TCG_TYPE_I64, 1);
    op->args[0] = label_arg(l);
    l->refs++;
}

void gen_set_label(TCGLabel *l)
{
    TCGOp *op = tcg_emit_op(INDEX_op_set_label, TCG_TYPE_I64, 1);
    op->args[0] = label_arg(l);
    l->present = true;
}

void tcg_gen_mb(unsigned type)
{
    TCGOp *op = tcg_emit_op(INDEX_op_mb, TCG_TYPE_I64, 1);
    op->args[0] = type;
}

void tcg_gen_discard_i32(TCGv_i32 a)
{
    emit1(INDEX_op_discard, TCG_TYPE_I32, tcgv_i32_temp(a));
}

void tcg_gen_discard_i64(TCGv_i64 a)
{
    emit1(INDEX_op_discard, TCG_TYPE_I64, tcgv_i64_temp(a));
}

void tcg_gen_insn_start(uint64_t w0, uint64_t w1)
{
    TCGContext *s = tcg_ctx;
    TCGOp *op;

    if (s->nb_insn_starts >= TCG_MAX_INSNS) {
        s->overflow = true; /* TCGGenResult has room for no more */
    }
    s->nb_insn_starts++;
    op = tcg_emit_op(INDEX_op_insn_start, TCG_TYPE_I64, TCG_INSN_START_WORDS);
    op->args[0] = w0;
    op->args[1] = w1;
}

void tcg_gen_goto_tb(unsigned n)
{
    TCGOp *op = tcg_emit_op(INDEX_op_goto_tb, TCG_TYPE_I64, 1);
    op->args[0] = n;
}

void tcg_gen_exit_tb(const void *tb, unsigned n)
{
    TCGOp *op = tcg_emit_op(INDEX_op_exit_tb, TCG_TYPE_I64, 1);
    op->args[0] = (uintptr_t)tb + n;
}

void tcg_gen_goto_ptr(TCGv_ptr p)
{
    TCGOp *op = tcg_emit_op(INDEX_op_goto_ptr, TCG_TYPE_PTR, 1);
    op->args[0] = temp_arg(tcgv_ptr_temp(p));
}

void tcg_gen_callN(void *func, unsigned flags, TCGTemp *ret, int nargs, TCGTemp **args)
{
    int nout = ret != NULL;
    TCGOp *op;
    int i;

    if (nargs < 0 || nargs > TCG_MAX_CALL_IARGS) {
        /* A helper signature the backends cannot pass: an emulator bug. */
        fprintf(stderr, "tcg: call with %d arguments (max %d)\n", nargs, TCG_MAX_CALL_IARGS);
        abort();
    }
    op = tcg_emit_op(INDEX_op_call, ret ? ret->type : TCG_TYPE_I64, nout + nargs + 2);
    op->callo = nout;
    op->calli = nargs;
    if (ret) {
        op->args[0] = temp_arg(ret);
    }
    for (i = 0; i < nargs; i++) {
        op->args[nout + i] = temp_arg(args[i]);
    }
    op->args[nout + nargs] = (TCGArg)(uintptr_t)func;
    op->args[nout + nargs + 1] = flags;
}
