/*
 * The TCG context: op definitions, temps, constants, labels, the op list,
 * condition helpers and the tcg_gen_code() pipeline.
 *
 * There is one global context (tcg_ctx) with statically allocated arrays;
 * nothing here allocates memory. Running out of ops, temps, labels or
 * insn slots never writes out of bounds: it sets s->overflow and hands out
 * a scratch object, and tcg_gen_code() then returns -2 so the translator
 * retries with fewer guest instructions.
 *
 * Temps layout: temps[0] is the fixed env pointer, temps[1, nb_globals)
 * are globals (created once, after tcg_context_init and before any TB),
 * temps[nb_globals, nb_temps) are this TB's EBB/TB/constant temps, all
 * forgotten by tcg_func_start(). Freed EBB/TB temps go to a free list per
 * (type, kind) and are handed out again. Constants are interned per TB by
 * (type, value) through a small open-addressing hash table; an i32
 * constant is stored sign-extended.
 */
#include "tcg/tcg.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"

const TCGOpDef tcg_op_defs[NB_OPS] = {
#define DEF(n, o, i, c, f) [INDEX_op_##n] = { #n, o, i, c, f },
#include "tcg/tcg-opc.h"
#undef DEF
};

static TCGContext tcg_init_ctx;
TCGContext *tcg_ctx = &tcg_init_ctx;

static TCGOp tcg_op_buf[TCG_MAX_OPS];
static TCGLabel tcg_label_buf[TCG_MAX_LABELS];

/* Handed out when an array is full; the TB is then thrown away. */
static TCGOp tcg_scratch_op;
static TCGTemp tcg_scratch_temp;
static TCGLabel tcg_scratch_label;

/* Free lists of recycled temps, by type and kind (EBB or TB). */
static int16_t tcg_free_temps[2][2][TCG_MAX_TEMPS];
static int tcg_nb_free_temps[2][2];

/* Constant interning: slot -> temp index, valid when its stamp matches. */
#define TCG_CONST_HASH_SIZE 2048 /* power of two, > TCG_MAX_TEMPS */
static int16_t tcg_const_hash_idx[TCG_CONST_HASH_SIZE];
static uint32_t tcg_const_hash_stamp[TCG_CONST_HASH_SIZE];
static uint32_t tcg_const_stamp;

int tcg_temp_index(TCGContext *s, TCGTemp *t)
{
    return (int)(t - s->temps);
}

static void tcg_temp_reset_backend_state(TCGTemp *t)
{
    t->reg = -1;
    t->state = 0;
    t->state_ptr = NULL;
    switch (t->kind) {
    case TEMP_GLOBAL:
        t->val_type = TEMP_VAL_MEM;
        t->mem_coherent = true;
        t->mem_allocated = true;
        break;
    case TEMP_FIXED:
        t->val_type = TEMP_VAL_REG;
        t->mem_coherent = false;
        t->mem_allocated = false;
        break;
    case TEMP_CONST:
        t->val_type = TEMP_VAL_CONST;
        t->mem_coherent = false;
        t->mem_allocated = false;
        break;
    default:
        t->val_type = TEMP_VAL_DEAD;
        t->mem_coherent = false;
        t->mem_allocated = false;
        t->mem_offset = 0;
        break;
    }
}

void tcg_context_init(const TCGBackend *backend, void *code_buf, size_t size)
{
    TCGContext *s = tcg_ctx;
    TCGTemp *env;

    memset(s, 0, sizeof(*s));
    s->backend = backend;
    s->ops = tcg_op_buf;
    s->labels = tcg_label_buf;

    env = &s->temps[0];
    env->type = TCG_TYPE_PTR;
    env->kind = TEMP_FIXED;
    env->name = "env";
    env->temp_allocated = true;
    tcg_temp_reset_backend_state(env);
    s->env = temp_tcgv_ptr(env);
    s->nb_globals = 1;
    s->nb_temps = 1;

    s->code_gen_buffer = code_buf;
    s->code_gen_buffer_size = size;
    s->prologue_size = 0;
    if (backend && backend->init) {
        s->prologue_size = backend->init(s, code_buf, size);
    }
    tcg_func_start(s);
}

void tcg_func_start(TCGContext *s)
{
    int i;

    s->nb_temps = s->nb_globals;
    s->nb_ops = 0;
    s->nb_labels = 0;
    s->nb_insn_starts = 0;
    s->overflow = false;
    memset(tcg_nb_free_temps, 0, sizeof(tcg_nb_free_temps));
    for (i = 0; i < s->nb_globals; i++) {
        tcg_temp_reset_backend_state(&s->temps[i]);
    }
    /* A new stamp invalidates every interned constant at once. */
    if (++tcg_const_stamp == 0) {
        memset(tcg_const_hash_stamp, 0, sizeof(tcg_const_hash_stamp));
        tcg_const_stamp = 1;
    }
}

