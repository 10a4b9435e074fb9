/*
 * x86 instruction decoder: prefixes, REX/VEX/EVEX, opcode maps, ModRM,
 * SIB, displacement and immediates, written from the opcode maps of the
 * Intel SDM volume 2, appendix A.
 *
 * The tables below describe each opcode by the emitter group that
 * translates it (X86Op), its immediate form and its operand flags; one
 * entry covers every operand size, which the decoder computes from the
 * mode, the prefixes and the entry's flags. The decoder knows nothing of
 * TCG: it fills an X86DecodedInsn that the translator consumes and that
 * unit tests compare with an independent disassembler.
 */
#include <string.h>

#include "translate.h"

#define M X86_F_MODRM
#define BY X86_F_BYTE
#define D64 X86_F_D64
#define F64 X86_F_F64
#define I64 X86_F_I64
#define O64 X86_F_O64
#define LK X86_F_LOCK
#define MO X86_F_MEMONLY
#define RO X86_F_REGONLY
#define GRP X86_F_GRP

#define E(o, i, f, a) { .op = OP_##o, .imm = IMM_##i, .flags = (f), .arg = (a) }
#define X E(INVALID, NONE, 0, 0)

/* The eight ALU ops share one row layout: Eb,Gb Ev,Gv Gb,Eb Gv,Ev AL,Ib rAX,Iz */
#define ALU_ROW(b, n)                                                          \
    [b + 0] = E(ALU, NONE, M | BY | LK, n), [b + 1] = E(ALU, NONE, M | LK, n), \
    [b + 2] = E(ALU, NONE, M | BY, n), [b + 3] = E(ALU, NONE, M, n),           \
    [b + 4] = E(ALU, B, BY, n), [b + 5] = E(ALU, Z, 0, n)

