/*
 * Properties that refer to other subsystems' objects by name: "chardev"
 * (a CharBackend field connected to a -chardev id). Kept apart from the
 * core property types so a program without chardevs does not link them.
 */
#include <stdlib.h>
#include <string.h>

#include "chardev/char-fe.h"
#include "hw/core/qdev-properties.h"

static void prop_chr_set_default(DeviceState *dev, const Property *prop)
{
    memset(qdev_prop_ptr_of(dev, prop), 0, sizeof(CharBackend));
}

static bool prop_chr_attach(DeviceState *dev, const Property *prop, Chardev *chr, Error **errp)
{
    CharBackend *be = qdev_prop_ptr_of(dev, prop);
    Error *local_err = NULL;

    qemu_chr_fe_deinit(be, false);
    if (!qemu_chr_fe_init(be, chr, &local_err)) {
        qdev_prop_error(errp, dev, prop, "%s", error_get_pretty(local_err));
        error_free(local_err);
        return false;
    }
    return true;
}

static bool prop_chr_parse(DeviceState *dev, const Property *prop, const char *str, Error **errp)
{
    Chardev *chr = qemu_chr_find(str);

    if (!chr) {
        qdev_prop_error(errp, dev, prop, "no chardev with id '%s'", str);
        return false;
    }
    return prop_chr_attach(dev, prop, chr, errp);
}

static char *prop_chr_print(DeviceState *dev, const Property *prop)
{
    CharBackend *be = qdev_prop_ptr_of(dev, prop);
    char *s;

    s = strdup(be->chr && be->chr->label ? be->chr->label : "");
    if (!s) {
        abort();
    }
    return s;
}

static void prop_chr_release(DeviceState *dev, const Property *prop)
{
    qemu_chr_fe_deinit(qdev_prop_ptr_of(dev, prop), false);
}

const PropertyInfo qdev_prop_chr = {
    .name = "chardev",
    .description = "the id of a -chardev",
    .set_default = prop_chr_set_default,
    .parse = prop_chr_parse,
    .print = prop_chr_print,
    .release = prop_chr_release,
};

void qdev_prop_set_chr(DeviceState *dev, const char *name, Chardev *chr)
{
    const Property *prop = qdev_find_prop(dev, name);
    Error *err = NULL;

    if (!prop || prop->info != &qdev_prop_chr || dev->realized) {
        error_report("device '%s': no settable chardev property '%s'", dev->type->name, name);
        abort();
    }
    if (!prop_chr_attach(dev, prop, chr, &err)) {
        error_report_err(err);
        abort();
    }
}
