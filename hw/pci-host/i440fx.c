/*
 * Intel 82441FX PMC (i440FX): the PC's host bridge.
 *
 * "i440FX-pcihost" (sys-bus) owns config mechanism #1, the root PCI bus and
 * the PCI memory window (the hole between the top of low RAM and 4 GiB,
 * and an optional 64-bit window). "i440FX" is its PCI function 00.0 with
 * the registers that shape the memory map below 1 MiB:
 *   PAM0-PAM6 (0x59-0x5f): for each of 13 segments of 0xc0000-0xfffff,
 *     read enable / write enable choose between the PCI side (the BIOS
 *     ROM, option ROMs), read-only RAM, write-only RAM (reads from PCI:
 *     how a BIOS copies itself into shadow RAM) and read-write RAM.
 *   SMRAM (0x72): with G_SMRAME and D_OPEN, 0xa0000-0xbffff shows RAM
 *     instead of the PCI side (VGA). There is no SMM in Tern: only the
 *     non-SMM view is modelled, D_CLS has no effect, and D_LCK locks
 *     D_OPEN/D_LCK/G_SMRAME until reset as the datasheet says.
 * Each segment has four memory regions over it, one enabled at a time;
 * switching is one memory transaction.
 *
 * Datasheet: Intel 440FX PCIset 82441FX PMC and 82442FX DBX, sections
 * 3.2.16 (PAM) and 3.2.20 (SMRAM). Not modelled: DRAM configuration and
 * timing registers (plain read/write storage), error reporting, the
 * 82442FX data buffers.
 */
#include <stdlib.h>
#include <string.h>

#include "hw/core/qdev-properties.h"
#include "hw/pci-host/i440fx.h"
#include "util/log.h"

/* ---- PAM ---- */

/* Write-only segment: reads see the PCI side, writes land in RAM. */
static uint64_t pam_wo_read(void *opaque, hwaddr addr, unsigned size)
{
    PAMSegment *seg = opaque;
    I440FXHost *h = seg->owner->host;
    uint8_t buf[8] = { 0 };
    uint64_t v = 0;

    address_space_read(&h->pci_as, seg->start + addr, MEMTXATTRS_UNSPECIFIED, buf, size);
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)buf[i] << (8 * i);
    }
    return v;
}

static void pam_wo_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    PAMSegment *seg = opaque;
    MemoryRegion *ram = seg->owner->host->ram_memory;
    uint8_t *host = memory_region_get_ram_ptr(ram);
    hwaddr off = seg->start + addr;

    /* code translated from these bytes must go before they change */
    memory_region_set_dirty(ram, off, size);
    for (unsigned i = 0; i < size; i++) {
        host[off + i] = data >> (8 * i);
    }
}

static const MemoryRegionOps pam_wo_ops = {
    .read = pam_wo_read,
    .write = pam_wo_write,
    .valid = { .min_access_size = 1, .max_access_size = 8, .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 8, .unaligned = true },
};

static void pam_init_segment(I440FXState *d, int i)
{
    I440FXHost *h = d->host;
    PAMSegment *seg = &d->pam[i];
    char name[32];

    seg->owner = d;
    seg->start = i == 0 ? PAM_BIOS_BASE : PAM_EXPAN_BASE + (hwaddr)(i - 1) * PAM_EXPAN_SIZE;
    seg->size = i == 0 ? PAM_BIOS_SIZE : PAM_EXPAN_SIZE;
    seg->mode = PAM_MODE_PCI;

    snprintf(name, sizeof(name), "pam-pci-%x", (unsigned)(seg->start >> 12));
    memory_region_init_alias(&seg->view[PAM_MODE_PCI], d, name, h->pci_memory, seg->start,
                             seg->size);
    snprintf(name, sizeof(name), "pam-rom-%x", (unsigned)(seg->start >> 12));
    memory_region_init_alias(&seg->view[PAM_MODE_RO], d, name, h->ram_memory, seg->start,
                             seg->size);
    memory_region_set_readonly(&seg->view[PAM_MODE_RO], true);
    snprintf(name, sizeof(name), "pam-wo-%x", (unsigned)(seg->start >> 12));
    memory_region_init_io(&seg->view[PAM_MODE_WO], d, &pam_wo_ops, seg, name, seg->size);
    snprintf(name, sizeof(name), "pam-ram-%x", (unsigned)(seg->start >> 12));
    memory_region_init_alias(&seg->view[PAM_MODE_RW], d, name, h->ram_memory, seg->start,
                             seg->size);
    for (int m = 0; m < 4; m++) {
        memory_region_set_enabled(&seg->view[m], m == PAM_MODE_PCI);
        memory_region_add_subregion_overlap(h->system_memory, seg->start, &seg->view[m], 1);
    }
}

