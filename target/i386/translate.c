/*
 * x86 guest -> TCG IR: the translation loop hooks, the services every
 * emitter uses (registers, effective addresses, guest memory, lazy
 * condition codes, jumps and TB endings), and the dispatch from the
 * decoder's emitter groups to the emitters of translate-alu.c and
 * translate-ctl.c (and the x87/SSE hooks).
 *
 * Invariants: s->cc_op is what env->cc_op will be once gen_update_cc_op
 * has run (CC_OP_DYNAMIC: env->cc_op is already right); an insn writes
 * the cc globals only after its last access that may fault, so that the
 * insn_start words (pc, cc_op at its start) restore a consistent state.
 */
#include <stddef.h>
#include <string.h>

#include "translate-internal.h"
#include "util/log.h"

TCGv_i64 cpu_regs[16];
TCGv_i64 cpu_cc_dst, cpu_cc_src, cpu_cc_src2;
TCGv_i32 cpu_cc_op;
TCGv_i64 cpu_seg_base[6];
TCGv_i64 cpu_eip;

static TCGContext *globals_ctx;

#define TARGET_PAGE_MASK_I386 (~(uint64_t)0xfff)

static void x86_translate_init(void)
{
    static const char *const reg_names[16] = {
        "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
        "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15",
    };
    static const char *const seg_names[6] = {
        "es_base", "cs_base", "ss_base", "ds_base", "fs_base", "gs_base",
    };
    TCGv_ptr env = tcg_ctx->env;

    if (globals_ctx == tcg_ctx && tcg_ctx->nb_globals > 1) {
        return;
    }
    globals_ctx = tcg_ctx;
    for (int i = 0; i < 16; i++) {
        cpu_regs[i] = tcg_global_mem_new_i64(env, offsetof(CPUX86State, regs[i]), reg_names[i]);
    }
    cpu_eip = tcg_global_mem_new_i64(env, offsetof(CPUX86State, eip), "rip");
    cpu_cc_dst = tcg_global_mem_new_i64(env, offsetof(CPUX86State, cc_dst), "cc_dst");
    cpu_cc_src = tcg_global_mem_new_i64(env, offsetof(CPUX86State, cc_src), "cc_src");
    cpu_cc_src2 = tcg_global_mem_new_i64(env, offsetof(CPUX86State, cc_src2), "cc_src2");
    cpu_cc_op = tcg_global_mem_new_i32(env, offsetof(CPUX86State, cc_op), "cc_op");
    for (int i = 0; i < 6; i++) {
        cpu_seg_base[i] =
            tcg_global_mem_new_i64(env, offsetof(CPUX86State, segs[i].base), seg_names[i]);
    }
}

/* ---------------------------------------------------------------------- */
/* Small utilities                                                          */

void gen_ext(MemOp ot, TCGv_i64 d, TCGv_i64 a, bool sign)
{
    switch (ot) {
    case MO_8:
        sign ? tcg_gen_ext8s_i64(d, a) : tcg_gen_ext8u_i64(d, a);
        break;
    case MO_16:
        sign ? tcg_gen_ext16s_i64(d, a) : tcg_gen_ext16u_i64(d, a);
        break;
    case MO_32:
        sign ? tcg_gen_ext32s_i64(d, a) : tcg_gen_ext32u_i64(d, a);
        break;
    default:
        tcg_gen_mov_i64(d, a);
        break;
    }
}

bool disas_parallel(DisasContext *s)
{
    return (s->cflags & CF_PARALLEL) != 0;
}

uint32_t disas_cpuid_ecx1(DisasContext *s)
{
    return s->env->features_ecx;
}

uint64_t disas_next_eip(DisasContext *s)
{
    return s->pc_next_insn - s->cs_base;
}

/* eip of a relative branch: wraps at the operand size */
uint64_t disas_branch_target(DisasContext *s, X86DecodedInsn *d)
{
    uint64_t eip = disas_next_eip(s) + d->imm;

    if (d->dflag == MO_16) {
        eip &= 0xffff;
    } else if (!s->code64) {
        eip &= 0xffffffff;
    }
    return eip;
}

static bool byte_reg_is_xh(DisasContext *s, int reg)
{
    return reg >= 4 && reg < 8 && !(s->insn && s->insn->rex);
}

void gen_op_mov_v_reg(DisasContext *s, MemOp ot, TCGv_i64 t, int reg)
{
    if (ot == MO_8 && byte_reg_is_xh(s, reg)) {
        tcg_gen_extract_i64(t, cpu_regs[reg - 4], 8, 8);
    } else {
        gen_ext(ot, t, cpu_regs[reg], false);
    }
}

void gen_op_mov_reg_v(DisasContext *s, MemOp ot, int reg, TCGv_i64 t)
{
    switch (ot) {
    case MO_8:
        if (byte_reg_is_xh(s, reg)) {
            tcg_gen_deposit_i64(cpu_regs[reg - 4], cpu_regs[reg - 4], t, 8, 8);
        } else {
            tcg_gen_deposit_i64(cpu_regs[reg], cpu_regs[reg], t, 0, 8);
        }
        break;
    case MO_16:
        tcg_gen_deposit_i64(cpu_regs[reg], cpu_regs[reg], t, 0, 16);
        break;
    case MO_32:
        tcg_gen_ext32u_i64(cpu_regs[reg], t);
        break;
    default:
        tcg_gen_mov_i64(cpu_regs[reg], t);
        break;
    }
}

