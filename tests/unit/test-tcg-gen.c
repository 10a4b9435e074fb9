/*
 * Unit test of the IR context and generators (tcg/tcg.c, tcg/tcg-op.c)
 * and of the op dump format (tcg/tcg-dump.c): the op layouts the backends
 * read, constant interning, temp recycling, limits, and generation-time
 * identities.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "tcg/tcg-op.h"
#include "tcg/tcg.h"

static size_t fake_init(TCGContext *s, void *buf, size_t size)
{
    return 16;
}

static const TCGBackend fake_backend = {
    .name = "fake",
    .init = fake_init,
};

typedef struct FakeEnv {
    uint64_t rax, rbx;
    uint32_t eflags;
} FakeEnv;

static TCGv_i64 rax, rbx;
static TCGv_i32 eflags;

static TCGOp *last_op(void)
{
    return tcg_ctx->nb_ops ? &tcg_ctx->ops[tcg_ctx->nb_ops - 1] : NULL;
}

static TCGTemp *A(const TCGOp *op, int i)
{
    return arg_temp(op->args[i]);
}

static void test_context(void)
{
    static char buf[64];
    TCGTemp *env;
    bool ok;

    tcg_context_init(&fake_backend, buf, sizeof(buf));
    env = tcgv_ptr_temp(tcg_ctx->env);
    ok = env == &tcg_ctx->temps[0] && env->kind == TEMP_FIXED && env->type == TCG_TYPE_PTR &&
         strcmp(env->name, "env") == 0;
    ok &= tcg_ctx->prologue_size == 16 && tcg_ctx->code_gen_buffer == buf &&
          tcg_ctx->code_gen_buffer_size == sizeof(buf);
    rax = tcg_global_mem_new_i64(tcg_ctx->env, offsetof(FakeEnv, rax), "rax");
    rbx = tcg_global_mem_new_i64(tcg_ctx->env, offsetof(FakeEnv, rbx), "rbx");
    eflags = tcg_global_mem_new_i32(tcg_ctx->env, offsetof(FakeEnv, eflags), "eflags");
    ok &= tcg_ctx->nb_globals == 4 && tcg_ctx->nb_temps == 4;
    ok &= tcgv_i64_temp(rbx)->kind == TEMP_GLOBAL &&
          tcgv_i64_temp(rbx)->mem_offset == offsetof(FakeEnv, rbx) &&
          tcgv_i32_temp(eflags)->type == TCG_TYPE_I32;
    tap_ok(ok, "context init: env is temps[0], fixed ptr; globals follow it");
}

static void test_constants(void)
{
    TCGTemp *a, *b, *c, *d;
    bool ok;

    tcg_func_start(tcg_ctx);
    a = tcgv_i32_temp(tcg_constant_i32(-1));
    b = tcg_constant_internal(TCG_TYPE_I32, 0xffffffffll);
    c = tcgv_i64_temp(tcg_constant_i64(-1));
    d = tcgv_i64_temp(tcg_constant_i64(0xffffffffll));
    ok = a == b && a->val == -1 && a->kind == TEMP_CONST && c != a && c->val == -1 && d != c &&
         d->val == 0xffffffffll;
    ok &= tcg_constant_internal(TCG_TYPE_I64, 12345) == tcg_constant_internal(TCG_TYPE_I64, 12345);
    ok &= tcg_constant_internal(TCG_TYPE_I32, 0x180000000ll)->val == INT32_MIN;
    tcg_func_start(tcg_ctx);
    ok &= tcg_ctx->nb_temps == tcg_ctx->nb_globals;
    a = tcgv_i64_temp(tcg_constant_i64(7));
    ok &= tcg_temp_index(tcg_ctx, a) == tcg_ctx->nb_globals && a->val == 7;
    tap_ok(ok, "constants interned per TB by (type, value); i32 kept sign-extended");
}

static void test_temp_reuse(void)
{
    TCGTemp *t1, *t2, *t3, *t4;
    int n;
    bool ok;

    tcg_func_start(tcg_ctx);
    t1 = tcgv_i64_temp(tcg_temp_new_i64());
    tcg_temp_free_internal(t1);
    t2 = tcgv_i64_temp(tcg_temp_ebb_new_i64()); /* other kind: not t1 */
    t3 = tcgv_i32_temp(tcg_temp_new_i32());     /* other type: not t1 */
    t4 = tcgv_i64_temp(tcg_temp_new_i64());
    ok = t2 != t1 && t3 != t1 && t4 == t1 && t4->temp_allocated && t2->kind == TEMP_EBB &&
         t4->kind == TEMP_TB;
    n = tcg_ctx->nb_temps;
    tcg_temp_free_internal(tcgv_i64_temp(rax)); /* ignored */
    tcg_temp_free_internal(tcgv_i64_temp(tcg_constant_i64(99)));
    ok &= tcgv_i64_temp(tcg_temp_new_i64()) != tcgv_i64_temp(rax);
    ok &= tcg_ctx->nb_temps == n + 2;
    tap_ok(ok, "freed temps are reused for the same type and kind only; globals never");
}

