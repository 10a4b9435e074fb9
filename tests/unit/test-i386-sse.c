/*
 * MMX/SSE helpers (target/i386/sse_helper.c) against the host CPU.
 *
 * Every helper is run on random operands (biased toward edge values:
 * zeros, infinities, quiet and signalling NaNs, denormals, saturation
 * limits) under every rounding mode with DAZ/FTZ on and off, and its
 * result and MXCSR flags are compared with the same instruction executed
 * natively here through inline asm (its own ldmxcsr/stmxcsr, no
 * intrinsics), which is the oracle. Unmasked exceptions must raise #XM
 * and leave the destination untouched.
 */
#pragma GCC target("sse4.2,popcnt,pclmul")

#include <immintrin.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "../../target/i386/sse_helper.h"
#include "tap.h"

/* ---- the CPU services the helpers need, for a standalone test ---- */

static sigjmp_buf excp_jmp;
static int excp_raised;

_Noreturn void raise_exception_err_ra(CPUX86State *env, int excp, int error_code,
                                      uintptr_t retaddr)
{
    excp_raised = excp;
    siglongjmp(excp_jmp, 1);
}

_Noreturn void raise_exception_ra(CPUX86State *env, int excp, uintptr_t retaddr)
{
    raise_exception_err_ra(env, excp, 0, retaddr);
}

/* ---- random operands ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd64(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static const uint32_t f32_special[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000,
    0x7fc00000, 0xffc00001, 0x7fa00000, 0xff800123, /* qNaN, sNaN */
    0x00000001, 0x807fffff, 0x00400000, 0x00800000, 0x7f7fffff, 0xff7fffff,
    0x4f000000, 0xcf000000, 0x5f000000, 0x3effffff, 0x3f000000, 0x3fc00000,
    0x40200000, 0xc0200000,
};
static const uint64_t f64_special[] = {
    0, 0x8000000000000000ULL, 0x3ff0000000000000ULL, 0xbff0000000000000ULL,
    0x7ff0000000000000ULL, 0xfff0000000000000ULL, 0x7ff8000000000000ULL,
    0xfff8000000000001ULL, 0x7ff4000000000000ULL, 0xfff0000000000123ULL,
    1, 0x800fffffffffffffULL, 0x0010000000000000ULL, 0x7fefffffffffffffULL,
    0x41e0000000000000ULL, 0xc1e0000000000000ULL, 0x43e0000000000000ULL,
    0x3fe0000000000000ULL, 0x3ff8000000000000ULL, 0x4004000000000000ULL,
    0x36a0000000000000ULL, 0x47efffffe0000000ULL, /* float under/overflow */
};

enum { LANE_INT, LANE_F32, LANE_F64 };

static void rnd_xmm(XMMReg *r, int lanes)
{
    int i;

    for (i = 0; i < 2; i++) {
        r->q[i] = rnd64();
    }
    if (lanes == LANE_F32) {
        for (i = 0; i < 4; i++) {
            uint64_t k = rnd64() % 4;

            if (k == 0) {
                r->l[i] = f32_special[rnd64() % (sizeof(f32_special) / 4)];
            } else if (k == 1) { /* moderate magnitude, exercises rounding */
                r->l[i] = (r->l[i] & 0x807fffff) | ((uint32_t)(120 + rnd64() % 16) << 23);
            }
        }
    } else if (lanes == LANE_F64) {
        for (i = 0; i < 2; i++) {
            uint64_t k = rnd64() % 4;

            if (k == 0) {
                r->q[i] = f64_special[rnd64() % (sizeof(f64_special) / 8)];
            } else if (k == 1) {
                r->q[i] = (r->q[i] & 0x800fffffffffffffULL) | ((uint64_t)(1016 + rnd64() % 32) << 52);
            }
        }
    } else {
        for (i = 0; i < 16; i++) {
            static const uint8_t edge[] = { 0, 0x7f, 0x80, 0xff, 1, 0xfe };

            if (rnd64() % 4 == 0) {
                r->b[i] = edge[rnd64() % sizeof(edge)];
            }
        }
    }
}

/* ---- running the native instruction under a given MXCSR ---- */

typedef void NatFn(XMMReg *d, const XMMReg *s);

static uint32_t run_native(NatFn *fn, XMMReg *d, const XMMReg *s, uint32_t mxcsr)
{
    uint32_t host, out;

    __asm__ volatile("stmxcsr %0" : "=m"(host));
    __asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
    fn(d, s);
    __asm__ volatile("stmxcsr %0" : "=m"(out));
    __asm__ volatile("ldmxcsr %0" : : "m"(host));
    return out;
}

#define NAT(id, insn)                                                        \
    static void nat_##id(XMMReg *d, const XMMReg *s)                         \
    {                                                                        \
        __asm__ volatile("movdqa %0, %%xmm0\n\tmovdqa %1, %%xmm1\n\t" insn   \
                         " %%xmm1, %%xmm0\n\tmovdqa %%xmm0, %0"              \
                         : "+m"(*d) : "m"(*s) : "xmm0", "xmm1");             \
    }

