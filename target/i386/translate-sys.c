/*
 * System mode: emitters for the insns that linux-user turns into #GP or
 * handles itself — I/O (IN/OUT/INS/OUTS with IOPL and the TSS bitmap),
 * far transfers (CALL/JMP/RET far, IRET), segment register loads, INT n,
 * HLT, CLI/STI, PUSHF/POPF in VM86, control/debug registers, MSRs,
 * descriptor-table insns (group 6/7), LAR/LSL, SYSCALL/SYSRET,
 * SYSENTER/SYSEXIT, BOUND, ARPL. x86_sys_emitters overrides the
 * user-mode table entry of translate.c for the groups it names.
 *
 * Conventions: a helper that may fault is called after gen_update_cc_op
 * (the insn_start words restore eip). A helper that changes EFLAGS
 * leaves cc_op = EFLAGS in env: the emitter then makes the static cc_op
 * dynamic. An insn that changes state the TB flags hold (CPL, CS/SS
 * size, CR0, IOPL, ...) ends the TB; one whose helper sets eip ends it
 * with DISAS_JUMP.
 */
#include <stddef.h>

#include "seg_helper.h"

#define ENV tcgvp(tcg_ctx->env)

static void gen_sync_eip_cur(DisasContext *s)
{
    tcg_gen_movi_i64(cpu_eip, s->pc_start - s->cs_base);
}

/* before a helper that may fault or reads the flags */
static void gen_helper_prep(DisasContext *s)
{
    gen_update_cc_op(s);
}

/* after a helper that changed EFLAGS (env->cc_op is EFLAGS now) */
static void gen_flags_changed(DisasContext *s)
{
    gen_set_cc_op(s, CC_OP_DYNAMIC);
}

static bool check_cpl0(DisasContext *s)
{
    if (s->cpl != 0) {
        gen_exception_err(s, EXCP0D_GPF, 0);
        return false;
    }
    return true;
}

/* protected mode, not VM86: else #UD (group 6, LAR, LSL, ARPL) */
static bool check_prot(DisasContext *s)
{
    if (!s->pe || s->vm86) {
        gen_illegal_opcode(s);
        return false;
    }
    return true;
}

static int disas_iopl(DisasContext *s)
{
    return (s->flags >> HF_IOPL_SHIFT) & 3;
}

/* CLI/STI/PUSHF/POPF/INT n/IRET rules: in VM86 IOPL must be 3 */
static bool check_vm86_iopl(DisasContext *s)
{
    if (s->vm86 && disas_iopl(s) != 3) {
        gen_exception_err(s, EXCP0D_GPF, 0);
        return false;
    }
    return true;
}

/* ---------------------------------------------------------------------- */
/* I/O                                                                      */

static MemOp io_ot(X86DecodedInsn *d)
{
    return d->ot == MO_8 ? MO_8 : d->dflag == MO_16 ? MO_16 : MO_32;
}

static void gen_check_io(DisasContext *s, TCGv_i64 port, MemOp ot)
{
    if (s->pe && (s->vm86 || s->cpl > disas_iopl(s))) {
        TCGv_i32 p32 = tcg_temp_new_i32();
        tcg_gen_extrl_i64_i32(p32, port);
        gen_helper_prep(s);
        tcg_gen_call(helper_check_io, 0, NULL, ENV, tcgv32(p32),
                     tcgv32(tcg_constant_i32(1 << ot)));
    }
}

static void gen_in(DisasContext *s, TCGv_i64 port, MemOp ot, TCGv_i64 ret)
{
    TCGv_i32 p32 = tcg_temp_new_i32();

    tcg_gen_extrl_i64_i32(p32, port);
    tcg_gen_call(helper_in, 0, tcgv64(ret), ENV, tcgv32(p32), tcgv32(tcg_constant_i32(ot)));
}

