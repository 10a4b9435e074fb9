/*
 * Asynchronous signals between chained TBs: a one-shot timer of a few
 * microseconds is re-armed in a tight loop of calls and returns, so the
 * signal often arrives while the CPU runs TBs that jump straight to each
 * other. The handler's frame must hold the state at the instruction the
 * guest really is at (a chained jump does not store the pc): otherwise
 * the handler returns to a stale pc with the current stack, and the
 * frame-address check below fails or the program crashes.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static volatile int hits;

static void on_sig(int s)
{
    (void)s;
    hits++;
}

__attribute__((noinline)) static int arm(int i)
{
    struct itimerval it = { { 0, 0 }, { 0, 1 + i % 50 } };
    return setitimer(ITIMER_REAL, &it, NULL);
}

int main(void)
{
    struct sigaction sa;
    void *frame = __builtin_frame_address(0);

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sig;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, 0);
    for (int i = 0; i < 200000; i++) {
        if (arm(i) != 0) {
            printf("setitimer failed at %d\n", i);
            return 1;
        }
        if (__builtin_frame_address(0) != frame) {
            printf("frame moved at %d\n", i);
            return 1;
        }
    }
    printf("done, handler ran: %s\n", hits > 0 ? "yes" : "no");
    return 0;
}
