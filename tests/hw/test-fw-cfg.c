/*
 * test-fw-cfg: the PC's fw_cfg device (selector 0x510, data 0x511, DMA
 * 0x514) over qtest: signature, feature ID, the RAM size given with -m,
 * the file directory (etc/e820 present, entries sorted) and
 * a DMA read of a file into guest RAM, checked against the port read.
 * Then, with a disk and a CD-ROM, "bootorder" (SeaBIOS's device paths)
 * follows -boot order=dc and order=cd.
 */
#include <string.h>
#include <unistd.h>

#include "hw-common.h"

#define DESC_ADDR 0x10000
#define BUF_ADDR 0x20000

static void cfg_read(QTestState *s, uint16_t key, void *buf, size_t len)
{
    qtest_outw(s, 0x510, key);
    for (size_t i = 0; i < len; i++) {
        ((uint8_t *)buf)[i] = qtest_inb(s, 0x511);
    }
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

struct file {
    uint32_t size;
    uint16_t select;
    char name[57];
};

static int read_dir(QTestState *s, struct file *files, int max)
{
    uint8_t hdr[4], ent[64];
    uint32_t count;

    cfg_read(s, 0x19, hdr, 4);
    count = be32(hdr);
    for (uint32_t i = 0; i < count && (int)i < max; i++) {
        for (int j = 0; j < 64; j++) {
            ent[j] = qtest_inb(s, 0x511);
        }
        files[i].size = be32(ent);
        files[i].select = (uint16_t)(ent[4] << 8 | ent[5]);
        memcpy(files[i].name, ent + 8, 56);
        files[i].name[56] = 0;
    }
    return (int)count;
}

#define PATH_DISK "/pci@i0cf8/ide@1,1/drive@0/disk@0\n" /* primary master */
#define PATH_CD   "/pci@i0cf8/ide@1,1/drive@1/disk@0\n" /* secondary master */

/* With a disk at index 0 and a CD-ROM at index 2, -boot order=ORDER must
 * publish "bootorder" listing their SeaBIOS device paths in that order,
 * and FW_CFG_BOOT_DEVICE (0x0c) holds the first letter. */
static void test_bootorder(const char *disk, const char *cd, const char *order,
                           const char *expect)
{
    char args[512], text[257];
    struct file files[64];
    uint8_t b[2];
    int n, boot = -1, wait = -1;
    QTestState *s;

    snprintf(args, sizeof(args),
             "-drive file=%s,format=raw,if=ide,index=0 -drive file=%s,format=raw,if=ide,"
             "index=2,media=cdrom -boot order=%s",
             disk, cd, order);
    s = hw_start(args);
    n = read_dir(s, files, 64);
    for (int i = 0; i < n && i < 64; i++) {
        if (!strcmp(files[i].name, "bootorder")) {
            boot = i;
        } else if (!strcmp(files[i].name, "etc/boot-fail-wait")) {
            wait = i;
        }
    }
    tap_ok(boot >= 0, "order=%s: bootorder in the directory", order);
    if (boot >= 0 && files[boot].size < sizeof(text)) {
        cfg_read(s, files[boot].select, text, files[boot].size);
        text[files[boot].size] = 0;
        tap_ok(!strcmp(text, expect), "order=%s: bootorder lists %s", order,
               order[0] == 'd' ? "the CD-ROM, then the disk" : "the disk, then the CD-ROM");
        if (strcmp(text, expect)) {
            tap_diag("bootorder is '%s'", text);
        }
    } else {
        tap_ok(false, "order=%s: bootorder readable", order);
    }
    tap_ok(wait >= 0 && files[wait].size == 4, "order=%s: etc/boot-fail-wait, 4 bytes", order);
    cfg_read(s, 0x000c, b, 2);
    tap_ok(b[0] == (uint8_t)order[0] && b[1] == 0, "order=%s: FW_CFG_BOOT_DEVICE '%c'", order,
           b[0]);
    hw_finish(s);
}

static bool make_image(char *name, size_t size)
{
    int fd = mkstemp(name);
    bool ok;

    if (fd < 0) {
        return false;
    }
    ok = ftruncate(fd, (off_t)size) == 0;
    close(fd);
    return ok;
}

static void test_bootorders(void)
{
    char disk[] = "/tmp/tern-hw-fwcfg-hd-XXXXXX";
    char cd[] = "/tmp/tern-hw-fwcfg-cd-XXXXXX";

    if (!make_image(disk, 1 << 20) || !make_image(cd, 2048 * 16)) {
        tap_ok(false, "create the drive images");
    } else {
        test_bootorder(disk, cd, "dc", PATH_CD PATH_DISK);
        test_bootorder(disk, cd, "cd", PATH_DISK PATH_CD);
    }
    unlink(disk);
    unlink(cd);
}

int main(void)
{
    QTestState *s = hw_start("-m 96");
    struct file files[64];
    uint8_t b[16], *port_data = NULL, *dma_data = NULL;
    uint64_t ram;
    int n, e820 = -1, boot = -1;
    bool sorted = true;

    cfg_read(s, 0x0000, b, 4);
    tap_ok(!memcmp(b, "QEMU", 4), "signature 'QEMU'");
    cfg_read(s, 0x0001, b, 4);
    tap_ok(b[0] == 0x03 && !b[1] && !b[2] && !b[3], "ID: traditional and DMA interfaces (%#x)",
           b[0]);
    cfg_read(s, 0x0003, b, 8);
    memcpy(&ram, b, 8);
    tap_ok(ram == 96ull << 20, "RAM size is -m 96 (%#llx)", (unsigned long long)ram);
    cfg_read(s, 0x0005, b, 2);
    tap_ok(b[0] == 1 && b[1] == 0, "one CPU");
    tap_ok(qtest_inl(s, 0x514) == 0x554d4551 && qtest_inl(s, 0x518) == 0x47464320,
           "DMA register reads 'QEMU CFG'");

    n = read_dir(s, files, 64);
    tap_ok(n > 1 && n <= 64, "file directory: %d files", n);
    for (int i = 0; i < n && i < 64; i++) {
        tap_diag("file %#x %-24s %u bytes", files[i].select, files[i].name, files[i].size);
        if (!strcmp(files[i].name, "etc/e820")) {
            e820 = i;
        } else if (!strcmp(files[i].name, "bootorder")) {
            boot = i;
        }
        if (i && strcmp(files[i - 1].name, files[i].name) >= 0) {
            sorted = false;
        }
    }
    tap_ok(e820 >= 0 && files[e820].size % 20 == 0 && files[e820].size >= 20,
           "etc/e820 present, whole 20-byte entries");
    tap_ok(boot < 0, "no drives: no bootorder file");
    tap_ok(sorted, "directory sorted by name");

    if (e820 >= 0) {
        uint32_t len = files[e820].size;
        uint8_t desc[16];
        uint32_t ctl = 0x08 | 0x02 | (uint32_t)files[e820].select << 16;
        uint64_t base, size;
        uint32_t type;
        bool found_ram = false;

        port_data = malloc(len);
        dma_data = malloc(len);
        cfg_read(s, files[e820].select, port_data, len);
        for (int i = 0; i < 4; i++) {
            desc[i] = ctl >> (24 - 8 * i);
            desc[4 + i] = len >> (24 - 8 * i);
        }
        for (int i = 0; i < 8; i++) {
            desc[8 + i] = (uint64_t)BUF_ADDR >> (56 - 8 * i);
        }
        qtest_memset(s, BUF_ADDR, 0xcc, len);
        qtest_memwrite(s, DESC_ADDR, desc, 16);
        qtest_outl(s, 0x514, 0);
        qtest_outl(s, 0x518, __builtin_bswap32(DESC_ADDR));
        qtest_memread(s, DESC_ADDR, desc, 4);
        tap_ok(be32(desc) == 0, "DMA done: control word cleared (%#x)", be32(desc));
        qtest_memread(s, BUF_ADDR, dma_data, len);
        tap_ok(!memcmp(port_data, dma_data, len), "DMA read of etc/e820 matches the port read");
        for (uint32_t o = 0; o + 20 <= len; o += 20) {
            memcpy(&base, dma_data + o, 8);
            memcpy(&size, dma_data + o + 8, 8);
            memcpy(&type, dma_data + o + 16, 4);
            tap_diag("e820 %#llx +%#llx type %u", (unsigned long long)base,
                     (unsigned long long)size, type);
            if (type == 1 && base + size == 96ull << 20) {
                found_ram = true;
            }
        }
        tap_ok(found_ram, "e820 has usable RAM ending at 96 MiB");
        free(port_data);
        free(dma_data);
    } else {
        tap_ok(false, "DMA read (no etc/e820 to read)");
    }
    hw_finish(s);
    test_bootorders();
    return tap_done();
}
