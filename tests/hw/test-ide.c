/*
 * test-ide: the PIIX3 IDE primary channel of the real PC over qtest, with
 * a raw disk image the test makes: IDENTIFY, PIO READ/WRITE SECTORS, and
 * READ/WRITE DMA through a PRD table in guest RAM via the bus-master
 * registers (BAR4), each completing with IRQ14 (seen on the slave 8259,
 * level-triggered); LBA48 DMA larger than the drive's buffer through a
 * scatter/gather list of odd pieces, a PRD table longer than the transfer,
 * DMA into space without RAM, FLUSH CACHE EXT. What was written is checked
 * in the image file after the emulator quit.
 */
#include <string.h>
#include <unistd.h>

#include "hw-common.h"

#define SECTORS 2048
#define BM_BASE 0xc000
#define PRD_ADDR 0x1000
#define BUF_ADDR 0x4000

static uint8_t pattern(uint32_t lba, int i)
{
    return (uint8_t)(lba * 7 + i * 13 + (i >> 8));
}

/* Disk requests complete on the block layer's worker threads: waits are
 * bounded in host time (10 s), not in polls, so a loaded host is no
 * failure. */
#define WAIT_POLLS 10000

static void wait_a_bit(QTestState *s, int i)
{
    qtest_clock_step(s, 100000);
    if (i >= 100) {
        usleep(1000);
    }
}

/* Wait for BSY to clear; the status byte (the alternate status: reading
 * it does not acknowledge the interrupt). */
static uint8_t wait_not_busy(QTestState *s)
{
    uint8_t st = 0xff;

    for (int i = 0; i < WAIT_POLLS; i++) {
        st = qtest_inb(s, 0x3f6);
        if (!(st & 0x80)) {
            break;
        }
        wait_a_bit(s, i);
    }
    return st;
}

static void issue(QTestState *s, uint8_t cmd, uint32_t lba, uint8_t count)
{
    qtest_outb(s, 0x1f2, count);
    qtest_outb(s, 0x1f3, lba & 0xff);
    qtest_outb(s, 0x1f4, (lba >> 8) & 0xff);
    qtest_outb(s, 0x1f5, (lba >> 16) & 0xff);
    qtest_outb(s, 0x1f6, 0xe0 | ((lba >> 24) & 0x0f));
    qtest_outb(s, 0x1f7, cmd);
}

static void test_identify(QTestState *s)
{
    uint16_t id[256];
    uint8_t st;
    char model[41];

    qtest_outb(s, 0x3f6, 0x00); /* nIEN off: interrupts on */
    qtest_outb(s, 0x1f6, 0xa0);
    qtest_outb(s, 0x1f7, 0xec);
    st = wait_not_busy(s);
    tap_ok((st & 0x09) == 0x08, "IDENTIFY: DRQ set, no error (%#x)", st);
    tap_ok(hw_isa_irq(s, 14), "IRQ14 raised for the data");
    st = qtest_inb(s, 0x1f7);
    tap_ok(!hw_isa_irq(s, 14), "reading the status register lowers IRQ14");
    for (int i = 0; i < 256; i++) {
        id[i] = qtest_inw(s, 0x1f0);
    }
    tap_ok(!(qtest_inb(s, 0x1f7) & 0x08), "DRQ clear after 256 words");
    tap_ok(!(id[0] & 0x8000), "word 0: an ATA device (%#x)", id[0]);
    tap_ok((id[60] | (uint32_t)id[61] << 16) == SECTORS, "words 60-61: %u sectors",
           id[60] | (uint32_t)id[61] << 16);
    tap_ok(id[49] & 0x0300, "word 49: LBA and DMA supported (%#x)", id[49]);
    for (int i = 0; i < 20; i++) {
        model[2 * i] = (char)(id[27 + i] >> 8);
        model[2 * i + 1] = (char)id[27 + i];
    }
    model[40] = 0;
    tap_ok(model[0] > ' ' && model[0] < 0x7f, "model string '%s'", model);
    tap_ok((qtest_inb(s, 0x1f6) & 0x10) == 0, "master selected");
}

