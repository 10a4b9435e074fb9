/*
 * BMI1 and BMI2, when CPUID (in both runs) has them: ANDN BEXTR BLSR
 * BLSMSK BLSI TZCNT (bmi1), BZHI PDEP PEXT MULX RORX SARX SHLX SHRX
 * (bmi2), 32- and 64-bit, register and memory sources, on the edge
 * values of common.h and random ones, with the flags in at 0 and at all
 * ones. Defined flags only: ANDN SF ZF CF OF; BEXTR ZF CF OF; BLS* SF ZF
 * CF OF; BZHI SF ZF CF OF; TZCNT CF ZF; the BMI2 others change none (so
 * all six are compared). A 32-bit result zero-extends its register: the
 * destination starts with garbage. Then register aliasing (MULX with one
 * destination register, sources that are the destination) and the
 * encodings that must raise #UD (VEX.L = 1, a wrong VEX.pp or ModRM.reg,
 * VEX.vvvv != 1111b for RORX, a legacy prefix before VEX).
 */
#include <setjmp.h>
#include <signal.h>
#include <ucontext.h>

#include "common.h"

#define FLAGS_IN "pushfq; andq $~0x8d5, (%%rsp); orq %[f], (%%rsp); popfq\n\t"
#define FLAGS_OUT "\n\tpushfq; popq %[f]"
#define GARBAGE 0xa5a5a5a5a5a5a5a5ull

/* x: the ModRM r/m source, v: the VEX.vvvv (or second) source */
typedef uint64_t (*BmiFn)(uint64_t x, uint64_t v, uint64_t *fl);

/* AT&T operand orders: XVD = "insn x, v, d", VXD = "insn v, x, d" */
#define ORD_XVD(x, v) x ", " v ", "
#define ORD_VXD(x, v) v ", " x ", "

/* register and memory forms of a three-operand insn */
#define BMI3(insn, ord, sfx, mod)                                                             \
    static uint64_t r_##insn##_##sfx(uint64_t x, uint64_t v, uint64_t *fl)                  \
    {                                                                                       \
        uint64_t d = GARBAGE;                                                               \
        asm(FLAGS_IN #insn " " ord("%" #mod "[x]", "%" #mod "[v]") "%" #mod "[d]" FLAGS_OUT \
            : [d] "+&r"(d), [f] "+r"(*fl)                                                   \
            : [x] "r"(x), [v] "r"(v)                                                        \
            : "cc");                                                                        \
        return d;                                                                           \
    }                                                                                       \
    static uint64_t m_##insn##_##sfx(uint64_t x, uint64_t v, uint64_t *fl)                  \
    {                                                                                       \
        uint64_t d = GARBAGE, mem[2] = { x, GARBAGE };                                      \
        asm(FLAGS_IN #insn " " ord("%[x]", "%" #mod "[v]") "%" #mod "[d]" FLAGS_OUT         \
            : [d] "+&r"(d), [f] "+r"(*fl)                                                   \
            : [x] "m"(mem[0]), [v] "r"(v), "m"(mem[1])                                      \
            : "cc");                                                                        \
        return d;                                                                           \
    }
/* two-operand insns (BLS*, TZCNT): d = f(x) */
#define BMI2OP(insn, sfx, mod)                                                                \
    static uint64_t r_##insn##_##sfx(uint64_t x, uint64_t v, uint64_t *fl)                  \
    {                                                                                       \
        uint64_t d = GARBAGE;                                                               \
        (void)v;                                                                            \
        asm(FLAGS_IN #insn " %" #mod "[x], %" #mod "[d]" FLAGS_OUT                          \
            : [d] "+&r"(d), [f] "+r"(*fl)                                                   \
            : [x] "r"(x)                                                                    \
            : "cc");                                                                        \
        return d;                                                                           \
    }                                                                                       \
    static uint64_t m_##insn##_##sfx(uint64_t x, uint64_t v, uint64_t *fl)                  \
    {                                                                                       \
        uint64_t d = GARBAGE, mem[2] = { x, GARBAGE };                                      \
        (void)v;                                                                            \
        asm(FLAGS_IN #insn " %[x], %" #mod "[d]" FLAGS_OUT                                  \
            : [d] "+&r"(d), [f] "+r"(*fl)                                                   \
            : [x] "m"(mem[0]), "m"(mem[1])                                                  \
            : "cc");                                                                        \
        return d;                                                                           \
    }
