/*
 * The firmware configuration device (fw_cfg), as SeaBIOS, OVMF and Linux
 * read it: the interface QEMU documents in docs/specs/fw_cfg.rst.
 *
 * Guest side (x86 I/O ports):
 *   0x510  selector, 16-bit little-endian write: choose an item, offset 0
 *   0x511  data, 8-bit read: the next byte of the item (0 past its end);
 *          writes are ignored (writing items goes through DMA)
 *   0x514  DMA address, 64-bit big-endian (two 32-bit writes, high half
 *          first at 0x514, or one 64-bit write); writing the low half at
 *          0x518 runs the FWCfgDmaAccess at that guest-physical address.
 *          Reading it returns "QEMU CFG" (big-endian 0x51454d5520434647).
 * Items: keys 0x0000-0x3fff generic, 0x8000-0xbfff architecture-specific
 * (bit 14, the old write channel bit, is ignored). Keys from 0x20
 * (FW_CFG_FILE_FIRST) are files, listed in the directory item 0x19 sorted
 * by name: be32 count, then FWCfgFile records (be32 size, be16 select,
 * be16 reserved, char name[56]).
 *
 * Board side: create with fw_cfg_init_io_dma() (or qdev + properties
 * "iobase", "dma_iobase", "dma_enabled", "x-file-slots"), then add items.
 * fw_cfg_add_bytes/_string/_i16/_i32/_i64/_file copy the data; integers
 * are stored little-endian, as the firmware reads them.
 * fw_cfg_add_file_callback keeps the caller's buffer (it must outlive the
 * device) so the guest's DMA writes land where its owner reads them.
 * Adding a key twice, a file name twice, or a key out of range is a
 * programming error (reported, aborts).
 *
 * VMState: the selection, offset and DMA address. Item contents are not
 * migrated: the destination builds the same items from the same
 * configuration (guest-written items are the owner's state to migrate).
 */
#ifndef HW_NVRAM_FW_CFG_H
#define HW_NVRAM_FW_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exec/memory.h"
#include "hw/core/sysbus.h"

#define TYPE_FW_CFG_IO "fw_cfg_io"

/* Generic keys. */
#define FW_CFG_SIGNATURE          0x00
#define FW_CFG_ID                 0x01
#define FW_CFG_UUID               0x02
#define FW_CFG_RAM_SIZE           0x03
#define FW_CFG_NOGRAPHIC          0x04
#define FW_CFG_NB_CPUS            0x05
#define FW_CFG_MACHINE_ID         0x06
#define FW_CFG_KERNEL_ADDR        0x07
#define FW_CFG_KERNEL_SIZE        0x08
#define FW_CFG_KERNEL_CMDLINE     0x09
#define FW_CFG_INITRD_ADDR        0x0a
#define FW_CFG_INITRD_SIZE        0x0b
#define FW_CFG_BOOT_DEVICE        0x0c
#define FW_CFG_NUMA               0x0d
#define FW_CFG_BOOT_MENU          0x0e
#define FW_CFG_MAX_CPUS           0x0f
#define FW_CFG_KERNEL_ENTRY       0x10
#define FW_CFG_KERNEL_DATA        0x11
#define FW_CFG_INITRD_DATA        0x12
#define FW_CFG_CMDLINE_ADDR       0x13
#define FW_CFG_CMDLINE_SIZE       0x14
#define FW_CFG_CMDLINE_DATA       0x15
#define FW_CFG_SETUP_ADDR         0x16
#define FW_CFG_SETUP_SIZE         0x17
#define FW_CFG_SETUP_DATA         0x18
#define FW_CFG_FILE_DIR           0x19
#define FW_CFG_FILE_FIRST         0x20
#define FW_CFG_FILE_SLOTS_DEFAULT 0x20

#define FW_CFG_WRITE_CHANNEL 0x4000
#define FW_CFG_ARCH_LOCAL    0x8000
#define FW_CFG_ENTRY_MASK    ((uint16_t) ~(FW_CFG_WRITE_CHANNEL | FW_CFG_ARCH_LOCAL))
#define FW_CFG_INVALID       0xffff

/* x86 architecture-specific keys (FW_CFG_ARCH_LOCAL + n). */
#define FW_CFG_ACPI_TABLES    (FW_CFG_ARCH_LOCAL + 0)
#define FW_CFG_SMBIOS_ENTRIES (FW_CFG_ARCH_LOCAL + 1)
#define FW_CFG_IRQ0_OVERRIDE  (FW_CFG_ARCH_LOCAL + 2)
#define FW_CFG_E820_TABLE     (FW_CFG_ARCH_LOCAL + 3)
#define FW_CFG_HPET           (FW_CFG_ARCH_LOCAL + 4)

/* FW_CFG_ID bits. */
#define FW_CFG_VERSION     0x01
#define FW_CFG_VERSION_DMA 0x02

