/*
 * fw_cfg through its x86 ports, as SeaBIOS and Linux use it: the "QEMU"
 * signature and the ID bits, integer items, the file directory (count,
 * records sorted by name, sizes and keys), reading items by selector on
 * the data port, arch-local keys, DMA reads into guest RAM with the
 * control word cleared, skip, select-only, reads past the end (zeros),
 * DMA writes to writable and read-only items, DMA errors (unreadable
 * descriptor, unassigned destination), the 64-bit address register and
 * its "QEMU CFG" read-back, and a vmstate round trip.
 *
 * The machine: 1 MiB of RAM at 0 and the device at 0x510/0x514.
 */
#include <stdlib.h>
#include <string.h>

#include "hw/nvram/fw_cfg.h"
#include "migration/vmstate.h"
#include "tap.h"
#include "util/main-loop.h"

#define RAM_SIZE (1u << 20)
#define DESC     0x1000
#define BUF      0x2000

static MemoryRegion ram;
static uint8_t *ram_ptr;
static FWCfgState *fw;

static void outb(uint16_t port, uint8_t v)
{
    address_space_stb(&address_space_io, port, v, MEMTXATTRS_UNSPECIFIED, NULL);
}
static void outw(uint16_t port, uint16_t v)
{
    address_space_stw(&address_space_io, port, v, MEMTXATTRS_UNSPECIFIED, NULL);
}
static void outl(uint16_t port, uint32_t v)
{
    address_space_stl(&address_space_io, port, v, MEMTXATTRS_UNSPECIFIED, NULL);
}
static uint8_t inb(uint16_t port)
{
    return address_space_ldub(&address_space_io, port, MEMTXATTRS_UNSPECIFIED, NULL);
}
static uint32_t inl(uint16_t port)
{
    return address_space_ldl(&address_space_io, port, MEMTXATTRS_UNSPECIFIED, NULL);
}

static void cfg_select(uint16_t key)
{
    outw(0x510, key);
}
static void cfg_read(void *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        ((uint8_t *)buf)[i] = inb(0x511);
    }
}
static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}
static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

/* Run one DMA request the SeaBIOS way (two 32-bit writes, big-endian). */
static uint32_t dma(uint32_t control, uint32_t length, uint64_t address)
{
    put_be32(ram_ptr + DESC, control);
    put_be32(ram_ptr + DESC + 4, length);
    put_be32(ram_ptr + DESC + 8, (uint32_t)(address >> 32));
    put_be32(ram_ptr + DESC + 12, (uint32_t)address);
    outl(0x514, 0);
    outl(0x518, __builtin_bswap32(DESC));
    return be32(ram_ptr + DESC);
}

static uint8_t writable[16];
static uint64_t wcb_start, wcb_len;
static int wcb_calls, select_calls;

static void writable_cb(void *opaque, uint64_t start, uint64_t len)
{
    wcb_start = start;
    wcb_len = len;
    wcb_calls++;
}

static void select_cb(void *opaque)
{
    select_calls++;
}

static const uint8_t e820[20] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0, 1, 0, 0, 0 };

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

    fw_cfg_add_i64(fw, FW_CFG_RAM_SIZE, 0x123456789abcull);
    fw_cfg_add_i16(fw, FW_CFG_NB_CPUS, 4);
    fw_cfg_add_i16(fw, FW_CFG_MAX_CPUS, 8);
    fw_cfg_add_i16(fw, FW_CFG_BOOT_MENU, 1);
    fw_cfg_add_string(fw, FW_CFG_CMDLINE_DATA, "console=ttyS0");
    fw_cfg_add_bytes(fw, FW_CFG_E820_TABLE, e820, sizeof(e820));
    fw_cfg_add_file(fw, "etc/zz-last", "zz", 2);
    fw_cfg_add_file(fw, FW_CFG_FILE_E820, e820, sizeof(e820));
    fw_cfg_add_file(fw, FW_CFG_FILE_BOOTORDER, "/pci@i0cf8/ide@1,1/drive@0/disk@0\n", 35);
    uint8_t wait[4] = { 0x60, 0xea, 0, 0 };
    fw_cfg_add_file(fw, FW_CFG_FILE_BOOT_FAIL_WAIT, wait, 4);
    for (int i = 0; i < 16; i++) {
        writable[i] = (uint8_t)(0xa0 + i);
    }
    fw_cfg_add_file_callback(fw, "etc/writable", select_cb, writable_cb, NULL, writable,
                             sizeof(writable), false);
    qdev_reset_all_devices();
}

