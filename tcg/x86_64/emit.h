/*
 * x86-64 instruction encoder for the host backend.
 *
 * Small static-inline functions that append one host instruction to an
 * X86Asm buffer. They never check for space: the caller reserves room
 * (x86_asm_need) before emitting a bounded sequence. Written from the
 * Intel SDM volume 2 encoding tables (legacy prefixes, REX, ModRM/SIB,
 * VEX for BMI1/BMI2).
 *
 * An opcode is an int: the low byte is the opcode byte, the X86_P* bits
 * above it select escape bytes and prefixes. Register numbers are the
 * hardware numbers 0..15 (X86_RAX..X86_R15).
 */
#ifndef TCG_X86_64_EMIT_H
#define TCG_X86_64_EMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

enum {
    X86_RAX,
    X86_RCX,
    X86_RDX,
    X86_RBX,
    X86_RSP,
    X86_RBP,
    X86_RSI,
    X86_RDI,
    X86_R8,
    X86_R9,
    X86_R10,
    X86_R11,
    X86_R12,
    X86_R13,
    X86_R14,
    X86_R15,
};

typedef struct X86Asm {
    uint8_t *start; /* offsets are relative to this */
    uint8_t *ptr;   /* next byte to write */
    uint8_t *end;   /* first byte past the buffer */
} X86Asm;

/* Opcode flags. */
#define X86_P0F     0x100   /* 0F escape */
#define X86_P0F38   0x200   /* 0F 38 escape */
#define X86_P0F3A   0x400   /* 0F 3A escape */
#define X86_P66     0x800   /* operand-size prefix (16-bit ops) */
#define X86_PF3     0x1000  /* mandatory F3 */
#define X86_PF2     0x2000  /* mandatory F2 */
#define X86_PW      0x4000  /* REX.W: 64-bit operand */
#define X86_PBYTE_R 0x8000  /* reg field names a byte register */
#define X86_PBYTE_M 0x10000 /* r/m field names a byte register */

/* Opcodes used by the backend (flags included where fixed). */
#define OPC_ARITH_GvEv  0x03 /* | (ext << 3) */
#define OPC_ARITH_EvIz  0x81
#define OPC_ARITH_EvIb  0x83
#define OPC_MOVB_EbGb   (0x88 | X86_PBYTE_R)
#define OPC_MOVL_EvGv   0x89
#define OPC_MOVL_GvEv   0x8b
#define OPC_LEA         0x8d
#define OPC_MOVB_EbIb   0xc6
#define OPC_MOVL_EvIz   0xc7
#define OPC_MOVL_Iv     0xb8
#define OPC_MOVZBL      (0xb6 | X86_P0F)
#define OPC_MOVZWL      (0xb7 | X86_P0F)
#define OPC_MOVSBL      (0xbe | X86_P0F)
#define OPC_MOVSWL      (0xbf | X86_P0F)
#define OPC_MOVSLQ      (0x63 | X86_PW)
#define OPC_IMUL_GvEv   (0xaf | X86_P0F)
#define OPC_IMUL_GvEvIb 0x6b
#define OPC_IMUL_GvEvIz 0x69
#define OPC_SHIFT_1     0xd1
#define OPC_SHIFT_Ib    0xc1
#define OPC_SHIFT_cl    0xd3
#define OPC_GRP3_Ev     0xf7
#define OPC_GRP5        0xff
#define OPC_TESTL       0x85
#define OPC_TESTB_EbIb  0xf6
#define OPC_SETCC       (0x90 | X86_P0F | X86_PBYTE_M)
#define OPC_CMOVCC      (0x40 | X86_P0F)
#define OPC_JCC_short   0x70
#define OPC_JCC_long    (0x80 | X86_P0F)
#define OPC_JMP_short   0xeb
#define OPC_JMP_long    0xe9
#define OPC_CALL_Jz     0xe8
#define OPC_BSWAP       (0xc8 | X86_P0F)
#define OPC_BSF         (0xbc | X86_P0F)
#define OPC_BSR         (0xbd | X86_P0F)
#define OPC_TZCNT       (0xbc | X86_P0F | X86_PF3)
#define OPC_LZCNT       (0xbd | X86_P0F | X86_PF3)
#define OPC_POPCNT      (0xb8 | X86_P0F | X86_PF3)
#define OPC_MOVBE_GyMy  (0xf0 | X86_P0F38)
#define OPC_MOVBE_MyGy  (0xf1 | X86_P0F38)
#define OPC_PUSH_r      0x50
#define OPC_POP_r       0x58
#define OPC_RET         0xc3
#define OPC_CQO         0x99 /* cdq without REX.W */
/* VEX-encoded BMI instructions: map in the escape flag, pp in the prefix flags */
#define OPC_ANDN        (0xf2 | X86_P0F38)
#define OPC_SHLX        (0xf7 | X86_P0F38 | X86_P66)
#define OPC_SARX        (0xf7 | X86_P0F38 | X86_PF3)
#define OPC_SHRX        (0xf7 | X86_P0F38 | X86_PF2)
#define OPC_RORX        (0xf0 | X86_P0F3A | X86_PF2)