static const X86OpEntry x86_map_one[256] = {
    ALU_ROW(0x00, 0), ALU_ROW(0x08, 1), ALU_ROW(0x10, 2), ALU_ROW(0x18, 3),
    ALU_ROW(0x20, 4), ALU_ROW(0x28, 5), ALU_ROW(0x30, 6), ALU_ROW(0x38, 7),
    [0x06] = E(PUSH_SEG, NONE, I64, R_ES), [0x07] = E(POP_SEG, NONE, I64, R_ES),
    [0x0e] = E(PUSH_SEG, NONE, I64, R_CS), [0x0f] = X, /* escape */
    [0x16] = E(PUSH_SEG, NONE, I64, R_SS), [0x17] = E(POP_SEG, NONE, I64, R_SS),
    [0x1e] = E(PUSH_SEG, NONE, I64, R_DS), [0x1f] = E(POP_SEG, NONE, I64, R_DS),
    [0x27] = E(DAA, NONE, I64, 0), [0x2f] = E(DAS, NONE, I64, 0),
    [0x37] = E(AAA, NONE, I64, 0), [0x3f] = E(AAS, NONE, I64, 0),
    [0x40 ... 0x47] = E(INCDEC_R, NONE, I64, 0),
    [0x48 ... 0x4f] = E(INCDEC_R, NONE, I64, 1),
    [0x50 ... 0x57] = E(PUSH_R, NONE, D64, 0),
    [0x58 ... 0x5f] = E(POP_R, NONE, D64, 0),
    [0x60] = E(PUSHA, NONE, I64, 0), [0x61] = E(POPA, NONE, I64, 0),
    [0x62] = E(BOUND, NONE, M | I64 | MO, 0),
    [0x63] = E(ARPL, NONE, M, 0), /* MOVSXD in 64-bit mode */
    [0x68] = E(PUSH_I, Z, D64, 0), [0x69] = E(IMUL3, Z, M, 0),
    [0x6a] = E(PUSH_I, B, D64, 0), [0x6b] = E(IMUL3, B, M, 0),
    [0x6c] = E(INS, NONE, BY, 0), [0x6d] = E(INS, NONE, 0, 0),
    [0x6e] = E(OUTS, NONE, BY, 0), [0x6f] = E(OUTS, NONE, 0, 0),
    [0x70 ... 0x7f] = E(JCC, JB, F64, 0),
    [0x80] = E(ALU_GRP1, B, M | BY | LK | GRP, 0),
    [0x81] = E(ALU_GRP1, Z, M | LK | GRP, 0),
    [0x82] = E(ALU_GRP1, B, M | BY | LK | I64 | GRP, 0),
    [0x83] = E(ALU_GRP1, B, M | LK | GRP, 0),
    [0x84] = E(TEST, NONE, M | BY, 0), [0x85] = E(TEST, NONE, M, 0),
    [0x86] = E(XCHG, NONE, M | BY | LK, 0), [0x87] = E(XCHG, NONE, M | LK, 0),
    [0x88] = E(MOV, NONE, M | BY, 0), [0x89] = E(MOV, NONE, M, 0),
    [0x8a] = E(MOV, NONE, M | BY, 0), [0x8b] = E(MOV, NONE, M, 0),
    [0x8c] = E(MOV_SEG, NONE, M, 0), [0x8d] = E(LEA, NONE, M | MO, 0),
    [0x8e] = E(MOV_SEG, NONE, M, 0), [0x8f] = E(POP_EV, NONE, M | D64 | GRP, 0),
    [0x90] = E(XCHG_AX, NONE, 0, 0), [0x91 ... 0x97] = E(XCHG_AX, NONE, 0, 0),
    [0x98] = E(CBW, NONE, 0, 0), [0x99] = E(CWD, NONE, 0, 0),
    [0x9a] = E(CALLF, AP, I64, 0), [0x9b] = E(WAIT, NONE, 0, 0),
    [0x9c] = E(PUSHF, NONE, D64, 0), [0x9d] = E(POPF, NONE, D64, 0),
    [0x9e] = E(SAHF, NONE, 0, 0), [0x9f] = E(LAHF, NONE, 0, 0),
    [0xa0] = E(MOV_MOFFS, MOFFS, BY, 0), [0xa1] = E(MOV_MOFFS, MOFFS, 0, 0),
    [0xa2] = E(MOV_MOFFS, MOFFS, BY, 1), [0xa3] = E(MOV_MOFFS, MOFFS, 0, 1),
    [0xa4] = E(MOVS, NONE, BY, 0), [0xa5] = E(MOVS, NONE, 0, 0),
    [0xa6] = E(CMPS, NONE, BY, 0), [0xa7] = E(CMPS, NONE, 0, 0),
    [0xa8] = E(TEST, B, BY, 1), [0xa9] = E(TEST, Z, 0, 1),
    [0xaa] = E(STOS, NONE, BY, 0), [0xab] = E(STOS, NONE, 0, 0),
    [0xac] = E(LODS, NONE, BY, 0), [0xad] = E(LODS, NONE, 0, 0),
    [0xae] = E(SCAS, NONE, BY, 0), [0xaf] = E(SCAS, NONE, 0, 0),
    [0xb0 ... 0xb7] = E(MOV_RI, B, BY, 0),
    [0xb8 ... 0xbf] = E(MOV_RI, V, 0, 0),
    [0xc0] = E(SHIFT_GRP2, UB, M | BY | GRP, 2), [0xc1] = E(SHIFT_GRP2, UB, M | GRP, 2),
    [0xc2] = E(RET, W, F64, 0), [0xc3] = E(RET, NONE, F64, 0),
    [0xc4] = E(LES, NONE, M | I64 | MO, R_ES), [0xc5] = E(LES, NONE, M | I64 | MO, R_DS),
    [0xc6] = E(MOV_GRP11, B, M | BY | GRP, 0), [0xc7] = E(MOV_GRP11, Z, M | GRP, 0),
    [0xc8] = E(ENTER, WB, D64, 0), [0xc9] = E(LEAVE, NONE, D64, 0),
    [0xca] = E(RETF, W, 0, 0), [0xcb] = E(RETF, NONE, 0, 0),
    [0xcc] = E(INT3, NONE, 0, 0), [0xcd] = E(INT, UB, 0, 0),
    [0xce] = E(INTO, NONE, I64, 0), [0xcf] = E(IRET, NONE, 0, 0),
    [0xd0] = E(SHIFT_GRP2, NONE, M | BY | GRP, 0), [0xd1] = E(SHIFT_GRP2, NONE, M | GRP, 0),
    [0xd2] = E(SHIFT_GRP2, NONE, M | BY | GRP, 1), [0xd3] = E(SHIFT_GRP2, NONE, M | GRP, 1),
    [0xd4] = E(AAM, UB, I64, 0), [0xd5] = E(AAD, UB, I64, 0),
    [0xd6] = E(SALC, NONE, I64, 0), [0xd7] = E(XLAT, NONE, 0, 0),
    [0xd8 ... 0xdf] = E(X87, NONE, M, 0),
    [0xe0] = E(LOOP, JB, F64, 0), [0xe1] = E(LOOP, JB, F64, 1),
    [0xe2] = E(LOOP, JB, F64, 2), [0xe3] = E(LOOP, JB, F64, 3),
    [0xe4] = E(IN, UB, BY, 0), [0xe5] = E(IN, UB, 0, 0),
    [0xe6] = E(OUT, UB, BY, 0), [0xe7] = E(OUT, UB, 0, 0),
    [0xe8] = E(CALL, JZ, F64, 0), [0xe9] = E(JMP, JZ, F64, 0),
    [0xea] = E(JMPF, AP, I64, 0), [0xeb] = E(JMP, JB, F64, 0),
    [0xec] = E(IN, NONE, BY, 1), [0xed] = E(IN, NONE, 0, 1),
    [0xee] = E(OUT, NONE, BY, 1), [0xef] = E(OUT, NONE, 0, 1),
    [0xf1] = E(INT1, NONE, 0, 0), [0xf4] = E(HLT, NONE, 0, 0),
    [0xf5] = E(CMC, NONE, 0, 0),
    [0xf6] = E(GRP3, GRP3, M | BY | LK | GRP, 0), [0xf7] = E(GRP3, GRP3, M | LK | GRP, 0),
    [0xf8] = E(FLAGOP, NONE, 0, 0), [0xf9] = E(FLAGOP, NONE, 0, 1),
    [0xfa] = E(FLAGOP, NONE, 0, 2), [0xfb] = E(FLAGOP, NONE, 0, 3),
    [0xfc] = E(FLAGOP, NONE, 0, 4), [0xfd] = E(FLAGOP, NONE, 0, 5),
    [0xfe] = E(GRP4, NONE, M | BY | LK | GRP, 0), [0xff] = E(GRP5, NONE, M | LK | GRP, 0),
};

