/*
 * Threads and processes: clone with CLONE_VM|CLONE_THREAD starts a host
 * pthread running a copy of the parent's CPU (rax = 0, the new stack and
 * TLS); any other clone, fork and vfork are a host fork(). execve runs
 * the new program under this same emulator (/proc/self/exe) with the
 * same options.
 *
 * The child-tid protocol of CLONE_CHILD_CLEARTID / set_tid_address is
 * done by hand when a guest thread exits (store 0, FUTEX_WAKE): the host
 * pthread keeps its own clear-tid address for glibc's bookkeeping, and
 * the guest's stack is not the host thread's, so clearing early is safe.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec/cpu-exec.h"
#include "target/i386/cpu.h"
#include "util/log.h"
#include "user.h"

static int thread_count = 1;
/* Exited threads' TaskStates (and through them their CPUs). */
static TaskState *retired_threads;
static pthread_mutex_t retired_lock = PTHREAD_MUTEX_INITIALIZER;

typedef struct NewThread {
    X86CPU *cpu;
    uint64_t flags, parent_tid, child_tid;
    pid_t tid;
    uint64_t guest_mask;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool started;
} NewThread;

static void *thread_start(void *opaque)
{
    NewThread *nt = opaque;
    CPUState *cs = &nt->cpu->parent;
    TaskState *ts = calloc(1, sizeof(*ts));
    TaskState *parent = thread_ts;

    (void)parent;
    ts->cs = cs;
    ts->tid = (pid_t)syscall(SYS_gettid);
    cs->opaque = ts;
    thread_ts = ts;
    ts->sigmask = nt->guest_mask;
    if (nt->flags & CLONE_CHILD_CLEARTID) {
        ts->child_tidptr = nt->child_tid;
    }
    if ((nt->flags & CLONE_CHILD_SETTID) && user_access_ok(nt->child_tid, 4, PAGE_WRITE)) {
        *(uint32_t *)g2h(nt->child_tid) = (uint32_t)ts->tid;
    }
    /* As the kernel does, before either side runs guest code: written
     * later by the parent, it could overwrite the 0 that this thread's
     * exit stores to the same word (glibc passes one address for both),
     * and pthread_join would wait forever. */
    if ((nt->flags & CLONE_PARENT_SETTID) && user_access_ok(nt->parent_tid, 4, PAGE_WRITE)) {
        *(uint32_t *)g2h(nt->parent_tid) = (uint32_t)ts->tid;
    }
    pthread_mutex_lock(&nt->lock);
    nt->tid = ts->tid;
    nt->started = true;
    pthread_cond_signal(&nt->cond);
    pthread_mutex_unlock(&nt->lock);
    /* nt belongs to the parent from here on */
    signal_init_thread(ts);
    cpu_loop(cs);
}

