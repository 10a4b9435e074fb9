/*
 * Register allocator of the x86-64 host backend.
 *
 * Design: a local, per-op allocator in one forward pass over the ops, in
 * the style of a classic template JIT, driven by the liveness bits that
 * tcg/liveness.c leaves in op->life (read its overview for the rules).
 *
 * State. Every temp is DEAD (no value), MEM (value in its memory slot: env
 * + offset for a global, a frame slot for anything else), CONST (a known
 * constant, not materialised; cval[] holds it unless the temp is a
 * TEMP_CONST) or REG (in host register ts->reg; mem_coherent says whether
 * the memory slot also holds it). reg_to_temp[] is the inverse map. env is
 * pinned in rbp and never appears in reg_to_temp.
 *
 * Per op (ra_op_begin/ra_op_end), from a constraint description X86OpCt:
 *  1. Inputs are placed in the order of their constraints' tightness
 *     (fixed registers first). A constant that the op accepts stays an
 *     immediate. A value already in an allowed register is used there; an
 *     input the op destroys (two-address ops, fixed-register ops such as
 *     div) may only use its home register when the value dies here,
 *     otherwise it works on a copy. Values loaded from memory are kept in
 *     their new register ("homed"), so later uses find them.
 *  2. Inputs that die here are freed; registers the op clobbers are
 *     emptied; scratch registers are handed out.
 *  3. Outputs get a register: the aliased input's, a fixed one, the
 *     preferred input's if it just died, a free one, or one freed by
 *     eviction. The op is then emitted with all arguments in place.
 *  4. Outputs with SYNC_ARG are stored, those with DEAD_ARG freed.
 * Eviction prefers values whose memory copy is current (free to drop) and
 * then the least recently used; a value that must survive moves to a free
 * register when there is one, else it is stored to its slot.
 *
 * Block boundaries: before a conditional branch every global and TB temp
 * is made coherent in memory but stays in its register for the
 * fall-through path; at a label or an unconditional branch everything is
 * written back and forgotten (the label's other predecessors left values
 * in memory); at TB exits globals are written back. Calls follow the SysV
 * ABI: arguments in rdi, rsi, rdx, rcx, r8, r9 and then on the stack; live
 * values in call-clobbered registers move to callee-saved ones or are
 * spilled; globals are synced and/or dropped per the call's flags.
 *
 * Frame slots are given out on first need, in order; the frame has room
 * for one slot per possible temp, so they never run out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x86-internal.h"

X86Gen x86_gen;

/* Callee-saved first (values survive calls), then the registers least
 * likely to be wanted as call arguments or by div/mul/shift. */
static const int8_t ra_alloc_order[] = {
    X86_RBX, X86_R12, X86_R13, X86_R15, X86_R10, X86_R11, X86_R9,
    X86_R8,  X86_RSI, X86_RDI, X86_RCX, X86_RDX, X86_RAX,
};

static inline int temp_idx(X86Gen *g, TCGTemp *ts)
{
    return (int)(ts - g->s->temps);
}
static inline bool temp_is64(TCGTemp *ts)
{
    return ts->type == TCG_TYPE_I64;
}

static void ra_internal_error(const char *what)
{
    fprintf(stderr, "tern: x86-64 backend: register allocation failed: %s\n", what);
    abort();
}

void ra_init_block(X86Gen *g)
{
    TCGContext *s = g->s;
    int i;

    memset(g->reg_to_temp, 0, sizeof(g->reg_to_temp));
    memset(g->reg_use, 0, sizeof(g->reg_use));
    g->tick = 0;
    g->locked = 0;
    g->destroyed = 0;
    g->next_slot = 0;
    memset(g->zext, 0, sizeof(g->zext[0]) * (size_t)s->nb_temps);
    for (i = 0; i < s->nb_temps; i++) {
        TCGTemp *ts = &s->temps[i];
        ts->reg = -1;
        switch (ts->kind) {
        case TEMP_FIXED:
            ts->val_type = TEMP_VAL_REG;
            ts->reg = X86_AREG0;
            break;
        case TEMP_GLOBAL:
            ts->val_type = TEMP_VAL_MEM;
            ts->mem_coherent = true;
            ts->mem_allocated = true;
            break;
        case TEMP_CONST:
            ts->val_type = TEMP_VAL_CONST;
            ts->mem_coherent = false;
            ts->mem_allocated = false;
            break;
        default:
            ts->val_type = TEMP_VAL_DEAD;
            ts->mem_coherent = false;
            ts->mem_allocated = false;
            break;
        }
    }
}

