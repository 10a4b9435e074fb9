/*
 * Every IR op on every backend, checked against a reference written here
 * in plain C.
 *
 * For each backend (TCI, x86-64) and with the optimizer on and off, each
 * op of tcg-opc.h is built into a small TB for each width it exists in:
 * inputs come from a fake env struct through globals, the result goes
 * back to env, then exit_tb. Operands are varied (TB temps, globals used
 * directly, constants first/last/both, the same temp twice, output
 * aliasing an input, and i32 inputs taken from the low half of i64
 * values with junk in the high half) and the TB is run on interesting
 * values and random ones (fixed seed). Then the control-flow and memory
 * features: branches for every condition, loops, TB temps across
 * branches, calls with 0..10 args, qemu_ld/st of every memop at
 * guest_base (and MO_ALIGN faults), host loads/stores, goto_tb chaining,
 * goto_ptr, exit_tb values, insn_start bookkeeping and unwind_pc, and
 * many live temps at once.
 *
 * A backend that crashes on a case (SIGSEGV/SIGILL/...) reports a failed
 * case instead of killing the run. One TAP line per
 * backend/optimizer/op/type/operand-mode; the first mismatch of each is
 * shown as a diagnostic.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>

#include "tap.h"
#include "tcg/tcg.h"
#include "tcg/tci.h"

#define NIN 6
#define NOUT 4

typedef struct TestEnv {
    uint64_t i64[NIN];
    uint32_t i32[NIN];
    uint64_t o64[NOUT];
    uint32_t o32[NOUT];
    uint64_t ptr;
    uint64_t counter;
    uint8_t mem[64];
    uint64_t dump[32]; /* random programs store their temps here */
} TestEnv;

static TestEnv env;

static TCGv_i64 g_i64[NIN], g_o64[NOUT], g_counter;
static TCGv_i32 g_i32[NIN], g_o32[NOUT];
static TCGv_ptr g_ptr;

static const TCGBackend *cur_be;
static const char *cur_name;
static bool cur_opt;
static uint8_t *code_buf;
static size_t code_buf_size;
#define CODE_BUF_SIZE (4u << 20)
static TCGGenResult gen_res;
static int gen_size; /* of the last block generated */

#define EXIT_MAGIC 0x5a5a0u

/* ---------------------------------------------------------------- */
/* Random numbers: xorshift64*, fixed seed so failures reproduce. */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static const uint64_t interesting64[] = {
    0, 1, 2, 3, 31, 32, 63, 64,
    0x7fffffffull, 0x80000000ull, 0xffffffffull, 0x100000000ull,
    0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull,
    0xfffffffffffffffeull, 0x8000000000000001ull, 0x123456789abcdef0ull,
};
static const uint64_t interesting32[] = {
    0, 1, 2, 3, 31, 32, 63, 0x7fffffff, 0x80000000, 0xffffffff,
    0xfffffffe, 0x80000001, 0x12345678, 0x0000ffff, 0xffff8000,
};
#define N_INT64 (sizeof(interesting64) / sizeof(interesting64[0]))
#define N_INT32 (sizeof(interesting32) / sizeof(interesting32[0]))
#define N_RANDOM 64

static uint64_t rnd_value(bool is64)
{
    uint64_t v;

    switch (rnd() % 4) {
    case 0:
        v = rnd() % 72; /* shift-count sized */
        break;
    case 1:
        v = is64 ? interesting64[rnd() % N_INT64] : interesting32[rnd() % N_INT32];
        break;
    case 2:
        v = rnd() | (1ull << 63) | (1ull << 31);
        break;
    default:
        v = rnd();
        break;
    }
    return is64 ? v : (uint32_t)v;
}

/* ---------------------------------------------------------------- */
/* Crash protection around running generated code. */

static sigjmp_buf crash_jmp;
static volatile sig_atomic_t in_exec;
static volatile int crash_sig;

static volatile sig_atomic_t exec_seq;

static void crash_handler(int sig)
{
    if (sig == SIGALRM) {
        /* the watchdog ticks every second: 5 ticks in the same exec is a hang */
        static sig_atomic_t last_seq = -1, stuck;
        if (in_exec && exec_seq == last_seq) {
            if (++stuck < 5) {
                return;
            }
        } else {
            last_seq = exec_seq;
            stuck = 0;
            return;
        }
        stuck = 0;
    }
    if (in_exec) {
        in_exec = 0;
        crash_sig = sig;
        siglongjmp(crash_jmp, 1);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_crash_handlers(void)
{
    static char altstack[1 << 16];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
    struct sigaction sa;
    static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGALRM };

    sigaltstack(&ss, NULL);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = crash_handler;
    sa.sa_flags = SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        sa.sa_flags = SA_ONSTACK | SA_NODEFER | (sigs[i] == SIGALRM ? SA_RESTART : 0);
        sigaction(sigs[i], &sa, NULL);
    }
    /* a watchdog tick instead of a timer per run: runs are many and short */
    struct itimerval tick = { { 1, 0 }, { 1, 0 } };
    setitimer(ITIMER_REAL, &tick, NULL);
}

/* Run code; false (with a diagnostic) if it crashed or hung (SIGALRM
 * after a few seconds). */
static bool run_code(const void *code, uintptr_t *ret)
{
    if (sigsetjmp(crash_jmp, 1)) {
        tap_diag("%s: generated code %s (signal %d)", cur_name,
                 crash_sig == SIGALRM ? "hung" : "crashed", (int)crash_sig);
        return false;
    }
    exec_seq++;
    in_exec = 1;
    *ret = cur_be->exec(&env, code);
    in_exec = 0;
    return true;
}

/* ---------------------------------------------------------------- */
/* Building TBs. */

static void setup_backend(const TCGBackend *be, bool opt)
{
    cur_be = be;
    cur_opt = opt;
    tcg_context_init(be, code_buf, code_buf_size);
    tcg_ctx->no_optimize = !opt;
    static const char *const in64_names[NIN] = { "i64_0", "i64_1", "i64_2", "i64_3", "i64_4", "i64_5" };
    static const char *const in32_names[NIN] = { "i32_0", "i32_1", "i32_2", "i32_3", "i32_4", "i32_5" };
    static const char *const out64_names[NOUT] = { "o64_0", "o64_1", "o64_2", "o64_3" };
    static const char *const out32_names[NOUT] = { "o32_0", "o32_1", "o32_2", "o32_3" };

    for (int i = 0; i < NIN; i++) {
        g_i64[i] = tcg_global_mem_new_i64(tcg_ctx->env, offsetof(TestEnv, i64) + 8 * i,
                                          in64_names[i]);
        g_i32[i] = tcg_global_mem_new_i32(tcg_ctx->env, offsetof(TestEnv, i32) + 4 * i,
                                          in32_names[i]);
    }
    for (int i = 0; i < NOUT; i++) {
        g_o64[i] = tcg_global_mem_new_i64(tcg_ctx->env, offsetof(TestEnv, o64) + 8 * i,
                                          out64_names[i]);
        g_o32[i] = tcg_global_mem_new_i32(tcg_ctx->env, offsetof(TestEnv, o32) + 4 * i,
                                          out32_names[i]);
    }
    g_ptr = tcg_global_mem_new_ptr(tcg_ctx->env, offsetof(TestEnv, ptr), "ptr");
    g_counter = tcg_global_mem_new_i64(tcg_ctx->env, offsetof(TestEnv, counter), "counter");
}

static TCGOp *emit(TCGOpcode opc, TCGType type, int n, const TCGArg *args)
{
    TCGOp *op = tcg_emit_op(opc, type, n);
    for (int i = 0; i < n; i++) {
        op->args[i] = args[i];
    }
    return op;
}
#define EMIT(opc, type, ...)                                                  \
    emit(INDEX_op_##opc, (type), (int)(sizeof((TCGArg[]){ __VA_ARGS__ }) / sizeof(TCGArg)), \
         (TCGArg[]){ __VA_ARGS__ })

#define A32(v) temp_arg(tcgv_i32_temp(v))
#define A64(v) temp_arg(tcgv_i64_temp(v))
#define AP(v) temp_arg(tcgv_ptr_temp(v))
#define AT(t) temp_arg(t)
#define AL(l) label_arg(l)

static TCGTemp *gl_in(TCGType t, int k)
{
    return t == TCG_TYPE_I32 ? tcgv_i32_temp(g_i32[k]) : tcgv_i64_temp(g_i64[k]);
}
static TCGTemp *gl_out(TCGType t, int k)
{
    return t == TCG_TYPE_I32 ? tcgv_i32_temp(g_o32[k]) : tcgv_i64_temp(g_o64[k]);
}
static TCGTemp *new_temp(TCGType t, TCGTempKind kind)
{
    return tcg_temp_new_internal(t, kind);
}
static void emit_mov(TCGTemp *d, TCGTemp *s)
{
    EMIT(mov, d->type, AT(d), AT(s));
}
static void emit_exit(uintptr_t v)
{
    EMIT(exit_tb, TCG_TYPE_I64, v);
}
/* Branches and labels keep the label's refs/present up to date, as the
 * optimizer relies on them (tcg-op.c's generators do the same). */
static void emit_br(TCGLabel *l)
{
    EMIT(br, TCG_TYPE_I64, label_arg(l));
    l->refs++;
}
static void emit_brcond(TCGType type, TCGTemp *a, TCGTemp *b, TCGCond cond, TCGLabel *l)
{
    EMIT(brcond, type, temp_arg(a), temp_arg(b), (TCGArg)cond, label_arg(l));
    l->refs++;
}
static void emit_label(TCGLabel *l)
{
    EMIT(set_label, TCG_TYPE_I64, label_arg(l));
    l->present = true;
}

/* Generate the current ops at code_buf + prologue + at; NULL on failure. */
static const void *gen_at(size_t at, const char *what)
{
    size_t start = (tcg_ctx->prologue_size + 63) & ~(size_t)63;
    uint8_t *p = code_buf + start + at;
    int n = tcg_gen_code(tcg_ctx, p, code_buf_size - start - at, &gen_res);

    if (n <= 0) {
        tap_diag("%s: %s: tcg_gen_code returned %d", cur_name, what, n);
        return NULL;
    }
    gen_size = n;
    return p;
}
static const void *gen(const char *what) { return gen_at(0, what); }

/* ---------------------------------------------------------------- */
/* The reference: what each op computes, written independently of the
 * backends (bit loops where the backends use builtins). */

static uint64_t trunc_t(bool is64, uint64_t v) { return is64 ? v : (uint32_t)v; }
static int64_t sext_t(bool is64, uint64_t v) { return is64 ? (int64_t)v : (int32_t)v; }
static uint64_t sign_bit(bool is64) { return is64 ? 1ull << 63 : 1ull << 31; }

