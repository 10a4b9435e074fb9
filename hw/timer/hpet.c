/*
 * High Precision Event Timer (IA-PC HPET specification 1.0a).
 *
 * Modelled: the capabilities register (revision 1, 3 timers, 64-bit
 * counter, legacy replacement capable, vendor 0x8086, 10 ns period), the
 * general configuration (enable, legacy replacement), the general
 * interrupt status (level-triggered timers; write 1 to clear), the main
 * counter (runs only while enabled; writable), and 3 timers, each 64-bit
 * and periodic-capable: interrupt enable, edge/level type, one-shot or
 * periodic (with Tn_VAL_SET_CNF: in periodic mode a comparator write sets
 * the period, and also the comparator if VAL_SET is on or the timer is
 * one-shot), 32-bit mode (comparator truncated; compares and wraps on
 * 32 bits), and I/O APIC routing (Tn_INT_ROUTE_CNF within HPET_ROUTE_CAP).
 *
 * A timer fires when the main counter equals its comparator: a periodic
 * timer then adds its period to the comparator. Edge timers pulse their
 * line; level timers set their status bit and hold the line high until
 * software clears the status.
 *
 * Late callbacks: when the host ran the timer late (a busy host starved
 * the main loop), the periods it missed are still delivered, one pulse
 * each HPET_REPLAY_GAP_NS apart so that the guest takes each interrupt
 * (pulses at once would merge into one), up to HPET_MAX_REPLAY of them;
 * further behind, the missed periods are skipped. Linux counts its early
 * ticks (jiffies) by interrupts and panics when too few arrive.
 *
 * Not modelled: FSB (MSI) delivery (Tn_FSB_INT_DEL_CAP reads 0).
 */
#include "hw/timer/hpet.h"

#include <errno.h>

#include "exec/memory.h"
#include "hw/core/sysbus.h"
#include "migration/vmstate.h"
#include "util/log.h"
#include "util/timer.h"

#define CFG_ENABLE (1ULL << 0)
#define CFG_LEGACY (1ULL << 1)

#define TN_LEVEL (1ULL << 1)
#define TN_INT_ENB (1ULL << 2)
#define TN_PERIODIC (1ULL << 3)
#define TN_PER_CAP (1ULL << 4)
#define TN_SIZE_CAP (1ULL << 5)
#define TN_VAL_SET (1ULL << 6)
#define TN_32BIT (1ULL << 8)
#define TN_ROUTE_SHIFT 9
#define TN_ROUTE_MASK (0x1fULL << TN_ROUTE_SHIFT)
#define TN_WRITABLE (TN_LEVEL | TN_INT_ENB | TN_PERIODIC | TN_VAL_SET | TN_32BIT | TN_ROUTE_MASK)

/* late periodic timers: periods replayed, and the gap between them */
#define HPET_MAX_REPLAY 64
#define HPET_REPLAY_GAP_NS 100000

/* the furthest a host timer is armed ahead (about 3 years of ticks) */
#define HPET_MAX_ARM_TICKS (1ULL << 53)

typedef struct HPETState HPETState;

typedef struct HPETTimer {
    HPETState *hpet;
    int n;
    QEMUTimer *qtimer;
    uint64_t config;
    uint64_t cmp;
    uint64_t period;
    int8_t line; /* the GSI this timer holds high, -1 if none */
} HPETTimer;

struct HPETState {
    SysBusDevice parent;

    MemoryRegion mmio;
    qemu_irq irqs[HPET_NUM_IRQS];
    qemu_irq legacy_out;

    /* guest-visible state */
    uint64_t config;
    uint64_t isr;
    uint64_t counter_base; /* the counter at counter_ns (or while stopped) */
    int64_t counter_ns;
    HPETTimer timers[HPET_NUM_TIMERS];
};

#define HPET(dev) QDEV_CHECK(HPETState, dev, TYPE_HPET)

static bool hpet_enabled(HPETState *s)
{
    return s->config & CFG_ENABLE;
}

static uint64_t hpet_counter(HPETState *s)
{
    if (!hpet_enabled(s)) {
        return s->counter_base;
    }
    return s->counter_base +
           (uint64_t)((qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) - s->counter_ns) /
                      (NANOSECONDS_PER_SECOND / HPET_FREQ_HZ));
}

/* virtual time at which the counter reads value (enabled) */
static int64_t hpet_ns_of(HPETState *s, uint64_t value)
{
    return s->counter_ns + (int64_t)(value - s->counter_base) * (NANOSECONDS_PER_SECOND / HPET_FREQ_HZ);
}

