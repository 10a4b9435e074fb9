/*
 * The standard VGA ("VGA", 1234:1111) through what the guest sees: PCI
 * config space and BARs, the VGA ports (sequencer, graphics controller,
 * CRTC with the protect bit and the mono/colour base, attribute flip-flop
 * and palette lock, DAC indexes, input status 1 toggling), the 0xa0000
 * window in every write mode read back through both read modes, chain-4
 * mode 13h, mode-3 text read back as text and rendered with the font, VBE
 * 640x480x32 through the LFB and the banked window, the MMIO BAR's
 * register mirrors, redraws limited to the dirty lines, PPM and PNG
 * screendumps (the PNG checked chunk by chunk: CRCs, IHDR, inflated
 * pixels), and a vmstate round trip.
 *
 * The machine: a PCI root bus decoding the system memory and I/O address
 * spaces directly, with the VGA on it; BAR0 at 0xe0000000, BAR2 at
 * 0xfebf0000. A display listener counts the rows the device reports as
 * changed.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "hw/core/qdev-properties.h"
#include "hw/display/vga-pci.h"
#include "migration/vmstate.h"
#include "tap.h"
#include "ui/console.h"
#include "util/main-loop.h"

#define LFB_BASE  0xe0000000u
#define MMIO_BASE 0xfebf0000u

static PCIBus *bus;
static PCIDevice *vga_dev;
static VGACommonState *vga;
static QemuConsole *con;
static int rows_updated;
static int switches;

/* ---- guest-side accessors ---- */

static void outb(uint16_t port, uint8_t v)
{
    address_space_stb(&address_space_io, port, v, MEMTXATTRS_UNSPECIFIED, NULL);
}
static void outw(uint16_t port, uint16_t v)
{
    address_space_stw(&address_space_io, port, v, MEMTXATTRS_UNSPECIFIED, NULL);
}
static uint8_t inb(uint16_t port)
{
    return address_space_ldub(&address_space_io, port, MEMTXATTRS_UNSPECIFIED, NULL);
}
static uint16_t inw(uint16_t port)
{
    return address_space_lduw(&address_space_io, port, MEMTXATTRS_UNSPECIFIED, NULL);
}
static uint8_t readb(hwaddr a)
{
    return address_space_ldub(&address_space_memory, a, MEMTXATTRS_UNSPECIFIED, NULL);
}
static void writeb(hwaddr a, uint8_t v)
{
    address_space_stb(&address_space_memory, a, v, MEMTXATTRS_UNSPECIFIED, NULL);
}
static uint16_t readw(hwaddr a)
{
    return address_space_lduw(&address_space_memory, a, MEMTXATTRS_UNSPECIFIED, NULL);
}
static void writew(hwaddr a, uint16_t v)
{
    address_space_stw(&address_space_memory, a, v, MEMTXATTRS_UNSPECIFIED, NULL);
}
static uint32_t readl(hwaddr a)
{
    return address_space_ldl(&address_space_memory, a, MEMTXATTRS_UNSPECIFIED, NULL);
}
static void writel(hwaddr a, uint32_t v)
{
    address_space_stl(&address_space_memory, a, v, MEMTXATTRS_UNSPECIFIED, NULL);
}

static uint32_t cfg_read(int reg, unsigned len)
{
    return pci_host_config_read_common(bus, 0, vga_dev->devfn, reg, len);
}
static void cfg_write(int reg, uint32_t val, unsigned len)
{
    pci_host_config_write_common(bus, 0, vga_dev->devfn, reg, val, len);
}

static void sr_write(int i, uint8_t v)
{
    outb(0x3c4, i);
    outb(0x3c5, v);
}
static uint8_t sr_read(int i)
{
    outb(0x3c4, i);
    return inb(0x3c5);
}
static void gr_write(int i, uint8_t v)
{
    outb(0x3ce, i);
    outb(0x3cf, v);
}
static uint8_t gr_read(int i)
{
    outb(0x3ce, i);
    return inb(0x3cf);
}
static void cr_write(int i, uint8_t v)
{
    outb(0x3d4, i);
    outb(0x3d5, v);
}
static uint8_t cr_read(int i)
{
    outb(0x3d4, i);
    return inb(0x3d5);
}
static void ar_write(int i, uint8_t v)
{
    inb(0x3da); /* flip-flop to index */
    outb(0x3c0, i);
    outb(0x3c0, v);
}
static uint8_t ar_read(int i)
{
    inb(0x3da);
    outb(0x3c0, i);
    return inb(0x3c1);
}
static void vbe_write(int i, uint16_t v)
{
    outw(0x1ce, i);
    outw(0x1cf, v);
}
static uint16_t vbe_read(int i)
{
    outw(0x1ce, i);
    return inw(0x1cf);
}
static void dac_set(int index, uint8_t r, uint8_t g, uint8_t b)
{
    outb(0x3c8, index);
    outb(0x3c9, r);
    outb(0x3c9, g);
    outb(0x3c9, b);
}

/* ---- the display listener ---- */

static void dcl_update(DisplayChangeListener *dcl, int x, int y, int w, int h)
{
    rows_updated += h;
}

static void dcl_switch(DisplayChangeListener *dcl, DisplaySurface *surface)
{
    switches++;
}

static const DisplayChangeListenerOps dcl_ops = {
    .dpy_name = "test",
    .dpy_gfx_update = dcl_update,
    .dpy_gfx_switch = dcl_switch,
};
static DisplayChangeListener dcl = { .ops = &dcl_ops };

static int update(void)
{
    rows_updated = 0;
    graphic_hw_update(con);
    return rows_updated;
}

static uint32_t pixel(int x, int y)
{
    return surface_get_pixel(qemu_console_surface(con), x, y);
}

/* ---- machine ---- */

/* Reset, then place the BARs as firmware would. */
static void machine_reset(void)
{
    qdev_reset_all_devices();
    cfg_write(PCI_BASE_ADDRESS_0, LFB_BASE, 4);
    cfg_write(PCI_BASE_ADDRESS_0 + 8, MMIO_BASE, 4);
    cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_IO, 2);
}

static void build_machine(void)
{
    Error *err = NULL;

    bql_lock();
    bus = pci_root_bus_new(NULL, "pci.0", get_system_memory(), get_system_io());
    vga_dev = pci_create_simple(bus, -1, TYPE_PCI_VGA, &err);
    if (!vga_dev) {
        error_report_err(err);
        exit(1);
    }
    vga = pci_vga_get_state(vga_dev);
    con = qemu_console_lookup_by_device(DEVICE(vga_dev));
    dcl.con = con;
    register_displaychangelistener(&dcl);
    machine_reset();
}

/* ---- tests ---- */