static const X86OpEntry x86_map_0f[256] = {
    [0x00] = E(GRP6, NONE, M | GRP, 0), [0x01] = E(GRP7, NONE, M | GRP, 0),
    [0x02] = E(LAR_LSL, NONE, M, 0), [0x03] = E(LAR_LSL, NONE, M, 1),
    [0x05] = E(SYSCALL, NONE, 0, 0), [0x06] = E(PRIV, NONE, 0, 0),
    [0x07] = E(SYSRET, NONE, 0, 0), [0x08] = E(PRIV, NONE, 0, 0),
    [0x09] = E(PRIV, NONE, 0, 0), [0x0b] = E(UD, NONE, 0, 0),
    [0x0d] = E(PREFETCH, NONE, M | MO, 0), [0x0e] = E(3DNOW, NONE, 0, 0),
    [0x0f] = E(3DNOW, UB, M, 0),
    [0x10 ... 0x17] = E(SSE, NONE, M, 0),
    [0x18] = E(PREFETCH, NONE, M, 0), [0x19 ... 0x1d] = E(NOP_MODRM, NONE, M, 0),
    [0x1e] = E(ENDBR_NOP, NONE, M, 0), [0x1f] = E(NOP_MODRM, NONE, M, 0),
    [0x20 ... 0x23] = E(PRIV, NONE, M | RO, 0),
    [0x28 ... 0x2f] = E(SSE, NONE, M, 0),
    [0x30] = E(PRIV, NONE, 0, 0), [0x31] = E(RDTSC, NONE, 0, 0),
    [0x32] = E(PRIV, NONE, 0, 0), [0x33] = E(RDPMC, NONE, 0, 0),
    [0x34] = E(SYSENTER, NONE, 0, 0), [0x35] = E(PRIV, NONE, 0, 0),
    [0x40 ... 0x4f] = E(CMOV, NONE, M, 0),
    [0x50 ... 0x6f] = E(SSE, NONE, M, 0),
    [0x70 ... 0x73] = E(SSE, UB, M, 0),
    [0x74 ... 0x76] = E(SSE, NONE, M, 0), [0x77] = E(SSE, NONE, 0, 0),
    [0x7c ... 0x7f] = E(SSE, NONE, M, 0),
    [0x80 ... 0x8f] = E(JCC, JZ, F64, 0),
    [0x90 ... 0x9f] = E(SETCC, NONE, M | BY, 0),
    [0xa0] = E(PUSH_SEG, NONE, D64, R_FS), [0xa1] = E(POP_SEG, NONE, D64, R_FS),
    [0xa2] = E(CPUID, NONE, 0, 0), [0xa3] = E(BT, NONE, M, 0),
    [0xa4] = E(SHLD, UB, M, 0), [0xa5] = E(SHLD, NONE, M, 1),
    [0xa8] = E(PUSH_SEG, NONE, D64, R_GS), [0xa9] = E(POP_SEG, NONE, D64, R_GS),
    [0xaa] = E(PRIV, NONE, 0, 0), [0xab] = E(BTS, NONE, M | LK, 0),
    [0xac] = E(SHRD, UB, M, 0), [0xad] = E(SHRD, NONE, M, 1),
    [0xae] = E(GRP15, NONE, M | GRP, 0), [0xaf] = E(IMUL2, NONE, M, 0),
    [0xb0] = E(CMPXCHG, NONE, M | BY | LK, 0), [0xb1] = E(CMPXCHG, NONE, M | LK, 0),
    [0xb2] = E(LES, NONE, M | MO, R_SS), [0xb3] = E(BTR, NONE, M | LK, 0),
    [0xb4] = E(LES, NONE, M | MO, R_FS), [0xb5] = E(LES, NONE, M | MO, R_GS),
    [0xb6] = E(MOVZX, NONE, M | BY, 0), [0xb7] = E(MOVZX, NONE, M, 1),
    [0xb8] = E(POPCNT, NONE, M, 0), [0xb9] = E(UD, NONE, M, 1),
    [0xba] = E(BT_GRP8, UB, M | LK | GRP, 0), [0xbb] = E(BTC, NONE, M | LK, 0),
    [0xbc] = E(BSF, NONE, M, 0), [0xbd] = E(BSR, NONE, M, 0),
    [0xbe] = E(MOVSX, NONE, M | BY, 0), [0xbf] = E(MOVSX, NONE, M, 1),
    [0xc0] = E(XADD, NONE, M | BY | LK, 0), [0xc1] = E(XADD, NONE, M | LK, 0),
    [0xc2] = E(SSE, UB, M, 0), [0xc3] = E(MOV, NONE, M | MO, 2), /* MOVNTI */
    [0xc4 ... 0xc6] = E(SSE, UB, M, 0), [0xc7] = E(GRP9, NONE, M | LK | GRP, 0),
    [0xc8 ... 0xcf] = E(BSWAP, NONE, 0, 0),
    [0xd0 ... 0xfe] = E(SSE, NONE, M, 0),
    [0xff] = E(UD, NONE, M, 0),
};

