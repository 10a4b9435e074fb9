/*
 * Random instruction-stream tester.
 *
 *   randgen SEED COUNT            one line per sequence: "N hash"
 *   randgen SEED COUNT -only N    the full state dump and the code bytes
 *                                 of sequence N (COUNT is ignored)
 *
 * For each sequence the program generates, from a deterministic PRNG, a
 * random initial state (GPRs, arithmetic flags, XMM0-15, MXCSR rounding,
 * x87 control word, a 256-byte scratch area) and 8..40 random valid,
 * non-faulting instructions (ALU, shifts, multiply and guarded divide, bit
 * ops, CMOVcc/SETcc, moves, LEA, XCHG/XADD/CMPXCHG, SSE/SSE2 integer and
 * float ops on XMM0-15, a few x87 ops), writes them as machine code into
 * a fresh page of an executable mapping (a fresh page each time, so the
 * test does not depend on self-modifying-code detection), runs them from
 * a wrapper that loads and saves the whole state, and dumps the state.
 * The same binary with the same seed produces the same code natively and
 * under tern, so the outputs must be identical.
 *
 * Only defined state is dumped: the generator tracks, per arithmetic flag,
 * whether its value is architecturally defined after the instructions so
 * far, only emits a flag reader (ADC, SBB, RCL, RCR, CMOVcc, SETcc) when
 * the flags it reads are defined, and masks the rest. Results that would
 * be undefined (BSF/BSR of zero, a DIV that would fault) are avoided by
 * construction (set a bit first; zero-extend and make the divisor
 * positive). Memory operands are RIP-relative into the sequence's scratch
 * area. RSP is never an operand.
 */
#include "common.h"
#include <setjmp.h>
#include <stdarg.h>
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>

/* ---- the state and the wrapper that runs a sequence on it ---- */

typedef struct RgState {
    uint64_t gpr[16];     /* 0 */
    uint64_t rflags;      /* 128 */
    uint32_t mxcsr;       /* 136 */
    uint16_t fcw;         /* 140 */
    uint16_t pad;
    uint8_t xmm[16][16];  /* 144 */
    uint8_t fsave[108];   /* 400 */
} RgState;

_Static_assert(__builtin_offsetof(RgState, rflags) == 128, "layout");
_Static_assert(__builtin_offsetof(RgState, mxcsr) == 136, "layout");
_Static_assert(__builtin_offsetof(RgState, fcw) == 140, "layout");
_Static_assert(__builtin_offsetof(RgState, xmm) == 144, "layout");
_Static_assert(__builtin_offsetof(RgState, fsave) == 400, "layout");

void rg_run(RgState *s, void *code);
void *rg_entry;

#define XMM_LOAD(n) "movdqu " #n "*16+144(%rdi), %xmm" #n "\n"
#define XMM_STORE(n) "movdqu %xmm" #n ", " #n "*16+144(%rdi)\n"
asm(".text\n"
    ".globl rg_run\n"
    "rg_run:\n"
    "push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
    "push %rdi\n"
    "mov %rsi, rg_entry(%rip)\n"
    XMM_LOAD(0) XMM_LOAD(1) XMM_LOAD(2) XMM_LOAD(3) XMM_LOAD(4) XMM_LOAD(5)
    XMM_LOAD(6) XMM_LOAD(7) XMM_LOAD(8) XMM_LOAD(9) XMM_LOAD(10) XMM_LOAD(11)
    XMM_LOAD(12) XMM_LOAD(13) XMM_LOAD(14) XMM_LOAD(15)
    "ldmxcsr 136(%rdi)\n"
    "fninit\n fldcw 140(%rdi)\n"
    "pushq 128(%rdi)\n popfq\n"
    "mov 0(%rdi), %rax\n mov 8(%rdi), %rcx\n mov 16(%rdi), %rdx\n mov 24(%rdi), %rbx\n"
    "mov 40(%rdi), %rbp\n mov 48(%rdi), %rsi\n"
    "mov 64(%rdi), %r8\n mov 72(%rdi), %r9\n mov 80(%rdi), %r10\n mov 88(%rdi), %r11\n"
    "mov 96(%rdi), %r12\n mov 104(%rdi), %r13\n mov 112(%rdi), %r14\n mov 120(%rdi), %r15\n"
    "mov 56(%rdi), %rdi\n"
    "call *rg_entry(%rip)\n"
    "pushfq\n"
    "push %rdi\n"
    "mov 16(%rsp), %rdi\n"
    "popq 56(%rdi)\n"
    "popq 128(%rdi)\n"
    "mov %rax, 0(%rdi)\n mov %rcx, 8(%rdi)\n mov %rdx, 16(%rdi)\n mov %rbx, 24(%rdi)\n"
    "mov %rbp, 40(%rdi)\n mov %rsi, 48(%rdi)\n"
    "mov %r8, 64(%rdi)\n mov %r9, 72(%rdi)\n mov %r10, 80(%rdi)\n mov %r11, 88(%rdi)\n"
    "mov %r12, 96(%rdi)\n mov %r13, 104(%rdi)\n mov %r14, 112(%rdi)\n mov %r15, 120(%rdi)\n"
    XMM_STORE(0) XMM_STORE(1) XMM_STORE(2) XMM_STORE(3) XMM_STORE(4) XMM_STORE(5)
    XMM_STORE(6) XMM_STORE(7) XMM_STORE(8) XMM_STORE(9) XMM_STORE(10) XMM_STORE(11)
    XMM_STORE(12) XMM_STORE(13) XMM_STORE(14) XMM_STORE(15)
    "stmxcsr 136(%rdi)\n"
    "fnsave 400(%rdi)\n"
    "mov $0x1f80, %eax\n push %rax\n ldmxcsr (%rsp)\n pop %rax\n"
    "cld\n"
    "pop %rdi\n"
    "pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
    "ret\n");

/* ---- PRNG ---- */

static uint64_t rng;
static uint64_t rnd(void)
{
    return tcg_rand(&rng);
}
static unsigned rn(unsigned n)
{
    return (unsigned)(rnd() % n);
}

/* ---- the code builder ---- */

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI };

typedef struct Gen {
    uint8_t *code;      /* start of the sequence */
    size_t len;         /* bytes emitted */
    uint8_t *scratch;   /* the sequence's data (256 bytes) */
    unsigned known;     /* arithmetic flags currently defined */
    int fdepth;         /* x87 stack depth */
    int x87_used;
    /* the instruction being built: where its rip-relative disp goes */
    size_t insn_start, disp_pos;
    int has_disp;
    size_t disp_target;
} Gen;

static int g_have_ssse3, g_have_sse41, g_have_popcnt, g_have_bmi1, g_have_abm, g_have_daz;

static void b(Gen *g, uint8_t x)
{
    g->code[g->len++] = x;
}
static void b32(Gen *g, uint32_t x)
{
    memcpy(g->code + g->len, &x, 4);
    g->len += 4;
}
static void b16(Gen *g, uint16_t x)
{
    memcpy(g->code + g->len, &x, 2);
    g->len += 2;
}
static void begin(Gen *g)
{
    g->insn_start = g->len;
    g->has_disp = 0;
}
/* Patch the RIP-relative displacement once the instruction is complete. */
static void end(Gen *g)
{
    if (g->has_disp) {
        int64_t d = (int64_t)(uintptr_t)(g->scratch + g->disp_target) -
                    (int64_t)(uintptr_t)(g->code + g->len);
        int32_t d32 = (int32_t)d;
        memcpy(g->code + g->disp_pos, &d32, 4);
    }
}

/* Operand-size prefix and REX for a reg/reg or reg/mem instruction. */
static void prefix(Gen *g, int size, int reg, int rm, int rex_force)
{
    unsigned rex = 0x40;
    if (size == 16) {
        b(g, 0x66);
    }
    if (size == 64) {
        rex |= 8;
    }
    if (reg & 8) {
        rex |= 4;
    }
    if (rm & 8) {
        rex |= 1;
    }
    if (rex != 0x40 || rex_force) {
        b(g, (uint8_t)rex);
    }
}
static void modrm_rr(Gen *g, int reg, int rm)
{
    b(g, (uint8_t)(0xc0 | (reg & 7) << 3 | (rm & 7)));
}
/* ModRM for [rip + disp32] pointing at scratch offset OFF. */
static void modrm_mem(Gen *g, int reg, size_t off)
{
    b(g, (uint8_t)(0x05 | (reg & 7) << 3));
    g->has_disp = 1;
    g->disp_pos = g->len;
    g->disp_target = off;
    b32(g, 0);
}

/* A general register other than RSP. */
static int greg(void)
{
    int r;
    do {
        r = (int)rn(16);
    } while (r == RSP);
    return r;
}
static int rand_size(void)
{
    static const int sizes[] = { 8, 16, 32, 64, 64, 32 };
    return sizes[rn(6)];
}

/*
 * Pick the registers for an 8-bit instruction: either both below 8
 * without REX (4..7 are AH CH DH BH), or with REX (4 would be SPL: never).
 */
static void pick8(int *reg, int *rm, int *rex_force)
{
    if (rn(2)) {
        *reg = (int)rn(8);
        *rm = (int)rn(8);
        *rex_force = 0;
    } else {
        *reg = greg();
        *rm = greg();
        *rex_force = 1;
    }
}

/* Flags used by each condition code. */
static unsigned cc_reads(int cc)
{
    switch (cc >> 1) {
    case 0: return F_OF;
    case 1: return F_CF;
    case 2: return F_ZF;
    case 3: return F_CF | F_ZF;
    case 4: return F_SF;
    case 5: return F_PF;
    case 6: return F_SF | F_OF;
    default: return F_ZF | F_SF | F_OF;
    }
}

/* Update the known-flag set: DEF become defined, UNDEF undefined. */
static void flags(Gen *g, unsigned def, unsigned undef)
{
    g->known = (g->known | def) & ~undef;
}

static size_t mem_off(int size)
{
    /* Sometimes misaligned: x86 allows it for these instructions. */
    size_t bytes = (size_t)(size / 8);
    size_t off = rn(2) ? rn(256 / bytes) * bytes : rn((unsigned)(256 - bytes + 1));
    return off;
}

/* ---- instruction classes ---- */

static void gen_alu(Gen *g)
{
    int op = (int)rn(8); /* add or adc sbb and sub xor cmp */
    int size = rand_size();
    int form = (int)rn(5);
    unsigned def = (op == 1 || op == 4 || op == 6) ? F_LOGIC : F_ARITH;
    unsigned undef = (op == 1 || op == 4 || op == 6) ? F_AF : 0;

    if ((op == 2 || op == 3) && !(g->known & F_CF)) {
        op = 0;
        def = F_ARITH;
        undef = 0;
    }
    begin(g);
    if (form <= 1) { /* r/m, reg or reg, r/m with registers */
        int reg, rm, rf = 0;
        if (size == 8) {
            pick8(&reg, &rm, &rf);
        } else {
            reg = greg();
            rm = greg();
        }
        prefix(g, size, reg, rm, rf);
        b(g, (uint8_t)(op * 8 + (size == 8 ? 0 : 1) + (form ? 2 : 0)));
        modrm_rr(g, reg, rm);
    } else if (form == 2) { /* immediate */
        int rm = greg(), rf = 0;
        if (size == 8) {
            int dummy;
            pick8(&dummy, &rm, &rf);
        }
        prefix(g, size, 0, rm, rf);
        if (size == 8) {
            b(g, 0x80);
            modrm_rr(g, op, rm);
            b(g, (uint8_t)rnd());
        } else if (rn(2)) {
            b(g, 0x83);
            modrm_rr(g, op, rm);
            b(g, (uint8_t)rnd());
        } else {
            b(g, 0x81);
            modrm_rr(g, op, rm);
            if (size == 16) {
                b16(g, (uint16_t)rnd());
            } else {
                b32(g, (uint32_t)rnd());
            }
        }
    } else { /* memory operand, either direction */
        int reg = greg(), rf = 0;
        if (size == 8) {
            int dummy;
            pick8(&reg, &dummy, &rf);
        }
        prefix(g, size, reg, 0, rf);
        b(g, (uint8_t)(op * 8 + (size == 8 ? 0 : 1) + (form == 3 ? 2 : 0)));
        modrm_mem(g, reg, mem_off(size));
    }
    end(g);
    flags(g, def, undef);
}

