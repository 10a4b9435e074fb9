/*
 * The PC's ACPI tables: every table's length and checksum, the RSDP ->
 * RSDT/XSDT -> FADT/MADT/HPET and FADT -> FACS/DSDT links after installing
 * them at guest addresses, the same result through the fw_cfg
 * linker/loader script (executed here as SeaBIOS would), the MADT entries,
 * a few AML encodings, and ACPICA's iasl: every table disassembles with
 * no error or warning and the disassembled DSDT compiles again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hw/acpi/aml-build.h"
#include "hw/i386/acpi-build.h"
#include "hw/nvram/fw_cfg.h"
#include "tap.h"
#include "util/main-loop.h"

#define RAM_SIZE    (2u << 20)
#define TABLES_ADDR 0x100000
#define RSDP_ADDR   0xe0000

static MemoryRegion ram;
static uint8_t *ram_ptr;

static uint64_t ld(const uint8_t *p, int n)
{
    uint64_t v = 0;

    for (int i = n - 1; i >= 0; i--) {
        v = v << 8 | p[i];
    }
    return v;
}

static AcpiConfig test_config(void)
{
    AcpiConfig cfg;

    acpi_config_default(&cfg);
    cfg.cpu_count = 4;
    cfg.low_ram_top = 128u << 20; /* as qemu -m 128M in run-acpi-qemu.sh */
    cfg.pci_hole64_start = 0x100000000ull;
    cfg.pci_hole64_size = 0x80000000ull;
    cfg.serial_count = 2;
    return cfg;
}

/* ---- AML encodings ---- */

static bool aml_is(Aml *a, const uint8_t *want, size_t n)
{
    bool ok = aml_len(a) == n && !memcmp(aml_data(a), want, n);

    aml_free(a);
    return ok;
}

static void test_aml(void)
{
    static const uint8_t zero[] = { 0x00 }, one[] = { 0x01 }, byte[] = { 0x0a, 0x80 };
    static const uint8_t word[] = { 0x0b, 0x34, 0x12 };
    static const uint8_t dword[] = { 0x0c, 0x78, 0x56, 0x34, 0x12 };
    static const uint8_t qword[] = { 0x0e, 0, 0, 0, 0, 1, 0, 0, 0 };
    static const uint8_t eisa[] = { 0x0c, 0x41, 0xd0, 0x0a, 0x03 }; /* PNP0A03 */
    static const uint8_t path[] = { 0x5c, 0x2e, '_', 'S', 'B', '_', 'P', 'C', 'I', '0' };
    Aml *pkg, *scope;
    const uint8_t *d;

    tap_ok(aml_is(aml_int(0), zero, 1) && aml_is(aml_int(1), one, 1) &&
               aml_is(aml_int(0x80), byte, 2) && aml_is(aml_int(0x1234), word, 3) &&
               aml_is(aml_int(0x12345678), dword, 5) && aml_is(aml_int(1ull << 32), qword, 9),
           "integers take the shortest encoding");
    tap_ok(aml_is(aml_eisaid("PNP0A03"), eisa, 5), "EisaId(PNP0A03) = 0x030AD041");
    tap_ok(aml_is(aml_name("\\_SB.PCI0"), path, sizeof(path)), "a two-segment root path");

    /* a package of 40 words: 121 body bytes need a two-byte PkgLength */
    pkg = aml_package();
    for (int i = 0; i < 40; i++) {
        aml_append(pkg, aml_int(0x1000 + i));
    }
    d = aml_data(pkg);
    tap_ok(aml_len(pkg) == 1 + 2 + 1 + 120 && d[0] == 0x12 && (d[1] >> 6) == 1 &&
               ((d[1] & 0xf) | d[2] << 4) == 2 + 1 + 120 && d[3] == 40,
           "Package: two-byte PkgLength counting itself, NumElements");
    aml_free(pkg);

    scope = aml_scope("_SB");
    d = aml_data(scope);
    tap_ok(aml_len(scope) == 6 && d[0] == 0x10 && d[1] == 5, "an empty Scope: one-byte PkgLength");
    aml_free(scope);
}