static void test_pio(QTestState *s)
{
    bool same = true;
    uint8_t st;

    issue(s, 0x20, 5, 2); /* READ SECTORS 5-6 */
    for (int sec = 0; sec < 2; sec++) {
        st = wait_not_busy(s);
        if (!(st & 0x08) || !hw_isa_irq(s, 14)) {
            tap_diag("sector %d: status %#x irq %d", sec, st, hw_isa_irq(s, 14));
            same = false;
        }
        qtest_inb(s, 0x1f7);
        for (int i = 0; i < 512; i += 2) {
            uint16_t w = qtest_inw(s, 0x1f0);
            if ((w & 0xff) != pattern(5 + sec, i) || (w >> 8) != pattern(5 + sec, i + 1)) {
                same = false;
            }
        }
    }
    tap_ok(same, "PIO READ SECTORS: sectors 5-6 match the image, IRQ14 per sector");
    st = qtest_inb(s, 0x1f7);
    tap_ok((st & 0xc9) == 0x40, "ready, no DRQ after the transfer (%#x)", st);

    issue(s, 0x30, 10, 1); /* WRITE SECTORS 10 */
    st = wait_not_busy(s);
    tap_ok(st & 0x08, "WRITE SECTORS: DRQ for the data (%#x)", st);
    for (int i = 0; i < 512; i += 2) {
        qtest_outw(s, 0x1f0, (uint16_t)(0xa500 + i / 2));
    }
    st = wait_not_busy(s);
    tap_ok(hw_isa_irq(s, 14), "IRQ14 when the sector is written");
    st = qtest_inb(s, 0x1f7);
    tap_ok((st & 0xc9) == 0x40, "write complete, no error (%#x)", st);
    issue(s, 0x20, 10, 1);
    wait_not_busy(s);
    qtest_inb(s, 0x1f7);
    same = true;
    for (int i = 0; i < 512; i += 2) {
        same &= qtest_inw(s, 0x1f0) == (uint16_t)(0xa500 + i / 2);
    }
    tap_ok(same, "the written sector reads back");
}

static void test_dma(QTestState *s)
{
    uint8_t prd[8], buf[1024], bst, st;
    bool same = true;
    int i;

    tap_ok((hw_pci_readl(s, 1, 1, 0x20) & ~3u) == BM_BASE, "BAR4 at %#x", BM_BASE);
    tap_ok(qtest_inb(s, BM_BASE + 2) != 0xff, "bus-master status readable (%#x)",
           qtest_inb(s, BM_BASE + 2));

    /* one PRD: 1024 bytes at BUF_ADDR, end of table */
    memcpy(prd, (uint32_t[]){ BUF_ADDR }, 4);
    memcpy(prd + 4, (uint32_t[]){ 0x80000000u | 1024 }, 4);
    qtest_memwrite(s, PRD_ADDR, prd, 8);
    qtest_memset(s, BUF_ADDR, 0xee, 1024);
    qtest_outl(s, BM_BASE + 4, PRD_ADDR);
    qtest_outb(s, BM_BASE + 2, 0x06); /* clear interrupt and error */
    qtest_outb(s, BM_BASE, 0x08);     /* direction: to memory */
    issue(s, 0xc8, 20, 2);            /* READ DMA 20-21 */
    qtest_outb(s, BM_BASE, 0x09);     /* start */
    for (i = 0; i < WAIT_POLLS && !((bst = qtest_inb(s, BM_BASE + 2)) & 0x04); i++) {
        wait_a_bit(s, i);
    }
    tap_ok((bst & 0x07) == 0x04, "READ DMA: bus-master interrupt, not active, no error (%#x)", bst);
    tap_ok(hw_isa_irq(s, 14), "IRQ14 at the end of the DMA");
    st = qtest_inb(s, 0x1f7);
    tap_ok((st & 0xc9) == 0x40, "drive status ready (%#x)", st);
    qtest_outb(s, BM_BASE, 0x00);
    qtest_memread(s, BUF_ADDR, buf, 1024);
    for (i = 0; i < 1024; i++) {
        same &= buf[i] == pattern(20 + i / 512, i % 512);
    }
    tap_ok(same, "sectors 20-21 landed in guest RAM through the PRD");

    for (i = 0; i < 1024; i++) {
        buf[i] = (uint8_t)(0x3c ^ i);
    }
    qtest_memwrite(s, BUF_ADDR, buf, 1024);
    qtest_outb(s, BM_BASE + 2, 0x06);
    qtest_outb(s, BM_BASE, 0x00); /* direction: from memory */
    issue(s, 0xca, 30, 2);        /* WRITE DMA 30-31 */
    qtest_outb(s, BM_BASE, 0x01);
    for (i = 0; i < WAIT_POLLS && !((bst = qtest_inb(s, BM_BASE + 2)) & 0x04); i++) {
        wait_a_bit(s, i);
    }
    tap_ok((bst & 0x07) == 0x04, "WRITE DMA: bus-master interrupt, no error (%#x)", bst);
    tap_ok(hw_isa_irq(s, 14), "IRQ14 at the end of the write");
    st = qtest_inb(s, 0x1f7);
    tap_ok((st & 0xc9) == 0x40, "drive status ready (%#x)", st);
    qtest_outb(s, BM_BASE, 0x00);
    qtest_outb(s, BM_BASE + 2, 0x04);
    tap_ok(!(qtest_inb(s, BM_BASE + 2) & 0x04), "writing 1 clears the bus-master interrupt bit");
}

