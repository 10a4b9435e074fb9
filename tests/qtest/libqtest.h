/*
 * libqtest: the client side of the qtest protocol (accel/qtest/qtest.c,
 * docs/qtest.md), for C tests of device models.
 *
 *     QTestState *qts = qtest_start("-machine pc");
 *     qtest_outb(qts, 0x70, 0x0a);
 *     uint8_t v = qtest_inb(qts, 0x71);
 *     qtest_clock_step(qts, 1000000);
 *     qtest_quit(qts);
 *
 * qtest_start() spawns tern-system-x86_64 with "-qtest unix:PATH -accel qtest"
 * plus the given arguments and connects to it. The transport is pluggable:
 * qtest_new_fd() talks over any connected stream socket, and
 * qtest_new_transport() over anything else (an in-process server, a
 * recording), so the same test code runs against either.
 *
 * Errors: a request the server answers with FAIL, a dead or hung emulator
 * (no reply within the timeout: $QTEST_TIMEOUT seconds, 60 by default)
 * make the typed helpers print a "# libqtest: ..." diagnostic, count an
 * error (qtest_errors) and return all-ones (reads) / -1 (clock). Once the
 * connection is lost every later request fails at once, so a test never
 * hangs; it sees wrong values and its own checks fail. For checking
 * replies by hand (a test of FAIL cases) use qtest_raw().
 *
 * IRQs: the server reports intercepted lines asynchronously ("IRQ raise N");
 * the client notes them while it waits for replies, so qtest_get_irq()
 * gives each line's level as of the last reply received.
 *
 * Not thread-safe: one QTestState per thread.
 */
#ifndef TESTS_QTEST_LIBQTEST_H
#define TESTS_QTEST_LIBQTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct QTestState QTestState;

/* How bytes move between the client and the server. */
typedef struct QTestTransport {
    /* Send all len bytes; false if the connection is gone. */
    bool (*send)(void *opaque, const char *buf, size_t len);
    /* Receive up to len bytes, waiting at most timeout_ms (-1: forever):
     * > 0 bytes read, 0 at end of stream, -1 on an error or timeout. */
    ssize_t (*recv)(void *opaque, char *buf, size_t len, int timeout_ms);
    /* Release the transport (called once by qtest_quit). May be NULL. */
    void (*close)(void *opaque);
} QTestTransport;

/* ---- Connecting ---- */

/*
 * Spawn the system emulator and connect. The binary is $QTEST_TERN_BINARY,
 * else tern-system-x86_64 found in the directories above the running test
 * (the build tree), else ./tern-system-x86_64. extra_args is split by
 * /bin/sh. $QTEST_LOG set: the emulator logs the protocol to stderr.
 * NULL (and a diagnostic) if the emulator cannot be started or does not
 * connect.
 */
QTestState *qtest_start(const char *extra_args);
/* A client over a connected stream socket (or pipe pair: fd used both
 * ways); takes ownership of fd. */
QTestState *qtest_new_fd(int fd);
/* A client over any transport. */
QTestState *qtest_new_transport(const QTestTransport *transport, void *opaque);
/*
 * A session with the qtest server of this process (link libqtest_inproc):
 * for tests that build their devices themselves. Puts the virtual clock in
 * qtest mode (better done before the devices are made: qtest_accel_init),
 * starts the in-process server; requests are handled synchronously in the
 * calling thread, which must hold the big lock for the whole session.
 * qtest_quit stops the server. NULL if a server already runs.
 */
QTestState *qtest_inproc_start(void);
/*
 * Disconnect (an emulator started by qtest_start then exits by itself;
 * it is killed if it does not within a few seconds) and free s. Returns
 * the emulator's exit status (0 for a clean exit), -1 if it had to be
 * killed or died by a signal, 0 for transports without a process.
 * NULL is a no-op.
 */
int qtest_quit(QTestState *s);
/* The spawned emulator's pid (0 if none). */
pid_t qtest_pid(QTestState *s);

/* ---- Status ---- */

