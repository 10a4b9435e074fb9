/*
 * Intel 82441FX PCI and memory controller (the "i440FX" host bridge of the
 * PC): the PCI host "i440FX-pcihost" (config mechanism #1, the root bus
 * "pci.0", the PCI memory window) and its PCI function 00.0 "i440FX"
 * (PAM shadowing of 0xc0000-0xfffff, the SMRAM register).
 *
 * The board gives the host the address spaces and the guest RAM:
 *   "system-memory"      where the PCI holes, PAM and SMRAM views go
 *                        (default get_system_memory())
 *   "io-memory"          the I/O ports (default get_system_io())
 *   "pci-memory"         the PCI memory space, a container of 2^64 bytes
 *                        (created by the host when not given); BARs, the
 *                        ISA BIOS alias and option ROMs live here
 *   "ram-memory"         the guest RAM region (offset = guest-physical
 *                        address below 4 GiB), required: PAM and SMRAM show it
 *   "below-4g-mem-size"  the PCI hole is [below-4g-mem-size, 4 GiB)
 *   "above-4g-mem-size", "pci-hole64-size": the 64-bit window starts at
 *                        4 GiB + above-4g-mem-size rounded up to 1 GiB
 * The board maps RAM itself (below and above 4 GiB) at priority 0; the PCI
 * holes are mapped at priority -1 (everything the board maps wins) and the
 * PAM/SMRAM views at priority 1 (they win over RAM). PCI memory that no
 * device claims reads as all-ones and ignores writes (a master abort), so
 * a PAM segment or the SMRAM window switched to PCI never shows the RAM
 * underneath.
 */
#ifndef HW_PCI_HOST_I440FX_H
#define HW_PCI_HOST_I440FX_H

#include "hw/pci/pci_host.h"

#define TYPE_I440FX_PCI_HOST_BRIDGE "i440FX-pcihost"
#define TYPE_I440FX_PCI_DEVICE      "i440FX"

/* Config registers of 00.0. */
#define I440FX_PAM      0x59
#define I440FX_PAM_SIZE 7
#define I440FX_SMRAM    0x72

/* PAM attribute bits of a nibble. */
#define PAM_RE 0x1
#define PAM_WE 0x2

/* SMRAM register bits. */
#define SMRAM_D_OPEN     0x40
#define SMRAM_D_CLS      0x20
#define SMRAM_D_LCK      0x10
#define SMRAM_G_SMRAME   0x08
#define SMRAM_C_BASE_SEG 0x02 /* fixed: 0xa0000 */

/* PAM segments: 0xf0000 (64 KiB) and twelve 16 KiB ones from 0xc0000. */
#define PAM_NUM_SEGMENTS 13
#define PAM_BIOS_BASE    0xf0000
#define PAM_BIOS_SIZE    0x10000
#define PAM_EXPAN_BASE   0xc0000
#define PAM_EXPAN_SIZE   0x4000

#define I440FX_PCI_HOLE_END 0x100000000ull

/* The four views of one PAM segment; exactly one is enabled. */
typedef enum PAMMode {
    PAM_MODE_PCI = 0, /* RE=0 WE=0: reads and writes go to PCI (the ROM) */
    PAM_MODE_RO = 1,  /* RE=1 WE=0: reads from RAM, writes go to PCI */
    PAM_MODE_WO = 2,  /* RE=0 WE=1: reads from PCI, writes to RAM */
    PAM_MODE_RW = 3,  /* RE=1 WE=1: RAM */
} PAMMode;

typedef struct I440FXState I440FXState;

typedef struct PAMSegment {
    MemoryRegion view[4]; /* indexed by PAMMode */
    hwaddr start;
    uint64_t size;
    PAMMode mode;
    I440FXState *owner;
} PAMSegment;

typedef struct I440FXHost {
    PCIHostState parent;
    /* properties (MemoryRegion *; void * for the ptr property type) */
    void *prop_system_memory;
    void *prop_io_memory;
    void *prop_pci_memory;
    void *prop_ram_memory;
    /* resolved in realize */
    MemoryRegion *system_memory;
    MemoryRegion *io_memory;
    MemoryRegion *pci_memory;
    MemoryRegion *ram_memory;
    uint64_t below_4g_mem_size;
    uint64_t above_4g_mem_size;
    uint64_t pci_hole64_size;
    MemoryRegion own_pci_memory; /* used when "pci-memory" is not given */
    MemoryRegion master_abort;   /* PCI memory nobody claims: all-ones */
    MemoryRegion pci_hole;
    MemoryRegion pci_hole64;
    AddressSpace pci_as; /* the PCI memory view (write-only PAM reads) */
    bool pci_as_ready;
    I440FXState *func; /* 00.0 */
} I440FXHost;

struct I440FXState {
    PCIDevice parent;
    I440FXHost *host;
    MemoryRegion smram_region; /* 0xa0000-0xbffff shows PCI (VGA) when enabled */
    PAMSegment pam[PAM_NUM_SEGMENTS];
};

/*
 * Create and realize the host (and its function 00.0) with the given
 * regions and sizes; pci_memory may be NULL. NULL with an error on failure.
 */
I440FXHost *i440fx_create(MemoryRegion *system_memory, MemoryRegion *io_memory,
                          MemoryRegion *pci_memory, MemoryRegion *ram_memory,
                          uint64_t below_4g_mem_size, uint64_t above_4g_mem_size, Error **errp);
static inline PCIBus *i440fx_get_bus(I440FXHost *h)
{
    return h->parent.bus;
}
/* The PCI memory container (where the board maps the ISA BIOS alias and
 * option ROMs). */
static inline MemoryRegion *i440fx_get_pci_memory(I440FXHost *h)
{
    return h->pci_memory;
}

#endif