/* LBA48: the high bytes first (they move to the "previous" registers). */
static void issue_ext(QTestState *s, uint8_t cmd, uint64_t lba, uint16_t count)
{
    qtest_outb(s, 0x1f2, count >> 8);
    qtest_outb(s, 0x1f3, (lba >> 24) & 0xff);
    qtest_outb(s, 0x1f4, (lba >> 32) & 0xff);
    qtest_outb(s, 0x1f5, (lba >> 40) & 0xff);
    qtest_outb(s, 0x1f2, count & 0xff);
    qtest_outb(s, 0x1f3, lba & 0xff);
    qtest_outb(s, 0x1f4, (lba >> 8) & 0xff);
    qtest_outb(s, 0x1f5, (lba >> 16) & 0xff);
    qtest_outb(s, 0x1f6, 0xe0);
    qtest_outb(s, 0x1f7, cmd);
}

static void put_prd(QTestState *s, int i, uint32_t addr, uint32_t count, bool eot)
{
    uint8_t prd[8];

    memcpy(prd, &addr, 4);
    memcpy(prd + 4, (uint32_t[]){ (eot ? 0x80000000u : 0) | (count & 0xffff) }, 4);
    qtest_memwrite(s, PRD_ADDR + 8 * i, prd, 8);
}

/* Start the bus master (dir 0x08: to memory) and wait for its interrupt bit. */
static uint8_t run_bm(QTestState *s, uint8_t dir)
{
    uint8_t bst = 0;

    qtest_outb(s, BM_BASE, (uint8_t)(dir | 0x01));
    for (int i = 0; i < WAIT_POLLS && !((bst = qtest_inb(s, BM_BASE + 2)) & 0x04); i++) {
        wait_a_bit(s, i);
    }
    return bst;
}

/*
 * What Linux's ata_piix does with the block layer's requests: LBA48 DMA
 * of more than the drive's 128 KiB buffer, through a scatter/gather list
 * of pieces of any even size (a 64 KiB entry written as count 0, pieces
 * that split sectors), and PRD tables longer than the transfer.
 */
#define SG_LBA     100
#define SG_SECTORS 300
#define SG_WLBA    1000
static const struct {
    uint32_t addr, len;
} sg_pieces[] = {
    { 0x10000, 0x10000 }, /* count 0: 64 KiB */
    { 0x30000, 1000 },
    { 0x40006, 24 },
    { 0x50000, 0x10000 },
    { 0x60000, SG_SECTORS * 512 - 2 * 0x10000 - 1000 - 24 },
};
#define SG_N (int)(sizeof(sg_pieces) / sizeof(sg_pieces[0]))

