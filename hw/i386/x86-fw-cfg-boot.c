/*
 * -kernel/-initrd/-append with -bios: the board's half of booting Linux
 * through the BIOS. The other half is the option ROM
 * pc-bios/optionrom/linuxboot.asm, which SeaBIOS runs as a boot device.
 *
 * We act as the boot loader of the Linux boot protocol
 * (Documentation/arch/x86/boot.rst) up to the point of copying the pieces
 * into guest memory, which the ROM does once SeaBIOS has finished (the
 * BIOS clears and uses memory during POST; anything the board wrote
 * before would be lost, and after a guest reboot SeaBIOS runs the ROM
 * again, so the pieces stay in fw_cfg, not in RAM):
 *   - the bzImage is split into the real-mode setup ((setup_sects + 1)
 *     sectors, setup_sects 0 meaning 4) and the protected-mode kernel;
 *   - the setup header in our copy of the setup is patched: type_of_loader
 *     0xff (undefined), loadflags CAN_USE_HEAP (QUIET and KEEP_SEGMENTS
 *     cleared), heap_end_ptr, cmd_line_ptr, ramdisk_image/ramdisk_size;
 *     code32_start stays the kernel's (1 MiB, where the kernel goes);
 *   - addresses: setup at 0x10000, command line at 0x20000 (behind the
 *     setup's 64 KiB of code, heap and stack), kernel at 1 MiB, initrd
 *     page-aligned as high as initrd_addr_max and RAM allow, below what
 *     SeaBIOS keeps at the top of RAM for its tables;
 *   - fw_cfg: FW_CFG_{SETUP,KERNEL,INITRD,CMDLINE}_{ADDR,SIZE,DATA}
 *     (INITRD_DATA only with an initrd), the ROM as genroms/linuxboot.bin
 *     and the ROM first in "bootorder", so SeaBIOS boots it before any
 *     disk whatever -boot says (as users of -kernel expect).
 * We need a bzImage (loadflags LOADED_HIGH) with boot protocol 2.02 or
 * later (cmd_line_ptr; Linux 2.4 on); every problem is an error naming the
 * file, and nothing is published then.
 */
#include "hw/i386/x86-fw-cfg-boot.h"

#include <stdlib.h>
#include <string.h>

#include "hw/i386/bzimage.h"
#include "util/bytes.h"
#include "util/file.h"

/* the command line may not run into the EBDA (SeaBIOS: 0x9fc00 at most) */
#define CMDLINE_SPACE (0x9f000 - X86_FW_CFG_BOOT_CMDLINE_ADDR)

/* "bootorder" with the ROM's line first (the board's lines kept after it). */
static void fw_cfg_boot_bootorder_first(FWCfgState *fw)
{
    const char *rom_line = X86_FW_CFG_BOOT_ROM_BOOTORDER "\n";
    uint16_t key = fw_cfg_find_file(fw, FW_CFG_FILE_BOOTORDER);
    const FWCfgEntry *old = key == FW_CFG_INVALID ? NULL : &fw->entries[0][key & FW_CFG_ENTRY_MASK];
    size_t old_len = old ? old->len : 0;
    size_t len = strlen(rom_line) + old_len;
    char *text = malloc(len);

    memcpy(text, rom_line, strlen(rom_line));
    if (old_len) {
        memcpy(text + strlen(rom_line), old->data, old_len);
    }
    fw_cfg_modify_file(fw, FW_CFG_FILE_BOOTORDER, text, len);
    free(text);
}

