/*
 * Integer ALU and flags: ADD ADC SUB SBB CMP AND OR XOR TEST INC DEC NEG
 * NOT at 8, 16, 32 and 64 bits and on the high-byte registers, register,
 * immediate and memory forms, over the edge values of every size with CF
 * in and out. Prints the whole 64-bit destination (so the zero-extension
 * of 32-bit results and the preservation of the upper bits of 8/16-bit
 * results are checked) and the defined flags.
 */
#include "common.h"

typedef uint64_t (*AluFn)(uint64_t a, uint64_t b, uint64_t *fl);

/* Load the arithmetic flags from *fl, run INSN, store all flags back. */
#define FLAGS_IN "pushfq; andq $~0x8d5, (%%rsp); orq %[f], (%%rsp); popfq\n\t"
#define FLAGS_OUT "\n\tpushfq; popq %[f]"

/* Two-operand register form; MOD picks the register size (b w k q h). */
#define ALU2(insn, sfx, mod)                                                   \
    static uint64_t alu_##insn##_##sfx(uint64_t a, uint64_t b, uint64_t *fl) \
    {                                                                          \
        asm(FLAGS_IN #insn " %" #mod "[b], %" #mod "[a]" FLAGS_OUT            \
            : [a] "+Q"(a), [f] "+r"(*fl)                                       \
            : [b] "Q"(b)                                                       \
            : "cc");                                                           \
        return a;                                                              \
    }
/* Mixed: low byte source, high byte destination and the reverse. */
#define ALU2X(insn, sfx, moda, modb)                                           \
    static uint64_t alu_##insn##_##sfx(uint64_t a, uint64_t b, uint64_t *fl) \
    {                                                                          \
        asm(FLAGS_IN #insn " %" #modb "[b], %" #moda "[a]" FLAGS_OUT          \
            : [a] "+Q"(a), [f] "+r"(*fl)                                       \
            : [b] "Q"(b)                                                       \
            : "cc");                                                           \
        return a;                                                              \
    }
/* Memory destination. */
#define ALU2M(insn, sfx, mod)                                                  \
    static uint64_t alu_##insn##_m##sfx(uint64_t a, uint64_t b, uint64_t *fl) \
    {                                                                          \
        uint64_t m = a;                                                        \
        asm(FLAGS_IN #insn #sfx " %" #mod "[b], %[m]" FLAGS_OUT               \
            : [m] "+m"(m), [f] "+r"(*fl)                                       \
            : [b] "r"(b)                                                       \
            : "cc");                                                           \
        return m;                                                              \
    }
/* Memory source. */
#define ALU2S(insn, sfx, mod)                                                  \
    static uint64_t alu_##insn##_s##sfx(uint64_t a, uint64_t b, uint64_t *fl) \
    {                                                                          \
        uint64_t m = b;                                                        \
        asm(FLAGS_IN #insn #sfx " %[m], %" #mod "[a]" FLAGS_OUT               \
            : [a] "+r"(a), [f] "+r"(*fl)                                       \
            : [m] "m"(m)                                                       \
            : "cc");                                                           \
        return a;                                                              \
    }
/* Immediate source (b is ignored: the immediate is part of the name). */
#define ALU2I(insn, sfx, mod, tag, imm)                                        \
    static uint64_t alu_##insn##_##sfx##tag(uint64_t a, uint64_t b,          \
                                             uint64_t *fl)                     \
    {                                                                          \
        (void)b;                                                               \
        asm(FLAGS_IN #insn #sfx " $" #imm ", %" #mod "[a]" FLAGS_OUT          \
            : [a] "+Q"(a), [f] "+r"(*fl)                                       \
            :                                                                  \
            : "cc");                                                           \
        return a;                                                              \
    }
/* One operand. */
#define ALU1(insn, sfx, mod)                                                   \
    static uint64_t alu_##insn##_##sfx(uint64_t a, uint64_t b, uint64_t *fl) \
    {                                                                          \
        (void)b;                                                               \
        asm(FLAGS_IN #insn " %" #mod "[a]" FLAGS_OUT                           \
            : [a] "+Q"(a), [f] "+r"(*fl)                                       \
            :                                                                  \
            : "cc");                                                           \
        return a;                                                              \
    }
#define ALU1M(insn, sfx)                                                       \
    static uint64_t alu_##insn##_m##sfx(uint64_t a, uint64_t b, uint64_t *fl) \
    {                                                                          \
        uint64_t m = a;                                                        \
        (void)b;                                                               \
        asm(FLAGS_IN #insn #sfx " %[m]" FLAGS_OUT                              \
            : [m] "+m"(m), [f] "+r"(*fl)                                       \
            :                                                                  \
            : "cc");                                                           \
        return m;                                                              \
    }

#define ALU2_ALL(insn)                                                         \
    ALU2(insn, b, b)                                                           \
    ALU2(insn, w, w)                                                           \
    ALU2(insn, l, k)                                                           \
    ALU2(insn, q, q)                                                           \
    ALU2(insn, h, h)                                                           \
    ALU2X(insn, hb, h, b)                                                      \
    ALU2X(insn, bh, b, h)                                                      \
    ALU2M(insn, b, b)                                                          \
    ALU2M(insn, w, w)                                                          \
    ALU2M(insn, l, k)                                                          \
    ALU2M(insn, q, q)                                                          \
    ALU2S(insn, l, k)                                                          \
    ALU2S(insn, q, q)                                                          \
    ALU2I(insn, b, b, _i1, 0x81)                                               \
    ALU2I(insn, w, w, _i1, 0x8001)                                             \
    ALU2I(insn, q, q, _i1, -1)                                                 \
    ALU2I(insn, q, q, _i2, 0x7f)                                               \
    ALU2I(insn, l, k, _i1, 0x80000000)                                         \
    ALU2I(insn, q, q, _i3, -0x80000000)

