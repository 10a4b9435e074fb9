/*
 * Emitters for control flow, the stack, string insns, flag insns and the
 * system-ish insns a user-mode program meets (CPUID, RDTSC, SYSCALL,
 * INT n, fences, FXSAVE/FXRSTOR, LDMXCSR/STMXCSR), plus the dispatch to
 * the x87 and SSE translators.
 *
 * String insns with REP loop in generated code; rCX, rSI and rDI are TCG
 * globals written back before every access that may fault, so a fault in
 * the middle leaves them consistent and the insn restartable (eip stays
 * at the insn until the loop finishes). For the same reason the loop can
 * leave at any iteration boundary when an exit is requested (a signal
 * arrived), so a long REP never delays signal delivery.
 */
#include <stddef.h>

#include "translate-internal.h"

/* ---------------------------------------------------------------------- */
/* Stack                                                                    */

/* push/pop operand size: 16 or the mode's stack word */
static MemOp push_ot(DisasContext *s, X86DecodedInsn *d)
{
    if (s->code64) {
        return d->dflag == MO_16 ? MO_16 : MO_64;
    }
    return d->dflag;
}

void gen_op_push_r(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = push_ot(s, d);

    gen_op_mov_v_reg(s, ot, s->T0, (d->b & 7) | d->rex_b);
    gen_push_v(s, ot, s->T0);
}

void gen_op_pop_r(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = push_ot(s, d);

    gen_pop_v(s, ot, s->T0);
    gen_pop_update(s, ot);
    gen_op_mov_reg_v(s, ot, (d->b & 7) | d->rex_b, s->T0);
}

void gen_op_push_i(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = push_ot(s, d);

    gen_load_imm(s, d, ot, s->T0);
    gen_push_v(s, ot, s->T0);
}

void gen_op_push_seg(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = push_ot(s, d);

    tcg_gen_ld32u_i64(s->T0, tcg_ctx->env, offsetof(CPUX86State, segs[d->e->arg].selector));
    gen_push_v(s, ot, s->T0);
}

void gen_op_pop_seg(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = push_ot(s, d);

    gen_pop_v(s, ot, s->T0);
    tcg_gen_call(helper_load_seg_user, 0, NULL, tcgvp(tcg_ctx->env),
                 tcgv32(tcg_constant_i32(d->e->arg)), tcgv64(s->T0));
    gen_pop_update(s, ot);
}

void gen_op_pop_ev(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = push_ot(s, d);

    if ((d->modrm >> 3) & 7) {
        gen_illegal_opcode(s);
        return;
    }
    gen_pop_v(s, ot, s->T0);
    if (d->mod == 3) {
        gen_pop_update(s, ot);
        gen_op_mov_reg_v(s, ot, d->rm, s->T0);
        return;
    }
    if (d->base == R_ESP || d->index == R_ESP) {
        /* the address uses rSP after the pop */
        tcg_gen_mov_i64(s->T1, cpu_regs[R_ESP]);
        gen_pop_update(s, ot);
        gen_lea_modrm(s, d);
        tcg_gen_mov_i64(cpu_regs[R_ESP], s->T1);
        gen_op_st_v(s, ot, s->T0, s->A0);
        gen_pop_update(s, ot);
    } else {
        gen_lea_modrm(s, d);
        gen_op_st_v(s, ot, s->T0, s->A0);
        gen_pop_update(s, ot);
    }
}

void gen_op_pusha(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = d->dflag;
    TCGv_i64 sp = tcg_temp_new_i64();

    tcg_gen_mov_i64(sp, cpu_regs[R_ESP]);
    for (int i = 0; i < 8; i++) {
        tcg_gen_subi_i64(s->T1, sp, (i + 1) << ot);
        gen_lea_base(s, s->T1, R_SS, false);
        gen_op_mov_v_reg(s, ot, s->T0, i);
        gen_op_st_v(s, ot, s->T0, s->A0);
    }
    gen_op_add_reg_im(s, gen_stack_aflag(s), R_ESP, -(8 << ot));
    tcg_temp_free_i64(sp);
}

