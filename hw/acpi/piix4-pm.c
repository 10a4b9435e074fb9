/*
 * Intel 82371AB PIIX4 function 3, power management: the ACPI fixed
 * hardware of the PC (PM1 event and control blocks, the PM timer, the
 * SCI). See include/hw/acpi/piix4-pm.h for the interface.
 *
 * Modelled (PIIX4 datasheet 290562, sections 7.1-7.2; ACPI 6.4 4.8):
 * PMBA (config 0x40) and PMIOSE (config 0x80 bit 0) placing the 64-byte
 * I/O block; PM1 status (write 1 to clear) / enable; PM1 control with
 * SCI_EN fixed at 1 (the FADT has no SMI_CMD: the platform is always in
 * ACPI mode) and SLP_TYP/SLP_EN (SLP_TYP 0, soft off, powers the machine
 * off; other sleep types are not offered by the DSDT and are logged);
 * the 24-bit PM timer at 3.579545 MHz on the virtual clock, with
 * TMR_STS set whenever bit 23 changes; the power button (PWRBTN_STS).
 * SCI = any of TMR/PWRBTN/GBL/RTC status with its enable, a level on the
 * "sci" gpio. DEVACTB.APMC_EN is set at reset (no SMM: firmware skips its
 * SMM set-up). Not modelled: GPE blocks, SMI, SMBus, device monitors,
 * throttling, RTC wake (FADT FIX_RTC), bus-master status.
 */
#include "hw/acpi/piix4-pm.h"

#include <string.h>

#include "hw/core/qdev-properties.h"
#include "sysemu/runstate.h"
#include "util/log.h"

/* The machine's power-off hook; unit tests of other devices and tools
 * link no run-state code, so it is weak here and a missing one is logged. */
#pragma weak qemu_system_shutdown_request

#define PM1_SCI_SOURCES                                                                            \
    (ACPI_BITMASK_TIMER_STATUS | ACPI_BITMASK_GBL_STATUS | ACPI_BITMASK_PWRBTN_STATUS |            \
     ACPI_BITMASK_RTC_STATUS)
#define PM1_STS_BITS (PM1_SCI_SOURCES | ACPI_BITMASK_BM_STATUS | ACPI_BITMASK_WAKE_STATUS)
#define PM1_EN_BITS  PM1_SCI_SOURCES
/* writable PM1 control bits: SLP_TYP (SLP_EN is write-only, SCI_EN fixed) */
#define PM1_CNT_BITS ACPI_SLP_TYP_MASK

/* ---- the PM timer ---- */

static uint64_t ns_to_ticks(int64_t ns)
{
    return (uint64_t)((unsigned __int128)ns * ACPI_PM_TIMER_HZ / NANOSECONDS_PER_SECOND);
}

/* The first virtual time at which the counter reaches ticks. */
static int64_t ticks_to_ns(uint64_t ticks)
{
    return (int64_t)(((unsigned __int128)ticks * NANOSECONDS_PER_SECOND + ACPI_PM_TIMER_HZ - 1) /
                     ACPI_PM_TIMER_HZ);
}

uint32_t piix4_pm_timer_value(void)
{
    return (uint32_t)ns_to_ticks(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL)) & 0xffffff;
}

static void pm_update_sci(PIIX4PMState *s)
{
    int level =
        (s->pm1_sts & s->pm1_en & PM1_SCI_SOURCES) && (s->pm1_cnt & ACPI_BITMASK_SCI_ENABLE);

    qemu_set_irq(s->sci, level);
}