void gen_op_add_reg_im(DisasContext *s, MemOp size, int reg, int64_t v)
{
    tcg_gen_addi_i64(s->tmp0, cpu_regs[reg], v);
    gen_op_mov_reg_v(s, size, reg, s->tmp0);
}

void gen_op_ld_v(DisasContext *s, MemOp ot, TCGv_i64 t, TCGv_i64 a0)
{
    tcg_gen_qemu_ld_i64(t, a0, s->mem_index, ot);
}

void gen_op_st_v(DisasContext *s, MemOp ot, TCGv_i64 t, TCGv_i64 a0)
{
    tcg_gen_qemu_st_i64(t, a0, s->mem_index, ot);
}

void gen_load_imm(DisasContext *s, X86DecodedInsn *d, MemOp ot, TCGv_i64 t)
{
    uint64_t v = d->imm;

    if (ot < MO_64) {
        v &= (1ull << (8 << ot)) - 1;
    }
    tcg_gen_movi_i64(t, v);
}

/* ---------------------------------------------------------------------- */
/* Effective addresses                                                      */

/* Add the segment base and wrap the linear address as the mode requires;
 * A0 holds an offset already wrapped to the address size. */
static void gen_add_seg(DisasContext *s, int def_seg, int ovr)
{
    if (s->code64) {
        if (ovr == R_FS || ovr == R_GS) {
            tcg_gen_add_i64(s->A0, s->A0, cpu_seg_base[ovr]);
        }
        return;
    }
    int seg = ovr >= 0 ? ovr : def_seg;
    if (seg >= 0 && (ovr >= 0 || s->addseg)) {
        tcg_gen_add_i64(s->A0, s->A0, cpu_seg_base[seg]);
        tcg_gen_ext32u_i64(s->A0, s->A0);
    }
}

static void gen_wrap_aflag(DisasContext *s, MemOp aflag, TCGv_i64 a)
{
    if (aflag == MO_32) {
        tcg_gen_ext32u_i64(a, a);
    } else if (aflag == MO_16) {
        tcg_gen_ext16u_i64(a, a);
    }
}

void gen_lea_base(DisasContext *s, TCGv_i64 a, int def_seg, bool ovr_ok)
{
    X86DecodedInsn *d = s->insn;

    tcg_gen_mov_i64(s->A0, a);
    gen_wrap_aflag(s, d->aflag, s->A0);
    gen_add_seg(s, def_seg, ovr_ok ? d->seg : -1);
}

/* the offset part of the ModRM memory operand, wrapped, into s->A0 */
static void gen_lea_offset(DisasContext *s, X86DecodedInsn *d)
{
    TCGv_i64 a0 = s->A0;

    if (d->base == X86_BASE_RIP) {
        tcg_gen_movi_i64(a0, disas_next_eip(s) + d->disp);
    } else if (d->base >= 0) {
        if (d->index >= 0) {
            tcg_gen_shli_i64(a0, cpu_regs[d->index], d->scale);
            tcg_gen_add_i64(a0, a0, cpu_regs[d->base]);
        } else {
            tcg_gen_mov_i64(a0, cpu_regs[d->base]);
        }
        if (d->disp) {
            tcg_gen_addi_i64(a0, a0, d->disp);
        }
    } else if (d->index >= 0) {
        tcg_gen_shli_i64(a0, cpu_regs[d->index], d->scale);
        if (d->disp) {
            tcg_gen_addi_i64(a0, a0, d->disp);
        }
    } else {
        tcg_gen_movi_i64(a0, d->disp);
    }
    gen_wrap_aflag(s, d->aflag, a0);
}

void gen_lea_modrm(DisasContext *s, X86DecodedInsn *d)
{
    int def_seg = R_DS;

    gen_lea_offset(s, d);
    if (d->base == R_ESP || d->base == R_EBP) {
        def_seg = R_SS;
    }
    gen_add_seg(s, def_seg, d->seg);
}

void gen_ld_modrm(DisasContext *s, X86DecodedInsn *d, MemOp ot, TCGv_i64 t)
{
    if (d->mod == 3) {
        gen_op_mov_v_reg(s, ot, t, d->rm);
    } else {
        gen_lea_modrm(s, d);
        gen_op_ld_v(s, ot, t, s->A0);
    }
}

void gen_st_modrm(DisasContext *s, X86DecodedInsn *d, MemOp ot, TCGv_i64 t)
{
    if (d->mod == 3) {
        gen_op_mov_reg_v(s, ot, d->rm, t);
    } else {
        gen_op_st_v(s, ot, t, s->A0);
    }
}

/* the LEA insn: offset only, no segment */
void gen_op_lea(DisasContext *s, X86DecodedInsn *d)
{
    gen_lea_offset(s, d);
    gen_op_mov_reg_v(s, d->dflag, d->reg, s->A0);
}

/* ---------------------------------------------------------------------- */
/* Lazy condition codes                                                     */

static int cc_size(CCOp op)
{
    return (op - CC_OP_ADDB) & 3;
}