/* FWCfgDmaAccess.control bits. */
#define FW_CFG_DMA_CTL_ERROR  0x01
#define FW_CFG_DMA_CTL_READ   0x02
#define FW_CFG_DMA_CTL_SKIP   0x04
#define FW_CFG_DMA_CTL_SELECT 0x08
#define FW_CFG_DMA_CTL_WRITE  0x10
#define FW_CFG_DMA_SIGNATURE  0x51454d5520434647ull /* "QEMU CFG" */

/* x86 ports. */
#define FW_CFG_IO_BASE     0x510
#define FW_CFG_DMA_IO_BASE 0x514

#define FW_CFG_MAX_FILE_PATH 56

/* Well-known file names (SeaBIOS reads these). */
#define FW_CFG_FILE_E820           "etc/e820"
#define FW_CFG_FILE_BOOTORDER      "bootorder"
#define FW_CFG_FILE_BOOT_FAIL_WAIT "etc/boot-fail-wait"

/* A directory record as the guest sees it (fields big-endian). */
typedef struct FWCfgFile {
    uint32_t size;
    uint16_t select;
    uint16_t reserved;
    char name[FW_CFG_MAX_FILE_PATH];
} FWCfgFile;

/* Called when the guest selects the item (to fill it lazily). */
typedef void (*FWCfgCallback)(void *opaque);
/* Called after a guest DMA write of len bytes at offset start. */
typedef void (*FWCfgWriteCallback)(void *opaque, uint64_t start, uint64_t len);

typedef struct FWCfgEntry {
    uint32_t len;
    bool allow_write;
    bool owned; /* data was copied here and is freed with the entry */
    uint8_t *data;
    void *callback_opaque;
    FWCfgCallback select_cb;
    FWCfgWriteCallback write_cb;
} FWCfgEntry;

typedef struct FWCfgState {
    SysBusDevice parent;
    /* properties */
    uint32_t iobase;
    uint32_t dma_iobase;
    bool dma_enabled;
    uint16_t file_slots;
    /* DMA target (address_space_memory unless set before realize) */
    AddressSpace *dma_as;

    MemoryRegion comb_io;   /* 0x510-0x511: selector + data */
    MemoryRegion dma_io;    /* 0x514-0x51b */
    FWCfgEntry *entries[2]; /* generic, arch-local; max_entry each */
    uint32_t max_entry;
    uint32_t file_count;
    uint8_t *file_dir; /* the FW_CFG_FILE_DIR item */
    /* guest-visible state */
    uint16_t cur_entry;
    uint32_t cur_offset;
    uint64_t dma_addr;
} FWCfgState;

#define FW_CFG(obj) QDEV_CHECK(FWCfgState, obj, TYPE_FW_CFG_IO)

/* Create and realize the device at iobase (selector; data at iobase + 1)
 * with DMA at dma_iobase (0: no DMA interface) into dma_as (NULL:
 * address_space_memory), mapped into the system I/O space. Aborts on
 * failure (board code). */
FWCfgState *fw_cfg_init_io_dma(uint32_t iobase, uint32_t dma_iobase, AddressSpace *dma_as);

void fw_cfg_add_bytes(FWCfgState *s, uint16_t key, const void *data, size_t len);
void fw_cfg_add_string(FWCfgState *s, uint16_t key, const char *value); /* with its NUL */
void fw_cfg_add_i16(FWCfgState *s, uint16_t key, uint16_t value);
void fw_cfg_add_i32(FWCfgState *s, uint16_t key, uint32_t value);
void fw_cfg_add_i64(FWCfgState *s, uint16_t key, uint64_t value);
/* Replace an item's contents (adding it if absent). */
void fw_cfg_modify_bytes(FWCfgState *s, uint16_t key, const void *data, size_t len);
void fw_cfg_modify_string(FWCfgState *s, uint16_t key, const char *value);
void fw_cfg_modify_i16(FWCfgState *s, uint16_t key, uint16_t value);
void fw_cfg_modify_i32(FWCfgState *s, uint16_t key, uint32_t value);
void fw_cfg_modify_i64(FWCfgState *s, uint16_t key, uint64_t value);

/* Add a file (copied, read-only); returns its selector key. */
uint16_t fw_cfg_add_file(FWCfgState *s, const char *filename, const void *data, size_t len);
/* Add a file over the caller's buffer; read_only false lets the guest
 * write it by DMA (then write_cb runs). Returns its selector key. */
uint16_t fw_cfg_add_file_callback(FWCfgState *s, const char *filename, FWCfgCallback select_cb,
                                  FWCfgWriteCallback write_cb, void *callback_opaque, void *data,
                                  size_t len, bool read_only);
/* Replace a file's contents (copied), adding it if absent. */
void fw_cfg_modify_file(FWCfgState *s, const char *filename, const void *data, size_t len);
/* The selector key of a file, or FW_CFG_INVALID. */
uint16_t fw_cfg_find_file(FWCfgState *s, const char *filename);

#endif
