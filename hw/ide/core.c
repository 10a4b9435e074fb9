/*
 * The ATA channel and ATA disk command set.
 *
 * Modelled, from ATA/ATAPI-6 (T13/1410D) and ATA-8 ACS: the task file with
 * the 48-bit "previous content" registers read through HOB, device control
 * (nIEN, SRST, HOB), INTRQ of the selected drive, two drives per channel
 * (writes to the command block go to both; a command goes to the selected
 * one; an absent drive with a present partner reads status 0; a channel
 * without drives reads 0), the power-on/SRST signatures, EXECUTE DEVICE
 * DIAGNOSTIC, and the disk commands: IDENTIFY DEVICE, READ/WRITE SECTORS
 * (PIO), READ/WRITE MULTIPLE and SET MULTIPLE MODE, READ/WRITE DMA, all
 * with their EXT (LBA48) forms, READ VERIFY, FLUSH CACHE (+EXT), SET
 * FEATURES (transfer mode, write cache, look-ahead), INITIALIZE DEVICE
 * PARAMETERS (CHS translation), READ NATIVE MAX ADDRESS (+EXT), CHECK
 * POWER MODE, the power commands, SEEK and RECALIBRATE as no-ops; LBA28,
 * LBA48 and CHS addressing; ABRT for invalid commands and parameters,
 * IDNF for addresses beyond the end, UNC for a failed disk read/write.
 *
 * Not modelled: timing (commands complete as soon as the disk I/O does),
 * queued/NCQ commands, security, SMART, HPA (SET MAX), 8-bit PIO.
 *
 * Disk I/O runs in block layer workers. While a request is in flight the
 * drive shows BSY and its io_buffer belongs to the request; the
 * completion continues the command in the main loop. A reset while a
 * request is in flight waits for it (aio_stale makes the completion a
 * no-op): the only place where emulation waits for the disk.
 *
 * ATAPI (packet) commands are in atapi.c, the bus master in the
 * controller (piix.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hw/ide/ide.h"
#include "ide-internal.h"
#include "util/log.h"

/* ATA command opcodes */
#define WIN_NOP                 0x00
#define WIN_DEVICE_RESET        0x08
#define WIN_READ                0x20
#define WIN_READ_ONCE           0x21
#define WIN_READ_EXT            0x24
#define WIN_READDMA_EXT         0x25
#define WIN_READ_NATIVE_MAX_EXT 0x27
#define WIN_MULTREAD_EXT        0x29
#define WIN_WRITE               0x30
#define WIN_WRITE_ONCE          0x31
#define WIN_WRITE_EXT           0x34
#define WIN_WRITEDMA_EXT        0x35
#define WIN_MULTWRITE_EXT       0x39
#define WIN_VERIFY              0x40
#define WIN_VERIFY_ONCE         0x41
#define WIN_VERIFY_EXT          0x42
#define WIN_SEEK                0x70
#define WIN_DIAGNOSE            0x90
#define WIN_SPECIFY             0x91 /* INITIALIZE DEVICE PARAMETERS */
#define WIN_PACKETCMD           0xa0
#define WIN_PIDENTIFY           0xa1
#define WIN_MULTREAD            0xc4
#define WIN_MULTWRITE           0xc5
#define WIN_SETMULT             0xc6
#define WIN_READDMA             0xc8
#define WIN_READDMA_ONCE        0xc9
#define WIN_WRITEDMA            0xca
#define WIN_WRITEDMA_ONCE       0xcb
#define WIN_STANDBYNOW1         0xe0
#define WIN_IDLEIMMEDIATE       0xe1
#define WIN_STANDBY             0xe2
#define WIN_SETIDLE1            0xe3
#define WIN_CHECKPOWERMODE1     0xe5
#define WIN_SLEEPNOW1           0xe6
#define WIN_FLUSH_CACHE         0xe7
#define WIN_FLUSH_CACHE_EXT     0xea
#define WIN_IDENTIFY            0xec
#define WIN_SETFEATURES         0xef
#define WIN_READ_NATIVE_MAX     0xf8

static void ide_bus_update_irq(IDEBus *bus)
{
    IDEState *s = &bus->ifs[bus->unit];

    qemu_set_irq(bus->irq, s->irq_pending && !(bus->devctl & IDE_CTRL_NIEN));
}

void ide_set_irq(IDEState *s)
{
    s->irq_pending = true;
    ide_bus_update_irq(s->bus);
}

void ide_put_string(uint16_t *words, const char *src, int nwords)
{
    size_t len = strlen(src);

    for (int i = 0; i < nwords * 2; i++) {
        uint8_t c = i < (int)len ? (uint8_t)src[i] : ' ';

        /* the first character of each pair is the high byte */
        if (i & 1) {
            words[i / 2] |= c;
        } else {
            words[i / 2] = (uint16_t)(c << 8);
        }
    }
}

/* ---- addressing ---- */

static uint32_t ide_cur_heads(IDEState *s)
{
    return s->cur_heads ? s->cur_heads : s->heads;
}

static uint32_t ide_cur_sectors(IDEState *s)
{
    return s->cur_sectors ? s->cur_sectors : s->sectors;
}

/* The address the task file names, or UINT64_MAX for an invalid CHS one. */
static uint64_t ide_get_sector(IDEState *s)
{
    if (s->lba48) {
        return (uint64_t)s->hob_hcyl << 40 | (uint64_t)s->hob_lcyl << 32 |
               (uint64_t)s->hob_sector << 24 | (uint64_t)s->hcyl << 16 | (uint64_t)s->lcyl << 8 |
               s->sector;
    }
    if (s->select & 0x40) {
        return (uint64_t)(s->select & 0x0f) << 24 | (uint64_t)s->hcyl << 16 |
               (uint64_t)s->lcyl << 8 | s->sector;
    }
    {
        uint32_t cyl = (uint32_t)s->hcyl << 8 | s->lcyl;
        uint32_t head = s->select & 0x0f;
        uint32_t heads = ide_cur_heads(s), spt = ide_cur_sectors(s);

        if (s->sector == 0 || s->sector > spt || head >= heads) {
            return UINT64_MAX;
        }
        return ((uint64_t)cyl * heads + head) * spt + (s->sector - 1);
    }
}

