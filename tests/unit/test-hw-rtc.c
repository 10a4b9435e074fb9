/*
 * The MC146818 RTC through ports 0x70/0x71 on the qtest virtual clock:
 * the start time from the "base" property, BCD/binary and 12/24-hour
 * formats, SET and setting the time (with a century rollover), the
 * divider reset and its 500 ms first update, UIP, update-ended and alarm
 * interrupts, periodic interrupt rates, register C read-to-clear, the NMI
 * mask bit, CMOS RAM, and a vmstate round trip.
 */
#include <time.h>

#include "hw/core/qdev-properties.h"
#include "hw/timer/mc146818rtc.h"
#include "isa-test.h"
#include "tap.h"

#define MS 1000000LL
#define US 1000LL

static DeviceState *rtc;

static uint8_t cmos_read(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static void cmos_write(uint8_t reg, uint8_t v)
{
    outb(0x70, reg);
    outb(0x71, v);
}

/* Advance time until the seconds register changes (the next update),
 * in 100 us steps; at most 2 s. */
static void wait_next_second(void)
{
    uint8_t s0 = cmos_read(0);

    for (int64_t t = 0; cmos_read(0) == s0 && t < 2 * NANOSECONDS_PER_SECOND; t += 100 * US) {
        clock_step(100 * US);
    }
}

static int bcd(uint8_t v)
{
    return (v >> 4) * 10 + (v & 15);
}

static void test_base_date(void)
{
    tap_ok(cmos_read(0) == 0x21 && cmos_read(2) == 0x01 && cmos_read(4) == 0x16,
           "base time 16:01:21 in BCD");
    tap_ok(cmos_read(7) == 0x17 && cmos_read(8) == 0x06 && cmos_read(9) == 0x06 &&
               cmos_read(RTC_REG_CENTURY) == 0x20,
           "base date 17/06/2006, century 20");
    tap_ok(cmos_read(6) == 7, "2006-06-17 is a Saturday (day 7)");
    /* (the clock starts exactly on a second: UIP may be set) */
    tap_ok((cmos_read(10) & 0x7f) == 0x26 && cmos_read(11) == 0x02 && cmos_read(13) == 0x80,
           "power-on A=0x26 B=0x02 D=0x80 (VRT)");
    clock_step(2 * NANOSECONDS_PER_SECOND);
    tap_ok(cmos_read(0) == 0x23, "two seconds later: 0x23");
}

static void test_formats(void)
{
    cmos_write(11, 0x06); /* binary, 24h */
    tap_ok(cmos_read(0) == 23 && cmos_read(4) == 16, "binary mode");
    cmos_write(11, 0x04); /* binary, 12h */
    tap_ok(cmos_read(4) == (0x80 | 4), "12-hour binary: 4 PM = 0x84");
    cmos_write(11, 0x00); /* BCD, 12h */
    tap_ok(cmos_read(4) == 0x84, "12-hour BCD: 0x84");
    cmos_write(11, 0x02);
    tap_ok(cmos_read(4) == 0x16, "back to 24-hour BCD");
}

static void test_set_time(void)
{
    cmos_write(11, 0x82); /* SET */
    cmos_write(0, 0x58);
    cmos_write(2, 0x59);
    cmos_write(4, 0x23);
    cmos_write(7, 0x31);
    cmos_write(8, 0x12);
    cmos_write(9, 0x99);
    cmos_write(RTC_REG_CENTURY, 0x19);
    clock_step(5 * NANOSECONDS_PER_SECOND);
    tap_ok(cmos_read(0) == 0x58, "SET holds the time");
    tap_ok(!(cmos_read(10) & 0x80), "no UIP while SET");
    cmos_write(11, 0x02);
    wait_next_second();
    wait_next_second();
    tap_ok(cmos_read(0) == 0x00 && cmos_read(2) == 0x00 && cmos_read(4) == 0x00,
           "23:59:58 + 2 s = 00:00:00");
    tap_ok(cmos_read(7) == 0x01 && cmos_read(8) == 0x01 && cmos_read(9) == 0x00 &&
               cmos_read(RTC_REG_CENTURY) == 0x20,
           "31/12/1999 rolls over to 01/01/2000 (century 20)");
    tap_ok(cmos_read(6) == 7, "2000-01-01 is a Saturday");
    /* writing one register while running */
    cmos_write(2, 0x30);
    tap_ok(cmos_read(2) == 0x30 && cmos_read(4) == 0x00, "minutes written while running");
}

static void test_divider_uip(void)
{
    uint8_t s0;

    cmos_write(10, 0x70); /* divider in reset */
    s0 = cmos_read(0);
    clock_step(3 * NANOSECONDS_PER_SECOND);
    tap_ok(cmos_read(0) == s0, "divider reset stops the clock");
    cmos_write(10, 0x26);
    clock_step(500 * MS - 300 * US);
    tap_ok(cmos_read(0) == s0 && !(cmos_read(10) & 0x80), "no update and no UIP 300 us before");
    clock_step(100 * US);
    tap_ok(cmos_read(10) & 0x80, "UIP set 200 us before the update");
    tap_ok((cmos_read(10) & 0x7f) == 0x26, "A keeps its other bits");
    clock_step(250 * US);
    tap_ok(cmos_read(0) == ((s0 & 0x0f) == 9 ? (s0 & 0xf0) + 0x10 : s0 + 1),
           "first update 500 ms after the divider restarts");
    tap_ok(cmos_read(10) & 0x80, "UIP still set during the update cycle");
    clock_step(2 * MS);
    tap_ok(!(cmos_read(10) & 0x80), "UIP clear after the update cycle");
}

static void test_update_irq(void)
{
    uint8_t c;
    int raises;

    cmos_read(12);
    cmos_write(11, 0x12); /* UIE */
    raises = isa_test_irq_raises[8];
    wait_next_second();
    tap_ok(isa_test_irq_raises[8] == raises + 1 && isa_test_irq_level[8],
           "update-ended interrupt on IRQ 8");
    c = cmos_read(12);
    /* PF is set too (rate 6 runs with PIE off); AF is not */
    tap_ok((c & 0xb0) == 0x90, "register C: IRQF | UF (%#x)", c);
    tap_ok(!isa_test_irq_level[8], "reading C lowers IRQ 8");
    tap_ok(cmos_read(12) == 0, "register C clears on read");
    clock_step(NANOSECONDS_PER_SECOND);
    tap_ok(isa_test_irq_raises[8] == raises + 2, "again one second later");
    cmos_read(12);
    cmos_write(11, 0x02);
    clock_step(3 * NANOSECONDS_PER_SECOND);
    tap_ok(!isa_test_irq_level[8] && (cmos_read(12) & 0x10), "UIE off: UF set, no IRQ");
}

static void test_alarm(void)
{
    uint8_t sec, c;
    int raises;

    cmos_read(12);
    sec = cmos_read(0);
    /* alarm at sec + 3 (BCD arithmetic below 0x57), any hour and minute */
    if ((sec & 0x0f) >= 7) {
        sec = (sec & 0xf0) + 0x10 + (sec & 0x0f) - 7;
    } else {
        sec += 3;
    }
    if (sec >= 0x60) {
        sec -= 0x60;
    }
    cmos_write(1, sec);
    cmos_write(3, 0xc0);
    cmos_write(5, 0xff);
    cmos_write(11, 0x22); /* AIE */
    raises = isa_test_irq_raises[8];
    wait_next_second();
    wait_next_second();
    tap_ok(isa_test_irq_raises[8] == raises && !isa_test_irq_level[8], "no alarm after 2 updates");
    wait_next_second();
    tap_ok(isa_test_irq_level[8], "alarm interrupt at the alarm second");
    c = cmos_read(12);
    tap_ok((c & 0xa0) == 0xa0, "register C: IRQF | AF (%#x)", c);
    tap_ok(cmos_read(0) == sec, "the time is the alarm time");
    clock_step(NANOSECONDS_PER_SECOND);
    tap_ok(!isa_test_irq_level[8], "no alarm the next second");
    cmos_write(11, 0x02);
    cmos_read(12);
}

/* Count periodic interrupts in duration, acknowledging each. */
static int count_periodic(int64_t duration, int64_t step)
{
    int n = 0;

    for (int64_t t = 0; t < duration; t += step) {
        clock_step(step);
        if (isa_test_irq_level[8]) {
            n += (cmos_read(12) & 0xc0) == 0xc0;
        }
    }
    return n;
}

static void test_periodic(void)
{
    int n;

    cmos_read(12);
    cmos_write(10, 0x26); /* 1024 Hz */
    cmos_write(11, 0x42); /* PIE */
    n = count_periodic(250 * MS, 100 * US);
    tap_ok(n >= 255 && n <= 256, "1024 Hz: %d interrupts in 250 ms", n);
    cmos_write(10, 0x2f); /* 2 Hz */
    cmos_read(12);
    n = count_periodic(2 * NANOSECONDS_PER_SECOND, 10 * MS);
    tap_ok(n == 4, "2 Hz: %d interrupts in 2 s", n);
    cmos_write(10, 0x23); /* 8192 Hz */
    cmos_read(12);
    n = count_periodic(10 * MS, 20 * US);
    tap_ok(n >= 81 && n <= 82, "8192 Hz: %d interrupts in 10 ms", n);
    cmos_write(10, 0x20); /* rate 0: none */
    cmos_read(12);
    n = count_periodic(100 * MS, MS);
    tap_ok(n == 0, "rate 0: no periodic interrupt");
    cmos_write(11, 0x02);
    cmos_write(10, 0x26);
    clock_step(10 * MS);
    tap_ok((cmos_read(12) & 0xc0) == 0x40, "PIE off: PF set, IRQF clear");
}

static void test_cmos_ram_nmi(void)
{
    bool ok = true;

    for (int i = 0x0e; i < 0x80; i++) {
        if (i != RTC_REG_CENTURY) {
            cmos_write(i, i ^ 0xa5);
        }
    }
    for (int i = 0x0e; i < 0x80; i++) {
        if (i != RTC_REG_CENTURY && cmos_read(i) != (i ^ 0xa5)) {
            ok = false;
        }
    }
    tap_ok(ok, "114 bytes of CMOS RAM");
    rtc_set_memory(rtc, 0x34, 0x77);
    tap_ok(cmos_read(0x34) == 0x77 && rtc_get_memory(rtc, 0x34) == 0x77, "rtc_set_memory");
    outb(0x70, 0x80 | 0x34);
    tap_ok(rtc_nmi_disabled(rtc) && inb(0x71) == 0x77, "index bit 7 masks NMI, index kept");
    outb(0x70, 0x34);
    tap_ok(!rtc_nmi_disabled(rtc), "NMI unmasked");
    cmos_write(13, 0x00);
    tap_ok(cmos_read(13) == 0x80, "register D is read-only");
}

static void test_vmstate(void)
{
    VMStateBuffer buf;
    uint8_t b, sec;
    int n;

    cmos_write(10, 0x2a); /* 64 Hz */
    cmos_write(11, 0x46); /* PIE, binary */
    cmos_write(0x50, 0x42);
    sec = cmos_read(0);
    tap_ok(isa_test_save(rtc, &buf), "vmstate: saved");
    qdev_reset_all_devices();
    tap_ok(cmos_read(11) == 0x06, "vmstate: reset cleared PIE, kept the format");
    cmos_write(0x50, 0);
    tap_ok(isa_test_load(rtc, &buf), "vmstate: loaded");
    b = cmos_read(11);
    tap_ok(b == 0x46 && cmos_read(0x50) == 0x42 && cmos_read(0) == sec,
           "vmstate: B, RAM and time restored");
    cmos_read(12);
    n = count_periodic(NANOSECONDS_PER_SECOND, MS);
    tap_ok(n >= 63 && n <= 64, "vmstate: periodic interrupts resume at 64 Hz (%d)", n);
    vmstate_buffer_free(&buf);
}

static void test_other_instances(void)
{
    ISADevice *d = isa_new(TYPE_MC146818_RTC, &error_abort);
    Error *err = NULL;
    time_t t = time(NULL);
    struct tm tm;
    int year;

    qdev_prop_set_string(DEVICE(d), "base", "yesterday");
    qdev_prop_set_uint32(DEVICE(d), "iobase", 0x170);
    tap_ok(!isa_realize(d, isa_test_bus, &err) && err, "an invalid base fails realize");
    error_free(err);
    qdev_delete(DEVICE(d));

    d = isa_new(TYPE_MC146818_RTC, &error_abort);
    qdev_prop_set_uint32(DEVICE(d), "iobase", 0x170);
    qdev_prop_set_uint32(DEVICE(d), "irq", 9);
    isa_realize(d, isa_test_bus, &error_abort);
    gmtime_r(&t, &tm);
    outb(0x170, 9);
    year = bcd(inb(0x171));
    outb(0x170, RTC_REG_CENTURY);
    year += bcd(inb(0x171)) * 100;
    tap_ok(year == tm.tm_year + 1900, "base=utc: the host's year (%d)", year);
}

int main(void)
{
    isa_test_init(true);
    rtc = DEVICE(mc146818_rtc_create(isa_test_bus, "2006-06-17T16:01:21"));
    qdev_reset_all_devices();

    test_base_date();
    test_formats();
    test_set_time();
    test_divider_uip();
    test_update_irq();
    test_alarm();
    test_periodic();
    test_cmos_ram_nmi();
    test_vmstate();
    test_other_instances();

    isa_test_finish();
    return tap_done();
}
