/*
 * x87 helpers against the host CPU.
 *
 * A "program" is an initial control word and register stack plus a few
 * x87 instructions. It runs twice: natively, as machine code generated
 * into an executable buffer (with a SIGFPE handler catching #MF and
 * reading the FPU state from the signal frame), and through the helpers
 * of target/i386/fpu_helper.c on a CPUX86State, driven the way the
 * translator drives them. The two final states (control, status and tag
 * words, FOP, registers, EFLAGS, the memory operand, where #MF hit)
 * must match exactly. Targeted programs cover every encoding with special
 * operands (zeros, denormals, infinities, NaNs, unsupported encodings)
 * in every rounding and precision mode; random programs cover the rest.
 */
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "../../target/i386/fpu_helper.h"
#include "tap.h"

/* ---------------------------------------------------------------------- */
/* What fpu_helper.c needs from the rest of the CPU                         */

static sigjmp_buf emu_jmp;
static int emu_excp;

_Noreturn void raise_exception_err_ra(CPUX86State *env, int excp, int error_code, uintptr_t ra)
{
    emu_excp = excp;
    siglongjmp(emu_jmp, 1);
}

_Noreturn void raise_exception_ra(CPUX86State *env, int excp, uintptr_t ra)
{
    raise_exception_err_ra(env, excp, 0, ra);
}


/* ---------------------------------------------------------------------- */
/* Programs                                                                 */

#define MAX_INSNS 12
#define MEM_SIZE 128

typedef struct Prog {
    uint16_t cw;
    int nvals;                  /* pushed in reverse: vals[0] ends in ST0 */
    uint8_t vals[8][16];        /* 80-bit values in 16-byte slots */
    uint8_t bg[8][16];          /* what the empty registers hold */
    int ninsns;
    uint8_t insn[MAX_INSNS][2]; /* escape, modrm (memory forms: rm = 2) */
    uint64_t eflags;            /* CF/PF/ZF on entry (FCMOVcc) */
    uint8_t mem[MEM_SIZE];      /* the memory operand, at (%rdx) */
} Prog;

typedef struct Result {
    uint16_t fcw, fsw, fop;
    uint8_t ftw; /* abridged */
    uint8_t st[8][10];
    uint64_t eflags;
    int trap; /* index of the insn that raised #MF, or -1 */
    uint8_t mem[MEM_SIZE];
} Result;

static bool is_mem(const uint8_t *i) { return i[1] < 0xc0; }
static unsigned reg_of(const uint8_t *i) { return (i[1] >> 3) & 7; }

/* Control insns: do not update FOP; the non-waiting ones skip #MF. */
static bool is_control(const uint8_t *i)
{
    if (!is_mem(i)) {
        return (i[0] == 0xdb && i[1] >= 0xe0 && i[1] <= 0xe4) ||
               (i[0] == 0xdf && i[1] == 0xe0);
    }
    return (i[0] == 0xd9 && reg_of(i) >= 4) || (i[0] == 0xdd && reg_of(i) >= 4);
}
static bool is_nowait(const uint8_t *i)
{
    if (!is_mem(i)) {
        return is_control(i);
    }
    return (i[0] == 0xd9 && (reg_of(i) == 6 || reg_of(i) == 7)) ||
           (i[0] == 0xdd && (reg_of(i) == 6 || reg_of(i) == 7));
}

