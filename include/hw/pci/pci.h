/*
 * PCI devices and the PCI bus (PCI Local Bus Specification 3.0).
 *
 * A PCI device type derives from the abstract "pci-device" (TYPE_PCI_DEVICE)
 * and describes its identity with a PCIDeviceClass in DeviceTypeInfo's
 * class_data:
 *
 *     typedef struct FooState { PCIDevice parent; MemoryRegion mmio; } FooState;
 *     static const PCIDeviceClass foo_class = {
 *         .vendor_id = 0x1234, .device_id = 0x5678, .class_id = 0x0200,
 *     };
 *     static const DeviceTypeInfo foo_info = {
 *         .name = "foo", .parent = TYPE_PCI_DEVICE, .instance_size = sizeof(FooState),
 *         .class_data = &foo_class, .realize = foo_realize, .vmsd = &vmstate_foo,
 *     };
 *
 * The base realize (which runs before the device's) picks the slot (the
 * "addr" property, or the first free one), allocates and fills the config
 * space (IDs, header type, interrupt pin) and its write masks. The device's
 * realize then registers BARs (pci_register_bar), capabilities
 * (pci_add_capability) and adjusts masks. The base reset clears the
 * command register, BARs and status, lowers INTx and unmaps the BARs.
 *
 * Config space: config[] holds the bytes the guest reads; wmask[] marks the
 * bits a guest write changes; w1cmask[] those a guest write of 1 clears
 * (status error bits). Devices that need to see config writes set
 * PCIDeviceClass.config_write, call pci_default_write_config and then act.
 *
 * BARs are mapped into the bus's memory or I/O region whenever the command
 * register enables that decoder and the BAR holds a usable address; they are
 * unmapped while disabled or while the guest sizes them (all-ones).
 *
 * INTx: pci_set_irq(dev, level) drives the device's INTx pin (config 0x3d);
 * the bus maps (device, pin) to one of its nirq lines with map_irq and
 * calls set_irq(opaque, line, level) with the OR of every device on the line
 * (PIIX3's PIRQA-D on the PC). Command bit 10 (INTx disable) masks the pin
 * and status bit 3 shows its state.
 *
 * VMState: a device's vmsd includes VMSTATE_PCI_DEVICE(parent, FooState);
 * loading remaps the BARs from the loaded config and restores INTx levels
 * without signalling (the interrupt router saves its own input levels).
 *
 * Locking: everything here runs under the big lock.
 */
#ifndef HW_PCI_PCI_H
#define HW_PCI_PCI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "exec/memory.h"
#include "hw/core/qdev.h"
#include "migration/vmstate.h"

#define TYPE_PCI_DEVICE "pci-device"

typedef uint64_t pcibus_t;
#define PCI_BAR_UNMAPPED ((pcibus_t)-1)

/* devfn */
#define PCI_DEVFN(slot, fn) ((((slot)&0x1f) << 3) | ((fn)&7))
#define PCI_SLOT(devfn)     (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)     ((devfn)&7)
#define PCI_SLOT_MAX        32
#define PCI_FUNC_MAX        8
#define PCI_DEVFN_MAX       256

/* Config space sizes. */
#define PCI_CONFIG_HEADER_SIZE 0x40
#define PCI_CONFIG_SPACE_SIZE  0x100
#define PCIE_CONFIG_SPACE_SIZE 0x1000

