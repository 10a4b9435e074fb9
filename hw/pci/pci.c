/*
 * The PCI device base type ("pci-device") and the PCI bus: config space
 * with write masks, BARs mapped while the command register enables them,
 * the expansion ROM BAR, capabilities, INTx routing through the bus, and
 * the "info pci" listing. See include/hw/pci/pci.h for the contract.
 *
 * Modelled from the PCI Local Bus Specification 3.0, chapter 6 (type 0
 * header). Not modelled: PCI-to-PCI bridges (one root bus, number 0),
 * BIST, MSI/MSI-X delivery (devices add those capabilities themselves),
 * parity/SERR signalling, PCIe extended capabilities beyond the 4 KiB
 * config buffer.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hw/core/qdev-properties.h"
#include "hw/pci/pci.h"
#include "util/log.h"

static void *pci_calloc(size_t n)
{
    void *p = calloc(1, n ? n : 1);

    if (!p) {
        abort();
    }
    return p;
}

PCIBus *pci_get_bus(const PCIDevice *dev)
{
    return dev->bus;
}

/* ---- bus ---- */

PCIBus *pci_root_bus_new(DeviceState *parent, const char *name, MemoryRegion *mem, MemoryRegion *io)
{
    PCIBus *bus = pci_calloc(sizeof(*bus));

    qbus_init(&bus->qbus, BUS_KIND_PCI, parent, name);
    bus->address_space_mem = mem;
    bus->address_space_io = io;
    bus->bus_num = 0;
    return bus;
}

void pci_bus_irqs(PCIBus *bus, pci_set_irq_fn set_irq, pci_map_irq_fn map_irq, void *opaque,
                  int nirq)
{
    free(bus->irq_count);
    bus->set_irq = set_irq;
    bus->map_irq = map_irq;
    bus->irq_opaque = opaque;
    bus->nirq = nirq > 0 ? nirq : 0;
    bus->irq_count = nirq > 0 ? pci_calloc(sizeof(int) * nirq) : NULL;
    /* devices already asserting INTx count from now on */
    for (int i = 0; i < PCI_DEVFN_MAX; i++) {
        PCIDevice *d = bus->devices[i];
        if (map_irq && d && d->intx_asserted && d->config[PCI_INTERRUPT_PIN]) {
            int line = map_irq(d, d->config[PCI_INTERRUPT_PIN] - 1);
            if (line >= 0 && line < nirq) {
                bus->irq_count[line]++;
            }
        }
    }
}

int pci_bus_get_irq_level(PCIBus *bus, int line)
{
    if (!bus->irq_count || line < 0 || line >= bus->nirq) {
        return 0;
    }
    return bus->irq_count[line] != 0;
}

PCIDevice *pci_find_device(PCIBus *bus, int bus_num, int devfn)
{
    if (!bus || bus_num != bus->bus_num || devfn < 0 || devfn >= PCI_DEVFN_MAX) {
        return NULL;
    }
    return bus->devices[devfn];
}

/* ---- config space ---- */

uint32_t pci_default_read_config(PCIDevice *dev, uint32_t addr, unsigned len)
{
    uint32_t v = 0;

    for (unsigned i = 0; i < len && addr + i < dev->config_size; i++) {
        v |= (uint32_t)dev->config[addr + i] << (8 * i);
    }
    return v;
}

/* Re-derive what the bus sees of INTx after irq_level or the command
 * register changed; signal is false while loading state (the router then
 * restores its own view). */
static void pci_intx_update(PCIDevice *dev, bool signal)
{
    uint8_t pin = dev->config[PCI_INTERRUPT_PIN];
    uint16_t cmd = pci_get_word(dev->config + PCI_COMMAND);
    uint16_t status = pci_get_word(dev->config + PCI_STATUS);
    bool want = dev->irq_level && pin && !(cmd & PCI_COMMAND_INTX_DISABLE);
    PCIBus *bus = dev->bus;

    /* status bit 3 reflects the device's interrupt, masked or not */
    if (dev->irq_level && pin) {
        status |= PCI_STATUS_INTERRUPT;
    } else {
        status &= ~PCI_STATUS_INTERRUPT;
    }
    pci_set_word(dev->config + PCI_STATUS, status);

    if (want == dev->intx_asserted) {
        return;
    }
    dev->intx_asserted = want;
    if (!bus || !bus->map_irq || !bus->irq_count) {
        return;
    }
    int line = bus->map_irq(dev, pin - 1);
    if (line < 0 || line >= bus->nirq) {
        return;
    }
    bus->irq_count[line] += want ? 1 : -1;
    if (signal && bus->set_irq) {
        bus->set_irq(bus->irq_opaque, line, bus->irq_count[line] != 0);
    }
}

