/*
 * The PIIX4 PM function through what the guest sees: its PCI identity,
 * PMBA/PMIOSE placing the I/O block, the PM timer's rate on the virtual
 * clock and its overflow status, SCI on the power button and timer with
 * their enables, S5 (SLP_TYP 0 + SLP_EN) calling the machine's power-off
 * hook, the FADT's reset register reaching the PIIX3's 0xcf9, and a
 * VMState round trip.
 */
#include <stdlib.h>
#include <string.h>

#include "hw/acpi/piix4-pm.h"
#include "hw/core/qdev-properties.h"
#include "hw/i386/acpi-build.h"
#include "hw/isa/piix3.h"
#include "migration/vmstate.h"
#include "tap.h"
#include "util/main-loop.h"

/* ---- the machine's hooks, as the machine would provide them ---- */

static int shutdown_calls;

void qemu_system_shutdown_request(void)
{
    shutdown_calls++;
}

static int sci_level, sci_raises;
static int reset_level_seen;

static void sci_handler(void *opaque, int n, int level)
{
    if (level && !sci_level) {
        sci_raises++;
    }
    sci_level = level;
}

static void reset_handler(void *opaque, int n, int level)
{
    if (level) {
        reset_level_seen = level;
    }
}

static PCIBus *bus;
static PIIX4PMState *pm;
static PIIX3State *piix3;
#define PM_DEVFN PCI_DEVFN(1, 3)

static void outb(uint16_t port, uint8_t v)
{
    address_space_stb(&address_space_io, port, v, MEMTXATTRS_UNSPECIFIED, NULL);
}
static void outw(uint16_t port, uint16_t v)
{
    address_space_stw(&address_space_io, port, v, MEMTXATTRS_UNSPECIFIED, NULL);
}
static uint16_t inw(uint16_t port)
{
    return address_space_lduw(&address_space_io, port, MEMTXATTRS_UNSPECIFIED, NULL);
}
static uint32_t inl(uint16_t port)
{
    return address_space_ldl(&address_space_io, port, MEMTXATTRS_UNSPECIFIED, NULL);
}
static uint32_t cfg_read(uint32_t reg, unsigned len)
{
    return pci_host_config_read_common(bus, 0, PM_DEVFN, reg, len);
}
static void cfg_write(uint32_t reg, uint32_t val, unsigned len)
{
    pci_host_config_write_common(bus, 0, PM_DEVFN, reg, val, len);
}

static void build_machine(void)
{
    DeviceState *dev;

    qemu_clock_set_qtest_mode(true);
    qemu_init_main_loop(&error_abort);
    bql_lock();
    bus = pci_root_bus_new(NULL, "pci.0", get_system_memory(), get_system_io());
    /* (piix3_get_isa_bus also pulls the PIIX3 type into the link) */
    piix3 = (PIIX3State *)pci_create_simple(bus, PCI_DEVFN(1, 0), TYPE_PIIX3, &error_abort);
    if (!piix3 || !piix3_get_isa_bus(piix3)) {
        exit(1);
    }
    dev = qdev_new(TYPE_PIIX4_PM, &error_abort);
    qdev_prop_set_int32(dev, "addr", PM_DEVFN);
    qdev_prop_set_uint32(dev, "pm-io-base", 0x600); /* as the PC fixes it */
    if (!qdev_realize(dev, &bus->qbus, &error_abort)) {
        exit(1);
    }
    pm = PIIX4_PM(dev);
    qdev_connect_gpio_out_named(dev, PIIX4_PM_SCI_GPIO, 0, qemu_allocate_irq(sci_handler, NULL, 0));
    qdev_connect_gpio_out_named(DEVICE(piix3), PIIX3_RESET_GPIO, 0,
                                qemu_allocate_irq(reset_handler, NULL, 0));
    qdev_reset_all_devices();
}