static void gen_unary(Gen *g)
{
    static const struct {
        uint8_t op8, op, ext;
        unsigned def;
    } u[] = { { 0xfe, 0xff, 0, F_ARITH & ~F_CF }, /* inc */
              { 0xfe, 0xff, 1, F_ARITH & ~F_CF }, /* dec */
              { 0xf6, 0xf7, 2, 0 },               /* not */
              { 0xf6, 0xf7, 3, F_ARITH },         /* neg */
              { 0x84, 0x85, 0xff, F_LOGIC } };    /* test r, r */
    int k = (int)rn(5), size = rand_size(), reg = greg(), rm = greg(), rf = 0;

    if (size == 8) {
        pick8(&reg, &rm, &rf);
    }
    begin(g);
    prefix(g, size, u[k].ext == 0xff ? reg : 0, rm, rf);
    b(g, size == 8 ? u[k].op8 : u[k].op);
    modrm_rr(g, u[k].ext == 0xff ? reg : u[k].ext, rm);
    end(g);
    flags(g, u[k].def, k == 4 ? F_AF : 0);
}

static void gen_shift(Gen *g)
{
    int op = (int)rn(7);
    int size = rand_size(), rm = greg(), rf = 0, dummy;
    int form = (int)rn(3); /* 0: imm, 1: by 1, 2: by CL */
    unsigned width = (unsigned)size, mask = size == 64 ? 63 : 31;

    if (op == 6) {
        op = 7; /* sar; /6 is an alias we do not generate */
    }
    if ((op == 2 || op == 3) && !(g->known & F_CF)) {
        op = 0; /* RCL/RCR read CF */
    }
    if (size == 8) {
        pick8(&dummy, &rm, &rf);
    }
    begin(g);
    prefix(g, size, 0, rm, rf);
    if (form == 0) {
        unsigned count = rn(2) ? rn(width + 2) : (unsigned)rnd() & 0xff;
        unsigned mc = count & mask;
        b(g, size == 8 ? 0xc0 : 0xc1);
        modrm_rr(g, op, rm);
        b(g, (uint8_t)count);
        end(g);
        if (mc == 0) {
            return;
        }
        if (op <= 3) { /* rotates: CF, and OF for 1 */
            flags(g, F_CF | (mc == 1 ? F_OF : 0), mc == 1 ? 0 : F_OF);
        } else {
            unsigned def = F_SF | F_ZF | F_PF | F_CF | (mc == 1 ? F_OF : 0);
            unsigned undef = F_AF | (mc == 1 ? 0 : F_OF);
            if (op != 7 && mc >= width) {
                def &= ~F_CF;
                undef |= F_CF;
            }
            flags(g, def, undef);
        }
    } else if (form == 1) {
        b(g, size == 8 ? 0xd0 : 0xd1);
        modrm_rr(g, op, rm);
        end(g);
        if (op <= 3) {
            flags(g, F_CF | F_OF, 0);
        } else {
            flags(g, F_SF | F_ZF | F_PF | F_CF | F_OF, F_AF);
        }
    } else {
        /* By CL: the count is unknown here. A zero count changes nothing,
         * any other defines CF (rotates) or CF SF ZF PF (shifts): so those
         * stay defined only if they already were. */
        b(g, size == 8 ? 0xd2 : 0xd3);
        modrm_rr(g, op, rm);
        end(g);
        unsigned undef = F_OF | (op <= 3 ? 0 : F_AF);
        if (op >= 4 && size <= 16) {
            undef |= F_CF; /* a count >= the width leaves CF undefined */
        }
        flags(g, 0, undef);
    }
}

static void gen_shld(Gen *g)
{
    int size = rn(2) ? 32 : 64, reg = greg(), rm = greg();
    int right = (int)rn(2);
    begin(g);
    prefix(g, size, reg, rm, 0);
    b(g, 0x0f);
    if (rn(2)) {
        unsigned count = rn(70), mc = count & (size == 64 ? 63 : 31);
        b(g, right ? 0xac : 0xa4);
        modrm_rr(g, reg, rm);
        b(g, (uint8_t)count);
        end(g);
        if (mc) {
            flags(g, F_CF | F_SF | F_ZF | F_PF | (mc == 1 ? F_OF : 0),
                  F_AF | (mc == 1 ? 0 : F_OF));
        }
    } else {
        b(g, right ? 0xad : 0xa5);
        modrm_rr(g, reg, rm);
        end(g);
        flags(g, 0, F_OF | F_AF);
    }
}

static void gen_mul(Gen *g)
{
    int k = (int)rn(4);
    begin(g);
    if (k == 0) { /* mul/imul r/m: one operand */
        int size = rand_size(), rm = greg(), rf = 0, dummy;
        if (size == 8) {
            pick8(&dummy, &rm, &rf);
        }
        prefix(g, size, 0, rm, rf);
        b(g, size == 8 ? 0xf6 : 0xf7);
        modrm_rr(g, rn(2) ? 4 : 5, rm);
    } else if (k == 1) { /* imul r, r/m */
        int size = 16 << rn(3), reg = greg(), rm = greg();
        prefix(g, size, reg, rm, 0);
        b(g, 0x0f);
        b(g, 0xaf);
        modrm_rr(g, reg, rm);
    } else if (k == 2) { /* imul r, r/m, imm8 */
        int size = 16 << rn(3), reg = greg(), rm = greg();
        prefix(g, size, reg, rm, 0);
        b(g, 0x6b);
        modrm_rr(g, reg, rm);
        b(g, (uint8_t)rnd());
    } else { /* imul r, [mem], imm32 */
        int size = rn(2) ? 32 : 64, reg = greg();
        prefix(g, size, reg, 0, 0);
        b(g, 0x69);
        modrm_mem(g, reg, mem_off(size));
        b32(g, (uint32_t)rnd());
    }
    end(g);
    flags(g, F_CF | F_OF, F_SF | F_ZF | F_AF | F_PF);
}

