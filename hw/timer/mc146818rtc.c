/*
 * Motorola MC146818 real-time clock and CMOS RAM (the PC's RTC).
 *
 * Modelled, from the MC146818A datasheet: the time, alarm and calendar
 * registers 0-9 in BCD or binary and in 12- or 24-hour format (register
 * B's DM and 24/12 bits), register A (UIP, divider select DV2-0: 11x holds
 * the divider chain in reset and the first update comes 500 ms after it
 * is released; rate select RS3-0), register B (SET stops updates so the
 * time can be written, PIE/AIE/UIE, SQWE stored, DSE stored but daylight
 * saving is not applied), register C (IRQF, PF, AF, UF; cleared by a
 * read), register D (VRT always set), the 244 us + 1984 us update-in-
 * progress window around each update, alarm "don't care" values
 * (0xc0-0xff), periodic interrupt rates from 122 us to 500 ms, IRQ 8,
 * and the PC additions: NMI mask in bit 7 of the index port and the
 * century byte at 0x32.
 *
 * Time keeping: while the clock runs, the guest's time is the virtual
 * clock plus offset_ns (nanoseconds since 1970 of the wall time the RTC
 * shows, in its own time zone), so time stops with the VM and migrates
 * with it; the registers are rendered from it when read. While SET is on
 * or the divider is in reset, the registers hold the time. Flags are
 * accounted lazily (on a read of register C) and by timers only while
 * the matching interrupt is enabled, so an idle RTC costs nothing.
 *
 * Not modelled: the square-wave output pin, daylight saving switching,
 * the 4.194304 and 1.048576 MHz time bases (treated as 32.768 kHz).
 */
#include "hw/timer/mc146818rtc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hw/core/qdev-properties.h"
#include "migration/vmstate.h"
#include "util/log.h"
#include "util/timer.h"

#define REG_SEC        0
#define REG_SEC_ALARM  1
#define REG_MIN        2
#define REG_MIN_ALARM  3
#define REG_HOUR       4
#define REG_HOUR_ALARM 5
#define REG_DOW        6
#define REG_DOM        7
#define REG_MONTH      8
#define REG_YEAR       9
#define REG_A          10
#define REG_B          11
#define REG_C          12
#define REG_D          13

#define A_UIP     0x80
#define A_DV_MASK 0x70
#define A_RS_MASK 0x0f
#define B_SET     0x80
#define B_PIE     0x40
#define B_AIE     0x20
#define B_UIE     0x10
#define B_SQWE    0x08
#define B_DM      0x04
#define B_24H     0x02
#define C_IRQF    0x80
#define C_PF      0x40
#define C_AF      0x20
#define C_UF      0x10
#define D_VRT     0x80

#define NS_PER_SEC      NANOSECONDS_PER_SECOND
#define RTC_HZ          32768
#define UIP_BEFORE_NS   244000
#define UPDATE_CYCLE_NS 1984000
#define SECS_PER_DAY    86400

typedef struct RTCState {
    ISADevice parent;
    uint32_t iobase;
    uint32_t isairq;
    char *base;

    MemoryRegion io;
    qemu_irq irq;
    QEMUTimer *periodic_timer;
    QEMUTimer *update_timer;

    uint8_t cmos[128];
    uint8_t index;
    uint8_t nmi_disabled;
    uint8_t irq_level;
    /* while running: guest wall-clock ns = virtual ns + offset_ns; also
     * the divider's phase while SET holds the registers */
    int64_t offset_ns;
    /* the last guest second whose update was accounted (UF, AF) */
    int64_t last_update_sec;
    /* the last periodic-interrupt period accounted (PF) */
    int64_t last_period;
} RTCState;

#define MC146818_RTC(dev) QDEV_CHECK(RTCState, dev, TYPE_MC146818_RTC)

static bool rtc_divider_running(RTCState *s)
{
    return (s->cmos[REG_A] & 0x60) != 0x60;
}

/* The time registers follow the clock (not held by SET or reset). */
static bool rtc_running(RTCState *s)
{
    return rtc_divider_running(s) && !(s->cmos[REG_B] & B_SET);
}

