/*
 * MMX, SSE, SSE2, SSE3, SSSE3, SSE4.1 and SSE4.2 translation.
 *
 * The decoder (decode.c) sends every MMX/SSE opcode of the 0F, 0F38 and
 * 0F3A maps here with its mandatory prefix (none/66/F3/F2) resolved.
 * Regular two-operand ops (dst = reg, src = rm or memory) come from three
 * tables indexed by [opcode][prefix]; moves, conversions involving
 * general registers, inserts/extracts, shift groups and flag-setting ops
 * are special-cased in a switch first.
 *
 * Memory operands are loaded by generated code (so faults are precise)
 * into env->xmm_t0 and the helper gets a pointer to it. Moves and bitwise
 * logic are inline IR (two 64-bit halves); arithmetic calls sse_helper.c.
 * Legacy-SSE 16-byte memory operands must be aligned (#GP(0)) except for
 * the unaligned moves, LDDQU and the SSE4.2 string compares.
 *
 * MMX registers are the physical x87 registers fpregs[i] (low 64 bits);
 * every MMX insn but EMMS makes the FPU tag word all-valid with TOP = 0,
 * and writing an MMX register sets its exponent field to all ones.
 */
#include <stddef.h>

#include "sse_helper.h"
#include "translate.h"

/* memory operand sizes (SSEEntry.ms); 0, the default, is aligned m128 */
enum { MS_A16, MS_U16, MS_8, MS_4, MS_2 };

enum { SK_NONE, SK_XMM, SK_MMX };

typedef struct SSEEntry {
    uint8_t kind;
    uint8_t ms;
    bool fp;  /* may raise #XM */
    bool imm; /* takes imm8 */
    void *fn;
} SSEEntry;

