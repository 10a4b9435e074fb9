/*
 * The PC machine: what "-machine pc" builds.
 *
 * Memory: one RAM block, shown below 4 GiB up to 3.5 GiB ("ram-below-4g")
 * and the rest from 4 GiB ("ram-above-4g"); the i440FX maps the PCI hole
 * from the end of low RAM to 4 GiB and the PAM/SMRAM views under 1 MiB.
 * The BIOS is a ROM ending at 4 GiB, its last 128 KiB aliased below 1 MiB
 * in PCI memory, where the PAM registers show it until SeaBIOS shadows
 * itself into RAM.
 *
 * Devices: i440FX host bridge (00.0), PIIX3 ISA bridge (01.0) with its ISA
 * bus, PIIX3 IDE (01.1), VGA (02.0, vgabios-stdvga.bin as option ROM);
 * on ISA: the i8259 pair (INT to the CPU's INTR), i8254 PIT, MC146818 RTC
 * with the CMOS contents SeaBIOS reads, four 16550A UARTs, port 0x80,
 * port 0x92 (A20 gate, fast reset), the i8042 when its model is built in,
 * a debug console on 0x402 with -debugcon; fw_cfg at 0x510 (DMA 0x514).
 *
 * CPUs (-smp N): each with its local APIC (APIC id = CPU index; the
 * boot CPU's LINT0 carries the master 8259's INT in ExtINT mode); the
 * application processors wait for INIT/SIPI. get_irq_vector acknowledges
 * at the APIC, else at the 8259 when LINT0 passes it. Every ISA IRQ goes
 * to the 8259 and to the IOAPIC (IRQ 0 on GSI 2, the MADT's override);
 * the HPET's outputs go to the IOAPIC, and in legacy replacement mode its
 * timers 0/1 replace the PIT and RTC lines. PIIX4 PM at 01.3 (PM block at
 * 0x600, SCI on IRQ 9; its DEVACTB says "no SMM" so SeaBIOS skips SMM).
 * A triple fault requests a machine reset.
 *
 * Firmware: SeaBIOS gets the ACPI tables through fw_cfg (table-loader).
 * Direct kernel boot (-kernel without -bios): no firmware at all; at every
 * reset the board installs the ACPI tables at the top of low RAM (e820
 * type ACPI) and x86_load_linux loads the kernel, boot_params with the
 * e820 map below and the RSDP address, and starts the boot CPU at the
 * kernel's 32-bit entry. The code cache is flushed at every reset.
 * -kernel with -bios: x86_fw_cfg_boot_setup publishes the kernel through
 * fw_cfg and SeaBIOS boots it with our option ROM (genroms/linuxboot.bin).
 *
 * A20: the CPU sees memory through its own address space "cpu-memory", an
 * alias of the system memory, so that the A20 gate masks CPU accesses only
 * (DMA keeps using the system memory). The gate is open while port 0x92
 * bit 1 or the i8042 output port bit 1 is set (the chipset ORs them);
 * when both are clear, physical address bit 20 reads as 0: each odd MiB
 * [2k+1 MiB, 2k+2 MiB) of the CPU's view becomes an alias of the even MiB
 * below it (the "a20-wrap" regions, enabled only then). Turning them on or
 * off is a memory map change, so the vCPU TLB is flushed (softmmu/cpus.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "block/block.h"
#include "exec/cpu-exec.h"
#include "exec/cputlb.h"
#include "exec/memory.h"
#include "hw/char/debugcon.h"
#include "hw/acpi/piix4-pm.h"
#include "hw/char/serial.h"
#include "hw/display/vga-pci.h"
#include "hw/core/qdev-properties.h"
#include "hw/core/qdev.h"
#include "hw/i386/acpi-build.h"
#include "hw/i386/pc.h"
#include "hw/i386/x86-boot.h"
#include "hw/i386/x86-fw-cfg-boot.h"
#include "hw/ide/ide.h"
#include "hw/ide/piix.h"
#include "hw/core/sysbus.h"
#include "hw/intc/apic.h"
#include "hw/intc/i8259.h"
#include "hw/intc/ioapic.h"
#include "hw/isa/isa.h"
#include "hw/isa/piix3.h"
#include "hw/misc/port80.h"
#include "hw/nvram/fw_cfg.h"
#include "hw/pci-host/i440fx.h"
#include "hw/pci/pci.h"
#include "hw/timer/hpet.h"
#include "hw/timer/i8254.h"
#include "hw/timer/mc146818rtc.h"
#include "sysemu/cpus.h"
#include "sysemu/runstate.h"
#include "target/i386/cpu.h"
#include "util/log.h"
#include "util/main-loop.h"

#define PC_LOWMEM_MAX  0xe0000000ull /* 3.5 GiB: the PCI hole above */
#define ISA_BIOS_MAX   0x20000       /* 128 KiB shown below 1 MiB */
#define BIOS_MAX_SIZE  (16u << 20)
#define CODE_CACHE_SIZE (128u << 20)
#define PC_MAX_CPUS    64
#define PC_PM_IO_BASE  0x600
#define PC_SCI_IRQ     9
#define PC_ACPI_AREA   0x20000 /* direct boot: the tables at the top of low RAM */
#define PC_BOOT_E820_MAX 16