/* The attribute nibble of segment i: PAM0[7:4] for the BIOS segment, then
 * PAM1[3:0], PAM1[7:4], PAM2[3:0]... for 0xc0000 upwards. */
static PAMMode pam_mode_of(I440FXState *d, int i)
{
    uint8_t reg, nib;

    if (i == 0) {
        reg = d->parent.config[I440FX_PAM];
        nib = reg >> 4;
    } else {
        reg = d->parent.config[I440FX_PAM + (i + 1) / 2];
        nib = (i & 1) ? reg & 0xf : reg >> 4;
    }
    return (PAMMode)(nib & (PAM_RE | PAM_WE));
}

static void i440fx_update_memory(I440FXState *d)
{
    uint8_t smram = d->parent.config[I440FX_SMRAM];

    memory_region_transaction_begin();
    for (int i = 0; i < PAM_NUM_SEGMENTS; i++) {
        PAMSegment *seg = &d->pam[i];
        PAMMode m = pam_mode_of(d, i);
        if (m != seg->mode) {
            memory_region_set_enabled(&seg->view[seg->mode], false);
            memory_region_set_enabled(&seg->view[m], true);
            seg->mode = m;
        }
    }
    /* outside SMM, SMRAM shows only while globally enabled and opened */
    memory_region_set_enabled(&d->smram_region,
                              !((smram & SMRAM_G_SMRAME) && (smram & SMRAM_D_OPEN)));
    memory_region_transaction_commit();
}

/* ---- the PCI function 00.0 ---- */

static void i440fx_smram_lock_masks(I440FXState *d)
{
    PCIDevice *pd = &d->parent;

    if (pd->config[I440FX_SMRAM] & SMRAM_D_LCK) {
        pd->config[I440FX_SMRAM] &= ~SMRAM_D_OPEN;
        pd->wmask[I440FX_SMRAM] = SMRAM_D_CLS;
    } else {
        pd->wmask[I440FX_SMRAM] = SMRAM_D_OPEN | SMRAM_D_CLS | SMRAM_D_LCK | SMRAM_G_SMRAME;
    }
}

static void i440fx_config_write(PCIDevice *pd, uint32_t addr, uint32_t val, unsigned len)
{
    I440FXState *d = (I440FXState *)pd;

    if (pci_range_covers(addr, len, I440FX_SMRAM, 1) && (pd->config[I440FX_SMRAM] & SMRAM_D_LCK) &&
        ((val >> (8 * (I440FX_SMRAM - addr))) & (SMRAM_D_OPEN | SMRAM_G_SMRAME | SMRAM_D_LCK)) !=
            (pd->config[I440FX_SMRAM] & (SMRAM_D_OPEN | SMRAM_G_SMRAME | SMRAM_D_LCK))) {
        log_mask_printf(LOG_GUEST_ERROR, "i440FX: SMRAM register is locked (D_LCK)\n");
    }
    pci_default_write_config(pd, addr, val, len);
    if (pci_range_covers(addr, len, I440FX_PAM, I440FX_PAM_SIZE) ||
        pci_range_covers(addr, len, I440FX_SMRAM, 1)) {
        i440fx_smram_lock_masks(d);
        i440fx_update_memory(d);
    }
}

