/*
 * MUL, IMUL (one, two and three operands), DIV and IDIV at 8/16/32/64 bits.
 * After MUL/IMUL only CF and OF are defined; after DIV/IDIV no flag is.
 * Divide by zero and quotient overflow raise #DE, which Linux delivers as
 * SIGFPE with si_code FPE_INTDIV and si_addr/RIP at the DIV: the handler
 * prints those (RIP as an offset from the instruction's label) and jumps
 * back with siglongjmp.
 */
#include "common.h"
#include <setjmp.h>
#include <signal.h>
#include <ucontext.h>

#define FLAGS_IN "pushfq; andq $~0x8d5, (%%rsp); orq %[f], (%%rsp); popfq\n\t"
#define FLAGS_OUT "\n\tpushfq; popq %[f]"
#define F_MUL (F_CF | F_OF)

/* One-operand forms: rdx:rax = op(rax, src) (AX = AL * src at 8 bits). */
#define MUL1(insn, sfx, mod)                                                   \
    static void m1_##insn##_##sfx(uint64_t *ra, uint64_t *rd, uint64_t s,    \
                                  uint64_t *fl)                              \
    {                                                                        \
        asm(FLAGS_IN #insn " %" #mod "[s]" FLAGS_OUT                         \
            : "+a"(*ra), "+d"(*rd), [f] "+r"(*fl)                            \
            : [s] "r"(s)                                                     \
            : "cc");                                                         \
    }
MUL1(mul, b, b)
MUL1(mul, w, w)
MUL1(mul, l, k)
MUL1(mul, q, q)
MUL1(imul, b, b)
MUL1(imul, w, w)
MUL1(imul, l, k)
MUL1(imul, q, q)

/* Two- and three-operand IMUL: the destination is a register. */
#define IMUL2(sfx, mod)                                                        \
    static uint64_t imul2_##sfx(uint64_t a, uint64_t b, uint64_t *fl)        \
    {                                                                        \
        asm(FLAGS_IN "imul %" #mod "[b], %" #mod "[a]" FLAGS_OUT             \
            : [a] "+r"(a), [f] "+r"(*fl)                                     \
            : [b] "r"(b)                                                     \
            : "cc");                                                         \
        return a;                                                            \
    }
#define IMUL3(sfx, mod, tag, imm)                                              \
    static uint64_t imul3_##sfx##tag(uint64_t a, uint64_t b, uint64_t *fl)   \
    {                                                                        \
        asm(FLAGS_IN "imul $" #imm ", %" #mod "[b], %" #mod "[a]" FLAGS_OUT  \
            : [a] "+r"(a), [f] "+r"(*fl)                                     \
            : [b] "r"(b)                                                     \
            : "cc");                                                         \
        return a;                                                            \
    }
IMUL2(w, w)
IMUL2(l, k)
IMUL2(q, q)
IMUL3(w, w, a, -3)
IMUL3(l, k, a, 0x12345)
IMUL3(q, q, a, -0x7fffffff)
IMUL3(q, q, b, 127)
IMUL3(l, k, b, -128)

/*
 * Division: each size has a global label at the DIV so the SIGFPE handler
 * can report RIP relative to it.
 */
#define DIV1(insn, sfx, mod)                                                   \
    static void d1_##insn##_##sfx(uint64_t *ra, uint64_t *rd, uint64_t s)    \
    {                                                                        \
        asm(".globl l_" #insn "_" #sfx "\n\t"                                \
            "l_" #insn "_" #sfx ": " #insn " %" #mod "[s]"                   \
            : "+a"(*ra), "+d"(*rd)                                           \
            : [s] "r"(s)                                                     \
            : "cc");                                                         \
    }
DIV1(div, b, b)
DIV1(div, w, w)
DIV1(div, l, k)
DIV1(div, q, q)
DIV1(idiv, b, b)
DIV1(idiv, w, w)
DIV1(idiv, l, k)
DIV1(idiv, q, q)
extern char l_div_b[], l_div_w[], l_div_l[], l_div_q[];
extern char l_idiv_b[], l_idiv_w[], l_idiv_l[], l_idiv_q[];

typedef void (*DivFn)(uint64_t *, uint64_t *, uint64_t);
static const struct {
    const char *name;
    DivFn fn;
    const char *label;
} divs[] = {
    { "div.b", d1_div_b, l_div_b },    { "div.w", d1_div_w, l_div_w },
    { "div.l", d1_div_l, l_div_l },    { "div.q", d1_div_q, l_div_q },
    { "idiv.b", d1_idiv_b, l_idiv_b }, { "idiv.w", d1_idiv_w, l_idiv_w },
    { "idiv.l", d1_idiv_l, l_idiv_l }, { "idiv.q", d1_idiv_q, l_idiv_q },
};

