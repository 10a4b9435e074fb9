/*
 * Unit test of the IR optimizer (tcg/optimize.c) and of the op evaluator
 * it folds with (tcg/tcg-eval.c).
 *
 * Runs without a code generator: the context gets a fake backend whose
 * init reserves nothing. Each case builds a short op list, runs
 * tcg_optimize, and inspects the resulting ops. The folding cases check
 * every foldable op on both widths against a reference written here
 * independently of tcg-eval.c, with interesting and random inputs.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "tcg/tcg-eval.h"
#include "tcg/tcg-op.h"
#include "tcg/tcg.h"

/* ---- fake backend and guest state ---- */

static int fake_gen_calls;

static size_t fake_init(TCGContext *s, void *buf, size_t size)
{
    return 0;
}

static int fake_gen_code(TCGContext *s, void *buf, size_t size, TCGGenResult *res)
{
    fake_gen_calls++;
    return 42;
}

static const TCGBackend fake_backend = {
    .name = "fake",
    .init = fake_init,
    .gen_code = fake_gen_code,
};

typedef struct FakeEnv {
    uint64_t r[4];
    uint32_t w[2];
} FakeEnv;

static TCGv_i64 r[4];
static TCGv_i32 w[2];

static void setup(void)
{
    static const char *const names[] = { "r0", "r1", "r2", "r3" };
    int i;

    tcg_context_init(&fake_backend, NULL, 0);
    for (i = 0; i < 4; i++) {
        r[i] = tcg_global_mem_new_i64(tcg_ctx->env, offsetof(FakeEnv, r[i]), names[i]);
    }
    w[0] = tcg_global_mem_new_i32(tcg_ctx->env, offsetof(FakeEnv, w[0]), "w0");
    w[1] = tcg_global_mem_new_i32(tcg_ctx->env, offsetof(FakeEnv, w[1]), "w1");
}

/* The live (non-nop) ops after optimization, in order. */
static TCGOp *live_ops[TCG_MAX_OPS];
static int nb_live;

static void collect(void)
{
    int i;

    nb_live = 0;
    for (i = 0; i < tcg_ctx->nb_ops; i++) {
        if (tcg_ctx->ops[i].opc != INDEX_op_nop) {
            live_ops[nb_live++] = &tcg_ctx->ops[i];
        }
    }
}

static void optimize(void)
{
    tcg_optimize(tcg_ctx);
    collect();
}

static TCGTemp *A(const TCGOp *op, int i)
{
    return arg_temp(op->args[i]);
}

static bool is_const(TCGTemp *t, int64_t v)
{
    return t->kind == TEMP_CONST && t->val == v;
}

/* The last live op writing temp t (or NULL). */
static TCGOp *writer_of(TCGTemp *t)
{
    int i;

    for (i = nb_live - 1; i >= 0; i--) {
        TCGOp *op = live_ops[i];
        if (tcg_op_nb_oargs(op) > 0 && A(op, 0) == t) {
            return op;
        }
    }
    return NULL;
}

static bool writes_const(TCGTemp *t, int64_t v)
{
    TCGOp *op = writer_of(t);
    return op && op->opc == INDEX_op_mov && is_const(A(op, 1), v);
}

static void dump_on_failure(bool ok)
{
    if (!ok) {
        tcg_dump_ops(tcg_ctx, stdout);
    }
}

/* ---- structural cases ---- */

static void test_fold_add(void)
{
    TCGv_i64 t;

    tcg_func_start(tcg_ctx);
    t = tcg_temp_new_i64();
    tcg_gen_movi_i64(t, 5);
    tcg_gen_addi_i64(r[0], t, 7);
    tcg_gen_exit_tb(NULL, 0);
    optimize();
    dump_on_failure(tap_ok(writes_const(tcgv_i64_temp(r[0]), 12),
                           "add of two constants becomes mov $12"));
}

static void test_fold_i32_signext(void)
{
    TCGv_i32 t;

    tcg_func_start(tcg_ctx);
    t = tcg_temp_new_i32();
    tcg_gen_movi_i32(t, 0x7fffffff);
    tcg_gen_addi_i32(w[0], t, 1);
    tcg_gen_exit_tb(NULL, 0);
    optimize();
    dump_on_failure(tap_ok(writes_const(tcgv_i32_temp(w[0]), INT32_MIN),
                           "i32 0x7fffffff+1 folds to sign-extended 0x80000000"));
}

static void test_brcond_taken(void)
{
    TCGLabel *l;
    TCGv_i64 t;
    bool ok;

    tcg_func_start(tcg_ctx);
    l = gen_new_label();
    t = tcg_temp_new_i64();
    tcg_gen_movi_i64(t, 3);
    tcg_gen_brcondi_i64(TCG_COND_EQ, t, 3, l);
    tcg_gen_insn_start(0x1000, 0);
    tcg_gen_movi_i64(r[1], 1); /* unreachable */
    gen_set_label(l);
    tcg_gen_movi_i64(r[2], 2);
    tcg_gen_exit_tb(NULL, 0);
    optimize();
    /* expected: mov t,$3 ; br L ; insn_start ; set_label L ; mov r2,$2 ; exit */
    ok = writer_of(tcgv_i64_temp(r[1])) == NULL;
    ok &= writes_const(tcgv_i64_temp(r[2]), 2);
    ok &= nb_live == 6 && live_ops[1]->opc == INDEX_op_br &&
          live_ops[2]->opc == INDEX_op_insn_start && live_ops[3]->opc == INDEX_op_set_label;
    dump_on_failure(tap_ok(ok, "brcond on equal constants becomes br, dead code removed, "
                               "insn_start kept"));
}

