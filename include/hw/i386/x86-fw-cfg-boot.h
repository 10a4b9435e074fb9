/*
 * -kernel through the BIOS: with -bios given, the board does not load the
 * kernel itself. It patches the bzImage's setup header as a boot loader
 * does, chooses where the pieces go, and publishes them through fw_cfg
 * (FW_CFG_SETUP_*, FW_CFG_KERNEL_*, FW_CFG_INITRD_*, FW_CFG_CMDLINE_*)
 * with our option ROM pc-bios/optionrom/linuxboot.asm as the file
 * "genroms/linuxboot.bin"; SeaBIOS runs the ROM, which copies the pieces
 * in and enters the kernel's real-mode setup. See hw/i386/x86-fw-cfg-boot.c
 * and docs/x86-boot.md.
 *
 * Guest memory the pieces use (the setup code and the BIOS run below
 * 1 MiB; 0x10000-0x2ffff is free in SeaBIOS's map):
 *   X86_FW_CFG_BOOT_SETUP_ADDR    the real-mode setup, its heap and stack
 *   X86_FW_CFG_BOOT_CMDLINE_ADDR  the command line
 *   X86_FW_CFG_BOOT_KERNEL_ADDR   the protected-mode kernel
 *   the initrd                    page-aligned, ending at or below both
 *                                 initrd_addr_max and the top of RAM
 *                                 below 4 GiB minus X86_FW_CFG_BOOT_BIOS_HIGH
 */
#ifndef HW_I386_X86_FW_CFG_BOOT_H
#define HW_I386_X86_FW_CFG_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/nvram/fw_cfg.h"
#include "util/error.h"

#define X86_FW_CFG_BOOT_SETUP_ADDR   0x10000
#define X86_FW_CFG_BOOT_CMDLINE_ADDR 0x20000
#define X86_FW_CFG_BOOT_KERNEL_ADDR  0x100000
/* what SeaBIOS keeps at the top of RAM below 4 GiB (its high zone: ACPI,
 * SMBIOS and other tables; BUILD_MAX_HIGHTABLE) */
#define X86_FW_CFG_BOOT_BIOS_HIGH    0x40000
/* heap_end_ptr we give the setup code: heap and stack fill the rest of
 * the setup's 64 KiB segment, up to the command line */
#define X86_FW_CFG_BOOT_HEAP_END     0xfe00

#define X86_FW_CFG_BOOT_ROM_FILE      "genroms/linuxboot.bin"
/* the boot order entry of the ROM's boot device, as SeaBIOS names it */
#define X86_FW_CFG_BOOT_ROM_BOOTORDER "/rom@" X86_FW_CFG_BOOT_ROM_FILE

/* The option ROM, built from pc-bios/optionrom/linuxboot.asm. */
extern const unsigned char x86_linuxboot_rom[];
extern const unsigned long x86_linuxboot_rom_size;

typedef struct X86FwCfgBootConfig {
    const char *kernel_filename; /* a bzImage (boot protocol 2.02 or later) */
    const char *initrd_filename; /* NULL: none */
    const char *cmdline;         /* NULL: empty */
    uint64_t ram_below_4g;       /* bytes of RAM from 0 */
} X86FwCfgBootConfig;

/* What was published, for the board's logs and the tests. */
typedef struct X86FwCfgBootInfo {
    uint16_t protocol;
    uint32_t setup_addr, setup_size;
    uint32_t kernel_addr, kernel_size;
    uint32_t initrd_addr, initrd_size;   /* 0, 0: no initrd */
    uint32_t cmdline_addr, cmdline_size; /* size with the NUL */
} X86FwCfgBootInfo;

/*
 * Read the kernel (and initrd), patch the setup header (type_of_loader,
 * loadflags, heap_end_ptr, cmd_line_ptr, ramdisk_image/size), and add the
 * FW_CFG_SETUP/KERNEL/INITRD/CMDLINE items, the option ROM and the ROM's
 * place first in "bootorder" (prepended to the board's). Call once, after
 * the board's own fw_cfg items. Returns false with a one-line message
 * naming the file and the problem (not a bzImage, truncated, too old,
 * does not fit in RAM...); nothing is added then. info may be NULL.
 */
bool x86_fw_cfg_boot_setup(FWCfgState *fw, const X86FwCfgBootConfig *cfg, X86FwCfgBootInfo *info,
                           Error **errp);

#endif