bool ra_zext(X86Gen *g, TCGTemp *ts)
{
    int64_t v;

    if (ts->type == TCG_TYPE_I32) {
        return false; /* only i64 values are tracked */
    }
    if (ra_is_const(g, ts, &v)) {
        return ((uint64_t)v >> 32) == 0;
    }
    return ts->kind != TEMP_FIXED && g->zext[temp_idx(g, ts)];
}

void ra_zext_set(X86Gen *g, TCGTemp *ts, bool z)
{
    if (ts->kind != TEMP_FIXED && ts->kind != TEMP_CONST) {
        g->zext[temp_idx(g, ts)] = z;
    }
}

bool ra_is_const(X86Gen *g, TCGTemp *ts, int64_t *val)
{
    if (ts->kind == TEMP_CONST) {
        *val = ts->val;
        return true;
    }
    if (ts->val_type == TEMP_VAL_CONST) {
        *val = g->cval[temp_idx(g, ts)];
        return true;
    }
    return false;
}

void ra_temp_mem(X86Gen *g, TCGTemp *ts, int *base, int32_t *disp)
{
    if (ts->kind == TEMP_GLOBAL) {
        *base = X86_AREG0;
        *disp = (int32_t)ts->mem_offset;
        return;
    }
    if (!ts->mem_allocated) {
        ts->mem_offset = X86_FRAME_SLOTS_OFS + 8 * g->next_slot++;
        ts->mem_allocated = true;
    }
    *base = X86_RSP;
    *disp = (int32_t)ts->mem_offset;
}

static void reg_set(X86Gen *g, TCGTemp *ts, int r)
{
    g->reg_to_temp[r] = ts;
    g->reg_use[r] = g->tick;
    ts->reg = (int8_t)r;
    ts->val_type = TEMP_VAL_REG;
}

static void temp_store_reg(X86Gen *g, TCGTemp *ts, int r)
{
    int base;
    int32_t disp;

    x86_asm_need(g, 16);
    ra_temp_mem(g, ts, &base, &disp);
    x86_rm(&g->a, OPC_MOVL_EvGv | x86_w(temp_is64(ts)), r, base, disp);
    ts->mem_coherent = true;
}

/* Store constant v to the memory slot of a temp of the given type. */
static void temp_store_const(X86Gen *g, TCGTemp *ts, int64_t v)
{
    int base;
    int32_t disp;

    x86_asm_need(g, 32);
    ra_temp_mem(g, ts, &base, &disp);
    if (!temp_is64(ts) || x86_fits_s32(v)) {
        x86_rm(&g->a, OPC_MOVL_EvIz | x86_w(temp_is64(ts)), 0, base, disp);
        x86_d32(&g->a, (uint32_t)v);
    } else {
        x86_rm(&g->a, OPC_MOVL_EvIz, 0, base, disp);
        x86_d32(&g->a, (uint32_t)v);
        x86_rm(&g->a, OPC_MOVL_EvIz, 0, base, disp + 4);
        x86_d32(&g->a, (uint32_t)((uint64_t)v >> 32));
    }
    ts->mem_coherent = true;
}

void ra_temp_sync(X86Gen *g, TCGTemp *ts)
{
    if (ts->kind == TEMP_CONST || ts->kind == TEMP_FIXED || ts->mem_coherent) {
        return;
    }
    if (ts->val_type == TEMP_VAL_REG) {
        temp_store_reg(g, ts, ts->reg);
    } else if (ts->val_type == TEMP_VAL_CONST) {
        temp_store_const(g, ts, g->cval[temp_idx(g, ts)]);
    }
}

/* Forget the register/constant copy; the value stays in memory (the
 * caller synced it) or, for a TEMP_CONST, in the constant. */
static void temp_drop(X86Gen *g, TCGTemp *ts)
{
    if (ts->kind == TEMP_FIXED) {
        return;
    }
    if (ts->val_type == TEMP_VAL_REG) {
        g->reg_to_temp[ts->reg] = NULL;
        ts->reg = -1;
    }
    if (ts->kind == TEMP_CONST) {
        ts->val_type = TEMP_VAL_CONST;
    } else if (ts->val_type != TEMP_VAL_DEAD) {
        ts->val_type = TEMP_VAL_MEM;
        ts->mem_coherent = true;
    }
}

