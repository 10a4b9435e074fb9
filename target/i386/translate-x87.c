/*
 * x87 translator: the D8-DF escapes.
 *
 * Every computing instruction becomes one call of a helper that runs the
 * same instruction on the host FPU (fpu_helper.c); this file only moves
 * operands between guest memory and env->xmm_t0, keeps the FPU
 * instruction/data pointers and opcode up to date, and implements the
 * control instructions' memory images.
 *
 * Order inside one insn: the #MF check of a waiting insn comes first (so
 * the handler sees the previous insn's FIP/FOP), then FIP/FOP/FDP, then
 * guest loads, then the helper. Stores run the helper first without
 * committing the new FPU state, store to the guest, then commit: a store
 * that faults leaves the FPU as it was, and the insn restarts cleanly.
 */
#include <stddef.h>

#include "translate.h"
#include "fpu_helper.h"

static inline TCGv_ptr x87_env(void)
{
    return tcg_ctx->env;
}

#define XMM_T0_OFS offsetof(CPUX86State, xmm_t0)

/* The operand size of a memory form, in bytes (0 = invalid/control). */
static int x87_mem_size(unsigned esc, unsigned reg)
{
    switch (esc) {
    case 0xd8: /* m32fp arithmetic */
    case 0xda: /* m32int arithmetic */
        return 4;
    case 0xdc: /* m64fp arithmetic */
        return 8;
    case 0xde: /* m16int arithmetic */
        return 2;
    case 0xd9: /* FLD/FST/FSTP m32fp */
        return reg == 0 || reg == 2 || reg == 3 ? 4 : 0;
    case 0xdb: /* FILD FISTTP FIST FISTP m32int; FLD/FSTP m80fp */
        return reg <= 3 ? 4 : (reg == 5 || reg == 7) ? 10 : 0;
    case 0xdd: /* FLD FISTTP FST FSTP m64 */
        return reg <= 3 ? 8 : 0;
    case 0xdf: /* FILD.. m16int, FBLD m80bcd, FILD m64, FBSTP, FISTP m64 */
        return reg <= 3 ? 2 : (reg == 4 || reg == 6) ? 10 : 8;
    }
    return 0;
}

/* Whether a (valid, non-control) memory form writes its operand. */
static bool x87_mem_is_store(unsigned esc, unsigned reg)
{
    switch (esc) {
    case 0xd9:
        return reg == 2 || reg == 3;
    case 0xdb:
        return (reg >= 1 && reg <= 3) || reg == 7;
    case 0xdd:
        return reg >= 1 && reg <= 3;
    case 0xdf:
        return (reg >= 1 && reg <= 3) || reg >= 6;
    }
    return false;
}

static MemOp x87_memop(int size)
{
    switch (size) {
    case 2:
        return MO_UW;
    case 4:
        return MO_UL;
    default:
        return MO_UQ;
    }
}

static void gen_x87_fwait(DisasContext *s)
{
    gen_update_cc_op(s);
    tcg_gen_call(helper_fwait, TCG_CALL_NO_WG, NULL, tcgvp(x87_env()));
}

/* The segment register a memory operand uses. */
static int x87_mem_seg(X86DecodedInsn *d)
{
    if (d->seg >= 0) {
        return d->seg;
    }
    return d->base == R_ESP || d->base == R_EBP ? R_SS : R_DS;
}

/* FIP/FCS/FOP for every non-control insn; FDP/FDS for memory forms (A0
 * must hold the operand's linear address). */
