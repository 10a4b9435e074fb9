/*
 * vCPU threads. Each vCPU has a thread that runs the target's execution
 * function (cpu_exec plus interrupt delivery) with the big lock released;
 * device accesses from generated code take the lock in the memory
 * dispatcher. The thread takes the lock only to park (VM stopped) and to
 * sleep while the CPU is halted.
 *
 * Halt/wake-up: each vCPU has a kick counter. The thread reads it before
 * running; the interrupt controller raises cpu_interrupt() and then
 * cpus_kick(), which bumps the counter. A halted thread sleeps only while
 * the counter still has the value read before the run, so a wake-up that
 * arrives between "no work" and the sleep is never lost.
 *
 * Stop: vm_stop clears should_run, forces every CPU out of generated code
 * (cpu_exit) and waits, the lock released, until each thread is parked.
 *
 * Single-thread mode (-accel tcg,thread=single): one thread runs the CPUs
 * in turn (round robin). A turn lasts until the CPU halts or its time
 * slice ends: a timer thread counts slices (rr_ticks) every RR_SLICE_MS
 * and forces the running CPU out of generated code; an exit for any other
 * reason (an interrupt for it) within the slice re-enters the CPU. Exit
 * requests a CPU collected while another one ran are cleared when its
 * turn begins (see rr_run_turn: they would end the turn before it
 * started). The thread sleeps when every CPU is halted, until any kick.
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "exec/cputlb.h"
#include "exec/cpu-exec.h"
#include "exec/memory.h"
#include "sysemu/cpus.h"
#include "sysemu/runstate.h"
#include "util/main-loop.h"
#include "util/timer.h"

#define MAX_VCPUS 64
#define RR_SLICE_MS 5

typedef struct VCPU {
    CPUState *cs;
    CPUExecFunc exec;
    pthread_t thread;
    bool parked;        /* acknowledged a stop (BQL) */
    bool flush_pending; /* atomic: the memory map changed under a running CPU */
    unsigned kick_gen;  /* atomic */
    bool has_thread;    /* its own thread (else the round-robin one runs it) */
} VCPU;

static VCPU vcpus[MAX_VCPUS];
static int nr_vcpus;
static bool should_run; /* BQL */
static bool quitting;   /* BQL */
static pthread_cond_t run_cond = PTHREAD_COND_INITIALIZER;    /* vCPUs wait here */
static pthread_cond_t parked_cond = PTHREAD_COND_INITIALIZER; /* vm_stop waits here */
static bool single_thread;
static unsigned global_kick_gen;  /* atomic: any kick (the round-robin thread waits on it) */
static CPUState *rr_current;      /* atomic: the CPU the round-robin thread runs now */
static unsigned rr_ticks;         /* atomic: time slices begun (rr_timer) */
static pthread_t rr_timer_thread;
static bool rr_timer_started;

static void *vcpu_thread(void *opaque)
{
    VCPU *v = opaque;

    bql_lock();
    for (;;) {
        while (!should_run && !quitting) {
            if (!v->parked) {
                v->parked = true;
                pthread_cond_broadcast(&parked_cond);
            }
            bql_cond_wait(&run_cond);
        }
        if (quitting) {
            break;
        }
        v->parked = false;
        if (__atomic_exchange_n(&v->flush_pending, false, __ATOMIC_ACQ_REL)) {
            tlb_flush(v->cs);
        }
        unsigned gen = __atomic_load_n(&v->kick_gen, __ATOMIC_ACQUIRE);
        bql_unlock();
        int r = v->exec(v->cs);
        bql_lock();
        if (r == EXCP_HLT) {
            /* the timeout only bounds the damage of a missed kick */
            while (should_run && !quitting &&
                   __atomic_load_n(&v->kick_gen, __ATOMIC_ACQUIRE) == gen) {
                bql_cond_timedwait(&run_cond, 100);
            }
        }
    }
    v->parked = true;
    pthread_cond_broadcast(&parked_cond);
    bql_unlock();
    return NULL;
}

static void rr_set_parked(bool parked)
{
    for (int i = 0; i < nr_vcpus; i++) {
        vcpus[i].parked = parked;
    }
    if (parked) {
        pthread_cond_broadcast(&parked_cond);
    }
}

