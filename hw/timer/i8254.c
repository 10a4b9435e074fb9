/*
 * Intel 8254 programmable interval timer (the PC's PIT).
 *
 * Modelled, from the Intel 8254 datasheet: three 16-bit down counters at
 * 1.193182 MHz (QEMU_CLOCK_VIRTUAL), modes 0-5 (6 and 7 alias 2 and 3),
 * binary and BCD counting, LSB/MSB/LSB-then-MSB access, the counter latch
 * command, the read-back command (count and status, with OUT and NULL
 * COUNT), gate inputs (modes 0/4 pause, 2/3 pause with OUT high and
 * reload on the rising edge, 1/5 trigger on the rising edge), channel 0's
 * OUT as ISA IRQ 0 (a timer fires at every OUT transition), and port 0x61
 * (channel 2 gate in bit 0, speaker enable bit 1 stored, refresh toggle
 * every 15.085 us in bit 4, channel 2 OUT in bit 5).
 *
 * Simplifications (documented in the datasheet as clock-exact): a count
 * written in modes 2 and 3 while counting takes effect at once instead of
 * at the end of the current period, and the count is loaded on the write
 * rather than on the next CLK edge. A counter's value is computed from
 * the virtual time since it was loaded, never stepped.
 *
 * d, "ticks", is the number of PIT clocks since the count was loaded (or
 * the trigger, in modes 1 and 5); n is the initial count (1..65536, or
 * 1..10000 in BCD).
 */
#include "hw/timer/i8254.h"

#include <errno.h>
#include <stdlib.h>

#include "hw/core/qdev-properties.h"
#include "migration/vmstate.h"
#include "util/log.h"
#include "util/timer.h"

/* RW field of the control word */
enum { RW_LATCH = 0, RW_LSB = 1, RW_MSB = 2, RW_WORD = 3 };
/* word-access progress of a read or write */
enum { ACC_LSB = 0, ACC_MSB = 1 };
/* count_latched beyond the RW values: the MSB half of a latched word */
#define LATCH_WORD_MSB 4

#define REFRESH_PERIOD_NS      15085
/* about 110 ms: IRQ 0 edges older than this are dropped, not replayed */
#define PIT_MAX_CATCH_UP_TICKS (2 * 65536)
/* replayed edges come this far apart, so that the guest takes each
 * interrupt (edges at once would merge into one) */
#define PIT_REPLAY_GAP_NS 50000

typedef struct PITChannel {
    uint32_t n;            /* the count counting from (1..65536) */
    uint16_t count_reg;    /* the count as last written (CR) */
    uint16_t latched;      /* output latch */
    uint8_t count_latched; /* 0, or the RW mode the latch is read in */
    uint8_t status_latched;
    uint8_t status;
    uint8_t read_state;
    uint8_t write_state;
    uint8_t write_lsb;
    uint8_t rw_mode;
    uint8_t mode;
    uint8_t bcd;
    uint8_t gate;
    uint8_t counting; /* a count is loaded (and triggered, modes 1/5) */
    uint8_t armed;    /* modes 1/5: a count waits for a trigger */
    uint8_t paused;   /* gate low stopped the counter */
    uint8_t null_count;
    int64_t load_time; /* virtual ns at d = 0 */
    int64_t paused_ticks;
    int64_t next_tick; /* channel 0: the transition the timer waits for */
} PITChannel;

typedef struct PITState {
    ISADevice parent;
    uint32_t iobase;
    uint32_t isairq;
    bool has_port61;

    MemoryRegion io;
    MemoryRegion port61_io;
    qemu_irq irq;
    QEMUTimer *irq_timer;

    PITChannel ch[3];
    uint8_t port61; /* bits 0-3 as written */
    uint8_t irq_level;
} PITState;

#define I8254(dev) QDEV_CHECK(PITState, dev, TYPE_I8254)

static int64_t ns_to_ticks(int64_t ns)
{
    return ns <= 0 ? 0 : (int64_t)((unsigned __int128)ns * PIT_FREQ / NANOSECONDS_PER_SECOND);
}

/* The smallest ns with ns_to_ticks(ns) >= ticks. */
static int64_t ticks_to_ns(int64_t ticks)
{
    return (int64_t)(((unsigned __int128)ticks * NANOSECONDS_PER_SECOND + PIT_FREQ - 1) / PIT_FREQ);
}

static uint8_t pit_mode(PITChannel *c)
{
    /* modes 6 and 7 are 2 and 3 */
    return c->mode > 5 ? c->mode - 4 : c->mode;
}

