/*
 * Clocks and timers (see util/timer.h).
 *
 * Each clock has one list of pending timers, sorted by expiry (ties in
 * arming order), under its own mutex so that any thread may arm or disarm
 * a timer. Running a timer pops it from the list under the lock and calls
 * it without the lock, so a callback may re-arm or delete its own timer.
 *
 * The virtual clock is host monotonic time plus an offset while it runs,
 * and a frozen value while stopped; in qtest mode it is a plain counter
 * moved by qemu_clock_advance_virtual()/qemu_clock_set_virtual(). Its state
 * has a mutex of its own for writers; readers (vCPU threads read it on
 * every guest RDTSC) take no lock: writers bump a sequence count around
 * each change (odd while changing) and a reader retries if it moved.
 */
#include "util/timer.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "util/main-loop.h"

/*
 * A run of timer callbacks stops after this many, so a timer re-armed in
 * the past by its own callback (say, a guest-programmed period of 0) cannot
 * keep the main loop from its other work; the rest run on the next
 * iteration (the deadline is then 0).
 */
#define TIMER_RUN_BATCH 10000

typedef struct TimerList {
    pthread_mutex_t lock;
    QEMUTimer *head;
} TimerList;

static TimerList timer_lists[QEMU_CLOCK_MAX] = {
    [0 ... QEMU_CLOCK_MAX - 1] = { PTHREAD_MUTEX_INITIALIZER, NULL },
};

static pthread_mutex_t vclock_lock = PTHREAD_MUTEX_INITIALIZER;
static bool vclock_running;
static int64_t vclock_offset; /* virtual = monotonic + offset, while running */
static int64_t vclock_frozen; /* virtual time, while stopped */
static bool vclock_qtest;
static int64_t vclock_qtest_ns;
static unsigned vclock_seq; /* atomic; odd while a writer changes the state */

static int64_t host_clock_ns(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * NANOSECONDS_PER_SECOND + ts.tv_nsec;
}

/* writers: the lock, and the sequence count odd while they hold it */
static void vclock_write_lock(void)
{
    pthread_mutex_lock(&vclock_lock);
    __atomic_store_n(&vclock_seq, vclock_seq + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
}

static void vclock_write_unlock(void)
{
    __atomic_store_n(&vclock_seq, vclock_seq + 1, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&vclock_lock);
}

static int64_t vclock_read_locked(void)
{
    if (vclock_qtest) {
        return vclock_qtest_ns;
    }
    if (vclock_running) {
        return host_clock_ns(CLOCK_MONOTONIC) + vclock_offset;
    }
    return vclock_frozen;
}

int64_t qemu_clock_get_ns(QEMUClockType type)
{
    int64_t now;

    switch (type) {
    case QEMU_CLOCK_REALTIME:
        return host_clock_ns(CLOCK_MONOTONIC);
    case QEMU_CLOCK_HOST:
        return host_clock_ns(CLOCK_REALTIME);
    case QEMU_CLOCK_VIRTUAL:
        for (;;) {
            unsigned seq = __atomic_load_n(&vclock_seq, __ATOMIC_ACQUIRE);
            if (seq & 1) {
                continue; /* a writer is mid-change: a few instructions */
            }
            now = vclock_read_locked();
            __atomic_thread_fence(__ATOMIC_ACQUIRE);
            if (__atomic_load_n(&vclock_seq, __ATOMIC_RELAXED) == seq) {
                return now;
            }
        }
    default:
        abort();
    }
}

void vm_clock_start(void)
{
    vclock_write_lock();
    if (!vclock_running) {
        vclock_offset = vclock_frozen - host_clock_ns(CLOCK_MONOTONIC);
        vclock_running = true;
    }
    vclock_write_unlock();
    /* Virtual timers may be due now; the loop must recompute its deadline. */
    qemu_notify_event();
}

void vm_clock_stop(void)
{
    vclock_write_lock();
    if (vclock_running) {
        vclock_frozen = host_clock_ns(CLOCK_MONOTONIC) + vclock_offset;
        vclock_running = false;
    }
    vclock_write_unlock();
}

bool vm_clock_running(void)
{
    bool running;

    pthread_mutex_lock(&vclock_lock);
    running = vclock_running;
    pthread_mutex_unlock(&vclock_lock);
    return running;
}

bool vm_clock_set_ns(int64_t ns)
{
    bool ok;

    vclock_write_lock();
    ok = !vclock_running;
    if (ok) {
        vclock_frozen = ns;
        if (vclock_qtest) {
            vclock_qtest_ns = ns;
        }
    }
    vclock_write_unlock();
    return ok;
}

void qemu_clock_set_qtest_mode(bool on)
{
    vclock_write_lock();
    if (on && !vclock_qtest) {
        /* Continue from the current reading, so time never goes back. */
        vclock_qtest_ns = vclock_read_locked();
    } else if (!on && vclock_qtest) {
        vclock_frozen = vclock_qtest_ns;
        if (vclock_running) {
            vclock_offset = vclock_qtest_ns - host_clock_ns(CLOCK_MONOTONIC);
        }
    }
    vclock_qtest = on;
    vclock_write_unlock();
}

bool qemu_clock_qtest_mode(void)
{
    bool on;

    pthread_mutex_lock(&vclock_lock);
    on = vclock_qtest;
    pthread_mutex_unlock(&vclock_lock);
    return on;
}

/* Whether the clock's timers may run at all now. */
static bool clock_enabled(QEMUClockType type)
{
    bool on;

    if (type != QEMU_CLOCK_VIRTUAL) {
        return true;
    }
    pthread_mutex_lock(&vclock_lock);
    on = vclock_qtest || vclock_running;
    pthread_mutex_unlock(&vclock_lock);
    return on;
}

/*
 * Pop the earliest timer of the list if it is due at now; returns it with
 * its callback copied out (the timer may be freed by the callback).
 */
static QEMUTimer *timer_list_pop_due(TimerList *tl, int64_t now, QEMUTimerCB **cb, void **opaque,
                                     int64_t *expire)
{
    QEMUTimer *ts;

    pthread_mutex_lock(&tl->lock);
    ts = tl->head;
    if (!ts || ts->expire_time > now) {
        pthread_mutex_unlock(&tl->lock);
        return NULL;
    }
    tl->head = ts->next;
    ts->next = NULL;
    ts->pending = false;
    *cb = ts->cb;
    *opaque = ts->opaque;
    *expire = ts->expire_time;
    pthread_mutex_unlock(&tl->lock);
    return ts;
}

int64_t qemu_clock_set_virtual(int64_t target_ns)
{
    TimerList *tl = &timer_lists[QEMU_CLOCK_VIRTUAL];
    QEMUTimerCB *cb;
    void *opaque;
    int64_t now, expire, last = -1;
    int same = 0;

    pthread_mutex_lock(&vclock_lock);
    if (!vclock_qtest) {
        now = vclock_read_locked();
        pthread_mutex_unlock(&vclock_lock);
        return now;
    }
    pthread_mutex_unlock(&vclock_lock);

    while (timer_list_pop_due(tl, target_ns, &cb, &opaque, &expire)) {
        /* The clock reads the timer's expiry while it runs, as it would
         * had the time passed by itself. */
        vclock_write_lock();
        if (expire > vclock_qtest_ns) {
            vclock_qtest_ns = expire;
        }
        vclock_write_unlock();
        cb(opaque);
        /* A timer that keeps re-arming itself at the same instant would
         * stall time forever; leave it to the next loop iteration. */
        same = expire == last ? same + 1 : 0;
        last = expire;
        if (same >= TIMER_RUN_BATCH) {
            break;
        }
    }
    vclock_write_lock();
    if (target_ns > vclock_qtest_ns) {
        vclock_qtest_ns = target_ns;
    }
    now = vclock_qtest_ns;
    vclock_write_unlock();
    return now;
}

int64_t qemu_clock_advance_virtual(int64_t delta_ns)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    if (delta_ns < 0) {
        delta_ns = 0;
    }
    if (now > INT64_MAX - delta_ns) {
        return qemu_clock_set_virtual(INT64_MAX);
    }
    return qemu_clock_set_virtual(now + delta_ns);
}

