/*
 * The mux: several frontends (say, a serial port and the monitor) share
 * one backend. Output from every frontend goes to the backend; input goes
 * to the frontend that has the focus. An escape key (Ctrl-a by default)
 * starts a command:
 *
 *   C-a c    give the focus to the next frontend (MUX_OUT to the old one,
 *            MUX_IN to the new one)
 *   C-a x    quit: the quit hook (the machine's shutdown request), or a
 *            main-loop exit request when no hook is set
 *   C-a b    send a break (CHR_EVENT_BREAK) to the focused frontend
 *   C-a t    toggle timestamps at the start of each output line
 *   C-a h/?  print the list of commands
 *   C-a C-a  send a literal C-a
 * Any other key after the escape is dropped.
 *
 * Input flow control: each frontend has a small ring buffer, so the mux
 * can take a byte from the backend even when the focused frontend is full;
 * the backend is throttled only when that ring is full too. Rings drain
 * when a frontend calls qemu_chr_fe_accept_input().
 *
 * The mux is the Chardev its frontends attach to; it owns its base
 * chardev (the real backend) and is its only frontend.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chardev-internal.h"
#include "util/main-loop.h"
#include "util/timer.h"

#define MUX_BUFFER_SIZE 32 /* a power of two */

typedef struct MuxChardev {
    Chardev parent;
    Chardev *base;
    CharBackend base_be;
    CharBackend *backends[MAX_MUX];
    int focus; /* index in backends[], or -1 */
    bool got_escape;
    uint8_t buf[MAX_MUX][MUX_BUFFER_SIZE];
    unsigned prod[MAX_MUX], cons[MAX_MUX];
    bool timestamps;
    bool linestart;
    int64_t timestamps_start;
} MuxChardev;

static int mux_escape_char = 0x01;
static void (*mux_quit_hook)(void *opaque);
static void *mux_quit_opaque;

void qemu_chr_mux_set_quit_hook(void (*hook)(void *opaque), void *opaque)
{
    mux_quit_hook = hook;
    mux_quit_opaque = opaque;
}

void qemu_chr_mux_set_escape_char(int c)
{
    mux_escape_char = c & 0xff;
}

static void mux_send_event(MuxChardev *d, int tag, QEMUChrEvent event)
{
    CharBackend *be = d->backends[tag];

    if (be && be->fe_is_open && be->chr_event) {
        be->chr_event(be->opaque, event);
    }
}

static void mux_send_all_event(MuxChardev *d, QEMUChrEvent event)
{
    for (int i = 0; i < MAX_MUX; i++) {
        mux_send_event(d, i, event);
    }
}

void chardev_mux_set_focus(Chardev *chr, int tag)
{
    MuxChardev *d = (MuxChardev *)chr;

    if (tag < 0 || tag >= MAX_MUX || !d->backends[tag] || tag == d->focus) {
        return;
    }
    if (d->focus >= 0) {
        mux_send_event(d, d->focus, CHR_EVENT_MUX_OUT);
    }
    d->focus = tag;
    chr->be = d->backends[tag];
    mux_send_event(d, tag, CHR_EVENT_MUX_IN);
}

/* ---- Output ---- */

static int mux_write(Chardev *chr, const uint8_t *buf, int len)
{
    MuxChardev *d = (MuxChardev *)chr;

    if (!d->timestamps) {
        return qemu_chr_fe_write(&d->base_be, buf, len);
    }
    /* Timestamped lines are written whole, so a prefix never lands in
     * the middle of a partial write. */
    for (int i = 0; i < len; i++) {
        if (d->linestart) {
            int64_t ms = qemu_clock_get_ms(QEMU_CLOCK_REALTIME) - d->timestamps_start;
            char ts[48];
            int n = snprintf(ts, sizeof(ts), "[%02d:%02d:%02d.%03d] ", (int)(ms / 3600000),
                             (int)(ms / 60000 % 60), (int)(ms / 1000 % 60), (int)(ms % 1000));

            qemu_chr_fe_write_all(&d->base_be, (const uint8_t *)ts, n);
            d->linestart = false;
        }
        qemu_chr_fe_write_all(&d->base_be, &buf[i], 1);
        if (buf[i] == '\n') {
            d->linestart = true;
        }
    }
    return len;
}