static void test_pci(void)
{
    uint32_t bar0;

    tap_ok(cfg_read(PCI_VENDOR_ID, 4) == 0x11111234, "PCI id 1234:1111");
    tap_ok(cfg_read(PCI_CLASS_DEVICE, 2) == PCI_CLASS_DISPLAY_VGA, "class 0300 (VGA)");
    tap_ok(cfg_read(PCI_REVISION_ID, 1) == 2, "revision 2 (extended MMIO registers)");
    cfg_write(PCI_BASE_ADDRESS_0, 0xffffffff, 4);
    bar0 = cfg_read(PCI_BASE_ADDRESS_0, 4);
    cfg_write(PCI_BASE_ADDRESS_0, LFB_BASE, 4);
    tap_ok(bar0 == (~(16u * 1024 * 1024 - 1) | PCI_BASE_ADDRESS_MEM_PREFETCH),
           "BAR0 sizes as 16 MiB prefetchable memory (%#x)", bar0);
    tap_ok(cfg_read(PCI_BASE_ADDRESS_0 + 8, 4) == MMIO_BASE, "BAR2 programmed");
    tap_ok(readl(MMIO_BASE + 0x600) == 8 && readl(MMIO_BASE + 0x604) == 0x1e1e1e1e,
           "MMIO extended registers: size 8, little-endian framebuffer");
}

static void test_registers(void)
{
    uint8_t a, b, cr1;

    sr_write(2, 0x0f);
    tap_ok(sr_read(2) == 0x0f, "sequencer map mask reads back");
    outw(0x3c4, 0x0302);
    tap_ok(sr_read(2) == 0x03, "word write sets sequencer index and data");
    sr_write(4, 0xff);
    tap_ok(sr_read(4) == 0x0e, "unimplemented sequencer bits read 0");
    sr_write(4, 0x02);
    gr_write(8, 0x5a);
    tap_ok(gr_read(8) == 0x5a, "graphics bit mask reads back");
    gr_write(8, 0xff);

    /* CRTC protect */
    cr1 = cr_read(1);
    cr_write(0x11, cr_read(0x11) | 0x80);
    cr_write(1, 0x12);
    tap_ok(cr_read(1) == cr1, "CR1 is write-protected while CR11 bit 7 is set");
    {
        uint8_t before = cr_read(7);

        cr_write(7, before ^ 0x11);
        tap_ok(cr_read(7) == (before ^ 0x10), "only CR7 bit 4 is writable under protection");
        cr_write(7, before);
    }
    cr_write(0x11, cr_read(0x11) & 0x7f);
    cr_write(1, 0x12);
    tap_ok(cr_read(1) == 0x12, "CR1 writable again without protection");
    cr_write(1, cr1);

    /* colour vs mono base */
    outb(0x3c2, inb(0x3cc) & ~1);
    tap_ok(inb(0x3d5) == 0xff, "mono: 0x3d5 no longer answers");
    outb(0x3b4, 0x0c);
    outb(0x3b5, 0x12);
    outb(0x3b4, 0x0c);
    tap_ok(inb(0x3b5) == 0x12, "mono: CRTC at 0x3b4/0x3b5");
    outb(0x3b5, 0x00);
    outb(0x3c2, inb(0x3cc) | 1);
    tap_ok(cr_read(0x0c) == 0x00, "colour: CRTC back at 0x3d4");

    /* input status 1 toggles */
    a = inb(0x3da);
    b = inb(0x3da);
    tap_ok((a ^ b) == 0x09, "input status 1: retrace and display bits toggle (%#x %#x)", a, b);

    /* attribute controller flip-flop */
    inb(0x3da);
    outb(0x3c0, 0x31); /* index 0x11 (overscan), display on */
    outb(0x3c0, 0x2a); /* data */
    tap_ok(inb(0x3c0) == 0x31, "0x3c0 reads the attribute index");
    tap_ok(ar_read(0x31) == 0x2a, "overscan register written by the data write");
    inb(0x3da);
    outb(0x3c0, 0x31);
    inb(0x3da); /* reset mid-pair: the next write is an index again */
    outb(0x3c0, 0x32);
    outb(0x3c0, 0x05);
    tap_ok(ar_read(0x31) == 0x2a && ar_read(0x32) == 0x05,
           "reading 0x3da resets the flip-flop to the index state");
    ar_write(0x32, 0x0f);
    ar_write(0x31, 0x00);
    ar_write(0x21, 0x3f); /* palette 1 with PAS set: locked */
    tap_ok(ar_read(0x21) == 0x01, "palette registers are locked while PAS is set");
    ar_write(0x01, 0x3e);
    tap_ok(ar_read(0x01) == 0x3e, "palette register written with PAS clear");
    ar_write(0x01, 0x01);
    inb(0x3da);
    outb(0x3c0, 0x20); /* display back on */

    /* DAC */
    outb(0x3c8, 0x10);
    tap_ok(inb(0x3c7) == 0x00, "DAC state: write mode after 0x3c8");
    outb(0x3c9, 0x01);
    outb(0x3c9, 0x02);
    outb(0x3c9, 0xff); /* 6-bit DAC */
    outb(0x3c9, 0x11);
    outb(0x3c9, 0x12);
    outb(0x3c9, 0x13);
    tap_ok(inb(0x3c8) == 0x12, "DAC write index advanced by two entries");
    outb(0x3c7, 0x10);
    tap_ok(inb(0x3c7) == 0x03, "DAC state: read mode after 0x3c7");
    a = inb(0x3c9);
    b = inb(0x3c9);
    {
        uint8_t c = inb(0x3c9), d = inb(0x3c9), e = inb(0x3c9), f = inb(0x3c9);

        tap_ok(a == 0x01 && b == 0x02 && c == 0x3f && d == 0x11 && e == 0x12 && f == 0x13,
               "DAC entries read back in order, masked to 6 bits");
    }
    outb(0x3c6, 0x0f);
    tap_ok(inb(0x3c6) == 0x0f, "pixel mask reads back");
    outb(0x3c6, 0xff);

    /* the MMIO BAR mirrors */
    writew(MMIO_BASE + 0x400 + 4, 0x0702); /* 0x3c4/0x3c5: SR2 = 7 */
    tap_ok(sr_read(2) == 0x07, "MMIO 0x404 word write reaches the sequencer");
    sr_write(2, 0x03);
    tap_ok(readw(MMIO_BASE + 0x500) == VBE_DISPI_ID5, "MMIO 0x500 reads the VBE ID");
    writew(MMIO_BASE + 0x500 + 2 * VBE_DISPI_INDEX_XRES, 800);
    tap_ok(vbe_read(VBE_DISPI_INDEX_XRES) == 800, "MMIO VBE write seen through the ports");
}

