/*
 * test-vga: the PC's std VGA (PCI 1234:1111) over qtest: sequencer,
 * graphics controller, CRTC and attribute registers through their index
 * and data ports, the DAC palette round trip, the Bochs VBE interface
 * (ID, mode set, capabilities) and the linear framebuffer behind BAR0.
 */
#include "hw-common.h"

#define LFB_ADDR 0xe0000000u

static uint8_t idx_read(QTestState *s, uint16_t port, uint8_t idx)
{
    qtest_outb(s, port, idx);
    return qtest_inb(s, port + 1);
}

static void idx_write(QTestState *s, uint16_t port, uint8_t idx, uint8_t v)
{
    qtest_outb(s, port, idx);
    qtest_outb(s, port + 1, v);
}

static uint16_t vbe_read(QTestState *s, uint16_t idx)
{
    qtest_outw(s, 0x1ce, idx);
    return qtest_inw(s, 0x1cf);
}

static void vbe_write(QTestState *s, uint16_t idx, uint16_t v)
{
    qtest_outw(s, 0x1ce, idx);
    qtest_outw(s, 0x1cf, v);
}

static void test_registers(QTestState *s)
{
    uint8_t v;

    qtest_outb(s, 0x3c2, 0x67); /* colour: CRTC at 0x3d4 */
    tap_ok(qtest_inb(s, 0x3cc) == 0x67, "misc output reads back at 0x3cc");
    idx_write(s, 0x3c4, 0x02, 0x0f);
    idx_write(s, 0x3c4, 0x04, 0x06);
    tap_ok(idx_read(s, 0x3c4, 0x02) == 0x0f && idx_read(s, 0x3c4, 0x04) == 0x06,
           "sequencer map mask and memory mode");
    tap_ok(qtest_inb(s, 0x3c4) == 0x04, "sequencer index reads back");
    idx_write(s, 0x3ce, 0x05, 0x40);
    idx_write(s, 0x3ce, 0x06, 0x05);
    idx_write(s, 0x3ce, 0x08, 0x5a);
    tap_ok(idx_read(s, 0x3ce, 0x05) == 0x40 && idx_read(s, 0x3ce, 0x06) == 0x05 &&
               idx_read(s, 0x3ce, 0x08) == 0x5a,
           "graphics controller mode, misc, bit mask");
    idx_write(s, 0x3d4, 0x11, 0x00); /* unprotect 0-7 */
    idx_write(s, 0x3d4, 0x01, 0x4f);
    idx_write(s, 0x3d4, 0x0c, 0x12);
    idx_write(s, 0x3d4, 0x0d, 0x34);
    tap_ok(idx_read(s, 0x3d4, 0x01) == 0x4f && idx_read(s, 0x3d4, 0x0c) == 0x12 &&
               idx_read(s, 0x3d4, 0x0d) == 0x34,
           "CRTC horizontal display end and start address");
    idx_write(s, 0x3d4, 0x11, 0x80); /* protect 0-7 */
    idx_write(s, 0x3d4, 0x01, 0x27);
    v = idx_read(s, 0x3d4, 0x01);
    tap_ok(v == 0x4f, "CRTC register 1 write-protected by CR11 bit 7 (%#x)", v);
    idx_write(s, 0x3d4, 0x11, 0x00);
    qtest_outb(s, 0x3c2, 0x66); /* mono: CRTC at 0x3b4 */
    tap_ok(idx_read(s, 0x3b4, 0x0c) == 0x12, "mono mode: the CRTC answers at 0x3b4");
    qtest_outb(s, 0x3c2, 0x67);

    qtest_inb(s, 0x3da); /* attribute flip-flop to index */
    qtest_outb(s, 0x3c0, 0x01);
    qtest_outb(s, 0x3c0, 0x2a);
    qtest_outb(s, 0x3c0, 0x10);
    qtest_outb(s, 0x3c0, 0x01);
    qtest_inb(s, 0x3da);
    qtest_outb(s, 0x3c0, 0x01 | 0x20); /* index 1, palette address source on */
    v = qtest_inb(s, 0x3c1);
    tap_ok(v == 0x2a, "attribute palette register 1 reads back (%#x)", v);
    qtest_inb(s, 0x3da);
    qtest_outb(s, 0x3c0, 0x30);
    tap_ok(qtest_inb(s, 0x3c1) == 0x01, "attribute mode control reads back");
    tap_ok((qtest_inb(s, 0x3c0) & 0x3f) == 0x30, "attribute index with PAS reads at 0x3c0");
}