static TCGTemp *tcg_temp_alloc(TCGContext *s)
{
    TCGTemp *t;

    if (s->nb_temps >= TCG_MAX_TEMPS) {
        s->overflow = true;
        memset(&tcg_scratch_temp, 0, sizeof(tcg_scratch_temp));
        return &tcg_scratch_temp;
    }
    t = &s->temps[s->nb_temps++];
    memset(t, 0, sizeof(*t));
    return t;
}

static TCGTemp *tcg_global_new(TCGv_ptr base, TCGType type, intptr_t offset, const char *name)
{
    TCGContext *s = tcg_ctx;
    TCGTemp *t;

    /* Globals must all exist before the first TB's temps: their indexes
     * are the prefix [0, nb_globals). Anything else is a programming
     * error in the emulator, not something a guest can cause. */
    if (tcgv_ptr_temp(base) != tcgv_ptr_temp(s->env) || s->nb_temps != s->nb_globals) {
        fprintf(stderr, "tcg: global %s must be created on env before any temp\n", name);
        abort();
    }
    if (s->nb_temps >= TCG_MAX_TEMPS) {
        fprintf(stderr, "tcg: too many globals\n");
        abort();
    }
    t = tcg_temp_alloc(s);
    t->type = type;
    t->kind = TEMP_GLOBAL;
    t->mem_offset = offset;
    t->name = name;
    t->temp_allocated = true;
    tcg_temp_reset_backend_state(t);
    s->nb_globals++;
    return t;
}

TCGv_i32 tcg_global_mem_new_i32(TCGv_ptr base, intptr_t offset, const char *name)
{
    return temp_tcgv_i32(tcg_global_new(base, TCG_TYPE_I32, offset, name));
}

TCGv_i64 tcg_global_mem_new_i64(TCGv_ptr base, intptr_t offset, const char *name)
{
    return temp_tcgv_i64(tcg_global_new(base, TCG_TYPE_I64, offset, name));
}

TCGv_ptr tcg_global_mem_new_ptr(TCGv_ptr base, intptr_t offset, const char *name)
{
    return temp_tcgv_ptr(tcg_global_new(base, TCG_TYPE_PTR, offset, name));
}

TCGTemp *tcg_temp_new_internal(TCGType type, TCGTempKind kind)
{
    TCGContext *s = tcg_ctx;
    TCGTemp *t;
    int k;

    assert(type == TCG_TYPE_I32 || type == TCG_TYPE_I64);
    assert(kind == TEMP_EBB || kind == TEMP_TB);
    k = kind == TEMP_TB;
    if (tcg_nb_free_temps[type][k] > 0) {
        int idx = tcg_free_temps[type][k][--tcg_nb_free_temps[type][k]];
        t = &s->temps[idx];
        t->temp_allocated = true;
        tcg_temp_reset_backend_state(t);
        return t;
    }
    t = tcg_temp_alloc(s);
    t->type = type;
    t->kind = kind;
    t->temp_allocated = true;
    tcg_temp_reset_backend_state(t);
    return t;
}

void tcg_temp_free_internal(TCGTemp *t)
{
    TCGContext *s = tcg_ctx;
    int idx = tcg_temp_index(s, t);
    int k;

    /* Globals, env, constants and the overflow scratch are never freed. */
    if (idx < s->nb_globals || idx >= s->nb_temps) {
        return;
    }
    if (t->kind != TEMP_EBB && t->kind != TEMP_TB) {
        return;
    }
    if (!t->temp_allocated) {
        return; /* double free: ignore rather than corrupt the list */
    }
    t->temp_allocated = false;
    k = t->kind == TEMP_TB;
    tcg_free_temps[t->type][k][tcg_nb_free_temps[t->type][k]++] = (int16_t)idx;
}

static unsigned tcg_const_hash(TCGType type, int64_t val)
{
    uint64_t h = (uint64_t)val * 0x9e3779b97f4a7c15ull;

    h ^= (uint64_t)type << 7;
    return (unsigned)(h >> 40) & (TCG_CONST_HASH_SIZE - 1);
}

TCGTemp *tcg_constant_internal(TCGType type, int64_t val)
{
    TCGContext *s = tcg_ctx;
    unsigned h;
    TCGTemp *t;

    if (type == TCG_TYPE_I32) {
        val = (int32_t)val;
    }
    for (h = tcg_const_hash(type, val);; h = (h + 1) & (TCG_CONST_HASH_SIZE - 1)) {
        if (tcg_const_hash_stamp[h] != tcg_const_stamp) {
            break;
        }
        t = &s->temps[tcg_const_hash_idx[h]];
        if (t->type == type && t->val == val) {
            return t;
        }
    }
    t = tcg_temp_alloc(s);
    t->type = type;
    t->kind = TEMP_CONST;
    t->val = val;
    t->temp_allocated = true;
    tcg_temp_reset_backend_state(t);
    if (t != &tcg_scratch_temp) {
        /* The table is larger than the temp array, so a free slot exists. */
        tcg_const_hash_stamp[h] = tcg_const_stamp;
        tcg_const_hash_idx[h] = (int16_t)tcg_temp_index(s, t);
    }
    return t;
}

