/*
 * The x86-64 host backend: prologue/epilogue, per-op register constraints
 * and instruction selection, and the gen_code driver.
 *
 * gen_code walks the op list once. For each op it describes what the op
 * accepts (X86OpCt: registers, immediates, aliasing, clobbers), lets the
 * register allocator (regalloc.c) place every argument, and emits the
 * instructions. Control flow ops, calls and movs are handled by the
 * allocator's dedicated entry points. Branches to labels not yet placed
 * are patched at the end; out-of-line slow paths follow the block's code.
 *
 * Generated code runs inside the frame the prologue builds (see
 * x86-internal.h): env in rbp, guest_base in r14, rsp 16-byte aligned.
 * exit_tb jumps to the epilogue, which tears the frame down and returns
 * rax from exec(); goto_tb is a patchable jmp rel32 whose field is 4-byte
 * aligned so that chaining is one atomic store.
 *
 * Host features (BMI1/2, LZCNT, POPCNT, MOVBE) are read with cpuid at init
 * and only select faster encodings; every op has a baseline sequence.
 */
#include <cpuid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x86-internal.h"

unsigned x86_host_features;
uintptr_t x86_tb_ret_addr;
static void *x86_prologue;
/* set by tests to run without some host features (-1: use cpuid) */
int x86_force_features = -1;

void x86_asm_need(X86Gen *g, size_t n)
{
    if ((size_t)(g->a.end - g->a.ptr) < n) {
        longjmp(g->overflow, 1);
    }
}

static unsigned x86_detect_features(void)
{
    unsigned a, b, c, d, f = 0;

    if (__get_cpuid(1, &a, &b, &c, &d)) {
        if (c & (1u << 23)) {
            f |= X86_FEAT_POPCNT;
        }
        if (c & (1u << 22)) {
            f |= X86_FEAT_MOVBE;
        }
    }
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        if (b & (1u << 3)) {
            f |= X86_FEAT_BMI1;
        }
        if (b & (1u << 8)) {
            f |= X86_FEAT_BMI2;
        }
    }
    if (__get_cpuid(0x80000001, &a, &b, &c, &d)) {
        if (c & (1u << 5)) {
            f |= X86_FEAT_LZCNT;
        }
    }
    return f;
}

/* --- small emitters -------------------------------------------------- */

void x86_emit_call(X86Gen *g, uintptr_t func)
{
    x86_asm_need(g, 16);
    if (x86_rel32_ok(&g->a, func, 5)) {
        x86_jmp_abs(&g->a, OPC_CALL_Jz, func);
    } else {
        x86_movi(&g->a, true, X86_RAX, (int64_t)func);
        x86_rr(&g->a, OPC_GRP5, EXT5_CALL, X86_RAX);
    }
}

/* Jump (cc < 0) or conditional jump to a label. */
void x86_emit_jcc_label(X86Gen *g, int cc, TCGLabel *l)
{
    X86Asm *a = &g->a;

    x86_asm_need(g, 8);
    if (l->has_value) {
        int64_t rel = (int64_t)(l->value - ((uintptr_t)a->ptr + 2));
        if (x86_fits_s8(rel)) {
            x86_b(a, (uint8_t)(cc < 0 ? OPC_JMP_short : OPC_JCC_short + cc));
            x86_b(a, (uint8_t)rel);
            return;
        }
        if (cc < 0) {
            x86_jmp_abs(a, OPC_JMP_long, l->value);
        } else {
            x86_b(a, 0x0f);
            x86_jmp_abs(a, 0x80 + cc, l->value);
        }
        return;
    }
    if (cc < 0) {
        x86_b(a, OPC_JMP_long);
    } else {
        x86_b(a, 0x0f);
        x86_b(a, (uint8_t)(0x80 + cc));
    }
    g->relocs[g->nb_relocs].ofs = (uint32_t)x86_offset(a);
    g->relocs[g->nb_relocs].label = l;
    g->nb_relocs++;
    x86_d32(a, 0);
}

static const int8_t x86_cond_cc[] = {
    [TCG_COND_EQ] = JCC_E,  [TCG_COND_NE] = JCC_NE,   [TCG_COND_LT] = JCC_L,
    [TCG_COND_GE] = JCC_GE, [TCG_COND_LE] = JCC_LE,   [TCG_COND_GT] = JCC_G,
    [TCG_COND_LTU] = JCC_B, [TCG_COND_GEU] = JCC_AE,  [TCG_COND_LEU] = JCC_BE,
    [TCG_COND_GTU] = JCC_A, [TCG_COND_TSTEQ] = JCC_E, [TCG_COND_TSTNE] = JCC_NE,
};

/* Set the flags for "a cond b"; b is a register or (breg < 0) bimm. */
static void x86_emit_cmp(X86Gen *g, TCGCond cond, bool is64, int a, int breg, int64_t bimm)
{
    X86Asm *as = &g->a;

    if (cond == TCG_COND_TSTEQ || cond == TCG_COND_TSTNE) {
        if (breg >= 0) {
            x86_rr(as, OPC_TESTL | x86_w(is64), breg, a);
        } else if (bimm == (uint8_t)bimm) {
            x86_rr(as, OPC_TESTB_EbIb | X86_PBYTE_M, 0, a);
            x86_b(as, (uint8_t)bimm);
        } else {
            x86_rr(as, OPC_GRP3_Ev | x86_w(is64), EXT3_TEST, a);
            x86_d32(as, (uint32_t)bimm);
        }
        return;
    }
    if (breg >= 0) {
        x86_arith_rr(as, ARITH_CMP, is64, a, breg);
    } else if ((is64 ? bimm : (int32_t)bimm) == 0) {
        /* same flags as cmp $0 for every condition */
        x86_rr(as, OPC_TESTL | x86_w(is64), a, a);
    } else {
        x86_arith_ri(as, ARITH_CMP, is64, a, (int32_t)bimm);
    }
}

/* --- constraints ----------------------------------------------------- */

static const X86ArgCt ct_none = { 0, X86_CST_NONE, -1, false, false };

static X86ArgCt ct_in(uint16_t regs, int cst)
{
    X86ArgCt c = ct_none;
    c.regs = regs;
    c.cst = (uint8_t)cst;
    return c;
}

static X86ArgCt ct_out(uint16_t regs)
{
    X86ArgCt c = ct_none;
    c.regs = regs;
    return c;
}

static X86ArgCt ct_alias(int in)
{
    X86ArgCt c = ct_none;
    c.regs = X86_ALLOC_REGS;
    c.alias = (int8_t)in;
    return c;
}

/* Whether input i of op holds a constant, and which. */
static bool op_in_const(X86Gen *g, const TCGOp *op, int i, int64_t *v)
{
    return ra_is_const(g, arg_temp(op->args[tcg_op_nb_oargs(op) + i]), v);
}

static int op_width(const TCGOp *op)
{
    return op->type == TCG_TYPE_I64 ? 64 : 32;
}

static uint64_t width_mask(int w)
{
    return w == 64 ? ~0ull : 0xffffffffull;
}

/* The bits of a deposit field, and whether the op can take b as an immediate. */
static bool deposit_imm_ok(const TCGOp *op, int64_t b)
{
    int w = op_width(op);
    unsigned ofs = (unsigned)op->args[3], len = (unsigned)op->args[4];
    uint64_t mask = (len >= 64 ? ~0ull : ((1ull << len) - 1)) << ofs;
    uint64_t field = ((uint64_t)b << ofs) & mask;

    if (w == 32) {
        return true;
    }
    return x86_fits_s32((int64_t)~mask) && x86_fits_s32((int64_t)field);
}

