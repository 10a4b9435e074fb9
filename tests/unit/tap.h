/*
 * Minimal TAP (Test Anything Protocol) output for unit tests.
 *
 *   tap_ok(x == 3, "adds %d and %d", 1, 2);   -> "ok 1 - adds 1 and 2"
 *   tap_diag("got %d", x);                    -> "# got 0"
 *   return tap_done();                        -> 0 iff nothing failed
 *
 * tests/run-tests.sh counts the "ok"/"not ok" lines. Output is flushed after
 * every line so that a crash still leaves the earlier results readable.
 * Header-only and single-threaded: one test executable, one counter.
 */
#ifndef TESTS_UNIT_TAP_H
#define TESTS_UNIT_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int tap_count;
static int tap_failed;

static inline bool tap_ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Report one test case; returns cond so callers can add diagnostics. */
static inline bool tap_ok(bool cond, const char *fmt, ...)
{
    va_list ap;

    tap_count++;
    if (!cond) {
        tap_failed++;
    }
    printf("%sok %d - ", cond ? "" : "not ", tap_count);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    return cond;
}

/* A diagnostic line, ignored by the counting but shown on failure. */
static inline void tap_diag(const char *fmt, ...)
{
    va_list ap;

    printf("# ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

/* Print the plan line and return the process exit status. */
static inline int tap_done(void)
{
    printf("1..%d\n", tap_count);
    if (tap_failed) {
        tap_diag("%d of %d failed", tap_failed, tap_count);
    }
    fflush(stdout);
    return tap_failed ? 1 : 0;
}

#endif
