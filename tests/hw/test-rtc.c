/*
 * test-rtc: the MC146818 RTC of the real PC over qtest: time registers in
 * BCD and binary, the calendar rolling over, and the three interrupts
 * (update-ended once per virtual second, alarm, periodic at the rate of
 * register A) seen as IRQ8 on the slave 8259 (programmed level-triggered,
 * so its IRR is the line's level).
 */
#include "hw-common.h"

#define REG_A 0x0a
#define REG_B 0x0b
#define REG_C 0x0c
#define REG_D 0x0d

static uint8_t rtc_read(QTestState *s, uint8_t reg)
{
    qtest_outb(s, 0x70, reg);
    return qtest_inb(s, 0x71);
}

static void rtc_write(QTestState *s, uint8_t reg, uint8_t v)
{
    qtest_outb(s, 0x70, reg);
    qtest_outb(s, 0x71, v);
}

static void rtc_set_time(QTestState *s, const uint8_t t[10])
{
    uint8_t b = rtc_read(s, REG_B);

    rtc_write(s, REG_B, b | 0x80);
    for (int r = 0; r < 10; r++) {
        if (r != 1 && r != 3 && r != 5) {
            rtc_write(s, r, t[r]);
        }
    }
    rtc_write(s, REG_B, b & ~0x80);
}

/* The PC's century byte (CMOS 0x32), written under SET like the time. */
static void rtc_set_century(QTestState *s, uint8_t v)
{
    uint8_t b = rtc_read(s, REG_B);

    rtc_write(s, REG_B, b | 0x80);
    rtc_write(s, 0x32, v);
    rtc_write(s, REG_B, b & ~0x80);
}

static void test_registers(QTestState *s)
{
    /* 1999-12-31 (Friday) 23:59:58 in BCD, 24-hour */
    const uint8_t bcd[10] = { 0x58, 0, 0x59, 0, 0x23, 0, 0x06, 0x31, 0x12, 0x99 };
    const uint8_t bin[10] = { 30, 0, 20, 0, 10, 0, 3, 15, 6, 21 };
    uint8_t v;

    v = rtc_read(s, REG_D);
    tap_ok(v & 0x80, "register D: VRT set (%#x)", v);
    rtc_write(s, REG_A, 0x26);
    rtc_write(s, REG_B, 0x02);
    rtc_set_century(s, 0x19);
    rtc_set_time(s, bcd);
    tap_ok(rtc_read(s, 0) == 0x58 && rtc_read(s, 2) == 0x59 && rtc_read(s, 4) == 0x23 &&
               rtc_read(s, 7) == 0x31 && rtc_read(s, 8) == 0x12 && rtc_read(s, 9) == 0x99,
           "BCD time reads back");
    qtest_clock_step(s, 3 * HW_NS_PER_SEC);
    v = rtc_read(s, 0);
    tap_ok(v == 0x00 || v == 0x01, "3 s later the seconds wrapped (%#x)", v);
    tap_ok(rtc_read(s, 2) == 0 && rtc_read(s, 4) == 0 && rtc_read(s, 7) == 0x01 &&
               rtc_read(s, 8) == 0x01 && rtc_read(s, 9) == 0x00,
           "and the calendar rolled to 2000-01-01 00:00 (%02x-%02x-%02x %02x:%02x)",
           rtc_read(s, 9), rtc_read(s, 8), rtc_read(s, 7), rtc_read(s, 4), rtc_read(s, 2));
    v = rtc_read(s, 0x32);
    tap_ok(v == 0x20, "century byte 19 -> 20 (%#x)", v);
    v = rtc_read(s, 6);
    tap_ok(v == 7, "day of week Friday -> Saturday (%d)", v);

    rtc_write(s, REG_B, 0x06); /* binary, 24-hour */
    rtc_set_time(s, bin);
    tap_ok(rtc_read(s, 0) == 30 && rtc_read(s, 2) == 20 && rtc_read(s, 4) == 10 &&
               rtc_read(s, 7) == 15 && rtc_read(s, 8) == 6 && rtc_read(s, 9) == 21,
           "binary time reads back");
    qtest_clock_step(s, 10 * HW_NS_PER_SEC);
    v = rtc_read(s, 0);
    tap_ok(v == 40 || v == 39, "10 s of virtual time later: 10:20:%d", v);

    rtc_write(s, REG_B, 0x04); /* binary, 12-hour */
    rtc_set_time(s, (const uint8_t[10]){ 0, 0, 0, 0, 0x80 | 3, 0, 1, 1, 1, 20 });
    v = rtc_read(s, 4);
    tap_ok(v == (0x80 | 3), "12-hour mode: 3 PM reads 0x83 (%#x)", v);
    rtc_write(s, REG_B, 0x06);
    v = rtc_read(s, 4);
    tap_ok(v == 15 || v == 0x83, "back in 24-hour mode: hours %#x", v);
    rtc_write(s, 0x40, 0); /* CMOS RAM byte */
    rtc_write(s, 0x40, 0xa5);
    tap_ok(rtc_read(s, 0x40) == 0xa5, "CMOS RAM byte keeps its value");
}

/* Step the clock in step_ns pieces for total_ns; each time IRQ8 is high,
 * read register C (which lowers it) and record the flags. Returns the
 * number of interrupts; times[] (if given) gets their virtual times. */