static void ide_set_sector(IDEState *s, uint64_t lba)
{
    if (s->lba48) {
        s->sector = (uint8_t)lba;
        s->lcyl = (uint8_t)(lba >> 8);
        s->hcyl = (uint8_t)(lba >> 16);
        s->hob_sector = (uint8_t)(lba >> 24);
        s->hob_lcyl = (uint8_t)(lba >> 32);
        s->hob_hcyl = (uint8_t)(lba >> 40);
    } else if (s->select & 0x40) {
        s->sector = (uint8_t)lba;
        s->lcyl = (uint8_t)(lba >> 8);
        s->hcyl = (uint8_t)(lba >> 16);
        s->select = (uint8_t)((s->select & 0xf0) | ((lba >> 24) & 0x0f));
    } else {
        uint32_t heads = ide_cur_heads(s), spt = ide_cur_sectors(s);
        uint64_t cyl = lba / (heads * spt);
        uint32_t r = (uint32_t)(lba % (heads * spt));

        s->lcyl = (uint8_t)cyl;
        s->hcyl = (uint8_t)(cyl >> 8);
        s->select = (uint8_t)((s->select & 0xf0) | (r / spt));
        s->sector = (uint8_t)(r % spt + 1);
    }
}

static uint32_t ide_get_nsector(IDEState *s)
{
    if (s->lba48) {
        uint32_t n = (uint32_t)s->hob_nsector << 8 | s->nsector;
        return n ? n : 65536;
    }
    return s->nsector ? s->nsector : 256;
}

static void ide_set_nsector(IDEState *s, uint32_t n)
{
    s->nsector = (uint8_t)n;
    if (s->lba48) {
        s->hob_nsector = (uint8_t)(n >> 8);
    }
}

/* ---- command completion ---- */

static void ide_command_done(IDEState *s)
{
    s->status = READY_STAT | SEEK_STAT;
    s->end_transfer = IDE_END_NONE;
    ide_set_irq(s);
}

void ide_abort_command(IDEState *s)
{
    s->status = READY_STAT | ERR_STAT;
    s->error = ABRT_ERR;
    s->end_transfer = IDE_END_NONE;
    s->dma_state = IDE_DMA_NONE;
    ide_set_irq(s);
}

static void ide_error_at(IDEState *s, uint8_t err, uint64_t lba)
{
    s->status = READY_STAT | ERR_STAT;
    s->error = err;
    s->end_transfer = IDE_END_NONE;
    s->dma_state = IDE_DMA_NONE;
    if (lba != UINT64_MAX) {
        ide_set_sector(s, lba);
    }
    ide_set_irq(s);
}

/* Check [lba, lba+n) against the disk; IDNF error if it does not fit. */
static bool ide_check_range(IDEState *s, uint64_t lba, uint32_t n)
{
    if (lba == UINT64_MAX || lba >= s->nb_sectors || n > s->nb_sectors - lba) {
        log_mask_printf(LOG_GUEST_ERROR,
                        "ide: command %#x on sectors %#llx+%u beyond the end (%llu sectors)\n",
                        s->cmd, (unsigned long long)lba, n, (unsigned long long)s->nb_sectors);
        ide_error_at(s, IDNF_ERR, UINT64_MAX);
        return false;
    }
    return true;
}

/* ---- PIO data phase ---- */

void ide_transfer_start(IDEState *s, uint32_t len, int end_transfer)
{
    s->data_ptr = s->buf_pos;
    s->data_end = s->buf_pos + len;
    s->end_transfer = (uint8_t)end_transfer;
    s->status = (s->status & ~BUSY_STAT) | DRQ_STAT;
}

/* ---- disk requests ---- */

/* Release the guest RAM a zero-copy DMA request used (it ended). */
static void ide_dma_unmap(IDEState *s)
{
    if (s->dma_niov) {
        s->bus->dma_ops->unmap(s->bus->dma_opaque, s->dma_iov, s->dma_niov, !s->dma_write,
                               s->dma_used);
        s->dma_niov = 0;
    }
}

static void ide_aio_cb(void *opaque, int ret)
{
    IDEState *s = opaque;

    s->aio_pending = false;
    /* also when stale: the mapping must not outlive the request */
    ide_dma_unmap(s);
    if (s->aio_stale) {
        s->aio_stale = false;
        return;
    }
    s->aio_done(s, ret);
}

/* Start a disk request on io_buffer; the drive is BSY until done runs. */
static void ide_aio(IDEState *s, bool write, int64_t offset, uint32_t len,
                    void (*done)(IDEState *s, int ret))
{
    s->status = (s->status & ~DRQ_STAT) | BUSY_STAT;
    s->end_transfer = IDE_END_NONE;
    s->aio_pending = true;
    s->aio_done = done;
    if (write) {
        blk_aio_pwrite(s->blk, offset, s->io_buffer, len, ide_aio_cb, s);
    } else {
        blk_aio_pread(s->blk, offset, s->io_buffer, len, ide_aio_cb, s);
    }
}

/* The same on guest memory (zero-copy DMA). */
static void ide_aiov(IDEState *s, bool write, int64_t offset, const struct iovec *iov, int niov,
                     void (*done)(IDEState *s, int ret))
{
    s->status = (s->status & ~DRQ_STAT) | BUSY_STAT;
    s->end_transfer = IDE_END_NONE;
    s->aio_pending = true;
    s->aio_done = done;
    if (write) {
        blk_aio_pwritev(s->blk, offset, iov, niov, ide_aio_cb, s);
    } else {
        blk_aio_preadv(s->blk, offset, iov, niov, ide_aio_cb, s);
    }
}

void ide_aio_read(IDEState *s, int64_t offset, uint32_t len, void (*done)(IDEState *s, int ret))
{
    ide_aio(s, false, offset, len, done);
}

/* Wait for the drive's request in flight and make its completion a no-op. */
static void ide_cancel_aio(IDEState *s)
{
    if (s->aio_pending) {
        s->aio_stale = true;
        blk_drain(s->blk);
    }
}

/* ---- PIO reads and writes ---- */

static uint32_t ide_block_sectors(IDEState *s)
{
    bool multiple = s->cmd == WIN_MULTREAD || s->cmd == WIN_MULTREAD_EXT ||
                    s->cmd == WIN_MULTWRITE || s->cmd == WIN_MULTWRITE_EXT;
    uint32_t n = multiple ? s->mult_sectors : 1;

    return n < s->xfer_left ? n : s->xfer_left;
}