typedef struct Case {
    const char *name;
    SSEOpFn *helper;
    SSEOpImmFn *helper_imm;
    uint32_t imm;
    NatFn *native;
    int lanes;
} Case;

/* FP ops */
#define FP_LIST(X)                                                           \
    X(addps, F32) X(addpd, F64) X(addss, F32) X(addsd, F64)                  \
    X(subps, F32) X(subpd, F64) X(subss, F32) X(subsd, F64)                  \
    X(mulps, F32) X(mulpd, F64) X(mulss, F32) X(mulsd, F64)                  \
    X(divps, F32) X(divpd, F64) X(divss, F32) X(divsd, F64)                  \
    X(minps, F32) X(minpd, F64) X(minss, F32) X(minsd, F64)                  \
    X(maxps, F32) X(maxpd, F64) X(maxss, F32) X(maxsd, F64)                  \
    X(sqrtps, F32) X(sqrtpd, F64) X(sqrtss, F32) X(sqrtsd, F64)              \
    X(rcpps, F32) X(rcpss, F32) X(rsqrtps, F32) X(rsqrtss, F32)              \
    X(haddps, F32) X(haddpd, F64) X(hsubps, F32) X(hsubpd, F64)              \
    X(addsubps, F32) X(addsubpd, F64)                                        \
    X(cvtps2pd, F32) X(cvtpd2ps, F64) X(cvtss2sd, F32) X(cvtsd2ss, F64)      \
    X(cvtdq2ps, INT) X(cvtps2dq, F32) X(cvttps2dq, F32)                      \
    X(cvtdq2pd, INT) X(cvtpd2dq, F64) X(cvttpd2dq, F64)

#define NAT_FP(n, l) NAT(n, #n)
FP_LIST(NAT_FP)

/* integer and data-movement ops */
#define INT_LIST(X)                                                          \
    X(paddb) X(paddw) X(paddd) X(paddq) X(psubb) X(psubw) X(psubd) X(psubq)  \
    X(paddsb) X(paddsw) X(paddusb) X(paddusw) X(psubsb) X(psubsw)            \
    X(psubusb) X(psubusw) X(pmullw) X(pmulhw) X(pmulhuw) X(pmuludq)          \
    X(pmaddwd) X(pavgb) X(pavgw) X(pminub) X(pmaxub) X(pminsw) X(pmaxsw)     \
    X(psadbw) X(pcmpeqb) X(pcmpeqw) X(pcmpeqd) X(pcmpgtb) X(pcmpgtw)         \
    X(pcmpgtd) X(pand) X(pandn) X(por) X(pxor)                               \
    X(punpcklbw) X(punpcklwd) X(punpckldq) X(punpckhbw) X(punpckhwd)         \
    X(punpckhdq) X(packsswb) X(packssdw) X(packuswb)                         \
    X(pshufb) X(phaddw) X(phaddd) X(phaddsw) X(phsubw) X(phsubd) X(phsubsw)  \
    X(pmaddubsw) X(pmulhrsw) X(psignb) X(psignw) X(psignd)                   \
    X(pabsb) X(pabsw) X(pabsd)
#define XMM_ONLY_LIST(X)                                                     \
    X(punpcklqdq) X(punpckhqdq) X(pmuldq) X(pcmpeqq) X(pcmpgtq) X(packusdw)  \
    X(pmulld) X(pminsb) X(pminsd) X(pminuw) X(pminud) X(pmaxsb) X(pmaxsd)    \
    X(pmaxuw) X(pmaxud) X(phminposuw)                                        \
    X(pmovsxbw) X(pmovsxbd) X(pmovsxbq) X(pmovsxwd) X(pmovsxwq) X(pmovsxdq)  \
    X(pmovzxbw) X(pmovzxbd) X(pmovzxbq) X(pmovzxwd) X(pmovzxwq) X(pmovzxdq)  \
    X(unpcklps) X(unpckhps) X(unpcklpd) X(unpckhpd)                          \
    X(movsldup) X(movshdup) X(movddup)

#define NAT_INT(n) NAT(n, #n)
INT_LIST(NAT_INT)
XMM_ONLY_LIST(NAT_INT)

/* shifts by register: counts must often be small to be interesting */
#define SHIFT_LIST(X) X(psrlw) X(psrld) X(psrlq) X(psraw) X(psrad) X(psllw) X(pslld) X(psllq)
SHIFT_LIST(NAT_INT)