static void test_dac(QTestState *s)
{
    bool same = true;

    qtest_outb(s, 0x3c8, 0x10);
    for (int i = 0; i < 8 * 3; i++) {
        qtest_outb(s, 0x3c9, (uint8_t)((i * 5 + 1) & 0x3f));
    }
    qtest_outb(s, 0x3c7, 0x10);
    for (int i = 0; i < 8 * 3; i++) {
        same &= qtest_inb(s, 0x3c9) == ((i * 5 + 1) & 0x3f);
    }
    tap_ok(same, "DAC: 8 palette entries round trip, index auto-increments");
    tap_ok(qtest_inb(s, 0x3c8) == 0x18, "write index advanced past them (%#x)", qtest_inb(s, 0x3c8));
    qtest_outb(s, 0x3c6, 0xff);
    tap_ok(qtest_inb(s, 0x3c6) == 0xff, "pixel mask");
}

static void test_vbe(QTestState *s)
{
    uint32_t got;
    uint16_t cmd;

    tap_ok(vbe_read(s, 0) == 0xb0c5, "VBE ID 0xb0c5 (%#x)", vbe_read(s, 0));
    tap_ok(vbe_read(s, 0x0a) == 256, "VBE video memory: 256 x 64 KiB (%u)", vbe_read(s, 0x0a));
    vbe_write(s, 4, 0);
    vbe_write(s, 1, 640);
    vbe_write(s, 2, 480);
    vbe_write(s, 3, 32);
    vbe_write(s, 4, 0x41); /* enabled, LFB */
    tap_ok(vbe_read(s, 1) == 640 && vbe_read(s, 2) == 480 && vbe_read(s, 3) == 32,
           "mode 640x480x32 set");
    tap_ok((vbe_read(s, 4) & 0x01) == 0x01, "VBE enabled");
    tap_ok(vbe_read(s, 6) == 640 && vbe_read(s, 7) >= 480, "virtual size %ux%u", vbe_read(s, 6),
           vbe_read(s, 7));

    hw_pci_writel(s, 2, 0, 0x10, LFB_ADDR);
    cmd = hw_pci_readw(s, 2, 0, 0x04);
    hw_pci_writew(s, 2, 0, 0x04, cmd | 0x02);
    qtest_writel(s, LFB_ADDR, 0x00ff8040);
    qtest_writel(s, LFB_ADDR + (479 * 640 + 639) * 4, 0xdeadbeef);
    got = qtest_readl(s, LFB_ADDR);
    tap_ok(got == 0x00ff8040, "LFB: first pixel reads back (%#x)", got);
    got = qtest_readl(s, LFB_ADDR + (479 * 640 + 639) * 4);
    tap_ok(got == 0xdeadbeef, "LFB: last pixel of 640x480 reads back (%#x)", got);
    vbe_write(s, 5, 0); /* bank 0 of the legacy window */
    qtest_writel(s, LFB_ADDR + 0x100, 0x11223344);
    idx_write(s, 0x3ce, 0x06, 0x05); /* A0000, 64 KiB, graphics */
    got = qtest_readl(s, 0xa0100);
    tap_ok(got == 0x11223344, "the banked window at 0xa0000 shows the same memory (%#x)", got);
    vbe_write(s, 4, 0);
    tap_ok(!(vbe_read(s, 4) & 1), "VBE disabled again");
}

int main(void)
{
    QTestState *s = hw_start(NULL);

    test_registers(s);
    test_dac(s);
    test_vbe(s);
    hw_finish(s);
    return tap_done();
}
