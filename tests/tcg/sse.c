/*
 * MMX, SSE, SSE2, SSE3, SSSE3, SSE4.1, SSE4.2 (incl. PCMPxSTRx and CRC32)
 * and PCLMULQDQ. Each operation runs with XMM1 = a (destination), XMM2 = b
 * (source), XMM0 = c (BLENDV mask; PCMPxSTRM result), RAX/RDX = string
 * lengths or integer operands, over all pairs of a set of vectors (integer
 * patterns, floats and doubles with NaNs, infinities and denormals,
 * strings). Printed: XMM1, XMM0, RAX, RCX, the arithmetic flags and
 * MXCSR. Floating-point operations run under three MXCSR settings (round
 * to nearest; round toward zero; FTZ+DAZ when "daz" is present in both
 * runs). A group runs only when its feature is present in both runs (see
 * common.h). RCPPS/RSQRTPS have model-specific results: only their error
 * bound is checked. Legacy-SSE alignment faults are in signals.c.
 */
#include "common.h"
#include <math.h>

typedef struct V128 {
    uint64_t q[2];
} __attribute__((aligned(16))) V128;

typedef void (*SseFn)(const V128 *a, const V128 *b, const V128 *c, V128 *r, uint64_t *regs,
                      uint32_t *mxcsr);

typedef struct SseTest {
    const char *name;
    SseFn fn;
    const char *feature;
    int is_float;
} SseTest;

/*
 * r[0] = XMM1 after, r[1] = XMM0 after, r[2] = scratch for memory forms;
 * regs = { rax, rcx, rdx, rflags }; mxcsr[0] in, mxcsr[1] out.
 */
#define SSE_OP(name, text)                                                     \
    static void v_##name(const V128 *a, const V128 *b, const V128 *c, V128 *r,  \
                         uint64_t *regs, uint32_t *mxcsr)                     \
    {                                                                         \
        uint64_t rax = regs[0], rcx = regs[1], rdx = regs[2], fl;            \
        asm volatile("movdqu (%[pa]), %%xmm1\n\t"                             \
                     "movdqu (%[pb]), %%xmm2\n\t"                             \
                     "movdqu (%[pc]), %%xmm0\n\t"                             \
                     "ldmxcsr (%[mx])\n\t"                                    \
                     "pushfq; andq $~0x8d5, (%%rsp); popfq\n\t" text "\n\t"   \
                     "pushfq; popq %[fl]\n\t"                                 \
                     "stmxcsr 4(%[mx])\n\t"                                   \
                     "movdqu %%xmm1, (%[pr])\n\t"                             \
                     "movdqu %%xmm0, 16(%[pr])"                               \
                     : [fl] "=&r"(fl), "+a"(rax), "+c"(rcx), "+d"(rdx)        \
                     : [pa] "r"(a), [pb] "r"(b), [pc] "r"(c), [pr] "r"(r),    \
                       [mx] "r"(mxcsr)                                        \
                     : "xmm0", "xmm1", "xmm2", "xmm9", "xmm15", "memory", "cc"); \
        regs[0] = rax;                                                        \
        regs[1] = rcx;                                                        \
        regs[2] = rdx;                                                        \
        regs[3] = fl;                                                         \
    }