/* immediate forms (a few immediates each) */
#define IMM_LIST(X)                                                          \
    X(cmpps, 0, F32) X(cmpps, 1, F32) X(cmpps, 2, F32) X(cmpps, 3, F32)      \
    X(cmpps, 4, F32) X(cmpps, 5, F32) X(cmpps, 6, F32) X(cmpps, 7, F32)      \
    X(cmppd, 1, F64) X(cmppd, 3, F64) X(cmppd, 6, F64) X(cmpss, 2, F32)      \
    X(cmpss, 4, F32) X(cmpsd, 0, F64) X(cmpsd, 5, F64)                       \
    X(roundps, 0, F32) X(roundps, 1, F32) X(roundps, 2, F32) X(roundps, 3, F32) \
    X(roundps, 4, F32) X(roundps, 9, F32) X(roundpd, 0, F64) X(roundpd, 3, F64) \
    X(roundpd, 12, F64) X(roundss, 1, F32) X(roundss, 10, F32)               \
    X(roundsd, 2, F64) X(roundsd, 4, F64)                                    \
    X(dpps, 0xff, F32) X(dpps, 0x31, F32) X(dpps, 0xa6, F32) X(dpps, 0x0f, F32) \
    X(dppd, 0x33, F64) X(dppd, 0x12, F64) X(dppd, 0xf1, F64)                 \
    X(mpsadbw, 0, INT) X(mpsadbw, 5, INT) X(mpsadbw, 7, INT)                 \
    X(insertps, 0x00, INT) X(insertps, 0x5a, INT) X(insertps, 0xf3, INT)     \
    X(insertps, 0x3f, INT)                                                   \
    X(shufps, 0x1b, INT) X(shufps, 0xe4, INT) X(shufps, 0x72, INT)           \
    X(shufpd, 0, INT) X(shufpd, 1, INT) X(shufpd, 2, INT) X(shufpd, 3, INT)  \
    X(pshufd, 0x1b, INT) X(pshufd, 0xa9, INT) X(pshufhw, 0x4e, INT)          \
    X(pshuflw, 0xd2, INT) X(blendps, 0x5, INT) X(blendps, 0xe, INT)          \
    X(blendpd, 1, INT) X(blendpd, 2, INT) X(pblendw, 0x96, INT)              \
    X(palignr, 0, INT) X(palignr, 5, INT) X(palignr, 16, INT)                \
    X(palignr, 21, INT) X(palignr, 31, INT) X(palignr, 32, INT)              \
    X(palignr, 200, INT) X(pclmulqdq, 0x00, INT) X(pclmulqdq, 0x11, INT)     \
    X(pclmulqdq, 0x10, INT) X(pclmulqdq, 0x01, INT)

#define NAT_IMM(n, i, l) NAT(n##_##i, #n " $" #i ",")
IMM_LIST(NAT_IMM)

static const uint32_t mxcsr_modes[] = {
    0x1f80, 0x3f80, 0x5f80, 0x7f80, /* RC */
    0x1fc0, 0x9f80, 0x9fc0, 0xffc0, /* DAZ, FTZ */
};

static bool run_case(const Case *c, int iters)
{
    size_t m;
    int i;

    for (m = 0; m < sizeof(mxcsr_modes) / sizeof(mxcsr_modes[0]); m++) {
        for (i = 0; i < iters; i++) {
            CPUX86State env;
            XMMReg a, b, exp;
            uint32_t nat_csr;

            memset(&env, 0, sizeof(env));
            rnd_xmm(&a, c->lanes);
            rnd_xmm(&b, c->lanes);
            exp = a;
            nat_csr = run_native(c->native, &exp, &b, mxcsr_modes[m]);
            env.mxcsr = mxcsr_modes[m];
            if (c->helper) {
                c->helper(&env, &a, &b);
            } else {
                c->helper_imm(&env, &a, &b, c->imm);
            }
            if (memcmp(&a, &exp, 16) != 0 || env.mxcsr != nat_csr) {
                tap_diag("%s: mxcsr %04x: got %016llx%016llx csr %04x, native %016llx%016llx csr %04x",
                         c->name, mxcsr_modes[m], (unsigned long long)a.q[1],
                         (unsigned long long)a.q[0], env.mxcsr, (unsigned long long)exp.q[1],
                         (unsigned long long)exp.q[0], nat_csr);
                return false;
            }
        }
    }
    return true;
}

/* shift counts: mostly in range */
static bool run_shift(const char *name, SSEOpFn *h, NatFn *n)
{
    int i;

    for (i = 0; i < 400; i++) {
        CPUX86State env = { .mxcsr = 0x1f80 };
        XMMReg a, b, exp;

        rnd_xmm(&a, LANE_INT);
        rnd_xmm(&b, LANE_INT);
        if (i % 4) {
            b.q[0] = rnd64() % 70;
        }
        exp = a;
        run_native(n, &exp, &b, 0x1f80);
        h(&env, &a, &b);
        if (memcmp(&a, &exp, 16) != 0) {
            tap_diag("%s count %llu", name, (unsigned long long)b.q[0]);
            return false;
        }
    }
    return true;
}

/* ---- MMX forms ---- */

typedef void NatMmxFn(uint64_t *d, const uint64_t *s);

#define NATM(id, insn)                                                       \
    static void natm_##id(uint64_t *d, const uint64_t *s)                    \
    {                                                                        \
        __asm__ volatile("movq %0, %%mm0\n\tmovq %1, %%mm1\n\t" insn         \
                         " %%mm1, %%mm0\n\tmovq %%mm0, %0\n\temms"           \
                         : "+m"(*d) : "m"(*s) : "mm0", "mm1");               \
    }