TCGLabel *gen_new_label(void)
{
    TCGContext *s = tcg_ctx;
    TCGLabel *l;

    if (s->nb_labels >= TCG_MAX_LABELS) {
        s->overflow = true;
        memset(&tcg_scratch_label, 0, sizeof(tcg_scratch_label));
        tcg_scratch_label.id = -1;
        return &tcg_scratch_label;
    }
    l = &s->labels[s->nb_labels];
    memset(l, 0, sizeof(*l));
    l->id = s->nb_labels++;
    return l;
}

TCGOp *tcg_emit_op(TCGOpcode opc, TCGType type, int nargs)
{
    TCGContext *s = tcg_ctx;
    TCGOp *op;

    if (s->nb_ops >= TCG_MAX_OPS || nargs > TCG_MAX_OP_ARGS || nargs < 0) {
        s->overflow = true;
        op = &tcg_scratch_op;
    } else {
        op = &s->ops[s->nb_ops++];
    }
    memset(op, 0, sizeof(*op));
    op->opc = opc;
    op->type = type;
    return op;
}

TCGCond tcg_invert_cond(TCGCond c)
{
    switch (c) {
    case TCG_COND_NEVER: return TCG_COND_ALWAYS;
    case TCG_COND_ALWAYS: return TCG_COND_NEVER;
    case TCG_COND_EQ: return TCG_COND_NE;
    case TCG_COND_NE: return TCG_COND_EQ;
    case TCG_COND_LT: return TCG_COND_GE;
    case TCG_COND_GE: return TCG_COND_LT;
    case TCG_COND_LE: return TCG_COND_GT;
    case TCG_COND_GT: return TCG_COND_LE;
    case TCG_COND_LTU: return TCG_COND_GEU;
    case TCG_COND_GEU: return TCG_COND_LTU;
    case TCG_COND_LEU: return TCG_COND_GTU;
    case TCG_COND_GTU: return TCG_COND_LEU;
    case TCG_COND_TSTEQ: return TCG_COND_TSTNE;
    case TCG_COND_TSTNE: return TCG_COND_TSTEQ;
    }
    return TCG_COND_NEVER;
}

TCGCond tcg_swap_cond(TCGCond c)
{
    switch (c) {
    case TCG_COND_LT: return TCG_COND_GT;
    case TCG_COND_GT: return TCG_COND_LT;
    case TCG_COND_LE: return TCG_COND_GE;
    case TCG_COND_GE: return TCG_COND_LE;
    case TCG_COND_LTU: return TCG_COND_GTU;
    case TCG_COND_GTU: return TCG_COND_LTU;
    case TCG_COND_LEU: return TCG_COND_GEU;
    case TCG_COND_GEU: return TCG_COND_LEU;
    default:
        return c; /* symmetric: never, always, eq, ne, tsteq, tstne */
    }
}

bool tcg_eval_cond(TCGCond c, TCGType type, uint64_t a, uint64_t b)
{
    int64_t sa, sb;

    /* An i32 operation looks only at the low half; signed compares
     * sign-extend it, unsigned ones zero-extend it. */
    if (type == TCG_TYPE_I32) {
        sa = (int32_t)a;
        sb = (int32_t)b;
        a = (uint32_t)a;
        b = (uint32_t)b;
    } else {
        sa = (int64_t)a;
        sb = (int64_t)b;
    }
    switch (c) {
    case TCG_COND_NEVER: return false;
    case TCG_COND_ALWAYS: return true;
    case TCG_COND_EQ: return a == b;
    case TCG_COND_NE: return a != b;
    case TCG_COND_LT: return sa < sb;
    case TCG_COND_GE: return sa >= sb;
    case TCG_COND_LE: return sa <= sb;
    case TCG_COND_GT: return sa > sb;
    case TCG_COND_LTU: return a < b;
    case TCG_COND_GEU: return a >= b;
    case TCG_COND_LEU: return a <= b;
    case TCG_COND_GTU: return a > b;
    case TCG_COND_TSTEQ: return (a & b) == 0;
    case TCG_COND_TSTNE: return (a & b) != 0;
    }
    return false;
}

static void tcg_log_ops(TCGContext *s, const char *title)
{
    FILE *f;

    log_lock();
    f = log_file ? log_file : stderr;
    fprintf(f, "%s:\n", title);
    tcg_dump_ops(s, f);
    fprintf(f, "\n");
    fflush(f);
    log_unlock();
}

int tcg_gen_code(TCGContext *s, void *buf, size_t buf_size, TCGGenResult *res)
{
    if (s->overflow) {
        return -2;
    }
    if (log_enabled(LOG_OP)) {
        tcg_log_ops(s, "OP");
    }
    if (!s->no_optimize) {
        tcg_optimize(s);
        /* Folding may intern new constants or insert ops. */
        if (s->overflow) {
            return -2;
        }
    }
    tcg_liveness_analysis(s);
    if (log_enabled(LOG_OP_OPT)) {
        tcg_log_ops(s, "OP after optimization and liveness analysis");
    }
    if (!s->backend || !s->backend->gen_code) {
        return -1;
    }
    return s->backend->gen_code(s, buf, buf_size, res);
}
