/*
 * tern-x86_64: run an x86-64 Linux program through the TCG translator.
 * Parses the options, loads the program (elfload.c), creates the CPU
 * with the initial registers of the x86-64 ABI and runs the CPU loop:
 * system calls go to do_syscall, guest exceptions become signals.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec/cpu-exec.h"
#include "target/i386/cpu.h"
#include "util/log.h"
#include "user.h"

#define TERN_VERSION "0.1.0"

UserOptions user_opts;
ImageInfo user_image;

extern char **environ;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tern-x86_64 [options] program [arguments...]\n"
            "Run an x86-64 Linux program under the Tern emulator.\n\n"
            "  -h, --help         show this help\n"
            "  -version           show the version\n"
            "  -L path            sysroot: the interpreter and absolute paths are\n"
            "                     looked up under it first\n"
            "  -strace            log every system call to stderr\n"
            "  -d item[,...]      debug log items (-d help lists them)\n"
            "  -D file            write the debug log to file\n"
            "  -tci               use the TCG interpreter instead of generated code\n"
            "  -B address         guest_base: where guest address 0 is in the host (hex)\n"
            "  -E var=value       set an environment variable for the program\n"
            "  -U var             remove an environment variable\n"
            "  -0 argv0           the program's argv[0]\n"
            "  -cpu model         CPU model: max or base\n"
            "  -s size            stack size in bytes (k/M suffixes)\n");
}

static _Noreturn void bad_option(const char *fmt, const char *arg)
{
    fprintf(stderr, "tern-x86_64: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(1);
}

/* The guest's environment, kept for the whole run (execve passes it on).
 * volatile: a store never read back would be optimised away, and the
 * array would look leaked to LeakSanitizer. */
static char **volatile guest_environ;

/* An environment we can edit with -E/-U. */
static char **env_copy(void)
{
    int n = 0;
    char **e;

    while (environ[n]) {
        n++;
    }
    e = calloc(n + 1, sizeof(char *));
    for (int i = 0; i < n; i++) {
        e[i] = environ[i];
    }
    guest_environ = e;
    return e;
}

static char **env_unset(char **e, const char *var)
{
    size_t len = strlen(var);
    int j = 0;

    for (int i = 0; e[i]; i++) {
        if (!(strncmp(e[i], var, len) == 0 && e[i][len] == '=')) {
            e[j++] = e[i];
        }
    }
    e[j] = NULL;
    return e;
}

static char **env_set(char **e, char *assignment)
{
    char *eq = strchr(assignment, '=');
    int n = 0;

    if (!eq) {
        bad_option("-E needs var=value, not '%s'", assignment);
    }
    *eq = 0;
    e = env_unset(e, assignment);
    *eq = '=';
    while (e[n]) {
        n++;
    }
    e = realloc(e, (n + 2) * sizeof(char *));
    guest_environ = e;
    e[n] = assignment;
    e[n + 1] = NULL;
    return e;
}

static uint64_t parse_size(const char *s)
{
    char *end;
    uint64_t v = strtoull(s, &end, 0);

    if (end == s) {
        bad_option("bad size '%s'", s);
    }
    switch (*end) {
    case 'k': case 'K': v <<= 10; end++; break;
    case 'm': case 'M': v <<= 20; end++; break;
    case 'g': case 'G': v <<= 30; end++; break;
    }
    if (*end) {
        bad_option("bad size '%s'", s);
    }
    return v;
}

/*
 * The si_code of the SIGFPE for an x87 #MF or SIMD #XM, as Linux derives
 * it: from the raised exception flags whose mask bit is clear (bits 0..5:
 * IE DE ZE OE UE PE), first match in the order IE, ZE, OE, UE or DE, PE.
 */
static int fpe_si_code(CPUX86State *env, int trapnr)
{
    unsigned err;

    if (trapnr == EXCP13_XMM) {
        err = env->mxcsr & ~(env->mxcsr >> 7) & 0x3f;
    } else {
        err = env->fpus & ~env->fpuc & 0x3f;
    }
    if (err & 0x01) {
        return FPE_FLTINV;
    }
    if (err & 0x04) {
        return FPE_FLTDIV;
    }
    if (err & 0x08) {
        return FPE_FLTOVF;
    }
    if (err & 0x12) {
        return FPE_FLTUND;
    }
    if (err & 0x20) {
        return FPE_FLTRES;
    }
    /* Linux retries a spurious fault; an emulator fault with nothing
     * unmasked would loop forever, so report it as invalid */
    return FPE_FLTINV;
}

