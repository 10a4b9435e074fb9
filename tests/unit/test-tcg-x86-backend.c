/*
 * The x86-64 host backend, end to end: IR built with the tcg-op.h
 * generators, compiled by tcg_backend_x86_64 into an RWX buffer and run,
 * results compared with plain C. What tests/unit/test-tcg-ops.c does not
 * already cover for every backend:
 *  - the baseline sequences used without BMI1/BMI2/LZCNT/POPCNT/MOVBE
 *    (init runs with a forced feature set) against the fast ones;
 *  - guest_base of 0, one that fits a disp32, and one kept in r14;
 *  - the MO_ALIGN slow path returning with every live value intact, and
 *    its retaddr mapping to the right guest insn;
 *  - calls with stack arguments while many values are live;
 *  - goto_tb chaining/unchaining and goto_ptr between two blocks;
 *  - running out of code buffer (-1, nothing written past the end);
 *  - random straight-line and branching programs over many TB temps and
 *    globals (register pressure, spills, block-boundary syncs) checked
 *    against an interpreter written here.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "../../tcg/x86_64/x86-internal.h"
#include "tap.h"
#include "tcg/tcg-eval.h"
#include "tcg/tcg-op.h"
#include "tcg/tcg.h"

#define CODE_SIZE (4u << 20)
#define NG        8

typedef struct Env {
    uint64_t r[NG];
    uint32_t w[4];
    uint64_t out[NG];
    uint64_t ptr;
} Env;

static Env env;
static uint8_t *code_buf;
static TCGv_i64 g_r[NG], g_out[NG];
static TCGv_i32 g_w[4];
static TCGv_ptr g_ptr;
static TCGGenResult res;
static size_t code_at; /* where the next block goes */

static uint64_t rng = 0x243f6a8885a308d3ull;
static uint64_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dull;
}

static uint64_t rnd_val(void)
{
    static const uint64_t special[] = { 0,          1,          31,
                                        32,         63,         0x7fffffff,
                                        0x80000000, 0xffffffff, 0x100000000ull,
                                        ~0ull,      1ull << 63, (1ull << 63) - 1 };
    switch (rnd() % 4) {
    case 0:
        return special[rnd() % (sizeof(special) / sizeof(special[0]))];
    case 1:
        return rnd() % 70;
    case 2:
        return 1ull << (rnd() % 64);
    default:
        return rnd();
    }
}

static void setup(int features)
{
    x86_force_features = features;
    tcg_context_init(&tcg_backend_x86_64, code_buf, CODE_SIZE);
    for (int i = 0; i < NG; i++) {
        g_r[i] = tcg_global_mem_new_i64(tcg_ctx->env, offsetof(Env, r[i]), "r");
        g_out[i] = tcg_global_mem_new_i64(tcg_ctx->env, offsetof(Env, out[i]), "out");
    }
    for (int i = 0; i < 4; i++) {
        g_w[i] = tcg_global_mem_new_i32(tcg_ctx->env, offsetof(Env, w[i]), "w");
    }
    g_ptr = tcg_global_mem_new_ptr(tcg_ctx->env, offsetof(Env, ptr), "ptr");
    code_at = (tcg_ctx->prologue_size + 63) & ~(size_t)63;
}

/* Compile the current ops to the next free spot of the buffer. */
static uint8_t *gen(void)
{
    uint8_t *p = code_buf + code_at;
    int n = tcg_gen_code(tcg_ctx, p, CODE_SIZE - code_at, &res);

    if (n <= 0) {
        tap_diag("tcg_gen_code returned %d", n);
        return NULL;
    }
    code_at = (code_at + (size_t)n + 63) & ~(size_t)63;
    if (code_at > CODE_SIZE / 2) {
        code_at = (tcg_ctx->prologue_size + 63) & ~(size_t)63;
    }
    return p;
}

static uintptr_t run(const void *code)
{
    return tcg_backend_x86_64.exec(&env, code);
}

/* ------------------------------------------------------------------ */
/* Feature fallbacks. */

static uint64_t ref_op(TCGOpcode opc, bool is64, uint64_t a, uint64_t b)
{
    unsigned w = is64 ? 64 : 32;
    uint64_t m = is64 ? ~0ull : 0xffffffffull;
    unsigned n = (unsigned)(b & (w - 1));
    uint64_t r = 0;
    int i;

    a &= m;
    b &= m;
    switch (opc) {
    case INDEX_op_clz:
        if (!a) {
            return b;
        }
        for (i = (int)w - 1; i >= 0 && !((a >> i) & 1); i--) {
            r++;
        }
        return r;
    case INDEX_op_ctz:
        if (!a) {
            return b;
        }
        for (i = 0; !((a >> i) & 1); i++) {
            r++;
        }
        return r;
    case INDEX_op_ctpop:
        for (i = 0; i < (int)w; i++) {
            r += (a >> i) & 1;
        }
        return r;
    case INDEX_op_andc:
        return a & ~b & m;
    case INDEX_op_orc:
        return (a | ~b) & m;
    case INDEX_op_shl:
        return (a << n) & m;
    case INDEX_op_shr:
        return a >> n;
    case INDEX_op_sar:
        return is64 ? (uint64_t)((int64_t)a >> n) : (uint32_t)((int32_t)a >> n);
    case INDEX_op_rotl:
        return n ? ((a << n) | (a >> (w - n))) & m : a;
    case INDEX_op_rotr:
        return n ? ((a >> n) | (a << (w - n))) & m : a;
    default:
        return 0xdead;
    }
}

static void gen_binop(TCGOpcode opc, bool is64, bool b_const, uint64_t bval)
{
    tcg_func_start(tcg_ctx);
    if (is64) {
        TCGv_i64 d = tcg_temp_new_i64();
        TCGv_i64 b = b_const ? tcg_constant_i64((int64_t)bval) : g_r[1];
        TCGOp *op = tcg_emit_op(opc, TCG_TYPE_I64, opc == INDEX_op_ctpop ? 2 : 3);
        op->args[0] = temp_arg(tcgv_i64_temp(d));
        op->args[1] = temp_arg(tcgv_i64_temp(g_r[0]));
        op->args[2] = temp_arg(tcgv_i64_temp(b));
        tcg_gen_mov_i64(g_out[0], d);
    } else {
        TCGv_i32 a = tcg_temp_new_i32(), d = tcg_temp_new_i32();
        TCGv_i32 b = tcg_temp_new_i32();
        tcg_gen_extrl_i64_i32(a, g_r[0]);
        if (b_const) {
            b = tcg_constant_i32((int32_t)bval);
        } else {
            tcg_gen_extrl_i64_i32(b, g_r[1]);
        }
        TCGOp *op = tcg_emit_op(opc, TCG_TYPE_I32, opc == INDEX_op_ctpop ? 2 : 3);
        op->args[0] = temp_arg(tcgv_i32_temp(d));
        op->args[1] = temp_arg(tcgv_i32_temp(a));
        op->args[2] = temp_arg(tcgv_i32_temp(b));
        tcg_gen_extu_i32_i64(g_out[0], d);
    }
    tcg_gen_exit_tb(NULL, 0);
}