static void test_limits(void)
{
    TCGLabel *l;
    bool ok;
    int i;

    tcg_func_start(tcg_ctx);
    for (i = 0; i < TCG_MAX_LABELS; i++) {
        gen_new_label();
    }
    ok = !tcg_ctx->overflow;
    l = gen_new_label();
    ok &= tcg_ctx->overflow && l != NULL && tcg_ctx->nb_labels == TCG_MAX_LABELS;
    tcg_gen_br(l); /* must not crash */

    tcg_func_start(tcg_ctx);
    for (i = 0; i < TCG_MAX_INSNS; i++) {
        tcg_gen_insn_start(i, 0);
    }
    ok &= !tcg_ctx->overflow;
    tcg_gen_insn_start(i, 0);
    ok &= tcg_ctx->overflow;

    tcg_func_start(tcg_ctx);
    ok &= !tcg_ctx->overflow && tcg_ctx->nb_ops == 0 && tcg_ctx->nb_labels == 0 &&
          tcg_ctx->nb_insn_starts == 0;
    tap_ok(ok, "label and insn limits set overflow; tcg_func_start clears everything");
}

static void test_layouts(void)
{
    static int tb_dummy[4];
    TCGv_i64 t;
    TCGv_i32 u;
    TCGLabel *l;
    TCGOp *op;
    bool ok;

    tcg_func_start(tcg_ctx);
    t = tcg_temp_new_i64();
    u = tcg_temp_new_i32();

    tcg_gen_insn_start(0x401000, 7);
    op = last_op();
    ok = op->opc == INDEX_op_insn_start && op->args[0] == 0x401000 && op->args[1] == 7 &&
         tcg_ctx->nb_insn_starts == 1;

    tcg_gen_exit_tb(tb_dummy, 1);
    op = last_op();
    ok &= op->opc == INDEX_op_exit_tb && op->args[0] == (uintptr_t)tb_dummy + 1;
    tcg_gen_exit_tb(NULL, 0);
    ok &= last_op()->args[0] == 0;

    tcg_gen_goto_tb(1);
    ok &= last_op()->opc == INDEX_op_goto_tb && last_op()->args[0] == 1;

    tcg_gen_call(abs, TCG_CALL_NO_RWG_SE, tcgv_i32_temp(u), tcgv_i32_temp(eflags),
                 tcgv_i64_temp(rax), tcgv_ptr_temp(tcg_ctx->env));
    op = last_op();
    ok &= op->opc == INDEX_op_call && op->callo == 1 && op->calli == 3 &&
          op->type == TCG_TYPE_I32 && A(op, 0) == tcgv_i32_temp(u) &&
          A(op, 1) == tcgv_i32_temp(eflags) && A(op, 2) == tcgv_i64_temp(rax) &&
          A(op, 3) == tcgv_ptr_temp(tcg_ctx->env) && op->args[4] == (uintptr_t)abs &&
          op->args[5] == TCG_CALL_NO_RWG_SE;
    ok &= tcg_op_nb_oargs(op) == 1 && tcg_op_nb_iargs(op) == 3;
    tcg_gen_call0(abort, 0, NULL);
    op = last_op();
    ok &= op->callo == 0 && op->calli == 0 && op->args[0] == (uintptr_t)abort && op->args[1] == 0;

    tcg_gen_qemu_ld_i32(u, rax, 3, MO_SL | MO_ALIGN);
    op = last_op();
    ok &= op->opc == INDEX_op_qemu_ld && op->type == TCG_TYPE_I32 &&
          get_memop(op->args[2]) == (MO_UL | MO_ALIGN) && get_mmuidx(op->args[2]) == 3;
    tcg_gen_qemu_ld_i64(t, rax, 1, MO_SW | MO_BSWAP);
    op = last_op();
    ok &= op->type == TCG_TYPE_I64 && get_memop(op->args[2]) == (MO_SW | MO_BSWAP) &&
          A(op, 1) == tcgv_i64_temp(rax);
    tcg_gen_qemu_st_i64(t, rax, 0, MO_SB | MO_BSWAP);
    op = last_op();
    ok &= op->opc == INDEX_op_qemu_st && get_memop(op->args[2]) == MO_UB && A(op, 0) ==
          tcgv_i64_temp(t);

    tcg_gen_ld32u_i64(t, tcg_ctx->env, 24);
    op = last_op();
    ok &= op->opc == INDEX_op_ld32u && A(op, 1) == tcgv_ptr_temp(tcg_ctx->env) && op->args[2] == 24;
    tcg_gen_st16_i32(u, tcg_ctx->env, -8);
    op = last_op();
    ok &= op->opc == INDEX_op_st16 && op->type == TCG_TYPE_I32 && (intptr_t)op->args[2] == -8;

    tcg_gen_extrl_i64_i32(u, t);
    ok &= last_op()->opc == INDEX_op_extrl_i64_i32 && last_op()->type == TCG_TYPE_I32;
    tcg_gen_extu_i32_i64(t, u);
    ok &= last_op()->opc == INDEX_op_extu_i32_i64 && last_op()->type == TCG_TYPE_I64;

    tcg_gen_deposit_i64(t, rax, rbx, 8, 16);
    op = last_op();
    ok &= op->opc == INDEX_op_deposit && op->args[3] == 8 && op->args[4] == 16;
    tcg_gen_movcond_i32(TCG_COND_LTU, u, eflags, u, eflags, u);
    op = last_op();
    ok &= op->opc == INDEX_op_movcond && op->args[5] == TCG_COND_LTU && A(op, 3) ==
          tcgv_i32_temp(eflags);

    l = gen_new_label();
    tcg_gen_brcondi_i64(TCG_COND_TSTNE, rax, 4, l);
    op = last_op();
    ok &= op->opc == INDEX_op_brcond && op->args[2] == TCG_COND_TSTNE && arg_label(op->args[3]) == l &&
          A(op, 1)->kind == TEMP_CONST && A(op, 1)->val == 4 && l->refs == 1;
    tcg_gen_br(l);
    ok &= l->refs == 2 && !l->present;
    gen_set_label(l);
    ok &= l->present && last_op()->opc == INDEX_op_set_label;
    tap_ok(ok, "op layouts: insn_start, exit_tb, goto_tb, call, qemu_ld/st, ld/st, "
               "conversions, deposit, movcond, brcond/br/set_label");
}