void ra_temp_dead(X86Gen *g, TCGTemp *ts)
{
    if (ts->kind == TEMP_FIXED) {
        return;
    }
    if (ts->val_type == TEMP_VAL_REG) {
        g->reg_to_temp[ts->reg] = NULL;
        ts->reg = -1;
    }
    switch (ts->kind) {
    case TEMP_GLOBAL:
        /* liveness synced it at its definition if it is needed in env */
        ts->val_type = TEMP_VAL_MEM;
        ts->mem_coherent = true;
        break;
    case TEMP_CONST:
        ts->val_type = TEMP_VAL_CONST;
        break;
    case TEMP_TB:
        /* "dead" before a block end can still mean "live in memory" for a
         * TB temp that crosses blocks: liveness synced it at its definition */
        if (ts->mem_coherent && ts->mem_allocated) {
            ts->val_type = TEMP_VAL_MEM;
            break;
        }
        /* fall through */
    default:
        ts->val_type = TEMP_VAL_DEAD;
        ts->mem_coherent = false;
        break;
    }
}

static int first_free(X86Gen *g, uint16_t cand)
{
    size_t k;

    for (k = 0; k < sizeof(ra_alloc_order); k++) {
        int r = ra_alloc_order[k];
        if ((cand & X86_REG_BIT(r)) && !g->reg_to_temp[r]) {
            return r;
        }
    }
    return -1;
}

/* Empty register r; a value that must survive goes to a free register of
 * dest if there is one, else to memory. r's contents are left intact. */
static void reg_evict(X86Gen *g, int r, uint16_t dest)
{
    TCGTemp *ts = g->reg_to_temp[r];
    int r2;

    if (!ts) {
        return;
    }
    if (ts->kind == TEMP_CONST || ts->mem_coherent) {
        temp_drop(g, ts);
        return;
    }
    r2 = first_free(g, dest & X86_ALLOC_REGS & ~g->locked & ~X86_REG_BIT(r));
    if (r2 >= 0) {
        x86_asm_need(g, 16);
        x86_mov_rr(&g->a, temp_is64(ts), r2, r);
        g->reg_to_temp[r] = NULL;
        reg_set(g, ts, r2);
        return;
    }
    temp_store_reg(g, ts, r);
    temp_drop(g, ts);
}

/* A register of allowed that is not locked, emptied if necessary. */
static int pick_reg(X86Gen *g, uint16_t allowed)
{
    uint16_t cand = allowed & X86_ALLOC_REGS & ~g->locked;
    int r, best = -1;
    uint32_t best_score = 0;

    r = first_free(g, cand);
    if (r >= 0) {
        return r;
    }
    for (r = 0; r < 16; r++) {
        TCGTemp *ts;
        uint32_t score;
        if (!(cand & X86_REG_BIT(r))) {
            continue;
        }
        ts = g->reg_to_temp[r];
        /* cheapest first: droppable values, then least recently used */
        score = (g->tick - g->reg_use[r]) + 1;
        if (ts && (ts->kind == TEMP_CONST || ts->mem_coherent)) {
            score += 0x40000000u;
        }
        if (best < 0 || score > best_score) {
            best = r;
            best_score = score;
        }
    }
    if (best < 0) {
        ra_internal_error("no register left");
    }
    reg_evict(g, best, X86_ALLOC_REGS & ~X86_REG_BIT(best));
    return best;
}

/* Put the value of ts into register r without changing where ts lives. */
static void temp_load_to(X86Gen *g, TCGTemp *ts, int r)
{
    int64_t v;
    int base;
    int32_t disp;

    x86_asm_need(g, 16);
    if (ra_is_const(g, ts, &v) && ts->val_type != TEMP_VAL_REG) {
        x86_movi(&g->a, temp_is64(ts), r, v);
        return;
    }
    switch (ts->val_type) {
    case TEMP_VAL_REG:
        if (ts->reg != r) {
            x86_mov_rr(&g->a, temp_is64(ts), r, ts->reg);
        }
        break;
    case TEMP_VAL_MEM:
        ra_temp_mem(g, ts, &base, &disp);
        x86_rm(&g->a, OPC_MOVL_GvEv | x86_w(temp_is64(ts)), r, base, disp);
        break;
    default:
        break; /* no value: anything will do */
    }
}

