/*
 * Conditions and flag instructions: SETcc, CMOVcc (16/32/64 bits; the
 * 32-bit form zero-extends even when it does not move) and Jcc for all 16
 * conditions under all 32 combinations of CF PF ZF SF OF; JRCXZ, JECXZ,
 * LOOP, LOOPE, LOOPNE; PUSHF/POPF (incl. DF, AC and ID), LAHF/SAHF, CMC,
 * CLC, STC, CLD, STD; CPUID and RDTSC being present and sane.
 */
#include "common.h"

#define FLAGS_IN "pushfq; andq $~0x8d5, (%%rsp); orq %[f], (%%rsp); popfq\n\t"

#define CC_FN(cc)                                                              \
    static void cc_##cc(uint64_t fl, uint64_t *out)                          \
    {                                                                        \
        uint64_t s = 0x1111111111111111ull, w = ~0ull, l = ~0ull, q = ~0ull; \
        uint64_t src = 0x2222222233333333ull;                                \
        uint64_t taken = 0, ml = ~0ull, mem = 0x4444444455555555ull;          \
        asm(FLAGS_IN "set" #cc " %b[s]\n\t"                                  \
            "cmov" #cc " %w[src], %w[w]\n\t"                                 \
            "cmov" #cc " %k[src], %k[l]\n\t"                                 \
            "cmov" #cc " %q[src], %q[q]\n\t"                                 \
            "cmov" #cc "l %[mem], %k[ml]\n\t"                                \
            "j" #cc " 1f\n\t"                                                \
            "jmp 2f\n"                                                       \
            "1: movq $1, %[t]\n"                                             \
            "2:"                                                             \
            : [s] "+q"(s), [w] "+r"(w), [l] "+r"(l), [q] "+r"(q),            \
              [t] "+r"(taken), [ml] "+r"(ml)                                 \
            : [f] "r"(fl), [src] "r"(src), [mem] "m"(mem)                    \
            : "cc");                                                         \
        out[0] = s;                                                          \
        out[1] = w;                                                          \
        out[2] = l;                                                          \
        out[3] = q;                                                          \
        out[4] = taken;                                                      \
        out[5] = ml;                                                         \
    }
CC_FN(o)
CC_FN(no)
CC_FN(b)
CC_FN(ae)
CC_FN(e)
CC_FN(ne)
CC_FN(be)
CC_FN(a)
CC_FN(s)
CC_FN(ns)
CC_FN(p)
CC_FN(np)
CC_FN(l)
CC_FN(ge)
CC_FN(le)
CC_FN(g)

static const struct {
    const char *name;
    void (*fn)(uint64_t, uint64_t *);
} ccs[] = {
    { "o", cc_o },   { "no", cc_no }, { "b", cc_b },   { "ae", cc_ae },
    { "e", cc_e },   { "ne", cc_ne }, { "be", cc_be }, { "a", cc_a },
    { "s", cc_s },   { "ns", cc_ns }, { "p", cc_p },   { "np", cc_np },
    { "l", cc_l },   { "ge", cc_ge }, { "le", cc_le }, { "g", cc_g },
};