/* Arm the timer for the next change of bit 23 (TMR_STS). */
static void pm_timer_arm(PIIX4PMState *s)
{
    uint64_t now = ns_to_ticks(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
    uint64_t next = (now | 0x7fffff) + 1;

    s->tmr_overflow_ns = ticks_to_ns(next);
    timer_mod_ns(s->tmr_timer, s->tmr_overflow_ns);
}

static void pm_timer_cb(void *opaque)
{
    PIIX4PMState *s = opaque;

    s->pm1_sts |= ACPI_BITMASK_TIMER_STATUS;
    pm_update_sci(s);
    pm_timer_arm(s);
}

/* ---- the I/O block ---- */

static uint8_t pm_reg_byte(PIIX4PMState *s, hwaddr addr)
{
    uint32_t v;

    switch (addr & ~(hwaddr)1) {
    case ACPI_PM1_STS:
        v = s->pm1_sts;
        break;
    case ACPI_PM1_EN:
        v = s->pm1_en;
        break;
    case ACPI_PM1_CNT:
        v = s->pm1_cnt;
        break;
    case ACPI_PM_TMR:
    case ACPI_PM_TMR + 2:
        return (uint8_t)(piix4_pm_timer_value() >> (8 * (addr - ACPI_PM_TMR)));
    default:
        return 0; /* GPE, processor control, ...: not modelled */
    }
    return (uint8_t)(v >> (8 * (addr & 1)));
}

static uint64_t pm_io_read(void *opaque, hwaddr addr, unsigned size)
{
    PIIX4PMState *s = opaque;
    uint64_t v = 0;

    /* the timer is sampled once per access: byte by byte, a 32-bit read
     * could tear across a carry and go backwards (SeaBIOS takes that as a
     * wrap, and its timeouts fire early) */
    if (addr >= ACPI_PM_TMR && addr + size <= ACPI_PM_TMR + 4) {
        return (piix4_pm_timer_value() >> (8 * (addr - ACPI_PM_TMR))) &
               (size == 4 ? 0xffffffffull : (1ull << (8 * size)) - 1);
    }
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)pm_reg_byte(s, addr + i) << (8 * i);
    }
    return v;
}

static void pm_sleep(PIIX4PMState *s, unsigned slp_typ)
{
    if (slp_typ != PIIX4_SLP_TYP_S5) {
        log_mask_printf(LOG_GUEST_ERROR,
                        "PIIX4 PM: sleep type %u is not offered (only S5 = 0); ignored\n", slp_typ);
        return;
    }
    if (qemu_system_shutdown_request) {
        qemu_system_shutdown_request();
    } else {
        log_mask_printf(LOG_UNIMP, "PIIX4 PM: power-off requested, but no machine handles it\n");
    }
}

static void pm_io_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    PIIX4PMState *s = opaque;

    /* each 16-bit register sees the bytes of the access that fall in it */
    for (hwaddr reg = addr & ~(hwaddr)1; reg < addr + size; reg += 2) {
        uint16_t mask = 0, val = 0;

        for (int b = 0; b < 2; b++) {
            if (reg + b >= addr && reg + b < addr + size) {
                mask |= (uint16_t)(0xff << (8 * b));
                val |= (uint16_t)(((data >> (8 * (reg + b - addr))) & 0xff) << (8 * b));
            }
        }
        switch (reg) {
        case ACPI_PM1_STS:
            s->pm1_sts &= ~(val & mask & PM1_STS_BITS);
            break;
        case ACPI_PM1_EN:
            s->pm1_en = (s->pm1_en & ~mask) | (val & mask & PM1_EN_BITS);
            break;
        case ACPI_PM1_CNT:
            s->pm1_cnt = (s->pm1_cnt & ~(mask & PM1_CNT_BITS)) | (val & mask & PM1_CNT_BITS);
            if (val & mask & ACPI_BITMASK_SLEEP_ENABLE) {
                pm_sleep(s, (s->pm1_cnt & ACPI_SLP_TYP_MASK) >> ACPI_SLP_TYP_SHIFT);
            }
            break;
        case ACPI_PM_TMR:
        case ACPI_PM_TMR + 2:
            log_mask_printf(LOG_GUEST_ERROR, "PIIX4 PM: write to the read-only PM timer\n");
            break;
        default:
            break;
        }
    }
    pm_update_sci(s);
}

static const MemoryRegionOps pm_io_ops = {
    .read = pm_io_read,
    .write = pm_io_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* Map the block at PMBA while PMIOSE is set. */
static void pm_update_io(PIIX4PMState *s)
{
    PCIDevice *d = &s->parent;
    uint16_t base = pci_get_word(d->config + PIIX4_PM_PMBA) & 0xffc0;
    bool on = d->config[PIIX4_PM_PMREGMISC] & 1;
    MemoryRegion *io = d->bus->address_space_io;

    if (s->io_mapped && (!on || base != s->io_addr)) {
        memory_region_del_subregion(io, &s->io);
        s->io_mapped = false;
    }
    if (on && !s->io_mapped) {
        memory_region_add_subregion(io, base, &s->io);
        s->io_mapped = true;
        s->io_addr = base;
    }
}

static void piix4_pm_config_write(PCIDevice *d, uint32_t addr, uint32_t val, unsigned len)
{
    pci_default_write_config(d, addr, val, len);
    if (pci_range_covers(addr, len, PIIX4_PM_PMBA, 4) ||
        pci_range_covers(addr, len, PIIX4_PM_PMREGMISC, 1)) {
        pm_update_io(PIIX4_PM(d));
    }
}

void piix4_pm_power_button(PIIX4PMState *s)
{
    s->pm1_sts |= ACPI_BITMASK_PWRBTN_STATUS;
    pm_update_sci(s);
}

/* ---- the device ---- */

static bool piix4_pm_realize(DeviceState *dev, Error **errp)
{
    PIIX4PMState *s = PIIX4_PM(dev);
    PCIDevice *d = &s->parent;

    if (s->pm_io_base & 0x3f || s->pm_io_base > 0xffc0) {
        error_setg(errp, "PIIX4 PM: pm-io-base %#x is not a 64-byte aligned I/O address",
                   s->pm_io_base);
        return false;
    }
    /* PMBA: bits 15:6 writable, bit 0 = I/O space indicator */
    pci_set_word(d->wmask + PIIX4_PM_PMBA, 0xffc0);
    d->wmask[PIIX4_PM_PMREGMISC] = 0x01;
    memory_region_init_io(&s->io, s, &pm_io_ops, s, "piix4-pm", PIIX4_PM_IO_SIZE);
    qdev_init_gpio_out_named(dev, &s->sci, PIIX4_PM_SCI_GPIO, 1);
    s->tmr_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, pm_timer_cb, s);
    return true;
}

