/*
 * The PCI core, the i440FX host bridge and PIIX3 through guest-visible
 * interfaces: configuration mechanism #1 at 0xcf8/0xcfc (dword, word and
 * byte offsets, the enable bit, absent devices), IDs of 00.0 and 01.0,
 * BAR sizing and mapping of a test device (I/O, 32-bit and 64-bit memory,
 * expansion ROM) following the command register, INTx through the PIIX3
 * PIRQ routing to ISA IRQ lines, PAM shadowing of the BIOS area, the SMRAM
 * window, the reset control register, -device addr=, "info pci", and a
 * vmstate round trip of all of it.
 *
 * The machine: 16 MiB of RAM at 0, a 128 KiB "BIOS" ROM whose alias sits
 * at 0xe0000 in PCI memory (as the PC board maps it), the i440FX host with
 * its function 00.0, PIIX3 at 01.0 with its ISA bus whose IRQ lines end in
 * a recording handler, and "test-pci-dev" at 03.0.
 */
#include <stdlib.h>
#include <string.h>

#include "hw/core/qdev-properties.h"
#include "hw/isa/piix3.h"
#include "hw/pci-host/i440fx.h"
#include "migration/vmstate.h"
#include "tap.h"
#include "util/main-loop.h"

#define RAM_SIZE   (16u << 20)
#define BIOS_SIZE  0x20000u
#define TEST_MAGIC 0xcafef00du

/* ---- guest-side accessors ---- */

static void outb(uint16_t port, uint8_t v)
{
    address_space_stb(&address_space_io, port, v, MEMTXATTRS_UNSPECIFIED, NULL);
}
static void outw(uint16_t port, uint16_t v)
{
    address_space_stw(&address_space_io, port, v, MEMTXATTRS_UNSPECIFIED, NULL);
}
static void outl(uint16_t port, uint32_t v)
{
    address_space_stl(&address_space_io, port, v, MEMTXATTRS_UNSPECIFIED, NULL);
}
static uint8_t inb(uint16_t port)
{
    return address_space_ldub(&address_space_io, port, MEMTXATTRS_UNSPECIFIED, NULL);
}
static uint16_t inw(uint16_t port)
{
    return address_space_lduw(&address_space_io, port, MEMTXATTRS_UNSPECIFIED, NULL);
}
static uint32_t inl(uint16_t port)
{
    return address_space_ldl(&address_space_io, port, MEMTXATTRS_UNSPECIFIED, NULL);
}
static uint32_t readl(hwaddr a)
{
    return address_space_ldl(&address_space_memory, a, MEMTXATTRS_UNSPECIFIED, NULL);
}
static uint8_t readb(hwaddr a)
{
    return address_space_ldub(&address_space_memory, a, MEMTXATTRS_UNSPECIFIED, NULL);
}
static void writel(hwaddr a, uint32_t v)
{
    address_space_stl(&address_space_memory, a, v, MEMTXATTRS_UNSPECIFIED, NULL);
}
static void writeb(hwaddr a, uint8_t v)
{
    address_space_stb(&address_space_memory, a, v, MEMTXATTRS_UNSPECIFIED, NULL);
}

static uint32_t cfg_addr(int bus, int slot, int fn, int reg)
{
    return 0x80000000u | bus << 16 | slot << 11 | fn << 8 | (reg & 0xfc);
}
static uint32_t cfg_readl(int slot, int reg)
{
    outl(0xcf8, cfg_addr(0, slot, 0, reg));
    return inl(0xcfc);
}
static uint16_t cfg_readw(int slot, int reg)
{
    outl(0xcf8, cfg_addr(0, slot, 0, reg));
    return inw(0xcfc + (reg & 2));
}
static uint8_t cfg_readb(int slot, int reg)
{
    outl(0xcf8, cfg_addr(0, slot, 0, reg));
    return inb(0xcfc + (reg & 3));
}
static void cfg_writel(int slot, int reg, uint32_t v)
{
    outl(0xcf8, cfg_addr(0, slot, 0, reg));
    outl(0xcfc, v);
}
static void cfg_writew(int slot, int reg, uint16_t v)
{
    outl(0xcf8, cfg_addr(0, slot, 0, reg));
    outw(0xcfc + (reg & 2), v);
}
static void cfg_writeb(int slot, int reg, uint8_t v)
{
    outl(0xcf8, cfg_addr(0, slot, 0, reg));
    outb(0xcfc + (reg & 3), v);
}

/* ---- a PCI test device ---- */

#define TYPE_TEST_PCI "test-pci-dev"

typedef struct TestPCIState {
    PCIDevice parent;
    MemoryRegion mmio, io, mmio64, rom;
    uint32_t scratch;
    uint32_t dma_result;
} TestPCIState;

