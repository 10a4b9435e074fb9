/*
 * Unit tests for chardev/: spec parsing and errors, the null and file
 * backends, Unix and TCP sockets (server and client, with a peer written
 * here), flow control, the pty backend, the mux (focus switching, escape
 * commands, quit hook) and write watches.
 *
 * The main loop is driven by hand (run_until) with a deadline, so a
 * missing event fails a test instead of hanging it.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "chardev/char-fe.h"
#include "hw/core/qdev-properties.h"
#include "chardev/char.h"
#include "hw/core/qdev.h"
#include "util/main-loop.h"
#include "util/timer.h"

#include "tap.h"

/* ---- A test frontend ---- */

typedef struct Fe {
    CharBackend be;
    char rx[8192];
    int rxlen;
    int room;      /* can_read's answer cap; -1: whatever fits */
    int max_chunk; /* largest single chr_read seen */
    QEMUChrEvent ev[64];
    int nev;
} Fe;

static int fe_can_read(void *opaque)
{
    Fe *f = opaque;
    int space = (int)sizeof(f->rx) - f->rxlen;

    return f->room >= 0 && f->room < space ? f->room : space;
}

static void fe_read(void *opaque, const uint8_t *buf, int size)
{
    Fe *f = opaque;

    if (size > f->max_chunk) {
        f->max_chunk = size;
    }
    if (size > (int)sizeof(f->rx) - f->rxlen) {
        size = (int)sizeof(f->rx) - f->rxlen;
    }
    memcpy(f->rx + f->rxlen, buf, size);
    f->rxlen += size;
}

static void fe_event(void *opaque, QEMUChrEvent event)
{
    Fe *f = opaque;

    if (f->nev < 64) {
        f->ev[f->nev++] = event;
    }
}

static void fe_reset(Fe *f)
{
    f->rxlen = 0;
    f->nev = 0;
    f->max_chunk = 0;
}

static bool fe_attach(Fe *f, Chardev *chr)
{
    memset(f, 0, sizeof(*f));
    f->room = -1;
    if (!qemu_chr_fe_init(&f->be, chr, NULL)) {
        return false;
    }
    qemu_chr_fe_set_handlers(&f->be, fe_can_read, fe_read, fe_event, f);
    return true;
}

static bool fe_got(Fe *f, const char *s)
{
    size_t n = strlen(s);

    return (size_t)f->rxlen == n && !memcmp(f->rx, s, n);
}

static int fe_count(Fe *f, QEMUChrEvent e)
{
    int n = 0;

    for (int i = 0; i < f->nev; i++) {
        n += f->ev[i] == e;
    }
    return n;
}

static QEMUChrEvent fe_last(Fe *f)
{
    return f->nev ? f->ev[f->nev - 1] : (QEMUChrEvent)-1;
}

/* ---- Driving the loop ---- */

typedef bool Cond(void *arg);

static bool run_until(Cond *cond, void *arg, int timeout_ms)
{
    int64_t end = qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + timeout_ms;

    while (!cond(arg)) {
        if (qemu_clock_get_ms(QEMU_CLOCK_REALTIME) > end) {
            return false;
        }
        main_loop_wait(true);
        usleep(1000);
    }
    return true;
}

static void run_for(int ms)
{
    int64_t end = qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + ms;

    while (qemu_clock_get_ms(QEMU_CLOCK_REALTIME) < end) {
        main_loop_wait(true);
        usleep(1000);
    }
}

static int want_len;
static bool cond_rxlen(void *arg)
{
    return ((Fe *)arg)->rxlen >= want_len;
}

static QEMUChrEvent want_ev;
static bool cond_event(void *arg)
{
    return fe_last((Fe *)arg) == want_ev;
}

static bool wait_rx(Fe *f, int len, int ms)
{
    want_len = len;
    return run_until(cond_rxlen, f, ms);
}

static bool wait_event(Fe *f, QEMUChrEvent e, int ms)
{
    want_ev = e;
    return run_until(cond_event, f, ms);
}

/* ---- Peer sockets ---- */

