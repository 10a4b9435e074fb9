/*
 * Intel 8259A programmable interrupt controller (one chip per device).
 *
 * Modelled, from the Intel 8259A datasheet: the ICW1-ICW4 initialization
 * sequence (single/cascade, ICW4 optional, edge or level triggering by
 * LTIM), OCW1 (IMR), OCW2 (non-specific/specific EOI, rotation on EOI,
 * rotation in automatic EOI mode, set priority), OCW3 (read IRR/ISR,
 * poll, special mask mode), automatic EOI, special fully nested mode,
 * the cascade (the master asks the slave wired to a cascaded IR for the
 * vector), spurious IRQ 7, and the PIIX3 edge/level control registers
 * (ELCR, 0x4d0/0x4d1) that make single inputs level-triggered.
 *
 * Not modelled: 8080/8085 mode (ICW4 bit 0 clear: logged, treated as
 * 8086 mode), buffered mode (no effect on a PC), the CAS lines as wires.
 *
 * Edge-triggered inputs latch: a rising edge sets IRR and it stays set
 * until acknowledged, even if the line falls first (the real chip would
 * then answer with a spurious IRQ 7). Device models pulse their lines
 * freely (qemu_irq_pulse), so dropping the request would lose interrupts.
 * Level-triggered inputs make IRR follow the line.
 *
 * Priority: level 0 is the highest after initialization; priority_add is
 * the IR that currently has the highest priority (rotation moves it).
 */
#include "hw/intc/i8259.h"

#include <errno.h>
#include <stdlib.h>

#include "hw/core/qdev-properties.h"
#include "migration/vmstate.h"
#include "util/log.h"

typedef struct PICState PICState;

struct PICState {
    ISADevice parent;

    /* properties */
    uint32_t iobase;
    uint32_t elcr_addr;
    uint8_t elcr_mask;
    bool master;

    MemoryRegion io;
    MemoryRegion elcr_io;
    qemu_irq int_out;
    /* wiring made by i8259_init: the slave on one of our inputs */
    PICState *slave;
    int slave_input;

    /* guest-visible state */
    uint8_t last_irr; /* input line levels, for edge detection */
    uint8_t irr;
    uint8_t imr;
    uint8_t isr;
    uint8_t priority_add; /* the IR with the highest priority */
    uint8_t irq_base;     /* ICW2: vector of IR0 */
    uint8_t read_isr;     /* OCW3: reads of port 0 return ISR (else IRR) */
    uint8_t poll;         /* OCW3: the next read is a poll */
    uint8_t special_mask;
    uint8_t init_state; /* 0 ready, 1-3: waiting for ICW2-ICW4 */
    uint8_t init4;      /* ICW1: ICW4 follows */
    uint8_t single_mode;
    uint8_t ltim; /* ICW1: all inputs level-triggered */
    uint8_t icw3;
    uint8_t auto_eoi;
    uint8_t rotate_on_auto_eoi;
    uint8_t special_fully_nested;
    uint8_t elcr;
    uint8_t int_level; /* what int_out was last set to */
};

#define I8259(dev) QDEV_CHECK(PICState, dev, TYPE_I8259)

/* Priority rank (0 = highest) of the best bit in mask, 8 if none. */
static int pic_best_priority(PICState *s, uint8_t mask)
{
    if (!mask) {
        return 8;
    }
    for (int p = 0; p < 8; p++) {
        if (mask & (1 << ((p + s->priority_add) & 7))) {
            return p;
        }
    }
    return 8;
}

/* The IR the chip would signal now, or -1. */
static int pic_pending_irq(PICState *s)
{
    int req = pic_best_priority(s, s->irr & ~s->imr);
    uint8_t in_service;
    int cur, irq;

    if (req == 8) {
        return -1;
    }
    in_service = s->isr;
    if (s->special_mask) {
        /* masked levels do not block the others */
        in_service &= ~s->imr;
    }
    cur = pic_best_priority(s, in_service);
    irq = (req + s->priority_add) & 7;
    if (req < cur) {
        return irq;
    }
    /* Special fully nested mode: the cascade input in service does not
     * lock out a new request from its slave (the slave only raises it for
     * a higher-priority input of its own). */
    if (req == cur && s->special_fully_nested && s->master && s->slave && irq == s->slave_input) {
        return irq;
    }
    return -1;
}

static void pic_update_output(PICState *s)
{
    uint8_t level = pic_pending_irq(s) >= 0;

    if (level != s->int_level) {
        s->int_level = level;
        qemu_set_irq(s->int_out, level);
    }
}

static bool pic_is_level(PICState *s, int irq)
{
    return s->ltim || (s->elcr & (1 << irq));
}