#define ALU1_ALL(insn)                                                         \
    ALU1(insn, b, b)                                                           \
    ALU1(insn, w, w)                                                           \
    ALU1(insn, l, k)                                                           \
    ALU1(insn, q, q)                                                           \
    ALU1(insn, h, h)                                                           \
    ALU1M(insn, b)                                                             \
    ALU1M(insn, w)                                                             \
    ALU1M(insn, l)                                                             \
    ALU1M(insn, q)

ALU2_ALL(add)
ALU2_ALL(adc)
ALU2_ALL(sub)
ALU2_ALL(sbb)
ALU2_ALL(cmp)
ALU2_ALL(and)
ALU2_ALL(or)
ALU2_ALL(xor)
ALU1_ALL(inc)
ALU1_ALL(dec)
ALU1_ALL(neg)
ALU1_ALL(not)

/* TEST has no memory-source encoding distinct from memory-destination. */
ALU2(test, b, b)
ALU2(test, w, w)
ALU2(test, l, k)
ALU2(test, q, q)
ALU2(test, h, h)
ALU2X(test, hb, h, b)
ALU2M(test, l, k)
ALU2M(test, q, q)
ALU2I(test, b, b, _i1, 0x81)
ALU2I(test, l, k, _i1, 0x80000000)
ALU2I(test, q, q, _i3, -0x80000000)

typedef struct AluTest {
    const char *name;
    AluFn fn;
    unsigned defined; /* flags defined after the instruction */
    int binary;       /* uses the second operand */
} AluTest;

#define E2(insn, sfx, def) { #insn "." #sfx, alu_##insn##_##sfx, def, 1 }
#define E1(insn, sfx, def) { #insn "." #sfx, alu_##insn##_##sfx, def, 0 }
#define ENTRIES2(insn, def)                                                   \
    E2(insn, b, def), E2(insn, w, def), E2(insn, l, def), E2(insn, q, def),   \
        E2(insn, h, def), E2(insn, hb, def), E2(insn, bh, def),                \
        E2(insn, mb, def), E2(insn, mw, def), E2(insn, ml, def),               \
        E2(insn, mq, def), E2(insn, sl, def), E2(insn, sq, def),                \
        E1(insn, b_i1, def), E1(insn, w_i1, def), E1(insn, q_i1, def),         \
        E1(insn, q_i2, def), E1(insn, l_i1, def), E1(insn, q_i3, def)
#define ENTRIES1(insn, def)                                                   \
    E1(insn, b, def), E1(insn, w, def), E1(insn, l, def), E1(insn, q, def),   \
        E1(insn, h, def), E1(insn, mb, def), E1(insn, mw, def),                \
        E1(insn, ml, def), E1(insn, mq, def)


static const AluTest tests[] = {
    ENTRIES2(add, F_ARITH),
    ENTRIES2(adc, F_ARITH),
    ENTRIES2(sub, F_ARITH),
    ENTRIES2(sbb, F_ARITH),
    ENTRIES2(cmp, F_ARITH),
    ENTRIES2(and, F_LOGIC),
    ENTRIES2(or, F_LOGIC),
    ENTRIES2(xor, F_LOGIC),
    E2(test, b, F_LOGIC), E2(test, w, F_LOGIC), E2(test, l, F_LOGIC),
    E2(test, q, F_LOGIC), E2(test, h, F_LOGIC), E2(test, hb, F_LOGIC),
    E2(test, ml, F_LOGIC), E2(test, mq, F_LOGIC),
    E1(test, b_i1, F_LOGIC), E1(test, l_i1, F_LOGIC), E1(test, q_i3, F_LOGIC),
    /* INC and DEC leave CF alone: it is defined (unchanged), so compared. */
    ENTRIES1(inc, F_ARITH),
    ENTRIES1(dec, F_ARITH),
    ENTRIES1(neg, F_ARITH),
    ENTRIES1(not, F_ARITH),
};


int main(void)
{
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    uint64_t vals[TCG_NVALS + 8];
    size_t nv = 0;

    for (size_t i = 0; i < TCG_NVALS; i++) {
        vals[nv++] = tcg_vals[i];
    }
    while (nv < sizeof(vals) / sizeof(vals[0])) {
        vals[nv++] = tcg_rand(&seed);
    }

    for (size_t t = 0; t < sizeof(tests) / sizeof(tests[0]); t++) {
        const AluTest *at = &tests[t];
        for (size_t i = 0; i < nv; i++) {
            for (size_t j = 0; j < (at->binary ? nv : 1); j++) {
                /* Carry in: 0 and 1; the other flags in: all clear, all set. */
                for (int cin = 0; cin < 2; cin++) {
                    uint64_t fl = cin ? F_ARITH : 0;
                    uint64_t r = at->fn(vals[i], vals[j], &fl);
                    printf("%s %016" PRIx64 " %016" PRIx64 " c%d -> %016" PRIx64
                           " f=%03" PRIx64 "\n",
                           at->name, vals[i], at->binary ? vals[j] : 0, cin, r,
                           fl & at->defined);
                }
            }
        }
    }
    return 0;
}