/* DIV/IDIV made safe: see the file comment. */
static void gen_div(Gen *g)
{
    int sgn = (int)rn(2);
    int size = 8 << rn(4);
    int d;

    do {
        d = greg();
    } while (d == RAX || d == RDX || (size == 8 && d >= 4));
    /* divisor: shr d, 1; or d, 1  -> positive and nonzero */
    begin(g);
    prefix(g, size, 0, d, 0);
    b(g, size == 8 ? 0xd0 : 0xd1);
    modrm_rr(g, 5, d);
    end(g);
    begin(g);
    prefix(g, size, 0, d, 0);
    b(g, size == 8 ? 0x80 : 0x83);
    modrm_rr(g, 1, d);
    b(g, 1);
    end(g);
    /* dividend: AX = AL extended (8 bits), or rDX = 0 / sign of rAX */
    begin(g);
    if (size == 8) {
        b(g, 0x66);
        b(g, 0x0f);
        b(g, sgn ? 0xbe : 0xb6);
        modrm_rr(g, RAX, RAX); /* movsx/movzx ax, al */
    } else if (sgn) {
        prefix(g, size, 0, 0, 0);
        b(g, 0x99); /* cwd / cdq / cqo */
    } else {
        b(g, 0x31);
        modrm_rr(g, RDX, RDX); /* xor edx, edx */
    }
    end(g);
    begin(g);
    prefix(g, size, 0, d, 0);
    b(g, size == 8 ? 0xf6 : 0xf7);
    modrm_rr(g, sgn ? 7 : 6, d);
    end(g);
    flags(g, 0, F_ARITH);
}

static void gen_bits(Gen *g)
{
    int k = (int)rn(6), size = 16 << rn(3), reg = greg(), rm = greg();
    begin(g);
    if (k == 0) { /* bt/bts/btr/btc r, r */
        static const uint8_t ops[] = { 0xa3, 0xab, 0xb3, 0xbb };
        prefix(g, size, reg, rm, 0);
        b(g, 0x0f);
        b(g, ops[rn(4)]);
        modrm_rr(g, reg, rm);
        end(g);
        flags(g, F_CF, F_OF | F_SF | F_AF | F_PF);
    } else if (k == 1) { /* bt* r, imm */
        prefix(g, size, 0, rm, 0);
        b(g, 0x0f);
        b(g, 0xba);
        modrm_rr(g, 4 + (int)rn(4), rm);
        b(g, (uint8_t)rnd());
        end(g);
        flags(g, F_CF, F_OF | F_SF | F_AF | F_PF);
    } else if (k == 2) { /* bts src, imm; bsf/bsr dst, src */
        prefix(g, size, 0, rm, 0);
        b(g, 0x0f);
        b(g, 0xba);
        modrm_rr(g, 5, rm);
        b(g, (uint8_t)rn((unsigned)size));
        end(g);
        begin(g);
        prefix(g, size, reg, rm, 0);
        b(g, 0x0f);
        b(g, rn(2) ? 0xbc : 0xbd);
        modrm_rr(g, reg, rm);
        end(g);
        flags(g, F_ZF, F_CF | F_OF | F_SF | F_AF | F_PF);
    } else if (k == 3 && (g_have_bmi1 || g_have_abm || g_have_popcnt)) {
        int which;
        do {
            which = (int)rn(3);
        } while (!(which == 0 ? g_have_bmi1 : which == 1 ? g_have_abm : g_have_popcnt));
        b(g, 0xf3);
        prefix(g, size, reg, rm, 0);
        b(g, 0x0f);
        b(g, which == 0 ? 0xbc : which == 1 ? 0xbd : 0xb8);
        modrm_rr(g, reg, rm);
        end(g);
        if (which == 2) {
            flags(g, F_ARITH, 0);
        } else {
            flags(g, F_CF | F_ZF, F_OF | F_SF | F_AF | F_PF);
        }
    } else if (k == 4) { /* bswap 32/64 */
        prefix(g, size == 64 ? 64 : 32, 0, rm, 0);
        b(g, 0x0f);
        b(g, (uint8_t)(0xc8 + (rm & 7)));
        end(g);
    } else { /* xadd / cmpxchg / xchg r, r */
        int op = (int)rn(3);
        prefix(g, size, reg, rm, 0);
        if (op == 2) {
            b(g, 0x87);
        } else {
            b(g, 0x0f);
            b(g, op ? 0xb1 : 0xc1);
        }
        modrm_rr(g, reg, rm);
        end(g);
        if (op != 2) {
            flags(g, F_ARITH, 0);
        }
    }
}

static void gen_cond(Gen *g)
{
    int cc, tries = 0;
    do {
        cc = (int)rn(16);
    } while ((cc_reads(cc) & ~g->known) && ++tries < 20);
    if (cc_reads(cc) & ~g->known) {
        /* Nothing readable: define all flags with a compare first. */
        int reg = greg(), rm = greg();
        begin(g);
        prefix(g, 64, reg, rm, 0);
        b(g, 0x39);
        modrm_rr(g, reg, rm);
        end(g);
        flags(g, F_ARITH, 0);
    }
    begin(g);
    if (rn(2)) { /* setcc r8 */
        int reg, rm, rf;
        pick8(&reg, &rm, &rf);
        prefix(g, 8, 0, rm, rf);
        b(g, 0x0f);
        b(g, (uint8_t)(0x90 + cc));
        modrm_rr(g, 0, rm);
    } else if (rn(4)) { /* cmovcc r, r */
        int size = 16 << rn(3), reg = greg(), rm = greg();
        prefix(g, size, reg, rm, 0);
        b(g, 0x0f);
        b(g, (uint8_t)(0x40 + cc));
        modrm_rr(g, reg, rm);
    } else { /* cmovcc r, [mem] */
        int size = rn(2) ? 32 : 64, reg = greg();
        prefix(g, size, reg, 0, 0);
        b(g, 0x0f);
        b(g, (uint8_t)(0x40 + cc));
        modrm_mem(g, reg, mem_off(size));
    }
    end(g);
}

