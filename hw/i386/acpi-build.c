/*
 * The PC's ACPI tables (see include/hw/i386/acpi-build.h for the API).
 *
 * Table formats from the ACPI 6.4 specification: RSDP 5.2.5, RSDT 5.2.7,
 * XSDT 5.2.8, FADT 5.2.9 (revision 5 layout, 268 bytes), FACS 5.2.10,
 * DSDT 5.2.11, MADT 5.2.12; the HPET table from the IA-PC HPET
 * specification 1.0a, 3.2.4. The fw_cfg linker/loader commands are the
 * format SeaBIOS's romfile loader reads (QEMU's
 * hw/acpi/bios-linker-loader interface description): 128-byte entries,
 * little-endian, command 1 ALLOCATE {file[56], align, zone}, 2
 * ADD_POINTER {dest[56], src[56], offset, size}, 3 ADD_CHECKSUM
 * {file[56], offset, start, length}.
 *
 * The DSDT describes: \_SB.PCI0 (PNP0A03) with its windows and _PRT, the
 * PIIX3 ISA bridge with its PIRQ route registers (PCI config 0x60-0x63)
 * behind the link devices LNKA-LNKD, the legacy ISA devices, HPET, one
 * ACPI0007 processor device per CPU and \_S5.
 */
#include "hw/i386/acpi-build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/acpi/aml-build.h"
#include "hw/acpi/piix4-pm.h"
#include "hw/nvram/fw_cfg.h"

void acpi_config_default(AcpiConfig *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->cpu_count = 1;
    cfg->low_ram_top = 128u << 20;
    cfg->pm_io_base = 0x600;
    cfg->sci_irq = 9;
    cfg->ioapic_addr = 0xfec00000;
    cfg->hpet = true;
    cfg->hpet_addr = 0xfed00000;
    /* vendor 8086, legacy replacement capable, 64-bit, 3 timers, rev 1 */
    cfg->hpet_block_id = 0x8086a201;
    cfg->serial_count = 1;
    cfg->reset_port = 0xcf9;
    cfg->reset_value = 0x06;
    cfg->isa_bridge_devfn = 0x08;
}

/* ---- a growable blob ---- */

typedef struct Blob {
    uint8_t *data;
    size_t len, cap;
} Blob;

static size_t blob_reserve(Blob *b, size_t align, size_t n)
{
    size_t off = (b->len + align - 1) & ~(align - 1);

    if (off + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < off + n) {
            cap *= 2;
        }
        b->data = realloc(b->data, cap);
        if (!b->data) {
            abort();
        }
        memset(b->data + b->cap, 0, cap - b->cap);
        b->cap = cap;
    }
    b->len = off + n;
    return off;
}