/*
 * INT 0x80 in a 64-bit process: Linux runs the i386 system call ABI (the
 * number in eax from the i386 table, arguments in ebx ecx edx esi edi ebp,
 * all zero-extended from 32 bits; the result in rax). Only the calls whose
 * arguments mean the same in both ABIs are routed to their x86-64
 * equivalents; the rest return -ENOSYS. No SA_RESTART restart (the number
 * would be re-run through the 64-bit table).
 */
static void do_int80_syscall(CPUX86State *env)
{
    static const struct {
        uint16_t nr32, nr64;
    } ia32_calls[] = {
        { 1, SYS_exit },     { 3, SYS_read },     { 4, SYS_write },
        { 6, SYS_close },    { 20, SYS_getpid },  { 64, SYS_getppid },
        { 224, SYS_gettid }, { 252, SYS_exit_group },
    };
    uint32_t nr = (uint32_t)env->regs[R_EAX];
    int64_t ret = -ENOSYS;

    for (size_t i = 0; i < sizeof(ia32_calls) / sizeof(ia32_calls[0]); i++) {
        if (ia32_calls[i].nr32 == nr) {
            ret = do_syscall(env, ia32_calls[i].nr64, (uint32_t)env->regs[R_EBX],
                             (uint32_t)env->regs[R_ECX], (uint32_t)env->regs[R_EDX],
                             (uint32_t)env->regs[R_ESI], (uint32_t)env->regs[R_EDI],
                             (uint32_t)env->regs[R_EBP]);
            break;
        }
    }
    if (ret == -TARGET_ERESTARTSYS) {
        env->eip -= 2; /* not started: redone after the signal */
    } else if (ret != -TARGET_EJUSTRETURN) {
        env->regs[R_EAX] = (uint64_t)ret;
    }
}

_Noreturn void cpu_loop(CPUState *cs)
{
    CPUX86State *env = cpu_env(cs);

    for (;;) {
        int trapnr = cpu_exec(cs);

        switch (trapnr) {
        case EXCP_SYSCALL: {
            int nr = (int)env->regs[R_EAX];
            int64_t ret = do_syscall(env, nr, env->regs[R_EDI], env->regs[R_ESI],
                                     env->regs[R_EDX], env->regs[R_R10], env->regs[R_R8],
                                     env->regs[R_R9]);
            if (ret == -TARGET_EJUSTRETURN) {
                break; /* rt_sigreturn restored every register */
            }
            /* SYSCALL clobbers rcx and r11 */
            env->regs[R_ECX] = env->eip;
            env->regs[R_R11] = cpu_compute_eflags(env);
            if (ret == -TARGET_ERESTARTSYS) {
                /* a signal came before the call started: rax still has
                 * the number, the guest redoes it after the handler */
                env->eip -= 2;
                break;
            }
            if (ret == -EINTR && thread_ts->signal_pending) {
                signal_note_interrupted_syscall(env, nr);
            }
            env->regs[R_EAX] = (uint64_t)ret;
            break;
        }
        case 0x80: /* INT 0x80; eip is after the insn */
            do_int80_syscall(env);
            break;
        case EXCP_INTERRUPT:
        case EXCP_YIELD:
        case EXCP_HLT:
        case EXCP_HALTED:
            break;
        case EXCP_DEBUG:
        case EXCP03_INT3:
        case EXCP01_DB:
            queue_guest_signal(env, SIGTRAP, trapnr == EXCP03_INT3 ? SI_KERNEL : TRAP_BRKPT, 0);
            break;
        case EXCP00_DIVZ:
            queue_guest_signal(env, SIGFPE, FPE_INTDIV, env->eip);
            break;
        case EXCP04_INTO:
        case EXCP05_BOUND:
            queue_guest_signal(env, SIGSEGV, SI_KERNEL, 0);
            break;
        case EXCP06_ILLOP:
            queue_guest_signal(env, SIGILL, ILL_ILLOPN, env->eip);
            break;
        case EXCP07_PREX:
            /* #NM: a user-mode kernel handles it itself (lazy FPU); it
             * is never raised with CR0.TS clear */
            queue_guest_signal(env, SIGFPE, FPE_FLTINV, env->eip);
            break;
        case EXCP10_COPR:
        case EXCP13_XMM:
            queue_guest_signal(env, SIGFPE, fpe_si_code(env, trapnr), env->eip);
            break;
        case EXCP0B_NOSEG:
        case EXCP0C_STACK:
            queue_guest_signal(env, trapnr == EXCP0B_NOSEG ? SIGBUS : SIGSEGV, SI_KERNEL, 0);
            break;
        case EXCP0D_GPF:
            queue_guest_signal(env, SIGSEGV, SI_KERNEL, 0);
            break;
        case EXCP0E_PAGE:
            queue_guest_signal(env, SIGSEGV,
                               page_get_flags(env->exception_addr) ? SEGV_ACCERR : SEGV_MAPERR,
                               env->exception_addr);
            break;
        case EXCP11_ALGN:
            queue_guest_signal(env, SIGBUS, BUS_ADRALN, 0);
            break;
        case EXCP_ATOMIC:
            /* the translator serialises atomics itself in user mode */
            break;
        default:
            fprintf(stderr, "tern-x86_64: unhandled CPU exception 0x%x at rip 0x%llx\n", trapnr,
                    (unsigned long long)env->eip);
            queue_guest_signal(env, SIGILL, ILL_ILLOPN, env->eip);
            break;
        }
        process_pending_signals(env);
    }
}

