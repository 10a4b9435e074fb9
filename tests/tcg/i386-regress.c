/*
 * Regression cases for translator bugs found after the first version of
 * target/i386, one group per bug (run natively and under tern-x86_64 by
 * tests/tcg/run-i386-regress.sh; outputs and exit status must match):
 *
 *  loops    LOOP/LOOPcc/JrCXZ both exits used goto_tb slot 0, so once the
 *           fall-through exit was chained the taken one went there too.
 *           glibc's __mpn_* (ADC + JRCXZ loops) then computed garbage in
 *           printf("%e") / printf("%.21Lg") / strtod.
 *  shxd     SHLD/SHRD with CL: defined flags (CF SF ZF PF, OF at 1).
 *  rotflags ROL/ROR by an immediate keep the previous op's flags lazy
 *           (CC_OP_CO): every condition afterwards.
 *  zerocount  a shift/rotate/SHxD of a 32-bit register by an immediate 0
 *           still clears the register's high half.
 *  segload  MOV Sreg: which selectors load (Linux's GDT) and which #GP.
 *  rep      a long REP string insn must let a signal in mid-way (at an
 *           iteration boundary, with rCX/rSI consistent).
 *  fpe      SIGFPE si_code of x87 #MF and SIMD #XM from the unmasked flag.
 *  int80    INT 0x80 in a 64-bit process: the i386 system call ABI.
 *  (last)   the exit status comes from an INT 0x80 exit_group.
 */
#include "common.h"

#include <float.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

/* ---------------------------------------------------------------------- */
/* loops                                                                    */

static uint64_t loop_count(uint64_t c, uint64_t *iters)
{
    uint64_t n = 0;

    asm volatile("1: incq %1; loop 1b" : "+c"(c), "+r"(n));
    *iters = n;
    return c;
}

/* LOOPE runs while rCX != 0 and ZF: stops when n reaches stop */
static uint64_t loope_count(uint64_t c, uint64_t stop, uint64_t *iters)
{
    uint64_t n = 0;

    asm volatile("1: incq %1; cmpq %2, %1; loopne 1b" : "+c"(c), "+r"(n) : "r"(stop) : "cc");
    *iters = n;
    return c;
}

static int jrcxz_taken(uint64_t c)
{
    int r = 1;

    asm volatile("jrcxz 1f; movl $0, %0; 1:" : "+r"(r) : "c"(c));
    return r;
}

static int jecxz_taken(uint64_t c)
{
    int r = 1;

    asm volatile("jecxz 1f; movl $0, %0; 1:" : "+r"(r) : "c"(c));
    return r;
}

/* rp[] = up[] + vp[], returns the carry: the shape of glibc's __mpn_add_n
 * (ADC chain, JRCXZ exit, flag-preserving LEA updates) */
static uint64_t add_n_jrcxz(uint64_t *rp, const uint64_t *up, const uint64_t *vp, uint64_t n)
{
    uint64_t t, cy;

    asm volatile("clc\n"
                 "1: jrcxz 2f\n"
                 "movq (%[u]), %[t]\n"
                 "adcq (%[v]), %[t]\n"
                 "movq %[t], (%[r])\n"
                 "leaq 8(%[u]), %[u]\n"
                 "leaq 8(%[v]), %[v]\n"
                 "leaq 8(%[r]), %[r]\n"
                 "leaq -1(%%rcx), %%rcx\n"
                 "jmp 1b\n"
                 "2: sbbq %[cy], %[cy]\n"
                 : [t] "=&r"(t), [cy] "=r"(cy), [u] "+r"(up), [v] "+r"(vp), [r] "+r"(rp), "+c"(n)
                 :
                 : "cc", "memory");
    return cy & 1;
}

/* the same with LOOP (which leaves the flags alone) and SBB */
static uint64_t sub_n_loop(uint64_t *rp, const uint64_t *up, const uint64_t *vp, uint64_t n)
{
    uint64_t t, cy;

    asm volatile("clc\n"
                 "1: movq (%[u]), %[t]\n"
                 "sbbq (%[v]), %[t]\n"
                 "movq %[t], (%[r])\n"
                 "leaq 8(%[u]), %[u]\n"
                 "leaq 8(%[v]), %[v]\n"
                 "leaq 8(%[r]), %[r]\n"
                 "loop 1b\n"
                 "sbbq %[cy], %[cy]\n"
                 : [t] "=&r"(t), [cy] "=r"(cy), [u] "+r"(up), [v] "+r"(vp), [r] "+r"(rp), "+c"(n)
                 :
                 : "cc", "memory");
    return cy & 1;
}

