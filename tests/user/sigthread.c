/*
 * A process-directed signal goes to a thread that does not block it.
 * Four threads: the main thread and two workers block the signal, one
 * worker does not. kill(getpid(), sig) must run the handler in that
 * worker, whether it is busy computing or blocked in a system call, and
 * whatever the other threads are doing (spinning in guest code,
 * sleeping). Done for SIGUSR1 and for signals that are usually faults
 * (SIGFPE, SIGSEGV, SIGILL, SIGBUS, SIGTRAP): sent by kill they are
 * ordinary blockable signals. Last, SIGUSR2 sent while every thread
 * blocks it stays pending for the process (sigpending shows it) until the
 * worker unblocks it, and then runs there.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ROUNDS 300

static volatile pid_t handler_tid;
static volatile int handled;
static volatile int stop;
static volatile int open_usr2;
static pid_t open_tid;
static pthread_barrier_t ready;

static void on_usr1(int s)
{
    (void)s;
    handler_tid = (pid_t)syscall(SYS_gettid);
    __atomic_add_fetch(&handled, 1, __ATOMIC_SEQ_CST);
}

static const int sigs[] = { SIGUSR1, SIGFPE, SIGSEGV, SIGILL, SIGBUS, SIGTRAP };
#define NSIGS (int)(sizeof(sigs) / sizeof(sigs[0]))

static void block_usr1(void)
{
    sigset_t s;
    sigemptyset(&s);
    for (int i = 0; i < NSIGS; i++) {
        sigaddset(&s, sigs[i]);
    }
    sigaddset(&s, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
}

static void *blocked_spinner(void *a)
{
    volatile unsigned long x = 0;
    (void)a;
    block_usr1();
    pthread_barrier_wait(&ready);
    while (!stop) {
        x++;
    }
    return NULL;
}

static void *blocked_sleeper(void *a)
{
    (void)a;
    block_usr1();
    pthread_barrier_wait(&ready);
    while (!stop) {
        usleep(100);
    }
    return NULL;
}

static void *open_worker(void *a)
{
    sigset_t s;
    (void)a;
    sigemptyset(&s);
    for (int i = 0; i < NSIGS; i++) {
        sigaddset(&s, sigs[i]);
    }
    pthread_sigmask(SIG_UNBLOCK, &s, NULL);
    open_tid = (pid_t)syscall(SYS_gettid);
    pthread_barrier_wait(&ready);
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    for (unsigned long i = 0; !stop; i++) {
        if (i % 4096 == 0) {
            usleep(50); /* sometimes in a system call */
        }
        if (open_usr2 == 1) {
            open_usr2 = 2;
            pthread_sigmask(SIG_UNBLOCK, &s, NULL);
        }
    }
    return NULL;
}

int main(void)
{
    struct sigaction sa;
    pthread_t t[3];
    int wrong = 0, lost = 0;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;
    for (int i = 0; i < NSIGS; i++) {
        sigaction(sigs[i], &sa, NULL);
    }
    sigaction(SIGUSR2, &sa, NULL);
    block_usr1(); /* the main thread; threads inherit it, the worker undoes it */
    pthread_barrier_init(&ready, NULL, 4);
    pthread_create(&t[0], NULL, blocked_spinner, NULL);
    pthread_create(&t[1], NULL, blocked_sleeper, NULL);
    pthread_create(&t[2], NULL, open_worker, NULL);
    pthread_barrier_wait(&ready);

    for (int i = 0; i < ROUNDS; i++) {
        int before = handled;
        handler_tid = 0;
        kill(getpid(), sigs[i % NSIGS]);
        for (int w = 0; w < 200000 && handled == before; w++) {
            usleep(10);
        }
        if (handled == before) {
            lost++;
        } else if (handler_tid != open_tid) {
            wrong++;
        }
    }
    {
        sigset_t p;
        int before = handled;
        handler_tid = 0;
        kill(getpid(), SIGUSR2);
        usleep(20000);
        sigpending(&p);
        printf("SIGUSR2 blocked everywhere: pending %d, handled %d\n", sigismember(&p, SIGUSR2),
               handled - before);
        open_usr2 = 1;
        for (int w = 0; w < 200000 && handled == before; w++) {
            usleep(10);
        }
        printf("after the worker unblocked it: handled %d, in the worker %d\n", handled - before,
               handler_tid == open_tid);
    }
    stop = 1;
    for (int i = 0; i < 3; i++) {
        pthread_join(t[i], NULL);
    }
    printf("%d signals: %d in a thread that blocks it, %d lost\n", ROUNDS, wrong, lost);
    return wrong || lost;
}