static bool i440fx_realize(DeviceState *dev, Error **errp)
{
    I440FXState *d = (I440FXState *)dev;
    PCIDevice *pd = &d->parent;
    PCIHostState *ph = pci_bus_get_host(pd->bus);

    if (!ph || !qdev_is_a(DEVICE(ph), TYPE_I440FX_PCI_HOST_BRIDGE)) {
        error_setg(errp, "the i440FX function must sit on the bus of an %s",
                   TYPE_I440FX_PCI_HOST_BRIDGE);
        return false;
    }
    d->host = (I440FXHost *)ph;
    if (d->host->func) {
        error_setg(errp, "this host bridge already has its i440FX function");
        return false;
    }
    d->host->func = d;

    /* reserved PAM bits (PAM0[3:0], bits 7:6 and 3:2) read as 0 */
    pd->wmask[I440FX_PAM] = 0x30;
    for (int i = 1; i < I440FX_PAM_SIZE; i++) {
        pd->wmask[I440FX_PAM + i] = 0x33;
    }
    pd->config[I440FX_SMRAM] = SMRAM_C_BASE_SEG;
    i440fx_smram_lock_masks(d);

    memory_region_transaction_begin();
    memory_region_init_alias(&d->smram_region, d, "smram-region", d->host->pci_memory, 0xa0000,
                             0x20000);
    memory_region_add_subregion_overlap(d->host->system_memory, 0xa0000, &d->smram_region, 1);
    for (int i = 0; i < PAM_NUM_SEGMENTS; i++) {
        pam_init_segment(d, i);
    }
    memory_region_transaction_commit();
    return true;
}

static void i440fx_unrealize(DeviceState *dev)
{
    I440FXState *d = (I440FXState *)dev;
    MemoryRegion *sys = d->host->system_memory;

    memory_region_transaction_begin();
    memory_region_del_subregion(sys, &d->smram_region);
    for (int i = 0; i < PAM_NUM_SEGMENTS; i++) {
        for (int m = 0; m < 4; m++) {
            memory_region_del_subregion(sys, &d->pam[i].view[m]);
        }
    }
    memory_region_transaction_commit();
    memory_region_finalize(&d->smram_region);
    for (int i = 0; i < PAM_NUM_SEGMENTS; i++) {
        for (int m = 0; m < 4; m++) {
            memory_region_finalize(&d->pam[i].view[m]);
        }
    }
    d->host->func = NULL;
}

static void i440fx_reset(DeviceState *dev)
{
    I440FXState *d = (I440FXState *)dev;
    PCIDevice *pd = &d->parent;

    /* BIOS segment and expansion segments go to PCI: the CPU fetches the
     * reset vector's alias from the ROM */
    memset(pd->config + I440FX_PAM, 0, I440FX_PAM_SIZE);
    pd->config[I440FX_SMRAM] = SMRAM_C_BASE_SEG;
    i440fx_smram_lock_masks(d);
    i440fx_update_memory(d);
}

static int i440fx_post_load(void *opaque, int version_id)
{
    I440FXState *d = opaque;

    i440fx_smram_lock_masks(d);
    i440fx_update_memory(d);
    return 0;
}

static const VMStateDescription vmstate_i440fx = {
    .name = "i440FX",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = i440fx_post_load,
    .fields =
        (const VMStateField[]){
            VMSTATE_PCI_DEVICE(parent, I440FXState),
            VMSTATE_END_OF_LIST(),
        },
};

static const PCIDeviceClass i440fx_class = {
    .vendor_id = PCI_VENDOR_ID_INTEL,
    .device_id = PCI_DEVICE_ID_INTEL_82441,
    .revision = 0x02,
    .class_id = PCI_CLASS_BRIDGE_HOST,
    .config_write = i440fx_config_write,
};

static const DeviceTypeInfo i440fx_info = {
    .name = TYPE_I440FX_PCI_DEVICE,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(I440FXState),
    .class_data = &i440fx_class,
    .realize = i440fx_realize,
    .unrealize = i440fx_unrealize,
    .reset = i440fx_reset,
    .vmsd = &vmstate_i440fx,
    .desc = "Intel 82441FX host bridge, PCI function 00.0",
    .category = DEVICE_CATEGORY_BRIDGE,
};
DEVICE_TYPE(i440fx_info)

