/*
 * The 8254 PIT through its ports on the qtest virtual clock: IRQ 0 periods
 * in modes 2 and 3, mode 0 terminal count, the counter latch and read-back
 * commands, LSB/MSB/word access, BCD counting, one-shot and strobe modes
 * on channel 2 through port 0x61 (gate, OUT in bit 5, refresh toggle in
 * bit 4), gate pausing, and a vmstate round trip that keeps IRQ 0's phase.
 *
 * Expected values follow from the datasheet: the counter runs at
 * 1.193182 MHz, so k clocks take k / 1.193182 us.
 */
#include "hw/timer/i8254.h"
#include "isa-test.h"
#include "tap.h"

static DeviceState *pit;

/* the DRAM refresh request period behind port 0x61 bit 4 */
#define REFRESH_STEP_NS 15085

/* virtual ns for exactly k PIT clocks */
static int64_t ticks_ns(int64_t k)
{
    return (k * NANOSECONDS_PER_SECOND + PIT_FREQ - 1) / PIT_FREQ;
}

/*
 * Time is measured in PIT clocks from a mark: the virtual time of the
 * last count write (counters load on the write), so that "k clocks
 * later" is exact whatever the rounding of clocks to nanoseconds.
 */
static int64_t mark_ns, mark_ticks;

static void align_clock(void)
{
    mark_ns = clock_now();
    mark_ticks = 0;
}

static void step_ticks(int64_t k)
{
    mark_ticks += k;
    qemu_clock_set_virtual(mark_ns + ticks_ns(mark_ticks));
}

static uint16_t read_word(uint16_t port)
{
    uint8_t lo = inb(port);

    return lo | inb(port) << 8;
}

static void test_mode2_period(void)
{
    int edges;

    align_clock();
    outb(0x43, 0x34); /* ch0, word, mode 2 */
    outb(0x40, 1193 & 0xff);
    outb(0x40, 1193 >> 8);
    edges = isa_test_irq_raises[0];
    tap_ok(isa_test_irq_level[0] == 1, "mode 2: OUT (IRQ0) high after loading");
    step_ticks(1193 * 100 + 10);
    tap_ok(isa_test_irq_raises[0] - edges == 100, "mode 2: 100 IRQ0 edges in 100 periods (got %d)",
           isa_test_irq_raises[0] - edges);
    step_ticks(1193 - 10 - 2);
    tap_ok(isa_test_irq_level[0] == 1, "mode 2: OUT high before the count reaches 1");
    step_ticks(1);
    tap_ok(isa_test_irq_level[0] == 0, "mode 2: OUT low for the clock at count 1");
    step_ticks(1);
    tap_ok(isa_test_irq_level[0] == 1, "mode 2: OUT high again after reload");
}

/* The host runs IRQ 0's timer late (the clock moves on with no timer
 * run): the missed edges come one at a time, spaced, not in one burst
 * the interrupt controller would merge; none is lost. */
static void test_mode2_late(void)
{
    int edges;

    align_clock();
    outb(0x43, 0x34); /* ch0, word, mode 2, period 1193 ticks (1 ms) */
    outb(0x40, 1193 & 0xff);
    outb(0x40, 1193 >> 8);
    edges = isa_test_irq_raises[0];
    step_ticks(1193 + 10);
    tap_ok(isa_test_irq_raises[0] - edges == 1, "late mode 2: the first edge on time");
    tap_ok(vm_clock_set_ns(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + 10500000),
           "the host stalls 10.5 periods");
    qemu_clock_advance_virtual(60000); /* the late OUT low, 50 us later high */
    tap_ok(isa_test_irq_raises[0] - edges == 2,
           "late mode 2: one missed edge at a time, not a burst (%d in 60 us)",
           isa_test_irq_raises[0] - edges);
    qemu_clock_advance_virtual(20000000);
    /* 1 + 10.5 + 20 ms at 1193 ticks a period: 31 periods elapsed */
    tap_ok(isa_test_irq_raises[0] - edges == 31, "late mode 2: none lost (%d edges in 31 periods)",
           isa_test_irq_raises[0] - edges);
    outb(0x43, 0x30); /* ch0 mode 0: no more periodic edges */
}

