/*
 * Unit tests of the qtest accelerator (accel/qtest/qtest.c) through the
 * libqtest client (tests/qtest/libqtest.c), in one process.
 *
 * A "server" thread builds a small machine (RAM, ROM, a sys-bus test device
 * with an MMIO register file, I/O ports, a virtual-clock timer, an irq
 * output and gpio inputs, plus some bus-less devices), starts the qtest
 * server on a Unix-socket chardev and runs the main loop; the test thread
 * is the client, as a test of a spawned emulator would be. It checks every
 * command against the device's own view (read under the big lock), the
 * IRQ events, clock_step running the timer at the right virtual time, and
 * FAIL (never a crash) for malformed requests. Disconnecting must make the
 * server's loop exit. A second part drives the same server in-process
 * through a custom transport, in one thread.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../qtest/libqtest.h"
#include "exec/memory.h"
#include "hw/core/qdev.h"
#include "hw/core/sysbus.h"
#include "sysemu/qtest.h"
#include "util/main-loop.h"
#include "util/timer.h"

#include "tap.h"

#define RAM_BASE  0x100000
#define RAM_SIZE  0x400000
#define ROM_BASE  0x800000
#define ROM_SIZE  0x1000
#define MMIO_BASE 0x10000000
#define PIO_BASE  0x510

/* ---- The test device ---- */

typedef struct TestDev {
    SysBusDevice parent;
    MemoryRegion mmio, pio;
    qemu_irq irq;
    QEMUTimer timer;
    uint8_t regs[16];
    uint8_t ports[4];
    unsigned last_size;
    hwaddr last_addr;
    int64_t fired_at;
    int fired;
    int in_level[2];
    int in_calls;
} TestDev;

static TestDev *tdev;

static uint64_t regs_get(const uint8_t *regs, hwaddr addr, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)regs[addr + i] << (8 * i);
    }
    return v;
}

static void regs_put(uint8_t *regs, hwaddr addr, uint64_t v, unsigned size)
{
    for (unsigned i = 0; i < size; i++) {
        regs[addr + i] = (uint8_t)(v >> (8 * i));
    }
}

static uint64_t mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    TestDev *s = opaque;

    s->last_size = size;
    s->last_addr = addr;
    return addr + size <= sizeof(s->regs) ? regs_get(s->regs, addr, size) : 0x5a;
}

static void mmio_write(void *opaque, hwaddr addr, uint64_t v, unsigned size)
{
    TestDev *s = opaque;

    s->last_size = size;
    s->last_addr = addr;
    if (addr + size <= sizeof(s->regs)) {
        regs_put(s->regs, addr, v, size);
    } else if (addr == 0x10) {
        qemu_set_irq(s->irq, (int)v);
    } else if (addr == 0x14) {
        qemu_irq_pulse(s->irq);
    }
}

