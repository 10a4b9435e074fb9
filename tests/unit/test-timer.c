/*
 * Unit tests for util/timer.c and util/main-loop.c: the virtual clock's
 * stop/start and qtest stepping, timer ordering and re-arming, deadlines,
 * fd handlers, bottom halves, wake-ups from other threads, the BQL.
 *
 * Timing checks use generous margins (a loaded CI host may be slow) and
 * every blocking wait is backed by a fallback timer, so a missing wake-up
 * shows up as a failed test, not a hang.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "util/main-loop.h"
#include "util/timer.h"

#include "tap.h"

#define MS (1000 * 1000LL)

static int64_t rt_now(void)
{
    return qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
}

static void sleep_ms(int ms)
{
    usleep(ms * 1000);
}

/* ---- A log of timer callbacks ---- */

typedef struct Fired {
    int id;
    int64_t vtime; /* the virtual clock while the callback ran */
} Fired;

static Fired fired[64];
static int nfired;

typedef struct TestTimer {
    QEMUTimer *t;
    int id;
    int64_t period; /* re-arm by this much (ns) while rearm_left > 0 */
    int rearm_left;
} TestTimer;

static void record_cb(void *opaque)
{
    TestTimer *tt = opaque;

    if (nfired < 64) {
        fired[nfired].id = tt->id;
        fired[nfired].vtime = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
        nfired++;
    }
    if (tt->rearm_left > 0) {
        tt->rearm_left--;
        timer_mod_ns(tt->t, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + tt->period);
    }
}

static void test_virtual_clock_stop_start(void)
{
    int64_t a, b, c, d;

    tap_ok(!vm_clock_running(), "virtual clock starts stopped");
    a = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    sleep_ms(20);
    b = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    tap_ok(a == b && a == 0, "a stopped virtual clock does not move (%lld, %lld)", (long long)a,
           (long long)b);

    vm_clock_start();
    sleep_ms(30);
    c = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    tap_ok(c >= 30 * MS && c < 5000 * MS, "running virtual clock advances (%lld ns)", (long long)c);
    tap_ok(!vm_clock_set_ns(12345), "vm_clock_set_ns refused while running");

    vm_clock_stop();
    c = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    sleep_ms(30);
    d = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    tap_ok(c == d, "virtual clock frozen after vm_clock_stop");

    vm_clock_start();
    a = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    tap_ok(a >= d && a - d < 20 * MS, "restart continues from the frozen value (+%lld ns)",
           (long long)(a - d));
    vm_clock_stop();

    tap_ok(vm_clock_set_ns(5 * NANOSECONDS_PER_SECOND) &&
               qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) == 5 * NANOSECONDS_PER_SECOND,
           "vm_clock_set_ns while stopped");
}

/*
 * Readers take no lock. Another thread stops the clock, moves it 1 s on
 * and starts it, over and over: a reader that mixed two states (the new
 * offset with the old "stopped", say) would see time go back by up to a
 * second. Steps back of under a microsecond are the host's clock skew
 * between CPUs (the writer reads the host clock on another CPU); in the
 * emulator the clock only stops with every vCPU parked.
 */
static atomic_bool readers_stop;

typedef struct ClockReader {
    int64_t worst_back; /* the largest step back seen */
    long reads;
} ClockReader;

static void *virtual_clock_reader(void *opaque)
{
    ClockReader *r = opaque;
    int64_t last = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    while (!atomic_load(&readers_stop)) {
        int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
        if (last - now > r->worst_back) {
            r->worst_back = last - now;
        }
        last = now;
        r->reads++;
    }
    return NULL;
}

static void test_virtual_clock_readers_race_stop_start(void)
{
    enum { CYCLES = 5000 };
    pthread_t th[2];
    ClockReader rd[2] = { { 0, 0 }, { 0, 0 } };
    int64_t before = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    atomic_store(&readers_stop, false);
    for (int i = 0; i < 2; i++) {
        pthread_create(&th[i], NULL, virtual_clock_reader, &rd[i]);
    }
    for (int i = 0; i < CYCLES; i++) {
        vm_clock_stop();
        vm_clock_set_ns(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + NANOSECONDS_PER_SECOND);
        vm_clock_start();
    }
    vm_clock_stop();
    atomic_store(&readers_stop, true);
    for (int i = 0; i < 2; i++) {
        pthread_join(th[i], NULL);
    }
    int64_t after = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    tap_ok(rd[0].worst_back < 1000 && rd[1].worst_back < 1000,
           "lock-free readers see no torn clock state across %d stop/set/starts (worst steps "
           "back %lld, %lld ns in %ld, %ld reads)",
           CYCLES, (long long)rd[0].worst_back, (long long)rd[1].worst_back, rd[0].reads,
           rd[1].reads);
    tap_ok(after >= before + CYCLES * NANOSECONDS_PER_SECOND, "... and every set took effect");
}

