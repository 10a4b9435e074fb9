/*
 * IRQ lines: how devices signal each other.
 *
 * A qemu_irq is one input line of some device: a handler(opaque, n, level)
 * that runs synchronously when a source sets the line's level. A source
 * keeps a qemu_irq (usually one of its gpio outputs, wired by the board
 * with qdev_connect_gpio_out()) and calls qemu_set_irq(); a NULL qemu_irq
 * is an unconnected line and setting it does nothing, so devices never
 * have to check.
 *
 * Levels are ints: 0 low, 1 high; devices that pass more (a vector, a
 * count) document it. Lines carry no state of their own: the receiver
 * latches levels if it needs edges.
 *
 * Locking: handlers run under the big lock, in the caller's thread.
 */
#ifndef HW_CORE_IRQ_H
#define HW_CORE_IRQ_H

#include <stdbool.h>

#include "util/error.h"

typedef struct IRQState *qemu_irq;
typedef struct DeviceState DeviceState;

typedef void (*qemu_irq_handler)(void *opaque, int n, int level);

/* One line calling handler(opaque, n, level). Free with qemu_free_irq. */
qemu_irq qemu_allocate_irq(qemu_irq_handler handler, void *opaque, int n);
/* An array of count lines; line i passes n = i. Free with qemu_free_irqs. */
qemu_irq *qemu_allocate_irqs(qemu_irq_handler handler, void *opaque, int count);
void qemu_free_irq(qemu_irq irq);
/* Frees the lines and the array itself. */
void qemu_free_irqs(qemu_irq *irqs, int count);

/* Set the line's level; a NULL line is not connected and ignores it. */
void qemu_set_irq(qemu_irq irq, int level);

static inline void qemu_irq_raise(qemu_irq irq)
{
    qemu_set_irq(irq, 1);
}

static inline void qemu_irq_lower(qemu_irq irq)
{
    qemu_set_irq(irq, 0);
}

/* A high then low edge, for edge-triggered receivers. */
static inline void qemu_irq_pulse(qemu_irq irq)
{
    qemu_set_irq(irq, 1);
    qemu_set_irq(irq, 0);
}

/* A new line that forwards !level to irq (active-low wiring). */
qemu_irq qemu_irq_invert(qemu_irq irq);
/* A new line that forwards its level to both a and b (fan-out). */
qemu_irq qemu_irq_split(qemu_irq a, qemu_irq b);

/*
 * Test hook (qtest "irq_intercept_in"): from now on the count lines of
 * gpio_in call handler(opaque, i, level) instead of their own handler, so
 * a test sees every level sent to the device and the device sees none.
 * qemu_irq_intercept_remove() restores the original handlers.
 */
void qemu_irq_intercept_in(qemu_irq *gpio_in, int count, qemu_irq_handler handler, void *opaque);
void qemu_irq_intercept_remove(qemu_irq *gpio_in, int count);

/*
 * GPIO lines of a device (the wiring between device models).
 *
 * Inputs: the device creates count lines that call handler(dev, n, level)
 * with n counting from 0 within the named group. Outputs: the device hands
 * in an array of count qemu_irq slots it will qemu_set_irq(); the board
 * fills them with qdev_connect_gpio_out(). A NULL name is the device's
 * default (unnamed) group; named groups ("a20", "sysbus-irq", ...) are for
 * devices with several kinds of lines. Creating the same group twice adds
 * lines at its end. Set up inputs and outputs in realize (or earlier),
 * before the board wires them.
 */
void qdev_init_gpio_in(DeviceState *dev, qemu_irq_handler handler, int count);
void qdev_init_gpio_out(DeviceState *dev, qemu_irq *pins, int count);
void qdev_init_gpio_in_named(DeviceState *dev, qemu_irq_handler handler, const char *name,
                             int count);
void qdev_init_gpio_out_named(DeviceState *dev, qemu_irq *pins, const char *name, int count);

/* Input line n of the group; NULL (and an error logged) if there is none. */
qemu_irq qdev_get_gpio_in(DeviceState *dev, int n);
qemu_irq qdev_get_gpio_in_named(DeviceState *dev, const char *name, int n);
/* Connect output n to irq (NULL disconnects); false if there is no such output. */
bool qdev_connect_gpio_out(DeviceState *dev, int n, qemu_irq irq);
bool qdev_connect_gpio_out_named(DeviceState *dev, const char *name, int n, qemu_irq irq);
/* What output n is connected to (NULL if nothing). */
qemu_irq qdev_get_gpio_out_connector(DeviceState *dev, const char *name, int n);
/* Number of lines in a group, 0 if the group does not exist. */
int qdev_gpio_in_count(DeviceState *dev, const char *name);
int qdev_gpio_out_count(DeviceState *dev, const char *name);

/*
 * Test hooks on a device's group (qtest irq_intercept_in / _out):
 *  - intercept_gpio_in: the device's inputs call handler(opaque, n, level)
 *    instead of the device (qemu_irq_intercept_in on the group);
 *  - intercept_gpio_out: every output of the group is reconnected to a
 *    line calling handler(opaque, n, level); what it drove before no
 *    longer sees it.
 * Fail with an error naming the device and group if the group is empty.
 */
bool qdev_intercept_gpio_in(DeviceState *dev, const char *name, qemu_irq_handler handler,
                            void *opaque, Error **errp);
bool qdev_intercept_gpio_out(DeviceState *dev, const char *name, qemu_irq_handler handler,
                             void *opaque, Error **errp);

#endif