static void test_loops(void)
{
    uint64_t seed = 12345, sum = 0;

    /* run each form many times: the bug needed the first exit chained */
    for (int round = 0; round < 3; round++) {
        for (uint64_t c = 1; c <= 6; c++) {
            uint64_t it, left = loop_count(c, &it);
            printf("loop %" PRIu64 " -> rcx=%" PRIu64 " iterations=%" PRIu64 "\n", c, left, it);
            left = loope_count(c + 2, c, &it);
            printf("loopne %" PRIu64 " stop %" PRIu64 " -> rcx=%" PRIu64 " n=%" PRIu64 "\n", c + 2, c,
                   left, it);
        }
        for (int i = 0; i < 4; i++) {
            uint64_t c = i == 0 ? 0 : i == 1 ? 1 : i == 2 ? 0x100000000ull : 0xffffffff00000000ull;
            printf("jrcxz %016" PRIx64 " -> %d, jecxz -> %d\n", c, jrcxz_taken(c), jecxz_taken(c));
        }
    }
    for (int i = 0; i < 2000; i++) {
        uint64_t it, c = tcg_rand(&seed) % 50 + 1;
        uint64_t left = loop_count(c, &it);
        sum = sum * 31 + left + it * 7 + jrcxz_taken(c & 1) + jecxz_taken(c & 2);
    }
    printf("loop mix hash %016" PRIx64 "\n", sum);

    for (int round = 0; round < 200; round++) {
        uint64_t u[9], v[9], r[9], want[9];
        uint64_t n = round % 9, cy = 0;

        for (int i = 0; i < 9; i++) {
            u[i] = tcg_rand(&seed) | (round & 1 ? 0xffffffff00000000ull : 0);
            v[i] = tcg_rand(&seed);
        }
        for (uint64_t i = 0; i < n; i++) {
            unsigned __int128 t = (unsigned __int128)u[i] + v[i] + cy;
            want[i] = (uint64_t)t;
            cy = (uint64_t)(t >> 64);
        }
        uint64_t got = add_n_jrcxz(r, u, v, n);
        int ok = got == cy && memcmp(r, want, n * 8) == 0;
        if (n) {
            uint64_t bw = 0;
            for (uint64_t i = 0; i < n; i++) {
                unsigned __int128 t = (unsigned __int128)u[i] - v[i] - bw;
                want[i] = (uint64_t)t;
                bw = (uint64_t)(t >> 64) & 1;
            }
            got = sub_n_loop(r, u, v, n);
            ok = ok && got == bw && memcmp(r, want, n * 8) == 0;
        }
        if (!ok || round % 50 == 0) {
            printf("mpn round %d n=%" PRIu64 ": %s\n", round, n, ok ? "ok" : "WRONG");
        }
    }
}

/* glibc's printf/strtod run on __mpn_* */
static void test_printf(void)
{
    union {
        long double d;
        struct {
            uint64_t lo;
            uint16_t hi;
        } r;
    } u;
    uint64_t seed = 99;

    printf("%e %g\n", 1.5e300, strtod("3.25e-7", 0));
    memset(&u, 0, sizeof(u));
    u.r.lo = 0xe2f83f0c045d46a6ull;
    u.r.hi = 0xc3e4;
    printf("%.21Lg\n", u.d);
    for (int i = 0; i < 300; i++) {
        uint64_t bits = tcg_rand(&seed);
        double d;
        char buf[64];

        memcpy(&d, &bits, 8);
        if (d != d) {
            continue;
        }
        memset(&u, 0, sizeof(u));
        u.r.lo = tcg_rand(&seed) | 0x8000000000000000ull;
        u.r.hi = (uint16_t)(tcg_rand(&seed) % 0x7fff);
        snprintf(buf, sizeof(buf), "%.17g", d);
        printf("%.17g %e %.21Lg %La back=%d\n", d, d, u.d, u.d, strtod(buf, NULL) == d);
    }
}

/* ---------------------------------------------------------------------- */
/* SHLD / SHRD                                                              */

