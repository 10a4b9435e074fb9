/*
 * "VGA": the standard VGA as a PCI function (QEMU's "stdvga"; the Bochs
 * display interface): vendor 1234, device 1111, class 0300, revision 2.
 *   BAR0  the linear framebuffer: the video memory, prefetchable;
 *   BAR2  4 KiB of MMIO:
 *         0x000-0x3ff  EDID (not provided: reads as all-ones)
 *         0x400-0x41f  the VGA ports 0x3c0-0x3df, one to one (a word write
 *                      to an index port sets index and data, low byte first)
 *         0x500-0x515  the Bochs VBE registers, register i at 0x500 + 2*i
 *         0x600-0x607  extended registers: 0x600 their size (8), 0x604 the
 *                      framebuffer byte order (0x1e1e1e1e little endian;
 *                      big endian, 0xbebebebe, is refused)
 *   ROM   the VGA BIOS when "romfile" names one (the PC machine sets it to
 *         SeaBIOS' vgabios-stdvga.bin); a bare file name is also looked
 *         up in /usr/share/seabios.
 * It also decodes the legacy VGA ports, the VBE ports 0x1ce/0x1cf and the
 * 0xa0000 window on its bus, as a PCI VGA device does.
 *
 * Properties: vgamem_mb (video memory in MiB, power of two, default 16).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/core/qdev-properties.h"
#include "hw/display/vga-pci.h"
#include "hw/pci/pci.h"
#include "util/log.h"

#define VGA_MMIO_SIZE      0x1000
#define VGA_MMIO_IOPORTS   0x400
#define VGA_MMIO_VBE       0x500
#define VGA_MMIO_QEXT      0x600
#define VGA_QEXT_SIZE      8
#define VGA_QEXT_LITTLE    0x1e1e1e1eu
#define VGA_QEXT_BIG       0xbebebebeu
#define VGA_ROM_SEARCH_DIR "/usr/share/seabios"

typedef struct PCIVGAState {
    PCIDevice parent;
    VGACommonState vga;
    MemoryRegion mmio;
    MemoryRegion mmio_ioports;
    MemoryRegion mmio_vbe;
    MemoryRegion mmio_qext;
    MemoryRegion rom;
    bool has_rom;
} PCIVGAState;

#define PCI_VGA(obj) QDEV_CHECK(PCIVGAState, obj, TYPE_PCI_VGA)

static uint64_t mmio_ioport_read(void *opaque, hwaddr addr, unsigned size)
{
    return vga_ioport_read(opaque, 0x3c0 + addr);
}

static void mmio_ioport_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    vga_ioport_write(opaque, 0x3c0 + addr, val);
}

static const MemoryRegionOps mmio_ioport_ops = {
    .read = mmio_ioport_read,
    .write = mmio_ioport_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static uint64_t mmio_vbe_read(void *opaque, hwaddr addr, unsigned size)
{
    return vbe_read_reg(opaque, addr >> 1);
}

static void mmio_vbe_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    vbe_write_reg(opaque, addr >> 1, val);
}

static const MemoryRegionOps mmio_vbe_ops = {
    .read = mmio_vbe_read,
    .write = mmio_vbe_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 2, .max_access_size = 2 },
};

static uint64_t mmio_qext_read(void *opaque, hwaddr addr, unsigned size)
{
    return addr == 0 ? VGA_QEXT_SIZE : VGA_QEXT_LITTLE;
}

static void mmio_qext_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    if (addr == 4 && val != VGA_QEXT_LITTLE) {
        log_mask_printf(LOG_UNIMP, "vga: big-endian framebuffer not supported\n");
    }
}

static const MemoryRegionOps mmio_qext_ops = {
    .read = mmio_qext_read,
    .write = mmio_qext_write,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

/* Read the option ROM file into a ROM region registered as the ROM BAR. */
static bool vga_pci_load_rom(PCIVGAState *d, const char *name, Error **errp)
{
    char path[4096];
    FILE *f;
    long len;
    uint64_t size = 0x800;
    uint8_t *p;

    f = fopen(name, "rb");
    if (!f && !strchr(name, '/')) {
        snprintf(path, sizeof(path), "%s/%s", VGA_ROM_SEARCH_DIR, name);
        f = fopen(path, "rb");
    }
    if (!f) {
        error_setg_errno(errp, errno, "cannot open the VGA BIOS '%s'", name);
        return false;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) <= 0 || len > 16 * 1024 * 1024 ||
        fseek(f, 0, SEEK_SET) != 0) {
        error_setg(errp, "the VGA BIOS '%s' is empty or unreadable", name);
        fclose(f);
        return false;
    }
    while (size < (uint64_t)len) {
        size <<= 1;
    }
    if (!memory_region_init_rom(&d->rom, d, "vga.rom", size, errp)) {
        fclose(f);
        return false;
    }
    p = memory_region_get_ram_ptr(&d->rom);
    if (fread(p, 1, len, f) != (size_t)len) {
        error_setg(errp, "short read of the VGA BIOS '%s'", name);
        fclose(f);
        memory_region_finalize(&d->rom);
        return false;
    }
    fclose(f);
    d->has_rom = true;
    pci_register_bar(&d->parent, PCI_ROM_SLOT, PCI_BASE_ADDRESS_SPACE_MEMORY, &d->rom);
    return true;
}