static void test_basics(void)
{
    char sig[5] = { 0 };
    uint8_t b[8];

    cfg_select(FW_CFG_SIGNATURE);
    cfg_read(sig, 4);
    tap_ok(strcmp(sig, "QEMU") == 0, "signature item reads \"QEMU\"");
    tap_ok(inb(0x511) == 0 && inb(0x511) == 0, "past the end the data port reads 0");
    cfg_select(FW_CFG_SIGNATURE | FW_CFG_WRITE_CHANNEL);
    cfg_read(sig, 4);
    tap_ok(strcmp(sig, "QEMU") == 0, "selecting resets the offset; bit 14 is ignored");
    cfg_select(FW_CFG_ID);
    cfg_read(b, 4);
    tap_ok(b[0] == (FW_CFG_VERSION | FW_CFG_VERSION_DMA) && !b[1] && !b[2] && !b[3],
           "ID: traditional and DMA interfaces (LE32 3)");
    cfg_select(FW_CFG_RAM_SIZE);
    cfg_read(b, 8);
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) {
        v = v << 8 | b[i];
    }
    tap_ok(v == 0x123456789abcull, "RAM size is a little-endian 64-bit item");
    cfg_select(FW_CFG_NB_CPUS);
    cfg_read(b, 2);
    tap_ok(b[0] == 4 && b[1] == 0, "NB_CPUS");
    cfg_select(FW_CFG_CMDLINE_DATA);
    char cmd[20] = { 0 };
    cfg_read(cmd, 14);
    tap_ok(strcmp(cmd, "console=ttyS0") == 0 && cmd[13] == 0, "string item with its NUL");
    cfg_select(FW_CFG_E820_TABLE);
    cfg_read(b, 8);
    cfg_read(b, 4);
    tap_ok(b[2] == 0x0a, "arch-local key 0x8003 reads its own item");
    cfg_select(0x3000);
    cfg_read(b, 4);
    tap_ok(!b[0] && !b[1] && !b[2] && !b[3], "an unknown key reads zeros");
    cfg_select(FW_CFG_SIGNATURE);
    outb(0x511, 'X');
    cfg_read(sig, 4);
    tap_ok(strcmp(sig, "UEMU") != 0 && strcmp(sig, "QEMU") == 0, "data port writes are ignored");
    outb(0x510, FW_CFG_ID);
    cfg_read(sig, 1);
    tap_ok(sig[0] == 0, "a byte write to the selector does not select (offset stays past 'QEMU')");

    char s8[9] = { 0 };
    for (int i = 0; i < 8; i++) {
        s8[i] = (char)inb(0x514 + i);
    }
    tap_ok(strcmp(s8, "QEMU CFG") == 0, "the DMA address register reads \"QEMU CFG\"");
    tap_ok(__builtin_bswap32(inl(0x514)) == 0x51454d55 &&
               __builtin_bswap32(inl(0x518)) == 0x20434647,
           "as big-endian dwords 0x51454d55 0x20434647");
}