void pci_set_irq(PCIDevice *dev, int level)
{
    level = level != 0;
    if (dev->irq_level == level) {
        return;
    }
    dev->irq_level = level;
    pci_intx_update(dev, true);
}

static int pci_bar_offset(int n)
{
    return n == PCI_ROM_SLOT ? PCI_ROM_ADDRESS : PCI_BASE_ADDRESS_0 + 4 * n;
}

/* The address BAR n decodes now, or PCI_BAR_UNMAPPED. */
static pcibus_t pci_bar_address(PCIDevice *dev, int n)
{
    PCIIORegion *r = &dev->io_regions[n];
    uint16_t cmd = pci_get_word(dev->config + PCI_COMMAND);
    const uint8_t *bar = dev->config + pci_bar_offset(n);
    pcibus_t addr, last, limit;

    if (r->type & PCI_BASE_ADDRESS_SPACE_IO) {
        if (!(cmd & PCI_COMMAND_IO)) {
            return PCI_BAR_UNMAPPED;
        }
        addr = pci_get_long(bar) & PCI_BASE_ADDRESS_IO_MASK & 0xffffffffu;
    } else {
        if (!(cmd & PCI_COMMAND_MEMORY)) {
            return PCI_BAR_UNMAPPED;
        }
        if (n == PCI_ROM_SLOT) {
            if (!(pci_get_long(bar) & PCI_ROM_ADDRESS_ENABLE)) {
                return PCI_BAR_UNMAPPED;
            }
            addr = pci_get_long(bar) & PCI_ROM_ADDRESS_MASK & 0xffffffffu;
        } else if (r->type & PCI_BASE_ADDRESS_MEM_TYPE_64) {
            addr = pci_get_quad(bar) & PCI_BASE_ADDRESS_MEM_MASK;
        } else {
            addr = pci_get_long(bar) & PCI_BASE_ADDRESS_MEM_MASK & 0xffffffffu;
        }
    }
    /*
     * 0 means "not assigned". A BAR whose range wraps, or a 32-bit BAR
     * reaching 0xffffffff, is one the guest is sizing (all-ones written):
     * decoding it would cover the BIOS, so it stays unmapped meanwhile.
     */
    last = addr + r->size - 1;
    if (addr == 0 || last < addr) {
        return PCI_BAR_UNMAPPED;
    }
    if (!(r->type & PCI_BASE_ADDRESS_MEM_TYPE_64) && last >= 0xffffffffu) {
        return PCI_BAR_UNMAPPED;
    }
    limit = r->address_space ? memory_region_size(r->address_space) : 0;
    if (limit != UINT64_MAX && last >= limit) {
        return PCI_BAR_UNMAPPED;
    }
    return addr;
}

void pci_update_mappings(PCIDevice *dev)
{
    memory_region_transaction_begin();
    for (int n = 0; n < PCI_NUM_REGIONS; n++) {
        PCIIORegion *r = &dev->io_regions[n];
        pcibus_t addr;

        if (!r->size || !r->address_space) {
            continue;
        }
        addr = dev->config ? pci_bar_address(dev, n) : PCI_BAR_UNMAPPED;
        if (addr == r->addr) {
            continue;
        }
        if (r->addr != PCI_BAR_UNMAPPED) {
            memory_region_del_subregion(r->address_space, r->memory);
        }
        r->addr = addr;
        if (addr != PCI_BAR_UNMAPPED) {
            /* above the bus's own contents (the PC's ISA BIOS alias...) */
            memory_region_add_subregion_overlap(r->address_space, addr, r->memory, 1);
        }
    }
    memory_region_transaction_commit();
}