static uint64_t ref_rotl(uint64_t a, uint64_t n, bool is64)
{
    unsigned w = is64 ? 64 : 32;
    for (unsigned i = 0; i < (n % w); i++) {
        uint64_t top = (a & sign_bit(is64)) ? 1 : 0;
        a = trunc_t(is64, (a << 1) | top);
    }
    return a;
}
static uint64_t ref_rotr(uint64_t a, uint64_t n, bool is64)
{
    unsigned w = is64 ? 64 : 32;
    for (unsigned i = 0; i < (n % w); i++) {
        uint64_t low = a & 1;
        a = (a >> 1) | (low ? sign_bit(is64) : 0);
    }
    return a;
}
static uint64_t ref_sar(uint64_t a, uint64_t n, bool is64)
{
    unsigned w = is64 ? 64 : 32;
    bool neg = (a & sign_bit(is64)) != 0;
    for (unsigned i = 0; i < (n % w); i++) {
        a = (a >> 1) | (neg ? sign_bit(is64) : 0);
    }
    return a;
}
static uint64_t ref_clz(uint64_t a, uint64_t b, bool is64)
{
    unsigned w = is64 ? 64 : 32, n = 0;
    if (a == 0) {
        return b;
    }
    while (!(a & (1ull << (w - 1 - n)))) {
        n++;
    }
    return n;
}
static uint64_t ref_ctz(uint64_t a, uint64_t b)
{
    unsigned n = 0;
    if (a == 0) {
        return b;
    }
    while (!(a & (1ull << n))) {
        n++;
    }
    return n;
}
static uint64_t ref_ctpop(uint64_t a)
{
    uint64_t n = 0;
    for (; a; a >>= 1) {
        n += a & 1;
    }
    return n;
}
static uint64_t ref_bswap(uint64_t a, unsigned bytes)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < bytes; i++) {
        r |= ((a >> (8 * i)) & 0xff) << (8 * (bytes - 1 - i));
    }
    return r;
}
static uint64_t ref_sext(uint64_t a, unsigned bits)
{
    uint64_t m = bits == 64 ? ~0ull : (1ull << bits) - 1;
    a &= m;
    if (bits < 64 && (a & (1ull << (bits - 1)))) {
        a |= ~m;
    }
    return a;
}
/* 64x64 -> 128 by 32-bit halves, unsigned. */
static void ref_mulu128(uint64_t a, uint64_t b, uint64_t *lo, uint64_t *hi)
{
    uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
    *lo = (mid << 32) | (uint32_t)ll;
    *hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

static bool ref_cond(TCGCond c, bool is64, uint64_t a, uint64_t b)
{
    int64_t sa = sext_t(is64, a), sb = sext_t(is64, b);
    a = trunc_t(is64, a);
    b = trunc_t(is64, b);
    switch (c) {
    case TCG_COND_NEVER: return false;
    case TCG_COND_ALWAYS: return true;
    case TCG_COND_EQ: return a == b;
    case TCG_COND_NE: return !(a == b);
    case TCG_COND_LT: return sa < sb;
    case TCG_COND_GE: return !(sa < sb);
    case TCG_COND_LE: return !(sb < sa);
    case TCG_COND_GT: return sb < sa;
    case TCG_COND_LTU: return a < b;
    case TCG_COND_GEU: return !(a < b);
    case TCG_COND_LEU: return !(b < a);
    case TCG_COND_GTU: return b < a;
    case TCG_COND_TSTEQ: return (a & b) == 0;
    case TCG_COND_TSTNE: return (a & b) != 0;
    }
    return false;
}

static const char *const cond_names[] = {
    "never", "always", "eq", "ne", "lt", "ge", "le", "gt",
    "ltu", "geu", "leu", "gtu", "tsteq", "tstne",
};
#define N_CONDS 14

/*
 * Evaluate op on inputs in[] (i32 values zero-extended) with constant
 * args c[]; fills out[]. Returns false when the inputs are outside the
 * op's domain (division by zero, INT_MIN / -1).
 */
static bool ref_eval(TCGOpcode opc, bool is64, const TCGArg *c, const uint64_t *in,
                     uint64_t *out)
{
    uint64_t a = in[0], b = in[1], r = 0;
    unsigned w = is64 ? 64 : 32;

    switch (opc) {
    case INDEX_op_mov: r = a; break;
    case INDEX_op_add: r = a + b; break;
    case INDEX_op_sub: r = a - b; break;
    case INDEX_op_mul: r = a * b; break;
    case INDEX_op_div:
    case INDEX_op_rem:
        if (trunc_t(is64, b) == 0 ||
            (trunc_t(is64, a) == sign_bit(is64) && trunc_t(is64, b) == trunc_t(is64, ~0ull))) {
            return false;
        }
        if (is64) {
            r = opc == INDEX_op_div ? (uint64_t)((int64_t)a / (int64_t)b)
                                    : (uint64_t)((int64_t)a % (int64_t)b);
        } else {
            r = opc == INDEX_op_div ? (uint64_t)((int32_t)a / (int32_t)b)
                                    : (uint64_t)((int32_t)a % (int32_t)b);
        }
        break;
    case INDEX_op_divu:
    case INDEX_op_remu:
        if (trunc_t(is64, b) == 0) {
            return false;
        }
        r = opc == INDEX_op_divu ? trunc_t(is64, a) / trunc_t(is64, b)
                                 : trunc_t(is64, a) % trunc_t(is64, b);
        break;
    case INDEX_op_and: r = a & b; break;
    case INDEX_op_or: r = a | b; break;
    case INDEX_op_xor: r = a ^ b; break;
    case INDEX_op_andc: r = a & ~b; break;
    case INDEX_op_orc: r = a | ~b; break;
    case INDEX_op_eqv: r = ~(a ^ b); break;
    case INDEX_op_nand: r = ~(a & b); break;
    case INDEX_op_nor: r = ~(a | b); break;
    case INDEX_op_shl: r = a << (b % w); break;
    case INDEX_op_shr: r = trunc_t(is64, a) >> (b % w); break;
    case INDEX_op_sar: r = ref_sar(a, b, is64); break;
    case INDEX_op_rotl: r = ref_rotl(a, b, is64); break;
    case INDEX_op_rotr: r = ref_rotr(a, b, is64); break;
    case INDEX_op_neg: r = 0 - a; break;
    case INDEX_op_not: r = ~a; break;
    case INDEX_op_ext8s: r = ref_sext(a, 8); break;
    case INDEX_op_ext8u: r = a & 0xff; break;
    case INDEX_op_ext16s: r = ref_sext(a, 16); break;
    case INDEX_op_ext16u: r = a & 0xffff; break;
    case INDEX_op_ext32s: r = ref_sext(a, 32); break;
    case INDEX_op_ext32u: r = a & 0xffffffffull; break;
    case INDEX_op_ext_i32_i64: r = ref_sext(a, 32); break;
    case INDEX_op_extu_i32_i64: r = a & 0xffffffffull; break;
    case INDEX_op_extrl_i64_i32: r = a & 0xffffffffull; break;
    case INDEX_op_extrh_i64_i32: r = a >> 32; break;
    case INDEX_op_bswap16: r = ref_bswap(a, 2); break;
    case INDEX_op_bswap32: r = ref_bswap(a, 4); break;
    case INDEX_op_bswap64: r = ref_bswap(a, 8); break;
    case INDEX_op_clz: r = ref_clz(trunc_t(is64, a), b, is64); break;
    case INDEX_op_ctz: r = ref_ctz(trunc_t(is64, a), b); break;
    case INDEX_op_ctpop: r = ref_ctpop(trunc_t(is64, a)); break;
    case INDEX_op_deposit: {
        unsigned ofs = (unsigned)c[0], len = (unsigned)c[1];
        r = a;
        for (unsigned i = 0; i < len; i++) {
            uint64_t bit = 1ull << (ofs + i);
            r = (r & ~bit) | (((b >> i) & 1) ? bit : 0);
        }
        break;
    }
    case INDEX_op_extract:
    case INDEX_op_sextract: {
        unsigned ofs = (unsigned)c[0], len = (unsigned)c[1];
        r = 0;
        for (unsigned i = 0; i < len; i++) {
            r |= ((a >> (ofs + i)) & 1) << i;
        }
        if (opc == INDEX_op_sextract) {
            r = ref_sext(r, len);
        }
        break;
    }
    case INDEX_op_setcond:
        r = ref_cond((TCGCond)c[0], is64, a, b);
        break;
    case INDEX_op_movcond:
        r = ref_cond((TCGCond)c[0], is64, a, b) ? in[2] : in[3];
        break;
    case INDEX_op_mulu2:
    case INDEX_op_muls2:
        if (is64) {
            uint64_t lo, hi;
            ref_mulu128(a, b, &lo, &hi);
            if (opc == INDEX_op_muls2) {
                /* signed high part = unsigned high - (a<0 ? b : 0) - (b<0 ? a : 0) */
                hi -= ((int64_t)a < 0 ? b : 0) + ((int64_t)b < 0 ? a : 0);
            }
            out[0] = lo;
            out[1] = hi;
        } else {
            uint64_t p = opc == INDEX_op_muls2
                             ? (uint64_t)((int64_t)(int32_t)a * (int64_t)(int32_t)b)
                             : (uint64_t)(uint32_t)a * (uint32_t)b;
            out[0] = (uint32_t)p;
            out[1] = p >> 32;
        }
        return true;
    case INDEX_op_add2:
    case INDEX_op_sub2: {
        uint64_t al = trunc_t(is64, in[0]), ah = trunc_t(is64, in[1]);
        uint64_t bl = trunc_t(is64, in[2]), bh = trunc_t(is64, in[3]);
        uint64_t lo, carry;
        if (opc == INDEX_op_add2) {
            lo = trunc_t(is64, al + bl);
            carry = lo < al;
            out[0] = lo;
            out[1] = trunc_t(is64, ah + bh + carry);
        } else {
            lo = trunc_t(is64, al - bl);
            carry = al < bl;
            out[0] = lo;
            out[1] = trunc_t(is64, ah - bh - carry);
        }
        return true;
    }
    default:
        return false;
    }
    out[0] = trunc_t(is64, r);
    return true;
}

/* ---------------------------------------------------------------- */
/* Generic op cases with operand modes. */

typedef enum Mode {
    M_TEMP,     /* inputs/outputs in TB temps, moved from/to globals */
    M_GLOBAL,   /* globals used directly */
    M_CONST_B,  /* the last input a constant */
    M_CONST_A,  /* the first input a constant */
    M_CONST_AB, /* all inputs constants */
    M_SAME,     /* all inputs of input 0's type are one temp */
    M_ALIAS,    /* output 0 is the temp of input 0 */
    M_JUNK,     /* i32 inputs from extrl of i64 with a junk high half */
    M_GALIAS,   /* globals used directly, output 0 is input 0's global */
    M_COUNT
} Mode;
static const char *const mode_names[] = {
    "temp", "global", "const_b", "const_a", "const_ab", "same", "alias", "junk", "global_alias",
};

typedef struct OpCase {
    TCGOpcode opc;
    TCGType type;
    int nin, nout, ncargs;
    TCGType tin[NIN], tout[2];
    TCGArg cargs[2];
} OpCase;

static bool is_const_mode(Mode m)
{
    return m == M_CONST_A || m == M_CONST_B || m == M_CONST_AB;
}

static bool mode_applies(const OpCase *c, Mode m)
{
    bool any32 = false;

    for (int k = 0; k < c->nin; k++) {
        any32 |= c->tin[k] == TCG_TYPE_I32;
    }
    for (int k = 0; k < c->nout; k++) {
        any32 |= c->tout[k] == TCG_TYPE_I32;
    }
    switch (m) {
    case M_CONST_A:
    case M_CONST_AB:
    case M_SAME:
        return c->nin >= 2;
    case M_ALIAS:
    case M_GALIAS:
        return c->nout >= 1 && c->tout[0] == c->tin[0];
    case M_JUNK:
        return any32;
    default:
        return true;
    }
}

/* Per-input slots: which env field an input of each type reads. */
static void input_slots(const OpCase *c, int *slot)
{
    int n32 = 0, n64 = 0;
    for (int k = 0; k < c->nin; k++) {
        slot[k] = c->tin[k] == TCG_TYPE_I32 ? n32++ : n64++;
    }
}

/* Build the TB for case c in mode m; vals are used by constant modes. */
static void build_case(const OpCase *c, Mode m, const uint64_t *vals, uint64_t junk)
{
    TCGTemp *in[NIN], *out[2];
    int slot[NIN];
    TCGOp *op;
    int na = 0;

    tcg_func_start(tcg_ctx);
    input_slots(c, slot);
    for (int k = 0; k < c->nin; k++) {
        TCGType t = c->tin[k];
        bool konst = (m == M_CONST_AB) || (m == M_CONST_B && k == c->nin - 1) ||
                     (m == M_CONST_A && k == 0);
        if (konst) {
            int64_t v = t == TCG_TYPE_I32 ? (int64_t)(int32_t)vals[k] : (int64_t)vals[k];
            in[k] = tcg_constant_internal(t, v);
        } else if (m == M_GLOBAL || m == M_GALIAS) {
            in[k] = gl_in(t, slot[k]);
        } else if (m == M_SAME && k > 0 && t == c->tin[0]) {
            in[k] = in[0];
        } else if (m == M_JUNK && t == TCG_TYPE_I32) {
            /* the i32 value is the low half of i64 slot 2 + k */
            in[k] = new_temp(TCG_TYPE_I32, TEMP_EBB);
            EMIT(extrl_i64_i32, TCG_TYPE_I32, AT(in[k]), AT(gl_in(TCG_TYPE_I64, 2 + (k % 4))));
        } else {
            in[k] = new_temp(t, TEMP_TB);
            emit_mov(in[k], gl_in(t, slot[k]));
        }
    }
    for (int k = 0; k < c->nout; k++) {
        if (m == M_GALIAS && k == 0) {
            out[k] = in[0];
        } else if (m == M_GLOBAL || m == M_GALIAS) {
            out[k] = gl_out(c->tout[k], k);
        } else if (m == M_ALIAS && k == 0) {
            out[k] = in[0];
        } else {
            out[k] = new_temp(c->tout[k], k ? TEMP_TB : TEMP_EBB);
        }
    }
    op = tcg_emit_op(c->opc, c->type, c->nout + c->nin + c->ncargs);
    for (int k = 0; k < c->nout; k++) {
        op->args[na++] = AT(out[k]);
    }
    for (int k = 0; k < c->nin; k++) {
        op->args[na++] = AT(in[k]);
    }
    for (int k = 0; k < c->ncargs; k++) {
        op->args[na++] = c->cargs[k];
    }
    if (m != M_GLOBAL && m != M_GALIAS) {
        for (int k = 0; k < c->nout; k++) {
            if (m == M_JUNK && c->tout[k] == TCG_TYPE_I32) {
                EMIT(extu_i32_i64, TCG_TYPE_I64, AT(gl_out(TCG_TYPE_I64, 2 + k)), AT(out[k]));
            } else {
                emit_mov(gl_out(c->tout[k], k), out[k]);
            }
        }
    }
    emit_exit(EXIT_MAGIC);
}

/* Put vals into env for mode m; returns the effective inputs (M_SAME
 * repeats input 0, M_JUNK's i32 inputs come from i64 slots). */
static void load_inputs(const OpCase *c, Mode m, uint64_t *vals, uint64_t junk)
{
    int slot[NIN];

    input_slots(c, slot);
    memset(&env, 0xcd, offsetof(TestEnv, ptr));
    for (int k = 0; k < c->nin; k++) {
        if (m == M_SAME && k > 0 && c->tin[k] == c->tin[0]) {
            vals[k] = vals[0];
        }
        if (c->tin[k] == TCG_TYPE_I32) {
            vals[k] = (uint32_t)vals[k];
            env.i32[slot[k]] = (uint32_t)vals[k];
            if (m == M_JUNK) {
                env.i64[2 + (k % 4)] = (junk << 32) | vals[k];
            }
        } else {
            env.i64[slot[k]] = vals[k];
        }
    }
}

static bool check_outputs(const OpCase *c, Mode m, const uint64_t *vals, const char *label)
{
    uint64_t exp[2] = { 0, 0 }, got[2] = { 0, 0 };

    ref_eval(c->opc, c->type == TCG_TYPE_I64, c->cargs, vals, exp);
    for (int k = 0; k < c->nout; k++) {
        if (m == M_GALIAS && k == 0) {
            /* input 0 is the first input of its type: slot 0 */
            got[k] = c->tout[k] == TCG_TYPE_I32 ? env.i32[0] : env.i64[0];
        } else if (m == M_JUNK && c->tout[k] == TCG_TYPE_I32) {
            got[k] = env.o64[2 + k]; /* extu: the high half must be zero */
        } else if (c->tout[k] == TCG_TYPE_I32) {
            got[k] = env.o32[k];
        } else {
            got[k] = env.o64[k];
        }
        if (got[k] != exp[k]) {
            char ins[160];
            int n = 0;
            for (int i = 0; i < c->nin; i++) {
                n += snprintf(ins + n, sizeof(ins) - n, " %#" PRIx64, vals[i]);
            }
            tap_diag("%s: %s: out%d = %#" PRIx64 ", expected %#" PRIx64 " (inputs%s)",
                     cur_name, label, k, got[k], exp[k], ins);
            return false;
        }
    }
    return true;
}

/* Run case c in mode m over all vectors; false on the first mismatch. */
static bool run_case(const OpCase *c, Mode m, const char *label)
{
    size_t nint_a, nint_b;
    size_t nvec;
    const void *code = NULL;

    nint_a = c->tin[0] == TCG_TYPE_I64 ? N_INT64 : N_INT32;
    nint_b = c->nin >= 2 ? (c->tin[1] == TCG_TYPE_I64 ? N_INT64 : N_INT32) : 1;
    nvec = nint_a * nint_b + N_RANDOM;

    if (!is_const_mode(m)) {
        build_case(c, m, NULL, 0);
        code = gen(label);
        if (!code) {
            return false;
        }
    }
    for (size_t r = 0; r < nvec; r++) {
        uint64_t vals[NIN], tmp[2];
        uint64_t junk = rnd() | 0x80000001u;
        uintptr_t ret;

        for (int k = 0; k < c->nin; k++) {
            vals[k] = rnd_value(c->tin[k] == TCG_TYPE_I64);
        }
        if (r < nint_a * nint_b) {
            size_t ia = r / nint_b, ib = r % nint_b;
            vals[0] = c->tin[0] == TCG_TYPE_I64 ? interesting64[ia] : interesting32[ia];
            if (c->nin >= 2) {
                vals[1] = c->tin[1] == TCG_TYPE_I64 ? interesting64[ib] : interesting32[ib];
            }
            /* constants baked per vector: sample the pairs to stay quick */
            if (is_const_mode(m) && (r % 3) != 0) {
                continue;
            }
        }
        load_inputs(c, m, vals, junk);
        if (!ref_eval(c->opc, c->type == TCG_TYPE_I64, c->cargs, vals, tmp)) {
            continue; /* outside the op's domain */
        }
        if (is_const_mode(m)) {
            build_case(c, m, vals, junk);
            code = gen(label);
            if (!code) {
                return false;
            }
        }
        if (!run_code(code, &ret)) {
            return false;
        }
        if (ret != EXIT_MAGIC) {
            tap_diag("%s: %s: exit value %#" PRIxPTR, cur_name, label, ret);
            return false;
        }
        if (!check_outputs(c, m, vals, label)) {
            return false;
        }
    }
    return true;
}

typedef enum Shape {
    S_BIN,      /* d = a op b */
    S_UN,       /* d = op a */
    S_32_64,    /* i64 d = op i32 a */
    S_64_32,    /* i32 d = op i64 a */
    S_SETCOND,  /* d = a cond b, every condition */
    S_MOVCOND,  /* d = c1 cond c2 ? v1 : v2, every condition */
    S_DEPOSIT,  /* d = deposit(a, b, ofs, len) over positions */
    S_EXTRACT,  /* d = extract(a, ofs, len) over positions */
    S_MUL2,     /* lo, hi = a * b */
    S_ADD2,     /* lo, hi = (al, ah) op (bl, bh) */
} Shape;

typedef struct OpInfo {
    TCGOpcode opc;
    Shape shape;
    unsigned types; /* 1: i32, 2: i64 */
} OpInfo;

static const OpInfo op_table[] = {
    { INDEX_op_mov, S_UN, 3 },
    { INDEX_op_add, S_BIN, 3 },
    { INDEX_op_sub, S_BIN, 3 },
    { INDEX_op_mul, S_BIN, 3 },
    { INDEX_op_div, S_BIN, 3 },
    { INDEX_op_divu, S_BIN, 3 },
    { INDEX_op_rem, S_BIN, 3 },
    { INDEX_op_remu, S_BIN, 3 },
    { INDEX_op_and, S_BIN, 3 },
    { INDEX_op_or, S_BIN, 3 },
    { INDEX_op_xor, S_BIN, 3 },
    { INDEX_op_andc, S_BIN, 3 },
    { INDEX_op_orc, S_BIN, 3 },
    { INDEX_op_eqv, S_BIN, 3 },
    { INDEX_op_nand, S_BIN, 3 },
    { INDEX_op_nor, S_BIN, 3 },
    { INDEX_op_shl, S_BIN, 3 },
    { INDEX_op_shr, S_BIN, 3 },
    { INDEX_op_sar, S_BIN, 3 },
    { INDEX_op_rotl, S_BIN, 3 },
    { INDEX_op_rotr, S_BIN, 3 },
    { INDEX_op_neg, S_UN, 3 },
    { INDEX_op_not, S_UN, 3 },
    { INDEX_op_ext8s, S_UN, 3 },
    { INDEX_op_ext8u, S_UN, 3 },
    { INDEX_op_ext16s, S_UN, 3 },
    { INDEX_op_ext16u, S_UN, 3 },
    { INDEX_op_ext32s, S_UN, 2 },
    { INDEX_op_ext32u, S_UN, 2 },
    { INDEX_op_ext_i32_i64, S_32_64, 2 },
    { INDEX_op_extu_i32_i64, S_32_64, 2 },
    { INDEX_op_extrl_i64_i32, S_64_32, 1 },
    { INDEX_op_extrh_i64_i32, S_64_32, 1 },
    { INDEX_op_bswap16, S_UN, 3 },
    { INDEX_op_bswap32, S_UN, 3 },
    { INDEX_op_bswap64, S_UN, 2 },
    { INDEX_op_deposit, S_DEPOSIT, 3 },
    { INDEX_op_extract, S_EXTRACT, 3 },
    { INDEX_op_sextract, S_EXTRACT, 3 },
    { INDEX_op_clz, S_BIN, 3 },
    { INDEX_op_ctz, S_BIN, 3 },
    { INDEX_op_ctpop, S_UN, 3 },
    { INDEX_op_setcond, S_SETCOND, 3 },
    { INDEX_op_movcond, S_MOVCOND, 3 },
    { INDEX_op_mulu2, S_MUL2, 3 },
    { INDEX_op_muls2, S_MUL2, 3 },
    { INDEX_op_add2, S_ADD2, 3 },
    { INDEX_op_sub2, S_ADD2, 3 },
};

static const unsigned pos32[][2] = {
    { 0, 1 }, { 0, 8 }, { 0, 16 }, { 0, 31 }, { 0, 32 }, { 8, 8 },
    { 16, 16 }, { 31, 1 }, { 1, 31 }, { 4, 12 }, { 7, 9 },
};
static const unsigned pos64[][2] = {
    { 0, 1 }, { 0, 8 }, { 0, 32 }, { 0, 63 }, { 0, 64 }, { 32, 32 }, { 8, 16 },
    { 63, 1 }, { 1, 63 }, { 20, 40 }, { 16, 16 }, { 31, 2 }, { 24, 8 }, { 0, 16 },
};

static void test_op(const OpInfo *info, TCGType type, Mode m)
{
    const char *opname = tcg_op_defs[info->opc].name;
    bool is64 = type == TCG_TYPE_I64;
    TCGType other = is64 ? TCG_TYPE_I32 : TCG_TYPE_I64;
    OpCase c = { .opc = info->opc, .type = type };
    char label[96];
    bool ok = true;
    int nvariants = 1;

    switch (info->shape) {
    case S_BIN:
    case S_SETCOND:
        c.nin = 2;
        c.nout = 1;
        break;
    case S_UN:
        c.nin = 1;
        c.nout = 1;
        break;
    case S_32_64:
    case S_64_32:
        c.nin = 1;
        c.nout = 1;
        break;
    case S_MOVCOND:
        c.nin = 4;
        c.nout = 1;
        break;
    case S_DEPOSIT:
        c.nin = 2;
        c.nout = 1;
        break;
    case S_EXTRACT:
        c.nin = 1;
        c.nout = 1;
        break;
    case S_MUL2:
        c.nin = 2;
        c.nout = 2;
        break;
    case S_ADD2:
        c.nin = 4;
        c.nout = 2;
        break;
    }
    for (int k = 0; k < c.nin; k++) {
        c.tin[k] = (info->shape == S_32_64 || info->shape == S_64_32) ? other : type;
    }
    for (int k = 0; k < c.nout; k++) {
        c.tout[k] = type;
    }
    if (!mode_applies(&c, m)) {
        return;
    }
    if (info->shape == S_SETCOND || info->shape == S_MOVCOND) {
        nvariants = N_CONDS;
    } else if (info->shape == S_DEPOSIT || info->shape == S_EXTRACT) {
        nvariants = is64 ? (int)(sizeof(pos64) / sizeof(pos64[0]))
                         : (int)(sizeof(pos32) / sizeof(pos32[0]));
    }
    for (int v = 0; v < nvariants && ok; v++) {
        switch (info->shape) {
        case S_SETCOND:
        case S_MOVCOND:
            c.ncargs = 1;
            c.cargs[0] = (TCGArg)v;
            snprintf(label, sizeof(label), "%s_%s %s %s", opname, is64 ? "i64" : "i32",
                     cond_names[v], mode_names[m]);
            break;
        case S_DEPOSIT:
        case S_EXTRACT:
            c.ncargs = 2;
            c.cargs[0] = is64 ? pos64[v][0] : pos32[v][0];
            c.cargs[1] = is64 ? pos64[v][1] : pos32[v][1];
            snprintf(label, sizeof(label), "%s_%s ofs %u len %u %s", opname,
                     is64 ? "i64" : "i32", (unsigned)c.cargs[0], (unsigned)c.cargs[1],
                     mode_names[m]);
            break;
        default:
            snprintf(label, sizeof(label), "%s_%s %s", opname, is64 ? "i64" : "i32",
                     mode_names[m]);
            break;
        }
        ok = run_case(&c, m, label);
    }
    tap_ok(ok, "%s %s: %s_%s %s", cur_name, cur_opt ? "opt" : "noopt", opname,
           is64 ? "i64" : "i32", mode_names[m]);
}

static void test_all_ops(void)
{
    for (size_t i = 0; i < sizeof(op_table) / sizeof(op_table[0]); i++) {
        for (int t = 0; t < 2; t++) {
            if (!(op_table[i].types & (1u << t))) {
                continue;
            }
            for (int m = 0; m < M_COUNT; m++) {
                test_op(&op_table[i], t ? TCG_TYPE_I64 : TCG_TYPE_I32, (Mode)m);
            }
        }
    }
}

/* ---------------------------------------------------------------- */
/* Branches, labels, loops. */

static void test_brcond(void)
{
    for (int t = 0; t < 2; t++) {
        TCGType type = t ? TCG_TYPE_I64 : TCG_TYPE_I32;
        bool is64 = t;
        for (int mode = 0; mode < 4; mode++) {
            static const char *const bmodes[] = { "temp", "global", "const_b", "junk" };
            if (mode == 3 && is64) {
                continue;
            }
            bool ok = true;
            for (int cond = 0; cond < N_CONDS && ok; cond++) {
                size_t n = is64 ? N_INT64 : N_INT32;
                for (size_t r = 0; r < n * n + N_RANDOM && ok; r++) {
                    uint64_t a, b;
                    uintptr_t ret;
                    const void *code;
                    if (r < n * n) {
                        a = is64 ? interesting64[r / n] : interesting32[r / n];
                        b = is64 ? interesting64[r % n] : interesting32[r % n];
                        if (mode == 2 && r % 5) {
                            continue;
                        }
                    } else {
                        a = rnd_value(is64);
                        b = rnd_value(is64);
                    }
                    tcg_func_start(tcg_ctx);
                    TCGLabel *l_taken = gen_new_label(), *l_end = gen_new_label();
                    TCGTemp *ta, *tb;
                    if (mode == 1) {
                        ta = gl_in(type, 0);
                        tb = gl_in(type, 1);
                    } else if (mode == 3) {
                        /* i32 operands with junk in the host register's high half */
                        ta = new_temp(type, TEMP_EBB);
                        tb = new_temp(type, TEMP_EBB);
                        EMIT(extrl_i64_i32, TCG_TYPE_I32, AT(ta), A64(g_i64[2]));
                        EMIT(extrl_i64_i32, TCG_TYPE_I32, AT(tb), A64(g_i64[3]));
                    } else {
                        ta = new_temp(type, TEMP_TB);
                        emit_mov(ta, gl_in(type, 0));
                        if (mode == 2) {
                            tb = tcg_constant_internal(type, is64 ? (int64_t)b
                                                                  : (int64_t)(int32_t)b);
                        } else {
                            tb = new_temp(type, TEMP_TB);
                            emit_mov(tb, gl_in(type, 1));
                        }
                    }
                    emit_brcond(type, ta, tb, (TCGCond)cond, l_taken);
                    EMIT(mov, TCG_TYPE_I64, A64(g_o64[0]),
                         AT(tcg_constant_internal(TCG_TYPE_I64, 0x1111)));
                    emit_br(l_end);
                    emit_label(l_taken);
                    EMIT(mov, TCG_TYPE_I64, A64(g_o64[0]),
                         AT(tcg_constant_internal(TCG_TYPE_I64, 0x2222)));
                    emit_label(l_end);
                    emit_exit(EXIT_MAGIC);
                    code = gen("brcond");
                    if (!code) {
                        ok = false;
                        break;
                    }
                    env.i64[0] = a;
                    env.i64[1] = b;
                    env.i32[0] = (uint32_t)a;
                    env.i32[1] = (uint32_t)b;
                    env.i64[2] = (rnd() << 32) | (uint32_t)a;
                    env.i64[3] = (rnd() << 32) | (uint32_t)b;
                    env.o64[0] = 0;
                    if (!run_code(code, &ret)) {
                        ok = false;
                        break;
                    }
                    uint64_t exp = ref_cond((TCGCond)cond, is64, a, b) ? 0x2222 : 0x1111;
                    if (ret != EXIT_MAGIC || env.o64[0] != exp) {
                        tap_diag("%s: brcond_%s %s %s %#" PRIx64 ", %#" PRIx64
                                 ": took %#" PRIx64 ", expected %#" PRIx64,
                                 cur_name, is64 ? "i64" : "i32", cond_names[cond],
                                 bmodes[mode], a, b, env.o64[0], exp);
                        ok = false;
                    }
                }
            }
            tap_ok(ok, "%s %s: brcond_%s %s, all conditions", cur_name,
                   cur_opt ? "opt" : "noopt", is64 ? "i64" : "i32", bmodes[mode]);
        }
    }
}

/* sum = 0; for (i = n; i != 0; i--) sum += i * k; with TB temps, plus a
 * global counter incremented on every iteration. */
static void test_loop(void)
{
    bool ok = true;

    tcg_func_start(tcg_ctx);
    TCGTemp *i = new_temp(TCG_TYPE_I64, TEMP_TB);
    TCGTemp *sum = new_temp(TCG_TYPE_I64, TEMP_TB);
    TCGTemp *k = new_temp(TCG_TYPE_I32, TEMP_TB);
    TCGTemp *k64 = new_temp(TCG_TYPE_I64, TEMP_TB);
    TCGTemp *t = new_temp(TCG_TYPE_I64, TEMP_EBB);
    TCGLabel *top = gen_new_label(), *done = gen_new_label();
    TCGTemp *zero = tcg_constant_internal(TCG_TYPE_I64, 0);
    TCGTemp *one = tcg_constant_internal(TCG_TYPE_I64, 1);

    emit_mov(i, tcgv_i64_temp(g_i64[0]));
    emit_mov(k, tcgv_i32_temp(g_i32[0]));
    EMIT(ext_i32_i64, TCG_TYPE_I64, AT(k64), AT(k));
    emit_mov(sum, zero);
    emit_label(top);
    emit_brcond(TCG_TYPE_I64, i, zero, TCG_COND_EQ, done);
    EMIT(mul, TCG_TYPE_I64, AT(t), AT(i), AT(k64));
    EMIT(add, TCG_TYPE_I64, AT(sum), AT(sum), AT(t));
    EMIT(add, TCG_TYPE_I64, A64(g_counter), A64(g_counter), AT(one));
    EMIT(sub, TCG_TYPE_I64, AT(i), AT(i), AT(one));
    emit_br(top);
    emit_label(done);
    emit_mov(tcgv_i64_temp(g_o64[0]), sum);
    emit_exit(EXIT_MAGIC);

    const void *code = gen("loop");
    ok = code != NULL;
    for (uint64_t n = 0; ok && n < 300; n += 37) {
        int32_t kk = (int32_t)(n * 7) - 100;
        uintptr_t ret;
        uint64_t exp = 0;
        env.i64[0] = n;
        env.i32[0] = (uint32_t)kk;
        env.counter = 1000;
        for (uint64_t j = 1; j <= n; j++) {
            exp += j * (uint64_t)(int64_t)kk;
        }
        ok = run_code(code, &ret) && ret == EXIT_MAGIC && env.o64[0] == exp &&
             env.counter == 1000 + n;
        if (!ok) {
            tap_diag("%s: loop n=%" PRIu64 ": sum %#" PRIx64 " (expected %#" PRIx64
                     "), counter %" PRIu64,
                     cur_name, n, env.o64[0], exp, env.counter);
        }
    }
    tap_ok(ok, "%s %s: counting loop with labels, TB temps and a global", cur_name,
           cur_opt ? "opt" : "noopt");
}

/* TB temps (i32 and i64) set before a branch and used after the join,
 * on both paths, plus an EBB temp used only within the block. */
static void test_tb_temps_across_branch(void)
{
    bool ok;

    tcg_func_start(tcg_ctx);
    TCGTemp *x = new_temp(TCG_TYPE_I64, TEMP_TB);
    TCGTemp *y = new_temp(TCG_TYPE_I32, TEMP_TB);
    TCGTemp *z = new_temp(TCG_TYPE_I64, TEMP_TB);
    TCGLabel *l_else = gen_new_label(), *l_join = gen_new_label();

    EMIT(add, TCG_TYPE_I64, AT(x), A64(g_i64[0]), AT(tcg_constant_internal(TCG_TYPE_I64, 5)));
    EMIT(xor, TCG_TYPE_I32, AT(y), A32(g_i32[0]), AT(tcg_constant_internal(TCG_TYPE_I32, -1)));
    emit_brcond(TCG_TYPE_I64, tcgv_i64_temp(g_i64[1]), tcg_constant_internal(TCG_TYPE_I64, 0),
                TCG_COND_NE, l_else);
    EMIT(mul, TCG_TYPE_I64, AT(z), AT(x), AT(x));
    emit_br(l_join);
    emit_label(l_else);
    EMIT(sub, TCG_TYPE_I64, AT(z), AT(x), A64(g_i64[1]));
    emit_label(l_join);
    EMIT(add, TCG_TYPE_I64, A64(g_o64[0]), AT(z), AT(x));
    emit_mov(tcgv_i32_temp(g_o32[0]), y);
    emit_exit(EXIT_MAGIC);

    const void *code = gen("tb temps across branch");
    ok = code != NULL;
    for (int r = 0; ok && r < 40; r++) {
        uint64_t a = rnd(), b = (r & 1) ? rnd() : 0;
        uint32_t c = (uint32_t)rnd();
        uint64_t xx = a + 5, zz = b ? xx - b : xx * xx;
        uintptr_t ret;
        env.i64[0] = a;
        env.i64[1] = b;
        env.i32[0] = c;
        ok = run_code(code, &ret) && ret == EXIT_MAGIC && env.o64[0] == zz + xx &&
             env.o32[0] == ~c;
        if (!ok) {
            tap_diag("%s: a=%#" PRIx64 " b=%#" PRIx64 ": got %#" PRIx64 "/%#x", cur_name, a, b,
                     env.o64[0], env.o32[0]);
        }
    }
    tap_ok(ok, "%s %s: TB temps live across a branch", cur_name, cur_opt ? "opt" : "noopt");
}

/* Many temps live at once: more than any host has registers. */
static void test_many_temps(void)
{
    enum { N = 40 };
    TCGTemp *t[N];
    bool ok;

    tcg_func_start(tcg_ctx);
    for (int i = 0; i < N; i++) {
        t[i] = new_temp(i % 3 == 2 ? TCG_TYPE_I32 : TCG_TYPE_I64, TEMP_TB);
        if (t[i]->type == TCG_TYPE_I32) {
            EMIT(add, TCG_TYPE_I32, AT(t[i]), A32(g_i32[i % NIN]),
                 AT(tcg_constant_internal(TCG_TYPE_I32, i * 3 + 1)));
        } else {
            EMIT(mul, TCG_TYPE_I64, AT(t[i]), A64(g_i64[i % NIN]),
                 AT(tcg_constant_internal(TCG_TYPE_I64, i * 2 + 1)));
        }
    }
    /* consume in a scrambled order so every temp stays live a while */
    TCGTemp *acc = new_temp(TCG_TYPE_I64, TEMP_TB);
    TCGTemp *w = new_temp(TCG_TYPE_I64, TEMP_EBB);
    emit_mov(acc, tcg_constant_internal(TCG_TYPE_I64, 0));
    for (int j = 0; j < N; j++) {
        int i = (j * 17) % N;
        if (t[i]->type == TCG_TYPE_I32) {
            EMIT(extu_i32_i64, TCG_TYPE_I64, AT(w), AT(t[i]));
        } else {
            emit_mov(w, t[i]);
        }
        EMIT(rotl, TCG_TYPE_I64, AT(acc), AT(acc), AT(tcg_constant_internal(TCG_TYPE_I64, 7)));
        EMIT(xor, TCG_TYPE_I64, AT(acc), AT(acc), AT(w));
    }
    emit_mov(tcgv_i64_temp(g_o64[0]), acc);
    emit_exit(EXIT_MAGIC);

    const void *code = gen("many temps");
    ok = code != NULL;
    for (int r = 0; ok && r < 20; r++) {
        uint64_t vals[N], acc_ref = 0;
        uintptr_t ret;
        for (int k = 0; k < NIN; k++) {
            env.i64[k] = rnd();
            env.i32[k] = (uint32_t)rnd();
        }
        for (int i = 0; i < N; i++) {
            vals[i] = i % 3 == 2 ? (uint32_t)(env.i32[i % NIN] + (uint32_t)(i * 3 + 1))
                                 : env.i64[i % NIN] * (uint64_t)(i * 2 + 1);
        }
        for (int j = 0; j < N; j++) {
            acc_ref = ref_rotl(acc_ref, 7, true) ^ vals[(j * 17) % N];
        }
        ok = run_code(code, &ret) && ret == EXIT_MAGIC && env.o64[0] == acc_ref;
        if (!ok) {
            tap_diag("%s: many temps: %#" PRIx64 ", expected %#" PRIx64, cur_name, env.o64[0],
                     acc_ref);
        }
    }
    tap_ok(ok, "%s %s: %d live temps at once", cur_name, cur_opt ? "opt" : "noopt", N);
}

/* ---------------------------------------------------------------- */
/* Calls. */

static uint64_t call_log[TCG_MAX_CALL_IARGS];
static int call_count;

#define HELPER_MIX(n)                                                         \
    static uint64_t helper_mix##n(HELPER_PARAMS##n)                           \
    {                                                                         \
        uint64_t v[] = { HELPER_VALS##n };                                    \
        uint64_t h = 0x1234567;                                               \
        call_count++;                                                         \
        size_t nv = sizeof(v) / sizeof(v[0]);                                 \
        for (size_t i = 1; i < nv; i++) {                                     \
            call_log[i - 1] = v[i];                                           \
            h = h * 31 + v[i];                                                \
        }                                                                     \
        return h;                                                             \
    }
#define HELPER_PARAMS0 void
#define HELPER_VALS0 0
#define HELPER_PARAMS1 uint64_t a
#define HELPER_VALS1 0, a
#define HELPER_PARAMS2 uint64_t a, uint32_t b
#define HELPER_VALS2 0, a, b
#define HELPER_PARAMS3 uint64_t a, uint32_t b, uint64_t c
#define HELPER_VALS3 0, a, b, c
#define HELPER_PARAMS4 uint64_t a, uint32_t b, uint64_t c, uint64_t d
#define HELPER_VALS4 0, a, b, c, d
#define HELPER_PARAMS5 uint64_t a, uint32_t b, uint64_t c, uint64_t d, uint32_t e
#define HELPER_VALS5 0, a, b, c, d, e
#define HELPER_PARAMS6 uint64_t a, uint32_t b, uint64_t c, uint64_t d, uint32_t e, uint64_t f
#define HELPER_VALS6 0, a, b, c, d, e, f
#define HELPER_PARAMS7 HELPER_PARAMS6, uint64_t g
#define HELPER_VALS7 HELPER_VALS6, g
#define HELPER_PARAMS8 HELPER_PARAMS7, uint32_t h8
#define HELPER_VALS8 HELPER_VALS7, h8
#define HELPER_PARAMS9 HELPER_PARAMS8, uint64_t i9
#define HELPER_VALS9 HELPER_VALS8, i9
#define HELPER_PARAMS10 HELPER_PARAMS9, uint64_t j10
#define HELPER_VALS10 HELPER_VALS9, j10
HELPER_MIX(0)
HELPER_MIX(1)
HELPER_MIX(2)
HELPER_MIX(3)
HELPER_MIX(4)
HELPER_MIX(5)
HELPER_MIX(6)
HELPER_MIX(7)
HELPER_MIX(8)
HELPER_MIX(9)
HELPER_MIX(10)

static void *const helpers_mix[] = {
    (void *)helper_mix0, (void *)helper_mix1, (void *)helper_mix2, (void *)helper_mix3,
    (void *)helper_mix4, (void *)helper_mix5, (void *)helper_mix6, (void *)helper_mix7,
    (void *)helper_mix8, (void *)helper_mix9, (void *)helper_mix10,
};

/* The type of helper_mixN's arg i (odd positions 1, 4, 7 are uint32_t). */
static TCGType mix_arg_type(int i)
{
    return (i == 1 || i == 4 || i == 7) ? TCG_TYPE_I32 : TCG_TYPE_I64;
}

static uint32_t helper_ret32(uint32_t a, uint64_t b)
{
    call_count++;
    return a * 3u + (uint32_t)(b >> 32);
}

/* A helper that writes a global: the backend must reload it after. */
static void helper_bump_counter(void *envp)
{
    ((TestEnv *)envp)->counter += 100;
    call_count++;
}

static void test_calls(void)
{
    for (int nargs = 0; nargs <= TCG_MAX_CALL_IARGS; nargs++) {
        bool ok;
        TCGTemp *args[TCG_MAX_CALL_IARGS], *ret;
        TCGOp *op;

        tcg_func_start(tcg_ctx);
        /* arg sources: temps, globals and constants, mixed */
        for (int i = 0; i < nargs; i++) {
            TCGType t = mix_arg_type(i);
            if (i % 3 == 0) {
                args[i] = gl_in(t, i % NIN);
            } else if (i % 3 == 1) {
                args[i] = new_temp(t, TEMP_TB);
                emit_mov(args[i], gl_in(t, i % NIN));
            } else {
                args[i] = tcg_constant_internal(t, (int64_t)0x1000000000ll * i + i - 7);
            }
        }
        ret = new_temp(TCG_TYPE_I64, TEMP_TB);
        op = tcg_emit_op(INDEX_op_call, TCG_TYPE_I64, 1 + nargs + 2);
        op->callo = 1;
        op->calli = (uint8_t)nargs;
        op->args[0] = AT(ret);
        for (int i = 0; i < nargs; i++) {
            op->args[1 + i] = AT(args[i]);
        }
        op->args[1 + nargs] = (TCGArg)(uintptr_t)helpers_mix[nargs];
        op->args[2 + nargs] = TCG_CALL_NO_RWG;
        EMIT(add, TCG_TYPE_I64, A64(g_o64[0]), AT(ret), AT(tcg_constant_internal(TCG_TYPE_I64, 1)));
        emit_exit(EXIT_MAGIC);

        const void *code = gen("call");
        ok = code != NULL;
        for (int r = 0; ok && r < 8; r++) {
            uint64_t exp_args[TCG_MAX_CALL_IARGS], h = 0x1234567;
            uintptr_t rv;
            for (int k = 0; k < NIN; k++) {
                env.i64[k] = rnd();
                env.i32[k] = (uint32_t)rnd();
            }
            for (int i = 0; i < nargs; i++) {
                TCGType t = mix_arg_type(i);
                uint64_t v;
                if (i % 3 == 2) {
                    v = (uint64_t)(0x1000000000ll * i + i - 7);
                } else {
                    v = t == TCG_TYPE_I32 ? env.i32[i % NIN] : env.i64[i % NIN];
                }
                exp_args[i] = t == TCG_TYPE_I32 ? (uint32_t)v : v;
                h = h * 31 + exp_args[i];
            }
            call_count = 0;
            memset(call_log, 0, sizeof(call_log));
            ok = run_code(code, &rv) && rv == EXIT_MAGIC && call_count == 1 &&
                 env.o64[0] == h + 1 && memcmp(call_log, exp_args, nargs * 8) == 0;
            if (!ok) {
                tap_diag("%s: call with %d args: calls %d, result %#" PRIx64
                         " (expected %#" PRIx64 ")",
                         cur_name, nargs, call_count, env.o64[0], h + 1);
                for (int i = 0; i < nargs; i++) {
                    if (call_log[i] != exp_args[i]) {
                        tap_diag("  arg %d: %#" PRIx64 ", expected %#" PRIx64, i, call_log[i],
                                 exp_args[i]);
                    }
                }
            }
        }
        tap_ok(ok, "%s %s: call with %d args and an i64 result", cur_name,
               cur_opt ? "opt" : "noopt", nargs);
    }

    /* i32 result, live temps across the call, global written by a helper */
    {
        bool ok;
        TCGOp *op;
        tcg_func_start(tcg_ctx);
        TCGTemp *keep64 = new_temp(TCG_TYPE_I64, TEMP_TB);
        TCGTemp *keep32 = new_temp(TCG_TYPE_I32, TEMP_TB);
        TCGTemp *r32 = new_temp(TCG_TYPE_I32, TEMP_TB);
        TCGTemp *cnt = new_temp(TCG_TYPE_I64, TEMP_TB);
        EMIT(add, TCG_TYPE_I64, AT(keep64), A64(g_i64[0]), A64(g_i64[1]));
        EMIT(sub, TCG_TYPE_I32, AT(keep32), A32(g_i32[0]), A32(g_i32[1]));
        /* counter is read into a temp, bumped by the helper in env, then
         * the global is read again: it must see the helper's write */
        EMIT(add, TCG_TYPE_I64, A64(g_counter), A64(g_counter),
             AT(tcg_constant_internal(TCG_TYPE_I64, 1)));
        emit_mov(cnt, tcgv_i64_temp(g_counter));
        op = tcg_emit_op(INDEX_op_call, TCG_TYPE_I32, 4);
        op->callo = 1;
        op->calli = 2;
        op->args[0] = AT(r32);
        op->args[1] = A32(g_i32[2]);
        op->args[2] = A64(g_i64[2]);
        op->args[3] = (TCGArg)(uintptr_t)helper_ret32;
        op->args[4] = TCG_CALL_NO_RWG;
        op = tcg_emit_op(INDEX_op_call, TCG_TYPE_I64, 3);
        op->callo = 0;
        op->calli = 1;
        op->args[0] = AP(tcg_ctx->env);
        op->args[1] = (TCGArg)(uintptr_t)helper_bump_counter;
        op->args[2] = 0;
        EMIT(add, TCG_TYPE_I64, A64(g_o64[0]), AT(keep64), AT(cnt));
        EMIT(add, TCG_TYPE_I32, A32(g_o32[0]), AT(keep32), AT(r32));
        EMIT(add, TCG_TYPE_I64, A64(g_o64[1]), A64(g_counter),
             AT(tcg_constant_internal(TCG_TYPE_I64, 2)));
        emit_exit(EXIT_MAGIC);
        const void *code = gen("call i32");
        ok = code != NULL;
        for (int r = 0; ok && r < 8; r++) {
            uintptr_t rv;
            for (int k = 0; k < 3; k++) {
                env.i64[k] = rnd();
                env.i32[k] = (uint32_t)rnd();
            }
            env.counter = rnd() >> 4;
            uint64_t c0 = env.counter;
            uint64_t e64 = env.i64[0] + env.i64[1] + c0 + 1;
            uint32_t e32 = env.i32[0] - env.i32[1] +
                           (env.i32[2] * 3u + (uint32_t)(env.i64[2] >> 32));
            call_count = 0;
            ok = run_code(code, &rv) && rv == EXIT_MAGIC && call_count == 2 &&
                 env.o64[0] == e64 && env.o32[0] == e32 && env.counter == c0 + 101 &&
                 env.o64[1] == c0 + 103;
            if (!ok) {
                tap_diag("%s: calls: o64 %#" PRIx64 "/%#" PRIx64 " o32 %#x counter %" PRIu64
                         " (expected %#" PRIx64 "/%#" PRIx64 " %#x %" PRIu64 ")",
                         cur_name, env.o64[0], env.o64[1], env.o32[0], env.counter, e64,
                         c0 + 103, e32, c0 + 101);
            }
        }
        tap_ok(ok, "%s %s: i32 call result, temps live across calls, helper writes a global",
               cur_name, cur_opt ? "opt" : "noopt");
    }
}

/* ---------------------------------------------------------------- */
/* Guest memory. */

#define GUEST_ADDR 0x10000ull
#define GUEST_SIZE 4096
static uint8_t *guest_mem;

static int unaligned_calls;
static uint64_t unaligned_addr;
static uint32_t unaligned_oi;
static sigjmp_buf unaligned_jmp;
static bool unaligned_armed;

/* accel/tcg's version raises the guest fault; this one records the call
 * and, when armed, leaves the generated code the same way. */
void tcg_unaligned_access(void *envp, uint64_t addr, uint32_t oi, uintptr_t retaddr)
{
    (void)retaddr;
    unaligned_calls++;
    unaligned_addr = addr;
    unaligned_oi = oi;
    if (unaligned_armed && envp == &env) {
        /* what accel/tcg does: leave generated code for the main loop */
        in_exec = 0;
        siglongjmp(unaligned_jmp, 1);
    }
}

/* Run code with tcg_unaligned_access armed to leave it; false if it did. */
static bool run_code_armed(const void *code, uintptr_t *rv)
{
    bool returned = false;

    unaligned_calls = 0;
    unaligned_armed = true;
    if (sigsetjmp(unaligned_jmp, 1) == 0) {
        returned = run_code(code, rv);
    }
    unaligned_armed = false;
    return returned;
}

static uint64_t ref_guest_load(const uint8_t *p, MemOp mop, bool is64)
{
    unsigned size = 1u << (mop & MO_SIZE);
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        unsigned shift = (mop & MO_BSWAP) ? 8 * (size - 1 - i) : 8 * i;
        v |= (uint64_t)p[i] << shift;
    }
    if ((mop & MO_SIGN) && size < 8) {
        v = ref_sext(v, 8 * size);
    }
    return trunc_t(is64, v);
}

static void ref_guest_store(uint8_t *p, MemOp mop, uint64_t v)
{
    unsigned size = 1u << (mop & MO_SIZE);
    for (unsigned i = 0; i < size; i++) {
        unsigned shift = (mop & MO_BSWAP) ? 8 * (size - 1 - i) : 8 * i;
        p[i] = (uint8_t)(v >> shift);
    }
}

static void test_qemu_ld_st(void)
{
    tcg_ctx->guest_base = (uintptr_t)guest_mem - GUEST_ADDR;

    for (int t = 0; t < 2; t++) {
        TCGType type = t ? TCG_TYPE_I64 : TCG_TYPE_I32;
        bool is64 = t;
        for (unsigned size = MO_8; size <= (is64 ? MO_64 : MO_32); size++) {
            for (unsigned sign = 0; sign < 2; sign++) {
                for (unsigned bswap = 0; bswap < 2; bswap++) {
                    MemOp mop = (MemOp)(size | (sign ? MO_SIGN : 0) | (bswap ? MO_BSWAP : 0));
                    bool ok = true;
                    if (size == MO_8 && bswap) {
                        continue;
                    }
                    if (sign && (size == MO_64 || (!is64 && size == MO_32))) {
                        continue; /* nothing to extend into */
                    }
                    /* load: v = ld [addr]; store: st v2 -> [addr2] */
                    tcg_func_start(tcg_ctx);
                    TCGTemp *v = new_temp(type, TEMP_TB);
                    TCGTemp *addr = new_temp(TCG_TYPE_I64, TEMP_TB);
                    emit_mov(addr, tcgv_i64_temp(g_i64[0]));
                    EMIT(qemu_ld, type, AT(v), AT(addr), make_memop_idx(mop, 1));
                    emit_mov(gl_out(type, 0), v);
                    EMIT(qemu_st, type, AT(gl_in(type, 2)), A64(g_i64[1]),
                         make_memop_idx(mop, 1));
                    emit_exit(EXIT_MAGIC);
                    const void *code = gen("qemu_ld/st");
                    ok = code != NULL;
                    for (int r = 0; ok && r < 64; r++) {
                        uint8_t expect[GUEST_SIZE];
                        uint64_t a1 = GUEST_ADDR + rnd() % (GUEST_SIZE / 2 - 8);
                        uint64_t a2 = GUEST_ADDR + GUEST_SIZE / 2 + rnd() % (GUEST_SIZE / 2 - 8);
                        uint64_t sv = r < 4 ? ~0ull >> (r * 8) : rnd();
                        uintptr_t rv;
                        for (int i = 0; i < GUEST_SIZE; i++) {
                            guest_mem[i] = (uint8_t)rnd();
                        }
                        if (r & 1) {
                            guest_mem[a1 - GUEST_ADDR + (1u << size) - 1] |= 0x80;
                        }
                        memcpy(expect, guest_mem, GUEST_SIZE);
                        env.i64[0] = a1;
                        env.i64[1] = a2;
                        env.i64[2] = sv;
                        env.i32[2] = (uint32_t)sv;
                        uint64_t exp_ld = ref_guest_load(guest_mem + (a1 - GUEST_ADDR), mop, is64);
                        ref_guest_store(expect + (a2 - GUEST_ADDR), mop, trunc_t(is64, sv));
                        ok = run_code(code, &rv) && rv == EXIT_MAGIC;
                        uint64_t got = is64 ? env.o64[0] : env.o32[0];
                        if (ok && got != exp_ld) {
                            tap_diag("%s: qemu_ld mop %#x at %#" PRIx64 ": %#" PRIx64
                                     ", expected %#" PRIx64,
                                     cur_name, mop, a1, got, exp_ld);
                            ok = false;
                        }
                        if (ok && memcmp(expect, guest_mem, GUEST_SIZE) != 0) {
                            tap_diag("%s: qemu_st mop %#x of %#" PRIx64 " at %#" PRIx64
                                     ": memory differs",
                                     cur_name, mop, sv, a2);
                            ok = false;
                        }
                    }
                    tap_ok(ok, "%s %s: qemu_ld/st_%s size %u%s%s", cur_name,
                           cur_opt ? "opt" : "noopt", is64 ? "i64" : "i32", 8u << size,
                           sign ? " signed" : "", bswap ? " bswap" : "");
                }
            }
        }
    }

    /* MO_ALIGN: aligned accesses go through, misaligned ones call
     * tcg_unaligned_access with the address and oi. */
    for (int st = 0; st < 2; st++) {
        for (unsigned size = MO_16; size <= MO_64; size++) {
            MemOp mop = (MemOp)(size | MO_ALIGN);
            bool ok;
            tcg_func_start(tcg_ctx);
            if (st) {
                EMIT(qemu_st, TCG_TYPE_I64, A64(g_i64[1]), A64(g_i64[0]), make_memop_idx(mop, 2));
            } else {
                EMIT(qemu_ld, TCG_TYPE_I64, A64(g_o64[0]), A64(g_i64[0]), make_memop_idx(mop, 2));
            }
            emit_exit(EXIT_MAGIC);
            const void *code = gen("qemu_ld/st align");
            ok = code != NULL;
            for (unsigned off = 0; ok && off < 8; off++) {
                bool misaligned = (off & ((1u << size) - 1)) != 0;
                uintptr_t rv = 0;
                bool returned;
                env.i64[0] = GUEST_ADDR + 64 + off;
                env.i64[1] = 0x0102030405060708ull;
                returned = run_code_armed(code, &rv);
                if (misaligned) {
                    ok = !returned && unaligned_calls == 1 && unaligned_addr == env.i64[0] &&
                         get_memop(unaligned_oi) == mop && get_mmuidx(unaligned_oi) == 2;
                } else {
                    ok = returned && rv == EXIT_MAGIC && unaligned_calls == 0;
                }
                if (!ok) {
                    tap_diag("%s: %s size %u offset %u: returned %d, unaligned calls %d",
                             cur_name, st ? "st" : "ld", 8u << size, off, (int)returned,
                             unaligned_calls);
                }
            }
            tap_ok(ok, "%s %s: qemu_%s size %u MO_ALIGN faults only when misaligned", cur_name,
                   cur_opt ? "opt" : "noopt", st ? "st" : "ld", 8u << size);
        }
    }

    /* MO_ALIGN_16/32/64: the requirement is independent of the access
     * size (alone, and with MO_ALIGN, where the larger one wins); the
     * access itself is done with its own size. */
    for (int st = 0; st < 2; st++) {
        for (unsigned amask = 1; amask <= 3; amask++) {
            for (unsigned size = MO_8; size <= MO_64; size++) {
                for (int with_align = 0; with_align < 2; with_align++) {
                    MemOp mop = (MemOp)(size | (amask << MO_ASHIFT) | (with_align ? MO_ALIGN : 0));
                    unsigned need = 8u << amask; /* 16, 32, 64 bytes */
                    bool ok;
                    tcg_func_start(tcg_ctx);
                    if (st) {
                        EMIT(qemu_st, TCG_TYPE_I64, A64(g_i64[1]), A64(g_i64[0]),
                             make_memop_idx(mop, 2));
                    } else {
                        EMIT(qemu_ld, TCG_TYPE_I64, A64(g_o64[0]), A64(g_i64[0]),
                             make_memop_idx(mop, 2));
                    }
                    emit_exit(EXIT_MAGIC);
                    const void *code = gen("qemu_ld/st align16+");
                    ok = code != NULL && memop_align_bits(mop) == 3 + amask;
                    for (unsigned off = 0; ok && off < 128; off += (off < 16 ? 1 : 8)) {
                        bool misaligned = (off & (need - 1)) != 0;
                        uint64_t a = GUEST_ADDR + 128 + off;
                        uintptr_t rv = 0;
                        bool returned;
                        env.i64[0] = a;
                        env.i64[1] = 0x8182838485868788ull;
                        env.o64[0] = 0;
                        for (unsigned i = 0; i < 8; i++) {
                            guest_mem[a - GUEST_ADDR + i] = (uint8_t)(0x11 * (i + 1));
                        }
                        returned = run_code_armed(code, &rv);
                        if (misaligned) {
                            ok = !returned && unaligned_calls == 1 && unaligned_addr == a &&
                                 get_memop(unaligned_oi) == mop && get_mmuidx(unaligned_oi) == 2;
                        } else {
                            unsigned n = 1u << size;
                            ok = returned && rv == EXIT_MAGIC && unaligned_calls == 0;
                            for (unsigned i = 0; ok && i < 8; i++) {
                                uint8_t want = st && i < n ? (uint8_t)(0x88 - i)
                                                           : (uint8_t)(0x11 * (i + 1));
                                ok = guest_mem[a - GUEST_ADDR + i] == want;
                            }
                            if (ok && !st) {
                                uint64_t want = ref_guest_load(&guest_mem[a - GUEST_ADDR], mop,
                                                               true);
                                ok = env.o64[0] == want;
                            }
                        }
                        if (!ok) {
                            tap_diag("%s: %s mop %#x offset %u: returned %d, unaligned calls %d",
                                     cur_name, st ? "st" : "ld", mop, off, (int)returned,
                                     unaligned_calls);
                        }
                    }
                    tap_ok(ok,
                           "%s %s: qemu_%s size %u MO_ALIGN_%u%s faults unless %u-byte aligned",
                           cur_name, cur_opt ? "opt" : "noopt", st ? "st" : "ld", 8u << size,
                           need, with_align ? "|MO_ALIGN" : "", need);
                }
            }
        }
    }
    tcg_ctx->guest_base = 0;
}

/* Host loads and stores relative to env and to a pointer loaded from env. */
static void test_host_ld_st(void)
{
    static const TCGOpcode lds[] = {
        INDEX_op_ld8u, INDEX_op_ld8s, INDEX_op_ld16u, INDEX_op_ld16s,
        INDEX_op_ld32u, INDEX_op_ld32s, INDEX_op_ld,
    };
    static const TCGOpcode sts[] = { INDEX_op_st8, INDEX_op_st16, INDEX_op_st32, INDEX_op_st };

    for (int t = 0; t < 2; t++) {
        TCGType type = t ? TCG_TYPE_I64 : TCG_TYPE_I32;
        bool is64 = t;
        for (size_t i = 0; i < sizeof(lds) / sizeof(lds[0]); i++) {
            TCGOpcode opc = lds[i];
            bool ok = true;
            if (!is64 && (opc == INDEX_op_ld32u || opc == INDEX_op_ld32s)) {
                continue;
            }
            for (int via_ptr = 0; via_ptr < 2 && ok; via_ptr++) {
                for (int ofs = 0; ofs < 16 && ok; ofs += 3) {
                    TCGOp *op;
                    uintptr_t rv;
                    tcg_func_start(tcg_ctx);
                    TCGTemp *base = tcgv_ptr_temp(tcg_ctx->env);
                    intptr_t disp = offsetof(TestEnv, mem) + ofs;
                    if (via_ptr) {
                        base = new_temp(TCG_TYPE_PTR, TEMP_TB);
                        emit_mov(base, tcgv_ptr_temp(g_ptr));
                        disp = ofs - 5;
                    }
                    TCGTemp *d = new_temp(type, TEMP_TB);
                    op = tcg_emit_op(opc, type, 3);
                    op->args[0] = AT(d);
                    op->args[1] = AT(base);
                    op->args[2] = (TCGArg)disp;
                    emit_mov(gl_out(type, 0), d);
                    emit_exit(EXIT_MAGIC);
                    const void *code = gen("host ld");
                    if (!code) {
                        ok = false;
                        break;
                    }
                    for (int k = 0; k < 64; k++) {
                        env.mem[k] = (uint8_t)rnd();
                    }
                    env.ptr = (uintptr_t)env.mem + 5;
                    unsigned size = opc == INDEX_op_ld ? (is64 ? 8 : 4)
                                    : (opc <= INDEX_op_ld8s ? 1 : opc <= INDEX_op_ld16s ? 2 : 4);
                    bool sgn = opc == INDEX_op_ld8s || opc == INDEX_op_ld16s ||
                               opc == INDEX_op_ld32s;
                    uint64_t exp = ref_guest_load(env.mem + ofs,
                                                  (MemOp)((size == 8 ? 3 : size == 4 ? 2
                                                           : size == 2 ? 1 : 0) |
                                                          (sgn ? MO_SIGN : 0)), is64);
                    ok = run_code(code, &rv) && rv == EXIT_MAGIC &&
                         (is64 ? env.o64[0] : env.o32[0]) == exp;
                    if (!ok) {
                        tap_diag("%s: %s_%s ofs %d%s: %#" PRIx64 ", expected %#" PRIx64,
                                 cur_name, tcg_op_defs[opc].name, is64 ? "i64" : "i32", ofs,
                                 via_ptr ? " via ptr" : "",
                                 is64 ? env.o64[0] : (uint64_t)env.o32[0], exp);
                    }
                }
            }
            tap_ok(ok, "%s %s: %s_%s", cur_name, cur_opt ? "opt" : "noopt",
                   tcg_op_defs[opc].name, is64 ? "i64" : "i32");
        }
        for (size_t i = 0; i < sizeof(sts) / sizeof(sts[0]); i++) {
            TCGOpcode opc = sts[i];
            bool ok = true;
            if (!is64 && opc == INDEX_op_st32) {
                continue;
            }
            for (int via_ptr = 0; via_ptr < 2 && ok; via_ptr++) {
                for (int ofs = 0; ofs < 16 && ok; ofs += 5) {
                    TCGOp *op;
                    uintptr_t rv;
                    uint8_t expect[64];
                    tcg_func_start(tcg_ctx);
                    TCGTemp *base = tcgv_ptr_temp(tcg_ctx->env);
                    intptr_t disp = offsetof(TestEnv, mem) + ofs;
                    if (via_ptr) {
                        base = new_temp(TCG_TYPE_PTR, TEMP_TB);
                        emit_mov(base, tcgv_ptr_temp(g_ptr));
                        disp = ofs + 3;
                    }
                    TCGTemp *v = new_temp(type, TEMP_TB);
                    emit_mov(v, gl_in(type, 0));
                    op = tcg_emit_op(opc, type, 3);
                    op->args[0] = AT(v);
                    op->args[1] = AT(base);
                    op->args[2] = (TCGArg)disp;
                    emit_exit(EXIT_MAGIC);
                    const void *code = gen("host st");
                    if (!code) {
                        ok = false;
                        break;
                    }
                    for (int k = 0; k < 64; k++) {
                        env.mem[k] = (uint8_t)rnd();
                    }
                    env.ptr = (uintptr_t)env.mem - 3;
                    env.i64[0] = rnd();
                    env.i32[0] = (uint32_t)rnd();
                    memcpy(expect, env.mem, 64);
                    unsigned size = opc == INDEX_op_st8 ? 1 : opc == INDEX_op_st16 ? 2
                                    : opc == INDEX_op_st32 ? 4 : (is64 ? 8 : 4);
                    ref_guest_store(expect + ofs, (MemOp)(size == 8 ? 3 : size == 4 ? 2
                                                          : size == 2 ? 1 : 0),
                                    is64 ? env.i64[0] : env.i32[0]);
                    ok = run_code(code, &rv) && rv == EXIT_MAGIC &&
                         memcmp(expect, env.mem, 64) == 0;
                    if (!ok) {
                        tap_diag("%s: %s_%s ofs %d%s: memory differs", cur_name,
                                 tcg_op_defs[opc].name, is64 ? "i64" : "i32", ofs,
                                 via_ptr ? " via ptr" : "");
                    }
                }
            }
            tap_ok(ok, "%s %s: %s_%s", cur_name, cur_opt ? "opt" : "noopt",
                   tcg_op_defs[opc].name, is64 ? "i64" : "i32");
        }
    }
}

/* ---------------------------------------------------------------- */
/* Block exits, chaining, insn bookkeeping. */

static void test_exit_tb(void)
{
    static const uintptr_t vals[] = { 0, 1, 3, EXIT_MAGIC, 0x7ffff0001234ull | 2,
                                      UINTPTR_MAX & ~(uintptr_t)0xf };
    bool ok = true;

    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]) && ok; i++) {
        uintptr_t rv;
        tcg_func_start(tcg_ctx);
        emit_exit(vals[i]);
        const void *code = gen("exit_tb");
        ok = code && run_code(code, &rv) && rv == vals[i];
        if (!ok) {
            tap_diag("%s: exit_tb %#" PRIxPTR " failed", cur_name, vals[i]);
        }
    }
    tap_ok(ok, "%s %s: exit_tb returns its value", cur_name, cur_opt ? "opt" : "noopt");
}