static void test_loops(void)
{
    static const uint64_t rcxs[] = { 0, 1, 2, 5, 0x100000000ull, 0xffffffff00000003ull };

    for (size_t i = 0; i < sizeof(rcxs) / sizeof(rcxs[0]); i++) {
        uint64_t c, n, z;
        /* JRCXZ / JECXZ */
        c = rcxs[i];
        z = 0;
        asm("jrcxz 1f; jmp 2f; 1: movq $1, %0; 2:" : "+r"(z) : "c"(c));
        printf("jrcxz %016" PRIx64 " -> %d\n", c, (int)z);
        z = 0;
        asm("jecxz 1f; jmp 2f; 1: movq $1, %0; 2:" : "+r"(z) : "c"(c));
        printf("jecxz %016" PRIx64 " -> %d\n", c, (int)z);
        /* LOOP counts down to zero (bounded: at most 8 iterations here). */
        if (rcxs[i] > 0 && rcxs[i] < 8) {
            c = rcxs[i];
            n = 0;
            asm("1: incq %1; loop 1b" : "+c"(c), "+r"(n));
            printf("loop %016" PRIx64 " -> rcx=%016" PRIx64 " iterations=%" PRIu64 "\n",
                   rcxs[i], c, n);
        }
        /* LOOPE stops on ZF=0, LOOPNE on ZF=1: compare n with 3. */
        c = 6;
        n = 0;
        asm("1: incq %1; cmpq $3, %1; loope 1b" : "+c"(c), "+r"(n) : : "cc");
        printf("loope -> rcx=%" PRIu64 " n=%" PRIu64 "\n", c, n);
        c = 6;
        n = 0;
        asm("1: incq %1; cmpq $3, %1; loopne 1b" : "+c"(c), "+r"(n) : : "cc");
        printf("loopne -> rcx=%" PRIu64 " n=%" PRIu64 "\n", c, n);
        /* The 32-bit-address form counts in ECX. */
        c = 0xabcdef0000000003ull;
        n = 0;
        asm("1: incq %1; addr32 loop 1b" : "+c"(c), "+r"(n));
        printf("addr32 loop -> rcx=%016" PRIx64 " n=%" PRIu64 "\n", c, n);
    }
}

/* POPF of VALUE, PUSHF back: which bits stick (IF, IOPL, VM: not ours). */
static uint64_t popf_pushf(uint64_t value)
{
    uint64_t out;
    asm volatile("pushfq; pushq %1; popfq; pushfq; popq %0; popfq" : "=r"(out) : "r"(value) : "cc");
    return out;
}

static void test_flag_insns(void)
{
    static const uint64_t pats[] = { 0, F_ARITH, F_CF, F_ZF | F_PF, F_SF | F_OF, F_AF };
    /* The bits a user program can change: arithmetic, DF, AC, ID; never IF. */
    const uint64_t user_bits = F_ARITH | F_DF | 0x40000 | 0x200000;

    for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
        uint64_t ah = 0, fl = pats[i], after;
        /* LAHF: AH = SF ZF 0 AF 0 PF 1 CF. */
        asm(FLAGS_IN "lahf; movzbl %%ah, %%eax" : "=a"(ah) : [f] "r"(fl) : "cc");
        printf("lahf %03" PRIx64 " -> ah=%02" PRIx64 "\n", fl, ah);
        for (int c = 0; c < 3; c++) {
            after = fl;
            if (c == 0) {
                asm(FLAGS_IN "cmc; pushfq; popq %[f]" : [f] "+r"(after) : : "cc");
            } else if (c == 1) {
                asm(FLAGS_IN "clc; pushfq; popq %[f]" : [f] "+r"(after) : : "cc");
            } else {
                asm(FLAGS_IN "stc; pushfq; popq %[f]" : [f] "+r"(after) : : "cc");
            }
            printf("%s %03" PRIx64 " -> %03" PRIx64 "\n", c == 0 ? "cmc" : c == 1 ? "clc" : "stc",
                   fl, after & F_ARITH);
        }
    }
    /* SAHF of every AH value: only SF ZF AF PF CF are loaded, OF kept. */
    for (unsigned v = 0; v < 256; v++) {
        for (int of = 0; of < 2; of++) {
            uint64_t fl = of ? F_OF : 0, r = (uint64_t)v << 8;
            asm(FLAGS_IN "sahf; pushfq; popq %[f]" : [f] "+r"(fl) : "a"(r) : "cc");
            printf("sahf %02x of=%d -> %03" PRIx64 "\n", v, of, fl & F_ARITH);
        }
    }
    /*
     * POPF/PUSHF round trips: which bits change. TF (8) is left out: it
     * would single-step. IF and IOPL must not change at CPL 3.
     */
    for (int b = 0; b < 22; b++) {
        if (b == 8) {
            continue;
        }
        uint64_t base = popf_pushf(0x202);
        uint64_t r = popf_pushf(base ^ (1ull << b));
        printf("popf bit %d -> changed %06" PRIx64 "\n", b, r ^ base);
    }
    uint64_t all = popf_pushf(0x202 | user_bits);
    printf("popf user bits -> %06" PRIx64 "\n", all & user_bits);
    /* STD/CLD. */
    uint64_t d1, d0;
    asm volatile("std; pushfq; popq %0; cld; pushfq; popq %1" : "=r"(d1), "=r"(d0));
    printf("std df=%d cld df=%d\n", !!(d1 & F_DF), !!(d0 & F_DF));
}

