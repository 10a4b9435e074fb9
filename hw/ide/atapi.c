/*
 * ATAPI CD-ROM: the PACKET protocol and the MMC commands a PC guest uses.
 *
 * Modelled, from ATA/ATAPI-6 (the PACKET feature set), SPC-3 and MMC-3:
 * PACKET with PIO (byte count limit, one DRQ block per interrupt) or DMA
 * data phases, IDENTIFY PACKET DEVICE, interrupt reason in the sector
 * count register, sense data (CHECK CONDITION shows the sense key in the
 * error register); the commands TEST UNIT READY, REQUEST SENSE, INQUIRY,
 * READ CAPACITY, READ(10), READ(12), READ TOC (formats 0 and 1, LBA and
 * MSF), MODE SENSE(10) (pages 01h, 2Ah, 3Fh; current and changeable),
 * GET CONFIGURATION (profile list, core, removable medium, random
 * readable), GET EVENT STATUS NOTIFICATION (media class), START STOP
 * UNIT, PREVENT ALLOW MEDIUM REMOVAL, SET CD SPEED; UNIT ATTENTION after a
 * medium change; NOT READY without a medium. 2048-byte sectors, one data
 * track.
 *
 * Not modelled: audio, READ CD / raw sectors, multisession, DVD
 * structures, writing, a real tray (START STOP UNIT with LoEj does not
 * remove the medium; the monitor's eject/change do).
 */
#include <string.h>

#include "ide-internal.h"
#include "util/log.h"

/* SCSI/MMC opcodes */
#define GPCMD_TEST_UNIT_READY   0x00
#define GPCMD_REQUEST_SENSE     0x03
#define GPCMD_INQUIRY           0x12
#define GPCMD_START_STOP_UNIT   0x1b
#define GPCMD_PREVENT_ALLOW     0x1e
#define GPCMD_READ_CAPACITY     0x25
#define GPCMD_READ_10           0x28
#define GPCMD_READ_TOC          0x43
#define GPCMD_GET_CONFIGURATION 0x46
#define GPCMD_GET_EVENT_STATUS  0x4a
#define GPCMD_READ_DISC_INFO    0x51
#define GPCMD_READ_TRACK_INFO   0x52
#define GPCMD_MODE_SENSE_10     0x5a
#define GPCMD_READ_12           0xa8
#define GPCMD_SET_SPEED         0xbb

/* sense keys and additional sense codes */
#define SENSE_NONE             0x00
#define SENSE_NOT_READY        0x02
#define SENSE_MEDIUM_ERROR     0x03
#define SENSE_ILLEGAL_REQUEST  0x05
#define SENSE_UNIT_ATTENTION   0x06
#define SENSE_ABORTED_COMMAND  0x0b
#define ASC_INV_OPCODE         0x20
#define ASC_LBA_OUT_OF_RANGE   0x21
#define ASC_INV_FIELD_IN_CDB   0x24
#define ASC_MEDIUM_CHANGED     0x28
#define ASC_SAVING_UNSUPPORTED 0x39
#define ASC_MEDIUM_NOT_PRESENT 0x3a
#define ASC_REMOVAL_PREVENTED  0x53

/* the largest CD (80 min); bigger media are reported as DVDs */
#define CD_MAX_SECTORS 360000

static void be16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get_be16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool atapi_has_medium(IDEState *s)
{
    return s->blk != NULL;
}