int64_t qemu_clock_deadline_ns(QEMUClockType type)
{
    TimerList *tl = &timer_lists[type];
    int64_t expire, now;
    bool advances = true;
    bool any;

    pthread_mutex_lock(&tl->lock);
    any = tl->head != NULL;
    expire = any ? tl->head->expire_time : 0;
    pthread_mutex_unlock(&tl->lock);
    if (!any) {
        return -1;
    }
    if (type == QEMU_CLOCK_VIRTUAL) {
        pthread_mutex_lock(&vclock_lock);
        if (!vclock_qtest && !vclock_running) {
            /* A stopped clock: its timers do not run, whatever their time. */
            pthread_mutex_unlock(&vclock_lock);
            return -1;
        }
        advances = !vclock_qtest;
        now = vclock_read_locked();
        pthread_mutex_unlock(&vclock_lock);
    } else {
        now = qemu_clock_get_ns(type);
    }
    if (expire <= now) {
        return 0;
    }
    return advances ? expire - now : -1;
}

int64_t qemu_clock_next_timer_ns(QEMUClockType type)
{
    TimerList *tl = &timer_lists[type];
    int64_t expire;

    pthread_mutex_lock(&tl->lock);
    expire = tl->head ? tl->head->expire_time : -1;
    pthread_mutex_unlock(&tl->lock);
    return expire;
}

int64_t qemu_clock_deadline_ns_all(void)
{
    int64_t best = -1;

    for (int type = 0; type < QEMU_CLOCK_MAX; type++) {
        int64_t d = qemu_clock_deadline_ns(type);

        if (d >= 0 && (best < 0 || d < best)) {
            best = d;
        }
    }
    return best;
}

bool qemu_clock_run_timers(QEMUClockType type)
{
    TimerList *tl = &timer_lists[type];
    QEMUTimerCB *cb;
    void *opaque;
    int64_t now, expire;
    int ran = 0;

    if (!clock_enabled(type)) {
        return false;
    }
    now = qemu_clock_get_ns(type);
    while (ran < TIMER_RUN_BATCH && timer_list_pop_due(tl, now, &cb, &opaque, &expire)) {
        cb(opaque);
        ran++;
    }
    return ran > 0;
}