static int64_t rtc_guest_ns(RTCState *s, int64_t now)
{
    return now + s->offset_ns;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
    return a - floor_div(a, b) * b;
}

/* ---- register formats ---- */

static uint8_t rtc_to_reg(RTCState *s, int v)
{
    return (s->cmos[REG_B] & B_DM) ? v : ((v / 10) << 4) | (v % 10);
}

static int rtc_from_reg(RTCState *s, uint8_t v)
{
    return (s->cmos[REG_B] & B_DM) ? v : (v >> 4) * 10 + (v & 0x0f);
}

static uint8_t rtc_hour_to_reg(RTCState *s, int hour)
{
    bool pm;

    if (s->cmos[REG_B] & B_24H) {
        return rtc_to_reg(s, hour);
    }
    pm = hour >= 12;
    hour %= 12;
    return rtc_to_reg(s, hour ? hour : 12) | (pm ? 0x80 : 0);
}

static int rtc_hour_from_reg(RTCState *s, uint8_t v)
{
    int hour;

    if (s->cmos[REG_B] & B_24H) {
        return rtc_from_reg(s, v);
    }
    hour = rtc_from_reg(s, v & 0x7f) % 12;
    return (v & 0x80) ? hour + 12 : hour;
}

/* Write the time of guest second secs into the registers. */
static void rtc_render(RTCState *s, int64_t secs)
{
    time_t t = secs;
    struct tm tm;

    if (!gmtime_r(&t, &tm)) {
        return;
    }
    s->cmos[REG_SEC] = rtc_to_reg(s, tm.tm_sec);
    s->cmos[REG_MIN] = rtc_to_reg(s, tm.tm_min);
    s->cmos[REG_HOUR] = rtc_hour_to_reg(s, tm.tm_hour);
    s->cmos[REG_DOW] = rtc_to_reg(s, tm.tm_wday + 1);
    s->cmos[REG_DOM] = rtc_to_reg(s, tm.tm_mday);
    s->cmos[REG_MONTH] = rtc_to_reg(s, tm.tm_mon + 1);
    s->cmos[REG_YEAR] = rtc_to_reg(s, (tm.tm_year + 1900) % 100);
    s->cmos[RTC_REG_CENTURY] = rtc_to_reg(s, (tm.tm_year + 1900) / 100);
}

/* The guest second the registers hold. */
static int64_t rtc_parse(RTCState *s)
{
    struct tm tm = { 0 };
    int year = rtc_from_reg(s, s->cmos[REG_YEAR]);
    int century = rtc_from_reg(s, s->cmos[RTC_REG_CENTURY]);

    if (century < 19 || century > 99) {
        /* no (valid) century byte: the usual 1970-2069 window */
        century = year < 70 ? 20 : 19;
    }
    tm.tm_sec = rtc_from_reg(s, s->cmos[REG_SEC]);
    tm.tm_min = rtc_from_reg(s, s->cmos[REG_MIN]);
    tm.tm_hour = rtc_hour_from_reg(s, s->cmos[REG_HOUR]);
    tm.tm_mday = rtc_from_reg(s, s->cmos[REG_DOM]);
    tm.tm_mon = rtc_from_reg(s, s->cmos[REG_MONTH]) - 1;
    tm.tm_year = century * 100 + year - 1900;
    if (tm.tm_sec > 59 || tm.tm_min > 59 || tm.tm_hour > 23 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
        tm.tm_mon < 0 || tm.tm_mon > 11) {
        log_mask_printf(LOG_GUEST_ERROR,
                        "mc146818rtc: invalid time written: %02d:%02d:%02d "
                        "%02d/%02d/%d\n",
                        tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_mday, tm.tm_mon + 1,
                        tm.tm_year + 1900);
    }
    /* timegm normalises out-of-range fields, as a counting chip would
     * eventually roll them over */
    return timegm(&tm);
}

/* ---- updates, alarm, periodic flag ---- */

/* An alarm field matches value v (decoded), or is "don't care". */
static bool rtc_alarm_field(RTCState *s, uint8_t reg, int v, bool hour)
{
    if ((reg & 0xc0) == 0xc0) {
        return true;
    }
    return (hour ? rtc_hour_from_reg(s, reg) : rtc_from_reg(s, reg)) == v;
}

