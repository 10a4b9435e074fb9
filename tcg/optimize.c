/*
 * The IR optimizer: one forward pass over the op list.
 *
 * Within a basic block it tracks, per temp, either a known constant value
 * or "is a copy of temp R" (R being the oldest temp holding the value),
 * and uses that to
 *  - replace inputs by their constant (a constant temp) or by R (copy
 *    propagation), except the base pointer of host loads/stores and the
 *    goto_ptr target, which stay as written;
 *  - fold ops whose inputs are all constant, using tcg_op_eval (the same
 *    definition the tests and TCI use), into "mov d, $const";
 *  - simplify algebraic identities (x+0, x*1, x*0, x&0, x&-1, x|-1, x^x,
 *    x-x, setcond/movcond/brcond on equal or constant operands, ...);
 *  - put the constant second in commutative ops and comparisons, so a
 *    backend finds immediates in one place;
 *  - resolve constant branches (brcond -> br or nothing), drop a br to
 *    the label right after it, drop labels no branch refers to, and turn
 *    unreachable ops after br/exit_tb/goto_ptr into nops (insn_start ops
 *    are kept, so the guest insn count is unchanged).
 * Dead results are removed later by liveness analysis.
 *
 * Invalidation: everything is forgotten at labels and other block ends
 * (EBB temps die there, other paths join); a call that may write globals
 * forgets what was known about globals. A copy relation remembers the
 * generation of R; redefining R bumps its generation, which silently
 * invalidates all copies of it.
 *
 * i32: values are compared and folded at 32 bits; constants are kept
 * sign-extended (tcg_canon_value), as tcg_constant_i32 stores them.
 */
#include <string.h>

#include "tcg/tcg-eval.h"
#include "tcg/tcg.h"

typedef struct OptTemp {
    uint32_t epoch; /* the info below is valid when this == opt_epoch */
    bool is_const;
    uint64_t val;
    int copy_of; /* temp index of the representative, or -1 */
    uint32_t copy_gen;
    /* bits that may be set (within the temp's width); stays valid when
     * the copy relation dies, since the temp's own value is unchanged */
    uint64_t z_mask;
} OptTemp;

static OptTemp opt_info[TCG_MAX_TEMPS];
static uint32_t opt_gen[TCG_MAX_TEMPS];
static uint32_t opt_epoch;

static inline uint64_t width_mask(TCGType type)
{
    return type == TCG_TYPE_I32 ? 0xffffffffull : ~0ull;
}

static void opt_forget_all(void)
{
    if (++opt_epoch == 0) {
        memset(opt_info, 0, sizeof(opt_info));
        opt_epoch = 1;
    }
}

static int tidx(TCGContext *s, TCGTemp *t)
{
    return tcg_temp_index(s, t);
}

static bool temp_const(TCGContext *s, TCGTemp *t, uint64_t *val)
{
    OptTemp *info;

    if (t->kind == TEMP_CONST) {
        *val = (uint64_t)t->val;
        return true;
    }
    info = &opt_info[tidx(s, t)];
    if (info->epoch == opt_epoch && info->is_const) {
        *val = info->val;
        return true;
    }
    return false;
}

static TCGTemp *temp_repr(TCGContext *s, TCGTemp *t)
{
    OptTemp *info;

    if (t->kind == TEMP_CONST || t->kind == TEMP_FIXED) {
        return t;
    }
    info = &opt_info[tidx(s, t)];
    if (info->epoch == opt_epoch && info->copy_of >= 0 &&
        opt_gen[info->copy_of] == info->copy_gen) {
        return &s->temps[info->copy_of];
    }
    return t;
}

/* The bits of t's value that may be non-zero. */
static uint64_t temp_z_mask(TCGContext *s, TCGTemp *t)
{
    uint64_t v;
    OptTemp *info;

    if (temp_const(s, t, &v)) {
        return v & width_mask(t->type);
    }
    if (t->kind == TEMP_FIXED) {
        return width_mask(t->type);
    }
    info = &opt_info[tidx(s, t)];
    if (info->epoch == opt_epoch) {
        return info->z_mask & width_mask(t->type);
    }
    return width_mask(t->type);
}

/* t gets a new, unknown value. */
static void temp_reset(TCGContext *s, TCGTemp *t)
{
    int i = tidx(s, t);

    opt_gen[i]++;
    opt_info[i].epoch = 0;
}

