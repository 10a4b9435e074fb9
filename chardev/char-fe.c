/*
 * The frontend API (see chardev/char-fe.h): attach, handlers, writes,
 * flow control and write watches.
 *
 * Writes take the chardev's write_lock so output from several threads
 * (vCPUs, the monitor) reaches the backend in whole calls. A write watch
 * polls a dup() of the backend's output fd for POLLOUT: the backend's own
 * handler on that fd stays untouched. Backends without an fd are always
 * writable, so their watch fires from a bottom half.
 */
#include "chardev/char-fe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "chardev-internal.h"
#include "util/main-loop.h"

struct ChrWatch {
    ChrWatchFunc *func;
    void *opaque;
    CharBackend *be;
    int fd;     /* a dup of the backend's output fd, or -1 */
    QEMUBH *bh; /* used when there is no fd */
};

bool qemu_chr_fe_init(CharBackend *be, Chardev *chr, Error **errp)
{
    be->tag = -1;
    be->fe_is_open = false;
    be->watch = NULL;
    be->chr_can_read = NULL;
    be->chr_read = NULL;
    be->chr_event = NULL;
    be->opaque = NULL;
    be->chr = NULL;
    if (!chr) {
        return true;
    }
    if (chr->cls->chr_attach) {
        if (!chr->cls->chr_attach(chr, be, errp)) {
            return false;
        }
    } else {
        if (chr->be) {
            error_setg(errp, "chardev '%s' is already in use", chr->label);
            return false;
        }
        chr->be = be;
    }
    be->chr = chr;
    return true;
}

void qemu_chr_fe_deinit(CharBackend *be, bool del)
{
    Chardev *chr = be->chr;

    qemu_chr_fe_remove_watch(be);
    if (!chr) {
        return;
    }
    qemu_chr_fe_set_handlers(be, NULL, NULL, NULL, NULL);
    if (chr->cls->chr_detach) {
        chr->cls->chr_detach(chr, be);
    } else if (chr->be == be) {
        chr->be = NULL;
    }
    be->chr = NULL;
    if (del) {
        qemu_chr_delete(chr);
    }
}

Chardev *qemu_chr_fe_get_driver(CharBackend *be)
{
    return be->chr;
}

bool qemu_chr_fe_backend_connected(CharBackend *be)
{
    return be->chr != NULL;
}

bool qemu_chr_fe_backend_open(CharBackend *be)
{
    return be->chr && be->chr->be_open;
}

void qemu_chr_fe_set_handlers(CharBackend *be, IOCanReadHandler *fd_can_read,
                              IOReadHandler *fd_read, IOEventHandler *fd_event, void *opaque)
{
    Chardev *chr = be->chr;

    be->chr_can_read = fd_can_read;
    be->chr_read = fd_read;
    be->chr_event = fd_event;
    be->opaque = opaque;
    be->fe_is_open = fd_can_read || fd_read || fd_event;
    if (!chr) {
        return;
    }
    if (chr->cls->chr_update_read_handler) {
        chr->cls->chr_update_read_handler(chr);
    }
    if (be->fe_is_open) {
        qemu_chr_fe_take_focus(be);
        /* Connecting to an already open backend: say so, as if it had
         * just opened. */
        if (chr->be_open && fd_event) {
            fd_event(opaque, CHR_EVENT_OPENED);
        }
    }
    /* Reading may be possible now; the loop re-checks flow control. */
    qemu_notify_event();
}

void qemu_chr_fe_take_focus(CharBackend *be)
{
    Chardev *chr = be->chr;

    if (chr && chr->cls == &char_mux_class && be->tag >= 0) {
        chardev_mux_set_focus(chr, be->tag);
    }
}

int qemu_chr_fe_write(CharBackend *be, const uint8_t *buf, int len)
{
    Chardev *chr = be->chr;
    int r;

    if (!chr || len <= 0) {
        return 0;
    }
    pthread_mutex_lock(&chr->write_lock);
    r = chr->cls->chr_write(chr, buf, len);
    pthread_mutex_unlock(&chr->write_lock);
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        return 0;
    }
    return r;
}

int qemu_chr_fe_write_all(CharBackend *be, const uint8_t *buf, int len)
{
    Chardev *chr = be->chr;
    int done = 0;

    if (!chr || len <= 0) {
        return 0;
    }
    pthread_mutex_lock(&chr->write_lock);
    while (done < len) {
        int r = chr->cls->chr_write(chr, buf + done, len - done);

        if (r > 0) {
            done += r;
        } else if (r == 0 || errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            if (chr->cls->chr_wait_writable) {
                chr->cls->chr_wait_writable(chr);
            } else {
                usleep(1000);
            }
        } else {
            pthread_mutex_unlock(&chr->write_lock);
            return -1;
        }
    }
    pthread_mutex_unlock(&chr->write_lock);
    return done;
}

void qemu_chr_fe_printf(CharBackend *be, const char *fmt, ...)
{
    char *s;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    qemu_chr_fe_write_all(be, (const uint8_t *)s, n);
    free(s);
}

void qemu_chr_fe_accept_input(CharBackend *be)
{
    Chardev *chr = be->chr;

    if (!chr) {
        return;
    }
    if (chr->cls->chr_accept_input) {
        chr->cls->chr_accept_input(chr);
    }
    /* fd backends check flow control before each poll: wake the loop so
     * it polls their input again. */
    qemu_notify_event();
}

/* ---- Write watches ---- */

static void chr_watch_free(struct ChrWatch *w)
{
    if (w->fd >= 0) {
        qemu_set_fd_handler(w->fd, NULL, NULL, NULL);
        close(w->fd);
    }
    qemu_bh_delete(w->bh);
    free(w);
}

void chardev_fe_fire_watch(CharBackend *be)
{
    struct ChrWatch *w = be->watch;
    ChrWatchFunc *func;
    void *opaque;

    if (!w) {
        return;
    }
    func = w->func;
    opaque = w->opaque;
    be->watch = NULL;
    chr_watch_free(w);
    /* Last: the callback may add a new watch. */
    func(opaque);
}

static void chr_watch_ready(void *opaque)
{
    struct ChrWatch *w = opaque;

    chardev_fe_fire_watch(w->be);
}

bool qemu_chr_fe_add_watch(CharBackend *be, ChrWatchFunc *func, void *opaque)
{
    Chardev *chr = be->chr;
    struct ChrWatch *w;
    int fd = -1;

    if (!chr) {
        return false;
    }
    qemu_chr_fe_remove_watch(be);
    w = calloc(1, sizeof(*w));
    if (!w) {
        abort();
    }
    w->func = func;
    w->opaque = opaque;
    w->be = be;
    w->fd = -1;
    if (chr->cls->chr_write_fd) {
        fd = chr->cls->chr_write_fd(chr);
    }
    if (fd >= 0) {
        w->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    }
    be->watch = w;
    if (w->fd >= 0) {
        qemu_set_fd_handler(w->fd, NULL, chr_watch_ready, w);
    } else {
        w->bh = qemu_bh_new(chr_watch_ready, w);
        qemu_bh_schedule(w->bh);
    }
    return true;
}

void qemu_chr_fe_remove_watch(CharBackend *be)
{
    if (be->watch) {
        chr_watch_free(be->watch);
        be->watch = NULL;
    }
}