#define NATM_INT(n) NATM(n, #n)
INT_LIST(NATM_INT)
SHIFT_LIST(NATM_INT)
NATM(pshufw_1b, "pshufw $0x1b,")
NATM(pshufw_c6, "pshufw $0xc6,")
NATM(palignr_0, "palignr $0,")
NATM(palignr_3, "palignr $3,")
NATM(palignr_9, "palignr $9,")
NATM(palignr_16, "palignr $16,")

static bool run_mmx(const char *name, MMXOpFn *h, MMXOpImmFn *hi, uint32_t imm, NatMmxFn *n,
                    bool shift)
{
    int i;

    for (i = 0; i < 500; i++) {
        CPUX86State env = { .mxcsr = 0x1f80 };
        XMMReg a, b;
        uint64_t d, s, exp;

        rnd_xmm(&a, LANE_INT);
        rnd_xmm(&b, LANE_INT);
        d = a.q[0];
        s = b.q[0];
        if (shift && i % 4) {
            s = rnd64() % 70;
        }
        exp = d;
        n(&exp, &s);
        if (h) {
            h(&env, &d, &s);
        } else {
            hi(&env, &d, &s, imm);
        }
        if (d != exp) {
            tap_diag("%s: got %016llx native %016llx", name, (unsigned long long)d,
                     (unsigned long long)exp);
            return false;
        }
    }
    return true;
}

/* ---- flag-producing and general-register ops ---- */

typedef uint64_t NatFlagsFn(const XMMReg *a, const XMMReg *b, uint32_t *csr);

#define NAT_COMI(n)                                                          \
    static uint64_t natc_##n(const XMMReg *a, const XMMReg *b, uint32_t *csr) \
    {                                                                        \
        uint8_t z, p, c;                                                     \
        uint32_t host;                                                       \
        __asm__ volatile("stmxcsr %[h]\n\tldmxcsr %[m]\n\tmovdqa %[a], %%xmm0\n\t" \
                         #n " %[b], %%xmm0\n\tsetz %[z]\n\tsetp %[p]\n\tsetc %[c]\n\t" \
                         "stmxcsr %[m]\n\tldmxcsr %[h]"                      \
                         : [z] "=q"(z), [p] "=q"(p), [c] "=q"(c), [m] "+m"(*csr), \
                           [h] "=m"(host)                                    \
                         : [a] "m"(*a), [b] "m"(*b)                          \
                         : "xmm0", "cc");                                    \
        return (z ? CC_Z : 0) | (p ? CC_P : 0) | (c ? CC_C : 0);             \
    }
NAT_COMI(comiss)
NAT_COMI(ucomiss)
NAT_COMI(comisd)
NAT_COMI(ucomisd)

static bool run_comi(const char *name, uint64_t (*h)(CPUX86State *, const XMMReg *, const XMMReg *),
                     NatFlagsFn *n, int lanes)
{
    int i;

    for (i = 0; i < 2000; i++) {
        CPUX86State env = { .mxcsr = mxcsr_modes[i % 8] };
        uint32_t csr = env.mxcsr;
        XMMReg a, b;
        uint64_t got, exp;

        rnd_xmm(&a, lanes);
        rnd_xmm(&b, lanes);
        if (i % 5 == 0) {
            b = a;
        }
        exp = n(&a, &b, &csr);
        got = h(&env, &a, &b);
        if (got != exp || env.mxcsr != csr) {
            tap_diag("%s: flags %llx/%llx csr %x/%x", name, (unsigned long long)got,
                     (unsigned long long)exp, env.mxcsr, csr);
            return false;
        }
    }
    return true;
}

/* CVTSI2SS/SD and CVT(T)SS/SD2SI in both sizes and all rounding modes */
static bool test_cvt_scalar(void)
{
    int i;

    for (i = 0; i < 4000; i++) {
        CPUX86State env = { .mxcsr = mxcsr_modes[i % 8] };
        uint32_t csr = env.mxcsr, host, m = i % 4;
        XMMReg a, b, exp;
        uint64_t v = rnd64() >> (rnd64() % 64), got = 0, want = 0;

        if (i & 8) {
            v = -v;
        }
        rnd_xmm(&a, LANE_F32);
        rnd_xmm(&b, (i & 16) ? LANE_F64 : LANE_F32);
        exp = a;
#define NATCVT(insn, oc, ov, ic, iv)                                        \
    __asm__ volatile("stmxcsr %[h]\n\tldmxcsr %[c]\n\t" insn " %[in], %[out]\n\t"  \
                     "stmxcsr %[c]\n\tldmxcsr %[h]"                            \
                     : [out] oc(ov), [c] "+m"(csr), [h] "=m"(host) : [in] ic(iv))
        if (i & 16) {
            __m128d x = _mm_load_pd(exp.d), y = _mm_load_pd(b.d);
            uint32_t w32;

            switch (m) {
            case 0: NATCVT("cvtsi2sdl", "+x", x, "r", (int32_t)v); break;
            case 1: NATCVT("cvtsi2sdq", "+x", x, "r", (int64_t)v); break;
            case 2: NATCVT("cvtsd2si", "=r", w32, "x", y); want = w32; break;
            default: NATCVT("cvttsd2si", "=r", want, "x", y); break;
            }
            _mm_store_pd(exp.d, x);
        } else {
            __m128 x = _mm_load_ps(exp.s), y = _mm_load_ps(b.s);
            uint32_t w32;

            switch (m) {
            case 0: NATCVT("cvtsi2ssl", "+x", x, "r", (int32_t)v); break;
            case 1: NATCVT("cvtsi2ssq", "+x", x, "r", (int64_t)v); break;
            case 2: NATCVT("cvttss2si", "=r", w32, "x", y); want = w32; break;
            default: NATCVT("cvtss2si", "=r", want, "x", y); break;
            }
            _mm_store_ps(exp.s, x);
        }
        if (i & 16) {
            if (m < 2) {
                helper_cvtsi2sd(&env, &a, v, m);
            } else {
                got = helper_cvtsd2si(&env, &b, m == 2 ? 0 : 3);
            }
        } else {
            if (m < 2) {
                helper_cvtsi2ss(&env, &a, v, m);
            } else {
                got = helper_cvtss2si(&env, &b, m == 2 ? 2 : 1);
            }
        }
        if ((m < 2 && memcmp(&a, &exp, 16) != 0) || (m >= 2 && got != want) ||
            env.mxcsr != csr) {
            tap_diag("cvt case %d (mode %u) v=%llx got %llx want %llx csr %x/%x b=%016llx", i, m, (unsigned long long)v, (unsigned long long)got, (unsigned long long)want, env.mxcsr, csr, (unsigned long long)b.q[0]);
            return false;
        }
    }
    return true;
}

