/*
 * PIIX3 IDE through its guest-visible registers: a PCI bus with the
 * piix3-ide function, RAM for DMA, raw images in temporary files.
 * Primary master: a small disk; primary slave: a sparse disk larger than
 * 2^28 sectors (LBA48); secondary master: an ATAPI CD-ROM whose medium is
 * a raw file of 2048-byte sectors; secondary slave: nothing.
 *
 * Disk I/O completes in the main loop, so the test runs main_loop_wait()
 * while a drive shows BSY, as the qtest accelerator's loop would.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "block/block.h"
#include "exec/memory.h"
#include "exec/ram.h"
#include "hw/core/qdev-properties.h"
#include "hw/ide/piix.h"
#include "hw/pci/pci.h"
#include "migration/vmstate.h"
#include "tap.h"
#include "util/main-loop.h"
#include "util/timer.h"

#define PRI_CMD  0x1f0
#define PRI_CTRL 0x3f6
#define SEC_CMD  0x170
#define SEC_CTRL 0x376
#define BM_BASE  0xc000
#define DEVFN    PCI_DEVFN(1, 1)

#define HD0_SECTORS 8192                  /* 4 MiB */
#define HD1_SECTORS ((1ull << 28) + 4096) /* just past LBA28 */
#define CD_SECTORS  64

/* status bits */
#define BSY  0x80
#define DRDY 0x40
#define DRQ  0x08
#define ERR  0x01

static PCIBus *pci_bus;
static DeviceState *ide;
static MemoryRegion ram;
static char hd0_path[64], hd1_path[64], cd_path[64];
static BlockBackend *hd0, *hd1, *cd;
static int irq_level[2];
static int irq_raises[2];
static qemu_irq *irq_lines;

static void irq_handler(void *opaque, int n, int level)
{
    if (level && !irq_level[n]) {
        irq_raises[n]++;
    }
    irq_level[n] = level;
}

static void outb(uint16_t port, uint8_t v)
{
    address_space_stb(&address_space_io, port, v, MEMTXATTRS_UNSPECIFIED, NULL);
}

static uint8_t inb(uint16_t port)
{
    return address_space_ldub(&address_space_io, port, MEMTXATTRS_UNSPECIFIED, NULL);
}

static void outw(uint16_t port, uint16_t v)
{
    address_space_stw(&address_space_io, port, v, MEMTXATTRS_UNSPECIFIED, NULL);
}

static uint16_t inw(uint16_t port)
{
    return address_space_lduw(&address_space_io, port, MEMTXATTRS_UNSPECIFIED, NULL);
}

static void outl(uint16_t port, uint32_t v)
{
    address_space_stl(&address_space_io, port, v, MEMTXATTRS_UNSPECIFIED, NULL);
}

static uint32_t inl(uint16_t port)
{
    return address_space_ldl(&address_space_io, port, MEMTXATTRS_UNSPECIFIED, NULL);
}

static void cfg_write(uint32_t reg, uint32_t val, unsigned len)
{
    pci_host_config_write_common(pci_bus, 0, DEVFN, reg, val, len);
}

static uint32_t cfg_read(uint32_t reg, unsigned len)
{
    return pci_host_config_read_common(pci_bus, 0, DEVFN, reg, len);
}

/* The byte at offset of a test image: a pattern that names its sector. */
static uint8_t pattern(uint64_t offset, unsigned salt)
{
    uint64_t sector = offset / 512;

    return (uint8_t)(sector * 31 + (offset & 511) * 7 + salt);
}

static void make_image(char *path, const char *name, uint64_t size, unsigned salt,
                       uint64_t fill_from, uint64_t fill_len)
{
    uint8_t *buf = malloc(fill_len);
    int fd;

    snprintf(path, 64, "/tmp/tern-test-%s-XXXXXX", name);
    fd = mkstemp(path);
    if (fd < 0 || ftruncate(fd, (off_t)size) < 0) {
        abort();
    }
    for (uint64_t i = 0; i < fill_len; i++) {
        buf[i] = pattern(fill_from + i, salt);
    }
    if (pwrite(fd, buf, fill_len, (off_t)fill_from) != (ssize_t)fill_len) {
        abort();
    }
    close(fd);
    free(buf);
}

/* Wait (running the main loop) until the drive is not busy; alt status. */
static uint8_t wait_ready(uint16_t ctrl)
{
    for (int i = 0; i < 100000; i++) {
        uint8_t st = inb(ctrl);

        if (!(st & BSY)) {
            return st;
        }
        main_loop_wait(false);
    }
    return inb(ctrl);
}

static void select_dev(uint16_t cmd, int unit, uint8_t lba_bits)
{
    outb(cmd + 6, (uint8_t)(0xe0 | (unit << 4) | lba_bits));
}

static void set_lba28(uint16_t cmd, int unit, uint32_t lba, uint8_t count)
{
    select_dev(cmd, unit, (uint8_t)((lba >> 24) & 0xf));
    outb(cmd + 2, count);
    outb(cmd + 3, (uint8_t)lba);
    outb(cmd + 4, (uint8_t)(lba >> 8));
    outb(cmd + 5, (uint8_t)(lba >> 16));
}

static void set_lba48(uint16_t cmd, int unit, uint64_t lba, uint16_t count)
{
    select_dev(cmd, unit, 0);
    outb(cmd + 2, (uint8_t)(count >> 8));
    outb(cmd + 3, (uint8_t)(lba >> 24));
    outb(cmd + 4, (uint8_t)(lba >> 32));
    outb(cmd + 5, (uint8_t)(lba >> 40));
    outb(cmd + 2, (uint8_t)count);
    outb(cmd + 3, (uint8_t)lba);
    outb(cmd + 4, (uint8_t)(lba >> 8));
    outb(cmd + 5, (uint8_t)(lba >> 16));
}