/* Keep ts in register r from now on (after temp_load_to(ts, r)). */
static void temp_home(X86Gen *g, TCGTemp *ts, int r)
{
    if (ts->kind == TEMP_FIXED) {
        return;
    }
    if (ts->val_type == TEMP_VAL_REG) {
        g->reg_to_temp[ts->reg] = NULL;
    } else if (ts->val_type == TEMP_VAL_MEM) {
        ts->mem_coherent = true;
    } else if (ts->val_type == TEMP_VAL_DEAD) {
        ts->mem_coherent = false;
    }
    reg_set(g, ts, r);
}

static inline void lock(X86Gen *g, int r, bool destroyed)
{
    g->locked |= X86_REG_BIT(r);
    if (destroyed) {
        g->destroyed |= X86_REG_BIT(r);
    }
    g->reg_use[r] = g->tick;
}

int ra_temp_in_reg(X86Gen *g, TCGTemp *ts, uint16_t allowed)
{
    int r;

    if (ts->val_type == TEMP_VAL_REG && (allowed & X86_REG_BIT(ts->reg))) {
        lock(g, ts->reg, false);
        return ts->reg;
    }
    r = pick_reg(g, allowed);
    temp_load_to(g, ts, r);
    temp_home(g, ts, r);
    lock(g, r, false);
    return r;
}

static int popcount16(uint16_t v)
{
    return __builtin_popcount(v);
}

/* Place one input; see step 1 of the overview. */
static int load_input(X86Gen *g, TCGTemp *ts, uint16_t regs, bool destroyed, bool dead)
{
    int r, r2;

    if (ts->val_type == TEMP_VAL_REG) {
        r = ts->reg;
        bool ok = (regs & X86_REG_BIT(r)) && !(g->destroyed & X86_REG_BIT(r));
        if (ok && !destroyed) {
            lock(g, r, false);
            return r;
        }
        if (ok && !(g->locked & X86_REG_BIT(r))) {
            if (dead) {
                lock(g, r, true);
                return r;
            }
            if (popcount16(regs) == 1) {
                /* the op needs this very register: move the live value out */
                reg_evict(g, r, X86_ALLOC_REGS & ~X86_REG_BIT(r));
                lock(g, r, true);
                return r;
            }
        }
        r2 = pick_reg(g, regs);
        if (r2 != r) {
            x86_asm_need(g, 16);
            x86_mov_rr(&g->a, true, r2, r);
        }
        lock(g, r2, destroyed);
        return r2;
    }
    r2 = pick_reg(g, regs);
    temp_load_to(g, ts, r2);
    if (!destroyed && !dead) {
        temp_home(g, ts, r2);
    }
    lock(g, r2, destroyed);
    return r2;
}

static bool const_ok(int cst, TCGType type, int64_t v)
{
    switch (cst) {
    case X86_CST_ANY:
        return true;
    case X86_CST_S32:
        return type == TCG_TYPE_I32 || x86_fits_s32(v);
    default:
        return false;
    }
}

