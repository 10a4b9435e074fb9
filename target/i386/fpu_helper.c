/*
 * x87 FPU helpers: the guest's x87 instructions run on the host's x87.
 *
 * See fpu_helper.h for the scheme. The host code for each instruction is
 * a tiny stub, one per encoding, generated below by assembler macros:
 *
 *     push %rsi; popfq          guest CF/PF/ZF (FCMOVcc reads them)
 *     frstor (%rdi)             the guest state, from an FSAVE image
 *     <the guest's 2 opcode bytes; a memory operand is (%rdx)>
 *     fnsave (%rdi)             the new state back; host FPU reset
 *     pushfq; pop %rax          the flags (FCOMI and friends set them)
 *     ret
 *
 * Stubs are 16 bytes apart. They are ordinary SysV functions: the x87
 * stack is empty on entry and on return and only caller-saved registers
 * change. A stub for a reserved encoding exists but is never called:
 * x87_stub_valid() guards every entry point, so no guest input can make
 * the host execute an invalid opcode.
 *
 * Control instructions (FNINIT, FNCLEX, FLDCW, FNSTSW, FNSTENV, FLDENV,
 * FNSAVE, FRSTOR) only move state around and are implemented in C.
 */
#include "fpu_helper.h"

#include <pthread.h>
#include <string.h>

#include "exec/cpu-exec.h"

/* The 108-byte image FNSAVE writes in 64-bit mode (32-bit protected-mode
 * layout); registers in stack order ST(0)..ST(7). */
typedef struct __attribute__((packed)) X87SaveArea {
    uint16_t fcw, pad0;
    uint16_t fsw, pad1;
    uint16_t ftw, pad2;
    uint32_t fip;
    uint16_t fcs, fop;
    uint32_t fdp;
    uint16_t fds, pad3;
    uint8_t st[8][10];
} X87SaveArea;

_Static_assert(sizeof(X87SaveArea) == 108, "FSAVE image is 108 bytes");

/* ---------------------------------------------------------------------- */
/* Host stubs                                                               */

typedef uint64_t X87StubFn(X87SaveArea *img, uint64_t eflags, void *mem);

extern const char x87_stub_base[] __attribute__((visibility("hidden")));

__asm__(
    ".pushsection .text\n"
    ".macro X87_STUB b0, b1\n"
    "    .balign 16\n"
    "    push %rsi\n"
    "    popfq\n"
    "    frstor (%rdi)\n"
    "    .byte \\b0, \\b1\n"
    "    fnsave (%rdi)\n"
    "    pushfq\n"
    "    pop %rax\n"
    "    ret\n"
    ".endm\n"
    ".balign 16\n"
    ".type x87_stub_base, @function\n"
    "x87_stub_base:\n"
    /* register forms: 8 escapes x modrm C0..FF */
    ".irp esc, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf\n"
    "  .set x87_m, 0xc0\n"
    "  .rept 64\n"
    "    X87_STUB \\esc, x87_m\n"
    "    .set x87_m, x87_m + 1\n"
    "  .endr\n"
    ".endr\n"
    /* memory forms: modrm = reg << 3 | 2, i.e. (%rdx) */
    ".irp esc, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf\n"
    "  .set x87_m, 0x02\n"
    "  .rept 8\n"
    "    X87_STUB \\esc, x87_m\n"
    "    .set x87_m, x87_m + 8\n"
    "  .endr\n"
    ".endr\n"
    ".size x87_stub_base, . - x87_stub_base\n"
    ".purgem X87_STUB\n"
    ".popsection\n");

#define X87_STUB_STRIDE 16
#define X87_NB_STUBS (X87_STUB_MEM + 64)

/* Whether register form esc modrm is an instruction the host runs. */
static bool x87_reg_form_valid(unsigned esc, unsigned modrm)
{
    unsigned lo = modrm & 7;

    switch (esc) {
    case 0xd8: /* FADD FMUL FCOM FCOMP FSUB FSUBR FDIV FDIVR ST(i) */
    case 0xdc: /* ... ST(i), ST(0), and the FCOM2/FCOMP3 aliases */
        return true;
    case 0xd9:
        switch (modrm & 0xf8) {
        case 0xc0: /* FLD ST(i) */
        case 0xc8: /* FXCH */
        case 0xd8: /* FSTP1 alias */
            return true;
        case 0xd0: /* FNOP */
            return modrm == 0xd0;
        case 0xe0: /* FCHS FABS FTST FXAM */
            return lo == 0 || lo == 1 || lo == 4 || lo == 5;
        case 0xe8: /* FLD1 ... FLDZ */
            return lo != 7;
        default: /* F0-FF: F2XM1 ... FCOS */
            return true;
        }
    case 0xda:
        return modrm < 0xe0 || modrm == 0xe9; /* FCMOVcc, FUCOMPP */
    case 0xdb:
        /* FCMOVNcc, FUCOMI, FCOMI; DB E0-E4 are done in C */
        return modrm < 0xe0 || (modrm >= 0xe8 && modrm < 0xf8);
    case 0xdd:
        return modrm < 0xf0; /* FFREE FXCH4 FST FSTP FUCOM FUCOMP */
    case 0xde:
        return (modrm & 0xf8) != 0xd8 || modrm == 0xd9;
    case 0xdf:
        /* FFREEP FXCH7 FSTP8 FSTP9, FUCOMIP FCOMIP; E0 (FNSTSW AX) in C */
        return modrm < 0xe0 || (modrm >= 0xe8 && modrm < 0xf8);
    default:
        return false;
    }
}

