/*
 * The IDE (ATA/ATAPI) channel: two drive positions behind one task file,
 * as an IDE controller (PIIX3 IDE, later others) embeds it.
 *
 * The controller decodes its ports and forwards them here:
 *   command block (8 ports, 0x1f0 on the primary channel):
 *     ide_cmd_read/ide_cmd_write  (offset 0..7, size 1; the data port,
 *     offset 0, also size 2 or 4 through ide_data_read/ide_data_write)
 *   control block (0x3f6): ide_status_read (alternate status) and
 *     ide_ctrl_write (device control: nIEN, SRST, HOB)
 * and wires `irq` (INTRQ of the selected drive, masked by nIEN).
 *
 * Drives are attached by the board before the machine reset with
 * ide_bus_attach(): an ATA disk (IDE_HD) needs a backend; an ATAPI CD-ROM
 * (IDE_CD) may have none (no medium). Disk I/O is asynchronous (block
 * layer worker threads): a command that needs the disk shows BSY until
 * its completion runs in the main loop.
 *
 * DMA: a controller with a bus master fills in IDEDMAOps; the drive calls
 * ready() to see whether the engine was started, rw_buf() to move data
 * between its buffer and guest memory along the scatter/gather list, and
 * transfer_end() when it is done. When the guest starts the engine the
 * controller calls ide_bus_dma_start(), which resumes a DMA command
 * waiting for it. A controller that also has map()/unmap() gets zero-copy
 * transfers: the disk request reads or writes the guest RAM the list
 * names directly (up to IDE_DMA_MAX_CHUNK bytes in IDE_DMA_MAX_IOV pieces
 * per request); a list that starts with anything else (MMIO, ROM for a
 * read, pieces smaller than a sector) goes through the drive's buffer.
 *
 * Migration: the channel state (task files, PIO buffers, pending DMA
 * commands) is in vmstate_ide_bus. pre_save drains the drives' backends,
 * so no disk request is in flight in a saved state.
 *
 * Locking: everything runs under the BQL.
 */
#ifndef HW_IDE_IDE_H
#define HW_IDE_IDE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "block/block.h"
#include "hw/core/irq.h"
#include "migration/vmstate.h"

#define IDE_SECTOR_SIZE      512
#define ATAPI_SECTOR_SIZE    2048
/* the drive's data buffer: a PIO block, a DMA chunk, ATAPI replies */
#define IDE_IO_BUFFER_SIZE   (128 * 1024)
#define IDE_MAX_MULT_SECTORS 16
/* zero-copy DMA: the most one disk request maps */
#define IDE_DMA_MAX_IOV      64
#define IDE_DMA_MAX_CHUNK    (1024 * 1024)

typedef enum IDEDriveKind {
    IDE_NONE = 0,
    IDE_HD = 1,
    IDE_CD = 2,
} IDEDriveKind;

typedef struct IDEBus IDEBus;

typedef struct IDEDMAOps {
    /* the bus master was started (its start bit is set) */
    bool (*ready)(void *opaque);
    /* move len bytes between buf and guest memory (to_memory: the device
     * reads from disk); returns the bytes moved, less than len when the
     * scatter/gather list ran out or the engine was stopped. buf NULL:
     * only step over len bytes of the list (after a zero-copy transfer) */
    int32_t (*rw_buf)(void *opaque, uint8_t *buf, int32_t len, bool to_memory);
    /* the drive ended the DMA data transfer (error: aborted) */
    void (*transfer_end)(void *opaque, bool error);
    /* Optional, zero copy: map up to len bytes of the list from where the
     * transfer stands, without stepping over them, as at most max_iov
     * pieces of guest RAM (writable RAM if to_memory); the first piece
     * that is anything else ends the mapping. Returns the pieces, *mapped
     * the bytes (0: nothing mapped). */
    int (*map)(void *opaque, struct iovec *iov, int max_iov, int32_t len, bool to_memory,
               int32_t *mapped);
    /* release what map() gave; the first `used` bytes were transferred */
    void (*unmap)(void *opaque, struct iovec *iov, int niov, bool to_memory, int32_t used);
} IDEDMAOps;