static void pic_set_input(void *opaque, int irq, int level)
{
    PICState *s = opaque;
    uint8_t mask = 1 << irq;

    if (pic_is_level(s, irq)) {
        if (level) {
            s->irr |= mask;
        } else {
            s->irr &= ~mask;
        }
    } else if (level && !(s->last_irr & mask)) {
        s->irr |= mask;
    }
    if (level) {
        s->last_irr |= mask;
    } else {
        s->last_irr &= ~mask;
    }
    pic_update_output(s);
}

/* The chip accepted irq (INTA or poll). */
static void pic_acknowledge(PICState *s, int irq)
{
    if (s->auto_eoi) {
        if (s->rotate_on_auto_eoi) {
            s->priority_add = (irq + 1) & 7;
        }
    } else {
        s->isr |= 1 << irq;
    }
    if (!pic_is_level(s, irq)) {
        s->irr &= ~(1 << irq);
    }
}

static bool pic_is_cascade(PICState *s, int irq)
{
    return s->slave && irq == s->slave_input && !s->single_mode && (s->icw3 & (1 << irq));
}

int pic_read_irq(DeviceState *dev)
{
    PICState *s = I8259(dev);
    int irq = pic_pending_irq(s);
    int vector;

    if (irq < 0) {
        /* the request went away before INTA: spurious IR7, ISR untouched */
        vector = s->irq_base + 7;
        pic_update_output(s);
        return vector;
    }
    if (pic_is_cascade(s, irq)) {
        PICState *sl = s->slave;
        int irq2 = pic_pending_irq(sl);

        if (irq2 >= 0) {
            pic_acknowledge(sl, irq2);
        } else {
            irq2 = 7; /* the slave's spurious IR7; the master still acks IR2 */
        }
        vector = sl->irq_base + irq2;
        pic_acknowledge(s, irq);
        /* If the slave still requests (AEOI, special mask), give the
         * master's edge-triggered cascade input a fresh edge. */
        if (sl->int_level) {
            sl->int_level = 0;
            qemu_set_irq(sl->int_out, 0);
        }
        pic_update_output(sl);
    } else {
        vector = s->irq_base + irq;
        pic_acknowledge(s, irq);
    }
    pic_update_output(s);
    return vector;
}

bool pic_get_output(DeviceState *dev)
{
    return I8259(dev)->int_level;
}

/* OCW3 poll: the read acts as an INTA of this chip alone. */
static uint8_t pic_poll_read(PICState *s)
{
    int irq = pic_pending_irq(s);

    s->poll = 0;
    if (irq < 0) {
        return 0;
    }
    pic_acknowledge(s, irq);
    pic_update_output(s);
    return 0x80 | irq;
}

/* ICW1: start initialization. */
static void pic_write_icw1(PICState *s, uint8_t val)
{
    if (val & 0x04) {
        log_mask_printf(LOG_UNIMP, "i8259 %#x: ICW1 call address interval 4 ignored\n", s->iobase);
    }
    s->init4 = val & 1;
    s->single_mode = (val >> 1) & 1;
    s->ltim = (val >> 3) & 1;
    /* The datasheet's initialization: IMR cleared, IR7 lowest priority,
     * special mask mode off, reads return IRR, edge detection restarted
     * (a request needs a new rising edge), ICW4 functions off unless ICW4
     * follows. */
    s->imr = 0;
    s->isr = 0;
    s->irr = s->last_irr & (s->ltim ? 0xff : s->elcr);
    s->priority_add = 0;
    s->special_mask = 0;
    s->read_isr = 0;
    s->poll = 0;
    s->rotate_on_auto_eoi = 0;
    s->auto_eoi = 0;
    s->special_fully_nested = 0;
    s->icw3 = 0;
    s->init_state = 1;
    pic_update_output(s);
}

static void pic_write_ocw2(PICState *s, uint8_t val)
{
    int level = val & 7;
    int prio;

    switch (val >> 5) {
    case 0: /* rotate in automatic EOI mode: clear */
        s->rotate_on_auto_eoi = 0;
        break;
    case 4: /* rotate in automatic EOI mode: set */
        s->rotate_on_auto_eoi = 1;
        break;
    case 1: /* non-specific EOI */
    case 5: /* rotate on non-specific EOI */
        prio = pic_best_priority(s, s->isr);
        if (prio < 8) {
            int irq = (prio + s->priority_add) & 7;

            s->isr &= ~(1 << irq);
            if (val >> 5 == 5) {
                s->priority_add = (irq + 1) & 7;
            }
        }
        break;
    case 3: /* specific EOI */
        s->isr &= ~(1 << level);
        break;
    case 7: /* rotate on specific EOI */
        s->isr &= ~(1 << level);
        s->priority_add = (level + 1) & 7;
        break;
    case 6: /* set priority: level becomes the lowest */
        s->priority_add = (level + 1) & 7;
        break;
    case 2: /* no operation */
        break;
    }
    pic_update_output(s);
}

