/*
 * The common part of fd-based backends (stdio, file, pipe, pty): read
 * fd_in into the frontend under flow control, write to fd_out.
 *
 * Flow control: the read handler is installed with a read_poll check, so
 * the loop stops polling fd_in while the frontend has no room, and reads
 * only as much as it has room for.
 */
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "chardev-internal.h"
#include "util/main-loop.h"

#define CHARDEV_READ_CHUNK 4096

static bool chardev_fd_can_read(void *opaque)
{
    ChardevFd *s = opaque;

    return qemu_chr_be_can_write(&s->parent) > 0;
}

static void chardev_fd_read(void *opaque)
{
    ChardevFd *s = opaque;
    uint8_t buf[CHARDEV_READ_CHUNK];
    int room = qemu_chr_be_can_write(&s->parent);
    ssize_t n;

    if (room <= 0) {
        return;
    }
    if (room > CHARDEV_READ_CHUNK) {
        room = CHARDEV_READ_CHUNK;
    }
    n = read(s->fd_in, buf, room);
    if (n > 0) {
        qemu_chr_be_write(&s->parent, buf, n);
        return;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        return;
    }
    /* EOF, or an error or hang-up: stop reading, or the loop would spin. */
    if (s->on_hangup) {
        s->on_hangup(s);
        return;
    }
    chardev_fd_stop_reading(s);
    qemu_chr_be_event(&s->parent, CHR_EVENT_CLOSED);
}

void chardev_fd_start_reading(ChardevFd *s)
{
    if (s->fd_in >= 0 && !s->reading) {
        qemu_set_fd_handler_poll(s->fd_in, chardev_fd_can_read, chardev_fd_read, NULL, s);
        s->reading = true;
    }
}

void chardev_fd_stop_reading(ChardevFd *s)
{
    if (s->reading) {
        qemu_set_fd_handler(s->fd_in, NULL, NULL, NULL);
        s->reading = false;
    }
}

void chardev_fd_setup(ChardevFd *s, int fd_in, int fd_out, bool close_fds)
{
    s->fd_in = fd_in;
    s->fd_out = fd_out;
    s->close_fds = close_fds;
    s->reading = false;
    chardev_fd_start_reading(s);
}

int chardev_fd_write(Chardev *chr, const uint8_t *buf, int len)
{
    ChardevFd *s = (ChardevFd *)chr;
    ssize_t n;

    if (s->fd_out < 0) {
        return len;
    }
    n = write(s->fd_out, buf, len);
    if (n < 0 && errno == EPIPE) {
        /* Nobody reads any more: the bytes are lost, as on a real line. */
        return len;
    }
    return n;
}

void chardev_wait_fd_writable(int fd, int timeout_ms)
{
    struct pollfd pfd = { .fd = fd, .events = POLLOUT };

    if (poll(&pfd, 1, timeout_ms) < 0 && errno != EINTR) {
        /* Nothing to wait on; avoid a busy loop in the caller. */
        usleep(1000);
    }
}

void chardev_fd_wait_writable(Chardev *chr)
{
    ChardevFd *s = (ChardevFd *)chr;

    if (s->fd_out >= 0) {
        chardev_wait_fd_writable(s->fd_out, 100);
    }
}

int chardev_fd_write_fd(Chardev *chr)
{
    return ((ChardevFd *)chr)->fd_out;
}

void chardev_fd_finalize(Chardev *chr)
{
    ChardevFd *s = (ChardevFd *)chr;

    chardev_fd_stop_reading(s);
    if (s->close_fds) {
        if (s->fd_in >= 0) {
            close(s->fd_in);
        }
        if (s->fd_out >= 0 && s->fd_out != s->fd_in) {
            close(s->fd_out);
        }
    }
    s->fd_in = s->fd_out = -1;
}