/* run OP with count in CL (reg and mem forms), flags in from `fin` */
#define SHXD_CL(name, insn, type, suffix)                                               \
    static void name(type *dst, type src, uint8_t cnt, uint64_t fin, uint64_t *fout,   \
                     type *mdst, uint64_t *mfout)                                       \
    {                                                                                   \
        type d = *dst;                                                                  \
        asm volatile("pushq %[fin]; popfq; " insn suffix " %%cl, %[s], %[d]; pushfq; "  \
                     "popq %[fo]"                                                       \
                     : [d] "+r"(d), [fo] "=r"(*fout)                                    \
                     : [s] "r"(src), "c"(cnt), [fin] "r"(fin)                           \
                     : "cc");                                                           \
        *dst = d;                                                                       \
        asm volatile("pushq %[fin]; popfq; " insn suffix " %%cl, %[s], %[d]; pushfq; "  \
                     "popq %[fo]"                                                       \
                     : [d] "+m"(*mdst), [fo] "=r"(*mfout)                               \
                     : [s] "r"(src), "c"(cnt), [fin] "r"(fin)                           \
                     : "cc");                                                           \
    }

SHXD_CL(shld16, "shld", uint16_t, "w")
SHXD_CL(shrd16, "shrd", uint16_t, "w")
SHXD_CL(shld32, "shld", uint32_t, "l")
SHXD_CL(shrd32, "shrd", uint32_t, "l")
SHXD_CL(shld64, "shld", uint64_t, "q")
SHXD_CL(shrd64, "shrd", uint64_t, "q")

/* the flags SHLD/SHRD define for a masked count c of an op of `bits` */
static uint64_t shxd_defined(unsigned c, unsigned bits)
{
    if (c == 0) {
        return F_ARITH; /* nothing changes */
    }
    if (c > bits) {
        return 0; /* result and flags undefined */
    }
    return F_CF | F_SF | F_ZF | F_PF | (c == 1 ? F_OF : 0);
}

#define SHXD_RUN(fn, type, bits)                                                             \
    do {                                                                                     \
        type d = (type)a, md = (type)a;                                                      \
        uint64_t fo, mfo;                                                                    \
        unsigned mc = cnt & (bits == 64 ? 63 : 31);                                          \
        fn(&d, (type)b, cnt, fin, &fo, &md, &mfo);                                           \
        uint64_t def = shxd_defined(mc, bits);                                               \
        if (def) {                                                                           \
            printf(#fn " %016" PRIx64 " %016" PRIx64 " cl=%2u -> %016" PRIx64 " fl=%03" PRIx64 \
                   " mem %016" PRIx64 " fl=%03" PRIx64 "\n",                                 \
                   (uint64_t)(type)a, (uint64_t)(type)b, cnt, (uint64_t)d, fo & def,         \
                   (uint64_t)md, mfo & def);                                                 \
        }                                                                                    \
    } while (0)

static void test_shxd(void)
{
    static const uint64_t vals[] = {
        0, 1, 0x8000000000000000ull, 0xffffffffffffffffull, 0x123456789abcdef0ull,
        0x00000000ffff8001ull, 0x8001800180018001ull, 0x7ffffffffffffffeull,
    };
    const int nv = sizeof(vals) / sizeof(vals[0]);

    for (int i = 0; i < nv; i++) {
        for (int j = 0; j < nv; j++) {
            for (unsigned cnt = 0; cnt < 70; cnt += (cnt < 34 ? 1 : 7)) {
                uint64_t a = vals[i], b = vals[j];
                uint64_t fin = (cnt & 1) ? 0x2 | F_ARITH : 0x2;
                SHXD_RUN(shld16, uint16_t, 16);
                SHXD_RUN(shrd16, uint16_t, 16);
                SHXD_RUN(shld32, uint32_t, 32);
                SHXD_RUN(shrd32, uint32_t, 32);
                SHXD_RUN(shld64, uint64_t, 64);
                SHXD_RUN(shrd64, uint64_t, 64);
            }
        }
    }
}

/* ---------------------------------------------------------------------- */
/* zero-count shifts of a 32-bit register still clear its high half        */

#define ZC(insn)                                                                 \
    do {                                                                         \
        uint64_t r = 0xdeadbeef12345678ull, o = 0xcafef00d9abcdef0ull;           \
        asm volatile(insn : "+r"(r) : "r"(o), "c"(0x40) : "cc");                 \
        printf("%-28s -> %016" PRIx64 "\n", insn, r);                            \
    } while (0)

