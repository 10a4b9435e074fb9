/*
 * A pool of worker threads for blocking work (disk I/O) whose completions
 * come back to the main loop.
 *
 * thread_pool_submit() queues fn(arg) for a worker; when it has run, cb(opaque,
 * ret) is called in the main loop (a bottom half, BQL held) with fn's return
 * value. So the thread that submits (a vCPU thread doing device emulation
 * under the BQL) never waits for the disk.
 *
 * Workers are started on demand, up to THREAD_POOL_MAX_WORKERS, and stay
 * for the life of the process. One pool per process.
 */
#ifndef BLOCK_THREAD_POOL_H
#define BLOCK_THREAD_POOL_H

#include <stdbool.h>

#define THREAD_POOL_MAX_WORKERS 8

typedef int ThreadPoolFunc(void *arg);
typedef void ThreadPoolCompletion(void *opaque, int ret);

/* Queue fn(arg); cb(opaque, ret) follows in the main loop. BQL held. */
void thread_pool_submit(ThreadPoolFunc *fn, void *arg, ThreadPoolCompletion *cb, void *opaque);

/* Deliver the completions of requests that have finished; returns how
 * many ran. BQL held. */
int thread_pool_poll(void);

/* Number of submitted requests whose completion has not run yet. */
int thread_pool_in_flight(void);

/*
 * Block until at least one request has finished (return at once if none
 * is in flight), then deliver the finished completions here. For drains
 * (blk_drain): BQL held, which is fine because workers never take it.
 */
void thread_pool_wait_any(void);

#endif