/* Type 0 header registers. */
#define PCI_VENDOR_ID                  0x00
#define PCI_DEVICE_ID                  0x02
#define PCI_COMMAND                    0x04
#define PCI_COMMAND_IO                 0x0001
#define PCI_COMMAND_MEMORY             0x0002
#define PCI_COMMAND_MASTER             0x0004
#define PCI_COMMAND_SPECIAL            0x0008
#define PCI_COMMAND_PARITY             0x0040
#define PCI_COMMAND_SERR               0x0100
#define PCI_COMMAND_INTX_DISABLE       0x0400
#define PCI_STATUS                     0x06
#define PCI_STATUS_INTERRUPT           0x0008
#define PCI_STATUS_CAP_LIST            0x0010
#define PCI_STATUS_66MHZ               0x0020
#define PCI_STATUS_FAST_BACK           0x0080
#define PCI_STATUS_PARITY              0x0100
#define PCI_STATUS_DEVSEL_MEDIUM       0x0200
#define PCI_STATUS_SIG_TARGET_ABORT    0x0800
#define PCI_STATUS_REC_TARGET_ABORT    0x1000
#define PCI_STATUS_REC_MASTER_ABORT    0x2000
#define PCI_STATUS_SIG_SYSTEM_ERROR    0x4000
#define PCI_STATUS_DETECTED_PARITY     0x8000
#define PCI_REVISION_ID                0x08
#define PCI_CLASS_PROG                 0x09
#define PCI_CLASS_DEVICE               0x0a
#define PCI_CACHE_LINE_SIZE            0x0c
#define PCI_LATENCY_TIMER              0x0d
#define PCI_HEADER_TYPE                0x0e
#define PCI_HEADER_TYPE_NORMAL         0x00
#define PCI_HEADER_TYPE_BRIDGE         0x01
#define PCI_HEADER_TYPE_MULTI_FUNCTION 0x80
#define PCI_BIST                       0x0f
#define PCI_BASE_ADDRESS_0             0x10
#define PCI_BASE_ADDRESS_SPACE_IO      0x01
#define PCI_BASE_ADDRESS_SPACE_MEMORY  0x00
#define PCI_BASE_ADDRESS_MEM_TYPE_32   0x00
#define PCI_BASE_ADDRESS_MEM_TYPE_64   0x04
#define PCI_BASE_ADDRESS_MEM_PREFETCH  0x08
#define PCI_BASE_ADDRESS_MEM_MASK      (~(pcibus_t)0x0f)
#define PCI_BASE_ADDRESS_IO_MASK       (~(pcibus_t)0x03)
#define PCI_CARDBUS_CIS                0x28
#define PCI_SUBSYSTEM_VENDOR_ID        0x2c
#define PCI_SUBSYSTEM_ID               0x2e
#define PCI_ROM_ADDRESS                0x30
#define PCI_ROM_ADDRESS_ENABLE         0x01
#define PCI_ROM_ADDRESS_MASK           (~(pcibus_t)0x7ff)
#define PCI_CAPABILITY_LIST            0x34
#define PCI_INTERRUPT_LINE             0x3c
#define PCI_INTERRUPT_PIN              0x3d
#define PCI_MIN_GNT                    0x3e
#define PCI_MAX_LAT                    0x3f

/* Capability IDs (the first byte of each capability). */
#define PCI_CAP_ID_PM     0x01
#define PCI_CAP_ID_MSI    0x05
#define PCI_CAP_ID_VNDR   0x09
#define PCI_CAP_ID_EXP    0x10
#define PCI_CAP_ID_MSIX   0x11
#define PCI_CAP_LIST_NEXT 1

/* BAR slots: 6 BARs, then the expansion ROM. */
#define PCI_NUM_BARS    6
#define PCI_ROM_SLOT    6
#define PCI_NUM_REGIONS 7

#define PCI_NUM_PINS 4 /* INTA..INTD */

/* Vendors and devices the PC uses. */
#define PCI_VENDOR_ID_INTEL              0x8086
#define PCI_DEVICE_ID_INTEL_82441        0x1237 /* i440FX host bridge */
#define PCI_DEVICE_ID_INTEL_82371SB_0    0x7000 /* PIIX3 ISA bridge */
#define PCI_VENDOR_ID_REDHAT_QUMRANET    0x1af4
#define PCI_SUBVENDOR_ID_REDHAT_QUMRANET 0x1af4
#define PCI_SUBDEVICE_ID_QEMU            0x1100

/* Class codes (base class << 8 | subclass). */
#define PCI_CLASS_STORAGE_IDE      0x0101
#define PCI_CLASS_NETWORK_ETHERNET 0x0200
#define PCI_CLASS_DISPLAY_VGA      0x0300
#define PCI_CLASS_BRIDGE_HOST      0x0600
#define PCI_CLASS_BRIDGE_ISA       0x0601
#define PCI_CLASS_OTHERS           0xff00

typedef struct PCIBus PCIBus;
typedef struct PCIDevice PCIDevice;

/* Per-type constants and hooks (DeviceTypeInfo.class_data of the type or
 * an ancestor; the most derived non-NULL one is used). */
typedef struct PCIDeviceClass {
    uint16_t vendor_id;
    uint16_t device_id;
    uint8_t revision;
    uint16_t class_id; /* base class << 8 | subclass */
    uint8_t prog_if;
    uint16_t subsystem_vendor_id; /* 0: none */
    uint16_t subsystem_id;
    bool multifunction; /* sets bit 7 of the header type */
    bool pcie;          /* 4 KiB extended config space */
    /* 0 = no INTx, 1..4 = INTA..INTD (the pin register's value) */
    uint8_t interrupt_pin;
    /* NULL: pci_default_read_config / pci_default_write_config */
    uint32_t (*config_read)(PCIDevice *dev, uint32_t addr, unsigned len);
    void (*config_write)(PCIDevice *dev, uint32_t addr, uint32_t val, unsigned len);
} PCIDeviceClass;