static void test_virtual_timer_waits_for_start(void)
{
    TestTimer tt = { .id = 1 };
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    nfired = 0;
    tt.t = timer_new_ns(QEMU_CLOCK_VIRTUAL, record_cb, &tt);
    timer_mod_ns(tt.t, now);
    tap_ok(timer_pending(tt.t), "timer pending after timer_mod");
    tap_ok(qemu_clock_deadline_ns(QEMU_CLOCK_VIRTUAL) == -1,
           "no virtual deadline while the clock is stopped");
    main_loop_wait(true);
    tap_ok(nfired == 0, "a due virtual timer does not run while the VM is stopped");
    vm_clock_start();
    tap_ok(qemu_clock_deadline_ns(QEMU_CLOCK_VIRTUAL) == 0, "deadline 0 once started");
    main_loop_wait(true);
    tap_ok(nfired == 1 && !timer_pending(tt.t), "it runs once the clock starts");
    vm_clock_stop();
    timer_free(tt.t);
}

static void test_timer_api(void)
{
    TestTimer a = { .id = 1 }, b = { .id = 2 };
    QEMUTimer *ms;

    a.t = timer_new_ns(QEMU_CLOCK_REALTIME, record_cb, &a);
    b.t = timer_new_ns(QEMU_CLOCK_REALTIME, record_cb, &b);
    ms = timer_new_ms(QEMU_CLOCK_REALTIME, record_cb, &a);

    tap_ok(timer_expire_time_ns(a.t) == -1 && !timer_pending(a.t), "a fresh timer is not pending");
    timer_mod(ms, 123456);
    tap_ok(timer_expire_time(ms) == 123456 && timer_expire_time_ns(ms) == 123456 * MS,
           "timer_mod on an ms timer keeps the scale");
    tap_ok(timer_expired(ms, 123456) && !timer_expired(ms, 123455), "timer_expired");
    timer_free(ms);

    int64_t far = rt_now() + 100000 * MS;
    timer_mod_ns(a.t, far);
    timer_mod_anticipate_ns(a.t, far + 5);
    tap_ok(timer_expire_time_ns(a.t) == far, "timer_mod_anticipate does not postpone");
    timer_mod_anticipate_ns(a.t, far - 5);
    tap_ok(timer_expire_time_ns(a.t) == far - 5, "timer_mod_anticipate brings forward");
    timer_mod_ns(a.t, far + 10);
    tap_ok(timer_expire_time_ns(a.t) == far + 10, "timer_mod postpones");
    int64_t d = qemu_clock_deadline_ns(QEMU_CLOCK_REALTIME);
    tap_ok(d > 99000 * MS && d <= 100000 * MS, "realtime deadline (%lld ns)", (long long)d);
    timer_del(a.t);
    tap_ok(!timer_pending(a.t) && qemu_clock_deadline_ns(QEMU_CLOCK_REALTIME) == -1,
           "timer_del; no deadline left");
    timer_del(a.t);
    tap_ok(!timer_pending(a.t), "timer_del twice is harmless");

    /* Past expiries run at the next dispatch, earliest first. */
    nfired = 0;
    timer_mod_ns(b.t, 2);
    timer_mod_ns(a.t, 1);
    main_loop_wait(true);
    tap_ok(nfired == 2 && fired[0].id == 1 && fired[1].id == 2,
           "expired realtime timers run in expiry order");
    timer_free(a.t);
    timer_free(b.t);
    timer_free(NULL);
}

static void test_blocking_wait_for_timer(void)
{
    TestTimer a = { .id = 7 }, fallback = { .id = 99 };
    int64_t t0, t1;

    a.t = timer_new_ms(QEMU_CLOCK_REALTIME, record_cb, &a);
    fallback.t = timer_new_ms(QEMU_CLOCK_REALTIME, record_cb, &fallback);
    nfired = 0;
    t0 = rt_now();
    timer_mod(a.t, t0 / MS + 40);
    timer_mod(fallback.t, t0 / MS + 5000);
    while (nfired == 0) {
        main_loop_wait(false);
    }
    t1 = rt_now();
    tap_ok(fired[0].id == 7, "main_loop_wait sleeps until the timer");
    tap_ok(t1 - t0 >= 39 * MS && t1 - t0 < 2000 * MS, "... after about 40 ms (%lld ms)",
           (long long)((t1 - t0) / MS));
    timer_free(a.t);
    timer_free(fallback.t);
}

