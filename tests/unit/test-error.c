/*
 * util/error.c: message format on stderr and the Error object's rules
 * (first error wins, prepend, propagate, error_fatal exits).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "util/error.h"

static char captured[4096];

/* Run fn with stderr sent to a temporary file; its text lands in captured. */
static void capture_stderr(void (*fn)(void))
{
    char path[] = "/tmp/tern-test-error-XXXXXX";
    int fd = mkstemp(path);
    int saved = dup(2);
    ssize_t n;

    captured[0] = 0;
    if (fd < 0 || saved < 0) {
        return;
    }
    fflush(stderr);
    dup2(fd, 2);
    fn();
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    n = pread(fd, captured, sizeof(captured) - 1, 0);
    captured[n > 0 ? n : 0] = 0;
    close(fd);
    unlink(path);
}

static void say_error(void)
{
    error_report("disk %s not found", "a.img");
}

static void say_warning(void)
{
    warn_report("%d is odd", 3);
}

static void say_report_err(void)
{
    Error *err = NULL;

    error_setg(&err, "bad %s", "thing");
    error_report_err(err);
}

static void say_as_tern_img(void)
{
    error_set_progname("/usr/local/bin/tern-img");
    error_report("x");
    error_set_progname("tern");
}

int main(void)
{
    Error *err = NULL;
    Error *local = NULL;
    pid_t pid;
    int status = 0;

    capture_stderr(say_error);
    tap_ok(strcmp(captured, "tern: disk a.img not found\n") == 0, "error_report format");
    capture_stderr(say_warning);
    tap_ok(strcmp(captured, "tern: warning: 3 is odd\n") == 0, "warn_report format");
    capture_stderr(say_as_tern_img);
    tap_ok(strcmp(captured, "tern-img: x\n") == 0, "program name is the base name of argv[0]");
    tap_ok(strcmp(error_get_progname(), "tern") == 0, "program name can be set back");
    capture_stderr(say_report_err);
    tap_ok(strcmp(captured, "tern: bad thing\n") == 0, "error_report_err prints the message");

    error_setg(NULL, "ignored %d", 1);
    tap_ok(1, "error_setg(NULL, ...) is allowed");

    error_setg(&err, "first");
    error_setg(&err, "second");
    tap_ok(err && strcmp(error_get_pretty(err), "first") == 0, "the first error is kept");
    error_prepend(&err, "opening %s: ", "disk");
    tap_ok(strcmp(error_get_pretty(err), "opening disk: first") == 0, "error_prepend");
    error_free(err);
    err = NULL;

    error_setg_errno(&err, ENOENT, "cannot open %s", "x");
    tap_ok(err && strcmp(error_get_pretty(err), "cannot open x: No such file or directory") == 0,
           "error_setg_errno appends strerror");
    error_free(err);
    err = NULL;

    error_setg(&local, "inner");
    error_propagate(&err, local);
    tap_ok(err && strcmp(error_get_pretty(err), "inner") == 0, "error_propagate moves the error");
    error_propagate(&err, NULL);
    tap_ok(err && strcmp(error_get_pretty(err), "inner") == 0, "propagating NULL changes nothing");
    error_free(err);
    error_free(NULL);
    error_report_err(NULL);
    tap_ok(1, "freeing/reporting NULL is a no-op");

    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 2);
        error_setg(&error_fatal, "fatal");
        _exit(0); /* not reached if error_fatal works */
    }
    tap_ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
               WEXITSTATUS(status) == 1,
           "&error_fatal exits with status 1");
    return tap_done();
}
