/*
 * test-pci: the PC's PCI configuration space through 0xcf8/0xcfc, driven
 * over qtest against the real machine: the device IDs at their slots, BAR
 * sizing of the VGA's BAR0/BAR2 and the IDE's BAR4, and a BAR decoding
 * only once the command register enables it.
 */
#include "hw-common.h"

#define LFB_ADDR 0xe0000000u
#define MMIO_ADDR 0xe1000000u

/* Size a BAR the way firmware does: write all-ones, read, restore. */
static uint32_t bar_probe(QTestState *s, int dev, int fn, int bar)
{
    int off = 0x10 + 4 * bar;
    uint32_t old = hw_pci_readl(s, dev, fn, off);
    uint32_t v;

    hw_pci_writel(s, dev, fn, off, 0xffffffff);
    v = hw_pci_readl(s, dev, fn, off);
    hw_pci_writel(s, dev, fn, off, old);
    return v;
}

static void test_ids(QTestState *s)
{
    uint32_t v;

    v = hw_pci_readl(s, 0, 0, 0);
    tap_ok(v == 0x12378086, "00.0 host bridge 8086:1237 (%#x)", v);
    v = hw_pci_readl(s, 1, 0, 0);
    tap_ok(v == 0x70008086, "01.0 ISA bridge 8086:7000 (%#x)", v);
    v = hw_pci_readl(s, 1, 1, 0);
    tap_ok(v == 0x70108086, "01.1 IDE 8086:7010 (%#x)", v);
    v = hw_pci_readl(s, 2, 0, 0);
    tap_ok(v == 0x11111234, "02.0 VGA 1234:1111 (%#x)", v);
    tap_ok(hw_pci_readw(s, 0, 0, 2) == 0x1237 && hw_pci_readb(s, 0, 0, 1) == 0x80,
           "word and byte reads at offsets inside the dword");
    v = hw_pci_readl(s, 0, 0, 8) >> 8;
    tap_ok(v == 0x060000, "host bridge class 0600 (%#x)", v);
    v = hw_pci_readl(s, 1, 0, 8) >> 8;
    tap_ok(v == 0x060100, "ISA bridge class 0601 (%#x)", v);
    v = hw_pci_readl(s, 1, 1, 8) >> 8;
    tap_ok(v == 0x010180, "IDE class 0101, prog-if 80 (%#x)", v);
    v = hw_pci_readl(s, 2, 0, 8) >> 8;
    tap_ok(v == 0x030000, "VGA class 0300 (%#x)", v);
    tap_ok(hw_pci_readb(s, 1, 0, 0x0e) & 0x80, "PIIX3 is multi-function");
    v = hw_pci_readl(s, 5, 0, 0);
    tap_ok(v == 0xffffffff, "empty slot 05.0 reads all-ones (%#x)", v);
    qtest_outl(s, 0xcf8, 0x80001234);
    tap_ok(qtest_inl(s, 0xcf8) == 0x80001234, "0xcf8 reads back the address");
}

static void test_bars(QTestState *s)
{
    uint32_t v;

    v = bar_probe(s, 2, 0, 0);
    tap_ok(v == (0xff000000u | 0x8), "VGA BAR0: 16 MiB prefetchable memory (%#x)", v);
    v = bar_probe(s, 2, 0, 2);
    tap_ok(v == 0xfffff000u, "VGA BAR2: 4 KiB memory (%#x)", v);
    v = bar_probe(s, 1, 1, 4);
    tap_ok(v == 0xfffffff1u, "IDE BAR4: 16 bytes of I/O (%#x)", v);
    v = bar_probe(s, 1, 1, 0);
    tap_ok(v == 0, "IDE BAR0 unimplemented in legacy mode (%#x)", v);
}

static void test_decode(QTestState *s)
{
    uint16_t cmd;
    uint32_t got;

    hw_pci_writel(s, 2, 0, 0x10, LFB_ADDR);
    hw_pci_writel(s, 2, 0, 0x18, MMIO_ADDR);
    tap_ok(hw_pci_readl(s, 2, 0, 0x10) == (LFB_ADDR | 8), "BAR0 takes the address");
    cmd = hw_pci_readw(s, 2, 0, 4);
    hw_pci_writew(s, 2, 0, 4, cmd & ~2);
    qtest_writel(s, LFB_ADDR + 0x100, 0x12345678);
    got = qtest_readl(s, LFB_ADDR + 0x100);
    tap_ok(got == 0xffffffff, "memory decode off: the BAR is not mapped (%#x)", got);
    hw_pci_writew(s, 2, 0, 4, cmd | 2);
    qtest_writel(s, LFB_ADDR + 0x100, 0x12345678);
    got = qtest_readl(s, LFB_ADDR + 0x100);
    tap_ok(got == 0x12345678, "memory decode on: LFB write reads back (%#x)", got);
    got = qtest_readw(s, MMIO_ADDR + 0x500);
    tap_ok(got == 0xb0c5, "BAR2 MMIO at 0x500 gives the VBE ID (%#x)", got);
    hw_pci_writel(s, 2, 0, 0x10, LFB_ADDR + 0x02000000);
    got = qtest_readl(s, LFB_ADDR + 0x02000000 + 0x100);
    tap_ok(got == 0x12345678, "moving BAR0 moves the framebuffer (%#x)", got);
    got = qtest_readl(s, LFB_ADDR + 0x100);
    tap_ok(got == 0xffffffff, "the old address is unmapped (%#x)", got);
    hw_pci_writew(s, 2, 0, 4, cmd & ~2);
    got = qtest_readl(s, LFB_ADDR + 0x02000000 + 0x100);
    tap_ok(got == 0xffffffff, "decode off again unmaps it (%#x)", got);
}

int main(void)
{
    QTestState *s = hw_start(NULL);

    test_ids(s);
    test_bars(s);
    test_decode(s);
    hw_finish(s);
    return tap_done();
}