static void op_constraints(X86Gen *g, const TCGOp *op, X86OpCt *ct)
{
    const uint16_t R = X86_ALLOC_REGS, IN = X86_IN_REGS;
    int w = op_width(op);
    int64_t v;
    int i;

    for (i = 0; i < X86_MAX_OUT; i++) {
        ct->out[i] = ct_none;
    }
    for (i = 0; i < X86_MAX_IN; i++) {
        ct->in[i] = ct_none;
    }
    ct->clobber = 0;
    ct->nb_scratch = 0;
    ct->prefer_in = -1;
    ct->sync_globals = false;

    switch (op->opc) {
    case INDEX_op_ld8u:
    case INDEX_op_ld8s:
    case INDEX_op_ld16u:
    case INDEX_op_ld16s:
    case INDEX_op_ld32u:
    case INDEX_op_ld32s:
    case INDEX_op_ld:
        ct->out[0] = ct_out(R);
        ct->in[0] = ct_in(IN, X86_CST_NONE);
        ct->prefer_in = 0;
        if (!x86_fits_s32((int64_t)op->args[2])) {
            ct->nb_scratch = 1;
        }
        break;
    case INDEX_op_st8:
    case INDEX_op_st16:
    case INDEX_op_st32:
    case INDEX_op_st:
        ct->in[0] = ct_in(R, (op->opc == INDEX_op_st && w == 64) ? X86_CST_S32 : X86_CST_ANY);
        ct->in[1] = ct_in(IN, X86_CST_NONE);
        if (!x86_fits_s32((int64_t)op->args[2])) {
            ct->nb_scratch = 1;
        }
        break;

    case INDEX_op_add:
    case INDEX_op_sub:
    case INDEX_op_mul:
    case INDEX_op_and:
    case INDEX_op_or:
    case INDEX_op_xor:
    case INDEX_op_eqv:
    case INDEX_op_nand:
    case INDEX_op_nor:
        ct->out[0] = ct_out(R);
        ct->in[0] = ct_in(IN, X86_CST_NONE);
        ct->in[1] = ct_in(IN, X86_CST_S32);
        if (op->opc == INDEX_op_and && w == 64 && op_in_const(g, op, 1, &v) && v == 0xffffffffll) {
            ct->in[1].cst = X86_CST_ANY; /* emitted as a 32-bit mov */
        }
        ct->prefer_in = 0;
        break;
    case INDEX_op_andc:
    case INDEX_op_orc:
        ct->out[0] = ct_out(R);
        ct->in[0] = ct_in(IN, X86_CST_NONE);
        ct->in[1] = ct_in(IN, X86_CST_S32);
        if (op->opc == INDEX_op_orc || !x86_have(X86_FEAT_BMI1)) {
            /* mov d, b; not d; op d, a: d must be neither a nor b */
            ct->out[0].newreg = !(op_in_const(g, op, 1, &v) && (w == 32 || x86_fits_s32(v)));
        }
        ct->prefer_in = 0;
        break;

    case INDEX_op_div:
    case INDEX_op_divu:
    case INDEX_op_rem:
    case INDEX_op_remu:
        if (op->opc == INDEX_op_div || op->opc == INDEX_op_divu) {
            ct->out[0] = ct_alias(0);
        } else {
            ct->out[0] = ct_out(X86_REG_BIT(X86_RDX));
        }
        ct->in[0] = ct_in(X86_REG_BIT(X86_RAX), X86_CST_NONE);
        ct->in[0].destroyed = true;
        ct->in[1] = ct_in(R & ~(X86_REG_BIT(X86_RAX) | X86_REG_BIT(X86_RDX)), X86_CST_NONE);
        ct->clobber = X86_REG_BIT(X86_RDX);
        break;

    case INDEX_op_shl:
    case INDEX_op_shr:
    case INDEX_op_sar:
    case INDEX_op_rotl:
    case INDEX_op_rotr:
        if (op_in_const(g, op, 1, &v)) {
            ct->out[0] = ct_out(R);
            ct->in[0] = ct_in(IN, X86_CST_NONE);
            ct->in[1] = ct_in(R, X86_CST_ANY);
            ct->prefer_in = 0;
        } else if (x86_have(X86_FEAT_BMI2) && (op->opc == INDEX_op_shl || op->opc == INDEX_op_shr ||
                                               op->opc == INDEX_op_sar)) {
            ct->out[0] = ct_out(R);
            ct->in[0] = ct_in(IN, X86_CST_NONE);
            ct->in[1] = ct_in(R, X86_CST_NONE);
            ct->prefer_in = 0;
        } else {
            ct->out[0] = ct_alias(0);
            ct->in[0] = ct_in(R & ~X86_REG_BIT(X86_RCX), X86_CST_NONE);
            ct->in[0].destroyed = true;
            ct->in[1] = ct_in(X86_REG_BIT(X86_RCX), X86_CST_NONE);
        }
        break;

    case INDEX_op_neg:
    case INDEX_op_not:
    case INDEX_op_ext8s:
    case INDEX_op_ext8u:
    case INDEX_op_ext16s:
    case INDEX_op_ext16u:
    case INDEX_op_ext32s:
    case INDEX_op_ext32u:
    case INDEX_op_ext_i32_i64:
    case INDEX_op_extu_i32_i64:
    case INDEX_op_extrl_i64_i32:
    case INDEX_op_extrh_i64_i32:
    case INDEX_op_bswap16:
    case INDEX_op_bswap32:
    case INDEX_op_bswap64:
    case INDEX_op_extract:
    case INDEX_op_sextract:
        ct->out[0] = ct_out(R);
        ct->in[0] = ct_in(IN, X86_CST_NONE);
        ct->prefer_in = 0;
        switch (op->opc) {
        case INDEX_op_ext8s:
        case INDEX_op_ext8u:
        case INDEX_op_ext16s:
        case INDEX_op_ext16u:
        case INDEX_op_ext32s:
        case INDEX_op_ext32u:
        case INDEX_op_ext_i32_i64:
        case INDEX_op_extu_i32_i64:
        case INDEX_op_extrl_i64_i32:
        case INDEX_op_extrh_i64_i32:
            ct->in[0].mem = true; /* an extending load from the slot */
            break;
        default:
            break;
        }
        break;

    case INDEX_op_deposit:
        ct->out[0] = ct_out(R);
        ct->in[0] = ct_in(IN, X86_CST_NONE);
        if (op_in_const(g, op, 1, &v) && deposit_imm_ok(op, v)) {
            ct->in[1] = ct_in(IN, X86_CST_ANY);
        } else {
            ct->in[1] = ct_in(IN, X86_CST_NONE);
            ct->nb_scratch = 1;
        }
        ct->prefer_in = 0;
        break;

    case INDEX_op_clz:
    case INDEX_op_ctz: {
        bool fast = op->opc == INDEX_op_clz ? x86_have(X86_FEAT_LZCNT) : x86_have(X86_FEAT_BMI1);
        ct->out[0] = ct_out(R);
        ct->out[0].newreg = true;
        ct->in[0] = ct_in(IN, X86_CST_NONE);
        ct->in[1] = ct_in(IN, X86_CST_NONE);
        if (fast && op_in_const(g, op, 1, &v) && (uint64_t)v == (uint64_t)w) {
            ct->in[1].cst = X86_CST_ANY; /* lzcnt/tzcnt already give the width */
        }
        break;
    }
    case INDEX_op_ctpop:
        ct->out[0] = ct_out(R);
        ct->in[0] = ct_in(IN, X86_CST_NONE);
        ct->prefer_in = 0;
        if (!x86_have(X86_FEAT_POPCNT)) {
            ct->out[0].newreg = true;
            ct->nb_scratch = 2;
        }
        break;

    case INDEX_op_mulu2:
    case INDEX_op_muls2:
        ct->out[0] = ct_alias(0);
        ct->out[1] = ct_out(X86_REG_BIT(X86_RDX));
        ct->in[0] = ct_in(X86_REG_BIT(X86_RAX), X86_CST_NONE);
        ct->in[0].destroyed = true;
        ct->in[1] = ct_in(R & ~(X86_REG_BIT(X86_RAX) | X86_REG_BIT(X86_RDX)), X86_CST_NONE);
        ct->clobber = X86_REG_BIT(X86_RDX);
        break;
    case INDEX_op_add2:
    case INDEX_op_sub2:
        ct->out[0] = ct_alias(0);
        ct->out[1] = ct_alias(1);
        ct->in[0] = ct_in(R, X86_CST_NONE);
        ct->in[0].destroyed = true;
        ct->in[1] = ct_in(R, X86_CST_NONE);
        ct->in[1].destroyed = true;
        ct->in[2] = ct_in(IN, X86_CST_S32);
        ct->in[3] = ct_in(IN, X86_CST_S32);
        break;

    case INDEX_op_setcond:
        ct->out[0] = ct_out(R);
        ct->in[0] = ct_in(IN, X86_CST_NONE);
        ct->in[1] = ct_in(IN, X86_CST_S32);
        break;
    case INDEX_op_movcond:
        ct->out[0] = ct_alias(3);
        ct->in[0] = ct_in(IN, X86_CST_NONE);
        ct->in[1] = ct_in(IN, X86_CST_S32);
        ct->in[2] = ct_in(IN, X86_CST_NONE);
        ct->in[3] = ct_in(R, X86_CST_NONE);
        ct->in[3].destroyed = true;
        break;
    case INDEX_op_brcond:
        ct->in[0] = ct_in(IN, X86_CST_NONE);
        ct->in[1] = ct_in(IN, X86_CST_S32);
        break;
    case INDEX_op_goto_ptr:
        ct->in[0] = ct_in(IN, X86_CST_NONE);
        break;
    case INDEX_op_qemu_ld:
    case INDEX_op_qemu_st:
        x86_ldst_constraints(g, op, ct);
        break;
    default:
        break;
    }
}

