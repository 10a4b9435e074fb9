/*
 * String instructions: MOVS STOS LODS CMPS SCAS at 1/2/4/8 bytes, without
 * and with REP/REPE/REPNE, forwards (DF=0) and backwards (DF=1), with
 * counts 0, 1, 7 and 33 and with overlapping source and destination, plus
 * an address-size (32-bit RSI/RDI/RCX) form. Prints the final RSI/RDI (as
 * offsets into the buffer), RCX, RAX, the flags (CMPS/SCAS set them like
 * CMP; the others and REP with RCX=0 leave them unchanged) and the buffer.
 */
#include "common.h"

typedef struct Regs {
    uint64_t si, di, cx, ax, fl;
} Regs;

/* Flags in include DF (0x400); CLD after, as the ABI requires. */
#define STR(id, insn)                                                          \
    static void s_##id(Regs *r)                                              \
    {                                                                        \
        asm volatile("pushfq; andq $~0xcd5, (%%rsp); orq %[f], (%%rsp); popfq\n\t" insn \
                     "\n\tpushfq; popq %[f]; cld"                            \
                     : "+S"(r->si), "+D"(r->di), "+c"(r->cx), "+a"(r->ax),   \
                       [f] "+r"(r->fl)                                       \
                     :                                                       \
                     : "cc", "memory");                                      \
    }
STR(movsb, "movsb")
STR(movsw, "movsw")
STR(movsl, "movsl")
STR(movsq, "movsq")
STR(rep_movsb, "rep movsb")
STR(rep_movsw, "rep movsw")
STR(rep_movsl, "rep movsl")
STR(rep_movsq, "rep movsq")
STR(stosb, "stosb")
STR(rep_stosb, "rep stosb")
STR(rep_stosw, "rep stosw")
STR(rep_stosl, "rep stosl")
STR(rep_stosq, "rep stosq")
STR(lodsb, "lodsb")
STR(lodsq, "lodsq")
STR(rep_lodsb, "rep lodsb")
STR(rep_lodsw, "rep lodsw")
STR(rep_lodsl, "rep lodsl")
STR(rep_lodsq, "rep lodsq")
STR(cmpsb, "cmpsb")
STR(cmpsq, "cmpsq")
STR(repe_cmpsb, "repe cmpsb")
STR(repe_cmpsw, "repe cmpsw")
STR(repe_cmpsl, "repe cmpsl")
STR(repe_cmpsq, "repe cmpsq")
STR(repne_cmpsb, "repne cmpsb")
STR(repne_cmpsl, "repne cmpsl")
STR(scasb, "scasb")
STR(scasw, "scasw")
STR(repne_scasb, "repne scasb")
STR(repne_scasw, "repne scasw")
STR(repne_scasl, "repne scasl")
STR(repne_scasq, "repne scasq")
STR(repe_scasb, "repe scasb")
STR(repe_scasq, "repe scasq")
STR(a32_rep_movsb, "addr32 rep movsb")
STR(a32_rep_stosl, "addr32 rep stosl")
STR(a32_repne_scasb, "addr32 repne scasb")

typedef struct StrTest {
    const char *name;
    void (*fn)(Regs *);
    int size;
} StrTest;

#define S(id, size) { #id, s_##id, size }
static const StrTest tests[] = {
    S(movsb, 1),       S(movsw, 2),       S(movsl, 4),        S(movsq, 8),
    S(rep_movsb, 1),   S(rep_movsw, 2),   S(rep_movsl, 4),    S(rep_movsq, 8),
    S(stosb, 1),       S(rep_stosb, 1),   S(rep_stosw, 2),    S(rep_stosl, 4),
    S(rep_stosq, 8),   S(lodsb, 1),       S(lodsq, 8),        S(rep_lodsb, 1),
    S(rep_lodsw, 2),   S(rep_lodsl, 4),   S(rep_lodsq, 8),    S(cmpsb, 1),
    S(cmpsq, 8),       S(repe_cmpsb, 1),  S(repe_cmpsw, 2),   S(repe_cmpsl, 4),
    S(repe_cmpsq, 8),  S(repne_cmpsb, 1), S(repne_cmpsl, 4),  S(scasb, 1),
    S(scasw, 2),       S(repne_scasb, 1), S(repne_scasw, 2),  S(repne_scasl, 4),
    S(repne_scasq, 8), S(repe_scasb, 1),  S(repe_scasq, 8),   S(a32_rep_movsb, 1),
    S(a32_rep_stosl, 4), S(a32_repne_scasb, 1),
};

/* Static, so below 4 GiB: the addr32 forms can address it. */
static uint8_t buf[512] __attribute__((aligned(64)));

static void fill(int pattern)
{
    for (size_t i = 0; i < sizeof(buf); i++) {
        buf[i] = (uint8_t)(pattern ? (i * 7 + 3) : (i & 0x3f));
    }
    /* Make the compare/scan cases find something at known places. */
    buf[200 + 13] = 0x99;
    buf[200 + 40] = 0x5a;
}

int main(void)
{
    static const uint64_t counts[] = { 0, 1, 7, 33 };
    /* (source, destination) offsets: apart, and overlapping both ways. */
    static const int places[][2] = { { 64, 300 }, { 200, 201 }, { 201, 200 }, { 200, 328 } };

    for (size_t t = 0; t < sizeof(tests) / sizeof(tests[0]); t++) {
        for (int df = 0; df < 2; df++) {
            for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
                for (size_t p = 0; p < sizeof(places) / sizeof(places[0]); p++) {
                    for (int pat = 0; pat < 2; pat++) {
                        Regs r;
                        fill(pat);
                        r.si = (uint64_t)(uintptr_t)&buf[places[p][0]];
                        r.di = (uint64_t)(uintptr_t)&buf[places[p][1]];
                        r.cx = counts[c];
                        /* Scans look for a byte present in one pattern. */
                        r.ax = 0x1122334455665a5aull;
                        r.fl = (pat ? F_ARITH : 0) | (df ? F_DF : 0);
                        if (strncmp(tests[t].name, "a32", 3) == 0) {
                            r.cx = counts[c] | 0xffffffff00000000ull;
                        }
                        tests[t].fn(&r);
                        printf("%s df=%d n=%" PRIu64 " s=%d d=%d p=%d -> si=%+ld di=%+ld "
                               "cx=%016" PRIx64 " ax=%016" PRIx64 " f=%03" PRIx64 " ",
                               tests[t].name, df, counts[c], places[p][0], places[p][1],
                               pat, (long)(r.si - (uintptr_t)buf),
                               (long)(r.di - (uintptr_t)buf), r.cx, r.ax,
                               r.fl & (F_ARITH | F_DF));
                        print_hex(buf, sizeof(buf));
                        printf("\n");
                    }
                }
            }
        }
    }
    return 0;
}