/* Read one PIO sector (256 words) from the data port. */
static void read_sector_pio(uint16_t cmd, uint8_t *buf)
{
    for (int i = 0; i < 256; i++) {
        uint16_t w = inw(cmd);

        buf[2 * i] = (uint8_t)w;
        buf[2 * i + 1] = (uint8_t)(w >> 8);
    }
}

static bool check_pattern(const uint8_t *buf, uint64_t offset, size_t len, unsigned salt)
{
    for (size_t i = 0; i < len; i++) {
        if (buf[i] != pattern(offset + i, salt)) {
            tap_diag("byte %zu (offset %llu): %#x, expected %#x", i,
                     (unsigned long long)(offset + i), buf[i], pattern(offset + i, salt));
            return false;
        }
    }
    return true;
}

static uint8_t *ram_ptr(hwaddr addr)
{
    return (uint8_t *)memory_region_get_ram_ptr(&ram) + addr;
}

static void put_prd(hwaddr at, uint32_t addr, uint32_t len, bool eot)
{
    uint8_t *p = ram_ptr(at);

    p[0] = (uint8_t)addr;
    p[1] = (uint8_t)(addr >> 8);
    p[2] = (uint8_t)(addr >> 16);
    p[3] = (uint8_t)(addr >> 24);
    p[4] = (uint8_t)len;
    p[5] = (uint8_t)(len >> 8);
    p[6] = 0;
    p[7] = eot ? 0x80 : 0;
}

static void setup_machine(void)
{
    Error *err = NULL;
    qemu_irq *lines;

    qemu_clock_set_qtest_mode(true);
    qemu_init_main_loop(&error_abort);
    bql_lock();
    memory_region_init_ram(&ram, NULL, "ram", 1 << 20, &error_abort);
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    pci_bus = pci_root_bus_new(NULL, "pci.0", get_system_memory(), get_system_io());

    make_image(hd0_path, "hd0", HD0_SECTORS * 512ull, 0, 0, HD0_SECTORS * 512ull);
    make_image(hd1_path, "hd1", HD1_SECTORS * 512ull, 5, (1ull << 28) * 512 - 4096, 65536);
    make_image(cd_path, "cd", CD_SECTORS * 2048ull, 9, 0, CD_SECTORS * 2048ull);
    hd0 = blk_open(hd0_path, 0, &error_abort);
    hd1 = blk_open(hd1_path, 0, &error_abort);
    cd = blk_open(cd_path, BLK_OPEN_READONLY, &error_abort);

    ide = qdev_new(TYPE_PIIX3_IDE, &error_abort);
    qdev_prop_set_int32(ide, "addr", DEVFN);
    piix_ide_attach_drive((PCIDevice *)ide, 0, 0, IDE_HD, hd0, &error_abort);
    piix_ide_attach_drive((PCIDevice *)ide, 0, 1, IDE_HD, hd1, &error_abort);
    piix_ide_attach_drive((PCIDevice *)ide, 1, 0, IDE_CD, cd, &error_abort);
    if (!qdev_realize(ide, &pci_bus->qbus, &err)) {
        error_report_err(err);
        abort();
    }
    lines = irq_lines = qemu_allocate_irqs(irq_handler, NULL, 2);
    qdev_connect_gpio_out_named(ide, PIIX_IDE_GPIO_ISA_IRQ, 0, lines[0]);
    qdev_connect_gpio_out_named(ide, PIIX_IDE_GPIO_ISA_IRQ, 1, lines[1]);
    device_cold_reset(ide);
}

static void enable_pci(void)
{
    cfg_write(0x20, BM_BASE | 1, 4);
    cfg_write(PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MASTER, 2);
}

static void test_pci_identity(void)
{
    tap_ok(cfg_read(0, 4) == 0x70108086, "PCI id 8086:7010 (%#x)", cfg_read(0, 4));
    tap_ok(cfg_read(0x08, 4) >> 8 == 0x010180, "class 0101, prog-if 80 (%#x)",
           cfg_read(0x08, 4) >> 8);
    tap_ok(inb(PRI_CMD + 7) == 0xff, "legacy ports do not decode while I/O is disabled");
    enable_pci();
    tap_ok(inb(PRI_CTRL) == DRDY + 0x10, "primary master after reset: DRDY|DSC (%#x)",
           inb(PRI_CTRL));
    tap_ok(inb(PRI_CMD + 2) == 1 && inb(PRI_CMD + 3) == 1 && inb(PRI_CMD + 4) == 0 &&
               inb(PRI_CMD + 5) == 0,
           "ATA signature 01/01/00/00");
    cfg_write(0x41, 0x00, 1); /* IDETIM primary: decode off */
    tap_ok(inb(PRI_CMD + 7) == 0xff && inb(SEC_CMD + 4) == 0x14,
           "IDETIM decode bit gates the primary channel only");
    cfg_write(0x41, 0x80, 1);
}

