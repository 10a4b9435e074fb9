/*
 * The I/O APIC through IOREGSEL/IOWIN with a real local APIC behind it:
 * ID/version registers, redirection entry reset and read-only bits, edge
 * delivery (and masking), level delivery with remote IRR cleared by the
 * local APIC's EOI broadcast (a still-asserted line delivers again) and by
 * the EOI register, logical destinations, and a vmstate round trip.
 */
#include "hw/core/sysbus.h"
#include "hw/intc/apic.h"
#include "hw/intc/ioapic.h"
#include "isa-test.h"
#include "tap.h"

#define IOA IOAPIC_DEFAULT_ADDRESS
#define LAPIC APIC_DEFAULT_ADDRESS

static CPUState cpu0;
static DeviceState *apic, *ioapic;

static CPUState *test_current_cpu(void)
{
    return &cpu0;
}

static uint32_t mmio_rd(hwaddr a)
{
    return address_space_ldl(&address_space_memory, a, MEMTXATTRS_UNSPECIFIED, NULL);
}

static void mmio_wr(hwaddr a, uint32_t v)
{
    address_space_stl(&address_space_memory, a, v, MEMTXATTRS_UNSPECIFIED, NULL);
}

static uint32_t io_rd(uint8_t reg)
{
    address_space_stb(&address_space_memory, IOA, reg, MEMTXATTRS_UNSPECIFIED, NULL);
    return mmio_rd(IOA + 0x10);
}

static void io_wr(uint8_t reg, uint32_t v)
{
    mmio_wr(IOA, reg);
    mmio_wr(IOA + 0x10, v);
}

static void set_rte(int pin, uint64_t e)
{
    io_wr(0x11 + 2 * pin, e >> 32);
    io_wr(0x10 + 2 * pin, (uint32_t)e);
}

static uint64_t get_rte(int pin)
{
    return io_rd(0x10 + 2 * pin) | (uint64_t)io_rd(0x11 + 2 * pin) << 32;
}

static bool hard(void)
{
    return cpu0.interrupt_request & CPU_INTERRUPT_HARD;
}

static void pin(int n, int level)
{
    qemu_set_irq(qdev_get_gpio_in(ioapic, n), level);
}

static void lapic_eoi(void)
{
    mmio_wr(LAPIC + 0xb0, 0);
}

static void test_registers(void)
{
    tap_ok(io_rd(0x01) == 0x170020, "version 0x20, 24 entries (%#x)", io_rd(0x01));
    io_wr(0x00, 0x0a000000);
    tap_ok(io_rd(0x00) == 0x0a000000, "ID reads back");
    tap_ok(io_rd(0x02) == 0x0a000000, "arbitration ID follows ID");
    tap_ok(get_rte(0) == 0x10000 && get_rte(23) == 0x10000, "entries reset masked");
    set_rte(5, 0xff0000000001ffffULL);
    tap_ok(get_rte(5) == 0xff0000000001bfffULL, "remote IRR and delivery status are read-only (%#llx)",
           (unsigned long long)get_rte(5));
    set_rte(5, 0x10000);
    io_wr(0x01, 0);
    tap_ok(io_rd(0x01) == 0x170020, "version register is read-only");
}