static void pci_unmap_all(PCIDevice *dev)
{
    memory_region_transaction_begin();
    for (int n = 0; n < PCI_NUM_REGIONS; n++) {
        PCIIORegion *r = &dev->io_regions[n];
        if (r->size && r->addr != PCI_BAR_UNMAPPED) {
            memory_region_del_subregion(r->address_space, r->memory);
            r->addr = PCI_BAR_UNMAPPED;
        }
    }
    memory_region_transaction_commit();
}

void pci_default_write_config(PCIDevice *dev, uint32_t addr, uint32_t val, unsigned len)
{
    for (unsigned i = 0; i < len && addr + i < dev->config_size; i++) {
        uint32_t a = addr + i;
        uint8_t b = val >> (8 * i);
        uint8_t wm = dev->wmask[a];
        uint8_t w1c = dev->w1cmask[a];

        dev->config[a] = (dev->config[a] & ~wm) | (b & wm);
        dev->config[a] &= ~(b & w1c);
    }
    if (pci_range_covers(addr, len, PCI_BASE_ADDRESS_0, 24) ||
        pci_range_covers(addr, len, PCI_ROM_ADDRESS, 4) ||
        pci_range_covers(addr, len, PCI_COMMAND, 2)) {
        pci_update_mappings(dev);
    }
    if (pci_range_covers(addr, len, PCI_COMMAND, 2)) {
        pci_intx_update(dev, true);
    }
}

uint32_t pci_config_read(PCIDevice *dev, uint32_t addr, unsigned len)
{
    if (dev->pci_class && dev->pci_class->config_read) {
        return dev->pci_class->config_read(dev, addr, len);
    }
    return pci_default_read_config(dev, addr, len);
}

void pci_config_write(PCIDevice *dev, uint32_t addr, uint32_t val, unsigned len)
{
    if (dev->pci_class && dev->pci_class->config_write) {
        dev->pci_class->config_write(dev, addr, val, len);
    } else {
        pci_default_write_config(dev, addr, val, len);
    }
}

static uint32_t all_ones(unsigned len)
{
    return len >= 4 ? 0xffffffffu : (1u << (8 * len)) - 1;
}

uint32_t pci_host_config_read_common(PCIBus *bus, uint8_t bus_num, uint8_t devfn, uint32_t reg,
                                     unsigned len)
{
    PCIDevice *dev = pci_find_device(bus, bus_num, devfn);

    /* a master abort: nobody claims the cycle, the bridge returns ones */
    if (!dev || !dev->qdev.realized || reg + len > dev->config_size) {
        return all_ones(len);
    }
    return pci_config_read(dev, reg, len) & all_ones(len);
}

void pci_host_config_write_common(PCIBus *bus, uint8_t bus_num, uint8_t devfn, uint32_t reg,
                                  uint32_t val, unsigned len)
{
    PCIDevice *dev = pci_find_device(bus, bus_num, devfn);

    if (!dev || !dev->qdev.realized || reg + len > dev->config_size) {
        return;
    }
    pci_config_write(dev, reg, val & all_ones(len), len);
}

/* ---- BARs ---- */

static bool is_pow2(uint64_t v)
{
    return v && !(v & (v - 1));
}