static void gen_out(DisasContext *s, TCGv_i64 port, MemOp ot, TCGv_i64 val)
{
    TCGv_i32 p32 = tcg_temp_new_i32();

    tcg_gen_extrl_i64_i32(p32, port);
    tcg_gen_call(helper_out, 0, NULL, ENV, tcgv32(p32), tcgv64(val), tcgv32(tcg_constant_i32(ot)));
}

static void gen_sys_in_out(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = io_ot(d);
    TCGv_i64 port = tcg_temp_new_i64();

    if (d->e->arg == 0) {
        tcg_gen_movi_i64(port, d->imm & 0xff);
    } else {
        tcg_gen_ext16u_i64(port, cpu_regs[R_EDX]);
    }
    gen_check_io(s, port, ot);
    if (d->e->op == OP_IN) {
        gen_in(s, port, ot, s->T0);
        gen_op_mov_reg_v(s, ot, R_EAX, s->T0);
    } else {
        gen_op_mov_v_reg(s, ot, s->T0, R_EAX);
        gen_out(s, port, ot, s->T0);
        /* a device may have raised an interrupt or remapped memory */
        s->base.is_jmp = DISAS_EOB_NEXT;
    }
}

/* INS/OUTS with REP: the loop is restartable at each iteration */
static void gen_sys_ins_outs(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = io_ot(d);
    MemOp a = d->aflag;
    bool ins = d->e->op == OP_INS;
    bool rep = (d->prefixes & (PREFIX_REPZ | PREFIX_REPNZ)) != 0;
    TCGv_i64 port = tcg_temp_new_i64();
    TCGv_i64 delta = tcg_temp_new_i64();
    TCGLabel *done = gen_new_label();
    TCGLabel *loop = gen_new_label();

    tcg_gen_ext16u_i64(port, cpu_regs[R_EDX]);
    gen_check_io(s, port, ot);
    gen_update_cc_op(s);
    tcg_gen_ld32s_i64(delta, tcg_ctx->env, offsetof(CPUX86State, df));
    if (ot) {
        tcg_gen_shli_i64(delta, delta, ot);
    }
    gen_set_label(loop);
    if (rep) {
        gen_ext(a, s->T1, cpu_regs[R_ECX], false);
        tcg_gen_brcondi_i64(TCG_COND_EQ, s->T1, 0, done);
        gen_exit_if_requested(s);
    }
    if (ins) {
        /* probe the destination first, so a fault loses no input */
        gen_lea_base(s, cpu_regs[R_EDI], R_ES, false);
        gen_op_ld_v(s, ot, s->T0, s->A0);
        gen_in(s, port, ot, s->T0);
        gen_lea_base(s, cpu_regs[R_EDI], R_ES, false);
        gen_op_st_v(s, ot, s->T0, s->A0);
        tcg_gen_add_i64(s->tmp0, cpu_regs[R_EDI], delta);
        gen_op_mov_reg_v(s, a, R_EDI, s->tmp0);
    } else {
        gen_lea_base(s, cpu_regs[R_ESI], R_DS, true);
        gen_op_ld_v(s, ot, s->T0, s->A0);
        gen_out(s, port, ot, s->T0);
        tcg_gen_add_i64(s->tmp0, cpu_regs[R_ESI], delta);
        gen_op_mov_reg_v(s, a, R_ESI, s->tmp0);
    }
    if (rep) {
        gen_op_add_reg_im(s, a, R_ECX, -1);
        tcg_gen_br(loop);
    }
    gen_set_label(done);
    if (!ins) {
        s->base.is_jmp = DISAS_EOB_NEXT;
    }
}

/* ---------------------------------------------------------------------- */
/* Far transfers                                                            */

