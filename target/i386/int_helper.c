/*
 * Integer helpers: DIV/IDIV (with #DE), RCL/RCR, SHLD/SHRD and the BCD
 * adjust insns. The shift helpers are pure and return either the result
 * or the new flags, so that the translator stores the result before it
 * changes the flags.
 */
#include "exec/cpu-exec.h"
#include "translate-internal.h"

static void set_reg(CPUX86State *env, int reg, uint64_t v, int ot)
{
    switch (ot) {
    case MO_8:
        env->regs[reg] = (env->regs[reg] & ~0xffull) | (v & 0xff);
        break;
    case MO_16:
        env->regs[reg] = (env->regs[reg] & ~0xffffull) | (v & 0xffff);
        break;
    case MO_32:
        env->regs[reg] = (uint32_t)v;
        break;
    default:
        env->regs[reg] = v;
        break;
    }
}

void helper_div(CPUX86State *env, uint64_t divisor, uint32_t ot)
{
    uintptr_t ra = GETPC();

    if (divisor == 0) {
        raise_exception_ra(env, EXCP00_DIVZ, ra);
    }
    if (ot == MO_64) {
        unsigned __int128 num = ((unsigned __int128)env->regs[R_EDX] << 64) | env->regs[R_EAX];
        unsigned __int128 q = num / divisor;
        if (q >> 64) {
            raise_exception_ra(env, EXCP00_DIVZ, ra);
        }
        env->regs[R_EAX] = (uint64_t)q;
        env->regs[R_EDX] = (uint64_t)(num % divisor);
        return;
    }
    int bits = 8 << ot;
    uint64_t m = (1ull << bits) - 1;
    uint64_t num;
    if (ot == MO_8) {
        num = env->regs[R_EAX] & 0xffff;
    } else {
        num = ((env->regs[R_EDX] & m) << bits) | (env->regs[R_EAX] & m);
    }
    uint64_t q = num / divisor, r = num % divisor;
    if (q > m) {
        raise_exception_ra(env, EXCP00_DIVZ, ra);
    }
    if (ot == MO_8) {
        set_reg(env, R_EAX, (r << 8) | q, MO_16);
    } else {
        set_reg(env, R_EAX, q, ot);
        set_reg(env, R_EDX, r, ot);
    }
}

void helper_idiv(CPUX86State *env, uint64_t divisor, uint32_t ot)
{
    uintptr_t ra = GETPC();

    if (ot == MO_64) {
        __int128 num = (__int128)(((unsigned __int128)env->regs[R_EDX] << 64) | env->regs[R_EAX]);
        int64_t d = (int64_t)divisor;
        __int128 q, r;
        if (d == 0) {
            raise_exception_ra(env, EXCP00_DIVZ, ra);
        }
        if (d == -1) {
            q = -(unsigned __int128)num; /* wraps for the most negative */
            r = 0;
        } else {
            q = num / d;
            r = num % d;
        }
        if (q != (int64_t)q || (d == -1 && num != 0 && q == num)) {
            raise_exception_ra(env, EXCP00_DIVZ, ra);
        }
        env->regs[R_EAX] = (uint64_t)q;
        env->regs[R_EDX] = (uint64_t)r;
        return;
    }
    int bits = 8 << ot;
    int64_t d = (int64_t)(divisor << (64 - bits)) >> (64 - bits);
    int64_t num;
    if (d == 0) {
        raise_exception_ra(env, EXCP00_DIVZ, ra);
    }
    if (ot == MO_8) {
        num = (int16_t)env->regs[R_EAX];
    } else if (ot == MO_16) {
        num = (int32_t)(((env->regs[R_EDX] & 0xffff) << 16) | (env->regs[R_EAX] & 0xffff));
    } else {
        num = (int64_t)((env->regs[R_EDX] << 32) | (uint32_t)env->regs[R_EAX]);
    }
    if (d == -1 && num == INT64_MIN) {
        raise_exception_ra(env, EXCP00_DIVZ, ra);
    }
    int64_t q = num / d, r = num % d;
    int64_t lim = 1ll << (bits - 1);
    if (q >= lim || q < -lim) {
        raise_exception_ra(env, EXCP00_DIVZ, ra);
    }
    if (ot == MO_8) {
        set_reg(env, R_EAX, ((uint64_t)(r & 0xff) << 8) | (q & 0xff), MO_16);
    } else {
        set_reg(env, R_EAX, q, ot);
        set_reg(env, R_EDX, r, ot);
    }
}

static uint64_t szp(uint64_t v, int ot)
{
    uint64_t m = ot == MO_64 ? ~0ull : (1ull << (8 << ot)) - 1;
    uint64_t f = 0;

    if ((v & m) == 0) {
        f |= CC_Z;
    }
    if ((v >> ((8 << ot) - 1)) & 1) {
        f |= CC_S;
    }
    if (!__builtin_parity((uint8_t)v)) {
        f |= CC_P;
    }
    return f;
}