static bool x87_mem_form_valid(unsigned esc, unsigned reg)
{
    switch (esc) {
    case 0xd8: case 0xda: case 0xdc: case 0xde: /* arithmetic */
        return true;
    case 0xd9: /* FLD FST FSTP m32; /4-/7 are control insns */
        return reg == 0 || reg == 2 || reg == 3;
    case 0xdb: /* FILD FISTTP FIST FISTP m32, FLD FSTP m80 */
        return reg != 4 && reg != 6;
    case 0xdd: /* FLD FISTTP FST FSTP m64 */
        return reg <= 3;
    case 0xdf: /* all: FILD..FISTP m16, FBLD, FILD m64, FBSTP, FISTP m64 */
        return true;
    default:
        return false;
    }
}

bool x87_stub_valid(unsigned idx)
{
    if (idx < X87_STUB_MEM) {
        return x87_reg_form_valid(0xd8 + idx / 64, 0xc0 + idx % 64);
    }
    if (idx < X87_NB_STUBS) {
        idx -= X87_STUB_MEM;
        return x87_mem_form_valid(0xd8 + idx / 8, idx % 8);
    }
    return false;
}

static X87StubFn *x87_stub(unsigned idx)
{
    return (X87StubFn *)(uintptr_t)(x87_stub_base + idx * X87_STUB_STRIDE);
}

/* ---------------------------------------------------------------------- */
/* State encodings                                                          */

static inline unsigned x87_top(CPUX86State *env)
{
    return env->fpstt & 7;
}

/* ES and B follow the exception flags that the control word unmasks. */
static void x87_update_es(CPUX86State *env)
{
    if (env->fpus & ~env->fpuc & FPU_EXC_MASK) {
        env->fpus |= FPUS_ES | FPUS_B;
    } else {
        env->fpus &= ~(FPUS_ES | FPUS_B);
    }
}

uint16_t x87_get_fsw(CPUX86State *env)
{
    return (env->fpus & ~FPUS_TOP) | (x87_top(env) << 11);
}

void x87_set_fsw(CPUX86State *env, uint16_t fsw)
{
    env->fpstt = (fsw >> 11) & 7;
    env->fpus = fsw & ~FPUS_TOP;
    x87_update_es(env);
}

void x87_set_fcw(CPUX86State *env, uint16_t fcw)
{
    /* bit 6 reads as 1, bits 7 and 13-15 as 0 */
    env->fpuc = (fcw & 0x1f3f) | 0x0040;
    x87_update_es(env);
}

/* The FSAVE tag of a non-empty register: 0 valid, 1 zero, 2 special. */
static unsigned x87_tag_of(const FPReg *r)
{
    unsigned exp = r->raw.high & 0x7fff;
    uint64_t mant = r->raw.low;

    if (exp == 0) {
        return mant == 0 ? 1 : 2; /* zero, or (pseudo-)denormal */
    }
    if (exp == 0x7fff || !(mant >> 63)) {
        return 2; /* inf, NaN, or an unnormal/pseudo encoding */
    }
    return 0;
}

uint16_t x87_get_ftw(CPUX86State *env)
{
    uint16_t ftw = 0;

    for (int i = 0; i < 8; i++) {
        unsigned tag = env->fptags[i] ? 3 : x87_tag_of(&env->fpregs[i]);
        ftw |= tag << (2 * i);
    }
    return ftw;
}

uint8_t x87_get_ftw_abridged(CPUX86State *env)
{
    uint8_t v = 0;

    for (int i = 0; i < 8; i++) {
        v |= (env->fptags[i] ? 0 : 1) << i;
    }
    return v;
}

void x87_set_ftw_abridged(CPUX86State *env, uint8_t v)
{
    for (int i = 0; i < 8; i++) {
        env->fptags[i] = !((v >> i) & 1);
    }
}

void x87_reset(CPUX86State *env)
{
    env->fpuc = 0x037f;
    env->fpus = 0;
    env->fpstt = 0;
    memset(env->fptags, 1, sizeof(env->fptags));
    env->fpip = 0;
    env->fpdp = 0;
    env->fpop = 0;
    env->fpcs = 0;
    env->fpds = 0;
}

void x87_enter_mmx(CPUX86State *env)
{
    env->fpstt = 0;
    memset(env->fptags, 0, sizeof(env->fptags));
}

void x87_emms(CPUX86State *env)
{
    memset(env->fptags, 1, sizeof(env->fptags));
}

static void x87_env_to_image(CPUX86State *env, X87SaveArea *img)
{
    unsigned top = x87_top(env);

    memset(img, 0, offsetof(X87SaveArea, st));
    img->fcw = env->fpuc;
    img->fsw = x87_get_fsw(env) & ~(FPUS_ES | FPUS_B);
    for (int i = 0; i < 8; i++) {
        /* only empty vs non-empty matters to FRSTOR */
        img->ftw |= (env->fptags[i] ? 3 : 0) << (2 * i);
        memcpy(img->st[i], &env->fpregs[(top + i) & 7], 10);
    }
}

static void x87_image_to_env(CPUX86State *env, const X87SaveArea *img)
{
    unsigned top = (img->fsw >> 11) & 7;

    env->fpstt = top;
    env->fpus = img->fsw & ~FPUS_TOP;
    for (int i = 0; i < 8; i++) {
        FPReg *r = &env->fpregs[(top + i) & 7];
        env->fptags[i] = ((img->ftw >> (2 * i)) & 3) == 3;
        memcpy(r, img->st[i], 10);
        memset((char *)r + 10, 0, sizeof(*r) - 10);
    }
}

