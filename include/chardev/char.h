/*
 * Character devices (chardevs): the backends that connect a byte stream
 * inside the emulator (a UART, the monitor) to something on the host.
 *
 * A Chardev is created from a spec, either the -chardev form
 *     qemu_chr_new_from_opts("socket,id=c0,path=/tmp/s,server=on,wait=off", errp)
 * or the legacy -serial/-monitor form with a label
 *     qemu_chr_new("serial0", "tcp:127.0.0.1:4444,server=on,wait=off", errp)
 * and is found again by its id/label with qemu_chr_find().
 *
 * Backends (the first word of a -chardev spec):
 *   null                          discards output, never has input
 *   stdio[,signal=on|off]         the terminal (raw mode when a tty; the
 *                                 terminal is restored at exit and on
 *                                 SIGTERM/SIGINT/SIGHUP); signal=off lets
 *                                 Ctrl-C through to the guest
 *   file,path=P[,in=P2][,append=on]   output to P, input from P2
 *   pipe,path=P                   P.in / P.out (or P both ways)
 *   pty                           a new pseudo-terminal (prints its name)
 *   socket,host=H,port=N | socket,path=P   TCP or Unix stream socket;
 *       server=on[,wait=on|off]   listen, one client at a time
 *       (client otherwise)[,reconnect=SECONDS]
 * Any backend takes mux=on: the chardev then multiplexes several frontends
 * (e.g. a serial port and the monitor) over that backend, switched by
 * Ctrl-a c (see chardev/char-mux.c and docs/chardev.md).
 *
 * Legacy specs (qemu_chr_new): "null", "stdio", "pty", "file:P", "pipe:P",
 * "tcp:[H]:N[,server=on][,wait=off]", "unix:P[,server=on]",
 * "mon:<any of these>" (mux=on, a monitor attached through the hook below).
 *
 * Threads: chardevs are created, fed and destroyed in the main loop with
 * the BQL held. Writes (qemu_chr_fe_write, char-fe.h) may come from any
 * thread holding the BQL.
 */
#ifndef CHARDEV_CHAR_H
#define CHARDEV_CHAR_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

typedef enum QEMUChrEvent {
    CHR_EVENT_BREAK,   /* a serial break (or Ctrl-a b on a mux) */
    CHR_EVENT_OPENED,  /* the backend is connected (a client arrived...) */
    CHR_EVENT_MUX_IN,  /* this frontend got the mux focus */
    CHR_EVENT_MUX_OUT, /* this frontend lost the mux focus */
    CHR_EVENT_CLOSED,  /* the backend was disconnected */
} QEMUChrEvent;

typedef struct Chardev Chardev;
typedef struct CharBackend CharBackend;
typedef struct ChardevOpts ChardevOpts;

/* A backend type. */
typedef struct ChardevClass {
    const char *name;
    size_t instance_size; /* >= sizeof(Chardev), which must come first */
    /* Open the host side from opts. Set *be_opened=false if the backend
     * is not connected yet (it sends CHR_EVENT_OPENED later itself). */
    bool (*open)(Chardev *chr, ChardevOpts *opts, bool *be_opened, Error **errp);
    /* Write up to len bytes; return how many were written (0..len), or -1
     * with errno (EAGAIN: try later). Called with chr->write_lock held. */
    int (*chr_write)(Chardev *chr, const uint8_t *buf, int len);
    /* Wait until a write may succeed again (for write_all); may be NULL. */
    void (*chr_wait_writable)(Chardev *chr);
    /* The frontend has room again: start reading. May be NULL. */
    void (*chr_accept_input)(Chardev *chr);
    /* Frontend handlers changed (a mux forwards them). May be NULL. */
    void (*chr_update_read_handler)(Chardev *chr);
    /* The file descriptor a write watch polls for POLLOUT, or -1. */
    int (*chr_write_fd)(Chardev *chr);
    /* Frontend side attach/detach (a mux tracks its frontends). */
    bool (*chr_attach)(Chardev *chr, CharBackend *be, Error **errp);
    void (*chr_detach)(Chardev *chr, CharBackend *be);
    /* Release host resources; the Chardev itself is freed by the core. */
    void (*finalize)(Chardev *chr);
} ChardevClass;

struct Chardev {
    const ChardevClass *cls;
    char *label;
    char *filename;  /* a human description, e.g. "unix:/tmp/s,server=on" */
    CharBackend *be; /* the attached frontend (a mux: the focused one) */
    bool be_open;    /* connected: OPENED sent, CLOSED not since */
    pthread_mutex_t write_lock;
    Chardev *next; /* the registry list */
};

/* Create from a -chardev spec; the id= option is the label. */
Chardev *qemu_chr_new_from_opts(const char *spec, Error **errp);
/* Create from a legacy spec with the given label. */
Chardev *qemu_chr_new(const char *label, const char *filename_spec, Error **errp);
Chardev *qemu_chr_find(const char *label);
/* Destroy; a frontend still attached is left without a backend (its
 * writes are dropped). NULL is a no-op. */
void qemu_chr_delete(Chardev *chr);
/* Destroy every chardev (at exit); restores the terminal. */
void qemu_chr_cleanup_all(void);
/* Restore the terminal's settings if stdio put it in raw mode
 * (async-signal-safe: usable from the machine's own signal handlers). */
void qemu_chr_restore_terminal(void);

/* Called for every legacy "mon:..." chardev, with the mux chardev, so the
 * monitor can attach itself (set by the monitor; NULL: nothing attached). */
void qemu_chr_set_mux_monitor_hook(void (*hook)(Chardev *mux));

/* ---- The mux ---- */

/* What Ctrl-a x does: call hook(opaque) (the machine requests a shutdown).
 * With no hook set, the emulator prints "terminated" and exits. */
void qemu_chr_mux_set_quit_hook(void (*hook)(void *opaque), void *opaque);
/* The escape key, 0x01 (Ctrl-a) by default (-echr). */
void qemu_chr_mux_set_escape_char(int c);
/* Maximum frontends on one mux. */
#define MAX_MUX 4

/* ---- For backends (and the frontend core) ---- */

/* Bytes the attached frontend accepts now (0 when none is attached). */
int qemu_chr_be_can_write(Chardev *chr);
/* Hand bytes received from the host to the frontend. */
void qemu_chr_be_write(Chardev *chr, const uint8_t *buf, int len);
/* Deliver an event; OPENED/CLOSED also update chr->be_open. */
void qemu_chr_be_event(Chardev *chr, QEMUChrEvent event);
/* Register a backend type (done by each backend's constructor). */
void qemu_chr_register_class(const ChardevClass *cls);

/* Parsed "key=value,..." options handed to ChardevClass.open. */
const char *chardev_opt_get(ChardevOpts *opts, const char *key);
/* on/off/yes/no/true/false; a bare key ("server") means on. def if absent.
 * An invalid value sets *errp and returns def. */
bool chardev_opt_get_bool(ChardevOpts *opts, const char *key, bool def, Error **errp);
/* A non-negative integer; def if absent; invalid sets *errp. */
int64_t chardev_opt_get_number(ChardevOpts *opts, const char *key, int64_t def, Error **errp);

/* Make fd non-blocking / close-on-exec; false on failure (errno set). */
bool chardev_set_nonblock(int fd);

#endif
