/*
 * Device types and instances: registration, creation, realize/unrealize,
 * reset, deletion (see hw/core/qdev.h).
 *
 * Types are registered by constructors before main() and never removed, so
 * the registry needs no lock. A type's parent is resolved by name at each
 * use, which keeps registration order irrelevant.
 *
 * Instances are kept in one list in creation order: the machine reset and
 * the listings walk it. All changes happen under the big lock.
 */
#include "hw/core/qdev.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hw/core/qdev-properties.h"
#include "hw/core/sysbus.h"
#include "migration/vmstate.h"
#include "qdev-internal.h"

static const DeviceTypeInfo **type_table;
static int type_count, type_cap;

static DeviceState *dev_head, *dev_tail;
static uint64_t dev_serial;

void device_type_register(const DeviceTypeInfo *info)
{
    if (!info || !info->name || !*info->name) {
        error_report("device_type_register: a type without a name");
        abort();
    }
    if (device_type_find(info->name)) {
        error_report("device type '%s' registered twice", info->name);
        abort();
    }
    if (type_count == type_cap) {
        type_cap = type_cap ? type_cap * 2 : 64;
        type_table = realloc(type_table, type_cap * sizeof(*type_table));
        if (!type_table) {
            abort();
        }
    }
    type_table[type_count++] = info;
}

const DeviceTypeInfo *device_type_find(const char *name)
{
    if (!name) {
        return NULL;
    }
    for (int i = 0; i < type_count; i++) {
        if (strcmp(type_table[i]->name, name) == 0) {
            return type_table[i];
        }
    }
    return NULL;
}

/* The parent of type; a missing parent is a build bug, reported once per use. */
static const DeviceTypeInfo *type_parent(const DeviceTypeInfo *type)
{
    const DeviceTypeInfo *p;

    if (!type->parent) {
        return NULL;
    }
    p = device_type_find(type->parent);
    if (!p) {
        error_report("device type '%s' has unknown parent '%s'", type->name, type->parent);
        abort();
    }
    return p;
}

int qdev_type_chain(const DeviceTypeInfo *type, const DeviceTypeInfo **levels)
{
    const DeviceTypeInfo *rev[QDEV_MAX_TYPE_DEPTH];
    int n = 0;

    for (const DeviceTypeInfo *t = type; t; t = type_parent(t)) {
        if (n == QDEV_MAX_TYPE_DEPTH) {
            error_report("device type '%s': parent chain too deep (a loop?)", type->name);
            abort();
        }
        rev[n++] = t;
    }
    for (int i = 0; i < n; i++) {
        levels[i] = rev[n - 1 - i];
    }
    return n;
}

bool device_type_is_a(const DeviceTypeInfo *type, const char *name)
{
    int depth = 0;

    for (const DeviceTypeInfo *t = type; t && depth < QDEV_MAX_TYPE_DEPTH;
         t = type_parent(t), depth++) {
        if (strcmp(t->name, name) == 0) {
            return true;
        }
    }
    return false;
}

const char *device_type_bus_kind(const DeviceTypeInfo *type)
{
    int depth = 0;

    for (const DeviceTypeInfo *t = type; t && depth < QDEV_MAX_TYPE_DEPTH;
         t = type_parent(t), depth++) {
        if (t->bus_kind) {
            return t->bus_kind;
        }
    }
    return NULL;
}

size_t device_type_instance_size(const DeviceTypeInfo *type)
{
    int depth = 0;

    for (const DeviceTypeInfo *t = type; t && depth < QDEV_MAX_TYPE_DEPTH;
         t = type_parent(t), depth++) {
        if (t->instance_size) {
            return t->instance_size;
        }
    }
    return sizeof(DeviceState);
}

const VMStateDescription *device_type_vmsd(const DeviceTypeInfo *type)
{
    int depth = 0;

    for (const DeviceTypeInfo *t = type; t && depth < QDEV_MAX_TYPE_DEPTH;
         t = type_parent(t), depth++) {
        if (t->vmsd) {
            return t->vmsd;
        }
    }
    return NULL;
}

static int type_cmp(const void *a, const void *b)
{
    const DeviceTypeInfo *ta = *(const DeviceTypeInfo *const *)a;
    const DeviceTypeInfo *tb = *(const DeviceTypeInfo *const *)b;

    return strcmp(ta->name, tb->name);
}

void device_type_foreach(void (*fn)(const DeviceTypeInfo *type, void *opaque), void *opaque)
{
    const DeviceTypeInfo **sorted;

    if (type_count == 0) {
        return;
    }
    sorted = malloc(type_count * sizeof(*sorted));
    if (!sorted) {
        abort();
    }
    memcpy(sorted, type_table, type_count * sizeof(*sorted));
    qsort(sorted, type_count, sizeof(*sorted), type_cmp);
    for (int i = 0; i < type_count; i++) {
        fn(sorted[i], opaque);
    }
    free(sorted);
}

