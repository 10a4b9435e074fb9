/*
 * Guest signals.
 *
 * Every catchable host signal has our handler. An asynchronous one is
 * recorded as pending for the guest thread that received it and the CPU
 * is kicked (cpu_exit: generated code checks exit_request at every TB
 * start); the CPU loop then calls process_pending_signals, which builds
 * the x86-64 kernel's rt_sigframe on the guest stack. A synchronous
 * fault in generated code (SIGSEGV/SIGBUS...) is first offered to
 * page_unprotect (self-modifying code), else the guest state is restored
 * to the faulting instruction and the guest gets the signal.
 *
 * The guest's blocked mask is emulated per thread; the host mask mirrors
 * it (so the kernel picks a thread that can take a process signal, and
 * sigtimedwait/signalfd work) except for the synchronous signals, which
 * the emulator must always see. When the kernel still picks a thread
 * whose guest mask blocks a process-directed signal (a kill()ed SIGFPE,
 * or a mask being changed), the handler passes it on to a thread that
 * does not block it, or keeps it process-wide until one unblocks it.
 * Only CPU faults ("forced", thread-directed) ignore the guest mask.
 *
 * Blocking system calls interrupted by a host signal return EINTR; the
 * CPU loop turns that into a restart or EINTR for the guest depending on
 * the handler's SA_RESTART, as the kernel does.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "exec/cpu-exec.h"
#include "target/i386/cpu.h"
#include "util/log.h"
#include "user.h"

__thread TaskState *thread_ts;

/* The kernel's struct sigaction for rt_sigaction on x86-64. */
typedef struct TargetSigaction {
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
} TargetSigaction;

#define TARGET_SIG_DFL 0
#define TARGET_SIG_IGN 1
#define TARGET_SA_RESTORER 0x04000000
#define SYNC_SIGNALS ((1ull << (SIGSEGV - 1)) | (1ull << (SIGBUS - 1)) | (1ull << (SIGFPE - 1)) | \
                      (1ull << (SIGILL - 1)) | (1ull << (SIGTRAP - 1)))
#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1u << 31)
#endif
#define UNBLOCKABLE ((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)))

static TargetSigaction sigact[TARGET_NSIG + 1];
static pthread_mutex_t sigact_lock = PTHREAD_MUTEX_INITIALIZER;

/* Every guest thread (pushed at creation, never removed: TaskStates are
 * never freed), for routing process-directed signals from a handler. */
static TaskState *thread_list;
/* Process-directed signals every thread blocked when they came. Taken
 * under shared_lock, a spinlock: handlers take it (they run with all
 * other signals blocked), normal code only with host signals blocked. */
static uint64_t shared_pending;
static siginfo_t shared_info[TARGET_NSIG];
static int shared_lock;

static inline uint64_t sigbit(int sig)
{
    return 1ull << (sig - 1);
}

static void host_signal_handler(int sig, siginfo_t *info, void *puc);

/* The kernel's struct sigaction for rt_sigaction (8-byte mask). */
typedef struct HostKernelSigaction {
    void *handler;
    unsigned long flags;
    void *restorer;
    uint64_t mask;
} HostKernelSigaction;

/*
 * glibc's sigaction() refuses the two signals it keeps for itself (32 and
 * 33: thread cancellation and set*id across threads). The guest's glibc
 * uses them the same way (pthread_cancel, SIGEV_THREAD timers, setuid in
 * a threaded program), and the emulator never does, so they are set with
 * the raw system call: handler (NULL: SIG_DFL) with the flags, mask and
 * restorer glibc gave our SIGSEGV handler.
 */
static void install_host_handler_raw(int sig, void *handler)
{
    HostKernelSigaction k;

    if (syscall(SYS_rt_sigaction, SIGSEGV, NULL, &k, 8) < 0) {
        return;
    }
    if (handler) {
        k.handler = handler;
    } else {
        k.handler = SIG_DFL;
        k.flags &= ~(unsigned long)SA_SIGINFO;
    }
    syscall(SYS_rt_sigaction, sig, &k, NULL, 8);
}

static void install_host_handler(int sig)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = host_signal_handler;
    /* no SA_RESTART: the CPU loop decides about restarts; SA_NODEFER so a
     * fault handled by longjmp does not leave the signal blocked */
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigfillset(&sa.sa_mask);
    sigdelset(&sa.sa_mask, SIGSEGV);
    sigdelset(&sa.sa_mask, SIGBUS);
    if (sigaction(sig, &sa, NULL) < 0 && sig != SIGSEGV) {
        install_host_handler_raw(sig, (void *)host_signal_handler);
    }
}

static void *signal_noop_thread(void *arg)
{
    return arg;
}

void signal_init(void)
{
    pthread_t th;

    /* glibc installs its own handlers for 32 and 33 when the process
     * creates its first thread: have that done now, before ours */
    if (pthread_create(&th, NULL, signal_noop_thread, NULL) == 0) {
        pthread_join(th, NULL);
    }
    for (int sig = 1; sig <= TARGET_NSIG; sig++) {
        struct sigaction old;
        if (sig == SIGKILL || sig == SIGSTOP) {
            continue;
        }
        /* Keep what we inherited as ignored ignored (nohup, SIGPIPE from a
         * shell that ignores it): the guest starts with it ignored. */
        if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN &&
            !(sigbit(sig) & SYNC_SIGNALS)) {
            sigact[sig].handler = TARGET_SIG_IGN;
            continue;
        }
        install_host_handler(sig);
    }
}