struct PCMachineState {
    PCMachineConfig cfg;
    uint64_t below_4g, above_4g;
    MemoryRegion ram, ram_below_4g, ram_above_4g;
    MemoryRegion bios, isa_bios;
    MemoryRegion port92_io;
    uint8_t port92;
    /* A20 (see the top): the CPU's view and the wrap aliases */
    MemoryRegion cpu_root, cpu_sysmem;
    AddressSpace cpu_as;
    MemoryRegion *a20_wrap;
    unsigned nr_a20_wrap;
    bool kbc_a20, a20_masked;
    qemu_irq a20_line;
    X86CPU *cpu; /* the boot CPU, cpus[0] */
    X86CPU *cpus[PC_MAX_CPUS];
    DeviceState *apic[PC_MAX_CPUS];
    DeviceState *ioapic, *hpet;
    qemu_irq *hpet_gsi; /* the HPET's outputs to the IOAPIC, kept for the machine's life */
    bool hpet_legacy; /* HPET legacy replacement: the PIT and RTC are cut off */
    PCIDevice *pm;
    qemu_irq isa_irq[16]; /* ISA IRQ n: the 8259's input n and the IOAPIC's GSI */
    /* direct kernel boot */
    bool direct_boot;
    AcpiBuildTables acpi;
    uint64_t acpi_addr;
    X86BootE820Entry boot_e820[PC_BOOT_E820_MAX];
    unsigned boot_e820_n;
    qemu_irq cpu_intr, reset_line;
    qemu_irq *i8259;
    DeviceState *pic, *rtc;
    I440FXHost *host;
    PIIX3State *piix3;
    ISABus *isa;
    PCIDevice *ide, *vga;
    FWCfgState *fw_cfg;
    BlockBackend *blk[PC_MAX_DRIVES];
    uint8_t e820[2 * 20];
    uint16_t sercon_port;
};

char *pc_find_firmware(const char *name)
{
    struct stat st;
    char *path;

    if (strchr(name, '/')) {
        path = strdup(name);
    } else {
        size_t n = strlen(PC_FIRMWARE_DIR) + strlen(name) + 2;
        path = malloc(n);
        snprintf(path, n, "%s/%s", PC_FIRMWARE_DIR, name);
    }
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        free(path);
        return NULL;
    }
    return path;
}

/* ---- CPU wiring ---- */

static PCMachineState *pc_the_machine; /* for the CPU hooks */

static int pc_cpu_slot(PCMachineState *ms, CPUState *cs)
{
    for (int i = 0; i < ms->cfg.smp; i++) {
        if (ms->cpus[i] && &ms->cpus[i]->parent == cs) {
            return i;
        }
    }
    return -1;
}

/*
 * Acknowledge an interrupt for cs: its local APIC's highest deliverable
 * vector first, else the 8259's when LINT0 passes it (ExtINT, virtual wire
 * mode). The APIC owns CPU_INTERRUPT_HARD; without an APIC (qtest-less
 * tests of old) the PIC's output does.
 */
static int pc_get_irq_vector(CPUState *cs)
{
    PCMachineState *ms = pc_the_machine;
    bool locked = bql_locked();
    int slot = pc_cpu_slot(ms, cs);
    DeviceState *apic = slot >= 0 ? ms->apic[slot] : NULL;
    int vector;

    if (!locked) {
        bql_lock();
    }
    if (apic) {
        vector = apic_get_interrupt(apic);
        if (vector < 0 && apic_accept_pic_intr(apic) && pic_get_output(ms->pic)) {
            vector = pic_read_irq(ms->pic);
        }
    } else {
        vector = pic_get_output(ms->pic) ? pic_read_irq(ms->pic) : -1;
        if (vector < 0) {
            cpu_reset_interrupt(cs, CPU_INTERRUPT_HARD);
        }
    }
    if (!locked) {
        bql_unlock();
    }
    return vector;
}

static int pc_get_sipi_vector(CPUState *cs)
{
    PCMachineState *ms = pc_the_machine;
    int slot = pc_cpu_slot(ms, cs);
    bool locked = bql_locked();
    int v;

    if (slot < 0 || !ms->apic[slot]) {
        return -1;
    }
    if (!locked) {
        bql_lock();
    }
    v = apic_get_sipi_vector(ms->apic[slot]);
    if (!locked) {
        bql_unlock();
    }
    return v;
}

/* rdmsr/wrmsr of the APIC MSRs (IA32_APIC_BASE, TSC_DEADLINE, x2APIC) */
static int pc_apic_msr(CPUState *cs, uint32_t msr, uint64_t *val, bool write)
{
    PCMachineState *ms = pc_the_machine;
    int slot = pc_cpu_slot(ms, cs);
    DeviceState *apic = slot >= 0 ? ms->apic[slot] : NULL;
    bool locked = bql_locked();
    bool ok = true;

    if (!apic) {
        return -1;
    }
    if (!locked) {
        bql_lock();
    }
    if (msr == MSR_IA32_APICBASE) {
        if (write) {
            ok = apic_set_base(apic, *val);
        } else {
            *val = apic_get_base(apic);
        }
    } else if (msr == MSR_IA32_TSC_DEADLINE) {
        if (write) {
            apic_set_tsc_deadline(apic, *val);
        } else {
            *val = apic_get_tsc_deadline(apic);
        }
    } else if (write) {
        ok = apic_msr_write(apic, msr, *val);
    } else {
        ok = apic_msr_read(apic, msr, val);
    }
    if (!locked) {
        bql_unlock();
    }
    return ok ? 1 : 0;
}

static void pc_apic_interrupt(CPUState *cs, uint32_t mask)
{
    cpu_interrupt(cs, mask);
    cpus_kick(cs);
}

static CPUState *pc_current_cpu(void)
{
    return current_cpu;
}