static void test_config(void)
{
    tap_ok(cfg_read(PCI_VENDOR_ID, 2) == 0x8086 && cfg_read(PCI_DEVICE_ID, 2) == 0x7113 &&
               cfg_read(PCI_CLASS_DEVICE, 2) == 0x0680,
           "PCI 8086:7113, class 0680");
    tap_ok(cfg_read(PIIX4_PM_PMBA, 4) == 0x601 && (cfg_read(PIIX4_PM_PMREGMISC, 1) & 1),
           "the board's pm-io-base: PMBA 0x601, PMIOSE set after reset");
    tap_ok(inw(0x600 + ACPI_PM1_CNT) & ACPI_BITMASK_SCI_ENABLE, "PM1_CNT.SCI_EN reads 1 at 0x604");
    tap_ok(cfg_read(PIIX4_PM_DEVACTB, 4) & PIIX4_PM_DEVACTB_APMC_EN,
           "DEVACTB.APMC_EN set at reset (no SMM for firmware to set up)");

    /* the firmware moves it */
    cfg_write(PIIX4_PM_PMBA, 0xb03f, 4);
    tap_ok(cfg_read(PIIX4_PM_PMBA, 4) == 0xb001, "PMBA: bits 15:6 writable, bit 0 reads 1");
    outw(0xb000 + ACPI_PM1_EN, ACPI_BITMASK_PWRBTN_STATUS);
    tap_ok(inw(0xb000 + ACPI_PM1_EN) == ACPI_BITMASK_PWRBTN_STATUS,
           "the block answers at the new base");
    outw(0x600 + ACPI_PM1_EN, 0);
    cfg_write(PIIX4_PM_PMREGMISC, 0, 1);
    outw(0xb000 + ACPI_PM1_EN, 0);
    cfg_write(PIIX4_PM_PMREGMISC, 1, 1);
    tap_ok(inw(0xb000 + ACPI_PM1_EN) == ACPI_BITMASK_PWRBTN_STATUS,
           "nothing at the old base; PMIOSE clear: writes do not reach the block");
    outw(0xb000 + ACPI_PM1_EN, 0);
    cfg_write(PIIX4_PM_PMBA, 0x601, 4);
}

static void test_timer(void)
{
    uint32_t t0, t1, diff;
    int64_t waited = 0;

    t0 = inl(0x608);
    qemu_clock_advance_virtual(NANOSECONDS_PER_SECOND);
    t1 = inl(0x608);
    diff = (t1 - t0) & 0xffffff;
    tap_ok(diff >= ACPI_PM_TIMER_HZ - 1 && diff <= ACPI_PM_TIMER_HZ + 1,
           "PM timer: %u ticks in one virtual second (3.579545 MHz)", diff);
    tap_ok(t1 <= 0xffffff, "PM timer: 24 bits (FADT TMR_VAL_EXT clear)");
    qemu_clock_advance_virtual(NANOSECONDS_PER_SECOND / 10);
    tap_ok(inl(0x608) == inl(0x608) && inl(0x608) != t1,
           "PM timer: stands still unless time moves");

    /* overflow status: bit 23 flips every 2^23 ticks (about 2.34 s) */
    outw(0x600, 0xffff); /* clear all status */
    outw(0x602, ACPI_BITMASK_TIMER_STATUS);
    sci_raises = 0;
    t0 = inl(0x608);
    {
        bool consistent = true;
        int flipped = 0;

        while (!(inw(0x600) & ACPI_BITMASK_TIMER_STATUS) && waited < 3 * NANOSECONDS_PER_SECOND) {
            qemu_clock_advance_virtual(NANOSECONDS_PER_SECOND / 100);
            waited += NANOSECONDS_PER_SECOND / 100;
            flipped = ((inl(0x608) ^ t0) >> 23) & 1;
            /* status appears exactly when bit 23 has changed */
            consistent &= flipped == !!(inw(0x600) & ACPI_BITMASK_TIMER_STATUS);
        }
        tap_ok(consistent && flipped, "TMR_STS is set when bit 23 changes, not before");
    }
    tap_ok((inw(0x600) & ACPI_BITMASK_TIMER_STATUS) && sci_level && sci_raises == 1,
           "TMR_STS with TMR_EN raises the SCI");
    outw(0x600, ACPI_BITMASK_TIMER_STATUS);
    tap_ok(!(inw(0x600) & ACPI_BITMASK_TIMER_STATUS) && !sci_level,
           "writing 1 clears TMR_STS and lowers the SCI");
    outw(0x602, 0);
}

