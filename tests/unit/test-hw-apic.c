/*
 * Two local APICs through the xAPIC page (the accessing CPU chosen as the
 * CPU would be), the x2APIC MSRs and the CPU-side API: reset values,
 * acceptance and priority (TPR/PPR, nesting, EOI), the timer in one-shot,
 * periodic and TSC-deadline modes on the qtest virtual clock, IPIs between
 * the two (fixed, logical flat/cluster, lowest priority, NMI, INIT/SIPI
 * seen as CPU interrupt bits), level-triggered EOI broadcast, ESR, LINT0
 * virtual wire mode, and a vmstate round trip.
 *
 * The APIC bus runs at 1 GHz: one count lasts "divide" ns.
 */
#include <string.h>

#include "hw/intc/apic.h"
#include "isa-test.h"
#include "tap.h"

#define BASE APIC_DEFAULT_ADDRESS
#define TSC_HZ 3000000000ULL

static CPUState cpus[2];
static DeviceState *apics[2];
static int cur = 0; /* the CPU making MMIO accesses */
static int eoi_vector = -1, eoi_count;

static CPUState *test_current_cpu(void)
{
    return &cpus[cur];
}

static uint64_t test_read_tsc(CPUState *cs)
{
    return (uint64_t)clock_now() * 3; /* 3 GHz */
}

static void test_eoi(void *opaque, int vector)
{
    eoi_vector = vector;
    eoi_count++;
}

static uint32_t rd(int cpu, unsigned reg)
{
    cur = cpu;
    return address_space_ldl(&address_space_memory, BASE + reg, MEMTXATTRS_UNSPECIFIED, NULL);
}

static void wr(int cpu, unsigned reg, uint32_t v)
{
    cur = cpu;
    address_space_stl(&address_space_memory, BASE + reg, v, MEMTXATTRS_UNSPECIFIED, NULL);
}

static bool hard(int cpu)
{
    return cpus[cpu].interrupt_request & CPU_INTERRUPT_HARD;
}

static void clear_bits(void)
{
    cpus[0].interrupt_request &= CPU_INTERRUPT_HARD;
    cpus[1].interrupt_request &= CPU_INTERRUPT_HARD;
}

static bool irr_bit(int cpu, int v)
{
    return (rd(cpu, 0x200 + (v / 32) * 0x10) >> (v % 32)) & 1;
}

static bool isr_bit(int cpu, int v)
{
    return (rd(cpu, 0x100 + (v / 32) * 0x10) >> (v % 32)) & 1;
}

static void self_ipi(int cpu, int vector)
{
    wr(cpu, 0x300, (1 << 18) | vector);
}

static void test_reset(void)
{
    tap_ok(rd(0, 0x20) == 0 && rd(1, 0x20) == 1u << 24, "ID registers (%#x, %#x)", rd(0, 0x20),
           rd(1, 0x20));
    tap_ok(rd(0, 0x30) == APIC_VERSION, "version %#x", rd(0, 0x30));
    tap_ok(rd(0, 0xf0) == 0xff, "SVR resets to 0xff (software disabled)");
    tap_ok(rd(0, 0xe0) == 0xffffffff, "DFR resets to flat");
    tap_ok(rd(0, 0x320) == 0x10000 && rd(0, 0x370) == 0x10000, "timer/error LVTs masked");
    tap_ok(rd(0, 0x350) == 0x700, "BSP LINT0 in ExtINT (virtual wire) mode");
    tap_ok(rd(1, 0x350) == 0x10000, "AP LINT0 masked");
    tap_ok(apic_get_base(apics[0]) == (BASE | 0x900), "BSP APIC base %#llx",
           (unsigned long long)apic_get_base(apics[0]));
    tap_ok(apic_get_base(apics[1]) == (BASE | 0x800), "AP APIC base without BSP");
    self_ipi(0, 0x40);
    tap_ok(!hard(0) && !irr_bit(0, 0x40), "software-disabled APIC drops fixed interrupts");
    wr(0, 0xf0, 0x1ff);
    wr(1, 0xf0, 0x1ff);
    tap_ok(rd(0, 0xf0) == 0x1ff, "SVR enable bit set");
}

