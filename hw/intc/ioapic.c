/*
 * I/O APIC: Intel 82093AA datasheet (register set, redirection table),
 * with the version 0x20 additions of the ICH I/O APICs (the directed EOI
 * register at offset 0x40).
 *
 * Modelled: IOREGSEL/IOWIN indirect access, the ID (bits 27:24), version
 * (0x170020: 24 entries), arbitration ID (reads the ID), and 24
 * redirection entries: vector, delivery mode, destination mode, polarity
 * (stored only: inputs are 1 when asserted), remote IRR, trigger mode,
 * mask, destination. An edge entry sends a message on each rising edge
 * while unmasked (an edge while masked is lost, as on the chip). A level
 * entry sends one while its line is asserted, unmasked and remote IRR is
 * clear, and sets remote IRR; the local APIC's EOI of the vector (or the
 * EOI register) clears it, and a still-asserted line delivers again.
 * Delivery status always reads idle: messages are delivered at once.
 *
 * Not modelled: the 82093AA's APIC serial bus timing, the PCI/ISA
 * polarity inversion (the board states polarities in the ACPI tables).
 */
#include "hw/intc/ioapic.h"

#include <errno.h>

#include "exec/memory.h"
#include "hw/core/sysbus.h"
#include "hw/intc/apic.h"
#include "migration/vmstate.h"
#include "util/log.h"

#define RTE_VECTOR 0xffULL
#define RTE_DELIVERY_SHIFT 8
#define RTE_DEST_LOGICAL (1ULL << 11)
#define RTE_POLARITY_LOW (1ULL << 13)
#define RTE_REMOTE_IRR (1ULL << 14)
#define RTE_LEVEL (1ULL << 15)
#define RTE_MASKED (1ULL << 16)
#define RTE_DEST_SHIFT 56
/* what the guest may write: everything but delivery status and remote IRR */
#define RTE_WRITABLE (0xff000000000000ffULL | 0xbf00ULL | RTE_MASKED)

typedef struct IOAPICState {
    SysBusDevice parent;

    MemoryRegion mmio;
    IOAPICDeliverFn *deliver;
    void *deliver_opaque;

    /* guest-visible state */
    uint8_t id;
    uint8_t ioregsel;
    uint32_t irr; /* input levels */
    uint64_t rte[IOAPIC_NUM_PINS];
} IOAPICState;

#define IOAPIC(dev) QDEV_CHECK(IOAPICState, dev, TYPE_IOAPIC)

static void ioapic_send(IOAPICState *s, int pin)
{
    uint64_t e = s->rte[pin];
    int mode = (e >> RTE_DELIVERY_SHIFT) & 7;
    int trigger = (e & RTE_LEVEL) ? APIC_TRIGGER_LEVEL : APIC_TRIGGER_EDGE;

    if (mode == APIC_DM_NMI || mode == APIC_DM_INIT || mode == APIC_DM_SMI ||
        mode == APIC_DM_EXTINT) {
        trigger = APIC_TRIGGER_EDGE; /* these are always edge messages */
    }
    if (trigger == APIC_TRIGGER_LEVEL) {
        s->rte[pin] |= RTE_REMOTE_IRR;
    }
    s->deliver(s->deliver_opaque, (uint32_t)(e >> RTE_DEST_SHIFT),
               (e & RTE_DEST_LOGICAL) ? APIC_DESTMODE_LOGICAL : APIC_DESTMODE_PHYSICAL, mode,
               (int)(e & RTE_VECTOR), trigger);
}

/* a level entry delivers if asserted, unmasked, not awaiting EOI */
static void ioapic_service_level(IOAPICState *s, int pin)
{
    uint64_t e = s->rte[pin];

    if ((e & RTE_LEVEL) && !(e & RTE_MASKED) && !(e & RTE_REMOTE_IRR) &&
        (s->irr & (1u << pin))) {
        ioapic_send(s, pin);
    }
}

static void ioapic_set_input(void *opaque, int pin, int level)
{
    IOAPICState *s = opaque;
    uint32_t bit = 1u << pin;
    bool old = (s->irr & bit) != 0;

    if (level) {
        s->irr |= bit;
    } else {
        s->irr &= ~bit;
    }
    if (s->rte[pin] & RTE_LEVEL) {
        ioapic_service_level(s, pin);
    } else if (level && !old && !(s->rte[pin] & RTE_MASKED)) {
        ioapic_send(s, pin);
    }
}

void ioapic_eoi_broadcast(void *opaque, int vector)
{
    IOAPICState *s = IOAPIC((DeviceState *)opaque);

    for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
        uint64_t e = s->rte[pin];

        if ((e & RTE_REMOTE_IRR) && (int)(e & RTE_VECTOR) == vector) {
            s->rte[pin] &= ~RTE_REMOTE_IRR;
            ioapic_service_level(s, pin);
        }
    }
}

void ioapic_set_deliver(DeviceState *dev, IOAPICDeliverFn *fn, void *opaque)
{
    IOAPICState *s = IOAPIC(dev);

    s->deliver = fn;
    s->deliver_opaque = opaque;
}

static void ioapic_to_apics(void *opaque, uint32_t dest, int dest_mode, int delivery_mode,
                            int vector, int trigger)
{
    apic_deliver_irq(dest, dest_mode, delivery_mode, vector, trigger);
}