static void pic_write_ocw3(PICState *s, uint8_t val)
{
    if (val & 0x04) {
        s->poll = 1;
    }
    if (val & 0x02) {
        s->read_isr = val & 1;
    }
    if (val & 0x40) {
        s->special_mask = (val >> 5) & 1;
    }
    pic_update_output(s);
}

static void pic_write_data(PICState *s, uint8_t val)
{
    switch (s->init_state) {
    case 0: /* OCW1 */
        s->imr = val;
        pic_update_output(s);
        break;
    case 1: /* ICW2 */
        s->irq_base = val & 0xf8;
        s->init_state = s->single_mode ? (s->init4 ? 3 : 0) : 2;
        break;
    case 2: /* ICW3 */
        s->icw3 = val;
        s->init_state = s->init4 ? 3 : 0;
        break;
    case 3: /* ICW4 */
        if (!(val & 1)) {
            log_mask_printf(LOG_UNIMP, "i8259 %#x: 8080/8085 mode not supported\n", s->iobase);
        }
        s->auto_eoi = (val >> 1) & 1;
        s->special_fully_nested = (val >> 4) & 1;
        s->init_state = 0;
        pic_update_output(s);
        break;
    }
}

static void pic_io_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    PICState *s = opaque;
    uint8_t val = data;

    if (addr == 1) {
        pic_write_data(s, val);
    } else if (val & 0x10) {
        pic_write_icw1(s, val);
    } else if (val & 0x08) {
        pic_write_ocw3(s, val);
    } else {
        pic_write_ocw2(s, val);
    }
}

static uint64_t pic_io_read(void *opaque, hwaddr addr, unsigned size)
{
    PICState *s = opaque;

    if (s->poll) {
        return pic_poll_read(s);
    }
    if (addr == 1) {
        return s->imr;
    }
    return s->read_isr ? s->isr : s->irr;
}

static const MemoryRegionOps pic_io_ops = {
    .read = pic_io_read,
    .write = pic_io_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static void elcr_io_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    PICState *s = opaque;
    uint8_t val = data;

    if (val & ~s->elcr_mask) {
        log_mask_printf(LOG_GUEST_ERROR, "i8259 %#x: ELCR bits %#x cannot be level-triggered\n",
                        s->iobase, val & ~s->elcr_mask);
    }
    s->elcr = val & s->elcr_mask;
    /* inputs that became level-triggered now request while they are high */
    s->irr = (s->irr & ~s->elcr) | (s->last_irr & s->elcr);
    pic_update_output(s);
}

static uint64_t elcr_io_read(void *opaque, hwaddr addr, unsigned size)
{
    return ((PICState *)opaque)->elcr;
}