/* RORX by a few immediates, folded into v's index */
#define RORX(sfx, mod, imm)                                                                   \
    static uint64_t r_rorx##imm##_##sfx(uint64_t x, uint64_t v, uint64_t *fl)               \
    {                                                                                       \
        uint64_t d = GARBAGE;                                                               \
        (void)v;                                                                            \
        asm(FLAGS_IN "rorx $" #imm ", %" #mod "[x], %" #mod "[d]" FLAGS_OUT                 \
            : [d] "+&r"(d), [f] "+r"(*fl)                                                   \
            : [x] "r"(x)                                                                    \
            : "cc");                                                                        \
        return d;                                                                           \
    }                                                                                       \
    static uint64_t m_rorx##imm##_##sfx(uint64_t x, uint64_t v, uint64_t *fl)               \
    {                                                                                       \
        uint64_t d = GARBAGE, mem[2] = { x, GARBAGE };                                      \
        (void)v;                                                                            \
        asm(FLAGS_IN "rorx $" #imm ", %[x], %" #mod "[d]" FLAGS_OUT                         \
            : [d] "+&r"(d), [f] "+r"(*fl)                                                   \
            : [x] "m"(mem[0]), "m"(mem[1])                                                  \
            : "cc");                                                                        \
        return d;                                                                           \
    }
/* MULX: d = high half, *lo (through v's slot: returned in the global) */
static uint64_t mulx_lo;
#define MULX(sfx, mod)                                                                        \
    static uint64_t r_mulx_##sfx(uint64_t x, uint64_t v, uint64_t *fl)                      \
    {                                                                                       \
        uint64_t hi = GARBAGE, lo = GARBAGE;                                                \
        asm(FLAGS_IN "mulx %" #mod "[x], %" #mod "[lo], %" #mod "[hi]" FLAGS_OUT            \
            : [hi] "+&r"(hi), [lo] "+&r"(lo), [f] "+r"(*fl)                                 \
            : [x] "r"(x), "d"(v)                                                            \
            : "cc");                                                                        \
        mulx_lo = lo;                                                                       \
        return hi;                                                                          \
    }                                                                                       \
    static uint64_t m_mulx_##sfx(uint64_t x, uint64_t v, uint64_t *fl)                      \
    {                                                                                       \
        uint64_t hi = GARBAGE, lo = GARBAGE, mem[2] = { x, GARBAGE };                       \
        asm(FLAGS_IN "mulx %[x], %" #mod "[lo], %" #mod "[hi]" FLAGS_OUT                    \
            : [hi] "+&r"(hi), [lo] "+&r"(lo), [f] "+r"(*fl)                                 \
            : [x] "m"(mem[0]), "d"(v), "m"(mem[1])                                          \
            : "cc");                                                                        \
        mulx_lo = lo;                                                                       \
        return hi;                                                                          \
    }

#define BOTH3(insn, ord) BMI3(insn, ord, l, k) BMI3(insn, ord, q, q)
#define BOTH2(insn) BMI2OP(insn, l, k) BMI2OP(insn, q, q)
BOTH3(andn, ORD_XVD)
BOTH3(bextr, ORD_VXD)
BOTH2(blsr)
BOTH2(blsmsk)
BOTH2(blsi)
BOTH2(tzcnt)
BMI2OP(tzcnt, w, w)
BOTH3(bzhi, ORD_VXD)
BOTH3(pdep, ORD_XVD)
BOTH3(pext, ORD_XVD)
BOTH3(shlx, ORD_VXD)
BOTH3(sarx, ORD_VXD)
BOTH3(shrx, ORD_VXD)
MULX(l, k)
MULX(q, q)
RORX(l, k, 0)
RORX(l, k, 1)
RORX(l, k, 13)
RORX(l, k, 31)
RORX(l, k, 45)
RORX(q, q, 0)
RORX(q, q, 1)
RORX(q, q, 33)
RORX(q, q, 63)
RORX(q, q, 200)

/* The conditions right after a flag-setting insn (translators may
 * branch on lazily kept flags): bit k = condition k of Jcc (O B Z BE S P
 * L LE), read with SETcc. */
#define SETCCS                                                                                \
    "\n\tseto %b[c0]; setb %b[c1]; setz %b[c2]; setbe %b[c3]"                                 \
    "\n\tsets %b[c4]; setp %b[c5]; setl %b[c6]; setle %b[c7]"