/* Turn "#!interp [arg]" scripts into interp [arg] script args. */
static int expand_script(const char **path, int *argc, char ***argv)
{
    char line[256], *p, *interp, *arg = NULL;
    FILE *f = fopen(*path, "r");
    char **nargv;
    int n = 0;

    if (!f) {
        return 0;
    }
    if (!fgets(line, sizeof(line), f) || strncmp(line, "#!", 2) != 0) {
        fclose(f);
        return 0;
    }
    fclose(f);
    line[strcspn(line, "\n")] = 0;
    p = line + 2;
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    interp = p;
    while (*p && *p != ' ' && *p != '\t') {
        p++;
    }
    if (*p) {
        *p++ = 0;
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        if (*p) {
            arg = p;
            p += strlen(p);
            while (p > arg && (p[-1] == ' ' || p[-1] == '\t')) {
                *--p = 0;
            }
        }
    }
    if (!*interp) {
        return -1;
    }
    nargv = calloc(*argc + 3, sizeof(char *));
    nargv[n++] = strdup(interp);
    if (arg) {
        nargv[n++] = strdup(arg);
    }
    nargv[n++] = (char *)*path;
    for (int i = 1; i < *argc; i++) {
        nargv[n++] = (*argv)[i];
    }
    nargv[n] = NULL;
    free(*argv);
    *argc = n;
    *argv = nargv;
    *path = nargv[0];
    return 1;
}