/* mmio: 0 = magic (ro), 4 = INTx level (rw), 8 = scratch (rw),
 * 12 = DMA: writing an address stores scratch there (bus master),
 * 16 = result of the last DMA (MemTxResult) */
static uint64_t tdev_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    TestPCIState *s = opaque;

    switch (addr) {
    case 0:
        return TEST_MAGIC;
    case 4:
        return s->parent.irq_level;
    case 8:
        return s->scratch;
    case 16:
        return s->dma_result;
    }
    return 0;
}

static void tdev_mmio_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    TestPCIState *s = opaque;

    if (addr == 4) {
        pci_set_irq(&s->parent, data & 1);
    } else if (addr == 8) {
        s->scratch = (uint32_t)data;
    } else if (addr == 12) {
        uint8_t b[4] = { (uint8_t)s->scratch, (uint8_t)(s->scratch >> 8),
                         (uint8_t)(s->scratch >> 16), (uint8_t)(s->scratch >> 24) };
        s->dma_result = pci_dma_write(&s->parent, (uint32_t)data, b, 4);
    }
}

static const MemoryRegionOps tdev_mmio_ops = {
    .read = tdev_mmio_read,
    .write = tdev_mmio_write,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
};

static uint64_t tdev_io_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0x5a5a;
}

static void tdev_io_write(void *opaque, hwaddr addr, uint64_t data, unsigned size) {}

static const MemoryRegionOps tdev_io_ops = {
    .read = tdev_io_read,
    .write = tdev_io_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 2, .max_access_size = 2 },
};

static uint64_t tdev_mmio64_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0x64646464u;
}

static const MemoryRegionOps tdev_mmio64_ops = {
    .read = tdev_mmio64_read,
    .write = tdev_io_write,
};

static int tdev_count;

static bool tdev_realize(DeviceState *dev, Error **errp)
{
    TestPCIState *s = (TestPCIState *)dev;
    char name[32];
    uint8_t *rom;

    memory_region_init_io(&s->mmio, s, &tdev_mmio_ops, s, "tdev-mmio", 0x1000);
    memory_region_init_io(&s->io, s, &tdev_io_ops, s, "tdev-io", 0x20);
    memory_region_init_io(&s->mmio64, s, &tdev_mmio64_ops, s, "tdev-mmio64", 0x10000);
    snprintf(name, sizeof(name), "tdev-rom%d", tdev_count++);
    if (!memory_region_init_rom(&s->rom, s, name, 0x800, errp)) {
        return false;
    }
    rom = memory_region_get_ram_ptr(&s->rom);
    memset(rom, 0, 0x800);
    rom[0] = 0x55;
    rom[1] = 0xaa;
    pci_register_bar(&s->parent, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, &s->mmio);
    pci_register_bar(&s->parent, 1, PCI_BASE_ADDRESS_SPACE_IO, &s->io);
    pci_register_bar(&s->parent, 2, PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH,
                     &s->mmio64);
    pci_register_bar(&s->parent, PCI_ROM_SLOT, PCI_BASE_ADDRESS_SPACE_MEMORY, &s->rom);
    return pci_add_capability(&s->parent, PCI_CAP_ID_VNDR, 0, 8, errp) > 0;
}

static void tdev_finalize(DeviceState *dev)
{
    TestPCIState *s = (TestPCIState *)dev;
    MemoryRegion *mrs[] = { &s->mmio, &s->io, &s->mmio64, &s->rom };

    /* after every level's unrealize: the BARs are unmapped by now */
    for (int i = 0; i < 4; i++) {
        if (mrs[i]->initialized) {
            memory_region_finalize(mrs[i]);
        }
    }
}

static const VMStateDescription vmstate_tdev = {
    .name = "test-pci-dev",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields =
        (const VMStateField[]){
            VMSTATE_PCI_DEVICE(parent, TestPCIState),
            VMSTATE_UINT32(scratch, TestPCIState),
            VMSTATE_END_OF_LIST(),
        },
};

static const PCIDeviceClass tdev_class = {
    .vendor_id = 0x1234,
    .device_id = 0x11e8,
    .revision = 0x10,
    .class_id = PCI_CLASS_OTHERS,
    .subsystem_vendor_id = PCI_SUBVENDOR_ID_REDHAT_QUMRANET,
    .subsystem_id = PCI_SUBDEVICE_ID_QEMU,
    .interrupt_pin = 1,
};

static const DeviceTypeInfo tdev_info = {
    .name = TYPE_TEST_PCI,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(TestPCIState),
    .class_data = &tdev_class,
    .realize = tdev_realize,
    .instance_finalize = tdev_finalize,
    .vmsd = &vmstate_tdev,
    .user_creatable = true,
    .desc = "PCI test device",
};
DEVICE_TYPE(tdev_info)