/* 0F 38: SSSE3/SSE4 (SSE translator), MOVBE and CRC32 at F0/F1 */
static const X86OpEntry x86_entry_0f38 = E(SSE, NONE, M, 0);
static const X86OpEntry x86_entry_0f38_f0 = E(MOVBE, NONE, M, 0);
static const X86OpEntry x86_entry_0f3a = E(SSE, UB, M, 0);
static const X86OpEntry x86_entry_invalid = X;
static const X86OpEntry x86_entry_vex = E(INVALID, NONE, M, 0);
static const X86OpEntry x86_entry_vex_ib = E(INVALID, UB, M, 0);
static const X86OpEntry x86_entry_vex_bmi = E(BMI, NONE, M, 0);
static const X86OpEntry x86_entry_vex_bmi_ib = E(BMI, UB, M, 0);

typedef struct DecodeState {
    X86DecodedInsn *d;
    X86FetchFn fetch;
    void *opaque;
    bool too_long;
} DecodeState;

static uint8_t next_byte(DecodeState *st)
{
    if (st->d->len >= 15) {
        st->too_long = true;
        return 0;
    }
    return st->fetch(st->opaque, st->d->pc + st->d->len++);
}

static uint64_t next_bytes(DecodeState *st, int n)
{
    uint64_t v = 0;

    for (int i = 0; i < n; i++) {
        v |= (uint64_t)next_byte(st) << (8 * i);
    }
    return v;
}