static void gen_far_call_jmp(DisasContext *s, bool call, TCGv_i64 sel, TCGv_i64 off, MemOp ot)
{
    gen_helper_prep(s);
    tcg_gen_call(call ? helper_lcall : helper_ljmp, 0, NULL, ENV, tcgv64(sel), tcgv64(off),
                 tcgv64(tcg_constant_i64(disas_next_eip(s))), tcgv32(tcg_constant_i32(ot)));
    gen_flags_changed(s); /* a task switch loads EFLAGS */
    s->base.is_jmp = DISAS_JUMP;
}

/* 9A / EA ptr16:16/32 */
static void gen_sys_callf_jmpf(DisasContext *s, X86DecodedInsn *d)
{
    uint64_t off = d->dflag == MO_16 ? d->imm & 0xffff : d->imm & 0xffffffff;

    tcg_gen_movi_i64(s->T0, d->imm2 & 0xffff);
    tcg_gen_movi_i64(s->T1, off);
    gen_far_call_jmp(s, d->e->op == OP_CALLF, s->T0, s->T1, d->dflag);
}

static void gen_sys_retf(DisasContext *s, X86DecodedInsn *d)
{
    gen_helper_prep(s);
    tcg_gen_call(helper_lret, 0, NULL, ENV, tcgv32(tcg_constant_i32(d->dflag)),
                 tcgv32(tcg_constant_i32(d->imm & 0xffff)));
    gen_flags_changed(s);
    s->base.is_jmp = DISAS_JUMP;
}

static void gen_sys_iret(DisasContext *s, X86DecodedInsn *d)
{
    gen_helper_prep(s);
    tcg_gen_call(helper_iret, 0, NULL, ENV, tcgv32(tcg_constant_i32(d->dflag)),
                 tcgv64(tcg_constant_i64(disas_next_eip(s))));
    gen_flags_changed(s);
    s->base.is_jmp = DISAS_JUMP;
}

/* FF /2../5: near forms as in user mode, far forms m16:16/32/64 */
static void gen_sys_grp5(DisasContext *s, X86DecodedInsn *d)
{
    int op = (d->modrm >> 3) & 7;

    if (op != 3 && op != 5) {
        gen_op_grp5(s, d);
        return;
    }
    if (d->mod == 3) {
        gen_illegal_opcode(s);
        return;
    }
    MemOp ot = d->dflag;
    gen_lea_modrm(s, d);
    gen_op_ld_v(s, ot, s->T1, s->A0);
    tcg_gen_addi_i64(s->A0, s->A0, 1 << ot);
    if (!s->code64) {
        tcg_gen_ext32u_i64(s->A0, s->A0);
    }
    gen_op_ld_v(s, MO_16, s->T0, s->A0);
    gen_far_call_jmp(s, op == 3, s->T0, s->T1, ot);
}

/* ---------------------------------------------------------------------- */
/* Segment registers                                                        */

static void gen_load_seg(DisasContext *s, int seg, TCGv_i64 sel)
{
    gen_helper_prep(s);
    tcg_gen_call(helper_load_seg, 0, NULL, ENV, tcgv32(tcg_constant_i32(seg)), tcgv64(sel));
    /* CS/SS size, ADDSEG, or the MOV SS interrupt shadow */
    s->base.is_jmp = DISAS_EOB_NEXT;
}

static void gen_sys_mov_seg(DisasContext *s, X86DecodedInsn *d)
{
    int seg = (d->modrm >> 3) & 7;

    if (d->b == 0x8c || seg > R_GS || seg == R_CS) {
        gen_op_mov_seg(s, d); /* stores, and the #UD cases */
        return;
    }
    gen_ld_modrm(s, d, MO_16, s->T0);
    gen_load_seg(s, seg, s->T0);
}

static MemOp push_size(DisasContext *s, X86DecodedInsn *d)
{
    if (s->code64) {
        return d->dflag == MO_16 ? MO_16 : MO_64;
    }
    return d->dflag;
}

static void gen_sys_pop_seg(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = push_size(s, d);

    gen_pop_v(s, ot, s->T0);
    gen_load_seg(s, d->e->arg, s->T0);
    gen_pop_update(s, ot);
}