static void test_directory(void)
{
    uint8_t cnt[4];
    FWCfgFile files[8];
    bool sorted = true, sizes = true, contents = true;

    cfg_select(FW_CFG_FILE_DIR);
    cfg_read(cnt, 4);
    uint32_t n = be32(cnt);
    tap_ok(n == 5, "directory lists 5 files (count is big-endian)");
    if (n > 8) {
        n = 8;
    }
    cfg_read(files, n * sizeof(FWCfgFile));
    for (uint32_t i = 0; i < n; i++) {
        uint32_t size = be32((uint8_t *)&files[i].size);
        uint16_t sel =
            (uint16_t)(((uint8_t *)&files[i].select)[0] << 8 | ((uint8_t *)&files[i].select)[1]);
        if (i && strcmp(files[i - 1].name, files[i].name) >= 0) {
            sorted = false;
        }
        if (sel < FW_CFG_FILE_FIRST) {
            sizes = false;
        }
        /* read the file by its key and compare with what the board added */
        uint8_t *buf = calloc(1, size + 1);
        cfg_select(sel);
        cfg_read(buf, size);
        if (strcmp(files[i].name, "etc/e820") == 0) {
            contents &= size == sizeof(e820) && memcmp(buf, e820, size) == 0;
        } else if (strcmp(files[i].name, "bootorder") == 0) {
            contents &= size == 35 && memcmp(buf, "/pci@i0cf8/", 11) == 0;
        } else if (strcmp(files[i].name, "etc/boot-fail-wait") == 0) {
            contents &= size == 4 && buf[0] == 0x60 && buf[1] == 0xea;
        } else if (strcmp(files[i].name, "etc/zz-last") == 0) {
            contents &= size == 2 && memcmp(buf, "zz", 2) == 0;
        } else if (strcmp(files[i].name, "etc/writable") == 0) {
            contents &= size == 16 && buf[0] == 0xa0;
        } else {
            contents = false;
        }
        free(buf);
    }
    tap_ok(sorted, "records are sorted by name (%s, %s, ...)", files[0].name, files[1].name);
    tap_ok(sizes, "selectors are file keys (>= 0x20)");
    tap_ok(contents, "every file reads back through its selector");
    tap_ok(fw_cfg_find_file(fw, "bootorder") == FW_CFG_FILE_FIRST &&
               fw_cfg_find_file(fw, "etc/zz-last") == FW_CFG_FILE_FIRST + 4,
           "keys follow the name order");
    tap_ok(select_calls == 1, "selecting etc/writable ran its select callback");
}

static void test_dma(void)
{
    uint16_t boot = fw_cfg_find_file(fw, "bootorder");
    uint16_t e820k = fw_cfg_find_file(fw, FW_CFG_FILE_E820);
    uint16_t wk = fw_cfg_find_file(fw, "etc/writable");
    uint32_t c;

    memset(ram_ptr + BUF, 0xee, 64);
    c = dma(FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ | (uint32_t)boot << 16, 35, BUF);
    tap_ok(c == 0 && memcmp(ram_ptr + BUF, "/pci@i0cf8/ide@1,1/drive@0/disk@0\n", 35) == 0 &&
               ram_ptr[BUF + 35] == 0xee,
           "DMA select+read copies the file into RAM and clears control");

    memset(ram_ptr + BUF, 0xee, 64);
    c = dma(FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ | (uint32_t)e820k << 16, 30, BUF);
    tap_ok(c == 0 && memcmp(ram_ptr + BUF, e820, 20) == 0 && ram_ptr[BUF + 20] == 0 &&
               ram_ptr[BUF + 29] == 0 && ram_ptr[BUF + 30] == 0xee,
           "reading past the end of an item gives zeros");

    memset(ram_ptr + BUF, 0xee, 64);
    c = dma(FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_SKIP | (uint32_t)boot << 16, 5, 0);
    tap_ok(c == 0, "skip succeeds");
    c = dma(FW_CFG_DMA_CTL_READ, 4, BUF);
    tap_ok(c == 0 && memcmp(ram_ptr + BUF, "i0cf", 4) == 0, "read continues after the skip");
    tap_ok(inb(0x511) == '8', "the data port continues at the DMA offset");

    c = dma(FW_CFG_DMA_CTL_SELECT | (uint32_t)FW_CFG_SIGNATURE << 16, 0, 0);
    tap_ok(c == 0 && inb(0x511) == 'Q', "a select-only request selects");

    c = dma(FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE | (uint32_t)boot << 16, 4, BUF);
    cfg_select(boot);
    tap_ok(c == FW_CFG_DMA_CTL_ERROR && inb(0x511) == '/', "a write to a read-only file fails");

    memcpy(ram_ptr + BUF, "\x01\x02\x03\x04", 4);
    c = dma(FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_SKIP | (uint32_t)wk << 16, 6, 0);
    c |= dma(FW_CFG_DMA_CTL_WRITE, 4, BUF);
    tap_ok(c == 0 && writable[5] == 0xa5 && writable[6] == 1 && writable[9] == 4 &&
               writable[10] == 0xaa,
           "a write to a writable file lands at the offset");
    tap_ok(wcb_calls == 1 && wcb_start == 6 && wcb_len == 4, "the write callback saw (6, 4)");
    c = dma(FW_CFG_DMA_CTL_WRITE, 8, BUF);
    tap_ok(c == FW_CFG_DMA_CTL_ERROR && writable[10] == 0xaa && wcb_calls == 1,
           "a write running past the end is refused whole");

    c = dma(FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ | (uint32_t)boot << 16, 8, 0x40000000ull);
    tap_ok(c == FW_CFG_DMA_CTL_ERROR, "a read into unassigned memory sets the error bit");
    c = dma(FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ | (uint32_t)boot << 16, 8,
            0x100000000ull + BUF);
    tap_ok(c == FW_CFG_DMA_CTL_ERROR, "a 64-bit destination above RAM fails too");

    /* a descriptor in unassigned memory: nothing to read, nothing breaks */
    outl(0x514, 0);
    outl(0x518, __builtin_bswap32(0x40000000u));
    cfg_select(FW_CFG_SIGNATURE);
    tap_ok(inb(0x511) == 'Q', "an unreadable descriptor is survived");

    /* one 64-bit big-endian write of the address */
    memset(ram_ptr + BUF, 0xee, 8);
    put_be32(ram_ptr + DESC, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ | FW_CFG_ID << 16);
    put_be32(ram_ptr + DESC + 4, 4);
    put_be32(ram_ptr + DESC + 8, 0);
    put_be32(ram_ptr + DESC + 12, BUF);
    address_space_stq(&address_space_io, 0x514, __builtin_bswap64(DESC), MEMTXATTRS_UNSPECIFIED,
                      NULL);
    tap_ok(be32(ram_ptr + DESC) == 0 && ram_ptr[BUF] == 3 && ram_ptr[BUF + 1] == 0,
           "a single 64-bit address write triggers the request");
}