#define CC_OUTS                                                                               \
    [c0] "=&q"(c[0]), [c1] "=&q"(c[1]), [c2] "=&q"(c[2]), [c3] "=&q"(c[3]), [c4] "=&q"(c[4]),  \
        [c5] "=&q"(c[5]), [c6] "=&q"(c[6]), [c7] "=&q"(c[7])
static unsigned cc_pack(const uint64_t *c)
{
    unsigned r = 0;

    for (int k = 0; k < 8; k++) {
        r |= (unsigned)(c[k] & 1) << k;
    }
    return r;
}
#define CC3(insn, ord, sfx, mod)                                                              \
    static unsigned cc_##insn##_##sfx(uint64_t x, uint64_t v)                               \
    {                                                                                       \
        uint64_t d, c[8];                                                                   \
        asm(#insn " " ord("%" #mod "[x]", "%" #mod "[v]") "%" #mod "[d]" SETCCS             \
            : [d] "=&r"(d), CC_OUTS                                                         \
            : [x] "r"(x), [v] "r"(v)                                                        \
            : "cc");                                                                        \
        return cc_pack(c);                                                                  \
    }
#define CC2(insn, sfx, mod)                                                                   \
    static unsigned cc_##insn##_##sfx(uint64_t x, uint64_t v)                               \
    {                                                                                       \
        uint64_t d, c[8];                                                                   \
        (void)v;                                                                            \
        asm(#insn " %" #mod "[x], %" #mod "[d]" SETCCS                                      \
            : [d] "=&r"(d), CC_OUTS                                                         \
            : [x] "r"(x)                                                                    \
            : "cc");                                                                        \
        return cc_pack(c);                                                                  \
    }
CC3(andn, ORD_XVD, l, k)
CC3(andn, ORD_XVD, q, q)
CC3(bextr, ORD_VXD, l, k)
CC3(bextr, ORD_VXD, q, q)
CC3(bzhi, ORD_VXD, l, k)
CC3(bzhi, ORD_VXD, q, q)
CC2(blsr, l, k)
CC2(blsr, q, q)
CC2(blsmsk, l, k)
CC2(blsmsk, q, q)
CC2(blsi, l, k)
CC2(blsi, q, q)
CC2(tzcnt, l, k)
CC2(tzcnt, q, q)

/* conditions over defined flags only: all but P (PF is undefined) */
#define CC_SZCO 0xdf
#define CC_ZCO 0x0f /* O B Z BE */
#define CC_ZC 0x0e  /* B Z BE */
static const struct {
    const char *name;
    unsigned (*fn)(uint64_t x, uint64_t v);
    unsigned defined;
    int vkind;
    const char *feature;
} cctests[] = {
#define C(insn, sfx, def, vk, feat) { #insn "." #sfx, cc_##insn##_##sfx, def, vk, feat }
    C(andn, l, CC_SZCO, 1, "bmi1"),  C(andn, q, CC_SZCO, 1, "bmi1"),
    C(bextr, l, CC_ZCO, 2, "bmi1"),  C(bextr, q, CC_ZCO, 2, "bmi1"),
    C(blsr, l, CC_SZCO, 0, "bmi1"),  C(blsr, q, CC_SZCO, 0, "bmi1"),
    C(blsmsk, l, CC_SZCO, 0, "bmi1"), C(blsmsk, q, CC_SZCO, 0, "bmi1"),
    C(blsi, l, CC_SZCO, 0, "bmi1"),  C(blsi, q, CC_SZCO, 0, "bmi1"),
    C(tzcnt, l, CC_ZC, 0, "bmi1"),   C(tzcnt, q, CC_ZC, 0, "bmi1"),
    C(bzhi, l, CC_SZCO, 3, "bmi2"),  C(bzhi, q, CC_SZCO, 3, "bmi2"),
#undef C
};

/* kinds of second operand */
enum { V_NONE, V_VALS, V_CTL, V_IDX, V_CNT };

typedef struct BmiTest {
    const char *name;
    BmiFn r, m;
    unsigned defined;
    int vkind;
    const char *feature;
} BmiTest;

#define F_SZCO (F_SF | F_ZF | F_CF | F_OF)
#define T(insn, sfx, def, vk, feat) { #insn "." #sfx, r_##insn##_##sfx, m_##insn##_##sfx, def, vk, feat }
#define T2(insn, def, vk, feat) T(insn, l, def, vk, feat), T(insn, q, def, vk, feat)

