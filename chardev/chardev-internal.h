/*
 * Private to chardev/: the built-in backend classes, the fd helper shared
 * by the fd-based backends, and the mux constructor.
 */
#ifndef CHARDEV_INTERNAL_H
#define CHARDEV_INTERNAL_H

#include "chardev/char-fe.h"
#include "chardev/char.h"

extern const ChardevClass char_null_class;
extern const ChardevClass char_stdio_class;
extern const ChardevClass char_file_class;
extern const ChardevClass char_pipe_class;
extern const ChardevClass char_pty_class;
extern const ChardevClass char_socket_class;
extern const ChardevClass char_mux_class;

/* ---- fd-based backends (char-fd.c) ---- */

typedef struct ChardevFd ChardevFd;
struct ChardevFd {
    Chardev parent;
    int fd_in;      /* -1: no input */
    int fd_out;     /* -1: output discarded */
    bool close_fds; /* close them at finalize (not for stdio) */
    bool reading;   /* the read handler is installed */
    /* Called instead of the default (CLOSED event, stop reading) when
     * fd_in reports EOF, an error or a hang-up. May be NULL. */
    void (*on_hangup)(ChardevFd *s);
};

/* Install the fds; starts reading fd_in (with flow control). */
void chardev_fd_setup(ChardevFd *s, int fd_in, int fd_out, bool close_fds);
void chardev_fd_start_reading(ChardevFd *s);
void chardev_fd_stop_reading(ChardevFd *s);
int chardev_fd_write(Chardev *chr, const uint8_t *buf, int len);
void chardev_fd_wait_writable(Chardev *chr);
int chardev_fd_write_fd(Chardev *chr);
void chardev_fd_finalize(Chardev *chr);

/* Wait (up to timeout_ms; -1: forever) until fd is writable. */
void chardev_wait_fd_writable(int fd, int timeout_ms);

/* ---- The mux (char-mux.c) ---- */

/* Create the mux labelled label over base (which it then owns). */
Chardev *chardev_mux_new(const char *label, Chardev *base, Error **errp);
/* Give the frontend with this tag the focus (MUX_OUT/MUX_IN events). */
void chardev_mux_set_focus(Chardev *chr, int tag);

/* ---- The core (char.c) ---- */

/* Allocate a chardev of class cls (not registered, not opened). */
Chardev *chardev_alloc(const ChardevClass *cls, const char *label);
/* Free a chardev: finalize, registry removal, memory. */
void chardev_free(Chardev *chr);
/* Fire the frontend's pending write watch, if any (char-fe.c). */
void chardev_fe_fire_watch(CharBackend *be);

#endif