static int hpet_timer_gsi(HPETTimer *t)
{
    HPETState *s = t->hpet;

    if ((s->config & CFG_LEGACY) && t->n < 2) {
        return t->n == 0 ? 2 : 8;
    }
    return (int)((t->config & TN_ROUTE_MASK) >> TN_ROUTE_SHIFT);
}

static void hpet_set_line(HPETTimer *t, bool level)
{
    int gsi = level ? hpet_timer_gsi(t) : -1;

    if (t->line >= 0 && t->line != gsi) {
        qemu_irq_lower(t->hpet->irqs[t->line]);
    }
    if (gsi >= 0 && t->line != gsi) {
        qemu_irq_raise(t->hpet->irqs[gsi]);
    }
    t->line = gsi;
}

/* bring a level timer's line in line with its status */
static void hpet_update_level(HPETTimer *t)
{
    HPETState *s = t->hpet;

    hpet_set_line(t, (t->config & TN_LEVEL) && (t->config & TN_INT_ENB) && (s->isr & (1u << t->n)));
}

static void hpet_arm(HPETTimer *t)
{
    HPETState *s = t->hpet;
    uint64_t now, delta;

    if (!hpet_enabled(s)) {
        timer_del(t->qtimer);
        return;
    }
    now = hpet_counter(s);
    if (t->config & TN_32BIT) {
        delta = (uint32_t)((uint32_t)t->cmp - (uint32_t)now);
        if (!delta) {
            delta = 1ULL << 32; /* equal now: the next match is after a wrap */
        }
    } else {
        delta = t->cmp - now;
        if (t->cmp <= now) {
            timer_del(t->qtimer); /* passed: the next match is 2^64 ticks away */
            return;
        }
    }
    if (delta > HPET_MAX_ARM_TICKS) {
        /* far ahead (a 64-bit comparator): look again later, hpet_fire
         * re-arms without firing until the counter gets there */
        delta = HPET_MAX_ARM_TICKS;
    }
    timer_mod_ns(t->qtimer, hpet_ns_of(s, now + delta));
}

static void hpet_fire(void *opaque)
{
    HPETTimer *t = opaque;
    HPETState *s = t->hpet;
    uint64_t now = hpet_counter(s);

    if (!(t->config & TN_32BIT) && t->cmp > now) {
        hpet_arm(t); /* a capped arm: not there yet */
        return;
    }
    if (t->config & TN_INT_ENB) {
        if (t->config & TN_LEVEL) {
            s->isr |= 1u << t->n;
            hpet_update_level(t);
        } else {
            int gsi = hpet_timer_gsi(t);

            qemu_irq_pulse(s->irqs[gsi]);
        }
    }
    if ((t->config & TN_PERIODIC) && t->period) {
        uint64_t mask = (t->config & TN_32BIT) ? 0xffffffffULL : ~0ULL;
        uint64_t missed = ((now - t->cmp) & mask) / t->period;

        if (missed && missed <= HPET_MAX_REPLAY && (t->config & TN_INT_ENB)) {
            /* late: the next period is due already; deliver it shortly */
            t->cmp = (t->cmp + t->period) & mask;
            timer_mod_ns(t->qtimer, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + HPET_REPLAY_GAP_NS);
            return;
        }
        /* the next match after now; missed periods are skipped */
        t->cmp = (t->cmp + t->period * (missed + 1)) & mask;
    }
    hpet_arm(t);
}

static uint64_t hpet_timer_read(HPETTimer *t, unsigned reg)
{
    switch (reg) {
    case 0x00:
        return t->config | TN_PER_CAP | TN_SIZE_CAP | ((uint64_t)HPET_ROUTE_CAP << 32);
    case 0x08:
        return (t->config & TN_32BIT) ? (uint32_t)t->cmp : t->cmp;
    case 0x10:
        return 0; /* FSB route: not supported */
    default:
        return 0;
    }
}