static const MemoryRegionOps mmio_ops = {
    .read = mmio_read,
    .write = mmio_write,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

static uint64_t pio_read(void *opaque, hwaddr addr, unsigned size)
{
    TestDev *s = opaque;

    s->last_size = size;
    s->last_addr = addr;
    if (addr + size <= sizeof(s->ports)) {
        return regs_get(s->ports, addr, size);
    }
    return addr == 4 ? (uint64_t)s->fired : 0;
}

static void pio_write(void *opaque, hwaddr addr, uint64_t v, unsigned size)
{
    TestDev *s = opaque;

    s->last_size = size;
    s->last_addr = addr;
    if (addr + size <= sizeof(s->ports)) {
        regs_put(s->ports, addr, v, size);
    } else if (addr == 4) {
        /* arm the timer v ns from now */
        timer_mod_ns(&s->timer, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + (int64_t)v);
    }
}

static const MemoryRegionOps pio_ops = {
    .read = pio_read,
    .write = pio_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static void tdev_timer_cb(void *opaque)
{
    TestDev *s = opaque;

    s->fired_at = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    s->fired++;
    qemu_irq_raise(s->irq);
}

static void tdev_in(void *opaque, int n, int level)
{
    TestDev *s = opaque;

    s->in_level[n] = level;
    s->in_calls++;
}

static bool tdev_realize(DeviceState *dev, Error **errp)
{
    TestDev *s = (TestDev *)dev;

    memory_region_init_io(&s->mmio, s, &mmio_ops, s, "test-qtest-mmio", 0x100);
    memory_region_init_io(&s->pio, s, &pio_ops, s, "test-qtest-pio", 8);
    sysbus_init_mmio(&s->parent, &s->mmio);
    sysbus_init_pio(&s->parent, &s->pio);
    sysbus_init_irq(&s->parent, &s->irq);
    qdev_init_gpio_in(dev, tdev_in, 2);
    timer_init_ns(&s->timer, QEMU_CLOCK_VIRTUAL, tdev_timer_cb, s);
    return true;
}

static const DeviceTypeInfo test_qtest_dev_info = {
    .name = "test-qtest-dev",
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(TestDev),
    .realize = tdev_realize,
};
DEVICE_TYPE(test_qtest_dev_info)

/* Bus-less devices with one output: for lookups (ambiguous type, other
 * device). */
typedef struct AuxDev {
    DeviceState parent;
    qemu_irq out;
} AuxDev;

static bool aux_realize(DeviceState *dev, Error **errp)
{
    qdev_init_gpio_out(dev, &((AuxDev *)dev)->out, 1);
    return true;
}

static const DeviceTypeInfo test_qtest_aux_info = {
    .name = "test-qtest-aux",
    .instance_size = sizeof(AuxDev),
    .realize = aux_realize,
};
DEVICE_TYPE(test_qtest_aux_info)

/* What the device's irq output drove before interception. */
static int board_irq_calls;

static void board_irq(void *opaque, int n, int level)
{
    board_irq_calls++;
}

static MemoryRegion ram, rom;
static qemu_irq board_line;

static void build_machine(void)
{
    DeviceState *dev;
    SysBusDevice *sbd;

    memory_region_init_ram(&ram, NULL, "test-ram", RAM_SIZE, &error_abort);
    memory_region_add_subregion(get_system_memory(), RAM_BASE, &ram);
    memory_region_init_rom(&rom, NULL, "test-rom", ROM_SIZE, &error_abort);
    memset(memory_region_get_ram_ptr(&rom), 0xa5, ROM_SIZE);
    memory_region_add_subregion(get_system_memory(), ROM_BASE, &rom);

    dev = qdev_new("test-qtest-dev", &error_abort);
    qdev_set_id(dev, "tdev", &error_abort);
    qdev_realize(dev, NULL, &error_abort);
    sbd = SYS_BUS_DEVICE(dev);
    sysbus_mmio_map(sbd, 0, MMIO_BASE);
    sysbus_pio_map(sbd, 0, PIO_BASE);
    board_line = qemu_allocate_irq(board_irq, NULL, 0);
    sysbus_connect_irq(sbd, 0, board_line);
    tdev = (TestDev *)dev;

    for (int i = 0; i < 3; i++) {
        dev = qdev_new("test-qtest-aux", &error_abort);
        if (i == 2) {
            qdev_set_id(dev, "aux0", &error_abort);
        }
        qdev_realize(dev, NULL, &error_abort);
    }
}

/* ---- The server thread ---- */

static char sock_path[108];
static char log_path[128];
static volatile int server_exited;

static void *server_thread(void *arg)
{
    char spec[160];

    qemu_init_main_loop(&error_abort);
    bql_lock();
    qtest_accel_init(&error_abort);
    build_machine();
    snprintf(spec, sizeof(spec), "unix:%s", sock_path);
    qtest_server_set_log(log_path, &error_abort);
    qtest_server_init(spec, &error_abort);
    while (!main_loop_should_exit()) {
        main_loop_wait(false);
    }
    qtest_server_cleanup();
    bql_unlock();
    server_exited = 1;
    return NULL;
}

/* ---- Helpers ---- */

static bool reply_is(char *reply, const char *want)
{
    bool ok = reply && strcmp(reply, want) == 0;

    if (!ok) {
        tap_diag("reply \"%s\", wanted \"%s\"", reply ? reply : "(none)", want);
    }
    free(reply);
    return ok;
}

static bool reply_fails(char *reply, const char *needle)
{
    bool ok = reply && strncmp(reply, "FAIL ", 5) == 0 && (!needle || strstr(reply, needle));

    if (!ok) {
        tap_diag("reply \"%s\", wanted FAIL ...%s", reply ? reply : "(none)", needle ? needle : "");
    }
    free(reply);
    return ok;
}

/* Device state is read under the big lock, as the server writes it. */
#define DEV_READ(expr)                                                                             \
    ({                                                                                             \
        bql_lock();                                                                                \
        __typeof__(expr) v_ = (expr);                                                              \
        bql_unlock();                                                                              \
        v_;                                                                                        \
    })

static uint8_t *ram_ptr(void)
{
    return memory_region_get_ram_ptr(&ram);
}

/* ---- Tests over the socket ---- */

static void test_pio(QTestState *qs)
{
    qtest_outb(qs, PIO_BASE + 1, 0x5a);
    tap_ok(DEV_READ(tdev->ports[1]) == 0x5a && DEV_READ(tdev->last_size) == 1,
           "outb reaches the device as a 1-byte write");
    tap_ok(qtest_inb(qs, PIO_BASE + 1) == 0x5a, "inb reads it back");
    qtest_outw(qs, PIO_BASE + 2, 0xbeef);
    tap_ok(DEV_READ(tdev->last_size) == 2 && DEV_READ(tdev->ports[2]) == 0xef &&
               DEV_READ(tdev->ports[3]) == 0xbe,
           "outw: a 2-byte little-endian write");
    tap_ok(qtest_inw(qs, PIO_BASE + 2) == 0xbeef && DEV_READ(tdev->last_size) == 2, "inw");
    qtest_outl(qs, PIO_BASE, 0x12345678);
    tap_ok(DEV_READ(tdev->last_size) == 4 && qtest_inl(qs, PIO_BASE) == 0x12345678,
           "outl/inl: 4-byte accesses");
    tap_ok(qtest_inb(qs, 0x9f0) == 0xff && qtest_inl(qs, 0x9f0) == 0xffffffff,
           "unassigned ports read as all-ones");
    qtest_outb(qs, PIO_BASE + 1, 0x5a);
    tap_ok(reply_is(qtest_raw(qs, "inb 0x%x", PIO_BASE + 1), "OK 0x5a"),
           "inb reply format: OK 0x5a");
    tap_ok(reply_is(qtest_raw(qs, "inl 0x%x", PIO_BASE), "OK 0x12345a78"),
           "inl reply format: 8 hex digits (and the outb merged into byte 1)");
}

static void test_mem(QTestState *qs)
{
    uint8_t buf[300], back[300];
    bool same = true;

    qtest_writeb(qs, RAM_BASE, 0x11);
    qtest_writew(qs, RAM_BASE + 2, 0x2233);
    qtest_writel(qs, RAM_BASE + 4, 0x44556677);
    qtest_writeq(qs, RAM_BASE + 8, 0x8899aabbccddeeffull);
    bql_lock();
    tap_ok(ram_ptr()[0] == 0x11 && ram_ptr()[2] == 0x33 && ram_ptr()[3] == 0x22 &&
               ram_ptr()[4] == 0x77 && ram_ptr()[7] == 0x44 && ram_ptr()[8] == 0xff &&
               ram_ptr()[15] == 0x88,
           "writeb/w/l/q land in RAM, little-endian");
    bql_unlock();
    tap_ok(qtest_readb(qs, RAM_BASE) == 0x11 && qtest_readw(qs, RAM_BASE + 2) == 0x2233 &&
               qtest_readl(qs, RAM_BASE + 4) == 0x44556677 &&
               qtest_readq(qs, RAM_BASE + 8) == 0x8899aabbccddeeffull,
           "readb/w/l/q read them back");
    tap_ok(reply_is(qtest_raw(qs, "readq 0x%x", RAM_BASE + 8), "OK 0x8899aabbccddeeff"),
           "readq reply has 16 hex digits");

    qtest_writel(qs, MMIO_BASE + 4, 0xcafef00d);
    tap_ok(DEV_READ(tdev->last_size) == 4 && DEV_READ(tdev->last_addr) == 4 &&
               DEV_READ(tdev->regs[4]) == 0x0d,
           "writel reaches MMIO as one 4-byte access");
    tap_ok(qtest_readw(qs, MMIO_BASE + 6) == 0xcafe && DEV_READ(tdev->last_size) == 2,
           "readw from MMIO is one 2-byte access");
    qtest_writeq(qs, MMIO_BASE + 8, 0x0102030405060708ull);
    tap_ok(DEV_READ(tdev->last_size) == 8 &&
               qtest_readq(qs, MMIO_BASE + 8) == 0x0102030405060708ull,
           "writeq/readq on MMIO are 8-byte accesses");
    tap_ok(qtest_readl(qs, 0x7ff00000) == 0xffffffff, "unassigned memory reads as all-ones");

    for (int i = 0; i < 300; i++) {
        buf[i] = (uint8_t)(i * 7 + 3);
    }
    qtest_memwrite(qs, RAM_BASE + 0x100, buf, sizeof(buf));
    bql_lock();
    tap_ok(memcmp(ram_ptr() + 0x100, buf, sizeof(buf)) == 0, "memwrite (write) of 300 bytes");
    bql_unlock();
    memset(back, 0, sizeof(back));
    qtest_memread(qs, RAM_BASE + 0x100, back, sizeof(back));
    tap_ok(memcmp(back, buf, sizeof(buf)) == 0, "memread (read) gets them back");
    tap_ok(reply_is(qtest_raw(qs, "read 0x%x 3", RAM_BASE + 0x100), "OK 0x030a11"),
           "read reply: hex bytes in address order");

    tap_ok(reply_is(qtest_raw(qs, "write 0x%x 4 0xab", RAM_BASE + 0x400), "OK"),
           "write with short data is accepted");
    bql_lock();
    tap_ok(ram_ptr()[0x400] == 0xab && ram_ptr()[0x401] == 0 && ram_ptr()[0x403] == 0,
           "... and zero-filled at the end");
    bql_unlock();

    for (size_t n = 0; n <= 5; n++) {
        uint8_t b[5] = { 0xde, 0xad, 0xbe, 0xef, 0x42 }, r[5] = { 0 };

        qtest_bufwrite(qs, RAM_BASE + 0x500, b, n);
        qtest_bufread(qs, RAM_BASE + 0x500, r, n);
        same &= memcmp(b, r, n) == 0;
    }
    for (int i = 0; i < 300; i++) {
        buf[i] = (uint8_t)(i ^ 0x5c);
    }
    qtest_bufwrite(qs, RAM_BASE + 0x600, buf, sizeof(buf));
    qtest_bufread(qs, RAM_BASE + 0x600, back, sizeof(back));
    same &= memcmp(back, buf, sizeof(buf)) == 0;
    tap_ok(same, "b64write/b64read round trips of 0..5 and 300 bytes");
    tap_ok(reply_is(qtest_raw(qs, "b64read 0x%x 2", RAM_BASE + 0x500), "OK 3q0="),
           "b64read reply is padded base64");

    {
        size_t n = 3 * 1024 * 1024 + 5;
        uint8_t *big = malloc(n), *big2 = malloc(n);

        for (size_t i = 0; i < n; i++) {
            big[i] = (uint8_t)(i * 13 + (i >> 9));
        }
        qtest_memwrite(qs, RAM_BASE + 0x10000, big, n);
        qtest_memread(qs, RAM_BASE + 0x10000, big2, n);
        same = memcmp(big, big2, n) == 0;
        memset(big2, 0, n);
        qtest_bufread(qs, RAM_BASE + 0x10000, big2, n);
        same &= memcmp(big, big2, n) == 0;
        tap_ok(same, "3 MiB memwrite/memread/bufread (several requests each)");
        free(big);
        free(big2);
    }

    qtest_memset(qs, RAM_BASE + 0x800, 0x3c, 0x1001);
    bql_lock();
    same = ram_ptr()[0x7ff] != 0x3c && ram_ptr()[0x800] == 0x3c && ram_ptr()[0x1800] == 0x3c &&
           ram_ptr()[0x1801] != 0x3c;
    bql_unlock();
    tap_ok(same, "memset fills exactly the range");

    qtest_writeb(qs, ROM_BASE + 5, 0x00);
    tap_ok(qtest_readb(qs, ROM_BASE + 5) == 0xa5, "writes to ROM are dropped, reads see ROM");
    tap_ok(reply_is(qtest_raw(qs, "endianness"), "OK little"), "endianness: little");
}

static void test_clock(QTestState *qs)
{
    int64_t t0 = qtest_clock_set(qs, 0);
    char want[64];
    int64_t t;

    tap_ok(t0 >= 0 && t0 == DEV_READ(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL)),
           "clock_set 0 returns the current virtual time (%lld)", (long long)t0);
    usleep(20000);
    tap_ok(qtest_clock_step(qs, 0) == t0, "the virtual clock does not move by itself");
    tap_ok(qtest_clock_step_next(qs) == t0, "clock_step with no timer pending leaves time alone");

    tap_ok(qtest_irq_intercept_out(qs, "tdev"), "irq_intercept_out tdev (its sysbus irq)");
    qtest_outl(qs, PIO_BASE + 4, 1000); /* timer at t0 + 1000 */
    t = qtest_clock_step(qs, 400);
    tap_ok(t == t0 + 400 && DEV_READ(tdev->fired) == 0, "clock_step 400: +400 ns, timer not due");
    tap_ok(!qtest_get_irq(qs, 0), "no irq yet");
    t = qtest_clock_step_next(qs);
    tap_ok(t == t0 + 1000, "clock_step goes to the timer's deadline (%lld)", (long long)(t - t0));
    tap_ok(DEV_READ(tdev->fired) == 1 && DEV_READ(tdev->fired_at) == t0 + 1000,
           "the timer ran once, seeing the clock at its expiry");
    tap_ok(qtest_get_irq(qs, 0) && qtest_irq_raise_count(qs, 0) == 1,
           "its irq raise arrived as an IRQ event");
    tap_ok(DEV_READ(board_irq_calls) == 0, "the intercepted output no longer reaches the board");

    qtest_outl(qs, PIO_BASE + 4, 5000);
    t = qtest_clock_set(qs, t0 + 3000);
    tap_ok(t == t0 + 3000 && DEV_READ(tdev->fired) == 1, "clock_set before the deadline");
    t = qtest_clock_step(qs, 10000);
    tap_ok(t == t0 + 13000 && DEV_READ(tdev->fired) == 2 && DEV_READ(tdev->fired_at) == t0 + 6000,
           "clock_step NS past a deadline runs the timer at its time");
    tap_ok(qtest_clock_set(qs, t0) == t0 + 13000, "clock_set never goes backwards");
    snprintf(want, sizeof(want), "OK %lld", (long long)(t0 + 13005));
    tap_ok(reply_is(qtest_raw(qs, "clock_step 5"), want),
           "clock replies carry the time in decimal ns");
}

static void test_irq(QTestState *qs)
{
    int raises = qtest_irq_raise_count(qs, 0);

    qtest_writel(qs, MMIO_BASE + 0x10, 0);
    tap_ok(!qtest_get_irq(qs, 0), "device lowers its output: IRQ lower 0");
    qtest_writel(qs, MMIO_BASE + 0x10, 1);
    tap_ok(qtest_get_irq(qs, 0) && qtest_irq_raise_count(qs, 0) == raises + 1, "raise again");
    qtest_writel(qs, MMIO_BASE + 0x10, 1);
    tap_ok(qtest_irq_raise_count(qs, 0) == raises + 1, "setting the same level sends no event");
    qtest_writel(qs, MMIO_BASE + 0x10, 0);
    qtest_writel(qs, MMIO_BASE + 0x14, 0);
    tap_ok(!qtest_get_irq(qs, 0) && qtest_irq_raise_count(qs, 0) == raises + 2,
           "a pulse inside one request shows as a raise and ends low");

    /* inputs: before interception the device gets them */
    qtest_set_irq_in(qs, "tdev", NULL, 1, 1);
    tap_ok(DEV_READ(tdev->in_level[1]) == 1 && DEV_READ(tdev->in_calls) == 1,
           "set_irq_in drives the device's input");
    tap_ok(qtest_irq_intercept_in(qs, "/machine/peripheral/tdev"),
           "irq_intercept_in by a QOM-style path");
    qtest_set_irq_in(qs, "test-qtest-dev", NULL, 1, 0);
    tap_ok(DEV_READ(tdev->in_calls) == 1 && !qtest_get_irq(qs, 1),
           "intercepted input: the device no longer sees it, the client does (lower 1)");
    qtest_set_irq_in(qs, "tdev", NULL, 1, 1);
    tap_ok(qtest_get_irq(qs, 1) && qtest_irq_raise_count(qs, 1) == 1, "IRQ raise 1");

    tap_ok(reply_fails(qtest_raw(qs, "irq_intercept_out aux0"), "another device"),
           "intercepting a second device fails");
    tap_ok(reply_fails(qtest_raw(qs, "irq_intercept_in test-qtest-aux"), "give the one"),
           "an ambiguous type name fails");
    tap_ok(reply_fails(qtest_raw(qs, "irq_intercept_in nosuchdev"), "no device 'nosuchdev'"),
           "an unknown device fails");
    tap_ok(reply_fails(qtest_raw(qs, "irq_intercept_in tdev nosuchgroup"), "no gpio inputs"),
           "an unknown gpio group fails");
    tap_ok(reply_fails(qtest_raw(qs, "set_irq_in tdev unnamed-gpio-in 7 1"), "no gpio input 7"),
           "set_irq_in on a line that does not exist fails");
}

static void test_garbage(QTestState *qs)
{
    static const char *const bad[] = {
        "frobnicate 1 2",
        "outb",
        "outb 0x80",
        "outb 0x80 zz",
        "outb 0x80 0x100",
        "outw 0x10000 1",
        "outl 0x80 -1",
        "inb 0x80 1",
        "readl",
        "readl 12abc",
        "writeq 0 0x1ffffffffffffffff",
        "read 0 0x2000000",
        "read 0xffffffffffffffff 2",
        "write 0x100000 2 0x123456",
        "write 0x100000 2 0xzz",
        "b64write 0x100000 3 @@@@",
        "b64write 0x100000 1 AAAA",
        "memset 0x100000 0 1",
        "memset 0x100000 4 0x100",
        "clock_step -5",
        "clock_step 1 2",
        "clock_set",
        "clock_set 0x8000000000000000",
        "irq_intercept_in",
        "set_irq_in tdev unnamed-gpio-in x 1",
        "a b c d e f g h i j",
    };
    char reply_ok = 1;
    int64_t now;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *r = qtest_raw(qs, "%s", bad[i]);

        if (!r || strncmp(r, "FAIL ", 5) != 0) {
            tap_diag("'%s' -> '%s'", bad[i], r ? r : "(none)");
            reply_ok = 0;
        }
        free(r);
    }
    tap_ok(reply_ok, "%zu malformed requests each get FAIL", sizeof(bad) / sizeof(bad[0]));
    tap_ok(reply_fails(qtest_raw(qs, "frobnicate"), "Unknown command 'frobnicate'"),
           "unknown command names itself");
    tap_ok(reply_fails(qtest_raw(qs, "%s", ""), "empty"), "an empty line gets FAIL");

    /* a NUL byte inside a line, CRLF endings, pipelined requests */
    qtest_send_bytes(qs, "inb 0x80\0x\n", 11);
    tap_ok(reply_fails(qtest_read_reply(qs), "NUL"), "a NUL byte in a request gets FAIL");
    qtest_send_bytes(qs, "inb 0x511\r\n", 11);
    tap_ok(reply_is(qtest_read_reply(qs), "OK 0x5a"), "CRLF line endings are accepted");
    qtest_send_bytes(qs, "outb 0x510 0x21\ninb 0x510\nbogus\ninb 0x510\n", 42);
    {
        char *r1 = qtest_read_reply(qs), *r2 = qtest_read_reply(qs);
        char *r3 = qtest_read_reply(qs), *r4 = qtest_read_reply(qs);

        tap_ok(r1 && r2 && r3 && r4 && !strcmp(r1, "OK") && !strcmp(r2, "OK 0x21") &&
                   !strncmp(r3, "FAIL", 4) && !strcmp(r4, "OK 0x21"),
               "pipelined requests get one reply each, in order");
        free(r1);
        free(r2);
        free(r3);
        free(r4);
    }

    /* a line longer than any valid request is discarded */
    {
        size_t n = 40u << 20;
        char *big = malloc(n + 1);

        memset(big, 'x', n);
        big[n] = '\n';
        qtest_send_bytes(qs, big, n + 1);
        free(big);
        tap_ok(reply_fails(qtest_read_reply(qs), "too long"), "a 40 MiB line gets FAIL");
        tap_ok(qtest_inb(qs, PIO_BASE + 1) == 0x5a, "... and the server carries on");
    }

    /* random requests: every one gets exactly one OK/FAIL reply */
    {
        static const char *const words[] = {
            "outb",
            "inw",
            "writel",
            "readq",
            "read",
            "write",
            "b64read",
            "b64write",
            "memset",
            "clock_step",
            "clock_set",
            "irq_intercept_in",
            "irq_intercept_out",
            "set_irq_in",
            "tdev",
            "aux0",
            "0",
            "1",
            "0x511",
            "0x100010",
            "0xffffffffffffffff",
            "-1",
            "0x",
            "zz",
            "==",
            "AAAA",
            "0x10000000",
            "100",
            "unnamed-gpio-in",
            "endianness",
        };
        unsigned seed = 12345;
        int good = 1;

        for (int i = 0; i < 3000 && good; i++) {
            char line[256] = "";
            int nw = (int)(rand_r(&seed) % 6);
            char *r;

            for (int k = 0; k <= nw; k++) {
                strcat(line, words[rand_r(&seed) % (sizeof(words) / sizeof(words[0]))]);
                strcat(line, k < nw ? " " : "");
            }
            r = qtest_raw(qs, "%s", line);
            if (!r || (strncmp(r, "OK", 2) != 0 && strncmp(r, "FAIL ", 5) != 0)) {
                tap_diag("'%s' -> '%s'", line, r ? r : "(none)");
                good = 0;
            }
            free(r);
        }
        tap_ok(good, "3000 random requests each get one OK/FAIL reply");
    }
    now = DEV_READ(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
    tap_ok(qtest_connected(qs) && qtest_clock_step(qs, 0) == now, "the server is still alive");
}

static void test_not_qtest_clock(QTestState *qs)
{
    bql_lock();
    qemu_clock_set_qtest_mode(false);
    bql_unlock();
    tap_ok(reply_fails(qtest_raw(qs, "clock_step 10"), "-accel qtest"),
           "clock commands fail when the clock is not in qtest mode");
    bql_lock();
    qemu_clock_set_qtest_mode(true);
    bql_unlock();
}

/* ---- In-process ---- */

static void test_inproc(void)
{
    QTestState *qs;
    int64_t t0;

    bql_lock();
    qs = qtest_inproc_start();
    if (!tap_ok(qs != NULL, "in-process session starts")) {
        bql_unlock();
        return;
    }
    tap_ok(qtest_inproc_start() == NULL, "only one server per process");
    qtest_outb(qs, PIO_BASE, 0x77);
    tap_ok(qtest_inb(qs, PIO_BASE) == 0x77 && tdev->ports[0] == 0x77,
           "in-process: the same client code reaches the device");
    tap_ok(qtest_irq_intercept_out(qs, "tdev"), "in-process: intercept the irq again");
    t0 = qtest_clock_step(qs, 0);
    qtest_writel(qs, MMIO_BASE + 0x10, 0);
    qtest_outl(qs, PIO_BASE + 4, 250);
    tap_ok(qtest_clock_step_next(qs) == t0 + 250 && tdev->fired_at == t0 + 250 &&
               qtest_get_irq(qs, 0),
           "in-process: clock_step runs the timer, its IRQ event arrives");
    tap_ok(reply_fails(qtest_raw(qs, "nonsense"), "Unknown"), "in-process: FAIL on garbage");
    tap_ok(qtest_errors(qs) == 0, "in-process: no unexpected errors");
    tap_ok(qtest_quit(qs) == 0, "in-process: quit");
    qs = qtest_inproc_start();
    tap_ok(qs != NULL && qtest_readb(qs, ROM_BASE) == 0xa5,
           "quit stopped the server: a new session starts");
    qtest_quit(qs);
    bql_unlock();
}

/* ---- Spawning: this program stands in for the emulator ---- */

/*
 * Run as "test-qtest -qtest SPEC -accel qtest [-qtest-log F] [-exit-code N]
 * [-die-early]", this program is a miniature emulator: the test machine,
 * the qtest server on SPEC, the main loop until the client leaves. That lets
 * libqtest's qtest_start()/qtest_quit() be tested before the real
 * tern-system-x86_64 exists, with the same arguments it will get.
 */
static int stub_main(int argc, char **argv)
{
    const char *spec = NULL, *log = NULL;
    bool accel = false;
    int code = 0;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-qtest") && i + 1 < argc) {
            spec = argv[++i];
        } else if (!strcmp(argv[i], "-accel") && i + 1 < argc) {
            accel = !strcmp(argv[++i], "qtest");
        } else if (!strcmp(argv[i], "-qtest-log") && i + 1 < argc) {
            log = argv[++i];
        } else if (!strcmp(argv[i], "-exit-code") && i + 1 < argc) {
            code = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "-die-early")) {
            return 2;
        } else {
            fprintf(stderr, "stub: unknown option '%s'\n", argv[i]);
            return 1;
        }
    }
    if (!spec || !accel) {
        fprintf(stderr, "stub: needs -qtest SPEC -accel qtest\n");
        return 1;
    }
    qemu_init_main_loop(&error_fatal);
    bql_lock();
    qtest_accel_init(&error_fatal);
    build_machine();
    if (log) {
        qtest_server_set_log(log, &error_fatal);
    }
    qtest_server_init(spec, &error_fatal);
    while (!main_loop_should_exit()) {
        main_loop_wait(false);
    }
    qtest_server_cleanup();
    bql_unlock();
    return code;
}