void pci_register_bar(PCIDevice *dev, int n, uint8_t type, MemoryRegion *mr)
{
    PCIIORegion *r;
    uint64_t size = memory_region_size(mr);
    uint64_t min = n == PCI_ROM_SLOT ? 0x800 : (type & PCI_BASE_ADDRESS_SPACE_IO) ? 4 : 16;
    bool is64 = !(type & PCI_BASE_ADDRESS_SPACE_IO) && (type & PCI_BASE_ADDRESS_MEM_TYPE_64);
    int off = pci_bar_offset(n);

    if (n < 0 || n > PCI_ROM_SLOT || (is64 && n >= PCI_NUM_BARS - 1) ||
        (n == PCI_ROM_SLOT && (type & PCI_BASE_ADDRESS_SPACE_IO)) || !is_pow2(size) || size < min ||
        dev->io_regions[n].size ||
        (n > 0 && n < PCI_NUM_BARS &&
         (dev->io_regions[n - 1].type & PCI_BASE_ADDRESS_MEM_TYPE_64) &&
         !(dev->io_regions[n - 1].type & PCI_BASE_ADDRESS_SPACE_IO) &&
         dev->io_regions[n - 1].size)) {
        error_report("%s: invalid BAR %d (type 0x%x, size 0x%" PRIx64 ")", dev->name, n, type,
                     size);
        abort();
    }
    if (n == PCI_ROM_SLOT) {
        type = PCI_BASE_ADDRESS_SPACE_MEMORY;
    }
    r = &dev->io_regions[n];
    r->addr = PCI_BAR_UNMAPPED;
    r->size = size;
    r->type = type;
    r->memory = mr;
    r->address_space = (type & PCI_BASE_ADDRESS_SPACE_IO) ? dev->bus->address_space_io
                                                          : dev->bus->address_space_mem;

    if (n == PCI_ROM_SLOT) {
        pci_set_long(dev->config + off, 0);
        pci_set_long(dev->wmask + off,
                     (uint32_t)(~(size - 1) & PCI_ROM_ADDRESS_MASK) | PCI_ROM_ADDRESS_ENABLE);
    } else if (type & PCI_BASE_ADDRESS_SPACE_IO) {
        pci_set_long(dev->config + off, type & 0x3);
        pci_set_long(dev->wmask + off, (uint32_t)(~(size - 1) & PCI_BASE_ADDRESS_IO_MASK));
    } else if (is64) {
        pci_set_quad(dev->config + off, type & 0xf);
        pci_set_quad(dev->wmask + off, ~(size - 1) & PCI_BASE_ADDRESS_MEM_MASK);
    } else {
        pci_set_long(dev->config + off, type & 0xf);
        pci_set_long(dev->wmask + off, (uint32_t)(~(size - 1) & PCI_BASE_ADDRESS_MEM_MASK));
    }
}

pcibus_t pci_get_bar_addr(PCIDevice *dev, int n)
{
    if (n < 0 || n >= PCI_NUM_REGIONS) {
        return PCI_BAR_UNMAPPED;
    }
    return dev->io_regions[n].addr;
}

/* ---- DMA ---- */

AddressSpace *pci_get_dma_as(PCIDevice *dev)
{
    return dev->bus && dev->bus->dma_as ? dev->bus->dma_as : &address_space_memory;
}

MemTxResult pci_dma_rw(PCIDevice *dev, hwaddr addr, void *buf, hwaddr len, bool is_write)
{
    MemTxAttrs attrs = MEMTXATTRS_UNSPECIFIED;

    if (!dev->config || !(pci_get_word(dev->config + PCI_COMMAND) & PCI_COMMAND_MASTER)) {
        log_mask_printf(LOG_GUEST_ERROR,
                        "%s: DMA %s of %llu bytes at 0x%llx without bus mastering enabled\n",
                        dev->name, is_write ? "write" : "read", (unsigned long long)len,
                        (unsigned long long)addr);
        if (!is_write) {
            memset(buf, 0xff, len);
        }
        return MEMTX_DECODE_ERROR;
    }
    attrs.unspecified = 0;
    attrs.requester_id = (uint16_t)((dev->bus ? dev->bus->bus_num : 0) << 8 | dev->devfn);
    return address_space_rw(pci_get_dma_as(dev), addr, attrs, buf, len, is_write);
}

/* ---- capabilities ---- */

int pci_add_capability(PCIDevice *dev, uint8_t cap_id, uint8_t offset, uint8_t size, Error **errp)
{
    uint32_t limit = PCI_CONFIG_SPACE_SIZE;

    if (size < 2) {
        error_setg(errp, "%s: capability 0x%x is too small (%u bytes)", dev->name, cap_id, size);
        return -1;
    }
    if (!offset) {
        /* first free dword-aligned range after the header */
        uint32_t o;
        for (o = PCI_CONFIG_HEADER_SIZE; o + size <= limit; o += 4) {
            bool busy = false;
            for (unsigned i = 0; i < size && !busy; i++) {
                busy = dev->used[o + i] != 0;
            }
            if (!busy) {
                break;
            }
        }
        if (o + size > limit) {
            error_setg(errp, "%s: no room for capability 0x%x (%u bytes)", dev->name, cap_id, size);
            return -1;
        }
        offset = (uint8_t)o;
    }
    if (offset < PCI_CONFIG_HEADER_SIZE || (offset & 3) || offset + (uint32_t)size > limit) {
        error_setg(errp, "%s: capability 0x%x at 0x%x (%u bytes) is outside 0x40..0xff", dev->name,
                   cap_id, offset, size);
        return -1;
    }
    for (unsigned i = 0; i < size; i++) {
        if (dev->used[offset + i]) {
            error_setg(errp, "%s: capability 0x%x at 0x%x overlaps another at 0x%x", dev->name,
                       cap_id, offset, offset + i);
            return -1;
        }
    }
    dev->config[offset] = cap_id;
    dev->config[offset + PCI_CAP_LIST_NEXT] = dev->config[PCI_CAPABILITY_LIST];
    dev->config[PCI_CAPABILITY_LIST] = offset;
    pci_set_word(dev->config + PCI_STATUS,
                 pci_get_word(dev->config + PCI_STATUS) | PCI_STATUS_CAP_LIST);
    memset(dev->wmask + offset, 0, size);
    memset(dev->w1cmask + offset, 0, size);
    memset(dev->used + offset, 0xff, size);
    return offset;
}