static int unix_connect(const char *path)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
    if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int tcp_connect(int port)
{
    struct sockaddr_in sin = { .sin_family = AF_INET };
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    sin.sin_port = htons(port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Read from a peer fd, running the loop meanwhile, until len bytes came. */
static int peer_read(int fd, char *buf, int len, int timeout_ms)
{
    int64_t end = qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + timeout_ms;
    int got = 0;

    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    while (got < len && qemu_clock_get_ms(QEMU_CLOCK_REALTIME) < end) {
        ssize_t n = read(fd, buf + got, len - got);

        if (n > 0) {
            got += n;
        } else {
            main_loop_wait(true);
            usleep(1000);
        }
    }
    return got;
}

/* Read from a peer until the text contains needle (or timeout). */
static bool peer_read_until(int fd, char *buf, int size, const char *needle, int timeout_ms)
{
    int64_t end = qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + timeout_ms;
    int got = 0;

    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    buf[0] = 0;
    while (!strstr(buf, needle) && qemu_clock_get_ms(QEMU_CLOCK_REALTIME) < end) {
        ssize_t n = read(fd, buf + got, size - 1 - got);

        if (n > 0) {
            got += n;
            buf[got] = 0;
        } else {
            main_loop_wait(true);
            usleep(1000);
        }
    }
    return strstr(buf, needle) != NULL;
}

static char tmpdir[64];

static char *tmp_path(const char *name)
{
    static char paths[8][128];
    static int next;
    char *p = paths[next++ % 8];

    snprintf(p, 128, "%s/%s", tmpdir, name);
    return p;
}

/* ---- Tests ---- */

static void expect_error(Chardev *chr, Error *err, const char *want, const char *what)
{
    const char *msg = err ? error_get_pretty(err) : "(no error)";

    tap_ok(!chr && err && strstr(msg, want), "%s: error \"%s\"", what, msg);
    if (chr) {
        qemu_chr_delete(chr);
    }
    error_free(err);
}

static void test_bad_specs(void)
{
    static const struct {
        bool legacy;
        const char *spec;
        const char *want;
    } cases[] = {
        { false, "foo,id=x", "unknown backend 'foo'" },
        { true, "foo:bar", "unknown backend 'foo'" },
        { true, "bogus", "unknown backend 'bogus'" },
        { false, "file,id=x", "missing path" },
        { true, "file:", "missing path" },
        { true, "unix:", "missing path" },
        { false, "socket,id=x", "missing path= or port=" },
        { false, "socket,id=x,path=", "missing path" },
        { false, "null", "missing id=" },
        { false, "", "empty spec" },
        { false, "id=x", "does not start with a backend name" },
        { false, "null,id=x,bogus=1", "unknown option 'bogus' for backend 'null'" },
        { false, "socket,id=x,path=/nonexistent/dir/s,server=maybe", "wants on or off" },
        { false, "socket,id=x,path=/a,port=4", "not both" },
        { false, "socket,id=x,path=/nonexistent/dir/s", "cannot connect to unix:/nonexistent" },
        { false, "socket,id=x,path=/nonexistent/dir/s,server=on,wait=off", "cannot listen" },
        { false, "socket,id=x,path=/a,reconnect=soon", "non-negative number" },
        { false, "file,id=x,path=/nonexistent/dir/f", "cannot open '/nonexistent/dir/f'" },
        { true, "tcp:nocolon", "wants tcp:[host]:port" },
        { false, "null,id=x,mux=maybe", "wants on or off" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        Error *err = NULL;
        Chardev *chr = cases[i].legacy ? qemu_chr_new("bad", cases[i].spec, &err)
                                       : qemu_chr_new_from_opts(cases[i].spec, &err);

        expect_error(chr, err, cases[i].want, cases[i].spec[0] ? cases[i].spec : "(empty)");
    }
    tap_ok(qemu_chr_find("x") == NULL && qemu_chr_find("bad") == NULL,
           "failed creations leave nothing registered");
}

static void test_null_and_registry(void)
{
    Chardev *chr_keep;
    Error *err = NULL;
    Chardev *n0 = qemu_chr_new_from_opts("null,id=n0", &err);
    Chardev *dup;
    CharBackend other;
    Fe f;

    tap_ok(n0 && qemu_chr_find("n0") == n0, "null chardev created and found by id");
    dup = qemu_chr_new_from_opts("null,id=n0", &err);
    expect_error(dup, err, "duplicate id 'n0'", "duplicate id");
    err = NULL;

    tap_ok(fe_attach(&f, n0), "frontend attaches");
    tap_ok(fe_count(&f, CHR_EVENT_OPENED) == 1, "null is open: OPENED at set_handlers");
    tap_ok(qemu_chr_fe_write(&f.be, (const uint8_t *)"abc", 3) == 3, "null swallows writes");
    tap_ok(!qemu_chr_fe_init(&other, n0, &err) && err &&
               strstr(error_get_pretty(err), "already in use"),
           "a second frontend on a non-mux chardev is refused");
    error_free(err);
    run_for(10);
    tap_ok(f.rxlen == 0, "null never has input");
    qemu_chr_fe_deinit(&f.be, true);
    tap_ok(qemu_chr_find("n0") == NULL, "qemu_chr_fe_deinit(del) destroys it");

    CharBackend none;
    tap_ok(qemu_chr_fe_init(&none, NULL, NULL) &&
               qemu_chr_fe_write(&none, (const uint8_t *)"x", 1) == 0 &&
               !qemu_chr_fe_backend_connected(&none),
           "a frontend without backend drops writes");

    Chardev *s1 = qemu_chr_new("con", "stdio", NULL);
    err = NULL;
    Chardev *s2 = qemu_chr_new_from_opts("stdio,id=con2", &err);
    tap_ok(s1 != NULL, "stdio chardev created");
    expect_error(s2, err, "already used by chardev 'con'", "second stdio");
    qemu_chr_delete(s1);

    chr_keep = qemu_chr_new_from_opts("null,id=gone", NULL);
    fe_attach(&f, chr_keep);
    qemu_chr_delete(chr_keep);
    tap_ok(!qemu_chr_fe_backend_connected(&f.be) &&
               qemu_chr_fe_write(&f.be, (const uint8_t *)"x", 1) == 0,
           "deleting a chardev leaves its frontend without a backend");
}

static void test_file(void)
{
    char spec[256], buf[64];
    const char *out = tmp_path("out.txt"), *in = tmp_path("in.txt");
    Error *err = NULL;
    Chardev *chr;
    FILE *fp;
    Fe f;
    int n;

    snprintf(spec, sizeof(spec), "file,id=f0,path=%s", out);
    chr = qemu_chr_new_from_opts(spec, &err);
    tap_ok(chr != NULL, "file chardev created");
    fe_attach(&f, chr);
    qemu_chr_fe_write_all(&f.be, (const uint8_t *)"hello ", 6);
    qemu_chr_fe_printf(&f.be, "world %d\n", 42);
    qemu_chr_fe_deinit(&f.be, true);
    fp = fopen(out, "r");
    n = fp ? (int)fread(buf, 1, sizeof(buf) - 1, fp) : 0;
    buf[n] = 0;
    if (fp) {
        fclose(fp);
    }
    tap_ok(!strcmp(buf, "hello world 42\n"), "file receives what was written (\"%s\")", buf);

    /* Legacy form, append, and input with flow control. */
    fp = fopen(in, "w");
    fputs("0123456789abcdef", fp);
    fclose(fp);
    snprintf(spec, sizeof(spec), "file,id=f1,path=%s,in=%s,append=on", out, in);
    chr = qemu_chr_new_from_opts(spec, &err);
    tap_ok(chr != NULL, "file with in= and append=on");
    fe_attach(&f, chr);
    f.room = 3;
    tap_ok(wait_rx(&f, 16, 2000) && fe_got(&f, "0123456789abcdef"),
           "input file delivered to the frontend");
    tap_ok(f.max_chunk <= 3, "never more than can_read allows (max chunk %d)", f.max_chunk);
    tap_ok(wait_event(&f, CHR_EVENT_CLOSED, 2000), "end of input: CLOSED");
    qemu_chr_fe_write_all(&f.be, (const uint8_t *)"more\n", 5);
    qemu_chr_fe_deinit(&f.be, true);
    fp = fopen(out, "r");
    n = fp ? (int)fread(buf, 1, sizeof(buf) - 1, fp) : 0;
    buf[n] = 0;
    if (fp) {
        fclose(fp);
    }
    tap_ok(!strcmp(buf, "hello world 42\nmore\n"), "append=on appends");

    snprintf(spec, sizeof(spec), "file:%s", out);
    chr = qemu_chr_new("legacy", spec, &err);
    tap_ok(chr && !strcmp(chr->label, "legacy") && qemu_chr_find("legacy") == chr,
           "legacy file: spec with a label");
    qemu_chr_delete(chr);
    fp = fopen(out, "r");
    n = fp ? (int)fread(buf, 1, sizeof(buf) - 1, fp) : 0;
    if (fp) {
        fclose(fp);
    }
    tap_ok(n == 0, "without append the file is truncated");
}

/* Exchange data with a connected peer; the frontend is attached already. */
static void socket_exchange(Fe *f, int peer, const char *what)
{
    char buf[64] = { 0 };

    fe_reset(f);
    tap_ok(write(peer, "ping", 4) == 4 && wait_rx(f, 4, 2000) && fe_got(f, "ping"),
           "%s: peer to frontend", what);
    qemu_chr_fe_write_all(&f->be, (const uint8_t *)"pong!", 5);
    tap_ok(peer_read(peer, buf, 5, 2000) == 5 && !memcmp(buf, "pong!", 5), "%s: frontend to peer",
           what);
}

static void test_unix_server(void)
{
    const char *path = tmp_path("s0.sock");
    char spec[256];
    Error *err = NULL;
    Chardev *chr;
    int peer, peer2;
    bool ok;
    Fe f;

    snprintf(spec, sizeof(spec), "socket,id=s0,path=%s,server=on,wait=off", path);
    chr = qemu_chr_new_from_opts(spec, &err);
    tap_ok(chr && !chr->be_open, "unix server, wait=off: created, not connected");
    if (!chr) {
        error_report_err(err);
        return;
    }
    tap_ok(strstr(chr->filename, "disconnected:unix:") != NULL, "filename says disconnected (%s)",
           chr->filename);
    fe_attach(&f, chr);
    tap_ok(f.nev == 0, "no OPENED before a client");
    tap_ok(qemu_chr_fe_write(&f.be, (const uint8_t *)"lost", 4) == 4,
           "output without a client is dropped");

    peer = unix_connect(path);
    tap_ok(peer >= 0 && wait_event(&f, CHR_EVENT_OPENED, 2000), "client connects: OPENED");
    peer2 = unix_connect(path); /* waits in the backlog */
    socket_exchange(&f, peer, "unix server");

    /* Flow control: the frontend takes 2 bytes at a time. */
    fe_reset(&f);
    f.room = 2;
    ok = write(peer, "abcdefghij", 10) == 10 && wait_rx(&f, 10, 2000) && fe_got(&f, "abcdefghij");
    tap_ok(ok && f.max_chunk <= 2, "reads honour can_read (max chunk %d)", f.max_chunk);
    f.room = -1;

    close(peer);
    tap_ok(wait_event(&f, CHR_EVENT_CLOSED, 2000), "client leaves: CLOSED");
    tap_ok(wait_event(&f, CHR_EVENT_OPENED, 2000), "the waiting client is accepted next");
    socket_exchange(&f, peer2, "second client");
    close(peer2);
    tap_ok(wait_event(&f, CHR_EVENT_CLOSED, 2000), "second client leaves: CLOSED");
    qemu_chr_fe_deinit(&f.be, true);
    tap_ok(access(path, F_OK) != 0, "the server's socket file is removed");
}

static int tcp_port_of(Chardev *chr)
{
    const char *p = strstr(chr->filename, "tcp:");
    const char *colon = p ? strchr(p + 4, ':') : NULL;

    return colon ? atoi(colon + 1) : -1;
}

static void test_tcp_server(void)
{
    Error *err = NULL;
    Chardev *chr;
    int port, peer;
    Fe f;

    chr = qemu_chr_new("t0", "tcp:127.0.0.1:0,server=on,wait=off", &err);
    tap_ok(chr != NULL, "tcp server on 127.0.0.1 (legacy spec)");
    if (!chr) {
        error_report_err(err);
        return;
    }
    port = tcp_port_of(chr);
    tap_ok(port > 0, "bound port reported (%s)", chr->filename);
    fe_attach(&f, chr);
    peer = tcp_connect(port);
    tap_ok(peer >= 0 && wait_event(&f, CHR_EVENT_OPENED, 2000), "tcp client connects: OPENED");
    socket_exchange(&f, peer, "tcp server");
    close(peer);
    tap_ok(wait_event(&f, CHR_EVENT_CLOSED, 2000), "tcp client leaves: CLOSED");
    qemu_chr_fe_deinit(&f.be, true);
}

/* Listen on 127.0.0.1, port chosen by the kernel. */
static int tcp_listen(int *port)
{
    struct sockaddr_in sin = { .sin_family = AF_INET };
    socklen_t len = sizeof(sin);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, 4) < 0) {
        close(fd);
        return -1;
    }
    getsockname(fd, (struct sockaddr *)&sin, &len);
    *port = ntohs(sin.sin_port);
    return fd;
}

static int unix_listen(const char *path)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
    unlink(path);
    if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 4) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void test_socket_clients(void)
{
    const char *path = tmp_path("c.sock");
    char spec[256];
    Error *err = NULL;
    Chardev *chr;
    int lfd, port = 0, peer;
    Fe f;

    lfd = tcp_listen(&port);
    snprintf(spec, sizeof(spec), "socket,id=c0,host=127.0.0.1,port=%d,nodelay=on", port);
    chr = qemu_chr_new_from_opts(spec, &err);
    tap_ok(chr && chr->be_open, "tcp client connects at creation");
    if (!chr) {
        error_report_err(err);
        close(lfd);
        return;
    }
    peer = accept(lfd, NULL, NULL);
    fe_attach(&f, chr);
    tap_ok(fe_count(&f, CHR_EVENT_OPENED) == 1, "already open: OPENED at set_handlers");
    socket_exchange(&f, peer, "tcp client");
    close(peer);
    tap_ok(wait_event(&f, CHR_EVENT_CLOSED, 2000), "server closes: CLOSED");
    qemu_chr_fe_deinit(&f.be, true);
    close(lfd);

    /* reconnect=1: no server yet is fine; it connects once one appears. */
    unlink(path);
    snprintf(spec, sizeof(spec), "socket,id=c1,path=%s,reconnect=1", path);
    chr = qemu_chr_new_from_opts(spec, &err);
    tap_ok(chr && !chr->be_open, "client with reconnect=1 and no server: created, closed");
    if (!chr) {
        error_report_err(err);
        return;
    }
    fe_attach(&f, chr);
    lfd = unix_listen(path);
    tap_ok(wait_event(&f, CHR_EVENT_OPENED, 4000), "it connects when the server appears");
    peer = accept(lfd, NULL, NULL);
    socket_exchange(&f, peer, "reconnecting client");
    close(peer);
    tap_ok(wait_event(&f, CHR_EVENT_CLOSED, 2000), "server drops it: CLOSED");
    tap_ok(wait_event(&f, CHR_EVENT_OPENED, 4000), "and it reconnects");
    peer = accept(lfd, NULL, NULL);
    socket_exchange(&f, peer, "after reconnect");
    close(peer);
    qemu_chr_fe_deinit(&f.be, true);
    close(lfd);
    unlink(path);
}