static void test_accept_eoi(void)
{
    self_ipi(0, 0x40);
    tap_ok(hard(0) && irr_bit(0, 0x40), "self IPI 0x40 pending, INTR raised");
    tap_ok(!hard(1), "the other CPU sees nothing");
    tap_ok(apic_get_interrupt(apics[0]) == 0x40, "acknowledged vector 0x40");
    tap_ok(!irr_bit(0, 0x40) && isr_bit(0, 0x40) && !hard(0), "0x40 moved to ISR");
    tap_ok(rd(0, 0xa0) == 0x40, "PPR follows ISR (%#x)", rd(0, 0xa0));
    wr(0, 0xb0, 0);
    tap_ok(!isr_bit(0, 0x40) && rd(0, 0xa0) == 0, "EOI clears ISR and PPR");
    tap_ok(apic_get_interrupt(apics[0]) == -1, "nothing left to acknowledge");
}

static void test_priority(void)
{
    wr(0, 0x80, 0x50);
    self_ipi(0, 0x45);
    tap_ok(!hard(0), "TPR 0x50 holds back vector 0x45");
    tap_ok(rd(0, 0xa0) == 0x50, "PPR = TPR");
    self_ipi(0, 0x65);
    tap_ok(hard(0) && apic_get_interrupt(apics[0]) == 0x65, "0x65 passes TPR 0x50");
    self_ipi(0, 0x62);
    tap_ok(!hard(0), "0x62 waits while 0x65 (same class) is in service");
    self_ipi(0, 0x70);
    tap_ok(hard(0) && apic_get_interrupt(apics[0]) == 0x70, "0x70 nests over 0x65");
    tap_ok(rd(0, 0xa0) == 0x70, "PPR 0x70");
    wr(0, 0xb0, 0);
    tap_ok(isr_bit(0, 0x65) && !isr_bit(0, 0x70), "EOI ends the highest in service (0x70)");
    wr(0, 0xb0, 0);
    tap_ok(hard(0) && apic_get_interrupt(apics[0]) == 0x62, "then 0x62 is delivered");
    wr(0, 0xb0, 0);
    tap_ok(!hard(0), "0x45 still below TPR");
    apic_set_cr8(apics[0], 0);
    tap_ok(rd(0, 0x80) == 0 && hard(0), "CR8 write lowers TPR: 0x45 delivered");
    apic_get_interrupt(apics[0]);
    wr(0, 0xb0, 0);
    apic_set_cr8(apics[0], 3);
    tap_ok(rd(0, 0x80) == 0x30 && apic_get_cr8(apics[0]) == 3, "CR8 <-> TPR[7:4]");
    wr(0, 0x80, 0);
}

static int take_all(int cpu)
{
    int n = 0;

    while (apic_get_interrupt(apics[cpu]) >= 0) {
        wr(cpu, 0xb0, 0);
        n++;
    }
    return n;
}

static void test_timer_oneshot(void)
{
    int64_t t0;

    wr(0, 0x3e0, 3); /* divide by 16 */
    wr(0, 0x320, 0x30);
    t0 = clock_now();
    wr(0, 0x380, 1000); /* 16000 ns */
    tap_ok(rd(0, 0x380) == 1000, "initial count reads back");
    clock_step(8000);
    tap_ok(rd(0, 0x390) == 500, "current count halfway: %u", rd(0, 0x390));
    clock_step(7999);
    tap_ok(!hard(0), "no interrupt 1 ns before expiry");
    clock_step(1);
    tap_ok(hard(0) && irr_bit(0, 0x30), "one-shot fires after 1000 x 16 ns");
    tap_ok(rd(0, 0x390) == 0, "current count stops at 0");
    tap_ok(take_all(0) == 1, "one interrupt");
    clock_step(100000);
    tap_ok(!hard(0), "one-shot does not repeat");
    (void)t0;

    /* divide-by-1 (0xb) and a mask */
    wr(0, 0x3e0, 0xb);
    wr(0, 0x320, 0x10030);
    wr(0, 0x380, 50);
    clock_step(60);
    tap_ok(!hard(0) && rd(0, 0x390) == 0, "masked timer counts down silently");
}

static void test_timer_periodic(void)
{
    int n = 0;

    wr(0, 0x3e0, 0); /* divide by 2 */
    wr(0, 0x320, 0x20031);
    wr(0, 0x380, 500); /* 1000 ns period */
    for (int i = 0; i < 100; i++) {
        clock_step(100);
        n += take_all(0);
    }
    tap_ok(n == 10, "periodic: 10 interrupts in 10 us at 1 us period (%d)", n);
    tap_ok(rd(0, 0x390) == 500 || rd(0, 0x390) <= 500, "current count within the period");
    clock_step(250);
    tap_ok(rd(0, 0x390) == 375, "current count 250 ns into a period: %u", rd(0, 0x390));
    wr(0, 0x320, 0x10031 | (1 << 17)); /* mask, stay periodic */
    clock_step(5000);
    tap_ok(take_all(0) == 0, "masked periodic timer delivers nothing");
    wr(0, 0x380, 0);
    tap_ok(rd(0, 0x390) == 0, "initial count 0 stops the timer");
}