void signal_sync_host_mask(TaskState *ts)
{
    sigset_t set;

    sigemptyset(&set);
    for (int sig = 1; sig <= TARGET_NSIG; sig++) {
        if ((ts->sigmask & sigbit(sig)) && !(sigbit(sig) & (SYNC_SIGNALS | UNBLOCKABLE))) {
            sigaddset(&set, sig);
        }
    }
    pthread_sigmask(SIG_SETMASK, &set, NULL);
}

void signal_init_thread(TaskState *ts)
{
    TaskState *head = __atomic_load_n(&thread_list, __ATOMIC_ACQUIRE);

    /* An alternate stack for our own handler is not needed: host signals
     * run on the host thread's stack, never the guest's. */
    ts->altstack_flags = SS_DISABLE;
    do {
        ts->next_thread = head;
    } while (!__atomic_compare_exchange_n(&thread_list, &head, ts, false, __ATOMIC_RELEASE,
                                          __ATOMIC_ACQUIRE));
    signal_sync_host_mask(ts);
}

void signal_exit_thread(TaskState *ts)
{
    sigset_t all;

    /* the kernel must pick another thread from now on */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, NULL);
    __atomic_store_n(&ts->exited, true, __ATOMIC_RELEASE);
}

uint64_t signal_block_all(void)
{
    uint64_t all = ~0ull, old = 0;

    /* the raw call: glibc's would leave 32 and 33 open */
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, &old, 8);
    return old;
}

void signal_unblock_all(uint64_t old)
{
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &old, NULL, 8);
}

bool signal_prepare_exec(void)
{
    TaskState *ts = thread_ts;
    uint64_t shared = __atomic_load_n(&shared_pending, __ATOMIC_ACQUIRE);
    pid_t pid = getpid();

    if ((ts->pending | ts->forced | shared) & ~ts->sigmask) {
        ts->signal_pending = 1;
        return false;
    }
    for (uint64_t p = ts->pending; p; p &= p - 1) {
        int sig = __builtin_ctzll(p) + 1;
        syscall(SYS_rt_tgsigqueueinfo, pid, ts->tid, sig, &ts->pending_info[sig - 1]);
    }
    for (uint64_t p = shared; p; p &= p - 1) {
        int sig = __builtin_ctzll(p) + 1;
        syscall(SYS_rt_sigqueueinfo, pid, sig, &shared_info[sig - 1]);
    }
    __atomic_store_n(&ts->pending, 0, __ATOMIC_SEQ_CST);
    __atomic_and_fetch(&shared_pending, ~shared, __ATOMIC_SEQ_CST);
    return true;
}

void signal_fork_child(TaskState *ts)
{
    /* the child is this one thread, with no signal pending */
    ts->next_thread = NULL;
    thread_list = ts;
    ts->pending = ts->forced = 0;
    shared_pending = 0;
    shared_lock = 0;
}

static void shared_lock_take(void)
{
    while (__atomic_exchange_n(&shared_lock, 1, __ATOMIC_ACQUIRE)) {
        /* the holder is another thread, and never long */
    }
}

static void shared_lock_release(void)
{
    __atomic_store_n(&shared_lock, 0, __ATOMIC_RELEASE);
}