static bool rtc_alarm_matches(RTCState *s, int64_t secs)
{
    int64_t tod = floor_mod(secs, SECS_PER_DAY);

    return rtc_alarm_field(s, s->cmos[REG_SEC_ALARM], tod % 60, false) &&
           rtc_alarm_field(s, s->cmos[REG_MIN_ALARM], tod / 60 % 60, false) &&
           rtc_alarm_field(s, s->cmos[REG_HOUR_ALARM], tod / 3600, true);
}

static int64_t rtc_period_cycles(RTCState *s)
{
    int rs = s->cmos[REG_A] & A_RS_MASK;

    if (!rs) {
        return 0;
    }
    /* rates 1 and 2 are the same as 8 and 9 with a 32.768 kHz time base */
    if (rs <= 2) {
        rs += 7;
    }
    return 1 << (rs - 1);
}

/* Periods of the periodic interrupt elapsed at guest time g. */
static int64_t rtc_period_index(RTCState *s, int64_t g, int64_t cycles)
{
    int64_t cyc = (int64_t)((__int128)g * RTC_HZ / NS_PER_SEC);

    return floor_div(cyc, cycles);
}

/* Bring the flags of register C up to the time now. */
static void rtc_account(RTCState *s, int64_t now)
{
    int64_t g = rtc_guest_ns(s, now);

    if (rtc_running(s)) {
        int64_t cur = floor_div(g, NS_PER_SEC);

        if (cur > s->last_update_sec) {
            s->cmos[REG_C] |= C_UF;
            if (cur - s->last_update_sec >= SECS_PER_DAY) {
                s->cmos[REG_C] |= rtc_alarm_matches(s, cur) ? C_AF : 0;
                for (int64_t t = cur - SECS_PER_DAY + 1; t <= cur && !(s->cmos[REG_C] & C_AF);
                     t++) {
                    s->cmos[REG_C] |= rtc_alarm_matches(s, t) ? C_AF : 0;
                }
            } else {
                for (int64_t t = s->last_update_sec + 1; t <= cur && !(s->cmos[REG_C] & C_AF);
                     t++) {
                    s->cmos[REG_C] |= rtc_alarm_matches(s, t) ? C_AF : 0;
                }
            }
            s->last_update_sec = cur;
        }
    }
    if (rtc_divider_running(s)) {
        int64_t cycles = rtc_period_cycles(s);

        if (cycles) {
            int64_t idx = rtc_period_index(s, g, cycles);

            if (idx > s->last_period) {
                s->cmos[REG_C] |= C_PF;
            }
            s->last_period = idx;
        }
    }
}

static void rtc_update_irq(RTCState *s)
{
    uint8_t level = (s->cmos[REG_C] & s->cmos[REG_B] & (C_PF | C_AF | C_UF)) != 0;

    if (level) {
        s->cmos[REG_C] |= C_IRQF;
    }
    if (level != s->irq_level) {
        s->irq_level = level;
        qemu_set_irq(s->irq, level);
    }
}

/* Restart the accounting from now (no flags for the time before). */
static void rtc_sync_accounting(RTCState *s, int64_t now)
{
    int64_t g = rtc_guest_ns(s, now);
    int64_t cycles = rtc_period_cycles(s);

    s->last_update_sec = floor_div(g, NS_PER_SEC);
    s->last_period = cycles ? rtc_period_index(s, g, cycles) : 0;
}

static void rtc_arm_timers(RTCState *s, int64_t now)
{
    int64_t g = rtc_guest_ns(s, now);
    int64_t cycles = rtc_period_cycles(s);

    if ((s->cmos[REG_B] & B_PIE) && cycles && rtc_divider_running(s)) {
        int64_t next_cyc = (rtc_period_index(s, g, cycles) + 1) * cycles;
        int64_t next_g = (int64_t)(((__int128)next_cyc * NS_PER_SEC + RTC_HZ - 1) / RTC_HZ);

        timer_mod_ns(s->periodic_timer, next_g - s->offset_ns);
    } else {
        timer_del(s->periodic_timer);
    }
    if ((s->cmos[REG_B] & (B_UIE | B_AIE)) && rtc_running(s)) {
        int64_t next_g = (floor_div(g, NS_PER_SEC) + 1) * NS_PER_SEC;

        timer_mod_ns(s->update_timer, next_g - s->offset_ns);
    } else {
        timer_del(s->update_timer);
    }
}