static void test_generation_identities(void)
{
    TCGv_i64 t;
    TCGOp *op;
    int n;
    bool ok;

    tcg_func_start(tcg_ctx);
    t = tcg_temp_new_i64();
    tcg_gen_addi_i64(rax, rax, 0);
    tcg_gen_mov_i64(rax, rax);
    tcg_gen_shli_i64(rax, rax, 64);
    tcg_gen_andi_i32(eflags, eflags, -1);
    ok = tcg_ctx->nb_ops == 0;
    tcg_gen_addi_i64(t, rax, 0);
    op = last_op();
    ok &= tcg_ctx->nb_ops == 1 && op->opc == INDEX_op_mov && A(op, 1) == tcgv_i64_temp(rax);
    tcg_gen_xori_i64(t, rax, -1);
    ok &= last_op()->opc == INDEX_op_not;
    tcg_gen_subfi_i64(t, 0, rax);
    ok &= last_op()->opc == INDEX_op_neg;
    tcg_gen_andi_i64(t, rax, 0);
    op = last_op();
    ok &= op->opc == INDEX_op_mov && A(op, 1)->kind == TEMP_CONST && A(op, 1)->val == 0;
    tcg_gen_andi_i64(t, rax, 0xffffffff); /* not all ones at 64 bits */
    ok &= last_op()->opc == INDEX_op_and;
    tcg_gen_shri_i32(eflags, eflags, 33); /* count modulo 32 */
    op = last_op();
    ok &= op->opc == INDEX_op_shr && A(op, 2)->val == 1;
    n = tcg_ctx->nb_ops;
    tcg_gen_brcondi_i64(TCG_COND_NEVER, rax, 0, gen_new_label());
    ok &= tcg_ctx->nb_ops == n;
    tcg_gen_setcondi_i64(TCG_COND_ALWAYS, t, rax, 0);
    op = last_op();
    ok &= op->opc == INDEX_op_mov && A(op, 1)->val == 1;
    tcg_gen_extract_i64(t, rax, 0, 64);
    ok &= last_op()->opc == INDEX_op_mov;
    tap_ok(ok, "generation-time identities (x+0, x&-1, shifts mod width, never/always)");
}

static void test_dump(void)
{
    TCGv_i64 t;
    TCGLabel *l;
    char *text = NULL;
    size_t size = 0;
    FILE *f;
    char line[64];
    bool ok;

    tcg_func_start(tcg_ctx);
    t = tcg_temp_ebb_new_i64();
    l = gen_new_label();
    tcg_gen_insn_start(0x401000, 1);
    tcg_gen_addi_i64(t, rax, 0x10);
    tcg_gen_brcondi_i64(TCG_COND_LTU, t, 5, l);
    tcg_gen_qemu_ld_i32(eflags, t, 2, MO_SW);
    gen_set_label(l);
    tcg_gen_exit_tb(NULL, 0);
    f = open_memstream(&text, &size);
    tcg_dump_ops(tcg_ctx, f);
    fclose(f);
    snprintf(line, sizeof(line), " add_i64 tmp%d,rax,$0x10\n", tcg_temp_index(tcg_ctx,
                                                                              tcgv_i64_temp(t)));
    ok = strstr(text, " ---- 0000000000401000 0000000000000001\n") != NULL;
    ok &= strstr(text, line) != NULL;
    ok &= strstr(text, ",ltu,$L0\n") != NULL;
    ok &= strstr(text, " qemu_ld_i32 eflags,") != NULL;
    ok &= strstr(text, "$L0:\n") != NULL;
    ok &= strstr(text, " exit_tb $0x0\n") != NULL;
    if (!tap_ok(ok, "dump format")) {
        tap_diag("%s", text);
    }
    free(text);
}

int main(void)
{
    test_context();
    test_constants();
    test_temp_reuse();
    test_limits();
    test_layouts();
    test_generation_identities();
    test_dump();
    return tap_done();
}
