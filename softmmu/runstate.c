/*
 * Run state and machine-level requests. Devices and vCPUs ask for a
 * reset, a shutdown or an exit with a status from any thread; the flags
 * are atomics and the main loop is woken. The main thread carries them
 * out in runstate_handle_requests() with the vCPUs parked, so a reset
 * never races a running CPU.
 */
#include "sysemu/runstate.h"
#include "sysemu/cpus.h"
#include "util/log.h"
#include "util/main-loop.h"

static RunState current_state = RUN_STATE_PRELAUNCH;
static bool no_reboot;
static int reset_requested;    /* atomic */
static int shutdown_requested; /* atomic */
static int exit_requested;     /* atomic */
static int exit_status;        /* atomic, valid with exit_requested */
static void (*machine_reset_fn)(void *opaque);
static void *machine_reset_opaque;

static const char *const state_names[] = {
    [RUN_STATE_PRELAUNCH] = "prelaunch",
    [RUN_STATE_RUNNING] = "running",
    [RUN_STATE_PAUSED] = "paused",
    [RUN_STATE_SHUTDOWN] = "shutdown",
};

RunState runstate_get(void)
{
    return __atomic_load_n(&current_state, __ATOMIC_ACQUIRE);
}

void runstate_set(RunState state)
{
    __atomic_store_n(&current_state, state, __ATOMIC_RELEASE);
}

bool runstate_is_running(void)
{
    return runstate_get() == RUN_STATE_RUNNING;
}

const char *runstate_name(RunState state)
{
    return (unsigned)state < sizeof(state_names) / sizeof(state_names[0]) ? state_names[state]
                                                                          : "unknown";
}

void runstate_set_no_reboot(bool on)
{
    no_reboot = on;
}

void qemu_system_reset_request(void)
{
    __atomic_store_n(&reset_requested, 1, __ATOMIC_RELEASE);
    qemu_notify_event();
}

void qemu_system_shutdown_request(void)
{
    __atomic_store_n(&shutdown_requested, 1, __ATOMIC_RELEASE);
    qemu_notify_event();
}

void qemu_system_exit_request(int status)
{
    __atomic_store_n(&exit_status, status, __ATOMIC_RELAXED);
    __atomic_store_n(&exit_requested, 1, __ATOMIC_RELEASE);
    qemu_notify_event();
}

void qemu_register_machine_reset(void (*fn)(void *opaque), void *opaque)
{
    machine_reset_fn = fn;
    machine_reset_opaque = opaque;
}

void qemu_system_reset(void)
{
    if (machine_reset_fn) {
        machine_reset_fn(machine_reset_opaque);
    }
}

bool runstate_handle_requests(int *status)
{
    if (__atomic_exchange_n(&exit_requested, 0, __ATOMIC_ACQ_REL)) {
        *status = __atomic_load_n(&exit_status, __ATOMIC_RELAXED);
        return true;
    }
    if (__atomic_exchange_n(&reset_requested, 0, __ATOMIC_ACQ_REL)) {
        if (no_reboot) {
            log_mask_printf(LOG_INT, "machine: reset requested with -no-reboot: exiting\n");
            *status = 0;
            return true;
        }
        bool was_running = vm_running();
        vm_stop();
        qemu_system_reset();
        if (was_running) {
            vm_start();
        }
    }
    if (__atomic_exchange_n(&shutdown_requested, 0, __ATOMIC_ACQ_REL)) {
        runstate_set(RUN_STATE_SHUTDOWN);
        *status = 0;
        return true;
    }
    if (main_loop_should_exit()) {
        *status = 0;
        return true;
    }
    return false;
}