/* ---- the host ---- */

/* A PCI memory cycle nobody claims ends in a master abort. */
static uint64_t master_abort_read(void *opaque, hwaddr addr, unsigned size)
{
    log_mask_printf(LOG_GUEST_ERROR, "i440FX: %u-byte read of unclaimed PCI memory 0x%llx\n", size,
                    (unsigned long long)addr);
    return size >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * size)) - 1;
}

static void master_abort_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    log_mask_printf(LOG_GUEST_ERROR, "i440FX: %u-byte write to unclaimed PCI memory 0x%llx\n", size,
                    (unsigned long long)addr);
}

static const MemoryRegionOps master_abort_ops = {
    .read = master_abort_read,
    .write = master_abort_write,
    .valid = { .min_access_size = 1, .max_access_size = 8, .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 8, .unaligned = true },
};

static void i440fx_host_unrealize(DeviceState *dev)
{
    I440FXHost *h = (I440FXHost *)dev;
    PCIHostState *ph = &h->parent;

    memory_region_transaction_begin();
    if (memory_region_is_mapped(&h->pci_hole)) {
        memory_region_del_subregion(h->system_memory, &h->pci_hole);
    }
    if (memory_region_is_mapped(&h->pci_hole64)) {
        memory_region_del_subregion(h->system_memory, &h->pci_hole64);
    }
    if (memory_region_is_mapped(&h->master_abort)) {
        memory_region_del_subregion(h->pci_memory, &h->master_abort);
    }
    if (memory_region_is_mapped(&ph->conf_mem)) {
        memory_region_del_subregion(h->io_memory, &ph->conf_mem);
        memory_region_del_subregion(h->io_memory, &ph->data_mem);
    }
    memory_region_transaction_commit();
    if (h->pci_as_ready) {
        address_space_destroy(&h->pci_as);
        h->pci_as_ready = false;
    }
    MemoryRegion *owned[] = { &h->master_abort, &h->pci_hole, &h->pci_hole64 };
    for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++) {
        if (owned[i]->initialized) {
            memory_region_finalize(owned[i]);
        }
    }
    /* our PCI memory goes too once the board took its ROM aliases out */
    if (h->own_pci_memory.initialized && !h->own_pci_memory.subregions &&
        !memory_region_is_mapped(&h->own_pci_memory)) {
        memory_region_finalize(&h->own_pci_memory);
    }
}

static bool i440fx_host_realize(DeviceState *dev, Error **errp)
{
    I440FXHost *h = (I440FXHost *)dev;
    PCIHostState *ph = &h->parent;
    PCIDevice *func;

    h->system_memory = h->prop_system_memory ? h->prop_system_memory : get_system_memory();
    h->io_memory = h->prop_io_memory ? h->prop_io_memory : get_system_io();
    h->ram_memory = h->prop_ram_memory;
    if (!h->ram_memory || !memory_region_get_ram_ptr(h->ram_memory) ||
        memory_region_size(h->ram_memory) < 0x100000) {
        error_setg(errp, "ram-memory must be a RAM region of at least 1 MiB");
        return false;
    }
    if (h->below_4g_mem_size > I440FX_PCI_HOLE_END) {
        error_setg(errp, "below-4g-mem-size is above 4 GiB");
        return false;
    }
    if (h->prop_pci_memory) {
        h->pci_memory = h->prop_pci_memory;
    } else {
        memory_region_init(&h->own_pci_memory, h, "pci", UINT64_MAX);
        h->pci_memory = &h->own_pci_memory;
    }
    memory_region_transaction_begin();
    memory_region_init_io(&h->master_abort, h, &master_abort_ops, h, "pci-master-abort",
                          UINT64_MAX);
    memory_region_add_subregion_overlap(h->pci_memory, 0, &h->master_abort, -1000);
    if (h->below_4g_mem_size < I440FX_PCI_HOLE_END) {
        memory_region_init_alias(&h->pci_hole, h, "pci-hole", h->pci_memory, h->below_4g_mem_size,
                                 I440FX_PCI_HOLE_END - h->below_4g_mem_size);
        memory_region_add_subregion_overlap(h->system_memory, h->below_4g_mem_size, &h->pci_hole,
                                            -1);
    }
    if (h->pci_hole64_size) {
        uint64_t start = I440FX_PCI_HOLE_END + h->above_4g_mem_size;
        start = (start + (1ull << 30) - 1) & ~((1ull << 30) - 1);
        memory_region_init_alias(&h->pci_hole64, h, "pci-hole64", h->pci_memory, start,
                                 h->pci_hole64_size);
        memory_region_add_subregion_overlap(h->system_memory, start, &h->pci_hole64, -1);
    }
    pci_host_map_config_ports(ph, h->io_memory);
    memory_region_transaction_commit();
    address_space_init(&h->pci_as, h->pci_memory, "pci-memory");
    h->pci_as_ready = true;

    ph->bus = pci_root_bus_new(dev, "pci.0", h->pci_memory, h->io_memory);
    func = pci_create_simple(ph->bus, PCI_DEVFN(0, 0), TYPE_I440FX_PCI_DEVICE, errp);
    if (!func) {
        i440fx_host_unrealize(dev);
        return false;
    }
    return true;
}

