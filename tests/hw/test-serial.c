/*
 * test-serial: the 16550A UART at COM1 (0x3f8, IRQ 4) of the real PC over
 * qtest: scratch and divisor registers, loopback byte round trips, the
 * THRE and received-data interrupts on IRQ4 as IER enables them (the
 * 8259s level-triggered: IRR is the line's level), the RX FIFO's trigger
 * levels and character timeout, and COM2 on IRQ3.
 */
#include <string.h>

#include "hw-common.h"

#define COM1 0x3f8
#define COM2 0x2f8

static uint8_t iir(QTestState *s, uint16_t base)
{
    return qtest_inb(s, base + 2);
}

static void test_registers(QTestState *s)
{
    uint8_t lsr = qtest_inb(s, COM1 + 5);

    tap_ok((lsr & 0x60) == 0x60, "LSR: THRE and TEMT after reset (%#x)", lsr);
    tap_ok(iir(s, COM1) == 0x01, "IIR: no interrupt pending");
    qtest_outb(s, COM1 + 7, 0x5a);
    tap_ok(qtest_inb(s, COM1 + 7) == 0x5a, "scratch register holds 0x5a");
    qtest_outb(s, COM1 + 3, 0x80);
    qtest_outb(s, COM1 + 0, 0x0c);
    qtest_outb(s, COM1 + 1, 0x00);
    tap_ok(qtest_inb(s, COM1 + 0) == 0x0c && qtest_inb(s, COM1 + 1) == 0,
           "divisor latch reads back (9600 baud)");
    qtest_outb(s, COM1 + 3, 0x03);
    tap_ok(qtest_inb(s, COM1 + 3) == 0x03 && qtest_inb(s, COM1 + 1) == 0,
           "LCR 8N1; DLAB off shows IER again");
    tap_ok(!hw_isa_irq(s, 4), "IRQ4 low");
}

static void test_loopback(QTestState *s)
{
    const char *msg = "Tern\x00\xff\x55";
    bool all = true;

    qtest_outb(s, COM1 + 4, 0x10);
    tap_ok(qtest_inb(s, COM1 + 4) == 0x10, "MCR loop bit set");
    for (int i = 0; i < 7; i++) {
        uint8_t got, lsr;

        qtest_outb(s, COM1, (uint8_t)msg[i]);
        qtest_clock_step(s, 2000000);
        lsr = qtest_inb(s, COM1 + 5);
        got = qtest_inb(s, COM1);
        if (!(lsr & 1) || got != (uint8_t)msg[i]) {
            tap_diag("byte %d: sent %#x, LSR %#x, got %#x", i, (uint8_t)msg[i], lsr, got);
            all = false;
        }
    }
    tap_ok(all, "loopback: 7 bytes (0x00 and 0xff among them) round trip");
    tap_ok(!(qtest_inb(s, COM1 + 5) & 1), "LSR DR clear after reading them");
    qtest_outb(s, COM1 + 4, 0x1f);
    tap_ok((qtest_inb(s, COM1 + 6) & 0xf0) == 0xf0, "loop: RTS/DTR/OUT1/OUT2 show as CTS/DSR/RI/DCD");
    qtest_outb(s, COM1 + 4, 0x10);
    qtest_inb(s, COM1 + 6);
}