/* ---- table structure ---- */

static bool table_ok(const uint8_t *t, size_t room, const char *sig)
{
    uint32_t len = (uint32_t)ld(t + 4, 4);

    return !memcmp(t, sig, 4) && len >= 36 && len <= room && acpi_checksum(t, len) == 0;
}

static void check_linked(const uint8_t *mem, uint64_t base, uint64_t rsdp_addr, const char *how)
{
    const uint8_t *rsdp = mem + (rsdp_addr - base);
    const uint8_t *rsdt, *xsdt, *fadt;
    size_t room = RAM_SIZE - TABLES_ADDR;
    bool ok;
    int nx, nr;

#define AT(a) (mem + ((a)-base))
    tap_ok(!memcmp(rsdp, "RSD PTR ", 8) && rsdp[15] == 2 && acpi_checksum(rsdp, 20) == 0 &&
               acpi_checksum(rsdp, 36) == 0 && ld(rsdp + 20, 4) == 36,
           "%s: RSDP 2.0 with both checksums valid", how);
    rsdt = AT(ld(rsdp + 16, 4));
    xsdt = AT(ld(rsdp + 24, 8));
    tap_ok(table_ok(rsdt, room, "RSDT") && table_ok(xsdt, room, "XSDT"),
           "%s: RSDP points to a valid RSDT and XSDT", how);
    nr = (int)(ld(rsdt + 4, 4) - 36) / 4;
    nx = (int)(ld(xsdt + 4, 8 > 4 ? 4 : 4) - 36) / 8;
    ok = nr == nx && nx == 3;
    for (int i = 0; ok && i < nx; i++) {
        static const char *const sigs[] = { "FACP", "APIC", "HPET" };

        ok = ld(xsdt + 36 + 8 * i, 8) == ld(rsdt + 36 + 4 * i, 4) &&
             table_ok(AT(ld(xsdt + 36 + 8 * i, 8)), room, sigs[i]);
    }
    tap_ok(ok, "%s: XSDT and RSDT list the same valid FACP, APIC, HPET", how);
    fadt = AT(ld(xsdt + 36, 8));
    tap_ok(ld(fadt + 4, 4) == 268 && fadt[8] == 5, "%s: FADT revision 5, 268 bytes", how);
    tap_ok(ld(fadt + 40, 4) == ld(fadt + 140, 8) && table_ok(AT(ld(fadt + 140, 8)), room, "DSDT"),
           "%s: FADT DSDT and X_DSDT point to the DSDT", how);
    tap_ok(!memcmp(AT(ld(fadt + 36, 4)), "FACS", 4) && ld(fadt + 36, 4) % 64 == 0 &&
               ld(AT(ld(fadt + 36, 4)) + 4, 4) == 64,
           "%s: FIRMWARE_CTRL points to a 64-byte aligned FACS", how);
#undef AT
}

