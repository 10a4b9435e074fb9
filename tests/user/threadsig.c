/*
 * The signals glibc keeps for itself (32: cancellation and SIGEV_THREAD
 * timers, 33: set*id in a threaded process) work for the guest's glibc,
 * although the emulator's own glibc claims them too: pthread_cancel of a
 * thread sleeping (deferred) and of one spinning (asynchronous), a timer
 * with SIGEV_THREAD, and setuid with another thread alive.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile int fired;

static void *sleeper(void *a)
{
    (void)a;
    for (;;) {
        sleep(10);
    }
    return NULL;
}

static void *spinner(void *a)
{
    (void)a;
    pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, NULL);
    for (volatile int i = 0;; i++) {
    }
    return NULL;
}

static void *idle(void *a)
{
    (void)a;
    sleep(1);
    return NULL;
}

static void on_timer(union sigval v)
{
    (void)v;
    fired++;
}

int main(void)
{
    struct itimerspec its = { { 0, 0 }, { 0, 20000000 } };
    struct sigevent sev;
    pthread_t t;
    timer_t tm;
    void *r;

    pthread_create(&t, 0, sleeper, 0);
    usleep(50000);
    pthread_cancel(t);
    pthread_join(t, &r);
    printf("deferred cancel: %d\n", r == PTHREAD_CANCELED);
    pthread_create(&t, 0, spinner, 0);
    usleep(50000);
    pthread_cancel(t);
    pthread_join(t, &r);
    printf("asynchronous cancel: %d\n", r == PTHREAD_CANCELED);

    memset(&sev, 0, sizeof(sev));
    sev.sigev_notify = SIGEV_THREAD;
    sev.sigev_notify_function = on_timer;
    timer_create(CLOCK_MONOTONIC, &sev, &tm);
    timer_settime(tm, 0, &its, 0);
    for (int i = 0; i < 500 && !fired; i++) {
        usleep(10000);
    }
    printf("SIGEV_THREAD timer fired: %d\n", fired);

    pthread_create(&t, 0, idle, 0);
    printf("setuid with two threads: %d\n", setuid(getuid()));
    pthread_join(t, NULL);
    return 0;
}