/* PCMPxSTRx over every immediate */
static uint64_t nat_pcmpstr(int kind, const XMMReg *a, const XMMReg *b, uint32_t imm,
                            int64_t la, int64_t lb, XMMReg *mask);

#define STRF "\n\tsetc %[c]\n\tsetz %[z]\n\tsets %[s]\n\tseto %[o]"
#define STRO [c] "=q"(c), [z] "=q"(z), [s] "=q"(s_), [o] "=q"(o)
#define REP2(f, n) f(n) f(n + 1)
#define REP4(f, n) REP2(f, n) REP2(f, n + 2)
#define REP8(f, n) REP4(f, n) REP4(f, n + 4)
#define REP16(f, n) REP8(f, n) REP8(f, n + 8)
#define REP32(f, n) REP16(f, n) REP16(f, n + 16)
#define REP64(f, n) REP32(f, n) REP32(f, n + 32)
#define REP128(f, n) REP64(f, n) REP64(f, n + 64)
#define REP256(f) REP128(f, 0) REP128(f, 128)

static uint64_t nat_pcmpstr(int kind, const XMMReg *a, const XMMReg *b, uint32_t imm,
                            int64_t la, int64_t lb, XMMReg *mask)
{
    uint8_t c, z, s_, o;
    uint32_t idx = 0;
    __m128i x = _mm_load_si128((const __m128i *)a), y = _mm_load_si128((const __m128i *)b), m;

#define N_ISTRI(n) case n: __asm__("pcmpistri %[i], %[y], %[x]" STRF : "=c"(idx), STRO : [x] "x"(x), [y] "x"(y), [i] "i"(n) : "cc"); break;
#define N_ISTRM(n) case n: __asm__("pcmpistrm %[i], %[y], %[x]" STRF : "=Yz"(m), STRO : [x] "x"(x), [y] "x"(y), [i] "i"(n) : "cc"); _mm_store_si128((__m128i *)mask, m); break;
#define N_ESTRI(n) case n: __asm__("pcmpestriq %[i], %[y], %[x]" STRF : "=c"(idx), STRO : [x] "x"(x), [y] "x"(y), "a"(la), "d"(lb), [i] "i"(n) : "cc"); break;
#define N_ESTRM(n) case n: __asm__("pcmpestrmq %[i], %[y], %[x]" STRF : "=Yz"(m), STRO : [x] "x"(x), [y] "x"(y), "a"(la), "d"(lb), [i] "i"(n) : "cc"); _mm_store_si128((__m128i *)mask, m); break;
    switch (kind) {
    case 0:
        switch (imm) { REP256(N_ISTRI) }
        break;
    case 1:
        switch (imm) { REP256(N_ISTRM) }
        break;
    case 2:
        switch (imm) { REP256(N_ESTRI) }
        break;
    default:
        switch (imm) { REP256(N_ESTRM) }
        break;
    }
    return (c ? CC_C : 0) | (z ? CC_Z : 0) | (s_ ? CC_S : 0) | (o ? CC_O : 0) |
           ((uint64_t)idx << 32);
}

static void rnd_string(XMMReg *r)
{
    static const char alphabet[] = "abcAZ09 \x80\xff";
    int i, len = rnd64() % 20;

    for (i = 0; i < 16; i++) {
        r->b[i] = i < len ? alphabet[rnd64() % (sizeof(alphabet) - 1)] : 0;
    }
    if (rnd64() % 4 == 0) {
        rnd_xmm(r, LANE_INT);
    }
}

