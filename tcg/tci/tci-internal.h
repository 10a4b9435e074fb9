/*
 * TCI bytecode format, shared by the generator (tci-gen.c) and the
 * interpreter (tci-exec.c).
 *
 * A block is a stream of 32-bit units (read with memcpy: the stream needs
 * no alignment, except the goto_tb target field below). Each instruction
 * is a header unit followed by its operands, in this order: input temps,
 * constant args, then output temps, so the interpreter can read all
 * inputs, compute, and write the outputs without looking back.
 *
 * Header: bits [0,8) TCGOpcode, bit 8 the op's TCGType (1 = i64),
 *         bits [9,16) aux1, bits [16,32) aux2 (per-op: condition,
 *         call arg counts, deposit/extract position).
 *
 * Operand unit: bits [0,2) kind, bit 2 set when the value is 32 bits
 * wide, bits [3,32) a signed 29-bit field:
 *   TCI_K_SLOT  register-file slot (the field is the index); slot 0 holds
 *               env, the others hold TB/EBB temps
 *   TCI_K_ENV   a global, read and written directly at env + field
 *   TCI_K_SMALL a constant that fits the field (sign-extended)
 *   TCI_K_LARGE a constant held in the next two units (64 bits)
 * Constant args (offsets, oi, exit values, function pointers) use the
 * same constant encodings. An i32 value is always zero-extended when read
 * and truncated when written, so i32 ops can compute on uint64_t where
 * the low 32 bits do not depend on the high ones.
 *
 * Branch targets (br, brcond) are one unit: a signed byte displacement
 * from the start of the branch instruction. goto_tb n is a header, then
 * padding up to the next 8-byte-aligned address, then an 8-byte absolute
 * pointer to the bytecode to continue with; set_jmp_target rewrites it
 * atomically. The epilogue (at the start of the buffer) is an exit_tb 0.
 */
#ifndef TCG_TCI_INTERNAL_H
#define TCG_TCI_INTERNAL_H

#include <stdint.h>

#define TCI_K_SLOT 0u
#define TCI_K_ENV 1u
#define TCI_K_SMALL 2u
#define TCI_K_LARGE 3u
#define TCI_K_MASK 3u
#define TCI_OPND_I32 4u
#define TCI_FIELD_SHIFT 3
#define TCI_FIELD_MIN (-(1 << 28))
#define TCI_FIELD_MAX ((1 << 28) - 1)

#define TCI_HDR_OPC(h) ((h) & 0xffu)
#define TCI_HDR_I64 0x100u
#define TCI_HDR_AUX1(h) (((h) >> 9) & 0x7fu)
#define TCI_HDR_AUX2(h) ((h) >> 16)
#define TCI_MAKE_HDR(opc, i64, aux1, aux2)                                    \
    ((uint32_t)(opc) | ((i64) ? TCI_HDR_I64 : 0u) | ((uint32_t)(aux1) << 9) |  \
     ((uint32_t)(aux2) << 16))

/* Register file size: env plus every possible non-global temp. */
#define TCI_NB_SLOTS 1025

/* What init reserves at the start of the buffer: the epilogue. */
#define TCI_PROLOGUE_SIZE 16

uintptr_t tci_exec(void *env, const void *code);
uintptr_t tci_unwind_pc(uintptr_t host_pc);

#endif