static const MemoryRegionOps elcr_io_ops = {
    .read = elcr_io_read,
    .write = elcr_io_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static void pic_instance_init(DeviceState *dev)
{
    PICState *s = (PICState *)dev;

    qdev_init_gpio_in(dev, pic_set_input, 8);
    qdev_init_gpio_out(dev, &s->int_out, 1);
}

static bool pic_realize(DeviceState *dev, Error **errp)
{
    PICState *s = I8259(dev);

    if (s->iobase > 0xfffe || s->elcr_addr > 0xffff) {
        error_setg(errp, "i8259: iobase %#x / elcr-addr %#x out of the I/O space", s->iobase,
                   s->elcr_addr);
        return false;
    }
    memory_region_init_io(&s->io, s, &pic_io_ops, s, "i8259", 2);
    isa_register_ioport(&s->parent, &s->io, s->iobase);
    if (s->elcr_addr) {
        memory_region_init_io(&s->elcr_io, s, &elcr_io_ops, s, "i8259-elcr", 1);
        isa_register_ioport(&s->parent, &s->elcr_io, s->elcr_addr);
    }
    return true;
}

static void pic_unrealize(DeviceState *dev)
{
    PICState *s = I8259(dev);

    isa_unregister_ioports(&s->parent);
    memory_region_finalize(&s->io);
    if (s->elcr_addr) {
        memory_region_finalize(&s->elcr_io);
    }
}

static void pic_reset(DeviceState *dev)
{
    PICState *s = I8259(dev);

    /* input levels (last_irr) belong to the wires, not to the chip */
    s->irr = 0;
    s->imr = 0;
    s->isr = 0;
    s->priority_add = 0;
    s->irq_base = 0;
    s->read_isr = 0;
    s->poll = 0;
    s->special_mask = 0;
    s->init_state = 0;
    s->init4 = 0;
    s->single_mode = 0;
    s->ltim = 0;
    s->icw3 = 0;
    s->auto_eoi = 0;
    s->rotate_on_auto_eoi = 0;
    s->special_fully_nested = 0;
    s->elcr = 0;
    pic_update_output(s);
}

static int pic_post_load(void *opaque, int version_id)
{
    PICState *s = opaque;

    if (s->init_state > 3 || s->priority_add > 7) {
        return -EINVAL;
    }
    s->elcr &= s->elcr_mask;
    /* re-drive the output so the receiver agrees with the loaded state */
    qemu_set_irq(s->int_out, s->int_level);
    return 0;
}

static const VMStateField pic_vmstate_fields[] = {
    VMSTATE_UINT8(last_irr, PICState),
    VMSTATE_UINT8(irr, PICState),
    VMSTATE_UINT8(imr, PICState),
    VMSTATE_UINT8(isr, PICState),
    VMSTATE_UINT8(priority_add, PICState),
    VMSTATE_UINT8(irq_base, PICState),
    VMSTATE_UINT8(read_isr, PICState),
    VMSTATE_UINT8(poll, PICState),
    VMSTATE_UINT8(special_mask, PICState),
    VMSTATE_UINT8(init_state, PICState),
    VMSTATE_UINT8(init4, PICState),
    VMSTATE_UINT8(single_mode, PICState),
    VMSTATE_UINT8(ltim, PICState),
    VMSTATE_UINT8(icw3, PICState),
    VMSTATE_UINT8(auto_eoi, PICState),
    VMSTATE_UINT8(rotate_on_auto_eoi, PICState),
    VMSTATE_UINT8(special_fully_nested, PICState),
    VMSTATE_UINT8(elcr, PICState),
    VMSTATE_UINT8(int_level, PICState),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_i8259 = {
    .name = "i8259",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = pic_vmstate_fields,
    .post_load = pic_post_load,
};

static const Property pic_props[] = {
    DEFINE_PROP_UINT32("iobase", PICState, iobase, 0x20),
    DEFINE_PROP_UINT32("elcr-addr", PICState, elcr_addr, 0x4d0),
    DEFINE_PROP_UINT8("elcr-mask", PICState, elcr_mask, 0xf8),
    DEFINE_PROP_BOOL("master", PICState, master, true),
    DEFINE_PROP_END_OF_LIST(),
};

static const DeviceTypeInfo i8259_info = {
    .name = TYPE_I8259,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(PICState),
    .desc = "Intel 8259A interrupt controller",
    .props = pic_props,
    .vmsd = &vmstate_i8259,
    .instance_init = pic_instance_init,
    .realize = pic_realize,
    .unrealize = pic_unrealize,
    .reset = pic_reset,
};
DEVICE_TYPE(i8259_info)

qemu_irq *i8259_init(ISABus *bus, qemu_irq parent_irq, DeviceState **master_out)
{
    ISADevice *m = isa_new(TYPE_I8259, &error_abort);
    ISADevice *sl = isa_new(TYPE_I8259, &error_abort);
    qemu_irq *irqs = calloc(ISA_NUM_IRQS, sizeof(*irqs));

    if (!irqs) {
        abort();
    }
    /* IRQ 0-2 (timer, keyboard, cascade) and 8, 13 (RTC, FPU) are
     * edge-only on the PIIX3. */
    qdev_prop_set_uint32(DEVICE(sl), "iobase", 0xa0);
    qdev_prop_set_uint32(DEVICE(sl), "elcr-addr", 0x4d1);
    qdev_prop_set_uint8(DEVICE(sl), "elcr-mask", 0xde);
    qdev_prop_set_bit(DEVICE(sl), "master", false);
    isa_realize(m, bus, &error_abort);
    isa_realize(sl, bus, &error_abort);

    ((PICState *)m)->slave = (PICState *)sl;
    ((PICState *)m)->slave_input = 2;
    qdev_connect_gpio_out(DEVICE(m), 0, parent_irq);
    qdev_connect_gpio_out(DEVICE(sl), 0, qdev_get_gpio_in(DEVICE(m), 2));
    for (int i = 0; i < 8; i++) {
        irqs[i] = qdev_get_gpio_in(DEVICE(m), i);
        irqs[8 + i] = qdev_get_gpio_in(DEVICE(sl), i);
    }
    if (master_out) {
        *master_out = DEVICE(m);
    }
    return irqs;
}