static void mux_wait_writable(Chardev *chr)
{
    MuxChardev *d = (MuxChardev *)chr;
    Chardev *base = d->base;

    if (base->cls->chr_wait_writable) {
        base->cls->chr_wait_writable(base);
    }
}

static int mux_write_fd(Chardev *chr)
{
    Chardev *base = ((MuxChardev *)chr)->base;

    return base->cls->chr_write_fd ? base->cls->chr_write_fd(base) : -1;
}

/* Text for the mux itself (help, "terminated"), straight to the backend. */
static void mux_print(MuxChardev *d, const char *s)
{
    qemu_chr_fe_write_all(&d->base_be, (const uint8_t *)s, strlen(s));
}

static void mux_print_help(MuxChardev *d)
{
    static const char *const lines[][2] = {
        { "h", "print this help" },
        { "x", "exit the emulator" },
        { "c", "switch between the console and the monitor (next frontend)" },
        { "b", "send a break" },
        { "t", "toggle console timestamps" },
    };
    char key[8], line[128];

    if (mux_escape_char > 0 && mux_escape_char < 27) {
        snprintf(key, sizeof(key), "C-%c", mux_escape_char - 1 + 'a');
    } else {
        snprintf(key, sizeof(key), "%c", mux_escape_char);
    }
    mux_print(d, "\r\n");
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        snprintf(line, sizeof(line), "%s %s    %s\r\n", key, lines[i][0], lines[i][1]);
        mux_print(d, line);
    }
    snprintf(line, sizeof(line), "%s %s  send %s\r\n", key, key, key);
    mux_print(d, line);
}

/* ---- Input ---- */

/* Handle one input byte; true if it is for the focused frontend. */
static bool mux_proc_byte(MuxChardev *d, uint8_t ch)
{
    if (!d->got_escape) {
        if (ch == mux_escape_char) {
            d->got_escape = true;
            return false;
        }
        return true;
    }
    d->got_escape = false;
    if (ch == mux_escape_char) {
        return true;
    }
    switch (ch) {
    case 'h':
    case '?':
        mux_print_help(d);
        break;
    case 'x':
        mux_print(d, "tern: terminated\r\n");
        if (mux_quit_hook) {
            mux_quit_hook(mux_quit_opaque);
        } else {
            main_loop_exit_request();
        }
        break;
    case 'b':
        if (d->focus >= 0) {
            mux_send_event(d, d->focus, CHR_EVENT_BREAK);
        }
        break;
    case 'c':
        for (int i = 1; i <= MAX_MUX; i++) {
            int next = ((d->focus < 0 ? 0 : d->focus) + i) % MAX_MUX;

            if (d->backends[next]) {
                chardev_mux_set_focus(&d->parent, next);
                break;
            }
        }
        break;
    case 't':
        d->timestamps = !d->timestamps;
        d->timestamps_start = qemu_clock_get_ms(QEMU_CLOCK_REALTIME);
        d->linestart = false;
        break;
    default:
        break;
    }
    return false;
}

/* Feed buffered bytes of frontend tag while it has room. */
static void mux_drain(MuxChardev *d, int tag)
{
    CharBackend *be = d->backends[tag];

    while (be && be->fe_is_open && be->chr_read && d->prod[tag] != d->cons[tag]) {
        int room = be->chr_can_read ? be->chr_can_read(be->opaque) : 0;
        uint8_t chunk[MUX_BUFFER_SIZE];
        int n = 0;

        if (room <= 0) {
            break;
        }
        while (n < room && d->prod[tag] != d->cons[tag]) {
            chunk[n++] = d->buf[tag][d->cons[tag]++ & (MUX_BUFFER_SIZE - 1)];
        }
        be->chr_read(be->opaque, chunk, n);
    }
}

static int mux_can_read(void *opaque)
{
    MuxChardev *d = opaque;
    int m = d->focus;
    CharBackend *be;

    if (m < 0) {
        return 1; /* nobody to throttle for; escape commands still work */
    }
    if (d->prod[m] - d->cons[m] < MUX_BUFFER_SIZE) {
        return 1;
    }
    be = d->backends[m];
    if (be && be->fe_is_open && be->chr_can_read) {
        return be->chr_can_read(be->opaque);
    }
    return 0;
}