static void test_zero_count(void)
{
    ZC("shll $0, %k0");
    ZC("shrl $0, %k0");
    ZC("sarl $0, %k0");
    ZC("roll $0, %k0");
    ZC("rorl $0, %k0");
    ZC("rcll $0, %k0");
    ZC("rcrl $0, %k0");
    ZC("shll $32, %k0");
    ZC("shldl $0, %k1, %k0");
    ZC("shrdl $0, %k1, %k0");
    ZC("shldl $32, %k1, %k0");
    ZC("shll %%cl, %k0");
    ZC("sarl %%cl, %k0");
    ZC("roll %%cl, %k0");
    ZC("rcrl %%cl, %k0");
    ZC("shldl %%cl, %k1, %k0");
    ZC("shrdl %%cl, %k1, %k0");
    ZC("shlq $0, %0");
    ZC("shlw $0, %w0");
    ZC("rolb $0, %b0");
}

/* ---------------------------------------------------------------------- */
/* ROL/ROR by an immediate after each lazily known op: the conditions      */

#define SETCCS                                                                  \
    "seto 0(%[c])\n\tsetno 1(%[c])\n\tsetb 2(%[c])\n\tsetae 3(%[c])\n\t"        \
    "sete 4(%[c])\n\tsetne 5(%[c])\n\tsetbe 6(%[c])\n\tseta 7(%[c])\n\t"        \
    "sets 8(%[c])\n\tsetns 9(%[c])\n\tsetp 10(%[c])\n\tsetnp 11(%[c])\n\t"      \
    "setl 12(%[c])\n\tsetge 13(%[c])\n\tsetle 14(%[c])\n\tsetg 15(%[c])\n\t"

static const uint64_t rotf_vals[] = {
    0, 1, 0x80, 0xff, 0x8000, 0x7fffffff, 0x80000000ull, 0x8000000000000000ull,
    0xffffffffffffffffull, 0x123456789abcdef0ull,
};
#define ROTF_NV (int)(sizeof(rotf_vals) / sizeof(rotf_vals[0]))

static void rotf_report(const char *what, int n, uint64_t a, uint64_t b, uint64_t x,
                        const uint8_t *cc, uint64_t f, uint64_t cf_sbb)
{
    /* OF is defined after a rotate by 1 only */
    uint64_t fmask = F_CF | F_ZF | F_SF | F_PF | (n == 1 ? F_OF : 0);
    unsigned bits = 0;

    for (int k = 0; k < 16; k++) {
        int has_of = k < 2 || k >= 12;
        if (n == 1 || !has_of) {
            bits |= (unsigned)(cc[k] & 1) << k;
        }
    }
    printf("%-24s $%d %016" PRIx64 " %016" PRIx64 " -> %016" PRIx64 " cc=%04x fl=%03" PRIx64
           " sbb=%d\n",
           what, n, a, b, x, bits, f & fmask, (int)(cf_sbb & 1));
}