static void test_brcond_not_taken(void)
{
    TCGLabel *l;
    bool ok;
    int i;

    tcg_func_start(tcg_ctx);
    l = gen_new_label();
    tcg_gen_brcondi_i32(TCG_COND_LTU, tcg_constant_i32(-1), 5, l);
    tcg_gen_movi_i64(r[1], 1);
    gen_set_label(l);
    tcg_gen_movi_i64(r[2], 2);
    tcg_gen_exit_tb(NULL, 0);
    optimize();
    ok = nb_live == 3 && writes_const(tcgv_i64_temp(r[1]), 1);
    for (i = 0; i < nb_live; i++) {
        ok &= live_ops[i]->opc != INDEX_op_brcond && live_ops[i]->opc != INDEX_op_set_label;
    }
    dump_on_failure(tap_ok(ok, "brcond never taken is removed, and so is its unused label"));
}

static void test_br_to_next(void)
{
    TCGLabel *l;
    bool ok;

    tcg_func_start(tcg_ctx);
    l = gen_new_label();
    tcg_gen_mov_i64(r[0], r[1]);
    tcg_gen_br(l);
    gen_set_label(l);
    tcg_gen_exit_tb(NULL, 0);
    optimize();
    ok = nb_live == 2 && live_ops[0]->opc == INDEX_op_mov && live_ops[1]->opc == INDEX_op_exit_tb;
    dump_on_failure(tap_ok(ok, "br to the following label disappears with the label"));
}

static void test_copy_prop(void)
{
    TCGv_i64 t;
    TCGOp *op;
    bool ok;

    tcg_func_start(tcg_ctx);
    t = tcg_temp_new_i64();
    tcg_gen_mov_i64(t, r[0]);
    tcg_gen_add_i64(r[1], t, t);
    tcg_gen_exit_tb(NULL, 0);
    optimize();
    op = writer_of(tcgv_i64_temp(r[1]));
    ok = op && op->opc == INDEX_op_add && A(op, 1) == tcgv_i64_temp(r[0]) &&
         A(op, 2) == tcgv_i64_temp(r[0]);
    dump_on_failure(tap_ok(ok, "copy propagation: add r1, t, t uses r0"));
}

static void test_copy_killed_by_redefinition(void)
{
    TCGv_i64 t;
    TCGOp *op;
    bool ok;

    tcg_func_start(tcg_ctx);
    t = tcg_temp_new_i64();
    tcg_gen_mov_i64(t, r[0]);
    tcg_gen_ld_i64(r[0], tcg_ctx->env, 64); /* r0 changes */
    tcg_gen_add_i64(r[1], t, r[2]);
    tcg_gen_exit_tb(NULL, 0);
    optimize();
    op = writer_of(tcgv_i64_temp(r[1]));
    ok = op && op->opc == INDEX_op_add && A(op, 1) == tcgv_i64_temp(t);
    dump_on_failure(tap_ok(ok, "a copy of r0 is not replaced after r0 is redefined"));
}

static uint64_t dummy_helper(uint64_t x)
{
    return x + 1;
}

static void test_copy_killed_by_call(void)
{
    TCGv_i64 t;
    TCGOp *op;
    bool ok;

    tcg_func_start(tcg_ctx);
    t = tcg_temp_new_i64();
    tcg_gen_mov_i64(t, r[0]);
    tcg_gen_call(dummy_helper, 0, NULL, tcgv_i64_temp(r[3]));
    tcg_gen_add_i64(r[1], t, r[2]);
    tcg_gen_mov_i64(r[2], t);
    tcg_gen_call(dummy_helper, TCG_CALL_NO_WG, NULL, tcgv_i64_temp(r[3]));
    tcg_gen_add_i64(r[3], r[2], r[1]);
    tcg_gen_exit_tb(NULL, 0);
    optimize();
    op = writer_of(tcgv_i64_temp(r[1]));
    ok = op && op->opc == INDEX_op_add && A(op, 1) == tcgv_i64_temp(t);
    op = writer_of(tcgv_i64_temp(r[3]));
    ok &= op && op->opc == INDEX_op_add && A(op, 1) == tcgv_i64_temp(t);
    dump_on_failure(tap_ok(ok, "a call writing globals kills copies of globals; "
                               "a NO_WG call does not"));
}

static void test_forget_at_label(void)
{
    TCGLabel *l;
    TCGv_i64 t;
    TCGOp *op;
    bool ok;

    tcg_func_start(tcg_ctx);
    l = gen_new_label();
    t = tcg_temp_new_i64();
    tcg_gen_movi_i64(t, 9);
    tcg_gen_brcondi_i64(TCG_COND_EQ, r[0], 0, l);
    tcg_gen_movi_i64(t, 10);
    gen_set_label(l);
    tcg_gen_addi_i64(r[1], t, 1);
    tcg_gen_exit_tb(NULL, 0);
    optimize();
    op = writer_of(tcgv_i64_temp(r[1]));
    ok = op && op->opc == INDEX_op_add && A(op, 1) == tcgv_i64_temp(t);
    dump_on_failure(tap_ok(ok, "constants are forgotten at a label"));
}