static void hpet_timer_write(HPETTimer *t, unsigned reg, uint64_t val, uint64_t wmask)
{
    switch (reg) {
    case 0x00: {
        uint64_t nv = (t->config & ~wmask) | (val & wmask);
        uint32_t route = (nv & TN_ROUTE_MASK) >> TN_ROUTE_SHIFT;

        if (!(HPET_ROUTE_CAP & (1u << route))) {
            log_mask_printf(LOG_GUEST_ERROR, "hpet: timer %d routed to GSI %u not in the capability\n",
                            t->n, route);
        }
        t->config = (t->config & ~TN_WRITABLE) | (nv & TN_WRITABLE);
        if (t->config & TN_32BIT) {
            t->cmp = (uint32_t)t->cmp;
            t->period = (uint32_t)t->period;
        }
        if (!(t->config & TN_LEVEL)) {
            t->hpet->isr &= ~(1ULL << t->n);
        }
        hpet_update_level(t);
        hpet_arm(t);
        break;
    }
    case 0x08: {
        uint64_t nv = ((t->config & TN_PERIODIC) && !(t->config & TN_VAL_SET) ? t->period : t->cmp);

        nv = (nv & ~wmask) | (val & wmask);
        if (t->config & TN_32BIT) {
            nv = (uint32_t)nv;
        }
        if (!(t->config & TN_PERIODIC) || (t->config & TN_VAL_SET)) {
            t->cmp = nv;
        }
        if (t->config & TN_PERIODIC) {
            t->period = nv;
        }
        t->config &= ~TN_VAL_SET; /* a comparator write consumes VAL_SET */
        hpet_arm(t);
        break;
    }
    default:
        break;
    }
}

static uint64_t hpet_read64(HPETState *s, hwaddr reg)
{
    if (reg >= 0x100 && reg < 0x100 + 0x20 * HPET_NUM_TIMERS) {
        return hpet_timer_read(&s->timers[(reg - 0x100) / 0x20], (reg - 0x100) % 0x20);
    }
    switch (reg) {
    case 0x000:
        return HPET_PERIOD_FS << 32 | 0x8086ULL << 16 | 1ULL << 15 | 1ULL << 13 |
               (HPET_NUM_TIMERS - 1) << 8 | 0x01;
    case 0x010:
        return s->config;
    case 0x020:
        return s->isr;
    case 0x0f0:
        return hpet_counter(s);
    default:
        log_mask_printf(LOG_GUEST_ERROR, "hpet: read of %#llx\n", (unsigned long long)reg);
        return 0;
    }
}

static void hpet_write64(HPETState *s, hwaddr reg, uint64_t val, uint64_t wmask)
{
    if (reg >= 0x100 && reg < 0x100 + 0x20 * HPET_NUM_TIMERS) {
        hpet_timer_write(&s->timers[(reg - 0x100) / 0x20], (reg - 0x100) % 0x20, val, wmask);
        return;
    }
    switch (reg) {
    case 0x010: {
        uint64_t old = s->config;
        uint64_t nv = ((old & ~wmask) | (val & wmask)) & (CFG_ENABLE | CFG_LEGACY);

        if ((old ^ nv) & CFG_ENABLE) {
            /* freeze or restart the counter where it stands */
            s->counter_base = hpet_counter(s);
            s->counter_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
        }
        s->config = nv;
        if ((old ^ nv) & CFG_LEGACY) {
            qemu_set_irq(s->legacy_out, (nv & CFG_LEGACY) != 0);
        }
        for (int i = 0; i < HPET_NUM_TIMERS; i++) {
            hpet_update_level(&s->timers[i]); /* routes may have moved */
            hpet_arm(&s->timers[i]);
        }
        break;
    }
    case 0x020:
        /* write 1 to clear a level timer's status */
        s->isr &= ~(val & wmask);
        for (int i = 0; i < HPET_NUM_TIMERS; i++) {
            hpet_update_level(&s->timers[i]);
        }
        break;
    case 0x0f0:
        if (hpet_enabled(s)) {
            log_mask_printf(LOG_GUEST_ERROR, "hpet: main counter written while running\n");
        }
        s->counter_base = (hpet_counter(s) & ~wmask) | (val & wmask);
        s->counter_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
        for (int i = 0; i < HPET_NUM_TIMERS; i++) {
            hpet_arm(&s->timers[i]);
        }
        break;
    case 0x000:
        break; /* read-only */
    default:
        log_mask_printf(LOG_GUEST_ERROR, "hpet: write to %#llx\n", (unsigned long long)reg);
        break;
    }
}

static uint64_t hpet_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    uint64_t v = hpet_read64(opaque, addr & ~7ULL);

    return size == 8 ? v : (uint32_t)(v >> ((addr & 4) * 8));
}

static void hpet_mmio_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    if (size == 8) {
        hpet_write64(opaque, addr, val, ~0ULL);
    } else {
        unsigned shift = (addr & 4) * 8;

        hpet_write64(opaque, addr & ~7ULL, (val & 0xffffffffULL) << shift, 0xffffffffULL << shift);
    }
}