static void gen_move(Gen *g)
{
    int k = (int)rn(7), reg = greg(), rm = greg();
    begin(g);
    switch (k) {
    case 0: /* mov r64, imm64 */
        prefix(g, 64, 0, rm, 0);
        b(g, (uint8_t)(0xb8 + (rm & 7)));
        b32(g, (uint32_t)rnd());
        b32(g, (uint32_t)rnd());
        break;
    case 1: { /* mov r, r (all sizes) */
        int size = rand_size(), rf = 0;
        if (size == 8) {
            pick8(&reg, &rm, &rf);
        }
        prefix(g, size, reg, rm, rf);
        b(g, size == 8 ? 0x88 : 0x89);
        modrm_rr(g, reg, rm);
        break;
    }
    case 2: { /* movzx/movsx r, r8/r16 */
        int src8 = (int)rn(2), size = rn(2) ? 32 : 64, rf = 0;
        if (src8) {
            if (size == 32 && rn(2)) {
                /* no REX: the source may be AH..BH; the destination
                 * must then be a low register (and never RSP) */
                static const int low[] = { RAX, RCX, RDX, RBX, RBP, RSI, RDI };
                reg = low[rn(7)];
                rm = (int)rn(8);
            } else {
                rf = 1; /* REX: 4..7 are SPL..DIL, and greg() never gives 4 */
            }
        }
        prefix(g, size, reg, rm, rf);
        b(g, 0x0f);
        b(g, (uint8_t)((rn(2) ? 0xb6 : 0xbe) + (src8 ? 0 : 1)));
        modrm_rr(g, reg, rm);
        break;
    }
    case 3: /* movsxd */
        prefix(g, 64, reg, rm, 0);
        b(g, 0x63);
        modrm_rr(g, reg, rm);
        break;
    case 4: { /* lea with base, index, scale and displacement */
        int size = rn(2) ? 32 : 64, base = greg(), index = greg();
        unsigned rex = 0x40 | (size == 64 ? 8 : 0) | (reg & 8 ? 4 : 0) | (index & 8 ? 2 : 0) |
                       (base & 8 ? 1 : 0);
        if (rex != 0x40) {
            b(g, (uint8_t)rex);
        }
        b(g, 0x8d);
        b(g, (uint8_t)(0x84 | (reg & 7) << 3)); /* mod=10, rm=SIB */
        b(g, (uint8_t)(rn(4) << 6 | (index & 7) << 3 | (base & 7)));
        b32(g, (uint32_t)rnd());
        break;
    }
    case 5: { /* load or store with the scratch area */
        int size = rand_size(), rf = 0, dummy;
        if (size == 8) {
            pick8(&reg, &dummy, &rf);
        }
        prefix(g, size, reg, 0, rf);
        b(g, (uint8_t)((size == 8 ? 0x88 : 0x89) + (rn(2) ? 2 : 0)));
        modrm_mem(g, reg, mem_off(size));
        break;
    }
    default: /* xchg r, [mem] (implicitly locked) */
        prefix(g, 64, reg, 0, 0);
        b(g, 0x87);
        modrm_mem(g, reg, rn(32) * 8);
        break;
    }
    end(g);
}

/* SSE/SSE2 (and gated SSSE3/SSE4.1) register and memory operations. */
typedef struct SseOp {
    uint8_t pfx;        /* 0, 0x66, 0xf2, 0xf3 */
    uint8_t op[3];      /* after 0F */
    uint8_t oplen;
    uint8_t imm;        /* has an imm8 */
    uint8_t need;       /* 0: sse/sse2, 1: ssse3, 2: sse41 */
    uint8_t setflags;   /* comis/ptest */
} SseOp;
static const SseOp sse_ops[] = {
    { 0x00, { 0x58 }, 1, 0, 0, 0 }, { 0x00, { 0x59 }, 1, 0, 0, 0 }, /* addps mulps */
    { 0x00, { 0x5c }, 1, 0, 0, 0 }, { 0x00, { 0x5e }, 1, 0, 0, 0 }, /* subps divps */
    { 0x00, { 0x5d }, 1, 0, 0, 0 }, { 0x00, { 0x5f }, 1, 0, 0, 0 }, /* minps maxps */
    { 0x00, { 0x51 }, 1, 0, 0, 0 }, { 0x00, { 0x54 }, 1, 0, 0, 0 }, /* sqrtps andps */
    { 0x00, { 0x57 }, 1, 0, 0, 0 }, { 0x00, { 0x14 }, 1, 0, 0, 0 }, /* xorps unpcklps */
    { 0x00, { 0xc6 }, 1, 1, 0, 0 }, { 0x00, { 0xc2 }, 1, 1, 0, 0 }, /* shufps cmpps */
    { 0xf3, { 0x58 }, 1, 0, 0, 0 }, { 0xf3, { 0x59 }, 1, 0, 0, 0 }, /* addss mulss */
    { 0xf3, { 0x5e }, 1, 0, 0, 0 }, { 0xf3, { 0x51 }, 1, 0, 0, 0 }, /* divss sqrtss */
    { 0x66, { 0x58 }, 1, 0, 0, 0 }, { 0x66, { 0x59 }, 1, 0, 0, 0 }, /* addpd mulpd */
    { 0x66, { 0x5e }, 1, 0, 0, 0 }, { 0x66, { 0x5d }, 1, 0, 0, 0 }, /* divpd minpd */
    { 0xf2, { 0x58 }, 1, 0, 0, 0 }, { 0xf2, { 0x5c }, 1, 0, 0, 0 }, /* addsd subsd */
    { 0xf2, { 0x59 }, 1, 0, 0, 0 }, { 0xf2, { 0x51 }, 1, 0, 0, 0 }, /* mulsd sqrtsd */
    { 0x66, { 0x5a }, 1, 0, 0, 0 }, { 0x00, { 0x5a }, 1, 0, 0, 0 }, /* cvtpd2ps cvtps2pd */
    { 0x00, { 0x5b }, 1, 0, 0, 0 }, { 0x66, { 0x5b }, 1, 0, 0, 0 }, /* cvtdq2ps cvtps2dq */
    { 0xf3, { 0x5b }, 1, 0, 0, 0 }, { 0xf2, { 0xe6 }, 1, 0, 0, 0 }, /* cvttps2dq cvtpd2dq */
    { 0xf3, { 0xe6 }, 1, 0, 0, 0 }, { 0xf2, { 0x5a }, 1, 0, 0, 0 }, /* cvtdq2pd cvtsd2ss */
    { 0x66, { 0x2f }, 1, 0, 0, 1 }, { 0x00, { 0x2e }, 1, 0, 0, 1 }, /* comisd ucomiss */
    { 0x66, { 0xfc }, 1, 0, 0, 0 }, { 0x66, { 0xfd }, 1, 0, 0, 0 }, /* paddb paddw */
    { 0x66, { 0xfe }, 1, 0, 0, 0 }, { 0x66, { 0xd4 }, 1, 0, 0, 0 }, /* paddd paddq */
    { 0x66, { 0xf8 }, 1, 0, 0, 0 }, { 0x66, { 0xfb }, 1, 0, 0, 0 }, /* psubb psubq */
    { 0x66, { 0xec }, 1, 0, 0, 0 }, { 0x66, { 0xdd }, 1, 0, 0, 0 }, /* paddsb paddusw */
    { 0x66, { 0xd5 }, 1, 0, 0, 0 }, { 0x66, { 0xe5 }, 1, 0, 0, 0 }, /* pmullw pmulhw */
    { 0x66, { 0xf4 }, 1, 0, 0, 0 }, { 0x66, { 0xf5 }, 1, 0, 0, 0 }, /* pmuludq pmaddwd */
    { 0x66, { 0xf6 }, 1, 0, 0, 0 }, { 0x66, { 0xe0 }, 1, 0, 0, 0 }, /* psadbw pavgb */
    { 0x66, { 0x74 }, 1, 0, 0, 0 }, { 0x66, { 0x66 }, 1, 0, 0, 0 }, /* pcmpeqb pcmpgtd */
    { 0x66, { 0x63 }, 1, 0, 0, 0 }, { 0x66, { 0x67 }, 1, 0, 0, 0 }, /* packsswb packuswb */
    { 0x66, { 0x60 }, 1, 0, 0, 0 }, { 0x66, { 0x6d }, 1, 0, 0, 0 }, /* punpcklbw punpckhqdq */
    { 0x66, { 0xdb }, 1, 0, 0, 0 }, { 0x66, { 0xdf }, 1, 0, 0, 0 }, /* pand pandn */
    { 0x66, { 0xeb }, 1, 0, 0, 0 }, { 0x66, { 0xef }, 1, 0, 0, 0 }, /* por pxor */
    { 0x66, { 0xf1 }, 1, 0, 0, 0 }, { 0x66, { 0xe2 }, 1, 0, 0, 0 }, /* psllw psrad */
    { 0x66, { 0xd3 }, 1, 0, 0, 0 }, { 0x66, { 0x70 }, 1, 1, 0, 0 }, /* psrlq pshufd */
    { 0xf3, { 0x70 }, 1, 1, 0, 0 }, { 0xf2, { 0x70 }, 1, 1, 0, 0 }, /* pshufhw pshuflw */
    { 0x66, { 0xda }, 1, 0, 0, 0 }, { 0x66, { 0xee }, 1, 0, 0, 0 }, /* pminub pmaxsw */
    { 0xf3, { 0x7e }, 1, 0, 0, 0 }, { 0x66, { 0xc6 }, 1, 1, 0, 0 }, /* movq shufpd */
    { 0x66, { 0x38, 0x00 }, 2, 0, 1, 0 }, { 0x66, { 0x38, 0x04 }, 2, 0, 1, 0 }, /* pshufb pmaddubsw */
    { 0x66, { 0x38, 0x0b }, 2, 0, 1, 0 }, { 0x66, { 0x3a, 0x0f }, 2, 1, 1, 0 }, /* pmulhrsw palignr */
    { 0x66, { 0x38, 0x40 }, 2, 0, 2, 0 }, { 0x66, { 0x38, 0x39 }, 2, 0, 2, 0 }, /* pmulld pminsd */
    { 0x66, { 0x38, 0x17 }, 2, 0, 2, 1 }, { 0x66, { 0x3a, 0x0e }, 2, 1, 2, 0 }, /* ptest pblendw */
    { 0x66, { 0x3a, 0x0a }, 2, 1, 2, 0 }, { 0x66, { 0x38, 0x2b }, 2, 0, 2, 0 }, /* roundss packusdw */
};

