/*
 * Differential test of the optimizer and liveness analysis on random TBs.
 *
 * For each seed a random translation block is built: arithmetic of every
 * kind on globals, TB temps and constants, both widths and conversions
 * between them, two-output ops, division with safe divisors, forward
 * branches over random conditions, helper calls with each kind of flags,
 * host loads/stores on env and guest loads/stores at guest_base. The
 * block is run on TCI with the optimizer off: that is the reference.
 * The same block (rebuilt from the same seed) is then run on TCI with the
 * optimizer on, and on the x86-64 backend with and without the optimizer
 * when it is linked in; the final env and guest memory must be
 * identical. Every TB temp is stored to env at the end, so a wrong value
 * anywhere shows.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "tap.h"
#include "tcg/tcg-op.h"
#include "tcg/tcg.h"

/* Backends call this for a misaligned MO_ALIGN access (accel/tcg has the
 * real one); these TBs never ask for alignment. */
void tcg_unaligned_access(void *env, uint64_t addr, uint32_t oi, uintptr_t retaddr)
{
    abort();
}

#define NG64 8
#define NG32 4
#define NT 4
#define NSEEDS 20000
#define GUEST_SIZE 256

typedef struct FuzzEnv {
    uint64_t g64[NG64];
    uint32_t g32[NG32];
    uint64_t slot64[NT];
    uint32_t slot32[NT];
    uint64_t scratch[4];
    uint64_t calls;
} FuzzEnv;

typedef struct FuzzState {
    FuzzEnv env;
    uint8_t guest[GUEST_SIZE];
    uintptr_t ret;
} FuzzState;

static FuzzEnv env;
static uint8_t guest_mem[GUEST_SIZE] __attribute__((aligned(64)));
static FuzzState *reference;

static TCGv_i64 g64[NG64];
static TCGv_i32 g32[NG32];
static TCGv_i64 t64[NT];
static TCGv_i32 t32[NT];

static uint8_t *code_buf;
#define CODE_BUF_SIZE (1u << 20)

/* ---- random numbers (fixed seeds) ---- */

static uint64_t rng;

static uint64_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dull;
}

static unsigned rn(unsigned n)
{
    return (unsigned)(rnd() % n);
}

static const uint64_t interesting[] = {
    0, 1, 2, 3, 7, 8, 31, 32, 63, 64, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
    0x80000000, 0xffffffff, 0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
    0xffffffffffffffffull, 0xfffffffffffffffeull, 0xffffffff00000000ull,
};

static uint64_t rvalue(void)
{
    if (rn(3) == 0) {
        return interesting[rn(sizeof(interesting) / sizeof(interesting[0]))];
    }
    return rnd() >> rn(64);
}

/* ---- helpers called from the TBs ---- */

static uint64_t helper_pure(uint64_t a, uint64_t b)
{
    return a * 31 + (b ^ 0x5555);
}

static void helper_side(void *e)
{
    FuzzEnv *fe = e;
    fe->g64[7] += fe->g64[0] + 1;
    fe->g32[3] ^= (uint32_t)fe->g64[1];
    fe->calls++;
}

static uint64_t helper_read(void *e)
{
    FuzzEnv *fe = e;
    return fe->g64[1] ^ (fe->g64[2] << 1) ^ fe->g32[0];
}

static uint32_t helper_i32(uint32_t a, uint64_t b)
{
    return a ^ (uint32_t)(b >> 7);
}

/* ---- TB generation ---- */

static TCGTemp *src(TCGType type)
{
    switch (rn(8)) {
    case 0:
    case 1:
        return tcg_constant_internal(type, (int64_t)rvalue());
    case 2:
    case 3:
    case 4:
        return type == TCG_TYPE_I32 ? tcgv_i32_temp(g32[rn(NG32)]) : tcgv_i64_temp(g64[rn(NG64)]);
    default:
        return type == TCG_TYPE_I32 ? tcgv_i32_temp(t32[rn(NT)]) : tcgv_i64_temp(t64[rn(NT)]);
    }
}

static TCGTemp *dst(TCGType type)
{
    if (rn(2)) {
        return type == TCG_TYPE_I32 ? tcgv_i32_temp(g32[rn(NG32)]) : tcgv_i64_temp(g64[rn(NG64)]);
    }
    return type == TCG_TYPE_I32 ? tcgv_i32_temp(t32[rn(NT)]) : tcgv_i64_temp(t64[rn(NT)]);
}

