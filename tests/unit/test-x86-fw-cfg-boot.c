/*
 * -kernel through the BIOS, the board's side (hw/i386/x86-fw-cfg-boot.c):
 * what x86_fw_cfg_boot_setup publishes in fw_cfg for Debian's bzImage
 * (scripts/fetch-guest.sh; no kernel is a failure, never a skip), read
 * back the way the option ROM reads it (selector/data ports for the
 * integers, DMA into RAM for the data):
 * - SETUP/KERNEL/INITRD/CMDLINE ADDR and SIZE: the addresses of the
 *   layout, the sizes from the file's setup_sects, the initrd page-aligned
 *   high below initrd_addr_max and the BIOS's share of RAM;
 * - SETUP_DATA: the file's setup with exactly the boot loader fields
 *   patched (type_of_loader, loadflags, heap_end_ptr, cmd_line_ptr,
 *   ramdisk_image/size); KERNEL_DATA, INITRD_DATA, CMDLINE_DATA verbatim;
 * - genroms/linuxboot.bin: a valid option ROM (0x55 0xaa, size byte,
 *   checksum 0) with a PnP header carrying a boot entry vector; bootorder
 *   with the ROM first and the board's entries after it;
 * - rejections (not a kernel, truncated, protocol 2.01, a zImage, a too
 *   long command line, too little RAM for the kernel or the initrd, a
 *   missing initrd) with nothing published.
 *
 * The machine: 16 MiB of RAM at 0 and fw_cfg at 0x510/0x514.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hw/i386/x86-fw-cfg-boot.h"
#include "tap.h"
#include "util/main-loop.h"

#define RAM_SIZE   (16u << 20)
#define DESC       0x1000
#define SETUP_BUF  0x10000
#define KERNEL_BUF 0x100000
#define INITRD_LEN 12345 /* odd, to see the page alignment */

static MemoryRegion ram;
static uint8_t *ram_ptr;
static FWCfgState *fw;
static char tmpdir[] = "/tmp/test-x86-fw-cfg-boot.XXXXXX";

static uint16_t get16(const uint8_t *p)
{
    return p[0] | p[1] << 8;
}
static uint32_t get32(const uint8_t *p)
{
    return get16(p) | (uint32_t)get16(p + 2) << 16;
}
static void put32_be(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

static uint32_t cfg_read32(uint16_t key)
{
    uint8_t b[4];

    address_space_stw(&address_space_io, FW_CFG_IO_BASE, key, MEMTXATTRS_UNSPECIFIED, NULL);
    for (int i = 0; i < 4; i++) {
        b[i] =
            address_space_ldub(&address_space_io, FW_CFG_IO_BASE + 1, MEMTXATTRS_UNSPECIFIED, NULL);
    }
    return get32(b);
}

/* DMA len bytes of item key to guest address dst, as the ROM does; true if
 * the device reported no error */
static bool cfg_dma_read(uint16_t key, uint32_t dst, uint32_t len)
{
    uint8_t *d = ram_ptr + DESC;

    put32_be(d, (uint32_t)key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ);
    put32_be(d + 4, len);
    put32_be(d + 8, 0);
    put32_be(d + 12, dst);
    address_space_stl(&address_space_io, FW_CFG_DMA_IO_BASE, 0, MEMTXATTRS_UNSPECIFIED, NULL);
    address_space_stl(&address_space_io, FW_CFG_DMA_IO_BASE + 4, __builtin_bswap32(DESC),
                      MEMTXATTRS_UNSPECIFIED, NULL);
    return d[0] == 0 && d[1] == 0 && d[2] == 0 && d[3] == 0;
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    long n;

    if (!f) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc(n + 1);
        if (fread(buf, 1, n, f) != (size_t)n) {
            free(buf);
            buf = NULL;
        }
        *len = n;
    }
    fclose(f);
    return buf;
}

static char *tmp_file(const char *name, const void *data, size_t len)
{
    char *path = malloc(strlen(tmpdir) + strlen(name) + 2);
    FILE *f;

    sprintf(path, "%s/%s", tmpdir, name);
    f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(1);
    }
    fclose(f);
    return path;
}

