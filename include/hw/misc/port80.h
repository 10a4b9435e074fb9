/*
 * Port 0x80 ("port80"): the POST diagnostic port, also written by OSes as
 * a short I/O delay. Writes are accepted and ignored; reads give 0xff.
 */
#ifndef HW_MISC_PORT80_H
#define HW_MISC_PORT80_H

#include "hw/isa/isa.h"

#define TYPE_PORT80 "port80"

ISADevice *port80_create(ISABus *bus);

#endif