static void gen_x87_update_pointers(DisasContext *s, X86DecodedInsn *d)
{
    TCGv_i32 t = tcg_temp_new_i32();

    tcg_gen_st_i64(tcg_constant_i64(s->pc_start - s->cs_base), x87_env(),
                   offsetof(CPUX86State, fpip));
    tcg_gen_ld_i32(t, x87_env(), offsetof(CPUX86State, segs[R_CS].selector));
    tcg_gen_st16_i32(t, x87_env(), offsetof(CPUX86State, fpcs));
    tcg_gen_st16_i32(tcg_constant_i32((d->b & 7) << 8 | d->modrm), x87_env(),
                     offsetof(CPUX86State, fpop));
    if (d->mod != 3) {
        int seg = x87_mem_seg(d);
        bool has_base = s->code64 ? (d->seg == R_FS || d->seg == R_GS)
                                  : (d->seg >= 0 || s->addseg);
        TCGv_i64 off = tcg_temp_new_i64();

        if (has_base) {
            tcg_gen_sub_i64(off, s->A0, cpu_seg_base[seg]);
            if (d->aflag == MO_32) {
                tcg_gen_ext32u_i64(off, off);
            } else if (d->aflag == MO_16) {
                tcg_gen_ext16u_i64(off, off);
            }
        } else {
            tcg_gen_mov_i64(off, s->A0);
        }
        tcg_gen_st_i64(off, x87_env(), offsetof(CPUX86State, fpdp));
        tcg_gen_ld_i32(t, x87_env(), offsetof(CPUX86State, segs[0].selector) +
                                         seg * sizeof(SegmentCache));
        tcg_gen_st16_i32(t, x87_env(), offsetof(CPUX86State, fpds));
        tcg_temp_free_i64(off);
    }
    tcg_temp_free_i32(t);
}

/* Guest memory <-> env->xmm_t0 for an operand of size bytes at A0. */
static void gen_x87_load_operand(DisasContext *s, int size)
{
    TCGv_i64 v = tcg_temp_new_i64();

    tcg_gen_qemu_ld_i64(v, s->A0, s->mem_index, x87_memop(size));
    tcg_gen_st_i64(v, x87_env(), XMM_T0_OFS);
    if (size == 10) {
        TCGv_i64 a = tcg_temp_new_i64();
        tcg_gen_addi_i64(a, s->A0, 8);
        tcg_gen_qemu_ld_i64(v, a, s->mem_index, MO_UW);
        tcg_gen_st_i64(v, x87_env(), XMM_T0_OFS + 8);
        tcg_temp_free_i64(a);
    }
    tcg_temp_free_i64(v);
}

static void gen_x87_store_operand(DisasContext *s, int size)
{
    TCGv_i64 v = tcg_temp_new_i64();

    tcg_gen_ld_i64(v, x87_env(), XMM_T0_OFS);
    tcg_gen_qemu_st_i64(v, s->A0, s->mem_index, x87_memop(size));
    if (size == 10) {
        TCGv_i64 a = tcg_temp_new_i64();
        tcg_gen_addi_i64(a, s->A0, 8);
        tcg_gen_ld16u_i64(v, x87_env(), XMM_T0_OFS + 8);
        tcg_gen_qemu_st_i64(v, a, s->mem_index, MO_UW);
        tcg_temp_free_i64(a);
    }
    tcg_temp_free_i64(v);
}

/* Layout of FLDENV/FNSTENV/FRSTOR/FNSAVE for the current mode. */
static unsigned x87_env_fmt(DisasContext *s, X86DecodedInsn *d, bool regs)
{
    return (d->dflag == MO_16 ? 0 : X87_FMT_32) | (s->pe && !s->vm86 ? X87_FMT_PM : 0) |
           (regs ? X87_FMT_REGS : 0);
}

/* Walk an image of size bytes in 8/4/2-byte pieces. */
static MemOp x87_chunk(unsigned rem, unsigned *len)
{
    if (rem >= 8) {
        *len = 8;
        return MO_UQ;
    }
    if (rem >= 4) {
        *len = 4;
        return MO_UL;
    }
    *len = 2;
    return MO_UW;
}

static void gen_x87_save_env(DisasContext *s, X86DecodedInsn *d, bool regs)
{
    unsigned fmt = x87_env_fmt(s, d, regs);
    unsigned size = x87_fmt_size(fmt), off, len;
    TCGv_i64 v = tcg_temp_new_i64();
    TCGv_i64 a = tcg_temp_new_i64();

    for (off = 0; off < size; off += len) {
        MemOp mop = x87_chunk(size - off, &len);
        tcg_gen_call(helper_x87_env_get, TCG_CALL_NO_RWG, tcgv64(v), tcgvp(x87_env()),
                     tcgv32(tcg_constant_i32(fmt)), tcgv32(tcg_constant_i32(off)));
        tcg_gen_addi_i64(a, s->A0, off);
        tcg_gen_qemu_st_i64(v, a, s->mem_index, mop);
    }
    tcg_gen_call(helper_x87_save_done, TCG_CALL_NO_RWG, NULL, tcgvp(x87_env()),
                 tcgv32(tcg_constant_i32(fmt)));
    tcg_temp_free_i64(a);
    tcg_temp_free_i64(v);
}

