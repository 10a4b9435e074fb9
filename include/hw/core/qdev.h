/*
 * The device model core: device types, instances, buses, realize/reset.
 *
 * A device type is a `static const DeviceTypeInfo` registered by a
 * constructor (DEVICE_TYPE(info) at file scope), so registration order does
 * not matter. A type may name a `parent` type (usually an abstract base such
 * as "pci-device"): it inherits the parent's bus kind, instance size and
 * properties, and the hooks of every level run: instance_init, realize and
 * reset from the base down to the most derived type; unrealize and
 * instance_finalize from the most derived up. The most derived non-NULL
 * vmsd describes the whole instance (it includes the base's state with
 * VMSTATE_STRUCT, as a PCI device includes its config space).
 *
 * An instance is a FooState whose first member is the base's state, down
 * to a DeviceState:
 *
 *     typedef struct FooState { DeviceState parent; uint32_t iobase; } FooState;
 *     static const Property foo_props[] = {
 *         DEFINE_PROP_UINT32("iobase", FooState, iobase, 0x3f8),
 *         DEFINE_PROP_END_OF_LIST(),
 *     };
 *     static const DeviceTypeInfo foo_info = {
 *         .name = "foo", .bus_kind = BUS_KIND_ISA, .instance_size = sizeof(FooState),
 *         .realize = foo_realize, .reset = foo_reset, .props = foo_props,
 *         .vmsd = &vmstate_foo, .desc = "an example", .user_creatable = true,
 *     };
 *     DEVICE_TYPE(foo_info)
 *
 * Life of an instance: qdev_new() allocates it zeroed, sets property
 * defaults and runs instance_init; the board or -device sets properties;
 * qdev_realize() puts it on a bus, runs realize (which validates the
 * properties, creates memory regions, irq lines, child buses) and registers
 * its vmsd; then the machine reset runs reset. Properties are frozen once
 * realized. qdev_delete() undoes all of it.
 *
 * Linking: a device file is pulled into a program only if something
 * references it, so its DEVICE_TYPE constructor runs only if the file is
 * linked whole (meson `link_whole:` or objects), as board device sets are.
 *
 * Locking: the device tree is changed and walked under the big lock (or
 * before threads exist).
 */
#ifndef HW_CORE_QDEV_H
#define HW_CORE_QDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hw/core/irq.h"
#include "util/error.h"

typedef struct DeviceState DeviceState;
typedef struct BusState BusState;
typedef struct Property Property;
typedef struct VMStateDescription VMStateDescription;
typedef struct NamedGPIOList NamedGPIOList;

/* Bus kinds (DeviceTypeInfo.bus_kind, BusState.kind). */
#define BUS_KIND_SYSTEM "sys-bus"
#define BUS_KIND_ISA    "isa"
#define BUS_KIND_PCI    "pci"
#define BUS_KIND_CPU    "cpu"

/* Categories for -device help (DeviceTypeInfo.category). */
#define DEVICE_CATEGORY_BRIDGE  "bridge"
#define DEVICE_CATEGORY_STORAGE "storage"
#define DEVICE_CATEGORY_NETWORK "network"
#define DEVICE_CATEGORY_INPUT   "input"
#define DEVICE_CATEGORY_DISPLAY "display"
#define DEVICE_CATEGORY_MISC    "misc"

typedef struct DeviceTypeInfo {
    const char *name;
    /* base type this one extends, or NULL */
    const char *parent;
    /* kind of bus the device plugs into (inherited when NULL); NULL all the
     * way up means the device sits on no bus */
    const char *bus_kind;
    /* sizeof(FooState); 0 inherits the parent's */
    size_t instance_size;
    /* a base type only: cannot be instantiated */
    bool abstract;
    /* may be created with -device (not inherited) */
    bool user_creatable;
    const char *desc;
    const char *category;
    /* this level's properties, ended by DEFINE_PROP_END_OF_LIST(); the
     * parent's come first in the instance */
    const Property *props;
    const VMStateDescription *vmsd;
    /* after allocation and property defaults, before properties are set:
     * things that must exist before the board wires the device */
    void (*instance_init)(DeviceState *dev);
    /* validate properties and build the device; false with *errp set on
     * failure (then whatever this level built must be undone here) */
    bool (*realize)(DeviceState *dev, Error **errp);
    void (*unrealize)(DeviceState *dev);
    /* put the device in its power-on state (also the machine reset) */
    void (*reset)(DeviceState *dev);
    /* free what instance_init allocated */
    void (*instance_finalize)(DeviceState *dev);
    /* bus- or family-specific static data for the base type's code (PCI
     * vendor/device ids, for instance) */
    const void *class_data;
} DeviceTypeInfo;

