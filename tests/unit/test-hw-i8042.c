/*
 * The i8042 with its PS/2 keyboard and mouse, through ports 60h/64h:
 * controller self-test and interface tests, the command byte, keyboard
 * reset/identify/echo/LEDs/scancode sets with and without translation,
 * typematic repeat on the virtual clock, keyboard disable, mouse reset,
 * stream packets, IntelliMouse detection, status request, IRQ 1 and 12,
 * the A20 and reset outputs, and a vmstate round trip.
 */
#include <stdlib.h>
#include <string.h>

#include "hw/input/i8042.h"
#include "isa-test.h"
#include "tap.h"

static DeviceState *kbc;
static PS2KbdState *kbd;
static PS2MouseState *mouse;
static int a20_level = -1;
static int reset_pulses;

static void a20_handler(void *opaque, int n, int level)
{
    a20_level = level;
}

static void reset_handler(void *opaque, int n, int level)
{
    if (level) {
        reset_pulses++;
    }
}

static bool obf(void)
{
    return inb(0x64) & 0x01;
}

/* Read every byte waiting in the output buffer (at most max). */
static int drain(uint8_t *buf, int max)
{
    int n = 0;

    while (obf() && n < max) {
        buf[n++] = inb(0x60);
    }
    while (obf()) {
        inb(0x60);
    }
    return n;
}

static bool expect(const char *what, const uint8_t *want, int nwant)
{
    uint8_t got[64];
    int n = drain(got, 64);
    bool ok = n == nwant && memcmp(got, want, (size_t)n) == 0;

    if (!ok) {
        char line[256];
        int p = 0;

        for (int i = 0; i < n && p < 240; i++) {
            p += snprintf(line + p, sizeof(line) - (size_t)p, " %02x", got[i]);
        }
        line[p] = 0;
        tap_diag("%s: got%s", what, n ? line : " nothing");
    }
    return ok;
}

static void ctrl_cmd(uint8_t c)
{
    outb(0x64, c);
}

static void ctrl_cmd_data(uint8_t c, uint8_t d)
{
    outb(0x64, c);
    outb(0x60, d);
}

static void test_controller(void)
{
    uint8_t b;

    tap_ok((inb(0x64) & 0x15) == 0x14, "status after reset: unlocked, system flag, empty (%#x)",
           inb(0x64));
    ctrl_cmd(0x20);
    tap_ok(obf() && inb(0x60) == 0x45, "command byte 45h (translate, sys, kbd irq)");
    ctrl_cmd(0xaa);
    b = inb(0x64);
    tap_ok((b & 0x21) == 0x01 && isa_test_irq_level[1], "self-test reply on the keyboard side");
    tap_ok(inb(0x60) == 0x55 && !isa_test_irq_level[1], "self-test passes (55h); IRQ1 drops");
    ctrl_cmd(0xab);
    tap_ok(inb(0x60) == 0x00, "keyboard interface test 00h");
    ctrl_cmd(0xa9);
    tap_ok(inb(0x60) == 0x00, "aux interface test 00h");
    ctrl_cmd_data(0x7f, 0x5a); /* RAM byte 1Fh */
    ctrl_cmd(0x3f);
    tap_ok(inb(0x60) == 0x5a, "internal RAM write/read");
    tap_ok(inb(0x64) & 0x08, "status: the last write was a command");
}

