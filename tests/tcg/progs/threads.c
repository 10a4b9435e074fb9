/*
 * A multithreaded guest program that checks its own result: atomic
 * read-modify-write from several threads, a mutex-protected counter, a
 * compare-and-swap spin lock, a futex ping-pong between two threads and
 * thread-local storage. Prints deterministic lines and exits 0 only when
 * every total is right.
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NTHREADS 4
#define ITERS 50000
#define PINGS 2000

static atomic_long atomic_counter;
static long mutex_counter, spin_counter;
static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static atomic_int spin;
static __thread long tls_value;
static long tls_results[NTHREADS];
static atomic_int turn; /* futex word: whose turn in the ping-pong */
static long pings[2];

static long futex(atomic_int *addr, int op, int val)
{
    return syscall(SYS_futex, addr, op, val, NULL, NULL, 0);
}

static void *worker(void *arg)
{
    long id = (long)(intptr_t)arg;
    for (int i = 0; i < ITERS; i++) {
        atomic_fetch_add_explicit(&atomic_counter, 1, memory_order_relaxed);
        pthread_mutex_lock(&mutex);
        mutex_counter++;
        pthread_mutex_unlock(&mutex);
        int expected = 0;
        while (!atomic_compare_exchange_weak(&spin, &expected, 1)) {
            expected = 0;
        }
        spin_counter++;
        atomic_store(&spin, 0);
        tls_value += id + 1;
    }
    tls_results[id] = tls_value;
    return NULL;
}

static void *ponger(void *arg)
{
    int me = (int)(intptr_t)arg;
    for (int i = 0; i < PINGS; i++) {
        while (atomic_load(&turn) != me) {
            futex(&turn, FUTEX_WAIT_PRIVATE, !me);
        }
        pings[me]++;
        atomic_store(&turn, !me);
        futex(&turn, FUTEX_WAKE_PRIVATE, 1);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[NTHREADS], p[2];
    int ok = 1;

    for (long i = 0; i < NTHREADS; i++) {
        pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i);
    }
    for (int i = 0; i < 2; i++) {
        pthread_create(&p[i], NULL, ponger, (void *)(intptr_t)i);
    }
    for (int i = 0; i < NTHREADS; i++) {
        pthread_join(t[i], NULL);
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(p[i], NULL);
    }
    long want = (long)NTHREADS * ITERS;
    printf("atomic counter %ld (want %ld)\n", (long)atomic_counter, want);
    printf("mutex counter %ld (want %ld)\n", mutex_counter, want);
    printf("spin-lock counter %ld (want %ld)\n", spin_counter, want);
    ok &= atomic_counter == want && mutex_counter == want && spin_counter == want;
    for (int i = 0; i < NTHREADS; i++) {
        printf("tls[%d] %ld (want %ld)\n", i, tls_results[i], (long)(i + 1) * ITERS);
        ok &= tls_results[i] == (long)(i + 1) * ITERS;
    }
    printf("futex ping-pong %ld %ld (want %d each)\n", pings[0], pings[1], PINGS);
    ok &= pings[0] == PINGS && pings[1] == PINGS && tls_value == 0;
    printf("%s\n", ok ? "threads ok" : "threads FAILED");
    return ok ? 0 : 1;
}
