/*
 * Intel 8254 programmable interval timer, as on the PC: three channels
 * clocked at 1.193182 MHz at 0x40-0x43; channel 0's OUT drives ISA IRQ 0,
 * channel 2's gate and OUT are wired to port 0x61 (the speaker and
 * "port B" register, with the DRAM refresh toggle in bit 4).
 *
 * Device "isa-pit": properties "iobase" (0x40), "irq" (0) and "port61"
 * (true: the device also decodes port 0x61).
 */
#ifndef HW_TIMER_I8254_H
#define HW_TIMER_I8254_H

#include <stdbool.h>

#include "hw/isa/isa.h"

#define TYPE_I8254 "isa-pit"
#define PIT_FREQ   1193182

/* Create and realize the PC's PIT on bus (iobase 0x40, IRQ 0, port 0x61). */
ISADevice *i8254_create(ISABus *bus);
/* The gate input of channel ch (0-2) (port 0x61 bit 0 drives channel 2's). */
void pit_set_gate(DeviceState *pit, int ch, int level);
/* The OUT pin of channel ch now (the speaker reads channel 2's). */
int pit_get_out(DeviceState *pit, int ch);

#endif
