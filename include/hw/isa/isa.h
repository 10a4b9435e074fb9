/*
 * The ISA bus: legacy PC devices at fixed I/O ports with fixed IRQs.
 *
 * The ISA bridge (PIIX3 on the PC, or a test) creates the bus with
 * isa_bus_new() and gives it the memory and I/O address-space roots the
 * bus decodes. The bus owns 16 IRQ lines (ISA IRQ 0..15). Devices take
 * them with isa_get_irq() at any time; the machine connects them to the
 * interrupt controllers with isa_bus_register_input_irqs(), before or
 * after the devices are created: the bus lines forward to whatever inputs
 * are registered when they are raised (unconnected: nothing happens).
 *
 * ISA devices derive from the abstract type "isa-device":
 *     typedef struct FooState { ISADevice parent; ... } FooState;
 *     .parent = TYPE_ISA_DEVICE,
 * and map their ports in realize with isa_register_ioport(); ports mapped
 * that way are unmapped again by isa_unregister_ioports() (call it first
 * in unrealize, before finalizing the regions).
 *
 * Locking: big lock, like the rest of the device tree.
 */
#ifndef HW_ISA_ISA_H
#define HW_ISA_ISA_H

#include <stdbool.h>
#include <stdint.h>

#include "exec/memory.h"
#include "hw/core/irq.h"
#include "hw/core/qdev.h"

#define TYPE_ISA_DEVICE        "isa-device"
#define ISA_NUM_IRQS           16
#define ISA_DEVICE_MAX_IOPORTS 8

typedef struct ISABus {
    BusState parent;
    MemoryRegion *address_space;    /* ISA memory (0..16 MiB window) */
    MemoryRegion *address_space_io; /* I/O ports */
    qemu_irq irqs[ISA_NUM_IRQS];    /* the bus's own lines, handed to devices */
    qemu_irq inputs[ISA_NUM_IRQS];  /* what they drive (the PIC, IOAPIC...) */
} ISABus;

typedef struct ISADevice {
    DeviceState parent;
    /* ports mapped by isa_register_ioport, for isa_unregister_ioports */
    MemoryRegion *ioports[ISA_DEVICE_MAX_IOPORTS];
    int num_ioports;
} ISADevice;

#define ISA_DEVICE(dev) QDEV_CHECK(ISADevice, dev, TYPE_ISA_DEVICE)

/*
 * Create the ISA bus provided by parent (the bridge; NULL in tests),
 * decoding address_space_mem and address_space_io (usually
 * get_system_memory() and get_system_io()). NULL with an error only if
 * an address space is missing.
 */
ISABus *isa_bus_new(DeviceState *parent, MemoryRegion *address_space_mem,
                    MemoryRegion *address_space_io, Error **errp);
/* Remove the bus and the devices on it; frees the bus. */
void isa_bus_delete(ISABus *bus);
/* Connect ISA IRQ i to irqs[i] (i < 16; irqs may be NULL to disconnect
 * all; individual entries may be NULL). Copied: the array may go away. */
void isa_bus_register_input_irqs(ISABus *bus, const qemu_irq *irqs);
/* Connect one ISA IRQ line. */
void isa_bus_connect_irq(ISABus *bus, unsigned isairq, qemu_irq irq);
/* The bus's line for ISA IRQ isairq; NULL (and an error logged) if > 15. */
qemu_irq isa_bus_get_irq(ISABus *bus, unsigned isairq);

/* The bus a realized (or realizing) ISA device is on. */
ISABus *isa_device_bus(ISADevice *dev);
/* Same as isa_bus_get_irq on the device's bus. */
qemu_irq isa_get_irq(ISADevice *dev, unsigned isairq);
MemoryRegion *isa_address_space(ISADevice *dev);
MemoryRegion *isa_address_space_io(ISADevice *dev);

/* Map io at port start on the device's bus (realize time). */
void isa_register_ioport(ISADevice *dev, MemoryRegion *io, uint16_t start);
/* Unmap every region isa_register_ioport mapped for dev. */
void isa_unregister_ioports(ISADevice *dev);

/* Create an ISA device (unrealized); NULL with an error for a bad type. */
ISADevice *isa_new(const char *type_name, Error **errp);
/* Realize dev on bus; false with an error. */
bool isa_realize(ISADevice *dev, ISABus *bus, Error **errp);
/* Create and realize with default properties; aborts on failure (board
 * code, where failure is a programming error). */
ISADevice *isa_create_simple(ISABus *bus, const char *type_name);

#endif