static void *connect_later(void *opaque)
{
    usleep(50 * 1000);
    return (void *)(intptr_t)unix_connect(opaque);
}

static void test_server_wait(void)
{
    char *path = tmp_path("w.sock");
    char spec[256];
    Error *err = NULL;
    pthread_t th;
    void *ret;
    Chardev *chr;
    int peer;
    Fe f;

    snprintf(spec, sizeof(spec), "unix:%s,server=on", path);
    /* wait=on is the default: creation blocks until the client arrives. */
    pthread_create(&th, NULL, connect_later, path);
    chr = qemu_chr_new("w0", spec, &err);
    pthread_join(th, &ret);
    peer = (int)(intptr_t)ret;
    tap_ok(chr && chr->be_open && peer >= 0, "server with wait=on returns connected");
    if (!chr) {
        error_report_err(err);
        return;
    }
    fe_attach(&f, chr);
    tap_ok(fe_count(&f, CHR_EVENT_OPENED) == 1, "OPENED at set_handlers");
    socket_exchange(&f, peer, "wait=on server");
    close(peer);
    qemu_chr_fe_deinit(&f.be, true);
}

static void test_pty(void)
{
    Error *err = NULL;
    Chardev *chr = qemu_chr_new_from_opts("pty,id=p0", &err);
    char buf[16] = { 0 };
    const char *name;
    int slave;
    Fe f;

    tap_ok(chr && !strncmp(chr->filename, "pty:/dev/pts/", 13), "pty created (%s)",
           chr ? chr->filename : "-");
    if (!chr) {
        error_report_err(err);
        return;
    }
    name = chr->filename + 4;
    fe_attach(&f, chr);
    tap_ok(!chr->be_open && f.nev == 0, "not open before the slave is opened");
    slave = open(name, O_RDWR | O_NOCTTY);
    tap_ok(slave >= 0 && wait_event(&f, CHR_EVENT_OPENED, 3000), "opening the slave: OPENED");
    tap_ok(write(slave, "abc", 3) == 3 && wait_rx(&f, 3, 2000) && fe_got(&f, "abc"),
           "slave to frontend (raw: no echo, no line buffering)");
    qemu_chr_fe_write_all(&f.be, (const uint8_t *)"xyz", 3);
    tap_ok(peer_read(slave, buf, 3, 2000) == 3 && !memcmp(buf, "xyz", 3), "frontend to slave");
    close(slave);
    tap_ok(wait_event(&f, CHR_EVENT_CLOSED, 3000), "closing the slave: CLOSED");
    qemu_chr_fe_deinit(&f.be, true);
}