SSE_OP(addps, "addps %%xmm2, %%xmm1")
SSE_OP(subps, "subps %%xmm2, %%xmm1")
SSE_OP(mulps, "mulps %%xmm2, %%xmm1")
SSE_OP(divps, "divps %%xmm2, %%xmm1")
SSE_OP(minps, "minps %%xmm2, %%xmm1")
SSE_OP(maxps, "maxps %%xmm2, %%xmm1")
SSE_OP(sqrtps, "sqrtps %%xmm2, %%xmm1")
SSE_OP(andps, "andps %%xmm2, %%xmm1")
SSE_OP(andnps, "andnps %%xmm2, %%xmm1")
SSE_OP(orps, "orps %%xmm2, %%xmm1")
SSE_OP(xorps, "xorps %%xmm2, %%xmm1")
SSE_OP(unpcklps, "unpcklps %%xmm2, %%xmm1")
SSE_OP(unpckhps, "unpckhps %%xmm2, %%xmm1")
SSE_OP(addss, "addss %%xmm2, %%xmm1")
SSE_OP(subss, "subss %%xmm2, %%xmm1")
SSE_OP(mulss, "mulss %%xmm2, %%xmm1")
SSE_OP(divss, "divss %%xmm2, %%xmm1")
SSE_OP(minss, "minss %%xmm2, %%xmm1")
SSE_OP(maxss, "maxss %%xmm2, %%xmm1")
SSE_OP(sqrtss, "sqrtss %%xmm2, %%xmm1")
SSE_OP(movss, "movss %%xmm2, %%xmm1")
SSE_OP(movhlps, "movhlps %%xmm2, %%xmm1")
SSE_OP(movlhps, "movlhps %%xmm2, %%xmm1")
SSE_OP(cmpps_0, "cmpps $0, %%xmm2, %%xmm1")
SSE_OP(cmpps_1, "cmpps $1, %%xmm2, %%xmm1")
SSE_OP(cmpps_2, "cmpps $2, %%xmm2, %%xmm1")
SSE_OP(cmpps_3, "cmpps $3, %%xmm2, %%xmm1")
SSE_OP(cmpps_4, "cmpps $4, %%xmm2, %%xmm1")
SSE_OP(cmpps_5, "cmpps $5, %%xmm2, %%xmm1")
SSE_OP(cmpps_6, "cmpps $6, %%xmm2, %%xmm1")
SSE_OP(cmpps_7, "cmpps $7, %%xmm2, %%xmm1")
SSE_OP(cmpss_1, "cmpss $1, %%xmm2, %%xmm1")
SSE_OP(cmpsd_4, "cmpsd $4, %%xmm2, %%xmm1")
SSE_OP(shufps_1b, "shufps $0x1b, %%xmm2, %%xmm1")
SSE_OP(comiss, "comiss %%xmm2, %%xmm1")
SSE_OP(ucomiss, "ucomiss %%xmm2, %%xmm1")
SSE_OP(cvtsi2ss_q, "cvtsi2ssq %%rax, %%xmm1")
SSE_OP(cvtsi2ss_l, "cvtsi2ssl %%eax, %%xmm1")
SSE_OP(cvtss2si_q, "cvtss2si %%xmm2, %%rax")
SSE_OP(cvttss2si_l, "cvttss2si %%xmm2, %%eax")
SSE_OP(movmskps, "movmskps %%xmm2, %%eax")
SSE_OP(addpd, "addpd %%xmm2, %%xmm1")
SSE_OP(subpd, "subpd %%xmm2, %%xmm1")
SSE_OP(mulpd, "mulpd %%xmm2, %%xmm1")
SSE_OP(divpd, "divpd %%xmm2, %%xmm1")
SSE_OP(minpd, "minpd %%xmm2, %%xmm1")
SSE_OP(maxpd, "maxpd %%xmm2, %%xmm1")
SSE_OP(sqrtpd, "sqrtpd %%xmm2, %%xmm1")
SSE_OP(andpd, "andpd %%xmm2, %%xmm1")
SSE_OP(andnpd, "andnpd %%xmm2, %%xmm1")
SSE_OP(orpd, "orpd %%xmm2, %%xmm1")
SSE_OP(xorpd, "xorpd %%xmm2, %%xmm1")
SSE_OP(unpcklpd, "unpcklpd %%xmm2, %%xmm1")
SSE_OP(unpckhpd, "unpckhpd %%xmm2, %%xmm1")
SSE_OP(addsd, "addsd %%xmm2, %%xmm1")
SSE_OP(subsd, "subsd %%xmm2, %%xmm1")
SSE_OP(mulsd, "mulsd %%xmm2, %%xmm1")
SSE_OP(divsd, "divsd %%xmm2, %%xmm1")
SSE_OP(minsd, "minsd %%xmm2, %%xmm1")
SSE_OP(maxsd, "maxsd %%xmm2, %%xmm1")
SSE_OP(sqrtsd, "sqrtsd %%xmm2, %%xmm1")
SSE_OP(movsd, "movsd %%xmm2, %%xmm1")
SSE_OP(cvtpd2ps, "cvtpd2ps %%xmm2, %%xmm1")
SSE_OP(cvtps2pd, "cvtps2pd %%xmm2, %%xmm1")
SSE_OP(cvtdq2ps, "cvtdq2ps %%xmm2, %%xmm1")
SSE_OP(cvtps2dq, "cvtps2dq %%xmm2, %%xmm1")
SSE_OP(cvttps2dq, "cvttps2dq %%xmm2, %%xmm1")
SSE_OP(cvtdq2pd, "cvtdq2pd %%xmm2, %%xmm1")
SSE_OP(cvtpd2dq, "cvtpd2dq %%xmm2, %%xmm1")
SSE_OP(cvttpd2dq, "cvttpd2dq %%xmm2, %%xmm1")
SSE_OP(cvtsd2ss, "cvtsd2ss %%xmm2, %%xmm1")
SSE_OP(cvtss2sd, "cvtss2sd %%xmm2, %%xmm1")
SSE_OP(cmppd_0, "cmppd $0, %%xmm2, %%xmm1")
SSE_OP(cmppd_1, "cmppd $1, %%xmm2, %%xmm1")
SSE_OP(cmppd_3, "cmppd $3, %%xmm2, %%xmm1")
SSE_OP(cmppd_6, "cmppd $6, %%xmm2, %%xmm1")
SSE_OP(shufpd_1, "shufpd $1, %%xmm2, %%xmm1")
SSE_OP(comisd, "comisd %%xmm2, %%xmm1")
SSE_OP(ucomisd, "ucomisd %%xmm2, %%xmm1")
SSE_OP(cvtsi2sd_q, "cvtsi2sdq %%rax, %%xmm1")
SSE_OP(cvtsd2si_q, "cvtsd2si %%xmm2, %%rax")
SSE_OP(cvtsd2si_l, "cvtsd2si %%xmm2, %%eax")
SSE_OP(cvttsd2si_q, "cvttsd2si %%xmm2, %%rax")
SSE_OP(movmskpd, "movmskpd %%xmm2, %%eax")
SSE_OP(paddb, "paddb %%xmm2, %%xmm1")
SSE_OP(paddw, "paddw %%xmm2, %%xmm1")
SSE_OP(paddd, "paddd %%xmm2, %%xmm1")
SSE_OP(paddq, "paddq %%xmm2, %%xmm1")
SSE_OP(psubb, "psubb %%xmm2, %%xmm1")
SSE_OP(psubw, "psubw %%xmm2, %%xmm1")
SSE_OP(psubd, "psubd %%xmm2, %%xmm1")
SSE_OP(psubq, "psubq %%xmm2, %%xmm1")
SSE_OP(paddsb, "paddsb %%xmm2, %%xmm1")
SSE_OP(paddsw, "paddsw %%xmm2, %%xmm1")
SSE_OP(paddusb, "paddusb %%xmm2, %%xmm1")
SSE_OP(paddusw, "paddusw %%xmm2, %%xmm1")
SSE_OP(psubsb, "psubsb %%xmm2, %%xmm1")
SSE_OP(psubsw, "psubsw %%xmm2, %%xmm1")
SSE_OP(psubusb, "psubusb %%xmm2, %%xmm1")
SSE_OP(psubusw, "psubusw %%xmm2, %%xmm1")
SSE_OP(pmullw, "pmullw %%xmm2, %%xmm1")
SSE_OP(pmulhw, "pmulhw %%xmm2, %%xmm1")
SSE_OP(pmulhuw, "pmulhuw %%xmm2, %%xmm1")
SSE_OP(pmuludq, "pmuludq %%xmm2, %%xmm1")
SSE_OP(pmaddwd, "pmaddwd %%xmm2, %%xmm1")
SSE_OP(psadbw, "psadbw %%xmm2, %%xmm1")
SSE_OP(pavgb, "pavgb %%xmm2, %%xmm1")
SSE_OP(pavgw, "pavgw %%xmm2, %%xmm1")
SSE_OP(pmaxsw, "pmaxsw %%xmm2, %%xmm1")
SSE_OP(pmaxub, "pmaxub %%xmm2, %%xmm1")
SSE_OP(pminsw, "pminsw %%xmm2, %%xmm1")
SSE_OP(pminub, "pminub %%xmm2, %%xmm1")
SSE_OP(pcmpeqb, "pcmpeqb %%xmm2, %%xmm1")
SSE_OP(pcmpeqw, "pcmpeqw %%xmm2, %%xmm1")
SSE_OP(pcmpeqd, "pcmpeqd %%xmm2, %%xmm1")
SSE_OP(pcmpgtb, "pcmpgtb %%xmm2, %%xmm1")
SSE_OP(pcmpgtw, "pcmpgtw %%xmm2, %%xmm1")
SSE_OP(pcmpgtd, "pcmpgtd %%xmm2, %%xmm1")
SSE_OP(packsswb, "packsswb %%xmm2, %%xmm1")
SSE_OP(packssdw, "packssdw %%xmm2, %%xmm1")
SSE_OP(packuswb, "packuswb %%xmm2, %%xmm1")
SSE_OP(punpcklbw, "punpcklbw %%xmm2, %%xmm1")
SSE_OP(punpcklwd, "punpcklwd %%xmm2, %%xmm1")
SSE_OP(punpckldq, "punpckldq %%xmm2, %%xmm1")
SSE_OP(punpcklqdq, "punpcklqdq %%xmm2, %%xmm1")
SSE_OP(punpckhbw, "punpckhbw %%xmm2, %%xmm1")
SSE_OP(punpckhwd, "punpckhwd %%xmm2, %%xmm1")
SSE_OP(punpckhdq, "punpckhdq %%xmm2, %%xmm1")
SSE_OP(punpckhqdq, "punpckhqdq %%xmm2, %%xmm1")
SSE_OP(pand, "pand %%xmm2, %%xmm1")
SSE_OP(pandn, "pandn %%xmm2, %%xmm1")
SSE_OP(por, "por %%xmm2, %%xmm1")
SSE_OP(pxor, "pxor %%xmm2, %%xmm1")
SSE_OP(psllw, "psllw %%xmm2, %%xmm1")
SSE_OP(pslld, "pslld %%xmm2, %%xmm1")
SSE_OP(psllq, "psllq %%xmm2, %%xmm1")
SSE_OP(psrlw, "psrlw %%xmm2, %%xmm1")
SSE_OP(psrld, "psrld %%xmm2, %%xmm1")
SSE_OP(psrlq, "psrlq %%xmm2, %%xmm1")
SSE_OP(psraw, "psraw %%xmm2, %%xmm1")
SSE_OP(psrad, "psrad %%xmm2, %%xmm1")
SSE_OP(psllw_3, "psllw $3, %%xmm1")
SSE_OP(psllw_17, "psllw $17, %%xmm1")
SSE_OP(pslld_31, "pslld $31, %%xmm1")
SSE_OP(psllq_1, "psllq $1, %%xmm1")
SSE_OP(psllq_64, "psllq $64, %%xmm1")
SSE_OP(psrlw_15, "psrlw $15, %%xmm1")
SSE_OP(psrld_7, "psrld $7, %%xmm1")
SSE_OP(psrlq_33, "psrlq $33, %%xmm1")
SSE_OP(psraw_4, "psraw $4, %%xmm1")
SSE_OP(psraw_16, "psraw $16, %%xmm1")
SSE_OP(psrad_31, "psrad $31, %%xmm1")
SSE_OP(psrad_40, "psrad $40, %%xmm1")
SSE_OP(pslldq_3, "pslldq $3, %%xmm1")
SSE_OP(pslldq_16, "pslldq $16, %%xmm1")
SSE_OP(psrldq_5, "psrldq $5, %%xmm1")
SSE_OP(pshufd_1b, "pshufd $27, %%xmm2, %%xmm1")
SSE_OP(pshufhw_c6, "pshufhw $198, %%xmm2, %%xmm1")
SSE_OP(pshuflw_39, "pshuflw $57, %%xmm2, %%xmm1")
SSE_OP(pmovmskb, "pmovmskb %%xmm2, %%eax")
SSE_OP(movq_xx, "movq %%xmm2, %%xmm1")
SSE_OP(movq_rx, "movq %%rax, %%xmm1")
SSE_OP(movd_rx, "movd %%eax, %%xmm1")
SSE_OP(movq_xr, "movq %%xmm2, %%rax")
SSE_OP(pextrw_5, "pextrw $5, %%xmm2, %%eax")
SSE_OP(pinsrw_3, "pinsrw $3, %%eax, %%xmm1")
SSE_OP(xmm8_15, "movdqa %%xmm2, %%xmm9; paddd %%xmm1, %%xmm9; pshufd $0x4e, %%xmm9, %%xmm15; psubq %%xmm15, %%xmm1")
SSE_OP(addsubps, "addsubps %%xmm2, %%xmm1")
SSE_OP(addsubpd, "addsubpd %%xmm2, %%xmm1")
SSE_OP(haddps, "haddps %%xmm2, %%xmm1")
SSE_OP(haddpd, "haddpd %%xmm2, %%xmm1")
SSE_OP(hsubps, "hsubps %%xmm2, %%xmm1")
SSE_OP(hsubpd, "hsubpd %%xmm2, %%xmm1")
SSE_OP(movddup, "movddup %%xmm2, %%xmm1")
SSE_OP(movshdup, "movshdup %%xmm2, %%xmm1")
SSE_OP(movsldup, "movsldup %%xmm2, %%xmm1")
SSE_OP(pshufb, "pshufb %%xmm2, %%xmm1")
SSE_OP(phaddw, "phaddw %%xmm2, %%xmm1")
SSE_OP(phaddd, "phaddd %%xmm2, %%xmm1")
SSE_OP(phaddsw, "phaddsw %%xmm2, %%xmm1")
SSE_OP(phsubw, "phsubw %%xmm2, %%xmm1")
SSE_OP(phsubd, "phsubd %%xmm2, %%xmm1")
SSE_OP(phsubsw, "phsubsw %%xmm2, %%xmm1")
SSE_OP(pmaddubsw, "pmaddubsw %%xmm2, %%xmm1")
SSE_OP(pmulhrsw, "pmulhrsw %%xmm2, %%xmm1")
SSE_OP(pabsb, "pabsb %%xmm2, %%xmm1")
SSE_OP(pabsw, "pabsw %%xmm2, %%xmm1")
SSE_OP(pabsd, "pabsd %%xmm2, %%xmm1")
SSE_OP(psignb, "psignb %%xmm2, %%xmm1")
SSE_OP(psignw, "psignw %%xmm2, %%xmm1")
SSE_OP(psignd, "psignd %%xmm2, %%xmm1")
SSE_OP(palignr_5, "palignr $5, %%xmm2, %%xmm1")
SSE_OP(palignr_20, "palignr $20, %%xmm2, %%xmm1")
SSE_OP(pminsb, "pminsb %%xmm2, %%xmm1")
SSE_OP(pminsd, "pminsd %%xmm2, %%xmm1")
SSE_OP(pminuw, "pminuw %%xmm2, %%xmm1")
SSE_OP(pminud, "pminud %%xmm2, %%xmm1")
SSE_OP(pmaxsb, "pmaxsb %%xmm2, %%xmm1")
SSE_OP(pmaxsd, "pmaxsd %%xmm2, %%xmm1")
SSE_OP(pmaxuw, "pmaxuw %%xmm2, %%xmm1")
SSE_OP(pmaxud, "pmaxud %%xmm2, %%xmm1")
SSE_OP(pmulld, "pmulld %%xmm2, %%xmm1")
SSE_OP(pmuldq, "pmuldq %%xmm2, %%xmm1")
SSE_OP(pcmpeqq, "pcmpeqq %%xmm2, %%xmm1")
SSE_OP(packusdw, "packusdw %%xmm2, %%xmm1")
SSE_OP(phminposuw, "phminposuw %%xmm2, %%xmm1")
SSE_OP(pmovsxbw, "pmovsxbw %%xmm2, %%xmm1")
SSE_OP(pmovsxbd, "pmovsxbd %%xmm2, %%xmm1")
SSE_OP(pmovsxbq, "pmovsxbq %%xmm2, %%xmm1")
SSE_OP(pmovsxwd, "pmovsxwd %%xmm2, %%xmm1")
SSE_OP(pmovsxwq, "pmovsxwq %%xmm2, %%xmm1")
SSE_OP(pmovsxdq, "pmovsxdq %%xmm2, %%xmm1")
SSE_OP(pmovzxbw, "pmovzxbw %%xmm2, %%xmm1")
SSE_OP(pmovzxbd, "pmovzxbd %%xmm2, %%xmm1")
SSE_OP(pmovzxbq, "pmovzxbq %%xmm2, %%xmm1")
SSE_OP(pmovzxwd, "pmovzxwd %%xmm2, %%xmm1")
SSE_OP(pmovzxwq, "pmovzxwq %%xmm2, %%xmm1")
SSE_OP(pmovzxdq, "pmovzxdq %%xmm2, %%xmm1")
SSE_OP(pblendw_a5, "pblendw $0xa5, %%xmm2, %%xmm1")
SSE_OP(blendps_5, "blendps $5, %%xmm2, %%xmm1")
SSE_OP(blendpd_1, "blendpd $1, %%xmm2, %%xmm1")
SSE_OP(blendvps, "blendvps %%xmm0, %%xmm2, %%xmm1")
SSE_OP(blendvpd, "blendvpd %%xmm0, %%xmm2, %%xmm1")
SSE_OP(pblendvb, "pblendvb %%xmm0, %%xmm2, %%xmm1")
SSE_OP(ptest, "ptest %%xmm2, %%xmm1")
SSE_OP(pextrb_9, "pextrb $9, %%xmm2, %%eax")
SSE_OP(pextrd_2, "pextrd $2, %%xmm2, %%eax")
SSE_OP(pextrq_1, "pextrq $1, %%xmm2, %%rax")
SSE_OP(extractps_3, "extractps $3, %%xmm2, %%eax")
SSE_OP(pinsrb_7, "pinsrb $7, %%eax, %%xmm1")
SSE_OP(pinsrd_1, "pinsrd $1, %%eax, %%xmm1")
SSE_OP(pinsrq_1, "pinsrq $1, %%rax, %%xmm1")
SSE_OP(insertps_4c, "insertps $0x4c, %%xmm2, %%xmm1")
SSE_OP(insertps_b2, "insertps $0xb2, %%xmm2, %%xmm1")
SSE_OP(roundps_0, "roundps $0, %%xmm2, %%xmm1")
SSE_OP(roundsd_0, "roundsd $0, %%xmm2, %%xmm1")
SSE_OP(roundps_1, "roundps $1, %%xmm2, %%xmm1")
SSE_OP(roundsd_1, "roundsd $1, %%xmm2, %%xmm1")
SSE_OP(roundps_2, "roundps $2, %%xmm2, %%xmm1")
SSE_OP(roundsd_2, "roundsd $2, %%xmm2, %%xmm1")
SSE_OP(roundps_3, "roundps $3, %%xmm2, %%xmm1")
SSE_OP(roundsd_3, "roundsd $3, %%xmm2, %%xmm1")
SSE_OP(roundps_4, "roundps $4, %%xmm2, %%xmm1")
SSE_OP(roundsd_4, "roundsd $4, %%xmm2, %%xmm1")
SSE_OP(roundps_8, "roundps $8, %%xmm2, %%xmm1")
SSE_OP(roundsd_8, "roundsd $8, %%xmm2, %%xmm1")
SSE_OP(roundps_12, "roundps $12, %%xmm2, %%xmm1")
SSE_OP(roundsd_12, "roundsd $12, %%xmm2, %%xmm1")
SSE_OP(roundpd_1, "roundpd $1, %%xmm2, %%xmm1")
SSE_OP(roundss_2, "roundss $2, %%xmm2, %%xmm1")
SSE_OP(dpps_f1, "dpps $0xf1, %%xmm2, %%xmm1")
SSE_OP(dpps_7e, "dpps $0x7e, %%xmm2, %%xmm1")
SSE_OP(dppd_31, "dppd $0x31, %%xmm2, %%xmm1")
SSE_OP(mpsadbw_5, "mpsadbw $5, %%xmm2, %%xmm1")
SSE_OP(mpsadbw_2, "mpsadbw $2, %%xmm2, %%xmm1")
SSE_OP(pcmpgtq, "pcmpgtq %%xmm2, %%xmm1")
SSE_OP(pcmpestri_00, "pcmpestri $0, %%xmm2, %%xmm1")
SSE_OP(pcmpistri_00, "pcmpistri $0, %%xmm2, %%xmm1")
SSE_OP(pcmpestri_01, "pcmpestri $1, %%xmm2, %%xmm1")
SSE_OP(pcmpistri_01, "pcmpistri $1, %%xmm2, %%xmm1")
SSE_OP(pcmpestri_04, "pcmpestri $4, %%xmm2, %%xmm1")
SSE_OP(pcmpistri_04, "pcmpistri $4, %%xmm2, %%xmm1")
SSE_OP(pcmpestri_08, "pcmpestri $8, %%xmm2, %%xmm1")
SSE_OP(pcmpistri_08, "pcmpistri $8, %%xmm2, %%xmm1")
SSE_OP(pcmpestri_0c, "pcmpestri $12, %%xmm2, %%xmm1")
SSE_OP(pcmpistri_0c, "pcmpistri $12, %%xmm2, %%xmm1")
SSE_OP(pcmpestri_18, "pcmpestri $24, %%xmm2, %%xmm1")
SSE_OP(pcmpistri_18, "pcmpistri $24, %%xmm2, %%xmm1")
SSE_OP(pcmpestri_1a, "pcmpestri $26, %%xmm2, %%xmm1")
SSE_OP(pcmpistri_1a, "pcmpistri $26, %%xmm2, %%xmm1")
SSE_OP(pcmpestri_44, "pcmpestri $68, %%xmm2, %%xmm1")
SSE_OP(pcmpistri_44, "pcmpistri $68, %%xmm2, %%xmm1")
SSE_OP(pcmpestri_3a, "pcmpestri $58, %%xmm2, %%xmm1")
SSE_OP(pcmpistri_3a, "pcmpistri $58, %%xmm2, %%xmm1")
SSE_OP(pcmpestri_4e, "pcmpestri $78, %%xmm2, %%xmm1")
SSE_OP(pcmpistri_4e, "pcmpistri $78, %%xmm2, %%xmm1")
SSE_OP(pcmpestri_70, "pcmpestri $112, %%xmm2, %%xmm1")
SSE_OP(pcmpistri_70, "pcmpistri $112, %%xmm2, %%xmm1")
SSE_OP(pcmpestri_62, "pcmpestri $98, %%xmm2, %%xmm1")
SSE_OP(pcmpistri_62, "pcmpistri $98, %%xmm2, %%xmm1")
SSE_OP(pcmpestrm_00, "pcmpestrm $0, %%xmm2, %%xmm1")
SSE_OP(pcmpistrm_00, "pcmpistrm $0, %%xmm2, %%xmm1")
SSE_OP(pcmpestrm_08, "pcmpestrm $8, %%xmm2, %%xmm1")
SSE_OP(pcmpistrm_08, "pcmpistrm $8, %%xmm2, %%xmm1")
SSE_OP(pcmpestrm_40, "pcmpestrm $64, %%xmm2, %%xmm1")
SSE_OP(pcmpistrm_40, "pcmpistrm $64, %%xmm2, %%xmm1")
SSE_OP(pcmpestrm_44, "pcmpestrm $68, %%xmm2, %%xmm1")
SSE_OP(pcmpistrm_44, "pcmpistrm $68, %%xmm2, %%xmm1")
SSE_OP(pcmpestrm_1a, "pcmpestrm $26, %%xmm2, %%xmm1")
SSE_OP(pcmpistrm_1a, "pcmpistrm $26, %%xmm2, %%xmm1")
SSE_OP(pcmpestrm_62, "pcmpestrm $98, %%xmm2, %%xmm1")
SSE_OP(pcmpistrm_62, "pcmpistrm $98, %%xmm2, %%xmm1")
SSE_OP(crc32b, "crc32b %%dl, %%eax")
SSE_OP(crc32w, "crc32w %%dx, %%eax")
SSE_OP(crc32l, "crc32l %%edx, %%eax")
SSE_OP(crc32q, "crc32q %%rdx, %%rax")
SSE_OP(pclmul_00, "pclmulqdq $0x00, %%xmm2, %%xmm1")
SSE_OP(pclmul_11, "pclmulqdq $0x11, %%xmm2, %%xmm1")
SSE_OP(pclmul_10, "pclmulqdq $0x10, %%xmm2, %%xmm1")
SSE_OP(paddd_m, "paddd 32(%[pr]), %%xmm1")
SSE_OP(movups_m, "movups 1(%[pb]), %%xmm1")
SSE_OP(movdqu_m, "movdqu 3(%[pb]), %%xmm1")
SSE_OP(movhps_m, "movhps 8(%[pb]), %%xmm1")
SSE_OP(movlpd_m, "movlpd 4(%[pb]), %%xmm1")
SSE_OP(movss_m, "movss 4(%[pb]), %%xmm1")
SSE_OP(movsd_m, "movsd 8(%[pb]), %%xmm1")
SSE_OP(addsd_m, "addsd 1(%[pb]), %%xmm1")
SSE_OP(lddqu_m, "lddqu 5(%[pb]), %%xmm1")
SSE_OP(movntdq_st, "movntdq %%xmm2, 32(%[pr]); sfence; movdqa 32(%[pr]), %%xmm1")