static bool test_pcmpstr(int kind)
{
    static const char *const names[] = { "pcmpistri", "pcmpistrm", "pcmpestri", "pcmpestrm" };
    uint32_t imm;
    int i;

    for (imm = 0; imm < 256; imm++) {
        for (i = 0; i < 24; i++) {
            CPUX86State env;
            XMMReg a, b, nm = { .q = { 0, 0 } };
            int64_t la = (int64_t)(rnd64() % 40) - 20, lb = (int64_t)(rnd64() % 40) - 20;
            uint32_t is64 = i & 1;
            uint64_t got, exp;

            memset(&env, 0, sizeof(env));
            rnd_string(&a);
            rnd_string(&b);
            if (!is64 && (i & 2)) { /* garbage above bit 31 must be ignored */
                la = (int64_t)((uint64_t)la & 0xffffffffULL) | (int64_t)0x500000000LL;
            }
            exp = nat_pcmpstr(kind, &a, &b, imm, is64 ? la : (int32_t)la,
                              is64 ? lb : (int32_t)lb, &nm);
            switch (kind) {
            case 0: got = helper_pcmpistri(&env, &a, &b, imm); break;
            case 1: got = helper_pcmpistrm(&env, &a, &b, imm); break;
            case 2: got = helper_pcmpestri(&env, &a, &b, imm, la, lb, is64); break;
            default: got = helper_pcmpestrm(&env, &a, &b, imm, la, lb, is64); break;
            }
            if ((kind & 1) == 0) {
                /* the index is meaningful; compare flags and index */
            } else if (memcmp(&env.xmm_regs[0], &nm, 16) != 0) {
                tap_diag("%s imm %02x: mask differs", names[kind], imm);
                return false;
            }
            if (got != exp) {
                tap_diag("%s imm %02x: got %llx native %llx", names[kind], imm,
                         (unsigned long long)got, (unsigned long long)exp);
                return false;
            }
        }
    }
    return true;
}

static bool test_masks_and_misc(void)
{
    int i;

    for (i = 0; i < 1000; i++) {
        CPUX86State env;
        XMMReg a, b;
        uint64_t v = rnd64();

        memset(&env, 0, sizeof(env));
        rnd_xmm(&a, LANE_INT);
        rnd_xmm(&b, LANE_INT);
        if (helper_movmskps(&env, &a) != (uint64_t)_mm_movemask_ps(_mm_load_ps(a.s)) ||
            helper_movmskpd(&env, &a) != (uint64_t)_mm_movemask_pd(_mm_load_pd(a.d)) ||
            helper_pmovmskb_xmm(&env, &a) !=
                (uint64_t)_mm_movemask_epi8(_mm_load_si128((__m128i *)&a)) ||
            helper_pmovmskb_mmx(&env, &a.q[0]) !=
                ((uint64_t)_mm_movemask_epi8(_mm_load_si128((__m128i *)&a)) & 0xff)) {
            tap_diag("movmsk %d", i);
            return false;
        }
        {
            uint64_t zf, cf;
            uint8_t z, c;
            __asm__("movdqa %2, %%xmm0\n\tptest %3, %%xmm0\n\tsetz %0\n\tsetc %1"
                    : "=q"(z), "=q"(c) : "m"(a), "m"(b) : "xmm0", "cc");
            zf = z ? CC_Z : 0;
            cf = c ? CC_C : 0;
            if (i % 3 == 0) {
                b = a;
            }
            if (i % 3 != 0 && helper_ptest(&env, &a, &b) != (zf | cf)) {
                tap_diag("ptest %d", i);
                return false;
            }
        }
        {
            uint32_t crc = (uint32_t)rnd64(), r8 = crc, r16 = crc, r32 = crc;
            uint64_t r64 = crc;

            __asm__("crc32b %1, %0" : "+r"(r8) : "q"((uint8_t)v));
            __asm__("crc32w %1, %0" : "+r"(r16) : "r"((uint16_t)v));
            __asm__("crc32l %1, %0" : "+r"(r32) : "r"((uint32_t)v));
            __asm__("crc32q %1, %0" : "+r"(r64) : "r"(v));
            if (helper_crc32(crc, v, 1) != r8 || helper_crc32(crc, v, 2) != r16 ||
                helper_crc32(crc, v, 4) != r32 || helper_crc32(crc, v, 8) != r64) {
                tap_diag("crc32 %d", i);
                return false;
            }
        }
        if (helper_popcnt(v) != (uint64_t)__builtin_popcountll(v)) {
            return false;
        }
    }
    return true;
}

