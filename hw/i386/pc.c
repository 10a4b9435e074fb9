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
 * The CPU: created here, its INTR line raised by the master PIC; it
 * acknowledges through get_irq_vector, which runs pic_read_irq with the
 * big lock. A triple fault requests a machine reset.
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
#include "hw/char/serial.h"
#include "hw/display/vga-pci.h"
#include "hw/core/qdev-properties.h"
#include "hw/core/qdev.h"
#include "hw/i386/pc.h"
#include "hw/ide/ide.h"
#include "hw/ide/piix.h"
#include "hw/intc/i8259.h"
#include "hw/isa/isa.h"
#include "hw/isa/piix3.h"
#include "hw/misc/port80.h"
#include "hw/nvram/fw_cfg.h"
#include "hw/pci-host/i440fx.h"
#include "hw/pci/pci.h"
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
    X86CPU *cpu;
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

static void pc_cpu_intr(void *opaque, int n, int level)
{
    PCMachineState *ms = opaque;
    CPUState *cs = &ms->cpu->parent;

    if (level) {
        cpu_interrupt(cs, CPU_INTERRUPT_HARD);
        cpus_kick(cs);
    } else {
        cpu_reset_interrupt(cs, CPU_INTERRUPT_HARD);
    }
}

static PCMachineState *pc_the_machine; /* for the CPU hooks */

static int pc_get_irq_vector(CPUState *cs)
{
    PCMachineState *ms = pc_the_machine;
    bool locked = bql_locked();
    int vector;

    if (!locked) {
        bql_lock();
    }
    vector = pic_get_output(ms->pic) ? pic_read_irq(ms->pic) : -1;
    if (vector < 0) {
        cpu_reset_interrupt(cs, CPU_INTERRUPT_HARD);
    }
    if (!locked) {
        bql_unlock();
    }
    return vector;
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

static void pc_fw_cfg_init(PCMachineState *ms)
{
    FWCfgState *fw = fw_cfg_init_io_dma(FW_CFG_IO_BASE, FW_CFG_DMA_IO_BASE, &address_space_memory);
    const char *boot = ms->cfg.boot_order ? ms->cfg.boot_order : "cd";
    size_t e820_len = 20;

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
    if (ms->cfg.nographic && ms->cfg.serial[0]) {
        /* SeaBIOS's serial console: its screen output goes to COM1 too */
        ms->sercon_port = 0x3f8;
        fw_cfg_add_file(fw, "etc/sercon-port", &ms->sercon_port, sizeof(ms->sercon_port));
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

void pc_machine_reset(void *opaque)
{
    PCMachineState *ms = opaque;

    ms->port92 = 0;
    ms->kbc_a20 = true; /* the i8042 reset raises its A20 output */
    qdev_reset_all_devices();
    pc_a20_update(ms);
    pc_cmos_init(ms); /* the CMOS is battery-backed; re-assert what the board owns */
    if (ms->cpu) {
        CPUState *cs = &ms->cpu->parent;
        cpu_reset_interrupt(cs, ~0u);
        cs->exception_index = -1;
        x86_cpu_reset(ms->cpu);
        cs->halted = false;
    }
}

PCMachineState *pc_init(const PCMachineConfig *cfg, Error **errp)
{
    PCMachineState *ms = calloc(1, sizeof(*ms));
    MemoryRegion *sysmem = get_system_memory();
    MemoryRegion *pci_memory;
    Error *err = NULL;

    ms->cfg = *cfg;
    if (ms->cfg.smp < 1) {
        ms->cfg.smp = 1;
    }
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
    if (!pc_load_bios(ms, pci_memory, errp)) {
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
        ms->cpu = x86_cpu_new(0);
        memory_region_init(&ms->cpu_root, NULL, "cpu-memory", UINT64_MAX);
        memory_region_init_alias(&ms->cpu_sysmem, NULL, "cpu-system", sysmem, 0, UINT64_MAX);
        memory_region_add_subregion(&ms->cpu_root, 0, &ms->cpu_sysmem);
        address_space_init(&ms->cpu_as, &ms->cpu_root, "cpu-memory");
        ms->kbc_a20 = true;
        tlb_init(&ms->cpu->parent, &ms->cpu_as);
        ms->cpu->get_irq_vector = pc_get_irq_vector;
        x86_triple_fault_hook = pc_triple_fault;
        ms->cpu_intr = qemu_allocate_irq(pc_cpu_intr, ms, 0);
    }

    /* ISA devices */
    ms->i8259 = i8259_init(ms->isa, ms->cpu_intr, &ms->pic);
    isa_bus_register_input_irqs(ms->isa, ms->i8259);
    i8254_create(ms->isa);
    ms->rtc = DEVICE(mc146818_rtc_create(ms->isa, NULL));
    for (int i = 0; i < PC_MAX_SERIAL; i++) {
        serial_isa_create(ms->isa, i, cfg->serial[i]);
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

    pc_fw_cfg_init(ms);
    qemu_register_machine_reset(pc_machine_reset, ms);
    return ms;
}