bool cc_op_is_co(CCOp op)
{
    return op >= CC_OP_CO && op <= CC_OP_CO_LAST;
}

/* the op whose flags a CO op keeps (all but CF and OF) */
CCOp cc_co_inner(CCOp op)
{
    return op - CC_OP_CO + CC_OP_ADDB;
}

/*
 * Entering a static cc_op, the cc globals it does not read are dead:
 * saying so lets liveness drop their last computation (for instance the
 * EFLAGS that a ROR computed just before an XOR, which writes only
 * cc_dst) instead of storing it at every TB exit.
 */
void gen_set_cc_op(DisasContext *s, CCOp op)
{
    if (s->cc_op == op) {
        return;
    }
    if (op != CC_OP_DYNAMIC) {
        bool co = cc_op_is_co(op);
        CCOp inner = co ? cc_co_inner(op) : op;
        CCOp base = inner >= CC_OP_ADDB ? inner - cc_size(inner) : inner;
        bool uses_dst = op != CC_OP_EFLAGS;
        bool uses_src = base != CC_OP_LOGICB;
        bool uses_src2 = co || base == CC_OP_ADCB || base == CC_OP_SBBB;

        if (!uses_dst) {
            tcg_gen_discard_i64(cpu_cc_dst);
        }
        if (!uses_src) {
            tcg_gen_discard_i64(cpu_cc_src);
        }
        if (!uses_src2) {
            tcg_gen_discard_i64(cpu_cc_src2);
        }
        if (base != CC_OP_SUBB) {
            tcg_gen_discard_i64(s->cc_srcT);
        }
    }
    s->cc_op = op;
    s->cc_op_dirty = op != CC_OP_DYNAMIC;
}

void gen_update_cc_op(DisasContext *s)
{
    if (s->cc_op_dirty) {
        tcg_gen_movi_i32(cpu_cc_op, s->cc_op);
        s->cc_op_dirty = false;
    }
}

static TCGv_i32 cc_op_arg(DisasContext *s)
{
    if (s->cc_op == CC_OP_DYNAMIC) {
        return cpu_cc_op;
    }
    return tcg_constant_i32(s->cc_op);
}

void gen_compute_eflags(DisasContext *s, TCGv_i64 reg)
{
    if (s->cc_op == CC_OP_EFLAGS) {
        tcg_gen_mov_i64(reg, cpu_cc_src);
        return;
    }
    tcg_gen_call(helper_cc_compute_all, TCG_CALL_NO_RWG_SE, tcgv64(reg), tcgv64(cpu_cc_dst),
                 tcgv64(cpu_cc_src), tcgv64(cpu_cc_src2), tcgv32(cc_op_arg(s)));
}

void gen_update_cc_eflags(DisasContext *s, TCGv_i64 flags)
{
    tcg_gen_andi_i64(cpu_cc_src, flags, CC_ALL);
    gen_set_cc_op(s, CC_OP_EFLAGS);
}

static int64_t sign_mask(MemOp ot)
{
    return (int64_t)(1ull << ((8 << ot) - 1));
}

void gen_compute_cf(DisasContext *s, TCGv_i64 reg)
{
    CCOp op = s->cc_op;
    MemOp ot = op >= CC_OP_ADDB ? (MemOp)cc_size(op) : MO_64;

    if (cc_op_is_co(op)) {
        tcg_gen_andi_i64(reg, cpu_cc_src2, CC_C);
        return;
    }
    switch (op) {
    case CC_OP_SUBB ... CC_OP_SUBQ:
        tcg_gen_setcond_i64(TCG_COND_LTU, reg, s->cc_srcT, cpu_cc_src);
        return;
    case CC_OP_ADDB ... CC_OP_ADDQ:
        tcg_gen_setcond_i64(TCG_COND_LTU, reg, cpu_cc_dst, cpu_cc_src);
        return;
    case CC_OP_LOGICB ... CC_OP_LOGICQ:
        tcg_gen_movi_i64(reg, 0);
        return;
    case CC_OP_INCB ... CC_OP_DECQ:
        tcg_gen_mov_i64(reg, cpu_cc_src);
        return;
    case CC_OP_SHLB ... CC_OP_SHLQ:
        tcg_gen_extract_i64(reg, cpu_cc_src, (8 << ot) - 1, 1);
        return;
    case CC_OP_SARB ... CC_OP_SARQ:
        tcg_gen_andi_i64(reg, cpu_cc_src, 1);
        return;
    case CC_OP_MULB ... CC_OP_MULQ:
        tcg_gen_setcondi_i64(TCG_COND_NE, reg, cpu_cc_src, 0);
        return;
    case CC_OP_EFLAGS:
        tcg_gen_andi_i64(reg, cpu_cc_src, CC_C);
        return;
    default:
        tcg_gen_call(helper_cc_compute_c, TCG_CALL_NO_RWG_SE, tcgv64(reg), tcgv64(cpu_cc_dst),
                     tcgv64(cpu_cc_src), tcgv64(cpu_cc_src2), tcgv32(cc_op_arg(s)));
        return;
    }
}

