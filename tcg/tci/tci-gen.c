/*
 * TCI code generation: serialise the optimised op list of tcg_ctx into
 * the bytecode described in tci-internal.h.
 *
 * There is no register allocation: TB and EBB temps get a slot each in
 * the interpreter's register file, globals are read and written in env
 * memory on every access (so they are always in sync, whatever the
 * liveness pass asked for), constants are embedded in the stream. The
 * emitter bounds-checks every unit against the buffer, so a block that
 * does not fit returns -1 without writing past the end.
 */
#include "tci-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcg/tcg.h"

typedef struct TCIFixup {
    uint32_t insn_off; /* start of the branch instruction */
    uint32_t disp_off; /* its displacement unit */
    TCGLabel *label;
} TCIFixup;

typedef struct TCIEmitter {
    TCGContext *s;
    uint8_t *buf;
    size_t size;
    size_t pos;
    bool full; /* ran out of buffer: the result is -1 */
    int nb_fixups;
    TCIFixup fixups[TCG_MAX_OPS];
} TCIEmitter;

static void tci_fatal(const char *msg, const TCGOp *op)
{
    /* A malformed op list is a bug in the translator, not a guest error. */
    fprintf(stderr, "tci: %s (op %s)\n", msg,
            op ? tcg_op_defs[op->opc].name : "?");
    abort();
}

static void tci_emit32(TCIEmitter *e, uint32_t v)
{
    if (e->full || e->size - e->pos < 4) {
        e->full = true;
        return;
    }
    memcpy(e->buf + e->pos, &v, 4);
    e->pos += 4;
}

static void tci_emit_const(TCIEmitter *e, int64_t v, bool is32)
{
    uint32_t w32 = is32 ? TCI_OPND_I32 : 0;

    if (v >= TCI_FIELD_MIN && v <= TCI_FIELD_MAX) {
        tci_emit32(e, ((uint32_t)v << TCI_FIELD_SHIFT) | w32 | TCI_K_SMALL);
    } else {
        uint64_t u = (uint64_t)v;
        tci_emit32(e, w32 | TCI_K_LARGE);
        tci_emit32(e, (uint32_t)u);
        tci_emit32(e, (uint32_t)(u >> 32));
    }
}

static void tci_emit_temp(TCIEmitter *e, const TCGOp *op, TCGTemp *t, bool output)
{
    TCGContext *s = e->s;
    uint32_t w32 = t->type == TCG_TYPE_I32 ? TCI_OPND_I32 : 0;
    int64_t field;
    uint32_t kind;

    switch (t->kind) {
    case TEMP_CONST:
        if (output) {
            tci_fatal("constant temp as output", op);
        }
        tci_emit_const(e, t->val, t->type == TCG_TYPE_I32);
        return;
    case TEMP_FIXED:
        kind = TCI_K_SLOT;
        field = 0;
        break;
    case TEMP_GLOBAL:
        kind = TCI_K_ENV;
        field = t->mem_offset;
        if (field < TCI_FIELD_MIN || field > TCI_FIELD_MAX) {
            tci_fatal("global offset out of range", op);
        }
        break;
    default:
        kind = TCI_K_SLOT;
        field = tcg_temp_index(s, t) - s->nb_globals + 1;
        if (field < 1 || field >= TCI_NB_SLOTS) {
            tci_fatal("temp index out of range", op);
        }
        break;
    }
    tci_emit32(e, ((uint32_t)field << TCI_FIELD_SHIFT) | w32 | kind);
}

static void tci_emit_arg_temp(TCIEmitter *e, const TCGOp *op, int i, bool output)
{
    tci_emit_temp(e, op, arg_temp(op->args[i]), output);
}

static void tci_emit_branch(TCIEmitter *e, const TCGOp *op, uint32_t insn_off,
                            TCGLabel *l)
{
    TCIFixup *f;

    if (e->nb_fixups >= TCG_MAX_OPS) {
        tci_fatal("too many branches", op);
    }
    f = &e->fixups[e->nb_fixups++];
    f->insn_off = insn_off;
    f->disp_off = (uint32_t)e->pos;
    f->label = l;
    tci_emit32(e, 0);
}

