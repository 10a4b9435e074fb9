/*
 * The round-robin vCPU scheduler of softmmu/cpus.c (-accel tcg,thread=single)
 * with two model CPUs instead of x86 ones. A model CPU's exec function
 * follows the contract of x86_cpu_exec + cpu_exec: it delivers a pending
 * CPU_INTERRUPT_HARD first when its interrupts are unmasked, returns
 * EXCP_HLT while halted with nothing to deliver, and otherwise "runs guest
 * code" (units of busy work), checking exit_request between units as
 * generated code does at TB entry: seen, it clears it and returns
 * EXCP_INTERRUPT.
 *
 * 1. Progress with interrupts masked: CPU 0 has IF=0 and its "timer"
 *    raises an interrupt every millisecond, more often than CPU 1's turns
 *    end, so an exit request is always waiting when CPU 0's turn comes.
 *    Both must still share the host CPU (this livelocked Linux's boot:
 *    the CPU holding a lock never ran again while the others spun).
 * 2. Interrupts raised for a running and for a not-running CPU are taken.
 * 3. Every CPU halted: each kick wakes the scheduler and the interrupt is
 *    taken (no kick lost between the rounds and the sleep).
 */
#include <pthread.h>
#include <stddef.h>
#include <time.h>

#include "sysemu/cpus.h"
#include "sysemu/runstate.h"
#include "util/main-loop.h"
#include "tap.h"

enum { MODE_BUSY, MODE_IDLE };

typedef struct ModelCPU {
    CPUState cs;
    int mode;               /* atomic: MODE_BUSY runs work, MODE_IDLE halts */
    bool if_masked;         /* atomic: interrupts masked (IF=0) */
    bool halted;            /* the scheduler thread's */
    unsigned long work;     /* atomic: units of "guest code" run */
    unsigned long taken;    /* atomic: interrupts delivered */
} ModelCPU;

static ModelCPU cpus[2];
static bool raiser_stop; /* atomic */

static void busy_unit(void)
{
    for (volatile int i = 0; i < 2000; i++) {
    }
}

static int model_exec(CPUState *cs)
{
    ModelCPU *m = (ModelCPU *)((char *)cs - offsetof(ModelCPU, cs));

    for (;;) {
        uint32_t req = __atomic_load_n(&cs->interrupt_request, __ATOMIC_ACQUIRE);
        if ((req & CPU_INTERRUPT_HARD) && !__atomic_load_n(&m->if_masked, __ATOMIC_ACQUIRE)) {
            cpu_reset_interrupt(cs, CPU_INTERRUPT_HARD);
            __atomic_fetch_add(&m->taken, 1, __ATOMIC_RELEASE);
            m->halted = false;
        }
        if (__atomic_load_n(&m->mode, __ATOMIC_ACQUIRE) == MODE_IDLE) {
            /* the handler ran; back to HLT */
            m->halted = true;
            return EXCP_HLT;
        }
        m->halted = false;
        /* "generated code": exit_request is checked at every TB entry */
        for (;;) {
            if (__atomic_load_n(&cs->exit_request, __ATOMIC_ACQUIRE)) {
                __atomic_store_n(&cs->exit_request, 0, __ATOMIC_RELAXED);
                return EXCP_INTERRUPT;
            }
            busy_unit();
            __atomic_fetch_add(&m->work, 1, __ATOMIC_RELEASE);
            if (__atomic_load_n(&m->mode, __ATOMIC_ACQUIRE) != MODE_BUSY) {
                break;
            }
        }
    }
}

