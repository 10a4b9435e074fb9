/*
 * TCI interpreter: runs the bytecode of tci-gen.c (format in
 * tci-internal.h).
 *
 * The register file lives on exec()'s stack; slot 0 holds env. Chained
 * blocks (goto_tb, goto_ptr) continue in the same loop with the same
 * register file, so TB temps are simply not carried across blocks. The
 * address of the instruction being executed is kept per thread before
 * every helper call and guest memory access, so that a fault or a helper
 * can map its position back to a guest instruction (unwind_pc).
 *
 * Guest memory: linux-user adds guest_base; system mode (tcg_ctx->softmmu)
 * probes the softmmu TLB inline (tci_tlb_hit) and calls helper_ld_mmu /
 * helper_st_mmu on a miss, a flagged entry, a page-crossing or a
 * misaligned access.
 *
 * i32 semantics: an i32 operand is read zero-extended and truncated when
 * written; ops whose low 32 bits depend on high input bits (right shifts,
 * rotates, division, clz...) are computed in 32 bits explicitly.
 */
#include "tci-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/cputlb.h"
#include "tcg/tcg.h"

/* In accel/tcg/cputlb.c, linked only into the system emulator, whose
 * tlb_init (same object) is what turns softmmu on: weak, so linux-user
 * links without them. */
#pragma weak helper_ld_mmu
#pragma weak helper_st_mmu

_Static_assert(NB_OPS <= 256, "TCI headers hold the opcode in 8 bits");

static __thread const uint8_t *tci_cur_op;

typedef uint64_t (*TCIHelper)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
                              uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

static inline uint32_t tci_rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline uint64_t tci_rd64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* Read one operand (temp or constant) and advance. */
static inline uint64_t tci_in(const uint8_t **pp, const uint64_t *regs, uint8_t *env)
{
    uint32_t u = tci_rd32(*pp);
    int32_t field = (int32_t)u >> TCI_FIELD_SHIFT;
    uint64_t v;

    *pp += 4;
    switch (u & TCI_K_MASK) {
    case TCI_K_SLOT:
        v = regs[field];
        break;
    case TCI_K_ENV:
        if (u & TCI_OPND_I32) {
            uint32_t x;
            memcpy(&x, env + field, 4);
            return x;
        }
        memcpy(&v, env + field, 8);
        return v;
    case TCI_K_SMALL:
        v = (uint64_t)(int64_t)field;
        break;
    default:
        v = tci_rd64(*pp);
        *pp += 8;
        break;
    }
    return (u & TCI_OPND_I32) ? (uint32_t)v : v;
}

/* Write one output operand and advance. */
static inline void tci_out(const uint8_t **pp, uint64_t *regs, uint8_t *env, uint64_t v)
{
    uint32_t u = tci_rd32(*pp);
    int32_t field = (int32_t)u >> TCI_FIELD_SHIFT;

    *pp += 4;
    if ((u & TCI_K_MASK) == TCI_K_ENV) {
        if (u & TCI_OPND_I32) {
            uint32_t x = (uint32_t)v;
            memcpy(env + field, &x, 4);
        } else {
            memcpy(env + field, &v, 8);
        }
    } else {
        regs[field] = (u & TCI_OPND_I32) ? (uint32_t)v : v;
    }
}

static inline bool tci_cond(unsigned cond, bool is64, uint64_t a, uint64_t b)
{
    return tcg_eval_cond((TCGCond)cond, is64 ? TCG_TYPE_I64 : TCG_TYPE_I32, a, b);
}

static inline uint64_t tci_rotl(uint64_t a, unsigned c, bool is64)
{
    if (is64) {
        c &= 63;
        return c ? (a << c) | (a >> (64 - c)) : a;
    }
    c &= 31;
    uint32_t x = (uint32_t)a;
    return c ? (uint32_t)((x << c) | (x >> (32 - c))) : x;
}

/* Division guards: the translator never divides by zero or overflows,
 * but a bad op list must not kill the emulator with SIGFPE. */