/* --- instruction selection ------------------------------------------ */

/* d = a <op> b for a commutative or not ALU op, two-address style. */
static void emit_alu(X86Gen *g, int aop, bool is64, int d, int a, int b, int64_t bimm, bool comm)
{
    X86Asm *as = &g->a;

    if (b < 0) {
        if (d != a) {
            x86_mov_rr(as, is64, d, a);
        }
        x86_arith_ri(as, aop, is64, d, (int32_t)bimm);
    } else if (d == a) {
        x86_arith_rr(as, aop, is64, d, b);
    } else if (d == b && comm) {
        x86_arith_rr(as, aop, is64, d, a);
    } else if (d == b) {
        /* d = a - d */
        x86_grp3(as, EXT3_NEG, is64, d);
        x86_arith_rr(as, ARITH_ADD, is64, d, a);
    } else {
        x86_mov_rr(as, is64, d, a);
        x86_arith_rr(as, aop, is64, d, b);
    }
}

/* d = a + b, using lea when no operand is the destination. */
static void emit_add(X86Gen *g, bool is64, int d, int a, int b, int64_t bimm)
{
    X86Asm *as = &g->a;

    if (b < 0) {
        int32_t imm = (int32_t)bimm;
        if (imm == 0) {
            if (d != a) {
                x86_mov_rr(as, is64, d, a);
            }
        } else if (d == a) {
            x86_arith_ri(as, ARITH_ADD, is64, d, imm);
        } else {
            x86_rm(as, OPC_LEA | x86_w(is64), d, a, imm);
        }
    } else if (d == a) {
        x86_arith_rr(as, ARITH_ADD, is64, d, b);
    } else if (d == b) {
        x86_arith_rr(as, ARITH_ADD, is64, d, a);
    } else {
        /* rbp/r13 cannot be a SIB base without disp; make the other one base */
        int base = a, index = b;
        if (index == X86_RSP) {
            base = b;
            index = a;
        }
        x86_rm_sib(as, OPC_LEA | x86_w(is64), d, base, index, 0, 0);
    }
}

static void emit_mul(X86Gen *g, bool is64, int d, int a, int b, int64_t bimm)
{
    X86Asm *as = &g->a;

    if (b < 0) {
        if (x86_fits_s8(bimm)) {
            x86_rr(as, OPC_IMUL_GvEvIb | x86_w(is64), d, a);
            x86_b(as, (uint8_t)bimm);
        } else {
            x86_rr(as, OPC_IMUL_GvEvIz | x86_w(is64), d, a);
            x86_d32(as, (uint32_t)bimm);
        }
    } else if (d == a) {
        x86_rr(as, OPC_IMUL_GvEv | x86_w(is64), d, b);
    } else if (d == b) {
        x86_rr(as, OPC_IMUL_GvEv | x86_w(is64), d, a);
    } else {
        x86_mov_rr(as, is64, d, a);
        x86_rr(as, OPC_IMUL_GvEv | x86_w(is64), d, b);
    }
}

static void emit_shift(X86Gen *g, const TCGOp *op, const X86OpArgs *r)
{
    X86Asm *as = &g->a;
    bool is64 = op->type == TCG_TYPE_I64;
    int w = is64 ? 64 : 32;
    int d = r->o[0], a = r->i[0], b = r->i[1];
    int sop;

    switch (op->opc) {
    case INDEX_op_shl:
        sop = SHIFT_SHL;
        break;
    case INDEX_op_shr:
        sop = SHIFT_SHR;
        break;
    case INDEX_op_sar:
        sop = SHIFT_SAR;
        break;
    case INDEX_op_rotl:
        sop = SHIFT_ROL;
        break;
    default:
        sop = SHIFT_ROR;
        break;
    }
    if (b < 0) {
        int n = (int)(r->c[1] & (w - 1));
        if (n == 0) {
            if (d != a) {
                x86_mov_rr(as, is64, d, a);
            }
            return;
        }
        if (d != a && x86_have(X86_FEAT_BMI2) && (sop == SHIFT_ROL || sop == SHIFT_ROR)) {
            x86_vex_rr(as, OPC_RORX | x86_w(is64), d, 0, a);
            x86_b(as, (uint8_t)(sop == SHIFT_ROR ? n : w - n));
            return;
        }
        if (d != a) {
            x86_mov_rr(as, is64, d, a);
        }
        x86_shift_ri(as, sop, is64, d, n);
        return;
    }
    if (sop == SHIFT_SHL || sop == SHIFT_SHR || sop == SHIFT_SAR) {
        if (x86_have(X86_FEAT_BMI2)) {
            int opc = sop == SHIFT_SHL ? OPC_SHLX : sop == SHIFT_SHR ? OPC_SHRX : OPC_SARX;
            x86_vex_rr(as, opc | x86_w(is64), d, b, a);
            return;
        }
    }
    /* d is a's register, b is rcx */
    x86_shift_cl(as, sop, is64, d);
}