typedef struct PCIIORegion {
    pcibus_t addr; /* where it is mapped now, PCI_BAR_UNMAPPED if not */
    pcibus_t size; /* 0: BAR not implemented */
    uint8_t type;  /* PCI_BASE_ADDRESS_SPACE_IO, or memory type bits */
    MemoryRegion *memory;
    MemoryRegion *address_space; /* the bus region it maps into */
} PCIIORegion;

struct PCIDevice {
    DeviceState qdev;
    /* property: "addr" (slot[.fn]), -1 = first free slot */
    int32_t devfn;
    /* property: "romfile" is the option ROM's path (the board loads it) */
    char *romfile;
    const PCIDeviceClass *pci_class;
    PCIBus *bus;
    uint32_t config_size;
    uint8_t *config;  /* config_size bytes */
    uint8_t *wmask;   /* writable bits */
    uint8_t *w1cmask; /* write-1-to-clear bits */
    uint8_t *used;    /* config bytes claimed by capabilities */
    PCIIORegion io_regions[PCI_NUM_REGIONS];
    /* the level the device drives on its INTx pin (0/1), before INTx
     * disable; what the bus has been told is intx_asserted */
    uint8_t irq_level;
    bool intx_asserted;
    char name[32]; /* for messages: the type name */
};

#define PCI_DEVICE(obj) QDEV_CHECK(PCIDevice, obj, TYPE_PCI_DEVICE)

/* Interrupt routing of a bus: line = map_irq(dev, pin 0..3), then
 * set_irq(opaque, line, level) with the OR of the devices on the line. */
typedef int (*pci_map_irq_fn)(PCIDevice *dev, int pin);
typedef void (*pci_set_irq_fn)(void *opaque, int line, int level);

struct PCIBus {
    BusState qbus; /* kind BUS_KIND_PCI; parent is the host bridge */
    PCIDevice *devices[PCI_DEVFN_MAX];
    MemoryRegion *address_space_mem; /* where memory BARs map */
    MemoryRegion *address_space_io;  /* where I/O BARs map */
    uint8_t bus_num;
    pci_map_irq_fn map_irq;
    pci_set_irq_fn set_irq;
    void *irq_opaque;
    int nirq;
    int *irq_count; /* asserted INTx per line */
    /* where bus-master DMA goes (NULL: address_space_memory); an IOMMU
     * sets its translated space here */
    AddressSpace *dma_as;
};

#define PCI_BUS(qbus) ((PCIBus *)(qbus))

/* ---- bus ---- */

/* A root bus (bus number 0) provided by parent (the host bridge), mapping
 * BARs into mem and io. */
PCIBus *pci_root_bus_new(DeviceState *parent, const char *name, MemoryRegion *mem,
                         MemoryRegion *io);
/* Install the interrupt routing (replacing any earlier one). */
void pci_bus_irqs(PCIBus *bus, pci_set_irq_fn set_irq, pci_map_irq_fn map_irq, void *opaque,
                  int nirq);
/* Whether line is asserted by any device (for routers after a reset). */
int pci_bus_get_irq_level(PCIBus *bus, int line);
PCIDevice *pci_find_device(PCIBus *bus, int bus_num, int devfn);
PCIBus *pci_get_bus(const PCIDevice *dev);

/* Config-space access from the host bridge (mechanism #1, or MMCONFIG
 * later): len 1, 2 or 4 bytes at reg of bus_num:devfn. A missing device, or
 * bytes past its config space, read as all-ones and ignore writes. */
uint32_t pci_host_config_read_common(PCIBus *bus, uint8_t bus_num, uint8_t devfn, uint32_t reg,
                                     unsigned len);
void pci_host_config_write_common(PCIBus *bus, uint8_t bus_num, uint8_t devfn, uint32_t reg,
                                  uint32_t val, unsigned len);

/* "info pci": one paragraph per device on the bus (malloc'd). */
char *pci_format_info(PCIBus *bus);
void pci_print_info(FILE *out, PCIBus *bus);

/* ---- board helpers ---- */

/* Create "type" at devfn (-1: first free) on bus and realize it; NULL with
 * an error on failure. */
PCIDevice *pci_create_simple(PCIBus *bus, int devfn, const char *type, Error **errp);

/* ---- device side ---- */

