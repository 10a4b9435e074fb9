/*
 * Liveness analysis: one backward pass over the op list that fills
 * op->life and turns ops with unused results into nops.
 *
 * THE RULES (the backends rely on these):
 *
 * Meaning of the bits:
 *  - DEAD_ARG(i) on an input: the value is not used after this op (the
 *    backend may free its register). If the same temp appears as two
 *    inputs of one op, both get the bit.
 *  - DEAD_ARG(i) on an output: the value is never read afterwards; the
 *    backend computes it (and syncs it if SYNC_ARG is set) and then frees
 *    the register.
 *  - SYNC_ARG(i) on an output: after computing it, the backend must also
 *    store the value to the temp's memory slot (env + mem_offset for a
 *    global, the frame slot for a TB temp). Without SYNC_ARG the memory
 *    copy may be left stale until a later sync point.
 *  - The fixed temp (env) never gets DEAD_ARG or SYNC_ARG. Constant temps
 *    may appear as any input of any op and get DEAD_ARG at their last use
 *    in a basic block.
 *
 * Where values must be in memory (what the analysis assumes, and so what
 * the backend must do at these points):
 *  - At every op with TCG_OPF_BB_END (set_label, br, brcond, goto_tb,
 *    exit_tb, goto_ptr): every global is in env; every TB temp that is
 *    live across basic blocks is in its frame slot (not at TB exits:
 *    TCG_OPF_BB_EXIT, where TB temps are dead); EBB temps and constants
 *    are dead. After a set_label, the backend must assume globals and TB
 *    temps are in memory and nothing is in registers. The inputs of a
 *    brcond/goto_ptr are read before the BB-end sync (they are live at
 *    the op).
 *  - A TB temp whose every use is preceded, in the same basic block, by a
 *    definition never carries a value across a block boundary; it is
 *    treated like an EBB temp (dead at BB ends, no frame slot needed).
 *  - call without TCG_CALL_NO_WRITE_GLOBALS: every global must be in env
 *    before the call (synced), and its register copy is dead after it:
 *    the backend reloads globals from env when next used.
 *  - call with NO_WRITE_GLOBALS but without NO_READ_GLOBALS: globals must
 *    be synced to env before the call; register copies stay valid.
 *  - qemu_ld / qemu_st may fault: treated like a call that reads but does
 *    not write globals, so every global is synced to env before it (the
 *    loaded value of a qemu_ld into a global is written after the access).
 *  - At the end of the op list every global is in env.
 *  Across any call or qemu_ld/st the backend keeps live TB/EBB temps in
 *  call-saved registers or spills them (TCG_OPF_CALL_CLOBBER).
 *
 * Dead code: an op without TCG_OPF_SIDE_EFFECTS or TCG_OPF_BB_END whose
 * outputs are all dead and need no sync is replaced by a nop; so is a
 * call with TCG_CALL_NO_SIDE_EFFECTS whose outputs are all dead. insn_start,
 * discard and set_label are never removed here.
 *
 * Temp state during the pass (TCGTemp.state): TS_DEAD = no later reader
 * of the current value; TS_MEM = the value must be in memory at some later
 * point, so its definition must sync it.
 */
#include "tcg/tcg.h"

#include <stdbool.h>
#include <string.h>

#define TS_DEAD 1u
#define TS_MEM 2u

/* TB temps that carry a value from one basic block into another. */
static bool temp_crosses_bb[TCG_MAX_TEMPS];

/* Forward pre-pass: which TB temps are read in a block other than the one
 * that last wrote them (or read before any write). */
static void find_cross_bb_temps(TCGContext *s)
{
    static int def_bb[TCG_MAX_TEMPS];
    int bb = 0;
    int i, j;

    for (i = 0; i < s->nb_temps; i++) {
        temp_crosses_bb[i] = false;
        def_bb[i] = -1;
    }
    for (i = 0; i < s->nb_ops; i++) {
        TCGOp *op = &s->ops[i];
        int nout, nin;

        if (op->opc == INDEX_op_nop || op->opc == INDEX_op_insn_start) {
            continue;
        }
        nout = tcg_op_nb_oargs(op);
        nin = tcg_op_nb_iargs(op);
        for (j = nout; j < nout + nin; j++) {
            int idx = tcg_temp_index(s, arg_temp(op->args[j]));
            if (def_bb[idx] != bb) {
                temp_crosses_bb[idx] = true;
            }
        }
        for (j = 0; j < nout; j++) {
            def_bb[tcg_temp_index(s, arg_temp(op->args[j]))] = bb;
        }
        if (tcg_op_defs[op->opc].flags & TCG_OPF_BB_END) {
            bb++;
        }
    }
}

