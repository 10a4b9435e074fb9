/*
 * Shared helpers for the differential guest programs in tests/tcg/.
 *
 * Every program here is built static, run once natively and once under
 * tern-x86_64, and the two outputs must be byte-identical. So a program
 * prints only architecturally defined state: never an address (print
 * offsets from a label or buffer instead), never an undefined flag (mask
 * it per instruction with the F_* masks below).
 *
 * Feature gating: an instruction group whose CPUID bit may be absent under
 * one of the two runs is used only when have_feature() says so. The test
 * script runs tests/tcg/features.c in both places and passes the features
 * present in BOTH in the environment variable TCG_FEATURES, so the gate is
 * the same natively and under tern. Without TCG_FEATURES (a program run by
 * hand), CPUID alone decides.
 *
 * Inline asm that pushes on the stack needs -mno-red-zone (the scripts
 * build with it).
 */
#ifndef TESTS_TCG_COMMON_H
#define TESTS_TCG_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* REG_RIP, MAP_ANONYMOUS, ... */
#endif

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cpuid.h>

/* EFLAGS bits. */
#define F_CF 0x001u
#define F_PF 0x004u
#define F_AF 0x010u
#define F_ZF 0x040u
#define F_SF 0x080u
#define F_DF 0x400u
#define F_OF 0x800u
#define F_ARITH (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)
/* Flags defined after the logical ops (AF undefined). */
#define F_LOGIC (F_CF | F_PF | F_ZF | F_SF | F_OF)

/* One CPUID feature: its name, leaf, register (0..3 = eax..edx), bit. */
typedef struct TcgFeature {
    const char *name;
    unsigned leaf;
    unsigned subleaf;
    int reg;
    int bit;
} TcgFeature;

static const TcgFeature tcg_features[] = {
    { "fpu", 1, 0, 3, 0 },       { "tsc", 1, 0, 3, 4 },
    { "cx8", 1, 0, 3, 8 },       { "cmov", 1, 0, 3, 15 },
    { "mmx", 1, 0, 3, 23 },      { "fxsr", 1, 0, 3, 24 },
    { "sse", 1, 0, 3, 25 },      { "sse2", 1, 0, 3, 26 },
    { "sse3", 1, 0, 2, 0 },      { "pclmul", 1, 0, 2, 1 },
    { "ssse3", 1, 0, 2, 9 },     { "cx16", 1, 0, 2, 13 },
    { "sse41", 1, 0, 2, 19 },    { "sse42", 1, 0, 2, 20 },
    { "movbe", 1, 0, 2, 22 },    { "popcnt", 1, 0, 2, 23 },
    { "bmi1", 7, 0, 1, 3 },      { "bmi2", 7, 0, 1, 8 },
    { "adx", 7, 0, 1, 19 },      { "lahf_lm", 0x80000001, 0, 2, 0 },
    { "abm", 0x80000001, 0, 2, 5 }, { "rdtscp", 0x80000001, 0, 3, 27 },
    { "lm", 0x80000001, 0, 3, 29 },
    /* Not CPUID: MXCSR_MASK (from FXSAVE) says whether MXCSR.DAZ exists. */
    { "daz", 0, 0, -1, 6 },
};
#define TCG_NFEATURES (sizeof(tcg_features) / sizeof(tcg_features[0]))

/* Does this CPU's CPUID report feature F? */
static inline int cpuid_has(const TcgFeature *f)
{
    unsigned r[4] = { 0, 0, 0, 0 };
    unsigned max = __get_cpuid_max(f->leaf & 0x80000000u, NULL);

    if (f->reg < 0) {
        static uint8_t fx[512] __attribute__((aligned(16)));
        uint32_t mask;
        asm volatile("fxsave %0" : "=m"(fx));
        memcpy(&mask, fx + 28, 4);
        return ((mask ? mask : 0xffbf) >> f->bit) & 1;
    }
    if (max < f->leaf) {
        return 0;
    }
    __cpuid_count(f->leaf, f->subleaf, r[0], r[1], r[2], r[3]);
    return (r[f->reg] >> f->bit) & 1;
}

/* May the program use feature NAME? (see the file comment) */
static inline int have_feature(const char *name)
{
    const char *env = getenv("TCG_FEATURES");
    size_t i, n = strlen(name);

    for (i = 0; i < TCG_NFEATURES; i++) {
        if (strcmp(tcg_features[i].name, name) == 0) {
            break;
        }
    }
    if (i == TCG_NFEATURES) {
        fprintf(stderr, "have_feature: unknown feature %s\n", name);
        exit(2);
    }
    if (!cpuid_has(&tcg_features[i])) {
        return 0;
    }
    if (!env) {
        return 1;
    }
    /* A space-separated list: look for NAME as a whole word. */
    for (const char *p = env; (p = strstr(p, name)) != NULL; p += n) {
        if ((p == env || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) {
            return 1;
        }
    }
    return 0;
}

/* Print the "skipped" line for a gated group, identically in both runs. */
static inline int gate(const char *group, const char *feature)
{
    if (!have_feature(feature)) {
        printf("%s: skipped-feature %s\n", group, feature);
        return 0;
    }
    return 1;
}

/* Interesting 64-bit operands: the edges of every operand size. */
static const uint64_t tcg_vals[] = {
    0x0000000000000000ull, 0x0000000000000001ull, 0x0000000000000002ull,
    0x000000000000007full, 0x0000000000000080ull, 0x00000000000000ffull,
    0x0000000000007fffull, 0x0000000000008000ull, 0x000000000000ffffull,
    0x000000007fffffffull, 0x0000000080000000ull, 0x00000000ffffffffull,
    0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull,
    0x123456789abcdef0ull, 0xfedcba9876543210ull, 0x0f0f0f0f0f0f0f0full,
    0x8081828384858687ull, 0x00000001fffffffeull, 0xffff00007fff8001ull,
};
#define TCG_NVALS (sizeof(tcg_vals) / sizeof(tcg_vals[0]))

/* A small deterministic generator (xorshift64*) for extra operands. */
static inline uint64_t tcg_rand(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1dull;
}

/* Print N bytes as hex, lowest address first. */
static inline void print_hex(const void *p, size_t n)
{
    const uint8_t *b = p;

    for (size_t i = 0; i < n; i++) {
        printf("%02x", b[i]);
    }
}

/* Print a 128-bit vector as two 64-bit halves, high first. */
static inline void print_xmm(const char *name, const void *p)
{
    uint64_t q[2];

    memcpy(q, p, 16);
    printf("%s=%016" PRIx64 ":%016" PRIx64, name, q[1], q[0]);
}

#endif