/* ---------------------------------------------------------------------- */
/* Running instructions                                                     */

static void x87_raise_pending(CPUX86State *env, uintptr_t ra)
{
    raise_exception_ra(env, EXCP10_COPR, ra);
}

void helper_fwait(CPUX86State *env)
{
    /*
     * State restored from outside (a signal frame, FXRSTOR) may carry
     * unmasked flags with ES clear; the hardware recomputes ES when it
     * loads such state, and so do we before relying on it.
     */
    x87_update_es(env);
    if (env->fpus & FPUS_ES) {
        x87_raise_pending(env, GETPC());
    }
}

/* Checks common to every stub entry, then the image of the state. */
static void x87_stub_prepare(CPUX86State *env, unsigned idx, X87SaveArea *img,
                             uintptr_t ra)
{
    if (!x87_stub_valid(idx)) {
        /* the translator never asks for one: treat as #UD */
        raise_exception_ra(env, EXCP06_ILLOP, ra);
    }
    x87_update_es(env);
    if (env->fpus & FPUS_ES) {
        /* must not reach the host with an exception pending */
        x87_raise_pending(env, ra);
    }
    x87_env_to_image(env, img);
}

/*
 * Fast paths: instructions that only move 80-bit values and cannot raise
 * an exception except a stack fault are done here without the host FPU
 * when no stack fault can happen (the stub handles those). Their
 * documented effect on the status word is C1 = 0; C0, C2 and C3 keep
 * their values, as the hardware does (the unit test compares these paths
 * with the host too).
 */
#define X87_REG(esc, modrm) (((esc) - 0xd8) * 64 + ((modrm) - 0xc0))
#define X87_MEM(esc, reg) (X87_STUB_MEM + ((esc) - 0xd8) * 8 + (reg))

static inline FPReg *x87_st(CPUX86State *env, unsigned i)
{
    return &env->fpregs[(env->fpstt + i) & 7];
}
static inline bool x87_st_empty(CPUX86State *env, unsigned i)
{
    return env->fptags[(env->fpstt + i) & 7];
}

static void x87_push_raw(CPUX86State *env, const void *v)
{
    unsigned n = (env->fpstt - 1) & 7;
    FPReg r;

    memset(&r, 0, sizeof(r));
    memcpy(&r, v, 10);
    env->fpregs[n] = r;
    env->fptags[n] = 0;
    env->fpstt = n;
}

static void x87_pop(CPUX86State *env)
{
    env->fptags[env->fpstt & 7] = 1;
    env->fpstt = (env->fpstt + 1) & 7;
}

/* the pure-C fast paths match the host (see x87_calibrate) */
static bool x87_fast_c_ok;

static bool x87_fast_exec(CPUX86State *env, unsigned idx)
{
    static const uint8_t one[10] = { 0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x3f };
    static const uint8_t zero[10];
    bool full = !x87_st_empty(env, 7);
    unsigned i = idx & 7;
    FPReg tmp;

    switch (idx) {
    case X87_MEM(0xdb, 5): /* FLD m80fp */
        if (full) {
            return false;
        }
        x87_push_raw(env, &env->xmm_t0);
        break;
    case X87_REG(0xd9, 0xe8): /* FLD1 */
    case X87_REG(0xd9, 0xee): /* FLDZ */
        if (full) {
            return false;
        }
        x87_push_raw(env, idx == X87_REG(0xd9, 0xe8) ? one : zero);
        break;
    case X87_REG(0xd9, 0xc0) ... X87_REG(0xd9, 0xc7): /* FLD ST(i) */
        if (full || x87_st_empty(env, i)) {
            return false;
        }
        tmp = *x87_st(env, i);
        x87_push_raw(env, &tmp);
        break;
    case X87_REG(0xd9, 0xc8) ... X87_REG(0xd9, 0xcf): /* FXCH ST(i) */
        if (x87_st_empty(env, 0) || x87_st_empty(env, i)) {
            return false;
        }
        tmp = *x87_st(env, 0);
        *x87_st(env, 0) = *x87_st(env, i);
        *x87_st(env, i) = tmp;
        break;
    case X87_REG(0xdd, 0xd0) ... X87_REG(0xdd, 0xd7): /* FST ST(i) */
    case X87_REG(0xdd, 0xd8) ... X87_REG(0xdd, 0xdf): /* FSTP ST(i) */
        if (x87_st_empty(env, 0)) {
            return false;
        }
        *x87_st(env, i) = *x87_st(env, 0);
        env->fptags[(env->fpstt + i) & 7] = 0;
        if (idx >= X87_REG(0xdd, 0xd8)) {
            x87_pop(env);
        }
        break;
    case X87_REG(0xd9, 0xe0): /* FCHS */
    case X87_REG(0xd9, 0xe1): /* FABS */
        if (x87_st_empty(env, 0)) {
            return false;
        }
        if (idx == X87_REG(0xd9, 0xe0)) {
            x87_st(env, 0)->raw.high ^= 0x8000;
        } else {
            x87_st(env, 0)->raw.high &= 0x7fff;
        }
        break;
    default:
        return false;
    }
    env->fpus &= ~FPUS_C1;
    return true;
}


/*
 * Fast paths for arithmetic, compares and conversions when every
 * exception is masked and no stack fault can happen: the host runs the
 * operation on its own stack with the guest's control word (so rounding
 * and precision are the guest's), and only the exception flags and the
 * condition codes the insn defines are taken from its status word.
 *
 * Fast stubs (64 bytes apart), called as
 *   uint64_t stub(const uint16_t cw[2], const void *ops, void *out, void *mem)
 * ops: ST(0) at 0, ST(i) at 16; out: host ST(0) at 0, ST(1) at 16;
 * mem: the memory operand. Returns the host status word in bits 0-15 and
 * RFLAGS from bit 16. cw[1] is the host's own control word, restored.
 */
