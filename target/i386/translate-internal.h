/*
 * Private to the integer translator files (translate*.c): emitter
 * prototypes, TB-ending kinds and the helpers' prototypes.
 */
#ifndef TARGET_I386_TRANSLATE_INTERNAL_H
#define TARGET_I386_TRANSLATE_INTERNAL_H

#include "translate.h"

/* TB endings beyond the generic ones */
#define DISAS_EOB_NEXT DISAS_TARGET_0 /* eip = next insn, look up the next TB */
#define DISAS_JUMP DISAS_TARGET_1     /* eip already set: look up the TB */

typedef void (*X86GenFunc)(DisasContext *s, X86DecodedInsn *d);

extern TCGv_i64 cpu_eip;

/* translate.c */
void gen_set_cc_op(DisasContext *s, CCOp op);
bool cc_op_is_co(CCOp op);
CCOp cc_co_inner(CCOp op);
void gen_compute_cf(DisasContext *s, TCGv_i64 reg);
/* condition code b (0..15, the low nibble of Jcc) into a branch/setcond */
void gen_setcc(DisasContext *s, int b, TCGv_i64 reg);
void gen_brcc(DisasContext *s, int b, TCGLabel *l);
void gen_ext(MemOp ot, TCGv_i64 d, TCGv_i64 a, bool sign);
void gen_jmp_to(DisasContext *s, uint64_t eip);     /* direct jump, ends the TB */
void gen_jmp_indirect(DisasContext *s, TCGv_i64 eip); /* ends the TB */
void gen_jcc(DisasContext *s, int b, uint64_t target_eip);
/* fall through to the next insn, or `taken` (already branched to) to target */
void gen_branch_exits(DisasContext *s, TCGLabel *taken, uint64_t target_eip);
void gen_exception_err(DisasContext *s, int excp, int err);
void gen_exception_next(DisasContext *s, int excp, int err); /* trap: next eip */
/* in-insn loops: leave at the current insn when an exit is requested */
void gen_exit_if_requested(DisasContext *s);
uint64_t disas_next_eip(DisasContext *s);
uint64_t disas_branch_target(DisasContext *s, X86DecodedInsn *d);
/* stack */
MemOp gen_stack_aflag(DisasContext *s);
void gen_push_v(DisasContext *s, MemOp ot, TCGv_i64 v);
void gen_pop_v(DisasContext *s, MemOp ot, TCGv_i64 v); /* load only */
void gen_pop_update(DisasContext *s, MemOp ot);
void gen_op_add_reg_im(DisasContext *s, MemOp size, int reg, int64_t v);
/* the value of an ALU immediate, truncated to ot */
void gen_load_imm(DisasContext *s, X86DecodedInsn *d, MemOp ot, TCGv_i64 t);
bool disas_parallel(DisasContext *s);
uint32_t disas_cpuid_ecx1(DisasContext *s);

