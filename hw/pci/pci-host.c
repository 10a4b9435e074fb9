/*
 * PCI host bridge base type: configuration mechanism #1 at 0xcf8/0xcfc
 * (PCI Local Bus Specification 3.0, 3.2.2.3.2), described in
 * include/hw/pci/pci_host.h. The bridge answers only dword accesses to
 * CONFIG_ADDRESS; smaller ones are passed on (PIIX3's 0xcf9) or dropped.
 */
#include <stdlib.h>

#include "hw/pci/pci_host.h"
#include "util/log.h"

static uint64_t all_ones(unsigned size)
{
    return size >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * size)) - 1;
}

static bool pass_covers(PCIHostState *s, hwaddr addr, unsigned size)
{
    return s->conf_passthrough && addr >= s->pass_base &&
           addr + size <= s->pass_base + memory_region_size(s->conf_passthrough);
}

static uint64_t conf_read(void *opaque, hwaddr addr, unsigned size)
{
    PCIHostState *s = opaque;
    uint64_t v;

    if (addr == 0 && size == 4) {
        return s->config_reg;
    }
    if (pass_covers(s, addr, size)) {
        if (memory_region_dispatch_read(s->conf_passthrough, addr - s->pass_base, &v, size,
                                        MEMTXATTRS_UNSPECIFIED) == MEMTX_OK) {
            return v;
        }
    }
    return all_ones(size);
}

static void conf_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    PCIHostState *s = opaque;

    if (addr == 0 && size == 4) {
        /* bits 30:24 and 1:0 are reserved and read as 0 */
        s->config_reg = (uint32_t)data & ~0x7f000003u;
        return;
    }
    if (pass_covers(s, addr, size)) {
        memory_region_dispatch_write(s->conf_passthrough, addr - s->pass_base, data, size,
                                     MEMTXATTRS_UNSPECIFIED);
        return;
    }
    log_mask_printf(LOG_GUEST_ERROR,
                    "pci-host: %u-byte write of 0x%x to port 0x%x ignored (CONFIG_ADDRESS "
                    "takes dwords only)\n",
                    size, (unsigned)data, (unsigned)(PCI_HOST_CONFIG_ADDR_PORT + addr));
}

static const MemoryRegionOps conf_ops = {
    .read = conf_read,
    .write = conf_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static uint64_t data_read(void *opaque, hwaddr addr, unsigned size)
{
    PCIHostState *s = opaque;
    uint32_t reg = s->config_reg;

    if (!(reg & PCI_HOST_CONFIG_ENABLE) || !s->bus) {
        return all_ones(size);
    }
    return pci_host_config_read_common(s->bus, (reg >> 16) & 0xff, (reg >> 8) & 0xff,
                                       (reg & 0xfc) | (uint32_t)addr, size);
}

static void data_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    PCIHostState *s = opaque;
    uint32_t reg = s->config_reg;

    if (!(reg & PCI_HOST_CONFIG_ENABLE) || !s->bus) {
        return;
    }
    pci_host_config_write_common(s->bus, (reg >> 16) & 0xff, (reg >> 8) & 0xff,
                                 (reg & 0xfc) | (uint32_t)addr, (uint32_t)data, size);
}

static const MemoryRegionOps data_ops = {
    .read = data_read,
    .write = data_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

void pci_host_map_config_ports(PCIHostState *s, MemoryRegion *io)
{
    memory_region_transaction_begin();
    memory_region_add_subregion(io, PCI_HOST_CONFIG_ADDR_PORT, &s->conf_mem);
    memory_region_add_subregion(io, PCI_HOST_CONFIG_DATA_PORT, &s->data_mem);
    memory_region_transaction_commit();
}

void pci_host_set_conf_passthrough(PCIHostState *s, MemoryRegion *mr, hwaddr port)
{
    s->conf_passthrough = mr;
    s->pass_base = port - PCI_HOST_CONFIG_ADDR_PORT;
}

PCIHostState *pci_bus_get_host(PCIBus *bus)
{
    DeviceState *p = bus ? bus->qbus.parent : NULL;

    if (!p || !qdev_is_a(p, TYPE_PCI_HOST_BRIDGE)) {
        return NULL;
    }
    return (PCIHostState *)p;
}

static void pci_host_instance_init(DeviceState *dev)
{
    PCIHostState *s = (PCIHostState *)dev;

    memory_region_init_io(&s->conf_mem, s, &conf_ops, s, "pci-conf-idx", 4);
    memory_region_init_io(&s->data_mem, s, &data_ops, s, "pci-conf-data", 4);
}

static void pci_host_instance_finalize(DeviceState *dev)
{
    PCIHostState *s = (PCIHostState *)dev;

    if (memory_region_is_mapped(&s->conf_mem)) {
        memory_region_del_subregion(s->conf_mem.container, &s->conf_mem);
    }
    if (memory_region_is_mapped(&s->data_mem)) {
        memory_region_del_subregion(s->data_mem.container, &s->data_mem);
    }
    memory_region_finalize(&s->conf_mem);
    memory_region_finalize(&s->data_mem);
    /* qdev_delete removed the bus (and its devices) before this */
    if (s->bus) {
        free(s->bus->irq_count);
        free(s->bus);
        s->bus = NULL;
    }
}

static void pci_host_reset(DeviceState *dev)
{
    ((PCIHostState *)dev)->config_reg = 0;
}

const VMStateDescription vmstate_pci_host = {
    .name = "pci-host",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields =
        (const VMStateField[]){
            VMSTATE_UINT32(config_reg, PCIHostState),
            VMSTATE_END_OF_LIST(),
        },
};

static const DeviceTypeInfo pci_host_info = {
    .name = TYPE_PCI_HOST_BRIDGE,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(PCIHostState),
    .abstract = true,
    .instance_init = pci_host_instance_init,
    .instance_finalize = pci_host_instance_finalize,
    .reset = pci_host_reset,
    .vmsd = &vmstate_pci_host,
    .desc = "PCI host bridge (base type)",
};
DEVICE_TYPE(pci_host_info)
