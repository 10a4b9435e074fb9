/*
 * Bit instructions: BT BTS BTR BTC (register, immediate, and memory with a
 * register bit offset that reaches outside the addressed word, negative
 * too), BSF BSR, and when CPUID (in both runs) has them TZCNT (bmi1),
 * LZCNT (abm) and POPCNT (popcnt). Defined flags: BT* CF (ZF unchanged),
 * BSF/BSR ZF (destination undefined for a zero source: not printed),
 * TZCNT/LZCNT CF and ZF, POPCNT all six.
 */
#include "common.h"

#define FLAGS_IN "pushfq; andq $~0x8d5, (%%rsp); orq %[f], (%%rsp); popfq\n\t"
#define FLAGS_OUT "\n\tpushfq; popq %[f]"

typedef uint64_t (*BitFn)(uint64_t a, uint64_t b, uint64_t *fl);

#define BIT_RR(insn, sfx, mod)                                                 \
    static uint64_t b_##insn##_##sfx(uint64_t a, uint64_t b, uint64_t *fl)   \
    {                                                                        \
        asm(FLAGS_IN #insn " %" #mod "[b], %" #mod "[a]" FLAGS_OUT           \
            : [a] "+r"(a), [f] "+r"(*fl)                                     \
            : [b] "r"(b)                                                     \
            : "cc");                                                         \
        return a;                                                            \
    }
#define BIT_RI(insn, sfx, mod, imm)                                            \
    static uint64_t bi##imm##_##insn##_##sfx(uint64_t a, uint64_t b,         \
                                             uint64_t *fl)                   \
    {                                                                        \
        (void)b;                                                             \
        asm(FLAGS_IN #insn #sfx " $" #imm ", %" #mod "[a]" FLAGS_OUT         \
            : [a] "+r"(a), [f] "+r"(*fl)                                     \
            :                                                                \
            : "cc");                                                         \
        return a;                                                            \
    }
#define BT_ALL(insn)                                                           \
    BIT_RR(insn, w, w) BIT_RR(insn, l, k) BIT_RR(insn, q, q)                   \
    BIT_RI(insn, w, w, 17) BIT_RI(insn, l, k, 5) BIT_RI(insn, q, q, 63)        \
    BIT_RI(insn, l, k, 31)
BT_ALL(bt)
BT_ALL(bts)
BT_ALL(btr)
BT_ALL(btc)
/* Source-to-destination bit scans: a is the source, the result the dest. */
#define SCAN(insn, sfx, mod)                                                   \
    static uint64_t b_##insn##_##sfx(uint64_t a, uint64_t b, uint64_t *fl)   \
    {                                                                        \
        asm(FLAGS_IN #insn " %" #mod "[a], %" #mod "[b]" FLAGS_OUT           \
            : [b] "+r"(b), [f] "+r"(*fl)                                     \
            : [a] "r"(a)                                                     \
            : "cc");                                                         \
        return b;                                                            \
    }
SCAN(bsf, w, w)
SCAN(bsf, l, k)
SCAN(bsf, q, q)
SCAN(bsr, w, w)
SCAN(bsr, l, k)
SCAN(bsr, q, q)
SCAN(tzcnt, w, w)
SCAN(tzcnt, l, k)
SCAN(tzcnt, q, q)
SCAN(lzcnt, w, w)
SCAN(lzcnt, l, k)
SCAN(lzcnt, q, q)
SCAN(popcnt, w, w)
SCAN(popcnt, l, k)
SCAN(popcnt, q, q)

/* Memory bit strings: BT* m, reg addresses (base + (offset >> 3)) bytes. */
static uint8_t bitbuf[128];
#define BIT_MEM(insn, sfx, mod)                                                \
    static uint64_t bm_##insn##_##sfx(uint64_t off, uint64_t unused,         \
                                      uint64_t *fl)                          \
    {                                                                        \
        (void)unused;                                                        \
        asm(FLAGS_IN #insn #sfx " %" #mod "[o], %[m]" FLAGS_OUT              \
            : [m] "+m"(bitbuf[64]), [f] "+r"(*fl)                            \
            : [o] "r"(off)                                                   \
            : "cc", "memory");                                               \
        return 0;                                                            \
    }
BIT_MEM(bt, w, w)
BIT_MEM(bts, w, w)
BIT_MEM(btr, l, k)
BIT_MEM(btc, q, q)
BIT_MEM(bts, q, q)
BIT_MEM(bt, l, k)

typedef struct BitTest {
    const char *name;
    BitFn fn;
    unsigned defined;
    int kind; /* 0: a op b; 1: scan (dest undefined for a zero source); 2: count */
    const char *feature;
    int width;
} BitTest;