static void test_mode3_period(void)
{
    int edges;
    const int n = 11932; /* ~100 Hz */

    align_clock();
    outb(0x43, 0x36);
    outb(0x40, n & 0xff);
    outb(0x40, n >> 8);
    edges = isa_test_irq_raises[0];
    step_ticks(n / 2 - 1);
    tap_ok(isa_test_irq_level[0] == 1, "mode 3: OUT high during the first half");
    step_ticks(2);
    tap_ok(isa_test_irq_level[0] == 0, "mode 3: OUT low during the second half");
    step_ticks((int64_t)n * 50 - n / 2 - 1 + 5);
    tap_ok(isa_test_irq_raises[0] - edges == 50, "mode 3: 50 square-wave periods (got %d)",
           isa_test_irq_raises[0] - edges);
}

static void test_mode0(void)
{
    align_clock();
    outb(0x43, 0x30); /* ch0, word, mode 0 */
    tap_ok(isa_test_irq_level[0] == 0, "mode 0: control word sets OUT low");
    outb(0x40, 1000 & 0xff);
    outb(0x40, 1000 >> 8);
    step_ticks(999);
    tap_ok(isa_test_irq_level[0] == 0, "mode 0: OUT low before terminal count");
    step_ticks(1);
    tap_ok(isa_test_irq_level[0] == 1, "mode 0: OUT high at terminal count");
    step_ticks(70000);
    tap_ok(isa_test_irq_level[0] == 1, "mode 0: OUT stays high after wrap");
    outb(0x43, 0x00); /* latch ch0 */
    tap_ok(read_word(0x40) == (uint16_t)(1000 - 71000), "mode 0: counter keeps counting (wraps)");
}

static void test_latch_readback(void)
{
    uint8_t st;

    align_clock();
    outb(0x43, 0x34);
    outb(0x40, 0x00);
    outb(0x40, 0x10); /* 4096 */
    step_ticks(100);
    outb(0x43, 0x00); /* counter latch */
    step_ticks(50);
    tap_ok(read_word(0x40) == 4096 - 100, "latch holds the count at the latch command");
    tap_ok(read_word(0x40) == 4096 - 150, "after reading, the live count again");
    outb(0x43, 0xc2); /* read-back count and status of ch0 */
    st = inb(0x40);
    tap_ok((st & 0x3f) == 0x34 && (st & 0x80) && !(st & 0x40),
           "read-back status: OUT high, count loaded, word, mode 2, binary (%#x)", st);
    tap_ok(read_word(0x40) == 4096 - 150, "read-back count follows the status");
    outb(0x43, 0x34);
    outb(0x43, 0xe2); /* status only */
    st = inb(0x40);
    tap_ok(st & 0x40, "NULL COUNT set after a control word (%#x)", st);
    align_clock();
    outb(0x40, 0x00);
    outb(0x40, 0x10);
    step_ticks(2);
    outb(0x43, 0xe2);
    tap_ok(!(inb(0x40) & 0x40), "NULL COUNT clear once the count is loaded");
}

static void test_access_modes(void)
{
    align_clock();
    outb(0x43, 0x50); /* ch1, LSB only, mode 0 */
    outb(0x41, 0x80);
    step_ticks(0x10);
    tap_ok(inb(0x41) == 0x70, "LSB-only access");
    align_clock();
    outb(0x43, 0x60); /* ch1, MSB only, mode 0 */
    outb(0x41, 0x02); /* 0x200 */
    step_ticks(0x100);
    tap_ok(inb(0x41) == 0x01, "MSB-only access");
    align_clock();
    outb(0x43, 0x71); /* ch1, word, mode 0, BCD */
    outb(0x41, 0x00);
    outb(0x41, 0x01); /* BCD 100 */
    step_ticks(30);
    tap_ok(read_word(0x41) == 0x0070, "BCD counting: 100 - 30 reads 0x0070");
    step_ticks(100);
    tap_ok(read_word(0x41) == 0x9970, "BCD wraps at 10000: reads 0x9970");
}