void ra_op_begin(X86Gen *g, const TCGOp *op, const X86OpCt *ct, X86OpArgs *args)
{
    int nout = tcg_op_nb_oargs(op);
    int nin = tcg_op_nb_iargs(op);
    int order[X86_MAX_IN];
    uint16_t out_locked = 0, scratch = 0;
    int i, j, k;

    g->tick++;
    g->locked = 0;
    g->destroyed = 0;

    /* tightest constraints first (insertion sort, stable) */
    for (i = 0; i < nin; i++) {
        int pc = popcount16(ct->in[i].regs);
        for (j = i; j > 0 && popcount16(ct->in[order[j - 1]].regs) > pc; j--) {
            order[j] = order[j - 1];
        }
        order[j] = i;
    }
    /*
     * Immediates first, from the state the constraints were computed in:
     * loading an input homes a known-constant temp in a register, so when
     * the same temp is also a later input it would stop looking constant,
     * and the op would get a register where its constraints (scratch
     * count, shift count in rcx, newreg) assumed an immediate.
     */
    for (i = 0; i < nin; i++) {
        const X86ArgCt *c = &ct->in[i];
        int64_t v;

        args->i[i] = 0;
        args->c[i] = 0;
        if (c->cst && ra_is_const(g, arg_temp(op->args[nout + i]), &v) &&
            const_ok(c->cst, op->type, v)) {
            args->i[i] = -1;
            args->c[i] = v;
        }
    }
    for (k = 0; k < nin; k++) {
        const X86ArgCt *c;
        TCGTemp *ts;
        bool dead;

        i = order[k];
        if (args->i[i] < 0) {
            continue;
        }
        c = &ct->in[i];
        ts = arg_temp(op->args[nout + i]);
        dead = IS_DEAD_ARG(op, nout + i) && ts->kind != TEMP_FIXED;
        if (c->mem && dead && ts->val_type == TEMP_VAL_MEM) {
            /* read once, straight from its slot: no register, no load */
            args->i[i] = X86_ARG_MEM;
            ra_temp_mem(g, ts, &args->mb[i], &args->md[i]);
            continue;
        }
        args->i[i] = load_input(g, ts, c->regs, c->destroyed, dead);
    }

    for (i = 0; i < nin; i++) {
        if (IS_DEAD_ARG(op, nout + i)) {
            ra_temp_dead(g, arg_temp(op->args[nout + i]));
        }
    }
    if (ct->sync_globals) {
        ra_sync_globals(g);
    }
    for (i = 0; i < 16; i++) {
        if (ct->clobber & X86_REG_BIT(i)) {
            reg_evict(g, i, X86_ALLOC_REGS & ~ct->clobber);
        }
    }
    for (i = 0; i < ct->nb_scratch; i++) {
        args->t[i] = pick_reg(g, X86_ALLOC_REGS & ~ct->clobber);
        lock(g, args->t[i], true);
        scratch |= X86_REG_BIT(args->t[i]);
    }

    for (i = 0; i < nout; i++) {
        const X86ArgCt *c = &ct->out[i];
        TCGTemp *ts = arg_temp(op->args[i]);
        int r = -1;

        if (ts->kind == TEMP_FIXED) {
            ra_internal_error("op writes the fixed env temp");
        }
        /* the old value is overwritten: forget where it was */
        ra_zext_set(g, ts, false);
        if (ts->val_type == TEMP_VAL_REG) {
            g->reg_to_temp[ts->reg] = NULL;
            ts->reg = -1;
        }
        ts->val_type = TEMP_VAL_DEAD;

        if (c->alias >= 0) {
            r = args->i[c->alias];
        } else if (popcount16(c->regs) == 1) {
            r = __builtin_ctz(c->regs);
            reg_evict(g, r, X86_ALLOC_REGS & ~g->locked & ~out_locked & ~ct->clobber);
        } else {
            /* never a scratch or a register another input is copied into */
            uint16_t avail = c->regs & X86_ALLOC_REGS & ~out_locked & ~scratch & ~g->destroyed;
            if (c->newreg) {
                avail &= ~g->locked;
            }
            if (i == 0 && ct->prefer_in >= 0 && args->i[ct->prefer_in] >= 0) {
                int pr = args->i[ct->prefer_in];
                if ((avail & X86_REG_BIT(pr)) && !g->reg_to_temp[pr]) {
                    r = pr;
                }
            }
            if (r < 0) {
                r = first_free(g, avail);
            }
            if (r < 0) {
                uint16_t saved = g->locked;
                g->locked |= out_locked;
                r = pick_reg(g, avail);
                g->locked = saved;
            }
        }
        reg_set(g, ts, r);
        ts->mem_coherent = false;
        out_locked |= X86_REG_BIT(r);
        args->o[i] = r;
    }
}

void ra_op_end(X86Gen *g, const TCGOp *op, const X86OpCt *ct)
{
    int nout = tcg_op_nb_oargs(op);
    int i;

    (void)ct;
    for (i = 0; i < nout; i++) {
        TCGTemp *ts = arg_temp(op->args[i]);
        if (NEED_SYNC_ARG(op, i)) {
            ra_temp_sync(g, ts);
        }
        if (IS_DEAD_ARG(op, i)) {
            ra_temp_dead(g, ts);
        }
    }
    g->locked = 0;
    g->destroyed = 0;
}

