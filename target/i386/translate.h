/*
 * Private contract of the x86 translator (target/i386/).
 *
 * The decoder (decode.c) turns guest bytes into an X86DecodedInsn: all
 * prefixes, REX/VEX, the opcode map and byte, ModRM/SIB/displacement,
 * immediates, operand and address size, and the opcode-table entry that
 * names the emitter group (X86Op). The decoder uses no TCG and can be
 * tested on byte buffers (tests/unit/test-i386-decode.c).
 *
 * The translator (translate.c and translate-*.c) keeps a DisasContext
 * per TB and calls the emitter named by the entry. The x87 (D8-DF) and
 * SSE/MMX groups are implemented by other files through the two hooks
 * gen_x87_insn() and gen_sse_insn(); they use the services declared at
 * the end of this header.
 *
 * Conventions for emitters:
 *  - s->T0, s->T1, s->A0 are scratch i64 TB temps; values of an operand
 *    of size ot are kept zero-extended from ot bits unless said otherwise.
 *  - Guest memory is accessed with tcg_gen_qemu_ld/st_i64(.., s->A0,
 *    s->mem_index, ot) after gen_lea_modrm() or gen_lea_base().
 *  - Faults are precise: the translator emits insn_start(pc, cc_op) for
 *    every insn, and TCG syncs globals before memory ops and helper calls.
 *  - An emitter that ends the TB sets s->base.is_jmp.
 */
#ifndef TARGET_I386_TRANSLATE_H
#define TARGET_I386_TRANSLATE_H

#include <stdbool.h>
#include <stdint.h>

#include "exec/translator.h"
#include "target/i386/cpu.h"
#include "tcg/tcg-op.h"

/* ---------------------------------------------------------------------- */
/* Lazy condition codes                                                     */

/*
 * CC_OP names the last flag-setting operation. For the sized groups the
 * order is B, W, L, Q (add MO_8..MO_64 to the B value).
 *   DYNAMIC: the current value is in env->cc_op (unknown at translation).
 *   EFLAGS:  cc_src holds the flags (CC_C|CC_P|CC_A|CC_Z|CC_S|CC_O bits).
 *   ADD:     dst = result, src = second operand.
 *   ADC:     dst = result, src = second operand, src2 = carry in (0/1).
 *   SUB:     dst = result, src = second operand (first = dst + src).
 *   SBB:     dst = result, src = second operand, src2 = borrow in (0/1).
 *   LOGIC:   dst = result (CF = OF = AF = 0).
 *   INC/DEC: dst = result, src = the CF kept from before.
 *   SHL:     dst = result, src = operand << (count - 1) (CF = its top bit).
 *   SAR:     dst = result, src = operand >> (count - 1) (CF = its bit 0;
 *            used for SHR too: OF = top bit of (src ^ dst)).
 *   MUL:     dst = low result, src != 0 iff CF = OF = 1.
 *   CO + k:  the flags of op CC_OP_ADDB + k (not ADC/SBB) on dst and src,
 *            except CF and OF: the CC_C and CC_O bits of src2 (ROL/ROR
 *            by an immediate change only those two, so they stay lazy).
 *   BMILG:   (unused yet)
 */
typedef enum CCOp {
    CC_OP_DYNAMIC,
    CC_OP_EFLAGS,
    CC_OP_ADDB, CC_OP_ADDW, CC_OP_ADDL, CC_OP_ADDQ,
    CC_OP_ADCB, CC_OP_ADCW, CC_OP_ADCL, CC_OP_ADCQ,
    CC_OP_SUBB, CC_OP_SUBW, CC_OP_SUBL, CC_OP_SUBQ,
    CC_OP_SBBB, CC_OP_SBBW, CC_OP_SBBL, CC_OP_SBBQ,
    CC_OP_LOGICB, CC_OP_LOGICW, CC_OP_LOGICL, CC_OP_LOGICQ,
    CC_OP_INCB, CC_OP_INCW, CC_OP_INCL, CC_OP_INCQ,
    CC_OP_DECB, CC_OP_DECW, CC_OP_DECL, CC_OP_DECQ,
    CC_OP_SHLB, CC_OP_SHLW, CC_OP_SHLL, CC_OP_SHLQ,
    CC_OP_SARB, CC_OP_SARW, CC_OP_SARL, CC_OP_SARQ,
    CC_OP_MULB, CC_OP_MULW, CC_OP_MULL, CC_OP_MULQ,
    CC_OP_CO,
    CC_OP_CO_LAST = CC_OP_CO + (CC_OP_MULQ - CC_OP_ADDB),
    CC_OP_NB,
} CCOp;

/* insn_start word 1 when the cc_op of an insn was not known statically */
#define X86_CC_OP_UNKNOWN 0xffffffffu