uint8_t pci_find_capability(PCIDevice *dev, uint8_t cap_id)
{
    uint8_t p;
    int guard = 0;

    if (!(pci_get_word(dev->config + PCI_STATUS) & PCI_STATUS_CAP_LIST)) {
        return 0;
    }
    for (p = dev->config[PCI_CAPABILITY_LIST]; p && guard < 64; guard++) {
        if (dev->config[p] == cap_id) {
            return p;
        }
        p = dev->config[p + PCI_CAP_LIST_NEXT];
    }
    return 0;
}

/* ---- the device type ---- */

static const PCIDeviceClass *pci_find_class(const DeviceTypeInfo *t)
{
    for (int depth = 0; t && depth < 16; depth++) {
        if (t->class_data) {
            return t->class_data;
        }
        t = t->parent ? device_type_find(t->parent) : NULL;
    }
    return NULL;
}

static void pci_init_masks(PCIDevice *dev)
{
    pci_set_word(dev->wmask + PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
                                               PCI_COMMAND_MASTER | PCI_COMMAND_PARITY |
                                               PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE);
    pci_set_word(dev->w1cmask + PCI_STATUS,
                 PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT | PCI_STATUS_REC_TARGET_ABORT |
                     PCI_STATUS_REC_MASTER_ABORT | PCI_STATUS_SIG_SYSTEM_ERROR |
                     PCI_STATUS_DETECTED_PARITY);
    dev->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    dev->wmask[PCI_LATENCY_TIMER] = 0xff;
    dev->wmask[PCI_INTERRUPT_LINE] = 0xff;
    /* device-specific registers: writable unless the device says otherwise */
    memset(dev->wmask + PCI_CONFIG_HEADER_SIZE, 0xff, dev->config_size - PCI_CONFIG_HEADER_SIZE);
    memset(dev->used, 0xff, PCI_CONFIG_HEADER_SIZE);
}