static int64_t pit_ticks(PITChannel *c, int64_t now)
{
    return c->paused ? c->paused_ticks : ns_to_ticks(now - c->load_time);
}

static int pit_out_at(PITChannel *c, int64_t d)
{
    int64_t n = c->n;

    if (!c->counting) {
        /* after the control word: OUT low in mode 0, high otherwise */
        return pit_mode(c) != 0;
    }
    switch (pit_mode(c)) {
    case 0:
    case 1:
        return d >= n;
    case 2:
        if (c->paused) {
            return 1;
        }
        return n < 2 ? 0 : d % n != n - 1;
    case 3:
        if (c->paused) {
            return 1;
        }
        return n < 2 ? 1 : d % n < (n + 1) / 2;
    default: /* 4, 5 */
        return d != n;
    }
}

/* The first tick after d at which OUT changes, or -1. */
static int64_t pit_next_transition(PITChannel *c, int64_t d)
{
    int64_t n = c->n, p, base;

    if (!c->counting || c->paused) {
        return -1;
    }
    switch (pit_mode(c)) {
    case 0:
    case 1:
        return d < n ? n : -1;
    case 2:
        if (n < 2) {
            return -1;
        }
        p = d % n;
        base = d - p;
        return p < n - 1 ? base + n - 1 : base + n;
    case 3:
        if (n < 2) {
            return -1;
        }
        p = d % n;
        base = d - p;
        return p < (n + 1) / 2 ? base + (n + 1) / 2 : base + n;
    default:
        return d < n ? n : d == n ? n + 1 : -1;
    }
}

static uint16_t bin_to_bcd16(uint32_t v)
{
    return (v % 10) | ((v / 10) % 10) << 4 | ((v / 100) % 10) << 8 | ((v / 1000) % 10) << 12;
}

/* The counting element's value now, as the guest reads it. */
static uint16_t pit_read_count(PITChannel *c, int64_t now)
{
    int64_t d, n = c->n, mod = c->bcd ? 10000 : 65536, v, p, hi;

    if (!c->counting) {
        /* nothing loaded yet: the CE holds the last count register */
        return c->count_reg;
    }
    d = pit_ticks(c, now);
    switch (pit_mode(c)) {
    case 2:
        v = n - d % n;
        break;
    case 3:
        p = d % n;
        hi = (n + 1) / 2;
        v = p < hi ? n - 2 * p : n - (n & 1) - 2 * (p - hi);
        break;
    default:
        v = ((n - d) % mod + mod) % mod;
        break;
    }
    v %= mod;
    return c->bcd ? bin_to_bcd16(v) : v;
}

/* Update NULL COUNT: cleared once the count reached the counting element. */
static void pit_update_null_count(PITChannel *c, int64_t now)
{
    if (c->null_count && c->counting && pit_ticks(c, now) >= 1) {
        c->null_count = 0;
    }
}

/* ---- channel 0 -> IRQ 0 ---- */

static void pit_set_irq_level(PITState *s, int level)
{
    if (level != s->irq_level) {
        s->irq_level = level;
        qemu_set_irq(s->irq, level);
    }
}

static void pit_arm_irq_timer(PITState *s, int64_t from_tick)
{
    PITChannel *c = &s->ch[0];
    int64_t t = pit_next_transition(c, from_tick);

    if (t < 0) {
        timer_del(s->irq_timer);
        return;
    }
    c->next_tick = t;
    timer_mod_ns(s->irq_timer, c->load_time + ticks_to_ns(t));
}

/* Channel 0 changed: drive IRQ 0 from OUT now and wait for its next change. */
static void pit_irq_update(PITState *s, int64_t now)
{
    PITChannel *c = &s->ch[0];
    int64_t d = pit_ticks(c, now);

    pit_set_irq_level(s, pit_out_at(c, d));
    pit_arm_irq_timer(s, d);
}

static void pit_irq_timer_cb(void *opaque)
{
    PITState *s = opaque;
    PITChannel *c = &s->ch[0];
    /* Work from the transition we waited for, not from the clock: if the
     * callback runs late (a busy host), every edge is still delivered, one
     * per call, PIT_REPLAY_GAP_NS apart. */
    int64_t d = c->next_tick;
    int64_t late = pit_ticks(c, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL)) - d;

    if (late > PIT_MAX_CATCH_UP_TICKS) {
        /* far behind (a stalled host): give up the missed edges rather
         * than replaying each of them */
        d += late;
    }
    pit_set_irq_level(s, pit_out_at(c, d));
    pit_arm_irq_timer(s, d);
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    if (timer_pending(s->irq_timer) && timer_expire_time_ns(s->irq_timer) < now) {
        timer_mod_ns(s->irq_timer, now + PIT_REPLAY_GAP_NS);
    }
}