static void test_features(void)
{
    static const TCGOpcode ops[] = { INDEX_op_clz,  INDEX_op_ctz, INDEX_op_ctpop, INDEX_op_andc,
                                     INDEX_op_orc,  INDEX_op_shl, INDEX_op_shr,   INDEX_op_sar,
                                     INDEX_op_rotl, INDEX_op_rotr };
    static const struct {
        int f;
        const char *name;
    } sets[] = { { -1, "host" },
                 { 0, "baseline" },
                 { X86_FEAT_BMI2, "bmi2 only" },
                 { X86_FEAT_BMI1 | X86_FEAT_LZCNT | X86_FEAT_POPCNT, "bmi1+lzcnt+popcnt" } };

    for (size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); s++) {
        setup(sets[s].f);
        for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
            for (int is64 = 0; is64 < 2; is64++) {
                for (int mode = 0; mode < 3; mode++) {
                    /* mode 0: b in a register; 1: b = width const; 2: random const */
                    uint64_t bc = mode == 1 ? (is64 ? 64 : 32) : rnd_val();
                    bool ok = true;
                    uint8_t *code;
                    if (ops[k] == INDEX_op_ctpop && mode) {
                        continue;
                    }
                    gen_binop(ops[k], is64, mode != 0, bc);
                    code = gen();
                    ok = code != NULL;
                    for (int i = 0; ok && i < 200; i++) {
                        env.r[0] = rnd_val();
                        env.r[1] = rnd_val();
                        if (i % 7 == 0) {
                            env.r[0] = 0;
                        }
                        uint64_t b = mode ? bc : env.r[1];
                        uint64_t want = ref_op(ops[k], is64, env.r[0], b);
                        if (!is64) {
                            want &= 0xffffffffull;
                        }
                        run(code);
                        if (env.out[0] != want) {
                            tap_diag("a=%#" PRIx64 " b=%#" PRIx64 ": got %#" PRIx64
                                     " want %#" PRIx64,
                                     env.r[0], b, env.out[0], want);
                            ok = false;
                        }
                    }
                    tap_ok(ok, "%s: %s_i%d, b %s", sets[s].name, tcg_op_defs[ops[k]].name,
                           is64 ? 64 : 32,
                           mode == 0   ? "reg"
                           : mode == 1 ? "=width"
                                       : "const");
                }
            }
        }
    }
}

/* ------------------------------------------------------------------ */
/* Guest memory. */

static uint8_t *guest_host; /* host address of guest address GADDR */
#define GADDR 0x10000ull
#define GSIZE 4096

static int unaligned_calls;
static uint64_t unaligned_addr;
static uint32_t unaligned_oi;
static uintptr_t unaligned_ra;

void tcg_unaligned_access(void *e, uint64_t addr, uint32_t oi, uintptr_t retaddr)
{
    (void)e;
    unaligned_calls++;
    unaligned_addr = addr;
    unaligned_oi = oi;
    unaligned_ra = retaddr;
    /* return: the access goes ahead, as for a target without #AC */
}

static uint64_t ref_load(const uint8_t *p, MemOp mop, bool is64)
{
    int n = 1 << (mop & MO_SIZE);
    uint64_t v = 0;

    for (int i = 0; i < n; i++) {
        int k = (mop & MO_BSWAP) ? i : n - 1 - i;
        v = (v << 8) | p[k];
    }
    if ((mop & MO_SIGN) && n < 8 && (v >> (8 * n - 1)) & 1) {
        v |= ~0ull << (8 * n);
    }
    return is64 ? v : (uint32_t)v;
}

static void test_guest_memory(void)
{
    static const struct {
        const char *name;
        int mode;
    } modes[] = { { "guest_base 0", 0 },
                  { "guest_base in disp32", 1 },
                  { "guest_base in r14", 2 } };

    for (size_t m = 0; m < 3; m++) {
        for (int feat = 0; feat < 2; feat++) {
            bool ok = true;
            setup(feat ? -1 : 0);
            /* guest address g maps to host g + guest_base */
            uint64_t gaddr;
            switch (modes[m].mode) {
            case 0:
                tcg_ctx->guest_base = 0;
                gaddr = (uintptr_t)guest_host;
                break;
            case 1:
                tcg_ctx->guest_base = 0x1000;
                gaddr = (uintptr_t)guest_host - 0x1000;
                break;
            default:
                tcg_ctx->guest_base = (uintptr_t)guest_host - GADDR;
                gaddr = GADDR;
                break;
            }
            for (int size = 0; size < 4 && ok; size++) {
                for (int flags = 0; flags < 4 && ok; flags++) {
                    MemOp mop =
                        (MemOp)(size | ((flags & 1) ? MO_SIGN : 0) | ((flags & 2) ? MO_BSWAP : 0));
                    for (int is64 = 0; is64 < 2 && ok; is64++) {
                        uint8_t *code;
                        if (!is64 && size == MO_64) {
                            continue;
                        }
                        /* out0 = load [r0]; store r1 -> [r0 + 16]; out1 = const store */
                        tcg_func_start(tcg_ctx);
                        TCGv_i64 a2 = tcg_temp_new_i64();
                        if (is64) {
                            TCGv_i64 v = tcg_temp_new_i64();
                            tcg_gen_qemu_ld_i64(v, g_r[0], 0, mop);
                            tcg_gen_mov_i64(g_out[0], v);
                            tcg_gen_addi_i64(a2, g_r[0], 16);
                            tcg_gen_qemu_st_i64(g_r[1], a2, 0, mop);
                            tcg_gen_addi_i64(a2, g_r[0], 32);
                            tcg_gen_qemu_st_i64(tcg_constant_i64(0x1122334455667788ll), a2, 0, mop);
                        } else {
                            TCGv_i32 v = tcg_temp_new_i32();
                            tcg_gen_qemu_ld_i32(v, g_r[0], 0, mop);
                            tcg_gen_extu_i32_i64(g_out[0], v);
                            tcg_gen_addi_i64(a2, g_r[0], 16);
                            tcg_gen_qemu_st_i32(g_w[0], a2, 0, mop);
                            tcg_gen_addi_i64(a2, g_r[0], 32);
                            tcg_gen_qemu_st_i32(tcg_constant_i32(-0x12345679), a2, 0, mop);
                        }
                        tcg_gen_exit_tb(NULL, 0);
                        code = gen();
                        ok = code != NULL;
                        for (int i = 0; ok && i < 20; i++) {
                            uint8_t expect16[8], expect32[8];
                            uint64_t sv = rnd();
                            uint64_t cv = is64 ? 0x1122334455667788ull : (uint32_t)-0x12345679;
                            int n = 1 << size;
                            for (int j = 0; j < GSIZE; j++) {
                                guest_host[j] = (uint8_t)rnd();
                            }
                            int off = (int)(rnd() % 64) + 8;
                            env.r[0] = gaddr + (uint64_t)off;
                            env.r[1] = sv;
                            env.w[0] = (uint32_t)sv;
                            uint64_t want = ref_load(guest_host + off, mop, is64);
                            for (int j = 0; j < n; j++) {
                                int k = (mop & MO_BSWAP) ? n - 1 - j : j;
                                expect16[k] = (uint8_t)(sv >> (8 * j));
                                expect32[k] = (uint8_t)(cv >> (8 * j));
                            }
                            uint8_t after = guest_host[off + 16 + n];
                            run(code);
                            if (env.out[0] != want ||
                                memcmp(guest_host + off + 16, expect16, (size_t)n) ||
                                memcmp(guest_host + off + 32, expect32, (size_t)n) ||
                                guest_host[off + 16 + n] != after) {
                                tap_diag("memop %#x i%d: loaded %#" PRIx64 " want %#" PRIx64, mop,
                                         is64 ? 64 : 32, env.out[0], want);
                                ok = false;
                            }
                        }
                    }
                }
            }
            tap_ok(ok, "%s (%s): qemu_ld/st of every size, sign and byte order", modes[m].name,
                   feat ? "host features" : "no movbe");
        }
    }
    tcg_ctx->guest_base = 0;
}