/* ---- qtest mode ---- */

static void test_qtest_advance(void)
{
    TestTimer t1 = { .id = 1 }, t2 = { .id = 2 }, t3 = { .id = 3 }, per = { .id = 4 };
    int64_t base;

    qemu_clock_set_qtest_mode(true);
    base = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    tap_ok(qemu_clock_qtest_mode(), "qtest mode on");
    t1.t = timer_new_ns(QEMU_CLOCK_VIRTUAL, record_cb, &t1);
    t2.t = timer_new_ns(QEMU_CLOCK_VIRTUAL, record_cb, &t2);
    t3.t = timer_new_ns(QEMU_CLOCK_VIRTUAL, record_cb, &t3);
    per.t = timer_new_ns(QEMU_CLOCK_VIRTUAL, record_cb, &per);

    timer_mod_ns(t3.t, base + 300);
    timer_mod_ns(t1.t, base + 100);
    timer_mod_ns(t2.t, base + 200);
    /* A periodic timer: first at +150, then re-armed every 100 ns, 3 more times. */
    per.period = 100;
    per.rearm_left = 3;
    timer_mod_ns(per.t, base + 150);

    sleep_ms(5);
    tap_ok(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) == base,
           "qtest virtual clock does not move by itself");
    tap_ok(qemu_clock_deadline_ns(QEMU_CLOCK_VIRTUAL) == -1,
           "qtest mode: no deadline until a timer is due");
    tap_ok(qemu_clock_next_timer_ns(QEMU_CLOCK_VIRTUAL) == base + 100,
           "qemu_clock_next_timer_ns gives the earliest expiry");
    nfired = 0;
    main_loop_wait(true);
    tap_ok(nfired == 0, "nothing runs without a step");

    tap_ok(qemu_clock_advance_virtual(250) == base + 250, "advance returns the new time");
    /* Expected: t1@100, per@150, t2@200, per@250 (re-armed inside the window). */
    tap_ok(nfired == 4, "timers due in the window ran (%d)", nfired);
    tap_ok(nfired >= 4 && fired[0].id == 1 && fired[1].id == 4 && fired[2].id == 2 &&
               fired[3].id == 4,
           "... in expiry order, including a re-armed one");
    tap_ok(nfired >= 4 && fired[0].vtime == base + 100 && fired[1].vtime == base + 150 &&
               fired[2].vtime == base + 200 && fired[3].vtime == base + 250,
           "... each seeing the clock at its own expiry");
    tap_ok(timer_pending(t3.t) && timer_pending(per.t), "later timers still pending");
    tap_ok(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) == base + 250, "clock at the target");

    nfired = 0;
    tap_ok(qemu_clock_set_virtual(base + 1000) == base + 1000, "set_virtual to absolute time");
    tap_ok(nfired == 3 && fired[0].id == 3 && fired[1].id == 4 && fired[2].id == 4 &&
               fired[1].vtime == base + 350 && fired[2].vtime == base + 450,
           "remaining timers ran, periodic one stopped re-arming (%d)", nfired);
    tap_ok(qemu_clock_set_virtual(base) == base + 1000, "set_virtual never goes back");
    tap_ok(qemu_clock_advance_virtual(-5) == base + 1000, "negative advance is a no-op");

    /* A timer armed in the past is due now: deadline 0, runs on dispatch. */
    nfired = 0;
    timer_mod_ns(t1.t, base + 10);
    tap_ok(qemu_clock_deadline_ns(QEMU_CLOCK_VIRTUAL) == 0, "qtest: due timer has deadline 0");
    main_loop_wait(true);
    tap_ok(nfired == 1 && fired[0].id == 1, "... and runs in main_loop_wait");

    /* Equal expiries run in arming order. */
    nfired = 0;
    timer_mod_ns(t2.t, base + 2000);
    timer_mod_ns(t1.t, base + 2000);
    timer_mod_ns(t3.t, base + 2000);
    qemu_clock_advance_virtual(1000);
    tap_ok(nfired == 3 && fired[0].id == 2 && fired[1].id == 1 && fired[2].id == 3,
           "equal expiries run in arming order");

    timer_free(t1.t);
    timer_free(t2.t);
    timer_free(t3.t);
    timer_free(per.t);
    tap_ok(qemu_clock_next_timer_ns(QEMU_CLOCK_VIRTUAL) == -1, "no next timer when none pending");
    qemu_clock_set_qtest_mode(false);
    tap_ok(!qemu_clock_qtest_mode() && qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) == base + 2000,
           "leaving qtest mode keeps the time");
}