static uint64_t pc_read_tsc(CPUState *cs)
{
    return x86_tsc_read(cpu_env(cs));
}

static const ApicCpuHooks pc_apic_hooks = {
    .interrupt = pc_apic_interrupt,
    .reset_interrupt = cpu_reset_interrupt,
    .current_cpu = pc_current_cpu,
    .read_tsc = pc_read_tsc,
    .tsc_hz = X86_TSC_HZ,
};

/* MOV CR8: the TPR of the CPU's APIC (under the BQL, as MMIO is) */
static int pc_apic_cr8(CPUState *cs, uint64_t *val, bool write)
{
    PCMachineState *ms = pc_the_machine;
    int slot = pc_cpu_slot(ms, cs);
    DeviceState *apic = slot >= 0 ? ms->apic[slot] : NULL;
    bool locked = bql_locked();

    if (!apic) {
        return -1;
    }
    if (!locked) {
        bql_lock();
    }
    if (write) {
        apic_set_cr8(apic, (uint8_t)*val);
    } else {
        *val = apic_get_cr8(apic);
    }
    if (!locked) {
        bql_unlock();
    }
    return 1;
}

/* ISA IRQ n goes to the 8259 and to the IOAPIC (IRQ 0 -> GSI 2, as the
 * MADT's interrupt source override says) */
static void pc_isa_irq(void *opaque, int n, int level)
{
    PCMachineState *ms = opaque;

    if (ms->hpet_legacy && (n == 0 || n == 8)) {
        return; /* the HPET's timers 0 and 1 drive these lines now */
    }
    qemu_set_irq(ms->i8259[n], level);
    if (ms->ioapic) {
        qemu_set_irq(qdev_get_gpio_in(ms->ioapic, n == 0 ? 2 : n), level);
    }
}

/* HPET output n is IOAPIC input n; in legacy replacement mode timers 0
 * and 1 (GSI 2 and 8) also stand in for the PIT and RTC at the 8259 */
static void pc_hpet_irq(void *opaque, int n, int level)
{
    PCMachineState *ms = opaque;

    if (ms->ioapic) {
        qemu_set_irq(qdev_get_gpio_in(ms->ioapic, n), level);
    }
    if (ms->hpet_legacy && (n == 2 || n == 8)) {
        qemu_set_irq(ms->i8259[n == 2 ? 0 : 8], level);
    }
}

static void pc_hpet_legacy(void *opaque, int n, int level)
{
    PCMachineState *ms = opaque;

    if (level && !ms->hpet_legacy) {
        /* the old sources' lines go quiet */
        qemu_set_irq(ms->i8259[0], 0);
        qemu_set_irq(ms->i8259[8], 0);
    }
    ms->hpet_legacy = level != 0;
}

static void pc_triple_fault(CPUState *cs)
{
    qemu_system_reset_request();
}

static void pc_reset_line(void *opaque, int n, int level)
{
    if (level) {
        qemu_system_reset_request();
    }
}

/* ---- A20 ---- */

#define A20_BIT (1ull << 20)

/*
 * Apply the gate: when it closes for the first time, build the wrap
 * aliases over the low 4 GiB and the RAM above (one per odd MiB).
 */
static void pc_a20_update(PCMachineState *ms)
{
    bool masked = !(ms->port92 & 2) && !ms->kbc_a20;
    MemoryRegion *sysmem = get_system_memory();

    if (masked == ms->a20_masked || !ms->cpu) {
        return;
    }
    ms->a20_masked = masked;
    log_mask_printf(LOG_GUEST_ERROR, "pc: A20 %s\n", masked ? "masked (address bit 20 forced to 0)" : "enabled");
    memory_region_transaction_begin();
    if (masked && !ms->a20_wrap) {
        uint64_t top = 0x100000000ull + ms->above_4g;

        ms->nr_a20_wrap = top / (2 * A20_BIT);
        ms->a20_wrap = calloc(ms->nr_a20_wrap, sizeof(MemoryRegion));
        if (!ms->a20_wrap) {
            abort();
        }
        for (unsigned i = 0; i < ms->nr_a20_wrap; i++) {
            uint64_t base = (uint64_t)i * 2 * A20_BIT;

            memory_region_init_alias(&ms->a20_wrap[i], NULL, "a20-wrap", sysmem, base, A20_BIT);
            memory_region_add_subregion_overlap(&ms->cpu_root, base + A20_BIT, &ms->a20_wrap[i], 1);
        }
    } else {
        for (unsigned i = 0; i < ms->nr_a20_wrap; i++) {
            memory_region_set_enabled(&ms->a20_wrap[i], masked);
        }
    }
    memory_region_transaction_commit();
}

/* the i8042's A20 output (level 1: gate open) */
static void pc_kbc_a20(void *opaque, int n, int level)
{
    PCMachineState *ms = opaque;

    ms->kbc_a20 = level != 0;
    pc_a20_update(ms);
}

/* ---- port 0x92: system control port A ---- */

static uint64_t port92_read(void *opaque, hwaddr addr, unsigned size)
{
    PCMachineState *ms = opaque;
    return ms->port92;
}

static void port92_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    PCMachineState *ms = opaque;
    uint8_t old = ms->port92;

    /* bit 1: fast A20 gate (ORed with the i8042's) */
    ms->port92 = val & ~1u;
    pc_a20_update(ms);
    /* bit 0: fast reset on a 0 -> 1 transition */
    if ((val & 1) && !(old & 1)) {
        qemu_system_reset_request();
    }
}