/* LES LDS LSS LFS LGS */
static void gen_sys_les(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = d->dflag;

    if (d->mod == 3) {
        gen_illegal_opcode(s);
        return;
    }
    gen_lea_modrm(s, d);
    gen_op_ld_v(s, ot, s->T1, s->A0);
    tcg_gen_addi_i64(s->A0, s->A0, 1 << ot);
    if (!s->code64) {
        tcg_gen_ext32u_i64(s->A0, s->A0);
    }
    gen_op_ld_v(s, MO_16, s->T0, s->A0);
    gen_load_seg(s, d->e->arg, s->T0);
    gen_op_mov_reg_v(s, ot, d->reg, s->T1);
}

/* ---------------------------------------------------------------------- */
/* Interrupts, HLT, flags                                                   */

static void gen_raise_int(DisasContext *s, int intno, int is_int)
{
    gen_update_cc_op(s);
    gen_sync_eip_cur(s);
    tcg_gen_call(helper_sys_raise_int, 0, NULL, ENV, tcgv32(tcg_constant_i32(intno)),
                 tcgv32(tcg_constant_i32(is_int)), tcgv64(tcg_constant_i64(disas_next_eip(s))));
    s->base.is_jmp = DISAS_NORETURN;
}

static void gen_sys_int(DisasContext *s, X86DecodedInsn *d)
{
    if (!check_vm86_iopl(s)) {
        return;
    }
    gen_raise_int(s, d->imm & 0xff, 1);
}

static void gen_sys_int3(DisasContext *s, X86DecodedInsn *d)
{
    gen_raise_int(s, EXCP03_INT3, 1);
}

static void gen_sys_int1(DisasContext *s, X86DecodedInsn *d)
{
    gen_raise_int(s, EXCP01_DB, 2);
}

static void gen_sys_into(DisasContext *s, X86DecodedInsn *d)
{
    TCGLabel *no = gen_new_label();

    gen_update_cc_op(s);
    gen_brcc(s, 1, no); /* not OF */
    gen_raise_int(s, EXCP04_INTO, 1);
    gen_set_label(no);
    s->base.is_jmp = DISAS_NEXT;
}

static void gen_sys_hlt(DisasContext *s, X86DecodedInsn *d)
{
    if (!check_cpl0(s)) {
        return;
    }
    gen_update_cc_op(s);
    tcg_gen_call(helper_hlt, 0, NULL, ENV, tcgv64(tcg_constant_i64(disas_next_eip(s))));
    s->base.is_jmp = DISAS_NORETURN;
}

/* CLC STC CLI STI CLD STD */
static void gen_sys_flagop(DisasContext *s, X86DecodedInsn *d)
{
    int op = d->e->arg;

    if (op != 2 && op != 3) {
        gen_op_flagop(s, d);
        return;
    }
    if (s->pe && (s->vm86 ? disas_iopl(s) != 3 : s->cpl > disas_iopl(s))) {
        gen_exception_err(s, EXCP0D_GPF, 0);
        return;
    }
    if (op == 2) {
        tcg_gen_call(helper_cli, 0, NULL, ENV);
    } else {
        tcg_gen_call(helper_sti, 0, NULL, ENV);
        /* the shadow: the next TB runs one insn, then looks for IRQs */
        s->base.is_jmp = DISAS_EOB_NEXT;
    }
}

static void gen_sys_pushf(DisasContext *s, X86DecodedInsn *d)
{
    if (!check_vm86_iopl(s)) {
        return;
    }
    gen_op_pushf(s, d);
}

static void gen_sys_popf(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = push_size(s, d);

    if (!check_vm86_iopl(s)) {
        return;
    }
    gen_pop_v(s, ot, s->T0);
    gen_update_cc_op(s);
    tcg_gen_call(helper_popf_sys, 0, NULL, ENV, tcgv64(s->T0), tcgv32(tcg_constant_i32(ot)));
    gen_pop_update(s, ot);
    s->cc_op = CC_OP_EFLAGS;
    s->cc_op_dirty = false;
    s->base.is_jmp = DISAS_EOB_NEXT;
}

