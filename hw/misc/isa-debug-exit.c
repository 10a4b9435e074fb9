/*
 * isa-debug-exit: test guests end the run (and report a result) by
 * writing a value to its port; the emulator exits with (value << 1) | 1.
 * Any access size the port range allows is accepted; the whole value
 * written counts. The exit itself is the machine's business, through
 * qemu_system_exit_request(); without one (unit tests of other devices,
 * tools) the request is logged and ignored. No state, hence no VMState.
 */
#include "hw/misc/isa-debug-exit.h"

#include "hw/core/qdev-properties.h"
#include "util/log.h"

typedef struct DebugExitState {
    ISADevice parent;
    uint32_t iobase;
    uint32_t iosize;
    MemoryRegion io;
} DebugExitState;

#define ISA_DEBUG_EXIT(dev) QDEV_CHECK(DebugExitState, dev, TYPE_ISA_DEBUG_EXIT)

static void debug_exit_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    int status = (int)(((uint32_t)data << 1) | 1);

    if (qemu_system_exit_request) {
        qemu_system_exit_request(status);
    } else {
        log_mask_printf(LOG_UNIMP,
                        "isa-debug-exit: exit(%d) requested, but no machine "
                        "handles it\n",
                        status);
    }
}

static uint64_t debug_exit_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static const MemoryRegionOps debug_exit_ops = {
    .read = debug_exit_read,
    .write = debug_exit_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static bool debug_exit_realize(DeviceState *dev, Error **errp)
{
    DebugExitState *s = ISA_DEBUG_EXIT(dev);

    if (s->iosize != 1 && s->iosize != 2 && s->iosize != 4) {
        error_setg(errp, "isa-debug-exit: iosize must be 1, 2 or 4, not %u", s->iosize);
        return false;
    }
    if (s->iobase > 0x10000 - s->iosize) {
        error_setg(errp, "isa-debug-exit: iobase %#x out of the I/O space", s->iobase);
        return false;
    }
    memory_region_init_io(&s->io, s, &debug_exit_ops, s, "isa-debug-exit", s->iosize);
    isa_register_ioport(&s->parent, &s->io, s->iobase);
    return true;
}

static void debug_exit_unrealize(DeviceState *dev)
{
    DebugExitState *s = ISA_DEBUG_EXIT(dev);

    isa_unregister_ioports(&s->parent);
    memory_region_finalize(&s->io);
}

static const Property debug_exit_props[] = {
    DEFINE_PROP_UINT32("iobase", DebugExitState, iobase, 0x501),
    DEFINE_PROP_UINT32("iosize", DebugExitState, iosize, 2),
    DEFINE_PROP_END_OF_LIST(),
};

static const DeviceTypeInfo debug_exit_info = {
    .name = TYPE_ISA_DEBUG_EXIT,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(DebugExitState),
    .desc = "exit the emulator with (value << 1) | 1 (for tests)",
    .category = DEVICE_CATEGORY_MISC,
    .user_creatable = true,
    .props = debug_exit_props,
    .realize = debug_exit_realize,
    .unrealize = debug_exit_unrealize,
};
DEVICE_TYPE(debug_exit_info)

ISADevice *isa_debug_exit_create(ISABus *bus, uint32_t iobase, uint32_t iosize)
{
    ISADevice *dev = isa_new(TYPE_ISA_DEBUG_EXIT, &error_abort);

    qdev_prop_set_uint32(DEVICE(dev), "iobase", iobase);
    qdev_prop_set_uint32(DEVICE(dev), "iosize", iosize);
    isa_realize(dev, bus, &error_abort);
    return dev;
}
