/*
 * MMX/SSE..SSE4.2 helpers (sse_helper.c), private to target/i386.
 *
 * Helpers operate on registers only: the translator loads memory operands
 * into env->xmm_t0 first (or passes integer values), so a helper never
 * touches guest memory and memory faults stay precise in generated code.
 * Register arguments are pointers into env (xmm_regs[i], xmm_t0, or the
 * 64-bit MMX view fpregs[i].mmx). Destination and source may alias.
 *
 * Floating-point helpers run the very same instruction on the host with the
 * guest's rounding/DAZ/FTZ and all host exceptions masked, fold the host's
 * exception flags into env->mxcsr, and raise #XM (before writing any result)
 * when a flag is raised whose guest mask is clear. They may therefore
 * raise: call them with TCG_CALL_NO_WG at most. Integer helpers never raise
 * and touch no TCG globals: TCG_CALL_NO_RWG.
 */
#ifndef TARGET_I386_SSE_HELPER_H
#define TARGET_I386_SSE_HELPER_H

#include <stdint.h>

#include "target/i386/cpu.h"

/* MXCSR fields */
#define MXCSR_IE 0x0001
#define MXCSR_DE 0x0002
#define MXCSR_ZE 0x0004
#define MXCSR_OE 0x0008
#define MXCSR_UE 0x0010
#define MXCSR_PE 0x0020
#define MXCSR_FLAGS 0x003f
#define MXCSR_DAZ 0x0040
#define MXCSR_MASKS 0x1f80
#define MXCSR_RC 0x6000
#define MXCSR_FTZ 0x8000

typedef void SSEOpFn(CPUX86State *env, XMMReg *d, const XMMReg *s);
typedef void SSEOpImmFn(CPUX86State *env, XMMReg *d, const XMMReg *s, uint32_t imm);
typedef void MMXOpFn(CPUX86State *env, uint64_t *d, const uint64_t *s);
typedef void MMXOpImmFn(CPUX86State *env, uint64_t *d, const uint64_t *s, uint32_t imm);

/*
 * Two-operand integer ops that exist for both MMX (no prefix) and XMM (66):
 * helper_<name>_xmm(env, d, s) and helper_<name>_mmx(env, d, s).
 * Shifts by register take the count from the low 64 bits of s.
 */
#define SSE_MMX_INT_OPS(X)                                                   \
    X(paddb) X(paddw) X(paddd) X(paddq)                                      \
    X(psubb) X(psubw) X(psubd) X(psubq)                                      \
    X(paddsb) X(paddsw) X(paddusb) X(paddusw)                                \
    X(psubsb) X(psubsw) X(psubusb) X(psubusw)                                \
    X(pmullw) X(pmulhw) X(pmulhuw) X(pmuludq) X(pmaddwd)                     \
    X(pavgb) X(pavgw) X(pminub) X(pmaxub) X(pminsw) X(pmaxsw) X(psadbw)      \
    X(pcmpeqb) X(pcmpeqw) X(pcmpeqd) X(pcmpgtb) X(pcmpgtw) X(pcmpgtd)        \
    X(pand) X(pandn) X(por) X(pxor)                                          \
    X(psrlw) X(psrld) X(psrlq) X(psraw) X(psrad) X(psllw) X(pslld) X(psllq)  \
    X(punpcklbw) X(punpcklwd) X(punpckldq)                                   \
    X(punpckhbw) X(punpckhwd) X(punpckhdq)                                   \
    X(packsswb) X(packssdw) X(packuswb)                                      \
    X(pshufb) X(phaddw) X(phaddd) X(phaddsw) X(phsubw) X(phsubd) X(phsubsw)  \
    X(pmaddubsw) X(pmulhrsw) X(psignb) X(psignw) X(psignd)                   \
    X(pabsb) X(pabsw) X(pabsd)

/* XMM-only two-operand integer ops (66 prefix). Unary ones (pmov*,
 * phminposuw) read s only. */
