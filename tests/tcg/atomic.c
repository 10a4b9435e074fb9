/*
 * Exchange and atomic instructions: CMPXCHG (register and memory
 * destination, equal and not-equal, 8/16/32/64 bits: on failure the
 * accumulator is loaded, and the whole 64-bit registers are printed so the
 * 32-bit zero-extension rules show), XADD, XCHG, LOCK-prefixed ALU ops on
 * memory, CMPXCHG8B, CMPXCHG16B (cx16), BSWAP and MOVBE (movbe).
 */
#include "common.h"

#define FLAGS_IN "pushfq; andq $~0x8d5, (%%rsp); orq %[f], (%%rsp); popfq\n\t"
#define FLAGS_OUT "\n\tpushfq; popq %[f]"

/* cmpxchg: *acc (rax) compared with dest; src written on equality. */
#define CX_R(sfx, mod)                                                         \
    static void cx_r_##sfx(uint64_t *acc, uint64_t *dst, uint64_t src,       \
                           uint64_t *fl)                                     \
    {                                                                        \
        asm(FLAGS_IN "cmpxchg %" #mod "[s], %" #mod "[d]" FLAGS_OUT          \
            : "+a"(*acc), [d] "+r"(*dst), [f] "+r"(*fl)                      \
            : [s] "r"(src)                                                   \
            : "cc");                                                         \
    }
#define CX_M(sfx, mod)                                                         \
    static void cx_m_##sfx(uint64_t *acc, uint64_t *dst, uint64_t src,       \
                           uint64_t *fl)                                     \
    {                                                                        \
        asm(FLAGS_IN "lock cmpxchg" #sfx " %" #mod "[s], %[d]" FLAGS_OUT     \
            : "+a"(*acc), [d] "+m"(*dst), [f] "+r"(*fl)                      \
            : [s] "r"(src)                                                   \
            : "cc");                                                         \
    }
CX_R(b, b)
CX_R(w, w)
CX_R(l, k)
CX_R(q, q)
CX_M(b, b)
CX_M(w, w)
CX_M(l, k)
CX_M(q, q)

/* xadd and xchg: both operands are outputs. */
#define XOP_R(insn, sfx, mod)                                                  \
    static void x_r_##insn##_##sfx(uint64_t *a, uint64_t *b, uint64_t *fl)   \
    {                                                                        \
        asm(FLAGS_IN #insn " %" #mod "[b], %" #mod "[a]" FLAGS_OUT           \
            : [a] "+r"(*a), [b] "+r"(*b), [f] "+r"(*fl)                      \
            :                                                                \
            : "cc");                                                         \
    }
#define XOP_M(insn, sfx, mod)                                                  \
    static void x_m_##insn##_##sfx(uint64_t *a, uint64_t *b, uint64_t *fl)   \
    {                                                                        \
        asm(FLAGS_IN "lock " #insn #sfx " %" #mod "[b], %[a]" FLAGS_OUT      \
            : [a] "+m"(*a), [b] "+r"(*b), [f] "+r"(*fl)                      \
            :                                                                \
            : "cc");                                                         \
    }
#define XOPS(insn)                                                             \
    XOP_R(insn, b, b) XOP_R(insn, w, w) XOP_R(insn, l, k) XOP_R(insn, q, q)   \
    XOP_M(insn, b, b) XOP_M(insn, w, w) XOP_M(insn, l, k) XOP_M(insn, q, q)
XOPS(xadd)
XOPS(xchg)

/* LOCK ALU ops on memory: *a op= b. */
#define LOCK2(insn, sfx, mod)                                                  \
    static void lk_##insn##_##sfx(uint64_t *a, uint64_t *b, uint64_t *fl)    \
    {                                                                        \
        asm(FLAGS_IN "lock " #insn #sfx " %" #mod "[b], %[a]" FLAGS_OUT      \
            : [a] "+m"(*a), [f] "+r"(*fl)                                    \
            : [b] "r"(*b)                                                    \
            : "cc");                                                         \
    }
#define LOCK1(insn, sfx)                                                       \
    static void lk_##insn##_##sfx(uint64_t *a, uint64_t *b, uint64_t *fl)    \
    {                                                                        \
        (void)b;                                                             \
        asm(FLAGS_IN "lock " #insn #sfx " %[a]" FLAGS_OUT                    \
            : [a] "+m"(*a), [f] "+r"(*fl)                                    \
            :                                                                \
            : "cc");                                                         \
    }
