/*
 * libqtest over an in-process server (link libqtest_inproc): the qtest
 * server of this very process (accel/qtest/qtest.c, started with
 * qtest_server_inproc_init) answers each request synchronously, in the
 * caller's thread, so a test can build devices itself and drive them with
 * the same libqtest calls it will later send to a spawned emulator.
 *
 * Replies are collected in a buffer the transport's recv drains; a request
 * whose reply is not there when recv is called never gets one (recv fails
 * at once instead of waiting).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libqtest.h"
#include "sysemu/qtest.h"

typedef struct InprocTransport {
    char *buf;
    size_t len, cap;
    bool oom;
} InprocTransport;

static void inproc_collect(void *opaque, const char *buf, size_t len)
{
    InprocTransport *it = opaque;

    if (it->len + len > it->cap) {
        size_t cap = (it->len + len) * 2;
        char *nb = realloc(it->buf, cap);

        if (!nb) {
            it->oom = true;
            return;
        }
        it->buf = nb;
        it->cap = cap;
    }
    memcpy(it->buf + it->len, buf, len);
    it->len += len;
}

static bool inproc_send(void *opaque, const char *buf, size_t len)
{
    qtest_server_inproc_recv(buf, len);
    return true;
}

static ssize_t inproc_recv(void *opaque, char *buf, size_t len, int timeout_ms)
{
    InprocTransport *it = opaque;
    size_t n = it->len < len ? it->len : len;

    if (!n) {
        errno = it->oom ? ENOMEM : ETIMEDOUT;
        return -1;
    }
    memcpy(buf, it->buf, n);
    memmove(it->buf, it->buf + n, it->len - n);
    it->len -= n;
    return (ssize_t)n;
}

static void inproc_close(void *opaque)
{
    InprocTransport *it = opaque;

    qtest_server_cleanup();
    free(it->buf);
    free(it);
}

static const QTestTransport inproc_transport = {
    .send = inproc_send,
    .recv = inproc_recv,
    .close = inproc_close,
};

QTestState *qtest_inproc_start(void)
{
    InprocTransport *it = calloc(1, sizeof(*it));
    Error *err = NULL;
    QTestState *s;

    if (!it) {
        return NULL;
    }
    qtest_accel_init(NULL);
    if (!qtest_server_inproc_init(inproc_collect, it, &err)) {
        error_report_err(err);
        free(it);
        return NULL;
    }
    s = qtest_new_transport(&inproc_transport, it);
    if (!s) {
        inproc_close(it);
    }
    return s;
}