typedef uint64_t X87FastFn(const uint16_t *cw, const void *ops, void *out, void *mem);

extern const char x87_fast_base[] __attribute__((visibility("hidden")));

#define X87_FAST_STRIDE 64
/* stub numbers */
#define X87_FAST_RR(dc, op) ((dc) * 8 + (op))             /* 0..15 */
#define X87_FAST_RM(esc, reg) (16 + ((esc) - 0xd8) / 2 * 8 + (reg)) /* 16..47 */
#define X87_FAST_LD(n) (48 + (n))                         /* 48..52 */
#define X87_FAST_ST(n) (53 + (n))                         /* 53..60 */
#define X87_FAST_CMPI(n) (61 + (n))                       /* 61..62 */
#define X87_NB_FAST 63
#define FPUS_CC (FPUS_C0 | FPUS_C1 | FPUS_C2 | FPUS_C3)

/* per fast stub: the C0-C3 bits its insn writes (see x87_calibrate) */
static uint16_t x87_fast_cmask[X87_NB_FAST];

__asm__(
    ".pushsection .text\n"
    ".macro X87_FAST_HEAD\n"
    "    .balign 64\n"
    "    fldcw (%rdi)\n"
    "    fnclex\n"
    ".endm\n"
    /* the status word is read right after the operation: storing the
     * result with FSTP m80 would change C1 */
    ".macro X87_FAST_TAIL\n"
    "    fldcw 2(%rdi)\n"
    "    pushfq\n"
    "    pop %rcx\n"
    "    shl $16, %rcx\n"
    "    movzwl %ax, %eax\n"
    "    or %rcx, %rax\n"
    "    ret\n"
    ".endm\n"
    /* two operands, result(s) in host ST(0) and ST(1) */
    ".macro X87_FAST_2 b0, b1\n"
    "    X87_FAST_HEAD\n"
    "    fldt 16(%rsi)\n"
    "    fldt (%rsi)\n"
    "    .byte \\b0, \\b1\n"
    "    fnstsw %ax\n"
    "    fstpt (%rdx)\n"
    "    fstpt 16(%rdx)\n"
    "    X87_FAST_TAIL\n"
    ".endm\n"
    /* ST(0) op memory at (%rcx) */
    ".macro X87_FAST_M b0, b1\n"
    "    X87_FAST_HEAD\n"
    "    fldt (%rsi)\n"
    "    .byte \\b0, \\b1\n"
    "    fnstsw %ax\n"
    "    fstpt (%rdx)\n"
    "    X87_FAST_TAIL\n"
    ".endm\n"
    /* push from memory */
    ".macro X87_FAST_LOAD b0, b1\n"
    "    X87_FAST_HEAD\n"
    "    .byte \\b0, \\b1\n"
    "    fnstsw %ax\n"
    "    fstpt (%rdx)\n"
    "    X87_FAST_TAIL\n"
    ".endm\n"
    /* store-and-pop to memory */
    ".macro X87_FAST_STORE b0, b1\n"
    "    X87_FAST_HEAD\n"
    "    fldt (%rsi)\n"
    "    .byte \\b0, \\b1\n"
    "    fnstsw %ax\n"
    "    X87_FAST_TAIL\n"
    ".endm\n"
    ".balign 64\n"
    "x87_fast_base:\n"
    ".irp esc, 0xd8, 0xdc\n"
    "  .irp op, 0, 1, 2, 3, 4, 5, 6, 7\n"
    /* FCOMP runs as FCOM: the caller pops */
    "    .if \\op == 3\n"
    "      X87_FAST_2 0xd8, 0xd1\n"
    "    .elseif \\op == 2\n"
    "      X87_FAST_2 0xd8, 0xd1\n"
    "    .else\n"
    "      X87_FAST_2 \\esc, (0xc1 + \\op * 8)\n"
    "    .endif\n"
    "  .endr\n"
    ".endr\n"
    ".irp esc, 0xd8, 0xda, 0xdc, 0xde\n"
    "  .irp reg, 0, 1, 2, 3, 4, 5, 6, 7\n"
    "    .if \\reg == 3\n"
    "      X87_FAST_M \\esc, 0x11\n"
    "    .else\n"
    "      X87_FAST_M \\esc, (\\reg * 8 + 1)\n"
    "    .endif\n"
    "  .endr\n"
    ".endr\n"
    /* FLD m32, FLD m64, FILD m32, FILD m16, FILD m64 */
    "X87_FAST_LOAD 0xd9, 0x01\n"
    "X87_FAST_LOAD 0xdd, 0x01\n"
    "X87_FAST_LOAD 0xdb, 0x01\n"
    "X87_FAST_LOAD 0xdf, 0x01\n"
    "X87_FAST_LOAD 0xdf, 0x29\n"
    /* FSTP m32, FSTP m64, FISTP m32, FISTP m16, FISTP m64,
     * FISTTP m16, FISTTP m32, FISTTP m64 */
    "X87_FAST_STORE 0xd9, 0x19\n"
    "X87_FAST_STORE 0xdd, 0x19\n"
    "X87_FAST_STORE 0xdb, 0x19\n"
    "X87_FAST_STORE 0xdf, 0x19\n"
    "X87_FAST_STORE 0xdf, 0x39\n"
    "X87_FAST_STORE 0xdf, 0x09\n"
    "X87_FAST_STORE 0xdb, 0x09\n"
    "X87_FAST_STORE 0xdd, 0x09\n"
    /* FUCOMI ST(0), ST(1); FCOMI ST(0), ST(1) */
    "X87_FAST_2 0xdb, 0xe9\n"
    "X87_FAST_2 0xdb, 0xf1\n"
    ".purgem X87_FAST_HEAD\n"
    ".purgem X87_FAST_TAIL\n"
    ".purgem X87_FAST_2\n"
    ".purgem X87_FAST_M\n"
    ".purgem X87_FAST_LOAD\n"
    ".purgem X87_FAST_STORE\n"
    ".popsection\n");