static bool pci_device_realize(DeviceState *qdev, Error **errp)
{
    PCIDevice *dev = (PCIDevice *)qdev;
    PCIBus *bus = (PCIBus *)qdev->parent_bus;
    const PCIDeviceClass *pc = pci_find_class(qdev->type);
    int devfn = dev->devfn;

    snprintf(dev->name, sizeof(dev->name), "%s", qdev->type->name);
    if (!pc) {
        error_setg(errp, "PCI device type '%s' has no PCIDeviceClass", qdev->type->name);
        return false;
    }
    if (pc->interrupt_pin > PCI_NUM_PINS) {
        error_setg(errp, "interrupt pin %u is not INTA..INTD", pc->interrupt_pin);
        return false;
    }
    if (devfn < 0) {
        for (devfn = 0; devfn < PCI_DEVFN_MAX; devfn += PCI_FUNC_MAX) {
            if (!bus->devices[devfn]) {
                break;
            }
        }
        if (devfn >= PCI_DEVFN_MAX) {
            error_setg(errp, "no free slot on PCI bus '%s'", bus->qbus.name);
            return false;
        }
    } else if (devfn >= PCI_DEVFN_MAX) {
        error_setg(errp, "PCI address 0x%x is out of range", devfn);
        return false;
    } else if (bus->devices[devfn]) {
        error_setg(errp, "PCI slot %02x.%x on bus '%s' is already in use by '%s'", PCI_SLOT(devfn),
                   PCI_FUNC(devfn), bus->qbus.name, bus->devices[devfn]->qdev.type->name);
        return false;
    }
    dev->devfn = devfn;
    dev->bus = bus;
    dev->pci_class = pc;
    dev->config_size = pc->pcie ? PCIE_CONFIG_SPACE_SIZE : PCI_CONFIG_SPACE_SIZE;
    dev->config = pci_calloc(dev->config_size);
    dev->wmask = pci_calloc(dev->config_size);
    dev->w1cmask = pci_calloc(dev->config_size);
    dev->used = pci_calloc(dev->config_size);
    for (int n = 0; n < PCI_NUM_REGIONS; n++) {
        dev->io_regions[n].addr = PCI_BAR_UNMAPPED;
    }

    pci_set_word(dev->config + PCI_VENDOR_ID, pc->vendor_id);
    pci_set_word(dev->config + PCI_DEVICE_ID, pc->device_id);
    dev->config[PCI_REVISION_ID] = pc->revision;
    dev->config[PCI_CLASS_PROG] = pc->prog_if;
    pci_set_word(dev->config + PCI_CLASS_DEVICE, pc->class_id);
    dev->config[PCI_HEADER_TYPE] =
        PCI_HEADER_TYPE_NORMAL | (pc->multifunction ? PCI_HEADER_TYPE_MULTI_FUNCTION : 0);
    if (pc->subsystem_vendor_id) {
        pci_set_word(dev->config + PCI_SUBSYSTEM_VENDOR_ID, pc->subsystem_vendor_id);
        pci_set_word(dev->config + PCI_SUBSYSTEM_ID, pc->subsystem_id);
    }
    dev->config[PCI_INTERRUPT_PIN] = pc->interrupt_pin;
    pci_init_masks(dev);
    bus->devices[devfn] = dev;
    return true;
}

static void pci_device_unrealize(DeviceState *qdev)
{
    PCIDevice *dev = (PCIDevice *)qdev;

    if (!dev->config) {
        return;
    }
    pci_set_irq(dev, 0);
    pci_unmap_all(dev);
    if (dev->bus && dev->bus->devices[dev->devfn] == dev) {
        dev->bus->devices[dev->devfn] = NULL;
    }
    free(dev->config);
    free(dev->wmask);
    free(dev->w1cmask);
    free(dev->used);
    dev->config = dev->wmask = dev->w1cmask = dev->used = NULL;
    memset(dev->io_regions, 0, sizeof(dev->io_regions));
}

/* The reset the bus's RST# gives: decoders off, BARs cleared, INTx low. */
static void pci_device_reset(DeviceState *qdev)
{
    PCIDevice *dev = (PCIDevice *)qdev;

    if (!dev->config) {
        return;
    }
    pci_set_irq(dev, 0);
    pci_set_word(dev->config + PCI_COMMAND,
                 pci_get_word(dev->config + PCI_COMMAND) & ~pci_get_word(dev->wmask + PCI_COMMAND));
    pci_set_word(dev->config + PCI_STATUS,
                 pci_get_word(dev->config + PCI_STATUS) & ~pci_get_word(dev->w1cmask + PCI_STATUS));
    dev->config[PCI_CACHE_LINE_SIZE] = 0;
    dev->config[PCI_LATENCY_TIMER] = 0;
    dev->config[PCI_INTERRUPT_LINE] = 0;
    for (int n = 0; n < PCI_NUM_REGIONS; n++) {
        PCIIORegion *r = &dev->io_regions[n];
        int off = pci_bar_offset(n);
        bool is64 =
            !(r->type & PCI_BASE_ADDRESS_SPACE_IO) && (r->type & PCI_BASE_ADDRESS_MEM_TYPE_64);

        if (!r->size) {
            continue;
        }
        /* keep the read-only type bits, clear the address */
        pci_set_long(dev->config + off,
                     pci_get_long(dev->config + off) & ~pci_get_long(dev->wmask + off));
        if (is64) {
            pci_set_long(dev->config + off + 4, 0);
        }
    }
    pci_update_mappings(dev);
}