static const SseTest sse_tests[] = {
    { "addps", v_addps, "sse", 1 },
    { "subps", v_subps, "sse", 1 },
    { "mulps", v_mulps, "sse", 1 },
    { "divps", v_divps, "sse", 1 },
    { "minps", v_minps, "sse", 1 },
    { "maxps", v_maxps, "sse", 1 },
    { "sqrtps", v_sqrtps, "sse", 1 },
    { "andps", v_andps, "sse", 1 },
    { "andnps", v_andnps, "sse", 1 },
    { "orps", v_orps, "sse", 1 },
    { "xorps", v_xorps, "sse", 1 },
    { "unpcklps", v_unpcklps, "sse", 1 },
    { "unpckhps", v_unpckhps, "sse", 1 },
    { "addss", v_addss, "sse", 1 },
    { "subss", v_subss, "sse", 1 },
    { "mulss", v_mulss, "sse", 1 },
    { "divss", v_divss, "sse", 1 },
    { "minss", v_minss, "sse", 1 },
    { "maxss", v_maxss, "sse", 1 },
    { "sqrtss", v_sqrtss, "sse", 1 },
    { "movss", v_movss, "sse", 1 },
    { "movhlps", v_movhlps, "sse", 1 },
    { "movlhps", v_movlhps, "sse", 1 },
    { "cmpps_0", v_cmpps_0, "sse", 1 },
    { "cmpps_1", v_cmpps_1, "sse", 1 },
    { "cmpps_2", v_cmpps_2, "sse", 1 },
    { "cmpps_3", v_cmpps_3, "sse", 1 },
    { "cmpps_4", v_cmpps_4, "sse", 1 },
    { "cmpps_5", v_cmpps_5, "sse", 1 },
    { "cmpps_6", v_cmpps_6, "sse", 1 },
    { "cmpps_7", v_cmpps_7, "sse", 1 },
    { "cmpss_1", v_cmpss_1, "sse", 1 },
    { "cmpsd_4", v_cmpsd_4, "sse2", 1 },
    { "shufps_1b", v_shufps_1b, "sse", 1 },
    { "comiss", v_comiss, "sse", 1 },
    { "ucomiss", v_ucomiss, "sse", 1 },
    { "cvtsi2ss_q", v_cvtsi2ss_q, "sse", 1 },
    { "cvtsi2ss_l", v_cvtsi2ss_l, "sse", 1 },
    { "cvtss2si_q", v_cvtss2si_q, "sse", 1 },
    { "cvttss2si_l", v_cvttss2si_l, "sse", 1 },
    { "movmskps", v_movmskps, "sse", 1 },
    { "addpd", v_addpd, "sse2", 1 },
    { "subpd", v_subpd, "sse2", 1 },
    { "mulpd", v_mulpd, "sse2", 1 },
    { "divpd", v_divpd, "sse2", 1 },
    { "minpd", v_minpd, "sse2", 1 },
    { "maxpd", v_maxpd, "sse2", 1 },
    { "sqrtpd", v_sqrtpd, "sse2", 1 },
    { "andpd", v_andpd, "sse2", 1 },
    { "andnpd", v_andnpd, "sse2", 1 },
    { "orpd", v_orpd, "sse2", 1 },
    { "xorpd", v_xorpd, "sse2", 1 },
    { "unpcklpd", v_unpcklpd, "sse2", 1 },
    { "unpckhpd", v_unpckhpd, "sse2", 1 },
    { "addsd", v_addsd, "sse2", 1 },
    { "subsd", v_subsd, "sse2", 1 },
    { "mulsd", v_mulsd, "sse2", 1 },
    { "divsd", v_divsd, "sse2", 1 },
    { "minsd", v_minsd, "sse2", 1 },
    { "maxsd", v_maxsd, "sse2", 1 },
    { "sqrtsd", v_sqrtsd, "sse2", 1 },
    { "movsd", v_movsd, "sse2", 1 },
    { "cvtpd2ps", v_cvtpd2ps, "sse2", 1 },
    { "cvtps2pd", v_cvtps2pd, "sse2", 1 },
    { "cvtdq2ps", v_cvtdq2ps, "sse2", 1 },
    { "cvtps2dq", v_cvtps2dq, "sse2", 1 },
    { "cvttps2dq", v_cvttps2dq, "sse2", 1 },
    { "cvtdq2pd", v_cvtdq2pd, "sse2", 1 },
    { "cvtpd2dq", v_cvtpd2dq, "sse2", 1 },
    { "cvttpd2dq", v_cvttpd2dq, "sse2", 1 },
    { "cvtsd2ss", v_cvtsd2ss, "sse2", 1 },
    { "cvtss2sd", v_cvtss2sd, "sse2", 1 },
    { "cmppd_0", v_cmppd_0, "sse2", 1 },
    { "cmppd_1", v_cmppd_1, "sse2", 1 },
    { "cmppd_3", v_cmppd_3, "sse2", 1 },
    { "cmppd_6", v_cmppd_6, "sse2", 1 },
    { "shufpd_1", v_shufpd_1, "sse2", 1 },
    { "comisd", v_comisd, "sse2", 1 },
    { "ucomisd", v_ucomisd, "sse2", 1 },
    { "cvtsi2sd_q", v_cvtsi2sd_q, "sse2", 1 },
    { "cvtsd2si_q", v_cvtsd2si_q, "sse2", 1 },
    { "cvtsd2si_l", v_cvtsd2si_l, "sse2", 1 },
    { "cvttsd2si_q", v_cvttsd2si_q, "sse2", 1 },
    { "movmskpd", v_movmskpd, "sse2", 1 },
    { "paddb", v_paddb, "sse2", 0 },
    { "paddw", v_paddw, "sse2", 0 },
    { "paddd", v_paddd, "sse2", 0 },
    { "paddq", v_paddq, "sse2", 0 },
    { "psubb", v_psubb, "sse2", 0 },
    { "psubw", v_psubw, "sse2", 0 },
    { "psubd", v_psubd, "sse2", 0 },
    { "psubq", v_psubq, "sse2", 0 },
    { "paddsb", v_paddsb, "sse2", 0 },
    { "paddsw", v_paddsw, "sse2", 0 },
    { "paddusb", v_paddusb, "sse2", 0 },
    { "paddusw", v_paddusw, "sse2", 0 },
    { "psubsb", v_psubsb, "sse2", 0 },
    { "psubsw", v_psubsw, "sse2", 0 },
    { "psubusb", v_psubusb, "sse2", 0 },
    { "psubusw", v_psubusw, "sse2", 0 },
    { "pmullw", v_pmullw, "sse2", 0 },
    { "pmulhw", v_pmulhw, "sse2", 0 },
    { "pmulhuw", v_pmulhuw, "sse2", 0 },
    { "pmuludq", v_pmuludq, "sse2", 0 },
    { "pmaddwd", v_pmaddwd, "sse2", 0 },
    { "psadbw", v_psadbw, "sse2", 0 },
    { "pavgb", v_pavgb, "sse2", 0 },
    { "pavgw", v_pavgw, "sse2", 0 },
    { "pmaxsw", v_pmaxsw, "sse2", 0 },
    { "pmaxub", v_pmaxub, "sse2", 0 },
    { "pminsw", v_pminsw, "sse2", 0 },
    { "pminub", v_pminub, "sse2", 0 },
    { "pcmpeqb", v_pcmpeqb, "sse2", 0 },
    { "pcmpeqw", v_pcmpeqw, "sse2", 0 },
    { "pcmpeqd", v_pcmpeqd, "sse2", 0 },
    { "pcmpgtb", v_pcmpgtb, "sse2", 0 },
    { "pcmpgtw", v_pcmpgtw, "sse2", 0 },
    { "pcmpgtd", v_pcmpgtd, "sse2", 0 },
    { "packsswb", v_packsswb, "sse2", 0 },
    { "packssdw", v_packssdw, "sse2", 0 },
    { "packuswb", v_packuswb, "sse2", 0 },
    { "punpcklbw", v_punpcklbw, "sse2", 0 },
    { "punpcklwd", v_punpcklwd, "sse2", 0 },
    { "punpckldq", v_punpckldq, "sse2", 0 },
    { "punpcklqdq", v_punpcklqdq, "sse2", 0 },
    { "punpckhbw", v_punpckhbw, "sse2", 0 },
    { "punpckhwd", v_punpckhwd, "sse2", 0 },
    { "punpckhdq", v_punpckhdq, "sse2", 0 },
    { "punpckhqdq", v_punpckhqdq, "sse2", 0 },
    { "pand", v_pand, "sse2", 0 },
    { "pandn", v_pandn, "sse2", 0 },
    { "por", v_por, "sse2", 0 },
    { "pxor", v_pxor, "sse2", 0 },
    { "psllw", v_psllw, "sse2", 0 },
    { "pslld", v_pslld, "sse2", 0 },
    { "psllq", v_psllq, "sse2", 0 },
    { "psrlw", v_psrlw, "sse2", 0 },
    { "psrld", v_psrld, "sse2", 0 },
    { "psrlq", v_psrlq, "sse2", 0 },
    { "psraw", v_psraw, "sse2", 0 },
    { "psrad", v_psrad, "sse2", 0 },
    { "psllw_3", v_psllw_3, "sse2", 0 },
    { "psllw_17", v_psllw_17, "sse2", 0 },
    { "pslld_31", v_pslld_31, "sse2", 0 },
    { "psllq_1", v_psllq_1, "sse2", 0 },
    { "psllq_64", v_psllq_64, "sse2", 0 },
    { "psrlw_15", v_psrlw_15, "sse2", 0 },
    { "psrld_7", v_psrld_7, "sse2", 0 },
    { "psrlq_33", v_psrlq_33, "sse2", 0 },
    { "psraw_4", v_psraw_4, "sse2", 0 },
    { "psraw_16", v_psraw_16, "sse2", 0 },
    { "psrad_31", v_psrad_31, "sse2", 0 },
    { "psrad_40", v_psrad_40, "sse2", 0 },
    { "pslldq_3", v_pslldq_3, "sse2", 0 },
    { "pslldq_16", v_pslldq_16, "sse2", 0 },
    { "psrldq_5", v_psrldq_5, "sse2", 0 },
    { "pshufd_1b", v_pshufd_1b, "sse2", 0 },
    { "pshufhw_c6", v_pshufhw_c6, "sse2", 0 },
    { "pshuflw_39", v_pshuflw_39, "sse2", 0 },
    { "pmovmskb", v_pmovmskb, "sse2", 0 },
    { "movq_xx", v_movq_xx, "sse2", 0 },
    { "movq_rx", v_movq_rx, "sse2", 0 },
    { "movd_rx", v_movd_rx, "sse2", 0 },
    { "movq_xr", v_movq_xr, "sse2", 0 },
    { "pextrw_5", v_pextrw_5, "sse2", 0 },
    { "pinsrw_3", v_pinsrw_3, "sse2", 0 },
    { "xmm8_15", v_xmm8_15, "sse2", 0 },
    { "addsubps", v_addsubps, "sse3", 1 },
    { "addsubpd", v_addsubpd, "sse3", 1 },
    { "haddps", v_haddps, "sse3", 1 },
    { "haddpd", v_haddpd, "sse3", 1 },
    { "hsubps", v_hsubps, "sse3", 1 },
    { "hsubpd", v_hsubpd, "sse3", 1 },
    { "movddup", v_movddup, "sse3", 1 },
    { "movshdup", v_movshdup, "sse3", 1 },
    { "movsldup", v_movsldup, "sse3", 1 },
    { "pshufb", v_pshufb, "ssse3", 0 },
    { "phaddw", v_phaddw, "ssse3", 0 },
    { "phaddd", v_phaddd, "ssse3", 0 },
    { "phaddsw", v_phaddsw, "ssse3", 0 },
    { "phsubw", v_phsubw, "ssse3", 0 },
    { "phsubd", v_phsubd, "ssse3", 0 },
    { "phsubsw", v_phsubsw, "ssse3", 0 },
    { "pmaddubsw", v_pmaddubsw, "ssse3", 0 },
    { "pmulhrsw", v_pmulhrsw, "ssse3", 0 },
    { "pabsb", v_pabsb, "ssse3", 0 },
    { "pabsw", v_pabsw, "ssse3", 0 },
    { "pabsd", v_pabsd, "ssse3", 0 },
    { "psignb", v_psignb, "ssse3", 0 },
    { "psignw", v_psignw, "ssse3", 0 },
    { "psignd", v_psignd, "ssse3", 0 },
    { "palignr_5", v_palignr_5, "ssse3", 0 },
    { "palignr_20", v_palignr_20, "ssse3", 0 },
    { "pminsb", v_pminsb, "sse41", 0 },
    { "pminsd", v_pminsd, "sse41", 0 },
    { "pminuw", v_pminuw, "sse41", 0 },
    { "pminud", v_pminud, "sse41", 0 },
    { "pmaxsb", v_pmaxsb, "sse41", 0 },
    { "pmaxsd", v_pmaxsd, "sse41", 0 },
    { "pmaxuw", v_pmaxuw, "sse41", 0 },
    { "pmaxud", v_pmaxud, "sse41", 0 },
    { "pmulld", v_pmulld, "sse41", 0 },
    { "pmuldq", v_pmuldq, "sse41", 0 },
    { "pcmpeqq", v_pcmpeqq, "sse41", 0 },
    { "packusdw", v_packusdw, "sse41", 0 },
    { "phminposuw", v_phminposuw, "sse41", 0 },
    { "pmovsxbw", v_pmovsxbw, "sse41", 0 },
    { "pmovsxbd", v_pmovsxbd, "sse41", 0 },
    { "pmovsxbq", v_pmovsxbq, "sse41", 0 },
    { "pmovsxwd", v_pmovsxwd, "sse41", 0 },
    { "pmovsxwq", v_pmovsxwq, "sse41", 0 },
    { "pmovsxdq", v_pmovsxdq, "sse41", 0 },
    { "pmovzxbw", v_pmovzxbw, "sse41", 0 },
    { "pmovzxbd", v_pmovzxbd, "sse41", 0 },
    { "pmovzxbq", v_pmovzxbq, "sse41", 0 },
    { "pmovzxwd", v_pmovzxwd, "sse41", 0 },
    { "pmovzxwq", v_pmovzxwq, "sse41", 0 },
    { "pmovzxdq", v_pmovzxdq, "sse41", 0 },
    { "pblendw_a5", v_pblendw_a5, "sse41", 0 },
    { "blendps_5", v_blendps_5, "sse41", 0 },
    { "blendpd_1", v_blendpd_1, "sse41", 0 },
    { "blendvps", v_blendvps, "sse41", 0 },
    { "blendvpd", v_blendvpd, "sse41", 0 },
    { "pblendvb", v_pblendvb, "sse41", 0 },
    { "ptest", v_ptest, "sse41", 0 },
    { "pextrb_9", v_pextrb_9, "sse41", 0 },
    { "pextrd_2", v_pextrd_2, "sse41", 0 },
    { "pextrq_1", v_pextrq_1, "sse41", 0 },
    { "extractps_3", v_extractps_3, "sse41", 0 },
    { "pinsrb_7", v_pinsrb_7, "sse41", 0 },
    { "pinsrd_1", v_pinsrd_1, "sse41", 0 },
    { "pinsrq_1", v_pinsrq_1, "sse41", 0 },
    { "insertps_4c", v_insertps_4c, "sse41", 1 },
    { "insertps_b2", v_insertps_b2, "sse41", 1 },
    { "roundps_0", v_roundps_0, "sse41", 1 },
    { "roundsd_0", v_roundsd_0, "sse41", 1 },
    { "roundps_1", v_roundps_1, "sse41", 1 },
    { "roundsd_1", v_roundsd_1, "sse41", 1 },
    { "roundps_2", v_roundps_2, "sse41", 1 },
    { "roundsd_2", v_roundsd_2, "sse41", 1 },
    { "roundps_3", v_roundps_3, "sse41", 1 },
    { "roundsd_3", v_roundsd_3, "sse41", 1 },
    { "roundps_4", v_roundps_4, "sse41", 1 },
    { "roundsd_4", v_roundsd_4, "sse41", 1 },
    { "roundps_8", v_roundps_8, "sse41", 1 },
    { "roundsd_8", v_roundsd_8, "sse41", 1 },
    { "roundps_12", v_roundps_12, "sse41", 1 },
    { "roundsd_12", v_roundsd_12, "sse41", 1 },
    { "roundpd_1", v_roundpd_1, "sse41", 1 },
    { "roundss_2", v_roundss_2, "sse41", 1 },
    { "dpps_f1", v_dpps_f1, "sse41", 1 },
    { "dpps_7e", v_dpps_7e, "sse41", 1 },
    { "dppd_31", v_dppd_31, "sse41", 1 },
    { "mpsadbw_5", v_mpsadbw_5, "sse41", 0 },
    { "mpsadbw_2", v_mpsadbw_2, "sse41", 0 },
    { "pcmpgtq", v_pcmpgtq, "sse42", 0 },
    { "pcmpestri_00", v_pcmpestri_00, "sse42", 0 },
    { "pcmpistri_00", v_pcmpistri_00, "sse42", 0 },
    { "pcmpestri_01", v_pcmpestri_01, "sse42", 0 },
    { "pcmpistri_01", v_pcmpistri_01, "sse42", 0 },
    { "pcmpestri_04", v_pcmpestri_04, "sse42", 0 },
    { "pcmpistri_04", v_pcmpistri_04, "sse42", 0 },
    { "pcmpestri_08", v_pcmpestri_08, "sse42", 0 },
    { "pcmpistri_08", v_pcmpistri_08, "sse42", 0 },
    { "pcmpestri_0c", v_pcmpestri_0c, "sse42", 0 },
    { "pcmpistri_0c", v_pcmpistri_0c, "sse42", 0 },
    { "pcmpestri_18", v_pcmpestri_18, "sse42", 0 },
    { "pcmpistri_18", v_pcmpistri_18, "sse42", 0 },
    { "pcmpestri_1a", v_pcmpestri_1a, "sse42", 0 },
    { "pcmpistri_1a", v_pcmpistri_1a, "sse42", 0 },
    { "pcmpestri_44", v_pcmpestri_44, "sse42", 0 },
    { "pcmpistri_44", v_pcmpistri_44, "sse42", 0 },
    { "pcmpestri_3a", v_pcmpestri_3a, "sse42", 0 },
    { "pcmpistri_3a", v_pcmpistri_3a, "sse42", 0 },
    { "pcmpestri_4e", v_pcmpestri_4e, "sse42", 0 },
    { "pcmpistri_4e", v_pcmpistri_4e, "sse42", 0 },
    { "pcmpestri_70", v_pcmpestri_70, "sse42", 0 },
    { "pcmpistri_70", v_pcmpistri_70, "sse42", 0 },
    { "pcmpestri_62", v_pcmpestri_62, "sse42", 0 },
    { "pcmpistri_62", v_pcmpistri_62, "sse42", 0 },
    { "pcmpestrm_00", v_pcmpestrm_00, "sse42", 0 },
    { "pcmpistrm_00", v_pcmpistrm_00, "sse42", 0 },
    { "pcmpestrm_08", v_pcmpestrm_08, "sse42", 0 },
    { "pcmpistrm_08", v_pcmpistrm_08, "sse42", 0 },
    { "pcmpestrm_40", v_pcmpestrm_40, "sse42", 0 },
    { "pcmpistrm_40", v_pcmpistrm_40, "sse42", 0 },
    { "pcmpestrm_44", v_pcmpestrm_44, "sse42", 0 },
    { "pcmpistrm_44", v_pcmpistrm_44, "sse42", 0 },
    { "pcmpestrm_1a", v_pcmpestrm_1a, "sse42", 0 },
    { "pcmpistrm_1a", v_pcmpistrm_1a, "sse42", 0 },
    { "pcmpestrm_62", v_pcmpestrm_62, "sse42", 0 },
    { "pcmpistrm_62", v_pcmpistrm_62, "sse42", 0 },
    { "crc32b", v_crc32b, "sse42", 0 },
    { "crc32w", v_crc32w, "sse42", 0 },
    { "crc32l", v_crc32l, "sse42", 0 },
    { "crc32q", v_crc32q, "sse42", 0 },
    { "pclmul_00", v_pclmul_00, "pclmul", 0 },
    { "pclmul_11", v_pclmul_11, "pclmul", 0 },
    { "pclmul_10", v_pclmul_10, "pclmul", 0 },
    { "paddd_m", v_paddd_m, "sse2", 0 },
    { "movups_m", v_movups_m, "sse", 0 },
    { "movdqu_m", v_movdqu_m, "sse2", 0 },
    { "movhps_m", v_movhps_m, "sse", 0 },
    { "movlpd_m", v_movlpd_m, "sse2", 0 },
    { "movss_m", v_movss_m, "sse", 1 },
    { "movsd_m", v_movsd_m, "sse2", 1 },
    { "addsd_m", v_addsd_m, "sse2", 1 },
    { "lddqu_m", v_lddqu_m, "sse3", 0 },
    { "movntdq_st", v_movntdq_st, "sse2", 0 },
};

