/*
 * The PIIX3 IDE function (PCI 8086:7010, function 1 of the PIIX3).
 *
 * Board wiring: create TYPE_PIIX3_IDE on the PCI bus (devfn 1.1 on the
 * PC), connect its named gpio outputs PIIX_IDE_GPIO_ISA_IRQ 0 and 1 to ISA
 * IRQ 14 and 15, and attach drives with piix_ide_attach_drive() before
 * the machine reset.
 */
#ifndef HW_IDE_PIIX_H
#define HW_IDE_PIIX_H

#include "hw/ide/ide.h"
#include "hw/pci/pci.h"

#define TYPE_PIIX3_IDE                "piix3-ide"
#define PCI_DEVICE_ID_INTEL_82371SB_1 0x7010
#define PIIX_IDE_GPIO_ISA_IRQ         "isa-irq"

/* Put a drive on channel (0 primary, 1 secondary), unit (0 master, 1 slave). */
bool piix_ide_attach_drive(PCIDevice *dev, int channel, int unit, IDEDriveKind kind,
                           BlockBackend *blk, Error **errp);
/* The channel's IDE bus (to change CD media). */
IDEBus *piix_ide_get_bus(PCIDevice *dev, int channel);

#endif