static void test_identify(void)
{
    uint8_t id[512];
    uint16_t w[256];
    uint8_t sum = 0;
    char model[41];
    int raises = irq_raises[0];
    uint8_t st;

    select_dev(PRI_CMD, 0, 0);
    outb(PRI_CMD + 7, 0xec);
    st = inb(PRI_CTRL);
    tap_ok((st & (DRQ | BSY)) == DRQ && irq_level[0] && irq_raises[0] == raises + 1,
           "IDENTIFY: DRQ and IRQ14 (status %#x)", st);
    tap_ok(inb(PRI_CMD + 7) == (DRDY | 0x10 | DRQ) && !irq_level[0],
           "reading status acknowledges the interrupt");
    read_sector_pio(PRI_CMD, id);
    for (int i = 0; i < 256; i++) {
        w[i] = (uint16_t)(id[2 * i] | id[2 * i + 1] << 8);
        sum += id[2 * i] + id[2 * i + 1];
    }
    for (int i = 0; i < 20; i++) {
        model[2 * i] = (char)(w[27 + i] >> 8);
        model[2 * i + 1] = (char)w[27 + i];
    }
    model[40] = 0;
    tap_ok(strncmp(model, "TERN HARDDISK ", 14) == 0, "model string '%.20s'", model);
    tap_ok((w[60] | (uint32_t)w[61] << 16) == HD0_SECTORS, "words 60-61: LBA28 capacity");
    tap_ok((w[100] | (uint64_t)w[101] << 16 | (uint64_t)w[102] << 32) == HD0_SECTORS &&
               (w[83] & (1 << 10)),
           "words 100-103: LBA48 capacity, word 83 LBA48 supported");
    tap_ok((w[49] & 0x300) == 0x300 && (w[63] & 7) == 7 && (w[88] & 0x3f) == 0x3f,
           "LBA and DMA, multiword DMA 0-2 and UDMA 0-5 advertised");
    tap_ok((w[255] & 0xff) == 0xa5 && sum == 0, "integrity word checksum");
    tap_ok(!(inb(PRI_CTRL) & DRQ), "DRQ clears after 256 words");

    /* the slave is the big disk */
    select_dev(PRI_CMD, 1, 0);
    outb(PRI_CMD + 7, 0xec);
    read_sector_pio(PRI_CMD, id);
    for (int i = 0; i < 256; i++) {
        w[i] = (uint16_t)(id[2 * i] | id[2 * i + 1] << 8);
    }
    tap_ok((w[60] | (uint32_t)w[61] << 16) == 0x0fffffff &&
               (w[100] | (uint64_t)w[101] << 16 | (uint64_t)w[102] << 32) == HD1_SECTORS,
           "slave > 2^28 sectors: LBA28 capacity capped, LBA48 exact");
    inb(PRI_CMD + 7);
}

static void test_no_device(void)
{
    select_dev(SEC_CMD, 1, 0);
    tap_ok(inb(SEC_CMD + 7) == 0 && inb(SEC_CTRL) == 0, "absent slave reads status 0");
    outb(SEC_CMD + 7, 0xec);
    tap_ok(inb(SEC_CTRL) == 0 && !irq_level[1], "a command to the absent slave is not taken");
    outb(SEC_CTRL, 0x04);
    outb(SEC_CTRL, 0x00);
    select_dev(SEC_CMD, 1, 0);
    tap_ok(inb(SEC_CMD + 4) == 0xff && inb(SEC_CMD + 5) == 0xff && inb(SEC_CMD + 1) == 0x01,
           "absent slave after SRST: signature FF/FF, diagnostic code 01");
    select_dev(SEC_CMD, 0, 0);
}

static void test_pio_read(void)
{
    uint8_t buf[512];
    bool ok = true;
    uint8_t st;
    int raises = irq_raises[0];

    set_lba28(PRI_CMD, 0, 100, 3);
    outb(PRI_CMD + 7, 0x20);
    for (int s = 0; s < 3; s++) {
        st = wait_ready(PRI_CTRL);
        ok &= (st & DRQ) && irq_level[0];
        inb(PRI_CMD + 7);
        read_sector_pio(PRI_CMD, buf);
        ok &= check_pattern(buf, (100 + s) * 512ull, 512, 0);
    }
    st = wait_ready(PRI_CTRL);
    tap_ok(ok && irq_raises[0] == raises + 3, "READ SECTORS: 3 sectors, one IRQ each");
    tap_ok(st == (DRDY | 0x10), "status DRDY|DSC at the end (%#x)", st);

    /* READ MULTIPLE with 4-sector blocks: 8 sectors in 2 interrupts */
    select_dev(PRI_CMD, 0, 0);
    outb(PRI_CMD + 2, 4);
    outb(PRI_CMD + 7, 0xc6);
    inb(PRI_CMD + 7);
    raises = irq_raises[0];
    set_lba28(PRI_CMD, 0, 200, 8);
    outb(PRI_CMD + 7, 0xc4);
    ok = true;
    for (int s = 0; s < 8; s++) {
        if (s % 4 == 0) {
            wait_ready(PRI_CTRL);
            inb(PRI_CMD + 7);
        }
        read_sector_pio(PRI_CMD, buf);
        ok &= check_pattern(buf, (200 + s) * 512ull, 512, 0);
    }
    tap_ok(ok && irq_raises[0] == raises + 2, "READ MULTIPLE: 8 sectors in 2 blocks");

    /* 32-bit PIO through the data port */
    set_lba28(PRI_CMD, 0, 7, 1);
    outb(PRI_CMD + 7, 0x20);
    wait_ready(PRI_CTRL);
    inb(PRI_CMD + 7);
    for (int i = 0; i < 128; i++) {
        uint32_t v = inl(PRI_CMD);

        memcpy(buf + 4 * i, &v, 4);
    }
    tap_ok(check_pattern(buf, 7 * 512, 512, 0), "32-bit data port reads");

    /* CHS addressing: C/H/S 1/2/3 with the default 16 heads, 63 sectors */
    outb(PRI_CMD + 6, 0xa0 | 2);
    outb(PRI_CMD + 2, 1);
    outb(PRI_CMD + 3, 3);
    outb(PRI_CMD + 4, 1);
    outb(PRI_CMD + 5, 0);
    outb(PRI_CMD + 7, 0x20);
    wait_ready(PRI_CTRL);
    inb(PRI_CMD + 7);
    read_sector_pio(PRI_CMD, buf);
    tap_ok(check_pattern(buf, ((1 * 16 + 2) * 63 + 2) * 512ull, 512, 0), "CHS read of 1/2/3");
}