static const MemoryRegionOps port92_ops = {
    .read = port92_read,
    .write = port92_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- firmware ---- */

static bool pc_load_bios(PCMachineState *ms, MemoryRegion *pci_memory, Error **errp)
{
    const char *name = ms->cfg.bios ? ms->cfg.bios : PC_DEFAULT_BIOS;
    char *path = pc_find_firmware(name);
    FILE *f;
    long size;
    uint64_t isa_size;
    uint8_t *rom;

    if (!path) {
        if (!ms->cfg.bios) {
            error_setg(errp, "BIOS '%s' not found in %s (install Debian's seabios package "
                             "or give -bios FILE)", name, PC_FIRMWARE_DIR);
        } else {
            error_setg(errp, "cannot find BIOS file '%s'", name);
        }
        return false;
    }
    f = fopen(path, "rb");
    if (!f) {
        error_setg_errno(errp, errno, "cannot open BIOS file '%s'", path);
        free(path);
        return false;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        error_setg_errno(errp, errno, "cannot read BIOS file '%s'", path);
        goto fail;
    }
    /* the image ends at the reset vector: a whole number of 64 KiB pages */
    if (size < 0x10000 || size > BIOS_MAX_SIZE || (size & 0xffff)) {
        error_setg(errp, "BIOS file '%s' is corrupt: size %ld is not a multiple of 64 KiB "
                         "between 64 KiB and 16 MiB", path, size);
        goto fail;
    }
    if (!memory_region_init_rom(&ms->bios, NULL, "pc.bios", size, errp)) {
        goto fail;
    }
    rom = memory_region_get_ram_ptr(&ms->bios);
    if (fread(rom, 1, size, f) != (size_t)size) {
        error_setg(errp, "cannot read BIOS file '%s'", path);
        goto fail;
    }
    fclose(f);
    free(path);
    memory_region_add_subregion(get_system_memory(), 0x100000000ull - size, &ms->bios);
    isa_size = size < ISA_BIOS_MAX ? (uint64_t)size : ISA_BIOS_MAX;
    memory_region_init_alias(&ms->isa_bios, NULL, "isa-bios", &ms->bios, size - isa_size,
                             isa_size);
    memory_region_add_subregion_overlap(pci_memory, 0x100000 - isa_size, &ms->isa_bios, 1);
    return true;
fail:
    fclose(f);
    free(path);
    return false;
}

/* ---- CMOS and fw_cfg ---- */

static int boot_device_code(char c)
{
    switch (c) {
    case 'a':
        return 1; /* floppy */
    case 'c':
        return 2; /* hard disk */
    case 'd':
        return 3; /* CD-ROM */
    case 'n':
        return 4; /* network (BEV) */
    default:
        return 0;
    }
}

static void pc_cmos_init(PCMachineState *ms)
{
    DeviceState *rtc = ms->rtc;
    uint64_t val;
    const char *boot = ms->cfg.boot_order ? ms->cfg.boot_order : "cd";
    int codes[3] = { 0, 0, 0 };

    /* base memory: 640 KiB */
    rtc_set_memory(rtc, 0x15, 640 & 0xff);
    rtc_set_memory(rtc, 0x16, 640 >> 8);
    /* extended memory from 1 MiB, in KiB (at most 65535) */
    val = ms->below_4g > 0x100000 ? (ms->below_4g - 0x100000) / 1024 : 0;
    if (val > 0xffff) {
        val = 0xffff;
    }
    rtc_set_memory(rtc, 0x17, val & 0xff);
    rtc_set_memory(rtc, 0x18, val >> 8);
    rtc_set_memory(rtc, 0x30, val & 0xff);
    rtc_set_memory(rtc, 0x31, val >> 8);
    /* memory from 16 MiB, in 64 KiB units */
    val = ms->below_4g > 0x1000000 ? (ms->below_4g - 0x1000000) / 65536 : 0;
    if (val > 0xffff) {
        val = 0xffff;
    }
    rtc_set_memory(rtc, 0x34, val & 0xff);
    rtc_set_memory(rtc, 0x35, val >> 8);
    /* memory above 4 GiB, in 64 KiB units (3 bytes) */
    val = ms->above_4g / 65536;
    rtc_set_memory(rtc, 0x5b, val & 0xff);
    rtc_set_memory(rtc, 0x5c, (val >> 8) & 0xff);
    rtc_set_memory(rtc, 0x5d, (val >> 16) & 0xff);
    /* CPUs - 1 */
    rtc_set_memory(rtc, 0x5f, ms->cfg.smp - 1);
    /* equipment: FPU, PS/2 mouse, VGA (display bits 00), no floppy */
    rtc_set_memory(rtc, 0x14, 0x06);
    rtc_set_memory(rtc, 0x10, 0); /* no floppy drives */
    /* boot order: 0x3d low/high nibble = 1st/2nd device, 0x38 bits 7-4 = 3rd */
    for (int i = 0; i < 3 && boot[i]; i++) {
        codes[i] = boot_device_code(boot[i]);
    }
    rtc_set_memory(rtc, 0x3d, codes[0] | (codes[1] << 4));
    rtc_set_memory(rtc, 0x38, (codes[2] << 4) | 1); /* bit 0: no floppy signature check */
}

static void e820_put(uint8_t *p, uint64_t addr, uint64_t len, uint32_t type)
{
    for (int i = 0; i < 8; i++) {
        p[i] = addr >> (8 * i);
        p[8 + i] = len >> (8 * i);
    }
    for (int i = 0; i < 4; i++) {
        p[16 + i] = type >> (8 * i);
    }
}

/*
 * The "bootorder" file: one OpenFirmware-style device path per line, in
 * -boot order. SeaBIOS builds the path of each IDE drive it finds as
 * /pci@i0cf8/<any>@<slot>,<fn>/drive@<channel>/disk@<unit> and gives the
 * drives matching a line that line's priority. 'c' names the first hard
 * disk and 'd' the first CD-ROM (in -drive index order); 'a' and 'n'
 * have no device here and are left to SeaBIOS's defaults. Returns the
 * malloc'd text (possibly empty).
 */
static char *pc_build_bootorder(PCMachineState *ms, const char *boot)
{
    size_t cap = 4 * 64 + 1, len = 0;
    char *text = calloc(1, cap);

    if (!text) {
        abort();
    }
    for (const char *c = boot; *c; c++) {
        bool want_cd;

        if (*c == 'c' || *c == 'd') {
            want_cd = *c == 'd';
        } else {
            continue;
        }
        for (int i = 0; i < PC_MAX_DRIVES; i++) {
            const PCDriveConfig *d = &ms->cfg.drives[i];

            if (!d->file || !ms->blk[i] || d->cdrom != want_cd) {
                continue;
            }
            len += (size_t)snprintf(text + len, cap - len, "/pci@i0cf8/ide@%x,%x/drive@%x/disk@%x\n",
                                    PCI_SLOT(ms->ide->devfn), PCI_FUNC(ms->ide->devfn), i / 2,
                                    i % 2);
            if (len >= cap) {
                len = cap - 1; /* cannot happen: at most 4 lines of < 64 chars */
            }
            break;
        }
    }
    return text;
}

static void pc_fw_cfg_init(PCMachineState *ms)
{
    FWCfgState *fw = fw_cfg_init_io_dma(FW_CFG_IO_BASE, FW_CFG_DMA_IO_BASE, &address_space_memory);
    const char *boot = ms->cfg.boot_order ? ms->cfg.boot_order : "cd";
    size_t e820_len = 20;
    char *bootorder;

    ms->fw_cfg = fw;
    fw_cfg_add_i64(fw, FW_CFG_RAM_SIZE, ms->cfg.ram_size);
    fw_cfg_add_i16(fw, FW_CFG_NB_CPUS, ms->cfg.smp);
    fw_cfg_add_i16(fw, FW_CFG_MAX_CPUS, ms->cfg.smp);
    fw_cfg_add_i16(fw, FW_CFG_NOGRAPHIC, ms->cfg.nographic);
    fw_cfg_add_i16(fw, FW_CFG_BOOT_DEVICE, boot[0]);
    fw_cfg_add_i16(fw, FW_CFG_BOOT_MENU, 0);
    fw_cfg_add_i32(fw, FW_CFG_IRQ0_OVERRIDE, 1);
    /* e820: RAM below and above 4 GiB (SeaBIOS adds its own reservations) */
    e820_put(ms->e820, 0, ms->below_4g, 1);
    if (ms->above_4g) {
        e820_put(ms->e820 + 20, 0x100000000ull, ms->above_4g, 1);
        e820_len = 40;
    }
    fw_cfg_add_file(fw, FW_CFG_FILE_E820, ms->e820, e820_len);
    bootorder = pc_build_bootorder(ms, boot);
    if (*bootorder) {
        fw_cfg_add_file(fw, FW_CFG_FILE_BOOTORDER, bootorder, strlen(bootorder));
    }
    free(bootorder);
    if (fw_cfg_find_file(fw, FW_CFG_FILE_BOOT_FAIL_WAIT) == FW_CFG_INVALID) {
        /* ms, little-endian; -1: no automatic reboot when nothing boots */
        static const uint8_t no_retry[4] = { 0xff, 0xff, 0xff, 0xff };
        fw_cfg_add_file(fw, FW_CFG_FILE_BOOT_FAIL_WAIT, no_retry, sizeof(no_retry));
    }
    if (ms->cfg.nographic && ms->cfg.serial[0]) {
        /* SeaBIOS's serial console: its screen output goes to COM1 too */
        ms->sercon_port = 0x3f8;
        fw_cfg_add_file(fw, "etc/sercon-port", &ms->sercon_port, sizeof(ms->sercon_port));
    }
}

/* ---- direct kernel boot ---- */

static void pc_boot_e820_add(PCMachineState *ms, uint64_t addr, uint64_t size, uint32_t type)
{
    if (size && ms->boot_e820_n < PC_BOOT_E820_MAX) {
        X86BootE820Entry *e = &ms->boot_e820[ms->boot_e820_n++];
        e->addr = addr;
        e->size = size;
        e->type = type;
    }
}

/*
 * The memory map a BIOS would report, built from the RAM layout: base
 * memory up to the EBDA, the BIOS area, extended memory, the ACPI tables
 * at the top of low RAM, the APIC/IOAPIC pages, RAM above 4 GiB.
 */
static void pc_build_boot_e820(PCMachineState *ms)
{
    ms->acpi_addr = ms->below_4g - PC_ACPI_AREA;
    pc_boot_e820_add(ms, 0, 0x9fc00, E820_RAM);
    pc_boot_e820_add(ms, 0x9fc00, 0x400, E820_RESERVED);
    pc_boot_e820_add(ms, 0xf0000, 0x10000, E820_RESERVED);
    pc_boot_e820_add(ms, 0x100000, ms->acpi_addr - 0x100000, E820_RAM);
    pc_boot_e820_add(ms, ms->acpi_addr, PC_ACPI_AREA, E820_ACPI);
    pc_boot_e820_add(ms, IOAPIC_DEFAULT_ADDRESS, 0x1000, E820_RESERVED);
    pc_boot_e820_add(ms, APIC_DEFAULT_ADDRESS, 0x1000, E820_RESERVED);
    if (ms->above_4g) {
        pc_boot_e820_add(ms, 0x100000000ull, ms->above_4g, E820_RAM);
    }
}

static void pc_build_acpi(PCMachineState *ms)
{
    AcpiConfig cfg;
    uint8_t ids[PC_MAX_CPUS];

    acpi_config_default(&cfg);
    cfg.cpu_count = ms->cfg.smp;
    for (int i = 0; i < ms->cfg.smp; i++) {
        ids[i] = i;
    }
    cfg.apic_ids = ids;
    cfg.low_ram_top = ms->below_4g;
    cfg.pm_io_base = PC_PM_IO_BASE;
    cfg.sci_irq = PC_SCI_IRQ;
    cfg.ioapic_id = 0;
    cfg.ioapic_addr = IOAPIC_DEFAULT_ADDRESS;
    cfg.hpet = ms->hpet != NULL;
    cfg.hpet_addr = HPET_DEFAULT_ADDRESS;
    cfg.serial_count = 2;
    ms->acpi = acpi_build(&cfg);
}

/* after every reset: the kernel, boot_params and the ACPI tables again */
static void pc_direct_boot(PCMachineState *ms)
{
    X86BootConfig bc = {
        .kernel_filename = ms->cfg.kernel,
        .initrd_filename = ms->cfg.initrd,
        .cmdline = ms->cfg.append,
        .e820 = ms->boot_e820,
        .e820_entries = ms->boot_e820_n,
    };
    Error *err = NULL;

    /* RSDP first (16-byte aligned), the tables 64 bytes on */
    bc.acpi_rsdp_addr = acpi_install_tables(&ms->acpi, &address_space_memory, ms->acpi_addr + 64,
                                            ms->acpi_addr);
    if (!x86_load_linux(&bc, &address_space_memory, ms->cpu, &err)) {
        /* checked at start-up; a failure now (file gone) stops the guest */
        error_report_err(err);
        qemu_system_exit_request(1);
    }
}

/* ---- drives ---- */

static bool pc_attach_drives(PCMachineState *ms, Error **errp)
{
    for (int i = 0; i < PC_MAX_DRIVES; i++) {
        const PCDriveConfig *d = &ms->cfg.drives[i];
        int flags = (d->cdrom || d->readonly) ? BLK_OPEN_READONLY : 0;

        if (!d->file) {
            continue;
        }
        ms->blk[i] = blk_open(d->file, flags, errp);
        if (!ms->blk[i]) {
            error_prepend(errp, "drive '%s': ", d->file);
            return false;
        }
        if (!piix_ide_attach_drive(ms->ide, i / 2, i % 2, d->cdrom ? IDE_CD : IDE_HD,
                                   ms->blk[i], errp)) {
            error_prepend(errp, "drive '%s': ", d->file);
            return false;
        }
    }
    return true;
}

/* ---- stable ids for the board's ISA devices ---- */

/* Several board devices share a type (two 8259s, four UARTs); ids let
 * qtest (irq_intercept_in pic-master) and messages name each one. */
static void pc_set_id(DeviceState *dev, const char *id)
{
    Error *err = NULL;

    if (dev && !qdev_set_id(dev, id, &err)) {
        error_report_err(err);
    }
}

static void pc_find_pic_slave(DeviceState *dev, void *opaque)
{
    PCMachineState *ms = opaque;

    if (dev != ms->pic && device_type_is_a(dev->type, TYPE_I8259) && !dev->id) {
        pc_set_id(dev, "pic-slave");
    }
}

/* ---- the i8042, when a model is linked in ---- */

static void pc_create_i8042(PCMachineState *ms)
{
    static const char *const names[] = { "i8042", "isa-i8042" };

    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (!device_type_find(names[i])) {
            continue;
        }
        Error *err = NULL;
        ISADevice *kbd = isa_new(names[i], &err);
        if (!kbd || !isa_realize(kbd, ms->isa, &err)) {
            error_report_err(err);
            return;
        }
        /* its reset output (pulse of output port bit 0) resets the PC */
        if (qdev_gpio_out_count(DEVICE(kbd), "reset") > 0) {
            qdev_connect_gpio_out_named(DEVICE(kbd), "reset", 0, ms->reset_line);
        }
        /* its A20 output, ORed with port 0x92's */
        if (qdev_gpio_out_count(DEVICE(kbd), "a20") > 0) {
            ms->a20_line = qemu_allocate_irq(pc_kbc_a20, ms, 0);
            qdev_connect_gpio_out_named(DEVICE(kbd), "a20", 0, ms->a20_line);
        }
        return;
    }
    log_mask_printf(LOG_UNIMP, "pc: no i8042 model built in\n");
}