static uint64_t tci_div(uint64_t a, uint64_t b, bool is64, bool sign, bool rem)
{
    if (is64) {
        if (b == 0) {
            return 0;
        }
        if (sign) {
            int64_t sa = (int64_t)a, sb = (int64_t)b;
            if (sb == -1) {
                return rem ? 0 : -(uint64_t)a;
            }
            return (uint64_t)(rem ? sa % sb : sa / sb);
        }
        return rem ? a % b : a / b;
    }
    uint32_t ua = (uint32_t)a, ub = (uint32_t)b;
    if (ub == 0) {
        return 0;
    }
    if (sign) {
        int32_t sa = (int32_t)ua, sb = (int32_t)ub;
        if (sb == -1) {
            return rem ? 0 : (uint32_t)-ua;
        }
        return (uint32_t)(rem ? sa % sb : sa / sb);
    }
    return rem ? ua % ub : ua / ub;
}

/* The guest load of mop from host address h, extended per MO_SIGN. */
static uint64_t tci_ld_host(const uint8_t *h, MemOp mop)
{
    uint64_t v;

    switch (mop & MO_SIZE) {
    case MO_8: {
        uint8_t x;
        memcpy(&x, h, 1);
        return (mop & MO_SIGN) ? (uint64_t)(int64_t)(int8_t)x : x;
    }
    case MO_16: {
        uint16_t x;
        memcpy(&x, h, 2);
        if (mop & MO_BSWAP) {
            x = __builtin_bswap16(x);
        }
        return (mop & MO_SIGN) ? (uint64_t)(int64_t)(int16_t)x : x;
    }
    case MO_32: {
        uint32_t x;
        memcpy(&x, h, 4);
        if (mop & MO_BSWAP) {
            x = __builtin_bswap32(x);
        }
        return (mop & MO_SIGN) ? (uint64_t)(int64_t)(int32_t)x : x;
    }
    default:
        memcpy(&v, h, 8);
        return (mop & MO_BSWAP) ? __builtin_bswap64(v) : v;
    }
}

static void tci_st_host(uint8_t *h, MemOp mop, uint64_t val)
{
    switch (mop & MO_SIZE) {
    case MO_8: {
        uint8_t x = (uint8_t)val;
        memcpy(h, &x, 1);
        break;
    }
    case MO_16: {
        uint16_t x = (uint16_t)val;
        if (mop & MO_BSWAP) {
            x = __builtin_bswap16(x);
        }
        memcpy(h, &x, 2);
        break;
    }
    case MO_32: {
        uint32_t x = (uint32_t)val;
        if (mop & MO_BSWAP) {
            x = __builtin_bswap32(x);
        }
        memcpy(h, &x, 4);
        break;
    }
    default:
        if (mop & MO_BSWAP) {
            val = __builtin_bswap64(val);
        }
        memcpy(h, &val, 8);
        break;
    }
}

static inline bool tci_misaligned(uint64_t addr, MemOp mop)
{
    return (addr & ((1u << memop_align_bits(mop)) - 1)) != 0;
}

/*
 * System mode: the softmmu TLB entry of addr's page for (oi's mmu_idx),
 * and whether the access may use it directly: the tag must be the page of
 * the access's last byte (so an access crossing into the next page, or
 * one whose entry has a TLB_* flag, goes to the slow path) and the address
 * must meet the op's alignment. The same test as the x86-64 fast path.
 */
static inline const CPUTLBEntry *tci_tlb_hit(void *env, intptr_t tlb_ofs, uint64_t addr,
                                             MemOpIdx oi, bool store)
{
    MemOp mop = get_memop(oi);
    const CPUTLBDescFast *f =
        (const CPUTLBDescFast *)((uint8_t *)env + tlb_ofs) + get_mmuidx(oi);
    const CPUTLBEntry *e = (const CPUTLBEntry *)(
        (uintptr_t)f->table + ((addr >> (TARGET_PAGE_BITS - CPU_TLB_ENTRY_BITS)) & f->mask));
    uint64_t last_page = (addr + (1u << (mop & MO_SIZE)) - 1) & TARGET_PAGE_MASK;
    uint64_t tag = store ? __atomic_load_n(&e->addr_write, __ATOMIC_ACQUIRE) : e->addr_read;

    if (tag != last_page || tci_misaligned(addr, mop)) {
        return NULL;
    }
    return e;
}