static int quit_calls;
static void quit_hook(void *opaque)
{
    quit_calls++;
}

static void test_mux(void)
{
    const char *path = tmp_path("m.sock");
    char spec[256], buf[1024];
    Error *err = NULL;
    Chardev *chr;
    Fe a, b, c, d, e;
    int peer;

    snprintf(spec, sizeof(spec), "socket,id=m0,path=%s,server=on,wait=off,mux=on", path);
    chr = qemu_chr_new_from_opts(spec, &err);
    tap_ok(chr && qemu_chr_find("m0") == chr && qemu_chr_find("m0-base"),
           "mux=on: the mux and its base are registered");
    if (!chr) {
        error_report_err(err);
        return;
    }
    qemu_chr_mux_set_quit_hook(quit_hook, NULL);
    fe_attach(&a, chr); /* the serial port */
    tap_ok(a.nev == 1 && a.ev[0] == CHR_EVENT_MUX_IN, "first frontend gets the focus");
    fe_attach(&b, chr); /* the monitor */
    tap_ok(fe_last(&a) == CHR_EVENT_MUX_OUT && b.nev == 1 && b.ev[0] == CHR_EVENT_MUX_IN,
           "the last frontend to set handlers takes the focus");
    tap_ok(fe_attach(&c, chr) && fe_attach(&d, chr), "four frontends fit");
    tap_ok(!qemu_chr_fe_init(&e.be, chr, &err) && err && strstr(error_get_pretty(err), "at most"),
           "a fifth is refused");
    error_free(err);
    qemu_chr_fe_deinit(&c.be, false);
    qemu_chr_fe_deinit(&d.be, false);
    qemu_chr_fe_take_focus(&b.be);
    fe_reset(&a);
    fe_reset(&b);

    peer = unix_connect(path);
    tap_ok(peer >= 0 && wait_event(&a, CHR_EVENT_OPENED, 2000) &&
               fe_count(&b, CHR_EVENT_OPENED) == 1,
           "a client on the base: OPENED to every frontend");

    tap_ok(write(peer, "mon", 3) == 3 && wait_rx(&b, 3, 2000) && fe_got(&b, "mon") && a.rxlen == 0,
           "input goes to the focused frontend only");
    tap_ok(write(peer, "\001c", 2) == 2 && wait_event(&a, CHR_EVENT_MUX_IN, 2000) &&
               fe_last(&b) == CHR_EVENT_MUX_OUT,
           "Ctrl-a c switches focus (MUX_OUT, MUX_IN)");
    tap_ok(write(peer, "ser\001\001!", 6) == 6 && wait_rx(&a, 5, 2000) && fe_got(&a, "ser\001!") &&
               b.rxlen == 3,
           "after the switch input goes to the other; Ctrl-a Ctrl-a sends Ctrl-a");
    fe_reset(&a);
    tap_ok(write(peer, "\001c", 2) == 2 && wait_event(&b, CHR_EVENT_MUX_IN, 2000),
           "Ctrl-a c again cycles back");
    tap_ok(write(peer, "\001b", 2) == 2 && wait_event(&b, CHR_EVENT_BREAK, 2000) &&
               fe_count(&a, CHR_EVENT_BREAK) == 0,
           "Ctrl-a b sends a break to the focused frontend");

    tap_ok(write(peer, "\001h", 2) == 2, "Ctrl-a h");
    tap_ok(peer_read_until(peer, buf, sizeof(buf), "C-a x", 2000),
           "prints the help on the backend");
    tap_ok(write(peer, "\001x", 2) == 2, "Ctrl-a x");
    tap_ok(peer_read_until(peer, buf, sizeof(buf), "terminated", 2000), "says terminated");
    run_for(50);
    tap_ok(quit_calls == 1, "Ctrl-a x calls the quit hook");
    qemu_chr_mux_set_quit_hook(NULL, NULL);
    tap_ok(write(peer, "\001x", 2) == 2, "Ctrl-a x without a hook");
    run_for(50);
    tap_ok(main_loop_should_exit(), "... requests a main loop exit");
    while (read(peer, buf, sizeof(buf)) > 0) {
    }

    /* Output of both frontends reaches the backend. */
    qemu_chr_fe_write_all(&a.be, (const uint8_t *)"A1", 2);
    qemu_chr_fe_write_all(&b.be, (const uint8_t *)"B2", 2);
    tap_ok(peer_read(peer, buf, 4, 2000) == 4 && !memcmp(buf, "A1B2", 4),
           "every frontend's output goes to the backend");

    /* Flow control through the mux: the focused frontend takes nothing;
     * input waits (ring, then the socket) until it accepts input again. */
    fe_reset(&b);
    b.room = 0;
    memset(buf, 'z', 100);
    tap_ok(write(peer, buf, 100) == 100, "100 bytes while the frontend is full");
    run_for(50);
    tap_ok(b.rxlen == 0, "nothing delivered while can_read is 0");
    b.room = -1;
    qemu_chr_fe_accept_input(&b.be);
    wait_rx(&b, 100, 2000);
    tap_ok(b.rxlen == 100, "all 100 arrive after accept_input (%d)", b.rxlen);

    close(peer);
    tap_ok(wait_event(&a, CHR_EVENT_CLOSED, 2000) && fe_last(&b) == CHR_EVENT_CLOSED,
           "client leaves: CLOSED to every frontend");
    qemu_chr_fe_deinit(&a.be, false);
    qemu_chr_fe_deinit(&b.be, true);
    tap_ok(qemu_chr_find("m0") == NULL && qemu_chr_find("m0-base") == NULL,
           "deleting the mux deletes its base");
}

