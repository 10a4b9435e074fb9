/*
 * Port 0x80: the POST code port. BIOSes write progress codes there and
 * Linux writes it for tiny I/O delays; nothing on a plain PC decodes it,
 * so writes vanish and reads float to 0xff. Claiming the port keeps those
 * accesses out of the "unassigned I/O" log. No state, hence no VMState.
 */
#include "hw/misc/port80.h"

#include "hw/core/qdev-properties.h"

typedef struct Port80State {
    ISADevice parent;
    uint32_t iobase;
    MemoryRegion io;
} Port80State;

#define PORT80(dev) QDEV_CHECK(Port80State, dev, TYPE_PORT80)

static void port80_write(void *opaque, hwaddr addr, uint64_t data, unsigned size) {}

static uint64_t port80_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0xff;
}

static const MemoryRegionOps port80_ops = {
    .read = port80_read,
    .write = port80_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static bool port80_realize(DeviceState *dev, Error **errp)
{
    Port80State *s = PORT80(dev);

    if (s->iobase > 0xffff) {
        error_setg(errp, "port80: iobase %#x out of the I/O space", s->iobase);
        return false;
    }
    memory_region_init_io(&s->io, s, &port80_ops, s, "port80", 1);
    isa_register_ioport(&s->parent, &s->io, s->iobase);
    return true;
}

static void port80_unrealize(DeviceState *dev)
{
    Port80State *s = PORT80(dev);

    isa_unregister_ioports(&s->parent);
    memory_region_finalize(&s->io);
}

static const Property port80_props[] = {
    DEFINE_PROP_UINT32("iobase", Port80State, iobase, 0x80),
    DEFINE_PROP_END_OF_LIST(),
};

static const DeviceTypeInfo port80_info = {
    .name = TYPE_PORT80,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(Port80State),
    .desc = "POST code port 0x80 (a sink)",
    .props = port80_props,
    .realize = port80_realize,
    .unrealize = port80_unrealize,
};
DEVICE_TYPE(port80_info)

ISADevice *port80_create(ISABus *bus)
{
    return isa_create_simple(bus, TYPE_PORT80);
}
