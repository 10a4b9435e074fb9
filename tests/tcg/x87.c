/*
 * x87: arithmetic (two-operand and reversed/popping forms), compares
 * (FCOM FUCOM FCOMI FUCOMI FTST FXAM), transcendentals (FSIN FCOS FSINCOS
 * FPTAN FPATAN F2XM1 FYL2X FYL2XP1 FSCALE FXTRACT FPREM FPREM1 FSQRT
 * FRNDINT), constants, loads and stores of every memory format (m32 m64
 * m80, m16/m32/m64 integer, BCD, FISTTP with sse3), every rounding mode and
 * precision control, stack overflow/underflow, FCMOVcc, FXCH/FFREE/
 * FINCSTP, and the state instructions FSAVE/FRSTOR, FSTENV/FLDENV and
 * FXSAVE/FXRSTOR (instruction and data pointers are not compared: their
 * content is model-specific).
 *
 * The status word is printed after each operation with C0 C2 C3 masked
 * where the SDM leaves them undefined (arithmetic); exception flags, C1
 * and TOP are always compared. Results are printed as the 10 bytes of the
 * 80-bit register.
 */
#include "common.h"
#include <math.h>

#define SW_C0 0x0100
#define SW_C1 0x0200
#define SW_C2 0x0400
#define SW_C3 0x4000
#define SW_ARITH_MASK ((uint16_t)~(SW_C0 | SW_C2 | SW_C3))

static void pr80(const long double *v)
{
    uint8_t b[10];
    memcpy(b, v, 10);
    /* Sign/exponent first, then the significand, as one reads them. */
    printf("%02x%02x:", b[9], b[8]);
    for (int i = 7; i >= 0; i--) {
        printf("%02x", b[i]);
    }
}

static void set_cw(uint16_t cw)
{
    asm volatile("fldcw %0" : : "m"(cw));
}

/* Binary op: ST0 = a, ST1 = b, run INSN, read SW, pop everything. */
#define BIN(name, insn)                                                        \
    static void bin_##name(const long double *a, const long double *b,        \
                           long double *r, uint16_t *sw)                      \
    {                                                                        \
        asm volatile("fnclex; fldt %[b]; fldt %[a]; " insn "; fnstsw %[sw];"  \
                     "fstpt %[r]; ffree %%st(0); fincstp"                    \
                     : [r] "=m"(*r), [sw] "=m"(*sw)                          \
                     : [a] "m"(*a), [b] "m"(*b));                            \
    }
/* Popping binary op: one value is left. */
#define BINP(name, insn)                                                       \
    static void bin_##name(const long double *a, const long double *b,        \
                           long double *r, uint16_t *sw)                      \
    {                                                                        \
        asm volatile("fnclex; fldt %[b]; fldt %[a]; " insn "; fnstsw %[sw];"  \
                     "fstpt %[r]"                                            \
                     : [r] "=m"(*r), [sw] "=m"(*sw)                          \
                     : [a] "m"(*a), [b] "m"(*b));                            \
    }
BIN(fadd, "fadd %%st(1), %%st")
BIN(fsub, "fsub %%st(1), %%st")
BIN(fsubr, "fsubr %%st(1), %%st")
BIN(fmul, "fmul %%st(1), %%st")
BIN(fdiv, "fdiv %%st(1), %%st")
BIN(fdivr, "fdivr %%st(1), %%st")
BIN(fadd_to, "fadd %%st, %%st(1); fxch")
BIN(fprem, "fprem")
BIN(fprem1, "fprem1")
BIN(fscale, "fscale")
BINP(faddp, "faddp")
BINP(fsubp, "fsubp")
BINP(fdivp, "fdivp")
BINP(fdivrp, "fdivrp")
BINP(fpatan, "fpatan")
BINP(fyl2x, "fyl2x")
BINP(fyl2xp1, "fyl2xp1")

/* Unary op on ST0. */
#define UN(name, insn)                                                         \
    static void un_##name(const long double *a, long double *r, long double *r2, \
                          uint16_t *sw)                                       \
    {                                                                        \
        *r2 = 0;                                                             \
        asm volatile("fnclex; fldt %[a]; " insn "; fnstsw %[sw]; fstpt %[r]"  \
                     : [r] "=m"(*r), [sw] "=m"(*sw)                          \
                     : [a] "m"(*a));                                         \
    }