/* ---- the machine ---- */

CPUState *pc_get_cpu(PCMachineState *ms)
{
    return ms->cpu ? &ms->cpu->parent : NULL;
}

CPUState *pc_get_cpu_n(PCMachineState *ms, int n)
{
    return n >= 0 && n < ms->cfg.smp && ms->cpus[n] ? &ms->cpus[n]->parent : NULL;
}

void pc_machine_reset(void *opaque)
{
    PCMachineState *ms = opaque;

    ms->port92 = 0;
    ms->kbc_a20 = true; /* the i8042 reset raises its A20 output */
    qdev_reset_all_devices();
    pc_a20_update(ms);
    pc_cmos_init(ms); /* the CMOS is battery-backed; re-assert what the board owns */
    for (int i = 0; i < ms->cfg.smp && ms->cpus[i]; i++) {
        X86CPU *cpu = ms->cpus[i];
        CPUState *cs = &cpu->parent;
        cpu_reset_interrupt(cs, ~0u);
        cs->exception_index = -1;
        x86_cpu_reset(cpu);
        cs->halted = false;
        if (i > 0) {
            /* application processors wait for INIT/SIPI */
            cs->halted = true;
            cpu->env.wait_sipi = true;
        }
    }
    /* the code cache holds the last boot's translations of RAM that the
     * next boot (another kernel layout: KASLR) reuses */
    for (int i = 0; i < ms->cfg.smp && ms->cpus[i]; i++) {
        tb_flush(&ms->cpus[i]->parent);
    }
    if (ms->cpu && ms->direct_boot) {
        pc_direct_boot(ms);
    }
}