/* ALU group-1 extensions (also the GvEv opcode base >> 3). */
enum { ARITH_ADD, ARITH_OR, ARITH_ADC, ARITH_SBB, ARITH_AND, ARITH_SUB, ARITH_XOR, ARITH_CMP };
/* Shift group-2 extensions. */
enum { SHIFT_ROL = 0, SHIFT_ROR = 1, SHIFT_SHL = 4, SHIFT_SHR = 5, SHIFT_SAR = 7 };
/* Group-3 (F7) extensions. */
enum {
    EXT3_TEST = 0,
    EXT3_NOT = 2,
    EXT3_NEG = 3,
    EXT3_MUL = 4,
    EXT3_IMUL = 5,
    EXT3_DIV = 6,
    EXT3_IDIV = 7
};
/* Group-5 (FF) extensions. */
enum { EXT5_CALL = 2, EXT5_JMP = 4 };

/* Condition codes (the low nibble of Jcc/SETcc/CMOVcc). */
enum {
    JCC_O,
    JCC_NO,
    JCC_B,
    JCC_AE,
    JCC_E,
    JCC_NE,
    JCC_BE,
    JCC_A,
    JCC_S,
    JCC_NS,
    JCC_P,
    JCC_NP,
    JCC_L,
    JCC_GE,
    JCC_LE,
    JCC_G,
};

static inline bool x86_fits_s8(int64_t v)
{
    return v == (int8_t)v;
}
static inline bool x86_fits_s32(int64_t v)
{
    return v == (int32_t)v;
}
static inline bool x86_fits_u32(int64_t v)
{
    return v == (int64_t)(uint32_t)v;
}

static inline uintptr_t x86_offset(const X86Asm *a)
{
    return (uintptr_t)(a->ptr - a->start);
}

static inline void x86_b(X86Asm *a, uint8_t v)
{
    *a->ptr++ = v;
}

static inline void x86_d32(X86Asm *a, uint32_t v)
{
    memcpy(a->ptr, &v, 4);
    a->ptr += 4;
}

static inline void x86_q64(X86Asm *a, uint64_t v)
{
    memcpy(a->ptr, &v, 8);
    a->ptr += 8;
}

/*
 * Prefixes, REX and opcode bytes. r, x, b are the registers that end up in
 * ModRM.reg, SIB.index and ModRM.rm/SIB.base (or the opcode's low bits);
 * pass 0 for unused fields.
 */
static inline void x86_opc(X86Asm *a, int opc, int r, int x, int b)
{
    int rex = 0;

    if (opc & X86_P66) {
        x86_b(a, 0x66);
    }
    if (opc & X86_PF3) {
        x86_b(a, 0xf3);
    } else if (opc & X86_PF2) {
        x86_b(a, 0xf2);
    }
    rex |= (opc & X86_PW) ? 8 : 0;
    rex |= (r & 8) >> 1;
    rex |= (x & 8) >> 2;
    rex |= (b & 8) >> 3;
    /* spl/bpl/sil/dil exist only with a REX prefix (else they mean ah..bh) */
    if (((opc & X86_PBYTE_R) && r >= 4) || ((opc & X86_PBYTE_M) && b >= 4)) {
        rex |= 0x40;
    }
    if (rex) {
        x86_b(a, 0x40 | rex);
    }
    if (opc & (X86_P0F | X86_P0F38 | X86_P0F3A)) {
        x86_b(a, 0x0f);
        if (opc & X86_P0F38) {
            x86_b(a, 0x38);
        } else if (opc & X86_P0F3A) {
            x86_b(a, 0x3a);
        }
    }
    x86_b(a, opc & 0xff);
}

/* opc with ModRM in register form: reg field r, rm field rm. */
static inline void x86_rr(X86Asm *a, int opc, int r, int rm)
{
    x86_opc(a, opc, r, 0, rm);
    x86_b(a, 0xc0 | ((r & 7) << 3) | (rm & 7));
}