static void test_keyboard(void)
{
    int raises = isa_test_irq_raises[1];

    outb(0x60, 0xff);
    tap_ok(expect("reset", (const uint8_t[]){ 0xfa, 0xaa }, 2), "keyboard reset: FA AA");
    tap_ok(isa_test_irq_raises[1] == raises + 2, "an IRQ1 per byte");

    outb(0x60, 0xf2);
    tap_ok(expect("id xlat", (const uint8_t[]){ 0xfa, 0xab, 0x41 }, 3),
           "identify with translation: FA AB 41");
    ctrl_cmd_data(0x60, 0x05); /* no translation */
    outb(0x60, 0xf2);
    tap_ok(expect("id", (const uint8_t[]){ 0xfa, 0xab, 0x83 }, 3), "identify raw: FA AB 83");

    outb(0x60, 0xee);
    tap_ok(expect("echo", (const uint8_t[]){ 0xee }, 1), "echo");
    outb(0x60, 0xed);
    outb(0x60, 0x07);
    tap_ok(expect("leds", (const uint8_t[]){ 0xfa, 0xfa }, 2) && kbd->leds == 7, "set LEDs");

    /* set 2 without translation */
    ps2_keyboard_put_keycode(kbd, 0x1e);
    ps2_keyboard_put_keycode(kbd, 0x9e);
    tap_ok(expect("A set2", (const uint8_t[]){ 0x1c, 0xf0, 0x1c }, 3), "key A in set 2: 1C F0 1C");
    ps2_keyboard_put_keycode(kbd, 0xe0);
    ps2_keyboard_put_keycode(kbd, 0x48);
    ps2_keyboard_put_keycode(kbd, 0xe0);
    ps2_keyboard_put_keycode(kbd, 0xc8);
    tap_ok(expect("up set2", (const uint8_t[]){ 0xe0, 0x75, 0xe0, 0xf0, 0x75 }, 5),
           "cursor up in set 2: E0 75 E0 F0 75");

    /* translation back to set 1 by the controller */
    ctrl_cmd_data(0x60, 0x45);
    ps2_keyboard_put_keycode(kbd, 0x1e);
    ps2_keyboard_put_keycode(kbd, 0x9e);
    ps2_keyboard_put_keycode(kbd, 0xe0);
    ps2_keyboard_put_keycode(kbd, 0x48);
    ps2_keyboard_put_keycode(kbd, 0xe0);
    ps2_keyboard_put_keycode(kbd, 0xc8);
    tap_ok(expect("xlat", (const uint8_t[]){ 0x1e, 0x9e, 0xe0, 0x48, 0xe0, 0xc8 }, 6),
           "translated: 1E 9E E0 48 E0 C8");

    /* scancode set 1 from the keyboard itself */
    ctrl_cmd_data(0x60, 0x05);
    outb(0x60, 0xf0);
    outb(0x60, 0x01);
    outb(0x60, 0xf0);
    outb(0x60, 0x00);
    tap_ok(expect("set1", (const uint8_t[]){ 0xfa, 0xfa, 0xfa, 0xfa, 0x01 }, 5),
           "select scancode set 1, query reports 1");
    ps2_keyboard_put_keycode(kbd, 0x10);
    ps2_keyboard_put_keycode(kbd, 0x90);
    tap_ok(expect("Q set1", (const uint8_t[]){ 0x10, 0x90 }, 2), "key Q in set 1: 10 90");
    outb(0x60, 0xf0);
    outb(0x60, 0x02);
    drain((uint8_t[8]){ 0 }, 8);
    ctrl_cmd_data(0x60, 0x45);

    /* disabled keyboard interface holds the data back */
    ctrl_cmd(0xad);
    ps2_keyboard_put_keycode(kbd, 0x1e);
    tap_ok(!obf(), "keyboard disabled (ADh): no data");
    ctrl_cmd(0xae);
    ps2_keyboard_put_keycode(kbd, 0x9e);
    tap_ok(expect("enabled", (const uint8_t[]){ 0x1e, 0x9e }, 2), "enabled (AEh): data flows");
}

static void test_typematic(void)
{
    uint8_t b;

    outb(0x60, 0xf3);
    outb(0x60, 0x00); /* 30 characters/s, 250 ms */
    drain((uint8_t[4]){ 0 }, 4);
    ps2_keyboard_put_keycode(kbd, 0x1f); /* S */
    tap_ok(obf() && inb(0x60) == 0x1f, "make code");
    clock_step(249 * 1000000LL);
    tap_ok(!obf(), "no repeat before the 250 ms delay");
    clock_step(2 * 1000000LL);
    tap_ok(obf() && inb(0x60) == 0x1f, "first repeat after the delay");
    clock_step(30 * 1000000LL);
    tap_ok(!obf(), "the next repeat is not due after 30 ms");
    clock_step(4 * 1000000LL);
    tap_ok(obf() && inb(0x60) == 0x1f, "repeat at ~33 ms (30/s)");
    ps2_keyboard_put_keycode(kbd, 0x9f);
    b = inb(0x60);
    clock_step(500 * 1000000LL);
    tap_ok(b == 0x9f && !obf(), "release stops the repeat");
}

