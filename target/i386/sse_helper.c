/*
 * MMX and SSE..SSE4.2 helpers.
 *
 * The host is an x86-64 with SSE4.2 (see DESIGN.md), so each helper runs
 * the very instruction it emulates (compiler intrinsics, or inline asm
 * where flags are needed): results, NaN propagation, rounding and
 * exception flags are then exactly native. This file is compiled for
 * SSE4.2/POPCNT/PCLMUL through the target pragma below.
 *
 * Floating point: fp_begin() loads a host MXCSR made of the guest's
 * RC/DAZ/FTZ with every exception masked (so the emulator never traps)
 * and clear flags; fp_end() reads the raised flags back, restores the
 * host MXCSR, ORs the flags into the guest MXCSR and raises #XM when one
 * of them is unmasked in the guest, before the result is written back.
 * Compiler barriers (empty volatile asm on the operands) keep the
 * computation between the two MXCSR switches.
 *
 * Instructions whose immediate must be an encoding constant are expanded
 * into a switch over all immediate values (REP256 below).
 */
#pragma GCC target("sse4.2,popcnt,pclmul")

#include "sse_helper.h"

#include <immintrin.h>
#include <string.h>

#include "exec/cpu-exec.h"

/* ---- plumbing ---- */

static inline __m128i ldx(const XMMReg *r) { return _mm_load_si128((const __m128i *)r); }
static inline void stx(XMMReg *r, __m128i v) { _mm_store_si128((__m128i *)r, v); }

#define PS(x) _mm_castsi128_ps(x)
#define PD(x) _mm_castsi128_pd(x)
#define IPS(x) _mm_castps_si128(x)
#define IPD(x) _mm_castpd_si128(x)

/* Pin a value in a register at this point of the instruction stream. */
#define BARRIER_X(v) __asm__ volatile("" : "+x"(v))
#define BARRIER_R(v) __asm__ volatile("" : "+r"(v))

static inline uint32_t fp_begin(CPUX86State *env)
{
    uint32_t host, guest;

    __asm__ volatile("stmxcsr %0" : "=m"(host));
    guest = (env->mxcsr & (MXCSR_RC | MXCSR_DAZ | MXCSR_FTZ)) | MXCSR_MASKS;
    __asm__ volatile("ldmxcsr %0" : : "m"(guest));
    return host;
}

static inline void fp_end(CPUX86State *env, uint32_t host, uintptr_t ra)
{
    uint32_t now, flags;

    __asm__ volatile("stmxcsr %0" : "=m"(now));
    __asm__ volatile("ldmxcsr %0" : : "m"(host));
    flags = now & MXCSR_FLAGS;
    if (flags) {
        env->mxcsr |= flags;
        if (flags & ~(env->mxcsr >> 7) & MXCSR_FLAGS) {
            raise_exception_ra(env, EXCP13_XMM, ra);
        }
    }
}

/* Expand f(n) for every n in [0, 256) (n as a constant expression). */
#define REP2(f, n) f(n) f(n + 1)
#define REP4(f, n) REP2(f, n) REP2(f, n + 2)
#define REP8(f, n) REP4(f, n) REP4(f, n + 4)
#define REP16(f, n) REP8(f, n) REP8(f, n + 8)
#define REP32(f, n) REP16(f, n) REP16(f, n + 16)
#define REP64(f, n) REP32(f, n) REP32(f, n + 32)
#define REP128(f, n) REP64(f, n) REP64(f, n + 64)
#define REP256(f, n) REP128(f, n) REP128(f, n + 128)

/* ---- integer ops (never raise) ---- */

#define INT_OP(name, expr)                                                   \
    void helper_##name##_xmm(CPUX86State *env, XMMReg *d, const XMMReg *s)   \
    {                                                                        \
        __m128i a = ldx(d), b = ldx(s);                                      \
        (void)a;                                                             \
        stx(d, (expr));                                                      \
    }

