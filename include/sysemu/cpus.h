/*
 * vCPU threads (softmmu/cpus.c). Each vCPU runs the target's execution
 * function in its own thread with the big lock released; device accesses
 * take the lock in the memory dispatcher. The main thread starts/stops
 * them (vm_start/vm_stop), which also starts/stops the virtual clock.
 */
#ifndef SYSEMU_CPUS_H
#define SYSEMU_CPUS_H

#include <stdbool.h>

#include "hw/core/cpu.h"

/* The target's run function: cpu_exec plus interrupt delivery; returns an
 * EXCP_* request (EXCP_HLT: halted until an interrupt). */
typedef int (*CPUExecFunc)(CPUState *cs);

/* Before the first cpus_add_cpu: run all CPUs in one thread, in turn
 * (-accel tcg,thread=single), instead of a thread per CPU. */
void cpus_set_single_thread(bool on);

/* Register cs (the first is "the" CPU of info registers) and create its
 * thread, paused. BQL held. */
void cpus_add_cpu(CPUState *cs, CPUExecFunc exec);
/* The i-th registered CPU, NULL past the end. */
CPUState *cpus_get(int index);

/* Wake a halted CPU (call after cpu_interrupt()); any thread. */
void cpus_kick(CPUState *cs);

/* Start / stop all vCPUs and the virtual clock; BQL held (main thread).
 * vm_stop returns once no vCPU runs guest code. */
void vm_start(void);
void vm_stop(void);
bool vm_running(void);

/* Stop and join every vCPU thread (at exit); BQL held. */
void cpus_shutdown(void);

#endif