/*
 * Register BAR n (0..5, or PCI_ROM_SLOT) backed by mr, whose size must be a
 * power of two (at least 4 bytes for I/O, 16 for memory, 2 KiB for a ROM).
 * type: PCI_BASE_ADDRESS_SPACE_IO, or PCI_BASE_ADDRESS_SPACE_MEMORY with
 * PCI_BASE_ADDRESS_MEM_TYPE_64 / _MEM_PREFETCH (a 64-bit BAR also uses n+1).
 * Programming errors (bad size, slot taken) abort.
 */
void pci_register_bar(PCIDevice *dev, int n, uint8_t type, MemoryRegion *mr);
/* Current mapping address of BAR n, or PCI_BAR_UNMAPPED. */
pcibus_t pci_get_bar_addr(PCIDevice *dev, int n);

/* Add a capability of size bytes at offset (0: first free dword after the
 * header); returns the offset, or -1 with an error if it does not fit or
 * overlaps. Its bytes become read-only: the device sets wmask bits. */
int pci_add_capability(PCIDevice *dev, uint8_t cap_id, uint8_t offset, uint8_t size, Error **errp);
/* Offset of the first capability with that id, 0 if none. */
uint8_t pci_find_capability(PCIDevice *dev, uint8_t cap_id);

/* Drive INTx (the pin of config 0x3d). */
void pci_set_irq(PCIDevice *dev, int level);
static inline void pci_irq_assert(PCIDevice *dev)
{
    pci_set_irq(dev, 1);
}
static inline void pci_irq_deassert(PCIDevice *dev)
{
    pci_set_irq(dev, 0);
}

/*
 * Bus-master DMA by dev into its bus's DMA address space, tagged with its
 * requester id. While the guest has not set the bus master enable bit
 * (command bit 2) nothing is transferred: reads fill buf with all-ones,
 * the access is logged (LOG_GUEST_ERROR) and MEMTX_DECODE_ERROR returned.
 */
MemTxResult pci_dma_rw(PCIDevice *dev, hwaddr addr, void *buf, hwaddr len, bool is_write);
static inline MemTxResult pci_dma_read(PCIDevice *dev, hwaddr addr, void *buf, hwaddr len)
{
    return pci_dma_rw(dev, addr, buf, len, false);
}
static inline MemTxResult pci_dma_write(PCIDevice *dev, hwaddr addr, const void *buf, hwaddr len)
{
    return pci_dma_rw(dev, addr, (void *)buf, len, true);
}
AddressSpace *pci_get_dma_as(PCIDevice *dev);

/* The generic config accessors (addr + len within config_size). */
uint32_t pci_default_read_config(PCIDevice *dev, uint32_t addr, unsigned len);
void pci_default_write_config(PCIDevice *dev, uint32_t addr, uint32_t val, unsigned len);
/* Dispatch to the class hook or the default (what the host bridge uses). */
uint32_t pci_config_read(PCIDevice *dev, uint32_t addr, unsigned len);
void pci_config_write(PCIDevice *dev, uint32_t addr, uint32_t val, unsigned len);

/* Re-evaluate BAR mappings from config (after a config change by the
 * device itself). */
void pci_update_mappings(PCIDevice *dev);
/* Whether [addr, addr+len) overlaps [start, start+size). */
static inline bool pci_range_covers(uint32_t addr, unsigned len, uint32_t start, uint32_t size)
{
    return addr < start + size && start < addr + len;
}

/* Little-endian config helpers (no masks applied). */
static inline void pci_set_byte(uint8_t *p, uint8_t v)
{
    p[0] = v;
}
static inline void pci_set_word(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}
static inline void pci_set_long(uint8_t *p, uint32_t v)
{
    p[0] = v;
    p[1] = v >> 8;
    p[2] = v >> 16;
    p[3] = v >> 24;
}
static inline void pci_set_quad(uint8_t *p, uint64_t v)
{
    pci_set_long(p, (uint32_t)v);
    pci_set_long(p + 4, (uint32_t)(v >> 32));
}
static inline uint8_t pci_get_byte(const uint8_t *p)
{
    return p[0];
}
static inline uint16_t pci_get_word(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t pci_get_long(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t pci_get_quad(const uint8_t *p)
{
    return pci_get_long(p) | (uint64_t)pci_get_long(p + 4) << 32;
}

/* VMState of the PCIDevice part of a device. */
extern const VMStateDescription vmstate_pci_device;
#define VMSTATE_PCI_DEVICE(f, S) VMSTATE_STRUCT(f, S, 0, vmstate_pci_device, PCIDevice)

#endif