static void test_dma_sg(QTestState *s)
{
    static uint8_t buf[SG_SECTORS * 512];
    uint32_t off = 0;
    uint8_t bst, st;
    bool same = true;

    for (int i = 0; i < SG_N; i++) {
        put_prd(s, i, sg_pieces[i].addr, sg_pieces[i].len, i == SG_N - 1);
        qtest_memset(s, sg_pieces[i].addr, 0xee, sg_pieces[i].len);
    }
    qtest_outl(s, BM_BASE + 4, PRD_ADDR);
    qtest_outb(s, BM_BASE + 2, 0x06);
    qtest_outb(s, BM_BASE, 0x08);
    issue_ext(s, 0x25, SG_LBA, SG_SECTORS); /* READ DMA EXT */
    bst = run_bm(s, 0x08);
    tap_ok((bst & 0x07) == 0x04, "READ DMA EXT of %d sectors over %d PRDs: done, not active (%#x)",
           SG_SECTORS, SG_N, bst);
    st = qtest_inb(s, 0x1f7);
    tap_ok((st & 0xc9) == 0x40, "drive status ready (%#x)", st);
    qtest_outb(s, BM_BASE, 0x00);
    for (int i = 0; i < SG_N; i++) {
        qtest_memread(s, sg_pieces[i].addr, buf + off, sg_pieces[i].len);
        off += sg_pieces[i].len;
    }
    for (uint32_t i = 0; i < off; i++) {
        same &= buf[i] == pattern(SG_LBA + i / 512, (int)(i % 512));
    }
    tap_ok(same, "every byte of sectors %d-%d landed in its piece of guest RAM", SG_LBA,
           SG_LBA + SG_SECTORS - 1);

    /* the same pieces back to the disk, elsewhere */
    qtest_outb(s, BM_BASE + 2, 0x06);
    qtest_outb(s, BM_BASE, 0x00);
    issue_ext(s, 0x35, SG_WLBA, SG_SECTORS); /* WRITE DMA EXT */
    bst = run_bm(s, 0x00);
    tap_ok((bst & 0x07) == 0x04, "WRITE DMA EXT over the same PRDs: done (%#x)", bst);
    st = qtest_inb(s, 0x1f7);
    tap_ok((st & 0xc9) == 0x40, "drive status ready (%#x)", st);
    qtest_outb(s, BM_BASE, 0x00);

    /* a table longer than the transfer: active stays set with the interrupt */
    put_prd(s, 0, BUF_ADDR, 4096, true);
    qtest_outb(s, BM_BASE + 2, 0x06);
    qtest_outb(s, BM_BASE, 0x08);
    issue(s, 0xc8, 40, 1);
    bst = run_bm(s, 0x08);
    tap_ok((bst & 0x07) == 0x05, "PRD longer than the transfer: interrupt and still active (%#x)",
           bst);
    qtest_inb(s, 0x1f7);
    qtest_outb(s, BM_BASE, 0x00);
    tap_ok(!(qtest_inb(s, BM_BASE + 2) & 0x01), "stopping the bus master clears active");

    /* into space with no RAM: the data goes nowhere, the command completes */
    put_prd(s, 0, 0xe0000000u, 1024, true);
    qtest_outb(s, BM_BASE + 2, 0x06);
    issue(s, 0xc8, 50, 2);
    bst = run_bm(s, 0x08);
    st = qtest_inb(s, 0x1f7);
    tap_ok((bst & 0x07) == 0x04 && (st & 0xc9) == 0x40,
           "READ DMA into unassigned space completes (bm %#x, status %#x)", bst, st);
    qtest_outb(s, BM_BASE, 0x00);

    /* RAM that ends inside a sector, then no RAM: the whole sector moves
     * straight to RAM, the rest through the drive's buffer */
    {
        uint8_t got[1000];
        bool mixed_ok = true;

        put_prd(s, 0, 0x30000, 1000, false);
        put_prd(s, 1, 0xe0000000u, 4 * 512 - 1000, true);
        qtest_memset(s, 0x30000, 0xee, 1000);
        qtest_outb(s, BM_BASE + 2, 0x06);
        issue(s, 0xc8, 60, 4);
        bst = run_bm(s, 0x08);
        st = qtest_inb(s, 0x1f7);
        qtest_outb(s, BM_BASE, 0x00);
        qtest_memread(s, 0x30000, got, sizeof(got));
        for (int i = 0; i < (int)sizeof(got); i++) {
            mixed_ok &= got[i] == pattern(60 + i / 512, i % 512);
        }
        tap_ok((bst & 0x07) == 0x04 && (st & 0xc9) == 0x40 && mixed_ok,
               "READ DMA into 1000 bytes of RAM then no RAM: the RAM part is right "
               "(bm %#x, status %#x)", bst, st);
    }
}

