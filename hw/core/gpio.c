/*
 * GPIO lines of devices (see hw/core/irq.h): each device keeps a list of
 * named groups; a group has the input lines the device created and the
 * addresses of the output slots the device drives (the board stores the
 * target line into the slot).
 *
 * Input lines are created and freed here. Lines made to intercept outputs
 * are owned by the group too, so deleting the device frees them.
 */
#include <stdlib.h>
#include <string.h>

#include "hw/core/irq.h"
#include "hw/core/qdev.h"
#include "qdev-internal.h"

struct NamedGPIOList {
    char *name; /* NULL: the default group */
    qemu_irq *in;
    int num_in;
    qemu_irq **out; /* the device's slots */
    int num_out;
    qemu_irq *intercept_out; /* lines made by qdev_intercept_gpio_out */
    int num_intercept_out;
    NamedGPIOList *next;
};

static bool gpio_name_eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static NamedGPIOList *gpio_find(DeviceState *dev, const char *name)
{
    for (NamedGPIOList *l = dev->gpios; l; l = l->next) {
        if (gpio_name_eq(l->name, name)) {
            return l;
        }
    }
    return NULL;
}

static NamedGPIOList *gpio_get(DeviceState *dev, const char *name)
{
    NamedGPIOList *l = gpio_find(dev, name);
    NamedGPIOList **pp;

    if (l) {
        return l;
    }
    l = calloc(1, sizeof(*l));
    if (!l) {
        abort();
    }
    if (name) {
        l->name = strdup(name);
        if (!l->name) {
            abort();
        }
    }
    for (pp = &dev->gpios; *pp; pp = &(*pp)->next) {
    }
    *pp = l;
    return l;
}

static void *grow(void *p, size_t n, size_t elem)
{
    p = realloc(p, n * elem);
    if (!p) {
        abort();
    }
    return p;
}

void qdev_init_gpio_in_named(DeviceState *dev, qemu_irq_handler handler, const char *name,
                             int count)
{
    NamedGPIOList *l = gpio_get(dev, name);

    if (count <= 0) {
        return;
    }
    l->in = grow(l->in, l->num_in + count, sizeof(*l->in));
    for (int i = 0; i < count; i++) {
        l->in[l->num_in + i] = qemu_allocate_irq(handler, dev, l->num_in + i);
    }
    l->num_in += count;
}

void qdev_init_gpio_out_named(DeviceState *dev, qemu_irq *pins, const char *name, int count)
{
    NamedGPIOList *l = gpio_get(dev, name);

    if (count <= 0) {
        return;
    }
    l->out = grow(l->out, l->num_out + count, sizeof(*l->out));
    for (int i = 0; i < count; i++) {
        l->out[l->num_out + i] = &pins[i];
    }
    l->num_out += count;
}

void qdev_init_gpio_in(DeviceState *dev, qemu_irq_handler handler, int count)
{
    qdev_init_gpio_in_named(dev, handler, NULL, count);
}

void qdev_init_gpio_out(DeviceState *dev, qemu_irq *pins, int count)
{
    qdev_init_gpio_out_named(dev, pins, NULL, count);
}

static const char *gpio_label(const char *name)
{
    return name ? name : "(default)";
}

qemu_irq qdev_get_gpio_in_named(DeviceState *dev, const char *name, int n)
{
    NamedGPIOList *l = gpio_find(dev, name);

    if (!l || n < 0 || n >= l->num_in) {
        error_report("device '%s' has no gpio input %d in group %s", dev->type->name, n,
                     gpio_label(name));
        return NULL;
    }
    return l->in[n];
}

qemu_irq qdev_get_gpio_in(DeviceState *dev, int n)
{
    return qdev_get_gpio_in_named(dev, NULL, n);
}

bool qdev_connect_gpio_out_named(DeviceState *dev, const char *name, int n, qemu_irq irq)
{
    NamedGPIOList *l = gpio_find(dev, name);

    if (!l || n < 0 || n >= l->num_out) {
        error_report("device '%s' has no gpio output %d in group %s", dev->type->name, n,
                     gpio_label(name));
        return false;
    }
    *l->out[n] = irq;
    return true;
}

bool qdev_connect_gpio_out(DeviceState *dev, int n, qemu_irq irq)
{
    return qdev_connect_gpio_out_named(dev, NULL, n, irq);
}

qemu_irq qdev_get_gpio_out_connector(DeviceState *dev, const char *name, int n)
{
    NamedGPIOList *l = gpio_find(dev, name);

    if (!l || n < 0 || n >= l->num_out) {
        return NULL;
    }
    return *l->out[n];
}

int qdev_gpio_in_count(DeviceState *dev, const char *name)
{
    NamedGPIOList *l = gpio_find(dev, name);

    return l ? l->num_in : 0;
}

int qdev_gpio_out_count(DeviceState *dev, const char *name)
{
    NamedGPIOList *l = gpio_find(dev, name);

    return l ? l->num_out : 0;
}

bool qdev_intercept_gpio_in(DeviceState *dev, const char *name, qemu_irq_handler handler,
                            void *opaque, Error **errp)
{
    NamedGPIOList *l = gpio_find(dev, name);

    if (!l || l->num_in == 0) {
        error_setg(errp, "device '%s' has no gpio inputs in group %s", dev->type->name,
                   gpio_label(name));
        return false;
    }
    qemu_irq_intercept_in(l->in, l->num_in, handler, opaque);
    return true;
}

bool qdev_intercept_gpio_out(DeviceState *dev, const char *name, qemu_irq_handler handler,
                             void *opaque, Error **errp)
{
    NamedGPIOList *l = gpio_find(dev, name);

    if (!l || l->num_out == 0) {
        error_setg(errp, "device '%s' has no gpio outputs in group %s", dev->type->name,
                   gpio_label(name));
        return false;
    }
    /* Intercepting again replaces the previous interceptor's lines. */
    qemu_free_irqs(l->intercept_out, l->num_intercept_out);
    l->intercept_out = qemu_allocate_irqs(handler, opaque, l->num_out);
    l->num_intercept_out = l->num_out;
    for (int i = 0; i < l->num_out; i++) {
        *l->out[i] = l->intercept_out[i];
    }
    return true;
}

void qdev_gpio_free_all(DeviceState *dev)
{
    NamedGPIOList *next;

    for (NamedGPIOList *l = dev->gpios; l; l = next) {
        next = l->next;
        qemu_free_irqs(l->in, l->num_in);
        qemu_free_irqs(l->intercept_out, l->num_intercept_out);
        free(l->out);
        free(l->name);
        free(l);
    }
    dev->gpios = NULL;
}