/* A misaligned MO_ALIGN load whose helper returns: the access proceeds,
 * and the 12 values live across it are intact. */
static void test_align_slow_path(void)
{
    TCGv_i64 t[12];
    uint8_t *code;
    bool ok;
    MemOp mop = MO_UL | MO_ALIGN;

    setup(-1);
    tcg_ctx->guest_base = 0;
    tcg_func_start(tcg_ctx);
    tcg_gen_insn_start(0x1000, 0);
    for (int i = 0; i < 12; i++) {
        t[i] = tcg_temp_new_i64();
        tcg_gen_muli_i64(t[i], g_r[i % NG], i * 2 + 3);
    }
    tcg_gen_insn_start(0x1004, 0);
    TCGv_i64 v = tcg_temp_new_i64();
    tcg_gen_qemu_ld_i64(v, g_r[0], 0, mop);
    tcg_gen_insn_start(0x1008, 0);
    for (int i = 0; i < 12; i++) {
        tcg_gen_add_i64(v, v, t[i]);
    }
    tcg_gen_mov_i64(g_out[0], v);
    tcg_gen_exit_tb(NULL, 0);
    code = gen();
    ok = code != NULL && res.nb_insns == 3;

    for (int mis = 0; ok && mis < 2; mis++) {
        uint64_t want;
        for (int i = 0; i < GSIZE; i++) {
            guest_host[i] = (uint8_t)rnd();
        }
        for (int i = 0; i < NG; i++) {
            env.r[i] = rnd();
        }
        env.r[0] = (uintptr_t)guest_host + 64 + (mis ? 2 : 0);
        want = ref_load(guest_host + 64 + (mis ? 2 : 0), MO_UL, true);
        for (int i = 0; i < 12; i++) {
            want += env.r[i % NG] * (uint64_t)(i * 2 + 3);
        }
        unaligned_calls = 0;
        run(code);
        ok = env.out[0] == want && unaligned_calls == mis;
        if (ok && mis) {
            /* retaddr lies in the code of insn 1 (the load) */
            uintptr_t pc = tcg_backend_x86_64.unwind_pc(unaligned_ra);
            uintptr_t off = pc - (uintptr_t)code;
            ok = unaligned_addr == env.r[0] && get_memop(unaligned_oi) == mop &&
                 off > res.insn_end_off[0] && off <= res.insn_end_off[1];
        }
        if (!ok) {
            tap_diag("misaligned=%d: out %#" PRIx64 " want %#" PRIx64 ", %d helper calls", mis,
                     env.out[0], want, unaligned_calls);
        }
    }
    tap_ok(ok, "MO_ALIGN: slow path only when misaligned, args/retaddr right, values kept");
}

/* ------------------------------------------------------------------ */
/* Calls. */

static uint64_t helper10(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, uint64_t f,
                         uint64_t g, uint64_t h, uint64_t i, uint64_t j)
{
    return a + 3 * b + 5 * c + 7 * d + 11 * e + 13 * f + 17 * g + 19 * h + 23 * i + 29 * j;
}

static uint32_t helper_i32(uint32_t a, uint64_t b)
{
    return a * 7 + (uint32_t)(b >> 32);
}

static void test_calls(void)
{
    TCGv_i64 t[14];
    uint8_t *code;
    bool ok;

    setup(-1);
    tcg_func_start(tcg_ctx);
    for (int i = 0; i < 14; i++) {
        t[i] = tcg_temp_new_i64();
        tcg_gen_addi_i64(t[i], g_r[i % NG], i + 1);
    }
    TCGv_i64 r = tcg_temp_new_i64();
    TCGv_i32 r32 = tcg_temp_new_i32();
    /* args: temps, a global, big constants on the stack, the same temp twice */
    tcg_gen_call(helper10, 0, tcgv64(r), tcgv64(t[0]), tcgv64(t[1]), tcgv64(g_r[2]), tcgv64(t[3]),
                 tcgv64(t[4]), tcgv64(t[5]), tcgv64(tcg_constant_i64(0x123456789abcll)),
                 tcgv64(t[7]), tcgv64(t[7]), tcgv64(tcg_constant_i64(-5)));
    tcg_gen_call(helper_i32, TCG_CALL_NO_RWG, tcgv32(r32), tcgv32(g_w[1]), tcgv64(t[9]));
    for (int i = 0; i < 14; i++) {
        tcg_gen_add_i64(r, r, t[i]);
    }
    tcg_gen_mov_i64(g_out[0], r);
    tcg_gen_extu_i32_i64(g_out[1], r32);
    tcg_gen_exit_tb(NULL, 0);
    code = gen();
    ok = code != NULL;
    for (int k = 0; ok && k < 20; k++) {
        uint64_t tv[14], want;
        uint32_t want32;
        for (int i = 0; i < NG; i++) {
            env.r[i] = rnd();
        }
        env.w[1] = (uint32_t)rnd();
        for (int i = 0; i < 14; i++) {
            tv[i] = env.r[i % NG] + (uint64_t)i + 1;
        }
        want = helper10(tv[0], tv[1], env.r[2], tv[3], tv[4], tv[5], 0x123456789abcull, tv[7],
                        tv[7], (uint64_t)-5);
        for (int i = 0; i < 14; i++) {
            want += tv[i];
        }
        want32 = helper_i32(env.w[1], tv[9]);
        run(code);
        ok = env.out[0] == want && env.out[1] == want32;
        if (!ok) {
            tap_diag("got %#" PRIx64 "/%#" PRIx64 " want %#" PRIx64 "/%#x", env.out[0], env.out[1],
                     want, want32);
        }
    }
    tap_ok(ok, "calls: 10 args (4 on the stack), 14 values live across two calls");
}

/* ------------------------------------------------------------------ */
/* Block exits. */