static void temp_set_const(TCGContext *s, TCGTemp *t, uint64_t val)
{
    int i = tidx(s, t);

    temp_reset(s, t);
    opt_info[i].epoch = opt_epoch;
    opt_info[i].is_const = true;
    opt_info[i].val = tcg_canon_value(t->type, val);
    opt_info[i].copy_of = -1;
    opt_info[i].z_mask = val & width_mask(t->type);
}

/* t gets a new value of which only the bits in z may be set. */
static void temp_set_z_mask(TCGContext *s, TCGTemp *t, uint64_t z)
{
    int i = tidx(s, t);

    temp_reset(s, t);
    z &= width_mask(t->type);
    if (z == width_mask(t->type)) {
        return; /* nothing known */
    }
    opt_info[i].epoch = opt_epoch;
    opt_info[i].is_const = false;
    opt_info[i].copy_of = -1;
    opt_info[i].z_mask = z;
}

/* d = src; src is already its own representative. */
static void temp_set_copy(TCGContext *s, TCGTemp *d, TCGTemp *src)
{
    uint64_t v;
    int i = tidx(s, d);

    if (temp_const(s, src, &v)) {
        temp_set_const(s, d, v);
        return;
    }
    if (src->kind == TEMP_FIXED) {
        temp_reset(s, d); /* env is never replaced */
        return;
    }
    v = temp_z_mask(s, src);
    temp_reset(s, d);
    opt_info[i].epoch = opt_epoch;
    opt_info[i].is_const = false;
    opt_info[i].copy_of = tidx(s, src);
    opt_info[i].copy_gen = opt_gen[tidx(s, src)];
    opt_info[i].z_mask = v;
}

static void forget_globals(TCGContext *s)
{
    int i;

    for (i = 1; i < s->nb_globals; i++) {
        temp_reset(s, &s->temps[i]);
    }
}

/* Whether input i of op is the constant v (at the op's width). */
static bool arg_is(TCGOp *op, int i, int64_t v)
{
    TCGTemp *t = arg_temp(op->args[i]);

    return t->kind == TEMP_CONST &&
           (((uint64_t)t->val ^ (uint64_t)v) & width_mask((TCGType)op->type)) == 0;
}

static bool arg_is_const(TCGOp *op, int i)
{
    return arg_temp(op->args[i])->kind == TEMP_CONST;
}

/* Rewrite op as "mov d, src" and record the copy; nop if d is src. */
static void op_to_mov(TCGContext *s, TCGOp *op, TCGTemp *d, TCGTemp *src)
{
    src = temp_repr(s, src);
    if (d == src || temp_repr(s, d) == src) {
        op->opc = INDEX_op_nop;
        return;
    }
    op->opc = INDEX_op_mov;
    op->args[0] = temp_arg(d);
    op->args[1] = temp_arg(src);
    temp_set_copy(s, d, src);
}

static void op_to_movi(TCGContext *s, TCGOp *op, TCGTemp *d, uint64_t val)
{
    op->opc = INDEX_op_mov;
    op->args[0] = temp_arg(d);
    op->args[1] = temp_arg(tcg_constant_internal((TCGType)op->type, (int64_t)val));
    temp_set_const(s, d, val);
}

/* Make room for one op after ops[idx]; NULL if the array is full. */
static TCGOp *insert_op_after(TCGContext *s, int idx)
{
    if (s->nb_ops >= TCG_MAX_OPS) {
        return NULL;
    }
    memmove(&s->ops[idx + 2], &s->ops[idx + 1], (size_t)(s->nb_ops - idx - 1) * sizeof(TCGOp));
    s->nb_ops++;
    memset(&s->ops[idx + 1], 0, sizeof(TCGOp));
    return &s->ops[idx + 1];
}

static bool is_commutative(TCGOpcode opc)
{
    switch (opc) {
    case INDEX_op_add:
    case INDEX_op_mul:
    case INDEX_op_and:
    case INDEX_op_or:
    case INDEX_op_xor:
    case INDEX_op_eqv:
    case INDEX_op_nand:
    case INDEX_op_nor:
        return true;
    default:
        return false;
    }
}

/* Result of comparing a temp with itself, or -1 if it depends on it. */
static int cond_same_operands(TCGCond c)
{
    switch (c) {
    case TCG_COND_EQ:
    case TCG_COND_LE:
    case TCG_COND_GE:
    case TCG_COND_LEU:
    case TCG_COND_GEU:
    case TCG_COND_ALWAYS:
        return 1;
    case TCG_COND_NE:
    case TCG_COND_LT:
    case TCG_COND_GT:
    case TCG_COND_LTU:
    case TCG_COND_GTU:
    case TCG_COND_NEVER:
        return 0;
    default:
        return -1;
    }
}

