/*
 * The worker thread pool behind asynchronous block requests.
 *
 * Requests wait in a FIFO (`queue`) for a worker; a worker runs the
 * function without any lock, moves the request to `done` and schedules
 * the pool's bottom half, which runs the completions in the main loop
 * with the BQL held. `lock` guards both lists and the counters; `cond`
 * wakes idle workers, `done_cond` wakes a drain waiting for completions.
 * Completions run outside `lock`, so a callback may submit new work.
 */
#include "block/thread-pool.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/main-loop.h"

struct ThreadPoolElement {
    ThreadPoolFunc *fn;
    void *arg;
    ThreadPoolCompletion *cb;
    void *opaque;
    int ret;
    struct ThreadPoolElement *next;
};
typedef struct ThreadPoolElement ThreadPoolElement;

typedef struct ThreadPool {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    pthread_cond_t done_cond;
    ThreadPoolElement *queue_head, **queue_tail;
    ThreadPoolElement *done_head, **done_tail;
    int workers;
    int idle;
    int in_flight; /* submitted, completion not yet run */
    QEMUBH *bh;
} ThreadPool;

static ThreadPool pool = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .cond = PTHREAD_COND_INITIALIZER,
    .done_cond = PTHREAD_COND_INITIALIZER,
};

static void *thread_pool_worker(void *unused)
{
    pthread_mutex_lock(&pool.lock);
    for (;;) {
        ThreadPoolElement *e;

        while (!pool.queue_head) {
            pool.idle++;
            pthread_cond_wait(&pool.cond, &pool.lock);
            pool.idle--;
        }
        e = pool.queue_head;
        pool.queue_head = e->next;
        if (!pool.queue_head) {
            pool.queue_tail = &pool.queue_head;
        }
        pthread_mutex_unlock(&pool.lock);

        e->ret = e->fn(e->arg);

        pthread_mutex_lock(&pool.lock);
        e->next = NULL;
        *pool.done_tail = e;
        pool.done_tail = &e->next;
        pthread_cond_broadcast(&pool.done_cond);
        qemu_bh_schedule(pool.bh);
    }
    return NULL;
}

static void thread_pool_bh(void *opaque)
{
    thread_pool_poll();
}

void thread_pool_submit(ThreadPoolFunc *fn, void *arg, ThreadPoolCompletion *cb, void *opaque)
{
    ThreadPoolElement *e = calloc(1, sizeof(*e));

    if (!e) {
        abort();
    }
    e->fn = fn;
    e->arg = arg;
    e->cb = cb;
    e->opaque = opaque;

    pthread_mutex_lock(&pool.lock);
    if (!pool.bh) {
        pool.bh = qemu_bh_new(thread_pool_bh, NULL);
        pool.queue_tail = &pool.queue_head;
        pool.done_tail = &pool.done_head;
    }
    *pool.queue_tail = e;
    pool.queue_tail = &e->next;
    pool.in_flight++;
    if (pool.idle == 0 && pool.workers < THREAD_POOL_MAX_WORKERS) {
        pthread_t tid;
        pthread_attr_t attr;

        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&tid, &attr, thread_pool_worker, NULL) == 0) {
            pool.workers++;
        }
        pthread_attr_destroy(&attr);
        if (pool.workers == 0) {
            /* no thread at all: nothing would ever run the request */
            fprintf(stderr, "tern: cannot start a block I/O worker thread\n");
            abort();
        }
    } else {
        pthread_cond_signal(&pool.cond);
    }
    pthread_mutex_unlock(&pool.lock);
}

int thread_pool_poll(void)
{
    int n = 0;

    for (;;) {
        ThreadPoolElement *e;

        pthread_mutex_lock(&pool.lock);
        e = pool.done_head;
        if (e) {
            pool.done_head = e->next;
            if (!pool.done_head) {
                pool.done_tail = &pool.done_head;
            }
        }
        pthread_mutex_unlock(&pool.lock);
        if (!e) {
            return n;
        }
        /* count it finished before the callback, which may submit more */
        pthread_mutex_lock(&pool.lock);
        pool.in_flight--;
        pthread_mutex_unlock(&pool.lock);
        e->cb(e->opaque, e->ret);
        free(e);
        n++;
    }
}

int thread_pool_in_flight(void)
{
    int n;

    pthread_mutex_lock(&pool.lock);
    n = pool.in_flight;
    pthread_mutex_unlock(&pool.lock);
    return n;
}

void thread_pool_wait_any(void)
{
    pthread_mutex_lock(&pool.lock);
    while (!pool.done_head && pool.in_flight > 0) {
        pthread_cond_wait(&pool.done_cond, &pool.lock);
    }
    pthread_mutex_unlock(&pool.lock);
    thread_pool_poll();
}