static void test_chaining(void)
{
    uint8_t *a, *b;
    bool ok;
    uintptr_t ret;

    setup(-1);
    /* block A: out0 = r0 + 1; goto_tb 0; exit_tb(A, 0) */
    tcg_func_start(tcg_ctx);
    tcg_gen_addi_i64(g_out[0], g_r[0], 1);
    tcg_gen_goto_tb(0);
    tcg_gen_exit_tb((void *)0x1000, 0);
    a = gen();
    TCGGenResult ra = res;
    /* block B: out1 = out0 * 3; exit_tb(0x2000 + 1) */
    tcg_func_start(tcg_ctx);
    tcg_gen_muli_i64(g_out[1], g_out[0], 3);
    tcg_gen_exit_tb((void *)0x2000, 1);
    b = gen();
    ok = a && b && (ra.jmp_insn_offset[0] & 3) == 0 &&
         ra.jmp_reset_offset[0] == ra.jmp_insn_offset[0] + 4;
    if (ok) {
        env.r[0] = 41;
        env.out[1] = 0;
        ret = run(a);
        ok = ret == 0x1000 && env.out[0] == 42 && env.out[1] == 0;
    }
    if (ok) {
        tcg_backend_x86_64.set_jmp_target((uintptr_t)a + ra.jmp_insn_offset[0], (uintptr_t)b);
        env.r[0] = 99;
        ret = run(a);
        ok = ret == 0x2001 && env.out[0] == 100 && env.out[1] == 300;
    }
    if (ok) {
        tcg_backend_x86_64.set_jmp_target((uintptr_t)a + ra.jmp_insn_offset[0],
                                          (uintptr_t)a + ra.jmp_reset_offset[0]);
        env.r[0] = 5;
        env.out[1] = 0;
        ret = run(a);
        ok = ret == 0x1000 && env.out[0] == 6 && env.out[1] == 0;
    }
    tap_ok(ok, "goto_tb: unchained exit, chained into another block, reset");

    /* goto_ptr: to another block, or to the epilogue (exec returns 0) */
    tcg_func_start(tcg_ctx);
    tcg_gen_addi_i64(g_out[0], g_r[0], 2);
    tcg_gen_goto_ptr(g_ptr);
    a = gen();
    ok = a != NULL;
    if (ok) {
        env.ptr = (uintptr_t)b;
        env.r[0] = 10;
        ret = run(a);
        ok = ret == 0x2001 && env.out[1] == 36;
        env.ptr = (uintptr_t)tcg_ctx->code_gen_epilogue;
        ret = run(a);
        ok = ok && ret == 0 && env.out[0] == 12;
    }
    tap_ok(ok, "goto_ptr: into another block, and to the epilogue returning 0");

    /* exit_tb values of every width */
    static const uintptr_t vals[] = {
        0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x123456789abcull, ~(uintptr_t)0
    };
    ok = true;
    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]) && ok; i++) {
        tcg_func_start(tcg_ctx);
        tcg_gen_exit_tb((void *)vals[i], 0);
        a = gen();
        ok = a && run(a) == vals[i];
    }
    tap_ok(ok, "exit_tb returns 0, small, 32-bit and 64-bit values");
}

static bool eval_cond(TCGCond c, uint64_t a, uint64_t b);

/* ld_i32 from env feeding a brcond against a constant (fused into a
 * compare with a memory operand), for every condition. */
static void test_ld_brcond(void)
{
    static const int32_t consts[] = { 0, 1, -1, 0x7f, 0x80, -0x81, 0x12345678 };
    bool ok = true;

    setup(-1);
    for (int c = TCG_COND_EQ; c <= TCG_COND_TSTNE && ok; c++) {
        for (size_t k = 0; k < sizeof(consts) / sizeof(consts[0]) && ok; k++) {
            TCGLabel *l;
            uint8_t *code;
            tcg_func_start(tcg_ctx);
            l = gen_new_label();
            TCGv_i32 t = tcg_temp_new_i32();
            tcg_gen_ld_i32(t, tcg_ctx->env, offsetof(Env, w[2]));
            tcg_gen_brcondi_i32((TCGCond)c, t, consts[k], l);
            tcg_gen_movi_i64(g_out[0], 1);
            tcg_gen_exit_tb(NULL, 0);
            gen_set_label(l);
            tcg_gen_movi_i64(g_out[0], 2);
            tcg_gen_exit_tb(NULL, 0);
            code = gen();
            ok = code != NULL;
            for (int i = 0; ok && i < 40; i++) {
                uint32_t v = (i & 3) == 0 ? (uint32_t)consts[k] : (uint32_t)rnd_val();
                bool sgn = c >= TCG_COND_LT && c <= TCG_COND_GT;
                uint64_t x = sgn ? (uint64_t)(int64_t)(int32_t)v : v;
                uint64_t y = sgn ? (uint64_t)(int64_t)consts[k] : (uint32_t)consts[k];
                bool taken = eval_cond((TCGCond)c, x, y);
                env.w[2] = v;
                run(code);
                ok = env.out[0] == (taken ? 2u : 1u);
                if (!ok) {
                    tap_diag("cond %d: %#x vs %#x: taken=%d but out %" PRIu64, c, v,
                             (uint32_t)consts[k], taken, env.out[0]);
                }
            }
        }
    }
    tap_ok(ok, "ld_i32 from env + brcond against constants, every condition");
}

/* ------------------------------------------------------------------ */
/*
 * One temp as two inputs of an op while it holds a known constant (a TB
 * temp after "mov t, $c"): the op's constraints see an immediate for the
 * second input, but loading the first input puts the temp in a register.
 * Regression: the allocator then handed the second input a register too,
 * so deposit ran without its scratch register (clobbering a live value),
 * orc/andc could get an output aliasing their inputs.
 */
/* ------------------------------------------------------------------ */
/*
 * Zero-extension shortcuts: an i64 op whose result only feeds a dying
 * ext32u is emitted with 32-bit encodings; extensions of a value that is
 * only in memory and dies read the slot directly; ext32u/extrl of a value
 * known to be zero-extended and extu_i32_i64 of an i32 are free. Each case
 * against plain C, including the near misses that must not take them.
 */
static const TCGOpcode zx_ops[] = { INDEX_op_add, INDEX_op_sub,  INDEX_op_mul,  INDEX_op_and,
                                    INDEX_op_or,  INDEX_op_xor,  INDEX_op_andc, INDEX_op_orc,
                                    INDEX_op_eqv, INDEX_op_nand, INDEX_op_nor,  INDEX_op_shl,
                                    INDEX_op_shr, INDEX_op_sar,  INDEX_op_neg,  INDEX_op_not };

static bool zx_eval(TCGOpcode opc, uint64_t a, uint64_t b, uint64_t *out)
{
    uint64_t in[2] = { a, b };
    return tcg_op_eval(opc, TCG_TYPE_I64, in, NULL, out);
}

/* A helper that returns its argument in rax untruncated: bits 63:32 of an
 * int return value are undefined in the SysV ABI. */
__attribute__((naked, noinline)) static uint32_t dirty_u32_ret(uint64_t x)
{
    __asm__ volatile("mov %rdi, %rax\n\tret");
}