/*
 * A guest load. retaddr for the helpers is the op's address + 1: any value
 * inside the op works, since unwind_pc maps it through tci_cur_op.
 */
static uint64_t tci_qemu_ld(void *env, uint64_t addr, uint32_t oi, uintptr_t guest_base,
                            intptr_t tlb_ofs, bool softmmu, const uint8_t *op)
{
    MemOp mop = get_memop(oi);

    if (softmmu) {
        const CPUTLBEntry *e = tci_tlb_hit(env, tlb_ofs, addr, oi, false);
        if (e) {
            return tci_ld_host((const uint8_t *)(uintptr_t)(addr + e->addend), mop);
        }
        if (tci_misaligned(addr, mop)) {
            tcg_unaligned_access(env, addr, oi, (uintptr_t)op + 1);
        }
        return helper_ld_mmu(env, addr, oi, (uintptr_t)op + 1);
    }
    if (tci_misaligned(addr, mop)) {
        tcg_unaligned_access(env, addr, oi, (uintptr_t)op + 1);
    }
    return tci_ld_host((const uint8_t *)(uintptr_t)(addr + guest_base), mop);
}

static void tci_qemu_st(void *env, uint64_t val, uint64_t addr, uint32_t oi,
                        uintptr_t guest_base, intptr_t tlb_ofs, bool softmmu,
                        const uint8_t *op)
{
    MemOp mop = get_memop(oi);

    if (softmmu) {
        const CPUTLBEntry *e = tci_tlb_hit(env, tlb_ofs, addr, oi, true);
        if (e) {
            tci_st_host((uint8_t *)(uintptr_t)(addr + e->addend), mop, val);
            return;
        }
        if (tci_misaligned(addr, mop)) {
            tcg_unaligned_access(env, addr, oi, (uintptr_t)op + 1);
        }
        helper_st_mmu(env, addr, val, oi, (uintptr_t)op + 1);
        return;
    }
    if (tci_misaligned(addr, mop)) {
        tcg_unaligned_access(env, addr, oi, (uintptr_t)op + 1);
    }
    tci_st_host((uint8_t *)(uintptr_t)(addr + guest_base), mop, val);
}

static uint64_t tci_load(uintptr_t addr, TCGOpcode opc, bool is64)
{
    const void *p = (const void *)addr;

    switch (opc) {
    case INDEX_op_ld8u: { uint8_t x; memcpy(&x, p, 1); return x; }
    case INDEX_op_ld8s: { int8_t x; memcpy(&x, p, 1); return (uint64_t)(int64_t)x; }
    case INDEX_op_ld16u: { uint16_t x; memcpy(&x, p, 2); return x; }
    case INDEX_op_ld16s: { int16_t x; memcpy(&x, p, 2); return (uint64_t)(int64_t)x; }
    case INDEX_op_ld32u: { uint32_t x; memcpy(&x, p, 4); return x; }
    case INDEX_op_ld32s: { int32_t x; memcpy(&x, p, 4); return (uint64_t)(int64_t)x; }
    default:
        if (is64) {
            uint64_t x;
            memcpy(&x, p, 8);
            return x;
        } else {
            uint32_t x;
            memcpy(&x, p, 4);
            return x;
        }
    }
}

static void tci_store(uintptr_t addr, TCGOpcode opc, bool is64, uint64_t v)
{
    void *p = (void *)addr;
    unsigned n;

    switch (opc) {
    case INDEX_op_st8: n = 1; break;
    case INDEX_op_st16: n = 2; break;
    case INDEX_op_st32: n = 4; break;
    default: n = is64 ? 8 : 4; break;
    }
    /* little-endian host: the low n bytes of v come first */
    memcpy(p, &v, n);
}

static inline uint64_t tci_mask(unsigned len)
{
    return len >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << len) - 1;
}

