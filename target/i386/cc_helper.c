/*
 * Lazy condition codes: the arithmetic flags from (cc_op, cc_dst,
 * cc_src, cc_src2) as translate.h defines them. Pure functions called
 * by generated code when a flag is needed that the translator does not
 * compute inline, and by cpu_compute_eflags().
 */
#include "translate.h"

static uint64_t size_mask(int ot)
{
    return ot == MO_64 ? ~0ull : (1ull << (8 << ot)) - 1;
}

static uint64_t sign_bit(int ot)
{
    return 1ull << ((8 << ot) - 1);
}

static uint64_t flags_szp(uint64_t dst, int ot)
{
    uint64_t f = 0;

    if ((dst & size_mask(ot)) == 0) {
        f |= CC_Z;
    }
    if (dst & sign_bit(ot)) {
        f |= CC_S;
    }
    if (!__builtin_parity((uint8_t)dst)) {
        f |= CC_P;
    }
    return f;
}

uint64_t helper_cc_compute_all(uint64_t dst, uint64_t src, uint64_t src2, uint32_t op)
{
    if (op == CC_OP_EFLAGS) {
        return src & CC_ALL;
    }
    if (op >= CC_OP_CO && op <= CC_OP_CO_LAST) {
        uint64_t f = helper_cc_compute_all(dst, src, 0, op - CC_OP_CO + CC_OP_ADDB);
        return (f & ~(uint64_t)(CC_C | CC_O)) | (src2 & (CC_C | CC_O));
    }
    if (op < CC_OP_ADDB || op >= CC_OP_NB) {
        return 0;
    }
    int ot = (op - CC_OP_ADDB) & 3;
    int base = op - ot;
    uint64_t m = size_mask(ot), sb = sign_bit(ot);
    uint64_t f = flags_szp(dst, ot);
    uint64_t a;

    if (base == CC_OP_MULB) {
        /* src is a nonzero overflow indicator, possibly above the size */
        return f | (src ? CC_C | CC_O : 0);
    }
    dst &= m;
    src &= m;
    switch (base) {
    case CC_OP_ADDB:
    case CC_OP_ADCB:
        a = (dst - src - (base == CC_OP_ADCB ? src2 : 0)) & m;
        if (base == CC_OP_ADCB && src2) {
            f |= dst <= src ? CC_C : 0;
        } else {
            f |= dst < src ? CC_C : 0;
        }
        f |= (dst ^ src ^ a) & CC_A;
        f |= (~(a ^ src) & (a ^ dst) & sb) ? CC_O : 0;
        break;
    case CC_OP_SUBB:
    case CC_OP_SBBB:
        a = (dst + src + (base == CC_OP_SBBB ? src2 : 0)) & m;
        if (base == CC_OP_SBBB && src2) {
            f |= a <= src ? CC_C : 0;
        } else {
            f |= a < src ? CC_C : 0;
        }
        f |= (dst ^ src ^ a) & CC_A;
        f |= ((a ^ src) & (a ^ dst) & sb) ? CC_O : 0;
        break;
    case CC_OP_LOGICB:
        break;
    case CC_OP_INCB:
        f |= src ? CC_C : 0;
        f |= (dst ^ ((dst - 1) & m) ^ 1) & CC_A;
        f |= dst == sb ? CC_O : 0;
        break;
    case CC_OP_DECB:
        f |= src ? CC_C : 0;
        f |= (dst ^ ((dst + 1) & m) ^ 1) & CC_A;
        f |= dst == sb - 1 ? CC_O : 0;
        break;
    case CC_OP_SHLB:
        f |= (src & sb) ? CC_C : 0;
        f |= ((src ^ dst) & sb) ? CC_O : 0;
        break;
    case CC_OP_SARB:
        f |= src & 1 ? CC_C : 0;
        f |= ((src ^ dst) & sb) ? CC_O : 0;
        break;
    }
    return f;
}

/* CF alone, the same as helper_cc_compute_all(...) & CC_C without the
 * other flags' work: INC/DEC save it at every use of a dynamic cc_op. */
uint64_t helper_cc_compute_c(uint64_t dst, uint64_t src, uint64_t src2, uint32_t op)
{
    if (op == CC_OP_EFLAGS) {
        return src & CC_C;
    }
    if (op >= CC_OP_CO && op <= CC_OP_CO_LAST) {
        return src2 & CC_C;
    }
    if (op < CC_OP_ADDB || op >= CC_OP_NB) {
        return 0;
    }
    int ot = (op - CC_OP_ADDB) & 3;
    int base = op - ot;
    uint64_t m = size_mask(ot);
    uint64_t a;

    if (base == CC_OP_MULB) {
        return src != 0;
    }
    dst &= m;
    src &= m;
    switch (base) {
    case CC_OP_ADDB:
        return dst < src;
    case CC_OP_ADCB:
        return src2 ? dst <= src : dst < src;
    case CC_OP_SUBB:
        return ((dst + src) & m) < src;
    case CC_OP_SBBB:
        a = (dst + src + src2) & m;
        return src2 ? a <= src : a < src;
    case CC_OP_INCB:
    case CC_OP_DECB:
        return src != 0;
    case CC_OP_SHLB:
        return (src & sign_bit(ot)) != 0;
    case CC_OP_SARB:
        return src & 1;
    }
    return 0; /* LOGIC */
}