static const Property pci_device_props[] = {
    DEFINE_PROP_PCI_DEVFN("addr", PCIDevice, devfn, -1),
    DEFINE_PROP_STRING("romfile", PCIDevice, romfile),
    DEFINE_PROP_END_OF_LIST(),
};

static int pci_device_post_load(void *opaque, int version_id)
{
    PCIDevice *dev = opaque;

    pci_update_mappings(dev);
    pci_intx_update(dev, false);
    return 0;
}

const VMStateDescription vmstate_pci_device = {
    .name = "PCIDevice",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = pci_device_post_load,
    .fields =
        (const VMStateField[]){
            VMSTATE_VBUFFER_UINT32(config, PCIDevice, 0, NULL, config_size),
            VMSTATE_UINT8(irq_level, PCIDevice),
            VMSTATE_END_OF_LIST(),
        },
};

static const DeviceTypeInfo pci_device_info = {
    .name = TYPE_PCI_DEVICE,
    .bus_kind = BUS_KIND_PCI,
    .instance_size = sizeof(PCIDevice),
    .abstract = true,
    .props = pci_device_props,
    .vmsd = &vmstate_pci_device,
    .realize = pci_device_realize,
    .unrealize = pci_device_unrealize,
    .reset = pci_device_reset,
    .desc = "PCI device (base type)",
};
DEVICE_TYPE(pci_device_info)

PCIDevice *pci_create_simple(PCIBus *bus, int devfn, const char *type, Error **errp)
{
    DeviceState *dev = qdev_new(type, errp);

    if (!dev) {
        return NULL;
    }
    if (!qdev_is_a(dev, TYPE_PCI_DEVICE)) {
        error_setg(errp, "'%s' is not a PCI device", type);
        qdev_delete(dev);
        return NULL;
    }
    qdev_prop_set_int32(dev, "addr", devfn);
    if (!qdev_realize(dev, &bus->qbus, errp)) {
        qdev_delete(dev);
        return NULL;
    }
    return (PCIDevice *)dev;
}

/* ---- bus kind hooks and "info pci" ---- */

static char *pci_get_dev_path(DeviceState *qdev)
{
    PCIDevice *dev = (PCIDevice *)qdev;
    char *s;

    if (asprintf(&s, "0000:%02x:%02x.%x", dev->bus ? dev->bus->bus_num : 0, PCI_SLOT(dev->devfn),
                 PCI_FUNC(dev->devfn)) < 0) {
        abort();
    }
    return s;
}

static void pci_print_dev(FILE *out, DeviceState *qdev, int indent)
{
    PCIDevice *dev = (PCIDevice *)qdev;

    if (!dev->config) {
        return;
    }
    fprintf(out, "%*saddr = %02x.%x\n", indent, "", PCI_SLOT(dev->devfn), PCI_FUNC(dev->devfn));
    fprintf(out, "%*spci id = %04x:%04x (class %04x)\n", indent, "",
            pci_get_word(dev->config + PCI_VENDOR_ID), pci_get_word(dev->config + PCI_DEVICE_ID),
            pci_get_word(dev->config + PCI_CLASS_DEVICE));
    for (int n = 0; n < PCI_NUM_REGIONS; n++) {
        PCIIORegion *r = &dev->io_regions[n];
        if (r->size) {
            fprintf(out, "%*sbar %d: %s at 0x%" PRIx64 " [0x%" PRIx64 "]\n", indent, "", n,
                    (r->type & PCI_BASE_ADDRESS_SPACE_IO) ? "i/o" : "mem", r->addr, r->size - 1);
        }
    }
}

static const BusTypeInfo pci_bus_type_info = {
    .name = BUS_KIND_PCI,
    .get_dev_path = pci_get_dev_path,
    .print_dev = pci_print_dev,
};
BUS_TYPE(pci_bus_type_info)

static const char *pci_class_name(uint16_t class_id)
{
    static const struct {
        uint16_t id;
        const char *name;
    } names[] = {
        { 0x0100, "SCSI controller" },     { 0x0101, "IDE controller" },
        { 0x0106, "SATA controller" },     { 0x0180, "Storage controller" },
        { 0x0200, "Ethernet controller" }, { 0x0300, "VGA controller" },
        { 0x0380, "Display controller" },  { 0x0401, "Audio controller" },
        { 0x0600, "Host bridge" },         { 0x0601, "ISA bridge" },
        { 0x0604, "PCI bridge" },          { 0x0680, "Bridge" },
        { 0x0c03, "USB controller" },      { 0x0c05, "SMBus" },
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (names[i].id == class_id) {
            return names[i].name;
        }
    }
    return NULL;
}