static void test_timer_tsc_deadline(void)
{
    uint64_t tsc;

    wr(0, 0x320, 0x40032); /* TSC-deadline, vector 0x32 */
    wr(0, 0x380, 100);
    tap_ok(rd(0, 0x380) == 0, "initial count ignored in TSC-deadline mode");
    tsc = test_read_tsc(NULL);
    apic_set_tsc_deadline(apics[0], tsc + 3000); /* 1000 ns at 3 GHz */
    tap_ok(apic_get_tsc_deadline(apics[0]) == tsc + 3000, "deadline reads back");
    clock_step(999);
    tap_ok(!hard(0), "not before the deadline");
    clock_step(1);
    tap_ok(hard(0) && apic_get_interrupt(apics[0]) == 0x32, "fires at the deadline");
    wr(0, 0xb0, 0);
    tap_ok(apic_get_tsc_deadline(apics[0]) == 0, "deadline cleared after firing");
    apic_set_tsc_deadline(apics[0], test_read_tsc(NULL) + 3000);
    apic_set_tsc_deadline(apics[0], 0);
    clock_step(5000);
    tap_ok(!hard(0), "writing 0 disarms");
    apic_set_tsc_deadline(apics[0], 1);
    clock_step(0);
    tap_ok(hard(0), "a deadline in the past fires at once");
    take_all(0);
    wr(0, 0x320, 0x10000);
}

static void test_ipi(void)
{
    clear_bits();
    wr(0, 0x310, 1u << 24);
    wr(0, 0x300, 0x4051); /* fixed, physical, vector 0x51 */
    tap_ok(hard(1) && !hard(0), "fixed IPI to physical ID 1");
    tap_ok(apic_get_interrupt(apics[1]) == 0x51, "CPU 1 takes 0x51");
    wr(1, 0xb0, 0);

    wr(0, 0xd0, 0x01000000);
    wr(1, 0xd0, 0x02000000);
    wr(0, 0x310, 0x02000000);
    wr(0, 0x300, 0x0852); /* logical */
    tap_ok(hard(1) && !hard(0), "logical flat: mask 0x02 hits CPU 1");
    take_all(1);
    wr(0, 0x310, 0x03000000);
    wr(0, 0x300, 0x0853);
    tap_ok(hard(0) && hard(1), "logical flat: mask 0x03 hits both");
    take_all(0);
    take_all(1);

    wr(0, 0xe0, 0x0fffffff);
    wr(1, 0xe0, 0x0fffffff);
    wr(0, 0xd0, 0x11000000); /* cluster 1, member 1 */
    wr(1, 0xd0, 0x22000000); /* cluster 2, member 2 */
    wr(0, 0x310, 0x12000000);
    wr(0, 0x300, 0x0854);
    tap_ok(!hard(0) && !hard(1), "cluster: 0x12 matches nobody");
    wr(0, 0x310, 0x22000000);
    wr(0, 0x300, 0x0854);
    tap_ok(!hard(0) && hard(1), "cluster: 0x22 hits CPU 1");
    take_all(1);
    wr(0, 0x310, 0xf3000000);
    wr(0, 0x300, 0x0855);
    tap_ok(hard(0) && hard(1), "cluster 15 broadcast with members 1|2");
    take_all(0);
    take_all(1);
    wr(0, 0xe0, 0xffffffff);
    wr(1, 0xe0, 0xffffffff);

    wr(1, 0x310, 0xff000000);
    wr(1, 0x300, 0x0156); /* lowest priority, physical broadcast */
    tap_ok(hard(0) && !hard(1), "lowest priority goes to one target (the first CPU)");
    take_all(0);

    wr(0, 0x300, (3 << 18) | 0x57);
    tap_ok(!hard(0) && hard(1), "all-excluding-self shorthand");
    take_all(1);
    wr(0, 0x300, (2 << 18) | 0x58);
    tap_ok(hard(0) && hard(1), "all-including-self shorthand");
    take_all(0);
    take_all(1);

    wr(0, 0x310, 1u << 24);
    wr(0, 0x300, 0x4400); /* NMI */
    tap_ok((cpus[1].interrupt_request & CPU_INTERRUPT_NMI) && !(cpus[0].interrupt_request & CPU_INTERRUPT_NMI),
           "NMI IPI raises CPU_INTERRUPT_NMI on CPU 1");

    wr(1, 0x80, 0x20);
    wr(0, 0x300, 0x4500); /* INIT assert */
    tap_ok(cpus[1].interrupt_request & CPU_INTERRUPT_INIT, "INIT raises CPU_INTERRUPT_INIT");
    tap_ok(rd(1, 0x80) == 0 && rd(1, 0xf0) == 0xff && rd(1, 0x20) == 1u << 24,
           "INIT resets the APIC but keeps its ID");
    wr(0, 0x300, 0x8500); /* INIT level de-assert */
    wr(0, 0x300, 0x4609); /* SIPI vector 9 */
    tap_ok((cpus[1].interrupt_request & CPU_INTERRUPT_SIPI) && apic_get_sipi_vector(apics[1]) == 9,
           "SIPI after INIT: CPU_INTERRUPT_SIPI, vector 9");
    cpus[1].interrupt_request &= ~CPU_INTERRUPT_SIPI;
    wr(0, 0x300, 0x460a);
    tap_ok(!(cpus[1].interrupt_request & CPU_INTERRUPT_SIPI) && apic_get_sipi_vector(apics[1]) == 9,
           "a second SIPI is ignored");
    wr(1, 0xf0, 0x1ff);
    clear_bits();
}