PCMachineState *pc_init(const PCMachineConfig *cfg, Error **errp)
{
    MemoryRegion *sysmem = get_system_memory();
    MemoryRegion *pci_memory;
    Error *err = NULL;

    /* checks that need no machine come before it is allocated */
    if (cfg->smp > PC_MAX_CPUS) {
        error_setg(errp, "at most %d CPUs", PC_MAX_CPUS);
        return NULL;
    }
    if (!cfg->kernel && (cfg->initrd || cfg->append)) {
        error_setg(errp, "-initrd and -append need -kernel");
        return NULL;
    }
    PCMachineState *ms = calloc(1, sizeof(*ms));
    ms->cfg = *cfg;
    if (ms->cfg.smp < 1) {
        ms->cfg.smp = 1;
    }
    ms->direct_boot = cfg->kernel && !cfg->bios;
    pc_the_machine = ms;
    ms->below_4g = cfg->ram_size >= PC_LOWMEM_MAX ? PC_LOWMEM_MAX : cfg->ram_size;
    ms->above_4g = cfg->ram_size - ms->below_4g;

    /* RAM */
    if (!memory_region_init_ram(&ms->ram, NULL, "pc.ram", cfg->ram_size, errp)) {
        return NULL;
    }
    memory_region_init_alias(&ms->ram_below_4g, NULL, "ram-below-4g", &ms->ram, 0, ms->below_4g);
    memory_region_add_subregion(sysmem, 0, &ms->ram_below_4g);
    if (ms->above_4g) {
        memory_region_init_alias(&ms->ram_above_4g, NULL, "ram-above-4g", &ms->ram,
                                 ms->below_4g, ms->above_4g);
        memory_region_add_subregion(sysmem, 0x100000000ull, &ms->ram_above_4g);
    }

    /* chipset */
    ms->host = i440fx_create(sysmem, get_system_io(), NULL, &ms->ram, ms->below_4g, ms->above_4g,
                             errp);
    if (!ms->host) {
        return NULL;
    }
    pci_memory = i440fx_get_pci_memory(ms->host);
    if (!ms->direct_boot && !pc_load_bios(ms, pci_memory, errp)) {
        return NULL;
    }
    ms->piix3 = (PIIX3State *)pci_create_simple(i440fx_get_bus(ms->host), PCI_DEVFN(1, 0),
                                                TYPE_PIIX3, errp);
    if (!ms->piix3) {
        return NULL;
    }
    ms->isa = piix3_get_isa_bus(ms->piix3);
    ms->reset_line = qemu_allocate_irq(pc_reset_line, ms, 0);
    qdev_connect_gpio_out_named(DEVICE(ms->piix3), PIIX3_RESET_GPIO, 0, ms->reset_line);

    /* CPU */
    if (cfg->has_cpu) {
        tcg_exec_init(CODE_CACHE_SIZE, false);
        memory_region_init(&ms->cpu_root, NULL, "cpu-memory", UINT64_MAX);
        memory_region_init_alias(&ms->cpu_sysmem, NULL, "cpu-system", sysmem, 0, UINT64_MAX);
        memory_region_add_subregion(&ms->cpu_root, 0, &ms->cpu_sysmem);
        address_space_init(&ms->cpu_as, &ms->cpu_root, "cpu-memory");
        ms->kbc_a20 = true;
        apic_set_cpu_hooks(&pc_apic_hooks);
        for (int i = 0; i < ms->cfg.smp; i++) {
            X86CPU *cpu = x86_cpu_new(i);
            ms->cpus[i] = cpu;
            tlb_init(&cpu->parent, &ms->cpu_as);
            cpu->get_irq_vector = pc_get_irq_vector;
            cpu->get_sipi_vector = pc_get_sipi_vector;
            ms->apic[i] = apic_create(&cpu->parent, i, i == 0);
        }
        ms->cpu = ms->cpus[0];
        apic_mmio_map(sysmem);
        x86_triple_fault_hook = pc_triple_fault;
        x86_apic_msr_hook = pc_apic_msr;
        x86_apic_cr8_hook = pc_apic_cr8;
        /* the 8259's INT reaches the boot CPU through its LINT0 */
        ms->cpu_intr = qdev_get_gpio_in(ms->apic[0], APIC_GPIO_LINT0);
    }

    /* interrupt controllers: the 8259 pair and the IOAPIC, both fed by ISA IRQs */
    ms->i8259 = i8259_init(ms->isa, ms->cpu_intr, &ms->pic);
    pc_set_id(ms->pic, "pic-master");
    qdev_foreach(pc_find_pic_slave, ms);
    if (cfg->has_cpu) {
        ms->ioapic = sysbus_create_simple(TYPE_IOAPIC, IOAPIC_DEFAULT_ADDRESS, NULL);
        apic_set_eoi_broadcast(ioapic_eoi_broadcast, ms->ioapic);
    }
    for (int i = 0; i < 16; i++) {
        ms->isa_irq[i] = qemu_allocate_irq(pc_isa_irq, ms, i);
    }
    isa_bus_register_input_irqs(ms->isa, ms->isa_irq);
    if (ms->ioapic) {
        ms->hpet_gsi = qemu_allocate_irqs(pc_hpet_irq, ms, HPET_NUM_IRQS);
        ms->hpet = hpet_create(HPET_DEFAULT_ADDRESS, ms->hpet_gsi);
        qdev_connect_gpio_out_named(ms->hpet, HPET_GPIO_LEGACY, 0,
                                    qemu_allocate_irq(pc_hpet_legacy, ms, 0));
    }
    pc_set_id(DEVICE(i8254_create(ms->isa)), "pit");
    ms->rtc = DEVICE(mc146818_rtc_create(ms->isa, NULL));
    pc_set_id(ms->rtc, "rtc");
    for (int i = 0; i < PC_MAX_SERIAL; i++) {
        char id[16];

        snprintf(id, sizeof(id), "serial%d", i);
        pc_set_id(DEVICE(serial_isa_create(ms->isa, i, cfg->serial[i])), id);
    }
    port80_create(ms->isa);
    memory_region_init_io(&ms->port92_io, NULL, &port92_ops, ms, "port92", 1);
    memory_region_add_subregion(get_system_io(), 0x92, &ms->port92_io);
    pc_create_i8042(ms);
    if (cfg->debugcon) {
        isa_debugcon_create(ms->isa, 0x402, cfg->debugcon);
    }

    /* IDE */
    ms->ide = pci_create_simple(i440fx_get_bus(ms->host), PCI_DEVFN(1, 1), TYPE_PIIX3_IDE, errp);
    if (!ms->ide) {
        return NULL;
    }
    qdev_connect_gpio_out_named(DEVICE(ms->ide), PIIX_IDE_GPIO_ISA_IRQ, 0,
                                isa_bus_get_irq(ms->isa, 14));
    qdev_connect_gpio_out_named(DEVICE(ms->ide), PIIX_IDE_GPIO_ISA_IRQ, 1,
                                isa_bus_get_irq(ms->isa, 15));
    if (!pc_attach_drives(ms, errp)) {
        return NULL;
    }

    /* VGA with its BIOS as option ROM */
    if (!cfg->no_vga) {
        DeviceState *vga = qdev_new(TYPE_PCI_VGA, errp);
        char *rom = pc_find_firmware(PC_DEFAULT_VGABIOS);

        if (!vga) {
            free(rom);
            return NULL;
        }
        qdev_prop_set_int32(vga, "addr", PCI_DEVFN(2, 0));
        if (rom) {
            qdev_prop_set_string(vga, "romfile", rom);
        } else {
            warn_report("VGA BIOS %s not found in %s: no video BIOS", PC_DEFAULT_VGABIOS,
                        PC_FIRMWARE_DIR);
        }
        free(rom);
        if (!qdev_realize(vga, &i440fx_get_bus(ms->host)->qbus, &err)) {
            error_propagate(errp, err);
            qdev_delete(vga);
            return NULL;
        }
        ms->vga = (PCIDevice *)vga;
    }

    /* PIIX4 power management (01.3): SCI on IRQ 9, PM block at 0x600 */
    {
        DeviceState *pm = qdev_new(TYPE_PIIX4_PM, errp);

        if (!pm) {
            return NULL;
        }
        qdev_prop_set_int32(pm, "addr", PCI_DEVFN(1, 3));
        qdev_prop_set_uint32(pm, "pm-io-base", PC_PM_IO_BASE);
        if (!qdev_realize(pm, &i440fx_get_bus(ms->host)->qbus, &err)) {
            error_propagate(errp, err);
            qdev_delete(pm);
            return NULL;
        }
        qdev_connect_gpio_out_named(pm, PIIX4_PM_SCI_GPIO, 0, ms->isa_irq[PC_SCI_IRQ]);
        ms->pm = (PCIDevice *)pm;
    }

    pc_fw_cfg_init(ms);
    pc_build_acpi(ms);
    acpi_add_fw_cfg(&ms->acpi, ms->fw_cfg);
    if (cfg->kernel && !ms->direct_boot) {
        /* -kernel with -bios: the BIOS boots it through our option ROM */
        X86FwCfgBootConfig fbc = {
            .kernel_filename = cfg->kernel,
            .initrd_filename = cfg->initrd,
            .cmdline = cfg->append,
            .ram_below_4g = ms->below_4g,
        };
        if (!x86_fw_cfg_boot_setup(ms->fw_cfg, &fbc, NULL, errp)) {
            return NULL;
        }
    }
    if (ms->direct_boot && ms->cpu) {
        /* check the kernel now, for a clear error before anything runs */
        pc_build_boot_e820(ms);
        X86BootConfig bc = {
            .kernel_filename = cfg->kernel,
            .initrd_filename = cfg->initrd,
            .cmdline = cfg->append,
            .e820 = ms->boot_e820,
            .e820_entries = ms->boot_e820_n,
        };
        if (!x86_load_linux(&bc, &address_space_memory, ms->cpu, errp)) {
            return NULL;
        }
    }
    qemu_register_machine_reset(pc_machine_reset, ms);
    return ms;
}