static const MemoryRegionOps hpet_mmio_ops = {
    .read = hpet_mmio_read,
    .write = hpet_mmio_write,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 8 },
};

static void hpet_instance_init(DeviceState *dev)
{
    HPETState *s = HPET(dev);

    for (int i = 0; i < HPET_NUM_IRQS; i++) {
        sysbus_init_irq(&s->parent, &s->irqs[i]);
    }
    qdev_init_gpio_out_named(dev, &s->legacy_out, HPET_GPIO_LEGACY, 1);
}

static bool hpet_realize(DeviceState *dev, Error **errp)
{
    HPETState *s = HPET(dev);

    memory_region_init_io(&s->mmio, s, &hpet_mmio_ops, s, "hpet", 0x400);
    sysbus_init_mmio(&s->parent, &s->mmio);
    for (int i = 0; i < HPET_NUM_TIMERS; i++) {
        s->timers[i].hpet = s;
        s->timers[i].n = i;
        s->timers[i].line = -1;
        s->timers[i].qtimer = timer_new_ns(QEMU_CLOCK_VIRTUAL, hpet_fire, &s->timers[i]);
    }
    return true;
}

static void hpet_unrealize(DeviceState *dev)
{
    HPETState *s = HPET(dev);

    for (int i = 0; i < HPET_NUM_TIMERS; i++) {
        timer_free(s->timers[i].qtimer);
        s->timers[i].qtimer = NULL;
    }
    memory_region_finalize(&s->mmio);
}

static void hpet_reset(DeviceState *dev)
{
    HPETState *s = HPET(dev);

    s->config = 0;
    s->isr = 0;
    s->counter_base = 0;
    s->counter_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    for (int i = 0; i < HPET_NUM_TIMERS; i++) {
        HPETTimer *t = &s->timers[i];

        timer_del(t->qtimer);
        hpet_set_line(t, false);
        t->config = 0;
        t->cmp = ~0ULL; /* the spec's reset value: all ones */
        t->period = 0;
    }
    qemu_set_irq(s->legacy_out, 0);
}

static int hpet_post_load(void *opaque, int version_id)
{
    HPETState *s = opaque;

    for (int i = 0; i < HPET_NUM_TIMERS; i++) {
        HPETTimer *t = &s->timers[i];

        if (t->line < -1 || t->line >= HPET_NUM_IRQS) {
            return -EINVAL;
        }
        /* re-drive the line from the loaded state */
        if (t->line >= 0) {
            qemu_irq_raise(s->irqs[t->line]);
        }
        hpet_arm(t);
    }
    qemu_set_irq(s->legacy_out, (s->config & CFG_LEGACY) != 0);
    return 0;
}

static const VMStateField hpet_timer_vmstate_fields[] = {
    VMSTATE_UINT64(config, HPETTimer),
    VMSTATE_UINT64(cmp, HPETTimer),
    VMSTATE_UINT64(period, HPETTimer),
    VMSTATE_INT8(line, HPETTimer),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_hpet_timer = {
    .name = "hpet-timer",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = hpet_timer_vmstate_fields,
};

static const VMStateField hpet_vmstate_fields[] = {
    VMSTATE_UINT64(config, HPETState),
    VMSTATE_UINT64(isr, HPETState),
    VMSTATE_UINT64(counter_base, HPETState),
    VMSTATE_INT64(counter_ns, HPETState),
    VMSTATE_STRUCT_ARRAY(timers, HPETState, HPET_NUM_TIMERS, 0, vmstate_hpet_timer, HPETTimer),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_hpet = {
    .name = "hpet",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = hpet_vmstate_fields,
    .post_load = hpet_post_load,
};

static const DeviceTypeInfo hpet_info = {
    .name = TYPE_HPET,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(HPETState),
    .desc = "HPET (3 timers, 100 MHz)",
    .vmsd = &vmstate_hpet,
    .instance_init = hpet_instance_init,
    .realize = hpet_realize,
    .unrealize = hpet_unrealize,
    .reset = hpet_reset,
};
DEVICE_TYPE(hpet_info)

DeviceState *hpet_create(uint64_t addr, qemu_irq *gsis)
{
    DeviceState *dev = sysbus_create_simple(TYPE_HPET, addr, NULL);

    for (int i = 0; gsis && i < HPET_NUM_IRQS; i++) {
        sysbus_connect_irq(SYS_BUS_DEVICE(dev), i, gsis[i]);
    }
    return dev;
}