static void test_zext_shortcuts(void)
{
    bool ok = true;

    setup(-1);
    /* 1. op_i64 t; ext32u out0, t (t dies): fused; and the same with t
     * still wanted (out1 = t): not fused */
    for (size_t k = 0; k < sizeof(zx_ops) / sizeof(zx_ops[0]) && ok; k++) {
        TCGOpcode opc = zx_ops[k];
        int nin = tcg_op_defs[opc].nb_iargs;
        for (int mode = 0; mode < 4 && ok; mode++) {
            /* mode bit 0: b a constant; bit 1: t stays live */
            uint64_t bc = (opc == INDEX_op_shl || opc == INDEX_op_shr || opc == INDEX_op_sar)
                              ? (mode & 1 ? 7 + 20 * (k & 1) : 0)
                              : 0x9876543210fedcbaull;
            tcg_func_start(tcg_ctx);
            TCGv_i64 t = tcg_temp_new_i64();
            TCGOp *op = tcg_emit_op(opc, TCG_TYPE_I64, 1 + nin);
            op->args[0] = temp_arg(tcgv_i64_temp(t));
            op->args[1] = temp_arg(tcgv_i64_temp(g_r[0]));
            if (nin == 2) {
                op->args[2] =
                    temp_arg(tcgv_i64_temp((mode & 1) ? tcg_constant_i64((int64_t)bc) : g_r[1]));
            }
            tcg_gen_ext32u_i64(g_out[0], t);
            if (mode & 2) {
                tcg_gen_mov_i64(g_out[1], t);
            }
            tcg_gen_exit_tb(NULL, 0);
            uint8_t *code = gen();
            ok = code != NULL;
            for (int i = 0; ok && i < 100; i++) {
                uint64_t want;
                env.r[0] = rnd_val();
                env.r[1] = (opc == INDEX_op_shl || opc == INDEX_op_shr || opc == INDEX_op_sar)
                               ? rnd() % 64
                               : rnd_val();
                env.out[1] = 0x5a5a;
                zx_eval(opc, env.r[0], (mode & 1) ? bc : env.r[1], &want);
                run(code);
                ok = env.out[0] == (uint32_t)want && env.out[1] == ((mode & 2) ? want : 0x5a5a);
                if (!ok) {
                    tap_diag("%s mode %d: a %#" PRIx64 " b %#" PRIx64 ": got %#" PRIx64 "/%#" PRIx64
                             ", want %#" PRIx64,
                             tcg_op_defs[opc].name, mode, env.r[0], (mode & 1) ? bc : env.r[1],
                             env.out[0], env.out[1], want);
                }
            }
        }
    }
    tap_ok(ok, "op_i64 + ext32u of its dying result (32-bit form) and of a live one");

    /* 2. extensions of globals that die there: read from env directly */
    ok = true;
    {
        static const TCGOpcode exts[] = { INDEX_op_ext8s,         INDEX_op_ext8u,
                                          INDEX_op_ext16s,        INDEX_op_ext16u,
                                          INDEX_op_ext32s,        INDEX_op_ext32u,
                                          INDEX_op_extrl_i64_i32, INDEX_op_extrh_i64_i32 };
        tcg_func_start(tcg_ctx);
        for (int k = 0; k < 8; k++) {
            TCGOpcode opc = exts[k];
            TCGOp *op;
            if (opc == INDEX_op_extrl_i64_i32 || opc == INDEX_op_extrh_i64_i32) {
                TCGv_i32 v = tcg_temp_new_i32();
                op = tcg_emit_op(opc, TCG_TYPE_I32, 2);
                op->args[0] = temp_arg(tcgv_i32_temp(v));
                op->args[1] = temp_arg(tcgv_i64_temp(g_r[k]));
                tcg_gen_ext_i32_i64(g_out[k], v); /* sign: shows bits 63:32 */
            } else {
                op = tcg_emit_op(opc, TCG_TYPE_I64, 2);
                op->args[0] = temp_arg(tcgv_i64_temp(g_out[k]));
                op->args[1] = temp_arg(tcgv_i64_temp(g_r[k]));
            }
            tcg_gen_movi_i64(g_r[k], 0x66); /* the source dies */
        }
        tcg_gen_exit_tb(NULL, 0);
        uint8_t *code = gen();
        ok = code != NULL;
        for (int i = 0; ok && i < 50; i++) {
            uint64_t in[NG];
            for (int k = 0; k < NG; k++) {
                in[k] = env.r[k] = rnd_val();
            }
            run(code);
            uint64_t want[8] = {
                (uint64_t)(int64_t)(int8_t)in[0],  (uint8_t)in[1],
                (uint64_t)(int64_t)(int16_t)in[2], (uint16_t)in[3],
                (uint64_t)(int64_t)(int32_t)in[4], (uint32_t)in[5],
                (uint64_t)(int64_t)(int32_t)in[6], (uint64_t)(int64_t)(int32_t)(in[7] >> 32),
            };
            for (int k = 0; k < 8 && ok; k++) {
                ok = env.out[k] == want[k] && env.r[k] == 0x66;
                if (!ok) {
                    tap_diag("%s of %#" PRIx64 ": got %#" PRIx64 " want %#" PRIx64,
                             tcg_op_defs[exts[k]].name, in[k], env.out[k], want[k]);
                }
            }
        }
        /* the i32 sources */
        for (int sgn = 0; sgn < 2 && ok; sgn++) {
            tcg_func_start(tcg_ctx);
            if (sgn) {
                tcg_gen_ext_i32_i64(g_out[0], g_w[1]);
            } else {
                tcg_gen_extu_i32_i64(g_out[0], g_w[1]);
            }
            tcg_gen_movi_i32(g_w[1], 0x77);
            tcg_gen_exit_tb(NULL, 0);
            code = gen();
            ok = code != NULL;
            for (int i = 0; ok && i < 50; i++) {
                uint32_t w = (uint32_t)rnd_val();
                env.w[1] = w;
                run(code);
                ok = env.out[0] == (sgn ? (uint64_t)(int64_t)(int32_t)w : w) && env.w[1] == 0x77;
            }
        }
    }
    tap_ok(ok, "extensions of a dying global read straight from env");

    /* 3. a chain of zero-extended values: ext32u, extrl, rotr_i32, extu,
     * add_i64 + ext32u, extrl again; and an i32 helper result with junk in
     * bits 63:32 of rax */
    ok = true;
    {
        tcg_func_start(tcg_ctx);
        TCGv_i64 t = tcg_temp_new_i64(), v = tcg_temp_new_i64();
        TCGv_i32 u = tcg_temp_new_i32(), c = tcg_temp_new_i32();
        tcg_gen_ext32u_i64(t, g_r[0]);
        tcg_gen_extrl_i64_i32(u, t);
        tcg_gen_rotri_i32(u, u, 5);
        tcg_gen_extu_i32_i64(v, u);
        tcg_gen_add_i64(v, v, g_r[1]);
        tcg_gen_ext32u_i64(v, v);
        tcg_gen_extrl_i64_i32(u, v);
        tcg_gen_extu_i32_i64(g_out[0], u);
        tcg_gen_extrh_i64_i32(u, g_r[2]); /* g_r[2] stays live */
        tcg_gen_extu_i32_i64(g_out[1], u);
        tcg_gen_mov_i64(g_out[2], g_r[2]);
        tcg_gen_call(dirty_u32_ret, TCG_CALL_NO_RWG, tcgv_i32_temp(c), tcgv_i64_temp(g_r[3]));
        tcg_gen_extu_i32_i64(g_out[3], c);
        tcg_gen_exit_tb(NULL, 0);
        uint8_t *code = gen();
        ok = code != NULL;
        for (int i = 0; ok && i < 100; i++) {
            for (int k = 0; k < 4; k++) {
                env.r[k] = rnd_val();
            }
            uint32_t x = (uint32_t)env.r[0];
            uint64_t want0 = (uint32_t)(((x >> 5) | (x << 27)) + env.r[1]);
            run(code);
            ok = env.out[0] == want0 && env.out[1] == env.r[2] >> 32 && env.out[2] == env.r[2] &&
                 env.out[3] == (uint32_t)env.r[3];
            if (!ok) {
                tap_diag("r %#" PRIx64 " %#" PRIx64 " %#" PRIx64 " %#" PRIx64 ": out %#" PRIx64
                         " %#" PRIx64 " %#" PRIx64 " %#" PRIx64,
                         env.r[0], env.r[1], env.r[2], env.r[3], env.out[0], env.out[1], env.out[2],
                         env.out[3]);
            }
        }
    }
    tap_ok(ok, "zero-extension chains; an i32 call result with junk above bit 31");
}

