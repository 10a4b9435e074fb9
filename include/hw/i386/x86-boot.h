/*
 * Direct kernel boot for the PC (-kernel/-initrd/-append without a BIOS):
 * the Linux x86 boot protocol (bzImage, protocol >= 2.12, started at its
 * 32-bit protected-mode entry) and Multiboot v1 kernels (ELF, or the
 * a.out kludge of header flag 16). See hw/i386/x86-boot.c and
 * docs/x86-boot.md.
 *
 * Guest memory the loader uses below 1 MiB (Linux reserves the first
 * megabyte, Multiboot kernels load at or above it):
 *   X86_BOOT_GDT_ADDR      the GDT: null, null, 0x10 flat code, 0x18 flat data
 *   X86_BOOT_PARAMS_ADDR   Linux boot_params (the zero page) / the Multiboot info
 *   X86_BOOT_CMDLINE_ADDR  the command line (and Multiboot strings, memory map)
 */
#ifndef HW_I386_X86_BOOT_H
#define HW_I386_X86_BOOT_H

#include <stdbool.h>
#include <stdint.h>

#include "exec/memory.h"
#include "target/i386/cpu.h"
#include "util/error.h"

#define X86_BOOT_GDT_ADDR     0x500
#define X86_BOOT_PARAMS_ADDR  0x10000
#define X86_BOOT_CMDLINE_ADDR 0x20000
#define X86_BOOT_LOW_END      0x30000 /* end of the loader's low-memory area */

/* selectors of the GDT the loader installs (Linux's __BOOT_CS/__BOOT_DS) */
#define X86_BOOT_CS 0x10
#define X86_BOOT_DS 0x18

/* e820 types */
#define E820_RAM      1
#define E820_RESERVED 2
#define E820_ACPI     3
#define E820_NVS      4
#define E820_UNUSABLE 5

#define X86_BOOT_E820_MAX 128 /* entries boot_params can hold */

typedef struct X86BootE820Entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
} X86BootE820Entry;

typedef struct X86BootConfig {
    const char *kernel_filename; /* bzImage or Multiboot kernel */
    const char *initrd_filename; /* NULL: none (a Multiboot module if Multiboot) */
    const char *cmdline;         /* NULL: empty */
    /*
     * The physical memory map as the board built it: RAM ranges (type
     * E820_RAM) and the reserved BIOS/ACPI/MMIO areas, sorted by address.
     * The kernel and initrd are placed in RAM entries only; the initrd
     * goes at the top of the highest RAM entry below 4 GiB.
     */
    const X86BootE820Entry *e820;
    unsigned e820_entries;
    uint64_t acpi_rsdp_addr; /* the ACPI RSDP's address, 0: none */
} X86BootConfig;

/* What was loaded, for the board's logs and the tests. */
typedef struct X86BootInfo {
    bool multiboot;
    uint64_t entry;                    /* EIP at start */
    uint64_t kernel_addr;              /* where the kernel image went */
    uint64_t kernel_end;               /* end of what the kernel may use (init_size/bss) */
    uint64_t initrd_addr, initrd_size; /* 0 when none */
    uint16_t protocol;                 /* Linux boot protocol version (0 for Multiboot) */
} X86BootInfo;

/*
 * Load the kernel (and initrd, command line) into guest memory through
 * `as`, build boot_params or the Multiboot info, install the GDT, and put
 * `cpu` in 32-bit protected mode at the kernel's entry with the register
 * state its protocol documents. Call it after every machine reset (the
 * kernel reuses the memory it was loaded in). Returns false with a message
 * naming the file and the problem (not a kernel, truncated, old protocol,
 * does not fit in RAM...).
 */
bool x86_load_linux(const X86BootConfig *cfg, AddressSpace *as, X86CPU *cpu, Error **errp);
/* The same, also telling what went where (info may be NULL). */
bool x86_boot_load(const X86BootConfig *cfg, AddressSpace *as, X86CPU *cpu, X86BootInfo *info,
                   Error **errp);

#endif
