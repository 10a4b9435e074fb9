/*
 * Intel 82371SB PIIX3 function 0: the PC's PCI-to-ISA bridge (see
 * include/hw/isa/piix3.h for what the board gets).
 *
 * Modelled: the ISA bus behind it, PIRQ route control (0x60-0x63) turning
 * PCI INTA-D into ISA IRQ levels, the reset control register at 0xcf9,
 * and the register defaults of the datasheet (other registers are plain
 * storage). Not modelled here: the 8259/8254/DMA/RTC blocks (separate
 * device models on the ISA bus), the ELCR (in the i8259 model), the
 * motherboard device IRQ/DMA routing (0x70, 0x76-0x77), SMI and power
 * management, the APIC chip select (0x80), IDE and USB (other functions).
 *
 * Datasheet: Intel 82371FB (PIIX) and 82371SB (PIIX3) PCI ISA IDE
 * Xcelerator, section 2.2 (PCI configuration registers, function 0) and
 * 2.4.2 (reset control register).
 */
#include <string.h>

#include "hw/isa/piix3.h"
#include "hw/pci/pci_host.h"
#include "util/log.h"

/* ISA IRQs a PIRQ may be routed to (3-7, 9-12, 14, 15). */
#define PIIX3_VALID_IRQS 0xdef8

int piix3_pci_slot_get_pirq(PCIDevice *dev, int pin)
{
    /* the PC's swizzle: slot 1 INTA is PIRQA, slot 2 INTA is PIRQB... */
    return (pin + PCI_SLOT(dev->devfn) - 1) & 3;
}

/* ISA IRQ of PIRQ n, or -1 while routing is disabled or invalid. */
static int piix3_route(PIIX3State *s, int n)
{
    uint8_t r = s->parent.config[PIIX3_PIRQC + n];

    if (r & PIIX3_PIRQ_DISABLE) {
        return -1;
    }
    return (PIIX3_VALID_IRQS >> (r & 0xf)) & 1 ? r & 0xf : -1;
}

static uint16_t piix3_compute_driven(PIIX3State *s)
{
    uint16_t mask = 0;

    for (int n = 0; n < PIIX3_NUM_PIRQS; n++) {
        int irq = piix3_route(s, n);
        if (irq >= 0 && s->pirq_level[n]) {
            mask |= 1u << irq;
        }
    }
    return mask;
}

/* Drive the ISA lines that changed; several PIRQs may share one IRQ. */
static void piix3_update_isa_irqs(PIIX3State *s)
{
    uint16_t mask = piix3_compute_driven(s);
    uint16_t changed = mask ^ s->isa_driven;

    s->isa_driven = mask;
    for (int irq = 0; irq < ISA_NUM_IRQS; irq++) {
        if ((changed >> irq) & 1) {
            qemu_set_irq(isa_bus_get_irq(s->isa_bus, irq), (mask >> irq) & 1);
        }
    }
}

static void piix3_set_irq(void *opaque, int pirq, int level)
{
    PIIX3State *s = opaque;

    if (pirq < 0 || pirq >= PIIX3_NUM_PIRQS) {
        return;
    }
    s->pirq_level[pirq] = level != 0;
    piix3_update_isa_irqs(s);
}

static void piix3_config_write(PCIDevice *pd, uint32_t addr, uint32_t val, unsigned len)
{
    PIIX3State *s = (PIIX3State *)pd;

    pci_default_write_config(pd, addr, val, len);
    if (pci_range_covers(addr, len, PIIX3_PIRQC, PIIX3_NUM_PIRQS)) {
        for (int n = 0; n < PIIX3_NUM_PIRQS; n++) {
            uint8_t r = pd->config[PIIX3_PIRQC + n];
            if (pci_range_covers(addr, len, PIIX3_PIRQC + n, 1) && !(r & PIIX3_PIRQ_DISABLE) &&
                !((PIIX3_VALID_IRQS >> (r & 0xf)) & 1)) {
                log_mask_printf(LOG_GUEST_ERROR,
                                "PIIX3: PIRQ%c routed to reserved IRQ %d; left unrouted\n", 'A' + n,
                                r & 0xf);
            }
        }
        piix3_update_isa_irqs(s);
    }
}

/* ---- reset control register (port 0xcf9) ---- */

static uint64_t rcr_read(void *opaque, hwaddr addr, unsigned size)
{
    return ((PIIX3State *)opaque)->rcr;
}

static void rcr_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    PIIX3State *s = opaque;

    if (data & PIIX3_RCR_RCPU) {
        if (!s->reset_request) {
            log_mask_printf(LOG_UNIMP, "PIIX3: reset requested, but no machine reset hook\n");
        }
        qemu_set_irq(s->reset_request, (data & PIIX3_RCR_SRST) ? 1 : 2);
        qemu_set_irq(s->reset_request, 0);
    }
    /* RCPU reads back as 0: the reset it starts clears it */
    s->rcr = data & PIIX3_RCR_SRST;
}