/* Unary op that pushes a second result (ST0, ST1). */
#define UN2(name, insn)                                                        \
    static void un_##name(const long double *a, long double *r, long double *r2, \
                          uint16_t *sw)                                       \
    {                                                                        \
        asm volatile("fnclex; fldt %[a]; " insn "; fnstsw %[sw]; fstpt %[r];" \
                     "fstpt %[r2]"                                           \
                     : [r] "=m"(*r), [r2] "=m"(*r2), [sw] "=m"(*sw)          \
                     : [a] "m"(*a));                                         \
    }
UN(fsqrt, "fsqrt")
UN(fabs, "fabs")
UN(fchs, "fchs")
UN(frndint, "frndint")
UN(fsin, "fsin")
UN(fcos, "fcos")
UN(f2xm1, "f2xm1")
UN2(fsincos, "fsincos")
UN2(fptan, "fptan")
UN2(fxtract, "fxtract")

static const struct {
    const char *name;
    void (*fn)(const long double *, const long double *, long double *, uint16_t *);
    uint16_t swmask;
} bins[] = {
    { "fadd", bin_fadd, SW_ARITH_MASK },       { "fsub", bin_fsub, SW_ARITH_MASK },
    { "fsubr", bin_fsubr, SW_ARITH_MASK },     { "fmul", bin_fmul, SW_ARITH_MASK },
    { "fdiv", bin_fdiv, SW_ARITH_MASK },       { "fdivr", bin_fdivr, SW_ARITH_MASK },
    { "fadd st1", bin_fadd_to, SW_ARITH_MASK }, { "fprem", bin_fprem, 0xffff },
    { "fprem1", bin_fprem1, 0xffff },          { "fscale", bin_fscale, SW_ARITH_MASK },
    { "faddp", bin_faddp, SW_ARITH_MASK },     { "fsubp", bin_fsubp, SW_ARITH_MASK },
    { "fdivp", bin_fdivp, SW_ARITH_MASK },     { "fdivrp", bin_fdivrp, SW_ARITH_MASK },
    { "fpatan", bin_fpatan, SW_ARITH_MASK },   { "fyl2x", bin_fyl2x, SW_ARITH_MASK },
    { "fyl2xp1", bin_fyl2xp1, SW_ARITH_MASK },
};
static const struct {
    const char *name;
    void (*fn)(const long double *, long double *, long double *, uint16_t *);
    uint16_t swmask;
} uns[] = {
    { "fsqrt", un_fsqrt, SW_ARITH_MASK },
    { "fabs", un_fabs, SW_ARITH_MASK },
    { "fchs", un_fchs, SW_ARITH_MASK },
    { "frndint", un_frndint, SW_ARITH_MASK },
    /* C2 reports an out-of-range operand for the trigonometric ones. */
    { "fsin", un_fsin, SW_ARITH_MASK | SW_C2 },
    { "fcos", un_fcos, SW_ARITH_MASK | SW_C2 },
    { "f2xm1", un_f2xm1, SW_ARITH_MASK },
    { "fsincos", un_fsincos, SW_ARITH_MASK | SW_C2 },
    { "fptan", un_fptan, SW_ARITH_MASK | SW_C2 },
    { "fxtract", un_fxtract, SW_ARITH_MASK },
};

static long double vals[40];
static size_t nvals;

static void add_bits(uint16_t se, uint64_t mant)
{
    uint8_t b[16] = { 0 };
    memcpy(b, &mant, 8);
    memcpy(b + 8, &se, 2);
    memcpy(&vals[nvals++], b, sizeof(long double));
}

static void init_vals(void)
{
    static const long double v[] = { 0.0L, -0.0L, 1.0L, -1.0L, 0.5L, 3.0L, -2.5L, 7.0L,
                                     0.1L, 1e10L, -1e-10L, 1e300L, 1e-300L, 1e4000L,
                                     1e-4940L, 9.2233720368547758075e18L, 2.5L, -3.5L,
                                     0.75L, 1234567.890123L, 1e-20L, 100.0L };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        vals[nvals++] = v[i];
    }
    add_bits(0x7fff, 0x8000000000000000ull); /* +inf */
    add_bits(0xffff, 0x8000000000000000ull); /* -inf */
    add_bits(0x7fff, 0xc000000000000001ull); /* QNaN with payload */
    add_bits(0xffff, 0xa000000000000000ull); /* SNaN */
    add_bits(0x0000, 0x0000000000000001ull); /* smallest denormal */
    add_bits(0x8000, 0x7fffffffffffffffull); /* largest negative denormal */
    add_bits(0x0000, 0x8000000000000000ull); /* pseudo-denormal */
    add_bits(0x3fff, 0xffffffffffffffffull); /* just below 2 */
    add_bits(0x403e, 0xffffffffffffffffull); /* 2^64 - 1 */
    add_bits(0x4000, 0xc90fdaa22168c235ull); /* pi, 80-bit */
}