static void rtc_timer_cb(void *opaque)
{
    RTCState *s = opaque;
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    rtc_account(s, now);
    rtc_update_irq(s);
    rtc_arm_timers(s, now);
}

/* ---- register access ---- */

/* Set the clock to the time in the registers, keeping the sub-second
 * phase (frac_ns) of the divider. */
static void rtc_set_from_regs(RTCState *s, int64_t now, int64_t frac_ns)
{
    s->offset_ns = rtc_parse(s) * NS_PER_SEC + frac_ns - now;
}

static void rtc_write_a(RTCState *s, uint8_t val, int64_t now)
{
    bool was_reset = !rtc_divider_running(s);
    bool was_running = rtc_running(s);

    rtc_account(s, now);
    if (was_running) {
        rtc_render(s, floor_div(rtc_guest_ns(s, now), NS_PER_SEC));
    }
    s->cmos[REG_A] = (s->cmos[REG_A] & A_UIP) | (val & ~A_UIP);
    if (was_reset && rtc_divider_running(s)) {
        /* released from reset: the first update comes 500 ms later */
        if (!(s->cmos[REG_B] & B_SET)) {
            rtc_set_from_regs(s, now, NS_PER_SEC / 2);
        } else {
            s->offset_ns =
                floor_div(rtc_guest_ns(s, now), NS_PER_SEC) * NS_PER_SEC + NS_PER_SEC / 2 - now;
        }
    }
    rtc_sync_accounting(s, now);
}

static void rtc_write_b(RTCState *s, uint8_t val, int64_t now)
{
    bool was_running = rtc_running(s);

    rtc_account(s, now);
    if (was_running) {
        /* hold the time in the registers in the old format */
        rtc_render(s, floor_div(rtc_guest_ns(s, now), NS_PER_SEC));
    }
    if (val & B_SET) {
        /* SET stops updates and, per the datasheet, clears UIE */
        val &= ~B_UIE;
    }
    if (!was_running && (s->cmos[REG_B] & B_SET) && !(val & B_SET) && rtc_divider_running(s)) {
        /* SET released: the clock restarts from the registers, the
         * divider having kept its phase */
        int64_t frac = floor_mod(rtc_guest_ns(s, now), NS_PER_SEC);

        rtc_set_from_regs(s, now, frac);
    }
    s->cmos[REG_B] = val;
    rtc_sync_accounting(s, now);
}

/* A time, alarm or calendar register. */
static void rtc_write_time(RTCState *s, uint8_t reg, uint8_t val, int64_t now)
{
    if (rtc_running(s)) {
        int64_t g = rtc_guest_ns(s, now);

        rtc_account(s, now);
        rtc_render(s, floor_div(g, NS_PER_SEC));
        s->cmos[reg] = val;
        rtc_set_from_regs(s, now, floor_mod(g, NS_PER_SEC));
        rtc_sync_accounting(s, now);
    } else {
        s->cmos[reg] = val;
    }
}

static void rtc_write_reg(RTCState *s, uint8_t reg, uint8_t val)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    switch (reg) {
    case REG_SEC_ALARM:
    case REG_MIN_ALARM:
    case REG_HOUR_ALARM:
        rtc_account(s, now);
        s->cmos[reg] = val;
        break;
    case REG_SEC:
    case REG_MIN:
    case REG_HOUR:
    case REG_DOW:
    case REG_DOM:
    case REG_MONTH:
    case REG_YEAR:
    case RTC_REG_CENTURY:
        rtc_write_time(s, reg, val, now);
        break;
    case REG_A:
        rtc_write_a(s, val, now);
        break;
    case REG_B:
        rtc_write_b(s, val, now);
        break;
    case REG_C:
    case REG_D:
        log_mask_printf(LOG_GUEST_ERROR, "mc146818rtc: write %#x to read-only register %c\n", val,
                        'A' + reg - REG_A);
        return;
    default:
        s->cmos[reg] = val;
        return;
    }
    rtc_update_irq(s);
    rtc_arm_timers(s, now);
}

