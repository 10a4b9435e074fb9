/*
 * The main event loop, the big lock (BQL) and bottom halves.
 *
 * Threads: the main thread runs main_loop_wait() in a loop; vCPU threads
 * (and helper threads such as the block layer's workers) run beside it.
 * Device state is guarded by one big lock, the BQL. The main loop holds it
 * while it dispatches anything (fd handlers, timers, bottom halves) and
 * drops it only while it sleeps in poll(). So every callback registered
 * here runs in the main thread with the BQL held.
 *
 * Waking the loop: anything that changes what the loop should wait for
 * from another thread (arming an earlier timer, scheduling a bottom half,
 * asking the loop to exit) writes to an internal eventfd so the poll()
 * returns; qemu_notify_event() does that explicitly.
 *
 * Typical main():
 *
 *     qemu_init_main_loop(&error_fatal);
 *     bql_lock();
 *     ... create the machine ...
 *     while (!main_loop_should_exit()) {
 *         main_loop_wait(false);
 *     }
 *     bql_unlock();
 */
#ifndef UTIL_MAIN_LOOP_H
#define UTIL_MAIN_LOOP_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

/* ---- The big lock ---- */

/*
 * Not recursive: taking it twice in one thread, or dropping it when not
 * held, is a programming error and asserts.
 */
void bql_lock(void);
void bql_unlock(void);
/* True iff the calling thread holds the BQL. */
bool bql_locked(void);
/*
 * Wait on cond with the BQL as its mutex (the BQL must be held; it is held
 * again on return). Use these, not pthread_cond_wait on a raw mutex, so
 * that bql_locked() stays right.
 */
void bql_cond_wait(pthread_cond_t *cond);
/* As bql_cond_wait, for at most timeout_ms; false if it timed out. */
bool bql_cond_timedwait(pthread_cond_t *cond, int64_t timeout_ms);

/* ---- Set-up ---- */

/*
 * Create the loop's wake-up notifier and make the calling thread the main
 * loop thread. Idempotent; main_loop_wait() calls it itself if needed, but
 * calling it early lets a failure be reported cleanly.
 */
bool qemu_init_main_loop(Error **errp);
/* True iff the calling thread is the one that runs main_loop_wait(). */
bool qemu_in_main_thread(void);

/* ---- File descriptor handlers ---- */

typedef void IOHandler(void *opaque);
/* Checked before each poll: false means "do not poll fd for reading now"
 * (flow control: the consumer has no room). */
typedef bool IOReadPoll(void *opaque);

/*
 * Call fd_read when fd is readable and fd_write when it is writable. NULL
 * for both removes the handler; setting a handler on an fd that already
 * has one replaces it. Call with the BQL held (or before threads exist).
 * Safe to call from inside a handler, including for its own fd.
 */
void qemu_set_fd_handler(int fd, IOHandler *fd_read, IOHandler *fd_write, void *opaque);
/* As qemu_set_fd_handler, with a read_poll check (may be NULL). */
void qemu_set_fd_handler_poll(int fd, IOReadPoll *read_poll, IOHandler *fd_read,
                              IOHandler *fd_write, void *opaque);

/* ---- Bottom halves ---- */

/*
 * A bottom half is a callback scheduled to run once, soon, in the main
 * loop (with the BQL held). Scheduling is cheap, thread-safe and wakes the
 * loop, so it is how other threads hand work to the main thread.
 * Scheduling an already scheduled BH does nothing (it runs once).
 */
typedef void QEMUBHFunc(void *opaque);
typedef struct QEMUBH QEMUBH;

QEMUBH *qemu_bh_new(QEMUBHFunc *cb, void *opaque);
/* Thread-safe; wakes the main loop. */
void qemu_bh_schedule(QEMUBH *bh);
/* Un-schedule (thread-safe). A BH already running is not stopped. */
void qemu_bh_cancel(QEMUBH *bh);
/* Cancel and free; safe from inside the BH's own callback. NULL is a no-op. */
void qemu_bh_delete(QEMUBH *bh);
/* Run every scheduled BH once; returns how many ran. Main thread only,
 * BQL held. main_loop_wait() calls it; tests may too. */
int qemu_bh_poll(void);

/* ---- The loop ---- */

/*
 * Wait for events and dispatch them: poll the fd handlers and the
 * notifier, with a timeout that is the nearest timer deadline (0 when
 * nonblocking, or when a BH is scheduled); then, with the BQL held, run the
 * ready fd handlers, the expired timers and the scheduled bottom halves.
 * The caller holds the BQL; it is dropped only around the poll.
 * Returns > 0 if any fd handler, timer or BH ran (0: the wait timed out
 * or was only woken). Main thread only, and not reentrant: a callback it
 * dispatches must not call it (asserted).
 */
int main_loop_wait(bool nonblocking);

/* Wake main_loop_wait() from any thread (async-signal-safe). */
void qemu_notify_event(void);

/*
 * A generic "leave the loop" request, from any thread or a signal handler;
 * it wakes the loop. The machine layers its own shutdown/reset requests on
 * top; this one is what a quit key or a test uses.
 */
void main_loop_exit_request(void);
/* True (once) if an exit was requested; clears the request. */
bool main_loop_should_exit(void);
/* Run main_loop_wait(false) until an exit is requested. BQL held. */
void qemu_main_loop(void);

#endif