static void pit_channel_changed(PITState *s, int ch, int64_t now)
{
    if (ch == 0) {
        pit_irq_update(s, now);
    }
}

/* ---- gate ---- */

static void pit_channel_set_gate(PITState *s, int ch, int level, int64_t now)
{
    PITChannel *c = &s->ch[ch];
    uint8_t mode = pit_mode(c);

    level = !!level;
    if (level == c->gate) {
        return;
    }
    c->gate = level;
    switch (mode) {
    case 0:
    case 4:
        /* gate low suspends counting; high resumes it */
        if (!c->counting) {
            break;
        }
        if (!level) {
            c->paused_ticks = pit_ticks(c, now);
            c->paused = 1;
        } else {
            c->paused = 0;
            c->load_time = now - ticks_to_ns(c->paused_ticks);
        }
        break;
    case 1:
    case 5:
        /* the rising edge (re)starts the count */
        if (level && (c->armed || c->counting)) {
            c->counting = 1;
            c->armed = 0;
            c->load_time = now;
        }
        break;
    case 2:
    case 3:
        /* low: stop with OUT high; rising: reload and start over */
        if (!c->counting) {
            break;
        }
        if (!level) {
            c->paused_ticks = pit_ticks(c, now);
            c->paused = 1;
        } else {
            c->paused = 0;
            c->load_time = now;
        }
        break;
    }
    pit_channel_changed(s, ch, now);
}

void pit_set_gate(DeviceState *dev, int ch, int level)
{
    PITState *s = I8254(dev);

    if (ch < 0 || ch > 2) {
        return;
    }
    pit_channel_set_gate(s, ch, level, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
}

int pit_get_out(DeviceState *dev, int ch)
{
    PITState *s = I8254(dev);
    PITChannel *c;

    if (ch < 0 || ch > 2) {
        return 0;
    }
    c = &s->ch[ch];
    return pit_out_at(c, pit_ticks(c, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL)));
}

/* ---- programming ---- */

static uint32_t bcd16_to_bin(PITState *s, uint16_t v)
{
    uint32_t r = 0;

    for (int shift = 12; shift >= 0; shift -= 4) {
        unsigned digit = (v >> shift) & 0xf;

        if (digit > 9) {
            log_mask_printf(LOG_GUEST_ERROR, "i8254: count %#x is not BCD\n", v);
        }
        r = r * 10 + digit;
    }
    return r;
}

/* A complete count was written to channel ch. */
static void pit_load_count(PITState *s, int ch, uint16_t value, int64_t now)
{
    PITChannel *c = &s->ch[ch];
    uint32_t n = c->bcd ? bcd16_to_bin(s, value) : value;

    c->count_reg = value;
    if (n == 0) {
        n = c->bcd ? 10000 : 65536;
    }
    c->n = n;
    c->null_count = 1;
    switch (pit_mode(c)) {
    case 1:
    case 5:
        /* waits for a trigger (a one-shot already running continues
         * with the new count: a simplification) */
        if (!c->counting) {
            c->armed = 1;
        }
        break;
    default:
        c->counting = 1;
        c->load_time = now;
        c->paused = 0;
        if (!c->gate) {
            /* counting is held off until the gate rises */
            c->paused = 1;
            c->paused_ticks = 0;
        }
        break;
    }
    pit_channel_changed(s, ch, now);
}

static void pit_latch_count(PITChannel *c, int64_t now)
{
    if (!c->count_latched) {
        c->latched = pit_read_count(c, now);
        c->count_latched = c->rw_mode;
    }
}

static void pit_latch_status(PITChannel *c, int64_t now)
{
    if (!c->status_latched) {
        pit_update_null_count(c, now);
        c->status = pit_out_at(c, pit_ticks(c, now)) << 7 | c->null_count << 6 | c->rw_mode << 4 |
                    c->mode << 1 | c->bcd;
        c->status_latched = 1;
    }
}

