/*
 * The i8042 keyboard controller with a PS/2 keyboard and mouse (ISA
 * device, ports 60h and 64h, IRQ 1 and 12).
 *
 * Board wiring: isa_create_simple(bus, TYPE_I8042), then connect the
 * named gpio outputs I8042_GPIO_A20 (the A20 gate: level 1 = A20 enabled,
 * set at reset and on every output port write) and I8042_GPIO_RESET (a
 * pulse when the guest resets the system through the controller).
 */
#ifndef HW_INPUT_I8042_H
#define HW_INPUT_I8042_H

#include "hw/input/ps2.h"
#include "hw/isa/isa.h"

#define TYPE_I8042       "i8042"
#define I8042_GPIO_A20   "a20"
#define I8042_GPIO_RESET "reset"

/* The devices behind the controller, for the UI's input. */
PS2KbdState *i8042_get_keyboard(DeviceState *dev);
PS2MouseState *i8042_get_mouse(DeviceState *dev);

#endif