/* Block B: o64[1] = i64[1] + 7; exit_tb B_EXIT. */
#define B_EXIT 0x0b0b1u
static const void *gen_block_b(size_t at)
{
    tcg_func_start(tcg_ctx);
    EMIT(add, TCG_TYPE_I64, A64(g_o64[1]), A64(g_i64[1]),
         AT(tcg_constant_internal(TCG_TYPE_I64, 7)));
    emit_exit(B_EXIT);
    return gen_at(at, "block B");
}

static void test_goto_tb(void)
{
    for (int n = 0; n < 2; n++) {
        bool ok;
        uintptr_t rv;
        TCGGenResult res_a;

        /* block A: o64[0] = i64[0] ^ 0x55; goto_tb n; exit_tb A_EXIT */
        tcg_func_start(tcg_ctx);
        EMIT(xor, TCG_TYPE_I64, A64(g_o64[0]), A64(g_i64[0]),
             AT(tcg_constant_internal(TCG_TYPE_I64, 0x55)));
        if (n == 1) {
            /* two exits; the branch always goes to the second */
            TCGLabel *l = gen_new_label();
            emit_brcond(TCG_TYPE_I64, tcgv_i64_temp(g_i64[0]), tcgv_i64_temp(g_i64[0]),
                        TCG_COND_EQ, l);
            EMIT(goto_tb, TCG_TYPE_I64, 0);
            emit_exit(0xdead0);
            emit_label(l);
            EMIT(goto_tb, TCG_TYPE_I64, 1);
            emit_exit(0xa0a0 | 1);
        } else {
            EMIT(goto_tb, TCG_TYPE_I64, 0);
            emit_exit(0xa0a0);
        }
        const uint8_t *a = gen_at(0, "block A");
        res_a = gen_res;
        const uint8_t *b = gen_block_b(65536);
        ok = a && b;
        uintptr_t a_exit = n == 1 ? 0xa0a1 : 0xa0a0;
        if (ok) {
            /* unchained: falls through to A's exit_tb */
            env.i64[0] = 0x1234;
            env.i64[1] = 100;
            env.o64[1] = 0;
            ok = run_code(a, &rv) && rv == a_exit && env.o64[0] == (0x1234 ^ 0x55) &&
                 env.o64[1] == 0;
            if (!ok) {
                tap_diag("%s: goto_tb %d unchained: exit %#" PRIxPTR, cur_name, n, rv);
            }
        }
        if (ok) {
            cur_be->set_jmp_target((uintptr_t)a + res_a.jmp_insn_offset[n], (uintptr_t)b);
            env.i64[0] = 0x4321;
            ok = run_code(a, &rv) && rv == B_EXIT && env.o64[0] == (0x4321 ^ 0x55) &&
                 env.o64[1] == 107;
            if (!ok) {
                tap_diag("%s: goto_tb %d chained: exit %#" PRIxPTR " o64 %#" PRIx64 "/%#" PRIx64,
                         cur_name, n, rv, env.o64[0], env.o64[1]);
            }
        }
        if (ok) {
            /* unchain again: back to the reset address */
            cur_be->set_jmp_target((uintptr_t)a + res_a.jmp_insn_offset[n],
                                   (uintptr_t)a + res_a.jmp_reset_offset[n]);
            env.o64[1] = 0;
            ok = run_code(a, &rv) && rv == a_exit && env.o64[1] == 0;
            if (!ok) {
                tap_diag("%s: goto_tb %d reset: exit %#" PRIxPTR, cur_name, n, rv);
            }
        }
        tap_ok(ok, "%s %s: goto_tb chaining via set_jmp_target (%s)", cur_name,
               cur_opt ? "opt" : "noopt", n ? "second exit of two" : "single exit");
    }
}