static void test_identities(void)
{
    TCGTemp *x = tcgv_i64_temp(r[0]);
    TCGv_i64 d[10];
    TCGOp *op;
    bool ok = true;
    int i;

    tcg_func_start(tcg_ctx);
    for (i = 0; i < 10; i++) {
        d[i] = tcg_temp_new_i64();
    }
    tcg_gen_xor_i64(d[0], r[0], r[0]);
    tcg_gen_sub_i64(d[1], r[0], r[0]);
    tcg_gen_and_i64(d[2], r[0], tcg_constant_i64(0));
    tcg_gen_mul_i64(d[3], r[0], tcg_constant_i64(1));
    tcg_gen_or_i64(d[4], r[0], tcg_constant_i64(-1));
    tcg_gen_setcond_i64(TCG_COND_LE, d[5], r[0], r[0]);
    tcg_gen_setcond_i64(TCG_COND_GTU, d[6], r[0], r[0]);
    tcg_gen_add_i64(d[7], tcg_constant_i64(0), r[0]);
    tcg_gen_movcond_i64(TCG_COND_EQ, d[8], r[1], r[1], r[2], r[3]);
    tcg_gen_shl_i64(d[9], r[0], tcg_constant_i64(0));
    for (i = 0; i < 10; i++) {
        tcg_gen_st_i64(d[i], tcg_ctx->env, 8 * i);
    }
    tcg_gen_exit_tb(NULL, 0);
    optimize();
    ok &= writes_const(tcgv_i64_temp(d[0]), 0);
    ok &= writes_const(tcgv_i64_temp(d[1]), 0);
    ok &= writes_const(tcgv_i64_temp(d[2]), 0);
    op = writer_of(tcgv_i64_temp(d[3]));
    ok &= op && op->opc == INDEX_op_mov && A(op, 1) == x;
    ok &= writes_const(tcgv_i64_temp(d[4]), -1);
    ok &= writes_const(tcgv_i64_temp(d[5]), 1);
    ok &= writes_const(tcgv_i64_temp(d[6]), 0);
    op = writer_of(tcgv_i64_temp(d[7]));
    ok &= op && op->opc == INDEX_op_mov && A(op, 1) == x;
    op = writer_of(tcgv_i64_temp(d[8]));
    ok &= op && op->opc == INDEX_op_mov && A(op, 1) == tcgv_i64_temp(r[2]);
    op = writer_of(tcgv_i64_temp(d[9]));
    ok &= op && op->opc == INDEX_op_mov && A(op, 1) == x;
    /* the stores now store constants or r0 directly */
    for (i = 0; i < nb_live; i++) {
        op = live_ops[i];
        if (op->opc == INDEX_op_st && op->args[2] == 0) {
            ok &= is_const(A(op, 0), 0);
        }
        if (op->opc == INDEX_op_st && op->args[2] == 24) {
            ok &= A(op, 0) == x;
        }
    }
    dump_on_failure(tap_ok(ok, "identities: x^x, x-x, x&0, x*1, x|-1, setcond x,x, 0+x, "
                               "movcond on equal operands, x<<0; uses substituted"));
}

static void test_i32_identities_width(void)
{
    TCGv_i32 d0, d1;
    TCGOp *op;
    bool ok;

    tcg_func_start(tcg_ctx);
    d0 = tcg_temp_new_i32();
    d1 = tcg_temp_new_i32();
    /* 0xffffffff is all ones at 32 bits even though stored as -1 */
    tcg_gen_and_i32(d0, w[0], tcg_constant_i32(-1));
    /* i64 0xffffffff is NOT all ones at 64 bits */
    tcg_gen_and_i64(r[1], r[0], tcg_constant_i64(0xffffffffll));
    tcg_gen_or_i32(d1, w[0], tcg_constant_i32(0x7fffffff));
    tcg_gen_st_i32(d0, tcg_ctx->env, 0);
    tcg_gen_st_i32(d1, tcg_ctx->env, 4);
    tcg_gen_exit_tb(NULL, 0);
    optimize();
    op = writer_of(tcgv_i32_temp(d0));
    ok = op && op->opc == INDEX_op_mov && A(op, 1) == tcgv_i32_temp(w[0]);
    op = writer_of(tcgv_i64_temp(r[1]));
    ok &= op && op->opc == INDEX_op_and;
    op = writer_of(tcgv_i32_temp(d1));
    ok &= op && op->opc == INDEX_op_or;
    dump_on_failure(tap_ok(ok, "identities respect the op width"));
}

static void test_canon_const_second(void)
{
    TCGOp *op;
    bool ok;

    tcg_func_start(tcg_ctx);
    tcg_gen_add_i64(r[0], tcg_constant_i64(5), r[1]);
    tcg_gen_setcond_i64(TCG_COND_LT, r[2], tcg_constant_i64(5), r[1]);
    tcg_gen_exit_tb(NULL, 0);
    optimize();
    op = writer_of(tcgv_i64_temp(r[0]));
    ok = op && op->opc == INDEX_op_add && is_const(A(op, 2), 5);
    op = writer_of(tcgv_i64_temp(r[2]));
    ok &= op && op->opc == INDEX_op_setcond && is_const(A(op, 2), 5) &&
          op->args[3] == TCG_COND_GT && A(op, 1) == tcgv_i64_temp(r[1]);
    dump_on_failure(tap_ok(ok, "constants are moved to the second operand (cond swapped)"));
}

