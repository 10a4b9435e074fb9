/*
 * The qtest accelerator and protocol server.
 *
 * A test program talks to the machine over a chardev with a line-based,
 * request/response text protocol (the one QEMU's qtest documents, so its
 * clients and habits carry over). Each request line gets exactly one reply
 * line, "OK [values]" or "FAIL reason"; the server may also send
 * asynchronous "IRQ raise N" / "IRQ lower N" lines at any time (in
 * practice: while it handles a request, before that request's reply), so
 * a client reads lines until it gets one that is not an IRQ line.
 *
 * Requests (numbers are C integers: decimal, 0x hex or 0 octal):
 *   outb|outw|outl PORT VALUE        I/O port write         -> OK
 *   inb|inw|inl PORT                 I/O port read          -> OK 0x..
 *   writeb|writew|writel|writeq ADDR VALUE   memory write   -> OK
 *   readb|readw|readl|readq ADDR     memory read            -> OK 0x..
 *   read ADDR SIZE                   -> OK 0x<2*SIZE hex digits, address order>
 *   write ADDR SIZE 0xDATA           DATA shorter than SIZE is zero-filled
 *   b64read ADDR SIZE                -> OK <base64>
 *   b64write ADDR SIZE B64DATA       -> OK
 *   memset ADDR SIZE BYTE            SIZE 0 is an error     -> OK
 *   clock_step [NS]                  to the next virtual timer, or by NS
 *                                    -> OK <virtual ns>
 *   clock_set NS                     to NS (never backwards) -> OK <virtual ns>
 *   irq_intercept_in DEV [GROUP]     report the device's gpio inputs
 *   irq_intercept_out DEV [GROUP]    report (and take over) its gpio outputs
 *   set_irq_in DEV GROUP N LEVEL     drive input N of GROUP ("unnamed-gpio-in":
 *                                    the default group)
 *   endianness                       -> OK little
 * DEV is a device id, a type name with a single instance, or a PCI path
 * ("0000:00:03.0"); a QOM-style path ("/machine/peripheral/foo") is matched
 * by its last component. IRQ numbers are line indexes within the group.
 * Only edges are reported: setting a line to the level it already has
 * sends nothing. Malformed requests get FAIL; nothing a client sends can
 * crash the emulator.
 *
 * Accesses are made like a device's DMA would be: through the system
 * address spaces (address_space_memory / address_space_io), so RAM, ROM,
 * MMIO and unassigned space behave as for a guest (unassigned reads give
 * all-ones; writes to ROM are dropped).
 *
 * State is a single static server: one per process. Every handler runs in
 * the main loop with the big lock held (chardev handlers, irq handlers
 * called by devices under the lock).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chardev/char-fe.h"
#include "chardev/char.h"
#include "exec/memory.h"
#include "hw/core/irq.h"
#include "hw/core/qdev.h"
#include "hw/core/sysbus.h"
#include "sysemu/qtest.h"
#include "util/main-loop.h"
#include "util/timer.h"

/* Largest read/write/b64read/b64write: bounds the reply and line buffers. */
#define QTEST_MAX_XFER   (16u << 20)
/* Largest memset (needs no buffer, but a garbage size must not spin). */
#define QTEST_MAX_MEMSET (1ull << 30)
/* A request line longer than this is discarded with a FAIL. */
#define QTEST_MAX_LINE   (2 * (size_t)QTEST_MAX_XFER + 256)
#define QTEST_MAX_WORDS  8
/* Bytes accepted from the chardev per read callback. */
#define QTEST_READ_CHUNK 65536

typedef struct QTestServer {
    bool active;
    bool inproc;
    CharBackend chr;
    Chardev *own_chr; /* created by qtest_server_init: deleted on cleanup */
    QTestSendFunc *send;
    void *send_opaque;

    char *inbuf;
    size_t inlen, incap;
    bool discarding; /* skipping the rest of an over-long line */

    FILE *log;
    int64_t start_ns;
    bool exit_on_close;

    /* The one device whose lines are intercepted (NULL: none). */
    DeviceState *irq_dev;
    int *irq_levels;
    int nr_irq_levels;
    /* input groups taken over, to give them back on cleanup */
    char **in_groups; /* NULL entry: the default group */
    bool *in_group_set;
    int nr_in_groups;
} QTestServer;

