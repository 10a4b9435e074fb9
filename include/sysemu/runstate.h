/*
 * The machine's run state and the requests that change it (reset,
 * shutdown, exit with a status), made from any thread and carried out by
 * the main thread between main-loop iterations (softmmu/runstate.c).
 */
#ifndef SYSEMU_RUNSTATE_H
#define SYSEMU_RUNSTATE_H

#include <stdbool.h>

typedef enum RunState {
    RUN_STATE_PRELAUNCH, /* created, not started yet (-S waits here) */
    RUN_STATE_RUNNING,
    RUN_STATE_PAUSED,   /* stopped by the monitor */
    RUN_STATE_SHUTDOWN, /* the guest powered off / asked to quit */
} RunState;

RunState runstate_get(void);
void runstate_set(RunState state);
bool runstate_is_running(void);
const char *runstate_name(RunState state);

/* -no-reboot: a reset request (triple fault, 0xcf9, 8042 reset) shuts down. */
void runstate_set_no_reboot(bool on);

/* Requests (any thread, async-signal-safe apart from logging). */
void qemu_system_reset_request(void);
void qemu_system_shutdown_request(void);
/* isa-debug-exit: leave with status (the device computes (val << 1) | 1). */
void qemu_system_exit_request(int status);

/* What the machine does on reset (devices + CPUs); set by the board. */
void qemu_register_machine_reset(void (*fn)(void *opaque), void *opaque);
/* Reset the machine now (main thread, BQL held, vCPUs paused by the caller). */
void qemu_system_reset(void);

/*
 * Main thread, BQL held, after each main_loop_wait: carry out the pending
 * requests. Returns true when the program should exit, with the status
 * in *status.
 */
bool runstate_handle_requests(int *status);

#endif
