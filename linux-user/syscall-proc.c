/*
 * Process system calls the emulator must see: exit (threads vs the
 * process), the thread pointer (arch_prctl), the clear-tid address,
 * rseq (refused: glibc copes), futex (guest pointers depend on the op),
 * prctl and seccomp (a guest filter would filter the emulator), and the
 * process creation calls implemented in clone.c.
 */
#include <asm/prctl.h>
#include <errno.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec/cpu-exec.h"
#include "target/i386/cpu.h"
#include "user.h"

static int64_t do_arch_prctl(CPUX86State *env, int code, uint64_t addr)
{
    switch (code) {
    case ARCH_SET_FS:
    case ARCH_SET_GS:
        if (addr >= USER_ADDR_LIMIT) {
            return -EPERM;
        }
        env->segs[code == ARCH_SET_FS ? R_FS : R_GS].base = addr;
        return 0;
    case ARCH_GET_FS:
    case ARCH_GET_GS:
        if (!page_check_range(addr, 8, PAGE_WRITE)) {
            return -EFAULT;
        }
        user_access_ok(addr, 8, PAGE_WRITE);
        *(uint64_t *)g2h(addr) = env->segs[code == ARCH_GET_FS ? R_FS : R_GS].base;
        return 0;
    case ARCH_GET_CPUID:
        return 1;
    default:
        return -EINVAL;
    }
}

static int64_t do_futex(uint64_t *a)
{
    int op = (int)a[1] & FUTEX_CMD_MASK;
    uint64_t timeout = a[3], uaddr2 = a[4];

    /* arg 4 is a timeout pointer for the waits, a count otherwise */
    switch (op) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
    case FUTEX_LOCK_PI:
    case FUTEX_LOCK_PI2:
    case FUTEX_WAIT_REQUEUE_PI:
        timeout = timeout ? (uint64_t)(uintptr_t)g2h(timeout) : 0;
        break;
    }
    switch (op) {
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE:
    case FUTEX_WAKE_OP:
    case FUTEX_WAIT_REQUEUE_PI:
    case FUTEX_CMP_REQUEUE_PI:
        uaddr2 = (uint64_t)(uintptr_t)g2h(uaddr2);
        break;
    }
    return safe_syscall(SYS_futex, (uint64_t)(uintptr_t)g2h(a[0]), a[1], a[2], timeout, uaddr2,
                        a[5]);
}

bool syscall_proc(SyscallArgs *sa, int64_t *ret)
{
    uint64_t *a = sa->a;
    CPUX86State *env = sa->env;

    switch (sa->nr) {
    case SYS_exit:
        user_thread_exit(env, (int)a[0]);
    case SYS_exit_group:
        exit((int)a[0] & 0xff);
    case SYS_arch_prctl:
        *ret = do_arch_prctl(env, (int)a[0], a[1]);
        return true;
    case SYS_set_tid_address:
        thread_ts->child_tidptr = a[0];
        *ret = thread_ts->tid;
        return true;
    case SYS_rseq:
        *ret = -ENOSYS;
        return true;
    case SYS_futex:
        *ret = do_futex(a);
        return true;
    case SYS_seccomp:
        *ret = -EINVAL;
        return true;
    case SYS_prctl:
        switch ((int)a[0]) {
        case PR_SET_SECCOMP:
            *ret = -EINVAL;
            return true;
        case PR_GET_SECCOMP:
            *ret = 0;
            return true;
        case PR_SET_NAME:
        case PR_GET_NAME:
            *ret = host_ret(syscall(SYS_prctl, a[0], g2h(a[1]), a[2], a[3], a[4]));
            return true;
        case PR_SET_MM:
            *ret = -EPERM;
            return true;
        default:
            *ret = host_ret(syscall(SYS_prctl, a[0], a[1], a[2], a[3], a[4]));
            return true;
        }
    case SYS_clone:
        *ret = do_clone(env, a[0], a[1], a[2], a[3], a[4]);
        return true;
    case SYS_clone3:
        *ret = -ENOSYS; /* glibc falls back to clone */
        return true;
    case SYS_fork:
        *ret = do_clone(env, SIGCHLD, 0, 0, 0, 0);
        return true;
    case SYS_vfork:
        *ret = do_clone(env, CLONE_VFORK | CLONE_VM | SIGCHLD, 0, 0, 0, 0);
        return true;
    case SYS_execve:
        *ret = do_execve(a[0], a[1], a[2]);
        return true;
    }
    return false;
}