/* cc_helper.c: flags from the lazy state (pure functions). */
uint64_t helper_cc_compute_all(uint64_t dst, uint64_t src, uint64_t src2, uint32_t op);
uint64_t helper_cc_compute_c(uint64_t dst, uint64_t src, uint64_t src2, uint32_t op);

/* ---------------------------------------------------------------------- */
/* Decoded instruction                                                      */

#define PREFIX_REPZ 0x01  /* F3 */
#define PREFIX_REPNZ 0x02 /* F2 */
#define PREFIX_LOCK 0x04  /* F0 */
#define PREFIX_DATA 0x08  /* 66 */
#define PREFIX_ADR 0x10   /* 67 */
#define PREFIX_REX 0x20   /* a REX byte applies */
#define PREFIX_VEX 0x40   /* C4/C5 */
#define PREFIX_EVEX 0x80  /* 62 in 64-bit mode */

typedef enum X86Map {
    X86_MAP_ONE,  /* one-byte opcodes */
    X86_MAP_0F,   /* 0F xx */
    X86_MAP_0F38, /* 0F 38 xx */
    X86_MAP_0F3A, /* 0F 3A xx */
} X86Map;

/* Emitter groups named by the opcode tables; translate.c maps them to
 * functions. */
typedef enum X86Op {
    OP_INVALID,   /* #UD */
    OP_ALU,       /* arg = ADD OR ADC SBB AND SUB XOR CMP (0..7) */
    OP_ALU_GRP1,  /* 80-83: reg field selects the ALU op */
    OP_INCDEC_R,  /* 40-4F in 16/32-bit mode; arg 0 inc, 1 dec */
    OP_PUSH_R, OP_POP_R, OP_PUSH_I, OP_PUSH_SEG, OP_POP_SEG,
    OP_PUSHA, OP_POPA, OP_BOUND, OP_ARPL, OP_MOVSXD, OP_IMUL3,
    OP_INS, OP_OUTS, OP_JCC, OP_TEST, OP_XCHG, OP_MOV, OP_MOV_SEG,
    OP_LEA, OP_POP_EV, OP_XCHG_AX, OP_NOP, OP_CBW, OP_CWD, OP_CALLF,
    OP_WAIT, OP_PUSHF, OP_POPF, OP_SAHF, OP_LAHF, OP_MOV_MOFFS,
    OP_MOVS, OP_CMPS, OP_STOS, OP_LODS, OP_SCAS, OP_MOV_RI,
    OP_SHIFT_GRP2, OP_RET, OP_LES, OP_MOV_GRP11, OP_ENTER, OP_LEAVE,
    OP_RETF, OP_INT3, OP_INT, OP_INTO, OP_IRET, OP_AAM, OP_AAD, OP_SALC,
    OP_XLAT, OP_X87, OP_LOOP, OP_IN, OP_OUT, OP_CALL, OP_JMP, OP_JMPF,
    OP_INT1, OP_HLT, OP_CMC, OP_GRP3, OP_FLAGOP, OP_GRP4, OP_GRP5,
    OP_DAA, OP_DAS, OP_AAA, OP_AAS, OP_PRIV,
    /* 0F map */
    OP_GRP6, OP_GRP7, OP_LAR_LSL, OP_SYSCALL, OP_SYSRET, OP_UD,
    OP_NOP_MODRM, OP_PREFETCH, OP_CPUID, OP_RDTSC, OP_RDPMC, OP_CMOV,
    OP_SETCC, OP_BT, OP_BTS, OP_BTR, OP_BTC, OP_BT_GRP8, OP_SHLD, OP_SHRD,
    OP_GRP15, OP_IMUL2, OP_CMPXCHG, OP_MOVZX, OP_MOVSX, OP_BSF, OP_BSR,
    OP_XADD, OP_GRP9, OP_BSWAP, OP_MOVBE, OP_SSE, OP_3DNOW, OP_SYSENTER,
    OP_ENDBR_NOP, OP_RDRAND, OP_POPCNT,
    OP_BMI,       /* VEX 0F38 F2-F7, 0F3A F0: BMI1/BMI2 (translate-bmi.c) */
    OP_NB,
} X86Op;

/* X86OpEntry.flags */
#define X86_F_MODRM 0x0001  /* a ModRM byte follows */
#define X86_F_BYTE 0x0002   /* operates on bytes (ot = MO_8) */
#define X86_F_D64 0x0004    /* 64-bit operand by default in long mode */
#define X86_F_F64 0x0008    /* always 64-bit in long mode (66 ignored) */
#define X86_F_I64 0x0010    /* invalid in 64-bit mode */
#define X86_F_O64 0x0020    /* valid only in 64-bit mode */
#define X86_F_LOCK 0x0040   /* LOCK allowed (with a memory destination) */
#define X86_F_MEMONLY 0x0080 /* mod == 3 is invalid */
#define X86_F_REGONLY 0x0100 /* ModRM always names registers (MOV CRn) */
#define X86_F_GRP 0x0200     /* a group: reg selects the insn */