/* FLUSH CACHE EXT (what sd's SYNCHRONIZE CACHE becomes) ends with an interrupt. */
static void test_flush(QTestState *s)
{
    uint8_t st;

    qtest_outb(s, 0x1f6, 0xa0);
    qtest_outb(s, 0x1f7, 0xea);
    st = wait_not_busy(s);
    tap_ok(hw_isa_irq(s, 14), "FLUSH CACHE EXT raises IRQ14");
    st = qtest_inb(s, 0x1f7);
    tap_ok((st & 0xc9) == 0x40, "FLUSH CACHE EXT: ready, no error (%#x)", st);
}

int main(void)
{
    char img[] = "/tmp/tern-hw-ide-XXXXXX";
    char args[256];
    uint8_t sec[512];
    int fd = mkstemp(img);
    QTestState *s;
    bool ok10 = true, ok30 = true, ok5 = true, ok_sg = true;
    FILE *f;

    if (fd < 0) {
        tap_ok(false, "create the disk image");
        return tap_done();
    }
    for (uint32_t lba = 0; lba < SECTORS; lba++) {
        for (int i = 0; i < 512; i++) {
            sec[i] = pattern(lba, i);
        }
        if (write(fd, sec, 512) != 512) {
            tap_ok(false, "write the disk image");
            close(fd);
            unlink(img);
            return tap_done();
        }
    }
    close(fd);
    snprintf(args, sizeof(args), "-drive file=%s,format=raw,if=ide,index=0", img);
    s = hw_start(args);
    hw_pic_init(s, true);
    /* as firmware does: I/O decode and bus mastering on, the primary
     * channel's decode enabled in IDETIM, BAR4 placed */
    hw_pci_writel(s, 1, 1, 0x20, BM_BASE | 1);
    hw_pci_writew(s, 1, 1, 0x04, 0x0005);
    hw_pci_writew(s, 1, 1, 0x40, 0x8000);
    test_identify(s);
    test_pio(s);
    test_dma(s);
    test_dma_sg(s);
    test_flush(s);
    hw_finish(s);

    f = fopen(img, "rb");
    for (uint32_t lba = 0; f && lba < SECTORS; lba++) {
        if (fread(sec, 1, 512, f) != 512) {
            ok5 = false;
            break;
        }
        for (int i = 0; i < 512; i++) {
            if (lba == 10) {
                ok10 &= sec[i] == (uint8_t)((i & 1) ? 0xa5 + ((i / 2) >> 8) : (i / 2));
            } else if (lba == 30 || lba == 31) {
                ok30 &= sec[i] == (uint8_t)(0x3c ^ ((lba - 30) * 512 + i));
            } else if (lba >= SG_WLBA && lba < SG_WLBA + SG_SECTORS) {
                ok_sg &= sec[i] == pattern(lba - SG_WLBA + SG_LBA, i);
            } else {
                ok5 &= sec[i] == pattern(lba, i);
            }
        }
    }
    if (f) {
        fclose(f);
    }
    tap_ok(f && ok10, "image file: sector 10 has the PIO-written data");
    tap_ok(f && ok30, "image file: sectors 30-31 have the DMA-written data");
    tap_ok(f && ok_sg, "image file: sectors %d-%d have what WRITE DMA EXT took from the pieces",
           SG_WLBA, SG_WLBA + SG_SECTORS - 1);
    tap_ok(f && ok5, "image file: every other sector unchanged");
    unlink(img);
    return tap_done();
}