/* ---- Instances ---- */

bool qdev_is_a(DeviceState *dev, const char *type_name)
{
    return dev && device_type_is_a(dev->type, type_name);
}

DeviceState *qdev_check_cast(DeviceState *dev, const char *type_name, const char *file, int line)
{
    if (dev && !qdev_is_a(dev, type_name)) {
        error_report("%s:%d: device of type '%s' used as a '%s'", file, line, dev->type->name,
                     type_name);
        abort();
    }
    return dev;
}

DeviceState *qdev_new(const char *type_name, Error **errp)
{
    const DeviceTypeInfo *type = device_type_find(type_name);
    const DeviceTypeInfo *levels[QDEV_MAX_TYPE_DEPTH];
    DeviceState *dev;
    size_t size;
    int n;

    if (!type) {
        error_setg(errp, "unknown device type '%s' (-device help lists them)",
                   type_name ? type_name : "(null)");
        return NULL;
    }
    if (type->abstract) {
        error_setg(errp, "device type '%s' is abstract and cannot be created", type_name);
        return NULL;
    }
    size = device_type_instance_size(type);
    if (size < sizeof(DeviceState)) {
        error_report("device type '%s': instance_size %zu is smaller than DeviceState", type->name,
                     size);
        abort();
    }
    dev = calloc(1, size);
    if (!dev) {
        abort();
    }
    dev->type = type;
    dev->serial = dev_serial++;
    dev->instance_id_alias = VMSTATE_INSTANCE_ID_ANY;

    dev->all_prev = dev_tail;
    if (dev_tail) {
        dev_tail->all_next = dev;
    } else {
        dev_head = dev;
    }
    dev_tail = dev;

    qdev_props_set_defaults(dev);
    n = qdev_type_chain(type, levels);
    for (int i = 0; i < n; i++) {
        if (levels[i]->instance_init) {
            levels[i]->instance_init(dev);
        }
    }
    return dev;
}

DeviceState *qdev_find_by_id(const char *id)
{
    for (DeviceState *d = dev_head; d; d = d->all_next) {
        if (d->id && strcmp(d->id, id) == 0) {
            return d;
        }
    }
    return NULL;
}

bool qdev_set_id(DeviceState *dev, const char *id, Error **errp)
{
    DeviceState *other;
    char *copy;

    if (!id || !*id) {
        error_setg(errp, "device '%s': empty id", dev->type->name);
        return false;
    }
    other = qdev_find_by_id(id);
    if (other && other != dev) {
        error_setg(errp, "device '%s': duplicate id '%s' (already used by a '%s')", dev->type->name,
                   id, other->type->name);
        return false;
    }
    copy = strdup(id);
    if (!copy) {
        abort();
    }
    free(dev->id);
    dev->id = copy;
    return true;
}

char *qdev_describe(DeviceState *dev)
{
    char *s = NULL;
    int r;

    if (dev->id) {
        r = asprintf(&s, "'%s' (id '%s')", dev->type->name, dev->id);
    } else {
        r = asprintf(&s, "'%s'", dev->type->name);
    }
    if (r < 0) {
        abort();
    }
    return s;
}

char *qdev_get_dev_path(DeviceState *dev)
{
    const BusTypeInfo *bt;

    if (!dev->parent_bus) {
        return NULL;
    }
    bt = bus_type_find(dev->parent_bus->kind);
    if (!bt || !bt->get_dev_path) {
        return NULL;
    }
    return bt->get_dev_path(dev);
}

const VMStateDescription *qdev_get_vmsd(DeviceState *dev)
{
    return device_type_vmsd(dev->type);
}

void qdev_set_legacy_instance_id(DeviceState *dev, int instance_id)
{
    dev->instance_id_alias = instance_id;
}

/* Run unrealize of levels[0..n) from the most derived up. */
static void unrealize_levels(DeviceState *dev, const DeviceTypeInfo **levels, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        if (levels[i]->unrealize) {
            levels[i]->unrealize(dev);
        }
    }
}

