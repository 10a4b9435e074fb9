/*
 * The socket backend: a TCP or Unix stream socket, as server or client.
 *
 *   socket,path=P | socket,host=H,port=N
 *     server=on: listen; one client at a time (later ones wait in the
 *       listen backlog until the current one leaves). wait=on (the
 *       default) blocks creation until the first client connects;
 *       wait=off accepts it later from the main loop.
 *     client (server=off): connect at creation; reconnect=N retries every N
 *       seconds after a failed connect or a disconnection, otherwise a
 *       failed connect is an error.
 *     nodelay=on: TCP_NODELAY.
 *
 * A connection sends CHR_EVENT_OPENED to the frontend, its end
 * CHR_EVENT_CLOSED. Output while no peer is connected, or to a peer that
 * went away, is dropped. The connected fd changes only under write_lock,
 * so writes from vCPU threads never see a closed fd.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "chardev-internal.h"
#include "util/main-loop.h"
#include "util/timer.h"

#define SOCKET_READ_CHUNK 4096

typedef struct ChardevSocket {
    Chardev parent;
    bool is_unix;
    bool is_server;
    bool nodelay;
    char *path;    /* unix */
    char *host;    /* tcp */
    char *port;    /* tcp; for a server the port actually bound */
    char *desc;    /* "unix:P,server=on" / "tcp:H:N" */
    int listen_fd; /* server; -1 otherwise */
    int fd;        /* the connection, or -1 */
    int64_t reconnect_s;
    QEMUTimer *reconnect_timer;
} ChardevSocket;

static void socket_set_filename(ChardevSocket *s)
{
    Chardev *chr = &s->parent;

    free(chr->filename);
    if (asprintf(&chr->filename, "%s%s", s->fd >= 0 ? "" : "disconnected:", s->desc) < 0) {
        abort();
    }
}

static bool socket_can_read(void *opaque)
{
    return qemu_chr_be_can_write(opaque) > 0;
}

static void socket_accept(void *opaque);
static void socket_read(void *opaque);

static void socket_disconnect(ChardevSocket *s)
{
    Chardev *chr = &s->parent;

    if (s->fd < 0) {
        return;
    }
    qemu_set_fd_handler(s->fd, NULL, NULL, NULL);
    pthread_mutex_lock(&chr->write_lock);
    close(s->fd);
    s->fd = -1;
    pthread_mutex_unlock(&chr->write_lock);
    socket_set_filename(s);
    if (s->is_server) {
        qemu_set_fd_handler(s->listen_fd, socket_accept, NULL, s);
    } else if (s->reconnect_s > 0) {
        timer_mod(s->reconnect_timer,
                  qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + s->reconnect_s * 1000);
    }
    qemu_chr_be_event(chr, CHR_EVENT_CLOSED);
}

/* Adopt a connected fd; send_event false while still opening. */
static void socket_connected(ChardevSocket *s, int fd, bool send_event)
{
    Chardev *chr = &s->parent;
    int one = 1;

    chardev_set_nonblock(fd);
    if (!s->is_unix && s->nodelay) {
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    pthread_mutex_lock(&chr->write_lock);
    s->fd = fd;
    pthread_mutex_unlock(&chr->write_lock);
    if (s->is_server) {
        /* One client at a time: others wait in the backlog. */
        qemu_set_fd_handler(s->listen_fd, NULL, NULL, NULL);
    }
    qemu_set_fd_handler_poll(fd, socket_can_read, socket_read, NULL, s);
    socket_set_filename(s);
    if (send_event) {
        qemu_chr_be_event(chr, CHR_EVENT_OPENED);
    }
}

static void socket_read(void *opaque)
{
    ChardevSocket *s = opaque;
    uint8_t buf[SOCKET_READ_CHUNK];
    int room = qemu_chr_be_can_write(&s->parent);
    ssize_t n;

    if (room <= 0 || s->fd < 0) {
        return;
    }
    if (room > SOCKET_READ_CHUNK) {
        room = SOCKET_READ_CHUNK;
    }
    n = recv(s->fd, buf, room, 0);
    if (n > 0) {
        qemu_chr_be_write(&s->parent, buf, n);
    } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        socket_disconnect(s);
    }
}

static void socket_accept(void *opaque)
{
    ChardevSocket *s = opaque;
    int fd;

    if (s->fd >= 0) {
        return;
    }
    fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0) {
        return; /* EAGAIN, or the client gave up already */
    }
    socket_connected(s, fd, true);
}