int main(int argc, char **argv)
{
    const char *argv0 = NULL, *cpu_model = "max";
    char **envp = env_copy();
    uint64_t stack_size = 8 << 20;
    char err[512];
    LoadParams lp;
    X86CPU *cpu;
    CPUX86State *env;
    TaskState *ts;
    int optind_ = 1;

    log_file = stderr;
    while (optind_ < argc && argv[optind_][0] == '-') {
        const char *opt = argv[optind_];
        const char *val = optind_ + 1 < argc ? argv[optind_ + 1] : NULL;
        if (opt[1] == '-' && opt[2] != 0 && strcmp(opt, "--help") != 0 && strcmp(opt, "--version") != 0) {
            opt++; /* --foo means -foo */
        }
        if (strcmp(opt, "--") == 0) {
            optind_++;
            break;
        }
        if (!strcmp(opt, "-h") || !strcmp(opt, "-help") || !strcmp(opt, "--help")) {
            usage(stdout);
            exit(0);
        } else if (!strcmp(opt, "-version") || !strcmp(opt, "--version")) {
            printf("tern-x86_64 version " TERN_VERSION "\n");
            exit(0);
        } else if (!strcmp(opt, "-strace")) {
            user_opts.strace = true;
            optind_++;
            continue;
        } else if (!strcmp(opt, "-tci")) {
            user_opts.tci = true;
            optind_++;
            continue;
        }
        if (!strcmp(opt, "-L") || !strcmp(opt, "-d") || !strcmp(opt, "-D") || !strcmp(opt, "-B") ||
            !strcmp(opt, "-E") || !strcmp(opt, "-U") || !strcmp(opt, "-0") || !strcmp(opt, "-cpu") ||
            !strcmp(opt, "-sigmask") ||
            !strcmp(opt, "-s")) {
            if (!val) {
                bad_option("option %s needs an argument", opt);
            }
            optind_ += 2;
        } else {
            bad_option("unknown option '%s' (try -h)", opt);
        }
        if (!strcmp(opt, "-L")) {
            user_opts.sysroot = val;
        } else if (!strcmp(opt, "-d")) {
            int mask = log_parse_items(val);
            if (mask < 0) {
                exit(1);
            }
            log_mask |= mask;
        } else if (!strcmp(opt, "-D")) {
            if (!log_set_file(val)) {
                exit(1);
            }
        } else if (!strcmp(opt, "-B")) {
            char *end;
            uint64_t b = strtoull(val, &end, 16);
            if (*end || (b & (TARGET_PAGE_SIZE - 1))) {
                bad_option("bad -B address '%s' (page-aligned hex)", val);
            }
            guest_base = (uintptr_t)b;
        } else if (!strcmp(opt, "-E")) {
            envp = env_set(envp, (char *)val);
        } else if (!strcmp(opt, "-U")) {
            envp = env_unset(envp, val);
        } else if (!strcmp(opt, "-sigmask")) {
            /* internal: execve passes the guest's blocked signals */
            user_opts.initial_sigmask = strtoull(val, NULL, 16);
            user_opts.have_sigmask = true;
        } else if (!strcmp(opt, "-0")) {
            argv0 = val;
        } else if (!strcmp(opt, "-cpu")) {
            if (strcmp(val, "max") && strcmp(val, "base")) {
                bad_option("unknown CPU model '%s' (max or base)", val);
            }
            cpu_model = val;
        } else if (!strcmp(opt, "-s")) {
            stack_size = parse_size(val);
        }
    }
    (void)cpu_model;
    if (optind_ >= argc) {
        fprintf(stderr, "tern-x86_64: no program given (try -h)\n");
        exit(1);
    }
    /* what execve must pass again: our options, without -0 */
    user_opts.argv_opts = calloc(optind_ + 1, sizeof(char *));
    for (int i = 0; i < optind_; i++) {
        if (!strcmp(argv[i], "-0") || !strcmp(argv[i], "-sigmask")) {
            i++;
            continue;
        }
        user_opts.argv_opts[user_opts.argc_opts++] = argv[i];
    }

    {
        const char *path = argv[optind_];
        const char *base = strrchr(path, '/');
        int gargc = argc - optind_;

        /* the name execve gives a process (/proc/self/comm, ps): the
         * program's file name, even for a #! script, not ours */
        prctl(PR_SET_NAME, base ? base + 1 : path, 0, 0, 0);
        char **gargv = calloc(gargc + 1, sizeof(char *));
        for (int i = 0; i < gargc; i++) {
            gargv[i] = argv[optind_ + i];
        }
        if (argv0) {
            gargv[0] = (char *)argv0;
        }
        if (expand_script(&path, &gargc, &gargv) < 0) {
            fprintf(stderr, "tern-x86_64: %s: bad #! line\n", path);
            exit(1);
        }
        user_opts.exe_path = path;

        tcg_exec_init(256 << 20, user_opts.tci);
        mmap_init();
        cpu = x86_cpu_new(0);
        env = &cpu->env;

        lp = (LoadParams){ .path = path, .sysroot = user_opts.sysroot, .argc = gargc,
                           .argv = gargv, .envp = envp, .hwcap = env->features_edx,
                           .stack_size = stack_size };
        if (elf_load_program(&lp, &user_image, err, sizeof(err)) < 0) {
            fprintf(stderr, "tern-x86_64: %s\n", err);
            exit(1);
        }
    }
    target_brk_init(user_image.start_brk);

    /* the x86-64 ABI's initial state: rsp at argc, rdx = 0 (no atexit
     * function), everything else zero */
    for (int i = 0; i < 16; i++) {
        env->regs[i] = 0;
    }
    env->regs[R_ESP] = user_image.start_stack;
    env->eip = user_image.start_pc;

    ts = calloc(1, sizeof(*ts));
    ts->cs = &cpu->parent;
    ts->tid = (pid_t)syscall(SYS_gettid);
    cpu->parent.opaque = ts;
    thread_ts = ts;
    /* the program inherits the blocked signals, as across execve: from
     * the tern that exec'ed us (its host mask was all-blocked then), or
     * from whoever started us */
    if (user_opts.have_sigmask) {
        ts->sigmask = user_opts.initial_sigmask;
    } else {
        uint64_t cur = 0;
        syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &cur, 8);
        ts->sigmask = cur;
    }
    ts->sigmask &= ~((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)));
    signal_init();
    signal_init_thread(ts);
    cpu_loop(&cpu->parent);
}