/*
 * The allocator contract behind the test above, checked directly: an
 * input whose constraint accepts an immediate and which is a known
 * constant when ra_op_begin starts stays an immediate, even after another
 * input of the same op loaded the same temp into a register. (With the old
 * order deposit got a register for b and no scratch, and emitted with
 * whatever X86OpArgs.t[0] held: rax, which held a live value.)
 */
static void test_ra_const_input_stays_imm(void)
{
    static uint8_t buf[4096];
    X86Gen *g = &x86_gen;
    X86OpCt ct;
    X86OpArgs args;
    TCGTemp *t, *d;
    TCGOp *op;
    volatile int n = 0;
    int i;

    setup(-1);
    tcg_func_start(tcg_ctx);
    t = tcg_temp_new_internal(TCG_TYPE_I32, TEMP_TB);
    d = tcg_temp_new_internal(TCG_TYPE_I32, TEMP_TB);
    tcg_gen_movi_i32(temp_tcgv_i32(t), 0x34cfc023);
    tcg_gen_deposit_i32(temp_tcgv_i32(d), temp_tcgv_i32(t), temp_tcgv_i32(t), 22, 5);
    tcg_gen_add_i32(temp_tcgv_i32(d), temp_tcgv_i32(d), temp_tcgv_i32(t));
    tcg_gen_extu_i32_i64(g_out[0], temp_tcgv_i32(d));
    tcg_gen_exit_tb(NULL, 0);
    tcg_liveness_analysis(tcg_ctx);

    memset(g, 0, sizeof(*g));
    g->s = tcg_ctx;
    g->a.start = g->a.ptr = buf;
    g->a.end = buf + sizeof(buf);
    ra_init_block(g);
    if (setjmp(g->overflow)) {
        tap_ok(false, "regalloc: code buffer overflow in the white-box test");
        return;
    }
    for (i = 0; i < tcg_ctx->nb_ops; i++) {
        op = &tcg_ctx->ops[i];
        if (op->opc == INDEX_op_mov) {
            ra_mov(g, op);
        } else if (op->opc == INDEX_op_deposit) {
            memset(&ct, 0, sizeof(ct));
            ct.out[0].regs = X86_ALLOC_REGS;
            ct.out[0].alias = -1;
            ct.in[0].regs = ct.in[1].regs = X86_IN_REGS;
            ct.in[0].alias = ct.in[1].alias = -1;
            ct.in[1].cst = X86_CST_ANY; /* as the backend asks when b is constant */
            ct.prefer_in = 0;
            memset(&args, 0, sizeof(args));
            ra_op_begin(g, op, &ct, &args);
            n++;
            break;
        }
    }
    tap_ok(n == 1 && args.i[0] >= 0 && args.i[1] == -1 && args.c[1] == 0x34cfc023 &&
               t->val_type == TEMP_VAL_REG && t->reg == args.i[0],
           "regalloc: a constant temp used as a and (immediate) b of one op stays "
           "an immediate for b (a in r%d, b %d)",
           args.i[0], args.i[1]);
}

#define NOTHER 6 /* the globals out[2..7] */
static void test_same_const_inputs(void)
{
    static const TCGOpcode ops[] = { INDEX_op_deposit, INDEX_op_orc, INDEX_op_andc, INDEX_op_shl,
                                     INDEX_op_shr,     INDEX_op_sar, INDEX_op_rotl, INDEX_op_rotr,
                                     INDEX_op_clz,     INDEX_op_ctz, INDEX_op_and,  INDEX_op_sub,
                                     INDEX_op_add,     INDEX_op_mul, INDEX_op_nand };
    static const uint64_t vals[] = {
        0,    1, 5, 31, 32, 0xff, 0x34cfc023, 0x80000000, 0x7fffffff, 0xffffffff, 0x5a104dba0bull,
        ~0ull
    };
    static const int feats[] = { -1, 0 };

    for (size_t f = 0; f < sizeof(feats) / sizeof(feats[0]); f++) {
        setup(feats[f]);
        tcg_ctx->no_optimize = true; /* keep the constant out of the folder's reach */
        for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
            bool ok = true;
            for (int is64 = 0; is64 < 2 && ok; is64++) {
                TCGType type = is64 ? TCG_TYPE_I64 : TCG_TYPE_I32;
                for (size_t vi = 0; vi < sizeof(vals) / sizeof(vals[0]) && ok; vi++) {
                    for (int live = 0; live < 2 && ok; live++) {
                        TCGArg cargs[2] = { 22, 5 };
                        uint64_t in[2], want, want_t, mask = is64 ? ~0ull : 0xffffffffull;
                        TCGTemp *t, *d, *other[NOTHER];
                        TCGOp *op;
                        uint8_t *code;

                        in[0] = in[1] = tcg_canon_value(type, vals[vi]);
                        if (!tcg_op_eval(ops[k], type, in, cargs, &want)) {
                            tap_diag("no reference for %s", tcg_op_defs[ops[k]].name);
                            ok = false;
                            break;
                        }
                        want &= mask;
                        want_t = in[0] & mask;
                        tcg_func_start(tcg_ctx);
                        t = tcg_temp_new_internal(type, TEMP_TB);
                        d = tcg_temp_new_internal(type, TEMP_TB);
                        /* live values in most registers: the op must not touch them */
                        for (int o = 0; o < NOTHER; o++) {
                            other[o] = tcg_temp_new_internal(TCG_TYPE_I64, TEMP_TB);
                            tcg_gen_xori_i64(temp_tcgv_i64(other[o]), g_r[2], o);
                        }
                        if (is64) {
                            tcg_gen_movi_i64(temp_tcgv_i64(t), (int64_t)vals[vi]);
                        } else {
                            tcg_gen_movi_i32(temp_tcgv_i32(t), (int32_t)vals[vi]);
                        }
                        op = tcg_emit_op(ops[k], type, ops[k] == INDEX_op_deposit ? 5 : 3);
                        op->args[0] = temp_arg(d);
                        op->args[1] = temp_arg(t);
                        op->args[2] = temp_arg(t);
                        if (ops[k] == INDEX_op_deposit) {
                            op->args[3] = cargs[0];
                            op->args[4] = cargs[1];
                        }
                        if (is64) {
                            tcg_gen_mov_i64(g_out[0], temp_tcgv_i64(d));
                            if (live) {
                                tcg_gen_mov_i64(g_out[1], temp_tcgv_i64(t));
                            }
                        } else {
                            tcg_gen_extu_i32_i64(g_out[0], temp_tcgv_i32(d));
                            if (live) {
                                tcg_gen_extu_i32_i64(g_out[1], temp_tcgv_i32(t));
                            }
                        }
                        for (int o = 0; o < NOTHER; o++) {
                            tcg_gen_mov_i64(g_out[2 + o], temp_tcgv_i64(other[o]));
                        }
                        tcg_gen_exit_tb(NULL, 0);
                        code = gen();
                        ok = code != NULL;
                        if (!ok) {
                            break;
                        }
                        memset(env.out, 0, sizeof(env.out));
                        env.r[2] = 0x0123456789abcdefull;
                        run(code);
                        ok = env.out[0] == want && (!live || env.out[1] == want_t);
                        for (int o = 0; o < NOTHER; o++) {
                            ok = ok && env.out[2 + o] == (env.r[2] ^ (uint64_t)o);
                        }
                        if (!ok) {
                            tap_diag("%s_i%d t=%#" PRIx64 " live=%d: d %#" PRIx64 " (want %#" PRIx64
                                     "), t %#" PRIx64 ", other[0] %#" PRIx64,
                                     tcg_op_defs[ops[k]].name, is64 ? 64 : 32, vals[vi], live,
                                     env.out[0], want, env.out[1], env.out[2]);
                        }
                    }
                }
            }
            tap_ok(ok, "%s: %s d, t, t with t a known constant", feats[f] ? "host" : "baseline",
                   tcg_op_defs[ops[k]].name);
        }
    }
    x86_force_features = -1;
}