static void test_pio_write(void)
{
    uint8_t buf[1024], file[1024];
    uint8_t st;
    int raises = irq_raises[0];

    for (int i = 0; i < 1024; i++) {
        buf[i] = (uint8_t)(i ^ 0x5a);
    }
    set_lba28(PRI_CMD, 0, 300, 2);
    outb(PRI_CMD + 7, 0x30);
    st = inb(PRI_CTRL);
    tap_ok((st & DRQ) && irq_raises[0] == raises, "WRITE SECTORS: DRQ at once, no IRQ yet");
    for (int s = 0; s < 2; s++) {
        for (int i = 0; i < 256; i++) {
            outw(PRI_CMD, (uint16_t)(buf[s * 512 + 2 * i] | buf[s * 512 + 2 * i + 1] << 8));
        }
        st = wait_ready(PRI_CTRL);
        inb(PRI_CMD + 7);
    }
    tap_ok(st == (DRDY | 0x10) && irq_raises[0] == raises + 2, "an IRQ per written sector");
    tap_ok(blk_pread(hd0, 300 * 512, file, 1024) == 0 && memcmp(buf, file, 1024) == 0,
           "the data is in the image file");
    tap_ok(inb(PRI_CMD + 3) == 302 % 256 && inb(PRI_CMD + 4) == 1 && inb(PRI_CMD + 2) == 0,
           "task file points past the last sector");
}

static void test_lba48(void)
{
    uint8_t buf[512];
    uint64_t lba = (1ull << 28) + 3; /* beyond LBA28 */
    uint8_t st;

    set_lba48(PRI_CMD, 1, lba, 1);
    outb(PRI_CMD + 7, 0x24);
    wait_ready(PRI_CTRL);
    inb(PRI_CMD + 7);
    read_sector_pio(PRI_CMD, buf);
    tap_ok(check_pattern(buf, lba * 512, 512, 5), "READ SECTORS EXT beyond 2^28");
    outb(PRI_CTRL, 0x80); /* HOB */
    tap_ok(inb(PRI_CMD + 3) == 0x10 && inb(PRI_CMD + 4) == 0 && inb(PRI_CMD + 2) == 0,
           "HOB reads the high-order address bytes");
    outb(PRI_CTRL, 0x00);

    /* write then read back through EXT PIO */
    memset(buf, 0xc3, 512);
    set_lba48(PRI_CMD, 1, lba + 1, 1);
    outb(PRI_CMD + 7, 0x34);
    for (int i = 0; i < 256; i++) {
        outw(PRI_CMD, 0xc3c3);
    }
    st = wait_ready(PRI_CTRL);
    inb(PRI_CMD + 7);
    memset(buf, 0, 512);
    tap_ok(st == (DRDY | 0x10) && blk_pread(hd1, (int64_t)(lba + 1) * 512, buf, 512) == 0 &&
               buf[0] == 0xc3 && buf[511] == 0xc3,
           "WRITE SECTORS EXT beyond 2^28 reaches the image");

    set_lba48(PRI_CMD, 1, HD1_SECTORS - 1, 2);
    outb(PRI_CMD + 7, 0x24);
    st = wait_ready(PRI_CTRL);
    tap_ok((st & ERR) && inb(PRI_CMD + 1) == 0x10 && irq_level[0],
           "EXT read past the end: ERR, IDNF, IRQ (status %#x)", st);
    inb(PRI_CMD + 7);
}

static void test_errors(void)
{
    uint8_t st;

    set_lba28(PRI_CMD, 0, HD0_SECTORS - 1, 2);
    outb(PRI_CMD + 7, 0x20);
    st = wait_ready(PRI_CTRL);
    tap_ok(st == (DRDY | ERR) && inb(PRI_CMD + 1) == 0x10 && irq_level[0],
           "READ SECTORS past the end: DRDY|ERR, IDNF, IRQ (%#x)", st);
    inb(PRI_CMD + 7);
    select_dev(PRI_CMD, 0, 0);
    outb(PRI_CMD + 7, 0xff);
    tap_ok(inb(PRI_CMD + 7) == (DRDY | ERR) && inb(PRI_CMD + 1) == 0x04,
           "an unknown command aborts (ABRT)");
    outb(PRI_CMD + 2, 3);
    outb(PRI_CMD + 7, 0xc6);
    tap_ok(inb(PRI_CMD + 1) == 0x04, "SET MULTIPLE MODE 3 aborts");
    outb(PRI_CMD + 7, 0xe7);
    st = wait_ready(PRI_CTRL);
    tap_ok(st == (DRDY | 0x10) && inb(PRI_CMD + 1) == 0, "FLUSH CACHE");
    set_lba28(PRI_CMD, 0, 10, 20);
    outb(PRI_CMD + 7, 0x40);
    st = wait_ready(PRI_CTRL);
    tap_ok(st == (DRDY | 0x10), "READ VERIFY in range");
    inb(PRI_CMD + 7);
}

static void test_nien_srst(void)
{
    int raises = irq_raises[0];
    uint8_t st;

    outb(PRI_CTRL, 0x02); /* nIEN */
    select_dev(PRI_CMD, 0, 0);
    outb(PRI_CMD + 7, 0xe5); /* CHECK POWER MODE */
    tap_ok(!irq_level[0] && irq_raises[0] == raises, "nIEN masks INTRQ");
    outb(PRI_CTRL, 0x00);
    tap_ok(irq_level[0], "clearing nIEN shows the pending interrupt");
    tap_ok(inb(PRI_CMD + 2) == 0xff, "CHECK POWER MODE: active");
    inb(PRI_CMD + 7);

    outb(PRI_CMD + 4, 0x55);
    outb(PRI_CTRL, 0x04); /* SRST */
    st = inb(PRI_CTRL);
    tap_ok(st & BSY, "SRST: BSY while asserted");
    outb(PRI_CTRL, 0x00);
    st = inb(PRI_CTRL);
    tap_ok(st == (DRDY | 0x10) && inb(PRI_CMD + 1) == 0x01 && inb(PRI_CMD + 2) == 1 &&
               inb(PRI_CMD + 4) == 0 && !irq_level[0],
           "after SRST: ready, diagnostic code 01, signature, no interrupt");
    outb(SEC_CMD + 7, 0x90); /* EXECUTE DEVICE DIAGNOSTIC on the CD channel */
    tap_ok(inb(SEC_CMD + 1) == 0x01 && inb(SEC_CMD + 4) == 0x14 && inb(SEC_CMD + 5) == 0xeb &&
               irq_level[1],
           "EXECUTE DEVICE DIAGNOSTIC: ATAPI signature, IRQ15");
    inb(SEC_CMD + 7);
}