/* MMX: mm1 = a.q[0], mm2 = b.q[0]; result mm1. EMMS after. */
#define MMX_OP(name, text)                                                     \
    static uint64_t m_##name(uint64_t a, uint64_t b)                         \
    {                                                                         \
        uint64_t r;                                                           \
        asm volatile("movq %[a], %%mm1; movq %[b], %%mm2; " text              \
                     "; movq %%mm1, %[r]; emms"                               \
                     : [r] "=r"(r)                                            \
                     : [a] "r"(a), [b] "r"(b)                                 \
                     : "mm1", "mm2");                                         \
        return r;                                                             \
    }
#define MR "%%mm2, %%mm1"
MMX_OP(paddb, "paddb " MR)
MMX_OP(paddw, "paddw " MR)
MMX_OP(paddd, "paddd " MR)
MMX_OP(paddq, "paddq " MR)
MMX_OP(psubusb, "psubusb " MR)
MMX_OP(paddsw, "paddsw " MR)
MMX_OP(pmullw, "pmullw " MR)
MMX_OP(pmulhw, "pmulhw " MR)
MMX_OP(pmaddwd, "pmaddwd " MR)
MMX_OP(pcmpgtb, "pcmpgtb " MR)
MMX_OP(pcmpeqw, "pcmpeqw " MR)
MMX_OP(packsswb, "packsswb " MR)
MMX_OP(packuswb, "packuswb " MR)
MMX_OP(punpcklbw, "punpcklbw " MR)
MMX_OP(punpckhdq, "punpckhdq " MR)
MMX_OP(pandn, "pandn " MR)
MMX_OP(pxor, "pxor " MR)
MMX_OP(psllw, "psllw " MR)
MMX_OP(psrlq, "psrlq " MR)
MMX_OP(psrad_i, "psrad $7, %%mm1")
MMX_OP(psllq_i, "psllq $33, %%mm1")
MMX_OP(pavgb, "pavgb " MR)
MMX_OP(pminub, "pminub " MR)
MMX_OP(pmaxsw, "pmaxsw " MR)
MMX_OP(psadbw, "psadbw " MR)
MMX_OP(pmulhuw, "pmulhuw " MR)
MMX_OP(pshufw, "pshufw $0x1b, " MR)
MMX_OP(pmuludq, "pmuludq " MR)
MMX_OP(pshufb, "pshufb " MR)
MMX_OP(phaddw, "phaddw " MR)
MMX_OP(pabsb, "pabsb " MR)
MMX_OP(palignr, "palignr $3, " MR)
static const struct {
    const char *name;
    uint64_t (*fn)(uint64_t, uint64_t);
    const char *feature;
} mmx_tests[] = {
    { "mmx paddb", m_paddb, "mmx" },     { "mmx paddw", m_paddw, "mmx" },
    { "mmx paddd", m_paddd, "mmx" },     { "mmx paddq", m_paddq, "sse2" },
    { "mmx psubusb", m_psubusb, "mmx" }, { "mmx paddsw", m_paddsw, "mmx" },
    { "mmx pmullw", m_pmullw, "mmx" },   { "mmx pmulhw", m_pmulhw, "mmx" },
    { "mmx pmaddwd", m_pmaddwd, "mmx" }, { "mmx pcmpgtb", m_pcmpgtb, "mmx" },
    { "mmx pcmpeqw", m_pcmpeqw, "mmx" }, { "mmx packsswb", m_packsswb, "mmx" },
    { "mmx packuswb", m_packuswb, "mmx" }, { "mmx punpcklbw", m_punpcklbw, "mmx" },
    { "mmx punpckhdq", m_punpckhdq, "mmx" }, { "mmx pandn", m_pandn, "mmx" },
    { "mmx pxor", m_pxor, "mmx" },       { "mmx psllw", m_psllw, "mmx" },
    { "mmx psrlq", m_psrlq, "mmx" },     { "mmx psrad $7", m_psrad_i, "mmx" },
    { "mmx psllq $33", m_psllq_i, "mmx" }, { "mmx pavgb", m_pavgb, "sse" },
    { "mmx pminub", m_pminub, "sse" },   { "mmx pmaxsw", m_pmaxsw, "sse" },
    { "mmx psadbw", m_psadbw, "sse" },   { "mmx pmulhuw", m_pmulhuw, "sse" },
    { "mmx pshufw", m_pshufw, "sse" },   { "mmx pmuludq", m_pmuludq, "sse2" },
    { "mmx pshufb", m_pshufb, "ssse3" }, { "mmx phaddw", m_phaddw, "ssse3" },
    { "mmx pabsb", m_pabsb, "ssse3" },   { "mmx palignr", m_palignr, "ssse3" },
};