static void test_high_half(void)
{
    /* with the high half set to 1 the descriptor is at 4 GiB + DESC:
     * unassigned, so the RAM descriptor must stay untouched */
    put_be32(ram_ptr + DESC, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ | FW_CFG_ID << 16);
    outl(0x514, __builtin_bswap32(1));
    outl(0x518, __builtin_bswap32(DESC));
    tap_ok(be32(ram_ptr + DESC) != 0, "the high half selects a descriptor above 4 GiB");
    outl(0x518, __builtin_bswap32(DESC));
    tap_ok(be32(ram_ptr + DESC) == 0, "after an operation the high half is 0 again");
}

static void test_vmstate(void)
{
    VMStateBuffer buf = { 0 };
    VMStateStream st;
    Error *err = NULL;
    const VMStateDescription *vmsd = qdev_get_vmsd(DEVICE(fw));
    uint16_t boot = fw_cfg_find_file(fw, "bootorder");
    int r;

    cfg_select(boot);
    char b[4] = { 0 };
    cfg_read(b, 3);
    outl(0x514, __builtin_bswap32(0x12345678));
    vmstate_stream_init_buffer_writer(&st, &buf);
    r = vmstate_save_state(&st, vmsd, fw, &err);
    tap_ok(r == 0, "saved fw_cfg state");
    qdev_reset_all_devices();
    tap_ok(inb(0x511) == 'Q', "after reset the signature is selected");
    vmstate_stream_init_buffer_reader(&st, &buf);
    r = vmstate_load_state(&st, vmsd, fw, vmsd->version_id, &err);
    if (r < 0) {
        error_report_err(err);
    }
    tap_ok(r == 0 && inb(0x511) == 'i' && inb(0x511) == '@',
           "after load reading continues at offset 3 of bootorder");
    /* the loaded high half applies to the next low-half write */
    put_be32(ram_ptr + DESC, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ | FW_CFG_ID << 16);
    outl(0x518, __builtin_bswap32(DESC));
    tap_ok(be32(ram_ptr + DESC) != 0, "the DMA address high half was restored");
    vmstate_buffer_free(&buf);
}

int main(void)
{
    build_machine();
    test_basics();
    test_directory();
    test_dma();
    test_high_half();
    test_vmstate();
    bql_unlock();
    return tap_done();
}