static int64_t next_signed(DecodeState *st, int n)
{
    uint64_t v = next_bytes(st, n);
    int sh = 64 - 8 * n;

    return (int64_t)(v << sh) >> sh;
}

/* ModRM/SIB/displacement; the memory operand in d->base/index/scale/disp */
static void decode_modrm(DecodeState *st, bool code64)
{
    X86DecodedInsn *d = st->d;
    uint8_t m = next_byte(st);

    d->has_modrm = true;
    d->modrm = m;
    d->mod = m >> 6;
    d->reg = ((m >> 3) & 7) | d->rex_r;
    d->rm = (m & 7) | d->rex_b;
    d->base = -1;
    d->index = -1;
    d->scale = 0;
    d->disp = 0;
    if (d->mod == 3 || (d->e->flags & X86_F_REGONLY)) {
        return;
    }
    if (d->aflag == MO_16) {
        static const int8_t base16[8] = { R_EBX, R_EBX, R_EBP, R_EBP, -1, -1, R_EBP, R_EBX };
        static const int8_t index16[8] = { R_ESI, R_EDI, R_ESI, R_EDI, R_ESI, R_EDI, -1, -1 };
        int rm = m & 7;

        d->base = base16[rm];
        d->index = index16[rm];
        if (d->mod == 0 && rm == 6) {
            d->base = -1;
            d->disp = next_signed(st, 2);
        } else if (d->mod == 1) {
            d->disp = next_signed(st, 1);
        } else if (d->mod == 2) {
            d->disp = next_signed(st, 2);
        }
        return;
    }
    int rm = m & 7;
    if (rm == 4) {
        uint8_t sib = next_byte(st);
        int idx = ((sib >> 3) & 7) | d->rex_x;

        d->has_sib = 1;
        d->sib = sib;
        d->scale = sib >> 6;
        d->index = idx == 4 ? -1 : idx;
        if ((sib & 7) == 5 && d->mod == 0) {
            d->base = -1;
            d->disp = next_signed(st, 4);
        } else {
            d->base = (sib & 7) | d->rex_b;
        }
    } else if (rm == 5 && d->mod == 0) {
        d->base = code64 ? X86_BASE_RIP : -1;
        d->disp = next_signed(st, 4);
    } else {
        d->base = rm | d->rex_b;
    }
    if (d->mod == 1) {
        d->disp = next_signed(st, 1);
    } else if (d->mod == 2) {
        d->disp = next_signed(st, 4);
    }
}