/* ---------------------------------------------------------------------- */
/* 0F 06/08/09/20-23/30/32/35/AA                                            */

static void gen_sys_mov_cr_dr(DisasContext *s, X86DecodedInsn *d)
{
    bool dr = d->b & 1;
    bool to_reg = !(d->b & 2);
    int n = d->reg; /* with REX.R: CR8 */
    MemOp ot = s->code64 ? MO_64 : MO_32;

    if (!dr && n != 0 && n != 2 && n != 3 && n != 4 && n != 8) {
        gen_illegal_opcode(s);
        return;
    }
    if (dr && n > 7) {
        gen_illegal_opcode(s);
        return;
    }
    if (!check_cpl0(s)) {
        return;
    }
    gen_helper_prep(s);
    if (to_reg) {
        tcg_gen_call(dr ? helper_read_drN : helper_read_crN, 0, tcgv64(s->T0), ENV,
                     tcgv32(tcg_constant_i32(n)));
        gen_op_mov_reg_v(s, ot, d->rm, s->T0);
    } else {
        gen_op_mov_v_reg(s, ot, s->T0, d->rm);
        tcg_gen_call(dr ? helper_write_drN : helper_write_crN, 0, NULL, ENV,
                     tcgv32(tcg_constant_i32(n)), tcgv64(s->T0));
        s->base.is_jmp = DISAS_EOB_NEXT;
    }
}

static void gen_sys_priv(DisasContext *s, X86DecodedInsn *d)
{
    switch (d->b) {
    case 0x06: /* CLTS */
        if (check_cpl0(s)) {
            tcg_gen_call(helper_clts, 0, NULL, ENV);
            s->base.is_jmp = DISAS_EOB_NEXT;
        }
        break;
    case 0x08: /* INVD */
    case 0x09: /* WBINVD: caches are coherent here */
        check_cpl0(s);
        break;
    case 0x20 ... 0x23:
        gen_sys_mov_cr_dr(s, d);
        break;
    case 0x30: /* WRMSR */
    case 0x32: /* RDMSR */
        if (check_cpl0(s)) {
            gen_helper_prep(s);
            tcg_gen_call(d->b == 0x30 ? helper_wrmsr : helper_rdmsr, 0, NULL, ENV);
            if (d->b == 0x30) {
                s->base.is_jmp = DISAS_EOB_NEXT; /* EFER */
            }
        }
        break;
    case 0x35: /* SYSEXIT */
        gen_helper_prep(s);
        tcg_gen_call(helper_sysexit, 0, NULL, ENV,
                     tcgv32(tcg_constant_i32(d->rex_w ? MO_64 : MO_32)));
        s->base.is_jmp = DISAS_JUMP;
        break;
    default: /* RSM: no SMM */
        gen_illegal_opcode(s);
        break;
    }
}

static void gen_sys_sysenter(DisasContext *s, X86DecodedInsn *d)
{
    gen_helper_prep(s);
    tcg_gen_call(helper_sysenter, 0, NULL, ENV, tcgv64(tcg_constant_i64(disas_next_eip(s))));
    gen_flags_changed(s);
    s->base.is_jmp = DISAS_JUMP;
}

static void gen_sys_syscall(DisasContext *s, X86DecodedInsn *d)
{
    if (!(s->flags & HF_LMA_MASK)) {
        gen_illegal_opcode(s); /* Intel: only in long mode */
        return;
    }
    gen_helper_prep(s);
    tcg_gen_call(helper_syscall_sys, 0, NULL, ENV, tcgv64(tcg_constant_i64(disas_next_eip(s))));
    gen_flags_changed(s);
    s->base.is_jmp = DISAS_JUMP;
}

