/*
 * Shared helpers for the tests/hw device tests: each test spawns the real
 * tern-system-x86_64 in qtest mode (docs/qtest.md) and drives one device
 * through the protocol only.
 *
 * Interrupts: in qtest mode the PC has no CPU (hence no IOAPIC), its ISA
 * devices drive plain lines into the 8259 pair. The board gives its ISA
 * devices ids ("pic-master", "pic-slave", "pit", "rtc", "serial0"..3), so
 * `irq_intercept_in pic-master` works, but it cuts the lines off the 8259
 * for the rest of the session. Most tests therefore observe ISA IRQs
 * through the 8259s themselves: programmed
 * level-triggered (ICW1 LTIM), a chip's IRR is the current level of its
 * inputs; programmed edge-triggered, poll mode (OCW3) acknowledges the
 * highest-priority request like an INTA would.
 */
#ifndef TESTS_HW_HW_COMMON_H
#define TESTS_HW_HW_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../qtest/libqtest.h"
#include "../unit/tap.h"

#define HW_NS_PER_SEC 1000000000LL

/* Start the PC with qtest plus extra arguments; a failed start is a
 * failed test (reported and the process exits non-zero). */
static inline QTestState *hw_start(const char *extra)
{
    char args[1024];
    QTestState *qts;

    snprintf(args, sizeof(args), "-machine pc -display none %s", extra ? extra : "");
    qts = qtest_start(args);
    if (!qts) {
        tap_ok(false, "emulator starts in qtest mode (%s)", args);
        tap_done();
        exit(1);
    }
    return qts;
}

/* Quit and report the emulator's exit status and the protocol errors. */
static inline void hw_finish(QTestState *qts)
{
    int errors = qtest_errors(qts);
    const char *last = qtest_last_error(qts);
    int status;

    if (errors) {
        tap_diag("last protocol error: %s", last ? last : "?");
    }
    tap_ok(errors == 0, "no protocol errors (%d)", errors);
    status = qtest_quit(qts);
    tap_ok(status == 0, "emulator exits cleanly when the client leaves (%d)", status);
}

/* ---- PCI configuration mechanism #1 ---- */

static inline uint32_t hw_pci_addr(int dev, int fn, int off)
{
    return 0x80000000u | (uint32_t)dev << 11 | (uint32_t)fn << 8 | (off & 0xfc);
}

static inline uint32_t hw_pci_readl(QTestState *s, int dev, int fn, int off)
{
    qtest_outl(s, 0xcf8, hw_pci_addr(dev, fn, off));
    return qtest_inl(s, 0xcfc);
}

static inline uint16_t hw_pci_readw(QTestState *s, int dev, int fn, int off)
{
    qtest_outl(s, 0xcf8, hw_pci_addr(dev, fn, off));
    return qtest_inw(s, 0xcfc + (off & 2));
}

static inline uint8_t hw_pci_readb(QTestState *s, int dev, int fn, int off)
{
    qtest_outl(s, 0xcf8, hw_pci_addr(dev, fn, off));
    return qtest_inb(s, 0xcfc + (off & 3));
}

static inline void hw_pci_writel(QTestState *s, int dev, int fn, int off, uint32_t v)
{
    qtest_outl(s, 0xcf8, hw_pci_addr(dev, fn, off));
    qtest_outl(s, 0xcfc, v);
}

static inline void hw_pci_writew(QTestState *s, int dev, int fn, int off, uint16_t v)
{
    qtest_outl(s, 0xcf8, hw_pci_addr(dev, fn, off));
    qtest_outw(s, 0xcfc + (off & 2), v);
}

/* ---- The 8259 pair as an interrupt probe ---- */

/* Initialise both 8259s (vectors 0x08/0x70, cascade on IR2, all
 * unmasked); level: every input level-triggered (IRR = line levels). */
static inline void hw_pic_init(QTestState *s, bool level)
{
    uint8_t icw1 = 0x11 | (level ? 0x08 : 0);

    qtest_outb(s, 0x20, icw1);
    qtest_outb(s, 0x21, 0x08);
    qtest_outb(s, 0x21, 0x04);
    qtest_outb(s, 0x21, 0x01);
    qtest_outb(s, 0xa0, icw1);
    qtest_outb(s, 0xa1, 0x70);
    qtest_outb(s, 0xa1, 0x02);
    qtest_outb(s, 0xa1, 0x01);
    qtest_outb(s, 0x21, 0x00);
    qtest_outb(s, 0xa1, 0x00);
}

/* The IRR of both chips (slave in bits 8-15). */
static inline uint16_t hw_pic_irr(QTestState *s)
{
    qtest_outb(s, 0x20, 0x0a);
    qtest_outb(s, 0xa0, 0x0a);
    return qtest_inb(s, 0x20) | (uint16_t)qtest_inb(s, 0xa0) << 8;
}

/* The ISR of both chips. */
static inline uint16_t hw_pic_isr(QTestState *s)
{
    uint16_t v;

    qtest_outb(s, 0x20, 0x0b);
    qtest_outb(s, 0xa0, 0x0b);
    v = qtest_inb(s, 0x20) | (uint16_t)qtest_inb(s, 0xa0) << 8;
    qtest_outb(s, 0x20, 0x0a);
    qtest_outb(s, 0xa0, 0x0a);
    return v;
}

/* With the PICs level-triggered: is ISA line n high? */
static inline bool hw_isa_irq(QTestState *s, int n)
{
    return (hw_pic_irr(s) >> n) & 1;
}

/* Poll the master (OCW3 poll): the acknowledged IRQ (cascade resolved
 * through the slave, 8-15), or -1 if none is pending. */
static inline int hw_pic_poll(QTestState *s)
{
    uint8_t m, sl;

    qtest_outb(s, 0x20, 0x0c);
    m = qtest_inb(s, 0x20);
    if (!(m & 0x80)) {
        return -1;
    }
    if ((m & 7) != 2) {
        return m & 7;
    }
    qtest_outb(s, 0xa0, 0x0c);
    sl = qtest_inb(s, 0xa0);
    return (sl & 0x80) ? 8 + (sl & 7) : -1;
}

/* Non-specific EOI for irq (to both chips for a slave IRQ). */
static inline void hw_pic_eoi(QTestState *s, int irq)
{
    if (irq >= 8) {
        qtest_outb(s, 0xa0, 0x20);
    }
    qtest_outb(s, 0x20, 0x20);
}

#endif