/* A planar (mode 12h-like) memory setup: no chain, no odd/even. */
static void planar_setup(void)
{
    sr_write(4, 0x06);
    gr_write(5, 0x00);
    gr_write(6, 0x05);
    sr_write(2, 0x0f);
    gr_write(0, 0);
    gr_write(1, 0);
    gr_write(3, 0);
    gr_write(8, 0xff);
}

static uint8_t plane_read(hwaddr a, int p)
{
    gr_write(4, p);
    return readb(0xa0000 + a);
}

static bool planes_are(hwaddr a, uint8_t p0, uint8_t p1, uint8_t p2, uint8_t p3)
{
    uint8_t v[4];

    for (int p = 0; p < 4; p++) {
        v[p] = plane_read(a, p);
    }
    if (v[0] != p0 || v[1] != p1 || v[2] != p2 || v[3] != p3) {
        tap_diag("planes at %#lx: %02x %02x %02x %02x", (unsigned long)a, v[0], v[1], v[2], v[3]);
        return false;
    }
    return true;
}

/* Put distinct values in the four planes at a, with write mode 0. */
static void planes_set(hwaddr a, uint8_t p0, uint8_t p1, uint8_t p2, uint8_t p3)
{
    uint8_t v[4] = { p0, p1, p2, p3 };

    gr_write(5, 0x00);
    for (int p = 0; p < 4; p++) {
        sr_write(2, 1 << p);
        writeb(0xa0000 + a, v[p]);
    }
    sr_write(2, 0x0f);
}

static void test_planar(void)
{
    planar_setup();
    planes_set(0x100, 0x11, 0x22, 0x44, 0x88);
    tap_ok(planes_are(0x100, 0x11, 0x22, 0x44, 0x88), "map mask selects the plane written");

    /* write mode 0: set/reset */
    gr_write(1, 0x0f);
    gr_write(0, 0x05);
    writeb(0xa0000 + 0x101, 0x00);
    tap_ok(planes_are(0x101, 0xff, 0x00, 0xff, 0x00), "write mode 0: set/reset 0101");
    gr_write(1, 0x03); /* only planes 0-1 from set/reset, 2-3 from the data */
    writeb(0xa0000 + 0x101, 0x5a);
    tap_ok(planes_are(0x101, 0xff, 0x00, 0x5a, 0x5a), "write mode 0: enable set/reset per plane");
    gr_write(1, 0);

    /* rotate */
    gr_write(3, 0x03);
    writeb(0xa0000 + 0x102, 0x0f);
    tap_ok(planes_are(0x102, 0xe1, 0xe1, 0xe1, 0xe1), "write mode 0: rotate right by 3");
    gr_write(3, 0);

    /* bit mask keeps latched bits */
    planes_set(0x103, 0xaa, 0xaa, 0xaa, 0xaa);
    (void)readb(0xa0000 + 0x103); /* load the latches */
    gr_write(8, 0x0f);
    writeb(0xa0000 + 0x103, 0x00);
    gr_write(8, 0xff);
    tap_ok(planes_are(0x103, 0xa0, 0xa0, 0xa0, 0xa0), "bit mask: masked bits come from the latch");

    /* logical functions against the latch */
    planes_set(0x104, 0xf0, 0xf0, 0xf0, 0xf0);
    (void)readb(0xa0000 + 0x104);
    gr_write(3, 0x08); /* AND */
    writeb(0xa0000 + 0x105, 0x3c);
    tap_ok(planes_are(0x105, 0x30, 0x30, 0x30, 0x30), "function AND with the latch");
    (void)readb(0xa0000 + 0x104);
    gr_write(3, 0x10); /* OR */
    writeb(0xa0000 + 0x105, 0x3c);
    tap_ok(planes_are(0x105, 0xfc, 0xfc, 0xfc, 0xfc), "function OR with the latch");
    (void)readb(0xa0000 + 0x104);
    gr_write(3, 0x18); /* XOR */
    writeb(0xa0000 + 0x105, 0x3c);
    tap_ok(planes_are(0x105, 0xcc, 0xcc, 0xcc, 0xcc), "function XOR with the latch");
    gr_write(3, 0);

    /* write mode 1: latch copy */
    planes_set(0x106, 0x01, 0x02, 0x03, 0x04);
    gr_write(5, 0x01);
    (void)readb(0xa0000 + 0x106);
    writeb(0xa0000 + 0x107, 0xee);
    tap_ok(planes_are(0x107, 0x01, 0x02, 0x03, 0x04), "write mode 1 copies the latches");

    /* write mode 2: the data is a colour */
    planes_set(0x108, 0x00, 0x00, 0x00, 0x00);
    (void)readb(0xa0000 + 0x108);
    gr_write(5, 0x02);
    gr_write(8, 0xc3);
    writeb(0xa0000 + 0x108, 0x0a);
    gr_write(8, 0xff);
    tap_ok(planes_are(0x108, 0x00, 0xc3, 0x00, 0xc3),
           "write mode 2: colour 1010 through the bit mask");

    /* write mode 3: set/reset colour, data ANDed into the bit mask */
    planes_set(0x109, 0x00, 0xff, 0x00, 0xff);
    (void)readb(0xa0000 + 0x109);
    gr_write(5, 0x03);
    gr_write(0, 0x06);
    gr_write(8, 0xf0);
    writeb(0xa0000 + 0x109, 0x3c);
    gr_write(8, 0xff);
    gr_write(0, 0);
    /* mask 0xf0 & 0x3c = 0x30 takes colour 0110, the rest the latch 0/ff/0/ff */
    tap_ok(planes_are(0x109, 0x00, 0xff, 0x30, 0xcf),
           "write mode 3: colour 0110 where mask & data");

    /* read mode 1: colour compare */
    planes_set(0x10a, 0x0f, 0x33, 0x55, 0x00);
    gr_write(5, 0x08);
    gr_write(2, 0x03); /* colour 0011 */
    gr_write(7, 0x0f);
    {
        /* bit i matches where p0=1, p1=1, p2=0, p3=0 */
        uint8_t want = 0x0f & 0x33 & ~0x55 & ~0x00 & 0xff;
        uint8_t got = readb(0xa0000 + 0x10a);

        tap_ok(got == want, "read mode 1: colour compare (%#x, want %#x)", got, want);
    }
    gr_write(7, 0x03); /* planes 2 and 3 don't care */
    tap_ok(readb(0xa0000 + 0x10a) == (0x0f & 0x33), "read mode 1: colour don't care");
    gr_write(7, 0x00);
    tap_ok(readb(0xa0000 + 0x10a) == 0xff, "read mode 1: nothing cared about matches all");
    gr_write(5, 0x00);

    /* the memory map: 0xb8000 is not decoded with GR6 = 0x05 */
    tap_ok(readb(0xb8000) == 0xff, "GR6 map 1: 0xb8000 reads as open bus");
}

