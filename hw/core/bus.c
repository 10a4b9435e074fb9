/*
 * Buses (see hw/core/qdev.h): a bus has a kind, a unique name, the device
 * that provides it (none for the root system bus) and its children in
 * plug order. Every bus is also on one global list in creation order, which
 * is how -device bus=NAME and the listings find them.
 *
 * Bus kinds may register hooks (BusTypeInfo) for device paths and listing
 * lines; a kind without hooks works too.
 */
#include <stdlib.h>
#include <string.h>

#include "hw/core/sysbus.h"
#include "qdev-internal.h"

static const BusTypeInfo **bus_types;
static int bus_type_count, bus_type_cap;

static BusState *bus_head, *bus_tail;

void bus_type_register(const BusTypeInfo *info)
{
    if (bus_type_find(info->name)) {
        error_report("bus type '%s' registered twice", info->name);
        abort();
    }
    if (bus_type_count == bus_type_cap) {
        bus_type_cap = bus_type_cap ? bus_type_cap * 2 : 8;
        bus_types = realloc(bus_types, bus_type_cap * sizeof(*bus_types));
        if (!bus_types) {
            abort();
        }
    }
    bus_types[bus_type_count++] = info;
}

const BusTypeInfo *bus_type_find(const char *kind)
{
    for (int i = 0; i < bus_type_count; i++) {
        if (strcmp(bus_types[i]->name, kind) == 0) {
            return bus_types[i];
        }
    }
    return NULL;
}

BusState *qbus_find(const char *name)
{
    for (BusState *b = bus_head; b; b = b->all_next) {
        if (strcmp(b->name, name) == 0) {
            return b;
        }
    }
    return NULL;
}

BusState *qbus_find_kind(const char *kind)
{
    for (BusState *b = bus_head; b; b = b->all_next) {
        if (strcmp(b->kind, kind) == 0) {
            return b;
        }
    }
    return NULL;
}

BusState *qbus_first(void)
{
    return bus_head;
}

void qbus_init(BusState *bus, const char *kind, DeviceState *parent, const char *name)
{
    char *auto_name = NULL;

    memset(bus, 0, sizeof(*bus));
    bus->kind = kind;
    if (!name) {
        int n = 0;

        for (BusState *b = bus_head; b; b = b->all_next) {
            n += strcmp(b->kind, kind) == 0;
        }
        if (asprintf(&auto_name, "%s.%d", kind, n) < 0) {
            abort();
        }
        name = auto_name;
    }
    if (qbus_find(name)) {
        error_report("bus name '%s' used twice", name);
        abort();
    }
    bus->name = auto_name ? auto_name : strdup(name);
    if (!bus->name) {
        abort();
    }
    bus->parent = parent;
    if (parent) {
        BusState **pp = &parent->child_buses;

        while (*pp) {
            pp = &(*pp)->sibling;
        }
        *pp = bus;
    }
    if (bus_tail) {
        bus_tail->all_next = bus;
    } else {
        bus_head = bus;
    }
    bus_tail = bus;
}

BusState *qbus_new(const char *kind, DeviceState *parent, const char *name)
{
    BusState *bus = malloc(sizeof(*bus));

    if (!bus) {
        abort();
    }
    qbus_init(bus, kind, parent, name);
    bus->allocated = true;
    return bus;
}

void qbus_delete(BusState *bus)
{
    BusState *prev = NULL;

    while (bus->children) {
        qdev_delete(bus->children);
    }
    if (bus->parent) {
        BusState **pp = &bus->parent->child_buses;

        while (*pp && *pp != bus) {
            pp = &(*pp)->sibling;
        }
        if (*pp) {
            *pp = bus->sibling;
        }
    }
    for (BusState *b = bus_head; b; prev = b, b = b->all_next) {
        if (b == bus) {
            if (prev) {
                prev->all_next = b->all_next;
            } else {
                bus_head = b->all_next;
            }
            if (bus_tail == b) {
                bus_tail = prev;
            }
            break;
        }
    }
    free(bus->name);
    bus->name = NULL;
    if (bus->allocated) {
        free(bus);
    }
}

