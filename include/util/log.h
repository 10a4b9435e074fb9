/*
 * Debug logging: -d items select what is logged, -D names the file
 * (stderr by default). Logging is for developers; errors meant for users
 * go through util/error.h.
 */
#ifndef UTIL_LOG_H
#define UTIL_LOG_H

#include <stdbool.h>
#include <stdio.h>

#define LOG_IN_ASM (1 << 0)      /* guest code of each new TB */
#define LOG_OP (1 << 1)          /* IR as generated */
#define LOG_OP_OPT (1 << 2)      /* IR after the optimizer */
#define LOG_OUT_ASM (1 << 3)     /* host code of each new TB */
#define LOG_EXEC (1 << 4)        /* each TB executed */
#define LOG_INT (1 << 5)         /* interrupts and exceptions */
#define LOG_STRACE (1 << 6)      /* linux-user: system calls */
#define LOG_UNIMP (1 << 7)       /* unimplemented features the guest used */
#define LOG_GUEST_ERROR (1 << 8) /* the guest did something invalid */
#define LOG_CPU (1 << 9)         /* CPU state before each TB */

extern int log_mask;
extern FILE *log_file;

static inline bool log_enabled(int mask) { return (log_mask & mask) != 0; }

void log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define log_mask_printf(mask, ...)                                           \
    do {                                                                     \
        if (log_enabled(mask)) {                                             \
            log_printf(__VA_ARGS__);                                         \
        }                                                                    \
    } while (0)

/* Parse "in_asm,op,..." into a mask; -1 (and a message on stderr) on an
 * unknown item. "help" lists the items. */
int log_parse_items(const char *str);
/* Send the log to path; false with a message if it cannot be opened. */
bool log_set_file(const char *path);
/* Take/drop the log lock around multi-line output from several threads. */
void log_lock(void);
void log_unlock(void);
#endif