INT_OP(paddb, _mm_add_epi8(a, b))
INT_OP(paddw, _mm_add_epi16(a, b))
INT_OP(paddd, _mm_add_epi32(a, b))
INT_OP(paddq, _mm_add_epi64(a, b))
INT_OP(psubb, _mm_sub_epi8(a, b))
INT_OP(psubw, _mm_sub_epi16(a, b))
INT_OP(psubd, _mm_sub_epi32(a, b))
INT_OP(psubq, _mm_sub_epi64(a, b))
INT_OP(paddsb, _mm_adds_epi8(a, b))
INT_OP(paddsw, _mm_adds_epi16(a, b))
INT_OP(paddusb, _mm_adds_epu8(a, b))
INT_OP(paddusw, _mm_adds_epu16(a, b))
INT_OP(psubsb, _mm_subs_epi8(a, b))
INT_OP(psubsw, _mm_subs_epi16(a, b))
INT_OP(psubusb, _mm_subs_epu8(a, b))
INT_OP(psubusw, _mm_subs_epu16(a, b))
INT_OP(pmullw, _mm_mullo_epi16(a, b))
INT_OP(pmulhw, _mm_mulhi_epi16(a, b))
INT_OP(pmulhuw, _mm_mulhi_epu16(a, b))
INT_OP(pmuludq, _mm_mul_epu32(a, b))
INT_OP(pmaddwd, _mm_madd_epi16(a, b))
INT_OP(pavgb, _mm_avg_epu8(a, b))
INT_OP(pavgw, _mm_avg_epu16(a, b))
INT_OP(pminub, _mm_min_epu8(a, b))
INT_OP(pmaxub, _mm_max_epu8(a, b))
INT_OP(pminsw, _mm_min_epi16(a, b))
INT_OP(pmaxsw, _mm_max_epi16(a, b))
INT_OP(psadbw, _mm_sad_epu8(a, b))
INT_OP(pcmpeqb, _mm_cmpeq_epi8(a, b))
INT_OP(pcmpeqw, _mm_cmpeq_epi16(a, b))
INT_OP(pcmpeqd, _mm_cmpeq_epi32(a, b))
INT_OP(pcmpgtb, _mm_cmpgt_epi8(a, b))
INT_OP(pcmpgtw, _mm_cmpgt_epi16(a, b))
INT_OP(pcmpgtd, _mm_cmpgt_epi32(a, b))
INT_OP(pand, _mm_and_si128(a, b))
INT_OP(pandn, _mm_andnot_si128(a, b))
INT_OP(por, _mm_or_si128(a, b))
INT_OP(pxor, _mm_xor_si128(a, b))
INT_OP(psrlw, _mm_srl_epi16(a, b))
INT_OP(psrld, _mm_srl_epi32(a, b))
INT_OP(psrlq, _mm_srl_epi64(a, b))
INT_OP(psraw, _mm_sra_epi16(a, b))
INT_OP(psrad, _mm_sra_epi32(a, b))
INT_OP(psllw, _mm_sll_epi16(a, b))
INT_OP(pslld, _mm_sll_epi32(a, b))
INT_OP(psllq, _mm_sll_epi64(a, b))
INT_OP(punpcklbw, _mm_unpacklo_epi8(a, b))
INT_OP(punpcklwd, _mm_unpacklo_epi16(a, b))
INT_OP(punpckldq, _mm_unpacklo_epi32(a, b))
INT_OP(punpckhbw, _mm_unpackhi_epi8(a, b))
INT_OP(punpckhwd, _mm_unpackhi_epi16(a, b))
INT_OP(punpckhdq, _mm_unpackhi_epi32(a, b))
INT_OP(packsswb, _mm_packs_epi16(a, b))
INT_OP(packssdw, _mm_packs_epi32(a, b))
INT_OP(packuswb, _mm_packus_epi16(a, b))
INT_OP(pshufb, _mm_shuffle_epi8(a, b))
INT_OP(phaddw, _mm_hadd_epi16(a, b))
INT_OP(phaddd, _mm_hadd_epi32(a, b))
INT_OP(phaddsw, _mm_hadds_epi16(a, b))
INT_OP(phsubw, _mm_hsub_epi16(a, b))
INT_OP(phsubd, _mm_hsub_epi32(a, b))
INT_OP(phsubsw, _mm_hsubs_epi16(a, b))
INT_OP(pmaddubsw, _mm_maddubs_epi16(a, b))
INT_OP(pmulhrsw, _mm_mulhrs_epi16(a, b))
INT_OP(psignb, _mm_sign_epi8(a, b))
INT_OP(psignw, _mm_sign_epi16(a, b))
INT_OP(psignd, _mm_sign_epi32(a, b))
INT_OP(pabsb, _mm_abs_epi8(b))
INT_OP(pabsw, _mm_abs_epi16(b))
INT_OP(pabsd, _mm_abs_epi32(b))