typedef struct IDEState {
    IDEBus *bus;
    uint8_t unit;
    uint8_t kind; /* IDEDriveKind */
    BlockBackend *blk;
    char serial[21];
    char model[41];
    char version[9];
    uint64_t nb_sectors;                /* in the drive's sectors (512 HD, 2048 CD) */
    uint16_t cylinders, heads, sectors; /* default CHS geometry (HD) */

    /* task file (guest-visible, both drives latch every write) */
    uint8_t feature, error, status, select;
    uint8_t nsector, sector, lcyl, hcyl;
    uint8_t hob_feature, hob_nsector, hob_sector, hob_lcyl, hob_hcyl;
    bool irq_pending;

    /* settings changed by commands */
    uint8_t cur_heads, cur_sectors; /* INITIALIZE DEVICE PARAMETERS, 0: default */
    uint8_t mult_sectors;           /* SET MULTIPLE MODE, 0: disabled */
    uint8_t xfer_mode;              /* SET FEATURES 03h value */
    bool write_cache;
    bool read_ahead;

    /* the command in progress */
    uint8_t cmd;
    uint8_t end_transfer; /* what the end of the PIO data block does */
    bool lba48;
    uint32_t data_ptr, data_end; /* PIO block in io_buffer */
    uint64_t xfer_lba;           /* next sector to transfer */
    uint32_t xfer_left;          /* sectors still to transfer */
    uint32_t xfer_n;             /* sectors in the current block or chunk */
    uint8_t dma_state;           /* IDE_DMA_* */
    bool dma_write;              /* guest memory -> disk */
    bool dma_buffer;             /* DMA of io_buffer[0..buf_len) (ATAPI replies) */

    /* ATAPI */
    uint8_t packet[12];
    uint8_t sense_key, asc, ascq;
    uint16_t byte_limit; /* byte count limit of the PIO data-in phase */
    bool atapi_dma;      /* PACKET features bit 0 */
    bool tray_locked;    /* PREVENT ALLOW MEDIUM REMOVAL */
    bool unit_attention; /* new medium not yet reported */
    uint32_t buf_pos;    /* next DRQ block starts here */

    /* not migrated: the disk request in flight (drained before a save) */
    struct iovec dma_iov[IDE_DMA_MAX_IOV]; /* guest RAM mapped for it */
    int dma_niov;
    int32_t dma_used;   /* bytes of dma_iov it transfers */
    bool dma_zero_copy; /* the DMA chunk in flight used dma_iov */
    bool aio_pending;
    bool aio_stale; /* reset while in flight: ignore the completion */
    void (*aio_done)(struct IDEState *s, int ret);

    uint32_t buf_len; /* live bytes of io_buffer (migrated) */
    uint8_t io_buffer[IDE_IO_BUFFER_SIZE + 4];
} IDEState;

struct IDEBus {
    IDEState ifs[2];
    uint8_t unit;   /* selected drive */
    uint8_t devctl; /* device control register */
    qemu_irq irq;
    const IDEDMAOps *dma_ops;
    void *dma_opaque;
};

/* Set up an empty channel (both positions without a drive). */
void ide_bus_init(IDEBus *bus, qemu_irq irq, const IDEDMAOps *dma_ops, void *dma_opaque);
/*
 * Put a drive at unit (0 master, 1 slave). serial/model NULL: defaults.
 * IDE_HD needs a backend with a size that is a multiple of 512 (a trailing
 * partial sector is ignored); IDE_CD takes the medium or NULL.
 */
bool ide_bus_attach(IDEBus *bus, int unit, IDEDriveKind kind, BlockBackend *blk, const char *serial,
                    const char *model, Error **errp);
/* Insert (blk) or remove (NULL) a CD-ROM's medium; the guest sees a UNIT
 * ATTENTION. False if the tray is locked by the guest. */
bool ide_cd_change_media(IDEState *s, BlockBackend *blk);
/* Power-on / hardware reset of the channel and its drives. */
void ide_bus_reset(IDEBus *bus);

/* Port access, see above. */
uint32_t ide_cmd_read(IDEBus *bus, uint32_t addr);
void ide_cmd_write(IDEBus *bus, uint32_t addr, uint32_t val);
uint32_t ide_data_read(IDEBus *bus, unsigned size);
void ide_data_write(IDEBus *bus, uint32_t val, unsigned size);
uint32_t ide_status_read(IDEBus *bus);
void ide_ctrl_write(IDEBus *bus, uint32_t val);

/* The controller's bus master was started: resume a waiting DMA command. */
void ide_bus_dma_start(IDEBus *bus);

extern const VMStateDescription vmstate_ide_bus;
#define VMSTATE_IDE_BUS(f, S)          VMSTATE_STRUCT(f, S, 0, vmstate_ide_bus, IDEBus)
#define VMSTATE_IDE_BUS_ARRAY(f, S, n) VMSTATE_STRUCT_ARRAY(f, S, n, 0, vmstate_ide_bus, IDEBus)

#endif
