/*
 * Shifts and rotates: SHL SHR SAR ROL ROR RCL RCR at 8/16/32/64 bits by CL
 * (counts 0..70, so the 5/6-bit count masking and the mod 9/17 of RCL/RCR
 * are covered), by 1 (the D0/D1 forms) and by immediates; SHLD/SHRD by CL
 * and by immediates. Flags are compared where the SDM defines them:
 * a masked count of 0 leaves every flag unchanged; OF only for count 1;
 * AF never for shifts; CF not for SHL/SHR by >= the operand width (8/16);
 * rotates never touch SF ZF AF PF. SHLD/SHRD by more than 16 at 16 bits is
 * undefined and skipped.
 */
#include "common.h"

enum { ROL, ROR, RCL, RCR, SHL, SHR, SAR, SHLD, SHRD };

#define FLAGS_IN "pushfq; andq $~0x8d5, (%%rsp); orq %[f], (%%rsp); popfq\n\t"
#define FLAGS_OUT "\n\tpushfq; popq %[f]"

typedef uint64_t (*ShiftFn)(uint64_t a, uint64_t b, uint8_t c, uint64_t *fl);

#define SH_CL(insn, sfx, mod)                                                   \
    static uint64_t sh_##insn##_##sfx(uint64_t a, uint64_t b, uint8_t c,        \
                                      uint64_t *fl)                             \
    {                                                                           \
        (void)b;                                                                \
        asm(FLAGS_IN #insn " %%cl, %" #mod "[a]" FLAGS_OUT                      \
            : [a] "+r"(a), [f] "+r"(*fl)                                        \
            : "c"(c)                                                            \
            : "cc");                                                            \
        return a;                                                               \
    }
#define SH_ONE(insn, sfx, mod)                                                  \
    static uint64_t sh1_##insn##_##sfx(uint64_t a, uint64_t b, uint8_t c,       \
                                       uint64_t *fl)                            \
    {                                                                           \
        (void)b;                                                                \
        (void)c;                                                                \
        asm(FLAGS_IN #insn " %" #mod "[a]" FLAGS_OUT                            \
            : [a] "+r"(a), [f] "+r"(*fl)                                        \
            :                                                                   \
            : "cc");                                                            \
        return a;                                                               \
    }
#define SH_IMM(insn, sfx, mod, imm)                                             \
    static uint64_t shi##imm##_##insn##_##sfx(uint64_t a, uint64_t b,           \
                                              uint8_t c, uint64_t *fl)          \
    {                                                                           \
        (void)b;                                                                \
        (void)c;                                                                \
        asm(FLAGS_IN #insn " $" #imm ", %" #mod "[a]" FLAGS_OUT                 \
            : [a] "+r"(a), [f] "+r"(*fl)                                        \
            :                                                                   \
            : "cc");                                                            \
        return a;                                                               \
    }
#define SH_MEM(insn, sfx)                                                       \
    static uint64_t shm_##insn##_##sfx(uint64_t a, uint64_t b, uint8_t c,       \
                                       uint64_t *fl)                            \
    {                                                                           \
        uint64_t m = a;                                                         \
        (void)b;                                                                \
        asm(FLAGS_IN #insn #sfx " %%cl, %[m]" FLAGS_OUT                         \
            : [m] "+m"(m), [f] "+r"(*fl)                                        \
            : "c"(c)                                                            \
            : "cc");                                                            \
        return m;                                                               \
    }
#define DSH_CL(insn, sfx, mod)                                                  \
    static uint64_t sh_##insn##_##sfx(uint64_t a, uint64_t b, uint8_t c,        \
                                      uint64_t *fl)                             \
    {                                                                           \
        asm(FLAGS_IN #insn " %%cl, %" #mod "[b], %" #mod "[a]" FLAGS_OUT        \
            : [a] "+r"(a), [f] "+r"(*fl)                                        \
            : [b] "r"(b), "c"(c)                                                \
            : "cc");                                                            \
        return a;                                                               \
    }
