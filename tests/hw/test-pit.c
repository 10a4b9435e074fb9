/*
 * test-pit: the 8254 channel 0 of the real PC over qtest. With the 8259s
 * level-triggered their IRR shows OUT0 (IRQ0) directly, so stepping the
 * virtual clock timer by timer (clock_step with no argument) gives the
 * virtual time of every edge of OUT0: the period and duty cycle of modes
 * 2 and 3 are checked to within one PIT tick. Then, edge-triggered, IRQ0
 * requests are counted through poll mode while the clock runs. Last, a
 * fresh session intercepts the 8259 "pic-master" by its id and sees the
 * PIT's pulses on input 0.
 */
#include <math.h>

#include "hw-common.h"

#define PIT_HZ 1193182.0
#define TICK_NS (1e9 / PIT_HZ)

static void pit_program(QTestState *s, int mode, uint16_t count)
{
    qtest_outb(s, 0x43, 0x30 | mode << 1); /* ch0, lo/hi, mode, binary */
    qtest_outb(s, 0x40, count & 0xff);
    qtest_outb(s, 0x40, count >> 8);
}

/* Step timer by timer until n rising edges of IRQ0 are seen; their times
 * go to rise[], the falling edge after each rise to fall[]. Returns the
 * number of rises found. */
static int find_edges(QTestState *s, int n, int64_t *rise, int64_t *fall)
{
    int level = hw_isa_irq(s, 0);
    int rises = 0;

    for (int step = 0; step < 4000 && rises < n; step++) {
        int64_t t = qtest_clock_step_next(s);
        int now;

        if (t < 0) {
            break;
        }
        now = hw_isa_irq(s, 0);
        if (now && !level) {
            rise[rises++] = t;
        } else if (!now && level && rises > 0) {
            fall[rises - 1] = t;
        }
        level = now;
    }
    return rises;
}

static void check_mode(QTestState *s, int mode, uint16_t count)
{
    int64_t rise[6], fall[6] = { 0 };
    double period = count * TICK_NS;
    double high = mode == 2 ? (count - 1) * TICK_NS : (count + 1) / 2 * TICK_NS;
    bool period_ok = true, duty_ok = true;
    int n;

    pit_program(s, mode, count);
    n = find_edges(s, 6, rise, fall);
    tap_ok(n == 6, "mode %d count %u: IRQ0 rises repeatedly (%d edges)", mode, count, n);
    for (int i = 1; i < n; i++) {
        double d = (double)(rise[i] - rise[i - 1]);
        if (fabs(d - period) > TICK_NS) {
            tap_diag("rise %d -> %d: %.0f ns, expected %.0f", i - 1, i, d, period);
            period_ok = false;
        }
    }
    tap_ok(n > 1 && period_ok, "mode %d: period %.0f ns within a tick", mode, period);
    for (int i = 0; i + 1 < n; i++) {
        double d = (double)(fall[i] - rise[i]);
        if (!fall[i] || fabs(d - high) > TICK_NS) {
            tap_diag("high time %d: %.0f ns, expected %.0f", i, d, high);
            duty_ok = false;
        }
    }
    tap_ok(n > 1 && duty_ok, "mode %d: OUT high for %.0f ns of each period", mode, high);
}

static void test_count_readback(QTestState *s)
{
    uint16_t c1, c2;
    double elapsed_ticks;

    pit_program(s, 2, 60000);
    qtest_outb(s, 0x43, 0x00); /* latch channel 0 */
    c1 = qtest_inb(s, 0x40);
    c1 |= qtest_inb(s, 0x40) << 8;
    qtest_clock_step(s, 10000000); /* 10 ms = 11932 ticks */
    qtest_outb(s, 0x43, 0x00);
    c2 = qtest_inb(s, 0x40);
    c2 |= qtest_inb(s, 0x40) << 8;
    elapsed_ticks = 10000000 / TICK_NS;
    tap_ok(fabs((double)(c1 - c2) - elapsed_ticks) <= 1.5,
           "latched count falls by the ticks of 10 ms of virtual time (%u -> %u)", c1, c2);
    qtest_outb(s, 0x43, 0xe2); /* read-back: status of ch0, no count latch */
    c1 = qtest_inb(s, 0x40);
    tap_ok((c1 & 0x3f) == 0x34, "read-back status: lo/hi, mode 2, binary (%#x)", c1);
}

static void test_irq_count(QTestState *s)
{
    int acks = 0;
    int64_t t0, t1;

    hw_pic_init(s, false);
    qtest_outb(s, 0x21, 0xfe); /* only IRQ0 */
    pit_program(s, 2, 1193);   /* ~1 kHz */
    while (hw_pic_poll(s) >= 0) {
        hw_pic_eoi(s, 0);
    }
    t0 = qtest_clock_step(s, 0);
    for (int i = 0; i < 200; i++) {
        int irq;

        qtest_clock_step(s, 250000);
        irq = hw_pic_poll(s);
        if (irq == 0) {
            acks++;
            hw_pic_eoi(s, 0);
        } else if (irq >= 0) {
            tap_diag("unexpected IRQ %d", irq);
        }
    }
    t1 = qtest_clock_step(s, 0);
    tap_ok(t1 - t0 == 50000000, "the clock moved 50 ms (%lld ns)", (long long)(t1 - t0));
    tap_ok(acks >= 49 && acks <= 51, "about 50 IRQ0s acknowledged in 50 ms at 1 kHz (%d)", acks);
    qtest_outb(s, 0x21, 0xff);
    qtest_clock_step(s, 5000000);
    tap_ok(hw_pic_poll(s) < 0, "masked IRQ0 is not delivered by poll");
    qtest_outb(s, 0x21, 0xfe);
    tap_ok(hw_pic_poll(s) == 0, "unmasking delivers the latched request");
    hw_pic_eoi(s, 0);
}

/* A second session: the board names its 8259s, so the master's inputs
 * can be intercepted by id and the PIT's IRQ0 seen directly. */
static void test_intercept_by_id(void)
{
    QTestState *s = hw_start(NULL);

    tap_ok(qtest_irq_intercept_in(s, "pic-master"), "irq_intercept_in pic-master accepted");
    pit_program(s, 2, 1193); /* rate generator, ~1 ms */
    qtest_clock_step(s, 5000000);
    tap_ok(qtest_irq_raise_count(s, 0) >= 4,
           "intercepted pic-master input 0: PIT pulses seen (%d in 5 ms)",
           qtest_irq_raise_count(s, 0));
    tap_ok(qtest_irq_raise_count(s, 8) == 0 && qtest_irq_raise_count(s, 1) == 0,
           "no pulses on other inputs");
    hw_finish(s);
}

int main(void)
{
    QTestState *s = hw_start(NULL);

    hw_pic_init(s, true);
    check_mode(s, 2, 1193);
    check_mode(s, 3, 1193);
    check_mode(s, 3, 100);
    check_mode(s, 2, 5000);
    test_count_readback(s);
    test_irq_count(s);
    hw_finish(s);
    test_intercept_by_id();
    return tap_done();
}
