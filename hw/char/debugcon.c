/*
 * Debug console port: what the guest writes is copied to a chardev byte
 * by byte, so firmware (SeaBIOS prints to 0x402) and test kernels can log
 * without a UART. Reads return the "readback" value (0xe9 by default, the
 * Bochs convention guests use to detect the port).
 *
 * No guest-visible state beyond the properties, hence no VMState.
 */
#include "hw/char/debugcon.h"

#include "chardev/char-fe.h"
#include "hw/core/qdev-properties.h"
#include "hw/core/qdev-properties.h"

typedef struct DebugconState {
    ISADevice parent;
    uint32_t iobase;
    uint8_t readback;
    CharBackend chr;
    MemoryRegion io;
} DebugconState;

#define ISA_DEBUGCON(dev) QDEV_CHECK(DebugconState, dev, TYPE_ISA_DEBUGCON)

static void debugcon_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    DebugconState *s = opaque;
    uint8_t ch = data;

    qemu_chr_fe_write_all(&s->chr, &ch, 1);
}

static uint64_t debugcon_read(void *opaque, hwaddr addr, unsigned size)
{
    return ((DebugconState *)opaque)->readback;
}

static const MemoryRegionOps debugcon_ops = {
    .read = debugcon_read,
    .write = debugcon_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static bool debugcon_realize(DeviceState *dev, Error **errp)
{
    DebugconState *s = ISA_DEBUGCON(dev);

    if (s->iobase > 0xffff) {
        error_setg(errp, "isa-debugcon: iobase %#x out of the I/O space", s->iobase);
        return false;
    }
    memory_region_init_io(&s->io, s, &debugcon_ops, s, "debugcon", 1);
    isa_register_ioport(&s->parent, &s->io, s->iobase);
    return true;
}

static void debugcon_unrealize(DeviceState *dev)
{
    DebugconState *s = ISA_DEBUGCON(dev);

    isa_unregister_ioports(&s->parent);
    memory_region_finalize(&s->io);
}

static const Property debugcon_props[] = {
    DEFINE_PROP_UINT32("iobase", DebugconState, iobase, 0x402),
    DEFINE_PROP_UINT8("readback", DebugconState, readback, 0xe9),
    DEFINE_PROP_CHR("chardev", DebugconState, chr),
    DEFINE_PROP_END_OF_LIST(),
};

static const DeviceTypeInfo debugcon_info = {
    .name = TYPE_ISA_DEBUGCON,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(DebugconState),
    .desc = "ISA debug console (port 0x402 / 0xe9)",
    .category = DEVICE_CATEGORY_MISC,
    .user_creatable = true,
    .props = debugcon_props,
    .realize = debugcon_realize,
    .unrealize = debugcon_unrealize,
};
DEVICE_TYPE(debugcon_info)

ISADevice *isa_debugcon_create(ISABus *bus, uint32_t iobase, Chardev *chr)
{
    ISADevice *dev = isa_new(TYPE_ISA_DEBUGCON, &error_abort);

    qdev_prop_set_uint32(DEVICE(dev), "iobase", iobase);
    if (chr) {
        qdev_prop_set_chr(DEVICE(dev), "chardev", chr);
    }
    isa_realize(dev, bus, &error_abort);
    return dev;
}
