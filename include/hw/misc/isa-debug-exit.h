/*
 * "isa-debug-exit": a port that ends the emulator, for test guests.
 * Writing v to any port in [iobase, iobase + iosize) makes the emulator
 * exit with status (v << 1) | 1 (so no guest value can mean success 0).
 * Properties: "iobase" (0x501), "iosize" (2; 1, 2 or 4).
 *
 * The exit goes through the machine: qemu_system_exit_request(status),
 * which the machine (softmmu run state) defines; it should stop the VM and
 * leave the main loop with that status. Declared weak here so device
 * tests and tools can link without a machine; when no definition is
 * linked the request is logged and ignored.
 */
#ifndef HW_MISC_ISA_DEBUG_EXIT_H
#define HW_MISC_ISA_DEBUG_EXIT_H

#include "hw/isa/isa.h"

#define TYPE_ISA_DEBUG_EXIT "isa-debug-exit"

/* Provided by the machine. */
void qemu_system_exit_request(int status) __attribute__((weak));

ISADevice *isa_debug_exit_create(ISABus *bus, uint32_t iobase, uint32_t iosize);

#endif