static void test_goto_ptr(void)
{
    bool ok;
    uintptr_t rv;

    const void *b = gen_block_b(65536);
    tcg_func_start(tcg_ctx);
    TCGTemp *p = new_temp(TCG_TYPE_PTR, TEMP_EBB);
    EMIT(add, TCG_TYPE_I64, A64(g_o64[0]), A64(g_i64[0]), A64(g_i64[0]));
    emit_mov(p, tcgv_ptr_temp(g_ptr));
    EMIT(goto_ptr, TCG_TYPE_I64, AT(p));
    const void *a = gen("goto_ptr");
    ok = a && b;
    if (ok) {
        env.ptr = (uintptr_t)tcg_ctx->code_gen_epilogue;
        env.i64[0] = 21;
        env.o64[0] = 0;
        ok = run_code(a, &rv) && rv == 0 && env.o64[0] == 42;
        tap_ok(ok, "%s %s: goto_ptr to the epilogue returns 0", cur_name,
               cur_opt ? "opt" : "noopt");
        env.ptr = (uintptr_t)b;
        env.i64[1] = 5;
        ok = run_code(a, &rv) && rv == B_EXIT && env.o64[1] == 12;
        tap_ok(ok, "%s %s: goto_ptr to another block runs it", cur_name,
               cur_opt ? "opt" : "noopt");
    } else {
        tap_ok(false, "%s %s: goto_ptr blocks generated", cur_name, cur_opt ? "opt" : "noopt");
    }
}

