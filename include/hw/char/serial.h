/*
 * NS16550A UART on the ISA bus ("isa-serial").
 *
 * Properties: "index" (0-3: COM1-COM4 at 0x3f8/IRQ 4, 0x2f8/3, 0x3e8/4,
 * 0x2e8/3; -1 = the next free one), "iobase" and "irq" (-1: from the
 * index), "chardev" (the host side; unset: output dropped, no input).
 */
#ifndef HW_CHAR_SERIAL_H
#define HW_CHAR_SERIAL_H

#include "chardev/char.h"
#include "hw/isa/isa.h"

#define TYPE_ISA_SERIAL      "isa-serial"
#define MAX_ISA_SERIAL_PORTS 4

/* Create and realize COM<index+1> on bus, connected to chr (may be NULL). */
ISADevice *serial_isa_create(ISABus *bus, int index, Chardev *chr);

#endif