#define X_(n) { .kind = SK_XMM, .fn = (void *)helper_##n##_xmm }
#define XU(n, m) { .kind = SK_XMM, .ms = m, .fn = (void *)helper_##n##_xmm }
#define XI(n) { .kind = SK_XMM, .imm = true, .fn = (void *)helper_##n##_xmm }
#define XF(n, m) { .kind = SK_XMM, .ms = m, .fp = true, .fn = (void *)helper_##n##_xmm }
#define XFI(n, m) { .kind = SK_XMM, .ms = m, .fp = true, .imm = true, .fn = (void *)helper_##n##_xmm }
#define M_(n) { .kind = SK_MMX, .ms = MS_8, .fn = (void *)helper_##n##_mmx }
#define MI(n) { .kind = SK_MMX, .ms = MS_8, .imm = true, .fn = (void *)helper_##n##_mmx }
/* MMX without prefix, XMM with 66 */
#define MX(n) { [0] = M_(n), [1] = X_(n) }
/* the four FP forms: ps, pd, ss, sd */
#define FP4(n) { [0] = XF(n##ps, MS_A16), [1] = XF(n##pd, MS_A16), \
                 [2] = XF(n##ss, MS_4), [3] = XF(n##sd, MS_8) }

static const SSEEntry sse_0f[256][4] = {
    [0x12] = { [2] = X_(movsldup), [3] = XU(movddup, MS_8) },
    [0x14] = { [0] = X_(unpcklps), [1] = X_(unpcklpd) },
    [0x15] = { [0] = X_(unpckhps), [1] = X_(unpckhpd) },
    [0x16] = { [2] = X_(movshdup) },
    [0x51] = FP4(sqrt),
    [0x52] = { [0] = XF(rsqrtps, MS_A16), [2] = XF(rsqrtss, MS_4) },
    [0x53] = { [0] = XF(rcpps, MS_A16), [2] = XF(rcpss, MS_4) },
    [0x58] = FP4(add),
    [0x59] = FP4(mul),
    [0x5a] = { [0] = XF(cvtps2pd, MS_8), [1] = XF(cvtpd2ps, MS_A16),
               [2] = XF(cvtss2sd, MS_4), [3] = XF(cvtsd2ss, MS_8) },
    [0x5b] = { [0] = XF(cvtdq2ps, MS_A16), [1] = XF(cvtps2dq, MS_A16),
               [2] = XF(cvttps2dq, MS_A16) },
    [0x5c] = FP4(sub),
    [0x5d] = FP4(min),
    [0x5e] = FP4(div),
    [0x5f] = FP4(max),
    [0x60] = MX(punpcklbw), [0x61] = MX(punpcklwd), [0x62] = MX(punpckldq),
    [0x63] = MX(packsswb), [0x64] = MX(pcmpgtb), [0x65] = MX(pcmpgtw),
    [0x66] = MX(pcmpgtd), [0x67] = MX(packuswb), [0x68] = MX(punpckhbw),
    [0x69] = MX(punpckhwd), [0x6a] = MX(punpckhdq), [0x6b] = MX(packssdw),
    [0x6c] = { [1] = X_(punpcklqdq) }, [0x6d] = { [1] = X_(punpckhqdq) },
    [0x70] = { [0] = MI(pshufw), [1] = XI(pshufd), [2] = XI(pshufhw), [3] = XI(pshuflw) },
    [0x74] = MX(pcmpeqb), [0x75] = MX(pcmpeqw), [0x76] = MX(pcmpeqd),
    [0x7c] = { [1] = XF(haddpd, MS_A16), [3] = XF(haddps, MS_A16) },
    [0x7d] = { [1] = XF(hsubpd, MS_A16), [3] = XF(hsubps, MS_A16) },
    [0xc2] = { [0] = XFI(cmpps, MS_A16), [1] = XFI(cmppd, MS_A16),
               [2] = XFI(cmpss, MS_4), [3] = XFI(cmpsd, MS_8) },
    [0xc6] = { [0] = XI(shufps), [1] = XI(shufpd) },
    [0xd0] = { [1] = XF(addsubpd, MS_A16), [3] = XF(addsubps, MS_A16) },
    [0xd1] = MX(psrlw), [0xd2] = MX(psrld), [0xd3] = MX(psrlq),
    [0xd4] = MX(paddq), [0xd5] = MX(pmullw),
    [0xd8] = MX(psubusb), [0xd9] = MX(psubusw), [0xda] = MX(pminub),
    [0xdc] = MX(paddusb), [0xdd] = MX(paddusw), [0xde] = MX(pmaxub),
    [0xe0] = MX(pavgb), [0xe1] = MX(psraw), [0xe2] = MX(psrad), [0xe3] = MX(pavgw),
    [0xe4] = MX(pmulhuw), [0xe5] = MX(pmulhw),
    [0xe6] = { [1] = XF(cvttpd2dq, MS_A16), [2] = XF(cvtdq2pd, MS_8),
               [3] = XF(cvtpd2dq, MS_A16) },
    [0xe8] = MX(psubsb), [0xe9] = MX(psubsw), [0xea] = MX(pminsw),
    [0xec] = MX(paddsb), [0xed] = MX(paddsw), [0xee] = MX(pmaxsw),
    [0xf1] = MX(psllw), [0xf2] = MX(pslld), [0xf3] = MX(psllq),
    [0xf4] = MX(pmuludq), [0xf5] = MX(pmaddwd), [0xf6] = MX(psadbw),
    [0xf8] = MX(psubb), [0xf9] = MX(psubw), [0xfa] = MX(psubd), [0xfb] = MX(psubq),
    [0xfc] = MX(paddb), [0xfd] = MX(paddw), [0xfe] = MX(paddd),
};

static const SSEEntry sse_0f38[256][4] = {
    [0x00] = MX(pshufb), [0x01] = MX(phaddw), [0x02] = MX(phaddd),
    [0x03] = MX(phaddsw), [0x04] = MX(pmaddubsw), [0x05] = MX(phsubw),
    [0x06] = MX(phsubd), [0x07] = MX(phsubsw), [0x08] = MX(psignb),
    [0x09] = MX(psignw), [0x0a] = MX(psignd), [0x0b] = MX(pmulhrsw),
    [0x10] = { [1] = X_(pblendvb) }, [0x14] = { [1] = X_(blendvps) },
    [0x15] = { [1] = X_(blendvpd) },
    [0x1c] = MX(pabsb), [0x1d] = MX(pabsw), [0x1e] = MX(pabsd),
    [0x20] = { [1] = XU(pmovsxbw, MS_8) }, [0x21] = { [1] = XU(pmovsxbd, MS_4) },
    [0x22] = { [1] = XU(pmovsxbq, MS_2) }, [0x23] = { [1] = XU(pmovsxwd, MS_8) },
    [0x24] = { [1] = XU(pmovsxwq, MS_4) }, [0x25] = { [1] = XU(pmovsxdq, MS_8) },
    [0x28] = { [1] = X_(pmuldq) }, [0x29] = { [1] = X_(pcmpeqq) },
    [0x2b] = { [1] = X_(packusdw) },
    [0x30] = { [1] = XU(pmovzxbw, MS_8) }, [0x31] = { [1] = XU(pmovzxbd, MS_4) },
    [0x32] = { [1] = XU(pmovzxbq, MS_2) }, [0x33] = { [1] = XU(pmovzxwd, MS_8) },
    [0x34] = { [1] = XU(pmovzxwq, MS_4) }, [0x35] = { [1] = XU(pmovzxdq, MS_8) },
    [0x37] = { [1] = X_(pcmpgtq) },
    [0x38] = { [1] = X_(pminsb) }, [0x39] = { [1] = X_(pminsd) },
    [0x3a] = { [1] = X_(pminuw) }, [0x3b] = { [1] = X_(pminud) },
    [0x3c] = { [1] = X_(pmaxsb) }, [0x3d] = { [1] = X_(pmaxsd) },
    [0x3e] = { [1] = X_(pmaxuw) }, [0x3f] = { [1] = X_(pmaxud) },
    [0x40] = { [1] = X_(pmulld) }, [0x41] = { [1] = X_(phminposuw) },
};

static const SSEEntry sse_0f3a[256][4] = {
    [0x08] = { [1] = XFI(roundps, MS_A16) }, [0x09] = { [1] = XFI(roundpd, MS_A16) },
    [0x0a] = { [1] = XFI(roundss, MS_4) }, [0x0b] = { [1] = XFI(roundsd, MS_8) },
    [0x0c] = { [1] = XI(blendps) }, [0x0d] = { [1] = XI(blendpd) },
    [0x0e] = { [1] = XI(pblendw) },
    [0x0f] = { [0] = MI(palignr), [1] = XI(palignr) },
    [0x40] = { [1] = XFI(dpps, MS_A16) }, [0x41] = { [1] = XFI(dppd, MS_A16) },
    [0x42] = { [1] = XI(mpsadbw) },
    [0x44] = { [1] = XI(pclmulqdq) },
};

/* ---- operands ---- */

#define SSE_MAYBE_UNUSED __attribute__((unused))

#define XMM_OFS(r) ((intptr_t)offsetof(CPUX86State, xmm_regs[(r)]))
#define MMX_OFS(r) ((intptr_t)offsetof(CPUX86State, fpregs[(r)].mmx))
#define T0_OFS ((intptr_t)offsetof(CPUX86State, xmm_t0))

static inline TCGv_ptr cpu_env_ptr(void) { return tcg_ctx->env; }

static int pfx_index(X86DecodedInsn *d)
{
    switch (d->mandatory) {
    case 0x66: return 1;
    case 0xf3: return 2;
    case 0xf2: return 3;
    default: return 0;
    }
}

static int mmx_reg(X86DecodedInsn *d) { return (d->modrm >> 3) & 7; }
static int mmx_rm(X86DecodedInsn *d) { return d->modrm & 7; }

static TCGv_ptr env_ptr(intptr_t ofs)
{
    TCGv_ptr p = tcg_temp_new_ptr();

    tcg_gen_addi_ptr(p, cpu_env_ptr(), ofs);
    return p;
}

/* Every MMX insn but EMMS: TOP = 0 and all tags valid (fptags: 1 = empty). */
static void gen_enter_mmx(DisasContext *s)
{
    tcg_gen_st_i32(tcg_constant_i32(0), cpu_env_ptr(), offsetof(CPUX86State, fpstt));
    tcg_gen_st_i64(tcg_constant_i64(0), cpu_env_ptr(), offsetof(CPUX86State, fptags));
}

/* Writing an MMX register sets bits 79:64 of the x87 register. */
static void gen_mmx_written(int r)
{
    tcg_gen_st16_i32(tcg_constant_i32(0xffff), cpu_env_ptr(),
                     offsetof(CPUX86State, fpregs[r].raw.high));
}

/*
 * 16 bytes at s->A0 into lo/hi. An aligned operand (#GP(0) unless A0 is a
 * multiple of 16) checks it on the first 8-byte access with MO_ALIGN_16:
 * the backend tests the address inline and faults out of line, so the
 * check neither ends a basic block nor needs cc_op synced beforehand (a
 * fault restores it from the insn_start data).
 */
static void gen_ld128(DisasContext *s, TCGv_i64 lo, TCGv_i64 hi, bool align)
{
    TCGv_i64 a = tcg_temp_new_i64();

    tcg_gen_addi_i64(a, s->A0, 8);
    tcg_gen_qemu_ld_i64(lo, s->A0, s->mem_index, MO_UQ | (align ? MO_ALIGN_16 : 0));
    tcg_gen_qemu_ld_i64(hi, a, s->mem_index, MO_UQ);
    tcg_temp_free_i64(a);
}

static void gen_st128(DisasContext *s, TCGv_i64 lo, TCGv_i64 hi, bool align)
{
    TCGv_i64 a = tcg_temp_new_i64();

    tcg_gen_addi_i64(a, s->A0, 8);
    tcg_gen_qemu_st_i64(lo, s->A0, s->mem_index, MO_UQ | (align ? MO_ALIGN_16 : 0));
    tcg_gen_qemu_st_i64(hi, a, s->mem_index, MO_UQ);
    tcg_temp_free_i64(a);
}

/* Load the memory operand (address already in s->A0) into env at ofs.
 * Partial sizes fill only the low bytes. */
static void gen_ld_env(DisasContext *s, intptr_t ofs, int ms)
{
    TCGv_i64 lo = tcg_temp_new_i64(), hi;

    switch (ms) {
    case MS_A16:
    case MS_U16:
        hi = tcg_temp_new_i64();
        gen_ld128(s, lo, hi, ms == MS_A16);
        tcg_gen_st_i64(lo, cpu_env_ptr(), ofs);
        tcg_gen_st_i64(hi, cpu_env_ptr(), ofs + 8);
        tcg_temp_free_i64(hi);
        break;
    case MS_8:
        tcg_gen_qemu_ld_i64(lo, s->A0, s->mem_index, MO_UQ);
        tcg_gen_st_i64(lo, cpu_env_ptr(), ofs);
        break;
    case MS_4:
        tcg_gen_qemu_ld_i64(lo, s->A0, s->mem_index, MO_UL);
        tcg_gen_st32_i64(lo, cpu_env_ptr(), ofs);
        break;
    default:
        tcg_gen_qemu_ld_i64(lo, s->A0, s->mem_index, MO_UW);
        tcg_gen_st16_i64(lo, cpu_env_ptr(), ofs);
        break;
    }
    tcg_temp_free_i64(lo);
}

/* The XMM source operand: register rm, or memory loaded into xmm_t0. */
static intptr_t gen_src_xmm(DisasContext *s, X86DecodedInsn *d, int ms)
{
    if (d->mod == 3) {
        return XMM_OFS(d->rm);
    }
    gen_lea_modrm(s, d);
    gen_ld_env(s, T0_OFS, ms);
    return T0_OFS;
}

/* The MMX source operand: register, or m64 loaded into xmm_t0. */
static intptr_t gen_src_mmx(DisasContext *s, X86DecodedInsn *d)
{
    if (d->mod == 3) {
        return MMX_OFS(mmx_rm(d));
    }
    gen_lea_modrm(s, d);
    gen_ld_env(s, T0_OFS, MS_8);
    return T0_OFS;
}

static void gen_copy64(intptr_t dst, intptr_t src)
{
    TCGv_i64 t = tcg_temp_new_i64();

    tcg_gen_ld_i64(t, cpu_env_ptr(), src);
    tcg_gen_st_i64(t, cpu_env_ptr(), dst);
    tcg_temp_free_i64(t);
}

static void gen_zero64(intptr_t dst)
{
    tcg_gen_st_i64(tcg_constant_i64(0), cpu_env_ptr(), dst);
}

static void gen_copy128(intptr_t dst, intptr_t src)
{
    if (dst != src) {
        gen_copy64(dst, src);
        gen_copy64(dst + 8, src + 8);
    }
}

/* dst = rm-or-memory (xmm, 16 bytes) */
static void gen_movdqa_load(DisasContext *s, X86DecodedInsn *d, bool align)
{
    if (d->mod == 3) {
        gen_copy128(XMM_OFS(d->reg), XMM_OFS(d->rm));
    } else {
        TCGv_i64 lo = tcg_temp_new_i64(), hi = tcg_temp_new_i64();

        gen_lea_modrm(s, d);
        gen_ld128(s, lo, hi, align);
        tcg_gen_st_i64(lo, cpu_env_ptr(), XMM_OFS(d->reg));
        tcg_gen_st_i64(hi, cpu_env_ptr(), XMM_OFS(d->reg) + 8);
        tcg_temp_free_i64(lo);
        tcg_temp_free_i64(hi);
    }
}

/* rm-or-memory = reg (xmm, 16 bytes) */
static void gen_movdqa_store(DisasContext *s, X86DecodedInsn *d, bool align)
{
    if (d->mod == 3) {
        gen_copy128(XMM_OFS(d->rm), XMM_OFS(d->reg));
    } else {
        TCGv_i64 lo = tcg_temp_new_i64(), hi = tcg_temp_new_i64();

        gen_lea_modrm(s, d);
        tcg_gen_ld_i64(lo, cpu_env_ptr(), XMM_OFS(d->reg));
        tcg_gen_ld_i64(hi, cpu_env_ptr(), XMM_OFS(d->reg) + 8);
        gen_st128(s, lo, hi, align);
        tcg_temp_free_i64(lo);
        tcg_temp_free_i64(hi);
    }
}

/* Store 8 or 4 bytes of env at ofs to the memory operand. */
static void gen_st_env(DisasContext *s, X86DecodedInsn *d, intptr_t ofs, MemOp ot)
{
    TCGv_i64 t = tcg_temp_new_i64();

    gen_lea_modrm(s, d);
    if (ot == MO_64) {
        tcg_gen_ld_i64(t, cpu_env_ptr(), ofs);
    } else {
        tcg_gen_ld32u_i64(t, cpu_env_ptr(), ofs);
    }
    tcg_gen_qemu_st_i64(t, s->A0, s->mem_index, ot);
    tcg_temp_free_i64(t);
}

/* ---- helper calls ---- */

static void gen_call_op(DisasContext *s, const SSEEntry *e, X86DecodedInsn *d, intptr_t dofs,
                        intptr_t sofs, uint32_t imm)
{
    TCGv_ptr pd = env_ptr(dofs), ps = env_ptr(sofs);
    unsigned flags = e->fp ? TCG_CALL_NO_WG : TCG_CALL_NO_RWG;

    if (e->fp) {
        gen_update_cc_op(s);
    }
    if (e->imm) {
        tcg_gen_call(e->fn, flags, NULL, tcgvp(cpu_env_ptr()), tcgvp(pd), tcgvp(ps),
                     tcgv32(tcg_constant_i32(imm)));
    } else {
        tcg_gen_call(e->fn, flags, NULL, tcgvp(cpu_env_ptr()), tcgvp(pd), tcgvp(ps));
    }
    tcg_temp_free_ptr(pd);
    tcg_temp_free_ptr(ps);
}

/* helper(env, d, s) for an integer op with explicit operands */
static void gen_int_call(void *fn, intptr_t dofs, intptr_t sofs)
{
    TCGv_ptr pd = env_ptr(dofs), ps = env_ptr(sofs);

    tcg_gen_call(fn, TCG_CALL_NO_RWG, NULL, tcgvp(cpu_env_ptr()), tcgvp(pd), tcgvp(ps));
    tcg_temp_free_ptr(pd);
    tcg_temp_free_ptr(ps);
}

static bool gen_table_op(DisasContext *s, X86DecodedInsn *d, const SSEEntry *e)
{
    intptr_t sofs;
    uint32_t imm = (uint32_t)d->imm & 0xff;

    if (e->kind == SK_MMX) {
        gen_enter_mmx(s);
        sofs = gen_src_mmx(s, d);
        gen_call_op(s, e, d, MMX_OFS(mmx_reg(d)), sofs, imm);
        gen_mmx_written(mmx_reg(d));
    } else {
        sofs = gen_src_xmm(s, d, e->ms);
        gen_call_op(s, e, d, XMM_OFS(d->reg), sofs, imm);
    }
    return true;
}

static bool gen_table(DisasContext *s, X86DecodedInsn *d, int p, const SSEEntry (*t)[4])
{
    const SSEEntry *e = &t[d->b][p];

    if (e->kind == SK_NONE) {
        return false;
    }
    return gen_table_op(s, d, e);
}

/* ---- inline bitwise logic: PAND/PANDN/POR/PXOR and the PS/PD forms ---- */

enum { LOGIC_AND, LOGIC_ANDN, LOGIC_OR, LOGIC_XOR };

static void gen_logic_half(int op, intptr_t dofs, intptr_t sofs)
{
    TCGv_i64 a = tcg_temp_new_i64(), b = tcg_temp_new_i64();

    tcg_gen_ld_i64(a, cpu_env_ptr(), dofs);
    tcg_gen_ld_i64(b, cpu_env_ptr(), sofs);
    switch (op) {
    case LOGIC_AND: tcg_gen_and_i64(a, a, b); break;
    case LOGIC_ANDN: tcg_gen_andc_i64(a, b, a); break;
    case LOGIC_OR: tcg_gen_or_i64(a, a, b); break;
    default: tcg_gen_xor_i64(a, a, b); break;
    }
    tcg_gen_st_i64(a, cpu_env_ptr(), dofs);
    tcg_temp_free_i64(a);
    tcg_temp_free_i64(b);
}

static bool gen_logic(DisasContext *s, X86DecodedInsn *d, int op, bool mmx)
{
    intptr_t dofs, sofs;

    if (mmx) {
        gen_enter_mmx(s);
        dofs = MMX_OFS(mmx_reg(d));
        if (op == LOGIC_XOR && d->mod == 3 && mmx_rm(d) == mmx_reg(d)) {
            gen_zero64(dofs);
        } else {
            sofs = gen_src_mmx(s, d);
            gen_logic_half(op, dofs, sofs);
        }
        gen_mmx_written(mmx_reg(d));
        return true;
    }
    dofs = XMM_OFS(d->reg);
    /* xor/andn of a register with itself is the zeroing idiom */
    if ((op == LOGIC_XOR || op == LOGIC_ANDN) && d->mod == 3 && d->rm == d->reg) {
        gen_zero64(dofs);
        gen_zero64(dofs + 8);
        return true;
    }
    sofs = gen_src_xmm(s, d, MS_A16);
    gen_logic_half(op, dofs, sofs);
    gen_logic_half(op, dofs + 8, sofs + 8);
    return true;
}

/*
 * PCMPEQB and PMOVMSKB inline: glibc's string functions run them in their
 * inner loops. Per 64-bit half, with x = a ^ b: a byte of x is zero iff
 * bit 7 of ~(((x & 0x7f..) + 0x7f..) | x) is set (no carry crosses a
 * byte), and (m >> 7) * 0xff widens those bits to 0xff bytes.
 */
static void gen_pcmpeqb_half(intptr_t dofs, intptr_t sofs)
{
    TCGv_i64 x = tcg_temp_new_i64(), t = tcg_temp_new_i64();

    tcg_gen_ld_i64(x, cpu_env_ptr(), dofs);
    tcg_gen_ld_i64(t, cpu_env_ptr(), sofs);
    tcg_gen_xor_i64(x, x, t);
    tcg_gen_andi_i64(t, x, 0x7f7f7f7f7f7f7f7fLL);
    tcg_gen_addi_i64(t, t, 0x7f7f7f7f7f7f7f7fLL);
    tcg_gen_or_i64(t, t, x);
    tcg_gen_not_i64(t, t);
    tcg_gen_andi_i64(t, t, (int64_t)0x8080808080808080ULL);
    tcg_gen_shri_i64(t, t, 7);
    tcg_gen_muli_i64(t, t, 0xff);
    tcg_gen_st_i64(t, cpu_env_ptr(), dofs);
    tcg_temp_free_i64(x);
    tcg_temp_free_i64(t);
}

static bool gen_pcmpeqb(DisasContext *s, X86DecodedInsn *d, bool mmx)
{
    intptr_t sofs;

    if (mmx) {
        gen_enter_mmx(s);
        sofs = gen_src_mmx(s, d);
        gen_pcmpeqb_half(MMX_OFS(mmx_reg(d)), sofs);
        gen_mmx_written(mmx_reg(d));
        return true;
    }
    sofs = gen_src_xmm(s, d, MS_A16);
    gen_pcmpeqb_half(XMM_OFS(d->reg), sofs);
    gen_pcmpeqb_half(XMM_OFS(d->reg) + 8, sofs + 8);
    return true;
}

/*
 * PMINUB/PMAXUB inline (strlen/strcmp loops). Per byte, r = (a | 0x80) -
 * (b & 0x7f) never borrows and its bit 7 says low7(a) >= low7(b); with the
 * top bits, a >= b = (a7 & ~b7) | (~(a7 ^ b7) & r7).
 */
static void gen_pminmaxub_half(intptr_t dofs, intptr_t sofs, bool max)
{
    TCGv_i64 a = tcg_temp_new_i64(), b = tcg_temp_new_i64();
    TCGv_i64 r = tcg_temp_new_i64(), t = tcg_temp_new_i64();
    const int64_t hi = (int64_t)0x8080808080808080ULL;

    tcg_gen_ld_i64(a, cpu_env_ptr(), dofs);
    tcg_gen_ld_i64(b, cpu_env_ptr(), sofs);
    tcg_gen_ori_i64(r, a, hi);
    tcg_gen_andi_i64(t, b, ~hi);
    tcg_gen_sub_i64(r, r, t);        /* r7 */
    tcg_gen_eqv_i64(t, a, b);        /* ~(a ^ b) */
    tcg_gen_and_i64(r, r, t);
    tcg_gen_andc_i64(t, a, b);       /* a7 & ~b7 */
    tcg_gen_or_i64(r, r, t);
    tcg_gen_andi_i64(r, r, hi);
    tcg_gen_shri_i64(r, r, 7);
    tcg_gen_muli_i64(r, r, 0xff);    /* 0xff where a >= b */
    if (max) {
        tcg_gen_and_i64(t, a, r);
        tcg_gen_andc_i64(b, b, r);
    } else {
        tcg_gen_and_i64(t, b, r);
        tcg_gen_andc_i64(b, a, r);
    }
    tcg_gen_or_i64(t, t, b);
    tcg_gen_st_i64(t, cpu_env_ptr(), dofs);
    tcg_temp_free_i64(a);
    tcg_temp_free_i64(b);
    tcg_temp_free_i64(r);
    tcg_temp_free_i64(t);
}

static bool gen_pminmaxub(DisasContext *s, X86DecodedInsn *d, bool mmx, bool max)
{
    intptr_t sofs;

    if (mmx) {
        gen_enter_mmx(s);
        sofs = gen_src_mmx(s, d);
        gen_pminmaxub_half(MMX_OFS(mmx_reg(d)), sofs, max);
        gen_mmx_written(mmx_reg(d));
        return true;
    }
    sofs = gen_src_xmm(s, d, MS_A16);
    gen_pminmaxub_half(XMM_OFS(d->reg), sofs, max);
    gen_pminmaxub_half(XMM_OFS(d->reg) + 8, sofs + 8, max);
    return true;
}

/* bit 7 of each byte of the 64 bits at ofs, gathered into the low 8 bits
 * of t by one multiply (each bit lands in its own place of the top byte) */
static void gen_movmskb_half(TCGv_i64 t, intptr_t ofs)
{
    tcg_gen_ld_i64(t, cpu_env_ptr(), ofs);
    tcg_gen_andi_i64(t, t, (int64_t)0x8080808080808080ULL);
    tcg_gen_muli_i64(t, t, 0x0002040810204081LL);
    tcg_gen_shri_i64(t, t, 56);
}

static bool gen_pmovmskb(DisasContext *s, X86DecodedInsn *d, bool mmx)
{
    if (mmx) {
        gen_enter_mmx(s);
        gen_movmskb_half(s->T0, MMX_OFS(mmx_rm(d)));
    } else {
        gen_movmskb_half(s->T0, XMM_OFS(d->rm));
        gen_movmskb_half(s->T1, XMM_OFS(d->rm) + 8);
        tcg_gen_shli_i64(s->T1, s->T1, 8);
        tcg_gen_or_i64(s->T0, s->T0, s->T1);
    }
    gen_op_mov_reg_v(s, MO_32, d->reg, s->T0);
    return true;
}

/* ---- shifts by immediate (0F 71-73 groups): the count goes through
 * xmm_t0 to the shift-by-register helpers ---- */

static bool gen_shift_imm(DisasContext *s, X86DecodedInsn *d, bool xmm)
{
    static void *const mmx_fn[3][8] = {
        [0] = { [2] = helper_psrlw_mmx, [4] = helper_psraw_mmx, [6] = helper_psllw_mmx },
        [1] = { [2] = helper_psrld_mmx, [4] = helper_psrad_mmx, [6] = helper_pslld_mmx },
        [2] = { [2] = helper_psrlq_mmx, [6] = helper_psllq_mmx },
    };
    static void *const xmm_fn[3][8] = {
        [0] = { [2] = helper_psrlw_xmm, [4] = helper_psraw_xmm, [6] = helper_psllw_xmm },
        [1] = { [2] = helper_psrld_xmm, [4] = helper_psrad_xmm, [6] = helper_pslld_xmm },
        [2] = { [2] = helper_psrlq_xmm, [3] = helper_psrldq_xmm, [6] = helper_psllq_xmm,
                [7] = helper_pslldq_xmm },
    };
    int grp = d->b - 0x71, op = (d->modrm >> 3) & 7;
    uint32_t imm = (uint32_t)d->imm & 0xff;
    void *fn = xmm ? xmm_fn[grp][op] : mmx_fn[grp][op];

    if (d->mod != 3 || !fn) {
        return false;
    }
    if (xmm && grp == 2 && (op == 3 || op == 7)) {
        TCGv_ptr p = env_ptr(XMM_OFS(d->rm));

        tcg_gen_call(fn, TCG_CALL_NO_RWG, NULL, tcgvp(cpu_env_ptr()), tcgvp(p), tcgvp(p),
                     tcgv32(tcg_constant_i32(imm)));
        tcg_temp_free_ptr(p);
        return true;
    }
    tcg_gen_st_i64(tcg_constant_i64(imm), cpu_env_ptr(), T0_OFS);
    if (xmm) {
        gen_int_call(fn, XMM_OFS(d->rm), T0_OFS);
    } else {
        gen_enter_mmx(s);
        gen_int_call(fn, MMX_OFS(mmx_rm(d)), T0_OFS);
        gen_mmx_written(mmx_rm(d));
    }
    return true;
}

/* ---- general-register interplay ---- */

/* MOVD/MOVQ mm/xmm, r/m32/64 (0F 6E) */
static bool gen_movd_to(DisasContext *s, X86DecodedInsn *d, bool xmm)
{
    MemOp ot = d->rex_w ? MO_64 : MO_32;

    gen_ld_modrm(s, d, ot, s->T0);
    if (xmm) {
        tcg_gen_st_i64(s->T0, cpu_env_ptr(), XMM_OFS(d->reg));
        gen_zero64(XMM_OFS(d->reg) + 8);
    } else {
        gen_enter_mmx(s);
        tcg_gen_st_i64(s->T0, cpu_env_ptr(), MMX_OFS(mmx_reg(d)));
        gen_mmx_written(mmx_reg(d));
    }
    return true;
}

/* MOVD/MOVQ r/m32/64, mm/xmm (0F 7E) */
static bool gen_movd_from(DisasContext *s, X86DecodedInsn *d, bool xmm)
{
    MemOp ot = d->rex_w ? MO_64 : MO_32;

    if (!xmm) {
        gen_enter_mmx(s);
    }
    tcg_gen_ld_i64(s->T0, cpu_env_ptr(), xmm ? XMM_OFS(d->reg) : MMX_OFS(mmx_reg(d)));
    if (ot == MO_32) {
        tcg_gen_ext32u_i64(s->T0, s->T0);
    }
    if (d->mod != 3) {
        gen_lea_modrm(s, d);
    }
    gen_st_modrm(s, d, ot, s->T0);
    return true;
}

/* a value computed by a helper into a 32-bit general register (zero-extended) */
static void gen_mask_to_reg(DisasContext *s, X86DecodedInsn *d, void *fn, intptr_t sofs)
{
    TCGv_ptr p = env_ptr(sofs);

    tcg_gen_call(fn, TCG_CALL_NO_RWG_SE, tcgv64(s->T0), tcgvp(cpu_env_ptr()), tcgvp(p));
    tcg_temp_free_ptr(p);
    gen_op_mov_reg_v(s, MO_32, d->reg, s->T0);
}

static bool gen_cvtsi2f(DisasContext *s, X86DecodedInsn *d, void *fn)
{
    MemOp ot = d->rex_w ? MO_64 : MO_32;
    TCGv_ptr p;

    gen_ld_modrm(s, d, ot, s->T0);
    gen_update_cc_op(s);
    p = env_ptr(XMM_OFS(d->reg));
    tcg_gen_call(fn, TCG_CALL_NO_WG, NULL, tcgvp(cpu_env_ptr()), tcgvp(p), tcgv64(s->T0),
                 tcgv32(tcg_constant_i32(ot == MO_64)));
    tcg_temp_free_ptr(p);
    return true;
}

/* CVT(T)SS2SI / CVT(T)SD2SI r32/64, xmm/m */
static bool gen_cvtf2si(DisasContext *s, X86DecodedInsn *d, bool dbl, bool trunc)
{
    MemOp ot = d->rex_w ? MO_64 : MO_32;
    intptr_t sofs = gen_src_xmm(s, d, dbl ? MS_8 : MS_4);
    TCGv_ptr p = env_ptr(sofs);

    gen_update_cc_op(s);
    tcg_gen_call(dbl ? (void *)helper_cvtsd2si : (void *)helper_cvtss2si, TCG_CALL_NO_WG,
                 tcgv64(s->T0), tcgvp(cpu_env_ptr()), tcgvp(p),
                 tcgv32(tcg_constant_i32((ot == MO_64) | (trunc ? 2 : 0))));
    tcg_temp_free_ptr(p);
    gen_op_mov_reg_v(s, ot, d->reg, s->T0);
    return true;
}

/* CVTPS2PI & co: mm = f(xmm/m) */
static bool gen_cvt2pi(DisasContext *s, X86DecodedInsn *d, void *fn, int ms)
{
    intptr_t sofs = gen_src_xmm(s, d, ms);
    TCGv_ptr pd, ps;

    gen_enter_mmx(s);
    gen_update_cc_op(s);
    pd = env_ptr(MMX_OFS(mmx_reg(d)));
    ps = env_ptr(sofs);
    tcg_gen_call(fn, TCG_CALL_NO_WG, NULL, tcgvp(cpu_env_ptr()), tcgvp(pd), tcgvp(ps));
    tcg_temp_free_ptr(pd);
    tcg_temp_free_ptr(ps);
    gen_mmx_written(mmx_reg(d));
    return true;
}

/* CVTPI2PS/CVTPI2PD xmm, mm/m64 */
static bool gen_cvtpi2f(DisasContext *s, X86DecodedInsn *d, void *fn, bool mmx_always)
{
    intptr_t sofs;
    TCGv_ptr pd, ps;

    if (d->mod == 3 || mmx_always) {
        gen_enter_mmx(s);
    }
    sofs = gen_src_mmx(s, d);
    gen_update_cc_op(s);
    pd = env_ptr(XMM_OFS(d->reg));
    ps = env_ptr(sofs);
    tcg_gen_call(fn, TCG_CALL_NO_WG, NULL, tcgvp(cpu_env_ptr()), tcgvp(pd), tcgvp(ps));
    tcg_temp_free_ptr(pd);
    tcg_temp_free_ptr(ps);
    return true;
}

/* helper(env, a, b) -> EFLAGS bits */
static void gen_flags_call(DisasContext *s, void *fn, unsigned flags, intptr_t aofs,
                           intptr_t bofs)
{
    TCGv_ptr pa = env_ptr(aofs), pb = env_ptr(bofs);

    gen_update_cc_op(s);
    tcg_gen_call(fn, flags, tcgv64(s->T0), tcgvp(cpu_env_ptr()), tcgvp(pa), tcgvp(pb));
    tcg_temp_free_ptr(pa);
    tcg_temp_free_ptr(pb);
    gen_update_cc_eflags(s, s->T0);
}

/* PCMPESTRI/PCMPESTRM/PCMPISTRI/PCMPISTRM (66 0F3A 60-63) */
static bool gen_pcmpstr(DisasContext *s, X86DecodedInsn *d)
{
    intptr_t sofs = gen_src_xmm(s, d, MS_U16);
    TCGv_ptr pa = env_ptr(XMM_OFS(d->reg)), pb = env_ptr(sofs);
    TCGv_i32 imm = tcg_constant_i32((uint32_t)d->imm & 0xff);
    bool explicit_len = d->b < 0x62, index = d->b & 1;

    if (explicit_len) {
        tcg_gen_call(index ? (void *)helper_pcmpestri : (void *)helper_pcmpestrm,
                     TCG_CALL_NO_RWG, tcgv64(s->T0), tcgvp(cpu_env_ptr()), tcgvp(pa),
                     tcgvp(pb), tcgv32(imm), tcgv64(cpu_regs[R_EAX]),
                     tcgv64(cpu_regs[R_EDX]), tcgv32(tcg_constant_i32(d->rex_w)));
    } else {
        tcg_gen_call(index ? (void *)helper_pcmpistri : (void *)helper_pcmpistrm,
                     TCG_CALL_NO_RWG, tcgv64(s->T0), tcgvp(cpu_env_ptr()), tcgvp(pa),
                     tcgvp(pb), tcgv32(imm));
    }
    tcg_temp_free_ptr(pa);
    tcg_temp_free_ptr(pb);
    if (index) {
        tcg_gen_shri_i64(s->T1, s->T0, 32);
        gen_op_mov_reg_v(s, MO_32, R_ECX, s->T1);
    }
    gen_update_cc_eflags(s, s->T0);
    return true;
}

/* PEXTRB/PEXTRW/PEXTRD/PEXTRQ/EXTRACTPS (66 0F3A 14-17) and PEXTRW (0F C5) */
static bool gen_pextr(DisasContext *s, X86DecodedInsn *d, MemOp ot, intptr_t ofs)
{
    switch (ot) {
    case MO_8: tcg_gen_ld8u_i64(s->T0, cpu_env_ptr(), ofs); break;
    case MO_16: tcg_gen_ld16u_i64(s->T0, cpu_env_ptr(), ofs); break;
    case MO_32: tcg_gen_ld32u_i64(s->T0, cpu_env_ptr(), ofs); break;
    default: tcg_gen_ld_i64(s->T0, cpu_env_ptr(), ofs); break;
    }
    if (d->mod == 3) {
        /* register destinations are written whole, zero-extended */
        gen_op_mov_reg_v(s, ot == MO_64 ? MO_64 : MO_32, d->rm, s->T0);
    } else {
        gen_lea_modrm(s, d);
        gen_op_st_v(s, ot, s->T0, s->A0);
    }
    return true;
}

/* PINSRB/PINSRW/PINSRD/PINSRQ */
static bool gen_pinsr(DisasContext *s, X86DecodedInsn *d, MemOp ot, intptr_t ofs)
{
    if (d->mod == 3) {
        /* the low bits of a 32/64-bit register (never AH..BH) */
        gen_op_mov_v_reg(s, ot == MO_64 ? MO_64 : MO_32, s->T0, d->rm);
    } else {
        gen_lea_modrm(s, d);
        gen_op_ld_v(s, ot, s->T0, s->A0);
    }
    switch (ot) {
    case MO_8: tcg_gen_st8_i64(s->T0, cpu_env_ptr(), ofs); break;
    case MO_16: tcg_gen_st16_i64(s->T0, cpu_env_ptr(), ofs); break;
    case MO_32: tcg_gen_st32_i64(s->T0, cpu_env_ptr(), ofs); break;
    default: tcg_gen_st_i64(s->T0, cpu_env_ptr(), ofs); break;
    }
    return true;
}

/* MASKMOVQ / MASKMOVDQU: bytes of reg whose mask byte (rm) has bit 7 set
 * go to DS:rDI. */
static bool gen_maskmov(DisasContext *s, X86DecodedInsn *d, bool xmm)
{
    int n = xmm ? 16 : 8, i;
    intptr_t vofs = xmm ? XMM_OFS(d->reg) : MMX_OFS(mmx_reg(d));
    intptr_t mofs = xmm ? XMM_OFS(d->rm) : MMX_OFS(mmx_rm(d));
    TCGv_i64 m = tcg_temp_new_i64(), v = tcg_temp_new_i64(), a = tcg_temp_new_i64();

    if (d->mod != 3) {
        return false;
    }
    if (!xmm) {
        gen_enter_mmx(s);
    }
    gen_lea_base(s, cpu_regs[R_EDI], R_DS, true);
    for (i = 0; i < n; i++) {
        TCGLabel *skip = gen_new_label();

        tcg_gen_ld8u_i64(m, cpu_env_ptr(), mofs + i);
        tcg_gen_brcondi_i64(TCG_COND_TSTEQ, m, 0x80, skip);
        tcg_gen_ld8u_i64(v, cpu_env_ptr(), vofs + i);
        tcg_gen_addi_i64(a, s->A0, i);
        tcg_gen_qemu_st_i64(v, a, s->mem_index, MO_UB);
        gen_set_label(skip);
    }
    tcg_temp_free_i64(m);
    tcg_temp_free_i64(v);
    tcg_temp_free_i64(a);
    return true;
}

/* ---- the 0F map's special cases ---- */

static bool gen_sse_0f(DisasContext *s, X86DecodedInsn *d, int p)
{
    bool mem = d->mod != 3;
    intptr_t r = XMM_OFS(d->reg);

    switch (d->b) {
    case 0x10: /* MOVUPS/MOVUPD/MOVSS/MOVSD xmm, xmm/m */
    case 0x11: /* ... store */
        if (p <= 1) {
            return d->b == 0x10 ? (gen_movdqa_load(s, d, false), true)
                                : (gen_movdqa_store(s, d, false), true);
        }
        if (d->b == 0x10 && mem) {
            gen_lea_modrm(s, d);
            gen_ld_env(s, r, p == 2 ? MS_4 : MS_8);
            if (p == 2) {
                tcg_gen_st32_i64(tcg_constant_i64(0), cpu_env_ptr(), r + 4);
            }
            gen_zero64(r + 8);
        } else if (d->b == 0x11 && mem) {
            gen_st_env(s, d, r, p == 2 ? MO_32 : MO_64);
        } else {
            intptr_t dst = d->b == 0x10 ? r : XMM_OFS(d->rm);
            intptr_t src = d->b == 0x10 ? XMM_OFS(d->rm) : r;

            if (p == 2) {
                tcg_gen_ld32u_i64(s->T0, cpu_env_ptr(), src);
                tcg_gen_st32_i64(s->T0, cpu_env_ptr(), dst);
            } else {
                gen_copy64(dst, src);
            }
        }
        return true;
    case 0x12: /* MOVLPS/MOVHLPS, MOVLPD */
    case 0x16: /* MOVHPS/MOVLHPS, MOVHPD */
        if (p >= 2) {
            break; /* MOVSLDUP/MOVDDUP/MOVSHDUP: table */
        }
        if (!mem) {
            if (p == 1) {
                return false;
            }
            if (d->b == 0x12) {
                gen_copy64(r, XMM_OFS(d->rm) + 8);
            } else {
                gen_copy64(r + 8, XMM_OFS(d->rm));
            }
            return true;
        }
        gen_lea_modrm(s, d);
        gen_ld_env(s, d->b == 0x12 ? r : r + 8, MS_8);
        return true;
    case 0x13: /* MOVLPS/MOVLPD m64, xmm */
    case 0x17: /* MOVHPS/MOVHPD m64, xmm */
        if (p >= 2 || !mem) {
            return false;
        }
        gen_st_env(s, d, d->b == 0x13 ? r : r + 8, MO_64);
        return true;
    case 0x28: /* MOVAPS/MOVAPD */
    case 0x29:
        if (p >= 2) {
            return false;
        }
        if (d->b == 0x28) {
            gen_movdqa_load(s, d, true);
        } else {
            gen_movdqa_store(s, d, true);
        }
        return true;
    case 0x2a:
        switch (p) {
        case 0: return gen_cvtpi2f(s, d, helper_cvtpi2ps_xmm, true);
        case 1: return gen_cvtpi2f(s, d, helper_cvtpi2pd_xmm, false);
        case 2: return gen_cvtsi2f(s, d, helper_cvtsi2ss);
        default: return gen_cvtsi2f(s, d, helper_cvtsi2sd);
        }
    case 0x2b: /* MOVNTPS/MOVNTPD m128, xmm */
        if (p >= 2 || !mem) {
            return false;
        }
        gen_movdqa_store(s, d, true);
        return true;
    case 0x2c:
    case 0x2d: {
        bool trunc = d->b == 0x2c;

        switch (p) {
        case 0: return gen_cvt2pi(s, d, trunc ? helper_cvttps2pi : helper_cvtps2pi, MS_8);
        case 1: return gen_cvt2pi(s, d, trunc ? helper_cvttpd2pi : helper_cvtpd2pi, MS_A16);
        case 2: return gen_cvtf2si(s, d, false, trunc);
        default: return gen_cvtf2si(s, d, true, trunc);
        }
    }
    case 0x2e: /* UCOMISS/UCOMISD */
    case 0x2f: /* COMISS/COMISD */
        if (p >= 2) {
            return false;
        } else {
            intptr_t sofs = gen_src_xmm(s, d, p ? MS_8 : MS_4);
            void *fn = d->b == 0x2e ? (p ? (void *)helper_ucomisd : (void *)helper_ucomiss)
                                    : (p ? (void *)helper_comisd : (void *)helper_comiss);

            gen_flags_call(s, fn, TCG_CALL_NO_WG, r, sofs);
        }
        return true;
    case 0x50: /* MOVMSKPS/MOVMSKPD r32, xmm */
        if (p >= 2 || mem) {
            return false;
        }
        gen_mask_to_reg(s, d, p ? (void *)helper_movmskpd : (void *)helper_movmskps,
                        XMM_OFS(d->rm));
        return true;
    case 0x54: /* ANDPS/ANDPD */
    case 0x55: /* ANDNPS/ANDNPD */
    case 0x56: /* ORPS/ORPD */
    case 0x57: /* XORPS/XORPD */
        if (p >= 2) {
            return false;
        }
        return gen_logic(s, d, d->b - 0x54, false);
    case 0x6e: /* MOVD/MOVQ mm/xmm, r/m */
        if (p >= 2) {
            return false;
        }
        return gen_movd_to(s, d, p == 1);
    case 0x6f: /* MOVQ mm, mm/m64; MOVDQA; MOVDQU */
    case 0x7f: /* ... stores */
        if (p == 0) {
            gen_enter_mmx(s);
            if (d->b == 0x6f) {
                intptr_t sofs = gen_src_mmx(s, d);

                gen_copy64(MMX_OFS(mmx_reg(d)), sofs);
                gen_mmx_written(mmx_reg(d));
            } else if (mem) {
                gen_st_env(s, d, MMX_OFS(mmx_reg(d)), MO_64);
            } else {
                gen_copy64(MMX_OFS(mmx_rm(d)), MMX_OFS(mmx_reg(d)));
                gen_mmx_written(mmx_rm(d));
            }
            return true;
        }
        if (p == 3) {
            return false;
        }
        if (d->b == 0x6f) {
            gen_movdqa_load(s, d, p == 1);
        } else {
            gen_movdqa_store(s, d, p == 1);
        }
        return true;
    case 0x71:
    case 0x72:
    case 0x73:
        if (p >= 2) {
            return false;
        }
        return gen_shift_imm(s, d, p == 1);
    case 0x77: /* EMMS */
        if (p != 0) {
            return false;
        }
        tcg_gen_st_i64(tcg_constant_i64(0x0101010101010101LL), cpu_env_ptr(),
                       offsetof(CPUX86State, fptags));
        return true;
    case 0x7e:
        if (p == 2) { /* MOVQ xmm, xmm/m64 */
            if (mem) {
                gen_lea_modrm(s, d);
                gen_ld_env(s, r, MS_8);
            } else {
                gen_copy64(r, XMM_OFS(d->rm));
            }
            gen_zero64(r + 8);
            return true;
        }
        if (p == 3) {
            return false;
        }
        return gen_movd_from(s, d, p == 1);
    case 0xc4: /* PINSRW */
        if (p >= 2) {
            return false;
        }
        if (p == 0) {
            gen_enter_mmx(s);
            gen_pinsr(s, d, MO_16, MMX_OFS(mmx_reg(d)) + 2 * (d->imm & 3));
            gen_mmx_written(mmx_reg(d));
            return true;
        }
        return gen_pinsr(s, d, MO_16, r + 2 * (d->imm & 7));
    case 0xc5: /* PEXTRW r32, mm/xmm, imm8 */
        if (p >= 2 || mem) {
            return false;
        }
        if (p == 0) {
            gen_enter_mmx(s);
            tcg_gen_ld16u_i64(s->T0, cpu_env_ptr(), MMX_OFS(mmx_rm(d)) + 2 * (d->imm & 3));
        } else {
            tcg_gen_ld16u_i64(s->T0, cpu_env_ptr(), XMM_OFS(d->rm) + 2 * (d->imm & 7));
        }
        gen_op_mov_reg_v(s, MO_32, d->reg, s->T0);
        return true;
    case 0xd6:
        if (p == 1) { /* MOVQ xmm/m64, xmm */
            if (mem) {
                gen_st_env(s, d, r, MO_64);
            } else {
                gen_copy64(XMM_OFS(d->rm), r);
                gen_zero64(XMM_OFS(d->rm) + 8);
            }
            return true;
        }
        if (mem || p == 0) {
            return false;
        }
        gen_enter_mmx(s);
        if (p == 2) { /* MOVQ2DQ xmm, mm */
            gen_copy64(r, MMX_OFS(mmx_rm(d)));
            gen_zero64(r + 8);
        } else { /* MOVDQ2Q mm, xmm */
            gen_copy64(MMX_OFS(mmx_reg(d)), XMM_OFS(d->rm));
            gen_mmx_written(mmx_reg(d));
        }
        return true;
    case 0xd7: /* PMOVMSKB r32, mm/xmm */
        if (p >= 2 || mem) {
            return false;
        }
        return gen_pmovmskb(s, d, p == 0);
    case 0x74: /* PCMPEQB */
        if (p >= 2) {
            return false;
        }
        return gen_pcmpeqb(s, d, p == 0);
    case 0xda: /* PMINUB */
    case 0xde: /* PMAXUB */
        if (p >= 2) {
            return false;
        }
        return gen_pminmaxub(s, d, p == 0, d->b == 0xde);
    case 0xdb: /* PAND */
    case 0xdf: /* PANDN */
    case 0xeb: /* POR */
    case 0xef: /* PXOR */
        if (p >= 2) {
            return false;
        }
        return gen_logic(s, d,
                         d->b == 0xdb ? LOGIC_AND : d->b == 0xdf ? LOGIC_ANDN
                         : d->b == 0xeb ? LOGIC_OR : LOGIC_XOR,
                         p == 0);
    case 0xe7: /* MOVNTQ m64, mm; MOVNTDQ m128, xmm */
        if (p >= 2 || !mem) {
            return false;
        }
        if (p == 0) {
            gen_enter_mmx(s);
            gen_st_env(s, d, MMX_OFS(mmx_reg(d)), MO_64);
        } else {
            gen_movdqa_store(s, d, true);
        }
        return true;
    case 0xf0: /* LDDQU */
        if (p != 3 || !mem) {
            return false;
        }
        gen_movdqa_load(s, d, false);
        return true;
    case 0xf7: /* MASKMOVQ / MASKMOVDQU */
        if (p >= 2) {
            return false;
        }
        return gen_maskmov(s, d, p == 1);
    }
    return gen_table(s, d, p, sse_0f);
}

static bool gen_sse_0f38(DisasContext *s, X86DecodedInsn *d, int p)
{
    switch (d->b) {
    case 0x17: /* PTEST */
        if (p != 1) {
            return false;
        } else {
            intptr_t sofs = gen_src_xmm(s, d, MS_A16);

            gen_flags_call(s, helper_ptest, TCG_CALL_NO_RWG_SE, XMM_OFS(d->reg), sofs);
        }
        return true;
    case 0xf0: /* CRC32 r32/64, r/m8 */
    case 0xf1: /* CRC32 r32/64, r/m16/32/64 */
        if (p != 3) {
            return false;
        } else {
            MemOp ot = d->b == 0xf0 ? MO_8 : d->dflag;

            gen_ld_modrm(s, d, ot, s->T0);
            gen_op_mov_v_reg(s, MO_32, s->T1, d->reg);
            tcg_gen_call(helper_crc32, TCG_CALL_NO_RWG_SE, tcgv64(s->T1), tcgv64(s->T1),
                         tcgv64(s->T0), tcgv32(tcg_constant_i32(1 << ot)));
            gen_op_mov_reg_v(s, MO_32, d->reg, s->T1);
        }
        return true;
    case 0x2a: /* MOVNTDQA */
        if (p != 1 || d->mod == 3) {
            return false;
        }
        gen_movdqa_load(s, d, true);
        return true;
    }
    return gen_table(s, d, p, sse_0f38);
}

static bool gen_sse_0f3a(DisasContext *s, X86DecodedInsn *d, int p)
{
    intptr_t r = XMM_OFS(d->reg);
    uint32_t imm = (uint32_t)d->imm & 0xff;

    if (p != 1) {
        return gen_table(s, d, p, sse_0f3a);
    }
    switch (d->b) {
    case 0x14: return gen_pextr(s, d, MO_8, r + (imm & 15));
    case 0x15: return gen_pextr(s, d, MO_16, r + 2 * (imm & 7));
    case 0x16:
        return d->rex_w ? gen_pextr(s, d, MO_64, r + 8 * (imm & 1))
                        : gen_pextr(s, d, MO_32, r + 4 * (imm & 3));
    case 0x17: return gen_pextr(s, d, MO_32, r + 4 * (imm & 3));
    case 0x20: return gen_pinsr(s, d, MO_8, r + (imm & 15));
    case 0x22:
        return d->rex_w ? gen_pinsr(s, d, MO_64, r + 8 * (imm & 1))
                        : gen_pinsr(s, d, MO_32, r + 4 * (imm & 3));
    case 0x21: { /* INSERTPS: a memory source is the m32 itself */
        static const SSEEntry e = XI(insertps);
        intptr_t sofs = gen_src_xmm(s, d, MS_4);

        gen_call_op(s, &e, d, r, sofs, d->mod == 3 ? imm : imm & 0x3f);
        return true;
    }
    case 0x60:
    case 0x61:
    case 0x62:
    case 0x63:
        return gen_pcmpstr(s, d);
    }
    return gen_table(s, d, p, sse_0f3a);
}

/* Whether the insn operates on MMX registers (no CR4.OSFXSR needed). */
static SSE_MAYBE_UNUSED bool is_mmx_form(X86DecodedInsn *d, int p)
{
    if (p != 0) {
        return false;
    }
    switch (d->map) {
    case X86_MAP_0F:
        return (d->b >= 0x60 && d->b <= 0x7f) || d->b == 0xc4 || d->b == 0xc5 || d->b >= 0xd0;
    case X86_MAP_0F38:
        return d->b <= 0x1e;
    default:
        return d->b == 0x0f;
    }
}

/* CPUID.1:ECX bits */
#define FEAT_SSE3 (1u << 0)
#define FEAT_PCLMUL (1u << 1)
#define FEAT_SSSE3 (1u << 9)
#define FEAT_SSE41 (1u << 19)
#define FEAT_SSE42 (1u << 20)

/* The CPUID.1:ECX feature an insn needs beyond MMX/SSE/SSE2 (0: none);
 * an insn whose feature is not advertised is #UD, as on hardware. */
static uint32_t sse_feature(X86DecodedInsn *d, int p)
{
    switch (d->map) {
    case X86_MAP_0F:
        if ((d->b == 0x12 && p >= 2) || (d->b == 0x16 && p == 2) || d->b == 0x7c ||
            d->b == 0x7d || d->b == 0xd0 || (d->b == 0xf0 && p == 3)) {
            return FEAT_SSE3;
        }
        return 0;
    case X86_MAP_0F38:
        if (d->b <= 0x0b || (d->b >= 0x1c && d->b <= 0x1e)) {
            return FEAT_SSSE3;
        }
        return d->b == 0x37 || d->b >= 0xf0 ? FEAT_SSE42 : FEAT_SSE41;
    default:
        if (d->b == 0x0f) {
            return FEAT_SSSE3;
        }
        if (d->b == 0x44) {
            return FEAT_PCLMUL;
        }
        return d->b >= 0x60 ? FEAT_SSE42 : FEAT_SSE41;
    }
}

bool gen_sse_insn(DisasContext *s, X86DecodedInsn *d)
{
    int p = pfx_index(d);
    uint32_t feat = sse_feature(d, p);

    if (feat && !(s->env->features_ecx & feat)) {
        return false;
    }

    if (d->prefixes & (PREFIX_LOCK | PREFIX_VEX | PREFIX_EVEX)) {
        return false;
    }
#ifndef CONFIG_USER_ONLY
    /* (CR0.EM/TS are checked by the caller.) SSE forms need CR4.OSFXSR,
     * MMX-register forms do not; Linux always sets it for user mode. */
    if (!(s->flags & HF_OSFXSR_MASK) && !is_mmx_form(d, p)) {
        return false;
    }
#endif
    switch (d->map) {
    case X86_MAP_0F: return gen_sse_0f(s, d, p);
    case X86_MAP_0F38: return gen_sse_0f38(s, d, p);
    case X86_MAP_0F3A: return gen_sse_0f3a(s, d, p);
    default: return false;
    }
}