/* insn_start bookkeeping and unwind_pc from a helper's return address. */
static int unwind_insn = -2;
static const uint8_t *unwind_code;

static __attribute__((noinline)) void helper_where(void)
{
    uintptr_t pc = cur_be->unwind_pc((uintptr_t)__builtin_return_address(0));
    unwind_insn = -1;
    for (int i = 0; i < gen_res.nb_insns; i++) {
        if ((uintptr_t)unwind_code + gen_res.insn_end_off[i] > pc - 1) {
            unwind_insn = i;
            break;
        }
    }
}

static void test_insn_start(void)
{
    bool ok = true;
    uintptr_t rv;
    TCGOp *op;

    tcg_func_start(tcg_ctx);
    EMIT(insn_start, TCG_TYPE_I64, 0x401000, 0);
    EMIT(add, TCG_TYPE_I64, A64(g_o64[0]), A64(g_i64[0]), A64(g_i64[1]));
    EMIT(insn_start, TCG_TYPE_I64, 0x401003, 7);
    EMIT(mb, TCG_TYPE_I64, TCG_MO_ALL | TCG_BAR_SC);
    EMIT(xor, TCG_TYPE_I64, A64(g_o64[1]), A64(g_i64[0]), A64(g_i64[1]));
    op = tcg_emit_op(INDEX_op_call, TCG_TYPE_I64, 2);
    op->args[0] = (TCGArg)(uintptr_t)helper_where;
    op->args[1] = TCG_CALL_NO_RWG;
    EMIT(sub, TCG_TYPE_I64, A64(g_o64[2]), A64(g_i64[0]), A64(g_i64[1]));
    EMIT(insn_start, TCG_TYPE_I64, 0x401008, 0x55);
    EMIT(nop, TCG_TYPE_I64, 0);
    EMIT(mul, TCG_TYPE_I64, A64(g_o64[3]), A64(g_i64[0]), A64(g_i64[1]));
    emit_exit(EXIT_MAGIC);
    unwind_code = gen("insn_start");
    ok = unwind_code != NULL;
    if (ok) {
        int size = (int)gen_res.insn_end_off[2];
        ok = gen_res.nb_insns == 3 && gen_res.insn_data[0][0] == 0x401000 &&
             gen_res.insn_data[1][0] == 0x401003 && gen_res.insn_data[1][1] == 7 &&
             gen_res.insn_data[2][0] == 0x401008 && gen_res.insn_data[2][1] == 0x55 &&
             gen_res.insn_end_off[0] <= gen_res.insn_end_off[1] &&
             gen_res.insn_end_off[1] <= gen_res.insn_end_off[2] && size > 0;
        if (!ok) {
            tap_diag("%s: nb_insns %d ends %u %u %u", cur_name, gen_res.nb_insns,
                     gen_res.insn_end_off[0], gen_res.insn_end_off[1], gen_res.insn_end_off[2]);
        }
    }
    tap_ok(ok, "%s %s: insn_start data and end offsets", cur_name, cur_opt ? "opt" : "noopt");
    if (ok) {
        env.i64[0] = 9;
        env.i64[1] = 4;
        unwind_insn = -2;
        ok = run_code(unwind_code, &rv) && rv == EXIT_MAGIC && env.o64[0] == 13 &&
             env.o64[1] == (9 ^ 4) && env.o64[2] == 5 && env.o64[3] == 36 && unwind_insn == 1;
        if (!ok) {
            tap_diag("%s: unwind found insn %d (expected 1)", cur_name, unwind_insn);
        }
    }
    tap_ok(ok, "%s %s: unwind_pc maps a helper's return address to its insn", cur_name,
           cur_opt ? "opt" : "noopt");
}