static void test_mulu2_fold(void)
{
    TCGv_i64 lo, hi;
    bool ok;

    tcg_func_start(tcg_ctx);
    lo = tcg_temp_new_i64();
    hi = tcg_temp_new_i64();
    tcg_gen_mulu2_i64(lo, hi, tcg_constant_i64(-1), tcg_constant_i64(-1));
    tcg_gen_add_i64(r[0], lo, hi);
    tcg_gen_exit_tb(NULL, 0);
    optimize();
    /* (2^64-1)^2 = 2^128 - 2^65 + 1: hi = 2^64-2, lo = 1; sum = 2^64-1 */
    ok = writes_const(tcgv_i64_temp(lo), 1) && writes_const(tcgv_i64_temp(hi), -2) &&
         writes_const(tcgv_i64_temp(r[0]), -1);
    dump_on_failure(tap_ok(ok, "mulu2 of constants folds into two movs, and further"));
}

static void test_no_fold_div0(void)
{
    TCGOp *op;

    tcg_func_start(tcg_ctx);
    tcg_gen_div_i64(r[0], tcg_constant_i64(5), tcg_constant_i64(0));
    tcg_gen_exit_tb(NULL, 0);
    optimize();
    op = writer_of(tcgv_i64_temp(r[0]));
    tap_ok(op && op->opc == INDEX_op_div, "division by constant zero is not folded");
}

static void test_known_zero_bits(void)
{
    TCGv_i64 t, u, v;
    TCGv_i32 x;
    TCGOp *op;
    bool ok;

    tcg_func_start(tcg_ctx);
    t = tcg_temp_new_i64();
    u = tcg_temp_new_i64();
    v = tcg_temp_new_i64();
    x = tcg_temp_new_i32();
    tcg_gen_ld32u_i64(t, tcg_ctx->env, 64);
    tcg_gen_ext32u_i64(r[0], t);            /* already zero-extended */
    tcg_gen_shri_i64(u, r[1], 56);
    tcg_gen_ext8u_i64(r[1], u);             /* only 8 bits left */
    tcg_gen_andi_i64(r[2], u, 0x100);       /* no bit in common: 0 */
    tcg_gen_ld16u_i32(x, tcg_ctx->env, 72);
    tcg_gen_ext16s_i32(w[0], x);            /* bit 15 may be set: kept */
    tcg_gen_ext8u_i64(v, r[3]);
    tcg_gen_ext32s_i64(r[3], v);            /* sign bit clear: a move */
    tcg_gen_ext32u_i64(t, r[2]);            /* r2 is a known constant */
    tcg_gen_ext32u_i64(r[0], r[1]);         /* r1 = ext8u(...) -> 8 bits */
    tcg_gen_exit_tb(NULL, 0);
    optimize();
    op = writer_of(tcgv_i64_temp(r[0]));
    ok = op && op->opc == INDEX_op_mov && A(op, 1) == tcgv_i64_temp(u);
    op = writer_of(tcgv_i64_temp(r[1]));
    ok &= op && op->opc == INDEX_op_mov && A(op, 1) == tcgv_i64_temp(u);
    ok &= writes_const(tcgv_i64_temp(r[2]), 0);
    op = writer_of(tcgv_i32_temp(w[0]));
    ok &= op && op->opc == INDEX_op_ext16s;
    op = writer_of(tcgv_i64_temp(r[3]));
    ok &= op && op->opc == INDEX_op_mov && A(op, 1) == tcgv_i64_temp(v);
    ok &= writes_const(tcgv_i64_temp(t), 0);
    dump_on_failure(tap_ok(ok, "known-zero bits turn redundant extensions and masks into moves"));
}

static void test_known_bits_forgotten(void)
{
    TCGv_i64 t;
    TCGLabel *l;
    TCGOp *op;
    bool ok;

    tcg_func_start(tcg_ctx);
    t = tcg_temp_new_i64();
    l = gen_new_label();
    tcg_gen_ext8u_i64(t, r[0]);
    tcg_gen_brcondi_i64(TCG_COND_EQ, r[1], 0, l);
    gen_set_label(l);
    tcg_gen_ext8u_i64(r[2], t);
    tcg_gen_ext8u_i64(t, r[0]);
    tcg_gen_ld_i64(t, tcg_ctx->env, 64);
    tcg_gen_ext8u_i64(r[3], t);
    tcg_gen_exit_tb(NULL, 0);
    optimize();
    op = writer_of(tcgv_i64_temp(r[2]));
    ok = op && op->opc == INDEX_op_ext8u;
    op = writer_of(tcgv_i64_temp(r[3]));
    ok &= op && op->opc == INDEX_op_ext8u;
    dump_on_failure(tap_ok(ok, "known bits are forgotten at labels and on redefinition"));
}

static void test_gen_code_pipeline(void)
{
    TCGGenResult res;
    int i, ret;
    bool ok;

    tcg_func_start(tcg_ctx);
    tcg_gen_movi_i64(r[0], 1);
    tcg_gen_exit_tb(NULL, 0);
    fake_gen_calls = 0;
    ret = tcg_gen_code(tcg_ctx, NULL, 0, &res);
    ok = ret == 42 && fake_gen_calls == 1;

    tcg_func_start(tcg_ctx);
    for (i = 0; i < TCG_MAX_OPS + 10; i++) {
        tcg_gen_addi_i64(r[0], r[0], 1);
    }
    ret = tcg_gen_code(tcg_ctx, NULL, 0, &res);
    ok &= ret == -2 && fake_gen_calls == 1 && tcg_ctx->nb_ops == TCG_MAX_OPS;

    tcg_func_start(tcg_ctx);
    for (i = 0; i < TCG_MAX_TEMPS + 10; i++) {
        tcg_gen_movi_i64(tcg_temp_new_i64(), i);
    }
    ret = tcg_gen_code(tcg_ctx, NULL, 0, &res);
    ok &= ret == -2 && tcg_ctx->nb_temps <= TCG_MAX_TEMPS;

    tcg_func_start(tcg_ctx);
    ok &= !tcg_ctx->overflow && tcg_ctx->nb_temps == tcg_ctx->nb_globals;
    tap_ok(ok, "tcg_gen_code calls the backend; overflowing ops/temps returns -2");
}

