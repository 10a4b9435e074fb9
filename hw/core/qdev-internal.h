/*
 * Private interfaces between the files of hw/core (not for devices).
 */
#ifndef HW_CORE_QDEV_INTERNAL_H
#define HW_CORE_QDEV_INTERNAL_H

#include "hw/core/qdev.h"

/* Deepest allowed parent chain; deeper is a registration bug. */
#define QDEV_MAX_TYPE_DEPTH 16

/* The type's chain, base first: fills levels[], returns the count. */
int qdev_type_chain(const DeviceTypeInfo *type, const DeviceTypeInfo **levels);

/* qdev-properties.c */
void qdev_props_set_defaults(DeviceState *dev);
void qdev_props_release(DeviceState *dev);
/* Property lines of dev for info qtree, each prefixed by indent spaces. */
void qdev_props_print(FILE *out, DeviceState *dev, int indent);

/* bus.c */
bool qbus_attach_child(BusState *bus, DeviceState *dev, Error **errp);
void qbus_detach_child(BusState *bus, DeviceState *dev);
BusState *qbus_first(void);
void qbus_print(FILE *out, BusState *bus, int indent);

/* Set by sysbus.c: unmap every region of a sys-bus device (unrealize). */
typedef struct SysBusDevice SysBusDevice;
extern void (*qdev_sysbus_unmap_hook)(SysBusDevice *dev);

/* gpio.c */
void qdev_gpio_free_all(DeviceState *dev);

#endif