static bool watch_fired;
static void watch_cb(void *opaque)
{
    watch_fired = true;
}
static bool cond_watch(void *arg)
{
    return watch_fired;
}

static int mon_hook_calls;
static void mon_hook(Chardev *mux)
{
    mon_hook_calls += qemu_chr_find("mon0") == mux;
}

static void test_watch_and_legacy_mon(void)
{
    char spec[256];
    const char *path = tmp_path("mon.sock");
    Chardev *chr = qemu_chr_new_from_opts("null,id=w", NULL);
    Fe f;

    fe_attach(&f, chr);
    watch_fired = false;
    tap_ok(qemu_chr_fe_add_watch(&f.be, watch_cb, NULL) && run_until(cond_watch, NULL, 1000),
           "write watch on a backend without fd fires");
    qemu_chr_fe_deinit(&f.be, true);

    qemu_chr_set_mux_monitor_hook(mon_hook);
    snprintf(spec, sizeof(spec), "mon:unix:%s,server=on,wait=off", path);
    chr = qemu_chr_new("mon0", spec, NULL);
    tap_ok(chr && mon_hook_calls == 1 && qemu_chr_find("mon0-base"),
           "mon: spec makes a mux and calls the monitor hook");
    if (chr) {
        int peer = unix_connect(path);

        fe_attach(&f, chr);
        tap_ok(peer >= 0 && wait_event(&f, CHR_EVENT_OPENED, 2000), "mon: socket connects");
        watch_fired = false;
        tap_ok(qemu_chr_fe_add_watch(&f.be, watch_cb, NULL) && run_until(cond_watch, NULL, 1000),
               "write watch on a socket fires when writable");
        close(peer);
        qemu_chr_fe_deinit(&f.be, true);
    }
    qemu_chr_set_mux_monitor_hook(NULL);
}