/* Outcome of (a c b) for op's width, or -1 if unknown at compile time. */
static int fold_cond(TCGOp *op, int ia, TCGCond c)
{
    TCGTemp *a = arg_temp(op->args[ia]);
    TCGTemp *b = arg_temp(op->args[ia + 1]);

    if (c == TCG_COND_ALWAYS) {
        return 1;
    }
    if (c == TCG_COND_NEVER) {
        return 0;
    }
    if (a->kind == TEMP_CONST && b->kind == TEMP_CONST) {
        return tcg_eval_cond(c, (TCGType)op->type, (uint64_t)a->val, (uint64_t)b->val);
    }
    if (a == b) {
        return cond_same_operands(c);
    }
    if (b->kind == TEMP_CONST && arg_is(op, ia + 1, 0)) {
        if (c == TCG_COND_LTU || c == TCG_COND_TSTNE) {
            return 0; /* x < 0 unsigned; x & 0 != 0 */
        }
        if (c == TCG_COND_GEU || c == TCG_COND_TSTEQ) {
            return 1;
        }
    }
    return -1;
}

/* Swap the operands of a comparison at args[ia], args[ia+1] so that a
 * constant comes second; the condition is at args[ic]. */
static void canon_cond_args(TCGOp *op, int ia, int ic)
{
    if (arg_is_const(op, ia) && !arg_is_const(op, ia + 1)) {
        TCGArg t = op->args[ia];
        op->args[ia] = op->args[ia + 1];
        op->args[ia + 1] = t;
        op->args[ic] = tcg_swap_cond((TCGCond)op->args[ic]);
    }
}

/* Replace input i by its constant or representative, where allowed. */
static void subst_input(TCGContext *s, TCGOp *op, int i)
{
    TCGTemp *t = arg_temp(op->args[i]);
    uint64_t v;

    if (t->kind == TEMP_CONST || t->kind == TEMP_FIXED) {
        return;
    }
    if (temp_const(s, t, &v)) {
        op->args[i] = temp_arg(tcg_constant_internal(t->type, (int64_t)v));
    } else {
        op->args[i] = temp_arg(temp_repr(s, t));
    }
}

static bool keep_input_as_is(const TCGOp *op, int i, int nout)
{
    switch (op->opc) {
    case INDEX_op_ld8u ... INDEX_op_ld:
        return i == nout; /* the base pointer */
    case INDEX_op_st8 ... INDEX_op_st:
        return i == nout + 1;
    case INDEX_op_goto_ptr:
        return true;
    default:
        return false;
    }
}

/* Try to fold op entirely; returns true if it was rewritten. */
static bool fold_constant_op(TCGContext *s, TCGOp *op, int idx, int nout, int nin)
{
    uint64_t in[6], out[2];
    int i;

    if (!tcg_op_is_foldable((TCGOpcode)op->opc) || op->opc == INDEX_op_mov) {
        return false;
    }
    for (i = 0; i < nin; i++) {
        TCGTemp *t = arg_temp(op->args[nout + i]);
        if (t->kind != TEMP_CONST) {
            return false;
        }
        in[i] = (uint64_t)t->val;
    }
    if (!tcg_op_eval((TCGOpcode)op->opc, (TCGType)op->type, in, &op->args[nout + nin], out)) {
        return false;
    }
    if (nout == 2) {
        TCGTemp *lo = arg_temp(op->args[0]);
        TCGTemp *hi = arg_temp(op->args[1]);
        TCGType type = (TCGType)op->type;
        TCGOp *op2 = insert_op_after(s, idx);
        if (!op2) {
            return false;
        }
        op = &s->ops[idx]; /* unchanged position, but be explicit */
        op_to_movi(s, op, lo, out[0]);
        op2->opc = INDEX_op_mov;
        op2->type = type;
        op2->args[0] = temp_arg(hi);
        op2->args[1] = temp_arg(tcg_constant_internal(type, (int64_t)out[1]));
        temp_set_const(s, hi, out[1]);
        return true;
    }
    op_to_movi(s, op, arg_temp(op->args[0]), out[0]);
    return true;
}

static inline uint64_t low_bits(unsigned len)
{
    return len >= 64 ? ~0ull : (1ull << len) - 1;
}

