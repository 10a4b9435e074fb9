/*
 * x87 FPU helpers (fpu_helper.c), private to target/i386.
 *
 * Every x87 computation runs on the host's own x87: a helper loads the
 * guest's whole FPU state into the host with FRSTOR, executes the very
 * instruction the guest executed (same opcode, with ST(i) as in the
 * guest, a memory operand redirected to a host buffer), and reads the
 * state back with FNSAVE. FNSAVE never waits and reinitialises the host
 * FPU, so an exception the guest left unmasked becomes a pending flag in
 * the guest's status word (ES/B) instead of a host SIGFPE, and the host
 * is back to its default control word afterwards. Results, flags, stack
 * faults, NaN choice, C0-C3 and biased results of unmasked overflows are
 * therefore those of the real instruction.
 *
 * Memory operands pass through env->xmm_t0 (16 bytes, enough for m80):
 * generated code loads guest memory there before a load-type helper and
 * stores from there after a store-type helper. Store-type helpers keep
 * the new FPU state pending until helper_x87_commit(), so a guest store
 * that faults leaves the FPU state untouched and the insn can restart.
 *
 * Invariant: env->fpus has ES (and B) set exactly when one of its
 * exception flags is unmasked in env->fpuc (the helpers recompute ES
 * before relying on it, since FXRSTOR or a signal frame may restore any
 * bits). A waiting insn first calls helper_fwait(), which raises #MF when
 * ES is set, so the host never runs an instruction with an exception
 * pending. Common insns with every exception masked take fast paths that
 * skip FRSTOR/FNSAVE; which condition codes those insns write is learned
 * from the host once, so the fast and exact paths agree on any host.
 */
#ifndef TARGET_I386_FPU_HELPER_H
#define TARGET_I386_FPU_HELPER_H

#include <stdbool.h>
#include <stdint.h>

#include "target/i386/cpu.h"

/* status word bits */
#define FPUS_IE 0x0001
#define FPUS_DE 0x0002
#define FPUS_ZE 0x0004
#define FPUS_OE 0x0008
#define FPUS_UE 0x0010
#define FPUS_PE 0x0020
#define FPUS_SF 0x0040
#define FPUS_ES 0x0080
#define FPUS_C0 0x0100
#define FPUS_C1 0x0200
#define FPUS_C2 0x0400
#define FPUS_TOP 0x3800
#define FPUS_C3 0x4000
#define FPUS_B 0x8000
#define FPU_EXC_MASK 0x003f

/* Stub index of an instruction run on the host:
 * register forms (modrm >= 0xC0): (escape - 0xD8) * 64 + (modrm - 0xC0);
 * memory forms: 512 + (escape - 0xD8) * 8 + reg field. */
#define X87_STUB_MEM 512
static inline unsigned x87_stub_reg(unsigned esc, unsigned modrm)
{
    return (esc - 0xd8) * 64 + (modrm - 0xc0);
}
static inline unsigned x87_stub_mem(unsigned esc, unsigned reg)
{
    return X87_STUB_MEM + (esc - 0xd8) * 8 + reg;
}
/* Whether the host may run stub idx: the encoding is a valid x87
 * instruction that is executed on the host (not a control insn such as
 * FNINIT, FNSTENV or FLDCW, which the helpers below implement). */
bool x87_stub_valid(unsigned idx);

/* Whether the host behaves as the pure-C fast paths assume (checked once
 * against the host; when false, those insns take the exact path). */
bool x87_fast_paths_ok(void);

/* FLDENV/FNSTENV/FRSTOR/FNSAVE layout selector */
#define X87_FMT_32 1   /* 32-bit operand size (28-byte environment) */
#define X87_FMT_PM 2   /* protected-mode layout (else real/VM86) */
#define X87_FMT_REGS 4 /* FSAVE/FRSTOR: the 80 register bytes follow */
static inline unsigned x87_fmt_size(unsigned fmt)
{
    return ((fmt & X87_FMT_32) ? 28 : 14) + ((fmt & X87_FMT_REGS) ? 80 : 0);
}

/* ---- helpers called from generated code (translate-x87.c) ---- */

/* Raise #MF if an unmasked exception is pending (every waiting insn). */
void helper_fwait(CPUX86State *env);
/* Run a register form or a memory-load form (operand in xmm_t0) and
 * commit the result. eflags supplies CF/PF/ZF for FCMOVcc. Returns the
 * host's arithmetic flags after the insn (FCOMI and friends). */
uint64_t helper_x87_exec(CPUX86State *env, uint32_t idx, uint64_t eflags);
/* Run a memory-store form: the value to store lands in xmm_t0; returns
 * 1 if the insn stores (0 when an unmasked exception suppressed it). The
 * new state is committed by helper_x87_commit() after the guest store. */
uint32_t helper_x87_store(CPUX86State *env, uint32_t idx);
void helper_x87_commit(CPUX86State *env);

void helper_fninit(CPUX86State *env);
void helper_fnclex(CPUX86State *env);
void helper_fldcw(CPUX86State *env, uint32_t cw);
uint32_t helper_fnstsw(CPUX86State *env);

/* FNSTENV/FNSAVE: 8 bytes of the image (layout fmt) at byte off; then
 * helper_x87_save_done (FNSAVE: FNINIT; FNSTENV: mask all exceptions). */
uint64_t helper_x87_env_get(CPUX86State *env, uint32_t fmt, uint32_t off);
void helper_x87_save_done(CPUX86State *env, uint32_t fmt);
/* FLDENV/FRSTOR: stage the image 8 bytes at a time, then load it. */
void helper_x87_env_put(CPUX86State *env, uint32_t off, uint64_t val);
void helper_x87_env_load(CPUX86State *env, uint32_t fmt);

/* ---- state encodings for FXSAVE/FXRSTOR (helper "i386") and MMX ---- */

uint16_t x87_get_fsw(CPUX86State *env);
void x87_set_fsw(CPUX86State *env, uint16_t fsw);
/* full FSAVE-style tag word: 2 bits per physical register */
uint16_t x87_get_ftw(CPUX86State *env);
uint8_t x87_get_ftw_abridged(CPUX86State *env);
void x87_set_ftw_abridged(CPUX86State *env, uint8_t v);
/* control word as FLDCW sets it (reserved bits fixed), ES recomputed */
void x87_set_fcw(CPUX86State *env, uint16_t fcw);
/* FNINIT */
void x87_reset(CPUX86State *env);
/* MMX: any MMX insn sets TOP = 0 and all tags valid; EMMS empties all. */
void x87_enter_mmx(CPUX86State *env);
void x87_emms(CPUX86State *env);

#endif