/* A condition as (reg cond reg2/imm) */
typedef struct CCPrepare {
    TCGCond cond;
    TCGv_i64 reg;
    TCGv_i64 reg2;
    int64_t imm;
    bool use_reg2;
} CCPrepare;

/* The non-inverted condition jcc (0 O, 1 B, 2 Z, 3 BE, 4 S, 5 P, 6 L, 7 LE) */
static CCPrepare gen_prepare_cc(DisasContext *s, int jcc, TCGv_i64 scratch)
{
    CCOp op = s->cc_op;
    CCPrepare p = { .cond = TCG_COND_NEVER, .reg = scratch };

    if (cc_op_is_co(op)) {
        switch (jcc) {
        case 0:
            return (CCPrepare){ TCG_COND_TSTNE, cpu_cc_src2, NULL, CC_O, false };
        case 1:
            return (CCPrepare){ TCG_COND_TSTNE, cpu_cc_src2, NULL, CC_C, false };
        case 2:
        case 4:
        case 5:
            /* ZF, SF and PF are the inner op's */
            s->cc_op = cc_co_inner(op);
            p = gen_prepare_cc(s, jcc, scratch);
            s->cc_op = op;
            return p;
        }
    }
    if (op >= CC_OP_ADDB && op <= CC_OP_MULQ) {
        MemOp ot = (MemOp)cc_size(op);
        CCOp base = op - ot;
        bool zs = true;

        if (base == CC_OP_SUBB && jcc != 0 && jcc != 5 && jcc != 4) {
            switch (jcc) {
            case 1:
                return (CCPrepare){ TCG_COND_LTU, s->cc_srcT, cpu_cc_src, 0, true };
            case 2:
                return (CCPrepare){ TCG_COND_EQ, s->cc_srcT, cpu_cc_src, 0, true };
            case 3:
                return (CCPrepare){ TCG_COND_LEU, s->cc_srcT, cpu_cc_src, 0, true };
            case 6:
            case 7: {
                TCGCond c = jcc == 6 ? TCG_COND_LT : TCG_COND_LE;
                if (ot == MO_64) {
                    return (CCPrepare){ c, s->cc_srcT, cpu_cc_src, 0, true };
                }
                gen_ext(ot, scratch, s->cc_srcT, true);
                gen_ext(ot, s->tmp1, cpu_cc_src, true);
                return (CCPrepare){ c, scratch, s->tmp1, 0, true };
            }
            }
        }
        if (zs && jcc == 2) {
            return (CCPrepare){ TCG_COND_EQ, cpu_cc_dst, NULL, 0, false };
        }
        if (zs && jcc == 4) {
            return (CCPrepare){ TCG_COND_TSTNE, cpu_cc_dst, NULL, sign_mask(ot), false };
        }
        if (base == CC_OP_LOGICB) {
            switch (jcc) {
            case 0:
            case 1:
                return (CCPrepare){ TCG_COND_NEVER, cpu_cc_dst, NULL, 0, false };
            case 3:
                return (CCPrepare){ TCG_COND_EQ, cpu_cc_dst, NULL, 0, false };
            case 6:
                return (CCPrepare){ TCG_COND_TSTNE, cpu_cc_dst, NULL, sign_mask(ot), false };
            case 7:
                if (ot == MO_64) {
                    return (CCPrepare){ TCG_COND_LE, cpu_cc_dst, NULL, 0, false };
                }
                gen_ext(ot, scratch, cpu_cc_dst, true);
                return (CCPrepare){ TCG_COND_LE, scratch, NULL, 0, false };
            }
        }
        if (jcc == 1 && base != CC_OP_ADCB && base != CC_OP_SBBB) {
            gen_compute_cf(s, scratch);
            return (CCPrepare){ TCG_COND_NE, scratch, NULL, 0, false };
        }
    }

    /* everything else: from the materialised flags */
    gen_compute_eflags(s, scratch);
    switch (jcc) {
    case 0:
        p = (CCPrepare){ TCG_COND_TSTNE, scratch, NULL, CC_O, false };
        break;
    case 1:
        p = (CCPrepare){ TCG_COND_TSTNE, scratch, NULL, CC_C, false };
        break;
    case 2:
        p = (CCPrepare){ TCG_COND_TSTNE, scratch, NULL, CC_Z, false };
        break;
    case 3:
        p = (CCPrepare){ TCG_COND_TSTNE, scratch, NULL, CC_Z | CC_C, false };
        break;
    case 4:
        p = (CCPrepare){ TCG_COND_TSTNE, scratch, NULL, CC_S, false };
        break;
    case 5:
        p = (CCPrepare){ TCG_COND_TSTNE, scratch, NULL, CC_P, false };
        break;
    case 6:
    case 7:
        /* SF (bit 7) moved onto OF (bit 11) and xored */
        tcg_gen_shli_i64(s->tmp1, scratch, 4);
        tcg_gen_xor_i64(s->tmp1, s->tmp1, scratch);
        if (jcc == 7) {
            tcg_gen_andi_i64(s->tmp1, s->tmp1, CC_O);
            tcg_gen_andi_i64(scratch, scratch, CC_Z);
            tcg_gen_or_i64(scratch, scratch, s->tmp1);
            p = (CCPrepare){ TCG_COND_TSTNE, scratch, NULL, CC_O | CC_Z, false };
        } else {
            p = (CCPrepare){ TCG_COND_TSTNE, s->tmp1, NULL, CC_O, false };
        }
        break;
    }
    return p;
}

