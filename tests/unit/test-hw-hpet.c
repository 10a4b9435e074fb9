/*
 * The HPET through its MMIO registers on the qtest virtual clock:
 * capabilities, the main counter rate (100 MHz) and halting, one-shot and
 * periodic timers (edge) also when run late, a level timer with its status bit, legacy
 * replacement routing (timer 0 -> GSI 2, timer 1 -> GSI 8), 32-bit mode
 * wrap-around, and a vmstate round trip that keeps a periodic timer's
 * phase. The 24 irq outputs are recorded (level and rising edges).
 */
#include "hw/core/sysbus.h"
#include "hw/timer/hpet.h"
#include "isa-test.h"
#include "tap.h"

#define HPET_BASE HPET_DEFAULT_ADDRESS

static DeviceState *hpet;
static int line_level[HPET_NUM_IRQS], line_raises[HPET_NUM_IRQS];
static int legacy_level;
static qemu_irq *lines;

static void line_handler(void *opaque, int n, int level)
{
    if (level && !line_level[n]) {
        line_raises[n]++;
    }
    line_level[n] = level;
}

static void legacy_handler(void *opaque, int n, int level)
{
    legacy_level = level;
}

static uint64_t rd(hwaddr r)
{
    return address_space_ldq(&address_space_memory, HPET_BASE + r, MEMTXATTRS_UNSPECIFIED, NULL);
}

static uint32_t rd32(hwaddr r)
{
    return address_space_ldl(&address_space_memory, HPET_BASE + r, MEMTXATTRS_UNSPECIFIED, NULL);
}

static void wr(hwaddr r, uint64_t v)
{
    address_space_stq(&address_space_memory, HPET_BASE + r, v, MEMTXATTRS_UNSPECIFIED, NULL);
}

static void wr32(hwaddr r, uint32_t v)
{
    address_space_stl(&address_space_memory, HPET_BASE + r, v, MEMTXATTRS_UNSPECIFIED, NULL);
}

#define TCONF(n) (0x100 + 0x20 * (n))
#define TCMP(n) (0x108 + 0x20 * (n))

static void test_caps(void)
{
    uint64_t cap = rd(0);

    tap_ok((cap & 0xff) == 1, "revision 1");
    tap_ok(((cap >> 8) & 0x1f) == 2, "3 timers");
    tap_ok((cap >> 13) & 1, "64-bit counter");
    tap_ok((cap >> 15) & 1, "legacy replacement capable");
    tap_ok(((cap >> 16) & 0xffff) == 0x8086, "vendor 0x8086");
    tap_ok((cap >> 32) == 10000000, "period 10 ns (%llu fs)", (unsigned long long)(cap >> 32));
    tap_ok(rd32(4) == 10000000, "32-bit read of the period");
    tap_ok((rd(TCONF(0)) >> 32) == HPET_ROUTE_CAP && (rd(TCONF(0)) & 0x30) == 0x30,
           "timer 0: route capability, periodic and 64-bit capable");
    tap_ok(rd(TCMP(1)) == ~0ULL, "comparators reset to all ones");
}

static void test_counter(void)
{
    uint64_t c;

    clock_step(1000);
    tap_ok(rd(0xf0) == 0, "counter halted at reset");
    wr(0x10, 1);
    clock_step(1000000);
    c = rd(0xf0);
    tap_ok(c == 100000, "1 ms = 100000 ticks (%llu)", (unsigned long long)c);
    wr(0x10, 0);
    clock_step(5000);
    tap_ok(rd(0xf0) == c, "halted counter stands still");
    wr(0xf0, 0x123456789ULL);
    tap_ok(rd(0xf0) == 0x123456789ULL, "counter written while halted");
    tap_ok(rd32(0xf4) == 1 && rd32(0xf0) == 0x23456789, "32-bit halves");
    wr(0xf0, 0);
    wr(0x10, 1);
}

static void test_oneshot(void)
{
    int r = line_raises[20];

    wr(TCONF(0), (20 << 9) | 0x4); /* edge, enabled, GSI 20 */
    wr(TCMP(0), rd(0xf0) + 1000);  /* 10 us */
    clock_step(9999);
    tap_ok(line_raises[20] == r, "one-shot: not before the comparator");
    clock_step(1);
    tap_ok(line_raises[20] == r + 1 && !line_level[20], "one-shot: one edge on GSI 20");
    clock_step(100000);
    tap_ok(line_raises[20] == r + 1, "one-shot: no repeat");
    wr(TCONF(0), 0);
}

static void test_periodic(void)
{
    int r = line_raises[21];
    uint64_t now = rd(0xf0);

    wr(TCONF(0), (21 << 9) | 0x4c); /* periodic, VAL_SET, enabled, GSI 21 */
    wr32(TCMP(0), (uint32_t)(now + 500));
    wr32(TCMP(0), 500); /* period 5 us */
    tap_ok(!(rd(TCONF(0)) & 0x40), "VAL_SET consumed by the comparator write");
    clock_step(50000);
    tap_ok(line_raises[21] - r == 10, "periodic: 10 interrupts in 50 us at 5 us (%d)",
           line_raises[21] - r);
    tap_ok(rd(TCMP(0)) == now + 500 * 11, "comparator advanced by the period");
    wr(TCONF(0), 0);
    clock_step(50000);
    tap_ok(line_raises[21] - r == 10, "disabled timer is quiet");
}

/* The host runs the timer late (the clock moves on with no timer run):
 * the missed periods still arrive, one by one, and the phase is kept;
 * too far behind, they are skipped. Period 1 ms from t0. */
