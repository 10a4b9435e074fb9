/*
 * Unit test of liveness analysis (tcg/liveness.c): the DEAD_ARG/SYNC_ARG
 * bits and dead-op removal that the backends rely on, on small op lists
 * built without optimizer and without a code generator.
 */
#include <stddef.h>
#include <string.h>

#include "tap.h"
#include "tcg/tcg-op.h"
#include "tcg/tcg.h"

static size_t fake_init(TCGContext *s, void *buf, size_t size)
{
    return 0;
}

static const TCGBackend fake_backend = {
    .name = "fake",
    .init = fake_init,
};

typedef struct FakeEnv {
    uint64_t r[4];
} FakeEnv;

static TCGv_i64 r[4];

static void setup(void)
{
    static const char *const names[] = { "r0", "r1", "r2", "r3" };
    int i;

    tcg_context_init(&fake_backend, NULL, 0);
    for (i = 0; i < 4; i++) {
        r[i] = tcg_global_mem_new_i64(tcg_ctx->env, offsetof(FakeEnv, r[i]), names[i]);
    }
}

/* ops[] index of every op as emitted (liveness only turns ops into nops). */
static TCGOp *op_at(int i)
{
    return &tcg_ctx->ops[i];
}

static bool is_nop(int i)
{
    return op_at(i)->opc == INDEX_op_nop;
}

static bool life_is(int i, uint32_t life)
{
    return !is_nop(i) && op_at(i)->life == life;
}

static void run(void)
{
    tcg_liveness_analysis(tcg_ctx);
}

static void report(bool ok, const char *what)
{
    if (!tap_ok(ok, "%s", what)) {
        tcg_dump_ops(tcg_ctx, stdout);
    }
}

static uint64_t helper(uint64_t x)
{
    return x;
}

static void test_straight_line(void)
{
    TCGv_i64 t;
    bool ok;

    tcg_func_start(tcg_ctx);
    t = tcg_temp_ebb_new_i64();
    tcg_gen_mov_i64(t, r[0]);     /* 0 */
    tcg_gen_addi_i64(t, t, 16);   /* 1 */
    tcg_gen_mov_i64(r[1], t);     /* 2 */
    tcg_gen_exit_tb(NULL, 0);     /* 3 */
    run();
    /* r0 is not read again: its input dies; t lives on */
    ok = life_is(0, DEAD_ARG(1));
    /* t and the constant die as inputs; the output t lives */
    ok &= life_is(1, DEAD_ARG(1) | DEAD_ARG(2));
    /* r1 must reach env at the TB end and is not read again */
    ok &= life_is(2, DEAD_ARG(0) | SYNC_ARG(0) | DEAD_ARG(1));
    ok &= life_is(3, 0);
    report(ok, "straight line: dead inputs, synced dead global output");
}

static void test_global_read_modify_write(void)
{
    bool ok;

    tcg_func_start(tcg_ctx);
    tcg_gen_addi_i64(r[0], r[0], 1); /* 0 */
    tcg_gen_mov_i64(r[1], r[0]);     /* 1 */
    tcg_gen_exit_tb(NULL, 0);        /* 2 */
    run();
    ok = life_is(0, SYNC_ARG(0) | DEAD_ARG(1) | DEAD_ARG(2));
    ok &= life_is(1, SYNC_ARG(0) | DEAD_ARG(0) | DEAD_ARG(1));
    report(ok, "r0 += 1: output synced and live, old value dead");
}

static void test_dead_code(void)
{
    TCGv_i64 t;
    bool ok;

    tcg_func_start(tcg_ctx);
    t = tcg_temp_new_i64();
    tcg_gen_add_i64(t, r[0], r[1]); /* 0: unused */
    tcg_gen_movi_i64(r[2], 1);      /* 1: overwritten */
    tcg_gen_movi_i64(r[2], 2);      /* 2 */
    tcg_gen_st_i64(r[3], tcg_ctx->env, 64); /* 3: side effect */
    tcg_gen_exit_tb(NULL, 0);       /* 4 */
    run();
    ok = is_nop(0) && is_nop(1) && !is_nop(2) && !is_nop(3);
    ok &= life_is(2, DEAD_ARG(0) | SYNC_ARG(0) | DEAD_ARG(1));
    ok &= life_is(3, DEAD_ARG(0)); /* env is never dead */
    report(ok, "unused results and overwritten globals are removed; stores kept");
}