/* discard and nop do nothing; a TB temp discarded then rewritten. */
static void test_misc(void)
{
    bool ok;
    uintptr_t rv;

    tcg_func_start(tcg_ctx);
    TCGTemp *t = new_temp(TCG_TYPE_I64, TEMP_TB);
    emit_mov(t, tcgv_i64_temp(g_i64[0]));
    EMIT(discard, TCG_TYPE_I64, AT(t));
    EMIT(nop, TCG_TYPE_I64, 0);
    EMIT(mb, TCG_TYPE_I64, TCG_MO_ALL);
    EMIT(neg, TCG_TYPE_I64, AT(t), A64(g_i64[1]));
    emit_mov(tcgv_i64_temp(g_o64[0]), t);
    emit_exit(EXIT_MAGIC);
    const void *code = gen("misc");
    env.i64[0] = 1;
    env.i64[1] = 77;
    ok = code && run_code(code, &rv) && rv == EXIT_MAGIC && env.o64[0] == (uint64_t)-77;
    tap_ok(ok, "%s %s: nop, discard and mb", cur_name, cur_opt ? "opt" : "noopt");
}

/* ---------------------------------------------------------------- */
/* Random programs: many ops over a pool of TB temps and globals, with
 * forward branches and calls, run on the backend and on a reference
 * executor here; the whole env must match afterwards. This is what
 * exercises a register allocator: pressure, spills, BB ends, reloads
 * after calls, outputs aliasing inputs. */