void gen_op_popa(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = d->dflag;
    TCGv_i64 v[8];

    for (int i = 0; i < 8; i++) {
        v[i] = tcg_temp_new_i64();
        tcg_gen_addi_i64(s->T1, cpu_regs[R_ESP], (7 - i) << ot);
        gen_lea_base(s, s->T1, R_SS, false);
        gen_op_ld_v(s, ot, v[i], s->A0);
    }
    for (int i = 0; i < 8; i++) {
        if (i != R_ESP) {
            gen_op_mov_reg_v(s, ot, i, v[i]);
        }
        tcg_temp_free_i64(v[i]);
    }
    gen_op_add_reg_im(s, gen_stack_aflag(s), R_ESP, 8 << ot);
}

void gen_op_pushf(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = push_ot(s, d);

    gen_compute_eflags(s, s->T1);
    tcg_gen_call(helper_pushf, TCG_CALL_NO_WG, tcgv64(s->T0), tcgvp(tcg_ctx->env), tcgv64(s->T1));
    gen_push_v(s, ot, s->T0);
}

void gen_op_popf(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = push_ot(s, d);

    gen_pop_v(s, ot, s->T0);
    tcg_gen_call(helper_popf, 0, NULL, tcgvp(tcg_ctx->env), tcgv64(s->T0),
                 tcgv32(tcg_constant_i32(ot)));
    gen_pop_update(s, ot);
    /* the helper left the arithmetic flags as EFLAGS in env */
    s->cc_op = CC_OP_EFLAGS;
    s->cc_op_dirty = false;
    /* TF, AC, IF may have changed what the next insns need */
    s->base.is_jmp = DISAS_EOB_NEXT;
}

void gen_op_enter(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = push_ot(s, d);
    MemOp sa = gen_stack_aflag(s);
    int level = d->imm2 & 31;
    int size = 1 << ot;
    TCGv_i64 frame = tcg_temp_new_i64();
    TCGv_i64 sp = tcg_temp_new_i64();

    /* push rBP */
    tcg_gen_subi_i64(sp, cpu_regs[R_ESP], size);
    gen_lea_base(s, sp, R_SS, false);
    gen_op_mov_v_reg(s, ot, s->T0, R_EBP);
    gen_op_st_v(s, ot, s->T0, s->A0);
    tcg_gen_mov_i64(frame, sp);
    if (level) {
        for (int i = 1; i < level; i++) {
            tcg_gen_subi_i64(s->T1, cpu_regs[R_EBP], size * i);
            gen_lea_base(s, s->T1, R_SS, false);
            gen_op_ld_v(s, ot, s->T0, s->A0);
            tcg_gen_subi_i64(s->T1, sp, size * i);
            gen_lea_base(s, s->T1, R_SS, false);
            gen_op_st_v(s, ot, s->T0, s->A0);
        }
        tcg_gen_subi_i64(s->T1, sp, size * level);
        gen_lea_base(s, s->T1, R_SS, false);
        gen_op_st_v(s, ot, frame, s->A0);
    }
    gen_op_mov_reg_v(s, ot, R_EBP, frame);
    tcg_gen_subi_i64(sp, frame, size * level + (d->imm & 0xffff));
    gen_op_mov_reg_v(s, sa, R_ESP, sp);
    tcg_temp_free_i64(frame);
    tcg_temp_free_i64(sp);
}

void gen_op_leave(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = push_ot(s, d);
    MemOp sa = gen_stack_aflag(s);

    gen_lea_base(s, cpu_regs[R_EBP], R_SS, false);
    gen_op_ld_v(s, ot, s->T0, s->A0);
    tcg_gen_addi_i64(s->T1, cpu_regs[R_EBP], 1 << ot);
    gen_op_mov_reg_v(s, sa, R_ESP, s->T1);
    gen_op_mov_reg_v(s, ot, R_EBP, s->T0);
}

/* ---------------------------------------------------------------------- */
/* Branches                                                                 */

void gen_op_jcc(DisasContext *s, X86DecodedInsn *d)
{
    gen_jcc(s, d->b & 15, disas_branch_target(s, d));
}

void gen_op_jmp(DisasContext *s, X86DecodedInsn *d)
{
    gen_jmp_to(s, disas_branch_target(s, d));
}