LOCK2(add, q, q)
LOCK2(adc, l, k)
LOCK2(sub, w, w)
LOCK2(sbb, q, q)
LOCK2(and, b, b)
LOCK2(or, q, q)
LOCK2(xor, l, k)
/* Bit offsets are kept small: a memory bit string reaches anywhere. */
#define LOCKBT(insn, sfx, mod)                                                 \
    static void lk_##insn##_##sfx(uint64_t *a, uint64_t *b, uint64_t *fl)    \
    {                                                                        \
        asm(FLAGS_IN "lock " #insn #sfx " %" #mod "[b], %[a]" FLAGS_OUT      \
            : [a] "+m"(*a), [f] "+r"(*fl)                                    \
            : [b] "r"(*b % 15)                                               \
            : "cc");                                                         \
    }
LOCKBT(bts, q, q)
LOCKBT(btr, l, k)
LOCKBT(btc, w, w)
LOCK1(inc, q)
LOCK1(dec, l)
LOCK1(neg, w)
LOCK1(not, b)

typedef struct XTest {
    const char *name;
    void (*fn)(uint64_t *, uint64_t *, uint64_t *);
    unsigned defined;
} XTest;

#define F_BT (F_CF | F_ZF)
static const XTest xtests[] = {
    { "xadd.b", x_r_xadd_b, F_ARITH },   { "xadd.w", x_r_xadd_w, F_ARITH },
    { "xadd.l", x_r_xadd_l, F_ARITH },   { "xadd.q", x_r_xadd_q, F_ARITH },
    { "xadd.mb", x_m_xadd_b, F_ARITH },  { "xadd.mw", x_m_xadd_w, F_ARITH },
    { "xadd.ml", x_m_xadd_l, F_ARITH },  { "xadd.mq", x_m_xadd_q, F_ARITH },
    { "xchg.b", x_r_xchg_b, F_ARITH },   { "xchg.w", x_r_xchg_w, F_ARITH },
    { "xchg.l", x_r_xchg_l, F_ARITH },   { "xchg.q", x_r_xchg_q, F_ARITH },
    { "xchg.mb", x_m_xchg_b, F_ARITH },  { "xchg.mw", x_m_xchg_w, F_ARITH },
    { "xchg.ml", x_m_xchg_l, F_ARITH },  { "xchg.mq", x_m_xchg_q, F_ARITH },
    { "lock add.q", lk_add_q, F_ARITH }, { "lock adc.l", lk_adc_l, F_ARITH },
    { "lock sub.w", lk_sub_w, F_ARITH }, { "lock sbb.q", lk_sbb_q, F_ARITH },
    { "lock and.b", lk_and_b, F_LOGIC }, { "lock or.q", lk_or_q, F_LOGIC },
    { "lock xor.l", lk_xor_l, F_LOGIC }, { "lock bts.q", lk_bts_q, F_BT },
    { "lock btr.l", lk_btr_l, F_BT },    { "lock btc.w", lk_btc_w, F_BT },
    { "lock inc.q", lk_inc_q, F_ARITH }, { "lock dec.l", lk_dec_l, F_ARITH },
    { "lock neg.w", lk_neg_w, F_ARITH }, { "lock not.b", lk_not_b, F_ARITH },
};

static void test_cmpxchg8b16b(void)
{
    static const uint64_t v[] = { 0, 1, 0xffffffffffffffffull, 0x123456789abcdef0ull };
    static struct {
        uint64_t lo, hi;
    } m __attribute__((aligned(16)));
    int have16 = gate("cmpxchg16b", "cx16");

    for (size_t i = 0; i < 4; i++) {
        for (size_t j = 0; j < 4; j++) {
            for (int eq = 0; eq < 2; eq++) {
                uint64_t a = eq ? v[i] : v[j] ^ 0x100000000ull, d = eq ? v[j] : v[j];
                uint64_t fl = F_ARITH & ~F_ZF;
                /* Memory holds (hi=v[j], lo=v[i]); edx:eax is the comparand. */
                m.lo = v[i];
                m.hi = v[j];
                uint64_t ra = eq ? (uint32_t)v[i] | 0xdead000000000000ull : a;
                uint64_t rd = eq ? (uint32_t)(v[i] >> 32) | 0xbeef000000000000ull : d;
                asm(FLAGS_IN "lock cmpxchg8b %[m]" FLAGS_OUT
                    : [m] "+m"(m.lo), "+a"(ra), "+d"(rd), [f] "+r"(fl)
                    : "b"(0x1111111122222222ull), "c"(0x3333333344444444ull)
                    : "cc");
                printf("cmpxchg8b %016" PRIx64 " eq=%d -> mem=%016" PRIx64 " rax=%016" PRIx64
                       " rdx=%016" PRIx64 " f=%03" PRIx64 "\n",
                       v[i], eq, m.lo, ra, rd, fl & F_ARITH);
                if (!have16) {
                    continue;
                }
                m.lo = v[i];
                m.hi = v[j];
                ra = eq ? v[i] : a;
                rd = eq ? v[j] : d ^ 1;
                fl = F_ARITH & ~F_ZF;
                asm(FLAGS_IN "lock cmpxchg16b %[m]" FLAGS_OUT
                    : [m] "+m"(m), "+a"(ra), "+d"(rd), [f] "+r"(fl)
                    : "b"(0x1111111122222222ull), "c"(0x3333333344444444ull)
                    : "cc");
                printf("cmpxchg16b %016" PRIx64 ":%016" PRIx64 " eq=%d -> mem=%016" PRIx64
                       ":%016" PRIx64 " rdx:rax=%016" PRIx64 ":%016" PRIx64 " f=%03" PRIx64
                       "\n",
                       v[j], v[i], eq, m.hi, m.lo, rd, ra, fl & F_ARITH);
            }
        }
    }
}