bool qbus_attach_child(BusState *bus, DeviceState *dev, Error **errp)
{
    const char *kind = device_type_bus_kind(dev->type);
    DeviceState **pp;

    if (!kind || strcmp(kind, bus->kind) != 0) {
        char *what = qdev_describe(dev);

        error_setg(errp, "device %s needs a '%s' bus, but '%s' is a '%s' bus", what,
                   kind ? kind : "(no)", bus->name, bus->kind);
        free(what);
        return false;
    }
    if (bus->max_children && bus->num_children >= bus->max_children) {
        char *what = qdev_describe(dev);

        error_setg(errp, "bus '%s' is full (%d devices): cannot plug device %s", bus->name,
                   bus->max_children, what);
        free(what);
        return false;
    }
    for (pp = &bus->children; *pp; pp = &(*pp)->bus_next) {
    }
    *pp = dev;
    dev->bus_next = NULL;
    dev->parent_bus = bus;
    bus->num_children++;
    return true;
}

void qbus_detach_child(BusState *bus, DeviceState *dev)
{
    for (DeviceState **pp = &bus->children; *pp; pp = &(*pp)->bus_next) {
        if (*pp == dev) {
            *pp = dev->bus_next;
            dev->bus_next = NULL;
            dev->parent_bus = NULL;
            bus->num_children--;
            return;
        }
    }
}

void qbus_reset_all(BusState *bus)
{
    for (DeviceState *d = bus->children; d; d = d->bus_next) {
        if (d->realized) {
            device_cold_reset(d);
        }
    }
}

BusState *sysbus_get_default(void)
{
    static BusState *main_bus;

    if (!main_bus) {
        main_bus = qbus_new(BUS_KIND_SYSTEM, NULL, "main-system-bus");
    }
    return main_bus;
}

/* info qtree: a bus, its devices with their properties, their buses. */
void qbus_print(FILE *out, BusState *bus, int indent)
{
    const BusTypeInfo *bt = bus_type_find(bus->kind);

    fprintf(out, "%*sbus: %s\n", indent, "", bus->name);
    fprintf(out, "%*s  type %s\n", indent, "", bus->kind);
    for (DeviceState *d = bus->children; d; d = d->bus_next) {
        fprintf(out, "%*s  dev: %s, id \"%s\"%s\n", indent, "", d->type->name, d->id ? d->id : "",
                d->realized ? "" : " (unrealized)");
        qdev_props_print(out, d, indent + 4);
        if (bt && bt->print_dev) {
            bt->print_dev(out, d, indent + 4);
        }
        for (BusState *c = d->child_buses; c; c = c->sibling) {
            qbus_print(out, c, indent + 4);
        }
    }
}

/* The sys-bus device base type lives here rather than in sysbus.c so that
 * it is registered whenever the device core is linked, even in programs
 * that never map a region (sysbus.c needs the memory API). */
static void sysbus_device_instance_init(DeviceState *dev)
{
    SysBusDevice *sbd = (SysBusDevice *)dev;

    for (int i = 0; i < SYSBUS_DEVICE_MAX_MMIO; i++) {
        sbd->mmio[i].addr = (hwaddr)-1;
    }
    for (int i = 0; i < SYSBUS_DEVICE_MAX_PIO; i++) {
        sbd->pio[i].addr = (hwaddr)-1;
    }
}

void (*qdev_sysbus_unmap_hook)(SysBusDevice *dev);

/* An unplugged device must vanish from the address spaces; the mapping code
 * (sysbus.c) installs the hook when it first maps something. */
static void sysbus_device_unrealize(DeviceState *dev)
{
    if (qdev_sysbus_unmap_hook) {
        qdev_sysbus_unmap_hook((SysBusDevice *)dev);
    }
}

static const DeviceTypeInfo sysbus_device_info = {
    .name = TYPE_SYS_BUS_DEVICE,
    .bus_kind = BUS_KIND_SYSTEM,
    .instance_size = sizeof(SysBusDevice),
    .abstract = true,
    .desc = "base of devices on the system bus",
    .instance_init = sysbus_device_instance_init,
    .unrealize = sysbus_device_unrealize,
};
DEVICE_TYPE(sysbus_device_info)
