/*
 * The user's view of the device model: "-device" parsing and help, the
 * type list and "info qtree" (see the end of hw/core/qdev.h).
 *
 * Listings are rendered into malloc'd strings so the monitor, the command
 * line and tests can each print them where they need.
 */
#include <stdlib.h>
#include <string.h>

#include "hw/core/qdev-properties.h"
#include "qdev-internal.h"

static FILE *memstream(char **buf, size_t *len)
{
    FILE *f = open_memstream(buf, len);

    if (!f) {
        abort();
    }
    return f;
}

/* ---- info qtree ---- */

char *qdev_format_qtree(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = memstream(&buf, &len);
    bool header = false;

    for (BusState *b = qbus_first(); b; b = b->all_next) {
        if (!b->parent) {
            qbus_print(f, b, 0);
        }
    }
    /* Devices on no bus (CPUs, backends) would otherwise be invisible. */
    for (DeviceState *d = qdev_first(); d; d = qdev_next(d)) {
        if (d->parent_bus) {
            continue;
        }
        if (!header) {
            fprintf(f, "devices without a bus:\n");
            header = true;
        }
        fprintf(f, "  dev: %s, id \"%s\"%s\n", d->type->name, d->id ? d->id : "",
                d->realized ? "" : " (unrealized)");
        qdev_props_print(f, d, 4);
        for (BusState *c = d->child_buses; c; c = c->sibling) {
            qbus_print(f, c, 4);
        }
    }
    fclose(f);
    return buf;
}

/* ---- -device help ---- */

static const char *const categories[] = {
    DEVICE_CATEGORY_BRIDGE, DEVICE_CATEGORY_STORAGE, DEVICE_CATEGORY_NETWORK,
    DEVICE_CATEGORY_INPUT,  DEVICE_CATEGORY_DISPLAY, DEVICE_CATEGORY_MISC,
};

typedef struct ListCtx {
    FILE *out;
    const char *category; /* NULL: types with an unknown or no category */
    bool any;
} ListCtx;

static bool known_category(const char *c)
{
    for (size_t i = 0; i < sizeof(categories) / sizeof(categories[0]); i++) {
        if (c && strcmp(c, categories[i]) == 0) {
            return true;
        }
    }
    return false;
}

static void list_one(const DeviceTypeInfo *type, void *opaque)
{
    ListCtx *c = opaque;
    const char *kind;

    if (!type->user_creatable || type->abstract) {
        return;
    }
    if (c->category ? !type->category || strcmp(type->category, c->category) != 0
                    : known_category(type->category)) {
        return;
    }
    if (!c->any) {
        fprintf(c->out, "%s%s devices:\n", c->out && ftell(c->out) > 0 ? "\n" : "",
                c->category ? c->category : "other");
        c->any = true;
    }
    kind = device_type_bus_kind(type);
    fprintf(c->out, "name \"%s\"", type->name);
    if (kind) {
        fprintf(c->out, ", bus %s", kind);
    }
    if (type->desc) {
        fprintf(c->out, ", desc \"%s\"", type->desc);
    }
    fprintf(c->out, "\n");
}

char *qdev_format_type_list(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = memstream(&buf, &len);

    for (size_t i = 0; i <= sizeof(categories) / sizeof(categories[0]); i++) {
        ListCtx c = { f, i < sizeof(categories) / sizeof(categories[0]) ? categories[i] : NULL,
                      false };

        device_type_foreach(list_one, &c);
    }
    fclose(f);
    return buf;
}

typedef struct HelpCtx {
    FILE *out;
    DeviceState *tmp; /* zeroed instance holding the defaults */
} HelpCtx;

static void help_one(const Property *prop, void *opaque)
{
    HelpCtx *c = opaque;
    char *def;

    fprintf(c->out, "  %s=<%s>", prop->name, prop->info->name);
    if (prop->info == &qdev_prop_enum && prop->enum_names) {
        fprintf(c->out, " (");
        for (int i = 0; prop->enum_names[i]; i++) {
            fprintf(c->out, "%s%s", i ? "|" : "", prop->enum_names[i]);
        }
        fprintf(c->out, ")");
    }
    if (prop->desc) {
        fprintf(c->out, " - %s", prop->desc);
    } else if (prop->info->description) {
        fprintf(c->out, " - %s", prop->info->description);
    }
    if (prop->info != &qdev_prop_ptr) {
        def = prop->info->print(c->tmp, prop);
        fprintf(c->out, " (default: %s)", def);
        free(def);
    }
    fprintf(c->out, "\n");
}

static void release_tmp(const Property *prop, void *opaque)
{
    if (prop->info->release) {
        prop->info->release(opaque, prop);
    }
}

static void default_tmp(const Property *prop, void *opaque)
{
    if (prop->info->set_default) {
        prop->info->set_default(opaque, prop);
    }
}

char *qdev_format_type_help(const char *type_name, Error **errp)
{
    const DeviceTypeInfo *type = device_type_find(type_name);
    char *buf = NULL;
    size_t len = 0;
    HelpCtx c;
    FILE *f;

    if (!type) {
        error_setg(errp, "unknown device type '%s' (-device help lists them)", type_name);
        return NULL;
    }
    /* Defaults are printed by the property types themselves, from a bare
     * instance (no instance_init: help must have no side effects). */
    c.tmp = calloc(1, device_type_instance_size(type));
    if (!c.tmp) {
        abort();
    }
    c.tmp->type = type;
    qdev_type_foreach_prop(type, default_tmp, c.tmp);

    f = memstream(&buf, &len);
    c.out = f;
    fprintf(f, "%s options:\n", type->name);
    qdev_type_foreach_prop(type, help_one, &c);
    fclose(f);

    qdev_type_foreach_prop(type, release_tmp, c.tmp);
    free(c.tmp);
    return buf;
}