static V128 vecs[16];
static size_t nvecs;

static void add_vec(uint64_t lo, uint64_t hi)
{
    vecs[nvecs].q[0] = lo;
    vecs[nvecs].q[1] = hi;
    nvecs++;
}
static uint64_t f2(float lo, float hi)
{
    uint32_t a, b;
    memcpy(&a, &lo, 4);
    memcpy(&b, &hi, 4);
    return a | (uint64_t)b << 32;
}
static uint64_t d1(double d)
{
    uint64_t q;
    memcpy(&q, &d, 8);
    return q;
}

static void init_vecs(void)
{
    uint64_t s = 42;
    add_vec(0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull);
    add_vec(0x807fff0001fe8001ull, 0x7fff80000000ffffull);
    add_vec(tcg_rand(&s), tcg_rand(&s));
    add_vec(tcg_rand(&s), tcg_rand(&s));
    add_vec(f2(1.0f, -2.5f), f2(3.0e38f, 1e-40f));
    add_vec(0xff800000ffc00001ull, f2(0.5f, -0.0f)); /* qNaN payload, -inf */
    add_vec(d1(1.0), d1(-3.0));
    add_vec(0x7ff4000000000001ull, d1(1e-310)); /* sNaN, denormal */
    add_vec(d1(1e308), d1(-0.1));
    add_vec(f2(2.0f, 7.5f), f2(-1.5f, 0.0f));
    add_vec(0x8000800080007fffull, 0xffff0001fffe7ffeull);
    add_vec(0, 0);
    add_vec(0x6f57202c6f6c6c65ull, 0x0021646c72ull); /* "ello, World!" */
    add_vec(0x6f6c6c6548ull, 0x6c6c6548ull);         /* "Hello", "Hell" */
    add_vec(d1(2.5), d1(-1e-300));
}