static void print_sw(uint16_t sw, uint16_t mask)
{
    printf(" sw=%04x", sw & mask);
}

static void test_arith(void)
{
    static const uint16_t cws[] = { 0x037f, 0x077f, 0x0b7f, 0x0f7f, 0x027f, 0x007f };
    for (size_t c = 0; c < sizeof(cws) / sizeof(cws[0]); c++) {
        set_cw(cws[c]);
        for (size_t t = 0; t < sizeof(bins) / sizeof(bins[0]); t++) {
            for (size_t i = 0; i < nvals; i++) {
                for (size_t j = 0; j < nvals; j++) {
                    long double r;
                    uint16_t sw;
                    /* The rounding sweep runs on a subset to keep output small. */
                    if (c > 0 && (i % 3 || j % 2)) {
                        continue;
                    }
                    bins[t].fn(&vals[i], &vals[j], &r, &sw);
                    printf("%s cw=%04x ", bins[t].name, cws[c]);
                    pr80(&vals[i]);
                    printf(" ");
                    pr80(&vals[j]);
                    printf(" -> ");
                    pr80(&r);
                    print_sw(sw, bins[t].swmask);
                    printf("\n");
                }
            }
        }
        for (size_t t = 0; t < sizeof(uns) / sizeof(uns[0]); t++) {
            for (size_t i = 0; i < nvals; i++) {
                long double r, r2;
                uint16_t sw;
                uns[t].fn(&vals[i], &r, &r2, &sw);
                printf("%s cw=%04x ", uns[t].name, cws[c]);
                pr80(&vals[i]);
                printf(" -> ");
                pr80(&r);
                printf(" ");
                pr80(&r2);
                print_sw(sw, uns[t].swmask);
                printf("\n");
            }
        }
    }
    set_cw(0x037f);
}

static void test_compare(void)
{
    for (size_t i = 0; i < nvals; i++) {
        for (size_t j = 0; j < nvals; j++) {
            uint16_t sw1, sw2;
            uint64_t fl1, fl2;
            asm volatile("fnclex; fldt %[b]; fldt %[a]; fcom %%st(1); fnstsw %[s];"
                         "fstp %%st(0); fstp %%st(0)"
                         : [s] "=m"(sw1)
                         : [a] "m"(vals[i]), [b] "m"(vals[j]));
            asm volatile("fnclex; fldt %[b]; fldt %[a]; fucompp; fnstsw %[s]"
                         : [s] "=m"(sw2)
                         : [a] "m"(vals[i]), [b] "m"(vals[j]));
            asm volatile("fnclex; fldt %[b]; fldt %[a]; fcomi %%st(1), %%st; pushfq; popq %[f];"
                         "fstp %%st(0); fstp %%st(0)"
                         : [f] "=r"(fl1)
                         : [a] "m"(vals[i]), [b] "m"(vals[j])
                         : "cc");
            asm volatile("fnclex; fldt %[b]; fldt %[a]; fucomip %%st(1), %%st; pushfq; popq %[f];"
                         "fstp %%st(0)"
                         : [f] "=r"(fl2)
                         : [a] "m"(vals[i]), [b] "m"(vals[j])
                         : "cc");
            printf("cmp ");
            pr80(&vals[i]);
            printf(" ");
            pr80(&vals[j]);
            printf(" fcom sw=%04x fucompp sw=%04x fcomi f=%03" PRIx64 " fucomip f=%03" PRIx64 "\n",
                   sw1, sw2, fl1 & F_ARITH, fl2 & F_ARITH);
        }
        uint16_t swt, swx;
        asm volatile("fnclex; fldt %[a]; ftst; fnstsw %[s]; fstp %%st(0)"
                     : [s] "=m"(swt)
                     : [a] "m"(vals[i]));
        asm volatile("fnclex; fldt %[a]; fxam; fnstsw %[s]; fstp %%st(0)"
                     : [s] "=m"(swx)
                     : [a] "m"(vals[i]));
        printf("ftst/fxam ");
        pr80(&vals[i]);
        printf(" ftst sw=%04x fxam sw=%04x\n", swt, swx);
    }
    /* FXAM of an empty register. */
    uint16_t swe;
    asm volatile("fninit; fxam; fnstsw %0" : "=m"(swe));
    printf("fxam empty sw=%04x\n", swe);
}