/* goto_tb: header, padding, then the aligned 8-byte target field. */
static void tci_emit_goto_tb(TCIEmitter *e, const TCGOp *op, TCGGenResult *res)
{
    unsigned n = (unsigned)op->args[0];
    uintptr_t field;
    uint64_t target;

    if (n > 1) {
        tci_fatal("goto_tb index out of range", op);
    }
    tci_emit32(e, TCI_MAKE_HDR(INDEX_op_goto_tb, 1, 0, 0));
    while (((uintptr_t)e->buf + e->pos) & 7) {
        tci_emit32(e, 0);
    }
    if (e->full || e->size - e->pos < 8) {
        e->full = true;
        return;
    }
    field = (uintptr_t)e->buf + e->pos;
    target = field + 8;
    memcpy(e->buf + e->pos, &target, 8);
    res->jmp_insn_offset[n] = (uint32_t)e->pos;
    res->jmp_reset_offset[n] = (uint32_t)(e->pos + 8);
    e->pos += 8;
}

static void tci_emit_call(TCIEmitter *e, const TCGOp *op)
{
    int nout = op->callo, nin = op->calli;

    if (nout > 1 || nin > TCG_MAX_CALL_IARGS) {
        tci_fatal("call with too many args", op);
    }
    tci_emit32(e, TCI_MAKE_HDR(INDEX_op_call, op->type == TCG_TYPE_I64, nout, nin));
    tci_emit_const(e, (int64_t)op->args[nout + nin], false);
    for (int i = 0; i < nin; i++) {
        tci_emit_arg_temp(e, op, nout + i, false);
    }
    if (nout) {
        tci_emit_arg_temp(e, op, 0, true);
    }
}

/* The generic layout: inputs, constant args, outputs. */
static void tci_emit_generic(TCIEmitter *e, const TCGOp *op, uint32_t aux1,
                             uint32_t aux2, int nconst)
{
    const TCGOpDef *def = &tcg_op_defs[op->opc];
    int no = def->nb_oargs, ni = def->nb_iargs;

    tci_emit32(e, TCI_MAKE_HDR(op->opc, op->type == TCG_TYPE_I64, aux1, aux2));
    for (int i = 0; i < ni; i++) {
        tci_emit_arg_temp(e, op, no + i, false);
    }
    for (int i = 0; i < nconst; i++) {
        tci_emit_const(e, (int64_t)op->args[no + ni + i], false);
    }
    for (int i = 0; i < no; i++) {
        tci_emit_arg_temp(e, op, i, true);
    }
}

static void tci_emit_op(TCIEmitter *e, const TCGOp *op, TCGGenResult *res)
{
    uint32_t start = (uint32_t)e->pos;
    const TCGOpDef *def = &tcg_op_defs[op->opc];

    switch (op->opc) {
    case INDEX_op_nop:
    case INDEX_op_discard:
    case INDEX_op_insn_start:
        return;
    case INDEX_op_set_label: {
        TCGLabel *l = arg_label(op->args[0]);
        l->has_value = true;
        l->value = start;
        return;
    }
    case INDEX_op_br:
        tci_emit32(e, TCI_MAKE_HDR(op->opc, 1, 0, 0));
        tci_emit_branch(e, op, start, arg_label(op->args[0]));
        return;
    case INDEX_op_brcond:
        tci_emit32(e, TCI_MAKE_HDR(op->opc, op->type == TCG_TYPE_I64,
                                   (uint32_t)op->args[2], 0));
        tci_emit_arg_temp(e, op, 0, false);
        tci_emit_arg_temp(e, op, 1, false);
        tci_emit_branch(e, op, start, arg_label(op->args[3]));
        return;
    case INDEX_op_setcond:
        tci_emit_generic(e, op, (uint32_t)op->args[3], 0, 0);
        return;
    case INDEX_op_movcond:
        tci_emit_generic(e, op, (uint32_t)op->args[5], 0, 0);
        return;
    case INDEX_op_deposit:
        tci_emit_generic(e, op, 0, (uint32_t)(op->args[3] | op->args[4] << 8), 0);
        return;
    case INDEX_op_extract:
    case INDEX_op_sextract:
        tci_emit_generic(e, op, 0, (uint32_t)(op->args[2] | op->args[3] << 8), 0);
        return;
    case INDEX_op_call:
        tci_emit_call(e, op);
        return;
    case INDEX_op_goto_tb:
        tci_emit_goto_tb(e, op, res);
        return;
    case INDEX_op_mb:
        tci_emit32(e, TCI_MAKE_HDR(op->opc, 1, 0, 0));
        return;
    default:
        if (op->opc >= NB_OPS) {
            tci_fatal("unknown opcode", op);
        }
        /* Everything else: temps and plain constant args (ld/st offset,
         * qemu_ld/st oi, exit_tb value). */
        tci_emit_generic(e, op, 0, 0, def->nb_cargs);
        return;
    }
}