static CCPrepare gen_prepare_cc_inv(DisasContext *s, int b, TCGv_i64 scratch)
{
    CCPrepare p = gen_prepare_cc(s, (b >> 1) & 7, scratch);

    if (b & 1) {
        p.cond = tcg_invert_cond(p.cond);
    }
    return p;
}

void gen_setcc(DisasContext *s, int b, TCGv_i64 reg)
{
    CCPrepare p = gen_prepare_cc_inv(s, b, reg);

    if (p.use_reg2) {
        tcg_gen_setcond_i64(p.cond, reg, p.reg, p.reg2);
    } else {
        tcg_gen_setcondi_i64(p.cond, reg, p.reg, p.imm);
    }
}

void gen_brcc(DisasContext *s, int b, TCGLabel *l)
{
    CCPrepare p = gen_prepare_cc_inv(s, b, s->tmp0);

    if (p.use_reg2) {
        tcg_gen_brcond_i64(p.cond, p.reg, p.reg2, l);
    } else {
        tcg_gen_brcondi_i64(p.cond, p.reg, p.imm, l);
    }
}

void gen_op_cmov(DisasContext *s, X86DecodedInsn *d)
{
    CCPrepare p;

    gen_ld_modrm(s, d, d->ot, s->T1);
    gen_op_mov_v_reg(s, d->ot, s->T0, d->reg);
    p = gen_prepare_cc_inv(s, d->b & 15, s->tmp0);
    TCGv_i64 c2 = p.use_reg2 ? p.reg2 : tcg_constant_i64(p.imm);
    tcg_gen_movcond_i64(p.cond, s->T0, p.reg, c2, s->T1, s->T0);
    /* a 32-bit CMOV writes (zero-extends) its destination either way */
    gen_op_mov_reg_v(s, d->ot, d->reg, s->T0);
}

void gen_op_setcc(DisasContext *s, X86DecodedInsn *d)
{
    gen_setcc(s, d->b & 15, s->T0);
    if (d->mod != 3) {
        gen_lea_modrm(s, d);
    }
    gen_st_modrm(s, d, MO_8, s->T0);
}

/* ---------------------------------------------------------------------- */
/* Exceptions and TB endings                                                */

static void gen_sync_eip(DisasContext *s, uint64_t eip)
{
    tcg_gen_movi_i64(cpu_eip, eip);
}

void gen_exception_err(DisasContext *s, int excp, int err)
{
    gen_update_cc_op(s);
    gen_sync_eip(s, s->pc_start - s->cs_base);
    tcg_gen_call(helper_raise_exception, 0, NULL, tcgvp(tcg_ctx->env),
                 tcgv32(tcg_constant_i32(excp)), tcgv32(tcg_constant_i32(err)));
    s->base.is_jmp = DISAS_NORETURN;
}

/*
 * Long loops inside one insn (REP strings) call this once per iteration:
 * when another thread or a host signal asked the CPU to stop, leave the TB
 * with eip at the current insn, whose register state is restartable at
 * every iteration boundary. The caller keeps env->cc_op current.
 */
void gen_exit_if_requested(DisasContext *s)
{
    TCGLabel *cont = gen_new_label();
    TCGv_i32 req = tcg_temp_ebb_new_i32();

    tcg_gen_ld_i32(req, tcg_ctx->env,
                   (intptr_t)offsetof(CPUState, exit_request) - (intptr_t)offsetof(X86CPU, env));
    tcg_gen_brcondi_i32(TCG_COND_EQ, req, 0, cont);
    tcg_temp_free_i32(req);
    gen_sync_eip(s, s->pc_start - s->cs_base);
    tcg_gen_exit_tb(NULL, 0);
    gen_set_label(cont);
}

void gen_exception(DisasContext *s, int excp)
{
    gen_exception_err(s, excp, 0);
}

/* software interrupts (INT n, INT3, INTO) are traps: env->eip and
 * env->exception_next_eip both point after the insn */
void gen_exception_next(DisasContext *s, int excp, int err)
{
    gen_update_cc_op(s);
    gen_sync_eip(s, disas_next_eip(s));
    tcg_gen_call(helper_raise_trap, 0, NULL, tcgvp(tcg_ctx->env),
                 tcgv32(tcg_constant_i32(excp)), tcgv32(tcg_constant_i32(err)),
                 tcgv64(tcg_constant_i64(disas_next_eip(s))));
    s->base.is_jmp = DISAS_NORETURN;
}

void gen_illegal_opcode(DisasContext *s)
{
    gen_exception(s, EXCP06_ILLOP);
}