void gen_op_call(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = d->dflag;

    tcg_gen_movi_i64(s->T0, disas_next_eip(s));
    gen_push_v(s, ot, s->T0);
    gen_jmp_to(s, disas_branch_target(s, d));
}

void gen_op_ret(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = d->dflag;

    gen_pop_v(s, ot, s->T0);
    gen_op_add_reg_im(s, gen_stack_aflag(s), R_ESP, (1 << ot) + (d->imm & 0xffff));
    gen_jmp_indirect(s, s->T0);
}

void gen_op_grp5(DisasContext *s, X86DecodedInsn *d)
{
    int op = (d->modrm >> 3) & 7;
    MemOp ot = d->dflag;

    switch (op) {
    case 0:
    case 1:
        gen_op_grp4(s, d);
        break;
    case 2: /* CALL near indirect */
        gen_ld_modrm(s, d, ot, s->T1);
        tcg_gen_movi_i64(s->T0, disas_next_eip(s));
        gen_push_v(s, ot, s->T0);
        gen_jmp_indirect(s, s->T1);
        break;
    case 4: /* JMP near indirect */
        gen_ld_modrm(s, d, ot, s->T1);
        gen_jmp_indirect(s, s->T1);
        break;
    case 6: /* PUSH */
        ot = push_ot(s, d);
        gen_ld_modrm(s, d, ot, s->T0);
        gen_push_v(s, ot, s->T0);
        break;
    case 3:
    case 5: /* far CALL/JMP: #UD with a register, #GP in user mode */
        if (d->mod == 3) {
            gen_illegal_opcode(s);
        } else {
            gen_exception_err(s, EXCP0D_GPF, 0);
        }
        break;
    default:
        gen_illegal_opcode(s);
        break;
    }
}

/* LOOPNE LOOPE LOOP JrCXZ */
void gen_op_loop(DisasContext *s, X86DecodedInsn *d)
{
    MemOp a = d->aflag;
    TCGLabel *taken = gen_new_label();
    TCGLabel *not_taken = gen_new_label();
    uint64_t target = disas_branch_target(s, d);

    gen_update_cc_op(s);
    if (d->e->arg < 3) {
        gen_op_add_reg_im(s, a, R_ECX, -1);
    }
    gen_ext(a, s->T0, cpu_regs[R_ECX], false);
    switch (d->e->arg) {
    case 0: /* LOOPNE: rCX != 0 && !ZF */
    case 1: /* LOOPE: rCX != 0 && ZF */
        tcg_gen_brcondi_i64(TCG_COND_EQ, s->T0, 0, not_taken);
        gen_brcc(s, d->e->arg == 0 ? 5 : 4, taken);
        tcg_gen_br(not_taken);
        break;
    case 2:
        tcg_gen_brcondi_i64(TCG_COND_NE, s->T0, 0, taken);
        break;
    case 3:
        tcg_gen_brcondi_i64(TCG_COND_EQ, s->T0, 0, taken);
        break;
    }
    gen_set_label(not_taken);
    gen_branch_exits(s, taken, target);
}

/* ---------------------------------------------------------------------- */
/* Strings                                                                  */