static TCGType rtype(void)
{
    return rn(2) ? TCG_TYPE_I64 : TCG_TYPE_I32;
}

static TCGOp *emit(TCGOpcode opc, TCGType type, int n)
{
    return tcg_emit_op(opc, type, n);
}

static void gen_binary(void)
{
    static const TCGOpcode ops[] = {
        INDEX_op_add,  INDEX_op_sub,  INDEX_op_mul, INDEX_op_and,  INDEX_op_or,
        INDEX_op_xor,  INDEX_op_andc, INDEX_op_orc, INDEX_op_eqv,  INDEX_op_nand,
        INDEX_op_nor,  INDEX_op_shl,  INDEX_op_shr, INDEX_op_sar,  INDEX_op_rotl,
        INDEX_op_rotr, INDEX_op_clz,  INDEX_op_ctz,
    };
    TCGType type = rtype();
    TCGOpcode opc = ops[rn(sizeof(ops) / sizeof(ops[0]))];
    TCGTemp *a = src(type);
    TCGTemp *b = rn(6) == 0 ? a : src(type);
    TCGOp *op = emit(opc, type, 3);

    op->args[0] = temp_arg(dst(type));
    op->args[1] = temp_arg(a);
    op->args[2] = temp_arg(b);
}

static void gen_unary(void)
{
    static const TCGOpcode ops[] = {
        INDEX_op_neg,    INDEX_op_not,    INDEX_op_ext8s,   INDEX_op_ext8u,  INDEX_op_ext16s,
        INDEX_op_ext16u, INDEX_op_bswap16, INDEX_op_bswap32, INDEX_op_ctpop, INDEX_op_mov,
        INDEX_op_ext32s, INDEX_op_ext32u, INDEX_op_bswap64,
    };
    TCGType type = rtype();
    unsigned n = sizeof(ops) / sizeof(ops[0]) - (type == TCG_TYPE_I32 ? 3 : 0);
    TCGOp *op = emit(ops[rn(n)], type, 2);

    op->args[0] = temp_arg(dst(type));
    op->args[1] = temp_arg(src(type));
}

static void gen_convert(void)
{
    static const TCGOpcode ops[] = {
        INDEX_op_ext_i32_i64, INDEX_op_extu_i32_i64, INDEX_op_extrl_i64_i32,
        INDEX_op_extrh_i64_i32,
    };
    unsigned k = rn(4);
    TCGType out = k < 2 ? TCG_TYPE_I64 : TCG_TYPE_I32;
    TCGType in = k < 2 ? TCG_TYPE_I32 : TCG_TYPE_I64;
    TCGOp *op = emit(ops[k], out, 2);

    op->args[0] = temp_arg(dst(out));
    op->args[1] = temp_arg(src(in));
}

static TCGCond rcond(void)
{
    return (TCGCond)(TCG_COND_EQ + rn(TCG_COND_TSTNE - TCG_COND_EQ + 1));
}

static void gen_cond_ops(void)
{
    TCGType type = rtype();
    TCGOp *op;

    if (rn(2)) {
        op = emit(INDEX_op_setcond, type, 4);
        op->args[0] = temp_arg(dst(type));
        op->args[1] = temp_arg(src(type));
        op->args[2] = temp_arg(src(type));
        op->args[3] = rcond();
    } else {
        op = emit(INDEX_op_movcond, type, 6);
        op->args[0] = temp_arg(dst(type));
        op->args[1] = temp_arg(src(type));
        op->args[2] = temp_arg(src(type));
        op->args[3] = temp_arg(src(type));
        op->args[4] = temp_arg(src(type));
        op->args[5] = rcond();
    }
}

static void gen_bitfield(void)
{
    TCGType type = rtype();
    unsigned bits = type == TCG_TYPE_I32 ? 32 : 64;
    unsigned ofs = rn(bits - 1);
    unsigned len = 1 + rn(bits - ofs - 1); /* never the full width */
    TCGOp *op;

    switch (rn(3)) {
    case 0:
        op = emit(INDEX_op_deposit, type, 5);
        op->args[0] = temp_arg(dst(type));
        op->args[1] = temp_arg(src(type));
        op->args[2] = temp_arg(src(type));
        op->args[3] = ofs;
        op->args[4] = len;
        break;
    default:
        op = emit(rn(2) ? INDEX_op_extract : INDEX_op_sextract, type, 4);
        op->args[0] = temp_arg(dst(type));
        op->args[1] = temp_arg(src(type));
        op->args[2] = ofs;
        op->args[3] = len;
        break;
    }
}