INT_OP(punpcklqdq, _mm_unpacklo_epi64(a, b))
INT_OP(punpckhqdq, _mm_unpackhi_epi64(a, b))
INT_OP(pmuldq, _mm_mul_epi32(a, b))
INT_OP(pcmpeqq, _mm_cmpeq_epi64(a, b))
INT_OP(pcmpgtq, _mm_cmpgt_epi64(a, b))
INT_OP(packusdw, _mm_packus_epi32(a, b))
INT_OP(pmulld, _mm_mullo_epi32(a, b))
INT_OP(pminsb, _mm_min_epi8(a, b))
INT_OP(pminsd, _mm_min_epi32(a, b))
INT_OP(pminuw, _mm_min_epu16(a, b))
INT_OP(pminud, _mm_min_epu32(a, b))
INT_OP(pmaxsb, _mm_max_epi8(a, b))
INT_OP(pmaxsd, _mm_max_epi32(a, b))
INT_OP(pmaxuw, _mm_max_epu16(a, b))
INT_OP(pmaxud, _mm_max_epu32(a, b))
INT_OP(phminposuw, _mm_minpos_epu16(b))
INT_OP(pmovsxbw, _mm_cvtepi8_epi16(b))
INT_OP(pmovsxbd, _mm_cvtepi8_epi32(b))
INT_OP(pmovsxbq, _mm_cvtepi8_epi64(b))
INT_OP(pmovsxwd, _mm_cvtepi16_epi32(b))
INT_OP(pmovsxwq, _mm_cvtepi16_epi64(b))
INT_OP(pmovsxdq, _mm_cvtepi32_epi64(b))
INT_OP(pmovzxbw, _mm_cvtepu8_epi16(b))
INT_OP(pmovzxbd, _mm_cvtepu8_epi32(b))
INT_OP(pmovzxbq, _mm_cvtepu8_epi64(b))
INT_OP(pmovzxwd, _mm_cvtepu16_epi32(b))
INT_OP(pmovzxwq, _mm_cvtepu16_epi64(b))
INT_OP(pmovzxdq, _mm_cvtepu32_epi64(b))
INT_OP(unpcklps, IPS(_mm_unpacklo_ps(PS(a), PS(b))))
INT_OP(unpckhps, IPS(_mm_unpackhi_ps(PS(a), PS(b))))
INT_OP(unpcklpd, IPD(_mm_unpacklo_pd(PD(a), PD(b))))
INT_OP(unpckhpd, IPD(_mm_unpackhi_pd(PD(a), PD(b))))
INT_OP(movsldup, IPS(_mm_moveldup_ps(PS(b))))
INT_OP(movshdup, IPS(_mm_movehdup_ps(PS(b))))
INT_OP(movddup, IPD(_mm_movedup_pd(PD(b))))
INT_OP(pblendvb, _mm_blendv_epi8(a, b, ldx(&env->xmm_regs[0])))
INT_OP(blendvps, IPS(_mm_blendv_ps(PS(a), PS(b), PS(ldx(&env->xmm_regs[0])))))
INT_OP(blendvpd, IPD(_mm_blendv_pd(PD(a), PD(b), PD(ldx(&env->xmm_regs[0])))))

/*
 * MMX forms. Lane-local ops run the XMM helper on zero-extended operands
 * and keep the low half. Ops that pair the destination's and the source's
 * elements (packs, horizontal adds) run on (d:s) with itself as both
 * operands: the low half of the result is then exactly the MMX result.
 */
#define MMX_WIDE(name)                                                       \
    void helper_##name##_mmx(CPUX86State *env, uint64_t *d, const uint64_t *s) \
    {                                                                        \
        XMMReg a = { .q = { *d, 0 } }, b = { .q = { *s, 0 } };               \
        helper_##name##_xmm(env, &a, &b);                                    \
        *d = a.q[0];                                                         \
    }
#define MMX_PAIRED(name)                                                     \
    void helper_##name##_mmx(CPUX86State *env, uint64_t *d, const uint64_t *s) \
    {                                                                        \
        XMMReg a = { .q = { *d, *s } };                                      \
        helper_##name##_xmm(env, &a, &a);                                    \
        *d = a.q[0];                                                         \
    }
/* PUNPCKH on MMX interleaves the high halves: PUNPCKL of them. */
#define MMX_UNPCKH(name, lo)                                                 \
    void helper_##name##_mmx(CPUX86State *env, uint64_t *d, const uint64_t *s) \
    {                                                                        \
        XMMReg a = { .q = { *d >> 32, 0 } }, b = { .q = { *s >> 32, 0 } };   \
        helper_##lo##_xmm(env, &a, &b);                                      \
        *d = a.q[0];                                                         \
    }

MMX_WIDE(paddb) MMX_WIDE(paddw) MMX_WIDE(paddd) MMX_WIDE(paddq)
MMX_WIDE(psubb) MMX_WIDE(psubw) MMX_WIDE(psubd) MMX_WIDE(psubq)
MMX_WIDE(paddsb) MMX_WIDE(paddsw) MMX_WIDE(paddusb) MMX_WIDE(paddusw)
MMX_WIDE(psubsb) MMX_WIDE(psubsw) MMX_WIDE(psubusb) MMX_WIDE(psubusw)
MMX_WIDE(pmullw) MMX_WIDE(pmulhw) MMX_WIDE(pmulhuw) MMX_WIDE(pmuludq)
MMX_WIDE(pmaddwd) MMX_WIDE(pavgb) MMX_WIDE(pavgw) MMX_WIDE(pminub)
MMX_WIDE(pmaxub) MMX_WIDE(pminsw) MMX_WIDE(pmaxsw) MMX_WIDE(psadbw)
MMX_WIDE(pcmpeqb) MMX_WIDE(pcmpeqw) MMX_WIDE(pcmpeqd)
MMX_WIDE(pcmpgtb) MMX_WIDE(pcmpgtw) MMX_WIDE(pcmpgtd)
MMX_WIDE(pand) MMX_WIDE(pandn) MMX_WIDE(por) MMX_WIDE(pxor)
MMX_WIDE(psrlw) MMX_WIDE(psrld) MMX_WIDE(psrlq) MMX_WIDE(psraw)
MMX_WIDE(psrad) MMX_WIDE(psllw) MMX_WIDE(pslld) MMX_WIDE(psllq)
MMX_WIDE(punpcklbw) MMX_WIDE(punpcklwd) MMX_WIDE(punpckldq)
MMX_UNPCKH(punpckhbw, punpcklbw)
MMX_UNPCKH(punpckhwd, punpcklwd)
MMX_UNPCKH(punpckhdq, punpckldq)
MMX_PAIRED(packsswb) MMX_PAIRED(packssdw) MMX_PAIRED(packuswb)
MMX_PAIRED(phaddw) MMX_PAIRED(phaddd) MMX_PAIRED(phaddsw)
MMX_PAIRED(phsubw) MMX_PAIRED(phsubd) MMX_PAIRED(phsubsw)
MMX_WIDE(pmaddubsw) MMX_WIDE(pmulhrsw)
MMX_WIDE(psignb) MMX_WIDE(psignw) MMX_WIDE(psignd)
MMX_WIDE(pabsb) MMX_WIDE(pabsw) MMX_WIDE(pabsd)