bool x86_fw_cfg_boot_setup(FWCfgState *fw, const X86FwCfgBootConfig *cfg, X86FwCfgBootInfo *info,
                           Error **errp)
{
    const char *kname = cfg->kernel_filename;
    const char *cmdline = cfg->cmdline ? cfg->cmdline : "";
    uint8_t *kernel = NULL, *initrd = NULL;
    size_t klen = 0, initrd_len = 0;
    bool ok = false;

    if (!file_load(kname, "kernel", UINT32_MAX, &kernel, &klen, errp)) {
        return false;
    }
    if (!bzimage_has_header(kernel, klen)) {
        error_setg(errp,
                   "kernel '%s' is not a Linux bzImage (no \"HdrS\" setup header); through "
                   "the BIOS (-bios) only bzImage kernels boot",
                   kname);
        goto out;
    }
    BzImage bz;
    if (!bzimage_parse(&bz, kname, kernel, klen, BZ_PROTOCOL_CMD_LINE_PTR,
                       "booting through the BIOS", BZ_HDR_CMD_LINE_PTR + 4, errp)) {
        goto out;
    }
    uint16_t version = bz.version;
    size_t hdr_end = bz.hdr_end;
    size_t setup_size = bz.setup_size;
    if (setup_size > X86_FW_CFG_BOOT_HEAP_END - 0x1000) {
        error_setg(errp,
                   "kernel '%s' has a 0x%zx-byte real-mode setup: more than fits below its "
                   "heap (at most 0x%x)",
                   kname, setup_size, X86_FW_CFG_BOOT_HEAP_END - 0x1000);
        goto out;
    }
    size_t kernel_size = bz.kernel_size;
    uint64_t kernel_need = bz.kernel_need;

    /* the command line */
    uint32_t cmdline_max = 255;
    if (version >= BZ_PROTOCOL_CMDLINE_SIZE && hdr_end >= BZ_HDR_CMDLINE_SIZE + 4) {
        cmdline_max = ld_le32(kernel + BZ_HDR_CMDLINE_SIZE);
    }
    if (cmdline_max > CMDLINE_SPACE - 1) {
        cmdline_max = CMDLINE_SPACE - 1;
    }
    size_t cmdline_len = strlen(cmdline);
    if (cmdline_len > cmdline_max) {
        error_setg(errp, "kernel command line is %zu bytes; kernel '%s' accepts at most %u",
                   cmdline_len, kname, cmdline_max);
        goto out;
    }

    /* the top of what the kernel and initrd may use: below SeaBIOS's tables */
    uint64_t ram_top = cfg->ram_below_4g > X86_FW_CFG_BOOT_BIOS_HIGH
                           ? cfg->ram_below_4g - X86_FW_CFG_BOOT_BIOS_HIGH
                           : 0;
    uint64_t kernel_end = X86_FW_CFG_BOOT_KERNEL_ADDR + kernel_need;
    if (kernel_end > ram_top) {
        error_setg(errp, "kernel '%s' needs 0x%llx bytes of RAM at 0x%x: not enough guest RAM (-m)",
                   kname, (unsigned long long)kernel_need, X86_FW_CFG_BOOT_KERNEL_ADDR);
        goto out;
    }

    /* the initrd: page-aligned, as high as allowed */
    uint64_t initrd_addr = 0;
    if (cfg->initrd_filename) {
        if (!file_load(cfg->initrd_filename, "initrd", UINT32_MAX, &initrd, &initrd_len, errp)) {
            goto out;
        }
        uint64_t limit = BZ_INITRD_ADDR_MAX_OLD + 1ull;
        if (version >= BZ_PROTOCOL_INITRD_MAX) {
            limit = ld_le32(kernel + BZ_HDR_INITRD_ADDR_MAX) + 1ull;
        }
        if (limit > ram_top) {
            limit = ram_top;
        }
        if (initrd_len > limit || ((limit - initrd_len) & ~0xfffull) < kernel_end) {
            error_setg(errp,
                       "initrd '%s' (0x%zx bytes) does not fit in guest RAM between the kernel "
                       "(ending at 0x%llx) and 0x%llx: give the guest more memory (-m)",
                       cfg->initrd_filename, initrd_len, (unsigned long long)kernel_end,
                       (unsigned long long)limit);
            goto out;
        }
        initrd_addr = (limit - initrd_len) & ~0xfffull;
    }

    /* the setup header, patched as a boot loader does */
    uint8_t *setup = kernel;
    setup[BZ_HDR_TYPE_OF_LOADER] = 0xff; /* undefined loader */
    setup[BZ_HDR_LOADFLAGS] =
        (setup[BZ_HDR_LOADFLAGS] & ~(BZ_LOADFLAG_QUIET | BZ_LOADFLAG_KEEP_SEGMENTS)) |
        BZ_LOADFLAG_CAN_USE_HEAP;
    st_le16(setup + BZ_HDR_HEAP_END_PTR, X86_FW_CFG_BOOT_HEAP_END);
    st_le32(setup + BZ_HDR_CMD_LINE_PTR, X86_FW_CFG_BOOT_CMDLINE_ADDR);
    st_le32(setup + BZ_HDR_RAMDISK_IMAGE, initrd_addr);
    st_le32(setup + BZ_HDR_RAMDISK_SIZE, initrd_len);

    fw_cfg_add_i32(fw, FW_CFG_SETUP_ADDR, X86_FW_CFG_BOOT_SETUP_ADDR);
    fw_cfg_add_i32(fw, FW_CFG_SETUP_SIZE, setup_size);
    fw_cfg_add_bytes(fw, FW_CFG_SETUP_DATA, setup, setup_size);
    fw_cfg_add_i32(fw, FW_CFG_KERNEL_ADDR, X86_FW_CFG_BOOT_KERNEL_ADDR);
    fw_cfg_add_i32(fw, FW_CFG_KERNEL_SIZE, kernel_size);
    fw_cfg_add_bytes(fw, FW_CFG_KERNEL_DATA, kernel + setup_size, kernel_size);
    fw_cfg_add_i32(fw, FW_CFG_INITRD_ADDR, initrd_addr);
    fw_cfg_add_i32(fw, FW_CFG_INITRD_SIZE, initrd_len);
    if (initrd) {
        fw_cfg_add_bytes(fw, FW_CFG_INITRD_DATA, initrd, initrd_len);
    }
    fw_cfg_add_i32(fw, FW_CFG_CMDLINE_ADDR, X86_FW_CFG_BOOT_CMDLINE_ADDR);
    fw_cfg_add_i32(fw, FW_CFG_CMDLINE_SIZE, cmdline_len + 1);
    fw_cfg_add_string(fw, FW_CFG_CMDLINE_DATA, cmdline);
    fw_cfg_add_file(fw, X86_FW_CFG_BOOT_ROM_FILE, x86_linuxboot_rom, x86_linuxboot_rom_size);
    fw_cfg_boot_bootorder_first(fw);

    if (info) {
        info->protocol = version;
        info->setup_addr = X86_FW_CFG_BOOT_SETUP_ADDR;
        info->setup_size = setup_size;
        info->kernel_addr = X86_FW_CFG_BOOT_KERNEL_ADDR;
        info->kernel_size = kernel_size;
        info->initrd_addr = initrd_addr;
        info->initrd_size = initrd_len;
        info->cmdline_addr = X86_FW_CFG_BOOT_CMDLINE_ADDR;
        info->cmdline_size = cmdline_len + 1;
    }
    ok = true;
out:
    free(kernel);
    free(initrd);
    return ok;
}
