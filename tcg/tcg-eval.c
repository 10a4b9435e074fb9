/*
 * Reference evaluator of the pure IR ops (see include/tcg/tcg-eval.h).
 *
 * Everything is computed on 64-bit values: an i32 op first truncates its
 * inputs to 32 bits (zero-extended, or sign-extended where the operation
 * is signed), computes, and the result is stored sign-extended from bit
 * 31. Shift and rotate counts are taken modulo the width.
 */
#include "tcg/tcg-eval.h"

static inline uint64_t mask_len(unsigned len)
{
    return len >= 64 ? ~0ull : (1ull << len) - 1;
}

static uint64_t bswap_n(uint64_t v, unsigned bytes)
{
    uint64_t r = 0;
    unsigned i;

    for (i = 0; i < bytes; i++) {
        r = (r << 8) | ((v >> (8 * i)) & 0xff);
    }
    return r;
}

bool tcg_op_is_foldable(TCGOpcode opc)
{
    switch (opc) {
    case INDEX_op_mov:
    case INDEX_op_setcond:
    case INDEX_op_movcond:
    case INDEX_op_add ... INDEX_op_not:
    case INDEX_op_ext8s ... INDEX_op_sub2:
        return true;
    default:
        return false;
    }
}

bool tcg_op_eval(TCGOpcode opc, TCGType type, const uint64_t *in, const TCGArg *cargs,
                 uint64_t *out)
{
    const bool is32 = type == TCG_TYPE_I32;
    const unsigned bits = is32 ? 32 : 64;
    const uint64_t wmask = mask_len(bits);
    uint64_t a = 0, b = 0, r;
    int64_t sa = 0, sb = 0;
    unsigned c;

    if (!tcg_op_is_foldable(opc)) {
        return false;
    }
    /* Inputs of the width conversions have the other type. */
    switch (opc) {
    case INDEX_op_ext_i32_i64:
    case INDEX_op_extu_i32_i64:
        a = (uint32_t)in[0];
        sa = (int32_t)in[0];
        break;
    case INDEX_op_extrl_i64_i32:
    case INDEX_op_extrh_i64_i32:
        a = in[0];
        break;
    default:
        a = in[0] & wmask;
        sa = is32 ? (int32_t)in[0] : (int64_t)in[0];
        if (tcg_op_defs[opc].nb_iargs > 1) {
            b = in[1] & wmask;
            sb = is32 ? (int32_t)in[1] : (int64_t)in[1];
        }
        break;
    }

    switch (opc) {
    case INDEX_op_mov: r = a; break;
    case INDEX_op_add: r = a + b; break;
    case INDEX_op_sub: r = a - b; break;
    case INDEX_op_mul: r = a * b; break;
    case INDEX_op_div:
    case INDEX_op_rem:
        if (sb == 0 || (sb == -1 && sa == (is32 ? INT32_MIN : INT64_MIN))) {
            return false;
        }
        r = (uint64_t)(opc == INDEX_op_div ? sa / sb : sa % sb);
        break;
    case INDEX_op_divu:
    case INDEX_op_remu:
        if (b == 0) {
            return false;
        }
        r = opc == INDEX_op_divu ? a / b : a % b;
        break;
    case INDEX_op_and: r = a & b; break;
    case INDEX_op_or: r = a | b; break;
    case INDEX_op_xor: r = a ^ b; break;
    case INDEX_op_andc: r = a & ~b; break;
    case INDEX_op_orc: r = a | ~b; break;
    case INDEX_op_eqv: r = ~(a ^ b); break;
    case INDEX_op_nand: r = ~(a & b); break;
    case INDEX_op_nor: r = ~(a | b); break;
    case INDEX_op_shl: r = a << (b & (bits - 1)); break;
    case INDEX_op_shr: r = a >> (b & (bits - 1)); break;
    case INDEX_op_sar: r = (uint64_t)(sa >> (b & (bits - 1))); break;
    case INDEX_op_rotl:
    case INDEX_op_rotr:
        c = b & (bits - 1);
        if (opc == INDEX_op_rotr) {
            c = (bits - c) & (bits - 1);
        }
        r = c ? (a << c) | (a >> (bits - c)) : a;
        break;
    case INDEX_op_neg: r = -a; break;
    case INDEX_op_not: r = ~a; break;
    case INDEX_op_ext8s: r = (uint64_t)(int64_t)(int8_t)a; break;
    case INDEX_op_ext8u: r = (uint8_t)a; break;
    case INDEX_op_ext16s: r = (uint64_t)(int64_t)(int16_t)a; break;
    case INDEX_op_ext16u: r = (uint16_t)a; break;
    case INDEX_op_ext32s: r = (uint64_t)(int64_t)(int32_t)a; break;
    case INDEX_op_ext32u: r = (uint32_t)a; break;
    case INDEX_op_ext_i32_i64: r = (uint64_t)sa; break;
    case INDEX_op_extu_i32_i64: r = a; break;
    case INDEX_op_extrl_i64_i32: r = (uint32_t)a; break;
    case INDEX_op_extrh_i64_i32: r = a >> 32; break;
    case INDEX_op_bswap16: r = bswap_n(a, 2); break;
    case INDEX_op_bswap32: r = bswap_n(a, 4); break;
    case INDEX_op_bswap64: r = bswap_n(a, 8); break;
    case INDEX_op_deposit: {
        unsigned ofs = (unsigned)cargs[0], len = (unsigned)cargs[1];
        uint64_t m;
        if (len == 0 || ofs >= bits || len > bits - ofs) {
            return false;
        }
        m = mask_len(len) << ofs;
        r = (a & ~m) | ((b << ofs) & m);
        break;
    }
    case INDEX_op_extract:
    case INDEX_op_sextract: {
        unsigned ofs = (unsigned)cargs[0], len = (unsigned)cargs[1];
        if (len == 0 || ofs >= bits || len > bits - ofs) {
            return false;
        }
        r = (a >> ofs) & mask_len(len);
        if (opc == INDEX_op_sextract && len < 64) {
            r = (uint64_t)((int64_t)(r << (64 - len)) >> (64 - len));
        }
        break;
    }
    case INDEX_op_clz:
        r = a ? (uint64_t)(__builtin_clzll(a) - (64 - bits)) : b;
        break;
    case INDEX_op_ctz:
        r = a ? (uint64_t)__builtin_ctzll(a) : b;
        break;
    case INDEX_op_ctpop: r = (uint64_t)__builtin_popcountll(a); break;
    case INDEX_op_setcond:
        r = tcg_eval_cond((TCGCond)cargs[0], type, in[0], in[1]);
        break;
    case INDEX_op_movcond:
        r = tcg_eval_cond((TCGCond)cargs[0], type, in[0], in[1]) ? in[2] : in[3];
        break;
    case INDEX_op_mulu2:
    case INDEX_op_muls2: {
        uint64_t lo, hi;
        if (is32) {
            uint64_t p = opc == INDEX_op_mulu2 ? a * b : (uint64_t)(sa * sb);
            lo = p;
            hi = p >> 32;
        } else {
            unsigned __int128 p;
            if (opc == INDEX_op_mulu2) {
                p = (unsigned __int128)a * b;
            } else {
                p = (unsigned __int128)((__int128)sa * sb);
            }
            lo = (uint64_t)p;
            hi = (uint64_t)(p >> 64);
        }
        out[0] = tcg_canon_value(type, lo);
        out[1] = tcg_canon_value(type, hi);
        return true;
    }
    case INDEX_op_add2:
    case INDEX_op_sub2: {
        unsigned __int128 x, y, z;
        x = ((unsigned __int128)(in[1] & wmask) << bits) | (in[0] & wmask);
        y = ((unsigned __int128)(in[3] & wmask) << bits) | (in[2] & wmask);
        z = opc == INDEX_op_add2 ? x + y : x - y;
        out[0] = tcg_canon_value(type, (uint64_t)z & wmask);
        out[1] = tcg_canon_value(type, (uint64_t)(z >> bits) & wmask);
        return true;
    }
    default:
        return false;
    }
    out[0] = tcg_canon_value(type, r);
    return true;
}