bool qdev_realize(DeviceState *dev, BusState *bus, Error **errp)
{
    const DeviceTypeInfo *levels[QDEV_MAX_TYPE_DEPTH];
    const char *kind = device_type_bus_kind(dev->type);
    const VMStateDescription *vmsd;
    Error *local_err = NULL;
    bool attached_here = true;
    char *what;
    int n, done;

    what = qdev_describe(dev);
    if (dev->realized) {
        error_setg(errp, "device %s is already realized", what);
        goto fail_early;
    }
    if (!kind && bus) {
        error_setg(errp, "device %s does not plug into a bus, but bus '%s' was given", what,
                   bus->name);
        goto fail_early;
    }
    /* A device unrealized earlier is still on its bus: realize it there. */
    if (dev->parent_bus) {
        if (bus && bus != dev->parent_bus) {
            error_setg(errp, "device %s is on bus '%s', cannot realize it on '%s'", what,
                       dev->parent_bus->name, bus->name);
            goto fail_early;
        }
        bus = dev->parent_bus;
        attached_here = false;
    }
    if (kind && !bus) {
        if (strcmp(kind, BUS_KIND_SYSTEM) == 0) {
            bus = sysbus_get_default();
        } else {
            error_setg(errp, "device %s needs a '%s' bus", what, kind);
            goto fail_early;
        }
    }
    if (bus && attached_here && !qbus_attach_child(bus, dev, errp)) {
        goto fail_early;
    }

    n = qdev_type_chain(dev->type, levels);
    for (done = 0; done < n; done++) {
        if (levels[done]->realize && !levels[done]->realize(dev, &local_err)) {
            if (!local_err) {
                error_setg(&local_err, "realize failed without saying why");
            }
            error_prepend(&local_err, "device %s: ", what);
            error_propagate(errp, local_err);
            unrealize_levels(dev, levels, done);
            goto fail_bus;
        }
    }

    vmsd = device_type_vmsd(dev->type);
    if (vmsd) {
        if (vmstate_register(dev, dev->instance_id_alias, vmsd, dev, &local_err) < 0) {
            error_prepend(&local_err, "device %s: ", what);
            error_propagate(errp, local_err);
            unrealize_levels(dev, levels, n);
            goto fail_bus;
        }
        dev->vmsd_registered = true;
    }
    dev->realized = true;
    free(what);
    return true;

fail_bus:
    if (bus && attached_here) {
        qbus_detach_child(bus, dev);
    }
fail_early:
    free(what);
    return false;
}

void qdev_unrealize(DeviceState *dev)
{
    const DeviceTypeInfo *levels[QDEV_MAX_TYPE_DEPTH];
    int n;

    if (!dev->realized) {
        return;
    }
    /* Children first: they may still use what their parent provides. */
    for (BusState *b = dev->child_buses; b; b = b->sibling) {
        for (DeviceState *c = b->children; c; c = c->bus_next) {
            qdev_unrealize(c);
        }
    }
    if (dev->vmsd_registered) {
        vmstate_unregister(dev, device_type_vmsd(dev->type), dev);
        dev->vmsd_registered = false;
    }
    n = qdev_type_chain(dev->type, levels);
    unrealize_levels(dev, levels, n);
    /* It stays on its bus (as a plugged but unpowered device would) until
     * qdev_delete. */
    dev->realized = false;
}

void qdev_delete(DeviceState *dev)
{
    const DeviceTypeInfo *levels[QDEV_MAX_TYPE_DEPTH];
    int n;

    if (!dev) {
        return;
    }
    qdev_unrealize(dev);
    while (dev->child_buses) {
        qbus_delete(dev->child_buses);
    }
    n = qdev_type_chain(dev->type, levels);
    for (int i = n - 1; i >= 0; i--) {
        if (levels[i]->instance_finalize) {
            levels[i]->instance_finalize(dev);
        }
    }
    if (dev->parent_bus) {
        qbus_detach_child(dev->parent_bus, dev);
    }
    qdev_props_release(dev);
    qdev_gpio_free_all(dev);

    if (dev->all_prev) {
        dev->all_prev->all_next = dev->all_next;
    } else {
        dev_head = dev->all_next;
    }
    if (dev->all_next) {
        dev->all_next->all_prev = dev->all_prev;
    } else {
        dev_tail = dev->all_prev;
    }
    free(dev->id);
    free(dev);
}

/* Reset hooks of one device, base type first. */
static void device_reset_levels(DeviceState *dev)
{
    const DeviceTypeInfo *levels[QDEV_MAX_TYPE_DEPTH];
    int n = qdev_type_chain(dev->type, levels);

    for (int i = 0; i < n; i++) {
        if (levels[i]->reset) {
            levels[i]->reset(dev);
        }
    }
}

void device_cold_reset(DeviceState *dev)
{
    device_reset_levels(dev);
    for (BusState *b = dev->child_buses; b; b = b->sibling) {
        qbus_reset_all(b);
    }
}

void qdev_reset_all_devices(void)
{
    for (DeviceState *d = dev_head; d; d = d->all_next) {
        if (d->realized) {
            device_reset_levels(d);
        }
    }
}

DeviceState *qdev_first(void)
{
    return dev_head;
}

DeviceState *qdev_next(DeviceState *dev)
{
    return dev->all_next;
}

void qdev_foreach(void (*fn)(DeviceState *dev, void *opaque), void *opaque)
{
    DeviceState *next;

    /* fn may delete the device it is given */
    for (DeviceState *d = dev_head; d; d = next) {
        next = d->all_next;
        fn(d, opaque);
    }
}