/* A block that does not fit: -1, and not one byte written past the end. */
static void test_overflow(void)
{
    bool ok = true;
    int full;
    uint8_t *area = code_buf + CODE_SIZE - 65536;

    setup(-1);
    tcg_func_start(tcg_ctx);
    for (int i = 0; i < 300; i++) {
        tcg_gen_xori_i64(g_out[i % NG], g_out[i % NG], (int64_t)rnd());
        tcg_gen_mul_i64(g_out[(i + 1) % NG], g_out[(i + 1) % NG], g_out[i % NG]);
    }
    tcg_gen_exit_tb(NULL, 0);
    full = tcg_gen_code(tcg_ctx, area, 32768, &res);
    ok = full > 4000;
    for (int size = 0; ok && size < full + 1100; size += (size < 600 ? 1 : 97)) {
        memset(area, 0xa5, 40000);
        int n = tcg_gen_code(tcg_ctx, area, (size_t)size, &res);
        /* the backend keeps a safety margin per op, so a buffer just big
         * enough may still be refused */
        if (size < full) {
            ok = n == -1;
        } else if (size >= full + 1024) {
            ok = n == full;
        } else {
            ok = n == -1 || n == full;
        }
        for (int j = size; ok && j < 40000; j++) {
            ok = area[j] == 0xa5;
        }
        if (!ok) {
            tap_diag("buffer of %d bytes: returned %d (full size %d)", size, n, full);
        }
    }
    tap_ok(ok, "code buffer too small: -1 and nothing written past its end");
}

/* ------------------------------------------------------------------ */
/* Random programs over TB temps and globals, against an interpreter. */

enum {
    P_ADD,
    P_SUB,
    P_MUL,
    P_AND,
    P_OR,
    P_XOR,
    P_SHLI,
    P_SHR,
    P_SAR,
    P_ROTLI,
    P_NEG,
    P_NOT,
    P_MOVI,
    P_MOV,
    P_SETCOND,
    P_MOVCOND,
    P_EXT32U,
    P_EXT8S,
    P_CALL,
    P_DIVU,
    P_ADDI,
    P_SKIP,
    P_NB
};

typedef struct PInsn {
    int kind;
    int d, a, b, c;
    int64_t imm;
    TCGCond cond;
} PInsn;

#define PV   20 /* values: 0..11 TB temps, 12..19 globals r0..r7 */
#define PLEN 48

static uint64_t prog_helper(uint64_t a, uint64_t b)
{
    return a * 31 + (b ^ (b >> 7));
}

static bool eval_cond(TCGCond c, uint64_t a, uint64_t b)
{
    switch (c) {
    case TCG_COND_EQ:
        return a == b;
    case TCG_COND_NE:
        return a != b;
    case TCG_COND_LT:
        return (int64_t)a < (int64_t)b;
    case TCG_COND_GE:
        return (int64_t)a >= (int64_t)b;
    case TCG_COND_LE:
        return (int64_t)a <= (int64_t)b;
    case TCG_COND_GT:
        return (int64_t)a > (int64_t)b;
    case TCG_COND_LTU:
        return a < b;
    case TCG_COND_GEU:
        return a >= b;
    case TCG_COND_LEU:
        return a <= b;
    case TCG_COND_GTU:
        return a > b;
    case TCG_COND_TSTEQ:
        return (a & b) == 0;
    case TCG_COND_TSTNE:
        return (a & b) != 0;
    default:
        return c == TCG_COND_ALWAYS;
    }
}

static void prog_random(PInsn *p, int n)
{
    for (int i = 0; i < n; i++) {
        p[i].kind = (int)(rnd() % P_NB);
        if (p[i].kind == P_SKIP && i > 0 && p[i - 1].kind == P_SKIP) {
            p[i].kind = P_ADD; /* a skip skips one insn, never another skip */
        }
        p[i].d = (int)(rnd() % PV);
        p[i].a = (int)(rnd() % PV);
        p[i].b = (int)(rnd() % PV);
        p[i].c = (int)(rnd() % PV);
        p[i].imm = (int64_t)rnd_val();
        p[i].cond = (TCGCond)(TCG_COND_EQ + (int)(rnd() % 12));
    }
}

static void prog_eval(const PInsn *p, int n, uint64_t *v)
{
    for (int i = 0; i < n; i++) {
        const PInsn *q = &p[i];
        uint64_t a = v[q->a], b = v[q->b], r;
        switch (q->kind) {
        case P_ADD:
            r = a + b;
            break;
        case P_SUB:
            r = a - b;
            break;
        case P_MUL:
            r = a * b;
            break;
        case P_AND:
            r = a & b;
            break;
        case P_OR:
            r = a | b;
            break;
        case P_XOR:
            r = a ^ b;
            break;
        case P_SHLI:
            r = a << (q->imm & 63);
            break;
        case P_SHR:
            r = a >> (b & 63);
            break;
        case P_SAR:
            r = (uint64_t)((int64_t)a >> (b & 63));
            break;
        case P_ROTLI: {
            unsigned k = (unsigned)(q->imm & 63);
            r = k ? (a << k) | (a >> (64 - k)) : a;
            break;
        }
        case P_NEG:
            r = -a;
            break;
        case P_NOT:
            r = ~a;
            break;
        case P_MOVI:
            r = (uint64_t)q->imm;
            break;
        case P_MOV:
            r = a;
            break;
        case P_SETCOND:
            r = eval_cond(q->cond, a, b);
            break;
        case P_MOVCOND:
            r = eval_cond(q->cond, a, b) ? v[q->c] : v[q->d];
            break;
        case P_EXT32U:
            r = (uint32_t)a;
            break;
        case P_EXT8S:
            r = (uint64_t)(int64_t)(int8_t)a;
            break;
        case P_CALL:
            r = prog_helper(a, b);
            break;
        case P_DIVU:
            r = a / (b | 1);
            break;
        case P_ADDI:
            r = a + (uint64_t)(int64_t)(int32_t)q->imm;
            break;
        case P_SKIP:
            /* if (a cond b) skip the next insn */
            if (eval_cond(q->cond, a, b)) {
                i++;
            }
            continue;
        default:
            r = 0;
            break;
        }
        v[q->d] = r;
    }
}