static int run_irqs(QTestState *s, int64_t total_ns, int64_t step_ns, uint8_t flag,
                    int64_t *times, int max)
{
    int n = 0;

    for (int64_t t = 0; t < total_ns; t += step_ns) {
        int64_t now = qtest_clock_step(s, step_ns);

        if (hw_isa_irq(s, 8)) {
            uint8_t c = rtc_read(s, REG_C);

            if ((c & 0x80) && (c & flag)) {
                if (times && n < max) {
                    times[n] = now;
                }
                n++;
            }
            if (hw_isa_irq(s, 8)) {
                tap_diag("IRQ8 still high after reading C");
            }
        }
    }
    return n;
}

static void test_update_irq(QTestState *s)
{
    int64_t times[8];
    bool spacing = true;
    int n;

    rtc_read(s, REG_C);
    tap_ok(!hw_isa_irq(s, 8), "IRQ8 low with no interrupt enabled");
    rtc_write(s, REG_B, 0x06 | 0x10);
    n = run_irqs(s, 5 * HW_NS_PER_SEC, 10000000, 0x10, times, 8);
    tap_ok(n == 5, "update-ended interrupt: 5 in 5 s of virtual time (%d)", n);
    for (int i = 1; i < n && i < 8; i++) {
        int64_t d = times[i] - times[i - 1];
        if (d < HW_NS_PER_SEC - 10000000 || d > HW_NS_PER_SEC + 10000000) {
            spacing = false;
            tap_diag("updates %d and %d %lld ns apart", i - 1, i, (long long)d);
        }
    }
    tap_ok(n > 1 && spacing, "one second apart");
    rtc_write(s, REG_B, 0x06);
    rtc_read(s, REG_C);
    n = run_irqs(s, 2 * HW_NS_PER_SEC, 10000000, 0x10, NULL, 0);
    tap_ok(n == 0, "UIE off: no IRQ8 (%d)", n);
    tap_ok(rtc_read(s, REG_C) & 0x10, "but UF is still set in C by the update");
}

static void test_alarm(QTestState *s)
{
    uint8_t sec, hit_sec = 0xff;
    int64_t times[2], t0;
    int n;

    rtc_read(s, REG_C);
    sec = rtc_read(s, 0);
    rtc_write(s, 1, (sec + 3) % 60);
    rtc_write(s, 3, 0xc0); /* minutes: don't care */
    rtc_write(s, 5, 0xc0); /* hours: don't care */
    rtc_write(s, REG_B, 0x06 | 0x20);
    t0 = qtest_clock_step(s, 0);
    n = 0;
    for (int i = 0; i < 500 && !n; i++) {
        times[0] = qtest_clock_step(s, 10000000);
        if (hw_isa_irq(s, 8)) {
            hit_sec = rtc_read(s, 0);
            n = (rtc_read(s, REG_C) & 0xa0) == 0xa0;
        }
    }
    tap_ok(n == 1, "alarm interrupt (AF with IRQF) on IRQ8");
    tap_ok(hit_sec == (sec + 3) % 60, "when the seconds match the alarm (%d, alarm %d)", hit_sec,
           (sec + 3) % 60);
    tap_ok(times[0] - t0 > 2 * HW_NS_PER_SEC && times[0] - t0 <= 3 * HW_NS_PER_SEC + 10000000,
           "2-3 s after it was set (%lld ms)", (long long)((times[0] - t0) / 1000000));
    n = run_irqs(s, 30 * HW_NS_PER_SEC, 100000000, 0x20, times, 2);
    tap_ok(n == 0, "seconds-only alarm: no repeat within 30 s (%d)", n);
    rtc_write(s, 1, 0xc0); /* every second */
    n = run_irqs(s, 3 * HW_NS_PER_SEC, 10000000, 0x20, NULL, 0);
    tap_ok(n == 3, "all-don't-care alarm fires every second (%d in 3 s)", n);
    rtc_write(s, REG_B, 0x06);
}

static void test_periodic(QTestState *s)
{
    int n;

    rtc_write(s, REG_A, 0x26); /* 1024 Hz */
    rtc_read(s, REG_C);
    rtc_write(s, REG_B, 0x06 | 0x40);
    n = run_irqs(s, 100000000, 100000, 0x40, NULL, 0);
    tap_ok(n >= 101 && n <= 103, "rate 6: 102.4 interrupts in 100 ms (%d)", n);
    rtc_write(s, REG_A, 0x2f); /* 2 Hz */
    rtc_read(s, REG_C);
    n = run_irqs(s, 2 * HW_NS_PER_SEC, 10000000, 0x40, NULL, 0);
    tap_ok(n == 4, "rate 15: 4 interrupts in 2 s (%d)", n);
    rtc_write(s, REG_A, 0x23); /* 8192 Hz */
    rtc_read(s, REG_C);
    n = run_irqs(s, 10000000, 50000, 0x40, NULL, 0);
    tap_ok(n >= 80 && n <= 83, "rate 3: 81.92 interrupts in 10 ms (%d)", n);
    rtc_write(s, REG_A, 0x20); /* rate 0: none */
    rtc_read(s, REG_C);
    n = run_irqs(s, 100000000, 1000000, 0x40, NULL, 0);
    tap_ok(n == 0, "rate 0: no periodic interrupt (%d)", n);
    rtc_write(s, REG_B, 0x06);
    rtc_write(s, REG_A, 0x26);
}

int main(void)
{
    QTestState *s = hw_start(NULL);

    hw_pic_init(s, true);
    test_registers(s);
    test_update_irq(s);
    test_alarm(s);
    test_periodic(s);
    hw_finish(s);
    return tap_done();
}