/* ---- folding every op against an independent reference ---- */

static uint64_t rng_state = 0x853c49e6748fea9bull;

static uint64_t rnd(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static const uint64_t interesting[] = {
    0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000,
    0xffffffff, 0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
    0xffffffffffffffffull, 0xfffffffffffffffeull, 31, 32, 33, 63, 64, 0x123456789abcdef0ull,
};
#define NB_INTERESTING (sizeof(interesting) / sizeof(interesting[0]))

static uint64_t pick(int k)
{
    if (k < (int)NB_INTERESTING) {
        return interesting[k];
    }
    switch (rnd() & 3) {
    case 0:
        return rnd() & 0xff;
    case 1:
        return rnd() & 63;
    default:
        return rnd();
    }
}

static uint64_t ref_rotl64(uint64_t x, unsigned n)
{
    unsigned i;
    for (i = 0; i < n; i++) {
        x = (x << 1) | (x >> 63);
    }
    return x;
}

static uint32_t ref_rotl32(uint32_t x, unsigned n)
{
    unsigned i;
    for (i = 0; i < n; i++) {
        x = (x << 1) | (x >> 31);
    }
    return x;
}

static unsigned ref_clz(uint64_t x, unsigned bits)
{
    unsigned n = 0;
    while (n < bits && !((x >> (bits - 1 - n)) & 1)) {
        n++;
    }
    return n;
}

static unsigned ref_ctz(uint64_t x)
{
    unsigned n = 0;
    while (!((x >> n) & 1)) {
        n++;
    }
    return n;
}

static unsigned ref_pop(uint64_t x)
{
    unsigned n = 0;
    for (; x; x >>= 1) {
        n += x & 1;
    }
    return n;
}

static bool ref_cond(TCGCond c, bool is32, uint64_t a, uint64_t b)
{
    if (is32) {
        uint32_t ua = a, ub = b;
        int32_t sa = (int32_t)ua, sb = (int32_t)ub;
        switch (c) {
        case TCG_COND_EQ: return ua == ub;
        case TCG_COND_NE: return ua != ub;
        case TCG_COND_LT: return sa < sb;
        case TCG_COND_GE: return sa >= sb;
        case TCG_COND_LE: return sa <= sb;
        case TCG_COND_GT: return sa > sb;
        case TCG_COND_LTU: return ua < ub;
        case TCG_COND_GEU: return ua >= ub;
        case TCG_COND_LEU: return ua <= ub;
        case TCG_COND_GTU: return ua > ub;
        case TCG_COND_TSTEQ: return !(ua & ub);
        case TCG_COND_TSTNE: return (ua & ub) != 0;
        case TCG_COND_ALWAYS: return true;
        default: return false;
        }
    } else {
        int64_t sa = (int64_t)a, sb = (int64_t)b;
        switch (c) {
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
        case TCG_COND_TSTEQ: return !(a & b);
        case TCG_COND_TSTNE: return (a & b) != 0;
        case TCG_COND_ALWAYS: return true;
        default: return false;
        }
    }
}

/*
 * Reference result(s) of op on in[] with constant args c[]; false if the
 * op has no defined result. Results are returned in the canonical form
 * (i32: sign-extended from bit 31).
 */
static bool reference(TCGOpcode opc, bool is32, const uint64_t *in, const TCGArg *c,
                      uint64_t *out)
{
    uint64_t a = in[0], b = in[1];

    if (is32) {
        uint32_t x = a, y = b, res;
        int32_t sx = (int32_t)x, sy = (int32_t)y;
        switch (opc) {
        case INDEX_op_add: res = x + y; break;
        case INDEX_op_sub: res = x - y; break;
        case INDEX_op_mul: res = x * y; break;
        case INDEX_op_div:
            if (!y || (sx == INT32_MIN && sy == -1)) return false;
            res = (uint32_t)(sx / sy);
            break;
        case INDEX_op_rem:
            if (!y || (sx == INT32_MIN && sy == -1)) return false;
            res = (uint32_t)(sx % sy);
            break;
        case INDEX_op_divu: if (!y) return false; res = x / y; break;
        case INDEX_op_remu: if (!y) return false; res = x % y; break;
        case INDEX_op_and: res = x & y; break;
        case INDEX_op_or: res = x | y; break;
        case INDEX_op_xor: res = x ^ y; break;
        case INDEX_op_andc: res = x & ~y; break;
        case INDEX_op_orc: res = x | ~y; break;
        case INDEX_op_eqv: res = ~(x ^ y); break;
        case INDEX_op_nand: res = ~(x & y); break;
        case INDEX_op_nor: res = ~(x | y); break;
        case INDEX_op_shl: res = x << (y % 32); break;
        case INDEX_op_shr: res = x >> (y % 32); break;
        case INDEX_op_sar: res = (uint32_t)(sx >> (y % 32)); break;
        case INDEX_op_rotl: res = ref_rotl32(x, y % 32); break;
        case INDEX_op_rotr: res = ref_rotl32(x, (32 - y % 32) % 32); break;
        case INDEX_op_neg: res = -x; break;
        case INDEX_op_not: res = ~x; break;
        case INDEX_op_ext8s: res = (uint32_t)(int8_t)x; break;
        case INDEX_op_ext8u: res = (uint8_t)x; break;
        case INDEX_op_ext16s: res = (uint32_t)(int16_t)x; break;
        case INDEX_op_ext16u: res = (uint16_t)x; break;
        case INDEX_op_extrl_i64_i32: res = (uint32_t)a; break;
        case INDEX_op_extrh_i64_i32: res = (uint32_t)(a >> 32); break;
        case INDEX_op_bswap16: res = __builtin_bswap16((uint16_t)x); break;
        case INDEX_op_bswap32: res = __builtin_bswap32(x); break;
        case INDEX_op_deposit: {
            uint32_t m = (uint32_t)(((1ull << c[1]) - 1) << c[0]);
            res = (x & ~m) | ((y << c[0]) & m);
            break;
        }
        case INDEX_op_extract:
            res = (uint32_t)((x >> c[0]) & ((1ull << c[1]) - 1));
            break;
        case INDEX_op_sextract: {
            uint32_t f = (uint32_t)((x >> c[0]) & ((1ull << c[1]) - 1));
            uint32_t sign = 1u << (c[1] - 1);
            res = (f ^ sign) - sign;
            break;
        }
        case INDEX_op_clz: res = x ? ref_clz(x, 32) : y; break;
        case INDEX_op_ctz: res = x ? ref_ctz(x) : y; break;
        case INDEX_op_ctpop: res = ref_pop(x); break;
        case INDEX_op_setcond: res = ref_cond((TCGCond)c[0], true, a, b); break;
        case INDEX_op_movcond:
            res = ref_cond((TCGCond)c[0], true, a, b) ? (uint32_t)in[2] : (uint32_t)in[3];
            break;
        case INDEX_op_mulu2: {
            uint64_t p = (uint64_t)x * y;
            out[0] = (uint64_t)(int64_t)(int32_t)(uint32_t)p;
            out[1] = (uint64_t)(int64_t)(int32_t)(uint32_t)(p >> 32);
            return true;
        }
        case INDEX_op_muls2: {
            int64_t p = (int64_t)sx * sy;
            out[0] = (uint64_t)(int64_t)(int32_t)(uint32_t)p;
            out[1] = (uint64_t)(int64_t)(int32_t)(uint32_t)((uint64_t)p >> 32);
            return true;
        }
        case INDEX_op_add2:
        case INDEX_op_sub2: {
            uint64_t p = ((uint64_t)(uint32_t)in[1] << 32) | (uint32_t)in[0];
            uint64_t q = ((uint64_t)(uint32_t)in[3] << 32) | (uint32_t)in[2];
            uint64_t z = opc == INDEX_op_add2 ? p + q : p - q;
            out[0] = (uint64_t)(int64_t)(int32_t)(uint32_t)z;
            out[1] = (uint64_t)(int64_t)(int32_t)(uint32_t)(z >> 32);
            return true;
        }
        default:
            return false;
        }
        out[0] = (uint64_t)(int64_t)(int32_t)res;
        return true;
    }

    switch (opc) {
    case INDEX_op_add: out[0] = a + b; break;
    case INDEX_op_sub: out[0] = a - b; break;
    case INDEX_op_mul: out[0] = a * b; break;
    case INDEX_op_div:
        if (!b || (a == 0x8000000000000000ull && b == ~0ull)) return false;
        out[0] = (uint64_t)((int64_t)a / (int64_t)b);
        break;
    case INDEX_op_rem:
        if (!b || (a == 0x8000000000000000ull && b == ~0ull)) return false;
        out[0] = (uint64_t)((int64_t)a % (int64_t)b);
        break;
    case INDEX_op_divu: if (!b) return false; out[0] = a / b; break;
    case INDEX_op_remu: if (!b) return false; out[0] = a % b; break;
    case INDEX_op_and: out[0] = a & b; break;
    case INDEX_op_or: out[0] = a | b; break;
    case INDEX_op_xor: out[0] = a ^ b; break;
    case INDEX_op_andc: out[0] = a & ~b; break;
    case INDEX_op_orc: out[0] = a | ~b; break;
    case INDEX_op_eqv: out[0] = ~(a ^ b); break;
    case INDEX_op_nand: out[0] = ~(a & b); break;
    case INDEX_op_nor: out[0] = ~(a | b); break;
    case INDEX_op_shl: out[0] = a << (b % 64); break;
    case INDEX_op_shr: out[0] = a >> (b % 64); break;
    case INDEX_op_sar: out[0] = (uint64_t)((int64_t)a >> (b % 64)); break;
    case INDEX_op_rotl: out[0] = ref_rotl64(a, b % 64); break;
    case INDEX_op_rotr: out[0] = ref_rotl64(a, (64 - b % 64) % 64); break;
    case INDEX_op_neg: out[0] = -a; break;
    case INDEX_op_not: out[0] = ~a; break;
    case INDEX_op_ext8s: out[0] = (uint64_t)(int8_t)a; break;
    case INDEX_op_ext8u: out[0] = (uint8_t)a; break;
    case INDEX_op_ext16s: out[0] = (uint64_t)(int16_t)a; break;
    case INDEX_op_ext16u: out[0] = (uint16_t)a; break;
    case INDEX_op_ext32s: out[0] = (uint64_t)(int32_t)a; break;
    case INDEX_op_ext32u: out[0] = (uint32_t)a; break;
    case INDEX_op_ext_i32_i64: out[0] = (uint64_t)(int64_t)(int32_t)a; break;
    case INDEX_op_extu_i32_i64: out[0] = (uint32_t)a; break;
    case INDEX_op_bswap16: out[0] = __builtin_bswap16((uint16_t)a); break;
    case INDEX_op_bswap32: out[0] = __builtin_bswap32((uint32_t)a); break;
    case INDEX_op_bswap64: out[0] = __builtin_bswap64(a); break;
    case INDEX_op_deposit: {
        uint64_t m = (c[1] == 64 ? ~0ull : (1ull << c[1]) - 1) << c[0];
        out[0] = (a & ~m) | ((b << c[0]) & m);
        break;
    }
    case INDEX_op_extract:
        out[0] = (a >> c[0]) & (c[1] == 64 ? ~0ull : (1ull << c[1]) - 1);
        break;
    case INDEX_op_sextract: {
        uint64_t f = (a >> c[0]) & (c[1] == 64 ? ~0ull : (1ull << c[1]) - 1);
        uint64_t sign = 1ull << (c[1] - 1);
        out[0] = (f ^ sign) - sign;
        break;
    }
    case INDEX_op_clz: out[0] = a ? ref_clz(a, 64) : b; break;
    case INDEX_op_ctz: out[0] = a ? ref_ctz(a) : b; break;
    case INDEX_op_ctpop: out[0] = ref_pop(a); break;
    case INDEX_op_setcond: out[0] = ref_cond((TCGCond)c[0], false, a, b); break;
    case INDEX_op_movcond: out[0] = ref_cond((TCGCond)c[0], false, a, b) ? in[2] : in[3]; break;
    case INDEX_op_mulu2: {
        unsigned __int128 p = (unsigned __int128)a * b;
        out[0] = (uint64_t)p;
        out[1] = (uint64_t)(p >> 64);
        return true;
    }
    case INDEX_op_muls2: {
        __int128 p = (__int128)(int64_t)a * (int64_t)b;
        out[0] = (uint64_t)p;
        out[1] = (uint64_t)((unsigned __int128)p >> 64);
        return true;
    }
    case INDEX_op_add2:
    case INDEX_op_sub2: {
        uint64_t lo = opc == INDEX_op_add2 ? in[0] + in[2] : in[0] - in[2];
        uint64_t carry = opc == INDEX_op_add2 ? lo < in[0] : in[0] < in[2];
        out[0] = lo;
        out[1] = opc == INDEX_op_add2 ? in[1] + in[3] + carry : in[1] - in[3] - carry;
        return true;
    }
    default:
        return false;
    }
    return true;
}

/* Ops with only one defined width. */
static bool op_has_type(TCGOpcode opc, TCGType type)
{
    switch (opc) {
    case INDEX_op_ext32s:
    case INDEX_op_ext32u:
    case INDEX_op_bswap64:
    case INDEX_op_ext_i32_i64:
    case INDEX_op_extu_i32_i64:
        return type == TCG_TYPE_I64;
    case INDEX_op_extrl_i64_i32:
    case INDEX_op_extrh_i64_i32:
        return type == TCG_TYPE_I32;
    default:
        return true;
    }
}

/* The type of input i of an op of that type. */
static TCGType input_type(TCGOpcode opc, TCGType type)
{
    switch (opc) {
    case INDEX_op_ext_i32_i64:
    case INDEX_op_extu_i32_i64:
        return TCG_TYPE_I32;
    case INDEX_op_extrl_i64_i32:
    case INDEX_op_extrh_i64_i32:
        return TCG_TYPE_I64;
    default:
        return type;
    }
}

static void random_cargs(TCGOpcode opc, unsigned bits, TCGArg *c)
{
    switch (opc) {
    case INDEX_op_setcond:
    case INDEX_op_movcond:
        c[0] = TCG_COND_EQ + rnd() % (TCG_COND_TSTNE - TCG_COND_EQ + 1);
        break;
    case INDEX_op_deposit:
    case INDEX_op_extract:
    case INDEX_op_sextract:
        c[0] = rnd() % bits;
        c[1] = 1 + rnd() % (bits - c[0]);
        if (opc == INDEX_op_deposit && c[1] == bits) {
            c[1] = bits - 1; /* full-width deposit is a plain mov */
        }
        break;
    default:
        break;
    }
}

/* Emit op on constant inputs into fresh TB temps, optimize, and read back
 * the constants the outputs were folded to. Returns false if not folded. */
static bool fold_via_optimizer(TCGOpcode opc, TCGType type, const uint64_t *in, const TCGArg *c,
                               uint64_t *out)
{
    const TCGOpDef *def = &tcg_op_defs[opc];
    TCGTemp *outs[2];
    TCGOp *op;
    int i, n = 0;

    tcg_func_start(tcg_ctx);
    for (i = 0; i < def->nb_oargs; i++) {
        outs[i] = tcg_temp_new_internal(type, TEMP_TB);
    }
    op = tcg_emit_op(opc, type, def->nb_oargs + def->nb_iargs + def->nb_cargs);
    for (i = 0; i < def->nb_oargs; i++) {
        op->args[n++] = temp_arg(outs[i]);
    }
    for (i = 0; i < def->nb_iargs; i++) {
        op->args[n++] = temp_arg(tcg_constant_internal(input_type(opc, type), (int64_t)in[i]));
    }
    for (i = 0; i < def->nb_cargs; i++) {
        op->args[n++] = c[i];
    }
    for (i = 0; i < def->nb_oargs; i++) {
        if (type == TCG_TYPE_I32) {
            tcg_gen_st_i32(temp_tcgv_i32(outs[i]), tcg_ctx->env, 8 * i);
        } else {
            tcg_gen_st_i64(temp_tcgv_i64(outs[i]), tcg_ctx->env, 8 * i);
        }
    }
    tcg_gen_exit_tb(NULL, 0);
    optimize();
    for (i = 0; i < def->nb_oargs; i++) {
        TCGOp *w = writer_of(outs[i]);
        if (!w || w->opc != INDEX_op_mov || A(w, 1)->kind != TEMP_CONST) {
            return false;
        }
        out[i] = (uint64_t)A(w, 1)->val;
    }
    return true;
}

static void test_fold_all_ops(void)
{
    int opc, t, k;

    for (opc = 0; opc < NB_OPS; opc++) {
        if (!tcg_op_is_foldable((TCGOpcode)opc) || opc == INDEX_op_mov) {
            continue;
        }
        for (t = 0; t < 2; t++) {
            TCGType type = t ? TCG_TYPE_I64 : TCG_TYPE_I32;
            const TCGOpDef *def = &tcg_op_defs[opc];
            int fails = 0, eval_fails = 0, checked = 0;
            char msg[160] = "";

            if (!op_has_type((TCGOpcode)opc, type)) {
                continue;
            }
            for (k = 0; k < 400; k++) {
                uint64_t in[6] = { 0 }, ref[2] = { 0 }, got[2] = { 0 }, ev[2] = { 0 };
                TCGArg c[2] = { 0 };
                bool ref_ok, got_ok, ev_ok;
                int i;

                for (i = 0; i < def->nb_iargs; i++) {
                    int kk = i == 0 ? k : (k * 7 + i) % 60;
                    in[i] = tcg_canon_value(input_type((TCGOpcode)opc, type), pick(kk));
                }
                random_cargs((TCGOpcode)opc, type == TCG_TYPE_I32 ? 32 : 64, c);
                ref_ok = reference((TCGOpcode)opc, type == TCG_TYPE_I32, in, c, ref);
                ev_ok = tcg_op_eval((TCGOpcode)opc, type, in, c, ev);
                got_ok = fold_via_optimizer((TCGOpcode)opc, type, in, c, got);
                checked++;
                if (ev_ok != ref_ok || (ref_ok && (ev[0] != ref[0] ||
                                                  (def->nb_oargs == 2 && ev[1] != ref[1])))) {
                    if (!eval_fails++) {
                        snprintf(msg, sizeof(msg),
                                 "eval in %" PRIx64 ",%" PRIx64 " c %" PRIu64 ",%" PRIu64
                                 ": ref %" PRIx64 " eval %" PRIx64,
                                 in[0], in[1], (uint64_t)c[0], (uint64_t)c[1], ref[0], ev[0]);
                    }
                }
                if (got_ok != ref_ok || (ref_ok && (got[0] != ref[0] ||
                                                   (def->nb_oargs == 2 && got[1] != ref[1])))) {
                    if (!fails++ && !eval_fails) {
                        snprintf(msg, sizeof(msg),
                                 "fold in %" PRIx64 ",%" PRIx64 " c %" PRIu64 ",%" PRIu64
                                 ": ref %" PRIx64 " (%d) folded %" PRIx64 " (%d)",
                                 in[0], in[1], (uint64_t)c[0], (uint64_t)c[1], ref[0], ref_ok,
                                 got[0], got_ok);
                    }
                }
            }
            if (!tap_ok(fails == 0 && eval_fails == 0 && checked > 0, "fold %s_%s (%d cases)",
                        def->name, t ? "i64" : "i32", checked)) {
                tap_diag("%s", msg);
            }
        }
    }
}

static void test_eval_cond_all(void)
{
    int c, k, bad = 0;

    for (c = TCG_COND_NEVER; c <= TCG_COND_TSTNE; c++) {
        for (k = 0; k < 500; k++) {
            uint64_t a = pick(k % 60), b = pick((k * 13) % 60);
            if (k & 1) {
                b = a ^ (rnd() & 1);
            }
            if (tcg_eval_cond((TCGCond)c, TCG_TYPE_I32, a, b) !=
                (c == TCG_COND_NEVER ? false : ref_cond((TCGCond)c, true, a, b))) {
                bad++;
            }
            if (tcg_eval_cond((TCGCond)c, TCG_TYPE_I64, a, b) !=
                (c == TCG_COND_NEVER ? false : ref_cond((TCGCond)c, false, a, b))) {
                bad++;
            }
            /* the algebra of conditions */
            if (tcg_eval_cond(tcg_invert_cond((TCGCond)c), TCG_TYPE_I64, a, b) ==
                tcg_eval_cond((TCGCond)c, TCG_TYPE_I64, a, b)) {
                bad++;
            }
            if (tcg_eval_cond(tcg_swap_cond((TCGCond)c), TCG_TYPE_I32, b, a) !=
                tcg_eval_cond((TCGCond)c, TCG_TYPE_I32, a, b)) {
                bad++;
            }
        }
    }
    tap_ok(bad == 0, "tcg_eval_cond, invert and swap agree with the reference (%d bad)", bad);
}

int main(void)
{
    setup();
    test_fold_add();
    test_fold_i32_signext();
    test_brcond_taken();
    test_brcond_not_taken();
    test_br_to_next();
    test_copy_prop();
    test_copy_killed_by_redefinition();
    test_copy_killed_by_call();
    test_forget_at_label();
    test_identities();
    test_i32_identities_width();
    test_canon_const_second();
    test_mulu2_fold();
    test_no_fold_div0();
    test_known_zero_bits();
    test_known_bits_forgotten();
    test_gen_code_pipeline();
    test_eval_cond_all();
    test_fold_all_ops();
    return tap_done();
}