/* Known-zero bits of op's single output, from its inputs' masks. */
static uint64_t op_z_mask(TCGContext *s, TCGOp *op)
{
    TCGType type = (TCGType)op->type;
    uint64_t wm = width_mask(type);
    unsigned bits = type == TCG_TYPE_I32 ? 32 : 64;
    uint64_t za, zb, c;

    switch (op->opc) {
    case INDEX_op_ext8u:
        return temp_z_mask(s, arg_temp(op->args[1])) & 0xff;
    case INDEX_op_ext16u:
        return temp_z_mask(s, arg_temp(op->args[1])) & 0xffff;
    case INDEX_op_ext32u:
    case INDEX_op_extu_i32_i64:
    case INDEX_op_extrl_i64_i32:
        return temp_z_mask(s, arg_temp(op->args[1])) & 0xffffffff;
    case INDEX_op_extrh_i64_i32:
        return temp_z_mask(s, arg_temp(op->args[1])) >> 32;
    case INDEX_op_ld8u:
        return 0xff;
    case INDEX_op_ld16u:
    case INDEX_op_bswap16:
        return 0xffff;
    case INDEX_op_ld32u:
        return 0xffffffff;
    case INDEX_op_bswap32:
        return 0xffffffff;
    case INDEX_op_qemu_ld: {
        MemOp mop = get_memop((MemOpIdx)op->args[2]);
        if (mop & MO_SIGN) {
            return wm;
        }
        return low_bits(8u << (mop & MO_SIZE)) & wm;
    }
    case INDEX_op_and:
        return temp_z_mask(s, arg_temp(op->args[1])) & temp_z_mask(s, arg_temp(op->args[2]));
    case INDEX_op_andc:
        return temp_z_mask(s, arg_temp(op->args[1]));
    case INDEX_op_or:
    case INDEX_op_xor:
        return temp_z_mask(s, arg_temp(op->args[1])) | temp_z_mask(s, arg_temp(op->args[2]));
    case INDEX_op_movcond:
        return temp_z_mask(s, arg_temp(op->args[3])) | temp_z_mask(s, arg_temp(op->args[4]));
    case INDEX_op_shr:
    case INDEX_op_shl:
    case INDEX_op_sar:
        if (!arg_is_const(op, 2)) {
            return wm;
        }
        za = temp_z_mask(s, arg_temp(op->args[1]));
        c = (uint64_t)arg_temp(op->args[2])->val & (bits - 1);
        if (op->opc == INDEX_op_shl) {
            return (za << c) & wm;
        }
        if (op->opc == INDEX_op_sar && (za >> (bits - 1)) & 1) {
            return wm;
        }
        return za >> c;
    case INDEX_op_extract:
        return low_bits((unsigned)op->args[3]);
    case INDEX_op_setcond:
        return 1;
    case INDEX_op_ctpop:
        return 127;
    case INDEX_op_clz:
    case INDEX_op_ctz:
        zb = temp_z_mask(s, arg_temp(op->args[2]));
        return 127 | zb;
    default:
        return wm;
    }
}

/* Identities from known-zero bits: extensions and masks that change
 * nothing become moves. */
static bool fold_z_mask(TCGContext *s, TCGOp *op)
{
    TCGTemp *d = arg_temp(op->args[0]);
    TCGTemp *a = arg_temp(op->args[1]);
    uint64_t wm = width_mask((TCGType)op->type);
    uint64_t za, keep;

    switch (op->opc) {
    case INDEX_op_ext8u: keep = 0xff; break;
    case INDEX_op_ext16u: keep = 0xffff; break;
    case INDEX_op_ext32u: keep = 0xffffffff; break;
    /* a sign extension of a value whose sign bit and above are clear */
    case INDEX_op_ext8s: keep = 0x7f; break;
    case INDEX_op_ext16s: keep = 0x7fff; break;
    case INDEX_op_ext32s: keep = 0x7fffffff; break;
    case INDEX_op_and:
        if (!arg_is_const(op, 2)) {
            return false;
        }
        keep = (uint64_t)arg_temp(op->args[2])->val & wm;
        za = temp_z_mask(s, a);
        if ((za & keep) == 0) {
            op_to_movi(s, op, d, 0);
            return true;
        }
        break;
    default:
        return false;
    }
    za = temp_z_mask(s, a);
    if ((za & ~keep & wm) == 0) {
        op_to_mov(s, op, d, a);
        return true;
    }
    return false;
}