static QTestServer qts = { .exit_on_close = true };
static bool qtest_is_accel;

/* ---- Accelerator ---- */

bool qtest_accel_init(Error **errp)
{
    qemu_clock_set_qtest_mode(true);
    qtest_is_accel = true;
    return true;
}

bool qtest_enabled(void)
{
    return qtest_is_accel;
}

/* ---- Output ---- */

static void qtest_log(char dir, const char *line, size_t len)
{
    int64_t t;

    if (!qts.log) {
        return;
    }
    t = qemu_clock_get_ns(QEMU_CLOCK_REALTIME) - qts.start_ns;
    fprintf(qts.log, "[%c +%" PRId64 ".%06" PRId64 "] %.*s\n", dir,
            (int64_t)(t / NANOSECONDS_PER_SECOND), (int64_t)((t % NANOSECONDS_PER_SECOND) / 1000),
            (int)len, line);
    fflush(qts.log);
}

/* Send one line; line has no newline, one is added. */
static void qtest_send_line(const char *line, size_t len)
{
    qtest_log('S', line, len);
    if (qts.inproc) {
        qts.send(qts.send_opaque, line, len);
        qts.send(qts.send_opaque, "\n", 1);
        return;
    }
    /* write_all: a big reply waits for the client to read it. A client
     * that went away makes the write fail; nothing more to do then. */
    if (len && qemu_chr_fe_write_all(&qts.chr, (const uint8_t *)line, (int)len) < 0) {
        return;
    }
    qemu_chr_fe_write_all(&qts.chr, (const uint8_t *)"\n", 1);
}