/* Mode 13h as the BIOS programs it. */
static void set_mode13(void)
{
    static const uint8_t sr[5] = { 0x03, 0x01, 0x0f, 0x00, 0x0e };
    static const uint8_t cr[25] = { 0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0xbf, 0x1f, 0x00,
                                    0x41, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x9c, 0x0e,
                                    0x8f, 0x28, 0x40, 0x96, 0xb9, 0xa3, 0xff };
    static const uint8_t gr[9] = { 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0f, 0xff };

    outb(0x3c2, 0x63);
    for (int i = 0; i < 5; i++) {
        sr_write(i, sr[i]);
    }
    cr_write(0x11, 0x0e); /* unprotect first */
    for (int i = 0; i < 25; i++) {
        cr_write(i, cr[i]);
    }
    for (int i = 0; i < 9; i++) {
        gr_write(i, gr[i]);
    }
    for (int i = 0; i < 16; i++) {
        ar_write(i, i);
    }
    ar_write(0x10, 0x41);
    ar_write(0x11, 0x00);
    ar_write(0x12, 0x0f);
    ar_write(0x13, 0x00);
    ar_write(0x14, 0x00);
    inb(0x3da);
    outb(0x3c0, 0x20);
}

static void test_mode13(void)
{
    set_mode13();
    dac_set(0, 0, 0, 0);
    dac_set(1, 63, 0, 0);
    dac_set(2, 0, 63, 0);
    dac_set(200, 10, 20, 30);
    for (int i = 0; i < 320 * 200; i += 2) {
        writew(0xa0000 + i, 0);
    }
    writeb(0xa0000 + 20 * 320 + 10, 1);
    writeb(0xa0000 + 199 * 320 + 319, 2);
    writeb(0xa0000 + 100 * 320 + 160, 200);
    update();
    tap_ok(qemu_console_get_width(con) == 320 && qemu_console_get_height(con) == 200,
           "mode 13h renders 320x200 (%dx%d)", qemu_console_get_width(con),
           qemu_console_get_height(con));
    tap_ok(pixel(10, 20) == 0xff0000 && pixel(11, 20) == 0 && pixel(10, 21) == 0,
           "chain-4 pixel (10,20) is DAC 1 red (%#x)", pixel(10, 20));
    tap_ok(pixel(319, 199) == 0x00ff00, "last pixel is DAC 2 green");
    tap_ok(pixel(160, 100) == (uint32_t)((10 << 2 | 10 >> 4) << 16 | (20 << 2 | 20 >> 4) << 8 |
                                         (30 << 2 | 30 >> 4)),
           "DAC 6-bit values scale to 8 bits (%#x)", pixel(160, 100));
    tap_ok(readb(0xa0000 + 20 * 320 + 10) == 1, "chain-4 reads back the byte");
    tap_ok(qemu_console_get_text(con) == NULL, "no text in graphics modes");

    /* dirty tracking: nothing changed, nothing drawn */
    tap_ok(update() == 0 && vga->lines_redrawn == 0, "unchanged frame: no line redrawn");
    writeb(0xa0000 + 150 * 320 + 7, 1);
    {
        int n = update();

        tap_ok(pixel(7, 150) == 0xff0000, "the written pixel shows");
        tap_ok(n >= 1 && n <= 14 && vga->lines_redrawn == n,
               "one 4 KiB page: only its lines redrawn (%d rows)", n);
    }
    dac_set(1, 0, 0, 63);
    tap_ok(update() == 200 && pixel(10, 20) == 0x0000ff, "a palette change redraws everything");
}

/* Mode 12h (640x480, 16 colours, planar) as the BIOS programs it. */
static void set_mode12(void)
{
    static const uint8_t sr[5] = { 0x03, 0x01, 0x0f, 0x00, 0x06 };
    static const uint8_t cr[25] = { 0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0x0b, 0x3e, 0x00,
                                    0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xea, 0x8c,
                                    0xdf, 0x28, 0x00, 0xe7, 0x04, 0xe3, 0xff };
    static const uint8_t gr[9] = { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0f, 0xff };
    static const uint8_t ar[21] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14,
                                    0x07, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d,
                                    0x3e, 0x3f, 0x01, 0x00, 0x0f, 0x00, 0x00 };

    outb(0x3c2, 0xe3);
    for (int i = 0; i < 5; i++) {
        sr_write(i, sr[i]);
    }
    cr_write(0x11, 0x0c);
    for (int i = 0; i < 25; i++) {
        cr_write(i, cr[i]);
    }
    for (int i = 0; i < 9; i++) {
        gr_write(i, gr[i]);
    }
    for (int i = 0; i < 21; i++) {
        ar_write(i, ar[i]);
    }
    inb(0x3da);
    outb(0x3c0, 0x20);
}

/* Plot with write mode 2, as planar drawing code does. */
static void plot12(int x, int y, uint8_t colour)
{
    hwaddr a = 0xa0000 + y * 80 + x / 8;

    gr_write(5, 0x02);
    gr_write(8, 0x80 >> (x % 8));
    (void)readb(a);
    writeb(a, colour);
    gr_write(8, 0xff);
    gr_write(5, 0x00);
}

static void test_mode12(void)
{
    int n;

    machine_reset();
    set_mode12();
    for (int i = 0; i < 80 * 480; i++) {
        writeb(0xa0000 + i, 0); /* write mode 0, all planes */
    }
    plot12(100, 50, 4);
    plot12(101, 50, 14);
    plot12(639, 479, 15);
    update();
    tap_ok(qemu_console_get_width(con) == 640 && qemu_console_get_height(con) == 480,
           "mode 12h renders 640x480");
    tap_ok(pixel(100, 50) == 0xaa0000 && pixel(101, 50) == 0xffff55 && pixel(102, 50) == 0 &&
               pixel(639, 479) == 0xffffff,
           "planar pixels through the attribute palette (red %#x, yellow %#x)", pixel(100, 50),
           pixel(101, 50));
    ar_write(0x12, 0x07); /* colour plane 3 disabled */
    inb(0x3da);
    outb(0x3c0, 0x20);
    n = update();
    tap_ok(n == 480 && pixel(101, 50) == 0xaa5500, "colour plane enable masks plane 3 (brown)");
    plot12(5, 300, 1);
    n = update();
    tap_ok(pixel(5, 300) == 0x0000aa && n >= 1 && n <= 52,
           "a planar write redraws only the lines of its page (%d)", n);
}