/* emitters: translate-alu.c */
void gen_op_alu(DisasContext *s, X86DecodedInsn *d);
void gen_op_alu_grp1(DisasContext *s, X86DecodedInsn *d);
void gen_op_incdec_r(DisasContext *s, X86DecodedInsn *d);
void gen_op_grp4(DisasContext *s, X86DecodedInsn *d);
void gen_op_test(DisasContext *s, X86DecodedInsn *d);
void gen_op_grp3(DisasContext *s, X86DecodedInsn *d);
void gen_op_imul3(DisasContext *s, X86DecodedInsn *d);
void gen_op_imul2(DisasContext *s, X86DecodedInsn *d);
void gen_op_shift_grp2(DisasContext *s, X86DecodedInsn *d);
void gen_op_shld(DisasContext *s, X86DecodedInsn *d);
void gen_op_shrd(DisasContext *s, X86DecodedInsn *d);
void gen_op_bt(DisasContext *s, X86DecodedInsn *d);
void gen_op_bt_grp8(DisasContext *s, X86DecodedInsn *d);
void gen_op_bsf(DisasContext *s, X86DecodedInsn *d);
void gen_op_bsr(DisasContext *s, X86DecodedInsn *d);
void gen_op_popcnt(DisasContext *s, X86DecodedInsn *d);
void gen_op_bswap(DisasContext *s, X86DecodedInsn *d);
void gen_op_movbe(DisasContext *s, X86DecodedInsn *d);
void gen_op_xchg(DisasContext *s, X86DecodedInsn *d);
void gen_op_xchg_ax(DisasContext *s, X86DecodedInsn *d);
void gen_op_xadd(DisasContext *s, X86DecodedInsn *d);
void gen_op_cmpxchg(DisasContext *s, X86DecodedInsn *d);
void gen_op_grp9(DisasContext *s, X86DecodedInsn *d);
void gen_op_mov(DisasContext *s, X86DecodedInsn *d);
void gen_op_mov_ri(DisasContext *s, X86DecodedInsn *d);
void gen_op_mov_grp11(DisasContext *s, X86DecodedInsn *d);
void gen_op_mov_moffs(DisasContext *s, X86DecodedInsn *d);
void gen_op_movzx(DisasContext *s, X86DecodedInsn *d);
void gen_op_movsx(DisasContext *s, X86DecodedInsn *d);
void gen_op_movsxd(DisasContext *s, X86DecodedInsn *d);
void gen_op_lea(DisasContext *s, X86DecodedInsn *d);
void gen_op_cbw(DisasContext *s, X86DecodedInsn *d);
void gen_op_cwd(DisasContext *s, X86DecodedInsn *d);
void gen_op_cmov(DisasContext *s, X86DecodedInsn *d);
void gen_op_setcc(DisasContext *s, X86DecodedInsn *d);
void gen_op_bcd(DisasContext *s, X86DecodedInsn *d);

/* emitters: translate-bmi.c (helpers: bmi_helper.c) */
void gen_op_bmi(DisasContext *s, X86DecodedInsn *d);
uint64_t helper_pdep(uint64_t src, uint64_t mask);
uint64_t helper_pext(uint64_t src, uint64_t mask);

/* emitters: translate-ctl.c */
void gen_op_push_r(DisasContext *s, X86DecodedInsn *d);
void gen_op_pop_r(DisasContext *s, X86DecodedInsn *d);
void gen_op_push_i(DisasContext *s, X86DecodedInsn *d);
void gen_op_push_seg(DisasContext *s, X86DecodedInsn *d);
void gen_op_pop_seg(DisasContext *s, X86DecodedInsn *d);
void gen_op_pop_ev(DisasContext *s, X86DecodedInsn *d);
void gen_op_pusha(DisasContext *s, X86DecodedInsn *d);
void gen_op_popa(DisasContext *s, X86DecodedInsn *d);
void gen_op_pushf(DisasContext *s, X86DecodedInsn *d);
void gen_op_popf(DisasContext *s, X86DecodedInsn *d);
void gen_op_enter(DisasContext *s, X86DecodedInsn *d);
void gen_op_leave(DisasContext *s, X86DecodedInsn *d);
void gen_op_jcc(DisasContext *s, X86DecodedInsn *d);
void gen_op_jmp(DisasContext *s, X86DecodedInsn *d);
void gen_op_call(DisasContext *s, X86DecodedInsn *d);
void gen_op_ret(DisasContext *s, X86DecodedInsn *d);
void gen_op_grp5(DisasContext *s, X86DecodedInsn *d);
void gen_op_loop(DisasContext *s, X86DecodedInsn *d);
void gen_op_string(DisasContext *s, X86DecodedInsn *d);
void gen_op_flagop(DisasContext *s, X86DecodedInsn *d);
void gen_op_cmc(DisasContext *s, X86DecodedInsn *d);
void gen_op_sahf(DisasContext *s, X86DecodedInsn *d);
void gen_op_lahf(DisasContext *s, X86DecodedInsn *d);
void gen_op_xlat(DisasContext *s, X86DecodedInsn *d);
void gen_op_mov_seg(DisasContext *s, X86DecodedInsn *d);
void gen_op_int3(DisasContext *s, X86DecodedInsn *d);
void gen_op_int(DisasContext *s, X86DecodedInsn *d);
void gen_op_into(DisasContext *s, X86DecodedInsn *d);
void gen_op_int1(DisasContext *s, X86DecodedInsn *d);
void gen_op_gp(DisasContext *s, X86DecodedInsn *d);
void gen_op_ud(DisasContext *s, X86DecodedInsn *d);
void gen_op_nop(DisasContext *s, X86DecodedInsn *d);
void gen_op_syscall(DisasContext *s, X86DecodedInsn *d);
void gen_op_cpuid(DisasContext *s, X86DecodedInsn *d);
void gen_op_rdtsc(DisasContext *s, X86DecodedInsn *d);
void gen_op_grp7(DisasContext *s, X86DecodedInsn *d);
void gen_op_grp15(DisasContext *s, X86DecodedInsn *d);
void gen_op_x87(DisasContext *s, X86DecodedInsn *d);
void gen_op_wait(DisasContext *s, X86DecodedInsn *d);
void gen_op_sse(DisasContext *s, X86DecodedInsn *d);