static void ide_sector_read_done(IDEState *s, int ret)
{
    if (ret < 0) {
        log_mask_printf(LOG_GUEST_ERROR, "ide: read error at sector %llu: %s\n",
                        (unsigned long long)s->xfer_lba, strerror(-ret));
        ide_error_at(s, UNC_ERR, s->xfer_lba);
        return;
    }
    s->xfer_lba += s->xfer_n;
    s->xfer_left -= s->xfer_n;
    ide_set_sector(s, s->xfer_lba);
    ide_set_nsector(s, s->xfer_left);
    s->status = READY_STAT | SEEK_STAT;
    s->buf_pos = 0;
    s->buf_len = s->xfer_n * IDE_SECTOR_SIZE;
    ide_transfer_start(s, s->buf_len, IDE_END_READ);
    ide_set_irq(s);
}

static void ide_sector_read(IDEState *s)
{
    s->xfer_n = ide_block_sectors(s);
    ide_aio(s, false, (int64_t)s->xfer_lba * IDE_SECTOR_SIZE, s->xfer_n * IDE_SECTOR_SIZE,
            ide_sector_read_done);
}

/* Ready for the next block of a PIO write (DRQ). */
static void ide_sector_write_block(IDEState *s)
{
    s->xfer_n = ide_block_sectors(s);
    s->buf_pos = 0;
    s->buf_len = s->xfer_n * IDE_SECTOR_SIZE;
    s->status = READY_STAT | SEEK_STAT;
    ide_transfer_start(s, s->buf_len, IDE_END_WRITE);
}

static void ide_sector_write_done(IDEState *s, int ret)
{
    if (ret < 0) {
        log_mask_printf(LOG_GUEST_ERROR, "ide: write error at sector %llu: %s\n",
                        (unsigned long long)s->xfer_lba, strerror(-ret));
        ide_error_at(s, UNC_ERR, s->xfer_lba);
        return;
    }
    s->xfer_lba += s->xfer_n;
    s->xfer_left -= s->xfer_n;
    ide_set_sector(s, s->xfer_lba);
    ide_set_nsector(s, s->xfer_left);
    s->buf_len = 0;
    if (s->xfer_left) {
        ide_sector_write_block(s);
        ide_set_irq(s);
    } else {
        ide_command_done(s);
    }
}

/* The guest consumed (or filled) the PIO block. */
static void ide_end_transfer(IDEState *s)
{
    int end = s->end_transfer;

    s->end_transfer = IDE_END_NONE;
    s->status &= ~DRQ_STAT;
    switch (end) {
    case IDE_END_PIO_IN_DONE:
        s->status = READY_STAT | SEEK_STAT;
        s->buf_len = 0;
        break;
    case IDE_END_READ:
        s->buf_len = 0;
        if (s->xfer_left) {
            ide_sector_read(s);
        } else {
            s->status = READY_STAT | SEEK_STAT;
        }
        break;
    case IDE_END_WRITE:
        ide_aio(s, true, (int64_t)s->xfer_lba * IDE_SECTOR_SIZE, s->xfer_n * IDE_SECTOR_SIZE,
                ide_sector_write_done);
        break;
    case IDE_END_ATAPI_PACKET:
        ide_atapi_process_packet(s);
        break;
    case IDE_END_ATAPI_DATA:
        ide_atapi_data_block_done(s);
        break;
    default:
        break;
    }
}

static bool ide_pio_in(IDEState *s)
{
    return s->end_transfer == IDE_END_PIO_IN_DONE || s->end_transfer == IDE_END_READ ||
           s->end_transfer == IDE_END_ATAPI_DATA;
}

uint32_t ide_data_read(IDEBus *bus, unsigned size)
{
    IDEState *s = &bus->ifs[bus->unit];
    uint32_t v = 0;
    unsigned n = size >= 4 ? 4 : 2;

    if (!(s->status & DRQ_STAT) || !ide_pio_in(s)) {
        return 0;
    }
    for (unsigned i = 0; i < n; i++) {
        if (s->data_ptr + i < s->data_end) {
            v |= (uint32_t)s->io_buffer[s->data_ptr + i] << (8 * i);
        }
    }
    s->data_ptr += n;
    if (s->data_ptr >= s->data_end) {
        s->data_ptr = s->data_end;
        ide_end_transfer(s);
    }
    return size == 1 ? (v & 0xff) : v;
}

void ide_data_write(IDEBus *bus, uint32_t val, unsigned size)
{
    IDEState *s = &bus->ifs[bus->unit];
    unsigned n = size >= 4 ? 4 : 2;

    if (!(s->status & DRQ_STAT) || ide_pio_in(s) || s->end_transfer == IDE_END_NONE) {
        return;
    }
    for (unsigned i = 0; i < n; i++) {
        if (s->data_ptr + i < s->data_end) {
            s->io_buffer[s->data_ptr + i] = (uint8_t)(val >> (8 * i));
        }
    }
    s->data_ptr += n;
    if (s->data_ptr >= s->data_end) {
        s->data_ptr = s->data_end;
        ide_end_transfer(s);
    }
}

/* ---- DMA ---- */

static void ide_dma_run(IDEState *s);

static void ide_dma_finish(IDEState *s, bool ok)
{
    const IDEDMAOps *ops = s->bus->dma_ops;

    s->dma_state = IDE_DMA_NONE;
    s->buf_len = 0;
    ops->transfer_end(s->bus->dma_opaque, !ok);
    if (s->kind == IDE_CD) {
        ide_atapi_dma_done(s, ok);
    } else if (ok) {
        ide_set_sector(s, s->xfer_lba);
        ide_set_nsector(s, 0);
        ide_command_done(s);
    } else {
        ide_error_at(s, ABRT_ERR, s->xfer_lba);
    }
}

static uint32_t ide_sector_size(IDEState *s)
{
    return s->kind == IDE_CD ? ATAPI_SECTOR_SIZE : IDE_SECTOR_SIZE;
}

static void ide_dma_chunk_done(IDEState *s, int ret)
{
    const IDEDMAOps *ops = s->bus->dma_ops;
    int32_t len = (int32_t)(s->xfer_n * ide_sector_size(s));
    bool zero_copy = s->dma_zero_copy;

    s->dma_zero_copy = false;
    if (ret < 0) {
        log_mask_printf(LOG_GUEST_ERROR, "ide: DMA %s error at sector %llu: %s\n",
                        s->dma_write ? "write" : "read", (unsigned long long)s->xfer_lba,
                        strerror(-ret));
        s->dma_state = IDE_DMA_NONE;
        ops->transfer_end(s->bus->dma_opaque, true);
        if (s->kind == IDE_CD) {
            ide_atapi_dma_done(s, false);
        } else {
            ide_error_at(s, UNC_ERR, s->xfer_lba);
        }
        return;
    }
    if (zero_copy) {
        /* the data is in place */
    } else if (!s->dma_write && ops->rw_buf(s->bus->dma_opaque, s->io_buffer, len, true) < len) {
        log_mask_printf(LOG_GUEST_ERROR, "ide: PRD table too short for the DMA read\n");
        ide_dma_finish(s, false);
        return;
    }
    s->xfer_lba += s->xfer_n;
    s->xfer_left -= s->xfer_n;
    ide_dma_run(s);
}

