/*
 * Intel 8259A programmable interrupt controller, as the PC cascades two
 * of them: the master at 0x20 (ELCR 0x4d0) drives the CPU's INTR, the
 * slave at 0xa0 (ELCR 0x4d1) drives the master's IR2.
 *
 * One "isa-i8259" device is one chip: 8 gpio inputs (IR0-7), one gpio
 * output (INT), properties "iobase", "elcr-addr" (0: no ELCR),
 * "elcr-mask" (ELCR bits the guest may set) and "master".
 */
#ifndef HW_INTC_I8259_H
#define HW_INTC_I8259_H

#include <stdbool.h>

#include "hw/isa/isa.h"

#define TYPE_I8259 "isa-i8259"

/*
 * Create the PC's master/slave pair on bus, wire the slave's INT to the
 * master's IR2 and the master's INT to parent_irq (the CPU's INTR line).
 * Returns a malloc'd array of 16 input lines: ISA IRQ 0-7 are the
 * master's IR0-7, 8-15 the slave's IR0-7 (IRQ 2 is the cascade input and
 * should not be driven by devices). *master_out receives the master, the
 * device the CPU acknowledges interrupts from.
 */
qemu_irq *i8259_init(ISABus *bus, qemu_irq parent_irq, DeviceState **master_out);

/*
 * The INTA cycle: the CPU accepted the interrupt the master signals.
 * Returns the vector (0-255) and updates IRR/ISR of both chips. With no
 * request left (it went away before INTA) the vector is the spurious IRQ 7
 * of the chip concerned (master base + 7, or slave base + 7 via IR2).
 */
int pic_read_irq(DeviceState *master);
/* The chip's INT output level now. */
bool pic_get_output(DeviceState *pic);

#endif