/* Store forms and their sizes; 0 for a non-store. */
static int store_size(const uint8_t *i)
{
    if (!is_mem(i)) {
        return 0;
    }
    switch (i[0]) {
    case 0xd9: return reg_of(i) == 2 || reg_of(i) == 3 ? 4 : 0;
    case 0xdb: return reg_of(i) == 7 ? 10 : (reg_of(i) >= 1 && reg_of(i) <= 3) ? 4 : 0;
    case 0xdd: return reg_of(i) >= 1 && reg_of(i) <= 3 ? 8 : 0;
    case 0xdf:
        switch (reg_of(i)) {
        case 1: case 2: case 3: return 2;
        case 6: return 10;
        case 7: return 8;
        }
        return 0;
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Native run                                                               */

static uint8_t *code;
static size_t insn_off[MAX_INSNS + 1];
static sigjmp_buf nat_jmp;
static uint8_t nat_trap_fx[512] __attribute__((aligned(16)));
static int nat_trap_insn;

static void nat_sigfpe(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    uintptr_t rip = uc->uc_mcontext.gregs[REG_RIP];

    nat_trap_insn = -2;
    for (int k = 0; k < MAX_INSNS; k++) {
        if (rip == (uintptr_t)code + insn_off[k]) {
            nat_trap_insn = k;
        }
    }
    memcpy(nat_trap_fx, uc->uc_mcontext.fpregs, 512);
    siglongjmp(nat_jmp, 1);
}

static void fx_to_result(const uint8_t *fx, Result *r)
{
    memcpy(&r->fcw, fx, 2);
    memcpy(&r->fsw, fx + 2, 2);
    r->ftw = fx[4];
    memcpy(&r->fop, fx + 6, 2);
    for (int i = 0; i < 8; i++) {
        memcpy(r->st[i], fx + 32 + 16 * i, 10);
    }
}

typedef uint64_t NatFn(const void *cw, const void *vals, void *mem, void *fx, uint64_t fl);

static void native_run(const Prog *p, Result *r)
{
    static uint8_t fx[512 + 32] __attribute__((aligned(16)));
    static uint8_t vals[16][16];
    static uint16_t cw;
    size_t n = 0;
    volatile uint64_t fl = 0;

    cw = p->cw;
    memcpy(vals, p->vals, sizeof(p->vals));
    memcpy(vals[8], p->bg, sizeof(p->bg));
    memcpy(r->mem, p->mem, MEM_SIZE);
#define EMIT(...) do { const uint8_t b_[] = { __VA_ARGS__ }; memcpy(code + n, b_, sizeof(b_)); n += sizeof(b_); } while (0)
    EMIT(0x41, 0x50, 0x9d);   /* push %r8; popfq */
    EMIT(0xdb, 0xe3);         /* fninit */
    for (int k = 7; k >= 0; k--) {
        EMIT(0xdb, 0xae, (uint8_t)(128 + 16 * k), 0, 0, 0); /* fldt bg[k] */
    }
    EMIT(0xdb, 0xe3);         /* fninit: the contents stay */
    EMIT(0xd9, 0x2f);         /* fldcw (%rdi) */
    for (int k = p->nvals - 1; k >= 0; k--) {
        EMIT(0xdb, 0x6e, (uint8_t)(16 * k)); /* fldt 16k(%rsi) */
    }
    for (int k = 0; k < p->ninsns; k++) {
        insn_off[k] = n;
        EMIT(p->insn[k][0], p->insn[k][1]);
    }
    insn_off[p->ninsns] = n;
    for (int k = p->ninsns + 1; k <= MAX_INSNS; k++) {
        insn_off[k] = (size_t)-1;
    }
    EMIT(0x0f, 0xae, 0x01);   /* fxsave (%rcx) */
    EMIT(0xd9, 0xb1, 0x00, 0x02, 0x00, 0x00); /* fnstenv 512(%rcx): FOP */
    EMIT(0xdb, 0xe3);         /* fninit */
    EMIT(0x9c, 0x58, 0xc3);   /* pushfq; pop %rax; ret */
#undef EMIT
    __builtin___clear_cache((char *)code, (char *)code + n);

    if (sigsetjmp(nat_jmp, 1) == 0) {
        fl = ((NatFn *)(void *)code)(&cw, vals, r->mem, fx, p->eflags);
        r->trap = -1;
        fx_to_result(fx, r);
        /* FXSAVE may leave FOP 0 (AMD without a pending exception) */
        memcpy(&r->fop, fx + 512 + 18, 2);
        r->fop &= 0x7ff;
    } else {
        r->trap = nat_trap_insn;
        fx_to_result(nat_trap_fx, r);
        fl = p->eflags; /* not known at the trap; see compare() */
    }
    r->eflags = fl & CC_ALL;
}

/* ---------------------------------------------------------------------- */
/* Emulated run                                                             */

static CPUX86State env;

/* One insn the way translate-x87.c drives the helpers. */
static void emu_insn(const uint8_t *i, uint8_t *mem, uint64_t *eflags)
{
    unsigned reg = reg_of(i);
    int ssize = store_size(i);

    if (!is_nowait(i)) {
        helper_fwait(&env);
    }
    if (!is_control(i)) {
        env.fpop = (i[0] & 7) << 8 | i[1];
    }
    if (!is_mem(i)) {
        if (i[0] == 0xdb && i[1] == 0xe2) {
            helper_fnclex(&env);
        } else if (i[0] == 0xdb && i[1] == 0xe3) {
            helper_fninit(&env);
        } else if (is_control(i)) {
            /* FNENI, FNDISI, FNSETPM, FNSTSW AX: no x87 state change */
        } else {
            *eflags = helper_x87_exec(&env, x87_stub_reg(i[0], i[1]), *eflags);
        }
        return;
    }
    if (is_control(i)) {
        unsigned fmt = X87_FMT_32 | X87_FMT_PM | (i[0] == 0xdd ? X87_FMT_REGS : 0);
        uint16_t w;
        switch (reg) {
        case 4: /* FLDENV / FRSTOR */
            for (unsigned off = 0; off < x87_fmt_size(fmt); off += 8) {
                uint64_t v;
                memcpy(&v, mem + off, 8);
                helper_x87_env_put(&env, off, v);
            }
            helper_x87_env_load(&env, fmt);
            return;
        case 5: /* FLDCW */
            memcpy(&w, mem, 2);
            helper_fldcw(&env, w);
            return;
        case 6: /* FNSTENV / FNSAVE */
            for (unsigned off = 0; off < x87_fmt_size(fmt); off += 8) {
                uint64_t v = helper_x87_env_get(&env, fmt, off);
                unsigned len = x87_fmt_size(fmt) - off < 8 ? x87_fmt_size(fmt) - off : 8;
                memcpy(mem + off, &v, len);
            }
            helper_x87_save_done(&env, fmt);
            return;
        case 7: /* FNSTCW / FNSTSW */
            w = i[0] == 0xd9 ? env.fpuc : helper_fnstsw(&env);
            memcpy(mem, &w, 2);
            return;
        }
        abort();
    }
    if (ssize) {
        if (helper_x87_store(&env, x87_stub_mem(i[0], reg))) {
            memcpy(mem, &env.xmm_t0, ssize);
        }
        helper_x87_commit(&env);
    } else {
        memcpy(&env.xmm_t0, mem, 16);
        *eflags = helper_x87_exec(&env, x87_stub_mem(i[0], reg), *eflags);
    }
}

static void emu_run(const Prog *p, Result *r)
{
    volatile int k = 0;
    static uint64_t eflags;

    eflags = p->eflags;

    memset(&env, 0, sizeof(env));
    memcpy(r->mem, p->mem, MEM_SIZE);
    x87_reset(&env);
    for (int v = 7; v >= 0; v--) {
        memcpy(&env.xmm_t0, p->bg[v], 16);
        helper_x87_exec(&env, x87_stub_mem(0xdb, 5), 0);
    }
    x87_reset(&env);
    helper_fldcw(&env, p->cw);
    for (int v = p->nvals - 1; v >= 0; v--) {
        memcpy(&env.xmm_t0, p->vals[v], 16);
        helper_x87_exec(&env, x87_stub_mem(0xdb, 5), 0);
        env.fpop = 0x36e; /* the native pushes are fldt 16k(%rsi) */
    }
    r->trap = -1;
    if (sigsetjmp(emu_jmp, 1) == 0) {
        for (k = 0; k < p->ninsns; k++) {
            emu_insn(p->insn[k], r->mem, &eflags);
        }
    } else {
        r->trap = emu_excp == EXCP10_COPR ? k : -100 - emu_excp;
    }
    r->fcw = env.fpuc;
    r->fsw = x87_get_fsw(&env);
    r->fop = env.fpop;
    r->ftw = x87_get_ftw_abridged(&env);
    for (int i = 0; i < 8; i++) {
        memcpy(r->st[i], &env.fpregs[(env.fpstt + i) & 7], 10);
    }
    r->eflags = eflags & CC_ALL;
}

/* ---------------------------------------------------------------------- */
/* Comparison                                                               */

static void dump_prog(const Prog *p)
{
    char buf[256];
    int n = snprintf(buf, sizeof(buf), "cw=%04x vals=%d insns:", p->cw, p->nvals);
    for (int k = 0; k < p->ninsns && n < (int)sizeof(buf) - 8; k++) {
        n += snprintf(buf + n, sizeof(buf) - n, " %02x%02x", p->insn[k][0], p->insn[k][1]);
    }
    tap_diag("%s", buf);
    for (int v = 0; v < p->nvals; v++) {
        uint64_t lo;
        uint16_t hi;
        memcpy(&lo, p->vals[v], 8);
        memcpy(&hi, p->vals[v] + 8, 2);
        tap_diag("  val%d %04x:%016llx", v, hi, (unsigned long long)lo);
    }
}

static void dump_result(const char *who, const Result *r)
{
    tap_diag("  %s: trap=%d cw=%04x sw=%04x tw=%02x fop=%03x fl=%02llx", who, r->trap, r->fcw,
             r->fsw, r->ftw, r->fop, (unsigned long long)r->eflags);
    for (int i = 0; i < 8; i++) {
        if (r->ftw & (1 << ((i + ((r->fsw >> 11) & 7)) & 7))) {
            uint64_t lo;
            uint16_t hi;
            memcpy(&lo, r->st[i], 8);
            memcpy(&hi, r->st[i] + 8, 2);
            tap_diag("    st%d %04x:%016llx", i, hi, (unsigned long long)lo);
        }
    }
}

/* Whether the two runs agree; mask_mem skips the memory compare (the
 * native FNSTENV stores host instruction pointers). */
static bool results_match(const Prog *p, const Result *a, const Result *b)
{
    unsigned top = (a->fsw >> 11) & 7;

    if (a->trap != b->trap || a->fcw != b->fcw || a->fsw != b->fsw || a->ftw != b->ftw) {
        return false;
    }
    /* the signal frame's FXSAVE image may not hold FOP */
    if (a->trap == -1 && a->fop != b->fop) {
        return false;
    }
    if (a->trap == -1 && a->eflags != b->eflags) {
        return false;
    }
    for (int i = 0; i < 8; i++) {
        if ((a->ftw >> ((top + i) & 7)) & 1) {
            if (memcmp(a->st[i], b->st[i], 10)) {
                return false;
            }
        }
    }
    return memcmp(a->mem, b->mem, MEM_SIZE) == 0;
}

static int fails_shown;

static bool check_prog(const Prog *p)
{
    Result nat, emu;

    memset(&nat, 0, sizeof(nat));
    memset(&emu, 0, sizeof(emu));
    emu_run(p, &emu);
    /* A context switch between two native insns can lose FOP (the
     * kernel's XRSTOR need not restore it): retry before failing. */
    for (int tries = 0; tries < 3; tries++) {
        native_run(p, &nat);
        if (results_match(p, &nat, &emu)) {
            return true;
        }
    }
    if (fails_shown++ < 6) {
        dump_prog(p);
        dump_result("host", &nat);
        dump_result("emul", &emu);
        for (int i = 0; i < MEM_SIZE; i++) {
            if (nat.mem[i] != emu.mem[i]) {
                tap_diag("  mem[%d] host %02x emul %02x", i, nat.mem[i], emu.mem[i]);
                break;
            }
        }
    }
    return false;
}

/* ---------------------------------------------------------------------- */
/* Operands                                                                 */

static void put80(uint8_t *d, uint16_t hi, uint64_t lo)
{
    memcpy(d, &lo, 8);
    memcpy(d + 8, &hi, 2);
}

static const struct { uint16_t hi; uint64_t lo; } specials[] = {
    { 0x0000, 0 },                       /* +0 */
    { 0x8000, 0 },                       /* -0 */
    { 0x3fff, 0x8000000000000000ull },   /* 1 */
    { 0xbfff, 0x8000000000000000ull },   /* -1 */
    { 0x3fff, 0xc000000000000000ull },   /* 1.5 */
    { 0x4000, 0xc90fdaa22168c235ull },   /* pi */
    { 0x4000, 0xa000000000000000ull },   /* 2.5 */
    { 0x3ffd, 0xaaaaaaaaaaaaaaabull },   /* 1/3 */
    { 0xc03e, 0x8000000000000000ull },   /* -2^63 */
    { 0x403d, 0xfffffffffffffffeull },   /* 2^63 - 2 */
    { 0x4012, 0xc350000000000000ull },   /* 400000 */
    { 0x7ffe, 0xffffffffffffffffull },   /* max */
    { 0x0001, 0x8000000000000000ull },   /* min normal */
    { 0x0000, 0x0000000000000001ull },   /* min denormal */
    { 0x8000, 0x4000000000000000ull },   /* -denormal */
    { 0x0000, 0x8000000000000000ull },   /* pseudo-denormal */
    { 0x4000, 0x4000000000000000ull },   /* unnormal */
    { 0x7fff, 0x8000000000000000ull },   /* +inf */
    { 0xffff, 0x8000000000000000ull },   /* -inf */
    { 0x7fff, 0xc000000000000000ull },   /* QNaN */
    { 0xffff, 0xc000000000000000ull },   /* indefinite */
    { 0x7fff, 0xa000000000000001ull },   /* SNaN */
    { 0xffff, 0xd555555555555555ull },   /* -QNaN payload */
    { 0x7fff, 0x0000000000000001ull },   /* pseudo-NaN */
    { 0x7fff, 0x0000000000000000ull },   /* pseudo-inf */
    { 0x3f7f, 0x8000008000000001ull },   /* float rounding edge */
    { 0x43fe, 0xfffffffffffff800ull },   /* ~ DBL_MAX */
    { 0x3c00, 0x8000000000000001ull },   /* ~ DBL_MIN */
    { 0x3ff0, 0x8000000000001234ull },   /* small */
    { 0x401e, 0xfffffffe00000000ull },   /* 2^31 - 1 ish */
};
#define NB_SPECIALS (int)(sizeof(specials) / sizeof(specials[0]))

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* A random but mostly interesting 80-bit value. */
static void rand80(uint8_t *d)
{
    int k = rnd() % (NB_SPECIALS + 6);
    if (k < NB_SPECIALS) {
        put80(d, specials[k].hi, specials[k].lo);
    } else if (k < NB_SPECIALS + 3) {
        /* normal number with a moderate exponent */
        put80(d, (rnd() & 0x8000) | (0x3fff - 40 + rnd() % 80), rnd() | 1ull << 63);
    } else {
        put80(d, rnd(), rnd());
    }
}

/* Memory: a random float/double/int/BCD-ish pattern or random bytes. */
static void rand_mem(uint8_t *m)
{
    for (int i = 0; i < MEM_SIZE; i++) {
        m[i] = rnd();
    }
    switch (rnd() % 6) {
    case 0: {
        float f = (float)((double)(int64_t)rnd() / (double)(rnd() | 1));
        memcpy(m, &f, 4);
        break;
    }
    case 1: {
        double d = (double)(int64_t)rnd() / (double)(rnd() | 1);
        memcpy(m, &d, 8);
        break;
    }
    case 2: {
        int k = rnd() % NB_SPECIALS;
        put80(m, specials[k].hi, specials[k].lo);
        break;
    }
    case 3: {
        int64_t v = (int64_t)(rnd() % 2000) - 1000;
        memcpy(m, &v, 8);
        break;
    }
    case 4: /* valid packed BCD */
        for (int i = 0; i < 9; i++) {
            m[i] = (rnd() % 10) << 4 | (rnd() % 10);
        }
        m[9] &= 0x80;
        break;
    default:
        break;
    }
}

static const uint16_t cws[] = {
    0x037f, 0x027f, 0x007f, 0x077f, 0x0b7f, 0x0f7f, 0x0e7f, 0x047f, 0x0c7f,
    0x037e, 0x037b, 0x0377, 0x036f, 0x035f, 0x033f, 0x0360, 0x0340,
};
#define NB_CWS (int)(sizeof(cws) / sizeof(cws[0]))

/* ---------------------------------------------------------------------- */
/* Test groups                                                              */

static void prog_init(Prog *p, uint16_t cw, int nvals)
{
    memset(p, 0, sizeof(*p));
    p->cw = cw;
    p->nvals = nvals;
    for (int v = 0; v < nvals; v++) {
        rand80(p->vals[v]);
    }
    for (int v = 0; v < 8; v++) {
        rand80(p->bg[v]);
    }
    rand_mem(p->mem);
    p->eflags = rnd() & (CC_C | CC_P | CC_Z);
}

static void add_insn(Prog *p, uint8_t esc, uint8_t modrm)
{
    if (esc == 0xd9 && modrm == 0x22) {
        /*
         * FLDENV marking an empty register valid exposes its stale
         * content, which the host may keep in an internal form: keep the
         * loaded tag word all-empty.
         */
        p->mem[8] = p->mem[9] = 0xff;
    }
    p->insn[p->ninsns][0] = esc;
    p->insn[p->ninsns][1] = modrm;
    p->ninsns++;
}

/* Every valid register form, with every pair of special operands in
 * ST0/ST1 and random others, in each control word. */
static void test_reg_forms(void)
{
    for (unsigned esc = 0xd8; esc <= 0xdf; esc++) {
        int bad = 0, n = 0;
        for (unsigned modrm = 0xc0; modrm <= 0xff; modrm++) {
            if (!x87_stub_valid(x87_stub_reg(esc, modrm))) {
                continue;
            }
            for (int a = 0; a < NB_SPECIALS; a++) {
                for (int b = 0; b < NB_SPECIALS; b += (esc == 0xd8 || esc == 0xdc) ? 1 : 3) {
                    Prog p;
                    prog_init(&p, cws[rnd() % NB_CWS], 2 + rnd() % 7);
                    put80(p.vals[0], specials[a].hi, specials[a].lo);
                    put80(p.vals[1], specials[b].hi, specials[b].lo);
                    add_insn(&p, esc, modrm);
                    n++;
                    bad += !check_prog(&p);
                }
            }
        }
        tap_ok(bad == 0, "register forms of %02X: %d of %d programs match the host", esc, n - bad, n);
    }
}

/* Unary/stack ops with an empty, a short and a full stack. */
static void test_stack_faults(void)
{
    int bad = 0, n = 0;
    for (unsigned esc = 0xd8; esc <= 0xdf; esc++) {
        for (unsigned modrm = 0xc0; modrm <= 0xff; modrm++) {
            if (!x87_stub_valid(x87_stub_reg(esc, modrm))) {
                continue;
            }
            for (int depth = 0; depth <= 8; depth += (depth == 2 ? 6 : 1)) {
                for (int c = 0; c < NB_CWS; c += 4) {
                    Prog p;
                    prog_init(&p, cws[c] | (rnd() & 1), depth);
                    add_insn(&p, esc, modrm);
                    n++;
                    bad += !check_prog(&p);
                }
            }
        }
    }
    tap_ok(bad == 0, "stack overflow/underflow: %d of %d programs match the host", n - bad, n);
}

/* Every memory form, load and store, random operands and modes. */
static void test_mem_forms(void)
{
    for (unsigned esc = 0xd8; esc <= 0xdf; esc++) {
        int bad = 0, n = 0;
        for (unsigned reg = 0; reg < 8; reg++) {
            if (!x87_stub_valid(x87_stub_mem(esc, reg))) {
                continue;
            }
            for (int t = 0; t < 600; t++) {
                Prog p;
                prog_init(&p, cws[rnd() % NB_CWS], rnd() % 9);
                add_insn(&p, esc, reg << 3 | 2);
                n++;
                bad += !check_prog(&p);
            }
        }
        tap_ok(bad == 0, "memory forms of %02X: %d of %d programs match the host", esc, n - bad, n);
    }
}

/* Control insns: FLDCW/FNSTCW/FNSTSW/FNCLEX/FNINIT/FLDENV/FRSTOR. */
static void test_control(void)
{
    static const uint8_t ctl[][2] = {
        { 0xd9, 0x2a }, /* FLDCW */
        { 0xd9, 0x3a }, /* FNSTCW */
        { 0xdd, 0x3a }, /* FNSTSW m16 */
        { 0xdb, 0xe2 }, /* FNCLEX */
        { 0xdb, 0xe3 }, /* FNINIT */
        { 0xd9, 0x22 }, /* FLDENV */
        { 0xdd, 0x22 }, /* FRSTOR */
        { 0xdb, 0xe0 }, { 0xdb, 0xe1 }, { 0xdb, 0xe4 }, { 0xdf, 0xe0 },
    };
    int bad = 0, n = 0;
    for (unsigned c = 0; c < sizeof(ctl) / sizeof(ctl[0]); c++) {
        for (int t = 0; t < 400; t++) {
            Prog p;
            prog_init(&p, cws[rnd() % NB_CWS], rnd() % 9);
            /* something that sets flags first (maybe pending) */
            add_insn(&p, 0xd8, 0xc0 + (rnd() % 64));
            add_insn(&p, ctl[c][0], ctl[c][1]);
            add_insn(&p, 0xd9, 0xe8); /* FLD1: waits */
            n++;
            bad += !check_prog(&p);
        }
    }
    tap_ok(bad == 0, "control insns: %d of %d programs match the host", n - bad, n);
}

/* FNSTENV/FNSAVE: compare the images except the host's pointers. */
static void test_save_images(void)
{
    fails_shown = 0;
    int bad = 0, n = 0;
    for (int t = 0; t < 400; t++) {
        Prog p;
        Result nat, emu;
        bool fsave = t & 1;
        prog_init(&p, cws[rnd() % NB_CWS], rnd() % 9);
        add_insn(&p, 0xdc, 0xc0 + (rnd() % 64));
        add_insn(&p, fsave ? 0xdd : 0xd9, 0x32);
        native_run(&p, &nat);
        emu_run(&p, &emu);
        /* FIP (12..15), FCS (16..17), FDP (20..23), FDS (24..25) */
        memset(nat.mem + 12, 0, 6);
        memset(emu.mem + 12, 0, 6);
        memset(nat.mem + 20, 0, 6);
        memset(emu.mem + 20, 0, 6);
        n++;
        if (!results_match(&p, &nat, &emu)) {
            bad++;
            if (fails_shown++ < 6) {
                dump_prog(&p);
                dump_result("host", &nat);
                dump_result("emul", &emu);
                for (int i = 0; i < MEM_SIZE; i++) {
                    if (nat.mem[i] != emu.mem[i]) {
                        tap_diag("  mem[%d] host %02x emul %02x", i, nat.mem[i], emu.mem[i]);
                        break;
                    }
                }
            }
        }
    }
    tap_ok(bad == 0, "FNSTENV/FNSAVE images: %d of %d match the host", n - bad, n);
}

/* Unmasked exceptions: #MF at the next waiting insn, suppressed stores. */
static void test_pending(void)
{
    int bad = 0, n = 0;
    for (int t = 0; t < 3000; t++) {
        Prog p;
        prog_init(&p, 0x0340 | (rnd() & 0xc3f) | (rnd() % 4 ? 0 : 0x300), rnd() % 9);
        unsigned esc = 0xd8 + rnd() % 8;
        unsigned reg = rnd() % 8;
        if (x87_stub_valid(x87_stub_mem(esc, reg))) {
            add_insn(&p, esc, reg << 3 | 2);
        } else {
            add_insn(&p, 0xd8, 0xf1);
        }
        add_insn(&p, 0xd9, 0xd0); /* FNOP waits */
        n++;
        bad += !check_prog(&p);
    }
    tap_ok(bad == 0, "unmasked exceptions: %d of %d programs match the host", n - bad, n);
}

/* Random sequences of any valid insn. */
static void test_random(void)
{
    int bad = 0, n = 0;
    for (int t = 0; t < 20000; t++) {
        Prog p;
        prog_init(&p, (rnd() % 4) ? cws[rnd() % NB_CWS] : (uint16_t)rnd(), rnd() % 9);
        int len = 1 + rnd() % MAX_INSNS;
        while (p.ninsns < len) {
            unsigned esc = 0xd8 + rnd() % 8;
            unsigned modrm = rnd() % 256;
            uint8_t i[2] = { esc, modrm };
            if (modrm < 0xc0) {
                modrm = (modrm & 0x38) | 2;
                i[1] = modrm;
                bool ctl = is_control(i);
                /* FNSTENV/FNSAVE store host pointers: skip here */
                if ((esc == 0xd9 || esc == 0xdd) && reg_of(i) == 6) {
                    continue;
                }
                if (!ctl && !x87_stub_valid(x87_stub_mem(esc, reg_of(i)))) {
                    continue;
                }
                if (esc == 0xdd && reg_of(i) == 5) {
                    continue;
                }
            } else if (!is_control(i) && !x87_stub_valid(x87_stub_reg(esc, modrm))) {
                continue;
            }
            add_insn(&p, esc, modrm);
        }
        n++;
        bad += !check_prog(&p);
    }
    tap_ok(bad == 0, "random programs: %d of %d match the host", n - bad, n);
}

/* The FXSAVE encodings and MMX transitions. */
static void test_encodings(void)
{
    memset(&env, 0, sizeof(env));
    x87_reset(&env);
    tap_ok(x87_get_ftw_abridged(&env) == 0 && x87_get_ftw(&env) == 0xffff,
           "FNINIT empties every tag");
    x87_set_fsw(&env, 0x3800 | FPUS_ZE | FPUS_C3);
    tap_ok(env.fpstt == 7 && x87_get_fsw(&env) == (0x3800 | FPUS_ZE | FPUS_C3),
           "FSW round-trips with TOP");
    x87_set_fcw(&env, 0x037b);
    tap_ok((x87_get_fsw(&env) & (FPUS_ES | FPUS_B)) == (FPUS_ES | FPUS_B),
           "unmasking a set flag makes it pending");
    x87_set_ftw_abridged(&env, 0xa5);
    tap_ok(x87_get_ftw_abridged(&env) == 0xa5, "abridged tag word round-trips");
    x87_enter_mmx(&env);
    tap_ok(env.fpstt == 0 && x87_get_ftw_abridged(&env) == 0xff, "MMX: TOP 0, all tags valid");
    x87_emms(&env);
    tap_ok(x87_get_ftw_abridged(&env) == 0, "EMMS empties all tags");
    int bad = 0;
    for (unsigned idx = 0; idx < X87_STUB_MEM + 64; idx++) {
        /* reserved encodings are never valid */
        unsigned esc = idx < X87_STUB_MEM ? 0xd8 + idx / 64 : 0xd8 + (idx - 512) / 8;
        unsigned modrm = idx < X87_STUB_MEM ? 0xc0 + idx % 64 : 0;
        if (idx < X87_STUB_MEM && esc == 0xd9 && modrm >= 0xd1 && modrm <= 0xd7) {
            bad += x87_stub_valid(idx);
        }
    }
    tap_ok(x87_fast_paths_ok(), "the host behaves as the pure-C fast paths assume");
    tap_ok(bad == 0 && !x87_stub_valid(x87_stub_mem(0xd9, 1)) && !x87_stub_valid(x87_stub_mem(0xdd, 5)) &&
           !x87_stub_valid(x87_stub_reg(0xdf, 0xf8)) && x87_stub_valid(x87_stub_reg(0xde, 0xd9)),
           "reserved encodings are rejected");
}

/* The guest can never make the host trap: state loaded from outside
 * with unmasked flags but ES clear, and bad stub numbers. */
static void test_robustness(void)
{
    volatile int raised = -1;

    memset(&env, 0, sizeof(env));
    x87_reset(&env);
    env.fpuc = 0x037b; /* ZE unmasked */
    env.fpus = FPUS_ZE; /* ... and set, ES clear: as a signal frame may */
    if (sigsetjmp(emu_jmp, 1) == 0) {
        helper_x87_exec(&env, x87_stub_reg(0xd9, 0xe8), 0); /* FLD1 */
    } else {
        raised = emu_excp;
    }
    tap_ok(raised == EXCP10_COPR, "inconsistent pending state raises #MF, not a host trap");

    raised = -1;
    x87_reset(&env);
    if (sigsetjmp(emu_jmp, 1) == 0) {
        helper_x87_exec(&env, 100000, 0);
    } else {
        raised = emu_excp;
    }
    tap_ok(raised == EXCP06_ILLOP, "a bad stub number raises #UD");

    raised = -1;
    x87_reset(&env);
    if (sigsetjmp(emu_jmp, 1) == 0) {
        helper_x87_exec(&env, x87_stub_reg(0xd9, 0xd1), 0); /* reserved */
    } else {
        raised = emu_excp;
    }
    tap_ok(raised == EXCP06_ILLOP, "a reserved encoding raises #UD");
}

int main(void)
{
    struct sigaction sa;

    code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) {
        tap_ok(false, "mmap an executable buffer");
        return tap_done();
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = nat_sigfpe;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGFPE, &sa, NULL);

    test_encodings();
    test_robustness();
    test_reg_forms();
    test_stack_faults();
    test_mem_forms();
    test_control();
    test_save_images();
    test_pending();
    test_random();
    return tap_done();
}