/*
 * Zero copy: start the next chunk's disk request straight on the guest RAM
 * the scatter/gather list names. False when nothing was started: the list
 * goes on with something other than RAM, or with less than a sector of it
 * (then the chunk bounces through io_buffer).
 */
static bool ide_dma_run_mapped(IDEState *s, uint32_t ss)
{
    const IDEDMAOps *ops = s->bus->dma_ops;
    uint64_t want = (uint64_t)s->xfer_left * ss;
    struct iovec sub[IDE_DMA_MAX_IOV];
    int32_t mapped = 0, used, left;
    int n, k;

    if (want > IDE_DMA_MAX_CHUNK) {
        want = IDE_DMA_MAX_CHUNK;
    }
    n = ops->map(s->bus->dma_opaque, s->dma_iov, IDE_DMA_MAX_IOV, (int32_t)want, !s->dma_write,
                 &mapped);
    s->dma_niov = n;
    /* whole sectors only: the rest of the last piece waits for the next chunk */
    s->dma_used = used = mapped - mapped % (int32_t)ss;
    if (used == 0) {
        ide_dma_unmap(s);
        return false;
    }
    left = used;
    for (k = 0; k < n && left > 0; k++) {
        sub[k] = s->dma_iov[k];
        if (sub[k].iov_len > (size_t)left) {
            sub[k].iov_len = (size_t)left;
        }
        left -= (int32_t)sub[k].iov_len;
    }
    /* the list moves on now; the data moves when the request runs */
    ops->rw_buf(s->bus->dma_opaque, NULL, used, !s->dma_write);
    s->xfer_n = (uint32_t)used / ss;
    s->dma_zero_copy = true;
    ide_aiov(s, s->dma_write, (int64_t)s->xfer_lba * ss, sub, k, ide_dma_chunk_done);
    return true;
}

/* Transfer the next chunk, or finish. */
static void ide_dma_run(IDEState *s)
{
    const IDEDMAOps *ops = s->bus->dma_ops;
    uint32_t ss = ide_sector_size(s);
    int32_t len;

    if (s->dma_buffer) {
        len = (int32_t)s->buf_len;
        ide_dma_finish(s, ops->rw_buf(s->bus->dma_opaque, s->io_buffer, len, true) == len);
        return;
    }
    if (!s->xfer_left) {
        ide_dma_finish(s, true);
        return;
    }
    if (ops->map && ide_dma_run_mapped(s, ss)) {
        return;
    }
    s->dma_zero_copy = false;
    s->xfer_n = IDE_IO_BUFFER_SIZE / ss;
    if (s->xfer_n > s->xfer_left) {
        s->xfer_n = s->xfer_left;
    }
    len = (int32_t)(s->xfer_n * ss);
    if (s->dma_write && ops->rw_buf(s->bus->dma_opaque, s->io_buffer, len, false) < len) {
        log_mask_printf(LOG_GUEST_ERROR, "ide: PRD table too short for the DMA write\n");
        ide_dma_finish(s, false);
        return;
    }
    ide_aio(s, s->dma_write, (int64_t)s->xfer_lba * ss, (uint32_t)len, ide_dma_chunk_done);
}

/* A DMA command is ready for its data: run now if the bus master is
 * started, else when it is (ide_bus_dma_start). */
void ide_dma_begin(IDEState *s)
{
    const IDEDMAOps *ops = s->bus->dma_ops;

    s->status = READY_STAT | SEEK_STAT | BUSY_STAT;
    s->end_transfer = IDE_END_NONE;
    s->dma_state = IDE_DMA_WAITING;
    if (ops->ready(s->bus->dma_opaque)) {
        s->dma_state = IDE_DMA_RUNNING;
        ide_dma_run(s);
    }
}

void ide_bus_dma_start(IDEBus *bus)
{
    IDEState *s = &bus->ifs[bus->unit];

    if (s->dma_state == IDE_DMA_WAITING) {
        s->dma_state = IDE_DMA_RUNNING;
        ide_dma_run(s);
    }
}

/* ---- IDENTIFY DEVICE ---- */

static void ide_identify(IDEState *s, uint16_t *w)
{
    uint64_t lba28 = s->nb_sectors < 0x0fffffff ? s->nb_sectors : 0x0fffffff;
    uint32_t heads = ide_cur_heads(s), spt = ide_cur_sectors(s);
    uint64_t cur_cyls = s->nb_sectors / (heads * spt);
    uint32_t cur_cap;

    if (cur_cyls > 65535) {
        cur_cyls = 65535;
    }
    cur_cap = (uint32_t)(cur_cyls * heads * spt);
    memset(w, 0, 512);
    w[0] = 0x0040; /* fixed device, not removable */
    w[1] = s->cylinders;
    w[3] = s->heads;
    w[6] = s->sectors;
    ide_put_string(w + 10, s->serial, 10);
    ide_put_string(w + 23, s->version, 4);
    ide_put_string(w + 27, s->model, 20);
    w[47] = 0x8000 | IDE_MAX_MULT_SECTORS;
    w[49] = (1 << 11) | (1 << 9) | (1 << 8); /* IORDY, LBA, DMA */
    w[50] = 0x4000;
    w[51] = 0x0200; /* PIO mode 2 timing (obsolete field) */
    w[53] = 0x0007; /* words 54-58, 64-70 and 88 valid */
    w[54] = (uint16_t)cur_cyls;
    w[55] = (uint16_t)heads;
    w[56] = (uint16_t)spt;
    w[57] = (uint16_t)cur_cap;
    w[58] = (uint16_t)(cur_cap >> 16);
    if (s->mult_sectors) {
        w[59] = 0x100 | s->mult_sectors;
    }
    w[60] = (uint16_t)lba28;
    w[61] = (uint16_t)(lba28 >> 16);
    w[63] = 0x0007; /* multiword DMA 0-2 supported */
    w[64] = 0x0003; /* PIO 3 and 4 */
    w[65] = 120;
    w[66] = 120;
    w[67] = 120;
    w[68] = 120;
    w[80] = 0x00f0; /* ATA/ATAPI-4 to -7 */
    w[81] = 0x0016;
    w[82] = (1 << 6) | (1 << 5);                        /* look-ahead, write cache */
    w[83] = 0x4000 | (1 << 13) | (1 << 12) | (1 << 10); /* FLUSH (EXT), LBA48 */
    w[84] = 0x4000;
    w[85] = (uint16_t)((s->read_ahead ? 1 << 6 : 0) | (s->write_cache ? 1 << 5 : 0));
    w[86] = (1 << 13) | (1 << 12) | (1 << 10);
    w[87] = 0x4000;
    w[88] = 0x003f; /* UDMA 0-5 supported */
    if ((s->xfer_mode & 0xf8) == 0x20) {
        w[63] |= (uint16_t)(0x100 << (s->xfer_mode & 7));
    } else if ((s->xfer_mode & 0xf8) == 0x40) {
        w[88] |= (uint16_t)(0x100 << (s->xfer_mode & 7));
    }
    w[93] = (uint16_t)(0x4000 | 0x2000 | (s->unit == 0 ? 0x0009 : 0x0300)); /* 80-wire, reset ok */
    w[100] = (uint16_t)s->nb_sectors;
    w[101] = (uint16_t)(s->nb_sectors >> 16);
    w[102] = (uint16_t)(s->nb_sectors >> 32);
    w[103] = (uint16_t)(s->nb_sectors >> 48);
}