/* the interrupt controller's side: request, then kick */
static void raise_irq(ModelCPU *m)
{
    cpu_interrupt(&m->cs, CPU_INTERRUPT_HARD);
    cpus_kick(&m->cs);
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* CPU 0's periodic timer: every millisecond */
static void *raiser(void *opaque)
{
    (void)opaque;
    while (!__atomic_load_n(&raiser_stop, __ATOMIC_ACQUIRE)) {
        raise_irq(&cpus[0]);
        sleep_ms(1);
    }
    return NULL;
}

static unsigned long load(unsigned long *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/* wait up to timeout_ms for *p to exceed old */
static bool wait_above(unsigned long *p, unsigned long old, long timeout_ms)
{
    for (long t = 0; t < timeout_ms; t++) {
        if (load(p) > old) {
            return true;
        }
        sleep_ms(1);
    }
    return load(p) > old;
}

int main(void)
{
    pthread_t raiser_thread;

    bql_lock();
    cpus_set_single_thread(true);
    for (int i = 0; i < 2; i++) {
        cpus[i].cs.cpu_index = i;
        cpus[i].cs.exception_index = -1;
        cpus[i].mode = MODE_BUSY;
        cpus_add_cpu(&cpus[i].cs, model_exec);
    }
    __atomic_store_n(&cpus[0].if_masked, true, __ATOMIC_RELEASE);
    if (pthread_create(&raiser_thread, NULL, raiser, NULL) != 0) {
        tap_ok(false, "start the interrupt thread");
        return tap_done();
    }
    vm_start();
    bql_unlock();

    /* 1: both run; CPU 0 despite the exit requests it collects meanwhile */
    sleep_ms(200);
    unsigned long w0 = load(&cpus[0].work), w1 = load(&cpus[1].work);
    sleep_ms(1000);
    w0 = load(&cpus[0].work) - w0;
    w1 = load(&cpus[1].work) - w1;
    tap_diag("work in 1 s: cpu0 %lu, cpu1 %lu", w0, w1);
    tap_ok(w0 > 0 && w1 > 0, "both CPUs run, CPU 0 with an interrupt pending and masked");
    tap_ok(w0 * 4 >= w1 && w1 * 4 >= w0,
           "they share the thread (each at least a fifth of the work)");

    /* 2: unmasked, CPU 0 takes its interrupts (raised while it runs and
     * while CPU 1 does) */
    unsigned long t0 = load(&cpus[0].taken);
    __atomic_store_n(&cpus[0].if_masked, false, __ATOMIC_RELEASE);
    tap_ok(wait_above(&cpus[0].taken, t0 + 50, 10000), "CPU 0 takes its interrupts once unmasked");
    __atomic_store_n(&raiser_stop, true, __ATOMIC_RELEASE);
    pthread_join(raiser_thread, NULL);

    /* an interrupt for CPU 1, raised from another thread while CPU 0 busy */
    unsigned long t1 = load(&cpus[1].taken);
    raise_irq(&cpus[1]);
    tap_ok(wait_above(&cpus[1].taken, t1, 10000), "an interrupt for the CPU not running is taken");

    /* 3: both idle: the scheduler sleeps; every kick must wake it */
    __atomic_store_n(&cpus[0].mode, MODE_IDLE, __ATOMIC_RELEASE);
    __atomic_store_n(&cpus[1].mode, MODE_IDLE, __ATOMIC_RELEASE);
    sleep_ms(50);
    int woken = 0;
    for (int i = 0; i < 40; i++) {
        ModelCPU *m = &cpus[i & 1];
        unsigned long before = load(&m->taken);
        raise_irq(m);
        woken += wait_above(&m->taken, before, 10000);
    }
    tap_ok(woken == 40, "all CPUs halted: 40 of 40 kicks delivered (%d)", woken);
    unsigned long idle1 = load(&cpus[1].work);

    /* back to work after the halt: a kick and a busy mode */
    __atomic_store_n(&cpus[1].mode, MODE_BUSY, __ATOMIC_RELEASE);
    raise_irq(&cpus[1]);
    tap_ok(wait_above(&cpus[1].work, idle1 + 100, 10000), "a woken CPU runs again");

    bql_lock();
    vm_stop();
    tap_ok(!vm_running(), "vm_stop parks the round-robin thread");
    cpus_shutdown();
    bql_unlock();
    return tap_done();
}