static void gen_sse(Gen *g)
{
    const SseOp *o;
    do {
        o = &sse_ops[rn(sizeof(sse_ops) / sizeof(sse_ops[0]))];
    } while ((o->need == 1 && !g_have_ssse3) || (o->need == 2 && !g_have_sse41));
    int reg = (int)rn(16), rm = (int)rn(16), mem = rn(4) == 0;
    begin(g);
    if (o->pfx) {
        b(g, o->pfx);
    }
    prefix(g, 32, reg, mem ? 0 : rm, 0);
    b(g, 0x0f);
    for (int i = 0; i < o->oplen; i++) {
        b(g, o->op[i]);
    }
    if (mem) {
        /* Legacy SSE memory operands must be 16-byte aligned (scalar ones
         * need not, but aligned is fine for all). */
        modrm_mem(g, reg, rn(16) * 16);
    } else {
        modrm_rr(g, reg, rm);
    }
    if (o->imm) {
        uint8_t imm = (uint8_t)rnd();
        if (o->op[0] == 0x3a && o->op[1] == 0x0a) {
            imm &= 0x0f; /* roundss: keep the defined bits */
        }
        if (o->oplen == 1 && o->op[0] == 0xc2) {
            imm &= 7; /* cmpps predicates 0..7 */
        }
        b(g, imm);
    }
    end(g);
    if (o->setflags) {
        flags(g, F_ARITH, 0);
    }
}

/* GPR <-> XMM moves and conversions. */
static void gen_sse_gpr(Gen *g)
{
    int k = (int)rn(6), x = (int)rn(16), r = greg();
    begin(g);
    switch (k) {
    case 0: /* movq xmm, r64 */
        b(g, 0x66);
        prefix(g, 64, x, r, 0);
        b(g, 0x0f);
        b(g, 0x6e);
        modrm_rr(g, x, r);
        break;
    case 1: /* movd r32, xmm */
        b(g, 0x66);
        prefix(g, 32, x, r, 0);
        b(g, 0x0f);
        b(g, 0x7e);
        modrm_rr(g, x, r);
        break;
    case 2: /* cvtsi2sd xmm, r64 */
        b(g, 0xf2);
        prefix(g, 64, x, r, 0);
        b(g, 0x0f);
        b(g, 0x2a);
        modrm_rr(g, x, r);
        break;
    case 3: /* cvttsd2si r64, xmm */
        b(g, 0xf2);
        prefix(g, 64, r, x, 0);
        b(g, 0x0f);
        b(g, 0x2c);
        modrm_rr(g, r, x);
        break;
    case 4: /* pmovmskb r32, xmm */
        b(g, 0x66);
        prefix(g, 32, r, x, 0);
        b(g, 0x0f);
        b(g, 0xd7);
        modrm_rr(g, r, x);
        break;
    default: /* cvtss2si r32, xmm (uses MXCSR rounding) */
        b(g, 0xf3);
        prefix(g, 32, r, x, 0);
        b(g, 0x0f);
        b(g, 0x2d);
        modrm_rr(g, r, x);
        break;
    }
    end(g);
}