/*
 * One CPU's turn in the round robin: it runs until it halts or its time
 * slice ends (rr_ticks moved), re-entering the exec function when it left
 * for anything else within the slice (an interrupt raised for it, a
 * memory-map change). Called and returns with the BQL held.
 *
 * A CPU that is not running still collects exit requests: every
 * cpu_interrupt() for it, and a slice kick that read rr_current just
 * before the previous turn ended. They are cleared before each entry.
 * Left set, they would end the turn before its first instruction: a CPU
 * with interrupts masked (IF=0) whose periodic timer fires more often than
 * the other CPUs' turns last then never executes again, while the others
 * spin waiting for it (seen as a guest stuck in early boot). Clearing
 * loses nothing: an interrupt is in interrupt_request, which the exec
 * function examines before it enters generated code, and one raised after
 * the clear sets exit_request again (both are sequentially consistent).
 */
static int rr_run_turn(VCPU *v)
{
    unsigned tick = __atomic_load_n(&rr_ticks, __ATOMIC_ACQUIRE);
    int r;

    for (;;) {
        __atomic_store_n(&v->cs->exit_request, 0, __ATOMIC_SEQ_CST);
        /* after the clear: a change committed later kicks again */
        if (__atomic_exchange_n(&v->flush_pending, false, __ATOMIC_ACQ_REL)) {
            tlb_flush(v->cs);
        }
        __atomic_store_n(&rr_current, v->cs, __ATOMIC_SEQ_CST);
        bql_unlock();
        r = v->exec(v->cs);
        bql_lock();
        __atomic_store_n(&rr_current, NULL, __ATOMIC_RELEASE);
        if (r != EXCP_INTERRUPT || !should_run || quitting ||
            __atomic_load_n(&rr_ticks, __ATOMIC_ACQUIRE) != tick) {
            return r;
        }
    }
}

/* the single thread that runs every CPU in turn */
static void *rr_thread(void *opaque)
{
    bql_lock();
    for (;;) {
        while (!should_run && !quitting) {
            rr_set_parked(true);
            bql_cond_wait(&run_cond);
        }
        if (quitting) {
            break;
        }
        rr_set_parked(false);
        unsigned gen = __atomic_load_n(&global_kick_gen, __ATOMIC_ACQUIRE);
        bool all_halted = true;
        for (int i = 0; i < nr_vcpus && should_run; i++) {
            if (rr_run_turn(&vcpus[i]) != EXCP_HLT) {
                all_halted = false;
            }
        }
        if (all_halted) {
            while (should_run && !quitting &&
                   __atomic_load_n(&global_kick_gen, __ATOMIC_ACQUIRE) == gen) {
                bql_cond_timedwait(&run_cond, 100);
            }
        }
    }
    rr_set_parked(true);
    bql_unlock();
    return NULL;
}

/* the time slice: end the running CPU's turn so the next one runs */
static void *rr_timer(void *opaque)
{
    const struct timespec ts = { 0, RR_SLICE_MS * 1000000L };

    for (;;) {
        nanosleep(&ts, NULL);
        if (__atomic_load_n(&quitting, __ATOMIC_ACQUIRE)) {
            break;
        }
        /* the turn ends at its next exit even if this kick misses it
         * (it read rr_current before the turn began) */
        __atomic_fetch_add(&rr_ticks, 1, __ATOMIC_SEQ_CST);
        CPUState *cs = __atomic_load_n(&rr_current, __ATOMIC_SEQ_CST);
        if (cs) {
            cpu_exit(cs);
        }
    }
    return NULL;
}

void cpus_set_single_thread(bool on)
{
    single_thread = on;
}

/*
 * The TLB caches what the flat view said (RAM host addresses, MMIO, ROM):
 * any change of the memory map (PAM shadowing, BARs, SMRAM) drops it. A
 * CPU's TLB is flushed by its own thread: directly when the change comes
 * from that CPU (a config-space write from guest code) or while it is
 * parked, else at its next entry to the loop.
 */