/* Resolve host:port; the caller frees the list. */
static struct addrinfo *socket_resolve(const char *host, const char *port, bool passive,
                                       Error **errp)
{
    struct addrinfo hints = { 0 }, *res = NULL;
    int rc;

    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = passive ? AI_PASSIVE : 0;
    rc = getaddrinfo(host && host[0] ? host : NULL, port, &hints, &res);
    if (rc != 0) {
        error_setg(errp, "chardev: cannot resolve '%s:%s': %s", host ? host : "", port,
                   gai_strerror(rc));
        return NULL;
    }
    return res;
}

static bool socket_unix_addr(const char *path, struct sockaddr_un *sun, Error **errp)
{
    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sun->sun_path)) {
        error_setg(errp, "chardev: socket path too long: '%s'", path);
        return false;
    }
    strcpy(sun->sun_path, path);
    return true;
}

static bool socket_listen(ChardevSocket *s, Error **errp)
{
    int fd = -1;

    if (s->is_unix) {
        struct sockaddr_un sun;

        if (!socket_unix_addr(s->path, &sun, errp)) {
            return false;
        }
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        /* A stale socket file from an earlier run would make bind fail. */
        unlink(s->path);
        if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 1) < 0) {
            error_setg_errno(errp, errno, "chardev: cannot listen on unix:%s", s->path);
            if (fd >= 0) {
                close(fd);
            }
            return false;
        }
    } else {
        struct addrinfo *res = socket_resolve(s->host, s->port, true, errp), *ai;
        int err = 0, one = 1;
        struct sockaddr_storage ss;
        socklen_t sslen = sizeof(ss);
        char portbuf[NI_MAXSERV];

        if (!res) {
            return false;
        }
        for (ai = res; ai; ai = ai->ai_next) {
            fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
            if (fd < 0) {
                err = errno;
                continue;
            }
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
            if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 1) == 0) {
                break;
            }
            err = errno;
            close(fd);
            fd = -1;
        }
        freeaddrinfo(res);
        if (fd < 0) {
            error_setg_errno(errp, err, "chardev: cannot listen on tcp:%s:%s",
                             s->host ? s->host : "", s->port);
            return false;
        }
        /* port=0 picks a free port: report the real one. */
        if (getsockname(fd, (struct sockaddr *)&ss, &sslen) == 0 &&
            getnameinfo((struct sockaddr *)&ss, sslen, NULL, 0, portbuf, sizeof(portbuf),
                        NI_NUMERICSERV) == 0) {
            free(s->port);
            s->port = strdup(portbuf);
        }
    }
    chardev_set_nonblock(fd);
    s->listen_fd = fd;
    return true;
}

/* Connect (blocking); returns the fd or -1 with *errp set. */
static int socket_connect(ChardevSocket *s, Error **errp)
{
    int fd = -1;

    if (s->is_unix) {
        struct sockaddr_un sun;

        if (!socket_unix_addr(s->path, &sun, errp)) {
            return -1;
        }
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
            error_setg_errno(errp, errno, "chardev: cannot connect to unix:%s", s->path);
            if (fd >= 0) {
                close(fd);
            }
            return -1;
        }
        return fd;
    } else {
        struct addrinfo *res = socket_resolve(s->host, s->port, false, errp), *ai;
        int err = 0;

        if (!res) {
            return -1;
        }
        for (ai = res; ai; ai = ai->ai_next) {
            fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
            if (fd < 0) {
                err = errno;
                continue;
            }
            if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
                break;
            }
            err = errno;
            close(fd);
            fd = -1;
        }
        freeaddrinfo(res);
        if (fd < 0) {
            error_setg_errno(errp, err, "chardev: cannot connect to tcp:%s:%s",
                             s->host ? s->host : "localhost", s->port);
        }
        return fd;
    }
}

static void socket_reconnect(void *opaque)
{
    ChardevSocket *s = opaque;
    int fd;

    if (s->fd >= 0) {
        return;
    }
    fd = socket_connect(s, NULL);
    if (fd >= 0) {
        socket_connected(s, fd, true);
    } else {
        timer_mod(s->reconnect_timer,
                  qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + s->reconnect_s * 1000);
    }
}

