/*
 * The debug console port ("isa-debugcon"): bytes written to it go to a
 * chardev; reads return a fixed value so a guest can detect it.
 * Properties: "iobase" (0x402, SeaBIOS's debug port; Bochs uses 0xe9),
 * "readback" (0xe9) and "chardev".
 */
#ifndef HW_CHAR_DEBUGCON_H
#define HW_CHAR_DEBUGCON_H

#include "chardev/char.h"
#include "hw/isa/isa.h"

#define TYPE_ISA_DEBUGCON "isa-debugcon"

/* Create and realize a debug console at iobase, connected to chr. */
ISADevice *isa_debugcon_create(ISABus *bus, uint32_t iobase, Chardev *chr);

#endif