/* ---- -device parsing ---- */

/* Split "a,b,,c" at single commas (",," is a literal comma). Returns a
 * NULL-terminated malloc'd array of malloc'd strings. */
static char **split_options(const char *spec)
{
    size_t n = 1, cap = 8, k = 0;
    char **parts = calloc(cap, sizeof(*parts));
    char *cur = malloc(strlen(spec) + 1);

    if (!parts || !cur) {
        abort();
    }
    for (const char *s = spec;; s++) {
        if (*s == ',' && s[1] == ',') {
            cur[k++] = ',';
            s++;
            continue;
        }
        if (*s == ',' || *s == '\0') {
            cur[k] = '\0';
            if (n + 1 >= cap) {
                cap *= 2;
                parts = realloc(parts, cap * sizeof(*parts));
                if (!parts) {
                    abort();
                }
            }
            parts[n - 1] = strdup(cur);
            if (!parts[n - 1]) {
                abort();
            }
            parts[n++] = NULL;
            k = 0;
            if (*s == '\0') {
                break;
            }
            continue;
        }
        cur[k++] = *s;
    }
    free(cur);
    return parts;
}

static void free_options(char **parts)
{
    for (int i = 0; parts[i]; i++) {
        free(parts[i]);
    }
    free(parts);
}

static bool is_help(const char *s)
{
    return strcmp(s, "help") == 0 || strcmp(s, "?") == 0;
}

/* The driver name: the first part, or a driver= part. */
static const char *options_driver(char **parts)
{
    if (parts[0] && !strchr(parts[0], '=')) {
        return parts[0];
    }
    for (int i = 0; parts[i]; i++) {
        if (strncmp(parts[i], "driver=", 7) == 0) {
            return parts[i] + 7;
        }
    }
    return NULL;
}

bool qdev_options_help(const char *spec, FILE *out)
{
    char **parts = split_options(spec);
    const char *driver = options_driver(parts);
    bool help = false;
    char *text;
    Error *err = NULL;

    for (int i = 0; parts[i]; i++) {
        help |= is_help(parts[i]);
    }
    if (!help) {
        free_options(parts);
        return false;
    }
    if (!driver || is_help(driver)) {
        text = qdev_format_type_list();
    } else {
        text = qdev_format_type_help(driver, &err);
    }
    if (text) {
        fputs(text, out);
        free(text);
    } else {
        fprintf(out, "%s\n", error_get_pretty(err));
        error_free(err);
    }
    free_options(parts);
    return true;
}

DeviceState *qdev_new_from_options(const char *spec, char **bus_name, Error **errp)
{
    char **parts = split_options(spec);
    const char *driver = options_driver(parts);
    const DeviceTypeInfo *type;
    DeviceState *dev = NULL;
    char *bus = NULL;

    if (bus_name) {
        *bus_name = NULL;
    }
    if (!driver || !*driver) {
        error_setg(errp, "-device '%s': the device type is missing", spec);
        goto out;
    }
    type = device_type_find(driver);
    if (!type) {
        error_setg(errp, "-device: unknown device type '%s' (-device help lists them)", driver);
        goto out;
    }
    if (!type->user_creatable || type->abstract) {
        error_setg(errp, "-device: device type '%s' cannot be created by the user", driver);
        goto out;
    }
    dev = qdev_new(driver, errp);
    if (!dev) {
        goto out;
    }
    for (int i = 0; parts[i]; i++) {
        char *eq = strchr(parts[i], '=');
        const char *key = parts[i], *value;

        if (parts[i] == driver || (eq && strncmp(key, "driver=", 7) == 0)) {
            continue;
        }
        if (!eq) {
            error_setg(errp, "-device %s: '%s' is not of the form property=value", driver, key);
            goto fail;
        }
        *eq = '\0';
        value = eq + 1;
        if (strcmp(key, "id") == 0) {
            if (!qdev_set_id(dev, value, errp)) {
                goto fail;
            }
        } else if (strcmp(key, "bus") == 0) {
            free(bus);
            bus = strdup(value);
            if (!bus) {
                abort();
            }
        } else if (!qdev_prop_parse(dev, key, value, errp)) {
            goto fail;
        }
    }
    if (bus_name) {
        *bus_name = bus;
        bus = NULL;
    }
    goto out;

fail:
    qdev_delete(dev);
    dev = NULL;
out:
    free(bus);
    free_options(parts);
    return dev;
}

DeviceState *qdev_device_add(const char *spec, Error **errp)
{
    char *bus_name = NULL;
    DeviceState *dev = qdev_new_from_options(spec, &bus_name, errp);
    const char *kind;
    BusState *bus = NULL;

    if (!dev) {
        return NULL;
    }
    kind = device_type_bus_kind(dev->type);
    if (bus_name) {
        bus = qbus_find(bus_name);
        if (!bus) {
            error_setg(errp, "-device %s: bus '%s' not found", dev->type->name, bus_name);
            goto fail;
        }
    } else if (kind && strcmp(kind, BUS_KIND_SYSTEM) != 0) {
        bus = qbus_find_kind(kind);
        if (!bus) {
            error_setg(errp, "-device %s: this machine has no '%s' bus", dev->type->name, kind);
            goto fail;
        }
    }
    if (!qdev_realize(dev, bus, errp)) {
        goto fail;
    }
    free(bus_name);
    return dev;

fail:
    free(bus_name);
    qdev_delete(dev);
    return NULL;
}