/* MMX PSHUFB indexes 8 bytes: keep bit 7 (zeroing) and bits 2:0. */
void helper_pshufb_mmx(CPUX86State *env, uint64_t *d, const uint64_t *s)
{
    XMMReg a = { .q = { *d, 0 } }, b = { .q = { *s & 0x8787878787878787ULL, 0 } };

    helper_pshufb_xmm(env, &a, &b);
    *d = a.q[0];
}

/* ---- sign masks ---- */

uint64_t helper_movmskps(CPUX86State *env, const XMMReg *s)
{
    return (uint32_t)_mm_movemask_ps(PS(ldx(s)));
}

uint64_t helper_movmskpd(CPUX86State *env, const XMMReg *s)
{
    return (uint32_t)_mm_movemask_pd(PD(ldx(s)));
}

uint64_t helper_pmovmskb_xmm(CPUX86State *env, const XMMReg *s)
{
    return (uint32_t)_mm_movemask_epi8(ldx(s));
}

uint64_t helper_pmovmskb_mmx(CPUX86State *env, const uint64_t *s)
{
    return (uint32_t)_mm_movemask_epi8(_mm_cvtsi64_si128((int64_t)*s)) & 0xff;
}

/* ---- floating point ---- */

#define FP_OP(name, expr)                                                    \
    void helper_##name##_xmm(CPUX86State *env, XMMReg *d, const XMMReg *s)   \
    {                                                                        \
        __m128i a = ldx(d), b = ldx(s), r;                                   \
        uint32_t host = fp_begin(env);                                       \
        BARRIER_X(a);                                                        \
        BARRIER_X(b);                                                        \
        r = (expr);                                                          \
        BARRIER_X(r);                                                        \
        fp_end(env, host, GETPC());                                          \
        stx(d, r);                                                           \
    }

/*
 * Most FP ops are written as the instruction itself in asm: intrinsics
 * for commutative operations (addps, mulps...) are plain vector
 * arithmetic to the compiler, which may swap the operands and so change
 * which NaN is returned. "insn s, d" with d in/out also gives the scalar
 * forms their merge of d's upper lanes for free.
 */
#define FP_ASM(name, insn)                                                   \
    void helper_##name##_xmm(CPUX86State *env, XMMReg *d, const XMMReg *s)   \
    {                                                                        \
        __m128i a = ldx(d), b = ldx(s);                                      \
        uint32_t host = fp_begin(env);                                       \
        __asm__ volatile(insn " %[b], %[a]" : [a] "+x"(a) : [b] "x"(b));     \
        fp_end(env, host, GETPC());                                          \
        stx(d, a);                                                           \
    }