static void mux_read(void *opaque, const uint8_t *buf, int size)
{
    MuxChardev *d = opaque;

    for (int i = 0; i < size; i++) {
        int m = d->focus;
        CharBackend *be;

        if (!mux_proc_byte(d, buf[i]) || m < 0) {
            continue;
        }
        be = d->backends[m];
        if (!be || !be->fe_is_open || !be->chr_read) {
            continue;
        }
        if (d->prod[m] == d->cons[m] && be->chr_can_read && be->chr_can_read(be->opaque) > 0) {
            be->chr_read(be->opaque, &buf[i], 1);
        } else if (d->prod[m] - d->cons[m] < MUX_BUFFER_SIZE) {
            d->buf[m][d->prod[m]++ & (MUX_BUFFER_SIZE - 1)] = buf[i];
        }
        /* else: dropped; mux_can_read never offers more than fits. */
    }
}

static void mux_event(void *opaque, QEMUChrEvent event)
{
    MuxChardev *d = opaque;

    if (event == CHR_EVENT_OPENED) {
        d->parent.be_open = true;
    } else if (event == CHR_EVENT_CLOSED) {
        d->parent.be_open = false;
    }
    mux_send_all_event(d, event);
}

static void mux_accept_input(Chardev *chr)
{
    MuxChardev *d = (MuxChardev *)chr;

    for (int i = 0; i < MAX_MUX; i++) {
        mux_drain(d, i);
    }
}

/* ---- Frontends ---- */

static bool mux_attach(Chardev *chr, CharBackend *be, Error **errp)
{
    MuxChardev *d = (MuxChardev *)chr;

    for (int i = 0; i < MAX_MUX; i++) {
        if (!d->backends[i]) {
            d->backends[i] = be;
            be->tag = i;
            d->prod[i] = d->cons[i] = 0;
            return true;
        }
    }
    error_setg(errp, "chardev '%s': a mux takes at most %d frontends", chr->label, MAX_MUX);
    return false;
}

static void mux_detach(Chardev *chr, CharBackend *be)
{
    MuxChardev *d = (MuxChardev *)chr;
    int tag = be->tag;

    if (tag < 0 || tag >= MAX_MUX || d->backends[tag] != be) {
        return;
    }
    d->backends[tag] = NULL;
    be->tag = -1;
    if (d->focus == tag) {
        d->focus = -1;
        chr->be = NULL;
    }
}

static void mux_finalize(Chardev *chr)
{
    MuxChardev *d = (MuxChardev *)chr;

    for (int i = 0; i < MAX_MUX; i++) {
        if (d->backends[i]) {
            d->backends[i]->chr = NULL;
            d->backends[i]->tag = -1;
            d->backends[i] = NULL;
        }
    }
    chr->be = NULL;
    qemu_chr_fe_deinit(&d->base_be, true);
}

const ChardevClass char_mux_class = {
    .name = "mux",
    .instance_size = sizeof(MuxChardev),
    .chr_write = mux_write,
    .chr_wait_writable = mux_wait_writable,
    .chr_write_fd = mux_write_fd,
    .chr_accept_input = mux_accept_input,
    .chr_attach = mux_attach,
    .chr_detach = mux_detach,
    .finalize = mux_finalize,
};

Chardev *chardev_mux_new(const char *label, Chardev *base, Error **errp)
{
    MuxChardev *d = (MuxChardev *)chardev_alloc(&char_mux_class, label);

    d->focus = -1;
    d->linestart = true;
    if (!qemu_chr_fe_init(&d->base_be, base, errp)) {
        chardev_free(&d->parent);
        return NULL;
    }
    d->base = base;
    d->parent.be_open = base->be_open;
    free(d->parent.filename);
    d->parent.filename = strdup(base->filename);
    qemu_chr_fe_set_handlers(&d->base_be, mux_can_read, mux_read, mux_event, d);
    return &d->parent;
}