static void pit_write_control(PITState *s, uint8_t val, int64_t now)
{
    int ch = val >> 6;
    PITChannel *c;

    if (ch == 3) {
        /* read-back: bits 1-3 select, bit 5 clear latches the count,
         * bit 4 clear latches the status */
        for (int i = 0; i < 3; i++) {
            if (!(val & (2 << i))) {
                continue;
            }
            if (!(val & 0x20)) {
                pit_latch_count(&s->ch[i], now);
            }
            if (!(val & 0x10)) {
                pit_latch_status(&s->ch[i], now);
            }
        }
        return;
    }
    c = &s->ch[ch];
    if (((val >> 4) & 3) == RW_LATCH) {
        pit_latch_count(c, now);
        return;
    }
    c->rw_mode = (val >> 4) & 3;
    c->mode = (val >> 1) & 7;
    c->bcd = val & 1;
    c->read_state = ACC_LSB;
    c->write_state = ACC_LSB;
    c->count_latched = 0;
    c->status_latched = 0;
    /* a control word stops the counter until a count is written; OUT
     * goes to its mode's initial level */
    c->counting = 0;
    c->armed = 0;
    c->paused = 0;
    c->null_count = 1;
    pit_channel_changed(s, ch, now);
}

static void pit_write_counter(PITState *s, int ch, uint8_t val, int64_t now)
{
    PITChannel *c = &s->ch[ch];

    switch (c->rw_mode) {
    case RW_LSB:
        pit_load_count(s, ch, val, now);
        break;
    case RW_MSB:
        pit_load_count(s, ch, val << 8, now);
        break;
    default:
        if (c->write_state == ACC_LSB) {
            c->write_lsb = val;
            c->write_state = ACC_MSB;
            if (pit_mode(c) == 0 && c->counting) {
                /* mode 0: writing the first byte stops the count */
                c->paused_ticks = pit_ticks(c, now);
                c->paused = 1;
                c->counting = 0;
                pit_channel_changed(s, ch, now);
            }
        } else {
            c->write_state = ACC_LSB;
            pit_load_count(s, ch, c->write_lsb | val << 8, now);
        }
        break;
    }
}

static uint8_t pit_read_counter(PITState *s, int ch, int64_t now)
{
    PITChannel *c = &s->ch[ch];
    uint16_t v;

    if (c->status_latched) {
        c->status_latched = 0;
        return c->status;
    }
    switch (c->count_latched) {
    case RW_LSB:
        c->count_latched = 0;
        return c->latched & 0xff;
    case RW_MSB:
        c->count_latched = 0;
        return c->latched >> 8;
    case RW_WORD:
        c->count_latched = LATCH_WORD_MSB;
        return c->latched & 0xff;
    case LATCH_WORD_MSB:
        c->count_latched = 0;
        return c->latched >> 8;
    }
    v = pit_read_count(c, now);
    switch (c->rw_mode) {
    case RW_LSB:
        return v & 0xff;
    case RW_MSB:
        return v >> 8;
    default:
        if (c->read_state == ACC_LSB) {
            c->read_state = ACC_MSB;
            return v & 0xff;
        }
        c->read_state = ACC_LSB;
        return v >> 8;
    }
}

static void pit_io_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    PITState *s = opaque;
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    if (addr == 3) {
        pit_write_control(s, data, now);
    } else {
        pit_write_counter(s, addr, data, now);
    }
}