#define FP_ARITH(op)                                                         \
    FP_ASM(op##ps, #op "ps") FP_ASM(op##pd, #op "pd")                        \
    FP_ASM(op##ss, #op "ss") FP_ASM(op##sd, #op "sd")

FP_ARITH(add)
FP_ARITH(sub)
FP_ARITH(mul)
FP_ARITH(div)
FP_ARITH(min)
FP_ARITH(max)
FP_ARITH(sqrt)
FP_ASM(rcpps, "rcpps")
FP_ASM(rcpss, "rcpss")
FP_ASM(rsqrtps, "rsqrtps")
FP_ASM(rsqrtss, "rsqrtss")
FP_ASM(haddps, "haddps")
FP_ASM(haddpd, "haddpd")
FP_ASM(hsubps, "hsubps")
FP_ASM(hsubpd, "hsubpd")
FP_ASM(addsubps, "addsubps")
FP_ASM(addsubpd, "addsubpd")
FP_ASM(cvtps2pd, "cvtps2pd")
FP_ASM(cvtpd2ps, "cvtpd2ps")
FP_ASM(cvtss2sd, "cvtss2sd")
FP_ASM(cvtsd2ss, "cvtsd2ss")
FP_ASM(cvtdq2ps, "cvtdq2ps")
FP_ASM(cvtps2dq, "cvtps2dq")
FP_ASM(cvttps2dq, "cvttps2dq")
FP_ASM(cvtdq2pd, "cvtdq2pd")
FP_ASM(cvtpd2dq, "cvtpd2dq")
FP_ASM(cvttpd2dq, "cvttpd2dq")
/* Only s's low two dwords are converted; zero the rest so they cannot
 * raise flags. The high half of d is kept. */
FP_OP(cvtpi2ps, IPD(_mm_move_sd(PD(a), PD(IPS(_mm_cvtepi32_ps(_mm_move_epi64(b)))))))
FP_OP(cvtpi2pd, IPD(_mm_cvtepi32_pd(b)))

#define FP_TO_MMX(name, expr)                                                \
    void helper_##name(CPUX86State *env, uint64_t *d, const XMMReg *s)       \
    {                                                                        \
        __m128i b = ldx(s), r;                                               \
        uint32_t host = fp_begin(env);                                       \
        BARRIER_X(b);                                                        \
        r = (expr);                                                          \
        BARRIER_X(r);                                                        \
        fp_end(env, host, GETPC());                                          \
        *d = (uint64_t)_mm_cvtsi128_si64(r);                                 \
    }

FP_TO_MMX(cvtps2pi, _mm_cvtps_epi32(PS(_mm_move_epi64(b))))
FP_TO_MMX(cvttps2pi, _mm_cvttps_epi32(PS(_mm_move_epi64(b))))
FP_TO_MMX(cvtpd2pi, _mm_cvtpd_epi32(PD(b)))
FP_TO_MMX(cvttpd2pi, _mm_cvttpd_epi32(PD(b)))

/*
 * Scalar conversions with general registers, as asm too: as pure
 * builtins the compiler may evaluate both arms of the switch and select
 * one, and the other arm's exception flags would leak.
 */
void helper_cvtsi2ss(CPUX86State *env, XMMReg *d, uint64_t v, uint32_t is64)
{
    __m128i a = ldx(d);
    uint32_t host = fp_begin(env);

    if (is64) {
        __asm__ volatile("cvtsi2ssq %[v], %[a]" : [a] "+x"(a) : [v] "r"(v));
    } else {
        __asm__ volatile("cvtsi2ssl %[v], %[a]" : [a] "+x"(a) : [v] "r"((uint32_t)v));
    }
    fp_end(env, host, GETPC());
    stx(d, a);
}

void helper_cvtsi2sd(CPUX86State *env, XMMReg *d, uint64_t v, uint32_t is64)
{
    __m128i a = ldx(d);
    uint32_t host = fp_begin(env);

    if (is64) {
        __asm__ volatile("cvtsi2sdq %[v], %[a]" : [a] "+x"(a) : [v] "r"(v));
    } else {
        __asm__ volatile("cvtsi2sdl %[v], %[a]" : [a] "+x"(a) : [v] "r"((uint32_t)v));
    }
    fp_end(env, host, GETPC());
    stx(d, a);
}

#define CVT2SI(name, insn, insnt)                                            \
    uint64_t helper_##name(CPUX86State *env, const XMMReg *s, uint32_t mode) \
    {                                                                        \
        __m128i b = ldx(s);                                                  \
        uint32_t host = fp_begin(env), r32;                                  \
        uint64_t r;                                                          \
        switch (mode & 3) {                                                  \
        case 0:                                                              \
            __asm__ volatile(insn " %[b], %[r]" : [r] "=r"(r32) : [b] "x"(b)); \
            r = r32;                                                         \
            break;                                                           \
        case 1:                                                              \
            __asm__ volatile(insn " %[b], %[r]" : [r] "=r"(r) : [b] "x"(b)); \
            break;                                                           \
        case 2:                                                              \
            __asm__ volatile(insnt " %[b], %[r]" : [r] "=r"(r32) : [b] "x"(b)); \
            r = r32;                                                         \
            break;                                                           \
        default:                                                             \
            __asm__ volatile(insnt " %[b], %[r]" : [r] "=r"(r) : [b] "x"(b)); \
            break;                                                           \
        }                                                                    \
        fp_end(env, host, GETPC());                                          \
        return r;                                                            \
    }

CVT2SI(cvtss2si, "cvtss2si", "cvttss2si")
CVT2SI(cvtsd2si, "cvtsd2si", "cvttsd2si")

/* COMISS & co: ZF, PF, CF from the host; OF, SF, AF cleared. */
#define COMI(name, insn, T, LD)                                              \
    uint64_t helper_##name(CPUX86State *env, const XMMReg *a, const XMMReg *b) \
    {                                                                        \
        T x = LD(ldx(a)), y = LD(ldx(b));                                    \
        uint8_t z, p, c;                                                     \
        uint32_t host = fp_begin(env);                                       \
        BARRIER_X(x);                                                        \
        BARRIER_X(y);                                                        \
        __asm__ volatile(insn " %[y], %[x]\n\tsetz %[z]\n\tsetp %[p]\n\tsetc %[c]" \
                         : [z] "=q"(z), [p] "=q"(p), [c] "=q"(c)             \
                         : [x] "x"(x), [y] "x"(y)                            \
                         : "cc");                                            \
        fp_end(env, host, GETPC());                                          \
        return (z ? CC_Z : 0) | (p ? CC_P : 0) | (c ? CC_C : 0);             \
    }

COMI(comiss, "comiss", __m128, PS)
COMI(ucomiss, "ucomiss", __m128, PS)
COMI(comisd, "comisd", __m128d, PD)
COMI(ucomisd, "ucomisd", __m128d, PD)

/* ---- immediate forms ---- */

/*
 * FP ops with an immediate: a switch over the meaningful immediate bits
 * with the instruction in asm in each arm (volatile, so only the selected
 * arm runs and raises flags). Without VEX only imm[2:0] selects the
 * CMPPS predicate.
 */
#define FP_IMM_ASM(name, insn, count)                                        \
    void helper_##name##_xmm(CPUX86State *env, XMMReg *d, const XMMReg *s,   \
                             uint32_t imm)                                   \
    {                                                                        \
        __m128i a = ldx(d), b = ldx(s);                                      \
        uint32_t host = fp_begin(env);                                       \
        switch (imm & (count - 1)) {                                         \
            REP##count(C_##name, 0)                                          \
        default:                                                             \
            __builtin_unreachable();                                         \
        }                                                                    \
        fp_end(env, host, GETPC());                                          \
        stx(d, a);                                                           \
    }
#define C_FPIMM(insn, n)                                                     \
    case n:                                                                  \
        __asm__ volatile(insn " %[i], %[b], %[a]" : [a] "+x"(a) : [b] "x"(b), [i] "i"(n)); \
        break;

#define C_cmpps(n) C_FPIMM("cmpps", n)
#define C_cmppd(n) C_FPIMM("cmppd", n)
#define C_cmpss(n) C_FPIMM("cmpss", n)
#define C_cmpsd(n) C_FPIMM("cmpsd", n)
#define C_roundps(n) C_FPIMM("roundps", n)
#define C_roundpd(n) C_FPIMM("roundpd", n)
#define C_roundss(n) C_FPIMM("roundss", n)
#define C_roundsd(n) C_FPIMM("roundsd", n)
#define C_dpps(n) C_FPIMM("dpps", n)
#define C_dppd(n) C_FPIMM("dppd", n)

FP_IMM_ASM(cmpps, "cmpps", 8)
FP_IMM_ASM(cmppd, "cmppd", 8)
FP_IMM_ASM(cmpss, "cmpss", 8)
FP_IMM_ASM(cmpsd, "cmpsd", 8)
FP_IMM_ASM(roundps, "roundps", 16)
FP_IMM_ASM(roundpd, "roundpd", 16)
FP_IMM_ASM(roundss, "roundss", 16)
FP_IMM_ASM(roundsd, "roundsd", 16)
FP_IMM_ASM(dpps, "dpps", 256)
FP_IMM_ASM(dppd, "dppd", 256)

void helper_mpsadbw_xmm(CPUX86State *env, XMMReg *d, const XMMReg *s, uint32_t imm)
{
    __m128i a = ldx(d), b = ldx(s), r;

#define C_MPSADBW(n) case n: r = _mm_mpsadbw_epu8(a, b, (n)); break;
    switch (imm & 7) {
        REP8(C_MPSADBW, 0)
    default:
        __builtin_unreachable();
    }
    stx(d, r);
}

void helper_pclmulqdq_xmm(CPUX86State *env, XMMReg *d, const XMMReg *s, uint32_t imm)
{
    __m128i a = ldx(d), b = ldx(s), r;

    switch (imm & 0x11) {
    case 0x00: r = _mm_clmulepi64_si128(a, b, 0x00); break;
    case 0x01: r = _mm_clmulepi64_si128(a, b, 0x01); break;
    case 0x10: r = _mm_clmulepi64_si128(a, b, 0x10); break;
    default: r = _mm_clmulepi64_si128(a, b, 0x11); break;
    }
    stx(d, r);
}

/* Pure data movement: plain C on copies (d and s may alias). */

void helper_insertps_xmm(CPUX86State *env, XMMReg *d, const XMMReg *s, uint32_t imm)
{
    uint32_t v = s->l[(imm >> 6) & 3];
    int i;

    d->l[(imm >> 4) & 3] = v;
    for (i = 0; i < 4; i++) {
        if (imm & (1u << i)) {
            d->l[i] = 0;
        }
    }
}

void helper_shufps_xmm(CPUX86State *env, XMMReg *d, const XMMReg *s, uint32_t imm)
{
    XMMReg a = *d, b = *s;

    d->l[0] = a.l[imm & 3];
    d->l[1] = a.l[(imm >> 2) & 3];
    d->l[2] = b.l[(imm >> 4) & 3];
    d->l[3] = b.l[(imm >> 6) & 3];
}

void helper_shufpd_xmm(CPUX86State *env, XMMReg *d, const XMMReg *s, uint32_t imm)
{
    XMMReg a = *d, b = *s;

    d->q[0] = a.q[imm & 1];
    d->q[1] = b.q[(imm >> 1) & 1];
}

void helper_pshufd_xmm(CPUX86State *env, XMMReg *d, const XMMReg *s, uint32_t imm)
{
    XMMReg b = *s;
    int i;

    for (i = 0; i < 4; i++) {
        d->l[i] = b.l[(imm >> (2 * i)) & 3];
    }
}

void helper_pshufhw_xmm(CPUX86State *env, XMMReg *d, const XMMReg *s, uint32_t imm)
{
    XMMReg b = *s;
    int i;

    d->q[0] = b.q[0];
    for (i = 0; i < 4; i++) {
        d->w[4 + i] = b.w[4 + ((imm >> (2 * i)) & 3)];
    }
}

void helper_pshuflw_xmm(CPUX86State *env, XMMReg *d, const XMMReg *s, uint32_t imm)
{
    XMMReg b = *s;
    int i;

    d->q[1] = b.q[1];
    for (i = 0; i < 4; i++) {
        d->w[i] = b.w[(imm >> (2 * i)) & 3];
    }
}

void helper_pshufw_mmx(CPUX86State *env, uint64_t *d, const uint64_t *s, uint32_t imm)
{
    uint64_t b = *s, r = 0;
    int i;

    for (i = 0; i < 4; i++) {
        r |= ((b >> (16 * ((imm >> (2 * i)) & 3))) & 0xffff) << (16 * i);
    }
    *d = r;
}

void helper_blendps_xmm(CPUX86State *env, XMMReg *d, const XMMReg *s, uint32_t imm)
{
    int i;

    for (i = 0; i < 4; i++) {
        if (imm & (1u << i)) {
            d->l[i] = s->l[i];
        }
    }
}

void helper_blendpd_xmm(CPUX86State *env, XMMReg *d, const XMMReg *s, uint32_t imm)
{
    int i;

    for (i = 0; i < 2; i++) {
        if (imm & (1u << i)) {
            d->q[i] = s->q[i];
        }
    }
}

void helper_pblendw_xmm(CPUX86State *env, XMMReg *d, const XMMReg *s, uint32_t imm)
{
    int i;

    for (i = 0; i < 8; i++) {
        if (imm & (1u << i)) {
            d->w[i] = s->w[i];
        }
    }
}

/* PALIGNR: bytes imm.. of the 32-byte d:s (s low), zero past the end.
 * Hot in glibc's SSSE3 memcpy: the native insn through a switch. */
void helper_palignr_xmm(CPUX86State *env, XMMReg *d, const XMMReg *s, uint32_t imm)
{
    __m128i a = ldx(d), b = ldx(s), r;

#define C_PALIGNR(n) case n: r = _mm_alignr_epi8(a, b, (n)); break;
    switch (imm & 0xff) {
        REP32(C_PALIGNR, 0)
    default:
        r = _mm_setzero_si128();
        break;
    }
    stx(d, r);
}

void helper_palignr_mmx(CPUX86State *env, uint64_t *d, const uint64_t *s, uint32_t imm)
{
    uint8_t cat[16];
    uint64_t r = 0;
    int i;

    memcpy(cat, s, 8);
    memcpy(cat + 8, d, 8);
    imm &= 0xff;
    for (i = 0; i < 8; i++) {
        r |= (uint64_t)(imm + i < 16 ? cat[imm + i] : 0) << (8 * i);
    }
    *d = r;
}

void helper_pslldq_xmm(CPUX86State *env, XMMReg *d, const XMMReg *s, uint32_t imm)
{
    __m128i a = ldx(d), r;

#define C_PSLLDQ(n) case n: r = _mm_slli_si128(a, (n)); break;
    switch (imm & 0xff) {
        REP16(C_PSLLDQ, 0)
    default:
        r = _mm_setzero_si128();
        break;
    }
    stx(d, r);
}

void helper_psrldq_xmm(CPUX86State *env, XMMReg *d, const XMMReg *s, uint32_t imm)
{
    __m128i a = ldx(d), r;

#define C_PSRLDQ(n) case n: r = _mm_srli_si128(a, (n)); break;
    switch (imm & 0xff) {
        REP16(C_PSRLDQ, 0)
    default:
        r = _mm_setzero_si128();
        break;
    }
    stx(d, r);
}

/* ---- flag-producing integer ops ---- */

uint64_t helper_ptest(CPUX86State *env, const XMMReg *a, const XMMReg *b)
{
    __m128i x = ldx(a), y = ldx(b);

    return (_mm_testz_si128(x, y) ? CC_Z : 0) | (_mm_testc_si128(x, y) ? CC_C : 0);
}

/*
 * PCMPxSTRx: CF, ZF, SF, OF from the host; AF and PF cleared. The E forms
 * always run the REX.W encoding with lengths sign-extended from 32 bits
 * when the guest used the 32-bit form: the same effective lengths.
 */
#define STR_FLAGS "\n\tsetc %[c]\n\tsetz %[z]\n\tsets %[sf]\n\tseto %[o]"
#define STR_OUT [c] "=q"(c), [z] "=q"(z), [sf] "=q"(sf), [o] "=q"(o)

static inline uint64_t str_flags(uint8_t c, uint8_t z, uint8_t sf, uint8_t o)
{
    return (c ? CC_C : 0) | (z ? CC_Z : 0) | (sf ? CC_S : 0) | (o ? CC_O : 0);
}

uint64_t helper_pcmpistri(CPUX86State *env, const XMMReg *a, const XMMReg *b, uint32_t imm)
{
    __m128i x = ldx(a), y = ldx(b);
    uint8_t c, z, sf, o;
    uint32_t idx;

#define C_ISTRI(n)                                                           \
    case n:                                                                  \
        __asm__("pcmpistri %[i], %[y], %[x]" STR_FLAGS                       \
                : "=c"(idx), STR_OUT : [x] "x"(x), [y] "x"(y), [i] "i"(n) : "cc"); \
        break;
    switch (imm & 0xff) {
        REP256(C_ISTRI, 0)
    default:
        __builtin_unreachable();
    }
    return str_flags(c, z, sf, o) | ((uint64_t)idx << 32);
}

uint64_t helper_pcmpistrm(CPUX86State *env, const XMMReg *a, const XMMReg *b, uint32_t imm)
{
    __m128i x = ldx(a), y = ldx(b), m;
    uint8_t c, z, sf, o;

#define C_ISTRM(n)                                                           \
    case n:                                                                  \
        __asm__("pcmpistrm %[i], %[y], %[x]" STR_FLAGS                       \
                : "=Yz"(m), STR_OUT : [x] "x"(x), [y] "x"(y), [i] "i"(n) : "cc"); \
        break;
    switch (imm & 0xff) {
        REP256(C_ISTRM, 0)
    default:
        __builtin_unreachable();
    }
    stx(&env->xmm_regs[0], m);
    return str_flags(c, z, sf, o);
}

uint64_t helper_pcmpestri(CPUX86State *env, const XMMReg *a, const XMMReg *b, uint32_t imm,
                          uint64_t la, uint64_t lb, uint32_t is64)
{
    __m128i x = ldx(a), y = ldx(b);
    uint8_t c, z, sf, o;
    uint32_t idx;

    if (!is64) {
        la = (uint64_t)(int64_t)(int32_t)la;
        lb = (uint64_t)(int64_t)(int32_t)lb;
    }
#define C_ESTRI(n)                                                           \
    case n:                                                                  \
        __asm__("pcmpestriq %[i], %[y], %[x]" STR_FLAGS                      \
                : "=c"(idx), STR_OUT                                         \
                : [x] "x"(x), [y] "x"(y), "a"(la), "d"(lb), [i] "i"(n)       \
                : "cc");                                                     \
        break;
    switch (imm & 0xff) {
        REP256(C_ESTRI, 0)
    default:
        __builtin_unreachable();
    }
    return str_flags(c, z, sf, o) | ((uint64_t)idx << 32);
}

uint64_t helper_pcmpestrm(CPUX86State *env, const XMMReg *a, const XMMReg *b, uint32_t imm,
                          uint64_t la, uint64_t lb, uint32_t is64)
{
    __m128i x = ldx(a), y = ldx(b), m;
    uint8_t c, z, sf, o;

    if (!is64) {
        la = (uint64_t)(int64_t)(int32_t)la;
        lb = (uint64_t)(int64_t)(int32_t)lb;
    }
#define C_ESTRM(n)                                                           \
    case n:                                                                  \
        __asm__("pcmpestrmq %[i], %[y], %[x]" STR_FLAGS                      \
                : "=Yz"(m), STR_OUT                                          \
                : [x] "x"(x), [y] "x"(y), "a"(la), "d"(lb), [i] "i"(n)       \
                : "cc");                                                     \
        break;
    switch (imm & 0xff) {
        REP256(C_ESTRM, 0)
    default:
        __builtin_unreachable();
    }
    stx(&env->xmm_regs[0], m);
    return str_flags(c, z, sf, o);
}

/* ---- scalar integer extras ---- */

uint64_t helper_crc32(uint64_t crc, uint64_t v, uint32_t bytes)
{
    uint32_t c = (uint32_t)crc;

    switch (bytes) {
    case 1: return _mm_crc32_u8(c, (uint8_t)v);
    case 2: return _mm_crc32_u16(c, (uint16_t)v);
    case 4: return _mm_crc32_u32(c, (uint32_t)v);
    default: return (uint32_t)_mm_crc32_u64(c, v);
    }
}

uint64_t helper_popcnt(uint64_t v)
{
    return (uint64_t)__builtin_popcountll(v);
}

void helper_sse_raise_gp0(CPUX86State *env)
{
    raise_exception_err_ra(env, EXCP0D_GPF, 0, GETPC());
}

/* ---- MMX state ---- */

/*
 * Fallbacks until fpu_helper.c (helper "x87") provides these: entering
 * MMX mode empties nothing but makes every register valid with TOP = 0;
 * EMMS marks them all empty (fptags: 1 = empty).
 */
__attribute__((weak)) void x87_enter_mmx(CPUX86State *env)
{
    env->fpstt = 0;
    memset(env->fptags, 0, sizeof(env->fptags));
}

__attribute__((weak)) void x87_emms(CPUX86State *env)
{
    memset(env->fptags, 1, sizeof(env->fptags));
}

void helper_enter_mmx(CPUX86State *env)
{
    x87_enter_mmx(env);
}

void helper_emms(CPUX86State *env)
{
    x87_emms(env);
}