/* Register a type (at start-up; the descriptor must stay alive). A second
 * type with the same name is a programming error and aborts. */
void device_type_register(const DeviceTypeInfo *info);
#define DEVICE_TYPE(info)                                                                          \
    static void __attribute__((constructor)) device_type_register_##info(void)                     \
    {                                                                                              \
        device_type_register(&(info));                                                             \
    }

/* NULL if no such type. */
const DeviceTypeInfo *device_type_find(const char *name);
/* True if type is name or derives from it. */
bool device_type_is_a(const DeviceTypeInfo *type, const char *name);
/* Resolved through the parents: */
const char *device_type_bus_kind(const DeviceTypeInfo *type);
size_t device_type_instance_size(const DeviceTypeInfo *type);
const VMStateDescription *device_type_vmsd(const DeviceTypeInfo *type);
/* Call fn for every registered type, sorted by name. */
void device_type_foreach(void (*fn)(const DeviceTypeInfo *type, void *opaque), void *opaque);

struct DeviceState {
    const DeviceTypeInfo *type;
    char *id; /* -device id=..., or NULL */
    bool realized;
    BusState *parent_bus;  /* set by qdev_realize */
    BusState *child_buses; /* buses this device provides, in creation order */
    /* private to hw/core */
    DeviceState *bus_next;
    DeviceState *all_next, *all_prev;
    NamedGPIOList *gpios;
    uint64_t serial; /* creation order */
    bool vmsd_registered;
    int instance_id_alias; /* vmstate instance id, -1 = automatic */
};

/* Any FooState * to its DeviceState (the DeviceState comes first). */
#define DEVICE(obj) ((DeviceState *)(obj))
/* DeviceState * to Type *, aborting if dev is not a type_name (a
 * programming error): FOO(dev) is QDEV_CHECK(FooState, dev, "foo"). */
#define QDEV_CHECK(Type, dev, type_name)                                                           \
    ((Type *)qdev_check_cast(DEVICE(dev), (type_name), __FILE__, __LINE__))
DeviceState *qdev_check_cast(DeviceState *dev, const char *type_name, const char *file, int line);
/* True if dev is a type_name or derives from it. */
bool qdev_is_a(DeviceState *dev, const char *type_name);

/* Create an unrealized device; NULL with an error for an unknown or
 * abstract type. */
DeviceState *qdev_new(const char *type_name, Error **errp);
/* Give the device a user-visible id; fails if another device has it. */
bool qdev_set_id(DeviceState *dev, const char *id, Error **errp);
/*
 * Plug dev into bus and realize it. bus may be NULL: a sys-bus device then
 * goes on the main system bus; other bus kinds must be given one. On
 * failure dev stays unrealized and off the bus (it may be retried or
 * deleted).
 */
bool qdev_realize(DeviceState *dev, BusState *bus, Error **errp);
/* Unrealize (child buses' devices first), unregister vmstate, unplug. */
void qdev_unrealize(DeviceState *dev);
/* Unrealize if needed, then free the device and everything it owns. */
void qdev_delete(DeviceState *dev);

/* Reset dev then the devices on its child buses (depth first). */
void device_cold_reset(DeviceState *dev);
/* The machine reset: every realized device once, in creation order. */
void qdev_reset_all_devices(void);

/* Devices in creation order. */
DeviceState *qdev_first(void);
DeviceState *qdev_next(DeviceState *dev);
void qdev_foreach(void (*fn)(DeviceState *dev, void *opaque), void *opaque);
DeviceState *qdev_find_by_id(const char *id);
/* The vmsd the instance uses (resolved through the type's parents). */
const VMStateDescription *qdev_get_vmsd(DeviceState *dev);
/* Set before realize to force the vmstate instance id (-1: automatic). */
void qdev_set_legacy_instance_id(DeviceState *dev, int instance_id);

