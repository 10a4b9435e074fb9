/*
 * Unit tests of system-bus devices: MMIO and port regions declared by the
 * device and placed by the board (reached through the system address
 * spaces), irq outputs, and the info qtree lines.
 */
#include <stdlib.h>
#include <string.h>

#include "exec/memory.h"
#include "hw/core/sysbus.h"
#include "tap.h"

typedef struct TestSb {
    SysBusDevice parent;
    MemoryRegion mmio;
    MemoryRegion pio;
    qemu_irq irq;
    uint32_t reg;
} TestSb;

static uint64_t sb_read(void *opaque, hwaddr addr, unsigned size)
{
    TestSb *s = opaque;

    return addr == 0 ? s->reg : 0xa0 + addr;
}

static void sb_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    TestSb *s = opaque;

    s->reg = data;
    /* writing the register raises the irq while it is non-zero */
    qemu_set_irq(s->irq, data != 0);
}

static const MemoryRegionOps sb_ops = {
    .read = sb_read,
    .write = sb_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static bool sb_realize(DeviceState *dev, Error **errp)
{
    TestSb *s = (TestSb *)dev;

    memory_region_init_io(&s->mmio, s, &sb_ops, s, "test-sb-mmio", 0x100);
    memory_region_init_io(&s->pio, s, &sb_ops, s, "test-sb-pio", 8);
    sysbus_init_mmio(&s->parent, &s->mmio);
    sysbus_init_pio(&s->parent, &s->pio);
    sysbus_init_irq(&s->parent, &s->irq);
    return true;
}

static void sb_finalize(DeviceState *dev)
{
    TestSb *s = (TestSb *)dev;

    memory_region_finalize(&s->mmio);
    memory_region_finalize(&s->pio);
}

static const DeviceTypeInfo test_sb_info = {
    .name = "test-sb",
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(TestSb),
    .realize = sb_realize,
    .instance_finalize = sb_finalize,
};
DEVICE_TYPE(test_sb_info)

static int irq_level = -1;

static void irq_handler(void *opaque, int n, int level)
{
    irq_level = level;
}

int main(void)
{
    qemu_irq line = qemu_allocate_irq(irq_handler, NULL, 0);
    DeviceState *dev = sysbus_create_simple("test-sb", 0xfed00000, line);
    SysBusDevice *sbd = SYS_BUS_DEVICE(dev);
    TestSb *s = (TestSb *)dev;
    MemTxResult r;
    uint32_t v;
    char *tree;

    tap_ok(dev->realized && dev->parent_bus == sysbus_get_default(),
           "sysbus_create_simple realizes on the main system bus");
    tap_ok(sbd->num_mmio == 1 && sbd->num_pio == 1 && sysbus_mmio_get_region(sbd, 0) == &s->mmio,
           "the device declared its regions");
    tap_ok(sysbus_mmio_get_addr(sbd, 0) == 0xfed00000, "region 0 is mapped where asked");

    address_space_stl(&address_space_memory, 0xfed00000, 0x1234, MEMTXATTRS_UNSPECIFIED, &r);
    tap_ok(r == MEMTX_OK && s->reg == 0x1234, "a guest write reaches the device");
    tap_ok(irq_level == 1, "the device's irq output reaches the connected line");
    v = address_space_ldl(&address_space_memory, 0xfed00004, MEMTXATTRS_UNSPECIFIED, &r);
    tap_ok(r == MEMTX_OK && v == 0xa4, "a guest read reaches the device");

    sysbus_mmio_map(sbd, 0, 0xfee00000);
    v = address_space_ldl(&address_space_memory, 0xfee00000, MEMTXATTRS_UNSPECIFIED, &r);
    tap_ok(r == MEMTX_OK && v == 0x1234, "re-mapping moves the region");
    address_space_ldl(&address_space_memory, 0xfed00000, MEMTXATTRS_UNSPECIFIED, &r);
    tap_ok(r == MEMTX_DECODE_ERROR, "the old address is unassigned");

    sysbus_pio_map(sbd, 0, 0x510);
    address_space_stl(&address_space_io, 0x510, 0, MEMTXATTRS_UNSPECIFIED, &r);
    tap_ok(r == MEMTX_OK && s->reg == 0 && irq_level == 0, "port region reaches the device");

    tree = qdev_format_qtree();
    tap_ok(tree && strstr(tree, "dev: test-sb") &&
               strstr(tree, "mmio 00000000fee00000/0000000000000100") &&
               strstr(tree, "pio 0510/0008"),
           "info qtree shows the regions");
    free(tree);

    sysbus_mmio_unmap(sbd, 0);
    address_space_ldl(&address_space_memory, 0xfee00000, MEMTXATTRS_UNSPECIFIED, &r);
    tap_ok(r == MEMTX_DECODE_ERROR && sysbus_mmio_get_addr(sbd, 0) == (hwaddr)-1,
           "unmap removes the region");
    qdev_unrealize(dev);
    address_space_ldl(&address_space_io, 0x510, MEMTXATTRS_UNSPECIFIED, &r);
    tap_ok(r == MEMTX_DECODE_ERROR, "unrealize unmaps the device's regions");
    qdev_delete(dev);
    qemu_free_irq(line);
    return tap_done();
}