static sigjmp_buf jb;
static volatile const char *cur_label;

static void on_sigfpe(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    uintptr_t rip = uc->uc_mcontext.gregs[REG_RIP];

    printf("  SIGFPE sig=%d code=%d addr=label%+ld rip=label%+ld\n", sig, si->si_code,
           (long)((uintptr_t)si->si_addr - (uintptr_t)cur_label),
           (long)(rip - (uintptr_t)cur_label));
    siglongjmp(jb, 1);
}

/* One division, catching #DE; a function of its own so sigsetjmp clobbers nothing. */
static __attribute__((noinline)) void run_div(size_t t, uint64_t hi, uint64_t lo, uint64_t s)
{
    printf("%s %016" PRIx64 ":%016" PRIx64 " / %016" PRIx64, divs[t].name, hi, lo, s);
    cur_label = divs[t].label;
    if (sigsetjmp(jb, 1) == 0) {
        uint64_t ra = lo, rd = hi;
        divs[t].fn(&ra, &rd, s);
        printf(" -> %016" PRIx64 ":%016" PRIx64 "\n", rd, ra);
    }
}

int main(void)
{
    uint64_t seed = 12345;
    uint64_t vals[TCG_NVALS + 6];
    size_t nv = 0;
    struct sigaction sa;

    for (size_t i = 0; i < TCG_NVALS; i++) {
        vals[nv++] = tcg_vals[i];
    }
    while (nv < sizeof(vals) / sizeof(vals[0])) {
        vals[nv++] = tcg_rand(&seed);
    }

    static const struct {
        const char *name;
        void (*fn)(uint64_t *, uint64_t *, uint64_t, uint64_t *);
    } m1[] = {
        { "mul.b", m1_mul_b },   { "mul.w", m1_mul_w },   { "mul.l", m1_mul_l },
        { "mul.q", m1_mul_q },   { "imul.b", m1_imul_b }, { "imul.w", m1_imul_w },
        { "imul.l", m1_imul_l }, { "imul.q", m1_imul_q },
    };
    for (size_t t = 0; t < sizeof(m1) / sizeof(m1[0]); t++) {
        for (size_t i = 0; i < nv; i++) {
            for (size_t j = 0; j < nv; j++) {
                uint64_t a = vals[i], d = 0x5555aaaa5555aaaaull, fl = F_ARITH;
                m1[t].fn(&a, &d, vals[j], &fl);
                printf("%s %016" PRIx64 " %016" PRIx64 " -> %016" PRIx64 ":%016" PRIx64
                       " f=%03" PRIx64 "\n",
                       m1[t].name, vals[i], vals[j], d, a, fl & F_MUL);
            }
        }
    }

    static const struct {
        const char *name;
        uint64_t (*fn)(uint64_t, uint64_t, uint64_t *);
    } m2[] = {
        { "imul2.w", imul2_w },       { "imul2.l", imul2_l },
        { "imul2.q", imul2_q },       { "imul3.w -3", imul3_wa },
        { "imul3.l 0x12345", imul3_la }, { "imul3.q -0x7fffffff", imul3_qa },
        { "imul3.q 127", imul3_qb },  { "imul3.l -128", imul3_lb },
    };
    for (size_t t = 0; t < sizeof(m2) / sizeof(m2[0]); t++) {
        for (size_t i = 0; i < nv; i++) {
            for (size_t j = 0; j < nv; j++) {
                uint64_t fl = 0;
                uint64_t r = m2[t].fn(vals[i], vals[j], &fl);
                printf("%s %016" PRIx64 " %016" PRIx64 " -> %016" PRIx64 " f=%03" PRIx64 "\n",
                       m2[t].name, vals[i], vals[j], r, fl & F_MUL);
            }
        }
    }

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_sigfpe;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGFPE, &sa, NULL);

    /* Dividends: (hi, lo) pairs, including ones whose quotient overflows. */
    static const uint64_t his[] = { 0, 1, 0x7f, 0xffffffffffffffffull, 0x8000000000000000ull };
    for (size_t t = 0; t < sizeof(divs) / sizeof(divs[0]); t++) {
        for (size_t h = 0; h < sizeof(his) / sizeof(his[0]); h++) {
            for (size_t i = 0; i < nv; i += 2) {
                for (size_t j = 0; j < nv; j++) {
                    run_div(t, his[h], vals[i], vals[j]);
                }
            }
        }
    }
    return 0;
}