static void test_constants(void)
{
    static const uint16_t rcs[] = { 0x037f, 0x077f, 0x0b7f, 0x0f7f };
    for (size_t c = 0; c < 4; c++) {
        long double k[7];
        set_cw(rcs[c]);
        asm volatile("fld1; fstpt %0; fldl2t; fstpt %1; fldl2e; fstpt %2; fldpi; fstpt %3;"
                     "fldlg2; fstpt %4; fldln2; fstpt %5; fldz; fstpt %6"
                     : "=m"(k[0]), "=m"(k[1]), "=m"(k[2]), "=m"(k[3]), "=m"(k[4]),
                       "=m"(k[5]), "=m"(k[6]));
        printf("constants cw=%04x:", rcs[c]);
        for (int i = 0; i < 7; i++) {
            printf(" ");
            pr80(&k[i]);
        }
        printf("\n");
    }
    set_cw(0x037f);
}

static void test_memory_formats(void)
{
    static const uint16_t cws[] = { 0x037f, 0x077f, 0x0b7f, 0x0f7f };
    int sse3 = have_feature("sse3");
    if (!sse3) {
        printf("fisttp: skipped-feature sse3\n");
    }
    for (size_t c = 0; c < 4; c++) {
        set_cw(cws[c]);
        for (size_t i = 0; i < nvals; i++) {
            float f;
            double d;
            int16_t i16;
            int32_t i32;
            int64_t i64;
            uint8_t bcd[10];
            uint16_t sw[6];
            asm volatile("fnclex; fldt %[a]; fsts %[f]; fnstsw %[s0]; fstpl %[d]; fnstsw %[s1]"
                         : [f] "=m"(f), [d] "=m"(d), [s0] "=m"(sw[0]), [s1] "=m"(sw[1])
                         : [a] "m"(vals[i]));
            asm volatile("fnclex; fldt %[a]; fists %[w]; fistl %[l]; fnstsw %[s2]; fistpll %[q];"
                         "fnstsw %[s3]"
                         : [w] "=m"(i16), [l] "=m"(i32), [q] "=m"(i64), [s2] "=m"(sw[2]),
                           [s3] "=m"(sw[3])
                         : [a] "m"(vals[i]));
            asm volatile("fnclex; fldt %[a]; fbstp %[b]; fnstsw %[s4]"
                         : [b] "=m"(bcd), [s4] "=m"(sw[4])
                         : [a] "m"(vals[i]));
            printf("store cw=%04x ", cws[c]);
            pr80(&vals[i]);
            printf(" m32=%08x m64=%016" PRIx64 " sw=%04x,%04x", *(uint32_t *)&f,
                   *(uint64_t *)&d, sw[0], sw[1]);
            printf(" i16=%04x i32=%08x i64=%016" PRIx64 " sw=%04x,%04x bcd=", (uint16_t)i16,
                   (uint32_t)i32, (uint64_t)i64, sw[2], sw[3]);
            print_hex(bcd, 10);
            printf(" sw=%04x", sw[4]);
            if (sse3) {
                asm volatile("fnclex; fldt %[a]; fld %%st(0); fld %%st(0); fisttps %[w];"
                             "fisttpl %[l]; fisttpll %[q]; fnstsw %[s5]"
                             : [w] "=m"(i16), [l] "=m"(i32), [q] "=m"(i64), [s5] "=m"(sw[5])
                             : [a] "m"(vals[i]));
                printf(" fisttp %04x %08x %016" PRIx64 " sw=%04x", (uint16_t)i16, (uint32_t)i32,
                       (uint64_t)i64, sw[5]);
            }
            printf("\n");
        }
    }
    set_cw(0x037f);
    /* Loads: floats and doubles (with denormals and SNaNs), integers, BCD. */
    static const uint32_t f32s[] = { 0, 0x80000000, 0x3f800000, 0x00000001, 0x807fffff,
                                     0x7f800000, 0x7fc00001, 0x7f800001, 0x7f7fffff };
    static const uint64_t f64s[] = { 0, 0x3ff0000000000000ull, 0x0000000000000001ull,
                                     0x7ff0000000000001ull, 0xfff8000000000000ull,
                                     0x7fefffffffffffffull };
    for (size_t i = 0; i < sizeof(f32s) / sizeof(f32s[0]); i++) {
        long double r;
        uint16_t sw;
        asm volatile("fnclex; flds %[m]; fnstsw %[s]; fstpt %[r]"
                     : [r] "=m"(r), [s] "=m"(sw)
                     : [m] "m"(f32s[i]));
        printf("flds %08x -> ", f32s[i]);
        pr80(&r);
        printf(" sw=%04x\n", sw);
    }
    for (size_t i = 0; i < sizeof(f64s) / sizeof(f64s[0]); i++) {
        long double r;
        uint16_t sw;
        asm volatile("fnclex; fldl %[m]; fnstsw %[s]; fstpt %[r]"
                     : [r] "=m"(r), [s] "=m"(sw)
                     : [m] "m"(f64s[i]));
        printf("fldl %016" PRIx64 " -> ", f64s[i]);
        pr80(&r);
        printf(" sw=%04x\n", sw);
    }
    static const int64_t ints[] = { 0, 1, -1, 32767, -32768, 0x7fffffff, -0x80000000ll,
                                    0x7fffffffffffffffll, (int64_t)0x8000000000000000ull };
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        long double r16, r32, r64;
        int16_t w = (int16_t)ints[i];
        int32_t l = (int32_t)ints[i];
        asm volatile("filds %[w]; fstpt %[a]; fildl %[l]; fstpt %[b]; fildll %[q]; fstpt %[c]"
                     : [a] "=m"(r16), [b] "=m"(r32), [c] "=m"(r64)
                     : [w] "m"(w), [l] "m"(l), [q] "m"(ints[i]));
        printf("fild %016" PRIx64 " -> ", (uint64_t)ints[i]);
        pr80(&r16);
        printf(" ");
        pr80(&r32);
        printf(" ");
        pr80(&r64);
        printf("\n");
    }
    static const uint8_t bcds[][10] = {
        { 0x21, 0x43, 0x65, 0x87, 0x09, 0, 0, 0, 0, 0x80 },
        { 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x00 },
        { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80 },
    };
    for (size_t i = 0; i < 3; i++) {
        long double r;
        asm volatile("fbld %[m]; fstpt %[r]" : [r] "=m"(r) : [m] "m"(bcds[i]));
        printf("fbld ");
        print_hex(bcds[i], 10);
        printf(" -> ");
        pr80(&r);
        printf("\n");
    }
}