/* one iteration of MOVS/CMPS/STOS/LODS/SCAS; rSI/rDI advance by delta */
static void gen_string_body(DisasContext *s, X86DecodedInsn *d, TCGv_i64 delta)
{
    MemOp ot = d->ot;
    MemOp a = d->aflag;
    int op = d->e->op;

    switch (op) {
    case OP_MOVS:
        gen_lea_base(s, cpu_regs[R_ESI], R_DS, true);
        gen_op_ld_v(s, ot, s->T0, s->A0);
        gen_lea_base(s, cpu_regs[R_EDI], R_ES, false);
        gen_op_st_v(s, ot, s->T0, s->A0);
        break;
    case OP_STOS:
        gen_op_mov_v_reg(s, ot, s->T0, R_EAX);
        gen_lea_base(s, cpu_regs[R_EDI], R_ES, false);
        gen_op_st_v(s, ot, s->T0, s->A0);
        break;
    case OP_LODS:
        gen_lea_base(s, cpu_regs[R_ESI], R_DS, true);
        gen_op_ld_v(s, ot, s->T0, s->A0);
        gen_op_mov_reg_v(s, ot, R_EAX, s->T0);
        break;
    case OP_CMPS:
        gen_lea_base(s, cpu_regs[R_ESI], R_DS, true);
        gen_op_ld_v(s, ot, s->T0, s->A0);
        gen_lea_base(s, cpu_regs[R_EDI], R_ES, false);
        gen_op_ld_v(s, ot, s->T1, s->A0);
        break;
    case OP_SCAS:
        gen_op_mov_v_reg(s, ot, s->T0, R_EAX);
        gen_lea_base(s, cpu_regs[R_EDI], R_ES, false);
        gen_op_ld_v(s, ot, s->T1, s->A0);
        break;
    }
    if (op == OP_MOVS || op == OP_LODS || op == OP_CMPS) {
        tcg_gen_add_i64(s->tmp0, cpu_regs[R_ESI], delta);
        gen_op_mov_reg_v(s, a, R_ESI, s->tmp0);
    }
    if (op != OP_LODS) {
        tcg_gen_add_i64(s->tmp0, cpu_regs[R_EDI], delta);
        gen_op_mov_reg_v(s, a, R_EDI, s->tmp0);
    }
    if (op == OP_CMPS || op == OP_SCAS) {
        tcg_gen_mov_i64(s->cc_srcT, s->T0);
        tcg_gen_mov_i64(cpu_cc_src, s->T1);
        tcg_gen_sub_i64(cpu_cc_dst, s->T0, s->T1);
        gen_ext(ot, cpu_cc_dst, cpu_cc_dst, false);
    }
}

void gen_op_string(DisasContext *s, X86DecodedInsn *d)
{
    MemOp ot = d->ot;
    MemOp a = d->aflag;
    int op = d->e->op;
    bool cmp = op == OP_CMPS || op == OP_SCAS;
    bool rep = (d->prefixes & (PREFIX_REPZ | PREFIX_REPNZ)) != 0;

#ifndef CONFIG_USER_ONLY
    if (rep && op == OP_STOS && (s->code64 || !s->addseg)) {
        /* in bulk, a page per call (string_helper-sys.c) */
        TCGLabel *loop = gen_new_label();
        TCGLabel *done = gen_new_label();
        uint32_t desc = (uint32_t)ot | (uint32_t)a << 4 | (uint32_t)s->mem_index << 8;

        gen_update_cc_op(s);
        gen_set_label(loop);
        gen_ext(a, s->T0, cpu_regs[R_ECX], false);
        tcg_gen_brcondi_i64(TCG_COND_EQ, s->T0, 0, done);
        gen_exit_if_requested(s);
        tcg_gen_call(helper_rep_stos, 0, NULL, tcgvp(tcg_ctx->env),
                     tcgv32(tcg_constant_i32((int32_t)desc)));
        tcg_gen_br(loop);
        gen_set_label(done);
        return;
    }
#endif
    TCGv_i64 delta = tcg_temp_new_i64();

    tcg_gen_ld32s_i64(delta, tcg_ctx->env, offsetof(CPUX86State, df));
    if (ot) {
        tcg_gen_shli_i64(delta, delta, ot);
    }
    if (!rep) {
        gen_string_body(s, d, delta);
        if (cmp) {
            gen_set_cc_op(s, CC_OP_SUBB + ot);
        }
        tcg_temp_free_i64(delta);
        return;
    }

    TCGLabel *loop = gen_new_label();
    TCGLabel *done = gen_new_label();

    /* env->cc_op is kept current in the loop: 0 iterations keep the old */
    gen_update_cc_op(s);
    gen_set_label(loop);
    gen_ext(a, s->T0, cpu_regs[R_ECX], false);
    tcg_gen_brcondi_i64(TCG_COND_EQ, s->T0, 0, done);
    gen_exit_if_requested(s);
    gen_string_body(s, d, delta);
    gen_op_add_reg_im(s, a, R_ECX, -1);
    if (cmp) {
        tcg_gen_movi_i32(cpu_cc_op, CC_OP_SUBB + ot);
        /* REPE stops when ZF = 0, REPNE when ZF = 1 */
        tcg_gen_brcondi_i64((d->prefixes & PREFIX_REPZ) ? TCG_COND_NE : TCG_COND_EQ, cpu_cc_dst,
                            0, done);
    }
    tcg_gen_br(loop);
    gen_set_label(done);
    if (cmp) {
        gen_set_cc_op(s, CC_OP_DYNAMIC);
    }
    tcg_temp_free_i64(delta);
}