static void qtest_sendf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void qtest_sendf(const char *fmt, ...)
{
    char small[256];
    char *buf = small;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    if ((size_t)n >= sizeof(small)) {
        buf = malloc((size_t)n + 1);
        if (!buf) {
            return;
        }
        va_start(ap, fmt);
        vsnprintf(buf, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    qtest_send_line(buf, (size_t)n);
    if (buf != small) {
        free(buf);
    }
}

#define qtest_ok()      qtest_sendf("OK")
#define qtest_fail(...) qtest_sendf("FAIL " __VA_ARGS__)

/* ---- Parsing ---- */

/* A whole word as an unsigned number (strtoull base 0); no sign, no junk. */
static bool parse_u64(const char *s, uint64_t *out)
{
    char *end;

    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ') {
        return false;
    }
    errno = 0;
    *out = strtoull(s, &end, 0);
    return errno == 0 && *end == '\0';
}

static bool parse_i64(const char *s, int64_t *out)
{
    char *end;

    if (!s || !*s || *s == ' ') {
        return false;
    }
    errno = 0;
    *out = strtoll(s, &end, 0);
    return errno == 0 && *end == '\0';
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* ---- Base64 (RFC 4648, with padding) ---- */

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* out must hold 4 * ((len + 2) / 3) + 1 bytes. */
static size_t b64_encode(const uint8_t *in, size_t len, char *out)
{
    size_t o = 0;

    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        size_t left = len - i;

        if (left > 1) {
            v |= (uint32_t)in[i + 1] << 8;
        }
        if (left > 2) {
            v |= in[i + 2];
        }
        out[o++] = b64_alphabet[(v >> 18) & 63];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = left > 1 ? b64_alphabet[(v >> 6) & 63] : '=';
        out[o++] = left > 2 ? b64_alphabet[v & 63] : '=';
    }
    out[o] = '\0';
    return o;
}

static int b64_value(char c)
{
    const char *p = c ? strchr(b64_alphabet, c) : NULL;

    return p ? (int)(p - b64_alphabet) : -1;
}

/* Decode into out (room for cap bytes); false on bad input or overflow. */
static bool b64_decode(const char *in, uint8_t *out, size_t cap, size_t *outlen)
{
    size_t n = strlen(in), o = 0;

    if (n % 4) {
        return false;
    }
    for (size_t i = 0; i < n; i += 4) {
        int v[4];
        int pad = 0;

        for (int k = 0; k < 4; k++) {
            if (in[i + k] == '=' && i + 4 == n && k >= 2) {
                v[k] = 0;
                pad++;
            } else if (pad) {
                return false; /* data after padding */
            } else if ((v[k] = b64_value(in[i + k])) < 0) {
                return false;
            }
        }
        uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | v[3];
        for (int k = 0; k < 3 - pad; k++) {
            if (o >= cap) {
                return false;
            }
            out[o++] = (uint8_t)(w >> (16 - 8 * k));
        }
    }
    *outlen = o;
    return true;
}

/* ---- Devices and irq interception ---- */

static const char *last_component(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}

/* The device a request names, or NULL with *why set to a malloc'd
 * message (NULL if even that could not be allocated). */
static DeviceState *qtest_find_device(const char *path, char **why)
{
    const char *name = last_component(path);
    DeviceState *dev, *found = NULL;
    int matches = 0;

    *why = NULL;
    if (!*name) {
        if (asprintf(why, "no device '%s'", path) < 0) {
            *why = NULL;
        }
        return NULL;
    }
    dev = qdev_find_by_id(name);
    if (dev) {
        return dev;
    }
    for (dev = qdev_first(); dev; dev = qdev_next(dev)) {
        if (strcmp(dev->type->name, name) == 0) {
            found = dev;
            matches++;
        }
    }
    if (matches == 1) {
        return found;
    }
    if (matches > 1) {
        if (asprintf(why, "%d devices of type '%s': give the one you mean an id", matches, name) <
            0) {
            *why = NULL;
        }
        return NULL;
    }
    for (dev = qdev_first(); dev; dev = qdev_next(dev)) {
        char *p = qdev_get_dev_path(dev);
        bool same = p && strcmp(p, name) == 0;

        free(p);
        if (same) {
            return dev;
        }
    }
    if (asprintf(why, "no device '%s'", path) < 0) {
        *why = NULL;
    }
    return NULL;
}

static bool qtest_irq_levels_grow(int count)
{
    int *levels;

    if (count <= qts.nr_irq_levels) {
        return true;
    }
    levels = realloc(qts.irq_levels, (size_t)count * sizeof(*levels));
    if (!levels) {
        return false;
    }
    memset(levels + qts.nr_irq_levels, 0, (size_t)(count - qts.nr_irq_levels) * sizeof(*levels));
    qts.irq_levels = levels;
    qts.nr_irq_levels = count;
    return true;
}

static void qtest_irq_handler(void *opaque, int n, int level)
{
    char line[48];
    int len;

    /* After cleanup, intercepted outputs still point here: drop. */
    if (!qts.active || n < 0 || n >= qts.nr_irq_levels) {
        return;
    }
    level = level != 0;
    if (qts.irq_levels[n] == level) {
        return;
    }
    qts.irq_levels[n] = level;
    len = snprintf(line, sizeof(line), "IRQ %s %d", level ? "raise" : "lower", n);
    qtest_send_line(line, (size_t)len);
}

static void qtest_remember_in_group(const char *group)
{
    char **groups;

    for (int i = 0; i < qts.nr_in_groups; i++) {
        if ((!group && !qts.in_groups[i]) ||
            (group && qts.in_groups[i] && strcmp(group, qts.in_groups[i]) == 0)) {
            return;
        }
    }
    groups = realloc(qts.in_groups, (size_t)(qts.nr_in_groups + 1) * sizeof(*groups));
    if (!groups) {
        return; /* only costs giving the group back on cleanup */
    }
    qts.in_groups = groups;
    qts.in_groups[qts.nr_in_groups] = group ? strdup(group) : NULL;
    if (group && !qts.in_groups[qts.nr_in_groups]) {
        return;
    }
    qts.nr_in_groups++;
}

static void qtest_release_in_groups(void)
{
    for (int i = 0; i < qts.nr_in_groups; i++) {
        const char *group = qts.in_groups[i];
        int count = qts.irq_dev ? qdev_gpio_in_count(qts.irq_dev, group) : 0;

        for (int n = 0; n < count; n++) {
            qemu_irq line = qdev_get_gpio_in_named(qts.irq_dev, group, n);

            qemu_irq_intercept_remove(&line, 1);
        }
        free(qts.in_groups[i]);
    }
    free(qts.in_groups);
    qts.in_groups = NULL;
    qts.nr_in_groups = 0;
}

/* irq_intercept_in / irq_intercept_out DEV [GROUP] */
static void qtest_cmd_irq_intercept(char **w, int nw)
{
    bool out = strcmp(w[0], "irq_intercept_out") == 0;
    const char *group = nw > 2 ? w[2] : NULL;
    Error *err = NULL;
    DeviceState *dev;
    char *why;
    int count;

    dev = qtest_find_device(w[1], &why);
    if (!dev) {
        qtest_fail("%s", why ? why : "no such device");
        free(why);
        return;
    }
    if (qts.irq_dev && qts.irq_dev != dev) {
        /* IRQ numbers carry no device: one device at a time. */
        qtest_fail("IRQ intercept already enabled on another device");
        return;
    }
    if (group && strcmp(group, "unnamed-gpio-in") == 0) {
        group = NULL;
    }
    if (out && !group && qdev_gpio_out_count(dev, NULL) == 0 &&
        qdev_gpio_out_count(dev, SYSBUS_DEVICE_GPIO_IRQ) > 0) {
        /* a sys-bus device's irq outputs are its "sysbus-irq" group */
        group = SYSBUS_DEVICE_GPIO_IRQ;
    }
    count = out ? qdev_gpio_out_count(dev, group) : qdev_gpio_in_count(dev, group);
    if (count > 0 && !qtest_irq_levels_grow(count)) {
        qtest_fail("out of memory");
        return;
    }
    if (out ? !qdev_intercept_gpio_out(dev, group, qtest_irq_handler, NULL, &err)
            : !qdev_intercept_gpio_in(dev, group, qtest_irq_handler, NULL, &err)) {
        qtest_fail("%s", error_get_pretty(err));
        error_free(err);
        return;
    }
    if (!out) {
        qtest_remember_in_group(group);
    }
    qts.irq_dev = dev;
    qtest_ok();
}

/* set_irq_in DEV GROUP N LEVEL */
static void qtest_cmd_set_irq_in(char **w, int nw)
{
    const char *group = strcmp(w[2], "unnamed-gpio-in") == 0 ? NULL : w[2];
    DeviceState *dev;
    uint64_t n;
    int64_t level;
    char *why;

    dev = qtest_find_device(w[1], &why);
    if (!dev) {
        qtest_fail("%s", why ? why : "no such device");
        free(why);
        return;
    }
    if (!parse_u64(w[3], &n) || !parse_i64(w[4], &level) || level < INT32_MIN ||
        level > INT32_MAX) {
        qtest_fail("bad number");
        return;
    }
    if (n >= (uint64_t)qdev_gpio_in_count(dev, group)) {
        qtest_fail("device '%s' has no gpio input %" PRIu64 " in group %s", dev->type->name, n,
                   group ? group : "(default)");
        return;
    }
    qemu_set_irq(qdev_get_gpio_in_named(dev, group, (int)n), (int)level);
    qtest_ok();
}

/* ---- Port and memory access ---- */

static unsigned access_size(char suffix)
{
    switch (suffix) {
    case 'b':
        return 1;
    case 'w':
        return 2;
    case 'l':
        return 4;
    case 'q':
        return 8;
    }
    return 0;
}

static bool value_fits(uint64_t v, unsigned size)
{
    return size == 8 || v >> (8 * size) == 0;
}

static void qtest_reply_value(uint64_t v, unsigned size)
{
    qtest_sendf("OK 0x%0*" PRIx64, (int)size * 2, v);
}

/* outb/outw/outl PORT VALUE, inb/inw/inl PORT */
static void qtest_cmd_pio(char **w, int nw)
{
    bool is_out = w[0][0] == 'o';
    unsigned size = access_size(w[0][is_out ? 3 : 2]);
    uint64_t port, v;
    MemTxAttrs attrs = MEMTXATTRS_UNSPECIFIED;

    if (!parse_u64(w[1], &port) || port > 0xffff) {
        qtest_fail("bad port '%s' (0..0xffff)", w[1]);
        return;
    }
    if (is_out) {
        if (nw < 3 || !parse_u64(w[2], &v) || !value_fits(v, size)) {
            qtest_fail("bad value '%s' for a %u-byte write", nw < 3 ? "" : w[2], size);
            return;
        }
        switch (size) {
        case 1:
            address_space_stb(&address_space_io, port, (uint8_t)v, attrs, NULL);
            break;
        case 2:
            address_space_stw(&address_space_io, port, (uint16_t)v, attrs, NULL);
            break;
        default:
            address_space_stl(&address_space_io, port, (uint32_t)v, attrs, NULL);
            break;
        }
        qtest_ok();
        return;
    }
    switch (size) {
    case 1:
        v = address_space_ldub(&address_space_io, port, attrs, NULL);
        break;
    case 2:
        v = address_space_lduw(&address_space_io, port, attrs, NULL);
        break;
    default:
        v = address_space_ldl(&address_space_io, port, attrs, NULL);
        break;
    }
    qtest_reply_value(v, size);
}

/* writeb/w/l/q ADDR VALUE, readb/w/l/q ADDR */
static void qtest_cmd_mem(char **w, int nw)
{
    bool is_write = w[0][0] == 'w';
    unsigned size = access_size(w[0][is_write ? 5 : 4]);
    MemTxAttrs attrs = MEMTXATTRS_UNSPECIFIED;
    uint64_t addr, v;

    if (!parse_u64(w[1], &addr) || addr > UINT64_MAX - (size - 1)) {
        qtest_fail("bad address '%s'", w[1]);
        return;
    }
    if (is_write) {
        if (nw < 3 || !parse_u64(w[2], &v) || !value_fits(v, size)) {
            qtest_fail("bad value '%s' for a %u-byte write", nw < 3 ? "" : w[2], size);
            return;
        }
        switch (size) {
        case 1:
            address_space_stb(&address_space_memory, addr, (uint8_t)v, attrs, NULL);
            break;
        case 2:
            address_space_stw(&address_space_memory, addr, (uint16_t)v, attrs, NULL);
            break;
        case 4:
            address_space_stl(&address_space_memory, addr, (uint32_t)v, attrs, NULL);
            break;
        default:
            address_space_stq(&address_space_memory, addr, v, attrs, NULL);
            break;
        }
        qtest_ok();
        return;
    }
    switch (size) {
    case 1:
        v = address_space_ldub(&address_space_memory, addr, attrs, NULL);
        break;
    case 2:
        v = address_space_lduw(&address_space_memory, addr, attrs, NULL);
        break;
    case 4:
        v = address_space_ldl(&address_space_memory, addr, attrs, NULL);
        break;
    default:
        v = address_space_ldq(&address_space_memory, addr, attrs, NULL);
        break;
    }
    qtest_reply_value(v, size);
}

/* ADDR SIZE of a bulk command: parsed, bounded, not wrapping. */
static bool parse_range(char **w, uint64_t max, bool allow_zero, uint64_t *addr, uint64_t *size)
{
    if (!parse_u64(w[1], addr)) {
        qtest_fail("bad address '%s'", w[1]);
        return false;
    }
    if (!parse_u64(w[2], size)) {
        qtest_fail("bad size '%s'", w[2]);
        return false;
    }
    if (*size == 0 && !allow_zero) {
        qtest_fail("size must not be 0");
        return false;
    }
    if (*size > max) {
        qtest_fail("size 0x%" PRIx64 " too large (at most 0x%" PRIx64 ")", *size, max);
        return false;
    }
    if (*size && *addr > UINT64_MAX - (*size - 1)) {
        qtest_fail("range wraps around the address space");
        return false;
    }
    return true;
}

/* read ADDR SIZE / b64read ADDR SIZE */
static void qtest_cmd_read(char **w, int nw)
{
    bool b64 = w[0][0] == 'b';
    uint64_t addr, size;
    uint8_t *data;
    char *reply;
    size_t len;

    if (!parse_range(w, QTEST_MAX_XFER, true, &addr, &size)) {
        return;
    }
    data = malloc(size ? size : 1);
    reply = malloc(3 + (b64 ? 4 * ((size + 2) / 3) : 2 + 2 * size) + 1);
    if (!data || !reply) {
        free(data);
        free(reply);
        qtest_fail("out of memory");
        return;
    }
    address_space_read(&address_space_memory, addr, MEMTXATTRS_UNSPECIFIED, data, size);
    memcpy(reply, "OK ", 3);
    len = 3;
    if (b64) {
        len += b64_encode(data, size, reply + len);
    } else {
        static const char hex[] = "0123456789abcdef";

        reply[len++] = '0';
        reply[len++] = 'x';
        for (uint64_t i = 0; i < size; i++) {
            reply[len++] = hex[data[i] >> 4];
            reply[len++] = hex[data[i] & 15];
        }
    }
    qtest_send_line(reply, len);
    free(reply);
    free(data);
}

/* write ADDR SIZE 0xDATA / b64write ADDR SIZE B64DATA */
static void qtest_cmd_write(char **w, int nw)
{
    bool b64 = w[0][0] == 'b';
    const char *text = w[3];
    uint64_t addr, size;
    uint8_t *data;

    if (!parse_range(w, QTEST_MAX_XFER, true, &addr, &size)) {
        return;
    }
    data = calloc(size ? size : 1, 1);
    if (!data) {
        qtest_fail("out of memory");
        return;
    }
    if (b64) {
        size_t got;

        if (!b64_decode(text, data, size, &got)) {
            free(data);
            qtest_fail("bad base64 data, or more than %" PRIu64 " bytes", size);
            return;
        }
    } else {
        size_t n;

        if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
            text += 2;
        }
        n = strlen(text);
        if (n > 2 * size) {
            free(data);
            qtest_fail("data longer than %" PRIu64 " bytes", size);
            return;
        }
        /* Digit pairs in address order; an odd last digit is the high
         * nibble of its byte; missing bytes stay zero. */
        for (size_t i = 0; i < n; i++) {
            int d = hex_digit(text[i]);

            if (d < 0) {
                free(data);
                qtest_fail("bad hex digit '%c' in data", text[i]);
                return;
            }
            data[i / 2] |= (uint8_t)(i % 2 ? d : d << 4);
        }
    }
    address_space_write(&address_space_memory, addr, MEMTXATTRS_UNSPECIFIED, data, size);
    free(data);
    qtest_ok();
}