/* Fill io_buffer with the 256 words (little-endian) plus the integrity word. */
static void ide_fill_identify(IDEState *s, bool packet)
{
    uint16_t w[256];
    uint8_t sum = 0;

    if (packet) {
        ide_atapi_identify(s, w);
    } else {
        ide_identify(s, w);
    }
    w[255] = 0x00a5;
    for (int i = 0; i < 255; i++) {
        sum += (uint8_t)w[i] + (uint8_t)(w[i] >> 8);
    }
    sum += 0xa5;
    w[255] |= (uint16_t)((uint8_t)-sum << 8);
    for (int i = 0; i < 256; i++) {
        s->io_buffer[2 * i] = (uint8_t)w[i];
        s->io_buffer[2 * i + 1] = (uint8_t)(w[i] >> 8);
    }
}

/* ---- reset and signatures ---- */

void ide_set_signature(IDEState *s)
{
    s->select &= 0xf0; /* head/LBA 27:24 = 0 */
    s->select &= ~0x40;
    s->nsector = 1;
    s->sector = 1;
    if (s->kind == IDE_CD) {
        s->lcyl = 0x14;
        s->hcyl = 0xeb;
    } else if (s->kind == IDE_HD) {
        s->lcyl = 0;
        s->hcyl = 0;
    } else {
        /* no device: a signature no host takes for one (with the
         * diagnostic code 01h, Linux then reports nothing there) */
        s->lcyl = 0xff;
        s->hcyl = 0xff;
    }
}

/* What SRST, EXECUTE DEVICE DIAGNOSTIC and power-on share. An empty
 * position gets its registers reset too, so they read as "nobody". */
static void ide_drive_soft_reset(IDEState *s)
{
    ide_cancel_aio(s);
    s->select = (uint8_t)(0xa0 | (s->unit << 4));
    ide_set_signature(s);
    s->error = 0x01; /* diagnostic passed */
    s->feature = 0;
    s->hob_feature = s->hob_nsector = s->hob_sector = s->hob_lcyl = s->hob_hcyl = 0;
    s->status = s->kind == IDE_HD ? READY_STAT | SEEK_STAT : 0;
    s->end_transfer = IDE_END_NONE;
    s->dma_state = IDE_DMA_NONE;
    s->data_ptr = s->data_end = 0;
    s->buf_pos = s->buf_len = 0;
    s->xfer_left = 0;
    s->irq_pending = false;
    s->lba48 = false;
    s->cmd = 0;
    if (s->kind == IDE_CD) {
        ide_atapi_reset(s);
    }
}

static void ide_drive_power_on(IDEState *s)
{
    ide_drive_soft_reset(s);
    s->cur_heads = s->cur_sectors = 0;
    s->mult_sectors = IDE_MAX_MULT_SECTORS;
    s->xfer_mode = 0;
    s->write_cache = true;
    s->read_ahead = true;
    s->tray_locked = false;
}

void ide_bus_reset(IDEBus *bus)
{
    bus->unit = 0;
    bus->devctl = 0;
    for (int i = 0; i < 2; i++) {
        ide_drive_power_on(&bus->ifs[i]);
    }
    ide_bus_update_irq(bus);
}

static void ide_execute_diagnostic(IDEBus *bus)
{
    for (int i = 0; i < 2; i++) {
        ide_drive_soft_reset(&bus->ifs[i]);
    }
    bus->unit = 0;
    if (bus->ifs[0].kind != IDE_NONE) {
        ide_set_irq(&bus->ifs[0]);
    } else {
        ide_bus_update_irq(bus);
    }
}

/* ---- commands ---- */

static void ide_cmd_set_features(IDEState *s)
{
    switch (s->feature) {
    case 0x02: /* enable write cache */
        s->write_cache = true;
        break;
    case 0x82:
        s->write_cache = false;
        break;
    case 0xaa: /* enable read look-ahead */
        s->read_ahead = true;
        break;
    case 0x55:
        s->read_ahead = false;
        break;
    case 0x66: /* keep / revert to power-on defaults at reset: nothing kept */
    case 0xcc:
        break;
    case 0x03: { /* set transfer mode */
        uint8_t mode = s->nsector;
        bool ok = mode <= 0x01 || (mode >= 0x08 && mode <= 0x0c) ||
                  (mode >= 0x20 && mode <= 0x22) || (mode >= 0x40 && mode <= 0x45);

        if (!ok) {
            log_mask_printf(LOG_GUEST_ERROR, "ide: unsupported transfer mode %#x\n", mode);
            ide_abort_command(s);
            return;
        }
        s->xfer_mode = mode;
        break;
    }
    default:
        log_mask_printf(LOG_UNIMP, "ide: SET FEATURES subcommand %#x\n", s->feature);
        ide_abort_command(s);
        return;
    }
    s->status = (s->status & ~(ERR_STAT | BUSY_STAT)) | READY_STAT;
    ide_set_irq(s);
}

static void ide_flush_done(IDEState *s, int ret)
{
    if (ret < 0) {
        ide_abort_command(s);
        return;
    }
    ide_command_done(s);
}