/* ---------------------------------------------------------------------- */
/* Flags                                                                    */

/* CLC STC CLI STI CLD STD */
void gen_op_flagop(DisasContext *s, X86DecodedInsn *d)
{
    int op = d->e->arg;

    switch (op) {
    case 0:
    case 1:
        gen_compute_eflags(s, s->T0);
        if (op) {
            tcg_gen_ori_i64(s->T0, s->T0, CC_C);
        } else {
            tcg_gen_andi_i64(s->T0, s->T0, ~(int64_t)CC_C);
        }
        gen_update_cc_eflags(s, s->T0);
        break;
    case 2:
    case 3:
        /* CLI/STI need CPL <= IOPL, which user mode never has; the
         * system emulator adds the IF update here */
        gen_exception_err(s, EXCP0D_GPF, 0);
        break;
    case 4:
    case 5: {
        TCGv_i32 v = tcg_constant_i32(op == 4 ? 1 : -1);
        tcg_gen_st_i32(v, tcg_ctx->env, offsetof(CPUX86State, df));
        break;
    }
    }
}

void gen_op_cmc(DisasContext *s, X86DecodedInsn *d)
{
    gen_compute_eflags(s, s->T0);
    tcg_gen_xori_i64(s->T0, s->T0, CC_C);
    gen_update_cc_eflags(s, s->T0);
}

#define CPUID_EXT3_LAHF_LM 1

void gen_op_sahf(DisasContext *s, X86DecodedInsn *d)
{
    if (s->code64 && !(s->env->ext_features_ecx & CPUID_EXT3_LAHF_LM)) {
        gen_illegal_opcode(s);
        return;
    }
    gen_compute_eflags(s, s->T0);
    tcg_gen_andi_i64(s->T0, s->T0, CC_O);
    tcg_gen_extract_i64(s->T1, cpu_regs[R_EAX], 8, 8);
    tcg_gen_andi_i64(s->T1, s->T1, CC_S | CC_Z | CC_A | CC_P | CC_C);
    tcg_gen_or_i64(s->T0, s->T0, s->T1);
    gen_update_cc_eflags(s, s->T0);
}

void gen_op_lahf(DisasContext *s, X86DecodedInsn *d)
{
    if (s->code64 && !(s->env->ext_features_ecx & CPUID_EXT3_LAHF_LM)) {
        gen_illegal_opcode(s);
        return;
    }
    gen_compute_eflags(s, s->T0);
    tcg_gen_andi_i64(s->T0, s->T0, CC_S | CC_Z | CC_A | CC_P | CC_C);
    tcg_gen_ori_i64(s->T0, s->T0, 2);
    tcg_gen_deposit_i64(cpu_regs[R_EAX], cpu_regs[R_EAX], s->T0, 8, 8);
}

void gen_op_xlat(DisasContext *s, X86DecodedInsn *d)
{
    tcg_gen_ext8u_i64(s->T0, cpu_regs[R_EAX]);
    tcg_gen_add_i64(s->T0, s->T0, cpu_regs[R_EBX]);
    gen_lea_base(s, s->T0, R_DS, true);
    gen_op_ld_v(s, MO_8, s->T0, s->A0);
    tcg_gen_deposit_i64(cpu_regs[R_EAX], cpu_regs[R_EAX], s->T0, 0, 8);
}

/* MOV Sreg: user mode keeps flat segments; only the selector changes */
void gen_op_mov_seg(DisasContext *s, X86DecodedInsn *d)
{
    int seg = (d->modrm >> 3) & 7;

    if (seg > R_GS) {
        gen_illegal_opcode(s);
        return;
    }
    if (d->b == 0x8c) {
        tcg_gen_ld32u_i64(s->T0, tcg_ctx->env, offsetof(CPUX86State, segs[seg].selector));
        if (d->mod == 3) {
            gen_op_mov_reg_v(s, d->dflag, d->rm, s->T0);
        } else {
            gen_lea_modrm(s, d);
            gen_op_st_v(s, MO_16, s->T0, s->A0);
        }
        return;
    }
    if (seg == R_CS) {
        gen_illegal_opcode(s);
        return;
    }
    gen_ld_modrm(s, d, MO_16, s->T0);
    tcg_gen_call(helper_load_seg_user, 0, NULL, tcgvp(tcg_ctx->env),
                 tcgv32(tcg_constant_i32(seg)), tcgv64(s->T0));
    s->base.is_jmp = DISAS_EOB_NEXT;
}