static uint64_t x87_fast_call(CPUX86State *env, unsigned n, const void *ops, void *out)
{
    uint16_t cw[2];
    X87FastFn *fn = (X87FastFn *)(uintptr_t)(x87_fast_base + n * X87_FAST_STRIDE);

    cw[0] = env->fpuc;
    __asm__ volatile("fnstcw %0" : "=m"(cw[1]));
    return fn(cw, ops, out, &env->xmm_t0);
}

/* Fold a fast stub's status word into the guest's: sticky flags, and the
 * condition codes in cmask. */
static void x87_fast_status(CPUX86State *env, uint64_t r, uint16_t cmask)
{
    uint16_t sw = r & 0xffff;

    env->fpus = (env->fpus & ~cmask) | (sw & cmask) | (sw & FPU_EXC_MASK);
}

static bool x87_fast_arith(CPUX86State *env, unsigned idx, uint64_t *flags)
{
    uint8_t ops[32] __attribute__((aligned(16)));
    uint8_t out[32] __attribute__((aligned(16)));
    unsigned esc, modrm, op, i;
    uint64_t r;

    if ((env->fpuc & FPU_EXC_MASK) != FPU_EXC_MASK) {
        return false; /* an exception could be unmasked */
    }
    if (idx >= X87_STUB_MEM) {
        esc = 0xd8 + (idx - X87_STUB_MEM) / 8;
        op = idx & 7;
        if (!(esc & 1)) { /* D8 DA DC DE: ST(0) op memory */
            if (x87_st_empty(env, 0)) {
                return false;
            }
            memcpy(ops, x87_st(env, 0), 10);
            r = x87_fast_call(env, X87_FAST_RM(esc, op), ops, out);
            x87_fast_status(env, r, x87_fast_cmask[X87_FAST_RM(esc, op)]);
            if (op == 3) {
                x87_pop(env);
            } else if (op != 2) {
                memcpy(x87_st(env, 0), out, 10);
            }
            return true;
        }
        int n;
        switch (idx) {
        case X87_MEM(0xd9, 0): n = 0; break; /* FLD m32fp */
        case X87_MEM(0xdd, 0): n = 1; break; /* FLD m64fp */
        case X87_MEM(0xdb, 0): n = 2; break; /* FILD m32int */
        case X87_MEM(0xdf, 0): n = 3; break; /* FILD m16int */
        case X87_MEM(0xdf, 5): n = 4; break; /* FILD m64int */
        default:
            return false;
        }
        if (!x87_st_empty(env, 7)) {
            return false;
        }
        r = x87_fast_call(env, X87_FAST_LD(n), NULL, out);
        x87_fast_status(env, r, x87_fast_cmask[X87_FAST_LD(n)]);
        x87_push_raw(env, out);
        return true;
    }

    esc = 0xd8 + idx / 64;
    modrm = 0xc0 + idx % 64;
    op = (modrm >> 3) & 7;
    i = modrm & 7;
    if (esc == 0xdb || esc == 0xdf) {
        /* FUCOMI/FCOMI (DB E8-F7), FUCOMIP/FCOMIP (DF E8-F7) */
        if (modrm < 0xe8 || modrm >= 0xf8 || x87_st_empty(env, 0) || x87_st_empty(env, i)) {
            return false;
        }
        memcpy(ops, x87_st(env, 0), 10);
        memcpy(ops + 16, x87_st(env, i), 10);
        r = x87_fast_call(env, X87_FAST_CMPI(modrm >= 0xf0), ops, out);
        x87_fast_status(env, r, x87_fast_cmask[X87_FAST_CMPI(modrm >= 0xf0)]);
        *flags = (r >> 16) & CC_ALL;
        if (esc == 0xdf) {
            x87_pop(env);
        }
        return true;
    }
    if (esc != 0xd8 && esc != 0xdc && esc != 0xde) {
        return false;
    }
    if (esc == 0xde && op == 3 && modrm != 0xd9) {
        return false; /* reserved */
    }
    if (x87_st_empty(env, 0) || x87_st_empty(env, i)) {
        return false;
    }
    memcpy(ops, x87_st(env, 0), 10);
    memcpy(ops + 16, x87_st(env, i), 10);
    r = x87_fast_call(env, X87_FAST_RR(esc != 0xd8, op), ops, out);
    x87_fast_status(env, r, x87_fast_cmask[X87_FAST_RR(esc != 0xd8, op)]);
    if (op == 2 || op == 3) {
        /* FCOM/FCOMP, the DC/DE aliases, FCOMPP */
        if (op == 3 || esc == 0xde) {
            x87_pop(env);
        }
        if (modrm == 0xd9 && esc == 0xde) {
            x87_pop(env);
        }
        return true;
    }
    if (esc == 0xd8) {
        memcpy(x87_st(env, 0), out, 10);
    } else {
        memcpy(x87_st(env, i), out + 16, 10);
        if (esc == 0xde) {
            x87_pop(env);
        }
    }
    return true;
}