static void gen_x87(Gen *g)
{
    int d = g->fdepth, k = (int)rn(8);
    g->x87_used = 1;
    begin(g);
    if (d == 0 || (k < 2 && d < 8)) {
        if (rn(2)) { /* fld qword [scratch] */
            b(g, 0xdd);
            modrm_mem(g, 0, rn(32) * 8);
        } else {
            static const uint8_t c[] = { 0xe8, 0xee, 0xeb, 0xea, 0xed };
            b(g, 0xd9);
            b(g, c[rn(5)]);
        }
        g->fdepth++;
    } else if (k == 2 && d > 0) { /* fstp qword [scratch] */
        b(g, 0xdd);
        modrm_mem(g, 3, rn(32) * 8);
        g->fdepth--;
    } else if (k == 3) { /* fadd/fmul/fsub/fsubr/fdiv/fdivr st0, st(i) */
        static const uint8_t ops[] = { 0xc0, 0xc8, 0xe0, 0xe8, 0xf0, 0xf8 };
        b(g, 0xd8);
        b(g, (uint8_t)(ops[rn(6)] + rn((unsigned)d)));
    } else if (k == 4 && d > 1) { /* faddp/fmulp st(i), st0 */
        b(g, 0xde);
        b(g, (uint8_t)((rn(2) ? 0xc0 : 0xc8) + 1 + rn((unsigned)d - 1)));
        g->fdepth--;
    } else if (k == 5) { /* fxch st(i) */
        b(g, 0xd9);
        b(g, (uint8_t)(0xc8 + rn((unsigned)d)));
    } else if (k == 6) { /* fchs fabs fsqrt frndint */
        static const uint8_t c[] = { 0xe0, 0xe1, 0xfa, 0xfc };
        b(g, 0xd9);
        b(g, c[rn(4)]);
    } else { /* fcomi st0, st(i): ZF PF CF, OF SF AF cleared */
        b(g, 0xdb);
        b(g, (uint8_t)(0xf0 + rn((unsigned)d)));
        end(g);
        flags(g, F_ARITH, 0);
        return;
    }
    end(g);
}

/* ---- sequences ---- */

static uint64_t rand_gpr(void)
{
    switch (rn(6)) {
    case 0:
        return tcg_vals[rn(TCG_NVALS)];
    case 1:
        return rn(256);
    case 2:
        return (uint64_t)-(int64_t)rn(256);
    default:
        return rnd();
    }
}

static uint64_t rand_fp_lane64(void)
{
    static const uint64_t d[] = { 0x3ff0000000000000ull, 0xbff8000000000000ull, 0x0000000000000001ull,
                                  0x7ff0000000000000ull, 0x7ff8000000000001ull, 0x8000000000000000ull,
                                  0x4340000000000000ull, 0x41dfffffffc00000ull };
    static const uint32_t f[] = { 0x3f800000, 0xc0200000, 0x00000003, 0x7f800000,
                                  0x7fc00002, 0x80000000, 0x4f000000, 0x3eaaaaab };
    switch (rn(4)) {
    case 0:
        return d[rn(8)];
    case 1:
        return f[rn(8)] | (uint64_t)f[rn(8)] << 32;
    case 2: { /* a normal double of moderate size */
        uint64_t m = rnd() & 0x000fffffffffffffull;
        uint64_t e = 1023 - 20 + rn(40);
        return (rnd() & 0x8000000000000000ull) | e << 52 | m;
    }
    default:
        return rnd();
    }
}

static void init_state(RgState *s, uint8_t *scratch)
{
    static const uint16_t rc[] = { 0x0000, 0x0400, 0x0800, 0x0c00 };
    for (int i = 0; i < 16; i++) {
        s->gpr[i] = rand_gpr();
    }
    s->gpr[RSP] = 0;
    s->rflags = 0x202 | (rnd() & F_ARITH);
    s->mxcsr = 0x1f80 | (uint32_t)rc[rn(4)] << 3;
    if (g_have_daz && rn(4) == 0) {
        s->mxcsr |= 0x8040; /* FTZ and DAZ */
    }
    s->fcw = (uint16_t)(0x037f & ~0x0300) | (uint16_t)(rn(2) ? 0x0300 : 0x0200) | rc[rn(4)];
    for (int i = 0; i < 16; i++) {
        uint64_t lo = rand_fp_lane64(), hi = rand_fp_lane64();
        memcpy(s->xmm[i], &lo, 8);
        memcpy(s->xmm[i] + 8, &hi, 8);
    }
    for (int i = 0; i < 32; i++) {
        uint64_t v = rn(2) ? rand_fp_lane64() : rand_gpr();
        memcpy(scratch + 8 * i, &v, 8);
    }
}

static void generate(Gen *g)
{
    int n = 8 + (int)rn(33);
    g->len = 0;
    g->known = F_ARITH;
    g->fdepth = 0;
    g->x87_used = 0;
    for (int i = 0; i < n; i++) {
        switch (rn(20)) {
        case 0: case 1: case 2: case 3: gen_alu(g); break;
        case 4: case 5: gen_unary(g); break;
        case 6: case 7: gen_shift(g); break;
        case 8: gen_shld(g); break;
        case 9: gen_mul(g); break;
        case 10: gen_div(g); break;
        case 11: case 12: gen_bits(g); break;
        case 13: gen_cond(g); break;
        case 14: gen_move(g); break;
        case 15: case 16: gen_sse(g); break;
        case 17: gen_sse_gpr(g); break;
        default: gen_x87(g); break;
        }
    }
    b(g, 0xc3); /* ret */
}

/* ---- dumping ---- */

static char dump_buf[16384];
static size_t dump_len;

