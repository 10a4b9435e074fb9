/*
 * PCI host bridges: the CPU side of config space access, configuration
 * mechanism #1 (PCI Local Bus Specification 3.0, 3.2.2.3.2).
 *
 * CONFIG_ADDRESS is the dword I/O register at 0xcf8: bit 31 enable,
 * bits 23:16 bus, 15:11 device, 10:8 function, 7:2 register (bits 30:24
 * and 1:0 read as 0). CONFIG_DATA is the dword at 0xcfc: while the enable
 * bit is set, a 1-, 2- or 4-byte access at 0xcfc + n reaches config
 * register (CONFIG_ADDRESS[7:2] << 2) + n of the addressed function;
 * nobody there reads all-ones. While the enable bit is clear, 0xcfc is an
 * ordinary (unclaimed) port.
 *
 * Only dword accesses to 0xcf8 reach CONFIG_ADDRESS; byte and word
 * accesses to 0xcf8-0xcfb are ordinary I/O cycles that go on to the bus,
 * where PIIX3 claims 0xcf9 (reset control). pci_host_set_conf_passthrough
 * hands those to the claiming region.
 *
 * A host bridge type derives from TYPE_PCI_HOST_BRIDGE (a sys-bus device),
 * creates its root bus in realize and maps conf_mem/data_mem (the base
 * realize initialises them; pci_host_map_config_ports maps them).
 */
#ifndef HW_PCI_PCI_HOST_H
#define HW_PCI_PCI_HOST_H

#include "hw/core/sysbus.h"
#include "hw/pci/pci.h"

#define TYPE_PCI_HOST_BRIDGE "pci-host-bridge"

#define PCI_HOST_CONFIG_ADDR_PORT 0xcf8
#define PCI_HOST_CONFIG_DATA_PORT 0xcfc
#define PCI_HOST_CONFIG_ENABLE    0x80000000u

typedef struct PCIHostState {
    SysBusDevice parent;
    MemoryRegion conf_mem; /* 4 bytes: CONFIG_ADDRESS */
    MemoryRegion data_mem; /* 4 bytes: CONFIG_DATA */
    uint32_t config_reg;
    PCIBus *bus;
    /* non-dword cycles to 0xcf8 + [pass_base, pass_base + size) */
    MemoryRegion *conf_passthrough;
    hwaddr pass_base;
} PCIHostState;

#define PCI_HOST_BRIDGE(obj) QDEV_CHECK(PCIHostState, obj, TYPE_PCI_HOST_BRIDGE)

/* Map CONFIG_ADDRESS at 0xcf8 and CONFIG_DATA at 0xcfc of io. */
void pci_host_map_config_ports(PCIHostState *s, MemoryRegion *io);
/* Let mr claim the byte/word cycles to port (0xcf8..0xcfb) and up. */
void pci_host_set_conf_passthrough(PCIHostState *s, MemoryRegion *mr, hwaddr port);

/* The host bridge providing bus, or NULL if its parent is none. */
PCIHostState *pci_bus_get_host(PCIBus *bus);

extern const VMStateDescription vmstate_pci_host;
#define VMSTATE_PCI_HOST(f, S) VMSTATE_STRUCT(f, S, 0, vmstate_pci_host, PCIHostState)

#endif