/* Start the bus master of a channel (0/1) reading (to memory) or writing. */
static void bm_start(int ch, hwaddr prd, bool to_memory)
{
    uint16_t base = (uint16_t)(BM_BASE + 8 * ch);

    outb(base + 2, 0x06); /* clear interrupt and error */
    outl(base + 4, (uint32_t)prd);
    outb(base, (uint8_t)((to_memory ? 0x08 : 0) | 1));
}

static void test_dma(void)
{
    ram_addr_t ra = memory_region_get_ram_addr(&ram);
    uint8_t st, bst;
    uint8_t file[1536];
    bool ok;

    memset(ram_ptr(0x10000), 0, 0x20000);
    put_prd(0x1000, 0x10000, 1024, false);
    put_prd(0x1008, 0x20400, 512, true);
    cpu_physical_memory_clear_dirty_range(ra + 0x20000, 0x1000, DIRTY_MEMORY_VGA);

    /* command first, then the bus master */
    set_lba28(PRI_CMD, 0, 400, 3);
    outb(PRI_CMD + 7, 0xc8);
    tap_ok(inb(PRI_CTRL) & BSY, "READ DMA waits for the bus master (BSY)");
    bm_start(0, 0x1000, true);
    st = wait_ready(PRI_CTRL);
    bst = inb(BM_BASE + 2);
    tap_ok(st == (DRDY | 0x10) && irq_level[0], "READ DMA completes with IRQ14 (%#x)", st);
    tap_ok((bst & 0x07) == 0x04, "bus master status: interrupt, not active (%#x)", bst);
    ok = check_pattern(ram_ptr(0x10000), 400 * 512, 1024, 0) &&
         check_pattern(ram_ptr(0x20400), 402 * 512, 512, 0);
    tap_ok(ok, "the sectors landed at the PRD addresses");
    tap_ok(ram_ptr(0x10400)[0] == 0 && ram_ptr(0x203ff)[0] == 0, "nothing outside the PRDs");
    tap_ok(cpu_physical_memory_get_dirty(ra + 0x20000, 0x1000, DIRTY_MEMORY_VGA),
           "DMA marked the written page dirty");
    outb(BM_BASE, 0);
    inb(PRI_CMD + 7);

    /* bus master first, then WRITE DMA EXT to the big disk's high sectors */
    for (int i = 0; i < 1536; i++) {
        ram_ptr(0x30000)[i] = (uint8_t)(i * 13 + 1);
    }
    put_prd(0x1100, 0x30000, 1536, true);
    bm_start(0, 0x1100, false);
    set_lba48(PRI_CMD, 1, (1ull << 28) + 100, 3);
    outb(PRI_CMD + 7, 0x35);
    st = wait_ready(PRI_CTRL);
    tap_ok(st == (DRDY | 0x10) && (inb(BM_BASE + 2) & 0x05) == 0x04,
           "WRITE DMA EXT completes (%#x)", st);
    tap_ok(blk_pread(hd1, (int64_t)((1ull << 28) + 100) * 512, file, 1536) == 0 &&
               memcmp(file, ram_ptr(0x30000), 1536) == 0,
           "DMA-written sectors are in the image");
    outb(BM_BASE, 0);
    inb(PRI_CMD + 7);

    /* a PRD table shorter than the transfer */
    put_prd(0x1200, 0x40000, 512, true);
    bm_start(0, 0x1200, true);
    set_lba28(PRI_CMD, 0, 0, 2);
    outb(PRI_CMD + 7, 0xc8);
    st = wait_ready(PRI_CTRL);
    tap_ok((st & ERR) && !(inb(BM_BASE + 2) & 1), "PRD table too short: error, engine stops");
    outb(BM_BASE, 0);
    inb(PRI_CMD + 7);
}

/* Send a 12-byte ATAPI packet on the secondary master; dma: features bit 0. */
static void atapi_send(const uint8_t *pkt, uint16_t byte_limit, bool dma)
{
    select_dev(SEC_CMD, 0, 0);
    outb(SEC_CMD + 1, dma ? 1 : 0);
    outb(SEC_CMD + 4, (uint8_t)byte_limit);
    outb(SEC_CMD + 5, (uint8_t)(byte_limit >> 8));
    outb(SEC_CMD + 7, 0xa0);
    for (int i = 0; i < 6; i++) {
        outw(SEC_CMD, (uint16_t)(pkt[2 * i] | pkt[2 * i + 1] << 8));
    }
}

/* Read the PIO data-in phase into buf; returns bytes, -1 on CHECK CONDITION. */
static int atapi_data_in(uint8_t *buf, int max, int *blocks)
{
    int total = 0;

    *blocks = 0;
    for (;;) {
        uint8_t st = wait_ready(SEC_CTRL);
        uint8_t ireason = inb(SEC_CMD + 2);

        inb(SEC_CMD + 7);
        if (st & ERR) {
            return -1;
        }
        if (!(st & DRQ)) {
            return (ireason & 3) == 3 ? total : -2;
        }
        {
            int n = inb(SEC_CMD + 4) | inb(SEC_CMD + 5) << 8;

            (*blocks)++;
            for (int i = 0; i < n; i += 2) {
                uint16_t w = inw(SEC_CMD);

                if (total + i < max) {
                    buf[total + i] = (uint8_t)w;
                }
                if (total + i + 1 < max) {
                    buf[total + i + 1] = (uint8_t)(w >> 8);
                }
            }
            total += n;
        }
    }
}