static uint32_t ioapic_reg_read(IOAPICState *s)
{
    uint8_t r = s->ioregsel;

    switch (r) {
    case 0x00:
        return (uint32_t)s->id << 24;
    case 0x01:
        return ((IOAPIC_NUM_PINS - 1) << 16) | IOAPIC_VERSION;
    case 0x02:
        return (uint32_t)s->id << 24;
    default:
        if (r >= 0x10 && r < 0x10 + 2 * IOAPIC_NUM_PINS) {
            uint64_t e = s->rte[(r - 0x10) / 2];

            return (r & 1) ? (uint32_t)(e >> 32) : (uint32_t)e;
        }
        log_mask_printf(LOG_GUEST_ERROR, "ioapic: read of register %#x\n", r);
        return 0;
    }
}

static void ioapic_reg_write(IOAPICState *s, uint32_t val)
{
    uint8_t r = s->ioregsel;

    if (r == 0x00) {
        s->id = (val >> 24) & 0xf;
        return;
    }
    if (r >= 0x10 && r < 0x10 + 2 * IOAPIC_NUM_PINS) {
        int pin = (r - 0x10) / 2;
        uint64_t e = s->rte[pin];
        uint64_t nv;

        if (r & 1) {
            nv = (e & 0xffffffffULL) | (uint64_t)val << 32;
        } else {
            nv = (e & 0xffffffff00000000ULL) | val;
        }
        s->rte[pin] = (e & ~RTE_WRITABLE) | (nv & RTE_WRITABLE);
        if (!(s->rte[pin] & RTE_LEVEL)) {
            s->rte[pin] &= ~RTE_REMOTE_IRR; /* only level entries await EOI */
        }
        ioapic_service_level(s, pin);
        return;
    }
    log_mask_printf(LOG_GUEST_ERROR, "ioapic: write %#x to read-only/absent register %#x\n", val,
                    r);
}

static uint64_t ioapic_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    IOAPICState *s = opaque;

    switch (addr) {
    case 0x00:
        return s->ioregsel;
    case 0x10:
        return ioapic_reg_read(s);
    default:
        log_mask_printf(LOG_GUEST_ERROR, "ioapic: read at %#llx\n", (unsigned long long)addr);
        return 0;
    }
}

static void ioapic_mmio_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    IOAPICState *s = opaque;

    switch (addr) {
    case 0x00:
        s->ioregsel = val & 0xff;
        break;
    case 0x10:
        ioapic_reg_write(s, (uint32_t)val);
        break;
    case 0x40:
        ioapic_eoi_broadcast(s, val & 0xff);
        break;
    default:
        log_mask_printf(LOG_GUEST_ERROR, "ioapic: write at %#llx\n", (unsigned long long)addr);
        break;
    }
}

static const MemoryRegionOps ioapic_mmio_ops = {
    .read = ioapic_mmio_read,
    .write = ioapic_mmio_write,
    /* the registers are 32 bits wide; byte writes of IOREGSEL are common */
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static void ioapic_instance_init(DeviceState *dev)
{
    IOAPICState *s = IOAPIC(dev);

    qdev_init_gpio_in(dev, ioapic_set_input, IOAPIC_NUM_PINS);
    s->deliver = ioapic_to_apics;
}

static bool ioapic_realize(DeviceState *dev, Error **errp)
{
    IOAPICState *s = IOAPIC(dev);

    memory_region_init_io(&s->mmio, s, &ioapic_mmio_ops, s, "ioapic", 0x1000);
    sysbus_init_mmio(&s->parent, &s->mmio);
    return true;
}

static void ioapic_unrealize(DeviceState *dev)
{
    memory_region_finalize(&IOAPIC(dev)->mmio);
}

static void ioapic_reset(DeviceState *dev)
{
    IOAPICState *s = IOAPIC(dev);

    /* input levels belong to the wires */
    s->id = 0;
    s->ioregsel = 0;
    for (int i = 0; i < IOAPIC_NUM_PINS; i++) {
        s->rte[i] = RTE_MASKED;
    }
}

static int ioapic_post_load(void *opaque, int version_id)
{
    IOAPICState *s = opaque;

    return s->id > 15 ? -EINVAL : 0;
}

static const VMStateField ioapic_vmstate_fields[] = {
    VMSTATE_UINT8(id, IOAPICState),
    VMSTATE_UINT8(ioregsel, IOAPICState),
    VMSTATE_UINT32(irr, IOAPICState),
    VMSTATE_UINT64_ARRAY(rte, IOAPICState, IOAPIC_NUM_PINS),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_ioapic = {
    .name = "ioapic",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = ioapic_vmstate_fields,
    .post_load = ioapic_post_load,
};

static const DeviceTypeInfo ioapic_info = {
    .name = TYPE_IOAPIC,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(IOAPICState),
    .desc = "I/O APIC (82093AA, version 0x20)",
    .vmsd = &vmstate_ioapic,
    .instance_init = ioapic_instance_init,
    .realize = ioapic_realize,
    .unrealize = ioapic_unrealize,
    .reset = ioapic_reset,
};
DEVICE_TYPE(ioapic_info)