/* memset ADDR SIZE BYTE */
static void qtest_cmd_memset(char **w, int nw)
{
    uint8_t chunk[4096];
    uint64_t addr, size, v;

    if (!parse_range(w, QTEST_MAX_MEMSET, false, &addr, &size)) {
        return;
    }
    if (!parse_u64(w[3], &v) || v > 0xff) {
        qtest_fail("bad byte value '%s'", w[3]);
        return;
    }
    memset(chunk, (int)v, sizeof(chunk));
    while (size) {
        uint64_t n = size < sizeof(chunk) ? size : sizeof(chunk);

        address_space_write(&address_space_memory, addr, MEMTXATTRS_UNSPECIFIED, chunk, n);
        addr += n;
        size -= n;
    }
    qtest_ok();
}

/* ---- Clock ---- */

/* clock_step [NS] / clock_set NS */
static void qtest_cmd_clock(char **w, int nw)
{
    bool step = strcmp(w[0], "clock_step") == 0;
    int64_t now;
    uint64_t ns = 0;

    if (!qemu_clock_qtest_mode()) {
        qtest_fail("the virtual clock is not under qtest control (use -accel qtest)");
        return;
    }
    if (nw > 1 && (!parse_u64(w[1], &ns) || ns > INT64_MAX)) {
        qtest_fail("bad time '%s'", w[1]);
        return;
    }
    if (!step) {
        now = qemu_clock_set_virtual((int64_t)ns);
    } else if (nw > 1) {
        now = qemu_clock_advance_virtual((int64_t)ns);
    } else {
        /* To the next timer: with none pending, time stands still. */
        int64_t next = qemu_clock_next_timer_ns(QEMU_CLOCK_VIRTUAL);

        now = next >= 0 ? qemu_clock_set_virtual(next) : qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    }
    qtest_sendf("OK %" PRId64, now);
}