static void test_atapi(void)
{
    uint8_t buf[8192];
    uint8_t id[512];
    uint8_t pkt[12];
    int blocks, n;
    uint8_t st;

    select_dev(SEC_CMD, 0, 0);
    outb(SEC_CMD + 7, 0xec);
    st = inb(SEC_CMD + 7);
    tap_ok((st & ERR) && inb(SEC_CMD + 4) == 0x14 && inb(SEC_CMD + 5) == 0xeb,
           "IDENTIFY DEVICE to ATAPI aborts with the signature");
    outb(SEC_CMD + 7, 0xa1);
    wait_ready(SEC_CTRL);
    inb(SEC_CMD + 7);
    read_sector_pio(SEC_CMD, id);
    tap_ok((id[1] >> 6) == 2 && (id[1] & 0x1f) == 5 && (id[0] & 0x80),
           "IDENTIFY PACKET DEVICE: ATAPI CD-ROM, removable (word 0 %#x)", id[0] | id[1] << 8);

    /* the first command after power-on: no unit attention for the initial disc */
    memset(pkt, 0, 12);
    pkt[0] = 0x12; /* INQUIRY */
    pkt[4] = 36;
    atapi_send(pkt, 0x200, false);
    n = atapi_data_in(buf, sizeof(buf), &blocks);
    tap_ok(n == 36 && buf[0] == 0x05 && (buf[1] & 0x80) && memcmp(buf + 8, "TERN", 4) == 0,
           "INQUIRY: 36 bytes, CD/DVD, removable (n=%d)", n);
    tap_ok(irq_raises[1] > 0, "ATAPI interrupts on IRQ15");

    memset(pkt, 0, 12);
    pkt[0] = 0x25; /* READ CAPACITY */
    atapi_send(pkt, 0x200, false);
    n = atapi_data_in(buf, sizeof(buf), &blocks);
    tap_ok(n == 8 && (buf[0] << 24 | buf[1] << 16 | buf[2] << 8 | buf[3]) == CD_SECTORS - 1 &&
               (buf[4] << 24 | buf[5] << 16 | buf[6] << 8 | buf[7]) == 2048,
           "READ CAPACITY: last LBA %d, 2048-byte blocks", CD_SECTORS - 1);

    memset(pkt, 0, 12);
    pkt[0] = 0x28; /* READ(10) LBA 10, 3 sectors, byte count limit 2048 */
    pkt[5] = 10;
    pkt[8] = 3;
    atapi_send(pkt, 2048, false);
    n = atapi_data_in(buf, sizeof(buf), &blocks);
    tap_ok(n == 3 * 2048 && blocks == 3 && check_pattern(buf, 10 * 2048, 3 * 2048, 9),
           "READ(10) PIO: 3 sectors in 3 blocks of the byte count limit (n=%d, %d blocks)", n,
           blocks);

    memset(pkt, 0, 12);
    pkt[0] = 0xa8; /* READ(12) LBA 60, 4 sectors: past the end */
    pkt[5] = 60;
    pkt[9] = 5;
    atapi_send(pkt, 0xfffe, false);
    n = atapi_data_in(buf, sizeof(buf), &blocks);
    tap_ok(n == -1 && (inb(SEC_CMD + 1) >> 4) == 0x05, "READ(12) past the end: ILLEGAL REQUEST");
    memset(pkt, 0, 12);
    pkt[0] = 0x03; /* REQUEST SENSE */
    pkt[4] = 18;
    atapi_send(pkt, 0x200, false);
    n = atapi_data_in(buf, sizeof(buf), &blocks);
    tap_ok(n == 18 && buf[0] == 0x70 && buf[2] == 0x05 && buf[12] == 0x21,
           "REQUEST SENSE: 05/21 LBA out of range");

    memset(pkt, 0, 12);
    pkt[0] = 0x43; /* READ TOC format 0, MSF */
    pkt[1] = 0x02;
    pkt[8] = 100;
    atapi_send(pkt, 0x200, false);
    n = atapi_data_in(buf, sizeof(buf), &blocks);
    tap_ok(n == 20 && buf[2] == 1 && buf[3] == 1 && buf[6] == 1 && buf[14] == 0xaa && buf[9] == 0 &&
               buf[10] == 2 && buf[11] == 0 && buf[18] == (CD_SECTORS + 150) / 75 &&
               buf[19] == (CD_SECTORS + 150) % 75,
           "READ TOC (MSF): track 1 at 00:02:00, lead-out after the last sector");
    pkt[1] = 0;
    pkt[9] = 0x40; /* format 1 (session info) the SFF-8020 way */
    atapi_send(pkt, 0x200, false);
    n = atapi_data_in(buf, sizeof(buf), &blocks);
    tap_ok(n == 12 && buf[1] == 10 && buf[6] == 1, "READ TOC format 1");

    memset(pkt, 0, 12);
    pkt[0] = 0x51; /* READ DISC INFORMATION (Linux's cdrom layer asks) */
    pkt[8] = 34;
    atapi_send(pkt, 0x200, false);
    n = atapi_data_in(buf, sizeof(buf), &blocks);
    tap_ok(n == 34 && buf[0] == 0 && buf[1] == 32 && (buf[2] & 3) == 2 &&
               ((buf[2] >> 2) & 3) == 3 && buf[3] == 1 && buf[4] == 1 && buf[6] == 1 &&
               buf[16] == 0xff && buf[23] == 0xff,
           "READ DISC INFORMATION: one finalized session, track 1 (n=%d)", n);
    pkt[8] = 8; /* the allocation length cuts the reply */
    atapi_send(pkt, 0x200, false);
    n = atapi_data_in(buf, sizeof(buf), &blocks);
    tap_ok(n == 8 && buf[1] == 32, "READ DISC INFORMATION: 8 of 34 bytes asked for (n=%d)", n);

    memset(pkt, 0, 12);
    pkt[0] = 0x52; /* READ TRACK INFORMATION, track 1 (after the disc information) */
    pkt[1] = 1;
    pkt[5] = 1;
    pkt[8] = 36;
    atapi_send(pkt, 0x200, false);
    n = atapi_data_in(buf, sizeof(buf), &blocks);
    tap_ok(n == 36 && buf[1] == 34 && buf[2] == 1 && buf[3] == 1 && (buf[5] & 0x0f) == 4 &&
               !(buf[6] & 0x40) && (buf[7] & 3) == 0 && buf[8] == 0 && buf[11] == 0 &&
               ((uint32_t)buf[24] << 24 | buf[25] << 16 | buf[26] << 8 | buf[27]) == CD_SECTORS,
           "READ TRACK INFORMATION: track 1, data, not blank, %d sectors from 0 (n=%d)", CD_SECTORS,
           n);
    pkt[1] = 0; /* by LBA: one past the end */
    pkt[2] = (uint8_t)(CD_SECTORS >> 24);
    pkt[3] = (uint8_t)(CD_SECTORS >> 16);
    pkt[4] = (uint8_t)(CD_SECTORS >> 8);
    pkt[5] = (uint8_t)CD_SECTORS;
    atapi_send(pkt, 0x200, false);
    st = wait_ready(SEC_CTRL);
    inb(SEC_CMD + 7);
    tap_ok((st & 0x01) && (inb(SEC_CMD + 1) >> 4) == 5,
           "READ TRACK INFORMATION past the last sector: ILLEGAL REQUEST (%#x)", st);

    memset(pkt, 0, 12);
    pkt[0] = 0x5a; /* MODE SENSE(10) page 2Ah */
    pkt[2] = 0x2a;
    pkt[8] = 200;
    atapi_send(pkt, 0x200, false);
    n = atapi_data_in(buf, sizeof(buf), &blocks);
    tap_ok(n == 28 && buf[8] == 0x2a && buf[9] == 18 && buf[1] == 26,
           "MODE SENSE(10) capabilities page (n=%d)", n);

    memset(pkt, 0, 12);
    pkt[0] = 0x46; /* GET CONFIGURATION, all features */
    pkt[8] = 255;
    atapi_send(pkt, 0x200, false);
    n = atapi_data_in(buf, sizeof(buf), &blocks);
    tap_ok(n > 8 && buf[7] == 0x08 && buf[8] == 0 && buf[9] == 0,
           "GET CONFIGURATION: current profile CD-ROM, profile list first");

    memset(pkt, 0, 12);
    pkt[0] = 0x1e; /* PREVENT */
    pkt[4] = 1;
    atapi_send(pkt, 0, false);
    st = wait_ready(SEC_CTRL);
    inb(SEC_CMD + 7);
    tap_ok(st == (DRDY | 0x10) && (inb(SEC_CMD + 2) & 3) == 3,
           "PREVENT ALLOW MEDIUM REMOVAL: done, interrupt reason I/O+C/D");
    tap_ok(!ide_cd_change_media(&piix_ide_get_bus((PCIDevice *)ide, 1)->ifs[0], NULL),
           "a locked tray refuses a media change");
    pkt[4] = 0;
    atapi_send(pkt, 0, false);
    wait_ready(SEC_CTRL);
    inb(SEC_CMD + 7);

    /* READ(10) by DMA */
    memset(ram_ptr(0x50000), 0, 3 * 2048);
    put_prd(0x1300, 0x50000, 2048, false);
    put_prd(0x1308, 0x50800, 4096, true);
    bm_start(1, 0x1300, true);
    memset(pkt, 0, 12);
    pkt[0] = 0x28;
    pkt[5] = 20;
    pkt[8] = 3;
    atapi_send(pkt, 0, true);
    st = wait_ready(SEC_CTRL);
    tap_ok(st == (DRDY | 0x10) && (inb(BM_BASE + 10) & 0x05) == 0x04 &&
               check_pattern(ram_ptr(0x50000), 20 * 2048, 3 * 2048, 9),
           "READ(10) by DMA: data at the PRD addresses (%#x)", st);
    outb(BM_BASE + 8, 0);
    inb(SEC_CMD + 7);

    /* INQUIRY by DMA */
    put_prd(0x1400, 0x60000, 512, true);
    bm_start(1, 0x1400, true);
    memset(pkt, 0, 12);
    pkt[0] = 0x12;
    pkt[4] = 36;
    atapi_send(pkt, 0, true);
    st = wait_ready(SEC_CTRL);
    tap_ok(st == (DRDY | 0x10) && ram_ptr(0x60000)[0] == 0x05 &&
               memcmp(ram_ptr(0x60008), "TERN", 4) == 0,
           "INQUIRY by DMA");
    outb(BM_BASE + 8, 0);
    inb(SEC_CMD + 7);

    /* no medium */
    ide_cd_change_media(&piix_ide_get_bus((PCIDevice *)ide, 1)->ifs[0], NULL);
    memset(pkt, 0, 12);
    atapi_send(pkt, 0, false); /* TEST UNIT READY */
    n = atapi_data_in(buf, sizeof(buf), &blocks);
    tap_ok(n == -1 && (inb(SEC_CMD + 1) >> 4) == 0x06, "after a media change: UNIT ATTENTION");
    atapi_send(pkt, 0, false);
    n = atapi_data_in(buf, sizeof(buf), &blocks);
    tap_ok(n == -1 && (inb(SEC_CMD + 1) >> 4) == 0x02, "without a medium: NOT READY");
    pkt[0] = 0x03;
    pkt[4] = 18;
    atapi_send(pkt, 0x200, false);
    n = atapi_data_in(buf, sizeof(buf), &blocks);
    tap_ok(n == 18 && buf[2] == 0x02 && buf[12] == 0x3a, "sense 02/3A medium not present");
    ide_cd_change_media(&piix_ide_get_bus((PCIDevice *)ide, 1)->ifs[0], cd);
    pkt[0] = 0;
    atapi_send(pkt, 0, false);
    atapi_data_in(buf, sizeof(buf), &blocks); /* unit attention */
    atapi_send(pkt, 0, false);
    tap_ok(atapi_data_in(buf, sizeof(buf), &blocks) == 0, "medium back: TEST UNIT READY passes");
}