/* X86OpEntry.imm */
typedef enum X86Imm {
    IMM_NONE,
    IMM_B,     /* imm8, sign-extended */
    IMM_UB,    /* imm8, zero-extended */
    IMM_W,     /* imm16, zero-extended */
    IMM_Z,     /* imm16/32 by operand size, sign-extended to 64 */
    IMM_V,     /* imm16/32/64 by operand size (MOV r, imm) */
    IMM_WB,    /* ENTER: imm = imm16, imm2 = imm8 */
    IMM_MOFFS, /* A0-A3: address-size offset */
    IMM_AP,    /* far pointer: imm = offset16/32, imm2 = selector */
    IMM_JB,    /* rel8: imm = the signed displacement */
    IMM_JZ,    /* rel16/32: imm = the signed displacement */
    IMM_GRP3,  /* F6/F7: imm only for reg field 0/1 (TEST) */
} X86Imm;

typedef struct X86OpEntry {
    uint8_t op;    /* X86Op */
    uint8_t imm;   /* X86Imm */
    uint16_t flags; /* X86_F_* */
    uint8_t arg;   /* emitter-specific (ALU op, register, condition...) */
} X86OpEntry;

typedef struct X86DecodedInsn {
    uint64_t pc;      /* linear address of the first byte */
    uint8_t len;      /* total length in bytes (<= 15) */
    uint32_t prefixes; /* PREFIX_* */
    int8_t seg;       /* segment override R_ES..R_GS, or -1 */
    uint8_t rex;      /* the REX byte, 0 if none */
    uint8_t rex_w;    /* 0/1 (REX.W or VEX.W) */
    uint8_t rex_r, rex_x, rex_b; /* 0 or 8, to OR into register numbers */
    /* the last of 66/F3/F2 in the legacy prefixes, which selects SSE
     * variants: 0, 0x66, 0xF3 or 0xF2 (F3/F2 take precedence over 66) */
    uint8_t mandatory;
    uint8_t map;      /* X86Map */
    uint8_t b;        /* opcode byte within the map */

    MemOp dflag;      /* operand size from prefixes/mode: MO_16/32/64 */
    MemOp aflag;      /* address size: MO_16/32/64 */
    MemOp ot;         /* operand size of this insn (MO_8 for byte ops) */

    bool has_modrm;
    uint8_t modrm;
    uint8_t mod;      /* modrm bits 7:6 */
    uint8_t reg;      /* modrm bits 5:3 | rex_r (0..15) */
    uint8_t rm;       /* modrm bits 2:0 | rex_b (0..15), for mod == 3 */
    /* memory operand (mod != 3): ea = base + index << scale + disp */
    int8_t base;      /* register 0..15, -1 none, X86_BASE_RIP */
    int8_t index;     /* register 0..15, -1 none */
    uint8_t scale;    /* 0..3 */
    int64_t disp;
    uint8_t has_sib, sib;

    int64_t imm;      /* immediate (see X86Imm) */
    uint64_t imm2;    /* ENTER level, far pointer selector */

    /* VEX/EVEX fields (decoded only enough to raise #UD, except the
     * BMI1/BMI2 opcodes: VEX.R/X/B/W then go to rex_r/x/b/w) */
    uint8_t vex_l, vex_v, vex_pp, vex_map;

    const X86OpEntry *e; /* the table entry */
} X86DecodedInsn;

#define X86_BASE_RIP 16

/* Decode errors (x86_decode return values) */
#define X86_DEC_OK 0
#define X86_DEC_UD (-1)   /* invalid encoding: #UD (d->len is best effort) */
#define X86_DEC_GP (-2)   /* longer than 15 bytes: #GP(0) */

typedef uint8_t (*X86FetchFn)(void *opaque, uint64_t addr);

/*
 * Decode one instruction at linear address pc in the mode given by
 * hflags (HF_CS64/HF_CS32/HF_LMA...). fetch reads a code byte; it is
 * called at most 15 times, in order. Returns X86_DEC_*.
 */
int x86_decode(X86DecodedInsn *d, uint64_t pc, uint32_t hflags, X86FetchFn fetch,
               void *opaque);

/* ---------------------------------------------------------------------- */
/* Translation context                                                      */