#define F_BT (F_CF | F_ZF) /* ZF is unaffected: compare it as well */
#define BTE(insn)                                                              \
    { #insn ".w", b_##insn##_w, F_BT, 0, NULL, 16 },                           \
    { #insn ".l", b_##insn##_l, F_BT, 0, NULL, 32 },                           \
    { #insn ".q", b_##insn##_q, F_BT, 0, NULL, 64 },                           \
    { #insn ".w $17", bi17_##insn##_w, F_BT, 0, NULL, 16 },                    \
    { #insn ".l $5", bi5_##insn##_l, F_BT, 0, NULL, 32 },                      \
    { #insn ".q $63", bi63_##insn##_q, F_BT, 0, NULL, 64 },                    \
    { #insn ".l $31", bi31_##insn##_l, F_BT, 0, NULL, 32 }
#define SCE(insn, def, kind, feat)                                             \
    { #insn ".w", b_##insn##_w, def, kind, feat, 16 },                         \
    { #insn ".l", b_##insn##_l, def, kind, feat, 32 },                         \
    { #insn ".q", b_##insn##_q, def, kind, feat, 64 }

static const BitTest tests[] = {
    BTE(bt),
    BTE(bts),
    BTE(btr),
    BTE(btc),
    SCE(bsf, F_ZF, 1, NULL),
    SCE(bsr, F_ZF, 1, NULL),
    SCE(tzcnt, F_CF | F_ZF, 2, "bmi1"),
    SCE(lzcnt, F_CF | F_ZF, 2, "abm"),
    SCE(popcnt, F_ARITH, 2, "popcnt"),
};

static const struct {
    const char *name;
    BitFn fn;
} memtests[] = {
    { "bt.w mem", bm_bt_w },   { "bts.w mem", bm_bts_w }, { "btr.l mem", bm_btr_l },
    { "btc.q mem", bm_btc_q }, { "bts.q mem", bm_bts_q }, { "bt.l mem", bm_bt_l },
};

int main(void)
{
    uint64_t seed = 777;
    uint64_t vals[TCG_NVALS + 10];
    size_t nv = 0;

    for (size_t i = 0; i < TCG_NVALS; i++) {
        vals[nv++] = tcg_vals[i];
    }
    while (nv < sizeof(vals) / sizeof(vals[0])) {
        uint64_t r = tcg_rand(&seed);
        /* Sparse values too, so the scans find bits in every position. */
        vals[nv] = (nv & 1) ? r : (r & (r >> 7) & (r >> 19));
        nv++;
    }

    for (size_t t = 0; t < sizeof(tests) / sizeof(tests[0]); t++) {
        const BitTest *bt = &tests[t];
        if (bt->feature && !gate(bt->name, bt->feature)) {
            continue;
        }
        for (size_t i = 0; i < nv; i++) {
            for (size_t j = 0; j < (bt->kind == 0 ? nv : 2); j++) {
                uint64_t b = bt->kind == 0 ? vals[j] : (j ? ~0ull : 0x5a5a5a5a5a5a5a5aull);
                for (int fin = 0; fin < 2; fin++) {
                    uint64_t fl = fin ? F_ARITH : 0;
                    uint64_t r = bt->fn(vals[i], b, &fl);
                    uint64_t mask = bt->width == 64 ? ~0ull : (1ull << bt->width) - 1;
                    printf("%s %016" PRIx64 " %016" PRIx64 " f%d -> ", bt->name, vals[i], b,
                           fin);
                    if (bt->kind == 1 && (vals[i] & mask) == 0) {
                        printf("undefined");
                    } else {
                        printf("%016" PRIx64, r);
                    }
                    printf(" f=%03" PRIx64 "\n", fl & bt->defined);
                }
            }
        }
    }

    /* Bit offsets from -260 to +255 around bitbuf[64]. */
    for (size_t t = 0; t < sizeof(memtests) / sizeof(memtests[0]); t++) {
        for (int64_t off = -260; off < 256; off += 7) {
            for (size_t k = 0; k < sizeof(bitbuf); k++) {
                bitbuf[k] = (uint8_t)(k * 37 + 11);
            }
            uint64_t fl = 0;
            memtests[t].fn((uint64_t)off, 0, &fl);
            printf("%s off=%" PRId64 " cf=%d buf=", memtests[t].name, off, (int)(fl & F_CF));
            print_hex(bitbuf, sizeof(bitbuf));
            printf("\n");
        }
    }
    return 0;
}