static void qtest_cmd_endianness(char **w, int nw)
{
    qtest_sendf("OK little");
}

/* ---- Dispatch ---- */

typedef struct QTestCommand {
    const char *name;
    int min_args, max_args; /* not counting the command word */
    void (*fn)(char **w, int nw);
} QTestCommand;

static const QTestCommand qtest_commands[] = {
    { "outb", 2, 2, qtest_cmd_pio },
    { "outw", 2, 2, qtest_cmd_pio },
    { "outl", 2, 2, qtest_cmd_pio },
    { "inb", 1, 1, qtest_cmd_pio },
    { "inw", 1, 1, qtest_cmd_pio },
    { "inl", 1, 1, qtest_cmd_pio },
    { "writeb", 2, 2, qtest_cmd_mem },
    { "writew", 2, 2, qtest_cmd_mem },
    { "writel", 2, 2, qtest_cmd_mem },
    { "writeq", 2, 2, qtest_cmd_mem },
    { "readb", 1, 1, qtest_cmd_mem },
    { "readw", 1, 1, qtest_cmd_mem },
    { "readl", 1, 1, qtest_cmd_mem },
    { "readq", 1, 1, qtest_cmd_mem },
    { "read", 2, 2, qtest_cmd_read },
    { "b64read", 2, 2, qtest_cmd_read },
    { "write", 3, 3, qtest_cmd_write },
    { "b64write", 3, 3, qtest_cmd_write },
    { "memset", 3, 3, qtest_cmd_memset },
    { "clock_step", 0, 1, qtest_cmd_clock },
    { "clock_set", 1, 1, qtest_cmd_clock },
    { "irq_intercept_in", 1, 2, qtest_cmd_irq_intercept },
    { "irq_intercept_out", 1, 2, qtest_cmd_irq_intercept },
    { "set_irq_in", 4, 4, qtest_cmd_set_irq_in },
    { "endianness", 0, 0, qtest_cmd_endianness },
};