static int64_t do_thread(CPUX86State *env, uint64_t flags, uint64_t newsp, uint64_t parent_tid,
                         uint64_t child_tid, uint64_t tls)
{
    NewThread nt = { .flags = flags, .parent_tid = parent_tid, .child_tid = child_tid,
                     .guest_mask = thread_ts->sigmask };
    pthread_attr_t attr;
    pthread_t th;
    sigset_t all, old;
    int r;

    /* from here on, LOCK-prefixed insns must be real host atomics */
    tcg_set_parallel();
    nt.cpu = x86_cpu_new(__atomic_add_fetch(&thread_count, 1, __ATOMIC_SEQ_CST) + 1000);
    if (!nt.cpu) {
        __atomic_sub_fetch(&thread_count, 1, __ATOMIC_SEQ_CST);
        return -ENOMEM;
    }
    nt.cpu->env = *env;
    nt.cpu->env.regs[R_EAX] = 0;
    if (newsp) {
        nt.cpu->env.regs[R_ESP] = newsp;
    }
    if (flags & CLONE_SETTLS) {
        nt.cpu->env.segs[R_FS].base = tls;
    }
    pthread_mutex_init(&nt.lock, NULL);
    pthread_cond_init(&nt.cond, NULL);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 1 << 20);
    /* The new thread starts with every signal blocked until it has its
     * TaskState; it then takes the guest mask of its parent. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    r = pthread_create(&th, &attr, thread_start, &nt);
    if (r == 0) {
        pthread_mutex_lock(&nt.lock);
        while (!nt.started) {
            pthread_cond_wait(&nt.cond, &nt.lock);
        }
        pthread_mutex_unlock(&nt.lock);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    pthread_cond_destroy(&nt.cond);
    pthread_mutex_destroy(&nt.lock);
    if (r != 0) {
        __atomic_sub_fetch(&thread_count, 1, __ATOMIC_SEQ_CST);
        free(nt.cpu);
        return -r;
    }
    return nt.tid;
}

static int64_t do_fork(CPUX86State *env, uint64_t flags, uint64_t newsp, uint64_t parent_tid,
                       uint64_t child_tid, uint64_t tls)
{
    pid_t pid;
    uint64_t mask;
    int err;

    start_exclusive();
    mmap_lock();
    /* Signals wait in the kernel while the child forgets what the parent
     * had pending: one sent to the new pid at once is the child's. */
    mask = signal_block_all();
    /* glibc's fork keeps the host's own thread bookkeeping right; the
     * child always reports with SIGCHLD. */
    pid = fork();
    err = errno;
    if (pid == 0) {
        mmap_fork_child();
        thread_count = 1;
        thread_ts->tid = (pid_t)syscall(SYS_gettid);
        signal_fork_child(thread_ts);
    } else {
        mmap_unlock();
    }
    signal_unblock_all(mask);
    end_exclusive();
    if (pid < 0) {
        return -err;
    }
    if (pid == 0) {
        /* child: only this thread survives the fork */
        if (newsp) {
            env->regs[R_ESP] = newsp;
        }
        if (flags & CLONE_SETTLS) {
            env->segs[R_FS].base = tls;
        }
        if ((flags & CLONE_CHILD_SETTID) && user_access_ok(child_tid, 4, PAGE_WRITE)) {
            *(uint32_t *)g2h(child_tid) = (uint32_t)thread_ts->tid;
        }
        if (flags & CLONE_CHILD_CLEARTID) {
            thread_ts->child_tidptr = child_tid;
        }
        return 0;
    }
    if ((flags & CLONE_PARENT_SETTID) && user_access_ok(parent_tid, 4, PAGE_WRITE)) {
        *(uint32_t *)g2h(parent_tid) = (uint32_t)pid;
    }
    return pid;
}

int64_t do_clone(CPUX86State *env, uint64_t flags, uint64_t newsp, uint64_t parent_tid,
                 uint64_t child_tid, uint64_t tls)
{
    if ((flags & CLONE_VM) && (flags & CLONE_THREAD) && !(flags & CLONE_VFORK)) {
        if (!(flags & CLONE_SIGHAND)) {
            return -EINVAL;
        }
        return do_thread(env, flags, newsp, parent_tid, child_tid, tls);
    }
    if (flags & CLONE_THREAD) {
        return -EINVAL;
    }
    /* CLONE_VM without CLONE_THREAD (vfork, posix_spawn) becomes a fork:
     * the child has its own copy of memory, which a vfork child that
     * only calls execve or _exit cannot tell. */
    return do_fork(env, flags, newsp, parent_tid, child_tid, tls);
}

_Noreturn void user_thread_exit(CPUX86State *env, int status)
{
    CPUState *cs = env_cpu(env);
    TaskState *ts = thread_ts;

    if (__atomic_sub_fetch(&thread_count, 1, __ATOMIC_SEQ_CST) == 0) {
        exit(status & 0xff);
    }
    if (ts->child_tidptr && user_access_ok(ts->child_tidptr, 4, PAGE_WRITE)) {
        __atomic_store_n((uint32_t *)g2h(ts->child_tidptr), 0, __ATOMIC_SEQ_CST);
        syscall(SYS_futex, g2h(ts->child_tidptr), FUTEX_WAKE, INT32_MAX, NULL, NULL, 0);
    }
    cpu_exec_unregister(cs);
    signal_exit_thread(ts);
    thread_ts = NULL;
    /* The CPU and TaskState stay allocated: a signal handler racing with
     * the exit may still look at them. They are kept on a list so that
     * they are known to be retained, not lost. */
    pthread_mutex_lock(&retired_lock);
    ts->retired_next = retired_threads;
    retired_threads = ts;
    pthread_mutex_unlock(&retired_lock);
    pthread_exit(NULL);
}

