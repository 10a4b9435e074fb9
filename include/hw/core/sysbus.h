/*
 * The system bus: devices wired straight to the CPU's address space (the
 * IOAPIC, HPET, the PCI host bridge, fw_cfg...).
 *
 * A sys-bus device declares its MMIO regions and irq outputs in realize
 * (sysbus_init_mmio, sysbus_init_irq); the board then places the regions
 * (sysbus_mmio_map, into the system memory of exec/memory.h) and connects
 * the outputs (sysbus_connect_irq). Port-I/O regions are declared the same
 * way with sysbus_init_pio / sysbus_pio_map (into the I/O address space).
 *
 * Devices derive from the abstract type "sys-bus-device":
 *     typedef struct HPETState { SysBusDevice parent; ... } HPETState;
 *     .parent = TYPE_SYS_BUS_DEVICE,
 */
#ifndef HW_CORE_SYSBUS_H
#define HW_CORE_SYSBUS_H

#include <stdint.h>

#include "hw/core/irq.h"
#include "hw/core/qdev.h"

typedef struct MemoryRegion MemoryRegion;
typedef uint64_t hwaddr;

#define TYPE_SYS_BUS_DEVICE    "sys-bus-device"
#define SYSBUS_DEVICE_MAX_MMIO 32
#define SYSBUS_DEVICE_MAX_PIO  32
/* The gpio-out group name of sysbus irq outputs. */
#define SYSBUS_DEVICE_GPIO_IRQ "sysbus-irq"

typedef struct SysBusDevice {
    DeviceState parent;
    int num_mmio;
    struct {
        hwaddr addr; /* (hwaddr)-1 while not mapped */
        MemoryRegion *mr;
    } mmio[SYSBUS_DEVICE_MAX_MMIO];
    int num_pio;
    struct {
        hwaddr addr;
        MemoryRegion *mr;
    } pio[SYSBUS_DEVICE_MAX_PIO];
} SysBusDevice;

#define SYS_BUS_DEVICE(dev) QDEV_CHECK(SysBusDevice, dev, TYPE_SYS_BUS_DEVICE)

/* The root bus, created on first use. */
BusState *sysbus_get_default(void);

/* Declare region n (in call order); the device keeps owning mr. */
int sysbus_init_mmio(SysBusDevice *dev, MemoryRegion *mr);
int sysbus_init_pio(SysBusDevice *dev, MemoryRegion *mr);
/* Declare one irq output: *p is set when the board connects it. */
void sysbus_init_irq(SysBusDevice *dev, qemu_irq *p);

/* Board side. Mapping an unknown region index is a programming error
 * (reported, aborts); re-mapping moves the region. */
void sysbus_mmio_map(SysBusDevice *dev, int n, hwaddr addr);
void sysbus_mmio_map_overlap(SysBusDevice *dev, int n, hwaddr addr, int priority);
void sysbus_mmio_unmap(SysBusDevice *dev, int n);
void sysbus_pio_map(SysBusDevice *dev, int n, hwaddr port);
MemoryRegion *sysbus_mmio_get_region(SysBusDevice *dev, int n);
hwaddr sysbus_mmio_get_addr(SysBusDevice *dev, int n);
void sysbus_connect_irq(SysBusDevice *dev, int n, qemu_irq irq);
/* Create, realize on the default bus, map region 0 at addr (if not -1) and
 * connect irq 0 (if not NULL); aborts on failure (board code). */
DeviceState *sysbus_create_simple(const char *type_name, hwaddr addr, qemu_irq irq);

#endif