/* PBLENDVB/BLENDVPS/BLENDVPD read the mask from xmm0 */
static bool test_blendv(void)
{
    int i;

    for (i = 0; i < 300; i++) {
        CPUX86State env;
        XMMReg a, b, m, e1, e2, e3;

        memset(&env, 0, sizeof(env));
        rnd_xmm(&a, LANE_INT);
        rnd_xmm(&b, LANE_INT);
        rnd_xmm(&m, LANE_INT);
        env.xmm_regs[0] = m;
        e1 = e2 = e3 = a;
        __asm__("movdqa %1, %%xmm0\n\tmovdqa %0, %%xmm2\n\tpblendvb %%xmm0, %2, %%xmm2\n\t"
                "movdqa %%xmm2, %0" : "+m"(e1) : "m"(m), "x"(_mm_load_si128((__m128i *)&b)) : "xmm0", "xmm2");
        __asm__("movdqa %1, %%xmm0\n\tmovdqa %0, %%xmm2\n\tblendvps %%xmm0, %2, %%xmm2\n\t"
                "movdqa %%xmm2, %0" : "+m"(e2) : "m"(m), "x"(_mm_load_si128((__m128i *)&b)) : "xmm0", "xmm2");
        __asm__("movdqa %1, %%xmm0\n\tmovdqa %0, %%xmm2\n\tblendvpd %%xmm0, %2, %%xmm2\n\t"
                "movdqa %%xmm2, %0" : "+m"(e3) : "m"(m), "x"(_mm_load_si128((__m128i *)&b)) : "xmm0", "xmm2");
        {
            XMMReg r1 = a, r2 = a, r3 = a;

            helper_pblendvb_xmm(&env, &r1, &b);
            helper_blendvps_xmm(&env, &r2, &b);
            helper_blendvpd_xmm(&env, &r3, &b);
            if (memcmp(&r1, &e1, 16) || memcmp(&r2, &e2, 16) || memcmp(&r3, &e3, 16)) {
                return false;
            }
        }
    }
    return true;
}

/* MMX <-> XMM conversions */
static bool test_cvt_pi(void)
{
    int i;

    for (i = 0; i < 2000; i++) {
        CPUX86State env = { .mxcsr = mxcsr_modes[i % 8] };
        uint32_t csr = env.mxcsr, host;
        XMMReg a, b, e;
        uint64_t mm = 0, emm = 0;

        rnd_xmm(&a, LANE_F32);
        rnd_xmm(&b, (i & 1) ? LANE_F64 : LANE_F32);
        e = a;
        switch (i % 4) {
        case 0:
            __asm__ volatile("stmxcsr %[h]\n\tldmxcsr %[c]\n\tmovdqa %[e], %%xmm0\n\t"
                             "cvtpi2ps %[s], %%xmm0\n\tmovdqa %%xmm0, %[e]\n\tstmxcsr %[c]\n\t"
                             "ldmxcsr %[h]\n\temms"
                             : [e] "+m"(e), [c] "+m"(csr), [h] "=m"(host) : [s] "m"(b.q[0]) : "xmm0");
            helper_cvtpi2ps_xmm(&env, &a, &b);
            break;
        case 1:
            __asm__ volatile("stmxcsr %[h]\n\tldmxcsr %[c]\n\tcvtpd2pi %[s], %%mm0\n\t"
                             "movq %%mm0, %[m]\n\tstmxcsr %[c]\n\tldmxcsr %[h]\n\temms"
                             : [m] "=m"(emm), [c] "+m"(csr), [h] "=m"(host) : [s] "m"(b) : "mm0");
            helper_cvtpd2pi(&env, &mm, &b);
            break;
        case 2:
            __asm__ volatile("stmxcsr %[h]\n\tldmxcsr %[c]\n\tcvttps2pi %[s], %%mm0\n\t"
                             "movq %%mm0, %[m]\n\tstmxcsr %[c]\n\tldmxcsr %[h]\n\temms"
                             : [m] "=m"(emm), [c] "+m"(csr), [h] "=m"(host) : [s] "m"(b.q[0]) : "mm0");
            helper_cvttps2pi(&env, &mm, &b);
            break;
        default:
            __asm__ volatile("stmxcsr %[h]\n\tldmxcsr %[c]\n\tcvtpi2pd %[s], %%xmm0\n\t"
                             "movdqa %%xmm0, %[e]\n\tstmxcsr %[c]\n\tldmxcsr %[h]\n\temms"
                             : [e] "+m"(e), [c] "+m"(csr), [h] "=m"(host) : [s] "m"(b.q[0]) : "xmm0");
            helper_cvtpi2pd_xmm(&env, &a, &b);
            break;
        }
        if (memcmp(&a, &e, 16) || mm != emm || env.mxcsr != csr) {
            tap_diag("cvt pi case %d", i);
            return false;
        }
    }
    return true;
}

/* unmasked exceptions: #XM, destination untouched, flag recorded */
static bool test_unmasked(void)
{
    CPUX86State env;
    XMMReg a = { .l = { 0x3f800000, 0x3f800000, 0x3f800000, 0x3f800000 } };
    XMMReg b = { .l = { 0x7fa00000, 0, 0, 0 } }; /* sNaN */
    XMMReg keep = a;

    memset(&env, 0, sizeof(env));
    env.mxcsr = 0x1f80 & ~0x80; /* IE unmasked */
    excp_raised = -1;
    if (sigsetjmp(excp_jmp, 0) == 0) {
        helper_addps_xmm(&env, &a, &b);
        return false;
    }
    if (excp_raised != EXCP13_XMM || memcmp(&a, &keep, 16) != 0 || !(env.mxcsr & MXCSR_IE)) {
        return false;
    }
    /* precision unmasked: 1/3 */
    memset(&env, 0, sizeof(env));
    env.mxcsr = 0x1f80 & ~0x1000;
    b.l[0] = 0x40400000;
    excp_raised = -1;
    if (sigsetjmp(excp_jmp, 0) == 0) {
        helper_divss_xmm(&env, &a, &b);
        return false;
    }
    if (excp_raised != EXCP13_XMM || memcmp(&a, &keep, 16) != 0 || !(env.mxcsr & MXCSR_PE)) {
        return false;
    }
    /* masked: no exception, result written */
    env.mxcsr = 0x1f80;
    helper_divss_xmm(&env, &a, &b);
    return a.l[0] == 0x3eaaaaab && (env.mxcsr & MXCSR_PE);
}