/* Handle one request line (no newline; modified in place). */
static void qtest_process_line(char *line, size_t len)
{
    char *w[QTEST_MAX_WORDS];
    int nw = 0;
    char *p = line;

    if (len && line[len - 1] == '\r') { /* a telnet-style client */
        line[--len] = '\0';
    }
    qtest_log('R', line, len);
    if (memchr(line, '\0', len)) {
        qtest_fail("NUL byte in request");
        return;
    }
    for (;;) {
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        if (!*p) {
            break;
        }
        if (nw == QTEST_MAX_WORDS) {
            qtest_fail("too many arguments");
            return;
        }
        w[nw++] = p;
        while (*p && *p != ' ' && *p != '\t') {
            p++;
        }
        if (*p) {
            *p++ = '\0';
        }
    }
    if (nw == 0) {
        qtest_fail("empty request");
        return;
    }
    for (size_t i = 0; i < sizeof(qtest_commands) / sizeof(qtest_commands[0]); i++) {
        const QTestCommand *c = &qtest_commands[i];

        if (strcmp(c->name, w[0]) != 0) {
            continue;
        }
        if (nw - 1 < c->min_args || nw - 1 > c->max_args) {
            if (c->min_args == c->max_args) {
                qtest_fail("%s takes %d argument%s", c->name, c->min_args,
                           c->min_args == 1 ? "" : "s");
            } else {
                qtest_fail("%s takes %d to %d arguments", c->name, c->min_args, c->max_args);
            }
            return;
        }
        c->fn(w, nw);
        return;
    }
    /* Quote at most a screenful of an unknown command. */
    qtest_fail("Unknown command '%.64s'", w[0]);
}