void ide_atapi_identify(IDEState *s, uint16_t *w)
{
    memset(w, 0, 512);
    /* ATAPI, CD-ROM, removable, 50us DRQ, 12-byte packets */
    w[0] = (2 << 14) | (5 << 8) | (1 << 7) | (2 << 5);
    ide_put_string(w + 10, s->serial, 10);
    ide_put_string(w + 23, s->version, 4);
    ide_put_string(w + 27, s->model, 20);
    w[49] = (1 << 9) | (1 << 8); /* LBA, DMA */
    w[53] = 0x0006;              /* words 64-70 and 88 valid */
    w[63] = 0x0007;
    w[64] = 0x0003;
    w[65] = 120;
    w[66] = 120;
    w[67] = 120;
    w[68] = 120;
    w[71] = 30; /* release times (ns) */
    w[72] = 30;
    w[80] = 0x001e;               /* ATA/ATAPI-1 to -4 */
    w[82] = (1 << 4) | (1 << 14); /* PACKET, NOP */
    w[83] = 0x4000;
    w[84] = 0x4000;
    w[85] = 1 << 4;
    w[87] = 0x4000;
    w[88] = 0x003f;
    if ((s->xfer_mode & 0xf8) == 0x20) {
        w[63] |= (uint16_t)(0x100 << (s->xfer_mode & 7));
    } else if ((s->xfer_mode & 0xf8) == 0x40) {
        w[88] |= (uint16_t)(0x100 << (s->xfer_mode & 7));
    }
    w[93] = 0x4000 | 0x2000;
}

void ide_atapi_reset(IDEState *s)
{
    s->sense_key = SENSE_NONE;
    s->asc = s->ascq = 0;
    s->atapi_dma = false;
    s->byte_limit = 0;
}

/* The command ended well: status DRDY, interrupt reason "command, to host". */
static void atapi_cmd_ok(IDEState *s)
{
    s->error = 0;
    s->status = READY_STAT | SEEK_STAT;
    s->nsector = (s->nsector & ~7) | ATAPI_INT_REASON_IO | ATAPI_INT_REASON_CD;
    s->end_transfer = IDE_END_NONE;
    s->buf_len = 0;
    s->sense_key = SENSE_NONE;
    s->asc = s->ascq = 0;
    ide_set_irq(s);
}

/* CHECK CONDITION: the sense key shows in the error register. */
static void atapi_cmd_error(IDEState *s, uint8_t key, uint8_t asc, uint8_t ascq)
{
    s->error = (uint8_t)(key << 4) | ABRT_ERR;
    s->status = READY_STAT | ERR_STAT;
    s->nsector = (s->nsector & ~7) | ATAPI_INT_REASON_IO | ATAPI_INT_REASON_CD;
    s->end_transfer = IDE_END_NONE;
    s->dma_state = IDE_DMA_NONE;
    s->buf_len = 0;
    s->sense_key = key;
    s->asc = asc;
    s->ascq = ascq;
    ide_set_irq(s);
}

/* Offer io_buffer[buf_pos..buf_len) in one DRQ block within the byte count limit. */
static void atapi_send_block(IDEState *s)
{
    uint32_t limit = s->byte_limit;
    uint32_t len = s->buf_len - s->buf_pos;

    if (limit == 0) {
        limit = 0xfffe; /* invalid; a host that means "anything" gets the most */
    }
    limit &= ~1u;
    if (len > limit) {
        len = limit;
    }
    s->lcyl = (uint8_t)len;
    s->hcyl = (uint8_t)(len >> 8);
    s->nsector = (s->nsector & ~7) | ATAPI_INT_REASON_IO;
    s->status = READY_STAT | SEEK_STAT;
    ide_transfer_start(s, len, IDE_END_ATAPI_DATA);
    ide_set_irq(s);
}

/* Return io_buffer[0..len) (cut to the allocation length) to the host. */
static void atapi_reply(IDEState *s, uint32_t len, uint32_t alloc)
{
    if (len > alloc) {
        len = alloc;
    }
    if (len == 0) {
        atapi_cmd_ok(s);
        return;
    }
    s->buf_pos = 0;
    s->buf_len = len;
    s->xfer_left = 0;
    if (s->atapi_dma) {
        s->dma_buffer = true;
        s->dma_write = false;
        ide_dma_begin(s);
    } else {
        atapi_send_block(s);
    }
}

