/*
 * The "chardev" device property: a CharBackend field of a device state,
 * set from -device foo,chardev=ID or by board code.
 *
 *     static const Property serial_props[] = {
 *         DEFINE_PROP_CHR("chardev", SerialState, chr),
 *         DEFINE_PROP_END_OF_LIST(),
 *     };
 *
 * Parsing finds the chardev by id and attaches the field to it as a
 * frontend (qemu_chr_fe_init); releasing the device detaches it. An unset
 * property leaves a frontend with no backend, whose writes are dropped.
 */
#ifndef CHARDEV_CHAR_PROP_H
#define CHARDEV_CHAR_PROP_H

#include "chardev/char-fe.h"
#include "hw/core/qdev-properties.h"

extern const PropertyInfo qdev_prop_chr;

#define DEFINE_PROP_CHR(n, S, f) DEFINE_PROP(n, S, f, qdev_prop_chr, CharBackend)

/* Board code: connect the property to chr (NULL: disconnect). Failing
 * (no such property, realized device, chardev in use) is a programming
 * error: reported, then abort, like the other qdev_prop_set_* setters. */
void qdev_prop_set_chr(DeviceState *dev, const char *name, Chardev *chr);

#endif