/* ModRM/SIB/displacement for [base + index << shift + disp]; base or index
 * may be -1. Call after the opcode bytes. */
static inline void x86_mem_tail(X86Asm *a, int r, int base, int index, int shift, int32_t disp)
{
    int mod;

    if (base < 0 && index < 0) {
        /* absolute disp32: SIB with no base and no index (not rip-relative) */
        x86_b(a, 0x04 | ((r & 7) << 3));
        x86_b(a, 0x25);
        x86_d32(a, (uint32_t)disp);
        return;
    }
    if (base < 0) {
        x86_b(a, 0x04 | ((r & 7) << 3));
        x86_b(a, (uint8_t)((shift << 6) | ((index & 7) << 3) | 5));
        x86_d32(a, (uint32_t)disp);
        return;
    }
    /* rbp/r13 as base have no disp-less form */
    if (disp == 0 && (base & 7) != X86_RBP) {
        mod = 0x00;
    } else if (x86_fits_s8(disp)) {
        mod = 0x40;
    } else {
        mod = 0x80;
    }
    if (index < 0 && (base & 7) != X86_RSP) {
        x86_b(a, (uint8_t)(mod | ((r & 7) << 3) | (base & 7)));
    } else {
        /* rsp/r12 as base need a SIB; index 4 (rsp) in SIB means none */
        int idx = index < 0 ? 4 : (index & 7);
        x86_b(a, (uint8_t)(mod | ((r & 7) << 3) | 4));
        x86_b(a, (uint8_t)((shift << 6) | (idx << 3) | (base & 7)));
    }
    if (mod == 0x40) {
        x86_b(a, (uint8_t)disp);
    } else if (mod == 0x80) {
        x86_d32(a, (uint32_t)disp);
    }
}

static inline void x86_rm_sib(X86Asm *a, int opc, int r, int base, int index, int shift,
                              int32_t disp)
{
    x86_opc(a, opc, r, index < 0 ? 0 : index, base < 0 ? 0 : base);
    x86_mem_tail(a, r, base, index, shift, disp);
}

/* opc with a memory operand [base + disp]. */
static inline void x86_rm(X86Asm *a, int opc, int r, int base, int32_t disp)
{
    x86_rm_sib(a, opc, r, base, -1, 0, disp);
}

/* opc with a rip-relative operand [rip + disp], disp from the end of the
 * instruction; imm_bytes immediate bytes follow and the caller emits them. */
static inline void x86_rm_rip(X86Asm *a, int opc, int r, uintptr_t target, int imm_bytes)
{
    x86_opc(a, opc, r, 0, 0);
    x86_b(a, (uint8_t)(0x05 | ((r & 7) << 3)));
    x86_d32(a, (uint32_t)(target - ((uintptr_t)a->ptr + 4 + imm_bytes)));
}

/*
 * Three-operand VEX form (BMI): reg = r, VEX.vvvv = v, rm = rm.
 * The map comes from X86_P0F38/3A, pp from X86_P66/F3/F2, W from X86_PW.
 */
static inline void x86_vex_rr(X86Asm *a, int opc, int r, int v, int rm)
{
    int map = (opc & X86_P0F3A) ? 3 : (opc & X86_P0F38) ? 2 : 1;
    int pp = (opc & X86_P66) ? 1 : (opc & X86_PF3) ? 2 : (opc & X86_PF2) ? 3 : 0;

    x86_b(a, 0xc4);
    x86_b(a, (uint8_t)(((~r & 8) << 4) | 0x40 /* ~X */ | ((~rm & 8) << 2) | map));
    x86_b(a, (uint8_t)(((opc & X86_PW) ? 0x80 : 0) | ((~v & 15) << 3) | pp));
    x86_b(a, opc & 0xff);
    x86_b(a, 0xc0 | ((r & 7) << 3) | (rm & 7));
}

/* --- common instructions --------------------------------------------- */

static inline int x86_w(bool is64)
{
    return is64 ? X86_PW : 0;
}

/* d = s (register move of 32 or 64 bits) */
static inline void x86_mov_rr(X86Asm *a, bool is64, int d, int s)
{
    x86_rr(a, OPC_MOVL_GvEv | x86_w(is64), d, s);
}