/* Read a guest NULL-terminated array of strings (argv, envp). */
static char **guest_strv(uint64_t addr, int *count)
{
    char **v = NULL;
    int n = 0;

    for (;; n++) {
        uint64_t p;
        char **nv;
        if (!page_check_range(addr + 8 * n, 8, PAGE_READ)) {
            free(v);
            return NULL;
        }
        p = addr ? *(uint64_t *)g2h(addr + 8 * n) : 0;
        nv = realloc(v, (n + 1) * sizeof(*v));
        if (!nv) {
            free(v);
            return NULL;
        }
        v = nv;
        if (!p) {
            v[n] = NULL;
            break;
        }
        if (!page_check_range(p, 1, PAGE_READ)) {
            free(v);
            return NULL;
        }
        v[n] = g2h(p);
    }
    *count = n;
    return v;
}

int64_t do_execve(uint64_t gpath, uint64_t gargv, uint64_t genvp)
{
    const char *path = page_check_range(gpath, 1, PAGE_READ) ? g2h(gpath) : NULL;
    char **argv, **envp, **nargv;
    int argc = 0, envc = 0, n = 0;
    char hdr[4], maskbuf[24];
    uint64_t mask;
    int fd;
    ssize_t got;

    if (!path) {
        return -EFAULT;
    }
    if (is_proc_self(path, "exe")) {
        path = user_opts.exe_path; /* the guest re-executing itself */
    }
    argv = guest_strv(gargv, &argc);
    envp = guest_strv(genvp, &envc);
    if (!argv || !envp) {
        free(argv);
        free(envp);
        return -EFAULT;
    }
    /* Errors the kernel would report must come back to the guest, so
     * check what we can before leaving this image. */
    fd = user_open_sysroot(NULL, path, O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0) {
        free(argv);
        free(envp);
        return fd;
    }
    got = read(fd, hdr, sizeof(hdr));
    close(fd);
    if (access(path, X_OK) < 0) {
        int err = errno;
        free(argv);
        free(envp);
        return -err;
    }
    if (got < 2 || (memcmp(hdr, "\177ELF", 4) != 0 && memcmp(hdr, "#!", 2) != 0)) {
        free(argv);
        free(envp);
        return -ENOEXEC;
    }
    nargv = calloc(user_opts.argc_opts + argc + 8, sizeof(char *));
    if (!nargv) {
        free(argv);
        free(envp);
        return -ENOMEM;
    }
    nargv[n++] = user_opts.argv_opts[0];
    for (int i = 1; i < user_opts.argc_opts; i++) {
        nargv[n++] = user_opts.argv_opts[i];
    }
    if (argc > 0) {
        nargv[n++] = "-0";
        nargv[n++] = argv[0];
    }
    /* the signal mask survives execve */
    snprintf(maskbuf, sizeof(maskbuf), "%llx", (unsigned long long)thread_ts->sigmask);
    nargv[n++] = "-sigmask";
    nargv[n++] = maskbuf;
    nargv[n++] = (char *)path;
    for (int i = 1; i < argc; i++) {
        nargv[n++] = argv[i];
    }
    nargv[n] = NULL;
    /* No signal may be taken by our handler, and so be lost, from here
     * to the new image: the kernel keeps them pending across execve. */
    mask = signal_block_all();
    if (!signal_prepare_exec()) {
        signal_unblock_all(mask);
        free(nargv);
        free(argv);
        free(envp);
        return -TARGET_ERESTARTSYS;
    }
    /* Our own host path: /proc/self/exe is the emulator. */
    execve("/proc/self/exe", nargv, envp);
    {
        int err = errno;
        signal_unblock_all(mask);
        free(nargv);
        free(argv);
        free(envp);
        return -err;
    }
}
