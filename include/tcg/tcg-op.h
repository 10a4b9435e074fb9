/*
 * The op generators a translator calls: tcg_gen_<op>_<i32|i64>(...).
 * The "i" forms take an immediate and emit the op with a constant temp.
 * Implemented in tcg/tcg-op.c.
 */
#ifndef TCG_TCG_OP_H
#define TCG_TCG_OP_H

#include "tcg/tcg.h"

/* Declares the i32 and i64 variants of a generator. */
#define TCG_OP_BOTH(decl) decl(i32, TCGv_i32, int32_t) decl(i64, TCGv_i64, int64_t)

#define DECL_OPS(SZ, T, IMM)                                                  \
    void tcg_gen_mov_##SZ(T d, T a);                                          \
    void tcg_gen_movi_##SZ(T d, IMM v);                                       \
    void tcg_gen_add_##SZ(T d, T a, T b);                                     \
    void tcg_gen_addi_##SZ(T d, T a, IMM b);                                  \
    void tcg_gen_sub_##SZ(T d, T a, T b);                                     \
    void tcg_gen_subi_##SZ(T d, T a, IMM b);                                  \
    void tcg_gen_subfi_##SZ(T d, IMM a, T b);                                 \
    void tcg_gen_mul_##SZ(T d, T a, T b);                                     \
    void tcg_gen_muli_##SZ(T d, T a, IMM b);                                  \
    void tcg_gen_div_##SZ(T d, T a, T b);                                     \
    void tcg_gen_divu_##SZ(T d, T a, T b);                                    \
    void tcg_gen_rem_##SZ(T d, T a, T b);                                     \
    void tcg_gen_remu_##SZ(T d, T a, T b);                                    \
    void tcg_gen_and_##SZ(T d, T a, T b);                                     \
    void tcg_gen_andi_##SZ(T d, T a, IMM b);                                  \
    void tcg_gen_or_##SZ(T d, T a, T b);                                      \
    void tcg_gen_ori_##SZ(T d, T a, IMM b);                                   \
    void tcg_gen_xor_##SZ(T d, T a, T b);                                     \
    void tcg_gen_xori_##SZ(T d, T a, IMM b);                                  \
    void tcg_gen_andc_##SZ(T d, T a, T b);                                    \
    void tcg_gen_orc_##SZ(T d, T a, T b);                                     \
    void tcg_gen_eqv_##SZ(T d, T a, T b);                                     \
    void tcg_gen_nand_##SZ(T d, T a, T b);                                    \
    void tcg_gen_nor_##SZ(T d, T a, T b);                                     \
    void tcg_gen_shl_##SZ(T d, T a, T b);                                     \
    void tcg_gen_shli_##SZ(T d, T a, IMM b);                                  \
    void tcg_gen_shr_##SZ(T d, T a, T b);                                     \
    void tcg_gen_shri_##SZ(T d, T a, IMM b);                                  \
    void tcg_gen_sar_##SZ(T d, T a, T b);                                     \
    void tcg_gen_sari_##SZ(T d, T a, IMM b);                                  \
    void tcg_gen_rotl_##SZ(T d, T a, T b);                                    \
    void tcg_gen_rotli_##SZ(T d, T a, IMM b);                                 \
    void tcg_gen_rotr_##SZ(T d, T a, T b);                                    \
    void tcg_gen_rotri_##SZ(T d, T a, IMM b);                                 \
    void tcg_gen_neg_##SZ(T d, T a);                                          \
    void tcg_gen_not_##SZ(T d, T a);                                          \
    void tcg_gen_ext8s_##SZ(T d, T a);                                        \
    void tcg_gen_ext8u_##SZ(T d, T a);                                        \
    void tcg_gen_ext16s_##SZ(T d, T a);                                       \
    void tcg_gen_ext16u_##SZ(T d, T a);                                       \
    void tcg_gen_bswap16_##SZ(T d, T a);                                      \
    void tcg_gen_bswap32_##SZ(T d, T a);                                      \
    void tcg_gen_deposit_##SZ(T d, T a, T b, unsigned ofs, unsigned len);     \
    void tcg_gen_extract_##SZ(T d, T a, unsigned ofs, unsigned len);          \
    void tcg_gen_sextract_##SZ(T d, T a, unsigned ofs, unsigned len);         \
    void tcg_gen_clz_##SZ(T d, T a, T b);                                     \
    void tcg_gen_clzi_##SZ(T d, T a, IMM b);                                  \
    void tcg_gen_ctz_##SZ(T d, T a, T b);                                     \
    void tcg_gen_ctzi_##SZ(T d, T a, IMM b);                                  \
    void tcg_gen_ctpop_##SZ(T d, T a);                                        \
    void tcg_gen_mulu2_##SZ(T lo, T hi, T a, T b);                            \
    void tcg_gen_muls2_##SZ(T lo, T hi, T a, T b);                            \
    void tcg_gen_add2_##SZ(T lo, T hi, T al, T ah, T bl, T bh);               \
    void tcg_gen_sub2_##SZ(T lo, T hi, T al, T ah, T bl, T bh);               \
    void tcg_gen_setcond_##SZ(TCGCond c, T d, T a, T b);                      \
    void tcg_gen_setcondi_##SZ(TCGCond c, T d, T a, IMM b);                   \
    void tcg_gen_movcond_##SZ(TCGCond c, T d, T c1, T c2, T v1, T v2);        \
    void tcg_gen_brcond_##SZ(TCGCond c, T a, T b, TCGLabel *l);               \
    void tcg_gen_brcondi_##SZ(TCGCond c, T a, IMM b, TCGLabel *l);            \
    void tcg_gen_ld8u_##SZ(T d, TCGv_ptr base, intptr_t ofs);                 \
    void tcg_gen_ld8s_##SZ(T d, TCGv_ptr base, intptr_t ofs);                 \
    void tcg_gen_ld16u_##SZ(T d, TCGv_ptr base, intptr_t ofs);                \
    void tcg_gen_ld16s_##SZ(T d, TCGv_ptr base, intptr_t ofs);                \
    void tcg_gen_ld_##SZ(T d, TCGv_ptr base, intptr_t ofs);                   \
    void tcg_gen_st8_##SZ(T v, TCGv_ptr base, intptr_t ofs);                  \
    void tcg_gen_st16_##SZ(T v, TCGv_ptr base, intptr_t ofs);                 \
    void tcg_gen_st_##SZ(T v, TCGv_ptr base, intptr_t ofs);                   \
    void tcg_gen_qemu_ld_##SZ(T v, TCGv_i64 addr, unsigned mmu_idx, MemOp mop); \
    void tcg_gen_qemu_st_##SZ(T v, TCGv_i64 addr, unsigned mmu_idx, MemOp mop);