static void test_text(void)
{
    const char *hello = "Hello, VGA!";
    char *text, *expect;
    const uint8_t *glyph;
    bool ok = true;
    int cx = 3, cy = 2;

    machine_reset();
    text = qemu_console_get_text(con);
    tap_ok(text != NULL, "reset leaves 80x25 text mode");
    free(text);
    for (int i = 0; hello[i]; i++) {
        writeb(0xb8000 + i * 2, hello[i]);
        writeb(0xb8000 + i * 2 + 1, 0x1f); /* white on blue */
    }
    writew(0xb8000 + (1 * 80 + 5) * 2, 0x0741); /* 'A', grey on black */
    cr_write(0x0e, (cy * 80 + cx) >> 8);
    cr_write(0x0f, (cy * 80 + cx) & 0xff);
    text = qemu_console_get_text(con);
    expect = calloc(1, 26 * 81);
    strcpy(expect, "Hello, VGA!\n     A\n");
    for (int r = 2; r < 25; r++) {
        strcat(expect, "\n");
    }
    tap_ok(text && !strcmp(text, expect), "text screen read back as rows of characters");
    free(text);
    free(expect);

    update();
    tap_ok(qemu_console_get_width(con) == 720 && qemu_console_get_height(con) == 400,
           "80x25 with 9-dot characters renders 720x400");
    /* 'H' at cell (0,0): font pixels white, the rest blue, 9th column blue */
    glyph = &vga_font_8x16['H' * 16];
    for (int y = 0; y < 16; y++) {
        for (int x = 0; x < 9; x++) {
            bool on = x < 8 && (glyph[y] & (0x80 >> x));
            uint32_t want = on ? 0xffffff : 0x0000aa;

            if (pixel(x, y) != want) {
                ok = false;
            }
        }
    }
    tap_ok(ok, "glyph 'H' drawn from the font in plane 2");
    ok = true;
    for (int y = 0; y < 16; y++) {
        for (int x = 0; x < 9; x++) {
            bool on = y >= 13 && y <= 14;

            if (pixel(cx * 9 + x, cy * 16 + y) != (on ? 0xaaaaaa : 0)) {
                ok = false;
            }
        }
    }
    tap_ok(ok, "cursor drawn on scan lines 13-14 of its cell");

    /* one changed cell redraws its text row only */
    tap_ok(update() == 0, "unchanged text: nothing redrawn");
    writeb(0xb8000 + (10 * 80 + 40) * 2, 'Z');
    tap_ok(update() == 16 && vga->lines_redrawn == 16, "one changed cell: one text row redrawn");

    /* a guest font change shows: replace 'Z' by a solid block via plane 2 */
    sr_write(2, 0x04);
    sr_write(4, 0x06);
    gr_write(4, 0x02);
    gr_write(5, 0x00);
    gr_write(6, 0x04);
    for (int y = 0; y < 16; y++) {
        writeb(0xa0000 + 'Z' * 32 + y, 0xff);
    }
    sr_write(2, 0x03);
    sr_write(4, 0x02);
    gr_write(4, 0x00);
    gr_write(5, 0x10);
    gr_write(6, 0x0e);
    update();
    tap_ok(pixel(40 * 9 + 4, 10 * 16 + 8) == 0xaaaaaa && pixel(40 * 9 + 8, 10 * 16) == 0,
           "a font loaded by the guest is used");

    /* 40 columns: half the dot clock, characters doubled */
    sr_write(1, 0x08);
    cr_write(0x11, cr_read(0x11) & 0x7f);
    cr_write(1, 0x27);
    cr_write(0x13, 0x14);
    update();
    text = qemu_console_get_text(con);
    tap_ok(qemu_console_get_width(con) == 720 && text && !strncmp(text, "Hello, VGA!\n", 12),
           "40x25: 720 pixels wide, the text reflows to 40 columns");
    free(text);
    ok = true;
    for (int y = 0; y < 16; y++) {
        for (int x = 0; x < 16; x++) {
            bool on = glyph[y] & (0x80 >> (x / 2));

            ok &= pixel(x, y) == (on ? 0xffffffu : 0x0000aau);
        }
    }
    tap_ok(ok, "40x25: each glyph pixel is two pixels wide");
    /* back to the 80-column screen for the screendump test */
    machine_reset();
    for (int i = 0; hello[i]; i++) {
        writew(0xb8000 + i * 2, 0x1f00 | hello[i]);
    }
    cr_write(0x0e, (cy * 80 + cx) >> 8);
    cr_write(0x0f, (cy * 80 + cx) & 0xff);
}

