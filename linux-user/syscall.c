/*
 * The system call dispatcher of linux-user, and -strace.
 *
 * Guest and host are both x86-64 Linux, so most system calls take the
 * same numbers, structures and flags: those are passed straight to the
 * host (the pass-through table below says which arguments are guest
 * pointers to translate with g2h and which buffer the kernel writes, so
 * translated code on it is unprotected first). Calls that touch what the
 * emulator manages itself (memory, signals, threads, the program's
 * identity) are handled by the syscall-<family>.c files, tried first.
 * Anything else is logged once (-d unimp) and fails with ENOSYS.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec/cpu-exec.h"
#include "target/i386/cpu.h"
#include "util/log.h"
#include "syscall-names.h"
#include "user.h"

#define NB_SYSCALLS (int)(sizeof(syscall_names) / sizeof(syscall_names[0]))

const char *syscall_name(int nr)
{
    return nr >= 0 && nr < NB_SYSCALLS ? syscall_names[nr] : NULL;
}

/*
 * Pass-through calls: ptr is a bit mask of the arguments that are guest
 * pointers; wbuf/wlen (1-based, 0 = none) name a buffer the kernel
 * writes and its length argument.
 */
typedef struct PassThrough {
    uint8_t ptr;
    uint8_t wbuf, wlen;
    bool used;
} PassThrough;

