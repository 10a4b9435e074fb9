/*
 * Debug logging (-d items, -D file); see util/log.h.
 *
 * log_mask and log_file are plain globals read on hot paths without a lock:
 * they are set while parsing the command line, before any vCPU runs.
 * Output goes through one recursive mutex: log_printf takes it per call, and
 * a caller printing a multi-line block (a TB's disassembly, a CPU dump)
 * wraps the block in log_lock()/log_unlock() so blocks from several vCPU
 * threads do not interleave.
 */
#include "util/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <string.h>

#include "util/error.h"

int log_mask;
FILE *log_file;

static pthread_mutex_t log_mutex = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

typedef struct LogItem {
    int mask;
    const char *name;
    const char *help;
} LogItem;

static const LogItem log_items[] = {
    { LOG_IN_ASM, "in_asm", "guest code of each new translation block" },
    { LOG_OP, "op", "IR as generated" },
    { LOG_OP_OPT, "op_opt", "IR after the optimizer" },
    { LOG_OUT_ASM, "out_asm", "host code of each new translation block" },
    { LOG_EXEC, "exec", "each translation block executed" },
    { LOG_INT, "int", "interrupts and exceptions" },
    { LOG_STRACE, "strace", "system calls (linux-user)" },
    { LOG_UNIMP, "unimp", "unimplemented features the guest used" },
    { LOG_GUEST_ERROR, "guest_errors", "invalid things the guest did" },
    { LOG_CPU, "cpu", "CPU state before each translation block" },
};

/* stderr is not a constant expression, so default log_file at load time. */
__attribute__((constructor)) static void log_init(void)
{
    if (!log_file) {
        log_file = stderr;
    }
}

void log_lock(void)
{
    pthread_mutex_lock(&log_mutex);
}

void log_unlock(void)
{
    pthread_mutex_unlock(&log_mutex);
}

void log_printf(const char *fmt, ...)
{
    va_list ap;

    log_lock();
    va_start(ap, fmt);
    vfprintf(log_file ? log_file : stderr, fmt, ap);
    va_end(ap);
    log_unlock();
}

static void log_print_help(FILE *f)
{
    fprintf(f, "Log items (-d item,item,...):\n");
    for (size_t i = 0; i < sizeof(log_items) / sizeof(log_items[0]); i++) {
        fprintf(f, "  %-13s %s\n", log_items[i].name, log_items[i].help);
    }
}

int log_parse_items(const char *str)
{
    int mask = 0;
    const char *p = str;

    if (!str) {
        return -1;
    }
    if (strcmp(str, "help") == 0) {
        /* Asked for: goes to stdout. The caller decides whether to exit. */
        log_print_help(stdout);
        return 0;
    }
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        size_t i;

        for (i = 0; i < sizeof(log_items) / sizeof(log_items[0]); i++) {
            if (strlen(log_items[i].name) == len && strncmp(log_items[i].name, p, len) == 0) {
                mask |= log_items[i].mask;
                break;
            }
        }
        if (i == sizeof(log_items) / sizeof(log_items[0])) {
            if (len == 0) {
                error_report("-d: empty log item in '%s' (try -d help)", str);
            } else {
                error_report("-d: unknown log item '%.*s' (try -d help)", (int)len, p);
            }
            return -1;
        }
        if (!end) {
            break;
        }
        p = end + 1;
    }
    return mask;
}

bool log_set_file(const char *path)
{
    FILE *f;

    if (!path || strcmp(path, "-") == 0) {
        f = stderr;
    } else {
        f = fopen(path, "w");
        if (!f) {
            error_report("-D: cannot open log file '%s': %s", path, strerror(errno));
            return false;
        }
        /* Line buffering: a crash must not eat the last lines of the log. */
        setvbuf(f, NULL, _IOLBF, 0);
    }
    log_lock();
    if (log_file && log_file != stderr && log_file != f) {
        fclose(log_file);
    }
    log_file = f;
    log_unlock();
    return true;
}