/* A callback that re-arms itself at the same instant must not hang the loop. */
static int selfloop_count;
static QEMUTimer *selfloop_timer;

static void selfloop_cb(void *opaque)
{
    selfloop_count++;
    timer_mod_ns(selfloop_timer, 0);
}

static void test_runaway_timer(void)
{
    selfloop_timer = timer_new_ns(QEMU_CLOCK_REALTIME, selfloop_cb, NULL);
    timer_mod_ns(selfloop_timer, 0);
    main_loop_wait(true);
    tap_ok(selfloop_count > 0 && timer_pending(selfloop_timer),
           "a timer re-arming itself in the past returns to the loop (%d runs)", selfloop_count);
    timer_free(selfloop_timer);
}

/* ---- Bottom halves ---- */

static int bh_runs;
static QEMUBH *self_deleting;

static void count_bh(void *opaque)
{
    bh_runs++;
}

static void delete_self_bh(void *opaque)
{
    bh_runs++;
    qemu_bh_delete(self_deleting);
}

static void *schedule_later(void *opaque)
{
    sleep_ms(50);
    qemu_bh_schedule(opaque);
    return NULL;
}

static void test_bottom_halves(void)
{
    QEMUBH *bh = qemu_bh_new(count_bh, NULL);
    TestTimer fallback = { .id = 99 };
    pthread_t th;
    int64_t t0;

    bh_runs = 0;
    qemu_bh_schedule(bh);
    qemu_bh_schedule(bh);
    main_loop_wait(false); /* must not block: a BH is scheduled */
    tap_ok(bh_runs == 1, "a BH scheduled twice runs once");
    main_loop_wait(true);
    tap_ok(bh_runs == 1, "and not again");
    qemu_bh_schedule(bh);
    qemu_bh_cancel(bh);
    main_loop_wait(true);
    tap_ok(bh_runs == 1, "a cancelled BH does not run");

    /* From another thread, into a blocking wait. */
    fallback.t = timer_new_ms(QEMU_CLOCK_REALTIME, record_cb, &fallback);
    nfired = 0;
    timer_mod(fallback.t, rt_now() / MS + 5000);
    t0 = rt_now();
    pthread_create(&th, NULL, schedule_later, bh);
    while (bh_runs == 1 && nfired == 0) {
        main_loop_wait(false);
    }
    pthread_join(th, NULL);
    tap_ok(bh_runs == 2 && nfired == 0 && rt_now() - t0 < 4000 * MS,
           "a BH scheduled by another thread wakes main_loop_wait (%lld ms)",
           (long long)((rt_now() - t0) / MS));
    timer_free(fallback.t);

    self_deleting = qemu_bh_new(delete_self_bh, NULL);
    qemu_bh_schedule(self_deleting);
    main_loop_wait(true);
    tap_ok(bh_runs == 3, "a BH may delete itself from its callback");
    qemu_bh_delete(bh);
    qemu_bh_delete(NULL);
    main_loop_wait(true);
    tap_ok(bh_runs == 3, "deleted BHs are gone");
}

/* ---- Timers armed from another thread ---- */

static void *arm_later(void *opaque)
{
    TestTimer *tt = opaque;

    sleep_ms(50);
    timer_mod_ns(tt->t, rt_now() + 20 * MS);
    return NULL;
}

static void test_timer_from_thread(void)
{
    TestTimer a = { .id = 5 }, fallback = { .id = 99 };
    pthread_t th;
    int64_t t0;

    a.t = timer_new_ns(QEMU_CLOCK_REALTIME, record_cb, &a);
    fallback.t = timer_new_ms(QEMU_CLOCK_REALTIME, record_cb, &fallback);
    nfired = 0;
    timer_mod(fallback.t, rt_now() / MS + 5000);
    t0 = rt_now();
    pthread_create(&th, NULL, arm_later, &a);
    while (nfired == 0) {
        main_loop_wait(false);
    }
    pthread_join(th, NULL);
    tap_ok(fired[0].id == 5 && rt_now() - t0 < 4000 * MS,
           "a timer armed by another thread wakes the loop (%lld ms)",
           (long long)((rt_now() - t0) / MS));
    timer_free(a.t);
    timer_free(fallback.t);
}