/* ---- the machine ---- */

static MemoryRegion ram, bios, isa_bios;
static uint8_t *ram_ptr, *bios_ptr;
static I440FXHost *host;
static PCIBus *bus;
static PIIX3State *piix3;
static PCIDevice *tdev;
static int isa_level[16];
static int isa_events;
static int reset_level, reset_count;
static qemu_irq *isa_lines;
static qemu_irq reset_line;

static void isa_irq_handler(void *opaque, int n, int level)
{
    isa_level[n] = level;
    isa_events++;
}

static void reset_handler(void *opaque, int n, int level)
{
    if (level) {
        reset_level = level;
        reset_count++;
    }
}

static void build_machine(void)
{
    Error *err = NULL;

    bql_lock();
    if (!memory_region_init_ram(&ram, NULL, "pc.ram", RAM_SIZE, &err) ||
        !memory_region_init_rom(&bios, NULL, "pc.bios", BIOS_SIZE, &err)) {
        error_report_err(err);
        exit(1);
    }
    ram_ptr = memory_region_get_ram_ptr(&ram);
    bios_ptr = memory_region_get_ram_ptr(&bios);
    for (unsigned i = 0; i < BIOS_SIZE; i++) {
        bios_ptr[i] = (uint8_t)(0xb0 ^ (i * 13));
    }
    for (unsigned i = 0; i < RAM_SIZE; i++) {
        ram_ptr[i] = (uint8_t)(i * 7);
    }
    memory_region_add_subregion(get_system_memory(), 0, &ram);

    host = i440fx_create(get_system_memory(), get_system_io(), NULL, &ram, RAM_SIZE, 0, &err);
    if (!host) {
        error_report_err(err);
        exit(1);
    }
    bus = i440fx_get_bus(host);
    memory_region_init_alias(&isa_bios, NULL, "isa-bios", &bios, 0, BIOS_SIZE);
    memory_region_add_subregion_overlap(i440fx_get_pci_memory(host), 0x100000 - BIOS_SIZE,
                                        &isa_bios, 1);

    piix3 = (PIIX3State *)pci_create_simple(bus, PCI_DEVFN(1, 0), TYPE_PIIX3, &err);
    tdev = piix3 ? pci_create_simple(bus, PCI_DEVFN(3, 0), TYPE_TEST_PCI, &err) : NULL;
    if (!tdev) {
        error_report_err(err);
        exit(1);
    }
    isa_lines = qemu_allocate_irqs(isa_irq_handler, NULL, 16);
    isa_bus_register_input_irqs(piix3_get_isa_bus(piix3), isa_lines);
    reset_line = qemu_allocate_irq(reset_handler, NULL, 0);
    qdev_connect_gpio_out_named(DEVICE(piix3), PIIX3_RESET_GPIO, 0, reset_line);
    qdev_reset_all_devices();
}

/* ---- tests ---- */