#define DSH_IMM(insn, sfx, mod, imm)                                            \
    static uint64_t shi##imm##_##insn##_##sfx(uint64_t a, uint64_t b,           \
                                              uint8_t c, uint64_t *fl)          \
    {                                                                           \
        (void)c;                                                                \
        asm(FLAGS_IN #insn " $" #imm ", %" #mod "[b], %" #mod "[a]" FLAGS_OUT   \
            : [a] "+r"(a), [f] "+r"(*fl)                                        \
            : [b] "r"(b)                                                        \
            : "cc");                                                            \
        return a;                                                               \
    }

#define SH_SIZES(insn)                                                          \
    SH_CL(insn, b, b) SH_CL(insn, w, w) SH_CL(insn, l, k) SH_CL(insn, q, q)     \
    SH_ONE(insn, b, b) SH_ONE(insn, w, w) SH_ONE(insn, l, k)                    \
    SH_ONE(insn, q, q) SH_IMM(insn, b, b, 3) SH_IMM(insn, w, w, 9)              \
    SH_IMM(insn, l, k, 31) SH_IMM(insn, q, q, 33) SH_IMM(insn, b, b, 8)         \
    SH_IMM(insn, q, q, 63) SH_MEM(insn, w) SH_MEM(insn, q)
SH_SIZES(rol)
SH_SIZES(ror)
SH_SIZES(rcl)
SH_SIZES(rcr)
SH_SIZES(shl)
SH_SIZES(shr)
SH_SIZES(sar)
#define DSH_SIZES(insn)                                                         \
    DSH_CL(insn, w, w) DSH_CL(insn, l, k) DSH_CL(insn, q, q)                    \
    DSH_IMM(insn, w, w, 1) DSH_IMM(insn, l, k, 7) DSH_IMM(insn, q, q, 1)        \
    DSH_IMM(insn, q, q, 40) DSH_IMM(insn, w, w, 16)
DSH_SIZES(shld)
DSH_SIZES(shrd)

typedef struct ShiftTest {
    const char *name;
    ShiftFn fn;
    int op;
    int width;
    int fixed_count; /* -1: count from CL */
} ShiftTest;

