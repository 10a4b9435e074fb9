/*
 * Intel 82371SB PIIX3, function 0: the PCI-to-ISA bridge "PIIX3".
 *
 * Realized on a PCI bus (slot 1 on the PC), it
 *   - creates the ISA bus (isa.0) decoding the PCI bus's memory and I/O
 *     spaces (ISA sits behind PCI);
 *   - installs the PCI interrupt routing of the bus: INTx of a device in
 *     slot S, pin P (0 = INTA) arrives on PIRQ[(P + S - 1) & 3], and the
 *     PIRQ route control registers 0x60-0x63 (bit 7 = disable, bits 3:0 =
 *     ISA IRQ) send each PIRQ to an ISA IRQ line (level, active high here;
 *     the BIOS marks those IRQs level-triggered in the ELCR at 0x4d0/0x4d1,
 *     which the i8259 model implements);
 *   - claims the reset control register at port 0xcf9: writing bit 2
 *     (RCPU) set asks the machine for a reset, pulsing the gpio output
 *     "reset-request" (level 1 = hard reset requested by bit 1 SRST,
 *     2 = soft reset). The board connects it to its reset hook.
 */
#ifndef HW_ISA_PIIX3_H
#define HW_ISA_PIIX3_H

#include "hw/isa/isa.h"
#include "hw/pci/pci.h"

#define TYPE_PIIX3 "PIIX3"

#define PIIX3_PIRQC        0x60 /* PIRQRC[A:D], 4 registers */
#define PIIX3_NUM_PIRQS    4
#define PIIX3_PIRQ_DISABLE 0x80
#define PIIX3_RCR_PORT     0xcf9
#define PIIX3_RCR_SRST     0x02 /* system (hard) reset */
#define PIIX3_RCR_RCPU     0x04 /* reset CPU: writing 1 starts the reset */
#define PIIX3_RESET_GPIO   "reset-request"

typedef struct PIIX3State {
    PCIDevice parent;
    ISABus *isa_bus;
    MemoryRegion rcr_mem;
    uint8_t rcr;
    /* level of each PIRQ line as the PCI bus reports it */
    uint8_t pirq_level[PIIX3_NUM_PIRQS];
    /* ISA IRQs this bridge drives high now (derived from the above) */
    uint16_t isa_driven;
    qemu_irq reset_request;
} PIIX3State;

/* The ISA bus the bridge created. */
ISABus *piix3_get_isa_bus(PIIX3State *s);
/* The PIRQ (0..3) that INTx pin (0..3) of a device in slot lands on. */
int piix3_pci_slot_get_pirq(PCIDevice *dev, int pin);

#endif