static void emit_deposit(X86Gen *g, const TCGOp *op, const X86OpArgs *r)
{
    X86Asm *as = &g->a;
    bool is64 = op->type == TCG_TYPE_I64;
    int w = is64 ? 64 : 32;
    unsigned ofs = (unsigned)op->args[3], len = (unsigned)op->args[4];
    int d = r->o[0], a = r->i[0], b = r->i[1];
    uint64_t mask;

    if (len == 0 || ofs >= (unsigned)w) {
        if (d != a) {
            x86_mov_rr(as, is64, d, a);
        }
        return;
    }
    if (ofs + len > (unsigned)w) {
        len = (unsigned)w - ofs;
    }
    mask = (len >= 64 ? ~0ull : ((1ull << len) - 1)) << ofs;
    mask &= width_mask(w);

    if (b < 0) {
        uint64_t field = ((uint64_t)r->c[1] << ofs) & mask;
        if (d != a) {
            x86_mov_rr(as, is64, d, a);
        }
        x86_arith_ri(as, ARITH_AND, is64, d, (int32_t)~mask);
        if (field) {
            x86_arith_ri(as, ARITH_OR, is64, d, (int32_t)field);
        }
        return;
    }
    if (len == (unsigned)w) {
        if (d != b) {
            x86_mov_rr(as, is64, d, b);
        }
        return;
    }
    if (ofs == 0 && (len == 8 || len == 16) && (d == a || d != b)) {
        /* write the low byte/word in place */
        if (d != a) {
            x86_mov_rr(as, is64, d, a);
        }
        if (len == 8) {
            x86_rr(as, OPC_MOVB_EbGb | X86_PBYTE_M, b, d);
        } else {
            x86_rr(as, OPC_MOVL_EvGv | X86_P66, b, d);
        }
        return;
    }
    {
        int t = r->t[0];
        /* t = (b & lenmask) << ofs */
        x86_mov_rr(as, is64, t, b);
        if (ofs + len < (unsigned)w) {
            x86_shift_ri(as, SHIFT_SHL, is64, t, w - (int)len);
            if (w - (int)len - (int)ofs) {
                x86_shift_ri(as, SHIFT_SHR, is64, t, w - (int)len - (int)ofs);
            }
        } else {
            x86_shift_ri(as, SHIFT_SHL, is64, t, (int)ofs);
        }
        if (d != a) {
            x86_mov_rr(as, is64, d, a);
        }
        /* clear the field in d */
        if (!is64 || x86_fits_s32((int64_t)~mask)) {
            x86_arith_ri(as, ARITH_AND, is64, d, (int32_t)~mask);
        } else {
            if (ofs) {
                x86_shift_ri(as, SHIFT_ROR, is64, d, (int)ofs);
            }
            x86_shift_ri(as, SHIFT_SHR, is64, d, (int)len);
            x86_shift_ri(as, SHIFT_SHL, is64, d, (int)len);
            if (ofs) {
                x86_shift_ri(as, SHIFT_ROL, is64, d, (int)ofs);
            }
        }
        x86_arith_rr(as, ARITH_OR, is64, d, t);
    }
}

static void emit_extract(X86Gen *g, const TCGOp *op, const X86OpArgs *r, bool sign)
{
    X86Asm *as = &g->a;
    bool is64 = op->type == TCG_TYPE_I64;
    int w = is64 ? 64 : 32;
    unsigned ofs = (unsigned)op->args[2], len = (unsigned)op->args[3];
    int d = r->o[0], a = r->i[0];

    if (len == 0 || ofs >= (unsigned)w) {
        x86_movi(as, is64, d, 0);
        return;
    }
    if (ofs + len > (unsigned)w) {
        len = (unsigned)w - ofs;
    }
    if (ofs == 0 && len == 8) {
        x86_rr(as, (sign ? OPC_MOVSBL : OPC_MOVZBL) | X86_PBYTE_M | x86_w(is64 && sign), d, a);
        return;
    }
    if (ofs == 0 && len == 16) {
        x86_rr(as, (sign ? OPC_MOVSWL : OPC_MOVZWL) | x86_w(is64 && sign), d, a);
        return;
    }
    if (ofs == 0 && len == 32 && is64) {
        if (sign) {
            x86_rr(as, OPC_MOVSLQ, d, a);
        } else {
            x86_mov_rr(as, false, d, a);
        }
        return;
    }
    if (len == (unsigned)w) {
        if (d != a) {
            x86_mov_rr(as, is64, d, a);
        }
        return;
    }
    if (!sign && is64 && ofs + len <= 32) {
        /* 32-bit operations zero the upper half anyway, and are shorter */
        is64 = false;
        w = 32;
    }
    if (d != a) {
        x86_mov_rr(as, is64, d, a);
    }
    if (ofs + len == (unsigned)w) {
        x86_shift_ri(as, sign ? SHIFT_SAR : SHIFT_SHR, is64, d, (int)ofs);
    } else if (!sign && ofs == 0 && len < 32) {
        x86_arith_ri(as, ARITH_AND, is64, d, (int32_t)((1u << len) - 1));
    } else {
        if (w - (int)ofs - (int)len) {
            x86_shift_ri(as, SHIFT_SHL, is64, d, w - (int)ofs - (int)len);
        }
        x86_shift_ri(as, sign ? SHIFT_SAR : SHIFT_SHR, is64, d, w - (int)len);
    }
}

static void emit_clz_ctz(X86Gen *g, const TCGOp *op, const X86OpArgs *r)
{
    X86Asm *as = &g->a;
    bool is64 = op->type == TCG_TYPE_I64;
    int w = is64 ? 64 : 32;
    int d = r->o[0], a = r->i[0], b = r->i[1];

    if (op->opc == INDEX_op_ctz) {
        if (x86_have(X86_FEAT_BMI1)) {
            x86_rr(as, OPC_TZCNT | x86_w(is64), d, a);
            if (b >= 0) {
                x86_rr(as, (OPC_CMOVCC + JCC_B) | x86_w(is64), d, b);
            }
        } else {
            x86_rr(as, OPC_BSF | x86_w(is64), d, a);
            x86_rr(as, (OPC_CMOVCC + JCC_E) | x86_w(is64), d, b);
        }
        return;
    }
    if (x86_have(X86_FEAT_LZCNT)) {
        x86_rr(as, OPC_LZCNT | x86_w(is64), d, a);
        if (b >= 0) {
            x86_rr(as, (OPC_CMOVCC + JCC_B) | x86_w(is64), d, b);
        }
        return;
    }
    /* clz = (w - 1) ^ bsr(a); bsr leaves d undefined when a is 0 */
    x86_rr(as, OPC_BSR | x86_w(is64), d, a);
    x86_arith_ri(as, ARITH_XOR, is64, d, w - 1);
    x86_rr(as, OPC_TESTL | x86_w(is64), a, a);
    x86_rr(as, (OPC_CMOVCC + JCC_E) | x86_w(is64), d, b);
}

/* Population count without POPCNT: the classic SWAR reduction. */
static void emit_ctpop_soft(X86Gen *g, bool is64, int d, int a, int t, int m)
{
    X86Asm *as = &g->a;
    int w = is64 ? 64 : 32;
    uint64_t k1 = 0x5555555555555555ull, k2 = 0x3333333333333333ull;
    uint64_t k4 = 0x0f0f0f0f0f0f0f0full, h01 = 0x0101010101010101ull;

    /* d = a - ((a >> 1) & k1) */
    x86_mov_rr(as, is64, d, a);
    x86_mov_rr(as, is64, t, a);
    x86_shift_ri(as, SHIFT_SHR, is64, t, 1);
    x86_movi(as, is64, m, (int64_t)k1);
    x86_arith_rr(as, ARITH_AND, is64, t, m);
    x86_arith_rr(as, ARITH_SUB, is64, d, t);
    /* d = (d & k2) + ((d >> 2) & k2) */
    x86_movi(as, is64, m, (int64_t)k2);
    x86_mov_rr(as, is64, t, d);
    x86_shift_ri(as, SHIFT_SHR, is64, t, 2);
    x86_arith_rr(as, ARITH_AND, is64, t, m);
    x86_arith_rr(as, ARITH_AND, is64, d, m);
    x86_arith_rr(as, ARITH_ADD, is64, d, t);
    /* d = (d + (d >> 4)) & k4 */
    x86_mov_rr(as, is64, t, d);
    x86_shift_ri(as, SHIFT_SHR, is64, t, 4);
    x86_arith_rr(as, ARITH_ADD, is64, d, t);
    x86_movi(as, is64, m, (int64_t)k4);
    x86_arith_rr(as, ARITH_AND, is64, d, m);
    /* d = (d * h01) >> (w - 8) */
    x86_movi(as, is64, m, (int64_t)h01);
    x86_rr(as, OPC_IMUL_GvEv | x86_w(is64), d, m);
    x86_shift_ri(as, SHIFT_SHR, is64, d, w - 8);
}

