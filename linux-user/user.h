/*
 * linux-user's private interfaces: the loaded image, guest memory
 * management, the system call layer, signals and threads. Everything
 * here runs in the emulator's process on behalf of one x86-64 Linux
 * guest program; guest addresses are uint64_t and become host pointers
 * through g2h().
 */
#ifndef LINUX_USER_USER_H
#define LINUX_USER_USER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "user/page.h"

/* Guest virtual addresses usable by the guest (x86-64, 4-level paging). */
#define USER_ADDR_LIMIT (1ull << 47)

#define TARGET_PAGE_ALIGN(a) (((a) + TARGET_PAGE_SIZE - 1) & TARGET_PAGE_MASK)

/* What the ELF loader learnt about the program (and its interpreter). */
typedef struct ImageInfo {
    uint64_t load_bias;  /* added to the program's p_vaddr (PIE) */
    uint64_t entry;      /* the program's own entry point */
    uint64_t start_code, end_code;
    uint64_t start_data, end_data;
    uint64_t start_brk;  /* first byte after bss, page aligned */
    uint64_t phdr;       /* guest address of the program headers */
    uint64_t phnum, phent;
    uint64_t interp_base; /* load address of the interpreter, 0 if none */
    uint64_t start_pc;   /* where the CPU starts: interpreter or entry */
    uint64_t stack_top, stack_limit;
    uint64_t start_stack; /* initial rsp (points at argc) */
    uint64_t execfn;     /* guest address of the AT_EXECFN string */
    bool exec_stack;     /* PT_GNU_STACK asked for an executable stack */
    /* for /proc/self/cmdline and environ: where the strings are (the
     * guest may rewrite them), and the auxv as given (the kernel keeps a
     * copy for /proc/self/auxv too) */
    uint64_t arg_start, arg_end, env_start, env_end;
    uint64_t saved_auxv[2 * 24];
    size_t auxv_bytes;
} ImageInfo;

/* elfload.c */

/* Options of the load the loader needs. */
typedef struct LoadParams {
    const char *path;     /* the program, as it will be named to the guest */
    const char *sysroot;  /* -L, or NULL */
    int argc;
    char *const *argv;
    char *const *envp;
    uint32_t hwcap;       /* AT_HWCAP: guest CPUID.1:EDX */
    uint64_t stack_size;
} LoadParams;

/* Load the program and its interpreter and build the initial stack.
 * Returns 0, or -1 after filling err (a one-line reason). */
int elf_load_program(const LoadParams *lp, ImageInfo *info, char *err, size_t errlen);

/* Open path under the sysroot first when there is one, as the interpreter
 * and absolute guest paths are looked up. Returns a host fd or -errno. */
int user_open_sysroot(const char *sysroot, const char *path, int flags, int mode);

/* mmap.c */

extern uint64_t mmap_next_hint; /* where non-fixed maps start looking (-B) */

void mmap_init(void);
void mmap_lock(void);
void mmap_unlock(void);
/* After fork(), in the child: the lock the parent held is owned by a thread
 * that no longer exists, so it is made anew rather than unlocked. */
void mmap_fork_child(void);

/* Whether path is /proc/self/<what>, /proc/thread-self/<what> or
 * /proc/<our pid>/<what>. */
bool is_proc_self(const char *path, const char *what);
/* Set the guest flags of [start, end) (page aligned); 0 unmaps. */
void page_set_flags(uint64_t start, uint64_t end, int flags);
/* The guest-side mmap family: results are guest addresses or -errno. */
int64_t target_mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd, int64_t off);
int target_munmap(uint64_t addr, uint64_t len);
int target_mprotect(uint64_t addr, uint64_t len, int prot);
int64_t target_mremap(uint64_t old_addr, uint64_t old_len, uint64_t new_len, int flags,
                      uint64_t new_addr);
int target_madvise(uint64_t addr, uint64_t len, int advice);
/* The emulated brk: set its start once, then the syscall's semantics. */
void target_brk_init(uint64_t start);
uint64_t target_brk(uint64_t new_brk);
/* Name the stack mapping for /proc/self/maps. */
void mmap_set_stack_range(uint64_t start, uint64_t end);
/* Make guest memory about to be written by the host (a syscall or the
 * emulator itself) writable again if it holds translated code, and
 * check it is mapped with the access asked (PAGE_READ/PAGE_WRITE).
 * Returns false when the guest may not access it. */
bool user_access_ok(uint64_t addr, uint64_t len, int flags);
/* Write the guest's /proc/self/maps to fd. */
int mmap_write_proc_maps(int fd);

/* syscall.c */

typedef struct CPUX86State CPUX86State;

/* Run system call nr; returns the value for rax (negative errno on
 * error), or -TARGET_ERESTARTSYS to make the guest redo it. */
int64_t do_syscall(CPUX86State *env, int nr, uint64_t a1, uint64_t a2, uint64_t a3,
                   uint64_t a4, uint64_t a5, uint64_t a6);
/* The name of a syscall for -strace, NULL when unknown. */
const char *syscall_name(int nr);
/* Format one strace line into buf ("write(1,0x4000,5) = 5"). */
void strace_format(char *buf, size_t len, int nr, const uint64_t *args, int64_t ret);

/* Kernel-internal errno meaning "restart the call" (never seen by guests). */
#define TARGET_ERESTARTSYS 512
/* do_syscall's answer when the call set every register itself (sigreturn) */
#define TARGET_EJUSTRETURN 514