static void test_edge(void)
{
    set_rte(4, 0x34); /* fixed, physical, edge, unmasked, dest 0 */
    pin(4, 1);
    tap_ok(hard(), "edge on pin 4 reaches the APIC");
    tap_ok(apic_get_interrupt(apic) == 0x34, "vector 0x34");
    pin(4, 0);
    lapic_eoi();
    tap_ok(!(get_rte(4) & (1 << 14)), "edge entries have no remote IRR");
    pin(4, 1);
    pin(4, 0);
    pin(4, 1);
    pin(4, 0);
    tap_ok(apic_get_interrupt(apic) == 0x34 && apic_get_interrupt(apic) == -1,
           "two edges before acknowledging: one pending vector");
    lapic_eoi();
    set_rte(4, 0x10034);
    pin(4, 1);
    pin(4, 0);
    tap_ok(!hard(), "masked edge is not delivered");
    set_rte(4, 0x34);
    tap_ok(!hard(), "and not delivered on unmask");
    set_rte(4, 0x0100000000000000ULL | 0x35);
    pin(4, 1);
    pin(4, 0);
    tap_ok(!hard(), "physical destination 1: not our APIC (ID 0)");
    mmio_wr(LAPIC + 0xd0, 0x04000000); /* logical ID bit 2 */
    set_rte(4, 0x0c00000000000000ULL | 0x800 | 0x36);
    pin(4, 1);
    pin(4, 0);
    tap_ok(hard() && apic_get_interrupt(apic) == 0x36, "logical destination 0x0c matches LDR 0x04");
    lapic_eoi();
    set_rte(4, 0x10000);
}

static void test_level(void)
{
    set_rte(10, 0x8000 | 0x5a); /* level */
    pin(10, 1);
    tap_ok(hard(), "asserted level pin delivers");
    tap_ok(get_rte(10) & (1 << 14), "remote IRR set");
    tap_ok(apic_get_interrupt(apic) == 0x5a, "vector 0x5a");
    lapic_eoi();
    tap_ok(hard() && (get_rte(10) & (1 << 14)), "EOI with the line still high delivers again");
    tap_ok(apic_get_interrupt(apic) == 0x5a, "vector 0x5a again");
    pin(10, 0);
    lapic_eoi();
    tap_ok(!hard() && !(get_rte(10) & (1 << 14)), "line low then EOI: remote IRR clear, quiet");

    pin(10, 1);
    tap_ok(apic_get_interrupt(apic) == 0x5a, "asserted again");
    pin(10, 0);
    mmio_wr(IOA + 0x40, 0x5a);
    tap_ok(!(get_rte(10) & (1 << 14)), "EOI register clears remote IRR");
    lapic_eoi(); /* the APIC's ISR; the IOAPIC sees a second, harmless EOI */

    set_rte(10, 0x18000 | 0x5a);
    pin(10, 1);
    tap_ok(!hard(), "masked level pin waits");
    set_rte(10, 0x8000 | 0x5a);
    tap_ok(hard() && apic_get_interrupt(apic) == 0x5a, "unmasking an asserted level pin delivers");
    pin(10, 0);
    lapic_eoi();
}

static void test_vmstate(void)
{
    VMStateBuffer buf;

    set_rte(7, 0x8000 | 0x47);
    pin(7, 1);
    apic_get_interrupt(apic);
    tap_ok(isa_test_save(ioapic, &buf), "vmstate: saved");
    device_cold_reset(ioapic);
    tap_ok(get_rte(7) == 0x10000, "vmstate: reset");
    tap_ok(isa_test_load(ioapic, &buf), "vmstate: loaded");
    tap_ok(get_rte(7) == (0x8000 | 0x4000 | 0x47) && io_rd(0) == 0x0a000000,
           "vmstate: entry with remote IRR and ID back");
    pin(7, 0);
    lapic_eoi();
    tap_ok(!(get_rte(7) & 0x4000), "vmstate: EOI still matches");
    free(buf.data);
}

int main(void)
{
    ApicCpuHooks hooks = { .current_cpu = test_current_cpu };

    isa_test_init(false);
    apic_set_cpu_hooks(&hooks);
    apic = apic_create(&cpu0, 0, true);
    apic_mmio_map(get_system_memory());
    mmio_wr(LAPIC + 0xf0, 0x1ff);
    ioapic = sysbus_create_simple(TYPE_IOAPIC, IOA, NULL);
    device_cold_reset(ioapic);
    apic_set_eoi_broadcast(ioapic_eoi_broadcast, ioapic);

    test_registers();
    test_edge();
    test_level();
    test_vmstate();
    isa_test_finish();
    return tap_done();
}