static void gen_double(void)
{
    static const TCGOpcode ops[] = { INDEX_op_mulu2, INDEX_op_muls2, INDEX_op_add2,
                                     INDEX_op_sub2 };
    TCGType type = rtype();
    TCGOpcode opc = ops[rn(4)];
    TCGTemp *lo = dst(type), *hi;
    TCGOp *op;
    int i, nin = tcg_op_defs[opc].nb_iargs;

    do {
        hi = dst(type);
    } while (hi == lo);
    op = emit(opc, type, 2 + nin);
    op->args[0] = temp_arg(lo);
    op->args[1] = temp_arg(hi);
    for (i = 0; i < nin; i++) {
        op->args[2 + i] = temp_arg(src(type));
    }
}

/* Division with a divisor that cannot trap: an EBB temp made positive
 * and non-zero right before. */
static void gen_div(void)
{
    static const TCGOpcode ops[] = { INDEX_op_div, INDEX_op_divu, INDEX_op_rem, INDEX_op_remu };
    TCGType type = rtype();
    TCGTemp *d = tcg_temp_new_internal(type, TEMP_EBB);
    TCGOp *op;

    op = emit(INDEX_op_and, type, 3);
    op->args[0] = temp_arg(d);
    op->args[1] = temp_arg(src(type));
    op->args[2] = temp_arg(tcg_constant_internal(type, rn(2) ? 0xffff : 0x7fffffff));
    op = emit(INDEX_op_or, type, 3);
    op->args[0] = temp_arg(d);
    op->args[1] = temp_arg(d);
    op->args[2] = temp_arg(tcg_constant_internal(type, 1));
    op = emit(ops[rn(4)], type, 3);
    op->args[0] = temp_arg(dst(type));
    op->args[1] = temp_arg(src(type));
    op->args[2] = temp_arg(d);
    tcg_temp_free_internal(d);
}

static void gen_call(void)
{
    switch (rn(4)) {
    case 0:
        tcg_gen_call(helper_pure, TCG_CALL_NO_RWG_SE, dst(TCG_TYPE_I64), src(TCG_TYPE_I64),
                     src(TCG_TYPE_I64));
        break;
    case 1:
        tcg_gen_call(helper_side, 0, NULL, tcgv_ptr_temp(tcg_ctx->env));
        break;
    case 2:
        tcg_gen_call(helper_read, TCG_CALL_NO_WG, dst(TCG_TYPE_I64), tcgv_ptr_temp(tcg_ctx->env));
        break;
    default:
        tcg_gen_call(helper_i32, TCG_CALL_NO_RWG, dst(TCG_TYPE_I32), src(TCG_TYPE_I32),
                     src(TCG_TYPE_I64));
        break;
    }
}

static void gen_guest_mem(void)
{
    TCGType type = rtype();
    TCGv_i64 addr = tcg_temp_ebb_new_i64();
    MemOp mop = (MemOp)rn(type == TCG_TYPE_I32 ? 3 : 4);
    TCGTemp *v;

    if (rn(2)) {
        mop |= MO_SIGN;
    }
    if (rn(4) == 0) {
        mop |= MO_BSWAP;
    }
    /* any address inside the buffer, aligned or not */
    tcg_gen_andi_i64(addr, temp_tcgv_i64(src(TCG_TYPE_I64)), GUEST_SIZE - 16);
    if (rn(2)) {
        tcg_gen_addi_i64(addr, addr, rn(8));
    }
    if (rn(2)) {
        v = dst(type);
        if (type == TCG_TYPE_I32) {
            tcg_gen_qemu_ld_i32(temp_tcgv_i32(v), addr, 0, mop);
        } else {
            tcg_gen_qemu_ld_i64(temp_tcgv_i64(v), addr, 0, mop);
        }
    } else {
        v = src(type);
        if (type == TCG_TYPE_I32) {
            tcg_gen_qemu_st_i32(temp_tcgv_i32(v), addr, 0, mop);
        } else {
            tcg_gen_qemu_st_i64(temp_tcgv_i64(v), addr, 0, mop);
        }
    }
    tcg_temp_free_i64(addr);
}

