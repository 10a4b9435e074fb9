/*
 * The standard VGA PCI device ("VGA", 1234:1111): see hw/display/vga-pci.c.
 */
#ifndef HW_DISPLAY_VGA_PCI_H
#define HW_DISPLAY_VGA_PCI_H

#include "hw/display/vga.h"
#include "hw/pci/pci.h"

#define TYPE_PCI_VGA "VGA"

/* The VGA core of a "VGA" device (for the machine and tests: its console
 * is ->con). */
VGACommonState *pci_vga_get_state(PCIDevice *dev);

#endif