void ra_mov(X86Gen *g, const TCGOp *op)
{
    TCGTemp *d = arg_temp(op->args[0]);
    TCGTemp *a = arg_temp(op->args[1]);
    bool dead_a = IS_DEAD_ARG(op, 1) && a->kind != TEMP_FIXED;
    int64_t v;
    int r, ra;

    g->tick++;
    g->locked = 0;
    if (d->kind == TEMP_FIXED) {
        ra_internal_error("mov to the fixed env temp");
    }
    if (d == a) {
        goto out;
    }
    ra_zext_set(g, d, ra_zext(g, a));
    if (ra_is_const(g, a, &v)) {
        if (d->val_type == TEMP_VAL_REG) {
            g->reg_to_temp[d->reg] = NULL;
            d->reg = -1;
        }
        d->val_type = TEMP_VAL_CONST;
        d->mem_coherent = false;
        g->cval[temp_idx(g, d)] = d->type == TCG_TYPE_I32 ? (int64_t)(int32_t)v : v;
        if (dead_a) {
            ra_temp_dead(g, a);
        }
        goto out;
    }
    if (IS_DEAD_ARG(op, 0) && NEED_SYNC_ARG(op, 0)) {
        /* only the memory copy is wanted: store straight from a */
        ra = ra_temp_in_reg(g, a, X86_IN_REGS);
        if (d->val_type == TEMP_VAL_REG) {
            g->reg_to_temp[d->reg] = NULL;
            d->reg = -1;
        }
        d->val_type = TEMP_VAL_MEM;
        temp_store_reg(g, d, ra);
        if (dead_a) {
            ra_temp_dead(g, a);
        }
        ra_temp_dead(g, d);
        g->locked = 0;
        return;
    }
    if (a->val_type == TEMP_VAL_REG && dead_a) {
        /* hand the register over */
        r = a->reg;
        ra_temp_dead(g, a);
        if (d->val_type == TEMP_VAL_REG) {
            g->reg_to_temp[d->reg] = NULL;
        }
        reg_set(g, d, r);
        d->mem_coherent = false;
        goto out;
    }
    ra = ra_temp_in_reg(g, a, X86_IN_REGS);
    if (d->val_type == TEMP_VAL_REG && d->reg != ra) {
        r = d->reg;
    } else {
        if (d->val_type == TEMP_VAL_REG) {
            g->reg_to_temp[d->reg] = NULL;
            d->val_type = TEMP_VAL_DEAD;
        }
        r = pick_reg(g, X86_ALLOC_REGS);
    }
    x86_asm_need(g, 16);
    x86_mov_rr(&g->a, d->type == TCG_TYPE_I64, r, ra);
    reg_set(g, d, r);
    d->mem_coherent = false;
    if (dead_a) {
        ra_temp_dead(g, a);
    }
out:
    if (NEED_SYNC_ARG(op, 0)) {
        ra_temp_sync(g, d);
    }
    if (IS_DEAD_ARG(op, 0)) {
        ra_temp_dead(g, d);
    }
    g->locked = 0;
}

static const int8_t ra_arg_regs[6] = { X86_RDI, X86_RSI, X86_RDX, X86_RCX, X86_R8, X86_R9 };