uintptr_t tci_exec(void *env_ptr, const void *code)
{
    uint64_t regs[TCI_NB_SLOTS];
    uint8_t *env = env_ptr;
    const uint8_t *pc = code;
    const uint8_t *saved_cur = tci_cur_op;
    uintptr_t guest_base = tcg_ctx->guest_base;
    bool softmmu = tcg_ctx->softmmu;
    intptr_t tlb_ofs = tcg_ctx->tlb_fast_ofs;

    regs[0] = (uintptr_t)env_ptr;
    for (;;) {
        const uint8_t *op = pc;
        uint32_t hdr = tci_rd32(pc);
        TCGOpcode opc = (TCGOpcode)TCI_HDR_OPC(hdr);
        bool is64 = (hdr & TCI_HDR_I64) != 0;
        uint64_t a, b, c, d, r;

        pc += 4;
        switch (opc) {
        case INDEX_op_mov:
            tci_out(&pc, regs, env, tci_in(&pc, regs, env));
            break;

        /* control flow */
        case INDEX_op_br:
            pc = op + (int32_t)tci_rd32(pc);
            break;
        case INDEX_op_brcond:
            a = tci_in(&pc, regs, env);
            b = tci_in(&pc, regs, env);
            if (tci_cond(TCI_HDR_AUX1(hdr), is64, a, b)) {
                pc = op + (int32_t)tci_rd32(pc);
            } else {
                pc += 4;
            }
            break;
        case INDEX_op_setcond:
            a = tci_in(&pc, regs, env);
            b = tci_in(&pc, regs, env);
            tci_out(&pc, regs, env, tci_cond(TCI_HDR_AUX1(hdr), is64, a, b));
            break;
        case INDEX_op_movcond:
            a = tci_in(&pc, regs, env);
            b = tci_in(&pc, regs, env);
            c = tci_in(&pc, regs, env);
            d = tci_in(&pc, regs, env);
            tci_out(&pc, regs, env, tci_cond(TCI_HDR_AUX1(hdr), is64, a, b) ? c : d);
            break;
        case INDEX_op_mb:
            __atomic_thread_fence(__ATOMIC_SEQ_CST);
            break;
        case INDEX_op_exit_tb:
            r = tci_in(&pc, regs, env);
            tci_cur_op = saved_cur;
            return (uintptr_t)r;
        case INDEX_op_goto_tb: {
            uintptr_t field = ((uintptr_t)pc + 7) & ~(uintptr_t)7;
            pc = (const uint8_t *)(uintptr_t)
                __atomic_load_n((const uint64_t *)field, __ATOMIC_ACQUIRE);
            break;
        }
        case INDEX_op_goto_ptr:
            /* the epilogue is itself bytecode: exit_tb 0 */
            pc = (const uint8_t *)(uintptr_t)tci_in(&pc, regs, env);
            break;

        /* host memory */
        case INDEX_op_ld8u:
        case INDEX_op_ld8s:
        case INDEX_op_ld16u:
        case INDEX_op_ld16s:
        case INDEX_op_ld32u:
        case INDEX_op_ld32s:
        case INDEX_op_ld:
            a = tci_in(&pc, regs, env);
            b = tci_in(&pc, regs, env);
            tci_out(&pc, regs, env, tci_load((uintptr_t)(a + b), opc, is64));
            break;
        case INDEX_op_st8:
        case INDEX_op_st16:
        case INDEX_op_st32:
        case INDEX_op_st:
            a = tci_in(&pc, regs, env);
            b = tci_in(&pc, regs, env);
            c = tci_in(&pc, regs, env);
            tci_store((uintptr_t)(b + c), opc, is64, a);
            break;

        /* arithmetic: the low 32 bits of these only depend on low bits */
#define TCI_BINOP(name, expr)                                                 \
        case INDEX_op_##name:                                                 \
            a = tci_in(&pc, regs, env);                                       \
            b = tci_in(&pc, regs, env);                                       \
            tci_out(&pc, regs, env, (expr));                                  \
            break;
        TCI_BINOP(add, a + b)
        TCI_BINOP(sub, a - b)
        TCI_BINOP(mul, a * b)
        TCI_BINOP(and, a & b)
        TCI_BINOP(or, a | b)
        TCI_BINOP(xor, a ^ b)
        TCI_BINOP(andc, a & ~b)
        TCI_BINOP(orc, a | ~b)
        TCI_BINOP(eqv, ~(a ^ b))
        TCI_BINOP(nand, ~(a & b))
        TCI_BINOP(nor, ~(a | b))
        TCI_BINOP(div, tci_div(a, b, is64, true, false))
        TCI_BINOP(divu, tci_div(a, b, is64, false, false))
        TCI_BINOP(rem, tci_div(a, b, is64, true, true))
        TCI_BINOP(remu, tci_div(a, b, is64, false, true))
        TCI_BINOP(shl, is64 ? a << (b & 63) : a << (b & 31))
        TCI_BINOP(shr, is64 ? a >> (b & 63) : (uint32_t)a >> (b & 31))
        TCI_BINOP(sar, is64 ? (uint64_t)((int64_t)a >> (b & 63))
                            : (uint64_t)((int32_t)a >> (b & 31)))
        TCI_BINOP(rotl, tci_rotl(a, (unsigned)b, is64))
        TCI_BINOP(rotr, tci_rotl(a, (unsigned)-b, is64))
        TCI_BINOP(clz, a ? (uint64_t)(is64 ? __builtin_clzll(a)
                                            : __builtin_clz((uint32_t)a)) : b)
        TCI_BINOP(ctz, a ? (uint64_t)__builtin_ctzll(a) : b)
#undef TCI_BINOP

#define TCI_UNOP(name, expr)                                                  \
        case INDEX_op_##name:                                                 \
            a = tci_in(&pc, regs, env);                                       \
            tci_out(&pc, regs, env, (expr));                                  \
            break;
        TCI_UNOP(neg, -a)
        TCI_UNOP(not, ~a)
        TCI_UNOP(ext8s, (uint64_t)(int64_t)(int8_t)a)
        TCI_UNOP(ext8u, (uint8_t)a)
        TCI_UNOP(ext16s, (uint64_t)(int64_t)(int16_t)a)
        TCI_UNOP(ext16u, (uint16_t)a)
        TCI_UNOP(ext32s, (uint64_t)(int64_t)(int32_t)a)
        TCI_UNOP(ext32u, (uint32_t)a)
        TCI_UNOP(ext_i32_i64, (uint64_t)(int64_t)(int32_t)a)
        TCI_UNOP(extu_i32_i64, (uint32_t)a)
        TCI_UNOP(extrl_i64_i32, (uint32_t)a)
        TCI_UNOP(extrh_i64_i32, a >> 32)
        TCI_UNOP(bswap16, __builtin_bswap16((uint16_t)a))
        TCI_UNOP(bswap32, __builtin_bswap32((uint32_t)a))
        TCI_UNOP(bswap64, __builtin_bswap64(a))
        TCI_UNOP(ctpop, (uint64_t)__builtin_popcountll(a))
#undef TCI_UNOP

        case INDEX_op_deposit: {
            unsigned ofs = TCI_HDR_AUX2(hdr) & 0xff, len = TCI_HDR_AUX2(hdr) >> 8;
            uint64_t m = tci_mask(len) << (ofs & 63);
            a = tci_in(&pc, regs, env);
            b = tci_in(&pc, regs, env);
            tci_out(&pc, regs, env, (a & ~m) | ((b << (ofs & 63)) & m));
            break;
        }
        case INDEX_op_extract: {
            unsigned ofs = TCI_HDR_AUX2(hdr) & 0xff, len = TCI_HDR_AUX2(hdr) >> 8;
            a = tci_in(&pc, regs, env);
            tci_out(&pc, regs, env, (a >> (ofs & 63)) & tci_mask(len));
            break;
        }
        case INDEX_op_sextract: {
            unsigned ofs = TCI_HDR_AUX2(hdr) & 0xff, len = TCI_HDR_AUX2(hdr) >> 8;
            unsigned w = is64 ? 64 : 32;
            a = tci_in(&pc, regs, env);
            if (len == 0 || ofs + len > w) {
                r = 0; /* malformed: not a valid IR op */
            } else if (is64) {
                r = (uint64_t)((int64_t)(a << (64 - ofs - len)) >> (64 - len));
            } else {
                r = (uint64_t)((int32_t)((uint32_t)a << (32 - ofs - len)) >> (32 - len));
            }
            tci_out(&pc, regs, env, r);
            break;
        }

        /* double-width */
        case INDEX_op_mulu2:
        case INDEX_op_muls2: {
            uint64_t lo, hi;
            a = tci_in(&pc, regs, env);
            b = tci_in(&pc, regs, env);
            if (is64) {
                unsigned __int128 p;
                if (opc == INDEX_op_muls2) {
                    p = (unsigned __int128)((__int128)(int64_t)a * (int64_t)b);
                } else {
                    p = (unsigned __int128)a * b;
                }
                lo = (uint64_t)p;
                hi = (uint64_t)(p >> 64);
            } else {
                uint64_t p;
                if (opc == INDEX_op_muls2) {
                    p = (uint64_t)((int64_t)(int32_t)a * (int32_t)b);
                } else {
                    p = (uint64_t)(uint32_t)a * (uint32_t)b;
                }
                lo = p;
                hi = p >> 32;
            }
            tci_out(&pc, regs, env, lo);
            tci_out(&pc, regs, env, hi);
            break;
        }
        case INDEX_op_add2:
        case INDEX_op_sub2: {
            uint64_t al = tci_in(&pc, regs, env), ah = tci_in(&pc, regs, env);
            uint64_t bl = tci_in(&pc, regs, env), bh = tci_in(&pc, regs, env);
            uint64_t lo, hi;
            if (is64) {
                unsigned __int128 x = ((unsigned __int128)ah << 64) | al;
                unsigned __int128 y = ((unsigned __int128)bh << 64) | bl;
                x = opc == INDEX_op_add2 ? x + y : x - y;
                lo = (uint64_t)x;
                hi = (uint64_t)(x >> 64);
            } else {
                uint64_t x = (ah << 32) | (uint32_t)al;
                uint64_t y = (bh << 32) | (uint32_t)bl;
                x = opc == INDEX_op_add2 ? x + y : x - y;
                lo = x;
                hi = x >> 32;
            }
            tci_out(&pc, regs, env, lo);
            tci_out(&pc, regs, env, hi);
            break;
        }

        /* guest memory and helpers */
        case INDEX_op_qemu_ld:
            a = tci_in(&pc, regs, env);
            b = tci_in(&pc, regs, env);
            tci_cur_op = op;
            tci_out(&pc, regs, env,
                    tci_qemu_ld(env, a, (uint32_t)b, guest_base, tlb_ofs, softmmu, op));
            break;
        case INDEX_op_qemu_st:
            a = tci_in(&pc, regs, env);
            b = tci_in(&pc, regs, env);
            c = tci_in(&pc, regs, env);
            tci_cur_op = op;
            tci_qemu_st(env, a, b, (uint32_t)c, guest_base, tlb_ofs, softmmu, op);
            break;
        case INDEX_op_call: {
            unsigned nout = TCI_HDR_AUX1(hdr), nin = TCI_HDR_AUX2(hdr);
            uint64_t args[TCG_MAX_CALL_IARGS] = { 0 };
            TCIHelper fn = (TCIHelper)(uintptr_t)tci_in(&pc, regs, env);

            for (unsigned i = 0; i < nin && i < TCG_MAX_CALL_IARGS; i++) {
                args[i] = tci_in(&pc, regs, env);
            }
            tci_cur_op = op;
            r = fn(args[0], args[1], args[2], args[3], args[4], args[5], args[6],
                   args[7], args[8], args[9]);
            if (nout) {
                tci_out(&pc, regs, env, r);
            }
            break;
        }

        default:
            /* only reachable through corrupt bytecode: a TCI bug */
            fprintf(stderr, "tci: bad opcode %u at %p\n", (unsigned)opc, (const void *)op);
            abort();
        }
    }
}

uintptr_t tci_unwind_pc(uintptr_t host_pc)
{
    (void)host_pc;
    return (uintptr_t)tci_cur_op + 1;
}