static void test_power_button(void)
{
    outw(0x600, 0xffff);
    sci_raises = 0;
    piix4_pm_power_button(pm);
    tap_ok((inw(0x600) & ACPI_BITMASK_PWRBTN_STATUS) && !sci_level,
           "power button: PWRBTN_STS set, no SCI while disabled");
    outw(0x602, ACPI_BITMASK_PWRBTN_STATUS);
    tap_ok(sci_level && sci_raises == 1, "enabling PWRBTN_EN raises the SCI");
    outw(0x600, ACPI_BITMASK_TIMER_STATUS); /* other bits are untouched */
    tap_ok(sci_level && (inw(0x600) & ACPI_BITMASK_PWRBTN_STATUS),
           "writing 1 to another status bit leaves PWRBTN_STS");
    outb(0x601, ACPI_BITMASK_PWRBTN_STATUS >> 8); /* byte write to the high half */
    tap_ok(!sci_level && !(inw(0x600) & ACPI_BITMASK_PWRBTN_STATUS),
           "clearing PWRBTN_STS (a byte write) lowers the SCI");
    outw(0x602, 0);
}

static void test_sleep(void)
{
    shutdown_calls = 0;
    outw(0x604, (5 << ACPI_SLP_TYP_SHIFT) | ACPI_BITMASK_SLEEP_ENABLE);
    tap_ok(shutdown_calls == 0, "SLP_EN with SLP_TYP 5 (not offered) does not power off");
    tap_ok((inw(0x604) & ACPI_BITMASK_SLEEP_ENABLE) == 0 &&
               (inw(0x604) & ACPI_SLP_TYP_MASK) == 5 << ACPI_SLP_TYP_SHIFT,
           "SLP_EN reads 0, SLP_TYP reads back");
    outw(0x604, PIIX4_SLP_TYP_S5 << ACPI_SLP_TYP_SHIFT);
    tap_ok(shutdown_calls == 0, "SLP_TYP without SLP_EN does nothing");
    outw(0x604, (PIIX4_SLP_TYP_S5 << ACPI_SLP_TYP_SHIFT) | ACPI_BITMASK_SLEEP_ENABLE);
    tap_ok(shutdown_calls == 1, "S5 (\\_S5 SLP_TYP 0 + SLP_EN) calls the power-off hook");
}

static void test_reset_reg(void)
{
    AcpiConfig cfg;
    AcpiBuildTables t;
    const AcpiTableEntry *e;

    acpi_config_default(&cfg);
    t = acpi_build(&cfg);
    e = acpi_find_table(&t, "FACP");
    reset_level_seen = 0;
    if (e && t.tables[e->offset + 116] == 1 /* SystemIO */) {
        uint16_t port = (uint16_t)(t.tables[e->offset + 120] | t.tables[e->offset + 121] << 8);

        outb(port, t.tables[e->offset + 128]);
    }
    tap_ok(reset_level_seen == 1, "the FADT RESET_REG write (6 to 0xcf9) requests a hard reset");
    acpi_build_tables_free(&t);
}

static void test_vmstate(void)
{
    VMStateBuffer buf = { 0 };
    VMStateStream st;
    DeviceState *dev = DEVICE(pm);
    bool ok;

    cfg_write(PIIX4_PM_PMBA, 0xb001, 4);
    outw(0xb002, ACPI_BITMASK_PWRBTN_STATUS);
    outw(0xb004, 3 << ACPI_SLP_TYP_SHIFT);
    piix4_pm_power_button(pm);
    vmstate_stream_init_buffer_writer(&st, &buf);
    ok = vmstate_save_state(&st, qdev_get_vmsd(dev), dev, &error_abort) == 0;
    qdev_reset_all_devices();
    tap_ok(!sci_level && inw(0xb002) != ACPI_BITMASK_PWRBTN_STATUS && inw(0x602) == 0,
           "reset: back at 0x600, enables and status clear");
    buf.pos = 0;
    vmstate_stream_init_buffer_reader(&st, &buf);
    ok = ok && vmstate_load_state(&st, qdev_get_vmsd(dev), dev, 1, &error_abort) == 0;
    tap_ok(ok && inw(0xb002) == ACPI_BITMASK_PWRBTN_STATUS &&
               (inw(0xb000) & ACPI_BITMASK_PWRBTN_STATUS) &&
               (inw(0xb004) & ACPI_SLP_TYP_MASK) == 3 << ACPI_SLP_TYP_SHIFT && sci_level,
           "VMState: base, status, enable, control and the SCI come back");
    free(buf.data);
}

int main(void)
{
    build_machine();
    test_config();
    test_timer();
    test_power_button();
    test_sleep();
    test_reset_reg();
    test_vmstate();
    bql_unlock();
    return tap_done();
}