static void emit_setcond(X86Gen *g, const TCGOp *op, const X86OpArgs *r)
{
    X86Asm *as = &g->a;
    bool is64 = op->type == TCG_TYPE_I64;
    TCGCond cond = (TCGCond)op->args[3];
    int d = r->o[0], a = r->i[0], b = r->i[1];

    if (cond == TCG_COND_ALWAYS || cond == TCG_COND_NEVER) {
        x86_movi(as, false, d, cond == TCG_COND_ALWAYS);
        return;
    }
    if (d != a && d != b) {
        /* zero first: avoids the movzx and a partial-register merge */
        x86_movi(as, false, d, 0);
        x86_emit_cmp(g, cond, is64, a, b, r->c[1]);
        x86_rr(as, OPC_SETCC + x86_cond_cc[cond], 0, d);
        return;
    }
    x86_emit_cmp(g, cond, is64, a, b, r->c[1]);
    x86_rr(as, OPC_SETCC + x86_cond_cc[cond], 0, d);
    x86_rr(as, OPC_MOVZBL | X86_PBYTE_M, d, d);
}

static void emit_movcond(X86Gen *g, const TCGOp *op, const X86OpArgs *r)
{
    X86Asm *as = &g->a;
    bool is64 = op->type == TCG_TYPE_I64;
    TCGCond cond = (TCGCond)op->args[5];
    int d = r->o[0];

    /* d already holds v2 */
    if (cond == TCG_COND_NEVER) {
        return;
    }
    if (cond == TCG_COND_ALWAYS) {
        x86_mov_rr(as, is64, d, r->i[2]);
        return;
    }
    x86_emit_cmp(g, cond, is64, r->i[0], r->i[1], r->c[1]);
    x86_rr(as, (OPC_CMOVCC + x86_cond_cc[cond]) | x86_w(is64), d, r->i[2]);
}

/* Memory operand base+ofs for host ld/st, using scratch t for big offsets. */
static void ldst_addr(X86Gen *g, const X86OpArgs *r, int base, intptr_t ofs, int *mbase,
                      int *mindex, int32_t *disp)
{
    *mbase = base;
    *mindex = -1;
    *disp = (int32_t)ofs;
    if (!x86_fits_s32(ofs)) {
        x86_movi(&g->a, true, r->t[0], ofs);
        *mindex = r->t[0];
        *disp = 0;
    }
}

static void emit_host_ld(X86Gen *g, const TCGOp *op, const X86OpArgs *r)
{
    bool is64 = op->type == TCG_TYPE_I64;
    int opc, b, x;
    int32_t disp;

    switch (op->opc) {
    case INDEX_op_ld8u:
        opc = OPC_MOVZBL;
        break;
    case INDEX_op_ld8s:
        opc = OPC_MOVSBL | x86_w(is64);
        break;
    case INDEX_op_ld16u:
        opc = OPC_MOVZWL;
        break;
    case INDEX_op_ld16s:
        opc = OPC_MOVSWL | x86_w(is64);
        break;
    case INDEX_op_ld32u:
        opc = OPC_MOVL_GvEv;
        break;
    case INDEX_op_ld32s:
        opc = OPC_MOVSLQ;
        break;
    default:
        opc = OPC_MOVL_GvEv | x86_w(is64);
        break;
    }
    ldst_addr(g, r, r->i[0], (intptr_t)op->args[2], &b, &x, &disp);
    x86_rm_sib(&g->a, opc, r->o[0], b, x, 0, disp);
}

static void emit_host_st(X86Gen *g, const TCGOp *op, const X86OpArgs *r)
{
    X86Asm *as = &g->a;
    bool is64 = op->type == TCG_TYPE_I64;
    int size, b, x;
    int32_t disp;

    switch (op->opc) {
    case INDEX_op_st8:
        size = 0;
        break;
    case INDEX_op_st16:
        size = 1;
        break;
    case INDEX_op_st32:
        size = 2;
        break;
    default:
        size = is64 ? 3 : 2;
        break;
    }
    ldst_addr(g, r, r->i[1], (intptr_t)op->args[2], &b, &x, &disp);
    if (r->i[0] >= 0) {
        static const int opcs[4] = { OPC_MOVB_EbGb, OPC_MOVL_EvGv | X86_P66, OPC_MOVL_EvGv,
                                     OPC_MOVL_EvGv | X86_PW };
        x86_rm_sib(as, opcs[size], r->i[0], b, x, 0, disp);
        return;
    }
    switch (size) {
    case 0:
        x86_rm_sib(as, OPC_MOVB_EbIb, 0, b, x, 0, disp);
        x86_b(as, (uint8_t)r->c[0]);
        break;
    case 1:
        x86_rm_sib(as, OPC_MOVL_EvIz | X86_P66, 0, b, x, 0, disp);
        x86_b(as, (uint8_t)r->c[0]);
        x86_b(as, (uint8_t)(r->c[0] >> 8));
        break;
    default:
        x86_rm_sib(as, OPC_MOVL_EvIz | x86_w(size == 3), 0, b, x, 0, disp);
        x86_d32(as, (uint32_t)r->c[0]);
        break;
    }
}

/*
 * Extensions and width conversions; the input may be a register or a
 * memory operand (X86_ARG_MEM), which is then read with an extending load.
 * i32 values in registers always have bits 63:32 clear (every i32 op uses
 * 32-bit encodings, which zero them; extrl_i64_i32 and i32 call results
 * get an explicit 32-bit mov), so extu_i32_i64 of a value that stays in
 * its register costs nothing.
 */
static void emit_ext(X86Gen *g, const TCGOp *op, const X86OpArgs *r)
{
    X86Asm *as = &g->a;
    bool is64 = op->type == TCG_TYPE_I64;
    int d = r->o[0], a = r->i[0];
    int opc;
    int32_t disp = r->md[0];

    switch (op->opc) {
    case INDEX_op_ext8s:
        opc = OPC_MOVSBL | X86_PBYTE_M | x86_w(is64);
        break;
    case INDEX_op_ext8u:
        opc = OPC_MOVZBL | X86_PBYTE_M;
        break;
    case INDEX_op_ext16s:
        opc = OPC_MOVSWL | x86_w(is64);
        break;
    case INDEX_op_ext16u:
        opc = OPC_MOVZWL;
        break;
    case INDEX_op_ext32s:
    case INDEX_op_ext_i32_i64:
        opc = OPC_MOVSLQ;
        break;
    case INDEX_op_extrh_i64_i32:
        if (a == X86_ARG_MEM) {
            /* the high half of a little-endian 64-bit slot */
            x86_rm(as, OPC_MOVL_GvEv, d, r->mb[0], disp + 4);
            return;
        }
        if (d != a) {
            x86_mov_rr(as, true, d, a);
        }
        x86_shift_ri(as, SHIFT_SHR, true, d, 32);
        return;
    case INDEX_op_extu_i32_i64:
        if (d == a) {
            return; /* already zero-extended */
        }
        opc = OPC_MOVL_GvEv;
        break;
    case INDEX_op_ext32u:
        if (d == a && g->in_zext) {
            return;
        }
        opc = OPC_MOVL_GvEv;
        break;
    default: /* extrl_i64_i32: a 32-bit mov, even onto itself */
        if (d == a && g->in_zext) {
            return;
        }
        opc = OPC_MOVL_GvEv;
        break;
    }
    if (a == X86_ARG_MEM) {
        x86_rm(as, opc & ~X86_PBYTE_M, d, r->mb[0], disp);
    } else {
        x86_rr(as, opc, d, a);
    }
}