static void test_spawn(void)
{
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    QTestState *qs;
    int64_t t;
    pid_t pid;

    if (!tap_ok(n > 0, "find this program to spawn it as the emulator")) {
        return;
    }
    self[n] = '\0';
    setenv("QTEST_TERN_BINARY", self, 1);

    qs = qtest_start("");
    if (!tap_ok(qs != NULL, "qtest_start spawns the emulator and connects")) {
        return;
    }
    pid = qtest_pid(qs);
    qtest_outb(qs, PIO_BASE + 3, 0x99);
    tap_ok(pid > 0 && qtest_inb(qs, PIO_BASE + 3) == 0x99, "spawned: port access works");
    qtest_outl(qs, PIO_BASE + 4, 777);
    t = qtest_clock_step_next(qs);
    tap_ok(t == 777 && qtest_inb(qs, PIO_BASE + 4) == 1, "spawned: clock_step runs its timer");
    tap_ok(qtest_errors(qs) == 0, "spawned: no errors");
    tap_ok(qtest_quit(qs) == 0, "qtest_quit: the emulator exits by itself, status 0");
    tap_ok(kill(pid, 0) < 0 && errno == ESRCH, "... and is gone (reaped)");

    qs = qtest_start("-exit-code 3");
    tap_ok(qs && qtest_quit(qs) == 3, "qtest_quit returns the emulator's exit status");

    qs = qtest_start("-die-early");
    tap_ok(qs == NULL, "an emulator that exits before connecting: qtest_start fails");
    qtest_quit(qs);

    qs = qtest_start("");
    if (!tap_ok(qs != NULL, "start another")) {
        return;
    }
    kill(qtest_pid(qs), SIGKILL);
    tap_ok(qtest_inb(qs, PIO_BASE) == 0xff && !qtest_connected(qs) && qtest_errors(qs) == 1,
           "a killed emulator: the request fails (all-ones), the client notices");
    tap_ok(qtest_readl(qs, RAM_BASE) == 0xffffffff && qtest_errors(qs) == 2,
           "later requests fail at once");
    tap_ok(qtest_quit(qs) == -1, "qtest_quit reports the death by signal");
}

