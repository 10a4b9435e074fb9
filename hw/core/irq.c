/*
 * IRQ lines (see hw/core/irq.h): a line is a handler plus its opaque and
 * line number; setting a level calls the handler synchronously. Inverters
 * and splitters are lines whose handler forwards to other lines.
 *
 * Interception (for qtest) swaps the handler and opaque, keeping the
 * originals so they can be restored.
 */
#include "hw/core/irq.h"

#include <stdlib.h>

struct IRQState {
    qemu_irq_handler handler;
    void *opaque;
    int n;
    /* forwarding state an inverter/splitter owns (freed with the line) */
    void *owned;
    /* the device's own handler while intercepted */
    bool intercepted;
    qemu_irq_handler saved_handler;
    void *saved_opaque;
};

qemu_irq qemu_allocate_irq(qemu_irq_handler handler, void *opaque, int n)
{
    qemu_irq irq = calloc(1, sizeof(*irq));

    if (!irq) {
        abort();
    }
    irq->handler = handler;
    irq->opaque = opaque;
    irq->n = n;
    return irq;
}

qemu_irq *qemu_allocate_irqs(qemu_irq_handler handler, void *opaque, int count)
{
    qemu_irq *irqs = calloc(count > 0 ? count : 1, sizeof(*irqs));

    if (!irqs) {
        abort();
    }
    for (int i = 0; i < count; i++) {
        irqs[i] = qemu_allocate_irq(handler, opaque, i);
    }
    return irqs;
}

void qemu_free_irq(qemu_irq irq)
{
    if (irq) {
        free(irq->owned);
        free(irq);
    }
}

void qemu_free_irqs(qemu_irq *irqs, int count)
{
    if (!irqs) {
        return;
    }
    for (int i = 0; i < count; i++) {
        qemu_free_irq(irqs[i]);
    }
    free(irqs);
}

void qemu_set_irq(qemu_irq irq, int level)
{
    if (irq && irq->handler) {
        irq->handler(irq->opaque, irq->n, level);
    }
}

static void irq_invert_handler(void *opaque, int n, int level)
{
    qemu_set_irq(opaque, !level);
}

qemu_irq qemu_irq_invert(qemu_irq irq)
{
    return qemu_allocate_irq(irq_invert_handler, irq, 0);
}

static void irq_split_handler(void *opaque, int n, int level)
{
    qemu_irq *targets = opaque;

    qemu_set_irq(targets[0], level);
    qemu_set_irq(targets[1], level);
}

qemu_irq qemu_irq_split(qemu_irq a, qemu_irq b)
{
    qemu_irq *targets = calloc(2, sizeof(*targets));
    qemu_irq irq;

    if (!targets) {
        abort();
    }
    targets[0] = a;
    targets[1] = b;
    irq = qemu_allocate_irq(irq_split_handler, targets, 0);
    irq->owned = targets;
    return irq;
}

void qemu_irq_intercept_in(qemu_irq *gpio_in, int count, qemu_irq_handler handler, void *opaque)
{
    for (int i = 0; i < count; i++) {
        qemu_irq irq = gpio_in[i];

        if (!irq) {
            continue;
        }
        /* Intercepting twice keeps the device's handler, not the first
         * interceptor's, so remove always restores the device. */
        if (!irq->intercepted) {
            irq->saved_handler = irq->handler;
            irq->saved_opaque = irq->opaque;
            irq->intercepted = true;
        }
        irq->handler = handler;
        irq->opaque = opaque;
    }
}

void qemu_irq_intercept_remove(qemu_irq *gpio_in, int count)
{
    for (int i = 0; i < count; i++) {
        qemu_irq irq = gpio_in[i];

        if (irq && irq->intercepted) {
            irq->handler = irq->saved_handler;
            irq->opaque = irq->saved_opaque;
            irq->intercepted = false;
        }
    }
}