static void atapi_read_done(IDEState *s, int ret);

static void atapi_read_chunk(IDEState *s)
{
    s->xfer_n = IDE_IO_BUFFER_SIZE / ATAPI_SECTOR_SIZE;
    if (s->xfer_n > s->xfer_left) {
        s->xfer_n = s->xfer_left;
    }
    ide_aio_read(s, (int64_t)s->xfer_lba * ATAPI_SECTOR_SIZE, s->xfer_n * ATAPI_SECTOR_SIZE,
                 atapi_read_done);
}

static void atapi_read_done(IDEState *s, int ret)
{
    if (ret < 0) {
        atapi_cmd_error(s, SENSE_MEDIUM_ERROR, 0x11, 0); /* unrecovered read error */
        return;
    }
    s->xfer_lba += s->xfer_n;
    s->xfer_left -= s->xfer_n;
    s->buf_pos = 0;
    s->buf_len = s->xfer_n * ATAPI_SECTOR_SIZE;
    atapi_send_block(s);
}

void ide_atapi_data_block_done(IDEState *s)
{
    s->buf_pos = s->data_end;
    if (s->buf_pos < s->buf_len) {
        atapi_send_block(s);
    } else if (s->xfer_left) {
        atapi_read_chunk(s);
    } else {
        atapi_cmd_ok(s);
    }
}

void ide_atapi_dma_done(IDEState *s, bool ok)
{
    s->dma_buffer = false;
    if (ok) {
        atapi_cmd_ok(s);
    } else {
        atapi_cmd_error(s, SENSE_ABORTED_COMMAND, 0, 0);
    }
}

void ide_atapi_packet_cmd(IDEState *s)
{
    s->atapi_dma = s->feature & 1;
    s->byte_limit = (uint16_t)(s->lcyl | s->hcyl << 8);
    if (s->atapi_dma && !s->bus->dma_ops) {
        ide_abort_command(s);
        return;
    }
    if (s->feature & 2) {
        log_mask_printf(LOG_UNIMP, "ide: overlapped ATAPI commands\n");
    }
    s->nsector = (s->nsector & ~7) | ATAPI_INT_REASON_CD;
    s->status = READY_STAT | SEEK_STAT;
    s->buf_pos = 0;
    s->buf_len = 12;
    ide_transfer_start(s, 12, IDE_END_ATAPI_PACKET);
}

static void atapi_lba_to_msf(uint8_t *p, uint32_t lba)
{
    lba += 150;
    p[0] = 0;
    p[1] = (uint8_t)(lba / (75 * 60));
    p[2] = (uint8_t)((lba / 75) % 60);
    p[3] = (uint8_t)(lba % 75);
}

static void atapi_put_addr(uint8_t *p, uint32_t lba, bool msf)
{
    if (msf) {
        atapi_lba_to_msf(p, lba);
    } else {
        be32(p, lba);
    }
}

static void atapi_read_toc(IDEState *s)
{
    uint8_t *buf = s->io_buffer;
    bool msf = s->packet[1] & 2;
    uint32_t format = s->packet[2] & 0x0f;
    uint32_t track = s->packet[6];
    uint32_t alloc = get_be16(s->packet + 7);
    uint32_t len;

    if (format == 0 && (s->packet[9] >> 6)) {
        format = s->packet[9] >> 6; /* the older SFF-8020 place */
    }
    memset(buf, 0, 32);
    switch (format) {
    case 0: /* TOC */
        if (track > 1 && track != 0xaa) {
            atapi_cmd_error(s, SENSE_ILLEGAL_REQUEST, ASC_INV_FIELD_IN_CDB, 0);
            return;
        }
        buf[2] = 1; /* first and last track */
        buf[3] = 1;
        len = 4;
        if (track <= 1) {
            buf[len + 1] = 0x14; /* ADR 1, data track */
            buf[len + 2] = 1;
            atapi_put_addr(buf + len + 4, 0, msf);
            len += 8;
        }
        buf[len + 1] = 0x14;
        buf[len + 2] = 0xaa; /* lead-out */
        atapi_put_addr(buf + len + 4, (uint32_t)s->nb_sectors, msf);
        len += 8;
        be16(buf, len - 2);
        break;
    case 1: /* session information */
        be16(buf, 10);
        buf[2] = 1;
        buf[3] = 1;
        buf[5] = 0x14;
        buf[6] = 1;
        atapi_put_addr(buf + 8, 0, msf);
        len = 12;
        break;
    default:
        log_mask_printf(LOG_UNIMP, "ide: READ TOC format %u\n", format);
        atapi_cmd_error(s, SENSE_ILLEGAL_REQUEST, ASC_INV_FIELD_IN_CDB, 0);
        return;
    }
    atapi_reply(s, len, alloc);
}