/* The parts of an FSAVE/FNSTENV image that are architectural: CW SW TW. */
static void print_env(const char *what, const uint8_t *env)
{
    uint16_t cw, sw, tw;
    memcpy(&cw, env, 2);
    memcpy(&sw, env + 4, 2);
    memcpy(&tw, env + 8, 2);
    printf("%s cw=%04x sw=%04x tw=%04x", what, cw, sw, tw);
}

static void test_state(void)
{
    uint8_t save[108], env[28];
    uint8_t fx[512] __attribute__((aligned(16)));
    long double one = 1.0L, r[8];
    uint16_t cw = 0x0a7b; /* round up, 53-bit, ZE unmasked */

    /* A stack of a few values with one zero and one special, then FSAVE. */
    asm volatile("fninit; fldcw %[cw]; fldz; fldt %[one]; fldpi; fld1; fchs; fldl2e; fdivr %%st(3), %%st;"
                 "fsave %[s]"
                 : [s] "=m"(save)
                 : [cw] "m"(cw), [one] "m"(one));
    print_env("fsave", save);
    /* ST(5..7) are empty: their stale contents are not compared. */
    printf(" regs=");
    for (int i = 0; i < 5; i++) {
        print_hex(save + 28 + 10 * i, 10);
        printf(i < 4 ? "," : "\n");
    }
    /* FSAVE reinitialises the FPU. */
    asm volatile("fnstenv %0" : "=m"(env));
    print_env("after fsave", env);
    printf("\n");
    /* FRSTOR brings it all back. */
    asm volatile("frstor %[s]; fnstenv %[e]" : [e] "=m"(env) : [s] "m"(save));
    print_env("after frstor", env);
    printf("\n");
    for (int i = 0; i < 5; i++) {
        asm volatile("fstpt %0" : "=m"(r[i]));
        printf("pop %d: ", i);
        pr80(&r[i]);
        printf("\n");
    }
    /* FLDENV with a modified TOP and tag word, then FSTENV. */
    asm volatile("fninit; fld1; fldz; fnstenv %0" : "=m"(env));
    print_env("fstenv", env);
    printf("\n");
    env[5] = (uint8_t)((env[5] & ~0x38) | (3 << 3)); /* TOP = 3 */
    env[8] = 0xff;                                   /* tags: empty */
    env[9] = 0x0f;                                   /* ST(4..5) as tagged */
    asm volatile("fldenv %1; fnstenv %0; fninit" : "=m"(env) : "m"(env));
    print_env("after fldenv", env);
    printf("\n");
    /* FXSAVE: FCW FSW abridged FTW MXCSR, the registers, XMM0..7. */
    asm volatile("fninit; fld1; fldpi; fldz; fxsave %0" : "=m"(fx));
    uint16_t fcw, fsw;
    uint32_t mxcsr;
    memcpy(&fcw, fx, 2);
    memcpy(&fsw, fx + 2, 2);
    memcpy(&mxcsr, fx + 24, 4);
    printf("fxsave fcw=%04x fsw=%04x ftw=%02x mxcsr=%08x st=", fcw, fsw, fx[4], mxcsr);
    for (int i = 0; i < 3; i++) {
        print_hex(fx + 32 + 16 * i, 10);
        printf(i < 2 ? "," : "\n");
    }
    /* FXRSTOR of a modified image. */
    fx[0] = 0x7f;
    fx[1] = 0x0c;     /* FCW = 0x0c7f */
    fx[4] = 0x60;     /* physical registers 5 and 6 valid, 7 empty */
    asm volatile("fninit; fxrstor %1; fnstenv %0; fninit" : "=m"(env) : "m"(fx));
    print_env("after fxrstor", env);
    printf("\n");
}