static const BmiTest tests[] = {
    T2(andn, F_SZCO, V_VALS, "bmi1"),
    T2(bextr, F_ZF | F_CF | F_OF, V_CTL, "bmi1"),
    T2(blsr, F_SZCO, V_NONE, "bmi1"),
    T2(blsmsk, F_SZCO, V_NONE, "bmi1"),
    T2(blsi, F_SZCO, V_NONE, "bmi1"),
    T2(tzcnt, F_CF | F_ZF, V_NONE, "bmi1"),
    T(tzcnt, w, F_CF | F_ZF, V_NONE, "bmi1"),
    T2(bzhi, F_SZCO, V_IDX, "bmi2"),
    T2(pdep, F_ARITH, V_VALS, "bmi2"),
    T2(pext, F_ARITH, V_VALS, "bmi2"),
    T2(shlx, F_ARITH, V_CNT, "bmi2"),
    T2(sarx, F_ARITH, V_CNT, "bmi2"),
    T2(shrx, F_ARITH, V_CNT, "bmi2"),
    T2(mulx, F_ARITH, V_VALS, "bmi2"),
    T(rorx0, l, F_ARITH, V_NONE, "bmi2"),
    T(rorx1, l, F_ARITH, V_NONE, "bmi2"),
    T(rorx13, l, F_ARITH, V_NONE, "bmi2"),
    T(rorx31, l, F_ARITH, V_NONE, "bmi2"),
    T(rorx45, l, F_ARITH, V_NONE, "bmi2"),
    T(rorx0, q, F_ARITH, V_NONE, "bmi2"),
    T(rorx1, q, F_ARITH, V_NONE, "bmi2"),
    T(rorx33, q, F_ARITH, V_NONE, "bmi2"),
    T(rorx63, q, F_ARITH, V_NONE, "bmi2"),
    T(rorx200, q, F_ARITH, V_NONE, "bmi2"),
};

/* ---- register aliasing ---- */

static void alias_tests(const uint64_t *vals, size_t nv)
{
    if (!have_feature("bmi1") || !have_feature("bmi2")) {
        printf("alias: skipped-feature bmi1 bmi2\n");
        return;
    }
    for (size_t i = 0; i < nv; i++) {
        uint64_t a, b, c, h, fl = 0;

        a = vals[i];
        asm("andn %0, %0, %0" : "+r"(a) : : "cc");
        b = vals[i];
        asm("blsr %0, %0; pushfq; popq %1" : "+r"(b), "=r"(fl) : : "cc");
        printf("alias %016" PRIx64 ": andn=%016" PRIx64 " blsr=%016" PRIx64 " f=%03" PRIx64,
               vals[i], a, b, fl & F_SZCO);
        /* MULX with one destination: the high half */
        a = GARBAGE;
        asm("mulx %1, %0, %0" : "+&r"(a) : "r"(vals[i]), "d"(vals[nv - 1 - i]));
        b = GARBAGE;
        asm("mulx %k1, %k0, %k0" : "+&r"(b) : "r"(vals[i]), "d"(vals[nv - 1 - i]));
        /* MULX whose source and destinations include rDX */
        c = vals[i];
        asm("mulx %%rdx, %%rdx, %0" : "=&r"(h), "+d"(c));
        printf(" mulx=%016" PRIx64 " %016" PRIx64 " %016" PRIx64 ":%016" PRIx64, a, b, h, c);
        /* the destination is a source too */
        a = vals[i];
        asm("shlx %0, %0, %0" : "+r"(a));
        b = vals[i];
        asm("bzhi %0, %0, %0" : "+r"(b) : : "cc");
        c = vals[i];
        asm("bextr %k0, %k0, %k0" : "+r"(c) : : "cc");
        printf(" shlx=%016" PRIx64 " bzhi=%016" PRIx64 " bextr=%016" PRIx64 "\n", a, b, c);
    }
}

/* ---- encodings that raise #UD ---- */

static sigjmp_buf jb;

static void on_sigill(int sig, siginfo_t *si, void *uc_)
{
    (void)uc_;
    printf(" SIGILL sig=%d code=%d\n", sig, si->si_code);
    siglongjmp(jb, 1);
}

#define UD(name, bytes)                                                                       \
    static __attribute__((noinline)) void ud_##name(void)                                   \
    {                                                                                       \
        asm volatile(".byte " bytes : : : "rax", "rcx", "rdx", "cc", "memory");             \
    }