static bool read_file(const char *path, uint8_t **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    long n;

    if (!f) {
        return false;
    }
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    *data = malloc(n > 0 ? n : 1);
    *len = fread(*data, 1, n, f);
    fclose(f);
    return *len == (size_t)n;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Parse a PNG written by us: check the chunk CRCs and IHDR, inflate the
 * IDAT data and compare the pixels with the surface. */
static bool png_check(const uint8_t *d, size_t len, int *w, int *h)
{
    static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    uint8_t *idat = NULL, *raw;
    size_t idat_len = 0, pos = 8;
    uLongf raw_len;
    bool seen_end = false, ok = true;

    if (len < 8 || memcmp(d, sig, 8)) {
        return false;
    }
    *w = *h = 0;
    while (pos + 12 <= len && !seen_end) {
        uint32_t n = be32(d + pos);
        const uint8_t *type = d + pos + 4;

        if (pos + 12 + n > len) {
            return false;
        }
        if (crc32(crc32(0, NULL, 0), type, n + 4) != be32(d + pos + 8 + n)) {
            tap_diag("bad CRC in chunk %.4s", (const char *)type);
            return false;
        }
        if (!memcmp(type, "IHDR", 4)) {
            *w = be32(type + 4);
            *h = be32(type + 8);
            ok &= type[12] == 8 && type[13] == 2 && !type[14] && !type[15] && !type[16];
        } else if (!memcmp(type, "IDAT", 4)) {
            idat = realloc(idat, idat_len + n);
            memcpy(idat + idat_len, type + 4, n);
            idat_len += n;
        } else if (!memcmp(type, "IEND", 4)) {
            seen_end = true;
        }
        pos += 12 + n;
    }
    if (!ok || !seen_end || !*w || !*h) {
        free(idat);
        return false;
    }
    raw_len = (uLongf)(*w * 3 + 1) * *h;
    raw = malloc(raw_len);
    if (uncompress(raw, &raw_len, idat, idat_len) != Z_OK || raw_len != (uLongf)(*w * 3 + 1) * *h) {
        ok = false;
    }
    for (int y = 0; ok && y < *h; y++) {
        const uint8_t *row = raw + (size_t)y * (*w * 3 + 1);

        ok = row[0] == 0;
        for (int x = 0; ok && x < *w; x++) {
            uint32_t rgb = (uint32_t)row[1 + 3 * x] << 16 | row[2 + 3 * x] << 8 | row[3 + 3 * x];

            ok = rgb == pixel(x, y);
        }
    }
    free(raw);
    free(idat);
    return ok;
}

static void test_screendump(void)
{
    char ppm[] = "/tmp/test-hw-vga-XXXXXX";
    char png[sizeof(ppm) + 4];
    int fd = mkstemp(ppm);
    uint8_t *data;
    size_t len;
    Error *err = NULL;
    ImageFormat fmt;
    int w, h, hdr = 0;
    bool ok;

    close(fd);
    snprintf(png, sizeof(png), "%s.png", ppm);
    ok = qemu_console_screendump(con, ppm, IMAGE_FORMAT_PPM, &err) && read_file(ppm, &data, &len);
    tap_ok(ok, "screendump PPM written");
    if (ok) {
        bool match;

        sscanf((const char *)data, "P6\n%d %d\n255\n%n", &w, &h, &hdr);
        match = w == 720 && h == 400 && hdr > 0 && len == (size_t)hdr + 720 * 400 * 3;
        /* the 'H' glyph again, in the file */
        for (int y = 0; match && y < 16; y++) {
            for (int x = 0; match && x < 9; x++) {
                const uint8_t *p = data + hdr + (y * 720 + x) * 3;
                bool on = x < 8 && (vga_font_8x16['H' * 16 + y] & (0x80 >> x));

                match = on ? (p[0] == 0xff && p[1] == 0xff && p[2] == 0xff)
                           : (p[0] == 0 && p[1] == 0 && p[2] == 0xaa);
            }
        }
        tap_ok(match, "PPM header and the glyph's pixels match the font");
        free(data);
    }
    ok = qemu_console_screendump(con, png, IMAGE_FORMAT_PNG, &err) && read_file(png, &data, &len);
    tap_ok(ok, "screendump PNG written");
    if (ok) {
        tap_ok(png_check(data, len, &w, &h) && w == 720 && h == 400,
               "PNG: chunk CRCs, IHDR 720x400 RGB8, inflated pixels equal the screen");
        free(data);
    }
    tap_ok(!image_format_parse("gif", &fmt, &err) && err, "an unknown format is refused");
    error_free(err);
    err = NULL;
    tap_ok(!qemu_console_screendump(con, "/nonexistent-dir/x.ppm", IMAGE_FORMAT_PPM, &err) && err,
           "an unwritable file is an error, not a crash");
    error_free(err);
    unlink(ppm);
    unlink(png);
}

static void test_vbe(void)
{
    uint16_t caps_x, caps_y, caps_bpp;
    int n;

    tap_ok(vbe_read(VBE_DISPI_INDEX_ID) == VBE_DISPI_ID5, "VBE ID 0xb0c5");
    vbe_write(VBE_DISPI_INDEX_ID, 0x1234);
    tap_ok(vbe_read(VBE_DISPI_INDEX_ID) == VBE_DISPI_ID5, "a bad ID is ignored");
    tap_ok(vbe_read(VBE_DISPI_INDEX_VIDEO_MEMORY_64K) == 256, "16 MiB of video memory");
    vbe_write(VBE_DISPI_INDEX_ENABLE, VBE_DISPI_GETCAPS);
    caps_x = vbe_read(VBE_DISPI_INDEX_XRES);
    caps_y = vbe_read(VBE_DISPI_INDEX_YRES);
    caps_bpp = vbe_read(VBE_DISPI_INDEX_BPP);
    vbe_write(VBE_DISPI_INDEX_ENABLE, 0);
    tap_ok(caps_x == VBE_DISPI_MAX_XRES && caps_y == VBE_DISPI_MAX_YRES &&
               caps_bpp == VBE_DISPI_MAX_BPP && vbe_read(VBE_DISPI_INDEX_BPP) == 8,
           "GETCAPS reports the maximum mode, the registers are kept");
    vbe_write(VBE_DISPI_INDEX_BPP, 12);
    tap_ok(vbe_read(VBE_DISPI_INDEX_BPP) == 8, "an unsupported depth is refused");

    vbe_write(VBE_DISPI_INDEX_XRES, 640);
    vbe_write(VBE_DISPI_INDEX_YRES, 480);
    vbe_write(VBE_DISPI_INDEX_BPP, 32);
    vbe_write(VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED | VBE_DISPI_LFB_ENABLED);
    tap_ok(vbe_read(VBE_DISPI_INDEX_ENABLE) == (VBE_DISPI_ENABLED | VBE_DISPI_LFB_ENABLED),
           "VBE enabled with the LFB");
    tap_ok(vbe_read(VBE_DISPI_INDEX_VIRT_WIDTH) == 640 &&
               vbe_read(VBE_DISPI_INDEX_VIRT_HEIGHT) == 16 * 1024 * 1024 / (640 * 4),
           "virtual size follows the memory");
    for (int x = 0; x < 640; x++) {
        writel(LFB_BASE + (200 * 640 + x) * 4, 0x00123456);
    }
    writel(LFB_BASE + (479 * 640 + 639) * 4, 0x00abcdef);
    n = update();
    tap_ok(qemu_console_get_width(con) == 640 && qemu_console_get_height(con) == 480 && n == 480,
           "640x480x32 mode set, first frame fully drawn");
    tap_ok(pixel(0, 200) == 0x123456 && pixel(639, 200) == 0x123456 &&
               pixel(639, 479) == 0xabcdef && pixel(5, 5) == 0,
           "LFB writes render (cleared memory elsewhere)");
    tap_ok(update() == 0, "unchanged: nothing redrawn");
    writel(LFB_BASE + (300 * 640 + 10) * 4, 0x00ff00ff);
    n = update();
    tap_ok(pixel(10, 300) == 0xff00ff && n >= 1 && n <= 3 && vga->lines_redrawn == n,
           "one LFB write redraws only the lines of its page (%d)", n);

    /* banked window */
    vbe_write(VBE_DISPI_INDEX_BANK, 1);
    writel(0xa0000 + 0x10, 0x00c0ffee);
    n = update();
    tap_ok(readl(LFB_BASE + 0x10010) == 0x00c0ffee &&
               pixel((0x10010 / 4) % 640, (0x10010 / 4) / 640) == 0xc0ffee,
           "bank 1 of the window is LFB offset 64 KiB");
    tap_ok(n >= 1 && n <= 3, "a window write is tracked like an LFB write (%d)", n);
    vbe_write(VBE_DISPI_INDEX_BANK, 0);

    /* panning */
    vbe_write(VBE_DISPI_INDEX_Y_OFFSET, 200);
    update();
    tap_ok(pixel(0, 0) == 0x123456 && pixel(10, 100) == 0xff00ff, "Y offset pans the view");
    vbe_write(VBE_DISPI_INDEX_Y_OFFSET, 0);

    /* 16 bpp */
    vbe_write(VBE_DISPI_INDEX_ENABLE, 0);
    vbe_write(VBE_DISPI_INDEX_BPP, 16);
    vbe_write(VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED | VBE_DISPI_LFB_ENABLED);
    writew(LFB_BASE + (1 * 640 + 1) * 2, 0xf800);
    writew(LFB_BASE + (1 * 640 + 2) * 2, 0x07e0);
    update();
    tap_ok(pixel(1, 1) == 0xff0000 && pixel(2, 1) == 0x00ff00 && pixel(0, 200) == 0,
           "16 bpp: 5-6-5 pixels, memory cleared by the mode set");

    /* 8 bpp with an 8-bit DAC */
    vbe_write(VBE_DISPI_INDEX_ENABLE, 0);
    vbe_write(VBE_DISPI_INDEX_BPP, 8);
    vbe_write(VBE_DISPI_INDEX_ENABLE,
              VBE_DISPI_ENABLED | VBE_DISPI_LFB_ENABLED | VBE_DISPI_8BIT_DAC);
    dac_set(7, 0x80, 0x41, 0xfe);
    outb(0x3c7, 7);
    {
        uint8_t r = inb(0x3c9), g = inb(0x3c9), b = inb(0x3c9);

        writeb(LFB_BASE + 3 * 640 + 4, 7);
        update();
        tap_ok(r == 0x80 && g == 0x41 && b == 0xfe && pixel(4, 3) == 0x8041fe,
               "8-bit DAC: full 8-bit palette values (%#x)", pixel(4, 3));
    }
    vbe_write(VBE_DISPI_INDEX_ENABLE, 0);
    vbe_write(VBE_DISPI_INDEX_BPP, 16);
    vbe_write(VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED | VBE_DISPI_LFB_ENABLED);

    /* impossible values are refused, the mode stays */
    vbe_write(VBE_DISPI_INDEX_XRES, VBE_DISPI_MAX_XRES + 8);
    vbe_write(VBE_DISPI_INDEX_XRES, 643);
    vbe_write(VBE_DISPI_INDEX_YRES, 0);
    tap_ok(vbe_read(VBE_DISPI_INDEX_XRES) == 640 && vbe_read(VBE_DISPI_INDEX_YRES) == 480,
           "XRES past the maximum or not a multiple of 8, YRES 0: refused");
    vbe_write(VBE_DISPI_INDEX_VIRT_WIDTH, 320);
    tap_ok(vbe_read(VBE_DISPI_INDEX_VIRT_WIDTH) == 640, "a virtual width below XRES is refused");
}

static bool save(VMStateBuffer *buf)
{
    VMStateStream st;
    Error *err = NULL;

    *buf = (VMStateBuffer){ 0 };
    vmstate_stream_init_buffer_writer(&st, buf);
    if (vmstate_save_state(&st, qdev_get_vmsd(DEVICE(vga_dev)), vga_dev, &err) < 0) {
        error_report_err(err);
        return false;
    }
    return true;
}

static bool load(VMStateBuffer *buf)
{
    VMStateStream st;
    Error *err = NULL;
    const VMStateDescription *vmsd = qdev_get_vmsd(DEVICE(vga_dev));

    buf->pos = 0;
    vmstate_stream_init_buffer_reader(&st, buf);
    if (vmstate_load_state(&st, vmsd, vga_dev, vmsd->version_id, &err) < 0) {
        error_report_err(err);
        return false;
    }
    return buf->pos == buf->len;
}

static void test_vmstate(void)
{
    VMStateBuffer buf;
    uint32_t *before, *vram_copy;
    int w, h;
    bool same = true;
    uint8_t sr2, gr8, ar1, dac[3];
    size_t vram_size = vga->vram_size;

    /* state: VBE 320x200x8 panned, a palette, registers, the latch, a
     * half-written DAC entry */
    vbe_write(VBE_DISPI_INDEX_XRES, 320);
    vbe_write(VBE_DISPI_INDEX_YRES, 200);
    vbe_write(VBE_DISPI_INDEX_BPP, 8);
    vbe_write(VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED | VBE_DISPI_LFB_ENABLED);
    vbe_write(VBE_DISPI_INDEX_VIRT_WIDTH, 400);
    vbe_write(VBE_DISPI_INDEX_X_OFFSET, 8);
    for (int i = 0; i < 256; i++) {
        dac_set(i, i & 63, (i * 3) & 63, (i * 7) & 63);
    }
    for (int i = 0; i < 400 * 210; i++) {
        writeb(LFB_BASE + i, (uint8_t)(i * 13 + i / 400));
    }
    sr_write(2, 0x05);
    gr_write(8, 0x3c);
    ar_write(0x01, 0x2b);
    inb(0x3da);
    outb(0x3c0, 0x20);
    outb(0x3c8, 0x40);
    outb(0x3c9, 0x11); /* one byte of three */
    update();
    w = qemu_console_get_width(con);
    h = qemu_console_get_height(con);
    before = malloc((size_t)w * h * 4);
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            before[y * w + x] = pixel(x, y);
        }
    }
    sr2 = sr_read(2);
    gr8 = gr_read(8);
    ar1 = ar_read(0x01);
    inb(0x3da);
    outb(0x3c0, 0x20);

    /* the RAM section carries the video memory; copy it as it would */
    vram_copy = malloc(vram_size);
    memcpy(vram_copy, memory_region_get_ram_ptr(&vga->vram), vram_size);
    tap_ok(save(&buf), "vmstate saved");
    qdev_reset_all_devices();
    update();
    tap_ok(!vbe_read(VBE_DISPI_INDEX_ENABLE) && qemu_console_get_width(con) == 720,
           "reset went back to text mode");
    memcpy(memory_region_get_ram_ptr(&vga->vram), vram_copy, vram_size);
    tap_ok(load(&buf), "vmstate loaded, stream consumed exactly");

    /* finish the DAC entry started before saving */
    outb(0x3c9, 0x22);
    outb(0x3c9, 0x33);
    outb(0x3c7, 0x40);
    dac[0] = inb(0x3c9);
    dac[1] = inb(0x3c9);
    dac[2] = inb(0x3c9);
    tap_ok(dac[0] == 0x11 && dac[1] == 0x22 && dac[2] == 0x33,
           "DAC write cycle continues across the round trip");
    dac_set(0x40, 0x40 & 63, (0x40 * 3) & 63, (0x40 * 7) & 63);
    tap_ok(sr_read(2) == sr2 && gr_read(8) == gr8 && ar_read(0x01) == ar1,
           "sequencer, graphics and attribute registers restored");
    inb(0x3da);
    outb(0x3c0, 0x20);
    update();
    same = qemu_console_get_width(con) == w && qemu_console_get_height(con) == h;
    for (int y = 0; same && y < h; y++) {
        for (int x = 0; same && x < w; x++) {
            same = pixel(x, y) == before[y * w + x];
        }
    }
    tap_ok(same, "the restored device draws the same %dx%d frame", w, h);
    free(before);
    free(vram_copy);
    vmstate_buffer_free(&buf);
}

