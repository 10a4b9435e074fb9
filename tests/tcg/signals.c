/*
 * Synchronous and asynchronous signals and the signal frame.
 *
 * Each faulting case runs one instruction between two global labels
 * (fa_ID, fb_ID) with known values in RBX, R12..R15 and known arithmetic
 * flags. The SA_SIGINFO handler prints the signal, si_code, si_addr and
 * RIP (relative to the labels or to the buffer involved), the registers
 * and flags from the ucontext, then resumes at fb_ID with RAX and R12
 * changed in the ucontext, so the return through sigreturn is checked
 * too. Cases: wild read and write (SEGV_MAPERR), write to a read-only
 * page and execution of a no-exec page (SEGV_ACCERR), a bit-string access
 * far outside its base, a non-canonical address, a misaligned MOVAPS, a
 * privileged instruction (#GP: SI_KERNEL), UD2 (ILL_ILLOPN), INT3
 * (SIGTRAP), integer divide error (FPE_INTDIV), unmasked x87 and SSE
 * divide-by-zero (FPE_FLTDIV). Then kill/raise with si_pid, blocked and
 * pending signals, sigaltstack and a signal nested in a handler.
 */
#include "common.h"
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

static volatile uintptr_t cur_a, cur_b, cur_base;
static volatile int use_longjmp, pop_on_resume;
static sigjmp_buf jb;

static long rel(uintptr_t x)
{
    return (long)(x - cur_a);
}

static void handler(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    greg_t *g = uc->uc_mcontext.gregs;
    uintptr_t addr = (uintptr_t)si->si_addr;

    printf("  sig=%d code=%d", sig, si->si_code);
    if (addr < 0x10000) {
        printf(" addr=%#lx", (unsigned long)addr);
    } else if (cur_base) {
        printf(" addr=base%+ld", (long)(addr - cur_base));
    } else {
        printf(" addr=fa%+ld", rel(addr));
    }
    if (cur_base && (uintptr_t)g[REG_RIP] - cur_base < 4096) {
        printf(" rip=base%+ld", (long)((uintptr_t)g[REG_RIP] - cur_base));
    } else {
        printf(" rip=fa%+ld", rel((uintptr_t)g[REG_RIP]));
    }
    if (use_longjmp) {
        /* Registers are whatever the compiler left there: not compared. */
        printf("\n");
        siglongjmp(jb, 1);
    }
    printf(" rbx=%llx r12=%llx r13=%llx r14=%llx r15=%llx fl=%03llx\n",
           (unsigned long long)g[REG_RBX], (unsigned long long)g[REG_R12],
           (unsigned long long)g[REG_R13], (unsigned long long)g[REG_R14],
           (unsigned long long)g[REG_R15], (unsigned long long)g[REG_EFL] & F_ARITH);
    g[REG_RIP] = (greg_t)cur_b;
    if (pop_on_resume) {
        g[REG_RSP] += 8; /* drop the return address of the faulting CALL */
    }
    g[REG_RAX] = 0x4242;
    g[REG_R12] = 0x1212;
}

/*
 * Run INSN between labels fa_ID and fb_ID; RDI holds ARG. RAX and R12 are
 * printed after: the handler changes them in the ucontext.
 */