UD(andn_l1, "0xc4, 0xe2, 0x74, 0xf2, 0xc1")
UD(andn_pp66, "0xc4, 0xe2, 0x71, 0xf2, 0xc1")
UD(andn_ppf3, "0xc4, 0xe2, 0x72, 0xf2, 0xc1")
UD(bls_reg0, "0xc4, 0xe2, 0x78, 0xf3, 0xc1")
UD(bls_reg4, "0xc4, 0xe2, 0x78, 0xf3, 0xe1")
UD(bls_reg7, "0xc4, 0xe2, 0x78, 0xf3, 0xf9")
UD(bls_l1, "0xc4, 0xe2, 0x7c, 0xf3, 0xc9")
UD(bextr_l1, "0xc4, 0xe2, 0x74, 0xf7, 0xc1")
UD(andn_66_prefix, "0x66, 0xc4, 0xe2, 0x70, 0xf2, 0xc1")
UD(andn_f3_prefix, "0xf3, 0xc4, 0xe2, 0x70, 0xf2, 0xc1")
UD(andn_lock_mem, "0xf0, 0xc4, 0xe2, 0x70, 0xf2, 0x04, 0x24")
UD(map2_f4, "0xc4, 0xe2, 0x70, 0xf4, 0xc1")
UD(bzhi_l1, "0xc4, 0xe2, 0x74, 0xf5, 0xc1")
UD(bzhi_pp66, "0xc4, 0xe2, 0x71, 0xf5, 0xc1")
UD(mulx_l1, "0xc4, 0xe2, 0x77, 0xf6, 0xc1")
UD(shlx_l1, "0xc4, 0xe2, 0x75, 0xf7, 0xc1")
UD(rorx_vvvv, "0xc4, 0xe3, 0x73, 0xf0, 0xc1, 0x05")
UD(rorx_l1, "0xc4, 0xe3, 0x7f, 0xf0, 0xc1, 0x05")
UD(rorx_pp0, "0xc4, 0xe3, 0x78, 0xf0, 0xc1, 0x05")

static const struct {
    const char *name;
    void (*fn)(void);
    const char *feature;
} uds[] = {
#define U(n, f) { #n, ud_##n, f }
    U(andn_l1, "bmi1"),        U(andn_pp66, "bmi1"),      U(andn_ppf3, "bmi1"),
    U(bls_reg0, "bmi1"),       U(bls_reg4, "bmi1"),       U(bls_reg7, "bmi1"),
    U(bls_l1, "bmi1"),         U(bextr_l1, "bmi1"),       U(andn_66_prefix, "bmi1"),
    U(andn_f3_prefix, "bmi1"), U(andn_lock_mem, "bmi1"),  U(map2_f4, "bmi1"),
    U(bzhi_l1, "bmi2"),        U(bzhi_pp66, "bmi2"),      U(mulx_l1, "bmi2"),
    U(shlx_l1, "bmi2"),        U(rorx_vvvv, "bmi2"),      U(rorx_l1, "bmi2"),
    U(rorx_pp0, "bmi2"),
#undef U
};

static __attribute__((noinline)) void run_ud(size_t i)
{
    printf("ud %s:", uds[i].name);
    fflush(stdout);
    if (sigsetjmp(jb, 1) == 0) {
        uds[i].fn();
        printf(" no fault\n");
    }
}