static int size_bytes(MemOp ot)
{
    return 1 << ot;
}

static void decode_imm(DecodeState *st)
{
    X86DecodedInsn *d = st->d;

    switch (d->e->imm) {
    case IMM_NONE:
        break;
    case IMM_B:
    case IMM_JB:
        d->imm = next_signed(st, 1);
        break;
    case IMM_UB:
        d->imm = next_bytes(st, 1);
        break;
    case IMM_W:
        d->imm = next_bytes(st, 2);
        break;
    case IMM_Z:
    case IMM_JZ:
        d->imm = next_signed(st, d->dflag == MO_16 ? 2 : 4);
        break;
    case IMM_V:
        d->imm = (int64_t)next_bytes(st, size_bytes(d->dflag));
        break;
    case IMM_WB:
        d->imm = next_bytes(st, 2);
        d->imm2 = next_bytes(st, 1);
        break;
    case IMM_MOFFS:
        d->imm = (int64_t)next_bytes(st, size_bytes(d->aflag));
        break;
    case IMM_AP:
        d->imm = next_bytes(st, d->dflag == MO_16 ? 2 : 4);
        d->imm2 = next_bytes(st, 2);
        break;
    case IMM_GRP3:
        if (((d->modrm >> 3) & 7) < 2) {
            if (d->e->flags & X86_F_BYTE) {
                d->imm = next_signed(st, 1);
            } else {
                d->imm = next_signed(st, d->dflag == MO_16 ? 2 : 4);
            }
        }
        break;
    }
}

/* Whether a LOCK prefix is allowed on this insn (memory destination of a
 * read-modify-write insn). */
static bool lock_allowed(const X86DecodedInsn *d)
{
    int op = (d->modrm >> 3) & 7;

    if (!(d->e->flags & X86_F_LOCK) || !d->has_modrm || d->mod == 3) {
        return false;
    }
    if (d->map == X86_MAP_ONE) {
        switch (d->b) {
        case 0x38 ... 0x3d:
            return false; /* CMP */
        case 0x80 ... 0x83:
            return op != 7;
        case 0xf6:
        case 0xf7:
            return op == 2 || op == 3;
        case 0xfe:
        case 0xff:
            return op < 2;
        }
        return true;
    }
    switch (d->b) {
    case 0xba:
        return op >= 5;
    case 0xc7:
        return op == 1;
    }
    return true;
}

/* Operand size for the group insns whose size rule depends on ModRM.reg */
static uint16_t group_size_flags(const X86DecodedInsn *d)
{
    int op = (d->modrm >> 3) & 7;

    if (d->map == X86_MAP_ONE && d->b == 0xff) {
        if (op == 2 || op == 4) {
            return X86_F_F64;
        }
        if (op == 6) {
            return X86_F_D64;
        }
    }
    return 0;
}

static MemOp compute_dflag(const X86DecodedInsn *d, uint16_t flags, bool code64, bool code32)
{
    if (code64) {
        if (flags & X86_F_F64) {
            return MO_64;
        }
        if (d->rex_w) {
            return MO_64;
        }
        if (d->prefixes & PREFIX_DATA) {
            return MO_16;
        }
        return (flags & X86_F_D64) ? MO_64 : MO_32;
    }
    return (code32 ^ !!(d->prefixes & PREFIX_DATA)) ? MO_32 : MO_16;
}

/* VEX (C4/C5) and EVEX (62): decoded for the length only; #UD since no
 * AVX is advertised, except the BMI1/BMI2 opcodes (VEX 0F38 F2-F7 and
 * 0F3A F0), whose checks translate-bmi.c makes. */