bool qemu_clock_run_all_timers(void)
{
    bool ran = false;

    for (int type = 0; type < QEMU_CLOCK_MAX; type++) {
        ran |= qemu_clock_run_timers(type);
    }
    return ran;
}

void timer_init_full(QEMUTimer *ts, QEMUClockType type, int scale, QEMUTimerCB *cb, void *opaque)
{
    assert(type >= 0 && type < QEMU_CLOCK_MAX && scale > 0);
    ts->expire_time = -1;
    ts->type = type;
    ts->scale = scale;
    ts->cb = cb;
    ts->opaque = opaque;
    ts->pending = false;
    ts->next = NULL;
}

QEMUTimer *timer_new(QEMUClockType type, int scale, QEMUTimerCB *cb, void *opaque)
{
    QEMUTimer *ts = malloc(sizeof(*ts));

    if (!ts) {
        abort();
    }
    timer_init_full(ts, type, scale, cb, opaque);
    return ts;
}

/* Unlink ts if pending; list lock held. */
static void timer_unlink_locked(TimerList *tl, QEMUTimer *ts)
{
    QEMUTimer **pp;

    if (!ts->pending) {
        return;
    }
    for (pp = &tl->head; *pp; pp = &(*pp)->next) {
        if (*pp == ts) {
            *pp = ts->next;
            break;
        }
    }
    ts->next = NULL;
    ts->pending = false;
}

void timer_del(QEMUTimer *ts)
{
    TimerList *tl = &timer_lists[ts->type];

    pthread_mutex_lock(&tl->lock);
    timer_unlink_locked(tl, ts);
    pthread_mutex_unlock(&tl->lock);
}

void timer_deinit(QEMUTimer *ts)
{
    timer_del(ts);
}

void timer_free(QEMUTimer *ts)
{
    if (ts) {
        timer_del(ts);
        free(ts);
    }
}

/*
 * (Re-)arm ts at expire_ns. With anticipate, a pending timer only moves
 * earlier. Wakes the main loop if ts became the earliest timer and the
 * caller is another thread (the loop recomputes its deadline itself).
 */
static void timer_arm(QEMUTimer *ts, int64_t expire_ns, bool anticipate)
{
    TimerList *tl = &timer_lists[ts->type];
    QEMUTimer **pp;
    bool first;

    if (expire_ns < 0) {
        expire_ns = 0;
    }
    pthread_mutex_lock(&tl->lock);
    if (anticipate && ts->pending && ts->expire_time <= expire_ns) {
        pthread_mutex_unlock(&tl->lock);
        return;
    }
    timer_unlink_locked(tl, ts);
    for (pp = &tl->head; *pp && (*pp)->expire_time <= expire_ns; pp = &(*pp)->next) {
    }
    ts->expire_time = expire_ns;
    ts->next = *pp;
    ts->pending = true;
    *pp = ts;
    first = tl->head == ts;
    pthread_mutex_unlock(&tl->lock);

    if (first && !qemu_in_main_thread()) {
        qemu_notify_event();
    }
}

/* expire * scale, saturated to the int64_t range. */
static int64_t timer_scale_ns(QEMUTimer *ts, int64_t expire)
{
    if (expire > INT64_MAX / ts->scale) {
        return INT64_MAX;
    }
    if (expire < 0) {
        return 0;
    }
    return expire * ts->scale;
}

void timer_mod_ns(QEMUTimer *ts, int64_t expire_ns)
{
    timer_arm(ts, expire_ns, false);
}

void timer_mod(QEMUTimer *ts, int64_t expire_time)
{
    timer_arm(ts, timer_scale_ns(ts, expire_time), false);
}

void timer_mod_anticipate_ns(QEMUTimer *ts, int64_t expire_ns)
{
    timer_arm(ts, expire_ns, true);
}

void timer_mod_anticipate(QEMUTimer *ts, int64_t expire_time)
{
    timer_arm(ts, timer_scale_ns(ts, expire_time), true);
}

bool timer_pending(QEMUTimer *ts)
{
    TimerList *tl = &timer_lists[ts->type];
    bool pending;

    pthread_mutex_lock(&tl->lock);
    pending = ts->pending;
    pthread_mutex_unlock(&tl->lock);
    return pending;
}

int64_t timer_expire_time_ns(QEMUTimer *ts)
{
    TimerList *tl = &timer_lists[ts->type];
    int64_t t;

    pthread_mutex_lock(&tl->lock);
    t = ts->pending ? ts->expire_time : -1;
    pthread_mutex_unlock(&tl->lock);
    return t;
}

int64_t timer_expire_time(QEMUTimer *ts)
{
    int64_t t = timer_expire_time_ns(ts);

    return t < 0 ? -1 : t / ts->scale;
}

bool timer_expired(QEMUTimer *ts, int64_t current_time)
{
    int64_t t = timer_expire_time_ns(ts);

    return t >= 0 && t <= timer_scale_ns(ts, current_time);
}