/* ---- fd handlers ---- */

static int pipe_reads;
static bool allow_read;

static void pipe_read(void *opaque)
{
    int *fds = opaque;
    char c;

    if (read(fds[0], &c, 1) == 1) {
        pipe_reads++;
    }
}

static bool pipe_can_read(void *opaque)
{
    return allow_read;
}

static int pipe_writes;
static void pipe_write(void *opaque)
{
    int *fds = opaque;

    pipe_writes++;
    qemu_set_fd_handler(fds[1], NULL, NULL, NULL);
}

static void test_fd_handlers(void)
{
    int fds[2];

    if (pipe(fds) < 0) {
        tap_ok(false, "pipe");
        return;
    }
    qemu_set_fd_handler_poll(fds[0], pipe_can_read, pipe_read, NULL, fds);
    main_loop_wait(true);
    tap_ok(pipe_reads == 0, "no read handler call without data");
    tap_ok(write(fds[1], "ab", 2) == 2, "write to pipe");
    allow_read = false;
    main_loop_wait(true);
    tap_ok(pipe_reads == 0, "read_poll false: fd not read");
    allow_read = true;
    main_loop_wait(true);
    main_loop_wait(true);
    tap_ok(pipe_reads == 2, "read handler called while data is there (%d)", pipe_reads);

    qemu_set_fd_handler(fds[1], NULL, pipe_write, fds);
    main_loop_wait(true);
    main_loop_wait(true);
    tap_ok(pipe_writes == 1, "write handler called, and removed itself");

    qemu_set_fd_handler(fds[0], NULL, NULL, NULL);
    tap_ok(write(fds[1], "c", 1) == 1, "write to pipe again");
    main_loop_wait(true);
    tap_ok(pipe_reads == 2, "removed handler not called");
    close(fds[0]);
    close(fds[1]);
}

/* ---- BQL and exit requests ---- */

static atomic_int bql_stage;
static pthread_cond_t test_cond = PTHREAD_COND_INITIALIZER;

static void *bql_thread(void *opaque)
{
    bool held_before = bql_locked();

    atomic_store(&bql_stage, 1);
    bql_lock(); /* blocks until the main thread waits on the cond */
    atomic_store(&bql_stage, held_before ? -1 : 2);
    pthread_cond_signal(&test_cond);
    bql_unlock();
    sleep_ms(20);
    main_loop_exit_request();
    return NULL;
}

static void test_bql_and_exit(void)
{
    pthread_t th;
    TestTimer fallback = { .id = 99 };

    tap_ok(bql_locked(), "main thread holds the BQL");
    pthread_create(&th, NULL, bql_thread, NULL);
    while (atomic_load(&bql_stage) == 0) {
        sleep_ms(1);
    }
    sleep_ms(20);
    tap_ok(atomic_load(&bql_stage) == 1, "another thread blocks on bql_lock");
    while (atomic_load(&bql_stage) == 1) {
        if (!bql_cond_timedwait(&test_cond, 5000)) {
            break;
        }
    }
    tap_ok(bql_locked() && atomic_load(&bql_stage) == 2,
           "bql_cond_timedwait lets it in and takes the BQL back");
    tap_ok(!bql_cond_timedwait(&test_cond, 10), "bql_cond_timedwait times out");

    fallback.t = timer_new_ms(QEMU_CLOCK_REALTIME, record_cb, &fallback);
    nfired = 0;
    timer_mod(fallback.t, rt_now() / MS + 5000);
    while (!main_loop_should_exit() && nfired == 0) {
        main_loop_wait(false);
    }
    tap_ok(nfired == 0, "main_loop_exit_request from a thread wakes and stops the loop");
    tap_ok(!main_loop_should_exit(), "the exit request is consumed");
    pthread_join(th, NULL);
    timer_free(fallback.t);
}

int main(void)
{
    Error *err = NULL;

    tap_ok(qemu_init_main_loop(&err) && qemu_in_main_thread(), "qemu_init_main_loop");
    bql_lock();
    test_virtual_clock_stop_start();
    test_virtual_clock_readers_race_stop_start();
    test_virtual_timer_waits_for_start();
    test_timer_api();
    test_blocking_wait_for_timer();
    test_qtest_advance();
    test_runaway_timer();
    test_bottom_halves();
    test_timer_from_thread();
    test_fd_handlers();
    test_bql_and_exit();
    bql_unlock();
    return tap_done();
}