/* Algebraic identities for ops whose inputs are not all constant. */
static bool fold_identity(TCGContext *s, TCGOp *op)
{
    TCGTemp *d = arg_temp(op->args[0]);
    TCGTemp *a = arg_temp(op->args[1]);
    TCGTemp *b;

    switch (op->opc) {
    case INDEX_op_add:
    case INDEX_op_sub:
    case INDEX_op_or:
    case INDEX_op_xor:
    case INDEX_op_shl:
    case INDEX_op_shr:
    case INDEX_op_sar:
    case INDEX_op_rotl:
    case INDEX_op_rotr:
    case INDEX_op_andc:
        b = arg_temp(op->args[2]);
        if (arg_is(op, 2, 0)) {
            op_to_mov(s, op, d, a);
            return true;
        }
        if (a == b) {
            switch (op->opc) {
            case INDEX_op_sub:
            case INDEX_op_xor:
            case INDEX_op_andc:
                op_to_movi(s, op, d, 0);
                return true;
            case INDEX_op_or:
                op_to_mov(s, op, d, a);
                return true;
            default:
                break;
            }
        }
        if (op->opc == INDEX_op_or && arg_is(op, 2, -1)) {
            op_to_movi(s, op, d, ~0ull);
            return true;
        }
        if ((op->opc == INDEX_op_shl || op->opc == INDEX_op_shr || op->opc == INDEX_op_rotl ||
             op->opc == INDEX_op_rotr || op->opc == INDEX_op_sar) &&
            arg_is(op, 1, 0)) {
            op_to_movi(s, op, d, 0);
            return true;
        }
        return false;
    case INDEX_op_and:
        if (arg_is(op, 2, 0)) {
            op_to_movi(s, op, d, 0);
            return true;
        }
        if (arg_is(op, 2, -1) || a == arg_temp(op->args[2])) {
            op_to_mov(s, op, d, a);
            return true;
        }
        return false;
    case INDEX_op_mul:
        if (arg_is(op, 2, 0)) {
            op_to_movi(s, op, d, 0);
            return true;
        }
        if (arg_is(op, 2, 1)) {
            op_to_mov(s, op, d, a);
            return true;
        }
        return false;
    case INDEX_op_div:
    case INDEX_op_divu:
        if (arg_is(op, 2, 1)) {
            op_to_mov(s, op, d, a);
            return true;
        }
        return false;
    case INDEX_op_orc:
        if (arg_is(op, 2, -1)) {
            op_to_mov(s, op, d, a);
            return true;
        }
        if (a == arg_temp(op->args[2])) {
            op_to_movi(s, op, d, ~0ull);
            return true;
        }
        return false;
    case INDEX_op_eqv:
        if (a == arg_temp(op->args[2])) {
            op_to_movi(s, op, d, ~0ull);
            return true;
        }
        return false;
    case INDEX_op_setcond: {
        int r;
        canon_cond_args(op, 1, 3);
        r = fold_cond(op, 1, (TCGCond)op->args[3]);
        if (r >= 0) {
            op_to_movi(s, op, d, (uint64_t)r);
            return true;
        }
        return false;
    }
    case INDEX_op_movcond: {
        int r;
        canon_cond_args(op, 1, 5);
        r = fold_cond(op, 1, (TCGCond)op->args[5]);
        if (r >= 0) {
            op_to_mov(s, op, d, arg_temp(op->args[r ? 3 : 4]));
            return true;
        }
        if (op->args[3] == op->args[4]) {
            op_to_mov(s, op, d, arg_temp(op->args[3]));
            return true;
        }
        return false;
    }
    default:
        return false;
    }
}

/* After an unconditional transfer: ops up to the next referenced label
 * are unreachable. Returns the index of the last op skipped. */
static int remove_unreachable(TCGContext *s, int i)
{
    for (i = i + 1; i < s->nb_ops; i++) {
        TCGOp *op = &s->ops[i];
        switch (op->opc) {
        case INDEX_op_set_label:
            if (arg_label(op->args[0])->refs > 0) {
                return i - 1;
            }
            op->opc = INDEX_op_nop;
            break;
        case INDEX_op_br:
            arg_label(op->args[0])->refs--;
            op->opc = INDEX_op_nop;
            break;
        case INDEX_op_brcond:
            arg_label(op->args[3])->refs--;
            op->opc = INDEX_op_nop;
            break;
        case INDEX_op_insn_start:
            break; /* keep the guest insn count */
        default:
            op->opc = INDEX_op_nop;
            break;
        }
    }
    return i - 1;
}