#define SSE_XMM_INT_OPS(X)                                                   \
    X(punpcklqdq) X(punpckhqdq)                                              \
    X(pmuldq) X(pcmpeqq) X(pcmpgtq) X(packusdw) X(pmulld)                    \
    X(pminsb) X(pminsd) X(pminuw) X(pminud)                                  \
    X(pmaxsb) X(pmaxsd) X(pmaxuw) X(pmaxud)                                  \
    X(phminposuw)                                                            \
    X(pmovsxbw) X(pmovsxbd) X(pmovsxbq) X(pmovsxwd) X(pmovsxwq) X(pmovsxdq)  \
    X(pmovzxbw) X(pmovzxbd) X(pmovzxbq) X(pmovzxwd) X(pmovzxwq) X(pmovzxdq)  \
    X(unpcklps) X(unpckhps) X(unpcklpd) X(unpckhpd)                          \
    X(movsldup) X(movshdup) X(movddup)                                       \
    X(pblendvb) X(blendvps) X(blendvpd) /* implicit mask: xmm0 */

/* Floating-point two-operand ops (may raise #XM). */
#define SSE_FP_OPS(X)                                                        \
    X(addps) X(addpd) X(addss) X(addsd)                                      \
    X(subps) X(subpd) X(subss) X(subsd)                                      \
    X(mulps) X(mulpd) X(mulss) X(mulsd)                                      \
    X(divps) X(divpd) X(divss) X(divsd)                                      \
    X(minps) X(minpd) X(minss) X(minsd)                                      \
    X(maxps) X(maxpd) X(maxss) X(maxsd)                                      \
    X(sqrtps) X(sqrtpd) X(sqrtss) X(sqrtsd)                                  \
    X(rcpps) X(rcpss) X(rsqrtps) X(rsqrtss)                                  \
    X(haddps) X(haddpd) X(hsubps) X(hsubpd) X(addsubps) X(addsubpd)          \
    X(cvtps2pd) X(cvtpd2ps) X(cvtss2sd) X(cvtsd2ss)                          \
    X(cvtdq2ps) X(cvtps2dq) X(cvttps2dq)                                     \
    X(cvtdq2pd) X(cvtpd2dq) X(cvttpd2dq)                                     \
    X(cvtpi2ps) X(cvtpi2pd) /* s: the MMX source loaded in s->q[0] */

/* Ops with an imm8 operand. */
#define SSE_IMM_OPS(X)                                                       \
    X(cmpps) X(cmppd) X(cmpss) X(cmpsd)                                      \
    X(roundps) X(roundpd) X(roundss) X(roundsd)                              \
    X(dpps) X(dppd) X(mpsadbw) X(insertps)                                   \
    X(shufps) X(shufpd) X(pshufd) X(pshufhw) X(pshuflw)                      \
    X(blendps) X(blendpd) X(pblendw) X(palignr)                              \
    X(pslldq) X(psrldq) X(pclmulqdq)

#define SSE_DECL_XMM(name) void helper_##name##_xmm(CPUX86State *env, XMMReg *d, const XMMReg *s);
#define SSE_DECL_MMX(name) void helper_##name##_mmx(CPUX86State *env, uint64_t *d, const uint64_t *s);
#define SSE_DECL_IMM(name)                                                   \
    void helper_##name##_xmm(CPUX86State *env, XMMReg *d, const XMMReg *s, uint32_t imm);
SSE_MMX_INT_OPS(SSE_DECL_XMM)
SSE_MMX_INT_OPS(SSE_DECL_MMX)
SSE_XMM_INT_OPS(SSE_DECL_XMM)
SSE_FP_OPS(SSE_DECL_XMM)
SSE_IMM_OPS(SSE_DECL_IMM)