/* Start a sector transfer: PIO in/out or DMA. */
static void ide_cmd_rw(IDEState *s, bool lba48, bool write, bool dma, bool multiple)
{
    uint64_t lba;
    uint32_t n;

    s->lba48 = lba48;
    if (multiple && !s->mult_sectors) {
        log_mask_printf(LOG_GUEST_ERROR, "ide: READ/WRITE MULTIPLE without SET MULTIPLE MODE\n");
        ide_abort_command(s);
        return;
    }
    if (dma && !s->bus->dma_ops) {
        ide_abort_command(s);
        return;
    }
    lba = ide_get_sector(s);
    n = ide_get_nsector(s);
    if (!ide_check_range(s, lba, n)) {
        return;
    }
    s->xfer_lba = lba;
    s->xfer_left = n;
    if (dma) {
        s->dma_write = write;
        s->dma_buffer = false;
        ide_dma_begin(s);
    } else if (write) {
        ide_sector_write_block(s);
    } else {
        ide_sector_read(s);
    }
}

/* the disk read/write commands, all run by ide_cmd_rw */
typedef struct IDERWCommand {
    uint8_t cmd;
    bool lba48, write, dma, multiple;
} IDERWCommand;

static const IDERWCommand ide_rw_cmds[] = {
    { WIN_READ, false, false, false, false },
    { WIN_READ_ONCE, false, false, false, false },
    { WIN_READ_EXT, true, false, false, false },
    { WIN_WRITE, false, true, false, false },
    { WIN_WRITE_ONCE, false, true, false, false },
    { WIN_WRITE_EXT, true, true, false, false },
    { WIN_MULTREAD, false, false, false, true },
    { WIN_MULTREAD_EXT, true, false, false, true },
    { WIN_MULTWRITE, false, true, false, true },
    { WIN_MULTWRITE_EXT, true, true, false, true },
    { WIN_READDMA, false, false, true, false },
    { WIN_READDMA_ONCE, false, false, true, false },
    { WIN_READDMA_EXT, true, false, true, false },
    { WIN_WRITEDMA, false, true, true, false },
    { WIN_WRITEDMA_ONCE, false, true, true, false },
    { WIN_WRITEDMA_EXT, true, true, true, false },
};

static void ide_exec_cmd(IDEBus *bus, uint8_t cmd)
{
    IDEState *s = &bus->ifs[bus->unit];
    bool cd;

    if (cmd == WIN_DIAGNOSE) {
        /* both devices run it, whichever is selected */
        if (!(s->status & BUSY_STAT) || s->kind == IDE_NONE) {
            ide_execute_diagnostic(bus);
        }
        return;
    }
    if (s->kind == IDE_NONE) {
        return; /* nobody there to accept it */
    }
    cd = s->kind == IDE_CD;
    if (cd && cmd == WIN_DEVICE_RESET) {
        /* allowed even while busy; no interrupt */
        ide_drive_soft_reset(s);
        s->status = 0;
        return;
    }
    if (s->status & BUSY_STAT) {
        log_mask_printf(LOG_GUEST_ERROR, "ide: command %#x while busy ignored\n", cmd);
        return;
    }
    s->cmd = cmd;
    s->irq_pending = false;
    ide_bus_update_irq(bus);
    s->error = 0;
    s->end_transfer = IDE_END_NONE;
    s->dma_state = IDE_DMA_NONE;
    s->buf_pos = 0;
    s->lba48 = false;

    if (cd) {
        switch (cmd) {
        case WIN_PACKETCMD:
            ide_atapi_packet_cmd(s);
            return;
        case WIN_PIDENTIFY:
            ide_fill_identify(s, true);
            s->buf_len = 512;
            s->status = READY_STAT | SEEK_STAT;
            ide_transfer_start(s, 512, IDE_END_PIO_IN_DONE);
            ide_set_irq(s);
            return;
        case WIN_IDENTIFY:
            /* an ATAPI device aborts and shows its signature */
            ide_set_signature(s);
            ide_abort_command(s);
            return;
        case WIN_SETFEATURES:
            ide_cmd_set_features(s);
            return;
        case WIN_CHECKPOWERMODE1:
            s->nsector = 0xff;
            /* fall through */
        case WIN_STANDBYNOW1:
        case WIN_IDLEIMMEDIATE:
        case WIN_SLEEPNOW1:
            ide_command_done(s);
            s->status = READY_STAT;
            return;
        default:
            log_mask_printf(LOG_GUEST_ERROR, "ide: ATA command %#x to an ATAPI device\n", cmd);
            ide_abort_command(s);
            return;
        }
    }

    for (size_t i = 0; i < sizeof(ide_rw_cmds) / sizeof(ide_rw_cmds[0]); i++) {
        const IDERWCommand *c = &ide_rw_cmds[i];
        if (c->cmd == cmd) {
            ide_cmd_rw(s, c->lba48, c->write, c->dma, c->multiple);
            return;
        }
    }
    switch (cmd) {
    case WIN_IDENTIFY:
        ide_fill_identify(s, false);
        s->buf_len = 512;
        s->status = READY_STAT | SEEK_STAT;
        ide_transfer_start(s, 512, IDE_END_PIO_IN_DONE);
        ide_set_irq(s);
        break;
    case WIN_VERIFY:
    case WIN_VERIFY_ONCE:
    case WIN_VERIFY_EXT: {
        uint64_t lba;
        uint32_t n;

        s->lba48 = cmd == WIN_VERIFY_EXT;
        lba = ide_get_sector(s);
        n = ide_get_nsector(s);
        if (ide_check_range(s, lba, n)) {
            ide_set_sector(s, lba + n - 1);
            ide_command_done(s);
        }
        break;
    }
    case WIN_SETMULT: {
        uint8_t n = s->nsector;

        if (n > IDE_MAX_MULT_SECTORS || (n & (n - 1))) {
            log_mask_printf(LOG_GUEST_ERROR, "ide: SET MULTIPLE MODE %u\n", n);
            ide_abort_command(s);
            break;
        }
        s->mult_sectors = n;
        ide_command_done(s);
        break;
    }
    case WIN_SPECIFY:
        s->cur_heads = (uint8_t)((s->select & 0x0f) + 1);
        s->cur_sectors = s->nsector;
        if (!s->cur_sectors) {
            log_mask_printf(LOG_GUEST_ERROR, "ide: INITIALIZE DEVICE PARAMETERS with 0 sectors\n");
            s->cur_heads = 0;
            ide_abort_command(s);
            break;
        }
        ide_command_done(s);
        break;
    case WIN_SETFEATURES:
        ide_cmd_set_features(s);
        break;
    case WIN_FLUSH_CACHE:
    case WIN_FLUSH_CACHE_EXT:
        s->status = READY_STAT | SEEK_STAT | BUSY_STAT;
        s->aio_pending = true;
        s->aio_done = ide_flush_done;
        blk_aio_flush(s->blk, ide_aio_cb, s);
        break;
    case WIN_READ_NATIVE_MAX:
    case WIN_READ_NATIVE_MAX_EXT: {
        uint64_t max = s->nb_sectors - 1;

        s->lba48 = cmd == WIN_READ_NATIVE_MAX_EXT;
        if (!s->lba48 && max > 0x0fffffff) {
            max = 0x0fffffff;
        }
        s->select |= 0x40;
        ide_set_sector(s, max);
        ide_command_done(s);
        break;
    }
    case WIN_CHECKPOWERMODE1:
        s->nsector = 0xff; /* active or idle */
        ide_command_done(s);
        break;
    case WIN_STANDBYNOW1:
    case WIN_IDLEIMMEDIATE:
    case WIN_STANDBY:
    case WIN_SETIDLE1:
    case WIN_SLEEPNOW1:
    case WIN_SEEK:
        ide_command_done(s);
        break;
    default:
        if (cmd >= 0x10 && cmd <= 0x1f) { /* RECALIBRATE */
            ide_command_done(s);
            break;
        }
        log_mask_printf(LOG_UNIMP, "ide: unsupported command %#x\n", cmd);
        ide_abort_command(s);
        break;
    }
}