/* XMM1, then only what changed: XMM0, RAX, RCX, RDX; flags and MXCSR. */
static void print_line(const char *name, uint32_t mx, size_t i, size_t j, const V128 *r,
                       const V128 *c, const uint64_t *in, const uint64_t *regs, uint32_t mxo)
{
    static const char *const rn[3] = { "rax", "rcx", "rdx" };

    printf("%s mx=%04x a=%zu b=%zu ", name, mx, i, j);
    print_xmm("x1", &r[0]);
    if (memcmp(&r[1], c, 16) != 0) {
        printf(" ");
        print_xmm("x0", &r[1]);
    }
    for (int k = 0; k < 3; k++) {
        if (regs[k] != in[k]) {
            printf(" %s=%016" PRIx64, rn[k], regs[k]);
        }
    }
    printf(" f=%03" PRIx64 " mxcsr=%04x\n", regs[3] & F_ARITH, mxo);
}

/* RCPPS/RSQRTPS: |relative error| <= 1.5 * 2^-12 on normal inputs. */
static void test_approx(void)
{
    static const float in[] = { 1.0f, 3.0f, 0.1f, 1234.5f, 7e-30f, 2.0e30f, 0.7f, 100.0f };
    for (size_t k = 0; k < sizeof(in) / sizeof(in[0]); k += 4) {
        float x[4], rc[4], rs[4];
        memcpy(x, &in[k], sizeof(x));
        asm("movups %2, %%xmm3; rcpps %%xmm3, %%xmm4; movups %%xmm4, %0;"
            "rsqrtps %%xmm3, %%xmm4; movups %%xmm4, %1"
            : "=m"(rc), "=m"(rs)
            : "m"(x)
            : "xmm3", "xmm4");
        for (int l = 0; l < 4; l++) {
            double e1 = rc[l] * (double)x[l] - 1.0;
            double e2 = rs[l] * sqrt((double)x[l]) - 1.0;
            printf("rcpps/rsqrtps %g: within bound %d %d\n", (double)x[l],
                   e1 < 0.0003662 && e1 > -0.0003662, e2 < 0.0003662 && e2 > -0.0003662);
        }
    }
    float sp[4] = { 0.0f, -0.0f, 1.0f / 0.0f, 0 }, r[4];
    asm("movups %1, %%xmm3; rcpps %%xmm3, %%xmm4; movups %%xmm4, %0" : "=m"(r) : "m"(sp) : "xmm3", "xmm4");
    printf("rcpps 0 -0 inf: %08x %08x %08x\n", *(uint32_t *)&r[0], *(uint32_t *)&r[1],
           *(uint32_t *)&r[2]);
}