static void piix4_pm_unrealize(DeviceState *dev)
{
    PIIX4PMState *s = PIIX4_PM(dev);

    if (s->io_mapped) {
        memory_region_del_subregion(s->parent.bus->address_space_io, &s->io);
        s->io_mapped = false;
    }
    timer_free(s->tmr_timer);
    s->tmr_timer = NULL;
    memory_region_finalize(&s->io);
}

static void piix4_pm_reset(DeviceState *dev)
{
    PIIX4PMState *s = PIIX4_PM(dev);
    PCIDevice *d = &s->parent;

    /* the board may fix the block (as for direct kernel boot) */
    pci_set_long(d->config + PIIX4_PM_PMBA, s->pm_io_base | 1);
    d->config[PIIX4_PM_PMREGMISC] = s->pm_io_base ? 1 : 0;
    /* DEVACTB APMC_EN reads as already set: there is no SMM, and SeaBIOS
     * then skips its SMM set-up (which would wait forever for an SMI
     * handler to answer on port 0xb3) */
    d->config[PIIX4_PM_DEVACTB + 3] |= PIIX4_PM_DEVACTB_APMC_EN >> 24;
    s->pm1_sts = 0;
    s->pm1_en = 0;
    s->pm1_cnt = ACPI_BITMASK_SCI_ENABLE;
    pm_update_io(s);
    pm_timer_arm(s);
    pm_update_sci(s);
}

static int piix4_pm_post_load(void *opaque, int version_id)
{
    PIIX4PMState *s = opaque;

    /* the counter is the virtual clock's: only the overflow event moves */
    pm_update_io(s);
    pm_timer_arm(s);
    pm_update_sci(s);
    return 0;
}

static const VMStateDescription vmstate_piix4_pm = {
    .name = "piix4-pm",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = piix4_pm_post_load,
    .fields =
        (const VMStateField[]){
            VMSTATE_PCI_DEVICE(parent, PIIX4PMState),
            VMSTATE_UINT16(pm1_sts, PIIX4PMState),
            VMSTATE_UINT16(pm1_en, PIIX4PMState),
            VMSTATE_UINT16(pm1_cnt, PIIX4PMState),
            VMSTATE_END_OF_LIST(),
        },
};

static const Property piix4_pm_props[] = {
    DEFINE_PROP_UINT32("pm-io-base", PIIX4PMState, pm_io_base, 0),
    DEFINE_PROP_END_OF_LIST(),
};

static const PCIDeviceClass piix4_pm_class = {
    .vendor_id = PCI_VENDOR_ID_INTEL,
    .device_id = PCI_DEVICE_ID_INTEL_82371AB_3,
    .revision = 0x03,
    .class_id = 0x0680, /* bridge, other */
    .config_write = piix4_pm_config_write,
};

static const DeviceTypeInfo piix4_pm_info = {
    .name = TYPE_PIIX4_PM,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(PIIX4PMState),
    .class_data = &piix4_pm_class,
    .realize = piix4_pm_realize,
    .unrealize = piix4_pm_unrealize,
    .reset = piix4_pm_reset,
    .vmsd = &vmstate_piix4_pm,
    .props = piix4_pm_props,
    .desc = "Intel 82371AB PIIX4 ACPI power management",
    .category = DEVICE_CATEGORY_BRIDGE,
};
DEVICE_TYPE(piix4_pm_info)