int main(void)
{
    uint64_t seed = 4242;
    uint64_t vals[TCG_NVALS + 12];
    uint64_t ctl[64], idx[48], cnt[40];
    size_t nv = 0, nctl = 0, nidx = 0, ncnt = 0;
    struct sigaction sa;

    for (size_t i = 0; i < TCG_NVALS; i++) {
        vals[nv++] = tcg_vals[i];
    }
    while (nv < sizeof(vals) / sizeof(vals[0])) {
        uint64_t r = tcg_rand(&seed);
        vals[nv] = (nv & 1) ? r : (r & (r >> 5) & (r >> 23));
        nv++;
    }
    /* BEXTR controls: start and length at the edges, garbage above */
    static const uint8_t starts[] = { 0, 1, 7, 31, 32, 33, 63, 64, 200 };
    static const uint8_t lens[] = { 0, 1, 8, 31, 32, 33, 64, 65 };
    for (size_t i = 0; i < sizeof(starts); i++) {
        for (size_t j = 0; j < sizeof(lens); j++) {
            uint64_t g = (i + j) % 3 == 0 ? tcg_rand(&seed) << 16 : 0;
            ctl[nctl++] = g | (uint64_t)lens[j] << 8 | starts[i];
        }
    }
    while (nctl < sizeof(ctl) / sizeof(ctl[0])) {
        ctl[nctl++] = tcg_rand(&seed) & 0xffff;
    }
    /* BZHI indexes 0..40 and beyond, garbage in bits 8 and up */
    for (unsigned i = 0; i < 34; i++) {
        idx[nidx++] = i | ((i & 3) == 1 ? tcg_rand(&seed) << 8 : 0);
    }
    static const uint64_t idx_more[] = { 62, 63, 64, 65, 127, 128, 200, 255, 0x100, 0x13f,
                                         0xffffffffffffff20ull, 0x8000000000000040ull,
                                         0x7fffffff, 0xffffffff };
    for (size_t i = 0; i < sizeof(idx_more) / sizeof(idx_more[0]); i++) {
        idx[nidx++] = idx_more[i];
    }
    /* shift counts: every residue class edge, garbage above */
    static const uint64_t cnt_base[] = { 0, 1, 2, 7, 8, 15, 16, 30, 31, 32, 33, 47, 62, 63, 64, 65,
                                         95, 127, 255, 256 };
    for (size_t i = 0; i < sizeof(cnt_base) / sizeof(cnt_base[0]); i++) {
        cnt[ncnt++] = cnt_base[i];
        cnt[ncnt++] = cnt_base[i] | (tcg_rand(&seed) << 9);
    }

    for (size_t t = 0; t < sizeof(tests) / sizeof(tests[0]); t++) {
        const BmiTest *bt = &tests[t];
        const uint64_t *vv = vals;
        size_t n2 = 1;

        if (!gate(bt->name, bt->feature)) {
            continue;
        }
        switch (bt->vkind) {
        case V_VALS:
            n2 = nv;
            break;
        case V_CTL:
            vv = ctl;
            n2 = nctl;
            break;
        case V_IDX:
            vv = idx;
            n2 = nidx;
            break;
        case V_CNT:
            vv = cnt;
            n2 = ncnt;
            break;
        }
        for (size_t i = 0; i < nv; i++) {
            for (size_t j = 0; j < n2; j++) {
                uint64_t v = bt->vkind == V_NONE ? 0 : vv[j];
                for (int fin = 0; fin < 2; fin++) {
                    uint64_t flr = fin ? F_ARITH : 0, flm = flr;
                    uint64_t rr = bt->r(vals[i], v, &flr);
                    uint64_t lor = mulx_lo;
                    uint64_t rm = bt->m(vals[i], v, &flm);
                    uint64_t lom = mulx_lo;

                    printf("%s %016" PRIx64 " %016" PRIx64 " f%d -> %016" PRIx64 " f=%03" PRIx64,
                           bt->name, vals[i], v, fin, rr, flr & bt->defined);
                    if (bt->r == r_mulx_l || bt->r == r_mulx_q) {
                        printf(" lo=%016" PRIx64, lor);
                    }
                    /* the memory form must agree with the register form */
                    if (rm != rr || (flm & bt->defined) != (flr & bt->defined) || lom != lor) {
                        printf(" mem=%016" PRIx64 " f=%03" PRIx64 " lo=%016" PRIx64, rm,
                               flm & bt->defined, lom);
                    }
                    printf("\n");
                }
            }
        }
    }

    for (size_t t = 0; t < sizeof(cctests) / sizeof(cctests[0]); t++) {
        const uint64_t *vv = cctests[t].vkind == 2 ? ctl : cctests[t].vkind == 3 ? idx : vals;
        size_t n2 = cctests[t].vkind == 0 ? 1 : cctests[t].vkind == 2 ? nctl
                                          : cctests[t].vkind == 3 ? nidx : nv;

        if (!gate(cctests[t].name, cctests[t].feature)) {
            continue;
        }
        printf("cond %s:", cctests[t].name);
        for (size_t i = 0; i < nv; i++) {
            for (size_t j = 0; j < n2; j += 3) {
                printf(" %02x", cctests[t].fn(vals[i], vv[j]) & cctests[t].defined);
            }
        }
        printf("\n");
    }

    alias_tests(vals, nv);

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_sigill;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGILL, &sa, NULL);
    for (size_t i = 0; i < sizeof(uds) / sizeof(uds[0]); i++) {
        if (gate(uds[i].name, uds[i].feature)) {
            run_ud(i);
        }
    }
    return 0;
}