#define FAULT(id, insn)                                                        \
    extern char fa_##id[], fb_##id[];                                          \
    static void fault_##id(uint64_t arg)                                       \
    {                                                                          \
        uint64_t rax = 0, r12;                                                 \
        cur_a = (uintptr_t)fa_##id;                                            \
        cur_b = (uintptr_t)fb_##id;                                            \
        printf("%s:", #id);                                                    \
        fflush(stdout);                                                        \
        asm volatile("movq $0xb0b, %%rbx; movq $0xc12, %%r12; movq $0xc13, %%r13;" \
                     "movq $0xc14, %%r14; movq $0xc15, %%r15;"                 \
                     "pushfq; andq $~0x8d5, (%%rsp); orq $0x0c5, (%%rsp); popfq;" \
                     ".globl fa_" #id "\nfa_" #id ": " insn "\n"               \
                     ".globl fb_" #id "\nfb_" #id ": movq %%r12, %[r12]"       \
                     : "+a"(rax), [r12] "=m"(r12)                              \
                     : "D"(arg)                                                \
                     : "rbx", "r12", "r13", "r14", "r15", "rcx", "rdx", "cc",   \
                       "memory");                                              \
        printf("  after: rax=%" PRIx64 " r12=%" PRIx64 "\n", rax, r12);        \
    }

FAULT(read_wild, "movq 0x1000, %%rax")
FAULT(write_wild, "movl $1, 0x2008")
FAULT(write_ro, "movl $1, 16(%%rdi)")
FAULT(exec_nx, "call *%%rdi")
FAULT(bt_far, "movq $0x10000000000, %%rcx; btq %%rcx, (%%rdi)")
FAULT(lock_bts_far, "movq $-0x10000000000, %%rcx; lock btsq %%rcx, (%%rdi)")
FAULT(noncanonical, "movq $0x8000000000001000, %%rcx; movq (%%rcx), %%rax")
FAULT(movaps_misaligned, "movaps 1(%%rdi), %%xmm7")
FAULT(privileged, "hlt")
FAULT(cli, "cli")
FAULT(ud2, "ud2")
FAULT(int3, "int3")
FAULT(div0, "xorl %%ecx, %%ecx; divl %%ecx")

static void fpu_cases(void)
{
    volatile double zero = 0.0, one = 1.0;
    uint16_t cw = 0x037b; /* ZE unmasked */
    uint32_t mx = 0x1d80; /* ZE unmasked */

    use_longjmp = 1;
    cur_base = 0;
    printf("x87 zero divide:");
    cur_a = (uintptr_t)fpu_cases;
    if (sigsetjmp(jb, 1) == 0) {
        asm volatile("fldcw %0; fldl %1; fdivl %2; fwait; fstp %%st(0)"
                     :
                     : "m"(cw), "m"(one), "m"(zero));
        printf(" no signal\n");
    }
    asm volatile("fninit");
    printf("sse zero divide:");
    if (sigsetjmp(jb, 1) == 0) {
        asm volatile("ldmxcsr %0; movsd %1, %%xmm6; divsd %2, %%xmm6" : : "m"(mx), "m"(one), "m"(zero)
                     : "xmm6");
        printf(" no signal\n");
    }
    mx = 0x1f80;
    asm volatile("ldmxcsr %0" : : "m"(mx));
    use_longjmp = 0;
}

static volatile int usr_count;
static void on_usr(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    usr_count++;
    printf("  SIGUSR%d code=%d pid_matches=%d\n", sig == SIGUSR1 ? 1 : 2, si->si_code,
           si->si_pid == getpid());
}

static char altstack[65536];
static void on_alt(int sig)
{
    char local;
    printf("  sig=%d on altstack=%d\n", sig,
           &local >= altstack && &local < altstack + sizeof(altstack));
}

static void on_outer(int sig)
{
    printf("  outer sig=%d begins\n", sig);
    raise(SIGUSR1); /* not blocked: delivered nested, right here */
    printf("  outer sig=%d ends\n", sig);
}

static void async_cases(void)
{
    struct sigaction sa;
    sigset_t set, pend;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_usr;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    printf("kill SIGUSR1:\n");
    kill(getpid(), SIGUSR1);
    printf("blocked SIGUSR2:\n");
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, NULL);
    raise(SIGUSR2);
    sigpending(&pend);
    printf("  pending=%d delivered=%d\n", sigismember(&pend, SIGUSR2), usr_count);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    printf("  after unblock delivered=%d\n", usr_count);

    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack), .ss_flags = 0 };
    sigaltstack(&ss, NULL);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alt;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGWINCH, &sa, NULL);
    printf("sigaltstack:\n");
    raise(SIGWINCH);
    sa.sa_flags = 0;
    sigaction(SIGWINCH, &sa, NULL);
    printf("no altstack:\n");
    raise(SIGWINCH);

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_outer;
    sigaction(SIGALRM, &sa, NULL);
    printf("nested:\n");
    raise(SIGALRM);
    printf("  usr count=%d\n", usr_count);
}

int main(void)
{
    struct sigaction sa;
    long pg = sysconf(_SC_PAGESIZE);
    uint8_t *ro, *nx;
    static uint8_t bits[64] __attribute__((aligned(16)));

    setvbuf(stdout, NULL, _IOLBF, 0);
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGTRAP, &sa, NULL);

    ro = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    nx = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ro == MAP_FAILED || nx == MAP_FAILED) {
        printf("mmap failed\n");
        return 1;
    }
    ro[16] = 7;
    mprotect(ro, pg, PROT_READ);
    nx[0] = 0xc3; /* a RET that must never run */

    cur_base = 0;
    fault_read_wild(0);
    fault_write_wild(0);
    cur_base = (uintptr_t)ro;
    fault_write_ro((uintptr_t)ro);
    printf("  ro[16]=%d\n", ro[16]);
    cur_base = (uintptr_t)nx;
    pop_on_resume = 1;
    fault_exec_nx((uintptr_t)nx);
    pop_on_resume = 0;
    cur_base = (uintptr_t)bits;
    fault_bt_far((uintptr_t)bits);
    fault_lock_bts_far((uintptr_t)bits);
    cur_base = 0;
    fault_noncanonical(0);
    fault_movaps_misaligned((uintptr_t)bits);
    fault_privileged(0);
    fault_cli(0);
    fault_ud2(0);
    fault_int3(0);
    fault_div0(0);
    fpu_cases();
    async_cases();
    return 0;
}