static void test_tables(void)
{
    AcpiConfig cfg = test_config();
    AcpiBuildTables t = acpi_build(&cfg);
    const AcpiTableEntry *e;
    bool ok = true;

    for (int i = 0; i < t.ntables; i++) {
        const uint8_t *p = t.tables + t.table[i].offset;

        if (ld(p + 4, 4) != t.table[i].len || memcmp(p, t.table[i].sig, 4)) {
            ok = false;
        }
        if (strcmp(t.table[i].sig, "FACS") && acpi_checksum(p, t.table[i].len)) {
            ok = false;
        }
    }
    tap_ok(ok && t.ntables == 7, "7 tables, each with its length and a valid checksum");
    e = acpi_find_table(&t, "FACP");
    tap_ok(e && ld(t.tables + e->offset + 46, 2) == 9 &&
               ld(t.tables + e->offset + 56, 4) == 0x600 &&
               ld(t.tables + e->offset + 76, 4) == 0x608 && t.tables[e->offset + 116] == 1 &&
               ld(t.tables + e->offset + 120, 8) == 0xcf9 && t.tables[e->offset + 128] == 6 &&
               ld(t.tables + e->offset + 109, 2) == 3 &&
               !(ld(t.tables + e->offset + 112, 4) & (1u << 20)),
           "FADT: SCI 9, PM1a_EVT 0x600, PM_TMR 0x608, reset 6 to I/O 0xcf9, 8042 + legacy, "
           "not hardware-reduced");

    /* MADT */
    e = acpi_find_table(&t, "APIC");
    if (e) {
        const uint8_t *p = t.tables + e->offset + 44, *end = t.tables + e->offset + e->len;
        int lapics = 0, ioapics = 0, isos = 0, nmis = 0;
        bool irq0 = false, sci = false, good = true;

        while (p < end && good) {
            if (p[1] < 2 || p + p[1] > end) {
                good = false;
                break;
            }
            switch (p[0]) {
            case 0:
                good = p[1] == 8 && p[2] == lapics && p[3] == lapics && ld(p + 4, 4) == 1;
                lapics++;
                break;
            case 1:
                good = p[1] == 12 && ld(p + 4, 4) == 0xfec00000 && ld(p + 8, 4) == 0;
                ioapics++;
                break;
            case 2:
                irq0 |= p[3] == 0 && ld(p + 4, 4) == 2;
                sci |= p[3] == 9 && ld(p + 4, 4) == 9 && ld(p + 8, 2) == 0x000d;
                isos++;
                break;
            case 4:
                good = p[2] == 0xff && p[5] == 1;
                nmis++;
                break;
            default:
                good = false;
            }
            p += p[1];
        }
        tap_ok(good && p == end && ld(t.tables + e->offset + 36, 4) == 0xfee00000,
               "MADT: well-formed entries, LAPIC at 0xfee00000");
        tap_ok(lapics == 4 && ioapics == 1 && isos == 2 && nmis == 1,
               "MADT: 4 enabled LAPICs (uid = APIC id = n), 1 IOAPIC at 0xfec00000 GSI 0, 2 "
               "overrides, LINT1 NMI");
        tap_ok(irq0 && sci, "MADT: IRQ0 -> GSI 2; SCI level, active high");
    } else {
        tap_ok(false, "MADT present");
    }
    e = acpi_find_table(&t, "HPET");
    tap_ok(e && ld(t.tables + e->offset + 36, 4) == cfg.hpet_block_id &&
               ld(t.tables + e->offset + 44, 8) == 0xfed00000,
           "HPET: block id and base 0xfed00000");

    /* direct boot: install at guest addresses */
    memset(ram_ptr, 0, RAM_SIZE);
    tap_ok(acpi_install_tables(&t, &address_space_memory, TABLES_ADDR, RSDP_ADDR) == RSDP_ADDR,
           "install returns the RSDP address");
    check_linked(ram_ptr, 0, RSDP_ADDR, "installed");
    acpi_build_tables_free(&t);
}

/* A minimal machine: one CPU, no HPET, no serial ports, no 64-bit hole. */
static void test_minimal(void)
{
    AcpiConfig cfg;
    AcpiBuildTables t;
    const AcpiTableEntry *x, *m;
    bool ok = true;

    acpi_config_default(&cfg);
    cfg.hpet = false;
    cfg.serial_count = 0;
    t = acpi_build(&cfg);
    for (int i = 0; i < t.ntables; i++) {
        if (strcmp(t.table[i].sig, "FACS") &&
            acpi_checksum(t.tables + t.table[i].offset, t.table[i].len)) {
            ok = false;
        }
    }
    x = acpi_find_table(&t, "XSDT");
    m = acpi_find_table(&t, "APIC");
    tap_ok(ok && !acpi_find_table(&t, "HPET") && x && x->len == 36 + 2 * 8 && m &&
               m->len == 44 + 8 + 12 + 2 * 10 + 6,
           "without HPET: FACP and APIC only, one LAPIC, checksums valid");
    acpi_build_tables_free(&t);
}