#define ROTF(S, M, INNER, ROT, N)                                                       \
    for (int i = 0; i < ROTF_NV; i++) {                                                 \
        for (int j = 0; j < ROTF_NV; j += 3) {                                          \
            uint64_t x = rotf_vals[i], b = rotf_vals[j] ^ (uint64_t)i, f, y;            \
            uint8_t cc[16];                                                             \
            asm volatile(INNER "\n\t" ROT S " $" #N ", %" M "[x]\n\t" SETCCS            \
                         "pushfq\n\tpopq %[f]\n\tsbbq %[y], %[y]"                       \
                         : [x] "+q"(x), [f] "=&r"(f), [y] "=&r"(y)                      \
                         : [b] "q"(b), [c] "r"(cc)                                      \
                         : "cc", "memory");                                             \
            rotf_report(#INNER " " ROT S, N, rotf_vals[i], b, x, cc, f, y);             \
        }                                                                               \
    }

#define ROTF_INNERS(S, M, ROT, N)                                                       \
    ROTF(S, M, "add" S " %" M "[b], %" M "[x]", ROT, N)                                 \
    ROTF(S, M, "sub" S " %" M "[b], %" M "[x]", ROT, N)                                 \
    ROTF(S, M, "cmp" S " %" M "[b], %" M "[x]", ROT, N)                                 \
    ROTF(S, M, "and" S " %" M "[b], %" M "[x]", ROT, N)                                 \
    ROTF(S, M, "xor" S " %" M "[b], %" M "[x]", ROT, N)                                 \
    ROTF(S, M, "inc" S " %" M "[x]", ROT, N)                                            \
    ROTF(S, M, "dec" S " %" M "[x]", ROT, N)                                            \
    ROTF(S, M, "neg" S " %" M "[x]", ROT, N)                                            \
    ROTF(S, M, "shl" S " $3, %" M "[x]", ROT, N)                                        \
    ROTF(S, M, "sar" S " $1, %" M "[x]", ROT, N)                                        \
    ROTF(S, M, "shr" S " $2, %" M "[x]", ROT, N)                                        \
    ROTF(S, M, "ror" S " $7, %" M "[x]", ROT, N)

#define ROTF_SIZE(S, M)                                                                 \
    ROTF_INNERS(S, M, "rol", 1)                                                         \
    ROTF_INNERS(S, M, "ror", 1)                                                         \
    ROTF_INNERS(S, M, "rol", 5)                                                         \
    ROTF_INNERS(S, M, "ror", 5)

static void test_rot_flags(void)
{
    ROTF_SIZE("b", "b")
    ROTF_SIZE("w", "w")
    ROTF_SIZE("l", "k")
    ROTF_SIZE("q", "q")
}

/* ---------------------------------------------------------------------- */
/* MOV Sreg checks the selector against Linux's GDT                         */

static sigjmp_buf seg_jb;
static volatile int seg_sig;

static void on_seg_fault(int sig, siginfo_t *si, void *uc)
{
    (void)si;
    (void)uc;
    seg_sig = sig;
    siglongjmp(seg_jb, 1);
}

/* load sel into segment register `which` and read it back */
static __attribute__((noinline)) unsigned seg_try(int which, unsigned sel)
{
    unsigned back = 0xffff;

    switch (which) {
    case 0:
        asm volatile("mov %1, %%ds; mov %%ds, %0; mov %2, %%ds" : "=r"(back) : "r"(sel), "r"(0));
        break;
    case 1:
        asm volatile("mov %1, %%es; mov %%es, %0; mov %2, %%es" : "=r"(back) : "r"(sel), "r"(0));
        break;
    case 2:
        asm volatile("mov %1, %%ss; mov %%ss, %0; mov %2, %%ss"
                     : "=r"(back) : "r"(sel), "r"(0x2b));
        break;
    case 3:
        asm volatile("mov %1, %%gs; mov %%gs, %0; mov %2, %%gs" : "=r"(back) : "r"(sel), "r"(0));
        break;
    }
    return back;
}

static void test_segload(void)
{
    static const char *const names[4] = { "ds", "es", "ss", "gs" };
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_seg_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    /* FS is left alone: glibc's TLS lives there */
    for (int which = 0; which < 4; which++) {
        for (volatile unsigned sel = 0; sel < 0x80; sel++) {
            static volatile unsigned back;

            seg_sig = 0;
            if (!sigsetjmp(seg_jb, 1)) {
                back = seg_try(which, sel);
            }
            if (seg_sig) {
                printf("mov %02x -> %s: signal %d\n", sel, names[which], seg_sig);
            } else {
                printf("mov %02x -> %s: reads back %02x\n", sel, names[which], back);
            }
        }
    }
    signal(SIGSEGV, SIG_DFL);
    signal(SIGBUS, SIG_DFL);
}

/* ---------------------------------------------------------------------- */
/* REP string insns let signals in                                          */

extern const char rep_insn[];
static volatile int rep_hits, rep_consistent, rep_ticks;
static uint64_t rep_start_rsi, rep_total;

static void on_alarm(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    uint64_t rip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
    uint64_t rcx = (uint64_t)uc->uc_mcontext.gregs[REG_RCX];
    uint64_t rsi = (uint64_t)uc->uc_mcontext.gregs[REG_RSI];

    (void)sig;
    (void)si;
    rep_ticks++;
    if (rip == (uint64_t)rep_insn && rcx != 0) {
        rep_hits++;
        if (rsi - rep_start_rsi == (rep_total - rcx) * 8) {
            rep_consistent++;
        }
    }
}

static void test_rep_signal(void)
{
    const size_t len = 256u << 20;
    struct sigaction sa;
    struct itimerval it = { { 0, 2000 }, { 0, 2000 } }, off = { { 0, 0 }, { 0, 0 } };
    int tries = 0;
    int mid = 0, all_consistent = 1;
    uint8_t *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

    if (p == MAP_FAILED) {
        printf("rep: mmap failed\n");
        return;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_alarm;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    setitimer(ITIMER_REAL, &it, NULL);
    while (tries < 40 && !mid) {
        uint64_t rsi = (uint64_t)p, rcx = len / 8, rax;

        rep_start_rsi = rsi;
        rep_total = rcx;
        rep_hits = 0;
        rep_consistent = 0;
        asm volatile("cld\n.globl rep_insn\nrep_insn: rep lodsq"
                     : "+S"(rsi), "+c"(rcx), "=a"(rax)
                     :
                     : "memory");
        if (rcx != 0 || rsi != (uint64_t)p + len) {
            printf("rep lodsq: wrong end state rcx=%" PRIu64 " rsi-start=%" PRIu64 "\n", rcx,
                   rsi - (uint64_t)p);
        }
        mid = rep_hits != 0;
        all_consistent = all_consistent && rep_hits == rep_consistent;
        tries++;
    }
    setitimer(ITIMER_REAL, &off, NULL);
    signal(SIGALRM, SIG_IGN);
    munmap(p, len);
    printf("rep: signal delivered mid-insn: %s, state consistent: %s\n", mid ? "yes" : "no",
           all_consistent ? "yes" : "no");
}

/* ---------------------------------------------------------------------- */
/* SIGFPE si_code                                                           */

static sigjmp_buf fpe_jb;
static volatile int fpe_code;

static void on_fpe(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    fpe_code = si->si_code;
    siglongjmp(fpe_jb, 1);
}

static const char *fpe_name(int code)
{
    switch (code) {
    case FPE_FLTINV: return "FLTINV";
    case FPE_FLTDIV: return "FLTDIV";
    case FPE_FLTOVF: return "FLTOVF";
    case FPE_FLTUND: return "FLTUND";
    case FPE_FLTRES: return "FLTRES";
    case FPE_INTDIV: return "INTDIV";
    default: return "other";
    }
}

/* op: 0 invalid (sqrt -1), 1 denormal operand, 2 zero divide, 3 overflow,
 * 4 underflow, 5 inexact */
static void x87_case(const char *what, int op, uint16_t cw)
{
    static volatile long double big = LDBL_MAX, tiny = LDBL_MIN, one = 1.0L, three = 3.0L,
                                zero = 0.0L, neg = -1.0L;
    static volatile double den = 4.9406564584124654e-324;
    long double r = 0;

    printf("x87 %s (cw %04x):", what, cw);
    fpe_code = 0;
    if (sigsetjmp(fpe_jb, 1) == 0) {
        asm volatile("fninit; fldcw %0" : : "m"(cw));
        switch (op) {
        case 0: asm volatile("fldt %1; fsqrt; fstpt %0" : "=m"(r) : "m"(neg)); break;
        case 1: asm volatile("fldl %1; fstpt %0" : "=m"(r) : "m"(den)); break;
        case 2: asm volatile("fldt %1; fldt %2; fdivrp; fstpt %0" : "=m"(r) : "m"(one), "m"(zero)); break;
        case 3: asm volatile("fldt %1; fldt %1; fmulp; fstpt %0" : "=m"(r) : "m"(big)); break;
        case 4: asm volatile("fldt %1; fldt %1; fmulp; fstpt %0" : "=m"(r) : "m"(tiny)); break;
        case 5: asm volatile("fldt %1; fldt %2; fdivrp; fstpt %0" : "=m"(r) : "m"(one), "m"(three)); break;
        }
        asm volatile("fwait");
        printf(" no signal\n");
    } else {
        printf(" SIGFPE %s\n", fpe_name(fpe_code));
    }
    asm volatile("fninit");
}

static void sse_case(const char *what, int op, uint32_t mx)
{
    static volatile double big = DBL_MAX, tiny = DBL_MIN, one = 1.0, three = 3.0, zero = 0.0,
                           neg = -1.0, den = 4.9406564584124654e-324;
    uint32_t dflt = 0x1f80;
    double r = 0;

    printf("sse %s (mxcsr %04x):", what, mx);
    fpe_code = 0;
    if (sigsetjmp(fpe_jb, 1) == 0) {
        asm volatile("ldmxcsr %0" : : "m"(mx));
        switch (op) {
        case 0: asm volatile("movsd %1, %%xmm0; sqrtsd %%xmm0, %%xmm0; movsd %%xmm0, %0" : "=m"(r) : "m"(neg) : "xmm0"); break;
        case 1: asm volatile("movsd %1, %%xmm0; addsd %2, %%xmm0; movsd %%xmm0, %0" : "=m"(r) : "m"(one), "m"(den) : "xmm0"); break;
        case 2: asm volatile("movsd %1, %%xmm0; divsd %2, %%xmm0; movsd %%xmm0, %0" : "=m"(r) : "m"(one), "m"(zero) : "xmm0"); break;
        case 3: asm volatile("movsd %1, %%xmm0; mulsd %1, %%xmm0; movsd %%xmm0, %0" : "=m"(r) : "m"(big) : "xmm0"); break;
        case 4: asm volatile("movsd %1, %%xmm0; mulsd %1, %%xmm0; movsd %%xmm0, %0" : "=m"(r) : "m"(tiny) : "xmm0"); break;
        case 5: asm volatile("movsd %1, %%xmm0; divsd %2, %%xmm0; movsd %%xmm0, %0" : "=m"(r) : "m"(one), "m"(three) : "xmm0"); break;
        }
        printf(" no signal\n");
    } else {
        printf(" SIGFPE %s\n", fpe_name(fpe_code));
    }
    asm volatile("ldmxcsr %0" : : "m"(dflt));
}

static void test_fpe(void)
{
    static const char *names[6] = { "invalid", "denormal", "zerodiv", "overflow", "underflow",
                                    "inexact" };
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_fpe;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGFPE, &sa, NULL);
    for (int op = 0; op < 6; op++) {
        /* only this exception unmasked, then all unmasked */
        x87_case(names[op], op, (uint16_t)(0x037f & ~(1u << op)));
        x87_case(names[op], op, 0x0340);
        sse_case(names[op], op, 0x1f80 & ~(0x80u << op));
        sse_case(names[op], op, 0x0000);
    }
    signal(SIGFPE, SIG_DFL);
}

/* ---------------------------------------------------------------------- */
/* INT 0x80                                                                 */

static const char int80_msg[] = "int80: written through the i386 write\n";

static long int80(long nr, long a, long b, long c)
{
    long r;

    asm volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory", "r8", "r9",
                 "r10", "r11");
    return r;
}

