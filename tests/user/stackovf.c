/*
 * Overflowing the main thread's stack: the access below it must fault in
 * the guard gap (SIGSEGV, SEGV_MAPERR) and be handled on the alternate
 * stack, not land in whatever mapping the host placed under the stack.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char alt[65536];

static void on_segv(int s, siginfo_t *si, void *u)
{
    char m[64];
    int n = snprintf(m, sizeof(m), "caught sig %d code %d\n", s, si->si_code);
    (void)u;
    if (write(1, m, (size_t)n) < 0) {
        _exit(3);
    }
    _exit(0);
}

#pragma GCC diagnostic ignored "-Winfinite-recursion"
static int rec(int n)
{
    volatile char buf[1024];
    memset((char *)buf, n, sizeof(buf));
    return rec(n + 1) + buf[n % 1024];
}

int main(void)
{
    stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt) };
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sigaltstack(&ss, 0);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGSEGV, &sa, 0);
    printf("%d\n", rec(0));
    return 2;
}