uint64_t helper_rotc(uint64_t val, uint64_t count, uint64_t flags, uint32_t desc)
{
    int ot = desc & 3;
    bool right = desc & X86_SH_RIGHT;
    int bits = 8 << ot;
    uint64_t m = ot == MO_64 ? ~0ull : (1ull << bits) - 1;
    uint64_t cf = flags & CC_C;
    unsigned c = count % (bits + 1);

    val &= m;
    for (unsigned i = 0; i < c; i++) {
        uint64_t ncf;
        if (right) {
            ncf = val & 1;
            val = (val >> 1) | (cf << (bits - 1));
        } else {
            ncf = (val >> (bits - 1)) & 1;
            val = ((val << 1) | cf) & m;
        }
        cf = ncf;
    }
    if (!(desc & X86_SH_FLAGS)) {
        return val;
    }
    if (count == 0) {
        return flags;
    }
    uint64_t msb = (val >> (bits - 1)) & 1;
    uint64_t of = right ? msb ^ ((val >> (bits - 2)) & 1) : msb ^ cf;
    return (flags & ~(uint64_t)(CC_C | CC_O)) | cf | (of ? CC_O : 0);
}

uint64_t helper_shxd(uint64_t dst, uint64_t src, uint64_t count, uint64_t flags, uint32_t desc)
{
    int ot = desc & 3;
    bool right = desc & X86_SH_RIGHT;
    int bits = 8 << ot;
    uint64_t m = ot == MO_64 ? ~0ull : (1ull << bits) - 1;
    unsigned c = count;
    unsigned __int128 y;
    uint64_t res, cf;

    dst &= m;
    src &= m;
    if (c == 0) {
        return (desc & X86_SH_FLAGS) ? flags : dst;
    }
    if (ot == MO_16) {
        /* counts above 16 shift bits of dst in again after src's */
        unsigned __int128 x = ((unsigned __int128)dst << 32) | ((uint64_t)src << 16) | dst;
        if (right) {
            x = dst | ((uint64_t)src << 16) | ((uint64_t)dst << 32);
            res = (uint64_t)(x >> c) & m;
            cf = (uint64_t)(x >> (c - 1)) & 1;
        } else {
            y = x << c;
            res = (uint64_t)(y >> 32) & m;
            cf = (uint64_t)(y >> 48) & 1;
        }
    } else if (right) {
        y = ((unsigned __int128)src << bits) | dst;
        res = (uint64_t)(y >> c) & m;
        cf = (uint64_t)(y >> (c - 1)) & 1;
    } else {
        y = (((unsigned __int128)dst << bits) | src) << c;
        res = (uint64_t)(y >> bits) & m;
        cf = (dst >> (bits - c)) & 1;
    }
    if (!(desc & X86_SH_FLAGS)) {
        return res;
    }
    uint64_t f = szp(res, ot) | cf;
    if (((res ^ dst) >> (bits - 1)) & 1) {
        f |= CC_O;
    }
    return f;
}

uint64_t helper_bcd(CPUX86State *env, uint64_t flags, uint32_t op, uint32_t imm)
{
    uint64_t ax = env->regs[R_EAX] & 0xffff;
    unsigned al = ax & 0xff, ah = ax >> 8;
    unsigned old_al = al;
    bool cf = flags & CC_C, af = flags & CC_A;
    uint64_t nf = flags & ~(uint64_t)CC_ALL;

    switch (op) {
    case OP_DAA:
    case OP_DAS: {
        bool ncf = false;
        if ((al & 0xf) > 9 || af) {
            if (op == OP_DAA) {
                ncf = cf || al + 6 > 0xff;
                al = (al + 6) & 0xff;
            } else {
                ncf = cf || al < 6;
                al = (al - 6) & 0xff;
            }
            af = true;
        } else {
            af = false;
        }
        if (old_al > 0x99 || cf) {
            al = (op == OP_DAA ? al + 0x60 : al - 0x60) & 0xff;
            ncf = true;
        }
        cf = ncf;
        ax = (ax & 0xff00) | al;
        nf = szp(al, MO_8) | (cf ? CC_C : 0) | (af ? CC_A : 0);
        break;
    }
    case OP_AAA:
    case OP_AAS:
        if ((al & 0xf) > 9 || af) {
            ax = op == OP_AAA ? ax + 0x106 : ((ax - 6) & 0xff) | (((ah - 1) & 0xff) << 8);
            af = cf = true;
        } else {
            af = cf = false;
        }
        ax = (ax & 0xff0f) & 0xffff;
        nf = szp(ax & 0xff, MO_8) | (cf ? CC_C : 0) | (af ? CC_A : 0);
        break;
    case OP_AAM:
        ah = al / imm;
        al = al % imm;
        ax = (ah << 8) | al;
        nf = szp(al, MO_8);
        break;
    case OP_AAD:
        al = (al + ah * imm) & 0xff;
        ax = al;
        nf = szp(al, MO_8);
        break;
    case OP_SALC:
        ax = (ax & 0xff00) | (cf ? 0xff : 0);
        nf = flags;
        break;
    }
    env->regs[R_EAX] = (env->regs[R_EAX] & ~0xffffull) | (ax & 0xffff);
    return nf;
}
