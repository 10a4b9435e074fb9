/*
 * The qtest accelerator: a line-based text protocol over a chardev that
 * lets a test program drive the machine from outside, in place of a CPU:
 * read and write guest memory and I/O ports, step the virtual clock, and
 * watch interrupt lines. The protocol is described in docs/qtest.md and at
 * the top of accel/qtest/qtest.c.
 *
 * The system emulator uses it as
 *
 *     -accel qtest -qtest unix:/tmp/sock [-qtest-log FILE]
 *
 * which maps to
 *
 *     qtest_accel_init(&error_fatal);      // before the machine is built
 *     qtest_server_init("unix:/tmp/sock", &error_fatal);
 *     qtest_server_set_log("FILE", &error_fatal);      // optional
 *
 * With qtest as the accelerator the machine runs no vCPUs (the machine
 * code asks qtest_enabled()) and the virtual clock moves only when the
 * client says so (clock_step / clock_set).
 *
 * Threads: everything here runs in the main loop thread with the big lock
 * held (the server's chardev handlers do; callers of the functions below
 * must too, or call them before other threads exist).
 */
#ifndef SYSEMU_QTEST_H
#define SYSEMU_QTEST_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

/*
 * Select qtest as the accelerator: put the virtual clock in qtest mode
 * (it then advances only through the protocol) and make qtest_enabled()
 * true. Call before the machine (and its timers) is created.
 */
bool qtest_accel_init(Error **errp);
/* True iff qtest is the accelerator: the machine must not run vCPUs. */
bool qtest_enabled(void);

/*
 * Start the protocol server on a chardev. spec is either a legacy chardev
 * spec, as for -serial ("unix:PATH", "unix:PATH,server=on",
 * "tcp:HOST:PORT", "stdio", ...), which creates a chardev labelled
 * "qtest", or "chardev:ID" naming a chardev made earlier with -chardev.
 * One server per process: a second call fails.
 */
bool qtest_server_init(const char *chardev_spec, Error **errp);

/*
 * Log every command received, reply sent and event to path ("-" for
 * stderr), one line each with the realtime since the server started:
 *     [R +0.000123] outb 0x80 0x1
 *     [S +0.000130] OK
 * NULL stops logging.
 */
bool qtest_server_set_log(const char *path, Error **errp);

/*
 * When the client disconnects, request a main loop exit
 * (main_loop_exit_request()) so that an emulator whose test went away does
 * not linger. On by default.
 */
void qtest_server_set_exit_on_close(bool on);

/*
 * An in-process server, without a chardev (for tests that build devices
 * in their own process and drive them with libqtest in one thread): every
 * reply and event is handed to send(opaque, buf, len); qtest_server_inproc_recv
 * feeds it bytes as a chardev would. May be used instead of, not beside,
 * qtest_server_init.
 */
typedef void QTestSendFunc(void *opaque, const char *buf, size_t len);
bool qtest_server_inproc_init(QTestSendFunc *send, void *opaque, Error **errp);
void qtest_server_inproc_recv(const char *buf, size_t len);

/*
 * Stop the server: detach from the chardev (deleting it if
 * qtest_server_init created it), close the log. Intercepted inputs are
 * given back to their device; intercepted outputs stay disconnected from
 * what they drove (their changes are dropped). qtest_enabled() and the
 * clock mode are unaffected. A new server may be started afterwards.
 */
void qtest_server_cleanup(void);

#endif