static bool socket_open(Chardev *chr, ChardevOpts *opts, bool *be_opened, Error **errp)
{
    ChardevSocket *s = (ChardevSocket *)chr;
    const char *path = chardev_opt_get(opts, "path");
    const char *host = chardev_opt_get(opts, "host");
    const char *port = chardev_opt_get(opts, "port");
    Error *local_err = NULL;
    bool wait;
    int n;

    s->listen_fd = s->fd = -1;
    s->is_server = chardev_opt_get_bool(opts, "server", false, &local_err);
    wait = chardev_opt_get_bool(opts, "wait", true, &local_err);
    s->nodelay = chardev_opt_get_bool(opts, "nodelay", false, &local_err);
    s->reconnect_s = chardev_opt_get_number(opts, "reconnect", 0, &local_err);
    if (local_err) {
        error_propagate(errp, local_err);
        return false;
    }
    if (path && (host || port)) {
        error_setg(errp, "chardev: socket: give either path= or host=/port=, not both");
        return false;
    }
    if (path) {
        if (!path[0]) {
            error_setg(errp, "chardev: socket: missing path");
            return false;
        }
        s->is_unix = true;
        s->path = strdup(path);
    } else if (port && port[0]) {
        s->host = host ? strdup(host) : NULL;
        s->port = strdup(port);
    } else {
        error_setg(errp, "chardev: socket: missing path= or port=");
        return false;
    }
    if (s->is_server && s->reconnect_s) {
        error_setg(errp, "chardev: socket: reconnect= is for clients, not server=on");
        return false;
    }

    if (s->is_server) {
        if (!socket_listen(s, errp)) {
            return false;
        }
    }
    if (s->is_unix) {
        n = asprintf(&s->desc, "unix:%s%s", s->path, s->is_server ? ",server=on" : "");
    } else {
        n = asprintf(&s->desc, "tcp:%s:%s%s", s->host ? s->host : "", s->port,
                     s->is_server ? ",server=on" : "");
    }
    if (n < 0) {
        abort();
    }
    socket_set_filename(s);

    if (s->is_server) {
        if (wait) {
            int fd;

            error_report("info: waiting for connection on: %s", chr->filename);
            do {
                struct pollfd pfd = { .fd = s->listen_fd, .events = POLLIN };

                poll(&pfd, 1, -1);
                fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
            } while (fd < 0 && (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED));
            if (fd < 0) {
                error_setg_errno(errp, errno, "chardev: accept on %s failed", s->desc);
                return false;
            }
            socket_connected(s, fd, false);
            return true;
        }
        qemu_set_fd_handler(s->listen_fd, socket_accept, NULL, s);
        *be_opened = false;
        return true;
    }

    s->reconnect_timer = timer_new_ms(QEMU_CLOCK_REALTIME, socket_reconnect, s);
    {
        int fd = socket_connect(s, s->reconnect_s ? NULL : errp);

        if (fd >= 0) {
            socket_connected(s, fd, false);
            return true;
        }
        if (!s->reconnect_s) {
            return false;
        }
        /* With reconnect=, an absent server is not an error: keep trying. */
        timer_mod(s->reconnect_timer,
                  qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + s->reconnect_s * 1000);
        *be_opened = false;
        return true;
    }
}

static int socket_write(Chardev *chr, const uint8_t *buf, int len)
{
    ChardevSocket *s = (ChardevSocket *)chr;
    ssize_t n;

    if (s->fd < 0) {
        return len;
    }
    n = send(s->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        /* The peer went away; the read side notices and disconnects. */
        return len;
    }
    return n;
}

static void socket_wait_writable(Chardev *chr)
{
    ChardevSocket *s = (ChardevSocket *)chr;

    if (s->fd >= 0) {
        chardev_wait_fd_writable(s->fd, 100);
    }
}

static int socket_write_fd(Chardev *chr)
{
    return ((ChardevSocket *)chr)->fd;
}

static void socket_finalize(Chardev *chr)
{
    ChardevSocket *s = (ChardevSocket *)chr;

    timer_free(s->reconnect_timer);
    if (s->fd >= 0) {
        qemu_set_fd_handler(s->fd, NULL, NULL, NULL);
        close(s->fd);
    }
    if (s->listen_fd >= 0) {
        qemu_set_fd_handler(s->listen_fd, NULL, NULL, NULL);
        close(s->listen_fd);
        if (s->is_unix) {
            unlink(s->path);
        }
    }
    free(s->path);
    free(s->host);
    free(s->port);
    free(s->desc);
}

const ChardevClass char_socket_class = {
    .name = "socket",
    .instance_size = sizeof(ChardevSocket),
    .open = socket_open,
    .chr_write = socket_write,
    .chr_wait_writable = socket_wait_writable,
    .chr_write_fd = socket_write_fd,
    .finalize = socket_finalize,
};