enum { RP_GLOBALS = 2 * NIN + 2 * NOUT + 1, RP_T64 = 12, RP_T32 = 8,
       RP_VALS = RP_GLOBALS + RP_T64 + RP_T32, RP_MAX_INSNS = 96, RP_MAX_CONSTS = 4 * RP_MAX_INSNS };

typedef struct RVal {
    TCGType type;
    bool is_global;
    intptr_t offset; /* globals: in env */
    TCGTemp *t;
} RVal;

typedef enum RKind { RK_OP, RK_BRCOND, RK_LABEL, RK_CALL_MIX, RK_CALL_BUMP } RKind;

typedef struct RInsn {
    RKind kind;
    TCGOpcode opc;
    TCGType type;
    int nin, nout, ncargs;
    int in[4], out[2]; /* value ids; >= RP_VALS: constant (id - RP_VALS) */
    TCGArg cargs[2];
    int label;
} RInsn;

static RVal rp_vals[RP_VALS];
static uint64_t rp_consts[RP_MAX_CONSTS];
static TCGType rp_const_types[RP_MAX_CONSTS];
static int rp_nconsts;
static RInsn rp_prog[RP_MAX_INSNS + 16];
static int rp_len;

static uint64_t helper_rmix(uint64_t a, uint32_t b, uint64_t c)
{
    return (a ^ ((uint64_t)b << 17)) * 0x9e3779b97f4a7c15ull + c;
}

/* A random operand of type t: a temp, a global or a new constant. */
static int rp_pick(TCGType t, bool allow_const)
{
    unsigned r = (unsigned)(rnd() % 16);
    if (allow_const && r < 3 && rp_nconsts < RP_MAX_CONSTS) {
        rp_consts[rp_nconsts] = rnd_value(t == TCG_TYPE_I64);
        rp_const_types[rp_nconsts] = t;
        return RP_VALS + rp_nconsts++;
    }
    for (;;) {
        int id = (int)(rnd() % RP_VALS);
        /* prefer temps: they are what the allocator juggles */
        if (rp_vals[id].is_global && r < 10) {
            continue;
        }
        if (rp_vals[id].type == t) {
            return id;
        }
    }
}

static void rp_generate(void)
{
    int pending[8], npending = 0, nlabels = 0;

    rp_len = 0;
    rp_nconsts = 0;
    while (rp_len < RP_MAX_INSNS) {
        RInsn *in = &rp_prog[rp_len];
        unsigned r = (unsigned)(rnd() % 100);

        memset(in, 0, sizeof(*in));
        /* place due labels first (forward branches only: no loops) */
        if (npending && rnd() % 4 == 0) {
            in->kind = RK_LABEL;
            in->label = pending[--npending];
            rp_len++;
            continue;
        }
        if (r < 8 && npending < 8) {
            in->kind = RK_BRCOND;
            in->type = rnd() & 1 ? TCG_TYPE_I64 : TCG_TYPE_I32;
            in->nin = 2;
            in->in[0] = rp_pick(in->type, false);
            in->in[1] = rp_pick(in->type, true);
            in->cargs[0] = rnd() % N_CONDS;
            in->label = nlabels;
            pending[npending++] = nlabels++;
        } else if (r < 11) {
            in->kind = RK_CALL_MIX;
            in->nin = 3;
            in->in[0] = rp_pick(TCG_TYPE_I64, true);
            in->in[1] = rp_pick(TCG_TYPE_I32, true);
            in->in[2] = rp_pick(TCG_TYPE_I64, true);
            in->nout = 1;
            in->out[0] = rp_pick(TCG_TYPE_I64, false);
        } else if (r < 13) {
            in->kind = RK_CALL_BUMP;
        } else {
            const OpInfo *info;
            TCGType type;
            do {
                info = &op_table[rnd() % (sizeof(op_table) / sizeof(op_table[0]))];
                type = rnd() & 1 ? TCG_TYPE_I64 : TCG_TYPE_I32;
            } while (!(info->types & (type == TCG_TYPE_I64 ? 2u : 1u)) ||
                     info->opc == INDEX_op_div || info->opc == INDEX_op_divu ||
                     info->opc == INDEX_op_rem || info->opc == INDEX_op_remu);
            TCGType other = type == TCG_TYPE_I64 ? TCG_TYPE_I32 : TCG_TYPE_I64;
            TCGType tin = (info->shape == S_32_64 || info->shape == S_64_32) ? other : type;
            in->kind = RK_OP;
            in->opc = info->opc;
            in->type = type;
            in->nout = (info->shape == S_MUL2 || info->shape == S_ADD2) ? 2 : 1;
            switch (info->shape) {
            case S_UN: case S_32_64: case S_64_32: case S_EXTRACT: in->nin = 1; break;
            case S_MOVCOND: case S_ADD2: in->nin = 4; break;
            default: in->nin = 2; break;
            }
            for (int k = 0; k < in->nin; k++) {
                in->in[k] = rp_pick(tin, true);
            }
            in->out[0] = rp_pick(type, false);
            if (in->nout == 2) {
                do {
                    in->out[1] = rp_pick(type, false);
                } while (in->out[1] == in->out[0]);
            }
            if (info->shape == S_SETCOND || info->shape == S_MOVCOND) {
                in->ncargs = 1;
                in->cargs[0] = rnd() % N_CONDS;
            } else if (info->shape == S_DEPOSIT || info->shape == S_EXTRACT) {
                unsigned w = type == TCG_TYPE_I64 ? 64 : 32;
                unsigned len = 1 + (unsigned)(rnd() % w);
                in->ncargs = 2;
                in->cargs[0] = rnd() % (w - len + 1);
                in->cargs[1] = len;
            }
        }
        rp_len++;
    }
    while (npending) {
        RInsn *in = &rp_prog[rp_len++];
        memset(in, 0, sizeof(*in));
        in->kind = RK_LABEL;
        in->label = pending[--npending];
    }
}