/* ---- main ---- */

static int listen_unix(const char *path)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
    unlink(path);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 1) < 0) {
        return -1;
    }
    return fd;
}

static bool file_contains(const char *path, const char *needle)
{
    FILE *f = fopen(path, "r");
    char line[512];
    bool found = false;

    while (f && !found && fgets(line, sizeof(line), f)) {
        found = strstr(line, needle) != NULL;
    }
    if (f) {
        fclose(f);
    }
    return found;
}

int main(int argc, char **argv)
{
    struct pollfd pfd;
    pthread_t th;
    QTestState *qs;
    int lfd, fd = -1;

    if (argc > 1) {
        return stub_main(argc, argv);
    }
    snprintf(sock_path, sizeof(sock_path), "/tmp/test-qtest-%d.sock", (int)getpid());
    snprintf(log_path, sizeof(log_path), "/tmp/test-qtest-%d.log", (int)getpid());
    lfd = listen_unix(sock_path);
    if (!tap_ok(lfd >= 0, "listen on %s", sock_path)) {
        return tap_done();
    }
    pthread_create(&th, NULL, server_thread, NULL);
    pfd = (struct pollfd){ .fd = lfd, .events = POLLIN };
    if (poll(&pfd, 1, 10000) > 0) {
        fd = accept(lfd, NULL, NULL);
    }
    close(lfd);
    unlink(sock_path);
    if (!tap_ok(fd >= 0, "the server connects to the client's socket")) {
        return tap_done();
    }
    qs = qtest_new_fd(fd);
    qtest_set_timeout(qs, 20000);

    test_pio(qs);
    test_mem(qs);
    test_clock(qs);
    test_irq(qs);
    test_garbage(qs);
    test_not_qtest_clock(qs);
    tap_ok(qtest_errors(qs) == 0, "no unexpected request failures (%d; last: %s)", qtest_errors(qs),
           qtest_last_error(qs) ? qtest_last_error(qs) : "none");

    tap_ok(qtest_quit(qs) == 0, "qtest_quit");
    for (int i = 0; i < 500 && !server_exited; i++) {
        usleep(10000);
    }
    tap_ok(server_exited, "the client's disconnection makes the server's main loop exit");
    if (server_exited) {
        pthread_join(th, NULL);
    }
    tap_ok(file_contains(log_path, "] outb 0x511 0x5a") && file_contains(log_path, "] OK 0x5a") &&
               file_contains(log_path, "] OPENED"),
           "the protocol log records requests, replies and events");
    unlink(log_path);

    if (server_exited) {
        test_inproc();
    }
    qemu_free_irq(board_line); /* intercepted: nothing points to it any more */
    test_spawn();
    return tap_done();
}