int main(void)
{
    static const int64_t lens_a[] = { 16, 5, 0, -3, 20, 8, 12 };
    static const int64_t lens_d[] = { 16, 3, 9, -20, 1, 12 };
    uint32_t mxcsrs[3] = { 0x1f80, 0x7f80, 0x9fc0 };
    int nmx = have_feature("daz") ? 3 : 2;
    V128 r[4];

    init_vecs();
    printf("daz: %s\n", nmx == 3 ? "used" : "skipped-feature daz");
    for (size_t t = 0; t < sizeof(sse_tests) / sizeof(sse_tests[0]); t++) {
        const SseTest *st = &sse_tests[t];
        if (!have_feature(st->feature)) {
            printf("%s: skipped-feature %s\n", st->name, st->feature);
            continue;
        }
        for (int m = 0; m < (st->is_float ? nmx : 1); m++) {
            for (size_t i = 0; i < nvecs; i++) {
                for (size_t j = 0; j < nvecs; j++) {
                    uint64_t regs[4], in[3];
                    uint32_t mx[2] = { mxcsrs[m], 0 };
                    const V128 *c = &vecs[(i * 7 + j) % nvecs];
                    regs[0] = (uint64_t)lens_a[i % 7] ^ (vecs[j].q[1] & 0xffffffff00000000ull);
                    regs[1] = 0x5555555555555555ull;
                    regs[2] = (uint64_t)lens_d[j % 6] ^ (vecs[i].q[0] & 0xffffffff00000000ull);
                    r[2] = vecs[(i + j) % nvecs];
                    memcpy(in, regs, sizeof(in));
                    st->fn(&vecs[i], &vecs[j], c, r, regs, mx);
                    print_line(st->name, mx[0], i, j, r, c, in, regs, mx[1]);
                }
            }
        }
    }
    for (size_t t = 0; t < sizeof(mmx_tests) / sizeof(mmx_tests[0]); t++) {
        if (!gate(mmx_tests[t].name, mmx_tests[t].feature)) {
            continue;
        }
        for (size_t i = 0; i < nvecs; i++) {
            for (size_t j = 0; j < nvecs; j++) {
                for (int h = 0; h < 2; h++) {
                    uint64_t a = vecs[i].q[h], b = vecs[j].q[h ^ 1];
                    printf("%s %016" PRIx64 " %016" PRIx64 " -> %016" PRIx64 "\n",
                           mmx_tests[t].name, a, b, mmx_tests[t].fn(a, b));
                }
            }
        }
    }
    test_approx();
    return 0;
}