static uint8_t rtc_read_reg(RTCState *s, uint8_t reg)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    int64_t g = rtc_guest_ns(s, now);
    uint8_t v;

    switch (reg) {
    case REG_SEC:
    case REG_MIN:
    case REG_HOUR:
    case REG_DOW:
    case REG_DOM:
    case REG_MONTH:
    case REG_YEAR:
    case RTC_REG_CENTURY:
        if (rtc_running(s)) {
            rtc_render(s, floor_div(g, NS_PER_SEC));
        }
        return s->cmos[reg];
    case REG_A: {
        int64_t frac = floor_mod(g, NS_PER_SEC);
        bool uip = rtc_running(s) && (frac >= NS_PER_SEC - UIP_BEFORE_NS || frac < UPDATE_CYCLE_NS);

        return (s->cmos[REG_A] & ~A_UIP) | (uip ? A_UIP : 0);
    }
    case REG_C:
        rtc_account(s, now);
        rtc_update_irq(s);
        v = s->cmos[REG_C];
        s->cmos[REG_C] = 0;
        rtc_update_irq(s);
        return v;
    case REG_D:
        return D_VRT;
    default:
        return s->cmos[reg];
    }
}

static void rtc_io_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    RTCState *s = opaque;

    if (addr == 0) {
        s->index = data & 0x7f;
        s->nmi_disabled = (data >> 7) & 1;
    } else {
        rtc_write_reg(s, s->index, data);
    }
}

static uint64_t rtc_io_read(void *opaque, hwaddr addr, unsigned size)
{
    RTCState *s = opaque;

    if (addr == 0) {
        /* the index register is write-only */
        return 0xff;
    }
    return rtc_read_reg(s, s->index);
}

static const MemoryRegionOps rtc_io_ops = {
    .read = rtc_io_read,
    .write = rtc_io_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- machine API ---- */

void rtc_set_memory(DeviceState *dev, int addr, int val)
{
    RTCState *s = MC146818_RTC(dev);

    if (addr < 0 || addr > 127) {
        return;
    }
    if (addr < 0x0e || addr == RTC_REG_CENTURY) {
        rtc_write_reg(s, addr, val);
    } else {
        s->cmos[addr] = val;
    }
}

int rtc_get_memory(DeviceState *dev, int addr)
{
    RTCState *s = MC146818_RTC(dev);

    if (addr < 0 || addr > 127) {
        return 0xff;
    }
    /* a read of C from the machine must not clear it */
    return addr == REG_C ? s->cmos[REG_C] : rtc_read_reg(s, addr);
}

bool rtc_nmi_disabled(DeviceState *dev)
{
    return MC146818_RTC(dev)->nmi_disabled;
}

/* ---- device ---- */

/* The wall-clock second to start from, per the "base" property. */
static bool rtc_base_time(RTCState *s, int64_t *secs, Error **errp)
{
    int64_t host_ns = qemu_clock_get_ns(QEMU_CLOCK_HOST);
    const char *base = s->base ? s->base : "utc";
    struct tm tm = { 0 };
    char *end;

    if (!strcmp(base, "utc")) {
        *secs = floor_div(host_ns, NS_PER_SEC);
        return true;
    }
    if (!strcmp(base, "localtime")) {
        time_t t = floor_div(host_ns, NS_PER_SEC);
        struct tm lt;

        if (!localtime_r(&t, &lt)) {
            error_setg(errp, "mc146818rtc: cannot get the local time");
            return false;
        }
        *secs = t + lt.tm_gmtoff;
        return true;
    }
    end = strptime(base, "%Y-%m-%d", &tm);
    if (end && *end == 'T') {
        end = strptime(end + 1, "%H:%M:%S", &tm);
    }
    if (!end || *end) {
        error_setg(errp,
                   "mc146818rtc: invalid base '%s' (utc, localtime, "
                   "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS)",
                   base);
        return false;
    }
    *secs = timegm(&tm);
    return true;
}

static bool rtc_realize(DeviceState *dev, Error **errp)
{
    RTCState *s = MC146818_RTC(dev);
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    int64_t secs;

    if (s->iobase > 0xfffe || s->isairq >= ISA_NUM_IRQS) {
        error_setg(errp, "mc146818rtc: iobase %#x or irq %u out of range", s->iobase, s->isairq);
        return false;
    }
    if (!rtc_base_time(s, &secs, errp)) {
        return false;
    }
    /* power-on register values as PC firmware finds them: 32.768 kHz
     * divider, 1024 Hz rate, BCD, 24-hour */
    s->cmos[REG_A] = 0x26;
    s->cmos[REG_B] = B_24H;
    s->cmos[REG_C] = 0;
    s->cmos[REG_D] = D_VRT;
    s->offset_ns = secs * NS_PER_SEC - now;
    rtc_render(s, secs);
    rtc_sync_accounting(s, now);

    s->irq = isa_get_irq(&s->parent, s->isairq);
    s->periodic_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, rtc_timer_cb, s);
    s->update_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, rtc_timer_cb, s);
    memory_region_init_io(&s->io, s, &rtc_io_ops, s, "rtc", 2);
    isa_register_ioport(&s->parent, &s->io, s->iobase);
    return true;
}

