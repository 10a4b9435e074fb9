/*
 * Private to hw/ide: register bits and the helpers the ATA core (core.c)
 * and the ATAPI command set (atapi.c) share.
 */
#ifndef HW_IDE_IDE_INTERNAL_H
#define HW_IDE_IDE_INTERNAL_H

#include "hw/ide/ide.h"

/* status register */
#define ERR_STAT   0x01
#define DRQ_STAT   0x08
#define SEEK_STAT  0x10 /* DSC: seek complete (ATA), SERV (ATAPI) */
#define DF_STAT    0x20
#define READY_STAT 0x40
#define BUSY_STAT  0x80

/* error register */
#define ABRT_ERR 0x04
#define IDNF_ERR 0x10
#define UNC_ERR  0x40

/* device control register */
#define IDE_CTRL_NIEN 0x02
#define IDE_CTRL_SRST 0x04
#define IDE_CTRL_HOB  0x80

/* ATAPI interrupt reason (in the sector count register) */
#define ATAPI_INT_REASON_CD 0x01 /* command (not data) */
#define ATAPI_INT_REASON_IO 0x02 /* to the host */

/* What the end of the current PIO data block does (IDEState.end_transfer). */
enum {
    IDE_END_NONE,
    IDE_END_PIO_IN_DONE,  /* a one-block data-in command: finish */
    IDE_END_READ,         /* READ SECTORS/MULTIPLE: next block or finish */
    IDE_END_WRITE,        /* WRITE SECTORS/MULTIPLE: write the block */
    IDE_END_ATAPI_PACKET, /* the 12-byte command packet arrived */
    IDE_END_ATAPI_DATA,   /* an ATAPI data-in block was read */
};

/* IDEState.dma_state */
enum {
    IDE_DMA_NONE,
    IDE_DMA_WAITING, /* command given, bus master not started yet */
    IDE_DMA_RUNNING,
};

/* core.c */
void ide_set_irq(IDEState *s);
void ide_set_signature(IDEState *s);
void ide_abort_command(IDEState *s);
void ide_transfer_start(IDEState *s, uint32_t len, int end_transfer);
void ide_dma_begin(IDEState *s);
/* read len bytes at offset into io_buffer; BSY until done(s, ret) */
void ide_aio_read(IDEState *s, int64_t offset, uint32_t len, void (*done)(IDEState *s, int ret));
/* the ATA (not ATAPI) strings are byte-swapped within words */
void ide_put_string(uint16_t *words, const char *src, int nwords);

/* atapi.c */
void ide_atapi_identify(IDEState *s, uint16_t *words);
void ide_atapi_packet_cmd(IDEState *s);      /* PACKET (A0h) */
void ide_atapi_process_packet(IDEState *s);  /* the packet arrived */
void ide_atapi_data_block_done(IDEState *s); /* a PIO data-in block was read */
void ide_atapi_dma_done(IDEState *s, bool ok);
void ide_atapi_reset(IDEState *s);

#endif