/* Run etc/table-loader the way SeaBIOS's romfile loader does. */
static void test_loader(void)
{
    AcpiConfig cfg = test_config();
    AcpiBuildTables t = acpi_build(&cfg);
    uint8_t *mem = calloc(1, RAM_SIZE);
    uint64_t addr[2] = { 0, 0 }; /* tables, rsdp */
    bool ok = t.loader_len % 128 == 0 && t.loader_len > 0;
    uint64_t next_high = TABLES_ADDR, next_fseg = RSDP_ADDR;

    for (size_t off = 0; ok && off < t.loader_len; off += 128) {
        const uint8_t *c = t.loader + off;
        const char *file = (const char *)c + 4;
        int which = !strcmp(file, ACPI_FILE_TABLES) ? 0 : !strcmp(file, ACPI_FILE_RSDP) ? 1 : -1;

        if (which < 0) {
            ok = false;
            break;
        }
        switch (ld(c, 4)) {
        case 1: { /* ALLOCATE: file, align, zone */
            uint32_t align = (uint32_t)ld(c + 60, 4);
            uint8_t zone = c[64];
            uint64_t *next = zone == 2 ? &next_fseg : &next_high;

            *next = (*next + align - 1) & ~(uint64_t)(align - 1);
            addr[which] = *next;
            if (which == 0) {
                memcpy(mem + *next, t.tables, t.tables_len);
                *next += t.tables_len;
            } else {
                memcpy(mem + *next, t.rsdp, ACPI_RSDP_LEN);
                *next += ACPI_RSDP_LEN;
            }
            ok = (which == 1) == (zone == 2);
            break;
        }
        case 2: { /* ADD_POINTER: dest, src, offset, size */
            const char *src = (const char *)c + 60;
            uint32_t o = (uint32_t)ld(c + 116, 4);
            uint8_t size = c[120];
            uint8_t *p = mem + addr[which] + o;

            ok = !strcmp(src, ACPI_FILE_TABLES) && addr[which] && addr[0] &&
                 (size == 4 || size == 8);
            if (ok) {
                uint64_t v = ld(p, size) + addr[0];

                for (int i = 0; i < size; i++) {
                    p[i] = (uint8_t)(v >> (8 * i));
                }
            }
            break;
        }
        case 3: { /* ADD_CHECKSUM: file, offset, start, length */
            uint8_t *f = mem + addr[which];

            f[ld(c + 60, 4)] -= acpi_checksum(f + ld(c + 64, 4), ld(c + 68, 4));
            break;
        }
        default:
            ok = false;
        }
    }
    tap_ok(ok && addr[0] == TABLES_ADDR && addr[1] == RSDP_ADDR,
           "table-loader: ALLOCATE (tables HIGH, RSDP FSEG), ADD_POINTER, ADD_CHECKSUM only");
    check_linked(mem, 0, RSDP_ADDR, "loader");
    tap_ok(!memcmp(mem, ram_ptr, RAM_SIZE), "loader result equals the direct install");
    free(mem);
    acpi_build_tables_free(&t);
}

/* The three files, as the firmware reads them through the fw_cfg ports. */
static bool fw_cfg_file_is(FWCfgState *fw, const char *name, const uint8_t *want, size_t len)
{
    uint16_t key = fw_cfg_find_file(fw, name);
    bool ok = key != FW_CFG_INVALID;

    address_space_stw(&address_space_io, FW_CFG_IO_BASE, key, MEMTXATTRS_UNSPECIFIED, NULL);
    for (size_t i = 0; ok && i < len; i++) {
        ok = address_space_ldub(&address_space_io, FW_CFG_IO_BASE + 1, MEMTXATTRS_UNSPECIFIED,
                                NULL) == want[i];
    }
    return ok;
}