#define ST_SIZES(insn, OP)                                                      \
    { #insn ".b cl", sh_##insn##_b, OP, 8, -1 },                                \
    { #insn ".w cl", sh_##insn##_w, OP, 16, -1 },                               \
    { #insn ".l cl", sh_##insn##_l, OP, 32, -1 },                               \
    { #insn ".q cl", sh_##insn##_q, OP, 64, -1 },                               \
    { #insn ".b 1", sh1_##insn##_b, OP, 8, 1 },                                 \
    { #insn ".w 1", sh1_##insn##_w, OP, 16, 1 },                                \
    { #insn ".l 1", sh1_##insn##_l, OP, 32, 1 },                                \
    { #insn ".q 1", sh1_##insn##_q, OP, 64, 1 },                                \
    { #insn ".b 3", shi3_##insn##_b, OP, 8, 3 },                                \
    { #insn ".w 9", shi9_##insn##_w, OP, 16, 9 },                               \
    { #insn ".l 31", shi31_##insn##_l, OP, 32, 31 },                            \
    { #insn ".q 33", shi33_##insn##_q, OP, 64, 33 },                            \
    { #insn ".b 8", shi8_##insn##_b, OP, 8, 8 },                                \
    { #insn ".q 63", shi63_##insn##_q, OP, 64, 63 },                            \
    { #insn ".mw cl", shm_##insn##_w, OP, 16, -1 },                             \
    { #insn ".mq cl", shm_##insn##_q, OP, 64, -1 }
#define DST_SIZES(insn, OP)                                                     \
    { #insn ".w cl", sh_##insn##_w, OP, 16, -1 },                               \
    { #insn ".l cl", sh_##insn##_l, OP, 32, -1 },                               \
    { #insn ".q cl", sh_##insn##_q, OP, 64, -1 },                               \
    { #insn ".w 1", shi1_##insn##_w, OP, 16, 1 },                               \
    { #insn ".l 7", shi7_##insn##_l, OP, 32, 7 },                               \
    { #insn ".q 1", shi1_##insn##_q, OP, 64, 1 },                               \
    { #insn ".q 40", shi40_##insn##_q, OP, 64, 40 },                            \
    { #insn ".w 16", shi16_##insn##_w, OP, 16, 16 }

static const ShiftTest tests[] = {
    ST_SIZES(rol, ROL), ST_SIZES(ror, ROR), ST_SIZES(rcl, RCL),
    ST_SIZES(rcr, RCR), ST_SIZES(shl, SHL), ST_SIZES(shr, SHR),
    ST_SIZES(sar, SAR), DST_SIZES(shld, SHLD), DST_SIZES(shrd, SHRD),
};

/*
 * The flags the SDM defines after OP at WIDTH bits by COUNT (before
 * masking); *result_defined is cleared when the result itself is not.
 */
static unsigned defined_flags(int op, int width, unsigned count, int *result_defined)
{
    unsigned mc = count & (width == 64 ? 63 : 31);
    unsigned def;

    *result_defined = 1;
    if (mc == 0) {
        return F_ARITH; /* nothing changes: all flags keep their value */
    }
    switch (op) {
    case ROL:
    case ROR:
    case RCL:
    case RCR:
        /* CF written, SF ZF AF PF untouched, OF only for 1. */
        def = F_ARITH & ~F_OF;
        break;
    case SHLD:
    case SHRD:
        if (mc > (unsigned)width) {
            *result_defined = 0;
            return 0;
        }
        def = F_CF | F_SF | F_ZF | F_PF;
        break;
    default:
        def = F_CF | F_SF | F_ZF | F_PF;
        if ((op == SHL || op == SHR) && mc >= (unsigned)width) {
            def &= ~F_CF;
        }
        break;
    }
    if (mc == 1) {
        def |= F_OF;
    }
    return def;
}

int main(void)
{
    static const uint64_t svals[] = {
        0x0000000000000000ull, 0x0000000000000001ull, 0x0000000000000080ull,
        0x00000000000000c1ull, 0x0000000000008001ull, 0x0000000040000001ull,
        0x0000000080000000ull, 0x8000000000000001ull, 0x4000000000000000ull,
        0xffffffffffffffffull, 0x123456789abcdef0ull, 0xfedcba9876543210ull,
        0x7fffffffffff7f7full,
    };
    const size_t nsv = sizeof(svals) / sizeof(svals[0]);

    for (size_t t = 0; t < sizeof(tests) / sizeof(tests[0]); t++) {
        const ShiftTest *st = &tests[t];
        unsigned cmin = st->fixed_count < 0 ? 0 : (unsigned)st->fixed_count;
        unsigned cmax = st->fixed_count < 0 ? 70 : (unsigned)st->fixed_count;
        int dbl = st->op == SHLD || st->op == SHRD;

        for (unsigned c = cmin; c <= cmax; c++) {
            for (size_t i = 0; i < nsv; i++) {
                for (size_t j = 0; j < (dbl ? 3 : 1); j++) {
                    uint64_t b = svals[(i + 5 + j * 4) % nsv];
                    for (int fin = 0; fin < 2; fin++) {
                        uint64_t fl = fin ? F_ARITH : 0;
                        int rdef;
                        unsigned def = defined_flags(st->op, st->width, c, &rdef);
                        uint64_t r = st->fn(svals[i], b, (uint8_t)c, &fl);
                        if (!rdef) {
                            continue;
                        }
                        printf("%s %016" PRIx64 " %016" PRIx64 " n=%u f%d -> %016" PRIx64
                               " f=%03" PRIx64 "\n",
                               st->name, svals[i], dbl ? b : 0, c, fin, r, fl & def);
                    }
                }
            }
        }
    }
    return 0;
}