/* ---- stdio on a terminal ---- */

static int child_report_fd;

static int child_can_read(void *opaque)
{
    return 16;
}

static void child_read(void *opaque, const uint8_t *buf, int size)
{
    if (write(child_report_fd, buf, size) != size) {
        _exit(3);
    }
}

/*
 * In a child whose stdin/stdout are a pty slave: create "stdio" with the
 * given options, report 'R' when ready, pass every input byte back through
 * the report pipe, run the loop until killed.
 */
static pid_t spawn_stdio_child(int slave, int report, const char *spec)
{
    pid_t pid = fork();

    if (pid == 0) {
        CharBackend be;
        Chardev *chr;

        dup2(slave, 0);
        dup2(slave, 1);
        child_report_fd = report;
        chr = qemu_chr_new_from_opts(spec, NULL);
        if (!chr || !qemu_chr_fe_init(&be, chr, NULL)) {
            _exit(2);
        }
        qemu_chr_fe_set_handlers(&be, child_can_read, child_read, NULL, NULL);
        if (write(report, "R", 1) != 1) {
            _exit(3);
        }
        for (;;) {
            main_loop_wait(false);
        }
    }
    return pid;
}

static bool read_byte(int fd, char *c, int timeout_ms)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };

    return poll(&pfd, 1, timeout_ms) == 1 && read(fd, c, 1) == 1;
}