static void test_channel2_port61(void)
{
    uint8_t v, w;
    int toggles = 0;

    outb(0x61, 0x00);
    align_clock();
    outb(0x43, 0xb0); /* ch2, word, mode 0 */
    outb(0x42, 100);
    outb(0x42, 0);
    step_ticks(200);
    tap_ok(!(inb(0x61) & 0x20), "gate low: channel 2 holds (OUT low)");
    align_clock();
    outb(0x61, 0x01);
    step_ticks(99);
    tap_ok(!(inb(0x61) & 0x20), "gate high: counting, OUT still low");
    step_ticks(1);
    tap_ok(inb(0x61) & 0x20, "OUT2 in port 0x61 bit 5 at terminal count");
    tap_ok((inb(0x61) & 0x0f) == 0x01, "port 0x61 bits 0-3 read back");
    v = inb(0x61) & 0x10;
    for (int i = 0; i < 8; i++) {
        clock_step(REFRESH_STEP_NS);
        w = inb(0x61) & 0x10;
        toggles += v != w;
        v = w;
    }
    tap_ok(toggles == 8, "refresh bit toggles every 15.085 us (%d/8)", toggles);

    /* gate pauses mode 0 */
    outb(0x61, 0x01);
    align_clock();
    outb(0x43, 0xb0);
    outb(0x42, 0xe8);
    outb(0x42, 0x03); /* 1000 */
    step_ticks(500);
    outb(0x61, 0x00);
    step_ticks(5000);
    align_clock();
    outb(0x61, 0x01);
    step_ticks(499);
    tap_ok(!(inb(0x61) & 0x20), "mode 0 paused by the gate: not done after 999 counted clocks");
    step_ticks(1);
    tap_ok(inb(0x61) & 0x20, "mode 0 done after 1000 counted clocks");

    /* mode 1: hardware one-shot, triggered by the gate's rising edge */
    outb(0x61, 0x00);
    align_clock();
    outb(0x43, 0xb2);
    outb(0x42, 50);
    outb(0x42, 0);
    step_ticks(100);
    tap_ok(inb(0x61) & 0x20, "mode 1: OUT high until triggered");
    align_clock();
    outb(0x61, 0x01);
    step_ticks(1);
    tap_ok(!(inb(0x61) & 0x20), "mode 1: trigger drives OUT low");
    step_ticks(48);
    outb(0x61, 0x00);
    align_clock();
    outb(0x61, 0x01); /* retrigger restarts the count */
    step_ticks(49);
    tap_ok(!(inb(0x61) & 0x20), "mode 1: retrigger extends the pulse");
    step_ticks(1);
    tap_ok(inb(0x61) & 0x20, "mode 1: OUT high after the count");

    /* mode 4: software strobe, one clock low at terminal count */
    align_clock();
    outb(0x43, 0xb8);
    outb(0x42, 20);
    outb(0x42, 0);
    step_ticks(19);
    tap_ok(inb(0x61) & 0x20, "mode 4: OUT high before terminal count");
    step_ticks(1);
    tap_ok(!(inb(0x61) & 0x20), "mode 4: OUT low for the strobe");
    step_ticks(1);
    tap_ok(inb(0x61) & 0x20, "mode 4: OUT high after one clock");
}

static void test_vmstate(void)
{
    VMStateBuffer buf;
    int edges;
    uint16_t v;

    align_clock();
    outb(0x43, 0x34);
    outb(0x40, 0x00);
    outb(0x40, 0x10); /* 4096 */
    outb(0x61, 0x01);
    outb(0x43, 0xb0); /* ch2: mode 0, 3000 */
    outb(0x42, 3000 & 0xff);
    outb(0x42, 3000 >> 8);
    step_ticks(1000);
    outb(0x43, 0x80); /* latch ch2: a latched count is part of the state */
    tap_ok(isa_test_save(pit, &buf), "vmstate: saved");
    qdev_reset_all_devices();
    tap_ok(isa_test_irq_level[0] == 0 && inb(0x40) == 0, "vmstate: reset unprogrammed ch0");
    tap_ok(isa_test_load(pit, &buf), "vmstate: loaded");
    tap_ok(isa_test_irq_level[0] == 1, "vmstate: IRQ0 level re-driven");
    edges = isa_test_irq_raises[0];
    step_ticks(4096 * 3);
    tap_ok(isa_test_irq_raises[0] - edges == 3, "vmstate: IRQ0 keeps its period (%d edges)",
           isa_test_irq_raises[0] - edges);
    outb(0x43, 0x00);
    v = read_word(0x40);
    tap_ok(v == 4096 - 1000, "vmstate: ch0 count keeps its phase (%u)", v);
    tap_ok(read_word(0x42) == 2000, "vmstate: the latched ch2 count survives");
    vmstate_buffer_free(&buf);
}

int main(void)
{
    isa_test_init(true);
    pit = DEVICE(i8254_create(isa_test_bus));
    qdev_reset_all_devices();

    test_mode2_period();
    test_mode2_late();
    test_mode3_period();
    test_mode0();
    test_latch_readback();
    test_access_modes();
    test_channel2_port61();
    test_vmstate();

    isa_test_finish();
    return tap_done();
}