/* Emit a generic op whose arguments are in place. */
static void emit_op(X86Gen *g, const TCGOp *op, const X86OpArgs *r)
{
    X86Asm *as = &g->a;
    bool is64 = op->type == TCG_TYPE_I64;
    int d = r->o[0], a = r->i[0], b = r->i[1];

    switch (op->opc) {
    case INDEX_op_ld8u:
    case INDEX_op_ld8s:
    case INDEX_op_ld16u:
    case INDEX_op_ld16s:
    case INDEX_op_ld32u:
    case INDEX_op_ld32s:
    case INDEX_op_ld:
        emit_host_ld(g, op, r);
        break;
    case INDEX_op_st8:
    case INDEX_op_st16:
    case INDEX_op_st32:
    case INDEX_op_st:
        emit_host_st(g, op, r);
        break;

    case INDEX_op_add:
        emit_add(g, is64, d, a, b, r->c[1]);
        break;
    case INDEX_op_sub:
        if (b < 0 && d != a && x86_fits_s32(-(int64_t)(int32_t)r->c[1])) {
            x86_rm(as, OPC_LEA | x86_w(is64), d, a, -(int32_t)r->c[1]);
        } else {
            emit_alu(g, ARITH_SUB, is64, d, a, b, r->c[1], false);
        }
        break;
    case INDEX_op_mul:
        emit_mul(g, is64, d, a, b, r->c[1]);
        break;
    case INDEX_op_and:
        if (b < 0 && (uint64_t)r->c[1] == 0xffffffffull && is64) {
            x86_mov_rr(as, false, d, a);
        } else if (b < 0 && (uint8_t)r->c[1] == 0xff && (r->c[1] | 0xff) == 0xff) {
            x86_rr(as, OPC_MOVZBL | X86_PBYTE_M, d, a);
        } else if (b < 0 && (uint16_t)r->c[1] == 0xffff && (r->c[1] | 0xffff) == 0xffff) {
            x86_rr(as, OPC_MOVZWL, d, a);
        } else {
            emit_alu(g, ARITH_AND, is64, d, a, b, r->c[1], true);
        }
        break;
    case INDEX_op_or:
        emit_alu(g, ARITH_OR, is64, d, a, b, r->c[1], true);
        break;
    case INDEX_op_xor:
        emit_alu(g, ARITH_XOR, is64, d, a, b, r->c[1], true);
        break;
    case INDEX_op_eqv:
        emit_alu(g, ARITH_XOR, is64, d, a, b, r->c[1], true);
        x86_grp3(as, EXT3_NOT, is64, d);
        break;
    case INDEX_op_nand:
        emit_alu(g, ARITH_AND, is64, d, a, b, r->c[1], true);
        x86_grp3(as, EXT3_NOT, is64, d);
        break;
    case INDEX_op_nor:
        emit_alu(g, ARITH_OR, is64, d, a, b, r->c[1], true);
        x86_grp3(as, EXT3_NOT, is64, d);
        break;
    case INDEX_op_andc:
    case INDEX_op_orc: {
        int aop = op->opc == INDEX_op_andc ? ARITH_AND : ARITH_OR;
        if (b < 0) {
            emit_alu(g, aop, is64, d, a, -1, ~r->c[1], true);
        } else if (aop == ARITH_AND && x86_have(X86_FEAT_BMI1)) {
            x86_vex_rr(as, OPC_ANDN | x86_w(is64), d, b, a);
        } else {
            /* d is a fresh register */
            x86_mov_rr(as, is64, d, b);
            x86_grp3(as, EXT3_NOT, is64, d);
            x86_arith_rr(as, aop, is64, d, a);
        }
        break;
    }

    case INDEX_op_div:
    case INDEX_op_rem:
        if (is64) {
            x86_opc(as, OPC_CQO | X86_PW, 0, 0, 0);
        } else {
            x86_opc(as, OPC_CQO, 0, 0, 0);
        }
        x86_grp3(as, EXT3_IDIV, is64, b);
        break;
    case INDEX_op_divu:
    case INDEX_op_remu:
        x86_movi(as, false, X86_RDX, 0);
        x86_grp3(as, EXT3_DIV, is64, b);
        break;

    case INDEX_op_shl:
    case INDEX_op_shr:
    case INDEX_op_sar:
    case INDEX_op_rotl:
    case INDEX_op_rotr:
        emit_shift(g, op, r);
        break;

    case INDEX_op_neg:
    case INDEX_op_not:
        if (d != a) {
            x86_mov_rr(as, is64, d, a);
        }
        x86_grp3(as, op->opc == INDEX_op_neg ? EXT3_NEG : EXT3_NOT, is64, d);
        break;

    case INDEX_op_ext8s:
    case INDEX_op_ext8u:
    case INDEX_op_ext16s:
    case INDEX_op_ext16u:
    case INDEX_op_ext32s:
    case INDEX_op_ext32u:
    case INDEX_op_ext_i32_i64:
    case INDEX_op_extu_i32_i64:
    case INDEX_op_extrl_i64_i32:
    case INDEX_op_extrh_i64_i32:
        emit_ext(g, op, r);
        break;

    case INDEX_op_bswap16:
        if (d != a) {
            x86_mov_rr(as, false, d, a);
        }
        x86_opc(as, OPC_BSWAP + (d & 7), 0, 0, d);
        x86_shift_ri(as, SHIFT_SHR, false, d, 16);
        break;
    case INDEX_op_bswap32:
    case INDEX_op_bswap64:
        if (d != a) {
            x86_mov_rr(as, is64, d, a);
        }
        x86_opc(as, (OPC_BSWAP + (d & 7)) | x86_w(op->opc == INDEX_op_bswap64), 0, 0, d);
        break;

    case INDEX_op_deposit:
        emit_deposit(g, op, r);
        break;
    case INDEX_op_extract:
        emit_extract(g, op, r, false);
        break;
    case INDEX_op_sextract:
        emit_extract(g, op, r, true);
        break;

    case INDEX_op_clz:
    case INDEX_op_ctz:
        emit_clz_ctz(g, op, r);
        break;
    case INDEX_op_ctpop:
        if (x86_have(X86_FEAT_POPCNT)) {
            x86_rr(as, OPC_POPCNT | x86_w(is64), d, a);
        } else {
            emit_ctpop_soft(g, is64, d, a, r->t[0], r->t[1]);
        }
        break;

    case INDEX_op_mulu2:
        x86_grp3(as, EXT3_MUL, is64, b);
        break;
    case INDEX_op_muls2:
        x86_grp3(as, EXT3_IMUL, is64, b);
        break;
    case INDEX_op_add2:
    case INDEX_op_sub2: {
        bool add = op->opc == INDEX_op_add2;
        int lo = r->o[0], hi = r->o[1];
        if (r->i[2] >= 0) {
            x86_arith_rr(as, add ? ARITH_ADD : ARITH_SUB, is64, lo, r->i[2]);
        } else {
            x86_arith_ri(as, add ? ARITH_ADD : ARITH_SUB, is64, lo, (int32_t)r->c[2]);
        }
        if (r->i[3] >= 0) {
            x86_arith_rr(as, add ? ARITH_ADC : ARITH_SBB, is64, hi, r->i[3]);
        } else {
            x86_arith_ri(as, add ? ARITH_ADC : ARITH_SBB, is64, hi, (int32_t)r->c[3]);
        }
        break;
    }

    case INDEX_op_setcond:
        emit_setcond(g, op, r);
        break;
    case INDEX_op_movcond:
        emit_movcond(g, op, r);
        break;

    case INDEX_op_qemu_ld:
        x86_emit_qemu_ld(g, op, r);
        break;
    case INDEX_op_qemu_st:
        x86_emit_qemu_st(g, op, r);
        break;
    default:
        fprintf(stderr, "tern: x86-64 backend: unhandled op %s\n", tcg_op_defs[op->opc].name);
        abort();
    }
}

/* --- control flow ---------------------------------------------------- */