typedef struct DisasContext {
    DisasContextBase base; /* must be first */
    CPUX86State *env;      /* for the CPUID model (feature checks) */

    uint64_t cs_base;
    uint32_t flags;        /* hflags this TB was translated for */
    uint32_t cflags;
    int cpl;
    bool pe, vm86, code64, code32, ss32, addseg;
    int mem_index;         /* mmu index for qemu_ld/st */
    bool jmp_opt;          /* direct chaining allowed */

    uint64_t pc_start;     /* linear pc of the current insn */
    uint64_t pc_next_insn; /* linear pc of the next insn */
    X86DecodedInsn *insn;  /* the current insn */

    CCOp cc_op;            /* statically known cc_op, or CC_OP_DYNAMIC */
    bool cc_op_dirty;      /* env->cc_op must be written before use */

    TCGv_i64 A0, T0, T1;   /* scratch */
    TCGv_i64 tmp0, tmp1;   /* scratch */
    TCGv_i64 cc_srcT;      /* SUB: first operand while cc_op is static */
} DisasContext;

/* TCG globals for the CPU state (translate.c) */
extern TCGv_i64 cpu_regs[16];
extern TCGv_i64 cpu_cc_dst, cpu_cc_src, cpu_cc_src2;
extern TCGv_i32 cpu_cc_op;
extern TCGv_i64 cpu_seg_base[6];

/* ---------------------------------------------------------------------- */
/* Services for emitters (translate.c)                                      */

/* Effective address of d's memory operand (with segment base and address
 * size wrapping) into s->A0. d->mod must be != 3. */
void gen_lea_modrm(DisasContext *s, X86DecodedInsn *d);
/* s->A0 = seg:a with address-size wrapping; seg -1 = no segment (flat),
 * d->seg overrides def_seg when ovr_ok. */
void gen_lea_base(DisasContext *s, TCGv_i64 a, int def_seg, bool ovr_ok);

/* Raise exception excp at the current insn (ends the TB). */
void gen_exception(DisasContext *s, int excp);
/* #UD at the current insn. */
void gen_illegal_opcode(DisasContext *s);
/* The CF|PF|AF|ZF|SF|OF bits of flags become the guest's arithmetic
 * flags (cc_op becomes EFLAGS). Other bits of flags are ignored. */
void gen_update_cc_eflags(DisasContext *s, TCGv_i64 flags);
/* Write the static cc_op to env->cc_op if needed (before a helper that
 * reads the flags from env). */
void gen_update_cc_op(DisasContext *s);
/* All arithmetic flags (CC_* bits) into reg. */
void gen_compute_eflags(DisasContext *s, TCGv_i64 reg);

/* General registers: read the ot-sized register reg (AH..BH for MO_8 when
 * there is no REX and reg is 4..7) zero-extended into t; write the low ot
 * bits of t with the architectural rules (32-bit writes zero the top). */
void gen_op_mov_v_reg(DisasContext *s, MemOp ot, TCGv_i64 t, int reg);
void gen_op_mov_reg_v(DisasContext *s, MemOp ot, int reg, TCGv_i64 t);
/* Guest memory at s->A0, ot-sized, zero-extended load */
void gen_op_ld_v(DisasContext *s, MemOp ot, TCGv_i64 t, TCGv_i64 a0);
void gen_op_st_v(DisasContext *s, MemOp ot, TCGv_i64 t, TCGv_i64 a0);
/* Read the r/m operand (register or memory, size ot) into t; for memory
 * the address stays in s->A0. Write t to the r/m operand (memory at the
 * address already in s->A0 when mod != 3). */
void gen_ld_modrm(DisasContext *s, X86DecodedInsn *d, MemOp ot, TCGv_i64 t);
void gen_st_modrm(DisasContext *s, X86DecodedInsn *d, MemOp ot, TCGv_i64 t);

/* Helpers that raise exceptions take env; call them after
 * gen_update_cc_op(s) and with the insn's eip restorable (automatic). */

/* ---------------------------------------------------------------------- */
/* Hooks implemented by the x87 and SSE translators                         */

/* D8-DF escapes. false => #UD. The #NM/CR0 checks are done before. */
bool gen_x87_insn(DisasContext *s, X86DecodedInsn *d);
/* Every MMX/SSE opcode of the 0F, 0F38 and 0F3A maps (d->map, d->b,
 * d->mandatory select the insn). false => #UD. */
bool gen_sse_insn(DisasContext *s, X86DecodedInsn *d);

/* x87 state encodings used by FXSAVE/FXRSTOR (fpu_helper.c, "x87"). */
uint16_t x87_get_fsw(CPUX86State *env);
uint8_t x87_get_ftw_abridged(CPUX86State *env);
void x87_set_ftw_abridged(CPUX86State *env, uint8_t v);
void x87_set_fsw(CPUX86State *env, uint16_t fsw);

#endif