static void test_stdio_tty(void)
{
    struct termios orig, raw, after;
    int master, slave, rep[2], status;
    char c = 0;
    pid_t pid;

    if (openpty(&master, &slave, NULL, NULL, NULL) < 0 || pipe(rep) < 0) {
        tap_ok(false, "openpty/pipe for the stdio test");
        return;
    }
    tcgetattr(slave, &orig);
    fflush(stdout);
    pid = spawn_stdio_child(slave, rep[1], "stdio,id=tty,signal=off");
    tap_ok(read_byte(rep[0], &c, 5000) && c == 'R', "stdio child ready");
    tcgetattr(slave, &raw);
    tap_ok(!(raw.c_lflag & (ECHO | ICANON | ISIG)) && (orig.c_lflag & (ECHO | ICANON | ISIG)),
           "stdio on a tty: raw mode, signal=off clears ISIG");
    c = 0;
    tap_ok(write(master, "\003", 1) == 1 && read_byte(rep[0], &c, 5000) && c == 3,
           "signal=off: Ctrl-C reaches the frontend as a byte");
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
    tcgetattr(slave, &after);
    tap_ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "SIGTERM still ends the process");
    tap_ok(after.c_lflag == orig.c_lflag && after.c_iflag == orig.c_iflag,
           "the terminal settings are restored on SIGTERM");

    pid = spawn_stdio_child(slave, rep[1], "stdio,id=tty");
    tap_ok(read_byte(rep[0], &c, 5000) && c == 'R', "second stdio child ready");
    tcgetattr(slave, &raw);
    tap_ok(!(raw.c_lflag & (ECHO | ICANON)) && (raw.c_lflag & ISIG),
           "signal=on (default) keeps ISIG: Ctrl-C ends the emulator");
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
    tcgetattr(slave, &after);
    tap_ok(after.c_lflag == orig.c_lflag, "restored again");
    close(master);
    close(slave);
    close(rep[0]);
    close(rep[1]);
}