void ra_call(X86Gen *g, const TCGOp *op)
{
    TCGContext *s = g->s;
    int nout = op->callo;
    int nin = op->calli;
    uintptr_t func = (uintptr_t)op->args[nout + nin];
    unsigned flags = (unsigned)op->args[nout + nin + 1];
    int i, r;

    g->tick++;
    g->locked = 0;
    g->destroyed = 0;

    /* arguments 7 and up go to the outgoing area at the bottom of the frame */
    for (i = 6; i < nin; i++) {
        TCGTemp *ts = arg_temp(op->args[nout + i]);
        int32_t disp = 8 * (i - 6);
        int64_t v;
        if (ra_is_const(g, ts, &v)) {
            x86_asm_need(g, 32);
            if (x86_fits_s32(v)) {
                x86_rm(&g->a, OPC_MOVL_EvIz | X86_PW, 0, X86_RSP, disp);
                x86_d32(&g->a, (uint32_t)v);
            } else {
                x86_rm(&g->a, OPC_MOVL_EvIz, 0, X86_RSP, disp);
                x86_d32(&g->a, (uint32_t)v);
                x86_rm(&g->a, OPC_MOVL_EvIz, 0, X86_RSP, disp + 4);
                x86_d32(&g->a, (uint32_t)((uint64_t)v >> 32));
            }
        } else {
            r = ra_temp_in_reg(g, ts, X86_IN_REGS);
            x86_asm_need(g, 16);
            x86_rm(&g->a, OPC_MOVL_EvGv | X86_PW, r, X86_RSP, disp);
        }
        g->locked = 0;
    }
    for (i = 0; i < nin && i < 6; i++) {
        TCGTemp *ts = arg_temp(op->args[nout + i]);
        r = ra_arg_regs[i];
        if (!(ts->val_type == TEMP_VAL_REG && ts->reg == r)) {
            /* keep the occupant in a register that survives the call */
            reg_evict(g, r, X86_ALLOC_REGS & ~X86_CALL_CLOBBERED);
            temp_load_to(g, ts, r);
        }
        lock(g, r, false);
    }
    for (i = 0; i < nin; i++) {
        if (IS_DEAD_ARG(op, nout + i)) {
            ra_temp_dead(g, arg_temp(op->args[nout + i]));
        }
    }
    if (!(flags & TCG_CALL_NO_WRITE_GLOBALS)) {
        for (i = 1; i < s->nb_globals; i++) {
            ra_temp_sync(g, &s->temps[i]);
            temp_drop(g, &s->temps[i]);
            ra_zext_set(g, &s->temps[i], false);
        }
    } else if (!(flags & TCG_CALL_NO_READ_GLOBALS)) {
        ra_sync_globals(g);
    }
    for (r = 0; r < 16; r++) {
        if (X86_CALL_CLOBBERED & X86_REG_BIT(r)) {
            reg_evict(g, r, X86_ALLOC_REGS & ~X86_CALL_CLOBBERED);
        }
    }
    x86_emit_call(g, func);
    g->locked = 0;
    if (nout) {
        TCGTemp *ts = arg_temp(op->args[0]);
        ra_zext_set(g, ts, false);
        if (ts->type == TCG_TYPE_I32 && !IS_DEAD_ARG(op, 0)) {
            /* the ABI leaves bits 63:32 of an int return undefined; i32
             * values in registers are kept zero-extended */
            x86_asm_need(g, 8);
            x86_mov_rr(&g->a, false, X86_RAX, X86_RAX);
        }
        if (ts->val_type == TEMP_VAL_REG) {
            g->reg_to_temp[ts->reg] = NULL;
        }
        reg_set(g, ts, X86_RAX);
        ts->mem_coherent = false;
        if (NEED_SYNC_ARG(op, 0)) {
            ra_temp_sync(g, ts);
        }
        if (IS_DEAD_ARG(op, 0)) {
            ra_temp_dead(g, ts);
        }
    }
}

void ra_sync_globals(X86Gen *g)
{
    int i;

    for (i = 1; i < g->s->nb_globals; i++) {
        ra_temp_sync(g, &g->s->temps[i]);
    }
}

void ra_bb_sync(X86Gen *g)
{
    TCGContext *s = g->s;
    int i;

    for (i = 1; i < s->nb_temps; i++) {
        TCGTemp *ts = &s->temps[i];
        if (ts->kind == TEMP_GLOBAL || ts->kind == TEMP_TB) {
            ra_temp_sync(g, ts);
        }
    }
}

void ra_bb_drop(X86Gen *g)
{
    TCGContext *s = g->s;
    int i;

    /* other predecessors of the label bring values nothing is known of */
    memset(g->zext, 0, sizeof(g->zext[0]) * (size_t)s->nb_temps);
    for (i = 1; i < s->nb_temps; i++) {
        TCGTemp *ts = &s->temps[i];
        switch (ts->kind) {
        case TEMP_GLOBAL:
            ra_temp_sync(g, ts);
            temp_drop(g, ts);
            break;
        case TEMP_TB:
            /* a value arriving from another predecessor is in the slot */
            ra_temp_sync(g, ts);
            temp_drop(g, ts);
            ts->val_type = TEMP_VAL_MEM;
            ts->mem_coherent = true;
            break;
        case TEMP_CONST:
            temp_drop(g, ts);
            break;
        case TEMP_EBB:
            ra_temp_dead(g, ts);
            break;
        default:
            break;
        }
    }
    memset(g->reg_to_temp, 0, sizeof(g->reg_to_temp));
}