static uint64_t pit_io_read(void *opaque, hwaddr addr, unsigned size)
{
    PITState *s = opaque;

    if (addr == 3) {
        /* the control register cannot be read (the bus floats) */
        log_mask_printf(LOG_GUEST_ERROR, "i8254: read of the control word port\n");
        return 0xff;
    }
    return pit_read_counter(s, addr, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
}

static const MemoryRegionOps pit_io_ops = {
    .read = pit_io_read,
    .write = pit_io_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static uint64_t port61_read(void *opaque, hwaddr addr, unsigned size)
{
    PITState *s = opaque;
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    PITChannel *c = &s->ch[2];
    int refresh = (now / REFRESH_PERIOD_NS) & 1;

    return s->port61 | refresh << 4 | pit_out_at(c, pit_ticks(c, now)) << 5;
}

static void port61_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    PITState *s = opaque;

    s->port61 = data & 0x0f;
    pit_channel_set_gate(s, 2, data & 1, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
}

static const MemoryRegionOps port61_ops = {
    .read = port61_read,
    .write = port61_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- device ---- */

static bool pit_realize(DeviceState *dev, Error **errp)
{
    PITState *s = I8254(dev);

    if (s->iobase > 0xfffc || s->isairq >= ISA_NUM_IRQS) {
        error_setg(errp, "i8254: iobase %#x or irq %u out of range", s->iobase, s->isairq);
        return false;
    }
    s->irq = isa_get_irq(&s->parent, s->isairq);
    s->irq_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, pit_irq_timer_cb, s);
    memory_region_init_io(&s->io, s, &pit_io_ops, s, "pit", 4);
    isa_register_ioport(&s->parent, &s->io, s->iobase);
    if (s->has_port61) {
        memory_region_init_io(&s->port61_io, s, &port61_ops, s, "port61", 1);
        isa_register_ioport(&s->parent, &s->port61_io, 0x61);
    }
    return true;
}

static void pit_unrealize(DeviceState *dev)
{
    PITState *s = I8254(dev);

    isa_unregister_ioports(&s->parent);
    memory_region_finalize(&s->io);
    if (s->has_port61) {
        memory_region_finalize(&s->port61_io);
    }
    timer_free(s->irq_timer);
    s->irq_timer = NULL;
}

static void pit_reset(DeviceState *dev)
{
    PITState *s = I8254(dev);

    for (int i = 0; i < 3; i++) {
        PITChannel *c = &s->ch[i];

        *c = (PITChannel){ 0 };
        c->rw_mode = RW_WORD;
        c->n = 65536;
        /* channels 0 and 1 have their gates tied high on the PC */
        c->gate = i < 2;
    }
    s->port61 = 0;
    timer_del(s->irq_timer);
    pit_set_irq_level(s, 0);
}

static int pit_post_load(void *opaque, int version_id)
{
    PITState *s = opaque;

    for (int i = 0; i < 3; i++) {
        PITChannel *c = &s->ch[i];

        if (c->n < 1 || c->n > 65536 || c->mode > 7 || c->rw_mode > 3 ||
            c->count_latched > LATCH_WORD_MSB) {
            return -EINVAL;
        }
    }
    /* the timer itself came back with its expiry; re-drive the line */
    qemu_set_irq(s->irq, s->irq_level);
    return 0;
}

static const VMStateField pit_channel_fields[] = {
    VMSTATE_UINT32(n, PITChannel),
    VMSTATE_UINT16(count_reg, PITChannel),
    VMSTATE_UINT16(latched, PITChannel),
    VMSTATE_UINT8(count_latched, PITChannel),
    VMSTATE_UINT8(status_latched, PITChannel),
    VMSTATE_UINT8(status, PITChannel),
    VMSTATE_UINT8(read_state, PITChannel),
    VMSTATE_UINT8(write_state, PITChannel),
    VMSTATE_UINT8(write_lsb, PITChannel),
    VMSTATE_UINT8(rw_mode, PITChannel),
    VMSTATE_UINT8(mode, PITChannel),
    VMSTATE_UINT8(bcd, PITChannel),
    VMSTATE_UINT8(gate, PITChannel),
    VMSTATE_UINT8(counting, PITChannel),
    VMSTATE_UINT8(armed, PITChannel),
    VMSTATE_UINT8(paused, PITChannel),
    VMSTATE_UINT8(null_count, PITChannel),
    VMSTATE_INT64(load_time, PITChannel),
    VMSTATE_INT64(paused_ticks, PITChannel),
    VMSTATE_INT64(next_tick, PITChannel),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_pit_channel = {
    .name = "pit-channel",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = pit_channel_fields,
};

static const VMStateField pit_fields[] = {
    VMSTATE_STRUCT_ARRAY(ch, PITState, 3, 1, vmstate_pit_channel, PITChannel),
    VMSTATE_UINT8(port61, PITState),
    VMSTATE_UINT8(irq_level, PITState),
    VMSTATE_TIMER_PTR(irq_timer, PITState),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_pit = {
    .name = "i8254",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = pit_fields,
    .post_load = pit_post_load,
};

static const Property pit_props[] = {
    DEFINE_PROP_UINT32("iobase", PITState, iobase, 0x40),
    DEFINE_PROP_UINT32("irq", PITState, isairq, 0),
    DEFINE_PROP_BOOL("port61", PITState, has_port61, true),
    DEFINE_PROP_END_OF_LIST(),
};

static const DeviceTypeInfo pit_info = {
    .name = TYPE_I8254,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(PITState),
    .desc = "Intel 8254 programmable interval timer",
    .props = pit_props,
    .vmsd = &vmstate_pit,
    .realize = pit_realize,
    .unrealize = pit_unrealize,
    .reset = pit_reset,
};
DEVICE_TYPE(pit_info)

ISADevice *i8254_create(ISABus *bus)
{
    return isa_create_simple(bus, TYPE_I8254);
}
