/*
 * User-facing error messages and the Error object (see util/error.h).
 *
 * Messages go to stderr in one write each, so lines from several threads
 * do not interleave mid-line. The program name is set once at start-up,
 * before threads exist, so it needs no lock.
 */
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct Error {
    char *msg;
};

/* Only their addresses matter: they mark what errp asks for. */
Error *error_fatal;
Error *error_abort;

static const char *error_progname = "tern";

void error_set_progname(const char *name)
{
    const char *slash;

    if (!name || !*name) {
        return;
    }
    /* argv[0] may be a path; users know the program by its base name. */
    slash = strrchr(name, '/');
    error_progname = slash ? slash + 1 : name;
}

const char *error_get_progname(void)
{
    return error_progname;
}

/* Print "<prog>: <prefix><msg>\n" as one write. */
static void error_print(const char *prefix, const char *fmt, va_list ap)
{
    char *msg = NULL;

    if (vasprintf(&msg, fmt, ap) < 0) {
        /* Out of memory: still say something. */
        fprintf(stderr, "%s: %s(message lost: out of memory)\n", error_progname, prefix);
        return;
    }
    fprintf(stderr, "%s: %s%s\n", error_progname, prefix, msg);
    free(msg);
}

void error_vreport(const char *fmt, va_list ap)
{
    error_print("", fmt, ap);
}

void error_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_print("", fmt, ap);
    va_end(ap);
}

void warn_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_print("warning: ", fmt, ap);
    va_end(ap);
}

/* Deliver a new error to errp: store it, or act on a sentinel. */
static void error_deliver(Error **errp, Error *err)
{
    if (errp == &error_fatal) {
        error_report_err(err);
        exit(1);
    }
    if (errp == &error_abort) {
        error_report("unexpected error: %s", error_get_pretty(err));
        abort();
    }
    if (!errp || *errp) {
        /* Nobody wants it, or an earlier (root-cause) error is kept. */
        error_free(err);
        return;
    }
    *errp = err;
}

static Error *error_new(const char *fmt, va_list ap)
{
    Error *err = calloc(1, sizeof(*err));

    if (!err) {
        abort(); /* nothing sensible is left to do */
    }
    if (vasprintf(&err->msg, fmt, ap) < 0) {
        err->msg = NULL;
    }
    return err;
}

void error_setg(Error **errp, const char *fmt, ...)
{
    va_list ap;
    Error *err;

    if (!errp) {
        return;
    }
    va_start(ap, fmt);
    err = error_new(fmt, ap);
    va_end(ap);
    error_deliver(errp, err);
}

void error_setg_errno(Error **errp, int os_errno, const char *fmt, ...)
{
    va_list ap;
    Error *err;
    char *full = NULL;

    if (!errp) {
        return;
    }
    va_start(ap, fmt);
    err = error_new(fmt, ap);
    va_end(ap);
    if (err->msg && asprintf(&full, "%s: %s", err->msg, strerror(os_errno)) >= 0) {
        free(err->msg);
        err->msg = full;
    }
    error_deliver(errp, err);
}

void error_prepend(Error **errp, const char *fmt, ...)
{
    va_list ap;
    char *prefix = NULL;
    char *full = NULL;
    Error *err;

    if (!errp || errp == &error_fatal || errp == &error_abort || !*errp) {
        return;
    }
    err = *errp;
    va_start(ap, fmt);
    if (vasprintf(&prefix, fmt, ap) < 0) {
        prefix = NULL;
    }
    va_end(ap);
    if (prefix && asprintf(&full, "%s%s", prefix, error_get_pretty(err)) >= 0) {
        free(err->msg);
        err->msg = full;
    }
    free(prefix);
}

void error_propagate(Error **dst_errp, Error *local_err)
{
    if (!local_err) {
        return;
    }
    error_deliver(dst_errp, local_err);
}

const char *error_get_pretty(const Error *err)
{
    if (!err) {
        return "";
    }
    return err->msg ? err->msg : "(message lost: out of memory)";
}

void error_report_err(Error *err)
{
    if (!err) {
        return;
    }
    error_report("%s", error_get_pretty(err));
    error_free(err);
}

void error_free(Error *err)
{
    if (!err) {
        return;
    }
    free(err->msg);
    free(err);
}