/* ---------------------------------------------------------------------- */
/* Interrupts and system                                                    */

void gen_op_int3(DisasContext *s, X86DecodedInsn *d)
{
    gen_exception_next(s, EXCP03_INT3, 0);
}

void gen_op_int1(DisasContext *s, X86DecodedInsn *d)
{
    gen_exception_next(s, EXCP01_DB, 0);
}

/*
 * INT n at CPL 3: Linux's IDT lets user code reach only 3, 4 and 0x80;
 * other vectors fault with #GP(n * 8 + 2). The vector is raised as the
 * exception number with exception_next_eip after the insn; linux-user
 * decides what 0x80 means.
 */
void gen_op_int(DisasContext *s, X86DecodedInsn *d)
{
    int n = d->imm & 0xff;

    if (s->pe && s->cpl == 3 && n != 3 && n != 4 && n != 0x80) {
        gen_exception_err(s, EXCP0D_GPF, n * 8 + 2);
        return;
    }
    gen_exception_next(s, n, 0);
}

void gen_op_into(DisasContext *s, X86DecodedInsn *d)
{
    TCGLabel *no = gen_new_label();

    gen_update_cc_op(s);
    gen_brcc(s, 1, no); /* not OF */
    gen_exception_next(s, EXCP04_INTO, 0);
    gen_set_label(no);
    s->base.is_jmp = DISAS_NEXT;
}

void gen_op_gp(DisasContext *s, X86DecodedInsn *d)
{
    gen_exception_err(s, EXCP0D_GPF, 0);
}

void gen_op_ud(DisasContext *s, X86DecodedInsn *d)
{
    gen_illegal_opcode(s);
}

void gen_op_nop(DisasContext *s, X86DecodedInsn *d)
{
}

void gen_op_syscall(DisasContext *s, X86DecodedInsn *d)
{
    if (!s->code64) {
        gen_illegal_opcode(s);
        return;
    }
    gen_update_cc_op(s);
    tcg_gen_call(helper_syscall, 0, NULL, tcgvp(tcg_ctx->env),
                 tcgv64(tcg_constant_i64(disas_next_eip(s))));
    s->base.is_jmp = DISAS_NORETURN;
}

void gen_op_cpuid(DisasContext *s, X86DecodedInsn *d)
{
    tcg_gen_call(helper_cpuid, 0, NULL, tcgvp(tcg_ctx->env));
}

void gen_op_rdtsc(DisasContext *s, X86DecodedInsn *d)
{
    tcg_gen_call(helper_rdtsc, 0, NULL, tcgvp(tcg_ctx->env));
}

#define CPUID_EXT2_RDTSCP (1u << 27)

void gen_op_grp7(DisasContext *s, X86DecodedInsn *d)
{
    if (d->mod == 3 && d->modrm == 0xf9) {
        if (!(s->env->ext_features_edx & CPUID_EXT2_RDTSCP)) {
            gen_illegal_opcode(s);
            return;
        }
        tcg_gen_call(helper_rdtscp, 0, NULL, tcgvp(tcg_ctx->env));
        return;
    }
    if (d->mod == 3) {
        /* SWAPGS needs CPL 0; MONITOR, XGETBV, CLAC... are not advertised */
        if (d->modrm == 0xf8) {
            gen_exception_err(s, EXCP0D_GPF, 0);
        } else {
            gen_illegal_opcode(s);
        }
        return;
    }
    /* SGDT/SIDT/SMSW as with UMIP, and the privileged loads: #GP */
    gen_exception_err(s, EXCP0D_GPF, 0);
}

#define CPUID_CLFSH (1u << 19)