static void emit_brcond(X86Gen *g, const TCGOp *op)
{
    X86OpCt ct;
    X86OpArgs r;
    TCGCond cond = (TCGCond)op->args[2];
    TCGLabel *l = arg_label(op->args[3]);

    op_constraints(g, op, &ct);
    ra_op_begin(g, op, &ct, &r);
    ra_bb_sync(g);
    x86_asm_need(g, 32);
    if (cond == TCG_COND_ALWAYS) {
        x86_emit_jcc_label(g, -1, l);
    } else if (cond != TCG_COND_NEVER) {
        x86_emit_cmp(g, cond, op->type == TCG_TYPE_I64, r.i[0], r.i[1], r.c[1]);
        x86_emit_jcc_label(g, x86_cond_cc[cond], l);
    }
    ra_op_end(g, op, &ct);
}

/*
 * "ld_i32 t, env, ofs; brcond_i32 t, $c, cond, L" with t dying there (the
 * exit-request check at the start of every TB): compare the memory operand
 * directly. Returns whether it handled the pair.
 */
static bool emit_ld_brcond(X86Gen *g, const TCGOp *ld, const TCGOp *br)
{
    TCGTemp *t = arg_temp(ld->args[0]);
    TCGTemp *base = arg_temp(ld->args[1]);
    TCGCond cond;
    int64_t c;

    if (ld->opc != INDEX_op_ld || ld->type != TCG_TYPE_I32 || br->opc != INDEX_op_brcond ||
        br->type != TCG_TYPE_I32 || base->kind != TEMP_FIXED || arg_temp(br->args[0]) != t ||
        arg_temp(br->args[1]) == t || !IS_DEAD_ARG(br, 0) || NEED_SYNC_ARG(ld, 0) ||
        !x86_fits_s32((int64_t)ld->args[2]) || !ra_is_const(g, arg_temp(br->args[1]), &c)) {
        return false;
    }
    cond = (TCGCond)br->args[2];
    if (cond == TCG_COND_NEVER || cond == TCG_COND_ALWAYS) {
        return false;
    }
    ra_bb_sync(g);
    x86_asm_need(g, 32);
    if (cond == TCG_COND_TSTEQ || cond == TCG_COND_TSTNE) {
        x86_rm(&g->a, OPC_GRP3_Ev, EXT3_TEST, X86_AREG0, (int32_t)ld->args[2]);
    } else {
        x86_rm(&g->a, x86_fits_s8(c) ? OPC_ARITH_EvIb : OPC_ARITH_EvIz, ARITH_CMP, X86_AREG0,
               (int32_t)ld->args[2]);
    }
    if (x86_fits_s8(c) && cond != TCG_COND_TSTEQ && cond != TCG_COND_TSTNE) {
        x86_b(&g->a, (uint8_t)c);
    } else {
        x86_d32(&g->a, (uint32_t)c);
    }
    x86_emit_jcc_label(g, x86_cond_cc[cond], arg_label(br->args[3]));
    if (IS_DEAD_ARG(br, 1)) {
        ra_temp_dead(g, arg_temp(br->args[1]));
    }
    ra_temp_dead(g, t);
    return true;
}

static void emit_exit_tb(X86Gen *g, uintptr_t val)
{
    X86Asm *as = &g->a;

    ra_sync_globals(g);
    x86_asm_need(g, 32);
    if (val == 0) {
        x86_jmp_abs(as, OPC_JMP_long, (uintptr_t)g->s->code_gen_epilogue);
    } else {
        x86_movi(as, true, X86_RAX, (int64_t)val);
        x86_jmp_abs(as, OPC_JMP_long, x86_tb_ret_addr);
    }
}

static void emit_goto_tb(X86Gen *g, unsigned n, TCGGenResult *res)
{
    X86Asm *as = &g->a;
    int pad;

    ra_sync_globals(g);
    x86_asm_need(g, 16);
    /* the rel32 field after the E9 byte must be 4-byte aligned */
    pad = (int)((4 - (((uintptr_t)as->ptr + 1) & 3)) & 3);
    x86_nops(as, pad);
    x86_b(as, OPC_JMP_long);
    if (n < 2) {
        res->jmp_insn_offset[n] = (uint32_t)x86_offset(as);
    }
    x86_d32(as, 0);
    if (n < 2) {
        res->jmp_reset_offset[n] = (uint32_t)x86_offset(as);
    }
}

static void emit_goto_ptr(X86Gen *g, const TCGOp *op)
{
    X86OpCt ct;
    X86OpArgs r;

    op_constraints(g, op, &ct);
    ra_op_begin(g, op, &ct, &r);
    ra_sync_globals(g);
    x86_asm_need(g, 8);
    x86_rr(&g->a, OPC_GRP5, EXT5_JMP, r.i[0]);
    ra_op_end(g, op, &ct);
}

/*
 * "op_i64 t, ...; ext32u_i64 d, t" where t dies at the ext32u and its
 * 64-bit value is wanted nowhere else (the i386 translator does this for
 * every 32-bit ALU insn): the low half of these ops' results depends only
 * on the low halves of the inputs, so op is emitted with 32-bit encodings,
 * which zero bits 63:32, and the ext32u becomes a register handover.
 */
static bool fuse_ext32u(X86Gen *g, const TCGOp *op, const TCGOp *next)
{
    int64_t c;

    if (op->type != TCG_TYPE_I64 || next->opc != INDEX_op_ext32u || next->type != TCG_TYPE_I64 ||
        tcg_op_defs[op->opc].nb_oargs != 1 || arg_temp(next->args[1]) != arg_temp(op->args[0]) ||
        !IS_DEAD_ARG(next, 1) || NEED_SYNC_ARG(op, 0) || IS_DEAD_ARG(op, 0)) {
        return false;
    }
    switch (op->opc) {
    case INDEX_op_add:
    case INDEX_op_sub:
    case INDEX_op_mul:
    case INDEX_op_and:
    case INDEX_op_or:
    case INDEX_op_xor:
    case INDEX_op_andc:
    case INDEX_op_orc:
    case INDEX_op_eqv:
    case INDEX_op_nand:
    case INDEX_op_nor:
    case INDEX_op_neg:
    case INDEX_op_not:
        return true;
    case INDEX_op_shl:
        /* a 32-bit shift masks its count to 5 bits */
        return ra_is_const(g, arg_temp(op->args[2]), &c) && (uint64_t)c < 32;
    default:
        return false;
    }
}

/* Whether the value an op leaves in its (i64) output has bits 63:32 clear. */
static bool op_result_zext(X86Gen *g, const TCGOp *op, TCGTemp *out)
{
    int64_t c;

    if (out->type != TCG_TYPE_I64) {
        return false;
    }
    if (op->type == TCG_TYPE_I32) {
        return true; /* an i64 op emitted as 32-bit (fuse_ext32u) */
    }
    switch (op->opc) {
    case INDEX_op_ext32u:
    case INDEX_op_extu_i32_i64:
    case INDEX_op_ext8u:
    case INDEX_op_ext16u:
    case INDEX_op_ld8u:
    case INDEX_op_ld16u:
    case INDEX_op_ld32u:
    case INDEX_op_setcond:
    case INDEX_op_ctpop:
        return true;
    case INDEX_op_extract:
        return op->args[3] <= 32;
    case INDEX_op_qemu_ld: {
        MemOp mop = get_memop((MemOpIdx)op->args[2]);
        return !(mop & MO_SIGN) && (mop & MO_SIZE) <= MO_32;
    }
    case INDEX_op_and:
        return (ra_is_const(g, arg_temp(op->args[2]), &c) && ((uint64_t)c >> 32) == 0) ||
               ra_zext(g, arg_temp(op->args[1]));
    case INDEX_op_shr:
        return ra_is_const(g, arg_temp(op->args[2]), &c) && (c & 63) >= 32;
    default:
        return false;
    }
}

