/*
 * What a SA_SIGINFO handler sees for each kind of fault: si_code, si_addr
 * (relative to the mapping involved) and the sigcontext's trapno and err.
 * run-user.sh runs it natively and under tern-x86_64 and compares: the
 * emulator must report its own host faults (a #GP for a non-canonical
 * address is SI_KERNEL with no address) the way the kernel reports the
 * guest's.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

static sigjmp_buf jb;
static uintptr_t base;

static void handler(int sig, siginfo_t *si, void *ucp)
{
    ucontext_t *uc = ucp;
    uintptr_t a = (uintptr_t)si->si_addr;
    printf(" sig=%d code=%d addr=%s%lx trapno=%lld err=%llx\n", sig, si->si_code,
           base && a >= base ? "base+" : "", (unsigned long)(base && a >= base ? a - base : a),
           (long long)uc->uc_mcontext.gregs[REG_TRAPNO],
           (long long)uc->uc_mcontext.gregs[REG_ERR]);
    siglongjmp(jb, 1);
}

#define CASE(name, stmt)                                                       \
    do {                                                                       \
        printf("%s:", name);                                                   \
        fflush(stdout);                                                        \
        if (!sigsetjmp(jb, 1)) {                                               \
            stmt;                                                              \
            printf(" no fault\n");                                             \
        }                                                                      \
        base = 0;                                                              \
    } while (0)

int main(void)
{
    struct sigaction sa;
    char path[] = "/tmp/faults-XXXXXX";
    volatile char *p;
    int fd;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, 0);
    sigaction(SIGBUS, &sa, 0);
    sigaction(SIGILL, &sa, 0);
    sigaction(SIGFPE, &sa, 0);
    sigaction(SIGTRAP, &sa, 0);
    setvbuf(stdout, NULL, _IONBF, 0);

    p = mmap(0, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    base = (uintptr_t)p;
    CASE("write read-only", p[5] = 1);
    base = (uintptr_t)p;
    CASE("read read-only", (void)p[5]);
    munmap((void *)p + 4096, 4096);
    base = (uintptr_t)p;
    CASE("read unmapped", (void)p[4096 + 7]);
    base = (uintptr_t)p;
    CASE("write unmapped", p[4096 + 9] = 1);
    mprotect((void *)p, 4096, PROT_NONE);
    base = (uintptr_t)p;
    CASE("read PROT_NONE", (void)p[3]);
    mprotect((void *)p, 4096, PROT_READ | PROT_WRITE);
    p[0] = (char)0xc3;
    base = (uintptr_t)p;
    CASE("exec no-exec", ((void (*)(void))p)());
    CASE("read non-canonical", (void)*(volatile char *)0x8000000000001000ull);
    CASE("write non-canonical", *(volatile char *)0xffff7fff00000010ull = 1);
    CASE("ud2", asm volatile("ud2"));
    CASE("int3", asm volatile("int3"));
    CASE("hlt", asm volatile("hlt"));
    CASE("div0", { volatile int z = 0; volatile int r = 5 / z; (void)r; });
    fd = mkstemp(path);
    unlink(path);
    if (ftruncate(fd, 100) == 0) {
        p = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        base = (uintptr_t)p;
        CASE("read past EOF", (void)p[4096 + 5]);
    }
    return 0;
}