static int decode_vex(DecodeState *st, uint8_t first, bool code64)
{
    X86DecodedInsn *d = st->d;
    const X86OpEntry *t = NULL;
    int map;

    if (d->prefixes & (PREFIX_DATA | PREFIX_REPZ | PREFIX_REPNZ | PREFIX_LOCK | PREFIX_REX)) {
        d->e = &x86_entry_invalid;
        return X86_DEC_UD;
    }
    if (first == 0xc5) {
        uint8_t p = next_byte(st);
        map = 1;
        d->vex_l = (p >> 2) & 1;
        d->vex_pp = p & 3;
        d->vex_v = (~p >> 3) & 15;
        d->prefixes |= PREFIX_VEX;
    } else if (first == 0xc4) {
        uint8_t p0 = next_byte(st), p1 = next_byte(st);
        map = p0 & 31;
        d->rex_w = p1 >> 7;
        if (code64) { /* R X B inverted; outside 64-bit mode R = X = 0 and B is ignored */
            d->rex_r = (~p0 >> 4) & 8;
            d->rex_x = (~p0 >> 3) & 8;
            d->rex_b = (~p0 >> 2) & 8;
        }
        d->vex_l = (p1 >> 2) & 1;
        d->vex_pp = p1 & 3;
        d->vex_v = (~p1 >> 3) & 15;
        d->prefixes |= PREFIX_VEX;
    } else {
        uint8_t p0 = next_byte(st);
        next_byte(st);
        next_byte(st);
        map = p0 & 3;
        d->prefixes |= PREFIX_EVEX;
    }
    d->vex_map = map;
    d->map = map;
    d->b = next_byte(st);
    if (map == 1) {
        t = &x86_map_0f[d->b];
        if (d->b == 0x77) {
            d->e = &x86_entry_invalid;
            return X86_DEC_UD;
        }
        d->e = (t->imm == IMM_UB) ? &x86_entry_vex_ib : &x86_entry_vex;
    } else if (map == 3) {
        d->e = &x86_entry_vex_ib;
    } else {
        d->e = &x86_entry_vex;
    }
    if (first == 0xc4 && ((map == 2 && d->b >= 0xf2 && d->b <= 0xf7 && d->b != 0xf4) ||
                          (map == 3 && d->b == 0xf0))) {
        d->e = map == 3 ? &x86_entry_vex_bmi_ib : &x86_entry_vex_bmi;
        decode_modrm(st, code64);
        decode_imm(st);
        return X86_DEC_OK;
    }
    decode_modrm(st, true);
    decode_imm(st);
    return X86_DEC_UD;
}