#define P(n) (1u << (n))
static const PassThrough passthrough[NB_SYSCALLS] = {
    [SYS_read] = { P(1), 2, 3, 1 },
    [SYS_write] = { P(1), 0, 0, 1 },
    [SYS_close] = { 0, 0, 0, 1 },
    [SYS_fstat] = { P(1), 0, 0, 1 },
    [SYS_lseek] = { 0, 0, 0, 1 },
    [SYS_pread64] = { P(1), 2, 3, 1 },
    [SYS_pwrite64] = { P(1), 0, 0, 1 },
    [SYS_readv] = { P(1), 0, 0, 1 },
    [SYS_writev] = { P(1), 0, 0, 1 },
    [SYS_preadv] = { P(1), 0, 0, 1 },
    [SYS_pwritev] = { P(1), 0, 0, 1 },
    [SYS_preadv2] = { P(1), 0, 0, 1 },
    [SYS_pwritev2] = { P(1), 0, 0, 1 },
    [SYS_pipe] = { P(0), 0, 0, 1 },
    [SYS_pipe2] = { P(0), 0, 0, 1 },
    [SYS_dup] = { 0, 0, 0, 1 },
    [SYS_dup2] = { 0, 0, 0, 1 },
    [SYS_dup3] = { 0, 0, 0, 1 },
    [SYS_fcntl] = { 0, 0, 0, 1 }, /* lock structs: see syscall_file */
    [SYS_flock] = { 0, 0, 0, 1 },
    [SYS_fsync] = { 0, 0, 0, 1 },
    [SYS_fdatasync] = { 0, 0, 0, 1 },
    [SYS_sync] = { 0, 0, 0, 1 },
    [SYS_syncfs] = { 0, 0, 0, 1 },
    [SYS_truncate] = { P(0), 0, 0, 1 },
    [SYS_ftruncate] = { 0, 0, 0, 1 },
    [SYS_getdents64] = { P(1), 2, 3, 1 },
    [SYS_getdents] = { P(1), 2, 3, 1 },
    [SYS_getcwd] = { P(0), 1, 2, 1 },
    [SYS_chdir] = { P(0), 0, 0, 1 },
    [SYS_fchdir] = { 0, 0, 0, 1 },
    [SYS_rename] = { P(0) | P(1), 0, 0, 1 },
    [SYS_renameat] = { P(1) | P(3), 0, 0, 1 },
    [SYS_renameat2] = { P(1) | P(3), 0, 0, 1 },
    [SYS_mkdir] = { P(0), 0, 0, 1 },
    [SYS_mkdirat] = { P(1), 0, 0, 1 },
    [SYS_rmdir] = { P(0), 0, 0, 1 },
    [SYS_creat] = { P(0), 0, 0, 1 },
    [SYS_link] = { P(0) | P(1), 0, 0, 1 },
    [SYS_linkat] = { P(1) | P(3), 0, 0, 1 },
    [SYS_unlink] = { P(0), 0, 0, 1 },
    [SYS_unlinkat] = { P(1), 0, 0, 1 },
    [SYS_symlink] = { P(0) | P(1), 0, 0, 1 },
    [SYS_symlinkat] = { P(0) | P(2), 0, 0, 1 },
    [SYS_chmod] = { P(0), 0, 0, 1 },
    [SYS_fchmod] = { 0, 0, 0, 1 },
    [SYS_fchmodat] = { P(1), 0, 0, 1 },
    [SYS_chown] = { P(0), 0, 0, 1 },
    [SYS_fchown] = { 0, 0, 0, 1 },
    [SYS_lchown] = { P(0), 0, 0, 1 },
    [SYS_fchownat] = { P(1), 0, 0, 1 },
    [SYS_umask] = { 0, 0, 0, 1 },
    [SYS_utimensat] = { P(1) | P(2), 0, 0, 1 },
    [SYS_utime] = { P(0) | P(1), 0, 0, 1 },
    [SYS_utimes] = { P(0) | P(1), 0, 0, 1 },
    [SYS_futimesat] = { P(1) | P(2), 0, 0, 1 },
    [SYS_sendfile] = { P(2), 0, 0, 1 },
    [SYS_copy_file_range] = { P(1) | P(3), 0, 0, 1 },
    [SYS_splice] = { P(1) | P(3), 0, 0, 1 },
    [SYS_tee] = { 0, 0, 0, 1 },
    [SYS_vmsplice] = { P(1), 0, 0, 1 },
    [SYS_fadvise64] = { 0, 0, 0, 1 },
    [SYS_fallocate] = { 0, 0, 0, 1 },
    [SYS_statfs] = { P(0) | P(1), 0, 0, 1 },
    [SYS_fstatfs] = { P(1), 0, 0, 1 },
    [SYS_mknod] = { P(0), 0, 0, 1 },
    [SYS_mknodat] = { P(1), 0, 0, 1 },
    [SYS_memfd_create] = { P(0), 0, 0, 1 },
    [SYS_inotify_init] = { 0, 0, 0, 1 },
    [SYS_inotify_init1] = { 0, 0, 0, 1 },
    [SYS_inotify_add_watch] = { P(1), 0, 0, 1 },
    [SYS_inotify_rm_watch] = { 0, 0, 0, 1 },
    [SYS_close_range] = { 0, 0, 0, 1 },
    [SYS_chroot] = { P(0), 0, 0, 1 },
    [SYS_sync_file_range] = { 0, 0, 0, 1 },
    [SYS_readahead] = { 0, 0, 0, 1 },
    [SYS_getxattr] = { P(0) | P(1) | P(2), 3, 4, 1 },
    [SYS_lgetxattr] = { P(0) | P(1) | P(2), 3, 4, 1 },
    [SYS_fgetxattr] = { P(1) | P(2), 3, 4, 1 },
    [SYS_setxattr] = { P(0) | P(1) | P(2), 0, 0, 1 },
    [SYS_lsetxattr] = { P(0) | P(1) | P(2), 0, 0, 1 },
    [SYS_fsetxattr] = { P(1) | P(2), 0, 0, 1 },
    [SYS_listxattr] = { P(0) | P(1), 2, 3, 1 },
    [SYS_llistxattr] = { P(0) | P(1), 2, 3, 1 },
    [SYS_flistxattr] = { P(1), 2, 3, 1 },
    [SYS_removexattr] = { P(0) | P(1), 0, 0, 1 },
    [SYS_lremovexattr] = { P(0) | P(1), 0, 0, 1 },
    [SYS_fremovexattr] = { P(1), 0, 0, 1 },
    /* process information and control */
    [SYS_getpid] = { 0, 0, 0, 1 },
    [SYS_getppid] = { 0, 0, 0, 1 },
    [SYS_gettid] = { 0, 0, 0, 1 },
    [SYS_getuid] = { 0, 0, 0, 1 },
    [SYS_geteuid] = { 0, 0, 0, 1 },
    [SYS_getgid] = { 0, 0, 0, 1 },
    [SYS_getegid] = { 0, 0, 0, 1 },
    [SYS_setuid] = { 0, 0, 0, 1 },
    [SYS_setgid] = { 0, 0, 0, 1 },
    [SYS_setreuid] = { 0, 0, 0, 1 },
    [SYS_setregid] = { 0, 0, 0, 1 },
    [SYS_setresuid] = { 0, 0, 0, 1 },
    [SYS_setresgid] = { 0, 0, 0, 1 },
    [SYS_getresuid] = { P(0) | P(1) | P(2), 0, 0, 1 },
    [SYS_getresgid] = { P(0) | P(1) | P(2), 0, 0, 1 },
    [SYS_setfsuid] = { 0, 0, 0, 1 },
    [SYS_setfsgid] = { 0, 0, 0, 1 },
    [SYS_getgroups] = { P(1), 0, 0, 1 },
    [SYS_setgroups] = { P(1), 0, 0, 1 },
    [SYS_setsid] = { 0, 0, 0, 1 },
    [SYS_getsid] = { 0, 0, 0, 1 },
    [SYS_setpgid] = { 0, 0, 0, 1 },
    [SYS_getpgid] = { 0, 0, 0, 1 },
    [SYS_getpgrp] = { 0, 0, 0, 1 },
    [SYS_uname] = { P(0), 0, 0, 1 },
    [SYS_sethostname] = { P(0), 0, 0, 1 },
    [SYS_setdomainname] = { P(0), 0, 0, 1 },
    [SYS_getrlimit] = { P(1), 0, 0, 1 },
    [SYS_setrlimit] = { P(1), 0, 0, 1 },
    [SYS_prlimit64] = { P(2) | P(3), 0, 0, 1 },
    [SYS_getrusage] = { P(1), 0, 0, 1 },
    [SYS_times] = { P(0), 0, 0, 1 },
    [SYS_sysinfo] = { P(0), 0, 0, 1 },
    [SYS_getrandom] = { P(0), 1, 2, 1 },
    [SYS_getpriority] = { 0, 0, 0, 1 },
    [SYS_setpriority] = { 0, 0, 0, 1 },
    [SYS_sched_yield] = { 0, 0, 0, 1 },
    [SYS_sched_getaffinity] = { P(2), 0, 0, 1 },
    [SYS_sched_setaffinity] = { P(2), 0, 0, 1 },
    [SYS_sched_getparam] = { P(1), 0, 0, 1 },
    [SYS_sched_setparam] = { P(1), 0, 0, 1 },
    [SYS_sched_getscheduler] = { 0, 0, 0, 1 },
    [SYS_sched_setscheduler] = { P(2), 0, 0, 1 },
    [SYS_sched_get_priority_max] = { 0, 0, 0, 1 },
    [SYS_sched_get_priority_min] = { 0, 0, 0, 1 },
    [SYS_sched_rr_get_interval] = { P(1), 0, 0, 1 },
    [SYS_wait4] = { P(1) | P(3), 0, 0, 1 },
    [SYS_waitid] = { P(2) | P(4), 0, 0, 1 },
    [SYS_kill] = { 0, 0, 0, 1 },
    [SYS_tkill] = { 0, 0, 0, 1 },
    [SYS_tgkill] = { 0, 0, 0, 1 },
    [SYS_getcpu] = { P(0) | P(1), 0, 0, 1 },
    [SYS_capget] = { P(0) | P(1), 0, 0, 1 },
    [SYS_capset] = { P(0) | P(1), 0, 0, 1 },
    [SYS_personality] = { 0, 0, 0, 1 },
    [SYS_ioprio_get] = { 0, 0, 0, 1 },
    [SYS_ioprio_set] = { 0, 0, 0, 1 },
    [SYS_set_robust_list] = { P(0), 0, 0, 1 },
    [SYS_get_robust_list] = { P(1) | P(2), 0, 0, 1 },
    [SYS_pidfd_open] = { 0, 0, 0, 1 },
    [SYS_pidfd_send_signal] = { P(2), 0, 0, 1 },
    [SYS_membarrier] = { 0, 0, 0, 1 },
    /* time */
    [SYS_clock_gettime] = { P(1), 0, 0, 1 },
    [SYS_clock_settime] = { P(1), 0, 0, 1 },
    [SYS_clock_getres] = { P(1), 0, 0, 1 },
    [SYS_clock_nanosleep] = { P(2) | P(3), 0, 0, 1 },
    [SYS_nanosleep] = { P(0) | P(1), 0, 0, 1 },
    [SYS_gettimeofday] = { P(0) | P(1), 0, 0, 1 },
    [SYS_settimeofday] = { P(0) | P(1), 0, 0, 1 },
    [SYS_time] = { P(0), 0, 0, 1 },
    [SYS_getitimer] = { P(1), 0, 0, 1 },
    [SYS_setitimer] = { P(1) | P(2), 0, 0, 1 },
    [SYS_alarm] = { 0, 0, 0, 1 },
    [SYS_pause] = { 0, 0, 0, 1 },
    [SYS_timer_create] = { P(1) | P(2), 0, 0, 1 },
    [SYS_timer_settime] = { P(2) | P(3), 0, 0, 1 },
    [SYS_timer_gettime] = { P(1), 0, 0, 1 },
    [SYS_timer_getoverrun] = { 0, 0, 0, 1 },
    [SYS_timer_delete] = { 0, 0, 0, 1 },
    [SYS_timerfd_create] = { 0, 0, 0, 1 },
    [SYS_timerfd_settime] = { P(2) | P(3), 0, 0, 1 },
    [SYS_timerfd_gettime] = { P(1), 0, 0, 1 },
    /* waiting for events */
    [SYS_poll] = { P(0), 0, 0, 1 },
    [SYS_ppoll] = { P(0) | P(2) | P(3), 0, 0, 1 },
    [SYS_select] = { P(1) | P(2) | P(3) | P(4), 0, 0, 1 },
    [SYS_pselect6] = { P(1) | P(2) | P(3) | P(4) | P(5), 0, 0, 1 },
    [SYS_epoll_create] = { 0, 0, 0, 1 },
    [SYS_epoll_create1] = { 0, 0, 0, 1 },
    [SYS_epoll_ctl] = { P(3), 0, 0, 1 },
    [SYS_epoll_wait] = { P(1), 0, 0, 1 },
    [SYS_epoll_pwait] = { P(1) | P(4), 0, 0, 1 },
    [SYS_epoll_pwait2] = { P(1) | P(3) | P(4), 0, 0, 1 },
    [SYS_eventfd] = { 0, 0, 0, 1 },
    [SYS_eventfd2] = { 0, 0, 0, 1 },
    [SYS_signalfd] = { P(1), 0, 0, 1 },
    [SYS_signalfd4] = { P(1), 0, 0, 1 },
    /* sockets */
    [SYS_socket] = { 0, 0, 0, 1 },
    [SYS_socketpair] = { P(3), 0, 0, 1 },
    [SYS_bind] = { P(1), 0, 0, 1 },
    [SYS_connect] = { P(1), 0, 0, 1 },
    [SYS_listen] = { 0, 0, 0, 1 },
    [SYS_accept] = { P(1) | P(2), 0, 0, 1 },
    [SYS_accept4] = { P(1) | P(2), 0, 0, 1 },
    [SYS_sendto] = { P(1) | P(4), 0, 0, 1 },
    [SYS_recvfrom] = { P(1) | P(4) | P(5), 2, 3, 1 },
    [SYS_sendmsg] = { P(1), 0, 0, 1 },
    [SYS_recvmsg] = { P(1), 0, 0, 1 },
    [SYS_sendmmsg] = { P(1), 0, 0, 1 },
    [SYS_recvmmsg] = { P(1) | P(4), 0, 0, 1 },
    [SYS_shutdown] = { 0, 0, 0, 1 },
    [SYS_getsockname] = { P(1) | P(2), 0, 0, 1 },
    [SYS_getpeername] = { P(1) | P(2), 0, 0, 1 },
    [SYS_setsockopt] = { P(3), 0, 0, 1 },
    [SYS_getsockopt] = { P(3) | P(4), 0, 0, 1 },
    /* memory that needs no bookkeeping */
    [SYS_msync] = { 0, 0, 0, 1 },
    [SYS_mlock] = { 0, 0, 0, 1 },
    [SYS_munlock] = { 0, 0, 0, 1 },
    [SYS_mlockall] = { 0, 0, 0, 1 },
    [SYS_munlockall] = { 0, 0, 0, 1 },
    [SYS_mlock2] = { 0, 0, 0, 1 },
    [SYS_mincore] = { P(2), 0, 0, 1 },
    /* System V IPC (shmat/shmdt are in syscall_mem) */
    [SYS_shmget] = { 0, 0, 0, 1 },
    [SYS_shmctl] = { P(2), 0, 0, 1 },
    [SYS_semget] = { 0, 0, 0, 1 },
    [SYS_semop] = { P(1), 0, 0, 1 },
    [SYS_semtimedop] = { P(1) | P(3), 0, 0, 1 },
    [SYS_semctl] = { 0, 0, 0, 1 },
    [SYS_msgget] = { 0, 0, 0, 1 },
    [SYS_msgsnd] = { P(1), 0, 0, 1 },
    [SYS_msgrcv] = { P(1), 0, 0, 1 },
    [SYS_msgctl] = { P(2), 0, 0, 1 },
};