static void test_config_mechanism(void)
{
    outl(0xcf8, cfg_addr(0, 0, 0, 0));
    tap_ok(inl(0xcfc) == 0x12378086, "00.0 is the i440FX (8086:1237)");
    tap_ok(inl(0xcf8) == 0x80000000, "CONFIG_ADDRESS reads back");
    tap_ok(cfg_readl(1, 0) == 0x70008086, "01.0 is the PIIX3 ISA bridge (8086:7000)");
    tap_ok(cfg_readw(0, 0x0a) == PCI_CLASS_BRIDGE_HOST &&
               cfg_readw(1, 0x0a) == PCI_CLASS_BRIDGE_ISA,
           "class codes: host bridge, ISA bridge");
    tap_ok(cfg_readb(1, PCI_HEADER_TYPE) == 0x80 && cfg_readb(0, PCI_HEADER_TYPE) == 0x00,
           "PIIX3 is multi-function, the i440FX is not");
    tap_ok(cfg_readb(0, PCI_REVISION_ID) == 0x02, "i440FX revision 2");

    outl(0xcf8, cfg_addr(0, 3, 0, 0));
    tap_ok(inb(0xcfc) == 0x34 && inb(0xcfd) == 0x12 && inb(0xcfe) == 0xe8 && inb(0xcff) == 0x11,
           "byte reads at 0xcfc-0xcff give the four ID bytes");
    tap_ok(inw(0xcfc) == 0x1234 && inw(0xcfe) == 0x11e8, "word reads at 0xcfc and 0xcfe");
    tap_ok(cfg_readb(3, PCI_REVISION_ID) == 0x10 && cfg_readb(3, PCI_CLASS_DEVICE + 1) == 0xff,
           "byte reads of the revision and class");

    outl(0xcf8, 0x00000000 | 3 << 11);
    tap_ok(inl(0xcfc) == 0xffffffff, "with the enable bit clear, 0xcfc is not config space");
    outl(0xcf8, cfg_addr(0, 5, 0, 0));
    tap_ok(inl(0xcfc) == 0xffffffff && inw(0xcfe) == 0xffff, "an empty slot reads all-ones");
    outl(0xcf8, cfg_addr(1, 0, 0, 0));
    tap_ok(inl(0xcfc) == 0xffffffff, "a bus that does not exist reads all-ones");
    outl(0xcf8, 0xff000003u);
    tap_ok(inl(0xcf8) == 0x80000000, "reserved bits 30:24 and 1:0 of CONFIG_ADDRESS read 0");
    outl(0xcf8, cfg_addr(0, 0, 0, 0));
    outb(0xcf8, 0x12);
    outw(0xcfa, 0x3456);
    tap_ok(inl(0xcf8) == cfg_addr(0, 0, 0, 0), "byte/word writes do not reach CONFIG_ADDRESS");

    cfg_writel(3, 0, 0xffffffff);
    tap_ok(cfg_readl(3, 0) == 0x11e81234, "vendor/device ID are read-only");
    tap_ok(cfg_readb(3, PCI_INTERRUPT_PIN) == 1, "interrupt pin of the test device is INTA");
    cfg_writeb(3, PCI_INTERRUPT_PIN, 3);
    cfg_writeb(3, PCI_INTERRUPT_LINE, 0x0b);
    tap_ok(cfg_readb(3, PCI_INTERRUPT_PIN) == 1 && cfg_readb(3, PCI_INTERRUPT_LINE) == 0x0b,
           "interrupt line is writable, the pin is not");
    tap_ok(cfg_readw(3, PCI_SUBSYSTEM_VENDOR_ID) == 0x1af4 &&
               cfg_readw(3, PCI_SUBSYSTEM_ID) == 0x1100,
           "subsystem IDs");
    uint8_t cap = cfg_readb(3, PCI_CAPABILITY_LIST);
    tap_ok((cfg_readw(3, PCI_STATUS) & PCI_STATUS_CAP_LIST) && cap >= 0x40 &&
               cfg_readb(3, cap) == PCI_CAP_ID_VNDR && cfg_readb(3, cap + 1) == 0,
           "the capability list holds the vendor capability at 0x%x", cap);
    cfg_writeb(3, cap, 0x77);
    tap_ok(cfg_readb(3, cap) == PCI_CAP_ID_VNDR, "capability header is read-only");
}