/* Per-family handlers: return true when nr was theirs (*ret set). */
typedef struct SyscallArgs {
    CPUX86State *env;
    int nr;
    uint64_t a[6];
} SyscallArgs;

bool syscall_file(SyscallArgs *sa, int64_t *ret);
bool syscall_proc(SyscallArgs *sa, int64_t *ret);
bool syscall_mem(SyscallArgs *sa, int64_t *ret);
bool syscall_signal(SyscallArgs *sa, int64_t *ret);

/* The result of a host call that sets errno: value or -errno. */
static inline int64_t host_ret(int64_t r)
{
    extern int *__errno_location(void);
    return r == -1 ? -(int64_t)*__errno_location() : r;
}

/* main.c: global options and the program's identity */
typedef struct UserOptions {
    const char *exe_path;   /* the guest program's path (for /proc/self/exe) */
    const char *sysroot;    /* -L */
    bool strace;
    bool tci;
    int argc_opts;          /* emulator options to pass again on execve */
    char **argv_opts;
    uint64_t initial_sigmask; /* -sigmask: the guest mask across execve */
    bool have_sigmask;
} UserOptions;
extern UserOptions user_opts;
extern ImageInfo user_image;

/* Run the guest loop of a CPU forever (exits the thread or process). */
typedef struct CPUState CPUState;
_Noreturn void cpu_loop(CPUState *cs);

/* signal.c */

#define TARGET_NSIG 64

/* Per-thread emulator state, cs->opaque. */
typedef struct TaskState {
    CPUState *cs;
    pid_t tid;
    uint64_t child_tidptr;           /* CLONE_CHILD_CLEARTID */
    uint64_t sigmask;                /* the guest's blocked set (bit n-1 = signal n) */
    uint64_t pending;                /* signals for this thread not yet delivered */
    uint64_t forced;                 /* of those, CPU faults: the mask does not apply */
    siginfo_t pending_info[TARGET_NSIG];
    uint64_t sigsuspend_mask;        /* mask to restore after rt_sigsuspend */
    bool in_sigsuspend;
    uint64_t altstack_sp, altstack_size;
    int altstack_flags;
    volatile int signal_pending;     /* something in pending to look at */
    uint64_t trapno, trap_err;       /* the last CPU fault, for sigcontext */
    struct TaskState *retired_next;  /* clone.c's list of exited threads */
    struct TaskState *next_thread;   /* signal.c's list of every thread */
    volatile bool exited;
} TaskState;

void signal_init(void);
/* A new guest thread (or the first): its host mask, and the thread list
 * process-directed signals are routed with. */
void signal_init_thread(TaskState *ts);
/* The calling guest thread ends: it takes no more signals. */
void signal_exit_thread(TaskState *ts);
/* In a fork child: the only thread, nothing pending. */
void signal_fork_child(TaskState *ts);
/* Block every host signal (around fork and execve); returns the old
 * mask to give back to signal_unblock_all. */
uint64_t signal_block_all(void);
void signal_unblock_all(uint64_t old);
/* With every host signal blocked, before execve: false when a signal
 * must reach the guest first (the execve is then redone). Else the
 * signals our handler took and the guest blocks are handed back to the
 * kernel, which keeps them pending across execve as it would have. */
bool signal_prepare_exec(void);
/* Deliver whatever is pending and unblocked to the guest. */
void process_pending_signals(CPUX86State *env);
/* Queue a synchronous guest signal for this thread (from a CPU exception). */
void queue_guest_signal(CPUX86State *env, int sig, int code, uint64_t addr);
/* Make the calling thread's host signal mask match the guest's (except
 * for the signals the emulator needs). */
void signal_sync_host_mask(TaskState *ts);
/* A system call returned EINTR because of a host signal: let the signal
 * delivery decide between restarting it and EINTR. */
void signal_note_interrupted_syscall(CPUX86State *env, int nr);
/* rt_sigreturn: restore the state saved in the frame at rsp - 8. */
int64_t do_rt_sigreturn(CPUX86State *env);
/* Terminate the whole process as if by signal sig (default action). */
_Noreturn void user_die_by_signal(int sig);

/* The current thread's TaskState. */
extern __thread TaskState *thread_ts;

/* safe-syscall.S: a host system call that returns -TARGET_ERESTARTSYS
 * instead of starting when a guest signal is pending (see there). */
int64_t safe_syscall_base(volatile int *pending, int64_t nr, uint64_t a1, uint64_t a2,
                          uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
extern char safe_syscall_start[], safe_syscall_end[], safe_syscall_restart[];

/* A possibly blocking host system call made for the guest: the kernel's
 * result (value or -errno), or -TARGET_ERESTARTSYS. */
static inline int64_t safe_syscall(int64_t nr, uint64_t a1, uint64_t a2, uint64_t a3,
                                   uint64_t a4, uint64_t a5, uint64_t a6)
{
    static volatile int never_pending;
    return safe_syscall_base(thread_ts ? &thread_ts->signal_pending : &never_pending, nr, a1,
                             a2, a3, a4, a5, a6);
}

/* clone.c */
int64_t do_clone(CPUX86State *env, uint64_t flags, uint64_t newsp, uint64_t parent_tid,
                 uint64_t child_tid, uint64_t tls);
_Noreturn void user_thread_exit(CPUX86State *env, int status);
int64_t do_execve(uint64_t path, uint64_t argv, uint64_t envp);

#endif