static TCGTemp *rp_temp(int id)
{
    if (id >= RP_VALS) {
        TCGType t = rp_const_types[id - RP_VALS];
        uint64_t v = rp_consts[id - RP_VALS];
        return tcg_constant_internal(t, t == TCG_TYPE_I32 ? (int64_t)(int32_t)v : (int64_t)v);
    }
    return rp_vals[id].t;
}

/* The value pool: globals, then TB temps (created by rp_emit). */
static void rp_init_vals(void)
{
    int nv = 0;

    for (int i = 0; i < NIN; i++) {
        rp_vals[nv++] = (RVal){ TCG_TYPE_I64, true, offsetof(TestEnv, i64) + 8 * i,
                                tcgv_i64_temp(g_i64[i]) };
        rp_vals[nv++] = (RVal){ TCG_TYPE_I32, true, offsetof(TestEnv, i32) + 4 * i,
                                tcgv_i32_temp(g_i32[i]) };
    }
    for (int i = 0; i < NOUT; i++) {
        rp_vals[nv++] = (RVal){ TCG_TYPE_I64, true, offsetof(TestEnv, o64) + 8 * i,
                                tcgv_i64_temp(g_o64[i]) };
        rp_vals[nv++] = (RVal){ TCG_TYPE_I32, true, offsetof(TestEnv, o32) + 4 * i,
                                tcgv_i32_temp(g_o32[i]) };
    }
    rp_vals[nv++] = (RVal){ TCG_TYPE_I64, true, offsetof(TestEnv, counter),
                            tcgv_i64_temp(g_counter) };
    for (int i = 0; i < RP_T64 + RP_T32; i++) {
        TCGType t = i < RP_T64 ? TCG_TYPE_I64 : TCG_TYPE_I32;
        rp_vals[nv++] = (RVal){ t, false, 0, NULL };
    }
}

/* Emit the program; temps get their first values from input globals. */
static void rp_emit(void)
{
    TCGLabel *labels[RP_MAX_INSNS];

    tcg_func_start(tcg_ctx);
    for (int i = 0; i < RP_T64 + RP_T32; i++) {
        RVal *v = &rp_vals[RP_GLOBALS + i];
        v->t = new_temp(v->type, TEMP_TB);
        emit_mov(v->t, gl_in(v->type, i % NIN));
    }
    for (int i = 0; i < RP_MAX_INSNS; i++) {
        labels[i] = gen_new_label();
    }
    for (int i = 0; i < rp_len; i++) {
        const RInsn *in = &rp_prog[i];
        TCGOp *op;
        int na = 0;
        switch (in->kind) {
        case RK_LABEL:
            emit_label(labels[in->label]);
            break;
        case RK_BRCOND:
            emit_brcond(in->type, rp_temp(in->in[0]), rp_temp(in->in[1]), (TCGCond)in->cargs[0],
                        labels[in->label]);
            break;
        case RK_CALL_MIX:
            op = tcg_emit_op(INDEX_op_call, TCG_TYPE_I64, 6);
            op->callo = 1;
            op->calli = 3;
            op->args[0] = AT(rp_temp(in->out[0]));
            for (int k = 0; k < 3; k++) {
                op->args[1 + k] = AT(rp_temp(in->in[k]));
            }
            op->args[4] = (TCGArg)(uintptr_t)helper_rmix;
            op->args[5] = TCG_CALL_NO_RWG;
            break;
        case RK_CALL_BUMP:
            op = tcg_emit_op(INDEX_op_call, TCG_TYPE_I64, 3);
            op->callo = 0;
            op->calli = 1;
            op->args[0] = AP(tcg_ctx->env);
            op->args[1] = (TCGArg)(uintptr_t)helper_bump_counter;
            op->args[2] = 0;
            break;
        case RK_OP:
            op = tcg_emit_op(in->opc, in->type, in->nout + in->nin + in->ncargs);
            for (int k = 0; k < in->nout; k++) {
                op->args[na++] = AT(rp_temp(in->out[k]));
            }
            for (int k = 0; k < in->nin; k++) {
                op->args[na++] = AT(rp_temp(in->in[k]));
            }
            for (int k = 0; k < in->ncargs; k++) {
                op->args[na++] = in->cargs[k];
            }
            break;
        }
    }
    /* dump the temps: host stores relative to env */
    for (int i = 0; i < RP_T64 + RP_T32; i++) {
        TCGTemp *t = rp_vals[RP_GLOBALS + i].t;
        EMIT(st, t->type, AT(t), AP(tcg_ctx->env), offsetof(TestEnv, dump) + 8 * i);
    }
    emit_exit(EXIT_MAGIC);
}

/* The reference executor, on a copy of env. */
static uint64_t rp_read(TestEnv *e, const uint64_t *temps, int id)
{
    if (id >= RP_VALS) {
        uint64_t v = rp_consts[id - RP_VALS];
        return rp_const_types[id - RP_VALS] == TCG_TYPE_I32 ? (uint32_t)v : v;
    }
    if (rp_vals[id].is_global) {
        uint64_t v = 0;
        memcpy(&v, (uint8_t *)e + rp_vals[id].offset, rp_vals[id].type == TCG_TYPE_I32 ? 4 : 8);
        return v;
    }
    return temps[id - RP_GLOBALS];
}

static void rp_write(TestEnv *e, uint64_t *temps, int id, uint64_t v)
{
    if (rp_vals[id].type == TCG_TYPE_I32) {
        v = (uint32_t)v;
    }
    if (rp_vals[id].is_global) {
        memcpy((uint8_t *)e + rp_vals[id].offset, &v, rp_vals[id].type == TCG_TYPE_I32 ? 4 : 8);
    } else {
        temps[id - RP_GLOBALS] = v;
    }
}

static void rp_reference(TestEnv *e)
{
    uint64_t temps[RP_T64 + RP_T32];

    for (int i = 0; i < RP_T64 + RP_T32; i++) {
        temps[i] = i < RP_T64 ? e->i64[i % NIN] : e->i32[i % NIN];
    }
    for (int i = 0; i < rp_len; i++) {
        const RInsn *in = &rp_prog[i];
        uint64_t vin[4] = { 0 }, vout[2] = { 0 };
        for (int k = 0; k < in->nin; k++) {
            vin[k] = rp_read(e, temps, in->in[k]);
        }
        switch (in->kind) {
        case RK_LABEL:
            break;
        case RK_BRCOND:
            if (ref_cond((TCGCond)in->cargs[0], in->type == TCG_TYPE_I64, vin[0], vin[1])) {
                while (!(rp_prog[i].kind == RK_LABEL && rp_prog[i].label == in->label)) {
                    i++;
                }
            }
            break;
        case RK_CALL_MIX:
            rp_write(e, temps, in->out[0], helper_rmix(vin[0], (uint32_t)vin[1], vin[2]));
            break;
        case RK_CALL_BUMP:
            e->counter += 100;
            break;
        case RK_OP:
            ref_eval(in->opc, in->type == TCG_TYPE_I64, in->cargs, vin, vout);
            for (int k = 0; k < in->nout; k++) {
                rp_write(e, temps, in->out[k], vout[k]);
            }
            break;
        }
    }
    for (int i = 0; i < RP_T64 + RP_T32; i++) {
        memcpy(&e->dump[i], &temps[i], i < RP_T64 ? 8 : 4);
    }
}

static void test_random_programs(void)
{
    enum { NPROG = 150 };
    bool ok = true;

    for (int p = 0; p < NPROG && ok; p++) {
        uint64_t seed = rng_state;
        rp_init_vals();
        rp_generate();
        rp_emit();
        const void *code = gen("random program");
        ok = code != NULL;
        for (int r = 0; ok && r < 4; r++) {
            TestEnv expect;
            uintptr_t rv;
            for (size_t k = 0; k < sizeof(env); k++) {
                ((uint8_t *)&env)[k] = (uint8_t)rnd();
            }
            for (int k = 0; k < NIN; k++) {
                env.i64[k] = rnd_value(true);
                env.i32[k] = (uint32_t)rnd_value(false);
            }
            memcpy(&expect, &env, sizeof(env));
            rp_reference(&expect);
            call_count = 0;
            ok = run_code(code, &rv) && rv == EXIT_MAGIC;
            if (ok && memcmp(&expect, &env, sizeof(env)) != 0) {
                ok = false;
                tap_diag("%s: random program %d (rng state %#" PRIx64 ") run %d differs:",
                         cur_name, p, seed, r);
                for (size_t k = 0; k < sizeof(env) / 8; k++) {
                    uint64_t a, b;
                    memcpy(&a, (uint8_t *)&expect + 8 * k, 8);
                    memcpy(&b, (uint8_t *)&env + 8 * k, 8);
                    if (a != b) {
                        tap_diag("  env+%zu: %#" PRIx64 ", expected %#" PRIx64, 8 * k, b, a);
                    }
                }
            }
        }
    }
    tap_ok(ok, "%s %s: %d random programs (temps, globals, branches, calls) match the reference",
           cur_name, cur_opt ? "opt" : "noopt", NPROG);
}

/* TCI only: the bytecode listing decodes every instruction kind. */
static void test_tci_disas(void)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f;
    bool ok, trunc_ok;
    TCGOp *op;

    tcg_func_start(tcg_ctx);
    TCGLabel *l = gen_new_label();
    TCGTemp *t = new_temp(TCG_TYPE_I64, TEMP_TB);
    TCGTemp *r32 = new_temp(TCG_TYPE_I32, TEMP_TB);
    EMIT(add, TCG_TYPE_I64, AT(t), A64(g_i64[0]),
         AT(tcg_constant_internal(TCG_TYPE_I64, 0x123456789abcll)));
    emit_brcond(TCG_TYPE_I64, t, tcgv_i64_temp(g_i64[1]), TCG_COND_LTU, l);
    EMIT(deposit, TCG_TYPE_I32, A32(g_o32[0]), A32(g_i32[0]), A32(g_i32[1]), 4, 8);
    EMIT(setcond, TCG_TYPE_I64, A64(g_o64[1]), AT(t), A64(g_i64[1]), TCG_COND_GT);
    op = tcg_emit_op(INDEX_op_call, TCG_TYPE_I32, 5);
    op->callo = 1;
    op->calli = 2;
    op->args[0] = AT(r32);
    op->args[1] = A32(g_i32[2]);
    op->args[2] = A64(g_i64[2]);
    op->args[3] = (TCGArg)(uintptr_t)helper_ret32;
    op->args[4] = TCG_CALL_NO_RWG;
    emit_mov(tcgv_i32_temp(g_o32[1]), r32);
    EMIT(mb, TCG_TYPE_I64, TCG_MO_ALL);
    emit_label(l);
    EMIT(goto_tb, TCG_TYPE_I64, 0);
    emit_exit(EXIT_MAGIC);
    const void *code = gen("tci disas");

    ok = code != NULL && (f = open_memstream(&text, &len)) != NULL;
    if (ok) {
        size_t n = (size_t)gen_size;
        ok = tci_disas(f, code, n);
        fclose(f);
        static const char *const want[] = {
            "add_i64", "$0x123456789abc", "brcond_i64", "ltu", "deposit_i32", "ofs 4 len 8",
            "setcond_i64", "gt", "call_i32", "mov_i32", "mb_i64", "goto_tb_i64", "exit_tb_i64",
        };
        const char *pos = text;
        for (size_t i = 0; ok && i < sizeof(want) / sizeof(want[0]); i++) {
            const char *hit = strstr(pos, want[i]);
            if (!hit) {
                tap_diag("tci_disas: missing '%s' in:\n%s", want[i], text);
                ok = false;
            } else {
                pos = hit;
            }
        }
        free(text);
        /* a truncated stream ends the listing with false, no crash */
        text = NULL;
        f = open_memstream(&text, &len);
        trunc_ok = f && !tci_disas(f, code, n - 2);
        if (f) {
            fclose(f);
        }
        free(text);
    } else {
        trunc_ok = false;
    }
    tap_ok(ok, "tci %s: tci_disas lists every kind of instruction", cur_opt ? "opt" : "noopt");
    tap_ok(trunc_ok, "tci %s: tci_disas reports a truncated stream",
           cur_opt ? "opt" : "noopt");
}

/* ---------------------------------------------------------------- */

static void run_backend(const TCGBackend *be, const char *name)
{
    cur_name = name;
    for (int opt = 0; opt < 2; opt++) {
        setup_backend(be, opt);
        tap_ok(tcg_ctx->code_gen_epilogue != NULL && tcg_ctx->prologue_size < code_buf_size,
               "%s %s: init sets the epilogue", name, opt ? "opt" : "noopt");
        test_exit_tb();
        test_misc();
        test_all_ops();
        test_brcond();
        test_loop();
        test_tb_temps_across_branch();
        test_many_temps();
        test_calls();
        test_host_ld_st();
        test_qemu_ld_st();
        test_goto_tb();
        test_goto_ptr();
        test_insn_start();
        test_random_programs();
        if (be == &tcg_backend_tci) {
            test_tci_disas();
        }
    }
}

int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : NULL; /* optional: one backend */

    code_buf_size = CODE_BUF_SIZE;
    code_buf = mmap(NULL, code_buf_size, PROT_READ | PROT_WRITE | PROT_EXEC,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    guest_mem = mmap(NULL, GUEST_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                     -1, 0);
    if (code_buf == MAP_FAILED || guest_mem == MAP_FAILED) {
        tap_ok(false, "mmap code and guest buffers");
        return tap_done();
    }
    install_crash_handlers();

    if (!only || strcmp(only, "tci") == 0) {
        run_backend(&tcg_backend_tci, "tci");
    }
    if (!only || strcmp(only, "x86_64") == 0) {
        run_backend(&tcg_backend_x86_64, "x86_64");
    }
    return tap_done();
}