static void test_fw_cfg(void)
{
    AcpiConfig cfg = test_config();
    AcpiBuildTables t = acpi_build(&cfg);
    FWCfgState *fw = fw_cfg_init_io_dma(FW_CFG_IO_BASE, FW_CFG_DMA_IO_BASE, NULL);

    acpi_add_fw_cfg(&t, fw);
    tap_ok(fw_cfg_file_is(fw, "etc/acpi/tables", t.tables, t.tables_len) &&
               fw_cfg_file_is(fw, "etc/acpi/rsdp", t.rsdp, ACPI_RSDP_LEN) &&
               fw_cfg_file_is(fw, "etc/table-loader", t.loader, t.loader_len),
           "fw_cfg: etc/acpi/tables, etc/acpi/rsdp and etc/table-loader read back");
    acpi_build_tables_free(&t);
}

/* ---- ACPICA ---- */

static char *run(const char *cmd, int *status)
{
    FILE *f = popen(cmd, "r");
    char *out = calloc(1, 1 << 16);
    size_t n = 0;

    if (!f) {
        *status = -1;
        return out;
    }
    while (n < (1u << 16) - 1 && fgets(out + n, (int)((1u << 16) - 1 - n), f)) {
        n += strlen(out + n);
    }
    *status = pclose(f);
    return out;
}

static bool iasl_clean(const char *out)
{
    /* iasl's summary: "Compilation successful. 0 Errors, 0 Warnings, ..."
     * or per-message "Warning  nnnn" / "Error    nnnn" lines */
    return !strstr(out, "Warning ") && !strstr(out, "Error ") && !strstr(out, "Warning\t") &&
           !strstr(out, "Error\t");
}