static void test_calls(void)
{
    TCGv_i64 t, u;
    bool ok;

    tcg_func_start(tcg_ctx);
    t = tcg_temp_new_i64();
    u = tcg_temp_new_i64();
    tcg_gen_movi_i64(r[0], 1);                                        /* 0 */
    tcg_gen_call(helper, 0, NULL, tcgv_i64_temp(r[1]));               /* 1 */
    tcg_gen_movi_i64(r[0], 2);                                        /* 2 */
    tcg_gen_movi_i64(r[1], 3);                                        /* 3 */
    tcg_gen_call(helper, TCG_CALL_NO_RWG, NULL, tcgv_i64_temp(r[2])); /* 4 */
    tcg_gen_movi_i64(r[1], 4);                                        /* 5 */
    tcg_gen_call(helper, TCG_CALL_NO_RWG_SE, tcgv_i64_temp(t), tcgv_i64_temp(r[2])); /* 6 */
    tcg_gen_call(helper, TCG_CALL_NO_RWG, tcgv_i64_temp(u), tcgv_i64_temp(r[2]));    /* 7 */
    tcg_gen_exit_tb(NULL, 0);                                         /* 8 */
    run();
    /* a call that may read globals needs r0 in env */
    ok = life_is(0, DEAD_ARG(0) | SYNC_ARG(0) | DEAD_ARG(1));
    /* the call's r1 input: r1 is redefined at 3 before any use, so it
     * dies here; the register copy is useless after a global-writing call */
    ok &= life_is(1, DEAD_ARG(0));
    ok &= !is_nop(2);
    /* r1 = 3 is overwritten at 5 and a NO_RWG call does not read it */
    ok &= is_nop(3);
    /* unused result of a side-effect-free call: removed */
    ok &= is_nop(6);
    /* unused result of a call with side effects: kept, output dead */
    ok &= !is_nop(7) && (op_at(7)->life & DEAD_ARG(0));
    report(ok, "calls: sync before a global-reading call, NO_RWG lets dead stores go, "
               "NO_SIDE_EFFECTS calls removed when unused");
}

static void test_call_kills_registers(void)
{
    bool ok;

    tcg_func_start(tcg_ctx);
    tcg_gen_mov_i64(r[1], r[0]);                      /* 0 */
    tcg_gen_call(helper, 0, NULL, tcgv_i64_temp(r[2])); /* 1 */
    tcg_gen_mov_i64(r[3], r[0]);                      /* 2 */
    tcg_gen_exit_tb(NULL, 0);                         /* 3 */
    run();
    /* r0's register copy does not survive the call: dead at 0, reloaded at 2 */
    ok = life_is(0, DEAD_ARG(0) | SYNC_ARG(0) | DEAD_ARG(1));
    ok &= life_is(2, DEAD_ARG(0) | SYNC_ARG(0) | DEAD_ARG(1));
    report(ok, "globals are dead in registers across a call that may write them");
}

static void test_qemu_ld_syncs(void)
{
    TCGv_i64 t;
    bool ok;

    tcg_func_start(tcg_ctx);
    t = tcg_temp_ebb_new_i64();
    tcg_gen_movi_i64(r[0], 1);                       /* 0 */
    tcg_gen_qemu_ld_i64(t, r[1], 0, MO_UQ);          /* 1 */
    tcg_gen_mov_i64(r[0], t);                        /* 2 */
    tcg_gen_movi_i64(r[2], 5);                       /* 3 */
    tcg_gen_qemu_st_i64(r[2], r[1], 0, MO_UQ);       /* 4 */
    tcg_gen_exit_tb(NULL, 0);                        /* 5 */
    run();
    /* r0 = 1 must reach env before the load, which may fault */
    ok = life_is(0, DEAD_ARG(0) | SYNC_ARG(0) | DEAD_ARG(1));
    /* the address r1 stays live in a register after the load */
    ok &= life_is(1, 0);
    ok &= life_is(2, DEAD_ARG(0) | SYNC_ARG(0) | DEAD_ARG(1));
    /* r2 is synced before the store (it may fault) and still live for it */
    ok &= life_is(3, SYNC_ARG(0) | DEAD_ARG(1));
    ok &= life_is(4, DEAD_ARG(0) | DEAD_ARG(1));
    report(ok, "qemu_ld/st: globals synced before, value and address liveness");
}