static void gen_sys_sysret(DisasContext *s, X86DecodedInsn *d)
{
    if (!(s->flags & HF_LMA_MASK)) {
        gen_illegal_opcode(s);
        return;
    }
    gen_helper_prep(s);
    tcg_gen_call(helper_sysret, 0, NULL, ENV, tcgv32(tcg_constant_i32(d->rex_w ? MO_64 : MO_32)));
    gen_flags_changed(s);
    s->base.is_jmp = DISAS_JUMP;
}

/* ---------------------------------------------------------------------- */
/* Groups 6 and 7, LAR/LSL                                                  */

static void gen_set_zf_from(DisasContext *s, TCGv_i64 cond_true)
{
    /* ZF = (cond_true != 0), other flags kept */
    gen_compute_eflags(s, s->T1);
    tcg_gen_andi_i64(s->T1, s->T1, ~(int64_t)CC_Z);
    tcg_gen_setcondi_i64(TCG_COND_NE, s->tmp1, cond_true, 0);
    tcg_gen_shli_i64(s->tmp1, s->tmp1, 6);
    tcg_gen_or_i64(s->T1, s->T1, s->tmp1);
    gen_update_cc_eflags(s, s->T1);
}

static void gen_sys_grp6(DisasContext *s, X86DecodedInsn *d)
{
    int op = (d->modrm >> 3) & 7;

    if (!check_prot(s)) {
        return;
    }
    switch (op) {
    case 0: /* SLDT */
    case 1: /* STR */
        tcg_gen_ld32u_i64(s->T0, tcg_ctx->env,
                          op == 0 ? offsetof(CPUX86State, ldt.selector)
                                  : offsetof(CPUX86State, tr.selector));
        if (d->mod == 3) {
            gen_op_mov_reg_v(s, d->dflag, d->rm, s->T0);
        } else {
            gen_lea_modrm(s, d);
            gen_op_st_v(s, MO_16, s->T0, s->A0);
        }
        break;
    case 2: /* LLDT */
    case 3: /* LTR */
        if (!check_cpl0(s)) {
            return;
        }
        gen_ld_modrm(s, d, MO_16, s->T0);
        gen_helper_prep(s);
        tcg_gen_call(op == 2 ? helper_lldt : helper_ltr, 0, NULL, ENV, tcgv64(s->T0));
        break;
    case 4: /* VERR */
    case 5: /* VERW */
        gen_ld_modrm(s, d, MO_16, s->T0);
        gen_helper_prep(s);
        tcg_gen_call(op == 4 ? helper_verr : helper_verw, 0, tcgv64(s->T0), ENV, tcgv64(s->T0));
        gen_set_zf_from(s, s->T0);
        break;
    default:
        gen_illegal_opcode(s);
        break;
    }
}

static void gen_sys_lar_lsl(DisasContext *s, X86DecodedInsn *d)
{
    TCGLabel *fail = gen_new_label();
    TCGv_i64 ok = tcg_temp_new_i64();

    if (!check_prot(s)) {
        return;
    }
    gen_ld_modrm(s, d, MO_16, s->T0);
    gen_helper_prep(s);
    tcg_gen_call(d->e->arg ? helper_lsl : helper_lar, 0, tcgv64(s->T0), ENV, tcgv64(s->T0));
    tcg_gen_setcondi_i64(TCG_COND_NE, ok, s->T0, -1);
    tcg_gen_brcondi_i64(TCG_COND_EQ, ok, 0, fail);
    gen_op_mov_reg_v(s, d->dflag, d->reg, s->T0);
    gen_set_label(fail);
    gen_set_zf_from(s, ok);
}