/* Bytes from the client: assemble lines and handle each complete one. */
static void qtest_receive(const char *buf, size_t len)
{
    while (len) {
        const char *nl = memchr(buf, '\n', len);
        size_t take = nl ? (size_t)(nl - buf) : len;

        if (!qts.discarding) {
            if (qts.inlen + take > QTEST_MAX_LINE) {
                qts.discarding = true;
                qts.inlen = 0;
            } else {
                if (qts.inlen + take + 1 > qts.incap) {
                    size_t cap = qts.incap ? qts.incap : 256;
                    char *nb;

                    while (cap < qts.inlen + take + 1) {
                        cap *= 2;
                    }
                    nb = realloc(qts.inbuf, cap);
                    if (!nb) {
                        qts.discarding = true;
                        qts.inlen = 0;
                        goto next;
                    }
                    qts.inbuf = nb;
                    qts.incap = cap;
                }
                memcpy(qts.inbuf + qts.inlen, buf, take);
                qts.inlen += take;
            }
        }
    next:
        if (!nl) {
            return;
        }
        buf += take + 1;
        len -= take + 1;
        if (qts.discarding) {
            qts.discarding = false;
            qtest_log('R', "(line too long, discarded)", 26);
            qtest_fail("request line too long");
        } else {
            size_t linelen = qts.inlen;

            qts.inbuf[linelen] = '\0';
            qts.inlen = 0;
            qtest_process_line(qts.inbuf, linelen);
        }
    }
}

/* ---- Chardev frontend ---- */