static void test_stack_and_misc(void)
{
    long double r[8];
    uint16_t sw;
    /* Nine pushes: the ninth overflows (IE|SF, C1=1) and loads the indefinite. */
    asm volatile("fninit; fld1; fld1; fld1; fld1; fld1; fld1; fld1; fld1; fldpi; fnstsw %0"
                 : "=m"(sw));
    asm volatile("fstpt %0" : "=m"(r[0]));
    printf("overflow sw=%04x st0=", sw);
    pr80(&r[0]);
    printf("\n");
    /* Underflow: FADD with an empty register. */
    asm volatile("fninit; fld1; fadd %%st(3), %%st; fnstsw %0; fstpt %1" : "=m"(sw), "=m"(r[0]));
    printf("underflow sw=%04x st0=", sw);
    pr80(&r[0]);
    printf("\n");
    /* FXCH, FFREE, FINCSTP, FDECSTP and the tags they leave. */
    uint8_t env[28];
    asm volatile("fninit; fld1; fldz; fldpi; fxch %%st(2); ffree %%st(1); fincstp; fdecstp;"
                 "fdecstp; fnstenv %0; fninit"
                 : "=m"(env));
    print_env("fxch/ffree/fincstp", env);
    printf("\n");
    /* FCMOVcc over the flags of a compare. */
    static const struct {
        int64_t a, b;
    } cmps[] = { { 1, 2 }, { 2, 1 }, { 3, 3 } };
    for (size_t i = 0; i < 3; i++) {
        long double o[8];
        asm volatile("cmpq %[b], %[a];"
                     "fldz; fld1; fcmovb %%st(1), %%st; fstpt 0(%[o]); fstp %%st(0);"
                     "fldz; fld1; fcmove %%st(1), %%st; fstpt 16(%[o]); fstp %%st(0);"
                     "fldz; fld1; fcmovbe %%st(1), %%st; fstpt 32(%[o]); fstp %%st(0);"
                     "fldz; fld1; fcmovnb %%st(1), %%st; fstpt 48(%[o]); fstp %%st(0);"
                     "fldz; fld1; fcmovne %%st(1), %%st; fstpt 64(%[o]); fstp %%st(0);"
                     "fldz; fld1; fcmovnbe %%st(1), %%st; fstpt 80(%[o]); fstp %%st(0);"
                     :
                     : [a] "r"(cmps[i].a), [b] "r"(cmps[i].b), [o] "r"(o)
                     : "cc", "memory");
        printf("fcmov %" PRId64 " %" PRId64 ":", cmps[i].a, cmps[i].b);
        for (int k = 0; k < 6; k++) {
            printf(" %d", o[k] != 0.0L);
        }
        printf("\n");
    }
    asm volatile("fninit");
}

int main(void)
{
    init_vals();
    test_arith();
    test_compare();
    test_constants();
    test_memory_formats();
    test_state();
    test_stack_and_misc();
    return 0;
}
