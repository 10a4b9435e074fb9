/*
 * The pty backend: a new pseudo-terminal whose slave side the user opens
 * (screen, minicom, a test). We keep only the master.
 *
 * The master reads EIO / reports POLLHUP while no process has the slave
 * open, so a connection is noticed by polling: every PTY_POLL_MS (on the
 * realtime clock) while disconnected. Connected: read with flow control,
 * CHR_EVENT_OPENED sent; hang-up: CHR_EVENT_CLOSED and back to polling.
 * Output while nobody is connected is dropped (a real line with nothing
 * plugged in).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "chardev-internal.h"
#include "util/timer.h"

#define PTY_POLL_MS 200

typedef struct ChardevPty {
    ChardevFd fd;
    char *name;
    bool connected;
    QEMUTimer *timer;
} ChardevPty;

/* Is some process holding the slave open? */
static bool pty_slave_open(int master)
{
    struct pollfd pfd = { .fd = master, .events = POLLIN };

    if (poll(&pfd, 1, 0) < 0) {
        return false;
    }
    return !(pfd.revents & POLLHUP);
}

static void pty_set_connected(ChardevPty *s, bool connected)
{
    Chardev *chr = &s->fd.parent;

    if (s->connected == connected) {
        return;
    }
    s->connected = connected;
    if (connected) {
        timer_del(s->timer);
        chardev_fd_start_reading(&s->fd);
        qemu_chr_be_event(chr, CHR_EVENT_OPENED);
    } else {
        chardev_fd_stop_reading(&s->fd);
        qemu_chr_be_event(chr, CHR_EVENT_CLOSED);
        timer_mod(s->timer, qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + PTY_POLL_MS);
    }
}

static void pty_poll_timer(void *opaque)
{
    ChardevPty *s = opaque;

    if (pty_slave_open(s->fd.fd_in)) {
        pty_set_connected(s, true);
    } else {
        timer_mod(s->timer, qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + PTY_POLL_MS);
    }
}

static void pty_hangup(ChardevFd *fd)
{
    pty_set_connected((ChardevPty *)fd, false);
}

static bool pty_open(Chardev *chr, ChardevOpts *opts, bool *be_opened, Error **errp)
{
    ChardevPty *s = (ChardevPty *)chr;
    struct termios tty;
    char name[256];
    int master, slave;

    if (openpty(&master, &slave, name, NULL, NULL) < 0) {
        error_setg_errno(errp, errno, "chardev: cannot open a pty");
        return false;
    }
    /* The line discipline settings live with the pty, so raw mode set
     * through the slave stays after we close it. */
    if (tcgetattr(slave, &tty) == 0) {
        cfmakeraw(&tty);
        tcsetattr(slave, TCSAFLUSH, &tty);
    }
    close(slave);
    chardev_set_nonblock(master);

    s->name = strdup(name);
    s->fd.on_hangup = pty_hangup;
    s->fd.fd_in = s->fd.fd_out = master;
    s->fd.close_fds = true;
    s->timer = timer_new_ms(QEMU_CLOCK_REALTIME, pty_poll_timer, s);
    s->connected = false;
    timer_mod(s->timer, qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + PTY_POLL_MS);
    *be_opened = false;

    free(chr->filename);
    if (asprintf(&chr->filename, "pty:%s", name) < 0) {
        abort();
    }
    error_report("char device redirected to %s (label %s)", name, chr->label);
    return true;
}

static int pty_write(Chardev *chr, const uint8_t *buf, int len)
{
    ChardevPty *s = (ChardevPty *)chr;

    if (!s->connected) {
        /* Notice a connection made since the last poll, so the first
         * bytes after connecting are not lost. */
        if (!pty_slave_open(s->fd.fd_out)) {
            return len;
        }
    }
    return chardev_fd_write(chr, buf, len);
}

static void pty_finalize(Chardev *chr)
{
    ChardevPty *s = (ChardevPty *)chr;

    timer_free(s->timer);
    s->timer = NULL;
    chardev_fd_finalize(chr);
    free(s->name);
}

const ChardevClass char_pty_class = {
    .name = "pty",
    .instance_size = sizeof(ChardevPty),
    .open = pty_open,
    .chr_write = pty_write,
    .chr_wait_writable = chardev_fd_wait_writable,
    .chr_write_fd = chardev_fd_write_fd,
    .finalize = pty_finalize,
};