static void gen_host_mem(void)
{
    static const TCGOpcode lds[] = { INDEX_op_ld8u, INDEX_op_ld8s, INDEX_op_ld16u,
                                     INDEX_op_ld16s, INDEX_op_ld, INDEX_op_ld32u,
                                     INDEX_op_ld32s };
    static const TCGOpcode sts[] = { INDEX_op_st8, INDEX_op_st16, INDEX_op_st, INDEX_op_st32 };
    TCGType type = rtype();
    intptr_t ofs = offsetof(FuzzEnv, scratch) + 8 * rn(4);
    TCGOp *op;

    if (rn(2)) {
        op = emit(lds[rn(type == TCG_TYPE_I32 ? 5 : 7)], type, 3);
        op->args[0] = temp_arg(dst(type));
        if (op->opc == INDEX_op_ld16u || op->opc == INDEX_op_ld16s) {
            ofs += 2 * rn(3);
        }
    } else {
        op = emit(sts[rn(type == TCG_TYPE_I32 ? 3 : 4)], type, 3);
        op->args[0] = temp_arg(src(type));
    }
    op->args[1] = temp_arg(tcgv_ptr_temp(tcg_ctx->env));
    op->args[2] = (TCGArg)ofs;
}

typedef struct Pending {
    TCGLabel *l;
    int due;
} Pending;

static void gen_tb(uint64_t seed)
{
    Pending pend[8];
    int npend = 0, nops, i, k;

    rng = seed * 0x9e3779b97f4a7c15ull + 1;
    tcg_func_start(tcg_ctx);
    for (i = 0; i < NT; i++) {
        t64[i] = tcg_temp_new_i64();
        t32[i] = tcg_temp_new_i32();
        tcg_gen_movi_i64(t64[i], (int64_t)rvalue());
        tcg_gen_movi_i32(t32[i], (int32_t)rvalue());
    }
    nops = 10 + rn(50);
    for (i = 0; i < nops; i++) {
        for (k = 0; k < npend; k++) {
            if (pend[k].due == i) {
                gen_set_label(pend[k].l);
                pend[k] = pend[--npend];
                k--;
            }
        }
        if (rn(10) == 0) {
            tcg_gen_insn_start(0x1000 + i, 0);
        }
        switch (rn(16)) {
        case 0: case 1: case 2: case 3:
            gen_binary();
            break;
        case 4: case 5:
            gen_unary();
            break;
        case 6:
            gen_convert();
            break;
        case 7:
            gen_cond_ops();
            break;
        case 8:
            gen_bitfield();
            break;
        case 9:
            gen_double();
            break;
        case 10:
            gen_div();
            break;
        case 11:
            gen_call();
            break;
        case 12:
            gen_guest_mem();
            break;
        case 13:
            gen_host_mem();
            break;
        default:
            if (npend < 8) {
                TCGType type = rtype();
                TCGLabel *l = gen_new_label();
                TCGTemp *a = src(type), *b = src(type);
                if (type == TCG_TYPE_I32) {
                    tcg_gen_brcond_i32(rcond(), temp_tcgv_i32(a), temp_tcgv_i32(b), l);
                } else {
                    tcg_gen_brcond_i64(rcond(), temp_tcgv_i64(a), temp_tcgv_i64(b), l);
                }
                pend[npend].l = l;
                pend[npend].due = i + 1 + rn(6);
                npend++;
            }
            break;
        }
    }
    for (k = 0; k < npend; k++) {
        gen_set_label(pend[k].l);
    }
    for (i = 0; i < NT; i++) {
        tcg_gen_st_i64(t64[i], tcg_ctx->env, offsetof(FuzzEnv, slot64) + 8 * i);
        tcg_gen_st_i32(t32[i], tcg_ctx->env, offsetof(FuzzEnv, slot32) + 4 * i);
    }
    tcg_gen_exit_tb(NULL, 0);
}

static void init_state(uint64_t seed)
{
    uint8_t *p;
    size_t i;

    rng = seed ^ 0xdeadbeefcafef00dull;
    p = (uint8_t *)&env;
    for (i = 0; i < sizeof(env); i += 8) {
        uint64_t v = rvalue();
        memcpy(p + i, &v, sizeof(env) - i < 8 ? sizeof(env) - i : 8);
    }
    for (i = 0; i < GUEST_SIZE; i++) {
        guest_mem[i] = (uint8_t)rnd();
    }
}