/* An ISO 9660 image made by xorriso: the primary volume descriptor at
 * sector 16 and the capacity must come through READ(10) and READ CAPACITY. */
static void test_atapi_iso(void)
{
    char dir[] = "/tmp/tern-test-isodir-XXXXXX";
    char iso[64], cmdline[256], file[128];
    uint8_t buf[4096], pkt[12];
    BlockBackend *isoblk;
    IDEState *drive = &piix_ide_get_bus((PCIDevice *)ide, 1)->ifs[0];
    int blocks, n, rc;
    uint32_t last;
    FILE *f;

    if (!mkdtemp(dir)) {
        abort();
    }
    snprintf(file, sizeof(file), "%s/hello.txt", dir);
    f = fopen(file, "w");
    fputs("hello from tern\n", f);
    fclose(f);
    snprintf(iso, sizeof(iso), "%s.iso", dir);
    snprintf(cmdline, sizeof(cmdline),
             "xorriso -as mkisofs -quiet -V TERNTEST -o %s %s 2>/dev/null", iso, dir);
    rc = system(cmdline);
    tap_ok(rc == 0, "xorriso built an ISO image");
    isoblk = blk_open(iso, BLK_OPEN_READONLY, NULL);
    if (!isoblk) {
        tap_ok(false, "open the ISO image");
        return;
    }
    ide_cd_change_media(drive, isoblk);
    memset(pkt, 0, 12);
    atapi_send(pkt, 0, false);
    atapi_data_in(buf, sizeof(buf), &blocks); /* unit attention for the new disc */

    memset(pkt, 0, 12);
    pkt[0] = 0x25;
    atapi_send(pkt, 0x200, false);
    n = atapi_data_in(buf, sizeof(buf), &blocks);
    last = (uint32_t)(buf[0] << 24 | buf[1] << 16 | buf[2] << 8 | buf[3]);
    tap_ok(n == 8 && (int64_t)(last + 1) * 2048 == blk_getlength(isoblk),
           "READ CAPACITY of the ISO: %u sectors", last + 1);
    memset(pkt, 0, 12);
    pkt[0] = 0x28;
    pkt[5] = 16;
    pkt[8] = 1;
    atapi_send(pkt, 0xfffe, false);
    n = atapi_data_in(buf, sizeof(buf), &blocks);
    tap_ok(n == 2048 && buf[0] == 1 && memcmp(buf + 1, "CD001", 5) == 0 &&
               memcmp(buf + 40, "TERNTEST", 8) == 0,
           "READ(10) of sector 16: the primary volume descriptor of 'TERNTEST'");

    ide_cd_change_media(drive, cd);
    memset(pkt, 0, 12);
    atapi_send(pkt, 0, false);
    atapi_data_in(buf, sizeof(buf), &blocks);
    blk_close(isoblk);
    unlink(iso);
    unlink(file);
    rmdir(dir);
}