/*
 * READ DISC INFORMATION (MMC), the standard Disc Information block: the
 * medium is a finalized single-session disc with one track (Linux's cdrom
 * layer asks for it when it opens the drive).
 */
static void atapi_read_disc_info(IDEState *s)
{
    uint8_t *buf = s->io_buffer;
    uint32_t alloc = get_be16(s->packet + 7);

    if (s->packet[1] & 7) {
        /* only data type 000b (standard disc information) */
        atapi_cmd_error(s, SENSE_ILLEGAL_REQUEST, ASC_INV_FIELD_IN_CDB, 0);
        return;
    }
    memset(buf, 0, 34);
    be16(buf, 32); /* the bytes that follow */
    buf[2] = 0x0e; /* not erasable, last session complete, disc finalized */
    buf[3] = 1;    /* first track on the disc */
    buf[4] = 1;    /* sessions */
    buf[5] = 1;    /* first track of the last session */
    buf[6] = 1;    /* last track of the last session */
    buf[8] = 0x00; /* disc type: CD-DA or CD-ROM */
    /* lead-in of a next session, last possible lead-out: none (complete) */
    be32(buf + 16, 0xffffffffu);
    be32(buf + 20, 0xffffffffu);
    atapi_reply(s, 34, alloc);
}

/*
 * READ TRACK INFORMATION (MMC): the Track Information Block of the one
 * data track (mode 1, recorded uninterrupted, complete: nothing writable),
 * named by an LBA in it, its number (1) or its session's number (1).
 */