static void gen_lookup_and_goto_ptr(DisasContext *s)
{
#ifndef CONFIG_USER_ONLY
    if (s->flags & HF_INHIBIT_IRQ_MASK) {
        /* the insn in the STI/MOV SS shadow is done: interrupts may come */
        tcg_gen_call(helper_irq_window, 0, NULL, tcgvp(tcg_ctx->env));
    }
#endif

    TCGv_i64 csb = tcg_temp_new_i64(), pc = tcg_temp_new_i64();
    TCGv_i32 fl = tcg_temp_new_i32();
    tcg_gen_ld_i64(csb, tcg_ctx->env, offsetof(CPUX86State, segs[R_CS].base));
    tcg_gen_add_i64(pc, csb, cpu_eip);
    tcg_gen_ld_i32(fl, tcg_ctx->env, offsetof(CPUX86State, hflags));
    tb_gen_lookup_and_goto_ptr(s->base.tb, pc, csb, fl);
}

/*
 * Direct chaining to eip: in system mode only within the page of the TB
 * start or of the current insn, whose mapping the TB already depends on
 * (another page may be remapped without this TB being invalidated).
 */
static bool use_goto_tb(DisasContext *s, uint64_t eip)
{
    if (!s->jmp_opt) {
        return false;
    }
#ifndef CONFIG_USER_ONLY
    uint64_t pc = s->cs_base + eip;
    if (((pc ^ s->base.pc_first) & TARGET_PAGE_MASK_I386) != 0 &&
        ((pc ^ s->pc_start) & TARGET_PAGE_MASK_I386) != 0) {
        return false;
    }
#endif
    return true;
}

/* Leave the TB towards eip (the linear pc is cs_base + eip). */
static void gen_goto_tb(DisasContext *s, int n, uint64_t eip)
{
    gen_update_cc_op(s);
    if (use_goto_tb(s, eip)) {
        tcg_gen_goto_tb(n);
        gen_sync_eip(s, eip);
        tcg_gen_exit_tb(s->base.tb, n);
    } else {
        gen_sync_eip(s, eip);
        gen_lookup_and_goto_ptr(s);
    }
}

void gen_jmp_to(DisasContext *s, uint64_t eip)
{
    gen_goto_tb(s, 0, eip);
    s->base.is_jmp = DISAS_NORETURN;
}

void gen_jmp_indirect(DisasContext *s, TCGv_i64 eip)
{
    tcg_gen_mov_i64(cpu_eip, eip);
    s->base.is_jmp = DISAS_JUMP;
}

/*
 * The two exits of a conditional branch whose condition code already
 * jumped to `taken`: each exit needs its own goto_tb slot, or chaining one
 * would patch the other's jump too.
 */
void gen_branch_exits(DisasContext *s, TCGLabel *taken, uint64_t target_eip)
{
    gen_goto_tb(s, 0, disas_next_eip(s));
    gen_set_label(taken);
    gen_goto_tb(s, 1, target_eip);
    s->base.is_jmp = DISAS_NORETURN;
}

void gen_jcc(DisasContext *s, int b, uint64_t target_eip)
{
    TCGLabel *taken = gen_new_label();

    gen_update_cc_op(s);
    gen_brcc(s, b, taken);
    gen_branch_exits(s, taken, target_eip);
}

/* ---------------------------------------------------------------------- */
/* Stack                                                                    */

MemOp gen_stack_aflag(DisasContext *s)
{
    return s->code64 ? MO_64 : s->ss32 ? MO_32 : MO_16;
}

static void gen_stack_a0(DisasContext *s, TCGv_i64 off)
{
    MemOp a = gen_stack_aflag(s);

    tcg_gen_mov_i64(s->A0, off);
    gen_wrap_aflag(s, a, s->A0);
    if (!s->code64 && s->addseg) {
        tcg_gen_add_i64(s->A0, s->A0, cpu_seg_base[R_SS]);
        tcg_gen_ext32u_i64(s->A0, s->A0);
    }
}

void gen_push_v(DisasContext *s, MemOp ot, TCGv_i64 v)
{
    TCGv_i64 nsp = tcg_temp_new_i64();

    tcg_gen_subi_i64(nsp, cpu_regs[R_ESP], 1 << ot);
    gen_stack_a0(s, nsp);
    gen_op_st_v(s, ot, v, s->A0);
    gen_op_mov_reg_v(s, gen_stack_aflag(s), R_ESP, nsp);
}

void gen_pop_v(DisasContext *s, MemOp ot, TCGv_i64 v)
{
    gen_stack_a0(s, cpu_regs[R_ESP]);
    gen_op_ld_v(s, ot, v, s->A0);
}

void gen_pop_update(DisasContext *s, MemOp ot)
{
    gen_op_add_reg_im(s, gen_stack_aflag(s), R_ESP, 1 << ot);
}

/* ---------------------------------------------------------------------- */
/* Dispatch                                                                 */

static void gen_op_invalid(DisasContext *s, X86DecodedInsn *d)
{
    gen_illegal_opcode(s);
}