TCG_OP_BOTH(DECL_OPS)
#undef DECL_OPS

/* i64-only */
void tcg_gen_ext32s_i64(TCGv_i64 d, TCGv_i64 a);
void tcg_gen_ext32u_i64(TCGv_i64 d, TCGv_i64 a);
void tcg_gen_bswap64_i64(TCGv_i64 d, TCGv_i64 a);
void tcg_gen_ld32u_i64(TCGv_i64 d, TCGv_ptr base, intptr_t ofs);
void tcg_gen_ld32s_i64(TCGv_i64 d, TCGv_ptr base, intptr_t ofs);
void tcg_gen_st32_i64(TCGv_i64 v, TCGv_ptr base, intptr_t ofs);

/* width conversions */
void tcg_gen_ext_i32_i64(TCGv_i64 d, TCGv_i32 a);
void tcg_gen_extu_i32_i64(TCGv_i64 d, TCGv_i32 a);
void tcg_gen_extrl_i64_i32(TCGv_i32 d, TCGv_i64 a);
void tcg_gen_extrh_i64_i32(TCGv_i32 d, TCGv_i64 a);

/* pointers */
void tcg_gen_ld_ptr(TCGv_ptr d, TCGv_ptr base, intptr_t ofs);
void tcg_gen_st_ptr(TCGv_ptr v, TCGv_ptr base, intptr_t ofs);
void tcg_gen_addi_ptr(TCGv_ptr d, TCGv_ptr a, intptr_t b);
void tcg_gen_add_ptr(TCGv_ptr d, TCGv_ptr a, TCGv_ptr b);
void tcg_gen_ext_i32_ptr(TCGv_ptr d, TCGv_i32 a);
void tcg_gen_mov_ptr(TCGv_ptr d, TCGv_ptr a);
static inline TCGv_i64 tcgv_ptr_as_i64(TCGv_ptr p) { return (TCGv_i64)p; }

/* control flow */
void tcg_gen_br(TCGLabel *l);
void gen_set_label(TCGLabel *l);
void tcg_gen_mb(unsigned type);
void tcg_gen_discard_i32(TCGv_i32 a);
void tcg_gen_discard_i64(TCGv_i64 a);
void tcg_gen_insn_start(uint64_t w0, uint64_t w1);
/* goto_tb n; the matching exit is tcg_gen_exit_tb(tb, n) right after */
void tcg_gen_goto_tb(unsigned n);
void tcg_gen_exit_tb(const void *tb, unsigned n);
void tcg_gen_goto_ptr(TCGv_ptr p);

/*
 * Helper calls. ret may be NULL; each arg's type comes from its temp.
 * func is called with the host C ABI: i32 args as uint32_t/int32_t,
 * i64/ptr args as uint64_t/pointers; the return type is ret's type.
 */
void tcg_gen_callN(void *func, unsigned flags, TCGTemp *ret, int nargs, TCGTemp **args);

#define TCG_ARGS_(...) ((TCGTemp *[]){ __VA_ARGS__ })
#define TCG_NARGS_(...) ((int)(sizeof(TCG_ARGS_(__VA_ARGS__)) / sizeof(TCGTemp *)))
/* tcg_gen_call(func, flags, ret_temp_or_NULL, arg temps (TCGTemp *)...) */
#define tcg_gen_call(func, flags, ret, ...)                                   \
    tcg_gen_callN((void *)(func), (flags), (ret), TCG_NARGS_(__VA_ARGS__),    \
                  TCG_ARGS_(__VA_ARGS__))
#define tcg_gen_call0(func, flags, ret) tcg_gen_callN((void *)(func), (flags), (ret), 0, NULL)

/* temp conversions for building call arg lists */
#define tcgv32(v) tcgv_i32_temp(v)
#define tcgv64(v) tcgv_i64_temp(v)
#define tcgvp(v) tcgv_ptr_temp(v)

#endif