static void test_level_eoi(void)
{
    apic_deliver_irq(1, APIC_DESTMODE_PHYSICAL, APIC_DM_FIXED, 0x61, APIC_TRIGGER_LEVEL);
    tap_ok(hard(1) && ((rd(1, 0x180 + 3 * 0x10) >> 1) & 1), "level interrupt sets TMR");
    tap_ok(apic_get_interrupt(apics[1]) == 0x61, "vector 0x61");
    eoi_count = 0;
    wr(1, 0xb0, 0);
    tap_ok(eoi_count == 1 && eoi_vector == 0x61, "EOI of a level vector is broadcast (0x%x)",
           eoi_vector);
    apic_deliver_irq(1, APIC_DESTMODE_PHYSICAL, APIC_DM_FIXED, 0x62, APIC_TRIGGER_EDGE);
    apic_get_interrupt(apics[1]);
    wr(1, 0xb0, 0);
    tap_ok(eoi_count == 1, "edge EOI is not broadcast");
}

static void test_esr(void)
{
    wr(0, 0x370, 0x3e); /* error LVT vector 0x3e */
    wr(0, 0x310, 1u << 24);
    wr(0, 0x300, 0x4005); /* fixed vector 5: illegal */
    tap_ok(hard(0) && apic_get_interrupt(apics[0]) == 0x3e, "illegal vector raises the error LVT");
    wr(0, 0xb0, 0);
    tap_ok(rd(0, 0x280) == 0, "ESR reads 0 until written");
    wr(0, 0x280, 0);
    tap_ok(rd(0, 0x280) == 0x20, "ESR: send illegal vector (%#x)", rd(0, 0x280));
    wr(0, 0x280, 0);
    tap_ok(rd(0, 0x280) == 0, "the next ESR write clears it");
    wr(0, 0x370, 0x10000);
}

static void test_lint0(void)
{
    qemu_irq lint0 = qdev_get_gpio_in(apics[0], APIC_GPIO_LINT0);

    tap_ok(apic_accept_pic_intr(apics[0]), "BSP accepts 8259 interrupts (virtual wire)");
    qemu_set_irq(lint0, 1);
    tap_ok(hard(0), "8259 INT on LINT0 raises INTR");
    tap_ok(apic_get_interrupt(apics[0]) == -1 && hard(0), "no APIC vector: INTR stays for the 8259");
    wr(0, 0x350, 0x10700);
    tap_ok(!hard(0) && !apic_accept_pic_intr(apics[0]), "masking LINT0 drops INTR");
    wr(0, 0x350, 0x700);
    tap_ok(hard(0), "unmasking brings it back");
    qemu_set_irq(lint0, 0);
    tap_ok(!hard(0), "8259 INT low: INTR low");
    tap_ok(!apic_accept_pic_intr(apics[1]), "AP does not take 8259 interrupts");
}