static const X86GenFunc x86_emitters[OP_NB] = {
    [OP_INVALID] = gen_op_invalid,
    [OP_ALU] = gen_op_alu,
    [OP_ALU_GRP1] = gen_op_alu_grp1,
    [OP_INCDEC_R] = gen_op_incdec_r,
    [OP_PUSH_R] = gen_op_push_r,
    [OP_POP_R] = gen_op_pop_r,
    [OP_PUSH_I] = gen_op_push_i,
    [OP_PUSH_SEG] = gen_op_push_seg,
    [OP_POP_SEG] = gen_op_pop_seg,
    [OP_PUSHA] = gen_op_pusha,
    [OP_POPA] = gen_op_popa,
    [OP_BOUND] = gen_op_ud,
    [OP_ARPL] = gen_op_movsxd,
    [OP_MOVSXD] = gen_op_movsxd,
    [OP_IMUL3] = gen_op_imul3,
    [OP_INS] = gen_op_gp,
    [OP_OUTS] = gen_op_gp,
    [OP_JCC] = gen_op_jcc,
    [OP_TEST] = gen_op_test,
    [OP_XCHG] = gen_op_xchg,
    [OP_MOV] = gen_op_mov,
    [OP_MOV_SEG] = gen_op_mov_seg,
    [OP_LEA] = gen_op_lea,
    [OP_POP_EV] = gen_op_pop_ev,
    [OP_XCHG_AX] = gen_op_xchg_ax,
    [OP_NOP] = gen_op_nop,
    [OP_CBW] = gen_op_cbw,
    [OP_CWD] = gen_op_cwd,
    [OP_CALLF] = gen_op_gp,
    [OP_WAIT] = gen_op_wait,
    [OP_PUSHF] = gen_op_pushf,
    [OP_POPF] = gen_op_popf,
    [OP_SAHF] = gen_op_sahf,
    [OP_LAHF] = gen_op_lahf,
    [OP_MOV_MOFFS] = gen_op_mov_moffs,
    [OP_MOVS] = gen_op_string,
    [OP_CMPS] = gen_op_string,
    [OP_STOS] = gen_op_string,
    [OP_LODS] = gen_op_string,
    [OP_SCAS] = gen_op_string,
    [OP_MOV_RI] = gen_op_mov_ri,
    [OP_SHIFT_GRP2] = gen_op_shift_grp2,
    [OP_RET] = gen_op_ret,
    [OP_LES] = gen_op_gp,
    [OP_MOV_GRP11] = gen_op_mov_grp11,
    [OP_ENTER] = gen_op_enter,
    [OP_LEAVE] = gen_op_leave,
    [OP_RETF] = gen_op_gp,
    [OP_INT3] = gen_op_int3,
    [OP_INT] = gen_op_int,
    [OP_INTO] = gen_op_into,
    [OP_IRET] = gen_op_gp,
    [OP_AAM] = gen_op_bcd,
    [OP_AAD] = gen_op_bcd,
    [OP_SALC] = gen_op_bcd,
    [OP_XLAT] = gen_op_xlat,
    [OP_X87] = gen_op_x87,
    [OP_LOOP] = gen_op_loop,
    [OP_IN] = gen_op_gp,
    [OP_OUT] = gen_op_gp,
    [OP_CALL] = gen_op_call,
    [OP_JMP] = gen_op_jmp,
    [OP_JMPF] = gen_op_gp,
    [OP_INT1] = gen_op_int1,
    [OP_HLT] = gen_op_gp,
    [OP_CMC] = gen_op_cmc,
    [OP_GRP3] = gen_op_grp3,
    [OP_FLAGOP] = gen_op_flagop,
    [OP_GRP4] = gen_op_grp4,
    [OP_GRP5] = gen_op_grp5,
    [OP_DAA] = gen_op_bcd,
    [OP_DAS] = gen_op_bcd,
    [OP_AAA] = gen_op_bcd,
    [OP_AAS] = gen_op_bcd,
    [OP_PRIV] = gen_op_gp,
    [OP_GRP6] = gen_op_gp,
    [OP_GRP7] = gen_op_grp7,
    [OP_LAR_LSL] = gen_op_gp,
    [OP_SYSCALL] = gen_op_syscall,
    [OP_SYSRET] = gen_op_gp,
    [OP_UD] = gen_op_ud,
    [OP_NOP_MODRM] = gen_op_nop,
    [OP_PREFETCH] = gen_op_nop,
    [OP_CPUID] = gen_op_cpuid,
    [OP_RDTSC] = gen_op_rdtsc,
    [OP_RDPMC] = gen_op_gp,
    [OP_CMOV] = gen_op_cmov,
    [OP_SETCC] = gen_op_setcc,
    [OP_BT] = gen_op_bt,
    [OP_BTS] = gen_op_bt,
    [OP_BTR] = gen_op_bt,
    [OP_BTC] = gen_op_bt,
    [OP_BT_GRP8] = gen_op_bt_grp8,
    [OP_SHLD] = gen_op_shld,
    [OP_SHRD] = gen_op_shrd,
    [OP_GRP15] = gen_op_grp15,
    [OP_IMUL2] = gen_op_imul2,
    [OP_CMPXCHG] = gen_op_cmpxchg,
    [OP_MOVZX] = gen_op_movzx,
    [OP_MOVSX] = gen_op_movsx,
    [OP_BSF] = gen_op_bsf,
    [OP_BSR] = gen_op_bsr,
    [OP_XADD] = gen_op_xadd,
    [OP_GRP9] = gen_op_grp9,
    [OP_BSWAP] = gen_op_bswap,
    [OP_MOVBE] = gen_op_movbe,
    [OP_SSE] = gen_op_sse,
    [OP_3DNOW] = gen_op_ud,
    [OP_SYSENTER] = gen_op_gp,
    [OP_ENDBR_NOP] = gen_op_nop,
    [OP_RDRAND] = gen_op_ud,
    [OP_POPCNT] = gen_op_popcnt,
    [OP_BMI] = gen_op_bmi,
};