static void test_cpuid_rdtsc(void)
{
    unsigned a, b, c, d, max;
    char vendor[13];
    uint64_t t0, t1;

    __cpuid(0, max, b, c, d);
    memcpy(vendor, &b, 4);
    memcpy(vendor + 4, &d, 4);
    memcpy(vendor + 8, &c, 4);
    vendor[12] = 0;
    printf("cpuid max leaf >= 1: %d\n", max >= 1);
    printf("cpuid vendor printable: %d\n",
           vendor[0] > ' ' && vendor[11] > ' ' && strlen(vendor) == 12);
    __cpuid(1, a, b, c, d);
    printf("cpuid 1: family nonzero %d, fpu %d, tsc %d, sse2 %d\n", ((a >> 8) & 0xf) != 0,
           d & 1, (d >> 4) & 1, (d >> 26) & 1);
    __cpuid(0x80000000, max, b, c, d);
    printf("cpuid ext max >= 0x80000001: %d\n", max >= 0x80000001);
    __cpuid(0x80000001, a, b, c, d);
    printf("cpuid lm %d\n", (d >> 29) & 1);
    /* CPUID must clear the upper halves of RAX RBX RCX RDX. */
    uint64_t ra = 0xffffffff00000000ull, rb = ~0ull, rc = ~0ull, rd = ~0ull;
    asm volatile("cpuid" : "+a"(ra), "+b"(rb), "+c"(rc), "+d"(rd));
    printf("cpuid zero-extends: %d\n", (ra >> 32) == 0 && (rb >> 32) == 0 && (rc >> 32) == 0 &&
                                           (rd >> 32) == 0);
    t0 = __builtin_ia32_rdtsc();
    for (volatile int i = 0; i < 100000; i++) {
    }
    t1 = __builtin_ia32_rdtsc();
    printf("rdtsc advances: %d\n", t1 > t0);
    uint64_t hi = ~0ull, lo = ~0ull;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    printf("rdtsc zero-extends: %d\n", (lo >> 32) == 0 && (hi >> 32) == 0);
    if (have_feature("rdtscp")) {
        unsigned aux;
        t0 = __builtin_ia32_rdtscp(&aux);
        t1 = __builtin_ia32_rdtscp(&aux);
        printf("rdtscp advances: %d\n", t1 >= t0);
    }
}

int main(void)
{
    for (size_t c = 0; c < sizeof(ccs) / sizeof(ccs[0]); c++) {
        for (unsigned combo = 0; combo < 32; combo++) {
            uint64_t fl = ((combo & 1) ? F_CF : 0) | ((combo & 2) ? F_PF : 0) |
                          ((combo & 4) ? F_ZF : 0) | ((combo & 8) ? F_SF : 0) |
                          ((combo & 16) ? F_OF : 0);
            uint64_t o[6];
            ccs[c].fn(fl, o);
            printf("%-2s f=%03" PRIx64 " set=%016" PRIx64 " cmovw=%016" PRIx64
                   " cmovl=%016" PRIx64 " cmovq=%016" PRIx64 " j=%" PRIu64
                   " cmovlm=%016" PRIx64 "\n",
                   ccs[c].name, fl, o[0], o[1], o[2], o[3], o[4], o[5]);
        }
    }
    test_loops();
    test_flag_insns();
    test_cpuid_rdtsc();
    return 0;
}
