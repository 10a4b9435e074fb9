/*
 * HPET (IA-PC HPET specification 1.0a): 3 timers, a 64-bit main counter
 * at HPET_FREQ_HZ (100 MHz, period 10 ns) on QEMU_CLOCK_VIRTUAL, legacy
 * replacement routing. A sys-bus device: MMIO region 0 (1 KiB) at
 * HPET_DEFAULT_ADDRESS; irq outputs 0-23 are the I/O APIC inputs (GSI n:
 * connect output n to the IOAPIC's input n); the named gpio output
 * HPET_GPIO_LEGACY (one line) is high while legacy replacement is on, so
 * the board can silence the PIT (IRQ0) and the RTC (IRQ8) then.
 * In legacy replacement mode timer 0 drives GSI 2 (the IOAPIC input of
 * ISA IRQ 0) and timer 1 drives GSI 8; the board may split outputs 2 and 8
 * to the 8259's IRQ 0 and 8 as well.
 */
#ifndef HW_TIMER_HPET_H
#define HW_TIMER_HPET_H

#define TYPE_HPET "hpet"
#define HPET_DEFAULT_ADDRESS 0xfed00000ULL
#define HPET_FREQ_HZ 100000000LL
#define HPET_PERIOD_FS 10000000ULL /* femtoseconds per tick */
#define HPET_NUM_TIMERS 3
#define HPET_NUM_IRQS 24
#define HPET_GPIO_LEGACY "hpet-legacy"
/* the IOAPIC inputs a timer may be routed to outside legacy mode */
#define HPET_ROUTE_CAP 0x00f00000u /* GSI 20-23 */

#include <stdint.h>

#include "hw/core/qdev.h"

/* Create and realize the HPET, map it at addr in the system memory and
 * connect output n to gsis[n] (gsis: HPET_NUM_IRQS lines, or NULL). */
DeviceState *hpet_create(uint64_t addr, qemu_irq *gsis);

#endif