/* ---------------------------------------------------------------------- */
/* Translator hooks                                                         */

static uint8_t x86_fetch_code(void *opaque, uint64_t addr)
{
    return translator_ldub(opaque, addr);
}

static void x86_init_disas_context(DisasContextBase *db, CPUState *cs)
{
    DisasContext *s = (DisasContext *)db;
    CPUX86State *env = cpu_env(cs);
    uint32_t flags = db->tb->flags;

    s->env = env;
    s->cs_base = db->tb->cs_base;
    s->flags = flags;
    s->cflags = db->tb->cflags;
    s->cpl = flags & HF_CPL_MASK;
    s->pe = (flags & HF_PE_MASK) != 0;
    s->vm86 = (flags & HF_VM_MASK) != 0;
    s->code64 = (flags & HF_CS64_MASK) != 0;
    s->code32 = (flags & HF_CS32_MASK) != 0;
    s->ss32 = (flags & HF_SS32_MASK) != 0;
    s->addseg = (flags & HF_ADDSEG_MASK) != 0;
    /* X86_MMU_USER (0) at CPL 3, which is all linux-user runs */
    s->mem_index = s->cpl == 3 ? X86_MMU_USER : X86_MMU_KERNEL;
    s->jmp_opt = !(s->cflags & CF_NO_CHAIN) && !db->singlestep_enabled;
    if (flags & HF_INHIBIT_IRQ_MASK) {
        /* one insn in the interrupt shadow, then a check for interrupts */
        db->max_insns = 1;
        s->jmp_opt = false;
    }
    s->cc_op = CC_OP_DYNAMIC;
    s->cc_op_dirty = false;
    s->A0 = tcg_temp_new_i64();
    s->T0 = tcg_temp_new_i64();
    s->T1 = tcg_temp_new_i64();
    s->tmp0 = tcg_temp_new_i64();
    s->tmp1 = tcg_temp_new_i64();
    s->cc_srcT = tcg_temp_new_i64();
}

static void x86_tb_start(DisasContextBase *db, CPUState *cs)
{
}

static void x86_insn_start(DisasContextBase *db, CPUState *cs)
{
    DisasContext *s = (DisasContext *)db;

    tcg_gen_insn_start(db->pc_next, s->cc_op);
}

static void x86_translate_insn(DisasContextBase *db, CPUState *cs)
{
    DisasContext *s = (DisasContext *)db;
    X86DecodedInsn insn;
    int r;

    s->pc_start = db->pc_next;
    s->insn = &insn;
    r = x86_decode(&insn, db->pc_next, s->flags, x86_fetch_code, cs);
    if (r == X86_DEC_GP) {
        s->pc_next_insn = db->pc_next + 15;
        db->pc_next += 15;
        gen_exception_err(s, EXCP0D_GPF, 0);
        return;
    }
    s->pc_next_insn = db->pc_next + insn.len;
    db->pc_next = s->pc_next_insn;
    if (r != X86_DEC_OK) {
        gen_illegal_opcode(s);
        return;
    }
    X86GenFunc emit = x86_emitters[insn.e->op];
#ifndef CONFIG_USER_ONLY
    if (x86_sys_emitters[insn.e->op]) {
        emit = x86_sys_emitters[insn.e->op];
    }
#endif
    emit(s, &insn);
    s->insn = NULL;

    /* a TB covers at most two pages: stop once we left the first one */
    if (db->is_jmp == DISAS_NEXT &&
        ((db->pc_next ^ db->pc_first) & ~(uint64_t)0xfff) != 0) {
        db->is_jmp = DISAS_TOO_MANY;
    }
}

static void x86_tb_stop(DisasContextBase *db, CPUState *cs)
{
    DisasContext *s = (DisasContext *)db;

    switch (db->is_jmp) {
    case DISAS_NORETURN:
        break;
    case DISAS_NEXT:
    case DISAS_TOO_MANY:
        gen_goto_tb(s, 0, db->pc_next - s->cs_base);
        break;
    case DISAS_EOB_NEXT:
        gen_update_cc_op(s);
        gen_sync_eip(s, db->pc_next - s->cs_base);
        gen_lookup_and_goto_ptr(s);
        break;
    case DISAS_JUMP:
        gen_update_cc_op(s);
        gen_lookup_and_goto_ptr(s);
        break;
    default:
        break;
    }
}

static const TranslatorOps x86_translator_ops = {
    .init_disas_context = x86_init_disas_context,
    .tb_start = x86_tb_start,
    .insn_start = x86_insn_start,
    .translate_insn = x86_translate_insn,
    .tb_stop = x86_tb_stop,
};

void x86_cpu_translate(CPUState *cs, TranslationBlock *tb, int max_insns)
{
    DisasContext dc;

    x86_translate_init();
    memset(&dc, 0, sizeof(dc));
    translator_loop(cs, tb, max_insns, &x86_translator_ops, &dc.base,
                    (intptr_t)offsetof(CPUState, exit_request) - (intptr_t)offsetof(X86CPU, env));
}
