/*
 * The frontend side of a chardev: what a device (UART, monitor) uses.
 *
 *     CharBackend chr;                       // in the device state
 *     qemu_chr_fe_init(&s->chr, chardev, errp);
 *     qemu_chr_fe_set_handlers(&s->chr, can_receive, receive, event, s);
 *     qemu_chr_fe_write_all(&s->chr, buf, len);
 *
 * Flow control: the backend hands the frontend at most can_read() bytes
 * at a time and stops reading the host while can_read() returns 0; when the
 * frontend has room again it calls qemu_chr_fe_accept_input() (from any
 * thread holding the BQL), which restarts reading.
 *
 * Events: OPENED when the backend is (or already was, at set_handlers
 * time) connected, CLOSED on disconnection, BREAK for a serial break,
 * MUX_IN/MUX_OUT when a mux gives/takes this frontend the focus.
 *
 * Handlers run in the main loop with the BQL held.
 */
#ifndef CHARDEV_CHAR_FE_H
#define CHARDEV_CHAR_FE_H

#include <stdbool.h>
#include <stdint.h>

#include "chardev/char.h"

typedef int IOCanReadHandler(void *opaque);
typedef void IOReadHandler(void *opaque, const uint8_t *buf, int size);
typedef void IOEventHandler(void *opaque, QEMUChrEvent event);
/* A one-shot write-watch callback (qemu_chr_fe_add_watch). */
typedef void ChrWatchFunc(void *opaque);

struct CharBackend {
    Chardev *chr;
    IOCanReadHandler *chr_can_read;
    IOReadHandler *chr_read;
    IOEventHandler *chr_event;
    void *opaque;
    int tag;                /* index among a mux's frontends (-1: not on a mux) */
    bool fe_is_open;        /* handlers set */
    struct ChrWatch *watch; /* a pending qemu_chr_fe_add_watch, or NULL */
};

/*
 * Attach to chr (NULL: a frontend with no backend, whose writes are
 * dropped). A non-mux chardev takes one frontend; a mux takes up to 4.
 */
bool qemu_chr_fe_init(CharBackend *be, Chardev *chr, Error **errp);
/* Detach; with del, also destroy the chardev. */
void qemu_chr_fe_deinit(CharBackend *be, bool del);
Chardev *qemu_chr_fe_get_driver(CharBackend *be);
bool qemu_chr_fe_backend_connected(CharBackend *be);
/* True if the backend is open (e.g. a socket has a client). */
bool qemu_chr_fe_backend_open(CharBackend *be);

/*
 * Set the handlers (all NULL: stop receiving). If the backend is already
 * open the event handler gets CHR_EVENT_OPENED right away. On a mux, the
 * frontend that sets handlers takes the focus.
 */
void qemu_chr_fe_set_handlers(CharBackend *be, IOCanReadHandler *fd_can_read,
                              IOReadHandler *fd_read, IOEventHandler *fd_event, void *opaque);
/* On a mux, give this frontend the focus. */
void qemu_chr_fe_take_focus(CharBackend *be);

/*
 * Write what can be written without blocking; returns the number of bytes
 * written (0..len; 0 also when no backend), or -1 on an error. A backend
 * that is not connected (socket without a client) swallows the bytes.
 */
int qemu_chr_fe_write(CharBackend *be, const uint8_t *buf, int len);
/* Write all len bytes, waiting for the backend if needed; returns len or -1. */
int qemu_chr_fe_write_all(CharBackend *be, const uint8_t *buf, int len);
/* Formatted write_all. */
void qemu_chr_fe_printf(CharBackend *be, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The frontend has room again: restart reading the backend. */
void qemu_chr_fe_accept_input(CharBackend *be);
/*
 * Call func(opaque) once, in the main loop, when the backend can take more
 * output (after a short qemu_chr_fe_write). One watch per frontend; a new
 * one replaces the old. Returns false if no backend is attached.
 */
bool qemu_chr_fe_add_watch(CharBackend *be, ChrWatchFunc *func, void *opaque);
void qemu_chr_fe_remove_watch(CharBackend *be);

#endif
