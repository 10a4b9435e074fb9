/*
 * The small ISA devices through their ports: the debug console (bytes to
 * a recording chardev, the readback value, a -device style instance on
 * 0xe9), port 0x80 (a sink reading 0xff, and no longer "unassigned"), and
 * isa-debug-exit (the machine hook gets (v << 1) | 1 for byte, word and
 * dword writes anywhere in its range, nothing outside it; -device options).
 */
#include <string.h>

#include "chardev/char-fe.h"
#include "chardev/char.h"
#include "hw/char/debugcon.h"
#include "hw/core/qdev-properties.h"
#include "hw/misc/isa-debug-exit.h"
#include "hw/misc/port80.h"
#include "isa-test.h"
#include "tap.h"

/* ---- the machine's exit hook, as the machine would provide it ---- */

static int exit_calls;
static int exit_status;

void qemu_system_exit_request(int status)
{
    exit_calls++;
    exit_status = status;
}

/* ---- a backend that records output ---- */

static char out_buf[256];
static int out_len;

static bool rec_open(Chardev *chr, ChardevOpts *opts, bool *be_opened, Error **errp)
{
    return true;
}

static int rec_write(Chardev *chr, const uint8_t *buf, int len)
{
    if (len > (int)sizeof(out_buf) - out_len) {
        len = (int)sizeof(out_buf) - out_len;
    }
    memcpy(out_buf + out_len, buf, len);
    out_len += len;
    return len;
}

static const ChardevClass rec_class = {
    .name = "recorder",
    .instance_size = sizeof(Chardev),
    .open = rec_open,
    .chr_write = rec_write,
};

static void test_debugcon(void)
{
    Chardev *chr = qemu_chr_new_from_opts("recorder,id=dbg", &error_abort);
    DeviceState *dev;
    const char *msg = "SeaBIOS\n";

    isa_debugcon_create(isa_test_bus, 0x402, chr);
    for (const char *p = msg; *p; p++) {
        outb(0x402, *p);
    }
    tap_ok(out_len == 8 && !memcmp(out_buf, msg, 8), "debugcon: bytes reach the chardev");
    tap_ok(inb(0x402) == 0xe9, "debugcon: reads return 0xe9");

    qemu_chr_new_from_opts("recorder,id=dbg2", &error_abort);
    dev = qdev_new_from_options("isa-debugcon,iobase=0xe9,chardev=dbg2,readback=0x42", NULL,
                                &error_abort);
    tap_ok(isa_realize((ISADevice *)dev, isa_test_bus, &error_abort), "debugcon: -device form");
    out_len = 0;
    outb(0xe9, 'x');
    tap_ok(out_len == 1 && out_buf[0] == 'x', "debugcon on 0xe9 writes to its chardev");
    tap_ok(inb(0xe9) == 0x42, "debugcon: readback property");
}

static void test_port80(void)
{
    MemTxResult r;

    r = address_space_write(&address_space_io, 0x80, MEMTXATTRS_UNSPECIFIED, "\x55", 1);
    tap_ok(r == MEMTX_DECODE_ERROR, "port 0x80 unassigned before the device");
    port80_create(isa_test_bus);
    r = address_space_write(&address_space_io, 0x80, MEMTXATTRS_UNSPECIFIED, "\x55", 1);
    tap_ok(r == MEMTX_OK, "port 0x80 decoded by the device");
    tap_ok(inb(0x80) == 0xff, "port 0x80 reads 0xff");
}

static void test_debug_exit(void)
{
    DeviceState *dev;
    Error *err = NULL;

    isa_debug_exit_create(isa_test_bus, 0x501, 2);
    outb(0x501, 0x10);
    tap_ok(exit_calls == 1 && exit_status == 0x21, "outb 0x10: exit status 0x21 (got %#x)",
           exit_status);
    outb(0x501, 0);
    tap_ok(exit_calls == 2 && exit_status == 1, "outb 0: exit status 1");
    outb(0x502, 0x03);
    tap_ok(exit_calls == 3 && exit_status == 7, "second port of iosize 2");
    outw(0x501, 0x1234);
    tap_ok(exit_calls == 4 && exit_status == 0x2469, "outw 0x1234: 0x2469 (got %#x)", exit_status);
    outb(0x503, 1);
    tap_ok(exit_calls == 4, "outside the range: no exit");

    dev = qdev_new_from_options("isa-debug-exit,iobase=0xf4,iosize=4", NULL, &error_abort);
    isa_realize((ISADevice *)dev, isa_test_bus, &error_abort);
    address_space_stl(&address_space_io, 0xf4, 0x100, MEMTXATTRS_UNSPECIFIED, NULL);
    tap_ok(exit_calls == 5 && exit_status == 0x201, "-device iobase=0xf4,iosize=4, outl");
    outb(0xf7, 2);
    tap_ok(exit_calls == 6 && exit_status == 5, "last byte of a 4-port range");

    dev = qdev_new_from_options("isa-debug-exit,iobase=0x600,iosize=3", NULL, &error_abort);
    tap_ok(!isa_realize((ISADevice *)dev, isa_test_bus, &err) && err, "iosize 3 refused");
    error_free(err);
    qdev_delete(dev);
}

int main(void)
{
    isa_test_init(true);
    qemu_chr_register_class(&rec_class);
    test_debugcon();
    test_port80();
    test_debug_exit();
    isa_test_finish();
    return tap_done();
}
