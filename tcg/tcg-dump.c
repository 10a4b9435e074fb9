/*
 * Text dump of the op list: the -d op and -d op_opt log formats.
 *
 * One line per op: " add_i64 tmp3,rax,$0x10". Ops whose width matters get
 * an _i32/_i64 suffix; temps print as their global name, "env", "$0x.."
 * for constants, "tmpN" for EBB temps and "locN" for TB temps (N is the
 * temp index); labels as "$LN"; insn_start as " ---- <w0> <w1>"; after
 * liveness, dead and sync args are listed at the end of the line.
 */
#include <inttypes.h>
#include <string.h>

#include "tcg/tcg.h"

static const char *const cond_names[] = {
    [TCG_COND_NEVER] = "never", [TCG_COND_ALWAYS] = "always", [TCG_COND_EQ] = "eq",
    [TCG_COND_NE] = "ne",       [TCG_COND_LT] = "lt",         [TCG_COND_GE] = "ge",
    [TCG_COND_LE] = "le",       [TCG_COND_GT] = "gt",         [TCG_COND_LTU] = "ltu",
    [TCG_COND_GEU] = "geu",     [TCG_COND_LEU] = "leu",       [TCG_COND_GTU] = "gtu",
    [TCG_COND_TSTEQ] = "tsteq", [TCG_COND_TSTNE] = "tstne",
};

const char *tcg_cond_name(TCGCond c)
{
    if ((unsigned)c < sizeof(cond_names) / sizeof(cond_names[0]) && cond_names[c]) {
        return cond_names[c];
    }
    return "?cond";
}

const char *tcg_temp_name(TCGContext *s, TCGTemp *t, char *buf, size_t size)
{
    int idx = tcg_temp_index(s, t);

    if (idx < 0 || idx >= s->nb_temps) {
        snprintf(buf, size, "?temp");
        return buf;
    }
    switch (t->kind) {
    case TEMP_FIXED:
    case TEMP_GLOBAL:
        snprintf(buf, size, "%s", t->name ? t->name : "?global");
        break;
    case TEMP_CONST:
        if (t->type == TCG_TYPE_I32) {
            snprintf(buf, size, "$0x%" PRIx32, (uint32_t)t->val);
        } else {
            snprintf(buf, size, "$0x%" PRIx64, (uint64_t)t->val);
        }
        break;
    case TEMP_TB:
        snprintf(buf, size, "loc%d", idx);
        break;
    case TEMP_EBB:
        snprintf(buf, size, "tmp%d", idx);
        break;
    }
    return buf;
}

static bool op_has_type_suffix(TCGOpcode opc)
{
    switch (opc) {
    case INDEX_op_nop:
    case INDEX_op_set_label:
    case INDEX_op_br:
    case INDEX_op_mb:
    case INDEX_op_call:
    case INDEX_op_insn_start:
    case INDEX_op_goto_tb:
    case INDEX_op_exit_tb:
    case INDEX_op_goto_ptr:
    case INDEX_op_ext_i32_i64:
    case INDEX_op_extu_i32_i64:
    case INDEX_op_extrl_i64_i32:
    case INDEX_op_extrh_i64_i32:
        return false;
    default:
        return true;
    }
}

static void dump_memop(FILE *f, MemOpIdx oi)
{
    static const char sizes[] = "bwlqo???";
    MemOp mop = get_memop(oi);

    if (mop & MO_AMASK) {
        fprintf(f, "al%u+", 1u << (3 + ((mop & MO_AMASK) >> MO_ASHIFT)));
    }
    fprintf(f, "%s%s%c%c,%u", (mop & MO_ALIGN) ? "al+" : "", (mop & MO_BSWAP) ? "be" : "",
            (mop & MO_SIGN) ? 's' : 'u', sizes[mop & MO_SIZE], get_mmuidx(oi));
}

static void dump_op(TCGContext *s, FILE *f, const TCGOp *op)
{
    const TCGOpDef *def = &tcg_op_defs[op->opc];
    int nout = tcg_op_nb_oargs(op);
    int nin = tcg_op_nb_iargs(op);
    int ncst = tcg_op_nb_cargs(op);
    char name[32];
    int i, k = 0;
    bool first = true;

    if (op->opc == INDEX_op_insn_start) {
        fprintf(f, " ---- %016" PRIx64 " %016" PRIx64 "\n", (uint64_t)op->args[0],
                (uint64_t)op->args[1]);
        return;
    }
    if (op->opc == INDEX_op_set_label) {
        fprintf(f, "$L%d:\n", arg_label(op->args[0])->id);
        return;
    }
    if (op->opc == INDEX_op_call) {
        fprintf(f, " call 0x%" PRIx64 ",$0x%x", (uint64_t)op->args[nout + nin],
                (unsigned)op->args[nout + nin + 1]);
        first = false;
    } else if (op_has_type_suffix(op->opc)) {
        fprintf(f, " %s_%s ", def->name, op->type == TCG_TYPE_I32 ? "i32" : "i64");
    } else {
        fprintf(f, " %s ", def->name);
    }
    for (i = 0; i < nout + nin; i++, k++) {
        fprintf(f, "%s%s", first ? "" : ",", tcg_temp_name(s, arg_temp(op->args[k]), name,
                                                            sizeof(name)));
        first = false;
    }
    if (op->opc == INDEX_op_call) {
        ncst = 0; /* already printed */
    }
    for (i = 0; i < ncst; i++, k++) {
        TCGArg a = op->args[k];
        fprintf(f, "%s", first ? "" : ",");
        first = false;
        switch (op->opc) {
        case INDEX_op_brcond:
        case INDEX_op_setcond:
        case INDEX_op_movcond:
            if (i == 0) {
                fprintf(f, "%s", tcg_cond_name((TCGCond)a));
            } else {
                fprintf(f, "$L%d", arg_label(a)->id);
            }
            break;
        case INDEX_op_br:
            fprintf(f, "$L%d", arg_label(a)->id);
            break;
        case INDEX_op_qemu_ld:
        case INDEX_op_qemu_st:
            dump_memop(f, (MemOpIdx)a);
            break;
        case INDEX_op_deposit:
        case INDEX_op_extract:
        case INDEX_op_sextract:
        case INDEX_op_goto_tb:
            fprintf(f, "%" PRIu64, (uint64_t)a);
            break;
        default:
            fprintf(f, "$0x%" PRIx64, (uint64_t)a);
            break;
        }
    }
    if (op->life) {
        fprintf(f, "  ");
        for (i = 0; i < nout + nin; i++) {
            if (IS_DEAD_ARG(op, i)) {
                fprintf(f, " dead:%d", i);
            }
        }
        for (i = 0; i < nout; i++) {
            if (NEED_SYNC_ARG(op, i)) {
                fprintf(f, " sync:%d", i);
            }
        }
    }
    fprintf(f, "\n");
}

void tcg_dump_ops(TCGContext *s, FILE *f)
{
    int i;

    for (i = 0; i < s->nb_ops; i++) {
        if (s->ops[i].opc != INDEX_op_nop) {
            dump_op(s, f, &s->ops[i]);
        }
    }
}
