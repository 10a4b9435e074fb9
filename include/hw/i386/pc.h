/*
 * The PC machine ("-machine pc"): i440FX + PIIX3 with the legacy ISA
 * devices, PIIX IDE, VGA and fw_cfg, SeaBIOS as firmware (hw/i386/pc.c).
 */
#ifndef HW_I386_PC_H
#define HW_I386_PC_H

#include <stdbool.h>
#include <stdint.h>

#include "chardev/char.h"
#include "hw/core/cpu.h"
#include "util/error.h"

#define PC_MAX_SERIAL 4
#define PC_MAX_DRIVES 4 /* IDE: primary/secondary x master/slave */

/* Where SeaBIOS comes from (Debian's seabios package), see pc-bios/README.md. */
#define PC_FIRMWARE_DIR   "/usr/share/seabios"
#define PC_DEFAULT_BIOS   "bios-256k.bin"
#define PC_DEFAULT_VGABIOS "vgabios-stdvga.bin"

typedef struct PCDriveConfig {
    const char *file; /* NULL: no drive at this index */
    bool cdrom;
    bool readonly;
} PCDriveConfig;

typedef struct PCMachineConfig {
    uint64_t ram_size;
    int smp;
    bool has_cpu;          /* false under the qtest accelerator */
    const char *bios;      /* file name or path; NULL: the default */
    const char *boot_order; /* "c", "dc", ... (a floppy, c disk, d CD-ROM, n network) */
    bool nographic;        /* SeaBIOS's serial console on COM1 */
    bool no_vga;
    Chardev *serial[PC_MAX_SERIAL];
    Chardev *debugcon;     /* port 0x402, or NULL */
    PCDriveConfig drives[PC_MAX_DRIVES]; /* index = bus * 2 + unit */
    /* Direct kernel boot (-kernel/-initrd/-append): without an explicit
     * -bios, the machine loads the kernel itself at every reset (Linux boot
     * protocol or Multiboot, hw/i386/x86-boot.c) and installs the ACPI
     * tables; no firmware runs. */
    const char *kernel;
    const char *initrd;
    const char *append;
} PCMachineConfig;

typedef struct PCMachineState PCMachineState;

/* Build the machine (BQL held); NULL with an error (bad BIOS, disk...). */
PCMachineState *pc_init(const PCMachineConfig *cfg, Error **errp);
/* The machine reset (devices, then CPUs); registered with the run state. */
void pc_machine_reset(void *opaque);
/* The boot CPU (NULL under qtest). */
CPUState *pc_get_cpu(PCMachineState *ms);
/* CPU n (0 = the boot CPU), NULL past the last. */
CPUState *pc_get_cpu_n(PCMachineState *ms, int n);
/* Look a firmware file up: a path with a '/' as is, else in PC_FIRMWARE_DIR.
 * malloc'd; NULL if it does not exist. */
char *pc_find_firmware(const char *name);

#endif
