/*
 * Clocks and timers.
 *
 * Clocks (all in nanoseconds):
 *  - QEMU_CLOCK_REALTIME: host monotonic time; runs even while the VM is
 *    stopped (for UI refresh, reconnect retries and such).
 *  - QEMU_CLOCK_VIRTUAL: guest time. It starts at 0, stopped, and advances
 *    with the host monotonic clock only between vm_clock_start() and
 *    vm_clock_stop(). Device timers use it, so a stopped VM sees no time
 *    pass. In qtest mode it never advances by itself: only
 *    qemu_clock_advance_virtual()/qemu_clock_set_virtual() move it.
 *  - QEMU_CLOCK_HOST: host wall-clock time (ns since the Unix epoch), for
 *    the RTC; it may jump.
 *
 * Timers: a QEMUTimer calls cb(opaque) once its clock reaches the expiry
 * time set by timer_mod(). Expiry times are absolute times on the timer's
 * clock, in the timer's scale (ns, us or ms); internally they are kept in
 * ns. Each clock keeps its pending timers in a list ordered by expiry;
 * timers with equal expiry run in the order they were armed.
 *
 * Threads: callbacks run in the main loop thread with the BQL held (see
 * util/main-loop.h). timer_mod/timer_del/timer_pending may be called from
 * any thread (each clock's list has its own lock); arming a timer from
 * another thread so that it becomes the earliest wakes the main loop.
 * A timer must not be freed while its callback runs in another thread:
 * free timers with the BQL held.
 */
#ifndef UTIL_TIMER_H
#define UTIL_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#define NANOSECONDS_PER_SECOND 1000000000LL
#define SCALE_MS               1000000
#define SCALE_US               1000
#define SCALE_NS               1

typedef enum QEMUClockType {
    QEMU_CLOCK_REALTIME = 0,
    QEMU_CLOCK_VIRTUAL = 1,
    QEMU_CLOCK_HOST = 2,
    QEMU_CLOCK_MAX
} QEMUClockType;

typedef void QEMUTimerCB(void *opaque);

/* Public so devices may embed one (timer_init_*); treat fields as private. */
typedef struct QEMUTimer {
    int64_t expire_time; /* ns; meaningful only while pending */
    QEMUClockType type;
    int scale;
    QEMUTimerCB *cb;
    void *opaque;
    bool pending;
    struct QEMUTimer *next;
} QEMUTimer;

/* ---- Clocks ---- */

int64_t qemu_clock_get_ns(QEMUClockType type);
static inline int64_t qemu_clock_get_us(QEMUClockType type)
{
    return qemu_clock_get_ns(type) / SCALE_US;
}
static inline int64_t qemu_clock_get_ms(QEMUClockType type)
{
    return qemu_clock_get_ns(type) / SCALE_MS;
}

/* Start/stop the virtual clock (the run state does this on vm start/stop).
 * Both are idempotent. */
void vm_clock_start(void);
void vm_clock_stop(void);
bool vm_clock_running(void);
/*
 * Set the virtual clock (incoming migration / loadvm restore the source's
 * time so that saved timer expiries keep their meaning). Only while the
 * clock is stopped; returns false (and does nothing) otherwise.
 */
bool vm_clock_set_ns(int64_t ns);

/*
 * qtest mode: the virtual clock advances only through the two calls
 * below, whatever vm_clock_start/stop say. Enable it before the machine is
 * created.
 */
void qemu_clock_set_qtest_mode(bool on);
bool qemu_clock_qtest_mode(void);
/*
 * Advance the virtual clock by delta_ns (qtest mode only), running every
 * virtual timer that falls due on the way, in expiry order, with the clock
 * reading each timer's expiry time while its callback runs (timers armed
 * by callbacks inside the window run too). BQL held. Returns the new
 * virtual time. A negative delta is treated as 0.
 */
int64_t qemu_clock_advance_virtual(int64_t delta_ns);
/* As above, to the absolute time target_ns (never backwards). */
int64_t qemu_clock_set_virtual(int64_t target_ns);

/*
 * Nanoseconds until the earliest timer on this clock falls due: 0 if one is
 * already due, -1 if none is pending or the clock does not advance by
 * itself (a stopped virtual clock; qtest mode) and none is due.
 */
int64_t qemu_clock_deadline_ns(QEMUClockType type);
/* Absolute expiry (ns) of the clock's earliest pending timer, -1 if none;
 * whether or not the clock runs (qtest's clock_step with no argument). */
int64_t qemu_clock_next_timer_ns(QEMUClockType type);
/* The minimum of qemu_clock_deadline_ns() over all clocks (-1: none). */
int64_t qemu_clock_deadline_ns_all(void);

/* Run the expired timers of one clock / of all clocks (main loop, BQL held).
 * Return true if any callback ran. */
bool qemu_clock_run_timers(QEMUClockType type);
bool qemu_clock_run_all_timers(void);

/* ---- Timers ---- */

void timer_init_full(QEMUTimer *ts, QEMUClockType type, int scale, QEMUTimerCB *cb, void *opaque);
static inline void timer_init_ns(QEMUTimer *ts, QEMUClockType type, QEMUTimerCB *cb, void *opaque)
{
    timer_init_full(ts, type, SCALE_NS, cb, opaque);
}
static inline void timer_init_ms(QEMUTimer *ts, QEMUClockType type, QEMUTimerCB *cb, void *opaque)
{
    timer_init_full(ts, type, SCALE_MS, cb, opaque);
}
/* Disarm an embedded timer before its memory goes away. */
void timer_deinit(QEMUTimer *ts);

QEMUTimer *timer_new(QEMUClockType type, int scale, QEMUTimerCB *cb, void *opaque);
static inline QEMUTimer *timer_new_ns(QEMUClockType type, QEMUTimerCB *cb, void *opaque)
{
    return timer_new(type, SCALE_NS, cb, opaque);
}
static inline QEMUTimer *timer_new_us(QEMUClockType type, QEMUTimerCB *cb, void *opaque)
{
    return timer_new(type, SCALE_US, cb, opaque);
}
static inline QEMUTimer *timer_new_ms(QEMUClockType type, QEMUTimerCB *cb, void *opaque)
{
    return timer_new(type, SCALE_MS, cb, opaque);
}
/* Disarm and free a timer from timer_new*; NULL is a no-op. */
void timer_free(QEMUTimer *ts);

/*
 * Arm (or re-arm) the timer to fire when its clock reaches expire_time
 * (in the timer's scale). A time in the past fires at the next dispatch.
 */
void timer_mod(QEMUTimer *ts, int64_t expire_time);
void timer_mod_ns(QEMUTimer *ts, int64_t expire_ns);
/* Like timer_mod, but only ever moves a pending timer earlier. */
void timer_mod_anticipate(QEMUTimer *ts, int64_t expire_time);
void timer_mod_anticipate_ns(QEMUTimer *ts, int64_t expire_ns);
/* Disarm; a no-op if not pending. */
void timer_del(QEMUTimer *ts);
bool timer_pending(QEMUTimer *ts);
/* True if pending and due at current_time (in the timer's scale). */
bool timer_expired(QEMUTimer *ts, int64_t current_time);
/* Expiry time in the timer's scale / in ns; -1 if not pending. */
int64_t timer_expire_time(QEMUTimer *ts);
int64_t timer_expire_time_ns(QEMUTimer *ts);

#endif
