/*
 * libqtest: the qtest protocol client (see libqtest.h and docs/qtest.md).
 *
 * A request is one line; the client then reads lines until one is not an
 * asynchronous "IRQ raise/lower N" event: that is the reply. Events are
 * folded into per-line levels and raise counters on the way.
 *
 * Spawning: the client listens on a fresh Unix socket, starts the emulator
 * with "-qtest unix:PATH" (the emulator connects as a client) and accepts
 * with a timeout while watching that the child is still alive, so an
 * emulator that dies at start-up is reported instead of waited for. The
 * child gets PR_SET_PDEATHSIG so a crashed test leaves no emulator behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libqtest.h"

#define QTEST_DEFAULT_TIMEOUT_S  60
#define QTEST_CONNECT_TIMEOUT_MS 30000
#define QTEST_QUIT_WAIT_MS       5000

struct QTestState {
    const QTestTransport *t;
    void *opaque;
    int timeout_ms;
    bool dead;

    char *rbuf; /* received, not yet consumed */
    size_t rlen, rcap;

    int errors;
    char *last_error;

    int *irq_level;
    int *irq_raises;
    int nr_irqs;

    /* spawned emulator */
    pid_t pid;
    char *sock_path;
};

/* ---- The fd transport ---- */

typedef struct FdTransport {
    int fd;
} FdTransport;