/* system mode: emitters that replace the user-mode ones of the same
 * group when non-NULL (translate-sys.c) */
#ifndef CONFIG_USER_ONLY
extern const X86GenFunc x86_sys_emitters[OP_NB];
void helper_irq_window(CPUX86State *env);
#endif

/* helpers (int_helper.c, misc_helper.c, mem_helper.c) */
void helper_raise_exception(CPUX86State *env, uint32_t excp, uint32_t err);
void helper_raise_trap(CPUX86State *env, uint32_t excp, uint32_t err, uint64_t next_eip);
void helper_syscall(CPUX86State *env, uint64_t next_eip);
void helper_div(CPUX86State *env, uint64_t divisor, uint32_t ot);
void helper_idiv(CPUX86State *env, uint64_t divisor, uint32_t ot);
/* Pure helpers computing either the result or the new flags (so an insn
 * can store its result before it changes the flags): desc = ot |
 * X86_SH_RIGHT | X86_SH_FLAGS. count is already masked. */
#define X86_SH_RIGHT 0x10
#define X86_SH_FLAGS 0x20
uint64_t helper_rotc(uint64_t val, uint64_t count, uint64_t flags, uint32_t desc);
uint64_t helper_shxd(uint64_t dst, uint64_t src, uint64_t count, uint64_t flags, uint32_t desc);
uint64_t helper_bcd(CPUX86State *env, uint64_t flags, uint32_t op, uint32_t imm);
void helper_cpuid(CPUX86State *env);
void helper_rdtsc(CPUX86State *env);
void helper_rep_stos(CPUX86State *env, uint32_t desc); /* system mode */
void helper_rdtscp(CPUX86State *env);
void helper_popf(CPUX86State *env, uint64_t val, uint32_t ot);
uint64_t helper_pushf(CPUX86State *env, uint64_t arith);
void helper_ldmxcsr(CPUX86State *env, uint64_t val);
void helper_load_seg_user(CPUX86State *env, uint32_t seg, uint64_t sel);
/* atomics: desc = X86_ATOMIC_* | ot << 8 */
#define X86_ATOMIC_XCHG 0
#define X86_ATOMIC_ADD 1
#define X86_ATOMIC_AND 2
#define X86_ATOMIC_OR 3
#define X86_ATOMIC_XOR 4
uint64_t helper_atomic_rmw(CPUX86State *env, uint64_t addr, uint64_t val, uint32_t desc);
uint64_t helper_atomic_cmpxchg(CPUX86State *env, uint64_t addr, uint64_t cmpv, uint64_t newv,
                               uint32_t ot);
void helper_cmpxchg8b(CPUX86State *env, uint64_t addr, uint32_t parallel);
void helper_cmpxchg16b(CPUX86State *env, uint64_t addr, uint32_t parallel);
void helper_fxsave(CPUX86State *env, uint64_t addr, uint32_t rex_w);
void helper_fxrstor(CPUX86State *env, uint64_t addr, uint32_t rex_w);

#endif