static void test_bswap_movbe(uint64_t *vals, size_t nv)
{
    for (size_t i = 0; i < nv; i++) {
        uint64_t q = vals[i], l = vals[i];
        asm("bswap %q0" : "+r"(q));
        asm("bswap %k0" : "+r"(l));
        printf("bswap %016" PRIx64 " -> q=%016" PRIx64 " l=%016" PRIx64 "\n", vals[i], q, l);
    }
    if (!gate("movbe", "movbe")) {
        return;
    }
    for (size_t i = 0; i < nv; i++) {
        uint64_t m = vals[i], rq = ~0ull, rl = ~0ull, rw = ~0ull;
        uint64_t sq = 0, sl = 0, sw = 0;
        asm("movbe %1, %q0" : "=r"(rq) : "m"(m));
        asm("movbe %1, %k0" : "+r"(rl) : "m"(m));
        asm("movbe %1, %w0" : "+r"(rw) : "m"(m));
        asm("movbe %q1, %0" : "+m"(sq) : "r"(m));
        asm("movbe %k1, %0" : "+m"(sl) : "r"(m));
        asm("movbe %w1, %0" : "+m"(sw) : "r"(m));
        printf("movbe %016" PRIx64 " -> load q=%016" PRIx64 " l=%016" PRIx64 " w=%016" PRIx64
               " store q=%016" PRIx64 " l=%016" PRIx64 " w=%016" PRIx64 "\n",
               vals[i], rq, rl, rw, sq, sl, sw);
    }
}

int main(void)
{
    uint64_t vals[TCG_NVALS];
    const size_t nv = TCG_NVALS;
    static const struct {
        const char *name;
        void (*fn)(uint64_t *, uint64_t *, uint64_t, uint64_t *);
    } cx[] = {
        { "cmpxchg.b", cx_r_b },  { "cmpxchg.w", cx_r_w },  { "cmpxchg.l", cx_r_l },
        { "cmpxchg.q", cx_r_q },  { "cmpxchg.mb", cx_m_b }, { "cmpxchg.mw", cx_m_w },
        { "cmpxchg.ml", cx_m_l }, { "cmpxchg.mq", cx_m_q },
    };

    memcpy(vals, tcg_vals, sizeof(vals));
    for (size_t t = 0; t < sizeof(cx) / sizeof(cx[0]); t++) {
        for (size_t i = 0; i < nv; i++) {
            for (size_t j = 0; j < nv; j++) {
                /* Equal in the low bits half the time, different otherwise. */
                for (int eq = 0; eq < 2; eq++) {
                    uint64_t acc = eq ? vals[i] ^ 0xf00ba40000000000ull : vals[j];
                    uint64_t dst = vals[i], fl = 0;
                    cx[t].fn(&acc, &dst, 0xa5a5a5a5c3c3c3c3ull, &fl);
                    printf("%s %016" PRIx64 " %016" PRIx64 " eq=%d -> acc=%016" PRIx64
                           " dst=%016" PRIx64 " f=%03" PRIx64 "\n",
                           cx[t].name, vals[i], vals[j], eq, acc, dst, fl & F_ARITH);
                }
            }
        }
    }
    for (size_t t = 0; t < sizeof(xtests) / sizeof(xtests[0]); t++) {
        for (size_t i = 0; i < nv; i++) {
            for (size_t j = 0; j < nv; j++) {
                for (int fin = 0; fin < 2; fin++) {
                    uint64_t a = vals[i], b = vals[j], fl = fin ? F_ARITH : 0;
                    xtests[t].fn(&a, &b, &fl);
                    printf("%s %016" PRIx64 " %016" PRIx64 " f%d -> %016" PRIx64 " %016" PRIx64
                           " f=%03" PRIx64 "\n",
                           xtests[t].name, vals[i], vals[j], fin, a, b, fl & xtests[t].defined);
                }
            }
        }
    }
    test_cmpxchg8b16b();
    test_bswap_movbe(vals, nv);
    return 0;
}