static void emit_generic(X86Gen *g, TCGOp *op)
{
    X86OpCt ct;
    X86OpArgs r;
    int nout = tcg_op_nb_oargs(op);
    bool zext = false;

    /* before the inputs are consumed: ext32u/extrl of a zero-extended value
     * that keeps its register need no instruction */
    g->in_zext = tcg_op_nb_iargs(op) > 0 && ra_zext(g, arg_temp(op->args[nout]));
    if (nout == 1) {
        zext = op_result_zext(g, op, arg_temp(op->args[0]));
    }
    op_constraints(g, op, &ct);
    ra_op_begin(g, op, &ct, &r);
    x86_asm_need(g, 256);
    emit_op(g, op, &r);
    ra_op_end(g, op, &ct);
    if (zext) {
        ra_zext_set(g, arg_temp(op->args[0]), true);
    }
    g->in_zext = false;
}

/* --- the backend ------------------------------------------------------ */

static int x86_gen_code(TCGContext *s, void *buf, size_t buf_size, TCGGenResult *res)
{
    X86Gen *g = &x86_gen;
    X86Asm *as = &g->a;
    int i;

    g->s = s;
    as->start = as->ptr = buf;
    as->end = (uint8_t *)buf + buf_size;
    g->nb_relocs = 0;
    g->nb_slow = 0;
    g->guest_base_in_reg = !x86_fits_s32((int64_t)s->guest_base);
    g->in_zext = false;
    res->nb_insns = 0;
    res->jmp_insn_offset[0] = res->jmp_insn_offset[1] = 0;
    res->jmp_reset_offset[0] = res->jmp_reset_offset[1] = 0;
    for (i = 0; i < s->nb_labels; i++) {
        s->labels[i].has_value = false;
    }
    ra_init_block(g);
    if (setjmp(g->overflow)) {
        return -1;
    }

    for (i = 0; i < s->nb_ops; i++) {
        TCGOp *op = &s->ops[i];

        x86_asm_need(g, 512);
        if (i + 1 < s->nb_ops && emit_ld_brcond(g, op, &s->ops[i + 1])) {
            i++;
            continue;
        }
        switch (op->opc) {
        case INDEX_op_nop:
            break;
        case INDEX_op_insn_start: {
            int n = res->nb_insns;
            if (n > 0) {
                res->insn_end_off[n - 1] = (uint32_t)x86_offset(as);
            }
            if (n < TCG_MAX_INSNS) {
                res->insn_data[n][0] = op->args[0];
                res->insn_data[n][1] = op->args[1];
                res->nb_insns = n + 1;
            }
            break;
        }
        case INDEX_op_discard:
            ra_zext_set(g, arg_temp(op->args[0]), false);
            ra_temp_dead(g, arg_temp(op->args[0]));
            break;
        case INDEX_op_set_label: {
            TCGLabel *l = arg_label(op->args[0]);
            ra_bb_drop(g);
            l->has_value = true;
            l->value = (uintptr_t)as->ptr;
            break;
        }
        case INDEX_op_br:
            ra_bb_drop(g);
            x86_emit_jcc_label(g, -1, arg_label(op->args[0]));
            break;
        case INDEX_op_brcond:
            emit_brcond(g, op);
            break;
        case INDEX_op_mov:
            ra_mov(g, op);
            break;
        case INDEX_op_call:
            ra_call(g, op);
            break;
        case INDEX_op_mb:
            /* x86 is TSO: only store-then-load ordering needs a fence */
            if ((op->args[0] & TCG_BAR_SC) == TCG_BAR_SC && (op->args[0] & 0x02)) {
                x86_b(as, 0x0f);
                x86_b(as, 0xae);
                x86_b(as, 0xf0);
            }
            break;
        case INDEX_op_exit_tb:
            emit_exit_tb(g, (uintptr_t)op->args[0]);
            break;
        case INDEX_op_goto_tb:
            emit_goto_tb(g, (unsigned)op->args[0], res);
            break;
        case INDEX_op_goto_ptr:
            emit_goto_ptr(g, op);
            break;
        default:
            if (i + 1 < s->nb_ops && fuse_ext32u(g, op, &s->ops[i + 1])) {
                op->type = TCG_TYPE_I32;
                emit_generic(g, op);
                op->type = TCG_TYPE_I64;
                emit_generic(g, &s->ops[++i]);
                break;
            }
            emit_generic(g, op);
            break;
        }
    }

    x86_emit_slow_paths(g);

    for (i = 0; i < g->nb_relocs; i++) {
        X86Reloc *rl = &g->relocs[i];
        uint8_t *field = as->start + rl->ofs;
        uintptr_t target =
            rl->label->has_value ? rl->label->value : (uintptr_t)s->code_gen_epilogue;
        int32_t rel = (int32_t)(target - ((uintptr_t)field + 4));
        memcpy(field, &rel, 4);
    }
    if (res->nb_insns > 0) {
        res->insn_end_off[res->nb_insns - 1] = (uint32_t)x86_offset(as);
    }
    return (int)x86_offset(as);
}

static const int8_t x86_saved_regs[] = { X86_RBP, X86_RBX, X86_R12, X86_R13, X86_R14, X86_R15 };

static size_t x86_init(TCGContext *s, void *buf, size_t buf_size)
{
    X86Asm a = { buf, buf, (uint8_t *)buf + buf_size };
    int i;

    x86_host_features =
        x86_force_features >= 0 ? (unsigned)x86_force_features : x86_detect_features();
    /* uintptr_t prologue(env, code, guest_base) */
    for (i = 0; i < (int)sizeof(x86_saved_regs); i++) {
        x86_push(&a, x86_saved_regs[i]);
    }
    x86_mov_rr(&a, true, X86_AREG0, X86_RDI);
    x86_mov_rr(&a, true, X86_GUEST_BASE_REG, X86_RDX);
    x86_rr(&a, OPC_ARITH_EvIz | X86_PW, ARITH_SUB, X86_RSP);
    x86_d32(&a, X86_FRAME_SIZE);
    x86_rr(&a, OPC_GRP5, EXT5_JMP, X86_RSI);

    /* goto_ptr to "no TB" lands here and exec returns 0 */
    s->code_gen_epilogue = a.ptr;
    x86_movi(&a, false, X86_RAX, 0);
    x86_tb_ret_addr = (uintptr_t)a.ptr;
    x86_rr(&a, OPC_ARITH_EvIz | X86_PW, ARITH_ADD, X86_RSP);
    x86_d32(&a, X86_FRAME_SIZE);
    for (i = (int)sizeof(x86_saved_regs) - 1; i >= 0; i--) {
        x86_pop(&a, x86_saved_regs[i]);
    }
    x86_b(&a, OPC_RET);
    while (x86_offset(&a) & 15) {
        x86_b(&a, 0xcc);
    }
    x86_prologue = buf;
    return x86_offset(&a);
}

typedef uintptr_t (*X86PrologueFn)(void *env, const void *code, uintptr_t guest_base);

static uintptr_t x86_exec(void *env, const void *code)
{
    X86PrologueFn fn;
    void *p = x86_prologue;

    memcpy(&fn, &p, sizeof(fn));
    return fn(env, code, tcg_ctx->guest_base);
}

static void x86_set_jmp_target(uintptr_t jmp_addr, uintptr_t target)
{
    int64_t rel = (int64_t)(target - (jmp_addr + 4));

    if (!x86_fits_s32(rel)) {
        rel = 0; /* out of reach (buffer over 2 GB): stay unchained */
    }
    __atomic_store_n((int32_t *)jmp_addr, (int32_t)rel, __ATOMIC_RELEASE);
}

static uintptr_t x86_unwind_pc(uintptr_t host_pc)
{
    return host_pc;
}

const TCGBackend tcg_backend_x86_64 = {
    .name = "x86_64",
    .init = x86_init,
    .gen_code = x86_gen_code,
    .exec = x86_exec,
    .set_jmp_target = x86_set_jmp_target,
    .unwind_pc = x86_unwind_pc,
    .needs_exec_memory = true,
};