static void build_machine(void)
{
    Error *err = NULL;

    bql_lock();
    if (!memory_region_init_ram(&ram, NULL, "ram", RAM_SIZE, &err)) {
        error_report_err(err);
        exit(1);
    }
    ram_ptr = memory_region_get_ram_ptr(&ram);
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    fw = fw_cfg_init_io_dma(FW_CFG_IO_BASE, FW_CFG_DMA_IO_BASE, NULL);
    /* the board's own boot order, which must stay behind the ROM */
    const char *bootorder = "/pci@i0cf8/ide@1,1/drive@0/disk@0\n";
    fw_cfg_add_file(fw, FW_CFG_FILE_BOOTORDER, bootorder, strlen(bootorder));
    qdev_reset_all_devices();
}

static bool setup(const char *kernel, const char *initrd, const char *cmdline, uint64_t ram,
                  X86FwCfgBootInfo *info, char **msg)
{
    X86FwCfgBootConfig cfg = {
        .kernel_filename = kernel,
        .initrd_filename = initrd,
        .cmdline = cmdline,
        .ram_below_4g = ram,
    };
    Error *err = NULL;
    bool ok = x86_fw_cfg_boot_setup(fw, &cfg, info, &err);

    *msg = NULL;
    if (err) {
        *msg = strdup(error_get_pretty(err));
        error_free(err);
    }
    return ok;
}

/* a failing setup with a message containing `want`, and nothing published */
static void expect_reject(const char *what, const char *kernel, const char *initrd,
                          const char *cmdline, uint64_t ram, const char *want)
{
    char *msg;
    bool ok = setup(kernel, initrd, cmdline, ram, NULL, &msg);

    tap_ok(!ok && msg && strstr(msg, want) && !strchr(msg, '\n') &&
               cfg_read32(FW_CFG_SETUP_SIZE) == 0 &&
               fw_cfg_find_file(fw, X86_FW_CFG_BOOT_ROM_FILE) == FW_CFG_INVALID,
           "rejects %s, nothing published: %s", what, msg ? msg : "(no message)");
    free(msg);
}

static void test_rejections(const char *kernel, const uint8_t *k, size_t klen)
{
    uint8_t *copy = malloc(klen);
    char *path;

    path = tmp_file("not-a-kernel", "hello, world\n", 13);
    expect_reject("a text file", path, NULL, NULL, 256 << 20, "is not a Linux bzImage");
    free(path);

    path = tmp_file("truncated", k, 100000);
    expect_reject("a truncated bzImage", path, NULL, NULL, 256 << 20, "is truncated");
    free(path);

    memcpy(copy, k, klen);
    copy[0x206] = 0x01; /* version 2.01 */
    copy[0x207] = 0x02;
    path = tmp_file("protocol-2.01", copy, klen);
    expect_reject("boot protocol 2.01", path, NULL, NULL, 256 << 20, "2.02 or later");
    free(path);

    memcpy(copy, k, klen);
    copy[0x211] &= ~1; /* LOADED_HIGH clear: a zImage */
    path = tmp_file("zimage", copy, klen);
    expect_reject("a zImage", path, NULL, NULL, 256 << 20, "zImage");
    free(path);

    uint32_t cmdline_size = get32(k + 0x238);
    char *longcmd = malloc(cmdline_size + 2);
    memset(longcmd, 'x', cmdline_size + 1);
    longcmd[cmdline_size + 1] = 0;
    expect_reject("a command line longer than cmdline_size", kernel, NULL, longcmd, 256 << 20,
                  "accepts at most");
    free(longcmd);

    expect_reject("too little RAM for init_size", kernel, NULL, NULL, 32 << 20,
                  "not enough guest RAM");

    /* the kernel fits, an 8 MiB initrd does not fit above it */
    uint32_t init_size = get32(k + 0x260);
    uint8_t *big = calloc(1, 8 << 20);
    path = tmp_file("big-initrd", big, 8 << 20);
    expect_reject("an initrd that does not fit", kernel, path, NULL,
                  0x100000 + init_size + X86_FW_CFG_BOOT_BIOS_HIGH + (4 << 20),
                  "does not fit in guest RAM");
    free(path);
    free(big);

    expect_reject("a missing initrd", kernel, "/nonexistent/initrd", NULL, 256 << 20,
                  "cannot open initrd");
    free(copy);
}