/* Stores with every exception masked: returns false to take the stub. */
static bool x87_fast_store(CPUX86State *env, unsigned idx, bool *pop)
{
    uint8_t ops[32] __attribute__((aligned(16)));
    uint8_t out[32] __attribute__((aligned(16)));
    int n;
    uint64_t r;

    if ((env->fpuc & FPU_EXC_MASK) != FPU_EXC_MASK || x87_st_empty(env, 0)) {
        return false;
    }
    switch (idx) {
    case X87_MEM(0xd9, 2): case X87_MEM(0xd9, 3): n = 0; break;
    case X87_MEM(0xdd, 2): case X87_MEM(0xdd, 3): n = 1; break;
    case X87_MEM(0xdb, 2): case X87_MEM(0xdb, 3): n = 2; break;
    case X87_MEM(0xdf, 2): case X87_MEM(0xdf, 3): n = 3; break;
    case X87_MEM(0xdf, 7): n = 4; break;
    case X87_MEM(0xdf, 1): n = 5; break;
    case X87_MEM(0xdb, 1): n = 6; break;
    case X87_MEM(0xdd, 1): n = 7; break;
    default:
        return false;
    }
    memcpy(ops, x87_st(env, 0), 10);
    r = x87_fast_call(env, X87_FAST_ST(n), ops, out);
    x87_fast_status(env, r, x87_fast_cmask[X87_FAST_ST(n)]);
    *pop = (idx & 7) != 2;
    return true;
}


/*
 * Which condition codes an instruction writes is not always what the
 * manuals say (AMD keeps C1 on FCOMI, for one), and the fast paths must
 * match the exact path on any host. So each fast stub's set of written
 * C0-C3 bits is learned once from the host, through the exact path: run
 * the corresponding instruction with C0-C3 preset to all ones and to all
 * zeros; the bits that changed are the ones it writes.
 */
static pthread_once_t x87_calib_once = PTHREAD_ONCE_INIT;

/* The exact-path insn a fast stub stands for. */
static unsigned x87_fast_to_slow(unsigned n)
{
    static const uint16_t ld[5] = {
        X87_MEM(0xd9, 0), X87_MEM(0xdd, 0), X87_MEM(0xdb, 0), X87_MEM(0xdf, 0), X87_MEM(0xdf, 5),
    };
    static const uint16_t st[8] = {
        X87_MEM(0xd9, 3), X87_MEM(0xdd, 3), X87_MEM(0xdb, 3), X87_MEM(0xdf, 3),
        X87_MEM(0xdf, 7), X87_MEM(0xdf, 1), X87_MEM(0xdb, 1), X87_MEM(0xdd, 1),
    };

    if (n < 16) {
        return X87_REG(n < 8 ? 0xd8 : 0xdc, 0xc1 + (n & 7) * 8);
    }
    if (n < 48) {
        return X87_MEM(0xd8 + (n - 16) / 8 * 2, (n - 16) % 8);
    }
    if (n < 53) {
        return ld[n - 48];
    }
    if (n < 61) {
        return st[n - 53];
    }
    return n == 61 ? X87_REG(0xdb, 0xe9) : X87_REG(0xdb, 0xf1);
}

/* Run slow insn idx on ST0 = 1.5, ST1 = 2.5 and a small memory operand
 * with C0-C3 = preset; returns the resulting C0-C3. */
static uint16_t x87_calib_run(unsigned idx, uint16_t preset)
{
    static const long double st0 = 1.5L, st1 = 2.5L;
    CPUX86State env;
    X87SaveArea img;
    unsigned esc = idx >= X87_STUB_MEM ? 0xd8 + (idx - X87_STUB_MEM) / 8 : 0;

    memset(&env, 0, sizeof(env));
    x87_reset(&env);
    x87_push_raw(&env, &st1);
    x87_push_raw(&env, &st0);
    if (esc == 0xd8 || esc == 0xd9) {
        float f = 1.5f;
        memcpy(&env.xmm_t0, &f, sizeof(f));
    } else if (esc == 0xdc || esc == 0xdd) {
        double d = 1.5;
        memcpy(&env.xmm_t0, &d, sizeof(d));
    } else {
        env.xmm_t0.q[0] = 3; /* m16/m32/m64 int, m80 ignored */
    }
    env.fpus = preset;
    x87_env_to_image(&env, &img);
    x87_stub(idx)(&img, 0, &env.xmm_t0);
    return img.fsw & FPUS_CC;
}

/* The C0-C3 bits insn idx writes; *value gets what it writes there. */
static uint16_t x87_calib_written(unsigned idx, uint16_t *value)
{
    uint16_t ones = x87_calib_run(idx, FPUS_CC), zeros = x87_calib_run(idx, 0);
    uint16_t written = (ones ^ FPUS_CC) | zeros;

    if (value) {
        *value = ones & written;
    }
    return written;
}

static void x87_calibrate(void)
{
    /* the pure-C paths assume: C1 = 0, C0 C2 C3 kept */
    static const uint16_t pure[] = {
        X87_MEM(0xdb, 5), X87_MEM(0xdb, 7), X87_REG(0xd9, 0xe8), X87_REG(0xd9, 0xee),
        X87_REG(0xd9, 0xc1), X87_REG(0xd9, 0xc9), X87_REG(0xdd, 0xd1), X87_REG(0xdd, 0xd9),
        X87_REG(0xd9, 0xe0), X87_REG(0xd9, 0xe1),
    };
    bool ok = true;

    for (unsigned n = 0; n < X87_NB_FAST; n++) {
        x87_fast_cmask[n] = x87_calib_written(x87_fast_to_slow(n), NULL);
    }
    for (unsigned k = 0; k < sizeof(pure) / sizeof(pure[0]); k++) {
        uint16_t value, written = x87_calib_written(pure[k], &value);
        ok &= written == FPUS_C1 && value == 0;
    }
    x87_fast_c_ok = ok;
}