static size_t tci_init(TCGContext *s, void *buf, size_t buf_size)
{
    TCIEmitter e = { .s = s, .buf = buf, .size = buf_size };

    /* The epilogue: goto_ptr to it leaves exec() returning 0. */
    tci_emit32(&e, TCI_MAKE_HDR(INDEX_op_exit_tb, 1, 0, 0));
    tci_emit_const(&e, 0, false);
    if (e.full || buf_size < TCI_PROLOGUE_SIZE) {
        tci_fatal("code buffer too small for the epilogue", NULL);
    }
    s->code_gen_epilogue = buf;
    return TCI_PROLOGUE_SIZE;
}

static int tci_gen_code(TCGContext *s, void *buf, size_t buf_size, TCGGenResult *res)
{
    /* The fixup table is large: keep it off the stack. Code generation is
     * serialised by the caller, so one static emitter is enough. */
    static TCIEmitter e;
    int nb_insns = 0;

    e.s = s;
    e.buf = buf;
    e.size = buf_size;
    e.pos = 0;
    e.full = false;
    e.nb_fixups = 0;
    res->nb_insns = 0;
    /* A retry after -1 must not see label offsets of the failed pass. */
    for (int i = 0; i < s->nb_labels; i++) {
        s->labels[i].has_value = false;
    }

    for (int i = 0; i < s->nb_ops; i++) {
        const TCGOp *op = &s->ops[i];

        if (op->opc == INDEX_op_insn_start) {
            if (nb_insns >= TCG_MAX_INSNS) {
                tci_fatal("too many guest insns", op);
            }
            if (nb_insns > 0) {
                res->insn_end_off[nb_insns - 1] = (uint32_t)e.pos;
            }
            for (int w = 0; w < TCG_INSN_START_WORDS; w++) {
                res->insn_data[nb_insns][w] = op->args[w];
            }
            nb_insns++;
        }
        tci_emit_op(&e, op, res);
        if (e.full) {
            return -1;
        }
    }
    if (nb_insns > 0) {
        res->insn_end_off[nb_insns - 1] = (uint32_t)e.pos;
    }
    res->nb_insns = nb_insns;

    for (int i = 0; i < e.nb_fixups; i++) {
        TCIFixup *f = &e.fixups[i];
        int32_t disp;

        if (!f->label->has_value) {
            tci_fatal("branch to a label that was never set", NULL);
        }
        disp = (int32_t)((int64_t)f->label->value - (int64_t)f->insn_off);
        memcpy(e.buf + f->disp_off, &disp, 4);
    }
    return (int)e.pos;
}

static void tci_set_jmp_target(uintptr_t jmp_addr, uintptr_t target)
{
    __atomic_store_n((uint64_t *)jmp_addr, (uint64_t)target, __ATOMIC_RELEASE);
}

const TCGBackend tcg_backend_tci = {
    .name = "tci",
    .init = tci_init,
    .gen_code = tci_gen_code,
    .exec = tci_exec,
    .set_jmp_target = tci_set_jmp_target,
    .unwind_pc = tci_unwind_pc,
    .needs_exec_memory = false,
};