static const Property i440fx_host_props[] = {
    DEFINE_PROP_PTR("system-memory", I440FXHost, prop_system_memory),
    DEFINE_PROP_PTR("io-memory", I440FXHost, prop_io_memory),
    DEFINE_PROP_PTR("pci-memory", I440FXHost, prop_pci_memory),
    DEFINE_PROP_PTR("ram-memory", I440FXHost, prop_ram_memory),
    DEFINE_PROP_SIZE("below-4g-mem-size", I440FXHost, below_4g_mem_size, 0xe0000000),
    DEFINE_PROP_SIZE("above-4g-mem-size", I440FXHost, above_4g_mem_size, 0),
    DEFINE_PROP_SIZE("pci-hole64-size", I440FXHost, pci_hole64_size, 1ull << 31),
    DEFINE_PROP_END_OF_LIST(),
};

static const VMStateDescription vmstate_i440fx_host = {
    .name = "i440FX-pcihost",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields =
        (const VMStateField[]){
            VMSTATE_PCI_HOST(parent, I440FXHost),
            VMSTATE_END_OF_LIST(),
        },
};

static const DeviceTypeInfo i440fx_host_info = {
    .name = TYPE_I440FX_PCI_HOST_BRIDGE,
    .parent = TYPE_PCI_HOST_BRIDGE,
    .instance_size = sizeof(I440FXHost),
    .props = i440fx_host_props,
    .realize = i440fx_host_realize,
    .unrealize = i440fx_host_unrealize,
    .vmsd = &vmstate_i440fx_host,
    .desc = "Intel 82441FX PCI host bridge",
    .category = DEVICE_CATEGORY_BRIDGE,
};
DEVICE_TYPE(i440fx_host_info)

I440FXHost *i440fx_create(MemoryRegion *system_memory, MemoryRegion *io_memory,
                          MemoryRegion *pci_memory, MemoryRegion *ram_memory,
                          uint64_t below_4g_mem_size, uint64_t above_4g_mem_size, Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_I440FX_PCI_HOST_BRIDGE, errp);

    if (!dev) {
        return NULL;
    }
    qdev_prop_set_ptr(dev, "system-memory", system_memory);
    qdev_prop_set_ptr(dev, "io-memory", io_memory);
    qdev_prop_set_ptr(dev, "pci-memory", pci_memory);
    qdev_prop_set_ptr(dev, "ram-memory", ram_memory);
    qdev_prop_set_uint64(dev, "below-4g-mem-size", below_4g_mem_size);
    qdev_prop_set_uint64(dev, "above-4g-mem-size", above_4g_mem_size);
    if (!qdev_realize(dev, NULL, errp)) {
        qdev_delete(dev);
        return NULL;
    }
    return (I440FXHost *)dev;
}
