/*
 * Error reporting for users (not debug logging: that is util/log.h).
 *
 * Two layers:
 *  - error_report()/warn_report() print one line to stderr right away:
 *    "tern: <msg>" or "tern: warning: <msg>" (the prefix is the program
 *    name, settable with error_set_progname()).
 *  - An Error object carries a message up the stack from a fallible
 *    function to the place that knows what to do with it. Such functions
 *    take `Error **errp` last and return bool / pointer / negative errno:
 *
 *        bool foo_open(const char *path, Error **errp)
 *        {
 *            if (...) {
 *                error_setg(errp, "cannot open %s: %s", path, strerror(errno));
 *                return false;
 *            }
 *            return true;
 *        }
 *
 *    errp may be NULL (the caller does not care), &local_err (the caller
 *    looks at it, then error_report_err() or error_free() it),
 *    &error_fatal (report and exit(1): only while parsing the command
 *    line) or &error_abort (a programming error: report and abort()).
 */
#ifndef UTIL_ERROR_H
#define UTIL_ERROR_H

#include <stdarg.h>
#include <stdbool.h>

typedef struct Error Error;

/* Pass &error_fatal / &error_abort as errp; see above. */
extern Error *error_fatal;
extern Error *error_abort;

/* The name printed before each message; "tern" until set. */
void error_set_progname(const char *name);
const char *error_get_progname(void);

void error_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void error_vreport(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/*
 * Create an error with a printf-style message and store it in *errp.
 * If *errp already holds an error the first one is kept (it is usually the
 * root cause) and the new one is dropped.
 */
void error_setg(Error **errp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Like error_setg, with ": <strerror(os_errno)>" appended. */
void error_setg_errno(Error **errp, int os_errno, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prefix the message of *errp with more context, if there is an error. */
void error_prepend(Error **errp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Move local_err into *dst_errp (or report/free it as dst_errp asks). */
void error_propagate(Error **dst_errp, Error *local_err);

const char *error_get_pretty(const Error *err);
/* Print err with error_report() and free it; NULL is a no-op. */
void error_report_err(Error *err);
void error_free(Error *err);

#endif