static void gen_x87_load_env(DisasContext *s, X86DecodedInsn *d, bool regs)
{
    unsigned fmt = x87_env_fmt(s, d, regs);
    unsigned size = x87_fmt_size(fmt), off, len;
    TCGv_i64 v = tcg_temp_new_i64();
    TCGv_i64 a = tcg_temp_new_i64();

    for (off = 0; off < size; off += len) {
        MemOp mop = x87_chunk(size - off, &len);
        tcg_gen_addi_i64(a, s->A0, off);
        tcg_gen_qemu_ld_i64(v, a, s->mem_index, mop);
        tcg_gen_call(helper_x87_env_put, TCG_CALL_NO_RWG, NULL, tcgvp(x87_env()),
                     tcgv32(tcg_constant_i32(off)), tcgv64(v));
    }
    tcg_gen_call(helper_x87_env_load, TCG_CALL_NO_RWG, NULL, tcgvp(x87_env()),
                 tcgv32(tcg_constant_i32(fmt)));
    tcg_temp_free_i64(a);
    tcg_temp_free_i64(v);
}

/* D9 /4-/7 and DD /4-/7: the control insns with a memory operand. */
static bool gen_x87_mem_control(DisasContext *s, X86DecodedInsn *d, unsigned reg)
{
    TCGv_i64 v;

    switch (reg) {
    case 4: /* FLDENV / FRSTOR */
        gen_x87_fwait(s);
        gen_lea_modrm(s, d);
        gen_x87_load_env(s, d, d->b == 0xdd);
        return true;
    case 5:
        if (d->b == 0xdd) {
            return false;
        }
        /* FLDCW */
        gen_x87_fwait(s);
        gen_lea_modrm(s, d);
        v = tcg_temp_new_i64();
        tcg_gen_qemu_ld_i64(v, s->A0, s->mem_index, MO_UW);
        {
            TCGv_i32 w = tcg_temp_new_i32();
            tcg_gen_extrl_i64_i32(w, v);
            tcg_gen_call(helper_fldcw, TCG_CALL_NO_RWG, NULL, tcgvp(x87_env()), tcgv32(w));
            tcg_temp_free_i32(w);
        }
        tcg_temp_free_i64(v);
        return true;
    case 6: /* FNSTENV / FNSAVE */
        gen_lea_modrm(s, d);
        gen_x87_save_env(s, d, d->b == 0xdd);
        return true;
    case 7: /* FNSTCW / FNSTSW m16 */
        gen_lea_modrm(s, d);
        v = tcg_temp_new_i64();
        if (d->b == 0xd9) {
            tcg_gen_ld16u_i64(v, x87_env(), offsetof(CPUX86State, fpuc));
        } else {
            TCGv_i32 w = tcg_temp_new_i32();
            tcg_gen_call(helper_fnstsw, TCG_CALL_NO_RWG, tcgv32(w), tcgvp(x87_env()));
            tcg_gen_extu_i32_i64(v, w);
            tcg_temp_free_i32(w);
        }
        tcg_gen_qemu_st_i64(v, s->A0, s->mem_index, MO_UW);
        tcg_temp_free_i64(v);
        return true;
    }
    return false;
}