static void test_int80(void)
{
    fflush(stdout);
    long r = int80(4, 1, (long)(uintptr_t)int80_msg, sizeof(int80_msg) - 1);
    printf("int80 write -> %ld\n", r);
    /* the high halves of the argument registers are ignored */
    fflush(stdout);
    r = int80(4, 0x100000001l, (long)(uintptr_t)int80_msg | (0xdeadl << 32), 7);
    printf("\nint80 write with high garbage -> %ld\n", r);
    printf("int80 getpid matches: %d\n", int80(20, 0, 0, 0) == getpid());
    printf("int80 unknown 9999 -> %ld\n", int80(9999, 0, 0, 0));
    printf("int80 bad fd write -> %ld\n", int80(4, 77, (long)(uintptr_t)int80_msg, 3));
}

/* no argument: every group; else only the groups named (for bisecting) */
static int want(int argc, char **argv, const char *group)
{
    if (argc < 2) {
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], group) == 0) {
            return 1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    if (want(argc, argv, "loops")) {
        test_loops();
    }
    if (want(argc, argv, "printf")) {
        test_printf();
    }
    if (want(argc, argv, "shxd")) {
        test_shxd();
    }
    if (want(argc, argv, "zerocount")) {
        test_zero_count();
    }
    if (want(argc, argv, "rotflags")) {
        test_rot_flags();
    }
    if (want(argc, argv, "segload")) {
        test_segload();
    }
    if (want(argc, argv, "rep")) {
        test_rep_signal();
    }
    if (want(argc, argv, "fpe")) {
        test_fpe();
    }
    if (want(argc, argv, "int80")) {
        test_int80();
    }
    printf("exit through int80 exit_group(7)\n");
    fflush(stdout);
    int80(252, 7, 0, 0);
    printf("still alive after exit_group\n");
    return 1;
}