/* MMX-only forms */
void helper_pshufw_mmx(CPUX86State *env, uint64_t *d, const uint64_t *s, uint32_t imm);
void helper_palignr_mmx(CPUX86State *env, uint64_t *d, const uint64_t *s, uint32_t imm);
/* CVTPS2PI/CVTTPS2PI/CVTPD2PI/CVTTPD2PI: d is an MMX register */
void helper_cvtps2pi(CPUX86State *env, uint64_t *d, const XMMReg *s);
void helper_cvttps2pi(CPUX86State *env, uint64_t *d, const XMMReg *s);
void helper_cvtpd2pi(CPUX86State *env, uint64_t *d, const XMMReg *s);
void helper_cvttpd2pi(CPUX86State *env, uint64_t *d, const XMMReg *s);

/* Scalar integer <-> float conversions. */
void helper_cvtsi2ss(CPUX86State *env, XMMReg *d, uint64_t v, uint32_t is64);
void helper_cvtsi2sd(CPUX86State *env, XMMReg *d, uint64_t v, uint32_t is64);
/* mode bit 0: 64-bit result; bit 1: truncate (CVTT*) */
uint64_t helper_cvtss2si(CPUX86State *env, const XMMReg *s, uint32_t mode);
uint64_t helper_cvtsd2si(CPUX86State *env, const XMMReg *s, uint32_t mode);

/* Flag-producing ops: return CF|PF|AF|ZF|SF|OF bits for
 * gen_update_cc_eflags. */
uint64_t helper_comiss(CPUX86State *env, const XMMReg *a, const XMMReg *b);
uint64_t helper_ucomiss(CPUX86State *env, const XMMReg *a, const XMMReg *b);
uint64_t helper_comisd(CPUX86State *env, const XMMReg *a, const XMMReg *b);
uint64_t helper_ucomisd(CPUX86State *env, const XMMReg *a, const XMMReg *b);
uint64_t helper_ptest(CPUX86State *env, const XMMReg *a, const XMMReg *b);
/*
 * SSE4.2 string compares. The I forms return flags | (index << 32); the
 * M forms write the mask to xmm0 and return the flags. The E forms take
 * the explicit lengths (RAX/RDX, already truncated to 32 bits or not
 * according to REX.W by the caller: pass is64).
 */
uint64_t helper_pcmpistri(CPUX86State *env, const XMMReg *a, const XMMReg *b, uint32_t imm);
uint64_t helper_pcmpistrm(CPUX86State *env, const XMMReg *a, const XMMReg *b, uint32_t imm);
uint64_t helper_pcmpestri(CPUX86State *env, const XMMReg *a, const XMMReg *b, uint32_t imm,
                          uint64_t la, uint64_t lb, uint32_t is64);
uint64_t helper_pcmpestrm(CPUX86State *env, const XMMReg *a, const XMMReg *b, uint32_t imm,
                          uint64_t la, uint64_t lb, uint32_t is64);

/* Sign-bit masks */
uint64_t helper_movmskps(CPUX86State *env, const XMMReg *s);
uint64_t helper_movmskpd(CPUX86State *env, const XMMReg *s);
uint64_t helper_pmovmskb_xmm(CPUX86State *env, const XMMReg *s);
uint64_t helper_pmovmskb_mmx(CPUX86State *env, const uint64_t *s);

/* CRC32 (Castagnoli) of the low `bytes` bytes of v, accumulating into crc */
uint64_t helper_crc32(uint64_t crc, uint64_t v, uint32_t bytes);
/* POPCNT: returns the count; flags come from the caller (ZF = src == 0) */
uint64_t helper_popcnt(uint64_t v);

/* #GP(0) for a misaligned 16-byte operand */
_Noreturn void helper_sse_raise_gp0(CPUX86State *env);

/* x87 interplay for MMX (provided by fpu_helper.c; weak fallbacks in
 * sse_helper.c until it exists) */
void x87_enter_mmx(CPUX86State *env);
void x87_emms(CPUX86State *env);
void helper_enter_mmx(CPUX86State *env);
void helper_emms(CPUX86State *env);

#endif