static void gen_sys_grp7(DisasContext *s, X86DecodedInsn *d)
{
    int op = (d->modrm >> 3) & 7;

    if (d->mod == 3) {
        switch (d->modrm) {
        case 0xf8: /* SWAPGS */
            if (!s->code64) {
                gen_illegal_opcode(s);
            } else if (check_cpl0(s)) {
                tcg_gen_call(helper_swapgs, 0, NULL, ENV);
            }
            return;
        case 0xf9: /* RDTSCP */
            if (s->cpl != 0) {
                gen_helper_prep(s);
                tcg_gen_call(helper_check_tsd, 0, NULL, ENV);
            }
            gen_op_grp7(s, d);
            return;
        }
        if (op == 4) { /* SMSW reg */
            tcg_gen_ld_i64(s->T0, tcg_ctx->env, offsetof(CPUX86State, cr[0]));
            gen_op_mov_reg_v(s, d->dflag, d->rm, s->T0);
            return;
        }
        if (op == 6) { /* LMSW reg */
            if (check_cpl0(s)) {
                gen_op_mov_v_reg(s, MO_16, s->T0, d->rm);
                tcg_gen_call(helper_lmsw, 0, NULL, ENV, tcgv64(s->T0));
                s->base.is_jmp = DISAS_EOB_NEXT;
            }
            return;
        }
        gen_illegal_opcode(s); /* MONITOR, XGETBV, ...: not advertised */
        return;
    }
    switch (op) {
    case 0: /* SGDT */
    case 1: /* SIDT */ {
        size_t base = op ? offsetof(CPUX86State, idt.base) : offsetof(CPUX86State, gdt.base);
        size_t limit = op ? offsetof(CPUX86State, idt.limit) : offsetof(CPUX86State, gdt.limit);
        gen_lea_modrm(s, d);
        tcg_gen_ld32u_i64(s->T0, tcg_ctx->env, limit);
        gen_op_st_v(s, MO_16, s->T0, s->A0);
        tcg_gen_addi_i64(s->A0, s->A0, 2);
        tcg_gen_ld_i64(s->T0, tcg_ctx->env, base);
        gen_op_st_v(s, s->code64 ? MO_64 : MO_32, s->T0, s->A0);
        break;
    }
    case 2: /* LGDT */
    case 3: /* LIDT */
        if (!check_cpl0(s)) {
            return;
        }
        gen_lea_modrm(s, d);
        gen_op_ld_v(s, MO_16, s->T1, s->A0);
        tcg_gen_addi_i64(s->A0, s->A0, 2);
        gen_op_ld_v(s, s->code64 ? MO_64 : MO_32, s->T0, s->A0);
        if (d->dflag == MO_16) {
            tcg_gen_andi_i64(s->T0, s->T0, 0xffffff);
        }
        tcg_gen_call(helper_lgdt_lidt, 0, NULL, ENV, tcgv32(tcg_constant_i32(op == 3)),
                     tcgv64(s->T0), tcgv64(s->T1));
        break;
    case 4: /* SMSW m16 */
        tcg_gen_ld_i64(s->T0, tcg_ctx->env, offsetof(CPUX86State, cr[0]));
        gen_lea_modrm(s, d);
        gen_op_st_v(s, MO_16, s->T0, s->A0);
        break;
    case 6: /* LMSW m16 */
        if (check_cpl0(s)) {
            gen_lea_modrm(s, d);
            gen_op_ld_v(s, MO_16, s->T0, s->A0);
            tcg_gen_call(helper_lmsw, 0, NULL, ENV, tcgv64(s->T0));
            s->base.is_jmp = DISAS_EOB_NEXT;
        }
        break;
    case 7: /* INVLPG */
        if (check_cpl0(s)) {
            gen_lea_modrm(s, d);
            tcg_gen_call(helper_invlpg, 0, NULL, ENV, tcgv64(s->A0));
            s->base.is_jmp = DISAS_EOB_NEXT;
        }
        break;
    default:
        gen_illegal_opcode(s);
        break;
    }
}

/* ---------------------------------------------------------------------- */
/* BOUND, ARPL                                                              */