static void test_x2apic(void)
{
    uint64_t v = 0;

    tap_ok(!apic_msr_read(apics[1], 0x802, &v), "x2APIC MSRs #GP in xAPIC mode");
    tap_ok(!apic_set_base(apics[1], BASE | 0x400), "EXTD without EN: #GP");
    tap_ok(apic_set_base(apics[1], BASE | 0xc00), "x2APIC enabled");
    tap_ok(apic_msr_read(apics[1], 0x802, &v) && v == 1, "x2APIC ID 1 (%llu)", (unsigned long long)v);
    tap_ok(apic_msr_read(apics[1], 0x80d, &v) && v == ((0 << 16) | 2), "derived logical ID (%#llx)",
           (unsigned long long)v);
    tap_ok(!apic_msr_write(apics[1], 0x802, 5), "ID is read-only");
    tap_ok(apic_msr_write(apics[1], 0x830, 0x4071), "ICR write (self, by destination 1)");
    v = 0;
    tap_ok(apic_msr_read(apics[1], 0x830, &v) && v == 0x4071, "64-bit ICR reads back");
    tap_ok(!hard(1), "destination 0 (ICR high) is CPU 0, not 1");
    take_all(0);
    tap_ok(apic_msr_write(apics[1], 0x830, (1ULL << 32) | 0x4072) && hard(1), "ICR to x2APIC ID 1");
    tap_ok(apic_get_interrupt(apics[1]) == 0x72, "vector 0x72");
    apic_msr_write(apics[1], 0x80b, 0); /* the xAPIC page is gone: EOI by MSR */
    tap_ok(apic_msr_write(apics[1], 0x83f, 0x73) && hard(1), "SELF IPI register");
    tap_ok(apic_get_interrupt(apics[1]) == 0x73, "vector 0x73");
    tap_ok(apic_msr_write(apics[1], 0x80b, 0) && !hard(1), "EOI MSR");
    tap_ok(!apic_msr_write(apics[1], 0x80b, 1), "non-zero EOI #GP");
    tap_ok(rd(1, 0x20) == 0, "MMIO page not decoded in x2APIC mode");
    tap_ok(!apic_set_base(apics[1], BASE | 0x800), "x2APIC -> xAPIC directly: #GP");
    tap_ok(apic_set_base(apics[1], BASE) && apic_set_base(apics[1], BASE | 0x800),
           "x2APIC -> disabled -> xAPIC");
    wr(1, 0xf0, 0x1ff);
}

static void test_vmstate(void)
{
    VMStateBuffer buf;
    int n = 0;

    wr(0, 0x3e0, 0xb);
    wr(0, 0x320, 0x20031);
    wr(0, 0x380, 1000); /* 1 us period */
    clock_step(2500);
    take_all(0);
    wr(0, 0x80, 0x10);
    self_ipi(0, 0x90);
    tap_ok(isa_test_save(apics[0], &buf), "vmstate: saved");
    device_cold_reset(apics[0]);
    tap_ok(rd(0, 0x320) == 0x10000 && !hard(0), "vmstate: reset");
    tap_ok(isa_test_load(apics[0], &buf), "vmstate: loaded");
    tap_ok(rd(0, 0x80) == 0x10 && hard(0) && irr_bit(0, 0x90), "vmstate: TPR and pending IRR back");
    tap_ok(rd(0, 0x390) == 500, "vmstate: timer keeps its phase (%u)", rd(0, 0x390));
    take_all(0);
    for (int i = 0; i < 30; i++) {
        clock_step(100);
        n += take_all(0);
    }
    tap_ok(n == 3, "vmstate: periodic timer goes on (%d in 3 us)", n);
    free(buf.data);
}

int main(void)
{
    ApicCpuHooks hooks = {
        .current_cpu = test_current_cpu,
        .read_tsc = test_read_tsc,
        .tsc_hz = TSC_HZ,
    };

    isa_test_init(false);
    apic_set_cpu_hooks(&hooks);
    apic_set_eoi_broadcast(test_eoi, NULL);
    apics[0] = apic_create(&cpus[0], 0, true);
    apics[1] = apic_create(&cpus[1], 1, false);
    apic_mmio_map(get_system_memory());

    test_reset();
    test_accept_eoi();
    test_priority();
    test_timer_oneshot();
    test_timer_periodic();
    test_timer_tsc_deadline();
    test_ipi();
    test_level_eoi();
    test_esr();
    test_lint0();
    test_x2apic();
    test_vmstate();
    isa_test_finish();
    return tap_done();
}