static void test_branches(void)
{
    TCGLabel *l;
    TCGv_i64 loc, local, ebb;
    bool ok;

    tcg_func_start(tcg_ctx);
    l = gen_new_label();
    loc = tcg_temp_new_i64();   /* lives across the label */
    local = tcg_temp_new_i64(); /* used only in its own block */
    ebb = tcg_temp_ebb_new_i64();
    tcg_gen_movi_i64(loc, 5);                     /* 0 */
    tcg_gen_movi_i64(local, 6);                   /* 1 */
    tcg_gen_mov_i64(r[2], local);                 /* 2 */
    tcg_gen_movi_i64(ebb, 7);                     /* 3 */
    tcg_gen_movi_i64(r[3], 1);                    /* 4 */
    tcg_gen_brcond_i64(TCG_COND_EQ, r[0], ebb, l); /* 5 */
    tcg_gen_movi_i64(r[1], 0);                    /* 6 */
    gen_set_label(l);                             /* 7 */
    tcg_gen_mov_i64(r[1], loc);                   /* 8 */
    tcg_gen_exit_tb(NULL, 0);                     /* 9 */
    run();
    /* loc crosses a block boundary: stored to its frame slot, and its
     * register is free at once since this block does not read it */
    ok = life_is(0, DEAD_ARG(0) | SYNC_ARG(0) | DEAD_ARG(1));
    /* a block-local TB temp is treated like an EBB temp */
    ok &= life_is(1, DEAD_ARG(1));
    ok &= life_is(2, SYNC_ARG(0) | DEAD_ARG(0) | DEAD_ARG(1));
    ok &= life_is(3, DEAD_ARG(1));
    /* globals must be in env at the block end */
    ok &= life_is(4, SYNC_ARG(0) | DEAD_ARG(0) | DEAD_ARG(1));
    /* brcond inputs die there (EBB temp, global copy) */
    ok &= life_is(5, DEAD_ARG(0) | DEAD_ARG(1));
    ok &= life_is(6, SYNC_ARG(0) | DEAD_ARG(0) | DEAD_ARG(1));
    /* after the label loc is read once more, then dies */
    ok &= life_is(8, SYNC_ARG(0) | DEAD_ARG(0) | DEAD_ARG(1));
    report(ok, "branches: TB temps across labels synced, local TB and EBB temps dead at "
               "block ends, globals synced");
}

static void test_goto_ptr_and_discard(void)
{
    TCGv_ptr p;
    TCGv_i64 t;
    bool ok;

    tcg_func_start(tcg_ctx);
    p = tcg_temp_new_ptr();
    t = tcg_temp_new_i64();
    tcg_gen_movi_i64(t, 3);                 /* 0 */
    tcg_gen_discard_i64(t);                 /* 1 */
    tcg_gen_ld_ptr(p, tcg_ctx->env, 64);    /* 2 */
    tcg_gen_goto_ptr(p);                    /* 3 */
    run();
    ok = is_nop(0) && life_is(1, DEAD_ARG(0));
    ok &= life_is(2, 0) && life_is(3, DEAD_ARG(0));
    report(ok, "discard kills a value; goto_ptr's input is live up to it");
}

static void test_mulu2_partial(void)
{
    TCGv_i64 lo, hi;
    bool ok;

    tcg_func_start(tcg_ctx);
    lo = tcg_temp_ebb_new_i64();
    hi = tcg_temp_ebb_new_i64();
    tcg_gen_mulu2_i64(lo, hi, r[0], r[1]); /* 0 */
    tcg_gen_mov_i64(r[2], hi);             /* 1 */
    tcg_gen_mulu2_i64(lo, hi, r[0], r[1]); /* 2: both outputs unused */
    tcg_gen_exit_tb(NULL, 0);              /* 3 */
    run();
    ok = life_is(0, DEAD_ARG(0) | DEAD_ARG(2) | DEAD_ARG(3));
    ok &= is_nop(2);
    report(ok, "two-output op: one dead output is marked, all dead removes the op");
}

int main(void)
{
    setup();
    test_straight_line();
    test_global_read_modify_write();
    test_dead_code();
    test_calls();
    test_call_kills_registers();
    test_qemu_ld_syncs();
    test_branches();
    test_goto_ptr_and_discard();
    test_mulu2_partial();
    return tap_done();
}