static bool fd_send(void *opaque, const char *buf, size_t len)
{
    FdTransport *ft = opaque;

    while (len) {
        ssize_t n = send(ft->fd, buf, len, MSG_NOSIGNAL);

        if (n < 0 && errno == ENOTSOCK) {
            n = write(ft->fd, buf, len);
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        buf += n;
        len -= (size_t)n;
    }
    return true;
}

static ssize_t fd_recv(void *opaque, char *buf, size_t len, int timeout_ms)
{
    FdTransport *ft = opaque;
    struct pollfd pfd = { .fd = ft->fd, .events = POLLIN };
    ssize_t n;
    int r;

    do {
        r = poll(&pfd, 1, timeout_ms);
    } while (r < 0 && errno == EINTR);
    if (r <= 0) {
        if (r == 0) {
            errno = ETIMEDOUT;
        }
        return -1;
    }
    do {
        n = read(ft->fd, buf, len);
    } while (n < 0 && errno == EINTR);
    return n;
}

static void fd_close(void *opaque)
{
    FdTransport *ft = opaque;

    close(ft->fd);
    free(ft);
}

static const QTestTransport fd_transport = {
    .send = fd_send,
    .recv = fd_recv,
    .close = fd_close,
};

/* ---- State ---- */

QTestState *qtest_new_transport(const QTestTransport *transport, void *opaque)
{
    QTestState *s = calloc(1, sizeof(*s));
    const char *env = getenv("QTEST_TIMEOUT");
    long secs = env ? strtol(env, NULL, 10) : QTEST_DEFAULT_TIMEOUT_S;

    if (!s) {
        return NULL;
    }
    s->t = transport;
    s->opaque = opaque;
    s->timeout_ms = secs > 0 && secs < INT_MAX / 1000 ? (int)(secs * 1000) : -1;
    return s;
}

QTestState *qtest_new_fd(int fd)
{
    FdTransport *ft = malloc(sizeof(*ft));
    QTestState *s;

    if (!ft) {
        close(fd);
        return NULL;
    }
    ft->fd = fd;
    s = qtest_new_transport(&fd_transport, ft);
    if (!s) {
        fd_close(ft);
    }
    return s;
}

static void qtest_set_error(QTestState *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void qtest_set_error(QTestState *s, const char *fmt, ...)
{
    va_list ap;
    char *msg = NULL;

    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0) {
        msg = NULL;
    }
    va_end(ap);
    free(s->last_error);
    s->last_error = msg;
}

/* A request failed: count it and say so. */
static void qtest_error(QTestState *s, const char *what, const char *reply)
{
    s->errors++;
    if (reply) {
        qtest_set_error(s, "%s", reply);
    } else if (!s->dead || !s->last_error) {
        qtest_set_error(s, "connection lost");
    } /* else keep what the transport said (closed, timeout) */
    printf("# libqtest: '%s': %s\n", what, s->last_error ? s->last_error : "?");
    fflush(stdout);
}

int qtest_errors(QTestState *s)
{
    return s->errors;
}

const char *qtest_last_error(QTestState *s)
{
    return s->last_error;
}

bool qtest_connected(QTestState *s)
{
    return !s->dead;
}

void qtest_set_timeout(QTestState *s, int timeout_ms)
{
    s->timeout_ms = timeout_ms;
}

pid_t qtest_pid(QTestState *s)
{
    return s->pid;
}

/* ---- Lines ---- */

static void qtest_note_irq(QTestState *s, const char *line)
{
    bool raise = strncmp(line, "IRQ raise ", 10) == 0;
    char *end;
    long n;

    errno = 0;
    n = strtol(line + 10, &end, 10);
    if (errno || *end || n < 0 || n > 65535) {
        return;
    }
    if (n >= s->nr_irqs) {
        int cap = (int)n + 1;
        int *lv = realloc(s->irq_level, (size_t)cap * sizeof(int));
        int *rc;

        if (!lv) {
            return;
        }
        s->irq_level = lv;
        rc = realloc(s->irq_raises, (size_t)cap * sizeof(int));
        if (!rc) {
            return;
        }
        s->irq_raises = rc;
        for (int i = s->nr_irqs; i < cap; i++) {
            s->irq_level[i] = 0;
            s->irq_raises[i] = 0;
        }
        s->nr_irqs = cap;
    }
    s->irq_level[n] = raise;
    if (raise) {
        s->irq_raises[n]++;
    }
}

/* The next line from the server, malloc'd without its newline; NULL (and
 * the state dead) if the stream ends or times out. */
static char *qtest_read_line(QTestState *s)
{
    for (;;) {
        char *nl = s->rlen ? memchr(s->rbuf, '\n', s->rlen) : NULL;
        ssize_t n;

        if (nl) {
            size_t len = (size_t)(nl - s->rbuf);
            char *line = malloc(len + 1);

            if (!line) {
                s->dead = true;
                return NULL;
            }
            memcpy(line, s->rbuf, len);
            line[len] = '\0';
            if (len && line[len - 1] == '\r') {
                line[len - 1] = '\0';
            }
            memmove(s->rbuf, nl + 1, s->rlen - len - 1);
            s->rlen -= len + 1;
            return line;
        }
        if (s->dead) {
            return NULL;
        }
        if (s->rcap - s->rlen < 4096) {
            size_t cap = s->rcap ? s->rcap * 2 : 65536;
            char *nb = realloc(s->rbuf, cap);

            if (!nb) {
                s->dead = true;
                return NULL;
            }
            s->rbuf = nb;
            s->rcap = cap;
        }
        n = s->t->recv(s->opaque, s->rbuf + s->rlen, s->rcap - s->rlen, s->timeout_ms);
        if (n <= 0) {
            qtest_set_error(s, "%s",
                            n == 0               ? "the server closed the connection"
                            : errno == ETIMEDOUT ? "no reply (timeout)"
                                                 : strerror(errno));
            s->dead = true;
            return NULL;
        }
        s->rlen += (size_t)n;
    }
}

char *qtest_read_reply(QTestState *s)
{
    for (;;) {
        char *line = qtest_read_line(s);

        if (!line) {
            return NULL;
        }
        if (strncmp(line, "IRQ raise ", 10) == 0 || strncmp(line, "IRQ lower ", 10) == 0) {
            qtest_note_irq(s, line);
            free(line);
            continue;
        }
        return line;
    }
}

bool qtest_send_bytes(QTestState *s, const char *buf, size_t len)
{
    if (s->dead) {
        return false;
    }
    if (!s->t->send(s->opaque, buf, len)) {
        qtest_set_error(s, "cannot send: the connection is gone");
        s->dead = true;
        return false;
    }
    return true;
}

static char *qtest_vraw(QTestState *s, const char *fmt, va_list ap)
{
    char *req = NULL;
    int n = vasprintf(&req, fmt, ap);
    char *reply = NULL;

    if (n < 0) {
        return NULL;
    }
    /* The newline goes in the same send: one request, one write. */
    req = realloc(req, (size_t)n + 2);
    if (req) {
        req[n] = '\n';
        req[n + 1] = '\0';
        if (qtest_send_bytes(s, req, (size_t)n + 1)) {
            reply = qtest_read_reply(s);
        }
    }
    free(req);
    return reply;
}

char *qtest_raw(QTestState *s, const char *fmt, ...)
{
    va_list ap;
    char *reply;

    va_start(ap, fmt);
    reply = qtest_vraw(s, fmt, ap);
    va_end(ap);
    return reply;
}

/*
 * Send a request and check that the reply is OK. Returns the reply
 * (malloc'd; the caller parses what follows "OK") or NULL after counting
 * the error.
 */
static char *qtest_cmd(QTestState *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *qtest_cmd(QTestState *s, const char *fmt, ...)
{
    va_list ap;
    char *reply;
    char what[96];

    va_start(ap, fmt);
    reply = qtest_vraw(s, fmt, ap);
    va_end(ap);
    if (reply && (strcmp(reply, "OK") == 0 || strncmp(reply, "OK ", 3) == 0)) {
        return reply;
    }
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    qtest_error(s, what, reply);
    free(reply);
    return NULL;
}

static void qtest_cmd_ok(QTestState *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void qtest_cmd_ok(QTestState *s, const char *fmt, ...)
{
    va_list ap;
    char *reply;
    char what[96];

    va_start(ap, fmt);
    reply = qtest_vraw(s, fmt, ap);
    va_end(ap);
    if (!reply || strncmp(reply, "OK", 2) != 0) {
        va_start(ap, fmt);
        vsnprintf(what, sizeof(what), fmt, ap);
        va_end(ap);
        qtest_error(s, what, reply);
    }
    free(reply);
}

/* The number after "OK " in a reply; fallback if absent or malformed. */
static uint64_t reply_u64(QTestState *s, char *reply, uint64_t fallback)
{
    char *end;
    uint64_t v;

    if (!reply) {
        return fallback;
    }
    errno = 0;
    v = strtoull(reply + 2, &end, 0);
    if (errno || end == reply + 2 || *end) {
        qtest_error(s, "parse reply", reply);
        v = fallback;
    }
    free(reply);
    return v;
}

/* ---- I/O ports and memory ---- */

void qtest_outb(QTestState *s, uint16_t port, uint8_t v)
{
    qtest_cmd_ok(s, "outb 0x%x 0x%x", port, v);
}

void qtest_outw(QTestState *s, uint16_t port, uint16_t v)
{
    qtest_cmd_ok(s, "outw 0x%x 0x%x", port, v);
}

void qtest_outl(QTestState *s, uint16_t port, uint32_t v)
{
    qtest_cmd_ok(s, "outl 0x%x 0x%" PRIx32, port, v);
}

uint8_t qtest_inb(QTestState *s, uint16_t port)
{
    return (uint8_t)reply_u64(s, qtest_cmd(s, "inb 0x%x", port), UINT8_MAX);
}

uint16_t qtest_inw(QTestState *s, uint16_t port)
{
    return (uint16_t)reply_u64(s, qtest_cmd(s, "inw 0x%x", port), UINT16_MAX);
}

uint32_t qtest_inl(QTestState *s, uint16_t port)
{
    return (uint32_t)reply_u64(s, qtest_cmd(s, "inl 0x%x", port), UINT32_MAX);
}

void qtest_writeb(QTestState *s, uint64_t addr, uint8_t v)
{
    qtest_cmd_ok(s, "writeb 0x%" PRIx64 " 0x%x", addr, v);
}

void qtest_writew(QTestState *s, uint64_t addr, uint16_t v)
{
    qtest_cmd_ok(s, "writew 0x%" PRIx64 " 0x%x", addr, v);
}

void qtest_writel(QTestState *s, uint64_t addr, uint32_t v)
{
    qtest_cmd_ok(s, "writel 0x%" PRIx64 " 0x%" PRIx32, addr, v);
}

void qtest_writeq(QTestState *s, uint64_t addr, uint64_t v)
{
    qtest_cmd_ok(s, "writeq 0x%" PRIx64 " 0x%" PRIx64, addr, v);
}

uint8_t qtest_readb(QTestState *s, uint64_t addr)
{
    return (uint8_t)reply_u64(s, qtest_cmd(s, "readb 0x%" PRIx64, addr), UINT8_MAX);
}

uint16_t qtest_readw(QTestState *s, uint64_t addr)
{
    return (uint16_t)reply_u64(s, qtest_cmd(s, "readw 0x%" PRIx64, addr), UINT16_MAX);
}

uint32_t qtest_readl(QTestState *s, uint64_t addr)
{
    return (uint32_t)reply_u64(s, qtest_cmd(s, "readl 0x%" PRIx64, addr), UINT32_MAX);
}

uint64_t qtest_readq(QTestState *s, uint64_t addr)
{
    return reply_u64(s, qtest_cmd(s, "readq 0x%" PRIx64, addr), UINT64_MAX);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

static void memread_one(QTestState *s, uint64_t addr, uint8_t *buf, size_t size)
{
    char *reply = qtest_cmd(s, "read 0x%" PRIx64 " 0x%zx", addr, size);
    uint8_t *out = buf;
    const char *p;

    memset(buf, 0xff, size);
    if (!reply) {
        return;
    }
    p = reply + 3;
    if (strncmp(p, "0x", 2) != 0 || strlen(p + 2) != 2 * size) {
        qtest_error(s, "read: reply length", reply);
        free(reply);
        return;
    }
    p += 2;
    for (size_t i = 0; i < size; i++) {
        int hi = hexval(p[2 * i]), lo = hexval(p[2 * i + 1]);

        if (hi < 0 || lo < 0) {
            qtest_error(s, "read: bad hex in reply", reply);
            memset(buf, 0xff, size);
            break;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    free(reply);
}

static void memwrite_one(QTestState *s, uint64_t addr, const void *buf, size_t size)
{
    static const char hex[] = "0123456789abcdef";
    const uint8_t *in = buf;
    char *data = malloc(2 * size + 1);

    if (!data) {
        qtest_error(s, "write", "out of memory");
        return;
    }
    for (size_t i = 0; i < size; i++) {
        data[2 * i] = hex[in[i] >> 4];
        data[2 * i + 1] = hex[in[i] & 15];
    }
    data[2 * size] = '\0';
    qtest_cmd_ok(s, "write 0x%" PRIx64 " 0x%zx 0x%s", addr, size, data);
    free(data);
}

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void bufwrite_one(QTestState *s, uint64_t addr, const void *buf, size_t size)
{
    const uint8_t *in = buf;
    char *data;
    size_t o = 0;

    if (size == 0) {
        return; /* nothing to write, and base64 has no word for nothing */
    }
    data = malloc(4 * ((size + 2) / 3) + 1);
    if (!data) {
        qtest_error(s, "b64write", "out of memory");
        return;
    }
    for (size_t i = 0; i < size; i += 3) {
        size_t left = size - i;
        uint32_t v = (uint32_t)in[i] << 16 | (left > 1 ? (uint32_t)in[i + 1] << 8 : 0) |
                     (left > 2 ? in[i + 2] : 0);

        data[o++] = b64chars[v >> 18 & 63];
        data[o++] = b64chars[v >> 12 & 63];
        data[o++] = left > 1 ? b64chars[v >> 6 & 63] : '=';
        data[o++] = left > 2 ? b64chars[v & 63] : '=';
    }
    data[o] = '\0';
    qtest_cmd_ok(s, "b64write 0x%" PRIx64 " 0x%zx %s", addr, size, data);
    free(data);
}

static void bufread_one(QTestState *s, uint64_t addr, uint8_t *buf, size_t size)
{
    uint8_t *out = buf;
    size_t o = 0, n;
    const char *p;
    char *reply;

    if (size == 0) {
        return;
    }
    reply = qtest_cmd(s, "b64read 0x%" PRIx64 " 0x%zx", addr, size);
    memset(buf, 0xff, size);
    if (!reply) {
        return;
    }
    p = reply + 3;
    n = strlen(p);
    if (n % 4) {
        qtest_error(s, "b64read: reply length", reply);
        free(reply);
        return;
    }
    for (size_t i = 0; i < n; i += 4) {
        int v[4], pad = 0;
        uint32_t w;

        for (int k = 0; k < 4; k++) {
            const char *c = strchr(b64chars, p[i + k]);

            if (p[i + k] == '=') {
                v[k] = 0;
                pad++;
            } else if (!c || pad) {
                o = SIZE_MAX; /* bad character, or data after padding */
                goto out;
            } else {
                v[k] = (int)(c - b64chars);
            }
        }
        w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        for (int k = 0; k < 3 - pad && pad < 3; k++) {
            if (o >= size) {
                o = SIZE_MAX;
                goto out;
            }
            out[o++] = (uint8_t)(w >> (16 - 8 * k));
        }
    }
out:
    if (o != size) {
        qtest_error(s, "b64read: bad reply", reply);
        memset(buf, 0xff, size);
    }
    free(reply);
}

/* Bulk transfers go in pieces the server accepts (it takes 16 MiB); the
 * first failed piece ends the transfer. */
#define QTEST_CHUNK (1u << 20)

typedef void ChunkFn(QTestState *s, uint64_t addr, uint8_t *buf, size_t size);

static void in_chunks(QTestState *s, ChunkFn *fn, uint64_t addr, uint8_t *buf, size_t size)
{
    int errors = s->errors;

    for (size_t off = 0; off < size && s->errors == errors; off += QTEST_CHUNK) {
        fn(s, addr + off, buf + off, size - off < QTEST_CHUNK ? size - off : QTEST_CHUNK);
    }
}

static void memwrite_chunk(QTestState *s, uint64_t addr, uint8_t *buf, size_t size)
{
    memwrite_one(s, addr, buf, size);
}

static void bufwrite_chunk(QTestState *s, uint64_t addr, uint8_t *buf, size_t size)
{
    bufwrite_one(s, addr, buf, size);
}

void qtest_memread(QTestState *s, uint64_t addr, void *buf, size_t size)
{
    memset(buf, 0xff, size);
    in_chunks(s, memread_one, addr, buf, size);
}

void qtest_bufread(QTestState *s, uint64_t addr, void *buf, size_t size)
{
    memset(buf, 0xff, size);
    in_chunks(s, bufread_one, addr, buf, size);
}

/* The write paths only read buf: the cast drops a const they keep. */
void qtest_memwrite(QTestState *s, uint64_t addr, const void *buf, size_t size)
{
    in_chunks(s, memwrite_chunk, addr, (uint8_t *)(uintptr_t)buf, size);
}

void qtest_bufwrite(QTestState *s, uint64_t addr, const void *buf, size_t size)
{
    in_chunks(s, bufwrite_chunk, addr, (uint8_t *)(uintptr_t)buf, size);
}

void qtest_memset(QTestState *s, uint64_t addr, uint8_t byte, size_t size)
{
    qtest_cmd_ok(s, "memset 0x%" PRIx64 " 0x%zx 0x%x", addr, size, byte);
}

/* ---- Clock ---- */

static int64_t reply_clock(QTestState *s, char *reply)
{
    uint64_t v = reply_u64(s, reply, UINT64_MAX);

    return v > INT64_MAX ? -1 : (int64_t)v;
}

int64_t qtest_clock_step(QTestState *s, int64_t ns)
{
    return reply_clock(s, qtest_cmd(s, "clock_step %" PRId64, ns));
}

int64_t qtest_clock_step_next(QTestState *s)
{
    return reply_clock(s, qtest_cmd(s, "clock_step"));
}

int64_t qtest_clock_set(QTestState *s, int64_t ns)
{
    return reply_clock(s, qtest_cmd(s, "clock_set %" PRId64, ns));
}

/* ---- IRQs ---- */

static bool qtest_intercept(QTestState *s, const char *cmd, const char *dev, const char *group)
{
    char *reply =
        group ? qtest_cmd(s, "%s %s %s", cmd, dev, group) : qtest_cmd(s, "%s %s", cmd, dev);

    free(reply);
    return reply != NULL;
}

bool qtest_irq_intercept_in(QTestState *s, const char *dev)
{
    return qtest_intercept(s, "irq_intercept_in", dev, NULL);
}

bool qtest_irq_intercept_out(QTestState *s, const char *dev)
{
    return qtest_intercept(s, "irq_intercept_out", dev, NULL);
}

bool qtest_irq_intercept_in_named(QTestState *s, const char *dev, const char *group)
{
    return qtest_intercept(s, "irq_intercept_in", dev, group);
}

bool qtest_irq_intercept_out_named(QTestState *s, const char *dev, const char *group)
{
    return qtest_intercept(s, "irq_intercept_out", dev, group);
}

void qtest_set_irq_in(QTestState *s, const char *dev, const char *group, int n, int level)
{
    qtest_cmd_ok(s, "set_irq_in %s %s %d %d", dev, group ? group : "unnamed-gpio-in", n, level);
}

bool qtest_get_irq(QTestState *s, int n)
{
    return n >= 0 && n < s->nr_irqs && s->irq_level[n];
}

int qtest_irq_raise_count(QTestState *s, int n)
{
    return n >= 0 && n < s->nr_irqs ? s->irq_raises[n] : 0;
}

/* ---- Spawning the emulator ---- */

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* $QTEST_TERN_BINARY, else tern-system-x86_64 in a directory above the
 * running executable (build/tests/unit/test-x -> build/), else ./ */
static char *qtest_find_binary(void)
{
    const char *env = getenv("QTEST_TERN_BINARY");
    char exe[PATH_MAX];
    ssize_t n;

    if (env && *env) {
        return strdup(env);
    }
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        for (char *slash = strrchr(exe, '/'); slash; slash = strrchr(exe, '/')) {
            char *cand = NULL;

            *slash = '\0';
            if (asprintf(&cand, "%s/tern-system-x86_64", exe[0] ? exe : "") < 0) {
                break;
            }
            if (access(cand, X_OK) == 0) {
                return cand;
            }
            free(cand);
        }
    }
    return strdup("./tern-system-x86_64");
}

static bool shell_safe(const char *s)
{
    for (; *s; s++) {
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+,=:", *s)) {
            return false;
        }
    }
    return true;
}

QTestState *qtest_start(const char *extra_args)
{
    static int counter;
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    char *binary = qtest_find_binary();
    char *cmd = NULL;
    QTestState *s = NULL;
    int lfd = -1, fd = -1;
    int64_t deadline;
    pid_t pid;

    if (!binary) {
        return NULL;
    }
    snprintf(sun.sun_path, sizeof(sun.sun_path), "/tmp/tern-qtest-%d-%d.sock", (int)getpid(),
             counter++);
    unlink(sun.sun_path);
    lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(lfd, 1) < 0) {
        printf("# libqtest: cannot listen on %s: %s\n", sun.sun_path, strerror(errno));
        goto fail;
    }
    if (!shell_safe(binary) || asprintf(&cmd, "exec %s -qtest unix:%s -accel qtest%s%s%s", binary,
                                        sun.sun_path, getenv("QTEST_LOG") ? " -qtest-log -" : "",
                                        extra_args ? " " : "", extra_args ? extra_args : "") < 0) {
        printf("# libqtest: unusable emulator path '%s'\n", binary);
        cmd = NULL;
        goto fail;
    }
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0) {
        printf("# libqtest: fork: %s\n", strerror(errno));
        goto fail;
    }
    if (pid == 0) {
        /* Die with the test; the emulator must not outlive it. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }

    deadline = now_ms() + QTEST_CONNECT_TIMEOUT_MS;
    while (fd < 0) {
        struct pollfd pfd = { .fd = lfd, .events = POLLIN };
        int status;

        if (poll(&pfd, 1, 100) > 0) {
            fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
            continue;
        }
        if (waitpid(pid, &status, WNOHANG) == pid) {
            printf("# libqtest: '%s' exited (status 0x%x) before connecting\n", cmd, status);
            goto fail;
        }
        if (now_ms() > deadline) {
            printf("# libqtest: '%s' did not connect within %d s\n", cmd,
                   QTEST_CONNECT_TIMEOUT_MS / 1000);
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            goto fail;
        }
    }
    s = qtest_new_fd(fd);
    if (!s) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        goto fail;
    }
    s->pid = pid;
    s->sock_path = strdup(sun.sun_path);
    close(lfd);
    unlink(sun.sun_path);
    free(cmd);
    free(binary);
    return s;

fail:
    if (lfd >= 0) {
        close(lfd);
        unlink(sun.sun_path);
    }
    free(cmd);
    free(binary);
    return NULL;
}

/* Wait up to ms for the child; true (status stored) if it exited. */
static bool wait_child(pid_t pid, int *status, int ms)
{
    int64_t end = now_ms() + ms;

    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);

        if (r == pid || (r < 0 && errno == ECHILD)) {
            return true;
        }
        if (now_ms() > end) {
            return false;
        }
        usleep(10000);
    }
}

int qtest_quit(QTestState *s)
{
    int ret = 0;

    if (!s) {
        return 0;
    }
    if (s->t->close) {
        s->t->close(s->opaque);
    }
    if (s->pid > 0) {
        int status = 0;

        /* Closing the connection makes the emulator exit by itself. */
        if (!wait_child(s->pid, &status, QTEST_QUIT_WAIT_MS)) {
            printf("# libqtest: the emulator did not exit; killing it\n");
            kill(s->pid, SIGTERM);
            if (!wait_child(s->pid, &status, 2000)) {
                kill(s->pid, SIGKILL);
                waitpid(s->pid, &status, 0);
            }
            ret = -1;
        } else if (WIFEXITED(status)) {
            ret = WEXITSTATUS(status);
        } else {
            printf("# libqtest: the emulator died by signal %d\n",
                   WIFSIGNALED(status) ? WTERMSIG(status) : 0);
            ret = -1;
        }
    }
    free(s->sock_path);
    free(s->rbuf);
    free(s->last_error);
    free(s->irq_level);
    free(s->irq_raises);
    free(s);
    return ret;
}
