/*
 * Intel 82371AB PIIX4 function 3: the ACPI power-management controller
 * (PCI 8086:7113), as the PC's FADT describes it.
 *
 * PCI config: 0x40 PMBA (I/O base, 64 bytes, bits 15:6; bit 0 reads 1),
 * 0x80 PMREGMISC bit 0 PMIOSE (the I/O block decodes only while set).
 * The board may program both itself (the "pm-io-base" property, e.g.
 * 0x600 as QEMU's pc does) so direct kernel boot needs no BIOS.
 *
 * I/O block at PMBA (datasheet section 7.2, ACPI fixed hardware):
 *   +0 PM1a_STS (16, write 1 to clear)  +2 PM1a_EN (16)
 *   +4 PM1a_CNT (16)                    +8 PM_TMR (32, 24 bits count)
 * The SCI (gpio out "sci", level, active high; the PC wires it to ISA
 * IRQ 9) is asserted while (STS & EN) has a bit among TMR, PWRBTN.
 * Writing PM1a_CNT with SLP_EN and SLP_TYP 0 (soft off, \_S5) calls
 * qemu_system_shutdown_request(). Resets through the FADT RESET_REG go to
 * the PIIX3's 0xcf9, not here.
 */
#ifndef HW_ACPI_PIIX4_PM_H
#define HW_ACPI_PIIX4_PM_H

#include "hw/pci/pci.h"
#include "util/timer.h"

#define TYPE_PIIX4_PM "PIIX4_PM"

#define PCI_DEVICE_ID_INTEL_82371AB_3 0x7113

#define PIIX4_PM_PMBA      0x40
#define PIIX4_PM_PMREGMISC 0x80
#define PIIX4_PM_DEVACTB   0x58
#define PIIX4_PM_DEVACTB_APMC_EN (1u << 25)
#define PIIX4_PM_IO_SIZE   64
#define PIIX4_PM_SCI_GPIO  "sci"

/* I/O block offsets */
#define ACPI_PM1_STS 0x00
#define ACPI_PM1_EN  0x02
#define ACPI_PM1_CNT 0x04
#define ACPI_PM_TMR  0x08

/* PM1 status / enable bits */
#define ACPI_BITMASK_TIMER_STATUS  0x0001
#define ACPI_BITMASK_BM_STATUS     0x0010
#define ACPI_BITMASK_GBL_STATUS    0x0020
#define ACPI_BITMASK_PWRBTN_STATUS 0x0100
#define ACPI_BITMASK_RTC_STATUS    0x0400
#define ACPI_BITMASK_WAKE_STATUS   0x8000
/* PM1 control bits */
#define ACPI_BITMASK_SCI_ENABLE    0x0001
#define ACPI_SLP_TYP_SHIFT         10
#define ACPI_SLP_TYP_MASK          (7 << ACPI_SLP_TYP_SHIFT)
#define ACPI_BITMASK_SLEEP_ENABLE  0x2000
#define PIIX4_SLP_TYP_S5           0 /* "soft off" on the PIIX4 */

#define ACPI_PM_TIMER_HZ   3579545
#define ACPI_PM_TIMER_BITS 24

typedef struct PIIX4PMState {
    PCIDevice parent;
    MemoryRegion io;
    bool io_mapped;
    uint16_t io_addr;     /* where io is mapped now */
    QEMUTimer *tmr_timer; /* fires at the next counter bit-23 flip */
    qemu_irq sci;
    /* property */
    uint32_t pm_io_base; /* 0: leave PMBA to the firmware */
    /* guest-visible state */
    uint16_t pm1_sts;
    uint16_t pm1_en;
    uint16_t pm1_cnt;
    int64_t tmr_overflow_ns; /* virtual time of the next overflow */
} PIIX4PMState;

#define PIIX4_PM(obj) QDEV_CHECK(PIIX4PMState, obj, TYPE_PIIX4_PM)

/* The board's power button: sets PWRBTN_STS (SCI if enabled). */
void piix4_pm_power_button(PIIX4PMState *s);
/* The PM timer's value now (24 bits). */
uint32_t piix4_pm_timer_value(void);

#endif