int x86_decode(X86DecodedInsn *d, uint64_t pc, uint32_t hflags, X86FetchFn fetch,
               void *opaque)
{
    DecodeState st = { .d = d, .fetch = fetch, .opaque = opaque };
    bool code64 = (hflags & HF_CS64_MASK) != 0;
    bool code32 = (hflags & HF_CS32_MASK) != 0;
    uint8_t b;
    int ret = X86_DEC_OK;

    memset(d, 0, sizeof(*d));
    d->pc = pc;
    d->seg = -1;
    d->base = -1;
    d->index = -1;

    /* legacy prefixes, then REX (which must come last) */
    for (;;) {
        b = next_byte(&st);
        if (st.too_long) {
            return X86_DEC_GP;
        }
        switch (b) {
        case 0xf3:
            d->prefixes = (d->prefixes & ~PREFIX_REPNZ) | PREFIX_REPZ;
            d->mandatory = 0xf3;
            break;
        case 0xf2:
            d->prefixes = (d->prefixes & ~PREFIX_REPZ) | PREFIX_REPNZ;
            d->mandatory = 0xf2;
            break;
        case 0xf0:
            d->prefixes |= PREFIX_LOCK;
            break;
        case 0x66:
            d->prefixes |= PREFIX_DATA;
            break;
        case 0x67:
            d->prefixes |= PREFIX_ADR;
            break;
        case 0x26:
            d->seg = R_ES;
            break;
        case 0x2e:
            d->seg = R_CS;
            break;
        case 0x36:
            d->seg = R_SS;
            break;
        case 0x3e:
            d->seg = R_DS;
            break;
        case 0x64:
            d->seg = R_FS;
            break;
        case 0x65:
            d->seg = R_GS;
            break;
        case 0x40 ... 0x4f:
            if (code64) {
                d->rex = b;
                d->prefixes |= PREFIX_REX;
                continue;
            }
            goto done_prefixes;
        default:
            goto done_prefixes;
        }
        /* a legacy prefix after a REX cancels the REX */
        d->rex = 0;
        d->prefixes &= ~PREFIX_REX;
    }
done_prefixes:
    if (d->mandatory == 0 && (d->prefixes & PREFIX_DATA)) {
        d->mandatory = 0x66;
    }
    if (d->rex) {
        d->rex_w = (d->rex >> 3) & 1;
        d->rex_r = (d->rex & 4) << 1;
        d->rex_x = (d->rex & 2) << 2;
        d->rex_b = (d->rex & 1) << 3;
    }
    if (code64) {
        d->aflag = (d->prefixes & PREFIX_ADR) ? MO_32 : MO_64;
    } else {
        d->aflag = (code32 ^ !!(d->prefixes & PREFIX_ADR)) ? MO_32 : MO_16;
    }

    /* VEX/EVEX: always in 64-bit mode, else only when the next byte has
     * mod == 3 (otherwise it is LES/LDS/BOUND) */
    if (b == 0xc4 || b == 0xc5 || b == 0x62) {
        if (d->len >= 15) {
            return X86_DEC_GP;
        }
        if (code64 || (st.fetch(st.opaque, pc + d->len) & 0xc0) == 0xc0) {
            if (code64 || (hflags & HF_PE_MASK)) {
                ret = decode_vex(&st, b, code64);
                d->dflag = d->ot = (code64 && d->rex_w) ? MO_64 : MO_32;
                return st.too_long ? X86_DEC_GP : ret;
            }
        }
    }

    d->map = X86_MAP_ONE;
    d->b = b;
    if (b == 0x0f) {
        b = next_byte(&st);
        if (b == 0x38 || b == 0x3a) {
            d->map = b == 0x38 ? X86_MAP_0F38 : X86_MAP_0F3A;
            d->b = next_byte(&st);
            if (d->map == X86_MAP_0F3A) {
                d->e = &x86_entry_0f3a;
            } else if (d->b == 0xf0 || d->b == 0xf1) {
                d->e = &x86_entry_0f38_f0;
            } else {
                d->e = &x86_entry_0f38;
            }
        } else {
            d->map = X86_MAP_0F;
            d->b = b;
            d->e = &x86_map_0f[b];
        }
    } else {
        d->e = &x86_map_one[b];
    }

    uint16_t flags = d->e->flags;
    if (flags & X86_F_MODRM) {
        decode_modrm(&st, code64);
        flags |= group_size_flags(d);
    }
    d->dflag = compute_dflag(d, flags, code64, code32);
    d->ot = (flags & X86_F_BYTE) ? MO_8 : d->dflag;
    decode_imm(&st);

    if (st.too_long) {
        return X86_DEC_GP;
    }
    if (d->e->op == OP_INVALID) {
        ret = X86_DEC_UD;
    } else if (code64 && (flags & X86_F_I64)) {
        ret = X86_DEC_UD;
    } else if (!code64 && (flags & X86_F_O64)) {
        ret = X86_DEC_UD;
    } else if ((flags & X86_F_MEMONLY) && d->mod == 3) {
        ret = X86_DEC_UD;
    } else if ((d->prefixes & PREFIX_LOCK) && !lock_allowed(d)) {
        ret = X86_DEC_UD;
    }
    return ret;
}
