/*
 * The qdev "chardev" property (see chardev/char-prop.h): the field is a
 * CharBackend, the text form the chardev's id.
 */
#include "chardev/char-prop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void chr_prop_set_default(DeviceState *dev, const Property *prop)
{
    qemu_chr_fe_init(qdev_prop_ptr_of(dev, prop), NULL, NULL);
}

/* Attach be to chr (NULL: detach), replacing an earlier chardev. */
static bool chr_prop_connect(CharBackend *be, Chardev *chr, Error **errp)
{
    if (be->chr) {
        qemu_chr_fe_deinit(be, false);
    }
    return qemu_chr_fe_init(be, chr, errp);
}

static bool chr_prop_parse(DeviceState *dev, const Property *prop, const char *str, Error **errp)
{
    CharBackend *be = qdev_prop_ptr_of(dev, prop);
    Error *local_err = NULL;
    Chardev *chr = NULL;

    if (str && str[0]) {
        chr = qemu_chr_find(str);
        if (!chr) {
            qdev_prop_error(errp, dev, prop, "chardev '%s' not found", str);
            return false;
        }
    }
    if (!chr_prop_connect(be, chr, &local_err)) {
        qdev_prop_error(errp, dev, prop, "%s", error_get_pretty(local_err));
        error_free(local_err);
        return false;
    }
    return true;
}

static char *chr_prop_print(DeviceState *dev, const Property *prop)
{
    CharBackend *be = qdev_prop_ptr_of(dev, prop);

    return strdup(be->chr ? be->chr->label : "");
}

static void chr_prop_release(DeviceState *dev, const Property *prop)
{
    qemu_chr_fe_deinit(qdev_prop_ptr_of(dev, prop), false);
}

const PropertyInfo qdev_prop_chr = {
    .name = "chardev",
    .description = "the id of a -chardev",
    .set_default = chr_prop_set_default,
    .parse = chr_prop_parse,
    .print = chr_prop_print,
    .release = chr_prop_release,
};

void qdev_prop_set_chr(DeviceState *dev, const char *name, Chardev *chr)
{
    const Property *prop = qdev_find_prop(dev, name);
    Error *err = NULL;

    if (!prop || prop->info != &qdev_prop_chr || dev->realized) {
        error_report("qdev_prop_set_chr: %s property '%s' of a %s device",
                     !prop                          ? "no"
                     : prop->info != &qdev_prop_chr ? "not a chardev"
                                                    : "realized",
                     name, dev->type->name);
        abort();
    }
    if (!chr_prop_connect(qdev_prop_ptr_of(dev, prop), chr, &err)) {
        error_report_err(err);
        abort();
    }
}