static void test_mouse(void)
{
    int raises = isa_test_irq_raises[12];
    uint8_t st;

    ctrl_cmd_data(0x60, 0x47); /* both interrupts, translation */
    ctrl_cmd(0xa8);
    ctrl_cmd_data(0xd4, 0xff);
    st = inb(0x64);
    tap_ok((st & 0x21) == 0x21 && isa_test_irq_level[12] && !isa_test_irq_level[1],
           "mouse data: aux buffer full, IRQ12 (status %#x)", st);
    tap_ok(expect("mouse reset", (const uint8_t[]){ 0xfa, 0xaa, 0x00 }, 3),
           "mouse reset: FA AA 00");
    tap_ok(isa_test_irq_raises[12] == raises + 3, "an IRQ12 per byte");

    ctrl_cmd_data(0xd4, 0xf4);
    tap_ok(expect("enable", (const uint8_t[]){ 0xfa }, 1), "enable data reporting");
    ps2_mouse_event(mouse, 10, -5, 0, PS2_MOUSE_BUTTON_LEFT);
    tap_ok(expect("packet", (const uint8_t[]){ 0x09, 0x0a, 0x05 }, 3),
           "packet: left button, dx 10, dy +5 (up)");
    ps2_mouse_event(mouse, -3, 2, 0, 0);
    tap_ok(expect("neg", (const uint8_t[]){ 0x38, 0xfd, 0xfe }, 3),
           "negative motion sets the sign bits");
    ps2_mouse_event(mouse, 300, 0, 0, 0);
    tap_ok(expect("split", (const uint8_t[]){ 0x08, 0xff, 0x00, 0x08, 0x2d, 0x00 }, 6),
           "300 counts go out in two packets");

    ctrl_cmd_data(0xd4, 0xe9);
    tap_ok(expect("status", (const uint8_t[]){ 0xfa, 0x20, 0x02, 100 }, 4),
           "status request: reporting on, resolution 2, 100 samples/s");

    /* IntelliMouse: rates 200, 100, 80 then the id is 3 */
    ctrl_cmd_data(0xd4, 0xf3);
    ctrl_cmd_data(0xd4, 200);
    ctrl_cmd_data(0xd4, 0xf3);
    ctrl_cmd_data(0xd4, 100);
    ctrl_cmd_data(0xd4, 0xf3);
    ctrl_cmd_data(0xd4, 80);
    drain((uint8_t[8]){ 0 }, 8);
    ctrl_cmd_data(0xd4, 0xf2);
    tap_ok(expect("id3", (const uint8_t[]){ 0xfa, 0x03 }, 2), "IntelliMouse id 3");
    ps2_mouse_event(mouse, 1, 0, 2, 0);
    tap_ok(expect("wheel", (const uint8_t[]){ 0x08, 0x01, 0x00, 0x02 }, 4),
           "4-byte packets with the wheel");

    ctrl_cmd(0xa7);
    ps2_mouse_event(mouse, 1, 0, 0, 0);
    tap_ok(!obf(), "aux disabled (A7h): no data");
    ctrl_cmd(0xa8);
    tap_ok(expect("aux on", (const uint8_t[]){ 0x08, 0x01, 0x00, 0x00 }, 4),
           "aux enabled (A8h): the packet arrives");

    ctrl_cmd_data(0xd3, 0x77);
    st = inb(0x64);
    tap_ok((st & 0x20) && inb(0x60) == 0x77, "D3h: byte as if from the mouse");
    ctrl_cmd_data(0xd2, 0x42);
    st = inb(0x64);
    tap_ok(!(st & 0x20) && isa_test_irq_level[1] && inb(0x60) == 0x42,
           "D2h: byte as if from the keyboard (IRQ1)");
}

static void test_outputs(void)
{
    uint8_t out;

    tap_ok(a20_level == 1, "A20 enabled after reset");
    ctrl_cmd(0xd0);
    out = inb(0x60);
    tap_ok((out & 0x03) == 0x03, "output port: reset high, A20 (%#x)", out);
    ctrl_cmd_data(0xd1, out & ~0x02);
    tap_ok(a20_level == 0 && reset_pulses == 0, "writing the output port drops A20");
    ctrl_cmd(0xdf);
    tap_ok(a20_level == 1, "DFh: A20 on");
    ctrl_cmd(0xfe);
    tap_ok(reset_pulses == 1, "FEh pulses the reset line");
    ctrl_cmd(0xff);
    tap_ok(reset_pulses == 1, "FFh pulses nothing");
    ctrl_cmd_data(0xd1, 0x02);
    tap_ok(reset_pulses == 2 && a20_level == 1, "output port bit 0 low resets");
}

static void test_vmstate(void)
{
    VMStateBuffer vb;
    uint8_t want[3] = { 0x1e, 0x9e, 0x30 };

    drain((uint8_t[64]){ 0 }, 64);
    ps2_keyboard_put_keycode(kbd, 0x1e);
    ps2_keyboard_put_keycode(kbd, 0x9e);
    ps2_keyboard_put_keycode(kbd, 0x30);
    tap_ok(isa_test_save(kbc, &vb), "save with keys queued");
    device_cold_reset(kbc);
    tap_ok(!obf(), "reset empties the controller");
    tap_ok(isa_test_load(kbc, &vb), "load");
    tap_ok(expect("after load", want, 3), "the same bytes come out after load");
    clock_step(300 * 1000000LL);
    tap_ok(obf() && inb(0x60) == 0x30, "and the typematic repeat of the held key was restored");
    ps2_keyboard_put_keycode(kbd, 0xb0);
    drain((uint8_t[8]){ 0 }, 8);
    vmstate_buffer_free(&vb);
}

/* the array is ours to free (isa_test_init(true) would leak it); the
 * bus keeps the lines */
static qemu_irq *isa_lines;

int main(void)
{
    isa_test_init(false);
    isa_lines = qemu_allocate_irqs(isa_test_irq_handler, NULL, ISA_NUM_IRQS);
    isa_bus_register_input_irqs(isa_test_bus, isa_lines);
    kbc = DEVICE(isa_create_simple(isa_test_bus, TYPE_I8042));
    qdev_connect_gpio_out_named(kbc, I8042_GPIO_A20, 0, qemu_allocate_irq(a20_handler, NULL, 0));
    qdev_connect_gpio_out_named(kbc, I8042_GPIO_RESET, 0,
                                qemu_allocate_irq(reset_handler, NULL, 0));
    device_cold_reset(kbc);
    kbd = i8042_get_keyboard(kbc);
    mouse = i8042_get_mouse(kbc);

    test_controller();
    test_keyboard();
    test_typematic();
    test_mouse();
    test_outputs();
    test_vmstate();
    free(isa_lines);
    bql_unlock();
    return tap_done();
}