static inline void x87_calibrate_once(void)
{
    pthread_once(&x87_calib_once, x87_calibrate);
}

bool x87_fast_paths_ok(void)
{
    x87_calibrate_once();
    return x87_fast_c_ok;
}

uint64_t helper_x87_exec(CPUX86State *env, uint32_t idx, uint64_t eflags)
{
    X87SaveArea img;
    uint64_t flags;

    if (!x87_stub_valid(idx)) {
        raise_exception_ra(env, EXCP06_ILLOP, GETPC());
    }
    x87_calibrate_once();
    x87_update_es(env);
    if (!(env->fpus & FPUS_ES)) {
        if (x87_fast_c_ok && x87_fast_exec(env, idx)) {
            return eflags & (CC_C | CC_P | CC_Z);
        }
        flags = eflags & (CC_C | CC_P | CC_Z);
        if (x87_fast_arith(env, idx, &flags)) {
            return flags;
        }
    }
    x87_stub_prepare(env, idx, &img, GETPC());
    flags = x87_stub(idx)(&img, eflags & (CC_C | CC_P | CC_Z), &env->xmm_t0);
    x87_image_to_env(env, &img);
    return flags & CC_ALL;
}

/* The state a store-type insn produced, committed after the guest store.
 * Thread-local: each vCPU (or guest thread) translates and runs on its
 * own host thread. */
static __thread X87SaveArea x87_pending;
static __thread enum {
    X87_PENDING_NONE,
    X87_PENDING_IMAGE,
    X87_PENDING_POP,         /* pop, C1 = 0 */
    X87_PENDING_POP_KEEP_C1, /* pop only */
} x87_pending_kind;

uint32_t helper_x87_store(CPUX86State *env, uint32_t idx)
{
    X87SaveArea in, out;
    bool stored, pop;

    if (!x87_stub_valid(idx)) {
        raise_exception_ra(env, EXCP06_ILLOP, GETPC());
    }
    x87_calibrate_once();
    x87_update_es(env);
    if (x87_fast_c_ok && idx == X87_MEM(0xdb, 7) && !(env->fpus & FPUS_ES) &&
        !x87_st_empty(env, 0)) {
        /* FSTP m80fp: no exception but a stack fault */
        memcpy(&env->xmm_t0, x87_st(env, 0), 10);
        x87_pending_kind = X87_PENDING_POP;
        return 1;
    }
    if (!(env->fpus & FPUS_ES) && x87_fast_store(env, idx, &pop)) {
        /* the status is final already; only the pop waits */
        x87_pending_kind = pop ? X87_PENDING_POP_KEEP_C1 : X87_PENDING_NONE;
        return 1;
    }
    x87_stub_prepare(env, idx, &in, GETPC());
    out = in;
    memset(&env->xmm_t0, 0x5a, sizeof(env->xmm_t0));
    x87_stub(idx)(&out, 0, &env->xmm_t0);
    stored = true;
    if (out.fsw & FPUS_ES) {
        /*
         * An unmasked exception may have suppressed the store. Which
         * ones do depends on the exception and the instruction, so ask
         * the host: run again over a different fill; the insn stored iff
         * either run changed its buffer.
         */
        stored = false;
        for (int i = 0; i < 10; i++) {
            stored |= env->xmm_t0.b[i] != 0x5a;
        }
        if (!stored) {
            X87SaveArea again = in;
            memset(&env->xmm_t0, 0xa5, sizeof(env->xmm_t0));
            x87_stub(idx)(&again, 0, &env->xmm_t0);
            for (int i = 0; i < 10; i++) {
                stored |= env->xmm_t0.b[i] != 0xa5;
            }
        }
    }
    x87_pending = out;
    x87_pending_kind = X87_PENDING_IMAGE;
    return stored;
}

void helper_x87_commit(CPUX86State *env)
{
    if (x87_pending_kind == X87_PENDING_IMAGE) {
        x87_image_to_env(env, &x87_pending);
    } else if (x87_pending_kind == X87_PENDING_POP) {
        x87_pop(env);
        env->fpus &= ~FPUS_C1;
    } else if (x87_pending_kind == X87_PENDING_POP_KEEP_C1) {
        x87_pop(env);
    }
    x87_pending_kind = X87_PENDING_NONE;
}

/* ---------------------------------------------------------------------- */
/* Control instructions                                                     */

void helper_fninit(CPUX86State *env)
{
    x87_reset(env);
}

void helper_fnclex(CPUX86State *env)
{
    /* exception flags, SF, ES and B; C0-C3 stay */
    env->fpus &= FPUS_C0 | FPUS_C1 | FPUS_C2 | FPUS_C3;
}

void helper_fldcw(CPUX86State *env, uint32_t cw)
{
    x87_set_fcw(env, cw);
}

uint32_t helper_fnstsw(CPUX86State *env)
{
    return x87_get_fsw(env);
}

