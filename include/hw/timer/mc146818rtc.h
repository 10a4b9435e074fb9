/*
 * Motorola MC146818 real-time clock with 128 bytes of CMOS RAM, as the PC
 * has it at ports 0x70 (index; bit 7 masks NMI) and 0x71 (data), IRQ 8.
 *
 * Device "mc146818rtc": properties "iobase" (0x70), "irq" (8) and "base"
 * (the time at start: "utc" (default), "localtime", or a date
 * "2006-06-17" / "2006-06-17T16:01:21", UTC). Register 0x32 holds the
 * century, as PC firmware expects.
 */
#ifndef HW_TIMER_MC146818RTC_H
#define HW_TIMER_MC146818RTC_H

#include <stdbool.h>

#include "hw/isa/isa.h"

#define TYPE_MC146818_RTC "mc146818rtc"
#define RTC_ISA_IRQ       8
/* the PC/AT century byte */
#define RTC_REG_CENTURY   0x32

/* Create and realize the PC's RTC on bus (0x70, IRQ 8); base may be NULL. */
ISADevice *mc146818_rtc_create(ISABus *bus, const char *base);
/* CMOS RAM for the machine (memory size, boot devices...): addresses
 * 0x0e-0x7f are plain RAM; 0x00-0x0d act as a guest write/read would. */
void rtc_set_memory(DeviceState *rtc, int addr, int val);
int rtc_get_memory(DeviceState *rtc, int addr);
/* Bit 7 of the last index write: NMIs masked. */
bool rtc_nmi_disabled(DeviceState *rtc);

#endif
