/*
 * test-pic: the 8259A pair of the real PC over qtest. Real devices drive
 * the inputs: the UARTs (COM2 on IRQ3, COM1 on IRQ4: IER's THRE enable
 * raises the line, IER 0 lowers it) and the RTC's periodic interrupt on
 * IRQ8 through the slave. Poll mode (OCW3) stands in for the CPU's INTA.
 * Checked: IMR masking, fully nested priority with two raised lines, EOI,
 * specific rotation, the cascade, and the ELCR (edge/level per line).
 */
#include "hw-common.h"

#define COM1 0x3f8
#define COM2 0x2f8

static void line(QTestState *s, int irq, bool level)
{
    qtest_outb(s, (irq == 3 ? COM2 : COM1) + 1, level ? 0x02 : 0x00);
}

static void test_priority(QTestState *s)
{
    int a, b, c;

    qtest_outb(s, 0x21, 0xe7); /* only IRQ3 and IRQ4 */
    qtest_outb(s, 0xa1, 0xff);
    tap_ok(qtest_inb(s, 0x21) == 0xe7 && qtest_inb(s, 0xa1) == 0xff, "IMRs read back");
    tap_ok(hw_pic_poll(s) < 0, "nothing pending: poll returns no request");
    line(s, 4, true);
    line(s, 3, true);
    tap_ok((hw_pic_irr(s) & 0x18) == 0x18, "IRR shows IRQ3 and IRQ4 requested");
    a = hw_pic_poll(s);
    tap_ok(a == 3, "IRQ3 beats IRQ4 (%d)", a);
    tap_ok(hw_pic_isr(s) == 0x08, "ISR: IRQ3 in service (%#x)", hw_pic_isr(s));
    b = hw_pic_poll(s);
    tap_ok(b < 0, "IRQ4 held back while IRQ3 is in service (%d)", b);
    hw_pic_eoi(s, 3);
    c = hw_pic_poll(s);
    tap_ok(c == 4, "after EOI: IRQ4 (%d)", c);
    hw_pic_eoi(s, 4);
    tap_ok(hw_pic_isr(s) == 0, "ISR clear after the second EOI");
    tap_ok(hw_pic_poll(s) < 0, "edge-triggered: each edge is delivered once");
    line(s, 3, false);
    line(s, 4, false);
}

static void test_mask(QTestState *s)
{
    int a, b;

    qtest_outb(s, 0x21, 0xe7 | 0x08); /* IRQ3 masked, IRQ4 open */
    line(s, 3, true);
    line(s, 4, true);
    a = hw_pic_poll(s);
    tap_ok(a == 4, "IRQ3 masked: IRQ4 is delivered first (%d)", a);
    tap_ok(hw_pic_irr(s) & 0x08, "masked IRQ3 stays requested in IRR");
    hw_pic_eoi(s, 4);
    tap_ok(hw_pic_poll(s) < 0, "nothing else while IRQ3 is masked");
    qtest_outb(s, 0x21, 0xe7);
    b = hw_pic_poll(s);
    tap_ok(b == 3, "unmasked: the latched IRQ3 arrives (%d)", b);
    hw_pic_eoi(s, 3);
    line(s, 3, false);
    line(s, 4, false);
}

static void test_rotation(QTestState *s)
{
    int a, b;

    qtest_outb(s, 0x20, 0xc3); /* set priority: IRQ3 lowest, so IRQ4 highest */
    line(s, 3, true);
    line(s, 4, true);
    a = hw_pic_poll(s);
    hw_pic_eoi(s, a);
    b = hw_pic_poll(s);
    hw_pic_eoi(s, b);
    tap_ok(a == 4 && b == 3, "specific rotation: IRQ4 then IRQ3 (%d, %d)", a, b);
    qtest_outb(s, 0x20, 0xc7); /* back: IRQ0 highest */
    line(s, 3, false);
    line(s, 4, false);
}

static void test_cascade(QTestState *s)
{
    int a;

    qtest_outb(s, 0x21, 0xfb); /* IR2 (cascade) open */
    qtest_outb(s, 0xa1, 0xfe); /* IRQ8 open */
    qtest_outb(s, 0x70, 0x0c);
    qtest_inb(s, 0x71);
    qtest_outb(s, 0x70, 0x0a);
    qtest_outb(s, 0x71, 0x26);
    qtest_outb(s, 0x70, 0x0b);
    qtest_outb(s, 0x71, 0x42); /* PIE */
    qtest_clock_step(s, 2000000);
    tap_ok((hw_pic_irr(s) & 0x0104) == 0x0104, "RTC IRQ8: slave IR0 and master IR2 requested");
    a = hw_pic_poll(s);
    tap_ok(a == 8, "poll through the cascade gives IRQ8 (%d)", a);
    tap_ok(hw_pic_isr(s) == 0x0104, "ISR: slave IR0 and master IR2 (%#x)", hw_pic_isr(s));
    hw_pic_eoi(s, 8);
    tap_ok(hw_pic_isr(s) == 0, "EOI to both clears them");
    qtest_outb(s, 0x70, 0x0b);
    qtest_outb(s, 0x71, 0x02);
    qtest_outb(s, 0x70, 0x0c);
    qtest_inb(s, 0x71);
}

static void test_elcr(QTestState *s)
{
    uint8_t m, sl;

    qtest_outb(s, 0x4d0, 0xff);
    qtest_outb(s, 0x4d1, 0xff);
    m = qtest_inb(s, 0x4d0);
    sl = qtest_inb(s, 0x4d1);
    tap_ok(m == 0xf8 && sl == 0xde, "ELCR: IRQ0-2, 8 and 13 cannot be level (%#x %#x)", m, sl);
    qtest_outb(s, 0x4d0, 0x00);
    qtest_outb(s, 0x4d1, 0x00);
    tap_ok(qtest_inb(s, 0x4d0) == 0 && qtest_inb(s, 0x4d1) == 0, "ELCR cleared");

    qtest_outb(s, 0x21, 0xff); /* masked: IRR still follows the inputs */
    line(s, 4, true);
    line(s, 4, false);
    tap_ok(hw_pic_irr(s) & 0x10, "edge IRQ4: IRR keeps the request after the line drops");
    qtest_outb(s, 0x4d0, 0x10);
    line(s, 4, true);
    tap_ok(hw_pic_irr(s) & 0x10, "level IRQ4 (ELCR bit 4): IRR set while the line is high");
    line(s, 4, false);
    tap_ok(!(hw_pic_irr(s) & 0x10), "and clear as soon as it drops");
    qtest_outb(s, 0x21, 0xef);
    line(s, 4, true);
    tap_ok(hw_pic_poll(s) == 4, "level IRQ4 delivered");
    hw_pic_eoi(s, 4);
    tap_ok(hw_pic_poll(s) == 4, "still high after EOI: delivered again");
    hw_pic_eoi(s, 4);
    line(s, 4, false);
    tap_ok(hw_pic_poll(s) < 0, "line low: no more");
    qtest_outb(s, 0x4d0, 0x00);
}

int main(void)
{
    QTestState *s = hw_start(NULL);

    hw_pic_init(s, false);
    test_priority(s);
    test_mask(s);
    test_rotation(s);
    test_cascade(s);
    test_elcr(s);
    hw_finish(s);
    return tap_done();
}