/* ---- registers ---- */

uint32_t ide_cmd_read(IDEBus *bus, uint32_t addr)
{
    IDEState *s = &bus->ifs[bus->unit];
    bool hob = bus->devctl & IDE_CTRL_HOB;
    bool empty = bus->ifs[0].kind == IDE_NONE && bus->ifs[1].kind == IDE_NONE;

    if (empty) {
        return 0; /* nothing drives the bus; the pull-down on DD7 */
    }
    switch (addr & 7) {
    case 0:
        return ide_data_read(bus, 2) & 0xff;
    case 1:
        return hob ? s->hob_feature : s->error;
    case 2:
        return hob ? s->hob_nsector : s->nsector;
    case 3:
        return hob ? s->hob_sector : s->sector;
    case 4:
        return hob ? s->hob_lcyl : s->lcyl;
    case 5:
        return hob ? s->hob_hcyl : s->hcyl;
    case 6:
        return s->select;
    default:
        if (s->kind == IDE_NONE) {
            return 0; /* device 0 answers for an absent device 1 */
        }
        /* reading the status register acknowledges the interrupt */
        s->irq_pending = false;
        ide_bus_update_irq(bus);
        return s->status;
    }
}

void ide_cmd_write(IDEBus *bus, uint32_t addr, uint32_t val)
{
    uint8_t v = (uint8_t)val;

    addr &= 7;
    if (addr == 0) {
        ide_data_write(bus, val, 2);
        return;
    }
    /* any command block write clears HOB */
    bus->devctl &= ~IDE_CTRL_HOB;
    if (addr == 7) {
        ide_exec_cmd(bus, v);
        return;
    }
    for (int i = 0; i < 2; i++) {
        IDEState *s = &bus->ifs[i];

        switch (addr) {
        case 1:
            s->hob_feature = s->feature;
            s->feature = v;
            break;
        case 2:
            s->hob_nsector = s->nsector;
            s->nsector = v;
            break;
        case 3:
            s->hob_sector = s->sector;
            s->sector = v;
            break;
        case 4:
            s->hob_lcyl = s->lcyl;
            s->lcyl = v;
            break;
        case 5:
            s->hob_hcyl = s->hcyl;
            s->hcyl = v;
            break;
        case 6:
            s->select = (uint8_t)(v | 0xa0);
            break;
        }
    }
    if (addr == 6) {
        bus->unit = (v >> 4) & 1;
        ide_bus_update_irq(bus);
    }
}

uint32_t ide_status_read(IDEBus *bus)
{
    IDEState *s = &bus->ifs[bus->unit];

    if (s->kind == IDE_NONE) {
        return 0;
    }
    return s->status;
}

void ide_ctrl_write(IDEBus *bus, uint32_t val)
{
    bool was_reset = bus->devctl & IDE_CTRL_SRST;
    bool reset = val & IDE_CTRL_SRST;

    bus->devctl = (uint8_t)val;
    if (!was_reset && reset) {
        for (int i = 0; i < 2; i++) {
            IDEState *s = &bus->ifs[i];

            if (s->kind != IDE_NONE) {
                ide_cancel_aio(s);
                s->status = BUSY_STAT | SEEK_STAT;
                s->error = 0x01;
                s->end_transfer = IDE_END_NONE;
                s->dma_state = IDE_DMA_NONE;
                s->irq_pending = false;
            }
        }
    } else if (was_reset && !reset) {
        for (int i = 0; i < 2; i++) {
            ide_drive_soft_reset(&bus->ifs[i]);
        }
        bus->unit = 0;
    }
    ide_bus_update_irq(bus);
}

/* ---- set-up ---- */

void ide_bus_init(IDEBus *bus, qemu_irq irq, const IDEDMAOps *dma_ops, void *dma_opaque)
{
    memset(bus->ifs, 0, sizeof(bus->ifs));
    for (int i = 0; i < 2; i++) {
        bus->ifs[i].bus = bus;
        bus->ifs[i].unit = (uint8_t)i;
    }
    bus->unit = 0;
    bus->devctl = 0;
    bus->irq = irq;
    bus->dma_ops = dma_ops;
    bus->dma_opaque = dma_opaque;
}

