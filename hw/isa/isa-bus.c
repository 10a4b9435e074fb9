/*
 * The ISA bus: the abstract "isa-device" type, the bus's 16 IRQ lines and
 * port mapping helpers.
 *
 * Each bus line is a small forwarder: raising ISA IRQ n sets the level of
 * whatever input the machine registered for n at that moment. That lets
 * the board create devices and interrupt controllers in any order, and
 * lets a test intercept the lines simply by registering its own inputs.
 * No level is latched here: receivers that need edges latch levels.
 */
#include "hw/isa/isa.h"

#include <stdlib.h>

#include "util/log.h"

static void isa_bus_irq_forward(void *opaque, int n, int level)
{
    ISABus *bus = opaque;

    qemu_set_irq(bus->inputs[n], level);
}

ISABus *isa_bus_new(DeviceState *parent, MemoryRegion *address_space_mem,
                    MemoryRegion *address_space_io, Error **errp)
{
    ISABus *bus;

    if (!address_space_mem || !address_space_io) {
        error_setg(errp, "isa: the bus needs a memory and an I/O address space");
        return NULL;
    }
    bus = calloc(1, sizeof(*bus));
    if (!bus) {
        abort();
    }
    qbus_init(&bus->parent, BUS_KIND_ISA, parent, NULL);
    bus->address_space = address_space_mem;
    bus->address_space_io = address_space_io;
    for (int i = 0; i < ISA_NUM_IRQS; i++) {
        bus->irqs[i] = qemu_allocate_irq(isa_bus_irq_forward, bus, i);
    }
    return bus;
}

void isa_bus_delete(ISABus *bus)
{
    if (!bus) {
        return;
    }
    /* qbus_delete deletes the children but does not free an embedded bus. */
    qbus_delete(&bus->parent);
    for (int i = 0; i < ISA_NUM_IRQS; i++) {
        qemu_free_irq(bus->irqs[i]);
    }
    free(bus);
}

void isa_bus_register_input_irqs(ISABus *bus, const qemu_irq *irqs)
{
    for (int i = 0; i < ISA_NUM_IRQS; i++) {
        bus->inputs[i] = irqs ? irqs[i] : NULL;
    }
}

void isa_bus_connect_irq(ISABus *bus, unsigned isairq, qemu_irq irq)
{
    if (isairq >= ISA_NUM_IRQS) {
        error_report("isa: no IRQ %u on the ISA bus", isairq);
        return;
    }
    bus->inputs[isairq] = irq;
}

qemu_irq isa_bus_get_irq(ISABus *bus, unsigned isairq)
{
    if (isairq >= ISA_NUM_IRQS) {
        error_report("isa: no IRQ %u on the ISA bus", isairq);
        return NULL;
    }
    return bus->irqs[isairq];
}

ISABus *isa_device_bus(ISADevice *dev)
{
    BusState *b = DEVICE(dev)->parent_bus;

    /* qdev_realize only puts an isa-device on a bus of kind "isa", and the
     * only such buses are made by isa_bus_new: the BusState is the first
     * member of an ISABus. */
    return (ISABus *)b;
}

qemu_irq isa_get_irq(ISADevice *dev, unsigned isairq)
{
    ISABus *bus = isa_device_bus(dev);

    return bus ? isa_bus_get_irq(bus, isairq) : NULL;
}

MemoryRegion *isa_address_space(ISADevice *dev)
{
    ISABus *bus = isa_device_bus(dev);

    return bus ? bus->address_space : get_system_memory();
}

MemoryRegion *isa_address_space_io(ISADevice *dev)
{
    ISABus *bus = isa_device_bus(dev);

    return bus ? bus->address_space_io : get_system_io();
}

void isa_register_ioport(ISADevice *dev, MemoryRegion *io, uint16_t start)
{
    if (dev->num_ioports >= ISA_DEVICE_MAX_IOPORTS) {
        /* A device with more port ranges than this is a programming error. */
        error_report("isa: too many port ranges for one device");
        abort();
    }
    memory_region_add_subregion(isa_address_space_io(dev), start, io);
    dev->ioports[dev->num_ioports++] = io;
}

void isa_unregister_ioports(ISADevice *dev)
{
    MemoryRegion *space = isa_address_space_io(dev);

    memory_region_transaction_begin();
    for (int i = 0; i < dev->num_ioports; i++) {
        memory_region_del_subregion(space, dev->ioports[i]);
        dev->ioports[i] = NULL;
    }
    memory_region_transaction_commit();
    dev->num_ioports = 0;
}

ISADevice *isa_new(const char *type_name, Error **errp)
{
    DeviceState *dev = qdev_new(type_name, errp);

    if (!dev) {
        return NULL;
    }
    if (!qdev_is_a(dev, TYPE_ISA_DEVICE)) {
        error_setg(errp, "isa: '%s' is not an ISA device", type_name);
        qdev_delete(dev);
        return NULL;
    }
    return (ISADevice *)dev;
}

bool isa_realize(ISADevice *dev, ISABus *bus, Error **errp)
{
    return qdev_realize(DEVICE(dev), &bus->parent, errp);
}

ISADevice *isa_create_simple(ISABus *bus, const char *type_name)
{
    ISADevice *dev = isa_new(type_name, &error_abort);

    isa_realize(dev, bus, &error_abort);
    return dev;
}

static const DeviceTypeInfo isa_device_info = {
    .name = TYPE_ISA_DEVICE,
    .bus_kind = BUS_KIND_ISA,
    .instance_size = sizeof(ISADevice),
    .abstract = true,
    .desc = "ISA device (base type)",
};
DEVICE_TYPE(isa_device_info)