int main(void)
{
    uint32_t host_csr;

    __asm__ volatile("stmxcsr %0" : "=m"(host_csr));

#define RUN_FP(n, l)                                                         \
    {                                                                        \
        Case c = { #n, helper_##n##_xmm, NULL, 0, nat_##n, LANE_##l };       \
        tap_ok(run_case(&c, 150), "%s matches native (all rounding/DAZ/FTZ)", #n); \
    }
    FP_LIST(RUN_FP)
#define RUN_INT(n)                                                           \
    {                                                                        \
        Case c = { #n, helper_##n##_xmm, NULL, 0, nat_##n, LANE_INT };       \
        tap_ok(run_case(&c, 60), "%s (xmm) matches native", #n);             \
    }
    INT_LIST(RUN_INT)
    XMM_ONLY_LIST(RUN_INT)
#define RUN_SHIFT(n) tap_ok(run_shift(#n, helper_##n##_xmm, nat_##n), "%s (xmm) matches native", #n);
    SHIFT_LIST(RUN_SHIFT)
#define RUN_IMM(n, i, l)                                                     \
    {                                                                        \
        Case c = { #n " $" #i, NULL, helper_##n##_xmm, i, nat_##n##_##i, LANE_##l }; \
        tap_ok(run_case(&c, 60), "%s $%s matches native", #n, #i);           \
    }
    IMM_LIST(RUN_IMM)
#define RUN_MMX(n) tap_ok(run_mmx(#n, helper_##n##_mmx, NULL, 0, natm_##n, false), "%s (mmx) matches native", #n);
    INT_LIST(RUN_MMX)
#define RUN_MMX_SHIFT(n) tap_ok(run_mmx(#n, helper_##n##_mmx, NULL, 0, natm_##n, true), "%s (mmx) matches native", #n);
    SHIFT_LIST(RUN_MMX_SHIFT)
    tap_ok(run_mmx("pshufw", NULL, helper_pshufw_mmx, 0x1b, natm_pshufw_1b, false), "pshufw $0x1b");
    tap_ok(run_mmx("pshufw", NULL, helper_pshufw_mmx, 0xc6, natm_pshufw_c6, false), "pshufw $0xc6");
    tap_ok(run_mmx("palignr", NULL, helper_palignr_mmx, 0, natm_palignr_0, false), "palignr mmx $0");
    tap_ok(run_mmx("palignr", NULL, helper_palignr_mmx, 3, natm_palignr_3, false), "palignr mmx $3");
    tap_ok(run_mmx("palignr", NULL, helper_palignr_mmx, 9, natm_palignr_9, false), "palignr mmx $9");
    tap_ok(run_mmx("palignr", NULL, helper_palignr_mmx, 16, natm_palignr_16, false), "palignr mmx $16");

    tap_ok(run_comi("comiss", helper_comiss, natc_comiss, LANE_F32), "comiss flags and MXCSR");
    tap_ok(run_comi("ucomiss", helper_ucomiss, natc_ucomiss, LANE_F32), "ucomiss flags and MXCSR");
    tap_ok(run_comi("comisd", helper_comisd, natc_comisd, LANE_F64), "comisd flags and MXCSR");
    tap_ok(run_comi("ucomisd", helper_ucomisd, natc_ucomisd, LANE_F64), "ucomisd flags and MXCSR");
    tap_ok(test_cvt_scalar(), "cvtsi2ss/sd, cvt(t)ss/sd2si in 32/64 bits, all modes");
    tap_ok(test_cvt_pi(), "cvtpi2ps/cvtpi2pd/cvtpd2pi/cvttps2pi");
    tap_ok(test_pcmpstr(0), "pcmpistri: every imm8, flags and index");
    tap_ok(test_pcmpstr(1), "pcmpistrm: every imm8, flags and mask");
    tap_ok(test_pcmpstr(2), "pcmpestri: every imm8, 32/64-bit lengths");
    tap_ok(test_pcmpstr(3), "pcmpestrm: every imm8, 32/64-bit lengths");
    tap_ok(test_masks_and_misc(), "movmskps/pd, pmovmskb, ptest, crc32, popcnt");
    tap_ok(test_blendv(), "pblendvb/blendvps/blendvpd use xmm0");
    tap_ok(test_unmasked(), "unmasked exceptions raise #XM and keep the destination");
    {
        uint32_t now;

        __asm__ volatile("stmxcsr %0" : "=m"(now));
        tap_ok(now == host_csr, "host MXCSR restored by the helpers");
    }
    return tap_done();
}