/*
 * The FNSTENV image. Layouts (Intel SDM vol. 1, 8.1.10):
 *  32-bit PM: FCW FSW FTW as dwords (upper halves read 0xFFFF), FIP,
 *             FCS | FOP << 16, FDP, FDS.
 *  32-bit real: FIP[15:0], FIP[31:16] << 12 | FOP, FDP[15:0],
 *             FDP[31:16] << 12 in place of the four pointer dwords.
 *  16-bit: the same as words; real mode keeps FIP/FDP bits 19:16 in
 *             bits 15:12 of the second word.
 */
static void x87_build_env(CPUX86State *env, unsigned fmt, uint8_t *buf)
{
    uint16_t fcw = env->fpuc, fsw = x87_get_fsw(env), ftw = x87_get_ftw(env);
    uint32_t fip = env->fpip, fdp = env->fpdp;
    unsigned top = x87_top(env);
    unsigned n;

    if (fmt & X87_FMT_32) {
        uint32_t w[7];
        w[0] = 0xffff0000u | fcw;
        w[1] = 0xffff0000u | fsw;
        w[2] = 0xffff0000u | ftw;
        if (fmt & X87_FMT_PM) {
            w[3] = fip;
            w[4] = env->fpcs | (uint32_t)(env->fpop & 0x7ff) << 16;
            w[5] = fdp;
            w[6] = 0xffff0000u | env->fpds;
        } else {
            w[3] = 0xffff0000u | (fip & 0xffff);
            w[4] = ((fip >> 16) & 0xffff) << 12 | (env->fpop & 0x7ff);
            w[5] = 0xffff0000u | (fdp & 0xffff);
            w[6] = ((fdp >> 16) & 0xffff) << 12;
        }
        memcpy(buf, w, sizeof(w));
        n = 28;
    } else {
        uint16_t w[7];
        w[0] = fcw;
        w[1] = fsw;
        w[2] = ftw;
        if (fmt & X87_FMT_PM) {
            w[3] = fip;
            w[4] = env->fpcs;
            w[5] = fdp;
            w[6] = env->fpds;
        } else {
            w[3] = fip;
            w[4] = ((fip >> 16) & 0xf) << 12 | (env->fpop & 0x7ff);
            w[5] = fdp;
            w[6] = ((fdp >> 16) & 0xf) << 12;
        }
        memcpy(buf, w, sizeof(w));
        n = 14;
    }
    if (fmt & X87_FMT_REGS) {
        for (int i = 0; i < 8; i++) {
            memcpy(buf + n + 10 * i, &env->fpregs[(top + i) & 7], 10);
        }
    }
}

uint64_t helper_x87_env_get(CPUX86State *env, uint32_t fmt, uint32_t off)
{
    uint8_t buf[108 + 8] = { 0 };
    uint64_t v;

    x87_build_env(env, fmt, buf);
    if (off > 108) {
        return 0;
    }
    memcpy(&v, buf + off, 8);
    return v;
}

void helper_x87_save_done(CPUX86State *env, uint32_t fmt)
{
    if (fmt & X87_FMT_REGS) {
        x87_reset(env);          /* FNSAVE ends with FNINIT */
    } else {
        env->fpuc |= FPU_EXC_MASK; /* FNSTENV masks all exceptions */
        x87_update_es(env);
    }
}

static __thread uint8_t x87_staging[108 + 8];

void helper_x87_env_put(CPUX86State *env, uint32_t off, uint64_t val)
{
    if (off <= 108) {
        memcpy(x87_staging + off, &val, 8);
    }
}

void helper_x87_env_load(CPUX86State *env, uint32_t fmt)
{
    const uint8_t *buf = x87_staging;
    uint16_t fcw, fsw, ftw;
    unsigned n, top;

    if (fmt & X87_FMT_32) {
        uint32_t w[7];
        memcpy(w, buf, sizeof(w));
        fcw = w[0];
        fsw = w[1];
        ftw = w[2];
        if (fmt & X87_FMT_PM) {
            env->fpip = w[3];
            env->fpcs = w[4] & 0xffff;
            env->fpop = (w[4] >> 16) & 0x7ff;
            env->fpdp = w[5];
            env->fpds = w[6] & 0xffff;
        } else {
            env->fpip = (w[3] & 0xffff) | ((w[4] >> 12) & 0xffff) << 16;
            env->fpop = w[4] & 0x7ff;
            env->fpdp = (w[5] & 0xffff) | ((w[6] >> 12) & 0xffff) << 16;
            env->fpcs = 0;
            env->fpds = 0;
        }
        n = 28;
    } else {
        uint16_t w[7];
        memcpy(w, buf, sizeof(w));
        fcw = w[0];
        fsw = w[1];
        ftw = w[2];
        if (fmt & X87_FMT_PM) {
            env->fpip = w[3];
            env->fpcs = w[4];
            env->fpdp = w[5];
            env->fpds = w[6];
        } else {
            env->fpip = w[3] | (uint32_t)(w[4] >> 12) << 16;
            env->fpop = w[4] & 0x7ff;
            env->fpdp = w[5] | (uint32_t)(w[6] >> 12) << 16;
            env->fpcs = 0;
            env->fpds = 0;
        }
        n = 14;
    }
    top = (fsw >> 11) & 7;
    if (fmt & X87_FMT_REGS) {
        for (int i = 0; i < 8; i++) {
            FPReg *r = &env->fpregs[(top + i) & 7];
            memcpy(r, buf + n + 10 * i, 10);
            memset((char *)r + 10, 0, sizeof(*r) - 10);
        }
    }
    for (int i = 0; i < 8; i++) {
        env->fptags[i] = ((ftw >> (2 * i)) & 3) == 3;
    }
    env->fpuc = (fcw & 0x1f3f) | 0x0040;
    x87_set_fsw(env, fsw);
}