static bool save_state(VMStateBuffer *buf)
{
    VMStateStream st;
    Error *err = NULL;

    *buf = (VMStateBuffer){ 0 };
    vmstate_stream_init_buffer_writer(&st, buf);
    if (vmstate_save_state(&st, qdev_get_vmsd(ide), ide, &err) < 0) {
        error_report_err(err);
        return false;
    }
    return true;
}

static bool load_state(VMStateBuffer *buf)
{
    VMStateStream st;
    Error *err = NULL;

    buf->pos = 0;
    vmstate_stream_init_buffer_reader(&st, buf);
    if (vmstate_load_state(&st, qdev_get_vmsd(ide), ide, qdev_get_vmsd(ide)->version_id, &err) <
        0) {
        error_report_err(err);
        return false;
    }
    return buf->pos == buf->len;
}

static void test_vmstate(void)
{
    VMStateBuffer vb;
    uint8_t buf[1024];
    bool ok;

    /* stop in the middle of a 2-sector PIO read */
    set_lba28(PRI_CMD, 0, 500, 2);
    outb(PRI_CMD + 7, 0x20);
    wait_ready(PRI_CTRL);
    inb(PRI_CMD + 7);
    for (int i = 0; i < 100; i++) {
        uint16_t w = inw(PRI_CMD);

        buf[2 * i] = (uint8_t)w;
        buf[2 * i + 1] = (uint8_t)(w >> 8);
    }
    tap_ok(save_state(&vb), "save mid-transfer");
    device_cold_reset(ide);
    enable_pci();
    tap_ok(!(inb(PRI_CTRL) & DRQ), "reset ends the transfer");
    tap_ok(load_state(&vb), "load");
    tap_ok(inb(PRI_CTRL) & DRQ, "DRQ is back");
    for (int i = 100; i < 256; i++) {
        uint16_t w = inw(PRI_CMD);

        buf[2 * i] = (uint8_t)w;
        buf[2 * i + 1] = (uint8_t)(w >> 8);
    }
    wait_ready(PRI_CTRL);
    inb(PRI_CMD + 7);
    read_sector_pio(PRI_CMD, buf + 512);
    ok = check_pattern(buf, 500 * 512, 1024, 0);
    tap_ok(ok, "the transfer continues after load with the same data");
    tap_ok(inb(PRI_CTRL) == (DRDY | 0x10), "and ends normally");
    vmstate_buffer_free(&vb);
}

static void test_missing_image(void)
{
    Error *err = NULL;
    BlockBackend *b = blk_open("/nonexistent/tern/disk.img", 0, &err);

    tap_ok(!b && err && strstr(error_get_pretty(err), "/nonexistent/tern/disk.img"),
           "a nonexistent image file gives a clear error: %s", err ? error_get_pretty(err) : "");
    error_free(err);
}

int main(void)
{
    setup_machine();
    test_pci_identity();
    test_identify();
    test_no_device();
    test_pio_read();
    test_pio_write();
    test_lba48();
    test_errors();
    test_nien_srst();
    test_dma();
    test_atapi();
    test_atapi_iso();
    test_vmstate();
    test_missing_image();
    unlink(hd0_path);
    unlink(hd1_path);
    unlink(cd_path);
    free(irq_lines); /* the device holds the lines themselves */
    bql_unlock();
    return tap_done();
}