bool ide_bus_attach(IDEBus *bus, int unit, IDEDriveKind kind, BlockBackend *blk, const char *serial,
                    const char *model, Error **errp)
{
    IDEState *s;
    static unsigned drive_serial = 1; /* default serial numbers, as QEMU's "QM000NN" */

    if (unit < 0 || unit > 1) {
        error_setg(errp, "IDE unit %d does not exist (0 or 1)", unit);
        return false;
    }
    s = &bus->ifs[unit];
    if (s->kind != IDE_NONE) {
        error_setg(errp, "IDE unit %d is already in use", unit);
        return false;
    }
    if (kind == IDE_HD) {
        int64_t len;

        if (!blk) {
            error_setg(errp, "an IDE disk needs a drive");
            return false;
        }
        len = blk_getlength(blk);
        if (len < IDE_SECTOR_SIZE) {
            error_setg(errp, "disk image '%s' is too small for an IDE disk", blk_filename(blk));
            return false;
        }
        s->nb_sectors = (uint64_t)len / IDE_SECTOR_SIZE;
        s->heads = 16;
        s->sectors = 63;
        s->cylinders =
            (uint16_t)(s->nb_sectors / (16 * 63) > 16383 ? 16383 : s->nb_sectors / (16 * 63));
        if (!s->cylinders) {
            s->cylinders = 1;
        }
    } else if (kind == IDE_CD) {
        s->nb_sectors = blk ? (uint64_t)blk_getlength(blk) / ATAPI_SECTOR_SIZE : 0;
    } else {
        error_setg(errp, "unknown IDE drive kind %d", (int)kind);
        return false;
    }
    s->kind = (uint8_t)kind;
    s->blk = blk;
    if (serial) {
        snprintf(s->serial, sizeof(s->serial), "%s", serial);
    } else {
        snprintf(s->serial, sizeof(s->serial), "QM%05u", drive_serial++);
    }
    if (model) {
        snprintf(s->model, sizeof(s->model), "%s", model);
    } else {
        snprintf(s->model, sizeof(s->model), "%s",
                 kind == IDE_CD ? "TERN DVD-ROM" : "TERN HARDDISK");
    }
    snprintf(s->version, sizeof(s->version), "%s", "0.1.0");
    ide_drive_power_on(s);
    return true;
}

bool ide_cd_change_media(IDEState *s, BlockBackend *blk)
{
    if (s->kind != IDE_CD || s->tray_locked) {
        return false;
    }
    ide_cancel_aio(s);
    s->blk = blk;
    s->nb_sectors = blk ? (uint64_t)blk_getlength(blk) / ATAPI_SECTOR_SIZE : 0;
    s->unit_attention = true;
    return true;
}

/* ---- migration ---- */

static int ide_drive_pre_save(void *opaque)
{
    IDEState *s = opaque;

    /* finish the disk request in flight so the state holds none */
    if (s->blk) {
        blk_drain(s->blk);
    }
    return 0;
}

static int ide_drive_post_load(void *opaque, int version_id)
{
    IDEState *s = opaque;

    if (s->data_end > IDE_IO_BUFFER_SIZE || s->data_ptr > s->data_end ||
        s->buf_pos > IDE_IO_BUFFER_SIZE || s->end_transfer > IDE_END_ATAPI_DATA ||
        s->dma_state > IDE_DMA_RUNNING) {
        return -EINVAL;
    }
    /* no request survives a save: a RUNNING transfer waits for its engine */
    if (s->dma_state == IDE_DMA_RUNNING) {
        s->dma_state = IDE_DMA_WAITING;
    }
    return 0;
}

static const VMStateDescription vmstate_ide_drive = {
    .name = "ide_drive",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save = ide_drive_pre_save,
    .post_load = ide_drive_post_load,
    .fields =
        (const VMStateField[]){
            VMSTATE_UINT8_EQUAL(kind, IDEState),
            VMSTATE_UINT8(feature, IDEState),
            VMSTATE_UINT8(error, IDEState),
            VMSTATE_UINT8(status, IDEState),
            VMSTATE_UINT8(select, IDEState),
            VMSTATE_UINT8(nsector, IDEState),
            VMSTATE_UINT8(sector, IDEState),
            VMSTATE_UINT8(lcyl, IDEState),
            VMSTATE_UINT8(hcyl, IDEState),
            VMSTATE_UINT8(hob_feature, IDEState),
            VMSTATE_UINT8(hob_nsector, IDEState),
            VMSTATE_UINT8(hob_sector, IDEState),
            VMSTATE_UINT8(hob_lcyl, IDEState),
            VMSTATE_UINT8(hob_hcyl, IDEState),
            VMSTATE_BOOL(irq_pending, IDEState),
            VMSTATE_UINT8(cur_heads, IDEState),
            VMSTATE_UINT8(cur_sectors, IDEState),
            VMSTATE_UINT8(mult_sectors, IDEState),
            VMSTATE_UINT8(xfer_mode, IDEState),
            VMSTATE_BOOL(write_cache, IDEState),
            VMSTATE_BOOL(read_ahead, IDEState),
            VMSTATE_UINT8(cmd, IDEState),
            VMSTATE_UINT8(end_transfer, IDEState),
            VMSTATE_BOOL(lba48, IDEState),
            VMSTATE_UINT32(data_ptr, IDEState),
            VMSTATE_UINT32(data_end, IDEState),
            VMSTATE_UINT64(xfer_lba, IDEState),
            VMSTATE_UINT32(xfer_left, IDEState),
            VMSTATE_UINT32(xfer_n, IDEState),
            VMSTATE_UINT8(dma_state, IDEState),
            VMSTATE_BOOL(dma_write, IDEState),
            VMSTATE_BOOL(dma_buffer, IDEState),
            VMSTATE_UINT8_ARRAY(packet, IDEState, 12),
            VMSTATE_UINT8(sense_key, IDEState),
            VMSTATE_UINT8(asc, IDEState),
            VMSTATE_UINT8(ascq, IDEState),
            VMSTATE_UINT16(byte_limit, IDEState),
            VMSTATE_BOOL(atapi_dma, IDEState),
            VMSTATE_BOOL(tray_locked, IDEState),
            VMSTATE_BOOL(unit_attention, IDEState),
            VMSTATE_UINT32(buf_pos, IDEState),
            VMSTATE_VARRAY_UINT32(io_buffer, IDEState, buf_len, 0, VMS_KIND_UINT8, uint8_t),
            VMSTATE_END_OF_LIST(),
        },
};

static int ide_bus_post_load(void *opaque, int version_id)
{
    IDEBus *bus = opaque;

    if (bus->unit > 1) {
        return -EINVAL;
    }
    ide_bus_update_irq(bus);
    return 0;
}

const VMStateDescription vmstate_ide_bus = {
    .name = "ide_bus",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = ide_bus_post_load,
    .fields =
        (const VMStateField[]){
            VMSTATE_UINT8(unit, IDEBus),
            VMSTATE_UINT8(devctl, IDEBus),
            VMSTATE_STRUCT_ARRAY(ifs, IDEBus, 2, 0, vmstate_ide_drive, IDEState),
            VMSTATE_END_OF_LIST(),
        },
};