/* d = v, shortest encoding; is64 false: the low 32 bits (zero-extended) */
static inline void x86_movi(X86Asm *a, bool is64, int d, int64_t v)
{
    if (!is64) {
        v = (uint32_t)v;
    }
    if (v == 0) {
        x86_rr(a, (OPC_ARITH_GvEv | (ARITH_XOR << 3)), d, d); /* clobbers flags */
    } else if (x86_fits_u32(v)) {
        x86_opc(a, OPC_MOVL_Iv + (d & 7), 0, 0, d);
        x86_d32(a, (uint32_t)v);
    } else if (x86_fits_s32(v)) {
        x86_rr(a, OPC_MOVL_EvIz | X86_PW, 0, d);
        x86_d32(a, (uint32_t)v);
    } else if (x86_fits_s32(v - (int64_t)((uintptr_t)a->ptr + 7))) {
        /* an address near the code (TB pointers, helpers): lea is 3 bytes
         * shorter than movabs */
        x86_rm_rip(a, OPC_LEA | X86_PW, d, (uintptr_t)v, 0);
    } else {
        x86_opc(a, (OPC_MOVL_Iv + (d & 7)) | X86_PW, 0, 0, d);
        x86_q64(a, (uint64_t)v);
    }
}

/* Same as x86_movi but never touches the flags (mov instead of xor for 0). */
static inline void x86_movi_keep_flags(X86Asm *a, bool is64, int d, int64_t v)
{
    if (!is64) {
        v = (uint32_t)v;
    }
    if (x86_fits_u32(v)) {
        x86_opc(a, OPC_MOVL_Iv + (d & 7), 0, 0, d);
        x86_d32(a, (uint32_t)v);
    } else {
        x86_movi(a, true, d, v);
    }
}

/* ALU op d = d <op> s */
static inline void x86_arith_rr(X86Asm *a, int op, bool is64, int d, int s)
{
    x86_rr(a, (OPC_ARITH_GvEv + (op << 3)) | x86_w(is64), d, s);
}

/* ALU op d = d <op> imm (imm must fit in 32 bits, sign-extended) */
static inline void x86_arith_ri(X86Asm *a, int op, bool is64, int d, int32_t imm)
{
    if (x86_fits_s8(imm)) {
        x86_rr(a, OPC_ARITH_EvIb | x86_w(is64), op, d);
        x86_b(a, (uint8_t)imm);
    } else {
        x86_rr(a, OPC_ARITH_EvIz | x86_w(is64), op, d);
        x86_d32(a, (uint32_t)imm);
    }
}

static inline void x86_shift_ri(X86Asm *a, int op, bool is64, int d, int count)
{
    if (count == 1) {
        x86_rr(a, OPC_SHIFT_1 | x86_w(is64), op, d);
    } else {
        x86_rr(a, OPC_SHIFT_Ib | x86_w(is64), op, d);
        x86_b(a, (uint8_t)count);
    }
}

/* shift/rotate d by cl */
static inline void x86_shift_cl(X86Asm *a, int op, bool is64, int d)
{
    x86_rr(a, OPC_SHIFT_cl | x86_w(is64), op, d);
}

static inline void x86_grp3(X86Asm *a, int ext, bool is64, int r)
{
    x86_rr(a, OPC_GRP3_Ev | x86_w(is64), ext, r);
}

static inline void x86_push(X86Asm *a, int r)
{
    x86_opc(a, OPC_PUSH_r + (r & 7), 0, 0, r);
}
static inline void x86_pop(X86Asm *a, int r)
{
    x86_opc(a, OPC_POP_r + (r & 7), 0, 0, r);
}

/* jmp/call rel32 to an absolute address; the caller checks the range */
static inline void x86_jmp_abs(X86Asm *a, int opc, uintptr_t target)
{
    x86_b(a, (uint8_t)opc);
    x86_d32(a, (uint32_t)(target - ((uintptr_t)a->ptr + 4)));
}

static inline bool x86_rel32_ok(const X86Asm *a, uintptr_t target, int insn_len)
{
    int64_t d = (int64_t)(target - ((uintptr_t)a->ptr + insn_len));
    return x86_fits_s32(d);
}

/* Recommended multi-byte NOPs (SDM vol. 2, NOP), n = 1..8 */
static inline void x86_nops(X86Asm *a, int n)
{
    static const uint8_t nops[9][8] = {
        { 0 },
        { 0x90 },
        { 0x66, 0x90 },
        { 0x0f, 0x1f, 0x00 },
        { 0x0f, 0x1f, 0x40, 0x00 },
        { 0x0f, 0x1f, 0x44, 0x00, 0x00 },
        { 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
        { 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 },
        { 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
    };
    while (n > 0) {
        int k = n > 8 ? 8 : n;
        memcpy(a->ptr, nops[k], (size_t)k);
        a->ptr += k;
        n -= k;
    }
}

#endif