static void test_bars(void)
{
    cfg_writel(3, 0x10, 0xffffffff);
    cfg_writel(3, 0x14, 0xffffffff);
    cfg_writel(3, 0x18, 0xffffffff);
    cfg_writel(3, 0x1c, 0xffffffff);
    cfg_writel(3, 0x20, 0xffffffff);
    cfg_writel(3, PCI_ROM_ADDRESS, 0xfffffffe);
    tap_ok(cfg_readl(3, 0x10) == 0xfffff000, "BAR0 sizes as 4 KiB 32-bit memory");
    tap_ok(cfg_readl(3, 0x14) == 0xffffffe1, "BAR1 sizes as 32 bytes of I/O");
    tap_ok(cfg_readl(3, 0x18) == 0xffff000c && cfg_readl(3, 0x1c) == 0xffffffff,
           "BAR2/3 size as 64 KiB 64-bit prefetchable memory");
    tap_ok(cfg_readl(3, 0x20) == 0, "unimplemented BAR4 reads 0");
    tap_ok(cfg_readl(3, PCI_ROM_ADDRESS) == 0xfffff800, "the ROM BAR sizes as 2 KiB");

    cfg_writel(3, 0x10, 0xfe000000);
    cfg_writel(3, 0x14, 0xc000);
    cfg_writel(3, 0x18, 0x0000000c);
    cfg_writel(3, 0x1c, 0x1);
    cfg_writel(3, PCI_ROM_ADDRESS, 0xfeb00000 | PCI_ROM_ADDRESS_ENABLE);
    tap_ok(readl(0xfe000000) == 0xffffffff && inw(0xc000) == 0xffff,
           "BARs programmed but decoding disabled: nothing there");
    cfg_writew(3, PCI_COMMAND, PCI_COMMAND_MEMORY);
    tap_ok(readl(0xfe000000) == TEST_MAGIC, "memory decode on: BAR0 MMIO appears at 0xfe000000");
    tap_ok(readl(0x100000000ull) == 0x64646464u, "the 64-bit BAR appears at 4 GiB");
    tap_ok(readb(0xfeb00000) == 0x55 && readb(0xfeb00001) == 0xaa,
           "the expansion ROM appears with its enable bit");
    tap_ok(inw(0xc000) == 0xffff, "I/O BAR still off without the I/O enable");
    cfg_writew(3, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
    tap_ok(inw(0xc000) == 0x5a5a && inw(0xc01e) == 0x5a5a, "I/O decode on: BAR1 at 0xc000");
    cfg_writel(3, PCI_ROM_ADDRESS, 0xfeb00000);
    tap_ok(readb(0xfeb00000) == 0xff, "clearing the ROM enable bit unmaps the ROM");
    cfg_writel(3, PCI_ROM_ADDRESS, 0xfeb00000 | PCI_ROM_ADDRESS_ENABLE);

    cfg_writel(3, 0x10, 0xffffffff);
    tap_ok(readl(0xfe000000) == 0xffffffff && readl(0xfffff000) == 0xffffffff,
           "while sizing, BAR0 decodes neither the old address nor all-ones");
    cfg_writel(3, 0x10, 0xfe010000);
    tap_ok(readl(0xfe010000) == TEST_MAGIC && readl(0xfe000000) == 0xffffffff,
           "reprogramming moves BAR0 to 0xfe010000");
    cfg_writel(3, 0x10, 0xfe000000);

    cfg_writew(3, PCI_COMMAND, PCI_COMMAND_IO);
    tap_ok(readl(0xfe000000) == 0xffffffff && readl(0x100000000ull) == 0xffffffff &&
               inw(0xc000) == 0x5a5a,
           "memory decode off: memory BARs disappear, I/O stays");
    cfg_writew(3, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
    writel(0xfe000008, 0x13572468);
    tap_ok(readl(0xfe000008) == 0x13572468, "MMIO register write/read through the BAR");
    memset(ram_ptr + 0x5000, 0, 4);
    writel(0xfe00000c, 0x5000);
    tap_ok(readl(0x5000) == 0 && readl(0xfe000010) == MEMTX_DECODE_ERROR,
           "DMA without bus mastering is refused");
    cfg_writew(3, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    writel(0xfe00000c, 0x5000);
    tap_ok(readl(0x5000) == 0x13572468 && readl(0xfe000010) == MEMTX_OK,
           "with bus mastering the device's DMA reaches RAM");
    cfg_writew(3, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);

    char *info = pci_format_info(bus);
    tap_ok(info && strstr(info, "Host bridge: PCI device 8086:1237") &&
               strstr(info, "ISA bridge: PCI device 8086:7000") &&
               strstr(info, "BAR0: 32 bit memory at 0xfe000000 [0xfe000fff].") &&
               strstr(info, "BAR1: I/O at 0xc000 [0xc01f].") &&
               strstr(info, "BAR2: 64 bit prefetchable memory at 0x100000000"),
           "info pci lists devices and BARs");
    if (info && !strstr(info, "BAR1: I/O")) {
        tap_diag("%s", info);
    }
    free(info);
}

static void test_intx(void)
{
    /* slot 3 INTA swizzles to PIRQC (0x62) */
    tap_ok(cfg_readl(1, PIIX3_PIRQC) == 0x80808080, "PIRQ routes reset disabled");
    pci_set_irq(tdev, 0);
    memset(isa_level, 0, sizeof(isa_level));
    writel(0xfe000004, 1);
    tap_ok(cfg_readw(3, PCI_STATUS) & PCI_STATUS_INTERRUPT, "status shows the pending INTx");
    for (int i = 0, any = 0; i <= 16; i++) {
        if (i == 16) {
            tap_ok(!any, "unrouted PIRQC raises no ISA IRQ");
        } else {
            any |= isa_level[i];
        }
    }
    cfg_writeb(1, PIIX3_PIRQC + 2, 10);
    tap_ok(isa_level[10] == 1, "routing PIRQC to IRQ 10 raises IRQ 10");
    writel(0xfe000004, 0);
    tap_ok(isa_level[10] == 0 && !(cfg_readw(3, PCI_STATUS) & PCI_STATUS_INTERRUPT),
           "deasserting INTA lowers IRQ 10 and the status bit");
    writel(0xfe000004, 1);
    tap_ok(isa_level[10] == 1, "asserting again raises IRQ 10");
    cfg_writew(3, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
    tap_ok(isa_level[10] == 0 && (cfg_readw(3, PCI_STATUS) & PCI_STATUS_INTERRUPT),
           "INTx disable masks the line; status still shows the interrupt");
    cfg_writew(3, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
    tap_ok(isa_level[10] == 1, "clearing INTx disable reasserts it");
    cfg_writeb(1, PIIX3_PIRQC + 2, 11);
    tap_ok(isa_level[10] == 0 && isa_level[11] == 1, "rerouting moves the level to IRQ 11");
    cfg_writeb(1, PIIX3_PIRQC + 2, 0x80 | 11);
    tap_ok(isa_level[11] == 0, "disabling the route lowers IRQ 11");
    cfg_writeb(1, PIIX3_PIRQC + 2, 2);
    tap_ok(isa_level[2] == 0, "a reserved IRQ (2) is not routed");
    cfg_writeb(1, PIIX3_PIRQC + 2, 10);
    cfg_writeb(1, PIIX3_PIRQC + 3, 10);
    tap_ok(isa_level[10] == 1, "IRQ 10 high again");
    cfg_writeb(1, PIIX3_PIRQC + 3, 0x80);
    tap_ok(isa_level[10] == 1, "a second PIRQ leaving a shared IRQ keeps it up");
}

static void test_pam(void)
{
    uint32_t rom_f0 = bios_ptr[BIOS_SIZE - 0x10000];
    uint8_t ram_f0 = ram_ptr[0xf0000];

    tap_ok(cfg_readb(0, I440FX_PAM) == 0 && cfg_readl(0, 0x5c) == 0, "PAM registers reset to 0");
    tap_ok(readb(0xf0000) == rom_f0 && readb(0xffff0) == bios_ptr[BIOS_SIZE - 0x10],
           "PAM disabled: 0xf0000 shows the BIOS ROM");
    tap_ok(readb(0xe0000) == bios_ptr[0], "0xe0000 shows the ROM too");
    writeb(0xf0000, 0x42);
    tap_ok(ram_ptr[0xf0000] == ram_f0 && readb(0xf0000) == rom_f0,
           "writes to a PCI-mapped segment do not reach RAM");

    cfg_writeb(0, I440FX_PAM, 0x20);
    tap_ok(readb(0xf0000) == rom_f0, "write-only: reads still come from the ROM");
    for (hwaddr a = 0xf0000; a < 0x100000; a += 4) {
        writel(a, readl(a));
    }
    cfg_writeb(0, I440FX_PAM, 0x10);
    tap_ok(memcmp(ram_ptr + 0xf0000, bios_ptr + BIOS_SIZE - 0x10000, 0x10000) == 0 &&
               readb(0xffff0) == bios_ptr[BIOS_SIZE - 0x10],
           "shadowing through write-only then read-only copies the BIOS into RAM");
    ram_ptr[0xf1234] ^= 0xff;
    tap_ok(readb(0xf1234) == ram_ptr[0xf1234], "read-only: reads come from RAM");
    uint8_t before = ram_ptr[0xf0010];
    writeb(0xf0010, before ^ 0x5a);
    tap_ok(ram_ptr[0xf0010] == before && readb(0xf0010) == before, "read-only: writes are dropped");
    cfg_writeb(0, I440FX_PAM, 0x30);
    writeb(0xf0010, 0xa5);
    tap_ok(ram_ptr[0xf0010] == 0xa5 && readb(0xf0010) == 0xa5, "read-write: RAM");
    cfg_writeb(0, I440FX_PAM, 0x3f);
    tap_ok(cfg_readb(0, I440FX_PAM) == 0x30, "PAM0 low nibble is reserved");

    /* PAM1 high nibble: 0xc4000-0xc7fff; 0xc0000 (low nibble) unaffected */
    ram_ptr[0xc4000] = 0x11;
    ram_ptr[0xc0000] = 0x22;
    cfg_writeb(0, I440FX_PAM + 1, 0x30);
    tap_ok(readb(0xc4000) == 0x11 && readb(0xc0000) == 0xff,
           "PAM1[7:4] maps 0xc4000 to RAM, 0xc0000 stays on PCI (nothing there)");
    cfg_writeb(0, I440FX_PAM + 1, 0x03);
    tap_ok(readb(0xc4000) == 0xff && readb(0xc0000) == 0x22, "PAM1[3:0] maps 0xc0000");
    cfg_writeb(0, I440FX_PAM + 6, 0x10);
    ram_ptr[0xec000] = 0x33;
    tap_ok(readb(0xec000) == 0x33 && readb(0xe8000) == bios_ptr[0x8000],
           "PAM6[7:4] maps 0xec000 read-only, 0xe8000 stays ROM");
}

static void test_smram(void)
{
    ram_ptr[0xa0000] = 0x66;
    tap_ok(cfg_readb(0, I440FX_SMRAM) == 0x02, "SMRAM resets to C_BASE_SEG 010b");
    tap_ok(readb(0xa0000) == 0xff, "0xa0000 goes to PCI (no VGA here)");
    cfg_writeb(0, I440FX_SMRAM, SMRAM_G_SMRAME | SMRAM_D_OPEN);
    tap_ok(readb(0xa0000) == 0x66, "G_SMRAME + D_OPEN show SMRAM to the CPU");
    cfg_writeb(0, I440FX_SMRAM, SMRAM_G_SMRAME | SMRAM_D_LCK | SMRAM_D_OPEN);
    tap_ok(cfg_readb(0, I440FX_SMRAM) == (SMRAM_G_SMRAME | SMRAM_D_LCK | 0x02) &&
               readb(0xa0000) == 0xff,
           "D_LCK closes SMRAM");
    cfg_writeb(0, I440FX_SMRAM, SMRAM_G_SMRAME | SMRAM_D_OPEN);
    tap_ok(cfg_readb(0, I440FX_SMRAM) == (SMRAM_G_SMRAME | SMRAM_D_LCK | 0x02) &&
               readb(0xa0000) == 0xff,
           "once locked, D_OPEN and D_LCK cannot be changed");
}

static void test_reset_control(void)
{
    outl(0xcf8, cfg_addr(0, 3, 0, 0));
    outb(0xcf9, PIIX3_RCR_SRST);
    tap_ok(reset_count == 0 && inb(0xcf9) == PIIX3_RCR_SRST, "RCR keeps SRST, no reset yet");
    tap_ok(inl(0xcf8) == cfg_addr(0, 3, 0, 0), "a byte write to 0xcf9 leaves CONFIG_ADDRESS");
    outb(0xcf9, PIIX3_RCR_SRST | PIIX3_RCR_RCPU);
    tap_ok(reset_count == 1 && reset_level == 1, "RCPU requests a hard reset");
    outb(0xcf9, PIIX3_RCR_RCPU);
    tap_ok(reset_count == 2 && reset_level == 2 && inb(0xcf9) == 0, "soft reset; RCPU reads 0");
}

typedef struct Saved {
    DeviceState *dev;
    VMStateBuffer buf;
} Saved;

static bool save_dev(Saved *sv, DeviceState *dev)
{
    VMStateStream st;
    Error *err = NULL;

    memset(sv, 0, sizeof(*sv));
    sv->dev = dev;
    vmstate_stream_init_buffer_writer(&st, &sv->buf);
    if (vmstate_save_state(&st, qdev_get_vmsd(dev), dev, &err) < 0) {
        error_report_err(err);
        return false;
    }
    return true;
}

static bool load_dev(Saved *sv)
{
    VMStateStream st;
    Error *err = NULL;
    const VMStateDescription *vmsd = qdev_get_vmsd(sv->dev);
    int r;

    vmstate_stream_init_buffer_reader(&st, &sv->buf);
    r = vmstate_load_state(&st, vmsd, sv->dev, vmsd->version_id, &err);
    if (r < 0) {
        error_report_err(err);
    }
    vmstate_buffer_free(&sv->buf);
    return r == 0;
}

static void test_vmstate(void)
{
    Saved sv[4];
    DeviceState *devs[4] = { DEVICE(host), DEVICE(host->func), DEVICE(piix3), DEVICE(tdev) };
    bool ok = true;
    uint32_t cfg_before[64];

    /* state: BARs mapped, INTA asserted and routed to 10, PAM0 = RO */
    cfg_writeb(0, I440FX_PAM, 0x10);
    writel(0xfe000004, 1);
    tap_ok(isa_level[10] == 1, "before saving: IRQ 10 up");
    for (int i = 0; i < 64; i++) {
        cfg_before[i] = cfg_readl(3, i * 4);
    }
    outl(0xcf8, cfg_addr(0, 1, 0, 0x60));
    for (int i = 0; i < 4; i++) {
        ok &= save_dev(&sv[i], devs[i]);
    }
    tap_ok(ok, "saved host, 00.0, PIIX3 and the test device");

    qdev_reset_all_devices();
    tap_ok(readl(0xfe000000) == 0xffffffff && readb(0xf0000) == bios_ptr[BIOS_SIZE - 0x10000] &&
               isa_level[10] == 0 && inl(0xcf8) == 0,
           "after reset: BARs off, PAM back to ROM, IRQ 10 low, CONFIG_ADDRESS 0");

    for (int i = 0; i < 4; i++) {
        ok &= load_dev(&sv[i]);
    }
    tap_ok(ok, "loaded the four states");
    tap_ok(inl(0xcf8) == cfg_addr(0, 1, 0, 0x60), "CONFIG_ADDRESS restored");
    bool same = true;
    for (int i = 0; i < 64; i++) {
        same &= cfg_readl(3, i * 4) == cfg_before[i];
    }
    tap_ok(same, "test device config space identical");
    tap_ok(readl(0xfe000000) == TEST_MAGIC && inw(0xc000) == 0x5a5a &&
               readl(0xfe000008) == 0x13572468,
           "BARs decode again after load");
    tap_ok(readb(0xf1234) == ram_ptr[0xf1234] && ram_ptr[0xf1234] != bios_ptr[BIOS_SIZE - 0xec],
           "PAM0 read-only restored");
    isa_level[10] = 1; /* what the restored interrupt controller would hold */
    writel(0xfe000004, 0);
    tap_ok(isa_level[10] == 0, "PIIX3 still drives IRQ 10: deasserting INTA lowers it");
    writel(0xfe000004, 1);
    tap_ok(isa_level[10] == 1, "and asserting raises it");
    writel(0xfe000004, 0);
}

static void test_device_option(void)
{
    Error *err = NULL;
    char *busname = NULL;
    DeviceState *d = qdev_new_from_options(TYPE_TEST_PCI ",addr=05.0", &busname, &err);

    tap_ok(d && qdev_realize(d, &bus->qbus, &err), "-device test-pci-dev,addr=05.0");
    tap_ok(cfg_readl(5, 0) == 0x11e81234, "the device answers at 05.0");
    char *path = qdev_get_dev_path(d);
    tap_ok(path && strcmp(path, "0000:00:05.0") == 0, "its path is 0000:00:05.0");
    free(path);
    free(busname);

    DeviceState *d2 = qdev_new_from_options(TYPE_TEST_PCI ",addr=5", NULL, &err);
    bool r = d2 && qdev_realize(d2, &bus->qbus, &err);
    tap_ok(!r && err && strstr(error_get_pretty(err), "already in use"),
           "a second device at slot 5 is refused");
    error_free(err);
    err = NULL;
    qdev_delete(d2);
    DeviceState *d3 = qdev_new_from_options(TYPE_TEST_PCI ",addr=20", NULL, &err);
    tap_ok(!d3 && err, "addr=20 (slot 32) is out of range");
    error_free(err);
    err = NULL;
    PCIDevice *autod = pci_create_simple(bus, -1, TYPE_TEST_PCI, &err);
    tap_ok(autod && autod->devfn == PCI_DEVFN(2, 0) && cfg_readl(2, 0) == 0x11e81234,
           "without addr= the first free slot (02.0) is used");
    qdev_delete(DEVICE(autod));
    tap_ok(cfg_readl(2, 0) == 0xffffffff, "deleting it empties slot 2");
    qdev_delete(d);
    tap_ok(cfg_readl(5, 0) == 0xffffffff, "deleting the -device one empties slot 5");
}

/* Whatever the guest writes to config space and the config ports, the
 * emulator survives and the bridges keep answering. */
static void test_random_config(void)
{
    uint32_t seed = 12345;
    static const int slots[] = { 0, 1, 3, 7, 31 };

    for (int i = 0; i < 20000; i++) {
        seed = seed * 1103515245u + 12345u;
        int slot = slots[(seed >> 8) % 5];
        int reg = (seed >> 12) & 0xff;
        uint32_t val = seed * 2654435761u;
        switch ((seed >> 20) % 5) {
        case 0:
            cfg_writeb(slot, reg, (uint8_t)val);
            break;
        case 1:
            cfg_writew(slot, reg & ~1, (uint16_t)val);
            break;
        case 2:
            cfg_writel(slot, reg & ~3, val);
            break;
        case 3:
            outb(0xcf8 + (seed >> 24) % 8, (uint8_t)val);
            inw(0xcfc + ((seed >> 27) & 2));
            break;
        default:
            cfg_readl(slot, reg & ~3);
            readl(0xfe000000);
            break;
        }
    }
    tap_ok(cfg_readl(0, 0) == 0x12378086 && cfg_readl(1, 0) == 0x70008086,
           "20000 random config-space writes later the bridges still answer");
}

int main(void)
{
    build_machine();
    test_config_mechanism();
    test_bars();
    test_intx();
    test_pam();
    test_smram();
    test_reset_control();
    test_vmstate();
    test_device_option();
    test_random_config();
    isa_bus_register_input_irqs(piix3_get_isa_bus(piix3), NULL);
    qemu_free_irqs(isa_lines, 16);
    memory_region_del_subregion(i440fx_get_pci_memory(host), &isa_bios);
    qdev_delete(DEVICE(host));
    qemu_free_irq(reset_line);
    tap_ok(qdev_first() == NULL && inl(0xcfc) == 0xffffffff && readb(0xf0000) == ram_ptr[0xf0000],
           "deleting the host bridge removes the bus, its devices and their mappings");
    bql_unlock();
    return tap_done();
}