static void gen_sys_bound(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = d->dflag;

    gen_lea_modrm(s, d);
    gen_op_mov_v_reg(s, ot, s->T0, d->reg);
    gen_helper_prep(s);
    tcg_gen_call(helper_bound, 0, NULL, ENV, tcgv64(s->T0), tcgv64(s->A0),
                 tcgv32(tcg_constant_i32(ot)));
}

/* 63 outside 64-bit mode: ARPL r/m16, r16 */
static void gen_sys_arpl(DisasContext *s, X86DecodedInsn *d)
{
    if (s->code64) {
        gen_op_movsxd(s, d);
        return;
    }
    if (!check_prot(s)) {
        return;
    }
    TCGv_i64 src_rpl = tcg_temp_new_i64();
    TCGv_i64 dst_rpl = tcg_temp_new_i64();
    TCGv_i64 adjust = tcg_temp_new_i64();

    gen_ld_modrm(s, d, MO_16, s->T0);
    gen_op_mov_v_reg(s, MO_16, s->T1, d->reg);
    tcg_gen_andi_i64(src_rpl, s->T1, 3);
    tcg_gen_andi_i64(dst_rpl, s->T0, 3);
    tcg_gen_setcond_i64(TCG_COND_LTU, adjust, dst_rpl, src_rpl);
    tcg_gen_andi_i64(s->tmp0, s->T0, ~3ull);
    tcg_gen_or_i64(s->tmp0, s->tmp0, src_rpl);
    tcg_gen_movcond_i64(TCG_COND_NE, s->T0, adjust, tcg_constant_i64(0), s->tmp0, s->T0);
    gen_st_modrm(s, d, MO_16, s->T0);
    gen_set_zf_from(s, adjust);
}

/* RDTSC: #GP at CPL > 0 when CR4.TSD (checked at run time: CR4 is not
 * part of the TB flags) */
static void gen_sys_rdtsc(DisasContext *s, X86DecodedInsn *d)
{
    if (s->cpl != 0) {
        gen_helper_prep(s);
        tcg_gen_call(helper_check_tsd, 0, NULL, ENV);
    }
    gen_op_rdtsc(s, d);
}

const X86GenFunc x86_sys_emitters[OP_NB] = {
    [OP_RDTSC] = gen_sys_rdtsc,
    [OP_IN] = gen_sys_in_out,
    [OP_OUT] = gen_sys_in_out,
    [OP_INS] = gen_sys_ins_outs,
    [OP_OUTS] = gen_sys_ins_outs,
    [OP_CALLF] = gen_sys_callf_jmpf,
    [OP_JMPF] = gen_sys_callf_jmpf,
    [OP_RETF] = gen_sys_retf,
    [OP_IRET] = gen_sys_iret,
    [OP_GRP5] = gen_sys_grp5,
    [OP_MOV_SEG] = gen_sys_mov_seg,
    [OP_POP_SEG] = gen_sys_pop_seg,
    [OP_LES] = gen_sys_les,
    [OP_INT] = gen_sys_int,
    [OP_INT3] = gen_sys_int3,
    [OP_INT1] = gen_sys_int1,
    [OP_INTO] = gen_sys_into,
    [OP_HLT] = gen_sys_hlt,
    [OP_FLAGOP] = gen_sys_flagop,
    [OP_PUSHF] = gen_sys_pushf,
    [OP_POPF] = gen_sys_popf,
    [OP_PRIV] = gen_sys_priv,
    [OP_SYSENTER] = gen_sys_sysenter,
    [OP_SYSCALL] = gen_sys_syscall,
    [OP_SYSRET] = gen_sys_sysret,
    [OP_GRP6] = gen_sys_grp6,
    [OP_GRP7] = gen_sys_grp7,
    [OP_LAR_LSL] = gen_sys_lar_lsl,
    [OP_BOUND] = gen_sys_bound,
    [OP_ARPL] = gen_sys_arpl,
};