static void test_iasl(void)
{
    AcpiConfig cfg = test_config();
    AcpiBuildTables t = acpi_build(&cfg);
    char dir[256] = "/tmp/tern-acpi-XXXXXX";
    const char *keep = getenv("TERN_ACPI_KEEP");
    char cmd[1024], path[300];
    int status;
    char *out;

    if (keep && keep[0] == '/') {
        /* TERN_ACPI_KEEP=/some/dir: write there (the QEMU cross-check) */
        snprintf(dir, sizeof(dir), "%s", keep);
        mkdir(dir, 0777);
    } else if (!mkdtemp(dir)) {
        tap_ok(false, "temporary directory");
        return;
    }
    out = run("iasl -v 2>&1", &status);
    tap_ok(strstr(out, "ACPI") != NULL,
           "iasl (Debian acpica-tools, scripts/install-deps.sh) is installed");
    free(out);

    for (int i = 0; i < t.ntables; i++) {
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s.dat", dir, t.table[i].sig);
        f = fopen(path, "wb");
        fwrite(t.tables + t.table[i].offset, 1, t.table[i].len, f);
        fclose(f);
        snprintf(cmd, sizeof(cmd), "cd %s && iasl -d %s.dat 2>&1", dir, t.table[i].sig);
        out = run(cmd, &status);
        snprintf(path, sizeof(path), "%s/%s.dsl", dir, t.table[i].sig);
        if (!tap_ok(status == 0 && iasl_clean(out) && access(path, R_OK) == 0,
                    "iasl -d %s: no errors or warnings", t.table[i].sig)) {
            tap_diag("%s", out);
        }
        free(out);
    }
    /* (iasl -d cannot read a binary RSDP, which has no table header: the
     * RSDP is checked field by field above) */

    /* round trip: the disassembled DSDT compiles again */
    snprintf(cmd, sizeof(cmd), "cd %s && iasl -p DSDT2 DSDT.dsl 2>&1", dir);
    out = run(cmd, &status);
    snprintf(path, sizeof(path), "%s/DSDT2.aml", dir);
    if (!tap_ok(status == 0 && iasl_clean(out) && access(path, R_OK) == 0,
                "iasl recompiles the disassembled DSDT with no errors or warnings")) {
        tap_diag("%s", out);
    }
    free(out);
    snprintf(cmd, sizeof(cmd),
             "grep -c 'Device (LNK' %s/DSDT.dsl; grep -c 'PNP0A03\\|ACPI0007' "
             "%s/DSDT.dsl",
             dir, dir);
    out = run(cmd, &status);
    tap_ok(!strncmp(out, "4\n", 2), "the DSDT has the four PCI links");
    free(out);

    /* run the link methods in ACPICA's interpreter (acpiexec simulates
     * the PCI_Config region): _SRS routes LNKB to IRQ 11 through PRQB,
     * _CRS reports it, _DIS sets bit 7 and _STA then says disabled */
    snprintf(cmd, sizeof(cmd),
             "cd %s && timeout 60 acpiexec -b '"
             "evaluate \\_SB.LNKB._SRS (89 06 00 09 01 0b 00 00 00 79 00); "
             "evaluate \\_SB.PCI0.ISA.PRQB; evaluate \\_SB.LNKB._CRS; "
             "evaluate \\_SB.LNKB._STA; evaluate \\_SB.LNKB._DIS; "
             "evaluate \\_SB.PCI0.ISA.PRQB; evaluate \\_SB.LNKB._STA; "
             "evaluate \\_SB.C003._UID' DSDT.dat 2>&1",
             dir);
    out = run(cmd, &status);
    {
        static const char *const want[] = {
            "Evaluating \\_SB.PCI0.ISA.PRQB", "[Integer] = 000000000000000B",
            "Evaluating \\_SB.LNKB._CRS",     "89 06 00 09 01 0B 00 00 00 79 00",
            "Evaluating \\_SB.LNKB._STA",     "[Integer] = 000000000000000B",
            "Evaluating \\_SB.PCI0.ISA.PRQB", "[Integer] = 000000000000008B",
            "Evaluating \\_SB.LNKB._STA",     "[Integer] = 0000000000000009",
            "Evaluating \\_SB.C003._UID",     "[Integer] = 0000000000000003",
        };
        const char *p = out;
        bool ok = status == 0 && !strstr(out, "AE_");

        for (size_t i = 0; ok && i < sizeof(want) / sizeof(want[0]); i++) {
            p = strstr(p, want[i]);
            ok = p != NULL;
        }
        if (!tap_ok(ok, "acpiexec: LNKB _SRS/_CRS/_DIS/_STA drive PRQB; C003._UID = 3")) {
            tap_diag("%s", out);
        }
    }
    free(out);

    /* TERN_ACPI_KEEP (=1, or a directory) keeps the tables and listings */
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (keep) {
        /* and the fw_cfg files, e.g. for qemu -machine acpi=off -fw_cfg */
        static const char *const names[3] = { "tables.bin", "rsdp.bin", "loader.bin" };
        const void *data[3] = { t.tables, t.rsdp, t.loader };
        size_t lens[3] = { t.tables_len, ACPI_RSDP_LEN, t.loader_len };

        for (int i = 0; i < 3; i++) {
            FILE *f;

            snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
            f = fopen(path, "wb");
            if (f) {
                fwrite(data[i], 1, lens[i], f);
                fclose(f);
            }
        }
        tap_diag("tables, fw_cfg files and iasl listings kept in %s", dir);
    } else if (system(cmd) != 0) {
        tap_diag("could not remove %s", dir);
    }
    acpi_build_tables_free(&t);
}

int main(void)
{
    Error *err = NULL;

    qemu_init_main_loop(&error_abort);
    bql_lock();
    if (!memory_region_init_ram(&ram, NULL, "ram", RAM_SIZE, &err)) {
        fprintf(stderr, "ram: %s\n", error_get_pretty(err));
        return 1;
    }
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    ram_ptr = memory_region_get_ram_ptr(&ram);

    test_aml();
    test_tables();
    test_minimal();
    test_loader();
    test_fw_cfg();
    test_iasl();
    bql_unlock();
    return tap_done();
}