static const MemoryRegionOps rcr_ops = {
    .read = rcr_read,
    .write = rcr_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- the device ---- */

static void piix3_set_defaults(PIIX3State *s)
{
    uint8_t *c = s->parent.config;

    pci_set_word(c + PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    pci_set_word(c + PCI_STATUS, PCI_STATUS_DEVSEL_MEDIUM);
    memset(c + PCI_CONFIG_HEADER_SIZE, 0, PCI_CONFIG_SPACE_SIZE - PCI_CONFIG_HEADER_SIZE);
    c[0x4c] = 0x4d; /* IORT: ISA I/O recovery */
    c[0x4e] = 0x03; /* XBCS: RTC, keyboard controller decode */
    memset(c + PIIX3_PIRQC, PIIX3_PIRQ_DISABLE, PIIX3_NUM_PIRQS);
    c[0x69] = 0x02; /* TOM: top of memory 2 MiB */
    c[0x70] = 0x80; /* MBIRQ0 disabled */
    c[0x76] = 0x0c; /* MBDMA0/1 disabled */
    c[0x77] = 0x0c;
    c[0x78] = 0x02; /* PCSC */
    c[0xa0] = 0x08; /* SMICNTL */
    c[0xa8] = 0x0f; /* FTMR */
}

static bool piix3_realize(DeviceState *dev, Error **errp)
{
    PIIX3State *s = (PIIX3State *)dev;
    PCIDevice *pd = &s->parent;
    PCIBus *bus = pd->bus;
    PCIHostState *host;

    s->isa_bus = isa_bus_new(dev, bus->address_space_mem, bus->address_space_io, errp);
    if (!s->isa_bus) {
        return false;
    }
    /* bus master, memory and I/O decode are hardwired on */
    pci_set_word(pd->wmask + PCI_COMMAND, PCI_COMMAND_SPECIAL);
    piix3_set_defaults(s);
    qdev_init_gpio_out_named(dev, &s->reset_request, PIIX3_RESET_GPIO, 1);

    memory_region_init_io(&s->rcr_mem, s, &rcr_ops, s, "piix3-reset-control", 1);
    host = pci_bus_get_host(bus);
    if (host && memory_region_is_mapped(&host->conf_mem)) {
        /* 0xcf9 sits inside the host bridge's CONFIG_ADDRESS dword: the
         * bridge forwards the byte cycles it does not take */
        pci_host_set_conf_passthrough(host, &s->rcr_mem, PIIX3_RCR_PORT);
    } else {
        memory_region_add_subregion_overlap(bus->address_space_io, PIIX3_RCR_PORT, &s->rcr_mem, 1);
    }
    pci_bus_irqs(bus, piix3_set_irq, piix3_pci_slot_get_pirq, s, PIIX3_NUM_PIRQS);
    return true;
}

static void piix3_unrealize(DeviceState *dev)
{
    PIIX3State *s = (PIIX3State *)dev;
    PCIHostState *host = pci_bus_get_host(s->parent.bus);

    if (host && host->conf_passthrough == &s->rcr_mem) {
        host->conf_passthrough = NULL;
    }
    if (memory_region_is_mapped(&s->rcr_mem)) {
        memory_region_del_subregion(s->rcr_mem.container, &s->rcr_mem);
    }
    memory_region_finalize(&s->rcr_mem);
    pci_bus_irqs(s->parent.bus, NULL, NULL, NULL, 0);
    /* the ISA devices sit behind the bridge: they go with it */
    isa_bus_delete(s->isa_bus);
    s->isa_bus = NULL;
}

static void piix3_reset(DeviceState *dev)
{
    PIIX3State *s = (PIIX3State *)dev;

    piix3_set_defaults(s);
    s->rcr = 0;
    for (int n = 0; n < PIIX3_NUM_PIRQS; n++) {
        s->pirq_level[n] = pci_bus_get_irq_level(s->parent.bus, n);
    }
    piix3_update_isa_irqs(s);
}

static int piix3_post_load(void *opaque, int version_id)
{
    PIIX3State *s = opaque;

    /* the interrupt controllers restore their own input state */
    s->isa_driven = piix3_compute_driven(s);
    return 0;
}

static const VMStateDescription vmstate_piix3 = {
    .name = "PIIX3",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = piix3_post_load,
    .fields =
        (const VMStateField[]){
            VMSTATE_PCI_DEVICE(parent, PIIX3State),
            VMSTATE_UINT8_ARRAY(pirq_level, PIIX3State, PIIX3_NUM_PIRQS),
            VMSTATE_UINT8(rcr, PIIX3State),
            VMSTATE_END_OF_LIST(),
        },
};

static const PCIDeviceClass piix3_class = {
    .vendor_id = PCI_VENDOR_ID_INTEL,
    .device_id = PCI_DEVICE_ID_INTEL_82371SB_0,
    .class_id = PCI_CLASS_BRIDGE_ISA,
    .multifunction = true, /* IDE (and USB) are functions 1 and 2 */
    .config_write = piix3_config_write,
};

static const DeviceTypeInfo piix3_info = {
    .name = TYPE_PIIX3,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(PIIX3State),
    .class_data = &piix3_class,
    .realize = piix3_realize,
    .unrealize = piix3_unrealize,
    .reset = piix3_reset,
    .vmsd = &vmstate_piix3,
    .desc = "Intel 82371SB PIIX3 PCI-to-ISA bridge",
    .category = DEVICE_CATEGORY_BRIDGE,
};
DEVICE_TYPE(piix3_info)

ISABus *piix3_get_isa_bus(PIIX3State *s)
{
    return s->isa_bus;
}