/* Finalize what realize made; none of it may be mapped any more. */
static void vga_pci_free_regions(PCIVGAState *d)
{
    memory_region_del_subregion(&d->mmio, &d->mmio_ioports);
    memory_region_del_subregion(&d->mmio, &d->mmio_vbe);
    memory_region_del_subregion(&d->mmio, &d->mmio_qext);
    memory_region_finalize(&d->mmio_ioports);
    memory_region_finalize(&d->mmio_vbe);
    memory_region_finalize(&d->mmio_qext);
    memory_region_finalize(&d->mmio);
    if (d->has_rom) {
        memory_region_finalize(&d->rom);
        d->has_rom = false;
    }
    vga_common_fini(&d->vga);
}

static bool vga_pci_realize(DeviceState *dev, Error **errp)
{
    PCIVGAState *d = PCI_VGA(dev);
    PCIBus *bus = pci_get_bus(&d->parent);

    if (!vga_common_init(&d->vga, d, errp)) {
        return false;
    }
    memory_region_init(&d->mmio, d, "vga.mmio", VGA_MMIO_SIZE);
    memory_region_init_io(&d->mmio_ioports, d, &mmio_ioport_ops, &d->vga, "vga ioports remapped",
                          0x20);
    memory_region_init_io(&d->mmio_vbe, d, &mmio_vbe_ops, &d->vga, "bochs dispi interface",
                          2 * VBE_DISPI_INDEX_NB);
    memory_region_init_io(&d->mmio_qext, d, &mmio_qext_ops, &d->vga, "qemu extended regs",
                          VGA_QEXT_SIZE);
    memory_region_add_subregion(&d->mmio, VGA_MMIO_IOPORTS, &d->mmio_ioports);
    memory_region_add_subregion(&d->mmio, VGA_MMIO_VBE, &d->mmio_vbe);
    memory_region_add_subregion(&d->mmio, VGA_MMIO_QEXT, &d->mmio_qext);

    /* the ROM first: nothing points at the regions if it fails */
    if (d->parent.romfile && d->parent.romfile[0] &&
        !vga_pci_load_rom(d, d->parent.romfile, errp)) {
        vga_pci_free_regions(d);
        return false;
    }
    pci_register_bar(&d->parent, 0, PCI_BASE_ADDRESS_MEM_PREFETCH, &d->vga.vram);
    pci_register_bar(&d->parent, 2, PCI_BASE_ADDRESS_SPACE_MEMORY, &d->mmio);
    vga_map_legacy(&d->vga, bus->address_space_mem, bus->address_space_io);
    return true;
}

static void vga_pci_unrealize(DeviceState *dev)
{
    PCIVGAState *d = PCI_VGA(dev);
    PCIBus *bus = pci_get_bus(&d->parent);

    /* the PCI base unmaps the BARs after this: the regions are finalized
     * in instance_finalize, once nothing maps them */
    vga_unmap_legacy(&d->vga, bus->address_space_mem, bus->address_space_io);
}

static void vga_pci_finalize(DeviceState *dev)
{
    PCIVGAState *d = PCI_VGA(dev);

    if (d->vga.vram_ptr) {
        vga_pci_free_regions(d);
    }
}

static void vga_pci_reset(DeviceState *dev)
{
    vga_common_reset(&PCI_VGA(dev)->vga);
}

static const Property vga_pci_props[] = {
    DEFINE_PROP_UINT32("vgamem_mb", PCIVGAState, vga.vram_size_mb, 16),
    DEFINE_PROP_END_OF_LIST(),
};

static const VMStateDescription vmstate_vga_pci = {
    .name = "vga",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields =
        (const VMStateField[]){
            VMSTATE_PCI_DEVICE(parent, PCIVGAState),
            VMSTATE_VGA_COMMON(vga, PCIVGAState),
            VMSTATE_END_OF_LIST(),
        },
};

static const PCIDeviceClass vga_pci_class = {
    .vendor_id = 0x1234,
    .device_id = 0x1111,
    .revision = 2,
    .class_id = PCI_CLASS_DISPLAY_VGA,
    .subsystem_vendor_id = PCI_SUBVENDOR_ID_REDHAT_QUMRANET,
    .subsystem_id = PCI_SUBDEVICE_ID_QEMU,
};

static const DeviceTypeInfo vga_pci_info = {
    .name = TYPE_PCI_VGA,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(PCIVGAState),
    .user_creatable = true,
    .desc = "standard VGA with Bochs VBE extensions",
    .category = DEVICE_CATEGORY_DISPLAY,
    .props = vga_pci_props,
    .vmsd = &vmstate_vga_pci,
    .realize = vga_pci_realize,
    .unrealize = vga_pci_unrealize,
    .instance_finalize = vga_pci_finalize,
    .reset = vga_pci_reset,
    .class_data = &vga_pci_class,
};
DEVICE_TYPE(vga_pci_info)

VGACommonState *pci_vga_get_state(PCIDevice *dev)
{
    return &PCI_VGA(dev)->vga;
}