static void cpus_memory_commit(MemoryListener *l)
{
    for (int i = 0; i < nr_vcpus; i++) {
        VCPU *v = &vcpus[i];
        if (!v->cs->tlb) {
            continue;
        }
        if (current_cpu == v->cs || (v->parked && bql_locked())) {
            tlb_flush(v->cs);
        } else {
            __atomic_store_n(&v->flush_pending, true, __ATOMIC_RELEASE);
            cpu_exit(v->cs);
        }
    }
}

static MemoryListener cpus_memory_listener = {
    .commit = cpus_memory_commit,
    .name = "cpus-tlb",
};

void cpus_add_cpu(CPUState *cs, CPUExecFunc exec)
{
    if (nr_vcpus == 0) {
        /* the CPU's own view (the PC's A20 wrap lives there), which
         * also changes whenever the system memory does */
        memory_listener_register(&cpus_memory_listener, cs->as ? cs->as : &address_space_memory);
    }
    if (nr_vcpus >= MAX_VCPUS) {
        abort(); /* the command line limits -smp long before this */
    }
    VCPU *v = &vcpus[nr_vcpus++];
    v->cs = cs;
    v->exec = exec;
    v->parked = false;
    if (single_thread) {
        /* the first CPU's thread runs them all */
        v->parked = nr_vcpus > 1 ? vcpus[0].parked : false;
        if (nr_vcpus > 1) {
            if (!rr_timer_started) {
                if (pthread_create(&rr_timer_thread, NULL, rr_timer, NULL) != 0) {
                    abort();
                }
                rr_timer_started = true;
            }
            return;
        }
        v->has_thread = true;
        if (pthread_create(&v->thread, NULL, rr_thread, NULL) != 0) {
            abort();
        }
        return;
    }
    v->has_thread = true;
    if (pthread_create(&v->thread, NULL, vcpu_thread, v) != 0) {
        abort();
    }
}

CPUState *cpus_get(int index)
{
    return index >= 0 && index < nr_vcpus ? vcpus[index].cs : NULL;
}

void cpus_kick(CPUState *cs)
{
    for (int i = 0; i < nr_vcpus; i++) {
        if (vcpus[i].cs == cs) {
            __atomic_fetch_add(&vcpus[i].kick_gen, 1, __ATOMIC_RELEASE);
        }
    }
    __atomic_fetch_add(&global_kick_gen, 1, __ATOMIC_RELEASE);
    /* Broadcasting without the mutex is allowed; the sleeper re-checks
     * the counter under the BQL and sleeps at most its timeout. */
    pthread_cond_broadcast(&run_cond);
}

void vm_start(void)
{
    if (runstate_get() == RUN_STATE_SHUTDOWN) {
        return;
    }
    runstate_set(RUN_STATE_RUNNING);
    vm_clock_start();
    should_run = true;
    pthread_cond_broadcast(&run_cond);
}

static void cpus_park_all(void)
{
    should_run = false;
    for (int i = 0; i < nr_vcpus; i++) {
        cpu_exit(vcpus[i].cs);
    }
    pthread_cond_broadcast(&run_cond);
    for (;;) {
        bool all = true;
        for (int i = 0; i < nr_vcpus; i++) {
            all &= vcpus[i].parked;
        }
        if (all) {
            break;
        }
        /* a vCPU in an MMIO access needs the BQL to get out */
        bql_cond_timedwait(&parked_cond, 50);
        for (int i = 0; i < nr_vcpus; i++) {
            if (!vcpus[i].parked) {
                cpu_exit(vcpus[i].cs);
            }
        }
    }
}

void vm_stop(void)
{
    cpus_park_all();
    vm_clock_stop();
    if (runstate_get() == RUN_STATE_RUNNING) {
        runstate_set(RUN_STATE_PAUSED);
    }
}

bool vm_running(void)
{
    return should_run;
}

void cpus_shutdown(void)
{
    cpus_park_all();
    vm_clock_stop();
    __atomic_store_n(&quitting, true, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&run_cond);
    bql_unlock();
    for (int i = 0; i < nr_vcpus; i++) {
        if (vcpus[i].has_thread) {
            pthread_join(vcpus[i].thread, NULL);
        }
    }
    if (rr_timer_started) {
        pthread_join(rr_timer_thread, NULL);
        rr_timer_started = false;
    }
    bql_lock();
    nr_vcpus = 0;
}