static void setup_context(const TCGBackend *be, bool opt)
{
    static const char *const n64[NG64] = { "g0", "g1", "g2", "g3", "g4", "g5", "g6", "g7" };
    static const char *const n32[NG32] = { "w0", "w1", "w2", "w3" };
    int i;

    tcg_context_init(be, code_buf, CODE_BUF_SIZE);
    tcg_ctx->no_optimize = !opt;
    tcg_ctx->guest_base = (uintptr_t)guest_mem;
    for (i = 0; i < NG64; i++) {
        g64[i] = tcg_global_mem_new_i64(tcg_ctx->env, offsetof(FuzzEnv, g64) + 8 * i, n64[i]);
    }
    for (i = 0; i < NG32; i++) {
        g32[i] = tcg_global_mem_new_i32(tcg_ctx->env, offsetof(FuzzEnv, g32) + 4 * i, n32[i]);
    }
}

/* Build and run the TB of seed; false if code generation failed. */
static bool run_seed(uint64_t seed, FuzzState *out)
{
    TCGGenResult res;
    size_t start = (tcg_ctx->prologue_size + 63) & ~(size_t)63;
    int n;

    gen_tb(seed);
    n = tcg_gen_code(tcg_ctx, code_buf + start, CODE_BUF_SIZE - start, &res);
    if (n <= 0) {
        return false;
    }
    init_state(seed);
    out->ret = tcg_ctx->backend->exec(&env, code_buf + start);
    out->env = env;
    memcpy(out->guest, guest_mem, GUEST_SIZE);
    return true;
}

static void dump_seed(uint64_t seed, bool opt)
{
    tap_diag("ops of seed %" PRIu64 " (before optimization):", seed);
    gen_tb(seed);
    tcg_dump_ops(tcg_ctx, stdout);
    if (opt) {
        tcg_optimize(tcg_ctx);
    }
    tcg_liveness_analysis(tcg_ctx);
    tap_diag("after %sliveness:", opt ? "optimization and " : "");
    tcg_dump_ops(tcg_ctx, stdout);
}

static void check_config(const TCGBackend *be, bool opt, const char *name)
{
    FuzzState st;
    int bad = 0, fail_gen = 0;
    uint64_t seed, first_bad = 0;

    setup_context(be, opt);
    for (seed = 0; seed < NSEEDS; seed++) {
        memset(&st, 0, sizeof(st));
        if (!run_seed(seed, &st)) {
            fail_gen++;
            continue;
        }
        if (memcmp(&st.env, &reference[seed].env, sizeof(st.env)) != 0 ||
            memcmp(st.guest, reference[seed].guest, GUEST_SIZE) != 0 ||
            st.ret != reference[seed].ret) {
            if (!bad++) {
                first_bad = seed;
            }
        }
    }
    if (!tap_ok(bad == 0 && fail_gen == 0, "%s: %d random TBs match the unoptimized TCI run",
                name, NSEEDS)) {
        tap_diag("%d mismatches (first: seed %" PRIu64 "), %d code generation failures", bad,
                 first_bad, fail_gen);
        if (bad) {
            const uint64_t *a = (const uint64_t *)&reference[first_bad].env;
            FuzzState again;
            size_t i;
            run_seed(first_bad, &again);
            for (i = 0; i < sizeof(FuzzEnv) / 8; i++) {
                const uint64_t *b = (const uint64_t *)&again.env;
                if (a[i] != b[i]) {
                    tap_diag("env word %zu: want %016" PRIx64 " got %016" PRIx64, i, a[i], b[i]);
                }
            }
            dump_seed(first_bad, opt);
        }
    }
}

int main(void)
{
    uint64_t seed;
    int fail_gen = 0;

    code_buf = mmap(NULL, CODE_BUF_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    reference = calloc(NSEEDS, sizeof(*reference));
    if (code_buf == MAP_FAILED || !reference) {
        tap_ok(false, "allocate code buffer and results");
        return tap_done();
    }

    setup_context(&tcg_backend_tci, false);
    for (seed = 0; seed < NSEEDS; seed++) {
        if (!run_seed(seed, &reference[seed])) {
            fail_gen++;
        }
    }
    tap_ok(fail_gen == 0, "reference runs (TCI, no optimizer) generate code");

    check_config(&tcg_backend_tci, true, "tci+opt");
    check_config(&tcg_backend_x86_64, false, "x86_64");
    check_config(&tcg_backend_x86_64, true, "x86_64+opt");
    return tap_done();
}