/* Requests that failed (FAIL reply or lost connection) so far. */
int qtest_errors(QTestState *s);
/* The last failure's message ("FAIL ..." or what went wrong), or NULL. */
const char *qtest_last_error(QTestState *s);
/* False once the connection is lost. */
bool qtest_connected(QTestState *s);
/* Reply timeout in ms for later requests (-1: wait forever). */
void qtest_set_timeout(QTestState *s, int timeout_ms);

/*
 * Send one request line (printf-style, without the newline) and return
 * the reply line, malloc'd, without the newline ("OK ..." or "FAIL ...");
 * IRQ lines on the way are consumed as usual. NULL if the connection is
 * lost. Does not count FAIL as an error.
 */
char *qtest_raw(QTestState *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Send raw bytes as they are (a test of the server's line handling). */
bool qtest_send_bytes(QTestState *s, const char *buf, size_t len);
/* Read one reply line after qtest_send_bytes (IRQ lines consumed); as
 * qtest_raw. */
char *qtest_read_reply(QTestState *s);

/* ---- I/O ports ---- */

void qtest_outb(QTestState *s, uint16_t port, uint8_t v);
void qtest_outw(QTestState *s, uint16_t port, uint16_t v);
void qtest_outl(QTestState *s, uint16_t port, uint32_t v);
uint8_t qtest_inb(QTestState *s, uint16_t port);
uint16_t qtest_inw(QTestState *s, uint16_t port);
uint32_t qtest_inl(QTestState *s, uint16_t port);

/* ---- Guest-physical memory ---- */

void qtest_writeb(QTestState *s, uint64_t addr, uint8_t v);
void qtest_writew(QTestState *s, uint64_t addr, uint16_t v);
void qtest_writel(QTestState *s, uint64_t addr, uint32_t v);
void qtest_writeq(QTestState *s, uint64_t addr, uint64_t v);
uint8_t qtest_readb(QTestState *s, uint64_t addr);
uint16_t qtest_readw(QTestState *s, uint64_t addr);
uint32_t qtest_readl(QTestState *s, uint64_t addr);
uint64_t qtest_readq(QTestState *s, uint64_t addr);
/* Bulk transfers in hex (memread/memwrite) or base64 (bufread/bufwrite,
 * fewer bytes on the wire), of any size (sent in 1 MiB requests). A failed read
 * fills buf with 0xff. */
void qtest_memread(QTestState *s, uint64_t addr, void *buf, size_t size);
void qtest_memwrite(QTestState *s, uint64_t addr, const void *buf, size_t size);
void qtest_bufread(QTestState *s, uint64_t addr, void *buf, size_t size);
void qtest_bufwrite(QTestState *s, uint64_t addr, const void *buf, size_t size);
void qtest_memset(QTestState *s, uint64_t addr, uint8_t byte, size_t size);

/* ---- Virtual clock (each returns the new virtual time in ns, -1 on failure) ---- */

/* Advance by ns, running the timers that fall due on the way. */
int64_t qtest_clock_step(QTestState *s, int64_t ns);
/* Advance to the next pending virtual timer (time stands still if none). */
int64_t qtest_clock_step_next(QTestState *s);
/* Advance to ns (never backwards). */
int64_t qtest_clock_set(QTestState *s, int64_t ns);

/* ---- IRQs ---- */

/* Report the device's gpio inputs / take over its gpio outputs. dev is a
 * device id, a unique type name or a PCI path. True if the server
 * agreed. */
bool qtest_irq_intercept_in(QTestState *s, const char *dev);
bool qtest_irq_intercept_out(QTestState *s, const char *dev);
/* As above, for a named gpio group. */
bool qtest_irq_intercept_in_named(QTestState *s, const char *dev, const char *group);
bool qtest_irq_intercept_out_named(QTestState *s, const char *dev, const char *group);
/* Drive input n of a device's gpio group (NULL: the default group). */
void qtest_set_irq_in(QTestState *s, const char *dev, const char *group, int n, int level);
/* Level of intercepted line n as of the last reply. */
bool qtest_get_irq(QTestState *s, int n);
/* Number of "IRQ raise n" events seen (a pulse inside one request shows
 * here even though the level is back to low). */
int qtest_irq_raise_count(QTestState *s, int n);

#endif