static void test_bad_guest(void)
{
    /* nothing here may crash: bad indexes and values are ignored */
    outb(0x3c4, 0x07);
    outb(0x3c5, 0xff);
    outb(0x3ce, 0x0f);
    outb(0x3cf, 0xff);
    outb(0x3d4, 0x80);
    outb(0x3d5, 0xff);
    tap_ok(inb(0x3d5) == 0xff, "a CRTC index past the registers reads all-ones");
    vbe_write(0x55, 1);
    tap_ok(vbe_read(0x55) == 0, "a VBE index past the registers reads 0");
    vbe_write(VBE_DISPI_INDEX_BANK, 0xffff);
    tap_ok(vbe_read(VBE_DISPI_INDEX_BANK) < 256, "a bank past the memory is wrapped");
    vbe_write(VBE_DISPI_INDEX_BANK, 0);
    cr_write(0x0c, 0xff);
    cr_write(0x0d, 0xff);
    update();
    tap_ok(true, "a start address at the end of memory wraps while drawing");
}

/* A second card: property checks, the option ROM BAR, a small memory,
 * then hot removal. */
static void test_second_device(void)
{
    char rom_path[] = "/tmp/test-hw-vga-rom-XXXXXX";
    int fd = mkstemp(rom_path);
    uint8_t rom[3000];
    DeviceState *dev;
    PCIDevice *pdev;
    Error *err = NULL;
    const hwaddr rom_base = 0xfeb00000, mmio2 = 0xfeb80000;
    uint32_t size_mask;
    bool ok;

    for (size_t i = 0; i < sizeof(rom); i++) {
        rom[i] = (uint8_t)(i * 7 + 1);
    }
    rom[0] = 0x55;
    rom[1] = 0xaa;
    ok = write(fd, rom, sizeof(rom)) == (ssize_t)sizeof(rom);
    close(fd);

    dev = qdev_new(TYPE_PCI_VGA, &error_abort);
    qdev_prop_set_uint32(dev, "vgamem_mb", 3);
    tap_ok(!qdev_realize(dev, &bus->qbus, &err) && err, "vgamem_mb 3 is refused");
    error_free(err);
    err = NULL;
    qdev_delete(dev);

    dev = qdev_new(TYPE_PCI_VGA, &error_abort);
    qdev_prop_set_string(dev, "romfile", "/nonexistent/vgabios.bin");
    tap_ok(!qdev_realize(dev, &bus->qbus, &err) && err, "a missing romfile fails realize");
    error_free(err);
    err = NULL;
    qdev_delete(dev);

    dev = qdev_new(TYPE_PCI_VGA, &error_abort);
    qdev_prop_set_uint32(dev, "vgamem_mb", 1);
    qdev_prop_set_string(dev, "romfile", rom_path);
    ok &= qdev_realize(dev, &bus->qbus, &err);
    if (err) {
        error_report_err(err);
    }
    tap_ok(ok, "a 1 MiB card with an option ROM realizes");
    if (!ok) {
        unlink(rom_path);
        return;
    }
    pdev = (PCIDevice *)dev;
    pci_host_config_write_common(bus, 0, pdev->devfn, PCI_ROM_ADDRESS, 0xfffffffe, 4);
    size_mask = pci_host_config_read_common(bus, 0, pdev->devfn, PCI_ROM_ADDRESS, 4);
    tap_ok(size_mask == 0xfffff000, "ROM BAR sizes as 4 KiB (%#x)", size_mask);
    pci_host_config_write_common(bus, 0, pdev->devfn, PCI_ROM_ADDRESS,
                                 rom_base | PCI_ROM_ADDRESS_ENABLE, 4);
    pci_host_config_write_common(bus, 0, pdev->devfn, PCI_BASE_ADDRESS_0 + 8, mmio2, 4);
    pci_host_config_write_common(bus, 0, pdev->devfn, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    ok = true;
    for (size_t i = 0; i < sizeof(rom); i++) {
        ok &= readb(rom_base + i) == rom[i];
    }
    tap_ok(ok && readb(rom_base + 3500) == 0, "the ROM BAR shows the file, padded with zeros");
    tap_ok(readw(mmio2 + 0x500 + 2 * VBE_DISPI_INDEX_VIDEO_MEMORY_64K) == 16,
           "1 MiB card: VIDEO_MEMORY_64K is 16");
    writew(mmio2 + 0x500 + 2 * VBE_DISPI_INDEX_XRES, 640);
    writew(mmio2 + 0x500 + 2 * VBE_DISPI_INDEX_YRES, 480);
    writew(mmio2 + 0x500 + 2 * VBE_DISPI_INDEX_BPP, 32);
    writew(mmio2 + 0x500 + 2 * VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED);
    tap_ok(!(readw(mmio2 + 0x500 + 2 * VBE_DISPI_INDEX_ENABLE) & VBE_DISPI_ENABLED),
           "640x480x32 does not fit in 1 MiB: refused");
    writew(mmio2 + 0x500 + 2 * VBE_DISPI_INDEX_BPP, 16);
    writew(mmio2 + 0x500 + 2 * VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED);
    tap_ok(readw(mmio2 + 0x500 + 2 * VBE_DISPI_INDEX_ENABLE) & VBE_DISPI_ENABLED,
           "640x480x16 fits");
    qdev_delete(dev);
    tap_ok(readb(rom_base) == 0xff && vbe_read(VBE_DISPI_INDEX_ID) == VBE_DISPI_ID5,
           "after removal the ROM is gone and the first card answers again");
    unlink(rom_path);
}

int main(void)
{
    qemu_init_main_loop(&error_abort);
    build_machine();

    test_pci();
    test_registers();
    test_planar();
    test_mode13();
    test_mode12();
    test_text();
    test_screendump();
    test_vbe();
    test_vmstate();
    machine_reset();
    test_bad_guest();
    test_second_device();

    tap_ok(switches > 0, "the listener saw surface switches on mode changes");
    unregister_displaychangelistener(&dcl);
    bql_unlock();
    return tap_done();
}