static void test_published(const char *kernel, const uint8_t *k, size_t klen)
{
    const char *cmdline = "console=ttyS0 panic=-1 tern.test=1";
    const uint64_t ram = 256 << 20;
    uint8_t initrd_bytes[INITRD_LEN];
    X86FwCfgBootInfo info;
    char *msg;

    for (int i = 0; i < INITRD_LEN; i++) {
        initrd_bytes[i] = (uint8_t)(i * 7 + 3);
    }
    char *initrd = tmp_file("initrd", initrd_bytes, sizeof(initrd_bytes));
    bool ok = setup(kernel, initrd, cmdline, ram, &info, &msg);
    if (!tap_ok(ok, "Debian's bzImage is published (%s)", msg ? msg : "no error")) {
        free(msg);
        free(initrd);
        return;
    }
    free(initrd);

    unsigned setup_sects = k[0x1f1] ? k[0x1f1] : 4;
    uint32_t setup_size = (setup_sects + 1) * 512;
    uint32_t kernel_size = klen - setup_size;
    tap_diag("protocol %x, setup 0x%x bytes, kernel 0x%x bytes, initrd at 0x%x", info.protocol,
             setup_size, kernel_size, info.initrd_addr);

    tap_ok(cfg_read32(FW_CFG_SETUP_ADDR) == 0x10000 && info.setup_addr == 0x10000,
           "SETUP_ADDR 0x10000");
    tap_ok(cfg_read32(FW_CFG_SETUP_SIZE) == setup_size && info.setup_size == setup_size,
           "SETUP_SIZE (setup_sects + 1) * 512 = 0x%x", setup_size);
    tap_ok(cfg_read32(FW_CFG_KERNEL_ADDR) == 0x100000, "KERNEL_ADDR 1 MiB");
    tap_ok(cfg_read32(FW_CFG_KERNEL_SIZE) == kernel_size && info.kernel_size == kernel_size,
           "KERNEL_SIZE: the rest of the file (0x%x)", kernel_size);
    tap_ok(cfg_read32(FW_CFG_CMDLINE_ADDR) == 0x20000, "CMDLINE_ADDR 0x20000");
    tap_ok(cfg_read32(FW_CFG_CMDLINE_SIZE) == strlen(cmdline) + 1,
           "CMDLINE_SIZE: the command line with its NUL");
    tap_ok(cfg_read32(FW_CFG_INITRD_SIZE) == INITRD_LEN, "INITRD_SIZE");

    uint32_t initrd_addr = cfg_read32(FW_CFG_INITRD_ADDR);
    uint64_t limit = get32(k + 0x22c) + 1ull;
    if (limit > ram - X86_FW_CFG_BOOT_BIOS_HIGH) {
        limit = ram - X86_FW_CFG_BOOT_BIOS_HIGH;
    }
    tap_ok(initrd_addr == info.initrd_addr && initrd_addr % 4096 == 0 &&
               initrd_addr + INITRD_LEN <= limit && initrd_addr + INITRD_LEN + 4096 > limit &&
               initrd_addr >= 0x100000 + get32(k + 0x260),
           "INITRD_ADDR 0x%x: page-aligned, as high as allowed (limit 0x%llx), above the "
           "kernel's init_size",
           initrd_addr, (unsigned long long)limit);

    /* the setup: the file's bytes but for the loader's fields */
    memset(ram_ptr + SETUP_BUF, 0xcc, setup_size);
    tap_ok(cfg_dma_read(FW_CFG_SETUP_DATA, SETUP_BUF, setup_size), "SETUP_DATA reads by DMA");
    uint8_t *s = ram_ptr + SETUP_BUF;
    tap_ok(s[0x210] == 0xff, "type_of_loader 0xff (undefined)");
    tap_ok(s[0x211] == ((k[0x211] & ~0x60) | 0x80),
           "loadflags: CAN_USE_HEAP set, LOADED_HIGH kept, QUIET/KEEP_SEGMENTS clear (0x%02x)",
           s[0x211]);
    tap_ok(get16(s + 0x224) == 0xfe00, "heap_end_ptr 0xfe00");
    tap_ok(get32(s + 0x228) == 0x20000, "cmd_line_ptr 0x20000");
    tap_ok(get32(s + 0x218) == initrd_addr && get32(s + 0x21c) == INITRD_LEN,
           "ramdisk_image/ramdisk_size: the initrd's place and size");
    static const struct {
        uint32_t off, len;
    } patched[] = { { 0x210, 2 }, { 0x218, 8 }, { 0x224, 2 }, { 0x228, 4 } };
    unsigned diffs = 0;
    for (uint32_t i = 0; i < setup_size; i++) {
        bool is_patched = false;
        for (size_t j = 0; j < sizeof(patched) / sizeof(patched[0]); j++) {
            is_patched |= i >= patched[j].off && i < patched[j].off + patched[j].len;
        }
        diffs += !is_patched && s[i] != k[i];
    }
    tap_ok(diffs == 0, "every other setup byte is the file's (%u differ)", diffs);

    memset(ram_ptr + KERNEL_BUF, 0xcc, kernel_size);
    tap_ok(cfg_dma_read(FW_CFG_KERNEL_DATA, KERNEL_BUF, kernel_size) &&
               memcmp(ram_ptr + KERNEL_BUF, k + setup_size, kernel_size) == 0,
           "KERNEL_DATA is the protected-mode kernel");
    tap_ok(cfg_dma_read(FW_CFG_INITRD_DATA, KERNEL_BUF, INITRD_LEN) &&
               memcmp(ram_ptr + KERNEL_BUF, initrd_bytes, INITRD_LEN) == 0,
           "INITRD_DATA is the initrd");
    tap_ok(cfg_dma_read(FW_CFG_CMDLINE_DATA, KERNEL_BUF, strlen(cmdline) + 1) &&
               memcmp(ram_ptr + KERNEL_BUF, cmdline, strlen(cmdline) + 1) == 0,
           "CMDLINE_DATA is the command line with its NUL");

    /* the option ROM */
    uint16_t key = fw_cfg_find_file(fw, X86_FW_CFG_BOOT_ROM_FILE);
    const FWCfgEntry *e = key == FW_CFG_INVALID ? NULL : &fw->entries[0][key];
    if (tap_ok(e && e->len >= 512, "genroms/linuxboot.bin is published")) {
        const uint8_t *r = e->data;
        uint8_t sum = 0;
        for (uint32_t i = 0; i < e->len; i++) {
            sum += r[i];
        }
        tap_ok(r[0] == 0x55 && r[1] == 0xaa && r[2] * 512u == e->len && e->len % 512 == 0 &&
                   sum == 0,
               "the ROM: 0x55 0xaa, %u blocks, checksum 0", r[2]);
        uint16_t pnp = get16(r + 0x1a);
        uint8_t psum = 0;
        bool pnp_ok = pnp + 32u <= e->len && memcmp(r + pnp, "$PnP", 4) == 0;
        for (int i = 0; pnp_ok && i < 32; i++) {
            psum += r[pnp + i];
        }
        tap_ok(pnp_ok && psum == 0 && r[pnp + 5] == 2 && get16(r + pnp + 0x1a) != 0 &&
                   get16(r + pnp + 0x1a) < e->len && get16(r + pnp + 0x16) == 0,
               "PnP header: checksum 0, a boot entry vector (BEV), no BCV");
        tap_ok(r[3] == 0xe9 || r[3] == 0xeb, "the init entry at offset 3 is a jump");
    }

    size_t bo_len;
    key = fw_cfg_find_file(fw, FW_CFG_FILE_BOOTORDER);
    e = key == FW_CFG_INVALID ? NULL : &fw->entries[0][key];
    const char *want = "/rom@genroms/linuxboot.bin\n/pci@i0cf8/ide@1,1/drive@0/disk@0\n";
    bo_len = e ? e->len : 0;
    tap_ok(bo_len == strlen(want) && memcmp(e->data, want, bo_len) == 0,
           "bootorder: the ROM first, then the board's entries");
    free(msg);
}

int main(void)
{
    char kernel[1024] = "";
    FILE *p = popen(TERN_SRCDIR "/scripts/fetch-guest.sh kernel", "r");

    if (p) {
        if (!fgets(kernel, sizeof(kernel), p)) {
            kernel[0] = 0;
        }
        kernel[strcspn(kernel, "\n")] = 0;
        if (pclose(p) != 0) {
            kernel[0] = 0;
        }
    }
    size_t klen = 0;
    uint8_t *k = kernel[0] ? slurp(kernel, &klen) : NULL;
    if (!tap_ok(k && klen > 0x1000, "scripts/fetch-guest.sh provides Debian's kernel (%s)",
                kernel)) {
        return tap_done();
    }
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    build_machine();
    test_rejections(kernel, k, klen);
    test_published(kernel, k, klen);
    bql_unlock();
    free(k);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
    if (system(cmd) != 0) {
        tap_diag("could not remove %s", tmpdir);
    }
    return tap_done();
}