static void rtc_unrealize(DeviceState *dev)
{
    RTCState *s = MC146818_RTC(dev);

    isa_unregister_ioports(&s->parent);
    memory_region_finalize(&s->io);
    timer_free(s->periodic_timer);
    timer_free(s->update_timer);
    s->periodic_timer = s->update_timer = NULL;
}

static void rtc_reset(DeviceState *dev)
{
    RTCState *s = MC146818_RTC(dev);
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    /* The RESET pin clears the interrupt enables and flags and the square
     * wave enable; time and RAM are battery-backed and survive. */
    rtc_account(s, now);
    s->cmos[REG_B] &= ~(B_PIE | B_AIE | B_UIE | B_SQWE);
    s->cmos[REG_C] = 0;
    rtc_update_irq(s);
    rtc_arm_timers(s, now);
}

static int rtc_post_load(void *opaque, int version_id)
{
    RTCState *s = opaque;

    s->index &= 0x7f;
    qemu_set_irq(s->irq, s->irq_level);
    return 0;
}

static const VMStateField rtc_fields[] = {
    VMSTATE_BUFFER(cmos, RTCState),
    VMSTATE_UINT8(index, RTCState),
    VMSTATE_UINT8(nmi_disabled, RTCState),
    VMSTATE_UINT8(irq_level, RTCState),
    VMSTATE_INT64(offset_ns, RTCState),
    VMSTATE_INT64(last_update_sec, RTCState),
    VMSTATE_INT64(last_period, RTCState),
    VMSTATE_TIMER_PTR(periodic_timer, RTCState),
    VMSTATE_TIMER_PTR(update_timer, RTCState),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_rtc = {
    .name = "mc146818rtc",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = rtc_fields,
    .post_load = rtc_post_load,
};

static const Property rtc_props[] = {
    DEFINE_PROP_UINT32("iobase", RTCState, iobase, 0x70),
    DEFINE_PROP_UINT32("irq", RTCState, isairq, RTC_ISA_IRQ),
    DEFINE_PROP_STRING_DEFAULT("base", RTCState, base, "utc"),
    DEFINE_PROP_END_OF_LIST(),
};

static const DeviceTypeInfo rtc_info = {
    .name = TYPE_MC146818_RTC,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(RTCState),
    .desc = "MC146818 real-time clock and CMOS RAM",
    .props = rtc_props,
    .vmsd = &vmstate_rtc,
    .realize = rtc_realize,
    .unrealize = rtc_unrealize,
    .reset = rtc_reset,
};
DEVICE_TYPE(rtc_info)

ISADevice *mc146818_rtc_create(ISABus *bus, const char *base)
{
    ISADevice *dev = isa_new(TYPE_MC146818_RTC, &error_abort);

    if (base) {
        qdev_prop_set_string(DEVICE(dev), "base", base);
    }
    isa_realize(dev, bus, &error_abort);
    return dev;
}