static void prog_gen(const PInsn *p, int n, TCGv_i64 *t)
{
    TCGLabel *skip = NULL;

    for (int i = 0; i < n; i++) {
        const PInsn *q = &p[i];
        TCGv_i64 d = t[q->d], a = t[q->a], b = t[q->b];
        switch (q->kind) {
        case P_ADD:
            tcg_gen_add_i64(d, a, b);
            break;
        case P_SUB:
            tcg_gen_sub_i64(d, a, b);
            break;
        case P_MUL:
            tcg_gen_mul_i64(d, a, b);
            break;
        case P_AND:
            tcg_gen_and_i64(d, a, b);
            break;
        case P_OR:
            tcg_gen_or_i64(d, a, b);
            break;
        case P_XOR:
            tcg_gen_xor_i64(d, a, b);
            break;
        case P_SHLI:
            tcg_gen_shli_i64(d, a, q->imm & 63);
            break;
        case P_SHR: {
            TCGv_i64 k = tcg_temp_ebb_new_i64();
            tcg_gen_andi_i64(k, b, 63);
            tcg_gen_shr_i64(d, a, k);
            break;
        }
        case P_SAR: {
            TCGv_i64 k = tcg_temp_ebb_new_i64();
            tcg_gen_andi_i64(k, b, 63);
            tcg_gen_sar_i64(d, a, k);
            break;
        }
        case P_ROTLI:
            tcg_gen_rotli_i64(d, a, q->imm & 63);
            break;
        case P_NEG:
            tcg_gen_neg_i64(d, a);
            break;
        case P_NOT:
            tcg_gen_not_i64(d, a);
            break;
        case P_MOVI:
            tcg_gen_movi_i64(d, q->imm);
            break;
        case P_MOV:
            tcg_gen_mov_i64(d, a);
            break;
        case P_SETCOND:
            tcg_gen_setcond_i64(q->cond, d, a, b);
            break;
        case P_MOVCOND:
            tcg_gen_movcond_i64(q->cond, d, a, b, t[q->c], d);
            break;
        case P_EXT32U:
            tcg_gen_ext32u_i64(d, a);
            break;
        case P_EXT8S:
            tcg_gen_ext8s_i64(d, a);
            break;
        case P_CALL:
            tcg_gen_call(prog_helper, TCG_CALL_NO_RWG, tcgv64(d), tcgv64(a), tcgv64(b));
            break;
        case P_DIVU: {
            TCGv_i64 k = tcg_temp_ebb_new_i64();
            tcg_gen_ori_i64(k, b, 1);
            tcg_gen_divu_i64(d, a, k);
            break;
        }
        case P_ADDI:
            tcg_gen_addi_i64(d, a, (int32_t)q->imm);
            break;
        case P_SKIP:
            skip = gen_new_label();
            tcg_gen_brcond_i64(q->cond, a, b, skip);
            continue;
        default:
            break;
        }
        if (skip) {
            gen_set_label(skip);
            skip = NULL;
        }
    }
    if (skip) {
        gen_set_label(skip);
    }
}

static void test_random_programs(void)
{
    for (int opt = 0; opt < 2; opt++) {
        bool ok = true;
        int progs = 0;
        setup(-1);
        tcg_ctx->no_optimize = !opt;
        for (int k = 0; ok && k < 300; k++) {
            PInsn p[PLEN];
            TCGv_i64 t[PV];
            uint64_t init[PV], v[PV];
            uint8_t *code;

            prog_random(p, PLEN);
            tcg_func_start(tcg_ctx);
            for (int i = 0; i < PV; i++) {
                if (i < 12) {
                    t[i] = tcg_temp_new_i64();
                } else {
                    t[i] = g_r[i - 12];
                }
            }
            /* TB temps start from the globals' values mixed */
            for (int i = 0; i < 12; i++) {
                tcg_gen_xori_i64(t[i], g_r[i % NG], (int64_t)(i * 0x1111));
            }
            prog_gen(p, PLEN, t);
            for (int i = 0; i < 12; i++) {
                tcg_gen_add_i64(g_out[i % NG], i < NG ? t[i] : g_out[i % NG],
                                i < NG ? tcg_constant_i64(0) : t[i]);
            }
            tcg_gen_exit_tb(NULL, 0);
            code = gen();
            ok = code != NULL;
            for (int run_i = 0; ok && run_i < 3; run_i++) {
                uint64_t want_out[NG];
                for (int i = 0; i < NG; i++) {
                    env.r[i] = rnd_val();
                }
                for (int i = 0; i < 12; i++) {
                    init[i] = env.r[i % NG] ^ (uint64_t)(i * 0x1111);
                }
                for (int i = 12; i < PV; i++) {
                    init[i] = env.r[i - 12];
                }
                memcpy(v, init, sizeof(v));
                prog_eval(p, PLEN, v);
                for (int i = 0; i < NG; i++) {
                    want_out[i] = v[i];
                }
                for (int i = NG; i < 12; i++) {
                    want_out[i % NG] += v[i];
                }
                run(code);
                for (int i = 0; i < NG && ok; i++) {
                    if (env.out[i] != want_out[i] || env.r[i] != v[12 + i]) {
                        tap_diag("program %d run %d: out%d %#" PRIx64 " want %#" PRIx64
                                 ", r%d %#" PRIx64 " want %#" PRIx64,
                                 k, run_i, i, env.out[i], want_out[i], i, env.r[i], v[12 + i]);
                        ok = false;
                    }
                }
            }
            progs++;
        }
        tap_ok(ok, "random programs (%s): %d x %d ops over 12 TB temps and 8 globals",
               opt ? "optimized" : "unoptimized", progs, PLEN);
    }
}

int main(void)
{
    code_buf = mmap(NULL, CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    guest_host = mmap(NULL, GSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code_buf == MAP_FAILED || guest_host == MAP_FAILED) {
        tap_ok(false, "mmap of the code and guest buffers");
        return tap_done();
    }
    test_features();
    test_guest_memory();
    test_align_slow_path();
    test_calls();
    test_chaining();
    test_ld_brcond();
    test_overflow();
    test_same_const_inputs();
    test_ra_const_input_stays_imm();
    test_zext_shortcuts();
    test_random_programs();
    return tap_done();
}