static void la_bb_end(TCGContext *s, bool tb_exit)
{
    int i;

    for (i = 0; i < s->nb_temps; i++) {
        TCGTemp *t = &s->temps[i];
        switch (t->kind) {
        case TEMP_FIXED:
            t->state = 0;
            break;
        case TEMP_GLOBAL:
            t->state = TS_DEAD | TS_MEM;
            break;
        case TEMP_TB:
            t->state = (temp_crosses_bb[i] && !tb_exit) ? TS_DEAD | TS_MEM : TS_DEAD;
            break;
        default:
            t->state = TS_DEAD;
            break;
        }
    }
}

/* A call that may write globals: they come back from env afterwards. */
static void la_globals_kill(TCGContext *s)
{
    int i;

    for (i = 1; i < s->nb_globals; i++) {
        if (s->temps[i].kind == TEMP_GLOBAL) {
            s->temps[i].state = TS_DEAD | TS_MEM;
        }
    }
}

/* Something that may read globals from env (a call, a faulting access). */
static void la_globals_sync(TCGContext *s)
{
    int i;

    for (i = 1; i < s->nb_globals; i++) {
        if (s->temps[i].kind == TEMP_GLOBAL) {
            s->temps[i].state |= TS_MEM;
        }
    }
}

static bool outputs_all_dead(const TCGOp *op, int nout)
{
    int i;

    for (i = 0; i < nout; i++) {
        if (arg_temp(op->args[i])->state != TS_DEAD) {
            return false;
        }
    }
    return true;
}

static void la_outputs(TCGOp *op, int nout)
{
    int i;

    for (i = 0; i < nout; i++) {
        TCGTemp *t = arg_temp(op->args[i]);
        if (t->kind == TEMP_FIXED) {
            continue;
        }
        if (t->state & TS_DEAD) {
            op->life |= DEAD_ARG(i);
        }
        if (t->state & TS_MEM) {
            op->life |= SYNC_ARG(i);
        }
        t->state = TS_DEAD;
    }
}

static void la_inputs(TCGOp *op, int nout, int nin)
{
    int i;

    /* Mark first, then revive: a temp used twice is dead in both slots. */
    for (i = nout; i < nout + nin; i++) {
        TCGTemp *t = arg_temp(op->args[i]);
        if (t->kind != TEMP_FIXED && (t->state & TS_DEAD)) {
            op->life |= DEAD_ARG(i);
        }
    }
    for (i = nout; i < nout + nin; i++) {
        arg_temp(op->args[i])->state &= ~TS_DEAD;
    }
}

void tcg_liveness_analysis(TCGContext *s)
{
    int i;

    find_cross_bb_temps(s);
    /* What follows the last op: the TB is left, globals live in env. */
    la_bb_end(s, true);

    for (i = s->nb_ops - 1; i >= 0; i--) {
        TCGOp *op = &s->ops[i];
        const TCGOpDef *def = &tcg_op_defs[op->opc];
        int nout, nin;

        op->life = 0;
        switch (op->opc) {
        case INDEX_op_nop:
        case INDEX_op_insn_start:
            continue;

        case INDEX_op_discard: {
            TCGTemp *t = arg_temp(op->args[0]);
            if (t->kind != TEMP_FIXED) {
                t->state = TS_DEAD; /* its value is undefined: no sync */
                op->life = DEAD_ARG(0);
            }
            continue;
        }

        case INDEX_op_call: {
            unsigned flags;

            nout = op->callo;
            nin = op->calli;
            flags = (unsigned)op->args[nout + nin + 1];
            if ((flags & TCG_CALL_NO_SIDE_EFFECTS) && outputs_all_dead(op, nout)) {
                op->opc = INDEX_op_nop;
                continue;
            }
            la_outputs(op, nout);
            if (!(flags & TCG_CALL_NO_WRITE_GLOBALS)) {
                la_globals_kill(s);
            } else if (!(flags & TCG_CALL_NO_READ_GLOBALS)) {
                la_globals_sync(s);
            }
            la_inputs(op, nout, nin);
            continue;
        }

        default:
            break;
        }

        nout = def->nb_oargs;
        nin = def->nb_iargs;
        if (def->flags & TCG_OPF_BB_END) {
            la_bb_end(s, (def->flags & TCG_OPF_BB_EXIT) != 0);
        }
        if (!(def->flags & (TCG_OPF_SIDE_EFFECTS | TCG_OPF_BB_END)) && nout > 0 &&
            outputs_all_dead(op, nout)) {
            op->opc = INDEX_op_nop;
            continue;
        }
        la_outputs(op, nout);
        if (op->opc == INDEX_op_qemu_ld || op->opc == INDEX_op_qemu_st) {
            la_globals_sync(s);
        }
        la_inputs(op, nout, nin);
    }
}
