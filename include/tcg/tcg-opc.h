/*
 * The IR opcode list: DEF(name, outputs, inputs, constant args, flags).
 *
 * One opcode serves both widths: TCGOp.type says whether the operation is
 * 32 or 64 bits wide (for the conversions it is the output's type). Args
 * are laid out outputs first, then inputs (temps), then constants.
 * Included several times with different DEF() definitions.
 */

/* control flow */
DEF(nop, 0, 0, 0, TCG_OPF_NOT_PRESENT)
DEF(discard, 1, 0, 0, TCG_OPF_NOT_PRESENT)
DEF(set_label, 0, 0, 1, TCG_OPF_BB_END | TCG_OPF_NOT_PRESENT)
DEF(br, 0, 0, 1, TCG_OPF_BB_END)
/* brcond a, b, cond, label */
DEF(brcond, 0, 2, 2, TCG_OPF_BB_END | TCG_OPF_COND_BRANCH)
/* setcond d = (a cond b) ? 1 : 0 */
DEF(setcond, 1, 2, 1, 0)
/* movcond d = (c1 cond c2) ? v1 : v2; args d, c1, c2, v1, v2, cond */
DEF(movcond, 1, 4, 1, 0)
/* mb: memory barrier, constant arg is TCG_MO_* | TCG_BAR_* */
DEF(mb, 0, 0, 1, TCG_OPF_SIDE_EFFECTS)

DEF(mov, 1, 1, 0, TCG_OPF_NOT_PRESENT)

/* host loads/stores relative to a pointer temp: d = *(base + offset) */
DEF(ld8u, 1, 1, 1, 0)
DEF(ld8s, 1, 1, 1, 0)
DEF(ld16u, 1, 1, 1, 0)
DEF(ld16s, 1, 1, 1, 0)
DEF(ld32u, 1, 1, 1, 0) /* i64 only */
DEF(ld32s, 1, 1, 1, 0) /* i64 only */
DEF(ld, 1, 1, 1, 0)    /* full width of the op's type */
/* *(base + offset) = v; args v, base, offset */
DEF(st8, 0, 2, 1, TCG_OPF_SIDE_EFFECTS)
DEF(st16, 0, 2, 1, TCG_OPF_SIDE_EFFECTS)
DEF(st32, 0, 2, 1, TCG_OPF_SIDE_EFFECTS) /* i64 only */
DEF(st, 0, 2, 1, TCG_OPF_SIDE_EFFECTS)

/* arithmetic; shift counts are taken modulo the width */
DEF(add, 1, 2, 0, 0)
DEF(sub, 1, 2, 0, 0)
DEF(mul, 1, 2, 0, 0)
/* division: the translator guarantees b != 0 and no INT_MIN / -1 */
DEF(div, 1, 2, 0, 0)
DEF(divu, 1, 2, 0, 0)
DEF(rem, 1, 2, 0, 0)
DEF(remu, 1, 2, 0, 0)
DEF(and, 1, 2, 0, 0)
DEF(or, 1, 2, 0, 0)
DEF(xor, 1, 2, 0, 0)
DEF(andc, 1, 2, 0, 0) /* a & ~b */
DEF(orc, 1, 2, 0, 0)  /* a | ~b */
DEF(eqv, 1, 2, 0, 0)  /* ~(a ^ b) */
DEF(nand, 1, 2, 0, 0)
DEF(nor, 1, 2, 0, 0)
DEF(shl, 1, 2, 0, 0)
DEF(shr, 1, 2, 0, 0)
DEF(sar, 1, 2, 0, 0)
DEF(rotl, 1, 2, 0, 0)
DEF(rotr, 1, 2, 0, 0)
DEF(neg, 1, 1, 0, 0)
DEF(not, 1, 1, 0, 0)

/* extensions within one width */
DEF(ext8s, 1, 1, 0, 0)
DEF(ext8u, 1, 1, 0, 0)
DEF(ext16s, 1, 1, 0, 0)
DEF(ext16u, 1, 1, 0, 0)
DEF(ext32s, 1, 1, 0, 0) /* i64 only */
DEF(ext32u, 1, 1, 0, 0) /* i64 only */
/* conversions between widths (type = the output's type) */
DEF(ext_i32_i64, 1, 1, 0, 0)   /* i64 d = (int32_t)a */
DEF(extu_i32_i64, 1, 1, 0, 0)  /* i64 d = (uint32_t)a */
DEF(extrl_i64_i32, 1, 1, 0, 0) /* i32 d = low half of a */
DEF(extrh_i64_i32, 1, 1, 0, 0) /* i32 d = high half of a */

/* byte swaps of the low 2, 4 or 8 bytes; the result is zero-extended */
DEF(bswap16, 1, 1, 0, 0)
DEF(bswap32, 1, 1, 0, 0)
DEF(bswap64, 1, 1, 0, 0) /* i64 only */

/* deposit d = a with bits [ofs, ofs+len) taken from b; args d, a, b, ofs, len */
DEF(deposit, 1, 2, 2, 0)
/* extract d = (a >> ofs) & mask(len), sextract sign-extends; args d, a, ofs, len */
DEF(extract, 1, 1, 2, 0)
DEF(sextract, 1, 1, 2, 0)

/* clz/ctz d = a ? count(a) : b */
DEF(clz, 1, 2, 0, 0)
DEF(ctz, 1, 2, 0, 0)
DEF(ctpop, 1, 1, 0, 0)

/* double-width: (lo, hi) = a * b; (lo, hi) = (al, ah) +/- (bl, bh) */
DEF(mulu2, 2, 2, 0, 0)
DEF(muls2, 2, 2, 0, 0)
DEF(add2, 2, 4, 0, 0)
DEF(sub2, 2, 4, 0, 0)

/*
 * Guest memory: qemu_ld val, addr, oi / qemu_st val, addr, oi with
 * oi = make_memop_idx(memop, mmu_idx). addr is always an i64 temp. May fault.
 */
DEF(qemu_ld, 1, 1, 1, TCG_OPF_CALL_CLOBBER | TCG_OPF_SIDE_EFFECTS)
DEF(qemu_st, 0, 2, 1, TCG_OPF_CALL_CLOBBER | TCG_OPF_SIDE_EFFECTS)

/* helper call: outputs and inputs counted by TCGOp.callo / calli; the two
 * constant args after them are the function pointer and TCG_CALL_* flags */
DEF(call, 0, 0, 2, TCG_OPF_CALL_CLOBBER | TCG_OPF_SIDE_EFFECTS)

/* start of a guest instruction: TCG_INSN_START_WORDS constant words */
DEF(insn_start, 0, 0, TCG_INSN_START_WORDS, TCG_OPF_NOT_PRESENT)

/* TB exits: goto_tb n (patchable direct jump), exit_tb value, goto_ptr p */
DEF(goto_tb, 0, 0, 1, TCG_OPF_BB_EXIT | TCG_OPF_BB_END)
DEF(exit_tb, 0, 0, 1, TCG_OPF_BB_EXIT | TCG_OPF_BB_END)
DEF(goto_ptr, 0, 1, 0, TCG_OPF_BB_EXIT | TCG_OPF_BB_END)