_Noreturn void user_die_by_signal(int sig)
{
    struct sigaction sa;
    sigset_t set;

    fflush(stdout);
    fflush(stderr);
    if (log_file) {
        fflush(log_file);
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    if (sigaction(sig, &sa, NULL) < 0) {
        install_host_handler_raw(sig, NULL);
    }
    if (sig == SIGSEGV || sig == SIGABRT || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
        sig == SIGQUIT || sig == SIGTRAP || sig == SIGSYS || sig == SIGXCPU || sig == SIGXFSZ) {
        /* a core of the emulator would not help anyone debug the guest */
        struct rlimit zero = { 0, 0 };
        setrlimit(RLIMIT_CORE, &zero);
    }
    sigemptyset(&set);
    sigaddset(&set, sig);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    kill(getpid(), sig);
    /* still alive (a signal whose default is to stop or be ignored) */
    for (;;) {
        pause();
    }
}

static void queue_signal(TaskState *ts, int sig, const siginfo_t *info)
{
    ts->pending_info[sig - 1] = *info;
    __atomic_or_fetch(&ts->pending, sigbit(sig), __ATOMIC_SEQ_CST);
    ts->signal_pending = 1;
    if (ts->cs) {
        cpu_exit(ts->cs);
    }
}

/* A CPU fault of this thread: delivered whatever the mask says. */
static void queue_forced_signal(TaskState *ts, int sig, const siginfo_t *info)
{
    __atomic_or_fetch(&ts->forced, sigbit(sig), __ATOMIC_SEQ_CST);
    queue_signal(ts, sig, info);
}

/*
 * In a host handler: a process-directed signal that the receiving thread
 * (self, NULL when it is exiting) blocks for the guest. Hand it to a
 * thread that does not, keeping its siginfo (rt_tgsigqueueinfo within
 * our own process accepts any si_code); else keep it process-wide.
 */
static void route_process_signal(TaskState *self, int sig, const siginfo_t *info)
{
    pid_t pid = getpid();
    siginfo_t copy = *info;

    for (TaskState *t = __atomic_load_n(&thread_list, __ATOMIC_ACQUIRE); t; t = t->next_thread) {
        if (t == self || __atomic_load_n(&t->exited, __ATOMIC_ACQUIRE) ||
            (t->sigmask & sigbit(sig))) {
            continue;
        }
        if (syscall(SYS_rt_tgsigqueueinfo, pid, t->tid, sig, &copy) == 0) {
            return;
        }
    }
    shared_lock_take();
    shared_info[sig - 1] = *info;
    __atomic_or_fetch(&shared_pending, sigbit(sig), __ATOMIC_SEQ_CST);
    shared_lock_release();
    /* a thread that unblocked it meanwhile looks at it now */
    for (TaskState *t = __atomic_load_n(&thread_list, __ATOMIC_ACQUIRE); t; t = t->next_thread) {
        if (!__atomic_load_n(&t->exited, __ATOMIC_ACQUIRE) && !(t->sigmask & sigbit(sig))) {
            t->signal_pending = 1;
            if (t->cs) {
                cpu_exit(t->cs);
            }
        }
    }
}

/* Move the process-wide signals in wanted (those this thread does not
 * block, or waits for) into its own pending set. */
static void claim_shared_signals(TaskState *ts, uint64_t wanted)
{
    uint64_t want = __atomic_load_n(&shared_pending, __ATOMIC_ACQUIRE) & wanted;
    sigset_t all, old;

    if (!want) {
        return;
    }
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    shared_lock_take();
    want = shared_pending & wanted;
    while (want) {
        int sig = __builtin_ctzll(want) + 1;
        want &= ~sigbit(sig);
        ts->pending_info[sig - 1] = shared_info[sig - 1];
        __atomic_or_fetch(&ts->pending, sigbit(sig), __ATOMIC_SEQ_CST);
        __atomic_and_fetch(&shared_pending, ~sigbit(sig), __ATOMIC_SEQ_CST);
        ts->signal_pending = 1;
    }
    shared_lock_release();
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void host_signal_handler(int sig, siginfo_t *info, void *puc)
{
    ucontext_t *uc = puc;
    TaskState *ts = thread_ts;
    CPUState *cs = current_cpu;
    bool sync = info->si_code > 0 && (sigbit(sig) & SYNC_SIGNALS);
    int saved_errno = errno;

    if (sync) {
        uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
        uint64_t addr = h2g(info->si_addr);
        siginfo_t gi;

        if (sig == SIGSEGV && info->si_code == SEGV_ACCERR && page_unprotect(addr)) {
            errno = saved_errno;
            return; /* the write to translated code is retried */
        }
        if (!cs || !ts) {
            /* a fault in the emulator itself */
            fprintf(stderr, "tern-x86_64: internal error: host signal %d at pc %p addr %p\n", sig,
                    (void *)pc, info->si_addr);
            user_die_by_signal(sig);
        }
        cpu_restore_state(cs, pc + 1);
        memset(&gi, 0, sizeof(gi));
        gi.si_signo = sig;
        gi.si_code = info->si_code;
        gi.si_addr = (void *)(uintptr_t)addr;
        if (info->si_code == SI_KERNEL) {
            /* a #GP (non-canonical address...): no address, as the
             * kernel reports it to the guest too */
            gi.si_addr = NULL;
        } else if (sig == SIGSEGV) {
            /* the guest's table decides: a page the emulator keeps
             * PROT_NONE for itself is unmapped as far as the guest knows */
            gi.si_code = page_get_flags(addr) ? SEGV_ACCERR : SEGV_MAPERR;
        }
        /* the host fault is the guest's: same vector and error code */
        ts->trapno = (uint64_t)uc->uc_mcontext.gregs[REG_TRAPNO];
        ts->trap_err = (uint64_t)uc->uc_mcontext.gregs[REG_ERR];
        queue_forced_signal(ts, sig, &gi);
        cs->exception_index = EXCP_INTERRUPT;
        /* leave the handler through the CPU loop with the mask it had */
        pthread_sigmask(SIG_SETMASK, &uc->uc_sigmask, NULL);
        cpu_loop_exit(cs);
    }
    if (ts && !ts->exited && (!(ts->sigmask & sigbit(sig)) || info->si_code == SI_TKILL)) {
        /* ours: unblocked, or sent to this very thread (then it waits
         * here until the thread unblocks it) */
        queue_signal(ts, sig, info);
    } else {
        route_process_signal(ts, sig, info);
    }
    {
        /* about to enter a blocking call for the guest: do not start it
         * (safe-syscall.S), the CPU loop delivers the signal first */
        uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
        if (pc >= (uintptr_t)safe_syscall_start && pc < (uintptr_t)safe_syscall_end) {
            uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)safe_syscall_restart;
        }
    }
    errno = saved_errno;
}

/* The vector a CPU exception that Linux reports as (sig, code) came
 * from, for the frame's sigcontext.trapno. */
static int trapno_of(CPUX86State *env, int sig, int code)
{
    switch (sig) {
    case SIGSEGV:
        return code == SI_KERNEL ? EXCP0D_GPF : EXCP0E_PAGE;
    case SIGBUS:
        return code == BUS_ADRALN ? EXCP11_ALGN : EXCP0B_NOSEG;
    case SIGILL:
        return EXCP06_ILLOP;
    case SIGTRAP:
        return code == SI_KERNEL ? EXCP03_INT3 : EXCP01_DB;
    case SIGFPE:
        if (code == FPE_INTDIV || code == FPE_INTOVF) {
            return EXCP00_DIVZ;
        }
        /* an SSE exception leaves unmasked flags in MXCSR */
        return (env->mxcsr & ~(env->mxcsr >> 7) & 0x3f) ? EXCP13_XMM : EXCP10_COPR;
    }
    return 0;
}

void queue_guest_signal(CPUX86State *env, int sig, int code, uint64_t addr)
{
    siginfo_t si;

    /* what the kernel keeps in thread.trap_nr/error_code for the frame */
    thread_ts->trapno = (uint64_t)trapno_of(env, sig, code);
    thread_ts->trap_err = 0;
    if (thread_ts->trapno == EXCP0E_PAGE) {
        /* bit 0: the page is present (a protection fault) */
        thread_ts->trap_err = (uint64_t)env->error_code | (page_get_flags(addr) ? 1 : 0);
    }

    memset(&si, 0, sizeof(si));
    si.si_signo = sig;
    si.si_code = code;
    si.si_addr = (void *)(uintptr_t)addr;
    queue_forced_signal(thread_ts, sig, &si);
}

/* ---- the signal frame ---- */

typedef struct TargetSigcontext {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2;
    uint64_t fpstate;
    uint64_t reserved1[8];
} TargetSigcontext;

typedef struct TargetStack {
    uint64_t ss_sp;
    int32_t ss_flags;
    int32_t pad;
    uint64_t ss_size;
} TargetStack;

typedef struct TargetUcontext {
    uint64_t uc_flags;
    uint64_t uc_link;
    TargetStack uc_stack;
    TargetSigcontext uc_mcontext;
    uint64_t uc_sigmask;
} TargetUcontext;

typedef struct TargetRtSigframe {
    uint64_t pretcode;
    TargetUcontext uc;
    uint8_t info[128];
} TargetRtSigframe;

#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4

/* fxsave-format image of the x87/SSE state */
static void fxsave_to(CPUX86State *env, uint8_t *fx)
{
    uint16_t fsw = (uint16_t)((env->fpus & ~0x3800) | ((env->fpstt & 7) << 11));
    uint8_t ftw = 0;

    memset(fx, 0, 512);
    for (int i = 0; i < 8; i++) {
        if (!env->fptags[i]) {
            ftw |= 1 << i;
        }
    }
    memcpy(fx + 0, &env->fpuc, 2);
    memcpy(fx + 2, &fsw, 2);
    fx[4] = ftw;
    memcpy(fx + 6, &env->fpop, 2);
    memcpy(fx + 8, &env->fpip, 8);
    memcpy(fx + 16, &env->fpdp, 8);
    memcpy(fx + 24, &env->mxcsr, 4);
    {
        uint32_t mask = 0xffff;
        memcpy(fx + 28, &mask, 4);
    }
    for (int i = 0; i < 8; i++) {
        memcpy(fx + 32 + 16 * i, &env->fpregs[(env->fpstt + i) & 7], 10);
    }
    for (int i = 0; i < 16; i++) {
        memcpy(fx + 160 + 16 * i, &env->xmm_regs[i], 16);
    }
}

static void fxrstor_from(CPUX86State *env, const uint8_t *fx)
{
    uint16_t fsw;
    uint32_t mxcsr;

    memcpy(&env->fpuc, fx + 0, 2);
    memcpy(&fsw, fx + 2, 2);
    env->fpstt = (fsw >> 11) & 7;
    env->fpus = fsw & ~0x3800;
    for (int i = 0; i < 8; i++) {
        env->fptags[i] = !(fx[4] & (1 << i));
    }
    memcpy(&env->fpop, fx + 6, 2);
    memcpy(&env->fpip, fx + 8, 8);
    memcpy(&env->fpdp, fx + 16, 8);
    memcpy(&mxcsr, fx + 24, 4);
    env->mxcsr = mxcsr & 0xffff;
    for (int i = 0; i < 8; i++) {
        memset(&env->fpregs[(env->fpstt + i) & 7], 0, sizeof(FPReg));
        memcpy(&env->fpregs[(env->fpstt + i) & 7], fx + 32 + 16 * i, 10);
    }
    for (int i = 0; i < 16; i++) {
        memcpy(&env->xmm_regs[i], fx + 160 + 16 * i, 16);
    }
}

static bool on_altstack(TaskState *ts, uint64_t sp)
{
    return ts->altstack_size && sp > ts->altstack_sp && sp - ts->altstack_sp <= ts->altstack_size;
}

static int default_action_terminates(int sig)
{
    switch (sig) {
    case SIGCHLD:
    case SIGURG:
    case SIGWINCH:
    case SIGCONT:
        return 0; /* ignore */
    case SIGTSTP:
    case SIGTTIN:
    case SIGTTOU:
        return 2; /* stop */
    default:
        return 1;
    }
}

/*
 * The default action of SIGTSTP/SIGTTIN/SIGTTOU: let the kernel stop us
 * with that very signal (the parent's waitpid sees WSTOPSIG = sig, and
 * the kernel applies its orphaned process group rule), then take the
 * signal back once continued.
 */
static void stop_by_signal(int sig)
{
    struct sigaction dfl, old;
    sigset_t set, oldset;

    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    sigaction(sig, &dfl, &old);
    sigemptyset(&set);
    sigaddset(&set, sig);
    pthread_sigmask(SIG_UNBLOCK, &set, &oldset);
    raise(sig);
    pthread_sigmask(SIG_SETMASK, &oldset, NULL);
    sigaction(sig, &old, NULL);
}

/* Build the frame and point the CPU at the handler. */
static void setup_rt_frame(CPUX86State *env, TaskState *ts, int sig, const TargetSigaction *ka,
                           const siginfo_t *info, uint64_t saved_mask)
{
    uint64_t sp = env->regs[R_ESP], fp_addr, frame_addr;
    TargetRtSigframe *frame;
    TargetSigcontext *sc;
    uint8_t fx[512];

    if ((ka->flags & SA_ONSTACK) && ts->altstack_size && !on_altstack(ts, sp)) {
        sp = ts->altstack_sp + ts->altstack_size;
    } else {
        sp -= 128; /* the red zone */
    }
    fp_addr = (sp - 512) & ~63ull;
    frame_addr = ((fp_addr - sizeof(TargetRtSigframe)) & ~15ull) - 8;
    if (!user_access_ok(frame_addr, sp - frame_addr, PAGE_WRITE)) {
        /* no room for the frame: the kernel kills with SIGSEGV */
        user_die_by_signal(SIGSEGV);
    }
    fxsave_to(env, fx);
    memcpy(g2h(fp_addr), fx, 512);

    frame = g2h(frame_addr);
    memset(frame, 0, sizeof(*frame));
    frame->pretcode = ka->restorer;
    frame->uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
    frame->uc.uc_stack.ss_sp = ts->altstack_sp;
    frame->uc.uc_stack.ss_size = ts->altstack_size;
    frame->uc.uc_stack.ss_flags = ts->altstack_size ? (on_altstack(ts, env->regs[R_ESP]) ?
                                                       SS_ONSTACK : 0) : SS_DISABLE;
    sc = &frame->uc.uc_mcontext;
    sc->r8 = env->regs[R_R8];
    sc->r9 = env->regs[R_R9];
    sc->r10 = env->regs[R_R10];
    sc->r11 = env->regs[R_R11];
    sc->r12 = env->regs[R_R12];
    sc->r13 = env->regs[R_R13];
    sc->r14 = env->regs[R_R14];
    sc->r15 = env->regs[R_R15];
    sc->rdi = env->regs[R_EDI];
    sc->rsi = env->regs[R_ESI];
    sc->rbp = env->regs[R_EBP];
    sc->rbx = env->regs[R_EBX];
    sc->rdx = env->regs[R_EDX];
    sc->rax = env->regs[R_EAX];
    sc->rcx = env->regs[R_ECX];
    sc->rsp = env->regs[R_ESP];
    sc->rip = env->eip;
    sc->eflags = cpu_compute_eflags(env);
    sc->cs = 0x33;
    sc->ss = 0x2b;
    /* like the kernel: the last fault's vector and error code (stale
     * for an asynchronous signal), cr2 only for a page fault */
    sc->trapno = ts->trapno;
    sc->err = ts->trap_err;
    sc->cr2 = ts->trapno == EXCP0E_PAGE ? (uint64_t)(uintptr_t)info->si_addr : 0;
    sc->oldmask = saved_mask;
    sc->fpstate = fp_addr;
    frame->uc.uc_sigmask = saved_mask;
    memcpy(frame->info, info, sizeof(frame->info));
    ((siginfo_t *)frame->info)->si_signo = sig;

    env->regs[R_EDI] = sig;
    env->regs[R_ESI] = frame_addr + offsetof(TargetRtSigframe, info);
    env->regs[R_EDX] = frame_addr + offsetof(TargetRtSigframe, uc);
    env->regs[R_EAX] = 0;
    env->regs[R_ESP] = frame_addr;
    env->eip = ka->handler;
    cpu_load_eflags(env, cpu_compute_eflags(env) & ~(uint64_t)(TF_MASK | DF_MASK | RF_MASK | AC_MASK),
                    CC_ALL | TF_MASK | DF_MASK | RF_MASK | AC_MASK);
    env->df = 1;
    /* the handler starts with a clean FPU, as on Linux */
    env->fpuc = 0x37f;
    env->fpus = 0;
    env->fpstt = 0;
    memset(env->fptags, 1, sizeof(env->fptags));
    env->mxcsr = 0x1f80;
}

int64_t do_rt_sigreturn(CPUX86State *env)
{
    TaskState *ts = thread_ts;
    uint64_t frame_addr = env->regs[R_ESP] - 8;
    TargetRtSigframe *frame;
    TargetSigcontext *sc;

    if (!page_check_range(frame_addr, sizeof(*frame), PAGE_READ)) {
        user_die_by_signal(SIGSEGV);
    }
    frame = g2h(frame_addr);
    sc = &frame->uc.uc_mcontext;
    env->regs[R_R8] = sc->r8;
    env->regs[R_R9] = sc->r9;
    env->regs[R_R10] = sc->r10;
    env->regs[R_R11] = sc->r11;
    env->regs[R_R12] = sc->r12;
    env->regs[R_R13] = sc->r13;
    env->regs[R_R14] = sc->r14;
    env->regs[R_R15] = sc->r15;
    env->regs[R_EDI] = sc->rdi;
    env->regs[R_ESI] = sc->rsi;
    env->regs[R_EBP] = sc->rbp;
    env->regs[R_EBX] = sc->rbx;
    env->regs[R_EDX] = sc->rdx;
    env->regs[R_EAX] = sc->rax;
    env->regs[R_ECX] = sc->rcx;
    env->regs[R_ESP] = sc->rsp;
    env->eip = sc->rip;
    cpu_load_eflags(env, sc->eflags, CC_ALL | TF_MASK | DF_MASK | RF_MASK | AC_MASK | ID_MASK);
    if (sc->fpstate && page_check_range(sc->fpstate, 512, PAGE_READ)) {
        fxrstor_from(env, g2h(sc->fpstate));
    }
    ts->sigmask = frame->uc.uc_sigmask & ~UNBLOCKABLE;
    signal_sync_host_mask(ts);
    if (frame->uc.uc_stack.ss_flags != SS_ONSTACK) {
        /* restore_altstack: the frame's stack_t is the one in force */
        if (frame->uc.uc_stack.ss_flags & SS_DISABLE) {
            ts->altstack_sp = ts->altstack_size = 0;
        } else if (frame->uc.uc_stack.ss_size) {
            ts->altstack_sp = frame->uc.uc_stack.ss_sp;
            ts->altstack_size = frame->uc.uc_stack.ss_size;
        }
    }
    ts->signal_pending = 1; /* unblocked signals may be waiting */
    return -TARGET_EJUSTRETURN; /* rax already set */
}

/* Deliver one signal; returns true when a guest handler was set up. */
static bool deliver_signal(CPUX86State *env, TaskState *ts, int sig, bool forced,
                           uint64_t saved_mask)
{
    TargetSigaction ka;
    siginfo_t info = ts->pending_info[sig - 1];

    pthread_mutex_lock(&sigact_lock);
    ka = sigact[sig];
    if (ka.handler > TARGET_SIG_IGN && (ka.flags & SA_RESETHAND)) {
        sigact[sig].handler = TARGET_SIG_DFL;
    }
    pthread_mutex_unlock(&sigact_lock);

    if (log_enabled(LOG_INT)) {
        log_printf("linux-user: signal %d at rip 0x%llx\n", sig, (unsigned long long)env->eip);
    }
    if (ka.handler == TARGET_SIG_IGN && !forced) {
        return false;
    }
    if (ka.handler == TARGET_SIG_DFL || ka.handler == TARGET_SIG_IGN) {
        int act = default_action_terminates(sig);
        if (act == 1 || forced) {
            user_die_by_signal(sig);
        }
        if (act == 2) {
            stop_by_signal(sig);
        }
        return false;
    }
    setup_rt_frame(env, ts, sig, &ka, &info, saved_mask);
    ts->sigmask |= ka.mask & ~UNBLOCKABLE;
    if (!(ka.flags & SA_NODEFER)) {
        ts->sigmask |= sigbit(sig);
    }
    signal_sync_host_mask(ts);
    return true;
}

/* Which syscall was interrupted, for the restart decision. */
static __thread int interrupted_nr = -1;
static __thread uint64_t interrupted_pc;

void signal_note_interrupted_syscall(CPUX86State *env, int nr)
{
    interrupted_nr = nr;
    interrupted_pc = env->eip;
}

static bool restart_never(int nr)
{
    switch (nr) {
    case SYS_pause:
    case SYS_rt_sigsuspend:
    case SYS_rt_sigtimedwait:
    case SYS_nanosleep:
    case SYS_clock_nanosleep:
    case SYS_poll:
    case SYS_ppoll:
    case SYS_select:
    case SYS_pselect6:
    case SYS_epoll_wait:
    case SYS_epoll_pwait:
    case SYS_epoll_pwait2:
        return true;
    }
    return false;
}

void process_pending_signals(CPUX86State *env)
{
    TaskState *ts = thread_ts;
    uint64_t saved_mask;
    bool handled = false;
    bool restart_ok = true;

    if (!ts) {
        return;
    }
    saved_mask = ts->in_sigsuspend ? ts->sigsuspend_mask : ts->sigmask;
    while (ts->signal_pending) {
        uint64_t ready, forced;
        int sig;
        bool is_forced;

        ts->signal_pending = 0;
        claim_shared_signals(ts, ~ts->sigmask);
        forced = __atomic_load_n(&ts->forced, __ATOMIC_SEQ_CST);
        ready = __atomic_load_n(&ts->pending, __ATOMIC_SEQ_CST) & (~ts->sigmask | forced);
        if (!ready) {
            break;
        }
        /* CPU faults first */
        sig = (ready & forced) ? __builtin_ctzll(ready & forced) + 1 : __builtin_ctzll(ready) + 1;
        is_forced = (forced & sigbit(sig)) != 0;
        __atomic_and_fetch(&ts->forced, ~sigbit(sig), __ATOMIC_SEQ_CST);
        __atomic_and_fetch(&ts->pending, ~sigbit(sig), __ATOMIC_SEQ_CST);
        ts->signal_pending = 1;
        if (is_forced && (ts->sigmask & sigbit(sig))) {
            /* a fault with the signal blocked: the kernel forces default */
            user_die_by_signal(sig);
        }
        /* an interrupted system call is finished before the handler runs */
        if (interrupted_nr >= 0 && env->eip == interrupted_pc) {
            TargetSigaction ka;
            pthread_mutex_lock(&sigact_lock);
            ka = sigact[sig];
            pthread_mutex_unlock(&sigact_lock);
            if (ka.handler > TARGET_SIG_IGN) {
                if ((ka.flags & SA_RESTART) && !restart_never(interrupted_nr)) {
                    env->regs[R_EAX] = interrupted_nr;
                    env->eip -= 2;
                } else {
                    env->regs[R_EAX] = (uint64_t)-EINTR;
                }
                interrupted_nr = -1;
                restart_ok = false;
            }
        }
        if (deliver_signal(env, ts, sig, is_forced,
                           ts->in_sigsuspend ? ts->sigsuspend_mask : saved_mask)) {
            handled = true;
            if (ts->in_sigsuspend) {
                ts->in_sigsuspend = false;
            }
            saved_mask = ts->sigmask;
        }
    }
    if (interrupted_nr >= 0 && env->eip == interrupted_pc && restart_ok) {
        /* no handler ran: the call restarts transparently, except the
         * waits that report any signal */
        if (!restart_never(interrupted_nr) || interrupted_nr == SYS_nanosleep ||
            interrupted_nr == SYS_clock_nanosleep) {
            if (interrupted_nr != SYS_rt_sigsuspend && interrupted_nr != SYS_pause &&
                interrupted_nr != SYS_rt_sigtimedwait) {
                env->regs[R_EAX] = interrupted_nr;
                env->eip -= 2;
            }
        }
    }
    interrupted_nr = -1;
    if (!handled && ts->in_sigsuspend) {
        ts->in_sigsuspend = false;
        ts->sigmask = ts->sigsuspend_mask;
        signal_sync_host_mask(ts);
    }
}

/* ---- the signal system calls ---- */

static int64_t do_rt_sigaction(int sig, uint64_t act, uint64_t oact, uint64_t size)
{
    TargetSigaction old;

    if (size != 8) {
        return -EINVAL;
    }
    if (sig < 1 || sig > TARGET_NSIG) {
        return -EINVAL;
    }
    if (act && (sig == SIGKILL || sig == SIGSTOP)) {
        return -EINVAL;
    }
    if ((act && !page_check_range(act, sizeof(TargetSigaction), PAGE_READ)) ||
        (oact && !user_access_ok(oact, sizeof(TargetSigaction), PAGE_WRITE))) {
        return -EFAULT;
    }
    pthread_mutex_lock(&sigact_lock);
    old = sigact[sig];
    if (act) {
        TargetSigaction *na = g2h(act);
        sigact[sig] = *na;
        sigact[sig].mask &= ~UNBLOCKABLE;
        if (!(sigbit(sig) & SYNC_SIGNALS)) {
            if (na->handler == TARGET_SIG_IGN) {
                /* ignored on the host too: blocking calls are then not
                 * interrupted, and SIGCHLD's auto-reaping applies */
                signal(sig, SIG_IGN);
            } else if (sig == SIGCHLD && na->handler == TARGET_SIG_DFL) {
                install_host_handler(sig);
            } else {
                install_host_handler(sig);
            }
            if (sig == SIGCHLD) {
                struct sigaction sa;
                sigaction(SIGCHLD, NULL, &sa);
                sa.sa_flags = (sa.sa_flags & ~(SA_NOCLDSTOP | SA_NOCLDWAIT)) |
                              (na->flags & (SA_NOCLDSTOP | SA_NOCLDWAIT));
                sigaction(SIGCHLD, &sa, NULL);
            }
        }
    }
    pthread_mutex_unlock(&sigact_lock);
    if (oact) {
        *(TargetSigaction *)g2h(oact) = old;
    }
    return 0;
}

static int64_t do_rt_sigprocmask(int how, uint64_t set, uint64_t oset, uint64_t size)
{
    TaskState *ts = thread_ts;
    uint64_t old = ts->sigmask;

    if (size != 8) {
        return -EINVAL;
    }
    if (set) {
        uint64_t s;
        if (!page_check_range(set, 8, PAGE_READ)) {
            return -EFAULT;
        }
        s = *(uint64_t *)g2h(set) & ~UNBLOCKABLE;
        switch (how) {
        case SIG_BLOCK:
            ts->sigmask |= s;
            break;
        case SIG_UNBLOCK:
            ts->sigmask &= ~s;
            break;
        case SIG_SETMASK:
            ts->sigmask = s;
            break;
        default:
            return -EINVAL;
        }
        signal_sync_host_mask(ts);
        ts->signal_pending = 1;
    }
    if (oset) {
        if (!user_access_ok(oset, 8, PAGE_WRITE)) {
            return -EFAULT;
        }
        *(uint64_t *)g2h(oset) = old;
    }
    return 0;
}

static int64_t do_sigaltstack(CPUX86State *env, uint64_t uss, uint64_t uoss)
{
    TaskState *ts = thread_ts;
    TargetStack old = { ts->altstack_sp, 0, 0, ts->altstack_size };

    old.ss_flags = ts->altstack_size ? (on_altstack(ts, env->regs[R_ESP]) ? SS_ONSTACK : 0)
                                     : SS_DISABLE;
    if (uss) {
        TargetStack ns;
        if (!page_check_range(uss, sizeof(ns), PAGE_READ)) {
            return -EFAULT;
        }
        ns = *(TargetStack *)g2h(uss);
        if (on_altstack(ts, env->regs[R_ESP])) {
            return -EPERM;
        }
        if (ns.ss_flags & ~(SS_DISABLE | SS_AUTODISARM | SS_ONSTACK)) {
            return -EINVAL;
        }
        if (ns.ss_flags & SS_DISABLE) {
            ts->altstack_sp = ts->altstack_size = 0;
        } else {
            if (ns.ss_size < 2048) {
                return -ENOMEM;
            }
            ts->altstack_sp = ns.ss_sp;
            ts->altstack_size = ns.ss_size;
        }
    }
    if (uoss) {
        if (!user_access_ok(uoss, sizeof(old), PAGE_WRITE)) {
            return -EFAULT;
        }
        *(TargetStack *)g2h(uoss) = old;
    }
    return 0;
}

static int64_t do_rt_sigsuspend(uint64_t mask_addr, uint64_t size)
{
    TaskState *ts = thread_ts;
    uint64_t mask;
    sigset_t hset;

    if (size != 8) {
        return -EINVAL;
    }
    if (!page_check_range(mask_addr, 8, PAGE_READ)) {
        return -EFAULT;
    }
    mask = *(uint64_t *)g2h(mask_addr) & ~UNBLOCKABLE;
    ts->sigsuspend_mask = ts->sigmask;
    ts->in_sigsuspend = true;
    ts->sigmask = mask;
    claim_shared_signals(ts, ~mask);
    if (!(ts->pending & ~mask)) {
        sigemptyset(&hset);
        for (int sig = 1; sig <= TARGET_NSIG; sig++) {
            if ((mask & sigbit(sig)) && !(sigbit(sig) & SYNC_SIGNALS)) {
                sigaddset(&hset, sig);
            }
        }
        /* a signal the host handler takes after the check above stops
         * the call from starting (safe_syscall); one still blocked on the
         * host is let in atomically by the kernel */
        safe_syscall(SYS_rt_sigsuspend, (uint64_t)(uintptr_t)&hset, 8, 0, 0, 0, 0);
    }
    ts->signal_pending = 1;
    return -EINTR;
}

static int64_t do_rt_sigpending(uint64_t set, uint64_t size)
{
    sigset_t host;
    uint64_t v;

    if (size != 8) {
        return -EINVAL;
    }
    sigpending(&host);
    v = (thread_ts->pending | __atomic_load_n(&shared_pending, __ATOMIC_ACQUIRE)) &
        thread_ts->sigmask;
    for (int sig = 1; sig <= TARGET_NSIG; sig++) {
        if (sigismember(&host, sig) == 1) {
            v |= sigbit(sig);
        }
    }
    if (!user_access_ok(set, 8, PAGE_WRITE)) {
        return -EFAULT;
    }
    *(uint64_t *)g2h(set) = v;
    return 0;
}

static int64_t do_rt_sigtimedwait(uint64_t set_addr, uint64_t info, uint64_t ts_addr,
                                  uint64_t size)
{
    TaskState *ts = thread_ts;
    uint64_t set, ready;

    if (size != 8) {
        return -EINVAL;
    }
    if (!page_check_range(set_addr, 8, PAGE_READ)) {
        return -EFAULT;
    }
    set = *(uint64_t *)g2h(set_addr);
    claim_shared_signals(ts, set);
    ready = ts->pending & set;
    if (ready) {
        /* already taken by our handler: hand it over */
        int sig = __builtin_ctzll(ready) + 1;
        __atomic_and_fetch(&ts->pending, ~sigbit(sig), __ATOMIC_SEQ_CST);
        if (info && user_access_ok(info, 128, PAGE_WRITE)) {
            memcpy(g2h(info), &ts->pending_info[sig - 1], 128);
        }
        return sig;
    }
    if (info) {
        user_access_ok(info, 128, PAGE_WRITE);
    }
    return safe_syscall(SYS_rt_sigtimedwait, (uint64_t)(uintptr_t)g2h(set_addr),
                        info ? (uint64_t)(uintptr_t)g2h(info) : 0,
                        ts_addr ? (uint64_t)(uintptr_t)g2h(ts_addr) : 0, 8, 0, 0);
}

bool syscall_signal(SyscallArgs *sa, int64_t *ret)
{
    uint64_t *a = sa->a;

    switch (sa->nr) {
    case SYS_rt_sigaction:
        *ret = do_rt_sigaction((int)a[0], a[1], a[2], a[3]);
        return true;
    case SYS_rt_sigprocmask:
        *ret = do_rt_sigprocmask((int)a[0], a[1], a[2], a[3]);
        return true;
    case SYS_rt_sigreturn:
        *ret = do_rt_sigreturn(sa->env);
        return true;
    case SYS_sigaltstack:
        *ret = do_sigaltstack(sa->env, a[0], a[1]);
        return true;
    case SYS_rt_sigsuspend:
        *ret = do_rt_sigsuspend(a[0], a[1]);
        return true;
    case SYS_rt_sigpending:
        *ret = do_rt_sigpending(a[0], a[1]);
        return true;
    case SYS_rt_sigtimedwait:
        *ret = do_rt_sigtimedwait(a[0], a[1], a[2], a[3]);
        return true;
    case SYS_rt_sigqueueinfo:
        *ret = host_ret(syscall(SYS_rt_sigqueueinfo, a[0], a[1], g2h(a[2])));
        return true;
    case SYS_rt_tgsigqueueinfo:
        *ret = host_ret(syscall(SYS_rt_tgsigqueueinfo, a[0], a[1], a[2], g2h(a[3])));
        return true;
    }
    return false;
}