static int qtest_can_read(void *opaque)
{
    return QTEST_READ_CHUNK;
}

static void qtest_read(void *opaque, const uint8_t *buf, int size)
{
    qtest_receive((const char *)buf, (size_t)size);
}

static void qtest_event(void *opaque, QEMUChrEvent event)
{
    switch (event) {
    case CHR_EVENT_OPENED:
        /* A new client starts from a clean slate. */
        qts.inlen = 0;
        qts.discarding = false;
        if (qts.irq_levels) {
            memset(qts.irq_levels, 0, (size_t)qts.nr_irq_levels * sizeof(*qts.irq_levels));
        }
        qtest_log('I', "OPENED", 6);
        break;
    case CHR_EVENT_CLOSED:
        qtest_log('I', "CLOSED", 6);
        if (qts.exit_on_close) {
            main_loop_exit_request();
        }
        break;
    default:
        break;
    }
}

/* ---- Set-up ---- */

static void qtest_server_start(void)
{
    qts.active = true;
    qts.start_ns = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    qts.inlen = 0;
    qts.discarding = false;
}

bool qtest_server_init(const char *chardev_spec, Error **errp)
{
    Chardev *chr;

    if (qts.active) {
        error_setg(errp, "qtest: the server is already running");
        return false;
    }
    if (!chardev_spec || !*chardev_spec) {
        error_setg(errp, "qtest: missing chardev");
        return false;
    }
    if (strncmp(chardev_spec, "chardev:", 8) == 0) {
        chr = qemu_chr_find(chardev_spec + 8);
        if (!chr) {
            error_setg(errp, "qtest: no chardev '%s'", chardev_spec + 8);
            return false;
        }
        qts.own_chr = NULL;
    } else {
        chr = qemu_chr_new("qtest", chardev_spec, errp);
        if (!chr) {
            error_prepend(errp, "qtest: ");
            return false;
        }
        qts.own_chr = chr;
    }
    if (!qemu_chr_fe_init(&qts.chr, chr, errp)) {
        error_prepend(errp, "qtest: ");
        if (qts.own_chr) {
            qemu_chr_delete(qts.own_chr);
            qts.own_chr = NULL;
        }
        return false;
    }
    qts.inproc = false;
    qtest_server_start();
    /* Last: the backend may already be connected and send OPENED now. */
    qemu_chr_fe_set_handlers(&qts.chr, qtest_can_read, qtest_read, qtest_event, NULL);
    return true;
}

bool qtest_server_inproc_init(QTestSendFunc *send, void *opaque, Error **errp)
{
    if (qts.active) {
        error_setg(errp, "qtest: the server is already running");
        return false;
    }
    if (!send) {
        error_setg(errp, "qtest: no send function");
        return false;
    }
    qts.inproc = true;
    qts.send = send;
    qts.send_opaque = opaque;
    qtest_server_start();
    return true;
}

void qtest_server_inproc_recv(const char *buf, size_t len)
{
    if (qts.active && qts.inproc) {
        qtest_receive(buf, len);
    }
}

bool qtest_server_set_log(const char *path, Error **errp)
{
    FILE *f = NULL;

    if (path && strcmp(path, "-") == 0) {
        f = stderr;
    } else if (path) {
        f = fopen(path, "w");
        if (!f) {
            error_setg_errno(errp, errno, "qtest: cannot open log file '%s'", path);
            return false;
        }
    }
    if (qts.log && qts.log != stderr) {
        fclose(qts.log);
    }
    qts.log = f;
    return true;
}

void qtest_server_set_exit_on_close(bool on)
{
    qts.exit_on_close = on;
}

void qtest_server_cleanup(void)
{
    if (!qts.active) {
        return;
    }
    qtest_release_in_groups();
    qts.active = false;
    if (!qts.inproc) {
        qemu_chr_fe_deinit(&qts.chr, qts.own_chr != NULL);
        qts.own_chr = NULL;
    }
    qts.inproc = false;
    qts.send = NULL;
    qts.send_opaque = NULL;
    qtest_server_set_log(NULL, NULL);
    free(qts.inbuf);
    qts.inbuf = NULL;
    qts.inlen = qts.incap = 0;
    qts.discarding = false;
    free(qts.irq_levels);
    qts.irq_levels = NULL;
    qts.nr_irq_levels = 0;
    qts.irq_dev = NULL;
}