static bool gen_x87_mem(DisasContext *s, X86DecodedInsn *d)
{
    unsigned esc = d->b, reg = (d->modrm >> 3) & 7;
    unsigned idx = x87_stub_mem(esc, reg);
    int size;

    if ((esc == 0xd9 || esc == 0xdd) && reg >= 4) {
        return gen_x87_mem_control(s, d, reg);
    }
    size = x87_mem_size(esc, reg);
    if (!size || !x87_stub_valid(idx)) {
        return false;
    }
    gen_x87_fwait(s);
    gen_lea_modrm(s, d);
    gen_x87_update_pointers(s, d);

    if (x87_mem_is_store(esc, reg)) {
        TCGv_i32 ok = tcg_temp_new_i32();
        TCGLabel *skip = gen_new_label();

        tcg_gen_call(helper_x87_store, TCG_CALL_NO_WG, tcgv32(ok), tcgvp(x87_env()),
                     tcgv32(tcg_constant_i32(idx)));
        tcg_gen_brcondi_i32(TCG_COND_EQ, ok, 0, skip);
        gen_x87_store_operand(s, size);
        gen_set_label(skip);
        tcg_gen_call(helper_x87_commit, TCG_CALL_NO_RWG, NULL, tcgvp(x87_env()));
        tcg_temp_free_i32(ok);
    } else {
        TCGv_i64 fl = tcg_temp_new_i64();

        gen_x87_load_operand(s, size);
        tcg_gen_call(helper_x87_exec, TCG_CALL_NO_WG, tcgv64(fl), tcgvp(x87_env()),
                     tcgv32(tcg_constant_i32(idx)), tcgv64(tcg_constant_i64(0)));
        tcg_temp_free_i64(fl);
    }
    return true;
}

static bool gen_x87_reg(DisasContext *s, X86DecodedInsn *d)
{
    unsigned esc = d->b, modrm = d->modrm;
    unsigned idx = x87_stub_reg(esc, modrm);
    bool fcomi = (esc == 0xdb || esc == 0xdf) && modrm >= 0xe8 && modrm < 0xf8;
    bool fcmov = (esc == 0xda || esc == 0xdb) && modrm < 0xe0;
    TCGv_i64 fl, in;

    if (esc == 0xdb && modrm >= 0xe0 && modrm <= 0xe4) {
        /* no-wait forms: FNENI, FNDISI, FNSETPM are no-ops on a 387+ */
        if (modrm == 0xe2) {
            tcg_gen_call(helper_fnclex, TCG_CALL_NO_RWG, NULL, tcgvp(x87_env()));
        } else if (modrm == 0xe3) {
            tcg_gen_call(helper_fninit, TCG_CALL_NO_RWG, NULL, tcgvp(x87_env()));
        }
        return true;
    }
    if (esc == 0xdf && modrm == 0xe0) {
        /* FNSTSW AX */
        TCGv_i32 w = tcg_temp_new_i32();
        TCGv_i64 v = tcg_temp_new_i64();
        tcg_gen_call(helper_fnstsw, TCG_CALL_NO_RWG, tcgv32(w), tcgvp(x87_env()));
        tcg_gen_extu_i32_i64(v, w);
        gen_op_mov_reg_v(s, MO_16, R_EAX, v);
        tcg_temp_free_i64(v);
        tcg_temp_free_i32(w);
        return true;
    }
    if (!x87_stub_valid(idx)) {
        return false;
    }
    gen_x87_fwait(s);
    gen_x87_update_pointers(s, d);
    fl = tcg_temp_new_i64();
    if (fcmov) {
        in = tcg_temp_new_i64();
        gen_compute_eflags(s, in);
    } else {
        in = tcg_constant_i64(0);
    }
    tcg_gen_call(helper_x87_exec, TCG_CALL_NO_WG, tcgv64(fl), tcgvp(x87_env()),
                 tcgv32(tcg_constant_i32(idx)), tcgv64(in));
    if (fcomi) {
        gen_update_cc_eflags(s, fl);
    }
    if (fcmov) {
        tcg_temp_free_i64(in);
    }
    tcg_temp_free_i64(fl);
    return true;
}

bool gen_x87_insn(DisasContext *s, X86DecodedInsn *d)
{
    if (d->b == 0x9b) {
        /* (F)WAIT: #MF if an unmasked exception is pending */
        gen_x87_fwait(s);
        return true;
    }
    if (d->b < 0xd8 || d->b > 0xdf || !d->has_modrm) {
        return false;
    }
    return d->mod == 3 ? gen_x87_reg(s, d) : gen_x87_mem(s, d);
}