/* A guest pointer for the host kernel: NULL stays NULL. */
static inline uint64_t gp(uint64_t a)
{
    return a ? (uint64_t)(uintptr_t)g2h(a) : 0;
}

static int64_t do_passthrough(SyscallArgs *sa, const PassThrough *pt)
{
    uint64_t a[6];

    for (int i = 0; i < 6; i++) {
        a[i] = (pt->ptr & P(i)) ? gp(sa->a[i]) : sa->a[i];
    }
    if (pt->wbuf) {
        user_access_ok(sa->a[pt->wbuf - 1], sa->a[pt->wlen - 1], PAGE_WRITE);
    }
    /* iovecs the kernel fills */
    if (sa->nr == SYS_readv || sa->nr == SYS_preadv || sa->nr == SYS_preadv2) {
        const struct { uint64_t base, len; } *iov = g2h(sa->a[1]);
        if (sa->a[2] <= 1024 && page_check_range(sa->a[1], sa->a[2] * 16, PAGE_READ)) {
            for (uint64_t i = 0; i < sa->a[2]; i++) {
                user_access_ok(iov[i].base, iov[i].len, PAGE_WRITE);
            }
        }
    }
    /* many of these block (read, wait4, poll...): a signal that comes
     * before the call starts must not be missed */
    return safe_syscall(sa->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* -strace: per-call argument formats; d int, u unsigned, x hex, o octal,
 * s string, p pointer. Calls without one show three hex arguments. */
static const char *const strace_fmt[NB_SYSCALLS] = {
    [SYS_read] = "dpu", [SYS_write] = "dpu", [SYS_open] = "sxo", [SYS_openat] = "dsxo",
    [SYS_close] = "d", [SYS_stat] = "sp", [SYS_lstat] = "sp", [SYS_fstat] = "dp",
    [SYS_newfstatat] = "dspx", [SYS_statx] = "dsxxp", [SYS_access] = "so",
    [SYS_faccessat] = "dso", [SYS_faccessat2] = "dsox", [SYS_lseek] = "ddd",
    [SYS_mmap] = "pxxxdx", [SYS_munmap] = "px", [SYS_mprotect] = "pxx", [SYS_brk] = "p",
    [SYS_exit] = "d", [SYS_exit_group] = "d", [SYS_execve] = "spp", [SYS_readlink] = "spu",
    [SYS_readlinkat] = "dspu", [SYS_chdir] = "s", [SYS_mkdir] = "so", [SYS_unlink] = "s",
    [SYS_unlinkat] = "dsx", [SYS_rename] = "ss", [SYS_arch_prctl] = "xp",
    [SYS_rt_sigaction] = "dppu", [SYS_rt_sigprocmask] = "dppu", [SYS_kill] = "dd",
    [SYS_tgkill] = "ddd", [SYS_ioctl] = "dxp", [SYS_fcntl] = "ddx", [SYS_dup2] = "dd",
    [SYS_pipe2] = "px", [SYS_wait4] = "dpxp", [SYS_clone] = "xppp", [SYS_futex] = "pdxpp",
    [SYS_getdents64] = "dpu", [SYS_set_tid_address] = "p", [SYS_pread64] = "dpud",
    [SYS_pwrite64] = "dpud", [SYS_writev] = "dpd", [SYS_readv] = "dpd", [SYS_dup] = "d",
    [SYS_getpid] = "", [SYS_gettid] = "", [SYS_getuid] = "", [SYS_geteuid] = "",
    [SYS_getgid] = "", [SYS_getegid] = "", [SYS_getppid] = "", [SYS_rt_sigreturn] = "",
    [SYS_uname] = "p", [SYS_prlimit64] = "ddpp", [SYS_getrandom] = "pux",
    [SYS_clock_gettime] = "dp", [SYS_nanosleep] = "pp", [SYS_socket] = "ddd",
    [SYS_connect] = "dpu", [SYS_getcwd] = "pu", [SYS_sigaltstack] = "pp",
    [SYS_rseq] = "puxx", [SYS_set_robust_list] = "pu", [SYS_madvise] = "pud",
    [SYS_mremap] = "puuxp", [SYS_poll] = "pud", [SYS_prctl] = "dxxxx",
};

static int put_str_arg(char *buf, size_t len, uint64_t a)
{
    char tmp[64];
    size_t n = 0;

    if (!a || !page_check_range(a, 1, PAGE_READ)) {
        return snprintf(buf, len, "0x%" PRIx64, a);
    }
    while (n < sizeof(tmp) - 1 && page_check_range(a + n, 1, PAGE_READ)) {
        char c = *(char *)g2h(a + n);
        if (!c) {
            break;
        }
        tmp[n++] = c;
    }
    tmp[n] = 0;
    return snprintf(buf, len, "\"%s\"%s", tmp, n == sizeof(tmp) - 1 ? "..." : "");
}

static void strace_args(char *buf, size_t len, int nr, const uint64_t *args)
{
    const char *name = syscall_name(nr);
    const char *fmt = nr >= 0 && nr < NB_SYSCALLS && strace_fmt[nr] ? strace_fmt[nr] : "xxx";
    size_t pos;

    pos = name ? (size_t)snprintf(buf, len, "%s(", name) : (size_t)snprintf(buf, len, "syscall_%d(", nr);
    for (int i = 0; fmt[i] && pos < len; i++) {
        if (i) {
            pos += snprintf(buf + pos, len - pos, ",");
        }
        if (pos >= len) {
            break;
        }
        switch (fmt[i]) {
        case 'd':
            pos += snprintf(buf + pos, len - pos, "%" PRId64, (int64_t)args[i]);
            break;
        case 'u':
            pos += snprintf(buf + pos, len - pos, "%" PRIu64, args[i]);
            break;
        case 'o':
            pos += snprintf(buf + pos, len - pos, "0%" PRIo64, args[i]);
            break;
        case 's':
            pos += put_str_arg(buf + pos, len - pos, args[i]);
            break;
        default:
            pos += snprintf(buf + pos, len - pos, "0x%" PRIx64, args[i]);
            break;
        }
    }
    if (pos < len) {
        snprintf(buf + pos, len - pos, ")");
    }
}

void strace_format(char *buf, size_t len, int nr, const uint64_t *args, int64_t ret)
{
    size_t pos;

    strace_args(buf, len, nr, args);
    pos = strlen(buf);
    if (ret < 0 && ret >= -4095) {
        snprintf(buf + pos, len - pos, " = -1 errno=%d (%s)", (int)-ret, strerror((int)-ret));
    } else if (ret < 0 || (uint64_t)ret > 0xffff) {
        snprintf(buf + pos, len - pos, " = 0x%" PRIx64, (uint64_t)ret);
    } else {
        snprintf(buf + pos, len - pos, " = %" PRId64, ret);
    }
}

static bool strace_on(void)
{
    return user_opts.strace || log_enabled(LOG_STRACE);
}

int64_t do_syscall(CPUX86State *env, int nr, uint64_t a1, uint64_t a2, uint64_t a3,
                   uint64_t a4, uint64_t a5, uint64_t a6)
{
    SyscallArgs sa = { env, nr, { a1, a2, a3, a4, a5, a6 } };
    int64_t ret;
    bool (*const families[])(SyscallArgs *, int64_t *) = {
        syscall_mem, syscall_proc, syscall_signal, syscall_file,
    };
    static uint8_t unimp_logged[NB_SYSCALLS + 1];

    if (strace_on() && (nr == SYS_exit || nr == SYS_exit_group || nr == SYS_execve)) {
        /* these do not come back to print their result */
        char buf[512];
        strace_args(buf, sizeof(buf), nr, sa.a);
        fprintf(stderr, "%d %s ...\n", (int)getpid(), buf);
    }
    for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
        if (families[i](&sa, &ret)) {
            goto done;
        }
    }
    if (nr >= 0 && nr < NB_SYSCALLS && passthrough[nr].used) {
        ret = do_passthrough(&sa, &passthrough[nr]);
        goto done;
    }
    if (!unimp_logged[nr >= 0 && nr < NB_SYSCALLS ? nr : NB_SYSCALLS]) {
        unimp_logged[nr >= 0 && nr < NB_SYSCALLS ? nr : NB_SYSCALLS] = 1;
        log_mask_printf(LOG_UNIMP, "unimplemented syscall %d (%s)\n", nr,
                        syscall_name(nr) ? syscall_name(nr) : "?");
    }
    ret = -ENOSYS;
done:
    if (strace_on()) {
        char buf[512];
        strace_format(buf, sizeof(buf), nr, sa.a, ret);
        fprintf(stderr, "%d %s\n", (int)getpid(), buf);
    }
    return ret;
}