static void test_irqs(QTestState *s)
{
    qtest_outb(s, COM1 + 1, 0x02);
    tap_ok(hw_isa_irq(s, 4), "IER ETBEI with THR empty raises IRQ4");
    tap_ok(iir(s, COM1) == 0x02, "IIR: THR empty");
    tap_ok(!hw_isa_irq(s, 4), "reading IIR cleared the THRE interrupt: IRQ4 low");
    qtest_outb(s, COM1 + 1, 0x00);
    qtest_outb(s, COM1 + 1, 0x02);
    tap_ok(hw_isa_irq(s, 4), "re-enabling ETBEI raises it again");
    qtest_outb(s, COM1 + 1, 0x00);
    tap_ok(!hw_isa_irq(s, 4), "IER 0 lowers IRQ4");

    qtest_outb(s, COM1 + 1, 0x01);
    tap_ok(!hw_isa_irq(s, 4), "ERBFI with nothing received: IRQ4 low");
    qtest_outb(s, COM1, 'R');
    qtest_clock_step(s, 2000000);
    tap_ok(hw_isa_irq(s, 4) && iir(s, COM1) == 0x04, "a received byte: RDA interrupt on IRQ4");
    tap_ok(qtest_inb(s, COM1) == 'R' && !hw_isa_irq(s, 4), "reading RBR clears it");
    qtest_outb(s, COM1 + 1, 0x00);
}

static void test_fifo(QTestState *s)
{
    static const struct { uint8_t fcr; int level; } trig[] = {
        { 0x07, 1 }, { 0x47, 4 }, { 0x87, 8 }, { 0xc7, 14 },
    };
    char got[17] = { 0 };
    int n;

    qtest_outb(s, COM1 + 2, 0x07);
    tap_ok((iir(s, COM1) & 0xc0) == 0xc0, "FCR enable: IIR shows FIFOs");
    qtest_outb(s, COM1 + 1, 0x01);
    for (size_t t = 0; t < sizeof(trig) / sizeof(trig[0]); t++) {
        bool early = false, at;

        qtest_outb(s, COM1 + 2, trig[t].fcr);
        for (int i = 0; i < trig[t].level - 1; i++) {
            qtest_outb(s, COM1, 'a' + i);
            early |= hw_isa_irq(s, 4);
        }
        qtest_outb(s, COM1, 'z');
        qtest_clock_step(s, 10000); /* far below a character time-out */
        at = hw_isa_irq(s, 4) && iir(s, COM1) == 0xc4;
        tap_ok(!early && at, "trigger level %d: no interrupt below it, RDA at it", trig[t].level);
    }
    qtest_outb(s, COM1 + 2, 0x07); /* trigger 1, clear */
    tap_ok(!(qtest_inb(s, COM1 + 5) & 1) && !hw_isa_irq(s, 4), "FCR clears the RX FIFO");
    qtest_outb(s, COM1 + 2, 0xc1); /* trigger 14, keep */
    for (const char *p = "hello"; *p; p++) {
        qtest_outb(s, COM1, *p);
    }
    qtest_clock_step(s, 10000);
    tap_ok(!hw_isa_irq(s, 4), "5 bytes below trigger 14: no interrupt yet");
    qtest_clock_step(s, 50000000);
    tap_ok(hw_isa_irq(s, 4) && iir(s, COM1) == 0xcc, "character time-out interrupt later");
    for (n = 0; n < 16 && (qtest_inb(s, COM1 + 5) & 1); n++) {
        got[n] = qtest_inb(s, COM1);
    }
    tap_ok(n == 5 && !strcmp(got, "hello"), "FIFO order kept (%s)", got);
    tap_ok(!hw_isa_irq(s, 4), "emptied: IRQ4 low");
    qtest_outb(s, COM1 + 2, 0x00);
    qtest_outb(s, COM1 + 1, 0x00);
    qtest_outb(s, COM1 + 4, 0x00);
}

static void test_com2(QTestState *s)
{
    qtest_outb(s, COM2 + 1, 0x02);
    tap_ok(hw_isa_irq(s, 3) && !hw_isa_irq(s, 4), "COM2 THRE interrupt is on IRQ3");
    qtest_outb(s, COM2 + 1, 0x00);
    tap_ok(!hw_isa_irq(s, 3), "and IER 0 lowers it");
}

int main(void)
{
    QTestState *s = hw_start(NULL);

    hw_pic_init(s, true);
    test_registers(s);
    test_loopback(s);
    test_irqs(s);
    test_fifo(s);
    test_com2(s);
    hw_finish(s);
    return tap_done();
}