static void test_periodic_late(void)
{
    int r = line_raises[21];
    uint64_t t0 = rd(0xf0);
    int64_t ns0 = clock_now();

    wr(TCONF(0), (21 << 9) | 0x4c); /* periodic, VAL_SET, enabled, GSI 21 */
    wr(TCMP(0), t0 + 100000);
    wr(TCMP(0), 100000);
    clock_step(1000000);
    tap_ok(line_raises[21] - r == 1, "late periodic: the first period on time");
    tap_ok(vm_clock_set_ns(clock_now() + 10500000), "the host stalls 10.5 periods");
    clock_step(ns0 + 20000001 - clock_now());
    tap_ok(line_raises[21] - r == 20,
           "late periodic: all 20 periods of 20 ms arrive, the missed ones spaced (%d)",
           line_raises[21] - r);
    tap_ok(rd(TCMP(0)) == t0 + 100000 * 21, "... and the timer keeps its phase");

    r = line_raises[21];
    vm_clock_set_ns(clock_now() + 100500000); /* 100.5 periods: too far */
    clock_step(1000000);
    tap_ok(line_raises[21] - r <= 2, "a stall of 100 periods skips them (%d interrupts)",
           line_raises[21] - r);
    tap_ok((rd(TCMP(0)) - t0) % 100000 == 0 && rd(TCMP(0)) > rd(0xf0),
           "... the next match on the period grid, after now");
    wr(TCONF(0), 0);
}

static void test_level(void)
{
    wr(TCONF(1), (22 << 9) | 0x6); /* level, enabled, GSI 22 */
    wr(TCMP(1), rd(0xf0) + 100);
    clock_step(1000);
    tap_ok(line_level[22] && (rd(0x20) & 2), "level timer: line high, status bit 1");
    wr(0x20, 1);
    tap_ok(line_level[22], "clearing another status bit changes nothing");
    wr(0x20, 2);
    tap_ok(!line_level[22] && !(rd(0x20) & 2), "write 1 clears status and lowers the line");
    wr(TCONF(1), 0);
}

static void test_legacy(void)
{
    int r2 = line_raises[2], r8 = line_raises[8], r23 = line_raises[23];

    wr(TCONF(0), (23 << 9) | 0x4c);
    wr(TCMP(0), rd(0xf0) + 1000);
    wr(TCMP(0), 1000);
    wr(TCONF(1), (23 << 9) | 0x4);
    wr(TCMP(1), rd(0xf0) + 1500);
    wr(0x10, 3);
    tap_ok(legacy_level, "legacy replacement signalled to the board");
    clock_step(30000);
    tap_ok(line_raises[2] - r2 == 3, "legacy: timer 0 drives GSI 2 (%d)", line_raises[2] - r2);
    tap_ok(line_raises[8] - r8 == 1, "legacy: timer 1 drives GSI 8");
    tap_ok(line_raises[23] == r23, "legacy: the route field is ignored");
    wr(0x10, 1);
    tap_ok(!legacy_level, "legacy replacement off");
    clock_step(10000);
    tap_ok(line_raises[23] - r23 == 1 && line_raises[2] - r2 == 3, "back on the routed GSI 23");
    wr(TCONF(0), 0);
    wr(TCONF(1), 0);
}

static void test_32bit(void)
{
    int r = line_raises[20];

    wr(0x10, 0);
    wr(0xf0, 0xffffff00ULL);
    wr(TCONF(2), (20 << 9) | 0x104); /* 32-bit mode */
    wr(TCMP(2), 0x10);
    tap_ok(rd(TCMP(2)) == 0x10, "32-bit comparator");
    wr(0x10, 1);
    clock_step(0x10f * 10);
    tap_ok(line_raises[20] == r, "32-bit: not before the wrap");
    clock_step(10);
    tap_ok(line_raises[20] == r + 1, "32-bit: fires after the low half wraps (0x110 ticks)");
    wr(TCONF(2), 0);
}

static void test_vmstate(void)
{
    VMStateBuffer buf;
    int r = line_raises[21];

    wr(TCONF(0), (21 << 9) | 0x4c);
    wr(TCMP(0), rd(0xf0) + 1000);
    wr(TCMP(0), 1000);
    clock_step(25000); /* 2 interrupts, 5 us into the next period */
    tap_ok(isa_test_save(hpet, &buf), "vmstate: saved");
    device_cold_reset(hpet);
    tap_ok(rd(0x10) == 0 && rd(TCONF(0)) == (0x30 | (uint64_t)HPET_ROUTE_CAP << 32), "vmstate: reset");
    tap_ok(isa_test_load(hpet, &buf), "vmstate: loaded");
    clock_step(4999);
    tap_ok(line_raises[21] - r == 2, "vmstate: phase kept (not yet)");
    clock_step(1);
    tap_ok(line_raises[21] - r == 3, "vmstate: next interrupt on time");
    free(buf.data);
}

int main(void)
{

    isa_test_init(false);
    lines = qemu_allocate_irqs(line_handler, NULL, HPET_NUM_IRQS);
    hpet = hpet_create(HPET_BASE, lines);
    qdev_connect_gpio_out_named(hpet, HPET_GPIO_LEGACY, 0, qemu_allocate_irq(legacy_handler, NULL, 0));
    device_cold_reset(hpet);

    test_caps();
    test_counter();
    test_oneshot();
    test_periodic();
    test_periodic_late();
    test_level();
    test_legacy();
    test_32bit();
    test_vmstate();
    /* the HPET is never touched again: its lines may go */
    qemu_free_irqs(lines, HPET_NUM_IRQS);
    isa_test_finish();
    return tap_done();
}