/* The device's unique path on its bus (PCI: "0000:00:03.0"), malloc'd,
 * or NULL if its bus kind does not give one. */
char *qdev_get_dev_path(DeviceState *dev);
/* "'type'" or "'type' (id 'x')", malloc'd: for messages. */
char *qdev_describe(DeviceState *dev);

/* ---- Buses ---- */

/* Optional per-kind hooks (register with BUS_TYPE(info)). */
typedef struct BusTypeInfo {
    const char *name; /* the bus kind */
    /* see qdev_get_dev_path; NULL: none */
    char *(*get_dev_path)(DeviceState *dev);
    /* extra lines for "info qtree" about dev on this bus */
    void (*print_dev)(FILE *out, DeviceState *dev, int indent);
} BusTypeInfo;

void bus_type_register(const BusTypeInfo *info);
#define BUS_TYPE(info)                                                                             \
    static void __attribute__((constructor)) bus_type_register_##info(void)                        \
    {                                                                                              \
        bus_type_register(&(info));                                                                \
    }
const BusTypeInfo *bus_type_find(const char *kind);

struct BusState {
    const char *kind;
    char *name;            /* "pci.0", "isa.0", "main-system-bus" */
    DeviceState *parent;   /* NULL for the root system bus */
    DeviceState *children; /* in plug order */
    int num_children;
    int max_children; /* 0: unlimited */
    /* private to hw/core */
    BusState *sibling; /* next bus of the same parent */
    BusState *all_next;
    bool allocated;
};

/*
 * A bus of the given kind provided by parent (may be NULL for a root bus).
 * name NULL makes "<kind>.<n>" with n counting buses of that kind. The
 * name must be unique (it is what -device bus= refers to); a duplicate is a
 * programming error and aborts.
 */
BusState *qbus_new(const char *kind, DeviceState *parent, const char *name);
/* The same for a bus embedded in a larger struct (PCIBus { BusState b; }). */
void qbus_init(BusState *bus, const char *kind, DeviceState *parent, const char *name);
/* Delete the devices on the bus, unlink it, free it if qbus_new made it. */
void qbus_delete(BusState *bus);
BusState *qbus_find(const char *name);
/* The first bus of that kind, in creation order (for -device without bus=). */
BusState *qbus_find_kind(const char *kind);
/* device_cold_reset of every device on the bus. */
void qbus_reset_all(BusState *bus);

/* ---- Listings and -device ---- */

/* The device tree ("info qtree"), malloc'd. */
char *qdev_format_qtree(void);
/* User-creatable types with their descriptions ("-device help"), malloc'd. */
char *qdev_format_type_list(void);
/* A type's properties: name, type, default, description ("-device foo,help"),
 * malloc'd; NULL with an error for an unknown type. */
char *qdev_format_type_help(const char *type_name, Error **errp);

/*
 * Parse a -device argument "type[,prop=value...]" with the special keys
 * id= and bus=: create the device, set its id and properties (strictly:
 * unknown property, bad value, out of range fail naming the device and
 * property). Returns the unrealized device and, if bus_name is non-NULL,
 * stores the bus= value (malloc'd, NULL if none) there; the caller finds
 * the bus and realizes. NULL with an error on failure. Rejects types that
 * are not user_creatable.
 */
DeviceState *qdev_new_from_options(const char *spec, char **bus_name, Error **errp);
/*
 * -device / device_add: qdev_new_from_options, then find the bus (bus=NAME,
 * else the main system bus for sys-bus devices, else the first bus of the
 * device's kind) and realize. The realized device, or NULL with an error
 * (the half-made device is deleted).
 */
DeviceState *qdev_device_add(const char *spec, Error **errp);
/*
 * If spec asks for help ("help", "?", "type,help"), write the listing to
 * out and return true; otherwise return false without output. An unknown
 * type in "type,help" writes the error to out and returns true.
 */
bool qdev_options_help(const char *spec, FILE *out);

#endif
