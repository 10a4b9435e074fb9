/*
 * I/O APIC (Intel 82093AA, as the version 0x20 of the ICH family: 24
 * pins, the EOI register at offset 0x40). A sys-bus device: MMIO region 0
 * (IOREGSEL at 0x00, IOWIN at 0x10, EOI at 0x40) at IOAPIC_DEFAULT_ADDRESS,
 * 24 gpio inputs (GSI 0-23; 1 = asserted whatever the wire's electrical
 * polarity, as device models drive their lines), and interrupt messages
 * sent to the local APICs through apic_deliver_irq (or the function given
 * to ioapic_set_deliver).
 *
 * Wiring (the board):
 *   dev = sysbus_create_simple(TYPE_IOAPIC, IOAPIC_DEFAULT_ADDRESS, NULL);
 *   apic_set_eoi_broadcast(ioapic_eoi_broadcast, dev);
 *   GSI n -> qdev_get_gpio_in(dev, n)  (ISA IRQ 0 -> GSI 2, others 1:1)
 */
#ifndef HW_INTC_IOAPIC_H
#define HW_INTC_IOAPIC_H

#include <stdint.h>

#include "hw/core/qdev.h"

#define TYPE_IOAPIC "ioapic"
#define IOAPIC_DEFAULT_ADDRESS 0xfec00000ULL
#define IOAPIC_NUM_PINS 24
#define IOAPIC_VERSION 0x20

/* An interrupt message (arguments as apic_deliver_irq). */
typedef void IOAPICDeliverFn(void *opaque, uint32_t dest, int dest_mode, int delivery_mode,
                             int vector, int trigger);

/* Send messages to fn instead of the local APICs (tests, other buses). */
void ioapic_set_deliver(DeviceState *dev, IOAPICDeliverFn *fn, void *opaque);

/* A local APIC's EOI of a level-triggered vector (opaque: the IOAPIC
 * device): clears remote IRR of the entries with that vector, which
 * deliver again if their line is still asserted. */
void ioapic_eoi_broadcast(void *opaque, int vector);

#endif