static void st_le(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static uint64_t ld_le(const uint8_t *p, int n)
{
    uint64_t v = 0;

    for (int i = n - 1; i >= 0; i--) {
        v = v << 8 | p[i];
    }
    return v;
}

/* Add a finished table (its header checksum already valid) to the blob. */
static uint32_t add_table(AcpiBuildTables *t, Blob *b, const char *sig, uint8_t *tbl, size_t len,
                          size_t align, bool checksummed)
{
    size_t off = blob_reserve(b, align, len);
    AcpiTableEntry *e = &t->table[t->ntables++];

    memcpy(b->data + off, tbl, len);
    free(tbl);
    memcpy(e->sig, sig, 4);
    e->sig[4] = 0;
    e->offset = (uint32_t)off;
    e->len = (uint32_t)len;
    if (checksummed) {
        t->csum[t->ncsums++] =
            (AcpiChecksum){ false, (uint32_t)off + 9, (uint32_t)off, (uint32_t)len };
    }
    return (uint32_t)off;
}

static void add_ptr(AcpiBuildTables *t, bool in_rsdp, uint32_t offset, uint8_t size)
{
    t->ptr[t->nptrs++] = (AcpiPointer){ in_rsdp, offset, size };
}

/* Generic Address Structure (5.2.3.2). */
static void put_gas(uint8_t *p, uint8_t space, uint8_t bits, uint8_t access, uint64_t addr)
{
    p[0] = space;
    p[1] = bits;
    p[2] = 0;
    p[3] = access;
    st_le(p + 4, addr, 8);
}

/* ---- DSDT ---- */

static Aml *isa_dev(const char *name, const char *hid, Aml *crs)
{
    Aml *dev = aml_device(name);

    aml_append(dev, aml_name_decl("_HID", aml_eisaid(hid)));
    aml_append(dev, aml_name_decl("_STA", aml_int(0xf)));
    aml_append(dev, aml_name_decl("_CRS", crs));
    return dev;
}

static Aml *build_isa_devices(const AcpiConfig *cfg)
{
    Aml *isa = aml_device("ISA");
    Aml *crs, *field;

    aml_append(isa, aml_name_decl("_ADR", aml_int((uint32_t)(cfg->isa_bridge_devfn >> 3) << 16 |
                                                  (cfg->isa_bridge_devfn & 7))));
    /* PIRQA-D route control registers of the PIIX3 */
    aml_append(isa, aml_operation_region("PIRQ", AML_PCI_CONFIG, aml_int(0x60), aml_int(4)));
    field = aml_field("PIRQ", AML_BYTE_ACC, AML_PRESERVE);
    aml_append(field, aml_named_field("PRQA", 8));
    aml_append(field, aml_named_field("PRQB", 8));
    aml_append(field, aml_named_field("PRQC", 8));
    aml_append(field, aml_named_field("PRQD", 8));
    aml_append(isa, field);

    crs = aml_resource_template();
    aml_append(crs, aml_io(0x60, 0x60, 1, 1));
    aml_append(crs, aml_io(0x64, 0x64, 1, 1));
    aml_append(crs, aml_irq_no_flags(1));
    aml_append(isa, isa_dev("KBD", "PNP0303", crs));

    crs = aml_resource_template();
    aml_append(crs, aml_irq_no_flags(12));
    aml_append(isa, isa_dev("MOU", "PNP0F13", crs));

    for (unsigned i = 0; i < cfg->serial_count && i < 2; i++) {
        static const uint16_t base[2] = { 0x3f8, 0x2f8 };
        static const uint8_t irq[2] = { 4, 3 };
        char name[8];
        Aml *dev;

        snprintf(name, sizeof(name), "COM%u", i + 1);
        crs = aml_resource_template();
        aml_append(crs, aml_io(base[i], base[i], 0, 8));
        aml_append(crs, aml_irq_no_flags(irq[i]));
        dev = isa_dev(name, "PNP0501", crs);
        aml_append(dev, aml_name_decl("_UID", aml_int(i + 1)));
        aml_append(isa, dev);
    }

    crs = aml_resource_template();
    aml_append(crs, aml_io(0x70, 0x70, 1, 8));
    aml_append(crs, aml_irq_no_flags(8));
    aml_append(isa, isa_dev("RTC", "PNP0B00", crs));

    crs = aml_resource_template();
    aml_append(crs, aml_io(0x40, 0x40, 1, 4));
    aml_append(crs, aml_irq_no_flags(0));
    aml_append(isa, isa_dev("PIT", "PNP0100", crs));

    crs = aml_resource_template();
    aml_append(crs, aml_io(0x20, 0x20, 1, 2));
    aml_append(crs, aml_io(0xa0, 0xa0, 1, 2));
    aml_append(crs, aml_irq_no_flags(2));
    aml_append(isa, isa_dev("PIC", "PNP0000", crs));

    if (cfg->hpet) {
        crs = aml_resource_template();
        aml_append(crs, aml_memory32_fixed(cfg->hpet_addr, 0x400, false));
        aml_append(isa, isa_dev("HPET", "PNP0103", crs));
    }

    /* the PM I/O block, so nothing else is placed there */
    crs = aml_resource_template();
    aml_append(crs, aml_io(cfg->pm_io_base, cfg->pm_io_base, 1, PIIX4_PM_IO_SIZE));
    aml_append(isa, isa_dev("PMIO", "PNP0C02", crs));
    return isa;
}

/* A PCI interrupt link: the PIRQ route register reg (\_SB.PCI0.ISA.PRQx)
 * with bit 7 = disabled, bits 3:0 = ISA IRQ. */
static Aml *build_link(const char *name, int uid, const char *reg)
{
    static const uint32_t prs_irqs[] = { 5, 10, 11 };
    static const uint32_t none[] = { 0 };
    Aml *dev = aml_device(name);
    Aml *m, *cond, *els, *res;

    aml_append(dev, aml_name_decl("_HID", aml_eisaid("PNP0C0F")));
    aml_append(dev, aml_name_decl("_UID", aml_int(uid)));
    res = aml_resource_template();
    aml_append(res, aml_interrupt(true, false, true, prs_irqs, 3));
    aml_append(dev, aml_name_decl("_PRS", res));

    m = aml_method("_STA", 0, false);
    cond = aml_if(aml_and(aml_name(reg), aml_int(0x80), NULL));
    aml_append(cond, aml_return(aml_int(0x09))); /* present, disabled */
    aml_append(m, cond);
    els = aml_else();
    aml_append(els, aml_return(aml_int(0x0b))); /* present, enabled, functioning */
    aml_append(m, els);
    aml_append(dev, m);

    m = aml_method("_DIS", 0, false);
    aml_append(m, aml_or(aml_name(reg), aml_int(0x80), aml_name(reg)));
    aml_append(dev, m);

    /* _CRS returns CRSB with the route register's IRQ in the interrupt
     * number dword of its Interrupt descriptor (0 while disabled) */
    res = aml_resource_template();
    aml_append(res, aml_interrupt(true, false, true, none, 1));
    aml_append(dev, aml_name_decl("CRSB", res));
    aml_append(dev, aml_create_dword_field(aml_name("CRSB"), aml_int(5), "IRQV"));
    m = aml_method("_CRS", 0, true);
    aml_append(m, aml_store(aml_int(0), aml_name("IRQV")));
    cond = aml_if(aml_lless(aml_name(reg), aml_int(0x80)));
    aml_append(cond, aml_store(aml_and(aml_name(reg), aml_int(0x0f), NULL), aml_name("IRQV")));
    aml_append(m, cond);
    aml_append(m, aml_return(aml_name("CRSB")));
    aml_append(dev, m);

    m = aml_method("_SRS", 1, true);
    aml_append(m, aml_create_dword_field(aml_arg(0), aml_int(5), "IRQS"));
    aml_append(m, aml_store(aml_name("IRQS"), aml_name(reg)));
    aml_append(dev, m);
    return dev;
}

static Aml *build_pci0(const AcpiConfig *cfg)
{
    Aml *pci = aml_device("PCI0");
    Aml *crs = aml_resource_template();
    Aml *prt = aml_package();
    static const char *const links[4] = { "LNKA", "LNKB", "LNKC", "LNKD" };

    aml_append(pci, aml_name_decl("_HID", aml_eisaid("PNP0A03")));
    aml_append(pci, aml_name_decl("_UID", aml_int(0)));

    aml_append(crs, aml_word_bus_number(0, 0xff));
    aml_append(crs, aml_io(0xcf8, 0xcf8, 1, 8));
    aml_append(crs, aml_word_io(0x0000, 0x0cf7));
    aml_append(crs, aml_word_io(0x0d00, 0xffff));
    aml_append(crs, aml_dword_memory(0x000a0000, 0x000bffff, true));
    if (cfg->low_ram_top < cfg->ioapic_addr) {
        aml_append(crs, aml_dword_memory((uint32_t)cfg->low_ram_top, cfg->ioapic_addr - 1, false));
    }
    if (cfg->pci_hole64_size) {
        aml_append(crs, aml_qword_memory(cfg->pci_hole64_start,
                                         cfg->pci_hole64_start + cfg->pci_hole64_size - 1, false));
    }
    aml_append(pci, aml_name_decl("_CRS", crs));

    /* INTx of slot S pin P reaches PIRQ[(P + S - 1) & 3] (the PIIX3's
     * wiring, piix3_pci_slot_get_pirq) */
    for (int slot = 0; slot < 32; slot++) {
        for (int pin = 0; pin < 4; pin++) {
            Aml *e = aml_package();

            aml_append(e, aml_int((uint32_t)slot << 16 | 0xffff));
            aml_append(e, aml_int(pin));
            aml_append(e, aml_name(links[(pin + slot - 1) & 3]));
            aml_append(e, aml_int(0));
            aml_append(prt, e);
        }
    }
    aml_append(pci, aml_name_decl("_PRT", prt));
    aml_append(pci, build_isa_devices(cfg));
    return pci;
}

static uint8_t *build_dsdt(const AcpiConfig *cfg, size_t *len)
{
    Aml *body = aml_new_block();
    Aml *sb = aml_scope("\\_SB");
    Aml *s5 = aml_package();
    uint8_t *tbl;

    aml_append(sb, build_pci0(cfg));
    aml_append(sb, build_link("LNKA", 0, "\\_SB.PCI0.ISA.PRQA"));
    aml_append(sb, build_link("LNKB", 1, "\\_SB.PCI0.ISA.PRQB"));
    aml_append(sb, build_link("LNKC", 2, "\\_SB.PCI0.ISA.PRQC"));
    aml_append(sb, build_link("LNKD", 3, "\\_SB.PCI0.ISA.PRQD"));
    for (unsigned i = 0; i < cfg->cpu_count; i++) {
        char name[16];
        Aml *cpu;

        snprintf(name, sizeof(name), "C%03X", i);
        cpu = aml_device(name);
        aml_append(cpu, aml_name_decl("_HID", aml_string("ACPI0007")));
        aml_append(cpu, aml_name_decl("_UID", aml_int(i)));
        aml_append(sb, cpu);
    }
    aml_append(body, sb);

    /* \_S5: SLP_TYPa, SLP_TYPb, reserved, reserved */
    aml_append(s5, aml_int(PIIX4_SLP_TYP_S5));
    aml_append(s5, aml_int(PIIX4_SLP_TYP_S5));
    aml_append(s5, aml_int(0));
    aml_append(s5, aml_int(0));
    aml_append(body, aml_name_decl("\\_S5", s5));

    /* revision 2: 64-bit integers */
    tbl = aml_build_table("DSDT", 2, aml_data(body), aml_len(body), len);
    aml_free(body);
    return tbl;
}

/* ---- fixed tables ---- */

static uint8_t *build_fadt(const AcpiConfig *cfg, uint32_t facs, uint32_t dsdt, size_t *len)
{
    uint8_t b[268 - 36];
    uint16_t pm = cfg->pm_io_base;

#define F(off) (b + (off)-36)
    memset(b, 0, sizeof(b));
    st_le(F(36), facs, 4); /* FIRMWARE_CTRL */
    st_le(F(40), dsdt, 4); /* DSDT */
    *F(45) = 0;            /* preferred PM profile: unspecified */
    st_le(F(46), cfg->sci_irq, 2);
    /* SMI_CMD 0: no mode switch, the platform is always in ACPI mode */
    st_le(F(56), pm + ACPI_PM1_STS, 4); /* PM1a_EVT_BLK */
    st_le(F(64), pm + ACPI_PM1_CNT, 4); /* PM1a_CNT_BLK */
    st_le(F(76), pm + ACPI_PM_TMR, 4);  /* PM_TMR_BLK */
    *F(88) = 4;                         /* PM1_EVT_LEN */
    *F(89) = 2;                         /* PM1_CNT_LEN */
    *F(91) = 4;                         /* PM_TMR_LEN */
    st_le(F(96), 0xfff, 2);             /* P_LVL2_LAT: C2 not supported */
    st_le(F(98), 0xfff, 2);             /* P_LVL3_LAT: C3 not supported */
    *F(108) = 0x32;                     /* CENTURY: CMOS index */
    st_le(F(109), 0x0003, 2);           /* IAPC_BOOT_ARCH: LEGACY_DEVICES, 8042 */
    /* flags: WBINVD, PROC_C1, SLP_BUTTON (none as fixed feature), FIX_RTC,
     * RESET_REG_SUP; PWR_BUTTON clear = fixed-feature power button;
     * TMR_VAL_EXT clear = 24-bit PM timer */
    st_le(F(112), 1u << 0 | 1u << 2 | 1u << 5 | 1u << 6 | 1u << 10, 4);
    put_gas(F(116), 1, 8, 1, cfg->reset_port); /* RESET_REG: SystemIO byte */
    *F(128) = cfg->reset_value;
    *F(131) = 0;                                  /* FADT minor version */
    st_le(F(140), dsdt, 8);                       /* X_DSDT */
    put_gas(F(148), 1, 32, 2, pm + ACPI_PM1_STS); /* X_PM1a_EVT_BLK */
    put_gas(F(172), 1, 16, 2, pm + ACPI_PM1_CNT); /* X_PM1a_CNT_BLK */
    put_gas(F(208), 1, 32, 3, pm + ACPI_PM_TMR);  /* X_PM_TMR_BLK */
#undef F
    return aml_build_table("FACP", 5, b, sizeof(b), len);
}

static uint8_t *build_facs(size_t *len)
{
    uint8_t *t = calloc(1, 64);

    memcpy(t, "FACS", 4);
    st_le(t + 4, 64, 4);
    t[32] = 2; /* version */
    *len = 64;
    return t;
}

static uint8_t *build_madt(const AcpiConfig *cfg, size_t *len)
{
    size_t n = 8 + cfg->cpu_count * 8 + 12 + 2 * 10 + 6;
    uint8_t *b = calloc(1, n);
    uint8_t *p = b + 8;
    uint8_t *tbl;

    st_le(b, 0xfee00000, 4); /* local APIC address */
    st_le(b + 4, 1, 4);      /* PCAT_COMPAT: dual 8259s present */
    for (unsigned i = 0; i < cfg->cpu_count; i++, p += 8) {
        p[0] = 0; /* Processor Local APIC */
        p[1] = 8;
        p[2] = (uint8_t)i; /* ACPI processor UID = \_SB.Cnnn._UID */
        p[3] = cfg->apic_ids ? cfg->apic_ids[i] : (uint8_t)i;
        st_le(p + 4, 1, 4); /* enabled */
    }
    p[0] = 1; /* I/O APIC */
    p[1] = 12;
    p[2] = cfg->ioapic_id;
    st_le(p + 4, cfg->ioapic_addr, 4);
    st_le(p + 8, 0, 4); /* GSI base */
    p += 12;
    /* Interrupt source overrides: the PIT's IRQ0 is wired to pin 2 */
    p[0] = 2;
    p[1] = 10;
    p[2] = 0; /* ISA */
    p[3] = 0;
    st_le(p + 4, 2, 4);
    st_le(p + 8, 0, 2); /* conforms to the bus */
    p += 10;
    /* the SCI: level triggered (bits 3:2 = 3), active high (bits 1:0 = 1) */
    p[0] = 2;
    p[1] = 10;
    p[2] = 0;
    p[3] = cfg->sci_irq;
    st_le(p + 4, cfg->sci_irq, 4);
    st_le(p + 8, 0x000d, 2);
    p += 10;
    /* Local APIC NMI: every processor (0xff), LINT1 */
    p[0] = 4;
    p[1] = 6;
    p[2] = 0xff;
    st_le(p + 3, 0, 2);
    p[5] = 1;
    tbl = aml_build_table("APIC", 3, b, n, len);
    free(b);
    return tbl;
}

static uint8_t *build_hpet(const AcpiConfig *cfg, size_t *len)
{
    uint8_t b[56 - 36];

    memset(b, 0, sizeof(b));
    st_le(b, cfg->hpet_block_id, 4);
    put_gas(b + 4, 0, 64, 0, cfg->hpet_addr); /* system memory */
    b[16] = 0;                                /* HPET number */
    st_le(b + 17, 0x80, 2);                   /* minimum clock tick in periodic mode */
    b[19] = 0;                                /* no page protection */
    return aml_build_table("HPET", 1, b, sizeof(b), len);
}

/* ---- the linker/loader script ---- */

enum {
    LOADER_ALLOCATE = 1,
    LOADER_ADD_POINTER = 2,
    LOADER_ADD_CHECKSUM = 3,
    LOADER_ZONE_HIGH = 1,
    LOADER_ZONE_FSEG = 2,
    LOADER_ENTRY_SIZE = 128,
    LOADER_FILESZ = 56,
};

static uint8_t *loader_entry(AcpiBuildTables *t, uint32_t cmd)
{
    uint8_t *e;

    t->loader = realloc(t->loader, t->loader_len + LOADER_ENTRY_SIZE);
    if (!t->loader) {
        abort();
    }
    e = t->loader + t->loader_len;
    memset(e, 0, LOADER_ENTRY_SIZE);
    t->loader_len += LOADER_ENTRY_SIZE;
    st_le(e, cmd, 4);
    return e + 4;
}

static void build_loader(AcpiBuildTables *t)
{
    uint8_t *e;

    e = loader_entry(t, LOADER_ALLOCATE);
    strcpy((char *)e, ACPI_FILE_RSDP);
    st_le(e + LOADER_FILESZ, 16, 4);
    e[LOADER_FILESZ + 4] = LOADER_ZONE_FSEG;
    e = loader_entry(t, LOADER_ALLOCATE);
    strcpy((char *)e, ACPI_FILE_TABLES);
    st_le(e + LOADER_FILESZ, 64, 4);
    e[LOADER_FILESZ + 4] = LOADER_ZONE_HIGH;
    for (int i = 0; i < t->nptrs; i++) {
        e = loader_entry(t, LOADER_ADD_POINTER);
        strcpy((char *)e, t->ptr[i].in_rsdp ? ACPI_FILE_RSDP : ACPI_FILE_TABLES);
        strcpy((char *)e + LOADER_FILESZ, ACPI_FILE_TABLES);
        st_le(e + 2 * LOADER_FILESZ, t->ptr[i].offset, 4);
        e[2 * LOADER_FILESZ + 4] = t->ptr[i].size;
    }
    for (int i = 0; i < t->ncsums; i++) {
        e = loader_entry(t, LOADER_ADD_CHECKSUM);
        strcpy((char *)e, t->csum[i].in_rsdp ? ACPI_FILE_RSDP : ACPI_FILE_TABLES);
        st_le(e + LOADER_FILESZ, t->csum[i].offset, 4);
        st_le(e + LOADER_FILESZ + 4, t->csum[i].start, 4);
        st_le(e + LOADER_FILESZ + 8, t->csum[i].len, 4);
    }
}

/* ---- putting it together ---- */

AcpiBuildTables acpi_build(const AcpiConfig *cfg)
{
    AcpiBuildTables t;
    Blob b = { 0 };
    uint32_t facs, dsdt, fadt, sdt_offs[4];
    uint32_t rsdt, xsdt;
    int nsdt = 0;
    uint8_t *tbl, *body;
    size_t len;

    memset(&t, 0, sizeof(t));
    tbl = build_facs(&len);
    facs = add_table(&t, &b, "FACS", tbl, len, 64, false);
    tbl = build_dsdt(cfg, &len);
    dsdt = add_table(&t, &b, "DSDT", tbl, len, 8, true);
    tbl = build_fadt(cfg, facs, dsdt, &len);
    fadt = add_table(&t, &b, "FACP", tbl, len, 8, true);
    add_ptr(&t, false, fadt + 36, 4);
    add_ptr(&t, false, fadt + 40, 4);
    add_ptr(&t, false, fadt + 140, 8);
    sdt_offs[nsdt++] = fadt;
    tbl = build_madt(cfg, &len);
    sdt_offs[nsdt++] = add_table(&t, &b, "APIC", tbl, len, 8, true);
    if (cfg->hpet) {
        tbl = build_hpet(cfg, &len);
        sdt_offs[nsdt++] = add_table(&t, &b, "HPET", tbl, len, 8, true);
    }

    body = calloc(1, 8 * (size_t)nsdt);
    for (int i = 0; i < nsdt; i++) {
        st_le(body + 4 * i, sdt_offs[i], 4);
    }
    tbl = aml_build_table("RSDT", 1, body, 4 * (size_t)nsdt, &len);
    rsdt = add_table(&t, &b, "RSDT", tbl, len, 8, true);
    for (int i = 0; i < nsdt; i++) {
        add_ptr(&t, false, rsdt + 36 + 4 * i, 4);
    }
    for (int i = 0; i < nsdt; i++) {
        st_le(body + 8 * i, sdt_offs[i], 8);
    }
    tbl = aml_build_table("XSDT", 1, body, 8 * (size_t)nsdt, &len);
    free(body);
    xsdt = add_table(&t, &b, "XSDT", tbl, len, 8, true);
    for (int i = 0; i < nsdt; i++) {
        add_ptr(&t, false, xsdt + 36 + 8 * i, 8);
    }
    t.tables = b.data;
    t.tables_len = b.len;

    /* RSDP 2.0: checksum over the first 20 bytes, extended over all 36 */
    memcpy(t.rsdp, "RSD PTR ", 8);
    memcpy(t.rsdp + 9, "TERN  ", 6);
    t.rsdp[15] = 2;
    st_le(t.rsdp + 16, rsdt, 4);
    st_le(t.rsdp + 20, ACPI_RSDP_LEN, 4);
    st_le(t.rsdp + 24, xsdt, 8);
    t.rsdp[8] = (uint8_t)-acpi_checksum(t.rsdp, 20);
    t.rsdp[32] = (uint8_t)-acpi_checksum(t.rsdp, ACPI_RSDP_LEN);
    add_ptr(&t, true, 16, 4);
    add_ptr(&t, true, 24, 8);
    t.csum[t.ncsums++] = (AcpiChecksum){ true, 8, 0, 20 };
    t.csum[t.ncsums++] = (AcpiChecksum){ true, 32, 0, ACPI_RSDP_LEN };

    build_loader(&t);
    return t;
}

void acpi_build_tables_free(AcpiBuildTables *t)
{
    free(t->tables);
    free(t->loader);
    memset(t, 0, sizeof(*t));
}

const AcpiTableEntry *acpi_find_table(const AcpiBuildTables *t, const char *sig)
{
    for (int i = 0; i < t->ntables; i++) {
        if (!memcmp(t->table[i].sig, sig, 4)) {
            return &t->table[i];
        }
    }
    return NULL;
}

uint64_t acpi_install_tables(const AcpiBuildTables *t, AddressSpace *as, uint64_t tables_addr,
                             uint64_t rsdp_addr)
{
    uint8_t *tables = malloc(t->tables_len);
    uint8_t rsdp[ACPI_RSDP_LEN];

    if (!tables) {
        abort();
    }
    memcpy(tables, t->tables, t->tables_len);
    memcpy(rsdp, t->rsdp, sizeof(rsdp));
    /* the same steps SeaBIOS's loader performs: relocate, then checksum */
    for (int i = 0; i < t->nptrs; i++) {
        uint8_t *p = (t->ptr[i].in_rsdp ? rsdp : tables) + t->ptr[i].offset;

        st_le(p, ld_le(p, t->ptr[i].size) + tables_addr, t->ptr[i].size);
    }
    for (int i = 0; i < t->ncsums; i++) {
        uint8_t *f = t->csum[i].in_rsdp ? rsdp : tables;

        f[t->csum[i].offset] -= acpi_checksum(f + t->csum[i].start, t->csum[i].len);
    }
    address_space_write_rom(as, tables_addr, MEMTXATTRS_UNSPECIFIED, tables, t->tables_len);
    address_space_write_rom(as, rsdp_addr, MEMTXATTRS_UNSPECIFIED, rsdp, sizeof(rsdp));
    free(tables);
    return rsdp_addr;
}

void acpi_add_fw_cfg(const AcpiBuildTables *t, FWCfgState *fw_cfg)
{
    fw_cfg_add_file(fw_cfg, ACPI_FILE_TABLES, t->tables, t->tables_len);
    fw_cfg_add_file(fw_cfg, ACPI_FILE_RSDP, t->rsdp, sizeof(t->rsdp));
    fw_cfg_add_file(fw_cfg, ACPI_FILE_LOADER, t->loader, t->loader_len);
}
