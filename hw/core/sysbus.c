/*
 * The board side of system-bus devices (see hw/core/sysbus.h): placing
 * their MMIO and port regions in the system address spaces and wiring
 * their irq outputs. The device core keeps the base type (hw/core/bus.c).
 */
#include "hw/core/sysbus.h"

#include <inttypes.h>
#include <stdlib.h>

#include "exec/memory.h"
#include "qdev-internal.h"

static void sysbus_unmap_all(SysBusDevice *dev)
{
    memory_region_transaction_begin();
    for (int i = 0; i < dev->num_mmio; i++) {
        sysbus_mmio_unmap(dev, i);
    }
    for (int i = 0; i < dev->num_pio; i++) {
        if (dev->pio[i].addr != (hwaddr)-1) {
            memory_region_del_subregion(get_system_io(), dev->pio[i].mr);
            dev->pio[i].addr = (hwaddr)-1;
        }
    }
    memory_region_transaction_commit();
}

int sysbus_init_mmio(SysBusDevice *dev, MemoryRegion *mr)
{
    if (dev->num_mmio == SYSBUS_DEVICE_MAX_MMIO) {
        error_report("device '%s': more than %d MMIO regions", DEVICE(dev)->type->name,
                     SYSBUS_DEVICE_MAX_MMIO);
        abort();
    }
    dev->mmio[dev->num_mmio].mr = mr;
    dev->mmio[dev->num_mmio].addr = (hwaddr)-1;
    return dev->num_mmio++;
}

int sysbus_init_pio(SysBusDevice *dev, MemoryRegion *mr)
{
    if (dev->num_pio == SYSBUS_DEVICE_MAX_PIO) {
        error_report("device '%s': more than %d port regions", DEVICE(dev)->type->name,
                     SYSBUS_DEVICE_MAX_PIO);
        abort();
    }
    dev->pio[dev->num_pio].mr = mr;
    dev->pio[dev->num_pio].addr = (hwaddr)-1;
    return dev->num_pio++;
}

void sysbus_init_irq(SysBusDevice *dev, qemu_irq *p)
{
    qdev_init_gpio_out_named(DEVICE(dev), p, SYSBUS_DEVICE_GPIO_IRQ, 1);
}

static void check_index(SysBusDevice *dev, int n, int count, const char *what)
{
    if (n < 0 || n >= count) {
        error_report("device '%s' has no %s region %d", DEVICE(dev)->type->name, what, n);
        abort();
    }
}

void sysbus_mmio_map_overlap(SysBusDevice *dev, int n, hwaddr addr, int priority)
{
    check_index(dev, n, dev->num_mmio, "MMIO");
    qdev_sysbus_unmap_hook = sysbus_unmap_all;
    memory_region_transaction_begin();
    if (dev->mmio[n].addr != (hwaddr)-1) {
        memory_region_del_subregion(get_system_memory(), dev->mmio[n].mr);
    }
    memory_region_add_subregion_overlap(get_system_memory(), addr, dev->mmio[n].mr, priority);
    dev->mmio[n].addr = addr;
    memory_region_transaction_commit();
}

void sysbus_mmio_map(SysBusDevice *dev, int n, hwaddr addr)
{
    sysbus_mmio_map_overlap(dev, n, addr, 0);
}

void sysbus_mmio_unmap(SysBusDevice *dev, int n)
{
    check_index(dev, n, dev->num_mmio, "MMIO");
    if (dev->mmio[n].addr != (hwaddr)-1) {
        memory_region_del_subregion(get_system_memory(), dev->mmio[n].mr);
        dev->mmio[n].addr = (hwaddr)-1;
    }
}

void sysbus_pio_map(SysBusDevice *dev, int n, hwaddr port)
{
    check_index(dev, n, dev->num_pio, "port");
    qdev_sysbus_unmap_hook = sysbus_unmap_all;
    memory_region_transaction_begin();
    if (dev->pio[n].addr != (hwaddr)-1) {
        memory_region_del_subregion(get_system_io(), dev->pio[n].mr);
    }
    memory_region_add_subregion(get_system_io(), port, dev->pio[n].mr);
    dev->pio[n].addr = port;
    memory_region_transaction_commit();
}

MemoryRegion *sysbus_mmio_get_region(SysBusDevice *dev, int n)
{
    check_index(dev, n, dev->num_mmio, "MMIO");
    return dev->mmio[n].mr;
}

hwaddr sysbus_mmio_get_addr(SysBusDevice *dev, int n)
{
    check_index(dev, n, dev->num_mmio, "MMIO");
    return dev->mmio[n].addr;
}

void sysbus_connect_irq(SysBusDevice *dev, int n, qemu_irq irq)
{
    if (!qdev_connect_gpio_out_named(DEVICE(dev), SYSBUS_DEVICE_GPIO_IRQ, n, irq)) {
        abort(); /* the board wired a line the device does not have */
    }
}

DeviceState *sysbus_create_simple(const char *type_name, hwaddr addr, qemu_irq irq)
{
    DeviceState *dev = qdev_new(type_name, &error_abort);
    SysBusDevice *sbd = SYS_BUS_DEVICE(dev);

    qdev_realize(dev, NULL, &error_abort);
    if (addr != (hwaddr)-1) {
        sysbus_mmio_map(sbd, 0, addr);
    }
    if (irq) {
        sysbus_connect_irq(sbd, 0, irq);
    }
    return dev;
}

/* info qtree: where the regions are. */
static void sysbus_print_dev(FILE *out, DeviceState *dev, int indent)
{
    SysBusDevice *sbd;

    if (!qdev_is_a(dev, TYPE_SYS_BUS_DEVICE)) {
        return;
    }
    sbd = (SysBusDevice *)dev;
    for (int i = 0; i < sbd->num_mmio; i++) {
        if (sbd->mmio[i].addr == (hwaddr)-1) {
            fprintf(out, "%*smmio %d: not mapped\n", indent, "", i);
        } else {
            fprintf(out, "%*smmio %016" PRIx64 "/%016" PRIx64 "\n", indent, "", sbd->mmio[i].addr,
                    memory_region_size(sbd->mmio[i].mr));
        }
    }
    for (int i = 0; i < sbd->num_pio; i++) {
        if (sbd->pio[i].addr != (hwaddr)-1) {
            fprintf(out, "%*spio %04" PRIx64 "/%04" PRIx64 "\n", indent, "", sbd->pio[i].addr,
                    memory_region_size(sbd->pio[i].mr));
        }
    }
}

static const BusTypeInfo sysbus_type_info = {
    .name = BUS_KIND_SYSTEM,
    .print_dev = sysbus_print_dev,
};
BUS_TYPE(sysbus_type_info)
