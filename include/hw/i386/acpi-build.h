/*
 * The ACPI tables of the PC machine: RSDP (2.0, with XSDT and RSDT), FADT
 * (revision 5), FACS, DSDT (AML from hw/acpi/aml-build.c), MADT and HPET.
 *
 * acpi_build() lays every table except the RSDP out in one "tables" blob
 * (addresses inside are offsets from the blob's start) and the RSDP in its
 * own 36-byte blob, and records how they link: pointer fields to relocate
 * and checksums to recompute. Two ways to put them in the guest:
 *
 *  - direct kernel boot: acpi_install_tables() copies both blobs to guest
 *    addresses, relocates, fixes checksums, and returns the RSDP address
 *    for boot_params.acpi_rsdp_addr (placing the RSDP on a 16-byte
 *    boundary in 0xe0000-0xfffff also lets a kernel find it by scanning);
 *  - BIOS boot: acpi_add_fw_cfg() adds "etc/acpi/tables", "etc/acpi/rsdp"
 *    and "etc/table-loader" (QEMU's BIOS linker/loader interface: 128-byte
 *    ALLOCATE / ADD_POINTER / ADD_CHECKSUM commands) so SeaBIOS allocates,
 *    links and checksums them itself.
 *
 * The PM block layout the FADT describes is the PIIX4 PM function's
 * (include/hw/acpi/piix4-pm.h): PM1a_EVT at pm_io_base, PM1a_CNT at +4,
 * PM_TMR at +8 (24-bit), SCI on cfg->sci_irq, \_S5 = SLP_TYP 0.
 *
 * Wiring on the PC (board code):
 *     AcpiConfig cfg;
 *     acpi_config_default(&cfg);
 *     cfg.cpu_count = ncpus; cfg.low_ram_top = below_4g_ram;
 *     cfg.hpet = <an HPET is mapped at 0xfed00000>; cfg.hpet_block_id = its caps[31:0];
 *     cfg.ioapic_id = <the IOAPIC's id>; cfg.serial_count = <COM ports>;
 *     AcpiBuildTables t = acpi_build(&cfg);
 *     BIOS:    acpi_add_fw_cfg(&t, fw_cfg);             (copies the data)
 *     -kernel: rsdp = acpi_install_tables(&t, &address_space_memory, addr, 0xe0000);
 *              boot_params.acpi_rsdp_addr = rsdp; the e820 map marks
 *              [addr, addr + t.tables_len) ACPI (type 3).
 *     acpi_build_tables_free(&t);
 * SeaBIOS programs the PIIX4 PM's PMBA to 0x600 itself, which is
 * AcpiConfig's default pm_io_base.
 */
#ifndef HW_I386_ACPI_BUILD_H
#define HW_I386_ACPI_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exec/memory.h"

typedef struct FWCfgState FWCfgState;

typedef struct AcpiConfig {
    unsigned cpu_count;        /* processors: MADT entries and \_SB.Cnnn, 1..255 */
    const uint8_t *apic_ids;   /* APIC id of CPU n (NULL: n) */
    uint64_t low_ram_top;      /* end of RAM below 4 GiB: the PCI hole starts here */
    uint64_t pci_hole64_start; /* optional 64-bit PCI window (size 0: none) */
    uint64_t pci_hole64_size;
    uint16_t pm_io_base;      /* PIIX4 PM I/O base (0x600 on the PC) */
    uint8_t sci_irq;          /* 9 */
    uint8_t ioapic_id;        /* the IOAPIC's id register */
    uint32_t ioapic_addr;     /* 0xfec00000 */
    bool hpet;                /* HPET table and \_SB.PCI0.ISA_.HPET */
    uint32_t hpet_addr;       /* 0xfed00000 */
    uint32_t hpet_block_id;   /* low 32 bits of the HPET capabilities register */
    unsigned serial_count;    /* COM1..COM2 present (0-2) */
    uint16_t reset_port;      /* FADT RESET_REG (0xcf9: the PIIX3 RCR) */
    uint8_t reset_value;      /* 0x06: hard reset */
    uint8_t isa_bridge_devfn; /* PIIX3 function 0 (slot 1: 0x08) */
} AcpiConfig;

/* Fill cfg with the PC defaults (1 CPU, 128 MiB, PM at 0x600, ...). */
void acpi_config_default(AcpiConfig *cfg);

/* A pointer field: at (file, offset) size bytes holding an offset into
 * the tables blob, to which the blob's guest address is added. */
typedef struct AcpiPointer {
    bool in_rsdp; /* the field is in the RSDP blob, else in the tables */
    uint32_t offset;
    uint8_t size;
} AcpiPointer;

/* A checksum byte at offset over [start, start + len) of one blob. */
typedef struct AcpiChecksum {
    bool in_rsdp;
    uint32_t offset, start, len;
} AcpiChecksum;

/* Where a table sits in the tables blob. */
typedef struct AcpiTableEntry {
    char sig[5];
    uint32_t offset, len;
} AcpiTableEntry;

#define ACPI_MAX_TABLES 16
#define ACPI_MAX_PTRS   48
#define ACPI_RSDP_LEN   36

typedef struct AcpiBuildTables {
    uint8_t *tables; /* FACS, DSDT, FADT, MADT, HPET, RSDT, XSDT */
    size_t tables_len;
    uint8_t rsdp[ACPI_RSDP_LEN];
    AcpiTableEntry table[ACPI_MAX_TABLES];
    int ntables;
    AcpiPointer ptr[ACPI_MAX_PTRS];
    int nptrs;
    AcpiChecksum csum[ACPI_MAX_TABLES + 2];
    int ncsums;
    uint8_t *loader; /* etc/table-loader contents, 128 bytes a command */
    size_t loader_len;
} AcpiBuildTables;

#define ACPI_FILE_TABLES "etc/acpi/tables"
#define ACPI_FILE_RSDP   "etc/acpi/rsdp"
#define ACPI_FILE_LOADER "etc/table-loader"

AcpiBuildTables acpi_build(const AcpiConfig *cfg);
void acpi_build_tables_free(AcpiBuildTables *t);
/* The table with that signature in the blob, or NULL. */
const AcpiTableEntry *acpi_find_table(const AcpiBuildTables *t, const char *sig);

/*
 * Direct kernel boot: write the tables at tables_addr (64-byte aligned,
 * in RAM the e820 map marks ACPI-reclaimable: the caller's business) and
 * the RSDP at rsdp_addr (16-byte aligned), linked for those addresses.
 * Writes through address_space_write_rom, so ROM areas work too.
 * Returns rsdp_addr.
 */
uint64_t acpi_install_tables(const AcpiBuildTables *t, AddressSpace *as, uint64_t tables_addr,
                             uint64_t rsdp_addr);

/* BIOS boot: the three fw_cfg files (the data is copied). */
void acpi_add_fw_cfg(const AcpiBuildTables *t, FWCfgState *fw_cfg);

#endif