void pci_print_info(FILE *out, PCIBus *bus)
{
    for (int devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        PCIDevice *dev = bus->devices[devfn];
        uint16_t class_id, cmd;
        const char *cname;

        if (!dev || !dev->config) {
            continue;
        }
        class_id = pci_get_word(dev->config + PCI_CLASS_DEVICE);
        cmd = pci_get_word(dev->config + PCI_COMMAND);
        cname = pci_class_name(class_id);
        fprintf(out, "  Bus %2d, device %3d, function %d:\n", bus->bus_num, PCI_SLOT(devfn),
                PCI_FUNC(devfn));
        if (cname) {
            fprintf(out, "    %s:", cname);
        } else {
            fprintf(out, "    Class %04x:", class_id);
        }
        fprintf(out, " PCI device %04x:%04x\n", pci_get_word(dev->config + PCI_VENDOR_ID),
                pci_get_word(dev->config + PCI_DEVICE_ID));
        if (pci_get_word(dev->config + PCI_SUBSYSTEM_VENDOR_ID)) {
            fprintf(out, "      PCI subsystem %04x:%04x\n",
                    pci_get_word(dev->config + PCI_SUBSYSTEM_VENDOR_ID),
                    pci_get_word(dev->config + PCI_SUBSYSTEM_ID));
        }
        if (dev->config[PCI_INTERRUPT_PIN]) {
            fprintf(out, "      IRQ %d, pin %c.\n", dev->config[PCI_INTERRUPT_LINE],
                    'A' + dev->config[PCI_INTERRUPT_PIN] - 1);
        }
        for (int n = 0; n < PCI_NUM_REGIONS; n++) {
            PCIIORegion *r = &dev->io_regions[n];
            const char *label = n == PCI_ROM_SLOT ? "ROM" : "BAR";
            bool io = r->type & PCI_BASE_ADDRESS_SPACE_IO;
            bool mapped;
            pcibus_t base;

            if (!r->size) {
                continue;
            }
            /* show what the guest programmed, and whether it decodes */
            base = n == PCI_ROM_SLOT ? pci_get_long(dev->config + PCI_ROM_ADDRESS) &
                                           PCI_ROM_ADDRESS_MASK & 0xffffffffu
                   : io ? pci_get_long(dev->config + pci_bar_offset(n)) & ~(pcibus_t)3 & 0xffffffffu
                   : (r->type & PCI_BASE_ADDRESS_MEM_TYPE_64)
                       ? pci_get_quad(dev->config + pci_bar_offset(n)) & PCI_BASE_ADDRESS_MEM_MASK
                       : pci_get_long(dev->config + pci_bar_offset(n)) & PCI_BASE_ADDRESS_MEM_MASK &
                             0xffffffffu;
            mapped = r->addr != PCI_BAR_UNMAPPED;
            if (n == PCI_ROM_SLOT) {
                fprintf(out, "      %s: ", label);
            } else {
                fprintf(out, "      %s%d: ", label, n);
            }
            if (io) {
                fprintf(out, "I/O at 0x%04" PRIx64 " [0x%04" PRIx64 "]", base, base + r->size - 1);
            } else {
                fprintf(out, "%s%s memory at 0x%08" PRIx64 " [0x%08" PRIx64 "]",
                        (r->type & PCI_BASE_ADDRESS_MEM_TYPE_64) ? "64 bit" : "32 bit",
                        (r->type & PCI_BASE_ADDRESS_MEM_PREFETCH) ? " prefetchable" : "", base,
                        base + r->size - 1);
            }
            fprintf(out, "%s.\n",
                    mapped                                               ? ""
                    : (cmd & (io ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY)) ? " (not mapped)"
                                                                         : " (disabled)");
        }
        fprintf(out, "      id \"%s\"\n", dev->qdev.id ? dev->qdev.id : "");
    }
}

char *pci_format_info(PCIBus *bus)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    if (!f) {
        abort();
    }
    pci_print_info(f, bus);
    fclose(f);
    return buf;
}