static void dp(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void dp(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dump_len += (size_t)vsnprintf(dump_buf + dump_len, sizeof(dump_buf) - dump_len, fmt, ap);
    va_end(ap);
}

static const char *const gpr_names[16] = { "rax", "rcx", "rdx", "rbx", "rsp", "rbp",
                                           "rsi", "rdi", "r8",  "r9",  "r10", "r11",
                                           "r12", "r13", "r14", "r15" };

static void dump_state(const RgState *s, const Gen *g, const uint8_t *scratch)
{
    dump_len = 0;
    for (int i = 0; i < 16; i++) {
        if (i != RSP) {
            dp("%s=%016" PRIx64 "\n", gpr_names[i], s->gpr[i]);
        }
    }
    dp("flags=%03" PRIx64 " defined=%03x\n", s->rflags & g->known, g->known);
    for (int i = 0; i < 16; i++) {
        char name[8];
        snprintf(name, sizeof(name), "xmm%d", i);
        uint64_t q[2];
        memcpy(q, s->xmm[i], 16);
        dp("%s=%016" PRIx64 ":%016" PRIx64 "\n", name, q[1], q[0]);
    }
    dp("mxcsr=%08x\n", s->mxcsr);
    if (g->x87_used) {
        uint16_t cw, sw, tw;
        memcpy(&cw, s->fsave, 2);
        memcpy(&sw, s->fsave + 4, 2);
        memcpy(&tw, s->fsave + 8, 2);
        /* C0 C2 C3 are undefined after the arithmetic ones. */
        dp("fcw=%04x fsw=%04x ftw=%04x\n", cw, sw & ~0x4500, tw);
        for (int i = 0; i < g->fdepth; i++) {
            dp("st%d=", i);
            for (int k = 9; k >= 0; k--) {
                dp("%02x", s->fsave[28 + 10 * i + k]);
            }
            dp("\n");
        }
    }
    dp("mem=");
    for (int i = 0; i < 256; i++) {
        dp("%02x", scratch[i]);
        if (i % 64 == 63) {
            dp("\n");
        }
    }
}

static uint64_t fnv(const char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ (uint8_t)p[i]) * 0x100000001b3ull;
    }
    return h;
}

/* ---- faults: a generator bug natively, an emulator bug under tern ---- */

static sigjmp_buf fault_jb;
static volatile int fault_sig;
static volatile uint64_t fault_rip_off;
static volatile uintptr_t fault_code;

static void on_fault(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    (void)si;
    fault_sig = sig;
    fault_rip_off = (uint64_t)uc->uc_mcontext.gregs[REG_RIP] - fault_code;
    siglongjmp(fault_jb, 1);
}

static int run_one(RgState *s, Gen *g)
{
    fault_code = (uintptr_t)g->code;
    if (sigsetjmp(fault_jb, 1) == 0) {
        rg_run(s, g->code);
        return 0;
    }
    uint32_t mx = 0x1f80;
    asm volatile("fninit; cld; ldmxcsr %0" : : "m"(mx));
    return fault_sig;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s SEED COUNT [-only N]\n", argv[0]);
        return 2;
    }
    uint64_t seed = strtoull(argv[1], NULL, 0);
    long count = strtol(argv[2], NULL, 0);
    long only = -1;
    if (argc >= 5 && strcmp(argv[3], "-only") == 0) {
        only = strtol(argv[4], NULL, 0);
        count = only + 1;
    }
    if (count <= 0 || count > 100000) {
        fprintf(stderr, "randgen: COUNT must be 1..100000\n");
        return 2;
    }
    g_have_ssse3 = have_feature("ssse3");
    g_have_sse41 = have_feature("sse41");
    g_have_popcnt = have_feature("popcnt");
    g_have_bmi1 = have_feature("bmi1");
    g_have_abm = have_feature("abm");
    g_have_daz = have_feature("daz");

    /* Code pages first, then the scratch areas (256 bytes each). */
    size_t pg = 4096, ncode = 64;
    size_t size = ncode * pg + 256 * ncode;
    uint8_t *area = mmap(NULL, size, PROT_READ | PROT_WRITE | PROT_EXEC,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);

    printf("randgen seed=%" PRIu64 " features:%s%s%s%s%s%s\n", seed,
           g_have_ssse3 ? " ssse3" : "", g_have_sse41 ? " sse41" : "",
           g_have_popcnt ? " popcnt" : "", g_have_bmi1 ? " bmi1" : "",
           g_have_abm ? " abm" : "", g_have_daz ? " daz" : "");
    for (long n = 0; n < count; n++) {
        Gen g;
        RgState s;
        /* Each sequence has its own PRNG stream: -only N needs no replay. */
        rng = seed * 0x9e3779b97f4a7c15ull + (uint64_t)n * 0xbf58476d1ce4e5b9ull + 1;
        for (int i = 0; i < 4; i++) {
            rnd();
        }
        /*
         * A fresh code page per sequence; the area is recycled after
         * NCODE sequences by mapping it afresh (new pages, so no stale
         * translations can match: the emulator must drop them on munmap).
         */
        if (n > 0 && n % (long)ncode == 0) {
            munmap(area, size);
            area = mmap(NULL, size, PROT_READ | PROT_WRITE | PROT_EXEC,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (area == MAP_FAILED) {
                perror("mmap");
                return 1;
            }
        }
        g.code = area + (size_t)(n % (long)ncode) * pg;
        g.scratch = area + ncode * pg + (size_t)(n % (long)ncode) * 256;
        memset(&s, 0, sizeof(s));
        init_state(&s, g.scratch);
        RgState init = s;
        generate(&g);
        if (only >= 0 && n != only) {
            continue;
        }
        int sig = run_one(&s, &g);
        if (sig) {
            dump_len = 0;
            dp("fault sig=%d at code+%" PRIu64 "\n", sig, (uint64_t)fault_rip_off);
        } else {
            dump_state(&s, &g, g.scratch);
        }
        if (only >= 0) {
            printf("sequence %ld: %zu bytes:", n, g.len);
            for (size_t i = 0; i < g.len; i++) {
                printf(" %02x", g.code[i]);
            }
            printf("\ninitial rflags=%03" PRIx64 " mxcsr=%08x fcw=%04x\n", init.rflags & F_ARITH,
                   init.mxcsr, init.fcw);
            for (int i = 0; i < 16; i++) {
                if (i != RSP) {
                    printf("initial %s=%016" PRIx64 "\n", gpr_names[i], init.gpr[i]);
                }
            }
            fwrite(dump_buf, 1, dump_len, stdout);
        } else {
            printf("%ld %016" PRIx64 "%s\n", n, fnv(dump_buf, dump_len), sig ? " fault" : "");
        }
    }
    return 0;
}