static void atapi_read_track_info(IDEState *s)
{
    uint8_t *buf = s->io_buffer;
    uint32_t addr = get_be32(s->packet + 2);
    uint32_t alloc = get_be16(s->packet + 7);

    switch (s->packet[1] & 3) {
    case 0: /* logical block address */
        if (addr >= s->nb_sectors) {
            atapi_cmd_error(s, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
            return;
        }
        break;
    case 1: /* track number */
    case 2: /* session number */
        if (addr != 1) {
            atapi_cmd_error(s, SENSE_ILLEGAL_REQUEST, ASC_INV_FIELD_IN_CDB, 0);
            return;
        }
        break;
    default:
        atapi_cmd_error(s, SENSE_ILLEGAL_REQUEST, ASC_INV_FIELD_IN_CDB, 0);
        return;
    }
    memset(buf, 0, 36);
    be16(buf, 34); /* the bytes that follow */
    buf[2] = 1;    /* track number */
    buf[3] = 1;    /* session number */
    buf[5] = 0x04; /* track mode: data, recorded uninterrupted */
    buf[6] = 0x01; /* data mode 1; not blank, not packet written */
    /* byte 7: neither the last recorded nor a next writable address valid */
    be32(buf + 8, 0);                        /* track start */
    be32(buf + 24, (uint32_t)s->nb_sectors); /* track size */
    atapi_reply(s, 36, alloc);
}

static uint32_t atapi_mode_page(IDEState *s, uint8_t *p, int page, bool changeable)
{
    uint32_t len;

    switch (page) {
    case 0x01: /* read error recovery */
        memset(p, 0, 8);
        p[0] = 0x01;
        p[1] = 6;
        p[3] = 5; /* read retry count */
        len = 8;
        break;
    case 0x2a: /* CD/DVD capabilities and mechanical status */
        memset(p, 0, 20);
        p[0] = 0x2a;
        p[1] = 18;
        p[2] = 0x08; /* reads DVD-ROM */
        p[4] = 0x71; /* multisession, mode 2 form 1/2, audio play */
        p[5] = 0x00;
        p[6] = 0x29 | (s->tray_locked ? 0x02 : 0); /* tray, eject, lock */
        be16(p + 8, 706);                          /* max read speed, kB/s */
        be16(p + 10, 256);                         /* volume levels */
        be16(p + 12, 512);                         /* buffer, KiB */
        be16(p + 14, 706);
        len = 20;
        break;
    default:
        return 0;
    }
    if (changeable) {
        memset(p + 2, 0, len - 2);
    }
    return len;
}

static void atapi_mode_sense(IDEState *s)
{
    uint8_t *buf = s->io_buffer;
    uint32_t pc = s->packet[2] >> 6;
    uint32_t page = s->packet[2] & 0x3f;
    uint32_t alloc = get_be16(s->packet + 7);
    uint32_t len = 8;

    if (pc == 3) {
        atapi_cmd_error(s, SENSE_ILLEGAL_REQUEST, ASC_SAVING_UNSUPPORTED, 0);
        return;
    }
    memset(buf, 0, 8);
    buf[2] = atapi_has_medium(s) ? 0x01 : 0x70; /* 120 mm data disc, or no disc */
    if (page == 0x3f) {
        len += atapi_mode_page(s, buf + len, 0x01, pc == 1);
        len += atapi_mode_page(s, buf + len, 0x2a, pc == 1);
    } else {
        uint32_t n = atapi_mode_page(s, buf + len, (int)page, pc == 1);

        if (!n) {
            log_mask_printf(LOG_UNIMP, "ide: MODE SENSE page %#x\n", page);
            atapi_cmd_error(s, SENSE_ILLEGAL_REQUEST, ASC_INV_FIELD_IN_CDB, 0);
            return;
        }
        len += n;
    }
    be16(buf, len - 2);
    atapi_reply(s, len, alloc);
}

/* One feature descriptor of GET CONFIGURATION at p; returns its size. */
static uint32_t atapi_feature(IDEState *s, uint8_t *p, uint32_t code)
{
    bool medium = atapi_has_medium(s);

    memset(p, 0, 16);
    be16(p, code);
    switch (code) {
    case 0x0000: /* profile list */
        p[2] = 0x03;
        p[3] = 8;
        be16(p + 4, 0x0010); /* DVD-ROM */
        p[6] = medium && s->nb_sectors > CD_MAX_SECTORS;
        be16(p + 8, 0x0008); /* CD-ROM */
        p[10] = medium && s->nb_sectors <= CD_MAX_SECTORS;
        return 12;
    case 0x0001: /* core */
        p[2] = 0x0b;
        p[3] = 8;
        be32(p + 4, 2); /* ATAPI */
        p[8] = 0x01;    /* DBE */
        return 12;
    case 0x0003: /* removable medium */
        p[2] = 0x03;
        p[3] = 4;
        p[4] = 0x29; /* tray, eject, lock */
        return 8;
    case 0x0010: /* random readable */
        p[2] = medium ? 0x01 : 0x00;
        p[3] = 8;
        be32(p + 4, ATAPI_SECTOR_SIZE);
        be16(p + 8, 1);
        return 12;
    default:
        return 0;
    }
}

static void atapi_get_configuration(IDEState *s)
{
    static const uint32_t features[] = { 0x0000, 0x0001, 0x0003, 0x0010 };
    uint8_t *buf = s->io_buffer;
    uint32_t rt = s->packet[1] & 3;
    uint32_t start = get_be16(s->packet + 2);
    uint32_t alloc = get_be16(s->packet + 7);
    uint32_t len = 8;
    uint32_t profile = 0;

    if (rt == 3) {
        atapi_cmd_error(s, SENSE_ILLEGAL_REQUEST, ASC_INV_FIELD_IN_CDB, 0);
        return;
    }
    if (atapi_has_medium(s)) {
        profile = s->nb_sectors > CD_MAX_SECTORS ? 0x0010 : 0x0008;
    }
    memset(buf, 0, 8);
    be16(buf + 6, profile);
    for (unsigned i = 0; i < sizeof(features) / sizeof(features[0]); i++) {
        uint32_t code = features[i];
        uint32_t n;

        if (code < start || (rt == 2 && code != start)) {
            continue;
        }
        n = atapi_feature(s, buf + len, code);
        if (rt == 1 && !(buf[len + 2] & 1)) {
            continue; /* only current features */
        }
        len += n;
    }
    be32(buf, len - 4);
    atapi_reply(s, len, alloc);
}

static void atapi_get_event_status(IDEState *s)
{
    uint8_t *buf = s->io_buffer;
    uint32_t alloc = get_be16(s->packet + 7);
    uint32_t classes = s->packet[4];

    if (!(s->packet[1] & 1)) {
        /* asynchronous notification is not supported */
        atapi_cmd_error(s, SENSE_ILLEGAL_REQUEST, ASC_INV_FIELD_IN_CDB, 0);
        return;
    }
    memset(buf, 0, 8);
    buf[3] = 0x10; /* supported classes: media */
    if (classes & 0x10) {
        be16(buf, 6);
        buf[2] = 0x04; /* media class */
        if (s->unit_attention) {
            buf[4] = atapi_has_medium(s) ? 0x02 : 0x03; /* new media / removal */
            s->unit_attention = false;
        }
        buf[5] = atapi_has_medium(s) ? 0x02 : 0x00; /* media present */
        atapi_reply(s, 8, alloc);
    } else {
        be16(buf, 2);
        buf[2] = 0x80; /* no event available */
        atapi_reply(s, 4, alloc);
    }
}

static void atapi_read(IDEState *s, uint32_t lba, uint32_t n)
{
    if ((uint64_t)lba + n > s->nb_sectors) {
        log_mask_printf(LOG_GUEST_ERROR, "ide: ATAPI read of %u sectors at %u beyond the end\n", n,
                        lba);
        atapi_cmd_error(s, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
        return;
    }
    if (n == 0) {
        atapi_cmd_ok(s);
        return;
    }
    s->xfer_lba = lba;
    s->xfer_left = n;
    if (s->atapi_dma) {
        s->dma_write = false;
        s->dma_buffer = false;
        ide_dma_begin(s);
    } else {
        atapi_read_chunk(s);
    }
}

void ide_atapi_process_packet(IDEState *s)
{
    uint8_t *p = s->packet;
    uint8_t *buf = s->io_buffer;
    uint8_t op;

    memcpy(p, s->io_buffer, 12);
    op = p[0];
    s->buf_len = 0;

    /* a new medium is reported once, to the first command that is not
     * meant to ask about it */
    if (s->unit_attention && op != GPCMD_REQUEST_SENSE && op != GPCMD_INQUIRY &&
        op != GPCMD_GET_CONFIGURATION && op != GPCMD_GET_EVENT_STATUS) {
        s->unit_attention = false;
        atapi_cmd_error(s, SENSE_UNIT_ATTENTION, ASC_MEDIUM_CHANGED, 0);
        return;
    }
    switch (op) {
    case GPCMD_TEST_UNIT_READY:
    case GPCMD_READ_CAPACITY:
    case GPCMD_READ_10:
    case GPCMD_READ_12:
    case GPCMD_READ_TOC:
    case GPCMD_READ_DISC_INFO:
    case GPCMD_READ_TRACK_INFO:
        if (!atapi_has_medium(s)) {
            atapi_cmd_error(s, SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT, 0);
            return;
        }
        break;
    default:
        break;
    }

    switch (op) {
    case GPCMD_TEST_UNIT_READY:
    case GPCMD_SET_SPEED:
        atapi_cmd_ok(s);
        break;
    case GPCMD_REQUEST_SENSE: {
        uint8_t key = s->sense_key, asc = s->asc, ascq = s->ascq;

        if (s->unit_attention) {
            key = SENSE_UNIT_ATTENTION;
            asc = ASC_MEDIUM_CHANGED;
            ascq = 0;
            s->unit_attention = false;
        }
        memset(buf, 0, 18);
        buf[0] = 0x70; /* current error, fixed format */
        buf[2] = key;
        buf[7] = 10;
        buf[12] = asc;
        buf[13] = ascq;
        atapi_reply(s, 18, p[4]);
        break;
    }
    case GPCMD_INQUIRY:
        if (p[1] & 1) {
            atapi_cmd_error(s, SENSE_ILLEGAL_REQUEST, ASC_INV_FIELD_IN_CDB, 0); /* no VPD */
            break;
        }
        memset(buf, 0, 36);
        buf[0] = 0x05; /* CD/DVD device */
        buf[1] = 0x80; /* removable */
        buf[2] = 0x00;
        buf[3] = 0x21; /* ATAPI version 2, response data format 1 */
        buf[4] = 31;   /* additional length */
        memcpy(buf + 8, "TERN    ", 8);
        memcpy(buf + 16, "TERN DVD-ROM    ", 16);
        memcpy(buf + 32, s->version, 4);
        atapi_reply(s, 36, get_be16(p + 3));
        break;
    case GPCMD_READ_CAPACITY:
        be32(buf, (uint32_t)(s->nb_sectors - 1));
        be32(buf + 4, ATAPI_SECTOR_SIZE);
        atapi_reply(s, 8, 8);
        break;
    case GPCMD_READ_10:
        atapi_read(s, get_be32(p + 2), get_be16(p + 7));
        break;
    case GPCMD_READ_12:
        atapi_read(s, get_be32(p + 2), get_be32(p + 6));
        break;
    case GPCMD_READ_TOC:
        atapi_read_toc(s);
        break;
    case GPCMD_READ_DISC_INFO:
        atapi_read_disc_info(s);
        break;
    case GPCMD_READ_TRACK_INFO:
        atapi_read_track_info(s);
        break;
    case GPCMD_MODE_SENSE_10:
        atapi_mode_sense(s);
        break;
    case GPCMD_GET_CONFIGURATION:
        atapi_get_configuration(s);
        break;
    case GPCMD_GET_EVENT_STATUS:
        atapi_get_event_status(s);
        break;
    case GPCMD_START_STOP_UNIT:
        if ((p[4] & 3) == 2) { /* eject */
            if (s->tray_locked) {
                atapi_cmd_error(s, SENSE_ILLEGAL_REQUEST, ASC_REMOVAL_PREVENTED, 2);
                break;
            }
            log_mask_printf(LOG_UNIMP, "ide: eject request ignored (the medium stays)\n");
        }
        atapi_cmd_ok(s);
        break;
    case GPCMD_PREVENT_ALLOW:
        s->tray_locked = p[4] & 1;
        atapi_cmd_ok(s);
        break;
    default:
        log_mask_printf(LOG_UNIMP, "ide: ATAPI command %#x\n", op);
        atapi_cmd_error(s, SENSE_ILLEGAL_REQUEST, ASC_INV_OPCODE, 0);
        break;
    }
}