/* Whether the next real op after ops[i] is set_label l. */
static bool label_follows(TCGContext *s, int i, TCGLabel *l)
{
    for (i = i + 1; i < s->nb_ops; i++) {
        TCGOp *op = &s->ops[i];
        if (op->opc == INDEX_op_nop || op->opc == INDEX_op_insn_start) {
            continue;
        }
        return op->opc == INDEX_op_set_label && arg_label(op->args[0]) == l;
    }
    return false;
}

/* Count the branches to each label from the op list itself, so ops built
 * by hand (tcg_emit_op) count as much as generated ones. */
static void recount_label_refs(TCGContext *s)
{
    int i;

    for (i = 0; i < s->nb_labels; i++) {
        s->labels[i].refs = 0;
    }
    for (i = 0; i < s->nb_ops; i++) {
        if (s->ops[i].opc == INDEX_op_br) {
            arg_label(s->ops[i].args[0])->refs++;
        } else if (s->ops[i].opc == INDEX_op_brcond) {
            arg_label(s->ops[i].args[3])->refs++;
        }
    }
}

void tcg_optimize(TCGContext *s)
{
    int i, j;

    recount_label_refs(s);
    opt_forget_all();
    for (i = 0; i < s->nb_ops; i++) {
        TCGOp *op = &s->ops[i];
        const TCGOpDef *def = &tcg_op_defs[op->opc];
        int nout = tcg_op_nb_oargs(op);
        int nin = tcg_op_nb_iargs(op);

        switch (op->opc) {
        case INDEX_op_nop:
        case INDEX_op_insn_start:
        case INDEX_op_mb:
            continue;
        case INDEX_op_discard:
            temp_reset(s, arg_temp(op->args[0]));
            continue;
        case INDEX_op_set_label:
            if (arg_label(op->args[0])->refs <= 0) {
                op->opc = INDEX_op_nop; /* nothing jumps here: blocks merge */
            } else {
                opt_forget_all();
            }
            continue;
        case INDEX_op_br:
            if (label_follows(s, i, arg_label(op->args[0]))) {
                arg_label(op->args[0])->refs--;
                op->opc = INDEX_op_nop;
                continue;
            }
            opt_forget_all();
            i = remove_unreachable(s, i);
            continue;
        default:
            break;
        }

        for (j = nout; j < nout + nin; j++) {
            if (!keep_input_as_is(op, j, nout)) {
                subst_input(s, op, j);
            }
        }

        if (op->opc == INDEX_op_brcond) {
            TCGLabel *l = arg_label(op->args[3]);
            int r;
            canon_cond_args(op, 0, 2);
            r = fold_cond(op, 0, (TCGCond)op->args[2]);
            if (r == 0) {
                l->refs--;
                op->opc = INDEX_op_nop;
                continue;
            }
            if (r == 1) {
                op->opc = INDEX_op_br;
                op->args[0] = label_arg(l);
                i--; /* handle it as a br */
                continue;
            }
            opt_forget_all();
            continue;
        }

        if (op->opc == INDEX_op_mov) {
            op_to_mov(s, op, arg_temp(op->args[0]), arg_temp(op->args[1]));
            continue;
        }

        if (is_commutative((TCGOpcode)op->opc) && arg_is_const(op, nout) &&
            !arg_is_const(op, nout + 1)) {
            TCGArg t = op->args[nout];
            op->args[nout] = op->args[nout + 1];
            op->args[nout + 1] = t;
        }

        if (fold_constant_op(s, op, i, nout, nin)) {
            op = &s->ops[i];
            if (nout == 2) {
                i++; /* the inserted mov is already accounted for */
            }
            continue;
        }
        if (nout == 1 && (fold_identity(s, op) || fold_z_mask(s, op))) {
            continue;
        }

        /* Anything else: outputs get unknown values, except for what is
         * known of a single output's zero bits. */
        if (nout == 1 && op->opc != INDEX_op_call) {
            temp_set_z_mask(s, arg_temp(op->args[0]), op_z_mask(s, op));
        } else {
            for (j = 0; j < nout; j++) {
                temp_reset(s, arg_temp(op->args[j]));
            }
        }
        if (op->opc == INDEX_op_call) {
            unsigned flags = (unsigned)op->args[nout + nin + 1];
            if (!(flags & TCG_CALL_NO_WRITE_GLOBALS)) {
                forget_globals(s);
            }
        }
        if (def->flags & TCG_OPF_BB_END) {
            opt_forget_all();
            if (op->opc == INDEX_op_exit_tb || op->opc == INDEX_op_goto_ptr) {
                i = remove_unreachable(s, i);
            }
        }
    }
}