/* ---- The qdev "chardev" property ---- */

typedef struct TestChrDev {
    DeviceState parent;
    CharBackend chr;
} TestChrDev;

static const Property test_chr_dev_props[] = {
    DEFINE_PROP_CHR("chardev", TestChrDev, chr),
    DEFINE_PROP_END_OF_LIST(),
};

static const DeviceTypeInfo test_chr_dev_info = {
    .name = "test-chr-dev",
    .instance_size = sizeof(TestChrDev),
    .props = test_chr_dev_props,
};
DEVICE_TYPE(test_chr_dev_info)

static void test_qdev_property(void)
{
    Chardev *c1 = qemu_chr_new_from_opts("null,id=pc1", NULL);
    Chardev *c2 = qemu_chr_new_from_opts("null,id=pc2", NULL);
    DeviceState *dev = qdev_new("test-chr-dev", &error_abort);
    DeviceState *dev2 = qdev_new("test-chr-dev", &error_abort);
    TestChrDev *t = (TestChrDev *)dev;
    Error *err = NULL;
    char *text;
    bool ok;

    tap_ok(t->chr.chr == NULL && qemu_chr_fe_write(&t->chr, (const uint8_t *)"x", 1) == 0,
           "unset chardev property: no backend, writes dropped");
    tap_ok(qdev_prop_parse(dev, "chardev", "pc1", &err) && t->chr.chr == c1 && c1->be == &t->chr,
           "chardev=pc1 attaches the field as pc1's frontend");
    text = qdev_prop_print(dev, "chardev");
    tap_ok(text && !strcmp(text, "pc1"), "prints the chardev id (%s)", text ? text : "-");
    free(text);
    ok = !qdev_prop_parse(dev, "chardev", "nope", &err) && err;
    tap_ok(ok && strstr(error_get_pretty(err), "no chardev with id 'nope'"), "unknown id: \"%s\"",
           err ? error_get_pretty(err) : "");
    error_free(err);
    err = NULL;
    ok = !qdev_prop_parse(dev2, "chardev", "pc1", &err) && err;
    tap_ok(ok && strstr(error_get_pretty(err), "already in use"),
           "a chardev in use by another device: \"%s\"", err ? error_get_pretty(err) : "");
    error_free(err);
    qdev_prop_set_chr(dev, "chardev", c2);
    tap_ok(t->chr.chr == c2 && c1->be == NULL && c2->be == &t->chr,
           "qdev_prop_set_chr moves the device to another chardev");
    qdev_delete(dev);
    tap_ok(c2->be == NULL, "deleting the device detaches it");
    qdev_delete(dev2);
    qemu_chr_delete(c1);
    qemu_chr_delete(c2);
}

int main(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/tern-test-chardev-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    qemu_init_main_loop(&error_abort);
    bql_lock();
    test_bad_specs();
    test_null_and_registry();
    test_file();
    test_unix_server();
    test_tcp_server();
    test_socket_clients();
    test_server_wait();
    test_pty();
    test_mux();
    test_watch_and_legacy_mon();
    test_qdev_property();
    test_stdio_tty();
    qemu_chr_cleanup_all();
    bql_unlock();

    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
    if (system(cmd) != 0) {
        tap_diag("could not remove %s", tmpdir);
    }
    return tap_done();
}