void gen_op_grp15(DisasContext *s, X86DecodedInsn *d)
{
    int op = (d->modrm >> 3) & 7;

    if (d->mod == 3) {
        if (d->prefixes & (PREFIX_REPZ | PREFIX_REPNZ | PREFIX_DATA)) {
            gen_illegal_opcode(s); /* RDFSBASE...: FSGSBASE not advertised */
            return;
        }
        switch (op) {
        case 5: /* LFENCE */
            tcg_gen_mb(TCG_MO_ALL | TCG_BAR_SC);
            break;
        case 6: /* MFENCE */
            tcg_gen_mb(TCG_MO_ALL | TCG_BAR_SC);
            break;
        case 7: /* SFENCE */
            tcg_gen_mb(TCG_MO_ALL | TCG_BAR_SC);
            break;
        default:
            gen_illegal_opcode(s);
            break;
        }
        return;
    }
    if (d->prefixes & (PREFIX_REPZ | PREFIX_REPNZ)) {
        gen_illegal_opcode(s);
        return;
    }
    switch (op) {
    case 0: /* FXSAVE */
    case 1: /* FXRSTOR */
        if (s->flags & (HF_EM_MASK | HF_TS_MASK)) {
            gen_exception(s, (s->flags & HF_EM_MASK) ? EXCP06_ILLOP : EXCP07_PREX);
            return;
        }
        gen_lea_modrm(s, d);
        tcg_gen_call(op == 0 ? helper_fxsave : helper_fxrstor, 0, NULL, tcgvp(tcg_ctx->env),
                     tcgv64(s->A0), tcgv32(tcg_constant_i32(d->rex_w)));
        break;
    case 2: /* LDMXCSR */
    case 3: /* STMXCSR */
        if ((s->flags & HF_EM_MASK) || !(s->flags & HF_OSFXSR_MASK)) {
            gen_illegal_opcode(s);
            return;
        }
        if (s->flags & HF_TS_MASK) {
            gen_exception(s, EXCP07_PREX);
            return;
        }
        gen_lea_modrm(s, d);
        if (op == 2) {
            gen_op_ld_v(s, MO_32, s->T0, s->A0);
            tcg_gen_call(helper_ldmxcsr, 0, NULL, tcgvp(tcg_ctx->env), tcgv64(s->T0));
        } else {
            tcg_gen_ld32u_i64(s->T0, tcg_ctx->env, offsetof(CPUX86State, mxcsr));
            gen_op_st_v(s, MO_32, s->T0, s->A0);
        }
        break;
    case 7: /* CLFLUSH (66: CLFLUSHOPT, not advertised) */
        if ((d->prefixes & PREFIX_DATA) || !(s->env->features_edx & CPUID_CLFSH)) {
            gen_illegal_opcode(s);
            return;
        }
        /* probe the address: CLFLUSH faults like a byte load */
        gen_lea_modrm(s, d);
        gen_op_ld_v(s, MO_8, s->T0, s->A0);
        break;
    default: /* XSAVE family: not advertised */
        gen_illegal_opcode(s);
        break;
    }
}

void gen_op_x87(DisasContext *s, X86DecodedInsn *d)
{
    if (s->flags & (HF_EM_MASK | HF_TS_MASK)) {
        gen_exception(s, EXCP07_PREX);
        return;
    }
    if (!gen_x87_insn(s, d)) {
        gen_illegal_opcode(s);
    }
}

/* WAIT/FWAIT: #NM when TS and MP; pending x87 exceptions are the x87
 * translator's (it gets the insn; false means nothing to do) */
void gen_op_wait(DisasContext *s, X86DecodedInsn *d)
{
    if ((s->flags & (HF_MP_MASK | HF_TS_MASK)) == (HF_MP_MASK | HF_TS_MASK)) {
        gen_exception(s, EXCP07_PREX);
        return;
    }
    gen_x87_insn(s, d);
}

void gen_op_sse(DisasContext *s, X86DecodedInsn *d)
{
    if (s->flags & HF_EM_MASK) {
        gen_illegal_opcode(s);
        return;
    }
    if (s->flags & HF_TS_MASK) {
        gen_exception(s, EXCP07_PREX);
        return;
    }
    if (!gen_sse_insn(s, d)) {
        gen_illegal_opcode(s);
    }
}
